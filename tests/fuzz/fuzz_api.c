/*
 * The API as a sequence of operations: the input's bytes choose a host (the
 * simulator, or the minimal fuzz_host driven by hand) and then up to
 * MAX_OPS operations on it: specs of both dialects applied, created and
 * updated with chosen numbers, scale, pause, resume, cancel, undo, restart,
 * delete, reports of any phase for existing or unknown replicas, time,
 * nodes and faults, and snapshots taken and restored in the middle.
 *
 * Everything is bounded (replicas, operations, virtual time) so that one
 * input runs in milliseconds.  Invariants: a saved state restores, and
 * saving it again gives the same bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_host.h"

#define MAX_OPS 64
#define MAX_REPLICAS 50
/* Virtual time one input may spend, and one operation. */
#define MAX_TOTAL_MS (10 * 60 * 1000)
#define MAX_STEP_MS (60 * 1000)
/* Ticks the hand-driven host makes to reach a time. */
#define MAX_TICKS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
    const uint8_t *p;
    size_t n;
} reader;

/* The next byte; 0 once the input is used up. */
static unsigned u8(reader *r)
{
    if (!r->n)
        return 0;
    r->n--;
    return *r->p++;
}

static unsigned u16(reader *r)
{
    unsigned hi = u8(r);

    return hi << 8 | u8(r);
}

#define PICK(table, r) ((table)[u8(r) % (sizeof(table) / sizeof((table)[0]))])

static const char *const names[] = {"web", "api", "test"};
static const char *const namespaces[] = {NULL, "default", "defaultGroup", "other"};
/* valid and invalid fenceposts alike: validation is under test too */
static const char *const fenceposts[] = {"0", "1", "2", "3", "25%", "50%",
                                         "100%", "0%", "-1", "x", "101%"};
static const char *const images[] = {"img:1", "img:2", "img:3", "crash:1",
                                     "never:1"};
static const char *const node_names[] = {"node1", "node2", "node3", "node4"};
static const char *const attr_keys[] = {"disk", "zone", "InnerIP", "hostname"};
static const char *const attr_values[] = {"ssd", "hdd", "1", "10.0.0.1", NULL};
static const char *const clusters[] = {"Unnamed", "c1", "BCS-K8S-1"};
static const char *const reasons[] = {NULL, "", "have not enough resources",
                                      "image pull failed"};

typedef struct {
    reader in;
    rollout_sim *sim;      /* the simulator, or NULL: */
    fuzz_host host;        /* the hand-driven host */
    int64_t spent_ms;
    unsigned cluster;
} state;

static rollout_engine *engine(state *st)
{
    return st->sim ? rollout_sim_engine(st->sim) : st->host.e;
}

static int32_t replicas_of(unsigned byte)
{
    return (int32_t)(byte % (MAX_REPLICAS + 1));
}

/* A Kubernetes spec built with the setters. */
static rollout_spec *k8s_spec(reader *in, const char *ns, const char *name)
{
    static const int32_t min_ready[] = {0, 0, 1, 10};
    static const int32_t deadlines[] = {600, 1, 30, INT32_MAX};
    static const int32_t history[] = {10, 0, 1, 2};
    rollout_spec *s = NULL;
    unsigned flags;
    size_t c;

    if (rollout_spec_new(&s, ROLLOUT_DIALECT_KUBERNETES, ns, name) != ROLLOUT_OK)
        return NULL;
    flags = u8(in);
    rollout_spec_set_replicas(s, replicas_of(u8(in)));
    rollout_spec_set_selector(s, "app", name);
    rollout_spec_set_template_label(s, "app", name);
    rollout_spec_set_strategy(s, flags & 1 ? ROLLOUT_STRATEGY_RECREATE
                                           : ROLLOUT_STRATEGY_ROLLING_UPDATE);
    if (flags & 2) {
        rollout_spec_set_max_surge(s, PICK(fenceposts, in));
        rollout_spec_set_max_unavailable(s, PICK(fenceposts, in));
    }
    rollout_spec_set_min_ready_seconds(s, PICK(min_ready, in));
    rollout_spec_set_progress_deadline_seconds(s, PICK(deadlines, in));
    rollout_spec_set_revision_history_limit(s, PICK(history, in));
    rollout_spec_set_paused(s, flags & 4);
    if (rollout_spec_add_container(&c, s, name, PICK(images, in)) == ROLLOUT_OK) {
        rollout_spec_container_add_port(s, c, NULL, 8000, NULL);
        if (flags & 8)
            rollout_spec_container_set_resource(s, c, "requests", "cpu", "500m");
        if (flags & 16)
            rollout_spec_container_set_env(s, c, "V", flags & 32 ? "a" : "b");
    }
    if (flags & 64)
        rollout_spec_set_annotation(s, "kubernetes.io/change-cause", "fuzz");
    /* a selector that does not match the template: refused */
    if ((flags & 0xc0) == 0xc0)
        rollout_spec_set_selector(s, "app", "other");
    return s;
}

/* A BCS deployment or application, from JSON shaped like the seed's. */
static rollout_spec *bcs_spec(reader *in, int application, const char *ns,
                              const char *name)
{
    static const char *const orders[] = {"CreateFirst", "DeleteFirst", "Other"};
    static const char *const policies[] = {"OnFailure", "Always", "Never"};
    static const int durations[] = {0, 1, 60};
    static const char constraint[] =
        "\"constraint\": {\"IntersectionItem\": [{\"unionData\": "
        "[{\"name\": \"InnerIP\", \"operate\": \"UNIQUE\"}]}]},";
    unsigned flags = u8(in);
    int instance = (int)replicas_of(u8(in));
    unsigned unavailable = u8(in) % 4, surge = u8(in) % 4;
    const char *order = PICK(orders, in), *policy = PICK(policies, in);
    int duration = PICK(durations, in);
    const char *image = PICK(images, in);
    char strategy[512], text[4096];
    rollout_spec *s = NULL;

    if (application)
        strategy[0] = '\0';
    else
        snprintf(strategy, sizeof(strategy),
                 "\"strategy\": {\"type\": \"RollingUpdate\", \"rollingupdate\": "
                 "{\"maxUnavailable\": %u, \"maxSurge\": %u, "
                 "\"upgradeDuration\": %d, \"rollingOrder\": \"%s\", "
                 "\"rollingManually\": %s}},",
                 unavailable, surge, duration, order, flags & 1 ? "true" : "false");
    snprintf(text, sizeof(text),
             "{\"apiVersion\": \"v4\", \"kind\": \"%s\", "
             "\"metadata\": {\"name\": \"%s\", \"namespace\": \"%s\", "
             "\"labels\": {\"app\": \"%s\"}}, %s"
             "\"restartPolicy\": {\"policy\": \"%s\"}, "
             "\"spec\": {\"instance\": %d, %s"
             "\"template\": {\"metadata\": {\"labels\": {\"app\": \"%s\"}}, "
             "\"spec\": {\"containers\": [{\"image\": \"%s\", \"env\": "
             "[{\"name\": \"V\", \"value\": \"%s\"}], "
             "\"resources\": {\"limits\": {\"cpu\": \"%s\", \"memory\": \"64\"}}}]}}}}",
             application ? "application" : "deployment", name,
             ns ? ns : "defaultGroup", name, flags & 2 ? constraint : "", policy,
             instance, strategy, name, image, flags & 4 ? "a" : "b",
             flags & 8 ? "0.5" : "1");
    if (rollout_spec_parse(&s, text, strlen(text), "fuzz_api.json",
                           ROLLOUT_DIALECT_BCS, NULL) != ROLLOUT_OK)
        return NULL;
    return s;
}

static rollout_spec *make_spec(state *st)
{
    unsigned kind = u8(&st->in) % 4;
    const char *name = PICK(names, &st->in);
    const char *ns = PICK(namespaces, &st->in);

    if (kind < 2)
        return k8s_spec(&st->in, ns, name);
    return bcs_spec(&st->in, kind == 3, ns, name);
}

/* Ticks the hand-driven host at each deadline up to MS from now. */
static void host_advance(fuzz_host *h, int64_t ms)
{
    int64_t until = h->now + ms, t;
    int i;

    for (i = 0; i < MAX_TICKS && h->now < until; i++) {
        rollout_engine_tick(h->e);
        if (rollout_engine_next_deadline(&t, h->e) != ROLLOUT_OK || t < 0 ||
            h->now + t > until)
            h->now = until;
        else
            h->now += t > 0 ? t : 1;
    }
    rollout_engine_tick(h->e);
}

static void advance(state *st, int64_t ms)
{
    if (ms > MAX_STEP_MS)
        ms = MAX_STEP_MS;
    if (st->spent_ms + ms > MAX_TOTAL_MS)
        ms = MAX_TOTAL_MS - st->spent_ms;
    st->spent_ms += ms;
    if (st->sim)
        rollout_sim_advance(st->sim, ms);
    else
        host_advance(&st->host, ms);
}

/* Saves the engine (or the simulator), restores the save into a new one
 * that takes its place, and checks that saving that gives the same
 * bytes. */
static void save_restore(state *st)
{
    char *json = NULL, *again = NULL;

    if (st->sim) {
        rollout_sim *sim = NULL;

        if (rollout_sim_save(&json, st->sim) != ROLLOUT_OK)
            return;
        if (rollout_sim_restore(&sim, json, strlen(json)) != ROLLOUT_OK)
            fuzz_fail("a saved simulator does not restore", rollout_sim_errmsg(sim));
        if (rollout_sim_save(&again, sim) != ROLLOUT_OK)
            fuzz_fail("a restored simulator does not save", rollout_sim_errmsg(sim));
        rollout_sim_free(st->sim);
        st->sim = sim;
    } else {
        rollout_engine *e = NULL;

        if (rollout_engine_save(&json, st->host.e) != ROLLOUT_OK)
            return;
        if (fuzz_host_engine(&e, &st->host) != ROLLOUT_OK) {
            rollout_free(json);
            return;
        }
        if (rollout_engine_restore(e, json, strlen(json)) != ROLLOUT_OK)
            fuzz_fail("a saved engine does not restore", rollout_engine_errmsg(e));
        if (rollout_engine_save(&again, e) != ROLLOUT_OK)
            fuzz_fail("a restored engine does not save", rollout_engine_errmsg(e));
        rollout_engine_free(st->host.e);
        st->host.e = e;
    }
    if (strcmp(json, again) != 0) {
        fprintf(stderr, "saved:\n%s\nrestored and saved:\n%s\n", json, again);
        fuzz_fail("a restored state saves differently", NULL);
    }
    rollout_free(json);
    rollout_free(again);
    /* the cluster name is the host's, not part of a snapshot */
    rollout_engine_set_cluster(engine(st), clusters[st->cluster]);
}

/* The name of an existing replica set (or BCS application), by index. */
static const char *pick_replica_set(rollout_engine *e, unsigned k)
{
    size_t i, n = 0;

    for (i = 0; i < rollout_engine_deployment_count(e); i++)
        n += rollout_deployment_replica_set_count(rollout_engine_deployment_at(e, i));
    if (!n)
        return NULL;
    k %= (unsigned)n;
    for (i = 0; i < rollout_engine_deployment_count(e); i++) {
        rollout_deployment *d = rollout_engine_deployment_at(e, i);
        size_t c = rollout_deployment_replica_set_count(d);

        if (k < c)
            return rollout_replica_set_name(rollout_deployment_replica_set_at(d, k));
        k -= (unsigned)c;
    }
    return NULL;
}

enum {
    OP_APPLY,
    OP_CREATE,
    OP_UPDATE,
    OP_SCALE,
    OP_PAUSE,
    OP_RESUME,
    OP_CANCEL,
    OP_UNDO,
    OP_RESTART,
    OP_DELETE,
    OP_DELETE_APPLICATION,
    OP_REPORT,
    OP_REPORT_UNKNOWN,
    OP_REPORT_NODE,
    OP_ADVANCE,
    OP_TICK,
    OP_SAVE_RESTORE,
    OP_WALK,
    OP_BACKOFF,
    OP_CLUSTER,
    /* the simulator's own; the hand-driven host plays a round instead */
    OP_ADD_NODE,
    OP_LOSE_NODE,
    OP_STEER_ONE,
    OP_IMAGE_FAULT,
    OP_STEER,
    OP_RUN_IDLE,
    OP_NODE_ATTRIBUTE,
    OP_COUNT
};

static void host_op(state *st, unsigned op)
{
    reader *in = &st->in;
    rollout_sim *sim = st->sim;
    char replica[256];

    if (!sim) {
        /* a round of the host doing its part, at most a minute on */
        fuzz_host_drive(&st->host, 1, 1000 * (int64_t)(u8(in) % 61));
        return;
    }
    switch (op) {
    case OP_ADD_NODE: {
        const char *node = PICK(node_names, in);
        unsigned cpu = u8(in) % 9, mem = u8(in);

        rollout_sim_add_node(sim, node, cpu, 64.0 * mem);
        break;
    }
    case OP_LOSE_NODE:
        rollout_sim_lose_node(sim, PICK(node_names, in));
        break;
    case OP_STEER_ONE: {
        unsigned action = u8(in) % 3, k = u8(in);

        if (!fuzz_pick_replica(replica, sizeof(replica), rollout_sim_engine(sim), k))
            snprintf(replica, sizeof(replica), "nope-%u", k);
        if (action == 0)
            rollout_sim_replica_ready(sim, replica);
        else if (action == 1)
            rollout_sim_replica_fail(sim, replica);
        else
            rollout_sim_replica_kill(sim, replica);
        break;
    }
    case OP_IMAGE_FAULT: {
        const char *image = PICK(images, in);
        unsigned fault = u8(in) % 4; /* 3: out of range */

        rollout_sim_set_image_fault(sim, image, (rollout_sim_fault)fault,
                                    100 * (int64_t)u8(in));
        break;
    }
    case OP_STEER: {
        unsigned action = u8(in) % 4, k = u8(in), count = u8(in) % 4;
        const char *rs = k & 1 ? pick_replica_set(rollout_sim_engine(sim), k >> 1)
                               : NULL;
        char set[256];
        size_t steered;

        /* copied: the steering may free the set */
        snprintf(set, sizeof(set), "%s", rs ? rs : "");
        rollout_sim_steer(&steered, sim, (rollout_sim_action)action, rs ? set : NULL,
                          count);
        break;
    }
    case OP_RUN_IDLE: {
        int64_t ms = 100 * (int64_t)u16(in);

        if (ms > MAX_STEP_MS)
            ms = MAX_STEP_MS;
        if (st->spent_ms + ms > MAX_TOTAL_MS)
            ms = MAX_TOTAL_MS - st->spent_ms;
        st->spent_ms += ms;
        rollout_sim_run_until_idle(sim, rollout_sim_now(sim) + ms);
        break;
    }
    case OP_NODE_ATTRIBUTE: {
        const char *node = PICK(node_names, in), *key = PICK(attr_keys, in);

        rollout_sim_set_node_attribute(sim, node, key, PICK(attr_values, in));
        break;
    }
    default:
        break;
    }
}

static void run_op(state *st)
{
    reader *in = &st->in;
    unsigned op = u8(in) % OP_COUNT;
    rollout_engine *e = engine(st);
    const char *ns = NULL, *name = NULL;
    char replica[256];
    rollout_spec *spec;
    int outcome;

    if (op >= OP_SCALE && op <= OP_DELETE_APPLICATION) {
        name = PICK(names, in);
        ns = PICK(namespaces, in);
    }
    switch (op) {
    case OP_APPLY:
    case OP_CREATE:
    case OP_UPDATE:
        if (!(spec = make_spec(st)))
            break;
        if (op == OP_APPLY)
            rollout_engine_apply(&outcome, e, spec);
        else if (op == OP_CREATE)
            rollout_engine_create(e, spec);
        else
            rollout_engine_update(e, spec);
        rollout_spec_free(spec);
        break;
    case OP_SCALE: {
        unsigned n = u8(in);

        rollout_engine_scale(e, ns, name, n == 255 ? -1 : replicas_of(n));
        break;
    }
    case OP_PAUSE:
        rollout_engine_pause(e, ns, name);
        break;
    case OP_RESUME:
        rollout_engine_resume(e, ns, name);
        break;
    case OP_CANCEL:
        rollout_engine_cancel(e, ns, name);
        break;
    case OP_UNDO: {
        unsigned rev = u8(in) % 6;

        /* 5: a negative revision */
        rollout_engine_undo(&outcome, e, ns, name, rev == 5 ? -1 : (int64_t)rev);
        break;
    }
    case OP_RESTART:
        rollout_engine_restart(e, ns, name);
        break;
    case OP_DELETE:
        rollout_engine_delete(e, ns, name);
        break;
    case OP_DELETE_APPLICATION:
        rollout_engine_delete_application(e, ns, name);
        break;
    case OP_REPORT:
    case OP_REPORT_UNKNOWN: {
        unsigned k = u8(in), phase = u8(in) % 11; /* 10: out of range */
        const char *reason = PICK(reasons, in);

        if (op == OP_REPORT_UNKNOWN ||
            !fuzz_pick_replica(replica, sizeof(replica), e, k))
            snprintf(replica, sizeof(replica), "web-%u", k);
        rollout_engine_report(e, replica, (rollout_phase)phase, reason);
        break;
    }
    case OP_REPORT_NODE: {
        unsigned k = u8(in), node = u8(in) % 5;

        if (fuzz_pick_replica(replica, sizeof(replica), e, k))
            rollout_engine_report_node(e, replica, node < 4 ? node_names[node] : NULL);
        break;
    }
    case OP_ADVANCE:
        advance(st, 10 * (int64_t)u16(in));
        break;
    case OP_TICK:
        if (st->sim)
            rollout_sim_run_until(st->sim, rollout_sim_now(st->sim));
        else
            rollout_engine_tick(e);
        break;
    case OP_SAVE_RESTORE:
        save_restore(st);
        break;
    case OP_WALK:
        fuzz_walk(e);
        break;
    case OP_BACKOFF: {
        static const int64_t initial[] = {100, 500, 1000, 0};
        static const int64_t max[] = {1000, 5000, 10000, 50};

        rollout_engine_set_backoff(e, PICK(initial, in), PICK(max, in));
        break;
    }
    case OP_CLUSTER:
        st->cluster = u8(in) % (sizeof(clusters) / sizeof(clusters[0]));
        rollout_engine_set_cluster(e, clusters[st->cluster]);
        break;
    default:
        host_op(st, op);
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static state st;
    unsigned mode, i;

    memset(&st, 0, sizeof(st));
    st.in.p = data;
    st.in.n = size;
    mode = u8(&st.in);
    if (mode & 1) {
        rollout_sim_options o;

        rollout_sim_options_init(&o, ROLLOUT_SIM_OPTIONS_VERSION);
        o.seed = u8(&st.in);
        o.manual = (mode >> 1) & 1;
        o.no_timeline = (mode >> 2) & 1;
        o.refuse_rate = (mode >> 3) & 1 ? 0.25 : 0.0;
        o.start_delay_min_ms = 100 * (int64_t)(u8(&st.in) % 20);
        o.start_delay_max_ms = o.start_delay_min_ms + 100 * (int64_t)(u8(&st.in) % 20);
        o.ready_delay_ms = 100 * (int64_t)(u8(&st.in) % 20);
        o.stop_delay_ms = 100 * (int64_t)(u8(&st.in) % 20);
        if (rollout_sim_new(&st.sim, &o) != ROLLOUT_OK)
            return 0;
        /* a cluster to start with; OP_ADD_NODE adds or repeats nodes */
        for (i = 0; i < (mode >> 4) % 4; i++)
            rollout_sim_add_node(st.sim, node_names[i], 4, 8192);
    } else {
        st.host.start_on_create = (mode >> 1) & 1;
        st.host.gone_on_delete = (mode >> 2) & 1;
        st.host.refuse_every = (mode >> 3) & 3;
        if (fuzz_host_init(&st.host) != ROLLOUT_OK)
            return 0;
    }
    for (i = 0; i < MAX_OPS && st.in.n; i++)
        run_op(&st);
    fuzz_walk(engine(&st));
    if (st.sim)
        rollout_sim_free(st.sim);
    else
        fuzz_host_fini(&st.host);
    return 0;
}
