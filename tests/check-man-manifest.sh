#!/bin/sh
# The example of rollout_manifest_parse(3) applies the seed's Kubernetes
# manifests as kubectl apply -f does, and refuses one whose maxSurge is
# "1x" with the place of the field.  Run by make check from the build
# directory, after tests/man_manifest_example is built.
set -eu
: "${srcdir:=.}"
prog=$(pwd)/tests/man_manifest_example
seed=$(cd "$srcdir/tests/data/seed" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cd "$tmp"
cp "$seed/test1-1-0.yaml" "$seed/test1-1-1.yaml" .
sed 's/maxSurge: 1$/maxSurge: "1x"/' test1-1-1.yaml > bad.yaml

"$prog"
"$prog" test1-1-0.yaml test1-1-0.yaml test1-1-1.yaml > out
cat out
printf '%s\n' 'deployment.apps/test created' 'deployment.apps/test unchanged' \
    'deployment.apps/test configured' | cmp - out

if "$prog" bad.yaml > out 2> err; then
    echo "a bad maxSurge was applied"
    exit 1
fi
cat err
test ! -s out
printf '%s\n' "error: bad.yaml:12:17: spec.strategy.rollingUpdate.maxSurge: a valid percent string must be a numeric string followed by an ending '%'" |
    cmp - err
