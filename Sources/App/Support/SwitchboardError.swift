import SwitchboardCore
import Vapor

/// Every refusal the application can give. One middleware turns these into a translated page
/// or a JSON problem with a stable `code`.
enum SwitchboardError: Error, Equatable {
    case notSignedIn
    case forbidden
    case notFound
    case badRequest
    case csrfFailed
    case wrongCredentials
    case tooManyAttempts(seconds: Int)
    case invalid(AccountRuleViolation)
    case usernameTaken
    case extensionTaken
    case payloadTooLarge
    case internalError

    var status: HTTPResponseStatus {
        switch self {
        case .notSignedIn, .wrongCredentials: .unauthorized
        case .forbidden, .csrfFailed: .forbidden
        case .notFound: .notFound
        case .badRequest: .badRequest
        case .tooManyAttempts: .tooManyRequests
        case .invalid: .unprocessableEntity
        case .usernameTaken, .extensionTaken: .conflict
        case .payloadTooLarge: .payloadTooLarge
        case .internalError: .internalServerError
        }
    }

    /// Stable, documented in the OpenAPI document; clients may switch on it.
    var code: String {
        switch self {
        case .notSignedIn: "unauthenticated"
        case .forbidden: "forbidden"
        case .notFound: "not_found"
        case .badRequest: "bad_request"
        case .csrfFailed: "csrf_failed"
        case .wrongCredentials: "wrong_credentials"
        case .tooManyAttempts: "too_many_attempts"
        case .invalid(let violation): violation.code
        case .usernameTaken: "username_taken"
        case .extensionTaken: "extension_taken"
        case .payloadTooLarge: "payload_too_large"
        case .internalError: "internal_error"
        }
    }

    var field: String? {
        switch self {
        case .invalid(let violation): violation.field
        case .usernameTaken: "username"
        case .extensionTaken: "extension"
        default: nil
        }
    }

    /// Localization key of the message; `arguments` fill its placeholders.
    var messageKey: String { "error.\(code)" }

    /// Heading of the error page.
    var headingKey: String {
        switch status {
        case .forbidden: "error.heading_forbidden"
        case .notFound: "error.heading_not_found"
        default: "error.title"
        }
    }

    var arguments: [String: String] {
        switch self {
        case .tooManyAttempts(let seconds): ["minutes": String(max(1, (seconds + 59) / 60))]
        case .invalid(.passwordTooShort(let minimum)): ["minimum": String(minimum)]
        default: [:]
        }
    }

    static let allForTranslationCheck: [SwitchboardError] = [
        .notSignedIn, .forbidden, .notFound, .badRequest, .csrfFailed, .wrongCredentials,
        .tooManyAttempts(seconds: 60), .usernameTaken, .extensionTaken, .payloadTooLarge, .internalError,
        .invalid(.usernameInvalid), .invalid(.displayNameInvalid), .invalid(.extensionInvalid),
        .invalid(.passwordTooShort(minimum: 10)), .invalid(.passwordEqualsUsername), .invalid(.passwordsDiffer),
        .invalid(.lastAdmin), .invalid(.cannotDeleteYourself), .invalid(.tokenNameInvalid),
    ]
}

extension AccountRuleViolation {
    var code: String {
        switch self {
        case .usernameInvalid: "username_invalid"
        case .displayNameInvalid: "display_name_invalid"
        case .extensionInvalid: "extension_invalid"
        case .passwordTooShort: "password_too_short"
        case .passwordEqualsUsername: "password_equals_username"
        case .passwordsDiffer: "passwords_differ"
        case .lastAdmin: "last_admin"
        case .cannotDeleteYourself: "cannot_delete_yourself"
        case .tokenNameInvalid: "token_name_invalid"
        }
    }
}
