#!/bin/sh
# make demo runs to its end: the seed's walk-throughs on a sped-up wall
# clock, with the seed's listing and both rollouts done.  It waits for
# what it shows, so a slow machine only makes it slower.
. "${srcdir:-.}/tests/rolloutctl/lib.sh"

top=$(cd "$OLDPWD" && cd "$srcdir" && pwd)
if ! sh "$top/tools/demo.sh" "$ROLLOUTCTL" "$SEED" > demo.out 2>&1; then
    fail "the demo failed"
fi
cat demo.out
grep -q "gave up waiting" demo.out && fail "the demo gave up waiting"
# the clock is live: the create lands a moment after the cluster's start
# (00:31:32 in Beijing), later on a busy machine
grep -q '^test  *RollingUpdate 2  *1  *application is abnorma\.\.\. 2019-07-08 00:31:3[2-9] +0800 CST' demo.out ||
    fail "no seed listing (old application)"
grep -q '^test-v15625171[0-9]*  *RollingUpdate 2  *1  *have not enough resour\.\.\. ' demo.out ||
    fail "no seed listing (new application)"
test "$(grep -c '^deployment "test" successfully rolled out$' demo.out)" = 4 ||
    fail "not every Kubernetes rollout was watched to its end"
grep -q '^error\|^failed to' demo.out && fail "the demo printed an error"

done_testing
