import SwitchboardCore
import Vapor

extension Request {
    static let languageCookie = "switchboard_lang"

    var currentUser: UserModel? { auth.get(UserModel.self) }

    /// The user's preference, else the language picked on the sign-in page, else `Accept-Language`.
    var language: Language {
        if let language = currentUser?.language { return language }
        if let picked = cookies[Self.languageCookie]?.string, let language = Language(rawValue: picked) {
            return language
        }
        return Language.negotiate(acceptLanguage: headers.first(name: .acceptLanguage))
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
