/*
 * Manifests: the seed's four files read field by field; bad input refused
 * with its message, line and column, the engine left as it was; YAML and
 * JSON as Kubernetes reads them; fields the engine does not interpret kept
 * verbatim; round trips in both dialects and formats; refusals found at
 * apply time placed in the file.
 *
 * The seed's files are read from $srcdir/tests/data/seed (the directory
 * the test environment names, else the source tree this was built from).
 */
#include <check.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakehost.h"

#define NS "default"

#ifndef TEST_TOP_SRCDIR
#define TEST_TOP_SRCDIR "."
#endif

/* Reading the seed's files. */

static char *data_path(const char *name)
{
    const char *dir = getenv("srcdir");
    size_t n;
    char *p;

    if (!dir || !*dir)
        dir = TEST_TOP_SRCDIR;
    n = strlen(dir) + strlen(name) + 32;
    p = malloc(n);
    ck_assert_ptr_nonnull(p);
    snprintf(p, n, "%s/tests/data/seed/%s", dir, name);
    return p;
}

static char *read_data(const char *name, size_t *len)
{
    char *path = data_path(name), *buf;
    FILE *f = fopen(path, "rb");
    long n;

    ck_assert_msg(f != NULL, "cannot open %s", path);
    ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    ck_assert_int_ge(n, 0);
    rewind(f);
    buf = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(buf);
    ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    free(path);
    if (len)
        *len = (size_t)n;
    return buf;
}

/* TEXT with the first FIND replaced by REPL (FIND must be there). */
static char *edit(const char *text, const char *find, const char *repl)
{
    const char *at = strstr(text, find);
    size_t n, head;
    char *out;

    ck_assert_msg(at != NULL, "\"%s\" is not in the text", find);
    head = (size_t)(at - text);
    n = strlen(text) - strlen(find) + strlen(repl);
    out = malloc(n + 1);
    ck_assert_ptr_nonnull(out);
    memcpy(out, text, head);
    memcpy(out + head, repl, strlen(repl));
    strcpy(out + head + strlen(repl), at + strlen(find));
    return out;
}

/* A string of N copies of S. */
static char *repeat(const char *s, size_t n)
{
    size_t len = strlen(s), i;
    char *out = malloc(len * n + 1);

    ck_assert_ptr_nonnull(out);
    for (i = 0; i < n; i++)
        memcpy(out + i * len, s, len);
    out[len * n] = '\0';
    return out;
}

/* A string made with printf. */
static char *str_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *str_printf(const char *fmt, ...)
{
    va_list ap;
    char *out;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    ck_assert_int_ge(n, 0);
    out = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(out);
    va_start(ap, fmt);
    vsnprintf(out, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return out;
}

/* Reading specs. */

/* The one document of TEXT, which must be read without error. */
static rollout_spec *parse_one(const char *text, size_t len, const char *source,
                               rollout_dialect dialect)
{
    rollout_spec *s = NULL;
    rollout_parse_error err;
    char msg[1024] = "";
    int rc;

    memset(&err, 0, sizeof(err));
    rc = rollout_spec_parse(&s, text, len, source, dialect, &err);
    if (rc != ROLLOUT_OK)
        rollout_parse_error_print(msg, sizeof(msg), &err);
    ck_assert_msg(rc == ROLLOUT_OK, "%s: %s", source, msg);
    ck_assert_ptr_nonnull(s);
    return s;
}

static rollout_spec *parse_str(const char *text, const char *source)
{
    return parse_one(text, strlen(text), source, 0);
}

static rollout_manifest *parse_all(const char *text, const char *source)
{
    rollout_manifest *m = NULL;
    rollout_parse_error err;
    char msg[1024] = "";
    int rc;

    memset(&err, 0, sizeof(err));
    rc = rollout_manifest_parse(&m, text, strlen(text), source, 0, &err);
    if (rc != ROLLOUT_OK)
        rollout_parse_error_print(msg, sizeof(msg), &err);
    ck_assert_msg(rc == ROLLOUT_OK, "%s: %s", source, msg);
    return m;
}

static rollout_spec *parse_seed(const char *name)
{
    size_t len;
    char *text = read_data(name, &len);
    rollout_spec *s = parse_one(text, len, name, 0);

    free(text);
    return s;
}

/* rollout_spec_write's text. */
static char *spec_text(const rollout_spec *s, rollout_format format)
{
    char *out = NULL;

    ck_assert_int_eq(rollout_spec_write(&out, s, format), ROLLOUT_OK);
    ck_assert_ptr_nonnull(out);
    return out;
}

/* rollout_spec_write's JSON, read back by jansson. */
static json_t *spec_json(const rollout_spec *s)
{
    char *text = spec_text(s, ROLLOUT_FORMAT_JSON);
    json_error_t jerr;
    json_t *j = json_loads(text, 0, &jerr);

    ck_assert_msg(j != NULL, "%s: %s", jerr.text, text);
    rollout_free(text);
    return j;
}

/* The value at PATH ("spec.template.spec.containers[0].image") of J. */
static json_t *at(json_t *j, const char *path)
{
    char key[128];
    const char *p = path;

    while (j && *p) {
        size_t n = 0;

        if (*p == '.') {
            p++;
            continue;
        }
        if (*p == '[') {
            j = json_array_get(j, strtoul(p + 1, NULL, 10));
            p = strchr(p, ']');
            ck_assert_ptr_nonnull(p);
            p++;
            continue;
        }
        while (*p && *p != '.' && *p != '[' && n + 1 < sizeof(key))
            key[n++] = *p++;
        key[n] = '\0';
        j = json_object_get(j, key);
    }
    return j;
}

/* The case a table test runs, named in its failures. */
static const char *current_case = "";

/* Asserts that the value at PATH of J equals WANT (JSON text). */
#define assert_json_at(j, path, want)                                           \
    do {                                                                        \
        json_error_t e_;                                                        \
        json_t *w_ = json_loads((want), JSON_DECODE_ANY, &e_);                  \
        json_t *g_ = at((j), (path));                                           \
        char *gs_ = g_ ? json_dumps(g_, JSON_ENCODE_ANY | JSON_COMPACT |        \
                                            JSON_SORT_KEYS)                     \
                       : NULL;                                                  \
        ck_assert_msg(w_ != NULL, "bad expectation %s", (want));                \
        ck_assert_msg(g_ && json_equal(g_, w_), "%s%s%s: got %s, want %s",      \
                      current_case, *current_case ? ": " : "", (path),          \
                      gs_ ? gs_ : "nothing", (want));                           \
        free(gs_);                                                              \
        json_decref(w_);                                                        \
    } while (0)

#define assert_absent(j, path)                                                  \
    ck_assert_msg(at((j), (path)) == NULL, "%s: %s is there", current_case, (path))

/* The engine. */

static fakehost *fh;

static void setup(void)
{
    fh = fh_new();
    current_case = "";
}

static void teardown(void)
{
    fh_free(fh);
    fh = NULL;
}

static void apply_ok(rollout_spec *s, int want_outcome)
{
    int outcome = 0;
    int rc = rollout_engine_apply(&outcome, fh->e, s);

    ck_assert_msg(rc == ROLLOUT_OK, "apply: %s", rollout_engine_errmsg(fh->e));
    ck_assert_int_eq(outcome, want_outcome);
}

static rollout_deployment *deployment(const char *name)
{
    rollout_deployment *d = NULL;

    ck_assert_int_eq(rollout_engine_find_deployment(&d, fh->e, NS, name), 0);
    return d;
}

/* The seed's v1.1.0 Deployment applied and rolled out. */
static void seed_running(void)
{
    rollout_spec *s = parse_seed("test1-1-0.yaml");
    rollout_replica_set *rs;

    apply_ok(s, ROLLOUT_APPLY_CREATED);
    rollout_spec_free(s);
    ck_assert_int_eq(fh_tick(fh), 0);
    rs = rollout_deployment_new_replica_set(deployment("test"));
    ck_assert_ptr_nonnull(rs);
    ck_assert_int_eq(fh_report_rs(fh, rollout_replica_set_name(rs),
                                  ROLLOUT_PHASE_PENDING, ROLLOUT_PHASE_READY, 3),
                     3);
    ck_assert_int_eq(fh_tick(fh), 0);
    ck_assert_str_eq(fh_status(fh, NS, "test"),
                     "deployment \"test\" successfully rolled out");
}

/* 1. The seed's manifests, field by field. */

static const struct {
    const char *file;
    const char *image;
    const char *args;  /* JSON */
    int port;
} k8s_seeds[] = {
    {"test1-1-0.yaml", "hub.docker.com:xxxx/xxxxxx:v1.1.0", "[\"-m\", \"SimpleHTTPServer\"]",
     8000},
    {"test1-1-1.yaml", "hub.docker.com:xxxx/xxxxxx:v1.1.1",
     "[\"-m\", \"SimpleHTTPServer\", \"8888\"]", 8888},
};

START_TEST(test_seed_kubernetes)
{
    rollout_manifest *m = NULL;
    rollout_parse_error err;
    rollout_spec *s, *again;
    rollout_revision *rev;
    char *path = data_path(k8s_seeds[_i].file), *t1, *t2, *text;
    char want[64];
    json_t *j;
    size_t len;

    current_case = k8s_seeds[_i].file;
    ck_assert_int_eq(rollout_manifest_parse_file(&m, path, 0, &err), ROLLOUT_OK);
    ck_assert_uint_eq(rollout_manifest_count(m), 1);
    s = rollout_manifest_spec(m, 0);
    ck_assert_ptr_null(rollout_manifest_spec(m, 1));
    ck_assert_int_eq(rollout_spec_dialect(s), ROLLOUT_DIALECT_KUBERNETES);
    ck_assert_int_eq(rollout_spec_kind(s), ROLLOUT_KIND_DEPLOYMENT);
    ck_assert_str_eq(rollout_spec_name(s), "test");
    ck_assert_str_eq(rollout_spec_namespace(s), "default");
    ck_assert_int_eq(rollout_spec_replicas(s), 3);

    j = spec_json(s);
    assert_json_at(j, "apiVersion", "\"apps/v1\"");
    assert_json_at(j, "kind", "\"Deployment\"");
    assert_json_at(j, "metadata", "{\"name\": \"test\", \"namespace\": \"default\", "
                                  "\"labels\": {\"app\": \"test\"}}");
    assert_json_at(j, "spec.replicas", "3");
    assert_json_at(j, "spec.selector", "{\"matchLabels\": {\"app\": \"test\"}}");
    assert_json_at(j, "spec.strategy", "{\"type\": \"RollingUpdate\", \"rollingUpdate\": "
                                       "{\"maxSurge\": 1, \"maxUnavailable\": 1}}");
    /* the API's defaults for what the file leaves out */
    assert_json_at(j, "spec.progressDeadlineSeconds", "600");
    assert_json_at(j, "spec.revisionHistoryLimit", "10");
    assert_absent(j, "spec.minReadySeconds");
    assert_absent(j, "spec.paused");
    assert_absent(j, "status");
    assert_json_at(j, "spec.template.metadata", "{\"labels\": {\"app\": \"test\"}}");
    assert_json_at(j, "spec.template.spec.imagePullSecrets", "[{\"name\": \"docker-secret\"}]");
    ck_assert_uint_eq(json_array_size(at(j, "spec.template.spec.containers")), 1);
    ck_assert_uint_eq(json_object_size(at(j, "spec.template.spec")), 2);
    assert_json_at(j, "spec.template.spec.containers[0].name", "\"test\"");
    snprintf(want, sizeof(want), "\"%s\"", k8s_seeds[_i].image);
    assert_json_at(j, "spec.template.spec.containers[0].image", want);
    assert_json_at(j, "spec.template.spec.containers[0].command", "[\"python\"]");
    assert_json_at(j, "spec.template.spec.containers[0].args", k8s_seeds[_i].args);
    snprintf(want, sizeof(want), "[{\"containerPort\": %d}]", k8s_seeds[_i].port);
    assert_json_at(j, "spec.template.spec.containers[0].ports", want);
    ck_assert_uint_eq(json_object_size(at(j, "spec.template.spec.containers[0]")), 5);
    json_decref(j);

    /* the same from the buffer, with the dialect asked for */
    text = read_data(k8s_seeds[_i].file, &len);
    again = parse_one(text, len, k8s_seeds[_i].file, ROLLOUT_DIALECT_KUBERNETES);
    t1 = spec_text(s, ROLLOUT_FORMAT_JSON);
    t2 = spec_text(again, ROLLOUT_FORMAT_JSON);
    ck_assert_str_eq(t1, t2);

    /* and as the engine runs it */
    apply_ok(s, ROLLOUT_APPLY_CREATED);
    ck_assert_int_eq(fh_tick(fh), 0);
    rev = rollout_deployment_revision_at(deployment("test"), 0);
    ck_assert_ptr_nonnull(rev);
    ck_assert_uint_eq(rollout_revision_container_count(rev), 1);
    ck_assert_str_eq(rollout_revision_container_name(rev, 0), "test");
    ck_assert_str_eq(rollout_revision_container_image(rev, 0), k8s_seeds[_i].image);
    ck_assert_uint_eq(rollout_revision_container_command_count(rev, 0), 1);
    ck_assert_str_eq(rollout_revision_container_command(rev, 0, 0), "python");
    ck_assert_uint_eq(rollout_revision_container_arg_count(rev, 0), _i == 0 ? 2 : 3);
    ck_assert_str_eq(rollout_revision_container_arg(rev, 0, 1), "SimpleHTTPServer");
    ck_assert_uint_eq(rollout_revision_container_port_count(rev, 0), 1);
    ck_assert_int_eq(rollout_revision_container_port(rev, 0, 0), k8s_seeds[_i].port);
    ck_assert_int_eq(rollout_deployment_count(deployment("test"), ROLLOUT_COUNT_DESIRED),
                     3);

    rollout_free(t1);
    rollout_free(t2);
    rollout_spec_free(again);
    free(text);
    free(path);
    rollout_manifest_free(m);
}
END_TEST

static const struct {
    const char *file;
    const char *image;
    const char *args;
    int port;
} bcs_seeds[] = {
    {"test1-1-0.json", "hub.docker.com:xxxx/xxxxxx:v1.1.0", "[\"-m\", \"SimpleHTTPServer\"]",
     8000},
    {"test1-1-1.json", "hub.docker.com:xxxx/xxxxxx:v1.1.1",
     "[\"-m\", \"SimpleHTTPServer\", \"8888\"]", 8888},
};

START_TEST(test_seed_bcs)
{
    rollout_manifest *m = NULL;
    rollout_parse_error err;
    rollout_spec *s, *again;
    char *path = data_path(bcs_seeds[_i].file), *t1, *t2, *text;
    char want[160];
    json_t *j, *c;
    size_t len;

    current_case = bcs_seeds[_i].file;
    ck_assert_int_eq(rollout_manifest_parse_file(&m, path, 0, &err), ROLLOUT_OK);
    ck_assert_uint_eq(rollout_manifest_count(m), 1);
    s = rollout_manifest_spec(m, 0);
    ck_assert_int_eq(rollout_spec_dialect(s), ROLLOUT_DIALECT_BCS);
    ck_assert_int_eq(rollout_spec_kind(s), ROLLOUT_KIND_DEPLOYMENT);
    ck_assert_str_eq(rollout_spec_name(s), "test");
    ck_assert_str_eq(rollout_spec_namespace(s), "defaultGroup");
    ck_assert_int_eq(rollout_spec_replicas(s), 2);

    j = spec_json(s);
    assert_json_at(j, "apiVersion", "\"v4\"");
    assert_json_at(j, "kind", "\"deployment\"");
    assert_json_at(j, "metadata", "{\"name\": \"test\", \"namespace\": \"defaultGroup\", "
                                  "\"labels\": {\"appname\": \"test\"}}");
    assert_json_at(j, "constraint", "{\"IntersectionItem\": [{\"unionData\": "
                                    "[{\"name\": \"InnerIP\", \"operate\": \"UNIQUE\"}]}]}");
    assert_json_at(j, "spec.instance", "2");
    assert_absent(j, "spec.selector");
    assert_absent(j, "spec.pauseDeployment");
    assert_json_at(j, "spec.strategy", "{\"type\": \"RollingUpdate\", \"rollingupdate\": "
                                       "{\"maxUnavailable\": 1, \"maxSurge\": 1, "
                                       "\"upgradeDuration\": 60, \"rollingOrder\": "
                                       "\"CreateFirst\", \"rollingManually\": false}}");
    /* no policies in the seed: none made up */
    assert_absent(j, "restartPolicy");
    assert_absent(j, "killPolicy");
    assert_json_at(j, "spec.template.metadata",
                   "{\"labels\": {\"appname\": \"test\"}, \"name\": \"test\", "
                   "\"namespace\": \"defaultGroup\"}");
    assert_json_at(j, "spec.template.spec.networkMode", "\"BRIDGE\"");
    assert_json_at(j, "spec.template.spec.networktype", "\"cnm\"");
    ck_assert_uint_eq(json_array_size(at(j, "spec.template.spec.containers")), 1);
    c = at(j, "spec.template.spec.containers[0]");
    /* command is one string in BCS */
    assert_json_at(c, "command", "\"python\"");
    assert_json_at(c, "args", bcs_seeds[_i].args);
    snprintf(want, sizeof(want), "\"%s\"", bcs_seeds[_i].image);
    assert_json_at(c, "image", want);
    assert_json_at(c, "type", "\"MESOS\"");
    assert_json_at(c, "imagePullPolicy", "\"Always\"");
    assert_json_at(c, "privileged", "false");
    snprintf(want, sizeof(want), "[{\"containerPort\": %d, \"name\": \"test-port\", "
             "\"protocol\": \"HTTP\"}]", bcs_seeds[_i].port);
    assert_json_at(c, "ports", want);
    assert_json_at(c, "resources", "{\"limits\": {\"cpu\": \"0.5\", \"memory\": \"4096\"}}");
    assert_json_at(c, "parameters", "[]");
    assert_json_at(c, "env", "[]");
    assert_json_at(c, "volumes", "[]");
    assert_json_at(c, "secrets", "[]");
    assert_json_at(c, "configmaps", "[]");
    ck_assert_uint_eq(json_object_size(c), 13);
    json_decref(j);

    text = read_data(bcs_seeds[_i].file, &len);
    again = parse_one(text, len, bcs_seeds[_i].file, ROLLOUT_DIALECT_BCS);
    t1 = spec_text(s, ROLLOUT_FORMAT_JSON);
    t2 = spec_text(again, ROLLOUT_FORMAT_JSON);
    ck_assert_str_eq(t1, t2);
    rollout_free(t1);
    rollout_free(t2);
    rollout_spec_free(again);
    free(text);
    free(path);
    rollout_manifest_free(m);
}
END_TEST

/* Both spellings of maxUnavailable, in any case, reach the model: the
 * value written back is the model's, under the key the file used. */
static const struct {
    const char *key;
} unavailable_keys[] = {
    {"maxUnavailable"}, {"maxUnavilable"}, {"MAXUNAVILABLE"}, {"MaxUnavailable"},
};

START_TEST(test_bcs_max_unavailable_spellings)
{
    char *seed = read_data("test1-1-0.json", NULL), *repl, *text;
    rollout_spec *s;
    json_t *j, *ru;

    current_case = unavailable_keys[_i].key;
    repl = str_printf("\"%s\": 3", unavailable_keys[_i].key);
    text = edit(seed, "\"maxUnavailable\": 1", repl);
    s = parse_str(text, "spelling.json");
    j = spec_json(s);
    ru = at(j, "spec.strategy.rollingupdate");
    ck_assert_uint_eq(json_object_size(ru), 5);
    ck_assert_ptr_nonnull(json_object_get(ru, unavailable_keys[_i].key));
    ck_assert_int_eq(json_integer_value(json_object_get(ru, unavailable_keys[_i].key)), 3);
    json_decref(j);
    rollout_spec_free(s);
    free(text);
    free(repl);
    free(seed);
}
END_TEST

/* Restart and kill policies, when present, are kept. */
START_TEST(test_bcs_policies)
{
    char *seed = read_data("test1-1-1.json", NULL), *text;
    rollout_spec *s;
    json_t *j;

    text = edit(seed, "\"constraint\": {",
                "\"restartPolicy\": {\"policy\": \"Always\", \"interval\": 5, "
                "\"backoff\": 10, \"maxtimes\": 3},\n  \"killPolicy\": "
                "{\"gracePeriod\": 10},\n  \"constraint\": {");
    s = parse_str(text, "policies.json");
    j = spec_json(s);
    assert_json_at(j, "restartPolicy", "{\"policy\": \"Always\", \"interval\": 5, "
                                       "\"backoff\": 10, \"maxtimes\": 3}");
    assert_json_at(j, "killPolicy", "{\"gracePeriod\": 10}");
    json_decref(j);
    rollout_spec_free(s);
    free(text);
    free(seed);
}
END_TEST

/* 2. Bad input: each refused with its message, line and column, and the
 * engine, running the seed's deployment, left as it was. */

typedef char *(*make_input)(size_t *len);

typedef struct {
    const char *name;
    const char *base;   /* a seed file the input is made from, or NULL */
    const char *find;   /* with the first FIND replaced by REPL */
    const char *repl;
    size_t cut;         /* or cut to CUT bytes */
    const char *text;   /* or this text (base NULL) */
    make_input make;    /* or this input (base and text NULL) */
    const char *source; /* the name of TEXT or MADE input */
    rollout_dialect dialect;
    bool at_apply;      /* read, then refused by the engine */
    const char *message; /* "path: reason", or the reason when no path */
    int line, column;
} bad_case;

/* Inputs too large to write out. */

static char *deep_yaml_flow(size_t *len)
{
    char *open = repeat("[", 100000), *close = repeat("]", 100000);
    char *out = str_printf("kind: Deployment\nx: %s%s\n", open, close);

    free(open);
    free(close);
    *len = strlen(out);
    return out;
}

static char *deep_yaml_block(size_t *len)
{
    char *dashes = repeat("- ", 100000);
    char *out = str_printf("kind: Deployment\nx:\n%sx\n", dashes);

    free(dashes);
    *len = strlen(out);
    return out;
}

static char *deep_json_objects(size_t *len)
{
    char *open = repeat("{\"a\": ", 100000), *close = repeat("}", 100000);
    char *out = str_printf("{\"kind\": \"Deployment\", \"x\": %s1%s}\n", open, close);

    free(open);
    free(close);
    *len = strlen(out);
    return out;
}

static char *deep_json_arrays(size_t *len)
{
    char *open = repeat("[", 100000), *close = repeat("]", 100000);
    char *out = str_printf("{\"kind\": \"Deployment\", \"x\": %s%s}\n", open, close);

    free(open);
    free(close);
    *len = strlen(out);
    return out;
}

/* 100 collections deep, one more than the limit allows with the
 * document's own object. */
static char *json_101_levels(size_t *len)
{
    char *open = repeat("[", 100), *close = repeat("]", 100);
    char *out = str_printf("{\"kind\": \"Deployment\",\n \"x\": %s%s}\n", open, close);

    free(open);
    free(close);
    *len = strlen(out);
    return out;
}

/* An alias nests its anchor where it stands: 60 levels under 61. */
static char *deep_alias_yaml(size_t *len)
{
    char *o1 = repeat("[", 60), *c1 = repeat("]", 60);
    char *o2 = repeat("[", 60), *c2 = repeat("]", 60);
    char *out = str_printf("kind: Deployment\na: &a %sx%s\nb: %s*a%s\n", o1, c1, o2,
                           c2);

    free(o1);
    free(c1);
    free(o2);
    free(c2);
    *len = strlen(out);
    return out;
}

static char *long_string_yaml(size_t *len)
{
    char *seed = read_data("test1-1-0.yaml", NULL);
    char *x = repeat("x", 10u << 20);
    char *repl = str_printf("image: %s\n", x);
    char *out = edit(seed, "image: hub.docker.com:xxxx/xxxxxx:v1.1.0\n", repl);

    free(seed);
    free(x);
    free(repl);
    *len = strlen(out);
    return out;
}

static char *long_string_json(size_t *len)
{
    char *seed = read_data("test1-1-0.json", NULL);
    char *x = repeat("x", 10u << 20);
    char *repl = str_printf("\"image\": \"%s\"", x);
    char *out = edit(seed, "\"image\": \"hub.docker.com:xxxx/xxxxxx:v1.1.0\"", repl);

    free(seed);
    free(x);
    free(repl);
    *len = strlen(out);
    return out;
}

/* Just over the limit, under a key with a dot. */
static char *long_string_dotted(size_t *len)
{
    char *x = repeat("x", (1u << 20) + 1);
    char *out = str_printf("{\"kind\": \"Deployment\",\n \"x\": {\"a.b\": [1, {\"c\": "
                           "\"%s\"}]}}",
                           x);

    free(x);
    *len = strlen(out);
    return out;
}

/* Keys of 2 MiB: in JSON, in YAML explicit and implicit keys. */
static char *long_key_json(size_t *len)
{
    char *k = repeat("k", 2u << 20);
    char *out = str_printf("{\"kind\": \"Deployment\",\n \"spec\": {\"%s\": 1}}", k);

    free(k);
    *len = strlen(out);
    return out;
}

static char *long_key_yaml(size_t *len)
{
    char *k = repeat("k", 2u << 20);
    char *out = str_printf("kind: Deployment\nspec:\n  ? %s\n  : 1\n", k);

    free(k);
    *len = strlen(out);
    return out;
}

static char *long_implicit_key_yaml(size_t *len)
{
    char *k = repeat("k", 2u << 20);
    char *out = str_printf("kind: Deployment\nspec:\n  %s: 1\n", k);

    free(k);
    *len = strlen(out);
    return out;
}

/* Over 32 MiB: the seed with a long comment; a JSON array of numbers. */
static char *huge_yaml(size_t *len)
{
    char *seed = read_data("test1-1-0.yaml", NULL);
    char *x = repeat("x", (32u << 20) + 1);
    char *out = str_printf("%s# %s\n", seed, x);

    free(seed);
    free(x);
    *len = strlen(out);
    return out;
}

static char *huge_json(size_t *len)
{
    char *ones = repeat("1,", 16u << 20);
    char *out = str_printf("{\"kind\": \"Deployment\", \"x\": [%s1]}", ones);

    free(ones);
    *len = strlen(out);
    return out;
}

/* 600,000 values without an alias (the limit is 500,000). */
static char *many_values_json(size_t *len)
{
    char *ones = repeat("1,", 600000);
    char *out = str_printf("{\"kind\": \"Deployment\", \"x\": [%s1]}", ones);

    free(ones);
    *len = strlen(out);
    return out;
}

static char *many_values_yaml(size_t *len)
{
    char *ones = repeat("1,", 600000);
    char *out = str_printf("kind: Deployment\nx: [%s1]\n", ones);

    free(ones);
    *len = strlen(out);
    return out;
}

/* Twelve levels of ten aliases: 10^12 values if expanded. */
static char *billion_laughs(size_t *len)
{
    char *out = str_printf(
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
        "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
        "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
        "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
        "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
        "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
        "i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h, *h]\n"
        "j: &j [*i, *i, *i, *i, *i, *i, *i, *i, *i, *i]\n"
        "k: &k [*j, *j, *j, *j, *j, *j, *j, *j, *j, *j]\n"
        "l: &l [*k, *k, *k, *k, *k, *k, *k, *k, *k, *k]\n");

    *len = strlen(out);
    return out;
}

/* The bomb with merge keys: each mapping merges ten of the level below. */
static char *merge_bomb(size_t *len)
{
    char *out = str_printf(
        "kind: Deployment\n"
        "a: &a {a0: x, a1: x, a2: x, a3: x, a4: x, a5: x, a6: x, a7: x, a8: x, a9: x}\n"
        "b: &b {b0: *a, b1: *a, b2: *a, b3: *a, b4: *a, b5: *a, b6: *a, b7: *a, b8: *a, b9: *a}\n"
        "c: &c {c0: *b, c1: *b, c2: *b, c3: *b, c4: *b, c5: *b, c6: *b, c7: *b, c8: *b, c9: *b}\n"
        "d: &d {d0: *c, d1: *c, d2: *c, d3: *c, d4: *c, d5: *c, d6: *c, d7: *c, d8: *c, d9: *c}\n"
        "e: &e {<<: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]}\n"
        "f: &f {<<: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e], x: *e, y: *e}\n"
        "g: &g {<<: *f, x: *f, y: *f, z: *f}\n"
        "h: [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\n");

    *len = strlen(out);
    return out;
}

#define Y0 "test1-1-0.yaml"
#define Y1 "test1-1-1.yaml"
#define J0 "test1-1-0.json"
#define J1 "test1-1-1.json"
#define K8S ROLLOUT_DIALECT_KUBERNETES
#define BCS ROLLOUT_DIALECT_BCS

/* Shorthands for the table: an edit of a seed file, a cut, a text, a made
 * input, each refused at parse or at apply. */
#define EDIT(name, base, find, repl, msg, l, c) \
    {name, base, find, repl, 0, NULL, NULL, NULL, 0, false, msg, l, c}
#define EDIT_D(name, base, find, repl, dialect, msg, l, c) \
    {name, base, find, repl, 0, NULL, NULL, NULL, dialect, false, msg, l, c}
#define CUT(name, base, n, msg, l, c) \
    {name, base, NULL, NULL, n, NULL, NULL, NULL, 0, false, msg, l, c}
#define TEXT(name, source, text, msg, l, c) \
    {name, NULL, NULL, NULL, 0, text, NULL, source, 0, false, msg, l, c}
#define MADE(name, source, fn, msg, l, c) \
    {name, NULL, NULL, NULL, 0, NULL, fn, source, 0, false, msg, l, c}
#define APPLY(name, base, find, repl, msg, l, c) \
    {name, base, find, repl, 0, NULL, NULL, NULL, 0, true, msg, l, c}
#define APPLY_TEXT(name, source, text, msg, l, c) \
    {name, NULL, NULL, NULL, 0, text, NULL, source, 0, true, msg, l, c}

#define SURGE_PERCENT                                                        \
    "spec.strategy.rollingUpdate.maxSurge: a valid percent string must be a " \
    "numeric string followed by an ending '%'"

static const bad_case bad_cases[] = {
    /* syntax: YAML */
    EDIT("yaml: unclosed flow sequence", Y1, "replicas: 3", "replicas: [3",
         "while parsing a flow sequence: did not find expected ',' or ']'", 9, 11),
    EDIT("yaml: a value after a value", Y1, "replicas: 3", "replicas: 3: 4",
         "mapping values are not allowed in this context", 8, 14),
    EDIT("yaml: unclosed quote", Y1, "- \"8888\"", "- \"8888",
         "while scanning a quoted scalar: found unexpected end of stream", 35, 1),
    EDIT("yaml: indentation", Y1, "  replicas: 3\n", "  replicas: 3\n strategy: x\n",
         "while parsing a block mapping: did not find expected key", 9, 2),
    EDIT("yaml: tab indentation", Y1, "\n  replicas: 3", "\n\treplicas: 3",
         "while scanning for the next token: found character that cannot start any token",
         8, 1),
    EDIT("yaml: tab before a nested key", Y1, "      maxSurge: 1", "    \t  maxSurge: 1",
         "while scanning for the next token: found character that cannot start any token",
         12, 5),
    EDIT("yaml: byte 0xff", Y1, "app: test\nspec", "app: te\xffst\nspec",
         "invalid leading UTF-8 octet", 6, 12),
    EDIT("yaml: truncated UTF-8 sequence", Y1, "name: test\n  labels", "name: t\xc3\n  labels",
         "invalid trailing UTF-8 octet", 4, 11),
    EDIT("yaml: duplicate key", Y1, "  replicas: 3\n", "  replicas: 3\n  replicas: 4\n",
         "key \"replicas\" already set in map", 9, 3),
    EDIT("yaml: duplicate key in a flow mapping", Y1, "  labels:\n    app: test\n",
         "  labels: {app: test, tier: web, app: other}\n",
         "key \"app\" already set in map", 5, 34),
    EDIT("yaml: unknown alias", Y1, "replicas: 3", "replicas: *three",
         "unknown anchor 'three' referenced", 8, 13),
    TEXT("yaml: an alias inside its own anchor", "input.yaml",
         "kind: Deployment\nx: &a [1, *a]\n", "unknown anchor 'a' referenced", 2, 11),
    TEXT("yaml: an alias to an earlier document", "input.yaml",
         "kind: Deployment\nx: &a 1\n---\nkind: Deployment\ny: *a\n",
         "unknown anchor 'a' referenced", 5, 4),
    TEXT("yaml: a flow mapping at the top is read as JSON, as kubectl reads it",
         "input.yaml", "{apiVersion: apps/v1, kind: Deployment}\n",
         "string or '}' expected near 'apiVersion'", 1, 12),
    EDIT("yaml: a mapping as a key", Y1, "  replicas: 3\n", "  ? {a: 1}\n  : 3\n",
         "a mapping key must be a scalar", 8, 5),
    EDIT("yaml: merge of a scalar", Y1, "  replicas: 3\n", "  <<: 3\n",
         "map merge requires map or sequence of maps as the value", 8, 7),
    TEXT("yaml: empty file", "input.yaml", "", "no objects passed to apply", 1, 1),
    TEXT("yaml: comments and empty documents only", "input.yaml", "# nothing\n---\n--- ~\n...\n",
         "no objects passed to apply", 1, 1),
    CUT("yaml: cut after apiVersion:", Y1, 11, "kind: kind not set", 1, 1),
    CUT("yaml: cut in spec", Y1, 95, "spec: invalid type: got \"string\", expected \"object\"",
        8, 3),
    CUT("yaml: cut in the template's labels", Y1, 300,
        "spec.template.metadata.labels: `selector` does not match template `labels`", 20,
        9),
    CUT("yaml: cut in the template's spec", Y1, 330,
        "spec.template.spec: invalid type: got \"string\", expected \"object\"", 22, 7),
    CUT("yaml: cut after containers:", Y1, 385,
        "spec.template.spec.containers: Required value", 24, 18),
    CUT("yaml: cut in the container", Y1, 400,
        "spec.template.spec.containers[0].image: Required value", 25, 9),
    CUT("yaml: cut in the ports", Y1, 590,
        "spec.template.spec.containers[0].ports[0]: invalid type: got \"string\", "
        "expected \"object\"",
        34, 11),
    /* syntax: JSON */
    EDIT("json: two commas", J1, "\"instance\": 2,", "\"instance\": 2,,",
         "string or '}' expected near ','", 24, 20),
    EDIT("json: missing comma", J1, "\"instance\": 2,", "\"instance\": 2",
         "'}' expected near '\"strategy\"'", 25, 15),
    EDIT("json: trailing comma", J1, "\"namespace\": \"defaultGroup\"\n  }",
         "\"namespace\": \"defaultGroup\",\n  }", "string or '}' expected near '}'", 10, 4),
    EDIT("json: bare word", J1, "\"instance\": 2", "\"instance\": two",
         "invalid token near 'two'", 24, 20),
    EDIT("json: byte 0xff", J1, "\"appname\": \"test\"", "\"appname\": \"te\xffst\"",
         "unable to decode byte 0xff near '\"te'", 6, 21),
    EDIT("json: duplicate key", J1, "\"instance\": 2,", "\"instance\": 2, \"instance\": 3,",
         "duplicate object key near '\"instance\"'", 24, 30),
    EDIT("json: something after the document", J1, "\n}\n", "\n}\nnot json\n",
         "'[' or '{' expected near 'not'", 82, 4),
    CUT("json: cut after the brace", J1, 1, "string or '}' expected near end of file", 1, 2),
    CUT("json: cut in a string", J1, 40, "premature end of input near '\"deplo'", 3, 17),
    CUT("json: cut in a key", J1, 300, "premature end of input near '\"o'", 17, 15),
    CUT("json: cut in the template", J1, 1000, "string or '}' expected near end of file",
        52, 4),
    CUT("json: cut before the last brace", J1, 1725, "'}' expected near end of file", 81,
        1),
    /* types and requiredness: Kubernetes */
    EDIT("replicas as a string", Y1, "replicas: 3", "replicas: \"3\"",
         "spec.replicas: invalid type: got \"string\", expected \"integer\"", 8, 13),
    EDIT("replicas as a number with a fraction", Y1, "replicas: 3", "replicas: 3.5",
         "spec.replicas: invalid type: got \"number\", expected \"integer\"", 8, 13),
    EDIT("paused as a string", Y1, "  replicas: 3\n", "  replicas: 3\n  paused: \"yes\"\n",
         "spec.paused: invalid type: got \"string\", expected \"boolean\"", 9, 11),
    EDIT("labels as a list", Y1, "  labels:\n    app: test\n", "  labels:\n  - app\n",
         "metadata.labels: invalid type: got \"array\", expected \"object\"", 6, 3),
    EDIT("a label's value as a boolean", Y1, "  labels:\n    app: test\n",
         "  labels:\n    app: yes\n",
         "metadata.labels.app: invalid type: got \"boolean\", expected \"string\"", 6, 10),
    EDIT("a label with a dotted key as a number", Y1, "  labels:\n    app: test\n",
         "  labels:\n    app: test\n    app.kubernetes.io/name: 1\n",
         "metadata.labels[app.kubernetes.io/name]: invalid type: got \"integer\", expected "
         "\"string\"",
         7, 29),
    EDIT("a resource with a dotted name as a list", Y1, "        ports:\n",
         "        resources: {limits: {cpu: 1, nvidia.com/gpu: [1]}}\n        ports:\n",
         "spec.template.spec.containers[0].resources.limits[nvidia.com/gpu]: invalid type: "
         "got \"array\", expected \"string\"",
         33, 54),
    EDIT("a selector key holding brackets", Y1, "    matchLabels:\n      app: test\n",
         "    matchLabels:\n      app: test\n      \"a[0]\": {}\n",
         "spec.selector.matchLabels[a[0]]: invalid type: got \"object\", expected \"string\"",
         17, 15),
    EDIT("metadata as a string", Y1, "metadata:\n  name: test\n  labels:\n    app: test\n",
         "metadata: test\n", "metadata: invalid type: got \"string\", expected \"object\"", 3,
         11),
    EDIT("containers as a map", Y1, "      containers:\n      - name: test",
         "      containers:\n        name: test",
         "spec.template.spec.containers: invalid type: got \"object\", expected \"array\"",
         25, 9),
    EDIT("containerPort as a string", Y1, "containerPort: 8888", "containerPort: \"8888\"",
         "spec.template.spec.containers[0].ports[0].containerPort: invalid type: got "
         "\"string\", expected \"integer\"",
         34, 26),
    EDIT("args with a number", Y1, "- \"8888\"", "- 8888",
         "spec.template.spec.containers[0].args[2]: invalid type: got \"integer\", expected "
         "\"string\"",
         32, 11),
    EDIT("command as a string", Y1, "command:\n        - python", "command: python",
         "spec.template.spec.containers[0].command: invalid type: got \"string\", expected "
         "\"array\"",
         27, 18),
    EDIT("image as a number", Y1, "image: hub.docker.com:xxxx/xxxxxx:v1.1.1", "image: 111",
         "spec.template.spec.containers[0].image: invalid type: got \"integer\", expected "
         "\"string\"",
         26, 16),
    EDIT("maxSurge as a boolean", Y1, "maxSurge: 1", "maxSurge: true",
         "spec.strategy.rollingUpdate.maxSurge: invalid type: got \"boolean\", expected "
         "\"integer or string\"",
         12, 17),
    EDIT("strategy type as a number", Y1, "type: RollingUpdate", "type: 1",
         "spec.strategy.type: invalid type: got \"integer\", expected \"string\"", 10, 11),
    EDIT("imagePullSecrets as a map", Y1, "      imagePullSecrets:\n      - name: docker-secret",
         "      imagePullSecrets:\n        name: docker-secret",
         "spec.template.spec.imagePullSecrets: invalid type: got \"object\", expected "
         "\"array\"",
         23, 9),
    EDIT("an env value as a number", Y1, "        ports:",
         "        env:\n        - name: PORT\n          value: 8888\n        ports:",
         "spec.template.spec.containers[0].env[0].value: invalid type: got \"integer\", "
         "expected \"string\"",
         35, 18),
    EDIT("name as a number", Y1, "  name: test\n", "  name: 1\n",
         "metadata.name: invalid type: got \"integer\", expected \"string\"", 4, 9),
    EDIT("no metadata.name", Y1, "  name: test\n", "",
         "metadata.name: Required value: name or generateName is required", 4, 3),
    EDIT("no selector", Y1, "  selector:\n    matchLabels:\n      app: test\n", "",
         "spec.selector: Required value", 8, 3),
    EDIT("an empty selector", Y1, "  selector:\n    matchLabels:\n      app: test\n",
         "  selector: {}\n", "spec.selector: empty selector is invalid for deployment", 14,
         13),
    EDIT("no containers", Y1, "      containers:\n      - name: test",
         "      x:\n      - name: test", "spec.template.spec.containers: Required value", 22,
         7),
    EDIT("no image", Y1, "        image: hub.docker.com:xxxx/xxxxxx:v1.1.1\n", "",
         "spec.template.spec.containers[0].image: Required value", 25, 9),
    EDIT("no template", Y1, "  template:\n", "  x:\n",
         "spec.template.metadata.labels: `selector` does not match template `labels`", 8, 3),
    EDIT("no apiVersion", Y1, "apiVersion: apps/v1\n", "",
         "apiVersion: no matches for kind \"Deployment\" in version \"\"", 1, 1),
    /* ranges and values */
    EDIT("replicas beyond int32", Y1, "replicas: 3", "replicas: 2147483648",
         "spec.replicas: 2147483648 is out of range for int32", 8, 13),
    EDIT("replicas below int32", Y1, "replicas: 3", "replicas: -2147483649",
         "spec.replicas: -2147483649 is out of range for int32", 8, 13),
    EDIT("replicas beyond int64", Y1, "replicas: 3", "replicas: 9223372036854775808",
         "spec.replicas: 9223372036854775808 is out of range for int32", 8, 13),
    EDIT("replicas 1e30", Y1, "replicas: 3", "replicas: 1e30",
         "spec.replicas: 1000000000000000019884624838656 is out of range for int32", 8, 13),
    EDIT("replicas -1", Y1, "replicas: 3", "replicas: -1",
         "spec.replicas: must be greater than or equal to 0", 8, 13),
    EDIT("minReadySeconds -5", Y1, "  replicas: 3\n", "  replicas: 3\n  minReadySeconds: -5\n",
         "spec.minReadySeconds: must be greater than or equal to 0", 9, 20),
    EDIT("revisionHistoryLimit -1", Y1, "  replicas: 3\n",
         "  replicas: 3\n  revisionHistoryLimit: -1\n",
         "spec.revisionHistoryLimit: must be greater than or equal to 0", 9, 25),
    EDIT("maxUnavailable -1", Y1, "maxUnavailable: 1", "maxUnavailable: -1",
         "spec.strategy.rollingUpdate.maxUnavailable: must be greater than or equal to 0",
         13, 23),
    EDIT("containerPort 70000", Y1, "containerPort: 8888", "containerPort: 70000",
         "spec.template.spec.containers[0].ports[0].containerPort: must be between 1 and "
         "65535, inclusive",
         34, 26),
    EDIT("both fenceposts 0", Y1, "maxSurge: 1\n      maxUnavailable: 1",
         "maxSurge: 0\n      maxUnavailable: 0",
         "spec.strategy.rollingUpdate.maxUnavailable: may not be 0 when `maxSurge` is 0", 13,
         23),
    EDIT("both fenceposts 0%", Y1, "maxSurge: 1\n      maxUnavailable: 1",
         "maxSurge: 0%\n      maxUnavailable: \"0%\"",
         "spec.strategy.rollingUpdate.maxUnavailable: may not be 0 when `maxSurge` is 0", 13,
         23),
    EDIT("maxSurge 1x", Y1, "maxSurge: 1", "maxSurge: 1x", SURGE_PERCENT, 12, 17),
    EDIT("maxSurge %", Y1, "maxSurge: 1", "maxSurge: \"%\"", SURGE_PERCENT, 12, 17),
    EDIT("maxSurge -5%", Y1, "maxSurge: 1", "maxSurge: -5%", SURGE_PERCENT, 12, 17),
    EDIT("maxSurge 5.5%", Y1, "maxSurge: 1", "maxSurge: 5.5%", SURGE_PERCENT, 12, 17),
    EDIT("maxUnavailable 101%", Y1, "maxUnavailable: 1", "maxUnavailable: 101%",
         "spec.strategy.rollingUpdate.maxUnavailable: must not be greater than 100%", 13, 23),
    /* strategy and other rules */
    EDIT("unknown strategy type", Y1, "type: RollingUpdate", "type: BlueGreen",
         "spec.strategy.type: Unsupported value: \"BlueGreen\": supported values: "
         "\"Recreate\", \"RollingUpdate\"",
         10, 11),
    EDIT("Recreate with rollingUpdate", Y1, "type: RollingUpdate", "type: Recreate",
         "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` "
         "is 'Recreate'",
         12, 7),
    EDIT("progressDeadlineSeconds not above minReadySeconds", Y1, "  replicas: 3\n",
         "  replicas: 3\n  minReadySeconds: 30\n  progressDeadlineSeconds: 30\n",
         "spec.progressDeadlineSeconds: must be greater than minReadySeconds", 10, 28),
    EDIT("minReadySeconds past the default deadline", Y1, "  replicas: 3\n",
         "  replicas: 3\n  minReadySeconds: 600\n",
         "spec.progressDeadlineSeconds: must be greater than minReadySeconds", 8, 3),
    EDIT("selector does not match the template", Y1,
         "  template:\n    metadata:\n      labels:\n        app: test",
         "  template:\n    metadata:\n      labels:\n        app: other",
         "spec.template.metadata.labels: `selector` does not match template `labels`", 20, 9),
    EDIT("bad name", Y1, "  name: test\n", "  name: Test_1\n",
         "metadata.name: a lowercase RFC 1123 subdomain must consist of lower case "
         "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric "
         "character (e.g. 'example.com', regex used for validation is "
         "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
         4, 9),
    EDIT("template restartPolicy Never", Y1, "    spec:\n      imagePullSecrets:",
         "    spec:\n      restartPolicy: Never\n      imagePullSecrets:",
         "spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: "
         "\"Always\"",
         22, 22),
    EDIT("two containers of one name", Y1, "        - containerPort: 8888\n",
         "        - containerPort: 8888\n      - name: test\n        image: side:1\n",
         "spec.template.spec.containers[1].name: Duplicate value: \"test\"", 35, 15),
    EDIT("unknown kind", Y1, "kind: Deployment", "kind: Service",
         "kind: unknown kind \"Service\": not a Kubernetes Deployment (apps/v1) nor a BCS "
         "deployment or application (v4)",
         2, 7),
    EDIT("a StatefulSet of apps/v1", Y1, "kind: Deployment", "kind: StatefulSet",
         "kind: unknown kind \"StatefulSet\": not a Kubernetes Deployment (apps/v1) nor a BCS "
         "deployment or application (v4)",
         2, 7),
    EDIT("no kind", Y1, "kind: Deployment\n", "", "kind: kind not set", 1, 1),
    EDIT("extensions/v1beta1", Y1, "apiVersion: apps/v1", "apiVersion: extensions/v1beta1",
         "apiVersion: no matches for kind \"Deployment\" in version \"extensions/v1beta1\"", 1,
         13),
    EDIT_D("a Kubernetes Deployment read as BCS", Y1, "kind", "kind", BCS,
           "kind: a Kubernetes Deployment, where a BCS deployment or application is expected",
           2, 7),
    EDIT_D("a BCS deployment read as Kubernetes", J1, "kind", "kind", K8S,
           "kind: a BCS deployment, where a Kubernetes Deployment is expected", 3, 11),
    TEXT("a document that is a list", "input.yaml", "- apiVersion: apps/v1\n- kind: Deployment\n",
         "invalid type: got \"array\", expected \"object\"", 1, 1),
    TEXT("a document that is a number", "input.yaml", "--- 42\n",
         "invalid type: got \"integer\", expected \"object\"", 1, 5),
    /* BCS: types */
    EDIT("bcs: kind Deployment", J1, "\"kind\": \"deployment\"", "\"kind\": \"Deployment\"",
         "kind: Kind Deployment is invalid", 3, 11),
    EDIT("bcs: instance as a string", J1, "\"instance\": 2", "\"instance\": \"2\"",
         "spec.instance: invalid type: got \"string\", expected \"integer\"", 24, 17),
    EDIT("bcs: instance beyond int32", J1, "\"instance\": 2", "\"instance\": 4294967296",
         "spec.instance: 4294967296 is out of range for int32", 24, 17),
    EDIT("bcs: upgradeDuration negative", J1, "\"upgradeDuration\": 60",
         "\"upgradeDuration\": -1",
         "spec.strategy.rollingupdate.upgradeDuration: -1 is out of range for uint32", 30,
         28),
    EDIT("bcs: command as a list", J1, "\"command\": \"python\"", "\"command\": [\"python\"]",
         "spec.template.spec.containers[0].command: invalid type: got \"array\", expected "
         "\"string\"",
         46, 24),
    EDIT("bcs: maxUnavilable as a string", J1, "\"maxUnavailable\": 1",
         "\"MaxUnavilable\": \"1\"",
         "spec.strategy.rollingupdate.maxUnavailable: invalid type: got \"string\", expected "
         "\"integer\"",
         28, 26),
    EDIT("bcs: rollingManually as a string", J1, "\"rollingManually\": false",
         "\"rollingManually\": \"false\"",
         "spec.strategy.rollingupdate.rollingManually: invalid type: got \"string\", "
         "expected \"boolean\"",
         32, 28),
    EDIT("bcs: cpu as a number", J1, "\"cpu\": \"0.5\"", "\"cpu\": 0.5",
         "spec.template.spec.containers[0].resources.limits.cpu: invalid type: got "
         "\"number\", expected \"string\"",
         67, 24),
    EDIT("bcs: a key in another case before the exact one", J1,
         "\"name\": \"test\",\n    \"namespace\"",
         "\"Name\": \"ok\", \"name\": \"te.st\",\n    \"namespace\"",
         "metadata.name: Name can't contains contains '.'", 8, 27),
    EDIT("bcs: the exact key read, not another case", J1, "\"instance\": 2,",
         "\"INSTANCE\": 2, \"instance\": \"x\",",
         "spec.instance: invalid type: got \"string\", expected \"integer\"", 24, 32),
    EDIT("bcs: a label's value as a number", J1, "\"appname\": \"test\"", "\"appname\": 1",
         "metadata.labels.appname: invalid type: got \"integer\", expected \"string\"", 6, 18),
    /* BCS: the rules checked at parse */
    EDIT("bcs: a name with a dot", J1, "\"name\": \"test\",\n    \"namespace\"",
         "\"name\": \"te.st\",\n    \"namespace\"",
         "metadata.name: Name can't contains contains '.'", 8, 13),
    EDIT("bcs: no namespace", J1, "\"name\": \"test\",\n    \"namespace\": \"defaultGroup\"",
         "\"name\": \"test\"",
         "metadata.namespace: parse namespace failed or json structure error", 4, 15),
    EDIT("bcs: containers and processes", J1, "\"containers\": [",
         "\"processes\": [{\"procName\": \"p\"}],\n        \"containers\": [",
         "spec.template.spec: containers and processes cannot coexist", 43, 15),
    EDIT("bcs: neither containers nor processes", J1, "\"containers\": [",
         "\"x-containers\": [", "spec.template.spec: no containers and processes", 43, 15),
    EDIT("bcs: a bad restart policy", J1, "\"constraint\": {",
         "\"restartPolicy\": {\"policy\": \"Sometimes\"},\n  \"constraint\": {",
         "restartPolicy.policy: restart policy error", 11, 31),
    TEXT("bcs: an application without a template", "input.json",
         "{\n  \"apiVersion\": \"v4\",\n  \"kind\": \"application\",\n  \"metadata\": "
         "{\"name\": \"app\", \"namespace\": \"ns\"},\n  \"spec\": {\"instance\": 1}\n}\n",
         "spec.template: no template", 5, 11),
    /* several documents: the one at fault is the one pointed at */
    TEXT("the third document, after an empty one", "input.yaml",
         "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\n"
         "spec:\n  selector: {matchLabels: {app: a}}\n"
         "  template:\n    metadata: {labels: {app: a}}\n"
         "    spec: {containers: [{name: a, image: a}]}\n"
         "---\n---\n"
         "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: b}\n"
         "spec:\n  selector: {matchLabels: {app: b}}\n"
         "  template:\n    metadata: {labels: {app: b}}\n"
         "    spec: {containers: [{name: b, image: b, args: [-m, 8]}]}\n",
         "spec.template.spec.containers[0].args[1]: invalid type: got \"integer\", expected "
         "\"string\"",
         18, 56),
    TEXT("the second value of a JSON stream", "input.json",
         "{\"apiVersion\": \"v4\", \"kind\": \"application\", \"metadata\": {\"name\": \"a\", "
         "\"namespace\": \"n\"}, \"spec\": {\"template\": {\"spec\": {\"containers\": [{}]}}}}\n"
         "{\"apiVersion\": \"v4\", \"kind\": \"application\", \"metadata\": {\"name\": \"b\", "
         "\"namespace\": \"n\"}, \"spec\": {\"instance\": true}}\n",
         "spec.instance: invalid type: got \"boolean\", expected \"integer\"", 2, 111),
    TEXT("an item of a List", "input.json",
         "{\"kind\": \"List\", \"apiVersion\": \"v1\", \"items\": [\n"
         "  {\"apiVersion\": \"v4\", \"kind\": \"application\", \"metadata\": {\"name\": \"a\", "
         "\"namespace\": \"n\"}, \"spec\": {\"template\": {\"spec\": {\"containers\": [{}]}}}},\n"
         "  {\"apiVersion\": \"v4\", \"kind\": \"application\", \"metadata\": {\"name\": \"b.c\", "
         "\"namespace\": \"n\"}, \"spec\": {\"template\": {\"spec\": {\"containers\": [{}]}}}}\n"
         "]}\n",
         "metadata.name: Name can't contains contains '.'", 3, 68),
    TEXT("an empty List", "input.json",
         "{\"kind\": \"List\", \"apiVersion\": \"v1\", \"items\": []}",
         "no objects passed to apply", 1, 1),
    TEXT("a List in a List", "input.yaml",
         "kind: List\nitems:\n- kind: List\n  items: []\n",
         "kind: unknown kind \"List\": not a Kubernetes Deployment (apps/v1) nor a BCS "
         "deployment or application (v4)",
         3, 9),
    /* positions count characters */
    EDIT("after characters of several bytes", Y1,
         "kind: Deployment\nmetadata:\n  name: test\n  labels:\n    app: test\nspec:\n"
         "  replicas: 3",
         "kind: Deployment # déploiement, 部署\nmetadata:\n  name: test\n  labels:\n"
         "    app: test\nspec: # ½\n  replicas: \"3\"",
         "spec.replicas: invalid type: got \"string\", expected \"integer\"", 8, 13),
    EDIT("yaml: after a byte order mark", Y1, "apiVersion: apps/v1\n",
         "\xef\xbb\xbf" "apiVersion: apps/v1: x\n",
         "mapping values are not allowed in this context", 1, 20),
    EDIT("yaml: a field after a byte order mark", Y1, "apiVersion: apps/v1\n",
         "\xef\xbb\xbf" "apiVersion: apps/v2\n",
         "apiVersion: no matches for kind \"Deployment\" in version \"apps/v2\"", 1, 13),
    EDIT("json: a field after a byte order mark", J1, "{\n  \"apiVersion\"",
         "\xef\xbb\xbf{\"restartPolicy\": 1, \"apiVersion\"",
         "restartPolicy: invalid type: got \"integer\", expected \"object\"", 1, 19),
    /* limits */
    MADE("yaml: 100,000 levels of flow sequences", "input.yaml", deep_yaml_flow,
         "nesting is too deep (more than 100 levels)", 2, 103),
    MADE("yaml: 100,000 levels of block sequences", "input.yaml", deep_yaml_block,
         "nesting is too deep (more than 100 levels)", 3, 199),
    MADE("json: 100,000 levels of objects", "input.json", deep_json_objects,
         "nesting is too deep (more than 100 levels)", 1, 623),
    MADE("json: 100,000 levels of arrays", "input.json", deep_json_arrays,
         "nesting is too deep (more than 100 levels)", 1, 128),
    MADE("json: 101 levels", "input.json", json_101_levels,
         "nesting is too deep (more than 100 levels)", 2, 106),
    MADE("yaml: an alias nested past the limit", "input.yaml", deep_alias_yaml,
         "nesting is too deep (more than 100 levels)", 3, 64),
    TEXT("yaml: a NUL character", "input.yaml",
         "kind: Deployment\nmetadata:\n  name: \"a\\0b\"\n",
         "a string holds a NUL character", 3, 9),
    TEXT("json: a NUL character", "input.json",
         "{\"kind\": \"Deployment\",\n \"metadata\": {\"name\": \"a\\u0000b\"}}\n",
         "a string holds a NUL character", 2, 33),
    MADE("yaml: a 10 MB string", "input.yaml", long_string_yaml,
         "a string is too long (more than 1048576 bytes)", 26, 16),
    MADE("json: a long string under a dotted key", "input.json", long_string_dotted,
         "x[a.b][1].c: a string is too long (more than 1048576 bytes)", 2, 25),
    MADE("json: a 10 MB string", "input.json", long_string_json,
         "spec.template.spec.containers[0].image: a string is too long (more than 1048576 "
         "bytes)",
         54, 22),
    MADE("json: a 2 MiB key", "input.json", long_key_json,
         "spec: a key is too long (more than 1048576 bytes)", 2, 10),
    MADE("yaml: a 2 MiB explicit key", "input.yaml", long_key_yaml,
         "a string is too long (more than 1048576 bytes)", 3, 5),
    MADE("yaml: a 2 MiB implicit key", "input.yaml", long_implicit_key_yaml,
         "a string is too long (more than 1048576 bytes)", 3, 3),
    MADE("yaml: a billion laughs", "input.yaml", billion_laughs,
         "the document is too large: it expands to more than 500000 values (aliases "
         "included)",
         8, 20),
    MADE("yaml: a bomb of merge keys", "input.yaml", merge_bomb,
         "the document is too large: it expands to more than 500000 values (aliases "
         "included)",
         7, 17),
    MADE("yaml: 600,000 values", "input.yaml", many_values_yaml,
         "the document is too large: it expands to more than 500000 values (aliases "
         "included)",
         2, 999995),
    MADE("json: 600,000 values", "input.json", many_values_json,
         "x[499995]: the document is too large: it holds more than 500000 values", 1,
         1000020),
    MADE("yaml: over 32 MiB", "input.yaml", huge_yaml,
         "the input is too large (more than 33554432 bytes)",
         1, 1),
    MADE("json: over 32 MiB", "input.json", huge_json,
         "the input is too large (more than 33554432 bytes)",
         1, 1),
    /* refused at apply: the selector of a running deployment */
    APPLY("yaml: the selector changed", Y1,
          "    matchLabels:\n      app: test\n  template:\n    metadata:\n      labels:\n"
          "        app: test",
          "    matchLabels:\n      app: other\n  template:\n    metadata:\n      labels:\n"
          "        app: other",
          "spec.selector: field is immutable", 15, 5),
    APPLY("yaml: a selector grown", Y1,
          "    matchLabels:\n      app: test\n  template:\n    metadata:\n      labels:\n",
          "    matchLabels: {app: test, tier: web}\n  template:\n    metadata:\n"
          "      labels:\n        tier: web\n",
          "spec.selector: field is immutable", 15, 5),
    APPLY_TEXT("json: the selector changed", "input.json",
               "{\n"
               "  \"apiVersion\": \"apps/v1\",\n"
               "  \"kind\": \"Deployment\",\n"
               "  \"metadata\": {\"name\": \"test\", \"labels\": {\"app\": \"test\"}},\n"
               "  \"spec\": {\n"
               "    \"replicas\": 3,\n"
               "    \"selector\": {\"matchLabels\": {\"app\": \"web\"}},\n"
               "    \"template\": {\n"
               "      \"metadata\": {\"labels\": {\"app\": \"web\"}},\n"
               "      \"spec\": {\"containers\": [{\"name\": \"test\", \"image\": \"img:2\"}]}\n"
               "    }\n"
               "  }\n"
               "}\n",
               "spec.selector: field is immutable", 7, 17),
    APPLY_TEXT("a List item: the selector changed", "input.yaml",
               "apiVersion: v1\n"
               "kind: List\n"
               "items:\n"
               "- apiVersion: apps/v1\n"
               "  kind: Deployment\n"
               "  metadata: {name: other}\n"
               "  spec:\n"
               "    selector: {matchLabels: {app: other}}\n"
               "    template:\n"
               "      metadata: {labels: {app: other}}\n"
               "      spec: {containers: [{name: other, image: img}]}\n"
               "- apiVersion: apps/v1\n"
               "  kind: Deployment\n"
               "  metadata: {name: test}\n"
               "  spec:\n"
               "    selector:\n"
               "      matchExpressions:\n"
               "      - {key: app, operator: In, values: [test]}\n"
               "    template:\n"
               "      metadata: {labels: {app: test}}\n"
               "      spec: {containers: [{name: test, image: img}]}\n",
               "spec.selector: field is immutable", 17, 7),
};

#define N_BAD (sizeof(bad_cases) / sizeof(bad_cases[0]))

/* Line and column (1-based, in characters; a byte order mark is none) of
 * byte OFFSET of TEXT: what the error's position must agree with. */
static void line_column(const char *text, size_t len, size_t offset, int *line,
                        int *column)
{
    size_t i = len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;

    *line = *column = 1;
    for (; i < offset && i < len; i++) {
        if (text[i] == '\n') {
            ++*line;
            *column = 1;
        } else if (((unsigned char)text[i] & 0xc0) != 0x80) {
            ++*column;
        }
    }
}

/* The field path a message starts with: what comes before ": " when that
 * holds no space ("" for a syntax error). */
static size_t path_length(const char *message)
{
    const char *colon = strstr(message, ": ");
    size_t n = colon ? (size_t)(colon - message) : 0;

    return memchr(message, ' ', n) ? 0 : n;
}

static const char *source_of(const bad_case *c)
{
    return c->base ? c->base : c->source;
}

START_TEST(test_bad_input)
{
    const bad_case *c = &bad_cases[_i];
    const char *source = source_of(c);
    char *text, *before, *after, *seed = NULL, want[2048], got[2048];
    rollout_manifest *m = (rollout_manifest *)&m;
    rollout_parse_error err;
    size_t len;
    int rc, line, column;

    seed_running();
    ck_assert_int_eq(rollout_engine_save(&before, fh->e), 0);

    if (c->base) {
        seed = read_data(c->base, &len);
        if (c->find) {
            text = edit(seed, c->find, c->repl);
            len = strlen(text);
        } else {
            ck_assert_uint_lt(c->cut, len);
            text = seed;
            seed = NULL;
            len = c->cut;
        }
    } else if (c->text) {
        text = strdup(c->text);
        ck_assert_ptr_nonnull(text);
        len = strlen(text);
    } else {
        text = c->make(&len);
    }
    free(seed);

    memset(&err, 0x55, sizeof(err));
    rc = rollout_manifest_parse(&m, text, len, source, c->dialect, &err);
    if (!c->at_apply) {
        ck_assert_msg(rc == ROLLOUT_EPARSE, "%s: read (rc %d)", c->name, rc);
        ck_assert_ptr_null(m);
        rollout_parse_error_print(got, sizeof(got), &err);
        snprintf(want, sizeof(want), "%s:%d:%d: %s", source, c->line, c->column,
                 c->message);
        ck_assert_msg(strcmp(got, want) == 0, "%s:\n got  %s\n want %s", c->name, got,
                      want);
        ck_assert_msg(strcmp(err.source, source) == 0 && err.line == c->line &&
                          err.column == c->column,
                      "%s: %s:%d:%d", c->name, err.source, err.line, err.column);
        /* the path apart from the reason, and the byte offset at the place */
        ck_assert_msg(strlen(err.path) == path_length(c->message) &&
                          strncmp(err.path, c->message, strlen(err.path)) == 0,
                      "%s: path \"%s\"", c->name, err.path);
        ck_assert_msg(err.position <= len, "%s: position %zu", c->name, err.position);
        line_column(text, len, err.position, &line, &column);
        ck_assert_msg(line == c->line && column == c->column,
                      "%s: position %zu is at %d:%d", c->name, err.position, line, column);
    } else {
        ck_assert_msg(rc == ROLLOUT_OK, "%s: read (rc %d)", c->name, rc);
        /* the last document is the one refused */
        ck_assert_uint_ge(rollout_manifest_count(m), 1);
        rc = rollout_engine_apply(NULL, fh->e,
                                  rollout_manifest_spec(m, rollout_manifest_count(m) - 1));
        ck_assert_msg(rc == ROLLOUT_EVALIDATION, "%s: apply (rc %d)", c->name, rc);
        snprintf(want, sizeof(want), "%s:%d:%d: %s", source, c->line, c->column,
                 c->message);
        ck_assert_msg(strcmp(rollout_engine_errmsg(fh->e), want) == 0,
                      "%s:\n got  %s\n want %s", c->name, rollout_engine_errmsg(fh->e),
                      want);
        rollout_manifest_free(m);
    }
    free(text);

    /* nothing changed */
    ck_assert_int_eq(fh_tick(fh), 0);
    ck_assert_int_eq(rollout_engine_save(&after, fh->e), 0);
    ck_assert_msg(strcmp(before, after) == 0, "%s: the engine changed", c->name);
    ck_assert_msg(rollout_deployment_generation(deployment("test")) == 1, "%s", c->name);
    ck_assert_msg(rollout_engine_deployment_count(fh->e) == 1, "%s", c->name);
    rollout_free(before);
    rollout_free(after);
}
END_TEST

/* The entry points under misuse, and dialects told apart. */
START_TEST(test_entry_points)
{
    rollout_manifest *m = (rollout_manifest *)&m;
    rollout_spec *s = (rollout_spec *)&s;
    rollout_parse_error err;
    rollout_dialect d;
    char *y0 = read_data(Y0, NULL), *j0 = read_data(J0, NULL), *text, buf[16], *out;
    char *missing = data_path("no-such-file.yaml");
    int n;

    ck_assert_int_eq(rollout_manifest_parse(NULL, "x", 1, NULL, 0, &err), ROLLOUT_EINVAL);
    ck_assert_int_eq(rollout_manifest_parse(&m, NULL, 1, NULL, 0, &err), ROLLOUT_EINVAL);
    ck_assert_ptr_null(m);
    ck_assert_int_eq(rollout_manifest_parse(&m, y0, strlen(y0), NULL, (rollout_dialect)7,
                                            &err),
                     ROLLOUT_EINVAL);
    ck_assert_int_eq(rollout_spec_parse(NULL, y0, strlen(y0), NULL, 0, &err), ROLLOUT_EINVAL);
    ck_assert_int_eq(rollout_manifest_parse_file(&m, NULL, 0, &err), ROLLOUT_EINVAL);
    /* no buffer, no objects; no source, "<input>"; no error wanted */
    ck_assert_int_eq(rollout_manifest_parse(&m, NULL, 0, NULL, 0, &err), ROLLOUT_EPARSE);
    ck_assert_str_eq(err.source, "<input>");
    ck_assert_str_eq(err.text, "no objects passed to apply");
    ck_assert_int_eq(rollout_manifest_parse(&m, "[", 1, NULL, 0, NULL), ROLLOUT_EPARSE);
    ck_assert_ptr_null(m);
    ck_assert_uint_eq(rollout_manifest_count(NULL), 0);
    ck_assert_ptr_null(rollout_manifest_spec(NULL, 0));
    rollout_manifest_free(NULL);
    ck_assert_int_eq(rollout_spec_kind(NULL), 0);

    /* a file that is not there */
    ck_assert_int_eq(rollout_manifest_parse_file(&m, missing, 0, &err), ROLLOUT_EPARSE);
    ck_assert_ptr_null(m);
    ck_assert_str_eq(err.source, missing);
    ck_assert_str_eq(err.text, "No such file or directory");
    ck_assert_int_eq(err.line, 0);
    ck_assert_str_eq(err.path, "");
    /* no place in the text: none printed */
    {
        char want[1200], got[1200];

        snprintf(want, sizeof(want), "%s: No such file or directory", missing);
        ck_assert_int_eq(rollout_parse_error_print(got, sizeof(got), &err),
                         (int)strlen(want));
        ck_assert_str_eq(got, want);
    }

    /* printing: as snprintf */
    ck_assert_int_eq(rollout_spec_parse(&s, "kind: Service", 13, "svc.yaml", 0, &err),
                     ROLLOUT_EPARSE);
    ck_assert_ptr_null(s);
    n = rollout_parse_error_print(NULL, 0, &err);
    ck_assert_int_eq(n, (int)strlen("svc.yaml:1:7: kind: unknown kind \"Service\": not a "
                                    "Kubernetes Deployment (apps/v1) nor a BCS deployment "
                                    "or application (v4)"));
    ck_assert_int_eq(rollout_parse_error_print(buf, sizeof(buf), &err), n);
    ck_assert_str_eq(buf, "svc.yaml:1:7: k");
    ck_assert_int_eq(rollout_parse_error_print(buf, sizeof(buf), NULL), ROLLOUT_EINVAL);

    /* writing: a format is needed */
    s = parse_str(y0, Y0);
    ck_assert_int_eq(rollout_spec_write(&out, s, (rollout_format)0), ROLLOUT_EINVAL);
    ck_assert_ptr_null(out);
    ck_assert_int_eq(rollout_spec_write(&out, NULL, ROLLOUT_FORMAT_JSON), ROLLOUT_EINVAL);
    ck_assert_int_eq(rollout_deployment_write(&out, NULL, ROLLOUT_FORMAT_JSON), ROLLOUT_EINVAL);
    ck_assert_int_eq(rollout_replica_set_write(&out, NULL, ROLLOUT_FORMAT_YAML),
                     ROLLOUT_EINVAL);
    rollout_spec_free(s);

    /* dialects */
    ck_assert_int_eq(rollout_detect_dialect(&d, y0, strlen(y0)), 0);
    ck_assert_int_eq(d, ROLLOUT_DIALECT_KUBERNETES);
    ck_assert_int_eq(rollout_detect_dialect(&d, j0, strlen(j0)), 0);
    ck_assert_int_eq(d, ROLLOUT_DIALECT_BCS);
    text = str_printf("---\n---\n~\n---\n%s", y0);
    ck_assert_int_eq(rollout_detect_dialect(&d, text, strlen(text)), 0);
    ck_assert_int_eq(d, ROLLOUT_DIALECT_KUBERNETES);
    free(text);
    ck_assert_int_eq(rollout_detect_dialect(&d, "kind: Service", 13), ROLLOUT_ENOTFOUND);
    ck_assert_int_eq(d, 0);
    ck_assert_int_eq(rollout_detect_dialect(&d, "", 0), ROLLOUT_ENOTFOUND);
    ck_assert_int_eq(rollout_detect_dialect(&d, "a: [", 4), ROLLOUT_EPARSE);
    ck_assert_int_eq(rollout_detect_dialect(NULL, "", 0), ROLLOUT_EINVAL);

    free(missing);
    free(y0);
    free(j0);
}
END_TEST

/* 3. YAML and JSON as Kubernetes reads them. */

/* Y1 with NAME for its name. */
static char *seed_named(const char *file, const char *name)
{
    char *seed = read_data(file, NULL), *repl, *out;

    repl = str_printf("  name: %s\n", name);
    out = edit(seed, "  name: test\n", repl);
    free(repl);
    free(seed);
    return out;
}

START_TEST(test_yaml_documents)
{
    char *y0 = read_data(Y0, NULL), *y1 = seed_named(Y1, "two");
    char *text = str_printf("# the first, after a comment\n---\n%s...\n---\n---\n~\n--- "
                            "null\n--- # the second\n%s---\n",
                            y0, y1);
    rollout_manifest *m = parse_all(text, "docs.yaml");
    rollout_spec *s = (rollout_spec *)&s;
    rollout_parse_error err;
    json_t *j;

    ck_assert_uint_eq(rollout_manifest_count(m), 2);
    ck_assert_str_eq(rollout_spec_name(rollout_manifest_spec(m, 0)), "test");
    ck_assert_str_eq(rollout_spec_name(rollout_manifest_spec(m, 1)), "two");
    ck_assert_ptr_null(rollout_manifest_spec(m, 2));
    j = spec_json(rollout_manifest_spec(m, 0));
    assert_json_at(j, "spec.template.spec.containers[0].image",
                   "\"hub.docker.com:xxxx/xxxxxx:v1.1.0\"");
    json_decref(j);
    j = spec_json(rollout_manifest_spec(m, 1));
    assert_json_at(j, "spec.template.spec.containers[0].image",
                   "\"hub.docker.com:xxxx/xxxxxx:v1.1.1\"");
    json_decref(j);
    rollout_manifest_free(m);

    /* one spec wanted: two refused */
    ck_assert_int_eq(rollout_spec_parse(&s, text, strlen(text), "docs.yaml", 0, &err),
                     ROLLOUT_EPARSE);
    ck_assert_ptr_null(s);
    ck_assert_str_eq(err.text, "expected one document, found 2");
    ck_assert_int_eq(err.line, 1);
    ck_assert_int_eq(err.column, 1);
    free(text);
    free(y0);
    free(y1);
}
END_TEST

/* The seed's v1.1.1 Deployment written in other styles: the same spec. */
static const struct {
    const char *name;
    const char *text;
} styles[] = {
    {"flow",
     "--- {apiVersion: apps/v1, kind: Deployment, metadata: {name: test, labels: {app: "
     "test}},\n"
     "  spec: {replicas: 3, strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1,\n"
     "    maxUnavailable: 1}}, selector: {matchLabels: {app: test}}, template: {metadata:\n"
     "    {labels: {app: test}}, spec: {imagePullSecrets: [{name: docker-secret}],\n"
     "    containers: [{name: test, image: \"hub.docker.com:xxxx/xxxxxx:v1.1.1\",\n"
     "    command: [python], args: [-m, SimpleHTTPServer, '8888'],\n"
     "    ports: [{containerPort: 8888}]}]}}}}\n"},
    {"block, quoted and reordered",
     "\"kind\": 'Deployment'\n"
     "apiVersion: \"apps/v1\"\n"
     "spec:\n"
     "  template:\n"
     "    spec:\n"
     "      containers:\n"
     "        - ports:\n"
     "            - containerPort: 0x22b8\n"
     "          args:\n"
     "            - '-m'\n"
     "            - \"SimpleHTTPServer\"\n"
     "            - !!str 8888\n"
     "          command: [ \"python\" ]\n"
     "          image: >-\n"
     "            hub.docker.com:xxxx/xxxxxx:v1.1.1\n"
     "          name: test\n"
     "      imagePullSecrets:\n"
     "        - {name: docker-secret}\n"
     "    metadata: {labels: {app: test}}\n"
     "  selector: {matchLabels: {app: test}}\n"
     "  strategy:\n"
     "    rollingUpdate: {maxUnavailable: 1, maxSurge: +1}\n"
     "    type: RollingUpdate\n"
     "  replicas: 0b11\n"
     "metadata:\n"
     "  labels: {app: test}\n"
     "  name: test\n"},
    {"JSON",
     "{\"apiVersion\": \"apps/v1\", \"kind\": \"Deployment\", \"metadata\": {\"name\": "
     "\"test\", \"labels\": {\"app\": \"test\"}}, \"spec\": {\"replicas\": 3, "
     "\"strategy\": {\"type\": \"RollingUpdate\", \"rollingUpdate\": {\"maxSurge\": 1, "
     "\"maxUnavailable\": 1}}, \"selector\": {\"matchLabels\": {\"app\": \"test\"}}, "
     "\"template\": {\"metadata\": {\"labels\": {\"app\": \"test\"}}, \"spec\": "
     "{\"imagePullSecrets\": [{\"name\": \"docker-secret\"}], \"containers\": [{\"name\": "
     "\"test\", \"image\": \"hub.docker.com:xxxx/xxxxxx:v1.1.1\", \"command\": "
     "[\"python\"], \"args\": [\"-m\", \"SimpleHTTPServer\", \"8888\"], \"ports\": "
     "[{\"containerPort\": 8888}]}]}}}}"},
    {"anchors, aliases and merge keys",
     "apiVersion: apps/v1\n"
     "kind: Deployment\n"
     "metadata:\n"
     "  name: &name test\n"
     "  labels: &labels {app: *name}\n"
     "spec:\n"
     "  replicas: 3\n"
     "  strategy:\n"
     "    type: RollingUpdate\n"
     "    rollingUpdate: &one {maxSurge: 1, maxUnavailable: 1}\n"
     "  selector: {matchLabels: *labels}\n"
     "  template:\n"
     "    metadata: {labels: *labels}\n"
     "    spec:\n"
     "      imagePullSecrets: [{name: docker-secret}]\n"
     "      containers:\n"
     "      - <<: [{name: *name, ports: [{containerPort: 1}]}, {command: [python]}]\n"
     "        image: hub.docker.com:xxxx/xxxxxx:v1.1.1\n"
     "        args: [-m, SimpleHTTPServer, \"8888\"]\n"
     "        ports: [{containerPort: 8888}]\n"},
    {"comments everywhere",
     "# a Deployment\n"
     "apiVersion: apps/v1 # the API\n"
     "kind: Deployment\n"
     "metadata:   # about it\n"
     "  name: test\n"
     "  # labels follow\n"
     "  labels:\n"
     "    app: test\n"
     "spec:\n"
     "  replicas: 3 #three\n"
     "  strategy:\n"
     "    type: RollingUpdate\n"
     "    rollingUpdate:\n"
     "      maxSurge: 1\n"
     "      maxUnavailable: 1\n"
     "  selector:\n"
     "    matchLabels:\n"
     "      app: test\n"
     "  template:\n"
     "    metadata:\n"
     "      labels:\n"
     "        app: test\n"
     "    spec:\n"
     "      imagePullSecrets:\n"
     "      - name: docker-secret\n"
     "      containers:\n"
     "      - name: test\n"
     "        image: hub.docker.com:xxxx/xxxxxx:v1.1.1\n"
     "        command: [\n"
     "          python, # the interpreter\n"
     "        ]\n"
     "        args:\n"
     "        - -m\n"
     "        # - not an argument\n"
     "        - SimpleHTTPServer\n"
     "        - \"8888\" # a string\n"
     "        ports:\n"
     "        - containerPort: 8888\n"
     "# the end\n"},
};

START_TEST(test_yaml_styles)
{
    rollout_spec *seed = parse_seed(Y1), *s = parse_one(styles[_i].text,
                                                        strlen(styles[_i].text),
                                                        styles[_i].name, 0);
    char *want = spec_text(seed, ROLLOUT_FORMAT_JSON), *got = spec_text(s, ROLLOUT_FORMAT_JSON);

    ck_assert_msg(strcmp(want, got) == 0, "%s:\n%s", styles[_i].name, got);
    rollout_free(want);
    rollout_free(got);
    rollout_spec_free(seed);
    rollout_spec_free(s);
}
END_TEST

/* Scalars and the types they take, as go-yaml v2 reads them for kubectl
 * (YAML 1.1), in a field the engine keeps as written. */
static const struct {
    const char *yaml;
    const char *json;
} scalars[] = {
    {"8888", "8888"},
    {"\"8888\"", "\"8888\""},
    {"'8888'", "\"8888\""},
    {"!!str 8888", "\"8888\""},
    {"!!int \"12\"", "12"},
    {"yes", "true"},
    {"Yes", "true"},
    {"YES", "true"},
    {"on", "true"},
    {"On", "true"},
    {"y", "true"},
    {"true", "true"},
    {"True", "true"},
    {"no", "false"},
    {"off", "false"},
    {"OFF", "false"},
    {"n", "false"},
    {"false", "false"},
    {"\"yes\"", "\"yes\""},
    {"'on'", "\"on\""},
    {"yes please", "\"yes please\""},
    {"null", "null"},
    {"Null", "null"},
    {"~", "null"},
    {"", "null"},
    {"\"null\"", "\"null\""},
    {"'~'", "\"~\""},
    {"0x1F", "31"},
    {"017", "15"},
    {"0b101", "5"},
    {"+12", "12"},
    {"-0", "0"},
    {"1_000", "1000"},
    {"-9223372036854775808", "-9223372036854775808"},
    {"1.5", "1.5"},
    {"-2.5e-3", "-0.0025"},
    {".inf", "\".inf\""},
    {"-.Inf", "\"-.Inf\""},
    {".NaN", "\".NaN\""},
    {"\"1.5\"", "\"1.5\""},
    {"12:30", "\"12:30\""},
    {"2019-07-08", "\"2019-07-08\""},
    {"1.2.3", "\"1.2.3\""},
    {"0x", "\"0x\""},
    {"\"\"", "\"\""},
    {"''", "\"\""},
    {"'it''s'", "\"it's\""},
    {"\"tab\\there\"", "\"tab\\there\""},
    {"\"\\u00e9\\x41\"", "\"\\u00e9A\""},
    {"é", "\"\\u00e9\""},
    {"a#b", "\"a#b\""},
    {"\"a # b\"", "\"a # b\""},
    {"a # b", "\"a\""},
    {"|\n          two\n          lines", "\"two\\nlines\\n\""},
    {"|-\n          kept", "\"kept\""},
    {">\n          folded\n          text", "\"folded text\\n\""},
    {"plain\n          continued", "\"plain continued\""},
};

START_TEST(test_yaml_scalars)
{
    char *seed = read_data(Y1, NULL), *repl, *text;
    rollout_spec *s;
    json_t *j;

    current_case = scalars[_i].yaml;
    repl = str_printf("    spec:\n      x-value:\n        %s\n      x-list:\n      - %s\n",
                      scalars[_i].yaml, scalars[_i].yaml);
    text = edit(seed, "    spec:\n", repl);
    s = parse_str(text, "scalars.yaml");
    j = spec_json(s);
    assert_json_at(j, "spec.template.spec.x-value", scalars[_i].json);
    assert_json_at(j, "spec.template.spec.x-list[0]", scalars[_i].json);
    json_decref(j);
    rollout_spec_free(s);
    free(text);
    free(repl);
    free(seed);
}
END_TEST

/* Typed fields read through YAML 1.1's booleans and integers. */
START_TEST(test_yaml_typed_fields)
{
    char *seed = read_data(Y1, NULL), *text;
    rollout_spec *s;
    json_t *j;

    text = edit(seed, "  replicas: 3\n",
                "  replicas: 0x10\n  paused: on\n  minReadySeconds: 010\n"
                "  revisionHistoryLimit: 1_0\n  progressDeadlineSeconds: +60\n");
    s = parse_str(text, "typed.yaml");
    ck_assert_int_eq(rollout_spec_replicas(s), 16);
    j = spec_json(s);
    assert_json_at(j, "spec.paused", "true");
    assert_json_at(j, "spec.minReadySeconds", "8");
    assert_json_at(j, "spec.revisionHistoryLimit", "10");
    assert_json_at(j, "spec.progressDeadlineSeconds", "60");
    json_decref(j);
    rollout_spec_free(s);
    free(text);
    free(seed);
}
END_TEST

/* Anchors are copied where aliased; merge keys merge, the mapping's own
 * keys first, then the merged mappings in order. */
START_TEST(test_yaml_anchors_and_merges)
{
    const char *text =
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "metadata:\n"
        "  name: test\n"
        "  labels: &labels {app: test}\n"
        "spec:\n"
        "  selector:\n"
        "    matchLabels: *labels\n"
        "  template:\n"
        "    metadata:\n"
        "      labels: *labels\n"
        "    spec:\n"
        "      containers:\n"
        "      - &web\n"
        "        name: web\n"
        "        image: &image img:1\n"
        "        args: [*image, &port '8080']\n"
        "      - <<: *web\n"
        "        name: side\n"
        "      - <<: [{name: x, image: why, args: [a]}, *web]\n"
        "        name: third\n"
        "        env: [{name: PORT, value: *port}]\n"
        "      x-quoted: {'<<': {a: 1}, <<x: 3}\n";
    rollout_spec *s = parse_str(text, "anchors.yaml");
    json_t *j = spec_json(s);

    assert_json_at(j, "spec.selector", "{\"matchLabels\": {\"app\": \"test\"}}");
    assert_json_at(j, "spec.template.metadata.labels", "{\"app\": \"test\"}");
    assert_json_at(j, "spec.template.spec.containers",
                   "[{\"name\": \"web\", \"image\": \"img:1\", \"args\": [\"img:1\", \"8080\"]},"
                   " {\"name\": \"side\", \"image\": \"img:1\", \"args\": [\"img:1\", \"8080\"]},"
                   " {\"name\": \"third\", \"image\": \"why\", \"args\": [\"a\"], "
                   "\"env\": [{\"name\": \"PORT\", \"value\": \"8080\"}]}]");
    /* a quoted << is a key like any other */
    assert_json_at(j, "spec.template.spec.x-quoted", "{\"<<\": {\"a\": 1}, \"<<x\": 3}");
    /* the default strategy: a Deployment without rollingUpdate is valid */
    assert_json_at(j, "spec.strategy", "{\"type\": \"RollingUpdate\"}");
    assert_json_at(j, "spec.replicas", "1");
    json_decref(j);

    /* and the engine gives it the API's defaults */
    apply_ok(s, ROLLOUT_APPLY_CREATED);
    {
        char *out = NULL;

        ck_assert_int_eq(rollout_deployment_write(&out, deployment("test"),
                                                  ROLLOUT_FORMAT_JSON),
                         0);
        j = json_loads(out, 0, NULL);
        ck_assert_ptr_nonnull(j);
        assert_json_at(j, "spec.strategy", "{\"type\": \"RollingUpdate\", \"rollingUpdate\":"
                                           " {\"maxSurge\": \"25%\", \"maxUnavailable\": "
                                           "\"25%\"}}");
        json_decref(j);
        rollout_free(out);
    }
    rollout_spec_free(s);
}
END_TEST

/* JSON: a stream of values, and Lists (JSON and YAML). */
START_TEST(test_json_streams_and_lists)
{
    char *j0 = read_data(J0, NULL), *j1 = read_data(J1, NULL);
    char *j1b = edit(j1, "\"name\": \"test\",\n    \"namespace\"",
                     "\"name\": \"two\",\n    \"namespace\"");
    char *k8s, *text;
    rollout_spec *seed = parse_seed(Y1);
    rollout_manifest *m;
    rollout_dialect d;

    /* values one after the other, with or without space between */
    text = str_printf("%s%s\n\n%s", j0, j1b, j0);
    ck_assert_int_eq(rollout_detect_dialect(&d, text, strlen(text)), 0);
    ck_assert_int_eq(d, ROLLOUT_DIALECT_BCS);
    free(text);
    text = str_printf("%s  %s", j0, j1b);
    text[strlen(j0) - 1] = ' '; /* "}{" */
    m = parse_all(text, "stream.json");
    ck_assert_uint_eq(rollout_manifest_count(m), 2);
    ck_assert_str_eq(rollout_spec_name(rollout_manifest_spec(m, 0)), "test");
    ck_assert_str_eq(rollout_spec_name(rollout_manifest_spec(m, 1)), "two");
    rollout_manifest_free(m);
    free(text);

    /* a List of both dialects */
    k8s = spec_text(seed, ROLLOUT_FORMAT_JSON);
    text = str_printf("{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [%s, %s]}", k8s,
                      j1b);
    ck_assert_int_eq(rollout_detect_dialect(&d, text, strlen(text)), 0);
    ck_assert_int_eq(d, ROLLOUT_DIALECT_KUBERNETES);
    m = parse_all(text, "list.json");
    ck_assert_uint_eq(rollout_manifest_count(m), 2);
    ck_assert_int_eq(rollout_spec_dialect(rollout_manifest_spec(m, 0)),
                     ROLLOUT_DIALECT_KUBERNETES);
    ck_assert_int_eq(rollout_spec_dialect(rollout_manifest_spec(m, 1)), ROLLOUT_DIALECT_BCS);
    ck_assert_str_eq(rollout_spec_name(rollout_manifest_spec(m, 1)), "two");
    rollout_manifest_free(m);
    free(text);

    /* a YAML List */
    text = str_printf("apiVersion: v1\nkind: List\nitems:\n- %s\n- %s\n", k8s, j1b);
    m = parse_all(text, "list.yaml");
    ck_assert_uint_eq(rollout_manifest_count(m), 2);
    rollout_manifest_free(m);
    free(text);

    rollout_free(k8s);
    rollout_spec_free(seed);
    free(j0);
    free(j1);
    free(j1b);
}
END_TEST

/* 4. Fields the engine does not interpret: kept, hashed, written back. */

static char *with_unknown_fields(const char *value)
{
    char *seed = read_data(Y1, NULL), *a, *b, *c, *repl;

    repl = str_printf("    spec:\n      terminationGracePeriodSeconds: 30\n"
                      "      x-custom: {deep: [1, two, {three: null}], value: %s}\n",
                      value);
    a = edit(seed, "    spec:\n", repl);
    b = edit(a, "        ports:\n",
             "        terminationMessagePolicy: File\n"
             "        securityContext: {runAsUser: 1000}\n"
             "        ports:\n");
    c = edit(b, "spec:\n  replicas: 3\n",
             "x-root: {kept: true}\nspec:\n  x-spec: kept\n  replicas: 3\n");
    free(repl);
    free(seed);
    free(a);
    free(b);
    return c;
}

static void assert_unknown_fields(json_t *j, const char *value)
{
    assert_json_at(j, "x-root", "{\"kept\": true}");
    assert_json_at(j, "spec.x-spec", "\"kept\"");
    assert_json_at(j, "spec.template.spec.terminationGracePeriodSeconds", "30");
    assert_json_at(j, "spec.template.spec.x-custom.deep", "[1, \"two\", {\"three\": null}]");
    assert_json_at(j, "spec.template.spec.x-custom.value", value);
    assert_json_at(j, "spec.template.spec.containers[0].terminationMessagePolicy", "\"File\"");
    assert_json_at(j, "spec.template.spec.containers[0].securityContext",
                   "{\"runAsUser\": 1000}");
}

/* The pod-template-hash of a spec applied on its own engine. */
static char *hash_of(const rollout_spec *s)
{
    fakehost *h = fh_new();
    rollout_deployment *d;
    char *hash;

    ck_assert_int_eq(rollout_engine_apply(NULL, h->e, s), 0);
    ck_assert_int_eq(fh_tick(h), 0);
    ck_assert_int_eq(rollout_engine_find_deployment(&d, h->e, rollout_spec_namespace(s),
                                                    rollout_spec_name(s)),
                     0);
    hash = strdup(rollout_revision_hash(rollout_deployment_revision_at(d, 0)));
    ck_assert_ptr_nonnull(hash);
    fh_free(h);
    return hash;
}

START_TEST(test_unknown_fields_kept)
{
    char *text = with_unknown_fields("1"), *other = with_unknown_fields("2");
    char *yaml, *h_plain, *h_text, *h_other, *h_again;
    rollout_spec *s = parse_str(text, "unknown.yaml"), *plain = parse_seed(Y1);
    rollout_spec *s_other = parse_str(other, "unknown.yaml"), *back;
    rollout_revision *rev;
    json_t *j;

    /* written back, in JSON and in YAML */
    j = spec_json(s);
    assert_unknown_fields(j, "1");
    json_decref(j);
    yaml = spec_text(s, ROLLOUT_FORMAT_YAML);
    back = parse_str(yaml, "back.yaml");
    j = spec_json(back);
    assert_unknown_fields(j, "1");
    json_decref(j);

    /* they reach the host */
    apply_ok(s, ROLLOUT_APPLY_CREATED);
    ck_assert_int_eq(fh_tick(fh), 0);
    rev = rollout_deployment_revision_at(deployment("test"), 0);
    j = json_loads(rollout_revision_template(rev), 0, NULL);
    ck_assert_ptr_nonnull(j);
    assert_json_at(j, "spec.terminationGracePeriodSeconds", "30");
    assert_json_at(j, "spec.x-custom", "{\"deep\": [1, \"two\", {\"three\": null}], "
                                       "\"value\": 1}");
    assert_json_at(j, "spec.containers[0].terminationMessagePolicy", "\"File\"");
    json_decref(j);

    /* and count in the template's hash: other replica sets */
    h_plain = hash_of(plain);
    h_text = hash_of(s);
    h_other = hash_of(s_other);
    h_again = hash_of(back);
    ck_assert_str_ne(h_plain, h_text);
    ck_assert_str_ne(h_text, h_other);
    ck_assert_str_eq(h_text, h_again);
    ck_assert_str_eq(h_text, rollout_revision_hash(rev));
    /* a change of an unknown field is a new revision */
    apply_ok(s_other, ROLLOUT_APPLY_CONFIGURED);
    ck_assert_int_eq(fh_tick(fh), 0);
    ck_assert_uint_eq(rollout_deployment_revision_count(deployment("test")), 2);

    free(h_plain);
    free(h_text);
    free(h_other);
    free(h_again);
    rollout_free(yaml);
    rollout_spec_free(back);
    rollout_spec_free(s_other);
    rollout_spec_free(plain);
    rollout_spec_free(s);
    free(other);
    free(text);
}
END_TEST

START_TEST(test_unknown_fields_kept_bcs)
{
    char *seed = read_data(J1, NULL), *a, *text;
    rollout_spec *s;
    json_t *j;

    a = edit(seed, "\"constraint\": {",
             "\"x-root\": {\"a\": [1, 2.5, null]},\n  \"constraint\": {");
    text = edit(a, "\"privileged\": false,", "\"privileged\": false, \"x-field\": {\"b\": true},");
    s = parse_str(text, "unknown.json");
    j = spec_json(s);
    assert_json_at(j, "x-root", "{\"a\": [1, 2.5, null]}");
    assert_json_at(j, "spec.template.spec.containers[0].x-field", "{\"b\": true}");
    json_decref(j);
    rollout_spec_free(s);
    free(text);
    free(a);
    free(seed);
}
END_TEST

/* The builder on a BCS spec: what the dialect has is set where the dialect
 * keeps it; what it lacks is refused and changes nothing. */
START_TEST(test_bcs_setters)
{
    rollout_spec *s = parse_seed(J1), *app;
    rollout_probe_options probe;
    char *before = spec_text(s, ROLLOUT_FORMAT_JSON), *after, *text;
    size_t c;
    json_t *j;

    ck_assert_int_eq(rollout_probe_options_init(&probe, ROLLOUT_PROBE_OPTIONS_VERSION), 0);
    probe.action = ROLLOUT_PROBE_TCP_SOCKET;
    probe.port = 8000;
    ck_assert_int_eq(rollout_spec_set_strategy(s, ROLLOUT_STRATEGY_RECREATE), ROLLOUT_EINVAL);
    ck_assert_int_eq(rollout_spec_set_max_surge(s, "25%"), ROLLOUT_EINVAL);
    ck_assert_int_eq(rollout_spec_set_max_unavailable(s, "1"), ROLLOUT_EINVAL);
    ck_assert_int_eq(rollout_spec_set_min_ready_seconds(s, 5), ROLLOUT_EINVAL);
    ck_assert_int_eq(rollout_spec_set_progress_deadline_seconds(s, 5), ROLLOUT_EINVAL);
    ck_assert_int_eq(rollout_spec_set_revision_history_limit(s, 5), ROLLOUT_EINVAL);
    ck_assert_int_eq(rollout_spec_container_set_probe(s, 0, ROLLOUT_PROBE_READINESS, &probe),
                     ROLLOUT_EINVAL);
    ck_assert_int_eq(rollout_spec_set_paused(s, 1), ROLLOUT_EINVAL);
    after = spec_text(s, ROLLOUT_FORMAT_JSON);
    ck_assert_str_eq(before, after);
    rollout_free(after);

    ck_assert_int_eq(rollout_spec_set_selector(s, "appname", "test"), 0);
    ck_assert_int_eq(rollout_spec_container_add_command(s, 0, "python3"), 0);
    ck_assert_int_eq(rollout_spec_container_set_image(s, 0, "img:2"), 0);
    ck_assert_int_eq(rollout_spec_set_replicas(s, 4), 0);
    j = spec_json(s);
    assert_json_at(j, "spec.selector", "{\"appname\": \"test\"}");
    assert_json_at(j, "spec.template.spec.containers[0].command", "\"python3\"");
    assert_json_at(j, "spec.template.spec.containers[0].image", "\"img:2\"");
    assert_json_at(j, "spec.instance", "4");
    json_decref(j);
    /* and it reads back as written */
    text = spec_text(s, ROLLOUT_FORMAT_YAML);
    rollout_spec_free(s);
    s = parse_str(text, "edited.yaml");
    ck_assert_int_eq(rollout_spec_replicas(s), 4);
    rollout_free(text);
    rollout_spec_free(s);

    /* a new container of an application: its command is one string */
    text = edit(before, "\"kind\": \"deployment\"", "\"kind\": \"application\"");
    app = parse_str(text, "app.json");
    ck_assert_int_eq(rollout_spec_add_container(&c, app, "side", "img:side"), 0);
    ck_assert_uint_eq(c, 1);
    ck_assert_int_eq(rollout_spec_container_add_command(app, c, "run"), 0);
    j = spec_json(app);
    assert_json_at(j, "spec.template.spec.containers[1]",
                   "{\"name\": \"side\", \"image\": \"img:side\", \"command\": \"run\"}");
    json_decref(j);
    rollout_spec_free(app);
    free(text);
    rollout_free(before);
}
END_TEST

/* Text other YAML readers take for a date, a time or a base 60 number is
 * written quoted, as kubectl writes it. */
START_TEST(test_yaml_written_quoted)
{
    static const char *const quoted[] = {"2019-07-08", "2001-12-14t21:59:43.10-05:00",
                                         "2001-12-14 21:59:43.10 -5", "190:20:30.15",
                                         "12:30", "-1:05"};
    static const char *const plain[] = {"2019-7", "12:60x", "v1.2.3", "10.0.0.1:8080"};
    rollout_spec *s = parse_seed(Y1);
    char *text, *line;
    size_t i;

    for (i = 0; i < sizeof(quoted) / sizeof(quoted[0]); i++) {
        char k[8];

        snprintf(k, sizeof(k), "q%zu", i);
        ck_assert_int_eq(rollout_spec_set_annotation(s, k, quoted[i]), 0);
    }
    for (i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
        char k[8];

        snprintf(k, sizeof(k), "p%zu", i);
        ck_assert_int_eq(rollout_spec_set_annotation(s, k, plain[i]), 0);
    }
    text = spec_text(s, ROLLOUT_FORMAT_YAML);
    for (i = 0; i < sizeof(quoted) / sizeof(quoted[0]); i++) {
        line = str_printf("    q%zu: \"%s\"\n", i, quoted[i]);
        ck_assert_msg(strstr(text, line), "%s not quoted:\n%s", quoted[i], text);
        free(line);
    }
    for (i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
        line = str_printf("    p%zu: %s\n", i, plain[i]);
        ck_assert_msg(strstr(text, line), "%s quoted:\n%s", plain[i], text);
        free(line);
    }
    rollout_free(text);
    rollout_spec_free(s);
}
END_TEST

/* 5. Round trips: read, write, read again gives the same model. */

/* Strings that YAML would read as something else, or must quote. */
static const char *const tricky[] = {
    "yes", "No", "on", "OFF", "y", "n", "true", "null", "~", "", " lead", "trail ",
    "8888", "0x1F", "017", "0b11", "1_000", "+1", "1e3", "1.5", ".inf", "-.inf", ".nan",
    "12:30", "2019-07-08", "-", "- x", "a: b", "a:b", "#c", "x #y", "@a", "`b", "'q",
    "\"dq\"", "{f}", "[s]", "*al", "&an", "!tag", "%pct", "|", ">", "?", ":", ",", "<<",
    "=", "\xc3\xa9", "\xe6\x97\xa5\xe6\x9c\xac", "\xf0\x9f\x98\x80", "line1\nline2",
    "tab\there", "trailing\n", "\n", "\x01" "ctl", "back\\slash", "\xc2\x85" "nel",
    "\xe2\x80\xa8" "ls", "---", "...", "--- x", "a\r\nb", "  ", "\t",
};

static char *tricky_manifest(bool bcs)
{
    json_t *list = json_array(), *keys = json_object(), *doc;
    char *base, *out;
    size_t i;

    for (i = 0; i < sizeof(tricky) / sizeof(tricky[0]); i++) {
        char k[16];

        json_array_append_new(list, json_string(tricky[i]));
        snprintf(k, sizeof(k), "k%zu", i);
        json_object_set_new(keys, tricky[i], json_integer((json_int_t)i));
        json_object_set_new(keys, k, json_string(tricky[i]));
    }
    base = read_data(bcs ? J1 : Y1, NULL);
    if (bcs) {
        json_error_t e;

        doc = json_loads(base, 0, &e);
        ck_assert_ptr_nonnull(doc);
    } else {
        rollout_spec *s = parse_str(base, Y1);
        char *t = spec_text(s, ROLLOUT_FORMAT_JSON);

        doc = json_loads(t, 0, NULL);
        ck_assert_ptr_nonnull(doc);
        rollout_free(t);
        rollout_spec_free(s);
        /* annotations take any text */
        json_object_set_new(at(doc, "metadata"), "annotations", json_pack("{s:O}",
                            "example.com/tricky", json_array_get(list, 0)));
    }
    json_object_set(at(doc, "spec.template.spec"), "x-strings", list);
    json_object_set(at(doc, "spec.template.spec"), "x-keys", keys);
    json_object_set(doc, "x-strings", list);
    out = json_dumps(doc, JSON_INDENT(2));
    ck_assert_ptr_nonnull(out);
    json_decref(doc);
    json_decref(list);
    json_decref(keys);
    free(base);
    return out;
}

static const struct {
    const char *name;
    const char *file;   /* a seed file, or NULL for the tricky strings */
    bool bcs;
    rollout_format format;
} round_trips[] = {
    {"yaml 1.1.0 via JSON", Y0, false, ROLLOUT_FORMAT_JSON},
    {"yaml 1.1.0 via YAML", Y0, false, ROLLOUT_FORMAT_YAML},
    {"yaml 1.1.1 via JSON", Y1, false, ROLLOUT_FORMAT_JSON},
    {"yaml 1.1.1 via YAML", Y1, false, ROLLOUT_FORMAT_YAML},
    {"bcs 1.1.0 via JSON", J0, true, ROLLOUT_FORMAT_JSON},
    {"bcs 1.1.0 via YAML", J0, true, ROLLOUT_FORMAT_YAML},
    {"bcs 1.1.1 via JSON", J1, true, ROLLOUT_FORMAT_JSON},
    {"bcs 1.1.1 via YAML", J1, true, ROLLOUT_FORMAT_YAML},
    {"tricky strings via JSON", NULL, false, ROLLOUT_FORMAT_JSON},
    {"tricky strings via YAML", NULL, false, ROLLOUT_FORMAT_YAML},
    {"bcs tricky strings via JSON", NULL, true, ROLLOUT_FORMAT_JSON},
    {"bcs tricky strings via YAML", NULL, true, ROLLOUT_FORMAT_YAML},
};

START_TEST(test_round_trip)
{
    char *text = round_trips[_i].file ? read_data(round_trips[_i].file, NULL)
                                      : tricky_manifest(round_trips[_i].bcs);
    rollout_spec *s1 = parse_one(text, strlen(text), round_trips[_i].name, 0), *s2, *s3;
    char *w1 = spec_text(s1, ROLLOUT_FORMAT_JSON);
    char *t1 = spec_text(s1, round_trips[_i].format);
    char *w2, *t2, *h1, *h2;

    current_case = round_trips[_i].name;
    s2 = parse_str(t1, "second");
    w2 = spec_text(s2, ROLLOUT_FORMAT_JSON);
    ck_assert_msg(strcmp(w1, w2) == 0, "%s:\n%s\n-- after --\n%s", round_trips[_i].name,
                  w1, w2);
    /* and writing again changes nothing */
    t2 = spec_text(s2, round_trips[_i].format);
    ck_assert_msg(strcmp(t1, t2) == 0, "%s: written again:\n%s\n-- then --\n%s",
                  current_case, t1, t2);
    s3 = parse_str(t2, "third");
    ck_assert_int_eq(rollout_spec_dialect(s3), round_trips[_i].bcs ? ROLLOUT_DIALECT_BCS
                                                                   : ROLLOUT_DIALECT_KUBERNETES);
    if (!round_trips[_i].bcs) {
        /* the same template: the same pod-template-hash, and nothing to do */
        h1 = hash_of(s1);
        h2 = hash_of(s3);
        ck_assert_str_eq(h1, h2);
        apply_ok(s1, ROLLOUT_APPLY_CREATED);
        ck_assert_int_eq(fh_tick(fh), 0);
        apply_ok(s3, ROLLOUT_APPLY_UNCHANGED);
        free(h1);
        free(h2);
    }
    rollout_free(w1);
    rollout_free(w2);
    rollout_free(t1);
    rollout_free(t2);
    rollout_spec_free(s1);
    rollout_spec_free(s2);
    rollout_spec_free(s3);
    free(text);
}
END_TEST

/* A running deployment and its replica set, as kubectl get -o prints them. */
START_TEST(test_deployment_and_replica_set_written)
{
    rollout_deployment *d;
    rollout_replica_set *rs;
    rollout_manifest *m;
    char *out = NULL, want[96];
    const char *hash;
    json_t *j;

    seed_running();
    d = deployment("test");
    ck_assert_int_eq(rollout_deployment_write(&out, d, ROLLOUT_FORMAT_JSON), 0);
    j = json_loads(out, 0, NULL);
    ck_assert_msg(j != NULL, "%s", out);
    rollout_free(out);
    assert_json_at(j, "apiVersion", "\"apps/v1\"");
    assert_json_at(j, "kind", "\"Deployment\"");
    assert_json_at(j, "metadata.name", "\"test\"");
    assert_json_at(j, "metadata.namespace", "\"default\"");
    assert_json_at(j, "metadata.creationTimestamp", "\"2019-07-07T16:31:32Z\"");
    assert_json_at(j, "metadata.generation", "1");
    assert_json_at(j, "metadata.labels", "{\"app\": \"test\"}");
    assert_json_at(j, "metadata.annotations", "{\"deployment.kubernetes.io/revision\": \"1\"}");
    assert_json_at(j, "spec.replicas", "3");
    assert_json_at(j, "spec.selector", "{\"matchLabels\": {\"app\": \"test\"}}");
    assert_json_at(j, "spec.template.spec.containers[0].image",
                   "\"hub.docker.com:xxxx/xxxxxx:v1.1.0\"");
    assert_json_at(j, "status.observedGeneration", "1");
    assert_json_at(j, "status.replicas", "3");
    assert_json_at(j, "status.updatedReplicas", "3");
    assert_json_at(j, "status.readyReplicas", "3");
    assert_json_at(j, "status.availableReplicas", "3");
    assert_absent(j, "status.unavailableReplicas");
    ck_assert_uint_eq(json_array_size(at(j, "status.conditions")), 2);
    {
        size_t i;
        json_t *c;
        int seen = 0;

        json_array_foreach(at(j, "status.conditions"), i, c) {
            const char *type = json_string_value(json_object_get(c, "type"));

            assert_json_at(c, "status", "\"True\"");
            ck_assert(json_is_string(json_object_get(c, "reason")));
            ck_assert(json_is_string(json_object_get(c, "message")));
            ck_assert(json_is_string(json_object_get(c, "lastUpdateTime")));
            ck_assert(json_is_string(json_object_get(c, "lastTransitionTime")));
            if (strcmp(type, "Available") == 0) {
                assert_json_at(c, "reason", "\"MinimumReplicasAvailable\"");
                seen |= 1;
            } else if (strcmp(type, "Progressing") == 0) {
                assert_json_at(c, "reason", "\"NewReplicaSetAvailable\"");
                seen |= 2;
            }
        }
        ck_assert_int_eq(seen, 3);
    }
    json_decref(j);

    /* YAML: kubectl's shape, and a manifest again */
    ck_assert_int_eq(rollout_deployment_write(&out, d, ROLLOUT_FORMAT_YAML), 0);
    ck_assert_msg(strncmp(out, "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n", 47) == 0,
                  "%s", out);
    ck_assert_ptr_nonnull(strstr(out, "\nstatus:\n"));
    m = parse_all(out, "deployment.yaml");
    ck_assert_str_eq(rollout_spec_name(rollout_manifest_spec(m, 0)), "test");
    rollout_manifest_free(m);
    rollout_free(out);

    rs = rollout_deployment_new_replica_set(d);
    hash = rollout_revision_hash(rollout_replica_set_revision(rs));
    ck_assert_int_eq(rollout_replica_set_write(&out, rs, ROLLOUT_FORMAT_JSON), 0);
    j = json_loads(out, 0, NULL);
    ck_assert_msg(j != NULL, "%s", out);
    rollout_free(out);
    assert_json_at(j, "apiVersion", "\"apps/v1\"");
    assert_json_at(j, "kind", "\"ReplicaSet\"");
    snprintf(want, sizeof(want), "\"test-%s\"", hash);
    assert_json_at(j, "metadata.name", want);
    ck_assert_str_eq(rollout_replica_set_name(rs), json_string_value(at(j, "metadata.name")));
    assert_json_at(j, "metadata.namespace", "\"default\"");
    assert_json_at(j, "metadata.creationTimestamp", "\"2019-07-07T16:31:32Z\"");
    snprintf(want, sizeof(want), "{\"app\": \"test\", \"pod-template-hash\": \"%s\"}", hash);
    assert_json_at(j, "metadata.labels", want);
    assert_json_at(j, "spec.template.metadata.labels", want);
    snprintf(want, sizeof(want), "{\"matchLabels\": {\"app\": \"test\", "
             "\"pod-template-hash\": \"%s\"}}", hash);
    assert_json_at(j, "spec.selector", want);
    assert_json_at(j, "metadata.annotations",
                   "{\"deployment.kubernetes.io/revision\": \"1\", "
                   "\"deployment.kubernetes.io/desired-replicas\": \"3\", "
                   "\"deployment.kubernetes.io/max-replicas\": \"4\"}");
    assert_json_at(j, "metadata.ownerReferences",
                   "[{\"apiVersion\": \"apps/v1\", \"kind\": \"Deployment\", \"name\": "
                   "\"test\", \"controller\": true, \"blockOwnerDeletion\": true}]");
    assert_json_at(j, "spec.replicas", "3");
    assert_json_at(j, "spec.template.spec.containers[0].image",
                   "\"hub.docker.com:xxxx/xxxxxx:v1.1.0\"");
    assert_json_at(j, "status.replicas", "3");
    assert_json_at(j, "status.fullyLabeledReplicas", "3");
    assert_json_at(j, "status.readyReplicas", "3");
    assert_json_at(j, "status.availableReplicas", "3");
    assert_json_at(j, "status.observedGeneration", "1");
    json_decref(j);
    ck_assert_int_eq(rollout_replica_set_write(&out, rs, ROLLOUT_FORMAT_YAML), 0);
    ck_assert_msg(strncmp(out, "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n", 47) == 0,
                  "%s", out);
    rollout_free(out);
}
END_TEST

/* 6. A spec read from a file and refused at apply: the file's place. */
START_TEST(test_apply_positions)
{
    char *y0 = read_data(Y0, NULL), *y1, *text;
    rollout_manifest *m;
    rollout_spec *s;
    char *before, *after;

    seed_running();
    ck_assert_int_eq(rollout_engine_save(&before, fh->e), 0);
    y1 = edit(y0, "    matchLabels:\n      app: test\n",
              "    matchLabels: {app: test, version: v1}\n");
    text = edit(y1, "      labels:\n        app: test\n",
                "      labels:\n        app: test\n        version: v1\n");
    /* the third document of the stream, after an empty one */
    free(y1);
    y1 = str_printf("%s---\n---\n%s", y0, text);
    m = parse_all(y1, "deploy.yaml");
    ck_assert_uint_eq(rollout_manifest_count(m), 2);
    apply_ok(rollout_manifest_spec(m, 0), ROLLOUT_APPLY_UNCHANGED);
    ck_assert_int_eq(rollout_engine_apply(NULL, fh->e, rollout_manifest_spec(m, 1)),
                     ROLLOUT_EVALIDATION);
    ck_assert_str_eq(rollout_engine_errmsg(fh->e),
                     "deploy.yaml:50:5: spec.selector: field is immutable");
    /* a copy keeps the place it was read from */
    ck_assert_int_eq(rollout_spec_dup(&s, rollout_manifest_spec(m, 1)), 0);
    rollout_manifest_free(m);
    ck_assert_int_eq(rollout_engine_apply(NULL, fh->e, s), ROLLOUT_EVALIDATION);
    ck_assert_str_eq(rollout_engine_errmsg(fh->e),
                     "deploy.yaml:50:5: spec.selector: field is immutable");
    /* an edited copy no longer is what the file says: no place */
    ck_assert_int_eq(rollout_spec_set_replicas(s, 4), 0);
    ck_assert_int_eq(rollout_engine_apply(NULL, fh->e, s), ROLLOUT_EVALIDATION);
    ck_assert_str_eq(rollout_engine_errmsg(fh->e), "spec.selector: field is immutable");
    rollout_spec_free(s);
    /* a spec built in code has no place */
    s = fh_seed_spec("test", 3, "img:2", 8000);
    ck_assert_int_eq(rollout_spec_set_selector(s, "version", "v1"), 0);
    ck_assert_int_eq(rollout_spec_set_template_label(s, "version", "v1"), 0);
    ck_assert_int_eq(rollout_engine_apply(NULL, fh->e, s), ROLLOUT_EVALIDATION);
    ck_assert_str_eq(rollout_engine_errmsg(fh->e), "spec.selector: field is immutable");
    rollout_spec_free(s);
    ck_assert_int_eq(fh_tick(fh), 0);
    ck_assert_int_eq(rollout_engine_save(&after, fh->e), 0);
    ck_assert_str_eq(before, after);
    rollout_free(before);
    rollout_free(after);
    free(text);
    free(y1);
    free(y0);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("manifest");
    TCase *tc;

    tc = tcase_create("seed");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_seed_kubernetes, 0,
                        (int)(sizeof(k8s_seeds) / sizeof(k8s_seeds[0])));
    tcase_add_loop_test(tc, test_seed_bcs, 0,
                        (int)(sizeof(bcs_seeds) / sizeof(bcs_seeds[0])));
    tcase_add_loop_test(tc, test_bcs_max_unavailable_spellings, 0,
                        (int)(sizeof(unavailable_keys) / sizeof(unavailable_keys[0])));
    tcase_add_test(tc, test_bcs_policies);
    suite_add_tcase(s, tc);

    tc = tcase_create("entry points");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_entry_points);
    suite_add_tcase(s, tc);

    tc = tcase_create("yaml and json");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_yaml_documents);
    tcase_add_loop_test(tc, test_yaml_styles, 0, (int)(sizeof(styles) / sizeof(styles[0])));
    tcase_add_loop_test(tc, test_yaml_scalars, 0, (int)(sizeof(scalars) / sizeof(scalars[0])));
    tcase_add_test(tc, test_yaml_typed_fields);
    tcase_add_test(tc, test_yaml_anchors_and_merges);
    tcase_add_test(tc, test_json_streams_and_lists);
    suite_add_tcase(s, tc);

    tc = tcase_create("unknown fields");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_unknown_fields_kept);
    tcase_add_test(tc, test_unknown_fields_kept_bcs);
    tcase_add_test(tc, test_bcs_setters);
    tcase_add_test(tc, test_yaml_written_quoted);
    suite_add_tcase(s, tc);

    tc = tcase_create("round trips");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_round_trip, 0,
                        (int)(sizeof(round_trips) / sizeof(round_trips[0])));
    tcase_add_test(tc, test_deployment_and_replica_set_written);
    suite_add_tcase(s, tc);

    tc = tcase_create("apply positions");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_apply_positions);
    suite_add_tcase(s, tc);

    tc = tcase_create("bad input");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_bad_input, 0, (int)N_BAD);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return fh_run_suite(suite());
}
