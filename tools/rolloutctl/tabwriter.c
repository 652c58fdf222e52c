/*
 * Go's text/tabwriter, as kubectl aligns its tables (get) and its
 * descriptions (describe): text is gathered, cut into lines and
 * tab-terminated cells, and each column of a block of consecutive lines
 * that have a cell in it is padded to its widest cell plus the padding.
 * The text after a line's last tab belongs to no column.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kubectl.h"

#define TAB_DEPTH 64

struct ctl_tab {
    int minwidth, padding;
    char *buf;
    size_t len, cap;
    bool oom;
};

typedef struct {
    const char *text;
    size_t size;
    int width; /* in characters */
} cell;

typedef struct {
    cell *cells;
    size_t n;
    bool newline; /* ended by a newline */
} line;

typedef struct {
    const ctl_tab *t;
    line *lines;
    size_t n;
    int widths[TAB_DEPTH];
    size_t depth;
    FILE *out;
} formatter;

ctl_tab *ctl_tab_new(int minwidth, int padding)
{
    ctl_tab *t = calloc(1, sizeof(*t));

    if (t) {
        t->minwidth = minwidth;
        t->padding = padding;
    }
    return t;
}

void ctl_tab_free(ctl_tab *t)
{
    if (t) {
        free(t->buf);
        free(t);
    }
}

void ctl_tab_printf(ctl_tab *t, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (!t || t->oom)
        return;
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if (t->len + (size_t)n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 1024;
        char *p;

        while (cap < t->len + (size_t)n + 1)
            cap *= 2;
        if (!(p = realloc(t->buf, cap))) {
            t->oom = true;
            return;
        }
        t->buf = p;
        t->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(t->buf + t->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    t->len += (size_t)n;
}

/* Characters, as Go counts runes of UTF-8 text. */
static int text_width(const char *s, size_t n)
{
    int w = 0;
    size_t i;

    for (i = 0; i < n; i++)
        w += ((unsigned char)s[i] & 0xC0) != 0x80;
    return w;
}

static void pad(FILE *out, int n)
{
    while (n-- > 0)
        fputc(' ', out);
}

static void write_lines(formatter *f, size_t line0, size_t line1)
{
    size_t i, j;

    for (i = line0; i < line1; i++) {
        const line *l = &f->lines[i];

        for (j = 0; j < l->n; j++) {
            fwrite(l->cells[j].text, 1, l->cells[j].size, f->out);
            if (j < f->depth)
                pad(f->out, f->widths[j] - l->cells[j].width);
        }
        if (l->newline)
            fputc('\n', f->out);
    }
}

/* tabwriter.(*Writer).format: the lines LINE0..LINE1 with the widths of
 * the columns left of column DEPTH known. */
static void format(formatter *f, size_t line0, size_t line1)
{
    size_t column = f->depth, this;

    for (this = line0; this < line1; this++) {
        int width;

        if (column + 1 >= f->lines[this].n)
            continue;
        /* a block of lines with a cell in this column begins */
        write_lines(f, line0, this);
        line0 = this;
        width = f->t->minwidth;
        for (; this < line1; this++) {
            const line *l = &f->lines[this];
            int w;

            if (column + 1 >= l->n)
                break;
            w = l->cells[column].width + f->t->padding;
            if (w > width)
                width = w;
        }
        if (f->depth < TAB_DEPTH) {
            f->widths[f->depth++] = width;
            format(f, line0, this);
            f->depth--;
        } else {
            write_lines(f, line0, this);
        }
        line0 = this;
        if (this == line1)
            return;
    }
    write_lines(f, line0, line1);
}

void ctl_tab_flush(ctl_tab *t, FILE *out)
{
    formatter f;
    size_t n_lines = 0, n_cells = 0;
    cell *all, *cells;
    const char *p, *end;

    if (!t)
        return;
    if (t->oom) {
        fputs("error: out of memory\n", stderr);
        t->len = 0;
        t->oom = false;
        return;
    }
    end = t->buf + t->len;
    for (p = t->buf; p < end; p++) {
        n_lines += *p == '\n';
        n_cells += *p == '\t' || *p == '\n';
    }
    n_lines++;
    n_cells++;
    memset(&f, 0, sizeof(f));
    f.t = t;
    f.out = out;
    f.lines = calloc(n_lines, sizeof(*f.lines));
    all = cells = calloc(n_cells, sizeof(*cells));
    if (!f.lines || !all) {
        free(f.lines);
        free(all);
        fputs("error: out of memory\n", stderr);
        return;
    }
    p = t->buf;
    while (p < end) {
        line *l = &f.lines[f.n++];

        l->cells = cells;
        for (;;) {
            const char *q = p;

            while (q < end && *q != '\t' && *q != '\n')
                q++;
            cells->text = p;
            cells->size = (size_t)(q - p);
            cells->width = text_width(p, cells->size);
            cells++;
            l->n++;
            p = q + (q < end);
            if (q == end || *q == '\n') {
                l->newline = q < end;
                break;
            }
        }
    }
    format(&f, 0, f.n);
    free(all);
    free(f.lines);
    t->len = 0;
}

void ctl_tab_write_raw(ctl_tab *t, FILE *out)
{
    if (!t)
        return;
    if (t->oom)
        fputs("error: out of memory\n", stderr);
    else
        fwrite(t->buf ? t->buf : "", 1, t->len, out);
    t->len = 0;
    t->oom = false;
}
