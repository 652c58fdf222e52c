/*
 * Kubernetes Deployments in YAML: parsed, applied to an engine, rolled a
 * few rounds, written back.
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t i = 0;

    /* input opening with '{' is read as JSON: fuzz_k8s_json's part */
    while (i < size && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' ||
                        data[i] == '\n'))
        i++;
    if (i < size && data[i] == '{')
        return 0;
    return fuzz_manifest_input(data, size, "fuzz.yaml", ROLLOUT_DIALECT_KUBERNETES);
}
