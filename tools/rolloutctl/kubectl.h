/*
 * rolloutctl: what the kubectl verbs share.  They see the Kubernetes
 * deployments of the cluster only, and print what kubectl v1.28 prints.
 */
#ifndef ROLLOUTCTL_KUBECTL_H
#define ROLLOUTCTL_KUBECTL_H

#include <stdio.h>

#include "rolloutctl.h"

/* tabwriter.c: Go's text/tabwriter, with MINWIDTH and PADDING. */
typedef struct ctl_tab ctl_tab;
ctl_tab *ctl_tab_new(int minwidth, int padding);
void ctl_tab_printf(ctl_tab *t, const char *fmt, ...) CTL_PRINTF(2, 3);
/* Aligns and writes what was gathered since the last flush. */
void ctl_tab_flush(ctl_tab *t, FILE *out);
void ctl_tab_free(ctl_tab *t);
/* Writes what was gathered as it is, tabs and all (as rollout history
 * --revision prints a template: through no tabwriter). */
void ctl_tab_write_raw(ctl_tab *t, FILE *out);
/* kubectl get's tables, and describe's text. */
#define KCTL_TABLE_MINWIDTH 6
#define KCTL_TABLE_PADDING 3
#define KCTL_DESCRIBE_MINWIDTH 0
#define KCTL_DESCRIBE_PADDING 2

/* kubectl.c */
#define KCTL_ERR "error: "

typedef enum { KCTL_DEPLOYMENT, KCTL_REPLICASET, KCTL_POD } kctl_kind;

/* A resource type as kubectl takes it: deployment, deployments, deploy,
 * deployment.apps, deployment.v1.apps, rs, pods... */
bool kctl_kind_parse(const char *word, kctl_kind *out);
/* "deployments.apps", "replicasets.apps", "pods": errors name these. */
const char *kctl_kind_resource(kctl_kind kind);
/* "deployment.apps", "replicaset.apps", "pod": -o name and messages. */
const char *kctl_kind_name(kctl_kind kind);

/* A usage error of VERB: "error: ..." and the pointer to --help; exit 2. */
int kctl_usage(const char *verb, const char *fmt, ...) CTL_PRINTF(2, 3);
/* Error from server (NotFound): deployments.apps "NAME" not found */
void kctl_not_found(kctl_kind kind, const char *name);

/* Whether kubectl sees D: a Kubernetes deployment not being deleted. */
bool kctl_visible(const rollout_deployment *d);
/* The deployment NS/NAME that kubectl sees, or the NotFound error. */
int kctl_find(rollout_deployment **out, ctl *c, const char *ns, const char *name);

/* The option -n NS or --namespace NS at ARGV[*I] (NULL when it is not
 * one); *BAD when it has no value. */
const char *kctl_namespace(int argc, char **argv, int *i, bool *bad);

/* One deployment named on the command line, as TYPE/NAME or TYPE NAME
 * in the positional arguments POS[0..N): only deployments are taken. */
int kctl_deployment_target(const char **name, const char *verb, char **pos, int n);

/* A boolean flag as cobra takes it: --name, --name=true|false. 0 when
 * ARG is not the flag, 1 when it is, -1 when its value is bad. */
int kctl_bool_flag(const char *arg, const char *name, const char *alias, bool *value);

/* The text of a library call that failed: the engine's message, or the
 * code's. */
const char *kctl_errmsg(ctl *c, int rc);

/* The keys of a JSON object (labels, annotations), sorted, in an array
 * that the caller frees with free(). */
const char **kctl_sorted_keys(const json_t *obj, size_t *n);

/* "key=value,key=value" of a label map, sorted by key. */
char *kctl_format_labels(const json_t *labels);

/* The deployment's spec as JSON (rollout_spec_write), or NULL. */
json_t *kctl_deployment_json(const rollout_deployment *d);

/* The template of revision REV as JSON, with the pod-template-hash label
 * its replica set gives it. */
json_t *kctl_template_json(const rollout_revision *rev);

/* kubectl_describe.c: describe's "Pod Template:" section of TEMPLATE
 * (a PodTemplateSpec as JSON), into T. */
void kctl_describe_pod_template(ctl_tab *t, const json_t *tmpl);

/* The verbs. */
int ctl_kubectl_apply(const char *state, int argc, char **argv);
int ctl_kubectl_get(const char *state, int argc, char **argv);
int ctl_kubectl_describe(const char *state, int argc, char **argv);
int ctl_kubectl_rollout(const char *state, int argc, char **argv);
int ctl_kubectl_set(const char *state, int argc, char **argv);
int ctl_kubectl_annotate(const char *state, int argc, char **argv);

#endif /* ROLLOUTCTL_KUBECTL_H */
