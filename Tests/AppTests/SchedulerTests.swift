import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@testable import App

@Suite("Scheduled work: audit retention, one instance at a time")
struct SchedulerTests {
    @Test("the scheduler's round removes audit events past the retention, in batches, and keeps the others")
    func retention() async throws {
        var config = TestEnvironment.config()
        config.auditRetentionDays = 90
        try await withApp(config: config) { app in
            // given: 2 500 events of 100 days ago (more than one batch), 3 of 89 days ago, and today's
            let now = Date()
            let old = (0..<2_500).map { index in
                AuditEventModel(
                    occurredAt: now.addingTimeInterval(-100 * 86_400 - Double(index)), actorID: nil, actorName: nil,
                    action: AuditAction.signInFailed.rawValue, target: "old-\(index)", detail: nil, clientAddress: nil)
            }
            for chunk in stride(from: 0, to: old.count, by: 500) {
                try await old[chunk..<min(chunk + 500, old.count)].create(on: app.db)
            }
            for index in 0..<3 {
                try await AuditEventModel(
                    occurredAt: now.addingTimeInterval(-89 * 86_400), actorID: nil, actorName: nil,
                    action: AuditAction.signInFailed.rawValue, target: "kept-\(index)", detail: nil, clientAddress: nil
                ).create(on: app.db)
            }
            let before = try await AuditEventModel.query(on: app.db).count()

            // when: a round of the scheduler
            try await Scheduler.round(app, syncLinkedGroups: false)()

            // then
            let left = try await AuditEventModel.query(on: app.db).all()
            #expect(left.count == before - 2_500)
            #expect(!left.contains { ($0.target ?? "").hasPrefix("old-") })
            #expect(left.count { ($0.target ?? "").hasPrefix("kept-") } == 3)
        }
    }

    @Test("without a retention the audit log is kept forever")
    func forever() async throws {
        try await withApp { app in
            try await AuditEventModel(
                occurredAt: Date(timeIntervalSince1970: 0), actorID: nil, actorName: nil,
                action: AuditAction.signInFailed.rawValue, target: "1970", detail: nil, clientAddress: nil
            ).create(on: app.db)
            try await Scheduler.round(app, syncLinkedGroups: false)()
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$target == "1970").count() == 1)
        }
    }

    @Test("work of one name runs on one instance at a time on PostgreSQL; the lock goes when the work ends")
    func exclusive() async throws {
        try await withApp { app in
            let isPostgres = (app.db as? any SQLDatabase)?.dialect.name == "postgresql"
            let (started, startedContinuation) = AsyncStream.makeStream(of: Void.self)
            let (release, releaseContinuation) = AsyncStream.makeStream(of: Void.self)
            // given: a round running (on its own connection, as a second instance would hold it)
            let first = Task {
                try await app.db.exclusively("round") {
                    startedContinuation.yield()
                    for await _ in release { break }
                    return "first"
                }
            }
            for await _ in started { break }

            // when: the same work is asked for meanwhile
            let second = try await app.db.exclusively("round") { "second" }
            // and: other work is not held back
            let other = try await app.db.exclusively("other") { "other" }
            releaseContinuation.yield()
            let firstResult = try await first.value

            // then: on PostgreSQL the second is skipped; SQLite serves one instance, which runs it
            #expect(second == (isPostgres ? nil : "second"))
            #expect(other == "other" && firstResult == "first")
            // and: once done, it can run again
            #expect(try await app.db.exclusively("round") { "again" } == "again")
        }
    }
}
