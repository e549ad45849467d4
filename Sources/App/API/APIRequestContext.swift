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
/// open the API to cross-site requests). `/api/v1/pbx/*` accepts PBX tokens only, and a PBX
/// token opens nothing else (it is no personal token).
struct APITokenAuthenticator: AsyncMiddleware {
    static let pbxPathPrefix = "/api/v1/pbx/"

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        request.auth.logout(UserModel.self)
        if request.url.path.hasPrefix(Self.pbxPathPrefix) {
            guard let bearer = request.headers.bearerAuthorization,
                try await request.pbxTokenService.authenticate(secret: bearer.token)
            else { throw SwitchboardError.notSignedIn }
            return try await next.respond(to: request)
        }
        guard let bearer = request.headers.bearerAuthorization,
            let (user, _) = try await request.tokenService.authenticate(secret: bearer.token, kind: .personal)
        else { throw SwitchboardError.notSignedIn }
        request.auth.login(user)
        return try await next.respond(to: request)
    }
}
