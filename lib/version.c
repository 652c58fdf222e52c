/*
 * Version queries, error texts, phase names.
 */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "model.h"

const char *rollout_version(void)
{
    return ROLLOUT_VERSION;
}

unsigned long rollout_version_num(void)
{
    return ROLLOUT_VERSION_NUM;
}

void rollout_free(void *ptr)
{
    free(ptr);
}

const char *rollout_strerror(int code)
{
    switch (code) {
    case ROLLOUT_OK:
        return "success";
    case ROLLOUT_REFUSED:
        return "request refused";
    case ROLLOUT_EINVAL:
        return "invalid argument";
    case ROLLOUT_ENOMEM:
        return "out of memory";
    case ROLLOUT_ENOTFOUND:
        return "not found";
    case ROLLOUT_EEXIST:
        return "already exists";
    case ROLLOUT_EVALIDATION:
        return "validation failed";
    case ROLLOUT_ESTATE:
        return "not allowed in the current state";
    case ROLLOUT_EREENTRANT:
        return "not allowed from inside a callback";
    case ROLLOUT_ECALLBACK:
        return "a callback failed";
    case ROLLOUT_ESNAPSHOT:
        return "bad snapshot";
    case ROLLOUT_EDEADLINE:
        return "progress deadline exceeded";
    case ROLLOUT_EPARSE:
        return "the manifest could not be read";
    default:
        return "unknown error";
    }
}

static const char *const phase_names[] = {
    "pending", "starting", "running",  "ready", "failed",
    "lost",    "terminating", "gone",  "finished", "error",
};

const char *rollout_phase_name(rollout_phase phase)
{
    if ((unsigned int)phase < ROLLOUT__ARRAY_LEN(phase_names))
        return phase_names[phase];
    return "unknown";
}

int rollout_phase_from_name(rollout_phase *out, const char *name)
{
    size_t i;

    if (!out || !name)
        return ROLLOUT_EINVAL;
    for (i = 0; i < ROLLOUT__ARRAY_LEN(phase_names); i++)
        if (strcmp(phase_names[i], name) == 0) {
            *out = (rollout_phase)i;
            return ROLLOUT_OK;
        }
    return ROLLOUT_ENOTFOUND;
}
