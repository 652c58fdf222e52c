/*
 * librollout: the engine, its operations and its snapshots.
 */
#ifndef ROLLOUT_ENGINE_H
#define ROLLOUT_ENGINE_H

#include <rollout/common.h>
#include <rollout/callbacks.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A new engine driven by CALLBACKS (copied; the clock, create and delete
 * callbacks are required).  USER_DATA is passed to every callback. */
ROLLOUT_EXTERN int rollout_engine_new(rollout_engine **out,
                                      const rollout_callbacks *callbacks,
                                      void *user_data);
ROLLOUT_EXTERN void rollout_engine_free(rollout_engine *engine);

ROLLOUT_EXTERN void *rollout_engine_user_data(const rollout_engine *engine);

/* The message of the engine's last error; "" when there was none. */
ROLLOUT_EXTERN const char *rollout_engine_errmsg(const rollout_engine *engine);

/* Retry delays for refused create and delete requests: the first retry
 * after INITIAL_MS, doubling up to MAX_MS (defaults 1000 and 10000). */
ROLLOUT_EXTERN int rollout_engine_set_backoff(rollout_engine *engine,
                                              int64_t initial_ms,
                                              int64_t max_ms);

/* Does the work that is due: timers, reports, reconcile passes, create and
 * delete requests, events.  Returns at once. */
ROLLOUT_EXTERN int rollout_engine_tick(rollout_engine *engine);

/* Milliseconds until the engine next needs a tick: 0 now, -1 never. */
ROLLOUT_EXTERN int rollout_engine_next_deadline(int64_t *timeout_ms,
                                                rollout_engine *engine);

/* Creates or updates the deployment SPEC names.  *OUTCOME (may be NULL)
 * tells created, configured or unchanged.  A refused spec changes nothing. */
ROLLOUT_EXTERN int rollout_engine_apply(int *outcome, rollout_engine *engine,
                                        const rollout_spec *spec);

/* Create only (refused when it exists) and update only (refused when it
 * does not), as kubectl create and bcs-client create/update mean them. */
ROLLOUT_EXTERN int rollout_engine_create(rollout_engine *engine,
                                         const rollout_spec *spec);
ROLLOUT_EXTERN int rollout_engine_update(rollout_engine *engine,
                                         const rollout_spec *spec);

/* Operations on the deployment NAMESPACE/NAME (NULL namespace: "default"). */
ROLLOUT_EXTERN int rollout_engine_scale(rollout_engine *engine,
                                        const char *ns, const char *name,
                                        int32_t replicas);
ROLLOUT_EXTERN int rollout_engine_pause(rollout_engine *engine,
                                        const char *ns, const char *name);
ROLLOUT_EXTERN int rollout_engine_resume(rollout_engine *engine,
                                         const char *ns, const char *name);
/* Rolls back to revision TO_REVISION (0: the previous one). */
ROLLOUT_EXTERN int rollout_engine_undo(int *outcome, rollout_engine *engine,
                                       const char *ns, const char *name,
                                       int64_t to_revision);
ROLLOUT_EXTERN int rollout_engine_restart(rollout_engine *engine,
                                          const char *ns, const char *name);
ROLLOUT_EXTERN int rollout_engine_delete(rollout_engine *engine,
                                         const char *ns, const char *name);
/* BCS: stops an update and restores the application it started from. */
ROLLOUT_EXTERN int rollout_engine_cancel(rollout_engine *engine,
                                         const char *ns, const char *name);
/* BCS: deletes a standalone application (NULL namespace: "defaultGroup"). */
ROLLOUT_EXTERN int rollout_engine_delete_application(rollout_engine *engine,
                                                     const char *ns,
                                                     const char *name);
/* BCS: the cluster name in taskgroup ids (default "Unnamed"). */
ROLLOUT_EXTERN int rollout_engine_set_cluster(rollout_engine *engine,
                                              const char *name);

/* The host's word on a replica, by name.  REASON (may be NULL) explains a
 * pending or failed replica.  May be called from inside callbacks. */
ROLLOUT_EXTERN int rollout_engine_report(rollout_engine *engine,
                                         const char *replica,
                                         rollout_phase phase,
                                         const char *reason);
/* The node a replica was placed on (NULL: none). */
ROLLOUT_EXTERN int rollout_engine_report_node(rollout_engine *engine,
                                              const char *replica,
                                              const char *node);

/* The whole engine state as JSON in *JSON, freed with rollout_free(). */
ROLLOUT_EXTERN int rollout_engine_save(char **json, rollout_engine *engine);
/* Rebuilds a saved state in ENGINE, which must hold no deployment. */
ROLLOUT_EXTERN int rollout_engine_restore(rollout_engine *engine,
                                          const char *json, size_t len);

/* Lookup and iteration. */
ROLLOUT_EXTERN int rollout_engine_find_deployment(rollout_deployment **out,
                                                  rollout_engine *engine,
                                                  const char *ns,
                                                  const char *name);
ROLLOUT_EXTERN size_t rollout_engine_deployment_count(
    const rollout_engine *engine);
ROLLOUT_EXTERN rollout_deployment *rollout_engine_deployment_at(
    const rollout_engine *engine, size_t index);
ROLLOUT_EXTERN int rollout_engine_find_replica(rollout_replica **out,
                                               rollout_engine *engine,
                                               const char *name);
/* BCS: an application, bound or standalone (NULL namespace:
 * "defaultGroup"). */
ROLLOUT_EXTERN int rollout_engine_find_application(rollout_replica_set **out,
                                                   rollout_engine *engine,
                                                   const char *ns,
                                                   const char *name);

#ifdef __cplusplus
}
#endif

#endif /* ROLLOUT_ENGINE_H */
