import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Linked groups through the API")
struct LinkedGroupsAPITests {
    private func call(_ app: Application, _ method: HTTPMethod, _ path: String, token: String) async throws
        -> (HTTPResponseStatus, [String: Any], String)
    {
        var headers = HTTPHeaders()
        headers.bearerAuthorization = .init(token: token)
        let response = try await app.testing().sendRequest(method, path, headers: headers)
        let object = (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))) as? [String: Any]
        return (response.status, object ?? [:], response.body.string)
    }

    @Test(
        "admins list linked groups with their status and start a sync that runs in the background; subscribers get 403")
    func listAndSync() async throws {
        let stub = try await StubCardDAV.start()
        var config = TestEnvironment.config()
        config.secretKey = "test-secret-key-0123456789"
        do {
            try await withApp(config: config) { app in
                // given: a configured linked group, an unconfigured one, a standard one
                let adminUser = try #require(try await UserModel.find(username: "admin", on: app.db))
                let admin = Actor(user: adminUser, clientAddress: nil)
                let groups = ContactGroupService(db: app.db)
                let linked = try await groups.create(name: "Stub", kind: .linked, by: admin).requireID()
                let empty = try await groups.create(name: "Empty", kind: .linked, by: admin).requireID()
                let standard = try await groups.create(name: "Team", kind: .standard, by: admin).requireID()
                _ = try await app.linkedSourceService(on: app.db).configure(
                    linked, .init(serverURL: stub.bookURL, username: "u", secret: "stub-password-1"), by: admin)
                let token = try await app.makeToken(for: adminUser)
                let subscriber = try await app.makeToken(for: try await app.makeUser("sid"))

                // when
                var (status, body, raw) = try await call(app, .GET, "/api/v1/linked-groups", token: token)

                // then: both linked groups, by name, no secret
                #expect(status == .ok)
                var items = body["items"] as? [[String: Any]] ?? []
                #expect(items.compactMap { $0["name"] as? String } == ["Empty", "Stub"])
                #expect(items[0]["configured"] as? Bool == false)
                #expect(items[1]["configured"] as? Bool == true)
                #expect(items[1]["addressBookUrl"] as? String == stub.bookURL)
                #expect(items[1]["syncing"] as? Bool == false)
                #expect(items[1]["lastSuccessAt"] == nil)
                #expect(!raw.contains("stub-password-1") && !raw.contains("v1:"))

                // subscribers may do neither
                #expect(
                    try await call(app, .GET, "/api/v1/linked-groups", token: subscriber).1["code"] as? String
                        == "forbidden")
                (status, body, _) = try await call(
                    app, .POST, "/api/v1/linked-groups/\(linked)/sync", token: subscriber)
                #expect(status == .forbidden && body["code"] as? String == "forbidden")
                #expect(await !app.linkedSyncRegistry.isRunning(linked))

                // when: a sync, the server slow to answer
                stub.state.withLockedValue { $0.held = true }
                (status, body, _) = try await call(app, .POST, "/api/v1/linked-groups/\(linked)/sync", token: token)

                // then: accepted at once, running; a second one is refused
                #expect(status == .accepted)
                #expect(body["syncing"] as? Bool == true)
                (status, body, _) = try await call(app, .POST, "/api/v1/linked-groups/\(linked)/sync", token: token)
                #expect(status == .conflict && body["code"] as? String == "sync_running")

                // when: the server answers
                stub.state.withLockedValue { $0.held = false }
                await app.linkedSyncRegistry.drain()

                // then
                (_, body, _) = try await call(app, .GET, "/api/v1/linked-groups", token: token)
                items = body["items"] as? [[String: Any]] ?? []
                #expect(items[1]["syncing"] as? Bool == false)
                #expect(items[1]["lastCreated"] as? Int == 2)
                #expect(items[1]["memberCount"] as? Int == 2)
                #expect(items[1]["lastSuccessAt"] is String)
                #expect(items[1]["lastError"] == nil)

                // a group that cannot be synchronised
                (status, body, _) = try await call(app, .POST, "/api/v1/linked-groups/\(empty)/sync", token: token)
                #expect(status == .conflict && body["code"] as? String == "linked_not_configured")
                (status, body, _) = try await call(app, .POST, "/api/v1/linked-groups/\(standard)/sync", token: token)
                #expect(status == .notFound && body["code"] as? String == "not_found")

                // when: the server is gone
                await stub.stop()
                (status, _, _) = try await call(app, .POST, "/api/v1/linked-groups/\(linked)/sync", token: token)
                await app.linkedSyncRegistry.drain()

                // then: the reason, translated, and the counts of the last success kept
                #expect(status == .accepted)
                (_, body, _) = try await call(app, .GET, "/api/v1/linked-groups", token: token)
                items = body["items"] as? [[String: Any]] ?? []
                let error = items[1]["lastError"] as? [String: Any] ?? [:]
                #expect(error["code"] as? String == "unreachable")
                #expect((error["message"] as? String)?.hasPrefix("The CardDAV server could not be reached") == true)
                #expect(items[1]["lastCreated"] as? Int == 2)
                #expect(items[1]["memberCount"] as? Int == 2)
            }
        } catch {
            stub.state.withLockedValue { $0.held = false }
            await stub.stop()
            throw error
        }
        await stub.stop()
    }
}
