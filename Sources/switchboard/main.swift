import App
import Logging
import Vapor

#if canImport(Glibc)
    import Glibc
#endif

// The entry point only makes the app, configures it, runs the command and shuts down.
var env = try Environment.detect()
try LoggingSystem.bootstrap(from: &env)
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
