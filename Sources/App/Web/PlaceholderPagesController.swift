import SwitchboardCore
import Vapor

/// Pages whose features land with later issues: they say so plainly instead of breaking.
struct PlaceholderPagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(Paths.contacts.pathComponents) { req in
            try await comingSoon(req, titleKey: "nav.contacts", section: "contacts", descriptionKey: "soon.contacts")
        }
        routes.get(Paths.contactGroups.pathComponents) { req in
            try req.actor().require(.manageContactGroups)
            return try await comingSoon(
                req, titleKey: "nav.contact_groups", section: "contactGroups", descriptionKey: "soon.contact_groups")
        }
    }

    struct Page: Encodable {
        let descriptionKey: String
    }

    private func comingSoon(_ req: Request, titleKey: String, section: String, descriptionKey: String)
        async throws -> Response
    {
        try await req.render("coming-soon", titleKey: titleKey, section: section, Page(descriptionKey: descriptionKey))
    }
}
