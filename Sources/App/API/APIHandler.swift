import Foundation
import OpenAPIRuntime
import SwitchboardCore
import Vapor

/// `/api/v1`: thin mappings from the generated OpenAPI types to the same services the web uses.
struct APIHandler: APIProtocol {
    func context() throws -> (Request, Actor) {
        let request = try APIRequestContext.current()
        return (request, try request.actor())
    }

    func getMe(_ input: Operations.GetMe.Input) async throws -> Operations.GetMe.Output {
        let (_, actor) = try context()
        return .ok(.init(body: .json(try .init(actor.user))))
    }

    // MARK: tokens

    func listTokens(_ input: Operations.ListTokens.Input) async throws -> Operations.ListTokens.Output {
        let (request, actor) = try context()
        let tokens = try await request.tokenService.list(for: actor)
        return .ok(.init(body: .json(.init(items: try tokens.map(Components.Schemas.Token.init)))))
    }

    func createToken(_ input: Operations.CreateToken.Input) async throws -> Operations.CreateToken.Output {
        let (request, actor) = try context()
        guard case .json(let body) = input.body else { throw SwitchboardError.badRequest }
        let created = try await request.tokenService.create(name: body.name, for: actor)
        return .created(.init(body: .json(.init(token: try .init(created.token), secret: created.secret))))
    }

    func revokeToken(_ input: Operations.RevokeToken.Input) async throws -> Operations.RevokeToken.Output {
        let (request, actor) = try context()
        try await request.tokenService.revoke(try uuid(input.path.tokenId), for: actor)
        return .noContent(.init())
    }

    // MARK: users

    func listUsers(_ input: Operations.ListUsers.Input) async throws -> Operations.ListUsers.Output {
        let (request, actor) = try context()
        let users = try await request.userService.list(by: actor)
        return .ok(.init(body: .json(.init(items: try users.map(Components.Schemas.User.init)))))
    }

    func createUser(_ input: Operations.CreateUser.Input) async throws -> Operations.CreateUser.Output {
        let (request, actor) = try context()
        guard case .json(let body) = input.body else { throw SwitchboardError.badRequest }
        let user = try await request.userService.create(
            .init(
                username: body.username, displayName: body.displayName, role: body.role.domain,
                phoneExtension: body._extension, password: body.password),
            by: actor)
        return .created(.init(body: .json(try .init(user))))
    }

    func getUser(_ input: Operations.GetUser.Input) async throws -> Operations.GetUser.Output {
        let (request, actor) = try context()
        let user = try await request.userService.find(try uuid(input.path.userId), by: actor)
        try actor.require(.administerUsers)
        return .ok(.init(body: .json(try .init(user))))
    }

    func updateUser(_ input: Operations.UpdateUser.Input) async throws -> Operations.UpdateUser.Output {
        let (request, actor) = try context()
        guard case .json(let body) = input.body else { throw SwitchboardError.badRequest }
        let changes = UserService.Changes(
            displayName: body.displayName,
            role: body.role?.domain,
            phoneExtension: body._extension.map { .some($0) },
            language: body.language.map { Language(rawValue: $0.rawValue) },
            theme: body.theme.map { Theme(rawValue: $0.rawValue) ?? .system })
        let user = try await request.userService.update(try uuid(input.path.userId), changes, by: actor)
        return .ok(.init(body: .json(try .init(user))))
    }

    func deleteUser(_ input: Operations.DeleteUser.Input) async throws -> Operations.DeleteUser.Output {
        let (request, actor) = try context()
        try await request.userService.delete(try uuid(input.path.userId), by: actor)
        return .noContent(.init())
    }

    func resetUserPassword(_ input: Operations.ResetUserPassword.Input) async throws
        -> Operations.ResetUserPassword.Output
    {
        let (request, actor) = try context()
        guard case .json(let body) = input.body else { throw SwitchboardError.badRequest }
        try await request.userService.resetPassword(try uuid(input.path.userId), to: body.password, by: actor)
        return .noContent(.init())
    }

    func uuid(_ raw: String) throws(SwitchboardError) -> UUID {
        guard let id = UUID(uuidString: raw) else { throw .notFound }
        return id
    }
}

// MARK: - Mapping to the generated types

extension Components.Schemas.Role {
    var domain: Role {
        switch self {
        case .admin: .admin
        case .subAdmin: .subAdmin
        case .subscriber: .subscriber
        }
    }

    init(_ role: Role) {
        switch role {
        case .admin: self = .admin
        case .subAdmin: self = .subAdmin
        case .subscriber: self = .subscriber
        }
    }
}

extension Components.Schemas.User {
    init(_ user: UserModel) throws {
        self.init(
            id: try user.requireID().uuidString, username: user.username, displayName: user.displayName,
            role: .init(user.role), _extension: user.phoneExtension,
            language: user.language.flatMap { Components.Schemas.Language(rawValue: $0.rawValue) },
            theme: Components.Schemas.Theme(rawValue: user.theme.rawValue) ?? .system,
            createdAt: user.createdAt ?? Date(), updatedAt: user.updatedAt ?? user.createdAt ?? Date())
    }
}

extension Components.Schemas.Token {
    init(_ token: APITokenModel) throws {
        self.init(
            id: try token.requireID().uuidString, name: token.name, prefix: token.prefix,
            createdAt: token.createdAt ?? Date(), lastUsedAt: token.lastUsedAt)
    }
}
