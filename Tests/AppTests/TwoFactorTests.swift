import Fluent
import Foundation
import SwitchboardCore
import Testing
import Vapor
import VaporTesting

@testable import App

/// Two-factor sign-in (#16): TOTP as RFC 6238 computes it, enrolment, the second step of signing in, recovery codes,
/// remembered browsers, an admin's reset and the roles that must use it.
@Suite("Two-factor sign-in")
struct TwoFactorTests {
    @Test("TOTP gives RFC 6238's SHA-1 test vectors")
    func rfcVectors() {
        let secret = Array("12345678901234567890".utf8)
        let vectors: [(TimeInterval, String)] = [
            (59, "94287082"), (1_111_111_109, "07081804"), (1_111_111_111, "14050471"), (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"), (20_000_000_000, "65353130"),
        ]
        for (time, code) in vectors {
            let counter = TOTP.counter(at: Date(timeIntervalSince1970: time))
            #expect(TOTP.code(secret: secret, counter: counter, digits: 8) == code)
        }
        #expect(TOTP.code(secret: secret, counter: 1) == "287082")
        #expect(TOTP.matchingCounter("287 082", secret: secret, at: Date(timeIntervalSince1970: 59)) == 1)
        #expect(TOTP.matchingCounter("287082", secret: secret, at: Date(timeIntervalSince1970: 200)) == nil)
    }

    /// The code an authenticator app shows now for the user's secret.
    private func currentCode(_ app: Application, _ user: UserModel, offset: Int64 = 0) async throws -> String {
        let model = try #require(try await TwoFactorService(db: app.db).authenticator(of: user.requireID()))
        return TOTP.code(secret: try #require(Base32.decode(model.secret)), counter: TOTP.counter(at: Date()) + offset)
    }

    /// A new browser that typed ada's right password: it is on the code step.
    private func atCodeStep(_ app: Application) async throws -> Browser {
        let browser = Browser(app)
        try await browser.get(Paths.signIn.path)
        let password = try await browser.post(Paths.signIn.path, ["username": "ada", "password": "password-123"])
        #expect(password.headers.first(name: .location) == Paths.signInCode.path)
        try await browser.get(Paths.signInCode.path)
        return browser
    }

    /// Signs `username` in through the pages and sets up two-factor sign-in; answers the recovery codes shown.
    private func enrol(_ app: Application, _ browser: Browser, _ user: UserModel) async throws -> [String] {
        try await browser.get(Paths.settingsTwoFactor.path)
        let start = try await browser.post(Paths.settingsTwoFactorStart.path, [:])
        #expect(start.status == .seeOther)
        let page = try await browser.get(Paths.settingsTwoFactor.path).body.string
        #expect(page.contains("data-testid=\"two-factor-qr\"") && page.contains("data:image/svg+xml;base64,"))
        let wrong = try await browser.post(Paths.settingsTwoFactorConfirm.path, ["code": "000000"])
        #expect(wrong.status == .unprocessableEntity)
        let confirmed = try await browser.post(
            Paths.settingsTwoFactorConfirm.path, ["code": try await currentCode(app, user)])
        #expect(confirmed.status == .ok)
        let html = confirmed.body.string
        let codes = html.components(separatedBy: "<li><code>").dropFirst().compactMap {
            $0.components(separatedBy: "<").first
        }
        #expect(codes.count == 10)
        return codes
    }

    @Test("after setting it up, signing in asks for the code; a code is good once; a recovery code works once")
    func signInFlow() async throws {
        try await withApp { app in
            let ada = try await app.makeUser("ada", password: "password-123")
            let browser = Browser(app)
            try await browser.signIn("ada", "password-123")
            let recovery = try await enrol(app, browser, ada)
            try await browser.post(Paths.signOut.path, [:])

            // The password alone no longer signs in.
            let other = try await atCodeStep(app)
            #expect(try await other.get(Paths.contacts.path).status == .seeOther)
            let wrong = try await other.post(Paths.signInCode.path, ["code": "123456"])
            #expect(wrong.status == .unprocessableEntity)
            #expect(wrong.body.string.contains("This code is not right"))
            // The code used to set it up was used: the next step's code signs in.
            let code = try await currentCode(app, ada, offset: 1)
            let signedIn = try await other.post(Paths.signInCode.path, ["code": code])
            #expect(signedIn.status == .seeOther)
            #expect(try await other.get(Paths.contacts.path).status == .ok)

            // The same code again is refused; a recovery code works once.
            let third = try await atCodeStep(app)
            #expect(try await third.post(Paths.signInCode.path, ["code": code]).status == .unprocessableEntity)
            #expect(try await third.post(Paths.signInCode.path, ["code": recovery[0].uppercased()]).status == .seeOther)
            let fourth = try await atCodeStep(app)
            #expect(try await fourth.post(Paths.signInCode.path, ["code": recovery[0]]).status == .unprocessableEntity)
            let audit = try await AuditEventModel.query(on: app.db).all().map(\.action)
            #expect(audit.contains("two_factor.enable") && audit.contains("two_factor.failure"))
        }
    }

    @Test("wrong codes are throttled like wrong passwords")
    func throttled() async throws {
        try await withApp { app in
            let ada = try await app.makeUser("ada", password: "password-123")
            let browser = Browser(app)
            try await browser.signIn("ada", "password-123")
            _ = try await enrol(app, browser, ada)
            let guesser = try await atCodeStep(app)
            var statuses: [HTTPStatus] = []
            for guess in 0..<7 {
                statuses.append(
                    try await guesser.post(Paths.signInCode.path, ["code": String(format: "%06d", guess)]).status)
            }
            #expect(statuses.contains(.tooManyRequests))
            #expect(statuses.filter { $0 == .unprocessableEntity }.count <= app.config.throttle.maxFailuresPerAccount)
        }
    }

    @Test("a remembered browser skips the code for 30 days; an admin's reset turns it off and is audited")
    func rememberAndReset() async throws {
        try await withApp { app in
            let ada = try await app.makeUser("ada", password: "password-123")
            let browser = Browser(app)
            try await browser.signIn("ada", "password-123")
            _ = try await enrol(app, browser, ada)
            try await browser.post(Paths.signOut.path, [:])
            try await browser.get(Paths.signIn.path)
            try await browser.post(Paths.signIn.path, ["username": "ada", "password": "password-123"])
            try await browser.get(Paths.signInCode.path)
            let remembered = try await browser.post(
                Paths.signInCode.path, ["code": try await currentCode(app, ada, offset: 1), "remember": "yes"])
            let cookie = try #require(remembered.headers[.setCookie].first { $0.hasPrefix("switchboard_2fa=") })
            #expect(cookie.contains("HttpOnly") && cookie.contains("Max-Age=2592000"))
            try await browser.post(Paths.signOut.path, [:])
            try await browser.get(Paths.signIn.path)
            let again = try await browser.post(Paths.signIn.path, ["username": "ada", "password": "password-123"])
            #expect(again.headers.first(name: .location) == Paths.home.path)

            let admin = try await InterchangeWorld.signedIn(app, "admin")
            let form = try await admin.get(Paths.user.url(ada.requireID())).body.string
            #expect(form.contains("data-testid=\"two-factor-reset\""))
            let reset = try await admin.post(Paths.userTwoFactorReset.url(ada.requireID()), [:])
            #expect(reset.status == .seeOther)
            #expect(try await TwoFactorService(db: app.db).isEnabled(for: ada.requireID()) == false)
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$action == "two_factor.reset").count() == 1)
            // A subscriber cannot reset anyone's.
            let bob = try await app.makeUser("bob", password: "password-123")
            let bobBrowser = Browser(app)
            try await bobBrowser.signIn("bob", "password-123")
            #expect(try await bobBrowser.post(Paths.userTwoFactorReset.url(ada.requireID()), [:]).status == .forbidden)
            _ = bob
        }
    }

    @Test("a role that must use it is sent to set it up before anything else; API tokens are not affected")
    func requiredByRole() async throws {
        try await withApp { app in
            let ada = try await app.makeUser("ada", password: "password-123")
            let token = try await app.makeToken(for: ada)
            let admin = try await InterchangeWorld.signedIn(app, "admin")
            let saved = try await admin.post(Paths.twoFactorPolicy.path, pairs: [("roles[]", "subscriber")])
            #expect(saved.status == .seeOther)
            #expect(try await TwoFactorService(db: app.db).policy().requiredRoles == [.subscriber])
            // The admin's own pages are not affected (their role is not ticked).
            #expect(try await admin.get(Paths.contacts.path).status == .ok)

            let browser = Browser(app)
            try await browser.signIn("ada", "password-123")
            let blocked = try await browser.get(Paths.contacts.path)
            #expect(blocked.status == .seeOther)
            #expect(blocked.headers.first(name: .location) == Paths.settingsTwoFactor.path)
            #expect(try await browser.get(Paths.settingsTwoFactor.path).status == .ok)
            var headers = HTTPHeaders()
            headers.bearerAuthorization = .init(token: token)
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/me", headers: headers).status == .ok)

            _ = try await enrol(app, browser, ada)
            #expect(try await browser.get(Paths.contacts.path).status == .ok)
            // A sub-admin may not change the rule.
            try await app.makeUser("sue", role: .subAdmin, password: "password-123")
            let sue = Browser(app)
            try await sue.signIn("sue", "password-123")
            #expect(try await sue.post(Paths.twoFactorPolicy.path, pairs: []).status == .forbidden)
        }
    }

    @Test(
        "two requests racing with the same code: one wins; an admin cannot reset their own second factor",
        arguments: LimitsAndConcurrencyTests.concurrentStorages)
    func codesAreGoodOnce(storage: Storage) async throws {
        try await withApp(on: storage) { app in
            let adminUser = try #require(try await UserModel.find(username: "admin", on: app.db))
            let admin = Actor(user: adminUser, clientAddress: nil)
            let service = TwoFactorService(db: app.db)
            _ = try await service.begin(for: admin)
            let recovery = try await service.confirm(code: try await currentCode(app, adminUser), by: admin)
            let code = try await currentCode(app, adminUser, offset: 1)
            let adminID = try adminUser.requireID()
            for proof in [code, recovery[3]] {
                let wins = await withTaskGroup(of: Bool.self) { tasks in
                    for _ in 0..<8 {
                        tasks.addTask { (try? await TwoFactorService(db: app.db).verify(proof, for: adminID)) ?? false }
                    }
                    return await tasks.reduce(into: 0) { $0 += $1 ? 1 : 0 }
                }
                #expect(wins == 1, "\(proof)")
            }
            await #expect(throws: SwitchboardError.forbidden) { try await service.reset(adminUser, by: admin) }
        }
    }
}
