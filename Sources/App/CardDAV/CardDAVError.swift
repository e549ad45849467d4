import Foundation

/// Why talking to a CardDAV server failed. `code` is stored with the group and names the translation
/// `sync_error.<code>`; `detail` is what the server or the network said, shown as is.
enum CardDAVError: Error, Equatable, Sendable {
    /// No answer: connection refused, name unknown, timeout, connection closed mid-answer.
    case unreachable(String)
    /// The server refused the credentials (401, 403).
    case authenticationRefused(Int)
    /// The OAuth token endpoint refused the client or the request.
    case tokenRefused(String)
    /// The OAuth token endpoint no longer accepts the refresh token (`invalid_grant`: expired or
    /// revoked); only a new one helps.
    case refreshTokenRejected
    /// An HTTP status we cannot use.
    case unexpectedStatus(Int)
    /// Not XML, or XML that is not a WebDAV answer.
    case badAnswer(String)
    /// The URL answers but is not an address book; discovery found none.
    case notAddressBook
    /// The stored sync-token is no longer valid: a full listing is needed.
    case syncTokenInvalid
    /// `SWITCHBOARD_SECRET_KEY` is not set, so stored secrets cannot be used.
    case secretKeyMissing
    /// A stored secret cannot be opened with the configured key (the key changed).
    case secretUnreadable

    /// Discovery tries several addresses; these end it at once (trying others would not help).
    var isFatalForDiscovery: Bool {
        switch self {
        case .authenticationRefused, .unreachable: true
        default: false
        }
    }

    var code: String {
        switch self {
        case .unreachable: "unreachable"
        case .authenticationRefused: "authentication_refused"
        case .tokenRefused: "token_refused"
        case .refreshTokenRejected: "refresh_token_rejected"
        case .unexpectedStatus: "unexpected_status"
        case .badAnswer: "bad_answer"
        case .notAddressBook: "not_address_book"
        case .syncTokenInvalid: "sync_token_invalid"
        case .secretKeyMissing: "secret_key_missing"
        case .secretUnreadable: "secret_unreadable"
        }
    }

    var detail: String {
        switch self {
        case .unreachable(let detail), .badAnswer(let detail), .tokenRefused(let detail): detail
        case .authenticationRefused(let status), .unexpectedStatus(let status): "HTTP \(status)"
        default: ""
        }
    }

    static let allCodes = [
        "unreachable", "authentication_refused", "token_refused", "refresh_token_rejected", "unexpected_status",
        "bad_answer",
        "not_address_book", "sync_token_invalid", "secret_key_missing", "secret_unreadable",
    ]
}
