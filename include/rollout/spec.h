/*
 * librollout: deployment specs built in code.
 */
#ifndef ROLLOUT_SPEC_H
#define ROLLOUT_SPEC_H

#include <rollout/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A spec with the dialect's defaults (Kubernetes: 1 replica, RollingUpdate
 * with 25% surge and 25% unavailable, minReadySeconds 0,
 * progressDeadlineSeconds 600, revisionHistoryLimit 10).  NS may be NULL
 * for "default". */
ROLLOUT_EXTERN int rollout_spec_new(rollout_spec **out, rollout_dialect dialect,
                                    const char *ns, const char *name);
ROLLOUT_EXTERN void rollout_spec_free(rollout_spec *spec);
ROLLOUT_EXTERN int rollout_spec_dup(rollout_spec **out, const rollout_spec *spec);

/* A copy of the spec a deployment runs, to change and apply again. */
ROLLOUT_EXTERN int rollout_deployment_spec(rollout_spec **out,
                                           const rollout_deployment *deployment);

ROLLOUT_EXTERN rollout_dialect rollout_spec_dialect(const rollout_spec *spec);
ROLLOUT_EXTERN const char *rollout_spec_namespace(const rollout_spec *spec);
ROLLOUT_EXTERN const char *rollout_spec_name(const rollout_spec *spec);
ROLLOUT_EXTERN int32_t rollout_spec_replicas(const rollout_spec *spec);

/* Deployment metadata; a NULL value removes the key. */
ROLLOUT_EXTERN int rollout_spec_set_label(rollout_spec *spec, const char *key,
                                          const char *value);
ROLLOUT_EXTERN int rollout_spec_set_annotation(rollout_spec *spec,
                                               const char *key,
                                               const char *value);

/* Deployment spec fields.  Values are checked when the spec is applied,
 * with the reference system's messages. */
ROLLOUT_EXTERN int rollout_spec_set_replicas(rollout_spec *spec,
                                             int32_t replicas);
/* A selector.matchLabels entry; a NULL value removes it. */
ROLLOUT_EXTERN int rollout_spec_set_selector(rollout_spec *spec,
                                             const char *key,
                                             const char *value);
ROLLOUT_EXTERN int rollout_spec_set_strategy(rollout_spec *spec,
                                             rollout_strategy strategy);
/* An integer ("1") or a percentage ("25%"); NULL restores the default. */
ROLLOUT_EXTERN int rollout_spec_set_max_surge(rollout_spec *spec,
                                              const char *value);
ROLLOUT_EXTERN int rollout_spec_set_max_unavailable(rollout_spec *spec,
                                                    const char *value);
ROLLOUT_EXTERN int rollout_spec_set_min_ready_seconds(rollout_spec *spec,
                                                      int32_t seconds);
/* INT32_MAX means no deadline. */
ROLLOUT_EXTERN int rollout_spec_set_progress_deadline_seconds(
    rollout_spec *spec, int32_t seconds);
ROLLOUT_EXTERN int rollout_spec_set_revision_history_limit(rollout_spec *spec,
                                                           int32_t limit);
ROLLOUT_EXTERN int rollout_spec_set_paused(rollout_spec *spec, int paused);

/* The pod template. */
ROLLOUT_EXTERN int rollout_spec_set_template_label(rollout_spec *spec,
                                                   const char *key,
                                                   const char *value);
ROLLOUT_EXTERN int rollout_spec_set_template_annotation(rollout_spec *spec,
                                                        const char *key,
                                                        const char *value);
/* Appends a container; *INDEX (may be NULL) receives its position. */
ROLLOUT_EXTERN int rollout_spec_add_container(size_t *index, rollout_spec *spec,
                                              const char *name,
                                              const char *image);
ROLLOUT_EXTERN int rollout_spec_find_container(size_t *index,
                                               const rollout_spec *spec,
                                               const char *name);
ROLLOUT_EXTERN int rollout_spec_container_set_image(rollout_spec *spec,
                                                    size_t index,
                                                    const char *image);
ROLLOUT_EXTERN int rollout_spec_container_add_command(rollout_spec *spec,
                                                      size_t index,
                                                      const char *word);
ROLLOUT_EXTERN int rollout_spec_container_add_arg(rollout_spec *spec,
                                                  size_t index,
                                                  const char *arg);
/* NAME and PROTOCOL may be NULL. */
ROLLOUT_EXTERN int rollout_spec_container_add_port(rollout_spec *spec,
                                                   size_t index,
                                                   const char *name,
                                                   int32_t port,
                                                   const char *protocol);
ROLLOUT_EXTERN int rollout_spec_container_set_env(rollout_spec *spec,
                                                  size_t index,
                                                  const char *name,
                                                  const char *value);
/* KIND is "limits" or "requests"; RESOURCE e.g. "cpu"; QUANTITY e.g.
 * "500m" (NULL removes it). */
ROLLOUT_EXTERN int rollout_spec_container_set_resource(rollout_spec *spec,
                                                       size_t index,
                                                       const char *kind,
                                                       const char *resource,
                                                       const char *quantity);

/* Probes. */
typedef enum {
    ROLLOUT_PROBE_READINESS = 1,
    ROLLOUT_PROBE_LIVENESS = 2,
    ROLLOUT_PROBE_STARTUP = 3
} rollout_probe_kind;

typedef enum {
    ROLLOUT_PROBE_HTTP_GET = 1,
    ROLLOUT_PROBE_TCP_SOCKET = 2,
    ROLLOUT_PROBE_EXEC = 3
} rollout_probe_action;

/* Options for a probe.  Initialise with ROLLOUT_PROBE_OPTIONS_INIT or
 * rollout_probe_options_init(); fields left 0 or NULL are not written. */
typedef struct {
    unsigned int version;
    rollout_probe_action action;
    const char *path;               /* HTTP_GET */
    int32_t port;                   /* HTTP_GET, TCP_SOCKET */
    const char *host;               /* HTTP_GET, TCP_SOCKET */
    const char *scheme;             /* HTTP_GET: "HTTP" or "HTTPS" */
    const char *const *command;     /* EXEC: COMMAND_LEN words */
    size_t command_len;
    int32_t initial_delay_seconds;
    int32_t period_seconds;
    int32_t timeout_seconds;
    int32_t success_threshold;
    int32_t failure_threshold;
} rollout_probe_options;

#define ROLLOUT_PROBE_OPTIONS_VERSION 1
#define ROLLOUT_PROBE_OPTIONS_INIT { ROLLOUT_PROBE_OPTIONS_VERSION, \
    ROLLOUT_PROBE_HTTP_GET, NULL, 0, NULL, NULL, NULL, 0, 0, 0, 0, 0, 0 }

ROLLOUT_EXTERN int rollout_probe_options_init(rollout_probe_options *opts,
                                              unsigned int version);

/* Sets (OPTS) or removes (NULL) the container's probe of KIND. */
ROLLOUT_EXTERN int rollout_spec_container_set_probe(
    rollout_spec *spec, size_t index, rollout_probe_kind kind,
    const rollout_probe_options *opts);

#ifdef __cplusplus
}
#endif

#endif /* ROLLOUT_SPEC_H */
