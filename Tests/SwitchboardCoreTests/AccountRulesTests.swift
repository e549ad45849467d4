import Testing

@testable import SwitchboardCore

@Suite("Account rules")
struct AccountRulesTests {
    @Test func usernamesAreNormalisedAndChecked() throws {
        #expect(try AccountRules.normalizedUsername("  Marie.Curie ") == "marie.curie")
        for bad in ["a", "", "-lead", "with space", "émile", String(repeating: "x", count: 65)] {
            #expect(throws: AccountRuleViolation.usernameInvalid) { try AccountRules.normalizedUsername(bad) }
        }
    }

    @Test func extensionsAreTwoToEightDigits() throws {
        #expect(try AccountRules.normalizedExtension(" 201 ") == "201")
        #expect(try AccountRules.normalizedExtension("") == nil)
        #expect(try AccountRules.normalizedExtension(nil) == nil)
        for bad in ["1", "123456789", "12a", "+33", "٣٣"] {
            #expect(throws: AccountRuleViolation.extensionInvalid) { try AccountRules.normalizedExtension(bad) }
        }
    }

    @Test func passwordPolicy() throws {
        try AccountRules.checkPassword("long-enough", username: "bob")
        #expect(throws: AccountRuleViolation.passwordTooShort(minimum: 10)) {
            try AccountRules.checkPassword("short", username: "bob")
        }
        #expect(throws: AccountRuleViolation.passwordEqualsUsername) {
            try AccountRules.checkPassword("Marie.Curie", username: "marie.curie")
        }
    }

    @Test func theLastAdminStays() throws {
        #expect(throws: AccountRuleViolation.lastAdmin) {
            try AccountRules.checkKeepsAnAdmin(currentRole: .admin, newRole: .subscriber, adminCount: 1)
        }
        #expect(throws: AccountRuleViolation.lastAdmin) {
            try AccountRules.checkKeepsAnAdmin(currentRole: .admin, newRole: nil, adminCount: 1)
        }
        try AccountRules.checkKeepsAnAdmin(currentRole: .admin, newRole: .subscriber, adminCount: 2)
        try AccountRules.checkKeepsAnAdmin(currentRole: .admin, newRole: .admin, adminCount: 1)
        try AccountRules.checkKeepsAnAdmin(currentRole: .subscriber, newRole: nil, adminCount: 1)
    }

    @Test("names never hold control characters")
    func controlCharacters() throws {
        #expect(throws: AccountRuleViolation.displayNameInvalid) { try AccountRules.normalizedDisplayName("Ada\u{0}") }
        #expect(throws: AccountRuleViolation.displayNameInvalid) {
            try AccountRules.normalizedDisplayName("Ada\nSet-Cookie")
        }
        #expect(throws: AccountRuleViolation.tokenNameInvalid) { try AccountRules.normalizedTokenName("ci\u{1B}[31m") }
        #expect(try AccountRules.normalizedDisplayName("Zoé Martin") == "Zoé Martin")
    }
}
