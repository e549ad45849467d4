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
/// token opens nothing else (it is no personal token). Which kind a request needs is read from the
/// route the router matched, never from the raw path: the router ignores empty segments that a
/// prefix comparison would not (`/api/v1//pbx/route`).
struct APITokenAuthenticator: AsyncMiddleware {
    static let pbxRoutePrefix: [PathComponent] = ["api", "v1", "pbx"]

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        request.auth.logout(UserModel.self)
        guard let route = request.route else { throw SwitchboardError.notFound }
        if Self.isPBXRoute(route) {
            guard let bearer = request.headers.bearerAuthorization else { throw SwitchboardError.notSignedIn }
            if !PBXTokenService.isRecentlyChecked(secret: bearer.token, in: request.application.pbxTokenCache) {
                guard try await request.pbxTokenService.authenticate(secret: bearer.token) else {
                    throw SwitchboardError.notSignedIn
                }
            }
            request.markPBXCaller()
            return try await next.respond(to: request)
        }
        guard let bearer = request.headers.bearerAuthorization,
            let (user, _) = try await request.tokenService.authenticate(secret: bearer.token, kind: .personal)
        else { throw SwitchboardError.notSignedIn }
        request.auth.login(user)
        return try await next.respond(to: request)
    }

    static func isPBXRoute(_ route: Route) -> Bool {
        route.path.count > pbxRoutePrefix.count && Array(route.path.prefix(pbxRoutePrefix.count)) == pbxRoutePrefix
    }
}

/// Set by `APITokenAuthenticator` once a PBX token was checked for this request.
private struct PBXCallerKey: StorageKey {
    typealias Value = Bool
}

extension Request {
    func markPBXCaller() { storage[PBXCallerKey.self] = true }

    /// The PBX's questions answer only a request that showed a PBX token; the handlers ask again, so a
    /// route registered without the authenticator answers nothing.
    func requirePBXCaller() throws(SwitchboardError) {
        guard storage[PBXCallerKey.self] == true else { throw .notSignedIn }
    }
}
