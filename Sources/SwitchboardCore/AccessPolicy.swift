/// Everything a user may try that the policy has an opinion on.
public enum Action: Sendable, Equatable {
    /// Open the user administration pages or API.
    case administerUsers
    /// Create, edit, reset the password of, or delete an account holding `role`.
    case manageUser(role: Role)
    /// Give an account `role`.
    case grantRole(Role)
    case viewAuditLog
    case manageContactGroups
    case changeSystemSettings
}

/// The one place that decides who may do what. Web pages, the API and commands all ask here;
/// templates only hide what this already forbids.
public enum AccessPolicy {
    public static func allows(_ actor: Role, _ action: Action) -> Bool {
        switch (actor, action) {
        case (.admin, _):
            true
        case (.subAdmin, .administerUsers), (.subAdmin, .manageContactGroups):
            true
        // A sub-admin manages subscribers and fellow sub-admins, never admins.
        case (.subAdmin, .manageUser(let role)), (.subAdmin, .grantRole(let role)):
            role != .admin
        case (.subAdmin, .viewAuditLog), (.subAdmin, .changeSystemSettings):
            false
        case (.subscriber, _):
            false
        }
    }
}
