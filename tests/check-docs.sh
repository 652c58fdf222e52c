#!/bin/sh
# Keeps the exports, the symbol map, the public headers and the manual in
# step:
#
#   - every symbol the built librollout.so exports is listed in
#     lib/librollout.map and declared in include/rollout/*.h, and the
#     reverse;
#   - every exported symbol has a page man/man3/<symbol>.3 (a page of its
#     own, or a ".so man3/<page>.3" alias), that page names it in NAME and
#     gives its exact prototype in SYNOPSIS; no page documents a symbol that
#     is not exported;
#   - every page is listed in man/Makefile.inc, so that it is installed and
#     distributed;
#   - no page makes groff -man -ww -z say anything.
#
# Run by "make check" from the build directory, with top_srcdir and
# top_builddir (and optionally NM and GROFF) in the environment.  Exits 0
# when all is well, 1 with a message per problem otherwise, 77 (skipped)
# when there is no shared library to read.

LC_ALL=C
export LC_ALL

top_srcdir=${top_srcdir:-${srcdir:-.}}
top_builddir=${top_builddir:-.}
NM=${NM:-nm}
GROFF=${GROFF:-groff}

me=check-docs
so=$top_builddir/lib/.libs/librollout.so
map=$top_srcdir/lib/librollout.map
mandir=$top_srcdir/man
manlist=$mandir/Makefile.inc

if test ! -f "$so"; then
    echo "$me: SKIP: no shared library at $so (built with --disable-shared?)"
    exit 77
fi
for f in "$map" "$manlist"; do
    if test ! -f "$f"; then
        echo "$me: FAIL: $f is missing"
        exit 1
    fi
done

tmp=$me.tmp.$$
rm -rf "$tmp"
mkdir "$tmp" || exit 1
trap 'rm -rf "$tmp"' 0
trap 'exit 1' 1 2 13 15

failures=0
fail() {
    echo "$me: FAIL: $*"
    failures=`expr $failures + 1`
}

# Prints the lines of file $1 that are not in file $2 (both sorted).
missing() {
    comm -23 "$1" "$2"
}

# 1. What the library exports: defined dynamic symbols, without their
# version suffix, but for the version node itself (type A) and what the
# linker adds on its own.
$NM -D --defined-only "$so" > "$tmp/nm.out" || {
    fail "$NM -D --defined-only $so failed"
    exit 1
}
awk 'NF >= 3 && $2 != "A" && $2 != "a" {
         name = $3
         sub(/@.*/, "", name)
         if (name !~ /^(_init|_fini|_edata|_end|__bss_start)$/)
             print name
     }' "$tmp/nm.out" | sort -u > "$tmp/exported"
if test ! -s "$tmp/exported"; then
    fail "$so exports nothing"
    exit 1
fi

# 2. What the version script exports: the names of its global: sections.
awk '
    { text = text $0 "\n" }
    END {
        out = ""
        while ((i = index(text, "/*")) > 0) {
            out = out substr(text, 1, i - 1) " "
            text = substr(text, i + 2)
            j = index(text, "*/")
            if (j == 0) { text = ""; break }
            text = substr(text, j + 2)
        }
        text = out text
        gsub(/#[^\n]*/, "", text)
        gsub(/[{};]/, " & ", text)
        n = split(text, tok, /[ \t\n]+/)
        state = ""
        for (k = 1; k <= n; k++) {
            t = tok[k]
            if (t == "") continue
            if (t == "global:") { state = "global"; continue }
            if (t == "local:") { state = "local"; continue }
            if (t == "}") { state = ""; continue }
            if (t == "{" || t == ";") continue
            if (state == "global") print t
        }
    }' "$map" | sort -u > "$tmp/mapped"

# 3. What the public headers declare: every ROLLOUT_EXTERN declaration,
# comments and preprocessor lines left out, as "name<TAB>prototype" with
# the prototype's blanks normalised.
normalise='
    function norm(s) {
        gsub(/[ \t\n]+/, " ", s)
        gsub(/ ?\( ?/, "(", s)
        gsub(/ ?\) ?/, ")", s)
        gsub(/ ?, ?/, ",", s)
        gsub(/ ?\* ?/, "*", s)
        sub(/^ /, "", s)
        sub(/ $/, "", s)
        return s
    }
    function uncomment(text,    out, i, j) {
        out = ""
        while ((i = index(text, "/*")) > 0) {
            out = out substr(text, 1, i - 1) " "
            text = substr(text, i + 2)
            j = index(text, "*/")
            if (j == 0) return out
            text = substr(text, j + 2)
        }
        return out text
    }
'
for h in "$top_srcdir"/include/rollout/*.h; do
    awk "$normalise"'
        /\\$/ { sub(/\\$/, ""); pending = pending $0 " "; next }
        { text = text pending $0 "\n"; pending = "" }
        END {
            text = uncomment(text)
            n = split(text, lines, "\n")
            flat = ""
            for (k = 1; k <= n; k++)
                if (lines[k] !~ /^[ \t]*#/)
                    flat = flat " " lines[k]
            n = split(flat, decls, ";")
            for (k = 1; k <= n; k++) {
                d = decls[k]
                if (d !~ /(^|[^A-Za-z0-9_])ROLLOUT_EXTERN[ \t]/)
                    continue
                sub(/.*ROLLOUT_EXTERN[ \t]+/, "", d)
                d = norm(d)
                if (!match(d, /[A-Za-z_][A-Za-z0-9_]*\(/))
                    continue
                print substr(d, RSTART, RLENGTH - 1) "\t" d
            }
        }' "$h"
done | sort > "$tmp/declarations"
cut -f1 "$tmp/declarations" | sort -u > "$tmp/declared"

for s in `missing "$tmp/exported" "$tmp/mapped"`; do
    fail "$s is exported but not listed in lib/librollout.map"
done
for s in `missing "$tmp/mapped" "$tmp/exported"`; do
    fail "$s is listed in lib/librollout.map but not exported by librollout.so"
done
for s in `missing "$tmp/exported" "$tmp/declared"`; do
    fail "$s is exported but not declared in include/rollout/*.h"
done
for s in `missing "$tmp/declared" "$tmp/exported"`; do
    fail "$s is declared in include/rollout/*.h but not exported by librollout.so"
done

# 4. The pages.
if test ! -d "$mandir/man3"; then
    fail "$mandir/man3 is missing"
    exit 1
fi
(cd "$mandir" && ls man1/*.1 man3/*.3 man7/*.7 2>/dev/null) | sort > "$tmp/pages"
sed -n 's|^man3/\(.*\)\.3$|\1|p' "$tmp/pages" > "$tmp/documented"

# Every page is in man/Makefile.inc, and every page listed there exists.
tr ' \t\\' '\n\n\n' < "$manlist" | sed -n 's|^man/\(man[1-9]/.*\)$|\1|p' |
    sort -u > "$tmp/listed"
for p in `missing "$tmp/pages" "$tmp/listed"`; do
    fail "man/$p is not listed in man/Makefile.inc (it would be neither installed nor distributed)"
done
for p in `missing "$tmp/listed" "$tmp/pages"`; do
    fail "man/$p is listed in man/Makefile.inc but does not exist"
done

for s in `missing "$tmp/exported" "$tmp/documented"`; do
    fail "$s has no page (man/man3/$s.3)"
done
for s in `missing "$tmp/documented" "$tmp/exported"`; do
    fail "man/man3/$s.3 documents $s, which librollout.so does not export"
done

# The target of alias page $1 (".so man3/<page>.3"), or nothing.
alias_of() {
    sed -n 's|^\.so[[:blank:]][[:blank:]]*\(man3/[^[:blank:]]*\.3\)[[:blank:]]*$|\1|p' "$mandir/$1"
}

# The names in the NAME section of page $1, one per line.
names_of() {
    awk '/^\.SH[ \t]+"?NAME"?[ \t]*$/ { on = 1; next }
         /^\.SH/ { on = 0 }
         on && !/^\./ { text = text " " $0 }
         END {
             sub(/\\-.*/, "", text)
             n = split(text, w, /[ ,\t]+/)
             for (k = 1; k <= n; k++) if (w[k] != "") print w[k]
         }' "$mandir/$1"
}

# The declarations in the SYNOPSIS section of page $1, normalised as the
# headers' are, one per line.
synopsis_of() {
    awk "$normalise"'
        /^\.SH[ \t]+"?SYNOPSIS"?[ \t]*$/ { on = 1; next }
        /^\.SH/ { on = 0 }
        on && !/^[.#]/ { text = text $0 "\n" }
        END {
            gsub(/\\f[BIRP]/, "", text)
            gsub(/\\f\([A-Z][A-Z]/, "", text)
            gsub(/\\f\[[^]]*\]/, "", text)
            gsub(/\\&/, "", text)
            gsub(/\\-/, "-", text)
            gsub(/\\e/, "\\", text)
            text = uncomment(text)
            n = split(text, decls, ";")
            for (k = 1; k <= n; k++) {
                d = norm(decls[k])
                if (d != "") print d
            }
        }' "$mandir/$1"
}

while read -r sym decl; do
    page=man3/$sym.3
    test -f "$mandir/$page" || continue   # reported above
    target=`alias_of "$page"`
    if test -n "$target"; then
        if test ! -f "$mandir/$target"; then
            fail "man/$page is an alias of man/$target, which does not exist"
            continue
        fi
        if test -n "`alias_of "$target"`"; then
            fail "man/$page is an alias of man/$target, which is an alias itself"
            continue
        fi
        page=$target
    fi
    if names_of "$page" | grep -Fx "$sym" > /dev/null; then :; else
        fail "$sym is not named in the NAME section of man/$page"
    fi
    if synopsis_of "$page" | grep -Fx "$decl" > /dev/null; then :; else
        fail "the SYNOPSIS of man/$page lacks the prototype of $sym as declared (blanks aside): $decl"
    fi
done < "$tmp/declarations"

# 5. groff, with every warning, on every page.  Aliases name their target
# from the top of the manual, so groff runs there.
if "$GROFF" -v > /dev/null 2>&1; then
    for p in `cat "$tmp/pages"`; do
        out=`cd "$mandir" && "$GROFF" -man -ww -z "$p" 2>&1`
        if test -n "$out"; then
            fail "groff -man -ww -z man/$p:"
            printf '%s\n' "$out" | sed 's/^/    /'
        fi
    done
    linted=yes
else
    echo "$me: $GROFF not found: the pages were not linted"
    linted=no
fi

if test $failures -gt 0; then
    echo "$me: $failures problem(s)"
    exit 1
fi
n_sym=`wc -l < "$tmp/exported" | tr -d ' '`
n_pages=`wc -l < "$tmp/pages" | tr -d ' '`
echo "$me: $n_sym exported symbols, mapped, declared and documented in $n_pages pages"
if test $linted = no; then
    exit 77
fi
exit 0
