/*
 * rolloutctl: the verbs, and which one runs.
 */
#include <stdio.h>
#include <string.h>

#include "rolloutctl.h"

static const ctl_verb *const verbs[] = {
    &ctl_verb_cluster,
    &ctl_verb_advance,
    &ctl_verb_replica,
    &ctl_verb_plan,
    &ctl_verb_bcs_create,
    &ctl_verb_bcs_update,
    &ctl_verb_bcs_delete,
    &ctl_verb_bcs_pause,
    &ctl_verb_bcs_resume,
    &ctl_verb_bcs_cancel,
    &ctl_verb_bcs_scale,
    &ctl_verb_bcs_list,
    &ctl_verb_bcs_inspect,
    &ctl_verb_kubectl_apply,
    &ctl_verb_kubectl_get,
    &ctl_verb_kubectl_describe,
    &ctl_verb_kubectl_rollout,
    &ctl_verb_kubectl_scale,
    &ctl_verb_kubectl_set,
    &ctl_verb_kubectl_annotate,
    &ctl_verb_kubectl_delete,
};

static void usage(FILE *f)
{
    size_t i;

    fprintf(f, "rolloutctl: rolling upgrades on a simulated cluster, with the verbs of\n"
               "bcs-client and kubectl.\n\n"
               "Usage:\n"
               "  rolloutctl [--state FILE] VERB [ARGS...]\n"
               "  rolloutctl VERB --help\n\n"
               "The cluster lives in FILE, else $ROLLOUT_STATE, else ./rollout-state.json;\n"
               "the first command makes one when there is none.\n\n"
               "Verbs:\n");
    for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
        fprintf(f, "  %-10s %s\n", verbs[i]->name, verbs[i]->summary);
    fprintf(f, "\nVersion %s (librollout %s).\n", ROLLOUT_VERSION, rollout_version());
}

int main(int argc, char **argv)
{
    const char *state = NULL;
    int i = 1;
    size_t v;

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
    for (v = 0; v < sizeof(verbs) / sizeof(verbs[0]); v++)
        if (strcmp(argv[i], verbs[v]->name) == 0)
            return verbs[v]->run(ctl_state_path(state), argc - i, argv + i);
    fprintf(stderr, "error: unknown verb \"%s\"\n", argv[i]);
    usage(stderr);
    return CTL_USAGE;
}
