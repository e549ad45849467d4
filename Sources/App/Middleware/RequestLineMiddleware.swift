import SwitchboardCore
import Vapor

/// Checks the request line before anything else reads it. A method HTTP gives no route here (`TRACE`, `CONNECT`,
/// inventions) is 405; so is a known method on a path that only other methods answer, with `Allow` naming those.
/// A path that is not the one canonical spelling of a route (`//`, `/./`, `/../`, `%2F`, control characters) is 400:
/// the router ignores empty segments and a check comparing the raw path would not, and the two must never name
/// different resources. `RequestTarget` decides what is canonical; this only answers.
struct RequestLineMiddleware: AsyncMiddleware {
    static let methods: Set<String> = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard Self.methods.contains(request.method.rawValue) else {
            throw SwitchboardError.methodNotAllowed(allowed: Self.allowed(for: request))
        }
        guard RequestTarget.verdict(onPath: request.url.path[...]) == .canonical else {
            throw SwitchboardError.pathNotCanonical
        }
        // `PUT /api/v1/contacts/delete` would reach `PUT /api/v1/contacts/{contactId}` with "delete" for an id: a path
        // that names a fixed route is answered by that route's methods only.
        if let methods = request.application.fixedRoutes[Self.key(request.url.path)],
            !methods.contains(request.method.rawValue)
        {
            throw SwitchboardError.methodNotAllowed(allowed: methods.sorted())
        }
        do {
            return try await next.respond(to: request)
        } catch is RouteNotFound {
            let allowed = Self.allowed(for: request)
            if !allowed.isEmpty { throw SwitchboardError.methodNotAllowed(allowed: allowed) }
            throw SwitchboardError.notFound
        }
    }

    /// The methods of every route without parameters, by path; `configure` keeps it once the routes are registered.
    static func fixedRoutes(of routes: Routes) -> [String: Set<String>] {
        var table: [String: Set<String>] = [:]
        for route in routes.all where route.path.allSatisfy({ if case .constant = $0 { true } else { false } }) {
            let methods = route.method == .GET ? ["GET", "HEAD"] : [route.method.rawValue]
            table[key(route.path.map(\.description).joined(separator: "/")), default: []].formUnion(methods)
        }
        return table
    }

    private static func key(_ path: String) -> String {
        path.split(separator: "/").joined(separator: "/")
    }

    /// The methods of the routes whose pattern matches the request's path.
    static func allowed(for request: Request) -> [String] {
        let segments = request.url.path.split(separator: "/")
        let methods = request.application.routes.all.filter { matches($0.path, segments) }.map(\.method.rawValue)
        return Array(Set(methods)).sorted()
    }

    private static func matches(_ pattern: [PathComponent], _ segments: [Substring]) -> Bool {
        for (index, component) in pattern.enumerated() {
            switch component {
            case .catchall: return segments.count >= index
            case .constant(let text): guard index < segments.count, segments[index] == text else { return false }
            case .parameter, .anything: guard index < segments.count else { return false }
            }
        }
        return pattern.count == segments.count
    }
}
