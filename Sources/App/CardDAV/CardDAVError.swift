import Foundation

/// Why talking to a CardDAV server failed. `code` is stored with the group and names the translation
/// `error.carddav_<code>`. People are told the category and at most an HTTP status (`detail`): what the network or a
/// token endpoint said (`logDetail`) goes to the server's log only, so the page is no port scanner and echoes nothing.
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
    /// The URL's host is the server itself, the local network or link-local, and private addresses are not allowed.
    case addressNotAllowed(String)

    /// Discovery tries several addresses; these end it at once (trying others would not help).
    var isFatalForDiscovery: Bool {
        switch self {
        case .authenticationRefused, .unreachable, .addressNotAllowed: true
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
        case .addressNotAllowed: "address_not_allowed"
        }
    }

    /// What people may be shown: an HTTP status, nothing the network or a token endpoint said.
    var detail: String {
        switch self {
        case .authenticationRefused(let status), .unexpectedStatus(let status): "HTTP \(status)"
        default: ""
        }
    }

    /// Everything known, for the server's log.
    var logDetail: String {
        switch self {
        case .unreachable(let detail), .badAnswer(let detail), .tokenRefused(let detail),
            .addressNotAllowed(let detail):
            detail
        default: detail
        }
    }

    static let allCodes = [
        "unreachable", "authentication_refused", "token_refused", "refresh_token_rejected", "unexpected_status",
        "bad_answer",
        "not_address_book", "sync_token_invalid", "secret_key_missing", "secret_unreadable", "address_not_allowed",
    ]
}
