import Fluent
import Foundation
import SQLKit
import SwitchboardCore
import Testing
import Vapor
import VaporTesting

@testable import App

/// A configuration like a French site whose PBX needs 0 for an outside line.
private func pbxConfig(outsideLinePrefix: String = "0") -> AppConfig {
    var config = TestEnvironment.config()
    config.pbx.sipDomain = "pbx.example.com"
    config.pbx.dialPlan.outsideLinePrefix = outsideLinePrefix
    config.pbx.voicemailURIPattern = "sip:vm{extension}@{domain}"
    config.ringSeconds = 5
    return config
}

private func get(_ app: Application, _ path: String, token: String?) async throws -> (HTTPStatus, [String: Any]) {
    var headers = HTTPHeaders()
    if let token { headers.bearerAuthorization = .init(token: token) }
    let response = try await app.testing().sendRequest(.GET, path, headers: headers)
    let object = (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))) as? [String: Any]
    return (response.status, object ?? [:])
}

extension Application {
    func makePBXToken() async throws -> String {
        try await PBXTokenService(db: db, cache: pbxTokenCache).create(name: "kamailio", by: nil).secret
    }

    func setForwarding(_ user: UserModel, _ settings: ForwardingSettings) async throws {
        try await ForwardingService(db: db).update(settings, of: user, by: Actor(user: user, clientAddress: nil))
    }

    @discardableResult
    func makeContact(_ name: String, _ numbers: [String]) async throws -> ContactModel {
        let admin = try #require(try await UserModel.find(username: "admin", on: db))
        return try await ContactService(db: db).create(
            Contact(displayName: name, phones: numbers.map { PhoneEntry(type: .business, number: $0) }), in: [],
            by: Actor(user: admin, clientAddress: nil))
    }
}

@Suite("PBX routing decision")
struct PBXRouteTests {
    @Test("no active rule: ring the extension")
    func ring() async throws {
        try await withApp(config: pbxConfig()) { app in
            try await app.makeUser("ada", phoneExtension: "201")
            let token = try await app.makePBXToken()
            let (status, body) = try await get(app, "/api/v1/pbx/route?callee=201&caller=00612345678", token: token)
            #expect(status == .ok)
            #expect(body["action"] as? String == "ring")
            #expect(body["origin"] as? String == "external")
            #expect(body["calleeUri"] as? String == "sip:201@pbx.example.com")
            #expect(body["destination"] == nil)
            #expect(body["diversion"] == nil)
        }
    }

    @Test("unconditional forward to an outside number: at once, dialled with the outside-line prefix")
    func unconditional() async throws {
        try await withApp(config: pbxConfig()) { app in
            let ada = try await app.makeUser("ada", phoneExtension: "201")
            try await app.setForwarding(
                ada,
                ForwardingSettings(
                    unconditional: .init(enabled: true, destination: .external("06 12 34 56 78")),
                    externalCalls: .init(enabled: true, destination: .voicemail, rings: 2)))
            let token = try await app.makePBXToken()
            for origin in ["internal", "external"] {
                let (status, body) = try await get(
                    app, "/api/v1/pbx/route?callee=201&caller=202&origin=\(origin)", token: token)
                #expect(status == .ok)
                #expect(body["action"] as? String == "forward")
                #expect(body["origin"] as? String == origin)
                let destination = try #require(body["destination"] as? [String: Any])
                #expect(destination["kind"] as? String == "external")
                #expect(destination["number"] as? String == "00612345678")
                #expect(destination["uri"] as? String == "sip:00612345678@pbx.example.com")
                #expect(body["diversion"] as? String == "<sip:201@pbx.example.com>;reason=unconditional;counter=1")
                #expect(body["ringSeconds"] == nil)
            }
        }
    }

    @Test("origin inferred from the caller: a known extension is internal, anything else external")
    func conditional() async throws {
        try await withApp(config: pbxConfig()) { app in
            let ada = try await app.makeUser("ada", phoneExtension: "201")
            try await app.makeUser("bea", phoneExtension: "202")
            try await app.setForwarding(
                ada,
                ForwardingSettings(
                    internalCalls: .init(enabled: true, destination: .phoneExtension("202"), rings: 1),
                    externalCalls: .init(enabled: true, destination: .voicemail, rings: 2)))
            let token = try await app.makePBXToken()

            let (_, colleague) = try await get(app, "/api/v1/pbx/route?callee=201&caller=202", token: token)
            #expect(colleague["action"] as? String == "ring_then_forward")
            #expect(colleague["origin"] as? String == "internal")
            #expect(colleague["rings"] as? Int == 1)
            #expect(colleague["ringSeconds"] as? Int == 5)
            let toExtension = try #require(colleague["destination"] as? [String: Any])
            #expect(toExtension["kind"] as? String == "extension")
            #expect(toExtension["uri"] as? String == "sip:202@pbx.example.com")
            #expect(colleague["diversion"] as? String == "<sip:201@pbx.example.com>;reason=no-answer;counter=1")

            // An unknown short number and an outside number are both external callers.
            for caller in ["299", "0 01 40 00 00 00", "%2B33140000000", ""] {
                let (status, outside) = try await get(
                    app, "/api/v1/pbx/route?callee=201&caller=\(caller)", token: token)
                #expect(status == .ok)
                #expect(outside["origin"] as? String == "external", "caller \(caller)")
                #expect(outside["ringSeconds"] as? Int == 10)
                let voicemail = try #require(outside["destination"] as? [String: Any])
                #expect(voicemail["kind"] as? String == "voicemail")
                #expect(voicemail["uri"] as? String == "sip:vm201@pbx.example.com")
            }

            // The PBX may say the origin itself.
            let (_, told) = try await get(app, "/api/v1/pbx/route?callee=201&caller=202&origin=external", token: token)
            #expect(told["origin"] as? String == "external")
            #expect((told["destination"] as? [String: Any])?["kind"] as? String == "voicemail")
        }
    }

    @Test("unknown extension 404, bad origin or no callee 400")
    func refusals() async throws {
        try await withApp(config: pbxConfig()) { app in
            try await app.makeUser("ada", phoneExtension: "201")
            let token = try await app.makePBXToken()
            let (unknown, problem) = try await get(app, "/api/v1/pbx/route?callee=209&caller=202", token: token)
            #expect(unknown == .notFound)
            #expect(problem["code"] as? String == "not_found")
            let (badOrigin, _) = try await get(app, "/api/v1/pbx/route?callee=201&origin=sideways", token: token)
            #expect(badOrigin == .badRequest)
            let (noCallee, _) = try await get(app, "/api/v1/pbx/route?caller=202", token: token)
            #expect(noCallee == .badRequest)
        }
    }
}

@Suite("PBX call-time routes keep the OpenAPI contract")
struct PBXContractTests {
    /// `/api/v1/pbx/route` and `/lookup` are plain Vapor routes (`PBXCallTimeRoutes`); their bodies
    /// must decode as the schemas of `openapi.yaml` and equal what the generated handlers answer.
    @Test("route and lookup bodies decode as the generated types and match the generated handlers")
    func contract() async throws {
        try await withApp(config: pbxConfig()) { app in
            let ada = try await app.makeUser("ada", phoneExtension: "201")
            try await app.makeUser("bea", phoneExtension: "202")
            try await app.setForwarding(
                ada,
                ForwardingSettings(internalCalls: .init(enabled: true, destination: .phoneExtension("202"), rings: 2)))
            try await app.makeContact("Zoé Martin", ["+33 6 12 34 56 78"])
            let token = try await app.makePBXToken()
            var headers = HTTPHeaders()
            headers.bearerAuthorization = .init(token: token)

            let routed = try await app.testing().sendRequest(
                .GET, "/api/v1/pbx/route?callee=201&caller=202", headers: headers)
            #expect(routed.headers.contentType == .json)
            let route = try JSONDecoder().decode(
                Components.Schemas.PBXRoute.self, from: Data(routed.body.readableBytesView))
            let looked = try await app.testing().sendRequest(
                .GET, "/api/v1/pbx/lookup?number=%2B33612345678", headers: headers)
            let lookup = try JSONDecoder().decode(
                Components.Schemas.PBXLookup.self, from: Data(looked.body.readableBytesView))

            let request = Request(application: app, on: app.eventLoopGroup.next())
            try await APIRequestContext.$request.withValue(request) {
                // The handlers answer only a request whose PBX token was checked.
                await #expect(throws: SwitchboardError.notSignedIn) {
                    try await APIHandler().pbxLookup(.init(query: .init(number: "+33612345678")))
                }
                request.markPBXCaller()
                let generatedRoute = try await APIHandler().pbxRoute(
                    .init(query: .init(callee: "201", caller: "202"))
                ).ok.body.json
                #expect(generatedRoute == route)
                #expect(route.action == .ringThenForward)
                #expect(route.destination?.uri == "sip:202@pbx.example.com")
                let generatedLookup = try await APIHandler().pbxLookup(
                    .init(query: .init(number: "+33612345678"))
                ).ok.body.json
                #expect(generatedLookup == lookup)
                #expect(lookup.name == "Zoé Martin")
            }
        }
    }
}

@Suite("PBX answers follow users and rules at once")
struct PBXRoutingFreshnessTests {
    /// The decision is answered from memory (`CallRoutingCache`); every change made through the
    /// portal must be seen by the very next call, with no waiting for the cache to expire.
    @Test("new, renumbered and deleted users and changed rules are seen by the next call")
    func followsChanges() async throws {
        try await withApp(config: pbxConfig()) { app in
            let admin = try #require(try await UserModel.find(username: "admin", on: app.db))
            let actor = Actor(user: admin, clientAddress: nil)
            let ada = try await app.makeUser("ada", phoneExtension: "201")
            let token = try await app.makePBXToken()
            func route(_ query: String) async throws -> (HTTPStatus, [String: Any]) {
                try await get(app, "/api/v1/pbx/route?\(query)", token: token)
            }
            #expect(try await route("callee=201&caller=0612345678").1["action"] as? String == "ring")
            #expect(try await route("callee=202&caller=201").0 == .notFound)
            // A colleague who did not exist at the last call is an extension, and internal.
            let bea = try await app.makeUser("bea", phoneExtension: "202")
            #expect(try await route("callee=202&caller=201").1["origin"] as? String == "internal")
            let (_, name) = try await get(app, "/api/v1/pbx/lookup?number=202", token: token)
            #expect(name["name"] as? String == "Bea")

            try await app.setForwarding(
                ada, ForwardingSettings(unconditional: .init(enabled: true, destination: .phoneExtension("202"))))
            let forwarded = try await route("callee=201&caller=0612345678").1
            #expect(forwarded["action"] as? String == "forward")
            #expect((forwarded["destination"] as? [String: Any])?["number"] as? String == "202")

            let users = UserService(db: app.db, hasher: app.passwordHashing)
            _ = try await users.update(
                try bea.requireID(), .init(displayName: "Béatrice", phoneExtension: .some("212")), by: actor)
            #expect(try await route("callee=202&caller=201").0 == .notFound)
            #expect(try await route("callee=212&caller=201").1["origin"] as? String == "internal")
            let (_, renamed) = try await get(app, "/api/v1/pbx/lookup?number=212", token: token)
            #expect(renamed["name"] as? String == "Béatrice")

            try await users.delete(try ada.requireID(), by: actor)
            #expect(try await route("callee=201&caller=212").0 == .notFound)
            #expect(try await route("callee=212&caller=201").1["origin"] as? String == "external")
        }
    }
}

/// The lookup tests run on the configured database and again on an SQLite file, where the lookup
/// reads number keys straight from the file (`NumberKeyReader`) rather than through Fluent.
private func withLookupApp(
    _ storage: Storage, outsideLinePrefix: String, _ body: (Application) async throws -> Void
) async throws {
    try await withApp(on: storage, config: pbxConfig(outsideLinePrefix: outsideLinePrefix)) { app in
        try await body(app)
        if storage == .sqliteFile {
            // Every contact lookup was read from the file directly, none fell back to Fluent.
            let reader = try #require(app.numberKeys)
            #expect(reader.statistics.read > 0)
            #expect(reader.statistics.failed == 0)
        }
    }
}

@Suite("PBX caller-ID lookup")
struct PBXLookupTests {
    @Test("a contact's number in every format people and trunks use", arguments: Storage.allCases)
    func formats(_ storage: Storage) async throws {
        try await withLookupApp(storage, outsideLinePrefix: "") { app in
            try await app.makeContact("Marie Curie", ["+33 1 23 45 67 89", "06 11 22 33 44"])
            let token = try await app.makePBXToken()
            let presented = [
                "%2B33123456789", "0033123456789", "0123456789", "01%2023%2045%2067%2089", "01-23-45-67-89",
                "01.23.45.67.89", "%2B33%20(0)1%2023%2045%2067%2089", "0033611223344", "0611223344",
            ]
            for number in presented {
                let (status, body) = try await get(app, "/api/v1/pbx/lookup?number=\(number)", token: token)
                #expect(status == .ok, "\(number)")
                #expect(body["name"] as? String == "Marie Curie", "\(number)")
                #expect(body["match"] as? String == "exact", "\(number)")
                #expect(body["source"] as? String == "contact")
            }
            let (unknown, _) = try await get(app, "/api/v1/pbx/lookup?number=0199999999", token: token)
            #expect(unknown == .notFound)
            let (invalid, problem) = try await get(app, "/api/v1/pbx/lookup?number=hello", token: token)
            #expect(invalid == .unprocessableEntity)
            #expect(problem["code"] as? String == "number_invalid")
        }
    }

    @Test(
        "a number with an extension is found by its main number; a direct-dial one by all its digits",
        arguments: Storage.allCases)
    func extensions(_ storage: Storage) async throws {
        try await withLookupApp(storage, outsideLinePrefix: "") { app in
            try await app.makeContact("Laval reception", ["+1 418-656-9254 ext. 102"])
            try await app.makeContact("Hamburg sales", ["+49 40 6432131-550"])
            let token = try await app.makePBXToken()
            for (number, name) in [("%2B14186569254", "Laval reception"), ("0049406432131550", "Hamburg sales")] {
                let (status, body) = try await get(app, "/api/v1/pbx/lookup?number=\(number)", token: token)
                #expect(status == .ok, "\(number)")
                #expect(body["name"] as? String == name)
                #expect(body["match"] as? String == "exact")
            }
        }
    }

    @Test(
        "the outside-line prefix the PBX puts before outside callers is taken off", arguments: Storage.allCases)
    func outsideLinePrefix(_ storage: Storage) async throws {
        try await withLookupApp(storage, outsideLinePrefix: "0") { app in
            try await app.makeContact("Marie Curie", ["+33 1 23 45 67 89"])
            let token = try await app.makePBXToken()
            for number in ["00123456789", "0%2001%2023%2045%2067%2089"] {
                let (status, body) = try await get(app, "/api/v1/pbx/lookup?number=\(number)", token: token)
                #expect(status == .ok, "\(number)")
                #expect(body["name"] as? String == "Marie Curie")
                #expect(body["match"] as? String == "exact")
            }
        }
    }

    @Test(
        "extensions name their user; same last 8 digits only when one name has them", arguments: Storage.allCases
    )
    func usersAndTrailingDigits(_ storage: Storage) async throws {
        try await withLookupApp(storage, outsideLinePrefix: "") { app in
            try await app.makeUser("ada", phoneExtension: "201")
            try await app.makeContact("Max Mustermann", ["+49 89 1234 5678"])
            let token = try await app.makePBXToken()
            let (_, user) = try await get(app, "/api/v1/pbx/lookup?number=201", token: token)
            #expect(user["name"] as? String == "Ada")
            #expect(user["source"] as? String == "user")

            // A trunk that mangled the prefixes: only the last 8 digits still agree.
            let (status, mangled) = try await get(app, "/api/v1/pbx/lookup?number=9912345678", token: token)
            #expect(status == .ok)
            #expect(mangled["name"] as? String == "Max Mustermann")
            #expect(mangled["match"] as? String == "trailing_digits")

            // Two names with those digits: no guess.
            try await app.makeContact("Someone Else", ["+41 22 1234 5678"])
            let (ambiguous, _) = try await get(app, "/api/v1/pbx/lookup?number=9912345678", token: token)
            #expect(ambiguous == .notFound)
            // The exact number still wins over the other one.
            let (_, exact) = try await get(app, "/api/v1/pbx/lookup?number=004989%2012345678", token: token)
            #expect(exact["name"] as? String == "Max Mustermann")
            #expect(exact["match"] as? String == "exact")
        }
    }

    @Test(
        "contacts written in a batch, as imports and synchronisation write them, are found too",
        arguments: Storage.allCases)
    func batchWrittenContacts(_ storage: Storage) async throws {
        try await withLookupApp(storage, outsideLinePrefix: "") { app in
            let token = try await app.makePBXToken()
            let batch = ["Ada Lovelace": "+44 20 7946 0018", "Alan Turing": "+44 20 7946 0019"].map { name, number in
                ContactModel(Contact(displayName: name, phones: [PhoneEntry(type: .business, number: number)]))
            }
            try await batch.create(on: app.db)
            let (status, body) = try await get(app, "/api/v1/pbx/lookup?number=%2B442079460019", token: token)
            #expect(status == .ok)
            #expect(body["name"] as? String == "Alan Turing")
            try await ContactModel.query(on: app.db).filter(\.$displayName == "Alan Turing").delete()
            #expect(try await get(app, "/api/v1/pbx/lookup?number=%2B442079460019", token: token).0 == .notFound)
        }
    }

    @Test("the lookup follows contacts as they change and go", arguments: Storage.allCases)
    func keysFollowContacts(_ storage: Storage) async throws {
        try await withLookupApp(storage, outsideLinePrefix: "") { app in
            let contact = try await app.makeContact("Marie Curie", ["01 23 45 67 89"])
            let token = try await app.makePBXToken()
            let admin = try #require(try await UserModel.find(username: "admin", on: app.db))
            let actor = Actor(user: admin, clientAddress: nil)
            _ = try await ContactService(db: app.db).update(
                try contact.requireID(),
                with: Contact(
                    displayName: "Marie Curie", phones: [PhoneEntry(type: .business, number: "04 72 00 00 00")]),
                by: actor)
            #expect(try await get(app, "/api/v1/pbx/lookup?number=0123456789", token: token).0 == .notFound)
            #expect(try await get(app, "/api/v1/pbx/lookup?number=0472000000", token: token).0 == .ok)
            _ = try await ContactService(db: app.db).delete([try contact.requireID()], by: actor)
            #expect(try await get(app, "/api/v1/pbx/lookup?number=0472000000", token: token).0 == .notFound)
            let keys = try await (app.db as! any SQLDatabase).raw("SELECT count(*) AS n FROM contact_number_keys")
                .first()?.decode(column: "n", as: Int.self)
            #expect(keys == 0)
        }
    }
}

@Suite("PBX tokens")
struct PBXTokenTests {
    @Test("PBX tokens open the PBX endpoints only; personal tokens never open them")
    func kinds() async throws {
        try await withApp(config: pbxConfig()) { app in
            let ada = try await app.makeUser("ada", phoneExtension: "201")
            let personal = try await app.makeToken(for: ada)
            let pbx = try await app.makePBXToken()
            for path in ["/api/v1/pbx/route?callee=201", "/api/v1/pbx/lookup?number=201"] {
                #expect(try await get(app, path, token: pbx).0 == .ok)
                #expect(try await get(app, path, token: personal).0 == .unauthorized)
                #expect(try await get(app, path, token: nil).0 == .unauthorized)
                #expect(try await get(app, path, token: "sbpbx_forged").0 == .unauthorized)
            }
            for path in ["/api/v1/me", "/api/v1/contacts", "/api/v1/users", "/api/v1/me/forwarding"] {
                #expect(try await get(app, path, token: pbx).0 == .unauthorized, "\(path)")
                #expect(try await get(app, path, token: personal).0 != .unauthorized, "\(path)")
            }
        }
    }

    @Test("admins create PBX tokens on their page (secret shown once) and revoke them at once")
    func adminPage() async throws {
        try await withApp(config: pbxConfig()) { app in
            try await app.makeUser("ada", phoneExtension: "201")
            let subscriber = Browser(app)
            try await subscriber.signIn("ada", "password-123")
            #expect(try await subscriber.get(Paths.pbxTokens.path).status == .forbidden)
            #expect(try await subscriber.post(Paths.pbxTokens.path, ["name": "sneaky"]).status == .forbidden)

            let admin = Browser(app)
            try await admin.signIn("admin", TestEnvironment.adminPassword)
            #expect(try await admin.get(Paths.pbxTokens.path).body.string.contains("No PBX token yet."))
            let blank = try await admin.post(Paths.pbxTokens.path, ["name": "  "])
            #expect(blank.status == .unprocessableEntity)
            let created = try await admin.post(Paths.pbxTokens.path, ["name": "kamailio-1"])
            #expect(created.status == .ok)
            let page = created.body.string
            let secret = try #require(
                page.firstMatch(of: /data-testid="pbx-token-secret">(sbpbx_[A-Za-z0-9_-]+)</).map { String($0.1) })
            #expect(try await get(app, "/api/v1/pbx/lookup?number=201", token: secret).0 == .ok)
            #expect(try await PBXTokenModel.query(on: app.db).first()?.lastUsedAt != nil)
            let listed = try await admin.get(Paths.pbxTokens.path).body.string
            #expect(listed.contains("kamailio-1"))
            #expect(!listed.contains(secret))

            let token = try #require(try await PBXTokenModel.query(on: app.db).first())
            #expect(try await admin.post(Paths.pbxTokenRevoke.url(try token.requireID()), [:]).status == .seeOther)
            #expect(try await get(app, "/api/v1/pbx/lookup?number=201", token: secret).0 == .unauthorized)
            let actions = try await AuditEventModel.query(on: app.db).all().map(\.action)
            #expect(actions.contains("pbx_token.create"))
            #expect(actions.contains("pbx_token.revoke"))
        }
    }
}

/// A stand-in for Kamailio's jsonrpcs on 127.0.0.1: answers every POST /RPC with `answer`.
private func withFakeKamailio(
    answer: String, status: HTTPStatus = .ok, _ body: (String, @escaping @Sendable () -> String?) async throws -> Void
) async throws {
    let fake = try await Application.make(.testing)
    fake.logger.logLevel = .warning
    let received = ReceivedBody()
    fake.post("RPC") { req -> Response in
        received.set(req.body.string)
        return Response(status: status, headers: ["Content-Type": "application/json"], body: .init(string: answer))
    }
    try await fake.startOnFreePort()
    do {
        try await body("http://127.0.0.1:\(fake.listeningPort)/RPC", { received.get() })
    } catch {
        await fake.server.shutdown()
        try await fake.asyncShutdown()
        throw error
    }
    await fake.server.shutdown()
    try await fake.asyncShutdown()
}

private final class ReceivedBody: @unchecked Sendable {
    private let lock = NSLock()
    private var value: String?
    func set(_ text: String?) { lock.withLock { value = text } }
    func get() -> String? { lock.withLock { value } }
}

@Suite("Kamailio connector")
struct KamailioConnectorTests {
    private func connector(_ app: Application, url: String) -> KamailioConnector {
        var settings = app.config.pbx
        settings.kamailioURL = url
        settings.sipDomain = "pbx.example.com"
        settings.timeoutMilliseconds = 2000
        return KamailioConnector(settings: settings, client: app.http.client.shared, logger: app.logger)
    }

    @Test("dlg.bridge_dlg from the user's extension to the dialled number, as JSON-RPC 2.0")
    func bridges() async throws {
        try await withApp(config: pbxConfig()) { app in
            try await withFakeKamailio(answer: #"{"jsonrpc":"2.0","result":"Ok","id":1}"#) { url, received in
                app.pbx = connector(app, url: url)
                try await app.makeUser("uma", phoneExtension: "601")
                let browser = Browser(app)
                try await browser.signIn("uma", "password-123")
                #expect(try await browser.post(Paths.dialpad.path, ["number": "01 23 45 67 89"]).status == .seeOther)
                #expect(
                    try await browser.get(Paths.dialpad.path).body.string.contains(
                        "Calling 0123456789: your phone (601) rings first."))
                let sent = try #require(received())
                let request = try JSONDecoder().decode(KamailioConnector.RPCRequest.self, from: Data(sent.utf8))
                #expect(request.jsonrpc == "2.0")
                #expect(request.method == "dlg.bridge_dlg")
                #expect(request.params == ["sip:601@pbx.example.com", "sip:00123456789@pbx.example.com"])
                let audit = try #require(
                    try await AuditEventModel.query(on: app.db).filter(\.$action == "call.originate").first())
                #expect(audit.detail == "from=601 dialed=00123456789")
            }
        }
    }

    @Test("a JSON-RPC error reaches the user in words, and the refusal is audited")
    func refused() async throws {
        try await withApp(config: pbxConfig()) { app in
            let answer = #"{"jsonrpc":"2.0","error":{"code":500,"message":"Bridge failed"},"id":1}"#
            try await withFakeKamailio(answer: answer) { url, _ in
                app.pbx = connector(app, url: url)
                try await app.makeUser("uma", phoneExtension: "601")
                let browser = Browser(app)
                try await browser.signIn("uma", "password-123")
                let page = try await browser.post(Paths.dialpad.path, ["number": "0123456789"])
                #expect(page.status == .badGateway)
                #expect(page.body.string.contains("The telephone system refused the call: Bridge failed (500)"))
                let audit = try #require(
                    try await AuditEventModel.query(on: app.db).filter(\.$action == "call.originate").first())
                #expect(audit.detail?.hasSuffix("failed=pbx_failed") == true)
            }
            try await withFakeKamailio(answer: "Internal error", status: .internalServerError) { url, _ in
                await #expect(throws: PBXError.refused("HTTP 500 Internal Server Error")) {
                    try await connector(app, url: url).originate(
                        OriginateRequest(fromExtension: "601", number: "0123456789", username: "uma"))
                }
            }
        }
    }

    @Test("an unreachable Kamailio is said so, through the page and the API")
    func unreachable() async throws {
        try await withApp(config: pbxConfig()) { app in
            // A port that was free a moment ago: nothing listens there.
            let closed = try await {
                let probe = try await Application.make(.testing)
                try await probe.startOnFreePort()
                let port = probe.listeningPort
                await probe.server.shutdown()
                try await probe.asyncShutdown()
                return port
            }()
            app.pbx = connector(app, url: "http://127.0.0.1:\(closed)/RPC")
            let uma = try await app.makeUser("uma", phoneExtension: "601")
            let browser = Browser(app)
            try await browser.signIn("uma", "password-123")
            let page = try await browser.post(Paths.dialpad.path, ["number": "0123456789"])
            #expect(page.status == .badGateway)
            #expect(page.body.string.contains("The telephone system cannot be reached right now"))

            var headers = HTTPHeaders()
            headers.bearerAuthorization = .init(token: try await app.makeToken(for: uma))
            headers.contentType = .json
            let response = try await app.testing().sendRequest(
                .POST, "/api/v1/me/calls", headers: headers, body: ByteBuffer(string: #"{"number":"0123456789"}"#))
            #expect(response.status == .badGateway)
            #expect(response.body.string.contains("pbx_unreachable"))
        }
    }

    @Test("SWITCHBOARD_PBX picks the connector; unknown values stop the start")
    func factory() async throws {
        try await withApp(config: pbxConfig()) { app in
            var settings = app.config
            settings.pbx.connector = "log"
            let log = try makePBXConnector(settings, app: app)
            #expect(log is LogConnector)
            settings.pbx.connector = "kamailio"
            let kamailio = try makePBXConnector(settings, app: app)
            #expect(kamailio is KamailioConnector)
            settings.pbx.connector = "freeswitch"
            #expect(throws: PBXConfigurationError.self) { try makePBXConnector(settings, app: app) }
        }
        let config = try AppConfig.fromEnvironment([
            "SWITCHBOARD_PBX": "Kamailio", "SWITCHBOARD_KAMAILIO_URL": "http://10.0.0.5:5060/RPC",
            "SWITCHBOARD_SIP_DOMAIN": "pbx.example.com", "SWITCHBOARD_OUTSIDE_LINE_PREFIX": "0",
            "SWITCHBOARD_TRUNK_PREFIX": "", "SWITCHBOARD_COUNTRY_CODE": "1", "SWITCHBOARD_INTERNATIONAL_PREFIX": "011",
        ])
        #expect(config.pbx.connector == "kamailio")
        #expect(
            config.pbx.dialPlan
                == DialPlan(countryCode: "1", trunkPrefix: "", internationalPrefix: "011", outsideLinePrefix: "0"))
        #expect(throws: AppConfig.Invalid.self) {
            try AppConfig.fromEnvironment(["SWITCHBOARD_KAMAILIO_URL": "ftp://x", "SWITCHBOARD_COUNTRY_CODE": "+33"])
        }
    }
}
