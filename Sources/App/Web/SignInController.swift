import SwitchboardCore
import Vapor

struct SignInController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(Paths.signIn.pathComponents, use: form)
        routes.post(Paths.signIn.pathComponents, use: signIn)
        routes.post(Paths.signOut.pathComponents, use: signOut)
        routes.get(Paths.language.pathComponents, use: pickLanguage)
        routes.get(Paths.signInCode.pathComponents, use: codeForm)
        routes.post(Paths.signInCode.pathComponents, use: checkCode)
        routes.get(Paths.home.pathComponents) { req in req.redirect(to: Paths.contacts.path) }
    }

    struct FormPage: Encodable {
        var username = ""
        var next = Paths.home.path
        var error: String?
    }

    struct Credentials: Content {
        let username: String
        let password: String
        let next: String?
    }

    func form(req: Request) async throws -> Response {
        if req.currentUser != nil { return req.redirect(to: Paths.home.path) }
        let next = Paths.safeRedirect(req.query[String.self, at: "next"])
        return try await req.render("sign-in", titleKey: "signin.title", section: "signIn", FormPage(next: next))
    }

    func signIn(req: Request) async throws -> Response {
        let credentials = try req.content.decode(Credentials.self)
        let next = Paths.safeRedirect(credentials.next)
        do {
            let user = try await req.signInService.signIn(
                username: credentials.username, password: credentials.password, clientAddress: req.clientAddress)
            let twoFactor = req.twoFactorService
            if try await twoFactor.isEnabled(for: user.requireID()),
                try await !twoFactor.isRemembered(req.cookies[Self.rememberCookie]?.string, for: user.requireID())
            {
                try await SessionAuthenticator.startSecondFactor(user, next: next, on: req)
                return req.redirect(to: Paths.signInCode.path)
            }
            try await SessionAuthenticator.signIn(user, on: req)
            return req.redirect(to: next)
        } catch let error as SwitchboardError
            where error == .wrongCredentials || error == .busy || error.status == .tooManyRequests
        {
            let page = FormPage(
                username: credentials.username, next: next, error: req.message(for: error))
            return try await req.render(
                "sign-in", titleKey: "signin.title", section: "signIn", page, status: error.status)
        }
    }

    // MARK: second factor

    /// The cookie of a browser that may skip the code for 30 days.
    static let rememberCookie = "switchboard_2fa"

    struct CodePage: Encodable {
        let action = Paths.signInCode.path
        let error: String?
    }

    struct CodeForm: Content {
        let code: String
        let remember: String?
    }

    func codeForm(req: Request) async throws -> Response {
        guard try await SessionAuthenticator.pendingUser(on: req) != nil else {
            return req.redirect(to: Paths.signIn.path)
        }
        return try await req.render(
            "sign-in-code", titleKey: "two_factor.sign_in_title", section: "signIn", CodePage(error: nil))
    }

    func checkCode(req: Request) async throws -> Response {
        guard let (user, next) = try await SessionAuthenticator.pendingUser(on: req) else {
            return req.redirect(to: Paths.signIn.path)
        }
        let form = try req.content.decode(CodeForm.self)
        do {
            try await req.signInService.verifySecondFactor(user, code: form.code, clientAddress: req.clientAddress)
        } catch let error as SwitchboardError where error == .twoFactorCodeWrong || error.status == .tooManyRequests {
            return try await req.render(
                "sign-in-code", titleKey: "two_factor.sign_in_title", section: "signIn",
                CodePage(error: req.message(for: error)), status: error.status)
        }
        try await SessionAuthenticator.signIn(user, on: req)
        let response = req.redirect(to: next)
        if form.remember == "yes" {
            let token = try await req.twoFactorService.remember(user.requireID())
            response.cookies[Self.rememberCookie] = HTTPCookies.Value(
                string: token, maxAge: Int(TwoFactorService.rememberFor), path: "/",
                isSecure: req.application.config.secureCookies, isHTTPOnly: true, sameSite: .lax)
        }
        return response
    }

    func signOut(req: Request) async throws -> Response {
        if let actor = try? req.actor() {
            try await req.auditService.record(.signOut, by: actor, target: actor.user.username)
        }
        SessionAuthenticator.signOut(on: req)
        return req.redirect(to: Paths.signIn.path)
    }

    /// The language picker of the sign-in page, for people not yet signed in.
    func pickLanguage(req: Request) async throws -> Response {
        let response = req.redirect(to: Paths.safeRedirect(req.query[String.self, at: "next"]))
        if let picked = req.query[String.self, at: "lang"], let language = Language(rawValue: picked) {
            response.cookies[Request.languageCookie] = HTTPCookies.Value(
                string: language.rawValue, maxAge: 365 * 24 * 3600, path: "/",
                isSecure: req.application.config.secureCookies, isHTTPOnly: true, sameSite: .lax)
        }
        return response
    }
}
