/*
 * plan: what applying manifests would do, predicted on a copy of the
 * cluster that is never saved.  The copy (the "run") applies each file and
 * runs until idle with the cluster's own delays; its timeline gives the
 * instants at which something happens.  A second copy, made just after the
 * apply, is then moved from instant to instant (the "replay") to read the
 * sizes of the replica sets and applications after each, since the
 * simulator keeps no history of sizes.  The run's summaries give the finish
 * and the availability.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rolloutctl.h"

#define PREFIX "error: "
#define DAY_MS (24 * 3600 * 1000LL)

const ctl_verb ctl_verb_plan = {
    "plan", ctl_cmd_plan, "Predict what applying manifests would do, changing nothing.",
    "Usage:\n"
    "  rolloutctl plan -f FILE [-f FILE...] [--from STATE] [--limit DURATION]\n"
    "                  [--events]\n"
    "\n"
    "A dry run on a copy of the cluster: each FILE in turn is applied as `kubectl\n"
    "apply` would, or for BCS as `bcs-client create` (update when the deployment\n"
    "exists), and the copy runs with the cluster's own delays until every rollout\n"
    "is complete or blocked, or the limit has passed.  Nothing is written: the state\n"
    "file is only read, and with no state (and no --from) the plan is made on a new\n"
    "default cluster that is not kept.\n"
    "\n"
    "  -f, --filename FILE  a manifest (\"-\": standard input), Kubernetes or BCS,\n"
    "                       any number of documents; several are applied in order,\n"
    "                       each once the one before has run\n"
    "  --from STATE         plan on the cluster of the state file STATE\n"
    "  --limit DURATION     how long each FILE may run, in simulated time (24h)\n"
    "  --events             the simulator's timeline (create, place, running, ready,\n"
    "                       delete, gone, the engine's events) under each step, and\n"
    "                       every instant that has any\n"
    "\n"
    "For each FILE it prints\n"
    "  FILE, applied at TIME:\n"
    "  a line per deployment: its kind, namespace/name, created, configured (or\n"
    "    updated) or unchanged, its replicas (OLD -> NEW when they change), then a\n"
    "    line per container: NAME: OLD-IMAGE -> NEW-IMAGE (\"container N\" for\n"
    "    one with no name);\n"
    "  one line per step: an instant of simulated time, given as the time since\n"
    "    the apply (+0s, +1m4.001s), at which what is shown changes; it shows\n"
    "    the sizes after everything that happens at that instant:\n"
    "      Kubernetes: each replica set as NAME DESIRED/READY, oldest first (a set\n"
    "        stays shown once it had replicas), then the deployment's\n"
    "        \"available N\";\n"
    "      BCS: each application as NAME TASKGROUPS/RUNNING, then the status of\n"
    "        the deployment (of the application when there is no deployment);\n"
    "    with several deployments in the file, each line begins with NAME:;\n"
    "  a summary per deployment:\n"
    "    predicted finish: TIME (+DURATION)   or   does not finish: WHY\n"
    "    minimum available: N of M            (BCS: running taskgroups)\n"
    "    most replicas at once: N             (BCS: taskgroups)\n"
    "    waves: N                             (instants new replicas were placed)\n"
    "WHY says what the rollout waits for: its progress deadline passing\n"
    "(ProgressDeadlineExceeded), a BCS update blocked (UpdateSuspend) or waiting\n"
    "for a resume (UpdatePaused, rollingManually), a paused deployment, replicas\n"
    "that cannot start or get ready, or the limit.  A deployment whose template\n"
    "does not change has no rollout, and says so.\n"
    "\n"
    "Exit status: 0 when every rollout finishes within the limit, 1 when one does\n"
    "not or on an error (bad usage, a manifest refused: error: FILE:LINE:COLUMN:\n"
    "PATH: REASON, or a change the engine refuses).  Scripts can use it as a gate.\n",
};

/* A growing string. */
typedef struct {
    char *s;
    size_t len, cap;
    bool oom;
} sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...) CTL_PRINTF(2, 3);

static void sb_printf(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (b->oom)
        return;
    va_start(ap, fmt);
    n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->oom = true;
        return;
    }
    if (!b->s || b->len + (size_t)n >= b->cap) {
        size_t cap = b->cap ? b->cap : 128;
        char *p;

        while (cap <= b->len + (size_t)n)
            cap *= 2;
        if (!(p = realloc(b->s, cap))) {
            b->oom = true;
            return;
        }
        b->s = p;
        b->cap = cap;
        va_start(ap, fmt);
        vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
    }
    b->len += (size_t)n;
}

/* The string, which the caller owns; NULL when memory ran out. */
static char *sb_take(sbuf *b)
{
    char *s = b->s;

    if (b->oom || !s) {
        free(s);
        s = b->oom ? NULL : calloc(1, 1);
    }
    memset(b, 0, sizeof(*b));
    return s;
}

static char *xstrdup(const char *s)
{
    size_t n = strlen(s ? s : "");
    char *p = malloc(n + 1);

    if (p)
        memcpy(p, s ? s : "", n + 1);
    return p;
}

static bool streq(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

typedef struct {
    char *name; /* NULL: none */
    char *image;
} container;

/* A deployment (or standalone BCS application) a file changes. */
typedef struct {
    rollout_dialect dialect;
    rollout_kind kind;
    char *ns, *name;
    bool existed;           /* before the file */
    int outcome;            /* ROLLOUT_APPLY_* (BCS: created or configured) */
    int32_t old_replicas;
    container *old;         /* the template it had */
    size_t n_old;
    char *old_hash;         /* "" when none */
    rollout_sim_summary before; /* its last rollout before the file */
    char **shown;           /* replica sets shown so far */
    size_t n_shown;
    char *last;             /* its last step */
} pdep;

/* A line of the timeline: the state of one deployment after a step, or
 * (DEP == SIZE_MAX) only the instant, for --events. */
typedef struct {
    int64_t time;
    size_t dep;
    char *text;
} pline;

typedef struct {
    rollout_sim *run;       /* the copy that runs; carried from file to file */
    const ctl *c;
    int64_t limit_ms;
    bool events;
    pdep *deps;
    size_t n_deps;
    pline *lines;
    size_t n_lines, cap_lines;
    bool some_unfinished;
} plan;

static void free_containers(container *cs, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(cs[i].name);
        free(cs[i].image);
    }
    free(cs);
}

static void free_deps(plan *p)
{
    size_t i, j;

    for (i = 0; i < p->n_deps; i++) {
        pdep *d = &p->deps[i];

        free(d->ns);
        free(d->name);
        free_containers(d->old, d->n_old);
        free(d->old_hash);
        for (j = 0; j < d->n_shown; j++)
            free(d->shown[j]);
        free(d->shown);
        free(d->last);
    }
    free(p->deps);
    p->deps = NULL;
    p->n_deps = 0;
    for (i = 0; i < p->n_lines; i++)
        free(p->lines[i].text);
    free(p->lines);
    p->lines = NULL;
    p->n_lines = p->cap_lines = 0;
}

static int oom(void)
{
    ctl_err(PREFIX, "out of memory");
    return CTL_FAIL;
}

/* The deployment P stands for in ENGINE, NULL when it has none. */
static rollout_deployment *find(rollout_engine *e, const pdep *p)
{
    rollout_deployment *d = NULL;
    rollout_replica_set *rs = NULL;

    if (p->kind == ROLLOUT_KIND_APPLICATION) {
        if (rollout_engine_find_application(&rs, e, p->ns, p->name) != ROLLOUT_OK)
            return NULL;
        d = rollout_replica_set_deployment(rs);
    } else if (rollout_engine_find_deployment(&d, e, p->ns, p->name) != ROLLOUT_OK) {
        return NULL;
    }
    return d && rollout_deployment_dialect(d) == p->dialect &&
                   rollout_deployment_kind(d) == p->kind
               ? d
               : NULL;
}

/* The BCS deployment that adopted the application P (through its
 * selector), NULL when none did. */
static rollout_deployment *adopter(rollout_engine *e, const pdep *p)
{
    rollout_replica_set *rs = NULL;
    rollout_deployment *d;

    if (p->kind != ROLLOUT_KIND_APPLICATION ||
        rollout_engine_find_application(&rs, e, p->ns, p->name) != ROLLOUT_OK)
        return NULL;
    d = rollout_replica_set_deployment(rs);
    return d && rollout_deployment_kind(d) == ROLLOUT_KIND_DEPLOYMENT ? d : NULL;
}

/* "3 replicas", "1 instance". */
static void print_count(const pdep *p, int32_t n)
{
    printf("%d %s%s", n, p->dialect == ROLLOUT_DIALECT_BCS ? "instance" : "replica",
           n == 1 ? "" : "s");
}

/* The replica set or application a rollout of D moves to. */
static rollout_replica_set *target_set(const rollout_deployment *d)
{
    rollout_replica_set *rs;

    if (rollout_deployment_dialect(d) != ROLLOUT_DIALECT_BCS)
        return rollout_deployment_new_replica_set(d);
    if (rollout_deployment_kind(d) == ROLLOUT_KIND_APPLICATION)
        return rollout_deployment_replica_set_at(d, 0);
    rs = rollout_deployment_application_ext(d);
    return rs ? rs : rollout_deployment_application(d);
}

/* The template D runs or moves to. */
static rollout_revision *current_revision(const rollout_deployment *d)
{
    rollout_replica_set *rs = target_set(d);
    rollout_revision *rev = NULL;

    if (rs)
        return rollout_replica_set_revision(rs);
    if (rollout_deployment_find_revision(&rev, d, rollout_deployment_revision(d)) !=
        ROLLOUT_OK)
        return NULL;
    return rev;
}

static bool read_containers(container **out, size_t *n, const rollout_revision *rev)
{
    size_t i, count = rollout_revision_container_count(rev);

    *out = NULL;
    *n = 0;
    if (!count)
        return true;
    if (!(*out = calloc(count, sizeof(**out))))
        return false;
    *n = count;
    for (i = 0; i < count; i++) {
        const char *name = rollout_revision_container_name(rev, i);

        if ((name && !((*out)[i].name = xstrdup(name))) ||
            !((*out)[i].image = xstrdup(rollout_revision_container_image(rev, i))))
            return false;
    }
    return true;
}

static const char *kind_word(const pdep *p)
{
    if (p->kind == ROLLOUT_KIND_APPLICATION)
        return "application";
    return p->dialect == ROLLOUT_DIALECT_BCS ? "deployment" : "Deployment";
}

/* The record of SPEC's deployment, made on first sight with what it had
 * before the file. */
static pdep *track(plan *p, const rollout_spec *spec)
{
    pdep key, *d;
    rollout_deployment *dep;
    rollout_revision *rev;
    size_t i;

    key.dialect = rollout_spec_dialect(spec);
    key.kind = rollout_spec_kind(spec);
    key.ns = (char *)rollout_spec_namespace(spec);
    key.name = (char *)rollout_spec_name(spec);
    for (i = 0; i < p->n_deps; i++) {
        d = &p->deps[i];
        if (d->dialect == key.dialect && d->kind == key.kind && streq(d->ns, key.ns) &&
            streq(d->name, key.name))
            return d;
    }
    d = realloc(p->deps, (p->n_deps + 1) * sizeof(*d));
    if (!d)
        return NULL;
    p->deps = d;
    d = &p->deps[p->n_deps++];
    memset(d, 0, sizeof(*d));
    d->dialect = key.dialect;
    d->kind = key.kind;
    if (!(d->ns = xstrdup(key.ns)) || !(d->name = xstrdup(key.name)))
        return NULL;
    dep = find(rollout_sim_engine(p->run), d);
    d->existed = dep != NULL;
    rev = dep ? current_revision(dep) : NULL;
    d->old_replicas = dep ? rollout_deployment_count(dep, ROLLOUT_COUNT_DESIRED) : 0;
    rollout_sim_summary_init(&d->before, ROLLOUT_SIM_SUMMARY_VERSION);
    if (dep && rollout_sim_summary_get(&d->before, p->run, d->ns, d->name) != ROLLOUT_OK)
        rollout_sim_summary_init(&d->before, ROLLOUT_SIM_SUMMARY_VERSION);
    if (!(d->old_hash = xstrdup(rev ? rollout_revision_hash(rev) : "")) ||
        (rev && !read_containers(&d->old, &d->n_old, rev)))
        return NULL;
    return d;
}

/* Applies SPEC to the run, as kubectl apply or bcs-client create/update. */
static int apply(plan *p, const char *path, const rollout_spec *spec)
{
    rollout_engine *e = rollout_sim_engine(p->run);
    pdep *d = track(p, spec);
    int rc, outcome = 0;

    if (!d)
        return oom();
    if (d->dialect != ROLLOUT_DIALECT_BCS) {
        rc = rollout_engine_apply(&outcome, e, spec);
    } else if (find(e, d)) {
        rc = rollout_engine_update(e, spec);
        outcome = ROLLOUT_APPLY_CONFIGURED;
    } else {
        rc = rollout_engine_create(e, spec);
        outcome = ROLLOUT_APPLY_CREATED;
    }
    if (rc != ROLLOUT_OK) {
        const char *msg = rollout_engine_errmsg(e);

        ctl_err(PREFIX, "%s: %s %s/%s: %s", path, kind_word(d), d->ns, d->name,
                *msg ? msg : rollout_strerror(rc));
        return CTL_FAIL;
    }
    /* a document applied twice keeps the first outcome but a change */
    if (!d->outcome || d->outcome == ROLLOUT_APPLY_UNCHANGED)
        d->outcome = outcome;
    return CTL_OK;
}

static bool shown(pdep *p, const char *name)
{
    size_t i;

    for (i = 0; i < p->n_shown; i++)
        if (streq(p->shown[i], name))
            return true;
    return false;
}

static bool show(pdep *p, const char *name)
{
    char **s = realloc(p->shown, (p->n_shown + 1) * sizeof(*s));

    if (!s)
        return false;
    p->shown = s;
    return (s[p->n_shown] = xstrdup(name)) != NULL && ++p->n_shown;
}

/* What P shows of D after a step, or NULL when memory ran out. */
static char *step_text(pdep *p, const rollout_deployment *d)
{
    size_t i, n = rollout_deployment_replica_set_count(d);
    bool bcs = p->dialect == ROLLOUT_DIALECT_BCS;
    sbuf b = {0};

    for (i = 0; i < n; i++) {
        rollout_replica_set *rs = rollout_deployment_replica_set_at(d, i);
        const char *name = rollout_replica_set_name(rs);

        if (bcs) {
            sb_printf(&b, "%s %d/%d  ", name, rollout_replica_set_count(rs, ROLLOUT_COUNT_BUILT),
                      rollout_replica_set_count(rs, ROLLOUT_COUNT_RUNNING));
            continue;
        }
        if (!shown(p, name)) {
            if (rollout_replica_set_count(rs, ROLLOUT_COUNT_DESIRED) <= 0 &&
                rollout_replica_set_count(rs, ROLLOUT_COUNT_CURRENT) <= 0)
                continue;
            if (!show(p, name))
                b.oom = true;
        }
        sb_printf(&b, "%s %d/%d  ", name, rollout_replica_set_count(rs, ROLLOUT_COUNT_DESIRED),
                  rollout_replica_set_count(rs, ROLLOUT_COUNT_READY));
    }
    if (!bcs)
        sb_printf(&b, "available %d", rollout_deployment_count(d, ROLLOUT_COUNT_AVAILABLE));
    else if (p->kind == ROLLOUT_KIND_APPLICATION)
        sb_printf(&b, "%s", n ? rollout_replica_set_status_name(
                                    rollout_deployment_replica_set_at(d, 0))
                              : "");
    else
        sb_printf(&b, "%s", rollout_deployment_status_name(d));
    return sb_take(&b);
}

static bool add_line(plan *p, int64_t time, size_t dep, char *text)
{
    if (!text)
        return false;
    if (p->n_lines == p->cap_lines) {
        size_t cap = p->cap_lines ? p->cap_lines * 2 : 32;
        pline *l = realloc(p->lines, cap * sizeof(*l));

        if (!l) {
            free(text);
            return false;
        }
        p->lines = l;
        p->cap_lines = cap;
    }
    p->lines[p->n_lines].time = time;
    p->lines[p->n_lines].dep = dep;
    p->lines[p->n_lines].text = text;
    p->n_lines++;
    return true;
}

/* The state of every deployment after the instant T of the replay, where
 * it changed (and every state at the first instant). */
static int record_step(plan *p, rollout_sim *replay, int64_t t, bool first)
{
    rollout_engine *e = rollout_sim_engine(replay);
    bool any = false;
    size_t i;

    for (i = 0; i < p->n_deps; i++) {
        pdep *pd = &p->deps[i];
        rollout_deployment *d = find(e, pd);
        char *text;

        if (!d)
            continue;
        if (!(text = step_text(pd, d)))
            return oom();
        if (!first && streq(text, pd->last)) {
            free(text);
            continue;
        }
        free(pd->last);
        if (!(pd->last = xstrdup(text)) || !add_line(p, t, i, text)) {
            if (!pd->last)
                free(text);
            return oom();
        }
        any = true;
    }
    if (!any && p->events && !add_line(p, t, SIZE_MAX, xstrdup("")))
        return oom();
    return CTL_OK;
}

static void print_header(plan *p, const char *path, int64_t start)
{
    rollout_engine *e = rollout_sim_engine(p->run);
    char when[64];
    size_t i, j, k;

    ctl_format_time(when, sizeof(when), start);
    printf("%s, applied at %s:\n", strcmp(path, "-") == 0 ? "<stdin>" : path, when);
    for (i = 0; i < p->n_deps; i++) {
        pdep *pd = &p->deps[i];
        rollout_deployment *d = find(e, pd), *by = adopter(e, pd);
        rollout_revision *rev = d ? current_revision(d) : NULL;
        int32_t replicas = d ? rollout_deployment_count(d, ROLLOUT_COUNT_DESIRED) : 0;
        size_t n = rollout_revision_container_count(rev);
        bool paused = d && pd->dialect != ROLLOUT_DIALECT_BCS && rollout_deployment_paused(d);
        bool same = rev && streq(rollout_revision_hash(rev), pd->old_hash);

        printf("%s %s/%s: %s, ", kind_word(pd), pd->ns, pd->name,
               pd->outcome == ROLLOUT_APPLY_CREATED    ? "created"
               : pd->outcome == ROLLOUT_APPLY_UNCHANGED ? "unchanged"
               : pd->dialect == ROLLOUT_DIALECT_BCS     ? "updated"
                                                        : "configured");
        if (!d) {
            if (by)
                printf("adopted by deployment %s/%s\n", rollout_deployment_namespace(by),
                       rollout_deployment_name(by));
            else
                printf("gone\n");
            continue;
        }
        if (pd->existed && pd->old_replicas != replicas)
            printf("%d -> ", pd->old_replicas);
        print_count(pd, replicas);
        printf("%s\n", paused ? " (paused: the template waits for a resume)" : "");
        if (pd->outcome == ROLLOUT_APPLY_UNCHANGED || paused)
            continue;
        for (j = 0; j < n; j++) {
            const char *name = rollout_revision_container_name(rev, j);
            const char *image = rollout_revision_container_image(rev, j);
            const container *old = NULL;
            char key[32];

            for (k = 0; k < pd->n_old && !old; k++)
                if (name ? streq(pd->old[k].name, name) : !pd->old[k].name && k == j)
                    old = &pd->old[k];
            if (!name)
                snprintf(key, sizeof(key), "container %zu", j + 1);
            if (!old)
                printf("  %s: %s\n", name ? name : key, image ? image : "");
            else if (!streq(old->image, image))
                printf("  %s: %s -> %s\n", name ? name : key, old->image, image ? image : "");
            else
                printf("  %s: %s (unchanged)\n", name ? name : key, old->image);
        }
        for (k = 0; k < pd->n_old && pd->existed; k++) {
            bool kept = false;

            for (j = 0; j < n && !kept; j++) {
                const char *name = rollout_revision_container_name(rev, j);

                kept = name ? streq(pd->old[k].name, name) : !pd->old[k].name && k == j;
            }
            if (!kept) {
                char key[32];

                snprintf(key, sizeof(key), "container %zu", k + 1);
                printf("  %s: %s -> (removed)\n", pd->old[k].name ? pd->old[k].name : key,
                       pd->old[k].image);
            }
        }
        if (pd->existed && *pd->old_hash && !same) {
            bool images_same = n == pd->n_old;

            for (j = 0; j < n && images_same; j++)
                images_same = streq(rollout_revision_container_image(rev, j), pd->old[j].image);
            if (images_same)
                printf("  (the template changes, not its images)\n");
        }
    }
}

static void print_steps(plan *p, int64_t start, size_t mark)
{
    size_t i, width = 0, ev = mark, n = rollout_sim_timeline_count(p->run);
    char off[48];

    for (i = 0; i < p->n_lines; i++) {
        size_t w;

        ctl_format_duration(off + 1, sizeof(off) - 1, p->lines[i].time - start);
        w = strlen(off + 1) + 1;
        if (w > width)
            width = w;
    }
    for (i = 0; i < p->n_lines; i++) {
        const pline *l = &p->lines[i];

        off[0] = '+';
        ctl_format_duration(off + 1, sizeof(off) - 1, l->time - start);
        if (l->dep == SIZE_MAX)
            printf("%s\n", off);
        else if (p->n_deps > 1)
            printf("%-*s  %s: %s\n", (int)width, off, p->deps[l->dep].name, l->text);
        else
            printf("%-*s  %s\n", (int)width, off, l->text);
        if (!p->events || (i + 1 < p->n_lines && p->lines[i + 1].time == l->time))
            continue;
        /* the instant's own lines, after its last state */
        for (; ev < n; ev++) {
            int64_t t;
            const char *text;

            rollout_sim_timeline_at(&t, &text, p->run, ev);
            if (t > l->time)
                break;
            printf("%*s  | %s\n", (int)width, "", text);
        }
    }
}

/* When the status of the BCS deployment P last changed, from the run's
 * timeline since MARK; -1 when it did not. */
static int64_t status_time(const plan *p, const pdep *pd, size_t mark)
{
    size_t i = rollout_sim_timeline_count(p->run), n;
    char prefix[600];

    n = (size_t)snprintf(prefix, sizeof(prefix), "deployment %s/%s ", pd->ns, pd->name);
    while (i-- > mark) {
        int64_t t;
        const char *text;

        if (rollout_sim_timeline_at(&t, &text, p->run, i) == ROLLOUT_OK &&
            strncmp(text, prefix, n) == 0)
            return t;
    }
    return -1;
}

static void print_at(int64_t t, int64_t start)
{
    char when[64], off[48];

    ctl_format_time(when, sizeof(when), t);
    ctl_format_duration(off, sizeof(off), t - start);
    printf("%s (+%s)", when, off);
}

/* Where D's target stands and what its replicas wait for: "test-abc 1 of
 * 3 available, 2 pending (have not enough resources)"; for BCS the
 * application's status and message too. */
static void print_replicas(const plan *p, const rollout_deployment *d)
{
    rollout_replica_set *rs = target_set(d);
    size_t i, n = rs ? rollout_replica_set_replica_count(rs) : 0;
    int pending = 0, starting = 0, running = 0, failed = 0, ready = 0;
    const char *reason = NULL;
    bool bcs = rollout_deployment_dialect(d) == ROLLOUT_DIALECT_BCS;

    if (!rs) {
        printf("no replica set yet");
        return;
    }
    for (i = 0; i < n; i++) {
        rollout_replica *r = rollout_replica_set_replica_at(rs, i);

        switch (rollout_replica_phase(r)) {
        case ROLLOUT_PHASE_PENDING:
            if (!pending++)
                reason = rollout_replica_reason(r);
            break;
        case ROLLOUT_PHASE_STARTING:
            starting++;
            break;
        case ROLLOUT_PHASE_RUNNING:
            running++;
            break;
        case ROLLOUT_PHASE_READY:
            ready++;
            break;
        case ROLLOUT_PHASE_FAILED:
        case ROLLOUT_PHASE_ERROR:
        case ROLLOUT_PHASE_LOST:
            failed++;
            break;
        default:
            break;
        }
    }
    printf("%s ", rollout_replica_set_name(rs));
    if (bcs)
        printf("%s \"%s\": %d of %d running", rollout_replica_set_status_name(rs),
               rollout_replica_set_message(rs),
               rollout_replica_set_count(rs, ROLLOUT_COUNT_RUNNING),
               rollout_replica_set_count(rs, ROLLOUT_COUNT_DESIRED));
    else
        printf("%d of %d available", rollout_replica_set_count(rs, ROLLOUT_COUNT_AVAILABLE),
               rollout_deployment_count(d, ROLLOUT_COUNT_DESIRED));
    if (!bcs && ready > rollout_replica_set_count(rs, ROLLOUT_COUNT_AVAILABLE))
        printf(", %d ready", ready);
    if (pending)
        printf(", %d pending%s%s%s", pending, reason ? " (" : "", reason ? reason : "",
               reason ? ")" : "");
    if (starting)
        printf(", %d starting%s", starting,
               p->c->cluster.start_delay_ms < 0 ? " (the cluster starts replicas only "
                                                  "when steered)"
                                                : "");
    if (running && !bcs)
        printf(", %d running, not ready", running);
    if (failed)
        printf(", %d failed", failed);
}

/* Why D does not finish, after the run stopped with OUTCOME. */
static void print_why(const plan *p, const pdep *pd, const rollout_deployment *d,
                      int outcome, int64_t start, size_t mark)
{
    char lim[48];

    printf("  does not finish: ");
    if (pd->dialect != ROLLOUT_DIALECT_BCS) {
        const char *reason = NULL;
        int64_t changed = -1;
        size_t c;

        if (rollout_deployment_find_condition(&c, d, "Progressing") == ROLLOUT_OK)
            rollout_deployment_condition_at(NULL, NULL, &reason, NULL, NULL, &changed, d, c);
        if (streq(reason, "ProgressDeadlineExceeded")) {
            printf("the progress deadline passes at ");
            print_at(changed, start);
            printf(" (ProgressDeadlineExceeded): ");
            print_replicas(p, d);
            printf("\n");
            return;
        }
        if (rollout_deployment_paused(d)) {
            printf("waits for a resume (the deployment is paused)\n");
            return;
        }
    } else if (pd->kind == ROLLOUT_KIND_DEPLOYMENT) {
        const char *status = rollout_deployment_status_name(d);
        const char *msg = rollout_deployment_message(d);
        int64_t t = status_time(p, pd, mark);

        if (streq(status, "UpdateSuspend") || streq(status, "UpdatePaused")) {
            printf(streq(status, "UpdateSuspend") ? "blocked: " : "waits for a resume: ");
            printf("%s \"%s\"", status, msg ? msg : "");
            if (streq(msg, "rollingupdate paused"))
                printf(" (rollingManually)");
            if (t >= 0) {
                printf(" at ");
                print_at(t, start);
            }
            printf(": ");
            print_replicas(p, d);
            printf("\n");
            return;
        }
    }
    if (outcome == ROLLOUT_SIM_LIMIT) {
        ctl_format_duration(lim, sizeof(lim), p->limit_ms);
        printf("not within %s: ", lim);
    } else if (outcome == ROLLOUT_SIM_STALLED) {
        printf("nothing more happens: ");
    }
    if (pd->dialect == ROLLOUT_DIALECT_BCS && pd->kind == ROLLOUT_KIND_DEPLOYMENT)
        printf("deployment %s; ", rollout_deployment_status_name(d));
    print_replicas(p, d);
    printf("\n");
}

/* A deployment that had no rollout of its own in this file is done when
 * it is as its spec says. */
static bool complete(const rollout_deployment *d)
{
    char *msg = NULL;
    int done = 0;

    if (rollout_deployment_dialect(d) == ROLLOUT_DIALECT_BCS) {
        rollout_replica_set *app = target_set(d);

        return (rollout_deployment_kind(d) == ROLLOUT_KIND_APPLICATION ||
                (streq(rollout_deployment_status_name(d), "Running") &&
                 !rollout_deployment_application_ext(d))) &&
               app && streq(rollout_replica_set_status_name(app), "Running");
    }
    if (rollout_status_message(&msg, &done, d) != ROLLOUT_OK)
        done = 0;
    rollout_free(msg);
    return done;
}

/* When the steps of deployment DEP last changed. */
static int64_t last_change(const plan *p, size_t dep, int64_t start)
{
    size_t i = p->n_lines;

    while (i-- > 0)
        if (p->lines[i].dep == dep)
            return p->lines[i].time;
    return start;
}

static void print_summary(plan *p, int outcome, int64_t start, size_t mark)
{
    rollout_engine *e = rollout_sim_engine(p->run);
    size_t i;

    for (i = 0; i < p->n_deps; i++) {
        pdep *pd = &p->deps[i];
        rollout_deployment *d = find(e, pd), *by = adopter(e, pd);
        rollout_sim_summary s = ROLLOUT_SIM_SUMMARY_INIT;
        int32_t replicas = d ? rollout_deployment_count(d, ROLLOUT_COUNT_DESIRED) : 0;
        bool same;

        printf("%s %s/%s:\n", kind_word(pd), pd->ns, pd->name);
        if (!d && by) {
            printf("  adopted by deployment %s/%s\n", rollout_deployment_namespace(by),
                   rollout_deployment_name(by));
            continue;
        }
        if (!d || rollout_sim_summary_get(&s, p->run, pd->ns, pd->name) != ROLLOUT_OK) {
            printf("  does not finish: it is gone\n");
            p->some_unfinished = true;
            continue;
        }
        same = pd->existed && s.start_ms == pd->before.start_ms;
        if (same && s.finish_ms >= 0 && s.finish_ms == pd->before.finish_ms) {
            /* its last rollout was over before: a scale, or nothing */
            printf("  no rollout: the template does not change");
            if (pd->old_replicas != replicas) {
                printf("; ");
                print_count(pd, replicas);
                printf(" by ");
                print_at(last_change(p, i, start), start);
            }
            printf("\n");
            if (!complete(d)) {
                p->some_unfinished = true;
                print_why(p, pd, d, outcome, start, mark);
            }
            continue;
        }
        if (s.finish_ms >= 0) {
            printf("  predicted finish: ");
            print_at(s.finish_ms, start);
            printf("\n");
        } else {
            p->some_unfinished = true;
            print_why(p, pd, d, outcome, start, mark);
        }
        printf("  minimum available: %d of %d\n", s.min_available, replicas);
        printf("  most replicas at once: %d\n", s.max_total);
        printf("  waves: %d\n", s.waves);
    }
}

/* A copy of the run as it is now. */
static int copy_run(rollout_sim **out, rollout_sim *run)
{
    char *json = NULL;
    int rc;

    *out = NULL;
    if ((rc = rollout_sim_save(&json, run)) != ROLLOUT_OK) {
        ctl_err(PREFIX, "cannot copy the cluster: %s", rollout_sim_errmsg(run));
        return CTL_FAIL;
    }
    rc = rollout_sim_restore(out, json, strlen(json));
    rollout_free(json);
    if (rc != ROLLOUT_OK) {
        ctl_err(PREFIX, "cannot copy the cluster: %s",
                *out ? rollout_sim_errmsg(*out) : rollout_strerror(rc));
        rollout_sim_free(*out);
        *out = NULL;
        return CTL_FAIL;
    }
    return CTL_OK;
}

/* One file: apply, run, replay, print. */
static int plan_file(plan *p, const char *path, const rollout_manifest *m)
{
    int64_t start = rollout_sim_now(p->run), last = start - 1;
    size_t i, n, mark = rollout_sim_timeline_count(p->run);
    rollout_sim *replay = NULL;
    int outcome, rc = CTL_OK;

    free_deps(p);
    for (i = 0; i < rollout_manifest_count(m); i++)
        if ((rc = apply(p, path, rollout_manifest_spec(m, i))) != CTL_OK)
            return rc;
    if ((rc = copy_run(&replay, p->run)) != CTL_OK)
        return rc;
    outcome = rollout_sim_run_until_idle(p->run, start + p->limit_ms);
    if (outcome < 0) {
        ctl_err(PREFIX, "the cluster stopped: %s", rollout_sim_errmsg(p->run));
        rollout_sim_free(replay);
        return CTL_FAIL;
    }
    n = rollout_sim_timeline_count(p->run);
    for (i = mark; i < n && rc == CTL_OK; i++) {
        int64_t t;

        rollout_sim_timeline_at(&t, NULL, p->run, i);
        if (t == last)
            continue;
        last = t;
        if (rollout_sim_run_until(replay, t) != ROLLOUT_OK) {
            ctl_err(PREFIX, "the cluster stopped: %s", rollout_sim_errmsg(replay));
            rc = CTL_FAIL;
        } else {
            rc = record_step(p, replay, t, i == mark);
        }
    }
    rollout_sim_free(replay);
    if (rc != CTL_OK)
        return rc;
    print_header(p, path, start);
    printf("\n");
    if (!p->n_lines)
        printf("(nothing happens)\n");
    print_steps(p, start, mark);
    printf("\n");
    print_summary(p, outcome, start, mark);
    return CTL_OK;
}

static int usage(const char *fmt, ...) CTL_PRINTF(1, 2);

static int usage(const char *fmt, ...)
{
    va_list ap;

    fputs(PREFIX, stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nSee 'rolloutctl plan --help'.\n");
    return CTL_USAGE;
}

int ctl_cmd_plan(const char *state, int argc, char **argv)
{
    const char *from = NULL, **files;
    rollout_manifest **manifests;
    plan p;
    size_t n_files = 0, i;
    ctl c;
    int a, rc = CTL_OK;

    if (ctl_wants_help(argc, argv)) {
        ctl_print_help(&ctl_verb_plan);
        return CTL_OK;
    }
    memset(&p, 0, sizeof(p));
    p.limit_ms = DAY_MS;
    files = calloc((size_t)argc, sizeof(*files));
    manifests = calloc((size_t)argc, sizeof(*manifests));
    if (!files || !manifests) {
        free(files);
        free(manifests);
        return oom();
    }
    for (a = 1; a < argc && rc == CTL_OK; a++) {
        const char *v;

        if ((v = ctl_option("-f", argc, argv, &a)) ||
            (v = ctl_option("--filename", argc, argv, &a))) {
            if (!*v)
                rc = usage("-f takes a file");
            files[n_files++] = v;
        } else if ((v = ctl_option("--from", argc, argv, &a))) {
            if (!*v)
                rc = usage("--from takes a state file");
            from = v;
        } else if ((v = ctl_option("--limit", argc, argv, &a))) {
            if (!ctl_parse_duration(v, &p.limit_ms))
                rc = usage("--limit must be a duration (90s, 2m, 1h30m), not \"%s\"", v);
        } else if (strcmp(argv[a], "--events") == 0) {
            p.events = true;
        } else {
            rc = usage("unknown argument \"%s\"", argv[a]);
        }
    }
    if (rc == CTL_OK && !n_files)
        rc = usage("plan takes a manifest: -f FILE");
    /* every manifest is read before anything runs */
    for (i = 0; i < n_files && rc == CTL_OK; i++)
        rc = ctl_read_manifest(&manifests[i], files[i], 0, PREFIX);
    if (rc == CTL_OK)
        rc = ctl_open_readonly(&c, from ? from : state, from != NULL, PREFIX);
    if (rc == CTL_OK) {
        p.c = &c;
        p.run = c.sim;
        for (i = 0; i < n_files && rc == CTL_OK; i++) {
            if (i)
                printf("\n");
            rc = plan_file(&p, files[i], manifests[i]);
        }
        free_deps(&p);
        ctl_close(&c);
        if (rc == CTL_OK && p.some_unfinished)
            rc = CTL_FAIL;
    }
    for (i = 0; i < n_files; i++)
        rollout_manifest_free(manifests[i]);
    free(manifests);
    free(files);
    return rc;
}
