import Fluent
import SwitchboardCore
import Vapor

/// `switchboard contact-groups list|create|grant`: contact groups and rights from the shell
/// (provisioning scripts, benchmarks). Same services and rules as the pages.
struct ContactGroupsCommand: AsyncCommandGroup {
    var help: String { "Manage contact groups: list, create, grant, link, sync" }

    var commands: [String: any AnyAsyncCommand] {
        [
            "list": ListContactGroupsCommand(), "create": CreateContactGroupCommand(), "grant": GrantCommand(),
            "link": LinkGroupCommand(), "sync": SyncLinkedGroupCommand(),
        ]
    }
}

extension CommandContext {
    var contactGroupService: ContactGroupService {
        ContactGroupService(db: application.db, maximumLinkedGroups: application.config.maximumLinkedGroups)
    }

    func group(named name: String) async throws -> ContactGroupModel {
        guard let group = try await ContactGroupModel.query(on: application.db).filter(\.$name == name).first() else {
            throw SwitchboardError.notFound
        }
        return group
    }
}

struct ListContactGroupsCommand: AsyncCommand {
    struct Signature: CommandSignature {}

    var help: String { "List contact groups with their kind and number of contacts" }

    func run(using context: CommandContext, signature: Signature) async throws {
        for group in try await context.contactGroupService.list(by: context.consoleActor) {
            context.say("\(group.name)\t\(group.kind.rawValue)\t\(group.memberCount)")
        }
    }
}

struct CreateContactGroupCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "name", help: "Group name, 1 to 100 characters, unique")
        var name: String
        @Option(name: "kind", help: "standard, dect, linked or phonebook-v1 (default: standard)")
        var kind: String?
    }

    var help: String { "Create a contact group" }

    func run(using context: CommandContext, signature: Signature) async throws {
        try await context.explainingErrors {
            guard let kind = ContactGroupKind(rawValue: signature.kind ?? "standard") else {
                throw SwitchboardError.badRequest
            }
            let group = try await context.contactGroupService.create(
                name: signature.name, kind: kind, by: context.consoleActor)
            context.say("Created \(group.kind.rawValue) group “\(group.name)”.")
        }
    }
}

struct GrantCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "username", help: "The subscriber")
        var username: String
        @Argument(name: "group", help: "The contact group's name")
        var group: String
        @Option(name: "right", help: "read, write or none (default: read)")
        var right: String?
        @Flag(name: "standard", help: "Make it the group the subscriber's new contacts land in")
        var standard: Bool
    }

    var help: String { "Give a subscriber read or write right on a contact group (or take it away)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        try await context.explainingErrors {
            let raw = signature.right ?? "read"
            guard raw == "none" || GroupRight(rawValue: raw) != nil else { throw SwitchboardError.badRequest }
            let user = try await context.user(named: signature.username)
            let group = try await context.group(named: signature.group)
            try await context.contactGroupService.setRight(
                GroupRight(rawValue: raw), isStandard: signature.standard, for: user.requireID(),
                on: group.requireID(), by: context.consoleActor)
            context.say("\(user.username): \(raw) on “\(group.name)”\(signature.standard ? " (standard group)" : "").")
        }
    }
}

struct SyncLinkedGroupCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "name", help: "The linked contact group's name")
        var name: String
    }

    var help: String { "Synchronise a linked contact group with its CardDAV address book now" }

    func run(using context: CommandContext, signature: Signature) async throws {
        try await context.explainingErrors {
            let group = try await context.group(named: signature.name)
            let start = ContinuousClock.now
            let outcome = try await context.application.linkedSourceService(on: context.application.db)
                .syncNow(group.requireID(), by: context.consoleActor)
            if let error = outcome.error { throw SwitchboardError.carddav(error) }
            let elapsed = (ContinuousClock.now - start).components
            let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
            context.say(
                "“\(group.name)”: \(outcome.created) created, \(outcome.updated) updated, \(outcome.deleted) deleted, "
                    + "\(outcome.failed) failed (\(String(format: "%.2f", seconds)) s).")
        }
    }
}

/// `switchboard contact-groups link NAME --url URL --username USER`: a linked group's CardDAV
/// source from the shell. The password (or refresh token) comes from `SWITCHBOARD_LINK_SECRET`,
/// never from the command line, which other users of the machine can read.
struct LinkGroupCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "name", help: "The linked contact group's name")
        var name: String
        @Option(name: "url", help: "The address book's URL, or the server's (its address books are discovered)")
        var url: String?
        @Option(name: "username", help: "The account's user name")
        var username: String?
        @Option(name: "interval", help: "Minutes between synchronisations, 5 to 10080 (default 60)")
        var interval: String?
    }

    var help: String { "Set a linked group's CardDAV address book; the password is read from SWITCHBOARD_LINK_SECRET" }

    func run(using context: CommandContext, signature: Signature) async throws {
        try await context.explainingErrors {
            let group = try await context.group(named: signature.name)
            let settings = LinkedSourceService.Settings(
                serverURL: signature.url ?? "", username: signature.username ?? "",
                secret: ProcessInfo.processInfo.environment["SWITCHBOARD_LINK_SECRET"] ?? "",
                intervalMinutes: signature.interval ?? "60")
            let source = try await context.application.linkedSourceService(on: context.application.db)
                .configure(group.requireID(), settings, by: context.consoleActor)
            context.say("“\(group.name)” mirrors \(source.addressBookURL ?? "?").")
        }
    }
}
