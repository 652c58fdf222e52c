/*
 * The simulator's placement: what a replica needs (its template's
 * resources, a Kubernetes node selector), whether a node fits it (free
 * cpu and memory, a BCS constraint with bcs-scheduler's semantics), and
 * which of the fitting nodes it goes to.
 */
#include <fnmatch.h>
#include <math.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "sim_model.h"

/* Caches hold what is read from templates and constraints; they start
 * again when they grow past this many entries. */
#define CACHE_MAX 4096

/* BCS's constraint value types (ConstraintValue_Type). */
enum { TYPE_SCALAR = 1, TYPE_TEXT = 3, TYPE_SET = 4 };

/* Processes without resources get bcs-scheduler's defaults. */
#define PROCESS_CPUS 1.0
#define PROCESS_MEM_MB 64.0

typedef struct {
    char *key;
    sim_needs needs;
} tmpl_entry;

typedef struct {
    char *text;
    json_t *json;
} constraint_entry;

typedef struct {
    char *pattern;
    regex_t re;
    bool ok;
} regex_entry;

static void free_tmpl(void *p)
{
    tmpl_entry *t = p;

    free(t->key);
    json_decref(t->needs.node_selector);
    json_decref(t->needs.labels);
    free(t);
}

static void free_constraint(void *p)
{
    constraint_entry *c = p;

    free(c->text);
    json_decref(c->json);
    free(c);
}

static void free_regex(void *p)
{
    regex_entry *r = p;

    if (r->ok)
        regfree(&r->re);
    free(r->pattern);
    free(r);
}

static void cache_free(rollout__map *m, void (*free_entry)(void *))
{
    size_t i;

    for (i = 0; i < m->cap; i++)
        if (m->entries[i].hash >= 2 && m->entries[i].value)
            free_entry(m->entries[i].value);
    rollout__map_free(m);
}

void rollout__sim_caches_free(rollout_sim *s)
{
    cache_free(&s->tmpl_cache, free_tmpl);
    cache_free(&s->constraint_cache, free_constraint);
    cache_free(&s->regex_cache, free_regex);
}

/* Quantities. */

/* Kubernetes' resource.Quantity: a decimal number and a suffix. */
bool rollout__sim_quantity(double *out, const json_t *v)
{
    static const struct {
        const char *suffix;
        double factor;
    } suffixes[] = {
        {"", 1},       {"n", 1e-9},   {"u", 1e-6},   {"m", 1e-3},
        {"k", 1e3},    {"M", 1e6},    {"G", 1e9},    {"T", 1e12},
        {"P", 1e15},   {"E", 1e18},   {"Ki", 1024.0}, {"Mi", 1048576.0},
        {"Gi", 1073741824.0}, {"Ti", 1099511627776.0},
        {"Pi", 1125899906842624.0}, {"Ei", 1152921504606846976.0},
    };
    const char *s, *p;
    char *end;
    double x;
    size_t i;

    if (json_is_number(v)) {
        *out = json_number_value(v);
        return isfinite(*out) && *out >= 0;
    }
    if (!(s = json_string_value(v)))
        return false;
    p = s;
    if (*p == '+' || *p == '-')
        p++;
    if (!((*p >= '0' && *p <= '9') || (*p == '.' && p[1] >= '0' && p[1] <= '9')))
        return false;
    while ((*p >= '0' && *p <= '9') || *p == '.')
        p++;
    if ((*p == 'e' || *p == 'E') &&
        ((p[1] >= '0' && p[1] <= '9') ||
         ((p[1] == '+' || p[1] == '-') && p[2] >= '0' && p[2] <= '9'))) {
        p += 2;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    x = strtod(s, &end);
    if (end != p)
        return false;
    for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++)
        if (strcmp(p, suffixes[i].suffix) == 0) {
            *out = x * suffixes[i].factor;
            return isfinite(*out) && *out >= 0;
        }
    return false;
}

/* Go's strconv.ParseFloat with its error ignored, as the BCS driver
 * reads its resource strings. */
static double bcs_float(const json_t *v)
{
    const char *s = json_string_value(v);
    char *end;
    double x = 0;

    if (json_is_number(v)) {
        x = json_number_value(v);
    } else if (s && *s) {
        x = strtod(s, &end);
        if (*end != '\0')
            x = 0;
    }
    return isfinite(x) && x > 0 ? x : 0;
}

static bool bcs_empty(const json_t *v)
{
    return !v || (json_is_string(v) && !*json_string_value(v));
}

/* Kubernetes: requests, else limits, summed over the containers. */
static void k8s_needs(double *cpu, double *bytes, const json_t *spec)
{
    const json_t *c;
    size_t i;

    json_array_foreach(json_object_get(spec, "containers"), i, c) {
        const json_t *res = json_object_get(c, "resources");
        const json_t *req = json_object_get(res, "requests");
        const json_t *lim = json_object_get(res, "limits");
        const json_t *v;
        double x;

        v = json_object_get(req, "cpu");
        if (!v)
            v = json_object_get(lim, "cpu");
        if (v && rollout__sim_quantity(&x, v))
            *cpu += x;
        v = json_object_get(req, "memory");
        if (!v)
            v = json_object_get(lim, "memory");
        if (v && rollout__sim_quantity(&x, v))
            *bytes += x;
    }
}

/* BCS: each container's requests, which the driver takes from its limits
 * when requests.cpu is empty; a process's limits, defaulted. */
static void bcs_needs(double *cpu, double *bytes, const json_t *spec)
{
    const json_t *c;
    size_t i;

    json_array_foreach(rollout__json_get_ci(spec, "containers"), i, c) {
        const json_t *res = rollout__json_get_ci(c, "resources");
        const json_t *req = rollout__json_get_ci(res, "requests");
        const json_t *lim = rollout__json_get_ci(res, "limits");

        if (bcs_empty(rollout__json_get_ci(req, "cpu")) &&
            !bcs_empty(rollout__json_get_ci(lim, "cpu")))
            req = lim;
        *cpu += bcs_float(rollout__json_get_ci(req, "cpu"));
        *bytes += bcs_float(rollout__json_get_ci(req, "memory")) * SIM_MIB;
    }
    json_array_foreach(rollout__json_get_ci(spec, "processes"), i, c) {
        const json_t *lim = rollout__json_get_ci(rollout__json_get_ci(c, "resources"),
                                                "limits");
        const json_t *v = rollout__json_get_ci(lim, "cpu");

        *cpu += bcs_empty(v) ? PROCESS_CPUS : bcs_float(v);
        v = rollout__json_get_ci(lim, "memory");
        *bytes += (bcs_empty(v) ? PROCESS_MEM_MB : bcs_float(v)) * SIM_MIB;
    }
}

/* Labels. */

static json_t *labels_of(const json_t *doc, bool ci)
{
    json_t *meta = ci ? rollout__json_get_ci(doc, "metadata")
                      : json_object_get(doc, "metadata");

    return ci ? rollout__json_get_ci(meta, "labels") : json_object_get(meta, "labels");
}

/* Version.Labels: the deployment's labels overlaid by its template's. */
static json_t *version_labels(const rollout_replica *replica)
{
    rollout_deployment *d = rollout_replica_deployment(replica);
    json_t *labels = json_object(), *tmpl, *doc = NULL;
    rollout_spec *spec = NULL;
    char *text = NULL;

    if (!labels)
        return NULL;
    if (rollout_deployment_spec(&spec, d) == ROLLOUT_OK &&
        rollout_spec_write(&text, spec, ROLLOUT_FORMAT_JSON) == ROLLOUT_OK)
        doc = json_loads(text, 0, NULL);
    rollout_free(text);
    rollout_spec_free(spec);
    tmpl = json_loads(rollout_revision_template(rollout_replica_revision(replica)), 0,
                      NULL);
    if ((json_is_object(labels_of(doc, true)) &&
         json_object_update(labels, labels_of(doc, true)) < 0) ||
        (json_is_object(labels_of(tmpl, true)) &&
         json_object_update(labels, labels_of(tmpl, true)) < 0)) {
        json_decref(labels);
        labels = NULL;
    }
    json_decref(doc);
    json_decref(tmpl);
    return labels;
}

int rollout__sim_needs(const sim_needs **out, rollout_sim *s,
                       const rollout_replica *replica)
{
    rollout_deployment *d = rollout_replica_deployment(replica);
    rollout_revision *rev = rollout_replica_revision(replica);
    bool bcs = rollout_deployment_dialect(d) == ROLLOUT_DIALECT_BCS;
    double cpu = 0, bytes = 0;
    const char *parts[3];
    json_t *tmpl, *spec;
    char buf[256], *key;
    tmpl_entry *t;

    parts[0] = rollout_deployment_namespace(d);
    parts[1] = rollout_replica_set_name(rollout_replica_replica_set(replica));
    parts[2] = rollout_revision_hash(rev);
    if (!(key = rollout__sim_join(buf, sizeof(buf), "/", parts, 3)))
        return ROLLOUT_ENOMEM;
    if ((t = rollout__map_get(&s->tmpl_cache, key))) {
        if (key != buf)
            free(key);
        *out = &t->needs;
        return ROLLOUT_OK;
    }
    if ((t = calloc(1, sizeof(*t))))
        t->key = key != buf ? key : rollout__strdup(key);
    if (!t || !t->key) {
        if (!t && key != buf)
            free(key);
        free(t);
        return ROLLOUT_ENOMEM;
    }
    tmpl = json_loads(rollout_revision_template(rev), 0, NULL);
    spec = bcs ? rollout__json_get_ci(tmpl, "spec") : json_object_get(tmpl, "spec");
    if (bcs) {
        bcs_needs(&cpu, &bytes, spec);
        if (!(t->needs.labels = version_labels(replica))) {
            json_decref(tmpl);
            free_tmpl(t);
            return ROLLOUT_ENOMEM;
        }
    } else {
        json_t *sel = json_object_get(spec, "nodeSelector");

        k8s_needs(&cpu, &bytes, spec);
        if (json_object_size(sel) > 0)
            t->needs.node_selector = json_incref(sel);
    }
    json_decref(tmpl);
    cpu *= SIM_CPU_UNIT;
    t->needs.cpu = cpu < 9e18 ? rollout__sim_round(cpu) : INT64_MAX;
    t->needs.mem = bytes < 9e18 ? rollout__sim_round(bytes) : INT64_MAX;
    if (s->tmpl_cache.len >= CACHE_MAX)
        cache_free(&s->tmpl_cache, free_tmpl);
    if (!rollout__map_put(&s->tmpl_cache, t->key, t)) {
        free_tmpl(t);
        return ROLLOUT_ENOMEM;
    }
    *out = &t->needs;
    return ROLLOUT_OK;
}



/* Constraints. */

/* The constraint TEXT, parsed (NULL when it does not parse); false when
 * memory ran out. */
static bool parsed_constraint(const json_t **out, rollout_sim *s, const char *text)
{
    constraint_entry *c;

    *out = NULL;
    if ((c = rollout__map_get(&s->constraint_cache, text))) {
        *out = c->json;
        return true;
    }
    if (!(c = calloc(1, sizeof(*c))) || !(c->text = rollout__strdup(text))) {
        free(c);
        return false;
    }
    c->json = json_loads(text, 0, NULL);
    if (s->constraint_cache.len >= CACHE_MAX)
        cache_free(&s->constraint_cache, free_constraint);
    if (!rollout__map_put(&s->constraint_cache, c->text, c)) {
        free_constraint(c);
        return false;
    }
    *out = c->json;
    return true;
}

/* Whether PATTERN is a regular expression upstream's regexp package (RE2
 * syntax) compiles: no back-references, and no counted repetition that
 * nests past 1000 (RE2 refuses "expression too large").  The rest of the
 * POSIX dialect is near enough; these are the patterns that would make
 * regcomp or regexec take seconds. */
static bool regex_acceptable(const char *pattern)
{
    long stack[64], bound;
    int depth = 0;
    const char *p = pattern;

    if (strlen(pattern) > 1024)
        return false;
    stack[0] = 1;
    while (*p) {
        long atom = 1;

        if (*p == '\\') {
            if (p[1] >= '1' && p[1] <= '9')
                return false;
            p += p[1] ? 2 : 1;
        } else if (*p == '[') {
            /* a class: ']' first is a member, as is anything but ']' */
            p++;
            if (*p == '^')
                p++;
            if (*p == ']')
                p++;
            while (*p && *p != ']')
                p++;
            if (*p)
                p++;
        } else if (*p == '(') {
            if (depth + 1 >= (int)(sizeof(stack) / sizeof(stack[0])))
                return false;
            stack[++depth] = 1;
            p++;
            continue;
        } else if (*p == ')') {
            if (depth == 0)
                return false;
            atom = stack[depth--];
            p++;
        } else {
            p++;
        }
        /* the atom's repetition */
        if (*p == '{') {
            char *end;

            bound = strtol(p + 1, &end, 10);
            if (*end == ',')
                bound = end[1] == '}' ? bound : strtol(end + 1, &end, 10);
            if (bound > 1000 || atom * (bound > 0 ? bound : 1) > 1000)
                return false;
            atom *= bound > 0 ? bound : 1;
            p = strchr(p, '}') ? strchr(p, '}') + 1 : p + 1;
        }
        if (stack[depth] < atom)
            stack[depth] = atom;
    }
    return true;
}

/* fnmatch, or else an unanchored regular expression, as upstream
 * matches LIKE and UNLIKE patterns. */
static bool pattern_matches(rollout_sim *s, const char *pattern, const char *value)
{
    regex_entry *r;

    if (!pattern)
        return false;
    if (fnmatch(pattern, value, 0) == 0)
        return true;
    if (!(r = rollout__map_get(&s->regex_cache, pattern))) {
        if ((r = calloc(1, sizeof(*r))))
            r->pattern = rollout__strdup(pattern);
        if (!r || !r->pattern) {
            free(r);
            return false;
        }
        r->ok = regex_acceptable(pattern) &&
                regcomp(&r->re, pattern, REG_EXTENDED | REG_NOSUB) == 0;
        if (s->regex_cache.len >= CACHE_MAX)
            cache_free(&s->regex_cache, free_regex);
        if (!rollout__map_put(&s->regex_cache, r->pattern, r)) {
            bool hit = r->ok && regexec(&r->re, value, 0, NULL, 0) == 0;

            free_regex(r);
            return hit;
        }
    }
    return r->ok && regexec(&r->re, value, 0, NULL, 0) == 0;
}

static const char *data_string(const json_t *data, const char *key)
{
    return json_string_value(rollout__json_get_ci(data, key));
}

static json_int_t data_type(const json_t *data)
{
    return json_integer_value(rollout__json_get_ci(data, "type"));
}

static const char *text_value(const json_t *data)
{
    return json_string_value(rollout__json_get_ci(rollout__json_get_ci(data, "text"),
                                                 "value"));
}

static const json_t *set_items(const json_t *data)
{
    const json_t *set = rollout__json_get_ci(data, "set");

    return json_is_object(set) ? rollout__json_get_ci(set, "item") : NULL;
}

static bool in_set(const json_t *items, const char *value)
{
    const json_t *x;
    size_t i;

    json_array_foreach(items, i, x)
        if (json_is_string(x) && strcmp(json_string_value(x), value) == 0)
            return true;
    return false;
}

/* compareAttribute: same name, and same scalar or same text. */
static bool same_attr(const sim_attr *a, const sim_attr *b)
{
    if (a->scalar && b->scalar)
        return a->number == b->number;
    return !a->scalar && !b->scalar && strcmp(a->value, b->value) == 0;
}

/* The taskgroups of APP, not finished or failed, that recorded the same
 * value of ATTR (for UNIQUE, MAXPER and GROUPBY). */
static size_t same_value(const sim_app *app, const sim_attr *attr)
{
    size_t i, n = 0;

    for (i = 0; i < app->replicas.len; i++) {
        const sim_replica *r = app->replicas.items[i];
        const sim_attr *mine;

        if (r->state == SIM_FAILED)
            continue;
        mine = rollout__sim_attr_get(r->attrs, r->n_attrs, attr->key);
        if (mine && same_attr(mine, attr))
            n++;
    }
    return n;
}

/* Go's strconv.Atoi. */
static bool atoi_strict(long long *out, const char *s)
{
    char *end;

    if (!s || !*s || (*s != '+' && *s != '-' && (*s < '0' || *s > '9')))
        return false;
    *out = strtoll(s, &end, 10);
    return *end == '\0' && end != s && !(end == s + 1 && (*s == '+' || *s == '-'));
}

/* checkExclude: no taskgroup of another deployment's application whose
 * labels match the set is on this host. */
static bool exclude_fits(const json_t *data, const sim_node *node, const sim_app *app)
{
    const json_t *items = set_items(data);
    size_t i;

    if (data_type(data) != TYPE_SET || !json_is_array(items))
        return false;
    for (i = 0; i < node->replicas.len; i++) {
        const sim_replica *r = node->replicas.items[i];
        const char *k;
        json_t *v;

        if (!r->app->bcs ||
            (strcmp(r->app->ns, app->ns) == 0 &&
             strcmp(r->app->deployment, app->deployment) == 0))
            continue;
        json_object_foreach(r->app->labels, k, v) {
            char pair[512];

            if (!json_is_string(v))
                continue;
            snprintf(pair, sizeof(pair), "%s:%s", k, json_string_value(v));
            if (in_set(items, pair))
                return false;
        }
    }
    return true;
}

/* The attribute NAME of NODE; hostname is the node's host name. */
static const sim_attr *node_attr(const sim_node *node, const char *name, sim_attr *tmp)
{
    const sim_attr *a = rollout__sim_attr_get(node->attrs, node->n_attrs, name);

    if (a || strcmp(name, "hostname") != 0)
        return a;
    tmp->key = (char *)"hostname";
    tmp->value = node->name;
    tmp->scalar = false;
    tmp->number = 0;
    return tmp;
}

/* contraintDataFit, operator by operator (reference 3.14). */
static bool data_fits(rollout_sim *s, const json_t *data, const sim_node *node,
                      const sim_app *app)
{
    const char *name = data_string(data, "name");
    const char *op = data_string(data, "operate");
    json_int_t type = data_type(data);
    const sim_attr *attr;
    sim_attr tmp;

    if (!op)
        return false;
    if (strcmp(op, "EXCLUDE") == 0)
        return exclude_fits(data, node, app);
    if (!name || !(attr = node_attr(node, name, &tmp)))
        return false;
    if (strcmp(op, "UNIQUE") == 0)
        return same_value(app, attr) == 0;
    if (strcmp(op, "MAXPER") == 0) {
        long long limit;

        return type == TYPE_TEXT && atoi_strict(&limit, text_value(data)) &&
               (long long)same_value(app, attr) < limit;
    }
    if (strcmp(op, "CLUSTER") == 0) {
        if (attr->scalar)
            return true;
        if (type == TYPE_TEXT)
            return text_value(data) && strcmp(text_value(data), attr->value) == 0;
        if (type == TYPE_SET)
            return in_set(set_items(data), attr->value);
        return true;
    }
    if (strcmp(op, "LIKE") == 0 || strcmp(op, "UNLIKE") == 0) {
        bool like = op[0] == 'L', hit = false;

        if (attr->scalar)
            return true;
        if (type == TYPE_TEXT) {
            hit = pattern_matches(s, text_value(data), attr->value);
        } else if (type == TYPE_SET) {
            const json_t *x;
            size_t i;

            json_array_foreach(set_items(data), i, x)
                if (!hit && pattern_matches(s, json_string_value(x), attr->value))
                    hit = true;
        } else {
            return true;
        }
        return like ? hit : !hit;
    }
    if (strcmp(op, "GROUPBY") == 0) {
        const json_t *items = set_items(data);
        size_t n = json_array_size(items), total, limit;

        if (type != TYPE_SET || attr->scalar || !in_set(items, attr->value) || n == 0)
            return false;
        total = app->replicas.len + 1;
        limit = total / n + (total % n != 0);
        return same_value(app, attr) < limit;
    }
    if (strcmp(op, "GREATER") == 0) {
        const json_t *v = rollout__json_get_ci(rollout__json_get_ci(data, "scalar"),
                                              "value");

        return type == TYPE_SCALAR && json_is_number(v) && attr->scalar &&
               attr->number > json_number_value(v);
    }
    return false; /* an operator upstream does not know */
}

/* ConstraintsFit: every intersection item has a union entry that fits. */
static bool constraint_fits(rollout_sim *s, const json_t *c, const sim_node *node,
                            const sim_app *app)
{
    const json_t *item;
    size_t i;

    json_array_foreach(rollout__json_get_ci(c, "IntersectionItem"), i, item) {
        const json_t *data;
        bool fits = false;
        size_t j;

        if (json_is_null(item))
            continue;
        json_array_foreach(rollout__json_get_ci(item, "unionData"), j, data)
            if (!fits && !json_is_null(data) && data_fits(s, data, node, app))
                fits = true;
        if (!fits)
            return false;
    }
    return true;
}

/* The node attributes the constraint names, which the taskgroup records
 * for the placements after it. */
static int record_attrs(sim_attr **attrs, size_t *n, const json_t *c,
                        const sim_node *node)
{
    const json_t *item;
    size_t i;

    json_array_foreach(rollout__json_get_ci(c, "IntersectionItem"), i, item) {
        const json_t *data;
        size_t j;

        json_array_foreach(rollout__json_get_ci(item, "unionData"), j, data) {
            const char *name = data_string(data, "name");
            const sim_attr *a;
            sim_attr tmp;

            if (!name || rollout__sim_attr_get(*attrs, *n, name) ||
                !(a = node_attr(node, name, &tmp)))
                continue;
            if (!rollout__sim_attr_set(attrs, n, name, a->value))
                return ROLLOUT_ENOMEM;
        }
    }
    return ROLLOUT_OK;
}

static bool selector_fits(const json_t *selector, const sim_node *node)
{
    const char *k;
    json_t *v;

    json_object_foreach((json_t *)selector, k, v) {
        const sim_attr *a = rollout__sim_attr_get(node->attrs, node->n_attrs, k);

        if (!a || !json_is_string(v) || strcmp(a->value, json_string_value(v)) != 0)
            return false;
    }
    return true;
}

/* How full a node is: its fuller resource, as a fraction. */
static double load(const sim_node *n)
{
    double cpu = n->cpu > 0 ? (double)n->cpu_used / (double)n->cpu : 0;
    double mem = n->mem > 0 ? (double)n->mem_used / (double)n->mem : 0;

    return cpu > mem ? cpu : mem;
}

/* The least loaded first, then the one with fewer replicas, then by
 * name. */
static bool better(const sim_node *a, const sim_node *b)
{
    double la = load(a), lb = load(b);

    if (la != lb)
        return la < lb;
    if (a->replicas.len != b->replicas.len)
        return a->replicas.len < b->replicas.len;
    return strcmp(a->name, b->name) < 0;
}

int rollout__sim_choose_node(sim_node **out, sim_attr **attrs, size_t *n_attrs,
                             rollout_sim *s, const rollout_replica *replica,
                             const sim_app *app, const sim_needs *needs)
{
    rollout_deployment *d = rollout_replica_deployment(replica);
    const json_t *c = NULL;
    sim_node *best = NULL;
    size_t i;
    int rc;

    *out = NULL;
    *attrs = NULL;
    *n_attrs = 0;
    if (app->bcs && rollout_deployment_constraint(d) &&
        !parsed_constraint(&c, s, rollout_deployment_constraint(d)))
        return ROLLOUT_ENOMEM;
    for (i = 0; i < s->nodes.len; i++) {
        sim_node *n = s->nodes.items[i];

        if (n->cpu - n->cpu_used < needs->cpu || n->mem - n->mem_used < needs->mem)
            continue;
        if (needs->node_selector && !selector_fits(needs->node_selector, n))
            continue;
        if (c && !constraint_fits(s, c, n, app))
            continue;
        if (!best || better(n, best))
            best = n;
    }
    if (best && c && (rc = record_attrs(attrs, n_attrs, c, best)) != ROLLOUT_OK) {
        rollout__sim_attrs_free(*attrs, *n_attrs);
        *attrs = NULL;
        *n_attrs = 0;
        return rc;
    }
    *out = best;
    return ROLLOUT_OK;
}
