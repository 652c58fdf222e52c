/*
 * YAML in and out.  Reading turns libyaml's events into jansson values the
 * way Kubernetes reads manifests (YAML 1.1 scalars, as go-yaml v2 resolves
 * them, converted to JSON): multi-document streams, block and flow styles,
 * anchors and aliases resolved by copy, merge keys, with limits on depth,
 * string length and the size aliases expand to.  Writing emits JSON values
 * as block-style YAML, quoting every string that would read back as
 * something else.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "manifest.h"

/* A node under construction. */
typedef struct {
    json_t *value;       /* object or array */
    bool is_map;
    char *key;           /* a mapping's pending key, NULL when a key is due */
    bool key_merge;      /* the pending key is a merge key: a plain << */
    yaml_mark_t key_mark;
    yaml_mark_t start;   /* where the node starts, for messages about it */
    char *anchor;        /* the anchor of this node, recorded once complete */
    rollout__vec merges; /* mappings to merge (<<), applied at the end */
    size_t nodes;        /* nodes this subtree holds, itself included */
    size_t height;       /* levels of nesting this subtree holds, itself included */
} frame;

typedef struct {
    char *name;
    json_t *value;
    size_t nodes;
    size_t height;       /* 0 for a scalar */
} anchor;

typedef struct {
    yaml_parser_t parser;
    const char *buf;
    size_t len;
    const rollout__limits *limits;
    rollout_parse_error *err;
    const char *source;
    frame *stack;
    size_t depth, cap;
    anchor *anchors;
    size_t n_anchors, anchors_cap;
    size_t doc_nodes;    /* nodes of the current document, aliases expanded */
    bool merge_key;      /* the scalar being added is a plain << */
} loader;

static int fail_at(loader *l, const yaml_mark_t *m, const char *path,
                   const char *fmt, ...) ROLLOUT__PRINTF(4, 5);

static int fail_at(loader *l, const yaml_mark_t *m, const char *path,
                   const char *fmt, ...)
{
    va_list ap;
    char text[ROLLOUT_PARSE_TEXT_LENGTH];

    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    /* libyaml's index counts characters; the error's position is bytes */
    rollout__parse_error_set(l->err, l->source, m ? (int)m->line + 1 : 0,
                             m ? (int)m->column + 1 : 0,
                             m ? rollout__char_offset(l->buf, l->len, m->index) : 0,
                             path, text);
    return ROLLOUT_EPARSE;
}

/* Scalars: go-yaml v2's resolution of plain scalars. */

static bool is_one_of(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return true;
    return false;
}

static const char *const yaml_true[] = {"y", "Y", "yes", "Yes", "YES", "true",
                                        "True", "TRUE", "on", "On", "ON", NULL};
static const char *const yaml_false[] = {"n", "N", "no", "No", "NO", "false",
                                         "False", "FALSE", "off", "Off", "OFF",
                                         NULL};
static const char *const yaml_null[] = {"", "~", "null", "Null", "NULL", NULL};
static const char *const yaml_inf[] = {".inf", ".Inf", ".INF", "+.inf", "+.Inf",
                                       "+.INF", NULL};
static const char *const yaml_ninf[] = {"-.inf", "-.Inf", "-.INF", NULL};
static const char *const yaml_nan[] = {".nan", ".NaN", ".NAN", NULL};

/* An integer in YAML 1.1 syntax (decimal, 0x, 0b, leading 0 octal, '_'
 * separators).  False when it is not one, or does not fit int64. */
static bool parse_int(const char *s, json_int_t *out)
{
    const char *p = s;
    bool neg = false;
    unsigned long long v = 0, limit;
    int base = 10;
    bool digits = false;

    if (*p == '+' || *p == '-')
        neg = *p++ == '-';
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
    } else if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B')) {
        base = 2;
        p += 2;
    } else if (p[0] == '0' && p[1] != '\0') {
        base = 8;
        p++;
    }
    limit = neg ? (unsigned long long)LLONG_MAX + 1 : (unsigned long long)LLONG_MAX;
    for (; *p; p++) {
        int d;

        if (*p == '_')
            continue;
        if (*p >= '0' && *p <= '9')
            d = *p - '0';
        else if (*p >= 'a' && *p <= 'f')
            d = *p - 'a' + 10;
        else if (*p >= 'A' && *p <= 'F')
            d = *p - 'A' + 10;
        else
            return false;
        if (d >= base)
            return false;
        if (v > (limit - (unsigned long long)d) / (unsigned long long)base)
            return false;
        v = v * (unsigned long long)base + (unsigned long long)d;
        digits = true;
    }
    if (!digits)
        return false;
    *out = neg ? (json_int_t)(0 - v) : (json_int_t)v;
    return true;
}

static bool parse_float(const char *s, double *out)
{
    char buf[128], *end;
    size_t i, n = 0;
    bool digit = false;

    if (strlen(s) >= sizeof(buf))
        return false;
    for (i = 0; s[i]; i++) {
        char c = s[i];

        if (c == '_')
            continue;
        if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' ||
              c == '+' || c == '-'))
            return false;
        digit |= c >= '0' && c <= '9';
        buf[n++] = c;
    }
    buf[n] = '\0';
    if (!digit)
        return false;
    errno = 0;
    *out = strtod(buf, &end);
    return *end == '\0' && errno == 0;
}

static json_t *plain_scalar(const char *s)
{
    json_int_t i;
    double f;

    if (is_one_of(s, yaml_null))
        return json_null();
    if (is_one_of(s, yaml_true))
        return json_true();
    if (is_one_of(s, yaml_false))
        return json_false();
    if (parse_int(s, &i))
        return json_integer(i);
    if (is_one_of(s, yaml_inf) || is_one_of(s, yaml_ninf) || is_one_of(s, yaml_nan))
        return json_string(s); /* JSON has no such numbers */
    if (parse_float(s, &f))
        return json_real(f);
    return NULL; /* a string */
}

static json_t *scalar_value(loader *l, const yaml_event_t *ev, bool *too_long)
{
    const char *s = (const char *)ev->data.scalar.value;
    size_t len = ev->data.scalar.length;
    const char *tag = (const char *)ev->data.scalar.tag;
    json_t *v = NULL;

    *too_long = len > l->limits->max_string;
    if (*too_long)
        return NULL;
    if (memchr(s, '\0', len))
        return json_null(); /* refused by the caller */
    if (tag && strcmp(tag, YAML_STR_TAG) == 0)
        return json_stringn(s, len);
    if (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ||
        (tag && strcmp(tag, "!") != 0)) {
        if (strlen(s) == len)
            v = plain_scalar(s);
        if (v)
            return v;
    }
    return json_stringn(s, len);
}

/* A key as JSON needs it: strings as they are, other scalars as text. */
static char *key_text(const json_t *v)
{
    if (json_is_string(v))
        return rollout__strndup(json_string_value(v), json_string_length(v));
    if (json_is_integer(v))
        return rollout__sprintf("%" JSON_INTEGER_FORMAT, json_integer_value(v));
    if (json_is_real(v))
        return rollout__sprintf("%g", json_real_value(v));
    if (json_is_true(v))
        return rollout__strdup("true");
    if (json_is_false(v))
        return rollout__strdup("false");
    return rollout__strdup("null");
}

/* The stack of open nodes. */

static int push(loader *l, json_t *value, bool is_map, const char *anchor_name,
                const yaml_mark_t *m)
{
    frame *f;

    if (l->depth >= l->limits->max_depth) {
        json_decref(value);
        return fail_at(l, m, "", "nesting is too deep (more than %zu levels)",
                       l->limits->max_depth);
    }
    if (l->depth == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        frame *s = realloc(l->stack, cap * sizeof(*s));

        if (!s) {
            json_decref(value);
            return ROLLOUT_ENOMEM;
        }
        l->stack = s;
        l->cap = cap;
    }
    f = &l->stack[l->depth++];
    memset(f, 0, sizeof(*f));
    f->value = value;
    f->is_map = is_map;
    f->start = *m;
    f->nodes = 1;
    f->height = 1;
    if (anchor_name && !(f->anchor = rollout__strdup(anchor_name)))
        return ROLLOUT_ENOMEM;
    return ROLLOUT_OK;
}

static void frame_clear(frame *f)
{
    size_t i;

    json_decref(f->value);
    free(f->key);
    free(f->anchor);
    /* the mappings waiting to be merged hold references of their own */
    for (i = 0; i < f->merges.len; i++)
        json_decref(f->merges.items[i]);
    rollout__vec_free(&f->merges);
}

static int remember_anchor(loader *l, const char *name, json_t *value, size_t nodes,
                           size_t height)
{
    size_t i;

    for (i = 0; i < l->n_anchors; i++)
        if (strcmp(l->anchors[i].name, name) == 0) {
            /* a later anchor of the same name replaces the earlier one */
            json_decref(l->anchors[i].value);
            l->anchors[i].value = json_incref(value);
            l->anchors[i].nodes = nodes;
            l->anchors[i].height = height;
            return ROLLOUT_OK;
        }
    if (l->n_anchors == l->anchors_cap) {
        size_t cap = l->anchors_cap ? l->anchors_cap * 2 : 8;
        anchor *a = realloc(l->anchors, cap * sizeof(*a));

        if (!a)
            return ROLLOUT_ENOMEM;
        l->anchors = a;
        l->anchors_cap = cap;
    }
    l->anchors[l->n_anchors].name = rollout__strdup(name);
    if (!l->anchors[l->n_anchors].name)
        return ROLLOUT_ENOMEM;
    l->anchors[l->n_anchors].value = json_incref(value);
    l->anchors[l->n_anchors].nodes = nodes;
    l->anchors[l->n_anchors].height = height;
    l->n_anchors++;
    return ROLLOUT_OK;
}

static void forget_anchors(loader *l)
{
    size_t i;

    for (i = 0; i < l->n_anchors; i++) {
        free(l->anchors[i].name);
        json_decref(l->anchors[i].value);
    }
    l->n_anchors = 0;
}

/* Adds a complete node to the node under construction, or makes it the
 * document (*DOC).  Takes VALUE. */
static int add_value(loader *l, json_t *value, size_t nodes, size_t height,
                     const yaml_mark_t *m, json_t **doc)
{
    frame *f;
    int rc = ROLLOUT_OK;

    if (l->depth == 0) {
        *doc = value;
        return ROLLOUT_OK;
    }
    f = &l->stack[l->depth - 1];
    f->nodes += nodes;
    if (f->height < height + 1)
        f->height = height + 1;
    if (!f->is_map) {
        if (json_array_append_new(f->value, value) < 0)
            return ROLLOUT_ENOMEM;
        return ROLLOUT_OK;
    }
    if (!f->key) {
        /* a key: scalars only */
        if (json_is_object(value) || json_is_array(value)) {
            json_decref(value);
            return fail_at(l, m, "", "a mapping key must be a scalar");
        }
        f->key = key_text(value);
        f->key_merge = l->merge_key;
        f->key_mark = *m;
        json_decref(value);
        return f->key ? ROLLOUT_OK : ROLLOUT_ENOMEM;
    }
    if (f->key_merge) {
        /* a merge: a mapping, or a sequence of mappings; anything else is
         * refused, as go-yaml refuses it */
        size_t i;
        json_t *x;

        if (json_is_object(value)) {
            rc = rollout__vec_push(&f->merges, value) ? ROLLOUT_OK : ROLLOUT_ENOMEM;
        } else if (json_is_array(value)) {
            json_array_foreach(value, i, x) {
                if (!json_is_object(x)) {
                    rc = fail_at(l, m, "", "map merge requires map or sequence of maps as the value");
                    break;
                }
                if (!rollout__vec_push(&f->merges, json_incref(x))) {
                    json_decref(x);
                    rc = ROLLOUT_ENOMEM;
                    break;
                }
            }
            json_decref(value);
        } else {
            json_decref(value);
            rc = fail_at(l, m, "", "map merge requires map or sequence of maps as the value");
        }
        free(f->key);
        f->key = NULL;
        return rc;
    }
    if (json_object_get(f->value, f->key)) {
        rc = fail_at(l, &f->key_mark, "", "key \"%s\" already set in map", f->key);
        json_decref(value);
    } else if (json_object_set_new(f->value, f->key, value) < 0) {
        rc = ROLLOUT_ENOMEM;
    }
    free(f->key);
    f->key = NULL;
    return rc;
}

/* Closes the node on top of the stack. */
static int pop(loader *l, json_t **doc)
{
    frame f = l->stack[--l->depth];
    size_t i;
    int rc = ROLLOUT_OK;

    /* merged keys come after the mapping's own, which win */
    for (i = 0; i < f.merges.len && rc == ROLLOUT_OK; i++) {
        const char *k;
        json_t *v;

        json_object_foreach((json_t *)f.merges.items[i], k, v)
            if (!json_object_get(f.value, k) && json_object_set(f.value, k, v) < 0)
                rc = ROLLOUT_ENOMEM;
    }
    for (i = 0; i < f.merges.len; i++)
        json_decref(f.merges.items[i]);
    rollout__vec_free(&f.merges);
    if (rc == ROLLOUT_OK && f.anchor)
        rc = remember_anchor(l, f.anchor, f.value, f.nodes, f.height);
    free(f.anchor);
    free(f.key);
    if (rc != ROLLOUT_OK) {
        json_decref(f.value);
        return rc;
    }
    return add_value(l, f.value, f.nodes, f.height, &f.start, doc);
}

static int count_node(loader *l, size_t nodes, const yaml_mark_t *m)
{
    l->doc_nodes += nodes;
    if (l->doc_nodes > l->limits->max_nodes)
        return fail_at(l, m, "", "the document is too large: it expands to more "
                       "than %zu values (aliases included)", l->limits->max_nodes);
    return ROLLOUT_OK;
}

static int on_event(loader *l, yaml_event_t *ev, json_t **doc)
{
    const yaml_mark_t *m = &ev->start_mark;
    json_t *v;
    int rc;

    /* a merge key is a plain (or !!merge) <<; a quoted one is a key */
    l->merge_key = ev->type == YAML_SCALAR_EVENT &&
                   strcmp((const char *)ev->data.scalar.value, "<<") == 0 &&
                   (ev->data.scalar.tag
                        ? strcmp((const char *)ev->data.scalar.tag,
                                 "tag:yaml.org,2002:merge") == 0
                        : ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE);

    switch (ev->type) {
    case YAML_SCALAR_EVENT: {
        bool too_long;

        if ((rc = count_node(l, 1, m)) != ROLLOUT_OK)
            return rc;
        v = scalar_value(l, ev, &too_long);
        if (too_long)
            return fail_at(l, m, "", "a string is too long (more than %zu bytes)",
                           l->limits->max_string);
        if (v && json_is_null(v) &&
            memchr(ev->data.scalar.value, '\0', ev->data.scalar.length))
            return fail_at(l, m, "", "a string holds a NUL character");
        if (!v)
            return ROLLOUT_ENOMEM;
        if (ev->data.scalar.anchor &&
            (rc = remember_anchor(l, (const char *)ev->data.scalar.anchor, v, 1, 0)) !=
                ROLLOUT_OK) {
            json_decref(v);
            return rc;
        }
        return add_value(l, v, 1, 0, m, doc);
    }
    case YAML_SEQUENCE_START_EVENT:
        if ((rc = count_node(l, 1, m)) != ROLLOUT_OK)
            return rc;
        v = json_array();
        return v ? push(l, v, false, (const char *)ev->data.sequence_start.anchor, m)
                 : ROLLOUT_ENOMEM;
    case YAML_MAPPING_START_EVENT:
        if ((rc = count_node(l, 1, m)) != ROLLOUT_OK)
            return rc;
        v = json_object();
        return v ? push(l, v, true, (const char *)ev->data.mapping_start.anchor, m)
                 : ROLLOUT_ENOMEM;
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        return pop(l, doc);
    case YAML_ALIAS_EVENT: {
        const char *name = (const char *)ev->data.alias.anchor;
        size_t i;

        for (i = 0; i < l->n_anchors; i++)
            if (strcmp(l->anchors[i].name, name) == 0)
                break;
        if (i == l->n_anchors)
            return fail_at(l, m, "", "unknown anchor '%s' referenced", name);
        /* counted before the copy, so a bomb stops at once */
        if ((rc = count_node(l, l->anchors[i].nodes, m)) != ROLLOUT_OK)
            return rc;
        /* an alias nests its anchor's levels where it stands */
        if (l->depth + l->anchors[i].height > l->limits->max_depth)
            return fail_at(l, m, "", "nesting is too deep (more than %zu levels)",
                           l->limits->max_depth);
        v = json_deep_copy(l->anchors[i].value);
        if (!v)
            return ROLLOUT_ENOMEM;
        return add_value(l, v, l->anchors[i].nodes, l->anchors[i].height, m, doc);
    }
    default:
        return ROLLOUT_OK;
    }
}

static int parser_error(loader *l)
{
    yaml_parser_t *p = &l->parser;
    const yaml_mark_t *m = p->problem_mark.line || p->problem_mark.column ||
                                   p->problem_mark.index
                               ? &p->problem_mark
                               : &p->context_mark;

    if (p->error == YAML_MEMORY_ERROR)
        return ROLLOUT_ENOMEM;
    if (p->error == YAML_READER_ERROR) {
        /* the reader reports a byte offset */
        int line, column;

        rollout__line_column(l->buf, l->len, p->problem_offset, &line, &column);
        rollout__parse_error_set(l->err, l->source, line, column,
                                 p->problem_offset, "",
                                 p->problem ? p->problem : "invalid input");
        return ROLLOUT_EPARSE;
    }
    if (p->context)
        return fail_at(l, m, "", "%s: %s", p->context,
                       p->problem ? p->problem : "syntax error");
    return fail_at(l, m, "", "%s", p->problem ? p->problem : "syntax error");
}

int rollout__yaml_load(rollout__vec *docs, const char *buf, size_t len,
                       const char *source, const rollout__limits *limits,
                       rollout_parse_error *err)
{
    loader l;
    yaml_event_t ev;
    json_t *doc = NULL;
    bool done = false;
    int rc = ROLLOUT_OK;

    memset(&l, 0, sizeof(l));
    l.buf = buf;
    l.len = len;
    l.limits = limits;
    l.err = err;
    l.source = source;
    if (!yaml_parser_initialize(&l.parser))
        return ROLLOUT_ENOMEM;
    yaml_parser_set_input_string(&l.parser, (const unsigned char *)buf, len);
    while (!done && rc == ROLLOUT_OK) {
        if (!yaml_parser_parse(&l.parser, &ev)) {
            rc = parser_error(&l);
            break;
        }
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            done = true;
            break;
        case YAML_DOCUMENT_START_EVENT:
            doc = NULL;
            l.doc_nodes = 0;
            break;
        case YAML_DOCUMENT_END_EVENT:
            /* an empty document (a lone '---') is no object, but keeps
             * its place: a document's index is its place in the stream */
            if (!doc)
                doc = json_null();
            if (!doc || !rollout__vec_push(docs, doc)) {
                json_decref(doc);
                rc = ROLLOUT_ENOMEM;
            }
            doc = NULL;
            forget_anchors(&l);
            break;
        default:
            rc = on_event(&l, &ev, &doc);
        }
        yaml_event_delete(&ev);
    }
    json_decref(doc);
    while (l.depth)
        frame_clear(&l.stack[--l.depth]);
    free(l.stack);
    forget_anchors(&l);
    free(l.anchors);
    yaml_parser_delete(&l.parser);
    return rc;
}

/* Writing. */

static int write_handler(void *data, unsigned char *buffer, size_t size)
{
    rollout__buf *b = data;

    rollout__buf_putn(b, (const char *)buffer, size);
    return !b->oom;
}

static int emit(yaml_emitter_t *em, yaml_event_t *ev, bool made)
{
    return made && yaml_emitter_emit(em, ev) ? 0 : -1;
}

static int emit_scalar(yaml_emitter_t *em, const char *text, size_t len,
                       yaml_scalar_style_t style)
{
    yaml_event_t ev;

    return emit(em, &ev,
                yaml_scalar_event_initialize(&ev, NULL, NULL,
                                             (yaml_char_t *)text, (int)len, 1, 1,
                                             style));
}

static bool digits(const char **p, int min, int max)
{
    int n = 0;

    while (n < max && **p >= '0' && **p <= '9') {
        (*p)++;
        n++;
    }
    return n >= min;
}

/* Plain text other YAML 1.1 readers take for a date or time (2001-12-14,
 * 2001-12-14T21:59:43Z) or for a sexagesimal number (1:20, 190:20:30.15):
 * written quoted, as kubectl writes it. */
static bool looks_like_time(const char *s)
{
    const char *p = s;

    if (digits(&p, 4, 4) && *p++ == '-' && digits(&p, 1, 2) && *p++ == '-' &&
        digits(&p, 1, 2))
        return true;
    p = s;
    if (*p == '+' || *p == '-')
        p++;
    if (!(*p >= '0' && *p <= '9'))
        return false;
    while ((*p >= '0' && *p <= '9') || *p == '_')
        p++;
    if (*p != ':')
        return false;
    while (*p == ':') {
        p++;
        if (*p >= '0' && *p <= '5' && p[1] >= '0' && p[1] <= '9')
            p += 2;
        else if (*p >= '0' && *p <= '9')
            p++;
        else
            return false;
    }
    if (*p == '.')
        for (p++; (*p >= '0' && *p <= '9') || *p == '_'; p++)
            ;
    return *p == '\0';
}

static int cmp_keys(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int emit_value(yaml_emitter_t *em, const json_t *v)
{
    yaml_event_t ev;
    char num[64];

    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        size_t n = json_object_size(v), i = 0;
        const char **keys = malloc((n ? n : 1) * sizeof(*keys));
        const char *k;
        json_t *x;
        int rc = 0;

        if (!keys)
            return -1;
        json_object_foreach((json_t *)v, k, x)
            keys[i++] = k;
        qsort(keys, n, sizeof(*keys), cmp_keys); /* as kubectl prints them */
        rc = emit(em, &ev, yaml_mapping_start_event_initialize(
                               &ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE));
        for (i = 0; i < n && rc == 0; i++) {
            json_t *key = json_string(keys[i]);

            rc = key ? emit_value(em, key) : -1;
            json_decref(key);
            if (rc == 0)
                rc = emit_value(em, json_object_get(v, keys[i]));
        }
        free(keys);
        return rc ? rc : emit(em, &ev, yaml_mapping_end_event_initialize(&ev));
    }
    case JSON_ARRAY: {
        size_t i;
        json_t *x;

        if (emit(em, &ev, yaml_sequence_start_event_initialize(
                              &ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE)))
            return -1;
        json_array_foreach(v, i, x)
            if (emit_value(em, x))
                return -1;
        return emit(em, &ev, yaml_sequence_end_event_initialize(&ev));
    }
    case JSON_STRING: {
        const char *s = json_string_value(v);
        size_t len = json_string_length(v);
        json_t *as_plain = strlen(s) == len ? plain_scalar(s) : NULL;
        yaml_scalar_style_t style = YAML_ANY_SCALAR_STYLE;

        /* a string that would read back as another type, or as a merge
         * key, is quoted */
        if (as_plain || len == 0 || is_one_of(s, yaml_inf) ||
            is_one_of(s, yaml_ninf) || is_one_of(s, yaml_nan) ||
            strcmp(s, "<<") == 0 || looks_like_time(s))
            style = YAML_DOUBLE_QUOTED_SCALAR_STYLE;
        json_decref(as_plain);
        return emit_scalar(em, s, len, style);
    }
    case JSON_INTEGER:
        snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        return emit_scalar(em, num, strlen(num), YAML_PLAIN_SCALAR_STYLE);
    case JSON_REAL:
        snprintf(num, sizeof(num), "%.17g", json_real_value(v));
        if (!strpbrk(num, ".eE"))
            strcat(num, ".0"); /* stays a number, not an integer */
        return emit_scalar(em, num, strlen(num), YAML_PLAIN_SCALAR_STYLE);
    case JSON_TRUE:
        return emit_scalar(em, "true", 4, YAML_PLAIN_SCALAR_STYLE);
    case JSON_FALSE:
        return emit_scalar(em, "false", 5, YAML_PLAIN_SCALAR_STYLE);
    case JSON_NULL:
        return emit_scalar(em, "null", 4, YAML_PLAIN_SCALAR_STYLE);
    }
    return -1;
}

char *rollout__yaml_dump(const json_t *value)
{
    yaml_emitter_t em;
    yaml_event_t ev;
    rollout__buf b = {0};
    int rc;

    if (!yaml_emitter_initialize(&em))
        return NULL;
    yaml_emitter_set_output(&em, write_handler, &b);
    yaml_emitter_set_unicode(&em, 1);
    yaml_emitter_set_width(&em, -1);
    rc = emit(&em, &ev, yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING));
    if (rc == 0)
        rc = emit(&em, &ev, yaml_document_start_event_initialize(&ev, NULL, NULL,
                                                                 NULL, 1));
    if (rc == 0)
        rc = emit_value(&em, value);
    if (rc == 0)
        rc = emit(&em, &ev, yaml_document_end_event_initialize(&ev, 1));
    if (rc == 0)
        rc = emit(&em, &ev, yaml_stream_end_event_initialize(&ev));
    yaml_emitter_delete(&em);
    if (rc != 0) {
        rollout__buf_free(&b);
        return NULL;
    }
    return rollout__buf_take(&b);
}
