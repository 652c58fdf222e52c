/*
 * The benchmark of DESIGN.md's targets ("Targets that shape the design").
 * It prints one line per figure, "bench: NAME VALUE UNIT", and before each
 * scenario the command line that runs it alone.  Nothing here is a test:
 * it fails only when the library returns an error or a rollout does not
 * finish, never because of a time.
 *
 * Scenarios (run alone with --scenario, sizes with the options below):
 *   scale   D deployments of R replicas rolled from v1 to v2 with zero
 *           delays: engine CPU time and resident memory per replica
 *   idle    a tick with nothing due, at three numbers of deployments
 *   parse   the seed's manifests and a 500-container one, against the
 *           plain parse of libyaml and jansson
 *   waves   the seed's rollouts on the simulator with fixed delays,
 *           against the fewest waves their parameters allow
 *
 * Without --scenario every scenario runs, each in a process of its own so
 * that one's peak memory does not hide another's.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <yaml.h>
#include <rollout/rollout.h>

#ifndef BENCH_DATA_DIR
#define BENCH_DATA_DIR "tests/data/seed"
#endif

typedef struct {
    bool small;
    const char *scenario;  /* NULL: all */
    const char *data;      /* the seed's manifests */
    long deployments;      /* scale */
    long replicas;
    long idle[3];          /* idle: numbers of deployments */
    double parse_seconds;  /* parse: time spent on each measurement */
    const char *self;      /* argv[0], for the command lines */
} options;

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
    va_list ap;

    fflush(stdout);
    fputs("rollout-bench: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

static void check(int rc, const char *what)
{
    if (rc != ROLLOUT_OK)
        die("%s: %s", what, rollout_strerror(rc));
}

static void check_engine(int rc, rollout_engine *e, const char *what)
{
    if (rc != ROLLOUT_OK)
        die("%s: %s: %s", what, rollout_strerror(rc), rollout_engine_errmsg(e));
}

static void figure(const char *name, double value, const char *unit)
{
    printf("bench: %s %.*f %s\n", name, value >= 100 ? 0 : 2, value, unit);
    fflush(stdout);
}

static int64_t clock_ns(clockid_t id)
{
    struct timespec ts;

    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* CPU time of this thread: what the engine and its host spend, without
 * the time the machine gives to other processes. */
static int64_t cpu_ns(void)
{
    return clock_ns(CLOCK_THREAD_CPUTIME_ID);
}

static int64_t wall_ns(void)
{
    return clock_ns(CLOCK_MONOTONIC);
}

/* A field of /proc/self/status in kB, as bytes. */
static long long proc_status_bytes(const char *field)
{
    FILE *f = fopen("/proc/self/status", "r");
    size_t len = strlen(field);
    char line[256];
    long long kb = -1;

    if (!f)
        die("/proc/self/status: %s", strerror(errno));
    while (fgets(line, sizeof(line), f))
        if (strncmp(line, field, len) == 0 && line[len] == ':') {
            kb = atoll(line + len + 1);
            break;
        }
    fclose(f);
    if (kb < 0)
        die("/proc/self/status has no %s", field);
    return kb * 1024;
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);

    if (!p)
        die("out of memory");
    return p;
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        die("out of memory");
    return p;
}

/* Sizes. */

typedef struct {
    const char **items;
    size_t len, cap;
} name_list;

static void list_push(name_list *l, const char *name)
{
    if (l->len == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 1024;
        l->items = xrealloc(l->items, l->cap * sizeof(*l->items));
    }
    l->items[l->len++] = name;
}

/* Specs.  Deployment NAME with REPLICAS replicas of IMAGE, no resources
 * (so that one node holds them all) and the defaults of rollout_spec_new
 * (25% surge, 25% unavailable). */
static rollout_spec *make_spec(const char *name, long replicas, const char *image)
{
    rollout_spec *sp = NULL;

    check(rollout_spec_new(&sp, ROLLOUT_DIALECT_KUBERNETES, "bench", name), "spec");
    check(rollout_spec_set_replicas(sp, (int32_t)replicas), "spec replicas");
    check(rollout_spec_set_selector(sp, "app", name), "spec selector");
    check(rollout_spec_set_template_label(sp, "app", name), "spec label");
    check(rollout_spec_add_container(NULL, sp, "app", image), "spec container");
    return sp;
}

static rollout_spec **make_specs(long n, long replicas, const char *image)
{
    rollout_spec **specs = xmalloc((size_t)n * sizeof(*specs));
    char name[32];
    long i;

    for (i = 0; i < n; i++) {
        snprintf(name, sizeof(name), "d%06ld", i);
        specs[i] = make_spec(name, replicas, image);
    }
    return specs;
}

static void free_specs(rollout_spec **specs, long n)
{
    long i;

    for (i = 0; i < n; i++)
        rollout_spec_free(specs[i]);
    free(specs);
}

static void apply_all(rollout_engine *e, rollout_spec **specs, long n)
{
    long i;

    for (i = 0; i < n; i++)
        check_engine(rollout_engine_apply(NULL, e, specs[i]), e, "apply");
}

/* Every deployment of E has all its replicas updated and available, and
 * no old one left. */
static void check_rolled_out(rollout_engine *e, long replicas)
{
    size_t i, n = rollout_engine_deployment_count(e);

    for (i = 0; i < n; i++) {
        rollout_deployment *d = rollout_engine_deployment_at(e, i);

        if (rollout_deployment_count(d, ROLLOUT_COUNT_UPDATED) != replicas ||
            rollout_deployment_count(d, ROLLOUT_COUNT_AVAILABLE) != replicas ||
            rollout_deployment_count(d, ROLLOUT_COUNT_CURRENT) != replicas)
            die("deployment %s did not roll out", rollout_deployment_name(d));
    }
}

/*
 * The bare host: the least a host can do.  Its clock stands still (zero
 * delays); a create request is placed at once (node and STARTING reported
 * from the callback, as the simulator does); after the tick every created
 * replica is reported RUNNING then READY and every deleted one GONE, which
 * is the order the simulator's zero-delay events reach the engine in.  It
 * keeps no state per replica, only the names (borrowed from the engine)
 * of those the last tick touched, so that what it costs in time and
 * memory is close to nothing next to the engine.
 */
typedef struct {
    rollout_engine *e;
    name_list created, deleted;
    long ticks;
} bare_host;

static int64_t bare_clock(rollout_engine *e, void *ud)
{
    (void)e;
    (void)ud;
    return 1562517092000;
}

static int bare_create(rollout_engine *e, rollout_replica *r, const char **reason,
                       void *ud)
{
    bare_host *h = ud;
    const char *name = rollout_replica_name(r);

    (void)reason;
    if (rollout_engine_report_node(e, name, "node") != ROLLOUT_OK ||
        rollout_engine_report(e, name, ROLLOUT_PHASE_STARTING, NULL) != ROLLOUT_OK)
        return ROLLOUT_ECALLBACK;
    list_push(&h->created, name);
    return ROLLOUT_OK;
}

static int bare_delete(rollout_engine *e, rollout_replica *r, const char **reason,
                       void *ud)
{
    bare_host *h = ud;

    (void)e;
    (void)reason;
    list_push(&h->deleted, rollout_replica_name(r));
    return ROLLOUT_OK;
}

static void bare_report(bare_host *h, const char *name, rollout_phase phase)
{
    int rc = rollout_engine_report(h->e, name, phase, NULL);

    if (rc != ROLLOUT_OK && rc != ROLLOUT_ENOTFOUND)
        check_engine(rc, h->e, "report");
}

/* Ticks and reports until the engine has nothing due now. */
static void bare_run(bare_host *h)
{
    for (;;) {
        int64_t due;
        size_t i;

        check_engine(rollout_engine_next_deadline(&due, h->e), h->e, "deadline");
        if (due != 0)
            return;
        check_engine(rollout_engine_tick(h->e), h->e, "tick");
        h->ticks++;
        for (i = 0; i < h->created.len; i++) {
            bare_report(h, h->created.items[i], ROLLOUT_PHASE_RUNNING);
            bare_report(h, h->created.items[i], ROLLOUT_PHASE_READY);
        }
        h->created.len = 0;
        /* the names of these are freed by their GONE: a copy of the list
         * would be needed only if a replica were both created and deleted
         * in one tick, which ends with its GONE anyway */
        for (i = 0; i < h->deleted.len; i++)
            bare_report(h, h->deleted.items[i], ROLLOUT_PHASE_GONE);
        h->deleted.len = 0;
    }
}

static void bare_new(bare_host *h)
{
    rollout_callbacks *cb = NULL;

    memset(h, 0, sizeof(*h));
    check(rollout_callbacks_new(&cb), "callbacks");
    rollout_callbacks_set_clock(cb, bare_clock);
    rollout_callbacks_set_create_replica(cb, bare_create);
    rollout_callbacks_set_delete_replica(cb, bare_delete);
    check(rollout_engine_new(&h->e, cb, h), "engine");
    rollout_callbacks_free(cb);
}

static void bare_free(bare_host *h)
{
    rollout_engine_free(h->e);
    free(h->created.items);
    free(h->deleted.items);
}

/* A simulator with zero delays and one node large enough for everything,
 * so that every replica is placed at once and placement scans one node. */
static rollout_sim *zero_delay_sim(void)
{
    rollout_sim_options o;
    rollout_sim *sim = NULL;

    check(rollout_sim_options_init(&o, ROLLOUT_SIM_OPTIONS_VERSION), "sim options");
    o.start_delay_min_ms = o.start_delay_max_ms = 0;
    o.ready_delay_ms = 0;
    o.stop_delay_ms = 0;
    o.no_timeline = 1;
    check(rollout_sim_new(&sim, &o), "sim");
    if (rollout_sim_add_node(sim, "node", 1e6, 1e9) != ROLLOUT_OK)
        die("sim node: %s", rollout_sim_errmsg(sim));
    return sim;
}

static void sim_settle(rollout_sim *sim)
{
    int rc = rollout_sim_run_until_idle(sim, rollout_sim_now(sim) + 86400000);

    if (rc != ROLLOUT_SIM_IDLE)
        die("the simulation did not settle (%d): %s", rc, rollout_sim_errmsg(sim));
}

/*
 * Scale.  D deployments of R replicas, applied at v1 and settled, then
 * applied at v2 and rolled out; the figures are of the v2 rollout (the
 * applies included), per replica lifecycle: one new replica created,
 * started and ready, one old replica deleted and gone, D x R of each.
 *
 * How the simulator's own share is taken apart.  The simulator calls into
 * the engine and the engine calls back into it thousands of times per
 * tick, so timing the two around each call would cost more than the work
 * timed (a thread CPU clock reading is a system call).  Instead the same
 * rollout runs twice on the same engine code:
 *   - on the bare host above, whose own work is a pointer pushed per
 *     callback and a loop over them: its CPU time is the engine's, with a
 *     host share too small to matter (counted in, so lifecycle_ns errs
 *     high), and its resident memory growth is the engine's;
 *   - on the simulator, which does the same protocol (same reports in the
 *     same order between ticks) plus its own bookkeeping: placement, the
 *     event heap, its replica tables, and its look at every deployment
 *     after every tick.
 * The engine does the same work under both hosts, so the simulator's
 * share is the difference, printed as sim_ns_per_replica.
 *
 * Memory: the growth of the peak resident set (VmHWM) over the resident
 * set before anything was made, divided by D x R.  The bare host runs
 * first; the simulator, which holds the engine's state and its own,
 * peaks higher, so the peak after it is its own.
 */
static void scenario_scale(const options *o)
{
    long d = o->deployments, r = o->replicas;
    double replicas = (double)d * (double)r;
    rollout_spec **v1, **v2;
    long long rss0, hwm;
    int64_t c0, c1, w0, w1;
    double engine_ns;
    bare_host h;
    rollout_sim *sim;
    rollout_engine *e;

    v1 = make_specs(d, r, "bench:v1");
    v2 = make_specs(d, r, "bench:v2");
    rss0 = proc_status_bytes("VmRSS");

    bare_new(&h);
    apply_all(h.e, v1, d);
    bare_run(&h);
    check_rolled_out(h.e, r);
    h.ticks = 0;
    c0 = cpu_ns();
    apply_all(h.e, v2, d);
    bare_run(&h);
    c1 = cpu_ns();
    check_rolled_out(h.e, r);
    hwm = proc_status_bytes("VmHWM");
    engine_ns = (double)(c1 - c0) / replicas;
    figure("scale_replicas", replicas, "replicas");
    figure("scale_ticks", (double)h.ticks, "ticks");
    figure("scale_engine_ms", (double)(c1 - c0) / 1e6, "ms");
    figure("lifecycle_ns", engine_ns, "ns");
    figure("bytes_per_replica", (double)(hwm - rss0) / replicas, "bytes");
    bare_free(&h);

    sim = zero_delay_sim();
    e = rollout_sim_engine(sim);
    apply_all(e, v1, d);
    sim_settle(sim);
    check_rolled_out(e, r);
    w0 = wall_ns();
    c0 = cpu_ns();
    apply_all(e, v2, d);
    sim_settle(sim);
    c1 = cpu_ns();
    w1 = wall_ns();
    check_rolled_out(e, r);
    hwm = proc_status_bytes("VmHWM");
    figure("scale_sim_total_ms", (double)(w1 - w0) / 1e6, "ms");
    figure("scale_sim_cpu_ns_per_replica", (double)(c1 - c0) / replicas, "ns");
    figure("sim_ns_per_replica", (double)(c1 - c0) / replicas - engine_ns, "ns");
    figure("sim_bytes_per_replica", (double)(hwm - rss0) / replicas, "bytes");
    rollout_sim_free(sim);
    free_specs(v1, d);
    free_specs(v2, d);
}

/*
 * Idle tick.  N deployments of one replica each, rolled out and settled
 * (each keeps its timers and replica), then rollout_engine_tick() called
 * with nothing due, over and over.  The ratio of the largest N to 10 says
 * whether a tick's cost grows with what the engine holds.
 */
static double idle_tick_ns(long n, double seconds)
{
    rollout_spec **specs = make_specs(n, 1, "bench:v1");
    rollout_sim *sim = zero_delay_sim();
    rollout_engine *e = rollout_sim_engine(sim);
    int64_t c0, c1, due;
    long i, reps = 1000;

    apply_all(e, specs, n);
    sim_settle(sim);
    check_engine(rollout_engine_next_deadline(&due, e), e, "deadline");
    if (due == 0)
        die("idle: a tick is due");
    /* more repetitions until the measurement lasts SECONDS */
    for (;;) {
        c0 = cpu_ns();
        for (i = 0; i < reps; i++)
            check_engine(rollout_engine_tick(e), e, "tick");
        c1 = cpu_ns();
        if ((double)(c1 - c0) >= seconds * 1e9 || reps >= 1000000000L / 10)
            break;
        reps *= 4;
    }
    rollout_sim_free(sim);
    free_specs(specs, n);
    return (double)(c1 - c0) / (double)reps;
}

static void scenario_idle(const options *o)
{
    double first = 0, ns = 0;
    char name[64];
    size_t i;

    for (i = 0; i < 3; i++) {
        ns = idle_tick_ns(o->idle[i], o->small ? 0.01 : 0.5);
        if (i == 0)
            first = ns;
        snprintf(name, sizeof(name), "idle_tick_ns_%ld", o->idle[i]);
        figure(name, ns, "ns");
    }
    figure("idle_tick_ratio", ns / first, "x");
}

/* Parse. */

typedef struct {
    char *name;
    char *buf;
    size_t len;
    bool yaml;
} input;

static char *read_file(size_t *len, const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n;

    if (!f)
        die("%s: %s", path, strerror(errno));
    *len = 0;
    do {
        if (cap - *len < 4096)
            buf = xrealloc(buf, cap = 2 * cap + 4096);
        n = fread(buf + *len, 1, cap - *len - 1, f);
        *len += n;
    } while (n > 0);
    if (ferror(f))
        die("%s: read error", path);
    fclose(f);
    buf[*len] = '\0';
    return buf;
}

/* A growing string. */
typedef struct {
    char *s;
    size_t len, cap;
} text;

static void text_add(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void text_add(text *t, const char *fmt, ...)
{
    va_list ap;
    int n;

    for (;;) {
        va_start(ap, fmt);
        n = vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
        va_end(ap);
        if (n < 0)
            die("vsnprintf");
        if ((size_t)n < t->cap - t->len)
            break;
        t->cap = 2 * t->cap + (size_t)n + 1024;
        t->s = xrealloc(t->s, t->cap);
    }
    t->len += (size_t)n;
}

/* A Deployment of 500 containers, each with a command, arguments, a port,
 * environment and resources: what a large real manifest holds, in YAML or
 * JSON. */
#define STRESS_CONTAINERS 500

static char *stress_manifest(size_t *len, bool yaml)
{
    text t = {NULL, 0, 0};
    int i;

    if (yaml)
        text_add(&t, "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n"
                     "  name: stress\n  labels:\n    app: stress\nspec:\n"
                     "  replicas: 3\n  selector:\n    matchLabels:\n"
                     "      app: stress\n  template:\n    metadata:\n"
                     "      labels:\n        app: stress\n    spec:\n"
                     "      containers:\n");
    else
        text_add(&t, "{\"apiVersion\": \"apps/v1\", \"kind\": \"Deployment\",\n"
                     " \"metadata\": {\"name\": \"stress\", \"labels\": "
                     "{\"app\": \"stress\"}},\n"
                     " \"spec\": {\"replicas\": 3, \"selector\": {\"matchLabels\": "
                     "{\"app\": \"stress\"}},\n"
                     "  \"template\": {\"metadata\": {\"labels\": "
                     "{\"app\": \"stress\"}},\n   \"spec\": {\"containers\": [\n");
    for (i = 0; i < STRESS_CONTAINERS; i++) {
        if (yaml)
            text_add(&t,
                     "      - name: c%d\n"
                     "        image: registry.example.com/team/app-%d:v1.%d.0\n"
                     "        command:\n        - /bin/server\n"
                     "        args:\n        - --port=%d\n        - --verbose\n"
                     "        ports:\n        - containerPort: %d\n"
                     "          name: http-%d\n          protocol: TCP\n"
                     "        env:\n        - name: INDEX\n          value: \"%d\"\n"
                     "        - name: MODE\n          value: production\n"
                     "        resources:\n          limits:\n"
                     "            cpu: 500m\n            memory: 128Mi\n"
                     "          requests:\n            cpu: 100m\n"
                     "            memory: 64Mi\n",
                     i, i, i, 8000 + i, 8000 + i, i, i);
        else
            text_add(&t,
                     "    %s{\"name\": \"c%d\", "
                     "\"image\": \"registry.example.com/team/app-%d:v1.%d.0\",\n"
                     "     \"command\": [\"/bin/server\"], "
                     "\"args\": [\"--port=%d\", \"--verbose\"],\n"
                     "     \"ports\": [{\"containerPort\": %d, \"name\": \"http-%d\", "
                     "\"protocol\": \"TCP\"}],\n"
                     "     \"env\": [{\"name\": \"INDEX\", \"value\": \"%d\"}, "
                     "{\"name\": \"MODE\", \"value\": \"production\"}],\n"
                     "     \"resources\": {\"limits\": {\"cpu\": \"500m\", "
                     "\"memory\": \"128Mi\"}, \"requests\": {\"cpu\": \"100m\", "
                     "\"memory\": \"64Mi\"}}}\n",
                     i ? "," : "", i, i, i, 8000 + i, 8000 + i, i, i);
    }
    if (!yaml)
        text_add(&t, "   ]}}}}\n");
    *len = t.len;
    return t.s;
}

static void parse_with_library(const input *in)
{
    rollout_manifest *m = NULL;
    rollout_parse_error err;
    int rc = rollout_manifest_parse(&m, in->buf, in->len, in->name, 0, &err);

    if (rc != ROLLOUT_OK) {
        char msg[1024];

        rollout_parse_error_print(msg, sizeof(msg), &err);
        die("%s", msg);
    }
    rollout_manifest_free(m);
}

/* libyaml alone: every event of the input, and nothing made of them. */
static void parse_with_libyaml(const input *in)
{
    yaml_parser_t parser;
    yaml_event_t event;
    bool end = false;

    if (!yaml_parser_initialize(&parser))
        die("yaml_parser_initialize");
    yaml_parser_set_input_string(&parser, (const unsigned char *)in->buf, in->len);
    while (!end) {
        if (!yaml_parser_parse(&parser, &event))
            die("%s: libyaml: %s", in->name, parser.problem);
        end = event.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&event);
    }
    yaml_parser_delete(&parser);
}

/* jansson alone: the document as a tree of json_t, then freed. */
static void parse_with_jansson(const input *in)
{
    json_error_t err;
    json_t *j = json_loadb(in->buf, in->len, 0, &err);

    if (!j)
        die("%s: jansson: %s", in->name, err.text);
    json_decref(j);
}

/* Nanoseconds per call of FN on IN, repeated until SECONDS have passed. */
static double per_call_ns(void (*fn)(const input *), const input *in, double seconds)
{
    long i, reps = 1;
    int64_t c0, c1;

    for (;;) {
        c0 = cpu_ns();
        for (i = 0; i < reps; i++)
            fn(in);
        c1 = cpu_ns();
        if ((double)(c1 - c0) >= seconds * 1e9)
            return (double)(c1 - c0) / (double)reps;
        reps *= 2;
    }
}

/*
 * Each input is parsed whole by rollout_manifest_parse (into specs, then
 * freed) and by the plain parser of its format (libyaml's events; for JSON
 * jansson's json_loadb, the tree the library itself starts from).  The
 * ratio of a format is the worst of its inputs: the target holds for
 * every manifest, not on average.
 */
static void scenario_parse(const options *o)
{
    static const char *const seeds[] = {
        "test1-1-0.yaml", "test1-1-1.yaml", "test1-1-0.json", "test1-1-1.json"
    };
    input in[6];
    double worst[2] = {0, 0};
    size_t i, n = 0;

    for (i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
        size_t len = strlen(o->data) + strlen(seeds[i]) + 2;

        in[n].name = xmalloc(len);
        snprintf(in[n].name, len, "%s/%s", o->data, seeds[i]);
        in[n].buf = read_file(&in[n].len, in[n].name);
        in[n].yaml = strstr(seeds[i], ".yaml") != NULL;
        n++;
    }
    for (i = 0; i < 2; i++) {
        in[n].yaml = i == 0;
        in[n].name = strdup(i == 0 ? "stress-500.yaml" : "stress-500.json");
        if (!in[n].name)
            die("out of memory");
        in[n].buf = stress_manifest(&in[n].len, in[n].yaml);
        n++;
    }
    for (i = 0; i < n; i++) {
        const char *base = strrchr(in[i].name, '/');
        double lib = per_call_ns(parse_with_library, &in[i], o->parse_seconds);
        double plain = per_call_ns(in[i].yaml ? parse_with_libyaml : parse_with_jansson,
                                   &in[i], o->parse_seconds);
        char name[128];

        base = base ? base + 1 : in[i].name;
        snprintf(name, sizeof(name), "parse_ns_%s", base);
        figure(name, lib, "ns");
        snprintf(name, sizeof(name), "parse_plain_ns_%s", base);
        figure(name, plain, "ns");
        if (lib / plain > worst[in[i].yaml])
            worst[in[i].yaml] = lib / plain;
    }
    figure("parse_ratio_yaml", worst[1], "x");
    figure("parse_ratio_json", worst[0], "x");
    for (i = 0; i < n; i++) {
        free(in[i].name);
        free(in[i].buf);
    }
}

/*
 * Waves.  The delays of the simulator are fixed: a create request is
 * running START ms later and ready READY ms after that; a delete request
 * is gone STOP ms later.
 */
#define WAVE_START_MS 1000
#define WAVE_READY_MS 500
#define WAVE_STOP_MS 300

/*
 * The fewest milliseconds a Kubernetes RollingUpdate of N replicas with
 * maxSurge S and maxUnavailable U (absolute numbers, minReadySeconds 0)
 * can take, all old replicas ready at the start.
 *
 * A new replica counts as available START + READY after it is created,
 * and nothing sooner; an old one stops counting towards the total as soon
 * as its deletion is asked (Kubernetes leaves terminating pods out of
 * status.replicas), so STOP never delays a rollout.  With fixed delays,
 * the replicas created at one instant are available together, so the
 * rollout is a series of waves of START + READY each.  At the start of a
 * wave, with o old and n new replicas (all available):
 *   - the old may go down to max(0, N - U - n): fewer would leave fewer
 *     than N - U available;
 *   - then new ones may be created up to the total N + S and the count N:
 *     f = min(N + S - o' - n, N - n).
 * Doing both as far as allowed is best, since fewer old or more new
 * replicas never take room from a later wave; the rollout ends at the
 * first wave boundary with n = N and o = 0 (the last old ones go at that
 * instant).  So the minimum is W x (START + READY), W the number of waves
 * of this greedy schedule.  A controller that waits for a polling period
 * anywhere, or does one step per tick instead of acting on a report at
 * once, takes longer.
 */
static int64_t k8s_min_ms(int32_t n, int32_t s, int32_t u)
{
    int32_t o = n, nw = 0, waves = 0;

    while (nw < n) {
        int32_t floor = n - u - nw, f;

        o = o < (floor > 0 ? floor : 0) ? o : (floor > 0 ? floor : 0);
        f = n + s - o - nw;
        if (f > n - nw)
            f = n - nw;
        if (f <= 0)
            die("waves: maxSurge and maxUnavailable allow no progress");
        nw += f;
        waves++;
    }
    return (int64_t)waves * (WAVE_START_MS + WAVE_READY_MS);
}

/*
 * The fewest milliseconds a BCS rolling update (CreateFirst) of N
 * instances with maxSurge S, maxUnavailable U and upgradeDuration D
 * seconds can take (spec/bcs-mesos.md, "The update, step by step").
 *
 * Step i creates min(S, what is left) new taskgroups and waits until they
 * are Running and pass their health checks, which the host tells by
 * reporting READY: on the simulator START + READY after the create (the
 * engine cannot tell a taskgroup without checks from one whose checks
 * have not passed, so a host reports READY as soon as a taskgroup without
 * checks runs; the simulator models the checks' time as READY).  Then it
 * kills min(U, what is left) old ones and waits until they are gone
 * (STOP).  A half with nothing to do takes no time.  The next step may begin only
 * when more than D seconds have passed since the end of the last one:
 * on a millisecond clock that is D x 1000 + 1 ms.  There are
 * K = max(ceil(N / S), ceil(N / U)) steps, and the update finishes when
 * the last one ends.  So the minimum is the sum over the steps of
 * START + READY (if it creates) + STOP (if it kills), plus (K - 1) gaps.
 */
static int64_t bcs_min_ms(int32_t n, int32_t s, int32_t u, int64_t d)
{
    int32_t made = 0, left = n;
    int64_t ms = 0;
    int steps = 0;

    while (made < n || left > 0) {
        if (steps > 0)
            ms += d * 1000 + 1;
        if (made < n) {
            made += s < n - made ? s : n - made;
            ms += WAVE_START_MS + WAVE_READY_MS;
        }
        if (left > 0) {
            left -= u < left ? u : left;
            ms += WAVE_STOP_MS;
        }
        steps++;
    }
    return ms;
}

static rollout_spec *seed_spec(const options *o, const char *file)
{
    char path[4096];
    rollout_manifest *m = NULL;
    rollout_parse_error err;
    rollout_spec *sp = NULL;

    snprintf(path, sizeof(path), "%s/%s", o->data, file);
    if (rollout_manifest_parse_file(&m, path, 0, &err) != ROLLOUT_OK) {
        char msg[1024];

        rollout_parse_error_print(msg, sizeof(msg), &err);
        die("%s", msg);
    }
    check(rollout_spec_dup(&sp, rollout_manifest_spec(m, 0)), "spec dup");
    rollout_manifest_free(m);
    return sp;
}

/* The seed's rollout from V1 to V2 on a simulator with the fixed delays;
 * returns how long it took. */
static int64_t seed_rollout(const options *o, const char *v1, const char *v2,
                            const char *ns)
{
    rollout_sim_options so;
    rollout_sim_summary sum;
    rollout_sim *sim = NULL;
    rollout_spec *a = seed_spec(o, v1), *b = seed_spec(o, v2);
    rollout_engine *e;
    char node[16];
    int i;

    check(rollout_sim_options_init(&so, ROLLOUT_SIM_OPTIONS_VERSION), "sim options");
    so.start_delay_min_ms = so.start_delay_max_ms = WAVE_START_MS;
    so.ready_delay_ms = WAVE_READY_MS;
    so.stop_delay_ms = WAVE_STOP_MS;
    check(rollout_sim_new(&sim, &so), "sim");
    /* room for old and new replicas side by side, one per node and app
     * (the BCS seed asks for a UNIQUE InnerIP) */
    for (i = 0; i < 8; i++) {
        snprintf(node, sizeof(node), "node-%d", i);
        if (rollout_sim_add_node(sim, node, 8, 65536) != ROLLOUT_OK)
            die("sim node: %s", rollout_sim_errmsg(sim));
    }
    e = rollout_sim_engine(sim);
    check_engine(rollout_engine_apply(NULL, e, a), e, "apply v1");
    sim_settle(sim);
    check_engine(rollout_engine_apply(NULL, e, b), e, "apply v2");
    sim_settle(sim);
    check(rollout_sim_summary_init(&sum, ROLLOUT_SIM_SUMMARY_VERSION), "summary");
    if (rollout_sim_summary_get(&sum, sim, ns, rollout_spec_name(b)) != ROLLOUT_OK)
        die("summary: %s", rollout_sim_errmsg(sim));
    if (sum.finish_ms < 0)
        die("%s did not finish", v2);
    rollout_sim_free(sim);
    rollout_spec_free(a);
    rollout_spec_free(b);
    return sum.finish_ms - sum.start_ms;
}

/* The numbers the minimum is derived from, read from the seed's
 * manifests rather than repeated here. */
static void seed_params(const options *o, const char *file, bool bcs, int32_t *n,
                        int32_t *s, int32_t *u, int64_t *d)
{
    char path[4096];
    size_t len;
    char *buf;
    json_t *j, *ru;
    json_error_t err;

    snprintf(path, sizeof(path), "%s/%s", o->data, file);
    buf = read_file(&len, path);
    *d = 0;
    if (bcs) {
        j = json_loadb(buf, len, 0, &err);
        if (!j)
            die("%s: %s", path, err.text);
        ru = json_object_get(json_object_get(json_object_get(j, "spec"), "strategy"),
                             "rollingupdate");
        *n = (int32_t)json_integer_value(json_object_get(json_object_get(j, "spec"),
                                                         "instance"));
        *s = (int32_t)json_integer_value(json_object_get(ru, "maxSurge"));
        *u = (int32_t)json_integer_value(json_object_get(ru, "maxUnavailable"));
        *d = json_integer_value(json_object_get(ru, "upgradeDuration"));
        json_decref(j);
    } else {
        /* the library's own reading of the YAML: its JSON form */
        rollout_spec *sp = seed_spec(o, file);
        char *out = NULL;

        check(rollout_spec_write(&out, sp, ROLLOUT_FORMAT_JSON), "spec write");
        j = json_loads(out, 0, &err);
        if (!j)
            die("%s: %s", path, err.text);
        ru = json_object_get(json_object_get(json_object_get(j, "spec"), "strategy"),
                             "rollingUpdate");
        *n = (int32_t)json_integer_value(json_object_get(json_object_get(j, "spec"),
                                                         "replicas"));
        *s = (int32_t)json_integer_value(json_object_get(ru, "maxSurge"));
        *u = (int32_t)json_integer_value(json_object_get(ru, "maxUnavailable"));
        if (!json_is_integer(json_object_get(ru, "maxSurge")) ||
            !json_is_integer(json_object_get(ru, "maxUnavailable")))
            die("%s: the benchmark's minimum needs absolute maxSurge and "
                "maxUnavailable", path);
        json_decref(j);
        rollout_free(out);
        rollout_spec_free(sp);
    }
    free(buf);
    if (*n <= 0 || *s <= 0 || *u <= 0)
        die("%s: replicas, maxSurge and maxUnavailable must be positive", path);
}

static void scenario_waves(const options *o)
{
    int32_t n, s, u;
    int64_t d, took, min;

    seed_params(o, "test1-1-1.yaml", false, &n, &s, &u, &d);
    took = seed_rollout(o, "test1-1-0.yaml", "test1-1-1.yaml", NULL);
    min = k8s_min_ms(n, s, u);
    figure("waves_k8s_ms", (double)took, "ms");
    figure("waves_k8s_min_ms", (double)min, "ms");
    figure("waves_ratio_k8s", (double)took / (double)min, "x");

    seed_params(o, "test1-1-1.json", true, &n, &s, &u, &d);
    took = seed_rollout(o, "test1-1-0.json", "test1-1-1.json", "defaultGroup");
    min = bcs_min_ms(n, s, u, d);
    figure("waves_bcs_ms", (double)took, "ms");
    figure("waves_bcs_min_ms", (double)min, "ms");
    figure("waves_ratio_bcs", (double)took / (double)min, "x");
}

/* The driver. */

typedef struct {
    const char *name;
    void (*run)(const options *);
} scenario;

static const scenario scenarios[] = {
    {"scale", scenario_scale},
    {"idle", scenario_idle},
    {"parse", scenario_parse},
    {"waves", scenario_waves},
};

/* The command line that runs scenario S alone with these sizes. */
static void print_command(const options *o, const scenario *s)
{
    printf("# %s --data %s --scenario %s", o->self, o->data, s->name);
    if (strcmp(s->name, "scale") == 0)
        printf(" --deployments %ld --replicas %ld", o->deployments, o->replicas);
    else if (strcmp(s->name, "idle") == 0)
        printf(" --idle %ld,%ld,%ld", o->idle[0], o->idle[1], o->idle[2]);
    else if (strcmp(s->name, "parse") == 0)
        printf(" --parse-seconds %g", o->parse_seconds);
    if (o->small)
        printf(" --scale small");
    printf("\n");
    fflush(stdout);
}

static void usage(void) __attribute__((noreturn));

static void usage(void)
{
    fputs("usage: rollout-bench [--scale small|full] [--scenario scale|idle|parse|waves]\n"
          "         [--data DIR] [--deployments N] [--replicas N] [--idle N,N,N]\n"
          "         [--parse-seconds S]\n", stderr);
    exit(2);
}

static long positive(const char *arg)
{
    char *end;
    long v = strtol(arg, &end, 10);

    if (*arg == '\0' || *end != '\0' || v <= 0)
        usage();
    return v;
}

static void parse_args(options *o, int argc, char **argv)
{
    int i;

    /* the sizes of the scale first, so that the options below override them */
    for (i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], "--scale") == 0) {
            if (strcmp(argv[i + 1], "small") == 0)
                o->small = true;
            else if (strcmp(argv[i + 1], "full") != 0)
                usage();
        }
    if (o->small) {
        o->deployments = 20;
        o->replicas = 10;
        o->idle[0] = 10;
        o->idle[1] = 100;
        o->idle[2] = 1000;
        o->parse_seconds = 0.01;
    }
    for (i = 1; i < argc; i++) {
        const char *arg = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

        if (!val)
            usage();
        i++;
        if (strcmp(arg, "--scale") == 0)
            continue;
        else if (strcmp(arg, "--scenario") == 0)
            o->scenario = val;
        else if (strcmp(arg, "--data") == 0)
            o->data = val;
        else if (strcmp(arg, "--deployments") == 0)
            o->deployments = positive(val);
        else if (strcmp(arg, "--replicas") == 0)
            o->replicas = positive(val);
        else if (strcmp(arg, "--parse-seconds") == 0) {
            if ((o->parse_seconds = atof(val)) <= 0)
                usage();
        }
        else if (strcmp(arg, "--idle") == 0) {
            if (sscanf(val, "%ld,%ld,%ld", &o->idle[0], &o->idle[1], &o->idle[2]) != 3 ||
                o->idle[0] <= 0 || o->idle[1] <= 0 || o->idle[2] <= 0)
                usage();
        } else
            usage();
    }
}

int main(int argc, char **argv)
{
    options o = {false, NULL, BENCH_DATA_DIR, 10000, 100, {10, 1000, 100000}, 0.3,
                 argv[0]};
    size_t i;
    int failed = 0;

    parse_args(&o, argc, argv);
    for (i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
        pid_t pid;
        int status;

        if (o.scenario && strcmp(o.scenario, scenarios[i].name) != 0)
            continue;
        print_command(&o, &scenarios[i]);
        if (o.scenario) {
            scenarios[i].run(&o);
            return 0;
        }
        pid = fork();
        if (pid < 0)
            die("fork: %s", strerror(errno));
        if (pid == 0) {
            scenarios[i].run(&o);
            fflush(stdout);
            _exit(0);
        }
        if (waitpid(pid, &status, 0) < 0)
            die("waitpid: %s", strerror(errno));
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            failed = 1;
    }
    /* a scenario asked for by name returned above */
    if (o.scenario)
        usage();
    return failed;
}
