import Testing

@testable import SwitchboardCore

@Suite("Access policy")
struct AccessPolicyTests {
    @Test func adminMayDoEverything() {
        let actions: [Action] = [
            .administerUsers, .manageUser(role: .admin), .grantRole(.admin), .viewAuditLog, .manageContactGroups,
            .changeSystemSettings,
        ]
        #expect(actions.allSatisfy { AccessPolicy.allows(.admin, $0) })
    }

    @Test func subAdminManagesNonAdminsOnly() {
        #expect(AccessPolicy.allows(.subAdmin, .administerUsers))
        #expect(AccessPolicy.allows(.subAdmin, .manageUser(role: .subscriber)))
        #expect(AccessPolicy.allows(.subAdmin, .manageUser(role: .subAdmin)))
        #expect(!AccessPolicy.allows(.subAdmin, .manageUser(role: .admin)))
        #expect(AccessPolicy.allows(.subAdmin, .grantRole(.subscriber)))
        #expect(!AccessPolicy.allows(.subAdmin, .grantRole(.admin)))
        #expect(AccessPolicy.allows(.subAdmin, .manageContactGroups))
        #expect(!AccessPolicy.allows(.subAdmin, .viewAuditLog))
        #expect(!AccessPolicy.allows(.subAdmin, .changeSystemSettings))
    }

    @Test(arguments: [
        Action.administerUsers, .manageUser(role: .subscriber), .grantRole(.subscriber), .viewAuditLog,
        .manageContactGroups, .changeSystemSettings,
    ])
    func subscriberMayAdministerNothing(action: Action) {
        #expect(!AccessPolicy.allows(.subscriber, action))
    }
}
