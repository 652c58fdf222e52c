/*
 * The verbs of bcs-client (BCS, Mesos mode): create, update, delete,
 * pause, resume, cancel, scale, list and inspect of deployments,
 * applications and taskgroups, printing what bcs-client prints.  The
 * library holds the whole dialect; this file parses, calls and prints.
 *
 * Options are read as bcs-client's (urfave/cli over Go's flag package)
 * reads them: one or two dashes, "-t deployment" or "-t=deployment".
 * Bad usage (a missing or unknown option, an unknown type) exits 1, as
 * upstream's does and as every rolloutctl verb does.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rolloutctl.h"

/* The namespace of an object named without -ns.  Upstream's flags show
 * this default but never use it (the namespace comes from -ns or the
 * environment file); here it is used, for every verb naming one object. */
#define DEFAULT_NS "defaultGroup"

/* Where upstream's errors come from: the scheduler, or the driver in
 * front of it (which checks the kind), as bcs-client prints them. */
#define SCHEDULER "(bcs-scheduler):"
#define DRIVER "(bcs-mesos-driver):"

/* What bcs-storage answers for an object it does not hold. */
#define STORAGE_NOT_FOUND "resource does not exist."

/* Options. */
enum {
    OPT_TYPE = 1 << 0,
    OPT_NAME = 1 << 1,
    OPT_NS = 1 << 2,
    OPT_FILE = 1 << 3,
    OPT_INSTANCE = 1 << 4,
    OPT_ALL_NS = 1 << 5,
    OPT_IP = 1 << 6,
    OPT_CLUSTER = 1 << 7,
    OPT_ENFORCE = 1 << 8
};

typedef struct {
    const char *type, *name, *ns, *file, *instance, *ip, *cluster, *enforce;
    bool all_ns;
} bcs_args;

static const struct {
    int bit;
    const char *name, *alias; /* as upstream spells them; -i is ours */
    bool boolean;
} options[] = {
    { OPT_TYPE, "type", "t", false },
    { OPT_NAME, "name", "n", false },
    { OPT_NS, "namespace", "ns", false },
    { OPT_FILE, "from-file", "f", false },
    { OPT_INSTANCE, "instance", "i", false },
    { OPT_ALL_NS, "all-namespaces", "an", true },
    { OPT_IP, "ip", NULL, false },
    { OPT_CLUSTER, "clusterid", NULL, false },
    { OPT_ENFORCE, "enforce", NULL, false },
};

/* The types, with upstream's short spellings. */
typedef enum { TYPE_DEPLOYMENT = 1, TYPE_APP = 2, TYPE_TASKGROUP = 4 } bcs_type;

static int usage_error(const char *fmt, ...) CTL_PRINTF(1, 2);

static int usage_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return CTL_USAGE;
}

static const char **slot(bcs_args *a, int bit)
{
    switch (bit) {
    case OPT_TYPE: return &a->type;
    case OPT_NAME: return &a->name;
    case OPT_NS: return &a->ns;
    case OPT_FILE: return &a->file;
    case OPT_INSTANCE: return &a->instance;
    case OPT_IP: return &a->ip;
    case OPT_CLUSTER: return &a->cluster;
    default: return &a->enforce;
    }
}

/* Reads ARGV (ARGV[0] is the verb) for the options in ALLOWED, as Go's
 * flag package does, with its messages. */
static int parse_args(bcs_args *a, int allowed, int argc, char **argv)
{
    int i;

    memset(a, 0, sizeof(*a));
    for (i = 1; i < argc; i++) {
        const char *arg = argv[i], *name = arg, *eq;
        size_t len, k;

        if (strcmp(arg, "--") == 0 || arg[0] != '-' || arg[1] == '\0')
            return usage_error("unexpected argument \"%s\"", arg);
        name += name[1] == '-' ? 2 : 1;
        eq = strchr(name, '=');
        len = eq ? (size_t)(eq - name) : strlen(name);
        for (k = 0; k < sizeof(options) / sizeof(options[0]); k++) {
            if (!(allowed & options[k].bit))
                continue;
            if ((strlen(options[k].name) == len && strncmp(name, options[k].name, len) == 0) ||
                (options[k].alias && strlen(options[k].alias) == len &&
                 strncmp(name, options[k].alias, len) == 0))
                break;
        }
        if (k == sizeof(options) / sizeof(options[0]))
            return usage_error("flag provided but not defined: -%.*s", (int)len, name);
        if (options[k].boolean) {
            if (!eq || strcmp(eq + 1, "true") == 0 || strcmp(eq + 1, "1") == 0)
                a->all_ns = true;
            else if (strcmp(eq + 1, "false") == 0 || strcmp(eq + 1, "0") == 0)
                a->all_ns = false;
            else
                return usage_error("invalid boolean value \"%s\" for -%.*s: parse error",
                                   eq + 1, (int)len, name);
            continue;
        }
        if (eq) {
            *slot(a, options[k].bit) = eq + 1;
        } else if (i + 1 < argc) {
            *slot(a, options[k].bit) = argv[++i];
        } else {
            return usage_error("flag needs an argument: -%.*s", (int)len, name);
        }
    }
    return CTL_OK;
}

/* The type of -t among ALLOWED, or a usage error as upstream words it. */
static int parse_type(bcs_type *out, const char *type, int allowed)
{
    if (!type || !*type)
        return usage_error("type must be specified");
    if ((allowed & TYPE_DEPLOYMENT) &&
        (strcmp(type, "deployment") == 0 || strcmp(type, "deploy") == 0))
        *out = TYPE_DEPLOYMENT;
    else if ((allowed & TYPE_APP) &&
             (strcmp(type, "app") == 0 || strcmp(type, "application") == 0))
        *out = TYPE_APP;
    else if ((allowed & TYPE_TASKGROUP) &&
             (strcmp(type, "taskgroup") == 0 || strcmp(type, "tg") == 0))
        *out = TYPE_TASKGROUP;
    else
        return usage_error("invalid type: %s", type);
    return CTL_OK;
}

static const char *type_noun(bcs_type t)
{
    return t == TYPE_APP ? "application" : t == TYPE_TASKGROUP ? "taskgroup" : "deployment";
}

/* An operation refused by the scheduler (or the driver, ORIGIN), in
 * bcs-client's two wrappers: "failed to <op> <noun>: " and the request's
 * own, "<op> resource <noun>s failed: " or, for pause, resume and cancel,
 * "<op> deployment failed: ". */
static void refuse(const char *op, bcs_type t, const char *origin, const char *msg)
{
    const char *noun = type_noun(t);

    if (strcmp(op, "pause") == 0 || strcmp(op, "resume") == 0 || strcmp(op, "cancel") == 0)
        fprintf(stderr, "failed to %s %s: %s %s failed: %s%s\n", op, noun, op, noun, origin,
                msg);
    else
        fprintf(stderr, "failed to %s %s: %s resource %ss failed: %s%s\n", op, noun, op, noun,
                origin, msg);
}

/* The one definition of FILE, of the kind T names, into *M and *SPEC;
 * refusals are printed for operation OP. */
static int read_definition(rollout_manifest **m, rollout_spec **spec, const char *file,
                           const char *op, bcs_type t, const char *prefix)
{
    int rc;

    if ((rc = ctl_read_manifest(m, file, ROLLOUT_DIALECT_BCS, prefix)) != CTL_OK)
        return rc;
    if (rollout_manifest_count(*m) != 1) {
        ctl_err(prefix, "%s: holds %zu definitions, not one", file,
                rollout_manifest_count(*m));
        rollout_manifest_free(*m);
        *m = NULL;
        return CTL_FAIL;
    }
    *spec = rollout_manifest_spec(*m, 0);
    /* the driver takes only its own kind at each address */
    if (rollout_spec_kind(*spec) != (t == TYPE_APP ? ROLLOUT_KIND_APPLICATION
                                                   : ROLLOUT_KIND_DEPLOYMENT)) {
        refuse(op, t, DRIVER,
               rollout_spec_kind(*spec) == ROLLOUT_KIND_APPLICATION
                   ? "Kind application is invalid"
                   : "Kind deployment is invalid");
        rollout_manifest_free(*m);
        *m = NULL;
        return CTL_FAIL;
    }
    return CTL_OK;
}

/* ---- create, update ---------------------------------------------------- */

const ctl_verb ctl_verb_bcs_create = {
    "create", ctl_bcs_create, "BCS: create a deployment or an application from a file.",
    "Usage:\n"
    "  rolloutctl create -t deployment|app -f FILE\n"
    "\n"
    "Creates the BCS (Mesos v4) deployment or application FILE (\"-\": standard input)\n"
    "defines, as bcs-client create does; its namespace is the file's.  A deployment\n"
    "makes its application, named after it, or adopts the standalone application its\n"
    "spec.selector matches.  Prints \"success to create deployment\" (application).\n"
    "\n"
    "Options:\n"
    "  -t, --type TYPE         deployment (deploy), or application (app)\n"
    "  -f, --from-file FILE    the definition, in JSON\n"
    "  --clusterid ID          accepted and ignored: there is one cluster\n"
    "\n"
    "A refused definition prints upstream's message after \"failed to create\n"
    "deployment: \", and a file that cannot be read its place (file:line:column:\n"
    "field: reason); both exit 1, as does a missing or unknown option.\n",
};

const ctl_verb ctl_verb_bcs_update = {
    "update", ctl_bcs_update, "BCS: update a deployment (a rolling update) or an application.",
    "Usage:\n"
    "  rolloutctl update -t deployment|app -f FILE\n"
    "\n"
    "Updates the BCS deployment or standalone application FILE defines, as\n"
    "bcs-client update does.  A deployment, which must be Running, rolls to a new\n"
    "application named DEPLOYMENT-vSECONDS, step by step as its\n"
    "spec.strategy.rollingupdate says; see `list -t app` and `inspect -t deployment`.\n"
    "An application is changed at once.  Prints \"success to update deployment\"\n"
    "(application).\n"
    "\n"
    "Options:\n"
    "  -t, --type TYPE         deployment (deploy), or application (app)\n"
    "  -f, --from-file FILE    the definition, in JSON (\"-\": standard input)\n"
    "  --clusterid ID          accepted and ignored\n",
};

static int file_cmd(const char *state, int argc, char **argv, const char *op,
                    const ctl_verb *verb)
{
    rollout_manifest *m = NULL;
    rollout_spec *spec;
    char prefix[64];
    bcs_args a;
    bcs_type t;
    ctl c;
    int rc;

    if (ctl_wants_help(argc, argv)) {
        ctl_print_help(verb);
        return CTL_OK;
    }
    if ((rc = parse_args(&a, OPT_TYPE | OPT_FILE | OPT_CLUSTER, argc, argv)) != CTL_OK ||
        (rc = parse_type(&t, a.type, TYPE_DEPLOYMENT | TYPE_APP)) != CTL_OK)
        return rc;
    if (!a.file || !*a.file)
        return usage_error("from-file must be specified");
    snprintf(prefix, sizeof(prefix), "failed to %s %s: ", op, type_noun(t));
    if ((rc = read_definition(&m, &spec, a.file, op, t, prefix)) != CTL_OK)
        return rc;
    if ((rc = ctl_open(&c, state, prefix)) != CTL_OK) {
        rollout_manifest_free(m);
        return rc;
    }
    if ((strcmp(op, "create") == 0 ? rollout_engine_create(c.engine, spec)
                                   : rollout_engine_update(c.engine, spec)) != ROLLOUT_OK) {
        refuse(op, t, SCHEDULER, rollout_engine_errmsg(c.engine));
        rc = CTL_FAIL;
    } else if ((rc = ctl_save(&c, prefix)) == CTL_OK) {
        printf("success to %s %s\n", op, type_noun(t));
    }
    ctl_close(&c);
    rollout_manifest_free(m);
    return rc;
}

int ctl_bcs_create(const char *state, int argc, char **argv)
{
    return file_cmd(state, argc, argv, "create", &ctl_verb_bcs_create);
}

int ctl_bcs_update(const char *state, int argc, char **argv)
{
    return file_cmd(state, argc, argv, "update", &ctl_verb_bcs_update);
}

/* ---- delete, pause, resume, cancel, scale ------------------------------ */

const ctl_verb ctl_verb_bcs_delete = {
    "delete", ctl_bcs_delete, "BCS: delete a deployment or a standalone application.",
    "Usage:\n"
    "  rolloutctl delete -t deployment|app [-ns NAMESPACE] -n NAME\n"
    "  rolloutctl delete -t deployment|app -f FILE\n"
    "\n"
    "Deletes the BCS deployment, in any status, with its applications and their\n"
    "taskgroups, or a standalone application with its taskgroups, as bcs-client\n"
    "delete does.  The deployment shows Deleting until its last taskgroup is gone.\n"
    "Prints \"success to delete deployment\" (application).\n"
    "\n"
    "Options:\n"
    "  -t, --type TYPE         deployment (deploy), or application (app)\n"
    "  -ns, --namespace NS     its namespace (defaultGroup)\n"
    "  -n, --name NAME         its name\n"
    "  -f, --from-file FILE    the one FILE defines (bcs-client has no -f here)\n"
    "  --enforce 0|1           accepted and ignored: the kills always complete\n"
    "  --clusterid ID          accepted and ignored\n",
};

const ctl_verb ctl_verb_bcs_pause = {
    "pause", ctl_bcs_pause, "BCS: pause the rolling update of a deployment.",
    "Usage:\n"
    "  rolloutctl pause -t deployment [-ns NAMESPACE] -n NAME\n"
    "\n"
    "Pauses the update of the BCS deployment (status Update to UpdatePaused), as\n"
    "bcs-client pause does: no new step begins, a step in flight goes on to its end.\n"
    "Prints \"success to pause deployment\".  (A Kubernetes deployment is paused\n"
    "with `rollout pause`.)\n"
    "\n"
    "Options:\n"
    "  -t, --type TYPE         deployment (deploy)\n"
    "  -ns, --namespace NS     its namespace (defaultGroup)\n"
    "  -n, --name NAME         its name\n"
    "  --clusterid ID          accepted and ignored\n",
};

const ctl_verb ctl_verb_bcs_resume = {
    "resume", ctl_bcs_resume, "BCS: resume a paused or suspended rolling update.",
    "Usage:\n"
    "  rolloutctl resume -t deployment [-ns NAMESPACE] -n NAME\n"
    "\n"
    "Resumes the update of the BCS deployment (UpdatePaused or UpdateSuspend to\n"
    "Update), as bcs-client resume does; the next step begins once upgradeDuration\n"
    "has passed since the last.  Prints \"success to resume deployment\".\n"
    "\n"
    "Options:\n"
    "  -t, --type TYPE         deployment (deploy)\n"
    "  -ns, --namespace NS     its namespace (defaultGroup)\n"
    "  -n, --name NAME         its name\n"
    "  --clusterid ID          accepted and ignored\n",
};

const ctl_verb ctl_verb_bcs_cancel = {
    "cancel", ctl_bcs_cancel, "BCS: cancel a rolling update and restore the application.",
    "Usage:\n"
    "  rolloutctl cancel -t deployment [-ns NAMESPACE] -n NAME\n"
    "\n"
    "Cancels the update of the BCS deployment, as bcs-client cancel does: the new\n"
    "application goes with its taskgroups, the old one gets back those the update\n"
    "killed, and the deployment is Running its previous definition again.  Unlike\n"
    "upstream, a cancel during a delete half is accepted: it waits for the kills in\n"
    "flight.  Prints \"success to cancel deployment\".\n"
    "\n"
    "Options:\n"
    "  -t, --type TYPE         deployment (deploy)\n"
    "  -ns, --namespace NS     its namespace (defaultGroup)\n"
    "  -n, --name NAME         its name\n"
    "  --clusterid ID          accepted and ignored\n",
};

const ctl_verb ctl_verb_bcs_scale = {
    "scale", ctl_bcs_scale, "BCS: scale the application of a deployment.",
    "Usage:\n"
    "  rolloutctl scale -t deployment [-ns NAMESPACE] -n NAME -i N\n"
    "\n"
    "Sets the instances of the application a Running BCS deployment is bound to,\n"
    "as the scheduler's scale of a deployment does (bcs-client has no command for\n"
    "it; the words follow its scale of an application): taskgroups are built from\n"
    "the lowest free index, or those of index N and above killed.  The\n"
    "deployment's definition keeps its instance count.  Prints \"success to scale\n"
    "deployment\".\n"
    "\n"
    "Options:\n"
    "  -t, --type TYPE         deployment (deploy)\n"
    "  -ns, --namespace NS     its namespace (defaultGroup)\n"
    "  -n, --name NAME         its name\n"
    "  -i, --instance N        the instances, 1 or more\n"
    "  --clusterid ID          accepted and ignored\n",
};

typedef enum { OP_DELETE, OP_PAUSE, OP_RESUME, OP_CANCEL, OP_SCALE } bcs_op;

static const char *const op_names[] = { "delete", "pause", "resume", "cancel", "scale" };

static int op_cmd(const char *state, int argc, char **argv, bcs_op op, const ctl_verb *verb)
{
    int allowed = OPT_TYPE | OPT_NAME | OPT_NS | OPT_CLUSTER;
    const char *name = op_names[op], *ns, *obj;
    rollout_manifest *m = NULL;
    rollout_spec *spec;
    rollout_deployment *d;
    long long instances = 0;
    char prefix[64];
    bcs_args a;
    bcs_type t;
    ctl c;
    int rc;

    if (ctl_wants_help(argc, argv)) {
        ctl_print_help(verb);
        return CTL_OK;
    }
    if (op == OP_DELETE)
        allowed |= OPT_ENFORCE | OPT_FILE;
    if (op == OP_SCALE)
        allowed |= OPT_INSTANCE;
    if ((rc = parse_args(&a, allowed, argc, argv)) != CTL_OK ||
        (rc = parse_type(&t, a.type, op == OP_DELETE ? TYPE_DEPLOYMENT | TYPE_APP
                                                     : TYPE_DEPLOYMENT)) != CTL_OK)
        return rc;
    if (a.file && *a.file && (a.name || a.ns))
        return usage_error("name the %s with -n (and -ns) or -f, not both", type_noun(t));
    if ((!a.file || !*a.file) && (!a.name || !*a.name))
        return usage_error("name must be specified");
    if (op == OP_SCALE) {
        if (!a.instance)
            return usage_error("instance must be specified");
        if (!ctl_parse_int(a.instance, INT32_MIN, INT32_MAX, &instances))
            return usage_error("invalid value \"%s\" for flag -instance: parse error",
                               a.instance);
    }
    if (a.enforce && strcmp(a.enforce, "0") != 0 && strcmp(a.enforce, "1") != 0)
        return usage_error("--enforce must be 0 or 1, not \"%s\"", a.enforce);
    snprintf(prefix, sizeof(prefix), "failed to %s %s: ", name, type_noun(t));
    if (a.file && *a.file) {
        /* as kubectl delete -f: the object the file defines */
        if ((rc = read_definition(&m, &spec, a.file, name, t, prefix)) != CTL_OK)
            return rc;
        ns = rollout_spec_namespace(spec);
        obj = rollout_spec_name(spec);
    } else {
        ns = a.ns && *a.ns ? a.ns : DEFAULT_NS;
        obj = a.name;
    }
    if ((rc = ctl_open(&c, state, prefix)) != CTL_OK) {
        rollout_manifest_free(m);
        return rc;
    }
    if (t == TYPE_APP) {
        rc = rollout_engine_delete_application(c.engine, ns, obj);
        if (rc != ROLLOUT_OK)
            refuse(name, t, SCHEDULER, rollout_engine_errmsg(c.engine));
    } else if (rollout_engine_find_deployment(&d, c.engine, ns, obj) != ROLLOUT_OK) {
        /* the engine's words are kubectl's; these are the scheduler's */
        refuse(name, t, SCHEDULER, op == OP_CANCEL ? "store: Not Found" : "deployment not exist");
        rc = ROLLOUT_ENOTFOUND;
    } else if (rollout_deployment_dialect(d) != ROLLOUT_DIALECT_BCS) {
        char msg[512];

        snprintf(msg, sizeof(msg), "deployment %s.%s is a Kubernetes deployment", ns, obj);
        refuse(name, t, SCHEDULER, msg);
        rc = ROLLOUT_ESTATE;
    } else {
        switch (op) {
        case OP_DELETE: rc = rollout_engine_delete(c.engine, ns, obj); break;
        case OP_PAUSE: rc = rollout_engine_pause(c.engine, ns, obj); break;
        case OP_RESUME: rc = rollout_engine_resume(c.engine, ns, obj); break;
        case OP_CANCEL: rc = rollout_engine_cancel(c.engine, ns, obj); break;
        default: rc = rollout_engine_scale(c.engine, ns, obj, (int32_t)instances); break;
        }
        if (rc != ROLLOUT_OK)
            refuse(name, t, SCHEDULER, rollout_engine_errmsg(c.engine));
    }
    if (rc != ROLLOUT_OK)
        rc = CTL_FAIL;
    else if ((rc = ctl_save(&c, prefix)) == CTL_OK)
        printf("success to %s %s\n", name, type_noun(t));
    ctl_close(&c);
    rollout_manifest_free(m);
    return rc;
}

int ctl_bcs_delete(const char *state, int argc, char **argv)
{
    return op_cmd(state, argc, argv, OP_DELETE, &ctl_verb_bcs_delete);
}

int ctl_bcs_pause(const char *state, int argc, char **argv)
{
    return op_cmd(state, argc, argv, OP_PAUSE, &ctl_verb_bcs_pause);
}

int ctl_bcs_resume(const char *state, int argc, char **argv)
{
    return op_cmd(state, argc, argv, OP_RESUME, &ctl_verb_bcs_resume);
}

int ctl_bcs_cancel(const char *state, int argc, char **argv)
{
    return op_cmd(state, argc, argv, OP_CANCEL, &ctl_verb_bcs_cancel);
}

int ctl_bcs_scale(const char *state, int argc, char **argv)
{
    return op_cmd(state, argc, argv, OP_SCALE, &ctl_verb_bcs_scale);
}

/* ---- list ---------------------------------------------------------------- */

const ctl_verb ctl_verb_bcs_list = {
    "list", ctl_bcs_list, "BCS: list applications, deployments or taskgroups.",
    "Usage:\n"
    "  rolloutctl list -t app|deployment|taskgroup [-ns NAMESPACE] [--ip IP,...]\n"
    "\n"
    "Lists the BCS objects of the namespace, or of every namespace without -ns (or\n"
    "with -an), sorted by namespace descending, in bcs-client list's columns:\n"
    "\n"
    "  app        NAME STATUS INSTANCE RUNNING_INSTANCE MESSAGE CREATETIME NAMESPACE\n"
    "             (the message cut at 22 bytes, \"...\" appended)\n"
    "  deployment NAME STATUS NAMESPACE APP_NAME APPEXT_NAME (the application an\n"
    "             update rolls to)\n"
    "  taskgroup  NAME RC_NAME STATUS CONTAINER_NUM STARTTIME HOSTIP HOSTNAME PODIP\n"
    "             NAMESPACE MESSAGE; HOSTIP is the node's InnerIP, HOSTNAME its\n"
    "             hostname, and PODIP the host's address too, as the simulated\n"
    "             containers have none of their own\n"
    "\n"
    "Times are in the local time zone.  With nothing to list it prints \"Found no\n"
    "application\" (deployment, taskgroup).\n"
    "\n"
    "Options:\n"
    "  -t, --type TYPE              application (app), deployment (deploy), taskgroup (tg)\n"
    "  -ns, --namespace NS          only this namespace\n"
    "  -an, --all-namespaces        every namespace (as without -ns)\n"
    "  --ip IP,...                  taskgroups on these host addresses only\n"
    "  --clusterid ID               accepted and ignored\n",
};

/* One row: a deployment, an application or a taskgroup, with its
 * namespace and its place in the engine's order. */
typedef struct {
    const char *ns;
    size_t seq;
    rollout_deployment *holder;
    rollout_replica_set *app;
    rollout_replica *tg;
} row;

typedef struct {
    row *items;
    size_t len, cap;
} rows;

static int push(rows *r, rollout_deployment *holder, rollout_replica_set *app,
                rollout_replica *tg)
{
    if (r->len == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        row *p = realloc(r->items, cap * sizeof(*p));

        if (!p)
            return -1;
        r->items = p;
        r->cap = cap;
    }
    r->items[r->len].ns = rollout_deployment_namespace(holder);
    r->items[r->len].seq = r->len;
    r->items[r->len].holder = holder;
    r->items[r->len].app = app;
    r->items[r->len].tg = tg;
    r->len++;
    return 0;
}

/* By namespace descending, as bcs-client sorts; ties keep the engine's
 * order, as upstream's short lists keep the storage's. */
static int by_namespace(const void *a, const void *b)
{
    const row *x = a, *y = b;
    int c = strcmp(y->ns, x->ns);

    return c ? c : x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The template of APP as JSON, or NULL. */
static json_t *app_template(const rollout_replica_set *app)
{
    const rollout_revision *rev = rollout_replica_set_revision(app);
    const char *text = rev ? rollout_revision_template(rev) : NULL;

    return text ? json_loads(text, 0, NULL) : NULL;
}

/* An application of processes is a "process" (bcs-client lists it with
 * list -t process, not here). */
static const char *app_kind(const rollout_replica_set *app)
{
    json_t *t = app_template(app);
    bool process = json_array_size(json_object_get(json_object_get(t, "spec"), "processes")) > 0;

    json_decref(t);
    return process ? "process" : "application";
}

static bool ns_wanted(const char *ns, const bcs_args *a)
{
    return a->all_ns || !a->ns || !*a->ns || strcmp(a->ns, ns) == 0;
}

/* The taskgroups that exist (not those gone). */
static bool tg_exists(const rollout_replica *tg)
{
    return rollout_replica_phase(tg) != ROLLOUT_PHASE_GONE;
}

static const char *tg_host_ip(const ctl *c, const rollout_replica *tg)
{
    const char *node = rollout_replica_node(tg), *ip;

    if (!node)
        return "";
    ip = rollout_sim_node_attribute(c->sim, node, "InnerIP");
    return ip ? ip : "";
}

/* Whether IP is one of the comma-separated LIST. */
static bool ip_in(const char *ip, const char *list)
{
    size_t n = strlen(ip);

    while (*list) {
        const char *end = strchr(list, ',');
        size_t len = end ? (size_t)(end - list) : strlen(list);

        if (len == n && *ip && strncmp(list, ip, n) == 0)
            return true;
        if (!end)
            break;
        list = end + 1;
    }
    return false;
}

/* A taskgroup's message, as the scheduler derives it from its status. */
static const char *tg_message(const rollout_replica *tg)
{
    const char *s = rollout_replica_status_name(tg), *reason = rollout_replica_reason(tg);

    if (strcmp(s, "Staging") == 0)
        return "all tasks is staging";
    if (strcmp(s, "Starting") == 0)
        return "some tasks are starting";
    if (strcmp(s, "Running") == 0)
        return "pod is running";
    if (strcmp(s, "Killing") == 0)
        return "some tasks are killing";
    if (strcmp(s, "Killed") == 0)
        return "some tasks are killed";
    if (strcmp(s, "Finish") == 0)
        return "all tasks are finish";
    if (strcmp(s, "Lost") == 0)
        return "some tasks are lost";
    if (strcmp(s, "Restarting") == 0)
        return "pod is restarting";
    return reason ? reason : ""; /* Failed, Error: the task's own */
}

static int collect(rows *r, const ctl *c, bcs_type t, const bcs_args *a)
{
    size_t i, j, k;

    for (i = 0; i < rollout_engine_deployment_count(c->engine); i++) {
        rollout_deployment *d = rollout_engine_deployment_at(c->engine, i);

        if (rollout_deployment_dialect(d) != ROLLOUT_DIALECT_BCS ||
            !ns_wanted(rollout_deployment_namespace(d), a))
            continue;
        if (t == TYPE_DEPLOYMENT) {
            if (rollout_deployment_kind(d) == ROLLOUT_KIND_DEPLOYMENT && push(r, d, NULL, NULL))
                return -1;
            continue;
        }
        for (j = 0; j < rollout_deployment_replica_set_count(d); j++) {
            rollout_replica_set *app = rollout_deployment_replica_set_at(d, j);

            if (t == TYPE_APP) {
                if (push(r, d, app, NULL))
                    return -1;
                continue;
            }
            for (k = 0; k < rollout_replica_set_replica_count(app); k++) {
                rollout_replica *tg = rollout_replica_set_replica_at(app, k);

                if (tg_exists(tg) && (!a->ip || ip_in(tg_host_ip(c, tg), a->ip)) &&
                    push(r, d, app, tg))
                    return -1;
            }
        }
    }
    if (r->len)
        qsort(r->items, r->len, sizeof(*r->items), by_namespace);
    return 0;
}

static void print_apps(const rows *r)
{
    size_t i;

    if (!r->len) {
        printf("Found no application\n");
        return;
    }
    printf("%-50s %-10s %-10s %-17s %-25s %-35s %-30s\n", "NAME", "STATUS", "INSTANCE",
           "RUNNING_INSTANCE", "MESSAGE", "CREATETIME", "NAMESPACE");
    for (i = 0; i < r->len; i++) {
        const rollout_replica_set *app = r->items[i].app;
        const char *msg = rollout_replica_set_message(app);
        char cut[32], created[64];

        /* upstream skips other kinds after the header */
        if (strcmp(app_kind(app), "application") != 0)
            continue;
        if (!msg)
            msg = "";
        if (strlen(msg) > 22)
            snprintf(cut, sizeof(cut), "%.22s...", msg);
        else
            snprintf(cut, sizeof(cut), "%s", msg);
        ctl_format_time(created, sizeof(created), rollout_replica_set_created(app));
        printf("%-50s %-10s %-10d %-17d %-25s %-35s %-30s\n", rollout_replica_set_name(app),
               rollout_replica_set_status_name(app),
               (int)rollout_replica_set_count(app, ROLLOUT_COUNT_DESIRED),
               (int)rollout_replica_set_count(app, ROLLOUT_COUNT_RUNNING), cut, created,
               r->items[i].ns);
    }
}

static void print_deployments(const rows *r)
{
    size_t i;

    if (!r->len) {
        printf("Found no deployment\n");
        return;
    }
    printf("%-50s  %-15s  %-30s  %-30s %-30s\n", "NAME", "STATUS", "NAMESPACE", "APP_NAME",
           "APPEXT_NAME");
    for (i = 0; i < r->len; i++) {
        const rollout_deployment *d = r->items[i].holder;
        const rollout_replica_set *app = rollout_deployment_application(d);
        const rollout_replica_set *ext = rollout_deployment_application_ext(d);

        printf("%-50s  %-15s  %-30s  %-30s %-30s\n", rollout_deployment_name(d),
               rollout_deployment_status_name(d), r->items[i].ns,
               app ? rollout_replica_set_name(app) : "", ext ? rollout_replica_set_name(ext) : "");
    }
}

static void print_taskgroups(const rows *r, const ctl *c)
{
    size_t i;

    if (!r->len) {
        printf("Found no taskgroup\n");
        return;
    }
    printf("%-50s  %-25s  %-15s  %-15s  %-30s  %-15s %-15s %-15s %-30s %-30s\n", "NAME",
           "RC_NAME", "STATUS", "CONTAINER_NUM", "STARTTIME", "HOSTIP", "HOSTNAME", "PODIP",
           "NAMESPACE", "MESSAGE");
    for (i = 0; i < r->len; i++) {
        const rollout_replica *tg = r->items[i].tg;
        const rollout_revision *rev = rollout_replica_revision(tg);
        const char *node = rollout_replica_node(tg), *host = NULL, *ip = tg_host_ip(c, tg);
        char start[64];

        if (node)
            host = rollout_sim_node_attribute(c->sim, node, "hostname");
        ctl_format_time(start, sizeof(start), rollout_replica_created(tg));
        printf("%-50s  %-25s  %-15s  %-15d  %-30s  %-15s %-15s %-15s %-30s %-30s\n",
               rollout_replica_name(tg), rollout_replica_set_name(r->items[i].app),
               rollout_replica_status_name(tg),
               rev ? (int)rollout_revision_container_count(rev) : 0, start, ip,
               host ? host : node ? node : "", ip, r->items[i].ns, tg_message(tg));
    }
}

int ctl_bcs_list(const char *state, int argc, char **argv)
{
    rows r = { NULL, 0, 0 };
    char prefix[64];
    bcs_args a;
    bcs_type t;
    ctl c;
    int rc;

    if (ctl_wants_help(argc, argv)) {
        ctl_print_help(&ctl_verb_bcs_list);
        return CTL_OK;
    }
    if ((rc = parse_args(&a, OPT_TYPE | OPT_NS | OPT_ALL_NS | OPT_IP | OPT_CLUSTER, argc,
                         argv)) != CTL_OK ||
        (rc = parse_type(&t, a.type, TYPE_DEPLOYMENT | TYPE_APP | TYPE_TASKGROUP)) != CTL_OK)
        return rc;
    if (a.ip && t != TYPE_TASKGROUP)
        return usage_error("--ip filters taskgroups only");
    snprintf(prefix, sizeof(prefix), "failed to list %s: ", type_noun(t));
    if ((rc = ctl_open(&c, state, prefix)) != CTL_OK)
        return rc;
    if ((rc = ctl_settle(&c, prefix)) == CTL_OK) {
        if (collect(&r, &c, t, &a) != 0) {
            ctl_err(prefix, "out of memory");
            rc = CTL_FAIL;
        } else if (t == TYPE_APP) {
            print_apps(&r);
        } else if (t == TYPE_DEPLOYMENT) {
            print_deployments(&r);
        } else {
            print_taskgroups(&r, &c);
        }
    }
    free(r.items);
    if (rc == CTL_OK)
        rc = ctl_save(&c, prefix);
    ctl_close(&c);
    return rc;
}

/* ---- inspect ------------------------------------------------------------- */

const ctl_verb ctl_verb_bcs_inspect = {
    "inspect", ctl_bcs_inspect, "BCS: show a deployment's record or an application.",
    "Usage:\n"
    "  rolloutctl inspect -t deployment|app [-ns NAMESPACE] -n NAME\n"
    "\n"
    "Prints, as bcs-client inspect does, {\"data\": ...} indented by two spaces: for a\n"
    "deployment the scheduler's record of it (status, strategy, the applications\n"
    "and the progress of the current step, its definition and the one an update\n"
    "replaced); for an application its metadata, instance, buildedInstance,\n"
    "runningInstance, createTime (RFC 3339, UTC), status, message, pods (its\n"
    "taskgroups) and kind.\n"
    "\n"
    "Options:\n"
    "  -t, --type TYPE         deployment (deploy), or application (app)\n"
    "  -ns, --namespace NS     its namespace (defaultGroup)\n"
    "  -n, --name NAME         its name\n"
    "  --clusterid ID          accepted and ignored\n",
};

/* Whether APP was made by its deployment D (named after it, or
 * D-vSECONDS by an update) rather than adopted through its selector. */
static bool made_by(const rollout_replica_set *app, const rollout_deployment *d)
{
    const char *name = rollout_replica_set_name(app), *dn = rollout_deployment_name(d);
    size_t n = strlen(dn);

    if (strcmp(name, dn) == 0)
        return true;
    if (strncmp(name, dn, n) != 0 || strncmp(name + n, "-v", 2) != 0 || !name[n + 2])
        return false;
    return strspn(name + n + 2, "0123456789") == strlen(name + n + 2);
}

/* The metadata of APP, named after it: upstream gives an application its
 * creator's metadata, the deployment's or its own definition's.  The
 * library keeps no definition of an adopted application: its template's
 * metadata stands in for it. */
static json_t *app_metadata(const rollout_replica_set *app)
{
    const rollout_deployment *d = rollout_replica_set_deployment(app);
    json_t *doc = NULL, *meta, *out, *v;
    char *text = NULL;

    if (rollout_deployment_kind(d) == ROLLOUT_KIND_DEPLOYMENT && !made_by(app, d)) {
        doc = app_template(app);
        meta = json_object_get(doc, "metadata");
    } else if (rollout_deployment_kind(d) == ROLLOUT_KIND_DEPLOYMENT) {
        if (rollout_deployment_write_record(&text, d) == ROLLOUT_OK)
            doc = json_loads(text, 0, NULL);
        meta = json_object_get(json_object_get(doc, "data"), "metadata");
    } else {
        if (rollout_deployment_write(&text, d, ROLLOUT_FORMAT_JSON) == ROLLOUT_OK)
            doc = json_loads(text, 0, NULL);
        meta = json_object_get(doc, "metadata");
    }
    rollout_free(text);
    out = json_pack("{s:s, s:s}", "name", rollout_replica_set_name(app), "namespace",
                    rollout_deployment_namespace(d));
    if (out && (v = json_object_get(meta, "labels")) && json_object_size(v))
        json_object_set(out, "labels", v);
    if (out && (v = json_object_get(meta, "annotations")) && json_object_size(v))
        json_object_set(out, "annotations", v);
    json_decref(doc);
    return out;
}

static json_t *app_status(const rollout_replica_set *app)
{
    char created[64];
    json_t *data, *pods, *out;
    const char *msg = rollout_replica_set_message(app);
    size_t i;

    ctl_format_rfc3339(created, sizeof(created), rollout_replica_set_created(app));
    pods = json_array();
    for (i = 0; pods && i < rollout_replica_set_replica_count(app); i++) {
        const rollout_replica *tg = rollout_replica_set_replica_at(app, i);

        if (tg_exists(tg))
            json_array_append_new(pods, json_pack("{s:s}", "name", rollout_replica_name(tg)));
    }
    if (pods && !json_array_size(pods)) {
        json_decref(pods);
        pods = json_null(); /* a nil slice */
    }
    data = json_pack("{s:o, s:i, s:i, s:i, s:s, s:s}", "metadata", app_metadata(app),
                     "instance", (int)rollout_replica_set_count(app, ROLLOUT_COUNT_DESIRED),
                     "buildedInstance", (int)rollout_replica_set_count(app, ROLLOUT_COUNT_BUILT),
                     "runningInstance", (int)rollout_replica_set_count(app, ROLLOUT_COUNT_RUNNING),
                     "createTime", created, "status", rollout_replica_set_status_name(app));
    if (!data) {
        json_decref(pods);
        return NULL;
    }
    if (msg && *msg)
        json_object_set_new(data, "message", json_string(msg));
    json_object_set_new(data, "pods", pods);
    json_object_set_new(data, "kind", json_string(app_kind(app)));
    out = json_pack("{s:o}", "data", data);
    return out;
}

int ctl_bcs_inspect(const char *state, int argc, char **argv)
{
    rollout_replica_set *app;
    rollout_deployment *d;
    char prefix[64], *text = NULL;
    const char *ns;
    bcs_args a;
    bcs_type t;
    ctl c;
    int rc;

    if (ctl_wants_help(argc, argv)) {
        ctl_print_help(&ctl_verb_bcs_inspect);
        return CTL_OK;
    }
    if ((rc = parse_args(&a, OPT_TYPE | OPT_NAME | OPT_NS | OPT_CLUSTER, argc, argv)) != CTL_OK ||
        (rc = parse_type(&t, a.type, TYPE_DEPLOYMENT | TYPE_APP)) != CTL_OK)
        return rc;
    if (!a.name || !*a.name)
        return usage_error("name must be specified");
    ns = a.ns && *a.ns ? a.ns : DEFAULT_NS;
    snprintf(prefix, sizeof(prefix), "failed to inspect %s: ", type_noun(t));
    if ((rc = ctl_open(&c, state, prefix)) != CTL_OK)
        return rc;
    if ((rc = ctl_settle(&c, prefix)) != CTL_OK) {
        ctl_close(&c);
        return rc;
    }
    if (t == TYPE_DEPLOYMENT) {
        if (rollout_engine_find_deployment(&d, c.engine, ns, a.name) != ROLLOUT_OK ||
            rollout_deployment_dialect(d) != ROLLOUT_DIALECT_BCS) {
            ctl_err(prefix, "inspect dynamic deployment failed: " STORAGE_NOT_FOUND);
            rc = CTL_FAIL;
        } else if (rollout_deployment_write_record(&text, d) != ROLLOUT_OK) {
            ctl_err(prefix, "%s", rollout_strerror(ROLLOUT_ENOMEM));
            rc = CTL_FAIL;
        } else {
            fputs(text, stdout);
            rollout_free(text);
        }
    } else if (rollout_engine_find_application(&app, c.engine, ns, a.name) != ROLLOUT_OK) {
        ctl_err(prefix, "inspect dynamic application failed: " STORAGE_NOT_FOUND);
        rc = CTL_FAIL;
    } else {
        json_t *j = app_status(app);
        char *out = j ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;

        if (!out) {
            ctl_err(prefix, "out of memory");
            rc = CTL_FAIL;
        } else {
            printf("%s\n", out);
        }
        free(out);
        json_decref(j);
    }
    if (rc == CTL_OK)
        rc = ctl_save(&c, prefix);
    ctl_close(&c);
    return rc;
}
