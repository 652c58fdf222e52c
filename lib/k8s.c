/*
 * The Kubernetes strategy: one reconcile pass over a deployment, as the
 * Deployment controller's syncDeployment runs it (spec/kubernetes.md).  The
 * arithmetic is in k8s_rules.c; this file reads the model, applies the
 * plans, records events and keeps status and conditions.
 */
#include <stdlib.h>
#include <string.h>

#include "model.h"

/* Upstream keeps the revision history annotation under 2000 characters. */
#define MAX_REVISION_HISTORY_CHARS 2000

typedef struct {
    rollout_engine *e;
    rollout_deployment *d;
    rollout__k8s_params p;
    bool changed;
} pass;

static bool has_deadline(const rollout_deployment *d)
{
    return d->spec->progress_deadline_seconds != ROLLOUT__NO_DEADLINE;
}

/* The counts of every set, in d->sets order; NEW_IDX the position of NEW. */
static rollout__rs_counts *counts_of(pass *ps, rollout_replica_set *new_rs,
                                     size_t *new_idx)
{
    rollout_deployment *d = ps->d;
    rollout__rs_counts *c;
    size_t i;

    *new_idx = ROLLOUT__NO_RS;
    c = malloc((d->sets.len ? d->sets.len : 1) * sizeof(*c));
    if (!c)
        return NULL;
    for (i = 0; i < d->sets.len; i++) {
        rollout__rs_read_counts(&c[i], d->sets.items[i]);
        if (d->sets.items[i] == new_rs)
            *new_idx = i;
    }
    return c;
}

/* The ScalingReplicaSet events on the deployment. */
static int scaling_event(pass *ps, const rollout_replica_set *rs, bool created,
                         bool up, int32_t to, int32_t from)
{
    if (!rollout__wants_events(ps->e))
        return ROLLOUT_OK;
    if (created)
        return rollout__event(ps->e, ps->d, "Deployment", ps->d->spec->name,
                              "Normal", "ScalingReplicaSet",
                              "Scaled up replica set %s to %d", rs->name,
                              (int)to);
    return rollout__event(ps->e, ps->d, "Deployment", ps->d->spec->name,
                          "Normal", "ScalingReplicaSet",
                          "Scaled %s replica set %s to %d from %d",
                          up ? "up" : "down", rs->name, (int)to, (int)from);
}

/* Applies a plan: sizes, the desired/max annotations, events, and the
 * replica-set layer's creates and deletes.  *SCALED when a size changed. */
static int apply_plan(pass *ps, const rollout__plan *plan, bool *scaled)
{
    rollout_deployment *d = ps->d;
    int32_t desired = ps->p.replicas;
    int32_t max = desired + rollout__max_surge(&ps->p);
    size_t i;
    int rc;

    if (plan->oom)
        return rollout__oom(ps->e);
    for (i = 0; i < plan->len; i++) {
        const rollout__scale_op *op = &plan->ops[i];
        rollout_replica_set *rs = d->sets.items[op->rs];
        bool resize = rs->spec != op->to;
        bool annotate = op->annotate && (rs->desired != desired || rs->max != max);

        if (!resize && !annotate)
            continue;
        rs->spec = op->to;
        if (!rollout__rs_set_counts_annotations(rs, desired, max))
            return rollout__oom(ps->e);
        ps->changed = true;
        if (!resize)
            continue;
        if (scaled)
            *scaled = true;
        rc = scaling_event(ps, rs, false, op->up, op->to, op->from);
        if (rc == ROLLOUT_OK)
            rc = rollout__rs_reconcile(ps->e, rs);
        if (rc != ROLLOUT_OK)
            return rc;
    }
    return ROLLOUT_OK;
}

/* copyDeploymentAnnotationsToReplicaSet: adds and overwrites, never
 * removes, and skips the controller's own annotations. */
static int copy_annotations(pass *ps, rollout_replica_set *rs, bool *changed)
{
    const char *k;
    json_t *v;

    json_object_foreach(ps->d->spec->annotations, k, v) {
        json_t *have = json_object_get(rs->annotations, k);

        if (strcmp(k, ROLLOUT__ANN_LAST_APPLIED) == 0 ||
            strcmp(k, ROLLOUT__ANN_REVISION) == 0 ||
            strcmp(k, ROLLOUT__ANN_REVISION_HISTORY) == 0 ||
            strcmp(k, ROLLOUT__ANN_DESIRED) == 0 ||
            strcmp(k, ROLLOUT__ANN_MAX) == 0 ||
            strcmp(k, ROLLOUT__ANN_ROLLBACK_TO) == 0 ||
            (have && json_equal(have, v)))
            continue;
        if (json_object_set(rs->annotations, k, v) < 0)
            return rollout__oom(ps->e);
        *changed = true;
    }
    return ROLLOUT_OK;
}

/* Appends OLD to the set's revision-history, keeping it under the limit by
 * dropping the oldest entries, as upstream does. */
static int record_history(pass *ps, rollout_replica_set *rs, int64_t old)
{
    const char *hist = json_string_value(
        json_object_get(rs->annotations, ROLLOUT__ANN_REVISION_HISTORY));
    char num[24];
    char *joined;
    size_t total;

    snprintf(num, sizeof(num), "%lld", (long long)old);
    if (!hist || !*hist)
        return rollout__rs_annotate(rs, ROLLOUT__ANN_REVISION_HISTORY, num)
                   ? ROLLOUT_OK
                   : rollout__oom(ps->e);
    total = strlen(hist) + strlen(num) + 1;
    while (total > MAX_REVISION_HISTORY_CHARS && hist) {
        const char *comma = strchr(hist, ',');

        total -= comma ? (size_t)(comma - hist) + 1 : strlen(hist) + 1;
        hist = comma ? comma + 1 : NULL;
    }
    if (total > MAX_REVISION_HISTORY_CHARS)
        return ROLLOUT_OK; /* not appended: the limit is reached */
    joined = hist ? rollout__sprintf("%s,%s", hist, num) : rollout__strdup(num);
    if (!joined || !rollout__rs_annotate(rs, ROLLOUT__ANN_REVISION_HISTORY, joined)) {
        free(joined);
        return rollout__oom(ps->e);
    }
    free(joined);
    return ROLLOUT_OK;
}

/* SetNewReplicaSetAnnotations. */
static int new_rs_annotations(pass *ps, rollout_replica_set *rs,
                              int64_t new_revision, bool exists, bool *changed)
{
    int64_t old = rs->rev.number;
    int rc = copy_annotations(ps, rs, changed);

    if (rc != ROLLOUT_OK)
        return rc;
    if (old < new_revision) {
        if (!rollout__rs_set_revision(rs, new_revision))
            return rollout__oom(ps->e);
        *changed = true;
        /* a set that had a revision is being rolled back to */
        if (exists && old > 0 && (rc = record_history(ps, rs, old)) != ROLLOUT_OK)
            return rc;
    }
    if (!exists) {
        int32_t max = ps->p.replicas + rollout__max_surge(&ps->p);

        if (!rollout__rs_set_counts_annotations(rs, ps->p.replicas, max))
            return rollout__oom(ps->e);
        *changed = true;
    }
    return ROLLOUT_OK;
}

static int set_cond(pass *ps, const char *type, const char *status,
                    const char *reason, const char *message)
{
    int r = rollout__set_condition(ps->d, type, status, reason, message,
                                   ps->e->now);

    if (r < 0)
        return rollout__oom(ps->e);
    if (r > 0)
        ps->changed = true;
    return ROLLOUT_OK;
}

/* The Progressing condition's messages, about the new set NAME or, when
 * there is none, the deployment. */
typedef enum {
    MSG_FOUND,
    MSG_CREATED,
    MSG_AVAILABLE,
    MSG_PROGRESSING,
    MSG_TIMED_OUT
} progress_msg;

static int set_progressing(pass *ps, const char *status, const char *reason,
                           progress_msg kind, const char *rs_name)
{
    const char *name = rs_name ? rs_name : ps->d->spec->name;
    char *msg = NULL;
    int rc;

    switch (kind) {
    case MSG_FOUND:
        msg = rollout__sprintf("Found new replica set \"%s\"", name);
        break;
    case MSG_CREATED:
        msg = rollout__sprintf("Created new replica set \"%s\"", name);
        break;
    case MSG_AVAILABLE:
        msg = rs_name ? rollout__sprintf("ReplicaSet \"%s\" has successfully "
                                         "progressed.", name)
                      : rollout__sprintf("Deployment \"%s\" has successfully "
                                         "progressed.", name);
        break;
    case MSG_PROGRESSING:
        msg = rs_name ? rollout__sprintf("ReplicaSet \"%s\" is progressing.", name)
                      : rollout__sprintf("Deployment \"%s\" is progressing.", name);
        break;
    case MSG_TIMED_OUT:
        msg = rs_name ? rollout__sprintf("ReplicaSet \"%s\" has timed out "
                                         "progressing.", name)
                      : rollout__sprintf("Deployment \"%s\" has timed out "
                                         "progressing.", name);
        break;
    }
    if (!msg)
        return rollout__oom(ps->e);
    rc = set_cond(ps, "Progressing", status, reason, msg);
    free(msg);
    return rc;
}

/* getNewReplicaSet: finds the set running the deployment's template,
 * syncing its revision and annotations, or (CREATE) makes it.  *NEW_RS is
 * NULL when there is none, or after a hash collision. */
static int get_new_rs(pass *ps, bool create, rollout_replica_set **new_rs)
{
    rollout_deployment *d = ps->d;
    rollout_replica_set *existing = NULL, *rs;
    int64_t max_old = 0, new_revision;
    char hash[16];
    char *name, *key;
    int32_t replicas, total = 0;
    size_t i;
    int rc;

    *new_rs = NULL;
    for (i = 0; i < d->sets.len; i++) {
        rs = d->sets.items[i];
        if (!existing && strcmp(rs->rev.canonical, d->canonical) == 0)
            existing = rs;
    }
    for (i = 0; i < d->sets.len; i++) {
        rs = d->sets.items[i];
        total += rs->spec;
        if (rs != existing && rs->rev.number > max_old)
            max_old = rs->rev.number;
    }
    new_revision = max_old + 1;

    if (existing) {
        bool updated = false;

        rc = new_rs_annotations(ps, existing, new_revision, true, &updated);
        if (rc != ROLLOUT_OK)
            return rc;
        *new_rs = existing;
        if (updated || existing->min_ready_seconds != d->spec->min_ready_seconds) {
            /* the set is updated; the deployment follows in the next pass */
            if (existing->min_ready_seconds != d->spec->min_ready_seconds) {
                existing->min_ready_seconds = d->spec->min_ready_seconds;
                rollout__rs_refresh_availability(ps->e, existing);
            }
            ps->changed = true;
            return ROLLOUT_OK;
        }
        if (d->revision != existing->rev.number) {
            d->revision = existing->rev.number;
            ps->changed = true;
        }
        if (has_deadline(d) && !rollout__get_condition(d, "Progressing"))
            return set_progressing(ps, "True", "FoundNewReplicaSet", MSG_FOUND,
                                   existing->name);
        return ROLLOUT_OK;
    }
    if (!create)
        return ROLLOUT_OK;

    rollout__template_hash(hash, d->canonical,
                           d->collision_count > 0 ? d->collision_count : 0);
    name = rollout__sprintf("%s-%s", d->spec->name, hash);
    key = name ? rollout__sprintf("%s/%s", d->spec->ns, name) : NULL;
    if (!key) {
        free(name);
        return rollout__oom(ps->e);
    }
    if (rollout__map_get(&ps->e->rs_map, key)) {
        /* a set of another template has this name: a hash collision */
        free(name);
        free(key);
        d->collision_count = d->collision_count < 0 ? 1 : d->collision_count + 1;
        ps->changed = true;
        return ROLLOUT_OK;
    }
    free(key);
    replicas = rollout__new_rs_new_replicas(&ps->p, total, 0);
    rs = rollout__rs_new(ps->e, d, name, d->spec->template, d->canonical, hash,
                         ps->e->now, ps->e->next_serial);
    free(name);
    if (!rs)
        return rollout__oom(ps->e);
    ps->e->next_serial++;
    rs->spec = replicas;
    rs->min_ready_seconds = d->spec->min_ready_seconds;
    {
        bool dummy = false;

        rc = new_rs_annotations(ps, rs, new_revision, false, &dummy);
    }
    if (rc != ROLLOUT_OK)
        return rc;
    ps->changed = true;
    *new_rs = rs;
    if (replicas > 0 &&
        (rc = scaling_event(ps, rs, true, true, replicas, 0)) != ROLLOUT_OK)
        return rc;
    if ((rc = rollout__rs_reconcile(ps->e, rs)) != ROLLOUT_OK)
        return rc;
    d->revision = new_revision;
    if (has_deadline(d))
        return set_progressing(ps, "True", "NewReplicaSetCreated", MSG_CREATED,
                               rs->name);
    return ROLLOUT_OK;
}

/* cleanupDeployment: old sets past revisionHistoryLimit, lowest revision
 * first, once they hold nothing. */
static int cleanup(pass *ps, rollout_replica_set *new_rs)
{
    rollout_deployment *d = ps->d;
    rollout__rs_counts *c;
    rollout_replica_set **victims;
    bool *deletable;
    size_t *idx, n = d->sets.len, new_idx, k, m;

    if (n == 0)
        return ROLLOUT_OK;
    c = counts_of(ps, new_rs, &new_idx);
    deletable = malloc(n * sizeof(*deletable));
    idx = malloc(n * sizeof(*idx));
    victims = malloc(n * sizeof(*victims));
    if (!c || !deletable || !idx || !victims) {
        free(c);
        free(deletable);
        free(idx);
        free(victims);
        return rollout__oom(ps->e);
    }
    for (k = 0; k < n; k++)
        deletable[k] = ((rollout_replica_set *)d->sets.items[k])->replicas.len == 0;
    m = rollout__cleanup_candidates(idx, c, deletable, n, new_idx,
                                    d->spec->revision_history_limit);
    for (k = 0; k < m; k++)
        victims[k] = d->sets.items[idx[k]];
    for (k = 0; k < m; k++) {
        rollout__rs_free(ps->e, victims[k]);
        ps->changed = true;
    }
    free(c);
    free(deletable);
    free(idx);
    free(victims);
    return ROLLOUT_OK;
}

/* Once the last status showed the rollout complete, old history goes. */
static int cleanup_if_complete(pass *ps, rollout_replica_set *new_rs)
{
    rollout_deployment *d = ps->d;

    if (!rollout__deployment_complete(d->spec->replicas, &d->status,
                                      d->observed_generation, d->generation))
        return ROLLOUT_OK;
    return cleanup(ps, new_rs);
}

/* calculateStatus: the counts, observedGeneration and Available. */
static int calc_status(pass *ps, rollout_replica_set *new_rs,
                       rollout__k8s_status *st)
{
    rollout_deployment *d = ps->d;
    rollout__rs_counts *c;
    size_t new_idx;
    bool avail;

    c = counts_of(ps, new_rs, &new_idx);
    if (!c)
        return rollout__oom(ps->e);
    rollout__calc_status(st, c, d->sets.len, new_idx);
    free(c);
    if (d->observed_generation != d->generation) {
        d->observed_generation = d->generation;
        ps->changed = true;
    }
    avail = rollout__has_min_availability(&ps->p, st->available);
    return set_cond(ps, "Available", avail ? "True" : "False",
                    avail ? "MinimumReplicasAvailable"
                          : "MinimumReplicasUnavailable",
                    avail ? "Deployment has minimum availability."
                          : "Deployment does not have minimum availability.");
}

static void store_status(pass *ps, const rollout__k8s_status *st)
{
    if (memcmp(&ps->d->status, st, sizeof(*st)) != 0) {
        ps->d->status = *st;
        ps->changed = true;
    }
}

/* syncDeploymentStatus: for scaling events and paused deployments, which
 * never time out. */
static int sync_status(pass *ps, rollout_replica_set *new_rs)
{
    rollout__k8s_status st;
    int rc = calc_status(ps, new_rs, &st);

    if (rc != ROLLOUT_OK)
        return rc;
    store_status(ps, &st);
    rollout__heap_cancel(&ps->e->timers, &ps->d->timer);
    return ROLLOUT_OK;
}

/* syncRolloutStatus: status, the Progressing condition, and the deadline
 * timer (requeueStuckDeployment), so the host is woken when it passes. */
static int sync_rollout_status(pass *ps, rollout_replica_set *new_rs)
{
    rollout_deployment *d = ps->d;
    const rollout__condition *cur;
    rollout__k8s_status st, old = d->status;
    const char *rs_name = new_rs ? new_rs->name : NULL;
    bool complete;
    int rc = calc_status(ps, new_rs, &st);

    if (rc != ROLLOUT_OK)
        return rc;
    if (!has_deadline(d) && rollout__remove_condition(d, "Progressing"))
        ps->changed = true;
    cur = rollout__get_condition(d, "Progressing");
    complete = rollout__deployment_complete(d->spec->replicas, &st,
                                            d->observed_generation,
                                            d->generation);
    if (has_deadline(d) &&
        !(st.replicas == st.updated && cur &&
          strcmp(cur->reason, "NewReplicaSetAvailable") == 0)) {
        if (complete) {
            rc = set_progressing(ps, "True", "NewReplicaSetAvailable",
                                 MSG_AVAILABLE, rs_name);
        } else if (rollout__deployment_progressing(&old, &st)) {
            /* progress refreshes lastUpdateTime even with the same reason */
            int64_t transition = cur && strcmp(cur->status, "True") == 0
                                     ? cur->last_transition
                                     : ps->e->now;

            rollout__remove_condition(d, "Progressing");
            rc = set_progressing(ps, "True", "ReplicaSetUpdated",
                                 MSG_PROGRESSING, rs_name);
            if (rc == ROLLOUT_OK)
                d->conds[d->n_conds - 1].last_transition = transition;
            ps->changed = true;
        } else if (cur && strcmp(cur->reason, "NewReplicaSetAvailable") != 0 &&
                   (strcmp(cur->reason, "ProgressDeadlineExceeded") == 0 ||
                    rollout__progress_timed_out(
                        cur->last_update, d->spec->progress_deadline_seconds,
                        ps->e->now))) {
            rc = set_progressing(ps, "False", "ProgressDeadlineExceeded",
                                 MSG_TIMED_OUT, rs_name);
        }
        if (rc != ROLLOUT_OK)
            return rc;
    }
    store_status(ps, &st);

    /* No timer over NewReplicaSetAvailable either: DeploymentTimedOut
     * never fires on it, and any progress replaces it (and sets the
     * timer) first.  Its lastUpdate may be long past (a scale-up after the
     * rollout, Recreate waiting for old replicas): a timer there would be
     * due at every tick. */
    cur = rollout__get_condition(d, "Progressing");
    if (has_deadline(d) && cur && !complete &&
        strcmp(cur->reason, "ProgressDeadlineExceeded") != 0 &&
        strcmp(cur->reason, "NewReplicaSetAvailable") != 0) {
        /* strictly after the deadline, as the timeout test is strict */
        int64_t at = cur->last_update +
                     (int64_t)d->spec->progress_deadline_seconds * 1000 + 1;

        if (!rollout__heap_set(&ps->e->timers, &d->timer, at))
            return rollout__oom(ps->e);
    } else {
        rollout__heap_cancel(&ps->e->timers, &d->timer);
    }
    return ROLLOUT_OK;
}

/* checkPausedConditions. */
static int check_paused_conditions(pass *ps)
{
    rollout_deployment *d = ps->d;
    const rollout__condition *cur = rollout__get_condition(d, "Progressing");
    bool paused_cond;

    if (!has_deadline(d))
        return ROLLOUT_OK;
    if (cur && strcmp(cur->reason, "ProgressDeadlineExceeded") == 0)
        return ROLLOUT_OK;
    paused_cond = cur && strcmp(cur->reason, "DeploymentPaused") == 0;
    if (d->spec->paused && !paused_cond)
        return set_cond(ps, "Progressing", "Unknown", "DeploymentPaused",
                        "Deployment is paused");
    if (!d->spec->paused && paused_cond)
        return set_cond(ps, "Progressing", "Unknown", "DeploymentResumed",
                        "Deployment is resumed");
    return ROLLOUT_OK;
}

/* sync: scaling events and paused deployments. */
static int sync_scale(pass *ps)
{
    rollout_replica_set *new_rs;
    rollout__rs_counts *c;
    rollout__plan plan = {0};
    size_t new_idx;
    int rc = get_new_rs(ps, false, &new_rs);

    if (rc != ROLLOUT_OK)
        return rc;
    c = counts_of(ps, new_rs, &new_idx);
    if (!c)
        return rollout__oom(ps->e);
    rollout__scale(&plan, &ps->p, c, ps->d->sets.len, new_idx,
                   ps->d->status.replicas);
    rc = apply_plan(ps, &plan, NULL);
    rollout__plan_free(&plan);
    free(c);
    if (rc == ROLLOUT_OK && ps->d->spec->paused)
        rc = cleanup(ps, new_rs);
    if (rc == ROLLOUT_OK)
        rc = sync_status(ps, new_rs);
    return rc;
}

static int rollout_rolling(pass *ps)
{
    rollout_deployment *d = ps->d;
    rollout_replica_set *new_rs;
    rollout__rs_counts *c;
    rollout__plan plan = {0};
    size_t new_idx;
    bool scaled = false;
    int rc = get_new_rs(ps, true, &new_rs);

    if (rc != ROLLOUT_OK || !new_rs)
        return rc; /* a collision: the next pass tries the next name */
    c = counts_of(ps, new_rs, &new_idx);
    if (!c)
        return rollout__oom(ps->e);
    if (rollout__reconcile_new(&plan, &ps->p, c, d->sets.len, new_idx) ||
        rollout__reconcile_old(&plan, &ps->p, c, d->sets.len, new_idx) > 0 ||
        plan.oom)
        rc = apply_plan(ps, &plan, &scaled);
    rollout__plan_free(&plan);
    free(c);
    if (rc == ROLLOUT_OK && !scaled)
        rc = cleanup_if_complete(ps, new_rs);
    return rc == ROLLOUT_OK ? sync_rollout_status(ps, new_rs) : rc;
}

/* oldPodsRunning: an old set with replicas, or any replica of an old set
 * that may still run (terminating ones count, failed ones do not). */
static bool old_pods_running(const rollout_deployment *d,
                             const rollout_replica_set *new_rs)
{
    size_t i;

    for (i = 0; i < d->sets.len; i++) {
        const rollout_replica_set *rs = d->sets.items[i];

        if (rs != new_rs && (rs->n_active > 0 || rs->n_live > 0))
            return true;
    }
    return false;
}

static int rollout_recreate(pass *ps)
{
    rollout_deployment *d = ps->d;
    rollout_replica_set *new_rs;
    rollout__rs_counts *c;
    rollout__plan plan = {0};
    size_t new_idx;
    bool scaled = false;
    int rc = get_new_rs(ps, false, &new_rs);

    if (rc != ROLLOUT_OK)
        return rc;
    c = counts_of(ps, new_rs, &new_idx);
    if (!c)
        return rollout__oom(ps->e);
    rollout__scale_down_old_for_recreate(&plan, c, d->sets.len, new_idx);
    rc = apply_plan(ps, &plan, &scaled);
    rollout__plan_free(&plan);
    free(c);
    if (rc != ROLLOUT_OK)
        return rc;
    if (scaled || old_pods_running(d, new_rs))
        return sync_rollout_status(ps, new_rs);
    if (!new_rs) {
        rc = get_new_rs(ps, true, &new_rs);
        if (rc != ROLLOUT_OK || !new_rs)
            return rc;
    }
    /* scaleUpNewReplicaSetForRecreate */
    c = counts_of(ps, new_rs, &new_idx);
    if (!c)
        return rollout__oom(ps->e);
    if (c[new_idx].spec != ps->p.replicas)
        rollout__plan_add(&plan, new_idx, c[new_idx].spec, ps->p.replicas,
                          c[new_idx].spec < ps->p.replicas, true);
    rc = apply_plan(ps, &plan, NULL);
    rollout__plan_free(&plan);
    free(c);
    if (rc == ROLLOUT_OK)
        rc = cleanup_if_complete(ps, new_rs);
    return rc == ROLLOUT_OK ? sync_rollout_status(ps, new_rs) : rc;
}

/* A deleted deployment: every replica goes, then every set. */
static int sync_deleting(pass *ps)
{
    rollout_deployment *d = ps->d;
    size_t i, j;

    for (i = d->sets.len; i-- > 0;) {
        rollout_replica_set *rs = d->sets.items[i];

        rs->spec = 0;
        for (j = rs->replicas.len; j-- > 0;) {
            rollout_replica *r = rs->replicas.items[j];

            if (r->want == ROLLOUT__WANT_CREATE) {
                rollout__replica_request_delete(ps->e, r);
                ps->changed = true;
            }
        }
        if (rs->replicas.len == 0) {
            rollout__rs_free(ps->e, rs);
            ps->changed = true;
        }
    }
    return ROLLOUT_OK;
}

int rollout__k8s_sync(rollout_engine *e, rollout_deployment *d, bool *changed)
{
    pass ps;
    size_t i;
    int rc;

    ps.e = e;
    ps.d = d;
    ps.changed = false;
    rollout__spec_params(&ps.p, d->spec);
    if (d->deleting) {
        rc = sync_deleting(&ps);
        *changed = ps.changed;
        return rc;
    }
    /* the replica sets' own controller: replace what failed or went */
    for (i = 0; i < d->sets.len; i++)
        if ((rc = rollout__rs_reconcile(e, d->sets.items[i])) != ROLLOUT_OK)
            return rc;
    rc = check_paused_conditions(&ps);
    if (rc == ROLLOUT_OK) {
        if (d->spec->paused) {
            rc = sync_scale(&ps);
        } else {
            rollout__rs_counts *c;
            size_t new_idx;
            bool scaling;
            rollout_replica_set *new_rs;

            rc = get_new_rs(&ps, false, &new_rs);
            c = rc == ROLLOUT_OK ? counts_of(&ps, new_rs, &new_idx) : NULL;
            if (rc == ROLLOUT_OK && !c)
                rc = rollout__oom(e);
            scaling = c && rollout__is_scaling_event(&ps.p, c, d->sets.len);
            free(c);
            if (rc == ROLLOUT_OK)
                rc = scaling ? sync_scale(&ps)
                     : d->spec->strategy == ROLLOUT_STRATEGY_RECREATE
                         ? rollout_recreate(&ps)
                         : rollout_rolling(&ps);
        }
    }
    *changed = ps.changed;
    return rc;
}
