#!/bin/sh
# rolloutctl: the bcs-client verbs, through the seed's walk-through and
# around it.  Two nodes of 1 cpu, as in the seed's listing: its two
# taskgroups of 0.5 cpu, one per node (UNIQUE InnerIP), and room beside
# them for the one surge taskgroup of each step.
. "${srcdir:-.}/tests/rolloutctl/lib.sh"

# inspect's JSON is read with Python's json module
if ! command -v python3 > /dev/null; then
    echo "SKIP: no python3 to read JSON"
    exit 77
fi

V0=$SEED/test1-1-0.json
V1=$SEED/test1-1-1.json

fresh() {
    ok cluster init --force --clock manual --start 1562517092 --nodes 2 --cpu 1
}

# apps_are ROW...: list -t app shows these NAME STATUS INSTANCE RUNNING.
apps_are() {
    ok list -t app
    awk 'NR > 1 { print $1, $2, $3, $4 }' out > got
    printf '%s\n' "$@" > want
    if ! cmp -s want got; then
        fail "applications at: $when"
        diff -u want got || true
    fi
}

# taskgroups_of APP: how many taskgroups list -t taskgroup shows of APP.
taskgroups_of() {
    ctl list -t taskgroup
    awk -v app="$1" 'NR > 1 && $2 == app' out | wc -l | tr -d ' '
}

# field KEY...: a value of the last inspect's "data", as Python prints it.
field() {
    python3 -c 'import json, sys
v = json.load(open("out"))["data"]
for k in sys.argv[1:]:
    v = v[int(k)] if isinstance(v, list) else v[k]
print(json.dumps(v))' "$@"
}

# expect_field VALUE KEY...: the last inspect has VALUE (JSON) at KEY.
expect_field() {
    want=$1
    shift
    got=$(field "$@") || got="<none>"
    [ "$got" = "$want" ] || fail "$last: data.$*: $got, not $want"
}

# refused RC STDERR ARGS...: the command fails so and leaves the state alone.
refused() {
    want_rc=$1 want_err=$2
    shift 2
    cp state.json before.json
    run "$@"
    expect_rc "$want_rc"
    expect_err "$want_err"
    [ -s out ] && fail "stdout of: $last" && cat out
    cmp -s before.json state.json || fail "$last changed the state"
}

HEADER='NAME                                               STATUS     INSTANCE   RUNNING_INSTANCE  MESSAGE                   CREATETIME                          NAMESPACE                     '

DHEADER='NAME                                                STATUS           NAMESPACE                       APP_NAME                       APPEXT_NAME                   '

# ---- the seed's walk-through ---------------------------------------------

fresh
when="the create"
ok create -t deployment -f "$V0"
expect_out "success to create deployment"
ok list -t app -ns defaultGroup
expect_out "$HEADER" \
    'test                                               Deploying  2          0                 some pods in staing or... 2019-07-08 00:31:32 +0800 CST       defaultGroup                  '
ok advance 11s
when="00:31:43"
apps_are "test Running 2 2"

ok update -t deployment -f "$V1"
expect_out "success to update deployment"
# the first step: the new taskgroup runs at :45, the old index 1 is killed
ok advance 3s
ok list -t app -ns defaultGroup
expect_out "$HEADER" \
    'test                                               RollingUpdate 2          1                 application is abnorma... 2019-07-08 00:31:32 +0800 CST       defaultGroup                  ' \
    'test-v1562517103                                   RollingUpdate 2          1                 have not enough resour... 2019-07-08 00:31:43 +0800 CST       defaultGroup                  '
ok list -t deployment
expect_out "$DHEADER" \
    'test                                                Update           defaultGroup                    test                           test-v1562517103              '
ok list -t taskgroup -ns defaultGroup
expect_out 'NAME                                                RC_NAME                    STATUS           CONTAINER_NUM    STARTTIME                       HOSTIP          HOSTNAME        PODIP           NAMESPACE                      MESSAGE                       ' \
    '0.test.defaultGroup.Unnamed.1562517092000000000     test                       Running          1                2019-07-08 00:31:32 +0800 CST   10.0.0.1        node1           10.0.0.1        defaultGroup                   pod is running                ' \
    '1.test.defaultGroup.Unnamed.1562517092000000000     test                       Killing          1                2019-07-08 00:31:32 +0800 CST   10.0.0.2        node2           10.0.0.2        defaultGroup                   some tasks are killing        ' \
    '0.test-v1562517103.defaultGroup.Unnamed.1562517103000000000  test-v1562517103           Running          1                2019-07-08 00:31:43 +0800 CST   10.0.0.1        node1           10.0.0.1        defaultGroup                   pod is running                '
ok inspect -t deployment -ns defaultGroup -n test
head -1 out | grep -qx '{' || fail "inspect does not begin with {"
sed -n 2p out | grep -qx '  "data": {' || fail "inspect has no data at two spaces"
expect_field '"Update"' status
expect_field '"DELETE"' curr_rolling_operation
expect_field 'true' is_in_rolling
expect_field '1' strategy rollingupdate maxUnavilable
expect_field '"test-v1562517103"' application_ext name
expect_field '1' application curr_target_instances
expect_field '"hub.docker.com:xxxx/xxxxxx:v1.1.1"' raw_json spec template spec containers 0 image
expect_field '"hub.docker.com:xxxx/xxxxxx:v1.1.0"' raw_json_backup spec template spec containers 0 image
ok inspect -t app -n test-v1562517103
expect_field '{"name": "test-v1562517103", "namespace": "defaultGroup", "labels": {"appname": "test"}}' metadata
expect_field '2' instance
expect_field '1' buildedInstance
expect_field '1' runningInstance
expect_field '"2019-07-07T16:31:43Z"' createTime
expect_field '"RollingUpdate"' status
expect_field '"have not enough resources to launch application"' message
expect_field '[{"name": "0.test-v1562517103.defaultGroup.Unnamed.1562517103000000000"}]' pods
expect_field '"application"' kind

# the step ends at :47 when index 1 is gone; the next begins more than
# upgradeDuration (60s) later
ok advance 61s
when="00:32:47"
ok inspect -t deployment -n test
expect_field '1562517107' last_rolling_time
expect_field 'false' is_in_rolling
[ "$(taskgroups_of test-v1562517103)" = 1 ] || fail "a step began within upgradeDuration"
ok advance 1s
[ "$(taskgroups_of test-v1562517103)" = 2 ] || fail "the second step did not begin at 00:32:48"
ok advance 10s
when="the end"
apps_are "test-v1562517103 Running 2 2"
ok list -t deployment
expect_out "$DHEADER" \
    'test                                                Running          defaultGroup                    test-v1562517103                                             '
ok inspect -t deployment -n test
expect_field 'null' application_ext
expect_field '"hub.docker.com:xxxx/xxxxxx:v1.1.0"' raw_json_backup spec template spec containers 0 image

# ---- pause and resume --------------------------------------------------------

fresh
ok create -t deployment -f "$V0"
ok advance 11s
refused 1 "failed to pause deployment: pause deployment failed: (bcs-scheduler):deployment is not in updating" \
    pause -t deployment -ns defaultGroup -n test
ok update -t deployment -f "$V1"
ok pause -t deployment -ns defaultGroup -n test
expect_out "success to pause deployment"
refused 1 "failed to pause deployment: pause deployment failed: (bcs-scheduler):deployment is not in updating" \
    pause -t deployment -n test
# the step in flight completes; no other begins
ok advance 120s
when="paused for 2m"
apps_are "test RollingUpdate 2 1" "test-v1562517103 RollingUpdate 2 1"
ok list -t deployment
awk 'NR > 1 { print $2 }' out | grep -qx UpdatePaused || fail "the deployment is not UpdatePaused"
ok resume -t deployment -ns defaultGroup -n test
expect_out "success to resume deployment"
refused 1 "failed to resume deployment: resume deployment failed: (bcs-scheduler):deployment is not update paused or suspend" \
    resume -t deployment -n test
ok advance 10s
when="resumed"
apps_are "test-v1562517103 Running 2 2"

# ---- cancel at the seed's listing moment ------------------------------------

fresh
ok create -t deployment -f "$V0"
ok advance 11s
ok update -t deployment -f "$V1"
ok advance 3s
ok cancel -t deployment -ns defaultGroup -n test
expect_out "success to cancel deployment"
# the kill in flight ends, index 1 is built again, the new app goes
ok advance 3s
when="cancelled"
apps_are "test Running 2 2"
ok list -t deployment
expect_out "$DHEADER" \
    'test                                                Running          defaultGroup                    test                                                         '
ok inspect -t deployment -n test
expect_field '"hub.docker.com:xxxx/xxxxxx:v1.1.0"' raw_json spec template spec containers 0 image
field raw_json_backup > /dev/null 2>&1 && fail "a cancelled update kept its backup"
refused 1 "failed to cancel deployment: cancel deployment failed: (bcs-scheduler):deployment is in not rollingupdate" \
    cancel -t deployment -n test
refused 1 "failed to cancel deployment: cancel deployment failed: (bcs-scheduler):store: Not Found" \
    cancel -t deployment -n nope

# ---- DeleteFirst: the old taskgroup goes before the new one comes -----------

fresh
sed 's/CreateFirst/DeleteFirst/' "$V1" > deletefirst.json
ok create -t deployment -f "$V0"
ok advance 11s
ok update -t deployment -f deletefirst.json
ok list -t taskgroup
awk 'NR > 1 { print $1, $3 }' out > got
printf '%s\n' "0.test.defaultGroup.Unnamed.1562517092000000000 Running" \
    "1.test.defaultGroup.Unnamed.1562517092000000000 Killing" > want
cmp -s want got || { fail "DeleteFirst did not kill first"; diff -u want got || true; }
ok advance 1s
when="DeleteFirst, 00:31:44"
apps_are "test RollingUpdate 2 1" "test-v1562517103 RollingUpdate 2 0"
[ "$(taskgroups_of test-v1562517103)" = 1 ] || fail "DeleteFirst created nothing after the kill"
ok advance 2m
when="DeleteFirst, the end"
apps_are "test-v1562517103 Running 2 2"

# ---- rollingManually: every step waits for resume ------------------------------

fresh
sed 's/"rollingManually": false/"rollingManually": true/' "$V1" > manually.json
ok create -t deployment -f "$V0"
ok advance 11s
ok update -t deployment -f manually.json
ok advance 2m
when="rollingManually, after a step"
apps_are "test RollingUpdate 2 1" "test-v1562517103 RollingUpdate 2 1"
ok inspect -t deployment -n test
expect_field '"UpdatePaused"' status
expect_field '"rollingupdate paused"' message
expect_field 'true' strategy rollingupdate rollingManually
ok resume -t deployment -n test
ok advance 10s
when="rollingManually, resumed"
apps_are "test-v1562517103 Running 2 2"

# ---- scale ----------------------------------------------------------------------

ok scale -t deployment -ns defaultGroup -n test -i 1
expect_out "success to scale deployment"
ok advance 2s
when="scaled to 1"
apps_are "test-v1562517103 Running 1 1"
ok scale -t deployment -n test --instance=2
ok advance 5s
when="scaled to 2"
apps_are "test-v1562517103 Running 2 2"
ok inspect -t deployment -n test
expect_field '2' raw_json spec instance
refused 1 "failed to scale deployment: scale resource deployments failed: (bcs-scheduler):target instances can not be littler than 1, maybe you want to use delete command" \
    scale -t deployment -n test -i 0
refused 1 "failed to scale deployment: scale resource deployments failed: (bcs-scheduler):deployment not exist" \
    scale -t deployment -n nope -i 2
ok update -t deployment -f "$V0"
refused 1 "failed to scale deployment: scale resource deployments failed: (bcs-scheduler):operation forbidden, the deployment status is Update" \
    scale -t deployment -n test -i 3

# ---- refusals: the state stays as it was ------------------------------------

refused 1 "failed to update deployment: update resource deployments failed: (bcs-scheduler):deployment is not running, cannot update" \
    update -t deployment -f "$V1"
refused 1 "failed to create deployment: create resource deployments failed: (bcs-scheduler):deployment(defaultGroup.test) already exist" \
    create -t deployment -f "$V0"
ok advance 5m
sed 's/"spec": {/"spec": {"selector": {"appname": "test"},/' "$V1" > selector.json
refused 1 "failed to update deployment: update resource deployments failed: (bcs-scheduler):selector.json:23:24: spec.selector: deployment's selector cannot be updated'" \
    update -t deployment -f selector.json
sed 's/CreateFirst/Sideways/' "$V1" > order.json
refused 1 "failed to update deployment: update resource deployments failed: (bcs-scheduler):order.json:31:25: spec.strategy.rollingupdate.rollingOrder: update strategy rolling order error" \
    update -t deployment -f order.json
sed 's/"instance": 2/"instance": 0/' "$V1" > zero.json
refused 1 "failed to update deployment: update resource deployments failed: (bcs-scheduler):zero.json:24:17: spec.instance: instances error" \
    update -t deployment -f zero.json
sed -e 's/"name": "test"/"name": "other"/' -e 's/"instance": 2/"instance": 0/' "$V0" > zero-create.json
refused 1 "failed to create deployment: create resource deployments failed: (bcs-scheduler):zero-create.json:24:17: spec.instance: application instances error" \
    create -t deployment -f zero-create.json
sed 's/"name": "test"/"name": "nope"/' "$V1" > nope.json
refused 1 "failed to update deployment: update resource deployments failed: (bcs-scheduler):deployment not exist" \
    update -t deployment -f nope.json
refused 1 "failed to pause deployment: pause deployment failed: (bcs-scheduler):deployment not exist" \
    pause -t deployment -n nope
refused 1 "failed to delete deployment: delete resource deployments failed: (bcs-scheduler):deployment not exist" \
    delete -t deployment -ns otherGroup -n test
refused 1 "failed to create application: create resource applications failed: (bcs-mesos-driver):Kind deployment is invalid" \
    create -t app -f "$V0"
head -c 300 "$V0" > cut.json
refused 1 "failed to create deployment: cut.json:17:15: premature end of input near '\"o'" \
    create -t deployment -f cut.json
sed 's/"namespace": "defaultGroup"/"namespace": ""/' "$V0" > nons.json
refused 1 "failed to create deployment: nons.json:9:18: metadata.namespace: parse namespace failed or json structure error" \
    create -t deployment -f nons.json
refused 1 "failed to inspect deployment: inspect dynamic deployment failed: resource does not exist." \
    inspect -t deployment -n nope
refused 1 "failed to inspect application: inspect dynamic application failed: resource does not exist." \
    inspect -t app -n nope

# bad usage: exit 1, as upstream
refused 1 "type must be specified" create -f "$V0"
refused 1 "type must be specified" pause -n test
refused 1 "invalid type: pod" list -t pod
refused 1 "invalid type: app" pause -t app -n test
refused 1 "from-file must be specified" update -t deployment
refused 1 "name must be specified" cancel -t deployment -ns defaultGroup
refused 1 "name must be specified" inspect -t app
refused 1 "instance must be specified" scale -t deployment -n test
refused 1 'invalid value "many" for flag -instance: parse error' scale -t deployment -n test -i many
refused 1 "flag provided but not defined: -x" list -t app -x
refused 1 "flag needs an argument: -n" delete -t deployment -n
refused 1 'unexpected argument "test"' delete -t deployment test

# ---- delete --------------------------------------------------------------------

ok delete -t deployment -ns defaultGroup -n test
expect_out "success to delete deployment"
ok list -t deployment
awk 'NR > 1 { print $1, $2 }' out | grep -qx "test Deleting" || fail "the deployment is not Deleting"
ok advance 5s
ok list -t deployment
expect_out "Found no deployment"
ok list -t app
expect_out "Found no application"
ok list -t taskgroup
expect_out "Found no taskgroup"

# ---- a standalone application, and a deployment adopting it ----------------

ok cluster init --force --clock manual --start 1562517092 --nodes 3 --cpu 2
sed -e 's/"kind": "deployment"/"kind": "application"/' -e 's/"test"/"web"/g' "$V0" > web.json
ok create -t app -f web.json
expect_out "success to create application"
ok advance 5s
when="the application"
apps_are "web Running 2 2"
ok inspect -t application -n web
expect_field '{"name": "web", "namespace": "defaultGroup", "labels": {"appname": "web"}}' metadata
expect_field '"Running"' status
expect_field '"application is running"' message
expect_field '"2019-07-07T16:31:32Z"' createTime
sed 's/"instance": 2/"instance": 3/' web.json > web3.json
ok update -t app -f web3.json
expect_out "success to update application"
ok advance 5s
when="the application, updated"
apps_are "web Running 3 3"
refused 1 "failed to update application: update resource applications failed: (bcs-scheduler):Application not found" \
    update -t app -f "$(sed 's/"web"/"www"/g' web3.json > www.json; echo www.json)"
ok list -t deployment
expect_out "Found no deployment"
# a deployment with no template of its own takes the application its
# selector matches, as it is
python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
d["metadata"]["name"] = "webd"
d["metadata"]["labels"] = {"appname": "webd"}
d["spec"]["selector"] = {"appname": "web"}
del d["spec"]["template"]
json.dump(d, open("webd.json", "w"), indent=2)' "$V0"
ok create -t deployment -f webd.json
expect_out "success to create deployment"
ok list -t deployment
expect_out "$DHEADER" \
    'webd                                                Running          defaultGroup                    web                                                          '
when="adopted"
apps_are "web Running 3 3"
ok inspect -t app -n web
expect_field '{"name": "web", "namespace": "defaultGroup", "labels": {"appname": "web"}}' metadata
expect_field '3' buildedInstance
# it is no longer standalone: it goes with its deployment
refused 1 "failed to delete application: delete resource applications failed: (bcs-scheduler):Application not found" \
    delete -t app -n web
ok delete -t deployment -n webd
ok advance 5s
ok list -t app
expect_out "Found no application"

# a standalone application is deleted on its own, here by its file
ok create -t app -f web.json
ok advance 5s
refused 1 "failed to delete deployment: delete resource deployments failed: (bcs-mesos-driver):Kind application is invalid" \
    delete -t deployment -f web.json
refused 1 "name the application with -n (and -ns) or -f, not both" delete -t app -n web -f web.json
ok delete -t app -f web.json
expect_out "success to delete application"
ok advance 5s
ok list -t app
expect_out "Found no application"

# ---- namespaces: descending, and -ns ------------------------------------------

sed 's/"web"/"alpha"/g' web.json > alpha.json
sed -e 's/"web"/"beta"/g' -e 's/"defaultGroup"/"zeta"/g' web.json > beta.json
sed -e 's/"web"/"gamma"/g' -e 's/"defaultGroup"/"alphaGroup"/g' web.json > gamma.json
ok create -t app -f alpha.json
ok create -t app -f beta.json
ok create -t app -f gamma.json
ok advance 5s
ok list -t app
awk 'NR > 1 { print $1, $NF }' out > got
printf '%s\n' "beta zeta" "alpha defaultGroup" "gamma alphaGroup" > want
cmp -s want got || { fail "list -t app is not by namespace descending"; diff -u want got || true; }
ok list -t app -ns alphaGroup
awk 'NR > 1 { print $1 }' out | grep -qx gamma || fail "list -ns alphaGroup"
[ "$(wc -l < out)" = 2 ] || fail "list -ns alphaGroup shows other namespaces"
ok list -t tg -ns zeta
[ "$(awk 'NR > 1 && $2 == "beta"' out | wc -l)" = 2 ] || fail "list -t tg -ns zeta"
ok list -t app -ns nowhere
expect_out "Found no application"

# --help for every verb
for verb in create update delete pause resume cancel scale list inspect; do
    ok $verb --help
    sed -n 3p out | grep -q "^Usage:" || fail "$verb --help has no usage"
done

done_testing
