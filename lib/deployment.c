/*
 * Deployments, their conditions, and the read-only object API.
 */
#include <stdlib.h>
#include <string.h>

#include "model.h"

int rollout__deployment_add(rollout_engine *e, rollout_deployment *d)
{
    if (!rollout__vec_push(&e->deployments, d))
        return ROLLOUT_ENOMEM;
    if (!rollout__map_put(&e->deployment_map, d->key, d)) {
        e->deployments.len--;
        return ROLLOUT_ENOMEM;
    }
    return ROLLOUT_OK;
}

void rollout__condition_clear(rollout__condition *c)
{
    free(c->type);
    free(c->status);
    free(c->reason);
    free(c->message);
    memset(c, 0, sizeof(*c));
}

/* Frees D and everything it holds; it must already be out of the dirty
 * queue (or the engine is going away). */
void rollout__deployment_free(rollout_engine *e, rollout_deployment *d)
{
    size_t i;

    if (e) {
        while (d->sets.len)
            rollout__rs_free(e, d->sets.items[d->sets.len - 1]);
        rollout__heap_cancel(&e->timers, &d->timer);
        rollout__map_remove(&e->deployment_map, d->key);
        for (i = 0; i < e->deployments.len; i++)
            if (e->deployments.items[i] == d) {
                rollout__vec_remove_at(&e->deployments, i);
                break;
            }
    }
    for (i = 0; i < d->n_conds; i++)
        rollout__condition_clear(&d->conds[i]);
    rollout__bcs_release(d);
    rollout__vec_free(&d->sets);
    rollout_spec_free(d->spec);
    free(d->canonical);
    free(d->constraint);
    free(d->key);
    free(d->ns);
    free(d->name);
    free(d);
}

rollout_deployment *rollout__deployment_new(rollout_engine *e,
                                            struct rollout_spec *spec,
                                            uint64_t serial, int64_t created)
{
    rollout_deployment *d = calloc(1, sizeof(*d));

    if (!d) {
        rollout_spec_free(spec);
        return NULL;
    }
    rollout__timer_init(&d->timer, serial, ROLLOUT__TIMER_DEPLOYMENT);
    d->e = e;
    d->created = created;
    d->collision_count = -1;
    d->key = rollout__sprintf("%s/%s", spec->ns, spec->name);
    d->ns = rollout__strdup(spec->ns);
    d->name = rollout__strdup(spec->name);
    if (!d->key || !d->ns || !d->name ||
        rollout__deployment_set_spec(d, spec) != ROLLOUT_OK) {
        if (!d->spec)
            rollout_spec_free(spec);
        rollout__deployment_free(NULL, d);
        return NULL;
    }
    return d;
}

int rollout__deployment_set_spec(rollout_deployment *d, struct rollout_spec *spec)
{
    char *canonical = rollout__canonical_json(spec->template);
    char *constraint = spec->bcs.constraint
                           ? rollout__canonical_json(spec->bcs.constraint)
                           : NULL;

    if (!canonical || (spec->bcs.constraint && !constraint)) {
        free(canonical);
        free(constraint);
        return ROLLOUT_ENOMEM;
    }
    rollout_spec_free(d->spec);
    free(d->canonical);
    free(d->constraint);
    d->spec = spec;
    d->canonical = canonical;
    d->constraint = constraint;
    return ROLLOUT_OK;
}

const char *rollout_deployment_constraint(const rollout_deployment *d)
{
    return d ? d->constraint : NULL;
}

rollout_deployment *rollout__find_deployment(rollout_engine *e, const char *ns,
                                             const char *name)
{
    char *key = rollout__sprintf("%s/%s", ns ? ns : ROLLOUT__DEFAULT_NAMESPACE,
                                 name);
    rollout_deployment *d;

    if (!key)
        return NULL;
    d = rollout__map_get(&e->deployment_map, key);
    free(key);
    return d;
}

void rollout__mark_dirty(rollout_deployment *d)
{
    rollout_engine *e = d->e;

    if (d->dirty)
        return;
    d->dirty = true;
    d->dirty_next = NULL;
    if (e->dirty_tail)
        e->dirty_tail->dirty_next = d;
    else
        e->dirty_head = d;
    e->dirty_tail = d;
}

/* Conditions, as deploymentutil.SetDeploymentCondition keeps them: the
 * same status and reason change nothing; the same status keeps the
 * transition time; a changed condition moves to the end. */

const rollout__condition *rollout__get_condition(const rollout_deployment *d,
                                                 const char *type)
{
    size_t i;

    for (i = 0; i < d->n_conds; i++)
        if (strcmp(d->conds[i].type, type) == 0)
            return &d->conds[i];
    return NULL;
}

bool rollout__remove_condition(rollout_deployment *d, const char *type)
{
    size_t i;

    for (i = 0; i < d->n_conds; i++)
        if (strcmp(d->conds[i].type, type) == 0) {
            rollout__condition_clear(&d->conds[i]);
            memmove(&d->conds[i], &d->conds[i + 1],
                    (d->n_conds - i - 1) * sizeof(d->conds[0]));
            d->n_conds--;
            memset(&d->conds[d->n_conds], 0, sizeof(d->conds[0]));
            return true;
        }
    return false;
}

int rollout__set_condition(rollout_deployment *d, const char *type,
                           const char *status, const char *reason,
                           const char *message, int64_t now)
{
    const rollout__condition *cur = rollout__get_condition(d, type);
    rollout__condition c = {0};
    int64_t transition = now;

    if (cur && strcmp(cur->status, status) == 0 &&
        strcmp(cur->reason, reason) == 0)
        return 0;
    if (cur && strcmp(cur->status, status) == 0)
        transition = cur->last_transition;
    c.type = rollout__strdup(type);
    c.status = rollout__strdup(status);
    c.reason = rollout__strdup(reason);
    c.message = rollout__strdup(message);
    if (!c.type || !c.status || !c.reason || !c.message ||
        (!cur && d->n_conds == ROLLOUT__MAX_CONDITIONS)) {
        rollout__condition_clear(&c);
        return -1;
    }
    c.last_update = now;
    c.last_transition = transition;
    rollout__remove_condition(d, type);
    d->conds[d->n_conds++] = c;
    return 1;
}

/* The object API: deployments. */

const char *rollout_deployment_namespace(const rollout_deployment *d)
{
    return d ? d->ns : NULL;
}

const char *rollout_deployment_name(const rollout_deployment *d)
{
    return d ? d->name : NULL;
}

rollout_dialect rollout_deployment_dialect(const rollout_deployment *d)
{
    return d ? d->spec->dialect : (rollout_dialect)0;
}

int64_t rollout_deployment_generation(const rollout_deployment *d)
{
    return d ? d->generation : -1;
}

int64_t rollout_deployment_observed_generation(const rollout_deployment *d)
{
    return d ? d->observed_generation : -1;
}

int64_t rollout_deployment_created(const rollout_deployment *d)
{
    return d ? d->created : -1;
}

int64_t rollout_deployment_revision(const rollout_deployment *d)
{
    return d ? d->revision : -1;
}

int rollout_deployment_paused(const rollout_deployment *d)
{
    if (!d)
        return 0;
    if (d->spec->dialect == ROLLOUT_DIALECT_BCS)
        return d->bcs.status == ROLLOUT__BCS_UPDATE_PAUSED;
    return d->spec->paused;
}

int rollout_deployment_deleting(const rollout_deployment *d)
{
    return d ? d->deleting : 0;
}

int32_t rollout_deployment_count(const rollout_deployment *d,
                                 rollout_count which)
{
    if (!d)
        return -1;
    switch (which) {
    case ROLLOUT_COUNT_DESIRED:
        return d->spec->replicas;
    case ROLLOUT_COUNT_CURRENT:
        return d->status.replicas;
    case ROLLOUT_COUNT_UPDATED:
        return d->status.updated;
    case ROLLOUT_COUNT_READY:
        return d->status.ready;
    case ROLLOUT_COUNT_AVAILABLE:
        return d->status.available;
    case ROLLOUT_COUNT_UNAVAILABLE:
        return d->status.unavailable;
    case ROLLOUT_COUNT_RUNNING:
    case ROLLOUT_COUNT_BUILT: {
        int64_t n = 0;
        size_t i;

        for (i = 0; i < d->sets.len; i++)
            n += rollout_replica_set_count(d->sets.items[i], which);
        return n > INT32_MAX ? INT32_MAX : (int32_t)n;
    }
    }
    return -1;
}

size_t rollout_deployment_condition_count(const rollout_deployment *d)
{
    return d ? d->n_conds : 0;
}

int rollout_deployment_condition_at(const char **type, const char **status,
                                    const char **reason, const char **message,
                                    int64_t *last_update,
                                    int64_t *last_transition,
                                    const rollout_deployment *d, size_t index)
{
    const rollout__condition *c;

    if (!d)
        return ROLLOUT_EINVAL;
    if (index >= d->n_conds)
        return ROLLOUT_ENOTFOUND;
    c = &d->conds[index];
    if (type)
        *type = c->type;
    if (status)
        *status = c->status;
    if (reason)
        *reason = c->reason;
    if (message)
        *message = c->message;
    if (last_update)
        *last_update = c->last_update;
    if (last_transition)
        *last_transition = c->last_transition;
    return ROLLOUT_OK;
}

int rollout_deployment_find_condition(size_t *index, const rollout_deployment *d,
                                      const char *type)
{
    size_t i;

    if (!d || !type)
        return ROLLOUT_EINVAL;
    for (i = 0; i < d->n_conds; i++)
        if (strcmp(d->conds[i].type, type) == 0) {
            if (index)
                *index = i;
            return ROLLOUT_OK;
        }
    return ROLLOUT_ENOTFOUND;
}

int rollout_status_message(char **message, int *done,
                           const rollout_deployment *d)
{
    const rollout__condition *c;
    bool timed_out;
    int dummy, rc;

    if (!message)
        return ROLLOUT_EINVAL;
    *message = NULL;
    if (!d)
        return ROLLOUT_EINVAL;
    if (!done)
        done = &dummy;
    if (d->spec->dialect == ROLLOUT_DIALECT_BCS) {
        rc = rollout__bcs_status_message(message, done, d);
        if (rc < 0)
            return ROLLOUT_ENOMEM;
        return rc == 1 ? ROLLOUT_EDEADLINE : ROLLOUT_OK;
    }
    c = rollout__get_condition(d, "Progressing");
    timed_out = c && strcmp(c->reason, "ProgressDeadlineExceeded") == 0;
    rc = rollout__rollout_status(message, done, d->spec->name, d->generation,
                                 d->observed_generation, timed_out,
                                 d->spec->replicas, &d->status);
    if (rc < 0)
        return ROLLOUT_ENOMEM;
    return rc == 1 ? ROLLOUT_EDEADLINE : ROLLOUT_OK;
}

/* Revisions: one per replica set, listed by number. */

static int cmp_revision(const void *a, const void *b)
{
    const rollout_replica_set *x = *(rollout_replica_set *const *)a;
    const rollout_replica_set *y = *(rollout_replica_set *const *)b;

    if (x->rev.number != y->rev.number)
        return x->rev.number < y->rev.number ? -1 : 1;
    return x->serial < y->serial ? -1 : x->serial > y->serial;
}

size_t rollout_deployment_revision_count(const rollout_deployment *d)
{
    return d ? d->sets.len : 0;
}

rollout_revision *rollout_deployment_revision_at(const rollout_deployment *d,
                                                 size_t index)
{
    size_t i, rank = 0;
    rollout_replica_set *rs;

    if (!d || index >= d->sets.len)
        return NULL;
    /* the index-th smallest revision, without allocating */
    rs = d->sets.items[0];
    for (i = 0; i < d->sets.len; i++) {
        size_t j;

        rs = d->sets.items[i];
        rank = 0;
        for (j = 0; j < d->sets.len; j++)
            if (cmp_revision(&d->sets.items[j], &d->sets.items[i]) < 0)
                rank++;
        if (rank == index)
            break;
    }
    return &rs->rev;
}

int rollout_deployment_find_revision(rollout_revision **out,
                                     const rollout_deployment *d,
                                     int64_t number)
{
    size_t i;

    if (!out)
        return ROLLOUT_EINVAL;
    *out = NULL;
    if (!d)
        return ROLLOUT_EINVAL;
    for (i = 0; i < d->sets.len; i++) {
        rollout_replica_set *rs = d->sets.items[i];

        if (rs->rev.number == number) {
            *out = &rs->rev;
            return ROLLOUT_OK;
        }
    }
    return ROLLOUT_ENOTFOUND;
}

size_t rollout_deployment_replica_set_count(const rollout_deployment *d)
{
    return d ? d->sets.len : 0;
}

rollout_replica_set *rollout_deployment_replica_set_at(const rollout_deployment *d,
                                                       size_t index)
{
    return d && index < d->sets.len ? d->sets.items[index] : NULL;
}

rollout_replica_set *rollout_deployment_new_replica_set(const rollout_deployment *d)
{
    size_t i;

    if (!d)
        return NULL;
    /* the oldest set whose template is the deployment's */
    for (i = 0; i < d->sets.len; i++) {
        rollout_replica_set *rs = d->sets.items[i];

        if (strcmp(rs->rev.canonical, d->canonical) == 0)
            return rs;
    }
    return NULL;
}

int64_t rollout_revision_number(const rollout_revision *rev)
{
    return rev ? rev->number : -1;
}

const char *rollout_revision_hash(const rollout_revision *rev)
{
    return rev ? rev->hash : NULL;
}

const char *rollout_revision_change_cause(const rollout_revision *rev)
{
    return rev ? json_string_value(json_object_get(rev->rs->annotations,
                                                   ROLLOUT__ANN_CHANGE_CAUSE))
               : NULL;
}

int64_t rollout_revision_created(const rollout_revision *rev)
{
    return rev ? rev->created : -1;
}

const char *rollout_revision_template(const rollout_revision *rev)
{
    return rev ? rev->canonical : NULL;
}

rollout_replica_set *rollout_revision_replica_set(const rollout_revision *rev)
{
    return rev ? rev->rs : NULL;
}

static json_t *rev_container(const rollout_revision *rev, size_t i)
{
    return rev ? json_array_get(json_object_get(json_object_get(rev->template,
                                                                "spec"),
                                                "containers"),
                                i)
               : NULL;
}

size_t rollout_revision_container_count(const rollout_revision *rev)
{
    return rev ? json_array_size(json_object_get(
                     json_object_get(rev->template, "spec"), "containers"))
               : 0;
}

const char *rollout_revision_container_name(const rollout_revision *rev,
                                            size_t c)
{
    return json_string_value(json_object_get(rev_container(rev, c), "name"));
}

const char *rollout_revision_container_image(const rollout_revision *rev,
                                             size_t c)
{
    return json_string_value(json_object_get(rev_container(rev, c), "image"));
}

size_t rollout_revision_container_command_count(const rollout_revision *rev,
                                                size_t c)
{
    return json_array_size(json_object_get(rev_container(rev, c), "command"));
}

const char *rollout_revision_container_command(const rollout_revision *rev,
                                               size_t c, size_t i)
{
    return json_string_value(
        json_array_get(json_object_get(rev_container(rev, c), "command"), i));
}

size_t rollout_revision_container_arg_count(const rollout_revision *rev,
                                            size_t c)
{
    return json_array_size(json_object_get(rev_container(rev, c), "args"));
}

const char *rollout_revision_container_arg(const rollout_revision *rev,
                                           size_t c, size_t i)
{
    return json_string_value(
        json_array_get(json_object_get(rev_container(rev, c), "args"), i));
}

size_t rollout_revision_container_port_count(const rollout_revision *rev,
                                             size_t c)
{
    return json_array_size(json_object_get(rev_container(rev, c), "ports"));
}

int32_t rollout_revision_container_port(const rollout_revision *rev, size_t c,
                                        size_t i)
{
    json_t *p = json_object_get(
        json_array_get(json_object_get(rev_container(rev, c), "ports"), i),
        "containerPort");

    return json_is_integer(p) ? (int32_t)json_integer_value(p) : 0;
}

size_t rollout_revision_container_env_count(const rollout_revision *rev,
                                            size_t c)
{
    return json_array_size(json_object_get(rev_container(rev, c), "env"));
}

const char *rollout_revision_container_env(const char **value,
                                           const rollout_revision *rev,
                                           size_t c, size_t i)
{
    json_t *e = json_array_get(json_object_get(rev_container(rev, c), "env"), i);

    if (value)
        *value = json_string_value(json_object_get(e, "value"));
    return json_string_value(json_object_get(e, "name"));
}

/* Replica sets. */

const char *rollout_replica_set_name(const rollout_replica_set *rs)
{
    return rs ? rs->name : NULL;
}

rollout_deployment *rollout_replica_set_deployment(const rollout_replica_set *rs)
{
    return rs ? rs->d : NULL;
}

rollout_revision *rollout_replica_set_revision(const rollout_replica_set *rs)
{
    return rs ? (rollout_revision *)&rs->rev : NULL;
}

int64_t rollout_replica_set_created(const rollout_replica_set *rs)
{
    return rs ? rs->created : -1;
}

int32_t rollout_replica_set_count(const rollout_replica_set *rs,
                                  rollout_count which)
{
    bool app;

    if (!rs)
        return -1;
    /* an application counts its defined instances and the taskgroups
     * built (BCS's INSTANCE and Instances) */
    app = rs->d->spec->dialect == ROLLOUT_DIALECT_BCS;

    switch (which) {
    case ROLLOUT_COUNT_DESIRED:
        return app ? rs->app.define : rs->spec;
    case ROLLOUT_COUNT_CURRENT:
        return app ? rs->n_built : rs->n_active;
    case ROLLOUT_COUNT_READY:
        return rs->n_ready;
    case ROLLOUT_COUNT_AVAILABLE:
        return rs->n_available;
    case ROLLOUT_COUNT_RUNNING:
        return rs->n_running;
    case ROLLOUT_COUNT_BUILT:
        return rs->n_built;
    case ROLLOUT_COUNT_UPDATED:
    case ROLLOUT_COUNT_UNAVAILABLE:
        break;
    }
    return -1;
}

const char *rollout_replica_set_annotation(const rollout_replica_set *rs,
                                           const char *key)
{
    return rs && key ? json_string_value(json_object_get(rs->annotations, key))
                     : NULL;
}

size_t rollout_replica_set_annotation_count(const rollout_replica_set *rs)
{
    return rs ? json_object_size(rs->annotations) : 0;
}

const char *rollout_replica_set_annotation_at(const char **value,
                                              const rollout_replica_set *rs,
                                              size_t index)
{
    const char *key, *best = NULL;
    json_t *v;
    size_t rank;

    if (value)
        *value = NULL;
    if (!rs || index >= json_object_size(rs->annotations))
        return NULL;
    /* the index-th key in sorted order */
    json_object_foreach(rs->annotations, key, v) {
        const char *k2;
        json_t *v2;

        rank = 0;
        json_object_foreach(rs->annotations, k2, v2)
            if (strcmp(k2, key) < 0)
                rank++;
        if (rank == index) {
            best = key;
            if (value)
                *value = json_string_value(v);
            break;
        }
    }
    return best;
}

size_t rollout_replica_set_replica_count(const rollout_replica_set *rs)
{
    return rs ? rs->replicas.len : 0;
}

rollout_replica *rollout_replica_set_replica_at(const rollout_replica_set *rs,
                                                size_t index)
{
    return rs && index < rs->replicas.len ? rs->replicas.items[index] : NULL;
}

/* Replicas. */

const char *rollout_replica_name(const rollout_replica *r)
{
    return r ? r->name : NULL;
}

rollout_phase rollout_replica_phase(const rollout_replica *r)
{
    if (!r)
        return ROLLOUT_PHASE_GONE;
    if (r->want == ROLLOUT__WANT_DELETE)
        return ROLLOUT_PHASE_TERMINATING;
    return (rollout_phase)r->phase;
}

const char *rollout_replica_reason(const rollout_replica *r)
{
    return r ? r->reason : NULL;
}

const char *rollout_replica_node(const rollout_replica *r)
{
    return r ? r->node : NULL;
}

int64_t rollout_replica_created(const rollout_replica *r)
{
    return r ? r->created : -1;
}

int64_t rollout_replica_ready_since(const rollout_replica *r)
{
    return r ? r->ready_since : -1;
}

int rollout_replica_available(const rollout_replica *r)
{
    return r && r->available && rollout__replica_active(r);
}

rollout_replica_set *rollout_replica_replica_set(const rollout_replica *r)
{
    return r ? r->rs : NULL;
}

rollout_revision *rollout_replica_revision(const rollout_replica *r)
{
    return r ? &r->rs->rev : NULL;
}

rollout_deployment *rollout_replica_deployment(const rollout_replica *r)
{
    return r ? r->rs->d : NULL;
}

void *rollout_replica_host_data(const rollout_replica *r)
{
    return r ? r->host_data : NULL;
}

void rollout_replica_bind_host_data(rollout_replica *r, void *data)
{
    if (r)
        r->host_data = data;
}

/* BCS. */

rollout_kind rollout_deployment_kind(const rollout_deployment *d)
{
    return d ? d->spec->kind : (rollout_kind)0;
}

const char *rollout_deployment_status_name(const rollout_deployment *d)
{
    if (!d || d->spec->dialect != ROLLOUT_DIALECT_BCS ||
        d->spec->kind != ROLLOUT_KIND_DEPLOYMENT)
        return NULL;
    return rollout__bcs_status_name(d->bcs.status);
}

const char *rollout_deployment_message(const rollout_deployment *d)
{
    if (!d || d->spec->dialect != ROLLOUT_DIALECT_BCS)
        return NULL;
    return d->bcs.message ? d->bcs.message : "";
}

rollout_replica_set *rollout_deployment_application(const rollout_deployment *d)
{
    if (!d || d->spec->dialect != ROLLOUT_DIALECT_BCS)
        return NULL;
    if (d->spec->kind == ROLLOUT_KIND_APPLICATION)
        return d->sets.len ? d->sets.items[0] : NULL;
    return d->bcs.app;
}

rollout_replica_set *rollout_deployment_application_ext(const rollout_deployment *d)
{
    return d && d->spec->dialect == ROLLOUT_DIALECT_BCS ? d->bcs.ext : NULL;
}

const char *rollout_replica_set_status_name(const rollout_replica_set *rs)
{
    if (!rs || rs->d->spec->dialect != ROLLOUT_DIALECT_BCS)
        return NULL;
    return rollout__app_status_name(rs->app.status);
}

const char *rollout_replica_set_message(const rollout_replica_set *rs)
{
    if (!rs || rs->d->spec->dialect != ROLLOUT_DIALECT_BCS)
        return NULL;
    return rs->app.message ? rs->app.message : "";
}

int64_t rollout_replica_index(const rollout_replica *r)
{
    if (!r || r->rs->d->spec->dialect != ROLLOUT_DIALECT_BCS)
        return -1;
    return r->index;
}

const char *rollout_replica_status_name(const rollout_replica *r)
{
    if (!r)
        return NULL;
    if (r->rs->d->spec->dialect == ROLLOUT_DIALECT_BCS)
        return rollout__taskgroup_status(r);
    /* the STATUS column of kubectl get pods */
    if (r->want == ROLLOUT__WANT_DELETE)
        return "Terminating";
    switch (r->phase) {
    case ROLLOUT_PHASE_PENDING:
        return "Pending";
    case ROLLOUT_PHASE_STARTING:
        return "ContainerCreating";
    case ROLLOUT_PHASE_RUNNING:
    case ROLLOUT_PHASE_READY:
        return "Running";
    case ROLLOUT_PHASE_FINISHED:
        return "Completed";
    case ROLLOUT_PHASE_LOST:
        return "Unknown";
    default:
        return "Error";
    }
}

int rollout_engine_find_application(rollout_replica_set **out, rollout_engine *e,
                                    const char *ns, const char *name)
{
    rollout_replica_set *rs;
    char *key;

    if (!out)
        return e ? rollout__fail(e, ROLLOUT_EINVAL, "no output pointer")
                 : ROLLOUT_EINVAL;
    *out = NULL;
    if (!e)
        return ROLLOUT_EINVAL;
    if (!name)
        return rollout__fail(e, ROLLOUT_EINVAL, "no application name");
    rollout__clear_error(e);
    key = rollout__sprintf("%s/%s", ns ? ns : "defaultGroup", name);
    if (!key)
        return rollout__oom(e);
    rs = rollout__map_get(&e->rs_map, key);
    free(key);
    if (!rs || rs->d->spec->dialect != ROLLOUT_DIALECT_BCS)
        return rollout__fail(e, ROLLOUT_ENOTFOUND, "Application not found");
    *out = rs;
    return ROLLOUT_OK;
}
