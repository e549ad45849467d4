import Foundation
import OpenAPIRuntime
import SwitchboardCore
import Vapor

/// `/api/v1/contacts` and `/api/v1/contact-groups`: the address books, on the same services as the pages.
/// Groups a subscriber cannot read are "not found" here before any service could call them "forbidden".
extension APIHandler {
    func listContacts(_ input: Operations.ListContacts.Input) async throws -> Operations.ListContacts.Output {
        let (request, actor) = try context()
        let query = input.query
        let filters: [ContactSearch.Field: String?] = [
            .name: query.name, .firstName: query.firstName, .lastName: query.lastName, .company: query.company,
            .number: query.number, .email: query.email, .city: query.city,
        ]
        let list = ContactListQuery(
            group: query.group, withoutGroup: query.withoutGroup ?? false, tab: query.tab,
            filters: filters.compactMapValues { $0 }, cursor: query.cursor, limit: query.limit)
        let search = try list.search(dialPlan: request.application.config.pbx.dialPlan)
        // A group the actor cannot read is "not found" here, before any service could call it "forbidden".
        if case .group(let id) = search.scope { _ = try await readableGroupIDs([id.uuidString], request, actor) }
        let page = try await request.contactService.search(search, by: actor)
        let items = page.contacts.map(Components.Schemas.ContactSummary.init)
        return .ok(.init(body: .json(.init(items: items, nextCursor: page.next?.token))))
    }

    func createContact(_ input: Operations.CreateContact.Input) async throws -> Operations.CreateContact.Output {
        let (request, actor) = try context()
        guard case .json(let body) = input.body else { throw SwitchboardError.badRequest }
        let groupIDs = try await readableGroupIDs(body.groupIds ?? [], request, actor)
        let created = try await request.contactService.create(body.domain, in: groupIDs, by: actor)
        return .created(.init(body: .json(try await contactBody(created.requireID(), request, actor))))
    }

    func getContact(_ input: Operations.GetContact.Input) async throws -> Operations.GetContact.Output {
        let (request, actor) = try context()
        return .ok(.init(body: .json(try await contactBody(try uuid(input.path.contactId), request, actor))))
    }

    func updateContact(_ input: Operations.UpdateContact.Input) async throws -> Operations.UpdateContact.Output {
        let (request, actor) = try context()
        guard case .json(let body) = input.body else { throw SwitchboardError.badRequest }
        let id = try uuid(input.path.contactId)
        // `groupIds` names groups among those the actor may write; the service keeps every other membership.
        let groupIDs = try await body.groupIds.asyncFlatMap { Set(try await readableGroupIDs($0, request, actor)) }
        _ = try await request.contactService.update(id, with: body.domain, groups: groupIDs, by: actor)
        return .ok(.init(body: .json(try await contactBody(id, request, actor))))
    }

    func deleteContact(_ input: Operations.DeleteContact.Input) async throws -> Operations.DeleteContact.Output {
        let (request, actor) = try context()
        try await request.contactService.delete([try uuid(input.path.contactId)], by: actor)
        return .noContent(.init())
    }

    func deleteContacts(_ input: Operations.DeleteContacts.Input) async throws -> Operations.DeleteContacts.Output {
        let (request, actor) = try context()
        guard case .json(let body) = input.body else { throw SwitchboardError.badRequest }
        let ids = try body.ids.map(uuid)
        let deleted = ids.isEmpty ? 0 : try await request.contactService.delete(ids, by: actor)
        return .ok(.init(body: .json(.init(deleted: deleted))))
    }

    func deleteAllContacts(_ input: Operations.DeleteAllContacts.Input) async throws
        -> Operations.DeleteAllContacts.Output
    {
        let (request, actor) = try context()
        let deleted = try await request.contactService.deleteAll(by: actor)
        return .ok(.init(body: .json(.init(deleted: deleted))))
    }

    // MARK: groups

    func listContactGroups(_ input: Operations.ListContactGroups.Input) async throws
        -> Operations.ListContactGroups.Output
    {
        let (request, actor) = try context()
        let groups = try await request.contactGroupService.list(by: actor)
        return .ok(.init(body: .json(.init(items: try groups.map(Components.Schemas.ContactGroup.init)))))
    }

    func createContactGroup(_ input: Operations.CreateContactGroup.Input) async throws
        -> Operations.CreateContactGroup.Output
    {
        let (request, actor) = try context()
        guard case .json(let body) = input.body else { throw SwitchboardError.badRequest }
        let group = try await request.contactGroupService.create(
            name: body.name, kind: body.kind.domain, dectLimits: body.dectLimits?.domain, by: actor)
        return .created(.init(body: .json(try .init(group))))
    }

    func getContactGroup(_ input: Operations.GetContactGroup.Input) async throws -> Operations.GetContactGroup.Output {
        let (request, actor) = try context()
        let group = try await request.contactGroupService.group(try uuid(input.path.groupId), by: actor)
        return .ok(.init(body: .json(try .init(group))))
    }

    func updateContactGroup(_ input: Operations.UpdateContactGroup.Input) async throws
        -> Operations.UpdateContactGroup.Output
    {
        let (request, actor) = try context()
        guard case .json(let body) = input.body else { throw SwitchboardError.badRequest }
        let groups = request.contactGroupService
        let group = try await groups.group(try uuid(input.path.groupId), by: actor)
        let updated = try await groups.update(
            try group.requireID(), name: body.name ?? group.name, dectLimits: body.dectLimits?.domain, by: actor)
        return .ok(.init(body: .json(try .init(updated))))
    }

    func deleteContactGroup(_ input: Operations.DeleteContactGroup.Input) async throws
        -> Operations.DeleteContactGroup.Output
    {
        let (request, actor) = try context()
        let groupID = try await readableGroupIDs([input.path.groupId], request, actor)[0]
        try await request.contactGroupService.delete(groupID, by: actor)
        return .noContent(.init())
    }

    func addContactGroupMembers(_ input: Operations.AddContactGroupMembers.Input) async throws
        -> Operations.AddContactGroupMembers.Output
    {
        let (request, actor) = try context()
        guard case .json(let body) = input.body else { throw SwitchboardError.badRequest }
        let groupID = try await readableGroupIDs([input.path.groupId], request, actor)[0]
        try await request.contactGroupService.add(try body.contactIds.map(uuid), to: groupID, by: actor)
        return .noContent(.init())
    }

    func removeContactGroupMembers(_ input: Operations.RemoveContactGroupMembers.Input) async throws
        -> Operations.RemoveContactGroupMembers.Output
    {
        let (request, actor) = try context()
        guard case .json(let body) = input.body else { throw SwitchboardError.badRequest }
        let groupID = try await readableGroupIDs([input.path.groupId], request, actor)[0]
        try await request.contactGroupService.remove(try body.contactIds.map(uuid), from: groupID, by: actor)
        return .noContent(.init())
    }

    // MARK: rights

    func getContactGroupRights(_ input: Operations.GetContactGroupRights.Input) async throws
        -> Operations.GetContactGroupRights.Output
    {
        let (request, actor) = try context()
        let groupID = try await readableGroupIDs([input.path.groupId], request, actor)[0]
        return .ok(.init(body: .json(try await rightsBody(groupID, request, actor))))
    }

    /// Replaces the whole column of the rights matrix: users left out lose their right.
    func setContactGroupRights(_ input: Operations.SetContactGroupRights.Input) async throws
        -> Operations.SetContactGroupRights.Output
    {
        let (request, actor) = try context()
        guard case .json(let body) = input.body else { throw SwitchboardError.badRequest }
        let groupID = try await readableGroupIDs([input.path.groupId], request, actor)[0]
        let groups = request.contactGroupService
        var entries = try await groups.rights(on: groupID, by: actor).mapValues { _ in
            ContactGroupService.RightEntry(right: nil, isStandard: false)
        }
        let wanted = try body.items.map { (try uuid($0.userId), $0.entry) }
        guard Set(wanted.map(\.0)).count == wanted.count else { throw SwitchboardError.rightsRepeatUser }
        entries.merge(wanted) { _, new in new }
        try await groups.setRights(entries, on: groupID, by: actor)
        return .ok(.init(body: .json(try await rightsBody(groupID, request, actor))))
    }

    // MARK: helpers

    /// The groups a request names, each one the actor may read (unknown and unreadable alike are
    /// "not found"; the services would call an unreadable group "forbidden", telling it exists).
    private func readableGroupIDs(_ raw: [String], _ request: Request, _ actor: Actor) async throws -> [UUID] {
        let ids = try raw.map(uuid)
        let groups = request.contactGroupService
        for id in Set(ids) { _ = try await groups.group(id, by: actor) }
        return ids
    }

    /// A contact as the actor sees it: only the groups they can read, and whether they may edit it.
    private func contactBody(_ id: UUID, _ request: Request, _ actor: Actor) async throws -> Components.Schemas.Contact
    {
        let contacts = request.contactService
        let (contact, groups) = try await contacts.contact(id, by: actor)
        let access = try await contacts.access(for: actor)
        return try .init(
            contact, groups: groups.filter { access.canRead(group: $0.id!) },
            editable: access.canEdit(contactIn: groups.map(\.ref)))
    }

    /// Every subscriber (by username), and anyone else holding a right on the group.
    private func rightsBody(_ groupID: UUID, _ request: Request, _ actor: Actor) async throws
        -> Components.Schemas.GroupRights
    {
        let rights = try await request.contactGroupService.rights(on: groupID, by: actor)
        let users = try await request.userService.list(by: actor)
        let items = try users.filter { $0.role == .subscriber || rights[$0.id!] != nil }.map { user in
            let entry = rights[try user.requireID()]
            return Components.Schemas.GroupRightEntry(
                userId: try user.requireID().uuidString, right: entry?.right.map { .init(rawValue: $0.rawValue)! },
                standard: entry?.isStandard ?? false)
        }
        return .init(items: items)
    }
}

// MARK: - Mapping to the generated types

extension Components.Schemas.ContactInput {
    var domain: SwitchboardCore.Contact {
        .init(
            title: title, firstName: firstName, middleName: middleName, lastName: lastName, suffix: suffix,
            displayName: displayName, company: company, department: department, jobTitle: jobTitle, birthday: birthday,
            notes: notes, shortCode: shortCode,
            phones: (phones ?? []).map(\.domain), emails: (emails ?? []).map(\.domain),
            addresses: (addresses ?? []).map(\.domain))
    }
}

extension Components.Schemas.Contact {
    init(_ contact: ContactModel, groups: [ContactGroupModel], editable: Bool) throws {
        self.init(
            id: try contact.requireID().uuidString, title: contact.title, firstName: contact.firstName,
            middleName: contact.middleName, lastName: contact.lastName, suffix: contact.suffix,
            displayName: contact.displayName,
            displayNameDerived: contact.enteredDisplayName == nil, company: contact.company,
            department: contact.department, jobTitle: contact.jobTitle, birthday: contact.birthday,
            notes: contact.notes, shortCode: contact.shortCode,
            phones: contact.phones.map(Components.Schemas.Phone.init),
            emails: contact.emails.map(Components.Schemas.Email.init),
            addresses: contact.addresses.map(Components.Schemas.PostalAddress.init),
            groups: try groups.map { .init(id: try $0.requireID().uuidString, name: $0.name, kind: .init($0.kind)) },
            editable: editable)
    }
}

extension Components.Schemas.ContactSummary {
    init(_ summary: App.ContactSummary) {
        self.init(
            id: summary.id.uuidString, displayName: summary.displayName, company: summary.company,
            jobTitle: summary.jobTitle, phones: summary.phones.map(Components.Schemas.Phone.init),
            emails: summary.emails.map(Components.Schemas.Email.init),
            addresses: summary.addresses.map(Components.Schemas.PostalAddress.init))
    }
}

// The generated enums mirror the domain's raw values (a test walks every case), hence the `!`.

extension Components.Schemas.Phone {
    init(_ entry: PhoneEntry) {
        self.init(_type: .init(rawValue: entry.type.rawValue)!, number: entry.number, preferred: entry.preferred)
    }

    var domain: PhoneEntry {
        PhoneEntry(type: PhoneType(rawValue: _type.rawValue)!, number: number, preferred: preferred ?? false)
    }
}

extension Components.Schemas.Email {
    init(_ entry: EmailEntry) {
        self.init(_type: .init(rawValue: entry.type.rawValue)!, address: entry.address)
    }

    var domain: EmailEntry { EmailEntry(type: EmailType(rawValue: _type.rawValue)!, address: address) }
}

extension Components.Schemas.PostalAddress {
    init(_ address: SwitchboardCore.PostalAddress) {
        self.init(
            _type: .init(rawValue: address.type.rawValue)!, street: address.street, postalCode: address.postalCode,
            city: address.city, region: address.region, country: address.country)
    }

    var domain: SwitchboardCore.PostalAddress {
        .init(
            type: AddressType(rawValue: _type.rawValue)!, street: street, postalCode: postalCode, city: city,
            region: region, country: country)
    }
}

extension Components.Schemas.ContactGroupKind {
    init(_ kind: SwitchboardCore.ContactGroupKind) { self.init(rawValue: kind.rawValue)! }

    var domain: SwitchboardCore.ContactGroupKind { .init(rawValue: rawValue)! }
}

extension Components.Schemas.DECTLimits {
    init(_ limits: SwitchboardCore.DECTLimits) {
        self.init(maximumEntries: limits.maximumEntries, maximumNameLength: limits.maximumNameLength)
    }

    var domain: SwitchboardCore.DECTLimits {
        .init(maximumEntries: maximumEntries, maximumNameLength: maximumNameLength)
    }
}

extension Components.Schemas.ContactGroup {
    init(_ group: ContactGroupModel) throws {
        self.init(
            id: try group.requireID().uuidString, name: group.name, kind: .init(group.kind),
            memberCount: group.memberCount, dectLimits: group.dectLimits.map(Components.Schemas.DECTLimits.init))
    }
}

extension Components.Schemas.GroupRightEntry {
    var entry: ContactGroupService.RightEntry {
        .init(right: right.map { GroupRight(rawValue: $0.rawValue)! }, isStandard: standard)
    }
}

// MARK: contact photos

extension APIHandler {
    func getContactPhoto(_ input: Operations.GetContactPhoto.Input) async throws -> Operations.GetContactPhoto.Output {
        let (request, actor) = try context()
        guard let photo = try await request.contactService.photo(of: try uuid(input.path.contactId), by: actor) else {
            throw SwitchboardError.notFound
        }
        let body = HTTPBody(photo.data)
        return .ok(.init(body: photo.mediaType == "image/png" ? .png(body) : .jpeg(body)))
    }

    func setContactPhoto(_ input: Operations.SetContactPhoto.Input) async throws -> Operations.SetContactPhoto.Output {
        let (request, actor) = try context()
        let body: HTTPBody
        switch input.body {
        case .png(let png): body = png
        case .jpeg(let jpeg): body = jpeg
        }
        let rules = request.application.config.photoRules
        let data: Data
        do {
            data = try await Data(collecting: body, upTo: rules.maximumBytes)
        } catch {
            throw SwitchboardError.photo(.tooLarge(maximumBytes: rules.maximumBytes))
        }
        try await request.contactService.setPhoto(data, of: try uuid(input.path.contactId), rules: rules, by: actor)
        return .noContent(.init())
    }

    func deleteContactPhoto(_ input: Operations.DeleteContactPhoto.Input) async throws
        -> Operations.DeleteContactPhoto.Output
    {
        let (request, actor) = try context()
        try await request.contactService.setPhoto(
            nil, of: try uuid(input.path.contactId), rules: request.application.config.photoRules, by: actor)
        return .noContent(.init())
    }
}
