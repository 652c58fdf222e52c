"""The simulator: a simulated cluster that hosts an engine (rollout_sim).

    import rollout

    sim = rollout.Simulator(start_delay_ms=2000, ready_delay_ms=1000)
    for i in range(3):
        sim.add_node("node%d" % i, cpu=4, memory_mb=8192)
    sim.engine.apply(spec)                  # the engine's own API
    sim.run_until_idle(sim.now + 3600000)   # rollout.SimOutcome.IDLE
    print(sim.summary("default", "web"))
    for time, text in sim.timeline:
        print(time, text)

The simulator owns the engine and answers its callbacks: apply specs and
run operations through sim.engine, which needs no callables of the
program's, and drive time through the simulator.
"""

import collections
import dataclasses
import enum
import weakref
from ctypes import byref, c_char_p, c_double, c_int64, c_size_t, c_void_p

from . import _native
from ._native import InvalidArgument, NotFound, RolloutError

_lib = _native.lib
_encode = _native.encode
_decode = _native.decode


class SimFault(enum.IntEnum):
    """What the replicas of an image do (rollout_sim_fault)."""

    HEALTHY = 0
    NEVER_READY = 1
    CRASH = 2


class SimAction(enum.IntEnum):
    """What steering by hand does to replicas (rollout_sim_action)."""

    READY = 1
    FAIL = 2
    KILL = 3


class SimOutcome(enum.IntEnum):
    """Where run_until_idle() stopped (rollout_sim_outcome)."""

    IDLE = 0
    LIMIT = 1
    STALLED = 2


_FAULT_NAMES = {"healthy": SimFault.HEALTHY,
                "never-ready": SimFault.NEVER_READY,
                "crash": SimFault.CRASH}
_ACTION_NAMES = {"ready": SimAction.READY, "fail": SimAction.FAIL,
                 "kill": SimAction.KILL}

Node = collections.namedtuple(
    "Node", "name cpu_used cpu_free memory_used_mb memory_free_mb attributes")
Node.__doc__ = ("A node of the simulated cluster: its cpu (cores) and "
                "memory (MiB) in use and free, and its attributes as a "
                "dict, in the order they were set.")


@dataclasses.dataclass(frozen=True)
class SimSummary:
    """A deployment's last rollout in the simulator: when it began (the
    apply that last changed the template) and completed (None while it has
    not), the fewest replicas available (BCS: running) and the most in
    existence (BCS: taskgroups built) on the way, and the number of waves
    (distinct times at which the new revision's replicas were asked
    for)."""

    start_ms: int
    finish_ms: object
    min_available: int
    max_total: int
    waves: int

    @property
    def duration_ms(self):
        """How long it took; None while it has not completed."""
        if self.finish_ms is None:
            return None
        return self.finish_ms - self.start_ms


def _named(enum_cls, names, value, what):
    if isinstance(value, str):
        try:
            return names[value]
        except KeyError:
            pass
    else:
        try:
            return enum_cls(value)
        except ValueError:
            pass
    raise InvalidArgument("unknown %s %r" % (what, value),
                          _native.ROLLOUT_EINVAL)


def _replica_name(replica):
    name = getattr(replica, "name", replica)
    if name is None:
        raise InvalidArgument("no replica name", _native.ROLLOUT_EINVAL)
    return name


class Simulator:
    """A simulated cluster hosting an engine (rollout_sim).

    Keyword arguments are the fields of rollout_sim_options: seed,
    start_delay_min_ms, start_delay_max_ms (or start_delay_ms for both),
    ready_delay_ms, stop_delay_ms, manual, refuse_rate, start_time_ms,
    cluster, no_timeline, backoff_initial_ms, backoff_max_ms.  Times are
    milliseconds on the simulator's clock, since the Unix epoch.
    """

    _OPTIONS = ("seed", "start_delay_min_ms", "start_delay_max_ms",
                "ready_delay_ms", "stop_delay_ms", "manual", "refuse_rate",
                "start_time_ms", "cluster", "no_timeline",
                "backoff_initial_ms", "backoff_max_ms")

    def __init__(self, **options):
        self._ptr = None
        self._engine_ref = None
        opts = _native.rollout_sim_options()
        _lib.rollout_sim_options_init(byref(opts),
                                      _native.ROLLOUT_SIM_OPTIONS_VERSION)
        if "start_delay_ms" in options:
            delay = options.pop("start_delay_ms")
            options.setdefault("start_delay_min_ms", delay)
            options.setdefault("start_delay_max_ms", delay)
        cluster = None
        for key, value in options.items():
            if key not in self._OPTIONS:
                raise TypeError("Simulator has no option %r" % key)
            if key == "cluster":
                # kept alive until the simulator has copied it
                cluster = _encode(value)
                opts.cluster = cluster
            elif key in ("manual", "no_timeline"):
                setattr(opts, key, 1 if value else 0)
            elif key == "refuse_rate":
                opts.refuse_rate = float(value)
            else:
                setattr(opts, key, int(value))
        ptr = _native.sim_p()
        _lib.rollout_sim_new(byref(ptr), byref(opts))
        del cluster
        self._adopt_handle(ptr)

    def _adopt_handle(self, ptr):
        self._ptr = ptr
        _native.live_sims.add(_native.address(ptr))

    @classmethod
    def restore(cls, state):
        """A new simulator, with a new engine, from STATE (a str or bytes
        from save()); it goes on exactly as the saved one would have."""
        data = _encode(state)
        if data is None:
            raise InvalidArgument("no saved state", _native.ROLLOUT_EINVAL)
        out = _native.sim_p()
        try:
            _lib.rollout_sim_restore(byref(out), data, len(data))
        except RolloutError as exc:
            # the simulator handed back on failure carries the message
            message = exc.message
            if out:
                message = _decode(_lib.rollout_sim_errmsg(out)) or message
                _lib.rollout_sim_free(out)
            raise type(exc)(message, exc.code,
                            "rollout_sim_restore") from None
        sim = cls.__new__(cls)
        sim._ptr = None
        sim._engine_ref = None
        sim._adopt_handle(out)
        return sim

    # Life.

    def close(self):
        """Frees the simulator and its engine; the engine and the views of
        its objects raise EngineClosed from then on."""
        ptr, self._ptr = self._ptr, None
        if ptr is None:
            return
        engine = self._engine_ref() if self._engine_ref else None
        if engine is not None:
            engine._release()
        _native.live_sims.discard(_native.address(ptr))
        _lib.rollout_sim_free(ptr)

    @property
    def closed(self):
        return self._ptr is None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass  # at interpreter exit the modules may be gone

    def __repr__(self):
        if self._ptr is None:
            return "<rollout.Simulator closed>"
        return "<rollout.Simulator at %d ms, %d nodes>" % (
            self.now, _lib.rollout_sim_node_count(self._ptr))

    def _handle(self):
        if self._ptr is None:
            raise _native.EngineClosed("the simulator is closed",
                                       _native.ROLLOUT_ESTATE)
        return self._ptr

    @property
    def engine(self):
        """The engine the simulator hosts, as a rollout.Engine: apply specs
        and run operations through it, read its deployments.  Its views
        keep the simulator alive.  It is driven by the simulator: tick(),
        report(), report_node(), restore() and set_backoff() raise
        StateError."""
        from . import Engine  # the package imports this module at its end

        engine = self._engine_ref() if self._engine_ref else None
        if engine is None:
            engine = Engine._hosted(_lib.rollout_sim_engine(self._handle()),
                                    self)
            self._engine_ref = weakref.ref(engine)
        return engine

    @property
    def now(self):
        """The clock, in milliseconds."""
        return _lib.rollout_sim_now(self._handle())

    @property
    def errmsg(self):
        """The message of the simulator's last error; "" when there was
        none."""
        return _decode(_lib.rollout_sim_errmsg(self._handle()))

    # Nodes.

    def add_node(self, name, cpu, memory_mb, attributes=None):
        """Adds a node with CPU cores and MEMORY_MB MiB; it has the
        attributes hostname and InnerIP of its own, and those of the dict
        ATTRIBUTES."""
        h = self._handle()
        _lib.rollout_sim_add_node(h, _encode(name), float(cpu),
                                  float(memory_mb))
        for key, value in (attributes or {}).items():
            self.set_node_attribute(name, key, value)

    def set_node_attribute(self, node, key, value):
        """Sets an attribute (a str, or a number for scalars); None removes
        it."""
        if value is not None and not isinstance(value, (str, bytes)):
            value = str(value)
        _lib.rollout_sim_set_node_attribute(self._handle(), _encode(node),
                                            _encode(key), _encode(value))

    def lose_node(self, node):
        """The node disappears with its replicas: each is reported lost,
        and gone once the engine asks for its deletion."""
        _lib.rollout_sim_lose_node(self._handle(), _encode(node))

    def node(self, name):
        """The Node NAME; NotFound when there is none."""
        h = self._handle()
        used, free, mused, mfree = c_double(), c_double(), c_double(), \
            c_double()
        try:
            _lib.rollout_sim_node_usage(byref(used), byref(free),
                                        byref(mused), byref(mfree), h,
                                        _encode(name))
        except NotFound:
            raise NotFound("node %s not found" % (name,),
                           _native.ROLLOUT_ENOTFOUND) from None
        attributes = {}
        value = c_char_p()
        for i in range(_lib.rollout_sim_node_attribute_count(
                h, _encode(name))):
            key = _lib.rollout_sim_node_attribute_at(byref(value), h,
                                                     _encode(name), i)
            attributes[_decode(key)] = _decode(value.value)
        return Node(name, used.value, free.value, mused.value, mfree.value,
                    attributes)

    @property
    def nodes(self):
        """Every Node, in the order they were added."""
        h = self._handle()
        names = [_decode(_lib.rollout_sim_node_name(h, i))
                 for i in range(_lib.rollout_sim_node_count(h))]
        return [self.node(name) for name in names]

    # Faults and steering.

    def set_image_fault(self, image, fault, after_ms=0):
        """FAULT (a SimFault, or "healthy", "never-ready", "crash") for the
        replicas of IMAGE that start running from now on; a crash comes
        AFTER_MS after running."""
        fault = _named(SimFault, _FAULT_NAMES, fault, "fault")
        _lib.rollout_sim_set_image_fault(self._handle(), _encode(image),
                                         fault, int(after_ms))

    def replica_ready(self, replica):
        """Makes REPLICA (a name or a Replica view) ready, by hand."""
        _lib.rollout_sim_replica_ready(self._handle(),
                                       _encode(_replica_name(replica)))

    def replica_fail(self, replica):
        """Makes REPLICA fail: the engine replaces it."""
        _lib.rollout_sim_replica_fail(self._handle(),
                                      _encode(_replica_name(replica)))

    def replica_kill(self, replica):
        """Makes REPLICA vanish: it is gone at once."""
        _lib.rollout_sim_replica_kill(self._handle(),
                                      _encode(_replica_name(replica)))

    def steer(self, action, replica_set=None, count=0):
        """ACTION (a SimAction, or "ready", "fail", "kill") for the
        replicas it applies to, of REPLICA_SET (a name; None: of any), by
        name, at most COUNT of them (0: all).  Returns how many."""
        action = _named(SimAction, _ACTION_NAMES, action, "action")
        if count < 0:
            raise InvalidArgument("a count is not negative",
                                  _native.ROLLOUT_EINVAL)
        steered = c_size_t()
        _lib.rollout_sim_steer(byref(steered), self._handle(), action,
                               _encode(getattr(replica_set, "name",
                                               replica_set)), count)
        return steered.value

    # Time.

    def run_until(self, time_ms):
        """Runs the simulator's events and the engine's ticks, in time
        order, up to TIME_MS, where the clock stops."""
        _lib.rollout_sim_run_until(self._handle(), int(time_ms))

    def advance(self, ms):
        """run_until(now + MS)."""
        _lib.rollout_sim_advance(self._handle(), int(ms))

    def run_until_idle(self, limit_ms):
        """Runs until nothing is due and every deployment has settled, but
        not past LIMIT_MS (a time on the clock).  Returns a SimOutcome."""
        return SimOutcome(_lib.rollout_sim_run_until_idle(self._handle(),
                                                          int(limit_ms)))

    # Output.

    @property
    def timeline(self):
        """Every line of the timeline, as (time_ms, text) tuples."""
        h = self._handle()
        time, text = c_int64(), c_char_p()
        lines = []
        for i in range(_lib.rollout_sim_timeline_count(h)):
            _lib.rollout_sim_timeline_at(byref(time), byref(text), h, i)
            lines.append((time.value, _decode(text.value)))
        return lines

    def summary(self, namespace, name):
        """The SimSummary of the last rollout of NAMESPACE/NAME (None:
        "default"); NotFound when the simulator knows no such
        deployment."""
        out = _native.rollout_sim_summary()
        _lib.rollout_sim_summary_init(byref(out),
                                      _native.ROLLOUT_SIM_SUMMARY_VERSION)
        try:
            _lib.rollout_sim_summary_get(byref(out), self._handle(),
                                         _encode(namespace), _encode(name))
        except NotFound:
            raise NotFound("no rollout of %s/%s" % (namespace or "default",
                                                    name),
                           _native.ROLLOUT_ENOTFOUND) from None
        return SimSummary(out.start_ms,
                          None if out.finish_ms < 0 else out.finish_ms,
                          out.min_available, out.max_total, out.waves)

    # Persistence.

    def save(self):
        """The whole state, the engine's included, as a JSON string."""
        raw = c_void_p()
        _lib.rollout_sim_save(byref(raw), self._handle())
        return _native.take_string(raw.value)


__all__ = ["Node", "SimAction", "SimFault", "SimOutcome", "SimSummary",
           "Simulator"]
