/*
 * rolloutctl: the verbs, and which one runs.
 */
#include <stdio.h>
#include <string.h>

#include "rolloutctl.h"

/* The verbs by family, in the order --help lists them.  delete and scale
 * are in two: the bcs-client forms take -t, kubectl's do not. */
static const ctl_verb *const cluster_verbs[] = {
    &ctl_verb_cluster, &ctl_verb_advance, &ctl_verb_replica, &ctl_verb_plan, NULL,
};

static const ctl_verb *const bcs_verbs[] = {
    &ctl_verb_bcs_create, &ctl_verb_bcs_update, &ctl_verb_bcs_delete,
    &ctl_verb_bcs_pause,  &ctl_verb_bcs_resume, &ctl_verb_bcs_cancel,
    &ctl_verb_bcs_scale,  &ctl_verb_bcs_list,   &ctl_verb_bcs_inspect, NULL,
};

static const ctl_verb *const kubectl_verbs[] = {
    &ctl_verb_kubectl_apply,   &ctl_verb_kubectl_get,   &ctl_verb_kubectl_describe,
    &ctl_verb_kubectl_rollout, &ctl_verb_kubectl_scale, &ctl_verb_kubectl_set,
    &ctl_verb_kubectl_annotate, &ctl_verb_kubectl_delete, NULL,
};

static void list(FILE *f, const char *title, const ctl_verb *const *v)
{
    fprintf(f, "\n%s:\n", title);
    for (; *v; v++)
        fprintf(f, "  %-10s %s\n", (*v)->name, (*v)->summary);
}

static void usage(FILE *f)
{
    fprintf(f, "rolloutctl: rolling upgrades on a simulated cluster, with the verbs of\n"
               "bcs-client and kubectl.\n\n"
               "Usage:\n"
               "  rolloutctl [--state FILE] VERB [ARGS...]\n"
               "  rolloutctl VERB --help\n\n"
               "The cluster lives in FILE, else $ROLLOUT_STATE, else ./rollout-state.json;\n"
               "the first command makes one when there is none.\n");
    list(f, "The cluster", cluster_verbs);
    list(f, "bcs-client (BCS, Mesos mode)", bcs_verbs);
    list(f, "kubectl (Kubernetes)", kubectl_verbs);
    fprintf(f, "\nVersion %s (librollout %s).\n", ROLLOUT_VERSION, rollout_version());
}

static const ctl_verb *find(const ctl_verb *const *v, const char *name)
{
    for (; *v; v++)
        if (strcmp((*v)->name, name) == 0)
            return *v;
    return NULL;
}

/* Whether ARGV holds bcs-client's -t (any of Go's spellings). */
static bool has_type(int argc, char **argv)
{
    int i;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i];

        if (a[0] != '-')
            continue;
        a += a[1] == '-' ? 2 : 1;
        if (strcmp(a, "t") == 0 || strncmp(a, "t=", 2) == 0 || strcmp(a, "type") == 0 ||
            strncmp(a, "type=", 5) == 0)
            return true;
    }
    return false;
}

/* The verb ARGV[0] names: the bcs-client form of delete and scale with
 * -t, kubectl's without. */
static const ctl_verb *pick(int argc, char **argv)
{
    const ctl_verb *bcs = find(bcs_verbs, argv[0]), *k = find(kubectl_verbs, argv[0]);

    if (bcs && k) {
        if (has_type(argc, argv))
            return bcs;
        if (ctl_wants_help(argc, argv)) {
            /* both forms */
            ctl_print_help(bcs);
            printf("\n");
        }
        return k;
    }
    if (bcs || k)
        return bcs ? bcs : k;
    return find(cluster_verbs, argv[0]);
}

int main(int argc, char **argv)
{
    const char *state = NULL;
    const ctl_verb *verb;
    int i = 1;

    /* global options come before the verb */
    while (i < argc && argv[i][0] == '-') {
        const char *s;

        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return CTL_OK;
        }
        if (strcmp(argv[i], "--version") == 0) {
            printf("rolloutctl %s (librollout %s)\n", ROLLOUT_VERSION, rollout_version());
            return CTL_OK;
        }
        if ((s = ctl_option("--state", argc, argv, &i))) {
            if (!*s) {
                fprintf(stderr, "error: --state takes a file\n");
                return CTL_USAGE;
            }
            state = s;
            i++;
            continue;
        }
        fprintf(stderr, "error: unknown option \"%s\"\n", argv[i]);
        usage(stderr);
        return CTL_USAGE;
    }
    if (i >= argc) {
        usage(stderr);
        return CTL_USAGE;
    }
    if ((verb = pick(argc - i, argv + i)))
        return verb->run(ctl_state_path(state), argc - i, argv + i);
    fprintf(stderr, "error: unknown verb \"%s\"\n", argv[i]);
    usage(stderr);
    return CTL_USAGE;
}
