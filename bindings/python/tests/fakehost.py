# A fake host for the tests, as tests/fakehost.c is for the C ones: a
# manual clock, a log of every callback, and replicas that move only when
# a test says so.

import rollout

SEED_TIME = 1562517092000  # 2019-07-08, as the seed


class FakeHost:
    def __init__(self, event=True, timer=True):
        self.now = SEED_TIME
        # one line per callback: "create NAME", "delete NAME",
        # "event TYPE REASON MESSAGE", "timer MS"
        self.log = []
        self.gone_on_delete = True
        self.refuse_creates = 0
        self.refusal = "have not enough resources"
        self.timer_ms = None
        self.create_hook = None
        self.engine = rollout.Engine(
            self.clock, self.create, self.delete,
            event=self.event if event else None,
            timer=self.timer if timer else None)

    # callbacks

    def clock(self):
        return self.now

    def create(self, replica):
        if self.create_hook is not None:
            self.create_hook(replica)
        if self.refuse_creates > 0:
            self.refuse_creates -= 1
            self.log.append("refuse " + replica.name)
            return self.refusal
        self.log.append("create " + replica.name)
        return None

    def delete(self, replica):
        self.log.append("delete " + replica.name)
        if self.gone_on_delete:
            # a report from inside a callback is allowed
            self.engine.report(replica.name, rollout.Phase.GONE)
        return True

    def event(self, ev):
        self.log.append("event %s %s %s" % (ev.type, ev.reason, ev.message))

    def timer(self, ms):
        self.timer_ms = ms
        self.log.append("timer %d" % ms)

    # driving

    def tick(self):
        self.engine.tick()

    def advance(self, ms):
        self.now += ms
        self.engine.tick()

    def report_rs(self, rs_name, from_phase, phase, count):
        """Reports PHASE for the first COUNT replicas of set RS_NAME (by
        name order) that are in FROM_PHASE; returns how many."""
        for d in self.engine.deployments:
            for rs in d.replica_sets:
                if rs.name != rs_name:
                    continue
                names = sorted(r.name for r in rs.replicas
                               if r.phase == from_phase)[:count]
                for name in names:
                    self.engine.report(name, phase)
                return len(names)
        return 0

    def reap(self):
        """Reports GONE for every terminating replica (by name order), as
        a host does once the deletions it was asked for are done; returns
        how many."""
        names = sorted(r.name for d in self.engine.deployments
                       for rs in d.replica_sets for r in rs.replicas
                       if r.phase == rollout.Phase.TERMINATING)
        for name in names:
            self.engine.report(name, rollout.Phase.GONE)
        return len(names)

    def sets(self, ns, name):
        """"rN=DESIRED/CURRENT/READY/AVAILABLE ..." per revision N."""
        d = self.engine.deployment(ns, name)
        out = []
        for rev in d.revisions:
            rs = rev.replica_set
            out.append("r%d=%d/%d/%d/%d" % (rev.number, rs.desired, rs.current,
                                            rs.ready, rs.available))
        return " ".join(out)

    def status(self, ns, name):
        st = self.engine.deployment(ns, name).status()
        return ("error: " if st.deadline_exceeded else "") + st.message

    def rs_of_revision(self, ns, name, rev):
        d = self.engine.deployment(ns, name)
        return d.find_revision(rev).replica_set.name

    def log_count(self, since, prefix):
        return sum(1 for line in self.log[since:] if line.startswith(prefix))


def seed_spec(name, replicas, image, port):
    """A Kubernetes spec like the seed's: NAME with REPLICAS of IMAGE."""
    spec = rollout.Spec(name, labels={"app": name}, replicas=replicas,
                        strategy="RollingUpdate", max_surge=1,
                        max_unavailable=1, selector={"app": name},
                        template_labels={"app": name})
    args = ["-m", "SimpleHTTPServer"]
    if port != 8000:
        args.append(str(port))
    spec.add_container(name, image, command=["python"], args=args,
                       ports=[port])
    return spec
