import SwitchboardCore
import Vapor

/// `switchboard user create|list|set-role|reset-password`: account care from the shell, for when
/// nobody can sign in. Runs with full rights; every change is audited as done by the console.
struct UserCommand: AsyncCommandGroup {
    var help: String { "Manage accounts: create, list, set-role, reset-password" }

    var commands: [String: any AnyAsyncCommand] {
        [
            "create": CreateUserCommand(), "list": ListUsersCommand(), "set-role": SetRoleCommand(),
            "reset-password": ResetPasswordCommand(),
        ]
    }
}

/// A refusal explained in words, for the console.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
}

extension CommandContext {
    /// Runs `body`, turning the application's errors into their English message.
    func explainingErrors(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as SwitchboardError {
            let message = application.localization.text(error.messageKey, in: .en, error.arguments)
            throw CommandFailure(description: error.field.map { "\($0): \(message)" } ?? message)
        }
    }

    /// The console acts as an admin that is not a stored account.
    var consoleActor: Actor {
        let console = UserModel(
            username: "console", displayName: "Console", role: .admin, phoneExtension: nil, passwordHash: "")
        console.id = UUID()
        return Actor(user: console, clientAddress: nil)
    }

    var userService: UserService { UserService(db: application.db, hasher: application.passwordHashing) }

    func user(named username: String) async throws -> UserModel {
        guard let user = try await UserModel.find(username: username, on: application.db) else {
            throw SwitchboardError.notFound
        }
        return user
    }

    /// Reads a password without echo, twice, when it was not given as an option.
    func password(_ given: String?) throws -> String {
        if let given { return given }
        let first = console.ask("Password (10 characters or more):", isSecure: true)
        let second = console.ask("Repeat password:", isSecure: true)
        guard first == second else { throw SwitchboardError.invalid(.passwordsDiffer) }
        return first
    }
}

struct CreateUserCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "username", help: "Sign-in name: lower-case letters, digits, . _ -")
        var username: String
        @Option(name: "display-name", help: "Name shown to people (default: the username)")
        var displayName: String?
        @Option(name: "role", help: "admin, sub-admin or subscriber (default: subscriber)")
        var role: String?
        @Option(name: "extension", help: "Internal extension, 2 to 8 digits")
        var phoneExtension: String?
        @Option(name: "password", help: "Password; asked for when absent")
        var password: String?
    }

    var help: String { "Create an account" }

    func run(using context: CommandContext, signature: Signature) async throws {
        try await context.explainingErrors {
            guard let role = Role(rawValue: signature.role ?? Role.subscriber.rawValue) else {
                throw SwitchboardError.badRequest
            }
            let user = try await context.userService.create(
                .init(
                    username: signature.username, displayName: signature.displayName ?? signature.username, role: role,
                    phoneExtension: signature.phoneExtension, password: try context.password(signature.password)),
                by: context.consoleActor)
            context.console.output("Created \(user.username) (\(user.role.rawValue)).")
        }
    }
}

struct ListUsersCommand: AsyncCommand {
    struct Signature: CommandSignature {}

    var help: String { "List accounts: username, role, extension, display name" }

    func run(using context: CommandContext, signature: Signature) async throws {
        try await context.explainingErrors {
            for user in try await context.userService.list(by: context.consoleActor) {
                let columns = [
                    user.username.padding(toLength: 20, withPad: " ", startingAt: 0),
                    user.role.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0),
                    (user.phoneExtension ?? "-").padding(toLength: 9, withPad: " ", startingAt: 0),
                    user.displayName,
                ]
                context.console.output(columns.joined(separator: " ").consoleText())
            }
        }
    }
}

struct SetRoleCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "username", help: "The account")
        var username: String
        @Argument(name: "role", help: "admin, sub-admin or subscriber")
        var role: String
    }

    var help: String { "Change an account's role (the last admin cannot be demoted)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        try await context.explainingErrors {
            guard let role = Role(rawValue: signature.role) else { throw SwitchboardError.badRequest }
            let user = try await context.user(named: signature.username)
            _ = try await context.userService.update(
                try user.requireID(), .init(role: role), by: context.consoleActor)
            context.console.output("\(user.username) is now \(role.rawValue).")
        }
    }
}

struct ResetPasswordCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "username", help: "The account")
        var username: String
        @Option(name: "password", help: "New password; asked for when absent")
        var password: String?
    }

    var help: String { "Set a new password; the account is signed out everywhere" }

    func run(using context: CommandContext, signature: Signature) async throws {
        try await context.explainingErrors {
            let user = try await context.user(named: signature.username)
            try await context.userService.resetPassword(
                try user.requireID(), to: try context.password(signature.password), by: context.consoleActor)
            context.console.output("Password of \(user.username) changed.")
        }
    }
}
