import Vapor

/// Admin page for the tokens the telephone system uses (`/api/v1/pbx/*`): list, create (the
/// secret is shown once), revoke.
struct PBXTokensController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(Paths.pbxTokens.pathComponents, use: index)
        routes.post(Paths.pbxTokens.pathComponents, use: create)
        routes.post(Paths.pbxTokenRevoke.pathComponents, use: revoke)
    }

    struct Row: Encodable {
        let name: String
        let prefix: String
        let createdAt: DisplayTime
        let createdBy: String?
        let lastUsedAt: DisplayTime?
        let revokeURL: String
    }

    struct Page: Encodable {
        let tokens: [Row]
        let newSecret: String?
        let newName: String?
        let name: String
        let error: String?
    }

    struct CreateForm: Content {
        let name: String
    }

    func index(req: Request) async throws -> Response {
        let actor = try req.actor()
        guard actor.user.role == .admin else { throw SwitchboardError.forbidden }
        return try await render(req, secret: nil, newName: nil, name: "", error: nil)
    }

    func create(req: Request) async throws -> Response {
        let actor = try req.actor()
        let form = try req.content.decode(CreateForm.self)
        do {
            let created = try await req.pbxTokenService.create(name: form.name, by: actor)
            return try await render(req, secret: created.secret, newName: created.token.name, name: "", error: nil)
        } catch let error as SwitchboardError where error.status != .forbidden {
            return try await render(
                req, secret: nil, newName: nil, name: form.name, error: req.message(for: error), status: error.status)
        }
    }

    func revoke(req: Request) async throws -> Response {
        let actor = try req.actor()
        guard let id = req.parameters.get("tokenID", as: UUID.self) else { throw SwitchboardError.notFound }
        try await req.pbxTokenService.revoke(id, by: actor)
        LayoutContext.Flash.put("success", "pbx_tokens.revoked", on: req)
        return req.redirect(to: Paths.pbxTokens.path)
    }

    private func render(
        _ req: Request, secret: String?, newName: String?, name: String, error: String?, status: HTTPStatus = .ok
    ) async throws -> Response {
        let tokens = try await req.pbxTokenService.list()
        let rows = try tokens.map { token in
            Row(
                name: token.name, prefix: token.prefix,
                createdAt: DisplayTime.minute(token.createdAt ?? Date(), on: req),
                createdBy: token.createdBy, lastUsedAt: token.lastUsedAt.map { DisplayTime.minute($0, on: req) },
                revokeURL: Paths.pbxTokenRevoke.url(try token.requireID()))
        }
        let page = Page(tokens: rows, newSecret: secret, newName: newName, name: name, error: error)
        return try await req.render(
            "pbx-tokens", titleKey: "pbx_tokens.title", section: "pbxTokens", page, status: status)
    }
}
