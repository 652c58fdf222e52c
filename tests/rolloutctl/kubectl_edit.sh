#!/bin/sh
# rolloutctl's kubectl verbs that change a deployment: set image,
# annotate (and the change cause that history shows), scale, delete.
. "${srcdir:-.}/tests/rolloutctl/lib.sh"

expect_no_out() {
    if [ -s out ]; then
        fail "stdout of: $last"
        cat out
    fi
}

ok cluster init --clock manual --start 1562517092 --nodes 3
ok apply -f "$SEED/test1-1-0.yaml"
ok advance 10s

# the change cause of the running revision
ok annotate deployment/test kubernetes.io/change-cause="kubectl apply --filename=test1-1-0.yaml"
expect_out "deployment.apps/test annotated"
ok rollout history deployment/test
expect_out "deployment.apps/test " \
    "REVISION  CHANGE-CAUSE" \
    "1         kubectl apply --filename=test1-1-0.yaml" \
    ""

# set image starts a rollout; the new cause goes with the new revision,
# and kubectl always lets the change cause be overwritten
ok set image deployment/test test=hub.docker.com:xxxx/xxxxxx:v1.1.2
expect_out "deployment.apps/test image updated"
ok annotate deployment test kubernetes.io/change-cause="image updated to v1.1.2"
expect_out "deployment.apps/test annotated"
ok rollout status deployment/test --watch=false
expect_out 'Waiting for deployment "test" rollout to finish: 2 out of 3 new replicas have been updated...'
ok advance 10s
ok rollout history deployment/test
expect_out "deployment.apps/test " \
    "REVISION  CHANGE-CAUSE" \
    "1         kubectl apply --filename=test1-1-0.yaml" \
    "2         image updated to v1.1.2" \
    ""
ok get deploy -o wide
expect_out "NAME   READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS   IMAGES                              SELECTOR" \
    "test   3/3     3            3           20s   test         hub.docker.com:xxxx/xxxxxx:v1.1.2   app=test"

# the image it has already: nothing to do, nothing printed
ok set image deploy/test test=hub.docker.com:xxxx/xxxxxx:v1.1.2
expect_no_out
# an unknown container: an error, after the others were set
run set image deploy/test nope=x
expect_rc 1
expect_no_out
expect_err 'error: unable to find container named "nope"'
run set image deploy/test test=hub.docker.com:xxxx/xxxxxx:v1.1.3 nope=x
expect_rc 1
expect_out "deployment.apps/test image updated"
expect_err 'error: unable to find container named "nope"'
ok set image deploy/test '*=hub.docker.com:xxxx/xxxxxx:v1.1.4'
expect_out "deployment.apps/test image updated"
ok advance 20s
ok get rs -o wide
expect_out "NAME              DESIRED   CURRENT   READY   AGE   CONTAINERS   IMAGES                              SELECTOR" \
    "test-56c6f48cb5   0         0         0       20s   test         hub.docker.com:xxxx/xxxxxx:v1.1.3   app=test,pod-template-hash=56c6f48cb5" \
    "test-7dc44d59bb   0         0         0       30s   test         hub.docker.com:xxxx/xxxxxx:v1.1.2   app=test,pod-template-hash=7dc44d59bb" \
    "test-7f856549fb   3         3         3       20s   test         hub.docker.com:xxxx/xxxxxx:v1.1.4   app=test,pod-template-hash=7f856549fb" \
    "test-85679987bd   0         0         0       40s   test         hub.docker.com:xxxx/xxxxxx:v1.1.0   app=test,pod-template-hash=85679987bd"

# other annotations: changed with --overwrite only; KEY- removes
ok annotate deploy/test team=web
expect_out "deployment.apps/test annotated"
run annotate deploy/test team=ops owner=me
expect_rc 1
expect_no_out
expect_err "error: --overwrite is false but found the following declared annotation(s): 'team' already has a value (web)"
ok annotate deploy/test team=web owner=me
ok annotate deploy/test team=ops owner=you --overwrite
expect_out "deployment.apps/test annotated"
ok get deploy test -o yaml
sed -n 3,10p out > got
printf '%s\n' "metadata:" "  annotations:" '    deployment.kubernetes.io/revision: "4"' \
    "    kubernetes.io/change-cause: image updated to v1.1.2" "    owner: you" "    team: ops" \
    '  creationTimestamp: "2019-07-07T16:31:32Z"' "  generation: 4" > want
cmp -s want got || { fail "annotations after annotate --overwrite"; diff -u want got; }
ok annotate deploy/test team- owner-
expect_out "deployment.apps/test annotated"
ok get deploy test -o yaml
grep -q "team\|owner" out && fail "annotate KEY- removed nothing"

# scale: at once when settled; proportionally during a rollout
ok scale deployment/test --replicas=5
expect_out "deployment.apps/test scaled"
ok get rs test-7f856549fb
expect_out "NAME              DESIRED   CURRENT   READY   AGE" \
    "test-7f856549fb   5         5         3       20s"
ok set image deploy/test test=hub.docker.com:xxxx/xxxxxx:v1.1.5
ok get rs
expect_out "NAME              DESIRED   CURRENT   READY   AGE" \
    "test-56c6f48cb5   0         0         0       20s" \
    "test-7dc44d59bb   0         0         0       30s" \
    "test-7f856549fb   4         4         3       20s" \
    "test-85679987bd   0         0         0       40s" \
    "test-864bb6b595   2         2         0       0s"
ok scale deployment test --replicas=10
expect_out "deployment.apps/test scaled"
ok get rs --no-headers
expect_out "test-56c6f48cb5   0     0     0     20s" \
    "test-7dc44d59bb   0     0     0     30s" \
    "test-7f856549fb   7     7     3     20s" \
    "test-85679987bd   0     0     0     40s" \
    "test-864bb6b595   4     4     0     0s"
ok advance 1m
ok get deploy
expect_out "NAME   READY   UP-TO-DATE   AVAILABLE   AGE" \
    "test   10/10   10           10          100s"
run scale deploy/test --replicas=2 --current-replicas=3
expect_rc 1
expect_err "error: Expected replicas to be 3, was 10"
ok scale deploy/test --replicas=2 --current-replicas=10
expect_out "deployment.apps/test scaled"
ok advance 2s
ok get pods
expect_out "NAME                    READY   STATUS    RESTARTS   AGE" \
    "test-864bb6b595-mhl5q   1/1     Running   0          62s" \
    "test-864bb6b595-t87j8   1/1     Running   0          62s"

# delete: gone for kubectl at once, its pods terminating until they are
# gone; the name is taken until then
ok delete deployment test
expect_out 'deployment.apps "test" deleted'
run get deployments
expect_rc 0
expect_no_out
expect_err "No resources found in default namespace."
run get rs
expect_err "No resources found in default namespace."
ok get pods
expect_out "NAME                    READY   STATUS        RESTARTS   AGE" \
    "test-864bb6b595-mhl5q   0/1     Terminating   0          62s" \
    "test-864bb6b595-t87j8   0/1     Terminating   0          62s"
run apply -f "$SEED/test1-1-0.yaml"
expect_rc 1
expect_err "Error from server (AlreadyExists): error when creating \"$SEED/test1-1-0.yaml\": object is being deleted: deployments.apps \"test\" already exists"
run rollout status deploy/test
expect_rc 1
expect_err 'Error from server (NotFound): deployments.apps "test" not found'
run delete deploy/test
expect_rc 1
expect_err 'Error from server (NotFound): deployments.apps "test" not found'
ok advance 1s
run get pods
expect_err "No resources found in default namespace."
ok apply -f "$SEED/test1-1-0.yaml"
expect_out "deployment.apps/test created"
ok rollout history deploy/test
expect_out "deployment.apps/test " "REVISION  CHANGE-CAUSE" "1         <none>" ""

# several at once
ok apply -n other -f "$SEED/test1-1-0.yaml"
sed 's/^  name: test$/  name: web/' "$SEED/test1-1-0.yaml" > web.yaml
ok apply -f web.yaml -n other
ok scale deployment test web --replicas=1 -n other
expect_out "deployment.apps/test scaled" "deployment.apps/web scaled"
ok delete deployment/test deployment/web -n other
expect_out 'deployment.apps "test" deleted' 'deployment.apps "web" deleted'
ok get deploy
expect_out "NAME   READY   UP-TO-DATE   AVAILABLE   AGE" \
    "test   0/3     3            0           0s"

done_testing
