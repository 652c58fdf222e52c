/*
 * BCS v4 deployments and applications in JSON: parsed, applied (an
 * application created) to an engine, rolled a few rounds, written back.
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_manifest_input(data, size, "fuzz.json", ROLLOUT_DIALECT_BCS);
}
