import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Leaf
import OpenAPIVapor
import Prometheus
import SwitchboardCore
import Vapor

/// The composition root: database, migrations, sessions, views, middleware, commands, routes.
public func configure(_ app: Application, config: AppConfig) async throws {
    app.config = config
    app.http.server.configuration.hostname = config.host
    app.http.server.configuration.port = config.port
    app.routes.defaultMaxBodySize = "1mb"

    try configureDatabase(app, config.database)
    SwitchboardMigrations.add(to: app.migrations)

    app.passwords.use(.bcrypt(cost: config.bcryptCost))
    app.passwordHashing = PasswordHashing(hasher: app.password.sync)
    app.lifecycle.use(PasswordHashingShutdown(hashing: app.passwordHashing))
    app.signInDecoyDigest = try Bcrypt.hash(TokenService.randomURLSafe(bytes: 16), cost: config.bcryptCost)

    app.localization = try Localization(
        directory: URL(fileURLWithPath: app.directory.resourcesDirectory).appendingPathComponent("Localization"))
    app.views.use(.leaf)
    app.leaf.tags["t"] = TranslateTag(localization: app.localization)
    app.metrics = PrometheusCollectorRegistry()
    app.pbx = try makePBXConnector(config, app: app)
    app.pbxTokenCache = PBXTokenCache()
    app.callRouting = CallRoutingCache()
    app.twoFactorPolicyCache = TwoFactorPolicyCache()
    app.databases.middleware.use(CallRoutingCache.Invalidation<UserModel>(cache: app.callRouting))
    app.databases.middleware.use(CallRoutingCache.Invalidation<ForwardingRuleModel>(cache: app.callRouting))
    app.directoryCredentials = PBXTokenCache(lifetime: 60)
    if config.ldap.answerCacheMegabytes > 0 {
        app.ldapAnswers = LDAPAnswerCache(budget: config.ldap.answerCacheMegabytes << 20)
    }
    app.linkedSyncRegistry = LinkedSyncRegistry()
    app.lifecycle.use(LinkedSyncDrain(registry: app.linkedSyncRegistry))
    if config.scheduledSync || config.auditRetentionDays != nil {
        app.lifecycle.use(Scheduler(syncLinkedGroups: config.scheduledSync))
    }
    if config.ldap.port != nil || config.ldap.tlsPort != nil { app.lifecycle.use(LDAPServer()) }

    let stored = ExpiringSessions(lifetime: config.sessionLifetime)
    app.sessions.use { _ in ChangedSessionsOnly(base: stored) }
    app.sessions.configuration.cookieName = "switchboard_session"
    app.sessions.configuration.cookieFactory = { id in
        HTTPCookies.Value(
            string: id.string, maxAge: Int(config.sessionLifetime), path: "/", isSecure: config.secureCookies,
            isHTTPOnly: true,
            sameSite: .lax)
    }

    // Outermost first. Static files are served before any session or database work.
    app.middleware = Middlewares()
    app.middleware.use(ClientOriginMiddleware(trusted: config.trustedProxies, alwaysHTTPS: config.secureCookies))
    app.middleware.use(RouteLoggingMiddleware(logLevel: .info))
    app.middleware.use(MetricsMiddleware(registry: app.metrics))
    app.middleware.use(SecurityHeadersMiddleware())
    app.middleware.use(ErrorPagesMiddleware())
    app.middleware.use(ResponseHeaderGuardMiddleware())
    app.middleware.use(RequestLineMiddleware())
    app.middleware.use(PublicFilesMiddleware(publicDirectory: app.directory.publicDirectory))
    app.middleware.use(app.sessions.middleware)
    app.middleware.use(SessionAuthenticator())

    app.asyncCommands.use(UserCommand(), as: "user")
    app.asyncCommands.use(ContactGroupsCommand(), as: "contact-groups")
    app.asyncCommands.use(DevCommand(), as: "dev")
    app.asyncCommands.use(PBXTokenCommand(), as: "pbx-token")
    app.asyncCommands.use(ContactsCommand(), as: "contacts")
    app.asyncCommands.use(MigrateCommand(), as: "migrate")

    try routes(app)
    app.fixedRoutes = RequestLineMiddleware.fixedRoutes(of: app.routes)

    // `migrate` decides itself what runs (and `--dry-run` must change nothing).
    if config.autoMigrate, app.environment.arguments.dropFirst().first != "migrate" {
        // Two instances started at once on one PostgreSQL database: one migrates, the other waits, then finds nothing
        // left to do (and the first account made).
        try await app.db.oneAtATime("migrations") {
            try await app.autoMigrate()
            _ = try await FirstAdmin.ensure(on: app)
        }
    }
}

private func configureDatabase(_ app: Application, _ database: AppConfig.Database) throws {
    switch database {
    case .sqliteMemory:
        app.databases.use(.sqlite(.memory), as: .sqlite)
    case .sqliteFile(let path):
        // SQLite's calls run on the blocking pool, and a connection waiting for the write lock keeps its thread
        // until the lock is free (SQLiteNIO's busy handler retries without end). Up to one writer per event loop for
        // requests and as many imports (`DatabaseID.sqliteImports`) may wait so: NIO's default pool of one thread
        // per core could leave the transaction holding the lock without a thread, and everything would wait for ever.
        // Set before the first use of `databases`, which keeps the pool it was made with.
        app.threadPool = NIOThreadPool(numberOfThreads: 2 * NIOSingletons.groupLoopCountSuggestion + 2)
        let url = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: app.directory.workingDirectory))
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        app.databases.use(.sqlite(.file(url.path)), as: .sqlite)
        app.databases.use(.sqlite(.file(url.path)), as: .sqliteImports, isDefault: false)
        // Write-ahead log: a commit is one append (not a journal round trip), and readers —
        // pages, console commands — never wait for a writer.
        app.lifecycle.use(SQLiteWriteAheadLog())
        app.numberKeys = NumberKeyReader(path: url.path)
        app.sqliteFile = url.path
    case .postgres(let url):
        app.databases.use(
            try .postgres(url: url, maxConnectionsPerEventLoop: app.config.databaseConnectionsPerLoop), as: .psql)
    }
}

func routes(_ app: Application) throws {
    try app.register(collection: OperationsController())
    try app.register(collection: DirectoryController())
    try app.grouped(CSRF.Middleware()).register(collection: SignInController())

    let signedIn = app.grouped(CSRF.Middleware(), SignedInMiddleware())
    try signedIn.register(collection: ContactsListController())
    try signedIn.register(collection: ContactController())
    try signedIn.register(collection: ContactInterchangeController())
    try signedIn.register(collection: ContactGroupsController())
    try signedIn.register(collection: LinkedSourceController())
    try signedIn.register(collection: SettingsController())
    try signedIn.register(collection: DialpadController())
    try signedIn.register(collection: UsersController())
    try signedIn.register(collection: AuditController())
    try signedIn.register(collection: PBXTokensController())
    try signedIn.register(collection: TwoFactorController())

    // Imports are larger than any other form: their body is read up to the import limit before the CSRF check.
    let importLimit = app.config.importMaximumBytes
    let uploads = app.grouped(
        SignedInMiddleware(),
        UploadLimitMiddleware(
            maximumBytes: importLimit + ContactImportController.formOverheadBytes,
            error: .importTooLarge(maximumBytes: importLimit), page: Paths.contactsImport.path),
        CSRF.Middleware())
    try uploads.register(collection: ContactImportController(maximumFileBytes: importLimit))
    let csvUploads = app.grouped(
        SignedInMiddleware(),
        UploadLimitMiddleware(
            maximumBytes: importLimit + ContactImportController.formOverheadBytes,
            error: .importTooLarge(maximumBytes: importLimit), page: Paths.contactsImportCSV.path),
        CSRF.Middleware())
    try csvUploads.register(collection: CSVImportController(maximumFileBytes: importLimit))
    try signedIn.register(collection: CSVImportController.Preview())
    try signedIn.register(collection: CSVExportController())

    let api = app.grouped(
        APITokenAuthenticator(), APIBodyLimitMiddleware(config: app.config),
        APINullPropertyMiddleware(document: try APIDocument.text()), APIRequestContext.Middleware())
    try APIHandler().registerHandlers(
        on: PBXCallTimeRoutes.Transport(base: VaporTransport(routesBuilder: api)), serverURL: URL(string: "/")!)
    try app.grouped(APITokenAuthenticator()).register(collection: PBXCallTimeRoutes())
}

/// Web pages behind sign-in: anonymous visitors are sent to the sign-in page, and a user whose role must use
/// two-factor sign-in but has none set up is sent to set it up (only that page and signing out are open to them).
struct SignedInMiddleware: AsyncMiddleware {
    static let openWithoutSecondFactor: Set<String> = [
        Paths.settingsTwoFactor.path, Paths.settingsTwoFactorStart.path, Paths.settingsTwoFactorConfirm.path,
        Paths.signOut.path,
    ]

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let user = request.currentUser else { throw SwitchboardError.notSignedIn }
        if !Self.openWithoutSecondFactor.contains(request.url.path),
            try await request.application.twoFactorPolicyCache.policy(on: request.db).requires(user.role),
            try await !request.twoFactorService.isEnabled(for: user.requireID())
        {
            if request.method == .GET { LayoutContext.Flash.put("info", "two_factor.required", on: request) }
            return request.redirect(to: Paths.settingsTwoFactor.path)
        }
        return try await next.respond(to: request)
    }
}

/// Turns on SQLite's write-ahead log once the database is up (it then stays on for the file).
private struct SQLiteWriteAheadLog: LifecycleHandler {
    func didBootAsync(_ application: Application) async throws {
        try await (application.db as! any SQLDatabase).raw("PRAGMA journal_mode=WAL").run()
    }
}
