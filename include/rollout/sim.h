/*
 * librollout: the simulator, a complete host built on the public API.  It
 * owns an engine and plays its cluster: a virtual clock, nodes with
 * capacity and attributes, placement (resources, BCS constraints,
 * Kubernetes node selectors), start-up and readiness delays, faults, lost
 * nodes, a timeline and a summary of every rollout.  See rollout_sim_new(3).
 */
#ifndef ROLLOUT_SIM_H
#define ROLLOUT_SIM_H

#include <rollout/common.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rollout_sim rollout_sim;

/* Options of a simulator.  Initialise with ROLLOUT_SIM_OPTIONS_INIT or
 * rollout_sim_options_init(). */
typedef struct {
    unsigned int version;
    uint64_t seed;               /* random delays and refusals */
    int64_t start_delay_min_ms;  /* an accepted create to RUNNING: */
    int64_t start_delay_max_ms;  /* uniform in [min, max] */
    int64_t ready_delay_ms;      /* RUNNING to READY */
    int64_t stop_delay_ms;       /* a delete request to GONE */
    int manual;                  /* replicas stay STARTING until steered */
    double refuse_rate;          /* 0..1: creates refused at random */
    int64_t start_time_ms;       /* the virtual clock's start */
    const char *cluster;         /* BCS taskgroup ids; NULL: "Unnamed" */
    int no_timeline;             /* record no timeline (benchmarks) */
    int64_t backoff_initial_ms;  /* the engine's retry delays; 0: */
    int64_t backoff_max_ms;      /* its defaults (1000 and 10000) */
} rollout_sim_options;

#define ROLLOUT_SIM_OPTIONS_VERSION 1
#define ROLLOUT_SIM_OPTIONS_INIT { ROLLOUT_SIM_OPTIONS_VERSION, 1, 1000, 1000, \
    0, 0, 0, 0.0, 1562517092000, NULL, 0, 0, 0 }

ROLLOUT_EXTERN int rollout_sim_options_init(rollout_sim_options *opts,
                                            unsigned int version);

/* A new simulator with its engine (OPTS NULL: the defaults). */
ROLLOUT_EXTERN int rollout_sim_new(rollout_sim **out,
                                   const rollout_sim_options *opts);
ROLLOUT_EXTERN void rollout_sim_free(rollout_sim *sim);

/* The engine the simulator hosts: apply specs and run operations through
 * it.  Borrowed; its callbacks belong to the simulator. */
ROLLOUT_EXTERN rollout_engine *rollout_sim_engine(rollout_sim *sim);

/* The message of the simulator's last error; "" when there was none. */
ROLLOUT_EXTERN const char *rollout_sim_errmsg(const rollout_sim *sim);

/* The virtual clock, in milliseconds. */
ROLLOUT_EXTERN int64_t rollout_sim_now(const rollout_sim *sim);

/* Nodes.  A new node has the attributes hostname (its name) and InnerIP
 * (an address of its own, 10.x.y.z); MEMORY_MB is in MiB. */
ROLLOUT_EXTERN int rollout_sim_add_node(rollout_sim *sim, const char *name,
                                        double cpu, double memory_mb);
/* Sets (VALUE) or removes (NULL) an attribute.  A value that reads as a
 * number is a scalar for constraints, anything else text. */
ROLLOUT_EXTERN int rollout_sim_set_node_attribute(rollout_sim *sim,
                                                  const char *node,
                                                  const char *key,
                                                  const char *value);
/* The node goes with its replicas: each is reported LOST, and GONE once
 * the engine asks for its deletion. */
ROLLOUT_EXTERN int rollout_sim_lose_node(rollout_sim *sim, const char *node);
ROLLOUT_EXTERN size_t rollout_sim_node_count(const rollout_sim *sim);
/* Node INDEX, in the order they were added; NULL out of range. */
ROLLOUT_EXTERN const char *rollout_sim_node_name(const rollout_sim *sim,
                                                 size_t index);
/* A node's used and free cpu and memory (MiB); any pointer may be NULL. */
ROLLOUT_EXTERN int rollout_sim_node_usage(double *cpu_used, double *cpu_free,
                                          double *memory_used_mb,
                                          double *memory_free_mb,
                                          const rollout_sim *sim,
                                          const char *node);
/* An attribute's value, NULL when the node or the attribute is absent. */
ROLLOUT_EXTERN const char *rollout_sim_node_attribute(const rollout_sim *sim,
                                                      const char *node,
                                                      const char *key);
ROLLOUT_EXTERN size_t rollout_sim_node_attribute_count(const rollout_sim *sim,
                                                       const char *node);
/* The key of attribute INDEX (in the order they were set); *VALUE (may be
 * NULL) its value. */
ROLLOUT_EXTERN const char *rollout_sim_node_attribute_at(
    const char **value, const rollout_sim *sim, const char *node, size_t index);

/* Faults, by image: a replica with a container of IMAGE that starts
 * running from now on behaves so. */
typedef enum {
    ROLLOUT_SIM_HEALTHY = 0,     /* no fault (clears one) */
    ROLLOUT_SIM_NEVER_READY = 1, /* stays RUNNING */
    ROLLOUT_SIM_CRASH = 2        /* FAILED AFTER_MS after it runs */
} rollout_sim_fault;

ROLLOUT_EXTERN int rollout_sim_set_image_fault(rollout_sim *sim,
                                               const char *image,
                                               rollout_sim_fault fault,
                                               int64_t after_ms);

/* Steering by hand, by replica name: ready (from STARTING or RUNNING),
 * fail (reported FAILED), kill (it vanishes: reported GONE). */
ROLLOUT_EXTERN int rollout_sim_replica_ready(rollout_sim *sim,
                                             const char *replica);
ROLLOUT_EXTERN int rollout_sim_replica_fail(rollout_sim *sim,
                                            const char *replica);
ROLLOUT_EXTERN int rollout_sim_replica_kill(rollout_sim *sim,
                                            const char *replica);

typedef enum {
    ROLLOUT_SIM_READY = 1,
    ROLLOUT_SIM_FAIL = 2,
    ROLLOUT_SIM_KILL = 3
} rollout_sim_action;

/* The same for many: the replicas the action applies to, of the replica
 * set (or BCS application) REPLICA_SET (NULL: of any), by name, at most
 * COUNT of them (0: all).  *STEERED (may be NULL) says how many. */
ROLLOUT_EXTERN int rollout_sim_steer(size_t *steered, rollout_sim *sim,
                                     rollout_sim_action action,
                                     const char *replica_set, size_t count);

/* Time.  Runs, in time order, the simulator's due events and the engine's
 * ticks (events first at equal times) up to TIME_MS, where the clock
 * stops. */
ROLLOUT_EXTERN int rollout_sim_run_until(rollout_sim *sim, int64_t time_ms);
/* The same for MS milliseconds from now. */
ROLLOUT_EXTERN int rollout_sim_advance(rollout_sim *sim, int64_t ms);

/* What rollout_sim_run_until_idle() stopped at. */
typedef enum {
    ROLLOUT_SIM_IDLE = 0,    /* nothing due, every deployment settled */
    ROLLOUT_SIM_LIMIT = 1,   /* the limit came first */
    ROLLOUT_SIM_STALLED = 2  /* nothing will happen, but a deployment has
                                not settled: it waits for the host */
} rollout_sim_outcome;

/* Runs until nothing is due and every deployment is complete or blocked,
 * but not past LIMIT_MS (a time on the clock). */
ROLLOUT_EXTERN int rollout_sim_run_until_idle(rollout_sim *sim,
                                              int64_t limit_ms);

/* The timeline: every action and report, and the engine's events, with
 * their time.  Strings are borrowed from the simulator. */
ROLLOUT_EXTERN size_t rollout_sim_timeline_count(const rollout_sim *sim);
ROLLOUT_EXTERN int rollout_sim_timeline_at(int64_t *time, const char **text,
                                           const rollout_sim *sim,
                                           size_t index);

/* A deployment's last rollout.  Initialise with ROLLOUT_SIM_SUMMARY_INIT
 * or rollout_sim_summary_init(). */
typedef struct {
    unsigned int version;
    int64_t start_ms;       /* the apply that last changed the template */
    int64_t finish_ms;      /* when it completed; -1 when it has not */
    int32_t min_available;  /* fewest available (BCS: running) */
    int32_t max_total;      /* most replicas (BCS: taskgroups built) */
    int32_t waves;          /* distinct times new-revision replicas were placed */
} rollout_sim_summary;

#define ROLLOUT_SIM_SUMMARY_VERSION 1
#define ROLLOUT_SIM_SUMMARY_INIT { ROLLOUT_SIM_SUMMARY_VERSION, -1, -1, 0, 0, 0 }

ROLLOUT_EXTERN int rollout_sim_summary_init(rollout_sim_summary *summary,
                                            unsigned int version);
/* The summary of the deployment NS/NAME (NULL namespace: "default"; a
 * BCS application by its own name). */
ROLLOUT_EXTERN int rollout_sim_summary_get(rollout_sim_summary *out,
                                           const rollout_sim *sim,
                                           const char *ns, const char *name);

/* The simulator's whole state, its engine's included, as JSON in *JSON,
 * freed with rollout_free(). */
ROLLOUT_EXTERN int rollout_sim_save(char **json, rollout_sim *sim);
/* A new simulator, with a new engine, from a saved state.  On failure
 * *OUT is an empty simulator whose rollout_sim_errmsg() says why, to be
 * freed as any other. */
ROLLOUT_EXTERN int rollout_sim_restore(rollout_sim **out, const char *json,
                                       size_t len);

#ifdef __cplusplus
}
#endif

#endif /* ROLLOUT_SIM_H */
