import SwitchboardCore
import Vapor

/// What the base layout needs on every page: language, theme, the signed-in user, navigation.
struct LayoutContext: Encodable {
    struct UserSummary: Encodable {
        let username: String
        let displayName: String
        let role: String
        let roleKey: String
        let phoneExtension: String?
        let initials: String
        let hasPhoto: Bool
    }

    struct Navigation: Encodable {
        let users: Bool
        let contactGroups: Bool
        let audit: Bool
        let pbxTokens: Bool
    }

    struct Flash: Encodable {
        let kind: String
        let message: String
    }

    let locale: String
    let theme: String
    let titleKey: String
    let section: String
    let user: UserSummary?
    let nav: Navigation
    let csrf: String
    let flash: Flash?
    let paths: [String: String]
    let languages: [String]

    /// "Jeanne Dupré" → "JD", for the avatar of someone without a photo.
    static func initials(of name: String) -> String {
        String(name.split(separator: " ").prefix(2).compactMap(\.first)).uppercased()
    }

    static let paths: [String: String] = [
        "home": Paths.home.path, "signIn": Paths.signIn.path, "signOut": Paths.signOut.path,
        "language": Paths.language.path,
        "contacts": Paths.contacts.path, "newContact": Paths.newContact.path,
        "contactsSelection": Paths.contactsSelection.path,
        "contactsDeleteAll": Paths.contactsDeleteAll.path, "contactsImport": Paths.contactsImport.path,
        "contactsImportCSV": Paths.contactsImportCSV.path,
        "contactsImportCSVPreview": Paths.contactsImportCSVPreview.path,
        "contactsExportCSV": Paths.contactsExportCSV.path,
        "dialpad": Paths.dialpad.path,
        "settings": Paths.settings.path,
        "settingsPreferences": Paths.settingsPreferences.path, "settingsProfile": Paths.settingsProfile.path,
        "settingsPhoto": Paths.settingsPhoto.path, "settingsPhotoDelete": Paths.settingsPhotoDelete.path,
        "settingsForwarding": Paths.settingsForwarding.path, "settingsPassword": Paths.settingsPassword.path,
        "settingsTokens": Paths.settingsTokens.path,
        "users": Paths.users.path, "newUser": Paths.newUser.path, "contactGroups": Paths.contactGroups.path,
        "audit": Paths.audit.path,
        "pbxTokens": Paths.pbxTokens.path,
    ]

    init(request: Request, titleKey: String, section: String, hasPhoto: Bool = false) {
        let user = request.currentUser
        let role = user?.role ?? .subscriber
        locale = request.language.rawValue
        theme = request.theme.rawValue
        self.titleKey = titleKey
        self.section = section
        self.user = user.map {
            UserSummary(
                username: $0.username, displayName: $0.displayName, role: $0.role.rawValue,
                roleKey: "role.\($0.role.rawValue)", phoneExtension: $0.phoneExtension,
                initials: Self.initials(of: $0.displayName), hasPhoto: hasPhoto)
        }
        nav = Navigation(
            users: user != nil && AccessPolicy.allows(role, .administerUsers),
            contactGroups: user != nil && AccessPolicy.allows(role, .manageContactGroups),
            audit: user != nil && AccessPolicy.allows(role, .viewAuditLog),
            pbxTokens: user?.role == .admin)
        // Anonymous pages other than sign-in have no form: no session is started for them (crawlers).
        csrf = user != nil || section == "signIn" ? CSRF.token(for: request) : ""
        flash = Flash.take(from: request)
        paths = Self.paths
        languages = Language.allCases.map(\.rawValue)
    }
}

extension LayoutContext.Flash {
    private static let kindKey = "flash_kind"
    private static let messageKey = "flash_key"
    private static let argumentsKey = "flash_arguments"

    /// Leaves a translated one-time message for the next page (post/redirect/get).
    static func put(_ kind: String, _ key: String, _ arguments: [String: String] = [:], on request: Request) {
        request.session.data[kindKey] = kind
        request.session.data[messageKey] = key
        request.session.data[argumentsKey] =
            arguments.isEmpty ? nil : (try? JSONEncoder().encode(arguments)).map { String(decoding: $0, as: UTF8.self) }
    }

    static func take(from request: Request) -> Self? {
        guard request.hasSession, let key = request.session.data[messageKey] else { return nil }
        let kind = request.session.data[kindKey] ?? "info"
        let arguments =
            request.session.data[argumentsKey]
            .flatMap { try? JSONDecoder().decode([String: String].self, from: Data($0.utf8)) } ?? [:]
        for name in [messageKey, kindKey, argumentsKey] { request.session.data[name] = nil }
        return Self(kind: kind, message: request.text(key, arguments))
    }
}

/// A page: the layout's context plus the page's own.
struct PageContext<Page: Encodable>: Encodable {
    let layout: LayoutContext
    let page: Page
}

extension Request {
    func render<Page: Encodable>(
        _ template: String, titleKey: String, section: String, _ page: Page, status: HTTPStatus = .ok
    ) async throws -> Response {
        let hasPhoto = try await currentUser.asyncFlatMap { try await profileService.hasPhoto($0.requireID()) } ?? false
        let layout = LayoutContext(request: self, titleKey: titleKey, section: section, hasPhoto: hasPhoto)
        let context = PageContext(layout: layout, page: page)
        let response = try await view.render(template, context).encodeResponse(for: self).get()
        response.status = status
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}
