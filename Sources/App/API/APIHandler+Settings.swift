import Foundation
import OpenAPIRuntime
import SwitchboardCore
import Vapor

/// `/api/v1/me/…` settings and the dialpad, on the same services as the settings pages.
extension APIHandler {
    func getProfile(_ input: Operations.GetProfile.Input) async throws -> Operations.GetProfile.Output {
        let (request, actor) = try context()
        return .ok(.init(body: .json(try await profileBody(request, actor.user))))
    }

    func updateProfile(_ input: Operations.UpdateProfile.Input) async throws -> Operations.UpdateProfile.Output {
        let (request, actor) = try context()
        guard case .json(let body) = input.body else { throw SwitchboardError.badRequest }
        _ = try await request.profileService.update(
            Profile(
                displayName: body.displayName, department: body.department, email: body.email, street: body.street,
                postalCode: body.postalCode, city: body.city, region: body.region, country: body.country,
                externalNumber: body.externalNumber),
            by: actor)
        return .ok(.init(body: .json(try await profileBody(request, actor.user))))
    }

    func getPhoto(_ input: Operations.GetPhoto.Input) async throws -> Operations.GetPhoto.Output {
        let (request, actor) = try context()
        guard let photo = try await request.profileService.photo(of: actor.user.requireID()) else {
            throw SwitchboardError.notFound
        }
        return .ok(.init(body: .png(HTTPBody(photo.png))))
    }

    func setPhoto(_ input: Operations.SetPhoto.Input) async throws -> Operations.SetPhoto.Output {
        let (request, actor) = try context()
        guard case .png(let body) = input.body else { throw SwitchboardError.photo(.notPNG) }
        let maximum = request.application.config.photoRules.maximumBytes
        let data: Data
        do {
            data = try await Data(collecting: body, upTo: maximum)
        } catch {
            throw SwitchboardError.photo(.tooLarge(maximumBytes: maximum))
        }
        try await request.profileService.setPhoto(data, by: actor)
        return .noContent(.init())
    }

    func deletePhoto(_ input: Operations.DeletePhoto.Input) async throws -> Operations.DeletePhoto.Output {
        let (request, actor) = try context()
        try await request.profileService.removePhoto(by: actor)
        return .noContent(.init())
    }

    // MARK: forwarding

    func getForwarding(_ input: Operations.GetForwarding.Input) async throws -> Operations.GetForwarding.Output {
        let (request, actor) = try context()
        let settings = try await request.forwardingService.settings(of: actor.user, by: actor)
        return .ok(.init(body: .json(.init(settings, on: request))))
    }

    func updateForwarding(_ input: Operations.UpdateForwarding.Input) async throws
        -> Operations.UpdateForwarding.Output
    {
        let (request, actor) = try context()
        guard case .json(let body) = input.body else { throw SwitchboardError.badRequest }
        try await request.forwardingService.update(body.domain, of: actor.user, by: actor)
        let stored = try await request.forwardingService.settings(of: actor.user, by: actor)
        return .ok(.init(body: .json(.init(stored, on: request))))
    }

    func getUserForwarding(_ input: Operations.GetUserForwarding.Input) async throws
        -> Operations.GetUserForwarding.Output
    {
        let (request, actor) = try context()
        let user = try await request.userService.find(try uuid(input.path.userId), by: actor)
        let settings = try await request.forwardingService.settings(of: user, by: actor)
        return .ok(.init(body: .json(.init(settings, on: request))))
    }

    func updateUserForwarding(_ input: Operations.UpdateUserForwarding.Input) async throws
        -> Operations.UpdateUserForwarding.Output
    {
        let (request, actor) = try context()
        guard case .json(let body) = input.body else { throw SwitchboardError.badRequest }
        let user = try await request.userService.find(try uuid(input.path.userId), by: actor)
        try await request.forwardingService.update(body.domain, of: user, by: actor)
        let stored = try await request.forwardingService.settings(of: user, by: actor)
        return .ok(.init(body: .json(.init(stored, on: request))))
    }

    // MARK: preferences, password, calls

    func getPreferences(_ input: Operations.GetPreferences.Input) async throws -> Operations.GetPreferences.Output {
        let (_, actor) = try context()
        return .ok(.init(body: .json(.init(actor.user))))
    }

    func updatePreferences(_ input: Operations.UpdatePreferences.Input) async throws
        -> Operations.UpdatePreferences.Output
    {
        let (request, actor) = try context()
        guard case .json(let body) = input.body else { throw SwitchboardError.badRequest }
        let user = try await request.userService.updateOwnPreferences(
            language: Language(rawValue: body.language.rawValue),
            theme: Theme(rawValue: body.theme.rawValue) ?? .system,
            by: actor)
        return .ok(.init(body: .json(.init(user))))
    }

    func changePassword(_ input: Operations.ChangePassword.Input) async throws -> Operations.ChangePassword.Output {
        let (request, actor) = try context()
        guard case .json(let body) = input.body else { throw SwitchboardError.badRequest }
        _ = try await request.userService.changeOwnPassword(
            current: body.currentPassword, new: body.password, confirmation: body.password, by: actor)
        return .noContent(.init())
    }

    func placeCall(_ input: Operations.PlaceCall.Input) async throws -> Operations.PlaceCall.Output {
        let (request, actor) = try context()
        guard case .json(let body) = input.body else { throw SwitchboardError.badRequest }
        let number = try await request.callService.dial(body.number, by: actor)
        return .accepted(
            .init(
                body: .json(
                    .init(
                        number: number, fromExtension: actor.user.phoneExtension ?? "",
                        placesRealCalls: request.application.pbx.placesRealCalls))))
    }

    private func profileBody(_ request: Request, _ user: UserModel) async throws -> Components.Schemas.Profile {
        let profile = try await request.profileService.profile(of: user)
        return .init(
            displayName: profile.displayName, department: profile.department, email: profile.email,
            street: profile.street, postalCode: profile.postalCode, city: profile.city, region: profile.region,
            country: profile.country, externalNumber: profile.externalNumber,
            hasPhoto: try await request.profileService.hasPhoto(user.requireID()))
    }
}

// MARK: - Mapping

extension Components.Schemas.Preferences {
    init(_ user: UserModel) {
        self.init(
            language: user.language.flatMap { .init(rawValue: $0.rawValue) } ?? .auto,
            theme: .init(rawValue: user.theme.rawValue) ?? .system)
    }
}

extension Components.Schemas.Forwarding {
    init(_ settings: ForwardingSettings, on request: Request) {
        self.init(
            unconditional: .init(settings.unconditional), _internal: .init(settings.internalCalls),
            external: .init(settings.externalCalls),
            summary: ForwardingSummary.sentences(
                for: settings, ringSeconds: request.application.config.ringSeconds, on: request))
    }

    var domain: ForwardingSettings {
        ForwardingSettings(
            unconditional: unconditional.domain, internalCalls: _internal.domain, externalCalls: external.domain)
    }
}

extension Components.Schemas.ForwardingRule {
    init(_ rule: SwitchboardCore.ForwardingRule) {
        let destination: Components.Schemas.Destination? =
            switch rule.destination {
            case .phoneExtension(let value): .init(kind: ._extension, value: value)
            case .external(let value): .init(kind: .external, value: value)
            case .voicemail: .init(kind: .voicemail)
            case nil: nil
            }
        self.init(enabled: rule.enabled, destination: destination, rings: rule.rings)
    }

    var domain: SwitchboardCore.ForwardingRule {
        let target: ForwardingDestination? =
            switch destination?.kind {
            case ._extension: destination?.value.map { .phoneExtension($0) }
            case .external: destination?.value.map { .external($0) }
            case .voicemail: .voicemail
            case nil: nil
            }
        return .init(enabled: enabled, destination: target, rings: rings ?? SwitchboardCore.ForwardingRule().rings)
    }
}
