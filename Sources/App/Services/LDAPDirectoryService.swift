import Fluent
import Foundation
import SwitchboardCore

/// What the LDAP directory answers (the server in `LDAP/` only reads and writes messages): who a bind is, and what a
/// search finds for that identity. Searches go through the contacts list's own search (`ContactSearch`: sort index,
/// words index, number keys) with the identity's rights inside the query; the LDAP filter is then checked exactly on
/// each row found.
struct LDAPDirectoryService: Sendable {
    let db: any Database
    let hasher: PasswordHashing
    let throttle: LoginThrottle
    let decoyDigest: String
    let verified: PBXTokenCache
    let dialPlan: DialPlan
    let baseDN: LDAPName
    /// Answers kept until a contact changes; `nil`: every search runs.
    var answers: LDAPAnswerCache?

    /// Who is bound, as it was at the bind: each search checks it still holds (the account not deleted, its
    /// password not changed or reset, the group still published with the same password), else the connection is
    /// back to unbound.
    enum Identity: Sendable, Equatable {
        case user(id: UUID, epoch: Int, passwordHash: String, clientAddress: String?)
        case group(id: UUID, passwordHash: String)
    }

    enum BindOutcome {
        case bound(Identity)
        case refused(LDAPResponse.Code, String)
    }

    /// The most entries one search returns, whatever the client asks.
    static let sizeCap = 1_000
    /// Where contacts are: `uid=<id>,ou=contacts,<base>`.
    var contactsDN: LDAPName { LDAPName(parts: [.init(type: "ou", value: "contacts")] + baseDN.parts) }

    /// The name a group binds with: its slug, or its id when its name has no letter or digit of A–Z and 0–9.
    static func bindName(of group: ContactGroupModel) -> String {
        let slug = LDAPName.slug(of: group.name)
        return slug.isEmpty ? (group.id?.uuidString.lowercased() ?? "") : slug
    }

    func bind(name rawName: String, password: [UInt8]?, clientAddress: String?) async throws -> BindOutcome {
        guard let password else {
            return .refused(.authMethodNotSupported, "Only simple binds: a user name and a password.")
        }
        guard !password.isEmpty, !rawName.isEmpty else {
            return .refused(
                .inappropriateAuthentication, "Anonymous bind is not allowed: bind as uid=USER or cn=GROUP.")
        }
        guard let name = LDAPName(rawName), let relative = name.relative(to: baseDN), relative.count == 1 else {
            return .refused(.invalidCredentials, "Invalid credentials.")
        }
        let secret = String(decoding: password, as: UTF8.self)
        switch relative[0].type {
        case "uid":
            let service = SignInService(db: db, hasher: hasher, throttle: throttle, decoyDigest: decoyDigest)
            do {
                let user = try await service.signIn(
                    username: relative[0].value, password: secret, clientAddress: clientAddress)
                if try await TwoFactorService(db: db).isEnabled(for: user.requireID()) {
                    return .refused(
                        .inappropriateAuthentication,
                        "This account signs in with a second factor: phones bind with a contact group's password.")
                }
                return .bound(
                    .user(
                        id: try user.requireID(), epoch: user.sessionEpoch, passwordHash: user.passwordHash,
                        clientAddress: clientAddress))
            } catch SwitchboardError.tooManyAttempts {
                return .refused(.unwillingToPerform, "Too many attempts: wait, then try again.")
            } catch SwitchboardError.wrongCredentials {
                return .refused(.invalidCredentials, "Invalid credentials.")
            }
        case "cn":
            let name = relative[0].value.lowercased()
            let published = try await GroupDirectoryModel.query(on: db).filter(\.$isEnabled == true).with(\.$group)
                .all()
            let matching = published.filter { Self.bindName(of: $0.group) == name }
            // Two published groups with one name: neither binds by it (their page says so).
            let directory = matching.count == 1 ? matching.first : nil
            let directoryService = GroupDirectoryService(
                db: db, hasher: hasher, decoyDigest: decoyDigest, verified: verified, dialPlan: dialPlan)
            // An unknown group is checked against a decoy like a wrong password: same answer, same time.
            let outcome = try await directoryService.authorize(
                groupID: directory?.group.id ?? UUID(), username: directory?.username ?? "", password: secret,
                clientAddress: clientAddress, throttle: throttle)
            switch outcome {
            case .granted(let group):
                return .bound(.group(id: try group.requireID(), passwordHash: directory?.passwordHash ?? ""))
            case .refused: return .refused(.invalidCredentials, "Invalid credentials.")
            case .throttled: return .refused(.unwillingToPerform, "Too many attempts: wait, then try again.")
            }
        default:
            return .refused(.invalidCredentials, "Invalid credentials.")
        }
    }

    struct SearchResult: Sendable {
        /// Each entry's SearchResultEntry operation, encoded (`LDAPResponse.entryOperation`): what a kept answer holds,
        /// a third of the memory of its text and lists, and written again without encoding it again.
        var entries: [[UInt8]] = []
        /// Where a paged search resumes; `nil` at the end.
        var next: ContactSearch.Cursor?
        /// More entries would follow: the size limit (or the page) is reached.
        var truncated = false
        var timedOut = false
        /// Stopped after examining `examineLimit` rows: the filter narrows nothing the index knows.
        var adminLimit = false
        var noSuchObject = false
        /// Answered from the answers kept (`LDAPAnswerCache`), not searched now.
        var fromMemory = false
    }

    /// Rows one search examines at most when its filter narrows nothing the index knows and few rows pass it.
    static let examineLimit = 20_000
    /// Rows read per query of a search.
    static let pageSize = 200
    /// Before any row in display order, for a paged search's first page.
    static let start = ContactSearch.Cursor(
        sortKey: "", id: UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)))

    /// What a bound identity may read, as of when it was checked.
    struct Reach: Sendable {
        let scope: ContactSearch.Scope
        let access: ContactAccess
    }

    /// How long a connection may search on a checked `Reach` before it is checked again (a demoted, deleted or
    /// reset account, an unpublished group lose their reach within this time).
    static let reachLifetime = Duration.seconds(5)

    /// What `identity` may read now, or `nil` when the bind no longer holds.
    func reach(of identity: Identity) async throws -> Reach? {
        switch identity {
        case .user(let id, let epoch, let hash, let clientAddress):
            guard let user = try await UserModel.find(id, on: db), user.sessionEpoch == epoch, user.passwordHash == hash
            else { return nil }
            let actor = Actor(user: user, clientAddress: clientAddress)
            return Reach(scope: .all, access: try await ContactService(db: db).access(for: actor))
        case .group(let id, let hash):
            guard
                let directory = try await GroupDirectoryModel.query(on: db).filter(\.$group.$id == id)
                    .filter(\.$isEnabled == true).first(),
                directory.passwordHash == hash
            else { return nil }
            return Reach(scope: .group(id), access: ContactAccess(role: .admin))
        }
    }

    /// The entries `search` finds within `reach`, at most `limit`, after `cursor` (a paged search's cookie), until
    /// `deadline`: the answer kept for the same search by the same reach if no contact changed since, else the
    /// search's.
    func search(
        _ search: LDAPRequest.Search, reach: Reach, limit: Int, after cursor: ContactSearch.Cursor?,
        deadline: ContinuousClock.Instant
    ) async throws -> SearchResult {
        // Kept: lists of contacts (one entry read by its name costs little to find again), for a filter of a sensible
        // size (a key holds its filter).
        guard let answers, search.scope != .base,
            LDAPAnswerCache.size(of: search.filter) <= LDAPAnswerCache.filterBytes,
            // Read before the search: a change committed while it runs moves the generation past this one.
            let generation = try await ContactStore.generation(on: db)
        else {
            return try await run(search, reach: reach, limit: limit, after: cursor, deadline: deadline)
        }
        let key = LDAPAnswerCache.Key(
            search: search, limit: limit, after: cursor, scope: reach.scope, role: reach.access.role,
            readable: reach.access.readableGroupIDs)
        if var kept = answers.answer(for: key, generation: generation) {
            kept.fromMemory = true
            return kept
        }
        let result = try await run(search, reach: reach, limit: limit, after: cursor, deadline: deadline)
        if !result.noSuchObject { answers.keep(result, for: key, generation: generation) }
        return result
    }

    private func run(
        _ search: LDAPRequest.Search, reach: Reach, limit: Int, after cursor: ContactSearch.Cursor?,
        deadline: ContinuousClock.Instant
    ) async throws -> SearchResult {
        var result = SearchResult()
        guard let base = LDAPName(search.base), let baseRelative = base.relative(to: baseDN) else {
            result.noSuchObject = true
            return result
        }
        let atContacts = base.relative(to: contactsDN)
        let filter = search.filter
        let selection = LDAPEntry.AttributeSelection(search.attributes)
        func append(_ entry: LDAPEntry) {
            let attributes = entry.attributes(selection)
            result.entries.append(
                LDAPResponse.entryOperation(
                    dn: entry.dn, attributes: search.typesOnly ? attributes.map { ($0.0, []) } : attributes))
        }
        func add(_ entry: LDAPEntry) -> Bool {
            guard entry.matches(filter) else { return false }
            append(entry)
            return true
        }
        if let atContacts, atContacts.count == 1 {
            // One contact by its DN.
            guard atContacts[0].type == "uid", let id = UUID(uuidString: atContacts[0].value),
                let fields = try await contact(id, reach: reach)
            else {
                result.noSuchObject = true
                return result
            }
            if search.scope != .one { _ = add(LDAPEntry(contact: fields, container: contactsDN, dialPlan: dialPlan)) }
            return result
        }
        guard baseRelative.isEmpty || atContacts?.isEmpty == true else {
            result.noSuchObject = true
            return result
        }
        let container = LDAPEntry.container(dn: contactsDN, objectClasses: ["top", "organizationalUnit"])
        if search.scope == .base {
            _ = add(
                baseRelative.isEmpty
                    ? LDAPEntry.container(dn: baseDN, objectClasses: ["top", "dcObject", "organization"]) : container)
            return result
        }
        // The container itself: a one-level search of the base, or a subtree search from it or of it.
        if cursor == nil, baseRelative.isEmpty || search.scope == .sub { _ = add(container) }
        if search.scope == .one, baseRelative.isEmpty { return result }
        // Contacts: each alternative of the filter is one of the list's searches. Their pages are merged in the
        // database's display order, up to the first page end any of them reached (past it, an alternative may still
        // have rows to come).
        let alternatives = LDAPSearchPlan.alternatives(for: search.filter, dialPlan: dialPlan)
        let contactsDNText = contactsDN.normalized
        // Rows per query: a page's worth (most searches stop at their size limit), at most `pageSize`.
        let rowsPerQuery = min(Self.pageSize, max(limit + 1, 20))
        var after = cursor == Self.start ? nil : cursor
        var examined = 0
        while true {
            if ContinuousClock.now >= deadline || Task.isCancelled {
                result.timedOut = true
                return result
            }
            if examined >= Self.examineLimit {
                result.adminLimit = true
                result.next = after ?? Self.start
                return result
            }
            var rows: [UUID: ContactSummary] = [:]
            var bounds: [UUID: ContactSearch.Cursor] = [:]
            var order: [UUID] = []
            for alternative in alternatives {
                var query = ContactSearch(
                    scope: reach.scope, filters: alternative.filters, after: after, limit: rowsPerQuery)
                query.dialPlan = dialPlan
                query.wordPrefix = alternative.wordPrefix
                query.numberKey = alternative.numberKey
                let page = try await query.run(on: db, access: reach.access)
                for row in page.contacts where rows.updateValue(row, forKey: row.id) == nil { order.append(row.id) }
                if let next = page.next { bounds[next.id] = next }
            }
            // One alternative's rows come in display order; several are merged in it.
            if alternatives.count > 1 { order = try await ContactStore.displayOrder(of: order, on: db) }
            var boundReached: ContactSearch.Cursor?
            for id in order {
                guard let summary = rows[id] else { continue }
                examined += 1
                let fields = LDAPEntry.Fields(
                    id: summary.id, displayName: summary.displayName, firstName: summary.firstName,
                    lastName: summary.lastName, company: summary.company, department: summary.department,
                    jobTitle: summary.jobTitle, phones: summary.phones, emails: summary.emails,
                    addresses: summary.addresses)
                let entry = LDAPEntry(contact: fields, containerDN: contactsDNText, dialPlan: dialPlan)
                if entry.matches(filter) {
                    if result.entries.count >= limit {
                        result.truncated = true
                        result.next = after ?? Self.start
                        return result
                    }
                    append(entry)
                }
                after = ContactSearch.Cursor(sortKey: summary.sortKey, id: summary.id)
                if let bound = bounds[summary.id] {
                    boundReached = bound
                    break
                }
            }
            guard boundReached != nil else { return result }
        }
    }

    /// One contact, if `reach` covers it: in the bound group, or in a group the user could read when `reach` was
    /// checked (the same rights as the searches, which a kept answer is found by).
    private func contact(_ id: UUID, reach: Reach) async throws -> LDAPEntry.Fields? {
        guard let model = try await ContactModel.find(id, on: db) else { return nil }
        let groups = try await ContactService(db: db).groups(of: id)
        switch reach.scope {
        case .group(let groupID):
            guard groups.contains(where: { $0.id == groupID }) else { return nil }
        case .all, .withoutGroup:
            guard reach.access.canRead(contactIn: groups.map(\.ref)) else { return nil }
        }
        let contact = model.toDomain()
        return LDAPEntry.Fields(
            id: id, displayName: model.displayName, firstName: contact.firstName, lastName: contact.lastName,
            company: contact.company, department: contact.department, jobTitle: contact.jobTitle,
            phones: contact.phones, emails: contact.emails, addresses: contact.addresses)
    }
}
