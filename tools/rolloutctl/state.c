/*
 * The state file: a JSON object holding the cluster's settings, the clock
 * and the simulator's whole state (its engine's included).  A lock file
 * beside it (FILE.lock) serialises invocations; the state is written to a
 * temporary file and renamed over the old one, so that it is never seen
 * half written.  A file that is not ours, or is damaged, is never
 * overwritten.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "rolloutctl.h"

#define STATE_FORMAT "rolloutctl-state"
#define STATE_VERSION 1
#define STATE_MAX (256u << 20)

const char *ctl_state_path(const char *option)
{
    const char *env = getenv("ROLLOUT_STATE");

    if (option && *option)
        return option;
    if (env && *env)
        return env;
    return "rollout-state.json";
}

int64_t ctl_real_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void reset(ctl *c)
{
    memset(c, 0, sizeof(*c));
    c->lock_fd = -1;
}

static int lock(ctl *c, const char *path, const char *prefix)
{
    size_t n = strlen(path);

    c->path = malloc(n + 1);
    c->lock_path = malloc(n + 6);
    if (!c->path || !c->lock_path) {
        ctl_err(prefix, "out of memory");
        return CTL_FAIL;
    }
    memcpy(c->path, path, n + 1);
    snprintf(c->lock_path, n + 6, "%s.lock", path);
    c->lock_fd = open(c->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (c->lock_fd < 0) {
        ctl_err(prefix, "%s: %s", c->lock_path, strerror(errno));
        return CTL_FAIL;
    }
    while (flock(c->lock_fd, LOCK_EX) < 0) {
        if (errno != EINTR) {
            ctl_err(prefix, "%s: %s", c->lock_path, strerror(errno));
            return CTL_FAIL;
        }
    }
    return CTL_OK;
}

void ctl_close(ctl *c)
{
    if (c->lock_fd >= 0)
        close(c->lock_fd); /* releases the lock */
    rollout_sim_free(c->sim);
    free(c->path);
    free(c->lock_path);
    reset(c);
}

/* The whole file in *TEXT; 1 when it does not exist. */
static int slurp(char **text, size_t *len, const char *path, const char *prefix)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0;

    *text = NULL;
    if (!f) {
        if (errno == ENOENT)
            return 1;
        ctl_err(prefix, "%s: %s", path, strerror(errno));
        return -1;
    }
    for (;;) {
        size_t got;

        if (n == cap) {
            char *p;

            cap = cap ? cap * 2 : 65536;
            if (cap > STATE_MAX + 1 || !(p = realloc(buf, cap + 1))) {
                free(buf);
                fclose(f);
                ctl_err(prefix, "%s: the state is too large", path);
                return -1;
            }
            buf = p;
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        ctl_err(prefix, "%s: %s", path, strerror(errno));
        free(buf);
        fclose(f);
        return -1;
    }
    fclose(f);
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return 0;
}

static bool get_number(const json_t *obj, const char *key, double *out)
{
    json_t *v = json_object_get(obj, key);

    if (!json_is_number(v))
        return false;
    *out = json_number_value(v);
    return true;
}

static bool get_int(const json_t *obj, const char *key, int64_t *out)
{
    json_t *v = json_object_get(obj, key);

    if (!json_is_integer(v))
        return false;
    *out = json_integer_value(v);
    return true;
}

static bool read_cluster(ctl_cluster *cl, const json_t *j)
{
    int64_t nodes, clock, seed;
    const char *mode;

    if (!json_is_object(j) || !get_int(j, "nodes", &nodes) ||
        !get_number(j, "cpu", &cl->cpu) || !get_number(j, "memory_mb", &cl->memory_mb) ||
        !get_int(j, "start_delay_ms", &cl->start_delay_ms) ||
        !get_int(j, "ready_delay_ms", &cl->ready_delay_ms) ||
        !get_int(j, "stop_delay_ms", &cl->stop_delay_ms) ||
        !get_number(j, "speed", &cl->speed) || !get_int(j, "start_ms", &cl->start_ms) ||
        !get_int(j, "seed", &seed) || !(mode = json_string_value(json_object_get(j, "clock"))))
        return false;
    if (strcmp(mode, "wall") == 0)
        clock = CTL_CLOCK_WALL;
    else if (strcmp(mode, "manual") == 0)
        clock = CTL_CLOCK_MANUAL;
    else
        return false;
    if (nodes < 0 || nodes > 100000 || !(cl->speed > 0))
        return false;
    cl->nodes = (int)nodes;
    cl->clock = (ctl_clock)clock;
    cl->seed = (uint64_t)seed;
    return true;
}

static json_t *write_cluster(const ctl_cluster *cl)
{
    return json_pack("{s:i, s:f, s:f, s:I, s:I, s:I, s:s, s:f, s:I, s:I}",
                     "nodes", cl->nodes, "cpu", cl->cpu, "memory_mb", cl->memory_mb,
                     "start_delay_ms", (json_int_t)cl->start_delay_ms,
                     "ready_delay_ms", (json_int_t)cl->ready_delay_ms,
                     "stop_delay_ms", (json_int_t)cl->stop_delay_ms,
                     "clock", cl->clock == CTL_CLOCK_WALL ? "wall" : "manual",
                     "speed", cl->speed, "start_ms", (json_int_t)cl->start_ms,
                     "seed", (json_int_t)cl->seed);
}

/* The state in TEXT, into C; a message in ERR when it is not ours. */
static int load(ctl *c, const char *text, size_t len, char *err, size_t size)
{
    json_error_t jerr;
    json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr), *sim;
    const char *format;
    char *sim_text = NULL;
    int64_t version;
    int rc;

    if (!j) {
        snprintf(err, size, "not a state file: %d:%d: %s", jerr.line, jerr.column,
                 jerr.text);
        return -1;
    }
    format = json_string_value(json_object_get(j, "format"));
    if (!format || strcmp(format, STATE_FORMAT) != 0) {
        snprintf(err, size, "not a rolloutctl state file (no \"format\": \"%s\")",
                 STATE_FORMAT);
        json_decref(j);
        return -1;
    }
    if (!get_int(j, "version", &version) || version < 1 || version > STATE_VERSION) {
        snprintf(err, size, "a state file of version %lld, which this rolloutctl "
                 "does not read", (long long)(get_int(j, "version", &version) ? version : -1));
        json_decref(j);
        return -1;
    }
    sim = json_object_get(j, "sim");
    if (!read_cluster(&c->cluster, json_object_get(j, "cluster")) ||
        !get_int(j, "anchor_real_ms", &c->anchor_real_ms) ||
        !get_int(j, "anchor_sim_ms", &c->anchor_sim_ms) || !json_is_object(sim) ||
        !(sim_text = json_dumps(sim, JSON_COMPACT))) {
        snprintf(err, size, "a damaged state file: its cluster, clock or simulator is "
                 "missing or malformed");
        json_decref(j);
        return -1;
    }
    json_decref(j);
    rc = rollout_sim_restore(&c->sim, sim_text, strlen(sim_text));
    free(sim_text);
    if (rc != ROLLOUT_OK) {
        snprintf(err, size, "a damaged state file: %s",
                 c->sim ? rollout_sim_errmsg(c->sim) : rollout_strerror(rc));
        rollout_sim_free(c->sim);
        c->sim = NULL;
        return -1;
    }
    c->engine = rollout_sim_engine(c->sim);
    return 0;
}

static int make_sim(ctl *c, const char *prefix)
{
    rollout_sim_options o = ROLLOUT_SIM_OPTIONS_INIT;
    const ctl_cluster *cl = &c->cluster;
    char name[32];
    int i, rc;

    o.seed = cl->seed;
    o.manual = cl->start_delay_ms < 0;
    o.start_delay_min_ms = o.start_delay_max_ms = cl->start_delay_ms < 0 ? 0
                                                                          : cl->start_delay_ms;
    o.ready_delay_ms = cl->ready_delay_ms;
    o.stop_delay_ms = cl->stop_delay_ms;
    o.start_time_ms = cl->start_ms;
    if ((rc = rollout_sim_new(&c->sim, &o)) != ROLLOUT_OK) {
        ctl_err(prefix, "cannot make the cluster: %s", rollout_strerror(rc));
        return CTL_FAIL;
    }
    for (i = 1; i <= cl->nodes; i++) {
        snprintf(name, sizeof(name), "node%d", i);
        if ((rc = rollout_sim_add_node(c->sim, name, cl->cpu, cl->memory_mb)) !=
            ROLLOUT_OK) {
            ctl_err(prefix, "cannot make the cluster: %s", rollout_sim_errmsg(c->sim));
            return CTL_FAIL;
        }
    }
    c->engine = rollout_sim_engine(c->sim);
    c->anchor_real_ms = ctl_real_now_ms();
    c->anchor_sim_ms = cl->start_ms;
    return CTL_OK;
}

int ctl_init(ctl *c, const char *path, const ctl_cluster *cluster, const char *prefix)
{
    int rc;

    reset(c);
    if ((rc = lock(c, path, prefix)) != CTL_OK) {
        ctl_close(c);
        return rc;
    }
    c->cluster = *cluster;
    if (c->cluster.start_ms < 0)
        c->cluster.start_ms = ctl_real_now_ms();
    if ((rc = make_sim(c, prefix)) != CTL_OK)
        ctl_close(c);
    return rc;
}

int ctl_catch_up(ctl *c, const char *prefix)
{
    int64_t target, now = rollout_sim_now(c->sim);
    double ahead;
    int rc;

    if (c->cluster.clock != CTL_CLOCK_WALL)
        return CTL_OK;
    ahead = (double)(ctl_real_now_ms() - c->anchor_real_ms) * c->cluster.speed;
    if (ahead < 0)
        ahead = 0; /* the real clock went back: simulated time does not */
    target = c->anchor_sim_ms + (int64_t)ahead;
    if (target <= now)
        return CTL_OK;
    if ((rc = rollout_sim_run_until(c->sim, target)) != ROLLOUT_OK) {
        ctl_err(prefix, "the cluster stopped: %s", rollout_sim_errmsg(c->sim));
        return CTL_FAIL;
    }
    return CTL_OK;
}

int ctl_settle(ctl *c, const char *prefix)
{
    if (rollout_sim_run_until(c->sim, rollout_sim_now(c->sim)) != ROLLOUT_OK) {
        ctl_err(prefix, "the cluster stopped: %s", rollout_sim_errmsg(c->sim));
        return CTL_FAIL;
    }
    return CTL_OK;
}

int ctl_advance(ctl *c, int64_t ms, const char *prefix)
{
    int rc;

    if ((rc = ctl_catch_up(c, prefix)) != CTL_OK)
        return rc;
    if (c->cluster.clock == CTL_CLOCK_WALL)
        c->anchor_sim_ms += ms; /* stays ahead of real time by MS */
    if ((rc = rollout_sim_advance(c->sim, ms)) != ROLLOUT_OK) {
        ctl_err(prefix, "the cluster stopped: %s", rollout_sim_errmsg(c->sim));
        return CTL_FAIL;
    }
    return CTL_OK;
}

/* What ctl_open() and ctl_open_readonly() share once the state file is
 * read (SLURPED is slurp()'s answer for TEXT): a cluster with the defaults
 * when there is no file, else the state loaded and brought up to date.
 * A file that cannot be loaded is refused with REFUSED after its reason. */
static int bring_up(ctl *c, const char *path, char *text, size_t len, int slurped,
                    const char *refused, const char *prefix)
{
    char err[512];
    int rc;

    if (slurped < 0) {
        ctl_close(c);
        return CTL_FAIL;
    }
    if (slurped == 1) {
        /* no cluster yet: one with the defaults */
        ctl_cluster defaults = CTL_CLUSTER_DEFAULTS;

        c->cluster = defaults;
        c->cluster.start_ms = ctl_real_now_ms();
        if (make_sim(c, prefix) != CTL_OK) {
            ctl_close(c);
            return CTL_FAIL;
        }
        return CTL_OK;
    }
    rc = load(c, text, len, err, sizeof(err));
    free(text);
    if (rc != 0) {
        ctl_err(prefix, "%s: %s%s", path, err, refused);
        ctl_close(c);
        return CTL_FAIL;
    }
    if (ctl_catch_up(c, prefix) != CTL_OK) {
        ctl_close(c);
        return CTL_FAIL;
    }
    return CTL_OK;
}

int ctl_open(ctl *c, const char *path, const char *prefix)
{
    char *text = NULL;
    size_t len = 0;
    int rc;

    reset(c);
    if ((rc = lock(c, path, prefix)) != CTL_OK) {
        ctl_close(c);
        return rc;
    }
    rc = slurp(&text, &len, path, prefix);
    return bring_up(c, path, text, len, rc, "; it is left as it is", prefix);
}

int ctl_save(ctl *c, const char *prefix)
{
    json_t *j = NULL, *sim = NULL;
    char *sim_text = NULL, *tmp = NULL;
    json_error_t jerr;
    size_t n = strlen(c->path);
    FILE *f = NULL;
    int fd = -1, rc = CTL_FAIL;

    if (ctl_settle(c, prefix) != CTL_OK)
        return CTL_FAIL;
    if (rollout_sim_save(&sim_text, c->sim) != ROLLOUT_OK ||
        !(sim = json_loads(sim_text, 0, &jerr))) {
        ctl_err(prefix, "cannot save the cluster: %s", rollout_sim_errmsg(c->sim));
        goto out;
    }
    j = json_pack("{s:s, s:i, s:o, s:I, s:I, s:O}", "format", STATE_FORMAT, "version",
                  STATE_VERSION, "cluster", write_cluster(&c->cluster), "anchor_real_ms",
                  (json_int_t)c->anchor_real_ms, "anchor_sim_ms",
                  (json_int_t)c->anchor_sim_ms, "sim", sim);
    if (!j || !(tmp = malloc(n + 16))) {
        ctl_err(prefix, "cannot save the cluster: out of memory");
        goto out;
    }
    snprintf(tmp, n + 16, "%s.tmp.XXXXXX", c->path);
    if ((fd = mkstemp(tmp)) < 0 || !(f = fdopen(fd, "w"))) {
        ctl_err(prefix, "%s: %s", tmp, strerror(errno));
        if (fd >= 0)
            close(fd);
        goto out;
    }
    fchmod(fd, 0644);
    if (json_dumpf(j, f, JSON_COMPACT) != 0 || fputc('\n', f) == EOF || fflush(f) != 0 ||
        fsync(fd) != 0) {
        ctl_err(prefix, "%s: %s", tmp, strerror(errno));
        fclose(f);
        unlink(tmp);
        goto out;
    }
    if (fclose(f) != 0 || rename(tmp, c->path) != 0) {
        ctl_err(prefix, "%s: %s", c->path, strerror(errno));
        unlink(tmp);
        goto out;
    }
    rc = CTL_OK;
out:
    free(tmp);
    json_decref(j);
    json_decref(sim);
    rollout_free(sim_text);
    return rc;
}

/* A shared lock on PATH's lock file when there is one: making it would
 * leave a file behind a command that writes nothing.  A state without a
 * lock file is still read whole, since it is only ever renamed into
 * place. */
static int lock_shared(ctl *c, const char *path, const char *prefix)
{
    size_t n = strlen(path);

    c->path = malloc(n + 1);
    c->lock_path = malloc(n + 6);
    if (!c->path || !c->lock_path) {
        ctl_err(prefix, "out of memory");
        return CTL_FAIL;
    }
    memcpy(c->path, path, n + 1);
    snprintf(c->lock_path, n + 6, "%s.lock", path);
    c->lock_fd = open(c->lock_path, O_RDONLY | O_CLOEXEC);
    if (c->lock_fd < 0) {
        if (errno == ENOENT)
            return CTL_OK;
        ctl_err(prefix, "%s: %s", c->lock_path, strerror(errno));
        return CTL_FAIL;
    }
    while (flock(c->lock_fd, LOCK_SH) < 0) {
        if (errno != EINTR) {
            ctl_err(prefix, "%s: %s", c->lock_path, strerror(errno));
            return CTL_FAIL;
        }
    }
    return CTL_OK;
}

int ctl_open_readonly(ctl *c, const char *path, bool must_exist, const char *prefix)
{
    char *text = NULL;
    size_t len = 0;
    int rc;

    reset(c);
    if ((rc = lock_shared(c, path, prefix)) != CTL_OK) {
        ctl_close(c);
        return rc;
    }
    rc = slurp(&text, &len, path, prefix);
    if (c->lock_fd >= 0) {
        close(c->lock_fd); /* the copy is ours: writers need not wait */
        c->lock_fd = -1;
    }
    if (rc == 1 && must_exist) {
        ctl_err(prefix, "%s: %s", path, strerror(ENOENT));
        ctl_close(c);
        return CTL_FAIL;
    }
    return bring_up(c, path, text, len, rc, "", prefix);
}
