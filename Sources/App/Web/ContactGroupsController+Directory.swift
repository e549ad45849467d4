import Fluent
import SwitchboardCore
import Vapor

/// The "Desk-phone directory" section of a group's page: publish the group with its own
/// HTTP Basic credentials, and the URLs to paste into phones.
extension ContactGroupsController {
    struct DirectoryURL: Encodable {
        let brand: String
        let url: String
    }

    struct DirectorySection: Encodable {
        let action: String
        let isEnabled: Bool
        let username: String
        let hasPassword: Bool
        let urls: [DirectoryURL]
        let searchURL: String
        let ldap: LDAPSettings?
        let error: String?
        let errors: [String: String]
    }

    /// What to type into a phone's LDAP settings for this group (`nil` when the server runs no LDAP directory).
    struct LDAPSettings: Encodable {
        let server: String
        let port: Int?
        let tlsPort: Int?
        let startTLS: Bool
        let baseDN: String
        let bindDN: String
        /// Another published group binds with the same name: neither can bind until one is renamed.
        let sharedBindName: Bool
        let nameFilter: String
        let numberFilter: String
        let nameAttributes: String
        let numberAttributes: String
    }

    private func sharesBindName(_ group: ContactGroupModel?, on db: any Database) async throws -> Bool {
        guard let group else { return false }
        let name = LDAPDirectoryService.bindName(of: group)
        return try await GroupDirectoryModel.query(on: db).filter(\.$isEnabled == true).with(\.$group).all()
            .contains { $0.group.id != group.id && LDAPDirectoryService.bindName(of: $0.group) == name }
    }

    struct DirectoryForm: Content {
        let enabled: String?
        let directoryUsername: String?
        let directoryPassword: String?
    }

    func saveDirectory(req: Request) async throws -> Response {
        let actor = try req.actor()
        try actor.require(.manageContactGroups)
        guard let id = req.parameters.get("groupID", as: UUID.self) else { throw SwitchboardError.notFound }
        let form = try req.content.decode(DirectoryForm.self)
        do {
            try await req.groupDirectoryService.update(
                groupID: id, enabled: form.enabled == "yes", username: form.directoryUsername ?? "",
                newPassword: form.directoryPassword ?? "", by: actor)
            LayoutContext.Flash.put("success", "groups.directory_saved", on: req)
            // Straight to the section: the addresses to paste into phones are what comes next.
            return req.redirect(to: Paths.contactGroup.url(id) + "#directory")
        } catch let error as SwitchboardError where error.status != .forbidden && error.status != .notFound {
            let group = try await req.contactGroupService.group(id, by: actor)
            return try await renderShow(req, actor: actor, group: group, directoryPosted: form, directoryError: error)
        }
    }

    func directorySection(_ req: Request, groupID: UUID, posted: DirectoryForm?, error: SwitchboardError?)
        async throws -> DirectorySection
    {
        let saved = try await req.groupDirectoryService.settings(of: groupID)
        let base = Self.baseURL(req)
        return DirectorySection(
            action: Paths.contactGroupDirectory.url(groupID),
            isEnabled: posted.map { $0.enabled == "yes" } ?? saved.isEnabled,
            username: posted?.directoryUsername ?? saved.username,
            hasPassword: saved.passwordHash != nil,
            urls: [
                ("Yealink", PhoneDirectoryFormat.yealink), ("Snom", .snom), ("Grandstream", .grandstream),
                ("Fanvil", .fanvil), ("XML", .xml),
            ].map { DirectoryURL(brand: $0.0, url: base + Paths.directoryFileURL(groupID, $0.1)) },
            searchURL: base + Paths.directorySearchURL(groupID),
            ldap: try await ldapSettings(req, groupID: groupID),
            error: error.map(req.message(for:)), errors: req.fieldErrors(for: error))
    }

    private func ldapSettings(_ req: Request, groupID: UUID) async throws -> LDAPSettings? {
        let settings = req.application.config.ldap
        guard settings.port != nil || settings.tlsPort != nil else { return nil }
        let group = try await ContactGroupModel.find(groupID, on: req.db)
        let host = req.headers.first(name: .host).map { $0.split(separator: ":").first.map(String.init) ?? $0 }
        return LDAPSettings(
            server: host ?? req.application.config.host, port: settings.port, tlsPort: settings.tlsPort,
            startTLS: settings.tlsCertificate != nil && settings.port != nil, baseDN: settings.baseDN,
            bindDN: "cn=\(group.map(LDAPDirectoryService.bindName(of:)) ?? ""),\(settings.baseDN)",
            sharedBindName: try await sharesBindName(group, on: req.db),
            nameFilter: "(|(cn=%)(sn=%)(givenName=%))",
            numberFilter: "(|(telephoneNumber=%)(mobile=%)(homePhone=%))", nameAttributes: "cn sn givenName",
            numberAttributes: "telephoneNumber mobile homePhone")
    }

    /// The address phones reach this server at, as the administrator's browser did.
    static func baseURL(_ req: Request) -> String {
        let scheme = req.isHTTPS ? "https" : "http"
        let host =
            req.headers.first(name: .host) ?? "\(req.application.config.host):\(req.application.config.port)"
        return "\(scheme)://\(host)"
    }
}
