/*
 * Small containers shared inside lib/: growable pointer vectors, a
 * string-keyed hash map, a timer heap, and a string buffer.
 */
#ifndef ROLLOUT_UTIL_H
#define ROLLOUT_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ROLLOUT__ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#if defined(__GNUC__)
#define ROLLOUT__PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define ROLLOUT__PRINTF(f, a)
#endif

char *rollout__strdup(const char *s);
char *rollout__strndup(const char *s, size_t n);
char *rollout__sprintf(const char *fmt, ...) ROLLOUT__PRINTF(1, 2);
char *rollout__vsprintf(const char *fmt, va_list ap) ROLLOUT__PRINTF(1, 0);
/* Replaces *DST by a copy of SRC (NULL clears); false on ENOMEM. */
bool rollout__set_str(char **dst, const char *src);
bool rollout__streq(const char *a, const char *b); /* NULL-safe */

/* Member KEY of the JSON object OBJ: the exact key first, then the first in
 * any case, as BCS reads its JSON; NULL when none or OBJ is no object. */
struct json_t;
struct json_t *rollout__json_get_ci(const struct json_t *obj, const char *key);

/* A growable array of pointers. */
typedef struct {
    void **items;
    size_t len;
    size_t cap;
} rollout__vec;

bool rollout__vec_push(rollout__vec *v, void *item);
bool rollout__vec_reserve(rollout__vec *v, size_t cap);
void rollout__vec_remove_at(rollout__vec *v, size_t index); /* keeps order */
void rollout__vec_free(rollout__vec *v);

/* A hash map from borrowed string keys to pointers.  The key must stay
 * valid (usually it lives in the value) until the entry is removed. */
typedef struct {
    uint32_t hash; /* 0: empty; 1: removed */
    const char *key;
    void *value;
} rollout__map_entry;

typedef struct {
    rollout__map_entry *entries;
    size_t cap;  /* power of two, or 0 */
    size_t len;  /* live entries */
    size_t used; /* live + removed */
} rollout__map;

uint32_t rollout__hash_str(const char *s);
void *rollout__map_get(const rollout__map *m, const char *key);
bool rollout__map_put(rollout__map *m, const char *key, void *value);
void *rollout__map_remove(rollout__map *m, const char *key);
void rollout__map_free(rollout__map *m);

/* A min-heap of timers ordered by (when, serial), so that ties always
 * break the same way, whatever the order of insertion. */
typedef struct {
    int64_t when;
    uint64_t serial;
    uint32_t heap_index; /* UINT32_MAX when not queued */
    uint32_t kind;       /* what owns the timer, for the owner's use */
} rollout__timer;

typedef struct {
    rollout__timer **items;
    size_t len;
    size_t cap;
} rollout__heap;

void rollout__timer_init(rollout__timer *t, uint64_t serial, uint32_t kind);
bool rollout__timer_queued(const rollout__timer *t);
/* Queues T at WHEN, or moves it there. */
bool rollout__heap_set(rollout__heap *h, rollout__timer *t, int64_t when);
void rollout__heap_cancel(rollout__heap *h, rollout__timer *t);
rollout__timer *rollout__heap_top(const rollout__heap *h);
void rollout__heap_free(rollout__heap *h);

/* A growable string. */
typedef struct {
    char *data;
    size_t len;
    size_t cap;
    bool oom;
} rollout__buf;

void rollout__buf_puts(rollout__buf *b, const char *s);
void rollout__buf_putn(rollout__buf *b, const char *s, size_t n);
void rollout__buf_printf(rollout__buf *b, const char *fmt, ...)
    ROLLOUT__PRINTF(2, 3);
/* Takes the string out of B (NULL on ENOMEM); B is left empty. */
char *rollout__buf_take(rollout__buf *b);
void rollout__buf_free(rollout__buf *b);

#endif /* ROLLOUT_UTIL_H */
