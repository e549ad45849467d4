import Vapor

/// Synchroniser-token CSRF protection for the web pages: every state-changing form carries the
/// session's token in `_csrf` (or the `X-CSRF-Token` header for scripts).
enum CSRF {
    static let sessionKey = "csrf"
    static let formField = "_csrf"

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
