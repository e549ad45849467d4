import Fluent
import SwitchboardCore
import Vapor

/// Call forwarding of one user: their own, or any user's for admins helping them.
struct ForwardingService {
    let db: any Database

    func settings(of user: UserModel, by actor: Actor) async throws -> ForwardingSettings {
        try authorize(actor, for: user)
        return try await ForwardingRuleModel.settings(for: user.requireID(), on: db)
    }

    func update(_ settings: ForwardingSettings, of user: UserModel, by actor: Actor) async throws {
        try authorize(actor, for: user)
        let userID = try user.requireID()
        var normalized = settings
        for kind in ForwardingRuleKind.allCases {
            if case .external(let number) = normalized[kind].destination {
                normalized[kind].destination = .external(PhoneNumber.normalized(number) ?? number)
            }
        }
        let known = Set(
            try await UserModel.query(on: db).filter(\.$phoneExtension != nil).all().compactMap(\.phoneExtension))
        // Every other user's active forwards to an extension: the edges a loop could run along.
        let edges = try await ForwardingRuleModel.query(on: db)
            .filter(\.$enabled == true).filter(\.$destinationKind == "extension").with(\.$user).all()
        var others: [String: [String]] = [:]
        for edge in edges where edge.$user.id != userID {
            if let from = edge.user.phoneExtension, let to = edge.destinationValue {
                others[from, default: []].append(to)
            }
        }
        let checked = normalized
        try rule {
            try ForwardingValidation.check(
                checked, owner: user.phoneExtension, knownExtensions: known, otherForwards: others)
        }
        try await db.writeTransaction { db in
            let rows = try await ForwardingRuleModel.query(on: db).filter(\.$user.$id == userID).all()
            for (kind, rule) in checked.rules {
                let row = rows.first { $0.kind == kind.rawValue } ?? ForwardingRuleModel(userID: userID, kind: kind)
                row.enabled = rule.enabled
                row.destination = rule.destination
                row.rings = rule.rings
                try await row.save(on: db)
            }
            try await AuditService(db: db).record(
                .forwardingChanged, by: actor, target: user.username, detail: Self.describe(checked))
        }
    }

    /// Admins and sub-admins may look after the forwarding of those they manage (support cases).
    private func authorize(_ actor: Actor, for user: UserModel) throws {
        if actor.user.id == user.id { return }
        try actor.require(.manageUser(role: user.role))
    }

    /// A compact trace for the audit log: `unconditional=off internal=on:ext:202/3 …`.
    static func describe(_ settings: ForwardingSettings) -> String {
        return settings.rules.map { kind, rule in
            let target: String =
                switch rule.destination {
                case .phoneExtension(let value): "ext:\(value)"
                case .external(let value): "tel:\(value)"
                case .voicemail: "voicemail"
                case nil: "-"
                }
            return "\(kind.rawValue)=\(rule.enabled ? "on" : "off"):\(target)/\(rule.rings)"
        }.joined(separator: " ")
    }
}
