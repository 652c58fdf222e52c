/*
 * Pod templates: the canonical bytes, the pod-template-hash, and the
 * pseudo-random suffixes of replica names.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

/* Kubernetes' "safe" alphabet: no vowels, no look-alike characters. */
static const char safe_alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
#define SAFE_ALPHABET_LEN (sizeof(safe_alphabet) - 1)

char *rollout__canonical_json(const json_t *j)
{
    /* sorted keys and escaped non-ASCII: the same bytes on every machine */
    return json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII |
                             JSON_ENCODE_ANY);
}

void rollout__safe_encode(char *out, const char *in)
{
    for (; *in; in++)
        *out++ = safe_alphabet[(unsigned char)*in % SAFE_ALPHABET_LEN];
    *out = '\0';
}

void rollout__template_hash(char out[16], const char *canonical,
                            int32_t collision_count)
{
    uint32_t h = 2166136261u; /* FNV-32a */
    const unsigned char *p;
    char decimal[16];
    int i;

    for (p = (const unsigned char *)canonical; *p; p++) {
        h ^= *p;
        h *= 16777619u;
    }
    if (collision_count > 0) {
        /* the collision count, little-endian, as upstream appends it */
        uint32_t c = (uint32_t)collision_count;

        for (i = 0; i < 4; i++) {
            h ^= (c >> (8 * i)) & 0xffu;
            h *= 16777619u;
        }
    }
    snprintf(decimal, sizeof(decimal), "%u", (unsigned int)h);
    rollout__safe_encode(out, decimal);
}

uint64_t rollout__rng_next(rollout_engine *e)
{
    /* splitmix64: one word of state, kept in snapshots */
    uint64_t z = (e->rng += 0x9e3779b97f4a7c15ull);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}
