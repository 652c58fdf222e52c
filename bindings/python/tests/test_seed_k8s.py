# The seed's Kubernetes walk-through from Python, as tests/check_seed_k8s.c
# runs it in C: 3 replicas of v1.1.0, then v1.1.1 with maxSurge 1 and
# maxUnavailable 1; history, undo, undo to revision 2, pause with a
# template change, resume.  Sizes read "rN=DESIRED/CURRENT/READY/AVAILABLE"
# per revision N.

import unittest

import rollout
from fakehost import FakeHost, seed_spec

NS = "default"
V0 = "hub.docker.com:xxxx/xxxxxx:v1.1.0"
V1 = "hub.docker.com:xxxx/xxxxxx:v1.1.1"
V2 = "hub.docker.com:xxxx/xxxxxx:v1.1.2"


def waiting(detail):
    return 'Waiting for deployment "test" rollout to finish: ' + detail


DONE = 'deployment "test" successfully rolled out'


class SeedWalkThrough(unittest.TestCase):
    def setUp(self):
        self.fh = FakeHost()
        self.engine = self.fh.engine

    def tearDown(self):
        self.engine.close()

    def assertSets(self, want):
        self.assertEqual(self.fh.sets(NS, "test"), want)

    def assertStatus(self, want):
        self.assertEqual(self.fh.status(NS, "test"), want)

    def apply(self, spec, want):
        self.assertEqual(self.engine.apply(spec), want)

    def rs_name(self, rev):
        return self.fh.rs_of_revision(NS, "test", rev)

    def ready(self, rev, count):
        self.assertEqual(self.fh.report_rs(self.rs_name(rev),
                                           rollout.Phase.PENDING,
                                           rollout.Phase.READY, count), count)
        self.fh.tick()
        self.check_invariants()

    def check_invariants(self):
        d = self.engine.deployment(NS, "test")
        # replicas 3 + maxSurge 1
        self.assertLessEqual(sum(rs.desired for rs in d.replica_sets), 4)

    def v1_rolled_out(self):
        self.apply(seed_spec("test", 3, V0, 8000), "created")
        self.assertStatus("Waiting for deployment spec update to be "
                          "observed...")
        self.fh.tick()
        self.assertSets("r1=3/3/0/0")
        self.assertStatus(waiting("0 of 3 updated replicas are available..."))
        self.ready(1, 1)
        self.assertStatus(waiting("1 of 3 updated replicas are available..."))
        self.ready(1, 1)
        self.assertStatus(waiting("2 of 3 updated replicas are available..."))
        self.ready(1, 1)
        self.assertSets("r1=3/3/3/3")
        self.assertStatus(DONE)

    def v2_rolled_out(self):
        self.v1_rolled_out()
        self.apply(seed_spec("test", 3, V1, 8888), "configured")
        self.fh.tick()
        self.ready(2, 1)
        self.ready(2, 1)
        self.ready(2, 1)
        self.assertStatus(DONE)

    def test_v1_creation(self):
        self.v1_rolled_out()
        log = "\n".join(self.fh.log)
        self.assertIn("event Normal ScalingReplicaSet Scaled up replica set ",
                      log)
        self.assertEqual(self.fh.log_count(0, "create "), 3)
        self.assertEqual(self.fh.log_count(0, "delete "), 0)
        d = self.engine.deployment(NS, "test")
        self.assertEqual(d.revision, 1)
        self.assertEqual(d.dialect, rollout.Dialect.KUBERNETES)
        self.assertEqual([c.image for c in d.revisions[0].containers], [V0])

    def test_rolling_update(self):
        self.v1_rolled_out()
        mark = len(self.fh.log)
        self.apply(seed_spec("test", 3, V1, 8888), "configured")
        self.assertStatus("Waiting for deployment spec update to be "
                          "observed...")
        self.fh.tick()
        # new up to 1 (surge), old down to 2 (unavailable), new up to 2
        self.assertSets("r1=2/2/2/2 r2=2/2/0/0")
        self.assertStatus(waiting("2 out of 3 new replicas have been "
                                  "updated..."))
        h1, h2 = self.rs_name(1), self.rs_name(2)
        log = self.fh.log[mark:]
        up1 = ("event Normal ScalingReplicaSet Scaled up replica set %s to 1"
               % h2)
        down2 = ("event Normal ScalingReplicaSet Scaled down replica set %s "
                 "to 2 from 3" % h1)
        up2 = ("event Normal ScalingReplicaSet Scaled up replica set %s to 2 "
               "from 1" % h2)
        # the order: up, down, up
        self.assertLess(log.index(up1), log.index(down2))
        self.assertLess(log.index(down2), log.index(up2))
        self.assertEqual(self.fh.log_count(mark, "create "), 2)
        self.assertEqual(self.fh.log_count(mark, "delete "), 1)

        self.ready(2, 1)
        self.assertSets("r1=1/1/1/1 r2=3/3/1/1")
        self.assertStatus(waiting("1 old replicas are pending "
                                  "termination..."))
        self.ready(2, 1)
        self.assertSets("r1=0/0/0/0 r2=3/3/2/2")
        # the seed's line
        self.assertStatus(waiting("2 of 3 updated replicas are available..."))
        self.ready(2, 1)
        self.assertSets("r1=0/0/0/0 r2=3/3/3/3")
        self.assertStatus(DONE)
        self.assertEqual(self.fh.log_count(mark, "create "), 3)
        self.assertEqual(self.fh.log_count(mark, "delete "), 3)
        d = self.engine.deployment(NS, "test")
        self.assertEqual(d.revisions[1].replica_set.annotation(
            "deployment.kubernetes.io/revision"), "2")
        self.assertEqual(d.new_replica_set.name, h2)
        container = d.revisions[1].containers[0]
        self.assertEqual(container, rollout.Container(
            "test", V1, ["python"], ["-m", "SimpleHTTPServer", "8888"],
            [8888], {}))

    def test_conditions_when_complete(self):
        self.v2_rolled_out()
        d = self.engine.deployment(NS, "test")
        self.assertEqual([c.type for c in d.conditions],
                         ["Available", "Progressing"])
        available = d.condition("Available")
        self.assertEqual((available.status, available.reason,
                          available.message),
                         ("True", "MinimumReplicasAvailable",
                          "Deployment has minimum availability."))
        progressing = d.condition("Progressing")
        self.assertEqual((progressing.status, progressing.reason,
                          progressing.message),
                         ("True", "NewReplicaSetAvailable",
                          'ReplicaSet "%s" has successfully progressed.'
                          % self.rs_name(2)))
        self.assertIsNone(d.condition("ReplicaFailure"))
        self.assertEqual((d.current, d.updated, d.ready, d.available,
                          d.unavailable), (3, 3, 3, 3, 0))
        self.assertEqual((d.generation, d.observed_generation, d.revision),
                         (2, 2, 2))
        self.assertTrue(d.status().done)

    def test_history_and_undo(self):
        self.v2_rolled_out()
        d = self.engine.deployment(NS, "test")
        self.assertEqual([r.number for r in d.revisions], [1, 2])
        self.assertIsNone(d.revisions[0].change_cause)
        h1, h2 = self.rs_name(1), self.rs_name(2)
        self.assertNotEqual(h1, h2)
        self.assertTrue(h1.startswith("test-"))

        # undo: back to revision 1, which becomes revision 3
        self.assertEqual(self.engine.undo(NS, "test"), "rolled back")
        self.fh.tick()
        self.assertSets("r2=2/2/2/2 r3=2/2/0/0")
        self.assertEqual(self.rs_name(3), h1)
        self.assertEqual(d.revisions[1].replica_set.annotation(
            "deployment.kubernetes.io/revision-history"), "1")
        self.assertStatus(waiting("2 out of 3 new replicas have been "
                                  "updated..."))
        self.ready(3, 1)
        self.assertSets("r2=1/1/1/1 r3=3/3/1/1")
        self.ready(3, 2)
        self.assertSets("r2=0/0/0/0 r3=3/3/3/3")
        self.assertStatus(DONE)
        self.assertEqual(d.revision, 3)

        # undo --to-revision=2: revision 2 becomes revision 4
        self.assertEqual(self.engine.undo(NS, "test", to_revision=2),
                         "rolled back")
        self.fh.tick()
        self.assertSets("r3=2/2/2/2 r4=2/2/0/0")
        self.assertEqual(self.rs_name(4), h2)
        self.ready(4, 1)
        self.assertSets("r3=1/1/1/1 r4=3/3/1/1")
        self.ready(4, 2)
        self.assertSets("r3=0/0/0/0 r4=3/3/3/3")
        self.assertStatus(DONE)

        # the revisions that are gone cannot be found; the current one skips
        with self.assertRaises(rollout.NotFound) as cm:
            self.engine.undo(NS, "test", 2)
        self.assertEqual(str(cm.exception),
                         "unable to find specified revision 2 in history")
        self.assertEqual(self.engine.undo(NS, "test", 4), "skipped")

    def test_pause_and_resume(self):
        self.v2_rolled_out()
        self.engine.pause(NS, "test")
        with self.assertRaises(rollout.StateError) as cm:
            self.engine.pause(NS, "test")
        self.assertEqual(str(cm.exception),
                         'deployments.apps "test" is already paused')
        self.fh.tick()
        d = self.engine.deployment(NS, "test")
        self.assertTrue(d.paused)

        spec = d.spec()
        spec.container("test").set_image(V2)
        mark = len(self.fh.log)
        self.apply(spec, "configured")
        self.fh.tick()
        self.fh.tick()
        self.assertSets("r1=0/0/0/0 r2=3/3/3/3")
        self.assertEqual(self.fh.log_count(mark, "create "), 0)
        self.assertEqual(self.fh.log_count(mark, "delete "), 0)
        self.assertStatus(waiting("0 out of 3 new replicas have been "
                                  "updated..."))
        with self.assertRaises(rollout.StateError) as cm:
            self.engine.undo(NS, "test")
        self.assertEqual(str(cm.exception),
                         "you cannot rollback a paused deployment; resume it "
                         "first with 'kubectl rollout resume' and try again")

        self.engine.resume(NS, "test")
        self.fh.tick()
        self.assertSets("r1=0/0/0/0 r2=2/2/2/2 r3=2/2/0/0")
        self.ready(3, 1)
        self.ready(3, 2)
        self.assertSets("r1=0/0/0/0 r2=0/0/0/0 r3=3/3/3/3")
        self.assertStatus(DONE)
        self.assertFalse(d.paused)


if __name__ == "__main__":
    unittest.main()
