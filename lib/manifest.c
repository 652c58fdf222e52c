/*
 * Manifests: reading documents (JSON with jansson, YAML with libyaml),
 * telling their dialect, decoding them into specs with type checks, and
 * refusing bad input with the file, line, column and field path.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"

const rollout__limits rollout__default_limits = {
    32u << 20, /* 32 MiB of input */
    100,       /* levels of nesting */
    1u << 20,  /* 1 MiB strings */
    500000,    /* values in a document, aliases expanded */
};

struct rollout_manifest {
    rollout__vec specs;
};

/* Sources. */

rollout__source *rollout__source_new(const char *name, const char *text,
                                     size_t len, int format)
{
    rollout__source *src = calloc(1, sizeof(*src));

    if (!src)
        return NULL;
    atomic_init(&src->refs, 1);
    src->format = format;
    src->name = rollout__strdup(name ? name : "<input>");
    src->text = malloc(len + 1);
    if (!src->name || !src->text) {
        free(src->name);
        free(src->text);
        free(src);
        return NULL;
    }
    memcpy(src->text, text, len);
    src->text[len] = '\0';
    src->len = len;
    return src;
}

rollout__source *rollout__source_ref(rollout__source *src)
{
    atomic_fetch_add(&src->refs, 1);
    return src;
}

void rollout__source_unref(rollout__source *src)
{
    if (!src || atomic_fetch_sub(&src->refs, 1) > 1)
        return;
    free(src->name);
    free(src->text);
    free(src);
}

/* Errors. */

static void copy_field(char *dst, size_t size, const char *src)
{
    size_t n = src ? strlen(src) : 0;

    if (n >= size)
        n = size - 1;
    if (n)
        memcpy(dst, src, n);
    dst[n] = '\0';
}

void rollout__parse_error_set(rollout_parse_error *err, const char *source,
                              int line, int column, size_t position,
                              const char *path, const char *text)
{
    if (!err)
        return;
    err->line = line;
    err->column = column;
    err->position = position;
    copy_field(err->source, sizeof(err->source), source ? source : "<input>");
    copy_field(err->path, sizeof(err->path), path);
    copy_field(err->text, sizeof(err->text), text);
}

int rollout_parse_error_print(char *buf, size_t size,
                              const rollout_parse_error *err)
{
    char place[64] = "";

    if (!err || (!buf && size))
        return ROLLOUT_EINVAL;
    /* no place in the text (a file that cannot be read): none printed */
    if (err->line > 0)
        snprintf(place, sizeof(place), ":%d:%d", err->line, err->column);
    if (err->path[0])
        return snprintf(buf, size, "%s%s: %s: %s", err->source, place, err->path,
                        err->text);
    return snprintf(buf, size, "%s%s: %s", err->source, place, err->text);
}

int rollout__path_key(char *buf, size_t size, const char *path, const char *key)
{
    if (strpbrk(key, ".[]"))
        return snprintf(buf, size, "%s[%s]", path, key);
    return snprintf(buf, size, "%s%s%s", path, *path ? "." : "", key);
}

/* Fails at PATH of the current document; the message is formatted. */
int rollout__dec_fail(decoder *dc, const char *path, const char *fmt, ...)
{
    char text[ROLLOUT_PARSE_TEXT_LENGTH], full[ROLLOUT_PARSE_PATH_LENGTH * 2];
    va_list ap;
    int line, column;
    size_t pos;

    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    snprintf(full, sizeof(full), "%s%s%s", dc->prefix,
             *dc->prefix && *path ? "." : "", path);
    rollout__locate(&line, &column, &pos, dc->src, dc->doc_index, full, dc->ci);
    rollout__parse_error_set(dc->err, dc->src->name, line, column, pos, path, text);
    return ROLLOUT_EPARSE;
}

char *rollout__spec_error(const struct rollout_spec *s, const char *path,
                          const char *message)
{
    char full[ROLLOUT_PARSE_PATH_LENGTH * 2];
    int line, column;
    size_t pos;

    if (!s->src)
        return rollout__sprintf("%s: %s", path, message);
    snprintf(full, sizeof(full), "%s%s%s", s->doc_prefix ? s->doc_prefix : "",
             s->doc_prefix && *s->doc_prefix && *path ? "." : "", path);
    rollout__locate(&line, &column, &pos, s->src, s->doc_index, full,
                    s->dialect == ROLLOUT_DIALECT_BCS);
    return rollout__sprintf("%s:%d:%d: %s: %s", s->src->name, line, column, path,
                            message);
}

/* Type checks, with the words kubectl's validation uses. */

static const char *type_word(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "object";
    case JSON_ARRAY:
        return "array";
    case JSON_STRING:
        return "string";
    case JSON_INTEGER:
        return "integer";
    case JSON_REAL:
        return "number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "boolean";
    case JSON_NULL:
        return "null";
    }
    return "unknown";
}

int rollout__dec_bad_type(decoder *dc, const char *path, const json_t *v,
                    const char *expected)
{
    return rollout__dec_fail(dc, path, "invalid type: got \"%s\", expected \"%s\"",
                type_word(v), expected);
}

/* A field of OBJ: exact key first, then (CI) any case, and the alias. */
json_t *rollout__dec_field(const decoder *dc, const json_t *obj, const char *key)
{
    return dc->ci ? rollout__json_get_ci(obj, key) : json_object_get(obj, key);
}

/* Fields are optional; null is as good as absent. */
json_t *rollout__dec_present(const json_t *v)
{
    return v && !json_is_null(v) ? (json_t *)v : NULL;
}

int rollout__dec_get_object(decoder *dc, const json_t *obj, const char *key,
                      const char *path, json_t **out)
{
    json_t *v = rollout__dec_present(rollout__dec_field(dc, obj, key));

    *out = NULL;
    if (!v)
        return ROLLOUT_OK;
    if (!json_is_object(v))
        return rollout__dec_bad_type(dc, path, v, "object");
    *out = v;
    return ROLLOUT_OK;
}

int rollout__dec_get_array(decoder *dc, const json_t *obj, const char *key,
                     const char *path, json_t **out)
{
    json_t *v = rollout__dec_present(rollout__dec_field(dc, obj, key));

    *out = NULL;
    if (!v)
        return ROLLOUT_OK;
    if (!json_is_array(v))
        return rollout__dec_bad_type(dc, path, v, "array");
    *out = v;
    return ROLLOUT_OK;
}

int rollout__dec_get_string(decoder *dc, const json_t *obj, const char *key,
                      const char *path, const char **out)
{
    json_t *v = rollout__dec_present(rollout__dec_field(dc, obj, key));

    *out = NULL;
    if (!v)
        return ROLLOUT_OK;
    if (!json_is_string(v))
        return rollout__dec_bad_type(dc, path, v, "string");
    *out = json_string_value(v);
    return ROLLOUT_OK;
}

int rollout__dec_check_int(decoder *dc, const char *path, const json_t *v, int64_t lo,
                     int64_t hi, const char *what, int64_t *out)
{
    double d;

    if (json_is_integer(v)) {
        json_int_t i = json_integer_value(v);

        if (i < lo || i > hi)
            return rollout__dec_fail(dc, path, "%" JSON_INTEGER_FORMAT " is out of range for %s",
                        i, what);
        *out = i;
        return ROLLOUT_OK;
    }
    if (json_is_real(v)) {
        /* an integer too large for json_int_t comes as a number (YAML's
         * 9223372036854775808); past 2^63 every double is whole, and no
         * cast to int64_t is defined */
        bool whole;

        d = json_real_value(v);
        whole = d >= -9223372036854775808.0 && d < 9223372036854775808.0
                    ? d == (double)(int64_t)d
                    : d == d;
        if (whole && (d < (double)lo || d > (double)hi))
            return rollout__dec_fail(dc, path, "%.0f is out of range for %s", d, what);
    }
    return rollout__dec_bad_type(dc, path, v, "integer");
}

int rollout__dec_get_int32(decoder *dc, const json_t *obj, const char *key,
                     const char *path, int32_t *out, bool *set)
{
    json_t *v = rollout__dec_present(rollout__dec_field(dc, obj, key));
    int64_t i;
    int rc;

    if (set)
        *set = false;
    if (!v)
        return ROLLOUT_OK;
    rc = rollout__dec_check_int(dc, path, v, INT32_MIN, INT32_MAX, "int32", &i);
    if (rc != ROLLOUT_OK)
        return rc;
    *out = (int32_t)i;
    if (set)
        *set = true;
    return ROLLOUT_OK;
}

int rollout__dec_get_bool(decoder *dc, const json_t *obj, const char *key,
                    const char *path, bool *out)
{
    json_t *v = rollout__dec_present(rollout__dec_field(dc, obj, key));

    if (!v)
        return ROLLOUT_OK;
    if (!json_is_boolean(v))
        return rollout__dec_bad_type(dc, path, v, "boolean");
    *out = json_is_true(v);
    return ROLLOUT_OK;
}

/* A map of strings; the copy in *OUT is new (an empty map when absent). */
int rollout__dec_get_string_map(decoder *dc, const json_t *obj, const char *key,
                          const char *path, json_t **out)
{
    json_t *v = rollout__dec_present(rollout__dec_field(dc, obj, key)), *x;
    const char *k;
    char p[ROLLOUT_PARSE_PATH_LENGTH];

    *out = NULL;
    if (v && !json_is_object(v))
        return rollout__dec_bad_type(dc, path, v, "object");
    json_object_foreach(v, k, x) {
        if (!json_is_string(x)) {
            rollout__path_key(p, sizeof(p), path, k);
            return rollout__dec_bad_type(dc, p, x, "string");
        }
    }
    *out = v ? json_deep_copy(v) : json_object();
    return *out ? ROLLOUT_OK : ROLLOUT_ENOMEM;
}

/* An int-or-string (maxSurge, maxUnavailable). */
int rollout__dec_get_intstr(decoder *dc, const json_t *obj, const char *key,
                      const char *path, rollout__intstr *out)
{
    json_t *v = rollout__dec_present(rollout__dec_field(dc, obj, key));
    int64_t i;
    int rc;

    out->kind = ROLLOUT__INTSTR_NONE;
    out->sval = NULL;
    if (!v)
        return ROLLOUT_OK;
    if (json_is_string(v)) {
        out->sval = rollout__strdup(json_string_value(v));
        if (!out->sval)
            return ROLLOUT_ENOMEM;
        out->kind = ROLLOUT__INTSTR_STR;
        return ROLLOUT_OK;
    }
    if (!json_is_number(v))
        return rollout__dec_bad_type(dc, path, v, "integer or string");
    rc = rollout__dec_check_int(dc, path, v, INT32_MIN, INT32_MAX, "int32", &i);
    if (rc != ROLLOUT_OK)
        return rc;
    out->kind = ROLLOUT__INTSTR_INT;
    out->ival = (int32_t)i;
    return ROLLOUT_OK;
}

/* Checks the string fields NAMES (NULL-terminated) of OBJ at PATH. */
int rollout__dec_check_strings(decoder *dc, const json_t *obj, const char *path,
                         const char *const *names)
{
    char p[ROLLOUT_PARSE_PATH_LENGTH];
    const char *s;
    int rc;

    for (; *names; names++) {
        snprintf(p, sizeof(p), "%s.%s", path, *names);
        if ((rc = rollout__dec_get_string(dc, obj, *names, p, &s)) != ROLLOUT_OK)
            return rc;
    }
    return ROLLOUT_OK;
}

int rollout__dec_check_string_list(decoder *dc, const json_t *obj, const char *key,
                             const char *path)
{
    json_t *a, *x;
    size_t i;
    char p[ROLLOUT_PARSE_PATH_LENGTH];
    int rc = rollout__dec_get_array(dc, obj, key, path, &a);

    json_array_foreach(a, i, x) {
        if (rc != ROLLOUT_OK)
            break;
        if (!json_is_string(x)) {
            snprintf(p, sizeof(p), "%s[%zu]", path, i);
            rc = rollout__dec_bad_type(dc, p, x, "string");
        }
    }
    return rc;
}


int rollout__dec_check_list(decoder *dc, const json_t *obj, const char *key,
                      const char *path, element_check fn)
{
    json_t *a, *x;
    size_t i;
    char p[ROLLOUT_PARSE_PATH_LENGTH];
    int rc = rollout__dec_get_array(dc, obj, key, path, &a);

    json_array_foreach(a, i, x) {
        if (rc != ROLLOUT_OK)
            break;
        snprintf(p, sizeof(p), "%s[%zu]", path, i);
        rc = json_is_object(x) ? fn(dc, x, p) : rollout__dec_bad_type(dc, p, x, "object");
    }
    return rc;
}

/* The pod template's fields that Kubernetes types, checked so that a wrong
 * type is reported where it is; the template itself is kept verbatim. */

static int check_port(decoder *dc, const json_t *x, const char *path)
{
    static const char *const strings[] = {"name", "protocol", "hostIP", NULL};
    char p[ROLLOUT_PARSE_PATH_LENGTH];
    int32_t n;
    int rc;

    snprintf(p, sizeof(p), "%s.containerPort", path);
    if ((rc = rollout__dec_get_int32(dc, x, "containerPort", p, &n, NULL)) != ROLLOUT_OK)
        return rc;
    snprintf(p, sizeof(p), "%s.hostPort", path);
    if ((rc = rollout__dec_get_int32(dc, x, "hostPort", p, &n, NULL)) != ROLLOUT_OK)
        return rc;
    return rollout__dec_check_strings(dc, x, path, strings);
}

static int check_env(decoder *dc, const json_t *x, const char *path)
{
    static const char *const strings[] = {"name", "value", NULL};
    json_t *from;
    char p[ROLLOUT_PARSE_PATH_LENGTH];

    snprintf(p, sizeof(p), "%s.valueFrom", path);
    if (rollout__dec_get_object(dc, x, "valueFrom", p, &from) != ROLLOUT_OK)
        return ROLLOUT_EPARSE;
    return rollout__dec_check_strings(dc, x, path, strings);
}

static int check_named(decoder *dc, const json_t *x, const char *path)
{
    static const char *const strings[] = {"name", NULL};

    return rollout__dec_check_strings(dc, x, path, strings);
}

static int check_resources(decoder *dc, const json_t *c, const char *path)
{
    static const char *const kinds[] = {"limits", "requests"};
    json_t *res, *m, *q;
    const char *k;
    char p[ROLLOUT_PARSE_PATH_LENGTH];
    size_t i;
    int rc;

    snprintf(p, sizeof(p), "%s.resources", path);
    if ((rc = rollout__dec_get_object(dc, c, "resources", p, &res)) != ROLLOUT_OK || !res)
        return rc;
    for (i = 0; i < 2; i++) {
        snprintf(p, sizeof(p), "%s.resources.%s", path, kinds[i]);
        if ((rc = rollout__dec_get_object(dc, res, kinds[i], p, &m)) != ROLLOUT_OK)
            return rc;
        json_object_foreach(m, k, q) {
            /* a quantity: "500m", "1Gi", or a number */
            if (!json_is_string(q) && !json_is_number(q)) {
                char r[ROLLOUT_PARSE_PATH_LENGTH];

                snprintf(r, sizeof(r), "%s.resources.%s", path, kinds[i]);
                rollout__path_key(p, sizeof(p), r, k);
                return rollout__dec_bad_type(dc, p, q, "string");
            }
        }
    }
    return ROLLOUT_OK;
}

static int check_probe(decoder *dc, const json_t *c, const char *key,
                       const char *path)
{
    static const char *const numbers[] = {"initialDelaySeconds", "periodSeconds",
                                          "timeoutSeconds", "successThreshold",
                                          "failureThreshold",
                                          "terminationGracePeriodSeconds", NULL};
    static const char *const handlers[] = {"httpGet", "tcpSocket", "exec", "grpc",
                                           NULL};
    const char *const *f;
    json_t *probe, *h;
    char p[ROLLOUT_PARSE_PATH_LENGTH];
    int32_t n;
    int rc;

    snprintf(p, sizeof(p), "%s.%s", path, key);
    if ((rc = rollout__dec_get_object(dc, c, key, p, &probe)) != ROLLOUT_OK || !probe)
        return rc;
    for (f = numbers; *f; f++) {
        snprintf(p, sizeof(p), "%s.%s.%s", path, key, *f);
        if ((rc = rollout__dec_get_int32(dc, probe, *f, p, &n, NULL)) != ROLLOUT_OK)
            return rc;
    }
    for (f = handlers; *f; f++) {
        snprintf(p, sizeof(p), "%s.%s.%s", path, key, *f);
        if ((rc = rollout__dec_get_object(dc, probe, *f, p, &h)) != ROLLOUT_OK)
            return rc;
    }
    snprintf(p, sizeof(p), "%s.%s.exec.command", path, key);
    return rollout__dec_check_string_list(dc, json_object_get(probe, "exec"), "command", p);
}

static int check_container(decoder *dc, const json_t *c, const char *path)
{
    static const char *const strings[] = {"name", "image", "imagePullPolicy",
                                          "workingDir", NULL};
    static const char *const probes[] = {"readinessProbe", "livenessProbe",
                                         "startupProbe", NULL};
    const char *const *f;
    char p[ROLLOUT_PARSE_PATH_LENGTH];
    int rc;

    if ((rc = rollout__dec_check_strings(dc, c, path, strings)) != ROLLOUT_OK)
        return rc;
    snprintf(p, sizeof(p), "%s.command", path);
    if ((rc = rollout__dec_check_string_list(dc, c, "command", p)) != ROLLOUT_OK)
        return rc;
    snprintf(p, sizeof(p), "%s.args", path);
    if ((rc = rollout__dec_check_string_list(dc, c, "args", p)) != ROLLOUT_OK)
        return rc;
    snprintf(p, sizeof(p), "%s.ports", path);
    if ((rc = rollout__dec_check_list(dc, c, "ports", p, check_port)) != ROLLOUT_OK)
        return rc;
    snprintf(p, sizeof(p), "%s.env", path);
    if ((rc = rollout__dec_check_list(dc, c, "env", p, check_env)) != ROLLOUT_OK)
        return rc;
    if ((rc = check_resources(dc, c, path)) != ROLLOUT_OK)
        return rc;
    for (f = probes; *f; f++)
        if ((rc = check_probe(dc, c, *f, path)) != ROLLOUT_OK)
            return rc;
    return ROLLOUT_OK;
}

static int check_template(decoder *dc, const json_t *t)
{
    json_t *meta, *spec, *m;
    const char *s;
    int rc;

    if ((rc = rollout__dec_get_object(dc, t, "metadata", "spec.template.metadata", &meta)) ||
        (rc = rollout__dec_get_string_map(dc, meta, "labels", "spec.template.metadata.labels",
                             &m)))
        return rc;
    json_decref(m);
    if ((rc = rollout__dec_get_string_map(dc, meta, "annotations",
                             "spec.template.metadata.annotations", &m)))
        return rc;
    json_decref(m);
    if ((rc = rollout__dec_get_object(dc, t, "spec", "spec.template.spec", &spec)) || !spec)
        return rc;
    if ((rc = rollout__dec_check_list(dc, spec, "containers", "spec.template.spec.containers",
                         check_container)) ||
        (rc = rollout__dec_check_list(dc, spec, "initContainers",
                         "spec.template.spec.initContainers", check_container)) ||
        (rc = rollout__dec_check_list(dc, spec, "imagePullSecrets",
                         "spec.template.spec.imagePullSecrets", check_named)) ||
        (rc = rollout__dec_check_list(dc, spec, "volumes", "spec.template.spec.volumes",
                         check_named)) ||
        (rc = rollout__dec_get_string_map(dc, spec, "nodeSelector",
                             "spec.template.spec.nodeSelector", &m)))
        return rc;
    json_decref(m);
    return rollout__dec_get_string(dc, spec, "restartPolicy", "spec.template.spec.restartPolicy",
                      &s);
}

/* A Kubernetes apps/v1 Deployment. */
static int decode_kubernetes(decoder *dc, const json_t *doc, struct rollout_spec **out)
{
    struct rollout_spec *s = NULL;
    json_t *meta, *spec, *strategy = NULL, *ru = NULL, *tmpl, *sel, *x;
    const char *api, *name = NULL, *ns = NULL, *type = NULL;
    bool set;
    int rc;

    *out = NULL;
    if ((rc = rollout__dec_get_string(dc, doc, "apiVersion", "apiVersion", &api)))
        return rc;
    if (!api || strcmp(api, "apps/v1") != 0)
        return rollout__dec_fail(dc, "apiVersion", "no matches for kind \"Deployment\" in "
                    "version \"%s\"", api ? api : "");
    if ((rc = rollout__dec_get_object(dc, doc, "metadata", "metadata", &meta)) ||
        (rc = rollout__dec_get_string(dc, meta, "name", "metadata.name", &name)) ||
        (rc = rollout__dec_get_string(dc, meta, "namespace", "metadata.namespace", &ns)) ||
        (rc = rollout__dec_get_object(dc, doc, "spec", "spec", &spec)))
        return rc;
    rc = rollout_spec_new(&s, ROLLOUT_DIALECT_KUBERNETES, ns && *ns ? ns : NULL,
                          name ? name : "");
    if (rc != ROLLOUT_OK)
        return rc;
    json_decref(s->labels);
    json_decref(s->annotations);
    s->labels = s->annotations = NULL;
    if ((rc = rollout__dec_get_string_map(dc, meta, "labels", "metadata.labels", &s->labels)) ||
        (rc = rollout__dec_get_string_map(dc, meta, "annotations", "metadata.annotations",
                             &s->annotations)) ||
        (rc = rollout__dec_get_int32(dc, spec, "replicas", "spec.replicas", &s->replicas, NULL)) ||
        (rc = rollout__dec_get_int32(dc, spec, "minReadySeconds", "spec.minReadySeconds",
                        &s->min_ready_seconds, NULL)) ||
        (rc = rollout__dec_get_int32(dc, spec, "progressDeadlineSeconds",
                        "spec.progressDeadlineSeconds",
                        &s->progress_deadline_seconds, NULL)) ||
        (rc = rollout__dec_get_int32(dc, spec, "revisionHistoryLimit", "spec.revisionHistoryLimit",
                        &s->revision_history_limit, &set)) ||
        (rc = rollout__dec_get_bool(dc, spec, "paused", "spec.paused", &s->paused)) ||
        (rc = rollout__dec_get_object(dc, spec, "selector", "spec.selector", &sel)) ||
        (rc = rollout__dec_get_object(dc, spec, "template", "spec.template", &tmpl)) ||
        (rc = rollout__dec_get_object(dc, spec, "strategy", "spec.strategy", &strategy)) ||
        (rc = rollout__dec_get_string(dc, strategy, "type", "spec.strategy.type", &type)) ||
        (rc = rollout__dec_get_object(dc, strategy, "rollingUpdate",
                         "spec.strategy.rollingUpdate", &ru)) ||
        (rc = rollout__dec_get_intstr(dc, ru, "maxSurge", "spec.strategy.rollingUpdate.maxSurge",
                         &s->max_surge)) ||
        (rc = rollout__dec_get_intstr(dc, ru, "maxUnavailable",
                         "spec.strategy.rollingUpdate.maxUnavailable",
                         &s->max_unavailable)))
        goto out;
    if (!type || strcmp(type, "RollingUpdate") == 0) {
        s->strategy = ROLLOUT_STRATEGY_ROLLING_UPDATE;
    } else if (strcmp(type, "Recreate") == 0) {
        s->strategy = ROLLOUT_STRATEGY_RECREATE;
    } else {
        rc = rollout__dec_fail(dc, "spec.strategy.type", "Unsupported value: \"%s\": supported "
                  "values: \"Recreate\", \"RollingUpdate\"", type);
        goto out;
    }
    s->rolling_set = ru != NULL;
    /* the selector and template as written; checked by validation */
    json_decref(s->selector);
    s->selector = sel ? json_deep_copy(sel) : json_null();
    if (sel) {
        if ((rc = rollout__dec_get_string_map(dc, sel, "matchLabels", "spec.selector.matchLabels",
                                 &x)))
            goto out;
        json_decref(x);
        if ((rc = rollout__dec_get_array(dc, sel, "matchExpressions",
                            "spec.selector.matchExpressions", &x)))
            goto out;
    }
    if (tmpl) {
        if ((rc = check_template(dc, tmpl)))
            goto out;
        json_decref(s->template);
        s->template = json_deep_copy(tmpl);
    }
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

/* Telling the dialect of a document. */

typedef enum { DOC_KUBERNETES = 1, DOC_BCS = 2, DOC_LIST = 3, DOC_UNKNOWN = 0 } doc_kind;

static const char *ci_string(const json_t *obj, const char *key)
{
    decoder any = {0};

    any.ci = true;
    return json_string_value(rollout__dec_field(&any, obj, key));
}

static doc_kind kind_of(const json_t *doc)
{
    /* BCS reads keys in any case; its apiVersion v4 decides first */
    const char *bcs_api = ci_string(doc, "apiVersion");
    const char *bcs_kind = ci_string(doc, "kind");
    const char *kind = json_string_value(json_object_get(doc, "kind"));

    if (bcs_api && strcmp(bcs_api, "v4") == 0)
        return DOC_BCS;
    if (kind && strcmp(kind, "Deployment") == 0)
        return DOC_KUBERNETES;
    if (kind && strcmp(kind, "List") == 0 &&
        json_is_array(json_object_get(doc, "items")))
        return DOC_LIST;
    if (bcs_kind && (strcmp(bcs_kind, "deployment") == 0 ||
                     strcmp(bcs_kind, "application") == 0))
        return DOC_BCS;
    /* the kind decides: apps/v1 also holds StatefulSets, DaemonSets... */
    return DOC_UNKNOWN;
}

static int decode_document(decoder *dc, const json_t *doc, rollout_dialect want,
                           rollout__vec *specs);

static int decode_list(decoder *dc, const json_t *doc, rollout_dialect want,
                       rollout__vec *specs)
{
    json_t *items = json_object_get(doc, "items"), *x;
    char prefix[32];
    size_t i;
    int rc = ROLLOUT_OK;

    json_array_foreach(items, i, x) {
        decoder item = *dc;

        snprintf(prefix, sizeof(prefix), "items[%zu]", i);
        item.prefix = prefix;
        if ((rc = decode_document(&item, x, want, specs)) != ROLLOUT_OK)
            break;
    }
    return rc;
}


static int decode_document(decoder *dc, const json_t *doc, rollout_dialect want,
                           rollout__vec *specs)
{
    struct rollout_spec *s = NULL;
    doc_kind k;
    const char *kind;
    char *path = NULL, *msg = NULL;
    int rc;

    if (!json_is_object(doc))
        return rollout__dec_bad_type(dc, "", doc, "object");
    k = kind_of(doc);
    if (k == DOC_LIST && *dc->prefix == '\0')
        return decode_list(dc, doc, want, specs);
    kind = ci_string(doc, "kind");
    if (k == DOC_UNKNOWN || k == DOC_LIST) {
        if (!kind)
            return rollout__dec_fail(dc, "kind", "kind not set");
        return rollout__dec_fail(dc, "kind", "unknown kind \"%s\": not a Kubernetes Deployment "
                    "(apps/v1) nor a BCS deployment or application (v4)", kind);
    }
    if (want == ROLLOUT_DIALECT_KUBERNETES && k == DOC_BCS)
        return rollout__dec_fail(dc, "kind", "a BCS %s, where a Kubernetes Deployment is expected",
                    kind ? kind : "object");
    if (want == ROLLOUT_DIALECT_BCS && k == DOC_KUBERNETES)
        return rollout__dec_fail(dc, "kind", "a Kubernetes %s, where a BCS deployment or "
                    "application is expected", kind ? kind : "object");
    dc->ci = k == DOC_BCS;
    rc = k == DOC_KUBERNETES ? decode_kubernetes(dc, doc, &s)
                             : rollout__decode_bcs(dc, doc, &s);
    if (rc != ROLLOUT_OK)
        return rc;
    /* the rules that need no engine, here, so a bad file is told at once */
    rc = s->dialect == ROLLOUT_DIALECT_BCS ? rollout__bcs_validate(s, &path, &msg)
                                           : rollout__spec_validate(s, NULL, &path, &msg);
    if (rc == ROLLOUT_EVALIDATION)
        rc = rollout__dec_fail(dc, path, "%s", msg);
    free(path);
    free(msg);
    if (rc == ROLLOUT_OK) {
        s->doc = json_deep_copy(doc);
        s->src = rollout__source_ref(dc->src);
        s->doc_index = dc->doc_index;
        s->doc_prefix = rollout__strdup(dc->prefix);
        if (!s->doc || !s->doc_prefix || !rollout__vec_push(specs, s))
            rc = ROLLOUT_ENOMEM;
    }
    if (rc != ROLLOUT_OK)
        rollout_spec_free(s);
    return rc;
}

/* Limits on what jansson read: string length (keys included), and values
 * (keys count, as YAML's do).  Depth is checked on the text
 * (json_too_deep).  Without PATH the walk is quiet: it formats no field
 * path per value (most of the cost of reading a large manifest) and only
 * answers ROLLOUT_EPARSE; the caller walks again with a path to say
 * where, which only a refused document needs. */
static int check_limits(decoder *dc, const json_t *v, size_t *nodes, char *path,
                        size_t plen)
{
    size_t i, n = 0;
    const char *k;
    json_t *x;
    int rc;

    if (++*nodes > dc->limits->max_nodes)
        return !path ? ROLLOUT_EPARSE
                     : rollout__dec_fail(dc, path, "the document is too large: it holds "
                                         "more than %zu values", dc->limits->max_nodes);
    if (json_is_string(v) && json_string_length(v) > dc->limits->max_string)
        return !path ? ROLLOUT_EPARSE
                     : rollout__dec_fail(dc, path, "a string is too long (more than %zu "
                                         "bytes)", dc->limits->max_string);
    if (json_is_object(v)) {
        json_object_foreach((json_t *)v, k, x) {
            if (path) {
                char sub[ROLLOUT_PARSE_PATH_LENGTH];

                /* the key after the path so far, "path.key" or "path[a.b]" */
                rollout__path_key(sub, sizeof(sub), "", k);
                n = (size_t)snprintf(path + plen, ROLLOUT_PARSE_PATH_LENGTH - plen,
                                     "%s%s", plen && sub[0] != '[' ? "." : "", sub);
                if (n >= ROLLOUT_PARSE_PATH_LENGTH - plen)
                    n = ROLLOUT_PARSE_PATH_LENGTH - plen - 1;
            }
            if (++*nodes > dc->limits->max_nodes)
                return !path ? ROLLOUT_EPARSE
                             : rollout__dec_fail(dc, path, "the document is too large: "
                                                 "it holds more than %zu values",
                                                 dc->limits->max_nodes);
            /* keys are strings too; one too long is told at its object */
            if (strlen(k) > dc->limits->max_string) {
                if (!path)
                    return ROLLOUT_EPARSE;
                path[plen] = '\0';
                return rollout__dec_fail(dc, path, "a key is too long (more than %zu "
                                         "bytes)", dc->limits->max_string);
            }
            if ((rc = check_limits(dc, x, nodes, path, plen + n)))
                return rc;
            if (path)
                path[plen] = '\0';
        }
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, x) {
            if (path) {
                n = (size_t)snprintf(path + plen, ROLLOUT_PARSE_PATH_LENGTH - plen,
                                     "[%zu]", i);
                if (n >= ROLLOUT_PARSE_PATH_LENGTH - plen)
                    n = ROLLOUT_PARSE_PATH_LENGTH - plen - 1;
            }
            if ((rc = check_limits(dc, x, nodes, path, plen + n)))
                return rc;
            if (path)
                path[plen] = '\0';
        }
    }
    return ROLLOUT_OK;
}

/* The first '{' or '[' of BUF[FROM, TO) that opens more than MAX levels
 * (strings skipped), or TO.  Scanning the text finds the place exactly,
 * and holds the same limit as YAML's (jansson's own is 2048 levels). */
static size_t json_too_deep(const char *buf, size_t from, size_t to, size_t max)
{
    size_t depth = 0, i;

    for (i = from; i < to; i++) {
        if (buf[i] == '"') {
            for (i++; i < to && buf[i] != '"'; i++)
                if (buf[i] == '\\')
                    i++;
        } else if (buf[i] == '{' || buf[i] == '[') {
            if (++depth > max)
                return i;
        } else if ((buf[i] == '}' || buf[i] == ']') && depth > 0) {
            depth--;
        }
    }
    return to;
}

/* Reading. */

static bool looks_like_json(const char *buf, size_t len)
{
    size_t i = 0;

    /* a UTF-8 byte order mark, then white space */
    if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
        i = 3;
    while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' ||
                       buf[i] == '\n'))
        i++;
    return i < len && buf[i] == '{';
}

/* The documents of BUF: a stream of JSON values, or YAML documents. */
static int read_documents(rollout__vec *docs, int *format, const char *buf,
                          size_t len, const char *source,
                          const rollout__limits *limits, rollout_parse_error *err)
{
    size_t off = 0;

    if (len > limits->max_input) {
        char text[128];

        snprintf(text, sizeof(text), "the input is too large (more than %zu bytes)",
                 limits->max_input);
        rollout__parse_error_set(err, source, 1, 1, 0, "", text);
        return ROLLOUT_EPARSE;
    }
    if (!looks_like_json(buf, len)) {
        *format = ROLLOUT__FORMAT_YAML;
        return rollout__yaml_load(docs, buf, len, source, limits, err);
    }
    *format = ROLLOUT__FORMAT_JSON;
    /* a byte order mark, which jansson does not take */
    if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
        off = 3;
    for (;;) {
        json_error_t jerr;
        json_t *doc;
        size_t deep, end;

        while (off < len && strchr(" \t\r\n", buf[off]))
            off++;
        if (off == len)
            return ROLLOUT_OK;
        doc = json_loadb(buf + off, len - off,
                         JSON_DISABLE_EOF_CHECK | JSON_REJECT_DUPLICATES,
                         &jerr);
        /* too deep in what was read, or before the error? */
        end = off + (size_t)jerr.position < len ? off + (size_t)jerr.position : len;
        deep = json_too_deep(buf, off, end, limits->max_depth);
        if (deep < end) {
            int line, column;
            char text[128];

            json_decref(doc);
            snprintf(text, sizeof(text), "nesting is too deep (more than %zu levels)",
                     limits->max_depth);
            rollout__line_column(buf, len, deep, &line, &column);
            rollout__parse_error_set(err, source, line, column, deep, "", text);
            return ROLLOUT_EPARSE;
        }
        if (!doc) {
            int line, column;

            rollout__line_column(buf, len, off + (size_t)jerr.position, &line,
                                 &column);
            /* jansson's words for this one name its own flag */
            rollout__parse_error_set(err, source, jerr.line > 0 ? line : 1,
                                     jerr.line > 0 ? column : 1,
                                     off + (size_t)jerr.position, "",
                                     json_error_code(&jerr) == json_error_null_character
                                         ? "a string holds a NUL character"
                                         : jerr.text);
            return ROLLOUT_EPARSE;
        }
        if (!rollout__vec_push(docs, doc)) {
            json_decref(doc);
            return ROLLOUT_ENOMEM;
        }
        off += (size_t)jerr.position;
    }
}

void rollout_manifest_free(rollout_manifest *m)
{
    size_t i;

    if (!m)
        return;
    for (i = 0; i < m->specs.len; i++)
        rollout_spec_free(m->specs.items[i]);
    rollout__vec_free(&m->specs);
    free(m);
}

static int parse(rollout_manifest **out, const char *buf, size_t len,
                 const char *source, rollout_dialect dialect,
                 rollout_parse_error *err)
{
    rollout_manifest *m;
    rollout__vec docs = {0};
    rollout__source *src = NULL;
    int format = 0, rc;
    size_t i, nodes;
    char path[ROLLOUT_PARSE_PATH_LENGTH];

    *out = NULL;
    if (!source)
        source = "<input>";
    m = calloc(1, sizeof(*m));
    if (!m)
        return ROLLOUT_ENOMEM;
    rc = read_documents(&docs, &format, buf, len, source, &rollout__default_limits,
                        err);
    if (rc == ROLLOUT_OK) {
        src = rollout__source_new(source, buf, len, format);
        if (!src)
            rc = ROLLOUT_ENOMEM;
    }
    for (i = 0; i < docs.len && rc == ROLLOUT_OK; i++) {
        decoder dc;

        dc.src = src;
        dc.doc_index = i;
        dc.prefix = "";
        dc.err = err;
        dc.limits = &rollout__default_limits;
        dc.ci = false;
        path[0] = '\0';
        /* an empty YAML document: nothing to apply, as kubectl skips it */
        if (format == ROLLOUT__FORMAT_YAML && json_is_null((json_t *)docs.items[i]))
            continue;
        nodes = 0;
        /* the same walk again, with paths, to say where it failed */
        if (format == ROLLOUT__FORMAT_JSON &&
            check_limits(&dc, docs.items[i], &nodes, NULL, 0) != ROLLOUT_OK) {
            nodes = 0;
            rc = check_limits(&dc, docs.items[i], &nodes, path, 0);
        }
        if (rc == ROLLOUT_OK)
            rc = decode_document(&dc, docs.items[i], dialect, &m->specs);
    }
    /* nothing at all, or only empty Lists */
    if (rc == ROLLOUT_OK && m->specs.len == 0) {
        rollout__parse_error_set(err, source, 1, 1, 0, "",
                                 "no objects passed to apply");
        rc = ROLLOUT_EPARSE;
    }
    for (i = 0; i < docs.len; i++)
        json_decref(docs.items[i]);
    rollout__vec_free(&docs);
    rollout__source_unref(src);
    if (rc != ROLLOUT_OK) {
        rollout_manifest_free(m);
        return rc;
    }
    *out = m;
    return ROLLOUT_OK;
}

static bool valid_dialect(rollout_dialect d)
{
    return d == 0 || d == ROLLOUT_DIALECT_KUBERNETES || d == ROLLOUT_DIALECT_BCS;
}

int rollout_manifest_parse(rollout_manifest **out, const char *buf, size_t len,
                           const char *source, rollout_dialect dialect,
                           rollout_parse_error *err)
{
    if (!out)
        return ROLLOUT_EINVAL;
    *out = NULL;
    if ((!buf && len) || !valid_dialect(dialect))
        return ROLLOUT_EINVAL;
    return parse(out, buf ? buf : "", len, source, dialect, err);
}

int rollout_manifest_parse_file(rollout_manifest **out, const char *path,
                                rollout_dialect dialect, rollout_parse_error *err)
{
    rollout__buf b = {0};
    char chunk[65536];
    FILE *f;
    size_t n;
    int rc;

    if (!out)
        return ROLLOUT_EINVAL;
    *out = NULL;
    if (!path || !valid_dialect(dialect))
        return ROLLOUT_EINVAL;
    f = fopen(path, "rb");
    if (!f) {
        rollout__parse_error_set(err, path, 0, 0, 0, "", strerror(errno));
        return ROLLOUT_EPARSE;
    }
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && !b.oom &&
           b.len <= rollout__default_limits.max_input)
        rollout__buf_putn(&b, chunk, n);
    if (ferror(f) && !b.oom) {
        rollout__parse_error_set(err, path, 0, 0, 0, "", strerror(errno));
        fclose(f);
        rollout__buf_free(&b);
        return ROLLOUT_EPARSE;
    }
    fclose(f);
    if (b.oom) {
        rollout__buf_free(&b);
        return ROLLOUT_ENOMEM;
    }
    rc = parse(out, b.data ? b.data : "", b.len, path, dialect, err);
    rollout__buf_free(&b);
    return rc;
}

size_t rollout_manifest_count(const rollout_manifest *m)
{
    return m ? m->specs.len : 0;
}

rollout_spec *rollout_manifest_spec(const rollout_manifest *m, size_t index)
{
    return m && index < m->specs.len ? m->specs.items[index] : NULL;
}

int rollout_spec_parse(rollout_spec **out, const char *buf, size_t len,
                       const char *source, rollout_dialect dialect,
                       rollout_parse_error *err)
{
    rollout_manifest *m;
    int rc;

    if (!out)
        return ROLLOUT_EINVAL;
    *out = NULL;
    rc = rollout_manifest_parse(&m, buf, len, source, dialect, err);
    if (rc != ROLLOUT_OK)
        return rc;
    if (m->specs.len != 1) {
        char text[96];

        snprintf(text, sizeof(text), "expected one document, found %zu",
                 m->specs.len);
        rollout__parse_error_set(err, source, 1, 1, 0, "", text);
        rollout_manifest_free(m);
        return ROLLOUT_EPARSE;
    }
    *out = m->specs.items[0];
    m->specs.len = 0;
    rollout_manifest_free(m);
    return ROLLOUT_OK;
}

int rollout_detect_dialect(rollout_dialect *out, const char *buf, size_t len)
{
    rollout__vec docs = {0};
    int format, rc;
    size_t i;
    doc_kind k = DOC_UNKNOWN;

    if (!out)
        return ROLLOUT_EINVAL;
    *out = (rollout_dialect)0;
    if (!buf && len)
        return ROLLOUT_EINVAL;
    rc = read_documents(&docs, &format, buf ? buf : "", len, NULL,
                        &rollout__default_limits, NULL);
    /* the first document that is not empty */
    for (i = 0; rc == ROLLOUT_OK && i < docs.len && json_is_null((json_t *)docs.items[i]); i++)
        ;
    if (rc == ROLLOUT_OK && i < docs.len) {
        k = kind_of(docs.items[i]);
        if (k == DOC_LIST) {
            json_t *first = json_array_get(json_object_get(docs.items[i], "items"), 0);

            k = json_is_object(first) ? kind_of(first) : DOC_UNKNOWN;
        }
    }
    for (i = 0; i < docs.len; i++)
        json_decref(docs.items[i]);
    rollout__vec_free(&docs);
    if (rc != ROLLOUT_OK)
        return rc;
    if (k == DOC_KUBERNETES)
        *out = ROLLOUT_DIALECT_KUBERNETES;
    else if (k == DOC_BCS)
        *out = ROLLOUT_DIALECT_BCS;
    else
        return ROLLOUT_ENOTFOUND;
    return ROLLOUT_OK;
}

rollout_kind rollout_spec_kind(const rollout_spec *spec)
{
    return spec ? spec->kind : (rollout_kind)0;
}
