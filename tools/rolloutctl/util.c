/*
 * What every verb needs: messages, durations and times as the reference
 * tools print them, options, manifests.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rolloutctl.h"

void ctl_err(const char *prefix, const char *fmt, ...)
{
    va_list ap;

    fputs(prefix ? prefix : "", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

bool ctl_parse_int(const char *text, long long min, long long max, long long *out)
{
    char *end;
    long long v;

    if (!text || !*text)
        return false;
    errno = 0;
    v = strtoll(text, &end, 10);
    if (errno || *end || v < min || v > max)
        return false;
    *out = v;
    return true;
}

/* Go's time.ParseDuration, in milliseconds: a sequence of decimal numbers
 * with units h, m, s, ms; a bare number is seconds. */
bool ctl_parse_duration(const char *text, int64_t *ms)
{
    const char *p = text;
    double total = 0;

    if (!p || !*p)
        return false;
    while (*p) {
        char *end;
        double v, unit;

        errno = 0;
        if (!((*p >= '0' && *p <= '9') || *p == '.'))
            return false;
        v = strtod(p, &end);
        if (errno || end == p || v < 0)
            return false;
        p = end;
        if (strncmp(p, "ms", 2) == 0) {
            unit = 1;
            p += 2;
        } else if (*p == 'h') {
            unit = 3600000;
            p++;
        } else if (*p == 'm') {
            unit = 60000;
            p++;
        } else if (*p == 's') {
            unit = 1000;
            p++;
        } else if (*p == '\0' && p == end && total == 0) {
            unit = 1000; /* a bare number: seconds */
        } else {
            return false;
        }
        total += v * unit;
        if (total > 1e15)
            return false;
    }
    *ms = (int64_t)(total + 0.5);
    return true;
}

/* k8s.io/apimachinery duration.HumanDuration, as kubectl prints ages. */
void ctl_format_age(char *buf, size_t size, int64_t ms)
{
    int64_t s = ms / 1000, m, h, d, y;

    if (ms < 0)
        s = 0;
    if (s < 120) {
        snprintf(buf, size, "%llds", (long long)s);
        return;
    }
    m = s / 60;
    if (m < 10) {
        if (s % 60)
            snprintf(buf, size, "%lldm%llds", (long long)m, (long long)(s % 60));
        else
            snprintf(buf, size, "%lldm", (long long)m);
        return;
    }
    if (m < 180) {
        snprintf(buf, size, "%lldm", (long long)m);
        return;
    }
    h = s / 3600;
    if (h < 8) {
        if (m % 60)
            snprintf(buf, size, "%lldh%lldm", (long long)h, (long long)(m % 60));
        else
            snprintf(buf, size, "%lldh", (long long)h);
        return;
    }
    if (h < 48) {
        snprintf(buf, size, "%lldh", (long long)h);
        return;
    }
    if (h < 192) {
        d = h / 24;
        if (h % 24)
            snprintf(buf, size, "%lldd%lldh", (long long)d, (long long)(h % 24));
        else
            snprintf(buf, size, "%lldd", (long long)d);
        return;
    }
    d = h / 24;
    if (h < 24 * 365 * 2) {
        snprintf(buf, size, "%lldd", (long long)d);
        return;
    }
    y = d / 365;
    if (h < 24 * 365 * 8) {
        if (d % 365)
            snprintf(buf, size, "%lldy%lldd", (long long)y, (long long)(d % 365));
        else
            snprintf(buf, size, "%lldy", (long long)y);
        return;
    }
    snprintf(buf, size, "%lldy", (long long)y);
}

/* Go's Duration.String() for whole milliseconds, as messages print them. */
void ctl_format_duration(char *buf, size_t size, int64_t ms)
{
    int64_t h = ms / 3600000, m = ms / 60000 % 60, s = ms / 1000 % 60, r = ms % 1000;
    char sec[32];

    if (ms < 1000) {
        snprintf(buf, size, ms ? "%lldms" : "0s", (long long)ms);
        return;
    }
    if (r)
        snprintf(sec, sizeof(sec), "%lld.%03lld", (long long)s, (long long)r);
    else
        snprintf(sec, sizeof(sec), "%lld", (long long)s);
    /* trailing zeros of the fraction go */
    if (r) {
        size_t n = strlen(sec);

        while (sec[n - 1] == '0')
            sec[--n] = '\0';
    }
    if (h)
        snprintf(buf, size, "%lldh%lldm%ss", (long long)h, (long long)m, sec);
    else if (m)
        snprintf(buf, size, "%lldm%ss", (long long)m, sec);
    else
        snprintf(buf, size, "%ss", sec);
}

void ctl_format_time(char *buf, size_t size, int64_t ms)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    char zone[16], off[8];

    localtime_r(&t, &tm);
    strftime(off, sizeof(off), "%z", &tm);
    strftime(zone, sizeof(zone), "%Z", &tm);
    /* Go prints the offset again when the zone has no abbreviation */
    if (!zone[0] || zone[0] == '+' || zone[0] == '-')
        snprintf(zone, sizeof(zone), "%s", off);
    snprintf(buf, size, "%04d-%02d-%02d %02d:%02d:%02d %s %s", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, off, zone);
}

void ctl_format_rfc3339(char *buf, size_t size, int64_t ms)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

const char *ctl_option(const char *name, int argc, char **argv, int *i)
{
    size_t n = strlen(name);
    const char *a = argv[*i];

    if (strncmp(a, name, n) != 0)
        return NULL;
    if (a[n] == '=')
        return a + n + 1;
    if (a[n] != '\0')
        return NULL;
    if (*i + 1 >= argc)
        return ""; /* present without a value: the caller says so */
    return argv[++*i];
}

bool ctl_wants_help(int argc, char **argv)
{
    int i;

    for (i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return true;
    return false;
}

void ctl_print_help(const ctl_verb *verb)
{
    printf("%s\n\n%s", verb->summary, verb->help);
}

int ctl_read_manifest(rollout_manifest **out, const char *path, rollout_dialect dialect,
                      const char *prefix)
{
    rollout_parse_error err;
    char msg[1024];
    int rc;

    *out = NULL;
    if (strcmp(path, "-") == 0) {
        char *buf = NULL;
        size_t len = 0, cap = 0, got;

        do {
            if (len == cap) {
                char *p = realloc(buf, cap = cap ? cap * 2 : 65536);

                if (!p) {
                    free(buf);
                    ctl_err(prefix, "out of memory");
                    return CTL_FAIL;
                }
                buf = p;
            }
            got = fread(buf + len, 1, cap - len, stdin);
            len += got;
        } while (got > 0);
        rc = rollout_manifest_parse(out, buf, len, "<stdin>", dialect, &err);
        free(buf);
    } else {
        rc = rollout_manifest_parse_file(out, path, dialect, &err);
    }
    if (rc == ROLLOUT_EPARSE) {
        rollout_parse_error_print(msg, sizeof(msg), &err);
        ctl_err(prefix, "%s", msg);
        return CTL_FAIL;
    }
    if (rc != ROLLOUT_OK) {
        ctl_err(prefix, "%s: %s", path, rollout_strerror(rc));
        return CTL_FAIL;
    }
    return CTL_OK;
}
