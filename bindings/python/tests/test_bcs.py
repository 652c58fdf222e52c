# The BCS dialect from Python, as tests/check_bcs.c runs it in C: the
# seed's walk-through on the fake host (create test1-1-0.json, update to
# test1-1-1.json) with the application rows at the seed's listing moment and
# at the finish and the step timing; cancel; pause and resume and their
# refusals; the deployment record; standalone applications.
#
# Rows read "NAME STATUS INSTANCE RUNNING MESSAGE" per application, as
# bcs-client list -t app shows them.

import json
import os
import unittest

import rollout
from fakehost import FakeHost

TOP = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(
    __file__)), os.pardir, os.pardir, os.pardir))
SEED = os.path.join(TOP, "tests", "data", "seed")

NS = "defaultGroup"
PENDING = rollout.Phase.PENDING
READY = rollout.Phase.READY
V = "test-v1562517103"  # the seed's new application, 11 s younger
RUNNING = "test Running 2 2 application is running"

RECORD_KEYS = ["metadata", "strategy", "status", "application",
               "application_ext", "last_rolling_time",
               "curr_rolling_operation", "is_in_rolling", "check_time",
               "message", "raw_json"]

APP = json.dumps({
    "apiVersion": "v4", "kind": "application",
    "metadata": {"name": "web", "namespace": NS, "labels": {"app": "web"}},
    "spec": {"instance": 2, "template": {
        "metadata": {"labels": {"app": "web"}},
        "spec": {"containers": [{"image": "web:1"}]}}}})


def seed(name):
    return rollout.Spec.from_file(os.path.join(SEED, name),
                                  dialect=rollout.Dialect.BCS)


def update_spec(order=None, manual=False):
    """The seed's update, with another rolling order or rollingManually."""
    text = seed("test1-1-1.json").write("json")
    if order is not None:
        text = text.replace('"CreateFirst"', '"%s"' % order)
    if manual:
        text = text.replace('"rollingManually": false',
                            '"rollingManually": true')
    return rollout.Spec.parse(text, source="update.json")


class BCS(unittest.TestCase):
    def setUp(self):
        self.fh = FakeHost()
        self.engine = self.fh.engine

    def tearDown(self):
        self.engine.close()

    # helpers

    def rows(self):
        """Every application's row, sorted."""
        return "\n".join(sorted(
            "%s %s %d %d %s" % (app.name, app.status_name, app.desired,
                                app.running, app.message)
            for d in self.engine.deployments for app in d.replica_sets))

    def deployment(self):
        return self.engine.deployment(NS, "test")

    def report_app(self, app, from_phase=PENDING, phase=READY):
        return self.fh.report_rs(app, from_phase, phase, 1000)

    def create_v110(self):
        self.engine.create(seed("test1-1-0.json"))
        self.fh.tick()
        self.assertEqual(self.deployment().status_name, "Running")
        self.assertEqual(self.rows(),
                         "test Deploying 2 0 some pods in staing or starting")
        self.assertEqual(self.report_app("test"), 2)
        self.fh.tick()
        self.assertEqual(self.rows(), RUNNING)

    def start_update(self, spec):
        self.engine.update(spec)
        self.fh.tick()

    def ext_name(self):
        return self.deployment().application_ext.name

    # the seed

    def test_create(self):
        self.create_v110()
        d = self.deployment()
        self.assertEqual(d.dialect, rollout.Dialect.BCS)
        self.assertEqual(d.kind, rollout.Kind.DEPLOYMENT)
        self.assertEqual(d.message, "")
        self.assertIsNone(d.application_ext)
        self.assertEqual(d.constraint, {"IntersectionItem": [{"unionData": [
            {"name": "InnerIP", "operate": "UNIQUE"}]}]})
        app = d.application
        self.assertEqual(app.name, "test")
        self.assertEqual(app, self.engine.application(NS, "test"))
        self.assertEqual(app.deployment, d)
        self.assertEqual((app.desired, app.running, app.built), (2, 2, 2))
        self.assertEqual(app.revision.number, 1)
        tgs = sorted(app.replicas, key=lambda r: r.index)
        self.assertEqual([r.index for r in tgs], [0, 1])
        for r in tgs:
            self.assertEqual(r.name, "%d.test.defaultGroup.Unnamed.%d"
                             % (r.index, 1562517092000 * 1000000))
            self.assertEqual(r.status_name, "Running")
            self.assertEqual(r.replica_set, app)
            self.assertEqual(r.deployment, d)

    def test_seed_update(self):
        self.create_v110()
        self.fh.gone_on_delete = False
        self.fh.now += 11000
        self.engine.update(seed("test1-1-1.json"))
        self.assertEqual(self.deployment().status_name, "Update")
        self.assertEqual(self.ext_name(), V)

        # step 1 at once: the start half creates one taskgroup of the new
        # application
        self.fh.tick()
        self.assertEqual(self.rows(),
                         "test RollingUpdate 2 2 application is running\n"
                         "%s RollingUpdate 2 0 have not enough resources to "
                         "launch application" % V)
        self.assertEqual(self.report_app(V), 1)
        self.fh.tick()
        # the delete half kills the old index 1: the seed's listing
        self.assertEqual(self.rows(),
                         "test RollingUpdate 2 1 application is abnormal\n"
                         "%s RollingUpdate 2 1 have not enough resources to "
                         "launch application" % V)
        self.assertEqual(self.fh.log_count(0, "delete 1.test."), 1)
        self.assertEqual(self.fh.reap(), 1)
        self.fh.tick()
        step1_end = self.fh.now

        # the next step waits strictly more than upgradeDuration (60 s)
        self.assertEqual(self.engine.next_deadline(), 60001)
        self.fh.advance(60000)
        self.assertEqual(self.report_app(V), 0)
        self.fh.advance(1)
        self.assertEqual(self.fh.now - step1_end, 60001)
        self.assertEqual(self.report_app(V), 1)
        self.fh.tick()
        self.assertEqual(self.fh.log_count(0, "delete 0.test."), 1)
        self.assertEqual(self.fh.reap(), 1)
        self.fh.tick()

        # finished: only the new application, bound and running
        self.assertEqual(self.rows(), "%s Running 2 2 application is running"
                         % V)
        d = self.deployment()
        self.assertEqual(d.status_name, "Running")
        self.assertEqual(d.message, "")
        self.assertEqual(d.application.name, V)
        self.assertEqual(d.application.revision.number, 2)
        self.assertIsNone(d.application_ext)
        self.assertEqual(self.engine.next_deadline(), -1)
        with self.assertRaises(rollout.NotFound):
            self.engine.application(NS, "test")

    def test_counts(self):
        self.create_v110()
        self.fh.gone_on_delete = False
        self.start_update(seed("test1-1-1.json"))
        self.report_app(self.ext_name())
        self.fh.tick()
        d = self.deployment()
        # the definition's instance; taskgroups built, ready and available
        # over both applications (the killing one built until it is gone)
        self.assertEqual(d.desired, 2)
        self.assertEqual((d.current, d.ready, d.available), (3, 2, 2))
        # both applications, the killing taskgroup built until it is gone
        self.assertEqual((d.running, d.built), (2, 3))
        self.assertEqual(d.count(rollout.Count.BUILT), 3)
        old = d.application
        self.assertEqual((old.desired, old.current, old.running, old.built),
                         (2, 2, 1, 2))
        killing = [r for r in old.replicas
                   if r.phase == rollout.Phase.TERMINATING]
        self.assertEqual([(r.index, r.status_name) for r in killing],
                         [(1, "Killing")])

    # operations

    def test_pause_and_resume(self):
        self.create_v110()
        with self.assertRaises(rollout.StateError) as cm:
            self.engine.pause(NS, "test")
        self.assertEqual(str(cm.exception), "deployment is not in updating")
        with self.assertRaises(rollout.StateError) as cm:
            self.engine.resume(NS, "test")
        self.assertEqual(str(cm.exception),
                         "deployment is not update paused or suspend")

        self.start_update(update_spec())
        # pausing lets the step in flight finish; no new step begins
        self.engine.pause(NS, "test")
        self.assertEqual(self.deployment().status_name, "UpdatePaused")
        self.assertTrue(self.deployment().paused)
        with self.assertRaises(rollout.StateError) as cm:
            self.engine.pause(NS, "test")
        self.assertEqual(str(cm.exception), "deployment is not in updating")
        self.assertEqual(self.engine.errmsg, "deployment is not in updating")
        self.assertEqual(self.report_app(self.ext_name()), 1)
        self.fh.tick()
        self.fh.advance(600000)
        self.assertEqual(self.deployment().application_ext.built, 1)
        self.assertEqual(self.engine.next_deadline(), -1)

        self.engine.resume(NS, "test")
        with self.assertRaises(rollout.StateError) as cm:
            self.engine.resume(NS, "test")
        self.assertEqual(str(cm.exception),
                         "deployment is not update paused or suspend")
        self.fh.tick()
        self.assertEqual(self.deployment().application_ext.built, 2)

    def test_rolling_manually(self):
        self.create_v110()
        self.start_update(update_spec(manual=True))
        self.assertEqual(self.report_app(self.ext_name()), 1)
        self.fh.tick()
        d = self.deployment()
        self.assertEqual(d.status_name, "UpdatePaused")
        self.assertEqual(d.message, "rollingupdate paused")
        self.fh.advance(3600000)
        self.assertEqual(self.engine.next_deadline(), -1)
        self.engine.resume(NS, "test")
        self.fh.tick()
        self.assertEqual(self.report_app(self.ext_name()), 1)
        self.fh.tick()
        self.assertEqual(self.rows(),
                         "test-v1562517092 Running 2 2 application is running")

    def test_create_timeout_suspends(self):
        self.create_v110()
        self.fh.refuse_creates = 1000
        self.start_update(update_spec())
        self.fh.advance(360000)
        self.assertEqual(self.deployment().status_name, "Update")
        self.fh.advance(1)
        d = self.deployment()
        self.assertEqual(d.status_name, "UpdateSuspend")
        self.assertEqual(d.message,
                         "create taskgroup timeout, rollingupdate suspend")
        self.assertEqual(self.engine.next_deadline(), -1)
        self.fh.refuse_creates = 0
        self.engine.resume(NS, "test")
        self.fh.tick()
        self.assertEqual(self.deployment().status_name, "Update")

    def test_cancel(self):
        self.create_v110()
        with self.assertRaises(rollout.StateError) as cm:
            self.engine.cancel(NS, "test")
        self.assertEqual(str(cm.exception),
                         "deployment is in not rollingupdate")
        self.start_update(update_spec())
        ext = self.ext_name()
        self.assertEqual(self.report_app(ext), 1)
        self.fh.tick()
        # the old index 1 was killed; cancel gives it back
        self.engine.cancel(NS, "test")
        d = self.deployment()
        self.assertEqual(d.status_name, "Running")
        self.assertIsNone(d.application_ext)
        self.fh.tick()
        self.assertEqual(self.report_app("test"), 1)
        self.fh.tick()
        self.assertEqual(self.rows(), RUNNING)
        # the definition before the update is back
        self.assertIn("v1.1.0", d.spec().write("json"))
        with self.assertRaises(rollout.StateError) as cm:
            self.engine.cancel(NS, "test")
        self.assertEqual(str(cm.exception),
                         "deployment is in not rollingupdate")
        with self.assertRaises(rollout.NotFound):
            self.engine.cancel(NS, "nope")

    def test_cancel_during_delete_half(self):
        # upstream refuses it; here the kills in flight finish, then the
        # restore follows
        self.create_v110()
        self.fh.gone_on_delete = False
        self.start_update(update_spec())
        self.assertEqual(self.report_app(self.ext_name()), 1)
        self.fh.tick()
        self.engine.cancel(NS, "test")
        self.fh.tick()
        self.assertEqual(self.deployment().status_name, "Update")
        with self.assertRaises(rollout.StateError):
            self.engine.cancel(NS, "test")
        self.assertEqual(self.fh.reap(), 1)
        self.fh.tick()
        self.assertEqual(self.deployment().status_name, "Running")
        self.assertEqual(self.fh.reap(), 1)  # the new application's
        self.assertEqual(self.report_app("test"), 1)
        self.fh.tick()
        self.assertEqual(self.rows(), RUNNING)

    def test_kubernetes_operations_refused(self):
        self.create_v110()
        with self.assertRaises(rollout.StateError) as cm:
            self.engine.undo(NS, "test")
        self.assertEqual(str(cm.exception), "undo is not an operation of BCS "
                         "deployments (defaultGroup.test)")
        with self.assertRaises(rollout.StateError) as cm:
            self.engine.restart(NS, "test")
        self.assertEqual(str(cm.exception), "restart is not an operation of "
                         "BCS deployments (defaultGroup.test)")
        with self.assertRaises(rollout.InvalidArgument) as cm:
            self.engine.scale(NS, "test", 0)
        self.assertEqual(str(cm.exception), "target instances can not be "
                         "littler than 1, maybe you want to use delete "
                         "command")

    def test_cancel_refused_for_kubernetes(self):
        spec = rollout.Spec("web", replicas=1, selector={"app": "web"},
                            template_labels={"app": "web"})
        spec.add_container("web", "nginx:1.25")
        self.engine.create(spec)
        with self.assertRaises(rollout.AlreadyExists) as cm:
            self.engine.create(spec)
        self.assertEqual(str(cm.exception),
                         'deployments.apps "web" already exists')
        with self.assertRaises(rollout.StateError) as cm:
            self.engine.cancel("default", "web")
        self.assertEqual(str(cm.exception), "cancel is an operation of BCS "
                         "deployments; roll a Kubernetes deployment back "
                         "with undo")
        d = self.engine.deployment(None, "web")
        self.assertEqual(d.kind, rollout.Kind.DEPLOYMENT)
        self.assertIsNone(d.status_name)
        self.assertIsNone(d.message)
        self.assertIsNone(d.application)
        self.assertIsNone(d.constraint)
        with self.assertRaises(rollout.InvalidArgument):
            d.record()
        self.fh.tick()
        rs = d.replica_sets[0]
        self.assertIsNone(rs.status_name)
        self.assertIsNone(rs.message)
        r = rs.replicas[0]
        self.assertIsNone(r.index)
        self.assertEqual(r.status_name, "Pending")

    def test_create_and_update_refusals(self):
        self.create_v110()
        with self.assertRaises(rollout.AlreadyExists) as cm:
            self.engine.create(seed("test1-1-1.json"))
        self.assertEqual(str(cm.exception),
                         "deployment(defaultGroup.test) already exist")
        with self.assertRaises(rollout.ValidationError) as cm:
            self.engine.update(update_spec("Createfirst"))
        self.assertEqual(str(cm.exception),
                         "update.json:30:33: "
                         "spec.strategy.rollingupdate.rollingOrder: "
                         "update strategy rolling order error")
        self.start_update(update_spec())
        with self.assertRaises(rollout.StateError) as cm:
            self.engine.update(update_spec())
        self.assertEqual(str(cm.exception),
                         "deployment is not running, cannot update")
        with self.assertRaises(rollout.StateError) as cm:
            self.engine.scale(NS, "test", 3)
        self.assertEqual(str(cm.exception),
                         "operation forbidden, the deployment status is "
                         "Update")
        with self.assertRaises(TypeError):
            self.engine.update("test1-1-1.json")

    # the record

    def test_record(self):
        self.create_v110()
        text = self.deployment().record()
        self.assertTrue(text.startswith('{\n  "data": {\n    "metadata": {'))
        self.assertTrue(text.endswith("}\n"))
        rec = json.loads(text)["data"]
        self.assertEqual(list(rec), RECORD_KEYS)
        self.assertEqual(rec["status"], "Running")
        self.assertEqual(rec["application"], {
            "name": "test", "curr_target_instances": 0,
            "CurrentRollingInstances": 0})
        self.assertIsNone(rec["application_ext"])
        self.assertEqual(rec["curr_rolling_operation"], "")
        self.assertEqual(rec["raw_json"]["spec"]["instance"], 2)

        # the seed's listing moment: the delete half of the first step
        self.fh.gone_on_delete = False
        self.fh.now += 11000
        self.start_update(seed("test1-1-1.json"))
        self.report_app(V)
        self.fh.tick()
        rec = json.loads(self.deployment().record())["data"]
        self.assertEqual(list(rec), RECORD_KEYS + ["raw_json_backup"])
        self.assertEqual(rec["status"], "Update")
        self.assertEqual(rec["strategy"]["rollingupdate"], {
            "maxUnavilable": 1, "maxSurge": 1, "upgradeDuration": 60,
            "rollingManually": False, "rollingOrder": "CreateFirst"})
        self.assertEqual(rec["application_ext"], {
            "name": V, "curr_target_instances": 1,
            "CurrentRollingInstances": 1})
        self.assertEqual(rec["curr_rolling_operation"], "DELETE")
        self.assertIs(rec["is_in_rolling"], True)
        self.assertEqual(rec["last_rolling_time"], 1562517103)
        image = rec["raw_json_backup"]["spec"]["template"]["spec"][
            "containers"][0]["image"]
        self.assertTrue(image.endswith(":v1.1.0"))

    # standalone applications and the cluster name

    def test_standalone_application(self):
        self.engine.set_cluster("BCS-K8S-001")
        spec = rollout.Spec.parse(APP, source="app.json")
        self.assertEqual(spec.kind, rollout.Kind.APPLICATION)
        self.engine.create(spec)
        with self.assertRaises(rollout.AlreadyExists) as cm:
            self.engine.create(spec)
        self.assertEqual(str(cm.exception), "application already exist")
        self.assertEqual(self.engine.apply(spec), "unchanged")
        self.fh.tick()
        self.assertEqual(self.fh.report_rs("web", PENDING, READY, 10), 2)
        self.fh.tick()
        self.assertEqual(self.rows(), "web Running 2 2 application is running")

        app = self.engine.application(None, "web")
        self.assertEqual(app.namespace, NS)
        self.assertEqual(sorted(r.name for r in app.replicas),
                         ["%d.web.defaultGroup.BCS-K8S-001.%d"
                          % (i, 1562517092000 * 1000000) for i in (0, 1)])
        holder = app.deployment
        self.assertEqual(holder.kind, rollout.Kind.APPLICATION)
        self.assertIn(holder, self.engine.deployments)
        self.assertIsNone(holder.status_name)
        self.assertEqual(holder.application, app)
        self.assertEqual(app.revision.replica_set, app)
        with self.assertRaises(rollout.NotFound):
            self.engine.deployment(NS, "web")

        self.engine.delete_application(None, "web")
        self.assertTrue(holder.deleting)
        with self.assertRaises(rollout.NotFound) as cm:
            self.engine.delete_application(NS, "web")
        self.assertEqual(str(cm.exception), "Application not found")
        self.fh.tick()
        self.assertFalse(app.exists)
        with self.assertRaises(rollout.NotFound):
            self.engine.application(NS, "web")
        self.assertEqual(self.engine.deployments, [])

    def test_set_cluster_refusals(self):
        for name in ("", "a.b", "a/b", "a b", None):
            with self.subTest(name=name):
                with self.assertRaises(rollout.InvalidArgument) as cm:
                    self.engine.set_cluster(name)
                self.assertEqual(str(cm.exception), "a cluster name is a "
                                 "non-empty word without '.', '/' or ' '")

    def test_enumerations(self):
        self.assertEqual(str(rollout.Phase.FINISHED), "finished")
        self.assertEqual(str(rollout.Phase.ERROR), "error")
        self.assertEqual(rollout.phase_from_name("error"), rollout.Phase.ERROR)
        self.assertEqual(int(rollout.Count.RUNNING), 6)
        self.assertEqual(int(rollout.Count.BUILT), 7)


if __name__ == "__main__":
    unittest.main()
