import Fluent
import Foundation
import SwitchboardCore

/// One of a user's three forwarding rules; one row per (user, kind).
final class ForwardingRuleModel: Model, @unchecked Sendable {
    static let schema = "forwarding_rules"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    // data fields
    /// `unconditional`, `internal` or `external` (`ForwardingRuleKind`).
    @Field(key: "kind") var kind: String
    @Field(key: "enabled") var enabled: Bool
    /// `extension`, `external` or `voicemail`; `nil` when no destination is stored.
    @OptionalField(key: "destination_kind") var destinationKind: String?
    @OptionalField(key: "destination_value") var destinationValue: String?
    @Field(key: "rings") var rings: Int

    // relationships
    @Parent(key: "user_id") var user: UserModel

    init() {}

    init(userID: UUID, kind: ForwardingRuleKind) {
        self.$user.id = userID
        self.kind = kind.rawValue
        self.enabled = false
        self.rings = ForwardingRule().rings
    }
}

extension ForwardingRuleModel {
    var destination: ForwardingDestination? {
        get {
            switch (destinationKind, destinationValue) {
            case ("extension", let value?): .phoneExtension(value)
            case ("external", let value?): .external(value)
            case ("voicemail", _): .voicemail
            default: nil
            }
        }
        set {
            switch newValue {
            case .phoneExtension(let value): (destinationKind, destinationValue) = ("extension", value)
            case .external(let value): (destinationKind, destinationValue) = ("external", value)
            case .voicemail: (destinationKind, destinationValue) = ("voicemail", nil)
            case nil: (destinationKind, destinationValue) = (nil, nil)
            }
        }
    }

    func toDomain() -> ForwardingRule {
        ForwardingRule(enabled: enabled, destination: destination, rings: rings)
    }

    /// The three rules of a user as domain settings (missing rows are rules never set: off).
    static func settings(for userID: UUID, on db: any Database) async throws -> ForwardingSettings {
        var settings = ForwardingSettings()
        for row in try await query(on: db).filter(\.$user.$id == userID).all() {
            if let kind = ForwardingRuleKind(rawValue: row.kind) { settings[kind] = row.toDomain() }
        }
        return settings
    }
}
