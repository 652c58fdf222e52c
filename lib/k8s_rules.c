/*
 * The Kubernetes Deployment controller's rules (spec/kubernetes.md), as
 * pure functions over counts.  Upstream: pkg/controller/deployment/
 * rolling.go, sync.go, progress.go, util/deployment_util.go and kubectl's
 * rollout_status.go.
 */
#include "k8s_rules.h"

#include <limits.h>
#include <stdlib.h>

#include "rollout/common.h"
#include "util.h"

/* Int-or-percent values. */

static bool parse_percent(int64_t *out, const char *s)
{
    int64_t v = 0;
    const char *p = s;
    bool neg = false;

    /* strconv.Atoi of the text before a trailing '%' */
    if (*p == '+' || *p == '-')
        neg = *p++ == '-';
    if (*p < '0' || *p > '9')
        return false;
    for (; *p >= '0' && *p <= '9'; p++) {
        v = v * 10 + (*p - '0');
        if (v > INT32_MAX)
            return false;
    }
    if (p[0] != '%' || p[1] != '\0')
        return false;
    *out = neg ? -v : v;
    return true;
}

static int64_t div_floor(int64_t a, int64_t b)
{
    int64_t q = a / b;

    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

static int32_t clamp32(int64_t v)
{
    return v > INT32_MAX ? INT32_MAX : v < INT32_MIN ? INT32_MIN : (int32_t)v;
}

int rollout__intstr_scaled(int32_t *out, const rollout__intstr *v,
                           int32_t total, bool round_up)
{
    int64_t pct, num;

    switch (v->kind) {
    case ROLLOUT__INTSTR_NONE:
        *out = 0;
        return 0;
    case ROLLOUT__INTSTR_INT:
        *out = v->ival;
        return 0;
    case ROLLOUT__INTSTR_STR:
        if (!v->sval || !parse_percent(&pct, v->sval))
            return -1;
        num = pct * total;
        *out = clamp32(round_up ? -div_floor(-num, 100) : div_floor(num, 100));
        return 0;
    }
    return -1;
}

int rollout__resolve_fenceposts(int32_t *surge, int32_t *unavailable,
                                const rollout__intstr *max_surge,
                                const rollout__intstr *max_unavailable,
                                int32_t desired)
{
    int32_t s, u;

    if (rollout__intstr_scaled(&s, max_surge, desired, true) < 0 ||
        rollout__intstr_scaled(&u, max_unavailable, desired, false) < 0)
        return -1;
    if (s == 0 && u == 0)
        u = 1; /* surge may not work (quotas): allow one unavailable */
    *surge = s;
    *unavailable = u;
    return 0;
}

int32_t rollout__max_surge(const rollout__k8s_params *p)
{
    int32_t s, u;

    if (p->strategy != ROLLOUT_STRATEGY_ROLLING_UPDATE)
        return 0;
    if (rollout__resolve_fenceposts(&s, &u, &p->max_surge, &p->max_unavailable,
                                    p->replicas) < 0)
        return 0;
    return s;
}

int32_t rollout__max_unavailable(const rollout__k8s_params *p)
{
    int32_t s, u;

    if (p->strategy != ROLLOUT_STRATEGY_ROLLING_UPDATE || p->replicas == 0)
        return 0;
    if (rollout__resolve_fenceposts(&s, &u, &p->max_surge, &p->max_unavailable,
                                    p->replicas) < 0)
        return 0;
    return u > p->replicas ? p->replicas : u;
}

/* Plans. */

bool rollout__plan_add(rollout__plan *plan, size_t rs, int32_t from,
                       int32_t to, bool up, bool annotate)
{
    rollout__scale_op *op;

    if (plan->oom)
        return false;
    if (plan->len == plan->cap) {
        size_t cap = plan->cap ? plan->cap * 2 : 8;
        rollout__scale_op *ops = realloc(plan->ops, cap * sizeof(*ops));

        if (!ops) {
            plan->oom = true;
            return false;
        }
        plan->ops = ops;
        plan->cap = cap;
    }
    op = &plan->ops[plan->len++];
    op->rs = rs;
    op->from = from;
    op->to = to;
    op->up = up;
    op->annotate = annotate;
    return true;
}

void rollout__plan_free(rollout__plan *plan)
{
    free(plan->ops);
    plan->ops = NULL;
    plan->len = plan->cap = 0;
    plan->oom = false;
}

/* Scales RS[I] to TO the way scaleReplicaSetAndRecordEvent does: nothing
 * when the size is already right. */
static bool scale_and_record(rollout__plan *plan, rollout__rs_counts *rs,
                             size_t i, int32_t to)
{
    int32_t from = rs[i].spec;

    if (from == to)
        return false;
    rs[i].spec = to;
    rollout__plan_add(plan, i, from, to, from < to, true);
    return true;
}

/* Orderings.  Upstream compares creation timestamps, then names; the engine
 * keeps millisecond creation times and a creation serial instead, so equal
 * times still order by creation. */

bool rollout__rs_older(const rollout__rs_counts *a, const rollout__rs_counts *b)
{
    if (a->created != b->created)
        return a->created < b->created;
    return a->serial < b->serial;
}

typedef bool (*rs_less_fn)(const rollout__rs_counts *a,
                           const rollout__rs_counts *b);

/* Indices of the sets that pass KEEP, sorted stably by LESS.  NULL with
 * *LEN 0 for no match; NULL and plan->oom on failure. */
static size_t *select_sets(rollout__plan *plan, const rollout__rs_counts *rs,
                           size_t n, size_t skip, bool active_only,
                           rs_less_fn less, size_t *len)
{
    size_t *idx, i, k = 0;

    *len = 0;
    if (n == 0)
        return NULL;
    idx = malloc(n * sizeof(*idx));
    if (!idx) {
        plan->oom = true;
        return NULL;
    }
    for (i = 0; i < n; i++) {
        size_t j;

        if (i == skip || (active_only && rs[i].spec <= 0))
            continue;
        /* insertion sort: a handful of sets */
        for (j = k; j > 0 && less(&rs[i], &rs[idx[j - 1]]); j--)
            idx[j] = idx[j - 1];
        idx[j] = i;
        k++;
    }
    *len = k;
    return idx;
}

static int32_t sum_spec(const rollout__rs_counts *rs, size_t n)
{
    int64_t s = 0;
    size_t i;

    for (i = 0; i < n; i++)
        s += rs[i].spec;
    return clamp32(s);
}

/* Available replicas of the sets OLD lists and of RS[NEW_RS], if any. */
static int32_t sum_available(const rollout__rs_counts *rs, size_t n,
                             const size_t *old, size_t n_old, size_t new_rs)
{
    int64_t s = new_rs < n ? rs[new_rs].available : 0;
    size_t k;

    for (k = 0; k < n_old; k++)
        s += rs[old[k]].available;
    return clamp32(s);
}

/* Rolling update. */

int32_t rollout__new_rs_new_replicas(const rollout__k8s_params *p,
                                     int32_t total, int32_t new_spec)
{
    int32_t surge, max_total, up;

    if (p->strategy == ROLLOUT_STRATEGY_RECREATE)
        return p->replicas;
    if (rollout__intstr_scaled(&surge, &p->max_surge, p->replicas, true) < 0)
        surge = 0; /* refused by validation before it gets here */
    max_total = clamp32((int64_t)p->replicas + surge);
    if (total >= max_total)
        return new_spec; /* cannot scale up */
    up = max_total - total;
    if (up > p->replicas - new_spec)
        up = p->replicas - new_spec; /* never past the desired count */
    return new_spec + up;
}

bool rollout__reconcile_new(rollout__plan *plan, const rollout__k8s_params *p,
                            rollout__rs_counts *rs, size_t n, size_t new_rs)
{
    int32_t target;

    if (new_rs >= n || rs[new_rs].spec == p->replicas)
        return false;
    if (rs[new_rs].spec > p->replicas)
        return scale_and_record(plan, rs, new_rs, p->replicas);
    target = rollout__new_rs_new_replicas(p, sum_spec(rs, n), rs[new_rs].spec);
    return scale_and_record(plan, rs, new_rs, target);
}

/* cleanupUnhealthyReplicas: take away unavailable replicas of old sets,
 * oldest set first, at most MAX_CLEANUP in all. */
static int32_t cleanup_unhealthy(rollout__plan *plan, rollout__rs_counts *rs,
                                 const size_t *old, size_t n_old,
                                 int32_t max_cleanup)
{
    int32_t total = 0;
    size_t k;

    for (k = 0; k < n_old && total < max_cleanup; k++) {
        rollout__rs_counts *r = &rs[old[k]];
        int32_t down;

        if (r->spec == 0 || r->spec == r->available)
            continue;
        down = max_cleanup - total;
        if (down > r->spec - r->available)
            down = r->spec - r->available;
        if (down <= 0)
            continue; /* more available than desired: nothing unhealthy */
        scale_and_record(plan, rs, old[k], r->spec - down);
        total += down;
    }
    return total;
}

/* scaleDownOldReplicaSetsForRollingUpdate: remove what availability above
 * MinAvailable allows, oldest set first.  Upstream counts availability over
 * the sets it is given, the old sets that were active at the start of the
 * pass and the new one: an old set already at 0 whose replicas are still
 * reported available does not count. */
static int32_t scale_down_old(rollout__plan *plan, const rollout__k8s_params *p,
                              rollout__rs_counts *rs, size_t n,
                              const size_t *old, size_t n_old, size_t new_rs)
{
    int32_t min_available = p->replicas - rollout__max_unavailable(p);
    int32_t available = sum_available(rs, n, old, n_old, new_rs);
    int32_t total = 0, budget;
    size_t k;

    if (available <= min_available)
        return 0;
    budget = available - min_available;
    for (k = 0; k < n_old && total < budget; k++) {
        rollout__rs_counts *r = &rs[old[k]];
        int32_t down;

        if (r->spec == 0)
            continue;
        down = budget - total;
        if (down > r->spec)
            down = r->spec;
        scale_and_record(plan, rs, old[k], r->spec - down);
        total += down;
    }
    return total;
}

int32_t rollout__reconcile_old(rollout__plan *plan,
                               const rollout__k8s_params *p,
                               rollout__rs_counts *rs, size_t n,
                               size_t new_rs)
{
    int32_t old_count = 0, all_count, min_available, new_unavailable;
    int32_t max_scaled_down, cleaned, scaled;
    size_t *old, n_old, k;

    old = select_sets(plan, rs, n, new_rs, true, rollout__rs_older, &n_old);
    if (!old)
        return 0;
    for (k = 0; k < n_old; k++)
        old_count += rs[old[k]].spec;
    if (old_count == 0) {
        free(old);
        return 0;
    }
    all_count = sum_spec(rs, n);
    min_available = p->replicas - rollout__max_unavailable(p);
    new_unavailable = new_rs < n ? rs[new_rs].spec - rs[new_rs].available : 0;
    max_scaled_down = all_count - min_available - new_unavailable;
    if (max_scaled_down <= 0) {
        free(old);
        return 0;
    }
    cleaned = cleanup_unhealthy(plan, rs, old, n_old, max_scaled_down);
    scaled = scale_down_old(plan, p, rs, n, old, n_old, new_rs);
    free(old);
    return cleaned + scaled;
}

/* Scaling events. */

bool rollout__is_scaling_event(const rollout__k8s_params *p,
                               const rollout__rs_counts *rs, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (rs[i].spec > 0 && rs[i].desired >= 0 &&
            rs[i].desired != p->replicas)
            return true;
    return false;
}

/* round(NUM / DEN) with halves away from zero, DEN > 0. */
static int64_t round_div(int64_t num, int64_t den)
{
    if (num >= 0)
        return (2 * num + den) / (2 * den);
    return -((-2 * num + den) / (2 * den));
}

int32_t rollout__proportion(const rollout__k8s_params *p,
                            const rollout__rs_counts *rs, int32_t to_add,
                            int32_t added, int32_t status_replicas)
{
    int32_t fraction, allowed;

    if (rs->spec == 0 || to_add == 0 || to_add == added)
        return 0;
    /* getReplicaSetFraction */
    if (p->replicas == 0) {
        fraction = -rs->spec;
    } else {
        int64_t max_now = (int64_t)p->replicas + rollout__max_surge(p);
        int64_t annotated = rs->max >= 0 ? rs->max : status_replicas;

        /* Upstream divides by zero here, which the annotations written by
         * the controller never lead to; a set with no base keeps its size. */
        if (annotated <= 0)
            fraction = 0;
        else
            fraction = clamp32(round_div((int64_t)rs->spec * max_now,
                                         annotated) - rs->spec);
    }
    allowed = to_add - added;
    if (to_add > 0)
        return fraction < allowed ? fraction : allowed;
    return fraction > allowed ? fraction : allowed;
}

static bool by_size_newer(const rollout__rs_counts *a, const rollout__rs_counts *b)
{
    if (a->spec != b->spec)
        return a->spec > b->spec;
    return rollout__rs_older(b, a);
}

static bool by_size_older(const rollout__rs_counts *a, const rollout__rs_counts *b)
{
    if (a->spec != b->spec)
        return a->spec > b->spec;
    return rollout__rs_older(a, b);
}

static bool newer_first(const rollout__rs_counts *a, const rollout__rs_counts *b)
{
    return rollout__rs_older(b, a);
}

void rollout__scale(rollout__plan *plan, const rollout__k8s_params *p,
                    rollout__rs_counts *rs, size_t n, size_t new_rs,
                    int32_t status_replicas)
{
    size_t *old, n_old, *all, n_all, k, active = ROLLOUT__NO_RS, n_active = 0;
    int32_t allowed, to_add, added = 0;
    bool up;
    int32_t *sizes;

    /* FindActiveOrLatest: old sets newest first, then the new one */
    old = select_sets(plan, rs, n, new_rs, false, newer_first, &n_old);
    if (plan->oom)
        return;
    if (new_rs >= n && n_old == 0)
        return;
    for (k = 0; k < n_old; k++)
        if (rs[old[k]].spec > 0) {
            active = old[k];
            n_active++;
        }
    if (new_rs < n && rs[new_rs].spec > 0) {
        if (n_active == 0)
            active = new_rs;
        n_active++;
    }
    if (n_active == 0)
        active = new_rs < n ? new_rs : old[0];
    if (n_active <= 1) {
        scale_and_record(plan, rs, active, p->replicas);
        free(old);
        return;
    }

    /* IsSaturated: the new set holds everything, so old sets go to 0 */
    if (new_rs < n && rs[new_rs].spec == p->replicas &&
        rs[new_rs].desired == p->replicas &&
        rs[new_rs].available == p->replicas) {
        for (k = 0; k < n_old; k++)
            if (rs[old[k]].spec > 0)
                scale_and_record(plan, rs, old[k], 0);
        free(old);
        return;
    }
    free(old);
    if (p->strategy != ROLLOUT_STRATEGY_ROLLING_UPDATE)
        return;

    /* proportional scaling over the active sets */
    allowed = p->replicas > 0
                  ? clamp32((int64_t)p->replicas + rollout__max_surge(p))
                  : 0;
    {
        int64_t sum = 0;

        for (k = 0; k < n; k++)
            if (rs[k].spec > 0)
                sum += rs[k].spec;
        to_add = clamp32((int64_t)allowed - sum);
    }
    up = to_add > 0;
    all = select_sets(plan, rs, n, ROLLOUT__NO_RS, true,
                      to_add > 0 ? by_size_newer : by_size_older, &n_all);
    if (!all)
        return;
    sizes = malloc(n_all * sizeof(*sizes));
    if (!sizes) {
        plan->oom = true;
        free(all);
        return;
    }
    for (k = 0; k < n_all; k++) {
        int32_t prop = 0;

        if (to_add != 0)
            prop = rollout__proportion(p, &rs[all[k]], to_add, added,
                                       status_replicas);
        sizes[k] = rs[all[k]].spec + prop;
        added += prop;
    }
    for (k = 0; k < n_all; k++) {
        rollout__rs_counts *r = &rs[all[k]];
        int32_t from = r->spec;

        if (k == 0 && to_add != 0) {
            sizes[0] += to_add - added; /* the leftover to the first */
            if (sizes[0] < 0)
                sizes[0] = 0;
        }
        /* scaleReplicaSet: rewrites the annotations even at the same size */
        r->spec = sizes[k];
        rollout__plan_add(plan, all[k], from, sizes[k], up, true);
    }
    free(sizes);
    free(all);
}

/* Recreate. */

bool rollout__scale_down_old_for_recreate(rollout__plan *plan,
                                          rollout__rs_counts *rs, size_t n,
                                          size_t new_rs)
{
    size_t *old, n_old, k;
    bool scaled = false;

    old = select_sets(plan, rs, n, new_rs, true, rollout__rs_older, &n_old);
    for (k = 0; k < n_old; k++)
        scaled |= scale_and_record(plan, rs, old[k], 0);
    free(old);
    return scaled;
}

/* History. */

static bool by_revision(const rollout__rs_counts *a, const rollout__rs_counts *b)
{
    if (a->revision != b->revision)
        return a->revision < b->revision;
    return rollout__rs_older(a, b);
}

size_t rollout__cleanup_candidates(size_t *out, const rollout__rs_counts *rs,
                                   const bool *deletable, size_t n,
                                   size_t new_rs, int32_t limit)
{
    rollout__plan scratch = {0};
    size_t *old, n_old, k, m = 0;
    int64_t diff;

    if (limit < 0 || limit == INT32_MAX)
        return 0;
    old = select_sets(&scratch, rs, n, new_rs, false, by_revision, &n_old);
    diff = (int64_t)n_old - limit;
    for (k = 0; old && (int64_t)k < diff; k++) {
        const rollout__rs_counts *r = &rs[old[k]];

        /* never a set that still has replicas */
        if (r->replicas != 0 || r->spec != 0 || !deletable[old[k]])
            continue;
        out[m++] = old[k];
    }
    free(old);
    return m;
}

/* Status. */

void rollout__calc_status(rollout__k8s_status *out,
                          const rollout__rs_counts *rs, size_t n,
                          size_t new_rs)
{
    int64_t replicas = 0, ready = 0, available = 0, spec = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        replicas += rs[i].replicas;
        ready += rs[i].ready;
        available += rs[i].available;
        spec += rs[i].spec;
    }
    out->replicas = clamp32(replicas);
    out->updated = new_rs < n ? rs[new_rs].replicas : 0;
    out->ready = clamp32(ready);
    out->available = clamp32(available);
    out->unavailable = spec > available ? clamp32(spec - available) : 0;
}

bool rollout__has_min_availability(const rollout__k8s_params *p,
                                   int32_t available)
{
    return available >= p->replicas - rollout__max_unavailable(p);
}

bool rollout__deployment_complete(int32_t replicas,
                                  const rollout__k8s_status *st,
                                  int64_t observed_generation,
                                  int64_t generation)
{
    return st->updated == replicas && st->replicas == replicas &&
           st->available == replicas && observed_generation >= generation;
}

bool rollout__deployment_progressing(const rollout__k8s_status *o,
                                     const rollout__k8s_status *s)
{
    int32_t old_old = o->replicas - o->updated;
    int32_t new_old = s->replicas - s->updated;

    return s->updated > o->updated || new_old < old_old ||
           s->ready > o->ready || s->available > o->available;
}

bool rollout__progress_timed_out(int64_t last_update_ms, int32_t deadline_s,
                                 int64_t now_ms)
{
    return last_update_ms + (int64_t)deadline_s * 1000 < now_ms;
}

int rollout__rollout_status(char **msg, int *done, const char *name,
                            int64_t generation, int64_t observed_generation,
                            bool timed_out, int32_t replicas,
                            const rollout__k8s_status *st)
{
    char *s;

    *done = 0;
    if (generation > observed_generation) {
        s = rollout__strdup("Waiting for deployment spec update to be observed...");
    } else if (timed_out) {
        *msg = rollout__sprintf("deployment \"%s\" exceeded its progress deadline",
                                name);
        return *msg ? 1 : -1;
    } else if (st->updated < replicas) {
        s = rollout__sprintf("Waiting for deployment \"%s\" rollout to finish: "
                             "%d out of %d new replicas have been updated...",
                             name, st->updated, replicas);
    } else if (st->replicas > st->updated) {
        s = rollout__sprintf("Waiting for deployment \"%s\" rollout to finish: "
                             "%d old replicas are pending termination...",
                             name, st->replicas - st->updated);
    } else if (st->available < st->updated) {
        s = rollout__sprintf("Waiting for deployment \"%s\" rollout to finish: "
                             "%d of %d updated replicas are available...",
                             name, st->available, st->updated);
    } else {
        s = rollout__sprintf("deployment \"%s\" successfully rolled out", name);
        *done = 1;
    }
    *msg = s;
    return s ? 0 : -1;
}
