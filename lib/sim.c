/*
 * The simulator (rollout/sim.h): a cluster that hosts an engine.  Its life,
 * the virtual clock and the run loop, the engine's callbacks, what happens
 * to replicas over time, steering by hand, the timeline and the summaries.
 * Placement is in sim_place.c, snapshots in sim_save.c.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_model.h"

/* Steps the run loop may take at one instant, beyond a margin per replica
 * and deployment, before it decides that the simulation does not advance
 * (zero delays and a crash fault replace replicas forever). */
#define STEPS_PER_OBJECT 64
#define STEPS_MARGIN 10000

static const char *const state_names[] = {
    "starting", "running", "ready", "failed", "lost", "terminating", "gone",
};

/* Containers. */

/* Removes ITEM, keeping the order of the others. */
static bool vec_remove(rollout__vec *v, void *item)
{
    size_t i;

    for (i = v->len; i-- > 0;)
        if (v->items[i] == item) {
            rollout__vec_remove_at(v, i);
            return true;
        }
    return false;
}
/* Errors. */

int rollout__sim_fail(rollout_sim *s, int code, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    msg = rollout__vsprintf(fmt, ap);
    va_end(ap);
    free(s->errmsg);
    s->errmsg = msg;
    s->err_oom = msg == NULL;
    return code;
}

int rollout__sim_oom(rollout_sim *s)
{
    free(s->errmsg);
    s->errmsg = NULL;
    s->err_oom = true;
    return ROLLOUT_ENOMEM;
}

void rollout__sim_clear_error(rollout_sim *s)
{
    free(s->errmsg);
    s->errmsg = NULL;
    s->err_oom = false;
    s->cb_error = 0;
}

/* The engine's error, as the simulator's. */
static int engine_error(rollout_sim *s, int rc)
{
    const char *msg = rollout_engine_errmsg(s->e);

    if (rc == ROLLOUT_ENOMEM)
        return rollout__sim_oom(s);
    return rollout__sim_fail(s, rc, "%s", *msg ? msg : rollout_strerror(rc));
}

const char *rollout_sim_errmsg(const rollout_sim *s)
{
    if (!s)
        return rollout_strerror(ROLLOUT_EINVAL);
    if (s->err_oom)
        return rollout_strerror(ROLLOUT_ENOMEM);
    return s->errmsg ? s->errmsg : "";
}

/* Strings. */

char *rollout__sim_join(char *buf, size_t size, const char *sep,
                        const char *const *parts, size_t n)
{
    size_t len = 0, k = strlen(sep), i;
    char *out, *p;

    for (i = 0; i < n; i++)
        len += strlen(parts[i]) + (i ? k : 0);
    out = len < size ? buf : malloc(len + 1);
    if (!out)
        return NULL;
    for (p = out, i = 0; i < n; i++) {
        size_t m = strlen(parts[i]);

        if (i) {
            memcpy(p, sep, k);
            p += k;
        }
        memcpy(p, parts[i], m);
        p += m;
    }
    *p = '\0';
    return out;
}

static bool streq(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* Attributes. */

static void attr_read(sim_attr *a)
{
    char *end;
    double x;

    a->scalar = false;
    a->number = 0;
    if (!*a->value)
        return;
    x = strtod(a->value, &end);
    if (*end == '\0' && isfinite(x)) {
        a->scalar = true;
        a->number = x;
    }
}

const sim_attr *rollout__sim_attr_get(const sim_attr *attrs, size_t n,
                                      const char *key)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (strcmp(attrs[i].key, key) == 0)
            return &attrs[i];
    return NULL;
}

bool rollout__sim_attr_set(sim_attr **attrs, size_t *n, const char *key,
                           const char *value)
{
    sim_attr *a = (sim_attr *)rollout__sim_attr_get(*attrs, *n, key);
    char *v;

    if (!value) {
        if (a) {
            size_t i = (size_t)(a - *attrs);

            free(a->key);
            free(a->value);
            memmove(a, a + 1, (*n - i - 1) * sizeof(*a));
            (*n)--;
        }
        return true;
    }
    if (!(v = rollout__strdup(value)))
        return false;
    if (!a) {
        sim_attr *grown = realloc(*attrs, (*n + 1) * sizeof(*grown));
        char *k = rollout__strdup(key);

        if (grown)
            *attrs = grown;
        if (!grown || !k) {
            free(k);
            free(v);
            return false;
        }
        a = &(*attrs)[(*n)++];
        a->key = k;
        a->value = NULL;
    }
    free(a->value);
    a->value = v;
    attr_read(a);
    return true;
}

void rollout__sim_attrs_free(sim_attr *attrs, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(attrs[i].key);
        free(attrs[i].value);
    }
    free(attrs);
}

/* Nodes. */

sim_node *rollout__sim_node_new(const char *name, int64_t cpu, int64_t mem)
{
    sim_node *n = calloc(1, sizeof(*n));

    if (!n || !(n->name = rollout__strdup(name))) {
        free(n);
        return NULL;
    }
    n->cpu = cpu;
    n->mem = mem;
    return n;
}

void rollout__sim_node_free(sim_node *n)
{
    if (!n)
        return;
    free(n->name);
    rollout__sim_attrs_free(n->attrs, n->n_attrs);
    rollout__vec_free(&n->replicas);
    free(n);
}

sim_node *rollout__sim_find_node(const rollout_sim *s, const char *name)
{
    return name ? rollout__map_get(&s->node_map, name) : NULL;
}

/* Applications and replicas. */

sim_app *rollout__sim_app_new(const char *key, const char *ns,
                              const char *deployment, bool bcs, json_t *labels)
{
    sim_app *a = calloc(1, sizeof(*a));

    if (!a) {
        json_decref(labels);
        return NULL;
    }
    a->key = rollout__strdup(key);
    a->ns = rollout__strdup(ns);
    a->deployment = rollout__strdup(deployment);
    a->bcs = bcs;
    a->labels = labels;
    if (!a->key || !a->ns || !a->deployment) {
        rollout__sim_app_free(a);
        return NULL;
    }
    return a;
}

void rollout__sim_app_free(sim_app *a)
{
    if (!a)
        return;
    free(a->key);
    free(a->ns);
    free(a->deployment);
    json_decref(a->labels);
    rollout__vec_free(&a->replicas);
    free(a);
}

bool rollout__sim_app_add(rollout_sim *s, sim_app *a)
{
    a->pos = s->apps.len;
    if (!rollout__vec_push(&s->apps, a))
        return false;
    if (!rollout__map_put(&s->app_map, a->key, a)) {
        s->apps.len--;
        return false;
    }
    return true;
}

/* Lists whose order means nothing lose an item in constant time: the
 * last one takes its place. */
static void *take_last(rollout__vec *v, size_t pos)
{
    void *last = v->items[--v->len];

    if (pos >= v->len)
        return NULL;
    v->items[pos] = last;
    return last;
}

/* An application without replicas goes. */
static void app_release(rollout_sim *s, sim_app *a)
{
    sim_app *moved;

    if (a->replicas.len)
        return;
    rollout__map_remove(&s->app_map, a->key);
    if ((moved = take_last(&s->apps, a->pos)))
        moved->pos = a->pos;
    rollout__sim_app_free(a);
}

void rollout__sim_replica_unref(sim_replica *r)
{
    if (--r->refs > 0)
        return;
    free(r->name);
    rollout__sim_attrs_free(r->attrs, r->n_attrs);
    free(r);
}

bool rollout__sim_place_on(sim_node *n, sim_replica *r, bool holds)
{
    r->node_pos = n->replicas.len;
    if (!rollout__vec_push(&n->replicas, r))
        return false;
    r->node = n;
    r->holds = holds;
    if (holds) {
        n->cpu_used += r->cpu;
        n->mem_used += r->mem;
    }
    return true;
}

/* Enters R (one reference) in the tables and its application. */
bool rollout__sim_replica_add(rollout_sim *s, sim_replica *r)
{
    r->app_pos = r->app->replicas.len;
    if (!rollout__vec_push(&r->app->replicas, r))
        return false;
    if (!rollout__map_put(&s->replica_map, r->name, r)) {
        r->app->replicas.len--;
        return false;
    }
    r->refs++;
    return true;
}

/* Its node no longer counts its resources. */
static void release(sim_replica *r)
{
    if (r->holds && r->node) {
        r->node->cpu_used -= r->cpu;
        r->node->mem_used -= r->mem;
    }
    r->holds = false;
}

static void detach_node(sim_replica *r)
{
    sim_replica *moved;

    release(r);
    if (r->node && (moved = take_last(&r->node->replicas, r->node_pos)))
        moved->node_pos = r->node_pos;
    r->node = NULL;
}

/* R is gone: out of every table; its pending events die with it. */
static void replica_gone(rollout_sim *s, sim_replica *r)
{
    sim_app *a = r->app;
    sim_replica *moved;

    detach_node(r);
    r->state = SIM_GONE;
    if ((moved = take_last(&a->replicas, r->app_pos)))
        moved->app_pos = r->app_pos;
    app_release(s, a);
    r->app = NULL;
    rollout__map_remove(&s->replica_map, r->name);
    rollout__sim_replica_unref(r);
}

/* Randomness: splitmix64, seeded by the options, saved with the rest. */

static uint64_t rng_next(rollout_sim *s)
{
    uint64_t z = (s->rng += 0x9e3779b97f4a7c15ull);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static int64_t start_delay(rollout_sim *s)
{
    int64_t lo = s->opts.start_delay_min_ms, hi = s->opts.start_delay_max_ms;

    if (hi <= lo)
        return lo;
    return lo + (int64_t)(rng_next(s) % ((uint64_t)(hi - lo) + 1));
}

static bool refused_at_random(rollout_sim *s)
{
    if (s->opts.refuse_rate <= 0)
        return false;
    return (double)(rng_next(s) >> 11) * (1.0 / 9007199254740992.0) <
           s->opts.refuse_rate;
}

/* The timeline. */

bool rollout__sim_timeline_add(rollout_sim *s, int64_t time, const char *text)
{
    char *copy;

    if (s->timeline_len == s->timeline_cap) {
        size_t cap = s->timeline_cap ? s->timeline_cap * 2 : 64;
        sim_line *grown = realloc(s->timeline, cap * sizeof(*grown));

        if (!grown)
            return false;
        s->timeline = grown;
        s->timeline_cap = cap;
    }
    if (!(copy = rollout__strdup(text)))
        return false;
    s->timeline[s->timeline_len].time = time;
    s->timeline[s->timeline_len].text = copy;
    s->timeline_len++;
    return true;
}

static bool note(rollout_sim *s, const char *fmt, ...) ROLLOUT__PRINTF(2, 3);

/* Adds a line at the current time; false when memory ran out. */
static bool note(rollout_sim *s, const char *fmt, ...)
{
    char buf[512], *text = buf;
    va_list ap;
    bool ok;
    int n;

    if (s->opts.no_timeline)
        return true;
    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n < 0)
        return false;
    if ((size_t)n >= sizeof(buf)) {
        if (!(text = malloc((size_t)n + 1)))
            return false;
        va_start(ap, fmt);
        vsnprintf(text, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    ok = rollout__sim_timeline_add(s, s->now, text);
    if (text != buf)
        free(text);
    return ok;
}

size_t rollout_sim_timeline_count(const rollout_sim *s)
{
    return s ? s->timeline_len : 0;
}

int rollout_sim_timeline_at(int64_t *time, const char **text,
                            const rollout_sim *s, size_t index)
{
    if (!s)
        return ROLLOUT_EINVAL;
    if (index >= s->timeline_len)
        return ROLLOUT_ENOTFOUND;
    if (time)
        *time = s->timeline[index].time;
    if (text)
        *text = s->timeline[index].text;
    return ROLLOUT_OK;
}

/* Events. */

static bool ev_before(const sim_event *a, const sim_event *b)
{
    return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

bool rollout__sim_heap_push(rollout_sim *s, int64_t time, uint64_t seq, int kind,
                            sim_replica *r)
{
    sim_event ev;
    size_t i;

    if (s->heap_len == s->heap_cap) {
        size_t cap = s->heap_cap ? s->heap_cap * 2 : 64;
        sim_event *grown = realloc(s->heap, cap * sizeof(*grown));

        if (!grown)
            return false;
        s->heap = grown;
        s->heap_cap = cap;
    }
    ev.time = time;
    ev.seq = seq;
    ev.kind = kind;
    ev.replica = r;
    r->refs++;
    for (i = s->heap_len++; i > 0; i = (i - 1) / 2) {
        size_t parent = (i - 1) / 2;

        if (!ev_before(&ev, &s->heap[parent]))
            break;
        s->heap[i] = s->heap[parent];
    }
    s->heap[i] = ev;
    return true;
}

static bool schedule(rollout_sim *s, int64_t delay, int kind, sim_replica *r)
{
    int64_t at = delay > INT64_MAX - s->now ? INT64_MAX : s->now + delay;

    return rollout__sim_heap_push(s, at, s->next_seq++, kind, r);
}

static sim_event heap_pop(rollout_sim *s)
{
    sim_event top = s->heap[0], last = s->heap[--s->heap_len];
    size_t i = 0;

    for (;;) {
        size_t c = 2 * i + 1;

        if (c >= s->heap_len)
            break;
        if (c + 1 < s->heap_len && ev_before(&s->heap[c + 1], &s->heap[c]))
            c++;
        if (!ev_before(&s->heap[c], &last))
            break;
        s->heap[i] = s->heap[c];
        i = c;
    }
    if (s->heap_len)
        s->heap[i] = last;
    return top;
}

/* Reports to the engine from outside its callbacks.  A replica the engine
 * no longer knows has nothing more to hear. */
static int report(rollout_sim *s, const char *name, rollout_phase phase,
                  const char *reason)
{
    int rc = rollout_engine_report(s->e, name, phase, reason);

    if (rc == ROLLOUT_ENOTFOUND)
        return ROLLOUT_OK;
    return rc == ROLLOUT_OK ? rc : engine_error(s, rc);
}

static const sim_fault *fault_of(const rollout_sim *s, const char *image)
{
    size_t i;

    for (i = 0; image && i < s->n_faults; i++)
        if (strcmp(s->faults[i].image, image) == 0)
            return &s->faults[i];
    return NULL;
}

/* The fault of the first container of R's template whose image has one. */
static const sim_fault *replica_fault(rollout_sim *s, const sim_replica *r)
{
    rollout_replica *er = NULL;
    rollout_revision *rev;
    size_t i, n;

    if (!s->n_faults || rollout_engine_find_replica(&er, s->e, r->name) != 0)
        return NULL;
    rev = rollout_replica_revision(er);
    n = rollout_revision_container_count(rev);
    for (i = 0; i < n; i++) {
        const sim_fault *f = fault_of(s, rollout_revision_container_image(rev, i));

        if (f)
            return f;
    }
    return NULL;
}

static int on_running(rollout_sim *s, sim_replica *r)
{
    const sim_fault *f;
    int rc;

    if (r->state != SIM_STARTING)
        return ROLLOUT_OK;
    r->state = SIM_RUNNING;
    if (!note(s, "running %s", r->name))
        return rollout__sim_oom(s);
    if ((rc = report(s, r->name, ROLLOUT_PHASE_RUNNING, NULL)) != ROLLOUT_OK)
        return rc;
    f = replica_fault(s, r);
    if ((!f || f->fault != ROLLOUT_SIM_NEVER_READY) &&
        !schedule(s, s->opts.ready_delay_ms, SIM_EV_READY, r))
        return rollout__sim_oom(s);
    if (f && f->fault == ROLLOUT_SIM_CRASH && !schedule(s, f->after, SIM_EV_CRASH, r))
        return rollout__sim_oom(s);
    return ROLLOUT_OK;
}

static int become_ready(rollout_sim *s, sim_replica *r, const char *how)
{
    r->state = SIM_READY;
    if (!note(s, "ready %s%s", r->name, how))
        return rollout__sim_oom(s);
    return report(s, r->name, ROLLOUT_PHASE_READY, NULL);
}

static int become_failed(rollout_sim *s, sim_replica *r, const char *reason)
{
    r->state = SIM_FAILED;
    release(r);
    if (!note(s, "failed %s: %s", r->name, reason))
        return rollout__sim_oom(s);
    return report(s, r->name, ROLLOUT_PHASE_FAILED, reason);
}

static int become_gone(rollout_sim *s, sim_replica *r)
{
    char *name = r->name;
    int rc;

    if (!note(s, "gone %s", name))
        return rollout__sim_oom(s);
    r->refs++; /* keeps the name for the report */
    replica_gone(s, r);
    rc = report(s, name, ROLLOUT_PHASE_GONE, NULL);
    rollout__sim_replica_unref(r);
    return rc;
}

static int run_event(rollout_sim *s, const sim_event *ev)
{
    sim_replica *r = ev->replica;

    switch (ev->kind) {
    case SIM_EV_RUNNING:
        return on_running(s, r);
    case SIM_EV_READY:
        return r->state == SIM_RUNNING ? become_ready(s, r, "") : ROLLOUT_OK;
    case SIM_EV_CRASH:
        return r->state == SIM_RUNNING || r->state == SIM_READY
                   ? become_failed(s, r, "crashed")
                   : ROLLOUT_OK;
    case SIM_EV_GONE:
        return r->state == SIM_TERMINATING ? become_gone(s, r) : ROLLOUT_OK;
    default:
        return ROLLOUT_OK;
    }
}

/* Deployments and their rollouts. */

/* "dialect/kind/namespace/name", in BUF when it fits. */
static char *dep_key(char *buf, size_t size, const rollout_deployment *d)
{
    char dialect[2] = {(char)('0' + rollout_deployment_dialect(d) % 10), '\0'};
    char kind[2] = {(char)('0' + rollout_deployment_kind(d) % 10), '\0'};
    const char *parts[4];

    parts[0] = dialect;
    parts[1] = kind;
    parts[2] = rollout_deployment_namespace(d);
    parts[3] = rollout_deployment_name(d);
    return rollout__sim_join(buf, size, "/", parts, 4);
}

/* The replica set a rollout of D moves to: the new replica set, or the
 * application an update rolls to (the bound one otherwise). */
static rollout_replica_set *target_set(const rollout_deployment *d)
{
    rollout_replica_set *rs;

    if (rollout_deployment_dialect(d) != ROLLOUT_DIALECT_BCS)
        return rollout_deployment_new_replica_set(d);
    if (rollout_deployment_kind(d) == ROLLOUT_KIND_APPLICATION)
        return rollout_deployment_replica_set_at(d, 0);
    rs = rollout_deployment_application_ext(d);
    return rs ? rs : rollout_deployment_application(d);
}

/* Its name and template: a standalone application keeps its name when its
 * template changes. */
static char *target_of(const rollout_deployment *d)
{
    rollout_replica_set *rs = target_set(d);

    if (!rs)
        return rollout__strdup("");
    return rollout__sprintf("%s#%s", rollout_replica_set_name(rs),
                                rollout_revision_hash(rollout_replica_set_revision(rs)));
}

static void counts(int32_t *available, int32_t *total, const rollout_deployment *d)
{
    bool bcs = rollout_deployment_dialect(d) == ROLLOUT_DIALECT_BCS;
    size_t i, n = rollout_deployment_replica_set_count(d);

    *available = *total = 0;
    for (i = 0; i < n; i++) {
        rollout_replica_set *rs = rollout_deployment_replica_set_at(d, i);

        *available += rollout_replica_set_count(rs, bcs ? ROLLOUT_COUNT_RUNNING
                                                        : ROLLOUT_COUNT_AVAILABLE);
        *total += rollout_replica_set_count(rs, bcs ? ROLLOUT_COUNT_BUILT
                                                    : ROLLOUT_COUNT_CURRENT);
    }
}

static bool deadline_exceeded(const rollout_deployment *d)
{
    const char *reason = NULL;
    size_t i;

    return rollout_deployment_find_condition(&i, d, "Progressing") == ROLLOUT_OK &&
           rollout_deployment_condition_at(NULL, NULL, &reason, NULL, NULL, NULL, d,
                                           i) == ROLLOUT_OK &&
           streq(reason, "ProgressDeadlineExceeded");
}

/* kubectl rollout status's "successfully rolled out"; a BCS deployment
 * bound to its new application, which runs. */
static bool complete(const rollout_deployment *d)
{
    rollout_replica_set *app;

    if (rollout_deployment_deleting(d))
        return false;
    if (rollout_deployment_dialect(d) != ROLLOUT_DIALECT_BCS) {
        int32_t updated = rollout_deployment_count(d, ROLLOUT_COUNT_UPDATED);

        return rollout_deployment_observed_generation(d) >=
                   rollout_deployment_generation(d) &&
               updated >= rollout_deployment_count(d, ROLLOUT_COUNT_DESIRED) &&
               rollout_deployment_count(d, ROLLOUT_COUNT_CURRENT) <= updated &&
               rollout_deployment_count(d, ROLLOUT_COUNT_AVAILABLE) >= updated;
    }
    /* a standalone application has no deployment status of its own */
    if (rollout_deployment_kind(d) == ROLLOUT_KIND_APPLICATION)
        app = rollout_deployment_replica_set_at(d, 0);
    else if (!streq(rollout_deployment_status_name(d), "Running") ||
             rollout_deployment_application_ext(d))
        return false;
    else
        app = rollout_deployment_application(d);
    return app && streq(rollout_replica_set_status_name(app), "Running");
}

/* A BCS deployment runs the application its rollout moved to, not the
 * one a cancel brought back. */
static bool reached(const sim_dep *t, const rollout_deployment *d)
{
    char *target;
    bool same;

    if (t->dialect != ROLLOUT_DIALECT_BCS)
        return true;
    if (!(target = target_of(d)))
        return false; /* tried again at the next look */
    same = streq(target, t->target);
    free(target);
    return same;
}

/* Nothing more will happen to D without the host: complete, or blocked
 * (deadline exceeded, paused, a BCS update paused or suspended). */
static bool settled(const rollout_deployment *d)
{
    const char *status;

    if (rollout_deployment_deleting(d))
        return false;
    if (rollout_deployment_dialect(d) != ROLLOUT_DIALECT_BCS)
        return complete(d) || deadline_exceeded(d) || rollout_deployment_paused(d);
    /* an application that cannot launch all its taskgroups is retried:
     * not settled until it runs */
    status = rollout_deployment_status_name(d);
    return complete(d) || streq(status, "UpdatePaused") || streq(status, "UpdateSuspend");
}

static void dep_free(sim_dep *t)
{
    free(t->key);
    free(t->ns);
    free(t->name);
    free(t->target);
    free(t->status);
    free(t);
}

/* A BCS deployment's status has no event of its own: the timeline says
 * when it changes. */
static bool note_status(rollout_sim *s, sim_dep *t, const rollout_deployment *d)
{
    const char *parts[2];
    char buf[256], *now;
    bool ok = true;

    parts[0] = rollout_deployment_status_name(d);
    parts[1] = rollout_deployment_message(d);
    if (!parts[0])
        return true;
    now = rollout__sim_join(buf, sizeof(buf), ": ", parts,
                            parts[1] && *parts[1] ? 2 : 1);
    if (!now)
        return false;
    if (!streq(now, t->status)) {
        free(t->status);
        ok = (t->status = rollout__strdup(now)) != NULL &&
             note(s, "deployment %s/%s %s", t->ns, t->name, now);
    }
    if (now != buf)
        free(now);
    return ok;
}

static sim_dep *dep_new(const char *key, const rollout_deployment *d)
{
    sim_dep *t = calloc(1, sizeof(*t));

    if (!t)
        return NULL;
    t->key = rollout__strdup(key);
    t->ns = rollout__strdup(rollout_deployment_namespace(d));
    t->name = rollout__strdup(rollout_deployment_name(d));
    t->dialect = (int)rollout_deployment_dialect(d);
    t->kind = (int)rollout_deployment_kind(d);
    if (!t->key || !t->ns || !t->name) {
        dep_free(t);
        return NULL;
    }
    return t;
}

/* A rollout of T begins now. */
static bool rollout_begins(rollout_sim *s, sim_dep *t, const rollout_deployment *d)
{
    t->start = s->now;
    t->finish = -1;
    counts(&t->min_available, &t->max_total, d);
    t->waves = 0;
    t->last_wave = -1;
    return note(s, "rollout %s/%s started", t->ns, t->name);
}

/* The record of D, made on first sight. */
static sim_dep *track(rollout_sim *s, const rollout_deployment *d, bool *fresh)
{
    char buf[256], *key = dep_key(buf, sizeof(buf), d);
    sim_dep *t;

    *fresh = false;
    if (!key)
        return NULL;
    t = rollout__map_get(&s->dep_map, key);
    if (!t) {
        t = dep_new(key, d);
        if (t && !rollout__vec_push(&s->deps, t)) {
            dep_free(t);
            t = NULL;
        }
        if (t && !rollout__map_put(&s->dep_map, t->key, t)) {
            s->deps.len--;
            dep_free(t);
            t = NULL;
        }
        *fresh = t != NULL;
    }
    if (key != buf)
        free(key);
    return t;
}

/* Looks at every deployment: a new one, or a new template, begins a
 * rollout; a rollout in progress records its counts and, when it is
 * complete, its finish. */
static int observe(rollout_sim *s)
{
    size_t i, n = rollout_engine_deployment_count(s->e);

    for (i = 0; i < s->deps.len; i++)
        ((sim_dep *)s->deps.items[i])->present = false;
    for (i = 0; i < n; i++) {
        rollout_deployment *d = rollout_engine_deployment_at(s->e, i);
        int64_t created = rollout_deployment_created(d);
        int64_t generation = rollout_deployment_generation(d);
        bool fresh, renewed, begins = false;
        sim_dep *t = track(s, d, &fresh);

        if (!t)
            return rollout__sim_oom(s);
        renewed = fresh || t->created != created;
        /* the target moves with the template (a new generation), and once
         * the set of a new template exists */
        if (renewed || generation != t->generation || !t->target || !*t->target) {
            char *target = target_of(d);

            if (!target)
                return rollout__sim_oom(s);
            begins = renewed ||
                     (generation != t->generation && !streq(target, t->target) &&
                      (t->dialect != ROLLOUT_DIALECT_BCS || *target));
            free(t->target);
            t->target = target;
        }
        t->present = true;
        t->created = created;
        t->generation = generation;
        if (begins && !rollout_begins(s, t, d))
            return rollout__sim_oom(s);
        if (t->dialect == ROLLOUT_DIALECT_BCS && t->kind == ROLLOUT_KIND_DEPLOYMENT &&
            !note_status(s, t, d))
            return rollout__sim_oom(s);
        if (t->finish < 0) {
            int32_t available, total;

            counts(&available, &total, d);
            if (available < t->min_available)
                t->min_available = available;
            if (total > t->max_total)
                t->max_total = total;
            if (complete(d) && reached(t, d)) {
                t->finish = s->now;
                if (!note(s, "rollout %s/%s complete", t->ns, t->name))
                    return rollout__sim_oom(s);
            }
        }
    }
    return ROLLOUT_OK;
}

/* A replica of D's new revision placed at a new time is a new wave (a
 * refused create, retried later, is none). */
static void count_wave(rollout_sim *s, rollout_replica *r)
{
    rollout_deployment *d = rollout_replica_deployment(r);
    bool fresh;
    sim_dep *t;

    if (!d || rollout_replica_replica_set(r) != target_set(d))
        return;
    t = track(s, d, &fresh);
    if (!t || fresh || t->finish >= 0 || t->last_wave == s->now)
        return;
    t->waves++;
    t->last_wave = s->now;
}

/* The engine's callbacks. */

static int64_t cb_clock(rollout_engine *e, void *ud)
{
    (void)e;
    return ((rollout_sim *)ud)->now;
}

static const char NO_ROOM[] = "have not enough resources";

/* The application record of R, made when its first replica is placed. */
static sim_app *app_of(rollout_sim *s, const rollout_replica *r, const sim_needs *needs,
                       bool *made)
{
    rollout_deployment *d = rollout_replica_deployment(r);
    bool bcs = rollout_deployment_dialect(d) == ROLLOUT_DIALECT_BCS;
    json_t *labels = NULL;
    const char *parts[2];
    char buf[256], *key;
    sim_app *a;

    *made = false;
    parts[0] = rollout_deployment_namespace(d);
    parts[1] = rollout_replica_set_name(rollout_replica_replica_set(r));
    if (!(key = rollout__sim_join(buf, sizeof(buf), "/", parts, 2)))
        return NULL;
    a = rollout__map_get(&s->app_map, key);
    if (a || (bcs && !(labels = json_deep_copy(needs->labels)))) {
        if (key != buf)
            free(key);
        return a;
    }
    a = rollout__sim_app_new(key, rollout_deployment_namespace(d),
                             rollout_deployment_name(d), bcs, labels);
    if (key != buf)
        free(key);
    if (!a)
        return NULL;
    if (!rollout__sim_app_add(s, a)) {
        rollout__sim_app_free(a);
        return NULL;
    }
    *made = true;
    return a;
}

/* Places R on a node, or refuses it.  Returns 0, ROLLOUT_REFUSED, or an
 * error (nothing changed). */
static int place(rollout_sim *s, rollout_replica *er, const char **reason)
{
    const char *name = rollout_replica_name(er);
    const sim_needs *needs;
    sim_attr *attrs = NULL;
    size_t n_attrs = 0;
    sim_node *node = NULL;
    sim_replica *r;
    bool made;
    sim_app *a;
    int rc;

    if (refused_at_random(s)) {
        *reason = NO_ROOM;
        return ROLLOUT_REFUSED;
    }
    if ((rc = rollout__sim_needs(&needs, s, er)) != ROLLOUT_OK)
        return rc;
    if (!(a = app_of(s, er, needs, &made)))
        return ROLLOUT_ENOMEM;
    rc = rollout__sim_choose_node(&node, &attrs, &n_attrs, s, er, a, needs);
    if (rc != ROLLOUT_OK || !node) {
        if (made)
            app_release(s, a);
        *reason = NO_ROOM;
        return rc != ROLLOUT_OK ? rc : ROLLOUT_REFUSED;
    }
    r = calloc(1, sizeof(*r));
    if (!r || !(r->name = rollout__strdup(name))) {
        free(r);
        rollout__sim_attrs_free(attrs, n_attrs);
        if (made)
            app_release(s, a);
        return ROLLOUT_ENOMEM;
    }
    r->serial = s->next_serial++;
    r->app = a;
    r->state = SIM_STARTING;
    r->cpu = needs->cpu;
    r->mem = needs->mem;
    r->attrs = attrs;
    r->n_attrs = n_attrs;
    if (!rollout__sim_replica_add(s, r)) {
        r->refs = 1;
        rollout__sim_replica_unref(r);
        if (made)
            app_release(s, a);
        return ROLLOUT_ENOMEM;
    }
    if (!rollout__sim_place_on(node, r, true) ||
        (!s->opts.manual && !schedule(s, start_delay(s), SIM_EV_RUNNING, r))) {
        replica_gone(s, r);
        return ROLLOUT_ENOMEM;
    }
    return ROLLOUT_OK;
}

static int cb_create(rollout_engine *e, rollout_replica *er, const char **reason,
                     void *ud)
{
    rollout_sim *s = ud;
    const char *name = rollout_replica_name(er);
    sim_replica *r;
    int rc;

    if (!note(s, "create %s", name)) {
        s->cb_error = ROLLOUT_ENOMEM;
        return ROLLOUT_ECALLBACK;
    }
    rc = place(s, er, reason);
    if (rc == ROLLOUT_REFUSED) {
        if (!note(s, "refuse %s: %s", name, *reason)) {
            s->cb_error = ROLLOUT_ENOMEM;
            return ROLLOUT_ECALLBACK;
        }
        return ROLLOUT_REFUSED;
    }
    if (rc != ROLLOUT_OK) {
        s->cb_error = rc;
        return ROLLOUT_ECALLBACK;
    }
    r = rollout__map_get(&s->replica_map, name);
    count_wave(s, er);
    /* reports from a callback are queued and applied when it returns */
    if (!note(s, "place %s on %s", name, r->node->name) ||
        rollout_engine_report_node(e, name, r->node->name) != ROLLOUT_OK ||
        rollout_engine_report(e, name, ROLLOUT_PHASE_STARTING, NULL) != ROLLOUT_OK) {
        /* only memory can fail here: the replica was never placed */
        replica_gone(s, r);
        s->cb_error = ROLLOUT_ENOMEM;
        return ROLLOUT_ECALLBACK;
    }
    return ROLLOUT_OK;
}

static int cb_delete(rollout_engine *e, rollout_replica *er, const char **reason,
                     void *ud)
{
    rollout_sim *s = ud;
    const char *name = rollout_replica_name(er);
    sim_replica *r = rollout__map_get(&s->replica_map, name);
    int64_t delay;

    (void)reason;
    if (!note(s, "delete %s", name)) {
        s->cb_error = ROLLOUT_ENOMEM;
        return ROLLOUT_ECALLBACK;
    }
    if (!r) {
        /* nothing of it here: gone at once */
        if (!note(s, "gone %s", name) ||
            rollout_engine_report(e, name, ROLLOUT_PHASE_GONE, NULL) != ROLLOUT_OK) {
            s->cb_error = ROLLOUT_ENOMEM;
            return ROLLOUT_ECALLBACK;
        }
        return ROLLOUT_OK;
    }
    if (r->state == SIM_TERMINATING)
        return ROLLOUT_OK;
    /* what runs stops gracefully; what failed or was lost is gone at once */
    delay = r->state <= SIM_READY ? s->opts.stop_delay_ms : 0;
    if (!schedule(s, delay, SIM_EV_GONE, r)) {
        s->cb_error = ROLLOUT_ENOMEM;
        return ROLLOUT_ECALLBACK;
    }
    r->state = SIM_TERMINATING;
    return ROLLOUT_OK;
}

static int cb_event(rollout_engine *e, const rollout_deployment *d,
                    const char *object, const char *type, const char *reason,
                    const char *message, void *ud)
{
    rollout_sim *s = ud;

    (void)e;
    (void)d;
    if (!note(s, "event %s %s %s: %s", type, reason, object, message)) {
        s->cb_error = ROLLOUT_ENOMEM;
        return ROLLOUT_ECALLBACK;
    }
    return ROLLOUT_OK;
}

/* Life. */

int rollout_sim_options_init(rollout_sim_options *opts, unsigned int version)
{
    static const rollout_sim_options init = ROLLOUT_SIM_OPTIONS_INIT;

    if (!opts || version != ROLLOUT_SIM_OPTIONS_VERSION)
        return ROLLOUT_EINVAL;
    *opts = init;
    return ROLLOUT_OK;
}

int rollout_sim_summary_init(rollout_sim_summary *summary, unsigned int version)
{
    static const rollout_sim_summary init = ROLLOUT_SIM_SUMMARY_INIT;

    if (!summary || version != ROLLOUT_SIM_SUMMARY_VERSION)
        return ROLLOUT_EINVAL;
    *summary = init;
    return ROLLOUT_OK;
}

static bool options_valid(const rollout_sim_options *o)
{
    return o->version == ROLLOUT_SIM_OPTIONS_VERSION && o->start_delay_min_ms >= 0 &&
           o->start_delay_max_ms >= o->start_delay_min_ms && o->ready_delay_ms >= 0 &&
           o->stop_delay_ms >= 0 && o->refuse_rate >= 0 && o->refuse_rate <= 1 &&
           ((o->backoff_initial_ms == 0 && o->backoff_max_ms == 0) ||
            (o->backoff_initial_ms > 0 && o->backoff_max_ms >= o->backoff_initial_ms));
}

/* A simulator with the options OPTS, without its engine. */
int rollout__sim_create(rollout_sim **out, const rollout_sim_options *opts)
{
    static const rollout_sim_options defaults = ROLLOUT_SIM_OPTIONS_INIT;
    rollout_sim *s;

    *out = NULL;
    if (!opts)
        opts = &defaults;
    if (!options_valid(opts))
        return ROLLOUT_EINVAL;
    if (!(s = calloc(1, sizeof(*s))))
        return ROLLOUT_ENOMEM;
    s->opts = *opts;
    s->opts.cluster = NULL;
    if (opts->cluster && !(s->cluster = rollout__strdup(opts->cluster))) {
        free(s);
        return ROLLOUT_ENOMEM;
    }
    s->opts.cluster = s->cluster;
    s->opts.manual = opts->manual != 0;
    s->opts.no_timeline = opts->no_timeline != 0;
    s->now = opts->start_time_ms;
    s->rng = opts->seed;
    s->next_serial = 1;
    *out = s;
    return ROLLOUT_OK;
}

/* Its engine, with its callbacks and the options' settings. */
int rollout__sim_start_engine(rollout_sim *s)
{
    rollout_callbacks *cbs;
    int rc;

    if ((rc = rollout_callbacks_new(&cbs)) != ROLLOUT_OK)
        return rc;
    rollout_callbacks_set_clock(cbs, cb_clock);
    rollout_callbacks_set_create_replica(cbs, cb_create);
    rollout_callbacks_set_delete_replica(cbs, cb_delete);
    /* the engine words its events only for a timeline */
    if (!s->opts.no_timeline)
        rollout_callbacks_set_event(cbs, cb_event);
    rc = rollout_engine_new(&s->e, cbs, s);
    rollout_callbacks_free(cbs);
    if (rc != ROLLOUT_OK)
        return rc;
    if (s->cluster && (rc = rollout_engine_set_cluster(s->e, s->cluster)) != ROLLOUT_OK)
        return rc;
    if (s->opts.backoff_initial_ms > 0)
        rc = rollout_engine_set_backoff(s->e, s->opts.backoff_initial_ms,
                                        s->opts.backoff_max_ms);
    return rc;
}

int rollout_sim_new(rollout_sim **out, const rollout_sim_options *opts)
{
    rollout_sim *s;
    int rc;

    if (!out)
        return ROLLOUT_EINVAL;
    if ((rc = rollout__sim_create(&s, opts)) != ROLLOUT_OK)
        return rc;
    if ((rc = rollout__sim_start_engine(s)) != ROLLOUT_OK) {
        rollout_sim_free(s);
        return rc;
    }
    *out = s;
    return ROLLOUT_OK;
}

/* Everything but the engine, the options and the error goes. */
void rollout__sim_clear(rollout_sim *s)
{
    size_t i;

    while (s->heap_len)
        rollout__sim_replica_unref(s->heap[--s->heap_len].replica);
    for (i = 0; i < s->apps.len; i++) {
        sim_app *a = s->apps.items[i];
        size_t j;

        for (j = 0; j < a->replicas.len; j++)
            rollout__sim_replica_unref(a->replicas.items[j]);
        rollout__sim_app_free(a);
    }
    rollout__vec_free(&s->apps);
    rollout__map_free(&s->app_map);
    rollout__map_free(&s->replica_map);
    for (i = 0; i < s->nodes.len; i++)
        rollout__sim_node_free(s->nodes.items[i]);
    rollout__vec_free(&s->nodes);
    rollout__map_free(&s->node_map);
    for (i = 0; i < s->n_faults; i++)
        free(s->faults[i].image);
    free(s->faults);
    s->faults = NULL;
    s->n_faults = 0;
    for (i = 0; i < s->timeline_len; i++)
        free(s->timeline[i].text);
    free(s->timeline);
    s->timeline = NULL;
    s->timeline_len = s->timeline_cap = 0;
    for (i = 0; i < s->deps.len; i++)
        dep_free(s->deps.items[i]);
    rollout__vec_free(&s->deps);
    rollout__map_free(&s->dep_map);
    rollout__sim_caches_free(s);
}

void rollout_sim_free(rollout_sim *s)
{
    if (!s)
        return;
    rollout_engine_free(s->e);
    rollout__sim_clear(s);
    free(s->heap);
    free(s->cluster);
    free(s->errmsg);
    free(s);
}

rollout_engine *rollout_sim_engine(rollout_sim *s)
{
    return s ? s->e : NULL;
}

int64_t rollout_sim_now(const rollout_sim *s)
{
    return s ? s->now : 0;
}

/* Nodes. */

static bool node_ip(rollout_sim *s, char out[32])
{
    uint64_t n = s->next_ip, host = n % 254 + 1, rest = n / 254;

    if (rest >= 65536)
        return false;
    snprintf(out, 32, "10.%u.%u.%u", (unsigned)(rest / 256), (unsigned)(rest % 256),
             (unsigned)host);
    return true;
}

int rollout_sim_add_node(rollout_sim *s, const char *name, double cpu,
                         double memory_mb)
{
    char ip[32];
    sim_node *n;

    if (!s)
        return ROLLOUT_EINVAL;
    rollout__sim_clear_error(s);
    if (!name || !*name)
        return rollout__sim_fail(s, ROLLOUT_EINVAL, "a node needs a name");
    if (!(cpu >= 0 && cpu <= 1e9) || !(memory_mb >= 0 && memory_mb <= 1e12))
        return rollout__sim_fail(s, ROLLOUT_EINVAL, "node %s: cpu and memory must be "
                                 "numbers from 0 (at most 1e9 cores and 1e12 MiB)",
                                 name);
    if (rollout__sim_find_node(s, name))
        return rollout__sim_fail(s, ROLLOUT_EEXIST, "node %s exists already", name);
    if (!node_ip(s, ip))
        return rollout__sim_fail(s, ROLLOUT_ESTATE, "no InnerIP left for node %s",
                                 name);
    n = rollout__sim_node_new(name, rollout__sim_round(cpu * SIM_CPU_UNIT),
                              rollout__sim_round(memory_mb * SIM_MIB));
    if (!n || !rollout__sim_attr_set(&n->attrs, &n->n_attrs, "hostname", name) ||
        !rollout__sim_attr_set(&n->attrs, &n->n_attrs, "InnerIP", ip) ||
        !rollout__vec_push(&s->nodes, n)) {
        rollout__sim_node_free(n);
        return rollout__sim_oom(s);
    }
    if (!rollout__map_put(&s->node_map, n->name, n) ||
        !note(s, "node %s added: cpu %g, memory %g MiB, InnerIP %s", name, cpu,
              memory_mb, ip)) {
        rollout__map_remove(&s->node_map, n->name);
        s->nodes.len--;
        rollout__sim_node_free(n);
        return rollout__sim_oom(s);
    }
    s->next_ip++;
    return ROLLOUT_OK;
}

static sim_node *need_node(rollout_sim *s, const char *name)
{
    sim_node *n = rollout__sim_find_node(s, name);

    if (!n)
        rollout__sim_fail(s, ROLLOUT_ENOTFOUND, "node %s not found",
                          name ? name : "(null)");
    return n;
}

int rollout_sim_set_node_attribute(rollout_sim *s, const char *node,
                                   const char *key, const char *value)
{
    sim_node *n;

    if (!s)
        return ROLLOUT_EINVAL;
    rollout__sim_clear_error(s);
    if (!key || !*key)
        return rollout__sim_fail(s, ROLLOUT_EINVAL, "an attribute needs a name");
    if (!(n = need_node(s, node)))
        return ROLLOUT_ENOTFOUND;
    return rollout__sim_attr_set(&n->attrs, &n->n_attrs, key, value)
               ? ROLLOUT_OK
               : rollout__sim_oom(s);
}

static int cmp_replica_name(const void *a, const void *b)
{
    return strcmp((*(sim_replica *const *)a)->name, (*(sim_replica *const *)b)->name);
}

int rollout_sim_lose_node(rollout_sim *s, const char *node)
{
    rollout__vec victims = {0};
    sim_node *n;
    size_t i;
    int rc = ROLLOUT_OK;

    if (!s)
        return ROLLOUT_EINVAL;
    rollout__sim_clear_error(s);
    if (!(n = need_node(s, node)))
        return ROLLOUT_ENOTFOUND;
    if (!note(s, "node %s lost", n->name))
        return rollout__sim_oom(s);
    /* the node goes first, so that nothing lands on it again */
    rollout__map_remove(&s->node_map, n->name);
    vec_remove(&s->nodes, n);
    victims = n->replicas;
    memset(&n->replicas, 0, sizeof(n->replicas));
    /* by name: the node's list is in an order its history made, which a
     * restored simulator does not share */
    if (victims.len)
        qsort(victims.items, victims.len, sizeof(*victims.items), cmp_replica_name);
    for (i = 0; i < victims.len; i++) {
        sim_replica *r = victims.items[i];

        r->holds = false;
        r->node = NULL;
        r->refs++;
    }
    for (i = 0; i < victims.len; i++) {
        sim_replica *r = victims.items[i];

        if (rc != ROLLOUT_OK || r->state == SIM_GONE) {
            /* nothing more */
        } else if (r->state == SIM_TERMINATING) {
            rc = become_gone(s, r);
        } else {
            char reason[300];

            r->state = SIM_LOST;
            snprintf(reason, sizeof(reason), "node %s lost", n->name);
            rc = note(s, "lost %s: %s", r->name, reason)
                     ? report(s, r->name, ROLLOUT_PHASE_LOST, reason)
                     : rollout__sim_oom(s);
        }
        rollout__sim_replica_unref(r);
    }
    rollout__vec_free(&victims);
    rollout__sim_node_free(n);
    return rc;
}

size_t rollout_sim_node_count(const rollout_sim *s)
{
    return s ? s->nodes.len : 0;
}

const char *rollout_sim_node_name(const rollout_sim *s, size_t index)
{
    return s && index < s->nodes.len ? ((sim_node *)s->nodes.items[index])->name
                                     : NULL;
}

int rollout_sim_node_usage(double *cpu_used, double *cpu_free,
                           double *memory_used_mb, double *memory_free_mb,
                           const rollout_sim *s, const char *node)
{
    const sim_node *n;

    if (!s || !node)
        return ROLLOUT_EINVAL;
    if (!(n = rollout__sim_find_node(s, node)))
        return ROLLOUT_ENOTFOUND;
    if (cpu_used)
        *cpu_used = (double)n->cpu_used / SIM_CPU_UNIT;
    if (cpu_free)
        *cpu_free = (double)(n->cpu - n->cpu_used) / SIM_CPU_UNIT;
    if (memory_used_mb)
        *memory_used_mb = (double)n->mem_used / SIM_MIB;
    if (memory_free_mb)
        *memory_free_mb = (double)(n->mem - n->mem_used) / SIM_MIB;
    return ROLLOUT_OK;
}

const char *rollout_sim_node_attribute(const rollout_sim *s, const char *node,
                                       const char *key)
{
    const sim_node *n = s ? rollout__sim_find_node(s, node) : NULL;
    const sim_attr *a = n && key ? rollout__sim_attr_get(n->attrs, n->n_attrs, key)
                                 : NULL;

    return a ? a->value : NULL;
}

size_t rollout_sim_node_attribute_count(const rollout_sim *s, const char *node)
{
    const sim_node *n = s ? rollout__sim_find_node(s, node) : NULL;

    return n ? n->n_attrs : 0;
}

const char *rollout_sim_node_attribute_at(const char **value, const rollout_sim *s,
                                          const char *node, size_t index)
{
    const sim_node *n = s ? rollout__sim_find_node(s, node) : NULL;

    if (!n || index >= n->n_attrs) {
        if (value)
            *value = NULL;
        return NULL;
    }
    if (value)
        *value = n->attrs[index].value;
    return n->attrs[index].key;
}

/* Faults. */

int rollout_sim_set_image_fault(rollout_sim *s, const char *image,
                                rollout_sim_fault fault, int64_t after_ms)
{
    sim_fault *f;

    if (!s)
        return ROLLOUT_EINVAL;
    rollout__sim_clear_error(s);
    if (!image)
        return rollout__sim_fail(s, ROLLOUT_EINVAL, "no image");
    if (fault != ROLLOUT_SIM_HEALTHY && fault != ROLLOUT_SIM_NEVER_READY &&
        fault != ROLLOUT_SIM_CRASH)
        return rollout__sim_fail(s, ROLLOUT_EINVAL, "unknown fault %d", (int)fault);
    if (after_ms < 0)
        return rollout__sim_fail(s, ROLLOUT_EINVAL, "a fault's delay is not negative");
    f = (sim_fault *)fault_of(s, image);
    if (fault == ROLLOUT_SIM_HEALTHY) {
        if (f) {
            size_t i = (size_t)(f - s->faults);

            free(f->image);
            memmove(f, f + 1, (s->n_faults - i - 1) * sizeof(*f));
            s->n_faults--;
        }
        return ROLLOUT_OK;
    }
    if (!f) {
        sim_fault *grown = realloc(s->faults, (s->n_faults + 1) * sizeof(*grown));
        char *copy = rollout__strdup(image);

        if (grown)
            s->faults = grown;
        if (!grown || !copy) {
            free(copy);
            return rollout__sim_oom(s);
        }
        f = &s->faults[s->n_faults++];
        f->image = copy;
    }
    f->fault = (int)fault;
    f->after = after_ms;
    return ROLLOUT_OK;
}

/* Steering. */

static bool steerable(const sim_replica *r, rollout_sim_action action)
{
    switch (action) {
    case ROLLOUT_SIM_READY:
        return r->state == SIM_STARTING || r->state == SIM_RUNNING;
    case ROLLOUT_SIM_FAIL:
        return r->state <= SIM_READY;
    case ROLLOUT_SIM_KILL:
        return r->state != SIM_GONE;
    default:
        return false;
    }
}

static int steer_one(rollout_sim *s, sim_replica *r, rollout_sim_action action)
{
    switch (action) {
    case ROLLOUT_SIM_READY:
        return become_ready(s, r, " (by hand)");
    case ROLLOUT_SIM_FAIL:
        return become_failed(s, r, "failed by hand");
    default:
        if (!note(s, "kill %s", r->name))
            return rollout__sim_oom(s);
        return become_gone(s, r);
    }
}

static int steer_by_name(rollout_sim *s, const char *name, rollout_sim_action action)
{
    static const char *const wanted[] = {
        NULL, "starting or running", "starting, running or ready", "there",
    };
    sim_replica *r;

    if (!s)
        return ROLLOUT_EINVAL;
    rollout__sim_clear_error(s);
    if (!name)
        return rollout__sim_fail(s, ROLLOUT_EINVAL, "no replica name");
    r = rollout__map_get(&s->replica_map, name);
    if (!r)
        return rollout__sim_fail(s, ROLLOUT_ENOTFOUND, "replica %s not found", name);
    if (!steerable(r, action))
        return rollout__sim_fail(s, ROLLOUT_ESTATE, "replica %s is %s, not %s", name,
                                 state_names[r->state], wanted[action]);
    return steer_one(s, r, action);
}

int rollout_sim_replica_ready(rollout_sim *s, const char *replica)
{
    return steer_by_name(s, replica, ROLLOUT_SIM_READY);
}

int rollout_sim_replica_fail(rollout_sim *s, const char *replica)
{
    return steer_by_name(s, replica, ROLLOUT_SIM_FAIL);
}

int rollout_sim_replica_kill(rollout_sim *s, const char *replica)
{
    return steer_by_name(s, replica, ROLLOUT_SIM_KILL);
}

static int by_name(const void *a, const void *b)
{
    return strcmp((*(sim_replica *const *)a)->name, (*(sim_replica *const *)b)->name);
}

/* The part of an application key after its namespace. */
static const char *set_name(const sim_app *a)
{
    const char *slash = strchr(a->key, '/');

    return slash ? slash + 1 : a->key;
}

int rollout_sim_steer(size_t *steered, rollout_sim *s, rollout_sim_action action,
                      const char *replica_set, size_t count)
{
    sim_replica **list;
    size_t i, j, n = 0, done = 0;
    int rc = ROLLOUT_OK;

    if (steered)
        *steered = 0;
    if (!s)
        return ROLLOUT_EINVAL;
    rollout__sim_clear_error(s);
    if (action != ROLLOUT_SIM_READY && action != ROLLOUT_SIM_FAIL &&
        action != ROLLOUT_SIM_KILL)
        return rollout__sim_fail(s, ROLLOUT_EINVAL, "unknown action %d", (int)action);
    list = malloc((s->replica_map.len + 1) * sizeof(*list));
    if (!list)
        return rollout__sim_oom(s);
    for (i = 0; i < s->apps.len; i++) {
        sim_app *a = s->apps.items[i];

        if (replica_set && strcmp(set_name(a), replica_set) != 0)
            continue;
        for (j = 0; j < a->replicas.len; j++)
            if (steerable(a->replicas.items[j], action))
                list[n++] = a->replicas.items[j];
    }
    qsort(list, n, sizeof(*list), by_name);
    if (count == 0 || count > n)
        count = n;
    for (i = 0; i < count; i++)
        list[i]->refs++; /* a kill lets go of its replica */
    for (i = 0; i < count && rc == ROLLOUT_OK; i++) {
        rc = steer_one(s, list[i], action);
        if (rc == ROLLOUT_OK)
            done++;
    }
    for (i = 0; i < count; i++)
        rollout__sim_replica_unref(list[i]);
    free(list);
    if (steered)
        *steered = done;
    return rc;
}

/* Time. */

/* When the engine next needs a tick, on the clock; INT64_MAX for never. */
static int engine_due(rollout_sim *s, int64_t *at)
{
    int64_t ms;
    int rc = rollout_engine_next_deadline(&ms, s->e);

    if (rc != ROLLOUT_OK)
        return engine_error(s, rc);
    *at = ms < 0 ? INT64_MAX : ms > INT64_MAX - s->now ? INT64_MAX : s->now + ms;
    return ROLLOUT_OK;
}

static int tick(rollout_sim *s)
{
    int rc = rollout_engine_tick(s->e);

    if (s->cb_error) {
        rc = s->cb_error;
        s->cb_error = 0;
        if (rc == ROLLOUT_ENOMEM)
            return rollout__sim_oom(s);
        return rollout__sim_fail(s, rc, "%s", rollout_strerror(rc));
    }
    if (rc != ROLLOUT_OK)
        return engine_error(s, rc);
    return observe(s);
}

typedef struct {
    int64_t at;          /* the instant of the last step */
    uint64_t steps;      /* steps taken at it */
} stepper;

/* One step: the next event or tick, if it comes at or before LIMIT.  *DONE
 * when nothing comes by then; *NEXT is when the next thing comes. */
static int step(rollout_sim *s, stepper *st, int64_t limit, bool *done, int64_t *next)
{
    int64_t due, ev = s->heap_len ? s->heap[0].time : INT64_MAX;
    int rc = engine_due(s, &due);

    *done = false;
    if (rc != ROLLOUT_OK)
        return rc;
    *next = ev < due ? ev : due;
    if (*next == INT64_MAX || *next > limit) {
        *done = true;
        return ROLLOUT_OK;
    }
    if (*next > s->now)
        s->now = *next;
    if (st->at != s->now) {
        st->at = s->now;
        st->steps = 0;
    }
    if (++st->steps > STEPS_MARGIN + STEPS_PER_OBJECT *
                          (s->replica_map.len + s->heap_len +
                           rollout_engine_deployment_count(s->e)))
        return rollout__sim_fail(s, ROLLOUT_ESTATE, "the simulation does not advance "
                                 "at %lld ms: replicas come and go at one instant "
                                 "(zero delays and a crash fault?)",
                                 (long long)s->now);
    if (ev <= due) {
        sim_event e = heap_pop(s);

        rc = run_event(s, &e);
        rollout__sim_replica_unref(e.replica);
        return rc;
    }
    return tick(s);
}

/* Begins a run: what the host applied since the last one begins now. */
static int begin_run(rollout_sim *s)
{
    rollout__sim_clear_error(s);
    return observe(s);
}

int rollout_sim_run_until(rollout_sim *s, int64_t time_ms)
{
    stepper st = {INT64_MIN, 0};
    bool done = false;
    int64_t next;
    int rc;

    if (!s)
        return ROLLOUT_EINVAL;
    if ((rc = begin_run(s)) != ROLLOUT_OK)
        return rc;
    if (time_ms < s->now)
        return rollout__sim_fail(s, ROLLOUT_EINVAL, "the clock does not go back "
                                 "(%lld ms is before %lld ms)", (long long)time_ms,
                                 (long long)s->now);
    while (!done && rc == ROLLOUT_OK)
        rc = step(s, &st, time_ms, &done, &next);
    if (rc == ROLLOUT_OK)
        s->now = time_ms;
    return rc;
}

int rollout_sim_advance(rollout_sim *s, int64_t ms)
{
    if (!s)
        return ROLLOUT_EINVAL;
    if (ms < 0) {
        rollout__sim_clear_error(s);
        return rollout__sim_fail(s, ROLLOUT_EINVAL, "the clock does not go back");
    }
    return rollout_sim_run_until(s, ms > INT64_MAX - s->now ? INT64_MAX : s->now + ms);
}

static bool all_settled(rollout_sim *s)
{
    size_t i, n = rollout_engine_deployment_count(s->e);

    for (i = 0; i < n; i++)
        if (!settled(rollout_engine_deployment_at(s->e, i)))
            return false;
    return true;
}

int rollout_sim_run_until_idle(rollout_sim *s, int64_t limit_ms)
{
    stepper st = {INT64_MIN, 0};
    int rc;

    if (!s)
        return ROLLOUT_EINVAL;
    if ((rc = begin_run(s)) != ROLLOUT_OK)
        return rc;
    if (limit_ms < s->now)
        return rollout__sim_fail(s, ROLLOUT_EINVAL, "the limit %lld ms is before the "
                                 "clock (%lld ms)", (long long)limit_ms,
                                 (long long)s->now);
    for (;;) {
        int64_t due, ev = s->heap_len ? s->heap[0].time : INT64_MAX, next;
        bool done;

        if ((rc = engine_due(s, &due)) != ROLLOUT_OK)
            return rc;
        if (!s->heap_len && (due == INT64_MAX || due > limit_ms) && all_settled(s))
            return ROLLOUT_SIM_IDLE;
        next = ev < due ? ev : due;
        if (next == INT64_MAX)
            return ROLLOUT_SIM_STALLED;
        if (next > limit_ms) {
            s->now = limit_ms;
            return ROLLOUT_SIM_LIMIT;
        }
        if ((rc = step(s, &st, limit_ms, &done, &next)) != ROLLOUT_OK)
            return rc;
    }
}

/* Summaries. */

int rollout_sim_summary_get(rollout_sim_summary *out, const rollout_sim *s,
                            const char *ns, const char *name)
{
    rollout_deployment *d = NULL;
    const sim_dep *t = NULL;
    char buf[256], *key;

    if (!out || !s || !name || out->version != ROLLOUT_SIM_SUMMARY_VERSION)
        return ROLLOUT_EINVAL;
    if (rollout_engine_find_deployment(&d, s->e, ns, name) == ROLLOUT_OK) {
        if (!(key = dep_key(buf, sizeof(buf), d)))
            return ROLLOUT_ENOMEM;
        t = rollout__map_get(&s->dep_map, key);
        if (key != buf)
            free(key);
    } else {
        size_t i;

        /* gone from the engine, or a standalone application: the last
         * record of that name */
        for (i = s->deps.len; i-- > 0 && !t;) {
            const sim_dep *x = s->deps.items[i];

            if (strcmp(x->name, name) != 0)
                continue;
            if (ns ? strcmp(x->ns, ns) == 0
                   : strcmp(x->ns, "default") == 0 || strcmp(x->ns, "defaultGroup") == 0)
                t = x;
        }
    }
    if (!t && !d)
        return ROLLOUT_ENOTFOUND;
    if (!t) {
        /* applied, not yet run: its rollout begins at the next run */
        out->start_ms = s->now;
        out->finish_ms = -1;
        counts(&out->min_available, &out->max_total, d);
        out->waves = 0;
        return ROLLOUT_OK;
    }
    out->start_ms = t->start;
    out->finish_ms = t->finish;
    out->min_available = t->min_available;
    out->max_total = t->max_total;
    out->waves = t->waves;
    return ROLLOUT_OK;
}

/* Snapshots. */

int rollout_sim_save(char **json, rollout_sim *s)
{
    if (!json)
        return ROLLOUT_EINVAL;
    *json = NULL;
    if (!s)
        return ROLLOUT_EINVAL;
    rollout__sim_clear_error(s);
    return rollout__sim_save(json, s);
}

int rollout_sim_restore(rollout_sim **out, const char *json, size_t len)
{
    rollout_sim *s;
    char *msg = NULL;
    int rc;

    if (!out)
        return ROLLOUT_EINVAL;
    *out = NULL;
    if (!json)
        msg = rollout__strdup("no saved state"), rc = ROLLOUT_EINVAL;
    else
        rc = rollout__sim_restore(out, &msg, json, len);
    if (rc == ROLLOUT_OK)
        return ROLLOUT_OK;
    /* an empty simulator carries the message */
    if (rollout_sim_new(&s, NULL) != ROLLOUT_OK) {
        free(msg);
        return rc;
    }
    if (rc == ROLLOUT_ENOMEM || !msg) {
        free(msg);
        rollout__sim_oom(s);
    } else {
        s->errmsg = msg;
    }
    *out = s;
    return rc;
}
