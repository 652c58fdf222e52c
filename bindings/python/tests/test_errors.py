# Return codes become exceptions of the right class, with the engine's
# message when an engine is involved and rollout_strerror() otherwise.

import unittest

import rollout
from rollout import _native
from fakehost import FakeHost, seed_spec

NS = "default"


class ErrorClasses(unittest.TestCase):
    def test_one_class_per_code(self):
        classes = {
            -1: rollout.InvalidArgument, -2: rollout.OutOfMemory,
            -3: rollout.NotFound, -4: rollout.AlreadyExists,
            -5: rollout.ValidationError, -6: rollout.StateError,
            -7: rollout.ReentrancyError, -8: rollout.CallbackError,
            -9: rollout.SnapshotError, -10: rollout.DeadlineExceeded,
            -11: rollout.ParseError,
        }
        for code, cls in classes.items():
            with self.subTest(code=code):
                self.assertIs(_native.ERRORS[code], cls)
                self.assertEqual(cls.code, code)
                self.assertTrue(issubclass(cls, rollout.RolloutError))
                err = _native.error_for(code)
                self.assertIsInstance(err, cls)
                self.assertEqual(str(err), rollout.strerror(code))
        self.assertEqual(len(set(classes.values())), len(classes))

    def test_unknown_code(self):
        err = _native.error_for(-99)
        self.assertIs(type(err), rollout.RolloutError)
        self.assertEqual(err.code, -99)

    def test_python_base_classes(self):
        self.assertTrue(issubclass(rollout.NotFound, LookupError))
        self.assertTrue(issubclass(rollout.InvalidArgument, ValueError))
        self.assertTrue(issubclass(rollout.ValidationError, ValueError))
        self.assertTrue(issubclass(rollout.ParseError, ValueError))
        self.assertTrue(issubclass(rollout.EngineClosed, rollout.StateError))


class EngineErrors(unittest.TestCase):
    def setUp(self):
        self.fh = FakeHost()
        self.engine = self.fh.engine

    def tearDown(self):
        self.engine.close()

    def test_validation_error_has_the_field_path(self):
        spec = seed_spec("test", 3, "x:1", 8000).set_max_surge("oops")
        with self.assertRaises(rollout.ValidationError) as cm:
            self.engine.apply(spec)
        err = cm.exception
        self.assertEqual(str(err),
                         "spec.strategy.rollingUpdate.maxSurge: a valid "
                         "percent string must be a numeric string followed "
                         "by an ending '%'")
        self.assertEqual(err.message, str(err))
        self.assertEqual(err.code, -5)
        self.assertEqual(err.function, "rollout_engine_apply")
        self.assertEqual(self.engine.errmsg, str(err))
        # a refused spec changes nothing
        self.assertEqual(len(self.engine.deployments), 0)

    def test_not_found(self):
        with self.assertRaises(rollout.NotFound) as cm:
            self.engine.scale(NS, "nothing", 3)
        self.assertEqual(str(cm.exception),
                         'deployments.apps "nothing" not found')
        with self.assertRaises(rollout.NotFound) as cm:
            self.engine.report("no-such-replica", "ready")
        self.assertEqual(str(cm.exception), "replica no-such-replica not "
                         "found")
        with self.assertRaises(rollout.NotFound) as cm:
            self.engine.deployment(None, "nothing")
        self.assertEqual(str(cm.exception),
                         'deployments.apps "nothing" not found')
        with self.assertRaises(rollout.NotFound):
            self.engine.replica("nothing")

    def test_lookups_do_not_show_an_older_message(self):
        self.engine.apply(seed_spec("test", 1, "x:1", 8000))
        with self.assertRaises(rollout.InvalidArgument):
            self.engine.set_backoff(0, 0)
        self.assertEqual(self.engine.errmsg,
                         "backoff needs 0 < initial <= max")
        # lookups leave the engine's message alone: theirs is their own
        d = self.engine.deployment(NS, "test")
        with self.assertRaises(rollout.NotFound) as cm:
            d.find_revision(7)
        self.assertEqual(str(cm.exception),
                         "unable to find specified revision 7 in history")
        with self.assertRaises(rollout.NotFound) as cm:
            self.engine.replica("nothing")
        self.assertEqual(str(cm.exception), 'pods "nothing" not found')

    def test_invalid_argument(self):
        with self.assertRaises(rollout.InvalidArgument) as cm:
            self.engine.set_backoff(0, 10)
        self.assertEqual(str(cm.exception),
                         "backoff needs 0 < initial <= max")
        self.engine.apply(seed_spec("test", 1, "x:1", 8000))
        self.fh.tick()
        name = self.engine.deployment(NS, "test").replica_sets[0].replicas[0]
        # the engine itself refuses a phase the host cannot report
        with self.assertRaises(rollout.InvalidArgument) as cm:
            self.engine.report(name, rollout.Phase.TERMINATING)
        self.assertEqual(str(cm.exception), "replica %s: phase 6 cannot be "
                         "reported" % name.name)
        with self.assertRaises(ValueError):
            self.engine.report(name, 99)
        with self.assertRaises(rollout.InvalidArgument) as cm:
            self.engine.report(None, "ready")
        self.assertEqual(str(cm.exception), "no replica name")
        with self.assertRaises(rollout.NotFound):
            self.engine.report(name, "sleeping")

    def test_state_error(self):
        self.engine.apply(seed_spec("test", 1, "x:1", 8000))
        with self.assertRaises(rollout.StateError) as cm:
            self.engine.resume(NS, "test")
        self.assertEqual(str(cm.exception),
                         'deployments.apps "test" is not paused')

    def test_already_exists(self):
        spec = seed_spec("test", 1, "x:1", 8000)
        self.engine.apply(spec)
        self.fh.tick()
        self.engine.delete(NS, "test")
        with self.assertRaises(rollout.AlreadyExists) as cm:
            self.engine.apply(spec)
        self.assertEqual(str(cm.exception),
                         'object is being deleted: deployments.apps "test" '
                         'already exists')
        self.fh.tick()
        self.assertEqual(len(self.engine.deployments), 0)
        self.assertEqual(self.engine.apply(spec), "created")

    def test_snapshot_errors(self):
        with self.assertRaises(rollout.SnapshotError) as cm:
            self.engine.restore("{}")
        self.assertEqual(str(cm.exception),
                         "snapshot: not a librollout snapshot")
        self.engine.apply(seed_spec("test", 1, "x:1", 8000))
        with self.assertRaises(rollout.StateError) as cm:
            self.engine.restore(self.engine.save())
        self.assertEqual(str(cm.exception),
                         "a snapshot is restored into an empty engine")

    def test_deadline_exceeded(self):
        spec = seed_spec("test", 3, "x:1", 8000)
        spec.set_progress_deadline_seconds(10)
        self.engine.apply(spec)
        self.fh.tick()
        self.fh.advance(11000)
        d = self.engine.deployment(NS, "test")
        st = d.status()
        self.assertTrue(st.deadline_exceeded)
        self.assertFalse(st.done)
        with self.assertRaises(rollout.DeadlineExceeded) as cm:
            d.status_message()
        self.assertEqual(str(cm.exception),
                         'deployment "test" exceeded its progress deadline')
        self.assertEqual(d.condition("Progressing").reason,
                         "ProgressDeadlineExceeded")

    def test_errors_without_an_engine_use_strerror(self):
        spec = rollout.Spec("test")
        with self.assertRaises(rollout.InvalidArgument) as cm:
            spec.set_strategy(7)
        self.assertEqual(str(cm.exception), "unknown strategy 7")
        with self.assertRaises(rollout.InvalidArgument) as cm:
            rollout.ContainerSpec(spec, 3).set_image("x:1")
        self.assertEqual(str(cm.exception), rollout.strerror(-1))
        self.assertEqual(cm.exception.function,
                         "rollout_spec_container_set_image")
        with self.assertRaises(rollout.NotFound):
            spec.container("nothing")

    def test_closed_engine(self):
        self.engine.close()
        self.engine.close()  # twice is fine
        self.assertTrue(self.engine.closed)
        with self.assertRaises(rollout.EngineClosed):
            self.engine.tick()
        with self.assertRaises(rollout.StateError):
            self.engine.errmsg


if __name__ == "__main__":
    unittest.main()
