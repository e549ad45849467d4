import Foundation
import SwitchboardCore
import Testing
import Vapor
import VaporTesting

@testable import App

/// A minimal browser over the in-memory tester: keeps cookies and the CSRF token of the last page.
final class Browser: @unchecked Sendable {
    let app: Application
    var cookies: [String: String] = [:]
    var csrf: String?
    var acceptLanguage: String?
    /// Sent with every request (a reverse proxy's headers).
    var extraHeaders = HTTPHeaders()
    /// Through a real HTTP server on 127.0.0.1 (bodies stream as from a browser) instead of in memory.
    let live: Bool

    init(_ app: Application, live: Bool = false) {
        self.app = app
        self.live = live
    }

    private func tester() throws -> any TestingApplicationTester {
        try app.testing(method: live ? .running(hostname: "127.0.0.1", port: 0) : .inMemory)
    }

    @discardableResult
    func get(_ path: String) async throws -> TestingHTTPResponse {
        let response = try await tester().sendRequest(.GET, path, headers: headers())
        remember(response)
        return response
    }

    @discardableResult
    func post(_ path: String, _ form: [String: String], withCSRF: Bool = true) async throws -> TestingHTTPResponse {
        var fields = form
        if withCSRF, let csrf { fields["_csrf"] = csrf }
        var headers = headers()
        headers.contentType = .urlEncodedForm
        let body = fields.map { "\(Self.encode($0.key))=\(Self.encode($0.value))" }.joined(separator: "&")
        let response = try await tester().sendRequest(
            .POST, path, headers: headers, body: ByteBuffer(string: body))
        remember(response)
        return response
    }

    /// Posts a form whose fields may repeat (`ids[]`, `phoneNumber[]`…), in order.
    @discardableResult
    func post(_ path: String, pairs: [(String, String)]) async throws -> TestingHTTPResponse {
        var headers = headers()
        headers.contentType = .urlEncodedForm
        let fields = (csrf.map { [("_csrf", $0)] } ?? []) + pairs
        let body = fields.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        let response = try await tester().sendRequest(.POST, path, headers: headers, body: ByteBuffer(string: body))
        remember(response)
        return response
    }

    /// Sends a multipart form with one file (and other `fields`), as a browser's file upload does.
    @discardableResult
    func upload(
        _ path: String, field: String, filename: String, contentType: String, data: Data,
        fields: [(String, String)] = []
    ) async throws -> TestingHTTPResponse {
        let boundary = "----switchboard-test-\(UUID().uuidString)"
        var body = Data()
        func append(_ text: String) { body.append(Data(text.utf8)) }
        append("--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(csrf ?? "")\r\n")
        for (name, value) in fields {
            append("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
        }
        append("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(field)\"; filename=\"\(filename)\"\r\n")
        append("Content-Type: \(contentType)\r\n\r\n")
        body.append(data)
        append("\r\n--\(boundary)--\r\n")
        var headers = headers()
        headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
        let response = try await tester().sendRequest(.POST, path, headers: headers, body: ByteBuffer(data: body))
        remember(response)
        return response
    }

    /// Opens the sign-in page (for a CSRF token), then signs in.
    @discardableResult
    func signIn(_ username: String, _ password: String) async throws -> TestingHTTPResponse {
        try await get(Paths.signIn.path)
        let response = try await post(Paths.signIn.path, ["username": username, "password": password])
        // Signing in makes a new CSRF token: read it as the page after sign-in would give it.
        if response.status == .seeOther || (live && response.status == .ok) { try await get(Paths.settings.path) }
        return response
    }

    private func headers() -> HTTPHeaders {
        var headers = HTTPHeaders()
        if !cookies.isEmpty {
            headers.add(name: .cookie, value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
        }
        if let acceptLanguage { headers.add(name: .acceptLanguage, value: acceptLanguage) }
        headers.add(contentsOf: extraHeaders)
        return headers
    }

    private func remember(_ response: TestingHTTPResponse) {
        for header in response.headers[.setCookie] {
            let pair = header.split(separator: ";").first.map(String.init) ?? ""
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            if header.lowercased().contains("expires=thu, 01 jan 1970") || parts[1].isEmpty {
                cookies[parts[0]] = nil
            } else {
                cookies[parts[0]] = parts[1]
            }
        }
        let html = response.body.string
        if let range = html.range(of: #"name="_csrf" value="([^"]+)""#, options: .regularExpression) {
            let match = String(html[range])
            csrf = match.components(separatedBy: "value=\"").last?.dropLast().description
        }
    }

    static func encode(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? value
    }
}

extension Application {
    /// Creates an account directly through the service, as the console would.
    @discardableResult
    func makeUser(
        _ username: String, role: Role = .subscriber, phoneExtension: String? = nil,
        password: String = "password-123"
    ) async throws -> UserModel {
        try await UserService(db: db, hasher: self.passwordHashing).create(
            .init(
                username: username, displayName: username.capitalized, role: role, phoneExtension: phoneExtension,
                password: password),
            by: nil)
    }

    /// A fixture file from `Tests/AppTests/Fixtures`.
    static func fixture(_ name: String) throws -> Data {
        try Data(
            contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("Fixtures/\(name)"))
    }

    /// A personal API token for `user`.
    func makeToken(for user: UserModel) async throws -> String {
        try await TokenService(db: db).create(name: "test", for: Actor(user: user, clientAddress: nil)).secret
    }
}
