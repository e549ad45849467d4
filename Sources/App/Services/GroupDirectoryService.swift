import Fluent
import Foundation
import SQLKit
import SwitchboardCore
import Vapor

/// Contact groups published as desk-phone directories: the settings (admins and sub-admins) and
/// what a phone downloads with the group's own password.
struct GroupDirectoryService {
    let db: any Database
    let hasher: PasswordHashing
    /// Verified against when there is no directory, so an unknown group costs the same as a wrong password.
    let decoyDigest: String
    /// Credentials verified in the last minute (see `Application.directoryCredentials`).
    let verified: PBXTokenCache
    /// How numbers are written here: a phone's number search finds them written any way (`DialPlan.numberFilter`).
    var dialPlan: DialPlan? = nil

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
        let newHash = newPassword.isEmpty ? nil : try await hasher.hash(newPassword)
        let credentialsChanged = newHash != nil || usernameToSave != directory.username
        let wasEnabled = directory.isEnabled
        directory.isEnabled = enabled
        directory.username = usernameToSave
        if let newHash { directory.passwordHash = newHash }
        try await db.writeTransaction { db in
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
        let digest = TokenService.digest(
            "\(groupID)\u{1F}\(username)\u{1F}\(password)\u{1F}\(directory?.passwordHash ?? "")")
        if let directory, directory.passwordHash != nil, directory.username == username, self.verified.knows(digest) {
            return .granted(directory.group)
        }
        let verified = try await hasher.verify(password, created: directory?.passwordHash ?? decoyDigest)
        guard let directory, verified, directory.passwordHash != nil, directory.username == username else {
            try await LoginFailureModel(key: key, failedAt: now).create(on: db)
            return .refused
        }
        self.verified.remember(digest)
        return .granted(directory.group)
    }

    /// The whole group, in display order, a batch of contacts at a time.
    func entries(of groupID: UUID) -> DirectoryEntries {
        DirectoryEntries(groupID: groupID, db: db)
    }

    /// What a phone's remote search finds: the contacts list's own search in the group (a name
    /// filter, or a number filter when `query` looks like a number), so it walks the group's sort
    /// index or looks the words index up exactly like the contacts page, and answers in
    /// milliseconds in a large group. Only contacts with a phone number; at most `searchLimit`.
    /// Basic authentication already proved the right to the group: the search runs as an admin.
    func search(_ query: String, in groupID: UUID) async throws -> [PhoneDirectoryEntry] {
        let text = query.trimmingCharacters(in: .whitespaces)
        // Digits only for what looks like a number: "Tom 2" is not a search for every 2.
        let isNumber =
            !SearchFolding.digits(text).isEmpty && text.allSatisfy { "0123456789 +-./()".contains($0) }
        var search = ContactSearch(scope: .group(groupID), limit: Self.searchLimit)
        search.dialPlan = dialPlan
        if !text.isEmpty { search.filters = [isNumber ? .number : .name: text] }
        let access = ContactAccess(role: .admin)
        var found: [ContactSummary] = []
        while found.count < Self.searchLimit {
            let page = try await search.run(on: db, access: access)
            found += page.contacts.filter { !$0.phones.isEmpty }
            guard let next = page.next else { break }
            search.after = next
        }
        found = Array(found.prefix(Self.searchLimit))
        guard !found.isEmpty else { return [] }
        // First and last names (Grandstream shows them) are not in the list's rows: one query for the page.
        let names = try await ContactStore.names(of: found.map(\.id), on: db)
        return found.map {
            PhoneDirectoryEntry(
                name: $0.displayName, firstName: names[$0.id]?.first, lastName: names[$0.id]?.last,
                numbers: $0.phones)
        }
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
