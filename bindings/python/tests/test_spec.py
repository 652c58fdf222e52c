# The Spec builder: every rollout_spec_* setter, read back through the
# engine's revisions, and Deployment.spec() copies.

import copy
import unittest

import rollout
from fakehost import FakeHost, seed_spec

NS = "default"


def full_spec():
    spec = rollout.Spec(
        "web", "shop",
        labels={"app": "web", "tier": "front"},
        annotations={"kubernetes.io/change-cause": "first"},
        selector={"app": "web"}, replicas=4, strategy="RollingUpdate",
        max_surge="50%", max_unavailable=0, min_ready_seconds=5,
        progress_deadline_seconds=120, revision_history_limit=3,
        template_labels={"app": "web"},
        template_annotations={"owner": "team-a"})
    spec.add_container(
        "web", "nginx:1.25", command=["nginx"], args=["-g", "daemon off;"],
        ports=[80, (443, "https", "TCP")], env={"MODE": "prod", "X": "1"},
        resources={"limits": {"cpu": "500m"}, "requests": {"memory": "64Mi"}},
        probes={"readiness": {"action": "httpGet", "path": "/healthz",
                              "port": 80, "period_seconds": 5}})
    side = spec.add_container("log", "busybox:1")
    side.add_command("sh", "-c").add_arg("tail -f /dev/null")
    side.set_probe(rollout.ProbeKind.LIVENESS, rollout.ProbeAction.EXEC,
                   command=["true"], initial_delay_seconds=3)
    side.set_probe("startup", "tcpSocket", port=9000, failure_threshold=30)
    return spec


class Specs(unittest.TestCase):
    def setUp(self):
        self.fh = FakeHost()
        self.engine = self.fh.engine

    def tearDown(self):
        self.engine.close()

    def test_read_back(self):
        spec = full_spec()
        self.assertEqual((spec.name, spec.namespace, spec.replicas,
                          spec.dialect), ("web", "shop", 4,
                                          rollout.Dialect.KUBERNETES))
        spec.replicas = 5
        self.assertEqual(spec.replicas, 5)
        self.assertEqual(rollout.Spec("x").namespace, "default")

    def test_template(self):
        self.assertEqual(self.engine.apply(full_spec()), "created")
        self.fh.tick()
        d = self.engine.deployment("shop", "web")
        self.assertEqual(d.desired, 4)
        rev = d.revisions[0]
        self.assertEqual(rev.change_cause, "first")
        tmpl = rev.template_dict
        self.assertEqual(tmpl["metadata"]["labels"], {"app": "web"})
        self.assertEqual(tmpl["metadata"]["annotations"], {"owner": "team-a"})
        web, log = tmpl["spec"]["containers"]
        self.assertEqual(web["ports"], [
            {"containerPort": 80},
            {"containerPort": 443, "name": "https", "protocol": "TCP"}])
        self.assertEqual(web["resources"], {"limits": {"cpu": "500m"},
                                            "requests": {"memory": "64Mi"}})
        self.assertEqual(web["readinessProbe"],
                         {"httpGet": {"path": "/healthz", "port": 80},
                          "periodSeconds": 5})
        self.assertEqual(log["livenessProbe"],
                         {"exec": {"command": ["true"]},
                          "initialDelaySeconds": 3})
        self.assertEqual(log["startupProbe"],
                         {"tcpSocket": {"port": 9000},
                          "failureThreshold": 30})
        containers = rev.containers
        self.assertEqual(containers[0], rollout.Container(
            "web", "nginx:1.25", ["nginx"], ["-g", "daemon off;"], [80, 443],
            {"MODE": "prod", "X": "1"}))
        self.assertEqual(containers[1].command, ["sh", "-c"])
        self.assertEqual(containers[1].args, ["tail -f /dev/null"])
        self.assertEqual(rev.hash, d.replica_sets[0].name.split("-")[-1])
        # maxSurge 50% of 4 with maxUnavailable 0: 2 over
        self.assertEqual(
            d.replica_sets[0].annotation(
                "deployment.kubernetes.io/max-replicas"), "6")

    def test_removals(self):
        spec = full_spec()
        c = spec.container("web")
        c.set_env("X", None).set_resource("limits", "cpu", None)
        c.remove_probe("readiness")
        spec.set_template_annotation("owner", None)
        spec.set_label("tier", None)
        self.engine.apply(spec)
        d = self.engine.deployment("shop", "web")
        self.fh.tick()
        web = d.revisions[0].template_dict["spec"]["containers"][0]
        self.assertEqual(web["env"], [{"name": "MODE", "value": "prod"}])
        self.assertEqual(web["resources"], {"requests": {"memory": "64Mi"}})
        self.assertNotIn("readinessProbe", web)
        self.assertNotIn("annotations",
                         d.revisions[0].template_dict["metadata"])

    def test_deployment_spec_round_trip(self):
        self.engine.apply(seed_spec("test", 3, "x:1", 8000))
        d = self.engine.deployment(NS, "test")
        spec = d.spec()
        self.assertEqual((spec.name, spec.replicas), ("test", 3))
        self.assertEqual(self.engine.apply(spec), "unchanged")
        twin = copy.copy(spec)
        twin.set_replicas(5)
        self.assertEqual(spec.replicas, 3)
        self.assertEqual(self.engine.apply(twin), "configured")
        self.assertEqual(d.desired, 5)
        self.assertEqual(d.generation, 2)

    def test_recreate_and_paused(self):
        spec = seed_spec("test", 2, "x:1", 8000)
        spec.set_strategy(rollout.Strategy.RECREATE).set_max_surge(None)
        spec.set_max_unavailable(None).set_paused()
        self.engine.apply(spec)
        d = self.engine.deployment(NS, "test")
        self.assertTrue(d.paused)
        self.fh.tick()
        self.assertEqual(self.fh.log_count(0, "create "), 0)

    def test_bad_values(self):
        spec = rollout.Spec("test")
        with self.assertRaises(TypeError):
            spec.set_max_surge(1.5)
        with self.assertRaises(TypeError):
            spec.update(replica=3)
        with self.assertRaises(rollout.InvalidArgument):
            spec.set_strategy("Blue-Green")
        with self.assertRaises(rollout.InvalidArgument):
            spec.add_container("c", "i").set_probe("readiness", "grpc")
        spec.close()
        with self.assertRaises(rollout.StateError):
            spec.replicas


if __name__ == "__main__":
    unittest.main()
