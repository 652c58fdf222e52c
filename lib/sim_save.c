/*
 * The simulator's snapshots: its whole state as JSON, the engine's
 * snapshot embedded, and a new simulator rebuilt from one that goes on
 * exactly as the saved one would have.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_model.h"

#define SIM_FORMAT "librollout-sim"
#define SIM_VERSION 1

static const char *const states[] = {
    "starting", "running", "ready", "failed", "lost", "terminating",
};
static const char *const event_kinds[] = {
    NULL, "running", "ready", "crash", "gone",
};
static const char *const faults[] = {
    "healthy", "never-ready", "crash",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int name_index(const char *const *names, size_t n, const char *name)
{
    size_t i;

    for (i = 0; name && i < n; i++)
        if (names[i] && strcmp(names[i], name) == 0)
            return (int)i;
    return -1;
}

/* Saving. */

static json_t *attrs_json(const sim_attr *attrs, size_t n)
{
    json_t *a = json_array();
    size_t i;

    for (i = 0; a && i < n; i++)
        if (json_array_append_new(a, json_pack("[ss]", attrs[i].key,
                                               attrs[i].value)) < 0) {
            json_decref(a);
            return NULL;
        }
    return a;
}

static json_t *hex(uint64_t x)
{
    char buf[24];

    snprintf(buf, sizeof(buf), "%016" PRIx64, x);
    return json_string(buf);
}

static json_t *options_json(const rollout_sim_options *o)
{
    return json_pack("{s:o, s:I, s:I, s:I, s:I, s:b, s:f, s:I, s:s?, s:b, s:I, s:I}",
                     "seed", hex(o->seed), "startDelayMin",
                     (json_int_t)o->start_delay_min_ms, "startDelayMax",
                     (json_int_t)o->start_delay_max_ms, "readyDelay",
                     (json_int_t)o->ready_delay_ms, "stopDelay",
                     (json_int_t)o->stop_delay_ms, "manual", o->manual, "refuseRate",
                     o->refuse_rate, "startTime", (json_int_t)o->start_time_ms,
                     "cluster", o->cluster, "noTimeline", o->no_timeline,
                     "backoffInitial", (json_int_t)o->backoff_initial_ms,
                     "backoffMax", (json_int_t)o->backoff_max_ms);
}

static bool add(json_t *array, json_t *item)
{
    return item && json_array_append_new(array, item) == 0;
}

static bool save_nodes(json_t *out, const rollout_sim *s)
{
    size_t i;

    for (i = 0; i < s->nodes.len; i++) {
        const sim_node *n = s->nodes.items[i];

        if (!add(out, json_pack("{s:s, s:I, s:I, s:o}", "name", n->name, "cpu",
                                (json_int_t)n->cpu, "memory", (json_int_t)n->mem,
                                "attributes", attrs_json(n->attrs, n->n_attrs))))
            return false;
    }
    return true;
}

static bool save_apps(json_t *apps, json_t *replicas, const rollout_sim *s)
{
    size_t i, j;

    for (i = 0; i < s->apps.len; i++) {
        const sim_app *a = s->apps.items[i];

        if (!add(apps, json_pack("{s:s, s:s, s:s, s:b, s:O?}", "key", a->key,
                                 "namespace", a->ns, "deployment", a->deployment,
                                 "bcs", a->bcs, "labels", a->labels)))
            return false;
        for (j = 0; j < a->replicas.len; j++) {
            const sim_replica *r = a->replicas.items[j];

            if (!add(replicas,
                     json_pack("{s:I, s:s, s:s, s:s?, s:s, s:b, s:I, s:I, s:o}",
                               "serial", (json_int_t)r->serial, "name", r->name,
                               "app", a->key, "node", r->node ? r->node->name : NULL,
                               "state", states[r->state], "holds", r->holds, "cpu",
                               (json_int_t)r->cpu, "memory", (json_int_t)r->mem,
                               "attributes", attrs_json(r->attrs, r->n_attrs))))
                return false;
        }
    }
    return true;
}

static int cmp_event(const void *a, const void *b)
{
    const sim_event *x = *(const sim_event *const *)a, *y = *(const sim_event *const *)b;

    if (x->time != y->time)
        return x->time < y->time ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Pending events of replicas still there; the others would do nothing.
 * In time order, not the heap's: leaving some out changes the layout of
 * the heap rebuilt from them, and a restored simulator must save the same
 * bytes. */
static bool save_events(json_t *out, const rollout_sim *s)
{
    const sim_event **order = malloc((s->heap_len + 1) * sizeof(*order));
    bool ok = order != NULL;
    size_t i;

    for (i = 0; ok && i < s->heap_len; i++)
        order[i] = &s->heap[i];
    if (ok)
        qsort(order, s->heap_len, sizeof(*order), cmp_event);
    for (i = 0; ok && i < s->heap_len; i++) {
        const sim_event *ev = order[i];

        if (ev->replica->state == SIM_GONE)
            continue;
        ok = add(out, json_pack("{s:I, s:I, s:s, s:s}", "time", (json_int_t)ev->time,
                                "seq", (json_int_t)ev->seq, "kind",
                                event_kinds[ev->kind], "replica", ev->replica->name));
    }
    free(order);
    return ok;
}

static bool save_rest(json_t *root, const rollout_sim *s)
{
    json_t *list;
    size_t i;

    if (!(list = json_array()) || json_object_set_new(root, "faults", list) < 0)
        return false;
    for (i = 0; i < s->n_faults; i++)
        if (!add(list, json_pack("{s:s, s:s, s:I}", "image", s->faults[i].image,
                                 "fault", faults[s->faults[i].fault], "after",
                                 (json_int_t)s->faults[i].after)))
            return false;
    if (!(list = json_array()) || json_object_set_new(root, "timeline", list) < 0)
        return false;
    for (i = 0; i < s->timeline_len; i++)
        if (!add(list, json_pack("[Is]", (json_int_t)s->timeline[i].time,
                                 s->timeline[i].text)))
            return false;
    if (!(list = json_array()) || json_object_set_new(root, "deployments", list) < 0)
        return false;
    for (i = 0; i < s->deps.len; i++) {
        const sim_dep *t = s->deps.items[i];

        if (!add(list, json_pack("{s:s, s:s, s:s, s:i, s:i, s:I, s:I, s:s?, s:s?, "
                                 "s:b, s:I, s:I, s:i, s:i, s:i, s:I}",
                                 "key", t->key, "namespace", t->ns, "name", t->name,
                                 "dialect", t->dialect, "kind", t->kind, "created",
                                 (json_int_t)t->created, "generation",
                                 (json_int_t)t->generation, "target", t->target,
                                 "status", t->status,
                                 "present", t->present, "start", (json_int_t)t->start,
                                 "finish", (json_int_t)t->finish, "minAvailable",
                                 (int)t->min_available, "maxTotal", (int)t->max_total,
                                 "waves", (int)t->waves, "lastWave",
                                 (json_int_t)t->last_wave)))
            return false;
    }
    return true;
}

int rollout__sim_save(char **out, rollout_sim *s)
{
    json_t *root, *engine, *nodes, *apps, *replicas, *events;
    char *text = NULL;
    int rc;

    if ((rc = rollout_engine_save(&text, s->e)) != ROLLOUT_OK) {
        if (rc == ROLLOUT_ENOMEM)
            return rollout__sim_oom(s);
        return rollout__sim_fail(s, rc, "%s", rollout_engine_errmsg(s->e));
    }
    engine = json_loads(text, 0, NULL);
    rollout_free(text);
    nodes = json_array();
    apps = json_array();
    replicas = json_array();
    events = json_array();
    root = json_pack("{s:s, s:i, s:s, s:I, s:o, s:o, s:I, s:I, s:I, s:o, s:o, s:o, "
                     "s:o, s:o}",
                     "format", SIM_FORMAT, "version", SIM_VERSION, "library",
                     rollout_version(), "clock", (json_int_t)s->now, "options",
                     options_json(&s->opts), "rng", hex(s->rng), "nextSeq",
                     (json_int_t)s->next_seq, "nextSerial", (json_int_t)s->next_serial,
                     "nextIp", (json_int_t)s->next_ip, "nodes", nodes, "apps", apps,
                     "replicas", replicas, "events", events, "engine", engine);
    if (!root || !save_nodes(nodes, s) || !save_apps(apps, replicas, s) ||
        !save_events(events, s) || !save_rest(root, s)) {
        json_decref(root);
        return rollout__sim_oom(s);
    }
    *out = json_dumps(root, JSON_INDENT(1) | JSON_ENSURE_ASCII);
    json_decref(root);
    return *out ? ROLLOUT_OK : rollout__sim_oom(s);
}

/* Restoring: every field is checked before the simulator is handed out. */

typedef struct {
    char *msg;
    char where[128];
} reader;

static int bad(reader *rd, const char *fmt, ...) ROLLOUT__PRINTF(2, 3);

static int bad(reader *rd, const char *fmt, ...)
{
    char what[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    free(rd->msg);
    rd->msg = rollout__sprintf("simulator state: %s%s%s", rd->where,
                                   *rd->where ? ": " : "", what);
    return ROLLOUT_ESNAPSHOT;
}

static bool get_i64(const json_t *o, const char *k, int64_t lo, int64_t *out)
{
    json_t *v = json_object_get(o, k);

    if (!json_is_integer(v) || json_integer_value(v) < lo)
        return false;
    *out = json_integer_value(v);
    return true;
}

static bool get_bool(const json_t *o, const char *k, bool *out)
{
    json_t *v = json_object_get(o, k);

    if (!json_is_boolean(v))
        return false;
    *out = json_is_true(v);
    return true;
}

static bool get_hex(const json_t *o, const char *k, uint64_t *out)
{
    const char *t = json_string_value(json_object_get(o, k));
    char *end;

    if (!t || strlen(t) != 16)
        return false;
    *out = (uint64_t)strtoull(t, &end, 16);
    return *end == '\0';
}

static bool get_i32(const json_t *o, const char *k, int32_t lo, int32_t *out)
{
    int64_t v;

    if (!get_i64(o, k, lo, &v) || v > INT32_MAX)
        return false;
    *out = (int32_t)v;
    return true;
}

static int read_options(reader *rd, rollout_sim_options *o, const json_t *j)
{
    json_t *cluster = json_object_get(j, "cluster");
    bool manual, no_timeline;

    rollout_sim_options_init(o, ROLLOUT_SIM_OPTIONS_VERSION);
    snprintf(rd->where, sizeof(rd->where), "options");
    if (!json_is_object(j) || !get_hex(j, "seed", &o->seed) ||
        !get_i64(j, "startDelayMin", 0, &o->start_delay_min_ms) ||
        !get_i64(j, "startDelayMax", 0, &o->start_delay_max_ms) ||
        !get_i64(j, "readyDelay", 0, &o->ready_delay_ms) ||
        !get_i64(j, "stopDelay", 0, &o->stop_delay_ms) ||
        !get_bool(j, "manual", &manual) ||
        !json_is_number(json_object_get(j, "refuseRate")) ||
        !get_i64(j, "startTime", INT64_MIN, &o->start_time_ms) ||
        !(json_is_string(cluster) || json_is_null(cluster) || !cluster) ||
        !get_bool(j, "noTimeline", &no_timeline) ||
        !get_i64(j, "backoffInitial", 0, &o->backoff_initial_ms) ||
        !get_i64(j, "backoffMax", 0, &o->backoff_max_ms))
        return bad(rd, "missing or malformed");
    o->manual = manual;
    o->no_timeline = no_timeline;
    o->refuse_rate = json_number_value(json_object_get(j, "refuseRate"));
    o->cluster = json_string_value(cluster);
    return ROLLOUT_OK;
}

static int read_attrs(reader *rd, sim_attr **attrs, size_t *n, const json_t *j)
{
    const json_t *x;
    size_t i;

    if (!json_is_array(j))
        return bad(rd, "attributes: not a list");
    json_array_foreach(j, i, x) {
        const char *k = json_string_value(json_array_get(x, 0));
        const char *v = json_string_value(json_array_get(x, 1));

        if (json_array_size(x) != 2 || !k || !*k || !v ||
            rollout__sim_attr_get(*attrs, *n, k))
            return bad(rd, "attribute %zu is not a [key, value] pair of its own", i);
        if (!rollout__sim_attr_set(attrs, n, k, v))
            return ROLLOUT_ENOMEM;
    }
    return ROLLOUT_OK;
}

static int read_nodes(reader *rd, rollout_sim *s, const json_t *j)
{
    const json_t *x;
    size_t i;

    if (!json_is_array(j))
        return bad(rd, "nodes: not a list");
    json_array_foreach(j, i, x) {
        const char *name = json_string_value(json_object_get(x, "name"));
        int64_t cpu, mem;
        sim_node *n;
        int rc;

        snprintf(rd->where, sizeof(rd->where), "nodes[%zu]", i);
        if (!name || !*name || !get_i64(x, "cpu", 0, &cpu) ||
            !get_i64(x, "memory", 0, &mem))
            return bad(rd, "missing or malformed");
        if (rollout__sim_find_node(s, name))
            return bad(rd, "node %s twice", name);
        if (!(n = rollout__sim_node_new(name, cpu, mem)))
            return ROLLOUT_ENOMEM;
        if (!rollout__vec_push(&s->nodes, n)) {
            rollout__sim_node_free(n);
            return ROLLOUT_ENOMEM;
        }
        if (!rollout__map_put(&s->node_map, n->name, n))
            return ROLLOUT_ENOMEM;
        if ((rc = read_attrs(rd, &n->attrs, &n->n_attrs,
                             json_object_get(x, "attributes"))) != ROLLOUT_OK)
            return rc;
    }
    return ROLLOUT_OK;
}

static int read_apps(reader *rd, rollout_sim *s, const json_t *j)
{
    const json_t *x;
    size_t i;

    if (!json_is_array(j))
        return bad(rd, "apps: not a list");
    json_array_foreach(j, i, x) {
        const char *key = json_string_value(json_object_get(x, "key"));
        const char *ns = json_string_value(json_object_get(x, "namespace"));
        const char *dep = json_string_value(json_object_get(x, "deployment"));
        json_t *labels = json_object_get(x, "labels");
        bool bcs;
        sim_app *a;

        snprintf(rd->where, sizeof(rd->where), "apps[%zu]", i);
        if (!key || !ns || !dep || !get_bool(x, "bcs", &bcs) ||
            !(json_is_object(labels) || (!bcs && (!labels || json_is_null(labels)))))
            return bad(rd, "missing or malformed");
        if (rollout__map_get(&s->app_map, key))
            return bad(rd, "application %s twice", key);
        a = rollout__sim_app_new(key, ns, dep, bcs,
                                 json_is_object(labels) ? json_deep_copy(labels) : NULL);
        if (!a || (bcs && !a->labels) || !rollout__sim_app_add(s, a)) {
            rollout__sim_app_free(a);
            return ROLLOUT_ENOMEM;
        }
    }
    return ROLLOUT_OK;
}

static int read_replica(reader *rd, rollout_sim *s, const json_t *x)
{
    const char *name = json_string_value(json_object_get(x, "name"));
    const char *app = json_string_value(json_object_get(x, "app"));
    json_t *node = json_object_get(x, "node");
    int64_t serial, cpu, mem;
    sim_node *n = NULL;
    sim_replica *r;
    sim_app *a;
    bool holds;
    int state, rc;

    state = name_index(states, COUNT(states),
                       json_string_value(json_object_get(x, "state")));
    if (!name || !app || state < 0 || !get_i64(x, "serial", 1, &serial) ||
        !get_bool(x, "holds", &holds) || !get_i64(x, "cpu", 0, &cpu) ||
        !get_i64(x, "memory", 0, &mem) || !(json_is_string(node) || json_is_null(node)))
        return bad(rd, "missing or malformed");
    if (!(a = rollout__map_get(&s->app_map, app)))
        return bad(rd, "no application %s", app);
    if (json_is_string(node) && !(n = rollout__sim_find_node(s, json_string_value(node))))
        return bad(rd, "no node %s", json_string_value(node));
    if ((holds && !n) || (uint64_t)serial >= s->next_serial)
        return bad(rd, "inconsistent");
    if (rollout__map_get(&s->replica_map, name))
        return bad(rd, "replica %s twice", name);
    if (!(r = calloc(1, sizeof(*r))) || !(r->name = rollout__strdup(name))) {
        free(r);
        return ROLLOUT_ENOMEM;
    }
    r->serial = (uint64_t)serial;
    r->app = a;
    r->state = state;
    r->cpu = cpu;
    r->mem = mem;
    if (!rollout__sim_replica_add(s, r)) {
        r->refs = 1;
        rollout__sim_replica_unref(r);
        return ROLLOUT_ENOMEM;
    }
    if (n && !rollout__sim_place_on(n, r, holds))
        return ROLLOUT_ENOMEM;
    rc = read_attrs(rd, &r->attrs, &r->n_attrs, json_object_get(x, "attributes"));
    return rc;
}

static int read_replicas(reader *rd, rollout_sim *s, const json_t *j)
{
    const json_t *x;
    size_t i;
    int rc;

    if (!json_is_array(j))
        return bad(rd, "replicas: not a list");
    json_array_foreach(j, i, x) {
        snprintf(rd->where, sizeof(rd->where), "replicas[%zu]", i);
        if ((rc = read_replica(rd, s, x)) != ROLLOUT_OK)
            return rc;
    }
    /* what the nodes hold follows from their replicas */
    for (i = 0; i < s->nodes.len; i++) {
        const sim_node *n = s->nodes.items[i];

        if (n->cpu_used < 0 || n->mem_used < 0) {
            snprintf(rd->where, sizeof(rd->where), "nodes[%zu]", i);
            return bad(rd, "inconsistent");
        }
    }
    /* an application without replicas has no reason to be */
    for (i = 0; i < s->apps.len; i++)
        if (((sim_app *)s->apps.items[i])->replicas.len == 0) {
            snprintf(rd->where, sizeof(rd->where), "apps[%zu]", i);
            return bad(rd, "no replica");
        }
    return ROLLOUT_OK;
}

static int read_events(reader *rd, rollout_sim *s, const json_t *j)
{
    const json_t *x;
    size_t i;

    if (!json_is_array(j))
        return bad(rd, "events: not a list");
    json_array_foreach(j, i, x) {
        const char *name = json_string_value(json_object_get(x, "replica"));
        int kind = name_index(event_kinds, COUNT(event_kinds),
                              json_string_value(json_object_get(x, "kind")));
        sim_replica *r = name ? rollout__map_get(&s->replica_map, name) : NULL;
        int64_t time, seq;

        snprintf(rd->where, sizeof(rd->where), "events[%zu]", i);
        if (kind < 1 || !get_i64(x, "time", INT64_MIN, &time) ||
            !get_i64(x, "seq", 0, &seq))
            return bad(rd, "missing or malformed");
        if (!r || (uint64_t)seq >= s->next_seq)
            return bad(rd, "inconsistent");
        if (!rollout__sim_heap_push(s, time, (uint64_t)seq, kind, r))
            return ROLLOUT_ENOMEM;
    }
    return ROLLOUT_OK;
}

static int read_faults(reader *rd, rollout_sim *s, const json_t *j)
{
    const json_t *x;
    size_t i;

    if (!json_is_array(j))
        return bad(rd, "faults: not a list");
    s->faults = calloc(json_array_size(j) + 1, sizeof(*s->faults));
    if (!s->faults)
        return ROLLOUT_ENOMEM;
    json_array_foreach(j, i, x) {
        const char *image = json_string_value(json_object_get(x, "image"));
        int fault = name_index(faults, COUNT(faults),
                               json_string_value(json_object_get(x, "fault")));
        int64_t after;
        size_t k;

        snprintf(rd->where, sizeof(rd->where), "faults[%zu]", i);
        if (!image || fault < 1 || !get_i64(x, "after", 0, &after))
            return bad(rd, "missing or malformed");
        for (k = 0; k < s->n_faults; k++)
            if (strcmp(s->faults[k].image, image) == 0)
                return bad(rd, "image %s twice", image);
        if (!(s->faults[s->n_faults].image = rollout__strdup(image)))
            return ROLLOUT_ENOMEM;
        s->faults[s->n_faults].fault = fault;
        s->faults[s->n_faults].after = after;
        s->n_faults++;
    }
    return ROLLOUT_OK;
}

static int read_timeline(reader *rd, rollout_sim *s, const json_t *j)
{
    const json_t *x;
    size_t i;

    if (!json_is_array(j))
        return bad(rd, "timeline: not a list");
    json_array_foreach(j, i, x) {
        const char *text = json_string_value(json_array_get(x, 1));

        if (json_array_size(x) != 2 || !json_is_integer(json_array_get(x, 0)) || !text) {
            snprintf(rd->where, sizeof(rd->where), "timeline[%zu]", i);
            return bad(rd, "not a [time, text] pair");
        }
        if (!rollout__sim_timeline_add(s, json_integer_value(json_array_get(x, 0)),
                                       text))
            return ROLLOUT_ENOMEM;
    }
    return ROLLOUT_OK;
}

static int read_deployments(reader *rd, rollout_sim *s, const json_t *j)
{
    const json_t *x;
    size_t i;

    if (!json_is_array(j))
        return bad(rd, "deployments: not a list");
    json_array_foreach(j, i, x) {
        const char *key = json_string_value(json_object_get(x, "key"));
        const char *ns = json_string_value(json_object_get(x, "namespace"));
        const char *name = json_string_value(json_object_get(x, "name"));
        json_t *target = json_object_get(x, "target");
        json_t *status = json_object_get(x, "status");
        int32_t dialect, kind;
        sim_dep *t;

        snprintf(rd->where, sizeof(rd->where), "deployments[%zu]", i);
        if (!key || !ns || !name || !(json_is_string(target) || json_is_null(target)) ||
            !(json_is_string(status) || json_is_null(status)))
            return bad(rd, "missing or malformed");
        if (rollout__map_get(&s->dep_map, key))
            return bad(rd, "deployment %s twice", key);
        if (!(t = calloc(1, sizeof(*t))))
            return ROLLOUT_ENOMEM;
        t->key = rollout__strdup(key);
        t->ns = rollout__strdup(ns);
        t->name = rollout__strdup(name);
        t->target = rollout__strdup(json_string_value(target));
        t->status = rollout__strdup(json_string_value(status));
        if (!t->key || !t->ns || !t->name || (json_is_string(target) && !t->target) ||
            (json_is_string(status) && !t->status) ||
            !rollout__vec_push(&s->deps, t)) {
            free(t->key);
            free(t->ns);
            free(t->name);
            free(t->target);
            free(t->status);
            free(t);
            return ROLLOUT_ENOMEM;
        }
        if (!rollout__map_put(&s->dep_map, t->key, t))
            return ROLLOUT_ENOMEM;
        if (!get_i32(x, "dialect", 0, &dialect) || !get_i32(x, "kind", 0, &kind) ||
            !get_i64(x, "created", INT64_MIN, &t->created) ||
            !get_i64(x, "generation", INT64_MIN, &t->generation) ||
            !get_bool(x, "present", &t->present) ||
            !get_i64(x, "start", INT64_MIN, &t->start) ||
            !get_i64(x, "finish", -1, &t->finish) ||
            !get_i32(x, "minAvailable", INT32_MIN, &t->min_available) ||
            !get_i32(x, "maxTotal", INT32_MIN, &t->max_total) ||
            !get_i32(x, "waves", 0, &t->waves) ||
            !get_i64(x, "lastWave", INT64_MIN, &t->last_wave))
            return bad(rd, "missing or malformed");
        t->dialect = dialect;
        t->kind = kind;
    }
    return ROLLOUT_OK;
}

/* Builds the simulator of ROOT in *OUT (freed by the caller whatever
 * happens). */
static int read_all(reader *rd, rollout_sim **out, const json_t *root)
{
    rollout_sim_options opts;
    json_int_t version;
    const char *format;
    rollout_sim *s;
    int64_t clock, next_seq, next_serial, next_ip;
    uint64_t rng;
    char *engine;
    int rc;

    format = json_string_value(json_object_get(root, "format"));
    if (!format || strcmp(format, SIM_FORMAT) != 0)
        return bad(rd, "not a saved simulator");
    version = json_integer_value(json_object_get(root, "version"));
    if (!json_is_integer(json_object_get(root, "version")) || version < 1)
        return bad(rd, "bad version");
    if (version > SIM_VERSION)
        return bad(rd, "version %lld is newer than this library reads (%d)",
                   (long long)version, SIM_VERSION);
    if (!get_i64(root, "clock", INT64_MIN, &clock) || !get_hex(root, "rng", &rng) ||
        !get_i64(root, "nextSeq", 0, &next_seq) ||
        !get_i64(root, "nextSerial", 1, &next_serial) ||
        !get_i64(root, "nextIp", 0, &next_ip) ||
        !json_is_object(json_object_get(root, "engine")))
        return bad(rd, "bad header");
    if ((rc = read_options(rd, &opts, json_object_get(root, "options"))) != ROLLOUT_OK)
        return rc;
    if ((rc = rollout__sim_create(out, &opts)) != ROLLOUT_OK)
        return rc == ROLLOUT_EINVAL ? bad(rd, "out of range") : rc;
    s = *out;
    s->now = clock;
    s->rng = rng;
    s->next_seq = (uint64_t)next_seq;
    s->next_serial = (uint64_t)next_serial;
    s->next_ip = (uint64_t)next_ip;
    *rd->where = '\0';
    if ((rc = rollout__sim_start_engine(s)) != ROLLOUT_OK)
        return rc == ROLLOUT_ENOMEM ? rc
                                    : bad(rd, "options: %s", rollout_engine_errmsg(s->e));
    if (!(engine = json_dumps(json_object_get(root, "engine"), JSON_COMPACT)))
        return ROLLOUT_ENOMEM;
    rc = rollout_engine_restore(s->e, engine, strlen(engine));
    free(engine);
    if (rc != ROLLOUT_OK)
        return rc == ROLLOUT_ENOMEM ? rc
                                    : bad(rd, "engine: %s", rollout_engine_errmsg(s->e));
    if ((rc = read_nodes(rd, s, json_object_get(root, "nodes"))) != ROLLOUT_OK ||
        (rc = read_apps(rd, s, json_object_get(root, "apps"))) != ROLLOUT_OK ||
        (rc = read_replicas(rd, s, json_object_get(root, "replicas"))) != ROLLOUT_OK ||
        (rc = read_events(rd, s, json_object_get(root, "events"))) != ROLLOUT_OK ||
        (rc = read_faults(rd, s, json_object_get(root, "faults"))) != ROLLOUT_OK ||
        (rc = read_timeline(rd, s, json_object_get(root, "timeline"))) != ROLLOUT_OK ||
        (rc = read_deployments(rd, s, json_object_get(root, "deployments"))) !=
            ROLLOUT_OK)
        return rc;
    return ROLLOUT_OK;
}

int rollout__sim_restore(rollout_sim **out, char **msg, const char *json, size_t len)
{
    reader rd = {NULL, ""};
    json_error_t jerr;
    json_t *root;
    int rc;

    *out = NULL;
    *msg = NULL;
    root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        *msg = rollout__sprintf("simulator state: line %d column %d: %s",
                                    jerr.line, jerr.column, jerr.text);
        return ROLLOUT_ESNAPSHOT;
    }
    rc = read_all(&rd, out, root);
    json_decref(root);
    if (rc != ROLLOUT_OK) {
        rollout_sim_free(*out);
        *out = NULL;
        *msg = rd.msg;
        return rc;
    }
    return ROLLOUT_OK;
}
