// Swift Concurrency's jobs enqueued on the global executor run on the server's event loops (SwiftNIO's
// `MultiThreadedEventLoopGroup.singleton`) rather than in a second thread pool of Swift's own: a request no longer
// hops between the two (measured: most of a small request's CPU time was thread switches). As with SwiftNIO's, a job
// resumed after `Task.sleep` comes through another hook, not taken over. SwiftNIO offers this
// (`NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor`), but it finds the
// runtime's hook by name (`dlsym`) and silently gives up when it cannot: the executable links Swift's runtime in
// without exporting its symbols (Package.swift), so it could not. The hook's address comes from the linker here
// (CConcurrencyHook) and the same enqueueing as SwiftNIO's is installed in it; `runsOnEventLoops` says whether it
// took, and the server logs an error when it did not (the browser tests fail on that line).
import CConcurrencyHook
import NIOCore
import NIOPosix

enum EventLoopExecutor {
    /// The hook's type as the runtime calls it: the job, and the runtime's own enqueueing (unused here).
    private typealias EnqueueGlobal = @convention(thin) (UnownedJob, @convention(thin) (UnownedJob) -> Void) -> Void

    /// Installs the event loops as the global executor, once, before any task starts; false if another hook was set.
    static func install() -> Bool {
        let hook = switchboard_enqueue_global_hook()
        guard hook.pointee == nil else { return false }
        let enqueue: EnqueueGlobal = { job, _ in
            // Sticky: on one of the group's loops already, the job stays on that loop (no thread switch).
            MultiThreadedEventLoopGroup.singleton.any().enqueue(ExecutorJob(job))
        }
        hook.pointee = unsafeBitCast(enqueue, to: UnsafeMutableRawPointer.self)
        return true
    }

    /// Whether a task started now runs on one of the event loops.
    static func runsOnEventLoops() async -> Bool {
        await Task.detached { MultiThreadedEventLoopGroup.currentEventLoop != nil }.value
    }

    static let notInstalledMessage =
        "Swift Concurrency's global executor is not the server's event loops: every request switches threads"
}
