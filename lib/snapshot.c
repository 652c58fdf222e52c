/*
 * Snapshots: the whole engine state as versioned JSON, and its restoration
 * into an empty engine.  A restored engine makes the same calls, in the
 * same order, as the one that was saved: every order-bearing structure
 * (deployments, sets, replicas, the dirty queue, the outbox, timers, the
 * name generator) is saved as it stands.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"

#define SNAPSHOT_FORMAT "librollout-snapshot"
#define SNAPSHOT_VERSION 1

/* Saving. */

static json_t *opt_time(const rollout__timer *t)
{
    return rollout__timer_queued(t) ? json_integer(t->when) : json_null();
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *save_replica(const rollout_replica *r)
{
    return json_pack("{s:I, s:s, s:I, s:I, s:i, s:i, s:i, s:o, s:o, s:I, s:b, "
                     "s:i, s:o}",
                     "serial", (json_int_t)r->timer.serial, "name", r->name,
                     "index", (json_int_t)r->index,
                     "created", (json_int_t)r->created, "phase", (int)r->phase,
                     "want", (int)r->want, "request", (int)r->req,
                     "reason", str_or_null(r->reason),
                     "node", str_or_null(r->node),
                     "readySince", (json_int_t)r->ready_since,
                     "available", (int)r->available,
                     "backoff", (int)r->backoff, "timer", opt_time(&r->timer));
}

static json_t *save_set(const rollout_replica_set *rs)
{
    json_t *replicas = json_array(), *j;
    size_t i;

    if (!replicas)
        return NULL;
    for (i = 0; i < rs->replicas.len; i++)
        if (json_array_append_new(replicas, save_replica(rs->replicas.items[i])) < 0) {
            json_decref(replicas);
            return NULL;
        }
    j = json_pack("{s:I, s:s, s:I, s:i, s:i, s:i, s:i, s:O, "
                  "s:{s:I, s:s, s:I, s:O}, s:{s:i, s:i, s:o, s:b, s:b}, s:o}",
                  "serial", (json_int_t)rs->serial, "name", rs->name,
                  "created", (json_int_t)rs->created, "spec", (int)rs->spec,
                  "minReadySeconds", (int)rs->min_ready_seconds,
                  "desired", (int)rs->desired, "max", (int)rs->max,
                  "annotations", rs->annotations,
                  "revision", "number", (json_int_t)rs->rev.number,
                  "hash", rs->rev.hash, "created", (json_int_t)rs->rev.created,
                  "template", rs->rev.template,
                  "application", "define", (int)rs->app.define, "status",
                  rs->app.status, "message",
                  rs->app.message ? json_string(rs->app.message) : json_null(),
                  "deleting", (int)rs->app.deleting, "restoring",
                  (int)rs->app.restoring,
                  "replicas", replicas);
    return j;
}

static json_t *name_or_null(const rollout_replica_set *rs)
{
    return rs ? json_string(rs->name) : json_null();
}

/* The BCS deployment record. */
static json_t *save_bcs(const rollout_deployment *d)
{
    return json_pack("{s:i, s:o, s:o, s:o, s:i, s:i, s:i, s:i, s:I, s:i, s:b, s:b, "
                     "s:b, s:I, s:o}",
                     "status", d->bcs.status, "message",
                     d->bcs.message ? json_string(d->bcs.message) : json_null(),
                     "application", name_or_null(d->bcs.app), "applicationExt",
                     name_or_null(d->bcs.ext), "appTarget", (int)d->bcs.app_target,
                     "appRolling", (int)d->bcs.app_rolling, "extTarget",
                     (int)d->bcs.ext_target, "extRolling", (int)d->bcs.ext_rolling,
                     "lastRolling", (json_int_t)d->bcs.last_rolling, "operation",
                     d->bcs.op, "inRolling", (int)d->bcs.in_rolling,
                     "cancelPending", (int)d->bcs.cancel_pending, "updated",
                     (int)d->bcs.updated, "checkTime", (json_int_t)d->bcs.check_time,
                     "backup",
                     d->bcs.backup ? rollout__spec_to_json(d->bcs.backup) : json_null());
}

static json_t *save_deployment(const rollout_deployment *d)
{
    json_t *sets = json_array(), *conds = json_array(), *j;
    size_t i;

    if (!sets || !conds)
        goto fail;
    for (i = 0; i < d->sets.len; i++)
        if (json_array_append_new(sets, save_set(d->sets.items[i])) < 0)
            goto fail;
    for (i = 0; i < d->n_conds; i++) {
        const rollout__condition *c = &d->conds[i];

        if (json_array_append_new(
                conds, json_pack("{s:s, s:s, s:s, s:s, s:I, s:I}", "type",
                                 c->type, "status", c->status, "reason",
                                 c->reason, "message", c->message, "lastUpdate",
                                 (json_int_t)c->last_update, "lastTransition",
                                 (json_int_t)c->last_transition)) < 0)
            goto fail;
    }
    j = json_pack("{s:I, s:o, s:I, s:I, s:I, s:I, s:i, "
                  "s:{s:i, s:i, s:i, s:i, s:i}, s:o, s:b, s:o, s:o}",
                  "serial", (json_int_t)d->timer.serial,
                  "spec", rollout__spec_to_json(d->spec),
                  "generation", (json_int_t)d->generation,
                  "observedGeneration", (json_int_t)d->observed_generation,
                  "created", (json_int_t)d->created,
                  "revision", (json_int_t)d->revision,
                  "collisionCount", (int)d->collision_count,
                  "status", "replicas", (int)d->status.replicas,
                  "updated", (int)d->status.updated, "ready",
                  (int)d->status.ready, "available", (int)d->status.available,
                  "unavailable", (int)d->status.unavailable,
                  "conditions", conds, "deleting", (int)d->deleting,
                  "deadline", opt_time(&d->timer), "replicaSets", sets);
    if (j && d->spec->dialect == ROLLOUT_DIALECT_BCS &&
        json_object_set_new(j, "bcs", save_bcs(d)) < 0) {
        json_decref(j);
        return NULL;
    }
    return j;
fail:
    json_decref(sets);
    json_decref(conds);
    return NULL;
}

int rollout__snapshot_save(char **out, rollout_engine *e)
{
    json_t *root, *deps, *dirty, *outbox;
    rollout_deployment *d;
    rollout_replica *r;
    char rng[24];
    size_t i;

    snprintf(rng, sizeof(rng), "%016" PRIx64, e->rng);
    deps = json_array();
    dirty = json_array();
    outbox = json_array();
    root = json_pack("{s:s, s:i, s:s, s:I, s:I, s:s, s:o, s:o, s:o}",
                     "format", SNAPSHOT_FORMAT, "version", SNAPSHOT_VERSION,
                     "library", rollout_version(), "clock", (json_int_t)e->now,
                     "nextSerial", (json_int_t)e->next_serial, "names", rng,
                     "deployments", deps, "dirty", dirty, "outbox", outbox);
    if (!root)
        return rollout__oom(e);
    for (i = 0; i < e->deployments.len; i++)
        if (json_array_append_new(deps, save_deployment(e->deployments.items[i])) < 0)
            goto oom;
    /* the dirty queue, by position in the deployment list */
    for (d = e->dirty_head; d; d = d->dirty_next) {
        for (i = 0; i < e->deployments.len && e->deployments.items[i] != d; i++)
            ;
        if (json_array_append_new(dirty, json_integer((json_int_t)i)) < 0)
            goto oom;
    }
    for (r = e->out_head; r; r = r->out_next)
        if (json_array_append_new(outbox, json_string(r->name)) < 0)
            goto oom;
    *out = json_dumps(root, JSON_INDENT(1) | JSON_ENSURE_ASCII);
    json_decref(root);
    return *out ? ROLLOUT_OK : rollout__oom(e);
oom:
    json_decref(root);
    return rollout__oom(e);
}

/* Restoring: every field is checked; anything wrong refuses the whole
 * snapshot and leaves the engine empty. */

typedef struct {
    rollout_engine *e;
    char where[160];
    bool oom;
} reader;

static int bad(reader *rd, const char *what)
{
    if (rd->oom)
        return rollout__oom(rd->e);
    return rollout__fail(rd->e, ROLLOUT_ESNAPSHOT, "snapshot: %s%s%s", rd->where,
                         *rd->where ? ": " : "", what);
}

static bool get_i64(const json_t *o, const char *k, int64_t lo, int64_t hi,
                    int64_t *out)
{
    json_t *v = json_object_get(o, k);

    if (!json_is_integer(v) || json_integer_value(v) < lo ||
        json_integer_value(v) > hi)
        return false;
    *out = json_integer_value(v);
    return true;
}

static bool get_i32(const json_t *o, const char *k, int32_t lo, int32_t hi,
                    int32_t *out)
{
    int64_t v;

    if (!get_i64(o, k, lo, hi, &v))
        return false;
    *out = (int32_t)v;
    return true;
}

/* A string or null: *OUT NULL for null.  False for anything else. */
static bool get_opt_str(const json_t *o, const char *k, const char **out)
{
    json_t *v = json_object_get(o, k);

    *out = json_string_value(v);
    return json_is_string(v) || json_is_null(v);
}

static bool opt_timer(reader *rd, const json_t *o, const char *k,
                      rollout__timer *t)
{
    json_t *v = json_object_get(o, k);

    if (json_is_null(v))
        return true;
    if (!json_is_integer(v))
        return false;
    if (!rollout__heap_set(&rd->e->timers, t, json_integer_value(v))) {
        rd->oom = true;
        return false;
    }
    return true;
}

static int read_replica(reader *rd, rollout_replica_set *rs, const json_t *j,
                        uint64_t max_serial)
{
    const char *name = json_string_value(json_object_get(j, "name"));
    const char *reason, *node;
    int64_t serial, created, ready_since, index;
    int32_t phase, want, req, backoff;
    json_t *avail = json_object_get(j, "available");
    rollout_replica *r;

    if (!name || !*name || !get_i64(j, "serial", 1, (int64_t)max_serial - 1, &serial) ||
        !get_i64(j, "created", INT64_MIN, INT64_MAX, &created) ||
        !get_i64(j, "index", 0, UINT32_MAX, &index) ||
        !get_i32(j, "phase", ROLLOUT_PHASE_PENDING, ROLLOUT_PHASE_ERROR, &phase) ||
        phase == ROLLOUT_PHASE_TERMINATING || phase == ROLLOUT_PHASE_GONE ||
        !get_i32(j, "want", ROLLOUT__WANT_CREATE, ROLLOUT__WANT_DELETE, &want) ||
        !get_i32(j, "request", ROLLOUT__REQ_UNSENT, ROLLOUT__REQ_ACCEPTED, &req) ||
        !get_i64(j, "readySince", -1, INT64_MAX, &ready_since) ||
        !get_i32(j, "backoff", 0, UINT8_MAX, &backoff) ||
        !json_is_boolean(avail) || !get_opt_str(j, "reason", &reason) ||
        !get_opt_str(j, "node", &node))
        return bad(rd, "bad replica");
    if (rollout__map_get(&rd->e->replica_map, name))
        return bad(rd, "duplicate replica name");
    if ((phase == ROLLOUT_PHASE_READY) != (ready_since >= 0))
        return bad(rd, "replica readiness does not match its phase");
    r = rollout__replica_new(rd->e, rs, name, (uint64_t)serial);
    if (!r)
        return rollout__oom(rd->e);
    r->created = created;
    r->index = (uint32_t)index;
    r->ready_since = ready_since;
    r->backoff = (uint8_t)backoff;
    rollout__replica_restore(r, (rollout_phase)phase, (rollout__want)want,
                             (rollout__req)req, json_is_true(avail));
    if (!rollout__set_str(&r->reason, reason) ||
        (node && !(r->node = rollout__node_name(rd->e, node))))
        return rollout__oom(rd->e);
    if (!opt_timer(rd, j, "timer", &r->timer))
        return bad(rd, "bad replica timer");
    return ROLLOUT_OK;
}

static int read_set(reader *rd, rollout_deployment *d, const json_t *j,
                    uint64_t max_serial)
{
    const char *name = json_string_value(json_object_get(j, "name"));
    json_t *rev = json_object_get(j, "revision");
    json_t *tmpl = json_object_get(rev, "template");
    json_t *ann = json_object_get(j, "annotations");
    json_t *replicas = json_object_get(j, "replicas"), *x;
    json_t *app = json_object_get(j, "application");
    const char *hash = json_string_value(json_object_get(rev, "hash"));
    const char *app_msg = NULL;
    int32_t define, app_status;
    int64_t serial, created, number, rev_created;
    int32_t spec, mrs, desired, max;
    rollout_replica_set *rs;
    char *canonical, *key;
    size_t i;
    int rc;

    if (!name || !*name || !json_is_object(tmpl) || !rollout__json_is_string_map(ann) ||
        !json_is_array(replicas) || !hash || strlen(hash) >= sizeof(rs->rev.hash) ||
        !get_i64(j, "serial", 1, (int64_t)max_serial - 1, &serial) ||
        !get_i64(j, "created", INT64_MIN, INT64_MAX, &created) ||
        !get_i32(j, "spec", 0, INT32_MAX, &spec) ||
        !get_i32(j, "minReadySeconds", 0, INT32_MAX, &mrs) ||
        !get_i32(j, "desired", -1, INT32_MAX, &desired) ||
        !get_i32(j, "max", -1, INT32_MAX, &max) ||
        !get_i64(rev, "number", 0, INT64_MAX, &number) ||
        !get_i64(rev, "created", INT64_MIN, INT64_MAX, &rev_created) ||
        !get_i32(app, "define", INT32_MIN, INT32_MAX, &define) ||
        !get_i32(app, "status", ROLLOUT__APP_STAGING, ROLLOUT__APP_ABNORMAL,
                 &app_status) ||
        !get_opt_str(app, "message", &app_msg) ||
        !json_is_boolean(json_object_get(app, "deleting")) ||
        !json_is_boolean(json_object_get(app, "restoring")))
        return bad(rd, "bad replica set");
    key = rollout__sprintf("%s/%s", d->spec->ns, name);
    if (!key)
        return rollout__oom(rd->e);
    rc = rollout__map_get(&rd->e->rs_map, key) ? ROLLOUT_EEXIST : ROLLOUT_OK;
    free(key);
    if (rc != ROLLOUT_OK)
        return bad(rd, "duplicate replica set name");
    canonical = rollout__canonical_json(tmpl);
    if (!canonical)
        return rollout__oom(rd->e);
    rs = rollout__rs_new(rd->e, d, name, tmpl, canonical, hash, created,
                         (uint64_t)serial);
    free(canonical);
    if (!rs)
        return rollout__oom(rd->e);
    rs->spec = spec;
    rs->min_ready_seconds = mrs;
    rs->desired = desired;
    rs->max = max;
    rs->rev.number = number;
    rs->rev.created = rev_created;
    rs->app.define = define;
    rs->app.status = app_status;
    rs->app.deleting = json_is_true(json_object_get(app, "deleting"));
    rs->app.restoring = json_is_true(json_object_get(app, "restoring"));
    if (!rollout__set_str(&rs->app.message, app_msg))
        return rollout__oom(rd->e);
    json_decref(rs->annotations);
    rs->annotations = json_deep_copy(ann);
    if (!rs->annotations)
        return rollout__oom(rd->e);
    json_array_foreach(replicas, i, x)
        if ((rc = read_replica(rd, rs, x, max_serial)) != ROLLOUT_OK)
            return rc;
    return ROLLOUT_OK;
}

static int read_conditions(reader *rd, rollout_deployment *d, const json_t *j)
{
    json_t *x;
    size_t i;

    if (!json_is_array(j) || json_array_size(j) > ROLLOUT__MAX_CONDITIONS)
        return bad(rd, "bad conditions");
    json_array_foreach(j, i, x) {
        rollout__condition *c = &d->conds[d->n_conds];
        const char *type = json_string_value(json_object_get(x, "type"));
        const char *status = json_string_value(json_object_get(x, "status"));
        const char *reason = json_string_value(json_object_get(x, "reason"));
        const char *message = json_string_value(json_object_get(x, "message"));

        if (!type || !status || !reason || !message ||
            rollout__get_condition(d, type) ||
            !get_i64(x, "lastUpdate", INT64_MIN, INT64_MAX, &c->last_update) ||
            !get_i64(x, "lastTransition", INT64_MIN, INT64_MAX,
                     &c->last_transition))
            return bad(rd, "bad condition");
        c->type = rollout__strdup(type);
        c->status = rollout__strdup(status);
        c->reason = rollout__strdup(reason);
        c->message = rollout__strdup(message);
        d->n_conds++;
        if (!c->type || !c->status || !c->reason || !c->message)
            return rollout__oom(rd->e);
    }
    return ROLLOUT_OK;
}

/* An application of D by name, or none (null). */
static bool app_of(rollout_deployment *d, const json_t *v, rollout_replica_set **out)
{
    size_t i;

    *out = NULL;
    if (json_is_null(v))
        return true;
    if (!json_is_string(v))
        return false;
    for (i = 0; i < d->sets.len; i++)
        if (strcmp(((rollout_replica_set *)d->sets.items[i])->name,
                   json_string_value(v)) == 0) {
            *out = d->sets.items[i];
            return true;
        }
    return false;
}

static int read_bcs(reader *rd, rollout_deployment *d, const json_t *b)
{
    const char *msg = NULL;
    json_t *backup = json_object_get(b, "backup");
    char *err = NULL;

    if (!json_is_object(b) ||
        !get_i32(b, "status", ROLLOUT__BCS_DEPLOYING, ROLLOUT__BCS_DELETING,
                 &d->bcs.status) ||
        !get_opt_str(b, "message", &msg) ||
        !app_of(d, json_object_get(b, "application"), &d->bcs.app) ||
        !app_of(d, json_object_get(b, "applicationExt"), &d->bcs.ext) ||
        !get_i32(b, "appTarget", INT32_MIN, INT32_MAX, &d->bcs.app_target) ||
        !get_i32(b, "appRolling", INT32_MIN, INT32_MAX, &d->bcs.app_rolling) ||
        !get_i32(b, "extTarget", INT32_MIN, INT32_MAX, &d->bcs.ext_target) ||
        !get_i32(b, "extRolling", INT32_MIN, INT32_MAX, &d->bcs.ext_rolling) ||
        !get_i64(b, "lastRolling", INT64_MIN, INT64_MAX, &d->bcs.last_rolling) ||
        !get_i32(b, "operation", ROLLOUT__BCS_OP_NONE, ROLLOUT__BCS_OP_DELETE,
                 &d->bcs.op) ||
        !json_is_boolean(json_object_get(b, "inRolling")) ||
        !json_is_boolean(json_object_get(b, "cancelPending")) ||
        !json_is_boolean(json_object_get(b, "updated")) ||
        !get_i64(b, "checkTime", INT64_MIN, INT64_MAX, &d->bcs.check_time) ||
        (!json_is_null(backup) && !json_is_object(backup)))
        return bad(rd, "bad BCS record");
    d->bcs.in_rolling = json_is_true(json_object_get(b, "inRolling"));
    d->bcs.cancel_pending = json_is_true(json_object_get(b, "cancelPending"));
    d->bcs.updated = json_is_true(json_object_get(b, "updated"));
    if (!rollout__set_str(&d->bcs.message, msg))
        return rollout__oom(rd->e);
    if (json_is_object(backup)) {
        d->bcs.backup = rollout__spec_from_json(backup, &err);
        if (!d->bcs.backup) {
            int rc = err ? bad(rd, err) : rollout__oom(rd->e);

            free(err);
            return rc;
        }
    }
    return ROLLOUT_OK;
}

static int read_deployment(reader *rd, const json_t *j, uint64_t max_serial)
{
    struct rollout_spec *spec;
    rollout_deployment *d;
    json_t *st = json_object_get(j, "status"), *sets, *x;
    json_t *deleting = json_object_get(j, "deleting");
    char *err = NULL, *path = NULL, *msg = NULL;
    int64_t serial;
    size_t i;
    int rc;

    spec = rollout__spec_from_json(json_object_get(j, "spec"), &err);
    if (!spec) {
        rc = err ? bad(rd, err) : rollout__oom(rd->e);
        free(err);
        return rc;
    }
    snprintf(rd->where, sizeof(rd->where), "deployment %s/%s", spec->ns,
             spec->name);
    rc = spec->dialect == ROLLOUT_DIALECT_BCS
             ? rollout__bcs_validate(spec, &path, &msg)
             : rollout__spec_validate(spec, NULL, &path, &msg);
    if (rc != ROLLOUT_OK) {
        char *m = rc == ROLLOUT_EVALIDATION ? rollout__sprintf("%s: %s", path, msg)
                                            : NULL;

        free(path);
        free(msg);
        rollout_spec_free(spec);
        rc = m ? bad(rd, m) : rollout__oom(rd->e);
        free(m);
        return rc;
    }
    if (!get_i64(j, "serial", 1, (int64_t)max_serial - 1, &serial)) {
        rollout_spec_free(spec);
        return bad(rd, "bad serial");
    }
    d = rollout__deployment_new(rd->e, spec, (uint64_t)serial, 0);
    if (!d)
        return rollout__oom(rd->e);
    if (spec->kind == ROLLOUT_KIND_APPLICATION) {
        /* a standalone application's holder has a key of its own */
        char *key = rollout__sprintf("%s/%s#application", spec->ns, spec->name);

        if (!key) {
            rollout__deployment_free(NULL, d);
            return rollout__oom(rd->e);
        }
        free(d->key);
        d->key = key;
    }
    if (rollout__map_get(&rd->e->deployment_map, d->key)) {
        rollout__deployment_free(NULL, d);
        return bad(rd, "duplicate deployment");
    }
    if (rollout__deployment_add(rd->e, d) != ROLLOUT_OK) {
        rollout__deployment_free(NULL, d);
        return rollout__oom(rd->e);
    }
    sets = json_object_get(j, "replicaSets");
    if (!get_i64(j, "generation", 1, INT64_MAX, &d->generation) ||
        !get_i64(j, "observedGeneration", 0, d->generation, &d->observed_generation) ||
        !get_i64(j, "created", INT64_MIN, INT64_MAX, &d->created) ||
        !get_i64(j, "revision", 0, INT64_MAX, &d->revision) ||
        !get_i32(j, "collisionCount", -1, INT32_MAX, &d->collision_count) ||
        !get_i32(st, "replicas", 0, INT32_MAX, &d->status.replicas) ||
        !get_i32(st, "updated", 0, INT32_MAX, &d->status.updated) ||
        !get_i32(st, "ready", 0, INT32_MAX, &d->status.ready) ||
        !get_i32(st, "available", 0, INT32_MAX, &d->status.available) ||
        !get_i32(st, "unavailable", 0, INT32_MAX, &d->status.unavailable) ||
        !json_is_boolean(deleting) || !json_is_array(sets))
        return bad(rd, "bad deployment fields");
    d->deleting = json_is_true(deleting);
    if ((rc = read_conditions(rd, d, json_object_get(j, "conditions"))) != ROLLOUT_OK)
        return rc;
    if (!opt_timer(rd, j, "deadline", &d->timer))
        return bad(rd, "bad deadline");
    json_array_foreach(sets, i, x)
        if ((rc = read_set(rd, d, x, max_serial)) != ROLLOUT_OK)
            return rc;
    if (spec->dialect == ROLLOUT_DIALECT_BCS &&
        (rc = read_bcs(rd, d, json_object_get(j, "bcs"))) != ROLLOUT_OK)
        return rc;
    rd->where[0] = '\0';
    return ROLLOUT_OK;
}

static void reset(rollout_engine *e)
{
    while (e->deployments.len)
        rollout__deployment_free(e, e->deployments.items[e->deployments.len - 1]);
    e->dirty_head = e->dirty_tail = NULL;
    e->out_head = e->out_tail = NULL;
}

int rollout__snapshot_restore(rollout_engine *e, const char *text, size_t len)
{
    reader rd = {e, "", false};
    json_error_t jerr;
    json_t *root, *deps, *x;
    const char *format, *names;
    int64_t version, clock, next_serial;
    uint64_t rng = 0;
    size_t i;
    int rc = ROLLOUT_OK;

    root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        return rollout__fail(e, ROLLOUT_ESNAPSHOT, "snapshot: line %d column %d: %s",
                             jerr.line, jerr.column, jerr.text);
    format = json_string_value(json_object_get(root, "format"));
    if (!format || strcmp(format, SNAPSHOT_FORMAT) != 0) {
        json_decref(root);
        return rollout__fail(e, ROLLOUT_ESNAPSHOT,
                             "snapshot: not a librollout snapshot");
    }
    if (!get_i64(root, "version", 1, INT32_MAX, &version)) {
        json_decref(root);
        return rollout__fail(e, ROLLOUT_ESNAPSHOT, "snapshot: bad version");
    }
    if (version > SNAPSHOT_VERSION) {
        json_decref(root);
        return rollout__fail(e, ROLLOUT_ESNAPSHOT,
                             "snapshot: version %lld is newer than this library "
                             "reads (%d)", (long long)version, SNAPSHOT_VERSION);
    }
    names = json_string_value(json_object_get(root, "names"));
    deps = json_object_get(root, "deployments");
    if (!get_i64(root, "clock", INT64_MIN, INT64_MAX, &clock) ||
        !get_i64(root, "nextSerial", 1, INT64_MAX, &next_serial) || !names ||
        strlen(names) != 16 || sscanf(names, "%16" SCNx64, &rng) != 1 ||
        !json_is_array(deps) || !json_is_array(json_object_get(root, "dirty")) ||
        !json_is_array(json_object_get(root, "outbox"))) {
        json_decref(root);
        return rollout__fail(e, ROLLOUT_ESNAPSHOT, "snapshot: bad header");
    }
    json_array_foreach(deps, i, x)
        if ((rc = read_deployment(&rd, x, (uint64_t)next_serial)) != ROLLOUT_OK)
            break;
    if (rc == ROLLOUT_OK) {
        json_array_foreach(json_object_get(root, "dirty"), i, x) {
            json_int_t k = json_integer_value(x);

            if (!json_is_integer(x) || k < 0 || (size_t)k >= e->deployments.len ||
                ((rollout_deployment *)e->deployments.items[k])->dirty) {
                rc = bad(&rd, "bad dirty queue");
                break;
            }
            rollout__mark_dirty(e->deployments.items[k]);
        }
    }
    if (rc == ROLLOUT_OK) {
        json_array_foreach(json_object_get(root, "outbox"), i, x) {
            rollout_replica *r = json_is_string(x)
                                     ? rollout__map_get(&e->replica_map,
                                                        json_string_value(x))
                                     : NULL;

            if (!r || r->in_outbox || r->req != ROLLOUT__REQ_UNSENT) {
                rc = bad(&rd, "bad outbox");
                break;
            }
            rollout__outbox_push(e, r);
        }
    }
    json_decref(root);
    if (rc != ROLLOUT_OK) {
        reset(e);
        return rc;
    }
    e->now = clock > e->now ? clock : e->now;
    e->next_serial = (uint64_t)next_serial;
    e->rng = rng;
    return ROLLOUT_OK;
}
