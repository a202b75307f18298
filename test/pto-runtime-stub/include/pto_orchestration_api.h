// Stand-in for pto-runtime's tensormap_and_ringbuffer orchestration header, for
// `g++ -std=c++17 -fsyntax-only` checks of emitted orchestration sources (pto-runtime itself
// cannot be built here). It declares exactly the API /work/shared/docs/domain.md §3 lists, with
// pto-runtime's spellings, and nothing more: a source that uses anything else fails to compile.
#ifndef WSP_STUB_PTO_ORCHESTRATION_API_H
#define WSP_STUB_PTO_ORCHESTRATION_API_H

#include <cstdint>

#include "task_args.h"

enum class DataType : uint32_t {
  FLOAT32, FLOAT16, INT32, INT16, INT8, UINT8, BFLOAT16, INT64, UINT64, UINT16, UINT32,
};

struct Tensor {
  // A sub-tensor: same rank, `shapes` elements from `offsets`.
  Tensor view(const uint32_t shapes[], const uint32_t offsets[]) const;
};

// An output the runtime allocates (from its heap ring) when the task is submitted.
struct TensorCreateInfo {
  TensorCreateInfo(const uint32_t shapes[], uint32_t ndims, DataType dtype);
};

// A task's arguments: at most 16 tensors and 32 scalars.
struct Arg {
  void add_input(const Tensor& tensor);
  void add_output(const TensorCreateInfo& create_info);
  void add_inout(const Tensor& tensor);
  void add_scalar(uint64_t value);
};

// The outputs a submit created, in add_output order.
struct TaskOutputTensors {
  const Tensor& get_ref(uint32_t index) const;
};

TaskOutputTensors rt_submit_aic_task(int32_t func_id, const Arg& args);
TaskOutputTensors rt_submit_aiv_task(int32_t func_id, const Arg& args);

Tensor from_tensor_arg(const ContinuousTensor& tensor);

struct PTO2OrchestrationConfig {
  uint32_t expected_arg_count;
};

// One element of a tensor (waits for its producer); writing one.
template <typename T = uint64_t>
T get_tensor_data(const Tensor& tensor, uint32_t ndims, const uint32_t indices[]);
template <typename T = uint64_t>
void set_tensor_data(const Tensor& tensor, uint32_t ndims, const uint32_t indices[], T value);

// PTO2_SCOPE() { ... }: tasks submitted in the block belong to a scope that ends with it.
class PTO2ScopeGuard {
 public:
  PTO2ScopeGuard();
  ~PTO2ScopeGuard();
};
#define PTO2_SCOPE_CONCAT_IMPL(x, y) x##y
#define PTO2_SCOPE_CONCAT(x, y) PTO2_SCOPE_CONCAT_IMPL(x, y)
#define PTO2_SCOPE() if (PTO2ScopeGuard PTO2_SCOPE_CONCAT(pto2_scope_guard_, __COUNTER__); true)

#endif
