import SwitchboardCore
import Vapor

/// One contact: its page, its form (new and edit, with its groups), delete, soft call, vCard.
struct ContactController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(Paths.newContact.pathComponents, use: newForm)
        routes.post(Paths.contacts.pathComponents, use: create)
        routes.get(Paths.contactPattern.pathComponents, use: show)
        routes.get(Paths.contactEditPattern.pathComponents, use: editForm)
        routes.post(Paths.contactPattern.pathComponents, use: update)
        routes.post(Paths.contactDeletePattern.pathComponents, use: delete)
        routes.post(Paths.contactCallPattern.pathComponents, use: call)
        routes.get(Paths.contactVCardPattern.pathComponents, use: vCard)
        routes.get(Paths.contactPhotoPattern.pathComponents, use: photo)
        routes.on(.POST, Paths.contactPhotoPattern.pathComponents, body: .collect(maxSize: "4mb"), use: uploadPhoto)
        routes.post(Paths.contactPhotoDeletePattern.pathComponents, use: deletePhoto)
    }

    private func contactID(_ req: Request) throws -> UUID {
        guard let id = req.parameters.get("contactID", as: UUID.self) else { throw SwitchboardError.notFound }
        return id
    }

    // MARK: show

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

    struct ShowPage: Encodable {
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
    }

    /// What the contact page says when the actor may not change the contact.
    static let readOnlyReasonKey: [ContactDecision: String] = [
        .readOnlyLinked: "contact.read_only_linked", .noWriteRight: "contact.read_only_rights",
    ]

    func show(req: Request) async throws -> Response {
        let actor = try req.actor()
        let id = try contactID(req)
        let (model, groups) = try await req.contactService.contact(id, by: actor)
        let access = try await req.contactService.access(for: actor)
        let decision = access.editing(contactIn: groups.map(\.ref))
        let editable = decision == .allowed
        let contact = model.toDomain()
        let lines: [Line] = [
            ("contact.title", contact.title), ("contact.first_name", contact.firstName),
            ("contact.last_name", contact.lastName), ("contact.company", contact.company),
            ("contact.department", contact.department), ("contact.job_title", contact.jobTitle),
            ("contact.birthday", contact.birthday), ("contact.short_code", contact.shortCode),
        ].compactMap { key, value in value.map { Line(labelKey: key, value: $0) } }
        let page = ShowPage(
            displayName: model.displayName,
            subtitle: [contact.jobTitle, contact.company].compactMap { $0 }.filter { $0 != model.displayName }
                .joined(separator: " · ").nilIfEmpty,
            lines: lines,
            phones: contact.phones.enumerated().map { index, phone in
                Phone(
                    index: index, typeKey: "phone_type.\(phone.type.rawValue)", number: phone.number,
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
            editURL: editable ? Paths.contactEdit(id) : nil,
            deleteAction: editable ? Paths.contactDelete(id) : nil,
            readOnlyReasonKey: Self.readOnlyReasonKey[decision],
            callAction: Paths.contactCall(id), canCall: actor.user.phoneExtension != nil,
            placesRealCalls: req.application.pbx.placesRealCalls, vCardURL: Paths.contactVCard(id),
            otherVCards: [VCardVersion.v30, .v40].map {
                Download(version: $0.rawValue, url: Paths.contactVCard(id) + "?version=" + $0.rawValue)
            },
            qrSVGURL: (try? QRCodeEncoder.matrix(for: contact)) == nil ? nil : Paths.contactQRSVG(id),
            qrPNGURL: Paths.contactQRPNG(id),
            photoURL: try await req.contactService.hasPhoto(id) ? Paths.contactPhoto(id) : nil,
            photoAction: Paths.contactPhoto(id), photoDeleteAction: Paths.contactPhotoDelete(id),
            initials: LayoutContext.initials(of: model.displayName),
            photoKilobytes: req.application.config.photoRules.maximumBytes / 1000,
            photoMinimum: req.application.config.photoRules.dimensions.lowerBound,
            photoMaximum: req.application.config.photoRules.dimensions.upperBound)
        return try await req.render("contacts/show", titleKey: "contact.title_page", section: "contacts", page)
    }

    // MARK: form

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

    struct FormPage: Encodable {
        let isNew: Bool
        let action: String
        let cancelURL: String
        let values: ContactFormValues
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
    }

    struct ContactFormValues: Encodable {
        var title = ""
        var firstName = ""
        var lastName = ""
        var displayName = ""
        var company = ""
        var department = ""
        var jobTitle = ""
        var birthday = ""
        var notes = ""
        var shortCode = ""
    }

    /// The contact form as posted. Repeated rows come as parallel arrays (`phoneNumber[]`…), so
    /// the page works without JavaScript: empty rows are simply ignored.
    struct ContactForm: Content {
        var title: String?
        var firstName: String?
        var lastName: String?
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
                title: title, firstName: firstName, lastName: lastName, displayName: displayName, company: company,
                department: department, jobTitle: jobTitle, birthday: birthday, notes: notes, shortCode: shortCode,
                phones: phones, emails: emails, addresses: addresses)
        }
    }

    func newForm(req: Request) async throws -> Response {
        let actor = try req.actor()
        return try await renderForm(req, actor: actor, id: nil, contact: Contact(), memberOf: nil)
    }

    func create(req: Request) async throws -> Response {
        let actor = try req.actor()
        let form = try req.content.decode(ContactForm.self)
        do {
            let model = try await req.contactService.create(form.contact, in: form.groups ?? [], by: actor)
            LayoutContext.Flash.put("success", "contact.created", on: req)
            return req.redirect(to: Paths.contact(try model.requireID()))
        } catch let error as SwitchboardError where error.status != .notFound {
            return try await renderForm(
                req, actor: actor, id: nil, contact: form.contact, memberOf: Set(form.groups ?? []), error: error)
        }
    }

    func editForm(req: Request) async throws -> Response {
        let actor = try req.actor()
        let id = try contactID(req)
        let (model, groups) = try await req.contactService.contact(id, by: actor)
        try SwitchboardError.require(
            try await req.contactService.access(for: actor).editing(contactIn: groups.map(\.ref)))
        return try await renderForm(req, actor: actor, id: id, contact: model.toDomain(), memberOf: nil)
    }

    func update(req: Request) async throws -> Response {
        let actor = try req.actor()
        let id = try contactID(req)
        let form = try req.content.decode(ContactForm.self)
        do {
            // The form shows the groups the actor may write; the service keeps every other membership.
            _ = try await req.contactService.update(id, with: form.contact, groups: Set(form.groups ?? []), by: actor)
            LayoutContext.Flash.put("success", "contact.saved", on: req)
            return req.redirect(to: Paths.contact(id))
        } catch let error as SwitchboardError where error.status != .notFound && error != .forbidden {
            return try await renderForm(
                req, actor: actor, id: id, contact: form.contact, memberOf: Set(form.groups ?? []), error: error)
        }
    }

    private func renderForm(
        _ req: Request, actor: Actor, id: UUID?, contact: Contact, memberOf checked: Set<UUID>?,
        error: SwitchboardError? = nil
    ) async throws -> Response {
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
        for index in phones.count..<(phones.count + 2) {
            phones.append(PhoneRow(index: index, type: PhoneType.business.rawValue, number: "", preferred: false))
        }
        let emails =
            contact.emails.map { EmailRow(type: $0.type.rawValue, address: $0.address) }
            + [EmailRow(type: EmailType.business.rawValue, address: "")]
        let addresses =
            contact.addresses.map {
                AddressRow(
                    type: $0.type.rawValue, street: $0.street ?? "", postalCode: $0.postalCode ?? "",
                    city: $0.city ?? "", region: $0.region ?? "", country: $0.country ?? "")
            } + (contact.addresses.isEmpty ? [AddressRow.empty] : [])
        let values = ContactFormValues(
            title: contact.title ?? "", firstName: contact.firstName ?? "", lastName: contact.lastName ?? "",
            displayName: contact.displayName ?? "", company: contact.company ?? "",
            department: contact.department ?? "", jobTitle: contact.jobTitle ?? "", birthday: contact.birthday ?? "",
            notes: contact.notes ?? "", shortCode: contact.shortCode ?? "")
        let page = FormPage(
            isNew: id == nil, action: id.map(Paths.contact) ?? Paths.contacts,
            cancelURL: id.map(Paths.contact) ?? Paths.contacts, values: values, phones: phones, emails: emails,
            addresses: addresses, phoneTypes: PhoneType.allCases.map(\.rawValue),
            emailTypes: EmailType.allCases.map(\.rawValue), addressTypes: AddressType.allCases.map(\.rawValue),
            groups: writable.map {
                GroupChoice($0, checked: chosen.contains($0.id!))
            },
            fixedGroups: fixed,
            groupsHintKey: access.keepsAddressBooks ? "contact.groups_hint_keeper" : "contact.groups_hint_subscriber",
            error: error.map(req.message(for:)), errors: req.fieldErrors(for: error))
        return try await req.render(
            "contacts/form", titleKey: id == nil ? "contact.new" : "contact.edit", section: "contacts", page,
            status: error?.status ?? .ok)
    }

    // MARK: delete

    struct DeleteForm: Content {
        let confirm: String?
    }

    func delete(req: Request) async throws -> Response {
        let actor = try req.actor()
        let id = try contactID(req)
        let form = try req.content.decode(DeleteForm.self)
        guard form.confirm == "yes" else {
            LayoutContext.Flash.put("error", "contact.delete_unconfirmed", on: req)
            return req.redirect(to: Paths.contact(id))
        }
        do {
            try await req.contactService.delete([id], by: actor)
        } catch let error as SwitchboardError where error.status != .notFound {
            LayoutContext.Flash.put("error", error.messageKey, error.arguments, on: req)
            return req.redirect(to: Paths.contact(id))
        }
        LayoutContext.Flash.put("success", "contact.deleted", on: req)
        return req.redirect(to: Paths.contacts)
    }

    // MARK: soft call and vCard

    struct CallForm: Content {
        let phone: Int
    }

    func call(req: Request) async throws -> Response {
        let actor = try req.actor()
        let id = try contactID(req)
        let form = try req.content.decode(CallForm.self)
        let (model, _) = try await req.contactService.contact(id, by: actor)
        guard model.phones.indices.contains(form.phone) else { throw SwitchboardError.badRequest }
        do {
            let number = try await req.callService.dial(model.phones[form.phone].number, by: actor)
            let key = req.application.pbx.placesRealCalls ? "dialpad.calling" : "dialpad.recorded"
            LayoutContext.Flash.put(
                "success", key, ["number": number, "extension": actor.user.phoneExtension ?? ""], on: req)
        } catch let error as SwitchboardError where error.status != .forbidden {
            LayoutContext.Flash.put("error", error.messageKey, error.arguments, on: req)
        }
        return req.redirect(to: Paths.contact(id))
    }

    // MARK: photo

    func photo(req: Request) async throws -> Response {
        let actor = try req.actor()
        guard let photo = try await req.contactService.photo(of: try contactID(req), by: actor) else {
            throw SwitchboardError.notFound
        }
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: photo.mediaType)
        headers.replaceOrAdd(name: .cacheControl, value: "private, no-cache")
        return Response(status: .ok, headers: headers, body: .init(data: photo.data))
    }

    struct PhotoForm: Content {
        var photo: File?
    }

    func uploadPhoto(req: Request) async throws -> Response {
        let actor = try req.actor()
        let id = try contactID(req)
        do {
            guard let file = try req.content.decode(PhotoForm.self).photo, file.data.readableBytes > 0 else {
                throw SwitchboardError.photo(.notImage)
            }
            try await req.contactService.setPhoto(
                Data(buffer: file.data), of: id, rules: req.application.config.photoRules, by: actor)
            LayoutContext.Flash.put("success", "contact.photo_saved", on: req)
        } catch let error as SwitchboardError where error.status != .notFound {
            LayoutContext.Flash.put("error", error.messageKey, error.arguments, on: req)
        }
        return req.redirect(to: Paths.contact(id))
    }

    func deletePhoto(req: Request) async throws -> Response {
        let actor = try req.actor()
        let id = try contactID(req)
        do {
            try await req.contactService.setPhoto(nil, of: id, rules: req.application.config.photoRules, by: actor)
            LayoutContext.Flash.put("success", "contact.photo_removed", on: req)
        } catch let error as SwitchboardError where error.status != .notFound {
            LayoutContext.Flash.put("error", error.messageKey, error.arguments, on: req)
        }
        return req.redirect(to: Paths.contact(id))
    }

    struct VCardQuery: Content {
        var version: String?
    }

    /// "Exporter une vCard": version 2.1 (what desk phones and Outlook read best) unless `?version=3.0`
    /// or `4.0` asks otherwise; the photo comes along.
    func vCard(req: Request) async throws -> Response {
        let actor = try req.actor()
        let version = try ContactInterchangeController.version(try req.query.decode(VCardQuery.self).version)
        let (text, name) = try await req.contactExportService.vCard(of: try contactID(req), version: version, by: actor)
        let response = Response(status: .ok, body: .init(string: text))
        ContactInterchangeController.vCardHeaders(&response.headers, fileName: Self.fileName(for: name))
        return response
    }

    /// "Émile Zola" → "Emile Zola.vcf": what every system can save, whatever its file names allow.
    static func fileName(for displayName: String) -> String {
        let ascii =
            displayName.applyingTransform(.toLatin, reverse: false)?
            .applyingTransform(.stripDiacritics, reverse: false) ?? displayName
        let safe = ascii.unicodeScalars.map { scalar -> Character in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || " .-_".unicodeScalars.contains(scalar))
                ? Character(scalar) : "_"
        }
        let name = String(safe).trimmingCharacters(in: .whitespaces)
        return (name.isEmpty ? "contact" : String(name.prefix(80))) + ".vcf"
    }
}

extension ContactController.AddressRow {
    static let empty = Self(
        type: AddressType.business.rawValue, street: "", postalCode: "", city: "", region: "", country: "")
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
