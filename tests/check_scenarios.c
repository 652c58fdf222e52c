/*
 * Scenario tests of the Kubernetes dialect through the public API, on the
 * fake host: rolling updates with percentages, Recreate, proportional
 * scaling, minReadySeconds, progress deadlines, the host's misbehaviour,
 * revision history, the kubectl operations, events, and the order in
 * which replicas are chosen for deletion.  The fake host checks the
 * invariants after every tick (sum of spec <= replicas + maxSurge; no
 * ready replica deleted below the availability floor unless scaling).
 *
 * Every number asserted follows from spec/kubernetes.md and the upstream
 * controller (pkg/controller/deployment, v1.28); the comments derive the
 * ones that are not obvious.  Sizes read "rN=DESIRED/CURRENT/READY/
 * AVAILABLE" per revision N (fh_sets()).
 */
#include <check.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakehost.h"

#define NS "default"

static fakehost *fh;

static void setup(void)
{
    fh = fh_new();
    fh->watch_ns = NS;
    fh->watch_name = "test";
    fh->max_total = 4;
    fh->min_available = 2;
}

static void teardown(void)
{
    fh_free(fh);
    fh = NULL;
}

/* Helpers. */

#define assert_sets(want)                                                    \
    do {                                                                     \
        char *got_ = fh_sets(fh, NS, "test");                                \
        ck_assert_str_eq(got_, want);                                        \
        free(got_);                                                          \
    } while (0)

#define assert_status(want) ck_assert_str_eq(fh_status(fh, NS, "test"), want)

static void limits(int32_t max_total, int32_t min_available)
{
    fh->max_total = max_total;
    fh->min_available = min_available;
}

static void tick(void)
{
    ck_assert_int_eq(fh_tick(fh), 0);
}

static void advance(int64_t ms)
{
    ck_assert_int_eq(fh_advance(fh, ms), 0);
}

static int64_t next_deadline(void)
{
    int64_t t = -2;

    ck_assert_int_eq(rollout_engine_next_deadline(&t, fh->e), 0);
    return t;
}

/* The seed's spec for "test" (one container, port 8000) with the given
 * size, image and fenceposts (NULL: the default 25%). */
static rollout_spec *spec_rolling(int32_t replicas, const char *image,
                                  const char *surge, const char *unavailable)
{
    rollout_spec *s = fh_seed_spec("test", replicas, image, 8000);

    ck_assert_int_eq(rollout_spec_set_max_surge(s, surge), 0);
    ck_assert_int_eq(rollout_spec_set_max_unavailable(s, unavailable), 0);
    return s;
}

static rollout_spec *spec_recreate(int32_t replicas, const char *image)
{
    rollout_spec *s = spec_rolling(replicas, image, NULL, NULL);

    ck_assert_int_eq(rollout_spec_set_strategy(s, ROLLOUT_STRATEGY_RECREATE), 0);
    return s;
}

static void apply(rollout_spec *s, int want_outcome)
{
    int outcome = 0;

    ck_assert_int_eq(rollout_engine_apply(&outcome, fh->e, s), 0);
    ck_assert_int_eq(outcome, want_outcome);
    rollout_spec_free(s);
}

static rollout_deployment *deployment(void)
{
    rollout_deployment *d;

    ck_assert_int_eq(rollout_engine_find_deployment(&d, fh->e, NS, "test"), 0);
    return d;
}

static rollout_spec *current_spec(void)
{
    rollout_spec *s;

    ck_assert_int_eq(rollout_deployment_spec(&s, deployment()), 0);
    return s;
}

/* Applies the running spec with IMAGE. */
static void set_image(const char *image)
{
    rollout_spec *s = current_spec();
    size_t c;

    ck_assert_int_eq(rollout_spec_find_container(&c, s, "test"), 0);
    ck_assert_int_eq(rollout_spec_container_set_image(s, c, image), 0);
    apply(s, ROLLOUT_APPLY_CONFIGURED);
}

static const char *rs_name(int64_t rev)
{
    return fh_rs_of_revision(fh, NS, "test", rev);
}

static rollout_replica_set *rs_of(int64_t rev)
{
    rollout_revision *r;

    ck_assert_int_eq(rollout_deployment_find_revision(&r, deployment(), rev), 0);
    return rollout_revision_replica_set(r);
}

static const char *annotation(int64_t rev, const char *key)
{
    return rollout_replica_set_annotation(rs_of(rev), key);
}

#define assert_annotations(rev, desired, max)                                \
    do {                                                                     \
        ck_assert_str_eq(annotation(rev, "deployment.kubernetes.io/"         \
                                         "desired-replicas"), desired);      \
        ck_assert_str_eq(annotation(rev, "deployment.kubernetes.io/"         \
                                         "max-replicas"), max);              \
    } while (0)

/* Reports COUNT replicas of revision REV (by name order) that are in
 * phase FROM as PHASE, then ticks. */
static void report_rev(int64_t rev, rollout_phase from, rollout_phase phase,
                       int count)
{
    ck_assert_int_eq(fh_report_rs(fh, rs_name(rev), from, phase, count), count);
    tick();
}

static void ready(int64_t rev, int count)
{
    report_rev(rev, ROLLOUT_PHASE_PENDING, ROLLOUT_PHASE_READY, count);
}

static void report(const char *name, rollout_phase phase)
{
    ck_assert_int_eq(rollout_engine_report(fh->e, name, phase, NULL), 0);
}

/* Every replica of the deployment that is not ready becomes ready; ticks
 * until the rollout is complete. */
static void finish(void)
{
    int i;

    for (i = 0; i < 50; i++) {
        rollout_deployment *d = deployment();
        char *msg = NULL;
        int done = 0;
        size_t j, k;

        ck_assert_int_eq(rollout_status_message(&msg, &done, d), 0);
        rollout_free(msg);
        if (done)
            return;
        for (j = 0; j < rollout_deployment_replica_set_count(d); j++) {
            rollout_replica_set *rs = rollout_deployment_replica_set_at(d, j);

            for (k = 0; k < rollout_replica_set_replica_count(rs); k++) {
                rollout_replica *r = rollout_replica_set_replica_at(rs, k);
                rollout_phase p = rollout_replica_phase(r);

                if (p == ROLLOUT_PHASE_PENDING || p == ROLLOUT_PHASE_STARTING ||
                    p == ROLLOUT_PHASE_RUNNING)
                    ck_assert_int_eq(rollout_engine_report(
                                         fh->e, rollout_replica_name(r),
                                         ROLLOUT_PHASE_READY, NULL),
                                     0);
            }
        }
        tick();
    }
    ck_abort_msg("the rollout did not finish");
}

/* Applies SPEC as a new deployment and makes every replica ready. */
static void rolled_out(rollout_spec *s)
{
    apply(s, ROLLOUT_APPLY_CREATED);
    tick();
    finish();
    assert_status("deployment \"test\" successfully rolled out");
}

/* The index of the log line equal to the formatted text, from FROM on;
 * -1 when there is none. */
static long log_find(size_t from, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static long log_find(size_t from, const char *fmt, ...)
{
    char want[512];
    va_list ap;
    size_t i;

    va_start(ap, fmt);
    vsnprintf(want, sizeof(want), fmt, ap);
    va_end(ap);
    for (i = from; i < fh->log_len; i++)
        if (strcmp(fh->log[i], want) == 0)
            return (long)i;
    return -1;
}

#define assert_log(pos, from, ...)                                           \
    do {                                                                     \
        pos = log_find(from, __VA_ARGS__);                                   \
        if (pos < 0) {                                                       \
            char *all_ = fh_log_since(fh, from);                             \
            ck_abort_msg("no log line like \"%s\" in:\n%s", #__VA_ARGS__,    \
                         all_);                                              \
        }                                                                    \
    } while (0)

static void assert_cond(const char *type, const char *status,
                        const char *reason, const char *message)
{
    rollout_deployment *d = deployment();
    const char *s, *r, *m;
    size_t i;

    ck_assert_int_eq(rollout_deployment_find_condition(&i, d, type), 0);
    ck_assert_int_eq(rollout_deployment_condition_at(NULL, &s, &r, &m, NULL,
                                                     NULL, d, i),
                     0);
    ck_assert_str_eq(s, status);
    ck_assert_str_eq(r, reason);
    ck_assert_str_eq(m, message);
}

static int64_t cond_last_update(const char *type)
{
    rollout_deployment *d = deployment();
    int64_t t;
    size_t i;

    ck_assert_int_eq(rollout_deployment_find_condition(&i, d, type), 0);
    ck_assert_int_eq(rollout_deployment_condition_at(NULL, NULL, NULL, NULL, &t,
                                                     NULL, d, i),
                     0);
    return t;
}

/* The Progressing condition, its message about the set of revision REV. */
#define assert_progressing(status, reason, fmt, rev)                         \
    do {                                                                     \
        char m_[256];                                                        \
                                                                             \
        snprintf(m_, sizeof(m_), fmt, rs_name(rev));                         \
        assert_cond("Progressing", status, reason, m_);                      \
    } while (0)

static void assert_available(bool yes)
{
    if (yes)
        assert_cond("Available", "True", "MinimumReplicasAvailable",
                    "Deployment has minimum availability.");
    else
        assert_cond("Available", "False", "MinimumReplicasUnavailable",
                    "Deployment does not have minimum availability.");
}

static void assert_counts(int32_t current, int32_t updated, int32_t ready_,
                          int32_t available, int32_t unavailable)
{
    rollout_deployment *d = deployment();

    ck_assert_int_eq(rollout_deployment_count(d, ROLLOUT_COUNT_CURRENT), current);
    ck_assert_int_eq(rollout_deployment_count(d, ROLLOUT_COUNT_UPDATED), updated);
    ck_assert_int_eq(rollout_deployment_count(d, ROLLOUT_COUNT_READY), ready_);
    ck_assert_int_eq(rollout_deployment_count(d, ROLLOUT_COUNT_AVAILABLE),
                     available);
    ck_assert_int_eq(rollout_deployment_count(d, ROLLOUT_COUNT_UNAVAILABLE),
                     unavailable);
}

/* The names of set REV's replicas in PHASE, sorted (at most 16). */
typedef struct {
    char name[16][96];
    size_t n;
} names;

static int cmp_name(const void *a, const void *b)
{
    return strcmp(a, b);
}

static names replicas_in(int64_t rev, rollout_phase phase)
{
    rollout_replica_set *rs = rs_of(rev);
    names out;
    size_t i;

    memset(&out, 0, sizeof(out));
    for (i = 0; i < rollout_replica_set_replica_count(rs); i++) {
        rollout_replica *r = rollout_replica_set_replica_at(rs, i);

        if (rollout_replica_phase(r) != phase)
            continue;
        ck_assert_uint_lt(out.n, 16);
        snprintf(out.name[out.n++], sizeof(out.name[0]), "%s",
                 rollout_replica_name(r));
    }
    qsort(out.name, out.n, sizeof(out.name[0]), cmp_name);
    return out;
}

static rollout_replica *replica(const char *name)
{
    rollout_replica *r;

    ck_assert_int_eq(rollout_engine_find_replica(&r, fh->e, name), 0);
    return r;
}

static bool replica_exists(const char *name)
{
    rollout_replica *r;

    return rollout_engine_find_replica(&r, fh->e, name) == ROLLOUT_OK;
}

/* 1. RollingUpdate with percentages and the edge fenceposts. */

/* 10 replicas, maxSurge 25% (ceil 2.5 = 3), maxUnavailable 25% (floor 2.5
 * = 2): at most 13 in all, at least 8 available. */
START_TEST(test_percent_waves)
{
    size_t mark;
    long up3, down8, up5;

    limits(13, 8);
    rolled_out(spec_rolling(10, "app:v1", "25%", "25%"));
    assert_sets("r1=10/10/10/10");
    mark = fh->log_len;
    set_image("app:v2");
    tick();
    /* creation: NewRSNewReplicas = min(13 - 10, 10 - 0) = 3; then
     * maxScaledDown = 13 - 8 - 3 = 2 and 10 available > 8: old 10 -> 8;
     * next pass: new min(13 - 11, 10 - 3) = 2 more -> 5; then
     * 13 - 8 - 5 = 0: nothing more until replicas are ready */
    assert_sets("r1=8/8/8/8 r2=5/5/0/0");
    assert_log(up3, mark, "event Normal ScalingReplicaSet Scaled up replica set "
               "%s to 3", rs_name(2));
    assert_log(down8, mark, "event Normal ScalingReplicaSet Scaled down replica "
               "set %s to 8 from 10", rs_name(1));
    assert_log(up5, mark, "event Normal ScalingReplicaSet Scaled up replica set "
               "%s to 5 from 3", rs_name(2));
    ck_assert_int_lt(up3, down8);
    ck_assert_int_lt(down8, up5);
    ck_assert_int_eq(fh_log_count(fh, mark, "create "), 5);
    ck_assert_int_eq(fh_log_count(fh, mark, "delete "), 2);
    assert_status("Waiting for deployment \"test\" rollout to finish: "
                  "5 out of 10 new replicas have been updated...");
    assert_annotations(2, "10", "13");
    /* status: 8 + 5 replicas, 5 updated, 8 ready and available, 13 - 8
     * unavailable; 8 >= 10 - 2 is minimum availability */
    assert_counts(13, 5, 8, 8, 5);
    assert_available(true);

    /* 1 ready: available 9, maxScaledDown 13 - 8 - 4 = 1, 9 - 8 = 1 to
     * remove: old 7; new min(13 - 12, 5) = 1 more: 6 */
    ready(2, 1);
    assert_sets("r1=7/7/7/7 r2=6/6/1/1");
    /* 2 more: available 10, 13 - 8 - 3 = 2: old 5; new +2: 8 */
    ready(2, 2);
    assert_sets("r1=5/5/5/5 r2=8/8/3/3");
    assert_counts(13, 8, 8, 8, 5);
    /* 5 more: available 13, 13 - 8 - 0 = 5: old 0; new +min(5, 2): 10 */
    ready(2, 5);
    assert_sets("r1=0/0/0/0 r2=10/10/8/8");
    assert_status("Waiting for deployment \"test\" rollout to finish: "
                  "8 of 10 updated replicas are available...");
    ready(2, 2);
    assert_sets("r1=0/0/0/0 r2=10/10/10/10");
    assert_status("deployment \"test\" successfully rolled out");
    ck_assert_int_eq(fh_log_count(fh, mark, "create "), 10);
    ck_assert_int_eq(fh_log_count(fh, mark, "delete "), 10);
}
END_TEST

/* maxSurge 0, maxUnavailable 1 on 4 replicas: never more than 4. */
START_TEST(test_surge0_unavailable1)
{
    size_t mark;
    long pos;

    limits(4, 3);
    rolled_out(spec_rolling(4, "app:v1", "0", "1"));
    mark = fh->log_len;
    set_image("app:v2");
    tick();
    /* created with min(4 - 4, ...) = 0 (no "Scaled up ... to 0" event);
     * 4 - 3 - 0 = 1: old 3; new min(4 - 3, 4) = 1 */
    assert_sets("r1=3/3/3/3 r2=1/1/0/0");
    ck_assert_int_eq(log_find(mark, "event Normal ScalingReplicaSet Scaled up "
                              "replica set %s to 0", rs_name(2)),
                     -1);
    assert_log(pos, mark, "event Normal ScalingReplicaSet Scaled up replica set "
               "%s to 1 from 0", rs_name(2));
    assert_annotations(2, "4", "4");
    ready(2, 1);
    assert_sets("r1=2/2/2/2 r2=2/2/1/1");
    ready(2, 1);
    assert_sets("r1=1/1/1/1 r2=3/3/2/2");
    ready(2, 1);
    assert_sets("r1=0/0/0/0 r2=4/4/3/3");
    ready(2, 1);
    assert_sets("r1=0/0/0/0 r2=4/4/4/4");
    assert_status("deployment \"test\" successfully rolled out");
    ck_assert_int_eq(fh_log_count(fh, mark, "create "), 4);
    ck_assert_int_eq(fh_log_count(fh, mark, "delete "), 4);
}
END_TEST

/* maxSurge 1, maxUnavailable 0 on 3 replicas: never fewer than 3
 * available. */
START_TEST(test_surge1_unavailable0)
{
    size_t mark;

    limits(4, 3);
    rolled_out(spec_rolling(3, "app:v1", "1", "0"));
    mark = fh->log_len;
    set_image("app:v2");
    tick();
    /* created with min(4 - 3, 3) = 1; 4 - 3 - 1 = 0: no scale-down */
    assert_sets("r1=3/3/3/3 r2=1/1/0/0");
    assert_status("Waiting for deployment \"test\" rollout to finish: "
                  "1 out of 3 new replicas have been updated...");
    ck_assert_int_eq(fh_log_count(fh, mark, "delete "), 0);
    ready(2, 1);
    assert_sets("r1=2/2/2/2 r2=2/2/1/1");
    ready(2, 1);
    assert_sets("r1=1/1/1/1 r2=3/3/2/2");
    assert_status("Waiting for deployment \"test\" rollout to finish: "
                  "1 old replicas are pending termination...");
    ready(2, 1);
    assert_sets("r1=0/0/0/0 r2=3/3/3/3");
    assert_status("deployment \"test\" successfully rolled out");
}
END_TEST

/* Upstream's own example (rolling.go, reconcileOldReplicaSets): 10
 * replicas, maxUnavailable 2, maxSurge 3; v2 never becomes available and
 * v3 is pushed ("roll over").  v3 starts at 0 (13 >= 13); its unavailable
 * count is 0, so 13 - 8 - 0 = 5 may go: v2's 5 unhealthy replicas; 8
 * available is the floor, so v1 keeps 8; then v3 takes the 5. */
START_TEST(test_rollover)
{
    size_t mark;
    long down, up;

    limits(13, 8);
    rolled_out(spec_rolling(10, "app:v1", "3", "2"));
    set_image("app:v2");
    tick();
    assert_sets("r1=8/8/8/8 r2=5/5/0/0");
    mark = fh->log_len;
    set_image("app:v3");
    tick();
    assert_sets("r1=8/8/8/8 r2=0/0/0/0 r3=5/5/0/0");
    ck_assert_int_eq(log_find(mark, "event Normal ScalingReplicaSet Scaled up "
                              "replica set %s to 0", rs_name(3)),
                     -1);
    assert_log(down, mark, "event Normal ScalingReplicaSet Scaled down replica "
               "set %s to 0 from 5", rs_name(2));
    assert_log(up, mark, "event Normal ScalingReplicaSet Scaled up replica set "
               "%s to 5 from 0", rs_name(3));
    ck_assert_int_lt(down, up);
    ck_assert_int_eq(fh_log_count(fh, mark, "delete "), 5);
    /* v3 ready: 13 available, 13 - 8 - 0 = 5 from v1 (v2 is empty); v3
     * takes min(13 - 8, 10 - 5) = 5 */
    ready(3, 5);
    assert_sets("r1=3/3/3/3 r2=0/0/0/0 r3=10/10/5/5");
    finish();
    assert_sets("r1=0/0/0/0 r2=0/0/0/0 r3=10/10/10/10");
}
END_TEST

/* Scaling to 0 and back.  Mid-rollout [2,2] (seed fenceposts) -> 0:
 * fraction -spec for every set.  Back to 3: no active set, so no scaling
 * event; the rollout gives the new set min(4 - 0, 3) = 3 and the old one
 * stays at 0. */
START_TEST(test_scale_to_zero)
{
    size_t mark;
    long pos;

    limits(4, 2);
    rolled_out(spec_rolling(3, "app:v1", "1", "1"));
    set_image("app:v2");
    tick();
    assert_sets("r1=2/2/2/2 r2=2/2/0/0");
    limits(0, 0);
    fh->scaling = true;
    mark = fh->log_len;
    ck_assert_int_eq(rollout_engine_scale(fh->e, NS, "test", 0), 0);
    tick();
    assert_sets("r1=0/0/0/0 r2=0/0/0/0");
    assert_log(pos, mark, "event Normal ScalingReplicaSet Scaled down replica "
               "set %s to 0 from 2", rs_name(1));
    assert_log(pos, mark, "event Normal ScalingReplicaSet Scaled down replica "
               "set %s to 0 from 2", rs_name(2));
    /* max-replicas is replicas + MaxSurge even at 0: 0 + 1 */
    assert_annotations(1, "0", "1");
    assert_annotations(2, "0", "1");
    /* 0 of 0: complete, and minimally available */
    assert_status("deployment \"test\" successfully rolled out");
    assert_available(true);
    assert_progressing("True", "NewReplicaSetAvailable",
                       "ReplicaSet \"%s\" has successfully progressed.", 2);
    ck_assert_int_eq(next_deadline(), -1);

    limits(4, 2);
    fh->scaling = false;
    mark = fh->log_len;
    ck_assert_int_eq(rollout_engine_scale(fh->e, NS, "test", 3), 0);
    tick();
    assert_sets("r1=0/0/0/0 r2=3/3/0/0");
    assert_log(pos, mark, "event Normal ScalingReplicaSet Scaled up replica set "
               "%s to 3 from 0", rs_name(2));
    assert_annotations(2, "3", "4");
    finish();
    assert_sets("r1=0/0/0/0 r2=3/3/3/3");
}
END_TEST

/* 2. Recreate. */

START_TEST(test_recreate)
{
    names old;
    size_t mark;
    long pos;

    fh->gone_on_delete = false;
    limits(3, 0);
    apply(spec_recreate(3, "app:v1"), ROLLOUT_APPLY_CREATED);
    tick();
    /* NewRSNewReplicas is the full size for Recreate */
    assert_log(pos, 0, "event Normal ScalingReplicaSet Scaled up replica set "
               "%s to 3", rs_name(1));
    assert_annotations(1, "3", "3");
    finish();
    assert_sets("r1=3/3/3/3");

    mark = fh->log_len;
    set_image("app:v2");
    tick();
    /* old to 0 first; no new set while old replicas still run */
    assert_sets("r1=0/0/0/0");
    ck_assert_int_eq(rollout_deployment_replica_set_count(deployment()), 1);
    assert_log(pos, mark, "event Normal ScalingReplicaSet Scaled down replica "
               "set %s to 0 from 3", rs_name(1));
    ck_assert_int_eq(fh_log_count(fh, mark, "delete "), 3);
    ck_assert_int_eq(fh_log_count(fh, mark, "create "), 0);
    assert_status("Waiting for deployment \"test\" rollout to finish: "
                  "0 out of 3 new replicas have been updated...");
    /* MaxUnavailable is 0 for Recreate: the floor is all 3 */
    assert_available(false);

    /* terminating replicas hold it up, however many ticks pass */
    advance(5000);
    tick();
    ck_assert_int_eq(rollout_deployment_replica_set_count(deployment()), 1);
    old = replicas_in(1, ROLLOUT_PHASE_TERMINATING);
    ck_assert_uint_eq(old.n, 3);
    report(old.name[0], ROLLOUT_PHASE_GONE);
    report(old.name[1], ROLLOUT_PHASE_GONE);
    tick();
    ck_assert_int_eq(rollout_deployment_replica_set_count(deployment()), 1);
    ck_assert_int_eq(fh_log_count(fh, mark, "create "), 0);

    /* the last one failed while terminating: it runs no more */
    report(old.name[2], ROLLOUT_PHASE_FAILED);
    tick();
    ck_assert_int_eq(rollout_deployment_replica_set_count(deployment()), 2);
    assert_log(pos, mark, "event Normal ScalingReplicaSet Scaled up replica set "
               "%s to 3", rs_name(2));
    ck_assert_int_eq(fh_log_count(fh, mark, "create "), 3);
    assert_sets("r1=0/0/0/0 r2=3/3/0/0");
    assert_progressing("True", "ReplicaSetUpdated",
                       "ReplicaSet \"%s\" is progressing.", 2);
    ready(2, 3);
    assert_sets("r1=0/0/0/0 r2=3/3/3/3");
    assert_status("deployment \"test\" successfully rolled out");
    assert_available(true);
    assert_progressing("True", "NewReplicaSetAvailable",
                       "ReplicaSet \"%s\" has successfully progressed.", 2);
}
END_TEST

/* A replica of the old set that failed before the update is waiting for
 * its deletion: it does not hold the new set up. */
START_TEST(test_recreate_failed_old_replica)
{
    names rs1, t;
    char failed[96];
    size_t mark, i;

    fh->gone_on_delete = false;
    limits(3, 0);
    apply(spec_recreate(3, "app:v1"), ROLLOUT_APPLY_CREATED);
    tick();
    rs1 = replicas_in(1, ROLLOUT_PHASE_PENDING);
    snprintf(failed, sizeof(failed), "%s", rs1.name[2]);
    report(rs1.name[0], ROLLOUT_PHASE_READY);
    report(rs1.name[1], ROLLOUT_PHASE_READY);
    ck_assert_int_eq(rollout_engine_report(fh->e, failed, ROLLOUT_PHASE_FAILED,
                                           "Error"),
                     0);
    tick();
    /* the failed one is asked to go and replaced */
    ck_assert_int_ge(log_find(0, "delete %s", failed), 0);
    ck_assert_int_eq(rollout_replica_phase(replica(failed)),
                     ROLLOUT_PHASE_TERMINATING);
    assert_sets("r1=3/3/2/2");

    mark = fh->log_len;
    set_image("app:v2");
    tick();
    assert_sets("r1=0/0/0/0");
    /* the 3 active ones; the failed one was asked before */
    ck_assert_int_eq(fh_log_count(fh, mark, "delete "), 3);
    ck_assert_int_eq(log_find(mark, "delete %s", failed), -1);
    t = replicas_in(1, ROLLOUT_PHASE_TERMINATING);
    ck_assert_uint_eq(t.n, 4);
    /* all but the failed one go: the new set is created */
    for (i = 0; i < t.n; i++)
        if (strcmp(t.name[i], failed) != 0)
            report(t.name[i], ROLLOUT_PHASE_GONE);
    tick();
    ck_assert(replica_exists(failed));
    assert_sets("r1=0/0/0/0 r2=3/3/0/0");
    ck_assert_int_eq(fh_log_count(fh, mark, "create "), 3);
}
END_TEST

/* Undo under Recreate: v1's set is the new one again (revision 3); v2's
 * set goes to 0 first, and v1's grows back only once v2's replicas are
 * gone. */
START_TEST(test_recreate_undo)
{
    int outcome = 0;
    size_t mark;
    long pos;

    fh->gone_on_delete = false;
    limits(3, 0);
    apply(spec_recreate(3, "app:v1"), ROLLOUT_APPLY_CREATED);
    tick();
    finish();
    set_image("app:v2");
    tick();
    fh_reap(fh);
    tick();
    finish();
    fh_reap(fh);
    tick();
    assert_sets("r1=0/0/0/0 r2=3/3/3/3");
    mark = fh->log_len;
    ck_assert_int_eq(rollout_engine_undo(&outcome, fh->e, NS, "test", 0), 0);
    tick();
    assert_sets("r2=0/0/0/0 r3=0/0/0/0");
    assert_log(pos, mark, "event Normal ScalingReplicaSet Scaled down replica "
               "set %s to 0 from 3", rs_name(2));
    ck_assert_str_eq(annotation(3, "deployment.kubernetes.io/revision-history"),
                     "1");
    ck_assert_int_eq(fh_log_count(fh, mark, "create "), 0);
    ck_assert_int_eq(fh_reap(fh), 3);
    tick();
    assert_log(pos, mark, "event Normal ScalingReplicaSet Scaled up replica set "
               "%s to 3 from 0", rs_name(3));
    assert_sets("r2=0/0/0/0 r3=3/3/0/0");
    finish();
    assert_status("deployment \"test\" successfully rolled out");
}
END_TEST

/* 3. Proportional scaling. */

/* Rolls 5 replicas (maxSurge 0, maxUnavailable 2) to v2 until it rests at
 * [new 2, old 3], the spec's starting point: the new set is created with
 * 0, 5 - 3 - 0 = 2 old ones go, then the new set takes those 2; then
 * 5 - 3 - 2 = 0. */
static void five_at_two_three(void)
{
    limits(5, 3);
    rolled_out(spec_rolling(5, "app:v1", "0", "2"));
    set_image("app:v2");
    tick();
    assert_sets("r1=3/3/3/3 r2=2/2/0/0");
    assert_annotations(1, "5", "5");
    assert_annotations(2, "5", "5");
}

/* The spec's 5->10: [2,3] -> [4,6]; allowed 10 + 0, toAdd 5; larger set
 * first: old round(3 * 10 / 5) - 3 = +3, new round(2 * 10 / 5) - 2 = +2. */
START_TEST(test_proportional_5_to_10)
{
    size_t mark;
    long up_old, up_new;

    five_at_two_three();
    limits(10, 8);
    mark = fh->log_len;
    ck_assert_int_eq(rollout_engine_scale(fh->e, NS, "test", 10), 0);
    ck_assert_int_eq(rollout_deployment_generation(deployment()), 3);
    assert_status("Waiting for deployment spec update to be observed...");
    tick();
    /* then 10 - 8 - 4 < 0 and 10 >= 10: the rollout waits */
    assert_sets("r1=6/6/3/3 r2=4/4/0/0");
    assert_annotations(1, "10", "10");
    assert_annotations(2, "10", "10");
    assert_log(up_old, mark, "event Normal ScalingReplicaSet Scaled up replica "
               "set %s to 6 from 3", rs_name(1));
    assert_log(up_new, mark, "event Normal ScalingReplicaSet Scaled up replica "
               "set %s to 4 from 2", rs_name(2));
    ck_assert_int_lt(up_old, up_new);
    ck_assert_int_eq(fh_log_count(fh, mark, "create "), 5);
    ck_assert_int_eq(fh_log_count(fh, mark, "delete "), 0);
    ck_assert_int_eq(rollout_deployment_observed_generation(deployment()), 3);
    assert_status("Waiting for deployment \"test\" rollout to finish: "
                  "4 out of 10 new replicas have been updated...");
    finish();
    assert_sets("r1=0/0/0/0 r2=10/10/10/10");
}
END_TEST

/* 5->3 on [2,3]: allowed 3, toAdd -2; larger (older) first: old
 * max(round(3 * 3 / 5) - 3, -2) = -1, new max(round(2 * 3 / 5) - 2, -1) =
 * -1: [1,2].  Then the rollout goes on in the same tick: 3 - 1 - 1 = 1
 * and 2 available > 1: old 2 -> 1; new min(3 - 2, 2) = +1: [2,1]. */
START_TEST(test_proportional_5_to_3)
{
    size_t mark;
    long a, b, c, d;

    five_at_two_three();
    limits(3, 1);
    fh->scaling = true;
    mark = fh->log_len;
    ck_assert_int_eq(rollout_engine_scale(fh->e, NS, "test", 3), 0);
    tick();
    assert_log(a, mark, "event Normal ScalingReplicaSet Scaled down replica set "
               "%s to 2 from 3", rs_name(1));
    assert_log(b, mark, "event Normal ScalingReplicaSet Scaled down replica set "
               "%s to 1 from 2", rs_name(2));
    assert_log(c, mark, "event Normal ScalingReplicaSet Scaled down replica set "
               "%s to 1 from 2", rs_name(1));
    assert_log(d, mark, "event Normal ScalingReplicaSet Scaled up replica set "
               "%s to 2 from 1", rs_name(2));
    ck_assert_int_lt(a, b);
    ck_assert_int_lt(b, c);
    ck_assert_int_lt(c, d);
    assert_sets("r1=1/1/1/1 r2=2/2/0/0");
    assert_annotations(1, "3", "3");
    assert_annotations(2, "3", "3");
}
END_TEST

/* While paused, scaling is proportional and nothing else moves. */
START_TEST(test_proportional_paused)
{
    size_t mark;

    five_at_two_three();
    ck_assert_int_eq(rollout_engine_pause(fh->e, NS, "test"), 0);
    tick();
    assert_cond("Progressing", "Unknown", "DeploymentPaused",
                "Deployment is paused");
    limits(10, 8);
    mark = fh->log_len;
    ck_assert_int_eq(rollout_engine_scale(fh->e, NS, "test", 10), 0);
    tick();
    assert_sets("r1=6/6/3/3 r2=4/4/0/0");
    assert_annotations(1, "10", "10");
    assert_annotations(2, "10", "10");
    /* the new replicas become ready: a rollout would now scale the old set
     * down, a paused deployment does not */
    {
        names p1 = replicas_in(1, ROLLOUT_PHASE_PENDING);
        names p2 = replicas_in(2, ROLLOUT_PHASE_PENDING);
        size_t i;

        for (i = 0; i < p1.n; i++)
            report(p1.name[i], ROLLOUT_PHASE_READY);
        for (i = 0; i < p2.n; i++)
            report(p2.name[i], ROLLOUT_PHASE_READY);
        tick();
    }
    assert_sets("r1=6/6/6/6 r2=4/4/4/4");
    ck_assert_int_eq(fh_log_count(fh, mark, "delete "), 0);
    assert_status("Waiting for deployment \"test\" rollout to finish: "
                  "4 out of 10 new replicas have been updated...");

    /* back to 5: allowed 5, toAdd -5; old (6) first: round(6 * 5 / 10) - 6
     * = -3, new round(4 * 5 / 10) - 4 = -2: [2,3] */
    limits(5, 3);
    fh->scaling = true;
    ck_assert_int_eq(rollout_engine_scale(fh->e, NS, "test", 5), 0);
    tick();
    assert_sets("r1=3/3/3/3 r2=2/2/2/2");
    assert_annotations(1, "5", "5");
    assert_annotations(2, "5", "5");
    assert_cond("Progressing", "Unknown", "DeploymentPaused",
                "Deployment is paused");
    fh->scaling = false;

    /* resumed, the rollout goes on: 5 - 3 - 0 = 2 and 5 available > 3:
     * old 1; new min(5 - 3, 5 - 2) = 2 more: 4 */
    ck_assert_int_eq(rollout_engine_resume(fh->e, NS, "test"), 0);
    tick();
    assert_sets("r1=1/1/1/1 r2=4/4/2/2");
    assert_progressing("True", "ReplicaSetUpdated",
                       "ReplicaSet \"%s\" is progressing.", 2);
    finish();
    assert_sets("r1=0/0/0/0 r2=5/5/5/5");
}
END_TEST

/* With a surge: 10 replicas at 25%/25% rest at [5,8] mid-rollout
 * (max-replicas 13).  Scaled to 20 (surge 5): allowed 25, toAdd 12; old
 * (8) first: round(8 * 25 / 13) - 8 = 15 - 8 = +7, new round(5 * 25 / 13)
 * - 5 = 10 - 5 = +5: [10,15].  Scaled to 7 (surge 2, unavailable 1):
 * allowed 9, toAdd -16; old (15) first: round(15 * 9 / 25) - 15 = -10, new
 * round(10 * 9 / 25) - 10 = 4 - 10 = -6: [4,5]. */
START_TEST(test_proportional_percent_rounding)
{
    limits(13, 8);
    rolled_out(spec_rolling(10, "app:v1", "25%", "25%"));
    set_image("app:v2");
    tick();
    assert_sets("r1=8/8/8/8 r2=5/5/0/0");

    limits(25, 15);
    ck_assert_int_eq(rollout_engine_scale(fh->e, NS, "test", 20), 0);
    tick();
    /* then 25 - 15 - 10 = 0: the rollout waits */
    assert_sets("r1=15/15/8/8 r2=10/10/0/0");
    assert_annotations(1, "20", "25");
    assert_annotations(2, "20", "25");

    limits(9, 6);
    fh->scaling = true;
    ck_assert_int_eq(rollout_engine_scale(fh->e, NS, "test", 7), 0);
    tick();
    /* the old set loses its 7 pending replicas and 3 ready ones; then
     * 9 - 6 - 4 < 0 and 9 >= 9 */
    assert_sets("r1=5/5/5/5 r2=4/4/0/0");
    assert_annotations(1, "7", "9");
    assert_annotations(2, "7", "9");
    fh->scaling = false;
    finish();
    assert_sets("r1=0/0/0/0 r2=7/7/7/7");
}
END_TEST

/* Three active sets.  10 replicas, maxSurge 3, maxUnavailable 2: v2 at
 * [8,5] with 3 ready becomes [5,8]; then v3 starts at 0, v2's 5 unhealthy
 * replicas go (13 - 8 - 0 = 5) and v3 takes 5: [v1 5, v2 3, v3 5], every
 * set annotated 10/13. */
START_TEST(test_proportional_three_sets)
{
    size_t mark;
    long pos;

    limits(13, 8);
    rolled_out(spec_rolling(10, "app:v1", "3", "2"));
    set_image("app:v2");
    tick();
    ready(2, 3);
    assert_sets("r1=5/5/5/5 r2=8/8/3/3");
    set_image("app:v3");
    tick();
    assert_sets("r1=5/5/5/5 r2=3/3/3/3 r3=5/5/0/0");

    /* to 11 (allowed 14, toAdd 1): by size, newer first: v3 5, v1 5, v2 3;
     * round(5 * 14 / 13) - 5 = 0, 0, round(3 * 14 / 13) - 3 = 0: the
     * leftover 1 goes to the first, v3.  Only v3 changes size (one event);
     * every set is re-annotated. */
    limits(14, 9);
    mark = fh->log_len;
    ck_assert_int_eq(rollout_engine_scale(fh->e, NS, "test", 11), 0);
    tick();
    assert_sets("r1=5/5/5/5 r2=3/3/3/3 r3=6/6/0/0");
    ck_assert_int_eq(fh_log_count(fh, mark, "event Normal ScalingReplicaSet "), 1);
    assert_log(pos, mark, "event Normal ScalingReplicaSet Scaled up replica set "
               "%s to 6 from 5", rs_name(3));
    assert_annotations(1, "11", "14");
    assert_annotations(2, "11", "14");
    assert_annotations(3, "11", "14");

    /* to 5 (allowed 8, toAdd -6): by size, older first: v3 6, v1 5, v2 3;
     * round(6 * 8 / 14) - 6 = -3, round(5 * 8 / 14) - 5 = -2,
     * round(3 * 8 / 14) - 3 = -1: [3,2,3].  Then the rollout: floor
     * 5 - 2 = 3, 8 - 3 - 3 = 2 and 5 available > 3: v1 3 -> 1; v3 takes
     * min(8 - 6, 5 - 3) = 2. */
    limits(8, 3);
    fh->scaling = true;
    mark = fh->log_len;
    ck_assert_int_eq(rollout_engine_scale(fh->e, NS, "test", 5), 0);
    tick();
    assert_log(pos, mark, "event Normal ScalingReplicaSet Scaled down replica "
               "set %s to 3 from 6", rs_name(3));
    assert_log(pos, mark, "event Normal ScalingReplicaSet Scaled down replica "
               "set %s to 3 from 5", rs_name(1));
    assert_log(pos, mark, "event Normal ScalingReplicaSet Scaled down replica "
               "set %s to 2 from 3", rs_name(2));
    assert_log(pos, mark, "event Normal ScalingReplicaSet Scaled down replica "
               "set %s to 1 from 3", rs_name(1));
    assert_log(pos, mark, "event Normal ScalingReplicaSet Scaled up replica set "
               "%s to 5 from 3", rs_name(3));
    assert_sets("r1=1/1/1/1 r2=2/2/2/2 r3=5/5/0/0");
    fh->scaling = false;
    finish();
    assert_sets("r1=0/0/0/0 r2=0/0/0/0 r3=5/5/5/5");
}
END_TEST

/* A template change while paused creates nothing; a scale while paused
 * goes to the one active set; resuming creates the new set at the new
 * size's numbers (min(6 - 5, 5) = 1, then 6 - 4 - 1 = 1 old goes, then 1
 * more new). */
START_TEST(test_paused_template_and_scale)
{
    size_t mark;
    long pos;

    limits(4, 2);
    rolled_out(spec_rolling(3, "app:v1", "1", "1"));
    ck_assert_int_eq(rollout_engine_pause(fh->e, NS, "test"), 0);
    set_image("app:v2");
    tick();
    ck_assert_int_eq(rollout_deployment_replica_set_count(deployment()), 1);
    limits(6, 4);
    mark = fh->log_len;
    ck_assert_int_eq(rollout_engine_scale(fh->e, NS, "test", 5), 0);
    tick();
    assert_log(pos, mark, "event Normal ScalingReplicaSet Scaled up replica set "
               "%s to 5 from 3", rs_name(1));
    assert_annotations(1, "5", "6");
    ready(1, 2);
    assert_sets("r1=5/5/5/5");
    assert_status("Waiting for deployment \"test\" rollout to finish: "
                  "0 out of 5 new replicas have been updated...");
    assert_cond("Progressing", "Unknown", "DeploymentPaused",
                "Deployment is paused");
    ck_assert_int_eq(rollout_deployment_replica_set_count(deployment()), 1);

    mark = fh->log_len;
    ck_assert_int_eq(rollout_engine_resume(fh->e, NS, "test"), 0);
    tick();
    assert_sets("r1=4/4/4/4 r2=2/2/0/0");
    assert_log(pos, mark, "event Normal ScalingReplicaSet Scaled up replica set "
               "%s to 1", rs_name(2));
    assert_annotations(2, "5", "6");
    assert_progressing("True", "ReplicaSetUpdated",
                       "ReplicaSet \"%s\" is progressing.", 2);
    finish();
    assert_sets("r1=0/0/0/0 r2=5/5/5/5");
}
END_TEST

/* Paused at [r1 2, r2 2] (seed fenceposts) with a third template that has
 * no set yet; scaled to 6 (allowed 7, toAdd 3): both old sets hold 2, the
 * newer first: r2 round(2 * 7 / 4) - 2 = round(3.5) - 2 = +2 (half away
 * from zero), r1 min(+2, 3 - 2) = +1.  On resume, v3 starts at 0 (7 >= 7);
 * 7 - 5 - 0 = 2 unhealthy old replicas go, oldest set first (r1's pending
 * one, then one of r2's); v3 takes min(7 - 5, 6) = 2. */
START_TEST(test_proportional_old_sets_only)
{
    size_t mark;
    long a, b;

    limits(4, 2);
    rolled_out(spec_rolling(3, "app:v1", "1", "1"));
    set_image("app:v2");
    tick();
    assert_sets("r1=2/2/2/2 r2=2/2/0/0");
    ck_assert_int_eq(rollout_engine_pause(fh->e, NS, "test"), 0);
    set_image("app:v3");
    tick();
    limits(7, 5);
    mark = fh->log_len;
    ck_assert_int_eq(rollout_engine_scale(fh->e, NS, "test", 6), 0);
    tick();
    assert_sets("r1=3/3/2/2 r2=4/4/0/0");
    assert_log(a, mark, "event Normal ScalingReplicaSet Scaled up replica set "
               "%s to 4 from 2", rs_name(2));
    assert_log(b, mark, "event Normal ScalingReplicaSet Scaled up replica set "
               "%s to 3 from 2", rs_name(1));
    ck_assert_int_lt(a, b);
    assert_annotations(1, "6", "7");
    assert_annotations(2, "6", "7");
    assert_status("Waiting for deployment \"test\" rollout to finish: "
                  "0 out of 6 new replicas have been updated...");

    ck_assert_int_eq(rollout_engine_resume(fh->e, NS, "test"), 0);
    tick();
    assert_sets("r1=2/2/2/2 r2=3/3/0/0 r3=2/2/0/0");
    finish();
    assert_sets("r1=0/0/0/0 r2=0/0/0/0 r3=6/6/6/6");
}
END_TEST

/* 4. minReadySeconds. */

static rollout_spec *spec_min_ready(int32_t replicas, const char *image,
                                    int32_t seconds)
{
    rollout_spec *s = spec_rolling(replicas, image, "1", "1");

    ck_assert_int_eq(rollout_spec_set_min_ready_seconds(s, seconds), 0);
    return s;
}

START_TEST(test_min_ready_boundary)
{
    names p;
    int64_t t_ready;

    apply(spec_min_ready(3, "app:v1", 10), ROLLOUT_APPLY_CREATED);
    tick();
    assert_sets("r1=3/3/0/0");
    advance(1000);
    p = replicas_in(1, ROLLOUT_PHASE_PENDING);
    t_ready = fh->now;
    report(p.name[0], ROLLOUT_PHASE_READY);
    tick();
    ck_assert_int_eq(rollout_replica_ready_since(replica(p.name[0])), t_ready);
    ck_assert_int_eq(rollout_replica_available(replica(p.name[0])), 0);
    assert_sets("r1=3/3/1/0");
    /* available strictly after ready + 10 s: the engine wakes the host at
     * ready + 10 s + 1 ms, through both the deadline and the timer
     * callback */
    ck_assert_int_eq(next_deadline(), 10001);
    ck_assert_int_eq(fh->timer_ms, 10001);
    advance(5000);
    ck_assert_int_eq(next_deadline(), 5001);
    advance(5000);
    /* at ready + 10 s exactly: not yet */
    assert_sets("r1=3/3/1/0");
    ck_assert_int_eq(rollout_replica_available(replica(p.name[0])), 0);
    ck_assert_int_eq(next_deadline(), 1);
    advance(1);
    assert_sets("r1=3/3/1/1");
    ck_assert_int_eq(rollout_replica_available(replica(p.name[0])), 1);
    assert_status("Waiting for deployment \"test\" rollout to finish: "
                  "1 of 3 updated replicas are available...");
    /* no replica timer left: the progress deadline is next (600 s after
     * the last progress, which was just now) */
    ck_assert_int_eq(next_deadline(), 600001);
}
END_TEST

/* The rolling update waits for availability, not readiness. */
START_TEST(test_min_ready_rollout)
{
    rollout_deployment *d;

    limits(4, 2);
    apply(spec_min_ready(3, "app:v1", 10), ROLLOUT_APPLY_CREATED);
    tick();
    ready(1, 3);
    advance(10001);
    assert_status("deployment \"test\" successfully rolled out");
    set_image("app:v2");
    tick();
    assert_sets("r1=2/2/2/2 r2=2/2/0/0");
    ready(2, 1);
    /* ready, not available: 4 - 2 - 2 = 0, nothing moves */
    assert_sets("r1=2/2/2/2 r2=2/2/1/0");
    ck_assert_int_eq(next_deadline(), 10001);
    advance(10000);
    assert_sets("r1=2/2/2/2 r2=2/2/1/0");
    advance(1);
    /* available: 4 - 2 - 1 = 1, 3 available > 2: old 1; new 3 */
    assert_sets("r1=1/1/1/1 r2=3/3/1/1");
    ready(2, 2);
    advance(10001);
    assert_sets("r1=0/0/0/0 r2=3/3/3/3");
    assert_status("deployment \"test\" successfully rolled out");
    d = deployment();
    ck_assert_int_eq(rollout_deployment_count(d, ROLLOUT_COUNT_AVAILABLE), 3);
    ck_assert_int_eq(next_deadline(), -1);
}
END_TEST

/* minReadySeconds is the new set's: lowering it makes its ready replicas
 * available at once, raising it takes availability back. */
START_TEST(test_min_ready_changed)
{
    rollout_spec *s;

    limits(4, 2);
    apply(spec_min_ready(3, "app:v1", 30), ROLLOUT_APPLY_CREATED);
    tick();
    ready(1, 3);
    advance(30001);
    assert_sets("r1=3/3/3/3");
    set_image("app:v2");
    tick();
    ready(2, 1);
    assert_sets("r1=2/2/2/2 r2=2/2/1/0");
    ck_assert_int_eq(next_deadline(), 30001);

    s = current_spec();
    ck_assert_int_eq(rollout_spec_set_min_ready_seconds(s, 0), 0);
    apply(s, ROLLOUT_APPLY_CONFIGURED);
    tick();
    /* available now: 4 - 2 - 1 = 1 and 3 > 2: old 1, new 3 */
    assert_sets("r1=1/1/1/1 r2=3/3/1/1");
    ck_assert_int_eq(next_deadline(), 600001);

    ready(2, 2);
    assert_sets("r1=0/0/0/0 r2=3/3/3/3");
    s = current_spec();
    ck_assert_int_eq(rollout_spec_set_min_ready_seconds(s, 60), 0);
    apply(s, ROLLOUT_APPLY_CONFIGURED);
    tick();
    /* ready for a moment only: none available until 60 s after their
     * readiness */
    assert_sets("r1=0/0/0/0 r2=3/3/3/0");
    assert_available(false);
    ck_assert_int_eq(next_deadline(), 60001);
    advance(60001);
    assert_sets("r1=0/0/0/0 r2=3/3/3/3");
    assert_available(true);
}
END_TEST

/* Eight availability timers, set out of order, two of them cancelled
 * (readiness lost before minReadySeconds): the host is woken at each
 * remaining ready time + 5 s + 1 ms, in order, and at nothing else. */
START_TEST(test_min_ready_staggered)
{
    /* replica k becomes ready at t0 + at[k] */
    static const int64_t at[8] = {3500, 700, 4900, 0, 2100, 1400, 4200, 2800};
    int64_t t0, due[8];
    size_t order[8], i, j, n = 0;
    names p;

    limits(9, 7);
    apply(spec_min_ready(8, "app:v1", 5), ROLLOUT_APPLY_CREATED);
    tick();
    p = replicas_in(1, ROLLOUT_PHASE_PENDING);
    ck_assert_uint_eq(p.n, 8);
    t0 = fh->now;
    /* report in time order */
    for (i = 0; i < 8; i++)
        order[i] = i;
    for (i = 0; i < 8; i++)
        for (j = i + 1; j < 8; j++)
            if (at[order[j]] < at[order[i]]) {
                size_t x = order[i];

                order[i] = order[j];
                order[j] = x;
            }
    for (i = 0; i < 8; i++) {
        fh->now = t0 + at[order[i]];
        report(p.name[order[i]], ROLLOUT_PHASE_READY);
        tick();
    }
    /* replicas 2 and 5 lose readiness before they are available */
    fh->now = t0 + 5000;
    report(p.name[2], ROLLOUT_PHASE_RUNNING);
    report(p.name[5], ROLLOUT_PHASE_RUNNING);
    tick();
    for (i = 0; i < 8; i++)
        if (order[i] != 2 && order[i] != 5)
            due[n++] = t0 + at[order[i]] + 5001;
    ck_assert_uint_eq(n, 6);
    /* at t0 + 5000 none is available yet (replica 3, ready at t0, is at
     * t0 + 5001) */
    assert_sets("r1=8/8/6/0");
    for (i = 0; i < n; i++) {
        ck_assert_int_eq(next_deadline(), due[i] - fh->now);
        fh->now = due[i] - 1;
        tick();
        ck_assert_int_eq(rollout_deployment_count(deployment(),
                                                  ROLLOUT_COUNT_AVAILABLE),
                         (int32_t)i);
        advance(1);
        ck_assert_int_eq(rollout_deployment_count(deployment(),
                                                  ROLLOUT_COUNT_AVAILABLE),
                         (int32_t)i + 1);
    }
    /* only the progress deadline is left, 600 s after the last progress */
    ck_assert_int_eq(next_deadline(), 600001);
}
END_TEST

/* 5. progressDeadlineSeconds. */

/* v1 rolled out with the seed's fenceposts, then v2 whose replicas never
 * become ready: it rests at r1=2 r2=2.  Returns the time of the update. */
static int64_t stuck_v2(void)
{
    limits(4, 2);
    rolled_out(spec_rolling(3, "app:v1", "1", "1"));
    advance(1000);
    set_image("app:v2");
    tick();
    assert_sets("r1=2/2/2/2 r2=2/2/0/0");
    report_rev(2, ROLLOUT_PHASE_PENDING, ROLLOUT_PHASE_RUNNING, 2);
    assert_sets("r1=2/2/2/2 r2=2/2/0/0");
    return fh->now;
}

START_TEST(test_deadline_exceeded)
{
    char *msg = NULL;
    int done = 1;
    int64_t t1 = stuck_v2();

    assert_progressing("True", "ReplicaSetUpdated",
                       "ReplicaSet \"%s\" is progressing.", 2);
    ck_assert_int_eq(cond_last_update("Progressing"), t1);
    /* lastUpdate + 600 s < now: the host is woken 600 s + 1 ms later */
    ck_assert_int_eq(next_deadline(), 600001);
    ck_assert_int_eq(fh->timer_ms, 600001);
    advance(600000);
    assert_progressing("True", "ReplicaSetUpdated",
                       "ReplicaSet \"%s\" is progressing.", 2);
    ck_assert_int_eq(next_deadline(), 1);
    assert_available(true);
    advance(1);
    assert_progressing("False", "ProgressDeadlineExceeded",
                       "ReplicaSet \"%s\" has timed out progressing.", 2);
    ck_assert_int_eq(rollout_status_message(&msg, &done, deployment()),
                     ROLLOUT_EDEADLINE);
    ck_assert_str_eq(msg, "deployment \"test\" exceeded its progress deadline");
    ck_assert_int_eq(done, 0);
    rollout_free(msg);
    /* nothing more to wait for; v1 keeps serving */
    ck_assert_int_eq(next_deadline(), -1);
    ck_assert_int_eq(fh->timer_ms, -1);
    assert_available(true);
    assert_sets("r1=2/2/2/2 r2=2/2/0/0");
    advance(3600000);
    assert_progressing("False", "ProgressDeadlineExceeded",
                       "ReplicaSet \"%s\" has timed out progressing.", 2);
}
END_TEST

/* Time spent paused does not count: resuming starts the clock again. */
START_TEST(test_deadline_paused)
{
    int64_t t1 = stuck_v2();

    advance(30000);
    ck_assert_int_eq(rollout_engine_pause(fh->e, NS, "test"), 0);
    tick();
    assert_cond("Progressing", "Unknown", "DeploymentPaused",
                "Deployment is paused");
    ck_assert_int_eq(cond_last_update("Progressing"), t1 + 30000);
    /* no deadline while paused */
    ck_assert_int_eq(next_deadline(), -1);
    advance(600000);
    advance(600000);
    assert_cond("Progressing", "Unknown", "DeploymentPaused",
                "Deployment is paused");
    assert_status("Waiting for deployment \"test\" rollout to finish: "
                  "2 out of 3 new replicas have been updated...");

    ck_assert_int_eq(rollout_engine_resume(fh->e, NS, "test"), 0);
    tick();
    assert_cond("Progressing", "Unknown", "DeploymentResumed",
                "Deployment is resumed");
    ck_assert_int_eq(cond_last_update("Progressing"), t1 + 1230000);
    ck_assert_int_eq(next_deadline(), 600001);
    advance(600000);
    assert_cond("Progressing", "Unknown", "DeploymentResumed",
                "Deployment is resumed");
    advance(1);
    assert_progressing("False", "ProgressDeadlineExceeded",
                       "ReplicaSet \"%s\" has timed out progressing.", 2);
    assert_status("error: deployment \"test\" exceeded its progress deadline");
    assert_available(true);
}
END_TEST

/* Undo after the deadline: back to v1, which completes. */
START_TEST(test_deadline_undo)
{
    int outcome = 0;
    const char *h1;

    stuck_v2();
    advance(600001);
    assert_progressing("False", "ProgressDeadlineExceeded",
                       "ReplicaSet \"%s\" has timed out progressing.", 2);
    h1 = rs_name(1);
    ck_assert_int_eq(rollout_engine_undo(&outcome, fh->e, NS, "test", 0), 0);
    ck_assert_int_eq(outcome, ROLLOUT_UNDO_ROLLED_BACK);
    tick();
    /* v1's set is the new one, revision 3: 4 - 2 - 0 = 2 unhealthy old
     * replicas go first, then the new set takes min(4 - 2, 3 - 2) = 1 */
    ck_assert_str_eq(rs_name(3), h1);
    assert_sets("r2=0/0/0/0 r3=3/3/2/2");
    assert_progressing("True", "ReplicaSetUpdated",
                       "ReplicaSet \"%s\" is progressing.", 3);
    assert_status("Waiting for deployment \"test\" rollout to finish: "
                  "2 of 3 updated replicas are available...");
    ck_assert_int_eq(next_deadline(), 600001);
    ready(3, 1);
    assert_status("deployment \"test\" successfully rolled out");
    assert_progressing("True", "NewReplicaSetAvailable",
                       "ReplicaSet \"%s\" has successfully progressed.", 3);
    ck_assert_int_eq(next_deadline(), -1);
}
END_TEST

/* Long after a rollout completed (Progressing still says
 * NewReplicaSetAvailable, 700 s old), a scale-up leaves the deployment
 * incomplete until the new replicas are ready.  No timeout can come of
 * it (DeploymentTimedOut never fires on NewReplicaSetAvailable), so there
 * is nothing to wake the host for. */
START_TEST(test_deadline_after_completion_scale)
{
    limits(4, 2);
    rolled_out(spec_rolling(3, "app:v1", "1", "1"));
    ck_assert_int_eq(next_deadline(), -1);
    advance(700000);
    limits(6, 4);
    ck_assert_int_eq(rollout_engine_scale(fh->e, NS, "test", 5), 0);
    tick();
    assert_sets("r1=5/5/3/3");
    assert_progressing("True", "NewReplicaSetAvailable",
                       "ReplicaSet \"%s\" has successfully progressed.", 1);
    ck_assert_int_eq(next_deadline(), -1);
    fh_settle(fh);
    advance(1000000);
    assert_progressing("True", "NewReplicaSetAvailable",
                       "ReplicaSet \"%s\" has successfully progressed.", 1);
    finish();
    assert_sets("r1=5/5/5/5");
}
END_TEST

/* The same with Recreate: while the old replicas terminate, the
 * condition still tells of the old rollout, which cannot time out. */
START_TEST(test_deadline_after_completion_recreate)
{
    fh->gone_on_delete = false;
    limits(3, 0);
    apply(spec_recreate(3, "app:v1"), ROLLOUT_APPLY_CREATED);
    tick();
    finish();
    advance(700000);
    set_image("app:v2");
    tick();
    assert_sets("r1=0/0/0/0");
    ck_assert_int_eq(next_deadline(), -1);
    fh_settle(fh);
    advance(1000);
    ck_assert_int_eq(fh_reap(fh), 3);
    tick();
    assert_sets("r1=0/0/0/0 r2=3/3/0/0");
    assert_progressing("True", "ReplicaSetUpdated",
                       "ReplicaSet \"%s\" is progressing.", 2);
    ck_assert_int_eq(next_deadline(), 600001);
}
END_TEST

/* Without progressDeadlineSeconds there is no Progressing condition and
 * nothing ever times out. */
START_TEST(test_no_deadline)
{
    rollout_spec *s = spec_rolling(3, "app:v1", "1", "1");
    size_t i;

    ck_assert_int_eq(rollout_spec_set_progress_deadline_seconds(s, INT32_MAX), 0);
    limits(4, 2);
    rolled_out(s);
    set_image("app:v2");
    tick();
    ck_assert_int_eq(next_deadline(), -1);
    advance(100000000);
    assert_sets("r1=2/2/2/2 r2=2/2/0/0");
    assert_status("Waiting for deployment \"test\" rollout to finish: "
                  "2 out of 3 new replicas have been updated...");
    ck_assert_uint_eq(rollout_deployment_condition_count(deployment()), 1);
    ck_assert_int_eq(rollout_deployment_find_condition(&i, deployment(),
                                                       "Progressing"),
                     ROLLOUT_ENOTFOUND);
    /* set one: the new set is found, and the clock starts now */
    s = current_spec();
    ck_assert_int_eq(rollout_spec_set_progress_deadline_seconds(s, 60), 0);
    apply(s, ROLLOUT_APPLY_CONFIGURED);
    tick();
    assert_progressing("True", "FoundNewReplicaSet",
                       "Found new replica set \"%s\"", 2);
    ck_assert_int_eq(next_deadline(), 60001);
    advance(60001);
    assert_progressing("False", "ProgressDeadlineExceeded",
                       "ReplicaSet \"%s\" has timed out progressing.", 2);
}
END_TEST

/* Shortening the deadline mid-rollout moves the timer; past it, the
 * next pass times out at once. */
START_TEST(test_deadline_changed)
{
    rollout_spec *s;

    stuck_v2();
    advance(100000);
    ck_assert_int_eq(next_deadline(), 500001);
    s = current_spec();
    ck_assert_int_eq(rollout_spec_set_progress_deadline_seconds(s, 120), 0);
    apply(s, ROLLOUT_APPLY_CONFIGURED);
    tick();
    ck_assert_int_eq(next_deadline(), 20001);
    s = current_spec();
    ck_assert_int_eq(rollout_spec_set_progress_deadline_seconds(s, 90), 0);
    apply(s, ROLLOUT_APPLY_CONFIGURED);
    tick();
    assert_progressing("False", "ProgressDeadlineExceeded",
                       "ReplicaSet \"%s\" has timed out progressing.", 2);
    ck_assert_int_eq(next_deadline(), -1);
}
END_TEST

/* 6. Host behaviour. */

/* One replica whose creation is refused 6 times: retried after 1, 2, 4,
 * 8, 10 (16 capped) and 10 s. */
START_TEST(test_refused_create_backoff)
{
    static const int64_t waits[] = {1000, 2000, 4000, 8000, 10000, 10000};
    rollout_replica *r;
    names p;
    size_t i;
    long pos;

    limits(2, 0);
    fh->refuse_creates = 6;
    apply(spec_rolling(1, "app:v1", "1", "1"), ROLLOUT_APPLY_CREATED);
    tick();
    p = replicas_in(1, ROLLOUT_PHASE_PENDING);
    ck_assert_uint_eq(p.n, 1);
    ck_assert_int_eq(fh_log_count(fh, 0, "refuse "), 1);
    assert_log(pos, 0, "refuse %s", p.name[0]);
    assert_log(pos, 0, "event Warning FailedScheduling have not enough "
               "resources");
    r = replica(p.name[0]);
    ck_assert_int_eq(rollout_replica_phase(r), ROLLOUT_PHASE_PENDING);
    ck_assert_str_eq(rollout_replica_reason(r), "have not enough resources");
    /* a pending replica counts in the set's replicas */
    assert_sets("r1=1/1/0/0");
    for (i = 0; i < sizeof(waits) / sizeof(waits[0]); i++) {
        size_t before = fh_log_count(fh, 0, "refuse ");

        ck_assert_int_eq(next_deadline(), waits[i]);
        ck_assert_int_eq(fh->timer_ms, waits[i]);
        advance(waits[i] - 1);
        ck_assert_int_eq(fh_log_count(fh, 0, "refuse "), before);
        ck_assert_int_eq(fh_log_count(fh, 0, "create "), 0);
        ck_assert_int_eq(next_deadline(), 1);
        advance(1);
        if (i + 1 < sizeof(waits) / sizeof(waits[0])) {
            ck_assert_int_eq(fh_log_count(fh, 0, "refuse "), before + 1);
            ck_assert_str_eq(rollout_replica_reason(r),
                             "have not enough resources");
        }
    }
    /* the 7th request is accepted, for the same replica */
    ck_assert_int_eq(fh_log_count(fh, 0, "refuse "), 6);
    ck_assert_int_eq(fh_log_count(fh, 0, "create "), 1);
    assert_log(pos, 0, "create %s", p.name[0]);
    ck_assert_ptr_null(rollout_replica_reason(r));
    report(p.name[0], ROLLOUT_PHASE_READY);
    tick();
    assert_status("deployment \"test\" successfully rolled out");
}
END_TEST

START_TEST(test_backoff_setting)
{
    static const int64_t waits[] = {100, 200, 250, 250};
    size_t i;

    ck_assert_int_eq(rollout_engine_set_backoff(fh->e, 0, 10), ROLLOUT_EINVAL);
    ck_assert_str_eq(rollout_engine_errmsg(fh->e),
                     "backoff needs 0 < initial <= max");
    ck_assert_int_eq(rollout_engine_set_backoff(fh->e, 100, 50), ROLLOUT_EINVAL);
    ck_assert_int_eq(rollout_engine_set_backoff(fh->e, 100, 250), 0);
    limits(2, 0);
    fh->refuse_creates = 4;
    fh->refusal = "node pool exhausted";
    apply(spec_rolling(1, "app:v1", "1", "1"), ROLLOUT_APPLY_CREATED);
    tick();
    for (i = 0; i < sizeof(waits) / sizeof(waits[0]); i++) {
        ck_assert_int_eq(next_deadline(), waits[i]);
        advance(waits[i]);
    }
    ck_assert_int_eq(fh_log_count(fh, 0, "refuse "), 4);
    ck_assert_int_eq(fh_log_count(fh, 0, "create "), 1);
    ck_assert_int_eq(fh_log_count(fh, 0, "event Warning FailedScheduling node "
                                         "pool exhausted"),
                     4);
}
END_TEST

/* A failed replica is asked to go and replaced; so is a lost one. */
static void replaced(rollout_phase phase, const char *reason)
{
    names p;
    rollout_replica *r;
    size_t mark;
    long pos;

    fh->gone_on_delete = false;
    limits(4, 2);
    rolled_out(spec_rolling(3, "app:v1", "1", "1"));
    p = replicas_in(1, ROLLOUT_PHASE_READY);
    mark = fh->log_len;
    ck_assert_int_eq(rollout_engine_report(fh->e, p.name[1], phase, reason), 0);
    r = replica(p.name[1]);
    ck_assert_int_eq(rollout_replica_phase(r), ROLLOUT_PHASE_TERMINATING);
    ck_assert_str_eq(rollout_replica_reason(r), reason);
    tick();
    assert_log(pos, mark, "delete %s", p.name[1]);
    ck_assert_int_eq(fh_log_count(fh, mark, "delete "), 1);
    ck_assert_int_eq(fh_log_count(fh, mark, "create "), 1);
    assert_sets("r1=3/3/2/2");
    assert_status("Waiting for deployment \"test\" rollout to finish: "
                  "2 of 3 updated replicas are available...");
    assert_available(true);
    ck_assert_int_eq(fh_reap(fh), 1);
    tick();
    ck_assert(!replica_exists(p.name[1]));
    finish();
    assert_sets("r1=3/3/3/3");
    ck_assert_int_eq(fh_log_count(fh, mark, "create "), 1);
}

START_TEST(test_failed_replaced)
{
    replaced(ROLLOUT_PHASE_FAILED, "OOMKilled");
}
END_TEST

START_TEST(test_lost_replaced)
{
    replaced(ROLLOUT_PHASE_LOST, "node n1 is gone");
}
END_TEST

/* A replica that goes by itself is replaced; nothing is asked to go. */
START_TEST(test_gone_replaced)
{
    names p;
    size_t mark;

    limits(4, 2);
    rolled_out(spec_rolling(3, "app:v1", "1", "1"));
    p = replicas_in(1, ROLLOUT_PHASE_READY);
    mark = fh->log_len;
    report(p.name[0], ROLLOUT_PHASE_GONE);
    ck_assert(!replica_exists(p.name[0]));
    tick();
    ck_assert_int_eq(fh_log_count(fh, mark, "delete "), 0);
    ck_assert_int_eq(fh_log_count(fh, mark, "create "), 1);
    assert_sets("r1=3/3/2/2");
}
END_TEST

/* Reports from inside callbacks, repeated reports, reentrancy, and a
 * failing callback. */
START_TEST(test_reports_in_callbacks)
{
    names p;
    int64_t t;

    limits(4, 2);
    fh->start_on_create = true;
    fh->reenter = true;
    fh->reenter_rc = 0;
    apply(spec_rolling(3, "app:v1", "1", "1"), ROLLOUT_APPLY_CREATED);
    tick();
    /* reported STARTING from inside the create callback: applied */
    p = replicas_in(1, ROLLOUT_PHASE_STARTING);
    ck_assert_uint_eq(p.n, 3);
    ck_assert_int_eq(fh->reenter_rc, ROLLOUT_EREENTRANT);
    ck_assert_int_eq(rollout_engine_deployment_count(fh->e), 1);
    assert_sets("r1=3/3/0/0");

    /* repeated reports change nothing; readiness keeps its first time */
    report(p.name[0], ROLLOUT_PHASE_READY);
    t = fh->now;
    advance(2000);
    report(p.name[0], ROLLOUT_PHASE_READY);
    report(p.name[0], ROLLOUT_PHASE_READY);
    tick();
    ck_assert_int_eq(rollout_replica_ready_since(replica(p.name[0])), t);
    report(p.name[1], ROLLOUT_PHASE_RUNNING);
    report(p.name[1], ROLLOUT_PHASE_RUNNING);
    tick();
    assert_sets("r1=3/3/1/1");
    /* readiness lost and regained: a new ready time */
    report(p.name[0], ROLLOUT_PHASE_RUNNING);
    ck_assert_int_eq(rollout_replica_ready_since(replica(p.name[0])), -1);
    advance(1000);
    report(p.name[0], ROLLOUT_PHASE_READY);
    ck_assert_int_eq(rollout_replica_ready_since(replica(p.name[0])), fh->now);
    tick();
    assert_sets("r1=3/3/1/1");

    ck_assert_int_eq(rollout_engine_report(fh->e, "nope", ROLLOUT_PHASE_READY,
                                           NULL),
                     ROLLOUT_ENOTFOUND);
    ck_assert_str_eq(rollout_engine_errmsg(fh->e), "replica nope not found");
    ck_assert_int_eq(rollout_engine_report(fh->e, p.name[2],
                                           ROLLOUT_PHASE_TERMINATING, NULL),
                     ROLLOUT_EINVAL);
    ck_assert_int_eq(fh_log_count(fh, 0, "create "), 3);
}
END_TEST

START_TEST(test_failing_callback)
{
    names p;
    size_t mark;

    limits(2, 0);
    fh->fail_callbacks = 1;
    apply(spec_rolling(1, "app:v1", "1", "1"), ROLLOUT_APPLY_CREATED);
    ck_assert_int_eq(fh_tick(fh), ROLLOUT_ECALLBACK);
    p = replicas_in(1, ROLLOUT_PHASE_PENDING);
    ck_assert_uint_eq(p.n, 1);
    ck_assert_int_eq(fh_log_count(fh, 0, "create-failed "), 1);
    /* the tick stopped there: its work goes on at once, but the failed
     * request waits for the backoff (1 s) before it goes again */
    ck_assert_int_eq(next_deadline(), 0);
    mark = fh->log_len;
    tick();
    ck_assert_int_eq(next_deadline(), 1000);
    advance(999);
    ck_assert_int_eq(fh_log_count(fh, mark, "create "), 0);
    advance(1);
    ck_assert_int_ge(log_find(mark, "create %s", p.name[0]), 0);
    ck_assert_int_eq(fh_log_count(fh, 0, "create "), 1);
}
END_TEST

/* A refused delete: the replica stays terminating, out of the counts,
 * and the request is retried with backoff. */
START_TEST(test_refused_delete)
{
    names before;
    size_t mark;
    long pos;

    limits(4, 2);
    rolled_out(spec_rolling(3, "app:v1", "1", "1"));
    before = replicas_in(1, ROLLOUT_PHASE_READY);
    limits(3, 1);
    fh->scaling = true;
    fh->refuse_deletes = 2;
    mark = fh->log_len;
    ck_assert_int_eq(rollout_engine_scale(fh->e, NS, "test", 2), 0);
    tick();
    ck_assert_int_eq(fh_log_count(fh, mark, "refuse-delete "), 1);
    ck_assert_int_eq(fh_log_count(fh, mark, "delete "), 0);
    {
        names t = replicas_in(1, ROLLOUT_PHASE_TERMINATING);

        ck_assert_uint_eq(t.n, 1);
        assert_log(pos, mark, "refuse-delete %s", t.name[0]);
        assert_log(pos, mark, "event Warning FailedDelete Error deleting: node "
                   "not responding");
        ck_assert_str_eq(rollout_replica_reason(replica(t.name[0])),
                         "node not responding");
        assert_sets("r1=2/2/2/2");
        ck_assert_int_eq(next_deadline(), 1000);
        advance(1000);
        ck_assert_int_eq(fh_log_count(fh, mark, "refuse-delete "), 2);
        ck_assert_int_eq(next_deadline(), 2000);
        advance(1999);
        ck_assert_int_eq(fh_log_count(fh, mark, "delete "), 0);
        advance(1);
        assert_log(pos, mark, "delete %s", t.name[0]);
        ck_assert(!replica_exists(t.name[0]));
    }
    ck_assert_uint_eq(before.n, 3);
    assert_sets("r1=2/2/2/2");
    /* no replacement was made for it */
    ck_assert_int_eq(fh_log_count(fh, mark, "create "), 0);
}
END_TEST

/* Deleting a deployment whose only replica the host keeps refusing: the
 * host never took it, so nothing is asked to go and nothing waits. */
START_TEST(test_delete_unplaced)
{
    limits(2, 0);
    fh->refuse_creates = 100;
    apply(spec_rolling(1, "app:v1", "1", "1"), ROLLOUT_APPLY_CREATED);
    tick();
    advance(1000);
    ck_assert_int_eq(fh_log_count(fh, 0, "refuse "), 2);
    ck_assert_int_eq(rollout_engine_delete(fh->e, NS, "test"), 0);
    tick();
    ck_assert_int_eq(fh_log_count(fh, 0, "delete "), 0);
    ck_assert_int_eq(rollout_engine_deployment_count(fh->e), 0);
    ck_assert_int_eq(next_deadline(), -1);
    advance(60000);
    ck_assert_int_eq(fh_log_count(fh, 0, "refuse "), 2);
}
END_TEST

/* A clock that goes back is held where it was: deadlines do not move. */
START_TEST(test_clock_back)
{
    names p;

    apply(spec_min_ready(3, "app:v1", 10), ROLLOUT_APPLY_CREATED);
    tick();
    p = replicas_in(1, ROLLOUT_PHASE_PENDING);
    report(p.name[0], ROLLOUT_PHASE_READY);
    tick();
    ck_assert_int_eq(next_deadline(), 10001);
    fh->now -= 5000;
    tick();
    ck_assert_int_eq(next_deadline(), 10001);
    fh->now += 5000 + 10001;
    tick();
    assert_sets("r1=3/3/1/1");
}
END_TEST

/* 7. revisionHistoryLimit. */

static void assert_revisions(const char *want)
{
    rollout_deployment *d = deployment();
    char got[128] = "";
    size_t i;

    for (i = 0; i < rollout_deployment_revision_count(d); i++)
        snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%lld",
                 i ? "," : "",
                 (long long)rollout_revision_number(
                     rollout_deployment_revision_at(d, i)));
    ck_assert_str_eq(got, want);
}

START_TEST(test_history_limit)
{
    rollout_spec *s = spec_rolling(3, "app:v1", "1", "1");

    ck_assert_int_eq(rollout_spec_set_revision_history_limit(s, 2), 0);
    limits(4, 2);
    rolled_out(s);
    set_image("app:v2");
    tick();
    finish();
    set_image("app:v3");
    tick();
    finish();
    /* 2 old sets, limit 2 */
    assert_revisions("1,2,3");
    set_image("app:v4");
    tick();
    /* mid-rollout nothing is cleaned up */
    assert_revisions("1,2,3,4");
    finish();
    /* complete: 3 old sets, the lowest revision goes */
    assert_revisions("2,3,4");
    set_image("app:v5");
    tick();
    finish();
    assert_revisions("3,4,5");
    assert_sets("r3=0/0/0/0 r4=0/0/0/0 r5=3/3/3/3");
}
END_TEST

/* limit 0: old sets go as soon as the rollout is complete, once their
 * replicas are all gone. */
START_TEST(test_history_limit_zero)
{
    rollout_spec *s = spec_rolling(3, "app:v1", "1", "1");
    int outcome = 0;

    ck_assert_int_eq(rollout_spec_set_revision_history_limit(s, 0), 0);
    fh->gone_on_delete = false;
    limits(4, 2);
    rolled_out(s);
    set_image("app:v2");
    tick();
    fh_reap(fh);
    tick();
    finish();
    assert_status("deployment \"test\" successfully rolled out");
    /* complete, with the last 2 old replicas still terminating: the set
     * stays until both are gone */
    ck_assert_int_eq(fh_log_count(fh, 0, "delete "), 3);
    {
        names t = replicas_in(1, ROLLOUT_PHASE_TERMINATING);

        ck_assert_uint_eq(t.n, 2);
        assert_revisions("1,2");
        report(t.name[0], ROLLOUT_PHASE_GONE);
        tick();
        assert_revisions("1,2");
        report(t.name[1], ROLLOUT_PHASE_GONE);
        tick();
    }
    assert_revisions("2");
    ck_assert_int_eq(rollout_engine_undo(&outcome, fh->e, NS, "test", 0),
                     ROLLOUT_ENOTFOUND);
    ck_assert_str_eq(rollout_engine_errmsg(fh->e),
                     "no rollout history found for deployment \"test\"");
    set_image("app:v3");
    tick();
    fh_reap(fh);
    tick();
    finish();
    fh_reap(fh);
    tick();
    assert_revisions("3");
}
END_TEST

/* A paused deployment cleans up its history too (sync() when paused). */
START_TEST(test_history_paused)
{
    rollout_spec *s;

    limits(4, 2);
    rolled_out(spec_rolling(3, "app:v1", "1", "1"));
    set_image("app:v2");
    tick();
    finish();
    set_image("app:v3");
    tick();
    finish();
    assert_revisions("1,2,3");
    ck_assert_int_eq(rollout_engine_pause(fh->e, NS, "test"), 0);
    tick();
    s = current_spec();
    ck_assert_int_eq(rollout_spec_set_revision_history_limit(s, 1), 0);
    apply(s, ROLLOUT_APPLY_CONFIGURED);
    tick();
    assert_revisions("2,3");
}
END_TEST

/* Lowering the limit on a complete deployment: the pass that observes
 * the new generation is not yet complete for cleanupDeployment (it reads
 * the old observedGeneration), the next one is; both in one tick. */
START_TEST(test_history_limit_lowered)
{
    rollout_spec *s;

    limits(4, 2);
    rolled_out(spec_rolling(3, "app:v1", "1", "1"));
    set_image("app:v2");
    tick();
    finish();
    set_image("app:v3");
    tick();
    finish();
    assert_revisions("1,2,3");
    s = current_spec();
    ck_assert_int_eq(rollout_spec_set_revision_history_limit(s, 1), 0);
    apply(s, ROLLOUT_APPLY_CONFIGURED);
    tick();
    assert_revisions("2,3");
    ck_assert_int_eq(rollout_deployment_observed_generation(deployment()), 4);
}
END_TEST

/* Rolling back again and again: the revision-history annotation keeps the
 * numbers a set had. */
START_TEST(test_revision_history_annotation)
{
    int outcome = 0;
    const char *h1, *h2;

    limits(4, 2);
    rolled_out(spec_rolling(3, "app:v1", "1", "1"));
    set_image("app:v2");
    tick();
    finish();
    h1 = rs_name(1);
    h2 = rs_name(2);
    ck_assert_int_eq(rollout_engine_undo(&outcome, fh->e, NS, "test", 0), 0);
    tick();
    finish();
    ck_assert_str_eq(rs_name(3), h1);
    ck_assert_int_eq(rollout_engine_undo(&outcome, fh->e, NS, "test", 0), 0);
    tick();
    finish();
    ck_assert_str_eq(rs_name(4), h2);
    ck_assert_str_eq(annotation(4, "deployment.kubernetes.io/revision-history"),
                     "2");
    ck_assert_int_eq(rollout_engine_undo(&outcome, fh->e, NS, "test", 0), 0);
    tick();
    finish();
    ck_assert_str_eq(rs_name(5), h1);
    ck_assert_str_eq(annotation(5, "deployment.kubernetes.io/revision"), "5");
    ck_assert_str_eq(annotation(5, "deployment.kubernetes.io/revision-history"),
                     "1,3");
    assert_revisions("4,5");
    ck_assert_int_eq(rollout_deployment_revision(deployment()), 5);
}
END_TEST

/* 8. restart, scale, delete, change cause. */

START_TEST(test_restart)
{
    rollout_revision *r1, *r2;
    const char *tmpl;

    limits(4, 2);
    rolled_out(spec_rolling(3, "app:v1", "1", "1"));
    ck_assert_int_eq(rollout_engine_restart(fh->e, NS, "test"), 0);
    ck_assert_int_eq(rollout_deployment_generation(deployment()), 2);
    tick();
    assert_sets("r1=2/2/2/2 r2=2/2/0/0");
    ck_assert_int_eq(rollout_deployment_find_revision(&r1, deployment(), 1), 0);
    ck_assert_int_eq(rollout_deployment_find_revision(&r2, deployment(), 2), 0);
    ck_assert_str_ne(rollout_revision_hash(r1), rollout_revision_hash(r2));
    ck_assert_uint_eq(rollout_revision_container_count(r2), 1);
    ck_assert_str_eq(rollout_revision_container_image(r2, 0), "app:v1");
    ck_assert_str_eq(rollout_revision_container_name(r2, 0), "test");
    ck_assert_uint_eq(rollout_revision_container_arg_count(r2, 0),
                      rollout_revision_container_arg_count(r1, 0));
    /* the clock says 2019-07-07T16:31:32Z */
    tmpl = rollout_revision_template(r2);
    ck_assert_ptr_nonnull(strstr(tmpl, "\"kubectl.kubernetes.io/restartedAt\":"
                                       "\"2019-07-07T16:31:32Z\""));
    ck_assert_ptr_null(strstr(rollout_revision_template(r1), "restartedAt"));
    finish();
    assert_sets("r1=0/0/0/0 r2=3/3/3/3");

    ck_assert_int_eq(rollout_engine_pause(fh->e, NS, "test"), 0);
    ck_assert_int_eq(rollout_engine_restart(fh->e, NS, "test"), ROLLOUT_ESTATE);
    ck_assert_str_eq(rollout_engine_errmsg(fh->e),
                     "can't restart paused deployment (run rollout resume "
                     "first)");
    ck_assert_int_eq(rollout_deployment_generation(deployment()), 3);
}
END_TEST

START_TEST(test_scale)
{
    size_t mark;
    long pos;
    names p;

    limits(4, 2);
    rolled_out(spec_rolling(3, "app:v1", "1", "1"));
    ck_assert_int_eq(rollout_deployment_generation(deployment()), 1);
    limits(6, 4);
    mark = fh->log_len;
    ck_assert_int_eq(rollout_engine_scale(fh->e, NS, "test", 5), 0);
    ck_assert_int_eq(rollout_deployment_generation(deployment()), 2);
    ck_assert_int_eq(rollout_deployment_observed_generation(deployment()), 1);
    assert_status("Waiting for deployment spec update to be observed...");
    tick();
    ck_assert_int_eq(rollout_deployment_observed_generation(deployment()), 2);
    /* one active set takes the new size */
    assert_log(pos, mark, "event Normal ScalingReplicaSet Scaled up replica set "
               "%s to 5 from 3", rs_name(1));
    ck_assert_int_eq(fh_log_count(fh, mark, "create "), 2);
    assert_sets("r1=5/5/3/3");
    assert_annotations(1, "5", "6");
    /* a scaling event is no new revision */
    assert_revisions("1");
    assert_status("Waiting for deployment \"test\" rollout to finish: "
                  "3 of 5 updated replicas are available...");

    /* down to 2: the 2 not ready go first, then 1 ready */
    limits(3, 1);
    fh->scaling = true;
    p = replicas_in(1, ROLLOUT_PHASE_PENDING);
    ck_assert_uint_eq(p.n, 2);
    mark = fh->log_len;
    ck_assert_int_eq(rollout_engine_scale(fh->e, NS, "test", 2), 0);
    tick();
    assert_log(pos, mark, "event Normal ScalingReplicaSet Scaled down replica "
               "set %s to 2 from 5", rs_name(1));
    ck_assert_int_eq(fh_log_count(fh, mark, "delete "), 3);
    ck_assert_int_ge(log_find(mark, "delete %s", p.name[0]), 0);
    ck_assert_int_ge(log_find(mark, "delete %s", p.name[1]), 0);
    assert_sets("r1=2/2/2/2");
    assert_annotations(1, "2", "3");
    assert_status("deployment \"test\" successfully rolled out");
    ck_assert_int_eq(rollout_deployment_generation(deployment()), 3);

    /* the same size again changes nothing */
    ck_assert_int_eq(rollout_engine_scale(fh->e, NS, "test", 2), 0);
    ck_assert_int_eq(rollout_deployment_generation(deployment()), 3);
    ck_assert_int_eq(rollout_engine_scale(fh->e, NS, "test", -1),
                     ROLLOUT_EVALIDATION);
    ck_assert_int_eq(rollout_engine_scale(fh->e, NS, "nope", 1),
                     ROLLOUT_ENOTFOUND);
    ck_assert_str_eq(rollout_engine_errmsg(fh->e),
                     "deployments.apps \"nope\" not found");
}
END_TEST

/* A deployment created paused creates nothing until resumed. */
START_TEST(test_created_paused)
{
    rollout_spec *s = spec_rolling(3, "app:v1", "1", "1");

    ck_assert_int_eq(rollout_spec_set_paused(s, 1), 0);
    limits(4, 2);
    apply(s, ROLLOUT_APPLY_CREATED);
    tick();
    ck_assert_int_eq(rollout_deployment_replica_set_count(deployment()), 0);
    ck_assert_int_eq(fh_log_count(fh, 0, "create "), 0);
    assert_cond("Progressing", "Unknown", "DeploymentPaused",
                "Deployment is paused");
    assert_status("Waiting for deployment \"test\" rollout to finish: "
                  "0 out of 3 new replicas have been updated...");
    ck_assert_int_eq(next_deadline(), -1);
    ck_assert_int_eq(rollout_engine_resume(fh->e, NS, "test"), 0);
    tick();
    assert_sets("r1=3/3/0/0");
    finish();
    assert_status("deployment \"test\" successfully rolled out");
}
END_TEST

START_TEST(test_delete)
{
    size_t mark;

    fh->gone_on_delete = false;
    limits(4, 2);
    rolled_out(spec_rolling(3, "app:v1", "1", "1"));
    set_image("app:v2");
    tick();
    /* r1: 2 active and 1 terminating; r2: 2 active */
    assert_sets("r1=2/2/2/2 r2=2/2/0/0");
    mark = fh->log_len;
    ck_assert_int_eq(rollout_engine_delete(fh->e, NS, "test"), 0);
    ck_assert_int_eq(rollout_deployment_deleting(deployment()), 1);
    tick();
    /* every replica not yet going is asked to go */
    ck_assert_int_eq(fh_log_count(fh, mark, "delete "), 4);
    ck_assert_int_eq(fh_log_count(fh, mark, "create "), 0);
    ck_assert_uint_eq(replicas_in(1, ROLLOUT_PHASE_TERMINATING).n, 3);
    ck_assert_uint_eq(replicas_in(2, ROLLOUT_PHASE_TERMINATING).n, 2);
    ck_assert_int_eq(rollout_engine_deployment_count(fh->e), 1);

    {
        rollout_spec *again = fh_seed_spec("test", 3, "app:v1", 8000);

        ck_assert_int_eq(rollout_engine_apply(NULL, fh->e, again),
                         ROLLOUT_EEXIST);
        rollout_spec_free(again);
    }
    ck_assert_str_eq(rollout_engine_errmsg(fh->e),
                     "object is being deleted: deployments.apps \"test\" "
                     "already exists");
    ck_assert_int_eq(rollout_engine_scale(fh->e, NS, "test", 1), ROLLOUT_ESTATE);
    ck_assert_str_eq(rollout_engine_errmsg(fh->e),
                     "deployments.apps \"test\" is being deleted");

    /* one left: still there */
    {
        names t = replicas_in(2, ROLLOUT_PHASE_TERMINATING);

        report(t.name[0], ROLLOUT_PHASE_GONE);
        tick();
        ck_assert_int_eq(rollout_engine_deployment_count(fh->e), 1);
        ck_assert_int_eq(fh_reap(fh), 4);
    }
    tick();
    ck_assert_int_eq(rollout_engine_deployment_count(fh->e), 0);
    ck_assert_int_eq(next_deadline(), -1);
    ck_assert_int_eq(fh_log_count(fh, mark, "delete "), 4);
    apply(spec_rolling(3, "app:v1", "1", "1"), ROLLOUT_APPLY_CREATED);
    tick();
    assert_sets("r1=3/3/0/0");
}
END_TEST

START_TEST(test_change_cause)
{
    rollout_spec *s = spec_rolling(3, "app:v1", "1", "1");
    int outcome = 0;

    ck_assert_int_eq(rollout_spec_set_annotation(s, "kubernetes.io/change-cause",
                                                 "kubectl create --image=app:v1"),
                     0);
    limits(4, 2);
    rolled_out(s);
    ck_assert_str_eq(annotation(1, "kubernetes.io/change-cause"),
                     "kubectl create --image=app:v1");
    ck_assert_str_eq(rollout_revision_change_cause(
                         rollout_replica_set_revision(rs_of(1))),
                     "kubectl create --image=app:v1");

    s = current_spec();
    {
        size_t c;

        ck_assert_int_eq(rollout_spec_find_container(&c, s, "test"), 0);
        ck_assert_int_eq(rollout_spec_container_set_image(s, c, "app:v2"), 0);
    }
    ck_assert_int_eq(rollout_spec_set_annotation(s, "kubernetes.io/change-cause",
                                                 "kubectl set image test=app:v2"),
                     0);
    apply(s, ROLLOUT_APPLY_CONFIGURED);
    tick();
    finish();
    ck_assert_str_eq(rollout_revision_change_cause(
                         rollout_replica_set_revision(rs_of(2))),
                     "kubectl set image test=app:v2");
    /* the old set keeps its own */
    ck_assert_str_eq(rollout_revision_change_cause(
                         rollout_replica_set_revision(rs_of(1))),
                     "kubectl create --image=app:v1");

    /* a new cause alone (metadata, no new generation) goes to the new set
     * only */
    s = current_spec();
    ck_assert_int_eq(rollout_spec_set_annotation(s, "kubernetes.io/change-cause",
                                                 "v2 is the one"),
                     0);
    apply(s, ROLLOUT_APPLY_CONFIGURED);
    ck_assert_int_eq(rollout_deployment_generation(deployment()), 2);
    tick();
    ck_assert_str_eq(rollout_revision_change_cause(
                         rollout_replica_set_revision(rs_of(2))),
                     "v2 is the one");
    ck_assert_str_eq(rollout_revision_change_cause(
                         rollout_replica_set_revision(rs_of(1))),
                     "kubectl create --image=app:v1");

    /* undo copies the set's annotations to the deployment: revision 3 is
     * v1 with v1's cause */
    ck_assert_int_eq(rollout_engine_undo(&outcome, fh->e, NS, "test", 1), 0);
    tick();
    ck_assert_str_eq(rollout_revision_change_cause(
                         rollout_replica_set_revision(rs_of(3))),
                     "kubectl create --image=app:v1");
    finish();
    assert_revisions("2,3");
}
END_TEST

/* 9. Events. */

START_TEST(test_events)
{
    names p, q;
    size_t mark, i;
    long scaled, created;

    limits(4, 2);
    apply(spec_rolling(3, "app:v1", "1", "1"), ROLLOUT_APPLY_CREATED);
    tick();
    assert_log(scaled, 0, "event Normal ScalingReplicaSet Scaled up replica set "
               "%s to 3", rs_name(1));
    p = replicas_in(1, ROLLOUT_PHASE_PENDING);
    ck_assert_uint_eq(p.n, 3);
    for (i = 0; i < p.n; i++) {
        long c;

        assert_log(created, 0, "event Normal SuccessfulCreate Created pod: %s",
                   p.name[i]);
        assert_log(c, 0, "create %s", p.name[i]);
        ck_assert_int_lt(scaled, created);
    }
    ck_assert_int_eq(fh_log_count(fh, 0, "event Normal SuccessfulCreate "), 3);
    ck_assert_int_eq(fh_log_count(fh, 0, "event Normal ScalingReplicaSet "), 1);
    finish();

    mark = fh->log_len;
    set_image("app:v2");
    tick();
    q = replicas_in(2, ROLLOUT_PHASE_PENDING);
    ck_assert_uint_eq(q.n, 2);
    for (i = 0; i < q.n; i++)
        ck_assert_int_ge(log_find(mark, "event Normal SuccessfulCreate Created "
                                  "pod: %s", q.name[i]),
                         0);
    ck_assert_int_eq(fh_log_count(fh, mark, "event Normal SuccessfulDelete "), 1);
    for (i = 0; i < p.n; i++)
        if (log_find(mark, "delete %s", p.name[i]) >= 0)
            ck_assert_int_ge(log_find(mark, "event Normal SuccessfulDelete "
                                      "Deleted pod: %s", p.name[i]),
                             0);
    ck_assert_int_eq(fh_log_count(fh, mark, "event Normal ScalingReplicaSet "), 3);
    /* nothing but these */
    ck_assert_int_eq(fh_log_count(fh, mark, "event "), 6);
}
END_TEST

/* 10. Victims. */

/* Six replicas in every state the order tells apart, then scaled down one
 * at a time.  Ready ages at the time of the scale-downs differ by more
 * than a power of two, so upstream's logarithmic comparison agrees with
 * the plain one. */
START_TEST(test_victim_order)
{
    static const char *const want_order[] = {"p1", "p2", "p3", "p5", "p6", "p4"};
    char p[7][96];
    names n;
    int64_t t0;
    size_t i, k;

    limits(7, 0);
    fh->scaling = true;
    t0 = fh->now;
    apply(spec_rolling(5, "app:v1", "1", "1"), ROLLOUT_APPLY_CREATED);
    tick();
    n = replicas_in(1, ROLLOUT_PHASE_PENDING);
    ck_assert_uint_eq(n.n, 5);
    for (i = 0; i < 5; i++)
        snprintf(p[i + 1], sizeof(p[0]), "%s", n.name[i]);

    /* p1: not placed, running; p2: placed on n1, pending; p3: on n1,
     * running, not ready; p4: on n2, ready at t0+10s; p5: on n2, ready at
     * t0+60s */
    ck_assert_int_eq(rollout_engine_report_node(fh->e, p[2], "n1"), 0);
    ck_assert_int_eq(rollout_engine_report_node(fh->e, p[3], "n1"), 0);
    ck_assert_int_eq(rollout_engine_report_node(fh->e, p[4], "n2"), 0);
    ck_assert_int_eq(rollout_engine_report_node(fh->e, p[5], "n2"), 0);
    report(p[1], ROLLOUT_PHASE_RUNNING);
    report(p[3], ROLLOUT_PHASE_RUNNING);
    tick();
    fh->now = t0 + 10000;
    report(p[4], ROLLOUT_PHASE_READY);
    tick();
    fh->now = t0 + 60000;
    report(p[5], ROLLOUT_PHASE_READY);
    tick();
    /* p6: created at t0+100s, on n3, ready at t0+140s */
    fh->now = t0 + 100000;
    limits(8, 0);
    ck_assert_int_eq(rollout_engine_scale(fh->e, NS, "test", 6), 0);
    tick();
    n = replicas_in(1, ROLLOUT_PHASE_PENDING);
    ck_assert_uint_eq(n.n, 2);
    snprintf(p[6], sizeof(p[0]), "%s", strcmp(n.name[0], p[2]) ? n.name[0]
                                                                : n.name[1]);
    ck_assert_int_eq(rollout_engine_report_node(fh->e, p[6], "n3"), 0);
    fh->now = t0 + 140000;
    report(p[6], ROLLOUT_PHASE_READY);
    tick();
    ck_assert_int_eq(rollout_replica_created(replica(p[6])), t0 + 100000);
    ck_assert_str_eq(rollout_replica_node(replica(p[6])), "n3");
    ck_assert_ptr_null(rollout_replica_node(replica(p[1])));
    assert_sets("r1=6/6/3/3");

    /* at t0+150s: p1 (unplaced) before p2 (pending) before p3 (not
     * ready); of the ready ones, p4 and p5 share n2 (rank 2) and go
     * before p6 although p6 is the most recently ready; p5 (ready 90 s)
     * before p4 (ready 140 s); then p6 (ready 10 s, rank 1 like p4)
     * before p4 */
    fh->now = t0 + 150000;
    for (k = 0; k < 6; k++) {
        size_t mark = fh->log_len;
        const char *want = p[want_order[k][1] - '0'];

        ck_assert_int_eq(rollout_engine_scale(fh->e, NS, "test",
                                              (int32_t)(5 - k)),
                         0);
        tick();
        ck_assert_int_eq(fh_log_count(fh, mark, "delete "), 1);
        ck_assert_msg(log_find(mark, "delete %s", want) >= 0,
                      "step %zu: expected %s (%s) to go", k, want_order[k], want);
    }
    assert_sets("r1=0/0/0/0");
}
END_TEST

/* All else equal, the newest replica goes first. */
START_TEST(test_victim_newest_first)
{
    names n;
    char oldest[2][96], newest[96];
    int64_t t0 = fh->now;
    size_t mark;

    limits(4, 0);
    fh->scaling = true;
    apply(spec_rolling(2, "app:v1", "1", "1"), ROLLOUT_APPLY_CREATED);
    tick();
    n = replicas_in(1, ROLLOUT_PHASE_PENDING);
    snprintf(oldest[0], sizeof(oldest[0]), "%s", n.name[0]);
    snprintf(oldest[1], sizeof(oldest[1]), "%s", n.name[1]);
    fh->now = t0 + 100000;
    ck_assert_int_eq(rollout_engine_scale(fh->e, NS, "test", 3), 0);
    tick();
    n = replicas_in(1, ROLLOUT_PHASE_PENDING);
    ck_assert_uint_eq(n.n, 3);
    {
        size_t i;

        for (i = 0; i < 3; i++)
            if (strcmp(n.name[i], oldest[0]) && strcmp(n.name[i], oldest[1]))
                snprintf(newest, sizeof(newest), "%s", n.name[i]);
    }
    /* all ready at the same instant, none placed */
    fh->now = t0 + 101000;
    report(oldest[0], ROLLOUT_PHASE_READY);
    report(oldest[1], ROLLOUT_PHASE_READY);
    report(newest, ROLLOUT_PHASE_READY);
    tick();
    fh->now = t0 + 102000;
    mark = fh->log_len;
    ck_assert_int_eq(rollout_engine_scale(fh->e, NS, "test", 2), 0);
    tick();
    ck_assert_int_eq(fh_log_count(fh, mark, "delete "), 1);
    ck_assert_int_ge(log_find(mark, "delete %s", newest), 0);
}
END_TEST

/* Only the deployment's own replicas make a node crowded: three replicas
 * of another deployment on the older replica's node change nothing, and
 * the newer replica goes (creation ages 102 s and 2 s: different powers of
 * two, as upstream's logarithmic comparison needs). */
START_TEST(test_victim_rank_own_replicas)
{
    rollout_spec *other = fh_seed_spec("other", 3, "other:v1", 8000);
    names n, o;
    char older[96], newer[96];
    int64_t t0 = fh->now;
    size_t mark, i;

    limits(3, 0);
    fh->scaling = true;
    apply(spec_rolling(1, "app:v1", "1", "1"), ROLLOUT_APPLY_CREATED);
    apply(other, ROLLOUT_APPLY_CREATED);
    tick();
    n = replicas_in(1, ROLLOUT_PHASE_PENDING);
    snprintf(older, sizeof(older), "%s", n.name[0]);
    fh->now = t0 + 100000;
    ck_assert_int_eq(rollout_engine_scale(fh->e, NS, "test", 2), 0);
    tick();
    n = replicas_in(1, ROLLOUT_PHASE_PENDING);
    ck_assert_uint_eq(n.n, 2);
    snprintf(newer, sizeof(newer), "%s",
             strcmp(n.name[0], older) ? n.name[0] : n.name[1]);
    {
        rollout_deployment *od;
        rollout_replica_set *ors;

        ck_assert_int_eq(rollout_engine_find_deployment(&od, fh->e, NS, "other"),
                         0);
        ors = rollout_deployment_replica_set_at(od, 0);
        ck_assert_uint_eq(rollout_replica_set_replica_count(ors), 3);
        memset(&o, 0, sizeof(o));
        for (i = 0; i < 3; i++)
            snprintf(o.name[i], sizeof(o.name[0]), "%s",
                     rollout_replica_name(rollout_replica_set_replica_at(ors, i)));
    }
    fh->now = t0 + 101000;
    ck_assert_int_eq(rollout_engine_report_node(fh->e, older, "n1"), 0);
    ck_assert_int_eq(rollout_engine_report_node(fh->e, newer, "n2"), 0);
    report(older, ROLLOUT_PHASE_READY);
    report(newer, ROLLOUT_PHASE_READY);
    for (i = 0; i < 3; i++) {
        ck_assert_int_eq(rollout_engine_report_node(fh->e, o.name[i], "n1"), 0);
        report(o.name[i], ROLLOUT_PHASE_READY);
    }
    tick();
    fh->now = t0 + 102000;
    mark = fh->log_len;
    ck_assert_int_eq(rollout_engine_scale(fh->e, NS, "test", 1), 0);
    tick();
    ck_assert_int_eq(fh_log_count(fh, mark, "delete "), 1);
    ck_assert_int_ge(log_find(mark, "delete %s", newer), 0);
}
END_TEST

/* 11. Persistence: a snapshot taken mid-rollout, with an availability
 * timer, a refused create waiting for its retry and a replica still
 * terminating, continues in a new engine exactly as the old one does. */

static void both(fakehost *a, fakehost *b, int64_t ms)
{
    a->now += ms;
    b->now += ms;
    ck_assert_int_eq(fh_tick(a), 0);
    ck_assert_int_eq(fh_tick(b), 0);
}

static void same(fakehost *a, fakehost *b, size_t mark_a, size_t mark_b)
{
    char *sa = fh_sets(a, NS, "test"), *sb = fh_sets(b, NS, "test");
    char *la = fh_log_since(a, mark_a), *lb = fh_log_since(b, mark_b);
    int64_t ta, tb;

    ck_assert_str_eq(sa, sb);
    ck_assert_str_eq(la, lb);
    ck_assert_str_eq(fh_status(a, NS, "test"), fh_status(b, NS, "test"));
    ck_assert_int_eq(rollout_engine_next_deadline(&ta, a->e), 0);
    ck_assert_int_eq(rollout_engine_next_deadline(&tb, b->e), 0);
    ck_assert_int_eq(ta, tb);
    free(sa);
    free(sb);
    free(la);
    free(lb);
}

START_TEST(test_snapshot_mid_rollout)
{
    fakehost *b;
    char *json = NULL;
    size_t mark_a, mark_b, i;
    names p;

    fh->gone_on_delete = false;
    limits(4, 2);
    apply(spec_min_ready(3, "app:v1", 10), ROLLOUT_APPLY_CREATED);
    tick();
    ready(1, 3);
    advance(10001);
    set_image("app:v2");
    fh->refuse_creates = 1;
    tick();
    /* r1 3 -> 2 with one terminating; r2's first create refused */
    assert_sets("r1=2/2/2/2 r2=2/2/0/0");
    ck_assert_int_eq(fh_log_count(fh, 0, "refuse "), 1);
    p = replicas_in(2, ROLLOUT_PHASE_PENDING);
    for (i = 0; i < p.n; i++)
        if (!rollout_replica_reason(replica(p.name[i])))
            report(p.name[i], ROLLOUT_PHASE_READY);
    advance(500);
    assert_sets("r1=2/2/2/2 r2=2/2/1/0");

    ck_assert_int_eq(rollout_engine_save(&json, fh->e), 0);
    b = fh_new();
    b->now = fh->now;
    b->gone_on_delete = false;
    b->watch_ns = NS;
    b->watch_name = "test";
    b->max_total = 4;
    b->min_available = 2;
    ck_assert_int_eq(rollout_engine_restore(b->e, json, strlen(json)), 0);
    rollout_free(json);
    mark_a = fh->log_len;
    mark_b = b->log_len;
    same(fh, b, mark_a, mark_b);

    /* the refused create is retried 1 s after its refusal, the ready
     * replica is available 10 s + 1 ms after its readiness */
    both(fh, b, 500);
    same(fh, b, mark_a, mark_b);
    ck_assert_int_eq(fh_log_count(b, mark_b, "create "), 1);
    both(fh, b, 9500);
    same(fh, b, mark_a, mark_b);
    both(fh, b, 1);
    same(fh, b, mark_a, mark_b);
    assert_sets("r1=1/1/1/1 r2=3/3/1/1");
    ck_assert_int_eq(fh_reap(fh), fh_reap(b));
    both(fh, b, 0);
    same(fh, b, mark_a, mark_b);
    fh_free(b);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("scenarios");
    struct {
        const char *name;
        const TTest *tests[12];
    } cases[] = {
        {"rolling-update", {test_percent_waves, test_surge0_unavailable1,
                            test_surge1_unavailable0, test_rollover,
                            test_scale_to_zero}},
        {"recreate", {test_recreate, test_recreate_failed_old_replica,
                      test_recreate_undo}},
        {"proportional-scaling", {test_proportional_5_to_10,
                                  test_proportional_5_to_3,
                                  test_proportional_paused,
                                  test_proportional_percent_rounding,
                                  test_proportional_three_sets,
                                  test_paused_template_and_scale,
                                  test_proportional_old_sets_only}},
        {"min-ready-seconds", {test_min_ready_boundary, test_min_ready_rollout,
                               test_min_ready_changed, test_min_ready_staggered}},
        {"progress-deadline", {test_deadline_exceeded, test_deadline_paused,
                               test_deadline_undo,
                               test_deadline_after_completion_scale,
                               test_deadline_after_completion_recreate,
                               test_no_deadline, test_deadline_changed}},
        {"host", {test_refused_create_backoff, test_backoff_setting,
                  test_failed_replaced, test_lost_replaced, test_gone_replaced,
                  test_reports_in_callbacks, test_failing_callback,
                  test_refused_delete, test_delete_unplaced, test_clock_back}},
        {"revision-history", {test_history_limit, test_history_limit_zero,
                              test_history_paused, test_history_limit_lowered,
                              test_revision_history_annotation}},
        {"operations", {test_restart, test_scale, test_created_paused,
                        test_delete, test_change_cause}},
        {"events", {test_events}},
        {"victims", {test_victim_order, test_victim_newest_first,
                     test_victim_rank_own_replicas}},
        {"persistence", {test_snapshot_mid_rollout}},
    };
    size_t i, j;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        TCase *tc = tcase_create(cases[i].name);

        tcase_add_checked_fixture(tc, setup, teardown);
        for (j = 0; j < 12 && cases[i].tests[j]; j++)
            tcase_add_test(tc, cases[i].tests[j]);
        suite_add_tcase(s, tc);
    }
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
