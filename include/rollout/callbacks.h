/*
 * librollout: the host's callbacks.  Each has its own setter, so adding a
 * hook never changes the size of a structure.
 */
#ifndef ROLLOUT_CALLBACKS_H
#define ROLLOUT_CALLBACKS_H

#include <rollout/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The current time in milliseconds.  Should not go back; the engine clamps
 * a clock that does.  Required. */
typedef int64_t (*rollout_clock_cb)(rollout_engine *engine, void *user_data);

/* A request to start REPLICA (its name, revision and template are readable
 * from the handle).  Return 0 when accepted; ROLLOUT_REFUSED when refused,
 * optionally with *REASON pointing to a text the engine copies
 * ("have not enough resources"); ROLLOUT_ECALLBACK when the host failed.
 * Required. */
typedef int (*rollout_create_replica_cb)(rollout_engine *engine,
                                         rollout_replica *replica,
                                         const char **reason,
                                         void *user_data);

/* A request to stop REPLICA; same return values as the create callback.
 * The host reports ROLLOUT_PHASE_GONE when the replica has stopped.
 * Required. */
typedef int (*rollout_delete_replica_cb)(rollout_engine *engine,
                                         rollout_replica *replica,
                                         const char **reason,
                                         void *user_data);

/* An event about DEPLOYMENT: OBJECT is "Kind/name" of the object concerned,
 * TYPE "Normal" or "Warning", REASON and MESSAGE as the reference system
 * words them.  Optional. */
typedef int (*rollout_event_cb)(rollout_engine *engine,
                                const rollout_deployment *deployment,
                                const char *object, const char *type,
                                const char *reason, const char *message,
                                void *user_data);

/* The engine's next deadline moved: call rollout_engine_tick() in
 * TIMEOUT_MS milliseconds (0: now, -1: no deadline).  Optional. */
typedef int (*rollout_timer_cb)(rollout_engine *engine, int64_t timeout_ms,
                                void *user_data);

ROLLOUT_EXTERN int rollout_callbacks_new(rollout_callbacks **out);
ROLLOUT_EXTERN void rollout_callbacks_free(rollout_callbacks *callbacks);

ROLLOUT_EXTERN void rollout_callbacks_set_clock(rollout_callbacks *callbacks,
                                                rollout_clock_cb cb);
ROLLOUT_EXTERN void rollout_callbacks_set_create_replica(
    rollout_callbacks *callbacks, rollout_create_replica_cb cb);
ROLLOUT_EXTERN void rollout_callbacks_set_delete_replica(
    rollout_callbacks *callbacks, rollout_delete_replica_cb cb);
ROLLOUT_EXTERN void rollout_callbacks_set_event(rollout_callbacks *callbacks,
                                                rollout_event_cb cb);
ROLLOUT_EXTERN void rollout_callbacks_set_timer(rollout_callbacks *callbacks,
                                                rollout_timer_cb cb);

#ifdef __cplusplus
}
#endif

#endif /* ROLLOUT_CALLBACKS_H */
