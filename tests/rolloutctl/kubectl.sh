#!/bin/sh
# rolloutctl's kubectl verbs: the seed's walk-through as it reads, with its
# timings (its ages come out as the seed prints them), then pause, resume,
# undo and history.
. "${srcdir:-.}/tests/rolloutctl/lib.sh"

waiting='Waiting for deployment "test" rollout to finish:'

ok cluster init --clock manual --start 1562517092 --nodes 3

# kubectl apply -f test1-1-0.yaml: 3 replicas of v1.1.0
ok apply -f "$SEED/test1-1-0.yaml"
expect_out "deployment.apps/test created"
ok rollout status deployment.v1.apps/test --watch=false
expect_out "$waiting 0 of 3 updated replicas are available..."
ok get deployment
expect_out "NAME   READY   UP-TO-DATE   AVAILABLE   AGE" \
    "test   0/3     3            0           0s"
ok get rs
expect_out "NAME              DESIRED   CURRENT   READY   AGE" \
    "test-85679987bd   3         3         0       0s"
ok get pods -o wide
expect_out "NAME                    READY   STATUS              RESTARTS   AGE   IP       NODE    NOMINATED NODE   READINESS GATES" \
    "test-85679987bd-2vvh8   0/1     ContainerCreating   0          0s    <none>   node1   <none>           <none>" \
    "test-85679987bd-l4gh2   0/1     ContainerCreating   0          0s    <none>   node2   <none>           <none>" \
    "test-85679987bd-nf6s8   0/1     ContainerCreating   0          0s    <none>   node3   <none>           <none>"

# replicas run after 2s, are ready 1s later
ok advance 2s
ok get pods
expect_out "NAME                    READY   STATUS    RESTARTS   AGE" \
    "test-85679987bd-2vvh8   0/1     Running   0          2s" \
    "test-85679987bd-l4gh2   0/1     Running   0          2s" \
    "test-85679987bd-nf6s8   0/1     Running   0          2s"
ok advance 1s
ok rollout status deployment/test --watch=false
expect_out 'deployment "test" successfully rolled out'
ok get deploy
expect_out "NAME   READY   UP-TO-DATE   AVAILABLE   AGE" \
    "test   3/3     3            3           3s"

# the same manifest again changes nothing
ok apply -f "$SEED/test1-1-0.yaml"
expect_out "deployment.apps/test unchanged"

# 4m9s after the first, kubectl apply -f test1-1-1.yaml: the rolling
# upgrade, maxSurge 1 and maxUnavailable 1, seen step by step
ok advance 4m6s
ok apply -f "$SEED/test1-1-1.yaml"
expect_out "deployment.apps/test configured"
ok rollout status deployment.v1.apps/test --watch=false
expect_out "$waiting 2 out of 3 new replicas have been updated..."
ok get rs
expect_out "NAME              DESIRED   CURRENT   READY   AGE" \
    "test-85679987bd   2         2         2       4m9s" \
    "test-88cfd95ff    2         2         0       0s"
ok get pods
expect_out "NAME                    READY   STATUS              RESTARTS   AGE" \
    "test-85679987bd-2vvh8   1/1     Running             0          4m9s" \
    "test-85679987bd-l4gh2   1/1     Running             0          4m9s" \
    "test-85679987bd-nf6s8   0/1     Terminating         0          4m9s" \
    "test-88cfd95ff-nml7p    0/1     ContainerCreating   0          0s" \
    "test-88cfd95ff-vhg67    0/1     ContainerCreating   0          0s"
ok advance 3s
ok rollout status deployment.v1.apps/test --watch=false
expect_out "$waiting 2 of 3 updated replicas are available..."
ok get rs
expect_out "NAME              DESIRED   CURRENT   READY   AGE" \
    "test-85679987bd   0         0         0       4m12s" \
    "test-88cfd95ff    3         3         2       3s"
ok advance 3s
ok rollout status deployment.v1.apps/test --watch=false
expect_out 'deployment "test" successfully rolled out'

# kubectl get deployment test, 7m39s after the first apply, in the seed's
# columns and in today's
ok advance 3m24s
ok get deployment test --legacy-columns
expect_out "NAME   DESIRED   CURRENT   UP-TO-DATE   AVAILABLE   AGE" \
    "test   3         3         3            3           7m39s"
ok get deployment test
expect_out "NAME   READY   UP-TO-DATE   AVAILABLE   AGE" \
    "test   3/3     3            3           7m39s"

# kubectl get rs, 9m17s after: the old set kept at 0 as history
ok advance 1m38s
ok get rs
expect_out "NAME              DESIRED   CURRENT   READY   AGE" \
    "test-85679987bd   0         0         0       9m17s" \
    "test-88cfd95ff    3         3         3       5m8s"

ok rollout history deployment.v1.apps/test
expect_out "deployment.apps/test " \
    "REVISION  CHANGE-CAUSE" \
    "1         <none>" \
    "2         <none>" \
    ""

# pause: a new template starts no rollout, and undo is refused
ok rollout pause deployment.v1.apps/test
expect_out "deployment.apps/test paused"
run rollout pause deployment.v1.apps/test
expect_rc 1
expect_err 'error: deployments.apps "test" is already paused'
ok apply -f "$SEED/test1-1-0.yaml"
expect_out "deployment.apps/test configured"
ok advance 10s
ok get rs
expect_out "NAME              DESIRED   CURRENT   READY   AGE" \
    "test-85679987bd   0         0         0       9m27s" \
    "test-88cfd95ff    3         3         3       5m18s"
ok get deployment
expect_out "NAME   READY   UP-TO-DATE   AVAILABLE   AGE" \
    "test   3/3     0            3           9m27s"
ok rollout status deployment/test --watch=false
expect_out "$waiting 0 out of 3 new replicas have been updated..."
run rollout undo deployment.v1.apps/test
expect_rc 1
expect_err "error: you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again"

# resume: the rollout to v1.1.0 goes, its set taking revision 3
ok rollout resume deployment.v1.apps/test
expect_out "deployment.apps/test resumed"
run rollout resume deployment.v1.apps/test
expect_rc 1
expect_err 'error: deployments.apps "test" is not paused'
ok rollout status deployment/test --watch=false
expect_out "$waiting 2 out of 3 new replicas have been updated..."
ok advance 10s
ok rollout status deployment/test --watch=false
expect_out 'deployment "test" successfully rolled out'
ok rollout history deployment/test
expect_out "deployment.apps/test " \
    "REVISION  CHANGE-CAUSE" \
    "2         <none>" \
    "3         <none>" \
    ""

# undo: back to the previous revision, v1.1.1, which becomes 4
ok rollout undo deployment.v1.apps/test
expect_out "deployment.apps/test rolled back"
ok advance 10s
ok get rs
expect_out "NAME              DESIRED   CURRENT   READY   AGE" \
    "test-85679987bd   0         0         0       9m47s" \
    "test-88cfd95ff    3         3         3       5m38s"
ok rollout history deployment/test
expect_out "deployment.apps/test " \
    "REVISION  CHANGE-CAUSE" \
    "3         <none>" \
    "4         <none>" \
    ""

# undo --to-revision=3: v1.1.0 again, as revision 5; to the revision
# running: skipped; to one that is gone: an error
ok rollout undo deployment.v1.apps/test --to-revision=3
expect_out "deployment.apps/test rolled back"
ok advance 10s
ok rollout status deployment.v1.apps/test --watch=false
expect_out 'deployment "test" successfully rolled out'
ok rollout history deployment/test
expect_out "deployment.apps/test " \
    "REVISION  CHANGE-CAUSE" \
    "4         <none>" \
    "5         <none>" \
    ""
ok rollout undo deployment/test --to-revision=5
expect_out "deployment.apps/test skipped rollback (current template already matches revision 5)"
run rollout undo deploy/test --to-revision=2
expect_rc 1
expect_err "error: unable to find specified revision 2 in history"

# the other ways of naming it
for target in "deployment test" "deploy/test" "deployments/test" "deployment.apps/test"; do
    ok rollout status $target --watch=false
    expect_out 'deployment "test" successfully rolled out'
done

# restart: a new revision of the same template; once a second
ok rollout restart deployment/test
expect_out "deployment.apps/test restarted"
run rollout restart deployment/test
expect_rc 1
expect_err "error: failed to create patch for test: if restart has already been triggered within the past second, please wait before attempting to trigger another"
ok advance 10s
ok rollout history deployment/test
expect_out "deployment.apps/test " \
    "REVISION  CHANGE-CAUSE" \
    "4         <none>" \
    "5         <none>" \
    "6         <none>" \
    ""
ok rollout pause deployment/test
run rollout restart deployment/test
expect_rc 1
expect_err "error: deployments.apps \"test\" can't restart paused deployment (run rollout resume first)"

done_testing
