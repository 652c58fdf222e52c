# Helpers of the rolloutctl tests, sourced by each.  Run by make check from
# the build directory: the tests run rolloutctl on state files of their own
# in a temporary directory, with the manual clock, so that what they print
# is the same on every run.
set -eu
: "${srcdir:=.}"
ROLLOUTCTL=$(pwd)/tools/rolloutctl/rolloutctl
SEED=$(cd "$srcdir/tests/data/seed" && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cd "$TMP"
export ROLLOUT_STATE="$TMP/state.json"
export TZ=Asia/Shanghai
failures=0

# ctl ARGS...: runs rolloutctl (under $ROLLOUTCTL_WRAPPER, valgrind for
# make check-valgrind); its output in out, err, its exit code in rc.
ctl() {
    rc=0
    ${ROLLOUTCTL_WRAPPER:-} "$ROLLOUTCTL" "$@" > out 2> err || rc=$?
    if [ "$rc" = 99 ]; then
        fail "rolloutctl $*: the wrapper found errors"
        cat err
    fi
}

fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# expect_out TEXT: stdout is TEXT (printf %s\n of each line given).
expect_out() {
    printf '%s\n' "$@" > want
    if ! cmp -s want out; then
        fail "stdout of: $last"
        diff -u want out || true
    fi
}

expect_err() {
    printf '%s\n' "$@" > want
    if ! cmp -s want err; then
        fail "stderr of: $last"
        diff -u want err || true
    fi
}

expect_rc() {
    if [ "$rc" != "$1" ]; then
        fail "exit code of: $last: $rc, not $1"
        cat err
    fi
}

# run ARGS...: ctl, remembering the command for messages.
run() {
    last="rolloutctl $*"
    ctl "$@"
}

# ok ARGS...: run, which must succeed with nothing on stderr.
ok() {
    run "$@"
    expect_rc 0
    if [ -s err ]; then
        fail "stderr of: $last"
        cat err
    fi
}

done_testing() {
    if [ "$failures" -ne 0 ]; then
        echo "$failures failure(s)"
        exit 1
    fi
}
