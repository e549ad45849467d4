import Fluent
import Foundation
import Testing
import Vapor

@testable import App

/// "Sync now" on the web starts the synchronisation in the background: the answer comes at once, the
/// pages say it is running, a second one for the same group is refused, and the result shows after.
@Suite("Linked groups: Sync now in the background")
struct LinkedGroupSyncNowTests {
    @Test("the answer comes at once; the groups page shows it running, then its result; never two at once")
    func background() async throws {
        let stub = try await StubCardDAV.start()
        var config = TestEnvironment.config()
        config.secretKey = "test-secret-key-0123456789"
        do {
            try await withApp(config: config) { app in
                // given
                let admin = Actor(
                    user: try #require(try await UserModel.find(username: "admin", on: app.db)), clientAddress: nil)
                let group = try await ContactGroupService(db: app.db).create(name: "Stub", kind: .linked, by: admin)
                let id = try group.requireID()
                _ = try await app.linkedSourceService(on: app.db).configure(
                    id, .init(serverURL: stub.bookURL, username: "u", secret: "p"), by: admin)
                let browser = Browser(app)
                try await browser.signIn("admin", TestEnvironment.adminPassword)
                try await browser.get(Paths.contactGroups.path)

                // when: the server is slow to answer
                stub.state.withLockedValue { $0.held = true }
                let answer = try await browser.post(Paths.contactGroupSync.url(id), ["from": "list"])

                // then: redirected back at once, the synchronisation still running
                #expect(answer.status == .seeOther)
                #expect(answer.headers.first(name: .location) == Paths.contactGroups.path)
                #expect(await app.linkedSyncRegistry.isRunning(id))
                var page = try await browser.get(Paths.contactGroups.path).body.string
                #expect(page.contains("Synchronisation of “Stub” started."))
                #expect(page.contains("data-testid=\"sync-running\""))
                #expect(page.contains("Synchronising…"))
                #expect(!page.contains("data-testid=\"sync-now\""))
                #expect(try await ContactModel.query(on: app.db).count() == 0)

                // when: a second Sync now for the same group (from its own page)
                _ = try await browser.post(Paths.contactGroupSync.url(id), [:])
                page = try await browser.get(Paths.contactGroup.url(id)).body.string

                // then: refused, and still one running
                #expect(page.contains("This group is being synchronised already"))
                #expect(page.contains("Synchronising…"))

                // when: the server answers
                stub.state.withLockedValue { $0.held = false }
                await app.linkedSyncRegistry.drain()

                // then
                page = try await browser.get(Paths.contactGroups.path).body.string
                #expect(!page.contains("Synchronising…"))
                #expect(page.contains("2 created, 0 updated, 0 deleted, 0 failed"))
                #expect(page.contains("data-testid=\"sync-now\""))
                #expect(try await ContactModel.query(on: app.db).count() == 2)
                let audit = try await AuditEventModel.query(on: app.db).filter(\.$action == "contact_group.sync").all()
                #expect(audit.map(\.detail) == ["created=2 updated=0 deleted=0 failed=0"])
            }
        } catch {
            stub.state.withLockedValue { $0.held = false }
            await stub.stop()
            throw error
        }
        await stub.stop()
    }

    @Test("a group without an address book yet cannot be synchronised: the page says why")
    func notConfigured() async throws {
        try await withApp { app in
            let admin = Actor(
                user: try #require(try await UserModel.find(username: "admin", on: app.db)), clientAddress: nil)
            let group = try await ContactGroupService(db: app.db).create(name: "Empty", kind: .linked, by: admin)
            let browser = Browser(app)
            try await browser.signIn("admin", TestEnvironment.adminPassword)
            try await browser.get(Paths.contactGroups.path)

            let id = try group.requireID()
            let answer = try await browser.post(Paths.contactGroupSync.url(id), ["from": "list"])

            #expect(answer.status == .seeOther)
            #expect(await !app.linkedSyncRegistry.isRunning(id))
            let page = try await browser.get(Paths.contactGroups.path).body.string
            #expect(!page.contains("Synchronising…"))
            #expect(!page.contains("started."))
            #expect(page.contains("Configure the address book of this linked group first."))
        }
    }
}
