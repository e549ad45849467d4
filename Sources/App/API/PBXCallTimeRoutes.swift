import HTTPTypes
import OpenAPIRuntime
import OpenAPIVapor
import SwitchboardCore
import Vapor

/// The PBX's call-time questions (`GET /api/v1/pbx/route` and `/lookup`) answered by plain Vapor
/// routes rather than through the generated server: they are asked at every incoming call, and
/// the generic layer (query decoding into typed input, the response streamed from a task) cost
/// as much CPU as the answer itself. Same contract as `openapi.yaml` — the generated
/// `APIHandler.pbxRoute`/`pbxLookup` stay and the tests hold both to it.
struct PBXCallTimeRoutes: RouteCollection {
    static let routePath = "/api/v1/pbx/route"
    static let lookupPath = "/api/v1/pbx/lookup"

    func boot(routes: any RoutesBuilder) throws {
        routes.get(Self.routePath.pathComponents, use: route)
        routes.get(Self.lookupPath.pathComponents, use: lookup)
    }

    func route(req: Request) async throws -> Response {
        try req.requirePBXCaller()
        let query = QueryString.parse(req.url.query)
        guard let callee = query["callee"] else { throw SwitchboardError.badRequest }
        let answer = try await req.pbxService.route(callee: callee, caller: query["caller"], origin: query["origin"])
        return try Self.json(answer)
    }

    func lookup(req: Request) async throws -> Response {
        try req.requirePBXCaller()
        guard let number = QueryString.parse(req.url.query)["number"] else { throw SwitchboardError.badRequest }
        guard let found = try await req.pbxService.lookup(number) else { throw SwitchboardError.notFound }
        return try Self.json(found)
    }

    private static func json(_ value: some Encodable) throws -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: .ok, headers: headers, body: .init(data: try JSONEncoder().encode(value)))
    }

    /// Registers the generated handlers, leaving out the paths these routes answer.
    struct Transport: ServerTransport {
        let base: VaporTransport

        func register(
            _ handler:
                @Sendable @escaping (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (
                    HTTPResponse, HTTPBody?
                ),
            method: HTTPRequest.Method,
            path: String
        ) throws {
            guard path != PBXCallTimeRoutes.routePath, path != PBXCallTimeRoutes.lookupPath else { return }
            try base.register(handler, method: method, path: path)
        }
    }
}
