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
    /// The reverse proxies whose `X-Forwarded-For` and `X-Forwarded-Proto` are believed
    /// (`SWITCHBOARD_TRUSTED_PROXIES`); none by default.
    public var trustedProxies = AddressRanges.none
    /// PostgreSQL connections per event loop (one loop per core; `SWITCHBOARD_DB_CONNECTIONS`, at least 2). Fluent's
    /// default of one left a two-core server two connections: a scheduled round holds one for its lock
    /// (`Database.exclusively`) while its own queries need another, and a slow query starved every other request.
    public var databaseConnectionsPerLoop = 4
    /// How long audit events are kept, in days (`SWITCHBOARD_AUDIT_RETENTION_DAYS`); `nil`: forever.
    public var auditRetentionDays: Int?
    public var autoMigrate: Bool
    public var bcryptCost: Int
    public var throttle: LoginThrottleSettings
    /// How long one ring lasts, to turn "ring 4 times" into seconds for the PBX.
    public var ringSeconds: Int = 5
    /// The office's time zone, in which pages show times (`SWITCHBOARD_TIME_ZONE`, an IANA name; default the
    /// machine's). A browser with JavaScript shows `<time>` elements in its own zone.
    public var timeZone = TimeZone.current
    public var photoRules = PhotoRules()
    /// The largest file an import accepts (vCard), in bytes.
    public var importMaximumBytes = 20 * 1_000_000
    /// How long a browser session lasts after its last use, on the server as in the cookie (`SWITCHBOARD_SESSION_HOURS`).
    public var sessionLifetime: TimeInterval = 12 * 3600
    /// The largest body of any other API request (`SWITCHBOARD_API_MAX_KB`), in bytes.
    public var apiMaximumBytes = 1_000_000
    /// The telephone system: which connector places calls, how numbers are dialled there.
    public var pbx = PBXSettings()

    /// `SWITCHBOARD_PBX` and the variables of the connectors and of the dial plan.
    public struct PBXSettings: Sendable {
        /// `log` (development default), `kamailio` or `asterisk`; checked by `makePBXConnector`.
        public var connector = "log"
        /// Kamailio's `jsonrpcs` endpoint (xhttp), e.g. `http://127.0.0.1:5060/RPC`.
        public var kamailioURL = "http://127.0.0.1:5060/RPC"
        /// The SIP domain of extensions and dialled numbers: `sip:201@<domain>`.
        public var sipDomain = "127.0.0.1"
        /// Optional outbound proxy for the bridge's first INVITE (`op` of `dlg.bridge_dlg`).
        public var kamailioOutboundProxy: String?
        /// How long a call request may wait for the PBX's answer.
        public var timeoutMilliseconds = 5000
        /// Where voicemail is reached; `{extension}` and `{domain}` are filled in.
        public var voicemailURIPattern = "sip:vm{extension}@{domain}"
        /// Country, trunk, international and outside-line prefixes.
        public var dialPlan = DialPlan()

        public init() {}
    }
    /// Seals the secrets of linked address books (`SWITCHBOARD_SECRET_KEY`); without it they cannot be saved.
    public var secretKey: String?
    /// How many linked contact groups an installation may have.
    public var maximumLinkedGroups = 5
    /// How long a CardDAV server (or OAuth token endpoint) may take to send the next part of an
    /// answer before the synchronisation gives up (`SWITCHBOARD_CARDDAV_TIMEOUT`, seconds): a server
    /// re-indexing a large book can be silent for a minute or more.
    public var carddavTimeoutSeconds = 120
    /// Lets linked groups reach loopback and private addresses (`SWITCHBOARD_CARDDAV_ALLOW_PRIVATE`): an on-site
    /// Nextcloud, a test server. Off, a URL into the server's own network is refused.
    public var carddavAllowPrivate = false
    /// Synchronises linked groups in the background at their interval (`serve` only; off in tests).
    public var scheduledSync = false
    /// The read-only LDAP directory for desk phones (`SWITCHBOARD_LDAP_*`): off without a port.
    public var ldap = LDAP()

    public struct LDAP: Sendable {
        /// `SWITCHBOARD_LDAP_PORT`: 1389 unprivileged, or 389/636 with a capability; `nil`: no LDAP.
        public var port: Int?
        /// `SWITCHBOARD_LDAP_HOST`: the address LDAP listens on, which desk phones must reach; `nil`: `HOST` (behind
        /// nginx the web server listens on 127.0.0.1, phones need the network's address).
        public var host: String?
        /// `SWITCHBOARD_LDAP_BASE_DN`: the entries' suffix, lower case (`dc=switchboard`).
        public var baseDN = "dc=switchboard"
        /// `SWITCHBOARD_LDAPS_PORT`: LDAP over TLS from the first byte (636 by convention), with the certificate.
        public var tlsPort: Int?
        /// `SWITCHBOARD_LDAP_TLS_CERT` / `_KEY` (PEM files): StartTLS on the LDAP port, and the LDAPS port.
        public var tlsCertificate: String?
        public var tlsKey: String?
        /// A connection silent this long is closed (`SWITCHBOARD_LDAP_IDLE_SECONDS`).
        public var idleSeconds = 120
        /// Connections open at once, beyond which new ones are closed at once.
        public var maximumConnections = 2_000
        /// `SWITCHBOARD_LDAP_CACHE_MB`: memory for search answers kept until a contact changes (`LDAPAnswerCache`);
        /// 0 keeps none.
        public var answerCacheMegabytes = 8
    }
    /// Asterisk Manager Interface settings, used when `pbx` is `.asterisk`.
    public var asterisk = Asterisk()

    /// `SWITCHBOARD_ASTERISK_*`: where the AMI listens, the manager account (manager.conf) and how
    /// a soft call is placed: the user's channel (`{extension}` replaced) into `context`.
    public struct Asterisk: Sendable {
        public var host = "127.0.0.1"
        public var port = 5038
        public var username = ""
        public var secret = ""
        public var channelTemplate = "PJSIP/{extension}"
        public var context = "from-internal"
        public var timeoutMilliseconds = 5000
        public var failureWindowMilliseconds = 1500

        public init() {}
    }

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
        if let proxies = reader.string("SWITCHBOARD_TRUSTED_PROXIES") {
            if let ranges = AddressRanges(proxies) {
                config.trustedProxies = ranges
            } else {
                reader.problems.append(
                    "SWITCHBOARD_TRUSTED_PROXIES must list addresses or ranges such as 127.0.0.1, 10.0.0.0/8, ::1, got \"\(proxies)\""
                )
            }
        }
        config.databaseConnectionsPerLoop =
            reader.int("SWITCHBOARD_DB_CONNECTIONS", in: 2...100) ?? config.databaseConnectionsPerLoop
        config.auditRetentionDays = reader.int("SWITCHBOARD_AUDIT_RETENTION_DAYS", in: 1...36_500)
        config.autoMigrate = reader.bool("SWITCHBOARD_AUTO_MIGRATE") ?? config.autoMigrate
        config.bcryptCost = reader.int("SWITCHBOARD_BCRYPT_COST", in: 4...31) ?? config.bcryptCost
        config.throttle.maxFailuresPerAccount =
            reader.int("SWITCHBOARD_LOGIN_MAX_FAILURES", in: 1...1000) ?? config.throttle.maxFailuresPerAccount
        config.throttle.maxFailuresPerAddress =
            reader.int("SWITCHBOARD_LOGIN_MAX_FAILURES_PER_ADDRESS", in: 1...10000)
            ?? config.throttle.maxFailuresPerAddress
        config.ringSeconds = reader.int("SWITCHBOARD_RING_SECONDS", in: 1...30) ?? config.ringSeconds
        if let name = reader.string("SWITCHBOARD_TIME_ZONE") {
            if let zone = TimeZone(identifier: name) {
                config.timeZone = zone
            } else {
                reader.problems.append(
                    "SWITCHBOARD_TIME_ZONE must be a time zone name such as Europe/Paris, got \"\(name)\"")
            }
        }
        if let kilobytes = reader.int("SWITCHBOARD_PHOTO_MAX_KB", in: 10...20_000) {
            config.photoRules.maximumBytes = kilobytes * 1000
        }
        if let megabytes = reader.int("SWITCHBOARD_IMPORT_MAX_MB", in: 1...1000) {
            config.importMaximumBytes = megabytes * 1_000_000
        }
        if let hours = reader.int("SWITCHBOARD_SESSION_HOURS", in: 1...720) {
            config.sessionLifetime = TimeInterval(hours * 3600)
        }
        if let kilobytes = reader.int("SWITCHBOARD_API_MAX_KB", in: 16...100_000) {
            config.apiMaximumBytes = kilobytes * 1000
        }
        config.ldap.port = reader.int("SWITCHBOARD_LDAP_PORT", in: 1...65535)
        config.ldap.host = reader.string("SWITCHBOARD_LDAP_HOST")
        if let base = reader.string("SWITCHBOARD_LDAP_BASE_DN") {
            if let dn = LDAPName(base) {
                config.ldap.baseDN = dn.normalized
            } else {
                reader.problems.append(
                    "SWITCHBOARD_LDAP_BASE_DN must be a DN such as dc=example,dc=com, got \"\(base)\"")
            }
        }
        config.ldap.tlsPort = reader.int("SWITCHBOARD_LDAPS_PORT", in: 1...65535)
        config.ldap.tlsCertificate = reader.string("SWITCHBOARD_LDAP_TLS_CERT")
        config.ldap.tlsKey = reader.string("SWITCHBOARD_LDAP_TLS_KEY")
        if (config.ldap.tlsCertificate == nil) != (config.ldap.tlsKey == nil) {
            reader.problems.append("SWITCHBOARD_LDAP_TLS_CERT and SWITCHBOARD_LDAP_TLS_KEY go together")
        }
        if config.ldap.tlsPort != nil, config.ldap.tlsCertificate == nil {
            reader.problems.append(
                "SWITCHBOARD_LDAPS_PORT needs SWITCHBOARD_LDAP_TLS_CERT and SWITCHBOARD_LDAP_TLS_KEY")
        }
        config.ldap.idleSeconds = reader.int("SWITCHBOARD_LDAP_IDLE_SECONDS", in: 1...86_400) ?? config.ldap.idleSeconds
        config.ldap.answerCacheMegabytes =
            reader.int("SWITCHBOARD_LDAP_CACHE_MB", in: 0...4_096) ?? config.ldap.answerCacheMegabytes
        config.pbx.connector = reader.string("SWITCHBOARD_PBX")?.lowercased() ?? config.pbx.connector
        if !["log", "kamailio", "asterisk"].contains(config.pbx.connector) {
            reader.problems.append("SWITCHBOARD_PBX must be log, kamailio or asterisk, got \"\(config.pbx.connector)\"")
        }
        config.pbx.kamailioURL = reader.string("SWITCHBOARD_KAMAILIO_URL") ?? config.pbx.kamailioURL
        if URL(string: config.pbx.kamailioURL)?.host == nil
            || !(config.pbx.kamailioURL.hasPrefix("http://") || config.pbx.kamailioURL.hasPrefix("https://"))
        {
            reader.problems.append(
                "SWITCHBOARD_KAMAILIO_URL must be an http:// or https:// URL, got \"\(config.pbx.kamailioURL)\"")
        }
        config.pbx.kamailioOutboundProxy = reader.string("SWITCHBOARD_KAMAILIO_OUTBOUND_PROXY")
        config.pbx.sipDomain = reader.string("SWITCHBOARD_SIP_DOMAIN") ?? config.pbx.sipDomain
        config.pbx.timeoutMilliseconds =
            reader.int("SWITCHBOARD_PBX_TIMEOUT_MS", in: 100...60_000) ?? config.pbx.timeoutMilliseconds
        if let pattern = reader.string("SWITCHBOARD_VOICEMAIL_URI") {
            if !pattern.contains("{extension}") {
                reader.problems.append("SWITCHBOARD_VOICEMAIL_URI must contain {extension}, got \"\(pattern)\"")
            }
            config.pbx.voicemailURIPattern = pattern
        }
        config.pbx.dialPlan.countryCode =
            reader.digits("SWITCHBOARD_COUNTRY_CODE", allowEmpty: false) ?? config.pbx.dialPlan.countryCode
        config.pbx.dialPlan.trunkPrefix = reader.digits("SWITCHBOARD_TRUNK_PREFIX") ?? config.pbx.dialPlan.trunkPrefix
        config.pbx.dialPlan.internationalPrefix =
            reader.digits("SWITCHBOARD_INTERNATIONAL_PREFIX", allowEmpty: false)
            ?? config.pbx.dialPlan.internationalPrefix
        config.pbx.dialPlan.outsideLinePrefix =
            reader.digits("SWITCHBOARD_OUTSIDE_LINE_PREFIX") ?? config.pbx.dialPlan.outsideLinePrefix
        if let key = reader.string("SWITCHBOARD_SECRET_KEY") {
            if key.count < 16 { reader.problems.append("SWITCHBOARD_SECRET_KEY must have at least 16 characters") }
            config.secretKey = key
        }
        config.maximumLinkedGroups =
            reader.int("SWITCHBOARD_MAX_LINKED_GROUPS", in: 0...1000) ?? config.maximumLinkedGroups
        config.scheduledSync = reader.bool("SWITCHBOARD_SCHEDULED_SYNC") ?? true
        config.carddavTimeoutSeconds =
            reader.int("SWITCHBOARD_CARDDAV_TIMEOUT", in: 1...3600) ?? config.carddavTimeoutSeconds
        config.carddavAllowPrivate = reader.bool("SWITCHBOARD_CARDDAV_ALLOW_PRIVATE") ?? config.carddavAllowPrivate
        readPBX(&reader, into: &config)
        if !reader.problems.isEmpty { throw Invalid(problems: reader.problems) }
        return config
    }
}

extension AppConfig {
    fileprivate static func readPBX(_ reader: inout EnvironmentReader, into config: inout AppConfig) {
        var asterisk = config.asterisk
        asterisk.host = reader.string("SWITCHBOARD_ASTERISK_HOST") ?? asterisk.host
        asterisk.port = reader.int("SWITCHBOARD_ASTERISK_PORT", in: 1...65535) ?? asterisk.port
        asterisk.username = reader.string("SWITCHBOARD_ASTERISK_USER") ?? asterisk.username
        asterisk.secret = reader.string("SWITCHBOARD_ASTERISK_SECRET") ?? asterisk.secret
        asterisk.channelTemplate = reader.string("SWITCHBOARD_ASTERISK_CHANNEL") ?? asterisk.channelTemplate
        asterisk.context = reader.string("SWITCHBOARD_ASTERISK_CONTEXT") ?? asterisk.context
        asterisk.timeoutMilliseconds =
            reader.int("SWITCHBOARD_ASTERISK_TIMEOUT_MS", in: 100...60_000) ?? asterisk.timeoutMilliseconds
        asterisk.failureWindowMilliseconds =
            reader.int("SWITCHBOARD_ASTERISK_FAILURE_WAIT_MS", in: 0...10_000) ?? asterisk.failureWindowMilliseconds
        if config.pbx.connector == "asterisk" {
            if asterisk.username.isEmpty || asterisk.secret.isEmpty {
                reader.problems.append(
                    "SWITCHBOARD_ASTERISK_USER and SWITCHBOARD_ASTERISK_SECRET are required with SWITCHBOARD_PBX=asterisk"
                )
            }
            if !asterisk.channelTemplate.contains("{extension}") {
                reader.problems.append(
                    "SWITCHBOARD_ASTERISK_CHANNEL must contain {extension}, got \"\(asterisk.channelTemplate)\"")
            }
        }
        config.asterisk = asterisk
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

    /// Digits only (a prefix or country code); `""` is a value when `allowEmpty` (no prefix).
    mutating func digits(_ name: String, allowEmpty: Bool = true) -> String? {
        guard let raw = env[name]?.trimmingCharacters(in: .whitespaces) else { return nil }
        if raw.isEmpty && allowEmpty { return "" }
        guard !raw.isEmpty, raw.count <= 6, raw.allSatisfy({ ("0"..."9").contains($0) }) else {
            problems.append("\(name) must be digits (at most 6)\(allowEmpty ? " or empty" : ""), got \"\(raw)\"")
            return nil
        }
        return raw
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
