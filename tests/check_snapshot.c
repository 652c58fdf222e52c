/*
 * Snapshots: a restored engine continues exactly where the saved one
 * stopped (the same callbacks in the same order); save, restore, save gives
 * the same bytes; a corrupt or foreign snapshot is refused with a message
 * and changes nothing.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakehost.h"

#define NS "default"

static void apply(fakehost *fh, rollout_spec *s)
{
    ck_assert_int_eq(rollout_engine_apply(NULL, fh->e, s), 0);
    rollout_spec_free(s);
}

static char *save(fakehost *fh)
{
    char *json = NULL;

    ck_assert_int_eq(rollout_engine_save(&json, fh->e), 0);
    ck_assert_ptr_nonnull(json);
    return json;
}

/* A second host restored from FH's snapshot, with FH's clock. */
static fakehost *restored(fakehost *fh)
{
    fakehost *b = fh_new();
    char *json = save(fh);

    b->now = fh->now;
    ck_assert_int_eq(rollout_engine_restore(b->e, json, strlen(json)), 0);
    rollout_free(json);
    return b;
}

/* Mid-rollout: v1 complete, v2 applied, one tick in, one replica of v2
 * refused (waiting for its retry), minReadySeconds running. */
static fakehost *mid_rollout(void)
{
    fakehost *a = fh_new();
    rollout_spec *s;

    s = fh_seed_spec("test", 5, "img:v1", 8000);
    ck_assert_int_eq(rollout_spec_set_min_ready_seconds(s, 10), 0);
    apply(a, s);
    ck_assert_int_eq(fh_tick(a), 0);
    ck_assert_int_eq(fh_report_rs(a, fh_rs_of_revision(a, NS, "test", 1),
                                  ROLLOUT_PHASE_PENDING, ROLLOUT_PHASE_READY, 5),
                     5);
    ck_assert_int_eq(fh_advance(a, 11000), 0);
    s = fh_seed_spec("test", 5, "img:v2", 8888);
    ck_assert_int_eq(rollout_spec_set_min_ready_seconds(s, 10), 0);
    apply(a, s);
    a->refuse_creates = 1;
    ck_assert_int_eq(fh_tick(a), 0);
    return a;
}

/* The same script of host actions on a host. */
static void drive(fakehost *fh)
{
    int step;

    for (step = 0; step < 12; step++) {
        const char *r2 = fh_rs_of_revision(fh, NS, "test", 2);

        fh_report_rs(fh, r2, ROLLOUT_PHASE_PENDING, ROLLOUT_PHASE_STARTING, 1);
        fh_report_rs(fh, r2, ROLLOUT_PHASE_STARTING, ROLLOUT_PHASE_READY, 1);
        ck_assert_int_eq(fh_advance(fh, 4000), 0);
        fh_settle(fh);
    }
}

START_TEST(test_restored_engine_continues_identically)
{
    fakehost *a = mid_rollout(), *b = restored(a);
    size_t mark_a = a->log_len, mark_b = b->log_len;
    char *la, *lb, *sa, *sb;

    drive(a);
    drive(b);
    la = fh_log_since(a, mark_a);
    lb = fh_log_since(b, mark_b);
    /* the rollout went on: requests were made, and identically */
    ck_assert_int_gt(fh_log_count(a, mark_a, "create "), 2);
    ck_assert_int_gt(fh_log_count(a, mark_a, "delete "), 2);
    ck_assert_str_eq(la, lb);
    ck_assert_str_eq(fh_status(a, NS, "test"),
                     "deployment \"test\" successfully rolled out");
    sa = save(a);
    sb = save(b);
    ck_assert_str_eq(sa, sb);
    free(la);
    free(lb);
    rollout_free(sa);
    rollout_free(sb);
    fh_free(a);
    fh_free(b);
}
END_TEST

START_TEST(test_save_restore_save_is_identical)
{
    fakehost *a = mid_rollout(), *b = restored(a), *c;
    char *sa = save(a), *sb = save(b), *sc;

    ck_assert_str_eq(sa, sb);
    c = restored(b);
    sc = save(c);
    ck_assert_str_eq(sb, sc);
    rollout_free(sa);
    rollout_free(sb);
    rollout_free(sc);
    fh_free(a);
    fh_free(b);
    fh_free(c);
}
END_TEST

START_TEST(test_restore_keeps_timers_and_objects)
{
    fakehost *a = mid_rollout(), *b = restored(a);
    rollout_deployment *da, *db;
    rollout_replica *r;
    int64_t ta, tb;
    size_t i;

    ck_assert_int_eq(rollout_engine_next_deadline(&ta, a->e), 0);
    ck_assert_int_eq(rollout_engine_next_deadline(&tb, b->e), 0);
    ck_assert_int_eq(ta, tb);
    ck_assert_int_gt(ta, 0);
    ck_assert_int_eq(rollout_engine_find_deployment(&da, a->e, NS, "test"), 0);
    ck_assert_int_eq(rollout_engine_find_deployment(&db, b->e, NS, "test"), 0);
    ck_assert_int_eq(rollout_deployment_generation(da),
                     rollout_deployment_generation(db));
    ck_assert_int_eq(rollout_deployment_condition_count(da),
                     rollout_deployment_condition_count(db));
    for (i = 0; i <= ROLLOUT_COUNT_UNAVAILABLE; i++)
        ck_assert_int_eq(rollout_deployment_count(da, (rollout_count)i),
                         rollout_deployment_count(db, (rollout_count)i));
    /* the refused replica keeps its reason */
    for (i = 0; i < rollout_replica_set_replica_count(rollout_deployment_new_replica_set(db));
         i++) {
        r = rollout_replica_set_replica_at(rollout_deployment_new_replica_set(db), i);
        if (rollout_replica_reason(r))
            ck_assert_str_eq(rollout_replica_reason(r), "have not enough resources");
    }
    fh_free(a);
    fh_free(b);
}
END_TEST

/* Refusals: each leaves the engine empty, with a message. */
static const struct {
    const char *name;
    const char *text;
    const char *message;
} bad_snapshots[] = {
    {"not JSON", "this is not json",
     "snapshot: line 1 column 4: '[' or '{' expected near 'this'"},
    {"empty", "", "snapshot: line 1 column 0: '[' or '{' expected near end of file"},
    {"foreign", "{\"kind\": \"Deployment\"}", "snapshot: not a librollout snapshot"},
    {"newer", "{\"format\": \"librollout-snapshot\", \"version\": 99}",
     "snapshot: version 99 is newer than this library reads (1)"},
    {"no header", "{\"format\": \"librollout-snapshot\", \"version\": 1}",
     "snapshot: bad header"},
    {"bad names", "{\"format\": \"librollout-snapshot\", \"version\": 1, \"clock\": 0, "
                  "\"nextSerial\": 1, \"names\": \"xyz\", \"deployments\": [], "
                  "\"dirty\": [], \"outbox\": []}",
     "snapshot: bad header"},
    {"bad dirty", "{\"format\": \"librollout-snapshot\", \"version\": 1, \"clock\": 0, "
                  "\"nextSerial\": 1, \"names\": \"0000000000000001\", "
                  "\"deployments\": [], \"dirty\": [0], \"outbox\": []}",
     "snapshot: bad dirty queue"},
    {"bad outbox", "{\"format\": \"librollout-snapshot\", \"version\": 1, \"clock\": 0, "
                   "\"nextSerial\": 1, \"names\": \"0000000000000001\", "
                   "\"deployments\": [], \"dirty\": [], \"outbox\": [\"x\"]}",
     "snapshot: bad outbox"},
    {"bad spec", "{\"format\": \"librollout-snapshot\", \"version\": 1, \"clock\": 0, "
                 "\"nextSerial\": 5, \"names\": \"0000000000000001\", "
                 "\"deployments\": [{\"serial\": 1, \"spec\": {}}], \"dirty\": [], "
                 "\"outbox\": []}",
     "snapshot: bad deployment spec: dialect"},
};

START_TEST(test_bad_snapshot_refused)
{
    fakehost *fh = fh_new();

    ck_assert_int_eq(rollout_engine_restore(fh->e, bad_snapshots[_i].text,
                                            strlen(bad_snapshots[_i].text)),
                     ROLLOUT_ESNAPSHOT);
    ck_assert_msg(strcmp(rollout_engine_errmsg(fh->e), bad_snapshots[_i].message) == 0,
                  "%s: got \"%s\"", bad_snapshots[_i].name,
                  rollout_engine_errmsg(fh->e));
    ck_assert_int_eq(rollout_engine_deployment_count(fh->e), 0);
    fh_free(fh);
}
END_TEST

/* A real snapshot with one field broken, in many ways: every one is
 * refused whole and the engine stays empty. */
static const struct {
    const char *find;
    const char *replace;
} corruptions[] = {
    {"\"phase\": 3", "\"phase\": 6"},
    {"\"phase\": 3", "\"phase\": \"ready\""},
    {"\"want\": 0", "\"want\": 7"},
    {"\"request\": 2", "\"request\": -1"},
    {"\"spec\": 4", "\"spec\": -4"},
    {"\"generation\": 2", "\"generation\": 0"},
    {"\"observedGeneration\": 2", "\"observedGeneration\": 9"},
    {"\"replicas\": 5,", "\"replicas\": \"5\","},
    {"\"minReadySeconds\": 10", "\"minReadySeconds\": -10"},
    {"\"hash\": \"", "\"hash\": 1, \"x\": \""},
    {"\"readySince\": -1", "\"readySince\": 5"},
    {"\"available\": true", "\"available\": 1"},
    {"\"deleting\": false", "\"deleting\": null"},
    {"\"type\": \"Available\"", "\"type\": 5"},
    {"\"serial\": 1,", "\"serial\": 999999,"},
    {"\"template\": {", "\"template\": [{"},
    {"\"revisionHistoryLimit\": 10", "\"revisionHistoryLimit\": -1"},
    {"\"progressDeadlineSeconds\": 600", "\"progressDeadlineSeconds\": 5"},
};

static char *replace_once(const char *s, const char *find, const char *repl)
{
    const char *at = strstr(s, find);
    size_t n;
    char *out;

    if (!at)
        return NULL;
    n = strlen(s) - strlen(find) + strlen(repl);
    out = malloc(n + 1);
    ck_assert_ptr_nonnull(out);
    memcpy(out, s, (size_t)(at - s));
    strcpy(out + (at - s), repl);
    strcat(out, at + strlen(find));
    return out;
}

START_TEST(test_corrupt_snapshot_refused)
{
    fakehost *a = mid_rollout(), *b = fh_new();
    char *json = save(a), *bad;

    bad = replace_once(json, corruptions[_i].find, corruptions[_i].replace);
    ck_assert_msg(bad != NULL, "\"%s\" is not in the snapshot", corruptions[_i].find);
    ck_assert_int_eq(rollout_engine_restore(b->e, bad, strlen(bad)),
                     ROLLOUT_ESNAPSHOT);
    ck_assert_msg(strncmp(rollout_engine_errmsg(b->e), "snapshot: ", 10) == 0, "%s",
                  rollout_engine_errmsg(b->e));
    ck_assert_int_eq(rollout_engine_deployment_count(b->e), 0);
    /* the engine is still empty and usable: the good snapshot goes in */
    ck_assert_int_eq(rollout_engine_restore(b->e, json, strlen(json)), 0);
    free(bad);
    rollout_free(json);
    fh_free(a);
    fh_free(b);
}
END_TEST

START_TEST(test_truncated_snapshots_refused)
{
    fakehost *a = mid_rollout(), *b = fh_new();
    char *json = save(a);
    size_t n = strlen(json), cut;

    for (cut = 0; cut < n; cut += n / 97 + 1) {
        ck_assert_int_eq(rollout_engine_restore(b->e, json, cut), ROLLOUT_ESNAPSHOT);
        ck_assert_int_eq(rollout_engine_deployment_count(b->e), 0);
    }
    rollout_free(json);
    fh_free(a);
    fh_free(b);
}
END_TEST

START_TEST(test_restore_into_busy_engine_refused)
{
    fakehost *a = mid_rollout();
    char *json = save(a);

    ck_assert_int_eq(rollout_engine_restore(a->e, json, strlen(json)), ROLLOUT_ESTATE);
    ck_assert_str_eq(rollout_engine_errmsg(a->e),
                     "a snapshot is restored into an empty engine");
    rollout_free(json);
    fh_free(a);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("snapshot");
    TCase *tc = tcase_create("continuation");

    tcase_add_test(tc, test_restored_engine_continues_identically);
    tcase_add_test(tc, test_save_restore_save_is_identical);
    tcase_add_test(tc, test_restore_keeps_timers_and_objects);
    suite_add_tcase(s, tc);
    tc = tcase_create("refusals");
    tcase_add_loop_test(tc, test_bad_snapshot_refused, 0,
                        (int)(sizeof(bad_snapshots) / sizeof(bad_snapshots[0])));
    tcase_add_loop_test(tc, test_corrupt_snapshot_refused, 0,
                        (int)(sizeof(corruptions) / sizeof(corruptions[0])));
    tcase_add_test(tc, test_truncated_snapshots_refused);
    tcase_add_test(tc, test_restore_into_busy_engine_refused);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return fh_run_suite(suite());
}
