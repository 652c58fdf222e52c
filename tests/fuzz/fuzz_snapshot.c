/*
 * Snapshots: the input restored into a fresh engine and, on success,
 * ticked, saved and restored again; the same bytes restored as a
 * simulator, run a little, saved and restored again.  A state the library
 * saved must always restore.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* JSON saved by an engine restores into another one. */
static void check_engine_roundtrip(fuzz_host *h)
{
    rollout_engine *again = NULL;
    char *json = NULL;

    if (rollout_engine_save(&json, h->e) != ROLLOUT_OK)
        return;
    if (fuzz_host_engine(&again, h) == ROLLOUT_OK &&
        rollout_engine_restore(again, json, strlen(json)) != ROLLOUT_OK)
        fuzz_fail("a saved engine does not restore", rollout_engine_errmsg(again));
    rollout_engine_free(again);
    rollout_free(json);
}

static void engine_input(const uint8_t *data, size_t size)
{
    fuzz_host h;

    memset(&h, 0, sizeof(h));
    h.gone_on_delete = 1;
    if (fuzz_host_init(&h) != ROLLOUT_OK)
        return;
    if (rollout_engine_restore(h.e, (const char *)data, size) == ROLLOUT_OK) {
        fuzz_walk(h.e);
        check_engine_roundtrip(&h);
        fuzz_host_drive(&h, 3, 10000);
        check_engine_roundtrip(&h);
    }
    fuzz_host_fini(&h);
}

static void sim_input(const uint8_t *data, size_t size)
{
    rollout_sim *sim = NULL, *again = NULL;
    char *json = NULL;

    if (rollout_sim_restore(&sim, (const char *)data, size) == ROLLOUT_OK) {
        fuzz_walk(rollout_sim_engine(sim));
        /* bounded: a minute of virtual time */
        rollout_sim_advance(sim, 60000);
        rollout_sim_run_until_idle(sim, rollout_sim_now(sim) + 60000);
        if (rollout_sim_save(&json, sim) == ROLLOUT_OK) {
            if (rollout_sim_restore(&again, json, strlen(json)) != ROLLOUT_OK)
                fuzz_fail("a saved simulator does not restore",
                          rollout_sim_errmsg(again));
            rollout_sim_free(again);
            rollout_free(json);
        }
    }
    rollout_sim_free(sim);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    engine_input(data, size);
    sim_input(data, size);
    return 0;
}
