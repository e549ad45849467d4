import Fluent
import Foundation
import Logging
import SwitchboardCore
import Testing
import Vapor
import VaporTesting

@testable import App

/// Sessions end on the server, anonymous visitors store nothing, the CSRF token changes with the sign-in, and secrets
/// in URLs reach neither the logs nor the audit log (#16, items 8 and 12).
@Suite("Sessions and secrets")
struct SessionLifetimeTests {
    @Test("an anonymous visitor's pages store no session; signing in makes one with a new CSRF token")
    func anonymousAndRotation() async throws {
        try await withApp { app in
            let browser = Browser(app)
            for _ in 0..<30 { try await browser.get(Paths.signIn.path) }
            // A made-up session cookie is not stored either.
            browser.cookies["switchboard_session"] = "made-up"
            try await browser.get(Paths.signIn.path)
            #expect(try await SessionModel.query(on: app.db).count() == 0)
            let before = try #require(browser.csrf)

            let signedIn = try await browser.post(
                Paths.signIn.path, ["username": "admin", "password": TestEnvironment.adminPassword])
            #expect(signedIn.status == .seeOther)
            #expect(try await SessionModel.query(on: app.db).count() == 1)
            try await browser.get(Paths.settings.path)
            let after = try #require(browser.csrf)
            #expect(after != before)
            // The token seen before signing in opens nothing now.
            browser.csrf = before
            let forged = try await browser.post(Paths.settingsPreferences.path, ["language": "fr", "theme": "dark"])
            #expect(forged.status == .forbidden)
        }
    }

    @Test("a form without the anonymous token is refused before sign-in")
    func anonymousTokenRequired() async throws {
        try await withApp { app in
            let browser = Browser(app)
            try await browser.get(Paths.signIn.path)
            browser.cookies[CSRF.anonymousCookie] = nil
            let refused = try await browser.post(
                Paths.signIn.path, ["username": "admin", "password": TestEnvironment.adminPassword])
            #expect(refused.status == .forbidden)
        }
    }

    @Test("an expired session is refused and deleted; new sessions purge expired ones")
    func expiry() async throws {
        try await withApp { app in
            let browser = Browser(app)
            try await browser.signIn("admin", TestEnvironment.adminPassword)
            #expect(try await browser.get(Paths.contacts.path).status == .ok)
            let session = try #require(try await SessionModel.query(on: app.db).first())
            session.expiresAt = Date().addingTimeInterval(-1)
            try await session.update(on: app.db)
            let after = try await browser.get(Paths.contacts.path)
            #expect(after.status == .seeOther)
            #expect(after.headers.first(name: .location)?.hasPrefix(Paths.signIn.path) == true)
            #expect(try await SessionModel.query(on: app.db).count() == 0)

            // A forgotten session (its browser never came back) goes when the next one is made.
            let stale = SessionModel(
                key: "stale", data: SessionData(initialData: ["uid": "x"]), expiresAt: Date().addingTimeInterval(-60))
            try await stale.create(on: app.db)
            try await Browser(app).signIn("admin", TestEnvironment.adminPassword)
            #expect(try await SessionModel.query(on: app.db).filter(\.$key == "stale").count() == 0)
        }
    }

    @Test("credentials in URLs reach neither the audit log nor any log line")
    func secretsRedacted() async throws {
        try await withApp { app in
            let admin = try #require(try await UserModel.find(username: "admin", on: app.db))
            try await AuditService(db: app.db).record(
                .linkedSourceConfigured, by: Actor(user: admin, clientAddress: nil),
                target: "https://ada:secret@cloud.example.com/dav", detail: "url=https://ada:secret@cloud.example.com/x"
            )
            let event = try #require(
                try await AuditEventModel.query(on: app.db).filter(
                    \.$action == AuditAction.linkedSourceConfigured.rawValue
                ).first())
            #expect(event.detail == "url=https://***@cloud.example.com/x")
            #expect(event.target == "https://***@cloud.example.com/dav")
        }
        let recorder = LogRecorder()
        var logger = Logger(label: "test") { _ in RedactingLogHandler(recorder) }
        logger.logLevel = .info
        logger.error(
            "Kamailio at http://rpc:pw@127.0.0.1:5060/RPC could not be reached",
            metadata: ["url": "http://rpc:pw@127.0.0.1/", "list": ["https://a:b@x/"]])
        #expect(recorder.lines == ["Kamailio at http://***@127.0.0.1:5060/RPC could not be reached"])
        #expect(recorder.metadata.contains("http://***@127.0.0.1/"))
        #expect(!recorder.metadata.contains("pw@") && !recorder.metadata.contains("a:b@"))
    }
}

/// Keeps what a logger was given.
final class LogRecorder: LogHandler, @unchecked Sendable {
    var lines: [String] = []
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        lines.append(event.message.description)
        for (key, value) in event.metadata ?? [:] { metadata[key] = value }
    }
}

extension Logger.Metadata {
    fileprivate func contains(_ text: String) -> Bool { values.contains { "\($0)".contains(text) } }
}
