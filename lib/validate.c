/*
 * Validation of Kubernetes deployment specs, with the API server's messages
 * (pkg/apis/apps/validation and apimachinery's validation helpers).  The
 * first error found, in upstream's order, is reported as a field path and a
 * reason.
 */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

#define DNS1123_LABEL_MAX 63
#define DNS1123_SUBDOMAIN_MAX 253
#define QUALIFIED_NAME_MAX 63
#define LABEL_VALUE_MAX 63
#define ANNOTATIONS_MAX_BYTES (256 * 1024)
#define PATH_MAX_LEN 256

static const char msg_subdomain[] =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
    "characters, '-' or '.', and must start and end with an alphanumeric "
    "character (e.g. 'example.com', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
static const char msg_label[] =
    "a lowercase RFC 1123 label must consist of lower case alphanumeric "
    "characters or '-', and must start and end with an alphanumeric character "
    "(e.g. 'my-name',  or '123-abc', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
static const char msg_qualified[] =
    "name part must consist of alphanumeric characters, '-', '_' or '.', and "
    "must start and end with an alphanumeric character (e.g. 'MyName',  or "
    "'my.name',  or '123-abc', regex used for validation is "
    "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
static const char msg_label_value[] =
    "a valid label must be an empty string or consist of alphanumeric "
    "characters, '-', '_' or '.', and must start and end with an alphanumeric "
    "character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for "
    "validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
static const char msg_percent[] =
    "a valid percent string must be a numeric string followed by an ending '%'";
static const char msg_nonnegative[] = "must be greater than or equal to 0";

typedef struct {
    char *path;
    char *message;
    bool failed;
    bool oom;
} verdict;

/* Records the first error; always returns false so callers can chain. */
static bool fail(verdict *v, const char *path, const char *message)
{
    if (v->failed)
        return false;
    v->failed = true;
    v->path = rollout__strdup(path);
    v->message = rollout__strdup(message);
    if (!v->path || !v->message)
        v->oom = true;
    return false;
}

/* An error whose message is A, B and C joined. */
static bool fail_cat(verdict *v, const char *path, const char *a,
                     const char *b, const char *c)
{
    rollout__buf m = {0};
    char *text;

    if (v->failed)
        return false;
    rollout__buf_puts(&m, a);
    rollout__buf_puts(&m, b);
    rollout__buf_puts(&m, c);
    text = rollout__buf_take(&m);
    if (!text) {
        v->failed = v->oom = true;
        return false;
    }
    fail(v, path, text);
    free(text);
    return false;
}

static bool is_alnum_lower(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9');
}

static bool dns1123_label_n(const char *s, size_t n)
{
    size_t i;

    if (n == 0 || n > DNS1123_LABEL_MAX || !is_alnum_lower(s[0]) ||
        !is_alnum_lower(s[n - 1]))
        return false;
    for (i = 0; i < n; i++)
        if (!is_alnum_lower(s[i]) && s[i] != '-')
            return false;
    return true;
}

static bool dns1123_subdomain_n(const char *s, size_t n)
{
    size_t i, start = 0;

    if (n == 0 || n > DNS1123_SUBDOMAIN_MAX)
        return false;
    for (i = 0; i <= n; i++) {
        if (i == n || s[i] == '.') {
            if (!dns1123_label_n(s + start, i - start))
                return false;
            start = i + 1;
        }
    }
    return true;
}

/* A label value, or the name part of a qualified name (not EMPTY_OK). */
static bool label_word(const char *s, size_t n, bool empty_ok)
{
    size_t i;

    if (n == 0)
        return empty_ok;
    if (!is_alnum(s[0]) || !is_alnum(s[n - 1]))
        return false;
    for (i = 0; i < n; i++)
        if (!is_alnum(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
            return false;
    return true;
}

/* IsQualifiedName: [prefix/]name, the prefix a DNS subdomain. */
static bool check_qualified_name(verdict *v, const char *path, const char *key)
{
    const char *slash = strchr(key, '/');
    const char *name = slash ? slash + 1 : key;
    size_t n = strlen(name);

    if (slash && !dns1123_subdomain_n(key, (size_t)(slash - key)))
        return slash == key ? fail(v, path, "prefix part must be non-empty")
                            : fail_cat(v, path, "prefix part ", msg_subdomain, "");
    if (n == 0)
        return fail(v, path, "name part must be non-empty");
    if (n > QUALIFIED_NAME_MAX)
        return fail(v, path, "name part must be no more than 63 characters");
    if (strchr(name, '/') || !label_word(name, n, false))
        return fail(v, path, msg_qualified);
    return true;
}

static bool check_label_value(verdict *v, const char *path, const char *value)
{
    size_t n = strlen(value);

    if (n > LABEL_VALUE_MAX)
        return fail(v, path, "must be no more than 63 characters");
    if (!label_word(value, n, true))
        return fail(v, path, msg_label_value);
    return true;
}

/* ValidateLabels over a string map at PATH. */
static bool check_labels(verdict *v, const char *path, const json_t *labels)
{
    const char *k;
    json_t *x;

    if (!labels)
        return true;
    if (!json_is_object(labels))
        return fail(v, path, "must be a map of strings");
    json_object_foreach((json_t *)labels, k, x) {
        if (!json_is_string(x))
            return fail(v, path, "must be a map of strings");
        if (!check_qualified_name(v, path, k) ||
            !check_label_value(v, path, json_string_value(x)))
            return false;
    }
    return true;
}

static bool check_annotations(verdict *v, const char *path,
                              const json_t *annotations)
{
    const char *k;
    json_t *x;
    size_t total = 0;

    if (!annotations)
        return true;
    if (!json_is_object(annotations))
        return fail(v, path, "must be a map of strings");
    json_object_foreach((json_t *)annotations, k, x) {
        if (!json_is_string(x))
            return fail(v, path, "must be a map of strings");
        if (!check_qualified_name(v, path, k))
            return false;
        total += strlen(k) + json_string_length(x);
    }
    if (total > ANNOTATIONS_MAX_BYTES)
        return fail(v, path, "Too long: must have at most 262144 bytes");
    return true;
}

static bool check_metadata(verdict *v, const struct rollout_spec *s)
{
    if (!s->name || !*s->name)
        return fail(v, "metadata.name",
                    "Required value: name or generateName is required");
    if (!dns1123_subdomain_n(s->name, strlen(s->name)))
        return fail(v, "metadata.name", msg_subdomain);
    if (!s->ns || !*s->ns)
        return fail(v, "metadata.namespace", "Required value");
    if (!dns1123_label_n(s->ns, strlen(s->ns)))
        return fail(v, "metadata.namespace", msg_label);
    return check_labels(v, "metadata.labels", s->labels) &&
           check_annotations(v, "metadata.annotations", s->annotations);
}

/* The selector: matchLabels and matchExpressions. */
static bool check_selector(verdict *v, const json_t *sel)
{
    json_t *ml, *me, *e;
    size_t i, count = 0;
    char path[PATH_MAX_LEN];

    if (!json_is_object(sel))
        return fail(v, "spec.selector", "Required value");
    ml = json_object_get(sel, "matchLabels");
    me = json_object_get(sel, "matchExpressions");
    if (ml) {
        if (!check_labels(v, "spec.selector.matchLabels", ml))
            return false;
        count += json_object_size(ml);
    }
    if (me && !json_is_array(me))
        return fail(v, "spec.selector.matchExpressions", "must be a list");
    json_array_foreach(me, i, e) {
        const char *key = json_string_value(json_object_get(e, "key"));
        const char *op = json_string_value(json_object_get(e, "operator"));
        json_t *values = json_object_get(e, "values");
        bool set_op;

        snprintf(path, sizeof(path), "spec.selector.matchExpressions[%zu].key", i);
        if (!key)
            return fail(v, path, "Required value");
        if (!check_qualified_name(v, path, key))
            return false;
        snprintf(path, sizeof(path),
                 "spec.selector.matchExpressions[%zu].operator", i);
        if (!op || (strcmp(op, "In") != 0 && strcmp(op, "NotIn") != 0 &&
                    strcmp(op, "Exists") != 0 && strcmp(op, "DoesNotExist") != 0))
            return fail_cat(v, path, "Unsupported value: \"", op ? op : "",
                            "\": supported values: \"In\", \"NotIn\", "
                            "\"Exists\", \"DoesNotExist\"");
        set_op = strcmp(op, "In") == 0 || strcmp(op, "NotIn") == 0;
        snprintf(path, sizeof(path),
                 "spec.selector.matchExpressions[%zu].values", i);
        if (values && !json_is_array(values))
            return fail(v, path, "must be a list of strings");
        if (set_op && json_array_size(values) == 0)
            return fail(v, path, "Required value: must be specified when "
                                 "`operator` is 'In' or 'NotIn'");
        if (!set_op && json_array_size(values) > 0)
            return fail(v, path, "Forbidden: may not be specified when "
                                 "`operator` is 'Exists' or 'DoesNotExist'");
        {
            size_t j;
            json_t *x;

            json_array_foreach(values, j, x) {
                if (!json_is_string(x))
                    return fail(v, path, "must be a list of strings");
                if (!check_label_value(v, path, json_string_value(x)))
                    return false;
            }
        }
        count++;
    }
    if (count == 0)
        return fail(v, "spec.selector", "empty selector is invalid for deployment");
    return true;
}

static bool check_port(verdict *v, const char *path, const json_t *port)
{
    json_t *n = json_object_get(port, "containerPort");
    const char *proto = json_string_value(json_object_get(port, "protocol"));
    char p[PATH_MAX_LEN * 2];

    snprintf(p, sizeof(p), "%s.containerPort", path);
    if (!json_is_integer(n))
        return fail(v, p, "Required value");
    if (json_integer_value(n) < 1 || json_integer_value(n) > 65535)
        return fail(v, p, "must be between 1 and 65535, inclusive");
    snprintf(p, sizeof(p), "%s.protocol", path);
    if (json_object_get(port, "protocol") &&
        (!proto || (strcmp(proto, "TCP") != 0 && strcmp(proto, "UDP") != 0 &&
                    strcmp(proto, "SCTP") != 0)))
        return fail_cat(v, p, "Unsupported value: \"", proto ? proto : "",
                        "\": supported values: \"SCTP\", \"TCP\", \"UDP\"");
    return true;
}

static bool check_container(verdict *v, size_t i, const json_t *c,
                            const json_t *all)
{
    char base[PATH_MAX_LEN], p[PATH_MAX_LEN + 32];
    const char *name = json_string_value(json_object_get(c, "name"));
    const char *image = json_string_value(json_object_get(c, "image"));
    json_t *ports = json_object_get(c, "ports"), *x;
    size_t j;

    snprintf(base, sizeof(base), "spec.template.spec.containers[%zu]", i);
    if (!json_is_object(c))
        return fail(v, base, "must be an object");
    snprintf(p, sizeof(p), "%s.name", base);
    if (!name || !*name)
        return fail(v, p, "Required value");
    if (!dns1123_label_n(name, strlen(name)))
        return fail(v, p, msg_label);
    for (j = 0; j < i; j++)
        if (rollout__streq(json_string_value(
                               json_object_get(json_array_get(all, j), "name")),
                           name))
            return fail_cat(v, p, "Duplicate value: \"", name, "\"");
    snprintf(p, sizeof(p), "%s.image", base);
    if (!image || !*image)
        return fail(v, p, "Required value");
    if (ports && !json_is_array(ports))
        return fail(v, base, "ports must be a list");
    json_array_foreach(ports, j, x) {
        snprintf(p, sizeof(p), "%s.ports[%zu]", base, j);
        if (!check_port(v, p, x))
            return false;
    }
    json_array_foreach(json_object_get(c, "env"), j, x) {
        const char *en = json_string_value(json_object_get(x, "name"));

        snprintf(p, sizeof(p), "%s.env[%zu].name", base, j);
        if (!en || !*en)
            return fail(v, p, "Required value");
    }
    return true;
}

/* ValidatePodTemplateSpecForReplicaSet. */
static bool check_template(verdict *v, const struct rollout_spec *s)
{
    json_t *t = s->template, *meta, *ps, *list, *c;
    const char *policy;
    size_t i;

    if (!json_is_object(t))
        return fail(v, "spec.template", "Required value");
    meta = json_object_get(t, "metadata");
    if (!rollout__labels_match(s->selector, json_object_get(meta, "labels")))
        return fail(v, "spec.template.metadata.labels",
                    "`selector` does not match template `labels`");
    if (!check_labels(v, "spec.template.metadata.labels",
                      json_object_get(meta, "labels")) ||
        !check_annotations(v, "spec.template.metadata.annotations",
                           json_object_get(meta, "annotations")))
        return false;
    ps = json_object_get(t, "spec");
    list = json_object_get(ps, "containers");
    if (!json_is_array(list) || json_array_size(list) == 0)
        return fail(v, "spec.template.spec.containers", "Required value");
    json_array_foreach(list, i, c)
        if (!check_container(v, i, c, list))
            return false;
    policy = json_string_value(json_object_get(ps, "restartPolicy"));
    if (json_object_get(ps, "restartPolicy") &&
        (!policy || strcmp(policy, "Always") != 0))
        return fail_cat(v, "spec.template.spec.restartPolicy",
                        "Unsupported value: \"", policy ? policy : "",
                        "\": supported values: \"Always\"");
    if (json_object_get(ps, "activeDeadlineSeconds"))
        return fail(v, "spec.template.spec.activeDeadlineSeconds",
                    "Forbidden: activeDeadlineSeconds in ReplicaSet is not "
                    "Supported");
    return true;
}

/* ValidatePositiveIntOrPercent. */
static bool check_intstr(verdict *v, const char *path, const rollout__intstr *x)
{
    const char *p;

    if (x->kind == ROLLOUT__INTSTR_INT)
        return x->ival >= 0 ? true : fail(v, path, msg_nonnegative);
    if (x->kind != ROLLOUT__INTSTR_STR)
        return true;
    /* IsValidPercent: ^[0-9]+%$ */
    for (p = x->sval; *p >= '0' && *p <= '9'; p++)
        ;
    if (p == x->sval || p[0] != '%' || p[1] != '\0')
        return fail(v, path, msg_percent);
    return true;
}

/* getIntOrPercentValue, for the both-zero and 100% rules.  A value left
 * out is the API's default, 25%, which Kubernetes sets before it validates
 * (a manifest without rollingUpdate is valid). */
static int64_t intstr_value(const rollout__intstr *x, bool *percent)
{
    int64_t n = 0;
    const char *p;

    *percent = false;
    if (x->kind == ROLLOUT__INTSTR_INT)
        return x->ival;
    *percent = true;
    if (x->kind != ROLLOUT__INTSTR_STR)
        return 25;
    for (p = x->sval; *p >= '0' && *p <= '9' && n <= INT32_MAX; p++)
        n = n * 10 + (*p - '0');
    return n;
}

static bool check_strategy(verdict *v, const struct rollout_spec *s)
{
    bool pu, ps;
    int64_t u, g;

    if (s->strategy == ROLLOUT_STRATEGY_RECREATE) {
        if (s->rolling_set)
            return fail(v, "spec.strategy.rollingUpdate",
                        "Forbidden: may not be specified when strategy `type` "
                        "is 'Recreate'");
        return true;
    }
    if (s->strategy != ROLLOUT_STRATEGY_ROLLING_UPDATE)
        return fail(v, "spec.strategy.type",
                    "Unsupported value: supported values: \"Recreate\", "
                    "\"RollingUpdate\"");
    if (!check_intstr(v, "spec.strategy.rollingUpdate.maxUnavailable",
                      &s->max_unavailable) ||
        !check_intstr(v, "spec.strategy.rollingUpdate.maxSurge", &s->max_surge))
        return false;
    u = intstr_value(&s->max_unavailable, &pu);
    g = intstr_value(&s->max_surge, &ps);
    if (u == 0 && g == 0)
        return fail(v, "spec.strategy.rollingUpdate.maxUnavailable",
                    "may not be 0 when `maxSurge` is 0");
    if (pu && u > 100)
        return fail(v, "spec.strategy.rollingUpdate.maxUnavailable",
                    "must not be greater than 100%");
    return true;
}

static bool check_spec(verdict *v, const struct rollout_spec *s,
                       const struct rollout_spec *old)
{
    if (s->replicas < 0)
        return fail(v, "spec.replicas", msg_nonnegative);
    if (!check_selector(v, s->selector) || !check_template(v, s) ||
        !check_strategy(v, s))
        return false;
    if (s->min_ready_seconds < 0)
        return fail(v, "spec.minReadySeconds", msg_nonnegative);
    if (s->revision_history_limit < 0)
        return fail(v, "spec.revisionHistoryLimit", msg_nonnegative);
    if (s->progress_deadline_seconds < 0)
        return fail(v, "spec.progressDeadlineSeconds", msg_nonnegative);
    if (s->progress_deadline_seconds <= s->min_ready_seconds)
        return fail(v, "spec.progressDeadlineSeconds",
                    "must be greater than minReadySeconds");
    if (old && !json_equal(old->selector, s->selector))
        return fail(v, "spec.selector", "field is immutable");
    return true;
}

int rollout__spec_validate(const struct rollout_spec *spec,
                           const struct rollout_spec *old, char **path,
                           char **message)
{
    verdict v = {NULL, NULL, false, false};

    *path = *message = NULL;
    if (check_metadata(&v, spec) && check_spec(&v, spec, old))
        return ROLLOUT_OK;
    if (v.oom) {
        free(v.path);
        free(v.message);
        return ROLLOUT_ENOMEM;
    }
    *path = v.path;
    *message = v.message;
    return ROLLOUT_EVALIDATION;
}

/* Selector matching (labels.Selector.Matches). */

static bool value_in(const json_t *values, const char *value)
{
    size_t i;
    json_t *x;

    json_array_foreach(values, i, x)
        if (rollout__streq(json_string_value(x), value))
            return true;
    return false;
}

bool rollout__labels_match(const json_t *selector, const json_t *labels)
{
    const char *k;
    json_t *x;
    size_t i;

    json_object_foreach(json_object_get(selector, "matchLabels"), k, x) {
        json_t *have = json_object_get(labels, k);

        if (!json_is_string(have) || !json_equal(have, x))
            return false;
    }
    json_array_foreach(json_object_get(selector, "matchExpressions"), i, x) {
        const char *key = json_string_value(json_object_get(x, "key"));
        const char *op = json_string_value(json_object_get(x, "operator"));
        const char *have;
        json_t *values = json_object_get(x, "values");

        if (!key || !op)
            return false;
        have = json_string_value(json_object_get(labels, key));
        if (strcmp(op, "In") == 0) {
            if (!have || !value_in(values, have))
                return false;
        } else if (strcmp(op, "NotIn") == 0) {
            if (have && value_in(values, have))
                return false;
        } else if (strcmp(op, "Exists") == 0) {
            if (!have)
                return false;
        } else if (strcmp(op, "DoesNotExist") == 0) {
            if (have)
                return false;
        } else {
            return false;
        }
    }
    return true;
}
