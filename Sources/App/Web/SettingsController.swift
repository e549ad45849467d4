import SwitchboardCore
import Vapor

/// The signed-in user's own settings: profile, call forwarding, preferences, security, API tokens.
/// Each section has its own form and "Save"; a refused form comes back with its values and the
/// message next to the field.
struct SettingsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(Paths.settings.pathComponents, use: show)
        routes.post(Paths.settingsProfile.pathComponents, use: saveProfile)
        routes.get(Paths.settingsPhoto.pathComponents, use: photo)
        routes.on(.POST, Paths.settingsPhoto.pathComponents, body: .collect(maxSize: "4mb"), use: uploadPhoto)
        routes.post(Paths.settingsPhotoDelete.pathComponents, use: deletePhoto)
        routes.post(Paths.settingsForwarding.pathComponents, use: saveForwarding)
        routes.post(Paths.settingsPreferences.pathComponents, use: savePreferences)
        routes.post(Paths.settingsPassword.pathComponents, use: changePassword)
        routes.post(Paths.settingsTokens.pathComponents, use: createToken)
        routes.post(Paths.tokenRevoke.pathComponents, use: revokeToken)
    }

    /// What differs from the stored state when a page is shown again after a submission.
    struct State {
        var profile: Profile?
        var forwarding: ForwardingSettings?
        var error: SwitchboardError?
        var newSecret: String?
        var status: HTTPStatus = .ok
    }

    func show(req: Request) async throws -> Response {
        try await render(req, actor: try req.actor(), State())
    }

    // MARK: profile

    struct ProfileForm: Content {
        var displayName: String
        var department: String?
        var email: String?
        var street: String?
        var postalCode: String?
        var city: String?
        var region: String?
        var country: String?
        var externalNumber: String?

        var profile: Profile {
            Profile(
                displayName: displayName, department: department, email: email, street: street,
                postalCode: postalCode, city: city, region: region, country: country, externalNumber: externalNumber)
        }
    }

    func saveProfile(req: Request) async throws -> Response {
        let actor = try req.actor()
        let form = try req.content.decode(ProfileForm.self)
        return try await attempt(req, actor, State(profile: form.profile), success: "settings.profile_saved") {
            _ = try await req.profileService.update(form.profile, by: actor)
        }
    }

    struct PhotoForm: Content {
        var photo: File?
    }

    func photo(req: Request) async throws -> Response {
        let actor = try req.actor()
        guard let photo = try await req.profileService.photo(of: actor.user.requireID()) else {
            throw SwitchboardError.notFound
        }
        var headers = HTTPHeaders()
        headers.contentType = .png
        headers.replaceOrAdd(name: .cacheControl, value: "private, no-cache")
        return Response(status: .ok, headers: headers, body: .init(data: photo.png))
    }

    func uploadPhoto(req: Request) async throws -> Response {
        let actor = try req.actor()
        return try await attempt(req, actor, State(), success: "settings.photo_saved") {
            guard let file = try req.content.decode(PhotoForm.self).photo, file.data.readableBytes > 0 else {
                throw SwitchboardError.photo(.notPNG)
            }
            try await req.profileService.setPhoto(Data(buffer: file.data), by: actor)
        }
    }

    func deletePhoto(req: Request) async throws -> Response {
        let actor = try req.actor()
        try await req.profileService.removePhoto(by: actor)
        LayoutContext.Flash.put("success", "settings.photo_removed", on: req)
        return req.redirect(to: Paths.settings.path + "#profile")
    }

    // MARK: forwarding

    func saveForwarding(req: Request) async throws -> Response {
        let actor = try req.actor()
        let settings = ForwardingForm.decode(try req.content.decode([String: String].self))
        return try await attempt(req, actor, State(forwarding: settings), success: "forwarding.saved") {
            try await req.forwardingService.update(settings, of: actor.user, by: actor)
        }
    }

    // MARK: preferences

    struct PreferencesForm: Content {
        let language: String
        let theme: Theme
    }

    func savePreferences(req: Request) async throws -> Response {
        let actor = try req.actor()
        let form = try req.content.decode(PreferencesForm.self)
        // "auto" (or anything unknown) means: follow the browser.
        let user = try await req.userService.updateOwnPreferences(
            language: Language(rawValue: form.language), theme: form.theme, by: actor)
        req.auth.login(user)
        LayoutContext.Flash.put("success", "settings.preferences_saved", on: req)
        return req.redirect(to: Paths.settings.path + "#preferences")
    }

    // MARK: security

    struct PasswordForm: Content {
        let currentPassword: String
        let password: String
        let passwordConfirmation: String
    }

    func changePassword(req: Request) async throws -> Response {
        let actor = try req.actor()
        let form = try req.content.decode(PasswordForm.self)
        return try await attempt(req, actor, State(), success: "settings.password_changed") {
            let user = try await req.userService.changeOwnPassword(
                current: form.currentPassword, new: form.password, confirmation: form.passwordConfirmation, by: actor)
            // This session stays; every other one of the account ends.
            req.session.data[SessionAuthenticator.epochKey] = String(user.sessionEpoch)
        }
    }

    // MARK: API tokens

    struct TokenForm: Content {
        let name: String
    }

    func createToken(req: Request) async throws -> Response {
        let actor = try req.actor()
        let form = try req.content.decode(TokenForm.self)
        do {
            let created = try await req.tokenService.create(name: form.name, for: actor)
            return try await render(req, actor: actor, State(newSecret: created.secret))
        } catch let error as SwitchboardError where error.field != nil {
            return try await render(req, actor: actor, State(error: error, status: error.status))
        }
    }

    func revokeToken(req: Request) async throws -> Response {
        let actor = try req.actor()
        guard let id = req.parameters.get("tokenID", as: UUID.self) else { throw SwitchboardError.notFound }
        try await req.tokenService.revoke(id, for: actor)
        LayoutContext.Flash.put("success", "settings.token_revoked", on: req)
        return req.redirect(to: Paths.settings.path + "#tokens")
    }

    // MARK: page

    /// Runs a change; on success leaves a message and goes back to the page (post/redirect/get),
    /// on a refusal shows the page again with what was typed and the message.
    private func attempt(
        _ req: Request, _ actor: Actor, _ state: State, success: String, _ change: () async throws -> Void
    ) async throws -> Response {
        do {
            try await change()
            LayoutContext.Flash.put("success", success, on: req)
            return req.redirect(to: Paths.settings.path)
        } catch let error as SwitchboardError where error.status == .unprocessableEntity {
            var state = state
            state.error = error
            state.status = error.status
            return try await render(req, actor: actor, state)
        }
    }

    private func render(_ req: Request, actor: Actor, _ state: State) async throws -> Response {
        let page = try await SettingsPage.build(req, actor: actor, state)
        return try await req.render(
            "settings", titleKey: "settings.title", section: "settings", page, status: state.status)
    }
}
