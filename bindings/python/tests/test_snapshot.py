# Snapshots: a restored engine holds the same state and makes the same
# calls, in the same order, as the one that was saved.

import json
import unittest

import rollout
from fakehost import FakeHost, seed_spec

NS = "default"
V0 = "hub.docker.com:xxxx/xxxxxx:v1.1.0"
V1 = "hub.docker.com:xxxx/xxxxxx:v1.1.1"


def mid_rollout():
    """A host halfway through the seed's update to v1.1.1."""
    fh = FakeHost()
    fh.engine.apply(seed_spec("test", 3, V0, 8000))
    fh.tick()
    fh.report_rs(fh.rs_of_revision(NS, "test", 1), rollout.Phase.PENDING,
                 rollout.Phase.READY, 3)
    fh.tick()
    fh.engine.apply(seed_spec("test", 3, V1, 8888))
    fh.tick()
    fh.report_rs(fh.rs_of_revision(NS, "test", 2), rollout.Phase.PENDING,
                 rollout.Phase.READY, 1)
    return fh


def finish(fh):
    """Ticks and makes every pending replica ready until the rollout is
    done; returns the callbacks' log from then on."""
    mark = len(fh.log)
    for _ in range(10):
        fh.tick()
        if fh.engine.deployment(NS, "test").status().done:
            break
        fh.report_rs(fh.rs_of_revision(NS, "test", 2), rollout.Phase.PENDING,
                     rollout.Phase.READY, 1)
    return fh.log[mark:]


class Snapshots(unittest.TestCase):
    def test_round_trip(self):
        fh = mid_rollout()
        saved = fh.engine.save()
        self.assertIsInstance(saved, str)
        self.assertEqual(json.loads(saved)["format"], "librollout-snapshot")

        other = FakeHost()
        other.now = fh.now
        other.engine.restore(saved)
        self.assertEqual(other.engine.save(), saved)
        self.assertEqual(other.sets(NS, "test"), fh.sets(NS, "test"))
        self.assertEqual(other.status(NS, "test"), fh.status(NS, "test"))

        # the same next actions, in the same order
        self.assertEqual(finish(other), finish(fh))
        self.assertEqual(other.sets(NS, "test"), "r1=0/0/0/0 r2=3/3/3/3")
        self.assertEqual(other.engine.save(), fh.engine.save())
        fh.engine.close()
        other.engine.close()

    def test_from_snapshot(self):
        fh = mid_rollout()
        saved = fh.engine.save()
        created = []
        engine = rollout.Engine.from_snapshot(
            saved, clock=lambda: fh.now, create=created.append,
            delete=lambda r: None)
        d = engine.deployment(NS, "test")
        self.assertEqual(d.revision, 2)
        self.assertEqual([r.number for r in d.revisions], [1, 2])
        self.assertEqual(
            [rs.name for rs in d.replica_sets],
            [rs.name for rs in fh.engine.deployment(NS, "test").replica_sets])
        engine.close()
        fh.engine.close()

    def test_from_a_bad_snapshot(self):
        with self.assertRaises(rollout.SnapshotError):
            rollout.Engine.from_snapshot("[]", lambda: 0, lambda r: None,
                                         lambda r: None)

    def test_empty_engine(self):
        with rollout.Engine(lambda: 0, lambda r: None, lambda r: None) as e:
            saved = e.save()
            with rollout.Engine.from_snapshot(saved, lambda: 0,
                                              lambda r: None,
                                              lambda r: None) as again:
                self.assertEqual(len(again.deployments), 0)
                self.assertEqual(again.save(), saved)


if __name__ == "__main__":
    unittest.main()
