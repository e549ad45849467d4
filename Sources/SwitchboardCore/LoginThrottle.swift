import Foundation

/// How many failed sign-ins are tolerated before a key (an account or a client address) must wait.
public struct LoginThrottle: Sendable, Equatable {
    public var maxFailuresPerAccount: Int
    public var maxFailuresPerAddress: Int
    public var window: TimeInterval

    public init(maxFailuresPerAccount: Int = 5, maxFailuresPerAddress: Int = 20, window: TimeInterval = 15 * 60) {
        self.maxFailuresPerAccount = maxFailuresPerAccount
        self.maxFailuresPerAddress = maxFailuresPerAddress
        self.window = window
    }

    /// Failures older than this no longer count.
    public func windowStart(now: Date) -> Date { now.addingTimeInterval(-window) }

    /// `nil` when a sign-in may be attempted, else how long to wait, counted from the oldest
    /// failure still in the window.
    public func wait(
        accountFailures: [Date], addressFailures: [Date], now: Date
    ) -> TimeInterval? {
        func waitFor(_ failures: [Date], limit: Int) -> TimeInterval? {
            let recent = failures.filter { $0 > windowStart(now: now) }.sorted()
            guard recent.count >= limit else { return nil }
            // Allowed again once enough failures have left the window.
            let freeing = recent[recent.count - limit]
            return max(1, freeing.addingTimeInterval(window).timeIntervalSince(now))
        }
        let waits = [
            waitFor(accountFailures, limit: maxFailuresPerAccount),
            waitFor(addressFailures, limit: maxFailuresPerAddress),
        ].compactMap { $0 }
        return waits.max()
    }
}
