import Vapor

/// A request to ring the user's own extension, then connect it to `number` (soft call, dialpad).
struct OriginateRequest: Sendable, Equatable {
    let fromExtension: String
    let number: String
    let username: String
}

/// How Switchboard asks the telephone system to place calls. The `log` connector is the
/// development default; the Kamailio and Asterisk connectors come with the telephony release.
protocol PBXConnector: Sendable {
    /// `false` for connectors that only record: the interface says no call will ring.
    var placesRealCalls: Bool { get }
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

/// The connector `SWITCHBOARD_PBX` names.
func makePBXConnector(_ config: AppConfig, logger: Logger) -> any PBXConnector {
    switch config.pbx {
    case .log: LogConnector(logger: logger)
    case .asterisk: AsteriskConnector.make(config: config.asterisk, logger: logger)
    }
}

extension Application {
    private struct PBXKey: StorageKey { typealias Value = any PBXConnector }

    var pbx: any PBXConnector {
        get { storage[PBXKey.self]! }
        set { storage[PBXKey.self] = newValue }
    }
}
