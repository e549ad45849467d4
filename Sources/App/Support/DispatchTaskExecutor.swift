import Dispatch

/// A task executor on Dispatch's threads, off NIO's event loops. Async code runs on the event loops here
/// (`main.swift` installs them as the global executor), and a database query's result is delivered on its
/// connection's loop: CPU-heavy work that awaits queries in between (a CSV import deciding 100 000 rows) would keep
/// that loop busy and make its own queries — and every request on the loop — wait. Such work runs with this executor
/// as its preference (`withTaskExecutorPreference`); a job of one task never runs on two threads at once.
final class DispatchTaskExecutor: TaskExecutor {
    static let shared = DispatchTaskExecutor()
    private let queue = DispatchQueue(label: "switchboard.work", attributes: .concurrent)

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
