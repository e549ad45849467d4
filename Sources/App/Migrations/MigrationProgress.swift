import Fluent
import Foundation
import SQLKit

/// What a long migration says while it works: a line every `interval` (rows done, the share, the time left) and one
/// at the end. A backfill of a million contacts took 13 minutes without a word; an operator could not tell it from a
/// hang.
final class MigrationProgress: @unchecked Sendable {
    private let name: String
    private let total: Int
    private let logger: Logger
    private let interval: TimeInterval
    private let start = Date()
    private var lastReport = Date()
    private(set) var done = 0

    init(_ name: String, total: Int, logger: Logger, interval: TimeInterval = 5) {
        self.name = name
        self.total = total
        self.logger = logger
        self.interval = interval
        if total > 0 { logger.notice("\(name): \(total) contacts to go through") }
    }

    /// The contacts of `database`, to say how many a backfill goes through.
    static func contacts(in database: any Database) async throws -> Int {
        try await (database as! any SQLDatabase).raw("SELECT count(*) AS n FROM contacts").first()?
            .decode(column: "n", as: Int.self) ?? 0
    }

    func advance(by rows: Int, now: Date = Date()) {
        done += rows
        guard now.timeIntervalSince(lastReport) >= interval, done < total else { return }
        lastReport = now
        logger.notice("\(name): \(line(now: now))")
    }

    func finish(now: Date = Date()) {
        guard total > 0 else { return }
        logger.notice("\(name): \(done) contacts done in \(Int(now.timeIntervalSince(start).rounded())) s")
    }

    /// "120000 of 1000000 contacts (12 %), about 4 min left".
    func line(now: Date = Date()) -> String {
        let share = total == 0 ? 100 : done * 100 / total
        let elapsed = now.timeIntervalSince(start)
        var text = "\(done) of \(total) contacts (\(share) %)"
        if done > 0, done < total {
            let left = elapsed / Double(done) * Double(total - done)
            text +=
                left >= 90 ? ", about \(Int((left / 60).rounded())) min left" : ", about \(Int(left.rounded())) s left"
        }
        return text
    }
}
