/*
 * The kubectl verbs: what they share (resource types, lookups, kubectl's
 * errors), and apply, scale, delete, set image and annotate.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kubectl.h"

const ctl_verb ctl_verb_kubectl_apply = {
    "apply", ctl_kubectl_apply, "Create or update deployments from manifests (kubectl).",
    "Usage:\n"
    "  rolloutctl apply -f FILE|DIRECTORY [-f ...] [-n NAMESPACE]\n"
    "\n"
    "Reads every document of each FILE (\"-\": standard input; a DIRECTORY: its\n"
    ".json, .yaml and .yml files, by name), Kubernetes apps/v1 Deployments in YAML\n"
    "or JSON, and creates or updates each deployment, printing deployment.apps/NAME\n"
    "created, configured or unchanged.  Nothing is applied when a file cannot be\n"
    "read; a document of another kind (a BCS deployment) is refused with its place\n"
    "in the file.  A document without a namespace goes to NAMESPACE\n"
    "(default \"default\"); one whose namespace differs from an explicit -n is refused,\n"
    "as kubectl does (a document that says \"default\" counts as having none).\n"
    "\n"
    "A paused deployment stays paused, as kubectl apply keeps what rollout pause set:\n"
    "the new template waits for `rolloutctl rollout resume`.  Other fields are\n"
    "replaced by the manifest's (or their defaults).\n",
};

const ctl_verb ctl_verb_kubectl_scale = {
    "scale", ctl_kubectl_scale, "Set the replicas of a deployment (kubectl).",
    "Usage:\n"
    "  rolloutctl scale deployment/NAME --replicas=N [-n NAMESPACE]\n"
    "  rolloutctl scale deployment NAME... --replicas=N [-n NAMESPACE]\n"
    "\n"
    "Sets spec.replicas; a rollout in flight is scaled proportionally.  Prints\n"
    "deployment.apps/NAME scaled.  --current-replicas=M refuses the change unless\n"
    "the deployment has M replicas now.\n",
};

const ctl_verb ctl_verb_kubectl_delete = {
    "delete", ctl_kubectl_delete, "Delete deployments (kubectl).",
    "Usage:\n"
    "  rolloutctl delete deployment NAME... [-n NAMESPACE]\n"
    "  rolloutctl delete deployment/NAME... [-n NAMESPACE]\n"
    "\n"
    "Deletes each deployment: it is gone for kubectl's verbs at once, and its pods\n"
    "terminate (get pods shows them Terminating until they are gone).  Prints\n"
    "deployment.apps \"NAME\" deleted.\n",
};

const ctl_verb ctl_verb_kubectl_set = {
    "set", ctl_kubectl_set, "Set the images of a deployment's containers (kubectl).",
    "Usage:\n"
    "  rolloutctl set image deployment/NAME CONTAINER=IMAGE... [-n NAMESPACE]\n"
    "  rolloutctl set image deployment NAME CONTAINER=IMAGE... [-n NAMESPACE]\n"
    "\n"
    "Changes the image of each CONTAINER of the pod template (\"*\": of every\n"
    "container), which starts a rollout, and prints deployment.apps/NAME image\n"
    "updated; nothing is printed when the images are the ones set already.  An\n"
    "unknown container is an error, after the others were set.\n",
};

const ctl_verb ctl_verb_kubectl_annotate = {
    "annotate", ctl_kubectl_annotate, "Annotate a deployment (kubectl).",
    "Usage:\n"
    "  rolloutctl annotate deployment/NAME KEY=VALUE... [KEY-...] [--overwrite]\n"
    "                      [-n NAMESPACE]\n"
    "  rolloutctl annotate deployment NAME KEY=VALUE... [KEY-...] [--overwrite]\n"
    "\n"
    "Sets (KEY=VALUE) or removes (KEY-) annotations of the deployment and prints\n"
    "deployment.apps/NAME annotated.  A key that has another value already is\n"
    "changed with --overwrite only, except kubernetes.io/change-cause, which kubectl\n"
    "always lets through: the change cause of the running revision, that rollout\n"
    "history shows.\n",
};

/* Resource types. */

static const struct {
    const char *word;
    kctl_kind kind;
} kinds[] = {
    {"deployment", KCTL_DEPLOYMENT},   {"deployments", KCTL_DEPLOYMENT},
    {"deploy", KCTL_DEPLOYMENT},       {"deployment.apps", KCTL_DEPLOYMENT},
    {"deployments.apps", KCTL_DEPLOYMENT}, {"deployment.v1.apps", KCTL_DEPLOYMENT},
    {"deployments.v1.apps", KCTL_DEPLOYMENT}, {"replicaset", KCTL_REPLICASET},
    {"replicasets", KCTL_REPLICASET},  {"rs", KCTL_REPLICASET},
    {"replicaset.apps", KCTL_REPLICASET}, {"replicasets.apps", KCTL_REPLICASET},
    {"replicaset.v1.apps", KCTL_REPLICASET}, {"replicasets.v1.apps", KCTL_REPLICASET},
    {"pod", KCTL_POD},                 {"pods", KCTL_POD},
    {"po", KCTL_POD},                  {"pod.v1.", KCTL_POD},
    {"pods.v1.", KCTL_POD},
};

bool kctl_kind_parse(const char *word, kctl_kind *out)
{
    size_t i;

    for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
        if (strcmp(word, kinds[i].word) == 0) {
            *out = kinds[i].kind;
            return true;
        }
    return false;
}

const char *kctl_kind_resource(kctl_kind kind)
{
    return kind == KCTL_DEPLOYMENT   ? "deployments.apps"
           : kind == KCTL_REPLICASET ? "replicasets.apps"
                                     : "pods";
}

const char *kctl_kind_name(kctl_kind kind)
{
    return kind == KCTL_DEPLOYMENT   ? "deployment.apps"
           : kind == KCTL_REPLICASET ? "replicaset.apps"
                                     : "pod";
}

int kctl_usage(const char *verb, const char *fmt, ...)
{
    va_list ap;

    fputs(KCTL_ERR, stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nSee 'rolloutctl %s --help'.\n", verb);
    return CTL_USAGE;
}

void kctl_not_found(kctl_kind kind, const char *name)
{
    fprintf(stderr, "Error from server (NotFound): %s \"%s\" not found\n",
            kctl_kind_resource(kind), name);
}

bool kctl_visible(const rollout_deployment *d)
{
    return rollout_deployment_dialect(d) == ROLLOUT_DIALECT_KUBERNETES &&
           rollout_deployment_kind(d) == ROLLOUT_KIND_DEPLOYMENT &&
           !rollout_deployment_deleting(d);
}

int kctl_find(rollout_deployment **out, ctl *c, const char *ns, const char *name)
{
    if (rollout_engine_find_deployment(out, c->engine, ns, name) != ROLLOUT_OK ||
        !kctl_visible(*out)) {
        *out = NULL;
        kctl_not_found(KCTL_DEPLOYMENT, name);
        return CTL_FAIL;
    }
    return CTL_OK;
}

const char *kctl_namespace(int argc, char **argv, int *i, bool *bad)
{
    const char *v = ctl_option("-n", argc, argv, i);

    if (!v)
        v = ctl_option("--namespace", argc, argv, i);
    if (v && !*v)
        *bad = true;
    return v;
}

int kctl_bool_flag(const char *arg, const char *name, const char *alias, bool *value)
{
    const char *names[2] = {name, alias};
    size_t i, n;

    for (i = 0; i < 2; i++) {
        if (!names[i])
            continue;
        n = strlen(names[i]);
        if (strncmp(arg, names[i], n) != 0)
            continue;
        if (arg[n] == '\0') {
            *value = true;
            return 1;
        }
        if (arg[n] != '=')
            continue;
        if (strcmp(arg + n + 1, "true") == 0 || strcmp(arg + n + 1, "1") == 0) {
            *value = true;
            return 1;
        }
        if (strcmp(arg + n + 1, "false") == 0 || strcmp(arg + n + 1, "0") == 0) {
            *value = false;
            return 1;
        }
        return -1;
    }
    return 0;
}

int kctl_deployment_target(const char **name, const char *verb, char **pos, int n)
{
    const char *slash;
    kctl_kind kind;
    char type[64];

    *name = NULL;
    if (n == 0)
        return kctl_usage(verb, "name a deployment: deployment/NAME or deployment NAME");
    slash = strchr(pos[0], '/');
    if (slash) {
        size_t len = (size_t)(slash - pos[0]);

        if (len >= sizeof(type))
            len = sizeof(type) - 1;
        memcpy(type, pos[0], len);
        type[len] = '\0';
        if (n > 1)
            return kctl_usage(verb, "there is no need to specify a resource type as a "
                              "separate argument when passing arguments in "
                              "resource/name form (e.g. 'rolloutctl %s "
                              "resource/name' instead of 'rolloutctl %s resource "
                              "resource/name'", verb, verb);
        *name = slash + 1;
    } else {
        snprintf(type, sizeof(type), "%s", pos[0]);
        if (n != 2)
            return kctl_usage(verb, n == 1 ? "name a deployment: deployment/NAME or "
                                             "deployment NAME"
                                           : "one deployment at a time");
        *name = pos[1];
    }
    if (!kctl_kind_parse(type, &kind)) {
        ctl_err(KCTL_ERR, "the server doesn't have a resource type \"%s\"", type);
        return CTL_FAIL;
    }
    if (kind != KCTL_DEPLOYMENT)
        return kctl_usage(verb, "%s works on deployments only, not %s", verb,
                          kctl_kind_resource(kind));
    if (!**name)
        return kctl_usage(verb, "name a deployment: deployment/NAME or deployment NAME");
    return CTL_OK;
}

const char *kctl_errmsg(ctl *c, int rc)
{
    const char *m = rollout_engine_errmsg(c->engine);

    return m && *m ? m : rollout_strerror(rc);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

const char **kctl_sorted_keys(const json_t *obj, size_t *n)
{
    const char **keys, *k;
    json_t *v;
    size_t i = 0;

    *n = json_is_object(obj) ? json_object_size(obj) : 0;
    keys = malloc((*n ? *n : 1) * sizeof(*keys));
    if (!keys) {
        *n = 0;
        return NULL;
    }
    if (*n) {
        json_object_foreach((json_t *)obj, k, v)
            keys[i++] = k;
        qsort(keys, *n, sizeof(*keys), cmp_str);
    }
    return keys;
}

static const char *str_or_empty(const json_t *v)
{
    const char *s = json_string_value(v);

    return s ? s : "";
}

char *kctl_format_labels(const json_t *labels)
{
    size_t n, i, len = 1;
    const char **keys = kctl_sorted_keys(labels, &n);
    char *s;

    if (!keys)
        return NULL;
    for (i = 0; i < n; i++)
        len += strlen(keys[i]) + 2 + strlen(str_or_empty(json_object_get(labels, keys[i])));
    if ((s = malloc(len))) {
        s[0] = '\0';
        for (i = 0; i < n; i++) {
            if (i)
                strcat(s, ",");
            strcat(s, keys[i]);
            strcat(s, "=");
            strcat(s, str_or_empty(json_object_get(labels, keys[i])));
        }
    }
    free(keys);
    return s;
}

json_t *kctl_deployment_json(const rollout_deployment *d)
{
    rollout_spec *spec = NULL;
    char *text = NULL;
    json_t *j = NULL;

    if (rollout_deployment_spec(&spec, d) == ROLLOUT_OK &&
        rollout_spec_write(&text, spec, ROLLOUT_FORMAT_JSON) == ROLLOUT_OK)
        j = json_loads(text, 0, NULL);
    rollout_free(text);
    rollout_spec_free(spec);
    return j;
}

json_t *kctl_template_json(const rollout_revision *rev)
{
    const char *text = rollout_revision_template(rev);
    json_t *j = text ? json_loads(text, 0, NULL) : NULL, *meta, *labels;

    if (!json_is_object(j)) {
        json_decref(j);
        return NULL;
    }
    meta = json_object_get(j, "metadata");
    if (!json_is_object(meta)) {
        meta = json_object();
        json_object_set_new(j, "metadata", meta);
    }
    labels = json_object_get(meta, "labels");
    if (!json_is_object(labels)) {
        labels = json_object();
        json_object_set_new(meta, "labels", labels);
    }
    json_object_set_new(labels, "pod-template-hash",
                        json_string(rollout_revision_hash(rev)));
    return j;
}

/* apply */

typedef struct {
    char *path;
    bool owned; /* a file of a directory: PATH was allocated */
    rollout_manifest *m;
} input;

typedef struct {
    input *items;
    size_t n, cap;
} inputs;

static bool add_input(inputs *in, char *path, bool owned)
{
    if (in->n == in->cap) {
        size_t cap = in->cap ? in->cap * 2 : 8;
        input *p = realloc(in->items, cap * sizeof(*p));

        if (!p)
            return false;
        in->items = p;
        in->cap = cap;
    }
    in->items[in->n].path = path;
    in->items[in->n].owned = owned;
    in->items[in->n++].m = NULL;
    return true;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool manifest_name(const char *name)
{
    static const char *const exts[] = {".json", ".yaml", ".yml"};
    size_t n = strlen(name), i;

    for (i = 0; i < 3; i++)
        if (n > strlen(exts[i]) && strcmp(name + n - strlen(exts[i]), exts[i]) == 0)
            return true;
    return false;
}

/* The files of directory DIR that kubectl reads (.json, .yaml, .yml), in
 * the order of their names. */
static int add_directory(inputs *in, const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, cap = 0, i;
    int rc = CTL_OK;

    if (!d) {
        ctl_err(KCTL_ERR, "%s: %s", dir, strerror(errno));
        return CTL_FAIL;
    }
    while ((e = readdir(d))) {
        char *path;
        struct stat st;

        if (!manifest_name(e->d_name))
            continue;
        if (!(path = malloc(strlen(dir) + strlen(e->d_name) + 2)))
            break;
        sprintf(path, "%s/%s", dir, e->d_name);
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
            free(path);
            continue;
        }
        if (n == cap) {
            char **p = realloc(names, (cap = cap ? cap * 2 : 16) * sizeof(*p));

            if (!p) {
                free(path);
                break;
            }
            names = p;
        }
        names[n++] = path;
    }
    closedir(d);
    if (e) {
        ctl_err(KCTL_ERR, "out of memory");
        rc = CTL_FAIL;
    }
    if (n > 1)
        qsort(names, n, sizeof(*names), cmp_name);
    for (i = 0; i < n; i++) {
        if (rc == CTL_OK && add_input(in, names[i], true))
            continue;
        if (rc == CTL_OK)
            ctl_err(KCTL_ERR, "out of memory");
        rc = CTL_FAIL;
        free(names[i]);
    }
    free(names);
    return rc;
}

/* SPEC moved to NS: written out, the namespace changed, read back. */
static int move_to_namespace(rollout_spec **out, const rollout_spec *spec, const char *ns)
{
    rollout_parse_error err;
    char *text = NULL, *moved = NULL;
    json_t *j = NULL;
    int rc;

    *out = NULL;
    rc = rollout_spec_write(&text, spec, ROLLOUT_FORMAT_JSON);
    if (rc == ROLLOUT_OK && (j = json_loads(text, 0, NULL)) &&
        json_is_object(json_object_get(j, "metadata")) &&
        json_object_set_new(json_object_get(j, "metadata"), "namespace",
                            json_string(ns)) == 0 &&
        (moved = json_dumps(j, JSON_INDENT(4) | JSON_SORT_KEYS)))
        rc = rollout_spec_parse(out, moved, strlen(moved), NULL, ROLLOUT_DIALECT_KUBERNETES,
                                &err);
    else if (rc == ROLLOUT_OK)
        rc = ROLLOUT_ENOMEM;
    if (rc == ROLLOUT_EPARSE) {
        /* the place would be in the text written here: the field says it */
        ctl_err(KCTL_ERR, "%s%s%s", err.path, err.path[0] ? ": " : "", err.text);
    } else if (rc != ROLLOUT_OK) {
        ctl_err(KCTL_ERR, "%s", rollout_strerror(rc));
    }
    rollout_free(text);
    free(moved);
    json_decref(j);
    return rc == ROLLOUT_OK ? CTL_OK : CTL_FAIL;
}

/* Whether SPEC pauses its deployment (written only when it does). */
static bool spec_paused(const rollout_spec *spec)
{
    char *text = NULL;
    json_t *j = NULL;
    bool paused = false;

    if (rollout_spec_write(&text, spec, ROLLOUT_FORMAT_JSON) == ROLLOUT_OK &&
        (j = json_loads(text, 0, NULL)))
        paused = json_is_true(json_object_get(json_object_get(j, "spec"), "paused"));
    json_decref(j);
    rollout_free(text);
    return paused;
}

static int apply_one(ctl *c, const rollout_spec *given, const char *ns, const char *path)
{
    static const char *const outcomes[] = {"", "created", "configured", "unchanged"};
    const char *name = rollout_spec_name(given), *own = rollout_spec_namespace(given);
    rollout_spec *moved = NULL;
    const rollout_spec *spec = given;
    rollout_deployment *d;
    char *msg = NULL;
    int outcome = 0, rc;

    if (ns && strcmp(own, ns) != 0) {
        if (strcmp(own, "default") != 0) {
            ctl_err(KCTL_ERR, "the namespace from the provided object \"%s\" does not "
                    "match the namespace \"%s\". You must pass '--namespace=%s' to "
                    "perform this operation.", own, ns, own);
            return CTL_FAIL;
        }
        if (move_to_namespace(&moved, given, ns) != CTL_OK)
            return CTL_FAIL;
        spec = moved;
    }
    /* kubectl apply merges: a deployment that rollout pause paused stays
     * paused, the manifest not saying otherwise (the library's apply
     * replaces the whole spec) */
    if (rollout_engine_find_deployment(&d, c->engine, rollout_spec_namespace(spec), name) ==
            ROLLOUT_OK &&
        kctl_visible(d) && rollout_deployment_paused(d) && !spec_paused(spec)) {
        rollout_spec *copy = NULL;

        if (rollout_spec_dup(&copy, spec) != ROLLOUT_OK ||
            rollout_spec_set_paused(copy, 1) != ROLLOUT_OK) {
            rollout_spec_free(copy);
            rollout_spec_free(moved);
            ctl_err(KCTL_ERR, "out of memory");
            return CTL_FAIL;
        }
        rollout_spec_free(moved);
        spec = moved = copy;
    }
    rc = rollout_engine_apply(&outcome, c->engine, spec);
    /* the message, before a lookup replaces it */
    if (rc != ROLLOUT_OK && !(msg = strdup(kctl_errmsg(c, rc)))) {
        ctl_err(KCTL_ERR, "out of memory");
    } else if (rc == ROLLOUT_EEXIST &&
               rollout_engine_find_deployment(&d, c->engine, rollout_spec_namespace(spec),
                                              name) == ROLLOUT_OK &&
               rollout_deployment_deleting(d)) {
        fprintf(stderr, "Error from server (AlreadyExists): error when creating \"%s\": "
                "%s\n", path, msg);
    } else if (rc != ROLLOUT_OK) {
        ctl_err(KCTL_ERR, "%s", msg);
    } else {
        printf("deployment.apps/%s %s\n", name,
               outcome >= 1 && outcome <= 3 ? outcomes[outcome] : "configured");
    }
    free(msg);
    rollout_spec_free(moved);
    return rc == ROLLOUT_OK ? CTL_OK : CTL_FAIL;
}

int ctl_kubectl_apply(const char *state, int argc, char **argv)
{
    inputs in = {NULL, 0, 0};
    const char *ns = NULL;
    size_t i, j, docs = 0;
    bool files = false;
    int a, rc = CTL_OK;
    ctl c;

    if (ctl_wants_help(argc, argv)) {
        ctl_print_help(&ctl_verb_kubectl_apply);
        return CTL_OK;
    }
    for (a = 1; a < argc && rc == CTL_OK; a++) {
        const char *v;
        bool bad = false;
        struct stat st;

        if ((v = ctl_option("-f", argc, argv, &a)) ||
            (v = ctl_option("--filename", argc, argv, &a))) {
            files = true;
            if (!*v) {
                rc = kctl_usage("apply", "-f takes a file (\"-\": standard input)");
            } else if (strcmp(v, "-") != 0 && stat(v, &st) != 0) {
                ctl_err(KCTL_ERR, "the path \"%s\" does not exist", v);
                rc = CTL_FAIL;
            } else if (strcmp(v, "-") != 0 && S_ISDIR(st.st_mode)) {
                rc = add_directory(&in, v);
            } else if (!add_input(&in, (char *)v, false)) {
                ctl_err(KCTL_ERR, "out of memory");
                rc = CTL_FAIL;
            }
        } else if ((v = kctl_namespace(argc, argv, &a, &bad))) {
            if (bad)
                rc = kctl_usage("apply", "-n takes a namespace");
            ns = v;
        } else if (argv[a][0] == '-') {
            rc = kctl_usage("apply", "unknown flag: %s", argv[a]);
        } else {
            rc = kctl_usage("apply", "unexpected argument \"%s\": files are given with -f",
                            argv[a]);
        }
    }
    if (rc == CTL_OK && !files)
        rc = kctl_usage("apply", "must specify one of -f and -k");
    /* every file is read before anything is applied */
    for (i = 0; i < in.n && rc == CTL_OK; i++) {
        rc = ctl_read_manifest(&in.items[i].m, in.items[i].path, ROLLOUT_DIALECT_KUBERNETES,
                               KCTL_ERR);
        if (rc == CTL_OK)
            docs += rollout_manifest_count(in.items[i].m);
    }
    if (rc == CTL_OK && docs == 0) {
        ctl_err(KCTL_ERR, "no objects passed to apply");
        rc = CTL_FAIL;
    }
    if (rc == CTL_OK && (rc = ctl_open(&c, state, KCTL_ERR)) == CTL_OK) {
        for (i = 0; i < in.n; i++)
            for (j = 0; j < rollout_manifest_count(in.items[i].m); j++)
                if (apply_one(&c, rollout_manifest_spec(in.items[i].m, j), ns,
                              strcmp(in.items[i].path, "-") == 0 ? "STDIN"
                                                                 : in.items[i].path) != CTL_OK)
                    rc = CTL_FAIL;
        if (ctl_save(&c, KCTL_ERR) != CTL_OK)
            rc = CTL_FAIL;
        ctl_close(&c);
    }
    for (i = 0; i < in.n; i++) {
        rollout_manifest_free(in.items[i].m);
        if (in.items[i].owned)
            free(in.items[i].path);
    }
    free(in.items);
    return rc;
}

/* scale */

/* The deployments named as TYPE/NAME... or TYPE NAME... in POS[0..N). */
static int deployment_names(const char ***names, size_t *count, const char *verb,
                            char **pos, int n)
{
    kctl_kind kind;
    int i;

    *names = NULL;
    *count = 0;
    if (n == 0)
        return kctl_usage(verb, "name a deployment: deployment/NAME or deployment NAME");
    if (!(*names = calloc((size_t)n, sizeof(**names)))) {
        ctl_err(KCTL_ERR, "out of memory");
        return CTL_FAIL;
    }
    if (!strchr(pos[0], '/')) {
        if (!kctl_kind_parse(pos[0], &kind)) {
            ctl_err(KCTL_ERR, "the server doesn't have a resource type \"%s\"", pos[0]);
            return CTL_FAIL;
        }
        if (kind != KCTL_DEPLOYMENT)
            return kctl_usage(verb, "%s works on deployments only, not %s", verb,
                              kctl_kind_resource(kind));
        if (n == 1)
            return kctl_usage(verb, "name a deployment: deployment/NAME or "
                              "deployment NAME");
        for (i = 1; i < n; i++) {
            if (strchr(pos[i], '/'))
                return kctl_usage(verb, "there is no need to specify a resource type "
                                  "as a separate argument when passing arguments in "
                                  "resource/name form");
            (*names)[(*count)++] = pos[i];
        }
        return CTL_OK;
    }
    for (i = 0; i < n; i++) {
        const char *slash = strchr(pos[i], '/');
        char type[64];
        size_t len;

        if (!slash)
            return kctl_usage(verb, "arguments in resource/name form must have a single "
                              "resource and name");
        len = (size_t)(slash - pos[i]);
        snprintf(type, sizeof(type), "%.*s", (int)(len < 63 ? len : 63), pos[i]);
        if (!kctl_kind_parse(type, &kind)) {
            ctl_err(KCTL_ERR, "the server doesn't have a resource type \"%s\"", type);
            return CTL_FAIL;
        }
        if (kind != KCTL_DEPLOYMENT)
            return kctl_usage(verb, "%s works on deployments only, not %s", verb,
                              kctl_kind_resource(kind));
        if (!slash[1])
            return kctl_usage(verb, "arguments in resource/name form must have a single "
                              "resource and name");
        (*names)[(*count)++] = slash + 1;
    }
    return CTL_OK;
}

int ctl_kubectl_scale(const char *state, int argc, char **argv)
{
    const char *ns = NULL, **names = NULL;
    long long replicas = -1, current = -1;
    char **pos;
    size_t n_names, i;
    int a, n_pos = 0, rc = CTL_OK;
    ctl c;

    if (ctl_wants_help(argc, argv)) {
        ctl_print_help(&ctl_verb_kubectl_scale);
        return CTL_OK;
    }
    if (!(pos = calloc((size_t)argc, sizeof(*pos)))) {
        ctl_err(KCTL_ERR, "out of memory");
        return CTL_FAIL;
    }
    for (a = 1; a < argc && rc == CTL_OK; a++) {
        const char *v;
        bool bad = false;

        if ((v = ctl_option("--replicas", argc, argv, &a))) {
            if (!ctl_parse_int(v, 0, INT32_MAX, &replicas))
                rc = kctl_usage("scale", "The --replicas=COUNT flag is required, and COUNT "
                                "must be greater than or equal to 0");
        } else if ((v = ctl_option("--current-replicas", argc, argv, &a))) {
            if (!ctl_parse_int(v, -1, INT32_MAX, &current))
                rc = kctl_usage("scale", "--current-replicas takes a count, not \"%s\"", v);
        } else if ((v = kctl_namespace(argc, argv, &a, &bad))) {
            if (bad)
                rc = kctl_usage("scale", "-n takes a namespace");
            ns = v;
        } else if (argv[a][0] == '-') {
            rc = kctl_usage("scale", "unknown flag: %s", argv[a]);
        } else {
            pos[n_pos++] = argv[a];
        }
    }
    if (rc == CTL_OK && replicas < 0)
        rc = kctl_usage("scale", "The --replicas=COUNT flag is required, and COUNT must "
                        "be greater than or equal to 0");
    if (rc == CTL_OK)
        rc = deployment_names(&names, &n_names, "scale", pos, n_pos);
    if (rc == CTL_OK && (rc = ctl_open(&c, state, KCTL_ERR)) == CTL_OK) {
        for (i = 0; i < n_names; i++) {
            rollout_deployment *d;
            int r;

            if (kctl_find(&d, &c, ns, names[i]) != CTL_OK) {
                rc = CTL_FAIL;
                continue;
            }
            if (current >= 0 &&
                rollout_deployment_count(d, ROLLOUT_COUNT_DESIRED) != current) {
                ctl_err(KCTL_ERR, "Expected replicas to be %lld, was %d", current,
                        (int)rollout_deployment_count(d, ROLLOUT_COUNT_DESIRED));
                rc = CTL_FAIL;
                continue;
            }
            r = rollout_engine_scale(c.engine, ns, names[i], (int32_t)replicas);
            if (r != ROLLOUT_OK) {
                ctl_err(KCTL_ERR, "%s", kctl_errmsg(&c, r));
                rc = CTL_FAIL;
            } else {
                printf("deployment.apps/%s scaled\n", names[i]);
            }
        }
        if (ctl_save(&c, KCTL_ERR) != CTL_OK)
            rc = CTL_FAIL;
        ctl_close(&c);
    }
    free(names);
    free(pos);
    return rc;
}

/* delete */

int ctl_kubectl_delete(const char *state, int argc, char **argv)
{
    const char *ns = NULL, **names = NULL;
    char **pos;
    size_t n_names, i;
    int a, n_pos = 0, rc = CTL_OK;
    ctl c;

    if (ctl_wants_help(argc, argv)) {
        ctl_print_help(&ctl_verb_kubectl_delete);
        return CTL_OK;
    }
    if (!(pos = calloc((size_t)argc, sizeof(*pos)))) {
        ctl_err(KCTL_ERR, "out of memory");
        return CTL_FAIL;
    }
    for (a = 1; a < argc && rc == CTL_OK; a++) {
        const char *v;
        bool bad = false;

        if ((v = kctl_namespace(argc, argv, &a, &bad))) {
            if (bad)
                rc = kctl_usage("delete", "-n takes a namespace");
            ns = v;
        } else if (argv[a][0] == '-') {
            rc = kctl_usage("delete", "unknown flag: %s", argv[a]);
        } else {
            pos[n_pos++] = argv[a];
        }
    }
    if (rc == CTL_OK)
        rc = deployment_names(&names, &n_names, "delete", pos, n_pos);
    if (rc == CTL_OK && (rc = ctl_open(&c, state, KCTL_ERR)) == CTL_OK) {
        for (i = 0; i < n_names; i++) {
            rollout_deployment *d;
            int r;

            if (kctl_find(&d, &c, ns, names[i]) != CTL_OK) {
                rc = CTL_FAIL;
                continue;
            }
            if ((r = rollout_engine_delete(c.engine, ns, names[i])) != ROLLOUT_OK) {
                ctl_err(KCTL_ERR, "%s", kctl_errmsg(&c, r));
                rc = CTL_FAIL;
            } else {
                printf("deployment.apps \"%s\" deleted\n", names[i]);
            }
        }
        if (ctl_save(&c, KCTL_ERR) != CTL_OK)
            rc = CTL_FAIL;
        ctl_close(&c);
    }
    free(names);
    free(pos);
    return rc;
}

/* set image */

/* The names of the containers of SPEC's template. */
static json_t *container_names(const rollout_spec *spec)
{
    char *text = NULL;
    json_t *j = NULL, *names = json_array(), *cs, *x;
    size_t i;

    if (names && rollout_spec_write(&text, spec, ROLLOUT_FORMAT_JSON) == ROLLOUT_OK &&
        (j = json_loads(text, 0, NULL))) {
        cs = json_object_get(json_object_get(json_object_get(json_object_get(
                                                                 j, "spec"),
                                                             "template"),
                                             "spec"),
                             "containers");
        json_array_foreach(cs, i, x)
            json_array_append(names, json_object_get(x, "name"));
    }
    rollout_free(text);
    json_decref(j);
    return names;
}

static int set_image(const char *state, int argc, char **argv)
{
    const char *ns = NULL, *name;
    char **pos, **images;
    int a, n_pos = 0, n_images = 0, k, rc = CTL_OK, r;
    rollout_deployment *d;
    rollout_spec *spec = NULL;
    json_t *names = NULL;
    bool failed = false;
    int64_t generation;
    ctl c;

    pos = calloc((size_t)argc, sizeof(*pos));
    images = calloc((size_t)argc, sizeof(*images));
    if (!pos || !images) {
        free(pos);
        free(images);
        ctl_err(KCTL_ERR, "out of memory");
        return CTL_FAIL;
    }
    for (a = 2; a < argc && rc == CTL_OK; a++) {
        const char *v;
        bool bad = false;

        if ((v = kctl_namespace(argc, argv, &a, &bad))) {
            if (bad)
                rc = kctl_usage("set", "-n takes a namespace");
            ns = v;
        } else if (argv[a][0] == '-') {
            rc = kctl_usage("set", "unknown flag: %s", argv[a]);
        } else if (strchr(argv[a], '=')) {
            if (argv[a][0] == '=' || !strchr(argv[a], '=')[1])
                rc = kctl_usage("set", "CONTAINER=IMAGE, not \"%s\"", argv[a]);
            images[n_images++] = argv[a];
        } else {
            pos[n_pos++] = argv[a];
        }
    }
    if (rc == CTL_OK && n_images == 0)
        rc = kctl_usage("set", "at least one image update is required");
    if (rc == CTL_OK)
        rc = kctl_deployment_target(&name, "set", pos, n_pos);
    if (rc != CTL_OK) {
        free(pos);
        free(images);
        return rc;
    }
    if ((rc = ctl_open(&c, state, KCTL_ERR)) != CTL_OK) {
        free(pos);
        free(images);
        return rc;
    }
    if ((rc = kctl_find(&d, &c, ns, name)) != CTL_OK)
        goto out;
    generation = rollout_deployment_generation(d);
    if ((r = rollout_deployment_spec(&spec, d)) != ROLLOUT_OK ||
        !(names = container_names(spec))) {
        ctl_err(KCTL_ERR, "%s", rollout_strerror(r ? r : ROLLOUT_ENOMEM));
        rc = CTL_FAIL;
        goto out;
    }
    for (k = 0; k < n_images; k++) {
        char *eq = strchr(images[k], '='), container[256];
        const char *image = eq + 1;
        size_t i;
        json_t *x;

        snprintf(container, sizeof(container), "%.*s", (int)(eq - images[k]), images[k]);
        if (strcmp(container, "*") == 0) {
            json_array_foreach(names, i, x)
                rollout_spec_container_set_image(spec, i, image);
            continue;
        }
        if (rollout_spec_find_container(&i, spec, container) != ROLLOUT_OK) {
            failed = true;
            continue;
        }
        rollout_spec_container_set_image(spec, i, image);
    }
    r = rollout_engine_apply(NULL, c.engine, spec);
    if (r != ROLLOUT_OK) {
        ctl_err(KCTL_ERR, "%s", kctl_errmsg(&c, r));
        rc = CTL_FAIL;
    } else if (rollout_deployment_generation(d) != generation) {
        printf("deployment.apps/%s image updated\n", name);
    }
    /* the containers that were not found, in the order given */
    for (k = 0; failed && k < n_images; k++) {
        char *eq = strchr(images[k], '='), container[256];
        size_t i;

        snprintf(container, sizeof(container), "%.*s", (int)(eq - images[k]), images[k]);
        if (strcmp(container, "*") != 0 &&
            rollout_spec_find_container(&i, spec, container) != ROLLOUT_OK) {
            ctl_err(KCTL_ERR, "unable to find container named \"%s\"", container);
            rc = CTL_FAIL;
        }
    }
out:
    json_decref(names);
    rollout_spec_free(spec);
    if (ctl_save(&c, KCTL_ERR) != CTL_OK)
        rc = CTL_FAIL;
    ctl_close(&c);
    free(pos);
    free(images);
    return rc;
}

int ctl_kubectl_set(const char *state, int argc, char **argv)
{
    if (ctl_wants_help(argc, argv)) {
        ctl_print_help(&ctl_verb_kubectl_set);
        return CTL_OK;
    }
    if (argc < 2)
        return kctl_usage("set", "set takes what to set: image");
    if (strcmp(argv[1], "image") != 0)
        return kctl_usage("set", "unknown command \"%s\" for \"rolloutctl set\" (image)",
                          argv[1]);
    return set_image(state, argc, argv);
}

/* annotate */

int ctl_kubectl_annotate(const char *state, int argc, char **argv)
{
    const char *ns = NULL, *name;
    char **pos, **changes, *conflicts = NULL;
    int a, n_pos = 0, n_changes = 0, k, rc = CTL_OK, r;
    bool overwrite = false;
    rollout_deployment *d;
    rollout_spec *spec = NULL;
    json_t *j = NULL, *anns;
    size_t len = 0;
    ctl c;

    if (ctl_wants_help(argc, argv)) {
        ctl_print_help(&ctl_verb_kubectl_annotate);
        return CTL_OK;
    }
    pos = calloc((size_t)argc, sizeof(*pos));
    changes = calloc((size_t)argc, sizeof(*changes));
    if (!pos || !changes) {
        free(pos);
        free(changes);
        ctl_err(KCTL_ERR, "out of memory");
        return CTL_FAIL;
    }
    for (a = 1; a < argc && rc == CTL_OK; a++) {
        const char *v;
        bool bad = false;
        int f;

        if ((f = kctl_bool_flag(argv[a], "--overwrite", NULL, &overwrite))) {
            if (f < 0)
                rc = kctl_usage("annotate", "--overwrite takes true or false");
        } else if ((v = kctl_namespace(argc, argv, &a, &bad))) {
            if (bad)
                rc = kctl_usage("annotate", "-n takes a namespace");
            ns = v;
        } else if (argv[a][0] == '-') {
            rc = kctl_usage("annotate", "unknown flag: %s", argv[a]);
        } else if (strchr(argv[a], '=') || argv[a][strlen(argv[a]) - 1] == '-') {
            /* KEY=VALUE sets, KEY- removes: names end with no '-' */
            if (argv[a][0] == '=' || strcmp(argv[a], "-") == 0)
                rc = kctl_usage("annotate", "invalid annotation format: %s", argv[a]);
            changes[n_changes++] = argv[a];
        } else {
            pos[n_pos++] = argv[a];
        }
    }
    if (rc == CTL_OK && n_changes == 0)
        rc = kctl_usage("annotate", "at least one annotation update is required");
    if (rc == CTL_OK)
        rc = kctl_deployment_target(&name, "annotate", pos, n_pos);
    if (rc != CTL_OK) {
        free(pos);
        free(changes);
        return rc;
    }
    if ((rc = ctl_open(&c, state, KCTL_ERR)) != CTL_OK) {
        free(pos);
        free(changes);
        return rc;
    }
    if ((rc = kctl_find(&d, &c, ns, name)) != CTL_OK)
        goto out;
    if (!(j = kctl_deployment_json(d)) ||
        (r = rollout_deployment_spec(&spec, d)) != ROLLOUT_OK) {
        ctl_err(KCTL_ERR, "%s", rollout_strerror(ROLLOUT_ENOMEM));
        rc = CTL_FAIL;
        goto out;
    }
    anns = json_object_get(json_object_get(j, "metadata"), "annotations");
    /* kubectl refuses every conflict at once, and lets the change cause by */
    for (k = 0; k < n_changes && !overwrite; k++) {
        char *eq = strchr(changes[k], '='), key[512];
        const char *have;

        if (!eq)
            continue;
        snprintf(key, sizeof(key), "%.*s", (int)(eq - changes[k]), changes[k]);
        have = json_string_value(json_object_get(anns, key));
        if (strcmp(key, "kubernetes.io/change-cause") == 0 || !have ||
            strcmp(have, eq + 1) == 0)
            continue;
        {
            size_t more = strlen(key) + strlen(have) + 32;
            char *p = realloc(conflicts, len + more);

            if (!p)
                break;
            conflicts = p;
            len += (size_t)snprintf(conflicts + len, more, "%s'%s' already has a value (%s)",
                                    len ? "; " : "", key, have);
        }
    }
    if (conflicts) {
        ctl_err(KCTL_ERR, "--overwrite is false but found the following declared "
                "annotation(s): %s", conflicts);
        rc = CTL_FAIL;
        goto out;
    }
    for (k = 0; k < n_changes; k++) {
        char *eq = strchr(changes[k], '='), key[512];

        if (eq) {
            snprintf(key, sizeof(key), "%.*s", (int)(eq - changes[k]), changes[k]);
            r = rollout_spec_set_annotation(spec, key, eq + 1);
        } else {
            snprintf(key, sizeof(key), "%.*s", (int)strlen(changes[k]) - 1, changes[k]);
            r = rollout_spec_set_annotation(spec, key, NULL);
        }
        if (r != ROLLOUT_OK) {
            ctl_err(KCTL_ERR, "%s: %s", key, rollout_strerror(r));
            rc = CTL_FAIL;
            goto out;
        }
    }
    if ((r = rollout_engine_apply(NULL, c.engine, spec)) != ROLLOUT_OK) {
        ctl_err(KCTL_ERR, "%s", kctl_errmsg(&c, r));
        rc = CTL_FAIL;
    } else {
        printf("deployment.apps/%s annotated\n", name);
    }
out:
    free(conflicts);
    json_decref(j);
    rollout_spec_free(spec);
    if (ctl_save(&c, KCTL_ERR) != CTL_OK)
        rc = CTL_FAIL;
    ctl_close(&c);
    free(pos);
    free(changes);
    return rc;
}
