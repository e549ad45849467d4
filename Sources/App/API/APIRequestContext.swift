import Vapor

/// The generated API handlers receive only their typed input; this hands them the Vapor request
/// (signed-in user, database, logger). It must be the last middleware before the transport.
enum APIRequestContext {
    @TaskLocal static var request: Request?

    struct Middleware: AsyncMiddleware {
        func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
            try await APIRequestContext.$request.withValue(request) {
                try await next.respond(to: request)
            }
        }
    }

    static func current() throws -> Request {
        guard let request else { throw SwitchboardError.internalError }
        return request
    }
}

/// `/api/v1` accepts personal API tokens only, never the browser's session cookie (which would
/// open the API to cross-site requests).
struct APITokenAuthenticator: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        request.auth.logout(UserModel.self)
        guard let bearer = request.headers.bearerAuthorization,
            let (user, _) = try await request.tokenService.authenticate(secret: bearer.token, kind: .personal)
        else { throw SwitchboardError.notSignedIn }
        request.auth.login(user)
        return try await next.respond(to: request)
    }
}
