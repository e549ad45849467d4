import SwitchboardCore
import Vapor

/// User administration pages for admins and sub-admins.
struct UsersController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(Paths.users.pathComponents, use: index)
        routes.get(Paths.newUser.pathComponents, use: newForm)
        routes.post(Paths.users.pathComponents, use: create)
        routes.get(Paths.user.pathComponents, use: editForm)
        routes.post(Paths.user.pathComponents, use: update)
        routes.post(Paths.userPassword.pathComponents, use: resetPassword)
        routes.post(Paths.userDelete.pathComponents, use: delete)
        routes.get(Paths.userForwarding.pathComponents, use: forwarding)
        routes.post(Paths.userForwarding.pathComponents, use: saveForwarding)
    }

    // MARK: list

    struct Row: Encodable {
        let username: String
        let displayName: String
        let role: String
        let phoneExtension: String?
        let editURL: String?
    }

    func index(req: Request) async throws -> Response {
        let actor = try req.actor()
        let users = try await req.userService.list(by: actor)
        let rows = try users.map { user in
            Row(
                username: user.username, displayName: user.displayName, role: user.role.rawValue,
                phoneExtension: user.phoneExtension,
                editURL: AccessPolicy.allows(actor.role, .manageUser(role: user.role))
                    ? Paths.user.url(try user.requireID()) : nil)
        }
        let policy = try await req.twoFactorService.policy()
        let page = IndexPage(
            users: rows,
            twoFactorRoles: AccessPolicy.allows(actor.role, .changeSystemSettings)
                ? Role.allCases.map { PolicyRole(role: $0.rawValue, required: policy.requires($0)) } : nil)
        return try await req.render("users/index", titleKey: "users.title", section: "users", page)
    }

    struct IndexPage: Encodable {
        let users: [Row]
        /// The roles that must use two-factor sign-in, for whoever may change it.
        let twoFactorRoles: [PolicyRole]?
        let twoFactorAction = Paths.twoFactorPolicy.path
    }

    struct PolicyRole: Encodable {
        let role: String
        let required: Bool
    }

    // MARK: create

    struct Values: Encodable {
        var username = ""
        var displayName = ""
        var role = Role.subscriber.rawValue
        var phoneExtension = ""
    }

    struct FormPage: Encodable {
        let isNew: Bool
        let action: String
        let values: Values
        let roles: [String]
        let errors: [String: String]
        let error: String?
        let passwordAction: String?
        let deleteAction: String?
        let forwardingURL: String?
        let canDelete: Bool
        /// Set when the user has two-factor sign-in: an admin may reset it.
        var twoFactorResetAction: String?
    }

    struct CreateForm: Content {
        let username: String
        let displayName: String
        let role: Role
        let phoneExtension: String?
        let password: String
        let passwordConfirmation: String
    }

    func newForm(req: Request) async throws -> Response {
        let actor = try req.actor()
        try actor.require(.administerUsers)
        return try await renderForm(req, actor: actor, user: nil, values: Values())
    }

    func create(req: Request) async throws -> Response {
        let actor = try req.actor()
        try actor.require(.administerUsers)
        let form = try req.content.decode(CreateForm.self)
        let values = Values(
            username: form.username, displayName: form.displayName, role: form.role.rawValue,
            phoneExtension: form.phoneExtension ?? "")
        do {
            guard form.password == form.passwordConfirmation else {
                throw SwitchboardError.invalid(.passwordsDiffer)
            }
            let user = try await req.userService.create(
                .init(
                    username: form.username, displayName: form.displayName, role: form.role,
                    phoneExtension: form.phoneExtension, password: form.password),
                by: actor)
            LayoutContext.Flash.put("success", "users.created", on: req)
            return req.redirect(to: Paths.user.url(try user.requireID()))
        } catch let error as SwitchboardError where error.status != .forbidden {
            return try await renderForm(req, actor: actor, user: nil, values: values, error: error)
        }
    }

    // MARK: edit

    struct UpdateForm: Content {
        let displayName: String
        let role: Role
        let phoneExtension: String?
    }

    struct PasswordForm: Content {
        let password: String
        let passwordConfirmation: String
    }

    struct DeleteForm: Content {
        let confirm: String?
    }

    func editForm(req: Request) async throws -> Response {
        let actor = try req.actor()
        let user = try await managedUser(req, actor: actor)
        return try await renderForm(req, actor: actor, user: user, values: values(of: user))
    }

    func update(req: Request) async throws -> Response {
        let actor = try req.actor()
        let user = try await managedUser(req, actor: actor)
        let form = try req.content.decode(UpdateForm.self)
        do {
            _ = try await req.userService.update(
                try user.requireID(),
                .init(displayName: form.displayName, role: form.role, phoneExtension: .some(form.phoneExtension)),
                by: actor)
            LayoutContext.Flash.put("success", "users.saved", on: req)
            return req.redirect(to: Paths.user.url(try user.requireID()))
        } catch let error as SwitchboardError where error.status != .forbidden {
            var values = values(of: user)
            values.displayName = form.displayName
            values.role = form.role.rawValue
            values.phoneExtension = form.phoneExtension ?? ""
            return try await renderForm(req, actor: actor, user: user, values: values, error: error)
        }
    }

    func resetPassword(req: Request) async throws -> Response {
        let actor = try req.actor()
        let user = try await managedUser(req, actor: actor)
        let form = try req.content.decode(PasswordForm.self)
        do {
            guard form.password == form.passwordConfirmation else {
                throw SwitchboardError.invalid(.passwordsDiffer)
            }
            try await req.userService.resetPassword(try user.requireID(), to: form.password, by: actor)
            LayoutContext.Flash.put("success", "users.password_reset_done", on: req)
            return req.redirect(to: Paths.user.url(try user.requireID()))
        } catch let error as SwitchboardError where error.status != .forbidden {
            return try await renderForm(req, actor: actor, user: user, values: values(of: user), error: error)
        }
    }

    func delete(req: Request) async throws -> Response {
        let actor = try req.actor()
        let user = try await managedUser(req, actor: actor)
        do {
            guard try req.content.decode(DeleteForm.self).confirm == "yes" else {
                throw SwitchboardError.badRequest
            }
            try await req.userService.delete(try user.requireID(), by: actor)
            LayoutContext.Flash.put("success", "users.deleted", on: req)
            return req.redirect(to: Paths.users.path)
        } catch let error as SwitchboardError where error.status != .forbidden && error != .notFound {
            return try await renderForm(req, actor: actor, user: user, values: values(of: user), error: error)
        }
    }

    // MARK: forwarding (support)

    struct ForwardingPage: Encodable {
        let displayName: String
        let userURL: String
        let forwarding: ForwardingForm.View
    }

    func forwarding(req: Request) async throws -> Response {
        let actor = try req.actor()
        let user = try await managedUser(req, actor: actor)
        let settings = try await req.forwardingService.settings(of: user, by: actor)
        return try await renderForwarding(req, user: user, settings: settings, error: nil)
    }

    func saveForwarding(req: Request) async throws -> Response {
        let actor = try req.actor()
        let user = try await managedUser(req, actor: actor)
        let settings = ForwardingForm.decode(try req.content.decode([String: String].self))
        do {
            try await req.forwardingService.update(settings, of: user, by: actor)
            LayoutContext.Flash.put("success", "forwarding.saved", on: req)
            return req.redirect(to: Paths.userForwarding.url(try user.requireID()))
        } catch let error as SwitchboardError where error.status == .unprocessableEntity {
            return try await renderForwarding(req, user: user, settings: settings, error: error)
        }
    }

    private func renderForwarding(
        _ req: Request, user: UserModel, settings: ForwardingSettings, error: SwitchboardError?
    ) async throws -> Response {
        let id = try user.requireID()
        let page = ForwardingPage(
            displayName: user.displayName, userURL: Paths.user.url(id),
            forwarding: ForwardingForm.view(
                settings, action: Paths.userForwarding.url(id), ringSeconds: req.application.config.ringSeconds,
                error: error, on: req))
        return try await req.render(
            "users/forwarding", titleKey: "forwarding.title", section: "users", page, status: error?.status ?? .ok)
    }

    // MARK: helpers

    private func managedUser(_ req: Request, actor: Actor) async throws -> UserModel {
        guard let id = req.parameters.get("userID", as: UUID.self) else { throw SwitchboardError.notFound }
        let user = try await req.userService.find(id, by: actor)
        try actor.require(.manageUser(role: user.role))
        return user
    }

    private func values(of user: UserModel) -> Values {
        Values(
            username: user.username, displayName: user.displayName, role: user.role.rawValue,
            phoneExtension: user.phoneExtension ?? "")
    }

    private func renderForm(
        _ req: Request, actor: Actor, user: UserModel?, values: Values, error: SwitchboardError? = nil
    ) async throws -> Response {
        let id = try user?.requireID()
        let page = FormPage(
            isNew: user == nil,
            action: id.map { Paths.user.url($0) } ?? Paths.users.path,
            values: values,
            roles: Role.allCases.filter { AccessPolicy.allows(actor.role, .grantRole($0)) }.map(\.rawValue),
            errors: req.fieldErrors(for: error),
            error: error.flatMap { $0.field == nil ? req.message(for: $0) : nil },
            passwordAction: id.map { Paths.userPassword.url($0) },
            deleteAction: id.map { Paths.userDelete.url($0) },
            forwardingURL: id.map { Paths.userForwarding.url($0) },
            canDelete: user != nil && user?.id != actor.user.id,
            twoFactorResetAction: try await id.asyncFlatMap { id in
                try await req.twoFactorService.isEnabled(for: id) ? Paths.userTwoFactorReset.url(id) : nil
            })
        return try await req.render(
            "users/form", titleKey: user == nil ? "users.new_title" : "users.edit_title", section: "users", page,
            status: error?.status ?? .ok)
    }
}
