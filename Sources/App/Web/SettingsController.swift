import SwitchboardCore
import Vapor

/// The signed-in user's own settings. This slice: preferences (language, theme) and API tokens.
struct SettingsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(Paths.settings.pathComponents, use: show)
        routes.post(Paths.settingsPreferences.pathComponents, use: savePreferences)
        routes.post(Paths.settingsTokens.pathComponents, use: createToken)
        routes.post(Paths.tokenRevokePattern.pathComponents, use: revokeToken)
    }

    struct TokenRow: Encodable {
        let name: String
        let prefix: String
        let createdAt: String
        let lastUsedAt: String?
        let revokeURL: String
    }

    struct Page: Encodable {
        let language: String
        let theme: String
        let languages: [String]
        let themes: [String]
        let tokens: [TokenRow]
        let newSecret: String?
        let tokenError: String?
    }

    struct PreferencesForm: Content {
        let language: String
        let theme: Theme
    }

    struct TokenForm: Content {
        let name: String
    }

    func show(req: Request) async throws -> Response {
        try await render(req, actor: try req.actor())
    }

    func savePreferences(req: Request) async throws -> Response {
        let actor = try req.actor()
        let form = try req.content.decode(PreferencesForm.self)
        // "auto" (or anything unknown) means: follow the browser.
        let language = Language(rawValue: form.language)
        let user = try await req.userService.updateOwnPreferences(language: language, theme: form.theme, by: actor)
        req.auth.login(user)
        LayoutContext.Flash.put("success", "settings.preferences_saved", on: req)
        return req.redirect(to: Paths.settings)
    }

    func createToken(req: Request) async throws -> Response {
        let actor = try req.actor()
        let form = try req.content.decode(TokenForm.self)
        do {
            let created = try await req.tokenService.create(name: form.name, for: actor)
            return try await render(req, actor: actor, newSecret: created.secret)
        } catch let error as SwitchboardError where error.field != nil {
            return try await render(req, actor: actor, tokenError: req.text(error.messageKey), status: error.status)
        }
    }

    func revokeToken(req: Request) async throws -> Response {
        let actor = try req.actor()
        guard let id = req.parameters.get("tokenID", as: UUID.self) else { throw SwitchboardError.notFound }
        try await req.tokenService.revoke(id, for: actor)
        LayoutContext.Flash.put("success", "settings.token_revoked", on: req)
        return req.redirect(to: Paths.settings)
    }

    private func render(
        _ req: Request, actor: Actor, newSecret: String? = nil, tokenError: String? = nil, status: HTTPStatus = .ok
    ) async throws -> Response {
        let tokens = try await req.tokenService.list(for: actor).map { token in
            TokenRow(
                name: token.name, prefix: token.prefix, createdAt: token.createdAt.map(DisplayTime.day) ?? "",
                lastUsedAt: token.lastUsedAt.map(DisplayTime.day), revokeURL: Paths.tokenRevoke(try token.requireID()))
        }
        let page = Page(
            language: actor.user.language?.rawValue ?? "auto", theme: actor.user.theme.rawValue,
            languages: Language.allCases.map(\.rawValue), themes: Theme.allCases.map(\.rawValue), tokens: tokens,
            newSecret: newSecret, tokenError: tokenError)
        return try await req.render("settings", titleKey: "settings.title", section: "settings", page, status: status)
    }
}
