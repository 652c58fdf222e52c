#!/bin/sh
# make demo: the seed's two walk-throughs, as written, on a fresh simulated
# cluster whose clock runs 20 times as fast as real time.  Each command is
# printed after a "$", then what it prints.  Usage: demo.sh ROLLOUTCTL SEED
set -eu
rolloutctl=$1
seed=$2
speed=20

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$seed"/test1-1-0.json "$seed"/test1-1-1.json "$seed"/test1-1-0.yaml \
    "$seed"/test1-1-1.yaml "$tmp"
cd "$tmp"
export ROLLOUT_STATE="$tmp/rollout-state.json"
# the seed's listing was made in Beijing
export TZ="${TZ:-Asia/Shanghai}"

# run ARGS...: prints the command as the seed does, then runs it
run() {
    printf '$ rolloutctl %s\n' "$*"
    "$rolloutctl" "$@" || true
}

say() {
    printf '\n# %s\n' "$*"
}

# until_out [!] PATTERN ARGS...: waits (quietly) until rolloutctl ARGS
# prints a line that matches PATTERN (with !, none does), for at most 60 s
# of real time
until_out() {
    want=0
    if [ "$1" = "!" ]; then
        want=1
        shift
    fi
    pattern=$1
    shift
    i=0
    while :; do
        got=1
        "$rolloutctl" "$@" 2> /dev/null | grep -q -- "$pattern" && got=0
        [ $got = $want ] && return 0
        i=$((i + 1))
        if [ $i -gt 1200 ]; then
            echo "# (gave up waiting for \"$pattern\")"
            return 0
        fi
        sleep 0.05
    done
}

say "A cluster of 3 nodes (1 cpu, 8 GiB each) at the seed's time, its clock" \
    "$speed times as fast as real time; a killed taskgroup takes 20 s to stop."
run cluster init --nodes 3 --cpu 1 --start 1562517092 --speed $speed --stop-delay 20s

say "BCS, Mesos mode: create the deployment of test1-1-0.json (2 instances, v1.1.0)."
run create -t deployment -f test1-1-0.json
until_out "^test  *Running  *2  *2 " list -t app -ns defaultGroup
run list -t app -ns defaultGroup

say "11 seconds later, as in the seed, update it to test1-1-1.json (v1.1.1): a" \
    "rolling update, one taskgroup per step, upgradeDuration 60 s between steps."
until_out "now 2019-07-08 00:31:4[3-9]\|now 2019-07-08 00:31:5\|now 2019-07-08 00:3[2-9]:" \
    cluster show
run update -t deployment -f test1-1-1.json
until_out "Killing" list -t taskgroup -ns defaultGroup
run list -t app -ns defaultGroup

say "Pause the update, and resume it."
run pause -t deployment -ns defaultGroup -n test
run list -t deployment -ns defaultGroup
run resume -t deployment -ns defaultGroup -n test

say "Cancel it: the new taskgroups go, the deleted old ones come back."
run cancel -t deployment -ns defaultGroup -n test
until_out ! "^test-v" list -t app -ns defaultGroup
run list -t app -ns defaultGroup

say "Update again, and let it finish: only the new application is left."
run update -t deployment -f test1-1-1.json
until_out "^test-v[0-9]*  *Running  *2  *2 " list -t app -ns defaultGroup
run list -t app -ns defaultGroup
run list -t deployment -ns defaultGroup

say "Kubernetes: apply test1-1-0.yaml (3 replicas, maxSurge 1, maxUnavailable 1)" \
    "and watch the rollout live."
run apply -f test1-1-0.yaml
run rollout status deployment.v1.apps/test

say "Apply test1-1-1.yaml: a rolling update, never fewer than 2 available."
run apply -f test1-1-1.yaml
run rollout status deployment.v1.apps/test
run get deployment test --legacy-columns
run get rs

say "Pause: a template change starts no rollout until resumed."
run rollout pause deployment.v1.apps/test
run rollout resume deployment.v1.apps/test

say "Undo: back to the previous revision; the history; then to revision 2."
run rollout undo deployment.v1.apps/test
run rollout status deployment.v1.apps/test
run rollout history deployment.v1.apps/test
run rollout undo deployment.v1.apps/test --to-revision=2
run rollout status deployment.v1.apps/test
run get rs

say "And what another update would do, without doing it."
run plan -f test1-1-0.yaml
