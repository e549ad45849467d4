import SwitchboardCore
import Vapor

/// A contact's page: its fields, numbers to call, groups, downloads, QR code and photo, and why it cannot be
/// changed when it cannot.
struct ContactShowPage: Encodable {
    struct Line: Encodable {
        let labelKey: String
        let value: String
    }

    struct Phone: Encodable {
        let index: Int
        let typeKey: String
        let number: String
        let dialable: String?
        let preferred: Bool
    }

    struct Email: Encodable {
        let typeKey: String
        let address: String
    }

    struct Address: Encodable {
        let typeKey: String
        let lines: [String]
    }

    /// The vCard in another version than 2.1.
    struct Download: Encodable {
        let version: String
        let url: String
    }

    struct GroupBadge: Encodable {
        let name: String
        let kind: String
        let url: String
    }

    let displayName: String
    let subtitle: String?
    let lines: [Line]
    let phones: [Phone]
    let emails: [Email]
    let addresses: [Address]
    let notes: String?
    let groups: [GroupBadge]
    let editURL: String?
    let deleteAction: String?
    let readOnlyReasonKey: String?
    let callAction: String
    let canCall: Bool
    let placesRealCalls: Bool
    let vCardURL: String
    let otherVCards: [Download]
    /// `nil` when the contact holds more than a QR code can carry (then the page says so).
    let qrSVGURL: String?
    let qrPNGURL: String
    let photoURL: String?
    let photoAction: String
    let photoDeleteAction: String
    let initials: String
    let photoKilobytes: Int
    let photoMinimum: Int
    let photoMaximum: Int

    /// What the contact page says when the actor may not change the contact.
    static let readOnlyReasonKey: [ContactDecision: String] = [
        .readOnlyLinked: "contact.read_only_linked", .noWriteRight: "contact.read_only_rights",
    ]

    static func build(_ req: Request, actor: Actor, id: UUID) async throws -> ContactShowPage {
        let (model, groups) = try await req.contactService.contact(id, by: actor)
        let access = try await req.contactService.access(for: actor)
        let decision = access.editing(contactIn: groups.map(\.ref))
        let editable = decision == .allowed
        let contact = model.toDomain()
        let lines: [Line] = [
            ("contact.title", contact.title), ("contact.first_name", contact.firstName),
            ("contact.middle_name", contact.middleName), ("contact.last_name", contact.lastName),
            ("contact.suffix", contact.suffix), ("contact.company", contact.company),
            ("contact.department", contact.department), ("contact.job_title", contact.jobTitle),
            ("contact.birthday", contact.birthday), ("contact.short_code", contact.shortCode),
        ].compactMap { key, value in value.map { Line(labelKey: key, value: $0) } }
        return ContactShowPage(
            displayName: model.displayName,
            subtitle: [contact.jobTitle, contact.company].compactMap { $0 }.filter { $0 != model.displayName }
                .joined(separator: " · ").nilIfEmpty,
            lines: lines,
            phones: contact.phones.enumerated().map { index, phone in
                Phone(
                    index: index, typeKey: "phone_type.\(phone.type.rawValue)", number: req.shownNumber(phone.number),
                    dialable: phone.dialable, preferred: phone.preferred)
            },
            emails: contact.emails.map { Email(typeKey: "email_type.\($0.type.rawValue)", address: $0.address) },
            addresses: contact.addresses.map { address in
                Address(
                    typeKey: "address_type.\(address.type.rawValue)",
                    lines: [
                        address.street,
                        [address.postalCode, address.city].compactMap { $0 }.joined(separator: " ").nilIfEmpty,
                        address.region, address.country,
                    ].compactMap { $0 })
            },
            notes: contact.notes,
            groups: groups.sorted { $0.name < $1.name }.map {
                GroupBadge(
                    name: $0.name, kind: $0.kind.rawValue,
                    url: ContactsListController.ListQuery(group: $0.id!.uuidString).url())
            },
            editURL: editable ? Paths.contactEdit.url(id) : nil,
            deleteAction: editable ? Paths.contactDelete.url(id) : nil,
            readOnlyReasonKey: readOnlyReasonKey[decision],
            callAction: Paths.contactCall.url(id), canCall: actor.user.phoneExtension != nil,
            placesRealCalls: req.application.pbx.placesRealCalls, vCardURL: Paths.contactVCard.url(id),
            otherVCards: [VCardVersion.v30, .v40].map {
                Download(version: $0.rawValue, url: Paths.contactVCard.url(id) + "?version=" + $0.rawValue)
            },
            qrSVGURL: (try? QRCodeEncoder.matrix(for: contact)) == nil ? nil : Paths.contactQRSVG.url(id),
            qrPNGURL: Paths.contactQRPNG.url(id),
            photoURL: try await req.contactService.hasPhoto(id) ? Paths.contactPhoto.url(id) : nil,
            photoAction: Paths.contactPhoto.url(id), photoDeleteAction: Paths.contactPhotoDelete.url(id),
            initials: LayoutContext.initials(of: model.displayName),
            photoKilobytes: req.application.config.photoRules.maximumBytes / 1000,
            photoMinimum: req.application.config.photoRules.dimensions.lowerBound,
            photoMaximum: req.application.config.photoRules.dimensions.upperBound)
    }
}
