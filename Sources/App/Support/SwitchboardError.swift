import SwitchboardCore
import Vapor

/// Every refusal the application can give. One middleware turns these into a translated page
/// or a JSON problem with a stable `code`.
enum SwitchboardError: Error, Equatable {
    case notSignedIn
    case forbidden
    case notFound
    case badRequest
    /// A request path with `//`, a dot segment, an encoded separator or a control character.
    case pathNotCanonical
    /// `group` and `withoutGroup` together: no contact is in a group and in none.
    case filtersConflict
    /// A rights matrix naming one user twice.
    case rightsRepeatUser
    /// A `cursor` that is not one a list gave (or no longer fits its filters).
    case cursorInvalid
    /// The six-digit code (or recovery code) of a second factor is not right, or was used already.
    case twoFactorCodeWrong
    /// Two-factor sign-in is not set up for this account.
    case twoFactorNotEnabled
    /// A method the path does not answer; `allowed` are those it does.
    case methodNotAllowed(allowed: [String])
    /// A body above the limit of its route.
    case bodyTooLarge(maximumBytes: Int)
    case csrfFailed
    case wrongCredentials
    case tooManyAttempts(seconds: Int)
    /// Too many passwords are being checked at this moment: try again in a second.
    case busy
    case invalid(AccountRuleViolation)
    case profile(ProfileViolation)
    case photo(PhotoRules.Violation)
    case forwarding(ForwardingViolation)
    case contact(ContactViolation)
    case dect(DECTLimits.Violation)
    case shortCodeTaken
    /// Another request changed the same thing at the same moment (a unique value taken between check and write).
    case conflict
    case groupNameInvalid
    case groupNameTaken
    /// A linked group mirrors its source: nobody writes to it here.
    case groupReadOnly
    /// A user's standard group is where their new contacts land: they need write right on it.
    case standardNeedsWrite
    /// DECT limits are whole numbers: 1–10 000 entries, names of 4–100 characters.
    case dectLimitsInvalid
    case usernameTaken
    case extensionTaken
    case noExtension
    case numberInvalid
    case pbxFailed(String)
    /// The PBX could not be reached (connection refused, wrong host, not a PBX at that port).
    case pbxUnreachable
    /// The PBX did not answer in time.
    case pbxTimeout
    /// The PBX refused Switchboard's own credentials: an administrator must fix the configuration.
    case pbxAuthenticationFailed
    /// A desk-phone directory password shorter than the minimum.
    case directoryPasswordTooShort(minimum: Int)
    /// A desk-phone directory user name must be plain: letters, digits, `.`, `-`, `_`.
    case directoryUsernameInvalid
    case payloadTooLarge
    /// An import file above `SWITCHBOARD_IMPORT_MAX_MB`.
    case importTooLarge(maximumBytes: Int)
    /// An import file without a single vCard in it: nothing was imported.
    case notVCard
    /// A CSV file without a header row and at least one row: nothing was imported.
    case notCSV
    /// A CSV file whose header has more columns than any address book writes.
    case csvTooManyColumns(maximum: Int)
    /// The uploaded CSV file is no longer kept (an hour passed, or it was imported already).
    case csvUploadExpired
    /// A saved column mapping needs a name of 1 to 100 characters.
    case mappingNameInvalid
    /// The legal notice before a CSV export was not confirmed: no file.
    case exportNotConfirmed
    /// An export named both a group and a tab (the API): one scope at a time.
    case exportScopeConflict
    /// A CSV mapping (the API's `mapping`) naming a field that does not exist.
    case csvMappingInvalid
    /// The database failed during an import; the transaction was rolled back and nothing changed.
    case importFailed
    /// A contact holding more than a QR code can carry, even without notes and addresses.
    case qrCodeTooLarge
    case linkedSource(LinkedSourceViolation)
    case linkedGroupLimit(maximum: Int)
    case linkedNotConfigured
    case syncRunning
    case carddav(CardDAVError)
    case internalError

    var status: HTTPResponseStatus {
        switch self {
        case .notSignedIn, .wrongCredentials: .unauthorized
        case .forbidden, .csrfFailed: .forbidden
        case .notFound: .notFound
        case .badRequest, .pathNotCanonical: .badRequest
        case .methodNotAllowed: .methodNotAllowed
        case .filtersConflict, .rightsRepeatUser, .cursorInvalid, .twoFactorCodeWrong, .twoFactorNotEnabled:
            .unprocessableEntity
        case .bodyTooLarge: .payloadTooLarge
        case .tooManyAttempts: .tooManyRequests
        case .busy: .serviceUnavailable
        case .invalid, .profile, .photo, .forwarding, .noExtension, .numberInvalid, .contact, .dect:
            .unprocessableEntity
        case .shortCodeTaken, .groupNameTaken, .conflict: .conflict
        case .groupNameInvalid, .standardNeedsWrite, .dectLimitsInvalid: .unprocessableEntity
        case .groupReadOnly: .conflict
        case .usernameTaken, .extensionTaken: .conflict
        case .pbxFailed, .pbxUnreachable, .pbxAuthenticationFailed: .badGateway
        case .pbxTimeout: .gatewayTimeout
        case .directoryPasswordTooShort, .directoryUsernameInvalid: .unprocessableEntity
        case .payloadTooLarge, .importTooLarge: .payloadTooLarge
        case .notVCard, .qrCodeTooLarge: .unprocessableEntity
        case .notCSV, .csvTooManyColumns, .csvUploadExpired, .mappingNameInvalid, .exportNotConfirmed,
            .exportScopeConflict, .csvMappingInvalid:
            .unprocessableEntity
        case .importFailed: .internalServerError
        case .linkedSource: .unprocessableEntity
        case .linkedGroupLimit, .linkedNotConfigured, .syncRunning: .conflict
        case .carddav(.secretKeyMissing), .carddav(.secretUnreadable): .serviceUnavailable
        case .carddav: .badGateway
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
        case .pathNotCanonical: "path_not_canonical"
        case .methodNotAllowed: "method_not_allowed"
        case .filtersConflict: "filters_conflict"
        case .rightsRepeatUser: "rights_repeat_user"
        case .cursorInvalid: "cursor_invalid"
        case .twoFactorCodeWrong: "two_factor_code_wrong"
        case .twoFactorNotEnabled: "two_factor_not_enabled"
        case .bodyTooLarge: "body_too_large"
        case .csrfFailed: "csrf_failed"
        case .wrongCredentials: "wrong_credentials"
        case .tooManyAttempts: "too_many_attempts"
        case .busy: "busy"
        case .invalid(let violation): violation.code
        case .profile(.emailInvalid): "email_invalid"
        case .profile(.externalNumberInvalid): "number_invalid"
        case .profile(.tooLong): "too_long"
        case .photo(.notPNG): "photo_not_png"
        case .photo(.notImage): "photo_not_image"
        case .photo(.tooLarge): "photo_too_large"
        case .photo(.badDimensions): "photo_dimensions"
        case .forwarding(.destinationMissing): "forwarding_destination_missing"
        case .forwarding(.ringsOutOfRange): "forwarding_rings_out_of_range"
        case .forwarding(.forwardsToSelf): "forwarding_to_self"
        case .forwarding(.unknownExtension): "forwarding_unknown_extension"
        case .forwarding(.externalNumberInvalid): "number_invalid"
        case .forwarding(.loop): "forwarding_loop"
        case .contact(.nameMissing): "contact_name_missing"
        case .contact(.emailInvalid): "email_invalid"
        case .contact(.numberInvalid): "number_invalid"
        case .contact(.shortCodeInvalid): "short_code_invalid"
        case .contact(.birthdayInvalid): "birthday_invalid"
        case .contact(.tooLong): "too_long"
        case .dect(.groupFull): "dect_group_full"
        case .dect(.nameTooLong): "dect_name_too_long"
        case .shortCodeTaken: "short_code_taken"
        case .conflict: "conflict"
        case .groupNameInvalid: "group_name_invalid"
        case .groupNameTaken: "group_name_taken"
        case .groupReadOnly: "group_read_only"
        case .standardNeedsWrite: "standard_needs_write"
        case .dectLimitsInvalid: "dect_limits_invalid"
        case .usernameTaken: "username_taken"
        case .extensionTaken: "extension_taken"
        case .noExtension: "no_extension"
        case .numberInvalid: "number_invalid"
        case .pbxFailed: "pbx_failed"
        case .pbxUnreachable: "pbx_unreachable"
        case .pbxTimeout: "pbx_timeout"
        case .pbxAuthenticationFailed: "pbx_authentication_failed"
        case .directoryPasswordTooShort: "directory_password_too_short"
        case .directoryUsernameInvalid: "directory_username_invalid"
        case .payloadTooLarge: "payload_too_large"
        case .importTooLarge: "import_too_large"
        case .notVCard: "not_vcard"
        case .notCSV: "not_csv"
        case .csvTooManyColumns: "csv_too_many_columns"
        case .csvUploadExpired: "csv_upload_expired"
        case .mappingNameInvalid: "mapping_name_invalid"
        case .exportNotConfirmed: "export_not_confirmed"
        case .exportScopeConflict: "export_scope_conflict"
        case .csvMappingInvalid: "csv_mapping_invalid"
        case .importFailed: "import_failed"
        case .qrCodeTooLarge: "qr_code_too_large"
        case .linkedSource(.urlInvalid): "linked_url_invalid"
        case .linkedSource(.usernameMissing): "linked_username_missing"
        case .linkedSource(.secretMissing): "linked_secret_missing"
        case .linkedSource(.clientIDMissing): "linked_client_id_missing"
        case .linkedSource(.tokenURLInvalid): "linked_token_url_invalid"
        case .linkedSource(.intervalInvalid): "linked_interval_invalid"
        case .linkedSource(.addressBookNotChosen): "linked_address_book_not_chosen"
        case .linkedGroupLimit: "linked_group_limit"
        case .linkedNotConfigured: "linked_not_configured"
        case .syncRunning: "sync_running"
        case .carddav(let error): "carddav_\(error.code)"
        case .internalError: "internal_error"
        }
    }

    /// The form field the message belongs next to, if any.
    var field: String? {
        switch self {
        case .invalid(let violation): violation.field
        case .profile(.emailInvalid): "email"
        case .profile(.externalNumberInvalid): "externalNumber"
        case .profile(.tooLong(let field, _)): field
        case .photo: "photo"
        case .forwarding(.destinationMissing(let kind)), .forwarding(.forwardsToSelf(let kind)),
            .forwarding(.unknownExtension(let kind, _)), .forwarding(.externalNumberInvalid(let kind)):
            "\(kind.rawValue).destination"
        case .forwarding(.ringsOutOfRange(let kind)): "\(kind.rawValue).rings"
        case .forwarding(.loop): "forwarding"
        case .usernameTaken: "username"
        case .extensionTaken: "extension"
        case .numberInvalid: "number"
        case .contact(.nameMissing): "displayName"
        case .contact(.emailInvalid): "emails"
        case .contact(.numberInvalid): "phones"
        case .contact(.shortCodeInvalid), .shortCodeTaken: "shortCode"
        case .contact(.birthdayInvalid): "birthday"
        case .contact(.tooLong(let field, _)): field
        case .twoFactorCodeWrong: "code"
        case .groupNameInvalid, .groupNameTaken: "name"
        case .dectLimitsInvalid: "dect"
        case .notVCard, .importTooLarge, .notCSV, .csvTooManyColumns, .csvUploadExpired: "file"
        case .mappingNameInvalid: "mappingName"
        case .exportNotConfirmed: "confirm"
        case .carddav(.refreshTokenRejected): "secret"
        case .linkedSource(.urlInvalid), .carddav: "serverURL"
        case .linkedSource(.usernameMissing): "username"
        case .linkedSource(.secretMissing): "secret"
        case .linkedSource(.clientIDMissing): "clientID"
        case .linkedSource(.tokenURLInvalid): "tokenURL"
        case .linkedSource(.intervalInvalid): "interval"
        case .linkedSource(.addressBookNotChosen): "addressBook"
        case .linkedGroupLimit: "kind"
        case .directoryPasswordTooShort: "directoryPassword"
        case .directoryUsernameInvalid: "directoryUsername"
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
        case .profile(.tooLong(_, let maximum)), .contact(.tooLong(_, let maximum)): ["maximum": String(maximum)]
        case .photo(.tooLarge(let maximum)): ["kilobytes": String(maximum / 1000)]
        case .photo(.badDimensions(let width, let height, let allowed)):
            [
                "width": String(width), "height": String(height), "minimum": String(allowed.lowerBound),
                "maximum": String(allowed.upperBound),
            ]
        case .forwarding(.unknownExtension(_, let target)): ["extension": target]
        case .forwarding(.loop(let chain)): ["chain": chain.joined(separator: " → ")]
        case .pbxFailed(let reason): ["reason": reason]
        case .directoryPasswordTooShort(let minimum): ["minimum": String(minimum)]
        case .importTooLarge(let maximum): ["megabytes": String(maximum / 1_000_000)]
        case .bodyTooLarge(let maximum): ["kilobytes": String(max(1, maximum / 1000))]
        case .contact(.emailInvalid(let value)), .contact(.numberInvalid(let value)): ["value": value]
        case .dect(.groupFull(let maximum, let wouldHave)):
            ["maximum": String(maximum), "count": String(wouldHave)]
        case .dect(.nameTooLong(let name, let maximum)): ["name": name, "maximum": String(maximum)]
        case .linkedGroupLimit(let maximum), .csvTooManyColumns(let maximum): ["maximum": String(maximum)]
        case .carddav(let error): ["detail": error.detail]
        default: [:]
        }
    }

    static let allForTranslationCheck: [SwitchboardError] = [
        .notSignedIn, .forbidden, .notFound, .badRequest, .pathNotCanonical, .bodyTooLarge(maximumBytes: 1_000_000),
        .methodNotAllowed(allowed: ["GET"]), .filtersConflict, .rightsRepeatUser, .cursorInvalid,
        .twoFactorCodeWrong, .twoFactorNotEnabled,
        .csrfFailed, .wrongCredentials,
        .tooManyAttempts(seconds: 60), .busy, .usernameTaken, .extensionTaken, .payloadTooLarge, .internalError,
        .invalid(.usernameInvalid), .invalid(.displayNameInvalid), .invalid(.extensionInvalid),
        .invalid(.passwordTooShort(minimum: 10)), .invalid(.passwordEqualsUsername), .invalid(.passwordsDiffer),
        .invalid(.passwordEqualsCurrent), .invalid(.currentPasswordWrong),
        .invalid(.lastAdmin), .invalid(.cannotDeleteYourself), .invalid(.tokenNameInvalid),
        .profile(.emailInvalid), .profile(.externalNumberInvalid), .profile(.tooLong(field: "city", maximum: 100)),
        .photo(.notPNG), .photo(.notImage), .photo(.tooLarge(maximumBytes: 1)),
        .photo(.badDimensions(width: 1, height: 1, allowed: 1...2)),
        .forwarding(.destinationMissing(.unconditional)), .forwarding(.ringsOutOfRange(.internalCalls)),
        .forwarding(.forwardsToSelf(.unconditional)), .forwarding(.unknownExtension(.unconditional, "1")),
        .forwarding(.loop(["1", "2", "1"])), .noExtension, .numberInvalid, .pbxFailed("x"), .pbxUnreachable,
        .contact(.nameMissing), .contact(.emailInvalid("x")), .contact(.numberInvalid("x")),
        .contact(.shortCodeInvalid), .contact(.birthdayInvalid), .contact(.tooLong(field: "notes", maximum: 10)),
        .dect(.groupFull(maximum: 1, wouldHave: 2)),
        .dect(.nameTooLong(name: "x", maximum: 1)), .shortCodeTaken, .conflict, .groupNameInvalid, .groupNameTaken,
        .groupReadOnly, .standardNeedsWrite, .dectLimitsInvalid, .importTooLarge(maximumBytes: 1_000_000), .notVCard,
        .qrCodeTooLarge, .notCSV, .csvTooManyColumns(maximum: 500), .csvUploadExpired, .mappingNameInvalid,
        .exportNotConfirmed, .exportScopeConflict, .csvMappingInvalid, .importFailed,
        .linkedSource(.urlInvalid), .linkedSource(.usernameMissing), .linkedSource(.secretMissing),
        .linkedSource(.clientIDMissing), .linkedSource(.tokenURLInvalid), .linkedSource(.intervalInvalid),
        .linkedSource(.addressBookNotChosen), .linkedGroupLimit(maximum: 5), .linkedNotConfigured, .syncRunning,
        .carddav(.unreachable("x")), .carddav(.authenticationRefused(401)), .carddav(.tokenRefused("x")),
        .carddav(.refreshTokenRejected),
        .carddav(.unexpectedStatus(500)), .carddav(.badAnswer("x")), .carddav(.notAddressBook),
        .carddav(.syncTokenInvalid), .carddav(.secretKeyMissing), .carddav(.secretUnreadable),
        .carddav(.addressNotAllowed("x")),
        .pbxUnreachable, .pbxTimeout, .pbxAuthenticationFailed,
        .directoryPasswordTooShort(minimum: 8), .directoryUsernameInvalid,
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
        case .passwordEqualsCurrent: "password_equals_current"
        case .currentPasswordWrong: "current_password_wrong"
        case .lastAdmin: "last_admin"
        case .cannotDeleteYourself: "cannot_delete_yourself"
        case .tokenNameInvalid: "token_name_invalid"
        }
    }
}

/// Runs pure rules, turning their violations into the application's error.
@discardableResult
func rule<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let violation as AccountRuleViolation {
        throw SwitchboardError.invalid(violation)
    } catch let violation as ProfileViolation {
        throw SwitchboardError.profile(violation)
    } catch let violation as PhotoRules.Violation {
        throw SwitchboardError.photo(violation)
    } catch let violation as ForwardingViolation {
        throw SwitchboardError.forwarding(violation)
    } catch let violation as ContactViolation {
        throw SwitchboardError.contact(violation)
    } catch let violation as DECTLimits.Violation {
        throw SwitchboardError.dect(violation)
    }
}

extension SwitchboardError {
    /// The error a refused contact decision answers with: one mapping for pages, API and commands.
    init(refused reason: ContactDecision) {
        switch reason {
        case .notFound, .allowed: self = .notFound
        case .readOnlyLinked: self = .groupReadOnly
        case .noWriteRight: self = .forbidden
        }
    }

    /// Throws unless `decision` allows.
    static func require(_ decision: ContactDecision) throws(SwitchboardError) {
        guard decision == .allowed else { throw SwitchboardError(refused: decision) }
    }
}
