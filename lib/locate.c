/*
 * Where a field is: the line and column at which the value at a field path
 * starts in the text a spec was read from.  Only used when something is
 * wrong, so reading costs nothing on the way in: the text is scanned again
 * (JSON) or parsed again (YAML) only to find the field.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "manifest.h"

#define MAX_SEGMENTS 64

typedef struct {
    const char *name; /* NULL for an index */
    size_t len;
    long index;
} segment;

/* "a.b[2].c[x.y]" -> a, b, [2], c, x.y (a key in brackets) */
static size_t split_path(segment *seg, const char *path)
{
    size_t n = 0;
    const char *p = path;

    while (*p && n < MAX_SEGMENTS) {
        if (*p == '.') {
            p++;
            continue;
        }
        if (*p == '[') {
            const char *d = p + 1, *end;

            while (*d >= '0' && *d <= '9')
                d++;
            if (d > p + 1 && *d == ']') {
                seg[n].name = NULL;
                seg[n].len = 0;
                seg[n].index = strtol(p + 1, NULL, 10);
                n++;
                p = d + 1;
                continue;
            }
            /* a key: up to the ']' that ends the segment */
            for (end = strchr(p + 1, ']');
                 end && end[1] && end[1] != '.' && end[1] != '[';
                 end = strchr(end + 1, ']'))
                ;
            if (!end)
                break;
            seg[n].name = p + 1;
            seg[n].len = (size_t)(end - p - 1);
            seg[n].index = -1;
            n++;
            p = end + 1;
            continue;
        }
        seg[n].name = p;
        while (*p && *p != '.' && *p != '[')
            p++;
        seg[n].len = (size_t)(p - seg[n].name);
        seg[n].index = -1;
        n++;
    }
    return n;
}

static bool key_matches(const segment *s, const char *key, size_t len, bool ci)
{
    if (!s->name)
        return false;
    if (len == s->len && (ci ? strncasecmp(key, s->name, len) == 0
                             : memcmp(key, s->name, len) == 0))
        return true;
    /* upstream BCS spells maxUnavailable "maxUnavilable" on the wire */
    return ci && s->len == 14 && strncasecmp(s->name, "maxUnavailable", 14) == 0 &&
           len == 13 && strncasecmp(key, "maxUnavilable", 13) == 0;
}

/* A UTF-8 byte order mark: no character of the text. */
static size_t bom_length(const char *text, size_t len)
{
    return len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
}

size_t rollout__char_offset(const char *text, size_t len, size_t index)
{
    size_t i;

    for (i = bom_length(text, len); i < len; i++)
        if (((unsigned char)text[i] & 0xc0) != 0x80 && index-- == 0)
            return i;
    return len;
}

void rollout__line_column(const char *text, size_t len, size_t offset, int *line,
                          int *column)
{
    size_t i;
    int l = 1, c = 1;

    for (i = bom_length(text, len); i < offset && i < len; i++) {
        unsigned char ch = (unsigned char)text[i];

        if (ch == '\n') {
            l++;
            c = 1;
        } else if ((ch & 0xc0) != 0x80) {
            c++; /* characters, not bytes */
        }
    }
    *line = l;
    *column = c;
}

/* JSON. */

typedef struct {
    const char *s;
    size_t len, i;
} scan;

static void skip_ws(scan *sc)
{
    while (sc->i < sc->len && (sc->s[sc->i] == ' ' || sc->s[sc->i] == '\t' ||
                               sc->s[sc->i] == '\n' || sc->s[sc->i] == '\r'))
        sc->i++;
}

/* Past a string starting at sc->i (a '"'). */
static void skip_string(scan *sc)
{
    sc->i++;
    while (sc->i < sc->len && sc->s[sc->i] != '"') {
        if (sc->s[sc->i] == '\\')
            sc->i++;
        sc->i++;
    }
    sc->i++;
}

/* Past any value, without recursion. */
static void skip_value(scan *sc)
{
    size_t depth = 0;

    skip_ws(sc);
    do {
        if (sc->i >= sc->len)
            return;
        switch (sc->s[sc->i]) {
        case '"':
            skip_string(sc);
            break;
        case '{':
        case '[':
            depth++;
            sc->i++;
            break;
        case '}':
        case ']':
            depth--;
            sc->i++;
            break;
        default:
            if (depth == 0) {
                /* a number or a literal */
                while (sc->i < sc->len && !strchr(",}] \t\r\n", sc->s[sc->i]))
                    sc->i++;
            } else {
                sc->i++;
            }
        }
    } while (depth > 0);
}

/* Reads the string at sc->i into BUF (escapes for the usual characters
 * decoded; enough to compare field names). */
static size_t read_key(scan *sc, char *buf, size_t size)
{
    size_t n = 0;

    sc->i++;
    while (sc->i < sc->len && sc->s[sc->i] != '"') {
        char c = sc->s[sc->i++];

        if (c == '\\' && sc->i < sc->len) {
            c = sc->s[sc->i++];
            if (c == 'n')
                c = '\n';
            else if (c == 't')
                c = '\t';
        }
        if (n + 1 < size)
            buf[n++] = c;
    }
    sc->i++;
    buf[n] = '\0';
    return n;
}

static size_t locate_json(const rollout__source *src, size_t doc,
                          const segment *seg, size_t n, bool ci)
{
    scan sc = {src->text, src->len, bom_length(src->text, src->len)};
    size_t best, k, d;
    char key[256];

    for (k = 0; k < doc; k++)
        skip_value(&sc);
    skip_ws(&sc);
    best = sc.i;
    for (d = 0; d < n && sc.i < sc.len; d++) {
        bool found = false;

        if (sc.s[sc.i] == '{' && seg[d].name) {
            /* the exact key, as the decoder takes it, else the first that
             * matches in another case */
            size_t other = 0;

            sc.i++;
            for (;;) {
                size_t klen;

                skip_ws(&sc);
                if (sc.i >= sc.len || sc.s[sc.i] != '"')
                    break;
                klen = read_key(&sc, key, sizeof(key));
                skip_ws(&sc);
                if (sc.i < sc.len && sc.s[sc.i] == ':')
                    sc.i++;
                skip_ws(&sc);
                if (key_matches(&seg[d], key, klen, false)) {
                    found = true;
                    break;
                }
                if (!other && key_matches(&seg[d], key, klen, ci))
                    other = sc.i;
                skip_value(&sc);
                skip_ws(&sc);
                if (sc.i < sc.len && sc.s[sc.i] == ',')
                    sc.i++;
            }
            if (!found && other) {
                sc.i = other;
                found = true;
            }
        } else if (sc.s[sc.i] == '[' && !seg[d].name) {
            long i;

            sc.i++;
            for (i = 0;; i++) {
                skip_ws(&sc);
                if (sc.i >= sc.len || sc.s[sc.i] == ']')
                    break;
                if (i == seg[d].index) {
                    found = true;
                    break;
                }
                skip_value(&sc);
                skip_ws(&sc);
                if (sc.i < sc.len && sc.s[sc.i] == ',')
                    sc.i++;
            }
        }
        if (!found)
            break;
        best = sc.i;
    }
    return best;
}

/* YAML. */

typedef struct {
    bool is_map;
    bool want_key;     /* a mapping waits for a key */
    bool on_path;      /* this node lies on the path, at depth DEPTH */
    size_t depth;
    bool next_on_path; /* the value about to come continues the path */
    long index;        /* next sequence index */
} yframe;

static size_t locate_yaml(const rollout__source *src, size_t doc,
                          const segment *seg, size_t n, bool ci)
{
    yaml_parser_t p;
    yaml_event_t ev;
    yframe stack[MAX_SEGMENTS + 2];
    size_t depth = 0, docs = 0, best = 0, skip = 0;
    bool in_doc = false, done = false;

    if (!yaml_parser_initialize(&p))
        return 0;
    yaml_parser_set_input_string(&p, (const unsigned char *)src->text, src->len);
    while (!done && yaml_parser_parse(&p, &ev)) {
        bool node = ev.type == YAML_SCALAR_EVENT || ev.type == YAML_ALIAS_EVENT ||
                    ev.type == YAML_MAPPING_START_EVENT ||
                    ev.type == YAML_SEQUENCE_START_EVENT;

        if (ev.type == YAML_STREAM_END_EVENT)
            done = true;
        else if (ev.type == YAML_DOCUMENT_START_EVENT) {
            in_doc = docs++ == doc;
            depth = 0;
            skip = 0;
        } else if (ev.type == YAML_DOCUMENT_END_EVENT) {
            if (in_doc)
                done = true;
        } else if (in_doc && skip > 0) {
            /* inside a node off the path */
            if (ev.type == YAML_MAPPING_START_EVENT || ev.type == YAML_SEQUENCE_START_EVENT)
                skip++;
            else if (ev.type == YAML_MAPPING_END_EVENT || ev.type == YAML_SEQUENCE_END_EVENT)
                skip--;
        } else if (in_doc && node) {
            bool on = false;
            size_t d = 0;

            if (depth == 0) {
                on = true;
                best = ev.start_mark.index;
            } else {
                yframe *f = &stack[depth - 1];

                if (f->is_map && f->want_key) {
                    /* a key: does it continue the path? */
                    f->want_key = false;
                    f->next_on_path =
                        f->on_path && f->depth < n && ev.type == YAML_SCALAR_EVENT &&
                        key_matches(&seg[f->depth], (const char *)ev.data.scalar.value,
                                    ev.data.scalar.length, ci);
                    if (ev.type == YAML_MAPPING_START_EVENT ||
                        ev.type == YAML_SEQUENCE_START_EVENT)
                        skip = 1;
                    yaml_event_delete(&ev);
                    continue;
                }
                if (f->is_map) {
                    on = f->next_on_path;
                    f->want_key = true;
                } else {
                    on = f->on_path && f->depth < n && !seg[f->depth].name &&
                         seg[f->depth].index == f->index;
                    f->index++;
                }
                d = f->depth + 1;
                if (on)
                    best = ev.start_mark.index;
            }
            if (on && d == n)
                done = true;
            else if (ev.type == YAML_MAPPING_START_EVENT ||
                     ev.type == YAML_SEQUENCE_START_EVENT) {
                if (!on || depth >= MAX_SEGMENTS + 1) {
                    skip = 1;
                } else {
                    yframe *f = &stack[depth++];

                    f->is_map = ev.type == YAML_MAPPING_START_EVENT;
                    f->want_key = f->is_map;
                    f->on_path = true;
                    f->depth = d;
                    f->next_on_path = false;
                    f->index = 0;
                }
            }
        } else if (in_doc && (ev.type == YAML_MAPPING_END_EVENT ||
                              ev.type == YAML_SEQUENCE_END_EVENT)) {
            if (depth > 0)
                depth--;
            /* the path left this node without being found */
            if (depth == 0 || !stack[depth - 1].on_path)
                done = true;
            else
                done = true;
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&p);
    return best;
}

void rollout__locate(int *line, int *column, size_t *position,
                     const rollout__source *src, size_t doc, const char *path,
                     bool ci)
{
    segment seg[MAX_SEGMENTS];
    size_t n = split_path(seg, path ? path : ""), off;

    /* libyaml counts characters, not bytes */
    off = src->format == ROLLOUT__FORMAT_JSON
              ? locate_json(src, doc, seg, n, ci)
              : rollout__char_offset(src->text, src->len,
                                     locate_yaml(src, doc, seg, n, ci));
    *position = off;
    rollout__line_column(src->text, src->len, off, line, column);
}
