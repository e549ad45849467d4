import SwitchboardCore
import Vapor

/// Everything the settings page shows, section by section.
struct SettingsPage: Encodable {
    struct ProfileView: Encodable {
        let values: [String: String]
        let hasPhoto: Bool
        let errors: [String: String]
        let photoMaxKilobytes: Int
        let photoMinSide: Int
        let photoMaxSide: Int
    }

    struct Preferences: Encodable {
        let language: String
        let theme: String
        let languages: [String]
        let themes: [String]
    }

    struct TokenRow: Encodable {
        let name: String
        let prefix: String
        let createdAt: DisplayTime
        let lastUsedAt: DisplayTime?
        let revokeURL: String
    }

    let profile: ProfileView
    let forwarding: ForwardingForm.View
    let preferences: Preferences
    let securityErrors: [String: String]
    let tokens: [TokenRow]
    let newSecret: String?
    let tokenError: String?
    let hasExtension: Bool

    static func build(_ req: Request, actor: Actor, _ state: SettingsController.State) async throws -> Self {
        let user = actor.user
        let error = state.error
        let message = error.map { req.message(for: $0) }
        let fieldErrors = req.fieldErrors(for: error)

        var profile = try await req.profileService.profile(of: user)
        if let typed = state.profile { profile = typed }
        let rules = req.application.config.photoRules
        let profileView = ProfileView(
            values: [
                "displayName": profile.displayName, "department": profile.department ?? "",
                "email": profile.email ?? "", "street": profile.street ?? "", "postalCode": profile.postalCode ?? "",
                "city": profile.city ?? "", "region": profile.region ?? "", "country": profile.country ?? "",
                "externalNumber": profile.externalNumber ?? "",
            ],
            hasPhoto: try await req.profileService.hasPhoto(user.requireID()),
            errors: isProfileError(error) ? fieldErrors : [:],
            photoMaxKilobytes: rules.maximumBytes / 1000, photoMinSide: rules.dimensions.lowerBound,
            photoMaxSide: rules.dimensions.upperBound)

        let forwardingError: SwitchboardError? =
            if case .forwarding = error { error } else { nil }
        var forwarding = state.forwarding ?? ForwardingSettings()
        if state.forwarding == nil { forwarding = try await req.forwardingService.settings(of: user, by: actor) }

        let tokens = try await req.tokenService.list(for: actor).map { token in
            TokenRow(
                name: token.name, prefix: token.prefix, createdAt: DisplayTime.day(token.createdAt ?? Date(), on: req),
                lastUsedAt: token.lastUsedAt.map { DisplayTime.day($0, on: req) },
                revokeURL: Paths.tokenRevoke.url(try token.requireID()))
        }
        let isPasswordError: Bool =
            if case .invalid(let violation) = error, violation != .tokenNameInvalid { true } else { false }
        return SettingsPage(
            profile: profileView,
            forwarding: ForwardingForm.view(
                forwarding, action: Paths.settingsForwarding.path, ringSeconds: req.application.config.ringSeconds,
                error: forwardingError, on: req),
            preferences: Preferences(
                language: user.language?.rawValue ?? "auto", theme: user.theme.rawValue,
                languages: Language.allCases.map(\.rawValue), themes: Theme.allCases.map(\.rawValue)),
            securityErrors: isPasswordError ? fieldErrors : [:],
            tokens: tokens,
            newSecret: state.newSecret,
            tokenError: error == .invalid(.tokenNameInvalid) ? message : nil,
            hasExtension: user.phoneExtension != nil)
    }

    private static func isProfileError(_ error: SwitchboardError?) -> Bool {
        switch error {
        case .profile, .photo, .invalid(.displayNameInvalid): true
        default: false
        }
    }
}
