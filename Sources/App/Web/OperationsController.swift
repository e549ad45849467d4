import Fluent
import SQLKit
import Vapor

/// Health, metrics and the API description: what operators and tooling read.
struct OperationsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(Paths.healthz.pathComponents, use: health)
        routes.get(Paths.livez.pathComponents, use: live)
        routes.get(Paths.metrics.pathComponents, use: metrics)
        routes.get(Paths.openAPIDocument.pathComponents, use: openAPIDocument)
    }

    struct Health: Content {
        let status: String
        let database: String
    }

    func health(req: Request) async throws -> Response {
        let healthy: Bool
        do {
            _ = try await (req.db as! any SQLDatabase).raw("SELECT 1").all()
            healthy = true
        } catch {
            req.logger.error("Health check: database unreachable: \(error)")
            healthy = false
        }
        let response = try await Health(status: healthy ? "ok" : "fail", database: healthy ? "ok" : "unreachable")
            .encodeResponse(for: req)
        response.status = healthy ? .ok : .serviceUnavailable
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    /// The process answers: a liveness probe that never touches the database (so a slow
    /// database does not get the server restarted), and the cheapest route there is — the
    /// framework's own ceiling in `bench/pbx.sh`.
    func live(req: Request) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .json
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: .ok, headers: headers, body: .init(staticString: #"{"status":"ok"}"#))
    }

    func metrics(req: Request) async throws -> Response {
        var buffer: [UInt8] = []
        req.application.metrics.emit(into: &buffer)
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "plain", parameters: ["version": "0.0.4"])
        return Response(status: .ok, headers: headers, body: .init(data: Data(buffer)))
    }

    func openAPIDocument(req: Request) async throws -> Response {
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "application", subType: "yaml")
        return Response(status: .ok, headers: headers, body: .init(data: try APIDocument.data()))
    }
}
