import Foundation
import SwitchboardCore
import Vapor

/// Every route of the web interface, once: its pattern (`pathComponents`, for registering it) and its URL (`path`, or
/// `url(_:)` with the parameters filled in), used by route registration, pages, redirects and templates (through
/// `LayoutContext.paths`), so a link can never point at a route that does not exist (`PathsTests` checks that every
/// case is registered).
enum Paths: String, CaseIterable, Sendable {
    case home = "/"
    case signIn = "/sign-in"
    case signOut = "/sign-out"
    case language = "/language"
    case contacts = "/contacts"
    case newContact = "/contacts/new"
    case contactsSelection = "/contacts/selection"
    case contactsDeleteAll = "/contacts/delete-all"
    case contactsImport = "/contacts/import"
    case contactsVCard = "/contacts/vcard"
    case contactsImportCSV = "/contacts/import/csv"
    case contactsImportCSVPreview = "/contacts/import/csv/preview"
    case contactsExportCSV = "/contacts/export/csv"
    case dialpad = "/dialpad"
    case settings = "/settings"
    case settingsProfile = "/settings/profile"
    case settingsPhoto = "/settings/photo"
    case settingsPhotoDelete = "/settings/photo/delete"
    case settingsForwarding = "/settings/forwarding"
    case settingsPassword = "/settings/password"
    case settingsPreferences = "/settings/preferences"
    case settingsTokens = "/settings/tokens"
    case settingsTwoFactor = "/settings/two-factor"
    case settingsTwoFactorStart = "/settings/two-factor/start"
    case settingsTwoFactorConfirm = "/settings/two-factor/confirm"
    case settingsTwoFactorRecovery = "/settings/two-factor/recovery-codes"
    case settingsTwoFactorDisable = "/settings/two-factor/disable"
    case signInCode = "/sign-in/code"
    case twoFactorPolicy = "/admin/two-factor"
    case users = "/admin/users"
    case newUser = "/admin/users/new"
    case contactGroups = "/admin/contact-groups"
    case audit = "/admin/audit"
    case pbxTokens = "/admin/pbx-tokens"
    case healthz = "/healthz"
    case livez = "/livez"
    case metrics = "/metrics"
    case openAPIDocument = "/api/openapi.yaml"

    // With parameters: `url(_:)` fills them in.
    case user = "/admin/users/:userID"
    case userPassword = "/admin/users/:userID/password"
    case userDelete = "/admin/users/:userID/delete"
    case userForwarding = "/admin/users/:userID/forwarding"
    case userTwoFactorReset = "/admin/users/:userID/two-factor/reset"
    case tokenRevoke = "/settings/tokens/:tokenID/revoke"
    case pbxTokenRevoke = "/admin/pbx-tokens/:tokenID/revoke"
    case contact = "/contacts/:contactID"
    case contactEdit = "/contacts/:contactID/edit"
    case contactDelete = "/contacts/:contactID/delete"
    case contactCall = "/contacts/:contactID/call"
    case contactVCard = "/contacts/:contactID/vcard"
    case contactPhoto = "/contacts/:contactID/photo"
    case contactPhotoDelete = "/contacts/:contactID/photo/delete"
    case contactQRSVG = "/contacts/:contactID/qr.svg"
    case contactQRPNG = "/contacts/:contactID/qr.png"
    case contactGroup = "/admin/contact-groups/:groupID"
    case contactGroupRights = "/admin/contact-groups/:groupID/rights"
    case contactGroupDelete = "/admin/contact-groups/:groupID/delete"
    case contactGroupSource = "/admin/contact-groups/:groupID/source"
    case contactGroupSync = "/admin/contact-groups/:groupID/sync"
    case contactGroupDirectory = "/admin/contact-groups/:groupID/directory"
    /// Desk-phone directories: outside the session world, HTTP Basic with the group's own password.
    case directoryFile = "/directory/:groupID/:file"
    case directorySearch = "/directory/:groupID/search"

    /// The pattern as Vapor registers it (`:contactID` a parameter).
    var pathComponents: [PathComponent] { rawValue.pathComponents }

    /// How many parameters the pattern has.
    var parameterCount: Int { rawValue.split(separator: "/").filter { $0.hasPrefix(":") }.count }

    /// The URL of a route without parameters.
    var path: String {
        precondition(!rawValue.contains(":"), "\(self) needs parameters: use url(_:)")
        return rawValue
    }

    /// The URL of a route with its parameters filled in, in the pattern's order (one pass: the list builds one per
    /// row).
    func url(_ values: any CustomStringConvertible...) -> String {
        var remaining = values[...]
        var url = ""
        for segment in rawValue.split(separator: "/") {
            url += "/"
            if segment.hasPrefix(":") {
                guard let value = remaining.popFirst() else { preconditionFailure("\(self) takes more parameters") }
                url += value.description
            } else {
                url += segment
            }
        }
        precondition(remaining.isEmpty, "\(self) takes \(parameterCount) parameters")
        return url.isEmpty ? "/" : url
    }

    /// `yealink.xml`, `snom.xml`, `grandstream.xml`, `fanvil.xml`, `directory.xml` of a group (ids in lower case, as
    /// phones are configured with them).
    static func directoryFileURL(_ id: UUID, _ format: PhoneDirectoryFormat) -> String {
        directoryFile.url(id.uuidString.lowercased(), (format == .xml ? "directory" : format.rawValue) + ".xml")
    }

    static func directorySearchURL(_ id: UUID) -> String { directorySearch.url(id.uuidString.lowercased()) }

    /// The first segments of the pages a browser may be sent back to after signing in, picking a language or
    /// acting on a selection.
    static let redirectRoots: Set<String> = ["contacts", "dialpad", "settings", "admin"]

    /// Where to send a browser that asked to go to `candidate` (a `next` or `returnTo` from the request): there when
    /// it is a page of ours, else home. Every redirect built from request input goes through here.
    static func safeRedirect(_ candidate: String?) -> String {
        RequestTarget.redirect(candidate, roots: redirectRoots) ?? home.path
    }
}
