import Fluent
import Foundation

final class AuditEventModel: Model, @unchecked Sendable {
    static let schema = "audit_events"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Field(key: "occurred_at") var occurredAt: Date

    // data fields
    /// The acting user, kept as a plain value so the trail survives the user's deletion.
    @OptionalField(key: "actor_id") var actorID: UUID?
    @OptionalField(key: "actor_name") var actorName: String?
    @Field(key: "action") var action: String
    @OptionalField(key: "target") var target: String?
    @OptionalField(key: "detail") var detail: String?
    @OptionalField(key: "client_address") var clientAddress: String?

    init() {}

    init(
        occurredAt: Date = Date(), actorID: UUID?, actorName: String?, action: String, target: String?,
        detail: String?, clientAddress: String?
    ) {
        self.occurredAt = occurredAt
        self.actorID = actorID
        self.actorName = actorName
        self.action = action
        self.target = target
        self.detail = detail
        self.clientAddress = clientAddress
    }
}
