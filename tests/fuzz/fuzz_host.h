/*
 * A minimal host for the fuzz targets: a clock the target moves, create
 * and delete requests accepted, replicas that go when asked to.  Built on
 * the public API, as any host is.
 */
#ifndef ROLLOUT_FUZZ_HOST_H
#define ROLLOUT_FUZZ_HOST_H

#include <stddef.h>
#include <stdint.h>

#include <rollout/rollout.h>

typedef struct fuzz_host {
    rollout_engine *e;
    int64_t now;
    int start_on_create;  /* report STARTING from inside the create callback */
    int gone_on_delete;   /* report GONE from inside the delete callback */
    unsigned refuse_every; /* refuse every Nth create request (0: none) */
    unsigned creates;
} fuzz_host;

/* The engine's time at the start, that of the seed manifests. */
#define FUZZ_T0 1562517092000

/* A new engine on H (zeroed by the caller, then its flags set); 0 on
 * success. */
int fuzz_host_init(fuzz_host *h);
void fuzz_host_fini(fuzz_host *h);

/* A fresh engine with H's callbacks, for restoring a snapshot into. */
int fuzz_host_engine(rollout_engine **out, fuzz_host *h);

/* Plays the cluster for ROUNDS rounds: tick, report the replicas
 * started and ready, move the clock to the next deadline (at most
 * STEP_MS on), tick again. */
void fuzz_host_drive(fuzz_host *h, int rounds, int64_t step_ms);

/* Reads every object of E through the getters and writers, so that a
 * state the engine reached is also one it can describe. */
void fuzz_walk(rollout_engine *e);

/* Applies every spec of M to E (a BCS application is created), then
 * writes each spec back in both formats. */
void fuzz_apply_manifest(rollout_engine *e, const rollout_manifest *m);

/* The manifest targets: parses DATA as documents of DIALECT; on success
 * applies them to a fresh engine on a fuzz_host, drives it a few rounds,
 * reads everything back.  Returns 0 (what libFuzzer expects). */
int fuzz_manifest_input(const uint8_t *data, size_t size, const char *source,
                        rollout_dialect dialect);

/* The name of replica K (modulo their number) of E into BUF; 0 when E has
 * none. */
int fuzz_pick_replica(char *buf, size_t size, rollout_engine *e, unsigned k);

/* Fails loudly: a broken invariant is a finding like a crash. */
void fuzz_fail(const char *what, const char *detail);

#endif
