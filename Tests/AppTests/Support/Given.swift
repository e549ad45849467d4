import Foundation
import SwitchboardCore
import Testing
import Vapor

@testable import App

/// The set-up tests repeat, so that a test reads given / when / then:
///
///     let admin = try await app.givenAdmin()
///     let a = try await app.givenGroup("A", by: admin)
///     let sid = try await app.givenSubscriber("sid", rights: [a: .read, b: .write], standard: b)
///     let id = try await app.givenContact("Anne Alpha", in: [a, b], by: admin)
extension Application {
    /// The first admin account (made by `configure`), as an actor.
    func givenAdmin() async throws -> Actor {
        Actor(user: try #require(try await UserModel.find(username: "admin", on: db)), clientAddress: nil)
    }

    /// A contact group made by `admin`.
    func givenGroup(
        _ name: String, kind: ContactGroupKind = .standard, dectLimits: DECTLimits? = nil, by admin: Actor
    ) async throws -> UUID {
        try await ContactGroupService(db: db).create(name: name, kind: kind, dectLimits: dectLimits, by: admin)
            .requireID()
    }

    /// A subscriber (password `password-123`) with a right on each group of `rights`; `standard`, when given, is the
    /// group new contacts of theirs go to.
    func givenSubscriber(
        _ username: String, rights: [UUID: GroupRight], standard: UUID? = nil, phoneExtension: String? = nil
    ) async throws -> Actor {
        let admin = try await givenAdmin()
        let user = try await makeUser(username, phoneExtension: phoneExtension)
        let groups = ContactGroupService(db: db)
        for (group, right) in rights {
            try await groups.setRight(right, isStandard: group == standard, for: user.requireID(), on: group, by: admin)
        }
        return Actor(user: user, clientAddress: nil)
    }

    /// A contact "First Last" (or a company when the name is one word) in `groups`.
    @discardableResult
    func givenContact(_ name: String, in groups: [UUID], by actor: Actor) async throws -> UUID {
        let parts = name.split(separator: " ").map(String.init)
        let contact =
            parts.count > 1
            ? Contact(firstName: parts[0], lastName: parts.dropFirst().joined(separator: " "))
            : Contact(company: name)
        return try await ContactService(db: db).create(contact, in: groups, by: actor).requireID()
    }

    /// The names of the groups `contact` is in, sorted: what an admin would see.
    func groupNames(of contact: UUID) async throws -> [String] {
        try await ContactService(db: db).groups(of: contact).map(\.name).sorted()
    }
}
