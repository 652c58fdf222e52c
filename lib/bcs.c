/*
 * The BCS strategy (spec/bcs-mesos.md): applications and their taskgroups,
 * the update step by step, and the operations, as bcs-scheduler runs them.
 * An application is a replica set; a taskgroup is a replica with an index.
 * A standalone application is held by a deployment of kind application,
 * which a deployment's selector can take it from.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"

/* Upstream's life periods of the inner-scale transactions, in seconds; a
 * half of a step times out 60 s after them. */
#define ROLLING_UP_LIFE 300
#define ROLLING_DOWN_LIFE 7500
#define TIMEOUT_GRACE 60

static const char *const bcs_status_names[] = {
    "Deploying", "Running", "Update", "UpdatePaused", "UpdateSuspend", "Deleting",
};

static const char *const app_status_names[] = {
    "Staging", "Deploying", "Running",  "Finish",  "Error",
    "Operating", "RollingUpdate", "Unknown", "Abnormal",
};

const char *rollout__bcs_status_name(int status)
{
    return status >= 0 && (size_t)status < ROLLOUT__ARRAY_LEN(bcs_status_names)
               ? bcs_status_names[status]
               : "Unknown";
}

const char *rollout__app_status_name(int status)
{
    return status >= 0 && (size_t)status < ROLLOUT__ARRAY_LEN(app_status_names)
               ? app_status_names[status]
               : "Unknown";
}

const char *rollout__taskgroup_status(const rollout_replica *r)
{
    if (r->want == ROLLOUT__WANT_DELETE)
        return "Killing";
    switch (r->phase) {
    case ROLLOUT_PHASE_PENDING:
        return "Staging";
    case ROLLOUT_PHASE_STARTING:
        return "Starting";
    case ROLLOUT_PHASE_RUNNING:
    case ROLLOUT_PHASE_READY:
        return "Running";
    case ROLLOUT_PHASE_FAILED:
        return "Failed";
    case ROLLOUT_PHASE_LOST:
        return "Lost";
    case ROLLOUT_PHASE_FINISHED:
        return "Finish";
    case ROLLOUT_PHASE_ERROR:
        return "Error";
    default:
        return "Unknown";
    }
}

void rollout__bcs_release(rollout_deployment *d)
{
    free(d->bcs.message);
    d->bcs.message = NULL;
    rollout_spec_free(d->bcs.backup);
    d->bcs.backup = NULL;
}

static bool set_message(char **dst, const char *msg, bool *changed)
{
    if (rollout__streq(*dst, msg))
        return true;
    if (!rollout__set_str(dst, msg))
        return false;
    if (changed)
        *changed = true;
    return true;
}

/* The pass over one deployment. */
typedef struct {
    rollout_engine *e;
    rollout_deployment *d;
    bool changed;
} pass;

static int oom(pass *ps)
{
    return rollout__oom(ps->e);
}

/* Applications. */

/* Its restart policy: what ends is launched again unless the policy says
 * so (OnFailure by default; Always also relaunches what finished). */
static bool relaunches(const rollout_replica_set *rs, const rollout_replica *r)
{
    const char *policy = json_string_value(
        json_object_get(rs->d->spec->bcs.restart_policy, "policy"));

    if (policy && strcmp(policy, "Never") == 0)
        return false;
    if (r->phase == ROLLOUT_PHASE_FINISHED)
        return policy && strcmp(policy, "Always") == 0;
    return true;
}

/* A taskgroup id: <index>.<application>.<namespace>.<cluster>.<unix nanos>. */
static char *taskgroup_id(rollout_engine *e, const rollout_replica_set *rs,
                          uint32_t index)
{
    long long nanos = (long long)e->now * 1000000LL;
    char *id;

    for (;;) {
        id = rollout__sprintf("%u.%s.%s.%s.%lld", index, rs->name, rs->d->ns,
                              e->cluster ? e->cluster : "Unnamed", nanos);
        if (!id || !rollout__map_get(&e->replica_map, id))
            return id;
        free(id);
        nanos++; /* two in the same millisecond */
    }
}

static bool index_held(const rollout_replica_set *rs, uint32_t index)
{
    size_t i;

    for (i = 0; i < rs->replicas.len; i++)
        if (((rollout_replica *)rs->replicas.items[i])->index == index)
            return true;
    return false;
}

/* Brings RS to its target (rs->spec; none while it is being deleted):
 * kills every taskgroup with an index at or above the target (all at once,
 * as upstream's scale-down does) and what ended, then builds into the
 * indices below the target that no taskgroup holds, so that a taskgroup
 * is relaunched at its index once the one it replaces is gone. */
static int app_reconcile(pass *ps, rollout_replica_set *rs)
{
    rollout_engine *e = ps->e;
    int32_t target = rs->app.deleting ? 0 : rs->spec;
    uint32_t index;
    size_t i;

    if (target < 0)
        target = 0;
    for (i = rs->replicas.len; i-- > 0;) {
        rollout_replica *r = rs->replicas.items[i];

        if (r->want != ROLLOUT__WANT_CREATE)
            continue;
        if ((int64_t)r->index >= target ||
            (rollout__replica_dead(r) && relaunches(rs, r))) {
            rollout__replica_request_delete(e, r);
            ps->changed = true;
        }
    }
    for (index = 0; index < (uint32_t)target; index++) {
        char *id;
        rollout_replica *r;

        if (index_held(rs, index))
            continue;
        id = taskgroup_id(e, rs, index);
        if (!id)
            return oom(ps);
        r = rollout__replica_new(e, rs, id, e->next_serial++);
        free(id);
        if (!r)
            return oom(ps);
        r->index = index;
        rollout__outbox_push(e, r);
        ps->changed = true;
    }
    return ROLLOUT_OK;
}

/* The status and message upstream derives, first rule that matches. */
static void derive(const rollout_replica_set *rs, int *status, const char **msg)
{
    int32_t err = 0, failed = 0, lost = 0, finish = 0, starting = 0;
    size_t i;

    for (i = 0; i < rs->replicas.len; i++) {
        const rollout_replica *r = rs->replicas.items[i];

        if (r->want == ROLLOUT__WANT_CREATE && r->req != ROLLOUT__REQ_ACCEPTED)
            continue; /* not built */
        if (r->want == ROLLOUT__WANT_DELETE)
            continue; /* killing */
        err += r->phase == ROLLOUT_PHASE_ERROR;
        failed += r->phase == ROLLOUT_PHASE_FAILED;
        lost += r->phase == ROLLOUT_PHASE_LOST;
        finish += r->phase == ROLLOUT_PHASE_FINISHED;
        starting += r->phase == ROLLOUT_PHASE_PENDING ||
                    r->phase == ROLLOUT_PHASE_STARTING;
    }
    if (err) {
        *status = ROLLOUT__APP_ERROR;
        *msg = "application has error pods";
    } else if (failed) {
        *status = ROLLOUT__APP_ABNORMAL;
        *msg = "application has failed pods";
    } else if (lost) {
        *status = ROLLOUT__APP_ABNORMAL;
        *msg = "have some lost taskgroups";
    } else if (rs->n_built < rs->app.define) {
        *status = ROLLOUT__APP_ABNORMAL;
        *msg = "have not enough resources to launch application";
    } else if (rs->n_built > 0 && finish == rs->n_built) {
        *status = ROLLOUT__APP_FINISH;
        *msg = "all pods are finish";
    } else if (starting) {
        *status = ROLLOUT__APP_DEPLOYING;
        *msg = "some pods in staing or starting";
    } else if (rs->n_running == rs->app.define) {
        *status = ROLLOUT__APP_RUNNING;
        *msg = "application is running";
    } else {
        *status = ROLLOUT__APP_ABNORMAL;
        *msg = "application is abnormal";
    }
}

/* The status an application shows: deleting and recovering ones are
 * Operating; both applications of an update show RollingUpdate, with the
 * message the rules give (as the seed's listing shows). */
static int app_status(pass *ps, rollout_replica_set *rs, bool rolling)
{
    int status;
    const char *msg;

    derive(rs, &status, &msg);
    if (rs->app.restoring && rs->n_built >= rs->app.define)
        rs->app.restoring = false;
    if (rs->app.deleting) {
        status = ROLLOUT__APP_OPERATING;
        msg = "application in deleting";
    } else if (rs->app.restoring) {
        status = ROLLOUT__APP_OPERATING;
        msg = "application in recovering";
    } else if (rolling) {
        status = ROLLOUT__APP_ROLLING_UPDATE;
    }
    if (rs->app.status != status) {
        rs->app.status = status;
        ps->changed = true;
    }
    return set_message(&rs->app.message, msg, &ps->changed) ? ROLLOUT_OK : oom(ps);
}

static rollout_replica_set *new_app(pass *ps, const char *name, int32_t define,
                                    int64_t number)
{
    rollout_deployment *d = ps->d;
    char *canonical = rollout__canonical_json(d->spec->template);
    char hash[16];
    rollout_replica_set *rs;

    if (!canonical)
        return NULL;
    rollout__template_hash(hash, canonical, 0);
    rs = rollout__rs_new(ps->e, d, name, d->spec->template, canonical, hash,
                         ps->e->now, ps->e->next_serial);
    free(canonical);
    if (!rs)
        return NULL;
    ps->e->next_serial++;
    rs->rev.number = number;
    rs->app.define = define;
    rs->app.status = ROLLOUT__APP_STAGING;
    ps->changed = true;
    return rs;
}

/* Deletes an application with its taskgroups (InnerDeleteApplication): it
 * goes once the last one has. */
static void delete_app(rollout_replica_set *rs)
{
    rs->app.deleting = true;
}

static rollout_replica_set *find_app(rollout_engine *e, const char *ns,
                                     const char *name)
{
    char *key = rollout__sprintf("%s/%s", ns, name);
    rollout_replica_set *rs = key ? rollout__map_get(&e->rs_map, key) : NULL;

    free(key);
    return rs;
}

/* The update, step by step. */

static int32_t max_unavailable(const rollout_deployment *d)
{
    return d->spec->bcs.max_unavailable > 0 ? d->spec->bcs.max_unavailable : 1;
}

static int32_t max_surge(const rollout_deployment *d)
{
    return d->spec->bcs.max_surge > 0 ? d->spec->bcs.max_surge : 1;
}

static bool delete_first(const rollout_deployment *d)
{
    return rollout__streq(d->spec->bcs.rolling_order, "DeleteFirst");
}

static int set_status(pass *ps, int status, const char *msg)
{
    rollout_deployment *d = ps->d;

    if (d->bcs.status != status) {
        d->bcs.status = status;
        ps->changed = true;
    }
    return set_message(&d->bcs.message, msg, &ps->changed) ? ROLLOUT_OK : oom(ps);
}

/* Upstream's Instances of an old application: its slots, 0 to the
 * highest index it holds.  A taskgroup being relaunched keeps its slot
 * (upstream reschedules it in place), whether or not the host has taken
 * the new one yet, and so does one whose create the host refused; counting
 * only what the host has now would lower the step's target by those and
 * kill more running taskgroups than maxUnavailable allows. */
static int32_t app_slots(const rollout_replica_set *rs)
{
    int64_t top = -1;
    size_t i;

    for (i = 0; i < rs->replicas.len; i++) {
        const rollout_replica *r = rs->replicas.items[i];

        if ((int64_t)r->index > top)
            top = r->index;
    }
    return (int32_t)(top + 1);
}

/* deploymentBeginRolling. */
static int begin_step(pass *ps)
{
    rollout_deployment *d = ps->d;
    rollout_replica_set *old = d->bcs.app, *new = d->bcs.ext;
    int32_t mu = max_unavailable(d), ms = max_surge(d), slots;

    if (!old || !new)
        return ROLLOUT_OK; /* an application went: nothing to roll */
    slots = app_slots(old);
    d->bcs.app_target = slots >= mu ? slots - mu : 0;
    d->bcs.app_rolling = slots - d->bcs.app_target;
    d->bcs.ext_target = new->n_built + ms < new->app.define ? new->n_built + ms
                                                             : new->app.define;
    d->bcs.ext_rolling = d->bcs.ext_target - new->n_built;
    d->bcs.in_rolling = true;
    d->bcs.last_rolling = ps->e->now;
    /* the first half scales its application (an inner scale) */
    if (delete_first(d)) {
        d->bcs.op = ROLLOUT__BCS_OP_DELETE;
        old->spec = d->bcs.app_target;
    } else {
        d->bcs.op = ROLLOUT__BCS_OP_START;
        new->spec = d->bcs.ext_target;
    }
    ps->changed = true;
    return set_message(&d->bcs.message, "", NULL) ? ROLLOUT_OK : oom(ps);
}

/* isRollingStartFinished: the step's new taskgroups (indices [target -
 * rolling, target)) are all Running and pass their health checks. */
static bool start_done(const rollout_deployment *d)
{
    const rollout_replica_set *new = d->bcs.ext;
    int64_t lo = (int64_t)d->bcs.ext_target - d->bcs.ext_rolling;
    size_t i;

    if (new->n_built < d->bcs.ext_target)
        return false;
    for (i = 0; i < new->replicas.len; i++) {
        const rollout_replica *r = new->replicas.items[i];

        if (r->want == ROLLOUT__WANT_CREATE && (int64_t)r->index >= lo &&
            (int64_t)r->index < d->bcs.ext_target && r->phase != ROLLOUT_PHASE_READY)
            return false;
    }
    return true;
}

static bool delete_done(const rollout_deployment *d)
{
    return d->bcs.app->n_built <= d->bcs.app_target;
}

/* finishRollingUpdate: the old application goes, the new one is bound. */
static int finish(pass *ps)
{
    rollout_deployment *d = ps->d;

    delete_app(d->bcs.app);
    d->bcs.app = d->bcs.ext;
    d->bcs.ext = NULL;
    d->bcs.app_target = d->bcs.app_rolling = 0;
    d->bcs.ext_target = d->bcs.ext_rolling = 0;
    d->bcs.last_rolling = 0;
    d->bcs.op = ROLLOUT__BCS_OP_NONE;
    d->bcs.in_rolling = false;
    return set_status(ps, ROLLOUT__BCS_RUNNING, "");
}

/* deploymentEndRolling, and the finish it may bring. */
static int end_step(pass *ps)
{
    rollout_deployment *d = ps->d;
    int rc;

    d->bcs.last_rolling = ps->e->now;
    d->bcs.in_rolling = false;
    d->bcs.op = ROLLOUT__BCS_OP_NONE;
    ps->changed = true;
    if (d->spec->bcs.rolling_manually)
        rc = set_status(ps, ROLLOUT__BCS_UPDATE_PAUSED, "rollingupdate paused");
    else
        rc = set_message(&d->bcs.message, "", &ps->changed) ? ROLLOUT_OK : oom(ps);
    if (rc == ROLLOUT_OK && d->bcs.app->n_built <= 0 &&
        d->bcs.ext->n_built >= d->bcs.ext->app.define)
        rc = finish(ps);
    return rc;
}

/* One check of a step in flight: a timeout, or the end of a half. */
static int check_step(pass *ps)
{
    rollout_deployment *d = ps->d;
    bool start = d->bcs.op == ROLLOUT__BCS_OP_START;
    int64_t life = start ? ROLLING_UP_LIFE : ROLLING_DOWN_LIFE;

    if (d->bcs.last_rolling + (life + TIMEOUT_GRACE) * 1000 < ps->e->now) {
        d->bcs.in_rolling = false;
        d->bcs.op = ROLLOUT__BCS_OP_NONE;
        /* what was not built by now is not built: a resume starts afresh */
        d->bcs.ext->spec = d->bcs.ext->n_built;
        return set_status(ps, ROLLOUT__BCS_UPDATE_SUSPEND,
                          start ? "create taskgroup timeout, rollingupdate suspend"
                                : "delete taskgroup timeout, rollingupdate suspend");
    }
    if (start && start_done(d)) {
        if (!delete_first(d) && app_slots(d->bcs.app) > d->bcs.app_target) {
            d->bcs.op = ROLLOUT__BCS_OP_DELETE;
            d->bcs.last_rolling = ps->e->now;
            d->bcs.app->spec = d->bcs.app_target;
            ps->changed = true;
            return ROLLOUT_OK;
        }
        return end_step(ps);
    }
    if (!start && delete_done(d)) {
        if (delete_first(d) && d->bcs.ext->n_built < d->bcs.ext_target) {
            d->bcs.op = ROLLOUT__BCS_OP_START;
            d->bcs.last_rolling = ps->e->now;
            d->bcs.ext->spec = d->bcs.ext_target;
            ps->changed = true;
            return ROLLOUT_OK;
        }
        return end_step(ps);
    }
    return ROLLOUT_OK;
}

/* The counts a BCS deployment shows through the common getters. */
static void counts(pass *ps)
{
    rollout_deployment *d = ps->d;
    const rollout_replica_set *newest = d->bcs.ext ? d->bcs.ext : d->bcs.app;
    rollout__k8s_status st = {0, 0, 0, 0, 0};
    size_t i;

    for (i = 0; i < d->sets.len; i++) {
        const rollout_replica_set *rs = d->sets.items[i];

        st.replicas += rs->n_built;
        st.ready += rs->n_ready;
        st.available += rs->n_available;
    }
    st.updated = newest ? newest->n_built : 0;
    st.unavailable = d->spec->replicas > st.available ? d->spec->replicas - st.available
                                                      : 0;
    if (memcmp(&st, &d->status, sizeof(st)) != 0) {
        d->status = st;
        ps->changed = true;
    }
}

/* When the deployment next needs a pass: the start of the next step
 * (strictly after upgradeDuration), or the timeout of a half. */
static int schedule(pass *ps)
{
    rollout_deployment *d = ps->d;
    int64_t at = -1;

    if (d->bcs.in_rolling) {
        int64_t life = d->bcs.op == ROLLOUT__BCS_OP_START ? ROLLING_UP_LIFE
                                                          : ROLLING_DOWN_LIFE;

        at = d->bcs.last_rolling + (life + TIMEOUT_GRACE) * 1000 + 1;
    } else if (d->bcs.status == ROLLOUT__BCS_UPDATE) {
        at = d->bcs.last_rolling + d->spec->bcs.upgrade_duration * 1000 + 1;
    }
    if (at < 0 || at <= ps->e->now) {
        rollout__heap_cancel(&ps->e->timers, &d->timer);
        return ROLLOUT_OK;
    }
    return rollout__heap_set(&ps->e->timers, &d->timer, at) ? ROLLOUT_OK : oom(ps);
}

/* The update checker (deploymentCheckTick). */
static int check_update(pass *ps)
{
    rollout_deployment *d = ps->d;

    if (d->bcs.status == ROLLOUT__BCS_UPDATE_SUSPEND || !d->bcs.app || !d->bcs.ext)
        return ROLLOUT_OK;
    d->bcs.check_time = ps->e->now;
    if (!d->bcs.in_rolling) {
        if (d->bcs.last_rolling > ps->e->now)
            d->bcs.last_rolling = ps->e->now;
        if (d->bcs.status == ROLLOUT__BCS_UPDATE &&
            ps->e->now - d->bcs.last_rolling > d->spec->bcs.upgrade_duration * 1000)
            return begin_step(ps);
        return ROLLOUT_OK;
    }
    return check_step(ps);
}

/* The restore a cancel asks for: the new application goes, the old one
 * gets its taskgroups back, the definition before the update returns. */
static int restore(pass *ps)
{
    rollout_deployment *d = ps->d;
    rollout_replica_set *old = d->bcs.app;

    d->bcs.cancel_pending = false;
    if (d->bcs.ext)
        delete_app(d->bcs.ext);
    d->bcs.ext = NULL;
    if (old) {
        old->spec = old->app.define;
        old->app.restoring = old->n_built < old->app.define;
    }
    if (d->bcs.backup) {
        if (rollout__deployment_set_spec(d, d->bcs.backup) != ROLLOUT_OK)
            return oom(ps);
        d->bcs.backup = NULL;
    }
    d->bcs.app_target = 0;
    d->bcs.last_rolling = 0;
    d->bcs.op = ROLLOUT__BCS_OP_NONE;
    d->bcs.in_rolling = false;
    ps->changed = true;
    return set_status(ps, ROLLOUT__BCS_RUNNING, d->bcs.message ? d->bcs.message : "");
}

static bool killing(const rollout_replica_set *rs)
{
    size_t i;

    for (i = 0; rs && i < rs->replicas.len; i++)
        if (((rollout_replica *)rs->replicas.items[i])->want == ROLLOUT__WANT_DELETE)
            return true;
    return false;
}

/* A deployment being deleted: both applications go; the record says which
 * one is still there. */
static int sync_deleting(pass *ps)
{
    rollout_deployment *d = ps->d;
    const char *last = NULL;
    char *msg;
    size_t i;
    int rc;

    for (i = d->sets.len; i-- > 0;) {
        rollout_replica_set *rs = d->sets.items[i];

        rs->app.deleting = true;
        if ((rc = app_reconcile(ps, rs)) != ROLLOUT_OK)
            return rc;
        if (rs->replicas.len == 0) {
            rollout__rs_free(ps->e, rs);
            ps->changed = true;
        } else if ((rc = app_status(ps, rs, false)) != ROLLOUT_OK) {
            return rc;
        }
    }
    if (d->spec->kind != ROLLOUT_KIND_DEPLOYMENT)
        return ROLLOUT_OK;
    /* the application to roll to is checked last, so its name wins */
    for (i = 0; i < d->sets.len; i++)
        last = ((rollout_replica_set *)d->sets.items[i])->name;
    if (d->bcs.ext && rollout__map_get(&ps->e->rs_map, d->bcs.ext->key))
        last = d->bcs.ext->name;
    if (!last)
        return set_status(ps, ROLLOUT__BCS_DELETING, "waiting applications to be deleted");
    msg = rollout__sprintf("application still not deleted: %s", last);
    rc = msg ? set_status(ps, ROLLOUT__BCS_DELETING, msg) : oom(ps);
    free(msg);
    return rc;
}

int rollout__bcs_sync(rollout_engine *e, rollout_deployment *d, bool *changed)
{
    pass ps = {e, d, false};
    bool updating;
    size_t i;
    int rc = ROLLOUT_OK;

    if (d->deleting) {
        rc = sync_deleting(&ps);
        *changed = ps.changed;
        return rc;
    }
    if (d->observed_generation != d->generation) {
        d->observed_generation = d->generation;
        ps.changed = true;
    }
    if (d->spec->kind == ROLLOUT_KIND_DEPLOYMENT) {
        if (d->bcs.status == ROLLOUT__BCS_DEPLOYING)
            rc = set_status(&ps, ROLLOUT__BCS_RUNNING, "");
        updating = d->bcs.status == ROLLOUT__BCS_UPDATE ||
                   d->bcs.status == ROLLOUT__BCS_UPDATE_PAUSED ||
                   d->bcs.status == ROLLOUT__BCS_UPDATE_SUSPEND;
        if (rc == ROLLOUT_OK && d->bcs.cancel_pending && !killing(d->bcs.app))
            rc = restore(&ps);
        else if (rc == ROLLOUT_OK && updating)
            rc = check_update(&ps);
        updating = d->bcs.status == ROLLOUT__BCS_UPDATE ||
                   d->bcs.status == ROLLOUT__BCS_UPDATE_PAUSED ||
                   d->bcs.status == ROLLOUT__BCS_UPDATE_SUSPEND;
        if (rc == ROLLOUT_OK && !updating && d->bcs.app)
            d->bcs.app->spec = d->bcs.app->app.define;
    } else {
        updating = false;
        for (i = 0; i < d->sets.len; i++) {
            rollout_replica_set *rs = d->sets.items[i];

            rs->spec = rs->app.define;
        }
    }
    for (i = d->sets.len; rc == ROLLOUT_OK && i-- > 0;) {
        rollout_replica_set *rs = d->sets.items[i];

        rc = app_reconcile(&ps, rs);
        if (rc == ROLLOUT_OK && rs->app.deleting && rs->replicas.len == 0) {
            rollout__rs_free(e, rs); /* a deleted application is gone */
            ps.changed = true;
            continue;
        }
        if (rc == ROLLOUT_OK)
            rc = app_status(&ps, rs,
                            updating && (rs == d->bcs.app || rs == d->bcs.ext));
    }
    if (rc == ROLLOUT_OK)
        rc = schedule(&ps);
    if (rc == ROLLOUT_OK)
        counts(&ps);
    *changed = ps.changed;
    return rc;
}

/* A rollout status line for a BCS deployment, in kubectl's manner. */
int rollout__bcs_status_message(char **msg, int *done, const rollout_deployment *d)
{
    const rollout_replica_set *app = d->bcs.app, *ext = d->bcs.ext;

    *done = 0;
    switch (d->bcs.status) {
    case ROLLOUT__BCS_UPDATE_SUSPEND:
        *msg = rollout__sprintf("deployment \"%s\" rollout suspended: %s", d->name,
                                d->bcs.message ? d->bcs.message : "");
        return *msg ? 1 : -1;
    case ROLLOUT__BCS_UPDATE:
    case ROLLOUT__BCS_UPDATE_PAUSED:
        *msg = rollout__sprintf("Waiting for deployment \"%s\" rollout to finish%s: "
                                "%d of %d new taskgroups are running...",
                                d->name,
                                d->bcs.status == ROLLOUT__BCS_UPDATE_PAUSED
                                    ? " (paused)"
                                    : "",
                                ext ? ext->n_running : 0, ext ? ext->app.define : 0);
        break;
    case ROLLOUT__BCS_DELETING:
        *msg = rollout__sprintf("deployment \"%s\" is being deleted", d->name);
        break;
    default:
        if (app && app->n_running == app->app.define && app->n_built == app->app.define) {
            *msg = rollout__sprintf("deployment \"%s\" successfully rolled out", d->name);
            *done = 1;
        } else {
            *msg = rollout__sprintf("Waiting for deployment \"%s\": %d of %d "
                                    "taskgroups are running...",
                                    d->name, app ? app->n_running : 0,
                                    app ? app->app.define : 0);
        }
    }
    return *msg ? 0 : -1;
}

/* Operations. */

static bool is_update_state(int status)
{
    return status == ROLLOUT__BCS_UPDATE || status == ROLLOUT__BCS_UPDATE_PAUSED ||
           status == ROLLOUT__BCS_UPDATE_SUSPEND;
}

/* Version.CheckConstraints: each item's value matches its type. */
static bool constraints_valid(const json_t *constraint)
{
    json_t *items = rollout__json_get_ci(constraint, "intersectionItem"), *item, *d;
    size_t i, j;

    json_array_foreach(items, i, item) {
        json_array_foreach(rollout__json_get_ci(item, "unionData"), j, d) {
            json_int_t type = json_integer_value(rollout__json_get_ci(d, "type"));

            if (json_is_null(d))
                continue;
            if ((type == 1 && !json_is_object(rollout__json_get_ci(d, "scalar"))) ||
                (type == 3 && !json_is_object(rollout__json_get_ci(d, "text"))) ||
                (type == 4 && !json_is_object(rollout__json_get_ci(d, "set"))))
                return false;
            if (type == 2) {
                json_t *ranges = rollout__json_get_ci(d, "ranges"), *r;
                size_t k;

                json_array_foreach(ranges, k, r)
                    if (!json_is_object(r))
                        return false;
            }
        }
    }
    return true;
}

/* Fails the operation at PATH of SPEC with MSG (the file, line and column
 * when the spec was read from one). */
static int refuse(rollout_engine *e, int code, const struct rollout_spec *spec,
                  const char *path, const char *msg)
{
    char *text;

    if (!spec || !path)
        return rollout__fail(e, code, "%s", msg);
    text = rollout__spec_error(spec, path, msg);
    if (!text)
        return rollout__oom(e);
    rollout__fail(e, code, "%s", text);
    free(text);
    return code;
}

/* The key of a standalone application's holder: apart from deployments,
 * which have names of their own. */
static char *app_holder_key(const char *ns, const char *name)
{
    return rollout__sprintf("%s/%s#application", ns, name);
}

static rollout_deployment *add_deployment(rollout_engine *e,
                                          const struct rollout_spec *spec, char *key)
{
    struct rollout_spec *copy = rollout__spec_copy(spec);
    rollout_deployment *d;

    if (!copy) {
        free(key);
        return NULL;
    }
    d = rollout__deployment_new(e, copy, e->next_serial, e->now);
    if (!d) {
        free(key);
        return NULL;
    }
    if (key) {
        free(d->key);
        d->key = key;
    }
    e->next_serial++;
    d->generation = 1;
    if (rollout__deployment_add(e, d) != ROLLOUT_OK) {
        rollout__deployment_free(NULL, d);
        return NULL;
    }
    rollout__mark_dirty(d);
    return d;
}

/* The labels an application's version carries: the deployment's metadata
 * labels overlaid by its template's. */
static bool app_has_label(const rollout_replica_set *rs, const char *k, const char *v)
{
    json_t *tl = json_object_get(json_object_get(rs->rev.template, "metadata"), "labels");
    const char *have = json_string_value(json_object_get(tl, k));

    if (!have)
        have = json_string_value(json_object_get(rs->d->spec->labels, k));
    return have && strcmp(have, v) == 0;
}

/* Counts matching label pairs, as upstream does, over the applications of
 * the namespace; *MATCH is the last application that matched. */
static int32_t match_selector(rollout_engine *e, const struct rollout_spec *spec,
                              rollout_replica_set **match)
{
    int32_t count = 0;
    size_t i, j;

    *match = NULL;
    for (i = 0; i < e->deployments.len; i++) {
        rollout_deployment *d = e->deployments.items[i];

        if (d->spec->dialect != ROLLOUT_DIALECT_BCS || strcmp(d->ns, spec->ns) != 0)
            continue;
        for (j = 0; j < d->sets.len; j++) {
            rollout_replica_set *rs = d->sets.items[j];
            const char *k;
            json_t *v;

            if (rs->app.deleting)
                continue;
            json_object_foreach(spec->selector, k, v)
                if (app_has_label(rs, k, json_string_value(v))) {
                    count++;
                    *match = rs;
                }
        }
    }
    return count;
}

/* Moves RS from its holder to D; the holder goes. */
static int adopt(rollout_engine *e, rollout_deployment *d, rollout_replica_set *rs)
{
    rollout_deployment *holder = rs->d;
    size_t i;

    if (!rollout__vec_push(&d->sets, rs))
        return rollout__oom(e);
    for (i = 0; i < holder->sets.len; i++)
        if (holder->sets.items[i] == rs) {
            rollout__vec_remove_at(&holder->sets, i);
            break;
        }
    rs->d = d;
    rs->app.status = ROLLOUT__APP_RUNNING;
    holder->deleting = true;
    rollout__mark_dirty(holder);
    return ROLLOUT_OK;
}

static int check_app_version(rollout_engine *e, const struct rollout_spec *spec,
                             const char *instances_msg, const char *constraints_msg)
{
    if (spec->replicas <= 0)
        return refuse(e, ROLLOUT_EVALIDATION, spec, "spec.instance", instances_msg);
    if (spec->bcs.constraint && !constraints_valid(spec->bcs.constraint))
        return refuse(e, ROLLOUT_EVALIDATION, spec, "constraint", constraints_msg);
    return ROLLOUT_OK;
}

/* Creating a deployment (backend/deployment.go CreateDeployment). */
static int create_deployment(rollout_engine *e, const struct rollout_spec *spec)
{
    bool has_template = !json_is_null(spec->template);
    rollout_replica_set *match = NULL, *rs;
    rollout_deployment *d;
    char *app_name = NULL;
    int32_t matches = 0;
    pass ps;
    int rc;

    if (!json_is_null(spec->selector)) {
        matches = match_selector(e, spec, &match);
        if (matches > 1)
            return refuse(e, ROLLOUT_ESTATE, spec, "spec.selector",
                          "too many application exist matching deployment");
        if (matches == 1 && !has_template && match->d->spec->kind != ROLLOUT_KIND_APPLICATION)
            return rollout__fail(e, ROLLOUT_ESTATE, "application %s is bound to "
                                 "deployment %s", match->name, match->d->name);
    }
    if (!has_template && matches == 0)
        return refuse(e, ROLLOUT_EVALIDATION, spec, "spec.template",
                      "version empty or namespace error");
    if (has_template) {
        if ((rc = check_app_version(e, spec, "application instances error",
                                    "version constraints error")) != ROLLOUT_OK)
            return rc;
        app_name = match && strcmp(match->name, spec->name) == 0
                       ? rollout__sprintf("%s-v%lld", spec->name,
                                          (long long)(e->now / 1000))
                       : rollout__strdup(spec->name);
        if (!app_name)
            return rollout__oom(e);
        rs = find_app(e, spec->ns, app_name);
        if (rs && rs != match) {
            free(app_name);
            return refuse(e, ROLLOUT_EEXIST, spec, "metadata.name",
                          "application duplicated when create application for "
                          "deployment");
        }
    }
    d = add_deployment(e, spec, NULL);
    if (!d) {
        free(app_name);
        return rollout__oom(e);
    }
    d->bcs.status = ROLLOUT__BCS_DEPLOYING;
    if (!has_template) {
        rc = adopt(e, d, match); /* bound as it is */
        d->bcs.app = match;
        return rc;
    }
    if (match)
        delete_app(match); /* replaced by the template's */
    ps.e = e;
    ps.d = d;
    ps.changed = false;
    rs = new_app(&ps, app_name, spec->replicas, 1);
    free(app_name);
    if (!rs)
        return rollout__oom(e);
    rs->spec = spec->replicas;
    d->bcs.app = rs;
    return ROLLOUT_OK;
}

/* Updating a deployment (UpdateDeployment), upstream's checks in order. */
static int update_deployment(rollout_engine *e, rollout_deployment *d,
                             const struct rollout_spec *spec)
{
    struct rollout_spec *copy;
    rollout_replica_set *rs;
    char *name;
    pass ps;
    int rc;

    if (!spec->bcs.has_rolling)
        return refuse(e, ROLLOUT_EVALIDATION, spec, "spec.strategy.rollingupdate",
                      "update strategy not set");
    if (!rollout__streq(spec->bcs.rolling_order, "CreateFirst") &&
        !rollout__streq(spec->bcs.rolling_order, "DeleteFirst"))
        return refuse(e, ROLLOUT_EVALIDATION, spec,
                      "spec.strategy.rollingupdate.rollingOrder",
                      "update strategy rolling order error");
    if (d->bcs.status != ROLLOUT__BCS_RUNNING)
        return rollout__fail(e, ROLLOUT_ESTATE,
                             "deployment is not running, cannot update");
    if (!d->bcs.app)
        return rollout__fail(e, ROLLOUT_ENOTFOUND, "deployment has not application, "
                             "cannot do update, you can delete and recreate it");
    if (d->bcs.app->app.status != ROLLOUT__APP_RUNNING &&
        d->bcs.app->app.status != ROLLOUT__APP_ABNORMAL)
        return rollout__fail(e, ROLLOUT_ESTATE, "deployment bind application is not "
                             "running, cannot update, please try later");
    if (!json_equal(json_is_null(d->spec->selector) ? NULL : d->spec->selector,
                    json_is_null(spec->selector) ? NULL : spec->selector) &&
        !(json_object_size(d->spec->selector) == 0 &&
          json_object_size(spec->selector) == 0))
        return refuse(e, ROLLOUT_EVALIDATION, spec, "spec.selector",
                      "deployment's selector cannot be updated'");
    if (json_is_null(spec->template))
        return refuse(e, ROLLOUT_EVALIDATION, spec, "spec.template",
                      "version empty or namespace error");
    if ((rc = check_app_version(e, spec, "instances error", "constraints error")) !=
        ROLLOUT_OK)
        return rc;
    name = rollout__sprintf("%s-v%lld", d->name, (long long)(e->now / 1000));
    if (!name)
        return rollout__oom(e);
    if (find_app(e, d->ns, name)) {
        free(name);
        return rollout__fail(e, ROLLOUT_EEXIST, "application already exist");
    }
    copy = rollout__spec_copy(spec);
    if (!copy) {
        free(name);
        return rollout__oom(e);
    }
    rollout_spec_free(d->bcs.backup);
    d->bcs.backup = d->spec;
    d->spec = NULL;
    if (rollout__deployment_set_spec(d, copy) != ROLLOUT_OK) {
        /* put the definition back: nothing changes */
        d->spec = d->bcs.backup;
        d->bcs.backup = NULL;
        rollout_spec_free(copy);
        free(name);
        return rollout__oom(e);
    }
    ps.e = e;
    ps.d = d;
    ps.changed = false;
    rs = new_app(&ps, name, copy->replicas, d->bcs.app->rev.number + 1);
    free(name);
    if (!rs)
        return rollout__oom(e);
    rs->spec = 0;
    d->bcs.ext = rs;
    d->bcs.status = ROLLOUT__BCS_UPDATE;
    d->bcs.app_target = d->bcs.app_rolling = 0;
    d->bcs.ext_target = d->bcs.ext_rolling = 0;
    d->bcs.last_rolling = 0;
    d->bcs.op = ROLLOUT__BCS_OP_NONE;
    d->bcs.in_rolling = false;
    d->bcs.updated = true;
    d->generation++;
    rollout__mark_dirty(d);
    return ROLLOUT_OK;
}

/* Standalone applications. */
static int apply_application(int *outcome, rollout_engine *e,
                             const struct rollout_spec *spec,
                             rollout__apply_mode mode)
{
    char *key = app_holder_key(spec->ns, spec->name);
    rollout_deployment *holder;
    rollout_replica_set *rs;
    pass ps;
    int rc;

    if (!key)
        return rollout__oom(e);
    holder = rollout__map_get(&e->deployment_map, key);
    if (!holder || holder->deleting) {
        if (mode == ROLLOUT__APPLY_UPDATE) {
            free(key);
            return rollout__fail(e, ROLLOUT_ENOTFOUND, "Application not found");
        }
        if (find_app(e, spec->ns, spec->name)) {
            free(key);
            return rollout__fail(e, ROLLOUT_EEXIST, "application already exist");
        }
        if ((rc = check_app_version(e, spec, "instances error",
                                    "constraints error")) != ROLLOUT_OK) {
            free(key);
            return rc;
        }
        holder = add_deployment(e, spec, key);
        if (!holder)
            return rollout__oom(e);
        ps.e = e;
        ps.d = holder;
        ps.changed = false;
        rs = new_app(&ps, spec->name, spec->replicas, 1);
        if (!rs)
            return rollout__oom(e);
        rs->spec = spec->replicas;
        holder->bcs.status = ROLLOUT__BCS_RUNNING;
        if (outcome)
            *outcome = ROLLOUT_APPLY_CREATED;
        return ROLLOUT_OK;
    }
    free(key);
    if (mode == ROLLOUT__APPLY_CREATE)
        return rollout__fail(e, ROLLOUT_EEXIST, "application already exist");
    if ((rc = check_app_version(e, spec, "instances must be specified",
                                "Version Constraints error")) != ROLLOUT_OK)
        return rc;
    rs = holder->sets.len ? holder->sets.items[0] : NULL;
    if (!rs)
        return rollout__fail(e, ROLLOUT_ENOTFOUND, "Application not found");
    if (!rollout__spec_differs(spec, holder->spec) &&
        !rollout__spec_metadata_differs(spec, holder->spec)) {
        if (outcome)
            *outcome = ROLLOUT_APPLY_UNCHANGED;
        return ROLLOUT_OK;
    }
    {
        struct rollout_spec *copy = rollout__spec_copy(spec);
        bool relaunch = !json_equal(spec->template, holder->spec->template);
        json_t *tmpl = relaunch ? json_deep_copy(spec->template) : NULL;
        char *canonical = relaunch ? rollout__canonical_json(spec->template) : NULL;
        size_t i;

        if (!copy || (relaunch && (!tmpl || !canonical)) ||
            rollout__deployment_set_spec(holder, copy) != ROLLOUT_OK) {
            rollout_spec_free(copy);
            json_decref(tmpl);
            free(canonical);
            return rollout__oom(e);
        }
        rs->app.define = spec->replicas;
        if (relaunch) {
            /* the new definition: every taskgroup is launched again */
            json_decref(rs->rev.template);
            rs->rev.template = tmpl;
            free(rs->rev.canonical);
            rs->rev.canonical = canonical;
            rollout__template_hash(rs->rev.hash, canonical, 0);
            for (i = rs->replicas.len; i-- > 0;) {
                rollout_replica *r = rs->replicas.items[i];

                if (r->want == ROLLOUT__WANT_CREATE)
                    rollout__replica_request_delete(e, r);
            }
        }
    }
    holder->generation++;
    rollout__mark_dirty(holder);
    if (outcome)
        *outcome = ROLLOUT_APPLY_CONFIGURED;
    return ROLLOUT_OK;
}

int rollout__bcs_apply(int *outcome, rollout_engine *e,
                       const struct rollout_spec *spec, rollout__apply_mode mode)
{
    rollout_deployment *d;
    char *path = NULL, *msg = NULL;
    int rc;

    /* the rules that need no state, as reading checks them */
    rc = rollout__bcs_validate(spec, &path, &msg);
    if (rc != ROLLOUT_OK) {
        if (rc == ROLLOUT_EVALIDATION)
            rc = refuse(e, rc, spec, path, msg);
        else
            rc = rollout__oom(e);
        free(path);
        free(msg);
        return rc;
    }
    if (spec->kind == ROLLOUT_KIND_APPLICATION)
        return apply_application(outcome, e, spec, mode);
    d = rollout__find_deployment(e, spec->ns, spec->name);
    if (d && d->spec->dialect != ROLLOUT_DIALECT_BCS)
        return rollout__fail(e, ROLLOUT_EEXIST, "deployment %s.%s is a Kubernetes "
                             "deployment", spec->ns, spec->name);
    if (!d) {
        if (mode == ROLLOUT__APPLY_UPDATE)
            return rollout__fail(e, ROLLOUT_ENOTFOUND, "deployment not exist");
        rc = create_deployment(e, spec);
        if (rc == ROLLOUT_OK && outcome)
            *outcome = ROLLOUT_APPLY_CREATED;
        return rc;
    }
    if (mode == ROLLOUT__APPLY_CREATE)
        return rollout__fail(e, ROLLOUT_EEXIST, "deployment(%s.%s) already exist",
                             spec->ns, spec->name);
    rc = update_deployment(e, d, spec);
    if (rc == ROLLOUT_OK && outcome)
        *outcome = ROLLOUT_APPLY_CONFIGURED;
    return rc;
}

int rollout__bcs_pause(rollout_engine *e, rollout_deployment *d)
{
    if (d->bcs.status != ROLLOUT__BCS_UPDATE)
        return rollout__fail(e, ROLLOUT_ESTATE, "deployment is not in updating");
    d->bcs.status = ROLLOUT__BCS_UPDATE_PAUSED;
    rollout__mark_dirty(d);
    return ROLLOUT_OK;
}

int rollout__bcs_resume(rollout_engine *e, rollout_deployment *d)
{
    if (d->bcs.status != ROLLOUT__BCS_UPDATE_PAUSED &&
        d->bcs.status != ROLLOUT__BCS_UPDATE_SUSPEND)
        return rollout__fail(e, ROLLOUT_ESTATE,
                             "deployment is not update paused or suspend");
    d->bcs.status = ROLLOUT__BCS_UPDATE;
    rollout__mark_dirty(d);
    return ROLLOUT_OK;
}

int rollout__bcs_cancel(rollout_engine *e, rollout_deployment *d)
{
    pass ps = {e, d, false};

    if (!is_update_state(d->bcs.status) || d->bcs.cancel_pending)
        return rollout__fail(e, ROLLOUT_ESTATE, "deployment is in not rollingupdate");
    /* Upstream refuses a cancel while a delete half runs; here the kills in
     * flight finish first and the restore follows. */
    if (killing(d->bcs.app)) {
        d->bcs.cancel_pending = true;
        rollout__mark_dirty(d);
        return ROLLOUT_OK;
    }
    rollout__mark_dirty(d);
    return restore(&ps);
}

int rollout__bcs_scale(rollout_engine *e, rollout_deployment *d, int32_t n)
{
    rollout_replica_set *app = d->bcs.app;

    if (n < 1)
        return rollout__fail(e, ROLLOUT_EINVAL, "target instances can not be littler "
                             "than 1, maybe you want to use delete command");
    if (d->bcs.status != ROLLOUT__BCS_RUNNING)
        return rollout__fail(e, ROLLOUT_ESTATE,
                             "operation forbidden, the deployment status is %s",
                             rollout__bcs_status_name(d->bcs.status));
    if (!app)
        return rollout__fail(e, ROLLOUT_ENOTFOUND,
                             "deployment has no application, can't scale");
    if (app->app.status != ROLLOUT__APP_RUNNING &&
        app->app.status != ROLLOUT__APP_ABNORMAL)
        return rollout__fail(e, ROLLOUT_ESTATE,
                             "Operation Not Allowed, the status of the app is %s",
                             rollout__app_status_name(app->app.status));
    /* the application's count; the definition keeps its instance, as
     * upstream leaves raw_json alone */
    app->app.define = n;
    rollout__mark_dirty(d);
    return ROLLOUT_OK;
}

int rollout__bcs_delete(rollout_engine *e, rollout_deployment *d)
{
    (void)e;
    d->deleting = true;
    d->bcs.status = ROLLOUT__BCS_DELETING;
    rollout__set_str(&d->bcs.message, "waiting applications to be deleted");
    rollout__mark_dirty(d);
    return ROLLOUT_OK;
}
