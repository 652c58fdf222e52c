#!/bin/sh
# rolloutctl's kubectl verbs: get -o json|yaml|name|wide, namespaces,
# describe, history --revision, and what is refused.
. "${srcdir:-.}/tests/rolloutctl/lib.sh"

TAB=$(printf '\t')

# expect_no_out: nothing on stdout
expect_no_out() {
    if [ -s out ]; then
        fail "stdout of: $last"
        cat out
    fi
}

ok cluster init --clock manual --start 1562517092 --nodes 3
ok apply -f "$SEED/test1-1-0.yaml"
ok advance 1m
ok apply -f "$SEED/test1-1-1.yaml"
ok advance 1m

# -o json: one object named, else a List of them
ok get deployment test -o json
cp out single.json
grep -q '^    "kind": "Deployment",$' single.json || fail "get -o json: no Deployment"
grep -q '^        "updatedReplicas": 3$' single.json || fail "get -o json: no status"
ok get deployments -o json
{
    printf '{\n    "apiVersion": "v1",\n    "items": [\n'
    sed 's/^/        /' single.json
    printf '    ],\n    "kind": "List",\n    "metadata": {\n        "resourceVersion": ""\n    }\n}\n'
} > want
cmp -s want out || { fail "get deployments -o json is no List of it"; diff -u want out; }

# -o yaml likewise
ok get deploy/test -o yaml
cp out single.yaml
grep -q '^kind: Deployment$' single.yaml || fail "get -o yaml: no Deployment"
ok get deploy -o yaml
{
    printf 'apiVersion: v1\nitems:\n'
    sed '1s/^/- /; 2,$s/^/  /' single.yaml
    printf 'kind: List\nmetadata:\n  resourceVersion: ""\n'
} > want
cmp -s want out || { fail "get deploy -o yaml is no List of it"; diff -u want out; }

# replica sets: the new one alone, then both
ok get rs test-88cfd95ff -o json
grep -q '^    "kind": "ReplicaSet",$' out || fail "get rs -o json: no ReplicaSet"
grep -q '^            "pod-template-hash": "88cfd95ff"$' out || fail "get rs -o json: no hash"
ok get rs -o yaml
test "$(grep -c '^- apiVersion: apps/v1$' out)" = 2 || fail "get rs -o yaml: not 2 items"

# -o name
ok get deployments -o name
expect_out "deployment.apps/test"
ok get rs -o name
expect_out "replicaset.apps/test-85679987bd" "replicaset.apps/test-88cfd95ff"
ok get pods -o name
expect_out "pod/test-88cfd95ff-nd5vw" "pod/test-88cfd95ff-nml7p" "pod/test-88cfd95ff-vhg67"
ok get po test-88cfd95ff-vhg67 -o name
expect_out "pod/test-88cfd95ff-vhg67"

# -o wide
ok get deploy -o wide
expect_out "NAME   READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS   IMAGES                              SELECTOR" \
    "test   3/3     3            3           2m    test         hub.docker.com:xxxx/xxxxxx:v1.1.1   app=test"
ok get deploy --legacy-columns -o wide
expect_out "NAME   DESIRED   CURRENT   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS   IMAGES                              SELECTOR" \
    "test   3         3         3            3           2m    test         hub.docker.com:xxxx/xxxxxx:v1.1.1   app=test"
ok get rs -o wide
expect_out "NAME              DESIRED   CURRENT   READY   AGE   CONTAINERS   IMAGES                              SELECTOR" \
    "test-85679987bd   0         0         0       2m    test         hub.docker.com:xxxx/xxxxxx:v1.1.0   app=test,pod-template-hash=85679987bd" \
    "test-88cfd95ff    3         3         3       60s   test         hub.docker.com:xxxx/xxxxxx:v1.1.1   app=test,pod-template-hash=88cfd95ff"
ok get pods --no-headers
expect_out "test-88cfd95ff-nd5vw   1/1   Running   0     57s" \
    "test-88cfd95ff-nml7p   1/1   Running   0     60s" \
    "test-88cfd95ff-vhg67   1/1   Running   0     60s"

# a pod as the API server gives it
ok get pod test-88cfd95ff-nd5vw -o yaml
expect_out "apiVersion: v1" \
    "kind: Pod" \
    "metadata:" \
    '  creationTimestamp: "2019-07-07T16:32:35Z"' \
    "  generateName: test-88cfd95ff-" \
    "  labels:" \
    "    app: test" \
    "    pod-template-hash: 88cfd95ff" \
    "  name: test-88cfd95ff-nd5vw" \
    "  namespace: default" \
    "  ownerReferences:" \
    "  - apiVersion: apps/v1" \
    "    blockOwnerDeletion: true" \
    "    controller: true" \
    "    kind: ReplicaSet" \
    "    name: test-88cfd95ff" \
    "spec:" \
    "  containers:" \
    "  - args:" \
    "    - -m" \
    "    - SimpleHTTPServer" \
    '    - "8888"' \
    "    command:" \
    "    - python" \
    "    image: hub.docker.com:xxxx/xxxxxx:v1.1.1" \
    "    name: test" \
    "    ports:" \
    "    - containerPort: 8888" \
    "  imagePullSecrets:" \
    "  - name: docker-secret" \
    "  nodeName: node3" \
    "status:" \
    "  conditions:" \
    '  - status: "True"' \
    "    type: Initialized" \
    '  - lastTransitionTime: "2019-07-07T16:32:38Z"' \
    '    status: "True"' \
    "    type: Ready" \
    '  - lastTransitionTime: "2019-07-07T16:32:38Z"' \
    '    status: "True"' \
    "    type: ContainersReady" \
    '  - status: "True"' \
    "    type: PodScheduled" \
    "  phase: Running"
ok get pod test-88cfd95ff-nd5vw -o json
grep -q '^        "nodeName": "node3"$' out || fail "get pod -o json: no node"
grep -q '^        "phase": "Running"$' out || fail "get pod -o json: no phase"

# describe, aligned as kubectl's tabwriter aligns it
ok describe deployment test
cat > want <<'EOF'
Name:                   test
Namespace:              default
CreationTimestamp:      Mon, 08 Jul 2019 00:31:32 +0800
Labels:                 app=test
Annotations:            deployment.kubernetes.io/revision: 2
Selector:               app=test
Replicas:               3 desired | 3 updated | 3 total | 3 available | 0 unavailable
StrategyType:           RollingUpdate
MinReadySeconds:        0
RollingUpdateStrategy:  1 max unavailable, 1 max surge
Pod Template:
  Labels:  app=test
  Containers:
   test:
    Image:      hub.docker.com:xxxx/xxxxxx:v1.1.1
    Port:       8888/TCP
    Host Port:  0/TCP
    Command:
      python
    Args:
      -m
      SimpleHTTPServer
      8888
    Environment:  <none>
    Mounts:       <none>
  Volumes:        <none>
Conditions:
  Type           Status  Reason
  ----           ------  ------
  Available      True    MinimumReplicasAvailable
  Progressing    True    NewReplicaSetAvailable
OldReplicaSets:  <none>
NewReplicaSet:   test-88cfd95ff (3/3 replicas created)
Events:
  Type    Reason             Age   From                   Message
  ----    ------             ----  ----                   -------
  Normal  ScalingReplicaSet  2m    deployment-controller  Scaled up replica set test-85679987bd to 3
  Normal  ScalingReplicaSet  60s   deployment-controller  Scaled up replica set test-88cfd95ff to 1
  Normal  ScalingReplicaSet  60s   deployment-controller  Scaled down replica set test-85679987bd to 2 from 3
  Normal  ScalingReplicaSet  60s   deployment-controller  Scaled up replica set test-88cfd95ff to 2 from 1
  Normal  ScalingReplicaSet  57s   deployment-controller  Scaled down replica set test-85679987bd to 0 from 2
  Normal  ScalingReplicaSet  57s   deployment-controller  Scaled up replica set test-88cfd95ff to 3 from 2
EOF
cmp -s want out || { fail "describe deployment test"; diff -u want out; }
cp out describe.txt
ok describe deployments
cmp -s describe.txt out || fail "describe deployments is not describe deployment test"
ok describe deploy/test
cmp -s describe.txt out || fail "describe deploy/test is not describe deployment test"

# events are kept an hour, as the API server keeps them; "Events:" is then
# aligned with the replica sets, as kubectl flushes its tabwriter only
# before a table of events
ok advance 1h
ok describe deployment test
test "$(tail -n 1 out)" = "Events:          <none>" || { fail "events after an hour"; tail -n 3 out; }

# history --revision: the template, through no tabwriter, as kubectl
ok rollout history deployment/test --revision=1
expect_out "deployment.apps/test with revision #1" \
    "Pod Template:" \
    "  Labels:${TAB}app=test" \
    "${TAB}pod-template-hash=85679987bd" \
    "  Containers:" \
    "   test:" \
    "    Image:${TAB}hub.docker.com:xxxx/xxxxxx:v1.1.0" \
    "    Port:${TAB}8000/TCP" \
    "    Host Port:${TAB}0/TCP" \
    "    Command:" \
    "      python" \
    "    Args:" \
    "      -m" \
    "      SimpleHTTPServer" \
    "    Environment:${TAB}<none>" \
    "    Mounts:${TAB}<none>" \
    "  Volumes:${TAB}<none>" \
    ""
run rollout history deployment/test --revision=7
expect_rc 1
expect_err "error: unable to find the specified revision"

# namespaces: -n puts a manifest without one there; another one is refused
ok apply -n other -f "$SEED/test1-1-0.yaml"
expect_out "deployment.apps/test created"
sed 's/^  name: test$/  name: web\n  namespace: prod/' "$SEED/test1-1-0.yaml" > prod.yaml
run apply -n other -f prod.yaml
expect_rc 1
expect_err "error: the namespace from the provided object \"prod\" does not match the namespace \"other\". You must pass '--namespace=prod' to perform this operation."
# a namespace that is none: said of the field, not of a place in the file
run apply -n Bad_NS -f "$SEED/test1-1-0.yaml"
expect_rc 1
expect_err "error: metadata.namespace: a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
# several documents, from standard input
{ cat prod.yaml; echo ---; cat "$SEED/test1-1-1.yaml"; } > both.yaml
last="rolloutctl apply -f - < both.yaml"
rc=0
${ROLLOUTCTL_WRAPPER:-} "$ROLLOUTCTL" apply -f - < both.yaml > out 2> err || rc=$?
expect_rc 0
expect_out "deployment.apps/web created" "deployment.apps/test unchanged"
ok get deploy -n other
expect_out "NAME   READY   UP-TO-DATE   AVAILABLE   AGE" \
    "test   0/3     3            0           0s"
ok get deployments -A
expect_out "NAMESPACE   NAME   READY   UP-TO-DATE   AVAILABLE   AGE" \
    "default     test   3/3     3            3           62m" \
    "other       test   0/3     3            0           0s" \
    "prod        web    0/3     3            0           0s"
ok get rs --all-namespaces -o name
expect_out "replicaset.apps/test-85679987bd" "replicaset.apps/test-88cfd95ff" \
    "replicaset.apps/test-85679987bd" "replicaset.apps/web-85679987bd"
run get deploy test -A
expect_rc 1
run get pods -n nowhere
expect_rc 0
expect_no_out
expect_err "No resources found in nowhere namespace."
ok get deploy -n nowhere -o json
expect_out "{" '    "apiVersion": "v1",' '    "items": [],' '    "kind": "List",' \
    '    "metadata": {' '        "resourceVersion": ""' '    }' "}"
run describe deployment -n nowhere
expect_rc 0
expect_no_out
expect_err "No resources found in nowhere namespace."

# what is not there
for args in "get deployment nope" "get deployment nope -o json" "describe deployment nope" \
    "rollout status deployment/nope" "rollout history deploy/nope" "rollout undo deploy/nope" \
    "rollout pause deploy/nope" "scale deploy/nope --replicas=1" "delete deploy nope" \
    "set image deploy/nope test=x" "annotate deploy/nope a=b"; do
    run $args
    expect_rc 1
    expect_no_out
    expect_err 'Error from server (NotFound): deployments.apps "nope" not found'
done
run get deploy test -n nowhere
expect_rc 1
expect_err 'Error from server (NotFound): deployments.apps "test" not found'

run get rs nope
expect_rc 1
expect_err 'Error from server (NotFound): replicasets.apps "nope" not found'
run get pod nope
expect_rc 1
expect_err 'Error from server (NotFound): pods "nope" not found'
run get deploy test nope -o name
expect_rc 1
expect_out "deployment.apps/test"
expect_err 'Error from server (NotFound): deployments.apps "nope" not found'
run get widgets
expect_rc 1
expect_err 'error: the server doesn'"'"'t have a resource type "widgets"'

# manifests refused, with their place, and nothing applied
cp state.json before.json
run apply -f "$SEED/test1-1-0.json"
expect_rc 1
expect_err "error: $SEED/test1-1-0.json:3:11: kind: a BCS deployment, where a Kubernetes Deployment is expected"
printf 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: bad\nspec:\n  replicas: -1\n' > bad.yaml
run apply -f "$SEED/test1-1-1.yaml" -f bad.yaml
expect_rc 1
expect_no_out
expect_err "error: bad.yaml:6:13: spec.replicas: must be greater than or equal to 0"
printf 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: bad\n spec: [\n' > broken.yaml
run apply -f broken.yaml
expect_rc 1
expect_err "error: broken.yaml:5:2: while parsing a block mapping: did not find expected key"
run apply -f missing.yaml
expect_rc 1
expect_err 'error: the path "missing.yaml" does not exist'
printf '' > empty.yaml
run apply -f empty.yaml
expect_rc 1
expect_err "error: empty.yaml:1:1: no objects passed to apply"
cmp -s before.json state.json || fail "a refused apply changed the state"

# bad usage: exit 2
for args in "apply" "apply -f" "apply --bogus -f x" "get" "get deploy -o table" "get deploy,rs" \
    "get deploy/test rs/x" "describe" "describe rs x" "rollout" "rollout status" \
    "rollout frobnicate deploy/test" "rollout status deploy/test --watch=maybe" \
    "rollout status deploy/test --timeout=soon" "rollout undo deploy/test --to-revision=x" \
    "rollout status deploy test extra" "rollout undo deploy/test --revision=1" \
    "rollout status rs/test-88cfd95ff" "scale deploy/test" "scale deploy/test --replicas=-1" \
    "scale deploy/test --replicas=x" "set" "set env deploy/test A=B" "set image deploy/test" \
    "annotate deploy/test" "delete" "delete deployment"; do
    run $args
    expect_rc 1
    grep -q "^See 'rolloutctl [a-z]* --help'.$" err || fail "no pointer to --help: $last"
done
cmp -s before.json state.json || fail "bad usage changed the state"

# a directory: its manifests, in the order of their names, JSON as YAML
mkdir manifests nothing
sed 's/^  name: test$/  name: alpha/' "$SEED/test1-1-0.yaml" > manifests/b.yaml
printf '%s\n' '{"apiVersion": "apps/v1", "kind": "Deployment",' \
    ' "metadata": {"name": "beta", "namespace": "dir"},' \
    ' "spec": {"selector": {"matchLabels": {"app": "b"}},' \
    '  "template": {"metadata": {"labels": {"app": "b"}},' \
    '   "spec": {"containers": [{"name": "b", "image": "busybox"}]}}}}' > manifests/a.json
echo "not a manifest" > manifests/notes.txt
ok apply -f manifests -n dir
expect_out "deployment.apps/beta created" "deployment.apps/alpha created"
ok get deploy -n dir -o name
expect_out "deployment.apps/alpha" "deployment.apps/beta"
run apply -f nothing
expect_rc 1
expect_err "error: no objects passed to apply"

# the timeline names a deployment without its namespace: events of a
# deployment of the same name elsewhere are told apart by the sets they
# name (when those names differ)
sed 's/v1.1.0/v9/' "$SEED/test1-1-0.yaml" > mirror.yaml
ok apply -n mirror -f mirror.yaml
ok get rs -n mirror -o name
mirror_rs=$(sed 's|^replicaset.apps/||' out)
ok describe deployment test
grep -q "$mirror_rs" out && { fail "another namespace's events"; tail -n 3 out; }
ok describe deployment test -n mirror
test "$(tail -n 1 out)" = "  Normal  ScalingReplicaSet  0s    deployment-controller  Scaled up replica set $mirror_rs to 3" ||
    { fail "the events of the same name in its namespace"; tail -n 3 out; }

# describe shows what a template may hold: several containers and ports,
# resources, probes (with the API server's defaults), environment,
# mounts, volumes, and annotations cut or spread over lines
long=$(printf 'x%.0s' $(seq 1 150))
cat > envy.yaml <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: envy
spec:
  selector:
    matchLabels: {app: envy}
  template:
    metadata:
      labels: {app: envy}
      annotations: {note: "multi\\nline", long: "$long"}
    spec:
      containers:
      - name: a
        image: nginx
        ports: [{containerPort: 80}, {containerPort: 443, hostPort: 8443}]
        env:
        - {name: A, value: "1"}
        - {name: B, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
        - {name: C, valueFrom: {secretKeyRef: {name: s, key: k}}}
        resources: {limits: {cpu: 500m, memory: 64Mi}, requests: {cpu: 100m}}
        readinessProbe: {httpGet: {path: /healthz, port: 8080}}
        livenessProbe: {exec: {command: [cat, /tmp/ok]}, periodSeconds: 5}
        volumeMounts: [{name: data, mountPath: /data}]
      - name: b
        image: busybox
      volumes: [{name: data, emptyDir: {}}]
EOF
ok apply -f envy.yaml
ok describe deployment envy
sed -n '/^Pod Template:$/,/^Conditions:$/p' out > got
cut=$(printf 'x%.0s' $(seq 1 138))
cat > want <<EOF
Pod Template:
  Labels:       app=envy
  Annotations:  long:
                  $cut...
                note:
                  multi
                  line
  Containers:
   a:
    Image:       nginx
    Ports:       80/TCP, 443/TCP
    Host Ports:  0/TCP, 8443/TCP
    Limits:
      cpu:     500m
      memory:  64Mi
    Requests:
      cpu:      100m
    Liveness:   exec [cat /tmp/ok] delay=0s timeout=1s period=5s #success=1 #failure=3
    Readiness:  http-get http://:8080/healthz delay=0s timeout=1s period=10s #success=1 #failure=3
    Environment:
      A:  1
      B:   (v1:metadata.name)
      C:  <set to the key 'k' in secret 's'>  Optional: false
    Mounts:
      /data from data (rw)
   b:
    Image:        busybox
    Port:         <none>
    Host Port:    <none>
    Environment:  <none>
    Mounts:       <none>
  Volumes:
   data:
    Type:       EmptyDir (a temporary directory that shares a pod's lifetime)
    Medium:     
    SizeLimit:  <unset>
Conditions:
EOF
cmp -s want got || { fail "describe of a fuller template"; diff -u want got; }
ok get deploy envy -o wide
expect_out "NAME   READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS   IMAGES          SELECTOR" \
    "envy   0/1     1            0           0s    a,b          nginx,busybox   app=envy"

# --help for every kubectl verb: its usage first
for verb in apply get describe rollout scale set annotate delete; do
    ok $verb --help
    sed -n 3p out | grep -q "^Usage:$" || fail "$verb --help has no usage"
done

done_testing
