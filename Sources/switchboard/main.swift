import App
import Logging
import NIOCore
import NIOPosix
import Vapor

#if canImport(Glibc)
    import Glibc
#endif

// The entry point only makes the app, configures it, runs the command and shuts down.
// Async code runs on the server's event loops (EventLoopExecutor.swift), installed before any task starts.
_ = EventLoopExecutor.install()
var env = try Environment.detect()
// A product, not a framework demo: production (templates parsed once) unless `--env development`
// is asked for, which re-reads templates on every page while editing them.
if !CommandLine.arguments.contains(where: { $0 == "--env" || $0 == "-e" || $0.hasPrefix("--env=") }) {
    env = Environment(name: Environment.production.name, arguments: env.arguments)
}
// Vapor's production default would be `notice`; the documented default is `info`.
setenv("LOG_LEVEL", "info", 0)
// Every log line passes through the redaction of secrets in URLs.
try LoggingSystem.bootstrap(from: &env) { level in
    let console = Terminal()
    return { label in RedactingLogHandler(ConsoleLogger(label: label, console: console, level: level)) }
}
if await !EventLoopExecutor.runsOnEventLoops() {
    Logger(label: "switchboard").error("\(EventLoopExecutor.notInstalledMessage)")
}
// Backup and restore work on the database file or server alone: no application, no migration, no open pool.
if let status = await BackupCommand.runIfAsked(CommandLine.arguments) { exit(status) }
let app = try await Application.make(env)
var failed = false
do {
    try await configure(app, config: AppConfig.fromEnvironment())
    try await app.execute()
} catch {
    // A refusal or a bad configuration is explained, not crashed on.
    FileHandle.standardError.write(Data("switchboard: \(error)\n".utf8))
    failed = true
}
try await app.asyncShutdown()
if failed { exit(1) }
