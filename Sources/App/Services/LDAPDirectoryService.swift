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

    /// Who is bound.
    enum Identity: Sendable {
        case user(Actor)
        case group(UUID)
    }

    enum BindOutcome {
        case bound(Identity)
        case refused(LDAPResponse.Code, String)
    }

    /// The most entries one search returns, whatever the client asks.
    static let sizeCap = 1_000
    /// Where contacts are: `uid=<id>,ou=contacts,<base>`.
    var contactsDN: LDAPName { LDAPName(parts: [.init(type: "ou", value: "contacts")] + baseDN.parts) }

    func bind(name rawName: String, password: [UInt8]?, clientAddress: String?) async throws -> BindOutcome {
        guard let password, !password.isEmpty, !rawName.isEmpty else {
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
                return .bound(.user(Actor(user: user, clientAddress: clientAddress)))
            } catch SwitchboardError.tooManyAttempts {
                return .refused(.unwillingToPerform, "Too many attempts: wait, then try again.")
            } catch SwitchboardError.wrongCredentials {
                return .refused(.invalidCredentials, "Invalid credentials.")
            }
        case "cn":
            let slug = relative[0].value.lowercased()
            let groups = try await ContactGroupModel.query(on: db).all()
            let group = groups.first { LDAPName.slug(of: $0.name) == slug }
            var directory: GroupDirectoryModel?
            if let group {
                directory = try await GroupDirectoryModel.query(on: db).filter(\.$group.$id == group.requireID())
                    .first()
            }
            let directoryService = GroupDirectoryService(
                db: db, hasher: hasher, decoyDigest: decoyDigest, verified: verified, dialPlan: dialPlan)
            // An unknown group is checked against a decoy like a wrong password: same answer, same time.
            let outcome = try await directoryService.authorize(
                groupID: group?.id ?? UUID(), username: directory?.username ?? "", password: secret,
                clientAddress: clientAddress, throttle: throttle)
            switch outcome {
            case .granted(let group): return .bound(.group(try group.requireID()))
            case .refused: return .refused(.invalidCredentials, "Invalid credentials.")
            case .throttled: return .refused(.unwillingToPerform, "Too many attempts: wait, then try again.")
            }
        default:
            return .refused(.invalidCredentials, "Invalid credentials.")
        }
    }

    struct SearchResult: Sendable {
        var entries: [(dn: String, attributes: [(String, [String])])] = []
        /// Where a paged search resumes; `nil` at the end.
        var next: ContactSearch.Cursor?
        var noSuchObject = false
    }

    /// Rows one search examines at most when its filter narrows nothing the index knows and few rows pass it.
    static let examineLimit = 20_000

    /// The entries `search` finds for `identity`, at most `limit`, after `cursor` (a paged search's cookie); `next`
    /// is set when more would follow.
    func search(
        _ search: LDAPRequest.Search, as identity: Identity, limit: Int, after cursor: ContactSearch.Cursor?
    ) async throws -> SearchResult {
        var result = SearchResult()
        guard let base = LDAPName(search.base), let baseRelative = base.relative(to: baseDN) else {
            result.noSuchObject = true
            return result
        }
        let atContacts = base.relative(to: contactsDN)
        func add(_ entry: LDAPEntry) {
            if entry.matches(search.filter) {
                result.entries.append(
                    (
                        entry.dn,
                        search.typesOnly
                            ? entry.attributes(search.attributes).map { ($0.0, []) }
                            : entry.attributes(search.attributes)
                    ))
            }
        }
        if let atContacts, atContacts.count == 1 {
            // One contact by its DN.
            guard atContacts[0].type == "uid", let id = UUID(uuidString: atContacts[0].value),
                let fields = try await contact(id, as: identity)
            else {
                result.noSuchObject = true
                return result
            }
            if search.scope != .one { add(LDAPEntry(contact: fields, container: contactsDN, dialPlan: dialPlan)) }
            return result
        }
        guard baseRelative.isEmpty || atContacts?.isEmpty == true else {
            result.noSuchObject = true
            return result
        }
        let container = LDAPEntry.container(dn: contactsDN, objectClasses: ["top", "organizationalUnit"])
        if search.scope == .base {
            add(
                baseRelative.isEmpty
                    ? LDAPEntry.container(dn: baseDN, objectClasses: ["top", "dcObject", "organization"]) : container)
            return result
        }
        if baseRelative.isEmpty {
            if cursor == nil { add(container) }
            if search.scope == .one { return result }
        }
        // Contacts: each alternative of the filter is one of the list's searches; their pages merged in display order
        // up to the first page end any of them reached (past it, an alternative may still have rows to come).
        let alternatives = LDAPSearchPlan.alternatives(for: search.filter)
        let (scope, access): (ContactSearch.Scope, ContactAccess) =
            switch identity {
            case .user(let actor): (.all, try await ContactService(db: db).access(for: actor))
            case .group(let id): (.group(id), ContactAccess(role: .admin))
            }
        var after = cursor
        var examined = 0
        let pageSize = min(limit + 1, 200)
        while examined < Self.examineLimit {
            var rows: [ContactSummary] = []
            var bound: ContactSearch.Cursor?
            for filters in alternatives {
                var query = ContactSearch(scope: scope, filters: filters, after: after, limit: pageSize)
                query.dialPlan = dialPlan
                let page = try await query.run(on: db, access: access)
                rows += page.contacts
                if let next = page.next, bound.map({ Self.precedes(next, $0) }) ?? true { bound = next }
            }
            var seen = Set<UUID>()
            let batch = rows.sorted { Self.precedes(Self.cursor($0), Self.cursor($1)) }
                .filter { row in
                    seen.insert(row.id).inserted && !(bound.map { Self.precedes($0, Self.cursor(row)) } ?? false)
                }
            let names = try await ContactStore.names(of: batch.map(\.id), on: db)
            for summary in batch {
                examined += 1
                let fields = LDAPEntry.Fields(
                    id: summary.id, displayName: summary.displayName, firstName: names[summary.id]?.first,
                    lastName: names[summary.id]?.last, company: summary.company, jobTitle: summary.jobTitle,
                    phones: summary.phones, emails: summary.emails, addresses: summary.addresses)
                let entry = LDAPEntry(contact: fields, container: contactsDN, dialPlan: dialPlan)
                guard entry.matches(search.filter) else { continue }
                if result.entries.count == limit {
                    result.next = after
                    return result
                }
                add(entry)
                after = Self.cursor(summary)
            }
            guard let bound else { return result }
            after = bound
        }
        // Stopped by the examine limit: what was found, and where to go on.
        result.next = after
        return result
    }

    private static func cursor(_ summary: ContactSummary) -> ContactSearch.Cursor {
        ContactSearch.Cursor(sortKey: summary.sortKey, id: summary.id)
    }

    /// Display order: the sort key, then the id (as the list's indexes order them).
    private static func precedes(_ a: ContactSearch.Cursor, _ b: ContactSearch.Cursor) -> Bool {
        a.sortKey != b.sortKey ? a.sortKey < b.sortKey : a.id.uuidString.lowercased() < b.id.uuidString.lowercased()
    }

    /// One contact, if `identity` may read it.
    private func contact(_ id: UUID, as identity: Identity) async throws -> LDAPEntry.Fields? {
        let contacts = ContactService(db: db)
        let model: ContactModel
        switch identity {
        case .user(let actor):
            guard let found = try? await contacts.contact(id, by: actor) else { return nil }
            model = found.contact
        case .group(let groupID):
            guard try await contacts.groups(of: id).contains(where: { $0.id == groupID }),
                let found = try await ContactModel.find(id, on: db)
            else { return nil }
            model = found
        }
        let contact = model.toDomain()
        return LDAPEntry.Fields(
            id: id, displayName: model.displayName, firstName: contact.firstName, lastName: contact.lastName,
            company: contact.company, department: contact.department, jobTitle: contact.jobTitle,
            phones: contact.phones, emails: contact.emails, addresses: contact.addresses)
    }
}
