/*
 * The engine: its life, the host's callbacks, reports, the tick (DESIGN.md,
 * "The flow of one tick"), deadlines, and the operations on deployments.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"

/* Passes one deployment may take in one tick before the rest waits for the
 * next tick: a guard against rules that would not settle. */
#define MAX_PASSES_PER_TICK 100

enum { TIMER_UNTOLD = 0, TIMER_NONE = 1, TIMER_NOW = 2, TIMER_AT = 3 };

/* Callbacks. */

int rollout_callbacks_new(rollout_callbacks **out)
{
    if (!out)
        return ROLLOUT_EINVAL;
    *out = calloc(1, sizeof(**out));
    return *out ? ROLLOUT_OK : ROLLOUT_ENOMEM;
}

void rollout_callbacks_free(rollout_callbacks *cbs)
{
    free(cbs);
}

void rollout_callbacks_set_clock(rollout_callbacks *cbs, rollout_clock_cb cb)
{
    if (cbs)
        cbs->clock = cb;
}

void rollout_callbacks_set_create_replica(rollout_callbacks *cbs,
                                          rollout_create_replica_cb cb)
{
    if (cbs)
        cbs->create_replica = cb;
}

void rollout_callbacks_set_delete_replica(rollout_callbacks *cbs,
                                          rollout_delete_replica_cb cb)
{
    if (cbs)
        cbs->delete_replica = cb;
}

void rollout_callbacks_set_event(rollout_callbacks *cbs, rollout_event_cb cb)
{
    if (cbs)
        cbs->event = cb;
}

void rollout_callbacks_set_timer(rollout_callbacks *cbs, rollout_timer_cb cb)
{
    if (cbs)
        cbs->timer = cb;
}

/* Errors. */

int rollout__fail(rollout_engine *e, int code, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    msg = rollout__vsprintf(fmt, ap);
    va_end(ap);
    free(e->errmsg);
    e->errmsg = msg;
    e->err_oom = msg == NULL;
    return code;
}

int rollout__oom(rollout_engine *e)
{
    /* no allocation here: rollout_engine_errmsg() gives strerror's text */
    free(e->errmsg);
    e->errmsg = NULL;
    e->err_oom = true;
    return ROLLOUT_ENOMEM;
}

void rollout__clear_error(rollout_engine *e)
{
    free(e->errmsg);
    e->errmsg = NULL;
    e->err_oom = false;
}

const char *rollout_engine_errmsg(const rollout_engine *e)
{
    if (!e)
        return rollout_strerror(ROLLOUT_EINVAL);
    if (e->err_oom)
        return rollout_strerror(ROLLOUT_ENOMEM);
    return e->errmsg ? e->errmsg : "";
}

void *rollout_engine_user_data(const rollout_engine *e)
{
    return e ? e->user_data : NULL;
}

/* The reentrancy guard: while a callback runs, only reports and queries
 * may enter the engine. */

void rollout__enter_callback(rollout_engine *e)
{
    e->depth++;
}

void rollout__leave_callback(rollout_engine *e)
{
    e->depth--;
}

static int guard(rollout_engine *e)
{
    if (e->depth > 0)
        return rollout__fail(e, ROLLOUT_EREENTRANT,
                             "this call is not allowed from inside a callback");
    rollout__clear_error(e);
    return ROLLOUT_OK;
}

int64_t rollout__clock(rollout_engine *e)
{
    int64_t t;

    rollout__enter_callback(e);
    t = e->cb.clock(e, e->user_data);
    rollout__leave_callback(e);
    if (t > e->now)
        e->now = t; /* a clock that goes back is held where it was */
    return e->now;
}

void rollout__format_rfc3339(char out[32], int64_t ms)
{
    /* years outside 0..9999 are not RFC 3339: clamp to its range */
    static const int64_t lo = -62167219200000LL, hi = 253402300799999LL;
    int64_t secs, days, rem, z, era, doe, yoe, y, doy, mp, d, m;

    ms = ms < lo ? lo : ms > hi ? hi : ms;
    secs = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
    days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
    rem = secs - days * 86400;
    /* civil_from_days (H. Hinnant) */
    z = days + 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    if (m <= 2)
        y++;
    snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02dZ", (int)(y % 10000),
             (int)(m % 100), (int)(d % 100), (int)(rem / 3600 % 100),
             (int)(rem % 3600 / 60), (int)(rem % 60));
}

bool rollout__wants_events(const rollout_engine *e)
{
    return e->cb.event != NULL;
}

int rollout__event(rollout_engine *e, const rollout_deployment *d,
                   const char *kind, const char *object, const char *type,
                   const char *reason, const char *fmt, ...)
{
    char *msg, *obj;
    va_list ap;
    int rc;

    if (!e->cb.event)
        return ROLLOUT_OK;
    va_start(ap, fmt);
    msg = rollout__vsprintf(fmt, ap);
    va_end(ap);
    obj = rollout__sprintf("%s/%s", kind, object);
    if (!msg || !obj) {
        free(msg);
        free(obj);
        return rollout__oom(e);
    }
    rollout__enter_callback(e);
    rc = e->cb.event(e, d, obj, type, reason, msg, e->user_data);
    rollout__leave_callback(e);
    free(msg);
    free(obj);
    if (rc < 0) {
        e->cb_failed = true;
        return rollout__fail(e, ROLLOUT_ECALLBACK, "the event callback failed");
    }
    return ROLLOUT_OK;
}

/* Life. */

int rollout_engine_new(rollout_engine **out, const rollout_callbacks *cbs,
                       void *user_data)
{
    rollout_engine *e;

    if (!out)
        return ROLLOUT_EINVAL;
    *out = NULL;
    if (!cbs || !cbs->clock || !cbs->create_replica || !cbs->delete_replica)
        return ROLLOUT_EINVAL;
    e = calloc(1, sizeof(*e));
    if (!e)
        return ROLLOUT_ENOMEM;
    e->cb = *cbs;
    e->user_data = user_data;
    e->next_serial = 1;
    e->rng = 0x726f6c6c6f757421ull;
    e->backoff_initial = 1000;
    e->backoff_max = 10000;
    e->timer_state = TIMER_UNTOLD;
    *out = e;
    return ROLLOUT_OK;
}

static void free_reports(rollout_engine *e)
{
    while (e->reports_head) {
        rollout__report *q = e->reports_head;

        e->reports_head = q->next;
        free(q->reason);
        free(q);
    }
    e->reports_tail = NULL;
}

void rollout_engine_free(rollout_engine *e)
{
    if (!e)
        return;
    if (e->depth > 0) {
        /* from inside a callback: done when the engine call returns */
        e->free_pending = true;
        return;
    }
    while (e->deployments.len)
        rollout__deployment_free(e, e->deployments.items[e->deployments.len - 1]);
    rollout__vec_free(&e->deployments);
    rollout__map_free(&e->deployment_map);
    rollout__map_free(&e->rs_map);
    rollout__map_free(&e->replica_map);
    rollout__map_free(&e->node_names); /* empty: every replica released its own */
    rollout__heap_free(&e->timers);
    free_reports(e);
    free(e->errmsg);
    free(e->cluster);
    free(e);
}

/* Every public entry that can run callbacks ends through here, so that a
 * free asked for from a callback happens once the engine is left. */
static int leave(rollout_engine *e, int rc)
{
    if (e->free_pending && e->depth == 0) {
        e->free_pending = false;
        rollout_engine_free(e);
    }
    return rc;
}

int rollout_engine_set_backoff(rollout_engine *e, int64_t initial_ms,
                               int64_t max_ms)
{
    int rc;

    if (!e)
        return ROLLOUT_EINVAL;
    if ((rc = guard(e)) != ROLLOUT_OK)
        return rc;
    if (initial_ms <= 0 || max_ms < initial_ms)
        return rollout__fail(e, ROLLOUT_EINVAL,
                             "backoff needs 0 < initial <= max");
    e->backoff_initial = initial_ms;
    e->backoff_max = max_ms;
    return ROLLOUT_OK;
}

/* Deadlines. */

static int timer_state(const rollout_engine *e, int64_t *when)
{
    rollout__timer *t;

    if (e->dirty_head || e->out_head || e->reports_head)
        return TIMER_NOW;
    t = rollout__heap_top(&e->timers);
    if (!t)
        return TIMER_NONE;
    *when = t->when;
    return TIMER_AT;
}

static int64_t relative(const rollout_engine *e, int state, int64_t when)
{
    if (state == TIMER_NONE)
        return -1;
    if (state == TIMER_NOW || when <= e->now)
        return 0;
    return when - e->now;
}

int rollout_engine_next_deadline(int64_t *timeout_ms, rollout_engine *e)
{
    int64_t when = 0;
    int state;

    if (!timeout_ms)
        return ROLLOUT_EINVAL;
    *timeout_ms = -1;
    if (!e)
        return ROLLOUT_EINVAL;
    rollout__clear_error(e);
    if (e->depth > 0) {
        state = timer_state(e, &when);
        *timeout_ms = relative(e, state, when);
        return ROLLOUT_OK;
    }
    rollout__clock(e);
    state = timer_state(e, &when);
    *timeout_ms = relative(e, state, when);
    return leave(e, ROLLOUT_OK);
}

/* Tells the timer callback when the deadline moved. */
static int notify_timer(rollout_engine *e)
{
    int64_t when = 0;
    int state, rc;

    if (!e->cb.timer || e->depth > 0)
        return ROLLOUT_OK;
    state = timer_state(e, &when);
    if (state == e->timer_state && (state != TIMER_AT || when == e->timer_notified))
        return ROLLOUT_OK;
    e->timer_state = state;
    e->timer_notified = when;
    rollout__enter_callback(e);
    rc = e->cb.timer(e, relative(e, state, when), e->user_data);
    rollout__leave_callback(e);
    if (rc < 0) {
        /* told again at the next chance, so nothing is lost */
        e->timer_state = TIMER_UNTOLD;
        return rollout__fail(e, ROLLOUT_ECALLBACK, "the timer callback failed");
    }
    return ROLLOUT_OK;
}

/* Reports. */

static bool valid_report_phase(rollout_phase phase)
{
    return (phase >= ROLLOUT_PHASE_PENDING && phase <= ROLLOUT_PHASE_LOST) ||
           phase == ROLLOUT_PHASE_GONE || phase == ROLLOUT_PHASE_FINISHED ||
           phase == ROLLOUT_PHASE_ERROR;
}

static int apply_report(rollout_engine *e, rollout_replica *r,
                        rollout_phase phase, const char *reason)
{
    rollout_deployment *d = r->rs->d;
    bool was_ready = r->phase == ROLLOUT_PHASE_READY;

    rollout__mark_dirty(d);
    if (phase == ROLLOUT_PHASE_GONE) {
        rollout__replica_free(e, r);
        return ROLLOUT_OK;
    }
    if (phase != ROLLOUT_PHASE_PENDING && r->want == ROLLOUT__WANT_CREATE &&
        r->req != ROLLOUT__REQ_ACCEPTED) {
        /* the host has it, whatever it answered before */
        rollout__replica_set_req(r, ROLLOUT__REQ_ACCEPTED);
        r->backoff = 0;
        rollout__heap_cancel(&e->timers, &r->timer);
        rollout__outbox_remove(e, r);
    }
    if (!rollout__set_str(&r->reason, reason))
        return rollout__oom(e);
    if (phase == ROLLOUT_PHASE_READY && !was_ready)
        r->ready_since = e->now;
    else if (phase != ROLLOUT_PHASE_READY)
        r->ready_since = -1;
    rollout__replica_update(e, r, phase,
                            phase == ROLLOUT_PHASE_READY && r->available);
    if (r->req != ROLLOUT__REQ_REFUSED)
        rollout__replica_schedule_availability(e, r);
    /* a Kubernetes replica set replaces what ended; BCS follows the
     * application's restart policy in its pass */
    if (rollout__replica_dead(r) && r->want == ROLLOUT__WANT_CREATE &&
        d->spec->dialect == ROLLOUT_DIALECT_KUBERNETES)
        rollout__replica_request_delete(e, r);
    return ROLLOUT_OK;
}

/* A node name and how many replicas hold it. */
typedef struct {
    size_t holders;
    char name[];
} node_name;

char *rollout__node_name(rollout_engine *e, const char *name)
{
    node_name *n = rollout__map_get(&e->node_names, name);

    if (!n) {
        size_t len = strlen(name);

        if (!(n = malloc(sizeof(*n) + len + 1)))
            return NULL;
        n->holders = 0;
        memcpy(n->name, name, len + 1);
        if (!rollout__map_put(&e->node_names, n->name, n)) {
            free(n);
            return NULL;
        }
    }
    n->holders++;
    return n->name;
}

void rollout__node_name_release(rollout_engine *e, char *name)
{
    node_name *n;

    if (!name)
        return;
    n = (node_name *)(void *)(name - offsetof(node_name, name));
    if (--n->holders == 0) {
        rollout__map_remove(&e->node_names, n->name);
        free(n);
    }
}

static int apply_node(rollout_engine *e, rollout_replica *r, const char *node)
{
    rollout__mark_dirty(r->rs->d);
    /* an empty node name is no node, as upstream treats it */
    if (node && !*node)
        node = NULL;
    if (node && r->node && strcmp(node, r->node) == 0)
        return ROLLOUT_OK;
    if (node) {
        char *shared = rollout__node_name(e, node);

        if (!shared)
            return rollout__oom(e);
        rollout__node_name_release(e, r->node);
        r->node = shared;
    } else {
        rollout__node_name_release(e, r->node);
        r->node = NULL;
    }
    return ROLLOUT_OK;
}

static int queue_report(rollout_engine *e, const char *name, bool is_node,
                        rollout_phase phase, const char *text)
{
    size_t n = strlen(name);
    rollout__report *q = malloc(sizeof(*q) + n + 1);

    if (!q)
        return rollout__oom(e);
    q->next = NULL;
    q->is_node = is_node;
    q->phase = phase;
    q->reason = NULL;
    memcpy(q->name, name, n + 1);
    if (text && !(q->reason = rollout__strdup(text))) {
        free(q);
        return rollout__oom(e);
    }
    if (e->reports_tail)
        e->reports_tail->next = q;
    else
        e->reports_head = q;
    e->reports_tail = q;
    return ROLLOUT_OK;
}

/* Applies the reports that arrived during callbacks.  A replica that has
 * gone since is skipped. */
static int drain_reports(rollout_engine *e)
{
    int rc = ROLLOUT_OK;

    while (e->reports_head && rc == ROLLOUT_OK) {
        rollout__report *q = e->reports_head;
        rollout_replica *r;

        e->reports_head = q->next;
        if (!e->reports_head)
            e->reports_tail = NULL;
        r = rollout__map_get(&e->replica_map, q->name);
        if (r)
            rc = q->is_node ? apply_node(e, r, q->reason)
                            : apply_report(e, r, q->phase, q->reason);
        free(q->reason);
        free(q);
    }
    return rc;
}

static int report_common(rollout_engine *e, const char *name, bool is_node,
                         rollout_phase phase, const char *text)
{
    rollout_replica *r;
    int rc;

    if (!e)
        return ROLLOUT_EINVAL;
    if (!name)
        return rollout__fail(e, ROLLOUT_EINVAL, "no replica name");
    if (!is_node && !valid_report_phase(phase))
        return rollout__fail(e, ROLLOUT_EINVAL, "replica %s: phase %d cannot be "
                             "reported", name, (int)phase);
    r = rollout__map_get(&e->replica_map, name);
    if (!r)
        return rollout__fail(e, ROLLOUT_ENOTFOUND, "replica %s not found", name);
    if (e->depth > 0)
        return queue_report(e, name, is_node, phase, text);
    rollout__clear_error(e);
    rollout__clock(e);
    rc = is_node ? apply_node(e, r, text) : apply_report(e, r, phase, text);
    if (rc == ROLLOUT_OK)
        notify_timer(e); /* a failure is told again later; the report stands */
    return leave(e, rc);
}

int rollout_engine_report(rollout_engine *e, const char *replica,
                          rollout_phase phase, const char *reason)
{
    return report_common(e, replica, false, phase, reason);
}

int rollout_engine_report_node(rollout_engine *e, const char *replica,
                               const char *node)
{
    return report_common(e, replica, true, ROLLOUT_PHASE_PENDING, node);
}

/* Requests: sends what the outbox holds, in order.  A refused request
 * waits for its backoff timer; a failed callback stops the flush and
 * leaves the request for the next tick. */

static int64_t backoff_delay(const rollout_engine *e, unsigned int refusals)
{
    int64_t delay = e->backoff_initial;

    while (refusals-- > 1 && delay < e->backoff_max)
        delay *= 2;
    return delay < e->backoff_max ? delay : e->backoff_max;
}

static int send_request(rollout_engine *e, rollout_replica *r)
{
    const char *reason = NULL;
    bool create = r->want == ROLLOUT__WANT_CREATE;
    int rc;

    rollout__enter_callback(e);
    rc = create ? e->cb.create_replica(e, r, &reason, e->user_data)
                : e->cb.delete_replica(e, r, &reason, e->user_data);
    rollout__leave_callback(e);
    if (rc < 0) {
        /* not sent: tried again after the backoff, so that a host that keeps
         * failing is not called in a tight loop */
        e->cb_failed = true;
        rollout__replica_set_req(r, ROLLOUT__REQ_REFUSED);
        if (r->backoff < UINT8_MAX)
            r->backoff++;
        if (!rollout__heap_set(&e->timers, &r->timer,
                               e->now + backoff_delay(e, r->backoff)))
            return rollout__oom(e);
        return rollout__fail(e, ROLLOUT_ECALLBACK, "the %s callback failed for "
                             "replica %s", create ? "create" : "delete", r->name);
    }
    if (rc != ROLLOUT_REFUSED) {
        rollout__replica_set_req(r, ROLLOUT__REQ_ACCEPTED);
        r->backoff = 0;
        if (create && r->reason && r->phase == ROLLOUT_PHASE_PENDING)
            rollout__set_str(&r->reason, NULL);
        return ROLLOUT_OK;
    }
    rollout__replica_set_req(r, ROLLOUT__REQ_REFUSED);
    if (r->backoff < UINT8_MAX)
        r->backoff++;
    if (!rollout__set_str(&r->reason, reason ? reason : "refused") ||
        !rollout__heap_set(&e->timers, &r->timer,
                           e->now + backoff_delay(e, r->backoff)))
        return rollout__oom(e);
    rollout__mark_dirty(r->rs->d);
    return create ? rollout__event(e, r->rs->d, "Pod", r->name, "Warning",
                                   "FailedScheduling", "%s", r->reason)
                  : rollout__event(e, r->rs->d, "ReplicaSet", r->rs->name,
                                   "Warning", "FailedDelete",
                                   "Error deleting: %s", r->reason);
}

static int flush_outbox(rollout_engine *e)
{
    int rc = ROLLOUT_OK;

    while (e->out_head && !e->cb_failed && rc == ROLLOUT_OK) {
        rollout_replica *r = e->out_head;

        rollout__outbox_remove(e, r);
        rc = send_request(e, r);
        if (rc == ROLLOUT_OK)
            rc = drain_reports(e);
    }
    return rc;
}

/* Timers that are due. */
static int run_timers(rollout_engine *e)
{
    rollout__timer *t;

    while ((t = rollout__heap_top(&e->timers)) && t->when <= e->now) {
        rollout__heap_cancel(&e->timers, t);
        /* the timer is the first member of both of its owners */
        if (t->kind == ROLLOUT__TIMER_REPLICA) {
            rollout_replica *r = (rollout_replica *)t;

            if (r->req == ROLLOUT__REQ_REFUSED) {
                rollout__replica_set_req(r, ROLLOUT__REQ_UNSENT);
                rollout__outbox_push(e, r);
            } else {
                rollout__replica_schedule_availability(e, r);
            }
            rollout__mark_dirty(r->rs->d);
        } else {
            rollout__mark_dirty((rollout_deployment *)t);
        }
    }
    return ROLLOUT_OK;
}

static rollout_deployment *dirty_pop(rollout_engine *e)
{
    rollout_deployment *d = e->dirty_head;

    if (!d)
        return NULL;
    e->dirty_head = d->dirty_next;
    if (!e->dirty_head)
        e->dirty_tail = NULL;
    d->dirty = false;
    d->dirty_next = NULL;
    return d;
}

static void dirty_remove(rollout_engine *e, rollout_deployment *d)
{
    rollout_deployment **p, *prev = NULL;

    if (!d->dirty)
        return;
    for (p = &e->dirty_head; *p; prev = *p, p = &(*p)->dirty_next)
        if (*p == d) {
            *p = d->dirty_next;
            if (e->dirty_tail == d)
                e->dirty_tail = prev;
            break;
        }
    d->dirty = false;
    d->dirty_next = NULL;
}

int rollout_engine_tick(rollout_engine *e)
{
    rollout__vec deferred = {0};
    rollout_deployment *d;
    size_t i;
    int rc;

    if (!e)
        return ROLLOUT_EINVAL;
    if ((rc = guard(e)) != ROLLOUT_OK)
        return rc;
    e->cb_failed = false;
    e->tick_count++;
    rollout__clock(e);
    rc = run_timers(e);
    if (rc == ROLLOUT_OK)
        rc = drain_reports(e);
    if (rc == ROLLOUT_OK)
        rc = flush_outbox(e);
    while (rc == ROLLOUT_OK && !e->cb_failed && (d = dirty_pop(e))) {
        bool changed = false;

        if (d->pass_tick != e->tick_count) {
            d->pass_tick = e->tick_count;
            d->passes = 0;
        }
        if (++d->passes > MAX_PASSES_PER_TICK) {
            /* not settled: the rest waits for the next tick */
            if (!rollout__vec_push(&deferred, d))
                rc = rollout__oom(e);
            continue;
        }
        rc = d->spec->dialect == ROLLOUT_DIALECT_BCS ? rollout__bcs_sync(e, d, &changed)
                                                    : rollout__k8s_sync(e, d, &changed);
        if (rc == ROLLOUT_OK && d->deleting && d->sets.len == 0) {
            dirty_remove(e, d);
            rollout__deployment_free(e, d);
            continue;
        }
        if (rc == ROLLOUT_OK)
            rc = flush_outbox(e);
        if (rc == ROLLOUT_OK)
            rc = drain_reports(e);
        if (changed)
            rollout__mark_dirty(d);
    }
    for (i = 0; i < deferred.len; i++)
        rollout__mark_dirty(deferred.items[i]);
    rollout__vec_free(&deferred);
    if (rc == ROLLOUT_OK && e->cb_failed)
        rc = ROLLOUT_ECALLBACK;
    if (rc == ROLLOUT_OK || rc == ROLLOUT_ECALLBACK) {
        int trc = notify_timer(e);

        if (rc == ROLLOUT_OK)
            rc = trc;
    }
    e->cb_failed = false;
    return leave(e, rc);
}

/* Operations. */

static rollout_deployment *lookup(rollout_engine *e, const char *ns,
                                  const char *name)
{
    rollout_deployment *d = rollout__find_deployment(e, ns, name);

    if (!d)
        rollout__fail(e, ROLLOUT_ENOTFOUND, "deployments.apps \"%s\" not found",
                      name);
    return d;
}

/* Kubernetes' API defaults that the builder leaves open. */
static int apply_defaults(struct rollout_spec *s)
{
    rollout__intstr *f[2];
    size_t i;

    if (s->strategy != ROLLOUT_STRATEGY_ROLLING_UPDATE)
        return ROLLOUT_OK;
    f[0] = &s->max_surge;
    f[1] = &s->max_unavailable;
    for (i = 0; i < 2; i++)
        if (f[i]->kind == ROLLOUT__INTSTR_NONE) {
            f[i]->sval = rollout__strdup("25%");
            if (!f[i]->sval)
                return ROLLOUT_ENOMEM;
            f[i]->kind = ROLLOUT__INTSTR_STR;
        }
    s->rolling_set = true;
    return ROLLOUT_OK;
}

/* A spec refused by validation (RC): the message, with the file, line and
 * column when the spec was read from one.  Frees PATH and MSG. */
static int refuse(rollout_engine *e, int rc, const struct rollout_spec *spec,
                  char *path, char *msg)
{
    char *text = NULL;

    if (rc == ROLLOUT_EVALIDATION)
        text = rollout__spec_error(spec, path, msg);
    free(path);
    free(msg);
    if (!text)
        return rollout__oom(e);
    rollout__fail(e, rc, "%s", text);
    free(text);
    return rc;
}

/* Validates SPEC (taken) against D's current one and installs it; bumps
 * the generation when the spec (not only metadata) changed. */
static int install(rollout_engine *e, rollout_deployment *d,
                   struct rollout_spec *spec, int *outcome)
{
    char *path = NULL, *msg = NULL;
    bool spec_changed, meta_changed;
    int rc;

    rc = rollout__spec_validate(spec, d->spec, &path, &msg);
    if (rc != ROLLOUT_OK) {
        rc = refuse(e, rc, spec, path, msg);
        rollout_spec_free(spec);
        return rc;
    }
    spec_changed = rollout__spec_differs(spec, d->spec);
    meta_changed = rollout__spec_metadata_differs(spec, d->spec);
    if (!spec_changed && !meta_changed) {
        rollout_spec_free(spec);
        if (outcome)
            *outcome = ROLLOUT_APPLY_UNCHANGED;
        return ROLLOUT_OK;
    }
    if (rollout__deployment_set_spec(d, spec) != ROLLOUT_OK) {
        rollout_spec_free(spec);
        return rollout__oom(e);
    }
    if (spec_changed)
        d->generation++;
    rollout__mark_dirty(d);
    if (outcome)
        *outcome = ROLLOUT_APPLY_CONFIGURED;
    return ROLLOUT_OK;
}

/* Ends an operation, whatever its result: tells the timer callback when it
 * succeeded (its failure does not undo the operation: the deadline is told
 * again at the next chance), and frees an engine that a callback asked to
 * free. */
static int done(rollout_engine *e, int rc)
{
    if (rc == ROLLOUT_OK)
        notify_timer(e);
    return leave(e, rc);
}

static int apply(int *outcome, rollout_engine *e, const rollout_spec *spec,
                 rollout__apply_mode mode)
{
    struct rollout_spec *copy;
    rollout_deployment *d;
    char *path = NULL, *msg = NULL;
    int rc;

    copy = rollout__spec_copy(spec);
    if (!copy || apply_defaults(copy) != ROLLOUT_OK) {
        rollout_spec_free(copy);
        return rollout__oom(e);
    }
    d = rollout__find_deployment(e, copy->ns, copy->name);
    if (d && d->spec->dialect != ROLLOUT_DIALECT_KUBERNETES) {
        rollout_spec_free(copy);
        return rollout__fail(e, ROLLOUT_EEXIST, "deployment %s.%s is a BCS deployment",
                             spec->ns, spec->name);
    }
    if (d && mode == ROLLOUT__APPLY_CREATE) {
        rollout_spec_free(copy);
        return rollout__fail(e, ROLLOUT_EEXIST,
                             "deployments.apps \"%s\" already exists", spec->name);
    }
    if (!d && mode == ROLLOUT__APPLY_UPDATE) {
        rollout_spec_free(copy);
        return rollout__fail(e, ROLLOUT_ENOTFOUND, "deployments.apps \"%s\" not found",
                             spec->name);
    }
    if (d && d->deleting) {
        rollout_spec_free(copy);
        return rollout__fail(e, ROLLOUT_EEXIST,
                             "object is being deleted: deployments.apps \"%s\" "
                             "already exists", spec->name);
    }
    if (d)
        return install(e, d, copy, outcome);

    rc = rollout__spec_validate(copy, NULL, &path, &msg);
    if (rc != ROLLOUT_OK) {
        rc = refuse(e, rc, copy, path, msg);
        rollout_spec_free(copy);
        return rc;
    }
    d = rollout__deployment_new(e, copy, e->next_serial, e->now);
    if (!d)
        return rollout__oom(e);
    e->next_serial++;
    d->generation = 1;
    if (rollout__deployment_add(e, d) != ROLLOUT_OK) {
        rollout__deployment_free(NULL, d);
        return rollout__oom(e);
    }
    rollout__mark_dirty(d);
    if (outcome)
        *outcome = ROLLOUT_APPLY_CREATED;
    return ROLLOUT_OK;
}

int rollout_engine_apply(int *outcome, rollout_engine *e, const rollout_spec *spec)
{
    int rc;

    if (outcome)
        *outcome = 0;
    if (!e)
        return ROLLOUT_EINVAL;
    if ((rc = guard(e)) != ROLLOUT_OK)
        return rc;
    if (!spec)
        return rollout__fail(e, ROLLOUT_EINVAL, "no spec");
    rollout__clock(e);
    if (spec->dialect == ROLLOUT_DIALECT_BCS)
        return done(e, rollout__bcs_apply(outcome, e, spec, ROLLOUT__APPLY_EITHER));
    return done(e, apply(outcome, e, spec, ROLLOUT__APPLY_EITHER));
}

/* Create or update only: kubectl create, bcs-client create and update. */
static int create_or_update(rollout_engine *e, const rollout_spec *spec,
                            rollout__apply_mode mode)
{
    int rc;

    if (!e)
        return ROLLOUT_EINVAL;
    if ((rc = guard(e)) != ROLLOUT_OK)
        return rc;
    if (!spec)
        return rollout__fail(e, ROLLOUT_EINVAL, "no spec");
    rollout__clock(e);
    if (spec->dialect == ROLLOUT_DIALECT_BCS)
        return done(e, rollout__bcs_apply(NULL, e, spec, mode));
    return done(e, apply(NULL, e, spec, mode));
}

int rollout_engine_create(rollout_engine *e, const rollout_spec *spec)
{
    return create_or_update(e, spec, ROLLOUT__APPLY_CREATE);
}

int rollout_engine_update(rollout_engine *e, const rollout_spec *spec)
{
    return create_or_update(e, spec, ROLLOUT__APPLY_UPDATE);
}

/* Starts an operation on NS/NAME: guard, clock, lookup. */
static int find_op(rollout_engine *e, const char *ns, const char *name,
                   rollout_deployment **d)
{
    int rc;

    if ((rc = guard(e)) != ROLLOUT_OK)
        return rc;
    if (!name)
        return rollout__fail(e, ROLLOUT_EINVAL, "no deployment name");
    rollout__clock(e);
    *d = lookup(e, ns, name);
    return *d ? ROLLOUT_OK : ROLLOUT_ENOTFOUND;
}

/* The same for a Kubernetes operation, with a copy of the spec to change:
 * *COPY stays NULL for a BCS deployment. */
static int begin_op(rollout_engine *e, const char *ns, const char *name,
                    rollout_deployment **d, struct rollout_spec **copy)
{
    int rc;

    *copy = NULL;
    if ((rc = find_op(e, ns, name, d)) != ROLLOUT_OK)
        return rc;
    if ((*d)->spec->dialect == ROLLOUT_DIALECT_BCS)
        return ROLLOUT_OK;
    if ((*d)->deleting)
        return rollout__fail(e, ROLLOUT_ESTATE,
                             "deployments.apps \"%s\" is being deleted", name);
    *copy = rollout__spec_copy((*d)->spec);
    return *copy ? ROLLOUT_OK : rollout__oom(e);
}

/* Kubernetes' own operations on a BCS deployment. */
static int not_bcs(rollout_engine *e, const rollout_deployment *d, const char *op)
{
    return rollout__fail(e, ROLLOUT_ESTATE, "%s is not an operation of BCS "
                         "deployments (%s.%s)", op, d->ns, d->name);
}

static int op_scale(rollout_engine *e, const char *ns, const char *name,
                    int32_t replicas)
{
    struct rollout_spec *copy;
    rollout_deployment *d;
    int rc = begin_op(e, ns, name, &d, &copy);

    if (rc != ROLLOUT_OK)
        return rc;
    if (!copy)
        return rollout__bcs_scale(e, d, replicas);
    copy->replicas = replicas;
    return install(e, d, copy, NULL);
}

int rollout_engine_scale(rollout_engine *e, const char *ns, const char *name,
                         int32_t replicas)
{
    return e ? done(e, op_scale(e, ns, name, replicas)) : ROLLOUT_EINVAL;
}

static int op_set_paused(rollout_engine *e, const char *ns, const char *name,
                         bool paused)
{
    struct rollout_spec *copy;
    rollout_deployment *d;
    int rc = begin_op(e, ns, name, &d, &copy);

    if (rc != ROLLOUT_OK)
        return rc;
    if (!copy)
        return paused ? rollout__bcs_pause(e, d) : rollout__bcs_resume(e, d);
    if (d->spec->paused == paused) {
        rollout_spec_free(copy);
        return rollout__fail(e, ROLLOUT_ESTATE, "deployments.apps \"%s\" is %s",
                             name, paused ? "already paused" : "not paused");
    }
    copy->paused = paused;
    return install(e, d, copy, NULL);
}

int rollout_engine_pause(rollout_engine *e, const char *ns, const char *name)
{
    return e ? done(e, op_set_paused(e, ns, name, true)) : ROLLOUT_EINVAL;
}

int rollout_engine_resume(rollout_engine *e, const char *ns, const char *name)
{
    return e ? done(e, op_set_paused(e, ns, name, false)) : ROLLOUT_EINVAL;
}

static bool annotation_skipped(const char *key)
{
    return strcmp(key, ROLLOUT__ANN_LAST_APPLIED) == 0 ||
           strcmp(key, ROLLOUT__ANN_REVISION) == 0 ||
           strcmp(key, ROLLOUT__ANN_REVISION_HISTORY) == 0 ||
           strcmp(key, ROLLOUT__ANN_DESIRED) == 0 ||
           strcmp(key, ROLLOUT__ANN_MAX) == 0 ||
           strcmp(key, ROLLOUT__ANN_ROLLBACK_TO) == 0;
}

/* kubectl's deploymentRevision: the set of revision TO (0: the second
 * highest). */
static rollout_replica_set *find_revision(rollout_engine *e,
                                          rollout_deployment *d, int64_t to)
{
    rollout_replica_set *latest = NULL, *previous = NULL;
    size_t i;

    for (i = 0; i < d->sets.len; i++) {
        rollout_replica_set *rs = d->sets.items[i];
        int64_t v = rs->rev.number;

        if (v <= 0)
            continue;
        if (to > 0) {
            if (v == to)
                return rs;
        } else if (!latest || v > latest->rev.number) {
            previous = latest;
            latest = rs;
        } else if (!previous || v > previous->rev.number) {
            previous = rs;
        }
    }
    if (to > 0)
        rollout__fail(e, ROLLOUT_ENOTFOUND,
                      "unable to find specified revision %lld in history",
                      (long long)to);
    else if (!previous)
        rollout__fail(e, ROLLOUT_ENOTFOUND,
                      "no rollout history found for deployment \"%s\"",
                      d->spec->name);
    return previous;
}

static int op_undo(int *outcome, rollout_engine *e, const char *ns,
                   const char *name, int64_t to_revision)
{
    struct rollout_spec *copy;
    rollout_replica_set *rs;
    rollout_deployment *d;
    json_t *annotations, *tmpl;
    const char *k;
    json_t *v;
    int rc = begin_op(e, ns, name, &d, &copy);

    if (rc != ROLLOUT_OK)
        return rc;
    if (!copy)
        return not_bcs(e, d, "undo");
    if (to_revision < 0) {
        rollout_spec_free(copy);
        return rollout__fail(e, ROLLOUT_ENOTFOUND,
                             "unable to find specified revision %lld in history",
                             (long long)to_revision);
    }
    rs = find_revision(e, d, to_revision);
    if (!rs) {
        rollout_spec_free(copy);
        return ROLLOUT_ENOTFOUND;
    }
    if (d->spec->paused) {
        rollout_spec_free(copy);
        return rollout__fail(e, ROLLOUT_ESTATE,
                             "you cannot rollback a paused deployment; resume "
                             "it first with 'kubectl rollout resume' and try "
                             "again");
    }
    if (strcmp(rs->rev.canonical, d->canonical) == 0) {
        rollout_spec_free(copy);
        if (outcome)
            *outcome = ROLLOUT_UNDO_SKIPPED;
        return ROLLOUT_OK;
    }
    /* the set's template, and its annotations but for the skipped ones,
     * which the deployment keeps */
    annotations = json_object();
    tmpl = json_deep_copy(rs->rev.template);
    if (!annotations || !tmpl) {
        json_decref(annotations);
        json_decref(tmpl);
        rollout_spec_free(copy);
        return rollout__oom(e);
    }
    json_object_foreach(copy->annotations, k, v)
        if (annotation_skipped(k))
            json_object_set(annotations, k, v);
    json_object_foreach(rs->annotations, k, v)
        if (!annotation_skipped(k))
            json_object_set(annotations, k, v);
    json_decref(copy->annotations);
    copy->annotations = annotations;
    json_decref(copy->template);
    copy->template = tmpl;
    rc = install(e, d, copy, NULL);
    if (rc == ROLLOUT_OK && outcome)
        *outcome = ROLLOUT_UNDO_ROLLED_BACK;
    return rc;
}

int rollout_engine_undo(int *outcome, rollout_engine *e, const char *ns,
                        const char *name, int64_t to_revision)
{
    if (outcome)
        *outcome = 0;
    return e ? done(e, op_undo(outcome, e, ns, name, to_revision)) : ROLLOUT_EINVAL;
}

static int op_restart(rollout_engine *e, const char *ns, const char *name)
{
    struct rollout_spec *copy;
    rollout_deployment *d;
    char when[32];
    int rc = begin_op(e, ns, name, &d, &copy);

    if (rc != ROLLOUT_OK)
        return rc;
    if (!copy)
        return not_bcs(e, d, "restart");
    if (d->spec->paused) {
        rollout_spec_free(copy);
        return rollout__fail(e, ROLLOUT_ESTATE, "can't restart paused deployment "
                             "(run rollout resume first)");
    }
    rollout__format_rfc3339(when, e->now);
    rc = rollout_spec_set_template_annotation(copy, ROLLOUT__ANN_RESTARTED_AT,
                                              when);
    if (rc != ROLLOUT_OK) {
        rollout_spec_free(copy);
        return rollout__oom(e);
    }
    return install(e, d, copy, NULL);
}

int rollout_engine_restart(rollout_engine *e, const char *ns, const char *name)
{
    return e ? done(e, op_restart(e, ns, name)) : ROLLOUT_EINVAL;
}

static int op_delete(rollout_engine *e, const char *ns, const char *name)
{
    rollout_deployment *d;
    int rc = find_op(e, ns, name, &d);

    if (rc != ROLLOUT_OK)
        return rc;
    if (d->spec->dialect == ROLLOUT_DIALECT_BCS)
        return rollout__bcs_delete(e, d);
    d->deleting = true;
    rollout__mark_dirty(d);
    return ROLLOUT_OK;
}

static int op_cancel(rollout_engine *e, const char *ns, const char *name)
{
    rollout_deployment *d;
    /* an operation of BCS only: its default namespace */
    int rc = find_op(e, ns ? ns : "defaultGroup", name, &d);

    if (rc != ROLLOUT_OK)
        return rc;
    if (d->spec->dialect != ROLLOUT_DIALECT_BCS)
        return rollout__fail(e, ROLLOUT_ESTATE, "cancel is an operation of BCS "
                             "deployments; roll a Kubernetes deployment back with undo");
    return rollout__bcs_cancel(e, d);
}

int rollout_engine_cancel(rollout_engine *e, const char *ns, const char *name)
{
    return e ? done(e, op_cancel(e, ns, name)) : ROLLOUT_EINVAL;
}

/* A standalone BCS application and its taskgroups go. */
static int op_delete_application(rollout_engine *e, const char *ns, const char *name)
{
    rollout_deployment *holder;
    char *key;
    int rc;

    if ((rc = guard(e)) != ROLLOUT_OK)
        return rc;
    if (!name)
        return rollout__fail(e, ROLLOUT_EINVAL, "no application name");
    rollout__clock(e);
    key = rollout__sprintf("%s/%s#application", ns ? ns : "defaultGroup", name);
    if (!key)
        return rollout__oom(e);
    holder = rollout__map_get(&e->deployment_map, key);
    free(key);
    if (!holder || holder->deleting)
        return rollout__fail(e, ROLLOUT_ENOTFOUND, "Application not found");
    holder->deleting = true;
    rollout__mark_dirty(holder);
    return ROLLOUT_OK;
}

int rollout_engine_delete_application(rollout_engine *e, const char *ns,
                                      const char *name)
{
    return e ? done(e, op_delete_application(e, ns, name)) : ROLLOUT_EINVAL;
}

int rollout_engine_delete(rollout_engine *e, const char *ns, const char *name)
{
    return e ? done(e, op_delete(e, ns, name)) : ROLLOUT_EINVAL;
}

/* Lookup. */

int rollout_engine_find_deployment(rollout_deployment **out, rollout_engine *e,
                                   const char *ns, const char *name)
{
    if (!out)
        return e ? rollout__fail(e, ROLLOUT_EINVAL, "no output pointer")
                 : ROLLOUT_EINVAL;
    *out = NULL;
    if (!e)
        return ROLLOUT_EINVAL;
    if (!name)
        return rollout__fail(e, ROLLOUT_EINVAL, "no deployment name");
    rollout__clear_error(e);
    *out = rollout__find_deployment(e, ns, name);
    return *out ? ROLLOUT_OK : rollout__fail(e, ROLLOUT_ENOTFOUND,
                                             "deployments.apps \"%s\" not found",
                                             name);
}

size_t rollout_engine_deployment_count(const rollout_engine *e)
{
    return e ? e->deployments.len : 0;
}

rollout_deployment *rollout_engine_deployment_at(const rollout_engine *e,
                                                 size_t index)
{
    return e && index < e->deployments.len ? e->deployments.items[index] : NULL;
}

int rollout_engine_find_replica(rollout_replica **out, rollout_engine *e,
                                const char *name)
{
    if (!out)
        return e ? rollout__fail(e, ROLLOUT_EINVAL, "no output pointer")
                 : ROLLOUT_EINVAL;
    *out = NULL;
    if (!e)
        return ROLLOUT_EINVAL;
    if (!name)
        return rollout__fail(e, ROLLOUT_EINVAL, "no replica name");
    rollout__clear_error(e);
    *out = rollout__map_get(&e->replica_map, name);
    return *out ? ROLLOUT_OK : rollout__fail(e, ROLLOUT_ENOTFOUND,
                                             "replica %s not found", name);
}

/* Snapshots. */

int rollout_engine_save(char **json, rollout_engine *e)
{
    int rc;

    if (!json)
        return ROLLOUT_EINVAL;
    *json = NULL;
    if (!e)
        return ROLLOUT_EINVAL;
    if ((rc = guard(e)) != ROLLOUT_OK)
        return rc;
    return rollout__snapshot_save(json, e);
}

int rollout_engine_restore(rollout_engine *e, const char *json, size_t len)
{
    int rc;

    if (!e)
        return ROLLOUT_EINVAL;
    if ((rc = guard(e)) != ROLLOUT_OK)
        return rc;
    if (!json)
        return rollout__fail(e, ROLLOUT_EINVAL, "no snapshot");
    if (e->deployments.len > 0)
        return rollout__fail(e, ROLLOUT_ESTATE,
                             "a snapshot is restored into an empty engine");
    return done(e, rollout__snapshot_restore(e, json, len));
}

int rollout_engine_set_cluster(rollout_engine *e, const char *name)
{
    int rc;

    if (!e)
        return ROLLOUT_EINVAL;
    if ((rc = guard(e)) != ROLLOUT_OK)
        return rc;
    if (!name || !*name || strpbrk(name, "./ "))
        return rollout__fail(e, ROLLOUT_EINVAL, "a cluster name is a non-empty word "
                             "without '.', '/' or ' '");
    return rollout__set_str(&e->cluster, name) ? ROLLOUT_OK : rollout__oom(e);
}
