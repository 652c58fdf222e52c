/*
 * Manifests inside lib/: limits on untrusted input, the parse error, the
 * text a spec was read from (kept to point at fields in messages), the
 * YAML reader and writer, and the locator of field paths.
 */
#ifndef ROLLOUT_MANIFEST_INTERNAL_H
#define ROLLOUT_MANIFEST_INTERNAL_H

#include <stdatomic.h>

#include "model.h"

/* Limits on untrusted input. */
typedef struct {
    size_t max_input;   /* bytes of one input */
    size_t max_depth;   /* nested mappings and sequences */
    size_t max_string;  /* bytes of one string */
    size_t max_nodes;   /* values of one document, aliases expanded */
} rollout__limits;

extern const rollout__limits rollout__default_limits;

enum { ROLLOUT__FORMAT_JSON = 1, ROLLOUT__FORMAT_YAML = 2 };

/* The text specs were read from, shared by the specs of one input. */
typedef struct rollout__source {
    atomic_uint refs;     /* specs of one input live in any thread */
    int format;
    char *name;
    char *text;
    size_t len;
} rollout__source;

rollout__source *rollout__source_new(const char *name, const char *text,
                                     size_t len, int format);
rollout__source *rollout__source_ref(rollout__source *src);
void rollout__source_unref(rollout__source *src);

void rollout__parse_error_set(rollout_parse_error *err, const char *source,
                              int line, int column, size_t position,
                              const char *path, const char *text);
/* The byte offset of character INDEX of TEXT (as libyaml counts them:
 * after a byte order mark). */
size_t rollout__char_offset(const char *text, size_t len, size_t index);
/* Line and column (1-based, in characters; a byte order mark is none) of
 * byte OFFSET of TEXT. */
void rollout__line_column(const char *text, size_t len, size_t offset,
                          int *line, int *column);

/* Every document of a YAML stream, as JSON values, in DOCS; an empty
 * document is a JSON null, so that indexes are the stream's. */
int rollout__yaml_load(rollout__vec *docs, const char *buf, size_t len,
                       const char *source, const rollout__limits *limits,
                       rollout_parse_error *err);
/* A JSON value as block-style YAML (NULL on ENOMEM). */
char *rollout__yaml_dump(const json_t *value);

/* PATH and KEY as a field path, as Kubernetes writes it: "path.key", or
 * "path[key]" for a key holding '.', '[' or ']' ("metadata.labels[app.
 * kubernetes.io/name]"), so that the path reads back (as snprintf). */
int rollout__path_key(char *buf, size_t size, const char *path, const char *key);

/* Where the value at PATH ("spec.template.spec.containers[0].name") of
 * document DOC starts in SRC; the nearest enclosing value that exists when
 * it does not.  Keys compare case-insensitively when CI. */
void rollout__locate(int *line, int *column, size_t *position,
                     const rollout__source *src, size_t doc, const char *path,
                     bool ci);

/* Decoding one document: its place, where errors go, and whether keys
 * match case-insensitively (BCS, as Go's encoding/json reads them). */
typedef struct {
    rollout__source *src;
    size_t doc_index;
    const char *prefix;   /* "items[2]" inside a List, else "" */
    rollout_parse_error *err;
    const rollout__limits *limits;
    bool ci;              /* keys match case-insensitively (BCS) */
} decoder;


/* Helpers of the decoders.  Each fails with ROLLOUT_EPARSE and the error
 * located at PATH; an absent or null field is left alone. */
int rollout__dec_fail(decoder *dc, const char *path, const char *fmt, ...)
    ROLLOUT__PRINTF(3, 4);
int rollout__dec_bad_type(decoder *dc, const char *path, const json_t *v,
                          const char *expected);
json_t *rollout__dec_field(const decoder *dc, const json_t *obj, const char *key);
json_t *rollout__dec_present(const json_t *v);
int rollout__dec_check_int(decoder *dc, const char *path, const json_t *v,
                           int64_t lo, int64_t hi, const char *what,
                           int64_t *out);
int rollout__dec_get_object(decoder *dc, const json_t *obj, const char *key,
                            const char *path, json_t **out);
int rollout__dec_get_array(decoder *dc, const json_t *obj, const char *key,
                           const char *path, json_t **out);
int rollout__dec_get_string(decoder *dc, const json_t *obj, const char *key,
                            const char *path, const char **out);
int rollout__dec_get_int32(decoder *dc, const json_t *obj, const char *key,
                           const char *path, int32_t *out, bool *set);
int rollout__dec_get_bool(decoder *dc, const json_t *obj, const char *key,
                          const char *path, bool *out);
int rollout__dec_get_string_map(decoder *dc, const json_t *obj, const char *key,
                                const char *path, json_t **out);
int rollout__dec_get_intstr(decoder *dc, const json_t *obj, const char *key,
                            const char *path, rollout__intstr *out);
int rollout__dec_check_strings(decoder *dc, const json_t *obj, const char *path,
                               const char *const *names);
int rollout__dec_check_string_list(decoder *dc, const json_t *obj,
                                   const char *key, const char *path);
typedef int (*element_check)(decoder *dc, const json_t *x, const char *path);
int rollout__dec_check_list(decoder *dc, const json_t *obj, const char *key,
                            const char *path, element_check fn);

/* A refusal of spec S at PATH: "source:line:column: path: message" when S
 * was read from a manifest, else "path: message" (NULL on ENOMEM). */
char *rollout__spec_error(const struct rollout_spec *s, const char *path,
                          const char *message);

/* A BCS spec as its v4 JSON manifest (bcs_manifest.c). */
json_t *rollout__bcs_manifest(const struct rollout_spec *s);

/* A BCS v4 deployment or application (bcs_manifest.c). */
int rollout__decode_bcs(decoder *dc, const json_t *doc, struct rollout_spec **out);
/* Validation of BCS specs that needs no engine. */
int rollout__bcs_validate(const struct rollout_spec *spec, char **path,
                          char **message);

#endif
