#!/bin/sh
# rolloutctl: both dialects in one cluster.  delete and scale go to
# bcs-client's forms with -t and to kubectl's without; each family sees
# only its own deployments, even of the same name.
. "${srcdir:-.}/tests/rolloutctl/lib.sh"

ok cluster init --clock manual --start 1562517092 --nodes 3 --cpu 2
ok create -t deployment -f "$SEED/test1-1-0.json"
expect_out "success to create deployment"
ok apply -f "$SEED/test1-1-0.yaml"
expect_out "deployment.apps/test created"
ok advance 5s

# each family lists its own
ok list -t app
test "$(grep -c '^test ' out)" = 1 || fail "list -t app: not one application test"
grep -q "^test  *Running  *2  *2  *application is running" out || fail "BCS test is not Running 2 2"
ok get deploy
expect_out "NAME   READY   UP-TO-DATE   AVAILABLE   AGE" \
    "test   3/3     3            3           5s"
ok get pods --no-headers
test "$(wc -l < out)" = 3 || fail "get pods shows the taskgroups too"
ok list -t taskgroup
test "$(grep -c 'defaultGroup' out)" = 2 || fail "list -t taskgroup shows the pods too"

# scale: -t is bcs-client's (-i), without it kubectl's (--replicas)
ok scale -t deployment -n test -i 3
expect_out "success to scale deployment"
ok scale deployment/test --replicas=4
expect_out "deployment.apps/test scaled"
ok advance 5s
ok list -t app
grep -q "^test  *Running  *3  *3 " out || fail "BCS test was not scaled to 3"
ok get deploy test --no-headers
grep -q "^test   4/4 " out || fail "Kubernetes test was not scaled to 4"

# the wrong family does not find it
run inspect -t deployment -ns default -n test
expect_rc 1
run describe deployment test -n defaultGroup
expect_rc 1
expect_err 'Error from server (NotFound): deployments.apps "test" not found'

# delete: each form deletes its own
ok delete -t deployment -n test
expect_out "success to delete deployment"
ok get deploy --no-headers
test "$(wc -l < out)" = 1 || fail "a BCS delete took the Kubernetes deployment"
ok delete deployment test
expect_out 'deployment.apps "test" deleted'
ok advance 5s
ok list -t app
expect_out "Found no application"
run get deploy
expect_rc 0
expect_err "No resources found in default namespace."

# --help of a verb of both families shows both forms
ok delete --help
grep -q "rolloutctl delete -t deployment" out || fail "delete --help lacks the BCS form"
grep -q "rolloutctl delete deployment NAME" out || fail "delete --help lacks kubectl's form"

# every verb has --help, usage first
for verb in cluster advance replica plan create update delete pause resume cancel \
    scale list inspect apply get describe rollout set annotate; do
    ok $verb --help
    sed -n 3p out | grep -q "^Usage:" || fail "$verb --help: no Usage: on line 3"
done
ok --help
grep -q "^kubectl (Kubernetes):" out || fail "--help lists no kubectl verbs"

done_testing
