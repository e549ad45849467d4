import Foundation
import SwitchboardCore

/// Every path of the web interface, used by route registration and by templates (through
/// `LayoutContext.paths`), so a link can never point at a route that does not exist.
enum Paths {
    static let home = "/"
    static let signIn = "/sign-in"
    static let signOut = "/sign-out"
    static let language = "/language"
    static let contacts = "/contacts"
    static let newContact = "/contacts/new"
    static let contactsSelection = "/contacts/selection"
    static let contactsDeleteAll = "/contacts/delete-all"
    static let contactsImport = "/contacts/import"
    static let contactsVCard = "/contacts/vcard"
    static let contactsImportCSV = "/contacts/import/csv"
    static let contactsImportCSVPreview = "/contacts/import/csv/preview"
    static let contactsExportCSV = "/contacts/export/csv"
    static let dialpad = "/dialpad"
    static let settings = "/settings"
    static let settingsProfile = "/settings/profile"
    static let settingsPhoto = "/settings/photo"
    static let settingsPhotoDelete = "/settings/photo/delete"
    static let settingsForwarding = "/settings/forwarding"
    static let settingsPassword = "/settings/password"
    static let settingsPreferences = "/settings/preferences"
    static let settingsTokens = "/settings/tokens"
    static let settingsTwoFactor = "/settings/two-factor"
    static let settingsTwoFactorStart = "/settings/two-factor/start"
    static let settingsTwoFactorConfirm = "/settings/two-factor/confirm"
    static let settingsTwoFactorRecovery = "/settings/two-factor/recovery-codes"
    static let settingsTwoFactorDisable = "/settings/two-factor/disable"
    static let signInCode = "/sign-in/code"
    static let twoFactorPolicy = "/admin/two-factor"
    static let users = "/admin/users"
    static let newUser = "/admin/users/new"
    static let contactGroups = "/admin/contact-groups"
    static let audit = "/admin/audit"
    static let pbxTokens = "/admin/pbx-tokens"
    static let healthz = "/healthz"
    static let livez = "/livez"
    static let metrics = "/metrics"
    static let openAPIDocument = "/api/openapi.yaml"

    static let userPattern = "/admin/users/:userID"
    static let userPasswordPattern = "/admin/users/:userID/password"
    static let userDeletePattern = "/admin/users/:userID/delete"
    static let userForwardingPattern = "/admin/users/:userID/forwarding"
    static let userTwoFactorResetPattern = "/admin/users/:userID/two-factor/reset"
    static let tokenRevokePattern = "/settings/tokens/:tokenID/revoke"
    static let pbxTokenRevokePattern = "/admin/pbx-tokens/:tokenID/revoke"
    static let contactPattern = "/contacts/:contactID"
    static let contactEditPattern = "/contacts/:contactID/edit"
    static let contactDeletePattern = "/contacts/:contactID/delete"
    static let contactCallPattern = "/contacts/:contactID/call"
    static let contactVCardPattern = "/contacts/:contactID/vcard"
    static let contactPhotoPattern = "/contacts/:contactID/photo"
    static let contactPhotoDeletePattern = "/contacts/:contactID/photo/delete"
    static let contactQRSVGPattern = "/contacts/:contactID/qr.svg"
    static let contactQRPNGPattern = "/contacts/:contactID/qr.png"
    static let contactGroupPattern = "/admin/contact-groups/:groupID"
    static let contactGroupRightsPattern = "/admin/contact-groups/:groupID/rights"
    static let contactGroupDeletePattern = "/admin/contact-groups/:groupID/delete"
    static let contactGroupSourcePattern = "/admin/contact-groups/:groupID/source"
    static let contactGroupSyncPattern = "/admin/contact-groups/:groupID/sync"
    static let contactGroupDirectoryPattern = "/admin/contact-groups/:groupID/directory"
    /// Desk-phone directories: outside the session world, HTTP Basic with the group's own password.
    static let directoryFilePattern = "/directory/:groupID/:file"
    static let directorySearchPattern = "/directory/:groupID/search"

    static func user(_ id: UUID) -> String { "/admin/users/\(id)" }
    static func userPassword(_ id: UUID) -> String { "/admin/users/\(id)/password" }
    static func userDelete(_ id: UUID) -> String { "/admin/users/\(id)/delete" }
    static func userForwarding(_ id: UUID) -> String { "/admin/users/\(id)/forwarding" }
    static func userTwoFactorReset(_ id: UUID) -> String { "/admin/users/\(id)/two-factor/reset" }
    static func tokenRevoke(_ id: UUID) -> String { "/settings/tokens/\(id)/revoke" }
    static func pbxTokenRevoke(_ id: UUID) -> String { "/admin/pbx-tokens/\(id)/revoke" }
    static func contact(_ id: UUID) -> String { "/contacts/\(id)" }
    static func contactEdit(_ id: UUID) -> String { "/contacts/\(id)/edit" }
    static func contactDelete(_ id: UUID) -> String { "/contacts/\(id)/delete" }
    static func contactCall(_ id: UUID) -> String { "/contacts/\(id)/call" }
    static func contactVCard(_ id: UUID) -> String { "/contacts/\(id)/vcard" }
    static func contactPhoto(_ id: UUID) -> String { "/contacts/\(id)/photo" }
    static func contactPhotoDelete(_ id: UUID) -> String { "/contacts/\(id)/photo/delete" }
    static func contactQRSVG(_ id: UUID) -> String { "/contacts/\(id)/qr.svg" }
    static func contactQRPNG(_ id: UUID) -> String { "/contacts/\(id)/qr.png" }
    static func contactGroup(_ id: UUID) -> String { "/admin/contact-groups/\(id)" }
    static func contactGroupRights(_ id: UUID) -> String { "/admin/contact-groups/\(id)/rights" }
    static func contactGroupDelete(_ id: UUID) -> String { "/admin/contact-groups/\(id)/delete" }
    static func contactGroupSource(_ id: UUID) -> String { "/admin/contact-groups/\(id)/source" }
    static func contactGroupSync(_ id: UUID) -> String { "/admin/contact-groups/\(id)/sync" }
    static func contactGroupDirectory(_ id: UUID) -> String { "/admin/contact-groups/\(id)/directory" }
    /// `yealink.xml`, `snom.xml`, `grandstream.xml`, `fanvil.xml`, `directory.xml`.
    static func directoryFile(_ id: UUID, _ format: PhoneDirectoryFormat) -> String {
        "/directory/\(id.uuidString.lowercased())/\(format == .xml ? "directory" : format.rawValue).xml"
    }
    static func directorySearch(_ id: UUID) -> String { "/directory/\(id.uuidString.lowercased())/search" }

    /// The first segments of the pages a browser may be sent back to after signing in, picking a language or
    /// acting on a selection.
    static let redirectRoots: Set<String> = ["contacts", "dialpad", "settings", "admin"]

    /// Where to send a browser that asked to go to `candidate` (a `next` or `returnTo` from the request): there when
    /// it is a page of ours, else home. Every redirect built from request input goes through here.
    static func safeRedirect(_ candidate: String?) -> String {
        RequestTarget.redirect(candidate, roots: redirectRoots) ?? home
    }
}
