import Fluent
import Foundation
import NIOConcurrencyHelpers
import SwitchboardCore

/// The roles that must use two-factor sign-in, asked on every page: remembered for a few seconds rather than read each
/// time. A change made on this instance is seen at once; on another, within `lifetime`.
final class TwoFactorPolicyCache: Sendable {
    private let lifetime: TimeInterval
    private let cached = NIOLockedValueBox<(policy: TwoFactorPolicy, until: Date)?>(nil)

    init(lifetime: TimeInterval = 5) { self.lifetime = lifetime }

    func policy(on db: any Database, now: Date = Date()) async throws -> TwoFactorPolicy {
        if let known = cached.withLockedValue({ $0 }), known.until > now { return known.policy }
        let policy = try await TwoFactorService(db: db).policy()
        cached.withLockedValue { $0 = (policy, now.addingTimeInterval(lifetime)) }
        return policy
    }

    func forget() { cached.withLockedValue { $0 = nil } }
}
