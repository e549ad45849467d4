import Vapor

struct AuditController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(Paths.audit.pathComponents, use: index)
    }

    struct Row: Encodable {
        let occurredAt: DisplayTime
        let actor: String?
        let actionKey: String
        let target: String?
        let detail: String?
        let clientAddress: String?
    }

    struct Page: Encodable {
        let events: [Row]
        let previousURL: String?
        let nextURL: String?
    }

    func index(req: Request) async throws -> Response {
        let actor = try req.actor()
        let pageNumber = req.query[Int.self, at: "page"] ?? 1
        let result = try await req.auditService.list(page: pageNumber, by: actor)
        let rows = result.events.map { event in
            Row(
                occurredAt: DisplayTime.minute(event.occurredAt, on: req),
                actor: event.actorName, actionKey: "audit.action.\(event.action)", target: event.target,
                detail: event.detail, clientAddress: event.clientAddress)
        }
        let page = Page(
            events: rows,
            previousURL: result.page > 1 ? "\(Paths.audit.path)?page=\(result.page - 1)" : nil,
            nextURL: result.hasMore ? "\(Paths.audit.path)?page=\(result.page + 1)" : nil)
        return try await req.render("audit", titleKey: "audit.title", section: "audit", page)
    }
}
