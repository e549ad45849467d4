import Foundation
import NIOConcurrencyHelpers
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Session storage")
struct SessionWritesTests {
    /// Records the writes it is asked for.
    final class Spy: SessionDriver {
        let updates = NIOLockedValueBox(0)
        let stored: SessionData

        init(stored: SessionData) { self.stored = stored }

        func createSession(_ data: SessionData, for request: Request) -> EventLoopFuture<SessionID> {
            request.eventLoop.makeSucceededFuture(SessionID(string: "new"))
        }
        func readSession(_ sessionID: SessionID, for request: Request) -> EventLoopFuture<SessionData?> {
            request.eventLoop.makeSucceededFuture(stored)
        }
        func updateSession(_ sessionID: SessionID, to data: SessionData, for request: Request)
            -> EventLoopFuture<SessionID>
        {
            updates.withLockedValue { $0 += 1 }
            return request.eventLoop.makeSucceededFuture(sessionID)
        }
        func deleteSession(_ sessionID: SessionID, for request: Request) -> EventLoopFuture<Void> {
            request.eventLoop.makeSucceededVoidFuture()
        }
    }

    @Test("a session that was only read is not written back; a changed one is")
    func writesOnlyChanges() async throws {
        try await withApp { app in
            let spy = Spy(stored: SessionData(initialData: ["user": "42", "csrf": "abc"]))
            let driver = ChangedSessionsOnly(base: spy)
            let request = Request(application: app, on: app.eventLoopGroup.next())
            let id = SessionID(string: "s1")
            var data = try #require(try await driver.readSession(id, for: request).get())
            _ = try await driver.updateSession(id, to: data, for: request).get()
            #expect(spy.updates.withLockedValue { $0 } == 0)
            data["flash"] = "saved"
            _ = try await driver.updateSession(id, to: data, for: request).get()
            #expect(spy.updates.withLockedValue { $0 } == 1)
            // A request that never read the session (no cookie) always writes.
            let fresh = Request(application: app, on: app.eventLoopGroup.next())
            _ = try await driver.updateSession(id, to: data, for: fresh).get()
            #expect(spy.updates.withLockedValue { $0 } == 2)
        }
    }
}
