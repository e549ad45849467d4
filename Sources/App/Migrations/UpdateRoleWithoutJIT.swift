import Fluent
import SQLKit

/// PostgreSQL: the role Switchboard connects as runs without JIT compilation. Our queries read a page of rows; when
/// the planner's estimate of a walk crossed `jit_above_cost`, it spent 40 ms compiling a 17 ms query (a subscriber's
/// two-word filter at a million contacts: 60 ms, or 18 ms in another database whose statistics kept the estimate
/// lower). A role may set its own defaults without any privilege, and the server applies them to every new session,
/// through a connection pooler too (pgbouncer refuses `jit` as a startup parameter). This migration's own connection
/// is set at once; connections opened before it keep JIT until they are opened again (the next start). Nothing on
/// SQLite.
struct UpdateRoleWithoutJIT: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        guard sql.dialect.name == "postgresql" else { return }
        try await sql.raw("ALTER ROLE CURRENT_USER SET jit = off").run()
        try await sql.raw("SET jit = off").run()
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        guard sql.dialect.name == "postgresql" else { return }
        try await sql.raw("ALTER ROLE CURRENT_USER RESET jit").run()
    }
}
