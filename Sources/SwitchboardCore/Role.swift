/// What a signed-in person may do in Switchboard; see `AccessPolicy`.
public enum Role: String, CaseIterable, Codable, Sendable, Comparable {
    case admin
    case subAdmin = "sub-admin"
    case subscriber

    /// Higher rank means more power: admin > sub-admin > subscriber.
    public var rank: Int {
        switch self {
        case .admin: 2
        case .subAdmin: 1
        case .subscriber: 0
        }
    }

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }
}
