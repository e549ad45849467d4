import Foundation

/// Why an account change is refused. `field` names the form field the message belongs to.
public enum AccountRuleViolation: Error, Equatable, Sendable {
    case usernameInvalid
    case displayNameInvalid
    case extensionInvalid
    case passwordTooShort(minimum: Int)
    case passwordEqualsUsername
    case passwordsDiffer
    case passwordEqualsCurrent
    case currentPasswordWrong
    case lastAdmin
    case cannotDeleteYourself
    case tokenNameInvalid

    public var field: String? {
        switch self {
        case .usernameInvalid: "username"
        case .displayNameInvalid: "displayName"
        case .extensionInvalid: "extension"
        case .passwordTooShort, .passwordEqualsUsername: "password"
        case .passwordsDiffer: "passwordConfirmation"
        case .passwordEqualsCurrent: "password"
        case .currentPasswordWrong: "currentPassword"
        case .tokenNameInvalid: "name"
        case .lastAdmin, .cannotDeleteYourself: nil
        }
    }
}

/// Shape rules for accounts: pure checks, no storage.
public enum AccountRules {
    public static let minimumPasswordLength = 10
    public static let extensionDigits = 2...8

    /// Lower-case letters, digits, `.`, `_` and `-`; 2 to 64 characters; starts with a letter or digit.
    public static func normalizedUsername(_ raw: String) throws(AccountRuleViolation) -> String {
        let name = raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789._-")
        guard (2...64).contains(name.count), name.allSatisfy(allowed.contains),
            let first = name.first, first.isLetter || first.isNumber
        else { throw .usernameInvalid }
        return name
    }

    public static func normalizedDisplayName(_ raw: String) throws(AccountRuleViolation) -> String {
        let name = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...100).contains(name.count), !TextChecks.hasControlCharacters(name) else { throw .displayNameInvalid }
        return name
    }

    /// An internal extension is 2 to 8 digits; an empty value means "no extension".
    public static func normalizedExtension(_ raw: String?) throws(AccountRuleViolation) -> String? {
        let value = (raw ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if value.isEmpty { return nil }
        guard extensionDigits.contains(value.count), value.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw .extensionInvalid
        }
        return value
    }

    public static func normalizedTokenName(_ raw: String) throws(AccountRuleViolation) -> String {
        let name = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...80).contains(name.count), !TextChecks.hasControlCharacters(name) else { throw .tokenNameInvalid }
        return name
    }

    public static func checkPassword(_ password: String, username: String) throws(AccountRuleViolation) {
        guard password.count >= minimumPasswordLength else {
            throw .passwordTooShort(minimum: minimumPasswordLength)
        }
        guard password.lowercased() != username.lowercased() else { throw .passwordEqualsUsername }
    }

    /// The last admin can be neither deleted nor demoted, or nobody could manage the system.
    public static func checkKeepsAnAdmin(
        currentRole: Role, newRole: Role?, adminCount: Int
    ) throws(AccountRuleViolation) {
        guard currentRole == .admin, newRole != .admin, adminCount <= 1 else { return }
        throw .lastAdmin
    }
}
