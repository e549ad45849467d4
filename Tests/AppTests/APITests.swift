import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("JSON API")
struct APITests {
    private func bearer(_ token: String) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.bearerAuthorization = .init(token: token)
        headers.contentType = .json
        return headers
    }

    private func problem(_ response: TestingHTTPResponse) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
    }

    @Test("without a token the API answers 401 with a JSON problem")
    func unauthenticated() async throws {
        try await withApp { app in
            let response = try await app.testing().sendRequest(.GET, "/api/v1/me")
            #expect(response.status == .unauthorized)
            #expect(response.headers.contentType?.subType == "problem+json")
            #expect(try problem(response)["code"] as? String == "unauthenticated")
        }
    }

    @Test("GET /api/v1/me returns the token's owner")
    func me() async throws {
        try await withApp { app in
            let user = try await app.makeUser("erin", phoneExtension: "42")
            let token = try await app.makeToken(for: user)
            let response = try await app.testing().sendRequest(.GET, "/api/v1/me", headers: bearer(token))
            #expect(response.status == .ok)
            let body = try problem(response)
            #expect(body["username"] as? String == "erin")
            #expect(body["extension"] as? String == "42")
            #expect(body["role"] as? String == "subscriber")
        }
    }

    @Test("a subscriber cannot use the admin API; the message follows Accept-Language")
    func subscriberForbidden() async throws {
        try await withApp { app in
            let token = try await app.makeToken(for: try await app.makeUser("fred"))
            var headers = bearer(token)
            headers.add(name: .acceptLanguage, value: "fr")
            let response = try await app.testing().sendRequest(.GET, "/api/v1/users", headers: headers)
            #expect(response.status == .forbidden)
            let body = try problem(response)
            #expect(body["code"] as? String == "forbidden")
            #expect(body["title"] as? String == "Vous n’avez pas l’autorisation d’effectuer cette action.")
            let create = try await app.testing().sendRequest(
                .POST, "/api/v1/users", headers: headers,
                body: ByteBuffer(
                    string: #"{"username":"x1","displayName":"X","role":"admin","password":"password-123"}"#))
            #expect(create.status == .forbidden)
            #expect(try await UserModel.find(username: "x1", on: app.db) == nil)
        }
    }

    @Test("an admin manages users through the API with the same rules as the web")
    func adminManagesUsers() async throws {
        try await withApp { app in
            let admin = try #require(try await UserModel.find(username: "admin", on: app.db))
            let headers = bearer(try await app.makeToken(for: admin))
            let created = try await app.testing().sendRequest(
                .POST, "/api/v1/users", headers: headers,
                body: ByteBuffer(
                    string:
                        #"{"username":"gina","displayName":"Gina","role":"sub-admin","extension":"250","password":"password-123"}"#
                ))
            #expect(created.status == .created)
            let id = try #require(try problem(created)["id"] as? String)

            let duplicate = try await app.testing().sendRequest(
                .POST, "/api/v1/users", headers: headers,
                body: ByteBuffer(
                    string: #"{"username":"gina","displayName":"G","role":"subscriber","password":"password-123"}"#))
            #expect(duplicate.status == .conflict)
            #expect(try problem(duplicate)["code"] as? String == "username_taken")

            let patched = try await app.testing().sendRequest(
                .PATCH, "/api/v1/users/\(id)", headers: headers,
                body: ByteBuffer(string: #"{"role":"subscriber","extension":""}"#))
            #expect(patched.status == .ok)
            #expect(try problem(patched)["role"] as? String == "subscriber")
            #expect(try problem(patched)["extension"] == nil)

            let demoteSelf = try await app.testing().sendRequest(
                .PATCH, "/api/v1/users/\(try admin.requireID())", headers: headers,
                body: ByteBuffer(string: #"{"role":"subscriber"}"#))
            #expect(demoteSelf.status == .unprocessableEntity)
            #expect(try problem(demoteSelf)["code"] as? String == "last_admin")

            let malformed = try await app.testing().sendRequest(
                .POST, "/api/v1/users", headers: headers, body: ByteBuffer(string: "{not json"))
            #expect(malformed.status == .badRequest)
            #expect(try problem(malformed)["code"] as? String == "bad_request")

            let deleted = try await app.testing().sendRequest(.DELETE, "/api/v1/users/\(id)", headers: headers)
            #expect(deleted.status == .noContent)
            let list = try await app.testing().sendRequest(.GET, "/api/v1/users", headers: headers)
            let items = try #require(try problem(list)["items"] as? [[String: Any]])
            #expect(items.map { $0["username"] as? String } == ["admin"])
        }
    }

    @Test("tokens: created once with a secret, listed without it, revoked for good")
    func tokens() async throws {
        try await withApp { app in
            let user = try await app.makeUser("hana")
            let first = try await app.makeToken(for: user)
            let created = try await app.testing().sendRequest(
                .POST, "/api/v1/me/tokens", headers: bearer(first), body: ByteBuffer(string: #"{"name":"script"}"#))
            #expect(created.status == .created)
            let secret = try #require(try problem(created)["secret"] as? String)
            let tokenID = try #require((try problem(created)["token"] as? [String: Any])?["id"] as? String)
            let stored = try await APITokenModel.query(on: app.db).all()
            #expect(stored.allSatisfy { $0.tokenHash != secret && !$0.tokenHash.contains(secret) })

            let list = try await app.testing().sendRequest(.GET, "/api/v1/me/tokens", headers: bearer(secret))
            #expect(list.status == .ok)
            #expect(!list.body.string.contains(secret))

            let revoked = try await app.testing().sendRequest(
                .DELETE, "/api/v1/me/tokens/\(tokenID)", headers: bearer(first))
            #expect(revoked.status == .noContent)
            let after = try await app.testing().sendRequest(.GET, "/api/v1/me", headers: bearer(secret))
            #expect(after.status == .unauthorized)
        }
    }

    @Test("a session cookie alone does not open the API")
    func cookieIsNotEnough() async throws {
        try await withApp { app in
            let browser = Browser(app)
            try await browser.signIn("admin", TestEnvironment.adminPassword)
            var headers = HTTPHeaders()
            headers.add(name: .cookie, value: browser.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
            let response = try await app.testing().sendRequest(.GET, "/api/v1/users", headers: headers)
            #expect(response.status == .unauthorized)
        }
    }
}
