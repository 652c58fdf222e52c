/*
 * rolloutctl: the command-line host.  It keeps a simulated cluster
 * (rollout_sim and its engine) in a state file and speaks the verbs of
 * bcs-client and kubectl over it.  Every command locks the file, loads it,
 * brings the clock up to date, acts, and saves it atomically.
 */
#ifndef ROLLOUTCTL_H
#define ROLLOUTCTL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include <rollout/rollout.h>

#if defined(__GNUC__)
#define CTL_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CTL_PRINTF(f, a)
#endif

/* Exit codes: as kubectl and the BCS client, a usage error is an error
   like any other (CTL_USAGE names where the usage was the problem). */
enum { CTL_OK = 0, CTL_FAIL = 1, CTL_USAGE = 1 };

/* How simulated time moves. */
typedef enum {
    CTL_CLOCK_WALL = 0,  /* with real time, times the speed */
    CTL_CLOCK_MANUAL = 1 /* only by `advance` */
} ctl_clock;

/* The cluster a state file holds, as `cluster init` made it. */
typedef struct {
    int nodes;
    double cpu, memory_mb;
    int64_t start_delay_ms;  /* -1: replicas wait to be steered */
    int64_t ready_delay_ms;
    int64_t stop_delay_ms;
    ctl_clock clock;
    double speed;
    int64_t start_ms;        /* the simulated time it began at */
    uint64_t seed;
} ctl_cluster;

#define CTL_CLUSTER_DEFAULTS { 3, 4.0, 8192.0, 2000, 1000, 1000, CTL_CLOCK_WALL, \
                               1.0, -1, 1 }

/* An open state file. */
typedef struct {
    char *path;
    char *lock_path;
    int lock_fd;
    ctl_cluster cluster;
    /* wall clock: simulated = anchor_sim + (real - anchor_real) * speed */
    int64_t anchor_real_ms;
    int64_t anchor_sim_ms;
    rollout_sim *sim;
    rollout_engine *engine;  /* the simulator's */
} ctl;

/* The verbs: each parses its own arguments (ARGV[0] is the verb) and
 * returns an exit code.  The ones that need the cluster open it. */
typedef struct {
    const char *name;
    int (*run)(const char *state, int argc, char **argv);
    const char *summary;
    const char *help;        /* usage and options, for --help */
} ctl_verb;

/* state.c */
const char *ctl_state_path(const char *option);
/* Locks and loads the state at PATH (creating a default cluster when there
 * is none) and brings its clock up to date.  Errors are printed with
 * PREFIX ("error: ", "failed to create deployment: "). */
int ctl_open(ctl *c, const char *path, const char *prefix);
/* Saves atomically (a temporary file, then rename) and unlocks. */
int ctl_save(ctl *c, const char *prefix);
void ctl_close(ctl *c);
/* Loads the state at PATH under a shared lock, for reading only: it makes
 * no file (no lock file either) and is never saved.  With no state, a
 * default cluster in memory, or an error when MUST_EXIST. */
int ctl_open_readonly(ctl *c, const char *path, bool must_exist, const char *prefix);
/* Makes a new cluster (replacing nothing: the caller decides). */
int ctl_init(ctl *c, const char *path, const ctl_cluster *cluster,
             const char *prefix);
int64_t ctl_real_now_ms(void);
/* Moves the simulated clock on by MS beyond what real time gives. */
int ctl_advance(ctl *c, int64_t ms, const char *prefix);
/* Brings the simulated clock up to real time (wall clock only). */
int ctl_catch_up(ctl *c, const char *prefix);
/* Lets what is due now happen (the engine acting on an operation just
 * made), without moving the clock.  ctl_save() does it too. */
int ctl_settle(ctl *c, const char *prefix);

/* util.c */
void ctl_err(const char *prefix, const char *fmt, ...) CTL_PRINTF(2, 3);
/* "90s", "2m", "1h30m", "500ms", "1.5s"; false when it is none. */
bool ctl_parse_duration(const char *text, int64_t *ms);
/* A duration as kubectl prints ages: "45s", "7m39s", "5h", "3d". */
void ctl_format_age(char *buf, size_t size, int64_t ms);
/* "90s", "1m30s", "2h": for messages. */
void ctl_format_duration(char *buf, size_t size, int64_t ms);
/* Go's time.Time.String() of UNIX MS in the local zone, whole seconds:
 * "2019-07-08 00:31:32 +0800 CST". */
void ctl_format_time(char *buf, size_t size, int64_t ms);
/* RFC 3339 in UTC: "2019-07-08T16:31:32Z". */
void ctl_format_rfc3339(char *buf, size_t size, int64_t ms);
bool ctl_parse_int(const char *text, long long min, long long max, long long *out);
/* The value of option NAME in ARG ("--name=value"), or of the next
 * argument ("--name value", consumed): NULL when ARG is not NAME. */
const char *ctl_option(const char *name, int argc, char **argv, int *i);
/* Whether ARGV holds --help or -h. */
bool ctl_wants_help(int argc, char **argv);
void ctl_print_help(const ctl_verb *verb);
/* The specs of the manifest at PATH ("-": standard input), printed as
 * file:line:column: path: reason with PREFIX when refused. */
int ctl_read_manifest(rollout_manifest **out, const char *path,
                      rollout_dialect dialect, const char *prefix);

/* cluster.c */
int ctl_cmd_cluster(const char *state, int argc, char **argv);
int ctl_cmd_advance(const char *state, int argc, char **argv);
int ctl_cmd_replica(const char *state, int argc, char **argv);
extern const ctl_verb ctl_verb_cluster, ctl_verb_advance, ctl_verb_replica;

/* plan.c */
int ctl_cmd_plan(const char *state, int argc, char **argv);
extern const ctl_verb ctl_verb_plan;
/* bcs.c: the verbs of bcs-client.  delete and scale are kubectl's too:
 * these are the forms with -t. */
int ctl_bcs_create(const char *state, int argc, char **argv);
int ctl_bcs_update(const char *state, int argc, char **argv);
int ctl_bcs_delete(const char *state, int argc, char **argv);
int ctl_bcs_pause(const char *state, int argc, char **argv);
int ctl_bcs_resume(const char *state, int argc, char **argv);
int ctl_bcs_cancel(const char *state, int argc, char **argv);
int ctl_bcs_scale(const char *state, int argc, char **argv);
int ctl_bcs_list(const char *state, int argc, char **argv);
int ctl_bcs_inspect(const char *state, int argc, char **argv);
extern const ctl_verb ctl_verb_bcs_create, ctl_verb_bcs_update, ctl_verb_bcs_delete,
    ctl_verb_bcs_pause, ctl_verb_bcs_resume, ctl_verb_bcs_cancel, ctl_verb_bcs_scale,
    ctl_verb_bcs_list, ctl_verb_bcs_inspect;
/* kubectl*.c: the kubectl verbs.  delete and scale are bcs-client verbs
 * too: these are kubectl's. */
int ctl_kubectl_delete(const char *state, int argc, char **argv);
int ctl_kubectl_scale(const char *state, int argc, char **argv);
extern const ctl_verb ctl_verb_kubectl_apply, ctl_verb_kubectl_get,
    ctl_verb_kubectl_describe, ctl_verb_kubectl_rollout, ctl_verb_kubectl_scale,
    ctl_verb_kubectl_set, ctl_verb_kubectl_annotate, ctl_verb_kubectl_delete;

#endif /* ROLLOUTCTL_H */
