/*
 * librollout: an embeddable rolling-update engine.
 *
 * The host supplies the clock and the container runtime through callbacks;
 * the engine decides, tick by tick, which replicas of which revision to
 * create and delete.  See librollout(7).
 */
#ifndef ROLLOUT_ROLLOUT_H
#define ROLLOUT_ROLLOUT_H

#include <rollout/version.h>
#include <rollout/common.h>
#include <rollout/callbacks.h>
#include <rollout/engine.h>
#include <rollout/spec.h>
#include <rollout/objects.h>
#include <rollout/manifest.h>
#include <rollout/sim.h>

#endif /* ROLLOUT_ROLLOUT_H */
