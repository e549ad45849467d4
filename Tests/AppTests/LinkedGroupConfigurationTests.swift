import Fluent
import Foundation
import NIOConcurrencyHelpers
import SwitchboardCore
import Testing
import Vapor

@testable import App

/// Linked groups without a real server: secrets, limits, a server answering garbage, the pages.
@Suite("Linked groups: configuration")
struct LinkedGroupConfigurationTests {
    private func admin(_ app: Application) async throws -> Actor {
        Actor(user: try #require(try await UserModel.find(username: "admin", on: app.db)), clientAddress: nil)
    }

    @Test("secrets are sealed with SWITCHBOARD_SECRET_KEY, and refused with a clear message without it")
    func secrets() async throws {
        let box = SecretBox(passphrase: "test-secret-key-0123456789")
        let sealed = try box.seal("app-password-1")
        #expect(!sealed.contains("app-password-1"))
        #expect(try box.open(sealed) == "app-password-1")
        #expect(throws: CardDAVError.secretUnreadable) {
            try SecretBox(passphrase: "another-key-0123456789").open(sealed)
        }

        try await withApp { app in
            let admin = try await admin(app)
            let group = try await ContactGroupService(db: app.db).create(name: "iCloud", kind: .linked, by: admin)
            await #expect(throws: SwitchboardError.carddav(.secretKeyMissing)) {
                try await app.linkedSourceService(on: app.db).configure(
                    group.requireID(),
                    .init(serverURL: "https://contacts.icloud.com", username: "me@icloud.com", secret: "abcd-efgh"),
                    by: admin)
            }
            #expect(try await LinkedSourceModel.query(on: app.db).count() == 0)
        }
    }

    @Test("bad settings are refused before any network access, naming the field")
    func validation() async throws {
        var config = TestEnvironment.config()
        config.secretKey = "test-secret-key-0123456789"
        try await withApp(config: config) { app in
            let admin = try await admin(app)
            let group = try await ContactGroupService(db: app.db).create(name: "Linked", kind: .linked, by: admin)
            let service = app.linkedSourceService(on: app.db)
            let good = LinkedSourceService.Settings(serverURL: "https://dav.example.com/", username: "u", secret: "s")
            var bad = good
            bad.serverURL = "ftp://example.com"
            await #expect(throws: SwitchboardError.linkedSource(.urlInvalid)) {
                try await service.configure(group.requireID(), bad, by: admin)
            }
            bad = good
            bad.intervalMinutes = "1"
            await #expect(throws: SwitchboardError.linkedSource(.intervalInvalid)) {
                try await service.configure(group.requireID(), bad, by: admin)
            }
            bad = good
            bad.secret = ""
            await #expect(throws: SwitchboardError.linkedSource(.secretMissing)) {
                try await service.configure(group.requireID(), bad, by: admin)
            }
            bad = good
            bad.authKind = .oauth
            await #expect(throws: SwitchboardError.linkedSource(.clientIDMissing)) {
                try await service.configure(group.requireID(), bad, by: admin)
            }
            let standard = try await ContactGroupService(db: app.db).create(name: "Std", kind: .standard, by: admin)
            await #expect(throws: SwitchboardError.badRequest) {
                try await service.configure(standard.requireID(), good, by: admin)
            }
        }
    }

    @Test("at most SWITCHBOARD_MAX_LINKED_GROUPS linked groups")
    func limit() async throws {
        try await withApp { app in
            let admin = try await admin(app)
            let groups = ContactGroupService(db: app.db, maximumLinkedGroups: 2)
            _ = try await groups.create(name: "L1", kind: .linked, by: admin)
            _ = try await groups.create(name: "L2", kind: .linked, by: admin)
            await #expect(throws: SwitchboardError.linkedGroupLimit(maximum: 2)) {
                try await groups.create(name: "L3", kind: .linked, by: admin)
            }
            _ = try await groups.create(name: "S", kind: .standard, by: admin)
        }
        #expect(try AppConfig.fromEnvironment(["SWITCHBOARD_MAX_LINKED_GROUPS": "7"]).maximumLinkedGroups == 7)
        #expect(try AppConfig.fromEnvironment([:]).maximumLinkedGroups == 5)
    }

    @Test("SWITCHBOARD_CARDDAV_TIMEOUT: 120 seconds by default, 1 to 3600, anything else stops the start naming it")
    func timeoutSetting() async throws {
        #expect(try AppConfig.fromEnvironment([:]).carddavTimeoutSeconds == 120)
        #expect(try AppConfig.fromEnvironment(["SWITCHBOARD_CARDDAV_TIMEOUT": "600"]).carddavTimeoutSeconds == 600)
        for bad in ["0", "3601", "2m", "-5"] {
            #expect {
                try AppConfig.fromEnvironment(["SWITCHBOARD_CARDDAV_TIMEOUT": bad])
            } throws: { error in
                String(describing: error).contains(
                    "SWITCHBOARD_CARDDAV_TIMEOUT must be a whole number from 1 to 3600, got \"\(bad)\"")
            }
        }
    }

    @Test("a server silent for longer than SWITCHBOARD_CARDDAV_TIMEOUT fails the sync, leaving the group as it was")
    func silentServer() async throws {
        let stub = try await StubCardDAV.start()
        var config = TestEnvironment.config()
        config.secretKey = "test-secret-key-0123456789"
        config.carddavTimeoutSeconds = 1
        do {
            try await withApp(config: config) { app in
                // given
                let admin = try await admin(app)
                let group = try await ContactGroupService(db: app.db).create(name: "Slow", kind: .linked, by: admin)
                let service = app.linkedSourceService(on: app.db)
                #expect(service.timeout == 1)
                _ = try await service.configure(
                    group.requireID(), .init(serverURL: stub.bookURL, username: "u", secret: "p"), by: admin)
                #expect(try await service.syncNow(group.requireID(), by: admin).created == 2)

                // when: the server takes 3 seconds to answer
                stub.state.withLockedValue {
                    $0.cards["c.vcf"] = ("\"1\"", Radicale.card("c", name: "Third"))
                    $0.silentSeconds = 3
                }
                let outcome = try await service.syncNow(group.requireID(), by: admin)

                // then
                #expect(outcome.error?.code == "unreachable")
                #expect(outcome.error?.logDetail.contains("readTimeout") == true)
                #expect(try await ContactModel.query(on: app.db).count() == 2)
            }
        } catch {
            await stub.stop()
            throw error
        }
        await stub.stop()
    }

    @Test("a server that answers garbage in the middle of a sync leaves the group untouched and says why")
    func garbageMidSync() async throws {
        let stub = try await StubCardDAV.start()
        var config = TestEnvironment.config()
        config.secretKey = "test-secret-key-0123456789"
        do {
            try await withApp(config: config) { app in
                // given: a first sync of two cards
                let admin = try await admin(app)
                let group = try await ContactGroupService(db: app.db).create(name: "Stub", kind: .linked, by: admin)
                let service = app.linkedSourceService(on: app.db)
                _ = try await service.configure(
                    group.requireID(), .init(serverURL: stub.bookURL, username: "u", secret: "p"), by: admin)
                #expect(try await service.syncNow(group.requireID(), by: admin).created == 2)

                // when: the listing changes but the cards come back as garbage
                stub.state.withLockedValue {
                    $0.cards["a.vcf"] = ("\"2\"", Radicale.card("a", name: "Changed"))
                    $0.cards["c.vcf"] = ("\"1\"", Radicale.card("c", name: "Third"))
                    $0.cards["b.vcf"] = nil
                    $0.garbage = true
                }
                let outcome = try await service.syncNow(group.requireID(), by: admin)

                // then
                #expect(outcome.error?.code == "bad_answer")
                let names = try await ContactModel.query(on: app.db).all(\.$displayName).sorted()
                #expect(names == ["Card A", "Card B"])
                let source = try #require(try await service.source(of: group.requireID()))
                #expect(source.lastErrorCode == "bad_answer")
                #expect(source.lastCreated == 2)

                // and the page says why
                let browser = Browser(app)
                try await browser.signIn("admin", TestEnvironment.adminPassword)
                let page = try await browser.get(Paths.contactGroups.path)
                #expect(page.body.string.contains("could not be read"))
                #expect(page.body.string.contains("2 created, 0 updated, 0 deleted, 0 failed"))
            }
        } catch {
            await stub.stop()
            throw error
        }
        await stub.stop()
    }
}

/// A CardDAV server that answers what the test says: the cards of one book, or garbage.
final class StubCardDAV: Sendable {
    struct State {
        var cards: [String: (etag: String, vcard: String)] = [
            "a.vcf": ("\"1\"", Radicale.card("a", name: "Card A")),
            "b.vcf": ("\"1\"", Radicale.card("b", name: "Card B")),
        ]
        var garbage = false
        /// Seconds the server stays silent before answering a PROPFIND.
        var silentSeconds = 0
        var stopped = false
        /// While true, PROPFIND requests wait (a synchronisation held in the middle, for as long as a test needs).
        var held = false
    }

    let app: Application
    let state = NIOLockedValueBox(State())
    var port: Int { app.listeningPort }
    var bookURL: String { "http://127.0.0.1:\(port)/book/" }

    private init(app: Application) {
        self.app = app
    }

    static func start() async throws -> StubCardDAV {
        let app = try await Application.make(.testing)
        app.logger.logLevel = .critical
        let stub = StubCardDAV(app: app)
        app.on(.RAW(value: "PROPFIND"), "book") { req async throws in
            let silent = stub.state.withLockedValue { $0.silentSeconds }
            if silent > 0 { try await Task.sleep(for: .seconds(silent)) }
            while stub.state.withLockedValue({ $0.held }) { try await Task.sleep(for: .milliseconds(20)) }
            return stub.propfind(depth: req.headers.first(name: "Depth"))
        }
        app.on(.RAW(value: "REPORT"), "book") { req in stub.report(req.body.string ?? "") }
        try await app.startOnFreePort()
        return stub
    }

    /// Stops the server (a second call does nothing).
    func stop() async {
        guard
            state.withLockedValue({ state in
                defer { state.stopped = true }; return !state.stopped
            })
        else { return }
        await app.server.shutdown()
        try? await app.asyncShutdown()
    }

    private func multistatus(_ body: String) -> Response {
        Response(
            status: .multiStatus, headers: ["Content-Type": "application/xml"],
            body: .init(
                string: #"<?xml version="1.0"?><d:multistatus xmlns:d="DAV:" "#
                    + #"xmlns:card="urn:ietf:params:xml:ns:carddav">"# + body + "</d:multistatus>"))
    }

    /// Depth 0: the book (an address book with a ctag, without sync-token); depth 1: also its cards' etags.
    private func propfind(depth: String?) -> Response {
        let cards = state.withLockedValue { $0.cards }
        let ctag = cards.map { $0.key + $0.value.etag }.sorted().joined().xmlEscaped
        var body =
            "<d:response><d:href>/book/</d:href><d:propstat><d:prop><d:resourcetype><d:collection/>"
            + "<card:addressbook/></d:resourcetype><getctag xmlns=\"http://calendarserver.org/ns/\">\(ctag)</getctag>"
            + "</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>"
        if depth == "1" {
            body += cards.map { href, card in
                "<d:response><d:href>/book/\(href)</d:href><d:propstat><d:prop><d:resourcetype/>"
                    + "<d:getetag>\(card.etag.xmlEscaped)</d:getetag></d:prop><d:status>HTTP/1.1 200 OK</d:status>"
                    + "</d:propstat></d:response>"
            }.joined()
        }
        return multistatus(body)
    }

    private func report(_ body: String) -> Response {
        let current = state.withLockedValue { $0 }
        if body.contains("addressbook-multiget") {
            if current.garbage {
                return Response(status: .multiStatus, body: .init(string: "<html><body>Bad gateway"))
            }
            let items = current.cards.filter { body.contains("/book/\($0.key)") }.map { href, card in
                "<d:response><d:href>/book/\(href)</d:href><d:propstat><d:prop><d:getetag>\(card.etag.xmlEscaped)"
                    + "</d:getetag><card:address-data>\(card.vcard.xmlEscaped)</card:address-data></d:prop>"
                    + "<d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>"
            }
            return multistatus(items.joined())
        }
        return Response(status: .notImplemented)
    }
}
