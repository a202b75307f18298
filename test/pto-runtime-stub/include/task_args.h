// Stand-in for pto-runtime's task_args.h, for `g++ -fsyntax-only` checks of emitted orchestration
// sources (pto-runtime itself cannot be built here). It declares only what
// /work/shared/docs/domain.md §3 lists: ChipStorageTaskArgs, whose tensor(i) has shapes[d].
// `data` (the tensor's address, a member of pto-runtime's ContinuousTensor) is the one addition:
// a host_build_graph orchestration needs it to copy argument tensors to the device.
#ifndef WSP_STUB_TASK_ARGS_H
#define WSP_STUB_TASK_ARGS_H

#include <cstdint>

constexpr uint32_t CONTINUOUS_TENSOR_MAX_DIMS = 16;

struct ContinuousTensor {
  uint64_t data;
  uint32_t shapes[CONTINUOUS_TENSOR_MAX_DIMS];
};

struct ChipStorageTaskArgs {
  const ContinuousTensor& tensor(uint32_t index) const;
};

#endif
