import SwitchboardCore
import Vapor

/// One contact: its page, its form (new and edit, with its groups), delete, soft call, vCard.
struct ContactController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(Paths.newContact.pathComponents, use: newForm)
        routes.post(Paths.contacts.pathComponents, use: create)
        routes.get(Paths.contact.pathComponents, use: show)
        routes.get(Paths.contactEdit.pathComponents, use: editForm)
        routes.post(Paths.contact.pathComponents, use: update)
        routes.post(Paths.contactDelete.pathComponents, use: delete)
        routes.post(Paths.contactCall.pathComponents, use: call)
        routes.get(Paths.contactVCard.pathComponents, use: vCard)
        routes.get(Paths.contactPhoto.pathComponents, use: photo)
        routes.on(.POST, Paths.contactPhoto.pathComponents, body: .collect(maxSize: "4mb"), use: uploadPhoto)
        routes.post(Paths.contactPhotoDelete.pathComponents, use: deletePhoto)
    }

    private func contactID(_ req: Request) throws -> UUID {
        guard let id = req.parameters.get("contactID", as: UUID.self) else { throw SwitchboardError.notFound }
        return id
    }

    // MARK: show

    func show(req: Request) async throws -> Response {
        let page = try await ContactShowPage.build(req, actor: try req.actor(), id: try contactID(req))
        return try await req.render("contacts/show", titleKey: "contact.title_page", section: "contacts", page)
    }

    // MARK: form

    func newForm(req: Request) async throws -> Response {
        let actor = try req.actor()
        // Someone who may not add contacts is told so, on the list, rather than given a form that can only fail.
        guard try await req.contactService.canAddContacts(actor) else {
            LayoutContext.Flash.put("error", "contact.cannot_add", on: req)
            return req.redirect(to: Paths.contacts.path)
        }
        return try await renderForm(req, actor: actor, id: nil, contact: Contact(), memberOf: nil)
    }

    func create(req: Request) async throws -> Response {
        let actor = try req.actor()
        let form = try req.content.decode(ContactForm.self)
        do {
            let model = try await req.contactService.create(form.contact, in: form.groups ?? [], by: actor)
            LayoutContext.Flash.put("success", "contact.created", on: req)
            return req.redirect(to: Paths.contact.url(try model.requireID()))
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
            return req.redirect(to: Paths.contact.url(id))
        } catch let error as SwitchboardError where error.status != .notFound && error != .forbidden {
            return try await renderForm(
                req, actor: actor, id: id, contact: form.contact, memberOf: Set(form.groups ?? []), error: error)
        }
    }

    private func renderForm(
        _ req: Request, actor: Actor, id: UUID?, contact: Contact, memberOf checked: Set<UUID>?,
        error: SwitchboardError? = nil
    ) async throws -> Response {
        let page = try await ContactFormPage.build(
            req, actor: actor, id: id, contact: contact, memberOf: checked, error: error)
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
            return req.redirect(to: Paths.contact.url(id))
        }
        do {
            try await req.contactService.delete([id], by: actor)
        } catch let error as SwitchboardError where error.status != .notFound {
            LayoutContext.Flash.put("error", error.messageKey, error.arguments, on: req)
            return req.redirect(to: Paths.contact.url(id))
        }
        LayoutContext.Flash.put("success", "contact.deleted", on: req)
        return req.redirect(to: Paths.contacts.path)
    }

    // MARK: soft call and vCard

    struct CallForm: Content {
        let phone: Int
        /// The page the call was asked from (the contacts list's row button), else the contact's page.
        var returnTo: String?
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
        return req.redirect(to: Paths.safeRedirect(form.returnTo ?? Paths.contact.url(id)))
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
        return req.redirect(to: Paths.contact.url(id))
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
        return req.redirect(to: Paths.contact.url(id))
    }

    struct VCardQuery: Content {
        var version: String?
    }

    /// "Exporter une vCard": version 2.1 (what desk phones and Outlook read best) unless `?version=3.0`
    /// or `4.0` asks otherwise; the photo comes along.
    func vCard(req: Request) async throws -> Response {
        let actor = try req.actor()
        let version = try VCardVersion.requested(try req.query.decode(VCardQuery.self).version)
        let (text, name) = try await req.contactExportService.vCard(of: try contactID(req), version: version, by: actor)
        let response = Response(status: .ok, body: .init(string: text))
        Downloads.vCardHeaders(&response.headers, fileName: Downloads.fileName(for: name))
        return response
    }

}
