import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Signing in and out")
struct SignInTests {
    @Test("the first admin exists with the configured password and can sign in")
    func firstAdminSignsIn() async throws {
        try await withApp { app in
            // given
            let browser = Browser(app)
            // when
            let response = try await browser.signIn("admin", TestEnvironment.adminPassword)
            // then
            #expect(response.status == .seeOther)
            let home = try await browser.get(Paths.contacts.path)
            #expect(home.status == .ok)
            #expect(home.body.string.contains("data-testid=\"account-name\">admin<"))
        }
    }

    @Test("the session cookie is HttpOnly and SameSite=Lax")
    func sessionCookieAttributes() async throws {
        try await withApp { app in
            let browser = Browser(app)
            let response = try await browser.signIn("admin", TestEnvironment.adminPassword)
            let cookie = try #require(response.headers[.setCookie].first { $0.hasPrefix("switchboard_session=") })
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Lax"))
        }
    }

    @Test("a wrong password and an unknown user get the same generic message")
    func genericFailureMessage() async throws {
        try await withApp { app in
            let browser = Browser(app)
            let wrongPassword = try await browser.signIn("admin", "not-the-password")
            let unknownUser = try await browser.signIn("nobody", "not-the-password")
            #expect(wrongPassword.status == .unauthorized)
            #expect(unknownUser.status == .unauthorized)
            #expect(wrongPassword.body.string.contains("Wrong username or password."))
            #expect(unknownUser.body.string.contains("Wrong username or password."))
            #expect(try await browser.get(Paths.contacts.path).status == .seeOther)
        }
    }

    @Test("repeated failures on one account are throttled, even with the right password")
    func throttlesPerAccount() async throws {
        try await withApp { app in
            let browser = Browser(app)
            for _ in 0..<5 { try await browser.signIn("admin", "wrong-password") }
            let blocked = try await browser.signIn("admin", TestEnvironment.adminPassword)
            #expect(blocked.status == .tooManyRequests)
            #expect(blocked.body.string.contains("Too many failed sign-ins"))
            // Another account from the same address is not blocked yet.
            try await app.makeUser("zoe")
            #expect(try await browser.signIn("zoe", "password-123").status == .seeOther)
        }
    }

    @Test("repeated failures from one address are throttled across accounts")
    func throttlesPerAddress() async throws {
        var config = TestEnvironment.config()
        config.throttle.maxFailuresPerAddress = 3
        try await withApp(config: config) { app in
            let browser = Browser(app)
            for name in ["a1", "a2", "a3"] { try await browser.signIn(name, "wrong-password") }
            #expect(try await browser.signIn("admin", TestEnvironment.adminPassword).status == .tooManyRequests)
        }
    }

    @Test("a form without the CSRF token is refused")
    func csrfRequired() async throws {
        try await withApp { app in
            let browser = Browser(app)
            try await browser.get(Paths.signIn.path)
            let response = try await browser.post(
                Paths.signIn.path, ["username": "admin", "password": TestEnvironment.adminPassword], withCSRF: false)
            #expect(response.status == .forbidden)
            #expect(response.body.string.contains("This form has expired"))
        }
    }

    @Test("signing out ends the session")
    func signOut() async throws {
        try await withApp { app in
            let browser = Browser(app)
            try await browser.signIn("admin", TestEnvironment.adminPassword)
            try await browser.get(Paths.contacts.path)
            #expect(try await browser.post(Paths.signOut.path, [:]).status == .seeOther)
            let after = try await browser.get(Paths.contacts.path)
            #expect(after.status == .seeOther)
            #expect(after.headers.first(name: .location)?.hasPrefix(Paths.signIn.path) == true)
        }
    }

    @Test("sign-in, failure and sign-out are in the audit log")
    func auditTrail() async throws {
        try await withApp { app in
            let browser = Browser(app)
            try await browser.signIn("admin", "wrong-password")
            try await browser.signIn("admin", TestEnvironment.adminPassword)
            let actions = try await AuditEventModel.query(on: app.db).all().map(\.action)
            #expect(actions.contains(AuditAction.signInFailed.rawValue))
            #expect(actions.contains(AuditAction.signInSucceeded.rawValue))
            let page = try await browser.get(Paths.audit.path)
            #expect(page.body.string.contains("Failed sign-in"))
        }
    }

    @Test("two instances on one database share sign-ins")
    func sharedSessions() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sb-\(UUID()).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        let database: AppConfig.Database =
            TestEnvironment.database == .sqliteMemory ? .sqliteFile(file) : TestEnvironment.database
        let config = TestEnvironment.config(database: database)
        try await withApp(config: config) { first in
            let browser = Browser(first)
            try await browser.signIn("admin", TestEnvironment.adminPassword)
            try await withApp(config: config, revert: false) { second in
                let other = Browser(second)
                other.cookies = browser.cookies
                let page = try await other.get(Paths.settings.path)
                #expect(page.status == .ok)
                #expect(page.body.string.contains("data-testid=\"account-name\">admin<"))
            }
        }
    }
}
