"""librollout for Python: rolling upgrades of multi-instance services.

The engine decides, tick by tick, which replicas of which revision to
create and delete; the host (this program) keeps the clock and runs the
replicas, through callables given to Engine:

    import rollout

    def create(replica):            # a rollout.Replica
        start(replica.name)         # the host's own work
        return None                 # accepted; a string refuses, with why

    engine = rollout.Engine(clock=lambda: int(time.time() * 1000),
                            create=create, delete=lambda r: stop(r.name))
    spec = rollout.Spec("web", replicas=3, selector={"app": "web"},
                        template_labels={"app": "web"})
    spec.add_container("web", "nginx:1.25", ports=[80])
    engine.apply(spec)
    engine.tick()

Specs can also be read from manifests, Kubernetes YAML or JSON and BCS
v4 JSON, and written back:

    for spec in rollout.Manifest.from_file("web.yaml"):
        engine.apply(spec)
    print(spec.write("yaml"))

A BCS deployment runs on the same engine, with BCS's update, statuses and
operations:

    engine.create(rollout.Spec.from_file("test1-1-0.json"))
    engine.update(rollout.Spec.from_file("test1-1-1.json"))
    test = engine.deployment("defaultGroup", "test")
    print(test.status_name, test.application.status_name)
    engine.cancel("defaultGroup", "test")

Objects read from the engine (Deployment, Revision, ReplicaSet, Replica)
are views that hold names, not pointers: each access finds the object
again and raises NotFound when it has gone.  Errors are RolloutError
subclasses carrying the code and the engine's message; a refused manifest
raises ParseError, which says where and why.  One engine is used by one
thread at a time.
"""

import collections
import collections.abc
import ctypes
import enum
import json
import os
import weakref
from ctypes import byref, c_char_p, c_int, c_int64, c_size_t, c_void_p

from . import _native
from ._native import (AlreadyExists, CallbackError, DeadlineExceeded,
                      EngineClosed, InvalidArgument, NotFound, OutOfMemory,
                      ParseError, ReentrancyError, RolloutError,
                      SnapshotError, StateError, ValidationError)

__all__ = [
    "AlreadyExists", "CallbackError", "Condition", "Container",
    "ContainerSpec", "Count", "DeadlineExceeded", "Deployment", "Dialect",
    "Engine", "EngineClosed", "Event", "Format", "InvalidArgument", "Kind",
    "Manifest", "NotFound", "OutOfMemory", "ParseError", "Phase",
    "ProbeAction", "ProbeKind", "ReentrancyError", "Replica", "ReplicaSet",
    "Revision", "RolloutError", "RolloutStatus", "SnapshotError", "Spec",
    "StateError", "Strategy", "ValidationError", "detect_dialect",
    "phase_from_name", "phase_name", "strerror", "version", "version_num",
    "Node", "SimAction", "SimFault", "SimOutcome", "SimSummary", "Simulator",
]

_lib = _native.lib
_encode = _native.encode
_decode = _native.decode


# Enumerations, mirroring the C ones.

class Phase(enum.IntEnum):
    """Replica phases (rollout_phase); str() gives the library's name."""

    PENDING = 0
    STARTING = 1
    RUNNING = 2
    READY = 3
    FAILED = 4
    LOST = 5
    TERMINATING = 6
    GONE = 7
    FINISHED = 8
    ERROR = 9

    def __str__(self):
        return phase_name(self)


class Dialect(enum.IntEnum):
    """The reference system a spec follows.  Specs built in code are
    Kubernetes ones; BCS specs are read from manifests."""

    KUBERNETES = 1
    BCS = 2


class Kind(enum.IntEnum):
    """What a spec describes: a deployment, or (BCS) an application on its
    own."""

    DEPLOYMENT = 1
    APPLICATION = 2


class Format(enum.IntEnum):
    """The formats manifests are written in; write() methods also take
    "json" and "yaml"."""

    JSON = 1
    YAML = 2


class Strategy(enum.IntEnum):
    ROLLING_UPDATE = 1
    RECREATE = 2


class Count(enum.IntEnum):
    DESIRED = 0
    CURRENT = 1
    UPDATED = 2
    READY = 3
    AVAILABLE = 4
    UNAVAILABLE = 5
    RUNNING = 6
    BUILT = 7


class ProbeKind(enum.IntEnum):
    READINESS = 1
    LIVENESS = 2
    STARTUP = 3


class ProbeAction(enum.IntEnum):
    HTTP_GET = 1
    TCP_SOCKET = 2
    EXEC = 3


_STRATEGY_NAMES = {"RollingUpdate": Strategy.ROLLING_UPDATE,
                   "Recreate": Strategy.RECREATE}
_PROBE_KIND_NAMES = {"readiness": ProbeKind.READINESS,
                     "liveness": ProbeKind.LIVENESS,
                     "startup": ProbeKind.STARTUP}
_PROBE_ACTION_NAMES = {"httpGet": ProbeAction.HTTP_GET,
                       "tcpSocket": ProbeAction.TCP_SOCKET,
                       "exec": ProbeAction.EXEC}
_APPLY_OUTCOMES = {1: "created", 2: "configured", 3: "unchanged"}
_UNDO_OUTCOMES = {1: "rolled back", 2: "skipped"}


def _named(enum_cls, names, value, what):
    if isinstance(value, str):
        try:
            return names[value]
        except KeyError:
            raise InvalidArgument("unknown %s %r" % (what, value),
                                  _native.ROLLOUT_EINVAL) from None
    try:
        return enum_cls(value)
    except ValueError:
        raise InvalidArgument("unknown %s %r" % (what, value),
                              _native.ROLLOUT_EINVAL) from None


# Records returned by the views.

Condition = collections.namedtuple(
    "Condition",
    "type status reason message last_update last_transition")
Condition.__doc__ = "A deployment condition; times in milliseconds."

Container = collections.namedtuple(
    "Container", "name image command args ports env")
Container.__doc__ = ("A container of a revision's template: command and "
                     "args are lists, ports a list of ints, env a dict.")

RolloutStatus = collections.namedtuple(
    "RolloutStatus", "message done deadline_exceeded")
RolloutStatus.__doc__ = ("The rollout status line as kubectl prints it, "
                         "whether the rollout is complete, and whether it "
                         "exceeded its progress deadline (then MESSAGE is "
                         "the error).")

Event = collections.namedtuple(
    "Event", "deployment object type reason message")
Event.__doc__ = ("An event for the event callback: DEPLOYMENT a Deployment "
                 "view (or None), OBJECT \"Kind/name\", TYPE \"Normal\" or "
                 "\"Warning\", REASON and MESSAGE as the reference system "
                 "words them.")


# Library-wide functions.

def version():
    """The library's version at run time, "MAJOR.MINOR.PATCH"."""
    return _decode(_lib.rollout_version())


def version_num():
    """The library's version at run time as 0xMMmmpp."""
    return _lib.rollout_version_num()


def strerror(code):
    """The library's text for a return code."""
    return _native.strerror(code)


def phase_name(phase):
    """"pending", "starting", ...; "unknown" outside the enumeration."""
    return _decode(_lib.rollout_phase_name(int(phase)))


def phase_from_name(name):
    """The Phase named NAME (as phase_name() spells it)."""
    out = c_int()
    try:
        _lib.rollout_phase_from_name(byref(out), _encode(name))
    except NotFound:
        raise NotFound("unknown phase %r" % (name,),
                       _native.ROLLOUT_ENOTFOUND) from None
    return Phase(out.value)


def _phase(value):
    if isinstance(value, (str, bytes)):
        return phase_from_name(value)
    return Phase(value)


def _dialect(value):
    try:
        return Dialect(value)
    except ValueError:
        return value


def _kind(value):
    try:
        return Kind(value)
    except ValueError:
        return value


def _dialect_arg(value):
    """The dialect a manifest must be of: None (or 0) takes each document's
    own."""
    if value is None or (isinstance(value, int) and value == 0):
        return 0
    if isinstance(value, str):
        try:
            return Dialect[value.upper()]
        except KeyError:
            pass
    elif isinstance(value, int) and not isinstance(value, bool):
        try:
            return Dialect(value)
        except ValueError:
            pass
    raise InvalidArgument("unknown dialect %r" % (value,),
                          _native.ROLLOUT_EINVAL)


def _format_arg(value):
    if isinstance(value, str):
        try:
            return Format[value.upper()]
        except KeyError:
            pass
    elif isinstance(value, int) and not isinstance(value, bool):
        try:
            return Format(value)
        except ValueError:
            pass
    raise InvalidArgument("unknown format %r: \"json\" or \"yaml\"" % (value,),
                          _native.ROLLOUT_EINVAL)


def _manifest_bytes(text):
    """A manifest's text as the bytes the library reads (str as UTF-8)."""
    if isinstance(text, str):
        return text.encode("utf-8", "surrogateescape")
    if isinstance(text, (bytes, bytearray, memoryview)):
        return bytes(text)
    raise TypeError("a manifest is a str or bytes, not %s"
                    % type(text).__name__)


def _write(func, handle, format):
    raw = c_void_p()
    func(byref(raw), handle, _format_arg(format))
    return _native.take_string(raw.value)


def detect_dialect(text):
    """The Dialect of the first document of the manifest TEXT (str or
    bytes), told from its apiVersion and kind.  NotFound when it is of no
    dialect the library knows; ParseError when TEXT cannot be read."""
    data = _manifest_bytes(text)
    out = c_int()
    try:
        _lib.rollout_detect_dialect(byref(out), data, len(data))
    except NotFound:
        raise NotFound("no Kubernetes Deployment nor BCS deployment or "
                       "application in the input", _native.ROLLOUT_ENOTFOUND,
                       "rollout_detect_dialect") from None
    except ParseError as exc:
        unreadable = exc
    else:
        return Dialect(out.value)
    # The detection says only that the text cannot be read; reading it
    # again says where and why.
    manifest = _native.manifest_p()
    _native.parse_call(_lib.rollout_manifest_parse, byref(manifest), data,
                       len(data), None, 0)
    _lib.rollout_manifest_free(manifest)
    raise unreadable


# The engine.

def _trampoline(ref, method):
    # The C callbacks hold only a weak reference to their Engine, so that
    # an Engine nobody uses any more is freed by reference counting alone.
    # An engine closed from inside a callable finishes the call it is in
    # without asking the host anything more: 0 accepts whatever is left
    # (and, for the clock, is a time the engine holds back from).
    def call(*args):
        engine = ref()
        if engine is None or engine._ptr is None:
            return 0
        return method(engine, *args)
    return call


class Engine:
    """A rollout engine driven by the host's callables (or the engine of a
    Simulator, see Simulator.engine).

    CLOCK() returns the time in milliseconds.  CREATE(replica) and
    DELETE(replica) receive a Replica view; they return None or True to
    accept the request, or a string (the reason) or False to refuse it,
    in which case the engine retries with backoff.  EVENT(event), optional,
    receives an Event; TIMER(timeout_ms), optional, is told when the next
    deadline moved (0: now, -1: none).

    An exception raised by a callable is kept, the engine is told the host
    failed, and the exception is raised again by the Engine method during
    which the callable ran (tick(), apply(), ...), once the engine has
    returned.  The engine stays usable.

    Callables may call report() and report_node() and read views; other
    methods raise ReentrancyError from inside a callable.
    """

    # The Simulator that hosts the engine, for the engine of one: it owns
    # the C engine and its callbacks.
    _host = None

    def __init__(self, clock, create, delete, event=None, timer=None):
        self._ptr = None
        self._depth = 0
        self._pending = None
        self._now = 0
        self._reason = None
        if not callable(clock) or not callable(create) or \
                not callable(delete):
            raise TypeError("clock, create and delete must be callable")
        self._clock = clock
        self._create = create
        self._delete = delete
        self._event = event
        self._timer = timer

        ref = weakref.ref(self)
        # The CFUNCTYPE objects live as long as the Engine: the C engine
        # calls them until it is freed.
        self._c_clock = _native.clock_cb(_trampoline(ref, Engine._on_clock))
        self._c_create = _native.create_replica_cb(
            _trampoline(ref, Engine._on_create))
        self._c_delete = _native.delete_replica_cb(
            _trampoline(ref, Engine._on_delete))
        self._c_event = None
        self._c_timer = None

        cbs = _native.callbacks_p()
        _lib.rollout_callbacks_new(byref(cbs))
        try:
            _lib.rollout_callbacks_set_clock(cbs, self._c_clock)
            _lib.rollout_callbacks_set_create_replica(cbs, self._c_create)
            _lib.rollout_callbacks_set_delete_replica(cbs, self._c_delete)
            if event is not None:
                self._c_event = _native.event_cb(
                    _trampoline(ref, Engine._on_event))
                _lib.rollout_callbacks_set_event(cbs, self._c_event)
            if timer is not None:
                self._c_timer = _native.timer_cb(
                    _trampoline(ref, Engine._on_timer))
                _lib.rollout_callbacks_set_timer(cbs, self._c_timer)
            ptr = _native.engine_p()
            _lib.rollout_engine_new(byref(ptr), cbs, None)
        finally:
            _lib.rollout_callbacks_free(cbs)
        self._ptr = ptr
        _native.live_engines.add(_native.address(ptr))

    @classmethod
    def _hosted(cls, ptr, host):
        """The engine PTR of the Simulator HOST, which it keeps alive."""
        engine = cls.__new__(cls)
        engine._ptr = ptr
        engine._depth = 0
        engine._pending = None
        engine._now = 0
        engine._reason = None
        engine._host = host
        _native.live_engines.add(_native.address(ptr))
        return engine

    def _release(self):
        """The simulator that hosts the engine has freed it."""
        ptr, self._ptr = self._ptr, None
        if ptr is not None:
            _native.live_engines.discard(_native.address(ptr))

    def _not_hosted(self, what):
        if self._host is not None:
            raise StateError("%s: the simulator drives this engine" % what,
                             _native.ROLLOUT_ESTATE)

    @classmethod
    def from_snapshot(cls, snapshot, clock, create, delete, event=None,
                      timer=None):
        """A new engine holding the state SNAPSHOT (from save())."""
        engine = cls(clock, create, delete, event, timer)
        try:
            engine.restore(snapshot)
        except BaseException:
            engine.close()
            raise
        return engine

    # Life.

    def close(self):
        """Frees the engine.  Views of its objects raise EngineClosed from
        then on.  From inside a callable, the engine goes once the call
        that ran the callable returns.  The engine of a Simulator goes
        with it: closing it closes the simulator."""
        if self._host is not None:
            self._host.close()
            return
        ptr, self._ptr = self._ptr, None
        if ptr is None:
            return
        _native.live_engines.discard(_native.address(ptr))
        _lib.rollout_engine_free(ptr)

    @property
    def closed(self):
        return self._ptr is None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        if self._host is not None:
            return  # the simulator's, which goes on without this object
        try:
            self.close()
        except Exception:
            pass  # at interpreter exit the modules may be gone

    def __repr__(self):
        if self._ptr is None:
            return "<rollout.Engine closed>"
        return "<rollout.Engine %d deployments>" % \
            _lib.rollout_engine_deployment_count(self._ptr)

    # Calls into the engine.

    def _handle(self):
        if self._ptr is None:
            raise EngineClosed("the engine is closed", _native.ROLLOUT_ESTATE)
        return self._ptr

    def _run(self, call):
        """Runs CALL(handle); then raises what a callable raised during it
        (in place of the engine's ROLLOUT_ECALLBACK), else the error."""
        handle = self._handle()
        error = None
        result = None
        self._depth += 1
        try:
            result = call(handle)
        except RolloutError as exc:
            error = exc
        finally:
            self._depth -= 1
        if self._depth == 0 and self._pending is not None:
            pending, self._pending = self._pending, None
            raise pending
        if error is not None:
            raise error
        return result

    def _keep(self, exc):
        # The first exception wins: later ones are usually its consequence.
        if self._pending is None:
            self._pending = exc

    # The C callbacks.

    def _on_clock(self, _engine, _user_data):
        try:
            now = int(self._clock())
            if not -(1 << 63) <= now < (1 << 63):
                raise OverflowError("clock value %d out of range" % now)
        except BaseException as exc:
            self._keep(exc)
            return self._now  # the engine holds a clock that goes back
        self._now = now
        return now

    def _on_request(self, func, replica, reason):
        try:
            view = Replica(self, _decode(_lib.rollout_replica_name(replica)))
            answer = func(view)
            if answer is None or answer is True:
                return 0
            if answer is False:
                return _native.ROLLOUT_REFUSED
            if not isinstance(answer, (str, bytes)):
                raise TypeError("a create or delete callable returns None, "
                                "True, False or a reason string, not %r"
                                % (answer,))
        except BaseException as exc:
            self._keep(exc)
            return _native.ROLLOUT_ECALLBACK
        # the engine copies the reason when the callback returns
        self._reason = _encode(answer)
        reason[0] = self._reason
        return _native.ROLLOUT_REFUSED

    def _on_create(self, _engine, replica, reason, _user_data):
        return self._on_request(self._create, replica, reason)

    def _on_delete(self, _engine, replica, reason, _user_data):
        return self._on_request(self._delete, replica, reason)

    def _on_event(self, _engine, deployment, obj, type_, reason, message,
                  _user_data):
        try:
            view = None
            if deployment:
                view = Deployment._of(self, deployment)
            self._event(Event(view, _decode(obj), _decode(type_),
                              _decode(reason), _decode(message)))
        except BaseException as exc:
            self._keep(exc)
            return _native.ROLLOUT_ECALLBACK
        return 0

    def _on_timer(self, _engine, timeout_ms, _user_data):
        try:
            self._timer(timeout_ms)
        except BaseException as exc:
            self._keep(exc)
            return _native.ROLLOUT_ECALLBACK
        return 0

    # Driving.

    def tick(self):
        """Does the work that is due; returns at once."""
        self._not_hosted("tick")
        self._run(_lib.rollout_engine_tick)

    def next_deadline(self):
        """Milliseconds until the engine next needs a tick: 0 now, -1
        never."""
        out = c_int64()
        self._run(lambda h: _lib.rollout_engine_next_deadline(byref(out), h))
        return out.value

    def set_backoff(self, initial_ms, max_ms):
        """Retry delays for refused requests: INITIAL_MS, doubling up to
        MAX_MS."""
        self._not_hosted("set_backoff")
        self._run(lambda h: _lib.rollout_engine_set_backoff(h, initial_ms,
                                                            max_ms))

    @property
    def errmsg(self):
        """The message of the engine's last error; "" when there was
        none."""
        return _decode(_lib.rollout_engine_errmsg(self._handle()))

    # Operations.

    def apply(self, spec):
        """Creates or updates the deployment SPEC names: returns
        "created", "configured" or "unchanged"."""
        sp = _spec_handle(spec, "apply")
        outcome = c_int()
        self._run(lambda h: _lib.rollout_engine_apply(byref(outcome), h, sp))
        return _APPLY_OUTCOMES[outcome.value]

    def create(self, spec):
        """Creates the deployment (or BCS application) SPEC names; refused
        when it exists, as kubectl create and bcs-client create refuse."""
        sp = _spec_handle(spec, "create")
        self._run(lambda h: _lib.rollout_engine_create(h, sp))

    def update(self, spec):
        """Updates the deployment (or BCS application) SPEC names; refused
        when it does not exist.  A BCS deployment starts a rolling update
        to a new application."""
        sp = _spec_handle(spec, "update")
        self._run(lambda h: _lib.rollout_engine_update(h, sp))

    def scale(self, namespace, name, replicas):
        self._run(lambda h: _lib.rollout_engine_scale(
            h, _encode(namespace), _encode(name), replicas))

    def pause(self, namespace, name):
        self._run(lambda h: _lib.rollout_engine_pause(
            h, _encode(namespace), _encode(name)))

    def resume(self, namespace, name):
        self._run(lambda h: _lib.rollout_engine_resume(
            h, _encode(namespace), _encode(name)))

    def undo(self, namespace, name, to_revision=0):
        """Rolls back to TO_REVISION (0: the previous one): returns
        "rolled back" or "skipped"."""
        outcome = c_int()
        self._run(lambda h: _lib.rollout_engine_undo(
            byref(outcome), h, _encode(namespace), _encode(name),
            to_revision))
        return _UNDO_OUTCOMES[outcome.value]

    def restart(self, namespace, name):
        self._run(lambda h: _lib.rollout_engine_restart(
            h, _encode(namespace), _encode(name)))

    def delete(self, namespace, name):
        self._run(lambda h: _lib.rollout_engine_delete(
            h, _encode(namespace), _encode(name)))

    def cancel(self, namespace, name):
        """BCS: stops the update of the deployment NAMESPACE/NAME and
        restores the application and definition it started from."""
        self._run(lambda h: _lib.rollout_engine_cancel(
            h, _encode(namespace), _encode(name)))

    def delete_application(self, namespace, name):
        """BCS: deletes the standalone application NAMESPACE/NAME (None:
        "defaultGroup") and its taskgroups."""
        self._run(lambda h: _lib.rollout_engine_delete_application(
            h, _encode(namespace), _encode(name)))

    def set_cluster(self, name):
        """BCS: the cluster name written into taskgroup ids from now on
        (default "Unnamed"); not part of a snapshot."""
        self._run(lambda h: _lib.rollout_engine_set_cluster(h, _encode(name)))

    def report(self, replica, phase, reason=None):
        """The host's word on REPLICA (a name or a Replica): PHASE is a
        Phase or its name; REASON explains a pending or failed one."""
        self._not_hosted("report")
        phase = _phase(phase)
        name = _encode(_replica_name(replica))
        self._run(lambda h: _lib.rollout_engine_report(
            h, name, phase, _encode(reason)))

    def report_node(self, replica, node):
        """The node REPLICA (a name or a Replica) was placed on (None:
        none)."""
        self._not_hosted("report_node")
        name = _encode(_replica_name(replica))
        self._run(lambda h: _lib.rollout_engine_report_node(
            h, name, _encode(node)))

    # Snapshots.

    def save(self):
        """The whole engine state as a JSON string."""
        raw = c_void_p()
        self._run(lambda h: _lib.rollout_engine_save(byref(raw), h))
        return _native.take_string(raw.value)

    def restore(self, snapshot):
        """Rebuilds the state SNAPSHOT (from save()) in this engine, which
        must hold no deployment."""
        self._not_hosted("restore")
        data = _encode(snapshot)
        if data is None:
            raise InvalidArgument("no snapshot", _native.ROLLOUT_EINVAL)
        self._run(lambda h: _lib.rollout_engine_restore(h, data, len(data)))

    # Lookup.

    @property
    def deployments(self):
        """Every deployment, as views, in the engine's order; the holders
        of standalone BCS applications (kind Kind.APPLICATION) too."""
        h = self._handle()
        return [Deployment._of(self, _lib.rollout_engine_deployment_at(h, i))
                for i in range(_lib.rollout_engine_deployment_count(h))]

    def __iter__(self):
        return iter(self.deployments)

    def deployment(self, namespace, name):
        """The deployment NAMESPACE/NAME (None: "default"); NotFound when
        there is none.  A standalone BCS application is found with
        application()."""
        view = Deployment(self, namespace, name)
        view._handle()
        return view

    def application(self, namespace, name):
        """BCS: the application NAMESPACE/NAME (None: "defaultGroup"),
        bound to a deployment or standalone, as a ReplicaSet; NotFound when
        there is none."""
        _need_name(name, "application")
        view = ReplicaSet(self, namespace or _BCS_DEFAULT_NAMESPACE, None,
                          name, application=True)
        view._handle()
        return view

    def replica(self, name):
        """The replica NAME; NotFound when there is none."""
        view = Replica(self, name)
        view._handle()
        return view


def _spec_handle(spec, what):
    if not isinstance(spec, Spec):
        raise TypeError("%s() takes a rollout.Spec" % what)
    return spec._handle()


def _need_name(name, what):
    # checked here: rollout_engine_find_application() refuses a NULL name
    # without a message
    if name is None:
        raise InvalidArgument("no %s name" % what, _native.ROLLOUT_EINVAL)


def _replica_name(replica):
    name = replica.name if isinstance(replica, Replica) else replica
    if name is None:
        # checked here: the engine refuses a NULL name without a message
        raise InvalidArgument("no replica name", _native.ROLLOUT_EINVAL)
    return name


# Views.

class _View:
    """A view of an engine object: it keeps its Engine alive and finds its
    object again, by name, on every access."""

    __slots__ = ("_engine",)

    def _key(self):
        raise NotImplementedError

    def __eq__(self, other):
        if type(other) is not type(self):
            return NotImplemented
        return other._engine is self._engine and other._key() == self._key()

    def __hash__(self):
        return hash((type(self), id(self._engine), self._key()))

    @property
    def engine(self):
        return self._engine


_BCS_DEFAULT_NAMESPACE = "defaultGroup"


def _application_handle(engine, namespace, name):
    """The BCS application NAMESPACE/NAME, whatever holds it."""
    h = engine._handle()
    out = _native.replica_set_p()
    try:
        _lib.rollout_engine_find_application(byref(out), h,
                                             _encode(namespace),
                                             _encode(name))
    except NotFound:
        raise NotFound("Application not found",
                       _native.ROLLOUT_ENOTFOUND) from None
    return out


def _deployment_handle(engine, namespace, name, application=False):
    """The deployment NAMESPACE/NAME; with APPLICATION, the holder of the
    standalone BCS application of that name, which has no name of its own
    to be found by."""
    if application:
        try:
            d = _lib.rollout_replica_set_deployment(
                _application_handle(engine, namespace, name))
        except NotFound:
            d = None
        if not d or _lib.rollout_deployment_kind(d) != Kind.APPLICATION:
            raise NotFound("Application not found",
                           _native.ROLLOUT_ENOTFOUND)
        return d
    h = engine._handle()
    out = _native.deployment_p()
    try:
        _lib.rollout_engine_find_deployment(byref(out), h, _encode(namespace),
                                            _encode(name))
    except NotFound:
        raise NotFound('deployments.apps "%s" not found' % name,
                       _native.ROLLOUT_ENOTFOUND) from None
    return out


def _replica_set_handle(engine, namespace, deployment, name,
                        application=False):
    d = _deployment_handle(engine, namespace, deployment, application)
    want = _encode(name)
    for i in range(_lib.rollout_deployment_replica_set_count(d)):
        rs = _lib.rollout_deployment_replica_set_at(d, i)
        if _lib.rollout_replica_set_name(rs) == want:
            return rs
    raise NotFound('replicasets.apps "%s" not found' % name,
                   _native.ROLLOUT_ENOTFOUND)


def _is_bcs(deployment_handle):
    return _lib.rollout_deployment_dialect(deployment_handle) == \
        Dialect.BCS


class Deployment(_View):
    """A deployment, found by namespace and name.  With APPLICATION, the
    deployment of kind Kind.APPLICATION that holds the standalone BCS
    application of that namespace and name (Engine.deployments lists
    them; Engine.deployment() does not find them)."""

    __slots__ = ("namespace", "name", "_application")

    def __init__(self, engine, namespace, name, *, application=False):
        self._engine = engine
        self._application = bool(application)
        self.namespace = namespace or (_BCS_DEFAULT_NAMESPACE if application
                                       else "default")
        self.name = name

    @classmethod
    def _of(cls, engine, handle):
        return cls(engine, _decode(_lib.rollout_deployment_namespace(handle)),
                   _decode(_lib.rollout_deployment_name(handle)),
                   application=_lib.rollout_deployment_kind(handle) ==
                   Kind.APPLICATION)

    def _key(self):
        return (self.namespace, self.name, self._application)

    def __repr__(self):
        return "<rollout.Deployment %s%s/%s>" % (
            "application " if self._application else "", self.namespace,
            self.name)

    def _handle(self):
        return _deployment_handle(self._engine, self.namespace, self.name,
                                  self._application)

    @property
    def exists(self):
        try:
            self._handle()
        except NotFound:
            return False
        return True

    @property
    def dialect(self):
        return _dialect(_lib.rollout_deployment_dialect(self._handle()))

    @property
    def generation(self):
        return _lib.rollout_deployment_generation(self._handle())

    @property
    def observed_generation(self):
        return _lib.rollout_deployment_observed_generation(self._handle())

    @property
    def created(self):
        return _lib.rollout_deployment_created(self._handle())

    @property
    def revision(self):
        """The number of the revision the deployment runs, 0 if none."""
        return _lib.rollout_deployment_revision(self._handle())

    @property
    def paused(self):
        return bool(_lib.rollout_deployment_paused(self._handle()))

    @property
    def deleting(self):
        return bool(_lib.rollout_deployment_deleting(self._handle()))

    def count(self, which):
        """A Count of the spec or status; -1 for one it does not have."""
        return _lib.rollout_deployment_count(self._handle(), Count(which))

    desired = property(lambda self: self.count(Count.DESIRED),
                       doc="spec.replicas")
    current = property(lambda self: self.count(Count.CURRENT),
                       doc="status.replicas")
    updated = property(lambda self: self.count(Count.UPDATED),
                       doc="status.updatedReplicas")
    ready = property(lambda self: self.count(Count.READY),
                     doc="status.readyReplicas")
    available = property(lambda self: self.count(Count.AVAILABLE),
                         doc="status.availableReplicas")
    unavailable = property(lambda self: self.count(Count.UNAVAILABLE),
                           doc="status.unavailableReplicas")
    running = property(lambda self: self.count(Count.RUNNING),
                       doc="replicas running, ready or not")
    built = property(lambda self: self.count(Count.BUILT),
                     doc="replicas the host accepted, not yet gone")

    # BCS: the deployment record.

    @property
    def kind(self):
        """Kind.DEPLOYMENT, or Kind.APPLICATION for the holder of a
        standalone BCS application."""
        return _kind(_lib.rollout_deployment_kind(self._handle()))

    @property
    def status_name(self):
        """BCS: "Deploying", "Running", "Update", "UpdatePaused",
        "UpdateSuspend" or "Deleting"; None for a Kubernetes deployment and
        for the holder of a standalone application."""
        return _decode(_lib.rollout_deployment_status_name(self._handle()))

    @property
    def message(self):
        """BCS: the deployment's message ("" when none); None for a
        Kubernetes deployment."""
        return _decode(_lib.rollout_deployment_message(self._handle()))

    def _application_view(self, func):
        rs = func(self._handle())
        return ReplicaSet._of(self._engine, self, rs) if rs else None

    @property
    def application(self):
        """BCS: the application (a ReplicaSet) the deployment is bound to;
        None for a Kubernetes deployment."""
        return self._application_view(_lib.rollout_deployment_application)

    @property
    def application_ext(self):
        """BCS: the application an update rolls to; None when no update is
        in flight."""
        return self._application_view(
            _lib.rollout_deployment_application_ext)

    @property
    def constraint(self):
        """BCS: the placement constraint of the definition, parsed from
        JSON; None when it has none."""
        text = _decode(_lib.rollout_deployment_constraint(self._handle()))
        return None if text is None else json.loads(text)

    def record(self):
        """BCS: the deployment record as bcs-client inspect prints it
        ({"data": ...}, indented by two)."""
        raw = c_void_p()
        _lib.rollout_deployment_write_record(byref(raw), self._handle())
        return _native.take_string(raw.value)

    @staticmethod
    def _condition(d, index):
        t, s, r, m = c_char_p(), c_char_p(), c_char_p(), c_char_p()
        upd, trans = c_int64(), c_int64()
        _lib.rollout_deployment_condition_at(
            byref(t), byref(s), byref(r), byref(m), byref(upd), byref(trans),
            d, index)
        return Condition(_decode(t.value), _decode(s.value),
                         _decode(r.value), _decode(m.value), upd.value,
                         trans.value)

    @property
    def conditions(self):
        """The conditions, in the order they were set."""
        d = self._handle()
        return [self._condition(d, i)
                for i in range(_lib.rollout_deployment_condition_count(d))]

    def condition(self, type_):
        """The condition of TYPE ("Available", "Progressing"), or None."""
        d = self._handle()
        index = c_size_t()
        try:
            _lib.rollout_deployment_find_condition(byref(index), d,
                                                   _encode(type_))
        except NotFound:
            return None
        return self._condition(d, index.value)

    def status(self):
        """The rollout status as a RolloutStatus."""
        raw = c_void_p()
        done = c_int()
        try:
            rc = _lib.rollout_status_message(byref(raw), byref(done),
                                             self._handle())
        finally:
            message = _native.take_string(raw.value)
        return RolloutStatus(message, bool(done.value),
                             rc == _native.ROLLOUT_EDEADLINE)

    def status_message(self):
        """The rollout status line as kubectl prints it; raises
        DeadlineExceeded, with kubectl's error text, when the rollout
        exceeded its progress deadline."""
        st = self.status()
        if st.deadline_exceeded:
            raise DeadlineExceeded(st.message, _native.ROLLOUT_EDEADLINE,
                                   "rollout_status_message")
        return st.message

    @property
    def revisions(self):
        """The revisions, by ascending number."""
        d = self._handle()
        return [Revision(self._engine, self.namespace, self.name,
                         _lib.rollout_revision_number(
                             _lib.rollout_deployment_revision_at(d, i)),
                         application=self._application)
                for i in range(_lib.rollout_deployment_revision_count(d))]

    def find_revision(self, number):
        """Revision NUMBER; NotFound when there is none."""
        view = Revision(self._engine, self.namespace, self.name, number,
                        application=self._application)
        view._handle()
        return view

    @property
    def replica_sets(self):
        """The replica sets, oldest first."""
        d = self._handle()
        return [ReplicaSet._of(self._engine, self,
                               _lib.rollout_deployment_replica_set_at(d, i))
                for i in range(_lib.rollout_deployment_replica_set_count(d))]

    def replica_set(self, name):
        """The replica set NAME; NotFound when there is none."""
        rs = _replica_set_handle(self._engine, self.namespace, self.name,
                                 name, self._application)
        return ReplicaSet._of(self._engine, self, rs)

    @property
    def new_replica_set(self):
        """The set whose template is the deployment's, None before it
        exists."""
        rs = _lib.rollout_deployment_new_replica_set(self._handle())
        return ReplicaSet._of(self._engine, self, rs) if rs else None

    def spec(self):
        """A copy of the spec the deployment runs, to change and apply."""
        out = _native.spec_p()
        _lib.rollout_deployment_spec(byref(out), self._handle())
        return Spec._adopt(out)

    def write(self, format="json"):
        """The deployment with its status, as kubectl get deployment -o
        json (or "yaml") prints it."""
        return _write(_lib.rollout_deployment_write, self._handle(), format)


class Revision(_View):
    """A revision of a deployment, found by its number.  An undo gives a
    revision a new number: the view of the old number then finds
    nothing."""

    __slots__ = ("namespace", "deployment_name", "number", "_application")

    def __init__(self, engine, namespace, deployment, number, *,
                 application=False):
        self._engine = engine
        self._application = bool(application)
        self.namespace = namespace or (_BCS_DEFAULT_NAMESPACE if application
                                       else "default")
        self.deployment_name = deployment
        self.number = number

    def _key(self):
        return (self.namespace, self.deployment_name, self.number,
                self._application)

    def __repr__(self):
        return "<rollout.Revision %s/%s %d>" % (
            self.namespace, self.deployment_name, self.number)

    def _handle(self):
        d = _deployment_handle(self._engine, self.namespace,
                               self.deployment_name, self._application)
        out = _native.revision_p()
        try:
            _lib.rollout_deployment_find_revision(byref(out), d, self.number)
        except NotFound:
            raise NotFound("unable to find specified revision %d in history"
                           % self.number, _native.ROLLOUT_ENOTFOUND) from None
        return out

    @property
    def deployment(self):
        return Deployment(self._engine, self.namespace, self.deployment_name,
                          application=self._application)

    @property
    def hash(self):
        """The pod-template-hash."""
        return _decode(_lib.rollout_revision_hash(self._handle()))

    @property
    def change_cause(self):
        return _decode(_lib.rollout_revision_change_cause(self._handle()))

    @property
    def created(self):
        return _lib.rollout_revision_created(self._handle())

    @property
    def template(self):
        """The pod template as canonical JSON text."""
        return _decode(_lib.rollout_revision_template(self._handle()))

    @property
    def template_dict(self):
        """The pod template, parsed."""
        return json.loads(self.template)

    @property
    def replica_set(self):
        rs = _lib.rollout_revision_replica_set(self._handle())
        return ReplicaSet._of(self._engine, self.deployment, rs)

    @property
    def containers(self):
        """The template's containers, as Container records."""
        r = self._handle()
        out = []
        for c in range(_lib.rollout_revision_container_count(r)):
            n = _lib.rollout_revision_container_command_count(r, c)
            command = [_decode(_lib.rollout_revision_container_command(r, c,
                                                                       i))
                       for i in range(n)]
            n = _lib.rollout_revision_container_arg_count(r, c)
            args = [_decode(_lib.rollout_revision_container_arg(r, c, i))
                    for i in range(n)]
            n = _lib.rollout_revision_container_port_count(r, c)
            ports = [_lib.rollout_revision_container_port(r, c, i)
                     for i in range(n)]
            env = {}
            for i in range(_lib.rollout_revision_container_env_count(r, c)):
                value = c_char_p()
                key = _lib.rollout_revision_container_env(byref(value), r, c,
                                                          i)
                env[_decode(key)] = _decode(value.value)
            out.append(Container(
                _decode(_lib.rollout_revision_container_name(r, c)),
                _decode(_lib.rollout_revision_container_image(r, c)),
                command, args, ports, env))
        return out


class ReplicaSet(_View):
    """A replica set of a deployment, found by name.

    With APPLICATION, a BCS application, found by its namespace and name
    whatever holds it: the deployment it is bound to, the one an update
    rolls to, or its own standalone holder (DEPLOYMENT_NAME is then
    None; the deployment property tells the holder of the moment).
    """

    __slots__ = ("namespace", "deployment_name", "name", "_application")

    def __init__(self, engine, namespace, deployment, name, *,
                 application=False):
        self._engine = engine
        self._application = bool(application)
        self.namespace = namespace or (_BCS_DEFAULT_NAMESPACE if application
                                       else "default")
        self.deployment_name = None if application else deployment
        self.name = name

    @classmethod
    def _of(cls, engine, deployment, handle):
        name = _decode(_lib.rollout_replica_set_name(handle))
        if _is_bcs(_lib.rollout_replica_set_deployment(handle)):
            return cls(engine, deployment.namespace, None, name,
                       application=True)
        return cls(engine, deployment.namespace, deployment.name, name)

    def _key(self):
        if self._application:
            return (self.namespace, self.name, True)
        return (self.namespace, self.deployment_name, self.name)

    def __repr__(self):
        return "<rollout.ReplicaSet %s%s/%s>" % (
            "application " if self._application else "", self.namespace,
            self.name)

    def _handle(self):
        if self._application:
            return _application_handle(self._engine, self.namespace,
                                       self.name)
        return _replica_set_handle(self._engine, self.namespace,
                                   self.deployment_name, self.name)

    @property
    def exists(self):
        try:
            self._handle()
        except NotFound:
            return False
        return True

    @property
    def deployment(self):
        if self._application:
            return Deployment._of(self._engine,
                                  _lib.rollout_replica_set_deployment(
                                      self._handle()))
        return Deployment(self._engine, self.namespace, self.deployment_name)

    @property
    def revision(self):
        """The set's Revision (its number changes with an undo)."""
        rs = self._handle()
        d = self.deployment
        return Revision(self._engine, d.namespace, d.name,
                        _lib.rollout_revision_number(
                            _lib.rollout_replica_set_revision(rs)),
                        application=d._application)

    @property
    def created(self):
        return _lib.rollout_replica_set_created(self._handle())

    def count(self, which):
        """A Count of the set; -1 for one it does not have."""
        return _lib.rollout_replica_set_count(self._handle(), Count(which))

    desired = property(lambda self: self.count(Count.DESIRED),
                       doc="spec.replicas; a BCS application's instances")
    current = property(lambda self: self.count(Count.CURRENT))
    ready = property(lambda self: self.count(Count.READY))
    available = property(lambda self: self.count(Count.AVAILABLE))
    running = property(lambda self: self.count(Count.RUNNING),
                       doc="replicas running, ready or not")
    built = property(lambda self: self.count(Count.BUILT),
                     doc="replicas the host accepted, not yet gone")

    @property
    def status_name(self):
        """BCS: the application's STATUS as bcs-client list -t app shows it
        ("Running", "RollingUpdate", "Abnormal"...); None for a Kubernetes
        replica set."""
        return _decode(_lib.rollout_replica_set_status_name(self._handle()))

    @property
    def message(self):
        """BCS: the application's MESSAGE ("" when none); None for a
        Kubernetes replica set."""
        return _decode(_lib.rollout_replica_set_message(self._handle()))

    def annotation(self, key):
        """An annotation's value, None when absent."""
        return _decode(_lib.rollout_replica_set_annotation(self._handle(),
                                                           _encode(key)))

    @property
    def annotations(self):
        """The annotations as a dict, sorted by key."""
        rs = self._handle()
        out = {}
        for i in range(_lib.rollout_replica_set_annotation_count(rs)):
            value = c_char_p()
            key = _lib.rollout_replica_set_annotation_at(byref(value), rs, i)
            out[_decode(key)] = _decode(value.value)
        return out

    def write(self, format="json"):
        """The replica set with its status, as kubectl get replicaset -o
        json (or "yaml") prints it."""
        return _write(_lib.rollout_replica_set_write, self._handle(), format)

    @property
    def replicas(self):
        """Every replica of the set, terminating ones included."""
        rs = self._handle()
        return [Replica(self._engine, _decode(_lib.rollout_replica_name(
                    _lib.rollout_replica_set_replica_at(rs, i))))
                for i in range(_lib.rollout_replica_set_replica_count(rs))]


class Replica(_View):
    """A replica, found by name."""

    __slots__ = ("name",)

    def __init__(self, engine, name):
        self._engine = engine
        self.name = name

    def _key(self):
        return self.name

    def __repr__(self):
        return "<rollout.Replica %s>" % self.name

    def _handle(self):
        h = self._engine._handle()
        out = _native.replica_p()
        try:
            _lib.rollout_engine_find_replica(byref(out), h, _encode(self.name))
        except NotFound:
            raise NotFound('pods "%s" not found' % self.name,
                           _native.ROLLOUT_ENOTFOUND) from None
        return out

    @property
    def exists(self):
        try:
            self._handle()
        except NotFound:
            return False
        return True

    @property
    def phase(self):
        return Phase(_lib.rollout_replica_phase(self._handle()))

    @property
    def index(self):
        """BCS: the taskgroup's index in its application; None for a
        Kubernetes replica."""
        index = _lib.rollout_replica_index(self._handle())
        return None if index < 0 else index

    @property
    def status_name(self):
        """The status as its system shows it: a BCS taskgroup's ("Staging",
        "Running", "Killing"...), or kubectl's STATUS column."""
        return _decode(_lib.rollout_replica_status_name(self._handle()))

    @property
    def reason(self):
        """Why it is pending or failed (a refusal, the host's reason)."""
        return _decode(_lib.rollout_replica_reason(self._handle()))

    @property
    def node(self):
        return _decode(_lib.rollout_replica_node(self._handle()))

    @property
    def created(self):
        return _lib.rollout_replica_created(self._handle())

    @property
    def ready_since(self):
        """When it last became ready; None when it is not ready."""
        t = _lib.rollout_replica_ready_since(self._handle())
        return None if t < 0 else t

    @property
    def available(self):
        """Whether it has been ready for minReadySeconds."""
        return bool(_lib.rollout_replica_available(self._handle()))

    @property
    def deployment(self):
        return Deployment._of(self._engine,
                              _lib.rollout_replica_deployment(self._handle()))

    @property
    def replica_set(self):
        r = self._handle()
        d = Deployment._of(self._engine, _lib.rollout_replica_deployment(r))
        return ReplicaSet._of(self._engine, d,
                              _lib.rollout_replica_replica_set(r))

    @property
    def revision(self):
        r = self._handle()
        d = Deployment._of(self._engine, _lib.rollout_replica_deployment(r))
        return Revision(self._engine, d.namespace, d.name,
                        _lib.rollout_revision_number(
                            _lib.rollout_replica_revision(r)),
                        application=d._application)

    @property
    def host_data(self):
        """The host's pointer kept with the replica, as an int (None for
        NULL).  For hosts that share replicas with C code; a Python host
        keeps its own data by replica name."""
        return _lib.rollout_replica_host_data(self._handle())

    @host_data.setter
    def host_data(self, value):
        _lib.rollout_replica_bind_host_data(self._handle(), value)


# Specs.

def _intstr(value):
    if value is None or isinstance(value, str):
        return _encode(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("an int or a string such as '25%%' is expected, "
                        "not %r" % (value,))
    return str(value).encode()


class Spec:
    """A deployment spec built in code, with the dialect's defaults
    (Kubernetes: 1 replica, RollingUpdate with 25% surge and 25%
    unavailable, minReadySeconds 0, progressDeadlineSeconds 600,
    revisionHistoryLimit 10).  Values are checked when the spec is
    applied.

    Keyword arguments set fields as the methods of the same names do:
    labels, annotations, selector, template_labels and
    template_annotations take dicts; replicas, strategy, max_surge,
    max_unavailable, min_ready_seconds, progress_deadline_seconds,
    revision_history_limit and paused take values.
    """

    _FIELDS = ("replicas", "strategy", "max_surge", "max_unavailable",
               "min_ready_seconds", "progress_deadline_seconds",
               "revision_history_limit", "paused")
    _MAPS = {"labels": "set_label", "annotations": "set_annotation",
             "selector": "set_selector",
             "template_labels": "set_template_label",
             "template_annotations": "set_template_annotation"}

    def __init__(self, name, namespace=None, *, dialect=Dialect.KUBERNETES,
                 **fields):
        self._ptr = None
        out = _native.spec_p()
        _lib.rollout_spec_new(byref(out), Dialect(dialect), _encode(namespace),
                              _encode(name))
        self._ptr = out
        self.update(**fields)

    @classmethod
    def _adopt(cls, ptr):
        spec = cls.__new__(cls)
        spec._ptr = ptr
        return spec

    @classmethod
    def parse(cls, text, source=None, dialect=None):
        """The spec of the manifest TEXT (str or bytes), which must hold
        exactly one document.  SOURCE names it in messages; DIALECT (None:
        any) refuses documents of another dialect.  Raises ParseError."""
        data = _manifest_bytes(text)
        out = _native.spec_p()
        _native.parse_call(_lib.rollout_spec_parse, byref(out), data,
                           len(data), _encode(source), _dialect_arg(dialect))
        return cls._adopt(out)

    @classmethod
    def from_file(cls, path, dialect=None):
        """The spec of the manifest file at PATH, which must hold exactly
        one document, as parse() reads it.  Raises ParseError, also when
        the file cannot be read."""
        manifest = Manifest.from_file(path, dialect)
        if len(manifest) != 1:
            # the error rollout_spec_parse() gives
            source = os.fsencode(path)
            err = _native.rollout_parse_error(
                line=1, column=1, position=0,
                source=source[:_native.ROLLOUT_PARSE_SOURCE_LENGTH - 1],
                path=b"", text=b"expected one document, found %d"
                % len(manifest))
            raise ParseError.from_struct(err)
        return manifest[0]

    def update(self, **fields):
        """Sets the fields named by keyword (see the class); returns
        self."""
        for key, value in fields.items():
            if key in self._MAPS:
                setter = getattr(self, self._MAPS[key])
                for k, v in value.items():
                    setter(k, v)
            elif key in self._FIELDS:
                getattr(self, "set_" + key)(value)
            else:
                raise TypeError("Spec has no field %r" % key)
        return self

    def close(self):
        ptr, self._ptr = self._ptr, None
        if ptr is not None:
            _lib.rollout_spec_free(ptr)

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _handle(self):
        if self._ptr is None:
            raise StateError("the spec is closed", _native.ROLLOUT_ESTATE)
        return self._ptr

    def copy(self):
        out = _native.spec_p()
        _lib.rollout_spec_dup(byref(out), self._handle())
        return Spec._adopt(out)

    __copy__ = copy

    def __repr__(self):
        if self._ptr is None:
            return "<rollout.Spec closed>"
        return "<rollout.Spec %s/%s>" % (self.namespace, self.name)

    # What the C API reads back.

    @property
    def dialect(self):
        return _dialect(_lib.rollout_spec_dialect(self._handle()))

    @property
    def kind(self):
        """A Kind: APPLICATION for a BCS application, else DEPLOYMENT."""
        return _kind(_lib.rollout_spec_kind(self._handle()))

    def write(self, format="json"):
        """The spec as the manifest it stands for, in FORMAT ("json",
        "yaml" or a Format).  A spec read from a manifest is written from
        its document, so fields the library does not interpret come back
        as they were."""
        return _write(_lib.rollout_spec_write, self._handle(), format)

    @property
    def namespace(self):
        return _decode(_lib.rollout_spec_namespace(self._handle()))

    @property
    def name(self):
        return _decode(_lib.rollout_spec_name(self._handle()))

    @property
    def replicas(self):
        return _lib.rollout_spec_replicas(self._handle())

    @replicas.setter
    def replicas(self, value):
        self.set_replicas(value)

    # Deployment metadata and spec; a None value removes a key.

    def set_label(self, key, value):
        _lib.rollout_spec_set_label(self._handle(), _encode(key),
                                    _encode(value))
        return self

    def set_annotation(self, key, value):
        _lib.rollout_spec_set_annotation(self._handle(), _encode(key),
                                         _encode(value))
        return self

    def set_selector(self, key, value):
        """A selector.matchLabels entry."""
        _lib.rollout_spec_set_selector(self._handle(), _encode(key),
                                       _encode(value))
        return self

    def set_replicas(self, replicas):
        _lib.rollout_spec_set_replicas(self._handle(), replicas)
        return self

    def set_strategy(self, strategy):
        """A Strategy, or "RollingUpdate" / "Recreate"."""
        _lib.rollout_spec_set_strategy(
            self._handle(), _named(Strategy, _STRATEGY_NAMES, strategy,
                                   "strategy"))
        return self

    def set_max_surge(self, value):
        """An int, a percentage string ("25%"), or None for the
        default."""
        _lib.rollout_spec_set_max_surge(self._handle(), _intstr(value))
        return self

    def set_max_unavailable(self, value):
        """An int, a percentage string ("25%"), or None for the
        default."""
        _lib.rollout_spec_set_max_unavailable(self._handle(), _intstr(value))
        return self

    def set_min_ready_seconds(self, seconds):
        _lib.rollout_spec_set_min_ready_seconds(self._handle(), seconds)
        return self

    def set_progress_deadline_seconds(self, seconds):
        """None (or 2**31 - 1) means no deadline."""
        if seconds is None:
            seconds = (1 << 31) - 1
        _lib.rollout_spec_set_progress_deadline_seconds(self._handle(),
                                                        seconds)
        return self

    def set_revision_history_limit(self, limit):
        _lib.rollout_spec_set_revision_history_limit(self._handle(), limit)
        return self

    def set_paused(self, paused=True):
        _lib.rollout_spec_set_paused(self._handle(), 1 if paused else 0)
        return self

    # The pod template.

    def set_template_label(self, key, value):
        _lib.rollout_spec_set_template_label(self._handle(), _encode(key),
                                             _encode(value))
        return self

    def set_template_annotation(self, key, value):
        _lib.rollout_spec_set_template_annotation(self._handle(),
                                                  _encode(key),
                                                  _encode(value))
        return self

    def add_container(self, name, image, *, command=(), args=(), ports=(),
                      env=None, resources=None, probes=None):
        """Appends a container and returns its ContainerSpec.

        PORTS holds ints or (port, name, protocol) tuples; ENV a dict;
        RESOURCES {"limits": {"cpu": "500m"}, "requests": {...}}; PROBES
        {ProbeKind or "readiness"...: dict of set_probe() arguments}.
        """
        index = c_size_t()
        _lib.rollout_spec_add_container(byref(index), self._handle(),
                                        _encode(name), _encode(image))
        container = ContainerSpec(self, index.value)
        container.add_command(*command)
        container.add_arg(*args)
        for port in ports:
            if isinstance(port, int):
                container.add_port(port)
            else:
                container.add_port(*port)
        for key, value in (env or {}).items():
            container.set_env(key, value)
        for kind, quantities in (resources or {}).items():
            for resource, quantity in quantities.items():
                container.set_resource(kind, resource, quantity)
        for kind, options in (probes or {}).items():
            container.set_probe(kind, **options)
        return container

    def container(self, name):
        """The ContainerSpec named NAME; NotFound when there is none."""
        index = c_size_t()
        try:
            _lib.rollout_spec_find_container(byref(index), self._handle(),
                                             _encode(name))
        except NotFound:
            raise NotFound("container %r not found" % (name,),
                           _native.ROLLOUT_ENOTFOUND) from None
        return ContainerSpec(self, index.value)


class ContainerSpec:
    """A container of a Spec's template, by position.  Methods return self
    so that calls chain."""

    __slots__ = ("spec", "index")

    def __init__(self, spec, index):
        self.spec = spec
        self.index = index

    def __repr__(self):
        return "<rollout.ContainerSpec %d of %r>" % (self.index, self.spec)

    def _h(self):
        return self.spec._handle()

    def set_image(self, image):
        _lib.rollout_spec_container_set_image(self._h(), self.index,
                                              _encode(image))
        return self

    def add_command(self, *words):
        for word in words:
            _lib.rollout_spec_container_add_command(self._h(), self.index,
                                                    _encode(word))
        return self

    def add_arg(self, *args):
        for arg in args:
            _lib.rollout_spec_container_add_arg(self._h(), self.index,
                                                _encode(arg))
        return self

    def add_port(self, port, name=None, protocol=None):
        _lib.rollout_spec_container_add_port(self._h(), self.index,
                                             _encode(name), port,
                                             _encode(protocol))
        return self

    def set_env(self, name, value):
        """Sets (or with None removes) an environment variable."""
        _lib.rollout_spec_container_set_env(self._h(), self.index,
                                            _encode(name), _encode(value))
        return self

    def set_resource(self, kind, resource, quantity):
        """KIND "limits" or "requests", RESOURCE e.g. "cpu", QUANTITY e.g.
        "500m" (None removes it)."""
        _lib.rollout_spec_container_set_resource(
            self._h(), self.index, _encode(kind), _encode(resource),
            _encode(quantity))
        return self

    def set_probe(self, kind, action, *, path=None, port=0, host=None,
                  scheme=None, command=None, initial_delay_seconds=0,
                  period_seconds=0, timeout_seconds=0, success_threshold=0,
                  failure_threshold=0):
        """Sets the probe of KIND (a ProbeKind or "readiness", "liveness",
        "startup"); ACTION is a ProbeAction or "httpGet", "tcpSocket",
        "exec".  Values left 0 or None are not written."""
        kind = _named(ProbeKind, _PROBE_KIND_NAMES, kind, "probe kind")
        opts = _native.rollout_probe_options()
        _lib.rollout_probe_options_init(byref(opts),
                                        _native.ROLLOUT_PROBE_OPTIONS_VERSION)
        opts.action = _named(ProbeAction, _PROBE_ACTION_NAMES, action,
                             "probe action")
        # the structure keeps the encoded strings alive
        opts.path = _encode(path)
        opts.host = _encode(host)
        opts.scheme = _encode(scheme)
        opts.port = port
        words = None
        if command is not None:
            words = (c_char_p * len(command))(*[_encode(w) for w in command])
            opts.command = ctypes.cast(words, ctypes.POINTER(c_char_p))
            opts.command_len = len(command)
        opts.initial_delay_seconds = initial_delay_seconds
        opts.period_seconds = period_seconds
        opts.timeout_seconds = timeout_seconds
        opts.success_threshold = success_threshold
        opts.failure_threshold = failure_threshold
        _lib.rollout_spec_container_set_probe(self._h(), self.index, kind,
                                              byref(opts))
        del words
        return self

    def remove_probe(self, kind):
        kind = _named(ProbeKind, _PROBE_KIND_NAMES, kind, "probe kind")
        _lib.rollout_spec_container_set_probe(self._h(), self.index, kind,
                                              None)
        return self


# Manifests.

class Manifest(collections.abc.Sequence):
    """The documents of a manifest, read into Specs: Kubernetes apps/v1
    Deployments in YAML or JSON (multi-document streams, Lists), BCS v4
    deployments and applications in JSON.

    Manifest(TEXT, source=None, dialect=None) reads TEXT (str or bytes);
    Manifest.from_file(PATH) reads a file.  SOURCE names the input in
    messages; DIALECT (a Dialect, None: any) refuses documents of another
    dialect.  A refused input raises ParseError, which says where and
    why; nothing is read then.

    A Manifest is a sequence of Specs, in the order of the input.  They
    are the Manifest's own copies, which live as long as they are used:
    change them, apply them, keep them after the Manifest has gone.
    """

    def __init__(self, text, source=None, dialect=None):
        data = _manifest_bytes(text)
        ptr = _native.manifest_p()
        _native.parse_call(_lib.rollout_manifest_parse, byref(ptr), data,
                           len(data), _encode(source), _dialect_arg(dialect))
        self.source = source
        self._specs = self._take(ptr)

    @classmethod
    def from_file(cls, path, dialect=None):
        """The manifest in the file at PATH, which names it in messages."""
        ptr = _native.manifest_p()
        _native.parse_call(_lib.rollout_manifest_parse_file, byref(ptr),
                           os.fsencode(path), _dialect_arg(dialect))
        manifest = cls.__new__(cls)
        manifest.source = os.fspath(path)
        manifest._specs = cls._take(ptr)
        return manifest

    @staticmethod
    def _take(ptr):
        """Copies of the specs of the C manifest PTR, which it frees."""
        specs = []
        try:
            for i in range(_lib.rollout_manifest_count(ptr)):
                out = _native.spec_p()
                _lib.rollout_spec_dup(byref(out),
                                      _lib.rollout_manifest_spec(ptr, i))
                specs.append(Spec._adopt(out))
        finally:
            _lib.rollout_manifest_free(ptr)
        return specs

    def __len__(self):
        return len(self._specs)

    def __getitem__(self, index):
        return self._specs[index]

    def __iter__(self):
        return iter(self._specs)

    def __repr__(self):
        return "<rollout.Manifest %s: %d specs>" % (
            self.source if self.source is not None else "<input>",
            len(self._specs))


# The simulator, which hosts an Engine.
from .sim import (Node, SimAction, SimFault, SimOutcome,  # noqa: E402
                  SimSummary, Simulator)
