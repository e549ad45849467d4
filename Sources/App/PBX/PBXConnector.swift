import Vapor

/// A request to ring the user's own extension, then connect it to `number` (soft call, dialpad).
struct OriginateRequest: Sendable, Equatable {
    let fromExtension: String
    /// The number as the user meant it, normalised ("+33123456789", "202").
    let number: String
    let username: String
    /// What the PBX dials for it under the dial plan (outside-line and trunk prefixes): "00123456789".
    let dialed: String
    /// The extension of a number that has one ("ext. 102": "102"), to be keyed in once the main number answers. The
    /// PBX is only ever asked for the main number; a connector that can key digits passes these on.
    var extensionDigits: String? = nil

    init(fromExtension: String, number: String, username: String, dialed: String? = nil, extensionDigits: String? = nil)
    {
        self.fromExtension = fromExtension
        self.number = number
        self.username = username
        self.dialed = dialed ?? number
        self.extensionDigits = extensionDigits
    }
}

/// Why the telephone system did not take a call request; `CallService` turns it into a
/// translated message.
enum PBXError: Error, Equatable {
    /// No answer: connection refused, timeout, name not resolved. The detail is for the log.
    case unreachable(String)
    /// The PBX answered and refused; `reason` is its own words (shown to the user).
    case refused(String)
}

/// A bad `SWITCHBOARD_PBX` (or connector setting): the server does not start.
struct PBXConfigurationError: Error, CustomStringConvertible {
    let description: String
}

/// The connector named by `SWITCHBOARD_PBX`.
func makePBXConnector(_ config: AppConfig, app: Application) throws -> any PBXConnector {
    let settings = config.pbx
    switch settings.connector {
    case "log":
        return LogConnector(logger: app.logger)
    case "kamailio":
        return KamailioConnector(settings: settings, client: app.http.client.shared, logger: app.logger)
    case "asterisk":
        return AsteriskConnector.make(config: config.asterisk, logger: app.logger)
    default:
        throw PBXConfigurationError(
            description: "SWITCHBOARD_PBX must be log, kamailio or asterisk, got \"\(settings.connector)\"")
    }
}

/// How Switchboard asks the telephone system to place calls, chosen by `SWITCHBOARD_PBX`
/// (`makePBXConnector`): `log` (development default), `kamailio`, `asterisk`.
protocol PBXConnector: Sendable {
    /// `false` for connectors that only record: the interface says no call will ring.
    var placesRealCalls: Bool { get }
    /// Throws `PBXError` when the PBX cannot be reached or refuses.
    func originate(_ request: OriginateRequest) async throws
}

/// Records call requests instead of placing them, and logs them.
final class LogConnector: PBXConnector, @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [OriginateRequest] = []
    let logger: Logger

    init(logger: Logger) { self.logger = logger }

    var placesRealCalls: Bool { false }

    func originate(_ request: OriginateRequest) async throws {
        lock.withLock { recorded.append(request) }
        logger.notice(
            "No PBX connected (log connector): would ring extension \(request.fromExtension) and connect it to \(request.number)"
        )
    }

    /// What was requested so far, oldest first.
    var requests: [OriginateRequest] { lock.withLock { recorded } }
}

extension Application {
    private struct PBXKey: StorageKey { typealias Value = any PBXConnector }

    var pbx: any PBXConnector {
        get { storage[PBXKey.self]! }
        set { storage[PBXKey.self] = newValue }
    }
}
