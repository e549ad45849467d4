import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Settings through the API")
struct SettingsAPITests {
    private func call(
        _ app: Application, _ method: HTTPMethod, _ path: String, token: String, json: String? = nil,
        contentType: HTTPMediaType = .json, data: Data? = nil
    ) async throws -> (TestingHTTPResponse, [String: Any]) {
        var headers = HTTPHeaders()
        headers.bearerAuthorization = .init(token: token)
        headers.contentType = contentType
        let body = data.map { ByteBuffer(data: $0) } ?? json.map { ByteBuffer(string: $0) }
        let response = try await app.testing().sendRequest(method, path, headers: headers, body: body)
        let object = (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))) as? [String: Any]
        return (response, object ?? [:])
    }

    @Test("profile: read, replace, validation problems with a field")
    func profile() async throws {
        try await withApp { app in
            let token = try await app.makeToken(for: try await app.makeUser("vera", phoneExtension: "701"))
            let (saved, body) = try await call(
                app, .PUT, "/api/v1/me/profile", token: token,
                json: #"{"displayName":"Vera","email":"vera@example.org","externalNumber":"0033 4 72 00 00 00"}"#)
            #expect(saved.status == .ok)
            #expect(body["externalNumber"] as? String == "+33472000000")
            #expect(body["hasPhoto"] as? Bool == false)
            let (refused, problem) = try await call(
                app, .PUT, "/api/v1/me/profile", token: token, json: #"{"displayName":"Vera","email":"no"}"#)
            #expect(refused.status == .unprocessableEntity)
            #expect(problem["code"] as? String == "email_invalid")
            #expect(problem["field"] as? String == "email")
            let (_, current) = try await call(app, .GET, "/api/v1/me/profile", token: token)
            #expect(current["email"] as? String == "vera@example.org")
        }
    }

    @Test("photo: PNG accepted, anything else refused by content")
    func photo() async throws {
        try await withApp { app in
            let token = try await app.makeToken(for: try await app.makeUser("wim"))
            let png = try Application.fixture("avatar-128.png")
            let (stored, _) = try await call(app, .PUT, "/api/v1/me/photo", token: token, contentType: .png, data: png)
            #expect(stored.status == .noContent)
            let (fetched, _) = try await call(app, .GET, "/api/v1/me/photo", token: token)
            #expect(Data(fetched.body.readableBytesView) == png)
            let (refused, problem) = try await call(
                app, .PUT, "/api/v1/me/photo", token: token, contentType: .png,
                data: try Application.fixture("photo-jpeg-named.png"))
            #expect(refused.status == .unprocessableEntity)
            #expect(problem["code"] as? String == "photo_not_png")
        }
    }

    @Test("forwarding: replace, summary, loop refused with its code")
    func forwarding() async throws {
        try await withApp { app in
            let xena = try await app.makeUser("xena", phoneExtension: "801")
            let yann = try await app.makeUser("yann", phoneExtension: "802")
            let xenaToken = try await app.makeToken(for: xena)
            let yannToken = try await app.makeToken(for: yann)
            let (saved, body) = try await call(
                app, .PUT, "/api/v1/me/forwarding", token: xenaToken,
                json: #"""
                    {"unconditional":{"enabled":false},
                     "internal":{"enabled":true,"destination":{"kind":"extension","value":"802"},"rings":3},
                     "external":{"enabled":true,"destination":{"kind":"voicemail"},"rings":4}}
                    """#)
            #expect(saved.status == .ok)
            let summary = try #require(body["summary"] as? [String])
            #expect(summary.contains("Calls from colleagues ring 3 times (15 s), then go to extension 802."))
            let (loop, problem) = try await call(
                app, .PUT, "/api/v1/me/forwarding", token: yannToken,
                json: #"""
                    {"unconditional":{"enabled":true,"destination":{"kind":"extension","value":"801"}},
                     "internal":{"enabled":false},"external":{"enabled":false}}
                    """#)
            #expect(loop.status == .unprocessableEntity)
            #expect(problem["code"] as? String == "forwarding_loop")
            #expect((problem["title"] as? String)?.contains("802 → 801 → 802") == true)
            let (forbidden, _) = try await call(
                app, .GET, "/api/v1/users/\(try xena.requireID())/forwarding", token: yannToken)
            #expect(forbidden.status == .forbidden)
        }
    }

    @Test("password, preferences and a call through the API")
    func passwordPreferencesCall() async throws {
        try await withApp { app in
            let token = try await app.makeToken(for: try await app.makeUser("zack", phoneExtension: "901"))
            let (wrong, problem) = try await call(
                app, .PUT, "/api/v1/me/password", token: token,
                json: #"{"currentPassword":"nope-nope-nope","password":"brand-new-pass"}"#)
            #expect(wrong.status == .unprocessableEntity)
            #expect(problem["code"] as? String == "current_password_wrong")
            let (changed, _) = try await call(
                app, .PUT, "/api/v1/me/password", token: token,
                json: #"{"currentPassword":"password-123","password":"brand-new-pass"}"#)
            #expect(changed.status == .noContent)

            let (prefs, body) = try await call(
                app, .PUT, "/api/v1/me/preferences", token: token, json: #"{"language":"fr","theme":"dark"}"#)
            #expect(prefs.status == .ok)
            #expect(body["language"] as? String == "fr")

            let (placed, result) = try await call(
                app, .POST, "/api/v1/me/calls", token: token, json: #"{"number":"0800 123 456"}"#)
            #expect(placed.status == .accepted)
            #expect(result["number"] as? String == "0800123456")
            #expect(result["placesRealCalls"] as? Bool == false)
        }
    }
}
