/*
 * A fake host for the tests: a manual clock, a log of every callback, and
 * replicas that move only when a test says so.  Built on the public API.
 */
#ifndef ROLLOUT_TEST_FAKEHOST_H
#define ROLLOUT_TEST_FAKEHOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <check.h>
#include <rollout/rollout.h>

typedef struct fakehost {
    rollout_engine *e;
    int64_t now;
    /* every callback, one line each: "create NAME", "delete NAME",
     * "event TYPE REASON MESSAGE", "timer MS"; "refuse NAME",
     * "refuse-delete NAME", "create-failed NAME", "delete-failed NAME"
     * for the requests refused or failed */
    char **log;
    size_t log_len, log_cap;
    /* behaviour */
    bool gone_on_delete;   /* report GONE from inside the delete callback */
    bool start_on_create;  /* report STARTING from inside the create callback */
    int refuse_creates;    /* refuse this many create requests */
    int refuse_deletes;    /* refuse this many delete requests */
    const char *refusal;   /* the reason given */
    int fail_callbacks;    /* make this many create/delete callbacks fail */
    int fail_timer;        /* make this many timer callbacks fail */
    bool reenter;          /* try apply() from inside the create callback */
    int reenter_rc;        /* what it returned */
    /* invariants of the deployment NS/NAME, from its spec's numbers:
     * sum of spec <= MAX_TOTAL after every tick, and no ready replica
     * deleted while fewer than MIN_AVAILABLE others are available */
    const char *watch_ns, *watch_name;
    int32_t max_total;
    int32_t min_available;
    bool scaling;          /* a scale-down may delete below the floor */
    int violations;
    char violation[512];
    int64_t timer_ms;      /* what the timer callback said last */
    int events;
} fakehost;

fakehost *fh_new(void);
void fh_free(fakehost *fh);

/* Ticks the engine; fails the test on an error or a broken invariant. */
int fh_tick(fakehost *fh);
/* Advances the clock by MS and ticks. */
int fh_advance(fakehost *fh, int64_t ms);
/* Ticks until nothing is due now (at most 100 times). */
void fh_settle(fakehost *fh);

/* Reports PHASE for the first COUNT replicas of set RS (by name order)
 * that are in phase FROM; returns how many it reported. */
int fh_report_rs(fakehost *fh, const char *rs, rollout_phase from,
                 rollout_phase phase, int count);
/* Reports GONE for every terminating replica. */
int fh_reap(fakehost *fh);

/* "NAME=DESIRED/CURRENT/READY/AVAILABLE ..." for every set of NS/NAME,
 * oldest first, and replica set names by revision (REV1 ...). */
char *fh_sets(fakehost *fh, const char *ns, const char *name);
/* The rollout status line of NS/NAME (static buffer). */
const char *fh_status(fakehost *fh, const char *ns, const char *name);
/* The name of the set with revision REV. */
const char *fh_rs_of_revision(fakehost *fh, const char *ns, const char *name,
                              int64_t rev);

/* Log lines from position FROM, joined with '\n' (caller frees). */
char *fh_log_since(fakehost *fh, size_t from);
/* How many log lines start with PREFIX. */
size_t fh_log_count(fakehost *fh, size_t from, const char *prefix);

/* A Kubernetes spec like the seed's: NAME with REPLICAS of IMAGE. */
rollout_spec *fh_seed_spec(const char *name, int32_t replicas,
                           const char *image, int32_t port);

/* Runs suite S (taken); the exit status for main(). */
int fh_run_suite(Suite *s);

#endif
