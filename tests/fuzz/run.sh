#!/bin/sh
# Builds and runs the libFuzzer targets of tests/fuzz (make fuzz does both).
#
#   run.sh build BUILD        link each target against BUILD's static,
#                             instrumented library into BUILD/fuzz/
#   run.sh run BUILD SECONDS  replay tests/fuzz/regress/TARGET/*, then fuzz
#                             each target SECONDS from a copy of its corpus
#
# BUILD is a configured build directory whose lib/librollout.la was built
# with -fsanitize=fuzzer-no-link,address,undefined (make fuzz-build makes
# one).  The run prints one line per target, "fuzz: NAME execs N crashes
# C", and fails when any target crashed, leaked, timed out or ran out of
# memory; the inputs that did are left in BUILD/fuzz-artifacts/NAME/ and
# their paths printed.  The tracked corpus is never written to.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
CC=${CC:-clang}

usage() {
    echo "usage: $0 build BUILD | run BUILD SECONDS" >&2
    exit 2
}

targets() {
    for f in "$here"/fuzz_*.c; do
        name=$(basename "$f" .c)
        [ "$name" = fuzz_host ] || echo "$name"
    done
}

build() {
    build=$1
    lib=$build/lib/.libs/librollout.a
    [ -f "$lib" ] || { echo "$0: $lib is missing: make fuzz-build" >&2; exit 1; }
    # the project's warnings (with -Werror when it is configured so)
    warn=$(sed -n 's/^WARN_CFLAGS = //p' "$build/Makefile")
    libs=$(pkg-config --libs jansson yaml-0.1)
    mkdir -p "$build/fuzz"
    for t in $(targets); do
        # shellcheck disable=SC2086 # word lists on purpose
        $CC -std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 -fno-omit-frame-pointer \
            -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
            -Wall -Wextra $warn -I"$src/include" -I"$build/include" \
            -o "$build/fuzz/$t" "$here/$t.c" "$here/fuzz_host.c" "$lib" $libs
    done
}

# The number of files under DIR whose name starts with an artifact prefix.
count_artifacts() {
    find "$1" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' \
        -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l
}

run() {
    build=$1
    seconds=$2
    artifacts=$build/fuzz-artifacts
    logs=$build/fuzz-logs
    work=$(mktemp -d "${TMPDIR:-/tmp}/rollout-fuzz.XXXXXX")
    trap 'rm -rf "$work"' EXIT INT TERM
    rm -rf "$artifacts" "$logs"
    mkdir -p "$artifacts" "$logs"
    export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
    export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
    failed=0
    summary=
    for t in $(targets); do
        bin=$build/fuzz/$t
        [ -x "$bin" ] || { echo "$0: $bin is missing: make fuzz-build" >&2; exit 1; }
        mkdir -p "$artifacts/$t"
        # the regressions first, one at a time: a replay writes no artifact,
        # so a failing input is copied there by hand
        if [ -d "$here/regress/$t" ]; then
            for f in "$here/regress/$t"/*; do
                [ -f "$f" ] || continue
                if ! "$bin" -rss_limit_mb=2048 -timeout=10 "$f" \
                        >>"$logs/$t.regress.log" 2>&1; then
                    cp "$f" "$artifacts/$t/crash-regress-$(basename "$f")"
                fi
            done
        fi
        mkdir -p "$work/$t"
        if [ -d "$here/corpus/$t" ]; then
            cp "$here/corpus/$t"/* "$work/$t"/ 2>/dev/null || :
        fi
        "$bin" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
            -print_final_stats=1 -artifact_prefix="$artifacts/$t/" \
            "$work/$t" >"$logs/$t.log" 2>&1 || :
        execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$logs/$t.log" |
                tail -n 1)
        crashes=$(count_artifacts "$artifacts/$t")
        echo "fuzz: $t execs ${execs:-0} crashes $crashes"
        if [ "$crashes" -gt 0 ]; then
            failed=1
            summary="$summary $t"
        fi
    done
    if [ "$failed" -ne 0 ]; then
        for t in $summary; do
            find "$artifacts/$t" -maxdepth 1 -type f | sort |
                sed "s|^|fuzz: artifact (log $logs/$t.log): |"
        done
        exit 1
    fi
}

[ $# -ge 2 ] || usage
case $1 in
build) [ $# -eq 2 ] || usage; build "$2" ;;
run) [ $# -eq 3 ] || usage; run "$2" "$3" ;;
*) usage ;;
esac
