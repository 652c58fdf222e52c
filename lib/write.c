/*
 * Writing: a spec as the manifest it stands for, and deployments and
 * replica sets as `kubectl get -o json|yaml` prints them (keys sorted,
 * JSON indented by four, zero counts left out as the API's omitempty
 * does).  Fields the engine does not interpret are written back as read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"

/* The object at KEY of PARENT, made when missing or not an object. */
static json_t *ensure_object(json_t *parent, const char *key)
{
    json_t *o = json_object_get(parent, key);

    if (json_is_object(o))
        return o;
    o = json_object();
    if (!o || json_object_set_new(parent, key, o) < 0)
        return NULL;
    return o;
}

/* Sets KEY to V (taken), or removes it when V is NULL; false on ENOMEM. */
static bool put(json_t *obj, const char *key, json_t *v)
{
    if (!obj) {
        json_decref(v);
        return false;
    }
    if (!v) {
        json_object_del(obj, key);
        return true;
    }
    return json_object_set_new(obj, key, v) == 0;
}

static json_t *copy_or_null(const json_t *v, bool keep_empty)
{
    if (!v || (!keep_empty && json_is_object(v) && json_object_size(v) == 0))
        return NULL;
    return json_deep_copy(v);
}

static json_t *intstr_json(const rollout__intstr *v)
{
    if (v->kind == ROLLOUT__INTSTR_INT)
        return json_integer(v->ival);
    if (v->kind == ROLLOUT__INTSTR_STR)
        return json_string(v->sval);
    return NULL;
}

static json_t *time_json(int64_t ms)
{
    char t[32];

    rollout__format_rfc3339(t, ms);
    return json_string(t);
}

/* A Kubernetes spec as its manifest: the document as read (status left
 * out) with the model's fields laid over it. */
static json_t *kubernetes_manifest(const struct rollout_spec *s)
{
    json_t *j = s->doc ? json_deep_copy(s->doc) : json_object();
    json_t *meta, *spec, *strategy;
    bool ok;

    if (!j)
        return NULL;
    json_object_del(j, "status");
    meta = ensure_object(j, "metadata");
    spec = ensure_object(j, "spec");
    strategy = ensure_object(spec, "strategy");
    ok = meta && spec && strategy &&
         put(j, "apiVersion", json_string("apps/v1")) &&
         put(j, "kind", json_string("Deployment")) &&
         put(meta, "name", json_string(s->name)) &&
         put(meta, "namespace", json_string(s->ns)) &&
         put(meta, "labels", copy_or_null(s->labels, false)) &&
         put(meta, "annotations", copy_or_null(s->annotations, false)) &&
         put(spec, "replicas", json_integer(s->replicas)) &&
         put(spec, "selector",
             json_is_null(s->selector) ? NULL : json_deep_copy(s->selector)) &&
         put(spec, "template", json_deep_copy(s->template)) &&
         put(spec, "minReadySeconds",
             s->min_ready_seconds ? json_integer(s->min_ready_seconds) : NULL) &&
         put(spec, "progressDeadlineSeconds",
             json_integer(s->progress_deadline_seconds)) &&
         put(spec, "revisionHistoryLimit", json_integer(s->revision_history_limit)) &&
         put(spec, "paused", s->paused ? json_true() : NULL) &&
         put(strategy, "type",
             json_string(s->strategy == ROLLOUT_STRATEGY_RECREATE ? "Recreate"
                                                                  : "RollingUpdate"));
    if (ok && s->rolling_set) {
        json_t *ru = ensure_object(strategy, "rollingUpdate");

        ok = ru && put(ru, "maxSurge", intstr_json(&s->max_surge)) &&
             put(ru, "maxUnavailable", intstr_json(&s->max_unavailable));
    } else if (ok) {
        json_object_del(strategy, "rollingUpdate");
    }
    if (!ok) {
        json_decref(j);
        return NULL;
    }
    return j;
}

static json_t *manifest_json(const struct rollout_spec *s)
{
    return s->dialect == ROLLOUT_DIALECT_BCS ? rollout__bcs_manifest(s)
                                             : kubernetes_manifest(s);
}

/* JSON as kubectl prints it, or YAML; takes J. */
static int render(char **out, json_t *j, rollout_format format)
{
    char *text;

    if (!j)
        return ROLLOUT_ENOMEM;
    if (format == ROLLOUT_FORMAT_YAML) {
        text = rollout__yaml_dump(j);
    } else {
        char *body = json_dumps(j, JSON_INDENT(4) | JSON_SORT_KEYS);

        text = body ? rollout__sprintf("%s\n", body) : NULL;
        free(body);
    }
    json_decref(j);
    *out = text;
    return text ? ROLLOUT_OK : ROLLOUT_ENOMEM;
}

static bool valid_format(rollout_format f)
{
    return f == ROLLOUT_FORMAT_JSON || f == ROLLOUT_FORMAT_YAML;
}

int rollout_spec_write(char **out, const rollout_spec *spec, rollout_format format)
{
    if (!out)
        return ROLLOUT_EINVAL;
    *out = NULL;
    if (!spec || !valid_format(format))
        return ROLLOUT_EINVAL;
    return render(out, manifest_json(spec), format);
}

/* Counts the API leaves out when zero. */
static bool put_count(json_t *obj, const char *key, int64_t n)
{
    return put(obj, key, n ? json_integer(n) : NULL);
}

static json_t *conditions_json(const rollout_deployment *d)
{
    json_t *a = json_array();
    size_t i;

    for (i = 0; a && i < d->n_conds; i++) {
        const rollout__condition *c = &d->conds[i];
        json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "type", c->type, "status",
                              c->status, "reason", c->reason, "message",
                              c->message);

        if (!o || !put(o, "lastUpdateTime", time_json(c->last_update)) ||
            !put(o, "lastTransitionTime", time_json(c->last_transition)) ||
            json_array_append_new(a, o) < 0) {
            json_decref(o);
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

static json_t *kubernetes_deployment(const rollout_deployment *d)
{
    json_t *j = kubernetes_manifest(d->spec), *meta, *status;
    char rev[24];
    bool ok;

    if (!j)
        return NULL;
    meta = json_object_get(j, "metadata");
    status = json_object();
    snprintf(rev, sizeof(rev), "%lld", (long long)d->revision);
    ok = status && put(j, "status", status) &&
         put(meta, "creationTimestamp", time_json(d->created)) &&
         put(meta, "generation", json_integer(d->generation));
    if (ok && d->revision > 0)
        ok = put(ensure_object(meta, "annotations"), ROLLOUT__ANN_REVISION,
                 json_string(rev));
    ok = ok && put_count(status, "observedGeneration", d->observed_generation) &&
         put_count(status, "replicas", d->status.replicas) &&
         put_count(status, "updatedReplicas", d->status.updated) &&
         put_count(status, "readyReplicas", d->status.ready) &&
         put_count(status, "availableReplicas", d->status.available) &&
         put_count(status, "unavailableReplicas", d->status.unavailable) &&
         put(status, "collisionCount",
             d->collision_count >= 0 ? json_integer(d->collision_count) : NULL) &&
         put(status, "conditions", d->n_conds ? conditions_json(d) : NULL);
    if (!ok) {
        json_decref(j);
        return NULL;
    }
    return j;
}

int rollout_deployment_write(char **out, const rollout_deployment *d,
                             rollout_format format)
{
    if (!out)
        return ROLLOUT_EINVAL;
    *out = NULL;
    if (!d || !valid_format(format))
        return ROLLOUT_EINVAL;
    if (d->spec->dialect == ROLLOUT_DIALECT_BCS)
        return render(out, rollout__bcs_manifest(d->spec), format);
    return render(out, kubernetes_deployment(d), format);
}

/* A replica set: its template and selector carry the pod-template-hash
 * label, and the deployment owns it. */
static json_t *kubernetes_replica_set(const rollout_replica_set *rs)
{
    const rollout_deployment *d = rs->d;
    json_t *tmpl = json_deep_copy(rs->rev.template);
    json_t *sel = json_is_null(d->spec->selector) ? json_object()
                                                  : json_deep_copy(d->spec->selector);
    json_t *labels, *owner, *j, *meta, *spec, *status;
    bool ok;

    labels = tmpl ? ensure_object(ensure_object(tmpl, "metadata"), "labels") : NULL;
    ok = labels && sel &&
         put(labels, "pod-template-hash", json_string(rs->rev.hash)) &&
         put(ensure_object(sel, "matchLabels"), "pod-template-hash",
             json_string(rs->rev.hash));
    owner = json_pack("[{s:s, s:b, s:b, s:s, s:s}]", "apiVersion", "apps/v1",
                      "blockOwnerDeletion", 1, "controller", 1, "kind", "Deployment",
                      "name", d->name);
    j = json_pack("{s:s, s:s, s:{}, s:{}, s:{}}", "apiVersion", "apps/v1", "kind",
                  "ReplicaSet", "metadata", "spec", "status");
    if (!ok || !owner || !j) {
        json_decref(tmpl);
        json_decref(sel);
        json_decref(owner);
        json_decref(j);
        return NULL;
    }
    meta = json_object_get(j, "metadata");
    spec = json_object_get(j, "spec");
    status = json_object_get(j, "status");
    ok = put(meta, "name", json_string(rs->name)) &&
         put(meta, "namespace", json_string(d->ns)) &&
         put(meta, "creationTimestamp", time_json(rs->created)) &&
         put(meta, "labels", json_deep_copy(labels)) &&
         put(meta, "annotations", copy_or_null(rs->annotations, false)) &&
         put(meta, "ownerReferences", owner) &&
         put(spec, "replicas", json_integer(rs->spec)) &&
         put_count(spec, "minReadySeconds", rs->min_ready_seconds) &&
         put(spec, "selector", sel) && put(spec, "template", tmpl) &&
         put(status, "replicas", json_integer(rs->n_active)) &&
         put_count(status, "fullyLabeledReplicas", rs->n_active) &&
         put_count(status, "readyReplicas", rs->n_ready) &&
         put_count(status, "availableReplicas", rs->n_available) &&
         put_count(status, "observedGeneration", d->observed_generation);
    if (!ok) {
        json_decref(j);
        return NULL;
    }
    return j;
}

/* A BCS application as bcs-client inspect -t app prints it. */
static json_t *bcs_application(const rollout_replica_set *rs)
{
    const rollout_deployment *d = rs->d;
    json_t *meta = json_pack("{s:s, s:s}", "name", rs->name, "namespace", d->ns);
    json_t *pods = json_array(), *app = json_object();
    bool ok = meta && pods && app;
    size_t i;

    for (i = 0; ok && i < rs->replicas.len; i++) {
        const rollout_replica *r = rs->replicas.items[i];

        if (r->want == ROLLOUT__WANT_CREATE && r->req != ROLLOUT__REQ_ACCEPTED)
            continue; /* not built */
        ok = json_array_append_new(pods, json_pack("{s:s}", "name", r->name)) == 0;
    }
    ok = ok && put(meta, "labels", copy_or_null(d->spec->labels, false)) &&
         put(app, "metadata", json_incref(meta)) &&
         put(app, "instance", json_integer(rs->app.define)) &&
         put(app, "buildedInstance", json_integer(rs->n_built)) &&
         put(app, "runningInstance", json_integer(rs->n_running)) &&
         put(app, "createTime", time_json(rs->created)) &&
         put(app, "status", json_string(rollout__app_status_name(rs->app.status))) &&
         put(app, "message",
             rs->app.message && *rs->app.message ? json_string(rs->app.message)
                                                 : NULL) &&
         put(app, "pods", json_array_size(pods) ? json_incref(pods) : json_null()) &&
         put(app, "kind", json_string("application"));
    json_decref(meta);
    json_decref(pods);
    if (!ok) {
        json_decref(app);
        return NULL;
    }
    return json_pack("{s:o}", "data", app);
}

int rollout_replica_set_write(char **out, const rollout_replica_set *rs,
                              rollout_format format)
{
    if (!out)
        return ROLLOUT_EINVAL;
    *out = NULL;
    if (!rs || !valid_format(format))
        return ROLLOUT_EINVAL;
    if (rs->d->spec->dialect == ROLLOUT_DIALECT_BCS) {
        json_t *j = bcs_application(rs);
        char *body;

        if (format == ROLLOUT_FORMAT_YAML)
            return render(out, j, format);
        body = j ? json_dumps(j, JSON_INDENT(2)) : NULL;
        json_decref(j);
        *out = body ? rollout__sprintf("%s\n", body) : NULL;
        free(body);
        return *out ? ROLLOUT_OK : ROLLOUT_ENOMEM;
    }
    return render(out, kubernetes_replica_set(rs), format);
}

/* BCS: the deployment record, as bcs-client inspect prints it: {"data":
 * the record}, keys in upstream's order, indented by two. */

static json_t *refer_json(const rollout_replica_set *rs, int32_t target,
                          int32_t rolling)
{
    if (!rs)
        return json_null();
    return json_pack("{s:s, s:i, s:i}", "name", rs->name, "curr_target_instances",
                     (int)target, "CurrentRollingInstances", (int)rolling);
}

static json_t *strategy_json(const struct rollout_spec *s, bool defaults)
{
    json_t *j = json_pack("{s:s}", "type", s->bcs.strategy_type ? s->bcs.strategy_type : "");
    json_t *ru;
    int32_t mu = s->bcs.max_unavailable, ms = s->bcs.max_surge;

    if (!j)
        return NULL;
    if (!s->bcs.has_rolling) {
        if (json_object_set_new(j, "rollingupdate", json_null()) < 0) {
            json_decref(j);
            return NULL;
        }
        return j;
    }
    if (defaults) {
        mu = mu > 0 ? mu : 1;
        ms = ms > 0 ? ms : 1;
    }
    ru = json_pack("{s:i, s:i, s:I, s:b, s:s}", "maxUnavilable", (int)mu, "maxSurge",
                   (int)ms, "upgradeDuration", (json_int_t)s->bcs.upgrade_duration,
                   "rollingManually", (int)s->bcs.rolling_manually, "rollingOrder",
                   s->bcs.rolling_order ? s->bcs.rolling_order : "");
    if (!ru || json_object_set_new(j, "rollingupdate", ru) < 0) {
        json_decref(j);
        return NULL;
    }
    return j;
}

json_t *rollout__bcs_record(const rollout_deployment *d)
{
    static const char *const ops[] = {"", "START", "DELETE"};
    const struct rollout_spec *s = d->spec;
    json_t *meta = json_pack("{s:s, s:s}", "name", d->name, "namespace", d->ns);
    json_t *rec = json_object();
    bool ok = meta && rec;

    ok = ok && put(meta, "labels", copy_or_null(s->labels, false)) &&
         put(meta, "annotations", copy_or_null(s->annotations, false)) &&
         put(rec, "metadata", meta);
    if (!ok)
        json_decref(meta);
    ok = ok &&
         put(rec, "selector",
             json_object_size(s->selector) ? json_deep_copy(s->selector) : NULL) &&
         put(rec, "strategy", strategy_json(s, d->bcs.updated)) &&
         put(rec, "status", json_string(rollout__bcs_status_name(d->bcs.status))) &&
         put(rec, "application",
             refer_json(d->bcs.app, d->bcs.app_target, d->bcs.app_rolling)) &&
         put(rec, "application_ext",
             refer_json(d->bcs.ext, d->bcs.ext_target, d->bcs.ext_rolling)) &&
         put(rec, "last_rolling_time", json_integer(d->bcs.last_rolling / 1000)) &&
         put(rec, "curr_rolling_operation", json_string(ops[d->bcs.op % 3])) &&
         put(rec, "is_in_rolling", json_boolean(d->bcs.in_rolling)) &&
         put(rec, "check_time", json_integer(d->bcs.check_time / 1000)) &&
         put(rec, "message", json_string(d->bcs.message ? d->bcs.message : "")) &&
         put(rec, "raw_json", rollout__bcs_manifest(s)) &&
         put(rec, "raw_json_backup",
             d->bcs.backup ? rollout__bcs_manifest(d->bcs.backup) : NULL);
    if (!ok) {
        json_decref(rec);
        return NULL;
    }
    return json_pack("{s:o}", "data", rec);
}

int rollout_deployment_write_record(char **out, const rollout_deployment *d)
{
    json_t *j;
    char *body;

    if (!out)
        return ROLLOUT_EINVAL;
    *out = NULL;
    if (!d || d->spec->dialect != ROLLOUT_DIALECT_BCS ||
        d->spec->kind != ROLLOUT_KIND_DEPLOYMENT)
        return ROLLOUT_EINVAL;
    j = rollout__bcs_record(d);
    if (!j)
        return ROLLOUT_ENOMEM;
    body = json_dumps(j, JSON_INDENT(2));
    json_decref(j);
    *out = body ? rollout__sprintf("%s\n", body) : NULL;
    free(body);
    return *out ? ROLLOUT_OK : ROLLOUT_ENOMEM;
}
