// A spec's gpu: whole devices, or below 1 a share of one device
// (docs/job-spec.md#fractional-gpus-and-colocations). The job document carries a share as gpu_share beside
// gpu = 0, and the semantic checks lay shares out the same way.
#ifndef DLAUNCH_CORE_MODEL_GPU_SHARE_HPP_
#define DLAUNCH_CORE_MODEL_GPU_SHARE_HPP_

namespace dlaunch {

inline bool is_gpu_share(double gpu) { return gpu > 0 && gpu < 1; }

}  // namespace dlaunch

#endif  // DLAUNCH_CORE_MODEL_GPU_SHARE_HPP_
