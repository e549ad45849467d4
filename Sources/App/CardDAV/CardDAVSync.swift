import Fluent
import SwitchboardCore
import Vapor

/// Mirrors a linked group's CardDAV address book: asks what changed (`sync-collection` when the
/// server offers it, else every etag), fetches the changed cards with `addressbook-multiget`, and
/// only then applies creates, updates and deletes to the group in one transaction. Anything that
/// goes wrong while talking to the server leaves the group exactly as it was; the reason is
/// recorded on the group's source.
struct CardDAVSync {
    let db: any Database
    let eventLoopGroup: any EventLoopGroup
    let secretBox: SecretBox?
    let photoRules: PhotoRules
    /// Read timeout of each request, in seconds (`SWITCHBOARD_CARDDAV_TIMEOUT`).
    var timeout = 120
    /// `SWITCHBOARD_CARDDAV_ALLOW_PRIVATE`.
    var allowPrivateAddresses = false
    /// Cards per `addressbook-multiget`.
    var batchSize = 100

    struct Outcome: Sendable, Equatable {
        var created = 0
        var updated = 0
        var deleted = 0
        var failed = 0
        var error: CardDAVError?
    }

    /// Synchronises one group and records how it went. Remote problems are recorded and returned,
    /// not thrown; a group without a chosen address book is `linkedNotConfigured`.
    func sync(groupID: UUID) async throws -> Outcome {
        guard let source = try await LinkedSourceModel.query(on: db).filter(\.$group.$id == groupID).first(),
            let bookURL = source.addressBookURL.flatMap(URL.init(string:))
        else { throw SwitchboardError.linkedNotConfigured }
        let started = Date()
        do {
            let plan = try await fetch(source, bookURL)
            return try await apply(plan, to: source, at: started)
        } catch let error as CardDAVError {
            source.lastAttemptAt = started
            source.lastErrorCode = error.code
            source.lastErrorDetail = String(error.detail.prefix(500))
            db.logger.warning("Linked group synchronisation failed: \(error.code) \(error.logDetail)")
            try await source.save(on: db)
            return Outcome(error: error)
        }
    }

    // MARK: talking to the server (nothing is written here)

    private struct Plan {
        var cards: [CardDAVClient.Card] = []
        /// Keys (`DAVResponse.key`) of cards gone from the book.
        var removed: Set<String> = []
        var syncToken: String?
        var ctag: String?
    }

    private func fetch(_ source: LinkedSourceModel, _ url: URL) async throws -> Plan {
        let (authorization, cached) = try await authorize(source)
        try await saveTokens(of: source)
        do {
            return try await fetch(source, url, authorization: authorization)
        } catch CardDAVError.authenticationRefused where cached {
            // An access token revoked before its expiry: exchange the refresh token again, once.
            source.sealedAccessToken = nil
            source.accessTokenExpiresAt = nil
            let (fresh, _) = try await authorize(source)
            try await saveTokens(of: source)
            return try await fetch(source, url, authorization: fresh)
        }
    }

    /// Tokens obtained (and a rotated refresh token) are kept even when the synchronisation then fails.
    private func saveTokens(of source: LinkedSourceModel) async throws {
        if source.id != nil, source.hasChanges { try await source.save(on: db) }
    }

    private func fetch(_ source: LinkedSourceModel, _ url: URL, authorization: String) async throws -> Plan {
        try await CardDAVClient.using(
            authorization: authorization, on: eventLoopGroup, timeout: timeout,
            allowPrivateAddresses: allowPrivateAddresses
        ) { client in
            let state = try await client.bookState(url)
            guard state.isAddressBook else { throw CardDAVError.notAddressBook }
            var plan = Plan(syncToken: state.syncToken, ctag: state.ctag)
            if source.lastSuccessAt != nil, let ctag = state.ctag, ctag == source.ctag,
                state.syncToken == nil || state.syncToken == source.syncToken
            {
                return plan
            }
            var listing: CardDAVClient.Listing
            if state.supportsSyncCollection {
                do {
                    listing = try await client.syncCollection(url, token: source.syncToken)
                } catch CardDAVError.syncTokenInvalid {
                    listing = try await client.syncCollection(url, token: nil)
                }
            } else {
                listing = try await client.etags(url)
            }
            let known = try await knownEtags(source)
            var changed: [String] = []
            var listed = Set<String>()
            for entry in listing.entries {
                let key = DAVResponse.key(entry.href)
                listed.insert(key)
                if known[key] != entry.etag { changed.append(entry.href) }
            }
            plan.removed = Set(listing.removed.map(DAVResponse.key)).intersection(known.keys)
            if listing.isComplete { plan.removed.formUnion(Set(known.keys).subtracting(listed)) }
            for batch in changed.chunked(by: batchSize) {
                let cards = try await client.multiget(url, hrefs: Array(batch))
                plan.cards += cards
                // A card listed but not returned was deleted in between: it goes if we had it.
                let returned = Set(cards.map { DAVResponse.key($0.href) })
                for href in batch where !returned.contains(DAVResponse.key(href)) {
                    if known[DAVResponse.key(href)] != nil { plan.removed.insert(DAVResponse.key(href)) }
                }
            }
            plan.syncToken = listing.syncToken ?? state.syncToken
            return plan
        }
    }

    /// The `Authorization` header for the source's server. For OAuth this is the cached access token
    /// while it has more than a minute to live, else a fresh one from the token endpoint; the new
    /// access token and a rotated refresh token are sealed into `source` (the caller saves it).
    func authorization(for source: LinkedSourceModel, now: Date = Date()) async throws -> String {
        try await authorize(source, now: now).header
    }

    private func authorize(_ source: LinkedSourceModel, now: Date = Date()) async throws -> (
        header: String, cached: Bool
    ) {
        guard let secretBox else { throw CardDAVError.secretKeyMissing }
        let secret = try source.sealedSecret.map(secretBox.open) ?? ""
        switch source.authKind {
        case .password:
            return ("Basic " + Data("\(source.username):\(secret)".utf8).base64EncodedString(), false)
        case .oauth:
            if let sealed = source.sealedAccessToken, let expiry = source.accessTokenExpiresAt,
                expiry > now.addingTimeInterval(Self.tokenMargin), let token = try? secretBox.open(sealed)
            {
                return ("Bearer " + token, true)
            }
            let clientSecret = try source.sealedClientSecret.map(secretBox.open) ?? ""
            let tokenURL = URL(string: source.oauthTokenURL ?? LinkedSourceService.googleTokenURL)!
            let grant = try await CardDAVClient.using(
                authorization: nil, on: eventLoopGroup, timeout: timeout, allowPrivateAddresses: allowPrivateAddresses
            ) {
                client in
                try await client.accessToken(
                    tokenURL: tokenURL, clientID: source.oauthClientID ?? "", clientSecret: clientSecret,
                    refreshToken: secret)
            }
            // Without expires_in nobody knows how long the token lives: it serves this synchronisation only.
            source.sealedAccessToken = try grant.expiresIn.map { _ in try secretBox.seal(grant.accessToken) }
            source.accessTokenExpiresAt = grant.expiresIn.map { now.addingTimeInterval(Double($0)) }
            if let rotated = grant.refreshToken, rotated != secret {
                source.sealedSecret = try secretBox.seal(rotated)
            }
            return ("Bearer " + grant.accessToken, false)
        }
    }

    /// An access token this close to its expiry is not used: it could expire mid-synchronisation.
    static let tokenMargin: TimeInterval = 60

    private func knownEtags(_ source: LinkedSourceModel) async throws -> [String: String] {
        let links = try await LinkedCardModel.query(on: db).filter(\.$source.$id == source.requireID()).all()
        return Dictionary(links.map { ($0.href, $0.etag) }, uniquingKeysWith: { first, _ in first })
    }

    // MARK: applying the changes (one transaction)

    private struct Parsed {
        let key: String
        let etag: String
        let contact: Contact
        let photo: (data: Data, format: PhotoRules.ImageFormat, width: Int, height: Int)?
    }

    /// The contact a card becomes, or `nil` when it cannot be stored. A speed-dial code from
    /// outside never claims one of the PBX's: it goes to the notes.
    private func parse(_ card: CardDAVClient.Card) -> Parsed? {
        guard let read = VCardReader.read(card.data).cards.first else { return nil }
        var contact = VCardImportRules.importable(read).contact
        if let code = contact.shortCode, !code.isEmpty {
            contact.shortCode = nil
            ImportSalvage.keepInNotes(&contact, property: ImportSalvage.shortCodeProperty, value: code)
        }
        _ = ContactTextLimits.cutToLimits(&contact)
        guard let normalized = try? ContactRules.normalized(contact) else { return nil }
        let photo = read.photo.flatMap { data in
            (try? photoRules.checkImage(data)).map { (data, $0.format, $0.width, $0.height) }
        }
        return Parsed(key: DAVResponse.key(card.href), etag: card.etag, contact: normalized, photo: photo)
    }

    private func apply(_ plan: Plan, to source: LinkedSourceModel, at started: Date) async throws -> Outcome {
        let parsed = plan.cards.compactMap(parse)
        let failed = plan.cards.count - parsed.count
        let sourceID = try source.requireID()
        return try await db.writeTransaction { db in
            guard let group = try await ContactGroupModel.find(source.$group.id, on: db) else {
                throw SwitchboardError.notFound
            }
            var links: [String: LinkedCardModel] = [:]
            for keys in (parsed.map(\.key) + Array(plan.removed)).chunked(by: 500) {
                for link in try await LinkedCardModel.query(on: db).filter(\.$source.$id == sourceID)
                    .filter(\.$href ~~ keys).all()
                {
                    links[link.href] = link
                }
            }
            let fresh = parsed.filter { links[$0.key] == nil }
            let changed = parsed.filter { links[$0.key] != nil }
            var outcome = Outcome(failed: failed)
            outcome.created = try await create(fresh, in: group, sourceID: sourceID, on: db)
            outcome.updated = try await update(changed, links: links, on: db)
            outcome.deleted = try await delete(plan.removed.compactMap { links[$0] }, on: db)
            source.syncToken = plan.syncToken
            source.ctag = plan.ctag
            source.lastAttemptAt = started
            source.lastSuccessAt = started
            source.lastCreated = outcome.created
            source.lastUpdated = outcome.updated
            source.lastDeleted = outcome.deleted
            source.lastFailed = outcome.failed
            source.lastErrorCode = nil
            source.lastErrorDetail = nil
            try await source.save(on: db)
            return outcome
        }
    }

    private func create(_ cards: [Parsed], in group: ContactGroupModel, sourceID: UUID, on db: any Database)
        async throws -> Int
    {
        // Batches keep each INSERT within the bound-parameter limits of SQLite and PostgreSQL.
        for chunk in cards.chunked(by: 200) {
            let models = chunk.map { ContactModel($0.contact) }
            try await models.create(on: db)
            try await ContactService.add(models, to: [group], on: db)
            try await zip(chunk, models).map {
                LinkedCardModel(sourceID: sourceID, contactID: $1.id!, href: $0.key, etag: $0.etag)
            }.create(on: db)
            let photos = zip(chunk, models).compactMap { card, model in
                card.photo.map {
                    ContactPhotoModel(
                        contactID: model.id!, mediaType: $0.format.mediaType, data: $0.data, width: $0.width,
                        height: $0.height)
                }
            }
            if !photos.isEmpty { try await photos.create(on: db) }
        }
        return cards.count
    }

    private func update(_ cards: [Parsed], links: [String: LinkedCardModel], on db: any Database) async throws -> Int {
        for card in cards {
            guard let link = links[card.key], let model = try await ContactModel.find(link.$contact.id, on: db)
            else { continue }
            model.apply(card.contact)
            try await model.save(on: db)
            try await ContactGroupMemberModel.query(on: db).filter(\.$contact.$id == model.id!)
                .set(\.$sortKey, to: model.sortKey).update()
            try await ContactPhotoModel.query(on: db).filter(\.$contact.$id == model.id!).delete()
            if let photo = card.photo {
                try await ContactPhotoModel(
                    contactID: model.id!, mediaType: photo.format.mediaType, data: photo.data, width: photo.width,
                    height: photo.height
                ).create(on: db)
            }
            link.etag = card.etag
            try await link.save(on: db)
        }
        return cards.count
    }

    /// Deletes the contacts of cards gone at the source (a copy made into another group stays: it is
    /// another contact).
    static func deleteContacts(_ ids: [UUID], on db: any Database) async throws {
        for chunk in ids.chunked(by: 500) {
            let memberships = try await ContactGroupMemberModel.query(on: db).filter(\.$contact.$id ~~ chunk).all()
            try await ContactService.remove(memberships, on: db)
            try await LinkedCardModel.query(on: db).filter(\.$contact.$id ~~ chunk).delete()
            try await ContactPhotoModel.query(on: db).filter(\.$contact.$id ~~ chunk).delete()
            try await ContactModel.query(on: db).filter(\.$id ~~ chunk).delete()
        }
    }

    private func delete(_ links: [LinkedCardModel], on db: any Database) async throws -> Int {
        try await Self.deleteContacts(links.map { $0.$contact.id }, on: db)
        return links.count
    }
}
