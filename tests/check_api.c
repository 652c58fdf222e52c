/*
 * The API under misuse: NULL arguments, unknown names, reports for unknown
 * replicas, calls from inside callbacks, failing callbacks, and specs that
 * validation refuses, each with its code and message, changing nothing.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakehost.h"

#define NS "default"

static fakehost *fh;

static void setup(void)
{
    fh = fh_new();
}

static void teardown(void)
{
    fh_free(fh);
    fh = NULL;
}

static int64_t clock0(rollout_engine *e, void *ud)
{
    (void)e;
    (void)ud;
    return 0;
}

static int create0(rollout_engine *e, rollout_replica *r, const char **reason,
                   void *ud)
{
    (void)e;
    (void)r;
    (void)reason;
    (void)ud;
    return 0;
}

START_TEST(test_constructors)
{
    rollout_callbacks *cbs = NULL;
    rollout_engine *e = (rollout_engine *)&e;
    rollout_spec *s = (rollout_spec *)&s;

    ck_assert_int_eq(rollout_callbacks_new(NULL), ROLLOUT_EINVAL);
    ck_assert_int_eq(rollout_engine_new(NULL, NULL, NULL), ROLLOUT_EINVAL);
    ck_assert_int_eq(rollout_engine_new(&e, NULL, NULL), ROLLOUT_EINVAL);
    ck_assert_ptr_null(e);
    ck_assert_int_eq(rollout_callbacks_new(&cbs), 0);
    /* the clock, create and delete callbacks are required */
    ck_assert_int_eq(rollout_engine_new(&e, cbs, NULL), ROLLOUT_EINVAL);
    rollout_callbacks_set_clock(cbs, clock0);
    rollout_callbacks_set_create_replica(cbs, create0);
    ck_assert_int_eq(rollout_engine_new(&e, cbs, NULL), ROLLOUT_EINVAL);
    rollout_callbacks_set_delete_replica(cbs, create0);
    ck_assert_int_eq(rollout_engine_new(&e, cbs, &e), 0);
    ck_assert_ptr_eq(rollout_engine_user_data(e), &e);
    rollout_engine_free(e);
    rollout_callbacks_free(cbs);

    ck_assert_int_eq(rollout_spec_new(NULL, ROLLOUT_DIALECT_KUBERNETES, NULL, "x"),
                     ROLLOUT_EINVAL);
    ck_assert_int_eq(rollout_spec_new(&s, ROLLOUT_DIALECT_KUBERNETES, NULL, NULL),
                     ROLLOUT_EINVAL);
    ck_assert_ptr_null(s);
    ck_assert_int_eq(rollout_spec_new(&s, (rollout_dialect)77, NULL, "x"),
                     ROLLOUT_EINVAL);
    ck_assert_int_eq(rollout_spec_dup(&s, NULL), ROLLOUT_EINVAL);
    ck_assert_int_eq(rollout_deployment_spec(&s, NULL), ROLLOUT_EINVAL);

    /* freeing NULL does nothing */
    rollout_engine_free(NULL);
    rollout_callbacks_free(NULL);
    rollout_spec_free(NULL);
    rollout_free(NULL);
    rollout_callbacks_set_clock(NULL, clock0);
}
END_TEST

START_TEST(test_null_engine)
{
    int64_t t = 5;
    char *json = (char *)&t;
    rollout_deployment *d = (rollout_deployment *)&d;
    rollout_replica *r = (rollout_replica *)&r;

    ck_assert_int_eq(rollout_engine_tick(NULL), ROLLOUT_EINVAL);
    ck_assert_int_eq(rollout_engine_next_deadline(&t, NULL), ROLLOUT_EINVAL);
    ck_assert_int_eq(t, -1);
    ck_assert_int_eq(rollout_engine_next_deadline(NULL, fh->e), ROLLOUT_EINVAL);
    ck_assert_int_eq(rollout_engine_apply(NULL, NULL, NULL), ROLLOUT_EINVAL);
    ck_assert_int_eq(rollout_engine_apply(NULL, fh->e, NULL), ROLLOUT_EINVAL);
    ck_assert_int_eq(rollout_engine_scale(NULL, NS, "x", 1), ROLLOUT_EINVAL);
    ck_assert_int_eq(rollout_engine_scale(fh->e, NS, NULL, 1), ROLLOUT_EINVAL);
    ck_assert_int_eq(rollout_engine_pause(NULL, NS, "x"), ROLLOUT_EINVAL);
    ck_assert_int_eq(rollout_engine_resume(NULL, NS, "x"), ROLLOUT_EINVAL);
    ck_assert_int_eq(rollout_engine_undo(NULL, NULL, NS, "x", 0), ROLLOUT_EINVAL);
    ck_assert_int_eq(rollout_engine_restart(NULL, NS, "x"), ROLLOUT_EINVAL);
    ck_assert_int_eq(rollout_engine_delete(NULL, NS, "x"), ROLLOUT_EINVAL);
    ck_assert_int_eq(rollout_engine_report(NULL, "x", ROLLOUT_PHASE_READY, NULL),
                     ROLLOUT_EINVAL);
    ck_assert_int_eq(rollout_engine_report(fh->e, NULL, ROLLOUT_PHASE_READY, NULL),
                     ROLLOUT_EINVAL);
    ck_assert_int_eq(rollout_engine_report_node(NULL, "x", "n"), ROLLOUT_EINVAL);
    ck_assert_int_eq(rollout_engine_save(&json, NULL), ROLLOUT_EINVAL);
    ck_assert_ptr_null(json);
    ck_assert_int_eq(rollout_engine_save(NULL, fh->e), ROLLOUT_EINVAL);
    ck_assert_int_eq(rollout_engine_restore(NULL, "{}", 2), ROLLOUT_EINVAL);
    ck_assert_int_eq(rollout_engine_restore(fh->e, NULL, 0), ROLLOUT_EINVAL);
    ck_assert_int_eq(rollout_engine_set_backoff(NULL, 1, 2), ROLLOUT_EINVAL);
    ck_assert_int_eq(rollout_engine_set_backoff(fh->e, 0, 2), ROLLOUT_EINVAL);
    ck_assert_int_eq(rollout_engine_set_backoff(fh->e, 5, 2), ROLLOUT_EINVAL);
    ck_assert_int_eq(rollout_engine_find_deployment(&d, NULL, NS, "x"), ROLLOUT_EINVAL);
    ck_assert_ptr_null(d);
    ck_assert_int_eq(rollout_engine_find_replica(&r, NULL, "x"), ROLLOUT_EINVAL);
    ck_assert_ptr_null(r);
    ck_assert_int_eq(rollout_engine_deployment_count(NULL), 0);
    ck_assert_ptr_null(rollout_engine_deployment_at(NULL, 0));
    ck_assert_ptr_null(rollout_engine_deployment_at(fh->e, 0));
    ck_assert_ptr_null(rollout_engine_user_data(NULL));
    ck_assert_ptr_nonnull(rollout_engine_errmsg(NULL));
}
END_TEST

START_TEST(test_null_objects)
{
    char *msg = (char *)&msg;
    int done = 7;
    const char *v = "x";
    rollout_revision *rev = (rollout_revision *)&rev;

    ck_assert_ptr_null(rollout_deployment_name(NULL));
    ck_assert_ptr_null(rollout_deployment_namespace(NULL));
    ck_assert_int_eq(rollout_deployment_count(NULL, ROLLOUT_COUNT_READY), -1);
    ck_assert_int_eq(rollout_deployment_generation(NULL), -1);
    ck_assert_int_eq(rollout_deployment_paused(NULL), 0);
    ck_assert_int_eq(rollout_deployment_condition_count(NULL), 0);
    ck_assert_int_eq(rollout_deployment_condition_at(NULL, NULL, NULL, NULL, NULL,
                                                     NULL, NULL, 0),
                     ROLLOUT_EINVAL);
    ck_assert_int_eq(rollout_deployment_find_condition(NULL, NULL, "Available"),
                     ROLLOUT_EINVAL);
    ck_assert_int_eq(rollout_status_message(&msg, &done, NULL), ROLLOUT_EINVAL);
    ck_assert_ptr_null(msg);
    ck_assert_int_eq(rollout_status_message(NULL, &done, NULL), ROLLOUT_EINVAL);
    ck_assert_int_eq(rollout_deployment_revision_count(NULL), 0);
    ck_assert_ptr_null(rollout_deployment_revision_at(NULL, 0));
    ck_assert_int_eq(rollout_deployment_find_revision(&rev, NULL, 1), ROLLOUT_EINVAL);
    ck_assert_ptr_null(rev);
    ck_assert_ptr_null(rollout_deployment_new_replica_set(NULL));
    ck_assert_int_eq(rollout_revision_number(NULL), -1);
    ck_assert_ptr_null(rollout_revision_template(NULL));
    ck_assert_int_eq(rollout_revision_container_count(NULL), 0);
    ck_assert_ptr_null(rollout_revision_container_image(NULL, 0));
    ck_assert_int_eq(rollout_revision_container_port(NULL, 0, 0), 0);
    ck_assert_ptr_null(rollout_revision_container_env(&v, NULL, 0, 0));
    ck_assert_ptr_null(v);
    ck_assert_ptr_null(rollout_replica_set_name(NULL));
    ck_assert_int_eq(rollout_replica_set_count(NULL, ROLLOUT_COUNT_DESIRED), -1);
    ck_assert_ptr_null(rollout_replica_set_annotation(NULL, "x"));
    ck_assert_ptr_null(rollout_replica_set_annotation_at(&v, NULL, 0));
    ck_assert_ptr_null(rollout_replica_set_replica_at(NULL, 0));
    ck_assert_ptr_null(rollout_replica_name(NULL));
    ck_assert_int_eq(rollout_replica_phase(NULL), ROLLOUT_PHASE_GONE);
    ck_assert_int_eq(rollout_replica_ready_since(NULL), -1);
    ck_assert_int_eq(rollout_replica_available(NULL), 0);
    ck_assert_ptr_null(rollout_replica_host_data(NULL));
    rollout_replica_bind_host_data(NULL, &v);
    ck_assert_ptr_null(rollout_spec_name(NULL));
    ck_assert_int_eq(rollout_spec_replicas(NULL), -1);
    ck_assert_int_eq(rollout_spec_set_replicas(NULL, 1), ROLLOUT_EINVAL);
    ck_assert_int_eq(rollout_spec_set_label(NULL, "a", "b"), ROLLOUT_EINVAL);
    ck_assert_int_eq(rollout_spec_add_container(NULL, NULL, "a", "b"), ROLLOUT_EINVAL);
    ck_assert_int_eq(rollout_probe_options_init(NULL, ROLLOUT_PROBE_OPTIONS_VERSION),
                     ROLLOUT_EINVAL);
}
END_TEST

START_TEST(test_strerror_and_versions)
{
    int code;
    rollout_phase p;

    for (code = -200; code <= 200; code++) {
        ck_assert_ptr_nonnull(rollout_strerror(code));
        ck_assert_int_gt((int)strlen(rollout_strerror(code)), 0);
    }
    ck_assert_str_eq(rollout_strerror(ROLLOUT_EVALIDATION), "validation failed");
    /* every code the library returns has its own text */
    for (code = ROLLOUT_EPARSE; code <= ROLLOUT_REFUSED; code++)
        ck_assert_str_ne(rollout_strerror(code), "unknown error");
    ck_assert_str_eq(rollout_strerror(ROLLOUT_EPARSE), "the manifest could not be read");
    ck_assert_str_eq(rollout_strerror(ROLLOUT_EPARSE - 1), "unknown error");
    ck_assert_str_eq(rollout_version(), ROLLOUT_VERSION);
    ck_assert_uint_eq(rollout_version_num(), ROLLOUT_VERSION_NUM);
    ck_assert_uint_eq(ROLLOUT_VERSION_NUM, (ROLLOUT_VERSION_MAJOR << 16) |
                                               (ROLLOUT_VERSION_MINOR << 8) |
                                               ROLLOUT_VERSION_PATCH);
    for (p = ROLLOUT_PHASE_PENDING; p <= ROLLOUT_PHASE_GONE; p++) {
        rollout_phase back;

        ck_assert_int_eq(rollout_phase_from_name(&back, rollout_phase_name(p)), 0);
        ck_assert_int_eq(back, p);
    }
    ck_assert_str_eq(rollout_phase_name((rollout_phase)99), "unknown");
    ck_assert_int_eq(rollout_phase_from_name(&p, "sleeping"), ROLLOUT_ENOTFOUND);
    ck_assert_int_eq(rollout_phase_from_name(NULL, "ready"), ROLLOUT_EINVAL);
}
END_TEST

static void apply_seed(void)
{
    rollout_spec *s = fh_seed_spec("test", 3, "img:v1", 8000);

    ck_assert_int_eq(rollout_engine_apply(NULL, fh->e, s), 0);
    rollout_spec_free(s);
    ck_assert_int_eq(fh_tick(fh), 0);
}

START_TEST(test_unknown_names)
{
    rollout_deployment *d;
    rollout_revision *rev;
    int64_t t;

    ck_assert_int_eq(rollout_engine_scale(fh->e, NS, "nope", 2), ROLLOUT_ENOTFOUND);
    ck_assert_str_eq(rollout_engine_errmsg(fh->e), "deployments.apps \"nope\" not found");
    ck_assert_int_eq(rollout_engine_pause(fh->e, NS, "nope"), ROLLOUT_ENOTFOUND);
    ck_assert_int_eq(rollout_engine_undo(NULL, fh->e, NS, "nope", 0), ROLLOUT_ENOTFOUND);
    ck_assert_int_eq(rollout_engine_delete(fh->e, "elsewhere", "nope"), ROLLOUT_ENOTFOUND);
    ck_assert_int_eq(rollout_engine_find_deployment(&d, fh->e, NS, "nope"),
                     ROLLOUT_ENOTFOUND);
    ck_assert_str_eq(rollout_engine_errmsg(fh->e), "deployments.apps \"nope\" not found");
    /* a call that succeeds leaves no stale message */
    ck_assert_int_eq(rollout_engine_next_deadline(&t, fh->e), 0);
    ck_assert_str_eq(rollout_engine_errmsg(fh->e), "");
    ck_assert_int_eq(rollout_engine_report(fh->e, NULL, ROLLOUT_PHASE_READY, NULL),
                     ROLLOUT_EINVAL);
    ck_assert_str_eq(rollout_engine_errmsg(fh->e), "no replica name");
    ck_assert_int_eq(rollout_engine_report(fh->e, "ghost-abcde", ROLLOUT_PHASE_READY,
                                           NULL),
                     ROLLOUT_ENOTFOUND);
    ck_assert_str_eq(rollout_engine_errmsg(fh->e), "replica ghost-abcde not found");
    ck_assert_int_eq(rollout_engine_report_node(fh->e, "ghost-abcde", "n1"),
                     ROLLOUT_ENOTFOUND);

    apply_seed();
    ck_assert_int_eq(rollout_engine_find_deployment(&d, fh->e, NULL, "test"), 0);
    ck_assert_int_eq(rollout_deployment_find_revision(&rev, d, 9), ROLLOUT_ENOTFOUND);
    ck_assert_int_eq(rollout_engine_undo(NULL, fh->e, NS, "test", 0), ROLLOUT_ENOTFOUND);
    ck_assert_str_eq(rollout_engine_errmsg(fh->e),
                     "no rollout history found for deployment \"test\"");
    ck_assert_int_eq(rollout_engine_undo(NULL, fh->e, NS, "test", 7), ROLLOUT_ENOTFOUND);
    ck_assert_str_eq(rollout_engine_errmsg(fh->e),
                     "unable to find specified revision 7 in history");
    ck_assert_int_eq(rollout_engine_undo(NULL, fh->e, NS, "test", -1), ROLLOUT_ENOTFOUND);
    ck_assert_int_eq(rollout_engine_resume(fh->e, NS, "test"), ROLLOUT_ESTATE);
    ck_assert_str_eq(rollout_engine_errmsg(fh->e),
                     "deployments.apps \"test\" is not paused");
    /* a report of a phase the host cannot report */
    ck_assert_int_eq(rollout_engine_report(fh->e, "x", ROLLOUT_PHASE_TERMINATING, NULL),
                     ROLLOUT_EINVAL);
    ck_assert_int_eq(rollout_engine_report(fh->e, "x", (rollout_phase)42, NULL),
                     ROLLOUT_EINVAL);
}
END_TEST

START_TEST(test_reports_repeated_and_out_of_order)
{
    rollout_deployment *d;
    rollout_replica_set *rs;
    rollout_replica *r;
    const char *name;

    apply_seed();
    ck_assert_int_eq(rollout_engine_find_deployment(&d, fh->e, NS, "test"), 0);
    rs = rollout_deployment_new_replica_set(d);
    r = rollout_replica_set_replica_at(rs, 0);
    name = rollout_replica_name(r);
    /* ready twice, then running again, then ready: counts stay right */
    ck_assert_int_eq(rollout_engine_report(fh->e, name, ROLLOUT_PHASE_READY, NULL), 0);
    ck_assert_int_eq(rollout_engine_report(fh->e, name, ROLLOUT_PHASE_READY, NULL), 0);
    ck_assert_int_eq(fh_tick(fh), 0);
    ck_assert_int_eq(rollout_replica_set_count(rs, ROLLOUT_COUNT_READY), 1);
    ck_assert_int_eq(rollout_engine_report(fh->e, name, ROLLOUT_PHASE_RUNNING, NULL), 0);
    ck_assert_int_eq(rollout_engine_report(fh->e, name, ROLLOUT_PHASE_STARTING, NULL), 0);
    ck_assert_int_eq(fh_tick(fh), 0);
    ck_assert_int_eq(rollout_replica_set_count(rs, ROLLOUT_COUNT_READY), 0);
    ck_assert_int_eq(rollout_replica_ready_since(r), -1);
    ck_assert_int_eq(rollout_engine_report(fh->e, name, ROLLOUT_PHASE_PENDING,
                                           "ErrImagePull"), 0);
    ck_assert_str_eq(rollout_replica_reason(r), "ErrImagePull");
    ck_assert_int_eq(rollout_replica_phase(r), ROLLOUT_PHASE_PENDING);
    ck_assert_int_eq(rollout_engine_report_node(fh->e, name, "node-1"), 0);
    ck_assert_str_eq(rollout_replica_node(r), "node-1");
    ck_assert_int_eq(rollout_engine_report_node(fh->e, name, ""), 0);
    ck_assert_ptr_null(rollout_replica_node(r));
    ck_assert_int_eq(rollout_engine_report_node(fh->e, name, "node-1"), 0);
    ck_assert_int_eq(rollout_engine_report(fh->e, name, ROLLOUT_PHASE_READY, NULL), 0);
    ck_assert_int_eq(fh_tick(fh), 0);
    ck_assert_int_eq(rollout_replica_set_count(rs, ROLLOUT_COUNT_READY), 1);
    ck_assert_int_eq(rollout_replica_set_count(rs, ROLLOUT_COUNT_AVAILABLE), 1);
    ck_assert_int_eq(rollout_replica_set_count(rs, ROLLOUT_COUNT_CURRENT), 3);
}
END_TEST

START_TEST(test_calls_from_inside_callbacks)
{
    rollout_spec *s = fh_seed_spec("test", 2, "img:v1", 8000);

    fh->reenter = true;
    fh->reenter_rc = 0;
    ck_assert_int_eq(rollout_engine_apply(NULL, fh->e, s), 0);
    rollout_spec_free(s);
    ck_assert_int_eq(fh_tick(fh), 0);
    ck_assert_int_eq(fh->reenter_rc, ROLLOUT_EREENTRANT);
    /* the refused call changed nothing, and the tick went on */
    ck_assert_int_eq(rollout_engine_deployment_count(fh->e), 1);
    ck_assert_int_eq(fh_log_count(fh, 0, "create "), 2);
    /* reports from inside callbacks are queued and applied */
    fh->reenter = false;
    fh->start_on_create = true;
    ck_assert_int_eq(rollout_engine_scale(fh->e, NS, "test", 3), 0);
    ck_assert_int_eq(fh_tick(fh), 0);
    ck_assert_int_eq(fh_report_rs(fh, fh_rs_of_revision(fh, NS, "test", 1),
                                  ROLLOUT_PHASE_STARTING, ROLLOUT_PHASE_READY, 5),
                     1);
}
END_TEST

/* A create callback that fails: the tick says so, the request is kept and
 * made again after the backoff (not in a tight loop), and nothing is lost
 * or doubled. */
START_TEST(test_failing_callback)
{
    rollout_spec *s = fh_seed_spec("test", 3, "img:v1", 8000);
    rollout_deployment *d;
    char want[256];
    int64_t t;

    ck_assert_int_eq(rollout_engine_apply(NULL, fh->e, s), 0);
    rollout_spec_free(s);
    fh->fail_callbacks = 1;
    ck_assert_int_eq(rollout_engine_tick(fh->e), ROLLOUT_ECALLBACK);
    snprintf(want, sizeof(want), "the create callback failed for replica %s",
             fh->log[fh->log_len - 1] + strlen("create-failed "));
    ck_assert_str_eq(rollout_engine_errmsg(fh->e), want);
    /* the two others went out; the failed one waits for its backoff */
    ck_assert_int_eq(fh_log_count(fh, 0, "create "), 0);
    ck_assert_int_eq(fh_tick(fh), 0);
    ck_assert_int_eq(fh_log_count(fh, 0, "create "), 2);
    ck_assert_int_eq(rollout_engine_next_deadline(&t, fh->e), 0);
    ck_assert_int_eq(t, 1000);
    ck_assert_int_eq(fh_advance(fh, 1000), 0);
    ck_assert_int_eq(fh_log_count(fh, 0, "create "), 3);
    ck_assert_int_eq(rollout_engine_find_deployment(&d, fh->e, NS, "test"), 0);
    ck_assert_int_eq(rollout_replica_set_replica_count(rollout_deployment_new_replica_set(d)),
                     3);
}
END_TEST

/* A failing timer callback does not undo an operation: the deadline is
 * told again at the next chance.  A tick reports the failure. */
START_TEST(test_failing_timer_callback)
{
    rollout_spec *s = fh_seed_spec("test", 1, "img:v1", 8000);
    rollout_deployment *d;
    const char *name;

    fh->fail_timer = 1;
    ck_assert_int_eq(rollout_engine_apply(NULL, fh->e, s), 0);
    rollout_spec_free(s);
    ck_assert_int_eq(fh->timer_ms, -2); /* never told */
    ck_assert_int_eq(rollout_engine_find_deployment(&d, fh->e, NS, "test"), 0);
    name = rollout_deployment_name(d);
    /* the next call tells it */
    ck_assert_int_eq(rollout_engine_scale(fh->e, NS, "test", 2), 0);
    ck_assert_int_eq(fh->timer_ms, 0);
    fh->fail_timer = 1;
    ck_assert_int_eq(rollout_engine_tick(fh->e), ROLLOUT_ECALLBACK);
    ck_assert_str_eq(rollout_engine_errmsg(fh->e), "the timer callback failed");
    ck_assert_int_eq(fh_log_count(fh, 0, "create "), 2);
    ck_assert_int_eq(fh_tick(fh), 0);
    /* the progress deadline: 600 s after the last progress, plus 1 ms */
    ck_assert_int_eq(fh->timer_ms, 600001);
    /* names read before operations stay valid after them */
    ck_assert_str_eq(name, "test");
    ck_assert_str_eq(rollout_deployment_namespace(d), NS);
}
END_TEST

/* Freeing the engine from inside a callback takes effect when the engine
 * call returns; nothing crashes or leaks. */
static int free_in_create(rollout_engine *e, rollout_replica *r, const char **reason,
                          void *ud)
{
    (void)r;
    (void)reason;
    (void)ud;
    rollout_engine_free(e);
    return 0;
}

START_TEST(test_free_from_callback)
{
    rollout_callbacks *cbs;
    rollout_engine *e;
    rollout_spec *s = fh_seed_spec("test", 2, "img:v1", 8000);

    ck_assert_int_eq(rollout_callbacks_new(&cbs), 0);
    rollout_callbacks_set_clock(cbs, clock0);
    rollout_callbacks_set_create_replica(cbs, free_in_create);
    rollout_callbacks_set_delete_replica(cbs, create0);
    ck_assert_int_eq(rollout_engine_new(&e, cbs, NULL), 0);
    rollout_callbacks_free(cbs);
    ck_assert_int_eq(rollout_engine_apply(NULL, e, s), 0);
    rollout_spec_free(s);
    ck_assert_int_eq(rollout_engine_tick(e), 0); /* frees E on the way out */
}
END_TEST

/* The same from the clock callback, during an apply that then fails. */
static int clock_calls;

static int64_t clock_that_frees(rollout_engine *e, void *ud)
{
    (void)ud;
    if (++clock_calls == 1)
        rollout_engine_free(e);
    return 0;
}

START_TEST(test_free_from_clock_on_error_path)
{
    rollout_callbacks *cbs;
    rollout_engine *e;
    rollout_spec *s = fh_seed_spec("test", 2, "img:v1", 8000);

    ck_assert_int_eq(rollout_spec_set_replicas(s, -1), 0);
    ck_assert_int_eq(rollout_callbacks_new(&cbs), 0);
    rollout_callbacks_set_clock(cbs, clock_that_frees);
    rollout_callbacks_set_create_replica(cbs, create0);
    rollout_callbacks_set_delete_replica(cbs, create0);
    ck_assert_int_eq(rollout_engine_new(&e, cbs, NULL), 0);
    rollout_callbacks_free(cbs);
    clock_calls = 0;
    /* refused by validation; the engine is freed on the way out */
    ck_assert_int_eq(rollout_engine_apply(NULL, e, s), ROLLOUT_EVALIDATION);
    ck_assert_int_eq(clock_calls, 1);
    rollout_spec_free(s);
}
END_TEST

/* Specs that validation refuses: the exact message, and nothing changed. */
typedef void (*spec_edit)(rollout_spec *s);

static void e_surge_oops(rollout_spec *s) { rollout_spec_set_max_surge(s, "oops"); }
static void e_both_zero(rollout_spec *s)
{
    rollout_spec_set_max_surge(s, "0");
    rollout_spec_set_max_unavailable(s, "0%");
}
static void e_unavailable_101(rollout_spec *s) { rollout_spec_set_max_unavailable(s, "101%"); }
static void e_unavailable_neg(rollout_spec *s) { rollout_spec_set_max_unavailable(s, "-1"); }
static void e_replicas_neg(rollout_spec *s) { rollout_spec_set_replicas(s, -1); }
static void e_min_ready_neg(rollout_spec *s) { rollout_spec_set_min_ready_seconds(s, -5); }
static void e_history_neg(rollout_spec *s) { rollout_spec_set_revision_history_limit(s, -1); }
static void e_deadline_low(rollout_spec *s)
{
    rollout_spec_set_min_ready_seconds(s, 30);
    rollout_spec_set_progress_deadline_seconds(s, 30);
}
static void e_recreate_rolling(rollout_spec *s) { rollout_spec_set_strategy(s, ROLLOUT_STRATEGY_RECREATE); }
static void e_selector_mismatch(rollout_spec *s) { rollout_spec_set_template_label(s, "app", "other"); }
static void e_selector_empty(rollout_spec *s) { rollout_spec_set_selector(s, "app", NULL); }
static void e_selector_changed(rollout_spec *s)
{
    rollout_spec_set_selector(s, "tier", "web");
    rollout_spec_set_template_label(s, "tier", "web");
}
static void e_bad_label(rollout_spec *s) { rollout_spec_set_label(s, "bad key!", "x"); }
static void e_bad_port(rollout_spec *s) { rollout_spec_container_add_port(s, 0, NULL, 70000, NULL); }
static void e_bad_protocol(rollout_spec *s) { rollout_spec_container_add_port(s, 0, NULL, 80, "HTTP"); }
static void e_dup_container(rollout_spec *s) { rollout_spec_add_container(NULL, s, "test", "img:v1"); }
static void e_bad_container_name(rollout_spec *s) { rollout_spec_add_container(NULL, s, "Side_Car", "img"); }
static void e_empty_image(rollout_spec *s) { rollout_spec_container_set_image(s, 0, ""); }

static const struct {
    const char *name;
    spec_edit edit;
    const char *message;
} refusals[] = {
    {"maxSurge oops", e_surge_oops,
     "spec.strategy.rollingUpdate.maxSurge: a valid percent string must be a numeric "
     "string followed by an ending '%'"},
    {"both zero", e_both_zero,
     "spec.strategy.rollingUpdate.maxUnavailable: may not be 0 when `maxSurge` is 0"},
    {"maxUnavailable 101%", e_unavailable_101,
     "spec.strategy.rollingUpdate.maxUnavailable: must not be greater than 100%"},
    {"maxUnavailable -1", e_unavailable_neg,
     "spec.strategy.rollingUpdate.maxUnavailable: must be greater than or equal to 0"},
    {"replicas -1", e_replicas_neg, "spec.replicas: must be greater than or equal to 0"},
    {"minReadySeconds -5", e_min_ready_neg,
     "spec.minReadySeconds: must be greater than or equal to 0"},
    {"revisionHistoryLimit -1", e_history_neg,
     "spec.revisionHistoryLimit: must be greater than or equal to 0"},
    {"deadline not above minReady", e_deadline_low,
     "spec.progressDeadlineSeconds: must be greater than minReadySeconds"},
    {"Recreate with rollingUpdate", e_recreate_rolling,
     "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy "
     "`type` is 'Recreate'"},
    {"selector does not match", e_selector_mismatch,
     "spec.template.metadata.labels: `selector` does not match template `labels`"},
    {"empty selector", e_selector_empty,
     "spec.selector: empty selector is invalid for deployment"},
    {"selector changed", e_selector_changed, "spec.selector: field is immutable"},
    {"bad label key", e_bad_label,
     "metadata.labels: name part must consist of alphanumeric characters, '-', '_' or "
     "'.', and must start and end with an alphanumeric character (e.g. 'MyName',  or "
     "'my.name',  or '123-abc', regex used for validation is "
     "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"},
    {"port 70000", e_bad_port,
     "spec.template.spec.containers[0].ports[1].containerPort: must be between 1 and "
     "65535, inclusive"},
    {"protocol HTTP", e_bad_protocol,
     "spec.template.spec.containers[0].ports[1].protocol: Unsupported value: \"HTTP\": "
     "supported values: \"SCTP\", \"TCP\", \"UDP\""},
    {"duplicate container", e_dup_container,
     "spec.template.spec.containers[1].name: Duplicate value: \"test\""},
    {"container name", e_bad_container_name,
     "spec.template.spec.containers[1].name: a lowercase RFC 1123 label must consist "
     "of lower case alphanumeric characters or '-', and must start and end with an "
     "alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for "
     "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"},
    {"empty image", e_empty_image, "spec.template.spec.containers[0].image: Required value"},
};

START_TEST(test_refused_spec_changes_nothing)
{
    rollout_spec *s;
    rollout_deployment *d;
    char *before, *after;

    apply_seed();
    ck_assert_int_eq(rollout_engine_save(&before, fh->e), 0);
    s = fh_seed_spec("test", 3, "img:v2", 8000);
    refusals[_i].edit(s);
    ck_assert_int_eq(rollout_engine_apply(NULL, fh->e, s), ROLLOUT_EVALIDATION);
    ck_assert_msg(strcmp(rollout_engine_errmsg(fh->e), refusals[_i].message) == 0,
                  "%s: got \"%s\"", refusals[_i].name, rollout_engine_errmsg(fh->e));
    rollout_spec_free(s);
    ck_assert_int_eq(fh_tick(fh), 0);
    ck_assert_int_eq(rollout_engine_save(&after, fh->e), 0);
    ck_assert_str_eq(before, after);
    ck_assert_int_eq(rollout_engine_find_deployment(&d, fh->e, NS, "test"), 0);
    ck_assert_int_eq(rollout_deployment_generation(d), 1);
    rollout_free(before);
    rollout_free(after);
}
END_TEST

/* A refused first apply creates nothing. */
START_TEST(test_refused_create_creates_nothing)
{
    rollout_spec *s = fh_seed_spec("Bad_Name", 1, "img", 80);

    ck_assert_int_eq(rollout_engine_apply(NULL, fh->e, s), ROLLOUT_EVALIDATION);
    ck_assert_str_eq(rollout_engine_errmsg(fh->e),
                     "metadata.name: a lowercase RFC 1123 subdomain must consist of "
                     "lower case alphanumeric characters, '-' or '.', and must start "
                     "and end with an alphanumeric character (e.g. 'example.com', "
                     "regex used for validation is "
                     "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
    rollout_spec_free(s);
    ck_assert_int_eq(rollout_engine_deployment_count(fh->e), 0);
    s = fh_seed_spec("empty", 1, "img", 80);
    ck_assert_int_eq(rollout_spec_set_template_label(s, "app", NULL), 0);
    ck_assert_int_eq(rollout_engine_apply(NULL, fh->e, s), ROLLOUT_EVALIDATION);
    rollout_spec_free(s);
    ck_assert_int_eq(rollout_engine_deployment_count(fh->e), 0);
    ck_assert_int_eq(fh_tick(fh), 0);
    ck_assert_int_eq(fh->log_len, 0);
}
END_TEST

START_TEST(test_apply_outcomes)
{
    rollout_spec *s = fh_seed_spec("test", 3, "img:v1", 8000);
    rollout_deployment *d;
    int outcome;

    ck_assert_int_eq(rollout_engine_apply(&outcome, fh->e, s), 0);
    ck_assert_int_eq(outcome, ROLLOUT_APPLY_CREATED);
    ck_assert_int_eq(rollout_engine_apply(&outcome, fh->e, s), 0);
    ck_assert_int_eq(outcome, ROLLOUT_APPLY_UNCHANGED);
    /* metadata only: configured, no new generation */
    ck_assert_int_eq(rollout_spec_set_annotation(s, "kubernetes.io/change-cause",
                                                 "first"), 0);
    ck_assert_int_eq(rollout_engine_apply(&outcome, fh->e, s), 0);
    ck_assert_int_eq(outcome, ROLLOUT_APPLY_CONFIGURED);
    ck_assert_int_eq(rollout_engine_find_deployment(&d, fh->e, NS, "test"), 0);
    ck_assert_int_eq(rollout_deployment_generation(d), 1);
    ck_assert_int_eq(rollout_spec_set_replicas(s, 4), 0);
    ck_assert_int_eq(rollout_engine_apply(&outcome, fh->e, s), 0);
    ck_assert_int_eq(outcome, ROLLOUT_APPLY_CONFIGURED);
    ck_assert_int_eq(rollout_deployment_generation(d), 2);
    rollout_spec_free(s);
    /* the change cause reaches the revision */
    ck_assert_int_eq(fh_tick(fh), 0);
    ck_assert_str_eq(rollout_revision_change_cause(rollout_deployment_revision_at(d, 0)),
                     "first");
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("api");
    TCase *tc = tcase_create("misuse");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_constructors);
    tcase_add_test(tc, test_null_engine);
    tcase_add_test(tc, test_null_objects);
    tcase_add_test(tc, test_strerror_and_versions);
    tcase_add_test(tc, test_unknown_names);
    tcase_add_test(tc, test_reports_repeated_and_out_of_order);
    tcase_add_test(tc, test_calls_from_inside_callbacks);
    tcase_add_test(tc, test_failing_callback);
    tcase_add_test(tc, test_failing_timer_callback);
    tcase_add_test(tc, test_free_from_callback);
    tcase_add_test(tc, test_free_from_clock_on_error_path);
    suite_add_tcase(s, tc);
    tc = tcase_create("validation");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_refused_spec_changes_nothing, 0,
                        (int)(sizeof(refusals) / sizeof(refusals[0])));
    tcase_add_test(tc, test_refused_create_creates_nothing);
    tcase_add_test(tc, test_apply_outcomes);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return fh_run_suite(suite());
}
