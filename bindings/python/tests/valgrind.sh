#!/bin/sh
# The Python suite under valgrind, for make check-valgrind: the bindings
# drive the library through ctypes, and what they do to it must be clean
# too.  The interpreter itself is not built for valgrind and reports
# errors of its own (uninitialised values in its integer cache, say), so
# an error counts only when one of its frames is the library's (a
# rollout_ function), and a leak only when it is definite and allocated
# there.  Run from the build directory, with srcdir, PYTHON and VALGRIND
# in the environment.
set -eu
: "${srcdir:=.}"
: "${PYTHON:=python3}"
: "${VALGRIND:=valgrind}"

here=$(cd "$srcdir/bindings/python" && pwd)
lib=$(pwd)/lib/.libs/librollout.so.0
test -f "$lib" || { echo "no library at $lib" >&2; exit 99; }
# valgrind must run the interpreter itself, not a wrapper script
exe=$("$PYTHON" -c 'import sys; print(sys.executable)')
log=$(pwd)/bindings-python.valgrind.log

if ! PYTHONMALLOC=malloc ROLLOUT_LIBRARY=$lib PYTHONPATH=$here \
     PYTHONDONTWRITEBYTECODE=1 \
     "$VALGRIND" --leak-check=full --show-leak-kinds=definite --num-callers=50 \
     --log-file="$log" "$exe" -m unittest discover -s "$here/tests" -t "$here/tests"; then
    echo "python-valgrind: the Python suite failed under valgrind"
    exit 1
fi

# valgrind's records are separated by a line holding only "==PID== "
ours=$(awk '
    /^==[0-9]+== *$/ {
        if (rec != "" && rec ~ /: rollout_[a-z_]* \(/) { n++; printf "%s\n", rec }
        rec = ""
        next
    }
    /^==[0-9]+== / { rec = rec $0 "\n" }
    END {
        if (rec != "" && rec ~ /: rollout_[a-z_]* \(/) { n++; printf "%s\n", rec }
    }' "$log")
if [ -n "$ours" ]; then
    printf '%s\n' "$ours"
    echo "python-valgrind: errors or leaks in the library under the Python suite ($log)"
    exit 1
fi
echo "python-valgrind: the library is clean under the Python suite"
