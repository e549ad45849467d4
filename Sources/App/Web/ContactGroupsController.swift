import Fluent
import SwitchboardCore
import Vapor

/// Contact groups administration (admins and sub-admins): create, rename, DECT limits, delete,
/// and the rights matrix (subscribers × read / write / standard group).
struct ContactGroupsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(Paths.contactGroups.pathComponents, use: index)
        routes.post(Paths.contactGroups.pathComponents, use: create)
        routes.get(Paths.contactGroup.pathComponents, use: show)
        routes.post(Paths.contactGroup.pathComponents, use: update)
        routes.post(Paths.contactGroupRights.pathComponents, use: saveRights)
        routes.post(Paths.contactGroupDelete.pathComponents, use: delete)
        routes.post(Paths.contactGroupDirectory.pathComponents, use: saveDirectory)
    }

    // MARK: list and create

    struct Row: Encodable {
        let name: String
        let kind: String
        let count: Int
        let limits: String?
        let readers: Int
        let writers: Int
        let url: String
        let contactsURL: String
        /// Linked groups: what the last synchronisation did, and why the last attempt failed.
        let syncStatus: String?
        let syncProblem: String?
        let syncAction: String?
        let isSyncing: Bool
        let isPublished: Bool
    }

    struct CreateValues: Encodable {
        var name = ""
        var kind = ContactGroupKind.standard.rawValue
        var maximumEntries = String(DECTLimits().maximumEntries)
        var maximumNameLength = String(DECTLimits().maximumNameLength)
    }

    struct IndexPage: Encodable {
        let groups: [Row]
        let kinds: [String]
        let values: CreateValues
        let error: String?
        let errors: [String: String]
    }

    struct GroupForm: Content {
        let name: String
        let kind: ContactGroupKind?
        let maximumEntries: String?
        let maximumNameLength: String?

        func dectLimits() throws(SwitchboardError) -> DECTLimits? {
            guard let maximumEntries, let maximumNameLength else { return nil }
            guard let entries = Int(maximumEntries.trimmingCharacters(in: .whitespaces)),
                let length = Int(maximumNameLength.trimmingCharacters(in: .whitespaces))
            else { throw .dectLimitsInvalid }
            return DECTLimits(maximumEntries: entries, maximumNameLength: length)
        }
    }

    func index(req: Request) async throws -> Response {
        try await renderIndex(req, actor: try req.actor(), values: CreateValues(), error: nil)
    }

    func create(req: Request) async throws -> Response {
        let actor = try req.actor()
        try actor.require(.manageContactGroups)
        let form = try req.content.decode(GroupForm.self)
        let kind = form.kind ?? .standard
        do {
            let group = try await req.contactGroupService.create(
                name: form.name, kind: kind, dectLimits: kind == .dect ? try form.dectLimits() : nil, by: actor)
            LayoutContext.Flash.put("success", "groups.created", ["name": group.name], on: req)
            return req.redirect(to: Paths.contactGroup.url(try group.requireID()))
        } catch let error as SwitchboardError where error.status != .forbidden {
            let values = CreateValues(
                name: form.name, kind: kind.rawValue,
                maximumEntries: form.maximumEntries ?? CreateValues().maximumEntries,
                maximumNameLength: form.maximumNameLength ?? CreateValues().maximumNameLength)
            return try await renderIndex(req, actor: actor, values: values, error: error)
        }
    }

    private func renderIndex(_ req: Request, actor: Actor, values: CreateValues, error: SwitchboardError?)
        async throws -> Response
    {
        try actor.require(.manageContactGroups)
        let groups = try await req.contactGroupService.list(by: actor)
        let rights = try await GroupRightModel.query(on: req.db).all()
        let sources = try await LinkedSourceModel.query(on: req.db).all()
        var syncing = Set<UUID>()
        for source in sources where await req.linkedSourceService.isSyncing(source.$group.id) {
            syncing.insert(source.$group.id)
        }
        let published = Set(
            try await GroupDirectoryModel.query(on: req.db).filter(\.$isEnabled == true).all().map { $0.$group.id })
        let rows = groups.map { group in
            let given = rights.filter { $0.$group.id == group.id }
            let source = sources.first { $0.$group.id == group.id }
            let sync = LinkedSourcePage.status(of: source, on: req)
            return Row(
                name: group.name, kind: group.kind.rawValue, count: group.memberCount,
                limits: group.dectLimits.map {
                    req.text(
                        "groups.dect_limits_summary",
                        ["entries": String($0.maximumEntries), "length": String($0.maximumNameLength)])
                },
                readers: given.filter { $0.right == .read }.count, writers: given.filter { $0.right == .write }.count,
                url: Paths.contactGroup.url(group.id!),
                contactsURL: ContactsListController.ListQuery(group: group.id!.uuidString).url(),
                syncStatus: sync.status, syncProblem: sync.problem,
                syncAction: source?.addressBookURL != nil ? Paths.contactGroupSync.url(group.id!) : nil,
                isSyncing: syncing.contains(group.id!),
                isPublished: published.contains(group.id!))
        }
        let page = IndexPage(
            groups: rows, kinds: ContactGroupKind.allCases.map(\.rawValue), values: values,
            error: error.map(req.message(for:)), errors: req.fieldErrors(for: error))
        return try await req.render(
            "groups/index", titleKey: "nav.contact_groups", section: "contactGroups", page,
            status: error?.status ?? .ok)
    }

    // MARK: one group

    struct RightRow: Encodable {
        let userID: String
        let username: String
        let displayName: String
        let right: String
        let isStandard: Bool
    }

    struct ShowPage: Encodable {
        let name: String
        let kind: String
        let count: Int
        let isDECT: Bool
        let isLinked: Bool
        let maximumEntries: String
        let maximumNameLength: String
        let action: String
        let rightsAction: String
        let deleteAction: String
        let contactsURL: String
        let rights: [RightRow]
        let rightChoices: [String]
        let error: String?
        let errors: [String: String]
        let rightsError: String?
        let linked: LinkedSourcePage?
        let directory: DirectorySection
    }

    private func groupID(_ req: Request) throws -> UUID {
        guard let id = req.parameters.get("groupID", as: UUID.self) else { throw SwitchboardError.notFound }
        return id
    }

    func show(req: Request) async throws -> Response {
        let actor = try req.actor()
        try actor.require(.manageContactGroups)
        let group = try await req.contactGroupService.group(try groupID(req), by: actor)
        return try await renderShow(req, actor: actor, group: group)
    }

    func update(req: Request) async throws -> Response {
        let actor = try req.actor()
        try actor.require(.manageContactGroups)
        let id = try groupID(req)
        let form = try req.content.decode(GroupForm.self)
        _ = try await req.contactGroupService.group(id, by: actor)
        do {
            _ = try await req.contactGroupService.update(
                id, name: form.name, dectLimits: try form.dectLimits(), by: actor)
            LayoutContext.Flash.put("success", "groups.saved", on: req)
            return req.redirect(to: Paths.contactGroup.url(id))
        } catch let error as SwitchboardError where error.status != .forbidden && error.status != .notFound {
            let edited = try await req.contactGroupService.group(id, by: actor)
            edited.name = form.name
            return try await renderShow(
                req, actor: actor, group: edited, limits: (form.maximumEntries, form.maximumNameLength),
                error: error)
        }
    }

    /// The matrix arrives as one `users[]` per row, a `right_<user id>` radio choice per row and a
    /// `standard[]` for each ticked box.
    struct RightsForm: Content {
        let users: [UUID]?
        let standard: [UUID]?
    }

    func saveRights(req: Request) async throws -> Response {
        let actor = try req.actor()
        try actor.require(.manageContactGroups)
        let id = try groupID(req)
        let form = try req.content.decode(RightsForm.self)
        let standard = Set(form.standard ?? [])
        var entries: [UUID: ContactGroupService.RightEntry] = [:]
        for user in form.users ?? [] {
            let right = try? req.content.get(String.self, at: "right_\(user.uuidString)")
            entries[user] = .init(right: right.flatMap(GroupRight.init(rawValue:)), isStandard: standard.contains(user))
        }
        do {
            try await req.contactGroupService.setRights(entries, on: id, by: actor)
            LayoutContext.Flash.put("success", "groups.rights_saved", on: req)
            return req.redirect(to: Paths.contactGroup.url(id))
        } catch let error as SwitchboardError where error.status != .forbidden && error.status != .notFound {
            let group = try await req.contactGroupService.group(id, by: actor)
            return try await renderShow(req, actor: actor, group: group, posted: entries, rightsError: error)
        }
    }

    struct DeleteForm: Content {
        let confirm: String?
    }

    func delete(req: Request) async throws -> Response {
        let actor = try req.actor()
        try actor.require(.manageContactGroups)
        let id = try groupID(req)
        let group = try await req.contactGroupService.group(id, by: actor)
        guard try req.content.decode(DeleteForm.self).confirm == "yes" else {
            LayoutContext.Flash.put("error", "groups.delete_unconfirmed", on: req)
            return req.redirect(to: Paths.contactGroup.url(id))
        }
        try await req.contactGroupService.delete(id, by: actor)
        LayoutContext.Flash.put("success", "groups.deleted", ["name": group.name], on: req)
        return req.redirect(to: Paths.contactGroups.path)
    }

    func renderShow(
        _ req: Request, actor: Actor, group: ContactGroupModel, limits: (String?, String?)? = nil,
        posted: [UUID: ContactGroupService.RightEntry]? = nil, error: SwitchboardError? = nil,
        rightsError: SwitchboardError? = nil, linked: LinkedSourcePage? = nil, directoryPosted: DirectoryForm? = nil,
        directoryError: SwitchboardError? = nil
    ) async throws -> Response {
        let id = try group.requireID()
        var linked = linked
        if linked == nil, group.kind == .linked {
            linked = try await LinkedSourcePage.make(
                req, group: group, source: try await req.linkedSourceService.source(of: id))
        }
        let saved = try await req.contactGroupService.rights(on: id, by: actor)
        let entries = posted ?? saved
        let subscribers = try await UserModel.query(on: req.db).filter(\.$role == .subscriber).sort(\.$username).all()
        let defaults = group.dectLimits ?? DECTLimits()
        let page = ShowPage(
            name: group.name, kind: group.kind.rawValue, count: group.memberCount, isDECT: group.kind == .dect,
            isLinked: group.kind == .linked,
            maximumEntries: limits?.0 ?? String(defaults.maximumEntries),
            maximumNameLength: limits?.1 ?? String(defaults.maximumNameLength),
            action: Paths.contactGroup.url(id), rightsAction: Paths.contactGroupRights.url(id),
            deleteAction: Paths.contactGroupDelete.url(id),
            contactsURL: ContactsListController.ListQuery(group: id.uuidString).url(),
            rights: subscribers.map { user in
                let entry = entries[user.id!]
                return RightRow(
                    userID: user.id!.uuidString, username: user.username, displayName: user.displayName,
                    right: entry?.right?.rawValue ?? "none", isStandard: entry?.isStandard ?? false)
            },
            rightChoices: group.kind.isReadOnly ? ["none", "read"] : ["none", "read", "write"],
            error: error.map(req.message(for:)), errors: req.fieldErrors(for: error),
            rightsError: rightsError.map(req.message(for:)), linked: linked,
            directory: try await directorySection(req, groupID: id, posted: directoryPosted, error: directoryError))
        let linkedStatus = linked?.error != nil ? HTTPStatus.unprocessableEntity : nil
        return try await req.render(
            "groups/show", titleKey: "groups.title_one", section: "contactGroups", page,
            status: (error ?? rightsError ?? directoryError)?.status ?? linkedStatus ?? .ok)
    }
}
