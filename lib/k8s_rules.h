/*
 * The Kubernetes Deployment controller's rules as pure functions over plain
 * counts (spec/kubernetes.md).  No engine state: table tests call these
 * directly, and lib/k8s.c turns their plans into scaling and events.
 */
#ifndef ROLLOUT_K8S_RULES_H
#define ROLLOUT_K8S_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An int-or-string (maxSurge, maxUnavailable).  NONE stands for an unset
 * field; a string is kept as written so validation can quote it. */
typedef enum {
    ROLLOUT__INTSTR_NONE = 0,
    ROLLOUT__INTSTR_INT = 1,
    ROLLOUT__INTSTR_STR = 2
} rollout__intstr_kind;

typedef struct {
    rollout__intstr_kind kind;
    int32_t ival;
    const char *sval;
} rollout__intstr;

/* GetScaledValueFromIntOrPercent: an int as is; "N%" of TOTAL rounded up
 * or down.  -1 for a string that is not an integer followed by '%'. */
int rollout__intstr_scaled(int32_t *out, const rollout__intstr *v,
                           int32_t total, bool round_up);

/* The deployment parameters the rules read. */
typedef struct {
    int32_t replicas;
    int strategy; /* rollout_strategy */
    rollout__intstr max_surge;
    rollout__intstr max_unavailable;
} rollout__k8s_params;

/* ResolveFenceposts: surge rounds up, unavailable down, an unset value is
 * 0, and when both are 0 unavailable becomes 1.  -1 on a bad value. */
int rollout__resolve_fenceposts(int32_t *surge, int32_t *unavailable,
                                const rollout__intstr *max_surge,
                                const rollout__intstr *max_unavailable,
                                int32_t desired);
int32_t rollout__max_surge(const rollout__k8s_params *p);
int32_t rollout__max_unavailable(const rollout__k8s_params *p);

/* One replica set as the rules see it. */
typedef struct {
    int32_t spec;      /* spec.replicas; planners update it */
    int32_t replicas;  /* status.replicas */
    int32_t ready;
    int32_t available;
    int32_t desired;   /* desired-replicas annotation, -1 when absent */
    int32_t max;       /* max-replicas annotation, -1 when absent */
    int64_t revision;
    int64_t created;   /* creation time */
    uint64_t serial;   /* creation order, breaks ties of CREATED */
} rollout__rs_counts;

/* A planned scaling of set RS from FROM to TO.  UP tells the word of the
 * event ("up"/"down"); ANNOTATE asks for the desired/max annotations to be
 * rewritten.  An op with FROM == TO only rewrites annotations. */
typedef struct {
    size_t rs;
    int32_t from;
    int32_t to;
    bool up;
    bool annotate;
} rollout__scale_op;

typedef struct {
    rollout__scale_op *ops;
    size_t len;
    size_t cap;
    bool oom; /* an allocation failed: the plan is incomplete */
} rollout__plan;

#define ROLLOUT__NO_RS ((size_t)-1)

/* NewRSNewReplicas: the size the new set may grow to now.  TOTAL is the sum
 * of spec over every set, the new one included. */
int32_t rollout__new_rs_new_replicas(const rollout__k8s_params *p,
                                     int32_t total, int32_t new_spec);

/* reconcileNewReplicaSet: plans at most one op on RS[NEW]; true if it
 * scaled. */
bool rollout__reconcile_new(rollout__plan *plan, const rollout__k8s_params *p,
                            rollout__rs_counts *rs, size_t n, size_t new_rs);

/* reconcileOldReplicaSets: cleanupUnhealthyReplicas, then
 * scaleDownOldReplicaSetsForRollingUpdate.  Returns how many replicas it
 * took away (0: nothing scaled). */
int32_t rollout__reconcile_old(rollout__plan *plan,
                               const rollout__k8s_params *p,
                               rollout__rs_counts *rs, size_t n,
                               size_t new_rs);

/* The scaling event (scale()): FindActiveOrLatest, a saturated new set, or
 * proportional scaling.  STATUS_REPLICAS is the deployment's
 * status.replicas, the fallback for a missing max-replicas annotation. */
void rollout__scale(rollout__plan *plan, const rollout__k8s_params *p,
                    rollout__rs_counts *rs, size_t n, size_t new_rs,
                    int32_t status_replicas);

/* isScalingEvent: an active set's desired-replicas differs from replicas. */
bool rollout__is_scaling_event(const rollout__k8s_params *p,
                               const rollout__rs_counts *rs, size_t n);

/* GetProportion for one set. */
int32_t rollout__proportion(const rollout__k8s_params *p,
                            const rollout__rs_counts *rs, int32_t to_add,
                            int32_t added, int32_t status_replicas);

/* Recreate: plans every active old set down to 0; true if any. */
bool rollout__scale_down_old_for_recreate(rollout__plan *plan,
                                          rollout__rs_counts *rs, size_t n,
                                          size_t new_rs);

/* cleanupDeployment: indices (into RS) of old sets to delete, lowest
 * revision first, at most LIMIT kept.  DELETABLE[i] says whether set i has
 * no replica left at all.  Returns the number written to OUT. */
size_t rollout__cleanup_candidates(size_t *out, const rollout__rs_counts *rs,
                                   const bool *deletable, size_t n,
                                   size_t new_rs, int32_t limit);

/* The deployment status that calculateStatus derives. */
typedef struct {
    int32_t replicas;
    int32_t updated;
    int32_t ready;
    int32_t available;
    int32_t unavailable;
} rollout__k8s_status;

void rollout__calc_status(rollout__k8s_status *out,
                          const rollout__rs_counts *rs, size_t n,
                          size_t new_rs);

/* Whether AVAILABLE meets MinAvailable (the Available condition). */
bool rollout__has_min_availability(const rollout__k8s_params *p,
                                   int32_t available);

/* DeploymentComplete. */
bool rollout__deployment_complete(int32_t replicas,
                                  const rollout__k8s_status *st,
                                  int64_t observed_generation,
                                  int64_t generation);

/* DeploymentProgressing: the new status shows progress over the old. */
bool rollout__deployment_progressing(const rollout__k8s_status *old_status,
                                     const rollout__k8s_status *new_status);

/* The timeout test of DeploymentTimedOut: LAST_UPDATE + DEADLINE_S < NOW. */
bool rollout__progress_timed_out(int64_t last_update_ms, int32_t deadline_s,
                                 int64_t now_ms);

/* kubectl's rollout status for a deployment.  Writes the line (without the
 * newline) to *MSG, allocated; *DONE 1 when rolled out.  Returns 0, -1 on
 * ENOMEM, or 1 when the deadline was exceeded (*MSG is then the error). */
int rollout__rollout_status(char **msg, int *done, const char *name,
                            int64_t generation, int64_t observed_generation,
                            bool timed_out, int32_t replicas,
                            const rollout__k8s_status *st);

/* Plans. */
bool rollout__plan_add(rollout__plan *plan, size_t rs, int32_t from,
                       int32_t to, bool up, bool annotate);
void rollout__plan_free(rollout__plan *plan);

/* Ordering helpers: true when A was created before B. */
bool rollout__rs_older(const rollout__rs_counts *a, const rollout__rs_counts *b);

#endif /* ROLLOUT_K8S_RULES_H */
