#!/bin/sh
# rolloutctl: the state file, the clock, the cluster commands.
. "${srcdir:-.}/tests/rolloutctl/lib.sh"

# a cluster of two nodes on the manual clock, at the seed's time
ok cluster init --nodes 2 --cpu 1 --memory 8192 --clock manual --start 1562517092
expect_out "cluster initialised: 2 nodes of 1 cpu and 8192 MiB, manual clock"
ok cluster show
expect_out "Clock:  manual, now 2019-07-08 00:31:32 +0800 CST" \
    "Replicas: start after 2s, ready after 1s, gone 1s after deletion" \
    "NODE         INNERIP          CPU      CPU-USED MEMORY       MEMORY-USED  REPLICAS" \
    "node1        10.0.0.1         1        0        8192         0            0" \
    "node2        10.0.0.2         1        0        8192         0            0"

# the manual clock moves only when told
ok advance 90s
expect_out "advanced 1m30s to 2019-07-08 00:33:02 +0800 CST"
ok advance 1h0m0.5s
expect_out "advanced 1h0m0.5s to 2019-07-08 01:33:02 +0800 CST"
ok cluster show
grep -q "now 2019-07-08 01:33:02 +0800 CST" out || fail "the clock did not stay"

# an existing cluster is replaced only with --force
run cluster init
expect_rc 1
expect_err "error: $ROLLOUT_STATE already holds a cluster; use --force to replace it"
ok cluster init --force --clock manual --start 1562517092 --start-delay manual
ok cluster show
expect_out "Clock:  manual, now 2019-07-08 00:31:32 +0800 CST" \
    "Replicas: wait to be steered, ready after 1s, gone 1s after deletion" \
    "NODE         INNERIP          CPU      CPU-USED MEMORY       MEMORY-USED  REPLICAS" \
    "node1        10.0.0.1         4        0        8192         0            0" \
    "node2        10.0.0.2         4        0        8192         0            0" \
    "node3        10.0.0.3         4        0        8192         0            0"

# --state wins over $ROLLOUT_STATE; with neither, ./rollout-state.json
ok --state other.json cluster init --clock manual --nodes 1
test -f other.json || fail "--state other.json made no file"
(unset ROLLOUT_STATE; "$ROLLOUTCTL" cluster show > out2) || fail "no default state"
test -f rollout-state.json || fail "no ./rollout-state.json"
grep -c '^node' out2 | grep -qx 3 || fail "the default cluster has not 3 nodes"
grep -q "Clock:  wall x1" out2 || fail "the default cluster is not on the wall clock"

# bad usage: exit 2, and the state is left alone
cp state.json before.json
run advance soon
expect_rc 1
expect_err 'error: advance takes one duration (90s, 2m, 1h30m), not "soon"'
run cluster init --force --clock sundial
expect_rc 1
expect_err 'error: --clock must be "wall" or "manual", not "sundial"' \
    "See 'rolloutctl cluster --help'."
run replica wave --all
expect_rc 1
run nonsense
expect_rc 1
cmp -s before.json state.json || fail "a refused command changed the state"

# a damaged or foreign file is refused and never overwritten
echo 'not json' > state.json
run cluster show
expect_rc 1
expect_err "error: $ROLLOUT_STATE: not a state file: 1:3: '[' or '{' expected near 'not'; it is left as it is"
echo 'not json' | cmp -s - state.json || fail "a damaged state was overwritten"
echo '{"format": "something-else", "version": 1}' > state.json
run advance 1s
expect_rc 1
expect_err "error: $ROLLOUT_STATE: not a rolloutctl state file (no \"format\": \"rolloutctl-state\"); it is left as it is"
echo '{"format": "rolloutctl-state", "version": 99}' > state.json
run advance 1s
expect_rc 1
expect_err "error: $ROLLOUT_STATE: a state file of version 99, which this rolloutctl does not read; it is left as it is"
cp before.json state.json
sed 's/"engine":/"engine_gone":/' before.json > state.json
run advance 1s
expect_rc 1
grep -q "a damaged state file" err || fail "a damaged simulator was taken"

# concurrent invocations are serialised: 20 advances of 1s each all count
cp before.json state.json
ok cluster show
i=0
while [ $i -lt 20 ]; do
    "$ROLLOUTCTL" advance 1s > /dev/null &
    i=$((i + 1))
done
wait
ok cluster show
grep -q "now 2019-07-08 00:31:52 +0800 CST" out || { fail "advances were lost"; cat out; }
test -z "$(ls state.json.tmp.* 2>/dev/null)" || fail "temporary files were left"

# --help for every verb
for verb in cluster advance replica; do
    ok $verb --help
    grep -q "^Usage:" out || fail "$verb --help has no usage"
done

done_testing
