/*
 * kubectl rollout: status (watching the state file), history, pause,
 * resume, undo and restart of a deployment.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kubectl.h"

const ctl_verb ctl_verb_kubectl_rollout = {
    "rollout", ctl_kubectl_rollout, "Manage the rollout of a deployment (kubectl).",
    "Usage:\n"
    "  rolloutctl rollout status deployment/NAME [--watch=false] [--timeout=DURATION]\n"
    "                            [--revision=N] [-n NAMESPACE]\n"
    "  rolloutctl rollout history deployment/NAME [--revision=N] [-n NAMESPACE]\n"
    "  rolloutctl rollout pause deployment/NAME [-n NAMESPACE]\n"
    "  rolloutctl rollout resume deployment/NAME [-n NAMESPACE]\n"
    "  rolloutctl rollout undo deployment/NAME [--to-revision=N] [-n NAMESPACE]\n"
    "  rolloutctl rollout restart deployment/NAME [-n NAMESPACE]\n"
    "\n"
    "The deployment is named as deployment/NAME, deployment NAME, deploy/NAME or\n"
    "deployment.v1.apps/NAME.\n"
    "\n"
    "status prints the rollout's status line, and while it watches (the default) a\n"
    "new line each time it changes, until the rollout is done (exit 0), exceeds its\n"
    "progress deadline (\"error: deployment \"NAME\" exceeded its progress deadline\",\n"
    "exit 1) or --timeout passes in real time (\"error: timed out waiting for the\n"
    "condition\", exit 1; 0, the default, waits for ever).  It reads the cluster\n"
    "about ten times a second (more often when the wall clock is sped up), and\n"
    "leaves it unlocked in between: on the wall clock the cluster moves with real\n"
    "time, on the manual clock only when `rolloutctl advance` runs in another\n"
    "terminal.  Ctrl-C stops it between two reads (exit 130).  --watch=false\n"
    "prints the current line once and exits 0 when the rollout is not done, as\n"
    "kubectl does.  --revision=N refuses to report on another revision than N.\n"
    "\n"
    "history lists the revisions with their change cause (the\n"
    "kubernetes.io/change-cause annotation, set with `rolloutctl annotate`);\n"
    "--revision=N prints the pod template of revision N.\n"
    "\n"
    "pause stops the rollout where it is (template changes start none), resume lets\n"
    "it go on.  undo rolls back to the previous revision, or to revision N; a paused\n"
    "deployment is not rolled back.  restart replaces every pod with a new revision\n"
    "of the same template (one restart per second of simulated time).\n",
};

/* The signal that asks a watcher to stop, 0 until one comes. */
static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    stop_signal = sig;
}

/* Sleeps MS milliseconds of real time, or until a signal asks to stop. */
static void nap(int64_t ms)
{
    struct timespec ts;

    ts.tv_sec = (time_t)(ms / 1000);
    ts.tv_nsec = (long)(ms % 1000) * 1000000L;
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR && !stop_signal)
        ;
}

/* Ctrl-C and kill end a watcher between two reads of the state, never in
 * the middle of saving it. */
static void catch_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

static int status(const char *state, const char *ns, const char *name, bool watch,
                  int64_t timeout_ms, long long revision)
{
    int64_t start = ctl_real_now_ms();
    char *last = NULL;
    bool first = true;
    int rc = CTL_OK;

    if (watch)
        catch_signals();
    for (;;) {
        rollout_deployment *d;
        int64_t interval = 100;
        char *line = NULL;
        int done = 0, r;
        ctl c;

        if ((rc = ctl_open(&c, state, KCTL_ERR)) != CTL_OK)
            break;
        if (c.cluster.clock == CTL_CLOCK_WALL && c.cluster.speed > 1) {
            interval = (int64_t)(100 / c.cluster.speed);
            if (interval < 10)
                interval = 10;
        }
        if (rollout_engine_find_deployment(&d, c.engine, ns, name) != ROLLOUT_OK ||
            !kctl_visible(d)) {
            if (first)
                kctl_not_found(KCTL_DEPLOYMENT, name);
            else
                ctl_err(KCTL_ERR, "object has been deleted");
            rc = CTL_FAIL;
        } else if (revision > 0 &&
                   rollout_deployment_observed_generation(d) >=
                       rollout_deployment_generation(d) &&
                   rollout_deployment_revision(d) != revision) {
            ctl_err(KCTL_ERR, "desired revision (%lld) is different from the running "
                    "revision (%lld)", revision, (long long)rollout_deployment_revision(d));
            rc = CTL_FAIL;
        } else if ((r = rollout_status_message(&line, &done, d)) == ROLLOUT_EDEADLINE) {
            ctl_err(KCTL_ERR, "%s", line);
            rc = CTL_FAIL;
        } else if (r != ROLLOUT_OK) {
            ctl_err(KCTL_ERR, "%s", rollout_strerror(r));
            rc = CTL_FAIL;
        } else if (!last || strcmp(line, last) != 0) {
            printf("%s\n", line);
            fflush(stdout);
            free(last);
            last = strdup(line);
        }
        rollout_free(line);
        first = false;
        if (ctl_save(&c, KCTL_ERR) != CTL_OK)
            rc = CTL_FAIL;
        ctl_close(&c);
        if (rc != CTL_OK || done || !watch)
            break;
        if (stop_signal) {
            rc = 128 + stop_signal; /* as the shell tells a signal's end */
            break;
        }
        if (timeout_ms > 0) {
            int64_t left = start + timeout_ms - ctl_real_now_ms();

            if (left <= 0) {
                ctl_err(KCTL_ERR, "timed out waiting for the condition");
                rc = CTL_FAIL;
                break;
            }
            if (interval > left)
                interval = left;
        }
        nap(interval);
        if (stop_signal) {
            rc = 128 + stop_signal;
            break;
        }
    }
    free(last);
    return rc;
}

static void template_with_cause(json_t *tmpl, const rollout_revision *rev)
{
    const char *cause = rollout_revision_change_cause(rev);
    json_t *meta = json_object_get(tmpl, "metadata"), *anns;

    if (!cause || !*cause || !json_is_object(meta))
        return;
    anns = json_object_get(meta, "annotations");
    if (!json_is_object(anns)) {
        anns = json_object();
        json_object_set_new(meta, "annotations", anns);
    }
    json_object_set_new(anns, "kubernetes.io/change-cause", json_string(cause));
}

static int history(rollout_deployment *d, long long revision)
{
    size_t i, n = rollout_deployment_revision_count(d);
    const char *name = rollout_deployment_name(d);
    ctl_tab *t;

    if (revision > 0) {
        rollout_revision *rev;
        json_t *tmpl;

        if (rollout_deployment_find_revision(&rev, d, revision) != ROLLOUT_OK) {
            ctl_err(KCTL_ERR, "unable to find the specified revision");
            return CTL_FAIL;
        }
        if (!(tmpl = kctl_template_json(rev)) ||
            !(t = ctl_tab_new(KCTL_DESCRIBE_MINWIDTH, KCTL_DESCRIBE_PADDING))) {
            json_decref(tmpl);
            ctl_err(KCTL_ERR, "out of memory");
            return CTL_FAIL;
        }
        template_with_cause(tmpl, rev);
        kctl_describe_pod_template(t, tmpl);
        printf("deployment.apps/%s with revision #%lld\n", name, revision);
        /* kubectl prints the template through no tabwriter: tabs stay */
        ctl_tab_write_raw(t, stdout);
        printf("\n");
        ctl_tab_free(t);
        json_decref(tmpl);
        return CTL_OK;
    }
    printf("deployment.apps/%s \n", name);
    if (n == 0) {
        printf("No rollout history found.\n");
        return CTL_OK;
    }
    if (!(t = ctl_tab_new(KCTL_DESCRIBE_MINWIDTH, KCTL_DESCRIBE_PADDING))) {
        ctl_err(KCTL_ERR, "out of memory");
        return CTL_FAIL;
    }
    ctl_tab_printf(t, "REVISION\tCHANGE-CAUSE\n");
    for (i = 0; i < n; i++) {
        const rollout_revision *rev = rollout_deployment_revision_at(d, i);
        const char *cause = rollout_revision_change_cause(rev);

        ctl_tab_printf(t, "%lld\t%s\n", (long long)rollout_revision_number(rev),
                       cause && *cause ? cause : "<none>");
    }
    ctl_tab_flush(t, stdout);
    ctl_tab_free(t);
    printf("\n");
    return CTL_OK;
}

static int operate(ctl *c, rollout_deployment *d, const char *ns, const char *sub,
                   long long to_revision)
{
    const char *name = rollout_deployment_name(d);
    int64_t generation = rollout_deployment_generation(d);
    int r, outcome = 0;

    if (strcmp(sub, "pause") == 0)
        r = rollout_engine_pause(c->engine, ns, name);
    else if (strcmp(sub, "resume") == 0)
        r = rollout_engine_resume(c->engine, ns, name);
    else if (strcmp(sub, "undo") == 0)
        r = rollout_engine_undo(&outcome, c->engine, ns, name, to_revision);
    else if (rollout_deployment_paused(d)) {
        /* restart: kubectl's own check, worded as its patch errors are */
        ctl_err(KCTL_ERR, "deployments.apps \"%s\" can't restart paused deployment (run "
                "rollout resume first)", name);
        return CTL_FAIL;
    } else {
        r = rollout_engine_restart(c->engine, ns, name);
    }
    if (r != ROLLOUT_OK) {
        ctl_err(KCTL_ERR, "%s", kctl_errmsg(c, r));
        return CTL_FAIL;
    }
    if (strcmp(sub, "pause") == 0 || strcmp(sub, "resume") == 0) {
        printf("deployment.apps/%s %sd\n", name, sub);
    } else if (strcmp(sub, "undo") == 0) {
        if (outcome == ROLLOUT_UNDO_SKIPPED)
            printf("deployment.apps/%s skipped rollback (current template already matches "
                   "revision %lld)\n", name, to_revision);
        else
            printf("deployment.apps/%s rolled back\n", name);
    } else if (rollout_deployment_generation(d) == generation) {
        /* the same second: the same restartedAt, so no change */
        ctl_err(KCTL_ERR, "failed to create patch for %s: if restart has already been "
                "triggered within the past second, please wait before attempting to "
                "trigger another", name);
        return CTL_FAIL;
    } else {
        printf("deployment.apps/%s restarted\n", name);
    }
    return CTL_OK;
}

int ctl_kubectl_rollout(const char *state, int argc, char **argv)
{
    static const char *const subs[] = {"status", "history", "pause", "resume", "undo",
                                       "restart"};
    const char *sub, *ns = NULL, *name;
    long long revision = 0, to_revision = 0;
    int64_t timeout_ms = 0;
    bool watch = true;
    char **pos;
    int a, n_pos = 0, rc = CTL_OK;
    size_t s;
    rollout_deployment *d;
    ctl c;

    if (ctl_wants_help(argc, argv)) {
        ctl_print_help(&ctl_verb_kubectl_rollout);
        return CTL_OK;
    }
    if (argc < 2)
        return kctl_usage("rollout", "rollout takes a command: status, history, pause, "
                          "resume, undo or restart");
    sub = argv[1];
    for (s = 0; s < sizeof(subs) / sizeof(subs[0]); s++)
        if (strcmp(sub, subs[s]) == 0)
            break;
    if (s == sizeof(subs) / sizeof(subs[0]))
        return kctl_usage("rollout", "unknown command \"%s\" for \"rolloutctl rollout\"", sub);
    if (!(pos = calloc((size_t)argc, sizeof(*pos)))) {
        ctl_err(KCTL_ERR, "out of memory");
        return CTL_FAIL;
    }
    for (a = 2; a < argc && rc == CTL_OK; a++) {
        const char *v, *arg = argv[a];
        bool bad = false;
        int f;

        if ((v = kctl_namespace(argc, argv, &a, &bad))) {
            if (bad)
                rc = kctl_usage("rollout", "-n takes a namespace");
            ns = v;
        } else if (strcmp(sub, "status") == 0 &&
                   (f = kctl_bool_flag(arg, "--watch", "-w", &watch))) {
            if (f < 0)
                rc = kctl_usage("rollout", "--watch takes true or false, not \"%s\"", arg);
        } else if (strcmp(sub, "status") == 0 &&
                   (v = ctl_option("--timeout", argc, argv, &a))) {
            if (!ctl_parse_duration(v, &timeout_ms))
                rc = kctl_usage("rollout", "--timeout takes a duration (30s, 5m), not \"%s\"", v);
        } else if ((strcmp(sub, "status") == 0 || strcmp(sub, "history") == 0) &&
                   (v = ctl_option("--revision", argc, argv, &a))) {
            if (!ctl_parse_int(v, 0, INT64_MAX, &revision))
                rc = kctl_usage("rollout", "--revision takes a revision number, not \"%s\"", v);
        } else if (strcmp(sub, "undo") == 0 &&
                   (v = ctl_option("--to-revision", argc, argv, &a))) {
            if (!ctl_parse_int(v, 0, INT64_MAX, &to_revision))
                rc = kctl_usage("rollout", "--to-revision takes a revision number, not \"%s\"", v);
        } else if (arg[0] == '-') {
            rc = kctl_usage("rollout", "unknown flag: %s", arg);
        } else {
            pos[n_pos++] = argv[a];
        }
    }
    if (rc == CTL_OK)
        rc = kctl_deployment_target(&name, "rollout", pos, n_pos);
    free(pos);
    if (rc != CTL_OK)
        return rc;
    if (strcmp(sub, "status") == 0)
        return status(state, ns, name, watch, timeout_ms, revision);
    if ((rc = ctl_open(&c, state, KCTL_ERR)) != CTL_OK)
        return rc;
    if ((rc = kctl_find(&d, &c, ns, name)) == CTL_OK)
        rc = strcmp(sub, "history") == 0 ? history(d, revision)
                                         : operate(&c, d, ns, sub, to_revision);
    if (ctl_save(&c, KCTL_ERR) != CTL_OK)
        rc = CTL_FAIL;
    ctl_close(&c);
    return rc;
}
