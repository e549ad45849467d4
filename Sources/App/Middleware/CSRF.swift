import Vapor

/// Synchroniser-token CSRF protection for the web pages: every state-changing form carries the token in `_csrf` (or
/// the `X-CSRF-Token` header for scripts). A signed-in browser's token lives in its session and is made anew with
/// every sign-in. A visitor not signed in (the sign-in form) gets it in a cookie of its own instead — the double-submit
/// pattern — so an anonymous page view stores nothing on the server.
enum CSRF {
    static let sessionKey = "csrf"
    static let formField = "_csrf"
    /// The token of a visitor without a session.
    static let anonymousCookie = "switchboard_csrf"
    /// The largest form accepted, file uploads included (a profile photo is at most a few MB).
    static let maximumFormBytes = 4 * 1024 * 1024

    private struct NewAnonymousToken: StorageKey {
        typealias Value = String
    }

    /// The token for the page being made: the session's when there is one, else the visitor's cookie's.
    static func token(for request: Request) -> String {
        if request.hasSession {
            if let token = request.session.data[sessionKey] { return token }
            if request.currentUser != nil {
                let token = TokenService.randomURLSafe(bytes: 32)
                request.session.data[sessionKey] = token
                return token
            }
        }
        if let token = anonymousToken(of: request) { return token }
        let token = TokenService.randomURLSafe(bytes: 32)
        request.storage[NewAnonymousToken.self] = token
        return token
    }

    private static func anonymousToken(of request: Request) -> String? {
        request.storage[NewAnonymousToken.self]
            ?? request.cookies[anonymousCookie]?.string.nilIfEmpty
    }

    /// The token a form must carry.
    private static func expected(for request: Request) -> String? {
        if request.hasSession, let token = request.session.data[sessionKey] { return token }
        return request.cookies[anonymousCookie]?.string.nilIfEmpty
    }

    struct Middleware: AsyncMiddleware {
        func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
            if ![.GET, .HEAD, .OPTIONS].contains(request.method) {
                // Routes collect their body only after the middleware: read it here to find the
                // token, bounded so an oversized upload is refused (413) before anything else.
                if request.body.data == nil, request.headers.first(name: "X-CSRF-Token") == nil {
                    _ = try await request.body.collect(max: CSRF.maximumFormBytes).get()
                }
                let sent =
                    request.headers.first(name: "X-CSRF-Token")
                    ?? (try? request.content.get(String.self, at: CSRF.formField))
                guard let expected = CSRF.expected(for: request), let sent,
                    Data(sent.utf8).constantTimeEquals(Data(expected.utf8))
                else { throw SwitchboardError.csrfFailed }
            }
            let response = try await next.respond(to: request)
            if let token = request.storage[NewAnonymousToken.self] {
                response.cookies[CSRF.anonymousCookie] = HTTPCookies.Value(
                    string: token, path: "/", isSecure: request.application.config.secureCookies, isHTTPOnly: true,
                    sameSite: .strict)
            }
            return response
        }
    }
}

extension Data {
    func constantTimeEquals(_ other: Data) -> Bool {
        guard count == other.count else { return false }
        return zip(self, other).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
