#!/bin/sh
# The README's minimal host must compile without a warning and roll out.
set -eu
: "${srcdir:=.}"
: "${CC:=cc}"
top_builddir=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# the first C block of the README
awk '/^```c$/ {on = 1; next} /^```$/ && on {exit} on {print}' \
    "$srcdir/README.md" > "$tmp/host.c"
test -s "$tmp/host.c" || { echo "no C example in README.md"; exit 1; }

$CC -std=c11 -Wall -Wextra -Werror -I"$srcdir/include" \
    -I"$top_builddir/include" "$tmp/host.c" \
    -L"$top_builddir/lib/.libs" -lrollout -o "$tmp/host"
LD_LIBRARY_PATH="$top_builddir/lib/.libs" "$tmp/host" > "$tmp/out"
cat "$tmp/out"
test "$(grep -c 'successfully rolled out' "$tmp/out")" = 2
test "$(tail -n 1 "$tmp/out")" = 'deployment "web" successfully rolled out'
