/*
 * kubectl describe deployment, and the pod template section that rollout
 * history --revision prints too: kubectl's DeploymentDescriber and
 * DescribePodTemplate, line by line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kubectl.h"

const ctl_verb ctl_verb_kubectl_describe = {
    "describe", ctl_kubectl_describe, "Show a deployment in detail (kubectl).",
    "Usage:\n"
    "  rolloutctl describe deployment [NAME...] [-n NAMESPACE]\n"
    "  rolloutctl describe deployment/NAME... [-n NAMESPACE]\n"
    "\n"
    "Prints what kubectl describe prints: the deployment's metadata, replicas and\n"
    "strategy, its pod template, its conditions, its old and new replica sets, and\n"
    "its events (the deployment controller's ScalingReplicaSet events, from the\n"
    "cluster's timeline; as the API server keeps events for an hour, older ones are\n"
    "gone, and identical ones are counted as one).  Without NAME, every deployment\n"
    "of the namespace.\n",
};

/* Events are kept this long, as the API server's --event-ttl. */
#define EVENT_TTL_MS (3600 * 1000)
/* describe cuts annotation values longer than this, as kubectl does. */
#define MAX_ANNOTATION_LEN 140

static const char *str(const json_t *v)
{
    const char *s = json_string_value(v);

    return s ? s : "";
}

/* printLabelsMultiline */
static void labels_multiline(ctl_tab *t, const char *title, const json_t *labels)
{
    size_t n, i;
    const char **keys = kctl_sorted_keys(labels, &n);

    ctl_tab_printf(t, "%s:\t", title);
    if (!keys || n == 0)
        ctl_tab_printf(t, "<none>\n");
    for (i = 0; keys && i < n; i++)
        ctl_tab_printf(t, "%s%s=%s\n", i ? "\t" : "", keys[i],
                       str(json_object_get(labels, keys[i])));
    free(keys);
}

/* shorten: the first MAX characters and "..." */
static void annotation_line(ctl_tab *t, const char *s, size_t len)
{
    size_t max = MAX_ANNOTATION_LEN - 2;

    if (len > max)
        ctl_tab_printf(t, "\t  %.*s...\n", (int)max, s);
    else
        ctl_tab_printf(t, "\t  %.*s\n", (int)len, s);
}

/* printAnnotationsMultiline: the last-applied configuration is skipped,
 * long or multi-line values go on lines of their own. */
static void annotations_multiline(ctl_tab *t, const char *title, const json_t *anns)
{
    size_t n, i, shown = 0;
    const char **keys = kctl_sorted_keys(anns, &n);

    ctl_tab_printf(t, "%s:\t", title);
    for (i = 0; keys && i < n; i++) {
        const char *key = keys[i], *value = str(json_object_get(anns, key));
        size_t len = strlen(value);

        if (strcmp(key, "kubectl.kubernetes.io/last-applied-configuration") == 0)
            continue;
        if (shown++)
            ctl_tab_printf(t, "\t");
        if (len && value[len - 1] == '\n')
            len--;
        if (len + strlen(key) + 2 > MAX_ANNOTATION_LEN || memchr(value, '\n', len)) {
            const char *p = value, *end = value + len;

            ctl_tab_printf(t, "%s:\n", key);
            for (;;) {
                const char *nl = memchr(p, '\n', (size_t)(end - p));

                annotation_line(t, p, (size_t)((nl ? nl : end) - p));
                if (!nl)
                    break;
                p = nl + 1;
            }
        } else {
            ctl_tab_printf(t, "%s: %.*s\n", key, (int)len, value);
        }
    }
    if (shown == 0)
        ctl_tab_printf(t, "<none>\n");
    free(keys);
}

static void json_scalar(char *buf, size_t size, const json_t *v)
{
    if (json_is_string(v))
        snprintf(buf, size, "%s", json_string_value(v));
    else if (json_is_integer(v))
        snprintf(buf, size, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    else if (json_is_real(v))
        snprintf(buf, size, "%g", json_real_value(v));
    else
        snprintf(buf, size, "%s", "");
}

static int64_t int_or(const json_t *v, int64_t dflt)
{
    return json_is_integer(v) ? (int64_t)json_integer_value(v) : dflt;
}

/* DescribeProbe, with the API server's defaults. */
static void probe(ctl_tab *t, const char *title, const json_t *p)
{
    const json_t *http = json_object_get(p, "httpGet"), *tcp = json_object_get(p, "tcpSocket");
    const json_t *exec = json_object_get(p, "exec"), *x;
    char attrs[256], port[64];
    size_t i;

    if (!json_is_object(p))
        return;
    snprintf(attrs, sizeof(attrs), "delay=%llds timeout=%llds period=%llds #success=%lld "
             "#failure=%lld",
             (long long)int_or(json_object_get(p, "initialDelaySeconds"), 0),
             (long long)int_or(json_object_get(p, "timeoutSeconds"), 1),
             (long long)int_or(json_object_get(p, "periodSeconds"), 10),
             (long long)int_or(json_object_get(p, "successThreshold"), 1),
             (long long)int_or(json_object_get(p, "failureThreshold"), 3));
    ctl_tab_printf(t, "    %s:\t", title);
    if (json_is_object(exec)) {
        ctl_tab_printf(t, "exec [");
        json_array_foreach(json_object_get(exec, "command"), i, x)
            ctl_tab_printf(t, "%s%s", i ? " " : "", str(x));
        ctl_tab_printf(t, "] %s\n", attrs);
    } else if (json_is_object(http)) {
        const char *scheme = json_string_value(json_object_get(http, "scheme"));
        const char *host = str(json_object_get(http, "host"));
        char low[16];

        snprintf(low, sizeof(low), "%s", scheme ? scheme : "HTTP");
        for (i = 0; low[i]; i++)
            if (low[i] >= 'A' && low[i] <= 'Z')
                low[i] = (char)(low[i] - 'A' + 'a');
        json_scalar(port, sizeof(port), json_object_get(http, "port"));
        ctl_tab_printf(t, "http-get %s://%s%s%s%s%s%s %s\n", low,
                       strchr(host, ':') ? "[" : "", host, strchr(host, ':') ? "]" : "",
                       *port ? ":" : "", port, str(json_object_get(http, "path")), attrs);
    } else if (json_is_object(tcp)) {
        json_scalar(port, sizeof(port), json_object_get(tcp, "port"));
        ctl_tab_printf(t, "tcp-socket %s:%s %s\n", str(json_object_get(tcp, "host")), port,
                       attrs);
    } else {
        ctl_tab_printf(t, "unknown %s\n", attrs);
    }
}

static void resources(ctl_tab *t, const json_t *res)
{
    static const char *const kinds[][2] = {{"limits", "Limits"}, {"requests", "Requests"}};
    size_t k, n, i;

    for (k = 0; k < 2; k++) {
        const json_t *q = json_object_get(res, kinds[k][0]);
        const char **keys = kctl_sorted_keys(q, &n);
        char v[64];

        if (keys && n) {
            ctl_tab_printf(t, "    %s:\n", kinds[k][1]);
            for (i = 0; i < n; i++) {
                json_scalar(v, sizeof(v), json_object_get(q, keys[i]));
                ctl_tab_printf(t, "      %s:\t%s\n", keys[i], v);
            }
        }
        free(keys);
    }
}

/* "8000/TCP, 8443/TCP" of the container or host ports */
static void ports(ctl_tab *t, const json_t *list, const char *field, const char *one,
                  const char *many)
{
    size_t i;
    json_t *x;

    ctl_tab_printf(t, "    %s:\t", json_array_size(list) > 1 ? many : one);
    if (json_array_size(list) == 0)
        ctl_tab_printf(t, "<none>");
    json_array_foreach(list, i, x) {
        const char *proto = json_string_value(json_object_get(x, "protocol"));

        ctl_tab_printf(t, "%s%lld/%s", i ? ", " : "",
                       (long long)int_or(json_object_get(x, field), 0), proto ? proto : "TCP");
    }
    ctl_tab_printf(t, "\n");
}

static void words(ctl_tab *t, const char *title, const json_t *list)
{
    size_t i;
    json_t *x;

    if (json_array_size(list) == 0)
        return;
    ctl_tab_printf(t, "    %s:\n", title);
    json_array_foreach(list, i, x) {
        const char *s = str(x), *nl;

        while ((nl = strchr(s, '\n'))) {
            ctl_tab_printf(t, "      %.*s\n", (int)(nl - s), s);
            s = nl + 1;
        }
        ctl_tab_printf(t, "      %s\n", s);
    }
}

static void environment(ctl_tab *t, const json_t *env)
{
    size_t i;
    json_t *x;

    ctl_tab_printf(t, "    Environment:%s\n", json_array_size(env) ? "" : "\t<none>");
    json_array_foreach(env, i, x) {
        const char *name = str(json_object_get(x, "name"));
        const json_t *from = json_object_get(x, "valueFrom");
        const char *s, *nl;
        bool first = true;

        if (json_is_object(from)) {
            const json_t *field = json_object_get(from, "fieldRef");
            const json_t *res = json_object_get(from, "resourceFieldRef");
            const json_t *secret = json_object_get(from, "secretKeyRef");
            const json_t *cm = json_object_get(from, "configMapKeyRef");
            const char *version = json_string_value(json_object_get(field, "apiVersion"));

            if (json_is_object(field))
                ctl_tab_printf(t, "      %s:\t (%s:%s)\n", name, version ? version : "v1",
                               str(json_object_get(field, "fieldPath")));
            else if (json_is_object(res))
                ctl_tab_printf(t, "      %s:\t (%s)\n", name,
                               str(json_object_get(res, "resource")));
            else if (json_is_object(secret) || json_is_object(cm))
                ctl_tab_printf(t, "      %s:\t<set to the key '%s' %s '%s'>\tOptional: %s\n",
                               name, str(json_object_get(secret ? secret : cm, "key")),
                               secret ? "in secret" : "of config map",
                               str(json_object_get(secret ? secret : cm, "name")),
                               json_is_true(json_object_get(secret ? secret : cm, "optional"))
                                   ? "true"
                                   : "false");
            continue;
        }
        /* a value of several lines: the first beside the name */
        s = str(json_object_get(x, "value"));
        do {
            int len;

            nl = strchr(s, '\n');
            len = nl ? (int)(nl - s) : (int)strlen(s);
            if (first)
                ctl_tab_printf(t, "      %s:\t%.*s\n", name, len, s);
            else
                ctl_tab_printf(t, "      \t%.*s\n", len, s);
            first = false;
            s = nl ? nl + 1 : s;
        } while (nl);
    }
}

static void mounts(ctl_tab *t, const json_t *list)
{
    size_t i;
    json_t *x;

    ctl_tab_printf(t, "    Mounts:%s\n", json_array_size(list) ? "" : "\t<none>");
    json_array_foreach(list, i, x)
        ctl_tab_printf(t, "      %s from %s (%s)\n", str(json_object_get(x, "mountPath")),
                       str(json_object_get(x, "name")),
                       json_is_true(json_object_get(x, "readOnly")) ? "ro" : "rw");
}

/* describeContainers */
static void containers(ctl_tab *t, const char *label, const json_t *list)
{
    size_t i;
    json_t *c;

    ctl_tab_printf(t, "  %s:%s\n", label, json_array_size(list) ? "" : " <none>");
    json_array_foreach(list, i, c) {
        ctl_tab_printf(t, "   %s:\n", str(json_object_get(c, "name")));
        ctl_tab_printf(t, "    Image:\t%s\n", str(json_object_get(c, "image")));
        ports(t, json_object_get(c, "ports"), "containerPort", "Port", "Ports");
        ports(t, json_object_get(c, "ports"), "hostPort", "Host Port", "Host Ports");
        words(t, "Command", json_object_get(c, "command"));
        words(t, "Args", json_object_get(c, "args"));
        resources(t, json_object_get(c, "resources"));
        probe(t, "Liveness", json_object_get(c, "livenessProbe"));
        probe(t, "Readiness", json_object_get(c, "readinessProbe"));
        probe(t, "Startup", json_object_get(c, "startupProbe"));
        environment(t, json_object_get(c, "env"));
        mounts(t, json_object_get(c, "volumeMounts"));
    }
}

static const char *bool_str(const json_t *v)
{
    return json_is_true(v) ? "true" : "false";
}

/* describeVolumes, for the common kinds of volume */
static void volumes(ctl_tab *t, const json_t *list)
{
    size_t i;
    json_t *v;

    if (json_array_size(list) == 0) {
        ctl_tab_printf(t, "  Volumes:\t<none>\n");
        return;
    }
    ctl_tab_printf(t, "  Volumes:\n");
    json_array_foreach(list, i, v) {
        const json_t *x;

        ctl_tab_printf(t, "   %s:\n", str(json_object_get(v, "name")));
        if ((x = json_object_get(v, "emptyDir"))) {
            const char *limit = json_string_value(json_object_get(x, "sizeLimit"));

            ctl_tab_printf(t, "    Type:\tEmptyDir (a temporary directory that shares a "
                           "pod's lifetime)\n    Medium:\t%s\n    SizeLimit:\t%s\n",
                           str(json_object_get(x, "medium")), limit ? limit : "<unset>");
        } else if ((x = json_object_get(v, "configMap"))) {
            ctl_tab_printf(t, "    Type:\tConfigMap (a volume populated by a ConfigMap)\n"
                           "    Name:\t%s\n    Optional:\t%s\n",
                           str(json_object_get(x, "name")),
                           bool_str(json_object_get(x, "optional")));
        } else if ((x = json_object_get(v, "secret"))) {
            ctl_tab_printf(t, "    Type:\tSecret (a volume populated by a Secret)\n"
                           "    SecretName:\t%s\n    Optional:\t%s\n",
                           str(json_object_get(x, "secretName")),
                           bool_str(json_object_get(x, "optional")));
        } else if ((x = json_object_get(v, "hostPath"))) {
            ctl_tab_printf(t, "    Type:\tHostPath (bare host directory volume)\n"
                           "    Path:\t%s\n    HostPathType:\t%s\n",
                           str(json_object_get(x, "path")), str(json_object_get(x, "type")));
        } else if ((x = json_object_get(v, "persistentVolumeClaim"))) {
            ctl_tab_printf(t, "    Type:\tPersistentVolumeClaim (a reference to a "
                           "PersistentVolumeClaim in the same namespace)\n"
                           "    ClaimName:\t%s\n    ReadOnly:\t%s\n",
                           str(json_object_get(x, "claimName")),
                           bool_str(json_object_get(x, "readOnly")));
        } else {
            ctl_tab_printf(t, "  <unknown>\n");
        }
    }
}

void kctl_describe_pod_template(ctl_tab *t, const json_t *tmpl)
{
    const json_t *meta = json_object_get(tmpl, "metadata");
    const json_t *spec = json_object_get(tmpl, "spec");
    const json_t *anns = json_object_get(meta, "annotations");
    const char *sa = json_string_value(json_object_get(spec, "serviceAccountName"));
    const char *prio = json_string_value(json_object_get(spec, "priorityClassName"));

    ctl_tab_printf(t, "Pod Template:\n");
    labels_multiline(t, "  Labels", json_object_get(meta, "labels"));
    if (json_object_size(anns) > 0)
        annotations_multiline(t, "  Annotations", anns);
    if (sa && *sa)
        ctl_tab_printf(t, "  Service Account:\t%s\n", sa);
    if (json_array_size(json_object_get(spec, "initContainers")) > 0)
        containers(t, "Init Containers", json_object_get(spec, "initContainers"));
    containers(t, "Containers", json_object_get(spec, "containers"));
    volumes(t, json_object_get(spec, "volumes"));
    if (prio && *prio)
        ctl_tab_printf(t, "  Priority Class Name:\t%s\n", prio);
}

/* printReplicaSetsByLabels */
static void replica_sets(ctl_tab *t, rollout_replica_set *const *sets, size_t n)
{
    size_t i;

    if (n == 0)
        ctl_tab_printf(t, "<none>");
    for (i = 0; i < n; i++)
        ctl_tab_printf(t, "%s%s (%d/%d replicas created)", i ? ", " : "",
                       rollout_replica_set_name(sets[i]),
                       (int)rollout_replica_set_count(sets[i], ROLLOUT_COUNT_CURRENT),
                       (int)rollout_replica_set_count(sets[i], ROLLOUT_COUNT_DESIRED));
    ctl_tab_printf(t, "\n");
}

static int cmp_set(const void *a, const void *b)
{
    return strcmp(rollout_replica_set_name(*(rollout_replica_set *const *)a),
                  rollout_replica_set_name(*(rollout_replica_set *const *)b));
}

typedef struct {
    const char *type, *reason, *message;
    size_t type_len, reason_len;
    int64_t first, last;
    int count;
    size_t index; /* in the timeline: ties keep its order */
} event;

static int cmp_event(const void *a, const void *b)
{
    const event *x = a, *y = b;

    if (x->last != y->last)
        return x->last < y->last ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Whether another namespace has a deployment of D's name: the timeline
 * names a deployment without its namespace. */
static bool name_shared(const ctl *c, const rollout_deployment *d)
{
    size_t i;

    for (i = 0; i < rollout_engine_deployment_count(c->engine); i++) {
        const rollout_deployment *o = rollout_engine_deployment_at(c->engine, i);

        if (o != d && rollout_deployment_kind(o) == ROLLOUT_KIND_DEPLOYMENT &&
            strcmp(rollout_deployment_name(o), rollout_deployment_name(d)) == 0)
            return true;
    }
    return false;
}

/* Whether the event MESSAGE may be D's: one that names a replica set
 * ("Scaled up replica set test-5d8f7c9b6d to 3") names one of D's. */
static bool names_own_set(const rollout_deployment *d, const char *message)
{
    const char *p = strstr(message, "replica set "), *end;
    size_t i, len;

    if (!p)
        return true;
    p += strlen("replica set ");
    end = strchr(p, ' ');
    len = end ? (size_t)(end - p) : strlen(p);
    for (i = 0; i < rollout_deployment_replica_set_count(d); i++) {
        const char *name = rollout_replica_set_name(rollout_deployment_replica_set_at(d, i));

        if (strlen(name) == len && strncmp(name, p, len) == 0)
            return true;
    }
    return false;
}

/* The deployment's events: "event TYPE REASON Deployment/NAME: MESSAGE"
 * lines of the timeline since it was created, identical ones counted.
 * When another namespace has a deployment of the same name, its events
 * are told apart by the replica sets they name. */
static void events(ctl_tab *t, const ctl *c, const rollout_deployment *d)
{
    const rollout_sim *sim = c->sim;
    size_t i, j, n = rollout_sim_timeline_count(sim), n_ev = 0;
    int64_t now = rollout_sim_now(sim), since = rollout_deployment_created(d);
    char object[300];
    event *ev = calloc(n ? n : 1, sizeof(*ev));
    bool shared = name_shared(c, d);

    snprintf(object, sizeof(object), " Deployment/%s: ", rollout_deployment_name(d));
    for (i = 0; ev && i < n; i++) {
        const char *text, *type, *reason, *obj;
        int64_t when;
        event *e = NULL;

        if (rollout_sim_timeline_at(&when, &text, sim, i) != ROLLOUT_OK || when < since ||
            strncmp(text, "event ", 6) != 0)
            continue;
        type = text + 6;
        if (!(reason = strchr(type, ' ')))
            continue;
        reason++;
        if (!(obj = strchr(reason, ' ')) || strncmp(obj, object, strlen(object)) != 0 ||
            (shared && !names_own_set(d, obj + strlen(object))))
            continue;
        for (j = 0; j < n_ev; j++)
            if (ev[j].type_len == (size_t)(reason - 1 - type) &&
                strncmp(ev[j].type, type, ev[j].type_len) == 0 &&
                ev[j].reason_len == (size_t)(obj - reason) &&
                strncmp(ev[j].reason, reason, ev[j].reason_len) == 0 &&
                strcmp(ev[j].message, obj + strlen(object)) == 0)
                e = &ev[j];
        if (!e) {
            e = &ev[n_ev++];
            e->type = type;
            e->type_len = (size_t)(reason - 1 - type);
            e->reason = reason;
            e->reason_len = (size_t)(obj - reason);
            e->message = obj + strlen(object);
            e->first = when;
            e->index = n_ev - 1;
        }
        e->last = when;
        e->count++;
    }
    /* what the API server has let go */
    for (i = j = 0; i < n_ev; i++)
        if (ev[i].last + EVENT_TTL_MS > now)
            ev[j++] = ev[i];
    n_ev = j;
    if (n_ev == 0) {
        ctl_tab_printf(t, "Events:\t<none>\n");
        free(ev);
        return;
    }
    ctl_tab_flush(t, stdout);
    qsort(ev, n_ev, sizeof(*ev), cmp_event);
    ctl_tab_printf(t, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n");
    ctl_tab_printf(t, "  ----\t------\t----\t----\t-------\n");
    for (i = 0; i < n_ev; i++) {
        char first[32], last[32], interval[96];

        ctl_format_age(first, sizeof(first), now - ev[i].first);
        ctl_format_age(last, sizeof(last), now - ev[i].last);
        if (ev[i].count > 1)
            snprintf(interval, sizeof(interval), "%s (x%d over %s)", last, ev[i].count,
                     first);
        else
            snprintf(interval, sizeof(interval), "%s", first);
        ctl_tab_printf(t, "  %.*s\t%.*s\t%s\t%s\t%s\n", (int)ev[i].type_len, ev[i].type,
                       (int)ev[i].reason_len, ev[i].reason, interval, "deployment-controller",
                       ev[i].message);
    }
    free(ev);
}

/* Go's time.RFC1123Z in the local zone. */
static void rfc1123z(char *buf, size_t size, int64_t ms)
{
    time_t s = (time_t)(ms / 1000);
    struct tm tm;

    localtime_r(&s, &tm);
    strftime(buf, size, "%a, %d %b %Y %H:%M:%S %z", &tm);
}

static const char *intstr(char *buf, size_t size, const json_t *v, const char *dflt)
{
    if (!v)
        return dflt;
    json_scalar(buf, size, v);
    return buf;
}

static void describe(const ctl *c, rollout_deployment *d)
{
    ctl_tab *t = ctl_tab_new(KCTL_DESCRIBE_MINWIDTH, KCTL_DESCRIBE_PADDING);
    char *text = NULL, when[64], *sel, mu[32], ms[32];
    json_t *j = NULL, *meta, *spec, *strategy, *ru, *tmpl;
    rollout_replica_set *new_rs = rollout_deployment_new_replica_set(d), **old;
    size_t i, n_old = 0, n_sets = rollout_deployment_replica_set_count(d);

    if (rollout_deployment_write(&text, d, ROLLOUT_FORMAT_JSON) == ROLLOUT_OK)
        j = json_loads(text, 0, NULL);
    rollout_free(text);
    old = calloc(n_sets ? n_sets : 1, sizeof(*old));
    if (!t || !j || !old) {
        ctl_err(KCTL_ERR, "out of memory");
        ctl_tab_free(t);
        json_decref(j);
        free(old);
        return;
    }
    meta = json_object_get(j, "metadata");
    spec = json_object_get(j, "spec");
    strategy = json_object_get(spec, "strategy");
    ru = json_object_get(strategy, "rollingUpdate");
    tmpl = json_object_get(spec, "template");
    rfc1123z(when, sizeof(when), rollout_deployment_created(d));
    sel = kctl_format_labels(json_object_get(json_object_get(spec, "selector"), "matchLabels"));
    ctl_tab_printf(t, "Name:\t%s\n", rollout_deployment_name(d));
    ctl_tab_printf(t, "Namespace:\t%s\n", rollout_deployment_namespace(d));
    ctl_tab_printf(t, "CreationTimestamp:\t%s\n", when);
    labels_multiline(t, "Labels", json_object_get(meta, "labels"));
    annotations_multiline(t, "Annotations", json_object_get(meta, "annotations"));
    ctl_tab_printf(t, "Selector:\t%s\n", sel ? sel : "");
    ctl_tab_printf(t, "Replicas:\t%d desired | %d updated | %d total | %d available | %d "
                   "unavailable\n",
                   (int)rollout_deployment_count(d, ROLLOUT_COUNT_DESIRED),
                   (int)rollout_deployment_count(d, ROLLOUT_COUNT_UPDATED),
                   (int)rollout_deployment_count(d, ROLLOUT_COUNT_CURRENT),
                   (int)rollout_deployment_count(d, ROLLOUT_COUNT_AVAILABLE),
                   (int)rollout_deployment_count(d, ROLLOUT_COUNT_UNAVAILABLE));
    ctl_tab_printf(t, "StrategyType:\t%s\n", str(json_object_get(strategy, "type")));
    ctl_tab_printf(t, "MinReadySeconds:\t%lld\n",
                   (long long)int_or(json_object_get(spec, "minReadySeconds"), 0));
    if (json_is_object(ru))
        ctl_tab_printf(t, "RollingUpdateStrategy:\t%s max unavailable, %s max surge\n",
                       intstr(mu, sizeof(mu), json_object_get(ru, "maxUnavailable"), "25%"),
                       intstr(ms, sizeof(ms), json_object_get(ru, "maxSurge"), "25%"));
    kctl_describe_pod_template(t, tmpl);
    if (rollout_deployment_condition_count(d) > 0) {
        ctl_tab_printf(t, "Conditions:\n  Type\tStatus\tReason\n");
        ctl_tab_printf(t, "  ----\t------\t------\n");
        for (i = 0; i < rollout_deployment_condition_count(d); i++) {
            const char *type, *status, *reason;

            if (rollout_deployment_condition_at(&type, &status, &reason, NULL, NULL, NULL, d,
                                                i) == ROLLOUT_OK)
                ctl_tab_printf(t, "  %s \t%s\t%s\n", type, status, reason);
        }
    }
    /* old sets: those that still have replicas to run */
    for (i = 0; i < n_sets; i++) {
        rollout_replica_set *rs = rollout_deployment_replica_set_at(d, i);

        if (rs != new_rs && rollout_replica_set_count(rs, ROLLOUT_COUNT_DESIRED) != 0)
            old[n_old++] = rs;
    }
    qsort(old, n_old, sizeof(*old), cmp_set);
    if (n_old || new_rs) {
        ctl_tab_printf(t, "OldReplicaSets:\t");
        replica_sets(t, old, n_old);
        ctl_tab_printf(t, "NewReplicaSet:\t");
        replica_sets(t, &new_rs, new_rs ? 1 : 0);
    }
    events(t, c, d);
    ctl_tab_flush(t, stdout);
    ctl_tab_free(t);
    free(sel);
    free(old);
    json_decref(j);
}

static int cmp_deployment(const void *a, const void *b)
{
    return strcmp(rollout_deployment_name(*(rollout_deployment *const *)a),
                  rollout_deployment_name(*(rollout_deployment *const *)b));
}

int ctl_kubectl_describe(const char *state, int argc, char **argv)
{
    const char *ns = NULL;
    const char **names;
    rollout_deployment **found;
    size_t n_found = 0, i;
    int a, n_names = 0, rc = CTL_OK;
    bool typed = false, slash_form = false;
    ctl c;

    if (ctl_wants_help(argc, argv)) {
        ctl_print_help(&ctl_verb_kubectl_describe);
        return CTL_OK;
    }
    if (!(names = calloc((size_t)argc, sizeof(*names)))) {
        ctl_err(KCTL_ERR, "out of memory");
        return CTL_FAIL;
    }
    for (a = 1; a < argc && rc == CTL_OK; a++) {
        const char *v, *arg = argv[a], *slash = strchr(arg, '/');
        bool bad = false;
        kctl_kind kind;
        char type[64];

        if ((v = kctl_namespace(argc, argv, &a, &bad))) {
            if (bad)
                rc = kctl_usage("describe", "-n takes a namespace");
            ns = v;
            continue;
        }
        if (arg[0] == '-') {
            rc = kctl_usage("describe", "unknown flag: %s", arg);
            continue;
        }
        if (typed && !slash_form) {
            if (slash)
                rc = kctl_usage("describe", "there is no need to specify a resource type "
                                "as a separate argument when passing arguments in "
                                "resource/name form");
            names[n_names++] = arg;
            continue;
        }
        if (typed && !slash) {
            rc = kctl_usage("describe", "arguments in resource/name form must have a "
                            "single resource and name");
            continue;
        }
        snprintf(type, sizeof(type), "%.*s", slash ? (int)(slash - arg) : 63, arg);
        if (!kctl_kind_parse(type, &kind)) {
            ctl_err(KCTL_ERR, "the server doesn't have a resource type \"%s\"", type);
            rc = CTL_FAIL;
        } else if (kind != KCTL_DEPLOYMENT) {
            rc = kctl_usage("describe", "describe works on deployments only, not %s",
                            kctl_kind_resource(kind));
        } else if (slash && !slash[1]) {
            rc = kctl_usage("describe", "arguments in resource/name form must have a "
                            "single resource and name");
        } else {
            if (slash)
                names[n_names++] = slash + 1;
            slash_form = slash != NULL;
            typed = true;
        }
    }
    if (rc == CTL_OK && !typed)
        rc = kctl_usage("describe", "You must specify the type of resource to describe: "
                        "deployment");
    if (rc != CTL_OK || (rc = ctl_open(&c, state, KCTL_ERR)) != CTL_OK) {
        free(names);
        return rc;
    }
    if (!ns)
        ns = "default";
    found = calloc(rollout_engine_deployment_count(c.engine) + (size_t)n_names + 1,
                   sizeof(*found));
    if (!found) {
        ctl_err(KCTL_ERR, "out of memory");
        rc = CTL_FAIL;
    } else if (n_names == 0) {
        for (i = 0; i < rollout_engine_deployment_count(c.engine); i++) {
            rollout_deployment *d = rollout_engine_deployment_at(c.engine, i);

            if (kctl_visible(d) && strcmp(rollout_deployment_namespace(d), ns) == 0)
                found[n_found++] = d;
        }
        qsort(found, n_found, sizeof(*found), cmp_deployment);
        if (n_found == 0)
            fprintf(stderr, "No resources found in %s namespace.\n", ns);
    } else {
        for (a = 0; a < n_names; a++) {
            rollout_deployment *d;

            if (rollout_engine_find_deployment(&d, c.engine, ns, names[a]) == ROLLOUT_OK &&
                kctl_visible(d)) {
                found[n_found++] = d;
            } else {
                kctl_not_found(KCTL_DEPLOYMENT, names[a]);
                rc = CTL_FAIL;
            }
        }
    }
    for (i = 0; i < n_found; i++) {
        if (i)
            printf("\n\n");
        describe(&c, found[i]);
    }
    free(found);
    if (ctl_save(&c, KCTL_ERR) != CTL_OK)
        rc = CTL_FAIL;
    ctl_close(&c);
    free(names);
    return rc;
}
