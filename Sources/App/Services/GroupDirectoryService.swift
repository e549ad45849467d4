import Fluent
import Foundation
import SQLKit
import SwitchboardCore
import Vapor

/// Contact groups published as desk-phone directories: the settings (admins and sub-admins) and
/// what a phone downloads with the group's own password.
struct GroupDirectoryService {
    let db: any Database
    let hasher: AsyncPasswordHasher
    /// Verified against when there is no directory, so an unknown group costs the same as a wrong password.
    let decoyDigest: String

    static let minimumPasswordLength = 8
    static let searchLimit = 50

    /// The group's directory settings; a fresh, unpublished one when never set.
    func settings(of groupID: UUID) async throws -> GroupDirectoryModel {
        try await GroupDirectoryModel.query(on: db).filter(\.$group.$id == groupID).first()
            ?? GroupDirectoryModel(groupID: groupID)
    }

    /// Turns publishing on or off, sets the user name, and the password when `newPassword` is not
    /// empty. Publishing needs a password (new or kept). Every change is audited.
    func update(
        groupID: UUID, enabled: Bool, username rawUsername: String, newPassword: String, by actor: Actor
    ) async throws {
        try actor.require(.manageContactGroups)
        let group = try await ContactGroupService(db: db).group(groupID, by: actor)
        let directory = try await settings(of: groupID)
        let username = rawUsername.trimmingCharacters(in: .whitespaces)
        let usernameToSave = username.isEmpty ? GroupDirectoryModel.defaultUsername : username
        guard Self.isPlain(usernameToSave) else { throw SwitchboardError.directoryUsernameInvalid }
        if !newPassword.isEmpty || (enabled && directory.passwordHash == nil) {
            guard newPassword.count >= Self.minimumPasswordLength else {
                throw SwitchboardError.directoryPasswordTooShort(minimum: Self.minimumPasswordLength)
            }
        }
        let newHash = newPassword.isEmpty ? nil : try await hasher.hash(newPassword).get()
        let credentialsChanged = newHash != nil || usernameToSave != directory.username
        let wasEnabled = directory.isEnabled
        directory.isEnabled = enabled
        directory.username = usernameToSave
        if let newHash { directory.passwordHash = newHash }
        try await db.transaction { db in
            try await directory.save(on: db)
            let audit = AuditService(db: db)
            if credentialsChanged {
                try await audit.record(
                    .directoryCredentialsChanged, by: actor, target: group.name,
                    detail: "username=\(usernameToSave)\(newHash != nil ? " password=changed" : "")")
            }
            if enabled != wasEnabled {
                try await audit.record(
                    enabled ? .directoryPublished : .directoryUnpublished, by: actor, target: group.name)
            }
        }
    }

    enum Authorization: Equatable {
        case granted(ContactGroupModel)
        case refused
        /// Too many wrong passwords from this address lately: wait this many seconds.
        case throttled(seconds: Int)

        static func == (lhs: Self, rhs: Self) -> Bool {
            switch (lhs, rhs) {
            case (.granted(let a), .granted(let b)): a.id == b.id
            case (.refused, .refused): true
            case (.throttled(let a), .throttled(let b)): a == b
            default: false
            }
        }
    }

    /// The published group these credentials open. An unknown group, an unpublished one, a wrong
    /// user name or password are all the same refusal, and each counts against the client address
    /// (never against the group: a stranger could otherwise lock every phone out of it).
    func authorize(
        groupID: UUID, username: String, password: String, clientAddress: String?, throttle: LoginThrottle,
        now: Date = Date()
    ) async throws -> Authorization {
        let key = "directory-ip:\(clientAddress ?? "unknown")"
        let since = throttle.windowStart(now: now)
        let failures = try await LoginFailureModel.query(on: db).filter(\.$key == key).filter(\.$failedAt > since)
            .all().map(\.failedAt)
        if let wait = throttle.wait(accountFailures: [], addressFailures: failures, now: now) {
            return .throttled(seconds: Int(wait.rounded(.up)))
        }
        let directory = try await GroupDirectoryModel.query(on: db).filter(\.$group.$id == groupID)
            .filter(\.$isEnabled == true).with(\.$group).first()
        let verified = try await hasher.verify(password, created: directory?.passwordHash ?? decoyDigest).get()
        guard let directory, verified, directory.passwordHash != nil, directory.username == username else {
            try await LoginFailureModel(key: key, failedAt: now).create(on: db)
            return .refused
        }
        return .granted(directory.group)
    }

    /// The whole group, in display order, a batch of contacts at a time.
    func entries(of groupID: UUID) -> DirectoryEntries {
        DirectoryEntries(groupID: groupID, db: db, matching: nil, limit: nil)
    }

    /// Contacts whose name, first or last name or company contains `query` (folded, as in the contacts
    /// list), or one of whose numbers contains its digits; at most `searchLimit`.
    func search(_ query: String, in groupID: UUID) -> DirectoryEntries {
        DirectoryEntries(
            groupID: groupID, db: db, matching: SearchFolding.fold(query.trimmingCharacters(in: .whitespaces)),
            limit: Self.searchLimit)
    }

    static func isPlain(_ username: String) -> Bool {
        (1...64).contains(username.count)
            && username.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                    || "._-".unicodeScalars
                        .contains($0)
            }
    }
}

/// A group's contacts as phone-book entries, read `batchSize` members at a time in the group's
/// index order (sort key, then member id), so a large group is one index walk and never whole in memory.
struct DirectoryEntries: AsyncSequence, Sendable {
    typealias Element = [PhoneDirectoryEntry]

    let groupID: UUID
    let db: any Database
    /// Folded text to look for; `nil` for every contact.
    let matching: String?
    let limit: Int?
    /// Members read per query.
    var batchSize = 500

    struct AsyncIterator: AsyncIteratorProtocol {
        let source: DirectoryEntries
        var after: (sortKey: String, id: UUID)?
        var produced = 0
        var done = false

        mutating func next() async throws -> [PhoneDirectoryEntry]? {
            while !done {
                let ids = try await nextMemberIDs()
                if ids.count < source.batchSize { done = true }
                guard !ids.isEmpty else { return nil }
                // Only what an entry and the search need: decoding whole contacts costs more than the query.
                let contacts = try await ContactModel.query(on: source.db).filter(\.$id ~~ ids)
                    .field(\.$id).field(\.$displayName).field(\.$firstName).field(\.$lastName).field(\.$phones)
                    .field(\.$searchName).field(\.$searchFirstName).field(\.$searchLastName).field(\.$searchCompany)
                    .field(\.$searchNumber).all()
                let byID = Dictionary(uniqueKeysWithValues: contacts.map { ($0.id!, $0) })
                var batch = ids.compactMap { byID[$0] }.filter(source.matches).map(Self.entry)
                if let limit = source.limit {
                    batch = Array(batch.prefix(limit - produced))
                    produced += batch.count
                    if produced >= limit { done = true }
                }
                if !batch.isEmpty { return batch }
            }
            return nil
        }

        /// The next members in the group's index order (`members_group_sort`: group, sort key,
        /// contact): a row-value bound makes each batch one index range, never a sort of the group.
        private mutating func nextMemberIDs() async throws -> [UUID] {
            let sql = source.db as! any SQLDatabase
            var query: SQLQueryString = """
                SELECT sort_key, contact_id FROM contact_group_members WHERE group_id = \(bind: source.groupID)
                """
            if let after {
                query += " AND (sort_key, contact_id) > (\(bind: after.sortKey), \(bind: after.id))"
            }
            query += " ORDER BY sort_key, contact_id LIMIT \(literal: source.batchSize)"
            let rows = try await sql.raw(query).all()
            let members = try rows.map {
                (
                    sortKey: try $0.decode(column: "sort_key", as: String.self),
                    id: try $0.decode(column: "contact_id", as: UUID.self)
                )
            }
            after = members.last
            return members.map(\.id)
        }

        static func entry(_ contact: ContactModel) -> PhoneDirectoryEntry {
            PhoneDirectoryEntry(
                name: contact.displayName, firstName: contact.firstName, lastName: contact.lastName,
                numbers: contact.phones)
        }
    }

    func matches(_ contact: ContactModel) -> Bool {
        guard !contact.phones.isEmpty else { return false }
        guard let matching, !matching.isEmpty else { return true }
        let fields = [contact.searchName, contact.searchFirstName, contact.searchLastName, contact.searchCompany]
        if fields.contains(where: { $0.contains(matching) }) { return true }
        // Digits only for what looks like a number: "Tom 2" is not a search for every 2.
        guard matching.allSatisfy({ "0123456789 +-./()".contains($0) }) else { return false }
        let digits = SearchFolding.digits(matching)
        return !digits.isEmpty && contact.searchNumber.contains(digits)
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(source: self) }
}
