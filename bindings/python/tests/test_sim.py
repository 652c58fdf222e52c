# The simulator from Python: options, nodes, placement, faults, steering,
# the run loops, the timeline, summaries, snapshots, and the engine it
# hosts, which needs no callables of the program's.

import gc
import json
import unittest
import weakref

import rollout
from fakehost import seed_spec

T0 = 1562517092000
V0 = "hub.docker.com:xxxx/xxxxxx:v1.1.0"
V1 = "hub.docker.com:xxxx/xxxxxx:v1.1.1"


def cluster(nodes=3, cpu=4, memory_mb=8192, **options):
    sim = rollout.Simulator(**options)
    for i in range(1, nodes + 1):
        sim.add_node("node%d" % i, cpu, memory_mb)
    return sim


def web(replicas, image, cpu=None):
    spec = rollout.Spec("web", replicas=replicas, max_surge=1,
                        max_unavailable=0, selector={"app": "web"},
                        template_labels={"app": "web"})
    resources = {"requests": {"cpu": cpu}} if cpu else None
    spec.add_container("web", image, resources=resources)
    return spec


def placed(sim, name="web"):
    """The nodes of the replicas of NAME, sorted."""
    d = sim.engine.deployment(None, name)
    return sorted(r.node for rs in d.replica_sets for r in rs.replicas
                  if r.node and r.phase != rollout.Phase.TERMINATING)


class Options(unittest.TestCase):
    def test_defaults(self):
        with rollout.Simulator() as sim:
            self.assertEqual(sim.now, T0)
            self.assertEqual(sim.nodes, [])
            self.assertEqual(sim.timeline, [])
            self.assertEqual(sim.errmsg, "")
            self.assertIn("0 nodes", repr(sim))
        self.assertTrue(sim.closed)
        self.assertEqual(repr(sim), "<rollout.Simulator closed>")
        with self.assertRaises(rollout.EngineClosed):
            sim.now

    def test_keywords(self):
        sim = rollout.Simulator(seed=5, start_delay_ms=250, ready_delay_ms=50,
                                stop_delay_ms=10, start_time_ms=1000,
                                cluster="c1", backoff_initial_ms=100,
                                backoff_max_ms=400)
        self.assertEqual(sim.now, 1000)
        sim.add_node("n", 1, 1024)
        sim.engine.apply(web(1, "w:1"))
        sim.run_until(1000 + 249)
        self.assertEqual(sim.engine.deployment(None, "web").ready, 0)
        sim.run_until(1000 + 300)
        self.assertEqual(sim.engine.deployment(None, "web").ready, 1)
        sim.close()

    def test_bad_options(self):
        with self.assertRaises(TypeError):
            rollout.Simulator(colour="blue")
        with self.assertRaises(rollout.InvalidArgument):
            rollout.Simulator(refuse_rate=2)
        with self.assertRaises(rollout.InvalidArgument):
            rollout.Simulator(start_delay_min_ms=10, start_delay_max_ms=5)
        with self.assertRaises(rollout.InvalidArgument):
            rollout.Simulator(cluster="a.b")


class Nodes(unittest.TestCase):
    def test_nodes(self):
        sim = rollout.Simulator()
        sim.add_node("a", 2, 4096, attributes={"zone": "east", "cores": 8})
        sim.add_node("b", 1.5, 1024)
        self.assertEqual([n.name for n in sim.nodes], ["a", "b"])
        a = sim.node("a")
        self.assertEqual(a.attributes, {"hostname": "a",
                                        "InnerIP": "10.0.0.1",
                                        "zone": "east", "cores": "8"})
        self.assertEqual((a.cpu_used, a.cpu_free, a.memory_used_mb,
                          a.memory_free_mb), (0, 2, 0, 4096))
        sim.set_node_attribute("a", "zone", None)
        self.assertNotIn("zone", sim.node("a").attributes)
        with self.assertRaises(rollout.AlreadyExists) as cm:
            sim.add_node("a", 1, 1)
        self.assertEqual(str(cm.exception), "node a exists already")
        with self.assertRaises(rollout.NotFound):
            sim.node("z")
        with self.assertRaises(rollout.NotFound) as cm:
            sim.lose_node("z")
        self.assertEqual(str(cm.exception), "node z not found")
        sim.lose_node("a")
        self.assertEqual([n.name for n in sim.nodes], ["b"])
        self.assertEqual([t for _, t in sim.timeline],
                         ["node a added: cpu 2, memory 4096 MiB, InnerIP "
                          "10.0.0.1",
                          "node b added: cpu 1.5, memory 1024 MiB, InnerIP "
                          "10.0.0.2",
                          "node a lost"])

    def test_placement_by_resources(self):
        sim = cluster(2, cpu=1)
        sim.engine.apply(web(5, "w:1", cpu="400m"))
        sim.advance(5000)
        self.assertEqual(placed(sim), ["node1", "node1", "node2", "node2"])
        self.assertAlmostEqual(sim.node("node1").cpu_used, 0.8)
        refusals = [t for _, t in sim.timeline if t.startswith("refuse ")]
        self.assertTrue(refusals)
        self.assertTrue(refusals[0].endswith(": have not enough resources"))


class Scenarios(unittest.TestCase):
    def test_seed_k8s(self):
        # kubectl apply test1-1-0 then test1-1-1 on 3 nodes: never fewer
        # than 2 available
        sim = cluster(3)
        sim.engine.apply(seed_spec("test", 3, V0, 8000))
        self.assertEqual(sim.run_until_idle(T0 + 600000),
                         rollout.SimOutcome.IDLE)
        self.assertEqual(placed(sim, "test"), ["node1", "node2", "node3"])
        sim.run_until(T0 + 60000)
        sim.engine.apply(seed_spec("test", 3, V1, 8888))
        self.assertEqual(sim.run_until_idle(T0 + 600000),
                         rollout.SimOutcome.IDLE)
        d = sim.engine.deployment(None, "test")
        self.assertEqual(d.status_message(),
                         'deployment "test" successfully rolled out')
        s = sim.summary(None, "test")
        self.assertEqual(s.start_ms, T0 + 60000)
        self.assertGreater(s.duration_ms, 0)
        self.assertGreaterEqual(s.min_available, 2)
        self.assertLessEqual(s.max_total, 4)
        self.assertGreaterEqual(s.waves, 2)
        self.assertIsInstance(s, rollout.SimSummary)

    def test_faults(self):
        sim = cluster(1)
        sim.set_image_fault("w:2", rollout.SimFault.NEVER_READY)
        sim.engine.apply(web(2, "w:1"))
        sim.run_until_idle(T0 + 60000)
        spec = web(2, "w:2")
        spec.set_progress_deadline_seconds(20)
        sim.engine.apply(spec)
        self.assertEqual(sim.run_until_idle(T0 + 3600000),
                         rollout.SimOutcome.IDLE)
        self.assertIsNone(sim.summary(None, "web").finish_ms)
        with self.assertRaises(rollout.DeadlineExceeded):
            sim.engine.deployment(None, "web").status_message()
        sim.set_image_fault("w:3", "crash", after_ms=3000)
        sim.engine.apply(web(2, "w:3"))
        sim.advance(20000)
        self.assertTrue(any(t.startswith("failed web-") and
                            t.endswith(": crashed")
                            for _, t in sim.timeline))
        with self.assertRaises(rollout.InvalidArgument):
            sim.set_image_fault("x", "flaky")

    def test_manual_steering(self):
        sim = cluster(2, manual=True)
        sim.engine.apply(web(3, "w:1"))
        sim.advance(0)
        d = sim.engine.deployment(None, "web")
        rs = d.new_replica_set
        self.assertEqual(sorted(r.phase for r in rs.replicas),
                         [rollout.Phase.STARTING] * 3)
        first = sorted(r.name for r in rs.replicas)[0]
        sim.replica_ready(first)
        with self.assertRaises(rollout.StateError) as cm:
            sim.replica_ready(first)
        self.assertIn("is ready, not starting or running", str(cm.exception))
        self.assertEqual(sim.steer("ready", rs.name, count=1), 1)
        self.assertEqual(sim.steer(rollout.SimAction.READY), 1)
        self.assertEqual(sim.run_until_idle(sim.now + 1000),
                         rollout.SimOutcome.IDLE)
        victim = rs.replicas[0]
        sim.replica_kill(victim)
        self.assertFalse(victim.exists)
        sim.advance(0)
        self.assertEqual(len(rs.replicas), 3)
        with self.assertRaises(rollout.NotFound):
            sim.replica_fail("nobody")
        self.assertEqual(sim.steer("fail", count=2), 2)
        with self.assertRaises(rollout.InvalidArgument):
            sim.steer("dance")

    def test_stalled(self):
        sim = cluster(1)
        sim.set_image_fault("w:1", "never-ready")
        spec = web(1, "w:1")
        spec.set_progress_deadline_seconds(None)
        sim.engine.apply(spec)
        self.assertEqual(sim.run_until_idle(T0 + 3600000),
                         rollout.SimOutcome.STALLED)
        self.assertEqual(sim.now, T0 + 1000)
        sim.engine.apply(web(1, "w:2"))
        self.assertEqual(sim.run_until_idle(T0 + 1500),
                         rollout.SimOutcome.LIMIT)
        self.assertEqual(sim.now, T0 + 1500)
        with self.assertRaises(rollout.InvalidArgument) as cm:
            sim.run_until(T0)
        self.assertIn("the clock does not go back", str(cm.exception))


class Snapshots(unittest.TestCase):
    def scenario(self, sim):
        sim.engine.apply(web(4, "w:1", cpu="500m"))
        sim.advance(30000)
        sim.engine.apply(web(4, "w:2", cpu="500m"))
        sim.advance(1234)

    def test_restored_goes_on_identically(self):
        options = dict(seed=3, start_delay_min_ms=200, start_delay_max_ms=3000,
                       ready_delay_ms=400, stop_delay_ms=700, refuse_rate=0.3)
        a = cluster(2, cpu=2, **options)
        self.scenario(a)
        state = a.save()
        self.assertEqual(json.loads(state)["format"], "librollout-sim")
        b = rollout.Simulator.restore(state)
        self.assertEqual(b.save(), state)
        for sim in (a, b):
            sim.lose_node("node2")
            sim.add_node("node3", 2, 8192)
            sim.run_until_idle(T0 + 600000)
        self.assertEqual(a.timeline, b.timeline)
        self.assertEqual(a.summary(None, "web"), b.summary(None, "web"))
        self.assertEqual(a.now, b.now)

    def test_bad_state(self):
        with self.assertRaises(rollout.SnapshotError) as cm:
            rollout.Simulator.restore('{"format": "librollout-sim", '
                                      '"version": 9}')
        self.assertEqual(str(cm.exception), "simulator state: version 9 is "
                         "newer than this library reads (1)")
        with self.assertRaises(rollout.SnapshotError):
            rollout.Simulator.restore(b"not json")
        with self.assertRaises(rollout.InvalidArgument):
            rollout.Simulator.restore(None)


class HostedEngine(unittest.TestCase):
    def test_the_simulator_drives_it(self):
        sim = cluster(1)
        engine = sim.engine
        self.assertIs(sim.engine, engine)
        for call in (engine.tick, lambda: engine.report("x", "ready"),
                     lambda: engine.report_node("x", "n"),
                     lambda: engine.restore("{}"),
                     lambda: engine.set_backoff(1, 2)):
            with self.assertRaises(rollout.StateError):
                call()
        # the engine's own errors carry the engine's messages
        engine.apply(web(1, "w:1"))
        with self.assertRaises(rollout.StateError) as cm:
            engine.resume(None, "web")
        self.assertEqual(str(cm.exception),
                         'deployments.apps "web" is not paused')
        self.assertIsInstance(engine.next_deadline(), int)
        self.assertIsInstance(engine.save(), str)

    def test_views_keep_the_simulator(self):
        sim = cluster(1)
        sim.engine.apply(web(2, "w:1"))
        sim.run_until_idle(T0 + 60000)
        ref = weakref.ref(sim)
        d = sim.engine.deployment(None, "web")
        del sim
        gc.collect()
        self.assertIsNotNone(ref())
        self.assertEqual(d.ready, 2)
        del d
        gc.collect()
        self.assertIsNone(ref())

    def test_closing(self):
        sim = cluster(1)
        sim.engine.apply(web(1, "w:1"))
        d = sim.engine.deployment(None, "web")
        sim.close()
        with self.assertRaises(rollout.EngineClosed):
            d.ready
        sim = cluster(1)
        with sim.engine as engine:
            engine.apply(web(1, "w:1"))
        self.assertTrue(sim.closed)
        self.assertTrue(engine.closed)


if __name__ == "__main__":
    unittest.main()
