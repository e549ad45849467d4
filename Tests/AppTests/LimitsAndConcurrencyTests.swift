import Fluent
import Foundation
import HTTPTypes
import OpenAPIRuntime
import SwitchboardCore
import Testing
import Vapor
import VaporTesting

@testable import App

/// Sizes that have a limit everywhere, and counters that hold under concurrent requests (#16, items 4 and 6).
@Suite("Body and field limits, counters under concurrency")
struct LimitsAndConcurrencyTests {
    private func send(
        _ app: Application, _ method: HTTPMethod, _ path: String, token: String, json: String? = nil,
        body: ByteBuffer? = nil, contentType: HTTPMediaType = .json
    ) async throws -> (HTTPResponseStatus, [String: Any]) {
        var headers = HTTPHeaders()
        headers.bearerAuthorization = .init(token: token)
        headers.contentType = contentType
        let response = try await app.testing().sendRequest(
            method, path, headers: headers, body: body ?? json.map { ByteBuffer(string: $0) })
        let object = (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))) as? [String: Any]
        return (response.status, object ?? [:])
    }

    private func admin(_ app: Application) async throws -> (Actor, String) {
        let user = try #require(try await UserModel.find(username: "admin", on: app.db))
        return (Actor(user: user, clientAddress: nil), try await app.makeToken(for: user))
    }

    @Test("every API route refuses a body above its limit before reading it, and nothing changes")
    func apiBodyLimit() async throws {
        var config = TestEnvironment.config()
        config.apiMaximumBytes = 64_000
        config.importMaximumBytes = 200_000
        try await withApp(config: config) { app in
            let subscriber = try await app.makeUser("sid")
            let token = try await app.makeToken(for: subscriber)
            let big = "{\"firstName\": \"" + String(repeating: "a", count: 100_000) + "\"}"
            let (status, body) = try await send(app, .POST, "/api/v1/contacts", token: token, json: big)
            #expect(status == .payloadTooLarge)
            #expect(body["code"] as? String == "body_too_large")
            #expect(try await ContactModel.query(on: app.db).count() == 0)

            // The import route takes the import limit: 100 KB of vCard is accepted there.
            let card =
                "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zoé\r\nNOTE:" + String(repeating: "x", count: 9_000)
                + "\r\nEND:VCARD\r\n"
            let (imported, _) = try await send(
                app, .POST, "/api/v1/contacts/import", token: try await admin(app).1,
                body: ByteBuffer(string: String(repeating: card, count: 11)),
                contentType: HTTPMediaType(type: "text", subType: "vcard"))
            #expect(imported == .ok)

            // Every API route that takes a body is behind the same limit.
            for route in app.routes.all where route.path.first == "api" && [.POST, .PUT, .PATCH].contains(route.method)
            {
                let path =
                    "/"
                    + route.path.map { component -> String in
                        if case .constant(let text) = component { return text }
                        return UUID().uuidString
                    }.joined(separator: "/")
                let limit = APIBodyLimitMiddleware.maximumBytes(for: route, config: app.config)
                #expect(limit < 2_000_000)
                let (status, _) = try await send(
                    app, route.method, path, token: token, body: ByteBuffer(repeating: 0x20, count: limit + 1))
                #expect(status == .payloadTooLarge, "\(route.method) \(path)")
            }
        }
    }

    @Test("a text too long is refused on the API with its field and limit, and control characters are never stored")
    func fieldLimits() async throws {
        try await withApp { app in
            let (_, token) = try await admin(app)
            let longName = String(repeating: "é", count: 101)
            let (status, body) = try await send(
                app, .POST, "/api/v1/contacts", token: token, json: #"{"firstName": "\#(longName)"}"#)
            #expect(status == .unprocessableEntity)
            #expect(body["code"] as? String == "too_long")
            #expect(body["field"] as? String == "firstName")
            #expect((body["title"] as? String)?.contains("100") == true)
            let notes = String(repeating: "n", count: 10_001)
            let (tooMuch, _) = try await send(
                app, .POST, "/api/v1/contacts", token: token, json: #"{"lastName": "Martin", "notes": "\#(notes)"}"#)
            #expect(tooMuch == .unprocessableEntity)
            #expect(try await ContactModel.query(on: app.db).count() == 0)

            let (created, stored) = try await send(
                app, .POST, "/api/v1/contacts", token: token,
                json: #"{"firstName": "Zo\u0000é\u001b", "lastName": "Mar\r\ntin", "notes": "a\r\nb\u0007"}"#)
            #expect(created == .created)
            #expect(stored["firstName"] as? String == "Zoé")
            #expect(stored["lastName"] as? String == "Mar tin")
            #expect(stored["notes"] as? String == "a\nb")
        }
    }

    @Test("an import cuts a text too long and says so; the contact is kept")
    func importCuts() async throws {
        try await withApp { app in
            let (_, token) = try await admin(app)
            let card =
                "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:" + String(repeating: "Z", count: 300) + "\r\nN:Martin;Zoé;;;\r\n"
                + "NOTE:" + String(repeating: "x", count: 12_000) + "\r\nEND:VCARD\r\n"
            let (status, body) = try await send(
                app, .POST, "/api/v1/contacts/import", token: token, body: ByteBuffer(string: card),
                contentType: HTTPMediaType(type: "text", subType: "vcard"))
            #expect(status == .ok)
            let imported = try #require((body["contacts"] as? [[String: Any]])?.first)
            let notices = (imported["notices"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
            #expect(notices.filter { $0 == "cut" }.count == 2)
            let contact = try #require(try await ContactModel.query(on: app.db).first())
            #expect(contact.displayName.count == 250)
            #expect(contact.notes?.count == 10_000)
        }
    }

    /// In-memory SQLite shares its cache between connections and answers a conflict with SQLITE_LOCKED, which no busy
    /// handler waits for: concurrency is tried on a file, as served, and on PostgreSQL in its pass.
    static var concurrentStorages: [Storage] {
        TestEnvironment.database == .sqliteMemory ? [.sqliteFile] : Storage.allCases
    }

    @Test(
        "concurrent creations keep a group's count, and a DECT group never holds more than its maximum",
        arguments: concurrentStorages)
    func countersUnderConcurrency(storage: Storage) async throws {
        try await withApp(on: storage) { app in
            let (admin, _) = try await admin(app)
            let groups = ContactGroupService(db: app.db)
            let plain = try await groups.create(name: "Team", kind: .standard, by: admin).requireID()
            let dect = try await groups.create(
                name: "Handsets", kind: .dect, dectLimits: DECTLimits(maximumEntries: 5), by: admin
            ).requireID()
            let outcomes = await withTaskGroup(of: Bool.self) { tasks in
                for index in 0..<40 {
                    tasks.addTask {
                        let target = index.isMultiple(of: 2) ? plain : dect
                        do {
                            _ = try await ContactService(db: app.db).create(
                                Contact(firstName: "P\(index)", lastName: "Test"), in: [target], by: admin)
                            return true
                        } catch { return false }
                    }
                }
                return await tasks.reduce(into: [Bool]()) { $0.append($1) }
            }
            let plainMembers = try await ContactGroupMemberModel.query(on: app.db).filter(\.$group.$id == plain).count()
            let dectMembers = try await ContactGroupMemberModel.query(on: app.db).filter(\.$group.$id == dect).count()
            #expect(plainMembers == 20)
            #expect(dectMembers == 5)
            #expect(outcomes.filter { $0 }.count == 25)
            #expect(try await ContactGroupModel.find(plain, on: app.db)?.memberCount == plainMembers)
            #expect(try await ContactGroupModel.find(dect, on: app.db)?.memberCount == dectMembers)
        }
    }

    @Test("an unexpected error in an API handler is a logged 500, a unique-key race a 409, a bad body a 400")
    func apiErrorClasses() throws {
        struct Unexpected: Error {}
        let request = HTTPTypes.HTTPRequest(method: .get, scheme: nil, authority: nil, path: "/api/v1/me")
        let inHandler = ServerError(
            operationID: "x", request: request, requestBody: nil, requestMetadata: .init(), operationInput: "input",
            causeDescription: "", underlyingError: Unexpected())
        #expect(ErrorPagesMiddleware.classify(inHandler) == .internalError)
        let refused = ServerError(
            operationID: "x", request: request, requestBody: nil, requestMetadata: .init(), operationInput: "input",
            causeDescription: "", underlyingError: SwitchboardError.shortCodeTaken)
        #expect(ErrorPagesMiddleware.classify(refused) == .shortCodeTaken)
        let unreadable = ServerError(
            operationID: "x", request: request, requestBody: nil, requestMetadata: .init(), operationInput: nil,
            causeDescription: "", underlyingError: Unexpected())
        #expect(ErrorPagesMiddleware.classify(unreadable) == .badRequest)
        struct UniqueViolation: DatabaseError, Error {
            var isSyntaxError: Bool { false }
            var isConstraintFailure: Bool { true }
            var isConnectionClosed: Bool { false }
        }
        let race = ServerError(
            operationID: "x", request: request, requestBody: nil, requestMetadata: .init(), operationInput: "input",
            causeDescription: "", underlyingError: UniqueViolation())
        #expect(ErrorPagesMiddleware.classify(race) == .conflict)
        #expect(ErrorPagesMiddleware.classify(UniqueViolation()) == .conflict)
    }

    @Test("every service writes through writeTransaction, which takes SQLite's write lock first")
    func writesTakeTheLock() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/App")
        var direct: [String] = []
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)
        while let file = files?.nextObject() as? URL {
            guard file.pathExtension == "swift", !file.path.contains("/Migrations/"),
                file.lastPathComponent != "Database+WriteTransaction.swift"
            else { continue }
            let text = try String(contentsOf: file, encoding: .utf8)
            if text.contains(".transaction {") || text.contains(".transaction({") {
                direct.append(file.lastPathComponent)
            }
        }
        #expect(direct == [])
    }
}
