/*
 * kubectl get: deployments, replica sets and pods, as tables (kubectl's
 * columns, aligned by its tabwriter), names, JSON or YAML.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kubectl.h"

const ctl_verb ctl_verb_kubectl_get = {
    "get", ctl_kubectl_get, "List deployments, replica sets and pods (kubectl).",
    "Usage:\n"
    "  rolloutctl get TYPE [NAME...] [-n NAMESPACE | -A] [-o wide|name|json|yaml]\n"
    "                 [--legacy-columns] [--no-headers]\n"
    "  rolloutctl get TYPE/NAME... [options]\n"
    "\n"
    "TYPE is deployment (deployments, deploy), replicaset (replicasets, rs) or pod\n"
    "(pods, po).  Without NAME, every object of the type in NAMESPACE (default\n"
    "\"default\"; -A: in every namespace), sorted by name; with names, those, in\n"
    "the order given.  Only Kubernetes deployments are seen, with their replica\n"
    "sets and pods: BCS deployments are not.\n"
    "\n"
    "The tables are kubectl's:\n"
    "  deployments   NAME READY UP-TO-DATE AVAILABLE AGE\n"
    "  replicasets   NAME DESIRED CURRENT READY AGE\n"
    "  pods          NAME READY STATUS RESTARTS AGE\n"
    "and -o wide adds CONTAINERS IMAGES SELECTOR (deployments, replica sets), or\n"
    "IP NODE NOMINATED NODE READINESS GATES (pods).  --legacy-columns prints\n"
    "deployments with the columns of older kubectl releases, as the seed shows them:\n"
    "NAME DESIRED CURRENT UP-TO-DATE AVAILABLE AGE.  AGE is simulated time.\n"
    "\n"
    "A pod's STATUS follows its replica: Pending (not placed yet), ContainerCreating\n"
    "(starting), Running (running, ready or not: READY tells), Terminating (its\n"
    "deletion was asked for), Error (failed), Unknown (its node was lost).  The\n"
    "simulated cluster restarts no container and gives pods no address: RESTARTS is\n"
    "0 and IP <none>.\n"
    "\n"
    "-o name prints deployment.apps/NAME, replicaset.apps/NAME, pod/NAME; -o json\n"
    "and -o yaml print the objects as the API server returns them, one object when\n"
    "one was named, else a List.\n",
};

typedef enum { OUT_TABLE, OUT_WIDE, OUT_NAME, OUT_JSON, OUT_YAML } out_format;

typedef struct {
    const char *ns, *name;
    rollout_deployment *d;
    rollout_replica_set *rs;
    rollout_replica *r;
} object;

typedef struct {
    kctl_kind kind;
    out_format format;
    bool all_namespaces, legacy, no_headers;
    const char *ns;
    object *items;
    size_t n, cap;
    int64_t now;
} listing;

static bool push(listing *l, rollout_deployment *d, rollout_replica_set *rs,
                 rollout_replica *r)
{
    object *o;

    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        object *p = realloc(l->items, cap * sizeof(*p));

        if (!p)
            return false;
        l->items = p;
        l->cap = cap;
    }
    o = &l->items[l->n++];
    o->d = d;
    o->rs = rs;
    o->r = r;
    o->ns = rollout_deployment_namespace(d);
    o->name = r ? rollout_replica_name(r)
              : rs ? rollout_replica_set_name(rs)
                   : rollout_deployment_name(d);
    return true;
}

static int cmp_object(const void *a, const void *b)
{
    const object *x = a, *y = b;
    int c = strcmp(x->ns, y->ns);

    return c ? c : strcmp(x->name, y->name);
}

/* A pod is listed from its creation until it is gone, the pods of a
 * deployment being deleted too. */
static bool pod_listed(const rollout_replica *r)
{
    return rollout_replica_phase(r) != ROLLOUT_PHASE_GONE;
}

static bool kubernetes(const rollout_deployment *d)
{
    return rollout_deployment_dialect(d) == ROLLOUT_DIALECT_KUBERNETES &&
           rollout_deployment_kind(d) == ROLLOUT_KIND_DEPLOYMENT;
}

/* Every object of the kind, in the namespace or all of them. */
static bool collect(listing *l, rollout_engine *e)
{
    size_t i, j, k;

    for (i = 0; i < rollout_engine_deployment_count(e); i++) {
        rollout_deployment *d = rollout_engine_deployment_at(e, i);

        if (!kubernetes(d) ||
            (!l->all_namespaces && strcmp(rollout_deployment_namespace(d), l->ns) != 0))
            continue;
        if (l->kind == KCTL_DEPLOYMENT) {
            if (kctl_visible(d) && !push(l, d, NULL, NULL))
                return false;
            continue;
        }
        for (j = 0; j < rollout_deployment_replica_set_count(d); j++) {
            rollout_replica_set *rs = rollout_deployment_replica_set_at(d, j);

            if (l->kind == KCTL_REPLICASET) {
                /* the garbage collector takes the sets of a deleted one */
                if (kctl_visible(d) && !push(l, d, rs, NULL))
                    return false;
                continue;
            }
            for (k = 0; k < rollout_replica_set_replica_count(rs); k++) {
                rollout_replica *r = rollout_replica_set_replica_at(rs, k);

                if (pod_listed(r) && !push(l, d, rs, r))
                    return false;
            }
        }
    }
    if (l->n > 1)
        qsort(l->items, l->n, sizeof(*l->items), cmp_object);
    return true;
}

/* The object NAME of the kind in the namespace: 1 when it is there, 0
 * when not, -1 when out of memory. */
static int find(listing *l, rollout_engine *e, const char *name)
{
    rollout_deployment *d;
    rollout_replica_set *rs = NULL;
    rollout_replica *r = NULL;
    size_t i, j;

    if (l->kind == KCTL_DEPLOYMENT) {
        if (rollout_engine_find_deployment(&d, e, l->ns, name) != ROLLOUT_OK ||
            !kctl_visible(d))
            return 0;
    } else if (l->kind == KCTL_POD) {
        if (rollout_engine_find_replica(&r, e, name) != ROLLOUT_OK || !pod_listed(r) ||
            !kubernetes(d = rollout_replica_deployment(r)) ||
            strcmp(rollout_deployment_namespace(d), l->ns) != 0)
            return 0;
        rs = rollout_replica_replica_set(r);
    } else {
        for (i = 0; !rs && i < rollout_engine_deployment_count(e); i++) {
            d = rollout_engine_deployment_at(e, i);
            if (!kctl_visible(d) || strcmp(rollout_deployment_namespace(d), l->ns) != 0)
                continue;
            for (j = 0; !rs && j < rollout_deployment_replica_set_count(d); j++)
                if (strcmp(rollout_replica_set_name(rollout_deployment_replica_set_at(d, j)),
                           name) == 0)
                    rs = rollout_deployment_replica_set_at(d, j);
        }
        if (!rs)
            return 0;
        d = rollout_replica_set_deployment(rs);
    }
    return push(l, d, rs, r) ? 1 : -1;
}

/* Tables. */

/* "a,b" of the names or images of the containers of a template. */
static char *join_containers(const json_t *tmpl, const char *field)
{
    const json_t *cs = json_object_get(json_object_get(tmpl, "spec"), "containers");
    size_t i, len = 1;
    json_t *x;
    char *s;

    json_array_foreach(cs, i, x) {
        const char *v = json_string_value(json_object_get(x, field));

        len += (v ? strlen(v) : 0) + 1;
    }
    if (!(s = malloc(len)))
        return NULL;
    s[0] = '\0';
    json_array_foreach(cs, i, x) {
        const char *v = json_string_value(json_object_get(x, field));

        if (i)
            strcat(s, ",");
        strcat(s, v ? v : "");
    }
    return s;
}

static void age(char *buf, size_t size, int64_t now, int64_t then)
{
    ctl_format_age(buf, size, now - then);
}

static void wide_columns(ctl_tab *t, const json_t *tmpl, const json_t *selector)
{
    char *names = join_containers(tmpl, "name"), *images = join_containers(tmpl, "image");
    char *sel = kctl_format_labels(selector);

    ctl_tab_printf(t, "\t%s\t%s\t%s", names ? names : "", images ? images : "",
                   sel && *sel ? sel : "<none>");
    free(names);
    free(images);
    free(sel);
}

static void deployment_row(ctl_tab *t, const listing *l, const object *o)
{
    const rollout_deployment *d = o->d;
    char when[32];

    age(when, sizeof(when), l->now, rollout_deployment_created(d));
    if (l->legacy)
        ctl_tab_printf(t, "%s\t%d\t%d\t%d\t%d\t%s", o->name,
                       (int)rollout_deployment_count(d, ROLLOUT_COUNT_DESIRED),
                       (int)rollout_deployment_count(d, ROLLOUT_COUNT_CURRENT),
                       (int)rollout_deployment_count(d, ROLLOUT_COUNT_UPDATED),
                       (int)rollout_deployment_count(d, ROLLOUT_COUNT_AVAILABLE), when);
    else
        ctl_tab_printf(t, "%s\t%d/%d\t%d\t%d\t%s", o->name,
                       (int)rollout_deployment_count(d, ROLLOUT_COUNT_READY),
                       (int)rollout_deployment_count(d, ROLLOUT_COUNT_DESIRED),
                       (int)rollout_deployment_count(d, ROLLOUT_COUNT_UPDATED),
                       (int)rollout_deployment_count(d, ROLLOUT_COUNT_AVAILABLE), when);
    if (l->format == OUT_WIDE) {
        json_t *j = kctl_deployment_json(d), *spec = json_object_get(j, "spec");

        wide_columns(t, json_object_get(spec, "template"),
                     json_object_get(json_object_get(spec, "selector"), "matchLabels"));
        json_decref(j);
    }
}

static void replica_set_row(ctl_tab *t, const listing *l, const object *o)
{
    const rollout_replica_set *rs = o->rs;
    char when[32];

    age(when, sizeof(when), l->now, rollout_replica_set_created(rs));
    ctl_tab_printf(t, "%s\t%d\t%d\t%d\t%s", o->name,
                   (int)rollout_replica_set_count(rs, ROLLOUT_COUNT_DESIRED),
                   (int)rollout_replica_set_count(rs, ROLLOUT_COUNT_CURRENT),
                   (int)rollout_replica_set_count(rs, ROLLOUT_COUNT_READY), when);
    if (l->format == OUT_WIDE) {
        rollout_revision *rev = rollout_replica_set_revision(rs);
        json_t *tmpl = kctl_template_json(rev), *j = kctl_deployment_json(o->d);
        json_t *sel = json_deep_copy(json_object_get(
            json_object_get(json_object_get(j, "spec"), "selector"), "matchLabels"));

        if (!json_is_object(sel)) {
            json_decref(sel);
            sel = json_object();
        }
        json_object_set_new(sel, "pod-template-hash", json_string(rollout_revision_hash(rev)));
        wide_columns(t, tmpl, sel);
        json_decref(sel);
        json_decref(tmpl);
        json_decref(j);
    }
}

static void pod_row(ctl_tab *t, const listing *l, const object *o)
{
    const rollout_replica *r = o->r;
    size_t containers = rollout_revision_container_count(rollout_replica_revision(r));
    bool ready = rollout_replica_phase(r) == ROLLOUT_PHASE_READY;
    const char *node = rollout_replica_node(r);
    char when[32];

    age(when, sizeof(when), l->now, rollout_replica_created(r));
    ctl_tab_printf(t, "%s\t%zu/%zu\t%s\t%d\t%s", o->name, ready ? containers : 0,
                   containers, rollout_replica_status_name(r), 0, when);
    if (l->format == OUT_WIDE)
        ctl_tab_printf(t, "\t%s\t%s\t%s\t%s", "<none>", node ? node : "<none>", "<none>",
                       "<none>");
}

static void print_table(const listing *l)
{
    ctl_tab *t = ctl_tab_new(KCTL_TABLE_MINWIDTH, KCTL_TABLE_PADDING);
    bool wide = l->format == OUT_WIDE;
    size_t i;

    if (!l->no_headers) {
        if (l->all_namespaces)
            ctl_tab_printf(t, "NAMESPACE\t");
        if (l->kind == KCTL_DEPLOYMENT)
            ctl_tab_printf(t, "%s%s\n",
                           l->legacy ? "NAME\tDESIRED\tCURRENT\tUP-TO-DATE\tAVAILABLE\tAGE"
                                     : "NAME\tREADY\tUP-TO-DATE\tAVAILABLE\tAGE",
                           wide ? "\tCONTAINERS\tIMAGES\tSELECTOR" : "");
        else if (l->kind == KCTL_REPLICASET)
            ctl_tab_printf(t, "NAME\tDESIRED\tCURRENT\tREADY\tAGE%s\n",
                           wide ? "\tCONTAINERS\tIMAGES\tSELECTOR" : "");
        else
            ctl_tab_printf(t, "NAME\tREADY\tSTATUS\tRESTARTS\tAGE%s\n",
                           wide ? "\tIP\tNODE\tNOMINATED NODE\tREADINESS GATES" : "");
    }
    for (i = 0; i < l->n; i++) {
        const object *o = &l->items[i];

        if (l->all_namespaces)
            ctl_tab_printf(t, "%s\t", o->ns);
        if (l->kind == KCTL_DEPLOYMENT)
            deployment_row(t, l, o);
        else if (l->kind == KCTL_REPLICASET)
            replica_set_row(t, l, o);
        else
            pod_row(t, l, o);
        ctl_tab_printf(t, "\n");
    }
    ctl_tab_flush(t, stdout);
    ctl_tab_free(t);
}

/* JSON and YAML. */

static json_t *time_json(int64_t ms)
{
    char buf[32];

    ctl_format_rfc3339(buf, sizeof(buf), ms);
    return json_string(buf);
}

/* A pod as the API server returns it: its replica set's template with the
 * node it was placed on, and a status after its phase. */
static json_t *pod_json(const object *o)
{
    const rollout_replica *r = o->r;
    rollout_revision *rev = rollout_replica_revision(r);
    json_t *pod = kctl_template_json(rev), *meta, *spec, *status, *owner, *conds;
    const char *node = rollout_replica_node(r), *reason = rollout_replica_reason(r);
    rollout_phase phase = rollout_replica_phase(r);
    bool ready = phase == ROLLOUT_PHASE_READY;
    char prefix[300];
    const char *pod_phase;

    if (!pod)
        return NULL;
    meta = json_object_get(pod, "metadata");
    spec = json_object_get(pod, "spec");
    if (!json_is_object(spec)) {
        spec = json_object();
        json_object_set_new(pod, "spec", spec);
    }
    json_object_set_new(pod, "apiVersion", json_string("v1"));
    json_object_set_new(pod, "kind", json_string("Pod"));
    snprintf(prefix, sizeof(prefix), "%s-", rollout_replica_set_name(o->rs));
    json_object_set_new(meta, "name", json_string(o->name));
    json_object_set_new(meta, "generateName", json_string(prefix));
    json_object_set_new(meta, "namespace", json_string(o->ns));
    json_object_set_new(meta, "creationTimestamp", time_json(rollout_replica_created(r)));
    owner = json_pack("[{s:s, s:b, s:b, s:s, s:s}]", "apiVersion", "apps/v1",
                      "blockOwnerDeletion", 1, "controller", 1, "kind", "ReplicaSet",
                      "name", rollout_replica_set_name(o->rs));
    json_object_set_new(meta, "ownerReferences", owner);
    if (node)
        json_object_set_new(spec, "nodeName", json_string(node));
    switch (phase) {
    case ROLLOUT_PHASE_PENDING:
    case ROLLOUT_PHASE_STARTING:
        pod_phase = "Pending";
        break;
    case ROLLOUT_PHASE_FAILED:
    case ROLLOUT_PHASE_ERROR:
        pod_phase = "Failed";
        break;
    case ROLLOUT_PHASE_FINISHED:
        pod_phase = "Succeeded";
        break;
    case ROLLOUT_PHASE_LOST:
        pod_phase = "Unknown";
        break;
    default:
        pod_phase = "Running";
    }
    status = json_pack("{s:s}", "phase", pod_phase);
    /* kubectl's order: Initialized, Ready, ContainersReady, PodScheduled */
    conds = json_array();
    if (node) {
        const char *ready_s = ready ? "True" : "False";
        json_t *since = rollout_replica_ready_since(r) >= 0
                            ? time_json(rollout_replica_ready_since(r))
                            : json_null();

        json_array_append_new(conds, json_pack("{s:s, s:s}", "type", "Initialized",
                                               "status", "True"));
        json_array_append_new(conds, json_pack("{s:s, s:s, s:O}", "type", "Ready", "status",
                                               ready_s, "lastTransitionTime", since));
        json_array_append_new(conds, json_pack("{s:s, s:s, s:O}", "type", "ContainersReady",
                                               "status", ready_s, "lastTransitionTime", since));
        json_decref(since);
    }
    json_array_append_new(conds, json_pack("{s:s, s:s}", "type", "PodScheduled", "status",
                                           node ? "True" : "False"));
    json_object_set_new(status, "conditions", conds);
    if (reason && (phase == ROLLOUT_PHASE_PENDING || phase == ROLLOUT_PHASE_FAILED ||
                   phase == ROLLOUT_PHASE_ERROR))
        json_object_set_new(status, "message", json_string(reason));
    if (phase == ROLLOUT_PHASE_TERMINATING)
        json_object_set_new(meta, "deletionGracePeriodSeconds", json_integer(30));
    json_object_set_new(pod, "status", status);
    return pod;
}

/* A copy of library text, freed with free(). */
static char *own(char *text)
{
    char *copy = text ? strdup(text) : NULL;

    rollout_free(text);
    return copy;
}

/* The object as kubectl prints it, JSON text. */
static char *object_json(const object *o, kctl_kind kind)
{
    char *text = NULL, *body;
    json_t *j;

    if (kind == KCTL_DEPLOYMENT)
        return rollout_deployment_write(&text, o->d, ROLLOUT_FORMAT_JSON) == ROLLOUT_OK
                   ? own(text)
                   : NULL;
    if (kind == KCTL_REPLICASET)
        return rollout_replica_set_write(&text, o->rs, ROLLOUT_FORMAT_JSON) == ROLLOUT_OK
                   ? own(text)
                   : NULL;
    j = pod_json(o);
    body = j ? json_dumps(j, JSON_INDENT(4) | JSON_SORT_KEYS) : NULL;
    json_decref(j);
    if (body && (text = malloc(strlen(body) + 2)))
        sprintf(text, "%s\n", body);
    free(body);
    return text;
}

static void print_json(const listing *l, bool single)
{
    json_t *list, *items;
    char *text;
    size_t i;

    if (single && l->n == 1) {
        if ((text = object_json(&l->items[0], l->kind)))
            fputs(text, stdout);
        free(text);
        return;
    }
    items = json_array();
    for (i = 0; i < l->n; i++) {
        text = object_json(&l->items[i], l->kind);
        json_array_append_new(items, text ? json_loads(text, 0, NULL) : json_null());
        free(text);
    }
    list = json_pack("{s:s, s:o, s:s, s:{s:s}}", "apiVersion", "v1", "items", items, "kind",
                     "List", "metadata", "resourceVersion", "");
    text = list ? json_dumps(list, JSON_INDENT(4) | JSON_SORT_KEYS) : NULL;
    if (text)
        printf("%s\n", text);
    free(text);
    json_decref(list);
}

/* YAML: the library writes deployments and replica sets; pods are
 * written here, block style with sorted keys as kubectl's go-yaml does,
 * and text that would read back as something else quoted. */

static bool all_of(const char *s, const char *set)
{
    return *s && strspn(s, set) == strlen(s);
}

/* YAML 1.1 integers and floats, as go-yaml resolves plain text. */
static bool reads_as_number(const char *s)
{
    const char *p = s + (*s == '+' || *s == '-');
    const char *e;
    size_t digits;

    if (all_of(p, "0123456789_"))
        return true;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
        return all_of(p + 2, "0123456789abcdefABCDEF_");
    if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B'))
        return all_of(p + 2, "01_");
    if (p[0] == '0' && (p[1] == 'o' || p[1] == 'O'))
        return all_of(p + 2, "01234567_");
    if (strcmp(p, ".inf") == 0 || strcmp(p, ".Inf") == 0 || strcmp(p, ".INF") == 0 ||
        strcmp(s, ".nan") == 0 || strcmp(s, ".NaN") == 0 || strcmp(s, ".NAN") == 0)
        return true;
    /* [0-9]+(.[0-9]*)? or .[0-9]+, then an exponent */
    digits = strspn(p, "0123456789");
    e = p + digits;
    if (*e == '.') {
        size_t frac = strspn(e + 1, "0123456789");

        if (!digits && !frac)
            return false;
        e += 1 + frac;
    } else if (!digits) {
        return false;
    }
    if (*e == 'e' || *e == 'E') {
        e++;
        e += *e == '+' || *e == '-';
        if (!strspn(e, "0123456789"))
            return false;
        e += strspn(e, "0123456789");
    }
    return *e == '\0';
}

/* A date or time other readers take for one (2019-07-07T16:31:32Z), or a
 * sexagesimal number (1:20). */
static bool reads_as_time(const char *s)
{
    const char *p = s;
    size_t n = strspn(p, "0123456789");

    if (n == 4 && p[4] == '-' && strspn(p + 5, "0123456789") >= 1)
        return true;
    p += *p == '+' || *p == '-';
    n = strspn(p, "0123456789_");
    if (!n || p[n] != ':')
        return false;
    return all_of(p + n, "0123456789:._");
}

static bool reads_as_other(const char *s)
{
    static const char *const words[] = {
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE",
        "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF", "~", "null",
        "Null", "NULL", "<<", NULL};
    size_t i;

    for (i = 0; words[i]; i++)
        if (strcmp(s, words[i]) == 0)
            return true;
    return !*s || reads_as_number(s) || reads_as_time(s);
}

/* Whether libyaml's emitter may write S plain. */
static bool plain_allowed(const char *s)
{
    size_t n = strlen(s);
    const char *p;

    if (strchr("#,[]{}&*!|>'\"%@`", s[0]) ||
        ((s[0] == '-' || s[0] == '?' || s[0] == ':') && (s[1] == ' ' || !s[1])) ||
        s[0] == ' ' || s[n - 1] == ' ' || s[n - 1] == ':' || strstr(s, ": ") ||
        strstr(s, " #"))
        return false;
    for (p = s; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return false;
    return true;
}

static void yaml_string(FILE *out, const char *s)
{
    const char *p;

    if (!reads_as_other(s) && plain_allowed(s)) {
        fputs(s, out);
        return;
    }
    if (!reads_as_other(s) && !strpbrk(s, "\n\t\r")) {
        fputc('\'', out);
        for (p = s; *p; p++)
            fputs(*p == '\'' ? "''" : (char[]){*p, 0}, out);
        fputc('\'', out);
        return;
    }
    fputc('"', out);
    for (p = s; *p; p++) {
        unsigned char ch = (unsigned char)*p;

        if (ch == '"' || ch == '\\')
            fprintf(out, "\\%c", ch);
        else if (ch == '\n')
            fputs("\\n", out);
        else if (ch == '\t')
            fputs("\\t", out);
        else if (ch < 0x20 || ch == 0x7f)
            fprintf(out, "\\x%02X", ch);
        else
            fputc(ch, out);
    }
    fputc('"', out);
}

static void yaml_value(FILE *out, const json_t *v, int indent, bool in_sequence);

static void yaml_scalar(FILE *out, const json_t *v)
{
    if (json_is_string(v))
        yaml_string(out, json_string_value(v));
    else if (json_is_integer(v))
        fprintf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    else if (json_is_real(v))
        fprintf(out, "%.17g", json_real_value(v));
    else if (json_is_true(v))
        fputs("true", out);
    else if (json_is_false(v))
        fputs("false", out);
    else
        fputs("null", out);
}

static bool yaml_empty_collection(FILE *out, const json_t *v)
{
    if (json_is_object(v) && json_object_size(v) == 0) {
        fputs(" {}\n", out);
        return true;
    }
    if (json_is_array(v) && json_array_size(v) == 0) {
        fputs(" []\n", out);
        return true;
    }
    return false;
}

/* V at INDENT; the first line's indentation was written already when
 * IN_SEQUENCE ("- "). */
static void yaml_value(FILE *out, const json_t *v, int indent, bool in_sequence)
{
    size_t i, n;

    if (json_is_object(v)) {
        const char **keys = kctl_sorted_keys(v, &n);

        for (i = 0; keys && i < n; i++) {
            const json_t *x = json_object_get(v, keys[i]);
            json_t *key = json_string(keys[i]);

            if (i || !in_sequence)
                fprintf(out, "%*s", indent, "");
            yaml_scalar(out, key);
            json_decref(key);
            fputc(':', out);
            if (yaml_empty_collection(out, x))
                continue;
            if (json_is_object(x)) {
                fputc('\n', out);
                yaml_value(out, x, indent + 2, false);
            } else if (json_is_array(x)) {
                fputc('\n', out);
                yaml_value(out, x, indent, false);
            } else {
                fputc(' ', out);
                yaml_scalar(out, x);
                fputc('\n', out);
            }
        }
        free(keys);
    } else if (json_is_array(v)) {
        json_t *x;

        json_array_foreach(v, i, x) {
            if (i || !in_sequence)
                fprintf(out, "%*s", indent, "");
            fputc('-', out);
            if (yaml_empty_collection(out, x))
                continue;
            fputc(' ', out);
            if (json_is_object(x) || json_is_array(x)) {
                yaml_value(out, x, indent + 2, true);
            } else {
                yaml_scalar(out, x);
                fputc('\n', out);
            }
        }
    } else {
        yaml_scalar(out, v);
        fputc('\n', out);
    }
}

/* The object as kubectl prints it, YAML text. */
static char *object_yaml(const object *o, kctl_kind kind)
{
    char *text = NULL;
    size_t size = 0;
    FILE *f;
    json_t *j;

    if (kind == KCTL_DEPLOYMENT)
        return rollout_deployment_write(&text, o->d, ROLLOUT_FORMAT_YAML) == ROLLOUT_OK
                   ? own(text)
                   : NULL;
    if (kind == KCTL_REPLICASET)
        return rollout_replica_set_write(&text, o->rs, ROLLOUT_FORMAT_YAML) == ROLLOUT_OK
                   ? own(text)
                   : NULL;
    if (!(j = pod_json(o)) || !(f = open_memstream(&text, &size))) {
        json_decref(j);
        return NULL;
    }
    yaml_value(f, j, 0, false);
    fclose(f);
    json_decref(j);
    return text;
}

static void print_yaml(const listing *l, bool single)
{
    char *text;
    size_t i;

    if (single && l->n == 1) {
        if ((text = object_yaml(&l->items[0], l->kind)))
            fputs(text, stdout);
        free(text);
        return;
    }
    printf("apiVersion: v1\nitems:%s\n", l->n ? "" : " []");
    for (i = 0; i < l->n; i++) {
        const char *p, *nl;

        if (!(text = object_yaml(&l->items[i], l->kind)))
            continue;
        /* each item a sequence entry: its lines two further in */
        for (p = text; *p; p = nl + 1) {
            nl = strchr(p, '\n');
            if (!nl)
                nl = p + strlen(p);
            if (nl > p)
                printf("%s%.*s", p == text ? "- " : "  ", (int)(nl - p), p);
            putchar('\n');
            if (!*nl)
                break;
        }
        free(text);
    }
    printf("kind: List\nmetadata:\n  resourceVersion: \"\"\n");
}

static void print_name(const listing *l)
{
    size_t i;

    for (i = 0; i < l->n; i++)
        printf("%s/%s\n", kctl_kind_name(l->kind), l->items[i].name);
}

int ctl_kubectl_get(const char *state, int argc, char **argv)
{
    listing l;
    const char **names;
    int a, n_names = 0, rc = CTL_OK;
    bool typed = false, slash_form = false, oom = false;
    ctl c;

    if (ctl_wants_help(argc, argv)) {
        ctl_print_help(&ctl_verb_kubectl_get);
        return CTL_OK;
    }
    memset(&l, 0, sizeof(l));
    if (!(names = calloc((size_t)argc, sizeof(*names)))) {
        ctl_err(KCTL_ERR, "out of memory");
        return CTL_FAIL;
    }
    for (a = 1; a < argc && rc == CTL_OK; a++) {
        const char *v, *arg = argv[a];
        bool bad = false, flag;
        int f;

        if ((v = ctl_option("-o", argc, argv, &a)) ||
            (v = ctl_option("--output", argc, argv, &a))) {
            if (strcmp(v, "wide") == 0)
                l.format = OUT_WIDE;
            else if (strcmp(v, "name") == 0)
                l.format = OUT_NAME;
            else if (strcmp(v, "json") == 0)
                l.format = OUT_JSON;
            else if (strcmp(v, "yaml") == 0)
                l.format = OUT_YAML;
            else
                rc = kctl_usage("get", "unable to match a printer suitable for the output "
                                "format \"%s\", allowed formats are: json,name,wide,yaml", v);
        } else if ((v = kctl_namespace(argc, argv, &a, &bad))) {
            if (bad)
                rc = kctl_usage("get", "-n takes a namespace");
            l.ns = v;
        } else if ((f = kctl_bool_flag(arg, "--all-namespaces", "-A", &flag))) {
            l.all_namespaces = flag;
            if (f < 0)
                rc = kctl_usage("get", "%s takes true or false", arg);
        } else if ((f = kctl_bool_flag(arg, "--legacy-columns", NULL, &flag))) {
            l.legacy = flag;
            if (f < 0)
                rc = kctl_usage("get", "%s takes true or false", arg);
        } else if ((f = kctl_bool_flag(arg, "--no-headers", NULL, &flag))) {
            l.no_headers = flag;
            if (f < 0)
                rc = kctl_usage("get", "%s takes true or false", arg);
        } else if (arg[0] == '-') {
            rc = kctl_usage("get", "unknown flag: %s", arg);
        } else {
            const char *slash = strchr(arg, '/');
            char type[64];
            kctl_kind kind;

            if (typed && !slash_form) {
                if (slash)
                    rc = kctl_usage("get", "there is no need to specify a resource type as "
                                    "a separate argument when passing arguments in "
                                    "resource/name form");
                names[n_names++] = arg;
                continue;
            }
            if (typed && !slash) {
                rc = kctl_usage("get", "arguments in resource/name form must have a "
                                "single resource and name");
                continue;
            }
            snprintf(type, sizeof(type), "%.*s", slash ? (int)(slash - arg) : 63, arg);
            if (strchr(type, ',') || strcmp(type, "all") == 0) {
                rc = kctl_usage("get", "one resource type at a time: deployments, "
                                "replicasets or pods");
                continue;
            }
            if (!kctl_kind_parse(type, &kind)) {
                ctl_err(KCTL_ERR, "the server doesn't have a resource type \"%s\"", type);
                rc = CTL_FAIL;
                continue;
            }
            if (typed && kind != l.kind) {
                rc = kctl_usage("get", "one resource type at a time: deployments, "
                                "replicasets or pods");
                continue;
            }
            l.kind = kind;
            if (slash && !slash[1]) {
                rc = kctl_usage("get", "arguments in resource/name form must have a "
                                "single resource and name");
                continue;
            }
            if (slash)
                names[n_names++] = slash + 1;
            slash_form = slash != NULL;
            typed = true;
        }
    }
    if (rc == CTL_OK && !typed)
        rc = kctl_usage("get", "You must specify the type of resource to get. Use "
                        "\"rolloutctl get deployments\", \"rolloutctl get rs\" or "
                        "\"rolloutctl get pods\".");
    if (rc == CTL_OK && l.all_namespaces && n_names)
        rc = kctl_usage("get", "a resource cannot be retrieved by name across all "
                        "namespaces");
    if (rc != CTL_OK) {
        free(names);
        return rc;
    }
    if (!l.ns)
        l.ns = "default";
    if ((rc = ctl_open(&c, state, KCTL_ERR)) != CTL_OK) {
        free(names);
        return rc;
    }
    l.now = rollout_sim_now(c.sim);
    if (n_names == 0) {
        oom = !collect(&l, c.engine);
    } else {
        for (a = 0; a < n_names && !oom; a++) {
            int found = find(&l, c.engine, names[a]);

            oom = found < 0;
            if (found == 0) {
                kctl_not_found(l.kind, names[a]);
                rc = CTL_FAIL;
            }
        }
    }
    if (oom) {
        ctl_err(KCTL_ERR, "out of memory");
        rc = CTL_FAIL;
    } else if (l.format == OUT_NAME) {
        print_name(&l);
    } else if (n_names == 1 && l.n == 0) {
        /* one object asked for: its error alone */
    } else if (l.format == OUT_JSON || l.format == OUT_YAML) {
        if (l.format == OUT_JSON)
            print_json(&l, n_names == 1);
        else
            print_yaml(&l, n_names == 1);
    } else if (l.n > 0) {
        print_table(&l);
    } else if (n_names == 0) {
        if (l.all_namespaces)
            fprintf(stderr, "No resources found\n");
        else
            fprintf(stderr, "No resources found in %s namespace.\n", l.ns);
    }
    if (ctl_save(&c, KCTL_ERR) != CTL_OK)
        rc = CTL_FAIL;
    ctl_close(&c);
    free(l.items);
    free(names);
    return rc;
}
