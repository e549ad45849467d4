import Fluent
import SwitchboardCore
import Vapor

/// What is wrong with a linked group's settings; each names its form field.
enum LinkedSourceViolation: Error, Equatable, Sendable {
    case urlInvalid
    case usernameMissing
    case secretMissing
    case clientIDMissing
    case tokenURLInvalid
    case intervalInvalid
    case addressBookNotChosen
}

/// Configuring a linked group's CardDAV source and synchronising it on demand or on schedule.
struct LinkedSourceService {
    static let googleTokenURL = "https://oauth2.googleapis.com/token"
    static let intervals = 5...10_080

    let db: any Database
    let eventLoopGroup: any EventLoopGroup
    let secretKey: String?
    let photoRules: PhotoRules
    let registry: LinkedSyncRegistry
    /// Read timeout, in seconds, of every request to the CardDAV server and the token endpoint.
    var timeout = 120
    /// `SWITCHBOARD_CARDDAV_ALLOW_PRIVATE`: on-site servers on private addresses may be linked.
    var allowPrivateAddresses = false

    var secretBox: SecretBox? { secretKey.map(SecretBox.init(passphrase:)) }

    var engine: CardDAVSync {
        CardDAVSync(
            db: db, eventLoopGroup: eventLoopGroup, secretBox: secretBox, photoRules: photoRules, timeout: timeout,
            allowPrivateAddresses: allowPrivateAddresses)
    }

    /// The settings as the form posts them. Empty secrets keep the stored ones.
    struct Settings: Sendable {
        var serverURL = ""
        /// The address book chosen among those discovered (when there were several).
        var addressBook: String?
        var authKind = LinkedSourceModel.AuthKind.password
        var username = ""
        var secret = ""
        var clientID = ""
        var clientSecret = ""
        var tokenURL = ""
        var intervalMinutes = "60"
    }

    func source(of groupID: UUID) async throws -> LinkedSourceModel? {
        try await LinkedSourceModel.query(on: db).filter(\.$group.$id == groupID).first()
    }

    /// Saves a linked group's source. A new server address is checked (and its address books found)
    /// with the given credentials before anything is stored; when it holds several address books the
    /// settings are kept and `addressBookNotChosen` asks to pick one.
    func configure(_ groupID: UUID, _ settings: Settings, by actor: Actor) async throws -> LinkedSourceModel {
        try actor.require(.manageContactGroups)
        guard let group = try await ContactGroupModel.find(groupID, on: db) else { throw SwitchboardError.notFound }
        guard group.kind == .linked else { throw SwitchboardError.badRequest }
        let source = try await source(of: groupID) ?? LinkedSourceModel(groupID: groupID)
        let serverURL = settings.serverURL.trimmingCharacters(in: .whitespaces)
        guard let server = Self.webURL(serverURL) else { throw SwitchboardError.linkedSource(.urlInvalid) }
        let username = settings.username.trimmingCharacters(in: .whitespaces)
        guard settings.authKind == .oauth || !username.isEmpty else {
            throw SwitchboardError.linkedSource(.usernameMissing)
        }
        guard let interval = Int(settings.intervalMinutes.trimmingCharacters(in: .whitespaces)),
            Self.intervals.contains(interval)
        else { throw SwitchboardError.linkedSource(.intervalInvalid) }
        let secret = settings.secret.trimmingCharacters(in: .whitespacesAndNewlines)
        let clientSecret = settings.clientSecret.trimmingCharacters(in: .whitespacesAndNewlines)
        let clientID = settings.clientID.trimmingCharacters(in: .whitespaces)
        var tokenURL: String?
        if settings.authKind == .oauth {
            guard !clientID.isEmpty else { throw SwitchboardError.linkedSource(.clientIDMissing) }
            let raw = settings.tokenURL.trimmingCharacters(in: .whitespaces)
            tokenURL = raw.isEmpty ? Self.googleTokenURL : raw
            guard Self.webURL(tokenURL!) != nil else { throw SwitchboardError.linkedSource(.tokenURLInvalid) }
        }
        let changesSecrets = !secret.isEmpty || !clientSecret.isEmpty
        // Stored secrets serve only the origins they were entered for.
        let storedSecretsApply =
            source.authKind == settings.authKind
            && URLOrigin.storedSecretsApply(
                oldServer: source.serverURL, newServer: serverURL, oldTokenURL: source.oauthTokenURL,
                newTokenURL: tokenURL)
        guard !secret.isEmpty || (source.sealedSecret != nil && storedSecretsApply) else {
            throw SwitchboardError.linkedSource(.secretMissing)
        }
        if settings.authKind == .oauth, clientSecret.isEmpty, source.sealedClientSecret != nil, !storedSecretsApply {
            throw SwitchboardError.linkedSource(.secretMissing)
        }
        guard let secretBox else { throw SwitchboardError.carddav(.secretKeyMissing) }

        let sealedSecret = secret.isEmpty ? source.sealedSecret : try secretBox.seal(secret)
        let sealedClientSecret = clientSecret.isEmpty ? source.sealedClientSecret : try secretBox.seal(clientSecret)
        let candidate = LinkedSourceModel(groupID: groupID)
        candidate.authKind = settings.authKind
        candidate.username = username
        candidate.sealedSecret = sealedSecret
        candidate.oauthClientID = settings.authKind == .oauth ? clientID : nil
        candidate.sealedClientSecret = settings.authKind == .oauth ? sealedClientSecret : nil
        candidate.oauthTokenURL = tokenURL

        // Which address book: unchanged, chosen among those found before, or found now.
        var bookURL = source.addressBookURL
        var discovered = source.discoveredBooks
        let known = discovered.flatMap {
            try? JSONDecoder().decode([CardDAVClient.DiscoveredBook].self, from: Data($0.utf8))
        }
        if serverURL != source.serverURL || bookURL == nil || changesSecrets {
            if let choice = settings.addressBook, serverURL == source.serverURL,
                let book = known?.first(where: { $0.url == choice })
            {
                bookURL = book.url
            } else {
                let books = try await discover(server, with: candidate)
                bookURL = books.count == 1 ? books[0].url : nil
                discovered = books.count > 1 ? String(decoding: try JSONEncoder().encode(books), as: UTF8.self) : nil
            }
        }
        let bookChanged = bookURL != source.addressBookURL
        source.serverURL = serverURL
        source.addressBookURL = bookURL
        source.discoveredBooks = bookURL == nil ? discovered : nil
        source.authKind = candidate.authKind
        source.username = candidate.username
        source.sealedSecret = candidate.sealedSecret
        source.oauthClientID = candidate.oauthClientID
        source.sealedClientSecret = candidate.sealedClientSecret
        source.oauthTokenURL = candidate.oauthTokenURL
        // The access token the check obtained (or none: settings changed, the next sync gets one).
        source.sealedAccessToken = candidate.sealedAccessToken
        source.accessTokenExpiresAt = candidate.accessTokenExpiresAt
        source.intervalMinutes = interval
        if bookChanged {
            source.syncToken = nil
            source.ctag = nil
        }
        let chosen = bookURL
        try await db.writeTransaction { db in
            try await source.save(on: db)
            try await AuditService(db: db).record(
                .linkedSourceConfigured, by: actor, target: group.name,
                detail: "url=\(chosen ?? serverURL) auth=\(settings.authKind.rawValue) interval=\(interval)"
                    + (changesSecrets ? " secret=changed" : ""))
        }
        if bookURL == nil { throw SwitchboardError.linkedSource(.addressBookNotChosen) }
        return source
    }

    private func discover(_ server: URL, with candidate: LinkedSourceModel) async throws
        -> [CardDAVClient.DiscoveredBook]
    {
        do {
            let authorization = try await engine.authorization(for: candidate)
            return try await CardDAVClient.using(
                authorization: authorization, on: eventLoopGroup, timeout: timeout,
                allowPrivateAddresses: allowPrivateAddresses
            ) {
                client in
                try await client.discover(server)
            }
        } catch let error as CardDAVError {
            throw SwitchboardError.carddav(error)
        }
    }

    /// The address books found when discovery returned several, for the form's choice.
    func discoveredBooks(of source: LinkedSourceModel) -> [CardDAVClient.DiscoveredBook] {
        guard let json = source.discoveredBooks else { return [] }
        return (try? JSONDecoder().decode([CardDAVClient.DiscoveredBook].self, from: Data(json.utf8))) ?? []
    }

    /// "Sync now": synchronises at once and records it in the audit log. A failure at the server is
    /// recorded on the group and returned in the outcome.
    func syncNow(_ groupID: UUID, by actor: Actor) async throws -> CardDAVSync.Outcome {
        try actor.require(.manageContactGroups)
        guard let group = try await ContactGroupModel.find(groupID, on: db) else { throw SwitchboardError.notFound }
        let outcome = try await sync(groupID)
        try await AuditService(db: db).record(
            .linkedSyncRequested, by: actor, target: group.name, detail: Self.auditDetail(outcome))
        return outcome
    }

    /// "Sync now" from the web: starts the synchronisation in the background and returns at once; the
    /// groups page shows it running, then its result (recorded on the group) and the audit log gets it
    /// when it ends. `syncRunning` when the group is being synchronised already.
    func startSync(_ groupID: UUID, by actor: Actor, logger: Logger) async throws {
        try actor.require(.manageContactGroups)
        guard let group = try await ContactGroupModel.find(groupID, on: db), group.kind == .linked else {
            throw SwitchboardError.notFound
        }
        guard try await source(of: groupID)?.addressBookURL != nil else { throw SwitchboardError.linkedNotConfigured }
        let (engine, db, name) = (engine, db, group.name)
        let started = await registry.start(groupID) {
            do {
                let outcome = try await Self.measured(groupID, engine)
                try await AuditService(db: db).record(
                    .linkedSyncRequested, by: actor, target: name, detail: Self.auditDetail(outcome))
            } catch {
                logger.error("Synchronisation of linked group \(name) failed: \(String(describing: error))")
            }
        }
        guard started else { throw SwitchboardError.syncRunning }
    }

    /// A synchronisation, timed and counted (`SwitchboardMetrics.linkedSync`): a failure is an error thrown or reported.
    private static func measured(_ groupID: UUID, _ engine: CardDAVSync) async throws -> CardDAVSync.Outcome {
        let start = ContinuousClock.now
        do {
            let outcome = try await engine.sync(groupID: groupID)
            SwitchboardMetrics.current?.linkedSync(
                group: groupID, succeeded: outcome.error == nil, elapsed: ContinuousClock.now - start)
            return outcome
        } catch {
            SwitchboardMetrics.current?.linkedSync(
                group: groupID, succeeded: false, elapsed: ContinuousClock.now - start)
            throw error
        }
    }

    static func auditDetail(_ outcome: CardDAVSync.Outcome) -> String {
        outcome.error.map { "error=\($0.code)" }
            ?? "created=\(outcome.created) updated=\(outcome.updated) deleted=\(outcome.deleted) failed=\(outcome.failed)"
    }

    /// A linked group, its source (`nil` until configured) and whether it is being synchronised now.
    struct Status: Sendable {
        let group: ContactGroupModel
        let source: LinkedSourceModel?
        let isSyncing: Bool
    }

    /// Every linked group with its synchronisation status, by name (admins and sub-admins).
    func statuses(by actor: Actor) async throws -> [Status] {
        try actor.require(.manageContactGroups)
        let groups = try await ContactGroupModel.query(on: db).filter(\.$kind == .linked).sort(\.$name).all()
        let sources = try await LinkedSourceModel.query(on: db).all()
        var statuses: [Status] = []
        for group in groups {
            let id = try group.requireID()
            statuses.append(
                Status(
                    group: group, source: sources.first { $0.$group.id == id }, isSyncing: await isSyncing(id)))
        }
        return statuses
    }

    /// Whether the group is being synchronised in this process right now.
    func isSyncing(_ groupID: UUID) async -> Bool { await registry.isRunning(groupID) }

    /// One synchronisation of a group at a time, whoever asks.
    func sync(_ groupID: UUID) async throws -> CardDAVSync.Outcome {
        guard await registry.begin(groupID) else { throw SwitchboardError.syncRunning }
        do {
            let outcome = try await Self.measured(groupID, engine)
            await registry.end(groupID)
            return outcome
        } catch {
            await registry.end(groupID)
            throw error
        }
    }

    /// Synchronises every configured group whose interval has passed since its last attempt.
    func syncDue(now: Date = Date()) async throws -> Int {
        let sources = try await LinkedSourceModel.query(on: db).filter(\.$addressBookURL != nil).all()
        var count = 0
        for source in sources {
            let due = source.lastAttemptAt.map { now.timeIntervalSince($0) >= Double(source.intervalMinutes) * 60 }
            guard due ?? true else { continue }
            _ = try? await sync(source.$group.id)
            count += 1
        }
        return count
    }

    static func webURL(_ raw: String) -> URL? {
        guard let url = URL(string: raw), let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http",
            url.host?.isEmpty == false
        else { return nil }
        return url
    }
}

/// Which groups are being synchronised in this process, and the synchronisations started in the
/// background (awaited when the application shuts down).
actor LinkedSyncRegistry {
    private var running: Set<UUID> = []
    private var background: [UUID: Task<Void, Never>] = [:]

    func begin(_ groupID: UUID) -> Bool { running.insert(groupID).inserted }

    func end(_ groupID: UUID) { running.remove(groupID) }

    func isRunning(_ groupID: UUID) -> Bool { running.contains(groupID) }

    /// Runs `work` in the background unless the group is being synchronised; `false` when it is.
    func start(_ groupID: UUID, _ work: @escaping @Sendable () async -> Void) -> Bool {
        guard begin(groupID) else { return false }
        background[groupID] = Task {
            await work()
            self.finish(groupID)
        }
        return true
    }

    private func finish(_ groupID: UUID) {
        running.remove(groupID)
        background[groupID] = nil
    }

    /// Waits for the background synchronisations (each ends by itself: the read timeout bounds it).
    func drain() async {
        while let task = background.values.first {
            await task.value
        }
    }
}

/// Lets background synchronisations finish before the database goes away.
struct LinkedSyncDrain: LifecycleHandler {
    let registry: LinkedSyncRegistry

    func shutdownAsync(_ application: Application) async {
        await registry.drain()
    }
}
