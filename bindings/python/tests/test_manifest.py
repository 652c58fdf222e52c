# Manifests: the seed's four files read into specs, refusals with their
# place (ParseError), specs written back and read again in both dialects,
# and the seed's Kubernetes rollout run from its YAML files on the fake
# host.  The files are copies of the seed's, in tests/data/seed.

import gc
import json
import os
import shutil
import tempfile
import unittest

import rollout
from rollout import _native
from fakehost import FakeHost

TOP = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(
    __file__)), os.pardir, os.pardir, os.pardir))
SEED = os.path.join(TOP, "tests", "data", "seed")

NS = "default"
V0 = "hub.docker.com:xxxx/xxxxxx:v1.1.0"
V1 = "hub.docker.com:xxxx/xxxxxx:v1.1.1"
DONE = 'deployment "test" successfully rolled out'
MAX_SURGE = ("spec.strategy.rollingUpdate.maxSurge: a valid percent string "
             "must be a numeric string followed by an ending '%'")


def seed_path(name):
    return os.path.join(SEED, name)


def seed_text(name):
    with open(seed_path(name), encoding="utf-8") as f:
        return f.read()


def bad_max_surge():
    """test1-1-1.yaml whose maxSurge is "1x"."""
    text = seed_text("test1-1-1.yaml")
    bad = text.replace("maxSurge: 1\n", 'maxSurge: "1x"\n')
    assert bad != text
    return bad


class TempDir:
    def setUp(self):
        self.tmp = tempfile.mkdtemp()

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def write_file(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path


class SeedFiles(unittest.TestCase):
    # file: (dialect, namespace, replicas, image)
    FILES = {
        "test1-1-0.json": (rollout.Dialect.BCS, "defaultGroup", 2, V0),
        "test1-1-1.json": (rollout.Dialect.BCS, "defaultGroup", 2, V1),
        "test1-1-0.yaml": (rollout.Dialect.KUBERNETES, NS, 3, V0),
        "test1-1-1.yaml": (rollout.Dialect.KUBERNETES, NS, 3, V1),
    }

    def check_spec(self, spec, name):
        dialect, namespace, replicas, image = self.FILES[name]
        self.assertIsInstance(spec, rollout.Spec)
        self.assertEqual(spec.dialect, dialect)
        self.assertIs(type(spec.dialect), rollout.Dialect)
        self.assertEqual(spec.kind, rollout.Kind.DEPLOYMENT)
        self.assertIs(type(spec.kind), rollout.Kind)
        self.assertEqual((spec.namespace, spec.name, spec.replicas),
                         (namespace, "test", replicas))
        self.assertIn(image, spec.write())

    def test_read_the_four_files(self):
        for name in self.FILES:
            with self.subTest(file=name):
                manifest = rollout.Manifest.from_file(seed_path(name))
                self.assertEqual(len(manifest), 1)
                self.assertEqual(manifest.source, seed_path(name))
                self.check_spec(manifest[0], name)
                self.check_spec(rollout.Spec.from_file(seed_path(name)), name)
                text = seed_text(name)
                self.check_spec(rollout.Manifest(text, name)[0], name)
                self.check_spec(rollout.Spec.parse(text, name), name)
                # bytes read as str
                self.check_spec(rollout.Spec.parse(text.encode()), name)
                self.assertEqual(rollout.detect_dialect(text),
                                 self.FILES[name][0])

    def test_a_dialect_asked_for(self):
        yaml = seed_text("test1-1-0.yaml")
        spec = rollout.Spec.parse(yaml, dialect=rollout.Dialect.KUBERNETES)
        self.assertEqual(spec.dialect, rollout.Dialect.KUBERNETES)
        with self.assertRaises(rollout.ParseError) as cm:
            rollout.Spec.parse(yaml, "test1-1-0.yaml",
                               dialect=rollout.Dialect.BCS)
        self.assertEqual(str(cm.exception),
                         "test1-1-0.yaml:2:7: kind: a Kubernetes Deployment, "
                         "where a BCS deployment or application is expected")
        with self.assertRaises(rollout.ParseError) as cm:
            rollout.Manifest.from_file(seed_path("test1-1-0.json"),
                                       dialect="kubernetes")
        self.assertEqual(cm.exception.path, "kind")
        with self.assertRaises(rollout.InvalidArgument):
            rollout.Spec.parse(yaml, dialect=7)

    def test_an_application(self):
        doc = json.loads(seed_text("test1-1-0.json"))
        doc["kind"] = "application"
        del doc["spec"]["strategy"]
        spec = rollout.Spec.parse(json.dumps(doc))
        self.assertEqual(spec.kind, rollout.Kind.APPLICATION)
        self.assertEqual(json.loads(spec.write())["kind"], "application")

    def test_detect_dialect(self):
        with self.assertRaises(rollout.NotFound):
            rollout.detect_dialect("apiVersion: v1\nkind: Service\n")
        with self.assertRaises(rollout.NotFound):
            rollout.detect_dialect("")
        # an unreadable text: where and why
        with self.assertRaises(rollout.ParseError) as cm:
            rollout.detect_dialect("kind: [Deployment\n")
        self.assertEqual(cm.exception.line, 2)
        self.assertEqual(cm.exception.path, "")
        with self.assertRaises(TypeError):
            rollout.detect_dialect(42)


class Streams(unittest.TestCase):
    def test_yaml_documents(self):
        text = (seed_text("test1-1-0.yaml") + "---\n" +
                seed_text("test1-1-1.yaml"))
        manifest = rollout.Manifest(text)
        self.assertEqual(len(manifest), 2)
        self.assertEqual([V0 in s.write() for s in manifest], [True, False])
        self.assertEqual([V1 in s.write() for s in manifest], [False, True])
        # one document is expected of a spec
        with self.assertRaises(rollout.ParseError) as cm:
            rollout.Spec.parse(text, "both.yaml")
        err = cm.exception
        self.assertEqual(str(err),
                         "both.yaml:1:1: expected one document, found 2")
        self.assertEqual((err.line, err.column, err.path), (1, 1, ""))

    def test_json_stream_and_list(self):
        a = json.loads(seed_text("test1-1-0.json"))
        b = json.loads(seed_text("test1-1-1.json"))
        stream = json.dumps(a) + "\n" + json.dumps(b, indent=2)
        self.assertEqual(len(rollout.Manifest(stream)), 2)
        items = json.dumps({"apiVersion": "v1", "kind": "List",
                            "items": [a, b]}, indent=2)
        manifest = rollout.Manifest(items, "list.json")
        self.assertEqual(len(manifest), 2)
        self.assertEqual(repr(manifest),
                         "<rollout.Manifest list.json: 2 specs>")

    def test_nothing_to_read(self):
        with self.assertRaises(rollout.ParseError) as cm:
            rollout.Manifest("# nothing\n", "empty.yaml")
        self.assertEqual(str(cm.exception),
                         "empty.yaml:1:1: no objects passed to apply")


class Lifetime(unittest.TestCase):
    def test_specs_outlive_their_manifest(self):
        manifest = rollout.Manifest(seed_text("test1-1-0.yaml") + "---\n" +
                                    seed_text("test1-1-1.yaml"))
        first, last = manifest[0], manifest[-1]
        specs = list(manifest)
        self.assertEqual(specs, [first, last])
        self.assertIs(manifest[0], first)
        self.assertEqual(manifest[:1], [first])
        with self.assertRaises(IndexError):
            manifest[2]
        del manifest, specs
        gc.collect()
        self.assertIn(V1, last.write("yaml"))
        first.set_replicas(5)
        self.assertEqual(json.loads(first.write())["spec"]["replicas"], 5)

    def test_specs_are_copies(self):
        text = seed_text("test1-1-0.yaml")
        one = rollout.Manifest(text)[0]
        one.set_replicas(7)
        self.assertEqual(rollout.Manifest(text)[0].replicas, 3)
        copy = one.copy()
        one.close()
        self.assertEqual(copy.replicas, 7)
        with self.assertRaises(rollout.StateError):
            one.write()


class ParseErrors(TempDir, unittest.TestCase):
    def check_max_surge(self, err, source):
        self.assertIsInstance(err, rollout.RolloutError)
        self.assertIsInstance(err, ValueError)
        self.assertEqual(err.code, _native.ROLLOUT_EPARSE)
        self.assertEqual((err.line, err.column), (12, 17))
        text = bad_max_surge().encode()
        self.assertEqual(err.position, text.index(b'"1x"'))
        self.assertEqual(err.source, source)
        self.assertEqual(err.path, "spec.strategy.rollingUpdate.maxSurge")
        self.assertEqual(err.text, "a valid percent string must be a numeric "
                         "string followed by an ending '%'")
        self.assertEqual(str(err), "%s:12:17: %s" % (source, MAX_SURGE))
        self.assertEqual(err.message, str(err))

    def test_bad_max_surge(self):
        with self.assertRaises(rollout.ParseError) as cm:
            rollout.Spec.parse(bad_max_surge(), "test1-1-1.yaml")
        self.check_max_surge(cm.exception, "test1-1-1.yaml")
        self.assertEqual(cm.exception.function, "rollout_spec_parse")
        with self.assertRaises(rollout.ParseError) as cm:
            rollout.Manifest(bad_max_surge())
        self.check_max_surge(cm.exception, "<input>")

    def test_bad_max_surge_in_a_file(self):
        path = self.write_file("test1-1-1.yaml", bad_max_surge())
        with self.assertRaises(rollout.ParseError) as cm:
            rollout.Manifest.from_file(path)
        self.check_max_surge(cm.exception, path)
        self.assertEqual(cm.exception.function,
                         "rollout_manifest_parse_file")
        with self.assertRaises(rollout.ParseError) as cm:
            rollout.Spec.from_file(path)
        self.check_max_surge(cm.exception, path)

    def test_a_file_that_is_not_there(self):
        path = os.path.join(self.tmp, "missing.yaml")
        with self.assertRaises(rollout.ParseError) as cm:
            rollout.Manifest.from_file(path)
        err = cm.exception
        self.assertEqual((err.line, err.column, err.path), (0, 0, ""))
        self.assertEqual(err.text, os.strerror(2))
        self.assertEqual(str(err), "%s: %s" % (path, os.strerror(2)))

    def test_one_document_from_a_file(self):
        text = seed_text("test1-1-0.yaml") + "---\n" + seed_text(
            "test1-1-1.yaml")
        path = self.write_file("both.yaml", text)
        with self.assertRaises(rollout.ParseError) as from_file:
            rollout.Spec.from_file(path)
        with self.assertRaises(rollout.ParseError) as parse:
            rollout.Spec.parse(text, path)
        # the same error, whichever way the file is read
        for field in ("line", "column", "position", "source", "path", "text",
                      "code"):
            self.assertEqual(getattr(from_file.exception, field),
                             getattr(parse.exception, field), field)
        self.assertEqual(str(from_file.exception), str(parse.exception))

    def test_syntax_and_types(self):
        with self.assertRaises(rollout.ParseError) as cm:
            rollout.Spec.parse("apiVersion: apps/v1\nkind: Deployment\n"
                               "spec:\n  replicas: three\n", "web.yaml")
        self.assertEqual(str(cm.exception),
                         'web.yaml:4:13: spec.replicas: invalid type: got '
                         '"string", expected "integer"')
        with self.assertRaises(rollout.ParseError) as cm:
            rollout.Spec.parse('{"kind": "Deployment",}', "web.json")
        err = cm.exception
        self.assertEqual((err.source, err.line, err.path),
                         ("web.json", 1, ""))
        self.assertTrue(str(err).startswith("web.json:1:"))

    def test_structure_layout(self):
        # a structure filled here is the one the library prints
        err = _native.rollout_parse_error(line=3, column=4, position=5,
                                          source=b"a.yaml", path=b"spec.x",
                                          text=b"bad")
        self.assertEqual(_native.print_parse_error(err),
                         "a.yaml:3:4: spec.x: bad")
        err.path = b""
        self.assertEqual(_native.print_parse_error(err), "a.yaml:3:4: bad")
        layout = _native.rollout_parse_error
        self.assertEqual((layout.source.size, layout.path.size,
                          layout.text.size), (256, 256, 512))
        self.assertEqual(layout.path.offset, layout.source.offset + 256)
        self.assertEqual(layout.text.offset, layout.path.offset + 256)
        with self.assertRaises(rollout.InvalidArgument):
            _native.lib.rollout_parse_error_print(None, 0, None)

    def test_error_class(self):
        self.assertIs(_native.ERRORS[-11], rollout.ParseError)
        err = _native.error_for(-11)
        self.assertIsInstance(err, rollout.ParseError)
        self.assertEqual((err.line, err.column, err.path), (0, 0, ""))


class RoundTrip(unittest.TestCase):
    def round_trip(self, name, fmt):
        spec = rollout.Spec.from_file(seed_path(name))
        text = spec.write(fmt)
        again = rollout.Spec.parse(text, "written." + str(fmt))
        self.assertEqual(again.dialect, spec.dialect)
        self.assertEqual(again.kind, spec.kind)
        # the same spec: it writes the same manifest in either format
        for out in ("json", "yaml"):
            self.assertEqual(again.write(out), spec.write(out))
        return text

    def test_kubernetes(self):
        for name in ("test1-1-0.yaml", "test1-1-1.yaml"):
            for fmt in ("json", "yaml", rollout.Format.YAML):
                with self.subTest(file=name, format=fmt):
                    text = self.round_trip(name, fmt)
                    if fmt == "json":
                        doc = json.loads(text)
                        self.assertEqual(doc["kind"], "Deployment")
                        self.assertEqual(doc["apiVersion"], "apps/v1")
                        pod = doc["spec"]["template"]["spec"]
                        # not interpreted by the library, kept
                        self.assertEqual(pod["imagePullSecrets"],
                                         [{"name": "docker-secret"}])
                    else:
                        self.assertTrue(text.startswith(
                            "apiVersion: apps/v1\nkind: Deployment\n"))
        # the string "8888" stays a string
        yaml = rollout.Spec.from_file(seed_path("test1-1-1.yaml")).write(
            "yaml")
        self.assertIn('- "8888"\n', yaml)

    def test_bcs(self):
        for name in ("test1-1-0.json", "test1-1-1.json"):
            with self.subTest(file=name):
                text = self.round_trip(name, "json")
                doc = json.loads(text)
                self.assertEqual(doc, json.loads(seed_text(name)))

    def test_changes_are_written(self):
        spec = rollout.Spec.from_file(seed_path("test1-1-0.yaml"))
        spec.set_replicas(4).set_label("tier", "web")
        spec.container("test").set_image(V1)
        doc = json.loads(spec.write())
        self.assertEqual(doc["spec"]["replicas"], 4)
        self.assertEqual(doc["metadata"]["labels"],
                         {"app": "test", "tier": "web"})
        pod = doc["spec"]["template"]["spec"]
        self.assertEqual(pod["containers"][0]["image"], V1)
        self.assertEqual(pod["imagePullSecrets"], [{"name": "docker-secret"}])

    def test_a_spec_built_in_code(self):
        spec = rollout.Spec("web", replicas=2, selector={"app": "web"},
                            template_labels={"app": "web"}, max_surge=1,
                            max_unavailable="25%")
        spec.add_container("web", "nginx:1.25", ports=[80])
        again = rollout.Spec.parse(spec.write("yaml"))
        self.assertEqual(again.write(), spec.write())

    def test_formats(self):
        spec = rollout.Spec.from_file(seed_path("test1-1-0.yaml"))
        self.assertEqual(spec.write(rollout.Format.JSON), spec.write())
        self.assertEqual(spec.write("YAML"), spec.write("yaml"))
        for bad in ("xml", 3, None, True):
            with self.subTest(format=bad):
                with self.assertRaises(rollout.InvalidArgument):
                    spec.write(bad)


class SeedRolloutFromManifests(unittest.TestCase):
    """The seed's walk-through, from its YAML files: 3 replicas of v1.1.0,
    then v1.1.1 with maxSurge 1 and maxUnavailable 1."""

    def setUp(self):
        self.fh = FakeHost()
        self.engine = self.fh.engine

    def tearDown(self):
        self.engine.close()

    def ready(self, rev, count):
        rs = self.fh.rs_of_revision(NS, "test", rev)
        self.assertEqual(self.fh.report_rs(rs, rollout.Phase.PENDING,
                                           rollout.Phase.READY, count), count)
        self.fh.tick()

    def test_seed_rollout(self):
        v0 = rollout.Manifest.from_file(seed_path("test1-1-0.yaml"))[0]
        self.assertEqual(self.engine.apply(v0), "created")
        self.assertEqual(self.engine.apply(v0), "unchanged")
        self.fh.tick()
        self.assertEqual(self.fh.sets(NS, "test"), "r1=3/3/0/0")
        self.ready(1, 3)
        self.assertEqual(self.fh.status(NS, "test"), DONE)

        v1 = rollout.Spec.from_file(seed_path("test1-1-1.yaml"))
        self.assertEqual(self.engine.apply(v1), "configured")
        self.fh.tick()
        self.assertEqual(self.fh.sets(NS, "test"), "r1=2/2/2/2 r2=2/2/0/0")
        self.ready(2, 1)
        self.assertEqual(self.fh.sets(NS, "test"), "r1=1/1/1/1 r2=3/3/1/1")
        self.ready(2, 2)
        self.assertEqual(self.fh.sets(NS, "test"), "r1=0/0/0/0 r2=3/3/3/3")
        self.assertEqual(self.fh.status(NS, "test"), DONE)

        d = self.engine.deployment(NS, "test")
        self.assertEqual(d.revisions[1].containers[0], rollout.Container(
            "test", V1, ["python"], ["-m", "SimpleHTTPServer", "8888"],
            [8888], {}))
        # the deployment and its replica set as kubectl prints them
        doc = json.loads(d.write())
        self.assertEqual(doc["kind"], "Deployment")
        self.assertEqual(doc["metadata"]["annotations"][
            "deployment.kubernetes.io/revision"], "2")
        self.assertEqual(doc["status"]["availableReplicas"], 3)
        self.assertEqual(doc["spec"]["template"]["spec"]["imagePullSecrets"],
                         [{"name": "docker-secret"}])
        rs = d.new_replica_set
        rs_doc = json.loads(rs.write("json"))
        self.assertEqual(rs_doc["kind"], "ReplicaSet")
        self.assertEqual(rs_doc["metadata"]["name"], rs.name)
        self.assertEqual(rs_doc["spec"]["selector"]["matchLabels"],
                         {"app": "test",
                          "pod-template-hash": rs.revision.hash})
        self.assertTrue(rs.write("yaml").startswith(
            "apiVersion: apps/v1\nkind: ReplicaSet\n"))
        self.assertTrue(d.write(rollout.Format.YAML).startswith(
            "apiVersion: apps/v1\nkind: Deployment\n"))

    def changed_selector(self):
        """The seed's first file, applied; a copy whose selector differs."""
        self.engine.apply(rollout.Spec.from_file(seed_path("test1-1-0.yaml")))
        path = os.path.join(tempfile.mkdtemp(), "selector.yaml")
        self.addCleanup(shutil.rmtree, os.path.dirname(path))
        with open(path, "w", encoding="utf-8") as f:
            f.write(seed_text("test1-1-0.yaml").replace("app: test",
                                                        "app: web"))
        return path

    def test_refusal_names_the_place_in_the_file(self):
        path = self.changed_selector()
        with self.assertRaises(rollout.ValidationError) as cm:
            self.engine.apply(rollout.Spec.from_file(path))
        self.assertEqual(str(cm.exception),
                         "%s:15:5: spec.selector: field is immutable" % path)
        self.assertEqual(self.engine.errmsg, str(cm.exception))

    def test_an_edited_spec_names_the_field_only(self):
        # once edited, the file no longer says what the spec holds
        spec = rollout.Spec.from_file(self.changed_selector())
        spec.set_replicas(4)
        with self.assertRaises(rollout.ValidationError) as cm:
            self.engine.apply(spec)
        self.assertEqual(str(cm.exception),
                         "spec.selector: field is immutable")

if __name__ == "__main__":
    unittest.main()
