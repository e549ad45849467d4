import SwitchboardCore
import Vapor

/// Who is acting, and from where: what every service needs to decide and to audit.
struct Actor: Sendable {
    let user: UserModel
    let clientAddress: String?

    var role: Role { user.role }

    func require(_ action: Action) throws(SwitchboardError) {
        guard AccessPolicy.allows(user.role, action) else { throw .forbidden }
    }
}

extension Request {
    /// The signed-in user as an `Actor`, or `.notSignedIn`.
    func actor() throws(SwitchboardError) -> Actor {
        guard let user = auth.get(UserModel.self) else { throw .notSignedIn }
        return Actor(user: user, clientAddress: clientAddress)
    }

    var passwordHasher: PasswordHashing { application.passwordHashing }
}
