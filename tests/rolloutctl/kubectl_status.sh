#!/bin/sh
# rolloutctl rollout status: watching while `advance` runs beside it, its
# timeout, the progress deadline, a deployment deleted under it, and the
# wall clock.
. "${srcdir:-.}/tests/rolloutctl/lib.sh"

waiting='Waiting for deployment "test" rollout to finish:'

# watch ARGS...: rollout status in the background, output in watch.out and
# watch.err, its process id in watch.pid, its exit code in watch.rc once it
# ends.
watch() {
    rm -f watch.out watch.err watch.rc watch.pid
    : > watch.out
    ( rc=0
      sh -c 'echo $$ > watch.pid; exec "$@"' sh ${ROLLOUTCTL_WRAPPER:-} "$ROLLOUTCTL" \
          rollout status "$@" > watch.out 2> watch.err || rc=$?
      echo $rc > watch.rc ) &
    watcher=$!
}

# lines N: waits (a minute at most) until the watcher printed N lines.
lines() {
    i=0
    while [ "$(wc -l < watch.out)" -lt "$1" ] && [ $i -lt 600 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    [ $i -lt 600 ] || fail "the watcher printed no line $1"
}

# finished RC: waits for the watcher, which must exit with RC.
finished() {
    wait $watcher || true
    if [ "$(cat watch.rc 2>/dev/null)" != "$1" ]; then
        fail "the watcher exited with $(cat watch.rc 2>/dev/null), not $1"
        cat watch.err
    fi
}

ok cluster init --clock manual --start 1562517092 --nodes 3
# no replica goes down before its successor is available: the line about
# old replicas pending termination comes up
sed 's/maxUnavailable: 1/maxUnavailable: 0/' "$SEED/test1-1-0.yaml" > v0.yaml
sed 's/maxUnavailable: 1/maxUnavailable: 0/' "$SEED/test1-1-1.yaml" > v1.yaml
ok apply -f v0.yaml
ok advance 10s
ok apply -f v1.yaml

# --watch=false: the line as it is now, exit 0
ok rollout status deployment/test --watch=false
expect_out "$waiting 1 out of 3 new replicas have been updated..."

# watching: one line per change, as other invocations move the clock
watch deployment/test --timeout=2m
lines 1
ok advance 3s
lines 2
ok advance 3s
lines 3
ok advance 3s
finished 0
printf '%s\n' "$waiting 1 out of 3 new replicas have been updated..." \
    "$waiting 2 out of 3 new replicas have been updated..." \
    "$waiting 1 old replicas are pending termination..." \
    'deployment "test" successfully rolled out' > want
cmp -s want watch.out || { fail "the lines of the watcher"; diff -u want watch.out; }
test -s watch.err && { fail "the watcher wrote on stderr"; cat watch.err; }

# a rollout done: its line, and exit 0 at once
ok rollout status deployment/test
expect_out 'deployment "test" successfully rolled out'

# --timeout, in real time: the manual clock does not move meanwhile
ok apply -f v0.yaml
watch deploy/test --timeout=1s
finished 1
printf '%s\n' "$waiting 1 out of 3 new replicas have been updated..." > want
cmp -s want watch.out || { fail "the lines before the timeout"; diff -u want watch.out; }
printf '%s\n' "error: timed out waiting for the condition" > want
cmp -s want watch.err || { fail "the timeout's error"; diff -u want watch.err; }

# stopped by a signal: between two reads, the state saved whole
watch deploy/test
lines 1
kill -TERM "$(cat watch.pid)"
finished 143
test -s watch.err && { fail "the stopped watcher wrote on stderr"; cat watch.err; }
test -z "$(ls state.json.tmp.* 2>/dev/null)" || fail "a stopped watcher left a temporary file"

# deleted while watched
watch deploy/test
lines 1
ok delete deployment test
finished 1
printf '%s\n' "error: object has been deleted" > want
cmp -s want watch.err || { fail "the deletion's error"; diff -u want watch.err; }

# the progress deadline: replicas that never get ready (they wait to be
# steered), 10s allowed
ok cluster init --force --clock manual --start 1562517092 --nodes 3 --start-delay manual
sed 's/^  replicas: 3$/  replicas: 3\n  progressDeadlineSeconds: 10/' "$SEED/test1-1-0.yaml" > slow.yaml
ok apply -f slow.yaml
watch deployment/test --timeout=2m
lines 1
ok advance 5s
ok rollout status deployment/test --watch=false
expect_out "$waiting 0 of 3 updated replicas are available..."
ok advance 6s
finished 1
printf '%s\n' "$waiting 0 of 3 updated replicas are available..." > want
cmp -s want watch.out || { fail "the lines before the deadline"; diff -u want watch.out; }
printf '%s\n' 'error: deployment "test" exceeded its progress deadline' > want
cmp -s want watch.err || { fail "the deadline's error"; diff -u want watch.err; }
run rollout status deployment/test --watch=false
expect_rc 1
expect_err 'error: deployment "test" exceeded its progress deadline'
ok describe deployment test
sed -n '/^Conditions:/,/^OldReplicaSets:/p' out > got
printf '%s\n' "Conditions:" \
    "  Type           Status  Reason" \
    "  ----           ------  ------" \
    "  Available      False   MinimumReplicasUnavailable" \
    "  Progressing    False   ProgressDeadlineExceeded" \
    "OldReplicaSets:  <none>" > want
cmp -s want got || { fail "the conditions after the deadline"; diff -u want got; }

# progress again: the rollout goes on, and completes
ok replica ready --all
ok advance 1s
ok rollout status deployment/test --watch=false
expect_out 'deployment "test" successfully rolled out'

# --revision: the revision running, or an error
ok rollout status deployment/test --revision=1
expect_out 'deployment "test" successfully rolled out'
run rollout status deployment/test --revision=2
expect_rc 1
expect_err "error: desired revision (2) is different from the running revision (1)"

# the wall clock, sped up: the watcher follows real time
ok cluster init --force --clock wall --speed 20 --nodes 3
ok apply -f "$SEED/test1-1-0.yaml"
run rollout status deployment/test --timeout=1m
expect_rc 0
test "$(tail -n 1 out)" = 'deployment "test" successfully rolled out' ||
    { fail "the wall clock's watcher"; cat out; }

done_testing
