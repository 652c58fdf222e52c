/*
 * Deployment specs: the builder API, copies and comparisons, and the JSON
 * form kept in snapshots.  Validation lives in validate.c.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"

static void intstr_clear(rollout__intstr *v)
{
    if (v->kind == ROLLOUT__INTSTR_STR)
        free((char *)v->sval);
    v->kind = ROLLOUT__INTSTR_NONE;
    v->ival = 0;
    v->sval = NULL;
}

static bool intstr_copy(rollout__intstr *dst, const rollout__intstr *src)
{
    *dst = *src;
    if (src->kind == ROLLOUT__INTSTR_STR) {
        dst->sval = rollout__strdup(src->sval);
        if (!dst->sval) {
            dst->kind = ROLLOUT__INTSTR_NONE;
            return false;
        }
    }
    return true;
}

static bool intstr_equal(const rollout__intstr *a, const rollout__intstr *b)
{
    if (a->kind != b->kind)
        return false;
    if (a->kind == ROLLOUT__INTSTR_INT)
        return a->ival == b->ival;
    if (a->kind == ROLLOUT__INTSTR_STR)
        return strcmp(a->sval, b->sval) == 0;
    return true;
}

/* "3" is an integer; anything else is kept as a string for validation. */
static int intstr_parse(rollout__intstr *out, const char *text)
{
    const char *p = text;
    int64_t v = 0;
    bool neg = false;

    if (*p == '-')
        neg = *p++ == '-';
    if (*p >= '0' && *p <= '9') {
        for (; *p >= '0' && *p <= '9'; p++) {
            v = v * 10 + (*p - '0');
            if (v > (int64_t)INT32_MAX + 1)
                break;
        }
        if (*p == '\0' && (neg ? -v >= INT32_MIN : v <= INT32_MAX)) {
            out->kind = ROLLOUT__INTSTR_INT;
            out->ival = (int32_t)(neg ? -v : v);
            out->sval = NULL;
            return ROLLOUT_OK;
        }
    }
    out->sval = rollout__strdup(text);
    if (!out->sval)
        return ROLLOUT_ENOMEM;
    out->kind = ROLLOUT__INTSTR_STR;
    out->ival = 0;
    return ROLLOUT_OK;
}

static void spec_release(struct rollout_spec *s)
{
    free(s->bcs.rolling_order);
    free(s->bcs.strategy_type);
    json_decref(s->bcs.constraint);
    json_decref(s->bcs.restart_policy);
    json_decref(s->bcs.kill_policy);
    json_decref(s->doc);
    rollout__source_unref(s->src);
    free(s->doc_prefix);
    free(s->ns);
    free(s->name);
    json_decref(s->labels);
    json_decref(s->annotations);
    json_decref(s->selector);
    json_decref(s->template);
    intstr_clear(&s->max_surge);
    intstr_clear(&s->max_unavailable);
}

void rollout_spec_free(rollout_spec *spec)
{
    if (!spec)
        return;
    spec_release(spec);
    free(spec);
}

int rollout_spec_new(rollout_spec **out, rollout_dialect dialect,
                     const char *ns, const char *name)
{
    struct rollout_spec *s;

    if (!out)
        return ROLLOUT_EINVAL;
    *out = NULL;
    if (!name || dialect != ROLLOUT_DIALECT_KUBERNETES)
        return ROLLOUT_EINVAL;
    s = calloc(1, sizeof(*s));
    if (!s)
        return ROLLOUT_ENOMEM;
    s->dialect = dialect;
    s->kind = ROLLOUT_KIND_DEPLOYMENT;
    s->ns = rollout__strdup(ns ? ns : ROLLOUT__DEFAULT_NAMESPACE);
    s->name = rollout__strdup(name);
    s->labels = json_object();
    s->annotations = json_object();
    s->selector = json_pack("{s:{}}", "matchLabels");
    s->template = json_pack("{s:{s:{}}, s:{s:[]}}", "metadata", "labels",
                            "spec", "containers");
    s->replicas = 1;
    s->strategy = ROLLOUT_STRATEGY_ROLLING_UPDATE;
    s->min_ready_seconds = 0;
    s->progress_deadline_seconds = 600;
    s->revision_history_limit = 10;
    if (!s->ns || !s->name || !s->labels || !s->annotations || !s->selector ||
        !s->template) {
        rollout_spec_free(s);
        return ROLLOUT_ENOMEM;
    }
    *out = s;
    return ROLLOUT_OK;
}

struct rollout_spec *rollout__spec_copy(const struct rollout_spec *src)
{
    struct rollout_spec *s = calloc(1, sizeof(*s));

    if (!s)
        return NULL;
    *s = *src;
    s->ns = rollout__strdup(src->ns);
    s->name = rollout__strdup(src->name);
    s->labels = json_deep_copy(src->labels);
    s->annotations = json_deep_copy(src->annotations);
    s->selector = json_deep_copy(src->selector);
    s->template = json_deep_copy(src->template);
    s->max_surge.kind = s->max_unavailable.kind = ROLLOUT__INTSTR_NONE;
    s->max_surge.sval = s->max_unavailable.sval = NULL;
    s->bcs.rolling_order = rollout__strdup(src->bcs.rolling_order);
    s->bcs.strategy_type = rollout__strdup(src->bcs.strategy_type);
    s->bcs.constraint = src->bcs.constraint ? json_deep_copy(src->bcs.constraint) : NULL;
    s->bcs.restart_policy =
        src->bcs.restart_policy ? json_deep_copy(src->bcs.restart_policy) : NULL;
    s->bcs.kill_policy = src->bcs.kill_policy ? json_deep_copy(src->bcs.kill_policy) : NULL;
    s->doc = src->doc ? json_deep_copy(src->doc) : NULL;
    s->src = src->src ? rollout__source_ref(src->src) : NULL;
    s->doc_prefix = src->doc_prefix ? rollout__strdup(src->doc_prefix) : NULL;
    if (!s->ns || !s->name || !s->labels || !s->annotations || !s->selector ||
        !s->template || (src->doc && !s->doc) ||
        (src->bcs.rolling_order && !s->bcs.rolling_order) ||
        (src->bcs.strategy_type && !s->bcs.strategy_type) ||
        (src->bcs.constraint && !s->bcs.constraint) ||
        (src->bcs.restart_policy && !s->bcs.restart_policy) ||
        (src->bcs.kill_policy && !s->bcs.kill_policy) ||
        (src->doc_prefix && !s->doc_prefix) ||
        !intstr_copy(&s->max_surge, &src->max_surge) ||
        !intstr_copy(&s->max_unavailable, &src->max_unavailable)) {
        rollout_spec_free(s);
        return NULL;
    }
    return s;
}

int rollout_spec_dup(rollout_spec **out, const rollout_spec *spec)
{
    if (!out)
        return ROLLOUT_EINVAL;
    *out = NULL;
    if (!spec)
        return ROLLOUT_EINVAL;
    *out = rollout__spec_copy(spec);
    return *out ? ROLLOUT_OK : ROLLOUT_ENOMEM;
}

int rollout_deployment_spec(rollout_spec **out, const rollout_deployment *d)
{
    if (!out)
        return ROLLOUT_EINVAL;
    *out = NULL;
    if (!d)
        return ROLLOUT_EINVAL;
    *out = rollout__spec_copy(d->spec);
    return *out ? ROLLOUT_OK : ROLLOUT_ENOMEM;
}

rollout_dialect rollout_spec_dialect(const rollout_spec *spec)
{
    return spec ? spec->dialect : (rollout_dialect)0;
}

const char *rollout_spec_namespace(const rollout_spec *spec)
{
    return spec ? spec->ns : NULL;
}

const char *rollout_spec_name(const rollout_spec *spec)
{
    return spec ? spec->name : NULL;
}

int32_t rollout_spec_replicas(const rollout_spec *spec)
{
    return spec ? spec->replicas : -1;
}

/* A spec read from a manifest points messages at the text it was read
 * from; once a setter has changed it, the text no longer says what the spec
 * holds, so messages name the field only.  Returns RC. */
static int edited(rollout_spec *spec, int rc)
{
    if (rc == ROLLOUT_OK && spec && spec->src) {
        rollout__source_unref(spec->src);
        spec->src = NULL;
    }
    return rc;
}

/* Setters of what only the Kubernetes dialect has. */
static bool kubernetes_only(const rollout_spec *spec)
{
    return spec && spec->dialect == ROLLOUT_DIALECT_KUBERNETES;
}

/* Sets or removes KEY in the string map OBJ.  Text that is not UTF-8 is
 * refused as invalid. */
static int map_set(json_t *obj, const char *key, const char *value)
{
    json_t *s;

    if (!obj || !key)
        return ROLLOUT_EINVAL;
    if (!value) {
        json_object_del(obj, key);
        return ROLLOUT_OK;
    }
    s = json_string(value);
    if (!s)
        return ROLLOUT_EINVAL;
    return json_object_set_new(obj, key, s) == 0 ? ROLLOUT_OK : ROLLOUT_EINVAL;
}

int rollout_spec_set_label(rollout_spec *spec, const char *key,
                           const char *value)
{
    return spec ? edited(spec, map_set(spec->labels, key, value)) : ROLLOUT_EINVAL;
}

int rollout_spec_set_annotation(rollout_spec *spec, const char *key,
                                const char *value)
{
    return spec ? edited(spec, map_set(spec->annotations, key, value))
                : ROLLOUT_EINVAL;
}

int rollout_spec_set_replicas(rollout_spec *spec, int32_t replicas)
{
    if (!spec)
        return ROLLOUT_EINVAL;
    spec->replicas = replicas;
    return edited(spec, ROLLOUT_OK);
}

int rollout_spec_set_selector(rollout_spec *spec, const char *key,
                              const char *value)
{
    json_t *ml;

    if (!spec || !key)
        return ROLLOUT_EINVAL;
    if (spec->dialect == ROLLOUT_DIALECT_BCS) {
        /* a flat map, absent until set */
        if (!json_is_object(spec->selector)) {
            json_t *m;

            if (!value)
                return ROLLOUT_OK;
            if (!(m = json_object()))
                return ROLLOUT_ENOMEM;
            json_decref(spec->selector);
            spec->selector = m;
        }
        return edited(spec, map_set(spec->selector, key, value));
    }
    ml = json_object_get(spec->selector, "matchLabels");
    if (!json_is_object(ml)) {
        ml = json_object();
        if (!ml || json_object_set_new(spec->selector, "matchLabels", ml) < 0)
            return ROLLOUT_ENOMEM;
    }
    return edited(spec, map_set(ml, key, value));
}

int rollout_spec_set_strategy(rollout_spec *spec, rollout_strategy strategy)
{
    if (!kubernetes_only(spec) || (strategy != ROLLOUT_STRATEGY_ROLLING_UPDATE &&
                                   strategy != ROLLOUT_STRATEGY_RECREATE))
        return ROLLOUT_EINVAL;
    spec->strategy = strategy;
    return edited(spec, ROLLOUT_OK);
}

static int set_fencepost(rollout_spec *spec, rollout__intstr *v,
                         const char *value)
{
    rollout__intstr parsed = {ROLLOUT__INTSTR_NONE, 0, NULL};
    int rc;

    if (!kubernetes_only(spec))
        return ROLLOUT_EINVAL;
    if (value && (rc = intstr_parse(&parsed, value)) != ROLLOUT_OK)
        return rc;
    intstr_clear(v);
    *v = parsed;
    spec->rolling_set = spec->max_surge.kind != ROLLOUT__INTSTR_NONE ||
                        spec->max_unavailable.kind != ROLLOUT__INTSTR_NONE;
    return edited(spec, ROLLOUT_OK);
}

int rollout_spec_set_max_surge(rollout_spec *spec, const char *value)
{
    return spec ? set_fencepost(spec, &spec->max_surge, value) : ROLLOUT_EINVAL;
}

int rollout_spec_set_max_unavailable(rollout_spec *spec, const char *value)
{
    return spec ? set_fencepost(spec, &spec->max_unavailable, value)
                : ROLLOUT_EINVAL;
}

int rollout_spec_set_min_ready_seconds(rollout_spec *spec, int32_t seconds)
{
    if (!kubernetes_only(spec))
        return ROLLOUT_EINVAL;
    spec->min_ready_seconds = seconds;
    return edited(spec, ROLLOUT_OK);
}

int rollout_spec_set_progress_deadline_seconds(rollout_spec *spec,
                                               int32_t seconds)
{
    if (!kubernetes_only(spec))
        return ROLLOUT_EINVAL;
    spec->progress_deadline_seconds = seconds;
    return edited(spec, ROLLOUT_OK);
}

int rollout_spec_set_revision_history_limit(rollout_spec *spec, int32_t limit)
{
    if (!kubernetes_only(spec))
        return ROLLOUT_EINVAL;
    spec->revision_history_limit = limit;
    return edited(spec, ROLLOUT_OK);
}

int rollout_spec_set_paused(rollout_spec *spec, int paused)
{
    /* BCS declares spec.pauseDeployment but never reads it: pausing there
     * is the pause command's */
    if (!kubernetes_only(spec))
        return ROLLOUT_EINVAL;
    spec->paused = paused != 0;
    return edited(spec, ROLLOUT_OK);
}

/* The template's metadata map NAME ("labels", "annotations"), created on
 * demand. */
static json_t *template_meta(rollout_spec *spec, const char *name, bool create)
{
    json_t *meta, *m;

    if (!json_is_object(spec->template)) {
        /* a BCS deployment may come without a template */
        if (!create || !(m = json_object()))
            return NULL;
        json_decref(spec->template);
        spec->template = m;
    }
    meta = json_object_get(spec->template, "metadata");

    if (!json_is_object(meta)) {
        if (!create)
            return NULL;
        meta = json_object();
        if (!meta || json_object_set_new(spec->template, "metadata", meta) < 0)
            return NULL;
    }
    m = json_object_get(meta, name);
    if (!json_is_object(m) && create) {
        m = json_object();
        if (!m || json_object_set_new(meta, name, m) < 0)
            return NULL;
    }
    return json_is_object(m) ? m : NULL;
}

static int template_map_set(rollout_spec *spec, const char *map,
                            const char *key, const char *value)
{
    json_t *m;
    int rc;

    if (!spec || !key)
        return ROLLOUT_EINVAL;
    m = template_meta(spec, map, value != NULL);
    if (!m)
        return value ? ROLLOUT_ENOMEM : ROLLOUT_OK;
    rc = map_set(m, key, value);
    /* an empty annotation map is dropped so that it does not change the
     * template hash */
    if (rc == ROLLOUT_OK && json_object_size(m) == 0 &&
        strcmp(map, "annotations") == 0)
        json_object_del(json_object_get(spec->template, "metadata"), map);
    return edited(spec, rc);
}

int rollout_spec_set_template_label(rollout_spec *spec, const char *key,
                                    const char *value)
{
    return template_map_set(spec, "labels", key, value);
}

int rollout_spec_set_template_annotation(rollout_spec *spec, const char *key,
                                         const char *value)
{
    return template_map_set(spec, "annotations", key, value);
}

static json_t *containers(const rollout_spec *spec)
{
    return json_object_get(json_object_get(spec->template, "spec"),
                           "containers");
}

static json_t *container_at(const rollout_spec *spec, size_t index)
{
    json_t *c = spec ? json_array_get(containers(spec), index) : NULL;

    return json_is_object(c) ? c : NULL;
}

int rollout_spec_add_container(size_t *index, rollout_spec *spec,
                               const char *name, const char *image)
{
    json_t *list, *c;

    if (!spec || !name || !image)
        return ROLLOUT_EINVAL;
    if (!json_is_object(spec->template)) {
        json_t *t = json_object();

        if (!t)
            return ROLLOUT_ENOMEM;
        json_decref(spec->template);
        spec->template = t;
    }
    list = containers(spec);
    if (!json_is_array(list)) {
        json_t *ps = json_object_get(spec->template, "spec");

        if (!json_is_object(ps)) {
            ps = json_object();
            if (!ps || json_object_set_new(spec->template, "spec", ps) < 0)
                return ROLLOUT_ENOMEM;
        }
        list = json_array();
        if (!list || json_object_set_new(ps, "containers", list) < 0)
            return ROLLOUT_ENOMEM;
    }
    c = json_pack("{s:s, s:s}", "name", name, "image", image);
    if (!c)
        return ROLLOUT_EINVAL; /* not UTF-8 */
    if (json_array_append_new(list, c) < 0)
        return ROLLOUT_ENOMEM;
    if (index)
        *index = json_array_size(list) - 1;
    return edited(spec, ROLLOUT_OK);
}

int rollout_spec_find_container(size_t *index, const rollout_spec *spec,
                                const char *name)
{
    json_t *list;
    size_t i;

    if (!spec || !name)
        return ROLLOUT_EINVAL;
    list = containers(spec);
    for (i = 0; i < json_array_size(list); i++) {
        const char *n = json_string_value(
            json_object_get(json_array_get(list, i), "name"));

        if (n && strcmp(n, name) == 0) {
            if (index)
                *index = i;
            return ROLLOUT_OK;
        }
    }
    return ROLLOUT_ENOTFOUND;
}

int rollout_spec_container_set_image(rollout_spec *spec, size_t index,
                                     const char *image)
{
    json_t *c = container_at(spec, index), *s;

    if (!c || !image)
        return ROLLOUT_EINVAL;
    s = json_string(image);
    if (!s)
        return ROLLOUT_EINVAL;
    return edited(spec, json_object_set_new(c, "image", s) == 0 ? ROLLOUT_OK
                                                                : ROLLOUT_ENOMEM);
}

/* Appends WORD to the string array FIELD of container INDEX. */
static int container_append(rollout_spec *spec, size_t index,
                            const char *field, const char *word)
{
    json_t *c = container_at(spec, index), *a, *s;

    if (!c || !word)
        return ROLLOUT_EINVAL;
    a = json_object_get(c, field);
    if (!json_is_array(a)) {
        a = json_array();
        if (!a || json_object_set_new(c, field, a) < 0)
            return ROLLOUT_ENOMEM;
    }
    s = json_string(word);
    if (!s)
        return ROLLOUT_EINVAL;
    return edited(spec, json_array_append_new(a, s) == 0 ? ROLLOUT_OK
                                                          : ROLLOUT_ENOMEM);
}

int rollout_spec_container_add_command(rollout_spec *spec, size_t index,
                                       const char *word)
{
    json_t *c, *s;

    if (spec && spec->dialect == ROLLOUT_DIALECT_BCS) {
        /* a BCS container's command is one string: the word replaces it */
        if (!(c = container_at(spec, index)) || !word)
            return ROLLOUT_EINVAL;
        if (!(s = json_string(word)))
            return ROLLOUT_EINVAL;
        return edited(spec, json_object_set_new(c, "command", s) == 0
                                ? ROLLOUT_OK
                                : ROLLOUT_ENOMEM);
    }
    return container_append(spec, index, "command", word);
}

int rollout_spec_container_add_arg(rollout_spec *spec, size_t index,
                                   const char *arg)
{
    return container_append(spec, index, "args", arg);
}

int rollout_spec_container_add_port(rollout_spec *spec, size_t index,
                                    const char *name, int32_t port,
                                    const char *protocol)
{
    json_t *c = container_at(spec, index), *a, *p;

    if (!c)
        return ROLLOUT_EINVAL;
    p = json_pack("{s:i}", "containerPort", (json_int_t)port);
    if (!p)
        return ROLLOUT_ENOMEM;
    if ((name && json_object_set_new(p, "name", json_string(name)) < 0) ||
        (protocol &&
         json_object_set_new(p, "protocol", json_string(protocol)) < 0)) {
        json_decref(p);
        return ROLLOUT_EINVAL;
    }
    a = json_object_get(c, "ports");
    if (!json_is_array(a)) {
        a = json_array();
        if (!a || json_object_set_new(c, "ports", a) < 0) {
            json_decref(p);
            return ROLLOUT_ENOMEM;
        }
    }
    return edited(spec, json_array_append_new(a, p) == 0 ? ROLLOUT_OK
                                                          : ROLLOUT_ENOMEM);
}

int rollout_spec_container_set_env(rollout_spec *spec, size_t index,
                                   const char *name, const char *value)
{
    json_t *c = container_at(spec, index), *a, *e;
    size_t i;

    if (!c || !name)
        return ROLLOUT_EINVAL;
    a = json_object_get(c, "env");
    for (i = 0; i < json_array_size(a); i++) {
        e = json_array_get(a, i);
        if (rollout__streq(json_string_value(json_object_get(e, "name")),
                           name)) {
            if (!value) {
                json_array_remove(a, i);
                return edited(spec, ROLLOUT_OK);
            }
            return edited(spec, json_object_set_new(e, "value",
                                                    json_string(value)) == 0
                                    ? ROLLOUT_OK
                                    : ROLLOUT_EINVAL);
        }
    }
    if (!value)
        return ROLLOUT_OK;
    e = json_pack("{s:s, s:s}", "name", name, "value", value);
    if (!e)
        return ROLLOUT_EINVAL;
    if (!json_is_array(a)) {
        a = json_array();
        if (!a || json_object_set_new(c, "env", a) < 0) {
            json_decref(e);
            return ROLLOUT_ENOMEM;
        }
    }
    return edited(spec, json_array_append_new(a, e) == 0 ? ROLLOUT_OK
                                                          : ROLLOUT_ENOMEM);
}

int rollout_spec_container_set_resource(rollout_spec *spec, size_t index,
                                        const char *kind, const char *resource,
                                        const char *quantity)
{
    json_t *c = container_at(spec, index), *res, *m;
    int rc;

    if (!c || !kind || !resource ||
        (strcmp(kind, "limits") != 0 && strcmp(kind, "requests") != 0))
        return ROLLOUT_EINVAL;
    res = json_object_get(c, "resources");
    if (!json_is_object(res)) {
        if (!quantity)
            return ROLLOUT_OK;
        res = json_object();
        if (!res || json_object_set_new(c, "resources", res) < 0)
            return ROLLOUT_ENOMEM;
    }
    m = json_object_get(res, kind);
    if (!json_is_object(m)) {
        if (!quantity)
            return ROLLOUT_OK;
        m = json_object();
        if (!m || json_object_set_new(res, kind, m) < 0)
            return ROLLOUT_ENOMEM;
    }
    rc = map_set(m, resource, quantity);
    if (json_object_size(m) == 0)
        json_object_del(res, kind);
    if (json_object_size(res) == 0)
        json_object_del(c, "resources");
    return edited(spec, rc);
}

int rollout_probe_options_init(rollout_probe_options *opts,
                               unsigned int version)
{
    static const rollout_probe_options init = ROLLOUT_PROBE_OPTIONS_INIT;

    if (!opts || version != ROLLOUT_PROBE_OPTIONS_VERSION)
        return ROLLOUT_EINVAL;
    *opts = init;
    return ROLLOUT_OK;
}

static bool set_int_if(json_t *obj, const char *key, int32_t v)
{
    return v == 0 || json_object_set_new(obj, key, json_integer(v)) == 0;
}

static bool set_str_if(json_t *obj, const char *key, const char *v)
{
    json_t *s;

    if (!v)
        return true;
    s = json_string(v);
    return s && json_object_set_new(obj, key, s) == 0;
}

static json_t *probe_json(const rollout_probe_options *o)
{
    json_t *p = json_object(), *h = json_object();
    bool ok = p && h;
    size_t i;

    if (ok) {
        switch (o->action) {
        case ROLLOUT_PROBE_HTTP_GET:
            ok = set_str_if(h, "path", o->path) && set_int_if(h, "port", o->port) &&
                 set_str_if(h, "host", o->host) &&
                 set_str_if(h, "scheme", o->scheme) &&
                 json_object_set(p, "httpGet", h) == 0;
            break;
        case ROLLOUT_PROBE_TCP_SOCKET:
            ok = set_int_if(h, "port", o->port) && set_str_if(h, "host", o->host) &&
                 json_object_set(p, "tcpSocket", h) == 0;
            break;
        case ROLLOUT_PROBE_EXEC: {
            json_t *cmd = json_array();

            ok = cmd && json_object_set_new(h, "command", cmd) == 0;
            for (i = 0; ok && i < o->command_len; i++)
                ok = o->command && o->command[i] &&
                     json_array_append_new(cmd, json_string(o->command[i])) == 0;
            ok = ok && json_object_set(p, "exec", h) == 0;
            break;
        }
        default:
            ok = false;
        }
    }
    ok = ok && set_int_if(p, "initialDelaySeconds", o->initial_delay_seconds) &&
         set_int_if(p, "periodSeconds", o->period_seconds) &&
         set_int_if(p, "timeoutSeconds", o->timeout_seconds) &&
         set_int_if(p, "successThreshold", o->success_threshold) &&
         set_int_if(p, "failureThreshold", o->failure_threshold);
    json_decref(h);
    if (!ok) {
        json_decref(p);
        return NULL;
    }
    return p;
}

int rollout_spec_container_set_probe(rollout_spec *spec, size_t index,
                                     rollout_probe_kind kind,
                                     const rollout_probe_options *opts)
{
    static const char *const keys[] = {NULL, "readinessProbe", "livenessProbe",
                                       "startupProbe"};
    json_t *c = container_at(spec, index), *p;

    if (!c || !kubernetes_only(spec) || kind < ROLLOUT_PROBE_READINESS ||
        kind > ROLLOUT_PROBE_STARTUP)
        return ROLLOUT_EINVAL;
    if (!opts) {
        json_object_del(c, keys[kind]);
        return edited(spec, ROLLOUT_OK);
    }
    if (opts->version != ROLLOUT_PROBE_OPTIONS_VERSION)
        return ROLLOUT_EINVAL;
    p = probe_json(opts);
    if (!p)
        return ROLLOUT_EINVAL;
    return edited(spec, json_object_set_new(c, keys[kind], p) == 0
                            ? ROLLOUT_OK
                            : ROLLOUT_ENOMEM);
}

/* Engine-side use. */

void rollout__spec_params(rollout__k8s_params *p, const struct rollout_spec *s)
{
    p->replicas = s->replicas;
    p->strategy = s->strategy;
    p->max_surge = s->max_surge;
    p->max_unavailable = s->max_unavailable;
}

bool rollout__spec_differs(const struct rollout_spec *a,
                           const struct rollout_spec *b)
{
    return a->replicas != b->replicas || a->strategy != b->strategy ||
           a->rolling_set != b->rolling_set ||
           !intstr_equal(&a->max_surge, &b->max_surge) ||
           !intstr_equal(&a->max_unavailable, &b->max_unavailable) ||
           a->min_ready_seconds != b->min_ready_seconds ||
           a->progress_deadline_seconds != b->progress_deadline_seconds ||
           a->revision_history_limit != b->revision_history_limit ||
           a->paused != b->paused || !json_equal(a->selector, b->selector) ||
           !json_equal(a->template, b->template);
}

bool rollout__spec_metadata_differs(const struct rollout_spec *a,
                                    const struct rollout_spec *b)
{
    return !json_equal(a->labels, b->labels) ||
           !json_equal(a->annotations, b->annotations);
}

/* The JSON form: the Kubernetes shape of metadata and spec. */

static json_t *intstr_json(const rollout__intstr *v)
{
    if (v->kind == ROLLOUT__INTSTR_INT)
        return json_integer(v->ival);
    if (v->kind == ROLLOUT__INTSTR_STR)
        return json_string(v->sval);
    return json_null();
}

static json_t *or_null(const json_t *v)
{
    return v ? json_incref((json_t *)v) : json_null();
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* A BCS spec: its model, and the document as read. */
static json_t *bcs_to_json(const struct rollout_spec *s)
{
    json_t *j = json_pack(
        "{s:s, s:s, s:{s:s, s:s, s:O, s:O}, s:{s:i, s:o, s:o}, "
        "s:{s:b, s:i, s:i, s:I, s:b, s:o, s:o, s:b, s:o, s:o, s:o}}",
        "dialect", "bcs", "kind",
        s->kind == ROLLOUT_KIND_APPLICATION ? "application" : "deployment",
        "metadata", "namespace", s->ns, "name", s->name, "labels", s->labels,
        "annotations", s->annotations,
        "spec", "replicas", (int)s->replicas, "selector", or_null(s->selector),
        "template", or_null(s->template),
        "bcs", "hasRolling", (int)s->bcs.has_rolling, "maxUnavailable",
        (int)s->bcs.max_unavailable, "maxSurge", (int)s->bcs.max_surge,
        "upgradeDuration", (json_int_t)s->bcs.upgrade_duration, "rollingManually",
        (int)s->bcs.rolling_manually, "rollingOrder",
        str_or_null(s->bcs.rolling_order), "strategyType",
        str_or_null(s->bcs.strategy_type), "pause", (int)s->bcs.pause, "constraint",
        or_null(s->bcs.constraint), "restartPolicy", or_null(s->bcs.restart_policy),
        "killPolicy", or_null(s->bcs.kill_policy));

    if (j && s->doc && json_object_set(j, "document", s->doc) < 0) {
        json_decref(j);
        return NULL;
    }
    return j;
}

json_t *rollout__spec_to_json(const struct rollout_spec *s)
{
    json_t *strategy, *j;

    if (s->dialect == ROLLOUT_DIALECT_BCS)
        return bcs_to_json(s);

    strategy = json_pack("{s:s}", "type",
                         s->strategy == ROLLOUT_STRATEGY_RECREATE
                             ? "Recreate"
                             : "RollingUpdate");
    if (strategy && s->rolling_set) {
        json_t *ru = json_object();

        if (!ru || json_object_set_new(strategy, "rollingUpdate", ru) < 0 ||
            (s->max_surge.kind != ROLLOUT__INTSTR_NONE &&
             json_object_set_new(ru, "maxSurge", intstr_json(&s->max_surge)) < 0) ||
            (s->max_unavailable.kind != ROLLOUT__INTSTR_NONE &&
             json_object_set_new(ru, "maxUnavailable",
                                 intstr_json(&s->max_unavailable)) < 0)) {
            json_decref(strategy);
            return NULL;
        }
    }
    if (!strategy)
        return NULL;
    j = json_pack("{s:s, s:{s:s, s:s, s:O, s:O}, s:{s:i, s:O, s:o, s:i, s:i, "
                  "s:i, s:b, s:O}}",
                  "dialect", "kubernetes",
                  "metadata", "namespace", s->ns, "name", s->name,
                  "labels", s->labels, "annotations", s->annotations,
                  "spec", "replicas", (json_int_t)s->replicas,
                  "selector", s->selector, "strategy", strategy,
                  "minReadySeconds", (json_int_t)s->min_ready_seconds,
                  "progressDeadlineSeconds",
                  (json_int_t)s->progress_deadline_seconds,
                  "revisionHistoryLimit", (json_int_t)s->revision_history_limit,
                  "paused", (int)s->paused, "template", s->template);
    /* the document as read keeps the fields the engine does not read */
    if (j && s->doc && json_object_set(j, "document", s->doc) < 0) {
        json_decref(j);
        return NULL;
    }
    return j;
}

static bool get_int32(const json_t *obj, const char *key, int32_t *out)
{
    json_t *v = json_object_get(obj, key);

    if (!json_is_integer(v) || json_integer_value(v) < INT32_MIN ||
        json_integer_value(v) > INT32_MAX)
        return false;
    *out = (int32_t)json_integer_value(v);
    return true;
}

bool rollout__json_is_string_map(const json_t *v)
{
    const char *k;
    json_t *x;

    if (!json_is_object(v))
        return false;
    json_object_foreach((json_t *)v, k, x)
        if (!json_is_string(x))
            return false;
    return true;
}

static bool intstr_from_json(rollout__intstr *out, const json_t *v)
{
    out->kind = ROLLOUT__INTSTR_NONE;
    out->sval = NULL;
    if (!v || json_is_null(v))
        return true;
    if (json_is_integer(v) && json_integer_value(v) >= INT32_MIN &&
        json_integer_value(v) <= INT32_MAX) {
        out->kind = ROLLOUT__INTSTR_INT;
        out->ival = (int32_t)json_integer_value(v);
        return true;
    }
    if (json_is_string(v)) {
        out->sval = rollout__strdup(json_string_value(v));
        out->kind = ROLLOUT__INTSTR_STR;
        return out->sval != NULL;
    }
    return false;
}

static bool opt_copy(json_t **out, const json_t *v)
{
    *out = NULL;
    if (!v || json_is_null(v))
        return true;
    if (!json_is_object(v))
        return false;
    *out = json_deep_copy(v);
    return *out != NULL;
}

static bool opt_string(char **out, const json_t *v)
{
    *out = NULL;
    if (!v || json_is_null(v))
        return true;
    if (!json_is_string(v))
        return false;
    *out = rollout__strdup(json_string_value(v));
    return *out != NULL;
}

static struct rollout_spec *bcs_from_json(const json_t *j, char **err)
{
    json_t *meta = json_object_get(j, "metadata"), *spec = json_object_get(j, "spec");
    json_t *b = json_object_get(j, "bcs"), *sel, *tmpl;
    const char *kind = json_string_value(json_object_get(j, "kind"));
    const char *ns = json_string_value(json_object_get(meta, "namespace"));
    const char *name = json_string_value(json_object_get(meta, "name"));
    struct rollout_spec *s = calloc(1, sizeof(*s));
    json_int_t dur;

    if (!s)
        return NULL;
    s->dialect = ROLLOUT_DIALECT_BCS;
    s->strategy = ROLLOUT_STRATEGY_ROLLING_UPDATE;
    s->progress_deadline_seconds = ROLLOUT__NO_DEADLINE;
    s->revision_history_limit = ROLLOUT__NO_DEADLINE;
    sel = json_object_get(spec, "selector");
    tmpl = json_object_get(spec, "template");
    dur = json_integer_value(json_object_get(b, "upgradeDuration"));
    s->kind = rollout__streq(kind, "application") ? ROLLOUT_KIND_APPLICATION
                                                  : ROLLOUT_KIND_DEPLOYMENT;
    s->ns = rollout__strdup(ns);
    s->name = rollout__strdup(name);
    s->labels = json_deep_copy(json_object_get(meta, "labels"));
    s->annotations = json_deep_copy(json_object_get(meta, "annotations"));
    s->selector = json_is_object(sel) ? json_deep_copy(sel) : json_null();
    s->template = json_is_object(tmpl) ? json_deep_copy(tmpl) : json_null();
    if (!ns || !name || (!rollout__streq(kind, "application") &&
                         !rollout__streq(kind, "deployment")) ||
        !rollout__json_is_string_map(json_object_get(meta, "labels")) ||
        !rollout__json_is_string_map(json_object_get(meta, "annotations")) ||
        !json_is_object(b) || !get_int32(spec, "replicas", &s->replicas) ||
        !get_int32(b, "maxUnavailable", &s->bcs.max_unavailable) ||
        !get_int32(b, "maxSurge", &s->bcs.max_surge) ||
        !json_is_integer(json_object_get(b, "upgradeDuration")) || dur < 0 ||
        dur > UINT32_MAX || !json_is_boolean(json_object_get(b, "hasRolling")) ||
        !json_is_boolean(json_object_get(b, "rollingManually")) ||
        !json_is_boolean(json_object_get(b, "pause")) ||
        (sel && !json_is_null(sel) && !rollout__json_is_string_map(sel)) ||
        (tmpl && !json_is_null(tmpl) && !json_is_object(tmpl)) ||
        !opt_string(&s->bcs.rolling_order, json_object_get(b, "rollingOrder")) ||
        !opt_string(&s->bcs.strategy_type, json_object_get(b, "strategyType")) ||
        !opt_copy(&s->bcs.constraint, json_object_get(b, "constraint")) ||
        !opt_copy(&s->bcs.restart_policy, json_object_get(b, "restartPolicy")) ||
        !opt_copy(&s->bcs.kill_policy, json_object_get(b, "killPolicy")) ||
        (json_is_object(json_object_get(j, "document")) &&
         !(s->doc = json_deep_copy(json_object_get(j, "document"))))) {
        rollout_spec_free(s);
        *err = rollout__strdup("bad BCS spec");
        return NULL;
    }
    s->bcs.upgrade_duration = dur;
    s->bcs.has_rolling = json_is_true(json_object_get(b, "hasRolling"));
    s->bcs.rolling_manually = json_is_true(json_object_get(b, "rollingManually"));
    s->bcs.pause = json_is_true(json_object_get(b, "pause"));
    if (!s->ns || !s->name || !s->labels || !s->annotations || !s->selector ||
        !s->template) {
        rollout_spec_free(s);
        return NULL;
    }
    return s;
}

static struct rollout_spec *kubernetes_from_json(const json_t *j, char **err)
{
    struct rollout_spec *s;
    json_t *meta = json_object_get(j, "metadata");
    json_t *spec = json_object_get(j, "spec");
    json_t *strategy = json_object_get(spec, "strategy");
    json_t *ru = json_object_get(strategy, "rollingUpdate");
    const char *type = json_string_value(json_object_get(strategy, "type"));
    const char *ns = json_string_value(json_object_get(meta, "namespace"));
    const char *name = json_string_value(json_object_get(meta, "name"));
    json_t *paused = json_object_get(spec, "paused");
    const char *what = NULL;

    *err = NULL;
    if (!rollout__streq(json_string_value(json_object_get(j, "dialect")),
                        "kubernetes"))
        what = "dialect";
    else if (!ns || !name)
        what = "metadata";
    else if (!json_is_object(spec) || !type ||
             (strcmp(type, "Recreate") != 0 && strcmp(type, "RollingUpdate") != 0))
        what = "spec.strategy";
    else if (!rollout__json_is_string_map(json_object_get(meta, "labels")) ||
             !rollout__json_is_string_map(json_object_get(meta, "annotations")))
        what = "metadata";
    else if (!json_is_object(json_object_get(spec, "selector")) ||
             !json_is_object(json_object_get(spec, "template")) ||
             !json_is_boolean(paused) || (ru && !json_is_object(ru)))
        what = "spec";
    if (what) {
        *err = rollout__sprintf("bad deployment spec: %s", what);
        return NULL;
    }
    if (rollout_spec_new(&s, ROLLOUT_DIALECT_KUBERNETES, ns, name) != ROLLOUT_OK)
        return NULL;
    json_decref(s->labels);
    json_decref(s->annotations);
    json_decref(s->selector);
    json_decref(s->template);
    s->labels = json_deep_copy(json_object_get(meta, "labels"));
    s->annotations = json_deep_copy(json_object_get(meta, "annotations"));
    s->selector = json_deep_copy(json_object_get(spec, "selector"));
    s->template = json_deep_copy(json_object_get(spec, "template"));
    s->strategy = strcmp(type, "Recreate") == 0 ? ROLLOUT_STRATEGY_RECREATE
                                                : ROLLOUT_STRATEGY_ROLLING_UPDATE;
    s->rolling_set = ru != NULL;
    s->paused = json_is_true(paused);
    if (json_is_object(json_object_get(j, "document")) &&
        !(s->doc = json_deep_copy(json_object_get(j, "document")))) {
        rollout_spec_free(s);
        return NULL;
    }
    if (!s->labels || !s->annotations || !s->selector || !s->template ||
        !get_int32(spec, "replicas", &s->replicas) ||
        !get_int32(spec, "minReadySeconds", &s->min_ready_seconds) ||
        !get_int32(spec, "progressDeadlineSeconds",
                   &s->progress_deadline_seconds) ||
        !get_int32(spec, "revisionHistoryLimit", &s->revision_history_limit) ||
        !intstr_from_json(&s->max_surge, json_object_get(ru, "maxSurge")) ||
        !intstr_from_json(&s->max_unavailable,
                          json_object_get(ru, "maxUnavailable"))) {
        rollout_spec_free(s);
        *err = rollout__strdup("bad deployment spec: fields");
        return NULL;
    }
    return s;
}

struct rollout_spec *rollout__spec_from_json(const json_t *j, char **err)
{
    *err = NULL;
    if (rollout__streq(json_string_value(json_object_get(j, "dialect")), "bcs"))
        return bcs_from_json(j, err);
    return kubernetes_from_json(j, err);
}
