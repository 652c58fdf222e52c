# librollout's C API as ctypes declarations.
#
# Every exported function gets its argtypes and restype here, in one
# table, so that nothing is ever called with ctypes' default int
# conversions; functions that return a code get one errcheck that turns
# negative codes into exceptions.  The Pythonic layer is in __init__.py.

import ctypes
import os
from ctypes import (CFUNCTYPE, POINTER, Structure, byref, c_char, c_char_p,
                    c_double, c_int, c_int32, c_int64, c_size_t, c_uint,
                    c_uint64, c_ulong,
                    c_void_p)

SONAME = "librollout.so.0"


def _load():
    # ROLLOUT_LIBRARY names a library file (a build tree's, a test
    # build's); otherwise the dynamic linker finds the installed one by
    # SONAME, as for any C program.
    path = os.environ.get("ROLLOUT_LIBRARY") or SONAME
    try:
        return ctypes.CDLL(path)
    except OSError as exc:
        raise ImportError("cannot load librollout (%s): install it where the "
                          "dynamic linker looks, or set ROLLOUT_LIBRARY to "
                          "the library file" % exc, path=path) from exc


lib = _load()


# Return codes (rollout_error) and the callbacks' refusal.
ROLLOUT_OK = 0
ROLLOUT_EINVAL = -1
ROLLOUT_ENOMEM = -2
ROLLOUT_ENOTFOUND = -3
ROLLOUT_EEXIST = -4
ROLLOUT_EVALIDATION = -5
ROLLOUT_ESTATE = -6
ROLLOUT_EREENTRANT = -7
ROLLOUT_ECALLBACK = -8
ROLLOUT_ESNAPSHOT = -9
ROLLOUT_EDEADLINE = -10
ROLLOUT_EPARSE = -11
ROLLOUT_REFUSED = 1

ROLLOUT_PROBE_OPTIONS_VERSION = 1
ROLLOUT_SIM_OPTIONS_VERSION = 1
ROLLOUT_SIM_SUMMARY_VERSION = 1

# Sizes of the strings of rollout_parse_error, NUL included.
ROLLOUT_PARSE_SOURCE_LENGTH = 256
ROLLOUT_PARSE_PATH_LENGTH = 256
ROLLOUT_PARSE_TEXT_LENGTH = 512


# Opaque handles: one distinct pointer type each, so that ctypes refuses a
# replica where a replica set is expected.
class rollout_engine(Structure):
    pass


class rollout_callbacks(Structure):
    pass


class rollout_spec(Structure):
    pass


class rollout_deployment(Structure):
    pass


class rollout_revision(Structure):
    pass


class rollout_replica_set(Structure):
    pass


class rollout_replica(Structure):
    pass


class rollout_manifest(Structure):
    pass


class rollout_sim(Structure):
    pass


engine_p = POINTER(rollout_engine)
callbacks_p = POINTER(rollout_callbacks)
spec_p = POINTER(rollout_spec)
deployment_p = POINTER(rollout_deployment)
revision_p = POINTER(rollout_revision)
replica_set_p = POINTER(rollout_replica_set)
replica_p = POINTER(rollout_replica)
manifest_p = POINTER(rollout_manifest)
sim_p = POINTER(rollout_sim)


class rollout_probe_options(Structure):
    _fields_ = [
        ("version", c_uint),
        ("action", c_int),
        ("path", c_char_p),
        ("port", c_int32),
        ("host", c_char_p),
        ("scheme", c_char_p),
        ("command", POINTER(c_char_p)),
        ("command_len", c_size_t),
        ("initial_delay_seconds", c_int32),
        ("period_seconds", c_int32),
        ("timeout_seconds", c_int32),
        ("success_threshold", c_int32),
        ("failure_threshold", c_int32),
    ]


# Where and why a manifest was refused: the caller's structure, filled by
# the parsing functions.
class rollout_parse_error(Structure):
    _fields_ = [
        ("line", c_int),
        ("column", c_int),
        ("position", c_size_t),
        ("source", c_char * ROLLOUT_PARSE_SOURCE_LENGTH),
        ("path", c_char * ROLLOUT_PARSE_PATH_LENGTH),
        ("text", c_char * ROLLOUT_PARSE_TEXT_LENGTH),
    ]


class rollout_sim_options(Structure):
    _fields_ = [
        ("version", c_uint),
        ("seed", c_uint64),
        ("start_delay_min_ms", c_int64),
        ("start_delay_max_ms", c_int64),
        ("ready_delay_ms", c_int64),
        ("stop_delay_ms", c_int64),
        ("manual", c_int),
        ("refuse_rate", c_double),
        ("start_time_ms", c_int64),
        ("cluster", c_char_p),
        ("no_timeline", c_int),
        ("backoff_initial_ms", c_int64),
        ("backoff_max_ms", c_int64),
    ]


class rollout_sim_summary(Structure):
    _fields_ = [
        ("version", c_uint),
        ("start_ms", c_int64),
        ("finish_ms", c_int64),
        ("min_available", c_int32),
        ("max_total", c_int32),
        ("waves", c_int32),
    ]


# The callbacks.
clock_cb = CFUNCTYPE(c_int64, engine_p, c_void_p)
create_replica_cb = CFUNCTYPE(c_int, engine_p, replica_p, POINTER(c_char_p),
                              c_void_p)
delete_replica_cb = CFUNCTYPE(c_int, engine_p, replica_p, POINTER(c_char_p),
                              c_void_p)
event_cb = CFUNCTYPE(c_int, engine_p, deployment_p, c_char_p, c_char_p,
                     c_char_p, c_char_p, c_void_p)
timer_cb = CFUNCTYPE(c_int, engine_p, c_int64, c_void_p)


# Errors.  The exception classes live here so that the errcheck can raise
# them; __init__.py re-exports them.

class RolloutError(Exception):
    """An error returned by librollout: CODE is the ROLLOUT_E* value."""

    code = None

    def __init__(self, message, code=None, function=None):
        super().__init__(message)
        if code is not None:
            self.code = code
        self.message = message
        self.function = function


class InvalidArgument(RolloutError, ValueError):
    code = ROLLOUT_EINVAL


class OutOfMemory(RolloutError, MemoryError):
    code = ROLLOUT_ENOMEM


class NotFound(RolloutError, LookupError):
    code = ROLLOUT_ENOTFOUND


class AlreadyExists(RolloutError):
    code = ROLLOUT_EEXIST


class ValidationError(RolloutError, ValueError):
    code = ROLLOUT_EVALIDATION


class StateError(RolloutError):
    code = ROLLOUT_ESTATE


class ReentrancyError(RolloutError):
    code = ROLLOUT_EREENTRANT


class CallbackError(RolloutError):
    code = ROLLOUT_ECALLBACK


class SnapshotError(RolloutError):
    code = ROLLOUT_ESNAPSHOT


class DeadlineExceeded(RolloutError):
    code = ROLLOUT_EDEADLINE


class ParseError(RolloutError, ValueError):
    """A manifest was refused: LINE and COLUMN (from 1, 0 when the problem
    has no place in the text), POSITION (a byte offset), SOURCE (the name of
    the input), PATH (the field, "" for a syntax error) and TEXT (the
    reason).  str() gives "source:line:column: path: text" (without the
    line and column when there are none)."""

    code = ROLLOUT_EPARSE

    def __init__(self, message, code=None, function=None, *, line=0,
                 column=0, position=0, source="", path="", text=None):
        super().__init__(message, code, function)
        self.line = line
        self.column = column
        self.position = position
        self.source = source
        self.path = path
        self.text = message if text is None else text

    @classmethod
    def from_struct(cls, err, function=None):
        """The exception for the rollout_parse_error ERR."""
        return cls(print_parse_error(err), ROLLOUT_EPARSE, function,
                   line=err.line, column=err.column, position=err.position,
                   source=decode(err.source), path=decode(err.path),
                   text=decode(err.text))


class EngineClosed(StateError):
    """The engine was closed; its objects cannot be reached any more."""


ERRORS = {cls.code: cls for cls in (
    InvalidArgument, OutOfMemory, NotFound, AlreadyExists, ValidationError,
    StateError, ReentrancyError, CallbackError, SnapshotError,
    DeadlineExceeded, ParseError)}

# Simulators whose handle is valid, likewise (rollout_sim_errmsg()).
live_sims = set()

# Engines whose handle is valid: the errcheck reads their message.  An
# engine leaves the set before it is freed, so that an error returned by
# the call that frees it (an engine closed from inside a callback goes
# when the engine call returns) never reads freed memory.
live_engines = set()


def address(handle):
    return ctypes.cast(handle, c_void_p).value


def decode(raw):
    return None if raw is None else raw.decode("utf-8", "surrogateescape")


def encode(text):
    if text is None:
        return None
    if isinstance(text, bytes):
        return text
    return str(text).encode("utf-8", "surrogateescape")


def strerror(code):
    return decode(lib.rollout_strerror(code))


def error_for(code, function=None, engine=None, sim=None):
    """The exception for CODE, with ENGINE's (or SIM's) message when there
    is one."""
    message = ""
    if engine is not None and address(engine) in live_engines:
        message = decode(lib.rollout_engine_errmsg(engine))
    if sim is not None and address(sim) in live_sims:
        message = decode(lib.rollout_sim_errmsg(sim))
    if not message:
        message = strerror(code)
    cls = ERRORS.get(code, RolloutError)
    return cls(message, code, function)


def _errcheck(result, func, args):
    if result >= 0 or result in _RESULTS.get(func.__name__, ()):
        return result
    engine = sim = None
    if func.__name__ in _ENGINE_MESSAGES:
        engine = args[_ENGINE_MESSAGES[func.__name__]]
    if func.__name__ in _SIM_MESSAGES:
        sim = args[_SIM_MESSAGES[func.__name__]]
    raise error_for(result, func.__name__, engine, sim)


# Functions after which rollout_engine_errmsg() describes the error (they
# clear or set it); other lookups leave an older message in place.  The
# value is the position of the engine argument.
_ENGINE_MESSAGES = {
    "rollout_engine_set_backoff": 0,
    "rollout_engine_tick": 0,
    "rollout_engine_apply": 1,
    "rollout_engine_create": 0,
    "rollout_engine_update": 0,
    "rollout_engine_scale": 0,
    "rollout_engine_pause": 0,
    "rollout_engine_resume": 0,
    "rollout_engine_undo": 1,
    "rollout_engine_restart": 0,
    "rollout_engine_delete": 0,
    "rollout_engine_cancel": 0,
    "rollout_engine_delete_application": 0,
    "rollout_engine_set_cluster": 0,
    "rollout_engine_report": 0,
    "rollout_engine_report_node": 0,
    "rollout_engine_save": 1,
    "rollout_engine_restore": 0,
}

# The same for the simulator's functions that set rollout_sim_errmsg().
_SIM_MESSAGES = {
    "rollout_sim_add_node": 0,
    "rollout_sim_set_node_attribute": 0,
    "rollout_sim_lose_node": 0,
    "rollout_sim_set_image_fault": 0,
    "rollout_sim_replica_ready": 0,
    "rollout_sim_replica_fail": 0,
    "rollout_sim_replica_kill": 0,
    "rollout_sim_steer": 1,
    "rollout_sim_run_until": 0,
    "rollout_sim_advance": 0,
    "rollout_sim_run_until_idle": 0,
    "rollout_sim_save": 1,
}

# Codes that are outcomes, not errors, of some functions.
_RESULTS = {
    # the rollout exceeded its deadline: *message says so, to be shown
    "rollout_status_message": (ROLLOUT_EDEADLINE,),
}

# A code-returning function: int result checked by _errcheck.
CODE = "code"

_cpp = POINTER(c_char_p)

# name: (restype, argtypes).  restype CODE means c_int checked.
FUNCTIONS = {
    # common.h
    "rollout_strerror": (c_char_p, [c_int]),
    "rollout_free": (None, [c_void_p]),
    "rollout_version": (c_char_p, []),
    "rollout_version_num": (c_ulong, []),
    "rollout_phase_name": (c_char_p, [c_int]),
    "rollout_phase_from_name": (CODE, [POINTER(c_int), c_char_p]),

    # callbacks.h
    "rollout_callbacks_new": (CODE, [POINTER(callbacks_p)]),
    "rollout_callbacks_free": (None, [callbacks_p]),
    "rollout_callbacks_set_clock": (None, [callbacks_p, clock_cb]),
    "rollout_callbacks_set_create_replica": (None, [callbacks_p,
                                                    create_replica_cb]),
    "rollout_callbacks_set_delete_replica": (None, [callbacks_p,
                                                    delete_replica_cb]),
    "rollout_callbacks_set_event": (None, [callbacks_p, event_cb]),
    "rollout_callbacks_set_timer": (None, [callbacks_p, timer_cb]),

    # engine.h
    "rollout_engine_new": (CODE, [POINTER(engine_p), callbacks_p, c_void_p]),
    "rollout_engine_free": (None, [engine_p]),
    "rollout_engine_user_data": (c_void_p, [engine_p]),
    "rollout_engine_errmsg": (c_char_p, [engine_p]),
    "rollout_engine_set_backoff": (CODE, [engine_p, c_int64, c_int64]),
    "rollout_engine_tick": (CODE, [engine_p]),
    "rollout_engine_next_deadline": (CODE, [POINTER(c_int64), engine_p]),
    "rollout_engine_apply": (CODE, [POINTER(c_int), engine_p, spec_p]),
    "rollout_engine_create": (CODE, [engine_p, spec_p]),
    "rollout_engine_update": (CODE, [engine_p, spec_p]),
    "rollout_engine_scale": (CODE, [engine_p, c_char_p, c_char_p, c_int32]),
    "rollout_engine_pause": (CODE, [engine_p, c_char_p, c_char_p]),
    "rollout_engine_resume": (CODE, [engine_p, c_char_p, c_char_p]),
    "rollout_engine_undo": (CODE, [POINTER(c_int), engine_p, c_char_p,
                                   c_char_p, c_int64]),
    "rollout_engine_restart": (CODE, [engine_p, c_char_p, c_char_p]),
    "rollout_engine_delete": (CODE, [engine_p, c_char_p, c_char_p]),
    "rollout_engine_cancel": (CODE, [engine_p, c_char_p, c_char_p]),
    "rollout_engine_delete_application": (CODE, [engine_p, c_char_p,
                                                 c_char_p]),
    "rollout_engine_set_cluster": (CODE, [engine_p, c_char_p]),
    "rollout_engine_report": (CODE, [engine_p, c_char_p, c_int, c_char_p]),
    "rollout_engine_report_node": (CODE, [engine_p, c_char_p, c_char_p]),
    # the snapshot is the library's memory: a plain pointer, so that it can
    # be handed back to rollout_free()
    "rollout_engine_save": (CODE, [POINTER(c_void_p), engine_p]),
    "rollout_engine_restore": (CODE, [engine_p, c_char_p, c_size_t]),
    "rollout_engine_find_deployment": (CODE, [POINTER(deployment_p), engine_p,
                                              c_char_p, c_char_p]),
    "rollout_engine_deployment_count": (c_size_t, [engine_p]),
    "rollout_engine_deployment_at": (deployment_p, [engine_p, c_size_t]),
    "rollout_engine_find_replica": (CODE, [POINTER(replica_p), engine_p,
                                           c_char_p]),
    "rollout_engine_find_application": (CODE, [POINTER(replica_set_p),
                                               engine_p, c_char_p, c_char_p]),

    # spec.h
    "rollout_spec_new": (CODE, [POINTER(spec_p), c_int, c_char_p, c_char_p]),
    "rollout_spec_free": (None, [spec_p]),
    "rollout_spec_dup": (CODE, [POINTER(spec_p), spec_p]),
    "rollout_deployment_spec": (CODE, [POINTER(spec_p), deployment_p]),
    "rollout_spec_dialect": (c_int, [spec_p]),
    "rollout_spec_namespace": (c_char_p, [spec_p]),
    "rollout_spec_name": (c_char_p, [spec_p]),
    "rollout_spec_replicas": (c_int32, [spec_p]),
    "rollout_spec_set_label": (CODE, [spec_p, c_char_p, c_char_p]),
    "rollout_spec_set_annotation": (CODE, [spec_p, c_char_p, c_char_p]),
    "rollout_spec_set_replicas": (CODE, [spec_p, c_int32]),
    "rollout_spec_set_selector": (CODE, [spec_p, c_char_p, c_char_p]),
    "rollout_spec_set_strategy": (CODE, [spec_p, c_int]),
    "rollout_spec_set_max_surge": (CODE, [spec_p, c_char_p]),
    "rollout_spec_set_max_unavailable": (CODE, [spec_p, c_char_p]),
    "rollout_spec_set_min_ready_seconds": (CODE, [spec_p, c_int32]),
    "rollout_spec_set_progress_deadline_seconds": (CODE, [spec_p, c_int32]),
    "rollout_spec_set_revision_history_limit": (CODE, [spec_p, c_int32]),
    "rollout_spec_set_paused": (CODE, [spec_p, c_int]),
    "rollout_spec_set_template_label": (CODE, [spec_p, c_char_p, c_char_p]),
    "rollout_spec_set_template_annotation": (CODE, [spec_p, c_char_p,
                                                    c_char_p]),
    "rollout_spec_add_container": (CODE, [POINTER(c_size_t), spec_p, c_char_p,
                                          c_char_p]),
    "rollout_spec_find_container": (CODE, [POINTER(c_size_t), spec_p,
                                           c_char_p]),
    "rollout_spec_container_set_image": (CODE, [spec_p, c_size_t, c_char_p]),
    "rollout_spec_container_add_command": (CODE, [spec_p, c_size_t,
                                                  c_char_p]),
    "rollout_spec_container_add_arg": (CODE, [spec_p, c_size_t, c_char_p]),
    "rollout_spec_container_add_port": (CODE, [spec_p, c_size_t, c_char_p,
                                               c_int32, c_char_p]),
    "rollout_spec_container_set_env": (CODE, [spec_p, c_size_t, c_char_p,
                                              c_char_p]),
    "rollout_spec_container_set_resource": (CODE, [spec_p, c_size_t, c_char_p,
                                                   c_char_p, c_char_p]),
    "rollout_probe_options_init": (CODE, [POINTER(rollout_probe_options),
                                          c_uint]),
    "rollout_spec_container_set_probe": (CODE, [
        spec_p, c_size_t, c_int, POINTER(rollout_probe_options)]),

    # objects.h: deployments
    "rollout_deployment_namespace": (c_char_p, [deployment_p]),
    "rollout_deployment_name": (c_char_p, [deployment_p]),
    "rollout_deployment_dialect": (c_int, [deployment_p]),
    "rollout_deployment_generation": (c_int64, [deployment_p]),
    "rollout_deployment_observed_generation": (c_int64, [deployment_p]),
    "rollout_deployment_created": (c_int64, [deployment_p]),
    "rollout_deployment_revision": (c_int64, [deployment_p]),
    # 0 or 1, not codes
    "rollout_deployment_paused": (c_int, [deployment_p]),
    "rollout_deployment_deleting": (c_int, [deployment_p]),
    "rollout_deployment_count": (c_int32, [deployment_p, c_int]),
    "rollout_deployment_condition_count": (c_size_t, [deployment_p]),
    "rollout_deployment_condition_at": (CODE, [_cpp, _cpp, _cpp, _cpp,
                                               POINTER(c_int64),
                                               POINTER(c_int64), deployment_p,
                                               c_size_t]),
    "rollout_deployment_find_condition": (CODE, [POINTER(c_size_t),
                                                 deployment_p, c_char_p]),
    "rollout_status_message": (CODE, [POINTER(c_void_p), POINTER(c_int),
                                      deployment_p]),
    "rollout_deployment_revision_count": (c_size_t, [deployment_p]),
    "rollout_deployment_revision_at": (revision_p, [deployment_p, c_size_t]),
    "rollout_deployment_find_revision": (CODE, [POINTER(revision_p),
                                                deployment_p, c_int64]),
    "rollout_deployment_replica_set_count": (c_size_t, [deployment_p]),
    "rollout_deployment_replica_set_at": (replica_set_p, [deployment_p,
                                                          c_size_t]),
    "rollout_deployment_new_replica_set": (replica_set_p, [deployment_p]),

    # objects.h: revisions
    "rollout_revision_number": (c_int64, [revision_p]),
    "rollout_revision_hash": (c_char_p, [revision_p]),
    "rollout_revision_change_cause": (c_char_p, [revision_p]),
    "rollout_revision_created": (c_int64, [revision_p]),
    "rollout_revision_template": (c_char_p, [revision_p]),
    "rollout_revision_replica_set": (replica_set_p, [revision_p]),
    "rollout_revision_container_count": (c_size_t, [revision_p]),
    "rollout_revision_container_name": (c_char_p, [revision_p, c_size_t]),
    "rollout_revision_container_image": (c_char_p, [revision_p, c_size_t]),
    "rollout_revision_container_command_count": (c_size_t, [revision_p,
                                                            c_size_t]),
    "rollout_revision_container_command": (c_char_p, [revision_p, c_size_t,
                                                      c_size_t]),
    "rollout_revision_container_arg_count": (c_size_t, [revision_p,
                                                        c_size_t]),
    "rollout_revision_container_arg": (c_char_p, [revision_p, c_size_t,
                                                  c_size_t]),
    "rollout_revision_container_port_count": (c_size_t, [revision_p,
                                                         c_size_t]),
    "rollout_revision_container_port": (c_int32, [revision_p, c_size_t,
                                                  c_size_t]),
    "rollout_revision_container_env_count": (c_size_t, [revision_p,
                                                        c_size_t]),
    "rollout_revision_container_env": (c_char_p, [_cpp, revision_p, c_size_t,
                                                  c_size_t]),

    # objects.h: replica sets
    "rollout_replica_set_name": (c_char_p, [replica_set_p]),
    "rollout_replica_set_deployment": (deployment_p, [replica_set_p]),
    "rollout_replica_set_revision": (revision_p, [replica_set_p]),
    "rollout_replica_set_created": (c_int64, [replica_set_p]),
    "rollout_replica_set_count": (c_int32, [replica_set_p, c_int]),
    "rollout_replica_set_annotation": (c_char_p, [replica_set_p, c_char_p]),
    "rollout_replica_set_annotation_count": (c_size_t, [replica_set_p]),
    "rollout_replica_set_annotation_at": (c_char_p, [_cpp, replica_set_p,
                                                     c_size_t]),
    "rollout_replica_set_replica_count": (c_size_t, [replica_set_p]),
    "rollout_replica_set_replica_at": (replica_p, [replica_set_p, c_size_t]),

    # objects.h: replicas
    "rollout_replica_name": (c_char_p, [replica_p]),
    "rollout_replica_phase": (c_int, [replica_p]),
    "rollout_replica_reason": (c_char_p, [replica_p]),
    "rollout_replica_node": (c_char_p, [replica_p]),
    "rollout_replica_created": (c_int64, [replica_p]),
    "rollout_replica_ready_since": (c_int64, [replica_p]),
    # 0 or 1, not a code
    "rollout_replica_available": (c_int, [replica_p]),
    "rollout_replica_replica_set": (replica_set_p, [replica_p]),
    "rollout_replica_revision": (revision_p, [replica_p]),
    "rollout_replica_deployment": (deployment_p, [replica_p]),
    "rollout_replica_host_data": (c_void_p, [replica_p]),
    "rollout_replica_bind_host_data": (None, [replica_p, c_void_p]),

    # objects.h: BCS (NULL or -1 for the Kubernetes dialect)
    "rollout_deployment_kind": (c_int, [deployment_p]),
    "rollout_deployment_status_name": (c_char_p, [deployment_p]),
    "rollout_deployment_message": (c_char_p, [deployment_p]),
    "rollout_deployment_application": (replica_set_p, [deployment_p]),
    "rollout_deployment_application_ext": (replica_set_p, [deployment_p]),
    "rollout_deployment_constraint": (c_char_p, [deployment_p]),
    "rollout_replica_set_status_name": (c_char_p, [replica_set_p]),
    "rollout_replica_set_message": (c_char_p, [replica_set_p]),
    "rollout_replica_index": (c_int64, [replica_p]),
    "rollout_replica_status_name": (c_char_p, [replica_p]),

    # manifest.h: reading (the buffers are bytes, with their length, and
    # may hold NUL bytes)
    "rollout_manifest_parse": (CODE, [POINTER(manifest_p), c_char_p,
                                      c_size_t, c_char_p, c_int,
                                      POINTER(rollout_parse_error)]),
    "rollout_manifest_parse_file": (CODE, [POINTER(manifest_p), c_char_p,
                                           c_int,
                                           POINTER(rollout_parse_error)]),
    "rollout_manifest_free": (None, [manifest_p]),
    "rollout_manifest_count": (c_size_t, [manifest_p]),
    "rollout_manifest_spec": (spec_p, [manifest_p, c_size_t]),
    "rollout_spec_parse": (CODE, [POINTER(spec_p), c_char_p, c_size_t,
                                  c_char_p, c_int,
                                  POINTER(rollout_parse_error)]),
    "rollout_detect_dialect": (CODE, [POINTER(c_int), c_char_p, c_size_t]),
    # a length, or ROLLOUT_EINVAL
    "rollout_parse_error_print": (CODE, [c_char_p, c_size_t,
                                         POINTER(rollout_parse_error)]),
    "rollout_spec_kind": (c_int, [spec_p]),

    # manifest.h: writing, into the library's memory (freed with
    # rollout_free())
    "rollout_spec_write": (CODE, [POINTER(c_void_p), spec_p, c_int]),
    "rollout_deployment_write": (CODE, [POINTER(c_void_p), deployment_p,
                                        c_int]),
    "rollout_replica_set_write": (CODE, [POINTER(c_void_p), replica_set_p,
                                         c_int]),
    "rollout_deployment_write_record": (CODE, [POINTER(c_void_p),
                                               deployment_p]),

    # sim.h
    "rollout_sim_options_init": (CODE, [POINTER(rollout_sim_options),
                                        c_uint]),
    "rollout_sim_new": (CODE, [POINTER(sim_p), POINTER(rollout_sim_options)]),
    "rollout_sim_free": (None, [sim_p]),
    "rollout_sim_engine": (engine_p, [sim_p]),
    "rollout_sim_errmsg": (c_char_p, [sim_p]),
    "rollout_sim_now": (c_int64, [sim_p]),
    "rollout_sim_add_node": (CODE, [sim_p, c_char_p, c_double, c_double]),
    "rollout_sim_set_node_attribute": (CODE, [sim_p, c_char_p, c_char_p,
                                              c_char_p]),
    "rollout_sim_lose_node": (CODE, [sim_p, c_char_p]),
    "rollout_sim_node_count": (c_size_t, [sim_p]),
    "rollout_sim_node_name": (c_char_p, [sim_p, c_size_t]),
    "rollout_sim_node_usage": (CODE, [POINTER(c_double), POINTER(c_double),
                                      POINTER(c_double), POINTER(c_double),
                                      sim_p, c_char_p]),
    "rollout_sim_node_attribute": (c_char_p, [sim_p, c_char_p, c_char_p]),
    "rollout_sim_node_attribute_count": (c_size_t, [sim_p, c_char_p]),
    "rollout_sim_node_attribute_at": (c_char_p, [_cpp, sim_p, c_char_p,
                                                 c_size_t]),
    "rollout_sim_set_image_fault": (CODE, [sim_p, c_char_p, c_int, c_int64]),
    "rollout_sim_replica_ready": (CODE, [sim_p, c_char_p]),
    "rollout_sim_replica_fail": (CODE, [sim_p, c_char_p]),
    "rollout_sim_replica_kill": (CODE, [sim_p, c_char_p]),
    "rollout_sim_steer": (CODE, [POINTER(c_size_t), sim_p, c_int, c_char_p,
                                 c_size_t]),
    "rollout_sim_run_until": (CODE, [sim_p, c_int64]),
    "rollout_sim_advance": (CODE, [sim_p, c_int64]),
    # an outcome (rollout_sim_outcome), or a negative code
    "rollout_sim_run_until_idle": (CODE, [sim_p, c_int64]),
    "rollout_sim_timeline_count": (c_size_t, [sim_p]),
    "rollout_sim_timeline_at": (CODE, [POINTER(c_int64), _cpp, sim_p,
                                       c_size_t]),
    "rollout_sim_summary_init": (CODE, [POINTER(rollout_sim_summary),
                                        c_uint]),
    "rollout_sim_summary_get": (CODE, [POINTER(rollout_sim_summary), sim_p,
                                       c_char_p, c_char_p]),
    "rollout_sim_save": (CODE, [POINTER(c_void_p), sim_p]),
    "rollout_sim_restore": (CODE, [POINTER(sim_p), c_char_p, c_size_t]),
}


def _declare():
    for name, (restype, argtypes) in FUNCTIONS.items():
        func = getattr(lib, name)
        func.argtypes = argtypes
        if restype is CODE:
            func.restype = c_int
            func.errcheck = _errcheck
        else:
            func.restype = restype


_declare()


def print_parse_error(err):
    """ERR (a rollout_parse_error) as rollout_parse_error_print() prints
    it."""
    n = lib.rollout_parse_error_print(None, 0, byref(err))
    buf = ctypes.create_string_buffer(n + 1)
    lib.rollout_parse_error_print(buf, n + 1, byref(err))
    return decode(buf.value)


def parse_call(func, *args):
    """Calls the parsing function FUNC with ARGS and a rollout_parse_error,
    which becomes the ParseError it raises on ROLLOUT_EPARSE."""
    err = rollout_parse_error()
    try:
        return func(*args, byref(err))
    except ParseError:
        raise ParseError.from_struct(err, func.__name__) from None


def take_string(raw):
    """Decodes a string the library allocated for the caller, then frees
    it with rollout_free()."""
    if not raw:
        return None
    try:
        return decode(ctypes.string_at(raw))
    finally:
        lib.rollout_free(raw)
