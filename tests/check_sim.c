/*
 * The simulator: placement by resources and by every constraint operator,
 * delays, refusals, faults, lost nodes, steering by hand, the run loops,
 * the timeline, the summaries, snapshots that continue identically, and
 * the seed's scenarios of both dialects on simulated clusters.
 */
#include <check.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rollout/rollout.h>

#define T0 1562517092000LL /* 2019-07-08 00:31:32 +0800, as the seed */
#define BCS_NS "defaultGroup"

/* Helpers. */

static rollout_sim *sim_with(const rollout_sim_options *opts)
{
    rollout_sim *s = NULL;

    ck_assert_int_eq(rollout_sim_new(&s, opts), 0);
    ck_assert_ptr_nonnull(s);
    return s;
}

static void add_nodes(rollout_sim *s, int n, double cpu, double mem)
{
    char name[32];
    int i;

    for (i = 1; i <= n; i++) {
        snprintf(name, sizeof(name), "node%d", i);
        ck_assert_int_eq(rollout_sim_add_node(s, name, cpu, mem), 0);
    }
}

static void run(rollout_sim *s, int64_t until)
{
    int rc = rollout_sim_run_until(s, until);

    ck_assert_msg(rc == 0, "run_until: %s", rollout_sim_errmsg(s));
}

static int idle(rollout_sim *s, int64_t limit)
{
    int rc = rollout_sim_run_until_idle(s, limit);

    ck_assert_msg(rc >= 0, "run_until_idle: %s", rollout_sim_errmsg(s));
    return rc;
}

static void apply(rollout_sim *s, rollout_spec *spec)
{
    rollout_engine *e = rollout_sim_engine(s);
    int rc = rollout_engine_apply(NULL, e, spec);

    ck_assert_msg(rc == 0, "apply: %s", rollout_engine_errmsg(e));
    rollout_spec_free(spec);
}

static rollout_spec *parse(const char *text, rollout_dialect dialect)
{
    rollout_parse_error err;
    rollout_spec *spec = NULL;
    int rc = rollout_spec_parse(&spec, text, strlen(text), "test", dialect, &err);

    ck_assert_msg(rc == 0, "%d:%d: %s: %s", err.line, err.column, err.path, err.text);
    return spec;
}

static rollout_spec *seed(const char *file, rollout_dialect dialect)
{
    const char *top = getenv("top_srcdir");
    char path[1024];
    rollout_parse_error err;
    rollout_spec *s = NULL;
    rollout_manifest *m;
    int rc;

    snprintf(path, sizeof(path), "%s/tests/data/seed/%s", top ? top : ".", file);
    rc = rollout_manifest_parse_file(&m, path, dialect, &err);
    ck_assert_msg(rc == 0, "%s:%d:%d: %s", err.source, err.line, err.column, err.text);
    ck_assert_int_eq(rollout_spec_dup(&s, rollout_manifest_spec(m, 0)), 0);
    rollout_manifest_free(m);
    return s;
}

/* A Kubernetes deployment NAME: REPLICAS of IMAGE asking for CPU and MEM
 * (NULL: nothing), maxSurge 1, maxUnavailable 0. */
static rollout_spec *k8s(const char *name, int32_t replicas, const char *image,
                         const char *cpu, const char *mem)
{
    rollout_spec *s;
    size_t c;

    ck_assert_int_eq(rollout_spec_new(&s, ROLLOUT_DIALECT_KUBERNETES, NULL, name), 0);
    ck_assert_int_eq(rollout_spec_set_replicas(s, replicas), 0);
    ck_assert_int_eq(rollout_spec_set_selector(s, "app", name), 0);
    ck_assert_int_eq(rollout_spec_set_template_label(s, "app", name), 0);
    ck_assert_int_eq(rollout_spec_set_max_surge(s, "1"), 0);
    ck_assert_int_eq(rollout_spec_set_max_unavailable(s, "0"), 0);
    ck_assert_int_eq(rollout_spec_add_container(&c, s, name, image), 0);
    if (cpu)
        ck_assert_int_eq(rollout_spec_container_set_resource(s, c, "requests", "cpu",
                                                             cpu), 0);
    if (mem)
        ck_assert_int_eq(rollout_spec_container_set_resource(s, c, "requests",
                                                             "memory", mem), 0);
    return s;
}

/* A BCS v4 deployment NAME in defaultGroup: INSTANCES taskgroups of IMAGE
 * with CPU and MEM (MB) limits, the constraint's union data UNION (JSON,
 * NULL: none), and LABELS (JSON object text). */
static rollout_spec *bcs(const char *name, int instances, const char *image,
                         const char *cpu, const char *mem, const char *unions,
                         const char *labels)
{
    char text[4096], constraint[1024] = "";

    if (unions)
        snprintf(constraint, sizeof(constraint),
                 "\"constraint\": {\"IntersectionItem\": [{\"unionData\": [%s]}]},",
                 unions);
    snprintf(text, sizeof(text),
             "{\"apiVersion\": \"v4\", \"kind\": \"deployment\","
             " \"metadata\": {\"name\": \"%s\", \"namespace\": \"" BCS_NS "\","
             " \"labels\": %s}, %s"
             " \"spec\": {\"instance\": %d, \"strategy\": {\"type\": \"RollingUpdate\","
             " \"rollingupdate\": {\"maxUnavailable\": 1, \"maxSurge\": 1,"
             " \"upgradeDuration\": 0, \"rollingOrder\": \"CreateFirst\"}},"
             " \"template\": {\"metadata\": {\"labels\": %s}, \"spec\": {\"containers\":"
             " [{\"image\": \"%s\", \"resources\": {\"limits\": {\"cpu\": \"%s\","
             " \"memory\": \"%s\"}}}]}}}}",
             name, labels ? labels : "{}", constraint, instances,
             labels ? labels : "{}", image, cpu, mem);
    return parse(text, ROLLOUT_DIALECT_BCS);
}

/* Every line of the timeline, "TIME TEXT" with TIME in ms from T0. */
static char *timeline(const rollout_sim *s)
{
    char *out = NULL;
    size_t len = 0, i;
    FILE *f = open_memstream(&out, &len);

    ck_assert_ptr_nonnull(f);
    for (i = 0; i < rollout_sim_timeline_count(s); i++) {
        const char *text;
        int64_t t;

        ck_assert_int_eq(rollout_sim_timeline_at(&t, &text, s, i), 0);
        fprintf(f, "%lld %s\n", (long long)(t - T0), text);
    }
    fclose(f);
    return out;
}

/* How many lines of the timeline start with PREFIX. */
static int lines(const rollout_sim *s, const char *prefix)
{
    size_t i;
    int n = 0;

    for (i = 0; i < rollout_sim_timeline_count(s); i++) {
        const char *text;

        rollout_sim_timeline_at(NULL, &text, s, i);
        n += strncmp(text, prefix, strlen(prefix)) == 0;
    }
    return n;
}

/* The time of the first line that starts with PREFIX, -1 if none. */
static int64_t when(const rollout_sim *s, const char *prefix)
{
    size_t i;

    for (i = 0; i < rollout_sim_timeline_count(s); i++) {
        const char *text;
        int64_t t;

        rollout_sim_timeline_at(&t, &text, s, i);
        if (strncmp(text, prefix, strlen(prefix)) == 0)
            return t;
    }
    return -1;
}

static rollout_deployment *dep(rollout_sim *s, const char *ns, const char *name)
{
    rollout_deployment *d = NULL;

    ck_assert_int_eq(rollout_engine_find_deployment(&d, rollout_sim_engine(s), ns,
                                                    name), 0);
    return d;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The nodes of the replicas of set (or application) SET of NS/NAME that
 * are placed and not being deleted, sorted: "node1 node1 node2". */
static char *nodes_of(rollout_sim *s, const char *ns, const char *name,
                      const char *set)
{
    rollout_deployment *d = dep(s, ns, name);
    const char *list[256];
    char *out = NULL;
    size_t len = 0, n = 0, i, j;
    FILE *f;

    for (i = 0; i < rollout_deployment_replica_set_count(d); i++) {
        rollout_replica_set *rs = rollout_deployment_replica_set_at(d, i);

        if (set && strcmp(rollout_replica_set_name(rs), set) != 0)
            continue;
        for (j = 0; j < rollout_replica_set_replica_count(rs) && n < 256; j++) {
            rollout_replica *r = rollout_replica_set_replica_at(rs, j);

            if (rollout_replica_node(r) &&
                rollout_replica_phase(r) != ROLLOUT_PHASE_TERMINATING)
                list[n++] = rollout_replica_node(r);
        }
    }
    qsort(list, n, sizeof(*list), cmp_str);
    f = open_memstream(&out, &len);
    for (i = 0; i < n; i++)
        fprintf(f, "%s%s", i ? " " : "", list[i]);
    fclose(f);
    return out;
}

static void assert_nodes(rollout_sim *s, const char *ns, const char *name,
                         const char *set, const char *want)
{
    char *got = nodes_of(s, ns, name, set);

    ck_assert_msg(strcmp(got, want) == 0, "%s/%s: placed on \"%s\", not \"%s\"",
                  ns ? ns : "default", name, got, want);
    free(got);
}

/* "NAME STATUS INSTANCE RUNNING MESSAGE" for every application of a BCS
 * deployment, oldest first, joined with '\n'. */
static char *apps(rollout_sim *s, const char *name)
{
    rollout_deployment *d = dep(s, BCS_NS, name);
    char *out = NULL;
    size_t len = 0, i;
    FILE *f = open_memstream(&out, &len);

    for (i = 0; i < rollout_deployment_replica_set_count(d); i++) {
        rollout_replica_set *rs = rollout_deployment_replica_set_at(d, i);

        fprintf(f, "%s%s %s %d %d %s", i ? "\n" : "", rollout_replica_set_name(rs),
                rollout_replica_set_status_name(rs),
                rollout_replica_set_count(rs, ROLLOUT_COUNT_DESIRED),
                rollout_replica_set_count(rs, ROLLOUT_COUNT_RUNNING),
                rollout_replica_set_message(rs));
    }
    fclose(f);
    return out;
}

static void assert_apps(rollout_sim *s, const char *name, const char *want)
{
    char *got = apps(s, name);

    ck_assert_msg(strcmp(got, want) == 0, "applications:\n%s\nnot:\n%s", got, want);
    free(got);
}

/* How many replicas of NS/NAME are in PHASE. */
static int in_phase(rollout_sim *s, const char *ns, const char *name,
                    rollout_phase phase)
{
    rollout_deployment *d = dep(s, ns, name);
    size_t i, j;
    int n = 0;

    for (i = 0; i < rollout_deployment_replica_set_count(d); i++) {
        rollout_replica_set *rs = rollout_deployment_replica_set_at(d, i);

        for (j = 0; j < rollout_replica_set_replica_count(rs); j++)
            n += rollout_replica_phase(rollout_replica_set_replica_at(rs, j)) == phase;
    }
    return n;
}

/* The name of the first replica of NS/NAME in PHASE (by name). */
static const char *first_in(rollout_sim *s, const char *ns, const char *name,
                            rollout_phase phase)
{
    rollout_deployment *d = dep(s, ns, name);
    const char *best = NULL;
    size_t i, j;

    for (i = 0; i < rollout_deployment_replica_set_count(d); i++) {
        rollout_replica_set *rs = rollout_deployment_replica_set_at(d, i);

        for (j = 0; j < rollout_replica_set_replica_count(rs); j++) {
            rollout_replica *r = rollout_replica_set_replica_at(rs, j);

            if (rollout_replica_phase(r) == phase &&
                (!best || strcmp(rollout_replica_name(r), best) < 0))
                best = rollout_replica_name(r);
        }
    }
    ck_assert_ptr_nonnull(best);
    return best;
}

static bool rolled_out(rollout_sim *s, const char *name)
{
    char *msg = NULL;
    int done = 0;

    ck_assert_int_eq(rollout_status_message(&msg, &done, dep(s, NULL, name)), 0);
    rollout_free(msg);
    return done;
}

static rollout_sim_summary summary(const rollout_sim *s, const char *ns,
                                   const char *name)
{
    rollout_sim_summary sum = ROLLOUT_SIM_SUMMARY_INIT;

    ck_assert_int_eq(rollout_sim_summary_get(&sum, s, ns, name), 0);
    return sum;
}

/* Life, options and nodes. */

START_TEST(test_options)
{
    rollout_sim_options o, bad;
    rollout_sim_summary sum;
    rollout_sim *s = NULL;

    ck_assert_int_eq(rollout_sim_options_init(&o, ROLLOUT_SIM_OPTIONS_VERSION), 0);
    ck_assert_uint_eq(o.version, 1);
    ck_assert_int_eq(o.start_delay_min_ms, 1000);
    ck_assert_int_eq(o.start_delay_max_ms, 1000);
    ck_assert_int_eq(o.ready_delay_ms, 0);
    ck_assert_int_eq(o.stop_delay_ms, 0);
    ck_assert_int_eq(o.manual, 0);
    ck_assert(o.refuse_rate == 0);
    ck_assert_uint_eq(o.seed, 1);
    ck_assert_int_eq(o.start_time_ms, T0);
    ck_assert_ptr_null(o.cluster);
    ck_assert_int_eq(rollout_sim_options_init(&o, 2), ROLLOUT_EINVAL);
    ck_assert_int_eq(rollout_sim_options_init(NULL, 1), ROLLOUT_EINVAL);
    ck_assert_int_eq(rollout_sim_summary_init(&sum, ROLLOUT_SIM_SUMMARY_VERSION), 0);
    ck_assert_int_eq(sum.finish_ms, -1);
    ck_assert_int_eq(rollout_sim_summary_init(&sum, 0), ROLLOUT_EINVAL);

    s = sim_with(NULL);
    ck_assert_int_eq(rollout_sim_now(s), T0);
    ck_assert_ptr_nonnull(rollout_sim_engine(s));
    ck_assert_str_eq(rollout_sim_errmsg(s), "");
    rollout_sim_free(s);
    rollout_sim_free(NULL);

    /* out of range */
    rollout_sim_options_init(&o, ROLLOUT_SIM_OPTIONS_VERSION);
    bad = o;
    bad.start_delay_max_ms = 10;
    bad.start_delay_min_ms = 20;
    ck_assert_int_eq(rollout_sim_new(&s, &bad), ROLLOUT_EINVAL);
    bad = o;
    bad.refuse_rate = 1.5;
    ck_assert_int_eq(rollout_sim_new(&s, &bad), ROLLOUT_EINVAL);
    bad = o;
    bad.refuse_rate = NAN;
    ck_assert_int_eq(rollout_sim_new(&s, &bad), ROLLOUT_EINVAL);
    bad = o;
    bad.stop_delay_ms = -1;
    ck_assert_int_eq(rollout_sim_new(&s, &bad), ROLLOUT_EINVAL);
    bad = o;
    bad.version = 7;
    ck_assert_int_eq(rollout_sim_new(&s, &bad), ROLLOUT_EINVAL);
    bad = o;
    bad.cluster = "no.dots";
    ck_assert_int_eq(rollout_sim_new(&s, &bad), ROLLOUT_EINVAL);
    bad = o;
    bad.backoff_initial_ms = 500;
    ck_assert_int_eq(rollout_sim_new(&s, &bad), ROLLOUT_EINVAL);
    ck_assert_int_eq(rollout_sim_new(NULL, &o), ROLLOUT_EINVAL);

    /* the start of the clock */
    o.start_time_ms = 5000;
    s = sim_with(&o);
    ck_assert_int_eq(rollout_sim_now(s), 5000);
    ck_assert_int_eq(rollout_sim_advance(s, 250), 0);
    ck_assert_int_eq(rollout_sim_now(s), 5250);
    ck_assert_int_eq(rollout_sim_run_until(s, 5000), ROLLOUT_EINVAL);
    ck_assert_str_ne(rollout_sim_errmsg(s), "");
    ck_assert_int_eq(rollout_sim_advance(s, -1), ROLLOUT_EINVAL);
    ck_assert_int_eq(rollout_sim_now(s), 5250);
    rollout_sim_free(s);
}
END_TEST

START_TEST(test_nodes)
{
    rollout_sim *s = sim_with(NULL);
    double cu, cf, mu, mf;
    const char *value, *key;

    ck_assert_uint_eq(rollout_sim_node_count(s), 0);
    ck_assert_int_eq(rollout_sim_add_node(s, "a", 2, 4096), 0);
    ck_assert_int_eq(rollout_sim_add_node(s, "b", 0.5, 512), 0);
    ck_assert_int_eq(rollout_sim_add_node(s, "a", 1, 1), ROLLOUT_EEXIST);
    ck_assert_str_eq(rollout_sim_errmsg(s), "node a exists already");
    ck_assert_int_eq(rollout_sim_add_node(s, "", 1, 1), ROLLOUT_EINVAL);
    ck_assert_int_eq(rollout_sim_add_node(s, "c", -1, 1), ROLLOUT_EINVAL);
    ck_assert_int_eq(rollout_sim_add_node(s, "c", NAN, 1), ROLLOUT_EINVAL);
    ck_assert_uint_eq(rollout_sim_node_count(s), 2);
    ck_assert_str_eq(rollout_sim_node_name(s, 0), "a");
    ck_assert_str_eq(rollout_sim_node_name(s, 1), "b");
    ck_assert_ptr_null(rollout_sim_node_name(s, 2));

    /* hostname and a distinct InnerIP of their own */
    ck_assert_str_eq(rollout_sim_node_attribute(s, "a", "hostname"), "a");
    ck_assert_str_eq(rollout_sim_node_attribute(s, "a", "InnerIP"), "10.0.0.1");
    ck_assert_str_eq(rollout_sim_node_attribute(s, "b", "InnerIP"), "10.0.0.2");
    ck_assert_ptr_null(rollout_sim_node_attribute(s, "a", "zone"));
    ck_assert_ptr_null(rollout_sim_node_attribute(s, "z", "hostname"));
    ck_assert_int_eq(rollout_sim_set_node_attribute(s, "a", "zone", "east"), 0);
    ck_assert_int_eq(rollout_sim_set_node_attribute(s, "a", "cores", "8"), 0);
    ck_assert_int_eq(rollout_sim_set_node_attribute(s, "a", "zone", "west"), 0);
    ck_assert_uint_eq(rollout_sim_node_attribute_count(s, "a"), 4);
    key = rollout_sim_node_attribute_at(&value, s, "a", 2);
    ck_assert_str_eq(key, "zone");
    ck_assert_str_eq(value, "west");
    ck_assert_ptr_null(rollout_sim_node_attribute_at(&value, s, "a", 4));
    ck_assert_ptr_null(value);
    ck_assert_int_eq(rollout_sim_set_node_attribute(s, "a", "zone", NULL), 0);
    ck_assert_uint_eq(rollout_sim_node_attribute_count(s, "a"), 3);
    ck_assert_int_eq(rollout_sim_set_node_attribute(s, "z", "zone", "x"),
                     ROLLOUT_ENOTFOUND);
    ck_assert_str_eq(rollout_sim_errmsg(s), "node z not found");
    ck_assert_int_eq(rollout_sim_set_node_attribute(s, "a", "", "x"), ROLLOUT_EINVAL);

    ck_assert_int_eq(rollout_sim_node_usage(&cu, &cf, &mu, &mf, s, "b"), 0);
    ck_assert(cu == 0 && cf == 0.5 && mu == 0 && mf == 512);
    ck_assert_int_eq(rollout_sim_node_usage(NULL, NULL, NULL, NULL, s, "z"),
                     ROLLOUT_ENOTFOUND);

    /* a lost node is no more; a new one never reuses an address */
    ck_assert_int_eq(rollout_sim_lose_node(s, "a"), 0);
    ck_assert_uint_eq(rollout_sim_node_count(s), 1);
    ck_assert_str_eq(rollout_sim_node_name(s, 0), "b");
    ck_assert_int_eq(rollout_sim_lose_node(s, "a"), ROLLOUT_ENOTFOUND);
    ck_assert_int_eq(rollout_sim_add_node(s, "a", 1, 1), 0);
    ck_assert_str_eq(rollout_sim_node_attribute(s, "a", "InnerIP"), "10.0.0.3");
    ck_assert_int_eq(lines(s, "node a added"), 2);
    ck_assert_int_eq(lines(s, "node a lost"), 1);
    rollout_sim_free(s);
}
END_TEST

/* Placement by resources (Kubernetes). */

START_TEST(test_resources)
{
    rollout_sim *s = sim_with(NULL);
    double cu, cf, mu, mf;

    ck_assert_int_eq(rollout_sim_add_node(s, "small", 1, 1024), 0);
    ck_assert_int_eq(rollout_sim_add_node(s, "big", 2, 1024), 0);
    /* 500m and 256Mi each: the least loaded node first, then by name */
    apply(s, k8s("web", 7, "web:1", "500m", "256Mi"));
    run(s, T0 + 5000);
    assert_nodes(s, NULL, "web", NULL,
                 "big big big big small small");
    ck_assert_int_eq(in_phase(s, NULL, "web", ROLLOUT_PHASE_READY), 6);
    ck_assert_int_eq(in_phase(s, NULL, "web", ROLLOUT_PHASE_PENDING), 1);
    ck_assert_int_ge(lines(s, "refuse web-"), 1);
    {
        rollout_replica *r = NULL;

        ck_assert_int_eq(rollout_engine_find_replica(&r, rollout_sim_engine(s),
                                                     first_in(s, NULL, "web",
                                                              ROLLOUT_PHASE_PENDING)),
                         0);
        ck_assert_str_eq(rollout_replica_reason(r), "have not enough resources");
    }
    ck_assert_int_eq(rollout_sim_node_usage(&cu, &cf, &mu, &mf, s, "big"), 0);
    ck_assert(fabs(cu - 2) < 1e-9 && fabs(cf) < 1e-9);
    ck_assert(fabs(mu - 1024) < 1e-9 && fabs(mf) < 1e-9);
    ck_assert_int_eq(rollout_sim_node_usage(&cu, &cf, &mu, &mf, s, "small"), 0);
    ck_assert(fabs(cu - 1) < 1e-9 && fabs(mu - 512) < 1e-9 && fabs(mf - 512) < 1e-9);

    /* room again: the pending one lands at its next retry */
    ck_assert_int_eq(rollout_sim_add_node(s, "more", 1, 1024), 0);
    run(s, T0 + 30000);
    ck_assert_int_eq(in_phase(s, NULL, "web", ROLLOUT_PHASE_READY), 7);
    assert_nodes(s, NULL, "web", NULL, "big big big big more small small");

    /* scaled down: the nodes get their resources back when the replicas
     * are gone */
    ck_assert_int_eq(rollout_engine_scale(rollout_sim_engine(s), NULL, "web", 0), 0);
    run(s, T0 + 31000);
    ck_assert_int_eq(rollout_sim_node_usage(&cu, NULL, &mu, NULL, s, "big"), 0);
    ck_assert(cu == 0 && mu == 0);
    rollout_sim_free(s);
}
END_TEST

START_TEST(test_quantities)
{
    static const struct {
        const char *cpu, *mem;
        double want_cpu, want_mem; /* used on a node, cores and MiB */
    } cases[] = {
        {"250m", "64Mi", 0.25, 64},
        {"0.5", "1Gi", 0.5, 1024},
        {"2", "512M", 2, 512e6 / 1048576.0},
        {"1500m", "134217728", 1.5, 128},
        {"1e3m", "1Ki", 1, 1.0 / 1024},
        {"100u", "0.5Gi", 0.0001, 512},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        rollout_sim *s = sim_with(NULL);
        double cu, mu;

        ck_assert_int_eq(rollout_sim_add_node(s, "n", 64, 65536), 0);
        apply(s, k8s("q", 1, "q:1", cases[i].cpu, cases[i].mem));
        run(s, T0 + 2000);
        ck_assert_int_eq(rollout_sim_node_usage(&cu, NULL, &mu, NULL, s, "n"), 0);
        ck_assert_msg(fabs(cu - cases[i].want_cpu) < 1e-6 &&
                          fabs(mu - cases[i].want_mem) < 1e-6,
                      "%s %s: %g cores, %g MiB", cases[i].cpu, cases[i].mem, cu, mu);
        rollout_sim_free(s);
    }
}
END_TEST

/* Limits count when there are no requests, resource by resource. */
START_TEST(test_limits)
{
    static const char yaml[] =
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "metadata: {name: lim}\n"
        "spec:\n"
        "  replicas: 1\n"
        "  strategy: {rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}\n"
        "  selector: {matchLabels: {app: lim}}\n"
        "  template:\n"
        "    metadata: {labels: {app: lim}}\n"
        "    spec:\n"
        "      containers:\n"
        "      - name: a\n"
        "        image: a:1\n"
        "        resources: {limits: {cpu: '1', memory: 1Gi}, requests: {cpu: 250m}}\n"
        "      - name: b\n"
        "        image: b:1\n"
        "        resources: {limits: {memory: 128Mi}}\n";
    rollout_sim *s = sim_with(NULL);
    double cu, mu;

    ck_assert_int_eq(rollout_sim_add_node(s, "n", 4, 4096), 0);
    apply(s, parse(yaml, ROLLOUT_DIALECT_KUBERNETES));
    run(s, T0 + 2000);
    ck_assert_int_eq(rollout_sim_node_usage(&cu, NULL, &mu, NULL, s, "n"), 0);
    ck_assert(fabs(cu - 0.25) < 1e-9);
    ck_assert(fabs(mu - 1152) < 1e-9);
    rollout_sim_free(s);
}
END_TEST

START_TEST(test_node_selector)
{
    static const char yaml[] =
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "metadata: {name: sel}\n"
        "spec:\n"
        "  replicas: 3\n"
        "  strategy: {rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}\n"
        "  selector: {matchLabels: {app: sel}}\n"
        "  template:\n"
        "    metadata: {labels: {app: sel}}\n"
        "    spec:\n"
        "      nodeSelector: {disk: ssd}\n"
        "      containers: [{name: a, image: 'a:1'}]\n";
    rollout_sim *s = sim_with(NULL);

    add_nodes(s, 3, 4, 4096);
    ck_assert_int_eq(rollout_sim_set_node_attribute(s, "node2", "disk", "ssd"), 0);
    ck_assert_int_eq(rollout_sim_set_node_attribute(s, "node3", "disk", "hdd"), 0);
    apply(s, parse(yaml, ROLLOUT_DIALECT_KUBERNETES));
    run(s, T0 + 2000);
    assert_nodes(s, NULL, "sel", NULL, "node2 node2 node2");
    rollout_sim_free(s);
}
END_TEST

/* BCS constraints, operator by operator.  Nodes node1..3 have room for
 * many taskgroups unless said otherwise. */

static rollout_sim *bcs_cluster(int nodes)
{
    rollout_sim *s = sim_with(NULL);

    add_nodes(s, nodes, 16, 65536);
    return s;
}

START_TEST(test_bcs_resources)
{
    rollout_sim *s = sim_with(NULL);
    rollout_spec *spec;
    const char *text;
    double cu, mu;

    /* the seed's limits: cpu "0.5", memory "4096" (MB) */
    add_nodes(s, 1, 1, 8192);
    apply(s, seed("test1-1-0.json", ROLLOUT_DIALECT_BCS));
    run(s, T0 + 2000);
    ck_assert_int_eq(rollout_sim_node_usage(&cu, NULL, &mu, NULL, s, "node1"), 0);
    ck_assert(fabs(cu - 0.5) < 1e-9 && fabs(mu - 4096) < 1e-9);
    rollout_sim_free(s);

    /* requests win over limits when requests.cpu is set; an application
     * of processes without resources takes 1 cpu and 64 MB each */
    s = sim_with(NULL);
    add_nodes(s, 1, 8, 8192);
    text = "{\"apiVersion\": \"v4\", \"kind\": \"deployment\", \"metadata\": {\"name\":"
           " \"r\", \"namespace\": \"defaultGroup\"}, \"spec\": {\"instance\": 1,"
           " \"strategy\": {\"type\": \"RollingUpdate\", \"rollingupdate\": {}},"
           " \"template\": {\"spec\": {\"containers\": [{\"image\": \"r:1\","
           " \"resources\": {\"limits\": {\"cpu\": \"2\", \"memory\": \"1024\"},"
           " \"requests\": {\"cpu\": \"0.25\", \"memory\": \"100\"}}}]}}}}";
    spec = parse(text, ROLLOUT_DIALECT_BCS);
    apply(s, spec);
    text = "{\"apiVersion\": \"v4\", \"kind\": \"deployment\", \"metadata\": {\"name\":"
           " \"p\", \"namespace\": \"defaultGroup\"}, \"spec\": {\"instance\": 2,"
           " \"strategy\": {\"type\": \"RollingUpdate\", \"rollingupdate\": {}},"
           " \"template\": {\"spec\": {\"processes\": [{\"procName\": \"p\"}]}}}}";
    apply(s, parse(text, ROLLOUT_DIALECT_BCS));
    run(s, T0 + 2000);
    ck_assert_int_eq(rollout_sim_node_usage(&cu, NULL, &mu, NULL, s, "node1"), 0);
    ck_assert_msg(fabs(cu - 2.25) < 1e-9 && fabs(mu - 228) < 1e-9, "%g %g", cu, mu);
    rollout_sim_free(s);
}
END_TEST

START_TEST(test_unique)
{
    rollout_sim *s = bcs_cluster(2);

    apply(s, bcs("u", 3, "u:1", "0.1", "10",
                 "{\"name\": \"InnerIP\", \"operate\": \"UNIQUE\"}", NULL));
    run(s, T0 + 5000);
    /* one per address; the third has nowhere to go */
    assert_nodes(s, BCS_NS, "u", NULL, "node1 node2");
    assert_apps(s, "u", "u Abnormal 3 2 have not enough resources to launch application");
    ck_assert_int_ge(lines(s, "refuse 2.u."), 1);
    /* a failed taskgroup no longer holds its address */
    ck_assert_int_eq(rollout_sim_add_node(s, "node3", 16, 65536), 0);
    run(s, T0 + 20000);
    assert_nodes(s, BCS_NS, "u", NULL, "node1 node2 node3");
    rollout_sim_free(s);
}
END_TEST

/* UNIQUE is per application: the application an update rolls to ignores
 * the old one's taskgroups. */
START_TEST(test_unique_per_application)
{
    rollout_sim *s = bcs_cluster(2);
    const char *unions = "{\"name\": \"hostname\", \"operate\": \"UNIQUE\"}";
    char set[64];

    apply(s, bcs("u", 2, "u:1", "0.1", "10", unions, NULL));
    ck_assert_int_eq(idle(s, T0 + 60000), ROLLOUT_SIM_IDLE);
    assert_nodes(s, BCS_NS, "u", "u", "node1 node2");
    run(s, T0 + 11000);
    apply(s, bcs("u", 2, "u:2", "0.1", "10", unions, NULL));
    run(s, T0 + 11000 + 500);
    /* the new application's first taskgroup shares a node with an old one */
    snprintf(set, sizeof(set), "u-v%lld", (long long)((T0 + 11000) / 1000));
    ck_assert_int_eq(in_phase(s, BCS_NS, "u", ROLLOUT_PHASE_STARTING), 1);
    ck_assert_int_eq(idle(s, T0 + 600000), ROLLOUT_SIM_IDLE);
    assert_nodes(s, BCS_NS, "u", set, "node1 node2");
    {
        char want[128];

        snprintf(want, sizeof(want), "%s Running 2 2 application is running", set);
        assert_apps(s, "u", want);
    }
    rollout_sim_free(s);
}
END_TEST

START_TEST(test_maxper)
{
    rollout_sim *s = bcs_cluster(2);

    apply(s, bcs("m", 5, "m:1", "0.1", "10",
                 "{\"name\": \"hostname\", \"operate\": \"MAXPER\", \"type\": 3,"
                 " \"text\": {\"value\": \"2\"}}", NULL));
    run(s, T0 + 5000);
    assert_nodes(s, BCS_NS, "m", NULL, "node1 node1 node2 node2");
    /* a limit that is not an integer fits nowhere */
    apply(s, bcs("m2", 1, "m:1", "0.1", "10",
                 "{\"name\": \"hostname\", \"operate\": \"MAXPER\", \"type\": 3,"
                 " \"text\": {\"value\": \"two\"}}", NULL));
    run(s, T0 + 8000);
    assert_nodes(s, BCS_NS, "m2", NULL, "");
    rollout_sim_free(s);
}
END_TEST

START_TEST(test_cluster)
{
    rollout_sim *s = bcs_cluster(3);

    rollout_sim_set_node_attribute(s, "node1", "zone", "a");
    rollout_sim_set_node_attribute(s, "node2", "zone", "b");
    rollout_sim_set_node_attribute(s, "node3", "zone", "c");
    apply(s, bcs("c1", 2, "c:1", "0.1", "10",
                 "{\"name\": \"zone\", \"operate\": \"CLUSTER\", \"type\": 3,"
                 " \"text\": {\"value\": \"b\"}}", NULL));
    apply(s, bcs("c2", 4, "c:1", "0.1", "10",
                 "{\"name\": \"zone\", \"operate\": \"CLUSTER\", \"type\": 4,"
                 " \"set\": {\"item\": [\"a\", \"c\"]}}", NULL));
    /* no such attribute: no node */
    apply(s, bcs("c3", 1, "c:1", "0.1", "10",
                 "{\"name\": \"rack\", \"operate\": \"CLUSTER\", \"type\": 3,"
                 " \"text\": {\"value\": \"b\"}}", NULL));
    run(s, T0 + 5000);
    assert_nodes(s, BCS_NS, "c1", NULL, "node2 node2");
    assert_nodes(s, BCS_NS, "c2", NULL, "node1 node1 node3 node3");
    assert_nodes(s, BCS_NS, "c3", NULL, "");
    rollout_sim_free(s);
}
END_TEST

START_TEST(test_like_unlike)
{
    rollout_sim *s = sim_with(NULL);

    ck_assert_int_eq(rollout_sim_add_node(s, "web-1", 16, 65536), 0);
    ck_assert_int_eq(rollout_sim_add_node(s, "web-2", 16, 65536), 0);
    ck_assert_int_eq(rollout_sim_add_node(s, "db7", 16, 65536), 0);
    /* fnmatch */
    apply(s, bcs("l1", 2, "l:1", "0.1", "10",
                 "{\"name\": \"hostname\", \"operate\": \"LIKE\", \"type\": 3,"
                 " \"text\": {\"value\": \"web-*\"}}", NULL));
    /* a regular expression, unanchored */
    apply(s, bcs("l2", 2, "l:1", "0.1", "10",
                 "{\"name\": \"hostname\", \"operate\": \"LIKE\", \"type\": 4,"
                 " \"set\": {\"item\": [\"nothing\", \"b[0-9]$\"]}}", NULL));
    apply(s, bcs("l3", 2, "l:1", "0.1", "10",
                 "{\"name\": \"hostname\", \"operate\": \"UNLIKE\", \"type\": 3,"
                 " \"text\": {\"value\": \"*-1\"}}", NULL));
    /* neither text nor set: fits anywhere (the least loaded first) */
    apply(s, bcs("l4", 3, "l:1", "0.1", "10",
                 "{\"name\": \"hostname\", \"operate\": \"LIKE\", \"type\": 1,"
                 " \"scalar\": {\"value\": 1}}", NULL));
    run(s, T0 + 5000);
    assert_nodes(s, BCS_NS, "l1", NULL, "web-1 web-2");
    assert_nodes(s, BCS_NS, "l2", NULL, "db7 db7");
    assert_nodes(s, BCS_NS, "l3", NULL, "db7 web-2");
    assert_nodes(s, BCS_NS, "l4", NULL, "web-1 web-1 web-2");
    rollout_sim_free(s);
}
END_TEST

/* Patterns upstream's regexp package refuses match nothing: a
 * back-reference, counted repetition nested past 1000. */
START_TEST(test_like_refused_patterns)
{
    rollout_sim *s = sim_with(NULL);

    ck_assert_int_eq(rollout_sim_add_node(s, "aa-1", 16, 65536), 0);
    ck_assert_int_eq(rollout_sim_add_node(s, "b-2", 16, 65536), 0);
    apply(s, bcs("r1", 1, "l:1", "0.1", "10",
                 "{\"name\": \"hostname\", \"operate\": \"LIKE\", \"type\": 3,"
                 " \"text\": {\"value\": \"a{2}\"}}", NULL));
    apply(s, bcs("r2", 1, "l:1", "0.1", "10",
                 "{\"name\": \"hostname\", \"operate\": \"LIKE\", \"type\": 3,"
                 " \"text\": {\"value\": \"(a)\\\\1\"}}", NULL));
    apply(s, bcs("r3", 1, "l:1", "0.1", "10",
                 "{\"name\": \"hostname\", \"operate\": \"LIKE\", \"type\": 3,"
                 " \"text\": {\"value\": \"((a{1000}){1000}){1000}\"}}", NULL));
    /* 2 x 501 repetitions is past the limit, 2 x 500 is not */
    apply(s, bcs("r4", 1, "l:1", "0.1", "10",
                 "{\"name\": \"hostname\", \"operate\": \"LIKE\", \"type\": 3,"
                 " \"text\": {\"value\": \"(a{2}){501}|aa\"}}", NULL));
    apply(s, bcs("r5", 1, "l:1", "0.1", "10",
                 "{\"name\": \"hostname\", \"operate\": \"LIKE\", \"type\": 3,"
                 " \"text\": {\"value\": \"(a{2}){500}|aa\"}}", NULL));
    run(s, T0 + 5000);
    assert_nodes(s, BCS_NS, "r1", NULL, "aa-1");
    assert_nodes(s, BCS_NS, "r2", NULL, "");
    assert_nodes(s, BCS_NS, "r3", NULL, "");
    assert_nodes(s, BCS_NS, "r4", NULL, "");
    assert_nodes(s, BCS_NS, "r5", NULL, "aa-1");
    rollout_sim_free(s);
}
END_TEST

START_TEST(test_groupby)
{
    rollout_sim *s = bcs_cluster(3);

    rollout_sim_set_node_attribute(s, "node1", "zone", "a");
    rollout_sim_set_node_attribute(s, "node2", "zone", "a");
    rollout_sim_set_node_attribute(s, "node3", "zone", "b");
    /* spread evenly over the zones, not over the nodes */
    apply(s, bcs("g", 4, "g:1", "0.1", "10",
                 "{\"name\": \"zone\", \"operate\": \"GROUPBY\", \"type\": 4,"
                 " \"set\": {\"item\": [\"a\", \"b\"]}}", NULL));
    run(s, T0 + 5000);
    assert_nodes(s, BCS_NS, "g", NULL, "node1 node2 node3 node3");
    rollout_sim_free(s);
}
END_TEST

START_TEST(test_exclude)
{
    rollout_sim *s = bcs_cluster(2);

    apply(s, bcs("db", 1, "db:1", "0.1", "10", NULL, "{\"role\": \"db\"}"));
    run(s, T0 + 2000);
    assert_nodes(s, BCS_NS, "db", NULL, "node1");
    /* not where a db runs; its own taskgroups never exclude it */
    apply(s, bcs("web", 3, "web:1", "0.1", "10",
                 "{\"name\": \"x\", \"operate\": \"EXCLUDE\", \"type\": 4,"
                 " \"set\": {\"item\": [\"role:db\", \"app:web\"]}}",
                 "{\"app\": \"web\"}"));
    run(s, T0 + 5000);
    assert_nodes(s, BCS_NS, "web", NULL, "node2 node2 node2");
    rollout_sim_free(s);
}
END_TEST

START_TEST(test_greater)
{
    rollout_sim *s = bcs_cluster(3);

    rollout_sim_set_node_attribute(s, "node1", "cores", "8");
    rollout_sim_set_node_attribute(s, "node2", "cores", "4");
    rollout_sim_set_node_attribute(s, "node3", "cores", "many");
    apply(s, bcs("g", 2, "g:1", "0.1", "10",
                 "{\"name\": \"cores\", \"operate\": \"GREATER\", \"type\": 1,"
                 " \"scalar\": {\"value\": 4}}", NULL));
    run(s, T0 + 5000);
    assert_nodes(s, BCS_NS, "g", NULL, "node1 node1");
    rollout_sim_free(s);
}
END_TEST

/* All items must hold, any union entry may; an unknown operator never
 * fits. */
START_TEST(test_intersection_union)
{
    static const char text[] =
        "{\"apiVersion\": \"v4\", \"kind\": \"deployment\", \"metadata\": {\"name\":"
        " \"iu\", \"namespace\": \"defaultGroup\"},"
        " \"constraint\": {\"intersectionitem\": ["
        "  {\"UnionData\": [{\"name\": \"zone\", \"operate\": \"CLUSTER\", \"type\": 3,"
        "    \"text\": {\"value\": \"a\"}},"
        "   {\"name\": \"zone\", \"operate\": \"CLUSTER\","
        "    \"type\": 3, \"text\": {\"value\": \"b\"}}]},"
        "  {\"unionData\": [{\"name\": \"hostname\", \"operate\": \"UNLIKE\","
        "    \"type\": 3,"
        "    \"text\": {\"value\": \"node1\"}}]}]},"
        " \"spec\": {\"instance\": 2, \"strategy\": {\"type\": \"RollingUpdate\","
        " \"rollingupdate\": {}}, \"template\": {\"spec\": {\"containers\":"
        " [{\"image\": \"iu:1\"}]}}}}";
    rollout_sim *s = bcs_cluster(3);

    rollout_sim_set_node_attribute(s, "node1", "zone", "a");
    rollout_sim_set_node_attribute(s, "node2", "zone", "b");
    rollout_sim_set_node_attribute(s, "node3", "zone", "c");
    apply(s, parse(text, ROLLOUT_DIALECT_BCS));
    apply(s, bcs("unknown", 1, "x:1", "0.1", "10",
                 "{\"name\": \"hostname\", \"operate\": \"NEAR\"}", NULL));
    run(s, T0 + 5000);
    assert_nodes(s, BCS_NS, "iu", NULL, "node2 node2");
    assert_nodes(s, BCS_NS, "unknown", NULL, "");
    rollout_sim_free(s);
}
END_TEST

/* Delays and randomness. */

START_TEST(test_delays)
{
    rollout_sim_options o = ROLLOUT_SIM_OPTIONS_INIT;
    rollout_sim *s;
    const char *name;

    o.start_delay_min_ms = o.start_delay_max_ms = 3000;
    o.ready_delay_ms = 2000;
    o.stop_delay_ms = 5000;
    s = sim_with(&o);
    add_nodes(s, 1, 4, 4096);
    apply(s, k8s("d", 1, "d:1", NULL, NULL));
    run(s, T0);
    ck_assert_int_eq(when(s, "create d-"), T0);
    ck_assert_int_eq(when(s, "place d-"), T0);
    ck_assert_int_eq(in_phase(s, NULL, "d", ROLLOUT_PHASE_STARTING), 1);
    run(s, T0 + 2999);
    ck_assert_int_eq(when(s, "running d-"), -1);
    run(s, T0 + 3000);
    ck_assert_int_eq(in_phase(s, NULL, "d", ROLLOUT_PHASE_RUNNING), 1);
    run(s, T0 + 5000);
    ck_assert_int_eq(when(s, "ready d-"), T0 + 5000);
    ck_assert(rolled_out(s, "d"));
    name = first_in(s, NULL, "d", ROLLOUT_PHASE_READY);
    ck_assert_ptr_nonnull(name);
    ck_assert_int_eq(rollout_engine_delete(rollout_sim_engine(s), NULL, "d"), 0);
    run(s, T0 + 9999);
    ck_assert_int_eq(when(s, "delete d-"), T0 + 5000);
    ck_assert_int_eq(lines(s, "gone d-"), 0);
    run(s, T0 + 10000);
    ck_assert_int_eq(when(s, "gone d-"), T0 + 10000);
    ck_assert_uint_eq(rollout_engine_deployment_count(rollout_sim_engine(s)), 0);
    rollout_sim_free(s);
}
END_TEST

/* The start-up times of the replicas of a run with SEED, in ms from T0,
 * joined. */
static char *start_times(uint64_t seed)
{
    rollout_sim_options o = ROLLOUT_SIM_OPTIONS_INIT;
    rollout_sim *s;
    char *out = NULL;
    size_t len = 0, i;
    FILE *f;

    o.seed = seed;
    o.start_delay_min_ms = 1000;
    o.start_delay_max_ms = 9000;
    s = sim_with(&o);
    add_nodes(s, 2, 16, 65536);
    apply(s, k8s("r", 10, "r:1", NULL, NULL));
    run(s, T0 + 20000);
    f = open_memstream(&out, &len);
    for (i = 0; i < rollout_sim_timeline_count(s); i++) {
        const char *text;
        int64_t t;

        rollout_sim_timeline_at(&t, &text, s, i);
        if (strncmp(text, "running ", 8) == 0) {
            ck_assert_int_ge(t, T0 + 1000);
            ck_assert_int_le(t, T0 + 9000);
            fprintf(f, "%lld ", (long long)(t - T0));
        }
    }
    fclose(f);
    rollout_sim_free(s);
    return out;
}

START_TEST(test_random_delays)
{
    char *a = start_times(42), *b = start_times(42), *c = start_times(43);

    ck_assert_str_eq(a, b);
    ck_assert_str_ne(a, c);
    /* not all the same */
    ck_assert_ptr_nonnull(strchr(a, ' '));
    ck_assert(strncmp(a, strchr(a, ' ') + 1, (size_t)(strchr(a, ' ') - a)) != 0 ||
              strcmp(a, c) != 0);
    free(a);
    free(b);
    free(c);
}
END_TEST

START_TEST(test_refusals)
{
    rollout_sim_options o = ROLLOUT_SIM_OPTIONS_INIT;
    rollout_sim *s;
    char *t1, *t2;

    /* every create refused, then retried with the engine's backoff */
    o.refuse_rate = 1;
    o.backoff_initial_ms = 500;
    o.backoff_max_ms = 2000;
    s = sim_with(&o);
    add_nodes(s, 1, 4, 4096);
    apply(s, k8s("r", 1, "r:1", NULL, NULL));
    run(s, T0 + 4000);
    ck_assert_int_eq(lines(s, "place "), 0);
    /* at 0, 500, 1500, 3500 */
    ck_assert_int_eq(lines(s, "refuse r-"), 4);
    ck_assert_int_ge(lines(s, "event Warning FailedScheduling Pod/r-"), 4);
    rollout_sim_free(s);

    /* half of them, the same half for the same seed */
    o.refuse_rate = 0.5;
    o.seed = 7;
    s = sim_with(&o);
    add_nodes(s, 2, 16, 65536);
    apply(s, k8s("r", 20, "r:1", NULL, NULL));
    run(s, T0 + 60000);
    ck_assert(rolled_out(s, "r"));
    ck_assert_int_gt(lines(s, "refuse r-"), 3);
    t1 = timeline(s);
    rollout_sim_free(s);
    s = sim_with(&o);
    add_nodes(s, 2, 16, 65536);
    apply(s, k8s("r", 20, "r:1", NULL, NULL));
    run(s, T0 + 60000);
    t2 = timeline(s);
    ck_assert_str_eq(t1, t2);
    free(t1);
    free(t2);
    rollout_sim_free(s);
}
END_TEST

/* Faults. */

START_TEST(test_never_ready)
{
    rollout_sim *s = sim_with(NULL);
    rollout_spec *spec;

    add_nodes(s, 2, 16, 65536);
    apply(s, k8s("f", 2, "f:1", NULL, NULL));
    ck_assert_int_eq(idle(s, T0 + 60000), ROLLOUT_SIM_IDLE);
    ck_assert_int_eq(rollout_sim_set_image_fault(s, "f:2", ROLLOUT_SIM_NEVER_READY, 0),
                     0);
    spec = k8s("f", 2, "f:2", NULL, NULL);
    ck_assert_int_eq(rollout_spec_set_progress_deadline_seconds(spec, 30), 0);
    apply(s, spec);
    /* the new replica runs and never gets ready; the rollout is stuck
     * until its deadline */
    ck_assert_int_eq(idle(s, T0 + 3600000), ROLLOUT_SIM_IDLE);
    ck_assert_int_eq(in_phase(s, NULL, "f", ROLLOUT_PHASE_RUNNING), 1);
    ck_assert_int_eq(in_phase(s, NULL, "f", ROLLOUT_PHASE_READY), 2);
    ck_assert_int_eq(lines(s, "ready f-"), 2);
    ck_assert_int_ge(rollout_sim_now(s), T0 + 1000 + 30000);
    ck_assert_int_le(rollout_sim_now(s), T0 + 1000 + 32000);
    ck_assert_int_eq(summary(s, NULL, "f").finish_ms, -1);
    ck_assert_int_eq(lines(s, "rollout default/f complete"), 1); /* the first one */

    /* healthy again: the next replica of that image gets ready */
    ck_assert_int_eq(rollout_sim_set_image_fault(s, "f:2", ROLLOUT_SIM_HEALTHY, 0), 0);
    ck_assert_int_eq(rollout_sim_replica_kill(s, first_in(s, NULL, "f",
                                                          ROLLOUT_PHASE_RUNNING)), 0);
    ck_assert_int_eq(idle(s, rollout_sim_now(s) + 600000), ROLLOUT_SIM_IDLE);
    ck_assert(rolled_out(s, "f"));

    ck_assert_int_eq(rollout_sim_set_image_fault(s, NULL, ROLLOUT_SIM_CRASH, 0),
                     ROLLOUT_EINVAL);
    ck_assert_int_eq(rollout_sim_set_image_fault(s, "x", (rollout_sim_fault)9, 0),
                     ROLLOUT_EINVAL);
    ck_assert_int_eq(rollout_sim_set_image_fault(s, "x", ROLLOUT_SIM_CRASH, -5),
                     ROLLOUT_EINVAL);
    rollout_sim_free(s);
}
END_TEST

START_TEST(test_crash)
{
    rollout_sim_options o = ROLLOUT_SIM_OPTIONS_INIT;
    rollout_sim *s;

    o.ready_delay_ms = 1000;
    s = sim_with(&o);
    add_nodes(s, 1, 16, 65536);
    ck_assert_int_eq(rollout_sim_set_image_fault(s, "c:1", ROLLOUT_SIM_CRASH, 5000), 0);
    apply(s, k8s("c", 1, "c:1", "1", NULL));
    /* created at 0, running at 1 s, ready at 2 s, failed at 6 s; the
     * engine replaces it */
    run(s, T0 + 5999);
    ck_assert_int_eq(lines(s, "failed c-"), 0);
    ck_assert_int_eq(in_phase(s, NULL, "c", ROLLOUT_PHASE_READY), 1);
    run(s, T0 + 6000);
    ck_assert_int_eq(when(s, "failed c-"), T0 + 6000);
    ck_assert_int_eq(lines(s, "create c-"), 2);
    ck_assert_int_eq(lines(s, "place c-"), 2); /* the failed one freed its cpu */
    run(s, T0 + 30000);
    ck_assert_int_eq(lines(s, "failed c-"), 5); /* at 6, 12, 18, 24 and 30 s */
    rollout_sim_free(s);
}
END_TEST

/* Lost nodes. */

START_TEST(test_lost_node)
{
    rollout_sim_options o = ROLLOUT_SIM_OPTIONS_INIT;
    rollout_sim *s;
    char lost[128], *victim;

    o.stop_delay_ms = 10000;
    s = sim_with(&o);
    add_nodes(s, 3, 4, 4096);
    apply(s, k8s("l", 3, "l:1", "1", NULL));
    ck_assert_int_eq(idle(s, T0 + 60000), ROLLOUT_SIM_IDLE);
    assert_nodes(s, NULL, "l", NULL, "node1 node2 node3");
    victim = strdup(rollout_replica_name(rollout_replica_set_replica_at(
        rollout_deployment_new_replica_set(dep(s, NULL, "l")), 1)));
    ck_assert_str_eq(rollout_replica_node(rollout_replica_set_replica_at(
                         rollout_deployment_new_replica_set(dep(s, NULL, "l")), 1)),
                     "node2");
    ck_assert_int_eq(rollout_sim_lose_node(s, "node2"), 0);
    snprintf(lost, sizeof(lost), "lost %s: node node2 lost", victim);
    ck_assert_int_eq(lines(s, lost), 1);
    snprintf(lost, sizeof(lost), "gone %s", victim);
    /* the engine deletes it: gone at once, no graceful stop on a lost node */
    run(s, rollout_sim_now(s));
    ck_assert_int_eq(lines(s, lost), 1);
    ck_assert_int_eq(idle(s, rollout_sim_now(s) + 60000), ROLLOUT_SIM_IDLE);
    ck_assert(rolled_out(s, "l"));
    assert_nodes(s, NULL, "l", NULL, "node1 node1 node3");
    free(victim);
    rollout_sim_free(s);
}
END_TEST

/* A node lost with a taskgroup of a UNIQUE application: a Lost taskgroup
 * still holds its address until it is gone. */
START_TEST(test_lost_unique)
{
    rollout_sim *s = bcs_cluster(3);

    apply(s, bcs("u", 2, "u:1", "0.1", "10",
                 "{\"name\": \"InnerIP\", \"operate\": \"UNIQUE\"}", NULL));
    ck_assert_int_eq(idle(s, T0 + 60000), ROLLOUT_SIM_IDLE);
    assert_nodes(s, BCS_NS, "u", NULL, "node1 node2");
    ck_assert_int_eq(rollout_sim_lose_node(s, "node1"), 0);
    ck_assert_int_eq(idle(s, rollout_sim_now(s) + 60000), ROLLOUT_SIM_IDLE);
    assert_nodes(s, BCS_NS, "u", NULL, "node2 node3");
    assert_apps(s, "u", "u Running 2 2 application is running");
    rollout_sim_free(s);
}
END_TEST

/* Steering by hand. */

START_TEST(test_manual)
{
    rollout_sim_options o = ROLLOUT_SIM_OPTIONS_INIT;
    rollout_sim *s;
    const char *rs;
    size_t n;
    char *name;

    o.manual = 1;
    s = sim_with(&o);
    add_nodes(s, 3, 16, 65536);
    apply(s, k8s("m", 4, "m:1", NULL, NULL));
    /* nothing happens by itself until the progress deadline */
    ck_assert_int_eq(idle(s, T0 + 60000), ROLLOUT_SIM_LIMIT);
    ck_assert_int_eq(rollout_sim_now(s), T0 + 60000);
    ck_assert_int_eq(in_phase(s, NULL, "m", ROLLOUT_PHASE_STARTING), 4);
    run(s, T0 + 3600000);
    ck_assert_int_eq(in_phase(s, NULL, "m", ROLLOUT_PHASE_STARTING), 4);

    /* one by name */
    name = strdup(first_in(s, NULL, "m", ROLLOUT_PHASE_STARTING));
    ck_assert_int_eq(rollout_sim_replica_ready(s, name), 0);
    ck_assert_int_eq(in_phase(s, NULL, "m", ROLLOUT_PHASE_READY), 1);
    ck_assert_int_eq(rollout_sim_replica_ready(s, name), ROLLOUT_ESTATE);
    ck_assert_str_ne(rollout_sim_errmsg(s), "");
    ck_assert_int_eq(rollout_sim_replica_ready(s, "nobody"), ROLLOUT_ENOTFOUND);
    ck_assert_str_eq(rollout_sim_errmsg(s), "replica nobody not found");
    ck_assert_int_eq(rollout_sim_replica_ready(s, NULL), ROLLOUT_EINVAL);

    /* two more of the set, by name order */
    rs = rollout_replica_set_name(rollout_deployment_new_replica_set(dep(s, NULL, "m")));
    ck_assert_int_eq(rollout_sim_steer(&n, s, ROLLOUT_SIM_READY, rs, 2), 0);
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(in_phase(s, NULL, "m", ROLLOUT_PHASE_READY), 3);
    ck_assert_int_eq(rollout_sim_steer(&n, s, ROLLOUT_SIM_READY, "other", 0), 0);
    ck_assert_uint_eq(n, 0);

    /* failed: the engine replaces it */
    ck_assert_int_eq(rollout_sim_replica_fail(s, name), 0);
    ck_assert_int_eq(lines(s, "failed m-"), 1);
    ck_assert_int_eq(in_phase(s, NULL, "m", ROLLOUT_PHASE_READY), 2);
    ck_assert_int_eq(rollout_sim_replica_fail(s, name), ROLLOUT_ESTATE);
    run(s, rollout_sim_now(s));
    ck_assert_int_eq(in_phase(s, NULL, "m", ROLLOUT_PHASE_STARTING), 2);
    ck_assert_int_eq(lines(s, "gone "), 1);

    /* killed: gone at once, and replaced */
    ck_assert_int_eq(rollout_sim_replica_kill(s, first_in(s, NULL, "m",
                                                          ROLLOUT_PHASE_READY)), 0);
    ck_assert_int_eq(lines(s, "kill "), 1);
    ck_assert_int_eq(lines(s, "gone "), 2);
    run(s, rollout_sim_now(s));
    ck_assert_int_eq(in_phase(s, NULL, "m", ROLLOUT_PHASE_STARTING), 3);

    /* all the rest */
    ck_assert_int_eq(rollout_sim_steer(&n, s, ROLLOUT_SIM_READY, NULL, 0), 0);
    ck_assert_uint_eq(n, 3);
    ck_assert_int_eq(idle(s, rollout_sim_now(s) + 1000), ROLLOUT_SIM_IDLE);
    ck_assert(rolled_out(s, "m"));
    ck_assert_int_eq(rollout_sim_steer(&n, s, ROLLOUT_SIM_KILL, NULL, 2), 0);
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(rollout_sim_steer(&n, s, (rollout_sim_action)0, NULL, 0),
                     ROLLOUT_EINVAL);
    free(name);
    rollout_sim_free(s);
}
END_TEST

/* The run loops. */

START_TEST(test_run_until_idle)
{
    rollout_sim_options o = ROLLOUT_SIM_OPTIONS_INIT;
    rollout_sim *s = sim_with(NULL);
    rollout_spec *spec;

    /* nothing at all */
    ck_assert_int_eq(idle(s, T0 + 1000), ROLLOUT_SIM_IDLE);
    ck_assert_int_eq(rollout_sim_now(s), T0);
    ck_assert_int_eq(rollout_sim_run_until_idle(s, T0 - 1), ROLLOUT_EINVAL);

    /* a rollout: stops when it is complete, not at the limit */
    add_nodes(s, 2, 16, 65536);
    apply(s, k8s("i", 3, "i:1", NULL, NULL));
    ck_assert_int_eq(idle(s, T0 + 3600000), ROLLOUT_SIM_IDLE);
    ck_assert_int_eq(rollout_sim_now(s), T0 + 1000);
    ck_assert(rolled_out(s, "i"));

    /* the limit first */
    apply(s, k8s("i", 3, "i:2", NULL, NULL));
    ck_assert_int_eq(idle(s, T0 + 1500), ROLLOUT_SIM_LIMIT);
    ck_assert_int_eq(rollout_sim_now(s), T0 + 1500);
    ck_assert_int_eq(idle(s, T0 + 3600000), ROLLOUT_SIM_IDLE);
    ck_assert_int_eq(rollout_sim_now(s), T0 + 4000); /* 1 s a replica */

    /* a paused deployment is settled */
    spec = k8s("i", 3, "i:3", NULL, NULL);
    ck_assert_int_eq(rollout_spec_set_paused(spec, 1), 0);
    apply(s, spec);
    ck_assert_int_eq(idle(s, T0 + 3600000), ROLLOUT_SIM_IDLE);
    ck_assert_int_eq(rollout_sim_now(s), T0 + 4000);
    rollout_sim_free(s);

    /* a replica that never gets ready without a deadline stalls it */
    s = sim_with(&o);
    add_nodes(s, 1, 16, 65536);
    ck_assert_int_eq(rollout_sim_set_image_fault(s, "i:1", ROLLOUT_SIM_NEVER_READY, 0),
                     0);
    spec = k8s("i", 1, "i:1", NULL, NULL);
    ck_assert_int_eq(rollout_spec_set_progress_deadline_seconds(spec, INT32_MAX), 0);
    apply(s, spec);
    ck_assert_int_eq(idle(s, T0 + 3600000), ROLLOUT_SIM_STALLED);
    ck_assert_int_eq(rollout_sim_now(s), T0 + 1000);
    rollout_sim_free(s);
}
END_TEST

/* Reports come before the tick at the same time, and the engine acts on
 * them in that tick: one replica after the other, with no time lost. */
START_TEST(test_timeline)
{
    rollout_sim *s = sim_with(NULL);
    char *t;

    add_nodes(s, 1, 16, 65536);
    apply(s, k8s("t", 1, "t:1", NULL, NULL));
    run(s, T0 + 1000);
    t = timeline(s);
    ck_assert_msg(strstr(t, "0 node node1 added: cpu 16, memory 65536 MiB, "
                            "InnerIP 10.0.0.1\n"
                            "0 rollout default/t started\n"
                            "0 event Normal ScalingReplicaSet Deployment/t: Scaled up "
                            "replica set t-") != NULL, "%s", t);
    ck_assert_msg(strstr(t, " to 1\n0 event Normal SuccessfulCreate ReplicaSet/t-"),
                  "%s", t);
    ck_assert_int_eq(when(s, "create t-"), T0);
    ck_assert_int_eq(when(s, "place t-"), T0);
    ck_assert_int_eq(when(s, "running t-"), T0 + 1000);
    ck_assert_int_eq(when(s, "ready t-"), T0 + 1000);
    ck_assert_int_eq(when(s, "rollout default/t complete"), T0 + 1000);
    ck_assert_msg(strstr(t, "1000 running t-") < strstr(t, "1000 ready t-") &&
                      strstr(t, "1000 ready t-") <
                          strstr(t, "1000 rollout default/t complete"),
                  "%s", t);
    ck_assert_int_eq(rollout_sim_timeline_at(NULL, NULL, s, 1000), ROLLOUT_ENOTFOUND);
    ck_assert_int_eq(rollout_sim_timeline_at(NULL, NULL, NULL, 0), ROLLOUT_EINVAL);
    ck_assert_uint_eq(rollout_sim_timeline_count(NULL), 0);
    free(t);
    rollout_sim_free(s);

    /* no timeline at all */
    {
        rollout_sim_options o = ROLLOUT_SIM_OPTIONS_INIT;

        o.no_timeline = 1;
        s = sim_with(&o);
        add_nodes(s, 1, 16, 65536);
        apply(s, k8s("t", 1, "t:1", NULL, NULL));
        ck_assert_int_eq(idle(s, T0 + 60000), ROLLOUT_SIM_IDLE);
        ck_assert_uint_eq(rollout_sim_timeline_count(s), 0);
        ck_assert_int_eq(summary(s, NULL, "t").finish_ms, T0 + 1000);
        rollout_sim_free(s);
    }
}
END_TEST

START_TEST(test_summary)
{
    rollout_sim_options o = ROLLOUT_SIM_OPTIONS_INIT;
    rollout_sim_summary sum = ROLLOUT_SIM_SUMMARY_INIT;
    rollout_sim *s;

    o.stop_delay_ms = 2000;
    s = sim_with(&o);
    add_nodes(s, 3, 16, 65536);
    /* applied, not yet run */
    apply(s, k8s("w", 4, "w:1", NULL, NULL));
    sum = summary(s, NULL, "w");
    ck_assert_int_eq(sum.start_ms, T0);
    ck_assert_int_eq(sum.finish_ms, -1);
    ck_assert_int_eq(idle(s, T0 + 60000), ROLLOUT_SIM_IDLE);
    sum = summary(s, NULL, "w");
    ck_assert_int_eq(sum.start_ms, T0);
    ck_assert_int_eq(sum.finish_ms, T0 + 1000);
    ck_assert_int_eq(sum.min_available, 0);
    ck_assert_int_eq(sum.max_total, 4);
    ck_assert_int_eq(sum.waves, 1);

    /* maxSurge 1, maxUnavailable 0: one at a time, never below 4 */
    run(s, T0 + 10000);
    apply(s, k8s("w", 4, "w:2", NULL, NULL));
    ck_assert_int_eq(idle(s, T0 + 600000), ROLLOUT_SIM_IDLE);
    sum = summary(s, NULL, "w");
    ck_assert_int_eq(sum.start_ms, T0 + 10000);
    ck_assert_int_eq(sum.finish_ms, T0 + 10000 + 4 * 1000);
    ck_assert_int_eq(sum.min_available, 4);
    ck_assert_int_eq(sum.max_total, 5);
    ck_assert_int_eq(sum.waves, 4);

    /* a scale is no new rollout */
    ck_assert_int_eq(rollout_engine_scale(rollout_sim_engine(s), NULL, "w", 6), 0);
    ck_assert_int_eq(idle(s, T0 + 600000), ROLLOUT_SIM_IDLE);
    ck_assert_int_eq(summary(s, NULL, "w").start_ms, T0 + 10000);

    /* an undo is */
    run(s, T0 + 100000);
    ck_assert_int_eq(rollout_engine_undo(NULL, rollout_sim_engine(s), NULL, "w", 0), 0);
    ck_assert_int_eq(idle(s, T0 + 600000), ROLLOUT_SIM_IDLE);
    sum = summary(s, NULL, "w");
    ck_assert_int_eq(sum.start_ms, T0 + 100000);
    ck_assert_int_ge(sum.finish_ms, T0 + 100000);
    ck_assert_int_eq(sum.min_available, 6);
    ck_assert_int_eq(sum.max_total, 7);

    /* and a deleted deployment keeps its last summary */
    ck_assert_int_eq(rollout_engine_delete(rollout_sim_engine(s), NULL, "w"), 0);
    ck_assert_int_eq(idle(s, T0 + 600000), ROLLOUT_SIM_IDLE);
    ck_assert_int_eq(summary(s, NULL, "w").start_ms, T0 + 100000);

    ck_assert_int_eq(rollout_sim_summary_get(&sum, s, NULL, "none"), ROLLOUT_ENOTFOUND);
    sum.version = 0;
    ck_assert_int_eq(rollout_sim_summary_get(&sum, s, NULL, "w"), ROLLOUT_EINVAL);
    rollout_sim_free(s);
}
END_TEST

/* Snapshots. */

static void assert_same_summary(const rollout_sim_summary *a,
                                const rollout_sim_summary *b)
{
    ck_assert_int_eq(a->start_ms, b->start_ms);
    ck_assert_int_eq(a->finish_ms, b->finish_ms);
    ck_assert_int_eq(a->min_available, b->min_available);
    ck_assert_int_eq(a->max_total, b->max_total);
    ck_assert_int_eq(a->waves, b->waves);
}

/* A busy scenario: random delays and refusals, a crash fault, a lost
 * node, BCS and Kubernetes side by side, in three parts. */
static void busy_setup(rollout_sim *s)
{
    add_nodes(s, 4, 2, 8192);
    rollout_sim_set_node_attribute(s, "node1", "zone", "a");
    rollout_sim_set_node_attribute(s, "node2", "zone", "b");
    ck_assert_int_eq(rollout_sim_set_image_fault(s, "k:2", ROLLOUT_SIM_CRASH, 7000), 0);
    apply(s, k8s("k", 5, "k:1", "250m", "100Mi"));
    apply(s, bcs("b", 3, "b:1", "0.5", "1024",
                 "{\"name\": \"InnerIP\", \"operate\": \"UNIQUE\"}", NULL));
}

static void busy_middle(rollout_sim *s)
{
    apply(s, k8s("k", 5, "k:2", "250m", "100Mi"));
    apply(s, bcs("b", 3, "b:2", "0.5", "1024",
                 "{\"name\": \"InnerIP\", \"operate\": \"UNIQUE\"}", NULL));
}

static rollout_sim_options busy_options(void)
{
    rollout_sim_options o = ROLLOUT_SIM_OPTIONS_INIT;

    o.seed = 99;
    o.start_delay_min_ms = 500;
    o.start_delay_max_ms = 4000;
    o.ready_delay_ms = 700;
    o.stop_delay_ms = 1500;
    o.refuse_rate = 0.2;
    o.cluster = "simcluster";
    o.backoff_initial_ms = 300;
    o.backoff_max_ms = 5000;
    return o;
}

static void busy_end(rollout_sim *s)
{
    run(s, T0 + 45000);
    ck_assert_int_eq(rollout_sim_lose_node(s, "node3"), 0);
    run(s, T0 + 200000);
}

START_TEST(test_save_restore)
{
    rollout_sim_options o = busy_options();
    rollout_sim *a = sim_with(&o), *b = NULL, *c;
    rollout_sim_summary sa, sb;
    char *json = NULL, *ta, *tb, *json2 = NULL;

    busy_setup(a);
    run(a, T0 + 20000);
    busy_middle(a);
    run(a, T0 + 21234);

    ck_assert_int_eq(rollout_sim_save(&json, a), 0);
    ck_assert_ptr_nonnull(strstr(json, "\"format\": \"librollout-sim\""));
    ck_assert_int_eq(rollout_sim_restore(&b, json, strlen(json)), 0);
    ck_assert_ptr_nonnull(b);
    ck_assert_int_eq(rollout_sim_now(b), T0 + 21234);
    /* saving the restored one gives the same text */
    ck_assert_int_eq(rollout_sim_save(&json2, b), 0);
    ck_assert_str_eq(json, json2);
    rollout_free(json2);
    ck_assert_uint_eq(rollout_sim_node_count(b), 4);
    ck_assert_str_eq(rollout_sim_node_attribute(b, "node2", "zone"), "b");

    busy_end(a);
    busy_end(b);
    ta = timeline(a);
    tb = timeline(b);
    ck_assert_str_eq(ta, tb);
    ck_assert_ptr_nonnull(strstr(ta, "failed k-"));
    ck_assert_ptr_nonnull(strstr(ta, "refuse "));
    ck_assert_ptr_nonnull(strstr(ta, ".b.defaultGroup.simcluster."));
    sa = summary(a, NULL, "k");
    sb = summary(b, NULL, "k");
    assert_same_summary(&sa, &sb);
    sa = summary(a, BCS_NS, "b");
    sb = summary(b, BCS_NS, "b");
    assert_same_summary(&sa, &sb);
    free(ta);
    free(tb);

    /* and an uninterrupted run says the same */
    c = sim_with(&o);
    busy_setup(c);
    run(c, T0 + 20000);
    busy_middle(c);
    run(c, T0 + 21234);
    busy_end(c);
    ta = timeline(a);
    tb = timeline(c);
    ck_assert_str_eq(ta, tb);
    free(ta);
    free(tb);
    rollout_sim_free(c);
    rollout_sim_free(a);
    rollout_sim_free(b);
    rollout_free(json);
}
END_TEST

START_TEST(test_restore_refuses)
{
    static const char *const bad[] = {
        "",
        "[]",
        "{\"format\": \"librollout-snapshot\", \"version\": 1}",
        "{\"format\": \"librollout-sim\", \"version\": 99}",
        "{\"format\": \"librollout-sim\", \"version\": 1}",
    };
    rollout_sim_options o = busy_options();
    rollout_sim *a = sim_with(&o), *b;
    char *json = NULL, *copy, *p;
    size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        b = NULL;
        ck_assert_int_eq(rollout_sim_restore(&b, bad[i], strlen(bad[i])),
                         ROLLOUT_ESNAPSHOT);
        ck_assert_ptr_nonnull(b);
        ck_assert_msg(strncmp(rollout_sim_errmsg(b), "simulator state: ", 17) == 0,
                      "%s", rollout_sim_errmsg(b));
        ck_assert_uint_eq(rollout_sim_node_count(b), 0);
        rollout_sim_free(b);
    }
    b = NULL;
    ck_assert_int_eq(rollout_sim_restore(&b, "{\"format\": \"librollout-sim\", "
                                             "\"version\": 99}", 43), ROLLOUT_ESNAPSHOT);
    ck_assert_str_eq(rollout_sim_errmsg(b), "simulator state: version 99 is newer than "
                                            "this library reads (1)");
    rollout_sim_free(b);
    ck_assert_int_eq(rollout_sim_restore(&b, NULL, 0), ROLLOUT_EINVAL);
    rollout_sim_free(b);
    ck_assert_int_eq(rollout_sim_restore(NULL, "{}", 2), ROLLOUT_EINVAL);

    /* damage a real state here and there */
    busy_setup(a);
    run(a, T0 + 1500);
    ck_assert_int_eq(rollout_sim_save(&json, a), 0);
    {
        static const struct {
            const char *from, *to;
        } edits[] = {
            {"\"state\": \"", "\"state\": \"x"},
            {"\"kind\": \"", "\"kind\": \"y"},
            {"\"app\": \"", "\"app\": \"z"},
            {"\"node\": \"node", "\"node\": \"nod"},
            {"\"seed\": \"", "\"seed\": \"g"},
            {"\"refuseRate\": ", "\"refuseRate\": 7"},
            {"\"nextSerial\": ", "\"nextSerial\": -"},
            {"\"format\": \"librollout-snapshot\"", "\"format\": \"other\""},
            {"\"cluster\": \"simcluster\"", "\"cluster\": \"a.b\""},
            {"\"replica\": \"", "\"replica\": \"q"},
        };

        for (i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
            size_t n = strlen(json), k = strlen(edits[i].from);

            copy = malloc(n + strlen(edits[i].to) + 1);
            p = strstr(json, edits[i].from);
            ck_assert_msg(p != NULL, "%s", edits[i].from);
            memcpy(copy, json, (size_t)(p - json));
            strcpy(copy + (p - json), edits[i].to);
            strcat(copy, p + k);
            b = NULL;
            ck_assert_msg(rollout_sim_restore(&b, copy, strlen(copy)) < 0, "%s",
                          edits[i].to);
            ck_assert_msg(strstr(rollout_sim_errmsg(b), "simulator state: ") ==
                              rollout_sim_errmsg(b),
                          "%s", rollout_sim_errmsg(b));
            if (getenv("SIM_TEST_VERBOSE"))
                fprintf(stderr, "%s\n", rollout_sim_errmsg(b));
            rollout_sim_free(b);
            free(copy);
        }
    }
    rollout_free(json);
    rollout_sim_free(a);
}
END_TEST

/* The seed's scenarios. */

/* kubectl apply test1-1-0.yaml, then test1-1-1.yaml, on 3 nodes: the
 * rollout completes and never has fewer than 2 available. */
START_TEST(test_seed_k8s)
{
    rollout_sim *s = sim_with(NULL);
    rollout_sim_summary sum;
    rollout_deployment *d;
    char *msg = NULL;
    int done = 0;

    add_nodes(s, 3, 4, 8192);
    apply(s, seed("test1-1-0.yaml", ROLLOUT_DIALECT_KUBERNETES));
    ck_assert_int_eq(idle(s, T0 + 600000), ROLLOUT_SIM_IDLE);
    assert_nodes(s, NULL, "test", NULL, "node1 node2 node3");
    run(s, T0 + 60000);
    apply(s, seed("test1-1-1.yaml", ROLLOUT_DIALECT_KUBERNETES));
    ck_assert_int_eq(idle(s, T0 + 600000), ROLLOUT_SIM_IDLE);
    d = dep(s, NULL, "test");
    ck_assert_int_eq(rollout_status_message(&msg, &done, d), 0);
    ck_assert_str_eq(msg, "deployment \"test\" successfully rolled out");
    ck_assert(done);
    rollout_free(msg);
    ck_assert_int_eq(rollout_deployment_replica_set_count(d), 2);
    ck_assert_int_eq(rollout_replica_set_count(rollout_deployment_replica_set_at(d, 0),
                                               ROLLOUT_COUNT_CURRENT), 0);
    ck_assert_int_eq(rollout_replica_set_count(rollout_deployment_replica_set_at(d, 1),
                                               ROLLOUT_COUNT_READY), 3);
    sum = summary(s, NULL, "test");
    ck_assert_int_eq(sum.start_ms, T0 + 60000);
    ck_assert_int_gt(sum.finish_ms, sum.start_ms);
    ck_assert_int_ge(sum.min_available, 2);
    ck_assert_int_le(sum.max_total, 4);
    ck_assert_int_ge(sum.waves, 2);
    rollout_sim_free(s);
}
END_TEST

/* bcs-client create test1-1-0.json, update test1-1-1.json, on 2 nodes
 * with room for the surge: only the new application remains, Running 2
 * 2. */
START_TEST(test_seed_bcs)
{
    rollout_sim *s = sim_with(NULL);
    rollout_sim_summary sum;
    char want[256];
    int64_t t1 = T0 + 11000;

    add_nodes(s, 2, 1, 8192);
    apply(s, seed("test1-1-0.json", ROLLOUT_DIALECT_BCS));
    ck_assert_int_eq(idle(s, T0 + 600000), ROLLOUT_SIM_IDLE);
    assert_apps(s, "test", "test Running 2 2 application is running");
    assert_nodes(s, BCS_NS, "test", NULL, "node1 node2");
    run(s, t1);
    apply(s, seed("test1-1-1.json", ROLLOUT_DIALECT_BCS));
    ck_assert_int_eq(idle(s, t1 + 3600000), ROLLOUT_SIM_IDLE);
    snprintf(want, sizeof(want), "test-v%lld Running 2 2 application is running",
             (long long)(t1 / 1000));
    assert_apps(s, "test", want);
    ck_assert_str_eq(rollout_deployment_status_name(dep(s, BCS_NS, "test")), "Running");
    assert_nodes(s, BCS_NS, "test", NULL, "node1 node2");
    sum = summary(s, BCS_NS, "test");
    ck_assert_int_eq(sum.start_ms, t1);
    /* two steps, upgradeDuration 60 s apart */
    ck_assert_int_gt(sum.finish_ms, t1 + 60000);
    ck_assert_int_lt(sum.finish_ms, t1 + 70000);
    ck_assert_int_eq(sum.waves, 2);
    ck_assert_int_ge(sum.min_available, 1);
    ck_assert_int_eq(sum.max_total, 3);
    rollout_sim_free(s);
}
END_TEST

/* The same on nodes too small for a surge: the new application has not
 * enough resources, and after 360 s the update is suspended. */
START_TEST(test_seed_bcs_no_room)
{
    rollout_sim *s = sim_with(NULL);
    rollout_deployment *d;
    char want[512];
    int64_t t1 = T0 + 11000;

    add_nodes(s, 2, 0.5, 4096);
    apply(s, seed("test1-1-0.json", ROLLOUT_DIALECT_BCS));
    ck_assert_int_eq(idle(s, T0 + 600000), ROLLOUT_SIM_IDLE);
    run(s, t1);
    apply(s, seed("test1-1-1.json", ROLLOUT_DIALECT_BCS));
    run(s, t1 + 5000);
    snprintf(want, sizeof(want),
             "test RollingUpdate 2 2 application is running\n"
             "test-v%lld RollingUpdate 2 0 have not enough resources to launch "
             "application", (long long)(t1 / 1000));
    assert_apps(s, "test", want);
    d = dep(s, BCS_NS, "test");
    ck_assert_str_eq(rollout_deployment_status_name(d), "Update");
    run(s, t1 + 360000);
    ck_assert_str_eq(rollout_deployment_status_name(d), "Update");
    ck_assert_int_eq(idle(s, t1 + 3600000), ROLLOUT_SIM_IDLE);
    ck_assert_int_le(rollout_sim_now(s), t1 + 362000);
    d = dep(s, BCS_NS, "test");
    ck_assert_str_eq(rollout_deployment_status_name(d), "UpdateSuspend");
    ck_assert_str_eq(rollout_deployment_message(d),
                     "create taskgroup timeout, rollingupdate suspend");
    ck_assert_int_eq(summary(s, BCS_NS, "test").finish_ms, -1);
    /* every create was refused: no replica of it was placed, no wave */
    ck_assert_int_gt(lines(s, "refuse 0.test-v"), 30);
    ck_assert_int_eq(summary(s, BCS_NS, "test").waves, 0);

    /* cancelled: the old application runs again, and the rollout never
     * finished */
    ck_assert_int_eq(rollout_engine_cancel(rollout_sim_engine(s), BCS_NS, "test"), 0);
    ck_assert_int_eq(idle(s, rollout_sim_now(s) + 3600000), ROLLOUT_SIM_IDLE);
    assert_apps(s, "test", "test Running 2 2 application is running");
    ck_assert_int_eq(summary(s, BCS_NS, "test").finish_ms, -1);
    ck_assert_int_eq(lines(s, "rollout defaultGroup/test complete"), 1);
    rollout_sim_free(s);
}
END_TEST

/* The seed's scenarios step by step, with the delays of a small cluster:
 * 2 s to start, 1 s to get ready, 5 s to stop. */
static rollout_sim *seed_sim(int nodes, double cpu)
{
    rollout_sim_options o = ROLLOUT_SIM_OPTIONS_INIT;
    rollout_sim *s;

    o.start_delay_min_ms = o.start_delay_max_ms = 2000;
    o.ready_delay_ms = 1000;
    o.stop_delay_ms = 5000;
    s = sim_with(&o);
    add_nodes(s, nodes, cpu, 8192);
    return s;
}

#define T1 (T0 + 11000) /* the seed's update, 11 s after the create */
#define V1 "test-v1562517103"

/* The seed's update with its strategy changed: rollingOrder ORDER (NULL:
 * as it is), rollingManually MANUAL. */
static rollout_spec *seed_update(const char *order, bool manual)
{
    rollout_spec *s = seed("test1-1-1.json", ROLLOUT_DIALECT_BCS), *t;
    char *json = NULL, *at;

    ck_assert_int_eq(rollout_spec_write(&json, s, ROLLOUT_FORMAT_JSON), 0);
    rollout_spec_free(s);
    if (order) {
        at = strstr(json, "CreateFirst");
        ck_assert_ptr_nonnull(at);
        memcpy(at, order, strlen("CreateFirst"));
    }
    if (manual) {
        at = strstr(json, "\"rollingManually\": false");
        ck_assert_ptr_nonnull(at);
        memcpy(at, "\"rollingManually\": true ", strlen("\"rollingManually\": false"));
    }
    t = parse(json, ROLLOUT_DIALECT_BCS);
    rollout_free(json);
    return t;
}

/* bcs-client create test1-1-0.json on 2 nodes, then update at T1. */
static rollout_sim *seed_bcs_updating(double cpu, rollout_spec *update)
{
    rollout_sim *s = seed_sim(2, cpu);
    rollout_engine *e = rollout_sim_engine(s);

    apply(s, seed("test1-1-0.json", ROLLOUT_DIALECT_BCS));
    ck_assert_int_eq(idle(s, T0 + 600000), ROLLOUT_SIM_IDLE);
    assert_apps(s, "test", "test Running 2 2 application is running");
    run(s, T1);
    ck_assert_msg(rollout_engine_update(e, update) == 0, "update: %s",
                  rollout_engine_errmsg(e));
    rollout_spec_free(update);
    return s;
}

static const char *status(rollout_sim *s)
{
    return rollout_deployment_status_name(dep(s, BCS_NS, "test"));
}

/* The walk-through: the rows of list -t app at each step, the seed's
 * listing among them, and the steps' times. */
START_TEST(test_seed_bcs_walkthrough)
{
    rollout_sim *s = seed_bcs_updating(1, seed("test1-1-1.json", ROLLOUT_DIALECT_BCS));
    int64_t step1_end;

    /* the first step at once: one taskgroup of the new application */
    run(s, T1);
    ck_assert_str_eq(status(s), "Update");
    assert_apps(s, "test", "test RollingUpdate 2 2 application is running\n"
                           V1 " RollingUpdate 2 0 have not enough resources to launch "
                           "application");
    ck_assert_int_eq(when(s, "create 0." V1 "."), T1);
    run(s, T1 + 2500);
    assert_apps(s, "test", "test RollingUpdate 2 2 application is running\n"
                           V1 " RollingUpdate 2 1 have not enough resources to launch "
                           "application");
    /* ready at +3 s: the old index 1 is killed, the seed's listing */
    run(s, T1 + 4000);
    ck_assert_int_eq(when(s, "delete 1.test."), T1 + 3000);
    assert_apps(s, "test", "test RollingUpdate 2 1 application is abnormal\n"
                           V1 " RollingUpdate 2 1 have not enough resources to launch "
                           "application");
    /* the step ends when the kill does; the next begins strictly more than
     * upgradeDuration (60 s) later */
    run(s, T1 + 30000);
    step1_end = when(s, "gone 1.test.");
    ck_assert_int_eq(step1_end, T1 + 8000);
    assert_apps(s, "test", "test RollingUpdate 2 1 have not enough resources to launch "
                           "application\n"
                           V1 " RollingUpdate 2 1 have not enough resources to launch "
                           "application");
    run(s, step1_end + 60000);
    ck_assert_int_eq(lines(s, "create 1." V1 "."), 0);
    run(s, step1_end + 60001);
    ck_assert_int_eq(when(s, "create 1." V1 "."), step1_end + 60001);
    assert_apps(s, "test", "test RollingUpdate 2 1 have not enough resources to launch "
                           "application\n"
                           V1 " RollingUpdate 2 1 some pods in staing or starting");
    /* the finish: only the new application, Running 2 2 */
    ck_assert_int_eq(idle(s, T1 + 3600000), ROLLOUT_SIM_IDLE);
    ck_assert_int_eq(rollout_sim_now(s), step1_end + 60001 + 3000 + 5000);
    assert_apps(s, "test", V1 " Running 2 2 application is running");
    ck_assert_str_eq(status(s), "Running");
    ck_assert_int_eq(summary(s, BCS_NS, "test").waves, 2);
    rollout_sim_free(s);
}
END_TEST

/* Pause holds the update after the step in flight; resume continues. */
START_TEST(test_seed_bcs_pause_resume)
{
    rollout_sim *s = seed_bcs_updating(1, seed("test1-1-1.json", ROLLOUT_DIALECT_BCS));
    rollout_engine *e = rollout_sim_engine(s);

    run(s, T1 + 1000);
    ck_assert_int_eq(rollout_engine_pause(e, BCS_NS, "test"), 0);
    ck_assert_str_eq(status(s), "UpdatePaused");
    /* the step in flight finishes; no other begins, however long */
    ck_assert_int_eq(idle(s, T1 + 3600000), ROLLOUT_SIM_IDLE);
    run(s, T1 + 3600000);
    ck_assert_int_eq(lines(s, "create 0." V1 "."), 1);
    ck_assert_int_eq(lines(s, "create 1." V1 "."), 0);
    ck_assert_str_eq(status(s), "UpdatePaused");
    assert_apps(s, "test", "test RollingUpdate 2 1 have not enough resources to launch "
                           "application\n"
                           V1 " RollingUpdate 2 1 have not enough resources to launch "
                           "application");
    ck_assert_int_eq(rollout_engine_resume(e, BCS_NS, "test"), 0);
    ck_assert_str_eq(status(s), "Update");
    ck_assert_int_eq(idle(s, T1 + 7200000), ROLLOUT_SIM_IDLE);
    ck_assert_int_ge(when(s, "create 1." V1 "."), T1 + 3600000);
    assert_apps(s, "test", V1 " Running 2 2 application is running");
    ck_assert_str_eq(status(s), "Running");
    rollout_sim_free(s);
}
END_TEST

/* Cancel between steps: the killed taskgroup comes back, the new
 * application goes, test runs 2 of 2 on the definition it had. */
START_TEST(test_seed_bcs_cancel)
{
    rollout_sim *s = seed_bcs_updating(1, seed("test1-1-1.json", ROLLOUT_DIALECT_BCS));
    rollout_engine *e = rollout_sim_engine(s);
    rollout_deployment *d;
    rollout_spec *spec;
    char *json = NULL;

    run(s, T1 + 30000);
    ck_assert_int_eq(rollout_engine_cancel(e, BCS_NS, "test"), 0);
    ck_assert_int_eq(idle(s, T1 + 3600000), ROLLOUT_SIM_IDLE);
    assert_apps(s, "test", "test Running 2 2 application is running");
    d = dep(s, BCS_NS, "test");
    ck_assert_str_eq(status(s), "Running");
    ck_assert_ptr_null(rollout_deployment_application_ext(d));
    ck_assert_int_eq(lines(s, "gone 0." V1 "."), 1);
    ck_assert_int_eq(rollout_deployment_spec(&spec, d), 0);
    ck_assert_int_eq(rollout_spec_write(&json, spec, ROLLOUT_FORMAT_JSON), 0);
    ck_assert_ptr_nonnull(strstr(json, "xxxxxx:v1.1.0"));
    ck_assert_ptr_null(strstr(json, "xxxxxx:v1.1.1"));
    rollout_free(json);
    rollout_spec_free(spec);
    assert_nodes(s, BCS_NS, "test", NULL, "node1 node2");
    rollout_sim_free(s);
}
END_TEST

/* DeleteFirst: each step kills an old taskgroup, then creates a new one
 * once it is gone, so the nodes never hold more than 2. */
START_TEST(test_seed_bcs_delete_first)
{
    rollout_sim *s = seed_bcs_updating(0.5, seed_update("DeleteFirst", false));

    run(s, T1);
    ck_assert_int_eq(when(s, "delete 1.test."), T1);
    ck_assert_int_eq(lines(s, "create 0." V1 "."), 0);
    assert_apps(s, "test", "test RollingUpdate 2 1 application is abnormal\n"
                           V1 " RollingUpdate 2 0 have not enough resources to launch "
                           "application");
    run(s, T1 + 5000);
    ck_assert_int_eq(when(s, "create 0." V1 "."), T1 + 5000);
    ck_assert_int_eq(idle(s, T1 + 3600000), ROLLOUT_SIM_IDLE);
    /* step 2 began 60 s and 1 ms after step 1's taskgroup was ready */
    ck_assert_int_eq(when(s, "delete 0.test."), T1 + 5000 + 3000 + 60001);
    assert_apps(s, "test", V1 " Running 2 2 application is running");
    ck_assert_int_eq(summary(s, BCS_NS, "test").max_total, 2);
    rollout_sim_free(s);
}
END_TEST

/* rollingManually: every step waits for a resume. */
START_TEST(test_seed_bcs_rolling_manually)
{
    rollout_sim *s = seed_bcs_updating(1, seed_update(NULL, true));
    rollout_engine *e = rollout_sim_engine(s);
    rollout_deployment *d;

    ck_assert_int_eq(idle(s, T1 + 3600000), ROLLOUT_SIM_IDLE);
    d = dep(s, BCS_NS, "test");
    ck_assert_str_eq(status(s), "UpdatePaused");
    ck_assert_str_eq(rollout_deployment_message(d), "rollingupdate paused");
    run(s, T1 + 3600000);
    ck_assert_int_eq(lines(s, "create 1." V1 "."), 0);
    ck_assert_int_eq(rollout_engine_resume(e, BCS_NS, "test"), 0);
    ck_assert_int_eq(idle(s, T1 + 7200000), ROLLOUT_SIM_IDLE);
    ck_assert_int_eq(when(s, "create 1." V1 "."), T1 + 3600000);
    assert_apps(s, "test", V1 " Running 2 2 application is running");
    ck_assert_str_eq(status(s), "Running");
    rollout_sim_free(s);
}
END_TEST

/* Nodes too small for a surge, resumed: a fresh step, which times out
 * again 360 s later; with a node added meanwhile the update completes. */
START_TEST(test_seed_bcs_no_room_resumed)
{
    rollout_sim *s = seed_bcs_updating(0.5, seed("test1-1-1.json", ROLLOUT_DIALECT_BCS));
    rollout_engine *e = rollout_sim_engine(s);
    int64_t resumed;

    ck_assert_int_eq(idle(s, T1 + 3600000), ROLLOUT_SIM_IDLE);
    ck_assert_str_eq(status(s), "UpdateSuspend");
    resumed = rollout_sim_now(s) + 1000;
    run(s, resumed);
    ck_assert_int_eq(rollout_engine_resume(e, BCS_NS, "test"), 0);
    ck_assert_str_eq(status(s), "Update");
    run(s, resumed + 360000);
    ck_assert_str_eq(status(s), "Update");
    ck_assert_int_eq(idle(s, resumed + 3600000), ROLLOUT_SIM_IDLE);
    ck_assert_str_eq(status(s), "UpdateSuspend");
    ck_assert_int_le(rollout_sim_now(s), resumed + 362000);
    /* room at last */
    ck_assert_int_eq(rollout_sim_add_node(s, "node3", 1, 8192), 0);
    ck_assert_int_eq(rollout_engine_resume(e, BCS_NS, "test"), 0);
    ck_assert_int_eq(idle(s, rollout_sim_now(s) + 3600000), ROLLOUT_SIM_IDLE);
    assert_apps(s, "test", V1 " Running 2 2 application is running");
    /* UNIQUE InnerIP: the second goes where the old one it replaced was */
    assert_nodes(s, BCS_NS, "test", NULL, "node2 node3");
    rollout_sim_free(s);
}
END_TEST

/* A standalone application settles when it runs all its taskgroups; one
 * that cannot launch them is retried and never does. */
START_TEST(test_bcs_settles_when_running)
{
    static const char app[] =
        "{\"apiVersion\": \"v4\", \"kind\": \"application\", \"metadata\": {\"name\": "
        "\"web\", \"namespace\": \"" BCS_NS "\"}, \"spec\": {\"instance\": 2, \"template\": "
        "{\"metadata\": {\"labels\": {\"app\": \"web\"}}, \"spec\": {\"containers\": "
        "[{\"image\": \"web:1\", \"resources\": {\"limits\": {\"cpu\": \"1\", "
        "\"memory\": \"64\"}}}]}}}}";
    rollout_sim *s = seed_sim(2, 1);
    rollout_engine *e = rollout_sim_engine(s);
    rollout_spec *spec = parse(app, ROLLOUT_DIALECT_BCS);

    ck_assert_int_eq(rollout_engine_create(e, spec), 0);
    rollout_spec_free(spec);
    ck_assert_int_eq(idle(s, T0 + 3600000), ROLLOUT_SIM_IDLE);
    ck_assert_int_eq(rollout_sim_now(s), T0 + 3000);
    ck_assert_int_eq(summary(s, BCS_NS, "web").finish_ms, T0 + 2000); /* running */

    /* the seed's deployment on nodes already full: Running, its
     * application not, and retried until the limit */
    apply(s, seed("test1-1-0.json", ROLLOUT_DIALECT_BCS));
    ck_assert_int_eq(idle(s, T0 + 600000), ROLLOUT_SIM_LIMIT);
    ck_assert_int_eq(rollout_sim_now(s), T0 + 600000);
    ck_assert_str_eq(status(s), "Running");
    assert_apps(s, "test", "test Abnormal 2 0 have not enough resources to launch "
                           "application");
    ck_assert_int_eq(summary(s, BCS_NS, "test").waves, 0);
    rollout_sim_free(s);
}
END_TEST

/* kubectl apply test1-1-1.yaml whose image never gets ready: the rollout
 * stops at its progress deadline (600 s) with v1 available; undo goes
 * back. */
START_TEST(test_seed_k8s_never_ready_undo)
{
    rollout_sim *s = seed_sim(3, 4);
    rollout_engine *e = rollout_sim_engine(s);
    rollout_deployment *d;
    rollout_sim_summary sum;
    const char *type, *st, *reason;
    char *msg = NULL;
    size_t i;
    int done = 0, outcome = 0;

    apply(s, seed("test1-1-0.yaml", ROLLOUT_DIALECT_KUBERNETES));
    ck_assert_int_eq(idle(s, T0 + 600000), ROLLOUT_SIM_IDLE);
    ck_assert_int_eq(rollout_sim_set_image_fault(s, "hub.docker.com:xxxx/xxxxxx:v1.1.1",
                                                 ROLLOUT_SIM_NEVER_READY, 0), 0);
    run(s, T0 + 60000);
    apply(s, seed("test1-1-1.yaml", ROLLOUT_DIALECT_KUBERNETES));
    ck_assert_int_eq(idle(s, T0 + 3600000), ROLLOUT_SIM_IDLE);
    d = dep(s, NULL, "test");
    ck_assert_int_eq(rollout_status_message(&msg, &done, d), ROLLOUT_EDEADLINE);
    ck_assert_str_eq(msg, "deployment \"test\" exceeded its progress deadline");
    ck_assert(!done);
    rollout_free(msg);
    ck_assert_int_eq(rollout_deployment_find_condition(&i, d, "Progressing"), 0);
    ck_assert_int_eq(rollout_deployment_condition_at(&type, &st, &reason, NULL, NULL, NULL,
                                                     d, i), 0);
    ck_assert_str_eq(st, "False");
    ck_assert_str_eq(reason, "ProgressDeadlineExceeded");
    ck_assert_int_eq(rollout_sim_now(s), T0 + 60000 + 600000 + 1);
    /* v1 stayed available: 2 of 3, never fewer */
    ck_assert_int_eq(rollout_deployment_count(d, ROLLOUT_COUNT_AVAILABLE), 2);
    sum = summary(s, NULL, "test");
    ck_assert_int_eq(sum.min_available, 2);
    ck_assert_int_eq(sum.finish_ms, -1);

    ck_assert_int_eq(rollout_engine_undo(&outcome, e, NULL, "test", 0), 0);
    ck_assert_int_eq(outcome, ROLLOUT_UNDO_ROLLED_BACK);
    ck_assert_int_eq(idle(s, rollout_sim_now(s) + 3600000), ROLLOUT_SIM_IDLE);
    ck_assert(rolled_out(s, "test"));
    ck_assert_int_eq(rollout_deployment_count(d, ROLLOUT_COUNT_AVAILABLE), 3);
    ck_assert_int_eq(in_phase(s, NULL, "test", ROLLOUT_PHASE_RUNNING), 0);
    sum = summary(s, NULL, "test");
    ck_assert_int_ge(sum.min_available, 2);
    ck_assert_int_gt(sum.finish_ms, sum.start_ms);
    rollout_sim_free(s);
}
END_TEST

static Suite *sim_suite(void)
{
    Suite *s = suite_create("sim");
    TCase *tc = tcase_create("sim");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_options);
    tcase_add_test(tc, test_nodes);
    tcase_add_test(tc, test_resources);
    tcase_add_test(tc, test_quantities);
    tcase_add_test(tc, test_limits);
    tcase_add_test(tc, test_node_selector);
    tcase_add_test(tc, test_bcs_resources);
    tcase_add_test(tc, test_unique);
    tcase_add_test(tc, test_unique_per_application);
    tcase_add_test(tc, test_maxper);
    tcase_add_test(tc, test_cluster);
    tcase_add_test(tc, test_like_unlike);
    tcase_add_test(tc, test_like_refused_patterns);
    tcase_add_test(tc, test_groupby);
    tcase_add_test(tc, test_exclude);
    tcase_add_test(tc, test_greater);
    tcase_add_test(tc, test_intersection_union);
    tcase_add_test(tc, test_delays);
    tcase_add_test(tc, test_random_delays);
    tcase_add_test(tc, test_refusals);
    tcase_add_test(tc, test_never_ready);
    tcase_add_test(tc, test_crash);
    tcase_add_test(tc, test_lost_node);
    tcase_add_test(tc, test_lost_unique);
    tcase_add_test(tc, test_manual);
    tcase_add_test(tc, test_run_until_idle);
    tcase_add_test(tc, test_timeline);
    tcase_add_test(tc, test_summary);
    tcase_add_test(tc, test_save_restore);
    tcase_add_test(tc, test_restore_refuses);
    tcase_add_test(tc, test_seed_k8s);
    tcase_add_test(tc, test_seed_bcs);
    tcase_add_test(tc, test_seed_bcs_no_room);
    tcase_add_test(tc, test_seed_bcs_walkthrough);
    tcase_add_test(tc, test_seed_bcs_pause_resume);
    tcase_add_test(tc, test_seed_bcs_cancel);
    tcase_add_test(tc, test_seed_bcs_delete_first);
    tcase_add_test(tc, test_seed_bcs_rolling_manually);
    tcase_add_test(tc, test_seed_bcs_no_room_resumed);
    tcase_add_test(tc, test_seed_k8s_never_ready_undo);
    tcase_add_test(tc, test_bcs_settles_when_running);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(sim_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
