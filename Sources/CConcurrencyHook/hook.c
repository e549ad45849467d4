#include "CConcurrencyHook.h"

// Declared by the runtime (include/swift/Runtime/Concurrency.h) as a function pointer with Swift's calling
// convention; only its address is taken here.
extern void *swift_task_enqueueGlobal_hook;

void *_Nullable *_Nonnull switchboard_enqueue_global_hook(void) { return &swift_task_enqueueGlobal_hook; }
