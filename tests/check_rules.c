/*
 * Table tests of the Kubernetes rules (lib/k8s_rules.h): one Check test
 * per vector, one test case per rule family.  The vectors translate the
 * unit tests of the Kubernetes Deployment controller (v1.28) and kubectl
 * into plain counts; the table comments name the upstream test each table
 * comes from.  The rest follow the upstream code (rolling.go, sync.go,
 * progress.go, util/deployment_util.go, kubectl's rollout_status.go) and
 * spec/kubernetes.md.
 *
 * Translation notes.  Upstream's newDeployment() test helper sets maxSurge
 * and maxUnavailable to 0 unless given; TestScale annotates every set with
 * the previous deployment's desired-replicas and replicas + MaxSurge as
 * max-replicas; the rs() helper leaves status counts at 0.  Replica sets
 * are ordered by creation time, then by creation serial (which stands in
 * for upstream's name order).
 */
#include <check.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "k8s_rules.h"
#include "rollout/common.h"

#define RU ROLLOUT_STRATEGY_ROLLING_UPDATE
#define RECREATE ROLLOUT_STRATEGY_RECREATE
#define NO_RS ROLLOUT__NO_RS

#define NONE {ROLLOUT__INTSTR_NONE, 0, NULL}
#define INT(n) {ROLLOUT__INTSTR_INT, (n), NULL}
#define STR(s) {ROLLOUT__INTSTR_STR, 0, (s)}

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_SETS 6
#define MAX_OPS 8

/* Creation times (ms) of TestScale's newer, old and older sets. */
#define T_NEW 7200000
#define T_OLD 3600000
#define T_OLDER 0

/* One replica set of a vector.  SERIAL 0 stands for the set's position
 * in the table plus one. */
typedef struct {
    int32_t spec;
    int32_t replicas;
    int32_t ready;
    int32_t available;
    int32_t desired;
    int32_t max;
    int64_t revision;
    int64_t created;
    uint64_t serial;
} set_v;

/* A planned scaling: set RS from FROM to TO, reported as "up" or not. */
typedef struct {
    size_t rs;
    int32_t from;
    int32_t to;
    bool up;
} op_v;

#define UP true
#define DOWN false

/* maxUnavailable 1, where upstream's test helpers give it */
static const rollout__intstr one = INT(1);

static void load_sets(rollout__rs_counts *rs, const set_v *in, size_t n)
{
    size_t i;

    ck_assert_uint_le(n, MAX_SETS);
    memset(rs, 0, MAX_SETS * sizeof(*rs));
    for (i = 0; i < n; i++) {
        rs[i].spec = in[i].spec;
        rs[i].replicas = in[i].replicas;
        rs[i].ready = in[i].ready;
        rs[i].available = in[i].available;
        rs[i].desired = in[i].desired;
        rs[i].max = in[i].max;
        rs[i].revision = in[i].revision;
        rs[i].created = in[i].created;
        rs[i].serial = in[i].serial ? in[i].serial : i + 1;
    }
}

static rollout__k8s_params params(int32_t replicas, int strategy,
                                  rollout__intstr surge,
                                  rollout__intstr unavailable)
{
    rollout__k8s_params p;

    p.replicas = replicas;
    p.strategy = strategy;
    p.max_surge = surge;
    p.max_unavailable = unavailable;
    return p;
}

/* The plan must be exactly WANT, in order, every op rewriting the
 * desired/max annotations as scaleReplicaSet does. */
static void check_plan(const char *name, const rollout__plan *plan,
                       const op_v *want, size_t n_want)
{
    size_t k;

    ck_assert_msg(!plan->oom, "%s: the plan ran out of memory", name);
    ck_assert_msg(plan->len == n_want, "%s: %zu ops planned, want %zu", name,
                  plan->len, n_want);
    for (k = 0; k < n_want; k++) {
        const rollout__scale_op *op = &plan->ops[k];

        ck_assert_msg(op->rs == want[k].rs && op->from == want[k].from &&
                          op->to == want[k].to,
                      "%s: op %zu scales set %zu %d -> %d, want set %zu "
                      "%d -> %d",
                      name, k, op->rs, op->from, op->to, want[k].rs,
                      want[k].from, want[k].to);
        ck_assert_msg(op->up == want[k].up, "%s: op %zu says \"%s\", want \"%s\"",
                      name, k, op->up ? "up" : "down",
                      want[k].up ? "up" : "down");
        ck_assert_msg(op->annotate, "%s: op %zu does not rewrite annotations",
                      name, k);
    }
}

static void check_sizes(const char *name, const rollout__rs_counts *rs,
                        const int32_t *want, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        ck_assert_msg(rs[i].spec == want[i], "%s: set %zu has %d replicas, want %d",
                      name, i, rs[i].spec, want[i]);
}

/* ------------------------------------------------------------------ */
/* Fenceposts: GetScaledValueFromIntOrPercent and ResolveFenceposts.   */

typedef struct {
    const char *name;
    rollout__intstr surge;
    rollout__intstr unavailable;
    int32_t desired;
    int rc;
    int32_t want_surge;
    int32_t want_unavailable;
} fencepost_v;

static const fencepost_v fencepost_vectors[] = {
    /* deployment_util_test.go TestResolveFenceposts (the spec's examples) */
    {"0%,0% of 0", STR("0%"), STR("0%"), 0, 0, 0, 1},
    {"39%,39% of 10", STR("39%"), STR("39%"), 10, 0, 4, 3},
    {"oops,39% of 10", STR("oops"), STR("39%"), 10, -1, 0, 0},
    {"55%,urg of 10", STR("55%"), STR("urg"), 10, -1, 0, 0},
    {"nil,39% of 10", NONE, STR("39%"), 10, 0, 0, 3},
    {"39%,nil of 10", STR("39%"), NONE, 10, 0, 4, 0},
    {"nil,nil of 10", NONE, NONE, 10, 0, 0, 1},
    /* the examples in ResolveFenceposts' comment */
    {"2 desired, unavailable 1%, surge 0%", STR("0%"), STR("1%"), 2, 0, 0, 1},
    {"1 desired, unavailable 1%, surge 0%", STR("0%"), STR("1%"), 1, 0, 0, 1},
    {"2 desired, unavailable 25%, surge 1%", STR("1%"), STR("25%"), 2, 0, 1, 0},
    {"1 desired, unavailable 25%, surge 1%", STR("1%"), STR("25%"), 1, 0, 1, 0},
    {"2 desired, unavailable 0%, surge 1%", STR("1%"), STR("0%"), 2, 0, 1, 0},
    /* surge rounds up, unavailable down */
    {"25%,25% of 4", STR("25%"), STR("25%"), 4, 0, 1, 1},
    {"25%,25% of 3", STR("25%"), STR("25%"), 3, 0, 1, 0},
    {"25%,25% of 10", STR("25%"), STR("25%"), 10, 0, 3, 2},
    {"100%,100% of 7", STR("100%"), STR("100%"), 7, 0, 7, 7},
    {"200% surge of 5", STR("200%"), INT(0), 5, 0, 10, 0},
    {"39%,39% of 0", STR("39%"), STR("39%"), 0, 0, 0, 1},
    /* integers are taken as they are */
    {"ints 1,1 of 3", INT(1), INT(1), 3, 0, 1, 1},
    {"ints 0,0 of 5", INT(0), INT(0), 5, 0, 0, 1},
    {"ints are not scaled", INT(7), INT(4), 2, 0, 7, 4},
    /* strconv.Atoi of the text before '%' */
    {"signed +20% of 10", STR("+20%"), INT(0), 10, 0, 2, 0},
    {"leading zero 010% of 10", STR("010%"), STR("010%"), 10, 0, 1, 1},
    {"fraction 5.5%", STR("5.5%"), INT(1), 10, -1, 0, 0},
    {"bare %", STR("%"), INT(1), 10, -1, 0, 0},
    {"no percent sign", STR("10"), INT(1), 10, -1, 0, 0},
    {"double %%", STR("10%%"), INT(1), 10, -1, 0, 0},
    {"space before the number", STR(" 10%"), INT(1), 10, -1, 0, 0},
    {"empty string", STR(""), INT(1), 10, -1, 0, 0},
    {"unavailable without percent sign", INT(1), STR("1"), 10, -1, 0, 0},
};

START_TEST(test_fenceposts)
{
    const fencepost_v *v = &fencepost_vectors[_i];
    int32_t surge = -7, unavailable = -7;
    int rc = rollout__resolve_fenceposts(&surge, &unavailable, &v->surge,
                                         &v->unavailable, v->desired);

    ck_assert_msg(rc == v->rc, "%s: returned %d, want %d", v->name, rc, v->rc);
    if (v->rc == 0)
        ck_assert_msg(surge == v->want_surge &&
                          unavailable == v->want_unavailable,
                      "%s: got surge %d unavailable %d, want %d %d", v->name,
                      surge, unavailable, v->want_surge, v->want_unavailable);
}
END_TEST

typedef struct {
    const char *name;
    rollout__intstr value;
    int32_t total;
    bool round_up;
    int rc;
    int32_t want;
} scaled_v;

/* GetScaledValueFromIntOrPercent (apimachinery intstr), as
 * ResolveFenceposts calls it: unset values default to 0. */
static const scaled_v scaled_vectors[] = {
    {"int as is", INT(5), 100, true, 0, 5},
    {"unset defaults to 0", NONE, 10, true, 0, 0},
    {"50% of 5 rounded up", STR("50%"), 5, true, 0, 3},
    {"50% of 5 rounded down", STR("50%"), 5, false, 0, 2},
    {"33% of 3 rounded up", STR("33%"), 3, true, 0, 1},
    {"33% of 3 rounded down", STR("33%"), 3, false, 0, 0},
    {"-15% of 10 rounded up (ceil)", STR("-15%"), 10, true, 0, -1},
    {"-15% of 10 rounded down (floor)", STR("-15%"), 10, false, 0, -2},
    {"not a percentage", STR("x%"), 10, true, -1, 0},
};

START_TEST(test_intstr_scaled)
{
    const scaled_v *v = &scaled_vectors[_i];
    int32_t got = -7;
    int rc = rollout__intstr_scaled(&got, &v->value, v->total, v->round_up);

    ck_assert_msg(rc == v->rc, "%s: returned %d, want %d", v->name, rc, v->rc);
    if (v->rc == 0)
        ck_assert_msg(got == v->want, "%s: got %d, want %d", v->name, got,
                      v->want);
}
END_TEST

/* ------------------------------------------------------------------ */
/* MaxSurge, MaxUnavailable and the minimum availability.              */

typedef struct {
    const char *name;
    int32_t replicas;
    int strategy;
    rollout__intstr surge;
    rollout__intstr unavailable;
    int32_t want_surge;
    int32_t want_unavailable;
    /* the least available count calculateStatus calls available:
     * replicas - MaxUnavailable */
    int32_t want_min;
} maxes_v;

static const maxes_v maxes_vectors[] = {
    /* deployment_util_test.go TestMaxUnavailable (maxSurge 1) */
    {"maxUnavailable less than replicas", 10, RU, INT(1), INT(5), 1, 5, 5},
    {"maxUnavailable equal replicas", 10, RU, INT(1), INT(10), 1, 10, 0},
    {"maxUnavailable greater than replicas", 5, RU, INT(1), INT(10), 1, 5, 0},
    {"maxUnavailable with replicas is 0", 0, RU, INT(1), INT(10), 1, 0, 0},
    /* MaxUnavailable is 0 for Recreate; the Available condition then asks
     * for every replica (upstream's MinAvailable() would say 0, but
     * calculateStatus uses replicas - MaxUnavailable) */
    {"maxUnavailable with Recreate deployment strategy", 10, RECREATE, NONE,
     NONE, 0, 0, 10},
    {"maxUnavailable less than replicas with percents", 10, RU, INT(1),
     STR("50%"), 1, 5, 5},
    {"maxUnavailable equal replicas with percents", 10, RU, INT(1),
     STR("100%"), 1, 10, 0},
    {"maxUnavailable greater than replicas with percents", 5, RU, INT(1),
     STR("100%"), 1, 5, 0},
    /* deployment_util_test.go TestMinAvailable (the cases not above) */
    {"replicas greater than maxUnavailable with percents", 10, RU, INT(1),
     STR("60%"), 1, 6, 4},
    /* MaxSurge / MaxUnavailable in deployment_util.go */
    {"defaults 25%/25% of 10", 10, RU, STR("25%"), STR("25%"), 3, 2, 8},
    {"25%/25% of 1", 1, RU, STR("25%"), STR("25%"), 1, 0, 1},
    {"0%/25% of 1 resolves to 0/1", 1, RU, STR("0%"), STR("25%"), 0, 1, 0},
    {"ints 0/0 of 3", 3, RU, INT(0), INT(0), 0, 1, 2},
    {"seed 1/1 of 3", 3, RU, INT(1), INT(1), 1, 1, 2},
    {"Recreate ignores the rolling parameters", 5, RECREATE, INT(2), INT(2),
     0, 0, 5},
    {"surge is not capped", 2, RU, INT(5), INT(0), 5, 0, 2},
    {"zero replicas, 0%/0%", 0, RU, STR("0%"), STR("0%"), 0, 0, 0},
    {"an invalid value resolves to 0/0", 10, RU, STR("oops"), STR("39%"), 0,
     0, 10},
};

START_TEST(test_maxes)
{
    const maxes_v *v = &maxes_vectors[_i];
    rollout__k8s_params p =
        params(v->replicas, v->strategy, v->surge, v->unavailable);

    ck_assert_msg(rollout__max_surge(&p) == v->want_surge,
                  "%s: MaxSurge %d, want %d", v->name, rollout__max_surge(&p),
                  v->want_surge);
    ck_assert_msg(rollout__max_unavailable(&p) == v->want_unavailable,
                  "%s: MaxUnavailable %d, want %d", v->name,
                  rollout__max_unavailable(&p), v->want_unavailable);
    ck_assert_msg(rollout__has_min_availability(&p, v->want_min),
                  "%s: %d available should be enough", v->name, v->want_min);
    if (v->want_min > 0)
        ck_assert_msg(!rollout__has_min_availability(&p, v->want_min - 1),
                      "%s: %d available should not be enough", v->name,
                      v->want_min - 1);
}
END_TEST

/* ------------------------------------------------------------------ */
/* NewRSNewReplicas.                                                   */

typedef struct {
    const char *name;
    int32_t replicas;
    int strategy;
    rollout__intstr surge;
    int32_t total; /* spec summed over every set */
    int32_t new_spec;
    int32_t want;
} new_replicas_v;

static const new_replicas_v new_replicas_vectors[] = {
    /* deployment_util_test.go TestNewRSNewReplicas: the sets counted are
     * only rs5 (5 replicas), not the new set itself */
    {"can not scale up - to newRSReplicas", 1, RU, INT(1), 5, 5, 5},
    {"scale up - to depReplicas", 6, RU, INT(10), 5, 2, 6},
    {"recreate - to depReplicas", 3, RECREATE, INT(1), 5, 1, 3},
    /* NewRSNewReplicas in deployment_util.go */
    {"first step: surge 2 of 10", 10, RU, INT(2), 10, 0, 2},
    {"old set half gone: surge 2 of 10", 10, RU, INT(2), 5, 0, 7},
    {"no surge, old set full", 10, RU, INT(0), 10, 0, 0},
    {"surge 25% of 10 rounds up to 3", 10, RU, STR("25%"), 10, 0, 3},
    {"seed: surge 1 of 3", 3, RU, INT(1), 3, 0, 1},
    {"at the max total: keep", 3, RU, INT(1), 4, 1, 1},
    {"over the max total: keep", 3, RU, INT(1), 6, 2, 2},
    {"never past replicas", 4, RU, INT(2), 3, 3, 4},
    {"room for the whole step", 4, RU, INT(1), 2, 1, 4},
    {"surge 100% of 5", 5, RU, STR("100%"), 5, 0, 5},
    {"Recreate with zero replicas", 0, RECREATE, NONE, 3, 0, 0},
};

START_TEST(test_new_rs_new_replicas)
{
    const new_replicas_v *v = &new_replicas_vectors[_i];
    rollout__k8s_params p = params(v->replicas, v->strategy, v->surge, one);
    int32_t got = rollout__new_rs_new_replicas(&p, v->total, v->new_spec);

    ck_assert_msg(got == v->want, "%s: got %d, want %d", v->name, got, v->want);
}
END_TEST

/* ------------------------------------------------------------------ */
/* reconcileNewReplicaSet.                                             */

typedef struct {
    const char *name;
    int32_t replicas;
    rollout__intstr surge;
    rollout__intstr unavailable;
    size_t n;
    set_v sets[MAX_SETS];
    size_t new_rs;
    bool want_scaled;
    int32_t want_new;
    bool want_up;
} reconcile_new_v;

#define SPEC(s) {.spec = (s), .replicas = (s), .desired = -1, .max = -1}

static const reconcile_new_v reconcile_new_vectors[] = {
    /* rolling_test.go TestDeploymentController_reconcileNewReplicaSet
     * (maxUnavailable 0; the sets are [new, old]) */
    {"should not scale up when old replica set is fully saturated", 10,
     INT(0), INT(0), 2, {SPEC(0), SPEC(10)}, 0, false, 0, UP},
    {"should scale up according to the maxSurge when old replica set is "
     "fully saturated",
     10, INT(2), INT(0), 2, {SPEC(0), SPEC(10)}, 0, true, 2, UP},
    {"should scale up according to the maxSurge", 10, INT(2), INT(0), 2,
     {SPEC(0), SPEC(5)}, 0, true, 7, UP},
    {"should not scale when maxSurge is fully saturated", 10, INT(2), INT(0),
     2, {SPEC(2), SPEC(10)}, 0, false, 2, UP},
    {"should scale down when there are replicas above maxSurge", 10, INT(2),
     INT(0), 2, {SPEC(11), SPEC(2)}, 0, true, 10, DOWN},
    /* reconcileNewReplicaSet in rolling.go */
    {"new set at replicas: nothing to do", 5, INT(3), INT(0), 2,
     {SPEC(5), SPEC(5)}, 0, false, 5, UP},
    {"seed: first step", 3, INT(1), INT(1), 2, {SPEC(0), SPEC(3)}, 0, true, 1,
     UP},
    {"seed: an old replica gone makes room", 3, INT(1), INT(1), 2,
     {SPEC(1), SPEC(2)}, 0, true, 2, UP},
    {"zero replicas scale the new set down", 0, INT(1), INT(1), 2,
     {SPEC(3), SPEC(2)}, 0, true, 0, DOWN},
    {"every old set counts toward the total", 10, INT(3), INT(0), 3,
     {SPEC(2), SPEC(4), SPEC(4)}, 0, true, 5, UP},
    {"percent surge", 10, STR("25%"), STR("25%"), 2, {SPEC(0), SPEC(10)}, 0,
     true, 3, UP},
};

START_TEST(test_reconcile_new)
{
    const reconcile_new_v *v = &reconcile_new_vectors[_i];
    rollout__k8s_params p = params(v->replicas, RU, v->surge, v->unavailable);
    rollout__rs_counts rs[MAX_SETS];
    rollout__plan plan = {0};
    int32_t from;
    bool scaled;

    load_sets(rs, v->sets, v->n);
    from = rs[v->new_rs].spec;
    scaled = rollout__reconcile_new(&plan, &p, rs, v->n, v->new_rs);
    ck_assert_msg(scaled == v->want_scaled, "%s: scaled %d, want %d", v->name,
                  scaled, v->want_scaled);
    ck_assert_msg(rs[v->new_rs].spec == v->want_new,
                  "%s: new set has %d replicas, want %d", v->name,
                  rs[v->new_rs].spec, v->want_new);
    if (v->want_scaled) {
        op_v want = {v->new_rs, from, v->want_new, v->want_up};

        check_plan(v->name, &plan, &want, 1);
    } else {
        check_plan(v->name, &plan, NULL, 0);
    }
    rollout__plan_free(&plan);
}
END_TEST

/* ------------------------------------------------------------------ */
/* reconcileOldReplicaSets: cleanupUnhealthyReplicas, then            */
/* scaleDownOldReplicaSetsForRollingUpdate.                            */

typedef struct {
    const char *name;
    int32_t replicas;
    rollout__intstr surge;
    rollout__intstr unavailable;
    size_t n;
    set_v sets[MAX_SETS];
    size_t new_rs;
    int32_t want_total;
    int32_t want[MAX_SETS];
    size_t n_ops;
    op_v ops[MAX_OPS];
} reconcile_old_v;

/* spec S, A of them available, created at T */
#define AV(s, a) {.spec = (s), .replicas = (s), .ready = (a), .available = (a), \
                  .desired = -1, .max = -1}
#define AVT(s, a, t) {.spec = (s), .replicas = (s), .ready = (a),             \
                      .available = (a), .desired = -1, .max = -1, .created = (t)}

static const reconcile_old_v reconcile_old_vectors[] = {
    /* rolling_test.go TestDeploymentController_reconcileOldReplicaSets
     * (maxSurge 0; the sets are [old, new]) */
    {"maxUnavailable 0 resolves to 1: one old replica goes", 10, INT(0),
     INT(0), 2, {AV(10, 10), AV(0, 0)}, 1, 1, {9, 0}, 1, {{0, 10, 9, DOWN}}},
    {"maxUnavailable 2: two old replicas go", 10, INT(0), INT(2), 2,
     {AV(10, 10), AV(0, 0)}, 1, 2, {8, 0}, 1, {{0, 10, 8, DOWN}}},
    {"unhealthy replicas from old replica sets are cleaned up", 10, INT(0),
     INT(2), 2, {AV(10, 8), AV(0, 0)}, 1, 2, {8, 0}, 1, {{0, 10, 8, DOWN}}},
    {"one unhealthy replica cleaned up, then one ready scaled down", 10,
     INT(0), INT(2), 2, {AV(10, 9), AV(0, 0)}, 1, 2, {8, 0}, 2,
     {{0, 10, 9, DOWN}, {0, 9, 8, DOWN}}},
    {"unavailable new replicas do not let old ones go", 10, INT(0), INT(2), 2,
     {AV(8, 8), AV(2, 0)}, 1, 0, {8, 2}, 0, {{0}}},
    /* rolling_test.go TestDeploymentController_cleanupUnhealthyReplicas:
     * 10 old replicas, 8 available; the cleanup bound (maxScaledDown) is
     * set through the deployment size, so the scale-down that follows
     * shows in the plan as a second op */
    {"cleanup bounded by maxScaledDown 1", 11, INT(2), INT(2), 2,
     {AV(10, 8), AV(0, 0)}, 1, 1, {9, 0}, 1, {{0, 10, 9, DOWN}}},
    {"cleanup of all 2 unhealthy within maxScaledDown 3", 9, INT(2), INT(2),
     2, {AV(10, 8), AV(0, 0)}, 1, 3, {7, 0}, 2,
     {{0, 10, 8, DOWN}, {0, 8, 7, DOWN}}},
    {"cleanup with maxScaledDown 0", 12, INT(2), INT(2), 2,
     {AV(10, 8), AV(0, 0)}, 1, 0, {10, 0}, 0, {{0}}},
    {"cleanup with no unhealthy replica", 9, INT(2), INT(2), 2,
     {AV(10, 10), AV(0, 0)}, 1, 3, {7, 0}, 1, {{0, 10, 7, DOWN}}},
    /* rolling_test.go
     * TestDeploymentController_scaleDownOldReplicaSetsForRollingUpdate
     * (maxSurge 0; the only set is the old one, no new set) */
    {"scale down: maxUnavailable 0", 10, INT(0), INT(0), 1, {AV(10, 10)},
     NO_RS, 1, {9}, 1, {{0, 10, 9, DOWN}}},
    {"scale down: maxUnavailable 2", 10, INT(0), INT(2), 1, {AV(10, 10)},
     NO_RS, 2, {8}, 1, {{0, 10, 8, DOWN}}},
    /* 8 available: nothing for the scale-down, the cleanup before it
     * takes the 2 unhealthy replicas */
    {"scale down: 8 of 10 available", 10, INT(0), INT(2), 1, {AV(10, 8)},
     NO_RS, 2, {8}, 1, {{0, 10, 8, DOWN}}},
    {"scale down: no old replicas", 10, INT(0), INT(2), 1, {AV(0, 10)}, NO_RS,
     0, {0}, 0, {{0}}},
    {"scale down: 1 of 10 available", 10, INT(0), INT(2), 1, {AV(10, 1)},
     NO_RS, 2, {8}, 1, {{0, 10, 8, DOWN}}},
    /* reconcileOldReplicaSets in rolling.go */
    {"oldest old set first", 10, INT(0), INT(2), 3,
     {AVT(3, 3, 100), AVT(5, 5, 200), AVT(2, 2, 300)}, 2, 2, {1, 5, 2}, 1,
     {{0, 3, 1, DOWN}}},
    {"the scale-down spans two old sets", 10, INT(0), INT(3), 3,
     {AVT(1, 1, 100), AVT(5, 5, 200), AVT(4, 4, 300)}, 2, 3, {0, 3, 4}, 2,
     {{0, 1, 0, DOWN}, {1, 5, 3, DOWN}}},
    {"cleanup oldest first whatever the table order", 8, INT(2), INT(1), 3,
     {AVT(4, 2, 200), AVT(4, 4, 300), AVT(2, 1, 100)}, 1, 3, {2, 4, 1}, 2,
     {{2, 2, 1, DOWN}, {0, 4, 2, DOWN}}},
    {"equal creation times: the creation serial decides", 4, INT(1), INT(1), 3,
     {{.spec = 2, .replicas = 2, .ready = 2, .available = 2, .desired = -1,
       .max = -1, .created = 100, .serial = 7},
      {.spec = 2, .replicas = 2, .ready = 2, .available = 2, .desired = -1,
       .max = -1, .created = 100, .serial = 3},
      {.spec = 1, .replicas = 1, .ready = 1, .available = 1, .desired = -1,
       .max = -1, .created = 200, .serial = 9}},
     2, 2, {2, 0, 1}, 1, {{1, 2, 0, DOWN}}},
    /* rolloutRolling passes only the active old sets, and the scale-down
     * counts availability over those and the new set */
    {"an old set at zero with available replicas left does not count", 10,
     INT(0), INT(2), 3, {AVT(0, 2, 100), AVT(5, 5, 200), AVT(5, 5, 300)}, 2, 2,
     {0, 3, 5}, 1, {{1, 5, 3, DOWN}}},
    {"seed: an old replica goes once a new one exists", 3, INT(1), INT(1), 2,
     {AV(3, 3), AV(1, 0)}, 1, 1, {2, 1}, 1, {{0, 3, 2, DOWN}}},
    {"seed: unready new replicas hold the old ones", 3, INT(1), INT(1), 2,
     {AV(2, 2), AV(2, 0)}, 1, 0, {2, 2}, 0, {{0}}},
    {"cleanup stops at maxScaledDown", 10, INT(0), INT(1), 3,
     {AVT(5, 3, 100), AVT(5, 4, 200), AVT(0, 0, 300)}, 2, 1, {4, 5, 0}, 1,
     {{0, 5, 4, DOWN}}},
    {"only the new set: nothing", 3, INT(1), INT(1), 1, {AV(3, 3)}, 0, 0, {3},
     0, {{0}}},
    {"zero replicas: cleanup, then the rest", 0, INT(1), INT(1), 2,
     {AV(3, 2), AV(0, 0)}, 1, 3, {0, 0}, 2,
     {{0, 3, 2, DOWN}, {0, 2, 0, DOWN}}},
};

START_TEST(test_reconcile_old)
{
    const reconcile_old_v *v = &reconcile_old_vectors[_i];
    rollout__k8s_params p = params(v->replicas, RU, v->surge, v->unavailable);
    rollout__rs_counts rs[MAX_SETS];
    rollout__plan plan = {0};
    int32_t total;

    load_sets(rs, v->sets, v->n);
    total = rollout__reconcile_old(&plan, &p, rs, v->n, v->new_rs);
    ck_assert_msg(total == v->want_total, "%s: took %d replicas away, want %d",
                  v->name, total, v->want_total);
    check_sizes(v->name, rs, v->want, v->n);
    check_plan(v->name, &plan, v->ops, v->n_ops);
    rollout__plan_free(&plan);
}
END_TEST

/* ------------------------------------------------------------------ */
/* scale(): FindActiveOrLatest, IsSaturated, proportional scaling.     */

typedef struct {
    const char *name;
    int32_t replicas;
    int strategy;
    rollout__intstr surge;
    rollout__intstr unavailable;
    int32_t status_replicas;
    size_t n;
    set_v sets[MAX_SETS];
    size_t new_rs;
    int32_t want[MAX_SETS];
    int n_ops; /* -1: only the sizes and the annotations are checked */
    op_v ops[MAX_OPS];
} scale_v;

/* spec S annotated with desired D and max M, created at T */
#define ANN(s, d, m, t) {.spec = (s), .replicas = (s), .desired = (d),        \
                         .max = (m), .created = (t)}
/* the same with A available */
#define ANNA(s, a, d, m, t) {.spec = (s), .replicas = (s), .ready = (a),      \
                             .available = (a), .desired = (d), .max = (m),    \
                             .created = (t)}

static const scale_v scale_vectors[] = {
    /* sync_test.go TestScale (sets [new, old, older]; every set annotated
     * with the previous deployment's replicas and replicas + MaxSurge) */
    {"normal scaling event: 10 -> 12", 12, RU, INT(0), INT(0), 0, 1,
     {ANN(10, 10, 10, T_NEW)}, 0, {12}, 1, {{0, 10, 12, UP}}},
    {"normal scaling event: 10 -> 5", 5, RU, INT(0), INT(0), 0, 1,
     {ANN(10, 10, 10, T_NEW)}, 0, {5}, 1, {{0, 10, 5, DOWN}}},
    {"proportional scaling: 5 -> 10", 10, RU, INT(0), INT(0), 0, 2,
     {ANN(2, 5, 5, T_NEW), ANN(3, 5, 5, T_OLD)}, 0, {4, 6}, 2,
     {{1, 3, 6, UP}, {0, 2, 4, UP}}},
    {"proportional scaling: 5 -> 3", 3, RU, INT(0), INT(0), 0, 2,
     {ANN(2, 5, 5, T_NEW), ANN(3, 5, 5, T_OLD)}, 0, {1, 2}, 2,
     {{1, 3, 2, DOWN}, {0, 2, 1, DOWN}}},
    {"proportional scaling: 9 -> 4", 4, RU, INT(0), INT(0), 0, 2,
     {ANN(8, 9, 9, T_NEW), ANN(1, 9, 9, T_OLD)}, 0, {4, 0}, 2,
     {{0, 8, 4, DOWN}, {1, 1, 0, DOWN}}},
    {"proportional scaling: 7 -> 10", 10, RU, INT(0), INT(0), 0, 3,
     {ANN(2, 7, 7, T_NEW), ANN(3, 7, 7, T_OLD), ANN(2, 7, 7, T_OLDER)}, 0,
     {3, 4, 3}, 3, {{1, 3, 4, UP}, {0, 2, 3, UP}, {2, 2, 3, UP}}},
    {"proportional scaling: 13 -> 8", 8, RU, INT(0), INT(0), 0, 3,
     {ANN(2, 13, 13, T_NEW), ANN(8, 13, 13, T_OLD), ANN(3, 13, 13, T_OLDER)},
     0, {1, 5, 2}, 3, {{1, 8, 5, DOWN}, {2, 3, 2, DOWN}, {0, 2, 1, DOWN}}},
    {"leftover distribution: 3 -> 4", 4, RU, INT(0), INT(0), 0, 3,
     {ANN(1, 3, 3, T_NEW), ANN(1, 3, 3, T_OLD), ANN(1, 3, 3, T_OLDER)}, 0,
     {2, 1, 1}, 3, {{0, 1, 2, UP}, {1, 1, 1, UP}, {2, 1, 1, UP}}},
    {"leftover distribution: 3 -> 2", 2, RU, INT(0), INT(0), 0, 3,
     {ANN(1, 3, 3, T_NEW), ANN(1, 3, 3, T_OLD), ANN(1, 3, 3, T_OLDER)}, 0,
     {1, 1, 0}, 3, {{2, 1, 0, DOWN}, {1, 1, 1, DOWN}, {0, 1, 1, DOWN}}},
    {"proportional scaling (no new rs): 4 -> 5", 5, RU, INT(0), INT(0), 0, 2,
     {ANN(2, 4, 4, T_OLD), ANN(2, 4, 4, T_OLDER)}, NO_RS, {3, 2}, 2,
     {{0, 2, 3, UP}, {1, 2, 2, UP}}},
    {"proportional scaling: 6 -> 0", 0, RU, INT(0), INT(0), 0, 3,
     {ANN(3, 6, 6, T_NEW), ANN(2, 6, 6, T_OLD), ANN(1, 6, 6, T_OLDER)}, 0,
     {0, 0, 0}, 3, {{0, 3, 0, DOWN}, {1, 2, 0, DOWN}, {2, 1, 0, DOWN}}},
    {"proportional scaling: 0 -> 6", 6, RU, INT(0), INT(0), 0, 3,
     {ANN(0, 6, 6, T_NEW), ANN(0, 6, 6, T_OLD), ANN(0, 6, 6, T_OLDER)}, 0,
     {6, 0, 0}, 1, {{0, 0, 6, UP}}},
    {"deployment with surge pods", 20, RU, INT(2), INT(0), 0, 2,
     {ANN(6, 10, 12, T_NEW), ANN(6, 10, 12, T_OLD)}, 0, {11, 11}, 2,
     {{0, 6, 11, UP}, {1, 6, 11, UP}}},
    {"change both surge and size", 50, RU, INT(6), INT(0), 0, 2,
     {ANN(5, 10, 13, T_NEW), ANN(8, 10, 13, T_OLD)}, 0, {22, 34}, 2,
     {{1, 8, 34, UP}, {0, 5, 22, UP}}},
    {"change both size and template", 14, RU, INT(0), INT(0), 0, 2,
     {ANN(7, 10, 10, T_NEW), ANN(3, 10, 10, T_OLD)}, NO_RS, {10, 4}, 2,
     {{0, 7, 10, UP}, {1, 3, 4, UP}}},
    /* nothing to add: the sets are only re-annotated */
    {"saturated but broken new replica set does not affect old pods", 2, RU,
     INT(1), INT(1), 0, 2, {ANNA(2, 0, 2, 3, T_NEW), ANN(1, 2, 3, T_OLD)}, 0,
     {2, 1}, -1, {{0}}},
    /* IsSaturated and FindActiveOrLatest in deployment_util.go */
    {"saturated new set: the old set goes to zero", 5, RU, INT(1), INT(0), 0,
     2, {ANNA(5, 5, 5, 6, T_NEW), ANNA(2, 2, 5, 6, T_OLD)}, 0, {5, 0}, 1,
     {{1, 2, 0, DOWN}}},
    {"saturated new set: old sets newest first", 5, RU, INT(0), INT(0), 0, 3,
     {ANNA(5, 5, 5, 5, T_NEW), ANN(1, 5, 5, T_OLDER), ANN(1, 5, 5, T_OLD)}, 0,
     {5, 0, 0}, 2, {{2, 1, 0, DOWN}, {1, 1, 0, DOWN}}},
    {"not saturated until the new set is all available", 5, RU, INT(0),
     INT(0), 0, 2, {ANNA(5, 4, 5, 5, T_NEW), ANNA(1, 1, 5, 5, T_OLD)}, 0,
     {4, 1}, 2, {{0, 5, 4, DOWN}, {1, 1, 1, DOWN}}},
    {"not saturated without the desired-replicas annotation", 5, RU, INT(0),
     INT(0), 0, 2, {ANNA(5, 5, -1, 5, T_NEW), ANNA(1, 1, -1, 5, T_OLD)}, 0,
     {4, 1}, 2, {{0, 5, 4, DOWN}, {1, 1, 1, DOWN}}},
    {"the only active set takes everything", 5, RU, INT(0), INT(0), 0, 2,
     {ANN(0, 3, 3, T_NEW), ANN(3, 3, 3, T_OLD)}, 0, {0, 5}, 1,
     {{1, 3, 5, UP}}},
    {"no active set and no new set: the newest old one", 4, RU, INT(0),
     INT(0), 0, 2, {ANN(0, 3, 3, T_OLDER), ANN(0, 3, 3, T_OLD)}, NO_RS,
     {0, 4}, 1, {{1, 0, 4, UP}}},
    {"the only active set already has the size", 3, RU, INT(0), INT(0), 0, 1,
     {ANN(3, 2, 2, T_NEW)}, 0, {3}, 0, {{0}}},
    /* proportions round half away from zero (2.5 -> 3, 0.5 -> 1) */
    {"half away from zero: 4 -> 10", 10, RU, INT(0), INT(0), 0, 3,
     {ANN(1, 4, 4, T_NEW), ANN(1, 4, 4, T_OLD), ANN(2, 4, 4, T_OLDER)}, 0,
     {3, 2, 5}, 3, {{2, 2, 5, UP}, {0, 1, 3, UP}, {1, 1, 2, UP}}},
    {"half away from zero: 4 -> 2", 2, RU, INT(0), INT(0), 0, 3,
     {ANN(1, 4, 4, T_NEW), ANN(1, 4, 4, T_OLD), ANN(2, 4, 4, T_OLDER)}, 0,
     {1, 1, 0}, 3, {{2, 2, 0, DOWN}, {1, 1, 1, DOWN}, {0, 1, 1, DOWN}}},
    /* the event word follows the total: a set that shrinks while the
     * total grows is still "Scaled up" */
    {"scaling up can shrink a set, still reported as up", 8, RU, INT(0),
     INT(0), 0, 2, {ANN(3, 10, 10, T_NEW), ANN(3, 10, 10, T_OLD)}, 0, {6, 2},
     2, {{0, 3, 6, UP}, {1, 3, 2, UP}}},
    {"the leftover never takes a set below zero", 4, RU, INT(0), INT(0), 0, 2,
     {ANN(4, 10, 10, T_NEW), ANN(3, 2, 2, T_OLD)}, 0, {0, 6}, 2,
     {{0, 4, 0, DOWN}, {1, 3, 6, DOWN}}},
    {"without max-replicas: status.replicas instead", 10, RU, INT(0), INT(0),
     5, 2, {ANN(2, 5, -1, T_NEW), ANN(3, 5, -1, T_OLD)}, 0, {4, 6}, 2,
     {{1, 3, 6, UP}, {0, 2, 4, UP}}},
    {"surge percentages", 10, RU, STR("20%"), INT(0), 0, 2,
     {ANN(3, 5, 6, T_NEW), ANN(3, 5, 6, T_OLD)}, 0, {6, 6}, 2,
     {{0, 3, 6, UP}, {1, 3, 6, UP}}},
    {"Recreate: no proportional scaling", 10, RECREATE, NONE, NONE, 0, 2,
     {ANN(2, 5, 5, T_NEW), ANN(3, 5, 5, T_OLD)}, 0, {2, 3}, 0, {{0}}},
};

START_TEST(test_scale)
{
    const scale_v *v = &scale_vectors[_i];
    rollout__k8s_params p =
        params(v->replicas, v->strategy, v->surge, v->unavailable);
    rollout__rs_counts rs[MAX_SETS];
    rollout__plan plan = {0};
    size_t i, k;

    load_sets(rs, v->sets, v->n);
    rollout__scale(&plan, &p, rs, v->n, v->new_rs, v->status_replicas);
    check_sizes(v->name, rs, v->want, v->n);
    if (v->n_ops >= 0) {
        check_plan(v->name, &plan, v->ops, (size_t)v->n_ops);
    } else {
        /* no size changes, and every active set re-annotated */
        ck_assert_msg(!plan.oom, "%s: the plan ran out of memory", v->name);
        for (k = 0; k < plan.len; k++)
            ck_assert_msg(plan.ops[k].from == plan.ops[k].to &&
                              plan.ops[k].annotate,
                          "%s: op %zu resizes set %zu", v->name, k,
                          plan.ops[k].rs);
        for (i = 0; i < v->n; i++) {
            bool seen = false;

            for (k = 0; k < plan.len; k++)
                seen |= plan.ops[k].rs == i;
            ck_assert_msg(seen == (v->sets[i].spec > 0),
                          "%s: set %zu %s re-annotated", v->name, i,
                          seen ? "is" : "is not");
        }
    }
    rollout__plan_free(&plan);
}
END_TEST

/* ------------------------------------------------------------------ */
/* isScalingEvent.                                                     */

typedef struct {
    const char *name;
    int32_t replicas;
    size_t n;
    set_v sets[MAX_SETS];
    bool want;
} scaling_event_v;

/* spec S annotated with desired D */
#define DES(s, d) {.spec = (s), .replicas = (s), .desired = (d), .max = (d)}

/* isScalingEvent in sync.go */
static const scaling_event_v scaling_event_vectors[] = {
    {"no replica sets", 3, 0, {DES(0, 0)}, false},
    {"desired-replicas matches", 3, 1, {DES(3, 3)}, false},
    {"desired-replicas differs", 5, 1, {DES(3, 3)}, true},
    {"an inactive set is ignored", 5, 2, {DES(0, 3), DES(5, 5)}, false},
    {"a set without the annotation is ignored", 5, 1, {DES(3, -1)}, false},
    {"one of several active sets differs", 5, 2, {DES(2, 5), DES(3, 4)}, true},
    {"scaled to zero", 0, 1, {DES(3, 3)}, true},
    {"mid-rollout at the same size", 3, 2, {DES(2, 3), DES(2, 3)}, false},
};

START_TEST(test_scaling_event)
{
    const scaling_event_v *v = &scaling_event_vectors[_i];
    rollout__k8s_params p = params(v->replicas, RU, one, one);
    rollout__rs_counts rs[MAX_SETS];
    bool got;

    load_sets(rs, v->sets, v->n);
    got = rollout__is_scaling_event(&p, rs, v->n);
    ck_assert_msg(got == v->want, "%s: got %d, want %d", v->name, got, v->want);
}
END_TEST

/* ------------------------------------------------------------------ */
/* GetProportion (and getReplicaSetFraction).                          */

typedef struct {
    const char *name;
    int32_t replicas;
    int strategy;
    rollout__intstr surge;
    int32_t spec;
    int32_t max; /* -1: no max-replicas annotation */
    int32_t to_add;
    int32_t added;
    int32_t status_replicas;
    int32_t want;
} proportion_v;

static const proportion_v proportion_vectors[] = {
    /* deployment_util_test.go TestGetReplicaSetFraction (maxUnavailable 1;
     * TO_ADD large enough that the fraction itself comes out) */
    {"empty deployment always scales to 0", 0, RU, INT(0), 10, -1, -20, 0, 0,
     -10},
    /* v1.28 divides by a zero status.replicas here; later releases, and
     * this library, leave the set alone */
    {"unsynced deployment does not scale when max-replicas annotation is "
     "missing",
     10, RU, INT(0), 5, -1, 5, 0, 0, 0},
    {"scale up by 1/5 when max-replicas annotation is missing", 120, RU,
     INT(0), 50, -1, 20, 0, 100, 10},
    {"scale up by 1/5 should increase RS replicas by 1/5", 120, RU, INT(0), 50,
     100, 20, 0, 0, 10},
    {"scale up with maxSurge by 1/5", 120, RU, INT(10), 50, 110, 20, 0, 0, 9},
    {"scale down by 1/6 should decrease RS replicas by 1/6", 10, RU, INT(0), 6,
     12, -2, 0, 0, -1},
    {"scale down with maxSurge by 1/6", 100, RU, INT(10), 50, 130, -20, 0, 0,
     -8},
    /* GetProportion in deployment_util.go */
    {"an empty set gets nothing", 10, RU, INT(0), 0, 5, 5, 0, 0, 0},
    {"nothing to add", 10, RU, INT(0), 3, 5, 0, 0, 0, 0},
    {"everything already added", 10, RU, INT(0), 3, 5, 4, 4, 0, 0},
    {"capped by what is left to add", 120, RU, INT(0), 50, 100, 4, 0, 0, 4},
    {"capped by what is left to remove", 100, RU, INT(10), 50, 130, -20, -15,
     0, -5},
    {"half away from zero, adding", 5, RU, INT(0), 1, 2, 10, 0, 0, 2},
    {"half away from zero, removing", 1, RU, INT(0), 5, 2, -10, 0, 0, -2},
    {"a set below its share grows even while removing", 5, RU, INT(0), 1, 2,
     -1, 0, 0, 2},
    {"the annotation wins over status.replicas", 10, RU, INT(0), 2, 5, 10, 0,
     100, 2},
    {"surge percentages count", 10, RU, STR("20%"), 3, 10, 5, 0, 0, 1},
    {"Recreate has no surge", 10, RECREATE, INT(5), 3, 5, 10, 0, 0, 3},
};

START_TEST(test_proportion)
{
    const proportion_v *v = &proportion_vectors[_i];
    rollout__k8s_params p = params(v->replicas, v->strategy, v->surge, one);
    rollout__rs_counts rs;
    int32_t got;

    memset(&rs, 0, sizeof(rs));
    rs.spec = v->spec;
    rs.replicas = v->spec;
    rs.desired = v->max;
    rs.max = v->max;
    got = rollout__proportion(&p, &rs, v->to_add, v->added, v->status_replicas);
    ck_assert_msg(got == v->want, "%s: got %d, want %d", v->name, got, v->want);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Recreate: scaleDownOldReplicaSetsForRecreate.                       */

typedef struct {
    const char *name;
    size_t n;
    set_v sets[MAX_SETS];
    size_t new_rs;
    bool want_scaled;
    int32_t want[MAX_SETS];
    size_t n_ops;
    op_v ops[MAX_OPS];
} recreate_v;

#define ST(s, t) {.spec = (s), .replicas = (s), .desired = -1, .max = -1,     \
                  .created = (t)}

static const recreate_v recreate_vectors[] = {
    /* recreate_test.go TestScaleDownOldReplicaSets */
    {"one old set of 3", 1, {ST(3, T_OLD)}, NO_RS, true, {0}, 1,
     {{0, 3, 0, DOWN}}},
    /* scaleDownOldReplicaSetsForRecreate in recreate.go */
    {"the new set is left alone", 2, {ST(2, T_NEW), ST(3, T_OLD)}, 0, true,
     {2, 0}, 1, {{1, 3, 0, DOWN}}},
    {"every active old set, oldest first", 4,
     {ST(2, T_OLD), ST(1, T_OLDER), ST(0, T_OLD + 1), ST(0, T_NEW)}, 3, true,
     {0, 0, 0, 0}, 2, {{1, 1, 0, DOWN}, {0, 2, 0, DOWN}}},
    {"no active old set", 2, {ST(0, T_OLD), ST(3, T_NEW)}, 1, false, {0, 3}, 0,
     {{0}}},
    {"only the new set", 1, {ST(3, T_NEW)}, 0, false, {3}, 0, {{0}}},
};

START_TEST(test_recreate)
{
    const recreate_v *v = &recreate_vectors[_i];
    rollout__rs_counts rs[MAX_SETS];
    rollout__plan plan = {0};
    bool scaled;

    load_sets(rs, v->sets, v->n);
    scaled = rollout__scale_down_old_for_recreate(&plan, rs, v->n, v->new_rs);
    ck_assert_msg(scaled == v->want_scaled, "%s: scaled %d, want %d", v->name,
                  scaled, v->want_scaled);
    check_sizes(v->name, rs, v->want, v->n);
    check_plan(v->name, &plan, v->ops, v->n_ops);
    rollout__plan_free(&plan);
}
END_TEST

/* ------------------------------------------------------------------ */
/* cleanupDeployment: the old sets revisionHistoryLimit lets go.       */

typedef struct {
    const char *name;
    size_t n;
    set_v sets[MAX_SETS];
    bool busy[MAX_SETS]; /* replicas left, still terminating */
    size_t new_rs;
    int32_t limit;
    size_t n_want;
    size_t want[MAX_SETS];
} cleanup_v;

/* spec S with R replicas, revision V, created at T */
#define RV(s, r, v, t) {.spec = (s), .replicas = (r), .desired = -1,         \
                        .max = -1, .revision = (v), .created = (t)}

static const cleanup_v cleanup_vectors[] = {
    /* sync_test.go TestDeploymentController_cleanupDeployment (no
     * revision annotations: creation order, then name, decides) */
    {"three empty old sets, limit 1", 3,
     {RV(0, 0, 0, 0), RV(0, 0, 0, 0), RV(0, 0, 0, 0)}, {false}, NO_RS, 1, 2,
     {0, 1}},
    {"only sets with spec and status replicas 0", 4,
     {RV(0, 0, 0, 0), RV(0, 1, 0, 0), RV(1, 0, 0, 0), RV(1, 1, 0, 0)},
     {false, true, false, true}, NO_RS, 0, 1, {0}},
    {"two empty old sets, limit 0", 2, {RV(0, 0, 0, 0), RV(0, 0, 0, 0)},
     {false}, NO_RS, 0, 2, {0, 1}},
    {"two busy old sets, limit 0", 2, {RV(1, 1, 0, 0), RV(1, 1, 0, 0)},
     {true, true}, NO_RS, 0, 0, {0}},
    {"unlimited revisionHistoryLimit", 3,
     {RV(0, 0, 0, 0), RV(0, 0, 0, 0), RV(0, 0, 0, 0)}, {false}, NO_RS,
     INT32_MAX, 0, {0}},
    /* sync_test.go TestDeploymentController_cleanupDeploymentOrder
     * (creation order rs1 < rs2 < rs3 < rs4) */
    {"revision order rs1 < rs2, delete rs1", 2,
     {RV(0, 0, 1, -60000), RV(0, 0, 2, 0)}, {false}, NO_RS, 1, 1, {0}},
    {"revision order rs2 < rs1, delete rs2", 2,
     {RV(0, 0, 2, -60000), RV(0, 0, 1, 0)}, {false}, NO_RS, 1, 1, {1}},
    {"rs2 has no revision, delete rs2", 2,
     {RV(0, 0, 1, -60000), RV(0, 0, 0, 0)}, {false}, NO_RS, 1, 1, {1}},
    {"rs1 has no revision, delete rs1", 2,
     {RV(0, 0, 0, -60000), RV(0, 0, 2, 0)}, {false}, NO_RS, 1, 1, {0}},
    {"rs1 has replicas, delete rs2", 3,
     {RV(1, 1, 1, -60000), RV(0, 0, 2, 0), RV(0, 0, 3, 60000)},
     {true, false, false}, NO_RS, 1, 1, {1}},
    {"rs1 and rs2 have replicas, delete nothing", 3,
     {RV(1, 1, 1, -60000), RV(1, 1, 2, 0), RV(0, 0, 3, 60000)},
     {true, true, false}, NO_RS, 1, 0, {0}},
    {"revision order rs2 < rs4 < rs1 < rs3, delete rs2 and rs4", 4,
     {RV(0, 0, 3, -60000), RV(0, 0, 1, 0), RV(0, 0, 4, 60000),
      RV(0, 0, 2, 120000)},
     {false}, NO_RS, 2, 2, {1, 3}},
    /* cleanupDeployment in sync.go */
    {"the new set does not count", 3,
     {RV(0, 0, 1, 100), RV(0, 0, 2, 200), RV(3, 3, 3, 300)},
     {false, false, true}, 2, 1, 1, {0}},
    {"a set with replicas still terminating is kept", 2,
     {RV(0, 0, 1, 100), RV(0, 0, 2, 200)}, {true, false}, NO_RS, 0, 1, {1}},
    {"within the limit", 3,
     {RV(0, 0, 1, 100), RV(0, 0, 2, 200), RV(0, 0, 3, 300)}, {false}, NO_RS,
     10, 0, {0}},
    {"equal revisions: older first", 2, {RV(0, 0, 2, 200), RV(0, 0, 2, 100)},
     {false}, NO_RS, 1, 1, {1}},
};

START_TEST(test_cleanup)
{
    const cleanup_v *v = &cleanup_vectors[_i];
    rollout__rs_counts rs[MAX_SETS];
    bool deletable[MAX_SETS];
    size_t out[MAX_SETS], got, k;

    load_sets(rs, v->sets, v->n);
    for (k = 0; k < v->n; k++)
        deletable[k] = !v->busy[k];
    got = rollout__cleanup_candidates(out, rs, deletable, v->n, v->new_rs,
                                      v->limit);
    ck_assert_msg(got == v->n_want, "%s: %zu sets to delete, want %zu", v->name,
                  got, v->n_want);
    for (k = 0; k < got; k++)
        ck_assert_msg(out[k] == v->want[k], "%s: victim %zu is set %zu, want %zu",
                      v->name, k, out[k], v->want[k]);
}
END_TEST

/* ------------------------------------------------------------------ */
/* calculateStatus.                                                    */

typedef struct {
    const char *name;
    size_t n;
    set_v sets[MAX_SETS];
    size_t new_rs;
    rollout__k8s_status want;
} status_v;

/* spec S; R replicas, Y ready, A available */
#define CNT(s, r, y, a) {.spec = (s), .replicas = (r), .ready = (y),          \
                         .available = (a), .desired = -1, .max = -1}

static const status_v status_vectors[] = {
    /* progress_test.go TestSyncRolloutStatus (newRSWithAvailable: spec,
     * status replicas, available; ready left at 0) */
    {"old set scaled down, new set rolling out", 2,
     {CNT(0, 1, 0, 1), CNT(3, 2, 0, 2)}, 1, {3, 2, 0, 3, 0}},
    {"only one active set, no new set", 1, {CNT(3, 3, 0, 3)}, NO_RS,
     {3, 0, 0, 3, 0}},
    {"complete new set", 1, {CNT(3, 3, 0, 3)}, 0, {3, 3, 0, 3, 0}},
    {"no new set, nothing left", 1, {CNT(0, 0, 0, 0)}, NO_RS, {0, 0, 0, 0, 0}},
    /* calculateStatus in sync.go */
    {"unavailable counts desired replicas, not current ones", 2,
     {CNT(2, 3, 3, 3), CNT(4, 2, 1, 1)}, 1, {5, 2, 4, 4, 2}},
    {"more available than desired: unavailable is 0", 2,
     {CNT(0, 2, 2, 2), CNT(3, 3, 3, 3)}, 1, {5, 3, 5, 5, 0}},
    {"seed mid-rollout", 2, {CNT(2, 2, 2, 2), CNT(2, 2, 1, 1)}, 1,
     {4, 2, 3, 3, 1}},
    {"three sets", 3, {CNT(1, 1, 1, 1), CNT(2, 2, 2, 1), CNT(3, 3, 1, 0)}, 2,
     {6, 3, 4, 2, 4}},
};

START_TEST(test_calc_status)
{
    const status_v *v = &status_vectors[_i];
    rollout__rs_counts rs[MAX_SETS];
    rollout__k8s_status st;

    load_sets(rs, v->sets, v->n);
    memset(&st, 0x55, sizeof(st));
    rollout__calc_status(&st, rs, v->n, v->new_rs);
    ck_assert_msg(st.replicas == v->want.replicas &&
                      st.updated == v->want.updated &&
                      st.ready == v->want.ready &&
                      st.available == v->want.available &&
                      st.unavailable == v->want.unavailable,
                  "%s: got replicas %d updated %d ready %d available %d "
                  "unavailable %d, want %d %d %d %d %d",
                  v->name, st.replicas, st.updated, st.ready, st.available,
                  st.unavailable, v->want.replicas, v->want.updated,
                  v->want.ready, v->want.available, v->want.unavailable);
}
END_TEST

/* ------------------------------------------------------------------ */
/* DeploymentComplete.                                                 */

typedef struct {
    const char *name;
    int32_t replicas;
    int32_t status_replicas;
    int32_t updated;
    int32_t available;
    int64_t observed_generation;
    int64_t generation;
    bool want;
} complete_v;

static const complete_v complete_vectors[] = {
    /* deployment_util_test.go TestDeploymentComplete */
    {"not complete: min but not all pods become available", 5, 5, 5, 4, 0, 0,
     false},
    {"not complete: min availability is not honored", 5, 5, 5, 3, 0, 0, false},
    {"complete", 5, 5, 5, 5, 0, 0, true},
    {"not complete: all pods are available but not updated", 5, 5, 4, 5, 0, 0,
     false},
    {"not complete: still running old pods", 1, 2, 1, 1, 0, 0, false},
    {"not complete: one replica deployment never comes up", 1, 1, 1, 0, 0, 0,
     false},
    /* DeploymentComplete in deployment_util.go */
    {"generation not yet observed", 3, 3, 3, 3, 1, 2, false},
    {"observed generation ahead", 3, 3, 3, 3, 3, 2, true},
    {"zero replicas, nothing left", 0, 0, 0, 0, 1, 1, true},
    {"more updated replicas than desired", 3, 4, 4, 4, 1, 1, false},
    {"more available replicas than desired", 3, 3, 3, 4, 1, 1, false},
};

START_TEST(test_complete)
{
    const complete_v *v = &complete_vectors[_i];
    rollout__k8s_status st;
    bool got;

    memset(&st, 0, sizeof(st));
    st.replicas = v->status_replicas;
    st.updated = v->updated;
    st.ready = v->available;
    st.available = v->available;
    got = rollout__deployment_complete(v->replicas, &st, v->observed_generation,
                                       v->generation);
    ck_assert_msg(got == v->want, "%s: got %d, want %d", v->name, got, v->want);
}
END_TEST

/* ------------------------------------------------------------------ */
/* DeploymentProgressing.                                              */

typedef struct {
    const char *name;
    int32_t old_counts[4]; /* replicas, updated, ready, available */
    int32_t new_counts[4];
    bool want;
} progressing_v;

static const progressing_v progressing_vectors[] = {
    /* deployment_util_test.go TestDeploymentProgressing */
    {"progressing: updated pods", {10, 4, 4, 4}, {10, 6, 4, 4}, true},
    {"not progressing", {10, 4, 4, 4}, {10, 4, 4, 4}, false},
    {"progressing: old pods removed", {10, 4, 6, 6}, {8, 4, 6, 6}, true},
    {"not progressing: less new pods", {10, 7, 3, 3}, {10, 6, 3, 3}, false},
    {"progressing: less overall but more new pods", {10, 4, 7, 7},
     {8, 8, 5, 5}, true},
    {"progressing: more ready pods", {10, 10, 9, 8}, {10, 10, 10, 8}, true},
    {"progressing: more available pods", {10, 10, 10, 9}, {10, 10, 10, 10},
     true},
    /* DeploymentProgressing in deployment_util.go */
    {"more old pods is no progress", {10, 4, 4, 4}, {12, 4, 4, 4}, false},
    {"fewer available pods is no progress", {10, 10, 10, 10},
     {10, 10, 10, 9}, false},
    {"all zero", {0, 0, 0, 0}, {0, 0, 0, 0}, false},
    {"seed: the first new replica", {3, 0, 3, 3}, {4, 1, 3, 3}, true},
};

static rollout__k8s_status status_of(const int32_t *c)
{
    rollout__k8s_status st;

    st.replicas = c[0];
    st.updated = c[1];
    st.ready = c[2];
    st.available = c[3];
    st.unavailable = 0;
    return st;
}

START_TEST(test_progressing)
{
    const progressing_v *v = &progressing_vectors[_i];
    rollout__k8s_status o = status_of(v->old_counts);
    rollout__k8s_status s = status_of(v->new_counts);
    bool got = rollout__deployment_progressing(&o, &s);

    ck_assert_msg(got == v->want, "%s: got %d, want %d", v->name, got, v->want);
}
END_TEST

/* ------------------------------------------------------------------ */
/* The timeout test of DeploymentTimedOut.                             */

typedef struct {
    const char *name;
    int64_t last_update_ms;
    int32_t deadline_s;
    int64_t now_ms;
    bool want;
} timeout_v;

/* 2016-01-01T00:MM:SSZ and 2017-02-15T18:MM:SSZ, in ms */
#define T2016(m, s) ((1451606400LL + (m) * 60 + (s)) * 1000)
#define T2017(m, s) ((1487184540LL + ((m) - 49) * 60 + (s)) * 1000)

static const timeout_v timeout_vectors[] = {
    /* deployment_util_test.go TestDeploymentTimedOut */
    {"progressDeadlineSeconds: 10s, now - started => 00:01:20 - 00:01:09 => "
     "11s",
     T2016(1, 9), 10, T2016(1, 20), true},
    {"progressDeadlineSeconds: 10s, now - started => 00:01:20 - 00:01:11 => "
     "9s",
     T2016(1, 11), 10, T2016(1, 20), false},
    {"infinite progressDeadlineSeconds specified - no timeout", T2016(1, 9),
     INT32_MAX, T2016(1, 20), false},
    /* progress_test.go TestRequeueStuckDeployment (deadline 60 s, last
     * progress at 18:49:00): timed out only strictly past the deadline */
    {"stuck deployment - 30s", T2017(49, 0), 60, T2017(49, 30), false},
    {"stuck deployment - 1s", T2017(49, 0), 60, T2017(49, 59), false},
    {"failed deployment - less than a second => now", T2017(49, 0), 60,
     T2017(49, 59) + 999, false},
    {"failed deployment - now", T2017(49, 0), 60, T2017(50, 0), false},
    {"failed deployment - 1s after deadline", T2017(49, 0), 60, T2017(50, 1),
     true},
    {"failed deployment - 60s after deadline", T2017(49, 0), 60, T2017(51, 0),
     true},
    /* LastUpdateTime + deadline before now, in ms */
    {"1 ms after the deadline", T2017(49, 0), 60, T2017(50, 0) + 1, true},
    {"default 600s: at the deadline", 0, 600, 600000, false},
    {"default 600s: 1 ms past", 0, 600, 600001, true},
};

START_TEST(test_timeout)
{
    const timeout_v *v = &timeout_vectors[_i];
    bool got =
        rollout__progress_timed_out(v->last_update_ms, v->deadline_s, v->now_ms);

    ck_assert_msg(got == v->want, "%s: got %d, want %d", v->name, got, v->want);
}
END_TEST

/* ------------------------------------------------------------------ */
/* kubectl rollout status.                                             */

typedef struct {
    const char *name;
    const char *deployment;
    int64_t generation;
    int64_t observed_generation;
    bool timed_out;
    int32_t replicas;
    int32_t status_replicas;
    int32_t updated;
    int32_t available;
    int want_rc;
    int want_done;
    const char *want_msg;
} rollout_status_v;

static const rollout_status_v rollout_status_vectors[] = {
    /* kubectl polymorphichelpers/rollout_status_test.go
     * TestDeploymentStatusViewerStatus (lines without the newline) */
    {"test1", "foo", 0, 1, false, 1, 1, 0, 1, 0, 0,
     "Waiting for deployment \"foo\" rollout to finish: 0 out of 1 new "
     "replicas have been updated..."},
    {"test2", "foo", 1, 1, false, 1, 2, 1, 2, 0, 0,
     "Waiting for deployment \"foo\" rollout to finish: 1 old replicas are "
     "pending termination..."},
    {"test3", "foo", 1, 1, false, 2, 2, 2, 1, 0, 0,
     "Waiting for deployment \"foo\" rollout to finish: 1 of 2 updated "
     "replicas are available..."},
    {"test4", "foo", 1, 1, false, 2, 2, 2, 2, 0, 1,
     "deployment \"foo\" successfully rolled out"},
    {"test5", "foo", 2, 1, false, 2, 2, 2, 2, 0, 0,
     "Waiting for deployment spec update to be observed..."},
    /* the lines of spec/kubernetes.md, in kubectl's priority */
    {"spec: not observed", "test", 3, 2, false, 3, 3, 3, 3, 0, 0,
     "Waiting for deployment spec update to be observed..."},
    {"spec: new replicas updated", "test", 2, 2, false, 3, 4, 1, 3, 0, 0,
     "Waiting for deployment \"test\" rollout to finish: 1 out of 3 new "
     "replicas have been updated..."},
    {"spec: old replicas pending termination", "test", 2, 2, false, 3, 4, 3, 3,
     0, 0,
     "Waiting for deployment \"test\" rollout to finish: 1 old replicas are "
     "pending termination..."},
    {"spec: updated replicas available", "test", 2, 2, false, 3, 3, 3, 2, 0, 0,
     "Waiting for deployment \"test\" rollout to finish: 2 of 3 updated "
     "replicas are available..."},
    {"spec: rolled out", "test", 2, 2, false, 3, 3, 3, 3, 0, 1,
     "deployment \"test\" successfully rolled out"},
    {"spec: progress deadline exceeded", "test", 2, 2, true, 3, 4, 1, 3, 1, 0,
     "deployment \"test\" exceeded its progress deadline"},
    /* rollout_status.go: the deadline is checked once the generation is
     * observed, before anything else */
    {"an unobserved generation goes before the deadline", "test", 3, 2, true,
     3, 4, 1, 3, 0, 0, "Waiting for deployment spec update to be observed..."},
    {"the deadline goes before a complete status", "test", 2, 2, true, 3, 3, 3,
     3, 1, 0, "deployment \"test\" exceeded its progress deadline"},
    {"observed generation ahead counts as observed", "test", 1, 2, false, 3, 3,
     3, 3, 0, 1, "deployment \"test\" successfully rolled out"},
};

START_TEST(test_rollout_status)
{
    const rollout_status_v *v = &rollout_status_vectors[_i];
    rollout__k8s_status st;
    char *msg = NULL;
    int done = -1, rc;

    memset(&st, 0, sizeof(st));
    st.replicas = v->status_replicas;
    st.updated = v->updated;
    st.ready = v->available;
    st.available = v->available;
    rc = rollout__rollout_status(&msg, &done, v->deployment, v->generation,
                                 v->observed_generation, v->timed_out,
                                 v->replicas, &st);
    ck_assert_msg(rc == v->want_rc, "%s: returned %d, want %d", v->name, rc,
                  v->want_rc);
    ck_assert_msg(msg != NULL, "%s: no message", v->name);
    ck_assert_msg(strcmp(msg, v->want_msg) == 0, "%s: got \"%s\", want \"%s\"",
                  v->name, msg, v->want_msg);
    ck_assert_msg(done == v->want_done, "%s: done %d, want %d", v->name, done,
                  v->want_done);
    free(msg);
}
END_TEST

/* ------------------------------------------------------------------ */

static void add_family(Suite *s, const char *name, const TTest *test,
                       size_t n)
{
    TCase *tc = tcase_create(name);

    tcase_add_loop_test(tc, test, 0, (int)n);
    suite_add_tcase(s, tc);
}

static Suite *suite(void)
{
    Suite *s = suite_create("kubernetes-rules");
    TCase *tc = tcase_create("fenceposts");

    tcase_add_loop_test(tc, test_fenceposts, 0, (int)N_OF(fencepost_vectors));
    tcase_add_loop_test(tc, test_intstr_scaled, 0, (int)N_OF(scaled_vectors));
    suite_add_tcase(s, tc);
    add_family(s, "max-surge-unavailable", test_maxes, N_OF(maxes_vectors));
    add_family(s, "new-rs-new-replicas", test_new_rs_new_replicas,
               N_OF(new_replicas_vectors));
    add_family(s, "reconcile-new", test_reconcile_new,
               N_OF(reconcile_new_vectors));
    add_family(s, "reconcile-old", test_reconcile_old,
               N_OF(reconcile_old_vectors));
    add_family(s, "scale", test_scale, N_OF(scale_vectors));
    add_family(s, "is-scaling-event", test_scaling_event,
               N_OF(scaling_event_vectors));
    add_family(s, "proportion", test_proportion, N_OF(proportion_vectors));
    add_family(s, "recreate-scale-down", test_recreate,
               N_OF(recreate_vectors));
    add_family(s, "cleanup-candidates", test_cleanup, N_OF(cleanup_vectors));
    add_family(s, "calculate-status", test_calc_status, N_OF(status_vectors));
    add_family(s, "deployment-complete", test_complete,
               N_OF(complete_vectors));
    add_family(s, "deployment-progressing", test_progressing,
               N_OF(progressing_vectors));
    add_family(s, "progress-timeout", test_timeout, N_OF(timeout_vectors));
    add_family(s, "rollout-status", test_rollout_status,
               N_OF(rollout_status_vectors));
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
