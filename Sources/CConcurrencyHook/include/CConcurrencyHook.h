// Where Swift Concurrency's runtime keeps its hook for enqueueing a job on the global executor
// (Sources/switchboard/EventLoopExecutor.swift). SwiftNIO finds it by name with dlsym, which finds nothing in an
// executable that links the runtime in without exporting its symbols (Package.swift); the linker finds it here.
#ifndef SWITCHBOARD_CCONCURRENCYHOOK_H
#define SWITCHBOARD_CCONCURRENCYHOOK_H

void *_Nullable *_Nonnull switchboard_enqueue_global_hook(void);

#endif
