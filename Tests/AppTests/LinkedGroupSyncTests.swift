import Fluent
import Foundation
import SwitchboardCore
import Testing
import Vapor

@testable import App

/// Linked groups mirror a real CardDAV server: a Radicale started on 127.0.0.1 for each test.
@Suite("Linked groups: synchronisation with Radicale", .enabled(if: Radicale.isInstalled))
struct LinkedGroupSyncTests {
    static var config: AppConfig {
        var config = TestEnvironment.config()
        config.secretKey = "test-secret-key-0123456789"
        return config
    }

    struct World {
        let app: Application
        let admin: Actor
        let group: ContactGroupModel
        let service: LinkedSourceService

        var groupID: UUID { group.id! }

        func names() async throws -> [String] {
            try await ContactGroupMemberModel.query(on: app.db).filter(\.$group.$id == groupID).with(\.$contact).all()
                .map(\.contact.displayName).sorted()
        }

        func source() async throws -> LinkedSourceModel {
            try #require(try await service.source(of: groupID))
        }
    }

    private func world(_ app: Application, radicale: Radicale, url: String? = nil) async throws -> World {
        let admin = Actor(
            user: try #require(try await UserModel.find(username: "admin", on: app.db)), clientAddress: nil)
        let group = try await ContactGroupService(db: app.db).create(name: "Google", kind: .linked, by: admin)
        let service = app.linkedSourceService(on: app.db)
        _ = try await service.configure(
            group.requireID(),
            .init(serverURL: url ?? radicale.bookURL(), username: radicale.user, secret: radicale.password), by: admin)
        return World(app: app, admin: admin, group: group, service: service)
    }

    private func withRadicale(_ test: (Radicale) async throws -> Void) async throws {
        let radicale = try await Radicale()
        do {
            try await test(radicale)
        } catch {
            await radicale.shutdown()
            throw error
        }
        await radicale.shutdown()
    }

    @Test(
        "1 000 cards arrive; an edit, an addition and a deletion at the source are exactly what the next sync applies")
    func initialAndIncremental() async throws {
        try await withRadicale { radicale in
            try await withApp(config: Self.config) { app in
                // given
                try await radicale.putBook(
                    cards: (0..<1000).map { Radicale.card("card-\($0)", name: String(format: "Person %04d", $0)) })
                let w = try await world(app, radicale: radicale)

                // when
                let first = try await w.service.syncNow(w.groupID, by: w.admin)

                // then
                #expect(first == .init(created: 1000, updated: 0, deleted: 0, failed: 0))
                #expect(try await w.names().count == 1000)
                #expect(try await ContactGroupModel.find(w.groupID, on: app.db)?.memberCount == 1000)
                let someone = try #require(
                    try await ContactModel.query(on: app.db).filter(\.$displayName == "Person 0042").first())
                #expect(someone.phones.map(\.number) == ["+33 1 23 45 67 89"])
                #expect(someone.emails.map(\.address) == ["card-42@example.com"])

                // when: edit one, add one, delete one at the source
                try await radicale.putCard("card-5", Radicale.card("card-5", name: "Renamed Person", phone: "+33 9 87"))
                try await radicale.putCard("card-new", Radicale.card("card-new", name: "Newcomer"))
                try await radicale.deleteCard("card-7")
                let second = try await w.service.syncNow(w.groupID, by: w.admin)

                // then
                #expect(second == .init(created: 1, updated: 1, deleted: 1, failed: 0))
                let names = try await w.names()
                #expect(names.count == 1000)
                #expect(names.contains("Renamed Person") && names.contains("Newcomer"))
                #expect(!names.contains("Person 0005") && !names.contains("Person 0007"))
                #expect(try await ContactModel.query(on: app.db).count() == 1000)
                #expect(try await LinkedCardModel.query(on: app.db).count() == 1000)

                // and nothing more when nothing changed
                #expect(try await w.service.syncNow(w.groupID, by: w.admin) == .init())
                let source = try await w.source()
                #expect(source.lastErrorCode == nil && source.lastSuccessAt != nil)
                let audit = try await AuditEventModel.query(on: app.db).filter(\.$action == "contact_group.sync")
                    .count()
                #expect(audit == 3)
            }
        }
    }

    @Test("a sync-token the server no longer knows means a full listing, which still applies only the changes")
    func invalidSyncToken() async throws {
        try await withRadicale { radicale in
            try await withApp(config: Self.config) { app in
                try await radicale.putBook(cards: (0..<20).map { Radicale.card("c\($0)", name: "Card \($0)") })
                let w = try await world(app, radicale: radicale)
                _ = try await w.service.syncNow(w.groupID, by: w.admin)
                let source = try await w.source()
                source.syncToken = "http://radicale.org/ns/sync/unknown"
                try await source.save(on: app.db)
                try await radicale.putCard("c3", Radicale.card("c3", name: "Card three"))
                try await radicale.deleteCard("c4")

                let outcome = try await w.service.syncNow(w.groupID, by: w.admin)

                #expect(outcome == .init(created: 0, updated: 1, deleted: 1, failed: 0))
                #expect(try await w.names().count == 19)
                #expect(try await w.source().syncToken != "http://radicale.org/ns/sync/unknown")
            }
        }
    }

    @Test("a stopped server leaves the group as it was and the reason is recorded")
    func serverStopped() async throws {
        try await withRadicale { radicale in
            try await withApp(config: Self.config) { app in
                // given
                try await radicale.putBook(cards: (0..<10).map { Radicale.card("c\($0)", name: "Card \($0)") })
                let w = try await world(app, radicale: radicale)
                _ = try await w.service.syncNow(w.groupID, by: w.admin)
                let before = try await w.names()
                let succeeded = try await w.source().lastSuccessAt

                // when
                await radicale.stop()
                let outcome = try await w.service.syncNow(w.groupID, by: w.admin)

                // then
                #expect(outcome.error?.code == "unreachable")
                #expect(try await w.names() == before)
                let source = try await w.source()
                #expect(source.lastErrorCode == "unreachable")
                #expect(source.lastSuccessAt == succeeded)
                #expect(source.lastAttemptAt! > succeeded!)
            }
        }
    }

    @Test("discovery through /.well-known/carddav finds the user's address books and asks which one")
    func discovery() async throws {
        try await withRadicale { radicale in
            try await withApp(config: Self.config) { app in
                try await radicale.putBook("work", cards: [Radicale.card("w1", name: "Worker")])
                try await radicale.putBook("family", cards: [Radicale.card("f1", name: "Aunt")])
                let admin = Actor(
                    user: try #require(try await UserModel.find(username: "admin", on: app.db)), clientAddress: nil)
                let group = try await ContactGroupService(db: app.db).create(
                    name: "Nextcloud", kind: .linked, by: admin)
                let service = app.linkedSourceService(on: app.db)
                var settings = LinkedSourceService.Settings(
                    serverURL: radicale.origin, username: radicale.user, secret: radicale.password)

                // when: only the server is given
                await #expect(throws: SwitchboardError.linkedSource(.addressBookNotChosen)) {
                    try await service.configure(group.requireID(), settings, by: admin)
                }

                // then: both books are offered, none is synchronised yet
                let source = try #require(try await service.source(of: group.requireID()))
                #expect(
                    service.discoveredBooks(of: source).map(\.url) == [
                        radicale.bookURL("family"), radicale.bookURL("work"),
                    ])
                await #expect(throws: SwitchboardError.linkedNotConfigured) {
                    try await service.syncNow(group.requireID(), by: admin)
                }

                // when: one is chosen (the password is kept when left empty)
                settings.addressBook = radicale.bookURL("work")
                settings.secret = ""
                _ = try await service.configure(group.requireID(), settings, by: admin)
                let outcome = try await service.syncNow(group.requireID(), by: admin)

                // then
                #expect(outcome.created == 1)
                #expect(try await ContactModel.query(on: app.db).all(\.$displayName) == ["Worker"])
            }
        }
    }

    @Test("wrong credentials are refused when saving, and nothing is saved")
    func wrongPassword() async throws {
        try await withRadicale { radicale in
            try await withApp(config: Self.config) { app in
                try await radicale.putBook(cards: [Radicale.card("c1", name: "Card")])
                let admin = Actor(
                    user: try #require(try await UserModel.find(username: "admin", on: app.db)), clientAddress: nil)
                let group = try await ContactGroupService(db: app.db).create(name: "Fastmail", kind: .linked, by: admin)
                let service = app.linkedSourceService(on: app.db)
                await #expect(throws: SwitchboardError.carddav(.authenticationRefused(401))) {
                    try await service.configure(
                        group.requireID(),
                        .init(serverURL: radicale.bookURL(), username: radicale.user, secret: "wrong"), by: admin)
                }
                #expect(try await service.source(of: group.requireID()) == nil)
            }
        }
    }

    @Test("a copy into a standard group is a contact of its own: it stays when the source deletes the original")
    func copyStays() async throws {
        try await withRadicale { radicale in
            try await withApp(config: Self.config) { app in
                try await radicale.putBook(cards: [
                    Radicale.card("c1", name: "Original"), Radicale.card("c2", name: "Other"),
                ])
                let w = try await world(app, radicale: radicale)
                _ = try await w.service.syncNow(w.groupID, by: w.admin)
                let standard = try await ContactGroupService(db: app.db).create(
                    name: "Team", kind: .standard, by: w.admin)
                let original = try #require(
                    try await ContactModel.query(on: app.db).filter(\.$displayName == "Original").first())

                // when
                try await ContactGroupService(db: app.db).add(
                    [original.requireID()], to: standard.requireID(), by: w.admin)

                // then: a new, editable contact in Team; the original is still read-only and only in the linked group
                let copies = try await ContactGroupMemberModel.query(on: app.db).filter(
                    \.$group.$id == standard.requireID()
                )
                .all(\.$contact.$id)
                #expect(copies.count == 1 && copies[0] != original.id)
                _ = try await ContactService(db: app.db).update(
                    copies[0], with: Contact(displayName: "Original (ours)"), by: w.admin)
                await #expect(throws: SwitchboardError.groupReadOnly) {
                    try await ContactService(db: app.db).delete([original.requireID()], by: w.admin)
                }

                // when: the source deletes it
                try await radicale.deleteCard("c1")
                #expect(try await w.service.syncNow(w.groupID, by: w.admin).deleted == 1)

                // then
                #expect(try await ContactModel.find(original.requireID(), on: app.db) == nil)
                #expect(try await ContactModel.find(copies[0], on: app.db)?.displayName == "Original (ours)")

                // when: the linked group itself is deleted, its mirrored contacts go, the copy stays
                try await ContactGroupService(db: app.db).delete(w.groupID, by: w.admin)
                #expect(try await ContactModel.query(on: app.db).all(\.$displayName) == ["Original (ours)"])
                #expect(try await LinkedSourceModel.query(on: app.db).count() == 0)
                #expect(try await LinkedCardModel.query(on: app.db).count() == 0)
            }
        }
    }
}
