// Stand-in for pto-runtime's host_build_graph orchestration header (`orchestration_api.h`, its
// name in pto-runtime), for `g++ -std=c++17 -fsyntax-only` checks of emitted orchestration
// sources (pto-runtime itself cannot be built here). It declares exactly the API
// /work/shared/docs/domain.md §3 lists for host_build_graph, with pto-runtime's signatures.
#ifndef WSP_STUB_ORCHESTRATION_API_H
#define WSP_STUB_ORCHESTRATION_API_H

#include <cstddef>
#include <cstdint>

#include "task_args.h"

enum class CoreType : int { AIC = 0, AIV = 1 };

struct OrchestrationRuntime;

// Returns the new task's id, or -1 when the task table is full.
int add_task(OrchestrationRuntime* runtime, uint64_t* args, int num_args, int func_id, CoreType core_type);
// `to` runs after `from`. Beyond a task's 128th successor the edge is dropped silently.
void add_successor(OrchestrationRuntime* runtime, int from_task, int to_task);
void* device_malloc(OrchestrationRuntime* runtime, size_t size);
int copy_to_device(OrchestrationRuntime* runtime, void* dev_ptr, const void* host_ptr, size_t size);
// Copies dev_ptr back to host_ptr after the run.
void record_tensor_pair(OrchestrationRuntime* runtime, void* host_ptr, void* dev_ptr, size_t size);

#endif
