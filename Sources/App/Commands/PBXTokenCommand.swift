import Fluent
import Vapor

/// `switchboard pbx-token create NAME | list | revoke ID`: tokens for the telephone system.
struct PBXTokenCommand: AsyncCommandGroup {
    var help: String { "Manage PBX API tokens: create, list, revoke" }

    var commands: [String: any AnyAsyncCommand] {
        ["create": CreatePBXTokenCommand(), "list": ListPBXTokensCommand(), "revoke": RevokePBXTokenCommand()]
    }
}

extension CommandContext {
    var pbxTokenService: PBXTokenService {
        PBXTokenService(db: application.db, cache: application.pbxTokenCache)
    }
}

struct CreatePBXTokenCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "name", help: "What the token is for, e.g. kamailio-1")
        var name: String
        @Flag(name: "quiet", short: "q", help: "Print the secret only")
        var quiet: Bool
    }

    var help: String { "Create a PBX token and print its secret (shown once)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        try await context.explainingErrors {
            let created = try await context.pbxTokenService.create(name: signature.name, by: context.consoleActor)
            if signature.quiet {
                context.console.output(created.secret.consoleText())
            } else {
                context.console.output(
                    "PBX token “\(created.token.name)” created. Its secret, shown once:".consoleText())
                context.console.output(created.secret.consoleText())
            }
        }
    }
}

struct ListPBXTokensCommand: AsyncCommand {
    struct Signature: CommandSignature {}

    var help: String { "List PBX tokens: id, name, prefix, last use" }

    func run(using context: CommandContext, signature: Signature) async throws {
        for token in try await context.pbxTokenService.list() {
            let used = token.lastUsedAt.map { ISO8601DateFormatter().string(from: $0) } ?? "never"
            context.console.output(
                "\(token.id?.uuidString ?? "")\t\(token.name)\t\(token.prefix)…\t\(used)".consoleText())
        }
    }
}

struct RevokePBXTokenCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "id", help: "The token's id (see list)")
        var id: String
    }

    var help: String { "Revoke a PBX token" }

    func run(using context: CommandContext, signature: Signature) async throws {
        try await context.explainingErrors {
            guard let id = UUID(uuidString: signature.id) else { throw SwitchboardError.notFound }
            try await context.pbxTokenService.revoke(id, by: context.consoleActor)
            context.console.output("Revoked.".consoleText())
        }
    }
}
