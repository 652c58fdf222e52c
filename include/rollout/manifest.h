/*
 * librollout: manifests in and out.  Kubernetes apps/v1 Deployments in YAML
 * or JSON, BCS v4 deployments and applications in JSON.
 */
#ifndef ROLLOUT_MANIFEST_H
#define ROLLOUT_MANIFEST_H

#include <rollout/common.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ROLLOUT_PARSE_SOURCE_LENGTH 256
#define ROLLOUT_PARSE_PATH_LENGTH 256
#define ROLLOUT_PARSE_TEXT_LENGTH 512

/* Where and why a manifest was refused.  Owned by the caller, filled by
 * the parsing functions (like jansson's json_error_t). */
typedef struct {
    int line;        /* 1-based; 0 when unknown */
    int column;      /* 1-based, in characters */
    size_t position; /* byte offset in the input */
    char source[ROLLOUT_PARSE_SOURCE_LENGTH]; /* file name or given source */
    char path[ROLLOUT_PARSE_PATH_LENGTH];     /* field path; "" for syntax */
    char text[ROLLOUT_PARSE_TEXT_LENGTH];     /* the reason */
} rollout_parse_error;

/* The documents of one input. */
typedef struct rollout_manifest rollout_manifest;

typedef enum {
    ROLLOUT_FORMAT_JSON = 1,
    ROLLOUT_FORMAT_YAML = 2
} rollout_format;

/* Reads every document of BUF (LEN bytes) into specs.  SOURCE names the
 * input in messages (may be NULL).  DIALECT 0 takes each document's own;
 * otherwise a document of the other dialect is refused.  ERR (may be NULL)
 * says where and why on ROLLOUT_EPARSE. */
ROLLOUT_EXTERN int rollout_manifest_parse(rollout_manifest **out,
                                          const char *buf, size_t len,
                                          const char *source,
                                          rollout_dialect dialect,
                                          rollout_parse_error *err);
/* The same from the file at PATH, which names it in messages. */
ROLLOUT_EXTERN int rollout_manifest_parse_file(rollout_manifest **out,
                                               const char *path,
                                               rollout_dialect dialect,
                                               rollout_parse_error *err);
ROLLOUT_EXTERN void rollout_manifest_free(rollout_manifest *manifest);
ROLLOUT_EXTERN size_t rollout_manifest_count(const rollout_manifest *manifest);
/* Document INDEX, borrowed from the manifest. */
ROLLOUT_EXTERN rollout_spec *rollout_manifest_spec(
    const rollout_manifest *manifest, size_t index);

/* Reads a buffer that holds exactly one document into *OUT. */
ROLLOUT_EXTERN int rollout_spec_parse(rollout_spec **out, const char *buf,
                                      size_t len, const char *source,
                                      rollout_dialect dialect,
                                      rollout_parse_error *err);

/* The dialect of the first document of BUF. */
ROLLOUT_EXTERN int rollout_detect_dialect(rollout_dialect *out,
                                          const char *buf, size_t len);

/* "source:line:column: path: text" into BUF (as snprintf). */
ROLLOUT_EXTERN int rollout_parse_error_print(char *buf, size_t size,
                                             const rollout_parse_error *err);

ROLLOUT_EXTERN rollout_kind rollout_spec_kind(const rollout_spec *spec);

/* Writing, into *OUT (freed with rollout_free()). */
/* A spec as the manifest it stands for. */
ROLLOUT_EXTERN int rollout_spec_write(char **out, const rollout_spec *spec,
                                      rollout_format format);
/* A deployment with its status, as kubectl get -o json|yaml prints it (a
 * BCS deployment: its v4 JSON). */
ROLLOUT_EXTERN int rollout_deployment_write(char **out,
                                            const rollout_deployment *deployment,
                                            rollout_format format);
/* BCS: the deployment record as bcs-client inspect prints it. */
ROLLOUT_EXTERN int rollout_deployment_write_record(
    char **out, const rollout_deployment *deployment);
/* A replica set as kubectl get rs -o json|yaml prints it. */
ROLLOUT_EXTERN int rollout_replica_set_write(char **out,
                                             const rollout_replica_set *replica_set,
                                             rollout_format format);

#ifdef __cplusplus
}
#endif

#endif /* ROLLOUT_MANIFEST_H */
