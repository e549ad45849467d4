import SwitchboardCore
import Vapor

/// The contact form, new and edit: its fields with their repeated rows (numbers, e-mails, addresses) and the groups
/// the actor may write, those they cannot change named apart.
struct ContactFormPage: Encodable {
    struct PhoneRow: Encodable {
        let index: Int
        let type: String
        let number: String
        let preferred: Bool
    }

    struct EmailRow: Encodable {
        let type: String
        let address: String
    }

    struct AddressRow: Encodable {
        let type: String
        let street: String
        let postalCode: String
        let city: String
        let region: String
        let country: String
    }

    /// A group offered as a checkbox (contact form, vCard import).
    struct GroupChoice: Encodable {
        let id: String
        let name: String
        let kind: String
        let checked: Bool

        init(_ group: ContactGroupModel, checked: Bool) {
            id = group.id!.uuidString
            name = group.name
            kind = group.kind.rawValue
            self.checked = checked
        }
    }

    struct Values: Encodable {
        var title = ""
        var firstName = ""
        var middleName = ""
        var lastName = ""
        var suffix = ""
        var displayName = ""
        var company = ""
        var department = ""
        var jobTitle = ""
        var birthday = ""
        var notes = ""
        var shortCode = ""
    }

    let isNew: Bool
    /// The contact's name as the breadcrumb shows it (what the list calls it).
    let name: String
    let action: String
    let cancelURL: String
    let values: Values
    let phones: [PhoneRow]
    let emails: [EmailRow]
    let addresses: [AddressRow]
    let phoneTypes: [String]
    let emailTypes: [String]
    let addressTypes: [String]
    let groups: [GroupChoice]
    let fixedGroups: [String]
    let groupsHintKey: String
    let error: String?
    let errors: [String: String]

    static func build(
        _ req: Request, actor: Actor, id: UUID?, contact: Contact, memberOf checked: Set<UUID>?,
        error: SwitchboardError?
    ) async throws -> ContactFormPage {
        let access = try await req.contactService.access(for: actor)
        let readable = try await req.contactGroupService.list(by: actor)
        let current = try await id.asyncFlatMap { try await req.contactService.groups(of: $0) } ?? []
        var chosen = checked ?? Set(current.compactMap(\.id))
        if id == nil, checked == nil, let standard = try await req.contactService.standardGroup(of: actor) {
            chosen.insert(standard.id!)
        }
        let writable = readable.filter { access.canWrite(group: $0.ref) }
        let fixed = current.filter { !access.canWrite(group: $0.ref) }.map(\.name).sorted()
        var phones = contact.phones.enumerated().map { index, phone in
            PhoneRow(index: index, type: phone.type.rawValue, number: phone.number, preferred: phone.preferred)
        }
        // Empty rows to type into: two numbers on a new form, one more on an edit; a refused form comes back with the
        // rows as they were posted (an empty one included), and only the rows needed to reach those two.
        let blankPhones = error == nil ? max(2 - phones.count, 1) : max(2 - phones.count, 0)
        for index in phones.count..<(phones.count + blankPhones) {
            phones.append(PhoneRow(index: index, type: PhoneType.business.rawValue, number: "", preferred: false))
        }
        let emails =
            contact.emails.map { EmailRow(type: $0.type.rawValue, address: $0.address) }
            + (error == nil || contact.emails.isEmpty ? [EmailRow(type: EmailType.business.rawValue, address: "")] : [])
        let addresses =
            contact.addresses.map {
                AddressRow(
                    type: $0.type.rawValue, street: $0.street ?? "", postalCode: $0.postalCode ?? "",
                    city: $0.city ?? "", region: $0.region ?? "", country: $0.country ?? "")
            } + (contact.addresses.isEmpty ? [AddressRow.empty] : [])
        let values = Values(
            title: contact.title ?? "", firstName: contact.firstName ?? "", middleName: contact.middleName ?? "",
            lastName: contact.lastName ?? "", suffix: contact.suffix ?? "", displayName: contact.displayName ?? "",
            company: contact.company ?? "",
            department: contact.department ?? "", jobTitle: contact.jobTitle ?? "", birthday: contact.birthday ?? "",
            notes: contact.notes ?? "", shortCode: contact.shortCode ?? "")
        return ContactFormPage(
            isNew: id == nil, name: contact.resolvedDisplayName ?? req.text("contacts.all"),
            action: id.map { Paths.contact.url($0) } ?? Paths.contacts.path,
            cancelURL: id.map { Paths.contact.url($0) } ?? Paths.contacts.path, values: values, phones: phones,
            emails: emails,
            addresses: addresses, phoneTypes: PhoneType.allCases.map(\.rawValue),
            emailTypes: EmailType.allCases.map(\.rawValue), addressTypes: AddressType.allCases.map(\.rawValue),
            groups: writable.map {
                GroupChoice($0, checked: chosen.contains($0.id!))
            },
            fixedGroups: fixed,
            groupsHintKey: access.keepsAddressBooks ? "contact.groups_hint_keeper" : "contact.groups_hint_subscriber",
            error: error.map(req.message(for:)), errors: req.fieldErrors(for: error))
    }
}

/// The contact form as posted. Repeated rows come as parallel arrays (`phoneNumber[]`…), so
/// the page works without JavaScript: empty rows are simply ignored.
struct ContactForm: Content {
    var title: String?
    var firstName: String?
    var middleName: String?
    var lastName: String?
    var suffix: String?
    var displayName: String?
    var company: String?
    var department: String?
    var jobTitle: String?
    var birthday: String?
    var notes: String?
    var shortCode: String?
    var phoneType: [String]?
    var phoneNumber: [String]?
    var preferredPhone: Int?
    var emailType: [String]?
    var emailAddress: [String]?
    var addressType: [String]?
    var street: [String]?
    var postalCode: [String]?
    var city: [String]?
    var region: [String]?
    var country: [String]?
    var groups: [UUID]?

    var contact: Contact {
        func at(_ values: [String]?, _ index: Int) -> String? {
            guard let values, index < values.count else { return nil }
            return values[index]
        }
        let phones = (phoneNumber ?? []).enumerated().map { index, number in
            PhoneEntry(
                type: at(phoneType, index).flatMap(PhoneType.init(rawValue:)) ?? .business, number: number,
                preferred: preferredPhone == index)
        }
        let emails = (emailAddress ?? []).enumerated().map { index, address in
            EmailEntry(type: at(emailType, index).flatMap(EmailType.init(rawValue:)) ?? .business, address: address)
        }
        let count = [street, postalCode, city, region, country].map { $0?.count ?? 0 }.max() ?? 0
        let addresses = (0..<count).map { index in
            PostalAddress(
                type: at(addressType, index).flatMap(AddressType.init(rawValue:)) ?? .business,
                street: at(street, index), postalCode: at(postalCode, index), city: at(city, index),
                region: at(region, index), country: at(country, index))
        }
        return Contact(
            title: title, firstName: firstName, middleName: middleName, lastName: lastName, suffix: suffix,
            displayName: displayName, company: company, department: department, jobTitle: jobTitle,
            birthday: birthday, notes: notes, shortCode: shortCode, phones: phones, emails: emails,
            addresses: addresses)
    }
}

extension ContactFormPage.AddressRow {
    static let empty = Self(
        type: AddressType.business.rawValue, street: "", postalCode: "", city: "", region: "", country: "")
}
