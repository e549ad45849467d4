import Fluent
import Foundation
import SwitchboardCore
import Testing
import Vapor
import VaporTesting

@testable import App

/// `SWITCHBOARD_TRUSTED_PROXIES`: the client's address and HTTPS come from a trusted proxy's headers, and from
/// nobody else's. Over a real socket (the tests' peer is 127.0.0.1).
@Suite("Behind a reverse proxy")
struct ClientOriginTests {
    static func config(trusting proxies: String) -> AppConfig {
        var config = TestEnvironment.config()
        config.trustedProxies = AddressRanges(proxies)!
        config.throttle.maxFailuresPerAddress = 2
        return config
    }

    static func failedSignIns(_ app: Application) async throws -> [String?] {
        try await AuditEventModel.query(on: app.db).filter(\.$action == AuditAction.signInFailed.rawValue).sort(
            \.$occurredAt
        ).all()
            .map(\.clientAddress)
    }

    @Test("from a trusted proxy: the forwarded address is audited and throttled on its own; HTTPS makes cookies Secure")
    func trusted() async throws {
        try await withApp(config: Self.config(trusting: "127.0.0.1, ::1")) { app in
            // given: a visitor behind the proxy, over HTTPS
            let visitor = Browser(app, live: true)
            visitor.extraHeaders.add(name: .xForwardedFor, value: "198.51.100.20, 203.0.113.7")
            visitor.extraHeaders.add(name: "X-Forwarded-Proto", value: "https")

            // when: the sign-in page is read
            let page = try await visitor.get(Paths.signIn.path)

            // then: its cookies are Secure and HSTS is on
            #expect(!page.headers[.setCookie].isEmpty)
            #expect(page.headers[.setCookie].allSatisfy { $0.lowercased().contains("secure") })
            #expect(page.headers.first(name: "Strict-Transport-Security") != nil)

            // when: two wrong passwords from that address, then a third
            for name in ["alice", "bob"] {
                let response = try await visitor.post(Paths.signIn.path, ["username": name, "password": "wrong-one-1"])
                #expect(response.status == .unauthorized)
            }
            let third = try await visitor.post(Paths.signIn.path, ["username": "carol", "password": "wrong-one-1"])

            // then: the address (the last hop before the proxy) is recorded and must wait
            #expect(third.status == .tooManyRequests)
            #expect(try await Self.failedSignIns(app) == ["203.0.113.7", "203.0.113.7"])

            // and: another client behind the same proxy is not held back, and signs in
            let other = Browser(app, live: true)
            other.extraHeaders.add(name: .xForwardedFor, value: "203.0.113.8")
            let signedIn = try await other.signIn("admin", TestEnvironment.adminPassword)
            // (over a socket the redirect after sign-in is followed: the page behind it)
            #expect(signedIn.status == .ok)
            #expect(try await other.get(Paths.settings.path).status == .ok)
        }
    }

    @Test("from anyone else: the headers are ignored (address, throttling, Secure, HSTS)")
    func untrusted() async throws {
        try await withApp(config: Self.config(trusting: "10.0.0.0/8")) { app in
            // given: a client sending a proxy's headers itself
            let forger = Browser(app, live: true)
            forger.extraHeaders.add(name: "X-Forwarded-Proto", value: "https")

            // when
            let page = try await forger.get(Paths.signIn.path)
            for (index, name) in ["alice", "bob", "carol"].enumerated() {
                forger.extraHeaders.replaceOrAdd(name: .xForwardedFor, value: "203.0.113.\(index)")
                _ = try await forger.post(Paths.signIn.path, ["username": name, "password": "wrong-one-1"])
            }

            // then: its own address counts, whatever it claims; cookies are not Secure, no HSTS
            #expect(!page.headers[.setCookie].isEmpty)
            #expect(page.headers[.setCookie].allSatisfy { !$0.lowercased().contains("secure") })
            #expect(page.headers.first(name: "Strict-Transport-Security") == nil)
            #expect(try await Self.failedSignIns(app) == ["127.0.0.1", "127.0.0.1"])
            let again = try await forger.post(Paths.signIn.path, ["username": "dave", "password": "wrong-one-1"])
            #expect(again.status == .tooManyRequests)
        }
    }

    @Test("only the edge reads the connection's address or the forwarding headers")
    func oneReader() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/App")
        let files = try #require(FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil))
        var readers: [String] = []
        for case let file as URL in files where file.pathExtension == "swift" {
            // Code, not comments.
            let text = try String(contentsOf: file, encoding: .utf8).split(separator: "\n")
                .filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("//") }.joined(separator: "\n")
            if text.contains("remoteAddress") || text.contains("peerAddress") || text.contains("xForwarded")
                || text.lowercased().contains("x-forwarded")
            {
                readers.append(file.lastPathComponent)
            }
        }
        // LDAPServer: its own connections, no proxy in front.
        #expect(readers.sorted() == ["ClientOriginMiddleware.swift", "LDAPServer.swift"])
    }
}
