#!/bin/sh
# What make install puts in place is usable, and make uninstall takes it all
# away.  The build is installed into a staging directory (DESTDIR); there:
#
#   - the shared library carries its SONAME, the static archive, the
#     headers, librollout.pc, rolloutctl, the manual and the Python package
#     are all present;
#   - the README's host, which includes only <rollout/rollout.h>, builds
#     with nothing but pkg-config's flags, linked to the shared library and
#     then statically (pkg-config --static), and both builds roll out;
#   - the installed rolloutctl and the installed Python package run against
#     the installed library;
#   - after make uninstall, not one file is left.
#
# Run by "make check" from the build directory, with MAKE, CC, the
# installation directories and top_srcdir in the environment.  Exits 77
# (skipped) in a build without a shared library.
set -eu
: "${srcdir:=.}"
: "${CC:=cc}"
: "${MAKE:=make}"
: "${PKG_CONFIG:=pkg-config}"
top_builddir=$(pwd)
me=check-install

if [ ! -f "$top_builddir/lib/.libs/librollout.so" ]; then
    echo "$me: SKIP: no shared library (built with --disable-shared?)"
    exit 77
fi
if ! command -v "$PKG_CONFIG" > /dev/null; then
    echo "$me: FAIL: no $PKG_CONFIG"
    exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dest=$tmp/dest
failures=0
fail() {
    echo "$me: FAIL: $*"
    failures=$((failures + 1))
}

# The test runs inside make check: the make below must not inherit the
# outer one's command-line variables (TESTS=...) or its jobs.
unset MAKEFLAGS MFLAGS ROLLOUT_LIBRARY PYTHONPATH
if ! $MAKE -C "$top_builddir" install DESTDIR="$dest" > "$tmp/install.log" 2>&1; then
    cat "$tmp/install.log"
    fail "make install DESTDIR=$dest failed"
    exit 1
fi

# ---- what is installed ---------------------------------------------------

for f in "$libdir/librollout.so.0" "$libdir/librollout.a" \
         "$includedir/rollout/rollout.h" "$includedir/rollout/version.h" \
         "$pkgconfigdir/librollout.pc" "$bindir/rolloutctl" \
         "$mandir/man1/rolloutctl.1" "$mandir/man7/librollout.7" \
         "$mandir/man3/rollout_engine_new.3"; do
    [ -e "$dest$f" ] || fail "$f is not installed"
done
soname=$(readelf -d "$dest$libdir/librollout.so.0" 2> /dev/null |
             sed -n 's/.*Library soname: \[\(.*\)\].*/\1/p')
[ "$soname" = librollout.so.0 ] || fail "the SONAME is \"$soname\", not librollout.so.0"
for h in "$top_srcdir"/include/rollout/*.h; do
    [ -f "$dest$includedir/rollout/$(basename "$h")" ] ||
        fail "include/rollout/$(basename "$h") is not installed"
done
pages=$(sed -n 's|^[[:space:]]*man/man3/\([^ ]*\.3\).*|\1|p' "$top_srcdir/man/Makefile.inc" | sort -u)
[ -n "$pages" ] || fail "no section-3 page listed in man/Makefile.inc"
for p in $pages; do
    [ -f "$dest$mandir/man3/$p" ] || fail "man3/$p is not installed"
done

# ---- a consumer, with pkg-config's flags only ----------------------------

awk '/^```c$/ {on = 1; next} /^```$/ && on {exit} on {print}' \
    "$top_srcdir/README.md" > "$tmp/host.c"
grep '^#include' "$tmp/host.c" | grep -v '<rollout/rollout.h>' | grep -q rollout &&
    fail "the README's host includes more than <rollout/rollout.h>"

# pkg-config reads the staged librollout.pc and puts the staging directory
# before every path it prints, as for any DESTDIR install.
pc() {
    PKG_CONFIG_SYSROOT_DIR=$dest PKG_CONFIG_PATH=$dest$pkgconfigdir \
        "$PKG_CONFIG" "$@" librollout
}
[ "$(pc --modversion)" = "$PACKAGE_VERSION" ] ||
    fail "pkg-config --modversion says \"$(pc --modversion)\", not $PACKAGE_VERSION"

rolls_out() { # rolls_out HOW PROGRAM [ENV...]
    how=$1
    prog=$2
    shift 2
    if ! env "$@" "$prog" > "$tmp/out" 2>&1; then
        cat "$tmp/out"
        fail "the $how host failed"
    elif [ "$(grep -c 'successfully rolled out' "$tmp/out")" != 2 ]; then
        cat "$tmp/out"
        fail "the $how host did not roll out twice"
    fi
}

# shellcheck disable=SC2046 # pkg-config's flags are words
if $CC -std=c11 -Wall -Wextra -Werror $(pc --cflags) "$tmp/host.c" \
       $(pc --libs) -o "$tmp/host-shared"; then
    readelf -d "$tmp/host-shared" | grep -q 'NEEDED.*\[librollout\.so\.0\]' ||
        fail "the shared host does not need librollout.so.0"
    rolls_out shared "$tmp/host-shared" LD_LIBRARY_PATH="$dest$libdir"
else
    fail "the host does not build with pkg-config --cflags --libs librollout"
fi

# shellcheck disable=SC2046
if $CC -std=c11 -Wall -Wextra -Werror $(pc --cflags --static) "$tmp/host.c" \
       -static $(pc --libs --static) -o "$tmp/host-static"; then
    readelf -d "$tmp/host-static" 2> /dev/null | grep -q NEEDED &&
        fail "the static host needs shared libraries"
    rolls_out static "$tmp/host-static"
else
    fail "the host does not build with pkg-config --static --cflags --libs librollout"
fi

# ---- the installed programs ----------------------------------------------

if ! LD_LIBRARY_PATH=$dest$libdir "$dest$bindir/rolloutctl" --help > "$tmp/out" 2>&1 ||
   ! grep -q rolloutctl "$tmp/out"; then
    cat "$tmp/out"
    fail "the installed rolloutctl does not run"
fi

if [ -n "${PYTHON:-}" ] && [ "$PYTHON" != : ]; then
    if ! (cd "$tmp" && PYTHONPATH=$dest$pythondir LD_LIBRARY_PATH=$dest$libdir \
              "$PYTHON" -c '
import sys, rollout
assert rollout.__file__.startswith(sys.argv[1]), rollout.__file__
print(rollout.version())' "$dest" > "$tmp/out" 2>&1) ||
       [ "$(cat "$tmp/out")" != "$PACKAGE_VERSION" ]; then
        cat "$tmp/out"
        fail "the installed Python package does not load the installed library"
    fi
fi

# ---- uninstall -------------------------------------------------------------

if ! $MAKE -C "$top_builddir" uninstall DESTDIR="$dest" > "$tmp/uninstall.log" 2>&1; then
    cat "$tmp/uninstall.log"
    fail "make uninstall DESTDIR=$dest failed"
fi
left=$(find "$dest" ! -type d)
[ -z "$left" ] || fail "make uninstall left: $left"

[ $failures = 0 ] || exit 1
echo "$me: installed, used and uninstalled"
