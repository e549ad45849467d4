import Fluent
import Prometheus
import SwitchboardCore
import Vapor

extension Application {
    private struct ConfigKey: StorageKey { typealias Value = AppConfig }
    private struct LocalizationKey: StorageKey { typealias Value = Localization }
    private struct MetricsKey: StorageKey { typealias Value = PrometheusCollectorRegistry }
    private struct DecoyKey: StorageKey { typealias Value = String }
    private struct PasswordHashingKey: StorageKey { typealias Value = PasswordHashing }
    private struct FixedRoutesKey: StorageKey { typealias Value = [String: Set<String>] }
    private struct TwoFactorPolicyCacheKey: StorageKey { typealias Value = TwoFactorPolicyCache }

    /// Set once by `configure`.
    var twoFactorPolicyCache: TwoFactorPolicyCache {
        get { storage[TwoFactorPolicyCacheKey.self]! }
        set { storage[TwoFactorPolicyCacheKey.self] = newValue }
    }

    /// The methods of each route without parameters, by path (`RequestLineMiddleware`); set by `configure`.
    var fixedRoutes: [String: Set<String>] {
        get { storage[FixedRoutesKey.self] ?? [:] }
        set { storage[FixedRoutesKey.self] = newValue }
    }

    /// Set once by `configure`.
    var passwordHashing: PasswordHashing {
        get { storage[PasswordHashingKey.self]! }
        set { storage[PasswordHashingKey.self] = newValue }
    }
    private struct LinkedSyncKey: StorageKey { typealias Value = LinkedSyncRegistry }

    /// Set once by `configure`.
    var config: AppConfig {
        get { storage[ConfigKey.self]! }
        set { storage[ConfigKey.self] = newValue }
    }

    var localization: Localization {
        get { storage[LocalizationKey.self]! }
        set { storage[LocalizationKey.self] = newValue }
    }

    /// One registry per application (not the process-wide `MetricsSystem`, which can be bootstrapped
    /// only once and would break tests that configure many applications).
    var metrics: PrometheusCollectorRegistry {
        get { storage[MetricsKey.self]! }
        set { storage[MetricsKey.self] = newValue }
    }

    private struct PBXTokenCacheKey: StorageKey { typealias Value = PBXTokenCache }

    /// Set once by `configure`.
    var pbxTokenCache: PBXTokenCache {
        get { storage[PBXTokenCacheKey.self]! }
        set { storage[PBXTokenCacheKey.self] = newValue }
    }

    private struct CallRoutingKey: StorageKey { typealias Value = CallRoutingCache }

    /// The users' extensions and forwarding rules the PBX's questions read. Set once by `configure`.
    var callRouting: CallRoutingCache {
        get { storage[CallRoutingKey.self]! }
        set { storage[CallRoutingKey.self] = newValue }
    }

    private struct SQLiteFileKey: StorageKey { typealias Value = String }

    /// The SQLite database file, which the readers of many rows open read-only; `nil` on PostgreSQL and in memory.
    var sqliteFile: String? {
        get { storage[SQLiteFileKey.self] }
        set { storage[SQLiteFileKey.self] = newValue }
    }

    /// Where an import's transaction runs: on an SQLite file, a connection of a pool of its own
    /// (`DatabaseID.sqliteImports`); elsewhere `nil`, and the import uses the request's database.
    func importDatabase(logger: Logger, on eventLoop: any EventLoop) -> (any Database)? {
        sqliteFile == nil ? nil : databases.database(.sqliteImports, logger: logger, on: eventLoop)
    }

    private struct NumberKeysKey: StorageKey { typealias Value = NumberKeyReader }

    /// Caller-ID lookups' direct reader of the SQLite file; `nil` on PostgreSQL and in memory.
    var numberKeys: NumberKeyReader? {
        get { storage[NumberKeysKey.self] }
        set { storage[NumberKeysKey.self] = newValue }
    }

    private struct DirectoryCredentialsKey: StorageKey { typealias Value = PBXTokenCache }
    private struct LDAPAnswersKey: StorageKey { typealias Value = LDAPAnswerCache }

    /// The LDAP directory's search answers kept until a contact changes (`SWITCHBOARD_LDAP_CACHE_MB`); `nil` when
    /// none are kept. Set once by `configure`.
    var ldapAnswers: LDAPAnswerCache? {
        get { storage[LDAPAnswersKey.self] }
        set { storage[LDAPAnswersKey.self] = newValue }
    }

    /// Desk-phone directory credentials verified lately (digests that include the password hash,
    /// so a new password or unpublishing ends them): a phone searching as its user types pays the
    /// password hash once a minute, not at every keystroke. Set once by `configure`.
    var directoryCredentials: PBXTokenCache {
        get { storage[DirectoryCredentialsKey.self]! }
        set { storage[DirectoryCredentialsKey.self] = newValue }
    }

    var signInDecoyDigest: String {
        get { storage[DecoyKey.self]! }
        set { storage[DecoyKey.self] = newValue }
    }

    /// Set once by `configure`.
    var linkedSyncRegistry: LinkedSyncRegistry {
        get { storage[LinkedSyncKey.self]! }
        set { storage[LinkedSyncKey.self] = newValue }
    }

    func linkedSourceService(on db: any Database) -> LinkedSourceService {
        LinkedSourceService(
            db: db, eventLoopGroup: eventLoopGroup, secretKey: config.secretKey, photoRules: config.photoRules,
            registry: linkedSyncRegistry, timeout: config.carddavTimeoutSeconds,
            allowPrivateAddresses: config.carddavAllowPrivate)
    }

    var loginThrottle: LoginThrottle {
        LoginThrottle(
            maxFailuresPerAccount: config.throttle.maxFailuresPerAccount,
            maxFailuresPerAddress: config.throttle.maxFailuresPerAddress,
            window: TimeInterval(config.throttle.windowSeconds))
    }
}

extension Request {
    var signInService: SignInService {
        SignInService(
            db: db, hasher: passwordHasher, throttle: application.loginThrottle,
            decoyDigest: application.signInDecoyDigest)
    }

    var userService: UserService { UserService(db: db, hasher: passwordHasher) }
    var tokenService: TokenService { TokenService(db: db) }
    var auditService: AuditService { AuditService(db: db) }
    var profileService: ProfileService { ProfileService(db: db, photoRules: application.config.photoRules) }
    var forwardingService: ForwardingService { ForwardingService(db: db) }
    var callService: CallService {
        CallService(db: db, pbx: application.pbx, dialPlan: application.config.pbx.dialPlan)
    }
    var pbxService: PBXService {
        PBXService(
            db: self.db, settings: application.config.pbx, ringSeconds: application.config.ringSeconds,
            routing: application.callRouting, numberKeys: application.numberKeys)
    }
    var pbxTokenService: PBXTokenService { PBXTokenService(db: db, cache: application.pbxTokenCache) }
}

extension Request {
    var contactService: ContactService { ContactService(db: db) }
    var twoFactorService: TwoFactorService { TwoFactorService(db: db) }
    var contactGroupService: ContactGroupService {
        ContactGroupService(db: db, maximumLinkedGroups: application.config.maximumLinkedGroups)
    }
    var linkedSourceService: LinkedSourceService { application.linkedSourceService(on: db) }
    var contactImportService: ContactImportService {
        ContactImportService(
            db: db, photoRules: application.config.photoRules,
            importDB: application.importDatabase(logger: logger, on: eventLoop))
    }
    var contactExportService: ContactExportService {
        ContactExportService(db: db, sqliteFile: application.sqliteFile)
    }
    var csvImportService: CSVImportService {
        CSVImportService(db: db, importDB: application.importDatabase(logger: logger, on: eventLoop))
    }
    var csvExportService: CSVExportService { CSVExportService(db: db, sqliteFile: application.sqliteFile) }
    var groupDirectoryService: GroupDirectoryService {
        GroupDirectoryService(
            db: db, hasher: passwordHasher, decoyDigest: application.signInDecoyDigest,
            verified: application.directoryCredentials, dialPlan: application.config.pbx.dialPlan)
    }
}

extension DatabaseID {
    /// A second pool on the SQLite file, for imports. Fluent's SQLite driver keeps one connection per event loop, and
    /// a 100 000-row import holds its connection for the whole transaction: requests served by the same loop waited
    /// for it, and failed after the pool's 10 s (a health check answered "database unreachable" during an import).
    /// With its own connection the import leaves theirs free; thanks to the write-ahead log they read meanwhile, and
    /// a write waits for the import's commit as it would anyway (SQLite has one writer).
    static let sqliteImports = DatabaseID(string: "sqlite-imports")
}
