#!/bin/sh
# rolloutctl plan: the predicted timeline, finish and availability of the
# seed's rollouts, rollouts that do not finish, and a state left as it was.
. "${srcdir:-.}/tests/rolloutctl/lib.sh"

cp "$SEED"/test1-1-0.json "$SEED"/test1-1-1.json "$SEED"/test1-1-0.yaml \
    "$SEED"/test1-1-1.yaml .

# no state: a plan on a default cluster, which is not kept (nor its lock)
ok plan -f test1-1-0.yaml
grep -q '^+3s  test-85679987bd 3/3  available 3$' out || { fail "no plan on a new cluster"; cat out; }
test ! -e state.json || fail "plan made a state file"
test ! -e state.json.lock || fail "plan made a lock file"

ok cluster init --clock manual --start 1562517092 --nodes 3
cp state.json before.json

# the seed's Kubernetes walk-through: the creation, then the update with
# maxSurge 1 and maxUnavailable 1, which keeps 2 of 3 available
ok plan -f test1-1-0.yaml -f test1-1-1.yaml
expect_out "test1-1-0.yaml, applied at 2019-07-08 00:31:32 +0800 CST:" \
    "Deployment default/test: created, 3 replicas" \
    "  test: hub.docker.com:xxxx/xxxxxx:v1.1.0" \
    "" \
    "+0s  test-85679987bd 3/0  available 0" \
    "+3s  test-85679987bd 3/3  available 3" \
    "" \
    "Deployment default/test:" \
    "  predicted finish: 2019-07-08 00:31:35 +0800 CST (+3s)" \
    "  minimum available: 0 of 3" \
    "  most replicas at once: 3" \
    "  waves: 1" \
    "" \
    "test1-1-1.yaml, applied at 2019-07-08 00:31:35 +0800 CST:" \
    "Deployment default/test: configured, 3 replicas" \
    "  test: hub.docker.com:xxxx/xxxxxx:v1.1.0 -> hub.docker.com:xxxx/xxxxxx:v1.1.1" \
    "" \
    "+0s  test-85679987bd 2/2  test-88cfd95ff 2/0  available 2" \
    "+3s  test-85679987bd 0/0  test-88cfd95ff 3/2  available 2" \
    "+6s  test-85679987bd 0/0  test-88cfd95ff 3/3  available 3" \
    "" \
    "Deployment default/test:" \
    "  predicted finish: 2019-07-08 00:31:41 +0800 CST (+6s)" \
    "  minimum available: 2 of 3" \
    "  most replicas at once: 4" \
    "  waves: 2"

# the seed's BCS walk-through: one taskgroup per step, steps more than
# upgradeDuration (60s) apart, never fewer than 2 running
ok plan -f test1-1-0.json -f test1-1-1.json
expect_out "test1-1-0.json, applied at 2019-07-08 00:31:32 +0800 CST:" \
    "deployment defaultGroup/test: created, 2 instances" \
    "  container 1: hub.docker.com:xxxx/xxxxxx:v1.1.0" \
    "" \
    "+0s  test 2/0  Running" \
    "+2s  test 2/2  Running" \
    "" \
    "deployment defaultGroup/test:" \
    "  predicted finish: 2019-07-08 00:31:34 +0800 CST (+2s)" \
    "  minimum available: 0 of 2" \
    "  most replicas at once: 2" \
    "  waves: 1" \
    "" \
    "test1-1-1.json, applied at 2019-07-08 00:31:35 +0800 CST:" \
    "deployment defaultGroup/test: updated, 2 instances" \
    "  container 1: hub.docker.com:xxxx/xxxxxx:v1.1.0 -> hub.docker.com:xxxx/xxxxxx:v1.1.1" \
    "" \
    "+0s        test 2/2  test-v1562517095 1/0  Update" \
    "+2s        test 2/2  test-v1562517095 1/1  Update" \
    "+3s        test 2/1  test-v1562517095 1/1  Update" \
    "+4s        test 1/1  test-v1562517095 1/1  Update" \
    "+1m4.001s  test 1/1  test-v1562517095 2/1  Update" \
    "+1m6.001s  test 1/1  test-v1562517095 2/2  Update" \
    "+1m7.001s  test 1/0  test-v1562517095 2/2  Update" \
    "+1m8.001s  test-v1562517095 2/2  Running" \
    "" \
    "deployment defaultGroup/test:" \
    "  predicted finish: 2019-07-08 00:32:43 +0800 CST (+1m8.001s)" \
    "  minimum available: 2 of 2" \
    "  most replicas at once: 3" \
    "  waves: 2"

# several deployments in one file: each step line names its deployment
{ cat test1-1-0.yaml; echo '---'; sed 's/test$/web/; s/replicas: 3/replicas: 1/' test1-1-1.yaml; } > two.yaml
ok plan -f two.yaml
sed -n '/^+/p' out > got
printf '%s\n' "+0s  test: test-85679987bd 3/0  available 0" \
    "+0s  web: web-85664d75df 1/0  available 0" \
    "+3s  test: test-85679987bd 3/3  available 3" \
    "+3s  web: web-85664d75df 1/1  available 1" > want
cmp -s want got || { fail "two deployments in a file"; diff -u want got || true; }
test "$(grep -c '^  predicted finish: 2019-07-08 00:31:35 +0800 CST (+3s)$' out)" = 2 ||
    { fail "two deployments: not two finishes"; cat out; }

# a BCS application on its own
cat > app.json <<'EOF'
{"apiVersion": "v4", "kind": "application",
 "metadata": {"name": "web", "namespace": "defaultGroup", "labels": {"app": "web"}},
 "spec": {"instance": 2, "template": {"metadata": {"labels": {"app": "web"}},
  "spec": {"containers": [{"image": "web:1"}]}}}}
EOF
ok plan -f app.json
expect_out "app.json, applied at 2019-07-08 00:31:32 +0800 CST:" \
    "application defaultGroup/web: created, 2 instances" \
    "  container 1: web:1" \
    "" \
    "+0s  web 2/0  Deploying" \
    "+2s  web 2/2  Running" \
    "" \
    "application defaultGroup/web:" \
    "  predicted finish: 2019-07-08 00:31:34 +0800 CST (+2s)" \
    "  minimum available: 0 of 2" \
    "  most replicas at once: 2" \
    "  waves: 1"

# --events: the simulator's own lines under each step
ok plan -f test1-1-0.yaml --events
grep -q '^     | running test-85679987bd-' out || { fail "--events shows no timeline"; cat out; }
test "$(grep -c '^+' out)" = 3 || { fail "--events shows not every instant"; cat out; }

# --limit: the update's second step comes after 30s
run plan -f test1-1-0.json -f test1-1-1.json --limit 30s
expect_rc 1
grep -qx '  does not finish: not within 30s: deployment Update; test-v1562517095 RollingUpdate "have not enough resources to launch application": 1 of 2 running' out ||
    { fail "--limit 30s: no reason"; cat out; }
grep -qx '  predicted finish: 2019-07-08 00:31:34 +0800 CST (+2s)' out ||
    fail "--limit: the creation does not finish"

# a plan writes nothing: the state is as it was
cmp -s before.json state.json || fail "plan changed the state"

# nodes too small for a surge: the BCS update suspends after 360s
ok --state small.json cluster init --clock manual --start 1562517092 --nodes 2 --cpu 0.5
cp small.json small-before.json
run plan --from small.json -f test1-1-0.json -f test1-1-1.json
expect_rc 1
sed -n '/^test1-1-1.json/,$p' out > got
printf '%s\n' "test1-1-1.json, applied at 2019-07-08 00:31:35 +0800 CST:" \
    "deployment defaultGroup/test: updated, 2 instances" \
    "  container 1: hub.docker.com:xxxx/xxxxxx:v1.1.0 -> hub.docker.com:xxxx/xxxxxx:v1.1.1" \
    "" \
    "+0s        test 2/2  test-v1562517095 0/0  Update" \
    "+6m0.001s  test 2/2  test-v1562517095 0/0  UpdateSuspend" \
    "" \
    "deployment defaultGroup/test:" \
    "  does not finish: blocked: UpdateSuspend \"create taskgroup timeout, rollingupdate suspend\" at 2019-07-08 00:37:35 +0800 CST (+6m0.001s): test-v1562517095 RollingUpdate \"have not enough resources to launch application\": 0 of 2 running" \
    "  minimum available: 2 of 2" \
    "  most replicas at once: 2" \
    "  waves: 0" > want
cmp -s want got || { fail "the suspended update"; diff -u want got || true; }
cmp -s small-before.json small.json || fail "plan --from changed its state"
cmp -s before.json state.json || fail "plan --from changed the current state"

# rollingManually: the update waits for a resume after its first step
sed 's/"rollingManually": false/"rollingManually": true/' test1-1-1.json > manual.json
run plan -f test1-1-0.json -f manual.json
expect_rc 1
grep -qx '+4s  test 1/1  test-v1562517095 1/1  UpdatePaused' out || { fail "no pause"; cat out; }
grep -qx '  does not finish: waits for a resume: UpdatePaused "rollingupdate paused" (rollingManually) at 2019-07-08 00:31:39 +0800 CST (+4s): test-v1562517095 RollingUpdate "have not enough resources to launch application": 1 of 2 running' out ||
    { fail "rollingManually: no reason"; cat out; }

# replicas that are never started pass the progress deadline
cat > slow.yaml <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: slow
spec:
  replicas: 2
  progressDeadlineSeconds: 30
  selector:
    matchLabels:
      app: slow
  template:
    metadata:
      labels:
        app: slow
    spec:
      containers:
      - name: slow
        image: slow:1
EOF
ok --state steered.json cluster init --clock manual --start 1562517092 --start-delay manual
run plan --from steered.json -f slow.yaml
expect_rc 1
expect_out "slow.yaml, applied at 2019-07-08 00:31:32 +0800 CST:" \
    "Deployment default/slow: created, 2 replicas" \
    "  slow: slow:1" \
    "" \
    "+0s  slow-578d85d8c9 2/0  available 0" \
    "" \
    "Deployment default/slow:" \
    "  does not finish: the progress deadline passes at 2019-07-08 00:32:02 +0800 CST (+30.001s) (ProgressDeadlineExceeded): slow-578d85d8c9 0 of 2 available, 2 starting (the cluster starts replicas only when steered)" \
    "  minimum available: 0 of 2" \
    "  most replicas at once: 2" \
    "  waves: 1"

# a change the engine refuses: the application never runs, so no update
run plan --from steered.json -f test1-1-0.json -f test1-1-1.json
expect_rc 1
expect_err "error: test1-1-1.json: deployment defaultGroup/test: deployment bind application is not running, cannot update, please try later"

# the same manifest again: no rollout
ok plan -f test1-1-0.yaml -f test1-1-0.yaml
sed -n '/applied at 2019-07-08 00:31:35/,$p' out > got
printf '%s\n' "test1-1-0.yaml, applied at 2019-07-08 00:31:35 +0800 CST:" \
    "Deployment default/test: unchanged, 3 replicas" \
    "" \
    "(nothing happens)" \
    "" \
    "Deployment default/test:" \
    "  no rollout: the template does not change" > want
cmp -s want got || { fail "an unchanged manifest"; diff -u want got || true; }

# bad manifests and usage
printf 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec:\n  replicas: [3]\n' > bad.yaml
run plan -f test1-1-0.yaml -f bad.yaml
expect_rc 1
expect_err 'error: bad.yaml:6:13: spec.replicas: invalid type: got "array", expected "integer"'
test ! -s out || fail "a bad manifest still planned"
run plan
expect_rc 1
run plan -f test1-1-0.yaml --limit soon
expect_rc 1
expect_err 'error: --limit must be a duration (90s, 2m, 1h30m), not "soon"' \
    "See 'rolloutctl plan --help'."
run plan -f test1-1-0.yaml --from missing.json
expect_rc 1
expect_err "error: missing.json: No such file or directory"
test ! -e missing.json || fail "--from made a file"
cmp -s before.json state.json || fail "plan changed the state"

ok plan --help
head -n 3 out | grep -q "^Usage:" || fail "plan --help has no usage"

done_testing
