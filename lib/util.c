/*
 * Small containers shared inside lib/.
 */
#include "util.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

char *rollout__strdup(const char *s)
{
    return s ? rollout__strndup(s, strlen(s)) : NULL;
}

char *rollout__strndup(const char *s, size_t n)
{
    char *p = malloc(n + 1);

    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *rollout__vsprintf(const char *fmt, va_list ap)
{
    va_list again;
    char *s;
    int n;

    va_copy(again, ap);
    n = vsnprintf(NULL, 0, fmt, ap);
    s = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (s)
        vsnprintf(s, (size_t)n + 1, fmt, again);
    va_end(again);
    return s;
}

char *rollout__sprintf(const char *fmt, ...)
{
    va_list ap;
    char *s;

    va_start(ap, fmt);
    s = rollout__vsprintf(fmt, ap);
    va_end(ap);
    return s;
}

bool rollout__set_str(char **dst, const char *src)
{
    char *copy = NULL;

    if (src) {
        copy = rollout__strdup(src);
        if (!copy)
            return false;
    }
    free(*dst);
    *dst = copy;
    return true;
}

bool rollout__streq(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

json_t *rollout__json_get_ci(const json_t *obj, const char *key)
{
    const char *k;
    json_t *v;

    if (!json_is_object(obj))
        return NULL;
    if ((v = json_object_get(obj, key)))
        return v;
    json_object_foreach((json_t *)obj, k, v)
        if (strcasecmp(k, key) == 0)
            return v;
    return NULL;
}

/* Vectors. */

bool rollout__vec_reserve(rollout__vec *v, size_t cap)
{
    void **items;

    if (cap <= v->cap)
        return true;
    if (cap > SIZE_MAX / sizeof(void *))
        return false;
    items = realloc(v->items, cap * sizeof(void *));
    if (!items)
        return false;
    v->items = items;
    v->cap = cap;
    return true;
}

bool rollout__vec_push(rollout__vec *v, void *item)
{
    if (v->len == v->cap && !rollout__vec_reserve(v, v->cap ? v->cap * 2 : 4))
        return false;
    v->items[v->len++] = item;
    return true;
}

void rollout__vec_remove_at(rollout__vec *v, size_t index)
{
    if (index >= v->len)
        return;
    memmove(v->items + index, v->items + index + 1,
            (v->len - index - 1) * sizeof(void *));
    v->len--;
}

void rollout__vec_free(rollout__vec *v)
{
    free(v->items);
    v->items = NULL;
    v->len = v->cap = 0;
}

/* The map: open addressing with linear probing.  Hash values 0 and 1 mark
 * empty and removed slots, so real hashes are kept at 2 or above. */

#define MAP_EMPTY 0u
#define MAP_REMOVED 1u

uint32_t rollout__hash_str(const char *s)
{
    /* FNV-1a, 32 bits */
    uint32_t h = 2166136261u;

    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 16777619u;
    }
    return h;
}

static uint32_t map_hash(const char *key)
{
    uint32_t h = rollout__hash_str(key);

    return h < 2 ? h + 2 : h;
}

static rollout__map_entry *map_find(const rollout__map *m, const char *key,
                                    uint32_t h)
{
    size_t mask, i;

    if (!m->cap)
        return NULL;
    mask = m->cap - 1;
    for (i = h & mask;; i = (i + 1) & mask) {
        rollout__map_entry *e = &m->entries[i];

        if (e->hash == MAP_EMPTY)
            return NULL;
        if (e->hash == h && strcmp(e->key, key) == 0)
            return e;
    }
}

void *rollout__map_get(const rollout__map *m, const char *key)
{
    rollout__map_entry *e = map_find(m, key, map_hash(key));

    return e ? e->value : NULL;
}

static bool map_resize(rollout__map *m, size_t cap)
{
    rollout__map_entry *old = m->entries;
    size_t old_cap = m->cap, i;
    rollout__map_entry *entries = calloc(cap, sizeof(*entries));

    if (!entries)
        return false;
    m->entries = entries;
    m->cap = cap;
    m->used = m->len;
    for (i = 0; i < old_cap; i++) {
        size_t j;

        if (old[i].hash < 2)
            continue;
        for (j = old[i].hash & (cap - 1); entries[j].hash != MAP_EMPTY;
             j = (j + 1) & (cap - 1))
            ;
        entries[j] = old[i];
    }
    free(old);
    return true;
}

bool rollout__map_put(rollout__map *m, const char *key, void *value)
{
    uint32_t h = map_hash(key);
    rollout__map_entry *e = map_find(m, key, h);
    size_t mask, i;

    if (e) {
        e->key = key;
        e->value = value;
        return true;
    }
    /* keep the load (live and removed) under 3/4 */
    if ((m->used + 1) * 4 > m->cap * 3) {
        size_t cap = m->cap ? m->cap : 8;

        while ((m->len + 1) * 2 > cap)
            cap *= 2;
        if (!map_resize(m, cap))
            return false;
    }
    mask = m->cap - 1;
    for (i = h & mask; m->entries[i].hash >= 2; i = (i + 1) & mask)
        ;
    if (m->entries[i].hash == MAP_EMPTY)
        m->used++;
    m->entries[i].hash = h;
    m->entries[i].key = key;
    m->entries[i].value = value;
    m->len++;
    return true;
}

void *rollout__map_remove(rollout__map *m, const char *key)
{
    rollout__map_entry *e = map_find(m, key, map_hash(key));
    void *value;

    if (!e)
        return NULL;
    value = e->value;
    e->hash = MAP_REMOVED;
    e->key = NULL;
    e->value = NULL;
    m->len--;
    if (m->len == 0) {
        /* nothing live: start afresh rather than keep the tombstones */
        memset(m->entries, 0, m->cap * sizeof(*m->entries));
        m->used = 0;
    }
    return value;
}

void rollout__map_free(rollout__map *m)
{
    free(m->entries);
    m->entries = NULL;
    m->cap = m->len = m->used = 0;
}

/* The timer heap. */

#define NOT_QUEUED UINT32_MAX

void rollout__timer_init(rollout__timer *t, uint64_t serial, uint32_t kind)
{
    t->when = 0;
    t->serial = serial;
    t->heap_index = NOT_QUEUED;
    t->kind = kind;
}

bool rollout__timer_queued(const rollout__timer *t)
{
    return t->heap_index != NOT_QUEUED;
}

static bool timer_before(const rollout__timer *a, const rollout__timer *b)
{
    if (a->when != b->when)
        return a->when < b->when;
    return a->serial < b->serial;
}

static void heap_place(rollout__heap *h, size_t i, rollout__timer *t)
{
    h->items[i] = t;
    t->heap_index = (uint32_t)i;
}

static void heap_up(rollout__heap *h, size_t i)
{
    rollout__timer *t = h->items[i];

    while (i > 0) {
        size_t parent = (i - 1) / 2;

        if (!timer_before(t, h->items[parent]))
            break;
        heap_place(h, i, h->items[parent]);
        i = parent;
    }
    heap_place(h, i, t);
}

static void heap_down(rollout__heap *h, size_t i)
{
    rollout__timer *t = h->items[i];

    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        rollout__timer *best = t;

        if (l < h->len && timer_before(h->items[l], best)) {
            m = l;
            best = h->items[l];
        }
        if (r < h->len && timer_before(h->items[r], best))
            m = r;
        if (m == i)
            break;
        heap_place(h, i, h->items[m]);
        i = m;
    }
    heap_place(h, i, t);
}

bool rollout__heap_set(rollout__heap *h, rollout__timer *t, int64_t when)
{
    if (rollout__timer_queued(t)) {
        int64_t old = t->when;

        t->when = when;
        if (when < old)
            heap_up(h, t->heap_index);
        else
            heap_down(h, t->heap_index);
        return true;
    }
    if (h->len >= NOT_QUEUED - 1)
        return false;
    if (h->len == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 16;
        rollout__timer **items = realloc(h->items, cap * sizeof(*items));

        if (!items)
            return false;
        h->items = items;
        h->cap = cap;
    }
    t->when = when;
    h->items[h->len] = t;
    t->heap_index = (uint32_t)h->len++;
    heap_up(h, t->heap_index);
    return true;
}

void rollout__heap_cancel(rollout__heap *h, rollout__timer *t)
{
    size_t i = t->heap_index;
    rollout__timer *last;

    if (t->heap_index == NOT_QUEUED)
        return;
    t->heap_index = NOT_QUEUED;
    last = h->items[--h->len];
    if (i == h->len)
        return;
    heap_place(h, i, last);
    if (i > 0 && timer_before(last, h->items[(i - 1) / 2]))
        heap_up(h, i);
    else
        heap_down(h, i);
}

rollout__timer *rollout__heap_top(const rollout__heap *h)
{
    return h->len ? h->items[0] : NULL;
}

void rollout__heap_free(rollout__heap *h)
{
    free(h->items);
    h->items = NULL;
    h->len = h->cap = 0;
}

/* Buffers. */

static bool buf_grow(rollout__buf *b, size_t extra)
{
    size_t need, cap;
    char *data;

    if (b->oom)
        return false;
    need = b->len + extra + 1;
    if (need <= b->cap)
        return true;
    cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    data = realloc(b->data, cap);
    if (!data) {
        b->oom = true;
        return false;
    }
    b->data = data;
    b->cap = cap;
    return true;
}

void rollout__buf_putn(rollout__buf *b, const char *s, size_t n)
{
    if (!buf_grow(b, n))
        return;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void rollout__buf_puts(rollout__buf *b, const char *s)
{
    rollout__buf_putn(b, s, strlen(s));
}

void rollout__buf_printf(rollout__buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->oom = true;
        return;
    }
    if (!buf_grow(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

char *rollout__buf_take(rollout__buf *b)
{
    char *s = b->oom ? NULL : b->data;

    if (b->oom)
        free(b->data);
    else if (!s)
        s = rollout__strdup("");
    b->data = NULL;
    b->len = b->cap = 0;
    b->oom = false;
    return s;
}

void rollout__buf_free(rollout__buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->oom = false;
}
