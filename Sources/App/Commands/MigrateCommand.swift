import Fluent
import SQLKit
import Vapor

/// `switchboard migrate`: Fluent's command (prepare, `--revert`, with its confirmation; `--yes` answers it), plus
/// `--dry-run`, which lists what would run and changes nothing, and the first administrator made once the schema is
/// there (with `SWITCHBOARD_AUTO_MIGRATE=false`, as when several instances share a database, nothing else makes it).
struct MigrateCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Flag(name: "revert", help: "Undo the last batch of migrations")
        var revert: Bool
        @Flag(name: "dry-run", help: "List the migrations that would run, and change nothing")
        var dryRun: Bool
    }

    var help: String { "Migrate the database (--dry-run: list what would run; --revert: undo the last batch)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let migrator = context.application.migrator
        let pending: [(any Migration, DatabaseID?)]
        if signature.dryRun, !signature.revert, try await !Self.hasMigrationTable(context.application.db) {
            // A database never migrated: everything would run (and a dry run does not create Fluent's table).
            pending = SwitchboardMigrations.numbered.map { ($0.migration, nil) }
        } else {
            try await migrator.setupIfNeeded().get()
            pending =
                signature.revert
                ? try await migrator.previewRevertLastBatch().get() : try await migrator.previewPrepareBatch().get()
        }
        let numbers = Dictionary(
            SwitchboardMigrations.numbered.map { ($0.migration.name, $0.number) },
            uniquingKeysWith: { first, _ in first })
        guard !pending.isEmpty else {
            context.console.print(signature.revert ? "No migrations to revert." : "The database is up to date.")
            if !signature.revert, !signature.dryRun { _ = try await FirstAdmin.ensure(on: context.application) }
            return
        }
        context.console.print(
            signature.revert ? "These migrations would be reverted:" : "These migrations would run, in this order:")
        for (migration, _) in pending {
            let number = numbers[migration.name].map { String(format: "%3d", $0) } ?? "  ?"
            context.console.print("  \(number)  \(migration.name.replacingOccurrences(of: "App.", with: ""))")
        }
        if signature.dryRun { return }
        guard context.console.confirm("Continue?") else {
            context.console.warning("Nothing was changed.")
            return
        }
        if signature.revert {
            try await migrator.revertLastBatch().get()
        } else {
            try await migrator.prepareBatch().get()
            _ = try await FirstAdmin.ensure(on: context.application)
        }
        context.console.print("Done.")
    }

    /// Whether Fluent's record of the migrations run exists.
    static func hasMigrationTable(_ db: any Database) async throws -> Bool {
        let sql = db as! any SQLDatabase
        let query: SQLQueryString =
            sql.dialect.name == "sqlite"
            ? "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = '_fluent_migrations'"
            : "SELECT count(*) AS n FROM pg_tables WHERE tablename = '_fluent_migrations' AND schemaname = current_schema()"
        return try await sql.raw(query).first()?.decode(column: "n", as: Int.self) ?? 0 > 0
    }
}
