import Fluent
import Foundation
import SwitchboardCore
import Testing
import Vapor
import VaporTesting

@testable import App

/// The defences every route goes through (#16): canonical paths, authentication from the matched route, redirect
/// targets, response headers, API body limits. Each test walks every registered route where it can, so a route added
/// tomorrow is held to the same rule.
@Suite("Edge defences")
struct EdgeDefenceTests {
    private func send(
        _ app: Application, _ method: HTTPMethod, _ path: String, token: String? = nil, body: ByteBuffer? = nil,
        headers extra: HTTPHeaders = [:]
    ) async throws -> TestingHTTPResponse {
        var headers = extra
        if let token { headers.bearerAuthorization = .init(token: token) }
        return try await app.testing().sendRequest(method, path, headers: headers, body: body)
    }

    /// A concrete path for a route pattern, parameters filled with a fresh id.
    private func concrete(_ route: Route) -> String {
        "/"
            + route.path.map { component -> String in
                switch component {
                case .constant(let text): text
                case .parameter: UUID().uuidString
                case .anything, .catchall: "x"
                }
            }.joined(separator: "/")
    }

    @Test("a subscriber's token never reaches PBX answers, however the path is written")
    func pbxThroughOddPaths() async throws {
        try await withApp { app in
            let subscriber = try await app.makeUser("sid", phoneExtension: "209")
            let token = try await app.makeToken(for: subscriber)
            for path in [
                "/api/v1//pbx/lookup?number=209", "/api//v1/pbx/route?callee=209", "//api/v1/pbx/route?callee=209",
                "/api/v1/./pbx/lookup?number=209", "/api/v1/x/../pbx/lookup?number=209",
                "/api/v1%2Fpbx/lookup?number=209", "/api/v1/pbx%2Flookup?number=209", "/api/v1/pbx/lookup/?number=209",
                "/api/v1/pbx/lookup?number=209",
            ] {
                let response = try await send(app, .GET, path, token: token)
                #expect([.badRequest, .unauthorized, .notFound].contains(response.status), "\(path)")
                #expect(!response.body.string.contains("Sid"), "\(path)")
                #expect(!response.body.string.contains("209\""), "\(path)")
            }
            let doubled = try await send(app, .GET, "/api/v1//pbx/lookup?number=209", token: token)
            #expect(doubled.status == .badRequest)
            #expect(doubled.body.string.contains("path_not_canonical"))
        }
    }

    @Test("every route refuses a doubled slash, a dot segment and an encoded slash in its path")
    func everyRouteIsCanonical() async throws {
        try await withApp { app in
            for route in app.routes.all where route.path.count >= 2 {
                let path = concrete(route)
                let first = path.dropFirst().prefix { $0 != "/" }
                let rest = path.dropFirst(first.count + 1)
                for odd in ["/\(first)/\(rest)", "/\(first)/.\(rest)", "/\(first)%2F\(rest.dropFirst())"] {
                    let response = try await send(app, route.method, odd)
                    #expect(response.status == .badRequest, "\(route.method) \(odd)")
                }
            }
        }
    }

    @Test("the token a request needs comes from the matched route")
    func pbxRoutesAreRecognised() async throws {
        try await withApp { app in
            let pbx = app.routes.all.filter(APITokenAuthenticator.isPBXRoute).map { $0.path.string }
            #expect(Set(pbx) == ["api/v1/pbx/route", "api/v1/pbx/lookup"])
            // Every one of them refuses a personal token on its canonical path.
            let admin = try #require(try await UserModel.find(username: "admin", on: app.db))
            let token = try await app.makeToken(for: admin)
            for route in app.routes.all where APITokenAuthenticator.isPBXRoute(route) {
                let response = try await send(app, route.method, concrete(route) + "?callee=1&number=1", token: token)
                #expect(response.status == .unauthorized, "\(route.path.string)")
            }
        }
    }

    @Test("no request input ever becomes a header: next and returnTo go to our own pages only")
    func redirectTargets() async throws {
        try await withApp { app in
            let hostile = [
                "/x%0d%0aSet-Cookie:%20evil=1", "/%09/evil.example", "/%5C/evil.example", "//evil.example",
                "https://evil.example/", "/%0aLocation:%20https://evil.example",
            ]
            for next in hostile {
                let response = try await send(app, .GET, "/language?lang=fr&next=\(next)")
                #expect(response.status == .seeOther, "\(next)")
                #expect(response.headers.first(name: .location) == "/", "\(next)")
                #expect(!response.headers.description.contains("evil"), "\(next)")
            }
            let fine = try await send(app, .GET, "/language?lang=fr&next=%2Fcontacts%3Ftab%3DE")
            #expect(fine.headers.first(name: .location) == "/contacts?tab=E")

            // Every GET route, given hostile `next` and `returnTo`, answers without a header of the attacker's.
            let crlf = "next=/x%0d%0aSet-Cookie:%20evil=1&returnTo=/x%0d%0aX-Evil:%201&lang=fr"
            for route in app.routes.all where route.method == .GET {
                let response = try await send(app, .GET, concrete(route) + "?" + crlf)
                // A `next` may travel on, percent-encoded, in a sign-in link; never as a header of its own.
                #expect(response.headers.first(name: "X-Evil") == nil, "\(route.path.string)")
                #expect(!response.headers[.setCookie].joined().contains("evil"), "\(route.path.string)")
                for header in response.headers {
                    #expect(!header.value.contains { $0.isNewline }, "\(route.path.string): \(header.name)")
                }
            }
        }
    }

    @Test("a response header holding a line break is never sent")
    func headerGuard() async throws {
        try await withApp { app in
            app.get("test-header") { req -> Response in
                let response = Response(status: .ok)
                response.headers.replaceOrAdd(name: "X-Test", value: "a\r\nSet-Cookie: evil=1")
                return response
            }
            let response = try await send(app, .GET, "/test-header")
            #expect(response.status == .internalServerError)
            #expect(response.headers.first(name: "X-Test") == nil)
            #expect(!response.headers.description.contains("evil"))
        }
    }

    /// Lines that set a header or redirect from something other than a literal or a `Paths` constant. Each was read
    /// and holds no request input unchecked (numbers, fixed names, file names made of `[A-Za-z0-9 ._-]`, targets
    /// passed through `Paths.safeRedirect`). A new one fails here until someone has read it and added it.
    static let reviewedHeaderLines: Set<String> = [
        // The response's own Set-Cookie lines (made by the application), with "; Secure" added over HTTPS.
        #"Middleware/ClientOriginMiddleware.swift: response.headers.add(name: .setCookie, value: Self.isSecure(cookie) ? cookie : cookie + "; Secure")"#,
        "Middleware/ErrorPagesMiddleware.swift: response.headers.replaceOrAdd(name: .retryAfter, value: String(seconds))",
        #"Middleware/ErrorPagesMiddleware.swift: response.headers.replaceOrAdd(name: .allow, value: allowed.joined(separator: ", "))"#,
        "Middleware/SecurityHeadersMiddleware.swift: response.headers.replaceOrAdd(name: name, value: value)",
        "Web/DirectoryController.swift: headers.replaceOrAdd(name: .retryAfter, value: String(seconds))",
        #"Web/DirectoryController.swift: headers.replaceOrAdd(name: .wwwAuthenticate, value: "Basic realm=\"\(realm)\", charset=\"UTF-8\"")"#,
        "Web/SignInController.swift: response.cookies[Request.languageCookie] = HTTPCookies.Value(",
        "Web/ContactController.swift: headers.replaceOrAdd(name: .contentType, value: photo.mediaType)",
        "Web/CSVExportController.swift: response.headers.contentDisposition = .init(.attachment, filename: fileName)",
        "Web/ContactInterchangeController.swift: response.headers.contentDisposition = .init(.inline, filename: String(file))",
        "Web/Downloads.swift: headers.contentDisposition = .init(.attachment, filename: fileName)",
        #"CardDAV/CardDAVClient.swift: headers.add(name: "Authorization", value: authorization)"#,
        #"CardDAV/CardDAVClient.swift: if let depth { headers.add(name: "Depth", value: depth) }"#,
        #"CardDAV/CardDAVClient.swift: if body != nil { headers.add(name: "Content-Type", value: contentType) }"#,
        "Middleware/UploadLimitMiddleware.swift: return request.redirect(to: page)",
        "Web/ContactsListController.swift: return req.redirect(to: back)",
        "Web/LinkedSourcePage.swift: return req.redirect(to: back)",
        "Web/SignInController.swift: return req.redirect(to: next)",
        "Middleware/CSRF.swift: ?? request.cookies[anonymousCookie]?.string.nilIfEmpty",
        "Middleware/CSRF.swift: response.cookies[CSRF.anonymousCookie] = HTTPCookies.Value(",
        "Middleware/CSRF.swift: return request.cookies[anonymousCookie]?.string.nilIfEmpty",
        "Web/SignInController.swift: let response = req.redirect(to: next)",
        "Web/SignInController.swift: response.cookies[Self.rememberCookie] = HTTPCookies.Value(",
        "Web/SignInController.swift: try await !twoFactor.isRemembered(req.cookies[Self.rememberCookie]?.string, for: user.requireID())",
    ]

    @Test("every header value and redirect built from a variable is one that was reviewed")
    func headerSourcesAreReviewed() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/App")
        let pattern = try NSRegularExpression(
            pattern: #"headers\.(replaceOrAdd|add)\(|\.cookies\[|contentDisposition =|redirect\(to:"#)
        let literal = try NSRegularExpression(
            pattern: #"value: "[^"\\]*"\)( \})?$|redirect\(to: Paths\."#)
        var found: Set<String> = []
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)
        while let file = files?.nextObject() as? URL {
            guard file.pathExtension == "swift" else { continue }
            let relative = String(file.path.dropFirst(sources.path.count + 1))
            for line in try String(contentsOf: file, encoding: .utf8).split(separator: "\n") {
                let code = line.trimmingCharacters(in: .whitespaces)
                let range = NSRange(code.startIndex..., in: code)
                guard pattern.firstMatch(in: code, range: range) != nil,
                    literal.firstMatch(in: code, range: range) == nil
                else { continue }
                found.insert("\(relative): \(code)")
            }
        }
        #expect(found.subtracting(Self.reviewedHeaderLines).sorted() == [])
        #expect(found.count > 10, "the scan found the lines it is meant to find")
    }

    @Test("unknown methods are 405 with Allow; a null in a PATCH, limits above the schema and an empty cursor behave")
    func schemaEdges() async throws {
        try await withApp { app in
            let admin = try #require(try await UserModel.find(username: "admin", on: app.db))
            let token = try await app.makeToken(for: admin)
            for method in [HTTPMethod.TRACE, .CONNECT, .RAW(value: "PROPFIND")] {
                let response = try await send(app, method, "/api/v1/me", token: token)
                #expect(response.status == .methodNotAllowed, "\(method)")
            }
            let wrongMethod = try await send(app, .DELETE, "/api/v1/me", token: token)
            #expect(wrongMethod.status == .methodNotAllowed)
            #expect(wrongMethod.headers.first(name: .allow) == "GET, HEAD")
            // A fixed path answered by a parameter route of another method: 405, not that route's 404.
            let shadowed = try await send(app, .PUT, "/api/v1/contacts/delete", token: token)
            #expect(shadowed.status == .methodNotAllowed)
            #expect(shadowed.headers.first(name: .allow) == "POST")
            #expect(try await send(app, .GET, "/api/v1/nothing-here", token: token).status == .notFound)

            var json = HTTPHeaders()
            json.contentType = .json
            let created = try await send(
                app, .POST, "/api/v1/contact-groups", token: token,
                body: ByteBuffer(string: #"{"name": "Team", "kind": "standard"}"#), headers: json)
            #expect(created.status == .created)
            let id = try #require(
                (try JSONSerialization.jsonObject(with: Data(created.body.readableBytesView)) as? [String: Any])?["id"]
                    as? String)
            let nulled = try await send(
                app, .PATCH, "/api/v1/contact-groups/\(id)", token: token, body: ByteBuffer(string: #"{"name": null}"#),
                headers: json)
            #expect(nulled.status == .badRequest)
            let tooMany = try await send(
                app, .POST, "/api/v1/contact-groups", token: token,
                body: ByteBuffer(
                    string:
                        #"{"name": "Big", "kind": "standard", "dectLimits": {"maximumEntries": 10001, "maximumNameLength": 20}}"#
                ), headers: json)
            #expect(tooMany.status == .unprocessableEntity)
            #expect(try await ContactGroupModel.query(on: app.db).filter(\.$name == "Big").count() == 0)
            #expect(try await send(app, .GET, "/api/v1/contacts?cursor=", token: token).status == .ok)
        }
    }
}
