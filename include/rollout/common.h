/*
 * librollout: handles, error codes and enumerations shared by every part
 * of the API.  Include <rollout/rollout.h> rather than this file.
 */
#ifndef ROLLOUT_COMMON_H
#define ROLLOUT_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && __GNUC__ >= 4
#define ROLLOUT_EXTERN __attribute__((visibility("default")))
#else
#define ROLLOUT_EXTERN
#endif

/* Opaque handles.  An engine owns its deployments, revisions, replica sets
 * and replicas: pointers to them are borrowed and stay valid until the
 * object goes away (see librollout(7)).  Callbacks and specs are owned by
 * the caller and freed with their _free function. */
typedef struct rollout_engine rollout_engine;
typedef struct rollout_callbacks rollout_callbacks;
typedef struct rollout_spec rollout_spec;
typedef struct rollout_deployment rollout_deployment;
typedef struct rollout_revision rollout_revision;
typedef struct rollout_replica_set rollout_replica_set;
typedef struct rollout_replica rollout_replica;

/* Return codes.  Errors are negative; 0 is success. */
typedef enum {
    ROLLOUT_OK = 0,
    ROLLOUT_EINVAL = -1,       /* an argument is NULL, out of range or malformed */
    ROLLOUT_ENOMEM = -2,       /* out of memory */
    ROLLOUT_ENOTFOUND = -3,    /* no such deployment, revision or replica */
    ROLLOUT_EEXIST = -4,       /* the object exists already */
    ROLLOUT_EVALIDATION = -5,  /* a spec was refused by validation */
    ROLLOUT_ESTATE = -6,       /* not allowed in the object's current state */
    ROLLOUT_EREENTRANT = -7,   /* called from inside a callback */
    ROLLOUT_ECALLBACK = -8,    /* reserved for callbacks: the host failed */
    ROLLOUT_ESNAPSHOT = -9,    /* a snapshot is corrupt, foreign or too new */
    ROLLOUT_EDEADLINE = -10,   /* the rollout exceeded its progress deadline */
    ROLLOUT_EPARSE = -11       /* a manifest could not be read */
} rollout_error;

/* Returned by the create and delete callbacks to refuse a request; the
 * engine retries it with backoff.  Not an error. */
#define ROLLOUT_REFUSED 1

/* The reference system whose behaviour a deployment follows. */
typedef enum {
    ROLLOUT_DIALECT_KUBERNETES = 1, /* apps/v1 Deployment */
    ROLLOUT_DIALECT_BCS = 2         /* BCS Mesos v4 deployment or application */
} rollout_dialect;

/* What a spec describes. */
typedef enum {
    ROLLOUT_KIND_DEPLOYMENT = 1,
    ROLLOUT_KIND_APPLICATION = 2    /* a BCS application on its own */
} rollout_kind;

/* Replica phases.  The host reports all but TERMINATING, which the engine
 * sets when it asks for a replica to be deleted. */
typedef enum {
    ROLLOUT_PHASE_PENDING = 0,   /* requested, not started (maybe refused) */
    ROLLOUT_PHASE_STARTING = 1,  /* placed, starting */
    ROLLOUT_PHASE_RUNNING = 2,   /* running, not ready */
    ROLLOUT_PHASE_READY = 3,     /* ready to serve */
    ROLLOUT_PHASE_FAILED = 4,    /* exited or crashed */
    ROLLOUT_PHASE_LOST = 5,      /* its node is gone; it may still run */
    ROLLOUT_PHASE_TERMINATING = 6, /* deletion requested */
    ROLLOUT_PHASE_GONE = 7,      /* no longer exists */
    ROLLOUT_PHASE_FINISHED = 8,  /* exited successfully (BCS: Finish) */
    ROLLOUT_PHASE_ERROR = 9      /* failed to start (BCS: Error) */
} rollout_phase;

/* Deployment strategies. */
typedef enum {
    ROLLOUT_STRATEGY_ROLLING_UPDATE = 1,
    ROLLOUT_STRATEGY_RECREATE = 2
} rollout_strategy;

/* Counts readable from deployments and replica sets. */
typedef enum {
    ROLLOUT_COUNT_DESIRED = 0,     /* spec.replicas */
    ROLLOUT_COUNT_CURRENT = 1,     /* status.replicas */
    ROLLOUT_COUNT_UPDATED = 2,     /* status.updatedReplicas (deployments) */
    ROLLOUT_COUNT_READY = 3,       /* status.readyReplicas */
    ROLLOUT_COUNT_AVAILABLE = 4,   /* status.availableReplicas */
    ROLLOUT_COUNT_UNAVAILABLE = 5, /* status.unavailableReplicas (deployments) */
    ROLLOUT_COUNT_RUNNING = 6,     /* running, ready or not (BCS RUNNING_INSTANCE) */
    ROLLOUT_COUNT_BUILT = 7        /* accepted by the host, not yet gone */
} rollout_count;

/* Outcomes of rollout_engine_apply(). */
typedef enum {
    ROLLOUT_APPLY_CREATED = 1,
    ROLLOUT_APPLY_CONFIGURED = 2,
    ROLLOUT_APPLY_UNCHANGED = 3
} rollout_apply_outcome;

/* Outcomes of rollout_engine_undo(). */
typedef enum {
    ROLLOUT_UNDO_ROLLED_BACK = 1,
    ROLLOUT_UNDO_SKIPPED = 2
} rollout_undo_outcome;

/* A text for any return code; never NULL. */
ROLLOUT_EXTERN const char *rollout_strerror(int code);

/* Frees memory the library allocated for the caller (saved snapshots,
 * status messages).  NULL is a no-op. */
ROLLOUT_EXTERN void rollout_free(void *ptr);

/* The library's version at run time, "MAJOR.MINOR.PATCH". */
ROLLOUT_EXTERN const char *rollout_version(void);

/* The library's version at run time as 0xMMmmpp (see ROLLOUT_VERSION_NUM). */
ROLLOUT_EXTERN unsigned long rollout_version_num(void);

/* "pending", "starting", ... ; "unknown" for a value outside the enum. */
ROLLOUT_EXTERN const char *rollout_phase_name(rollout_phase phase);

/* The phase named NAME (as rollout_phase_name() spells it). */
ROLLOUT_EXTERN int rollout_phase_from_name(rollout_phase *out, const char *name);

#ifdef __cplusplus
}
#endif

#endif /* ROLLOUT_COMMON_H */
