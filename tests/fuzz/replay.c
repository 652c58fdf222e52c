/*
 * A fuzz target as a plain test program: it feeds the target every input
 * of tests/fuzz/regress/NAME (what once crashed or leaked) and of
 * tests/fuzz/corpus/NAME, one by one, so that make check, check-valgrind
 * and check-sanitize replay them without libFuzzer.  NAME is the target's
 * name, given at compile time (FUZZ_NAME); the tree is found through
 * $top_srcdir, else $srcdir, else ".".  A finding aborts, as it does under
 * libFuzzer.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#ifndef FUZZ_NAME
#error FUZZ_NAME names the target
#endif

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads PATH whole; NULL with a message when it cannot. */
static uint8_t *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t cap = 0, len = 0, n;

    if (!f) {
        perror(path);
        return NULL;
    }
    do {
        if (len == cap) {
            uint8_t *grown = realloc(buf, cap = cap ? cap * 2 : 4096);

            if (!grown) {
                free(buf);
                fclose(f);
                fprintf(stderr, "%s: out of memory\n", path);
                return NULL;
            }
            buf = grown;
        }
        n = fread(buf + len, 1, cap - len, f);
        len += n;
    } while (n > 0);
    if (ferror(f)) {
        perror(path);
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *size = len;
    return buf;
}

/* Replays every file of DIR (in name order, so that runs compare); the
 * number replayed, or -1 on an error.  A missing directory holds none. */
static long replay_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *ent;
    char **names = NULL;
    size_t n = 0, cap = 0, i;
    long done = 0;

    if (!d)
        return 0;
    while ((ent = readdir(d)) != NULL) {
        if (ent->d_name[0] == '.')
            continue;
        if (n == cap) {
            char **grown = realloc(names, (cap = cap ? cap * 2 : 16) * sizeof(*names));

            if (!grown)
                break;
            names = grown;
        }
        if (!(names[n] = strdup(ent->d_name)))
            break;
        n++;
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof(*names), cmp_names);
    for (i = 0; i < n; i++) {
        char path[4096];
        uint8_t *data;
        size_t size;

        if (done >= 0 && (size_t)snprintf(path, sizeof(path), "%s/%s", dir, names[i]) <
                             sizeof(path) &&
            (data = slurp(path, &size)) != NULL) {
            LLVMFuzzerTestOneInput(data, size);
            free(data);
            done++;
        } else {
            done = -1;
        }
        free(names[i]);
    }
    free(names);
    return done;
}

int main(void)
{
    const char *top = getenv("top_srcdir");
    char dir[4096];
    long regress, corpus;

    if (!top || !*top)
        top = getenv("srcdir");
    if (!top || !*top)
        top = ".";
    snprintf(dir, sizeof(dir), "%s/tests/fuzz/regress/%s", top, FUZZ_NAME);
    regress = replay_dir(dir);
    snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus/%s", top, FUZZ_NAME);
    corpus = replay_dir(dir);
    if (regress < 0 || corpus < 0)
        return 1;
    if (corpus == 0) {
        fprintf(stderr, "%s: no corpus in %s\n", FUZZ_NAME, dir);
        return 1;
    }
    printf("%s: replayed %ld regression and %ld corpus inputs\n", FUZZ_NAME, regress,
           corpus);
    return 0;
}
