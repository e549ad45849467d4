import Vapor

/// Synchroniser-token CSRF protection for the web pages: every state-changing form carries the
/// session's token in `_csrf` (or the `X-CSRF-Token` header for scripts).
enum CSRF {
    static let sessionKey = "csrf"
    static let formField = "_csrf"
    /// The largest form accepted, file uploads included (a profile photo is at most a few MB).
    static let maximumFormBytes = 4 * 1024 * 1024

    /// The session's token, made on first use.
    static func token(for request: Request) -> String {
        if let token = request.session.data[sessionKey] { return token }
        let token = TokenService.randomURLSafe(bytes: 32)
        request.session.data[sessionKey] = token
        return token
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
                guard let expected = request.hasSession ? request.session.data[CSRF.sessionKey] : nil,
                    let sent, Data(sent.utf8).constantTimeEquals(Data(expected.utf8))
                else { throw SwitchboardError.csrfFailed }
            }
            return try await next.respond(to: request)
        }
    }
}

extension Data {
    func constantTimeEquals(_ other: Data) -> Bool {
        guard count == other.count else { return false }
        return zip(self, other).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
