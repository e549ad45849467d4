import SwitchboardCore
import Vapor

extension Request {
    static let languageCookie = "switchboard_lang"

    var currentUser: UserModel? { auth.get(UserModel.self) }

    /// The user's preference, else the language picked on the sign-in page, else `Accept-Language`.
    var language: Language {
        currentUser?.language ?? browserLanguage
    }

    private struct BrowserLanguageKey: StorageKey { typealias Value = Language }

    /// The language cookie, else `Accept-Language`: read once per request (a page asks for a text per row and
    /// label, and parsing the cookies each time was a fifth of a 50-row page's time).
    private var browserLanguage: Language {
        if let known = storage[BrowserLanguageKey.self] { return known }
        let language: Language
        if let picked = cookies[Self.languageCookie]?.string, let cookieLanguage = Language(rawValue: picked) {
            language = cookieLanguage
        } else {
            language = Language.negotiate(acceptLanguage: headers.first(name: .acceptLanguage))
        }
        storage[BrowserLanguageKey.self] = language
        return language
    }

    var theme: Theme { currentUser?.theme ?? .system }

    func text(_ key: String, _ arguments: [String: String] = [:]) -> String {
        application.localization.text(key, in: language, arguments)
    }

    /// A number on file as people read it, grouped the way its country writes it (`NumberDisplay`).
    func shownNumber(_ stored: String) -> String {
        NumberDisplay(dialPlan: application.config.pbx.dialPlan)
            .text(stored, extensionWord: text("numbers.extension_word"))
    }

    /// The translated message of a refusal.
    func message(for error: SwitchboardError) -> String {
        text(error.messageKey, error.arguments)
    }

    /// A refusal's message keyed by the form field it belongs next to (empty when it has none).
    func fieldErrors(for error: SwitchboardError?) -> [String: String] {
        guard let error, let field = error.field else { return [:] }
        return [field: message(for: error)]
    }
}
