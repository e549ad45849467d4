import SwitchboardCore
import Vapor

/// Two-factor sign-in on the pages: setting it up (Settings → Two-factor sign-in), the second step of signing in, an
/// admin's reset of someone's authenticator, and which roles must use it. All decisions are `TwoFactorService`'s.
struct TwoFactorController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(Paths.settingsTwoFactor.pathComponents, use: show)
        routes.post(Paths.settingsTwoFactorStart.pathComponents, use: start)
        routes.post(Paths.settingsTwoFactorConfirm.pathComponents, use: confirm)
        routes.post(Paths.settingsTwoFactorRecovery.pathComponents, use: recoveryCodes)
        routes.post(Paths.settingsTwoFactorDisable.pathComponents, use: disable)
        routes.post(Paths.userTwoFactorReset.pathComponents, use: reset)
        routes.post(Paths.twoFactorPolicy.pathComponents, use: setPolicy)
    }

    struct Page: Encodable {
        /// `off`, `pending` or `on`.
        let state: String
        let required: Bool
        let qrCode: String?
        let secret: String?
        let recoveryCodes: [String]?
        let error: String?
        let startAction = Paths.settingsTwoFactorStart.path
        let confirmAction = Paths.settingsTwoFactorConfirm.path
        let recoveryAction = Paths.settingsTwoFactorRecovery.path
        let disableAction = Paths.settingsTwoFactorDisable.path
    }

    struct CodeForm: Content {
        let code: String
    }

    func show(req: Request) async throws -> Response {
        try await render(req, actor: try req.actor())
    }

    func start(req: Request) async throws -> Response {
        _ = try await req.twoFactorService.begin(for: try req.actor())
        return req.redirect(to: Paths.settingsTwoFactor.path)
    }

    func confirm(req: Request) async throws -> Response {
        let actor = try req.actor()
        do {
            let codes = try await req.twoFactorService.confirm(
                code: try req.content.decode(CodeForm.self).code, by: actor)
            return try await render(req, actor: actor, recoveryCodes: codes)
        } catch let error as SwitchboardError where error == .twoFactorCodeWrong {
            return try await render(req, actor: actor, error: error)
        }
    }

    func recoveryCodes(req: Request) async throws -> Response {
        let actor = try req.actor()
        return try await render(
            req, actor: actor, recoveryCodes: try await req.twoFactorService.regenerateRecoveryCodes(by: actor))
    }

    func disable(req: Request) async throws -> Response {
        let actor = try req.actor()
        do {
            try await req.twoFactorService.disable(code: try req.content.decode(CodeForm.self).code, by: actor)
            LayoutContext.Flash.put("success", "two_factor.disabled", on: req)
            return req.redirect(to: Paths.settingsTwoFactor.path)
        } catch let error as SwitchboardError where error == .twoFactorCodeWrong {
            return try await render(req, actor: actor, error: error)
        }
    }

    private func render(
        _ req: Request, actor: Actor, recoveryCodes: [String]? = nil, error: SwitchboardError? = nil
    ) async throws -> Response {
        let service = req.twoFactorService
        let model = try await service.authenticator(of: actor.user.requireID())
        let state = model == nil ? "off" : model?.confirmedAt == nil ? "pending" : "on"
        var qrCode: String?
        if state == "pending", let model, let secret = Base32.decode(model.secret) {
            let uri = TOTP.provisioningURI(secret: secret, account: actor.user.username, issuer: "Switchboard")
            qrCode = QRCodeEncoder.matrix(for: uri).map {
                "data:image/svg+xml;base64," + Data($0.svg().utf8).base64EncodedString()
            }
        }
        let page = Page(
            state: state, required: try await service.policy().requires(actor.user.role), qrCode: qrCode,
            secret: state == "pending" ? model?.secret.grouped : nil, recoveryCodes: recoveryCodes,
            error: error.map { req.message(for: $0) })
        return try await req.render(
            "two-factor", titleKey: "two_factor.title", section: "settings", page,
            status: error?.status ?? .ok)
    }

    // MARK: administration

    func reset(req: Request) async throws -> Response {
        let actor = try req.actor()
        guard let id = req.parameters.get("userID", as: UUID.self),
            let user = try await UserModel.find(id, on: req.db)
        else { throw SwitchboardError.notFound }
        try await req.twoFactorService.reset(user, by: actor)
        LayoutContext.Flash.put("success", "two_factor.reset_done", ["name": user.displayName], on: req)
        return req.redirect(to: Paths.user.url(id))
    }

    struct PolicyForm: Content {
        var roles: [String]?
    }

    func setPolicy(req: Request) async throws -> Response {
        let actor = try req.actor()
        let form = try req.content.decode(PolicyForm.self)
        let policy = TwoFactorPolicy(requiredRoles: Set((form.roles ?? []).compactMap(Role.init(rawValue:))))
        try await req.twoFactorService.setPolicy(policy, by: actor)
        req.application.twoFactorPolicyCache.forget()
        LayoutContext.Flash.put("success", "two_factor.policy_saved", on: req)
        return req.redirect(to: Paths.users.path)
    }
}

extension String {
    /// A base32 secret in groups of four, as people copy it into an app.
    fileprivate var grouped: String {
        stride(from: 0, to: count, by: 4).map { offset in
            let start = index(startIndex, offsetBy: offset)
            return String(self[start..<(index(start, offsetBy: 4, limitedBy: endIndex) ?? endIndex)])
        }.joined(separator: " ")
    }
}
