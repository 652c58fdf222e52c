# Every exported function is declared, and declared as the headers say:
# the symbols of lib/librollout.map against _native.FUNCTIONS, and each
# declaration's result and parameters against include/rollout/*.h.

import ctypes
import os
import re
import unittest

import rollout
from rollout import _native

TOP = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(
    __file__)), os.pardir, os.pardir, os.pardir))
MAP = os.path.join(TOP, "lib", "librollout.map")
HEADERS = os.path.join(TOP, "include", "rollout")


def mapped_symbols():
    """The names the version script exports."""
    with open(MAP) as f:
        text = re.sub(r"/\*.*?\*/", "", f.read(), flags=re.S)
    names = set()
    for block in re.findall(r"global:(.*?)(?:local:|\})", text, flags=re.S):
        names.update(re.findall(r"([A-Za-z_][A-Za-z0-9_]*)\s*;", block))
    # the library's API is rollout_*; anything else in the list is not a
    # function the library defines
    return {n for n in names if n.startswith("rollout_")}


def header_prototypes():
    """name -> (result type, [parameter types]) from the public headers."""
    protos = {}
    for entry in sorted(os.listdir(HEADERS)):
        if not entry.endswith(".h"):
            continue
        with open(os.path.join(HEADERS, entry)) as f:
            text = f.read()
        text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
        text = re.sub(r"^\s*#.*$", "", text, flags=re.M)
        for m in re.finditer(r"ROLLOUT_EXTERN\s+([^;{}]*?)\b(rollout_\w+)\s*"
                             r"\(([^)]*)\)\s*;", text):
            result, name, params = m.groups()
            params = " ".join(params.split())
            plist = [] if params in ("", "void") else \
                [p.strip() for p in params.split(",")]
            protos[name] = (" ".join(result.split()), plist)
    return protos


def pointer_spacing(ctext):
    """"const char * const *" -> "const char* const*"."""
    return " ".join(ctext.replace("*", " * ").split()).replace(" *", "*")


def strip_name(param):
    """"const char *key" -> "const char*"; "int32_t replicas" ->
    "int32_t"."""
    return pointer_spacing(re.sub(r"\s*\b[A-Za-z_][A-Za-z0-9_]*$", "",
                                  param))


SCALARS = {
    "int": ctypes.c_int,
    "unsigned int": ctypes.c_uint,
    "unsigned long": ctypes.c_ulong,
    "int32_t": ctypes.c_int32,
    "int64_t": ctypes.c_int64,
    "size_t": ctypes.c_size_t,
    "double": ctypes.c_double,
    # enumerations are ints
    "rollout_phase": ctypes.c_int,
    "rollout_dialect": ctypes.c_int,
    "rollout_strategy": ctypes.c_int,
    "rollout_count": ctypes.c_int,
    "rollout_probe_kind": ctypes.c_int,
    "rollout_kind": ctypes.c_int,
    "rollout_format": ctypes.c_int,
    "rollout_sim_fault": ctypes.c_int,
    "rollout_sim_action": ctypes.c_int,
}

HANDLES = {
    "rollout_engine": _native.rollout_engine,
    "rollout_callbacks": _native.rollout_callbacks,
    "rollout_spec": _native.rollout_spec,
    "rollout_deployment": _native.rollout_deployment,
    "rollout_revision": _native.rollout_revision,
    "rollout_replica_set": _native.rollout_replica_set,
    "rollout_replica": _native.rollout_replica,
    "rollout_probe_options": _native.rollout_probe_options,
    "rollout_manifest": _native.rollout_manifest,
    "rollout_parse_error": _native.rollout_parse_error,
    "rollout_sim": _native.rollout_sim,
    "rollout_sim_options": _native.rollout_sim_options,
    "rollout_sim_summary": _native.rollout_sim_summary,
}

CALLBACKS = {
    "rollout_clock_cb": _native.clock_cb,
    "rollout_create_replica_cb": _native.create_replica_cb,
    "rollout_delete_replica_cb": _native.delete_replica_cb,
    "rollout_event_cb": _native.event_cb,
    "rollout_timer_cb": _native.timer_cb,
}


def matches(ctype, ctext):
    """Whether the ctypes type CTYPE passes the C type CTEXT."""
    text = ctext.replace("const ", "").replace(" const", "")
    text = " ".join(text.split())
    if text in SCALARS:
        return ctype is SCALARS[text]
    if text in CALLBACKS:
        return ctype is CALLBACKS[text]
    if text == "char*":
        return ctype is ctypes.c_char_p
    if text == "void*":
        return ctype is ctypes.c_void_p
    if text == "char**":
        # borrowed strings come back as char *; the library's own as void *
        # so that they can be freed
        return ctype in (ctypes.POINTER(ctypes.c_char_p),
                         ctypes.POINTER(ctypes.c_void_p))
    if text.endswith("*"):
        inner = text[:-1]
        if not (isinstance(ctype, type) and
                issubclass(ctype, ctypes._Pointer)):
            return False
        return matches(ctype._type_, inner) if inner.endswith("*") or \
            inner in SCALARS else ctype._type_ is HANDLES.get(inner)
    return False


class Declarations(unittest.TestCase):
    def test_map_and_declarations_agree(self):
        mapped = mapped_symbols()
        declared = set(_native.FUNCTIONS)
        self.assertEqual(sorted(mapped - declared), [],
                         "exported but not declared")
        self.assertEqual(sorted(declared - mapped), [],
                         "declared but not exported")
        self.assertEqual(len(declared), 183)

    def test_every_function_has_argtypes_and_restype(self):
        for name, (restype, argtypes) in _native.FUNCTIONS.items():
            func = getattr(_native.lib, name)
            self.assertIsNotNone(func.argtypes, name)
            self.assertEqual(list(func.argtypes), list(argtypes), name)
            if restype is _native.CODE:
                self.assertIs(func.restype, ctypes.c_int, name)
                self.assertIs(func.errcheck, _native._errcheck, name)
            else:
                self.assertIs(func.restype, restype, name)

    def test_declarations_follow_the_headers(self):
        protos = header_prototypes()
        self.assertEqual(set(protos), set(_native.FUNCTIONS))
        for name, (result, params) in protos.items():
            restype, argtypes = _native.FUNCTIONS[name]
            if restype is _native.CODE:
                restype = ctypes.c_int
            with self.subTest(function=name):
                if result == "void":
                    self.assertIsNone(restype)
                else:
                    self.assertTrue(matches(restype, pointer_spacing(result)),
                                    "%s returns %s" % (name, result))
                self.assertEqual(len(argtypes), len(params))
                for ctype, param in zip(argtypes, params):
                    self.assertTrue(matches(ctype, strip_name(param)),
                                    "%s: %r for %r" % (name, ctype, param))

    def test_code_functions_return_codes(self):
        # int results that are not codes must not be checked as codes
        for name in ("rollout_deployment_paused",
                     "rollout_deployment_deleting",
                     "rollout_replica_available"):
            self.assertIsNot(_native.FUNCTIONS[name][0], _native.CODE, name)
        # an outcome, not an error, of the status line
        self.assertEqual(_native._RESULTS, {
            "rollout_status_message": (_native.ROLLOUT_EDEADLINE,)})

    def test_handles_are_distinct(self):
        handles = [_native.engine_p, _native.callbacks_p, _native.spec_p,
                   _native.deployment_p, _native.revision_p,
                   _native.replica_set_p, _native.replica_p,
                   _native.manifest_p]
        self.assertEqual(len(set(handles)), 8)
        with self.assertRaises(ctypes.ArgumentError):
            _native.lib.rollout_replica_name(_native.replica_set_p())

    def test_probe_options_layout(self):
        opts = _native.rollout_probe_options()
        _native.lib.rollout_probe_options_init(
            ctypes.byref(opts), _native.ROLLOUT_PROBE_OPTIONS_VERSION)
        self.assertEqual(opts.version, 1)
        self.assertEqual(opts.action, rollout.ProbeAction.HTTP_GET)
        self.assertEqual(opts.command_len, 0)
        with self.assertRaises(rollout.InvalidArgument):
            _native.lib.rollout_probe_options_init(ctypes.byref(opts), 99)

    def test_enumerations_mirror_the_library(self):
        for phase in rollout.Phase:
            self.assertEqual(rollout.phase_from_name(str(phase)), phase)
        self.assertEqual(str(rollout.Phase.READY), "ready")
        self.assertEqual(rollout.phase_name(99), "unknown")
        with self.assertRaises(rollout.NotFound):
            rollout.phase_from_name("sleeping")

    def test_version(self):
        v = rollout.version()
        major, minor, patch = (int(x) for x in v.split("."))
        self.assertEqual(rollout.version_num(),
                         (major << 16) | (minor << 8) | patch)


if __name__ == "__main__":
    unittest.main()
