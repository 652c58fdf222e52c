/*
 * The tests' fake host (see fakehost.h).
 */
#include "fakehost.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void log_line(fakehost *fh, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void log_line(fakehost *fh, const char *fmt, ...)
{
    va_list ap;
    char buf[1024];

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (fh->log_len == fh->log_cap) {
        fh->log_cap = fh->log_cap ? fh->log_cap * 2 : 64;
        fh->log = realloc(fh->log, fh->log_cap * sizeof(*fh->log));
        ck_assert_ptr_nonnull(fh->log);
    }
    fh->log[fh->log_len] = strdup(buf);
    ck_assert_ptr_nonnull(fh->log[fh->log_len]);
    fh->log_len++;
}

static int64_t cb_clock(rollout_engine *e, void *ud)
{
    (void)e;
    return ((fakehost *)ud)->now;
}

static rollout_deployment *watched(fakehost *fh)
{
    rollout_deployment *d = NULL;

    if (!fh->watch_name)
        return NULL;
    rollout_engine_find_deployment(&d, fh->e, fh->watch_ns, fh->watch_name);
    return d;
}

static int32_t sum_count(rollout_deployment *d, rollout_count which)
{
    int32_t n = 0;
    size_t i;

    for (i = 0; i < rollout_deployment_replica_set_count(d); i++)
        n += rollout_replica_set_count(rollout_deployment_replica_set_at(d, i),
                                       which);
    return n;
}

static int cb_create(rollout_engine *e, rollout_replica *r, const char **reason,
                     void *ud)
{
    fakehost *fh = ud;
    const char *name = rollout_replica_name(r);

    if (fh->fail_callbacks > 0) {
        fh->fail_callbacks--;
        log_line(fh, "create-failed %s", name);
        return ROLLOUT_ECALLBACK;
    }
    if (fh->reenter) {
        rollout_spec *s = fh_seed_spec("reenter", 1, "x:1", 80);

        fh->reenter_rc = rollout_engine_apply(NULL, e, s);
        rollout_spec_free(s);
    }
    if (fh->refuse_creates > 0) {
        fh->refuse_creates--;
        log_line(fh, "refuse %s", name);
        *reason = fh->refusal ? fh->refusal : "have not enough resources";
        return ROLLOUT_REFUSED;
    }
    log_line(fh, "create %s", name);
    if (fh->start_on_create)
        ck_assert_int_eq(rollout_engine_report(e, name, ROLLOUT_PHASE_STARTING,
                                               NULL), 0);
    return 0;
}

static int cb_delete(rollout_engine *e, rollout_replica *r, const char **reason,
                     void *ud)
{
    fakehost *fh = ud;
    const char *name = rollout_replica_name(r);
    rollout_deployment *d = watched(fh);

    if (fh->fail_callbacks > 0) {
        fh->fail_callbacks--;
        log_line(fh, "delete-failed %s", name);
        return ROLLOUT_ECALLBACK;
    }
    if (fh->refuse_deletes > 0) {
        fh->refuse_deletes--;
        log_line(fh, "refuse-delete %s", name);
        *reason = fh->refusal ? fh->refusal : "node not responding";
        return ROLLOUT_REFUSED;
    }
    log_line(fh, "delete %s", name);
    /* A ready replica goes only while the others keep the floor.  The one
     * being deleted is already out of the counts.  A deployment being
     * deleted takes everything. */
    if (d && d == rollout_replica_deployment(r) && !fh->scaling &&
        !rollout_deployment_deleting(d) && rollout_replica_ready_since(r) >= 0) {
        int32_t avail = sum_count(d, ROLLOUT_COUNT_AVAILABLE);

        if (avail < fh->min_available) {
            fh->violations++;
            snprintf(fh->violation, sizeof(fh->violation),
                     "deleted ready %s with %d others available (floor %d)",
                     name, avail, fh->min_available);
        }
    }
    if (fh->gone_on_delete)
        ck_assert_int_eq(rollout_engine_report(e, name, ROLLOUT_PHASE_GONE, NULL),
                         0);
    return 0;
}

static int cb_event(rollout_engine *e, const rollout_deployment *d,
                    const char *object, const char *type, const char *reason,
                    const char *message, void *ud)
{
    fakehost *fh = ud;

    (void)e;
    (void)d;
    (void)object;
    fh->events++;
    log_line(fh, "event %s %s %s", type, reason, message);
    return 0;
}

static int cb_timer(rollout_engine *e, int64_t ms, void *ud)
{
    fakehost *fh = ud;

    (void)e;
    if (fh->fail_timer > 0) {
        fh->fail_timer--;
        return ROLLOUT_ECALLBACK;
    }
    fh->timer_ms = ms;
    return 0;
}

fakehost *fh_new(void)
{
    fakehost *fh = calloc(1, sizeof(*fh));
    rollout_callbacks *cbs;

    ck_assert_ptr_nonnull(fh);
    fh->now = 1562517092000; /* 2019-07-08, as the seed */
    fh->gone_on_delete = true;
    fh->timer_ms = -2;
    ck_assert_int_eq(rollout_callbacks_new(&cbs), 0);
    rollout_callbacks_set_clock(cbs, cb_clock);
    rollout_callbacks_set_create_replica(cbs, cb_create);
    rollout_callbacks_set_delete_replica(cbs, cb_delete);
    rollout_callbacks_set_event(cbs, cb_event);
    rollout_callbacks_set_timer(cbs, cb_timer);
    ck_assert_int_eq(rollout_engine_new(&fh->e, cbs, fh), 0);
    rollout_callbacks_free(cbs);
    return fh;
}

void fh_free(fakehost *fh)
{
    size_t i;

    if (!fh)
        return;
    rollout_engine_free(fh->e);
    for (i = 0; i < fh->log_len; i++)
        free(fh->log[i]);
    free(fh->log);
    free(fh);
}

static void check_invariants(fakehost *fh)
{
    rollout_deployment *d = watched(fh);
    int32_t spec;

    if (!d || rollout_deployment_deleting(d))
        return;
    spec = sum_count(d, ROLLOUT_COUNT_DESIRED);
    ck_assert_msg(spec <= fh->max_total, "sum of spec %d > replicas + maxSurge %d",
                  spec, fh->max_total);
    ck_assert_msg(fh->violations == 0, "%s", fh->violation);
}

int fh_tick(fakehost *fh)
{
    int rc = rollout_engine_tick(fh->e);

    if (rc == 0)
        check_invariants(fh);
    return rc;
}

int fh_advance(fakehost *fh, int64_t ms)
{
    fh->now += ms;
    return fh_tick(fh);
}

void fh_settle(fakehost *fh)
{
    int i;
    int64_t t;

    for (i = 0; i < 100; i++) {
        ck_assert_int_eq(rollout_engine_next_deadline(&t, fh->e), 0);
        if (t != 0)
            return;
        ck_assert_int_eq(fh_tick(fh), 0);
    }
    ck_abort_msg("the engine did not settle");
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int fh_report_rs(fakehost *fh, const char *rs_name, rollout_phase from,
                 rollout_phase phase, int count)
{
    size_t i, j, n = 0;
    int done = 0;
    const char **names;

    for (i = 0; i < rollout_engine_deployment_count(fh->e); i++) {
        rollout_deployment *d = rollout_engine_deployment_at(fh->e, i);

        for (j = 0; j < rollout_deployment_replica_set_count(d); j++) {
            rollout_replica_set *rs = rollout_deployment_replica_set_at(d, j);
            size_t k;

            if (strcmp(rollout_replica_set_name(rs), rs_name) != 0)
                continue;
            names = calloc(rollout_replica_set_replica_count(rs) + 1,
                           sizeof(*names));
            ck_assert_ptr_nonnull(names);
            for (k = 0; k < rollout_replica_set_replica_count(rs); k++) {
                rollout_replica *r = rollout_replica_set_replica_at(rs, k);

                if (rollout_replica_phase(r) == from)
                    names[n++] = rollout_replica_name(r);
            }
            qsort(names, n, sizeof(*names), cmp_str);
            for (k = 0; k < n && done < count; k++, done++)
                ck_assert_int_eq(rollout_engine_report(fh->e, names[k], phase,
                                                       NULL), 0);
            free(names);
            return done;
        }
    }
    return done;
}

int fh_reap(fakehost *fh)
{
    size_t i, j, k, n = 0, cap = 0;
    char **names = NULL;
    int reaped = 0;

    for (i = 0; i < rollout_engine_deployment_count(fh->e); i++) {
        rollout_deployment *d = rollout_engine_deployment_at(fh->e, i);

        for (j = 0; j < rollout_deployment_replica_set_count(d); j++) {
            rollout_replica_set *rs = rollout_deployment_replica_set_at(d, j);

            for (k = 0; k < rollout_replica_set_replica_count(rs); k++) {
                rollout_replica *r = rollout_replica_set_replica_at(rs, k);

                if (rollout_replica_phase(r) != ROLLOUT_PHASE_TERMINATING)
                    continue;
                if (n == cap) {
                    cap = cap ? cap * 2 : 16;
                    names = realloc(names, cap * sizeof(*names));
                    ck_assert_ptr_nonnull(names);
                }
                names[n++] = strdup(rollout_replica_name(r));
            }
        }
    }
    if (n)
        qsort(names, n, sizeof(*names), cmp_str);
    for (i = 0; i < n; i++) {
        ck_assert_int_eq(rollout_engine_report(fh->e, names[i],
                                               ROLLOUT_PHASE_GONE, NULL), 0);
        reaped++;
        free(names[i]);
    }
    free(names);
    return reaped;
}

char *fh_sets(fakehost *fh, const char *ns, const char *name)
{
    rollout_deployment *d;
    char *out = NULL;
    size_t len = 0, i;
    FILE *f;

    ck_assert_int_eq(rollout_engine_find_deployment(&d, fh->e, ns, name), 0);
    f = open_memstream(&out, &len);
    ck_assert_ptr_nonnull(f);
    for (i = 0; i < rollout_deployment_revision_count(d); i++) {
        rollout_revision *rev = rollout_deployment_revision_at(d, i);
        rollout_replica_set *rs = rollout_revision_replica_set(rev);

        fprintf(f, "%sr%lld=%d/%d/%d/%d", i ? " " : "",
                (long long)rollout_revision_number(rev),
                rollout_replica_set_count(rs, ROLLOUT_COUNT_DESIRED),
                rollout_replica_set_count(rs, ROLLOUT_COUNT_CURRENT),
                rollout_replica_set_count(rs, ROLLOUT_COUNT_READY),
                rollout_replica_set_count(rs, ROLLOUT_COUNT_AVAILABLE));
    }
    fclose(f);
    return out;
}

const char *fh_status(fakehost *fh, const char *ns, const char *name)
{
    static char line[512];
    rollout_deployment *d;
    char *msg = NULL;
    int done = 0, rc;

    ck_assert_int_eq(rollout_engine_find_deployment(&d, fh->e, ns, name), 0);
    rc = rollout_status_message(&msg, &done, d);
    ck_assert(rc == 0 || rc == ROLLOUT_EDEADLINE);
    snprintf(line, sizeof(line), "%s%s", rc ? "error: " : "", msg);
    rollout_free(msg);
    return line;
}

const char *fh_rs_of_revision(fakehost *fh, const char *ns, const char *name,
                              int64_t rev)
{
    rollout_deployment *d;
    rollout_revision *r;

    ck_assert_int_eq(rollout_engine_find_deployment(&d, fh->e, ns, name), 0);
    ck_assert_int_eq(rollout_deployment_find_revision(&r, d, rev), 0);
    return rollout_replica_set_name(rollout_revision_replica_set(r));
}

char *fh_log_since(fakehost *fh, size_t from)
{
    char *out = NULL;
    size_t len = 0, i;
    FILE *f = open_memstream(&out, &len);

    ck_assert_ptr_nonnull(f);
    for (i = from; i < fh->log_len; i++)
        fprintf(f, "%s%s", i > from ? "\n" : "", fh->log[i]);
    fclose(f);
    return out;
}

size_t fh_log_count(fakehost *fh, size_t from, const char *prefix)
{
    size_t i, n = 0;

    for (i = from; i < fh->log_len; i++)
        if (strncmp(fh->log[i], prefix, strlen(prefix)) == 0)
            n++;
    return n;
}

rollout_spec *fh_seed_spec(const char *name, int32_t replicas, const char *image,
                           int32_t port)
{
    rollout_spec *s;
    size_t c;
    char portstr[16];

    ck_assert_int_eq(rollout_spec_new(&s, ROLLOUT_DIALECT_KUBERNETES, NULL, name),
                     0);
    ck_assert_int_eq(rollout_spec_set_label(s, "app", name), 0);
    ck_assert_int_eq(rollout_spec_set_replicas(s, replicas), 0);
    ck_assert_int_eq(rollout_spec_set_strategy(s, ROLLOUT_STRATEGY_ROLLING_UPDATE), 0);
    ck_assert_int_eq(rollout_spec_set_max_surge(s, "1"), 0);
    ck_assert_int_eq(rollout_spec_set_max_unavailable(s, "1"), 0);
    ck_assert_int_eq(rollout_spec_set_selector(s, "app", name), 0);
    ck_assert_int_eq(rollout_spec_set_template_label(s, "app", name), 0);
    ck_assert_int_eq(rollout_spec_add_container(&c, s, name, image), 0);
    ck_assert_int_eq(rollout_spec_container_add_command(s, c, "python"), 0);
    ck_assert_int_eq(rollout_spec_container_add_arg(s, c, "-m"), 0);
    ck_assert_int_eq(rollout_spec_container_add_arg(s, c, "SimpleHTTPServer"), 0);
    if (port != 8000) {
        snprintf(portstr, sizeof(portstr), "%d", port);
        ck_assert_int_eq(rollout_spec_container_add_arg(s, c, portstr), 0);
    }
    ck_assert_int_eq(rollout_spec_container_add_port(s, c, NULL, port, NULL), 0);
    return s;
}

int fh_run_suite(Suite *s)
{
    SRunner *sr = srunner_create(s);
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
