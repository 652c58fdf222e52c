/*
 * The simulator's model and the interface between its files (sim.c: life,
 * time, callbacks, steering, timeline, summaries; sim_place.c: resources,
 * constraints, the choice of a node; sim_save.c: its snapshots).
 *
 * The simulator is a host like any other: it uses the engine through the
 * public API only, and nothing of the engine's insides but the library's
 * general containers and strings (util.h).
 */
#ifndef ROLLOUT_SIM_MODEL_H
#define ROLLOUT_SIM_MODEL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "rollout/rollout.h"
#include "rollout/sim.h"
#include "util.h"

/* Fixed point: cpu in millionths of a core, memory in bytes, so that sums
 * are exact and a restored simulator computes what the saved one would. */
#define SIM_CPU_UNIT 1000000.0
#define SIM_MIB 1048576.0

/* X (0 <= X < 9.2e18) to the nearest integer, without libm. */
static inline int64_t rollout__sim_round(double x)
{
    return (int64_t)(x + 0.5);
}

/* Node attributes: text, or a scalar when the value reads as a number. */
typedef struct {
    char *key;
    char *value;
    bool scalar;
    double number;
} sim_attr;

typedef struct sim_node {
    char *name;
    int64_t cpu, mem;          /* capacity */
    int64_t cpu_used, mem_used;
    sim_attr *attrs;           /* in the order they were set */
    size_t n_attrs;
    rollout__vec replicas;          /* sim_replica *, placed here, not yet gone,
                                  any order */
} sim_node;

/* The application (BCS) or replica set (Kubernetes) of placed replicas. */
typedef struct sim_app {
    char *key;                 /* "namespace/name" */
    char *ns;
    char *deployment;          /* its version's metadata name */
    bool bcs;
    json_t *labels;            /* BCS: its version's labels */
    rollout__vec replicas;          /* sim_replica *, not yet gone, any order */
    size_t pos;                /* in the simulator's list */
} sim_app;

/* What the simulator knows of a replica it accepted. */
enum {
    SIM_STARTING = 0,
    SIM_RUNNING,
    SIM_READY,
    SIM_FAILED,
    SIM_LOST,
    SIM_TERMINATING,
    SIM_GONE
};

typedef struct sim_replica {
    uint64_t serial;
    char *name;
    sim_app *app;
    sim_node *node;            /* NULL once its node is lost */
    int state;
    bool holds;                /* its resources count on its node */
    int64_t cpu, mem;
    sim_attr *attrs;           /* the constraint's attributes of its node */
    size_t n_attrs;
    unsigned int refs;         /* tables and pending events */
    size_t node_pos, app_pos;  /* in the lists of its node and application */
} sim_replica;

/* Events: what happens to a replica at a time. */
enum {
    SIM_EV_RUNNING = 1,
    SIM_EV_READY,
    SIM_EV_CRASH,
    SIM_EV_GONE
};

typedef struct {
    int64_t time;
    uint64_t seq;              /* order among equal times */
    int kind;
    sim_replica *replica;
} sim_event;

typedef struct {
    char *image;
    int fault;
    int64_t after;
} sim_fault;

/* What the simulator follows of a deployment's rollouts. */
typedef struct {
    char *key;                 /* dialect and kind, namespace, name */
    char *ns, *name;
    int dialect;
    int kind;
    int64_t created;
    int64_t generation;
    char *target;              /* the new replica set or application */
    char *status;              /* BCS: the status and message last seen */
    bool present;
    int64_t start, finish;
    int32_t min_available, max_total, waves;
    int64_t last_wave;
} sim_dep;

typedef struct {
    int64_t time;
    char *text;
} sim_line;

struct rollout_sim {
    rollout_engine *e;
    rollout_sim_options opts;
    char *cluster;             /* opts.cluster points here */
    char *errmsg;
    bool err_oom;
    int64_t now;
    uint64_t rng;
    uint64_t next_seq;
    uint64_t next_serial;
    uint64_t next_ip;
    rollout__vec nodes;             /* sim_node *, by addition */
    rollout__map node_map;
    rollout__map replica_map;       /* name -> sim_replica * */
    rollout__map app_map;           /* key -> sim_app * */
    rollout__vec apps;              /* sim_app *, any order */
    sim_event *heap;
    size_t heap_len, heap_cap;
    sim_fault *faults;
    size_t n_faults;
    sim_line *timeline;
    size_t timeline_len, timeline_cap;
    rollout__vec deps;              /* sim_dep *, by first sight */
    rollout__map dep_map;
    /* caches of what placement reads from the engine */
    rollout__map tmpl_cache;        /* "ns/set/hash" -> resources, selector */
    rollout__map constraint_cache;  /* constraint text -> parsed */
    rollout__map regex_cache;       /* pattern -> compiled regex, or none */
    int cb_error;              /* an error inside a callback */
};

/* Errors: set the message and return CODE. */
int rollout__sim_fail(rollout_sim *s, int code, const char *fmt, ...)
    ROLLOUT__PRINTF(3, 4);
int rollout__sim_oom(rollout_sim *s);
void rollout__sim_clear_error(rollout_sim *s);

/* PARTS joined by SEP, in BUF when it fits, else allocated (to be freed
 * when it is not BUF); NULL when memory ran out. */
char *rollout__sim_join(char *buf, size_t size, const char *sep,
                        const char *const *parts, size_t n);

/* Nodes and attributes. */
sim_node *rollout__sim_find_node(const rollout_sim *s, const char *name);
sim_node *rollout__sim_node_new(const char *name, int64_t cpu, int64_t mem);
void rollout__sim_node_free(sim_node *n);
bool rollout__sim_attr_set(sim_attr **attrs, size_t *n, const char *key,
                           const char *value);
const sim_attr *rollout__sim_attr_get(const sim_attr *attrs, size_t n,
                                      const char *key);
void rollout__sim_attrs_free(sim_attr *attrs, size_t n);

/* Applications and replicas. */
/* Takes LABELS, even when it fails. */
sim_app *rollout__sim_app_new(const char *key, const char *ns,
                              const char *deployment, bool bcs, json_t *labels);
void rollout__sim_app_free(sim_app *a);
bool rollout__sim_app_add(rollout_sim *s, sim_app *a);
void rollout__sim_replica_unref(sim_replica *r);
/* Puts R on N, holding its resources (or not). */
bool rollout__sim_place_on(sim_node *n, sim_replica *r, bool holds);
bool rollout__sim_replica_add(rollout_sim *s, sim_replica *r);

/* Events. */
bool rollout__sim_heap_push(rollout_sim *s, int64_t time, uint64_t seq, int kind,
                            sim_replica *r);
bool rollout__sim_timeline_add(rollout_sim *s, int64_t time, const char *text);

/* Placement (sim_place.c). */
typedef struct {
    int64_t cpu, mem;
    json_t *node_selector;     /* Kubernetes: an object, or NULL */
    json_t *labels;            /* BCS: the version's labels, or NULL */
} sim_needs;

/* What REPLICA needs, from its revision's template, read once per
 * revision. */
int rollout__sim_needs(const sim_needs **out, rollout_sim *s,
                       const rollout_replica *replica);
/* The node for REPLICA of APP, or NULL when none fits; *ATTRS gets the
 * attributes its constraint names (to be freed by the caller). */
int rollout__sim_choose_node(sim_node **out, sim_attr **attrs, size_t *n_attrs,
                             rollout_sim *s, const rollout_replica *replica,
                             const sim_app *app, const sim_needs *needs);
void rollout__sim_caches_free(rollout_sim *s);
/* A quantity in cores or bytes (Kubernetes); false when it does not read. */
bool rollout__sim_quantity(double *out, const json_t *v);

/* Persistence (sim_save.c). */
int rollout__sim_save(char **json, rollout_sim *s);
/* A new simulator from a saved state; on failure *MSG says why (NULL when
 * memory ran out). */
int rollout__sim_restore(rollout_sim **out, char **msg, const char *json,
                         size_t len);

/* Life (sim.c): a simulator without engine, and its engine. */
int rollout__sim_create(rollout_sim **out, const rollout_sim_options *opts);
int rollout__sim_start_engine(rollout_sim *s);
void rollout__sim_clear(rollout_sim *s);

#endif /* ROLLOUT_SIM_MODEL_H */
