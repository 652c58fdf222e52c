# Lifetimes: views keep their engine alive and find their object again on
# every access, so that no order of closing, deleting and collecting ever
# reaches freed memory.

import gc
import os
import subprocess
import sys
import unittest
import weakref

import rollout
from fakehost import FakeHost, seed_spec

NS = "default"


def rolled_out_engine():
    """An engine whose deployment "test" runs 2 ready replicas."""
    fh = FakeHost()
    fh.engine.apply(seed_spec("test", 2, "x:1", 8000))
    fh.tick()
    fh.report_rs(fh.rs_of_revision(NS, "test", 1), rollout.Phase.PENDING,
                 rollout.Phase.READY, 2)
    fh.tick()
    return fh


def views_of(engine):
    d = engine.deployment(NS, "test")
    rs = d.replica_sets[0]
    return [d, d.revisions[0], rs, rs.replicas[0]]


def touch(view):
    """Reads everything a view offers."""
    if isinstance(view, rollout.Deployment):
        return (view.generation, view.conditions, view.status(),
                view.revisions, view.replica_sets, view.spec().name,
                view.count(rollout.Count.READY), view.paused)
    if isinstance(view, rollout.Revision):
        return (view.hash, view.template_dict, view.containers,
                view.replica_set, view.created)
    if isinstance(view, rollout.ReplicaSet):
        return (view.annotations, view.replicas, view.desired,
                view.revision, view.created)
    return (view.phase, view.reason, view.node, view.ready_since,
            view.available, view.replica_set, view.revision, view.deployment)


class Lifetimes(unittest.TestCase):
    def test_views_outlive_the_name_of_their_engine(self):
        fh = rolled_out_engine()
        views = views_of(fh.engine)
        del fh
        gc.collect()
        for view in views:
            touch(view)
        self.assertEqual(views[3].phase, rollout.Phase.READY)
        self.assertEqual(views[0].status_message(),
                         'deployment "test" successfully rolled out')

    def test_views_of_a_closed_engine_raise(self):
        fh = rolled_out_engine()
        views = views_of(fh.engine)
        spec = views[0].spec()
        fh.engine.close()
        del fh
        gc.collect()
        for view in views:
            with self.subTest(view=view):
                with self.assertRaises(rollout.EngineClosed):
                    touch(view)
        # a spec is the caller's own
        self.assertEqual(spec.name, "test")
        self.assertEqual(spec.replicas, 2)

    def test_views_of_objects_that_have_gone(self):
        fh = rolled_out_engine()
        d, rev, rs, replica = views_of(fh.engine)
        fh.engine.scale(NS, "test", 0)
        fh.tick()
        with self.assertRaises(rollout.NotFound):
            replica.phase
        self.assertFalse(replica.exists)
        fh.engine.delete(NS, "test")
        fh.tick()
        for view in (d, rev, rs):
            with self.subTest(view=view):
                with self.assertRaises(rollout.NotFound):
                    touch(view)
        self.assertFalse(d.exists)
        self.assertEqual(fh.engine.deployments, [])
        fh.engine.close()

    def test_replica_views_from_callbacks(self):
        fh = FakeHost()
        kept = []
        fh.create_hook = kept.append
        fh.engine.apply(seed_spec("test", 2, "x:1", 8000))
        fh.tick()
        self.assertEqual(sorted(r.name for r in kept),
                         sorted(r.name for r in
                                fh.engine.deployment(NS, "test")
                                .replica_sets[0].replicas))
        self.assertEqual(kept[0].phase, rollout.Phase.PENDING)
        fh.engine.scale(NS, "test", 0)
        fh.tick()
        for replica in kept:
            with self.assertRaises(rollout.NotFound):
                replica.phase
        fh.engine.close()

    def test_an_unused_engine_is_freed_at_once(self):
        engine = rollout.Engine(lambda: 0, lambda r: None, lambda r: None,
                                event=lambda e: None, timer=lambda ms: None)
        ref = weakref.ref(engine)
        del engine
        self.assertIsNone(ref())

    def test_an_engine_in_a_cycle_is_collected(self):
        fh = rolled_out_engine()  # its callables refer to the host, and
        ref = weakref.ref(fh.engine)  # the host to the engine
        views = views_of(fh.engine)
        del fh
        gc.collect()
        self.assertIsNotNone(ref())  # the views keep it
        del views
        gc.collect()
        self.assertIsNone(ref())

    def test_many_engines(self):
        views = []
        for _ in range(50):
            fh = rolled_out_engine()
            views.extend(views_of(fh.engine))
            if len(views) % 3 == 0:
                fh.engine.close()
            del fh
        gc.collect()
        for view in views:
            try:
                touch(view)
            except rollout.EngineClosed:
                pass

    def test_engine_left_open_at_exit(self):
        # an engine in a reference cycle, still open when the interpreter
        # exits, goes quietly
        code = (
            "import rollout\n"
            "class Host:\n"
            "    def __init__(self):\n"
            "        self.e = rollout.Engine(self.clock, self.create,\n"
            "                                self.create)\n"
            "    def clock(self):\n"
            "        return 0\n"
            "    def create(self, r):\n"
            "        self.e.report(r, 'ready')\n"
            "h = Host()\n"
            "s = rollout.Spec('t', replicas=2, selector={'a': 'b'},\n"
            "                 template_labels={'a': 'b'})\n"
            "s.add_container('c', 'i:1')\n"
            "h.e.apply(s)\n"
            "h.e.tick()\n"
            "views = h.e.deployments\n"
        )
        proc = subprocess.run([sys.executable, "-c", code],
                              capture_output=True, text=True,
                              env=dict(os.environ))
        self.assertEqual((proc.returncode, proc.stderr), (0, ""))


if __name__ == "__main__":
    unittest.main()
