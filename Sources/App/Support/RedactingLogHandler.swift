import Logging
import SwitchboardCore

/// Every log line of the process goes through `SecretRedaction` before the handler that writes it: no message, and
/// no metadata value, carries the user information of a URL (installed by the entry point for every logger).
public struct RedactingLogHandler: LogHandler {
    private var base: any LogHandler

    public init(_ base: any LogHandler) { self.base = base }

    public var logLevel: Logger.Level {
        get { base.logLevel }
        set { base.logLevel = newValue }
    }

    public var metadata: Logger.Metadata {
        get { base.metadata }
        set { base.metadata = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { base[metadataKey: key] }
        set { base[metadataKey: key] = newValue }
    }

    public func log(event: LogEvent) {
        var event = event
        event.message = "\(SecretRedaction.redacted(event.message.description))"
        event.metadata = event.metadata?.mapValues(Self.redacted)
        base.log(event: event)
    }

    static func redacted(_ value: Logger.Metadata.Value) -> Logger.Metadata.Value {
        switch value {
        case .string(let text): .string(SecretRedaction.redacted(text))
        case .stringConvertible(let value): .string(SecretRedaction.redacted(value.description))
        case .array(let values): .array(values.map(redacted))
        case .dictionary(let values): .dictionary(values.mapValues(redacted))
        }
    }
}
