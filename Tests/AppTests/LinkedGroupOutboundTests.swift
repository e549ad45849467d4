import Fluent
import Foundation
import NIOConcurrencyHelpers
import SwitchboardCore
import Testing
import Vapor
import VaporTesting

@testable import App

/// Where a linked group's requests may go and what they carry (#16, item 3): a stored secret stays with its origin,
/// private addresses are refused unless allowed, credentials never follow a redirect to another origin, and the page
/// is told a category, not what the network said.
@Suite("Linked groups: outgoing requests")
struct LinkedGroupOutboundTests {
    /// An HTTP server on 127.0.0.1 that records every request's path and `Authorization`, and answers `answer`.
    final class Listener: Sendable {
        let app: Application
        let seen = NIOLockedValueBox<[(path: String, authorization: String)]>([])
        var port: Int { app.listeningPort }
        var url: String { "http://127.0.0.1:\(port)/book/" }

        private init(app: Application) { self.app = app }

        static func start(answer: @escaping @Sendable (Request) -> Response) async throws -> Listener {
            let app = try await Application.make(.testing)
            app.logger.logLevel = .critical
            let listener = Listener(app: app)
            app.middleware.use(Recorder(listener: listener, answer: answer))
            try await app.startOnFreePort()
            return listener
        }

        struct Recorder: AsyncMiddleware {
            let listener: Listener
            let answer: @Sendable (Request) -> Response

            func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
                listener.seen.withLockedValue {
                    $0.append((request.url.path, request.headers.first(name: .authorization) ?? ""))
                }
                return answer(request)
            }
        }

        /// A listener that answers every request with a redirect to `target`.
        static func redirecting(to target: Listener) async throws -> Listener {
            try await start { _ in
                var headers = HTTPHeaders()
                headers.replaceOrAdd(name: .location, value: target.url)
                return Response(status: .temporaryRedirect, headers: headers)
            }
        }

        func stop() async {
            await app.server.shutdown()
            try? await app.asyncShutdown()
        }
    }

    private func setUp(_ app: Application) async throws -> (admin: Actor, subAdmin: Actor, group: UUID) {
        let admin = Actor(
            user: try #require(try await UserModel.find(username: "admin", on: app.db)), clientAddress: nil)
        let subAdmin = Actor(user: try await app.makeUser("sue", role: .subAdmin), clientAddress: nil)
        let group = try await ContactGroupService(db: app.db).create(name: "Cloud", kind: .linked, by: admin)
        return (admin, subAdmin, try group.requireID())
    }

    private func config(allowPrivate: Bool) -> AppConfig {
        var config = TestEnvironment.config()
        config.secretKey = "test-secret-key-0123456789"
        config.carddavAllowPrivate = allowPrivate
        return config
    }

    @Test("a sub-admin re-pointing a linked group elsewhere must enter the secret again; nothing is sent there")
    func secretStaysWithItsOrigin() async throws {
        let stub = try await StubCardDAV.start()
        let thief = try await Listener.start { _ in Response(status: .unauthorized) }
        defer {
            Task {
                await stub.stop(); await thief.stop()
            }
        }
        try await withApp(config: config(allowPrivate: true)) { app in
            let (admin, subAdmin, group) = try await setUp(app)
            let service = app.linkedSourceService(on: app.db)
            _ = try await service.configure(
                group, .init(serverURL: stub.bookURL, username: "ada", secret: "s3cret-password"), by: admin)
            await #expect(throws: SwitchboardError.linkedSource(.secretMissing)) {
                try await service.configure(
                    group, .init(serverURL: thief.url, username: "ada", secret: ""), by: subAdmin)
            }
            #expect(thief.seen.withLockedValue { $0.isEmpty })
            #expect(try await service.source(of: group)?.serverURL == stub.bookURL)
            // Another path on the same server keeps the stored secret.
            #expect(
                URLOrigin.storedSecretsApply(
                    oldServer: stub.bookURL, newServer: "http://127.0.0.1:\(stub.port)/other/", oldTokenURL: nil,
                    newTokenURL: nil))
        }
    }

    @Test("without SWITCHBOARD_CARDDAV_ALLOW_PRIVATE, loopback and private addresses are refused before connecting")
    func privateAddressesRefused() async throws {
        let listener = try await Listener.start { _ in Response(status: .unauthorized) }
        defer { Task { await listener.stop() } }
        try await withApp(config: config(allowPrivate: false)) { app in
            let (admin, _, group) = try await setUp(app)
            let service = app.linkedSourceService(on: app.db)
            for url in [listener.url, "http://localhost:\(listener.port)/book/", "http://[::1]:\(listener.port)/book/"]
            {
                do {
                    _ = try await service.configure(
                        group, .init(serverURL: url, username: "ada", secret: "s3cret-password"), by: admin)
                    Issue.record("\(url) was accepted")
                } catch SwitchboardError.carddav(.addressNotAllowed) {
                } catch {
                    Issue.record("\(url): \(error)")
                }
            }
            #expect(listener.seen.withLockedValue { $0.isEmpty })
            #expect(try await service.source(of: group) == nil)
            // The page names the category and the setting, nothing the network said.
            let message = SwitchboardError.carddav(.addressNotAllowed("127.0.0.1: loopback")).messageKey
            #expect(message == "error.carddav_address_not_allowed")
            #expect(CardDAVError.unreachable("connection refused (errno 111)").detail == "")
        }
    }

    @Test("credentials do not follow a redirect to another origin")
    func redirectsDropCredentials() async throws {
        let elsewhere = try await Listener.start { _ in Response(status: .unauthorized) }
        let first = try await Listener.redirecting(to: elsewhere)
        defer {
            Task {
                await first.stop(); await elsewhere.stop()
            }
        }
        try await withApp(config: config(allowPrivate: true)) { app in
            let (admin, _, group) = try await setUp(app)
            await #expect(throws: SwitchboardError.self) {
                try await app.linkedSourceService(on: app.db).configure(
                    group, .init(serverURL: first.url, username: "ada", secret: "s3cret-password"), by: admin)
            }
            let sentFirst = first.seen.withLockedValue { $0.map(\.authorization) }
            let sentElsewhere = elsewhere.seen.withLockedValue { $0.map(\.authorization) }
            #expect(!sentFirst.isEmpty && sentFirst.allSatisfy { $0.hasPrefix("Basic ") })
            #expect(!sentElsewhere.isEmpty && sentElsewhere.allSatisfy { $0.isEmpty })
        }
    }

    @Test("a request with a body (an OAuth token request) never follows a redirect to another origin")
    func bodiesStayHome() async throws {
        let elsewhere = try await Listener.start { _ in Response(status: .ok) }
        let first = try await Listener.redirecting(to: elsewhere)
        defer {
            Task {
                await first.stop(); await elsewhere.stop()
            }
        }
        await #expect(throws: CardDAVError.self) {
            try await CardDAVClient.using(
                authorization: nil, on: MultiThreadedEventLoopGroup.singleton, allowPrivateAddresses: true
            ) { client in
                try await client.send(
                    .POST, URL(string: first.url)!, body: "refresh_token=r&client_secret=s",
                    contentType: "application/x-www-form-urlencoded", bodyHoldsCredentials: true)
            }
        }
        #expect(first.seen.withLockedValue { $0.count } == 1)
        #expect(elsewhere.seen.withLockedValue { $0.isEmpty })
    }
}
