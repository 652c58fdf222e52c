/*
 * The engine's data model (DESIGN.md, "The data model") and the internal
 * interface between its files.
 */
#ifndef ROLLOUT_MODEL_H
#define ROLLOUT_MODEL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "rollout/rollout.h"
#include "k8s_rules.h"
#include "util.h"

#define ROLLOUT__DEFAULT_NAMESPACE "default"
#define ROLLOUT__NO_DEADLINE INT32_MAX

/* Well-known annotations. */
#define ROLLOUT__ANN_REVISION "deployment.kubernetes.io/revision"
#define ROLLOUT__ANN_REVISION_HISTORY "deployment.kubernetes.io/revision-history"
#define ROLLOUT__ANN_DESIRED "deployment.kubernetes.io/desired-replicas"
#define ROLLOUT__ANN_MAX "deployment.kubernetes.io/max-replicas"
#define ROLLOUT__ANN_CHANGE_CAUSE "kubernetes.io/change-cause"
#define ROLLOUT__ANN_LAST_APPLIED "kubectl.kubernetes.io/last-applied-configuration"
#define ROLLOUT__ANN_ROLLBACK_TO "deprecated.deployment.rollback.to"
#define ROLLOUT__ANN_RESTARTED_AT "kubectl.kubernetes.io/restartedAt"

/* A deployment spec: what the host asks for.  JSON objects hold maps and
 * the pod template, so that fields the engine does not read are kept. */
struct rollout__source;

struct rollout_spec {
    rollout_dialect dialect;
    rollout_kind kind;
    char *ns;
    char *name;
    json_t *labels;      /* object of strings */
    json_t *annotations; /* object of strings */
    json_t *selector;    /* {"matchLabels": {...}} and maybe matchExpressions */
    int32_t replicas;
    rollout_strategy strategy;
    bool rolling_set;    /* rollingUpdate was given (refused with Recreate) */
    rollout__intstr max_surge;   /* sval owned */
    rollout__intstr max_unavailable;
    int32_t min_ready_seconds;
    int32_t progress_deadline_seconds; /* ROLLOUT__NO_DEADLINE: none */
    int32_t revision_history_limit;
    bool paused;
    json_t *template;    /* {"metadata": {...}, "spec": {"containers": [...]}} */
    /* BCS: the strategy as written (the engine reads it on update, as
     * upstream does), and the placement and restart policies. */
    struct {
        bool has_rolling;      /* strategy.rollingupdate is there */
        int32_t max_unavailable; /* <= 0: 1, on update */
        int32_t max_surge;
        int64_t upgrade_duration; /* seconds (uint32) */
        bool rolling_manually;
        char *rolling_order;   /* as written, NULL when absent */
        char *strategy_type;
        bool pause;            /* spec.pauseDeployment */
        json_t *constraint;    /* or NULL */
        json_t *restart_policy;
        json_t *kill_policy;
    } bcs;
    /* Read from a manifest: the document as read, so that fields the
     * engine does not interpret are written back; and where it came from,
     * so that messages can point at a field. */
    json_t *doc;
    struct rollout__source *src;
    size_t doc_index;    /* top-level value (JSON) or document (YAML) */
    char *doc_prefix;    /* path of the document inside it ("items[2]") */
};

typedef struct {
    char *type;
    char *status;  /* "True", "False", "Unknown" */
    char *reason;
    char *message;
    int64_t last_update;
    int64_t last_transition;
} rollout__condition;

#define ROLLOUT__MAX_CONDITIONS 4

/* The owners of timers (rollout__timer.kind). */
enum {
    ROLLOUT__TIMER_DEPLOYMENT = 1, /* the progress deadline */
    ROLLOUT__TIMER_REPLICA = 2     /* a retry, or availability */
};

/* Replica bookkeeping: what the engine asked of the host for a replica. */
typedef enum {
    ROLLOUT__WANT_CREATE = 0,
    ROLLOUT__WANT_DELETE = 1
} rollout__want;

typedef enum {
    ROLLOUT__REQ_UNSENT = 0,   /* not asked yet (or the callback failed) */
    ROLLOUT__REQ_REFUSED = 1,  /* refused; retried when the timer fires */
    ROLLOUT__REQ_ACCEPTED = 2
} rollout__req;

struct rollout_revision {
    rollout_replica_set *rs;
    int64_t number;
    json_t *template;  /* the pod template, without pod-template-hash */
    char *canonical;   /* compact JSON with sorted keys: the hashed bytes */
    char hash[16];     /* pod-template-hash */
    int64_t created;
};

struct rollout_replica_set {
    uint64_t serial;
    rollout_deployment *d;
    struct rollout_revision rev;
    char *name;
    char *key;         /* "namespace/name" */
    int64_t created;
    int32_t spec;
    int32_t min_ready_seconds;
    int32_t desired;   /* annotation values, -1 when absent */
    int32_t max;
    json_t *annotations; /* every annotation, numbers included, as strings */
    /* counts kept up to date by rollout__replica_update() */
    int32_t n_active;    /* status.replicas: not deleting, not dead */
    int32_t n_ready;
    int32_t n_available;
    int32_t n_live;      /* processes that may still run (for Recreate) */
    int32_t n_built;     /* the host has them: BCS's Instances */
    int32_t n_running;   /* active and running, ready or not */
    rollout__vec replicas;
    /* BCS: the set is an application */
    struct {
        int32_t define;    /* DefineInstances */
        int status;        /* rollout__app_status */
        char *message;
        bool deleting;     /* being deleted with its taskgroups */
        bool restoring;    /* recovering the taskgroups a cancel gives back */
    } app;
};

struct rollout_replica {
    rollout__timer timer; /* retry or availability; serial = identity */
    rollout_replica_set *rs;
    rollout_replica *out_prev, *out_next; /* the engine's outbox */
    char *reason;
    char *node;
    void *host_data;
    int64_t created;
    int64_t ready_since;  /* -1 when not ready */
    uint32_t rs_index;
    uint32_t index;       /* BCS taskgroup index within its application */
    uint8_t phase;        /* host-reported rollout_phase (never TERMINATING) */
    uint8_t want;         /* rollout__want */
    uint8_t req;          /* rollout__req */
    uint8_t backoff;      /* refusals in a row */
    bool available;
    bool in_outbox;
    char name[];
};

struct rollout_deployment {
    rollout__timer timer; /* the progress deadline; serial = identity */
    rollout_engine *e;
    char *key;            /* "namespace/name" */
    char *ns, *name;      /* kept for the deployment's life: specs come and go */
    struct rollout_spec *spec;
    int64_t generation;
    int64_t observed_generation;
    int64_t created;
    int64_t revision;     /* the deployment's revision annotation */
    int32_t collision_count; /* -1: unset */
    rollout__k8s_status status;
    rollout__condition conds[ROLLOUT__MAX_CONDITIONS];
    size_t n_conds;
    rollout__vec sets;    /* rollout_replica_set *, by creation */
    char *canonical;      /* the spec's template, canonical (cached) */
    char *constraint;     /* BCS: the spec's constraint, compact (cached) */
    /* BCS: the deployment record (scheduler/deployment.go's state) */
    struct {
        int status;           /* rollout__bcs_status */
        char *message;
        rollout_replica_set *app;  /* the bound application */
        rollout_replica_set *ext;  /* the one being rolled to */
        int32_t app_target, app_rolling, ext_target, ext_rolling;
        int64_t last_rolling; /* ms: start of the half, or end of the step */
        int op;               /* rollout__bcs_op */
        bool in_rolling;
        bool cancel_pending;  /* cancel waits for kills in flight */
        bool updated;         /* the strategy carries update's defaults */
        int64_t check_time;   /* ms of the last pass during an update */
        struct rollout_spec *backup; /* the definition before the update */
    } bcs;
    bool deleting;
    bool dirty;
    rollout_deployment *dirty_next;
    uint64_t pass_tick;   /* passes run in tick number PASS_TICK */
    unsigned int passes;
};

/* A report made from inside a callback, applied at the next safe point. */
typedef struct rollout__report {
    struct rollout__report *next;
    bool is_node;
    rollout_phase phase;
    char *reason;         /* or the node */
    char name[];
} rollout__report;

struct rollout_callbacks {
    rollout_clock_cb clock;
    rollout_create_replica_cb create_replica;
    rollout_delete_replica_cb delete_replica;
    rollout_event_cb event;
    rollout_timer_cb timer;
};

struct rollout_engine {
    struct rollout_callbacks cb;
    void *user_data;
    char *errmsg;
    char *cluster;        /* BCS taskgroup ids; NULL: "Unnamed" */
    bool err_oom;         /* the last error was ENOMEM (no message kept) */
    int64_t now;          /* the last clock reading, never going back */
    uint64_t next_serial;
    uint64_t rng;         /* names of replicas */
    int64_t backoff_initial;
    int64_t backoff_max;
    rollout__vec deployments;   /* by creation */
    rollout__map deployment_map; /* key -> deployment */
    rollout__map rs_map;         /* key -> replica set */
    rollout__map replica_map;    /* name -> replica */
    rollout__map node_names;     /* name -> shared node name (engine.c) */
    rollout__heap timers;
    rollout_deployment *dirty_head, *dirty_tail;
    rollout_replica *out_head, *out_tail;
    rollout__report *reports_head, *reports_tail;
    unsigned int depth;   /* callbacks in progress */
    bool in_api;          /* inside a public entry point */
    bool free_pending;    /* rollout_engine_free() called from a callback */
    bool cb_failed;       /* a callback returned an error in this call */
    int timer_state;      /* what the timer callback was last told */
    int64_t timer_notified;
    uint64_t tick_count;
};

/* Errors: set the engine's message and return CODE. */
int rollout__fail(rollout_engine *e, int code, const char *fmt, ...)
    ROLLOUT__PRINTF(3, 4);
int rollout__oom(rollout_engine *e);
void rollout__clear_error(rollout_engine *e);

/* Time. */
int64_t rollout__clock(rollout_engine *e);
/* "2006-01-02T15:04:05Z" for a time in milliseconds. */
void rollout__format_rfc3339(char out[32], int64_t ms);

/* Deployments. */
rollout_deployment *rollout__find_deployment(rollout_engine *e, const char *ns,
                                             const char *name);
/* Installs SPEC (taken) as D's spec and caches its canonical template. */
int rollout__deployment_set_spec(rollout_deployment *d, struct rollout_spec *spec);
/* A fresh deployment for SPEC (taken), not yet added to the engine. */
rollout_deployment *rollout__deployment_new(rollout_engine *e,
                                            struct rollout_spec *spec,
                                            uint64_t serial, int64_t created);
void rollout__mark_dirty(rollout_deployment *d);
void rollout__deployment_free(rollout_engine *e, rollout_deployment *d);
int rollout__deployment_add(rollout_engine *e, rollout_deployment *d);
/* 1 when the condition changed, 0 when it was already so, -1 on ENOMEM. */
int rollout__set_condition(rollout_deployment *d, const char *type,
                           const char *status, const char *reason,
                           const char *message, int64_t now);
const rollout__condition *rollout__get_condition(const rollout_deployment *d,
                                                 const char *type);
bool rollout__remove_condition(rollout_deployment *d, const char *type);
void rollout__condition_clear(rollout__condition *c);

/* Replica sets and replicas. */
rollout_replica_set *rollout__rs_new(rollout_engine *e, rollout_deployment *d,
                                     const char *name, const json_t *tmpl,
                                     const char *canonical, const char *hash,
                                     int64_t created, uint64_t serial);
void rollout__rs_free(rollout_engine *e, rollout_replica_set *rs);
bool rollout__rs_annotate(rollout_replica_set *rs, const char *key,
                          const char *value);
bool rollout__rs_set_counts_annotations(rollout_replica_set *rs,
                                        int32_t desired, int32_t max);
bool rollout__rs_set_revision(rollout_replica_set *rs, int64_t number);
/* Creates or deletes replicas so that RS holds spec active ones; picks
 * victims in Kubernetes' order. */
int rollout__rs_reconcile(rollout_engine *e, rollout_replica_set *rs);
/* Recomputes availability after minReadySeconds changed. */
void rollout__rs_refresh_availability(rollout_engine *e, rollout_replica_set *rs);
void rollout__rs_read_counts(rollout__rs_counts *out, const rollout_replica_set *rs);

rollout_replica *rollout__replica_new(rollout_engine *e, rollout_replica_set *rs,
                                      const char *name, uint64_t serial);
void rollout__replica_free(rollout_engine *e, rollout_replica *r);

/* Node names are shared by the replicas on a node: a handful of nodes
 * hold thousands of replicas, and a copy each would cost more than the
 * rest of the replica's strings.  rollout__node_name() returns E's copy
 * of NAME with one more holder (NULL when out of memory);
 * rollout__node_name_release() drops one (NULL is none). */
char *rollout__node_name(rollout_engine *e, const char *name);
void rollout__node_name_release(rollout_engine *e, char *name);
/* Changes a replica's phase or flags and keeps the set's counts right. */
void rollout__replica_update(rollout_engine *e, rollout_replica *r,
                             rollout_phase phase, bool available);
void rollout__replica_request_delete(rollout_engine *e, rollout_replica *r);
/* Sets a restored replica's state, counts included. */
void rollout__replica_restore(rollout_replica *r, rollout_phase phase,
                              rollout__want want, rollout__req req,
                              bool available);
bool rollout__replica_active(const rollout_replica *r);
bool rollout__replica_live(const rollout_replica *r);
/* Failed, lost, finished or in error. */
bool rollout__replica_dead(const rollout_replica *r);
/* Changes the state of a replica's request, counts included. */
void rollout__replica_set_req(rollout_replica *r, rollout__req req);
void rollout__replica_schedule_availability(rollout_engine *e, rollout_replica *r);
void rollout__outbox_push(rollout_engine *e, rollout_replica *r);
void rollout__outbox_remove(rollout_engine *e, rollout_replica *r);

/* Events. */
int rollout__event(rollout_engine *e, const rollout_deployment *d,
                   const char *kind, const char *object, const char *type,
                   const char *reason, const char *fmt, ...)
    ROLLOUT__PRINTF(7, 8);
bool rollout__wants_events(const rollout_engine *e);

/* Callbacks: run one with the reentrancy guard held. */
void rollout__enter_callback(rollout_engine *e);
void rollout__leave_callback(rollout_engine *e);

/* Specs. */
int rollout__spec_validate(const struct rollout_spec *spec,
                           const struct rollout_spec *old, char **path,
                           char **message);
struct rollout_spec *rollout__spec_copy(const struct rollout_spec *spec);
void rollout__spec_params(rollout__k8s_params *p, const struct rollout_spec *spec);
/* True when the two specs differ outside metadata. */
bool rollout__spec_differs(const struct rollout_spec *a,
                           const struct rollout_spec *b);
bool rollout__spec_metadata_differs(const struct rollout_spec *a,
                                    const struct rollout_spec *b);
json_t *rollout__spec_to_json(const struct rollout_spec *spec);
/* True when V is an object whose values are all strings. */
bool rollout__json_is_string_map(const json_t *v);
struct rollout_spec *rollout__spec_from_json(const json_t *j, char **err);

/* Templates. */
char *rollout__canonical_json(const json_t *j);
void rollout__template_hash(char out[16], const char *canonical,
                            int32_t collision_count);
bool rollout__labels_match(const json_t *selector, const json_t *labels);

/* The Kubernetes strategy: one reconcile pass; *CHANGED when it changed
 * anything (and another pass must follow). */
int rollout__k8s_sync(rollout_engine *e, rollout_deployment *d, bool *changed);

/* The BCS strategy (bcs.c). */
typedef enum {
    ROLLOUT__BCS_DEPLOYING = 0,
    ROLLOUT__BCS_RUNNING,
    ROLLOUT__BCS_UPDATE,
    ROLLOUT__BCS_UPDATE_PAUSED,
    ROLLOUT__BCS_UPDATE_SUSPEND,
    ROLLOUT__BCS_DELETING
} rollout__bcs_status;

typedef enum {
    ROLLOUT__BCS_OP_NONE = 0,
    ROLLOUT__BCS_OP_START,
    ROLLOUT__BCS_OP_DELETE
} rollout__bcs_op;

typedef enum {
    ROLLOUT__APP_STAGING = 0,
    ROLLOUT__APP_DEPLOYING,
    ROLLOUT__APP_RUNNING,
    ROLLOUT__APP_FINISH,
    ROLLOUT__APP_ERROR,
    ROLLOUT__APP_OPERATING,
    ROLLOUT__APP_ROLLING_UPDATE,
    ROLLOUT__APP_UNKNOWN,
    ROLLOUT__APP_ABNORMAL
} rollout__app_status;

/* How an apply is meant: create or update only, or either. */
typedef enum {
    ROLLOUT__APPLY_EITHER = 0,
    ROLLOUT__APPLY_CREATE,
    ROLLOUT__APPLY_UPDATE
} rollout__apply_mode;

int rollout__bcs_sync(rollout_engine *e, rollout_deployment *d, bool *changed);
int rollout__bcs_apply(int *outcome, rollout_engine *e,
                       const struct rollout_spec *spec, rollout__apply_mode mode);
int rollout__bcs_pause(rollout_engine *e, rollout_deployment *d);
int rollout__bcs_resume(rollout_engine *e, rollout_deployment *d);
int rollout__bcs_cancel(rollout_engine *e, rollout_deployment *d);
int rollout__bcs_scale(rollout_engine *e, rollout_deployment *d, int32_t n);
int rollout__bcs_delete(rollout_engine *e, rollout_deployment *d);
const char *rollout__bcs_status_name(int status);
int rollout__bcs_status_message(char **msg, int *done, const rollout_deployment *d);
const char *rollout__app_status_name(int status);
/* BCS's taskgroup status of a replica ("Staging", "Running", ...). */
const char *rollout__taskgroup_status(const rollout_replica *r);
/* The BCS deployment record as inspect prints it. */
json_t *rollout__bcs_record(const rollout_deployment *d);
void rollout__bcs_release(rollout_deployment *d);

/* Snapshots. */
int rollout__snapshot_save(char **out, rollout_engine *e);
int rollout__snapshot_restore(rollout_engine *e, const char *json, size_t len);

/* Sizes of names and the pseudo-random suffixes of replica names. */
uint64_t rollout__rng_next(rollout_engine *e);
void rollout__safe_encode(char *out, const char *in);

#endif /* ROLLOUT_MODEL_H */
