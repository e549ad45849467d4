import Fluent
import SwitchboardCore
import Vapor

/// "Contacts et affectation": the list with its scopes, tabs and filters, the selection's
/// actions (delete, add to or remove from a group) and "delete all".
struct ContactsListController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(Paths.contacts.pathComponents, use: index)
        routes.post(Paths.contactsSelection.pathComponents, use: selection)
        routes.get(Paths.contactsDeleteAll.pathComponents, use: deleteAllForm)
        routes.post(Paths.contactsDeleteAll.pathComponents, use: deleteAll)
    }

    // MARK: list

    /// The list's state, all in the URL so that it can be bookmarked and works without JavaScript.
    struct ListQuery: Content {
        var group: String?
        var tab: String?
        var name: String?
        var firstName: String?
        var lastName: String?
        var company: String?
        var number: String?
        var email: String?
        var city: String?
        var after: String?

        static let filterNames: [(String, ContactSearch.Field)] = [
            ("name", .name), ("firstName", .firstName), ("lastName", .lastName), ("company", .company),
            ("number", .number), ("email", .email), ("city", .city),
        ]

        func value(of field: ContactSearch.Field) -> String? {
            let raw: String? =
                switch field {
                case .name: name
                case .firstName: firstName
                case .lastName: lastName
                case .company: company
                case .number: number
                case .email: email
                case .city: city
                }
            guard let raw, !raw.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
            return raw
        }

        /// The search this URL asks for, read by `ContactListQuery` as the API's query is: an unknown tab, a group id
        /// that is not one or a forged cursor are refused, as they are there.
        func search(dialPlan: DialPlan) throws(SwitchboardError) -> ContactSearch {
            var filters: [ContactSearch.Field: String] = [:]
            for (_, field) in Self.filterNames { filters[field] = value(of: field) }
            // `group=none` is the page's spelling of "without group" (a link, not a group id).
            return try ContactListQuery(
                group: group == "none" ? nil : group, withoutGroup: group == "none", tab: tab, filters: filters,
                cursor: after
            ).search(dialPlan: dialPlan)
        }

        var validTab: String? { tab.flatMap { SearchFolding.tabs.contains($0) ? $0 : nil } }

        /// This state's URL with some parameters changed; the page cursor is always dropped.
        func url(group: String?? = .none, tab: String?? = .none) -> String {
            var items: [(String, String)] = []
            if let group = group ?? self.group { items.append(("group", group)) }
            if let tab = tab ?? validTab { items.append(("tab", tab)) }
            for (name, field) in Self.filterNames {
                if let value = value(of: field) { items.append((name, value)) }
            }
            return Self.url(items)
        }

        var nextPageBase: [(String, String)] {
            var items: [(String, String)] = []
            if let group { items.append(("group", group)) }
            if let tab = validTab { items.append(("tab", tab)) }
            for (name, field) in Self.filterNames {
                if let value = value(of: field) { items.append((name, value)) }
            }
            return items
        }

        static func url(_ items: [(String, String)]) -> String { url(Paths.contacts.path, items) }

        static func url(_ path: String, _ items: [(String, String)]) -> String {
            guard !items.isEmpty else { return path }
            var components = URLComponents()
            components.queryItems = items.map { URLQueryItem(name: $0.0, value: $0.1) }
            let query = components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B") ?? ""
            return path + "?" + query
        }
    }

    struct GroupLink: Encodable {
        let id: String
        let name: String
        let kind: String
        let count: Int
        let url: String
        let current: Bool
        let writable: Bool
    }

    struct TabLink: Encodable {
        let label: String
        let url: String
        let current: Bool
    }

    struct Filter: Encodable {
        let name: String
        let labelKey: String
        let value: String
        let inputMode: String
    }

    /// A row of the list, written by `ContactRowsHTML`.
    struct Row {
        let id: String
        let displayName: String
        let company: String?
        let jobTitle: String?
        let number: String?
        let numberType: String?
        let otherNumbers: Int
        let otherNumbersLabel: String
        let selectLabel: String
        let email: String?
        let city: String?
        let url: String
        let editable: Bool
        /// The row's buttons (the seed: "View, Editing, QR code, vCard 2.1, Soft Call").
        let editURL: String?
        let vCardURL: String
        let qrURL: String
        /// The number a soft call dials (its index among the contact's numbers): the preferred one, when the user has
        /// an extension and the contact a number that can be dialled.
        let callPhone: Int?
        let callAction: String
        let callLabel: String
        let viewLabel: String
        let editLabel: String
        let qrLabel: String
        let vCardLabel: String
    }

    struct Option: Encodable {
        let id: String
        let name: String
    }

    struct ListPage: Encodable {
        let heading: String
        let allURL: String
        let allCurrent: Bool
        let withoutGroupURL: String?
        let withoutGroupCurrent: Bool
        let groups: [GroupLink]
        let tabs: [TabLink]
        /// The tab row is one choice: all, without group, or a letter (of all contacts, or of the group chosen).
        let allTabURL: String
        let allTabCurrent: Bool
        let withoutGroupTabCurrent: Bool
        let filters: [Filter]
        let group: String?
        let tab: String?
        let hasFilters: Bool
        let clearURL: String
        let rowCount: Int
        /// The rows, escaped HTML (`ContactRowsHTML`).
        let rowsHTML: String
        let nextURL: String?
        let firstURL: String?
        let canDeleteSelected: Bool
        let assignableGroups: [Option]
        let currentGroup: Option?
        let canDeleteAll: Bool
        let canImport: Bool
        let canCreate: Bool
        /// The vCard file of the scope (all, the group, without group), whatever the tab and filters.
        let exportURL: String
        /// CSV import is for those who keep the address books, from "All contacts" (as in the seed).
        let canImportCSV: Bool
        /// The CSV export form, with this view's group and tab chosen.
        let exportCSVURL: String
        let returnTo: String
        let emptyKey: String
    }

    func index(req: Request) async throws -> Response {
        let actor = try req.actor()
        let query = try req.query.decode(ListQuery.self)
        let access = try await req.contactService.access(for: actor)
        let groups = try await req.contactGroupService.list(within: access)
        let search = try query.search(dialPlan: req.application.config.pbx.dialPlan)
        let scope = search.scope
        var currentGroup: ContactGroupModel?
        if case .group(let id) = scope {
            guard let group = groups.first(where: { $0.id == id }) else { throw SwitchboardError.notFound }
            currentGroup = group
        }
        if scope == .withoutGroup, !access.seesContactsWithoutGroup { throw SwitchboardError.notFound }

        let page = try await search.run(on: req.db, access: access)
        let editable = try await req.contactService.editable(page.contacts.map(\.id), within: access)
        // Labels translated once here, not by the template for every row.
        let typeLabels = Dictionary(
            uniqueKeysWithValues: PhoneType.allCases.map { ($0, req.text("phone_type.\($0.rawValue)")) })
        let canCall = actor.user.phoneExtension != nil
        let canAdd = try await req.contactService.canAddContacts(actor)
        let rows = page.contacts.map { summary in
            let preferredIndex = summary.phones.firstIndex(where: \.preferred) ?? summary.phones.indices.first
            let preferred = preferredIndex.map { summary.phones[$0] }
            let isEditable = editable.contains(summary.id)
            let name = ["name": summary.displayName]
            let shown = preferred.map { req.shownNumber($0.number) }
            return Row(
                id: summary.id.uuidString, displayName: summary.displayName, company: summary.company,
                jobTitle: summary.jobTitle, number: shown,
                numberType: preferred.map { typeLabels[$0.type] ?? "" },
                otherNumbers: max(0, summary.phones.count - 1),
                otherNumbersLabel: req.text(
                    "contacts.more_numbers", ["count": String(max(0, summary.phones.count - 1))]),
                selectLabel: req.text("contacts.select_one", ["name": summary.displayName]),
                email: summary.emails.first?.address,
                city: summary.addresses.compactMap(\.city).first, url: Paths.contact.url(summary.id),
                editable: isEditable, editURL: isEditable ? Paths.contactEdit.url(summary.id) : nil,
                vCardURL: Paths.contactVCard.url(summary.id), qrURL: Paths.contactQRSVG.url(summary.id),
                callPhone: canCall && preferred?.dialable != nil ? preferredIndex : nil,
                callAction: Paths.contactCall.url(summary.id),
                callLabel: req.text(
                    "contacts.action_call", ["name": summary.displayName, "number": shown ?? ""]),
                viewLabel: req.text("contacts.action_view", name), editLabel: req.text("contacts.action_edit", name),
                qrLabel: req.text("contacts.action_qr", name), vCardLabel: req.text("contacts.action_vcard", name))
        }
        let heading =
            switch scope {
            case .all: req.text("contacts.all")
            case .withoutGroup: req.text("contacts.without_group")
            case .group: currentGroup?.name ?? ""
            }
        let emptyKey: String
        if access.readableGroupIDs?.isEmpty == true {
            emptyKey = "contacts.empty_no_rights"
        } else if query.after == nil, query.validTab == nil,
            !ListQuery.filterNames.contains(where: { query.value(of: $0.1) != nil })
        {
            emptyKey = "contacts.empty"
        } else {
            emptyKey = "contacts.empty_no_match"
        }
        let next = page.next.map { cursor in ListQuery.url(query.nextPageBase + [("after", cursor.token)]) }
        // The tab row is one choice: "Without group" drops the letter, "All" and a letter leave "without group" (a
        // group chosen in the list of groups stays: its letters are tabs too).
        let groupForTabs: String?? = scope == .withoutGroup ? .some(nil) : .none
        let returnTo = req.url.query.map { Paths.contacts.path + "?" + $0 } ?? Paths.contacts.path
        let context = ListPage(
            heading: heading,
            allURL: query.url(group: .some(nil)), allCurrent: scope == .all,
            withoutGroupURL: access.seesContactsWithoutGroup ? query.url(group: "none", tab: .some(nil)) : nil,
            withoutGroupCurrent: scope == .withoutGroup,
            groups: groups.map { group in
                GroupLink(
                    id: group.id!.uuidString, name: group.name, kind: group.kind.rawValue, count: group.memberCount,
                    url: query.url(group: group.id!.uuidString), current: group.id == currentGroup?.id,
                    writable: access.canWrite(group: group.ref))
            },
            tabs: SearchFolding.tabs.map { tab in
                TabLink(label: tab, url: query.url(group: groupForTabs, tab: tab), current: tab == query.validTab)
            },
            allTabURL: query.url(group: groupForTabs, tab: .some(nil)),
            allTabCurrent: query.validTab == nil && scope != .withoutGroup,
            withoutGroupTabCurrent: query.validTab == nil && scope == .withoutGroup,
            filters: ListQuery.filterNames.map { name, field in
                Filter(
                    name: name, labelKey: "contacts.filter.\(name)", value: query.value(of: field) ?? "",
                    inputMode: field == .number ? "tel" : field == .email ? "email" : "text")
            },
            group: query.group, tab: query.validTab,
            hasFilters: ListQuery.filterNames.contains { query.value(of: $0.1) != nil },
            clearURL: ListQuery.url(
                (query.group.map { [("group", $0)] } ?? []) + (query.validTab.map { [("tab", $0)] } ?? [])),
            rowCount: rows.count,
            rowsHTML: ContactRowsHTML.render(
                rows,
                labels: .init(
                    view: req.text("contacts.view"), edit: req.text("contacts.edit"),
                    qrCode: req.text("contact.qr_code"), softCall: req.text("contact.soft_call"))),
            nextURL: next, firstURL: query.after == nil ? nil : query.url(),
            canDeleteSelected: scope == .all && !editable.isEmpty,
            assignableGroups: groups.filter { access.canWrite(group: $0.ref) }.map {
                Option(id: $0.id!.uuidString, name: $0.name)
            },
            currentGroup: currentGroup.flatMap { group in
                access.canWrite(group: group.ref) ? Option(id: group.id!.uuidString, name: group.name) : nil
            },
            // Nothing to delete in an empty address book (the list unfiltered shows nothing).
            canDeleteAll: access.canDeleteAll && scope == .all && !(rows.isEmpty && emptyKey == "contacts.empty"),
            canImport: canAdd, canCreate: canAdd,
            exportURL: Self.exportURL(scope),
            canImportCSV: access.keepsAddressBooks && scope == .all,
            exportCSVURL: ListQuery.url(
                Paths.contactsExportCSV.path,
                (scope == .withoutGroup ? [] : query.group.map { [("group", $0)] } ?? [])
                    + (query.validTab.map { [("tab", $0)] } ?? [])),
            returnTo: returnTo, emptyKey: emptyKey)
        return try await req.render("contacts/index", titleKey: "nav.contacts", section: "contacts", context)
    }

    static func exportURL(_ scope: ContactSearch.Scope) -> String {
        switch scope {
        case .all: Paths.contactsVCard.path
        case .withoutGroup: Paths.contactsVCard.path + "?group=none"
        case .group(let id): Paths.contactsVCard.path + "?group=" + id.uuidString
        }
    }

    // MARK: selection

    struct SelectionForm: Content {
        var ids: [UUID]?
        var action: String
        var group: UUID?
        var returnTo: String?
        var confirmed: String?
        var version: String?
    }

    struct ConfirmDeletePage: Encodable {
        let count: Int
        let names: [String]
        let more: Int
        let ids: [String]
        let returnTo: String
    }

    func selection(req: Request) async throws -> Response {
        let actor = try req.actor()
        let form = try req.content.decode(SelectionForm.self)
        let back = Paths.safeRedirect(form.returnTo ?? Paths.contacts.path)
        let ids = Array(Set(form.ids ?? []))
        guard !ids.isEmpty else {
            LayoutContext.Flash.put("error", "contacts.nothing_selected", on: req)
            return req.redirect(to: back)
        }
        do {
            switch form.action {
            case "delete":
                guard form.confirmed == "yes" else { return try await confirmDelete(req, actor: actor, ids, back) }
                let count = try await req.contactService.delete(ids, by: actor)
                LayoutContext.Flash.put("success", "contacts.deleted_many", ["count": String(count)], on: req)
            case "export":
                let version = try VCardVersion.requested(form.version)
                let ordered = try await req.contactExportService.exportSelection(ids, version: version, by: actor)
                return Downloads.vCardFile(ordered, version: version, named: "contacts", on: req)
            case "add", "remove":
                guard let groupID = form.group else { throw SwitchboardError.badRequest }
                let group = try await req.contactGroupService.group(groupID, by: actor)
                if form.action == "add" {
                    try await req.contactGroupService.add(ids, to: groupID, by: actor)
                } else {
                    try await req.contactGroupService.remove(ids, from: groupID, by: actor)
                }
                LayoutContext.Flash.put(
                    "success", form.action == "add" ? "contacts.added_to_group" : "contacts.removed_from_group",
                    ["count": String(ids.count), "group": group.name], on: req)
            default:
                throw SwitchboardError.badRequest
            }
        } catch let error as SwitchboardError where error.status != .notFound {
            LayoutContext.Flash.put("error", error.messageKey, error.arguments, on: req)
        }
        return req.redirect(to: back)
    }

    /// Without JavaScript (or when the browser's question was skipped) deleting asks on a page of its own.
    private func confirmDelete(_ req: Request, actor: Actor, _ ids: [UUID], _ back: String) async throws -> Response {
        // An id that does not exist and one the user cannot read get the same answer: not found.
        let readable = try await req.contactExportService.contactIDs(selected: ids, by: actor)
        guard readable.count == ids.count else { throw SwitchboardError.notFound }
        let models = try await ContactModel.query(on: req.db).filter(\.$id ~~ ids).sort(\.$sortKey).range(..<20).all()
        let names = models.map(\.displayName)
        let page = ConfirmDeletePage(
            count: ids.count, names: names, more: max(0, ids.count - names.count),
            ids: ids.map(\.uuidString), returnTo: back)
        return try await req.render(
            "contacts/confirm-delete", titleKey: "contacts.delete_selected", section: "contacts", page)
    }

    // MARK: delete all

    struct DeleteAllPage: Encodable {
        let count: Int
        let word: String
        let error: String?
    }

    struct DeleteAllForm: Content {
        let confirmation: String?
    }

    func deleteAllForm(req: Request) async throws -> Response {
        let actor = try req.actor()
        try actor.require(.manageContactGroups)
        return try await renderDeleteAll(req, error: nil)
    }

    func deleteAll(req: Request) async throws -> Response {
        let actor = try req.actor()
        try actor.require(.manageContactGroups)
        let form = try req.content.decode(DeleteAllForm.self)
        let typed = (form.confirmation ?? "").trimmingCharacters(in: .whitespaces)
        guard typed.caseInsensitiveCompare(req.text("contacts.delete_all_word")) == .orderedSame else {
            return try await renderDeleteAll(
                req, error: req.text("contacts.delete_all_mismatch", ["word": req.text("contacts.delete_all_word")]),
                status: .unprocessableEntity)
        }
        let count = try await req.contactService.deleteAll(by: actor)
        LayoutContext.Flash.put("success", "contacts.deleted_many", ["count": String(count)], on: req)
        return req.redirect(to: Paths.contacts.path)
    }

    private func renderDeleteAll(_ req: Request, error: String?, status: HTTPStatus = .ok) async throws -> Response {
        let count = try await req.contactService.deletableByDeleteAll()
        let page = DeleteAllPage(count: count, word: req.text("contacts.delete_all_word"), error: error)
        return try await req.render(
            "contacts/delete-all", titleKey: "contacts.delete_all", section: "contacts", page, status: status)
    }
}
