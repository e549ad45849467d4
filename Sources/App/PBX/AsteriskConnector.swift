import Foundation
import Logging
import NIOCore
import NIOPosix

/// Places calls through the Asterisk Manager Interface (AMI) over TCP: one connection per call,
/// `Login`, `Originate` of the user's own channel into the dial context at the dialled number, `Logoff`.
///
/// With `Async: true` Asterisk answers "queued" at once and reports the outcome later in an
/// `OriginateResponse` event. A phone that is not registered fails within milliseconds, so the
/// connector waits up to `failureWindow` for that event to report it; a phone that rings longer
/// is a call under way, and the connector returns.
struct AsteriskConnector: PBXConnector {
    struct Settings: Sendable, Equatable {
        var host = "127.0.0.1"
        var port = 5038
        var username = ""
        var secret = ""
        /// The user's own channel; `{extension}` is replaced by their extension.
        var channelTemplate = "PJSIP/{extension}"
        /// Where the dialled number is looked up once the user's phone answers (priority 1).
        var context = "from-internal"
        /// Connecting, and the whole exchange, must be done within this.
        var timeout: TimeAmount = .seconds(5)
        /// How long to listen for an early `OriginateResponse: Failure`; zero returns once queued.
        var failureWindow: TimeAmount = .milliseconds(1500)
    }

    let settings: Settings
    let logger: Logger
    /// Identifies our actions in Asterisk's replies; a fixed value in tests.
    let makeActionID: @Sendable () -> String

    init(
        settings: Settings, logger: Logger,
        makeActionID: @escaping @Sendable () -> String = { "switchboard-" + UUID().uuidString.lowercased() }
    ) {
        self.settings = settings
        self.logger = logger
        self.makeActionID = makeActionID
    }

    /// What the connector selection calls for `SWITCHBOARD_PBX=asterisk`.
    static func make(config: AppConfig.Asterisk, logger: Logger) -> AsteriskConnector {
        AsteriskConnector(settings: config.settings, logger: logger)
    }

    var placesRealCalls: Bool { true }

    func originate(_ request: OriginateRequest) async throws {
        do {
            try await withTimeout(settings.timeout) { try await converse(request) }
        } catch let failure as AMIFailure {
            logger.warning(
                "Asterisk AMI at \(settings.host):\(settings.port): \(failure) (extension \(request.fromExtension) → \(request.number))"
            )
            throw failure.switchboardError
        }
    }

    // MARK: the conversation

    private func converse(_ request: OriginateRequest) async throws {
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(settings.timeout)
                .connect(host: settings.host, port: settings.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw AMIFailure.unreachable(String(describing: error))
        }
        try await channel.executeThenClose { inbound, outbound in
            var reader = AMIReader(inbound.makeAsyncIterator())
            let banner = try await reader.line()
            guard banner.hasPrefix("Asterisk Call Manager/") else { throw AMIFailure.notAMI(banner) }

            let loginID = makeActionID()
            try await outbound.write(
                AMIMessage.action(
                    "Login",
                    [
                        ("ActionID", loginID), ("Username", settings.username), ("Secret", settings.secret),
                        ("Events", settings.failureWindow > .zero ? "call" : "off"),
                    ]
                ).buffer)
            let login = try await reader.response(to: loginID)
            guard login["Response"] == "Success" else { throw AMIFailure.authenticationFailed }

            let originateID = makeActionID()
            try await outbound.write(originateAction(request, actionID: originateID).buffer)
            let queued = try await reader.response(to: originateID)
            guard queued["Response"] == "Success" else {
                throw AMIFailure.originateFailed(queued["Message"] ?? "")
            }
            if settings.failureWindow > .zero {
                try await awaitEarlyFailure(of: originateID, reader: reader)
            }

            try? await outbound.write(AMIMessage.action("Logoff", [("ActionID", makeActionID())]).buffer)
        }
    }

    func originateAction(_ request: OriginateRequest, actionID: String) -> AMIMessage {
        let channel = settings.channelTemplate.replacingOccurrences(of: "{extension}", with: request.fromExtension)
        var fields = [
            ("ActionID", actionID), ("Channel", channel), ("Context", settings.context),
            ("Exten", request.number), ("Priority", "1"), ("CallerID", "\"\(request.number)\" <\(request.number)>"),
            ("Async", "true"),
        ]
        // The extension of the number, for the dialplan to key in once answered: Dial(…,D(ww${SWITCHBOARD_DTMF})).
        if let digits = request.extensionDigits, !digits.isEmpty {
            fields.append(("Variable", "SWITCHBOARD_DTMF=\(digits)"))
        }
        return AMIMessage.action("Originate", fields)
    }

    /// Reads events until our `OriginateResponse`, or until the window closes (the phone is ringing).
    /// The read is not cancelled when the window closes: cancelling it would close the connection
    /// before the Logoff. It ends when the connection does.
    private func awaitEarlyFailure(of actionID: String, reader: AMIReader) async throws {
        let read = Task { [reader] in
            var reader = reader
            while true {
                let message = try await reader.message()
                if message["Event"] == "OriginateResponse", message["ActionID"] == actionID { return message }
            }
        }
        guard let outcome = try await first(of: read, orNilAfter: settings.failureWindow) else { return }
        if outcome["Response"] == "Failure" {
            throw AMIFailure.originateFailed(Self.reason(outcome["Reason"]))
        }
    }

    /// Asterisk's dial outcome codes (`AST_CONTROL_*`) as words.
    static func reason(_ code: String?) -> String {
        switch code {
        case "0": "the phone is not available"
        case "1": "hung up"
        case "3": "no answer"
        case "5": "busy"
        case "8": "congestion"
        default: "reason \(code ?? "unknown")"
        }
    }
}

/// What can go wrong talking to Asterisk, each with its own message for the user.
enum AMIFailure: Error, Equatable, CustomStringConvertible {
    case unreachable(String)
    case timeout
    case notAMI(String)
    case closed
    case authenticationFailed
    case originateFailed(String)

    var description: String {
        switch self {
        case .unreachable(let why): "cannot connect (\(why))"
        case .timeout: "no answer in time"
        case .notAMI(let banner): "not an AMI server (banner \"\(banner.prefix(60))\")"
        case .closed: "connection closed by Asterisk"
        case .authenticationFailed: "authentication failed: check the manager user and secret"
        case .originateFailed(let message): "originate refused: \(message)"
        }
    }

    var switchboardError: SwitchboardError {
        switch self {
        case .unreachable, .closed, .notAMI: .pbxUnreachable
        case .timeout: .pbxTimeout
        case .authenticationFailed: .pbxAuthenticationFailed
        case .originateFailed(let message): .pbxFailed(message)
        }
    }
}

/// One AMI message: `Key: Value` lines ended by an empty line, keys in order.
struct AMIMessage: Equatable, Sendable {
    var fields: [(String, String)]

    static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.fields.elementsEqual(rhs.fields) { $0 == $1 }
    }

    static func action(_ name: String, _ fields: [(String, String)]) -> Self {
        AMIMessage(fields: [("Action", name)] + fields)
    }

    subscript(key: String) -> String? {
        fields.first { $0.0.caseInsensitiveCompare(key) == .orderedSame }?.1
    }

    /// The wire form. Line breaks inside values would start a new header, so they are dropped.
    var text: String {
        fields.map { key, value in
            "\(key): \(String(String.UnicodeScalarView(value.unicodeScalars.filter { $0 != "\r" && $0 != "\n" })))\r\n"
        }.joined() + "\r\n"
    }

    var buffer: ByteBuffer { ByteBuffer(string: text) }

    init(fields: [(String, String)]) { self.fields = fields }

    /// Parses one message's lines (without the final empty line).
    init(lines: [Substring]) {
        fields = lines.compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            let value = line[line.index(after: colon)...].drop { $0 == " " }
            return (String(line[..<colon]), String(value))
        }
    }
}

/// Splits Asterisk's byte stream into the banner line and messages.
struct AMIReader: @unchecked Sendable {
    private var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private var pending = ""

    init(_ iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator) {
        self.iterator = iterator
    }

    /// The next line, without its line break.
    mutating func line() async throws -> String {
        while true {
            if let end = pending.range(of: "\r\n") ?? pending.range(of: "\n") {
                let line = String(pending[..<end.lowerBound])
                pending.removeSubrange(..<end.upperBound)
                return line
            }
            try await fill()
        }
    }

    /// The next message (lines up to an empty one); blank lines between messages are skipped.
    mutating func message() async throws -> AMIMessage {
        var lines: [Substring] = []
        while true {
            let line = try await self.line()
            if line.isEmpty {
                if lines.isEmpty { continue }
                return AMIMessage(lines: lines)
            }
            lines.append(Substring(line))
        }
    }

    /// The `Response` carrying `actionID`; events in between are skipped.
    mutating func response(to actionID: String) async throws -> AMIMessage {
        while true {
            let message = try await message()
            if message["Response"] != nil, message["Event"] == nil, message["ActionID"] == actionID {
                return message
            }
        }
    }

    private mutating func fill() async throws {
        guard var buffer = try await iterator.next() else { throw AMIFailure.closed }
        pending += buffer.readString(length: buffer.readableBytes) ?? ""
    }
}

/// Runs `body`, giving up with `AMIFailure.timeout` after `limit`.
func withTimeout<T: Sendable>(_ limit: TimeAmount, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(nanoseconds: UInt64(max(0, limit.nanoseconds)))
            throw AMIFailure.timeout
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}

extension AppConfig.Asterisk {
    var settings: AsteriskConnector.Settings {
        AsteriskConnector.Settings(
            host: host, port: port, username: username, secret: secret, channelTemplate: channelTemplate,
            context: context, timeout: .milliseconds(Int64(timeoutMilliseconds)),
            failureWindow: .milliseconds(Int64(failureWindowMilliseconds)))
    }
}

/// The task's value, or nil once `limit` has passed; the task goes on either way.
private func first<T: Sendable>(of task: Task<T, any Error>, orNilAfter limit: TimeAmount) async throws -> T? {
    let once = ResumeOnce<T?>()
    return try await withCheckedThrowingContinuation { continuation in
        once.set(continuation)
        Task { once.resume(with: await task.result.map { Optional($0) }) }
        Task {
            try? await Task.sleep(nanoseconds: UInt64(max(0, limit.nanoseconds)))
            once.resume(with: .success(nil))
        }
    }
}

private final class ResumeOnce<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, any Error>?

    func set(_ continuation: CheckedContinuation<T, any Error>) {
        lock.withLock { self.continuation = continuation }
    }

    func resume(with result: Result<T, any Error>) {
        let waiting = lock.withLock {
            defer { continuation = nil }
            return continuation
        }
        waiting?.resume(with: result)
    }
}
