import Foundation
import SwitchboardCore

/// Everything Switchboard reads from its environment, read once at start-up.
/// Bad values fail loudly, naming every variable at fault.
public struct AppConfig: Sendable {
    public enum Database: Sendable, Equatable {
        case sqliteFile(String)
        case sqliteMemory
        case postgres(String)
    }

    public var host: String
    public var port: Int
    public var database: Database
    /// Password of the first `admin` account; generated and printed once when absent.
    public var adminPassword: String?
    /// Adds `Secure` to the session cookie; turn on behind TLS.
    public var secureCookies: Bool
    public var autoMigrate: Bool
    public var bcryptCost: Int
    public var throttle: LoginThrottleSettings
    /// How long one ring lasts, to turn "ring 4 times" into seconds for the PBX.
    public var ringSeconds: Int = 5
    public var photoRules = PhotoRules()
    /// The largest file an import accepts (vCard), in bytes.
    public var importMaximumBytes = 20 * 1_000_000
    /// Seals the secrets of linked address books (`SWITCHBOARD_SECRET_KEY`); without it they cannot be saved.
    public var secretKey: String?
    /// How many linked contact groups an installation may have.
    public var maximumLinkedGroups = 5
    /// Synchronises linked groups in the background at their interval (`serve` only; off in tests).
    public var scheduledSync = false

    public struct LoginThrottleSettings: Sendable {
        public var maxFailuresPerAccount = 5
        public var maxFailuresPerAddress = 20
        public var windowSeconds = 15 * 60

        public init() {}
    }

    public struct Invalid: Error, CustomStringConvertible {
        public let problems: [String]
        public var description: String {
            "Invalid configuration:\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
        }
    }

    public init(
        host: String = "127.0.0.1", port: Int = 8080, database: Database = .sqliteFile("data/switchboard.sqlite"),
        adminPassword: String? = nil, secureCookies: Bool = false, autoMigrate: Bool = true, bcryptCost: Int = 12,
        throttle: LoginThrottleSettings = .init()
    ) {
        self.host = host
        self.port = port
        self.database = database
        self.adminPassword = adminPassword
        self.secureCookies = secureCookies
        self.autoMigrate = autoMigrate
        self.bcryptCost = bcryptCost
        self.throttle = throttle
    }

    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> Self {
        var reader = EnvironmentReader(env: env)
        var config = AppConfig()
        config.host = reader.string("HOST") ?? config.host
        config.port = reader.int("PORT", in: 1...65535) ?? config.port
        if let url = reader.string("DATABASE_URL") {
            if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
                config.database = .postgres(url)
            } else if url == "sqlite::memory:" {
                config.database = .sqliteMemory
            } else if url.hasPrefix("sqlite://") {
                config.database = .sqliteFile(String(url.dropFirst("sqlite://".count)))
            } else {
                reader.problems.append("DATABASE_URL must start with postgres:// or sqlite://, got \"\(url)\"")
            }
        }
        if let password = reader.string("SWITCHBOARD_ADMIN_PASSWORD") {
            if password.count < AccountRules.minimumPasswordLength {
                reader.problems.append(
                    "SWITCHBOARD_ADMIN_PASSWORD must have at least \(AccountRules.minimumPasswordLength) characters")
            }
            config.adminPassword = password
        }
        config.secureCookies = reader.bool("SWITCHBOARD_SECURE_COOKIES") ?? config.secureCookies
        config.autoMigrate = reader.bool("SWITCHBOARD_AUTO_MIGRATE") ?? config.autoMigrate
        config.bcryptCost = reader.int("SWITCHBOARD_BCRYPT_COST", in: 4...31) ?? config.bcryptCost
        config.throttle.maxFailuresPerAccount =
            reader.int("SWITCHBOARD_LOGIN_MAX_FAILURES", in: 1...1000) ?? config.throttle.maxFailuresPerAccount
        config.throttle.maxFailuresPerAddress =
            reader.int("SWITCHBOARD_LOGIN_MAX_FAILURES_PER_ADDRESS", in: 1...10000)
            ?? config.throttle.maxFailuresPerAddress
        config.ringSeconds = reader.int("SWITCHBOARD_RING_SECONDS", in: 1...30) ?? config.ringSeconds
        if let kilobytes = reader.int("SWITCHBOARD_PHOTO_MAX_KB", in: 10...20_000) {
            config.photoRules.maximumBytes = kilobytes * 1000
        }
        if let megabytes = reader.int("SWITCHBOARD_IMPORT_MAX_MB", in: 1...1000) {
            config.importMaximumBytes = megabytes * 1_000_000
        }
        if let key = reader.string("SWITCHBOARD_SECRET_KEY") {
            if key.count < 16 { reader.problems.append("SWITCHBOARD_SECRET_KEY must have at least 16 characters") }
            config.secretKey = key
        }
        config.maximumLinkedGroups =
            reader.int("SWITCHBOARD_MAX_LINKED_GROUPS", in: 0...1000) ?? config.maximumLinkedGroups
        config.scheduledSync = reader.bool("SWITCHBOARD_SCHEDULED_SYNC") ?? true
        if !reader.problems.isEmpty { throw Invalid(problems: reader.problems) }
        return config
    }
}

private struct EnvironmentReader {
    let env: [String: String]
    var problems: [String] = []

    func string(_ name: String) -> String? {
        guard let value = env[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        return value
    }

    mutating func int(_ name: String, in range: ClosedRange<Int>) -> Int? {
        guard let raw = string(name) else { return nil }
        guard let value = Int(raw), range.contains(value) else {
            problems.append(
                "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound), got \"\(raw)\"")
            return nil
        }
        return value
    }

    mutating func bool(_ name: String) -> Bool? {
        guard let raw = string(name)?.lowercased() else { return nil }
        switch raw {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default:
            problems.append("\(name) must be true or false, got \"\(raw)\"")
            return nil
        }
    }
}
