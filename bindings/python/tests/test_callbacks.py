# The host's callables: refusals, exceptions raised again after the engine
# call, reports and reentrancy from inside them, the timer.

import unittest

import rollout
from fakehost import FakeHost, seed_spec

NS = "default"


class Boom(Exception):
    pass


class Refusals(unittest.TestCase):
    def setUp(self):
        self.fh = FakeHost()
        self.engine = self.fh.engine

    def tearDown(self):
        self.engine.close()

    def test_refusal_with_a_reason(self):
        self.fh.refuse_creates = 1
        self.fh.refusal = "have not enough resources"
        self.engine.apply(seed_spec("test", 1, "x:1", 8000))
        self.fh.tick()
        self.assertEqual(self.fh.log_count(0, "refuse "), 1)
        self.assertIn("event Warning FailedScheduling have not enough "
                      "resources", self.fh.log)
        rs = self.engine.deployment(NS, "test").replica_sets[0]
        (replica,) = rs.replicas
        self.assertEqual(replica.phase, rollout.Phase.PENDING)
        self.assertEqual(replica.reason, "have not enough resources")
        # retried after the backoff (1 s by default), and accepted
        self.assertEqual(self.engine.next_deadline(), 1000)
        self.fh.advance(1000)
        self.assertEqual(self.fh.log_count(0, "create "), 1)
        self.assertIsNone(replica.reason)

    def test_refusal_without_a_reason(self):
        calls = []

        def create(replica):
            calls.append(replica.name)
            return False if len(calls) == 1 else None

        with rollout.Engine(lambda: 0, create, lambda r: None) as engine:
            engine.set_backoff(10, 20)
            engine.apply(seed_spec("test", 1, "x:1", 8000))
            engine.tick()
            (replica,) = engine.deployment(NS, "test").replica_sets[0].replicas
            self.assertEqual(replica.reason, "refused")
            self.assertEqual(engine.next_deadline(), 10)

    def test_answer_of_the_wrong_type(self):
        with rollout.Engine(lambda: 0, lambda r: 42, lambda r: None) as e:
            e.apply(seed_spec("test", 1, "x:1", 8000))
            with self.assertRaises(TypeError):
                e.tick()


class Exceptions(unittest.TestCase):
    def setUp(self):
        self.fh = FakeHost()
        self.engine = self.fh.engine

    def tearDown(self):
        self.engine.close()

    def test_create_exception_raised_after_tick(self):
        failures = [Boom("the host is down")]

        def hook(replica):
            if failures:
                raise failures.pop()

        self.fh.create_hook = hook
        self.engine.apply(seed_spec("test", 3, "x:1", 8000))
        with self.assertRaises(Boom) as cm:
            self.fh.tick()
        self.assertEqual(str(cm.exception), "the host is down")
        # the engine said why the tick stopped
        self.assertTrue(self.engine.errmsg.startswith(
            "the create callback failed for replica test-"))
        self.assertEqual(self.fh.log_count(0, "create "), 0)
        # still usable: the others go at the next tick, the failed one after
        # its backoff
        self.fh.tick()
        self.assertEqual(self.fh.log_count(0, "create "), 2)
        self.assertEqual(self.engine.next_deadline(), 1000)
        self.fh.advance(1000)
        self.assertEqual(self.fh.log_count(0, "create "), 3)
        self.assertEqual(self.fh.sets(NS, "test"), "r1=3/3/0/0")
        self.fh.report_rs(self.fh.rs_of_revision(NS, "test", 1),
                          rollout.Phase.PENDING, rollout.Phase.READY, 3)
        self.fh.tick()
        self.assertEqual(self.fh.status(NS, "test"),
                         'deployment "test" successfully rolled out')

    def test_delete_exception(self):
        self.engine.apply(seed_spec("test", 2, "x:1", 8000))
        self.fh.tick()

        def delete(replica):
            raise Boom(replica.name)

        self.engine._delete = delete
        self.engine.scale(NS, "test", 1)
        with self.assertRaises(Boom):
            self.fh.tick()

    def test_event_exception(self):
        seen = []

        def event(ev):
            seen.append(ev)
            raise KeyError("events are broken")

        with rollout.Engine(lambda: 0, lambda r: None, lambda r: None,
                            event=event) as engine:
            engine.apply(seed_spec("test", 1, "x:1", 8000))
            with self.assertRaises(KeyError):
                engine.tick()
            self.assertEqual(seen[0].type, "Normal")
            self.assertEqual(seen[0].deployment,
                             engine.deployment(NS, "test"))

    def test_clock_exception(self):
        clock = [5]

        def now():
            if clock[0] is None:
                raise Boom("no time")
            return clock[0]

        with rollout.Engine(now, lambda r: None, lambda r: None) as engine:
            self.assertEqual(engine.next_deadline(), -1)
            clock[0] = None
            with self.assertRaises(Boom):
                engine.next_deadline()
            with self.assertRaises(Boom):
                engine.apply(seed_spec("test", 1, "x:1", 8000))
            clock[0] = 6
            engine.tick()
            self.assertEqual(len(engine.deployments), 1)

    def test_timer_exception(self):
        def timer(ms):
            raise Boom(ms)

        with rollout.Engine(lambda: 0, lambda r: None, lambda r: None,
                            timer=timer) as engine:
            with self.assertRaises(Boom) as cm:
                engine.apply(seed_spec("test", 1, "x:1", 8000))
            self.assertEqual(cm.exception.args, (0,))

    def test_keyboard_interrupt_is_not_lost(self):
        def create(replica):
            raise KeyboardInterrupt

        with rollout.Engine(lambda: 0, create, lambda r: None) as engine:
            engine.apply(seed_spec("test", 1, "x:1", 8000))
            with self.assertRaises(KeyboardInterrupt):
                engine.tick()

    def test_reentrancy(self):
        errors = []

        def hook(replica):
            try:
                self.engine.apply(seed_spec("other", 1, "x:1", 8000))
            except rollout.ReentrancyError as err:
                errors.append(err)

        self.fh.create_hook = hook
        self.engine.apply(seed_spec("test", 1, "x:1", 8000))
        self.fh.tick()
        self.assertEqual(len(errors), 1)
        self.assertEqual(str(errors[0]),
                         "this call is not allowed from inside a callback")
        self.assertEqual(len(self.engine.deployments), 1)

    def test_uncaught_reentrancy_error_after_tick(self):
        self.fh.create_hook = lambda r: self.engine.tick()
        self.engine.apply(seed_spec("test", 1, "x:1", 8000))
        with self.assertRaises(rollout.ReentrancyError):
            self.fh.tick()


class InsideCallbacks(unittest.TestCase):
    def test_reports_and_views_from_a_callback(self):
        fh = FakeHost()
        seen = []

        def hook(replica):
            # queries and reports are allowed inside a callback
            seen.append((replica.phase, replica.deployment.name,
                         replica.replica_set.name, replica.revision.number))
            fh.engine.report(replica, "starting")
            fh.engine.report_node(replica, "node-1")

        fh.create_hook = hook
        fh.engine.apply(seed_spec("test", 1, "x:1", 8000))
        fh.tick()
        (replica,) = fh.engine.deployment(NS, "test").replica_sets[0].replicas
        self.assertEqual(seen, [(rollout.Phase.PENDING, "test",
                                 replica.replica_set.name, 1)])
        self.assertEqual(replica.phase, rollout.Phase.STARTING)
        self.assertEqual(replica.node, "node-1")
        self.assertIsNone(replica.ready_since)
        fh.engine.close()

    def test_timer(self):
        fh = FakeHost()
        fh.engine.apply(seed_spec("test", 1, "x:1", 8000))
        self.assertEqual(fh.timer_ms, 0)
        fh.tick()
        # the progress deadline is the next one
        self.assertGreater(fh.timer_ms, 0)
        self.assertEqual(fh.timer_ms, fh.engine.next_deadline())
        fh.engine.delete(NS, "test")
        fh.tick()
        self.assertEqual(fh.timer_ms, -1)
        fh.engine.close()

    def test_close_from_inside_a_callback(self):
        box = {}

        def create(replica):
            box["engine"].close()
            box["replica"] = replica

        engine = rollout.Engine(lambda: 0, create, lambda r: None)
        box["engine"] = engine
        engine.apply(seed_spec("test", 3, "x:1", 8000))
        engine.tick()  # the engine goes when the tick returns
        self.assertTrue(engine.closed)
        with self.assertRaises(rollout.EngineClosed):
            box["replica"].phase
        with self.assertRaises(rollout.EngineClosed):
            engine.tick()


if __name__ == "__main__":
    unittest.main()
