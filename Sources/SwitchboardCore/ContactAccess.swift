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
    public func canWrite(group: GroupRef) -> Bool { writing(group: group) == .allowed }

    /// Who sees contacts that are in no group: those who keep the address books (the "Without group" tab, its export,
    /// and reading such a contact all ask here).
    public var seesContactsWithoutGroup: Bool { keepsAddressBooks }

    /// A contact is visible through any group the actor may read; contacts in no group only to
    /// those who see contacts without group.
    public func canRead(contactIn groups: [GroupRef]) -> Bool {
        if groups.isEmpty { return seesContactsWithoutGroup }
        return keepsAddressBooks || groups.contains { rights[$0.id] != nil }
    }

    /// Editing or deleting a contact, with the reason when refused: never one that mirrors an external book (its
    /// source changes it); otherwise through a group with write right, or for those keeping the books.
    public func editing(contactIn groups: [GroupRef]) -> ContactDecision {
        guard canRead(contactIn: groups) else { return .notFound }
        if groups.contains(where: { $0.kind.isReadOnly }) { return .readOnlyLinked }
        if keepsAddressBooks || groups.contains(where: { rights[$0.id] == .write }) { return .allowed }
        return .noWriteRight
    }

    public func canEdit(contactIn groups: [GroupRef]) -> Bool { editing(contactIn: groups) == .allowed }

    /// Adding contacts to a group or removing them from it, with the reason when refused.
    public func writing(group: GroupRef) -> ContactDecision {
        guard canRead(group: group.id) else { return .notFound }
        if group.kind.isReadOnly { return .readOnlyLinked }
        return keepsAddressBooks || rights[group.id] == .write ? .allowed : .noWriteRight
    }

    /// What an edit that names `requested` groups does to a contact in `current` groups. A user changes memberships
    /// only among the groups they may write: a requested writable group is joined, a current writable group not
    /// requested is left, every other membership stays as it is (a read-only group named while the contact is in it
    /// changes nothing). Naming a group the actor cannot read, or asking to join one they may not write, is refused
    /// with its reason.
    public func membershipChange(current: [GroupRef], requested: [GroupRef]) throws(ContactRefusal)
        -> MembershipChange
    {
        let currentIDs = Set(current.map(\.id))
        let requestedIDs = Set(requested.map(\.id))
        var change = MembershipChange()
        for group in requested where !change.add.contains(group.id) {
            guard canRead(group: group.id) else { throw ContactRefusal(group: group.id, reason: .notFound) }
            if currentIDs.contains(group.id) { continue }
            let decision = writing(group: group)
            guard decision == .allowed else { throw ContactRefusal(group: group.id, reason: decision) }
            change.add.append(group.id)
        }
        for group in current {
            if requestedIDs.contains(group.id) || writing(group: group) != .allowed {
                change.keep.append(group.id)
            } else {
                change.remove.append(group.id)
            }
        }
        return change
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

/// Whether an actor may act on a contact or a group, and why not: the reason travels to the message the user reads,
/// so no caller rebuilds it.
public enum ContactDecision: Equatable, Sendable {
    case allowed
    /// The contact or group mirrors an external address book: it changes only at its source.
    case readOnlyLinked
    /// Readable, but through no group with write right.
    case noWriteRight
    /// Not readable by this actor: as if it did not exist.
    case notFound
}

/// A refused change, with the group that refused it (when one did) and why.
public struct ContactRefusal: Error, Equatable, Sendable {
    public let group: UUID?
    public let reason: ContactDecision

    public init(group: UUID? = nil, reason: ContactDecision) {
        self.group = group
        self.reason = reason
    }
}

/// The memberships an edit adds, removes and keeps, by group id (see `ContactAccess.membershipChange`).
public struct MembershipChange: Equatable, Sendable {
    public var add: [UUID] = []
    public var remove: [UUID] = []
    public var keep: [UUID] = []

    public init(add: [UUID] = [], remove: [UUID] = [], keep: [UUID] = []) {
        self.add = add
        self.remove = remove
        self.keep = keep
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
