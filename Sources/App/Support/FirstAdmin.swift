import Fluent
import Vapor

/// On the very first start, with no account at all, creates `admin` so somebody can sign in.
enum FirstAdmin {
    static let username = "admin"

    /// Returns the generated password when one had to be made up, so the caller can show it once.
    @discardableResult
    static func ensure(on app: Application) async throws -> String? {
        guard try await UserModel.query(on: app.db).count() == 0 else { return nil }
        let configured = app.config.adminPassword
        let password = configured ?? TokenService.randomURLSafe(bytes: 12)
        _ = try await UserService(db: app.db, hasher: app.passwordHashing).create(
            .init(
                // Named by its user name, which reads the same in every language ("Administrator" was English on French
                // pages); the administrator gives it a person's name in the profile.
                username: username, displayName: username, role: .admin, phoneExtension: nil,
                password: password),
            by: nil)
        if configured == nil {
            // Printed, not logged: it must reach the person starting the server, once.
            print(
                """

                ================================================================
                 Switchboard created the first account.
                   username: \(username)
                   password: \(password)
                 This password is shown only now. Change it after signing in.
                ================================================================

                """)
            return password
        }
        app.logger.notice("Created the first account '\(username)' with SWITCHBOARD_ADMIN_PASSWORD.")
        return nil
    }
}
