import Foundation
import Logging
import NIOConcurrencyHelpers
import SQLiteNIO

#if canImport(Glibc)
    import Glibc
#endif

/// `switchboard backup FILE` and `switchboard restore FILE`: run before the application is made (no migration, no
/// first account, no open pool on the database being replaced).
///
/// SQLite: `VACUUM INTO` — SQLite's own consistent copy from one read transaction, taken while the server reads and
/// writes (the write-ahead log lets both go on); the copy is also compacted. SQLiteNIO does not expose the C backup
/// API (`sqlite3_backup_*`), and `VACUUM INTO` gives the same guarantee: the file is the database as of one instant.
/// PostgreSQL: `pg_dump --format=custom` and `pg_restore --single-transaction`, PostgreSQL's own tools (Debian
/// `postgresql-client`), with the connection's details passed in their environment, not on the command line.
public enum BackupCommand {
    /// The exit status when `arguments` ask for a backup or a restore, else `nil`.
    public static func runIfAsked(_ arguments: [String]) async -> Int32? {
        guard arguments.count >= 2, ["backup", "restore"].contains(arguments[1]) else { return nil }
        let command = arguments[1]
        guard arguments.count == 3, !arguments[2].hasPrefix("-") else {
            print(
                """
                Usage: switchboard \(command) FILE
                  backup FILE   copies the database named by DATABASE_URL into FILE (which must not exist), while the \
                server runs
                  restore FILE  copies a backup into the empty database named by DATABASE_URL
                """)
            return arguments.contains("--help") || arguments.contains("-h") ? 0 : 64
        }
        // A backup holds sessions, password hashes and two-factor secrets: only its owner may read it (and a restored
        // SQLite file likewise).
        umask(0o077)
        do {
            let config = try AppConfig.fromEnvironment()
            let file = URL(fileURLWithPath: arguments[2]).standardizedFileURL.path
            let message =
                command == "backup"
                ? try await backup(config.database, to: file) : try await restore(config.database, from: file)
            print(message)
            return 0
        } catch {
            FileHandle.standardError.write(Data("switchboard: \(error)\n".utf8))
            return 1
        }
    }

    static func backup(_ database: AppConfig.Database, to file: String) async throws -> String {
        guard !FileManager.default.fileExists(atPath: file) else {
            throw CommandFailure(description: "\(file) exists already: a backup never overwrites a file")
        }
        switch database {
        case .sqliteMemory:
            throw CommandFailure(description: "DATABASE_URL names an in-memory database: there is nothing to back up")
        case .sqliteFile(let path):
            guard FileManager.default.fileExists(atPath: path) else {
                throw CommandFailure(description: "No database at \(path) (DATABASE_URL)")
            }
            let connection = try await SQLiteConnection.open(storage: .file(path: path))
            do {
                _ = try await connection.query("VACUUM INTO ?", [.text(file)]).get()
                let contacts = try await count("contacts", on: connection)
                try await connection.close()
                return "Backed up \(path) to \(file) (\(contacts) contacts, \(size(of: file)))"
            } catch {
                try? await connection.close()
                throw error
            }
        case .postgres(let url):
            try run("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", "--file=\(file)"], url: url)
            return "Backed up the PostgreSQL database to \(file) (\(size(of: file)); pg_dump's custom format)"
        }
    }

    static func restore(_ database: AppConfig.Database, from file: String) async throws -> String {
        guard FileManager.default.fileExists(atPath: file) else {
            throw CommandFailure(description: "No backup at \(file)")
        }
        switch database {
        case .sqliteMemory:
            throw CommandFailure(description: "DATABASE_URL names an in-memory database: restore into a file")
        case .sqliteFile(let path):
            // The target: no file, or a database without a single table (a fresh, never-started one).
            if FileManager.default.fileExists(atPath: path) {
                let target = try await SQLiteConnection.open(storage: .file(path: path))
                let tables = try await count("sqlite_master", on: target)
                try await target.close()
                guard tables == 0 else {
                    throw CommandFailure(
                        description:
                            "\(path) (DATABASE_URL) is not empty: restore into a new file, then point DATABASE_URL at it"
                    )
                }
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            }
            let source = try await SQLiteConnection.open(storage: .file(path: file))
            do {
                let check = try await source.query("PRAGMA quick_check", []).get()
                guard check.first?.column("quick_check")?.string == "ok" else {
                    throw CommandFailure(description: "\(file) is damaged (PRAGMA quick_check failed)")
                }
                let contacts = try await count("contacts", on: source)
                do {
                    _ = try await source.query("VACUUM INTO ?", [.text(path)]).get()
                } catch let error as SQLiteError {
                    throw CommandFailure(description: "Could not write \(path): \(error.message)")
                }
                try await source.close()
                return
                    "Restored \(file) into \(path) (\(contacts) contacts). It is readable by this user only: if the "
                    + "service runs as another, give it the file (chown), then start the server"
            } catch let error as SQLiteError {
                try? await source.close()
                throw CommandFailure(description: "\(file) is not a Switchboard backup (\(error.message))")
            } catch {
                try? await source.close()
                throw error
            }
        case .postgres(let url):
            let tables = try output(
                "psql",
                [
                    "--tuples-only", "--no-align",
                    "--command=SELECT count(*) FROM pg_tables WHERE schemaname = 'public'",
                ],
                url: url
            ).trimmingCharacters(in: .whitespacesAndNewlines)
            guard tables == "0" else {
                throw CommandFailure(
                    description:
                        "The PostgreSQL database of DATABASE_URL is not empty (\(tables) tables): restore into a new, empty database"
                )
            }
            try run(
                "pg_restore", ["--exit-on-error", "--single-transaction", "--no-owner", "--no-privileges", file],
                url: url, database: true)
            return "Restored \(file) into the PostgreSQL database; start the server to use it"
        }
    }

    private static func count(_ table: String, on connection: SQLiteConnection) async throws -> Int {
        try await connection.query("SELECT count(*) AS n FROM \(table)", []).get().first?.column("n")?.integer ?? 0
    }

    private static func size(of file: String) -> String {
        let bytes = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
        return ByteCountFormatter.string(fromByteCount: Int64(bytes), countStyle: .file)
    }

    /// libpq's environment for `url` (the password never on a command line, where `ps` shows it), read as the server
    /// reads it (PostgresKit): user and password percent-decoded once, an IPv6 host without its brackets, the TLS
    /// mode under any of the names PostgresKit accepts.
    static func environment(for url: String) throws -> [String: String] {
        guard let parts = URLComponents(string: url), var host = parts.host, !host.isEmpty else {
            throw CommandFailure(description: "DATABASE_URL is not a PostgreSQL URL")
        }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        var environment = ProcessInfo.processInfo.environment
        environment["PGHOST"] = host
        environment["PGPORT"] = String(parts.port ?? 5432)
        // `URLComponents` gives them decoded already.
        if let user = parts.user { environment["PGUSER"] = user }
        if let password = parts.password { environment["PGPASSWORD"] = password }
        let name = String(parts.path.drop { $0 == "/" })
        if !name.isEmpty { environment["PGDATABASE"] = name.removingPercentEncoding ?? name }
        let tls = parts.queryItems?.first { ["sslmode", "tlsmode", "ssl", "tls"].contains($0.name) }?.value?
            .lowercased()
        switch tls {
        case "disable", "false": environment["PGSSLMODE"] = "disable"
        case "prefer", "allow": environment["PGSSLMODE"] = "prefer"
        case "require", "true", "verify-ca", "verify-full": environment["PGSSLMODE"] = "require"
        default: break
        }
        environment.removeValue(forKey: "PGSERVICE")
        return environment
    }

    private static func output(_ tool: String, _ arguments: [String], url: String) throws -> String {
        try launch(tool, arguments, url: url, capture: true)
    }

    private static func run(_ tool: String, _ arguments: [String], url: String, database: Bool = false) throws {
        // pg_restore names its target database explicitly (else it writes SQL to standard output); libpq's default
        // is the user's name.
        let environment = try environment(for: url)
        let extra = database ? ["--dbname=\(environment["PGDATABASE"] ?? environment["PGUSER"] ?? "")"] : []
        _ = try launch(tool, extra + arguments, url: url, capture: false)
    }

    private static func launch(_ tool: String, _ arguments: [String], url: String, capture: Bool) throws -> String {
        let candidates =
            ["/usr/bin/\(tool)"]
            + ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? [])
            .sorted { $0.compare($1, options: .numeric) == .orderedDescending }.map {
                "/usr/lib/postgresql/\($0)/bin/\(tool)"
            }
        guard let executable = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw CommandFailure(
                description:
                    "\(tool) is not installed: apt install postgresql-client (the same major version as the server)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = try environment(for: url)
        let pipe = Pipe()
        if capture { process.standardOutput = pipe }
        try process.run()
        let data = capture ? pipe.fileHandleForReading.readDataToEndOfFile() : Data()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CommandFailure(description: "\(tool) failed (exit status \(process.terminationStatus)); see above")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
