import SwitchboardCore
import Vapor

/// The linked-group parts of the contact-group pages: the source form, the address books to pick
/// from, the synchronisation status and the "Sync now" button.
struct LinkedSourcePage: Encodable {
    struct Values: Encodable {
        var serverURL = ""
        var addressBookURL = ""
        var authKind = LinkedSourceModel.AuthKind.password.rawValue
        var username = ""
        var clientID = ""
        var tokenURL = ""
        var intervalMinutes = "60"
    }

    struct Book: Encodable {
        let url: String
        let name: String
        let selected: Bool
    }

    let values: Values
    /// Masks shown in place of the stored secrets; empty when none is stored.
    let secretMask: String
    let clientSecretMask: String
    let books: [Book]
    let status: String?
    let problem: String?
    let canSync: Bool
    /// A synchronisation is running now.
    let isSyncing: Bool
    let action: String
    let syncAction: String
    let googleTokenURL: String
    let secretKeyMissing: Bool
    let error: String?
    let errors: [String: String]

    /// What the last synchronisation did, or why it failed, in the reader's language.
    static func status(of source: LinkedSourceModel?, on req: Request) -> (status: String?, problem: String?) {
        guard let source else { return (nil, nil) }
        var status: String?
        if let success = source.lastSuccessAt {
            status = req.text(
                "linked.last_sync",
                [
                    "time": DisplayTime.minute(success, on: req).text, "created": String(source.lastCreated),
                    "updated": String(source.lastUpdated), "deleted": String(source.lastDeleted),
                    "failed": String(source.lastFailed),
                ])
        }
        var problem: String?
        if let code = source.lastErrorCode, let attempt = source.lastAttemptAt {
            problem = req.text(
                "linked.last_error",
                [
                    "time": DisplayTime.minute(attempt, on: req).text,
                    "reason": req.text("error.carddav_\(code)", ["detail": source.lastErrorDetail ?? ""]),
                ])
        }
        return (status, problem)
    }

    static func make(
        _ req: Request, group: ContactGroupModel, source: LinkedSourceModel?, posted: Values? = nil,
        error: SwitchboardError? = nil
    ) async throws -> LinkedSourcePage {
        let id = try group.requireID()
        let service = req.linkedSourceService
        let values =
            posted
            ?? source.map {
                Values(
                    serverURL: $0.serverURL, addressBookURL: $0.addressBookURL ?? "", authKind: $0.authKind.rawValue,
                    username: $0.username, clientID: $0.oauthClientID ?? "", tokenURL: $0.oauthTokenURL ?? "",
                    intervalMinutes: String($0.intervalMinutes))
            } ?? Values()
        let (status, problem) = status(of: source, on: req)
        return LinkedSourcePage(
            values: values, secretMask: source?.sealedSecret == nil ? "" : SecretBox.mask,
            clientSecretMask: source?.sealedClientSecret == nil ? "" : SecretBox.mask,
            books: source.map(service.discoveredBooks(of:))?.map {
                Book(url: $0.url, name: $0.name, selected: $0.url == values.addressBookURL)
            } ?? [],
            status: status, problem: problem, canSync: source?.addressBookURL != nil,
            isSyncing: await service.isSyncing(id),
            action: Paths.contactGroupSource.url(id), syncAction: Paths.contactGroupSync.url(id),
            googleTokenURL: LinkedSourceService.googleTokenURL,
            secretKeyMissing: req.application.config.secretKey == nil,
            error: error.map(req.message(for:)), errors: req.fieldErrors(for: error))
    }
}

/// Saving a linked group's source and "Sync now" (admins and sub-admins).
struct LinkedSourceController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.post(Paths.contactGroupSource.pathComponents, use: save)
        routes.post(Paths.contactGroupSync.pathComponents, use: sync)
    }

    struct SourceForm: Content {
        let serverURL: String?
        let addressBook: String?
        let authKind: LinkedSourceModel.AuthKind?
        let username: String?
        let secret: String?
        let clientID: String?
        let clientSecret: String?
        let tokenURL: String?
        let intervalMinutes: String?
    }

    private func groupID(_ req: Request) throws -> UUID {
        guard let id = req.parameters.get("groupID", as: UUID.self) else { throw SwitchboardError.notFound }
        return id
    }

    func save(req: Request) async throws -> Response {
        let actor = try req.actor()
        try actor.require(.manageContactGroups)
        let id = try groupID(req)
        let group = try await req.contactGroupService.group(id, by: actor)
        let form = try req.content.decode(SourceForm.self)
        let settings = LinkedSourceService.Settings(
            serverURL: form.serverURL ?? "", addressBook: form.addressBook, authKind: form.authKind ?? .password,
            username: form.username ?? "", secret: form.secret ?? "", clientID: form.clientID ?? "",
            clientSecret: form.clientSecret ?? "", tokenURL: form.tokenURL ?? "",
            intervalMinutes: form.intervalMinutes ?? "")
        do {
            _ = try await req.linkedSourceService.configure(id, settings, by: actor)
            LayoutContext.Flash.put("success", "linked.saved", on: req)
            return req.redirect(to: Paths.contactGroup.url(id))
        } catch let error as SwitchboardError where error.status != .forbidden && error.status != .notFound {
            let posted = LinkedSourcePage.Values(
                serverURL: settings.serverURL, addressBookURL: settings.addressBook ?? "",
                authKind: settings.authKind.rawValue, username: settings.username, clientID: settings.clientID,
                tokenURL: settings.tokenURL, intervalMinutes: settings.intervalMinutes)
            let source = try await req.linkedSourceService.source(of: id)
            let linked = try await LinkedSourcePage.make(
                req, group: group, source: source, posted: posted, error: error)
            return try await ContactGroupsController().renderShow(req, actor: actor, group: group, linked: linked)
        }
    }

    struct SyncForm: Content {
        /// `list` when the button was on the groups page, which the answer then shows again.
        let from: String?
    }

    /// Starts the synchronisation in the background and answers at once: a large address book takes
    /// longer than a browser waits. The pages show it running, then its result.
    func sync(req: Request) async throws -> Response {
        let actor = try req.actor()
        try actor.require(.manageContactGroups)
        let id = try groupID(req)
        let group = try await req.contactGroupService.group(id, by: actor)
        let back =
            (try? req.content.decode(SyncForm.self))?.from == "list"
            ? Paths.contactGroups.path : Paths.contactGroup.url(id)
        do {
            // The application's database, not the request's: the synchronisation outlives the request.
            try await req.application.linkedSourceService(on: req.application.db)
                .startSync(id, by: actor, logger: req.application.logger)
            LayoutContext.Flash.put("success", "linked.sync_started", ["name": group.name], on: req)
        } catch let error as SwitchboardError where error.status == .conflict {
            LayoutContext.Flash.put("error", error.messageKey, error.arguments, on: req)
        }
        return req.redirect(to: back)
    }
}
