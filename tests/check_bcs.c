/*
 * The BCS dialect on the fake host: the seed's walk-through (create
 * test1-1-0.json, update to test1-1-1.json) with the application rows at
 * each step, the step timing, and the operations and their refusals.
 *
 * Rows read "NAME STATUS INSTANCE RUNNING MESSAGE" per application.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakehost.h"

#define NS "defaultGroup"

static fakehost *fh;

static void setup(void)
{
    fh = fh_new();
    fh->now = 1562517092000; /* 2019-07-08 00:31:32 +0800 */
}

static void teardown(void)
{
    fh_free(fh);
    fh = NULL;
}

/* A seed manifest, read from the test data. */
static rollout_spec *seed(const char *file)
{
    const char *top = getenv("top_srcdir");
    char path[1024];
    rollout_parse_error err;
    rollout_spec *s = NULL;
    rollout_manifest *m;
    int rc;

    snprintf(path, sizeof(path), "%s/tests/data/seed/%s", top ? top : ".", file);
    rc = rollout_manifest_parse_file(&m, path, ROLLOUT_DIALECT_BCS, &err);
    ck_assert_msg(rc == 0, "%s:%d:%d: %s", err.source, err.line, err.column, err.text);
    ck_assert_int_eq(rollout_manifest_count(m), 1);
    ck_assert_int_eq(rollout_spec_dup(&s, rollout_manifest_spec(m, 0)), 0);
    rollout_manifest_free(m);
    return s;
}

/* Every application's row, sorted by name. */
static char *rows(void)
{
    char *out = NULL, *lines[64];
    size_t len = 0, n = 0, i, j;
    FILE *f = open_memstream(&out, &len);

    ck_assert_ptr_nonnull(f);
    for (i = 0; i < rollout_engine_deployment_count(fh->e); i++) {
        rollout_deployment *d = rollout_engine_deployment_at(fh->e, i);

        for (j = 0; j < rollout_deployment_replica_set_count(d) && n < 64; j++) {
            rollout_replica_set *rs = rollout_deployment_replica_set_at(d, j);
            char *line = NULL;
            size_t l = 0;
            FILE *g = open_memstream(&line, &l);

            fprintf(g, "%s %s %d %d %s", rollout_replica_set_name(rs),
                    rollout_replica_set_status_name(rs),
                    rollout_replica_set_count(rs, ROLLOUT_COUNT_DESIRED),
                    rollout_replica_set_count(rs, ROLLOUT_COUNT_RUNNING),
                    rollout_replica_set_message(rs));
            fclose(g);
            lines[n++] = line;
        }
    }
    for (i = 0; i < n; i++)
        for (j = i + 1; j < n; j++)
            if (strcmp(lines[j], lines[i]) < 0) {
                char *t = lines[i];

                lines[i] = lines[j];
                lines[j] = t;
            }
    for (i = 0; i < n; i++) {
        fprintf(f, "%s%s", i ? "\n" : "", lines[i]);
        free(lines[i]);
    }
    fclose(f);
    return out;
}

#define assert_rows(want)                                                    \
    do {                                                                     \
        char *got_ = rows();                                                 \
        ck_assert_str_eq(got_, want);                                        \
        free(got_);                                                          \
    } while (0)

static rollout_deployment *deployment(void)
{
    rollout_deployment *d;

    ck_assert_int_eq(rollout_engine_find_deployment(&d, fh->e, NS, "test"), 0);
    return d;
}

/* Reports every taskgroup of APP in phase FROM as PHASE; how many. */
static int report_app(const char *app, rollout_phase from, rollout_phase phase)
{
    return fh_report_rs(fh, app, from, phase, 1000);
}

static void create_v110(void)
{
    rollout_spec *s = seed("test1-1-0.json");

    ck_assert_int_eq(rollout_engine_create(fh->e, s), 0);
    rollout_spec_free(s);
    ck_assert_int_eq(fh_tick(fh), 0);
    ck_assert_str_eq(rollout_deployment_status_name(deployment()), "Running");
    assert_rows("test Deploying 2 0 some pods in staing or starting");
    ck_assert_int_eq(report_app("test", ROLLOUT_PHASE_PENDING, ROLLOUT_PHASE_READY), 2);
    ck_assert_int_eq(fh_tick(fh), 0);
    assert_rows("test Running 2 2 application is running");
}

START_TEST(test_create)
{
    rollout_replica_set *app;
    rollout_replica *r;
    char want[128];

    create_v110();
    app = rollout_deployment_application(deployment());
    ck_assert_str_eq(rollout_replica_set_name(app), "test");
    r = rollout_replica_set_replica_at(app, 0);
    snprintf(want, sizeof(want), "%lld.test.defaultGroup.Unnamed.%lld",
             (long long)rollout_replica_index(r), 1562517092000LL * 1000000LL);
    ck_assert_str_eq(rollout_replica_name(r), want);
    ck_assert_str_eq(rollout_replica_status_name(r), "Running");
}
END_TEST

/* The seed's update: CreateFirst, one taskgroup per half, 60 s between
 * steps, the seed's listing moment, and the finish. */
START_TEST(test_seed_update)
{
    rollout_spec *s;
    char v[64], row[256];
    int64_t step1_end, t;

    create_v110();
    fh->gone_on_delete = false;
    fh->now += 11000; /* the seed's new application is 11 s younger */
    s = seed("test1-1-1.json");
    ck_assert_int_eq(rollout_engine_update(fh->e, s), 0);
    rollout_spec_free(s);
    snprintf(v, sizeof(v), "test-v%lld", (long long)(fh->now / 1000));
    ck_assert_str_eq(v, "test-v1562517103"); /* the seed's name */
    ck_assert_str_eq(rollout_deployment_status_name(deployment()), "Update");

    /* step 1 at once: the start half creates one taskgroup of the new app */
    ck_assert_int_eq(fh_tick(fh), 0);
    snprintf(row, sizeof(row),
             "test RollingUpdate 2 2 application is running\n"
             "%s RollingUpdate 2 0 have not enough resources to launch application",
             v);
    assert_rows(row);
    ck_assert_int_eq(report_app(v, ROLLOUT_PHASE_PENDING, ROLLOUT_PHASE_READY), 1);
    ck_assert_int_eq(fh_tick(fh), 0);
    /* the delete half kills the old index 1: the seed's listing */
    snprintf(row, sizeof(row),
             "test RollingUpdate 2 1 application is abnormal\n"
             "%s RollingUpdate 2 1 have not enough resources to launch application",
             v);
    assert_rows(row);
    ck_assert_int_eq(fh_log_count(fh, 0, "delete 1.test."), 1);
    ck_assert_int_eq(fh_reap(fh), 1);
    ck_assert_int_eq(fh_tick(fh), 0);
    step1_end = fh->now;
    /* the next step waits strictly more than upgradeDuration (60 s) */
    ck_assert_int_eq(rollout_engine_next_deadline(&t, fh->e), 0);
    ck_assert_int_eq(t, 60001);
    ck_assert_int_eq(fh_advance(fh, 60000), 0);
    ck_assert_int_eq(report_app(v, ROLLOUT_PHASE_PENDING, ROLLOUT_PHASE_READY), 0);
    ck_assert_int_eq(fh_advance(fh, 1), 0);
    ck_assert_int_eq(fh->now - step1_end, 60001);
    ck_assert_int_eq(report_app(v, ROLLOUT_PHASE_PENDING, ROLLOUT_PHASE_READY), 1);
    ck_assert_int_eq(fh_tick(fh), 0);
    ck_assert_int_eq(fh_log_count(fh, 0, "delete 0.test."), 1);
    ck_assert_int_eq(fh_reap(fh), 1);
    ck_assert_int_eq(fh_tick(fh), 0);
    /* finished: only the new application, bound and running */
    snprintf(row, sizeof(row), "%s Running 2 2 application is running", v);
    assert_rows(row);
    ck_assert_str_eq(rollout_deployment_status_name(deployment()), "Running");
    ck_assert_str_eq(rollout_replica_set_name(rollout_deployment_application(deployment())),
                     v);
    ck_assert_ptr_null(rollout_deployment_application_ext(deployment()));
    ck_assert_int_eq(rollout_engine_next_deadline(&t, fh->e), 0);
    ck_assert_int_eq(t, -1);
}
END_TEST

/* The seed's update, with changes to its strategy. */
static rollout_spec *update_spec(const char *order, bool manual)
{
    rollout_spec *s = seed("test1-1-1.json");
    char *json = NULL;
    rollout_parse_error err;
    rollout_spec *t;
    char *at;

    ck_assert_int_eq(rollout_spec_write(&json, s, ROLLOUT_FORMAT_JSON), 0);
    rollout_spec_free(s);
    at = strstr(json, "CreateFirst");
    ck_assert_ptr_nonnull(at);
    if (order)
        memcpy(at, order, 11);
    if (manual) {
        at = strstr(json, "\"rollingManually\": false");
        ck_assert_ptr_nonnull(at);
        memcpy(at, "\"rollingManually\": true ", 24);
    }
    ck_assert_msg(rollout_spec_parse(&t, json, strlen(json), "update.json", 0, &err) == 0,
                  "%s", err.text);
    rollout_free(json);
    return t;
}

static void start_update(rollout_spec *s)
{
    ck_assert_int_eq(rollout_engine_update(fh->e, s), 0);
    rollout_spec_free(s);
    ck_assert_int_eq(fh_tick(fh), 0);
}

static const char *ext_name(void)
{
    return rollout_replica_set_name(rollout_deployment_application_ext(deployment()));
}

START_TEST(test_pause_holds_and_resume_continues)
{
    int64_t t;

    create_v110();
    start_update(update_spec(NULL, false));
    /* pausing lets the step in flight finish; no new step begins */
    ck_assert_int_eq(rollout_engine_pause(fh->e, NS, "test"), 0);
    ck_assert_str_eq(rollout_deployment_status_name(deployment()), "UpdatePaused");
    ck_assert_int_eq(rollout_engine_pause(fh->e, NS, "test"), ROLLOUT_ESTATE);
    ck_assert_str_eq(rollout_engine_errmsg(fh->e), "deployment is not in updating");
    ck_assert_int_eq(report_app(ext_name(), ROLLOUT_PHASE_PENDING, ROLLOUT_PHASE_READY), 1);
    ck_assert_int_eq(fh_tick(fh), 0);
    ck_assert_int_eq(fh_advance(fh, 600000), 0);
    ck_assert_int_eq(rollout_replica_set_count(rollout_deployment_application_ext(deployment()),
                                               ROLLOUT_COUNT_BUILT),
                     1);
    ck_assert_int_eq(rollout_engine_next_deadline(&t, fh->e), 0);
    ck_assert_int_eq(t, -1);
    ck_assert_int_eq(rollout_engine_resume(fh->e, NS, "test"), 0);
    ck_assert_int_eq(rollout_engine_resume(fh->e, NS, "test"), ROLLOUT_ESTATE);
    ck_assert_str_eq(rollout_engine_errmsg(fh->e),
                     "deployment is not update paused or suspend");
    ck_assert_int_eq(fh_tick(fh), 0);
    ck_assert_int_eq(rollout_replica_set_count(rollout_deployment_application_ext(deployment()),
                                               ROLLOUT_COUNT_BUILT),
                     2);
}
END_TEST

START_TEST(test_cancel_restores)
{
    char row[256];

    create_v110();
    start_update(update_spec(NULL, false));
    ck_assert_int_eq(report_app(ext_name(), ROLLOUT_PHASE_PENDING, ROLLOUT_PHASE_READY), 1);
    ck_assert_int_eq(fh_tick(fh), 0);
    /* the old index 1 was killed; cancel gives it back */
    ck_assert_int_eq(rollout_engine_cancel(fh->e, NS, "test"), 0);
    ck_assert_int_eq(fh_tick(fh), 0);
    ck_assert_str_eq(rollout_deployment_status_name(deployment()), "Running");
    ck_assert_ptr_null(rollout_deployment_application_ext(deployment()));
    ck_assert_int_eq(report_app("test", ROLLOUT_PHASE_PENDING, ROLLOUT_PHASE_READY), 1);
    ck_assert_int_eq(fh_tick(fh), 0);
    assert_rows("test Running 2 2 application is running");
    snprintf(row, sizeof(row), "%s", "test1-1-0");
    /* the definition before the update is back */
    {
        rollout_spec *s;
        char *json;

        ck_assert_int_eq(rollout_deployment_spec(&s, deployment()), 0);
        ck_assert_int_eq(rollout_spec_write(&json, s, ROLLOUT_FORMAT_JSON), 0);
        ck_assert_ptr_nonnull(strstr(json, "v1.1.0"));
        rollout_free(json);
        rollout_spec_free(s);
    }
    ck_assert_int_eq(rollout_engine_cancel(fh->e, NS, "test"), ROLLOUT_ESTATE);
    ck_assert_str_eq(rollout_engine_errmsg(fh->e), "deployment is in not rollingupdate");
}
END_TEST

/* Upstream refuses a cancel while a delete half runs; here the kills in
 * flight finish, then the restore follows. */
START_TEST(test_cancel_during_delete_half)
{
    create_v110();
    fh->gone_on_delete = false;
    start_update(update_spec(NULL, false));
    ck_assert_int_eq(report_app(ext_name(), ROLLOUT_PHASE_PENDING, ROLLOUT_PHASE_READY), 1);
    ck_assert_int_eq(fh_tick(fh), 0);
    ck_assert_int_eq(rollout_engine_cancel(fh->e, NS, "test"), 0);
    ck_assert_int_eq(fh_tick(fh), 0);
    ck_assert_str_eq(rollout_deployment_status_name(deployment()), "Update");
    ck_assert_int_eq(fh_reap(fh), 1);
    ck_assert_int_eq(fh_tick(fh), 0);
    ck_assert_str_eq(rollout_deployment_status_name(deployment()), "Running");
    ck_assert_int_eq(fh_reap(fh), 1); /* the new application's taskgroup */
    ck_assert_int_eq(report_app("test", ROLLOUT_PHASE_PENDING, ROLLOUT_PHASE_READY), 1);
    ck_assert_int_eq(fh_tick(fh), 0);
    assert_rows("test Running 2 2 application is running");
}
END_TEST

START_TEST(test_delete_first)
{
    char row[256];

    create_v110();
    fh->gone_on_delete = false;
    start_update(update_spec("DeleteFirst", false));
    /* the old index 1 goes first; nothing new until it is gone */
    ck_assert_int_eq(fh_log_count(fh, 0, "delete 1.test."), 1);
    ck_assert_int_eq(rollout_replica_set_count(rollout_deployment_application_ext(deployment()),
                                               ROLLOUT_COUNT_BUILT),
                     0);
    ck_assert_int_eq(fh_reap(fh), 1);
    ck_assert_int_eq(fh_tick(fh), 0);
    snprintf(row, sizeof(row),
             "test RollingUpdate 2 1 have not enough resources to launch application\n"
             "%s RollingUpdate 2 0 have not enough resources to launch application",
             ext_name());
    assert_rows(row);
}
END_TEST

START_TEST(test_rolling_manually)
{
    int64_t t;

    create_v110();
    start_update(update_spec(NULL, true));
    ck_assert_int_eq(report_app(ext_name(), ROLLOUT_PHASE_PENDING, ROLLOUT_PHASE_READY), 1);
    ck_assert_int_eq(fh_tick(fh), 0);
    ck_assert_str_eq(rollout_deployment_status_name(deployment()), "UpdatePaused");
    ck_assert_str_eq(rollout_deployment_message(deployment()), "rollingupdate paused");
    ck_assert_int_eq(fh_advance(fh, 3600000), 0);
    ck_assert_int_eq(rollout_engine_next_deadline(&t, fh->e), 0);
    ck_assert_int_eq(t, -1);
    ck_assert_int_eq(rollout_engine_resume(fh->e, NS, "test"), 0);
    ck_assert_int_eq(fh_tick(fh), 0);
    ck_assert_int_eq(report_app(ext_name(), ROLLOUT_PHASE_PENDING, ROLLOUT_PHASE_READY), 1);
    ck_assert_int_eq(fh_tick(fh), 0);
    assert_rows("test-v1562517092 Running 2 2 application is running");
}
END_TEST

/* No room for the new taskgroups: after 300 + 60 s the update suspends;
 * resume starts a fresh step, cancel recovers. */
START_TEST(test_create_timeout_suspends)
{
    int64_t t;

    create_v110();
    fh->refuse_creates = 1000;
    start_update(update_spec(NULL, false));
    ck_assert_int_eq(fh_advance(fh, 360000), 0);
    ck_assert_str_eq(rollout_deployment_status_name(deployment()), "Update");
    ck_assert_int_eq(fh_advance(fh, 1), 0);
    ck_assert_str_eq(rollout_deployment_status_name(deployment()), "UpdateSuspend");
    ck_assert_str_eq(rollout_deployment_message(deployment()),
                     "create taskgroup timeout, rollingupdate suspend");
    ck_assert_int_eq(rollout_engine_next_deadline(&t, fh->e), 0);
    ck_assert_int_eq(t, -1);
    /* resume: a fresh step, which fits now */
    fh->refuse_creates = 0;
    ck_assert_int_eq(rollout_engine_resume(fh->e, NS, "test"), 0);
    ck_assert_int_eq(fh_tick(fh), 0);
    ck_assert_str_eq(rollout_deployment_status_name(deployment()), "Update");
    ck_assert_int_eq(report_app(ext_name(), ROLLOUT_PHASE_PENDING, ROLLOUT_PHASE_READY), 1);
    ck_assert_int_eq(fh_tick(fh), 0);
    ck_assert_int_eq(rollout_engine_cancel(fh->e, NS, "test"), 0);
    ck_assert_int_eq(fh_tick(fh), 0);
    ck_assert_int_eq(report_app("test", ROLLOUT_PHASE_PENDING, ROLLOUT_PHASE_READY), 1);
    ck_assert_int_eq(fh_tick(fh), 0);
    assert_rows("test Running 2 2 application is running");
}
END_TEST

/* The seed file FILE with "instance": 2 made "instance": N, read as NAME;
 * *LINE and *COLUMN say where the value is. */
static rollout_spec *with_instance(const char *file, int n, const char *name, int *line,
                                   int *column)
{
    const char *p;
    rollout_spec *s = seed(file), *t;
    char *json = NULL, *at, *text;
    rollout_parse_error err;

    ck_assert_int_eq(rollout_spec_write(&json, s, ROLLOUT_FORMAT_JSON), 0);
    rollout_spec_free(s);
    at = strstr(json, "\"instance\": 2");
    ck_assert_ptr_nonnull(at);
    text = malloc(strlen(json) + 16);
    ck_assert_ptr_nonnull(text);
    sprintf(text, "%.*s\"instance\": %d%s", (int)(at - json), json, n,
            at + strlen("\"instance\": 2"));
    *line = 1;
    *column = 1;
    for (p = text; p < text + (at - json) + strlen("\"instance\": "); p++) {
        *column = *p == '\n' ? 1 : *column + 1;
        *line += *p == '\n';
    }
    ck_assert_msg(rollout_spec_parse(&t, text, strlen(text), name, 0, &err) == 0, "%s",
                  err.text);
    rollout_free(json);
    free(text);
    return t;
}

/* No instances: refused on create and on update, at the field, and
 * nothing changes. */
START_TEST(test_instance_refusals)
{
    static const int counts[] = {0, -1};
    rollout_spec *s;
    char *before, *after, want[256];
    size_t i;
    int line, column;

    for (i = 0; i < 2; i++) {
        s = with_instance("test1-1-0.json", counts[i], "create.json", &line, &column);
        ck_assert_int_eq(rollout_engine_create(fh->e, s), ROLLOUT_EVALIDATION);
        rollout_spec_free(s);
        snprintf(want, sizeof(want),
                 "create.json:%d:%d: spec.instance: application instances error", line,
                 column);
        ck_assert_str_eq(rollout_engine_errmsg(fh->e), want);
        ck_assert_int_eq(rollout_engine_deployment_count(fh->e), 0);
    }
    create_v110();
    ck_assert_int_eq(rollout_engine_save(&before, fh->e), 0);
    for (i = 0; i < 2; i++) {
        s = with_instance("test1-1-1.json", counts[i], "update.json", &line, &column);
        ck_assert_int_eq(rollout_engine_update(fh->e, s), ROLLOUT_EVALIDATION);
        rollout_spec_free(s);
        snprintf(want, sizeof(want), "update.json:%d:%d: spec.instance: instances error",
                 line, column);
        ck_assert_str_eq(rollout_engine_errmsg(fh->e), want);
    }
    ck_assert_int_eq(fh_tick(fh), 0);
    ck_assert_int_eq(rollout_engine_save(&after, fh->e), 0);
    ck_assert_str_eq(before, after);
    rollout_free(before);
    rollout_free(after);
}
END_TEST

START_TEST(test_update_refusals)
{
    rollout_spec *s;
    char *before, *after;

    create_v110();
    ck_assert_int_eq(rollout_engine_save(&before, fh->e), 0);
    s = update_spec("Createfirst", false);
    ck_assert_int_eq(rollout_engine_update(fh->e, s), ROLLOUT_EVALIDATION);
    ck_assert_str_eq(rollout_engine_errmsg(fh->e),
                     "update.json:30:33: spec.strategy.rollingupdate.rollingOrder: "
                     "update strategy rolling order error");
    rollout_spec_free(s);
    s = seed("test1-1-1.json");
    ck_assert_int_eq(rollout_engine_create(fh->e, s), ROLLOUT_EEXIST);
    ck_assert_str_eq(rollout_engine_errmsg(fh->e),
                     "deployment(defaultGroup.test) already exist");
    rollout_spec_free(s);
    ck_assert_int_eq(rollout_engine_save(&after, fh->e), 0);
    ck_assert_str_eq(before, after);
    rollout_free(before);
    rollout_free(after);
    ck_assert_int_eq(rollout_engine_scale(fh->e, NS, "test", 0), ROLLOUT_EINVAL);
    ck_assert_str_eq(rollout_engine_errmsg(fh->e),
                     "target instances can not be littler than 1, maybe you want to "
                     "use delete command");
    start_update(update_spec(NULL, false));
    ck_assert_int_eq(rollout_engine_scale(fh->e, NS, "test", 3), ROLLOUT_ESTATE);
    ck_assert_str_eq(rollout_engine_errmsg(fh->e),
                     "operation forbidden, the deployment status is Update");
    s = update_spec(NULL, false);
    ck_assert_int_eq(rollout_engine_update(fh->e, s), ROLLOUT_ESTATE);
    ck_assert_str_eq(rollout_engine_errmsg(fh->e),
                     "deployment is not running, cannot update");
    rollout_spec_free(s);
}
END_TEST

START_TEST(test_scale_and_delete)
{
    int64_t t;

    create_v110();
    ck_assert_int_eq(rollout_engine_scale(fh->e, NS, "test", 3), 0);
    ck_assert_int_eq(fh_tick(fh), 0);
    assert_rows("test Deploying 3 2 some pods in staing or starting");
    ck_assert_int_eq(report_app("test", ROLLOUT_PHASE_PENDING, ROLLOUT_PHASE_READY), 1);
    ck_assert_int_eq(fh_tick(fh), 0);
    assert_rows("test Running 3 3 application is running");
    ck_assert_int_eq(rollout_engine_delete(fh->e, NS, "test"), 0);
    ck_assert_int_eq(fh_tick(fh), 0);
    ck_assert_int_eq(rollout_engine_deployment_count(fh->e), 0);
    ck_assert_int_eq(fh_log_count(fh, 0, "delete "), 3);
    ck_assert_int_eq(rollout_engine_next_deadline(&t, fh->e), 0);
    ck_assert_int_eq(t, -1);
}
END_TEST

/* An application on its own, then a deployment whose selector takes it,
 * then an update of that deployment. */
START_TEST(test_adopt_application)
{
    static const char app[] =
        "{\"apiVersion\": \"v4\", \"kind\": \"application\", \"metadata\": "
        "{\"name\": \"web\", \"namespace\": \"defaultGroup\", \"labels\": "
        "{\"app\": \"web\"}}, \"spec\": {\"instance\": 2, \"template\": "
        "{\"metadata\": {\"labels\": {\"app\": \"web\"}}, \"spec\": "
        "{\"containers\": [{\"image\": \"web:1\"}]}}}}";
    static const char dep[] =
        "{\"apiVersion\": \"v4\", \"kind\": \"deployment\", \"metadata\": "
        "{\"name\": \"web-deploy\", \"namespace\": \"defaultGroup\"}, "
        "\"spec\": {\"instance\": 2, \"selector\": {\"app\": \"web\"}, "
        "\"strategy\": {\"type\": \"RollingUpdate\", \"rollingupdate\": "
        "{\"maxUnavilable\": 1, \"maxSurge\": 1, \"upgradeDuration\": 0, "
        "\"rollingOrder\": \"CreateFirst\"}}}}";
    rollout_spec *s;
    rollout_deployment *d;
    rollout_parse_error err;

    ck_assert_int_eq(rollout_spec_parse(&s, app, strlen(app), "app.json", 0, &err), 0);
    ck_assert_int_eq(rollout_spec_kind(s), ROLLOUT_KIND_APPLICATION);
    ck_assert_int_eq(rollout_engine_create(fh->e, s), 0);
    ck_assert_int_eq(rollout_engine_create(fh->e, s), ROLLOUT_EEXIST);
    ck_assert_str_eq(rollout_engine_errmsg(fh->e), "application already exist");
    rollout_spec_free(s);
    ck_assert_int_eq(fh_tick(fh), 0);
    ck_assert_int_eq(report_app("web", ROLLOUT_PHASE_PENDING, ROLLOUT_PHASE_READY), 2);
    ck_assert_int_eq(fh_tick(fh), 0);
    assert_rows("web Running 2 2 application is running");
    ck_assert_int_eq(rollout_spec_parse(&s, dep, strlen(dep), "dep.json", 0, &err), 0);
    ck_assert_int_eq(rollout_engine_create(fh->e, s), 0);
    rollout_spec_free(s);
    ck_assert_int_eq(fh_tick(fh), 0);
    ck_assert_int_eq(rollout_engine_find_deployment(&d, fh->e, NS, "web-deploy"), 0);
    ck_assert_str_eq(rollout_replica_set_name(rollout_deployment_application(d)), "web");
    ck_assert_str_eq(rollout_deployment_status_name(d), "Running");
    /* the application's taskgroups were kept */
    ck_assert_int_eq(fh_log_count(fh, 0, "delete "), 0);
    assert_rows("web Running 2 2 application is running");
}
END_TEST

START_TEST(test_snapshot_mid_update)
{
    fakehost *b = fh_new();
    char *s1, *s2, *la, *lb, ext[64];
    size_t ma, mb;
    int step;

    create_v110();
    fh->gone_on_delete = false;
    start_update(update_spec(NULL, false));
    ck_assert_int_eq(report_app(ext_name(), ROLLOUT_PHASE_PENDING, ROLLOUT_PHASE_READY), 1);
    ck_assert_int_eq(fh_tick(fh), 0);
    ck_assert_int_eq(rollout_engine_save(&s1, fh->e), 0);
    b->now = fh->now;
    b->gone_on_delete = false;
    ck_assert_int_eq(rollout_engine_restore(b->e, s1, strlen(s1)), 0);
    ck_assert_int_eq(rollout_engine_save(&s2, b->e), 0);
    ck_assert_str_eq(s1, s2);
    ma = fh->log_len;
    mb = b->log_len;
    snprintf(ext, sizeof(ext), "%s", ext_name());
    /* the same host actions on both: the kill ends, the next step comes,
     * its taskgroup gets ready, the last kill ends */
    for (step = 0; step < 2; step++) {
        fakehost *h = step ? b : fh;

        fh_reap(h);
        ck_assert_int_eq(fh_tick(h), 0);
        ck_assert_int_eq(fh_advance(h, 60001), 0);
        ck_assert_int_eq(fh_report_rs(h, ext, ROLLOUT_PHASE_PENDING,
                                      ROLLOUT_PHASE_READY, 5), 1);
        ck_assert_int_eq(fh_tick(h), 0);
        ck_assert_int_eq(fh_reap(h), 1);
        ck_assert_int_eq(fh_tick(h), 0);
    }
    la = fh_log_since(fh, ma);
    lb = fh_log_since(b, mb);
    ck_assert_str_eq(la, lb);
    /* a create and a delete: the next step's two halves */
    ck_assert_int_eq(fh->log_len - ma, 2);
    rollout_free(s1);
    rollout_free(s2);
    ck_assert_int_eq(rollout_engine_save(&s1, fh->e), 0);
    ck_assert_int_eq(rollout_engine_save(&s2, b->e), 0);
    ck_assert_str_eq(s1, s2);
    ck_assert_ptr_nonnull(strstr(s1, "\"status\": 1"));
    rollout_free(s1);
    rollout_free(s2);
    free(la);
    free(lb);
    fh_free(b);
}
END_TEST

START_TEST(test_inspect_record)
{
    char *rec;

    create_v110();
    ck_assert_int_eq(rollout_deployment_write_record(&rec, deployment()), 0);
    ck_assert_int_eq(strncmp(rec, "{\n  \"data\": {\n    \"metadata\": {", 31), 0);
    ck_assert_ptr_nonnull(strstr(rec, "\"status\": \"Running\""));
    ck_assert_ptr_nonnull(strstr(rec, "\"application_ext\": null"));
    ck_assert_ptr_nonnull(strstr(rec, "\"curr_rolling_operation\": \"\""));
    ck_assert_ptr_nonnull(strstr(rec, "\"raw_json\": {"));
    rollout_free(rec);
}
END_TEST

/* A taskgroup that fails is launched again at its index once the host
 * says it is gone: nothing is built past the target meanwhile. */
START_TEST(test_failed_taskgroup_relaunched_in_place)
{
    rollout_replica_set *app;
    rollout_replica *r = NULL;
    const char *name;
    size_t mark, i;

    create_v110();
    fh->gone_on_delete = false;
    app = rollout_deployment_application(deployment());
    for (i = 0; i < rollout_replica_set_replica_count(app); i++) {
        r = rollout_replica_set_replica_at(app, i);
        if (rollout_replica_index(r) == 0)
            break;
    }
    ck_assert_ptr_nonnull(r);
    name = rollout_replica_name(r);
    mark = fh->log_len;
    ck_assert_int_eq(rollout_engine_report(fh->e, name, ROLLOUT_PHASE_FAILED, "exit 1"),
                     0);
    ck_assert_int_eq(fh_tick(fh), 0);
    ck_assert_int_eq(fh_tick(fh), 0);
    /* one kill, no build while index 0 is held */
    ck_assert_int_eq(fh_log_count(fh, mark, "delete "), 1);
    ck_assert_int_eq(fh_log_count(fh, mark, "create "), 0);
    assert_rows("test Abnormal 2 1 application is abnormal");
    ck_assert_int_eq(fh_reap(fh), 1);
    ck_assert_int_eq(fh_tick(fh), 0);
    ck_assert_int_eq(fh_log_count(fh, mark, "create 0.test."), 1);
    ck_assert_int_eq(fh_log_count(fh, mark, "create "), 1);
    /* scaled down and up before the kill ends: index 1 waits the same way */
    mark = fh->log_len;
    ck_assert_int_eq(report_app("test", ROLLOUT_PHASE_PENDING, ROLLOUT_PHASE_READY), 1);
    ck_assert_int_eq(fh_tick(fh), 0);
    ck_assert_int_eq(rollout_engine_scale(fh->e, NS, "test", 1), 0);
    ck_assert_int_eq(fh_tick(fh), 0);
    ck_assert_int_eq(rollout_engine_scale(fh->e, NS, "test", 2), 0);
    ck_assert_int_eq(fh_tick(fh), 0);
    ck_assert_int_eq(fh_log_count(fh, mark, "create "), 0);
    ck_assert_int_eq(fh_reap(fh), 1);
    ck_assert_int_eq(fh_tick(fh), 0);
    ck_assert_int_eq(fh_log_count(fh, mark, "create 1.test."), 1);
    ck_assert_int_eq(fh_log_count(fh, mark, "create "), 1);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("bcs");
    TCase *tc = tcase_create("seed");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_create);
    tcase_add_test(tc, test_seed_update);
    suite_add_tcase(s, tc);
    tc = tcase_create("operations");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_pause_holds_and_resume_continues);
    tcase_add_test(tc, test_cancel_restores);
    tcase_add_test(tc, test_cancel_during_delete_half);
    tcase_add_test(tc, test_delete_first);
    tcase_add_test(tc, test_rolling_manually);
    tcase_add_test(tc, test_create_timeout_suspends);
    tcase_add_test(tc, test_instance_refusals);
    tcase_add_test(tc, test_update_refusals);
    tcase_add_test(tc, test_scale_and_delete);
    tcase_add_test(tc, test_adopt_application);
    tcase_add_test(tc, test_snapshot_mid_update);
    tcase_add_test(tc, test_inspect_record);
    tcase_add_test(tc, test_failed_taskgroup_relaunched_in_place);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return fh_run_suite(suite());
}
