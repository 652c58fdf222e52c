/*
 * The fuzz targets' host (see fuzz_host.h).
 */
#include "fuzz_host.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Replicas driven per round; enough for the largest spec the targets
 * reach, small enough that a round stays cheap. */
#define DRIVE_MAX 128

static int64_t cb_clock(rollout_engine *e, void *ud)
{
    (void)e;
    return ((fuzz_host *)ud)->now;
}

static int cb_create(rollout_engine *e, rollout_replica *r, const char **reason,
                     void *ud)
{
    fuzz_host *h = ud;

    h->creates++;
    if (h->refuse_every && h->creates % h->refuse_every == 0) {
        *reason = "have not enough resources";
        return ROLLOUT_REFUSED;
    }
    if (h->start_on_create)
        rollout_engine_report(e, rollout_replica_name(r), ROLLOUT_PHASE_STARTING,
                              NULL);
    return 0;
}

static int cb_delete(rollout_engine *e, rollout_replica *r, const char **reason,
                     void *ud)
{
    fuzz_host *h = ud;

    (void)reason;
    if (h->gone_on_delete)
        rollout_engine_report(e, rollout_replica_name(r), ROLLOUT_PHASE_GONE, NULL);
    return 0;
}

/* What the event callback read, so that the reads are not optimised out. */
static volatile size_t event_bytes;

static int cb_event(rollout_engine *e, const rollout_deployment *d,
                    const char *object, const char *type, const char *reason,
                    const char *message, void *ud)
{
    /* every string is read, so that a dangling one shows under ASan */
    (void)e;
    (void)ud;
    event_bytes += strlen(object) + strlen(type) + strlen(reason) + strlen(message) +
                   strlen(rollout_deployment_name(d));
    return 0;
}

int fuzz_host_engine(rollout_engine **out, fuzz_host *h)
{
    rollout_callbacks *cbs;
    int rc;

    *out = NULL;
    if ((rc = rollout_callbacks_new(&cbs)) != ROLLOUT_OK)
        return rc;
    rollout_callbacks_set_clock(cbs, cb_clock);
    rollout_callbacks_set_create_replica(cbs, cb_create);
    rollout_callbacks_set_delete_replica(cbs, cb_delete);
    rollout_callbacks_set_event(cbs, cb_event);
    rc = rollout_engine_new(out, cbs, h);
    rollout_callbacks_free(cbs);
    return rc;
}

int fuzz_host_init(fuzz_host *h)
{
    if (!h->now)
        h->now = FUZZ_T0;
    return fuzz_host_engine(&h->e, h);
}

void fuzz_host_fini(fuzz_host *h)
{
    rollout_engine_free(h->e);
    h->e = NULL;
}

void fuzz_fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz: %s: %s\n", what, detail ? detail : "");
    abort();
}

/* Calls FN on every replica of E, in order; stops when FN returns
 * nonzero. */
static void each_replica(rollout_engine *e, int (*fn)(rollout_replica *, void *),
                         void *arg)
{
    size_t i, j, k;

    for (i = 0; i < rollout_engine_deployment_count(e); i++) {
        rollout_deployment *d = rollout_engine_deployment_at(e, i);

        for (j = 0; j < rollout_deployment_replica_set_count(d); j++) {
            rollout_replica_set *rs = rollout_deployment_replica_set_at(d, j);

            for (k = 0; k < rollout_replica_set_replica_count(rs); k++)
                if (fn(rollout_replica_set_replica_at(rs, k), arg))
                    return;
        }
    }
}

typedef struct {
    char names[DRIVE_MAX][256];
    rollout_phase next[DRIVE_MAX];
    size_t len;
} drive_list;

/* Replicas move one step a round: pending to starting, starting to
 * running, running to ready; terminating ones go. */
static int collect(rollout_replica *r, void *arg)
{
    drive_list *l = arg;
    rollout_phase next;

    switch (rollout_replica_phase(r)) {
    case ROLLOUT_PHASE_PENDING:
        next = ROLLOUT_PHASE_STARTING;
        break;
    case ROLLOUT_PHASE_STARTING:
        next = ROLLOUT_PHASE_RUNNING;
        break;
    case ROLLOUT_PHASE_RUNNING:
        next = ROLLOUT_PHASE_READY;
        break;
    case ROLLOUT_PHASE_TERMINATING:
        next = ROLLOUT_PHASE_GONE;
        break;
    default:
        return 0;
    }
    snprintf(l->names[l->len], sizeof(l->names[0]), "%s", rollout_replica_name(r));
    l->next[l->len++] = next;
    return l->len == DRIVE_MAX;
}

void fuzz_host_drive(fuzz_host *h, int rounds, int64_t step_ms)
{
    static drive_list l;
    int round;
    size_t i;

    for (round = 0; round < rounds; round++) {
        int64_t t = -1;

        rollout_engine_tick(h->e);
        l.len = 0;
        /* names first: a report of GONE frees the replica */
        each_replica(h->e, collect, &l);
        for (i = 0; i < l.len; i++)
            rollout_engine_report(h->e, l.names[i], l.next[i], NULL);
        rollout_engine_tick(h->e);
        if (rollout_engine_next_deadline(&t, h->e) == ROLLOUT_OK &&
            t >= 0 && t < step_ms)
            h->now += t;
        else
            h->now += step_ms;
        rollout_engine_tick(h->e);
    }
}

typedef struct {
    unsigned k;
    char *buf;
    size_t size;
} pick;

static int pick_one(rollout_replica *r, void *arg)
{
    pick *p = arg;

    if (p->k--)
        return 0;
    snprintf(p->buf, p->size, "%s", rollout_replica_name(r));
    return 1;
}

static int count_one(rollout_replica *r, void *arg)
{
    (void)r;
    (*(unsigned *)arg)++;
    return 0;
}

int fuzz_pick_replica(char *buf, size_t size, rollout_engine *e, unsigned k)
{
    unsigned n = 0;
    pick p;

    each_replica(e, count_one, &n);
    if (!n)
        return 0;
    p.k = k % n;
    p.buf = buf;
    p.size = size;
    each_replica(e, pick_one, &p);
    return 1;
}

/* Sums string lengths so that every getter's result is read. */
static size_t len_of(const char *s)
{
    return s ? strlen(s) : 0;
}

static size_t walk_revision(const rollout_revision *rev)
{
    size_t n = 0, c, i;

    if (!rev)
        return 0;
    n += len_of(rollout_revision_hash(rev)) + len_of(rollout_revision_change_cause(rev)) +
         len_of(rollout_revision_template(rev)) + (size_t)rollout_revision_number(rev);
    for (c = 0; c < rollout_revision_container_count(rev); c++) {
        n += len_of(rollout_revision_container_name(rev, c)) +
             len_of(rollout_revision_container_image(rev, c));
        for (i = 0; i < rollout_revision_container_command_count(rev, c); i++)
            n += len_of(rollout_revision_container_command(rev, c, i));
        for (i = 0; i < rollout_revision_container_arg_count(rev, c); i++)
            n += len_of(rollout_revision_container_arg(rev, c, i));
        for (i = 0; i < rollout_revision_container_port_count(rev, c); i++)
            n += (size_t)rollout_revision_container_port(rev, c, i);
        for (i = 0; i < rollout_revision_container_env_count(rev, c); i++) {
            const char *v = NULL;

            n += len_of(rollout_revision_container_env(&v, rev, c, i)) + len_of(v);
        }
    }
    return n;
}

static size_t walk_replica_set(const rollout_replica_set *rs)
{
    size_t n = 0, i;
    char *out = NULL;

    if (!rs)
        return 0;
    n += len_of(rollout_replica_set_name(rs)) + len_of(rollout_replica_set_status_name(rs)) +
         len_of(rollout_replica_set_message(rs));
    for (i = 0; i <= ROLLOUT_COUNT_BUILT; i++)
        n += (size_t)rollout_replica_set_count(rs, (rollout_count)i);
    for (i = 0; i < rollout_replica_set_annotation_count(rs); i++) {
        const char *v = NULL;

        n += len_of(rollout_replica_set_annotation_at(&v, rs, i)) + len_of(v);
    }
    for (i = 0; i < rollout_replica_set_replica_count(rs); i++) {
        const rollout_replica *r = rollout_replica_set_replica_at(rs, i);

        n += len_of(rollout_replica_name(r)) + len_of(rollout_replica_reason(r)) +
             len_of(rollout_replica_node(r)) + len_of(rollout_replica_status_name(r)) +
             (size_t)rollout_replica_available(r) + (size_t)rollout_replica_index(r);
    }
    if (rollout_replica_set_write(&out, rs, ROLLOUT_FORMAT_JSON) == ROLLOUT_OK)
        n += len_of(out);
    rollout_free(out);
    out = NULL;
    if (rollout_replica_set_write(&out, rs, ROLLOUT_FORMAT_YAML) == ROLLOUT_OK)
        n += len_of(out);
    rollout_free(out);
    return n;
}

void fuzz_walk(rollout_engine *e)
{
    volatile size_t n = 0;
    size_t i, j;

    for (i = 0; i < rollout_engine_deployment_count(e); i++) {
        const rollout_deployment *d = rollout_engine_deployment_at(e, i);
        char *out = NULL;
        int done = 0;

        n += len_of(rollout_deployment_name(d)) + len_of(rollout_deployment_namespace(d)) +
             len_of(rollout_deployment_status_name(d)) +
             len_of(rollout_deployment_message(d)) +
             len_of(rollout_deployment_constraint(d));
        for (j = 0; j < rollout_deployment_condition_count(d); j++) {
            const char *type = NULL, *status = NULL, *reason = NULL, *message = NULL;

            rollout_deployment_condition_at(&type, &status, &reason, &message, NULL,
                                            NULL, d, j);
            n += len_of(type) + len_of(status) + len_of(reason) + len_of(message);
        }
        for (j = 0; j <= ROLLOUT_COUNT_BUILT; j++)
            n += (size_t)rollout_deployment_count(d, (rollout_count)j);
        for (j = 0; j < rollout_deployment_revision_count(d); j++)
            n += walk_revision(rollout_deployment_revision_at(d, j));
        for (j = 0; j < rollout_deployment_replica_set_count(d); j++)
            n += walk_replica_set(rollout_deployment_replica_set_at(d, j));
        n += walk_replica_set(rollout_deployment_application(d));
        n += walk_replica_set(rollout_deployment_application_ext(d));
        if (rollout_status_message(&out, &done, d) >= ROLLOUT_EDEADLINE)
            n += len_of(out);
        rollout_free(out);
        out = NULL;
        if (rollout_deployment_write(&out, d, ROLLOUT_FORMAT_JSON) == ROLLOUT_OK)
            n += len_of(out);
        rollout_free(out);
        out = NULL;
        if (rollout_deployment_write(&out, d, ROLLOUT_FORMAT_YAML) == ROLLOUT_OK)
            n += len_of(out);
        rollout_free(out);
        out = NULL;
        if (rollout_deployment_write_record(&out, d) == ROLLOUT_OK)
            n += len_of(out);
        rollout_free(out);
    }
    (void)n;
}

/* A spec written as a manifest reads back as a spec of its dialect. */
static void check_written(const rollout_spec *s, rollout_format format)
{
    rollout_parse_error err;
    rollout_spec *back = NULL;
    char *out = NULL;
    char msg[1024];
    int rc;

    if (rollout_spec_write(&out, s, format) != ROLLOUT_OK)
        return;
    rc = rollout_spec_parse(&back, out, strlen(out), "written",
                            rollout_spec_dialect(s), &err);
    if (rc != ROLLOUT_OK) {
        rollout_parse_error_print(msg, sizeof(msg), &err);
        fprintf(stderr, "%s\n", out);
        fuzz_fail("a written spec does not read back", msg);
    }
    rollout_spec_free(back);
    rollout_free(out);
}

void fuzz_apply_manifest(rollout_engine *e, const rollout_manifest *m)
{
    size_t i;

    for (i = 0; i < rollout_manifest_count(m); i++) {
        const rollout_spec *s = rollout_manifest_spec(m, i);

        if (rollout_spec_kind(s) == ROLLOUT_KIND_APPLICATION)
            rollout_engine_create(e, s);
        else
            rollout_engine_apply(NULL, e, s);
        check_written(s, ROLLOUT_FORMAT_JSON);
        check_written(s, ROLLOUT_FORMAT_YAML);
    }
}

int fuzz_manifest_input(const uint8_t *data, size_t size, const char *source,
                        rollout_dialect dialect)
{
    rollout_manifest *m = NULL;
    rollout_parse_error err;
    rollout_dialect detected;
    fuzz_host h;
    char msg[1024];

    rollout_detect_dialect(&detected, (const char *)data, size);
    if (rollout_manifest_parse(&m, (const char *)data, size, source, dialect,
                               &err) != ROLLOUT_OK) {
        rollout_parse_error_print(msg, sizeof(msg), &err);
        return 0;
    }
    memset(&h, 0, sizeof(h));
    h.gone_on_delete = 1;
    if (fuzz_host_init(&h) != ROLLOUT_OK) {
        rollout_manifest_free(m);
        return 0;
    }
    fuzz_apply_manifest(h.e, m);
    fuzz_host_drive(&h, 6, 30000);
    fuzz_walk(h.e);
    /* the same documents again change nothing, and a second update of
     * whatever they created goes through the same paths */
    fuzz_apply_manifest(h.e, m);
    fuzz_host_drive(&h, 2, 30000);
    rollout_manifest_free(m);
    fuzz_host_fini(&h);
    return 0;
}
