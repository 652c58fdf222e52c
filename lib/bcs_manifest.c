/*
 * BCS v4 manifests: `deployment` and `application` in JSON, read as
 * upstream's Go decoder reads them (keys in any case, an exact match first;
 * the wire spelling `maxUnavilable` beside `maxUnavailable`), with the
 * integer widths of upstream's types, and written back as v4 JSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "manifest.h"

/* The checks of a container or process that upstream's types imply: the
 * rest of the template is kept as written. */

static int check_health(decoder *dc, const json_t *x, const char *path)
{
    static const char *const ints[] = {"delaySeconds", "gracePeriodSeconds",
                                       "intervalSeconds", "timeoutSeconds", NULL};
    const char *const *f;
    char p[ROLLOUT_PARSE_PATH_LENGTH];
    json_t *v, *sub;
    int64_t n;
    int rc;

    for (f = ints; *f; f++) {
        snprintf(p, sizeof(p), "%s.%s", path, *f);
        v = rollout__dec_present(rollout__dec_field(dc, x, *f));
        if (v && (rc = rollout__dec_check_int(dc, p, v, INT32_MIN, INT32_MAX,
                                              "int", &n)))
            return rc;
    }
    snprintf(p, sizeof(p), "%s.consecutiveFailures", path);
    v = rollout__dec_present(rollout__dec_field(dc, x, "consecutiveFailures"));
    if (v && (rc = rollout__dec_check_int(dc, p, v, 0, UINT32_MAX, "uint32", &n)))
        return rc;
    snprintf(p, sizeof(p), "%s.type", path);
    if ((rc = rollout__dec_get_string(dc, x, "type", p, &(const char *){NULL})))
        return rc;
    snprintf(p, sizeof(p), "%s.http", path);
    if ((rc = rollout__dec_get_object(dc, x, "http", p, &sub)))
        return rc;
    snprintf(p, sizeof(p), "%s.tcp", path);
    if ((rc = rollout__dec_get_object(dc, x, "tcp", p, &sub)))
        return rc;
    snprintf(p, sizeof(p), "%s.command", path);
    return rollout__dec_get_object(dc, x, "command", p, &sub);
}

static int check_port(decoder *dc, const json_t *x, const char *path)
{
    static const char *const strings[] = {"name", "protocol", "hostIP", NULL};
    char p[ROLLOUT_PARSE_PATH_LENGTH];
    int32_t n;
    int rc;

    snprintf(p, sizeof(p), "%s.containerPort", path);
    if ((rc = rollout__dec_get_int32(dc, x, "containerPort", p, &n, NULL)))
        return rc;
    snprintf(p, sizeof(p), "%s.hostPort", path);
    if ((rc = rollout__dec_get_int32(dc, x, "hostPort", p, &n, NULL)))
        return rc;
    return rollout__dec_check_strings(dc, x, path, strings);
}

static int check_env(decoder *dc, const json_t *x, const char *path)
{
    static const char *const strings[] = {"name", "value", NULL};

    return rollout__dec_check_strings(dc, x, path, strings);
}

static int check_resources(decoder *dc, const json_t *c, const char *path)
{
    static const char *const kinds[] = {"limits", "requests", NULL};
    static const char *const quantities[] = {"cpu", "memory", "storage", NULL};
    const char *const *k;
    json_t *res, *m;
    char p[ROLLOUT_PARSE_PATH_LENGTH];
    int rc;

    snprintf(p, sizeof(p), "%s.resources", path);
    if ((rc = rollout__dec_get_object(dc, c, "resources", p, &res)) || !res)
        return rc;
    for (k = kinds; *k; k++) {
        snprintf(p, sizeof(p), "%s.resources.%s", path, *k);
        if ((rc = rollout__dec_get_object(dc, res, *k, p, &m)))
            return rc;
        /* quantities are strings upstream: "0.5", "4096" */
        if (m && (rc = rollout__dec_check_strings(dc, m, p, quantities)))
            return rc;
    }
    return ROLLOUT_OK;
}

static int check_container(decoder *dc, const json_t *c, const char *path)
{
    static const char *const strings[] = {"name", "hostname", "command", "type",
                                          "image", "imagePullPolicy",
                                          "imagePullUser", "imagePullPasswd",
                                          "workingDir", NULL};
    char p[ROLLOUT_PARSE_PATH_LENGTH];
    bool b;
    int rc;

    if ((rc = rollout__dec_check_strings(dc, c, path, strings)))
        return rc;
    snprintf(p, sizeof(p), "%s.privileged", path);
    if ((rc = rollout__dec_get_bool(dc, c, "privileged", p, &b)))
        return rc;
    snprintf(p, sizeof(p), "%s.args", path);
    if ((rc = rollout__dec_check_string_list(dc, c, "args", p)))
        return rc;
    snprintf(p, sizeof(p), "%s.ports", path);
    if ((rc = rollout__dec_check_list(dc, c, "ports", p, check_port)))
        return rc;
    snprintf(p, sizeof(p), "%s.env", path);
    if ((rc = rollout__dec_check_list(dc, c, "env", p, check_env)))
        return rc;
    snprintf(p, sizeof(p), "%s.healthChecks", path);
    if ((rc = rollout__dec_check_list(dc, c, "healthChecks", p, check_health)))
        return rc;
    return check_resources(dc, c, path);
}

static int check_process(decoder *dc, const json_t *x, const char *path)
{
    static const char *const strings[] = {
        "procName", "workPath", "pidFile", "startCmd", "checkCmd", "stopCmd",
        "restartCmd", "reloadCmd", "killCmd", "logPath", "cfgPath", "user",
        "procGroup", NULL};
    char p[ROLLOUT_PARSE_PATH_LENGTH];
    int rc;

    if ((rc = rollout__dec_check_strings(dc, x, path, strings)))
        return rc;
    snprintf(p, sizeof(p), "%s.ports", path);
    if ((rc = rollout__dec_check_list(dc, x, "ports", p, check_port)))
        return rc;
    snprintf(p, sizeof(p), "%s.env", path);
    if ((rc = rollout__dec_check_list(dc, x, "env", p, check_env)))
        return rc;
    snprintf(p, sizeof(p), "%s.healthChecks", path);
    if ((rc = rollout__dec_check_list(dc, x, "healthChecks", p, check_health)))
        return rc;
    return check_resources(dc, x, path);
}

static int check_template(decoder *dc, const json_t *t)
{
    json_t *meta, *spec, *m;
    int rc;

    if ((rc = rollout__dec_get_object(dc, t, "metadata", "spec.template.metadata",
                                      &meta)) ||
        (rc = rollout__dec_get_string_map(dc, meta, "labels",
                                          "spec.template.metadata.labels", &m)))
        return rc;
    json_decref(m);
    if ((rc = rollout__dec_get_object(dc, t, "spec", "spec.template.spec", &spec)) ||
        !spec)
        return rc;
    if ((rc = rollout__dec_check_list(dc, spec, "containers",
                                      "spec.template.spec.containers",
                                      check_container)))
        return rc;
    return rollout__dec_check_list(dc, spec, "processes",
                                   "spec.template.spec.processes", check_process);
}

static int copy_optional(decoder *dc, const json_t *doc, const char *key,
                         json_t **out)
{
    json_t *v;
    int rc = rollout__dec_get_object(dc, doc, key, key, &v);

    *out = NULL;
    if (rc != ROLLOUT_OK || !v)
        return rc;
    *out = json_deep_copy(v);
    return *out ? ROLLOUT_OK : ROLLOUT_ENOMEM;
}

static int decode_rolling(decoder *dc, const json_t *ru, struct rollout_spec *s)
{
    const char *path = "spec.strategy.rollingupdate";
    char p[ROLLOUT_PARSE_PATH_LENGTH];
    const char *order;
    json_t *v;
    int64_t n;
    int rc;

    s->bcs.has_rolling = true;
    /* upstream's wire key is "maxUnavilable"; the seed writes it right */
    snprintf(p, sizeof(p), "%s.maxUnavailable", path);
    v = rollout__dec_present(rollout__dec_field(dc, ru, "maxUnavailable"));
    if (!v)
        v = rollout__dec_present(rollout__dec_field(dc, ru, "maxUnavilable"));
    if (v) {
        if ((rc = rollout__dec_check_int(dc, p, v, INT32_MIN, INT32_MAX, "int", &n)))
            return rc;
        s->bcs.max_unavailable = (int32_t)n;
    }
    snprintf(p, sizeof(p), "%s.maxSurge", path);
    if ((rc = rollout__dec_get_int32(dc, ru, "maxSurge", p, &s->bcs.max_surge, NULL)))
        return rc;
    snprintf(p, sizeof(p), "%s.upgradeDuration", path);
    v = rollout__dec_present(rollout__dec_field(dc, ru, "upgradeDuration"));
    if (v && (rc = rollout__dec_check_int(dc, p, v, 0, UINT32_MAX, "uint32",
                                          &s->bcs.upgrade_duration)))
        return rc;
    snprintf(p, sizeof(p), "%s.rollingManually", path);
    if ((rc = rollout__dec_get_bool(dc, ru, "rollingManually", p,
                                    &s->bcs.rolling_manually)))
        return rc;
    snprintf(p, sizeof(p), "%s.rollingOrder", path);
    if ((rc = rollout__dec_get_string(dc, ru, "rollingOrder", p, &order)))
        return rc;
    if (order && !(s->bcs.rolling_order = rollout__strdup(order)))
        return ROLLOUT_ENOMEM;
    return ROLLOUT_OK;
}

int rollout__decode_bcs(decoder *dc, const json_t *doc, struct rollout_spec **out)
{
    struct rollout_spec *s;
    json_t *meta, *spec, *sel, *tmpl, *strategy, *ru;
    const char *kind = NULL, *name = NULL, *ns = NULL, *type = NULL;
    int64_t instance = 0;
    json_t *v;
    int rc;

    *out = NULL;
    if ((rc = rollout__dec_get_string(dc, doc, "kind", "kind", &kind)))
        return rc;
    /* upstream compares the kind exactly */
    if (!kind || (strcmp(kind, "deployment") != 0 && strcmp(kind, "application") != 0))
        return rollout__dec_fail(dc, "kind", "Kind %s is invalid", kind ? kind : "");
    if (
        (rc = rollout__dec_get_object(dc, doc, "metadata", "metadata", &meta)) ||
        (rc = rollout__dec_get_string(dc, meta, "name", "metadata.name", &name)) ||
        (rc = rollout__dec_get_string(dc, meta, "namespace", "metadata.namespace",
                                      &ns)) ||
        (rc = rollout__dec_get_object(dc, doc, "spec", "spec", &spec)))
        return rc;
    s = calloc(1, sizeof(*s));
    if (!s)
        return ROLLOUT_ENOMEM;
    s->dialect = ROLLOUT_DIALECT_BCS;
    s->kind = kind && strcmp(kind, "application") == 0 ? ROLLOUT_KIND_APPLICATION
                                                       : ROLLOUT_KIND_DEPLOYMENT;
    s->strategy = ROLLOUT_STRATEGY_ROLLING_UPDATE;
    s->progress_deadline_seconds = ROLLOUT__NO_DEADLINE;
    s->revision_history_limit = ROLLOUT__NO_DEADLINE;
    s->ns = rollout__strdup(ns ? ns : "");
    s->name = rollout__strdup(name ? name : "");
    /* the kind as written, for validation to judge */
    s->bcs.strategy_type = NULL;
    if (!s->ns || !s->name) {
        rc = ROLLOUT_ENOMEM;
        goto out;
    }
    v = rollout__dec_present(rollout__dec_field(dc, spec, "instance"));
    if (v && (rc = rollout__dec_check_int(dc, "spec.instance", v, INT32_MIN,
                                          INT32_MAX, "int32", &instance)))
        goto out;
    s->replicas = (int32_t)instance;
    if ((rc = rollout__dec_get_string_map(dc, meta, "labels", "metadata.labels",
                                          &s->labels)) ||
        (rc = rollout__dec_get_string_map(dc, meta, "annotations",
                                          "metadata.annotations", &s->annotations)) ||
        (rc = rollout__dec_get_object(dc, spec, "selector", "spec.selector", &sel)) ||
        (rc = rollout__dec_get_object(dc, spec, "template", "spec.template", &tmpl)) ||
        (rc = rollout__dec_get_object(dc, spec, "strategy", "spec.strategy",
                                      &strategy)) ||
        (rc = rollout__dec_get_string(dc, strategy, "type", "spec.strategy.type",
                                      &type)) ||
        (rc = rollout__dec_get_object(dc, strategy, "rollingupdate",
                                      "spec.strategy.rollingupdate", &ru)) ||
        (rc = rollout__dec_get_bool(dc, spec, "pauseDeployment",
                                    "spec.pauseDeployment", &s->bcs.pause)) ||
        (rc = copy_optional(dc, doc, "constraint", &s->bcs.constraint)) ||
        (rc = copy_optional(dc, doc, "restartPolicy", &s->bcs.restart_policy)) ||
        (rc = copy_optional(dc, doc, "killPolicy", &s->bcs.kill_policy)))
        goto out;
    if (sel) {
        if ((rc = rollout__dec_get_string_map(dc, spec, "selector", "spec.selector",
                                              &s->selector)))
            goto out;
    } else {
        s->selector = json_null();
    }
    if (tmpl && (rc = check_template(dc, tmpl)))
        goto out;
    s->template = tmpl ? json_deep_copy(tmpl) : json_null();
    if (type && !(s->bcs.strategy_type = rollout__strdup(type))) {
        rc = ROLLOUT_ENOMEM;
        goto out;
    }
    if (ru && (rc = decode_rolling(dc, ru, s)))
        goto out;
    if (!s->selector || !s->template) {
        rc = ROLLOUT_ENOMEM;
        goto out;
    }
    *out = s;
    return ROLLOUT_OK;
out:
    rollout_spec_free(s);
    return rc;
}

/* The checks upstream makes before any state is involved, in its order. */
int rollout__bcs_validate(const struct rollout_spec *s, char **path,
                          char **message)
{
    const char *p = NULL, *m = NULL;
    json_t *ps = json_object_get(s->template, "spec");
    const char *policy = json_string_value(json_object_get(s->bcs.restart_policy,
                                                           "policy"));
    bool has_c = json_array_size(json_object_get(ps, "containers")) > 0;
    bool has_p = json_array_size(json_object_get(ps, "processes")) > 0;

    *path = *message = NULL;
    if (!*s->ns) {
        p = "metadata.namespace";
        m = "parse namespace failed or json structure error";
    } else if (strchr(s->name, '.')) {
        p = "metadata.name";
        m = "Name can't contains contains '.'";
    } else if (json_is_null(s->template) && s->kind == ROLLOUT_KIND_APPLICATION) {
        p = "spec.template";
        m = "no template";
    } else if (policy && *policy && strcmp(policy, "OnFailure") != 0 &&
               strcmp(policy, "Always") != 0 && strcmp(policy, "Never") != 0) {
        p = "restartPolicy.policy";
        m = "restart policy error";
    } else if (!json_is_null(s->template) && !has_c && !has_p) {
        p = "spec.template.spec";
        m = "no containers and processes";
    } else if (has_c && has_p) {
        p = "spec.template.spec";
        m = "containers and processes cannot coexist";
    }
    if (!p)
        return ROLLOUT_OK;
    *path = rollout__strdup(p);
    *message = rollout__strdup(m);
    if (!*path || !*message) {
        free(*path);
        free(*message);
        *path = *message = NULL;
        return ROLLOUT_ENOMEM;
    }
    return ROLLOUT_EVALIDATION;
}

/* Writing back.  A key is written with the spelling the document used, in
 * any case; a new key with upstream's. */

static const char *spelling(const json_t *obj, const char *key, const char *alias)
{
    const char *k;
    json_t *v;

    json_object_foreach((json_t *)obj, k, v)
        if (strcasecmp(k, key) == 0 || (alias && strcasecmp(k, alias) == 0))
            return k;
    return NULL;
}

static bool set_key(json_t *obj, const char *key, const char *alias, json_t *v)
{
    const char *k = obj ? spelling(obj, key, alias) : NULL;
    char *own = k ? rollout__strdup(k) : NULL;
    bool ok;

    if (!obj || (k && !own)) {
        json_decref(v);
        free(own);
        return false;
    }
    if (!v) {
        if (own)
            json_object_del(obj, own);
        free(own);
        return true;
    }
    ok = json_object_set_new(obj, own ? own : key, v) == 0;
    free(own);
    return ok;
}

static json_t *object_at(json_t *obj, const char *key)
{
    const char *k = spelling(obj, key, NULL);
    json_t *o = k ? json_object_get(obj, k) : NULL;

    if (json_is_object(o))
        return o;
    o = json_object();
    if (!o || !set_key(obj, key, NULL, o))
        return NULL;
    return o;
}

static json_t *map_or_null(const json_t *m)
{
    return m && json_object_size(m) ? json_deep_copy(m) : NULL;
}

json_t *rollout__bcs_manifest(const struct rollout_spec *s)
{
    json_t *j = s->doc ? json_deep_copy(s->doc) : json_object();
    json_t *meta, *spec, *strategy;
    bool ok;

    if (!j)
        return NULL;
    meta = object_at(j, "metadata");
    spec = object_at(j, "spec");
    ok = meta && spec &&
         (spelling(j, "apiVersion", NULL) ||
          set_key(j, "apiVersion", NULL, json_string("v4"))) &&
         set_key(j, "kind", NULL,
                 json_string(s->kind == ROLLOUT_KIND_APPLICATION ? "application"
                                                                 : "deployment")) &&
         set_key(meta, "name", NULL, json_string(s->name)) &&
         set_key(meta, "namespace", NULL, json_string(s->ns)) &&
         set_key(meta, "labels", NULL, map_or_null(s->labels)) &&
         set_key(meta, "annotations", NULL, map_or_null(s->annotations)) &&
         set_key(spec, "instance", NULL, json_integer(s->replicas)) &&
         set_key(spec, "selector", NULL,
                 json_is_null(s->selector) ? NULL : json_deep_copy(s->selector)) &&
         set_key(spec, "template", NULL,
                 json_is_null(s->template) ? NULL : json_deep_copy(s->template)) &&
         set_key(j, "constraint", NULL,
                 s->bcs.constraint ? json_deep_copy(s->bcs.constraint) : NULL) &&
         set_key(j, "restartPolicy", NULL,
                 s->bcs.restart_policy ? json_deep_copy(s->bcs.restart_policy) : NULL) &&
         set_key(j, "killPolicy", NULL,
                 s->bcs.kill_policy ? json_deep_copy(s->bcs.kill_policy) : NULL);
    if (ok && s->kind == ROLLOUT_KIND_DEPLOYMENT) {
        strategy = object_at(spec, "strategy");
        ok = strategy &&
             set_key(spec, "pauseDeployment", NULL,
                     s->bcs.pause ? json_true() : NULL) &&
             set_key(strategy, "type", NULL,
                     s->bcs.strategy_type ? json_string(s->bcs.strategy_type) : NULL);
        if (ok && s->bcs.has_rolling) {
            json_t *ru = object_at(strategy, "rollingupdate");

            ok = ru &&
                 set_key(ru, "maxUnavilable", "maxUnavailable",
                         json_integer(s->bcs.max_unavailable)) &&
                 set_key(ru, "maxSurge", NULL, json_integer(s->bcs.max_surge)) &&
                 set_key(ru, "upgradeDuration", NULL,
                         json_integer(s->bcs.upgrade_duration)) &&
                 set_key(ru, "rollingManually", NULL,
                         json_boolean(s->bcs.rolling_manually)) &&
                 set_key(ru, "rollingOrder", NULL,
                         s->bcs.rolling_order ? json_string(s->bcs.rolling_order)
                                              : NULL);
        } else if (ok) {
            ok = set_key(strategy, "rollingupdate", NULL, NULL);
        }
    }
    if (!ok) {
        json_decref(j);
        return NULL;
    }
    return j;
}
