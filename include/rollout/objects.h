/*
 * librollout: reading deployments, revisions, replica sets and replicas.
 * Returned strings and handles are borrowed from the engine.
 */
#ifndef ROLLOUT_OBJECTS_H
#define ROLLOUT_OBJECTS_H

#include <rollout/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Deployments. */
ROLLOUT_EXTERN const char *rollout_deployment_namespace(
    const rollout_deployment *deployment);
ROLLOUT_EXTERN const char *rollout_deployment_name(
    const rollout_deployment *deployment);
ROLLOUT_EXTERN rollout_dialect rollout_deployment_dialect(
    const rollout_deployment *deployment);
ROLLOUT_EXTERN int64_t rollout_deployment_generation(
    const rollout_deployment *deployment);
ROLLOUT_EXTERN int64_t rollout_deployment_observed_generation(
    const rollout_deployment *deployment);
ROLLOUT_EXTERN int64_t rollout_deployment_created(
    const rollout_deployment *deployment);
/* The revision the deployment runs (its revision annotation), 0 if none. */
ROLLOUT_EXTERN int64_t rollout_deployment_revision(
    const rollout_deployment *deployment);
ROLLOUT_EXTERN int rollout_deployment_paused(
    const rollout_deployment *deployment);
ROLLOUT_EXTERN int rollout_deployment_deleting(
    const rollout_deployment *deployment);
/* Spec and status counts; -1 for a count the object does not have. */
ROLLOUT_EXTERN int32_t rollout_deployment_count(
    const rollout_deployment *deployment, rollout_count which);

/* Conditions ("Available", "Progressing"), in the order they were set.
 * Any output pointer may be NULL. */
ROLLOUT_EXTERN size_t rollout_deployment_condition_count(
    const rollout_deployment *deployment);
ROLLOUT_EXTERN int rollout_deployment_condition_at(
    const char **type, const char **status, const char **reason,
    const char **message, int64_t *last_update, int64_t *last_transition,
    const rollout_deployment *deployment, size_t index);
ROLLOUT_EXTERN int rollout_deployment_find_condition(
    size_t *index, const rollout_deployment *deployment, const char *type);

/* The rollout status line as kubectl prints it; *DONE is 1 when the
 * rollout is complete.  ROLLOUT_EDEADLINE with the error text in *MESSAGE
 * when it exceeded its progress deadline.  Free *MESSAGE with
 * rollout_free(). */
ROLLOUT_EXTERN int rollout_status_message(char **message, int *done,
                                          const rollout_deployment *deployment);

/* Revisions, by ascending number. */
ROLLOUT_EXTERN size_t rollout_deployment_revision_count(
    const rollout_deployment *deployment);
ROLLOUT_EXTERN rollout_revision *rollout_deployment_revision_at(
    const rollout_deployment *deployment, size_t index);
ROLLOUT_EXTERN int rollout_deployment_find_revision(
    rollout_revision **out, const rollout_deployment *deployment,
    int64_t number);

/* Replica sets, oldest first; the new one is the set whose template is the
 * deployment's (NULL before it exists). */
ROLLOUT_EXTERN size_t rollout_deployment_replica_set_count(
    const rollout_deployment *deployment);
ROLLOUT_EXTERN rollout_replica_set *rollout_deployment_replica_set_at(
    const rollout_deployment *deployment, size_t index);
ROLLOUT_EXTERN rollout_replica_set *rollout_deployment_new_replica_set(
    const rollout_deployment *deployment);

/* Revisions: number, pod-template-hash, change cause (NULL if none),
 * creation time, and the pod template as canonical JSON. */
ROLLOUT_EXTERN int64_t rollout_revision_number(const rollout_revision *revision);
ROLLOUT_EXTERN const char *rollout_revision_hash(
    const rollout_revision *revision);
ROLLOUT_EXTERN const char *rollout_revision_change_cause(
    const rollout_revision *revision);
ROLLOUT_EXTERN int64_t rollout_revision_created(
    const rollout_revision *revision);
ROLLOUT_EXTERN const char *rollout_revision_template(
    const rollout_revision *revision);
ROLLOUT_EXTERN rollout_replica_set *rollout_revision_replica_set(
    const rollout_revision *revision);

/* The template's containers; out-of-range positions give 0 or NULL. */
ROLLOUT_EXTERN size_t rollout_revision_container_count(
    const rollout_revision *revision);
ROLLOUT_EXTERN const char *rollout_revision_container_name(
    const rollout_revision *revision, size_t container);
ROLLOUT_EXTERN const char *rollout_revision_container_image(
    const rollout_revision *revision, size_t container);
ROLLOUT_EXTERN size_t rollout_revision_container_command_count(
    const rollout_revision *revision, size_t container);
ROLLOUT_EXTERN const char *rollout_revision_container_command(
    const rollout_revision *revision, size_t container, size_t index);
ROLLOUT_EXTERN size_t rollout_revision_container_arg_count(
    const rollout_revision *revision, size_t container);
ROLLOUT_EXTERN const char *rollout_revision_container_arg(
    const rollout_revision *revision, size_t container, size_t index);
ROLLOUT_EXTERN size_t rollout_revision_container_port_count(
    const rollout_revision *revision, size_t container);
ROLLOUT_EXTERN int32_t rollout_revision_container_port(
    const rollout_revision *revision, size_t container, size_t index);
ROLLOUT_EXTERN size_t rollout_revision_container_env_count(
    const rollout_revision *revision, size_t container);
/* The name of environment variable INDEX; *VALUE (may be NULL) its value. */
ROLLOUT_EXTERN const char *rollout_revision_container_env(
    const char **value, const rollout_revision *revision, size_t container,
    size_t index);

/* Replica sets. */
ROLLOUT_EXTERN const char *rollout_replica_set_name(
    const rollout_replica_set *replica_set);
ROLLOUT_EXTERN rollout_deployment *rollout_replica_set_deployment(
    const rollout_replica_set *replica_set);
ROLLOUT_EXTERN rollout_revision *rollout_replica_set_revision(
    const rollout_replica_set *replica_set);
ROLLOUT_EXTERN int64_t rollout_replica_set_created(
    const rollout_replica_set *replica_set);
ROLLOUT_EXTERN int32_t rollout_replica_set_count(
    const rollout_replica_set *replica_set, rollout_count which);
/* An annotation's value, NULL when absent. */
ROLLOUT_EXTERN const char *rollout_replica_set_annotation(
    const rollout_replica_set *replica_set, const char *key);
ROLLOUT_EXTERN size_t rollout_replica_set_annotation_count(
    const rollout_replica_set *replica_set);
/* The key of annotation INDEX (sorted by key); *VALUE (may be NULL). */
ROLLOUT_EXTERN const char *rollout_replica_set_annotation_at(
    const char **value, const rollout_replica_set *replica_set, size_t index);
/* Every replica object of the set, terminating ones included. */
ROLLOUT_EXTERN size_t rollout_replica_set_replica_count(
    const rollout_replica_set *replica_set);
ROLLOUT_EXTERN rollout_replica *rollout_replica_set_replica_at(
    const rollout_replica_set *replica_set, size_t index);

/* BCS: what a deployment of the BCS dialect holds; the status, message
 * and application getters give NULL for a Kubernetes one, and
 * rollout_replica_index -1.  A standalone application is held by a
 * deployment of kind ROLLOUT_KIND_APPLICATION. */
ROLLOUT_EXTERN rollout_kind rollout_deployment_kind(
    const rollout_deployment *deployment);
/* "Deploying", "Running", "Update", "UpdatePaused", "UpdateSuspend",
 * "Deleting". */
ROLLOUT_EXTERN const char *rollout_deployment_status_name(
    const rollout_deployment *deployment);
ROLLOUT_EXTERN const char *rollout_deployment_message(
    const rollout_deployment *deployment);
/* The bound application, and the one an update rolls to. */
ROLLOUT_EXTERN rollout_replica_set *rollout_deployment_application(
    const rollout_deployment *deployment);
ROLLOUT_EXTERN rollout_replica_set *rollout_deployment_application_ext(
    const rollout_deployment *deployment);
/* An application's status ("Running", "RollingUpdate", "Abnormal"...) and
 * message, as list -t app shows them. */
ROLLOUT_EXTERN const char *rollout_replica_set_status_name(
    const rollout_replica_set *replica_set);
ROLLOUT_EXTERN const char *rollout_replica_set_message(
    const rollout_replica_set *replica_set);
/* The placement constraint of a BCS deployment or application
 * (constraint.IntersectionItem[].unionData[]) as compact JSON; NULL when
 * it has none. */
ROLLOUT_EXTERN const char *rollout_deployment_constraint(
    const rollout_deployment *deployment);
/* A taskgroup's index in its application; -1 for a Kubernetes replica. */
ROLLOUT_EXTERN int64_t rollout_replica_index(const rollout_replica *replica);
/* A replica's status as its system shows it: BCS's taskgroup status
 * ("Staging", "Running", "Killing"...), or kubectl's STATUS column. */
ROLLOUT_EXTERN const char *rollout_replica_status_name(
    const rollout_replica *replica);

/* Replicas. */
ROLLOUT_EXTERN const char *rollout_replica_name(const rollout_replica *replica);
ROLLOUT_EXTERN rollout_phase rollout_replica_phase(
    const rollout_replica *replica);
/* Why it is pending or failed (a refusal, the host's reason); NULL if none. */
ROLLOUT_EXTERN const char *rollout_replica_reason(
    const rollout_replica *replica);
ROLLOUT_EXTERN const char *rollout_replica_node(const rollout_replica *replica);
ROLLOUT_EXTERN int64_t rollout_replica_created(const rollout_replica *replica);
/* When it last became ready; -1 when it is not ready. */
ROLLOUT_EXTERN int64_t rollout_replica_ready_since(
    const rollout_replica *replica);
/* 1 when it has been ready for minReadySeconds. */
ROLLOUT_EXTERN int rollout_replica_available(const rollout_replica *replica);
ROLLOUT_EXTERN rollout_replica_set *rollout_replica_replica_set(
    const rollout_replica *replica);
ROLLOUT_EXTERN rollout_revision *rollout_replica_revision(
    const rollout_replica *replica);
ROLLOUT_EXTERN rollout_deployment *rollout_replica_deployment(
    const rollout_replica *replica);
/* A pointer of the host's own, kept with the replica (not in snapshots). */
ROLLOUT_EXTERN void *rollout_replica_host_data(const rollout_replica *replica);
ROLLOUT_EXTERN void rollout_replica_bind_host_data(rollout_replica *replica,
                                                   void *data);

#ifdef __cplusplus
}
#endif

#endif /* ROLLOUT_OBJECTS_H */
