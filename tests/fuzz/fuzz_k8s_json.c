/*
 * Kubernetes Deployments in JSON: parsed, applied to an engine, rolled a
 * few rounds, written back.
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t i = 0;

    /* anything else is read as YAML: fuzz_k8s_yaml's part */
    while (i < size && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' ||
                        data[i] == '\n'))
        i++;
    if (i == size || data[i] != '{')
        return 0;
    return fuzz_manifest_input(data, size, "fuzz.json", ROLLOUT_DIALECT_KUBERNETES);
}
