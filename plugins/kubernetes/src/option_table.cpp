// TEMPORARY: the C option table of options.json, written by hand until dlaunch_add_plugin(... OPTIONS
// options.json) generates it (issue 8). Delete this file then; options.json is the one source.
#include <dlaunch/plugin.hpp>

namespace dlaunch::kubernetes {
namespace {

using sdk::option;

const dlaunch_option_desc kOptions[] = {
    option("image", DLAUNCH_OPTION_STRING, DLAUNCH_OPTION_REQUIRED, nullptr,
           "The container image every replica runs (its entrypoint is the role's entrypoint)."),
    option("namespace", DLAUNCH_OPTION_STRING, 0, nullptr,
           "The namespace of the job's objects; default: the kubeconfig context's namespace, else default."),
    option("kubeconfig", DLAUNCH_OPTION_STRING, 0, nullptr,
           "A kubeconfig file, used alone; default: the files in KUBECONFIG merged as kubectl does, else ~/.kube/config."),
    option("context", DLAUNCH_OPTION_STRING, 0, nullptr, "The kubeconfig context to use; default: its current-context."),
    option("kind", DLAUNCH_OPTION_STRING, 0, "\"job\"",
           "What the job becomes: job (one Indexed batch/v1 Job per role and a headless Service), jobset (a JobSet) "
           "or elasticjob (a DLRover ElasticJob)."),
    option("service_account", DLAUNCH_OPTION_STRING, 0, nullptr,
           "The service account the pods run as; default: the namespace's default."),
    option("image_pull_secrets", DLAUNCH_OPTION_STRING_ARRAY, 0, "[]", "Names of the secrets the kubelet pulls the image with."),
    option("image_pull_policy", DLAUNCH_OPTION_STRING, 0, nullptr,
           "Always, IfNotPresent or Never; default: Kubernetes' own (Always for :latest, else IfNotPresent)."),
    option("node_selector", DLAUNCH_OPTION_STRING_TABLE, 0, "{}",
           "Node labels every pod's node must have (pod spec nodeSelector)."),
    option("tolerations", DLAUNCH_OPTION_ANY, 0, "[]",
           "Pod tolerations, as Kubernetes writes them: [{ key = \"nvidia.com/gpu\", operator = \"Exists\", effect = "
           "\"NoSchedule\" }]."),
    option("priority_class", DLAUNCH_OPTION_STRING, 0, nullptr, "The pods' priorityClassName."),
    option("labels", DLAUNCH_OPTION_STRING_TABLE, 0, "{}",
           "Extra labels on every pod (the job's own labels are set on every object already)."),
    option("annotations", DLAUNCH_OPTION_STRING_TABLE, 0, "{}", "Annotations on every pod."),
    option("gpu_resource", DLAUNCH_OPTION_STRING, 0, "\"nvidia.com/gpu\"",
           "The extended resource a replica's gpu count is requested as (e.g. amd.com/gpu)."),
    option("master_port", DLAUNCH_OPTION_INTEGER, 0, "29500",
           "The port MASTER_PORT names: every pod has its own network namespace, so one fixed port serves every role."),
    option("pod_template", DLAUNCH_OPTION_ANY, 0, "{}",
           "A JSON merge patch (RFC 7386) applied to every pod template, for what no option covers."),
    option("request_timeout_s", DLAUNCH_OPTION_NUMBER, 0, "30", "Seconds to wait for the answer to one API request."),
};

}  // namespace

const dlaunch_option_desc* const* option_table() {
  static const dlaunch_option_desc* const kTable[] = {
      &kOptions[0], &kOptions[1], &kOptions[2],  &kOptions[3],  &kOptions[4],  &kOptions[5],
      &kOptions[6], &kOptions[7], &kOptions[8],  &kOptions[9],  &kOptions[10], &kOptions[11],
      &kOptions[12], &kOptions[13], &kOptions[14], &kOptions[15], &kOptions[16], nullptr};
  return kTable;
}

}  // namespace dlaunch::kubernetes
