import Foundation
import Logging
import Testing

@testable import App

@Suite("Migrations say how far they are")
struct MigrationProgressTests {
    @Test("a line at the start, one per interval with the share and the time left, one at the end")
    func lines() {
        let recorder = LogRecorder()
        let logger = Logger(label: "test") { _ in recorder }
        let start = Date()
        let progress = MigrationProgress("Caller-ID keys", total: 1_000_000, logger: logger, interval: 5)
        progress.advance(by: 1000, now: start.addingTimeInterval(1))
        progress.advance(by: 99_000, now: start.addingTimeInterval(6))
        progress.advance(by: 100_000, now: start.addingTimeInterval(7))
        progress.advance(by: 800_000, now: start.addingTimeInterval(60))
        progress.finish(now: start.addingTimeInterval(60))
        #expect(recorder.lines.count == 3)
        #expect(recorder.lines.first == "Caller-ID keys: 1000000 contacts to go through")
        #expect(
            recorder.lines.dropFirst().first?.hasPrefix("Caller-ID keys: 100000 of 1000000 contacts (10 %), about ")
                == true)
        #expect(recorder.lines.dropFirst().first?.hasSuffix("(10 %), about 54 s left") == true)
        #expect(recorder.lines.last == "Caller-ID keys: 1000000 contacts done in 60 s")
    }

    @Test("an empty table: nothing to say")
    func empty() {
        let recorder = LogRecorder()
        let progress = MigrationProgress("Words of names", total: 0, logger: Logger(label: "test") { _ in recorder })
        progress.finish()
        #expect(recorder.lines.isEmpty)
    }
}
