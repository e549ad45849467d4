import Fluent
import Foundation

/// One failed sign-in, counted against an account (`user:NAME`) and a client address (`ip:ADDR`).
/// Kept in the database so every instance behind a load balancer sees the same counts.
final class LoginFailureModel: Model, @unchecked Sendable {
    static let schema = "login_failures"

    // managed fields
    @ID(key: .id) var id: UUID?

    // data fields
    @Field(key: "throttle_key") var key: String
    @Field(key: "failed_at") var failedAt: Date

    init() {}

    init(key: String, failedAt: Date) {
        self.key = key
        self.failedAt = failedAt
    }
}
