import Prometheus
import SwitchboardCore
import Vapor

extension Application {
    private struct ConfigKey: StorageKey { typealias Value = AppConfig }
    private struct LocalizationKey: StorageKey { typealias Value = Localization }
    private struct MetricsKey: StorageKey { typealias Value = PrometheusCollectorRegistry }
    private struct DecoyKey: StorageKey { typealias Value = String }

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

    var signInDecoyDigest: String {
        get { storage[DecoyKey.self]! }
        set { storage[DecoyKey.self] = newValue }
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
    var callService: CallService { CallService(db: db, pbx: application.pbx) }
}

extension Request {
    var contactService: ContactService { ContactService(db: db) }
    var contactGroupService: ContactGroupService { ContactGroupService(db: db) }
    var contactImportService: ContactImportService {
        ContactImportService(db: db, photoRules: application.config.photoRules)
    }
    var contactExportService: ContactExportService { ContactExportService(db: db) }
    var groupDirectoryService: GroupDirectoryService {
        GroupDirectoryService(db: db, hasher: passwordHasher, decoyDigest: application.signInDecoyDigest)
    }
}
