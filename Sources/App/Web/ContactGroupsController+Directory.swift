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
        let error: String?
        let errors: [String: String]
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
            error: error.map(req.message(for:)), errors: req.fieldErrors(for: error))
    }

    /// The address phones reach this server at, as the administrator's browser did.
    static func baseURL(_ req: Request) -> String {
        let scheme =
            req.headers.first(name: "X-Forwarded-Proto") ?? (req.application.config.secureCookies ? "https" : "http")
        let host =
            req.headers.first(name: .host) ?? "\(req.application.config.host):\(req.application.config.port)"
        return "\(scheme)://\(host)"
    }
}
