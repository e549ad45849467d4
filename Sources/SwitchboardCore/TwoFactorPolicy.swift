/// Which roles must sign in with a second factor, as an admin set it. A user of such a role who has none is sent to
/// set one up before anything else.
public struct TwoFactorPolicy: Equatable, Sendable {
    public var requiredRoles: Set<Role>

    public init(requiredRoles: Set<Role> = []) { self.requiredRoles = requiredRoles }

    /// As stored: role names separated by commas (unknown names are ignored).
    public init(stored: String) {
        requiredRoles = Set(stored.split(separator: ",").compactMap { Role(rawValue: String($0)) })
    }

    public var stored: String { requiredRoles.map(\.rawValue).sorted().joined(separator: ",") }

    public func requires(_ role: Role) -> Bool { requiredRoles.contains(role) }
}
