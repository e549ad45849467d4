import Fluent
import SwitchboardCore
import Vapor

/// Account management for admins and sub-admins, shared by the web pages, the API and commands.
struct UserService {
    let db: any Database
    let hasher: PasswordHashing

    struct NewUser: Sendable {
        var username: String
        var displayName: String
        var role: Role
        var phoneExtension: String?
        var password: String
    }

    struct Changes: Sendable {
        var displayName: String?
        var role: Role?
        /// `.some(nil)` or `.some("")` removes the extension.
        var phoneExtension: String??
        var language: Language??
        var theme: Theme?
    }

    func list(by actor: Actor) async throws -> [UserModel] {
        try actor.require(.administerUsers)
        return try await UserModel.query(on: db).sort(\.$username).all()
    }

    func find(_ id: UUID, by actor: Actor) async throws -> UserModel {
        try actor.require(.administerUsers)
        guard let user = try await UserModel.find(id, on: db) else { throw SwitchboardError.notFound }
        return user
    }

    func create(_ input: NewUser, by actor: Actor?) async throws -> UserModel {
        if let actor {
            try actor.require(.administerUsers)
            try actor.require(.grantRole(input.role))
        }
        let username = try rule { try AccountRules.normalizedUsername(input.username) }
        let displayName = try rule { try AccountRules.normalizedDisplayName(input.displayName) }
        let phoneExtension = try rule { try AccountRules.normalizedExtension(input.phoneExtension) }
        try rule { try AccountRules.checkPassword(input.password, username: username) }
        try await checkUnique(username: username, phoneExtension: phoneExtension, except: nil)
        let hash = try await hasher.hash(input.password)
        let user = UserModel(
            username: username, displayName: displayName, role: input.role, phoneExtension: phoneExtension,
            passwordHash: hash)
        try await db.writeTransaction { db in
            try await user.create(on: db)
            try await AuditService(db: db).record(
                .userCreated, by: actor, target: username, detail: "role=\(input.role.rawValue)")
        }
        return user
    }

    func update(_ id: UUID, _ changes: Changes, by actor: Actor) async throws -> UserModel {
        let user = try await find(id, by: actor)
        try actor.require(.manageUser(role: user.role))
        var notes: [String] = []
        if let displayName = changes.displayName {
            user.displayName = try rule { try AccountRules.normalizedDisplayName(displayName) }
        }
        if let phoneExtension = changes.phoneExtension {
            let value = try rule { try AccountRules.normalizedExtension(phoneExtension) }
            if value != user.phoneExtension {
                try await checkUnique(username: nil, phoneExtension: value, except: id)
                notes.append("extension=\(value ?? "-")")
                user.phoneExtension = value
            }
        }
        if let language = changes.language { user.language = language }
        if let theme = changes.theme { user.theme = theme }
        if let role = changes.role, role != user.role {
            try actor.require(.grantRole(role))
            let admins = try await adminCount()
            try rule { try AccountRules.checkKeepsAnAdmin(currentRole: user.role, newRole: role, adminCount: admins) }
            notes.append("role=\(user.role.rawValue)→\(role.rawValue)")
            user.role = role
        }
        let detail = notes.joined(separator: ", ")
        try await db.writeTransaction { db in
            try await user.save(on: db)
            try await AuditService(db: db).record(.userUpdated, by: actor, target: user.username, detail: detail)
        }
        return user
    }

    func resetPassword(_ id: UUID, to password: String, by actor: Actor) async throws {
        let user = try await find(id, by: actor)
        try actor.require(.manageUser(role: user.role))
        try rule { try AccountRules.checkPassword(password, username: user.username) }
        user.passwordHash = try await hasher.hash(password)
        // A reset password signs the account out everywhere.
        user.sessionEpoch += 1
        try await db.writeTransaction { db in
            try await user.save(on: db)
            try await AuditService(db: db).record(.passwordReset, by: actor, target: user.username)
        }
    }

    func delete(_ id: UUID, by actor: Actor) async throws {
        let user = try await find(id, by: actor)
        try actor.require(.manageUser(role: user.role))
        guard user.id != actor.user.id else { throw SwitchboardError.invalid(.cannotDeleteYourself) }
        let admins = try await adminCount()
        try rule { try AccountRules.checkKeepsAnAdmin(currentRole: user.role, newRole: nil, adminCount: admins) }
        try await db.writeTransaction { db in
            try await user.delete(on: db)
            try await AuditService(db: db).record(.userDeleted, by: actor, target: user.username)
        }
    }

    private func adminCount() async throws -> Int { try await UserModel.adminCount(on: db) }

    private func checkUnique(username: String?, phoneExtension: String?, except id: UUID?) async throws {
        if let username, try await UserModel.find(username: username, on: db) != nil {
            throw SwitchboardError.usernameTaken
        }
        if let phoneExtension {
            var query = UserModel.query(on: db).filter(\.$phoneExtension == phoneExtension)
            if let id { query = query.filter(\.$id != id) }
            if try await query.first() != nil { throw SwitchboardError.extensionTaken }
        }
    }
}

extension UserService {
    /// Anyone may change their own language and theme.
    func updateOwnPreferences(language: Language?, theme: Theme, by actor: Actor) async throws -> UserModel {
        let user = actor.user
        user.language = language
        user.theme = theme
        try await user.save(on: db)
        return user
    }
}

extension UserService {
    /// Changes the actor's own password. Every session of the account is invalidated; the caller
    /// keeps its current session by storing the returned epoch.
    func changeOwnPassword(current: String, new: String, confirmation: String, by actor: Actor) async throws
        -> UserModel
    {
        let user = actor.user
        guard try await hasher.verify(current, created: user.passwordHash) else {
            throw SwitchboardError.invalid(.currentPasswordWrong)
        }
        try rule { try AccountRules.checkPassword(new, username: user.username) }
        guard new != current else { throw SwitchboardError.invalid(.passwordEqualsCurrent) }
        guard new == confirmation else { throw SwitchboardError.invalid(.passwordsDiffer) }
        user.passwordHash = try await hasher.hash(new)
        user.sessionEpoch += 1
        try await db.writeTransaction { db in
            try await user.save(on: db)
            try await AuditService(db: db).record(.passwordChanged, by: actor, target: user.username)
        }
        return user
    }
}
