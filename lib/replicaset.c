/*
 * The replica-set layer: replica sets hold their size by creating and
 * deleting replicas; replicas keep their set's counts up to date.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

#define NAME_SUFFIX_LEN 5

/* Counts.  Every change of a replica's phase, availability or wish goes
 * through replica_count() twice: out with the old state, in with the new. */

bool rollout__replica_active(const rollout_replica *r)
{
    return r->want == ROLLOUT__WANT_CREATE && r->phase <= ROLLOUT_PHASE_READY;
}

bool rollout__replica_live(const rollout_replica *r)
{
    /* a lost replica may still run; a failed or finished one does not */
    return r->phase != ROLLOUT_PHASE_FAILED && r->phase != ROLLOUT_PHASE_FINISHED &&
           r->phase != ROLLOUT_PHASE_ERROR;
}

bool rollout__replica_dead(const rollout_replica *r)
{
    return r->phase == ROLLOUT_PHASE_FAILED || r->phase == ROLLOUT_PHASE_LOST ||
           r->phase == ROLLOUT_PHASE_FINISHED || r->phase == ROLLOUT_PHASE_ERROR;
}

/* Built: the host has it (a delete is only asked of replicas it has). */
static bool replica_built(const rollout_replica *r)
{
    return r->want == ROLLOUT__WANT_DELETE || r->req == ROLLOUT__REQ_ACCEPTED;
}

static void replica_count(rollout_replica *r, int sign)
{
    rollout_replica_set *rs = r->rs;

    if (replica_built(r))
        rs->n_built += sign;
    if (rollout__replica_active(r)) {
        rs->n_active += sign;
        if (r->phase == ROLLOUT_PHASE_RUNNING || r->phase == ROLLOUT_PHASE_READY)
            rs->n_running += sign;
        if (r->phase == ROLLOUT_PHASE_READY) {
            rs->n_ready += sign;
            if (r->available)
                rs->n_available += sign;
        }
    }
    if (rollout__replica_live(r))
        rs->n_live += sign;
}

void rollout__replica_update(rollout_engine *e, rollout_replica *r,
                             rollout_phase phase, bool available)
{
    (void)e;
    replica_count(r, -1);
    r->phase = (uint8_t)phase;
    r->available = available;
    replica_count(r, +1);
}

void rollout__replica_set_req(rollout_replica *r, rollout__req req)
{
    replica_count(r, -1);
    r->req = (uint8_t)req;
    replica_count(r, +1);
}

void rollout__replica_restore(rollout_replica *r, rollout_phase phase,
                              rollout__want want, rollout__req req,
                              bool available)
{
    replica_count(r, -1);
    r->phase = (uint8_t)phase;
    r->want = (uint8_t)want;
    r->req = (uint8_t)req;
    r->available = available;
    replica_count(r, +1);
}

/* Availability: ready for longer than minReadySeconds (strictly, as
 * upstream compares).  A replica that is not yet available gets a timer. */
void rollout__replica_schedule_availability(rollout_engine *e, rollout_replica *r)
{
    int64_t mrs = r->rs->min_ready_seconds;
    bool available;

    if (r->phase != ROLLOUT_PHASE_READY || r->want != ROLLOUT__WANT_CREATE) {
        if (r->req != ROLLOUT__REQ_REFUSED)
            rollout__heap_cancel(&e->timers, &r->timer);
        if (r->available)
            rollout__replica_update(e, r, (rollout_phase)r->phase, false);
        return;
    }
    available = mrs == 0 || r->ready_since + mrs * 1000 < e->now;
    if (available != r->available)
        rollout__replica_update(e, r, (rollout_phase)r->phase, available);
    if (available)
        rollout__heap_cancel(&e->timers, &r->timer);
    else
        rollout__heap_set(&e->timers, &r->timer, r->ready_since + mrs * 1000 + 1);
}

void rollout__rs_refresh_availability(rollout_engine *e, rollout_replica_set *rs)
{
    size_t i;

    for (i = 0; i < rs->replicas.len; i++) {
        rollout_replica *r = rs->replicas.items[i];

        if (r->req != ROLLOUT__REQ_REFUSED)
            rollout__replica_schedule_availability(e, r);
    }
}

/* The outbox: replicas whose create or delete request is still to be sent,
 * in the order the engine decided. */

void rollout__outbox_push(rollout_engine *e, rollout_replica *r)
{
    if (r->in_outbox)
        return;
    r->in_outbox = true;
    r->out_next = NULL;
    r->out_prev = e->out_tail;
    if (e->out_tail)
        e->out_tail->out_next = r;
    else
        e->out_head = r;
    e->out_tail = r;
}

void rollout__outbox_remove(rollout_engine *e, rollout_replica *r)
{
    if (!r->in_outbox)
        return;
    if (r->out_prev)
        r->out_prev->out_next = r->out_next;
    else
        e->out_head = r->out_next;
    if (r->out_next)
        r->out_next->out_prev = r->out_prev;
    else
        e->out_tail = r->out_prev;
    r->out_prev = r->out_next = NULL;
    r->in_outbox = false;
}

/* Replicas. */

rollout_replica *rollout__replica_new(rollout_engine *e, rollout_replica_set *rs,
                                      const char *name, uint64_t serial)
{
    size_t n = strlen(name);
    rollout_replica *r = calloc(1, sizeof(*r) + n + 1);

    if (!r)
        return NULL;
    memcpy(r->name, name, n + 1);
    rollout__timer_init(&r->timer, serial, ROLLOUT__TIMER_REPLICA);
    r->rs = rs;
    r->created = e->now;
    r->ready_since = -1;
    r->phase = ROLLOUT_PHASE_PENDING;
    r->want = ROLLOUT__WANT_CREATE;
    r->req = ROLLOUT__REQ_UNSENT;
    if (!rollout__vec_push(&rs->replicas, r)) {
        free(r);
        return NULL;
    }
    if (!rollout__map_put(&e->replica_map, r->name, r)) {
        rs->replicas.len--;
        free(r);
        return NULL;
    }
    r->rs_index = (uint32_t)(rs->replicas.len - 1);
    replica_count(r, +1);
    return r;
}

void rollout__replica_free(rollout_engine *e, rollout_replica *r)
{
    rollout_replica_set *rs = r->rs;
    rollout_replica *last;

    replica_count(r, -1);
    rollout__heap_cancel(&e->timers, &r->timer);
    rollout__outbox_remove(e, r);
    rollout__map_remove(&e->replica_map, r->name);
    /* swap-remove: the order inside a set carries no meaning */
    last = rs->replicas.items[rs->replicas.len - 1];
    rs->replicas.items[r->rs_index] = last;
    last->rs_index = r->rs_index;
    rs->replicas.len--;
    free(r->reason);
    rollout__node_name_release(e, r->node);
    free(r);
}

void rollout__replica_request_delete(rollout_engine *e, rollout_replica *r)
{
    rollout_deployment *d = r->rs->d;

    if (r->want == ROLLOUT__WANT_DELETE)
        return;
    if (d->spec->dialect == ROLLOUT_DIALECT_KUBERNETES)
        rollout__event(e, d, "ReplicaSet", r->rs->name, "Normal", "SuccessfulDelete",
                       "Deleted pod: %s", r->name);
    rollout__mark_dirty(d);
    if (r->want == ROLLOUT__WANT_CREATE && r->req != ROLLOUT__REQ_ACCEPTED) {
        /* the host never took it: nothing to stop */
        rollout__replica_free(e, r);
        return;
    }
    replica_count(r, -1);
    r->want = ROLLOUT__WANT_DELETE;
    r->req = ROLLOUT__REQ_UNSENT;
    r->backoff = 0;
    r->available = false;
    replica_count(r, +1);
    rollout__heap_cancel(&e->timers, &r->timer);
    rollout__outbox_push(e, r);
}

/* Replica sets. */

rollout_replica_set *rollout__rs_new(rollout_engine *e, rollout_deployment *d,
                                     const char *name, const json_t *tmpl,
                                     const char *canonical, const char *hash,
                                     int64_t created, uint64_t serial)
{
    rollout_replica_set *rs = calloc(1, sizeof(*rs));

    if (!rs)
        return NULL;
    rs->serial = serial;
    rs->d = d;
    rs->created = created;
    rs->desired = rs->max = -1;
    rs->rev.rs = rs;
    rs->rev.created = created;
    strncpy(rs->rev.hash, hash, sizeof(rs->rev.hash) - 1);
    rs->name = rollout__strdup(name);
    rs->key = rollout__sprintf("%s/%s", d->spec->ns, name);
    rs->annotations = json_object();
    rs->rev.template = json_deep_copy(tmpl);
    rs->rev.canonical = rollout__strdup(canonical);
    if (!rs->name || !rs->key || !rs->annotations || !rs->rev.template ||
        !rs->rev.canonical || !rollout__vec_push(&d->sets, rs)) {
        free(rs->name);
        free(rs->key);
        json_decref(rs->annotations);
        json_decref(rs->rev.template);
        free(rs->rev.canonical);
        free(rs);
        return NULL;
    }
    if (!rollout__map_put(&e->rs_map, rs->key, rs)) {
        d->sets.len--;
        rs->replicas.len = 0;
        rollout__rs_free(NULL, rs);
        return NULL;
    }
    return rs;
}

void rollout__rs_free(rollout_engine *e, rollout_replica_set *rs)
{
    if (e) {
        rollout_deployment *d = rs->d;
        size_t i;

        while (rs->replicas.len)
            rollout__replica_free(e, rs->replicas.items[rs->replicas.len - 1]);
        rollout__map_remove(&e->rs_map, rs->key);
        if (d->bcs.app == rs)
            d->bcs.app = NULL;
        if (d->bcs.ext == rs)
            d->bcs.ext = NULL;
        for (i = 0; i < d->sets.len; i++)
            if (d->sets.items[i] == rs) {
                rollout__vec_remove_at(&d->sets, i);
                break;
            }
    }
    rollout__vec_free(&rs->replicas);
    free(rs->app.message);
    json_decref(rs->annotations);
    json_decref(rs->rev.template);
    free(rs->rev.canonical);
    free(rs->name);
    free(rs->key);
    free(rs);
}

bool rollout__rs_annotate(rollout_replica_set *rs, const char *key,
                          const char *value)
{
    json_t *s;

    if (!value) {
        json_object_del(rs->annotations, key);
        return true;
    }
    s = json_string(value);
    return s && json_object_set_new(rs->annotations, key, s) == 0;
}

static bool annotate_int(rollout_replica_set *rs, const char *key, int64_t v)
{
    char buf[24];

    snprintf(buf, sizeof(buf), "%lld", (long long)v);
    return rollout__rs_annotate(rs, key, buf);
}

bool rollout__rs_set_counts_annotations(rollout_replica_set *rs,
                                        int32_t desired, int32_t max)
{
    rs->desired = desired;
    rs->max = max;
    return annotate_int(rs, ROLLOUT__ANN_DESIRED, desired) &&
           annotate_int(rs, ROLLOUT__ANN_MAX, max);
}

bool rollout__rs_set_revision(rollout_replica_set *rs, int64_t number)
{
    rs->rev.number = number;
    return annotate_int(rs, ROLLOUT__ANN_REVISION, number);
}

void rollout__rs_read_counts(rollout__rs_counts *out, const rollout_replica_set *rs)
{
    out->spec = rs->spec;
    out->replicas = rs->n_active;
    out->ready = rs->n_ready;
    out->available = rs->n_available;
    out->desired = rs->desired;
    out->max = rs->max;
    out->revision = rs->rev.number;
    out->created = rs->created;
    out->serial = rs->serial;
}

/* Victims, in the order upstream's ActivePodsWithRanks sorts pods for
 * deletion: unassigned first, pending before running, not ready before
 * ready, doubled up (more pods of the deployment on its node) first, more
 * recently ready first, newest first. */

typedef struct {
    rollout_replica *r;
    size_t rank;
} victim;

static int phase_ordinal(const rollout_replica *r)
{
    /* Pending < Unknown < Running */
    if (r->phase == ROLLOUT_PHASE_PENDING || r->phase == ROLLOUT_PHASE_STARTING)
        return 0;
    if (r->phase == ROLLOUT_PHASE_LOST)
        return 1;
    return 2;
}

static int victim_cmp(const void *pa, const void *pb)
{
    const victim *va = pa, *vb = pb;
    const rollout_replica *a = va->r, *b = vb->r;
    bool ra = a->phase == ROLLOUT_PHASE_READY, rb = b->phase == ROLLOUT_PHASE_READY;

    if ((a->node == NULL) != (b->node == NULL))
        return a->node == NULL ? -1 : 1;
    if (phase_ordinal(a) != phase_ordinal(b))
        return phase_ordinal(a) < phase_ordinal(b) ? -1 : 1;
    if (ra != rb)
        return ra ? 1 : -1;
    if (va->rank != vb->rank)
        return va->rank > vb->rank ? -1 : 1;
    if (ra && a->ready_since != b->ready_since)
        return a->ready_since > b->ready_since ? -1 : 1;
    if (a->created != b->created)
        return a->created > b->created ? -1 : 1;
    if (a->timer.serial != b->timer.serial)
        return a->timer.serial > b->timer.serial ? -1 : 1;
    return 0;
}

/* How many active replicas of the deployment share each victim's node. */
static bool rank_victims(victim *v, size_t n, const rollout_deployment *d)
{
    rollout__map nodes = {0};
    size_t i, j;
    bool ok = true;

    for (i = 0; i < d->sets.len && ok; i++) {
        rollout_replica_set *rs = d->sets.items[i];

        for (j = 0; j < rs->replicas.len && ok; j++) {
            rollout_replica *r = rs->replicas.items[j];
            uintptr_t c;

            if (!r->node || !rollout__replica_active(r))
                continue;
            c = (uintptr_t)rollout__map_get(&nodes, r->node);
            ok = rollout__map_put(&nodes, r->node, (void *)(c + 1));
        }
    }
    for (i = 0; i < n; i++)
        v[i].rank = v[i].r->node ? (size_t)(uintptr_t)rollout__map_get(
                                       &nodes, v[i].r->node)
                                 : 0;
    rollout__map_free(&nodes);
    return ok;
}

static int scale_down(rollout_engine *e, rollout_replica_set *rs, int32_t diff)
{
    victim *v;
    size_t n = 0, i;

    v = malloc(rs->replicas.len * sizeof(*v));
    if (!v)
        return rollout__oom(e);
    for (i = 0; i < rs->replicas.len; i++) {
        rollout_replica *r = rs->replicas.items[i];

        if (rollout__replica_active(r)) {
            v[n].r = r;
            v[n].rank = 0;
            n++;
        }
    }
    if ((size_t)diff < n) {
        if (!rank_victims(v, n, rs->d)) {
            free(v);
            return rollout__oom(e);
        }
        qsort(v, n, sizeof(*v), victim_cmp);
    }
    for (i = 0; i < (size_t)diff && i < n; i++)
        rollout__replica_request_delete(e, v[i].r);
    free(v);
    return ROLLOUT_OK;
}

/* A new replica name, <set>-<5 safe characters>, unique in the engine. */
static char *replica_name(rollout_engine *e, const rollout_replica_set *rs)
{
    size_t n = strlen(rs->name);
    char *name = malloc(n + 1 + NAME_SUFFIX_LEN + 1);
    int i;

    if (!name)
        return NULL;
    memcpy(name, rs->name, n);
    name[n] = '-';
    do {
        uint64_t x = rollout__rng_next(e);

        for (i = 0; i < NAME_SUFFIX_LEN; i++) {
            name[n + 1 + i] = "bcdfghjklmnpqrstvwxz2456789"[x % 27];
            x /= 27;
        }
        name[n + 1 + NAME_SUFFIX_LEN] = '\0';
    } while (rollout__map_get(&e->replica_map, name));
    return name;
}

static int scale_up(rollout_engine *e, rollout_replica_set *rs, int32_t count)
{
    int32_t i;

    for (i = 0; i < count; i++) {
        char *name = replica_name(e, rs);
        rollout_replica *r;

        if (!name)
            return rollout__oom(e);
        r = rollout__replica_new(e, rs, name, e->next_serial++);
        free(name);
        if (!r)
            return rollout__oom(e);
        rollout__event(e, rs->d, "ReplicaSet", rs->name, "Normal",
                       "SuccessfulCreate", "Created pod: %s", r->name);
        rollout__outbox_push(e, r);
    }
    return ROLLOUT_OK;
}

int rollout__rs_reconcile(rollout_engine *e, rollout_replica_set *rs)
{
    int32_t diff = rs->n_active - rs->spec;

    if (diff < 0)
        return scale_up(e, rs, -diff);
    if (diff > 0)
        return scale_down(e, rs, diff);
    return ROLLOUT_OK;
}
