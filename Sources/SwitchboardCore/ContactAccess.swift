import Foundation

/// Kinds of contact group, chosen at creation and never changed.
public enum ContactGroupKind: String, CaseIterable, Codable, Sendable {
    /// Free assignment.
    case standard
    /// What DECT handsets receive: entry count and name length are limited.
    case dect
    /// A read-only mirror of an external address book (CardDAV).
    case linked
    /// Where legacy phone-book CSV exports land.
    case phoneBookV1 = "phonebook-v1"

    /// Contacts of a linked group change only at their source.
    public var isReadOnly: Bool { self == .linked }
}

/// A subscriber's right on one contact group. `write` implies `read`.
public enum GroupRight: String, CaseIterable, Codable, Sendable, Comparable {
    case read
    case write

    public static func < (lhs: GroupRight, rhs: GroupRight) -> Bool { lhs == .read && rhs == .write }
}

/// A group as the access rules see it.
public struct GroupRef: Hashable, Sendable {
    public let id: UUID
    public let kind: ContactGroupKind

    public init(id: UUID, kind: ContactGroupKind) {
        self.id = id
        self.kind = kind
    }
}

/// Who may read and change which contacts: one answer for pages, API, counts, filters and exports.
public struct ContactAccess: Sendable {
    public let role: Role
    /// The actor's rights per group; ignored for admins and sub-admins, who see everything.
    public let rights: [UUID: GroupRight]

    public init(role: Role, rights: [UUID: GroupRight] = [:]) {
        self.role = role
        self.rights = rights
    }

    /// Admins and sub-admins keep the address books: every group, every contact.
    public var keepsAddressBooks: Bool { AccessPolicy.allows(role, .manageContactGroups) }

    /// Groups this actor can open (for a subscriber: those with a right). `nil` means all of them.
    public var readableGroupIDs: Set<UUID>? { keepsAddressBooks ? nil : Set(rights.keys) }

    public func canRead(group: UUID) -> Bool { keepsAddressBooks || rights[group] != nil }

    /// Adding and removing contacts in a group; never in a linked group.
    public func canWrite(group: GroupRef) -> Bool {
        !group.kind.isReadOnly && (keepsAddressBooks || rights[group.id] == .write)
    }

    /// A contact is visible through any group the actor may read; contacts in no group only to
    /// those who keep the address books.
    public func canRead(contactIn groups: [GroupRef]) -> Bool {
        if keepsAddressBooks { return true }
        return groups.contains { rights[$0.id] != nil }
    }

    /// Editing or deleting a contact: never one that mirrors an external book (its source
    /// changes it); otherwise through a group with write right, or for those keeping the books.
    public func canEdit(contactIn groups: [GroupRef]) -> Bool {
        if groups.contains(where: { $0.kind.isReadOnly }) { return false }
        if keepsAddressBooks { return true }
        return groups.contains { rights[$0.id] == .write }
    }

    /// Copying a readable contact into a group the actor may write is always allowed, from
    /// linked groups too.
    public func canCopy(contactIn groups: [GroupRef], into target: GroupRef) -> Bool {
        canRead(contactIn: groups) && canWrite(group: target)
    }

    /// "Delete all" empties the address books: admins and sub-admins only.
    public var canDeleteAll: Bool { keepsAddressBooks }

    /// Creating a contact: in the given groups, all writable; a subscriber must name at least one
    /// (their standard group is chosen for them by the caller).
    public func canCreate(in groups: [GroupRef]) -> Bool {
        if groups.isEmpty { return keepsAddressBooks }
        return groups.allSatisfy(canWrite(group:))
    }
}

/// Limits of a DECT group, as handsets impose them.
public struct DECTLimits: Equatable, Sendable {
    public var maximumEntries: Int
    public var maximumNameLength: Int

    public init(maximumEntries: Int = 250, maximumNameLength: Int = 24) {
        self.maximumEntries = maximumEntries
        self.maximumNameLength = maximumNameLength
    }

    public enum Violation: Error, Equatable, Sendable {
        case groupFull(maximum: Int, wouldHave: Int)
        case nameTooLong(name: String, maximum: Int)
    }

    /// Checks adding contacts named `names` to a group that holds `currentCount` entries.
    public func check(adding names: [String], to currentCount: Int) throws(Violation) {
        if currentCount + names.count > maximumEntries {
            throw .groupFull(maximum: maximumEntries, wouldHave: currentCount + names.count)
        }
        if let long = names.first(where: { $0.count > maximumNameLength }) {
            throw .nameTooLong(name: long, maximum: maximumNameLength)
        }
    }
}
