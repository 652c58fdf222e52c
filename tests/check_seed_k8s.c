/*
 * The seed's Kubernetes walk-through (../shared/seed/README.md), driven by
 * the fake host: 3 replicas of v1.1.0, then v1.1.1 with maxSurge 1 and
 * maxUnavailable 1; history, undo, undo to revision 2, pause with a
 * template change, resume.  Every replica-set size and every rollout
 * status line along the way is asserted.
 *
 * Sizes read "rN=DESIRED/CURRENT/READY/AVAILABLE" per revision N.
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
    fh->watch_ns = NS;
    fh->watch_name = "test";
    fh->max_total = 4;     /* replicas 3 + maxSurge 1 */
    fh->min_available = 2; /* replicas 3 - maxUnavailable 1 */
}

static void teardown(void)
{
    fh_free(fh);
    fh = NULL;
}

#define assert_sets(want)                                                    \
    do {                                                                     \
        char *got_ = fh_sets(fh, NS, "test");                                \
        ck_assert_str_eq(got_, want);                                        \
        free(got_);                                                          \
    } while (0)

#define assert_status(want) ck_assert_str_eq(fh_status(fh, NS, "test"), want)

static void apply(rollout_spec *s, int want_outcome)
{
    int outcome = 0;

    ck_assert_int_eq(rollout_engine_apply(&outcome, fh->e, s), 0);
    ck_assert_int_eq(outcome, want_outcome);
    rollout_spec_free(s);
}

static rollout_deployment *deployment(void)
{
    rollout_deployment *d;

    ck_assert_int_eq(rollout_engine_find_deployment(&d, fh->e, NS, "test"), 0);
    return d;
}

static const char *rs_name(int64_t rev)
{
    return fh_rs_of_revision(fh, NS, "test", rev);
}

/* Makes COUNT replicas of revision REV ready, then ticks. */
static void ready(int64_t rev, int count)
{
    ck_assert_int_eq(fh_report_rs(fh, rs_name(rev), ROLLOUT_PHASE_PENDING,
                                  ROLLOUT_PHASE_READY, count),
                     count);
    ck_assert_int_eq(fh_tick(fh), 0);
}

static void v1_rolled_out(void)
{
    apply(fh_seed_spec("test", 3, "hub.docker.com:xxxx/xxxxxx:v1.1.0", 8000),
          ROLLOUT_APPLY_CREATED);
    assert_status("Waiting for deployment spec update to be observed...");
    ck_assert_int_eq(fh_tick(fh), 0);
    assert_sets("r1=3/3/0/0");
    assert_status("Waiting for deployment \"test\" rollout to finish: "
                  "0 of 3 updated replicas are available...");
    ready(1, 1);
    assert_status("Waiting for deployment \"test\" rollout to finish: "
                  "1 of 3 updated replicas are available...");
    ready(1, 1);
    assert_status("Waiting for deployment \"test\" rollout to finish: "
                  "2 of 3 updated replicas are available...");
    ready(1, 1);
    assert_sets("r1=3/3/3/3");
    assert_status("deployment \"test\" successfully rolled out");
}

START_TEST(test_v1_creation)
{
    char *log;

    v1_rolled_out();
    log = fh_log_since(fh, 0);
    ck_assert_ptr_nonnull(strstr(log, "event Normal ScalingReplicaSet Scaled up "
                                      "replica set "));
    ck_assert_int_eq(fh_log_count(fh, 0, "create "), 3);
    ck_assert_int_eq(fh_log_count(fh, 0, "delete "), 0);
    free(log);
}
END_TEST

/* The update to v1.1.1, step by step. */
START_TEST(test_rolling_update)
{
    size_t mark;
    char *log, up1[160], down2[160], up2[160];
    const char *h1, *h2;

    v1_rolled_out();
    mark = fh->log_len;
    apply(fh_seed_spec("test", 3, "hub.docker.com:xxxx/xxxxxx:v1.1.1", 8888),
          ROLLOUT_APPLY_CONFIGURED);
    assert_status("Waiting for deployment spec update to be observed...");
    ck_assert_int_eq(fh_tick(fh), 0);
    /* new up to 1 (surge), old down to 2 (unavailable), new up to 2 */
    assert_sets("r1=2/2/2/2 r2=2/2/0/0");
    assert_status("Waiting for deployment \"test\" rollout to finish: "
                  "2 out of 3 new replicas have been updated...");
    h1 = rs_name(1);
    h2 = rs_name(2);
    log = fh_log_since(fh, mark);
    /* the order: up, down, up */
    snprintf(up1, sizeof(up1), "event Normal ScalingReplicaSet Scaled up replica "
             "set %s to 1\n", h2);
    snprintf(down2, sizeof(down2), "event Normal ScalingReplicaSet Scaled down "
             "replica set %s to 2 from 3\n", h1);
    snprintf(up2, sizeof(up2), "event Normal ScalingReplicaSet Scaled up replica "
             "set %s to 2 from 1\n", h2);
    ck_assert_msg(strstr(log, up1) && strstr(log, down2) && strstr(log, up2), "%s",
                  log);
    ck_assert(strstr(log, up1) < strstr(log, down2));
    ck_assert(strstr(log, down2) < strstr(log, up2));
    free(log);
    ck_assert_int_eq(fh_log_count(fh, mark, "create "), 2);
    ck_assert_int_eq(fh_log_count(fh, mark, "delete "), 1);

    ready(2, 1);
    assert_sets("r1=1/1/1/1 r2=3/3/1/1");
    assert_status("Waiting for deployment \"test\" rollout to finish: "
                  "1 old replicas are pending termination...");
    ready(2, 1);
    assert_sets("r1=0/0/0/0 r2=3/3/2/2");
    /* the seed's line */
    assert_status("Waiting for deployment \"test\" rollout to finish: "
                  "2 of 3 updated replicas are available...");
    ready(2, 1);
    assert_sets("r1=0/0/0/0 r2=3/3/3/3");
    assert_status("deployment \"test\" successfully rolled out");
    ck_assert_int_eq(fh_log_count(fh, mark, "create "), 3);
    ck_assert_int_eq(fh_log_count(fh, mark, "delete "), 3);
    ck_assert_str_eq(rollout_replica_set_annotation(
                         rollout_revision_replica_set(
                             rollout_deployment_revision_at(deployment(), 1)),
                         "deployment.kubernetes.io/revision"),
                     "2");
}
END_TEST

static void v2_rolled_out(void)
{
    v1_rolled_out();
    apply(fh_seed_spec("test", 3, "hub.docker.com:xxxx/xxxxxx:v1.1.1", 8888),
          ROLLOUT_APPLY_CONFIGURED);
    ck_assert_int_eq(fh_tick(fh), 0);
    ready(2, 1);
    ready(2, 1);
    ready(2, 1);
    assert_status("deployment \"test\" successfully rolled out");
}

START_TEST(test_conditions_when_complete)
{
    rollout_deployment *d;
    const char *status, *reason, *message;
    size_t i;
    char want[128];

    v2_rolled_out();
    d = deployment();
    ck_assert_int_eq(rollout_deployment_condition_count(d), 2);
    ck_assert_int_eq(rollout_deployment_find_condition(&i, d, "Available"), 0);
    ck_assert_int_eq(rollout_deployment_condition_at(NULL, &status, &reason, &message,
                                                     NULL, NULL, d, i),
                     0);
    ck_assert_str_eq(status, "True");
    ck_assert_str_eq(reason, "MinimumReplicasAvailable");
    ck_assert_str_eq(message, "Deployment has minimum availability.");
    ck_assert_int_eq(rollout_deployment_find_condition(&i, d, "Progressing"), 0);
    ck_assert_int_eq(rollout_deployment_condition_at(NULL, &status, &reason, &message,
                                                     NULL, NULL, d, i),
                     0);
    ck_assert_str_eq(status, "True");
    ck_assert_str_eq(reason, "NewReplicaSetAvailable");
    snprintf(want, sizeof(want), "ReplicaSet \"%s\" has successfully progressed.",
             rs_name(2));
    ck_assert_str_eq(message, want);
    ck_assert_int_eq(rollout_deployment_count(d, ROLLOUT_COUNT_CURRENT), 3);
    ck_assert_int_eq(rollout_deployment_count(d, ROLLOUT_COUNT_UPDATED), 3);
    ck_assert_int_eq(rollout_deployment_count(d, ROLLOUT_COUNT_READY), 3);
    ck_assert_int_eq(rollout_deployment_count(d, ROLLOUT_COUNT_AVAILABLE), 3);
    ck_assert_int_eq(rollout_deployment_count(d, ROLLOUT_COUNT_UNAVAILABLE), 0);
    ck_assert_int_eq(rollout_deployment_generation(d), 2);
    ck_assert_int_eq(rollout_deployment_observed_generation(d), 2);
    ck_assert_int_eq(rollout_deployment_revision(d), 2);
}
END_TEST

/* rollout history, undo, undo --to-revision=2. */
START_TEST(test_history_and_undo)
{
    rollout_deployment *d;
    rollout_replica_set *rs;
    const char *h1, *h2;
    int outcome = 0;

    v2_rolled_out();
    d = deployment();
    ck_assert_int_eq(rollout_deployment_revision_count(d), 2);
    ck_assert_int_eq(rollout_revision_number(rollout_deployment_revision_at(d, 0)), 1);
    ck_assert_int_eq(rollout_revision_number(rollout_deployment_revision_at(d, 1)), 2);
    ck_assert_ptr_null(rollout_revision_change_cause(rollout_deployment_revision_at(d, 0)));
    h1 = rs_name(1);
    h2 = rs_name(2);
    ck_assert_str_ne(h1, h2);
    ck_assert_int_eq(strncmp(h1, "test-", 5), 0);

    /* undo: back to revision 1, which becomes revision 3 */
    ck_assert_int_eq(rollout_engine_undo(&outcome, fh->e, NS, "test", 0), 0);
    ck_assert_int_eq(outcome, ROLLOUT_UNDO_ROLLED_BACK);
    ck_assert_int_eq(fh_tick(fh), 0);
    assert_sets("r2=2/2/2/2 r3=2/2/0/0");
    ck_assert_str_eq(rs_name(3), h1);
    rs = rollout_revision_replica_set(rollout_deployment_revision_at(d, 1));
    ck_assert_str_eq(rollout_replica_set_annotation(
                         rs, "deployment.kubernetes.io/revision-history"),
                     "1");
    assert_status("Waiting for deployment \"test\" rollout to finish: "
                  "2 out of 3 new replicas have been updated...");
    ready(3, 1);
    assert_sets("r2=1/1/1/1 r3=3/3/1/1");
    ready(3, 2);
    assert_sets("r2=0/0/0/0 r3=3/3/3/3");
    assert_status("deployment \"test\" successfully rolled out");
    ck_assert_int_eq(rollout_deployment_revision(d), 3);

    /* undo --to-revision=2: revision 2 becomes revision 4 */
    ck_assert_int_eq(rollout_engine_undo(&outcome, fh->e, NS, "test", 2), 0);
    ck_assert_int_eq(outcome, ROLLOUT_UNDO_ROLLED_BACK);
    ck_assert_int_eq(fh_tick(fh), 0);
    assert_sets("r3=2/2/2/2 r4=2/2/0/0");
    ck_assert_str_eq(rs_name(4), h2);
    ready(4, 1);
    assert_sets("r3=1/1/1/1 r4=3/3/1/1");
    ready(4, 2);
    assert_sets("r3=0/0/0/0 r4=3/3/3/3");
    assert_status("deployment \"test\" successfully rolled out");

    /* the revisions that are gone cannot be found; the current one skips */
    ck_assert_int_eq(rollout_engine_undo(&outcome, fh->e, NS, "test", 2),
                     ROLLOUT_ENOTFOUND);
    ck_assert_str_eq(rollout_engine_errmsg(fh->e),
                     "unable to find specified revision 2 in history");
    ck_assert_int_eq(rollout_engine_undo(&outcome, fh->e, NS, "test", 4), 0);
    ck_assert_int_eq(outcome, ROLLOUT_UNDO_SKIPPED);
}
END_TEST

/* Pause: a template change starts nothing; resume starts the rollout. */
START_TEST(test_pause_and_resume)
{
    rollout_spec *s;
    size_t c, mark;

    v2_rolled_out();
    ck_assert_int_eq(rollout_engine_pause(fh->e, NS, "test"), 0);
    ck_assert_int_eq(rollout_engine_pause(fh->e, NS, "test"), ROLLOUT_ESTATE);
    ck_assert_str_eq(rollout_engine_errmsg(fh->e),
                     "deployments.apps \"test\" is already paused");
    ck_assert_int_eq(fh_tick(fh), 0);

    ck_assert_int_eq(rollout_deployment_spec(&s, deployment()), 0);
    ck_assert_int_eq(rollout_spec_find_container(&c, s, "test"), 0);
    ck_assert_int_eq(rollout_spec_container_set_image(s, c,
                                                      "hub.docker.com:xxxx/xxxxxx:v1.1.2"),
                     0);
    mark = fh->log_len;
    apply(s, ROLLOUT_APPLY_CONFIGURED);
    ck_assert_int_eq(fh_tick(fh), 0);
    ck_assert_int_eq(fh_tick(fh), 0);
    assert_sets("r1=0/0/0/0 r2=3/3/3/3");
    ck_assert_int_eq(fh_log_count(fh, mark, "create "), 0);
    ck_assert_int_eq(fh_log_count(fh, mark, "delete "), 0);
    assert_status("Waiting for deployment \"test\" rollout to finish: "
                  "0 out of 3 new replicas have been updated...");
    ck_assert_int_eq(rollout_engine_undo(NULL, fh->e, NS, "test", 0), ROLLOUT_ESTATE);
    ck_assert_str_eq(rollout_engine_errmsg(fh->e),
                     "you cannot rollback a paused deployment; resume it first "
                     "with 'kubectl rollout resume' and try again");

    ck_assert_int_eq(rollout_engine_resume(fh->e, NS, "test"), 0);
    ck_assert_int_eq(fh_tick(fh), 0);
    assert_sets("r1=0/0/0/0 r2=2/2/2/2 r3=2/2/0/0");
    ready(3, 1);
    ready(3, 2);
    assert_sets("r1=0/0/0/0 r2=0/0/0/0 r3=3/3/3/3");
    assert_status("deployment \"test\" successfully rolled out");
}
END_TEST

/* The pod-template-hash is FNV-32a of the canonical template (compact JSON,
 * sorted keys), printed in decimal and mapped to the safe alphabet: the
 * same on every run and machine.  Computed here on its own. */
static void expected_name(char *out, size_t size, const char *canonical)
{
    static const char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
    uint32_t h = 2166136261u;
    char decimal[16];
    const char *p;
    size_t i;

    for (p = canonical; *p; p++) {
        h ^= (unsigned char)*p;
        h *= 16777619u;
    }
    snprintf(decimal, sizeof(decimal), "%u", (unsigned int)h);
    for (i = 0; decimal[i]; i++)
        decimal[i] = alphabet[(unsigned char)decimal[i] % 27];
    snprintf(out, size, "test-%s", decimal);
}

START_TEST(test_template_hash_is_stable)
{
    static const char v110[] =
        "{\"metadata\":{\"labels\":{\"app\":\"test\"}},\"spec\":{\"containers\":"
        "[{\"args\":[\"-m\",\"SimpleHTTPServer\"],\"command\":[\"python\"],"
        "\"image\":\"hub.docker.com:xxxx/xxxxxx:v1.1.0\",\"name\":\"test\","
        "\"ports\":[{\"containerPort\":8000}]}]}}";
    rollout_revision *rev;
    char want[64];

    v1_rolled_out();
    ck_assert_int_eq(rollout_deployment_find_revision(&rev, deployment(), 1), 0);
    ck_assert_str_eq(rollout_revision_template(rev), v110);
    expected_name(want, sizeof(want), v110);
    ck_assert_str_eq(rs_name(1), want);
    ck_assert_str_eq(rollout_revision_hash(rev), want + strlen("test-"));
    /* each replica is named after its set */
    ck_assert_int_eq(strncmp(rollout_replica_name(rollout_replica_set_replica_at(
                                 rollout_revision_replica_set(rev), 0)),
                             want, strlen(want)),
                     0);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("seed-kubernetes");
    TCase *tc = tcase_create("walk-through");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_v1_creation);
    tcase_add_test(tc, test_rolling_update);
    tcase_add_test(tc, test_conditions_when_complete);
    tcase_add_test(tc, test_history_and_undo);
    tcase_add_test(tc, test_pause_and_resume);
    tcase_add_test(tc, test_template_hash_is_stable);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return fh_run_suite(suite());
}
