/*
 * The cluster itself: init, show, advance, and replicas steered by hand.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rolloutctl.h"

#define PREFIX "error: "

const ctl_verb ctl_verb_cluster = {
    "cluster", ctl_cmd_cluster, "Make the simulated cluster, or show it.",
    "Usage:\n"
    "  rolloutctl cluster init [--nodes N] [--cpu C] [--memory MB]\n"
    "                          [--start-delay DURATION|manual] [--ready-delay DURATION]\n"
    "                          [--stop-delay DURATION] [--clock wall|manual] [--speed X]\n"
    "                          [--start UNIX_SECONDS] [--seed N] [--force]\n"
    "  rolloutctl cluster show\n"
    "\n"
    "init makes a new cluster of N nodes (3) named node1, node2, ..., each with C cpus\n"
    "(4) and MB MiB of memory (8192).  A replica the engine asks for starts after the\n"
    "start delay (2s), or waits to be steered with `replica` when it is \"manual\"; it\n"
    "is ready after the ready delay (1s) and gone after the stop delay (1s) once it is\n"
    "deleted.  The wall clock (the default) follows real time times X (1); the manual\n"
    "clock moves only with `advance`.  --start sets the simulated time it begins at\n"
    "(now), --seed the seed of the simulator's randomness (1).  A state that holds a\n"
    "cluster is replaced only with --force.\n"
    "\n"
    "show prints the clock and the nodes: their capacity, what is used, their address\n"
    "and their replicas.\n",
};

const ctl_verb ctl_verb_advance = {
    "advance", ctl_cmd_advance, "Move the simulated clock on.",
    "Usage:\n"
    "  rolloutctl advance DURATION\n"
    "\n"
    "Runs the cluster DURATION (90s, 2m, 1h30m, 500ms) further: replicas start, get\n"
    "ready and go, and the rollouts move on, as they would in that time.  With the\n"
    "wall clock the cluster then stays that far ahead of real time.\n",
};

const ctl_verb ctl_verb_replica = {
    "replica", ctl_cmd_replica, "Steer replicas by hand.",
    "Usage:\n"
    "  rolloutctl replica ready|fail|kill NAME...\n"
    "  rolloutctl replica ready|fail|kill --all\n"
    "  rolloutctl replica ready|fail|kill --rs SET [--count N]\n"
    "\n"
    "ready makes a starting or running replica ready; fail makes it fail (the engine\n"
    "replaces it); kill makes it vanish at once.  NAME is a pod's name or a taskgroup's\n"
    "id; --rs takes the replicas of a replica set or BCS application, at most N of\n"
    "them (all), by name.\n",
};

static int usage(const char *verb, const char *fmt, ...) CTL_PRINTF(2, 3);

static int usage(const char *verb, const char *fmt, ...)
{
    va_list ap;

    fputs(PREFIX, stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nSee 'rolloutctl %s --help'.\n", verb);
    return CTL_USAGE;
}

static bool parse_double(const char *text, double min, double *out)
{
    char *end;
    double v;

    if (!text || !*text)
        return false;
    v = strtod(text, &end);
    if (*end || !(v >= min) || v > 1e12)
        return false;
    *out = v;
    return true;
}

static int cluster_init(const char *state, int argc, char **argv)
{
    ctl_cluster cl = CTL_CLUSTER_DEFAULTS;
    bool force = false;
    long long n;
    ctl c;
    int i, rc;

    for (i = 2; i < argc; i++) {
        const char *v;

        if (strcmp(argv[i], "--force") == 0) {
            force = true;
        } else if ((v = ctl_option("--nodes", argc, argv, &i))) {
            if (!ctl_parse_int(v, 1, 10000, &n))
                return usage("cluster", "--nodes must be a count from 1 to 10000, not \"%s\"", v);
            cl.nodes = (int)n;
        } else if ((v = ctl_option("--cpu", argc, argv, &i))) {
            if (!parse_double(v, 0.001, &cl.cpu))
                return usage("cluster", "--cpu must be a positive number, not \"%s\"", v);
        } else if ((v = ctl_option("--memory", argc, argv, &i))) {
            if (!parse_double(v, 1, &cl.memory_mb))
                return usage("cluster", "--memory must be a number of MiB, not \"%s\"", v);
        } else if ((v = ctl_option("--start-delay", argc, argv, &i))) {
            if (strcmp(v, "manual") == 0)
                cl.start_delay_ms = -1;
            else if (!ctl_parse_duration(v, &cl.start_delay_ms))
                return usage("cluster", "--start-delay must be a duration or \"manual\", not \"%s\"",
                             v);
        } else if ((v = ctl_option("--ready-delay", argc, argv, &i))) {
            if (!ctl_parse_duration(v, &cl.ready_delay_ms))
                return usage("cluster", "--ready-delay must be a duration, not \"%s\"", v);
        } else if ((v = ctl_option("--stop-delay", argc, argv, &i))) {
            if (!ctl_parse_duration(v, &cl.stop_delay_ms))
                return usage("cluster", "--stop-delay must be a duration, not \"%s\"", v);
        } else if ((v = ctl_option("--clock", argc, argv, &i))) {
            if (strcmp(v, "wall") == 0)
                cl.clock = CTL_CLOCK_WALL;
            else if (strcmp(v, "manual") == 0)
                cl.clock = CTL_CLOCK_MANUAL;
            else
                return usage("cluster", "--clock must be \"wall\" or \"manual\", not \"%s\"", v);
        } else if ((v = ctl_option("--speed", argc, argv, &i))) {
            if (!parse_double(v, 1e-6, &cl.speed))
                return usage("cluster", "--speed must be a positive number, not \"%s\"", v);
        } else if ((v = ctl_option("--start", argc, argv, &i))) {
            if (!ctl_parse_int(v, 0, 253402300799LL, &n))
                return usage("cluster", "--start must be a time in unix seconds, not \"%s\"", v);
            cl.start_ms = (int64_t)n * 1000;
        } else if ((v = ctl_option("--seed", argc, argv, &i))) {
            if (!ctl_parse_int(v, 0, LLONG_MAX, &n))
                return usage("cluster", "--seed must be a number, not \"%s\"", v);
            cl.seed = (uint64_t)n;
        } else {
            return usage("cluster", "unknown option \"%s\"", argv[i]);
        }
    }
    if (!force && access(state, F_OK) == 0) {
        ctl_err(PREFIX, "%s already holds a cluster; use --force to replace it", state);
        return CTL_FAIL;
    }
    if ((rc = ctl_init(&c, state, &cl, PREFIX)) != CTL_OK)
        return rc;
    rc = ctl_save(&c, PREFIX);
    if (rc == CTL_OK)
        printf("cluster initialised: %d nodes of %g cpu and %g MiB, %s clock%s\n",
               cl.nodes, cl.cpu, cl.memory_mb,
               cl.clock == CTL_CLOCK_WALL ? "wall" : "manual",
               cl.clock == CTL_CLOCK_WALL && cl.speed != 1 ? " (sped up)" : "");
    ctl_close(&c);
    return rc;
}

/* The replicas placed on NODE, by name. */
static int replicas_on(rollout_engine *e, const char *node)
{
    size_t i, j, k;
    int n = 0;

    for (i = 0; i < rollout_engine_deployment_count(e); i++) {
        rollout_deployment *d = rollout_engine_deployment_at(e, i);

        for (j = 0; j < rollout_deployment_replica_set_count(d); j++) {
            rollout_replica_set *rs = rollout_deployment_replica_set_at(d, j);

            for (k = 0; k < rollout_replica_set_replica_count(rs); k++) {
                const char *on = rollout_replica_node(rollout_replica_set_replica_at(rs, k));

                n += on && strcmp(on, node) == 0;
            }
        }
    }
    return n;
}

static int cluster_show(const char *state)
{
    char now[64], dur[32];
    ctl c;
    size_t i;
    int rc;

    if ((rc = ctl_open(&c, state, PREFIX)) != CTL_OK)
        return rc;
    ctl_format_time(now, sizeof(now), rollout_sim_now(c.sim));
    printf("Clock:  %s", c.cluster.clock == CTL_CLOCK_WALL ? "wall" : "manual");
    if (c.cluster.clock == CTL_CLOCK_WALL)
        printf(" x%g", c.cluster.speed);
    printf(", now %s\n", now);
    if (c.cluster.start_delay_ms < 0) {
        printf("Replicas: wait to be steered");
    } else {
        ctl_format_duration(dur, sizeof(dur), c.cluster.start_delay_ms);
        printf("Replicas: start after %s", dur);
    }
    ctl_format_duration(dur, sizeof(dur), c.cluster.ready_delay_ms);
    printf(", ready after %s", dur);
    ctl_format_duration(dur, sizeof(dur), c.cluster.stop_delay_ms);
    printf(", gone %s after deletion\n", dur);
    printf("%-12s %-16s %-8s %-8s %-12s %-12s %s\n", "NODE", "INNERIP", "CPU", "CPU-USED",
           "MEMORY", "MEMORY-USED", "REPLICAS");
    for (i = 0; i < rollout_sim_node_count(c.sim); i++) {
        const char *name = rollout_sim_node_name(c.sim, i);
        const char *ip = rollout_sim_node_attribute(c.sim, name, "InnerIP");
        double cu = 0, cf = 0, mu = 0, mf = 0;

        rollout_sim_node_usage(&cu, &cf, &mu, &mf, c.sim, name);
        printf("%-12s %-16s %-8g %-8g %-12g %-12g %d\n", name, ip ? ip : "<none>", cu + cf,
               cu, mu + mf, mu, replicas_on(c.engine, name));
    }
    rc = ctl_save(&c, PREFIX);
    ctl_close(&c);
    return rc;
}

int ctl_cmd_cluster(const char *state, int argc, char **argv)
{
    if (ctl_wants_help(argc, argv) || argc < 2) {
        ctl_print_help(&ctl_verb_cluster);
        return argc < 2 ? CTL_USAGE : CTL_OK;
    }
    if (strcmp(argv[1], "init") == 0)
        return cluster_init(state, argc, argv);
    if (strcmp(argv[1], "show") == 0 && argc == 2)
        return cluster_show(state);
    return usage("cluster", "unknown cluster command \"%s\"", argv[1]);
}

int ctl_cmd_advance(const char *state, int argc, char **argv)
{
    char now[64], dur[32];
    int64_t ms;
    ctl c;
    int rc;

    if (ctl_wants_help(argc, argv)) {
        ctl_print_help(&ctl_verb_advance);
        return CTL_OK;
    }
    if (argc != 2 || !ctl_parse_duration(argv[1], &ms)) {
        fprintf(stderr, PREFIX "advance takes one duration (90s, 2m, 1h30m)%s%s%s\n",
                argc > 1 ? ", not \"" : "", argc > 1 ? argv[1] : "", argc > 1 ? "\"" : "");
        return CTL_USAGE;
    }
    if ((rc = ctl_open(&c, state, PREFIX)) != CTL_OK)
        return rc;
    if ((rc = ctl_advance(&c, ms, PREFIX)) == CTL_OK &&
        (rc = ctl_save(&c, PREFIX)) == CTL_OK) {
        ctl_format_duration(dur, sizeof(dur), ms);
        ctl_format_time(now, sizeof(now), rollout_sim_now(c.sim));
        printf("advanced %s to %s\n", dur, now);
    }
    ctl_close(&c);
    return rc;
}

int ctl_cmd_replica(const char *state, int argc, char **argv)
{
    rollout_sim_action action;
    const char *set = NULL;
    bool all = false;
    long long count = 0;
    int i, rc, first = 0;
    size_t n = 0;
    ctl c;

    if (ctl_wants_help(argc, argv)) {
        ctl_print_help(&ctl_verb_replica);
        return CTL_OK;
    }
    if (argc < 3)
        return usage("replica", "replica takes an action (ready, fail, kill) and replicas");
    if (strcmp(argv[1], "ready") == 0)
        action = ROLLOUT_SIM_READY;
    else if (strcmp(argv[1], "fail") == 0)
        action = ROLLOUT_SIM_FAIL;
    else if (strcmp(argv[1], "kill") == 0)
        action = ROLLOUT_SIM_KILL;
    else
        return usage("replica", "unknown replica action \"%s\" (ready, fail, kill)", argv[1]);
    for (i = 2; i < argc; i++) {
        const char *v;

        if (strcmp(argv[i], "--all") == 0) {
            all = true;
        } else if ((v = ctl_option("--rs", argc, argv, &i))) {
            if (!*v)
                return usage("replica", "--rs takes a replica set or application");
            set = v;
        } else if ((v = ctl_option("--count", argc, argv, &i))) {
            if (!ctl_parse_int(v, 1, 1000000, &count))
                return usage("replica", "--count must be a positive count, not \"%s\"", v);
        } else if (argv[i][0] == '-') {
            return usage("replica", "unknown option \"%s\"", argv[i]);
        } else if (!first) {
            first = i;
        }
    }
    if ((first != 0) + all + (set != NULL) != 1 || (count && !set))
        return usage("replica", "name replicas, or give --all, or --rs SET [--count N]");
    if ((rc = ctl_open(&c, state, PREFIX)) != CTL_OK)
        return rc;
    if (first) {
        for (i = first; i < argc && rc == CTL_OK; i++) {
            int r;

            if (argv[i][0] == '-')
                continue;
            r = action == ROLLOUT_SIM_READY  ? rollout_sim_replica_ready(c.sim, argv[i])
                : action == ROLLOUT_SIM_FAIL ? rollout_sim_replica_fail(c.sim, argv[i])
                                             : rollout_sim_replica_kill(c.sim, argv[i]);
            if (r != ROLLOUT_OK) {
                ctl_err(PREFIX, "%s: %s", argv[i], rollout_sim_errmsg(c.sim));
                rc = CTL_FAIL;
            } else {
                printf("replica %s %s\n", argv[i],
                       action == ROLLOUT_SIM_READY  ? "ready"
                       : action == ROLLOUT_SIM_FAIL ? "failed"
                                                    : "killed");
            }
        }
    } else if (rollout_sim_steer(&n, c.sim, action, set, (size_t)count) != ROLLOUT_OK) {
        ctl_err(PREFIX, "%s", rollout_sim_errmsg(c.sim));
        rc = CTL_FAIL;
    } else {
        printf("%zu replica%s %s\n", n, n == 1 ? "" : "s",
               action == ROLLOUT_SIM_READY  ? "ready"
               : action == ROLLOUT_SIM_FAIL ? "failed"
                                            : "killed");
    }
    /* what was done is kept, even when a later name was refused */
    if (ctl_save(&c, PREFIX) != CTL_OK)
        rc = CTL_FAIL;
    ctl_close(&c);
    return rc;
}
