import Fluent
import Vapor

/// Every migration, numbered, in the order they run: the one place that orders them. A new migration takes the next
/// number at the end; none is ever reordered, removed or renamed (Fluent records each by its type's name in
/// `_fluent_migrations`, and a database migrated by an earlier version runs only the ones after its last).
enum SwitchboardMigrations {
    static let numbered: [(number: Int, migration: any Migration)] = [
        (1, CreateUser()),
        (2, CreateAuditEvent()),
        (3, CreateAPIToken()),
        (4, CreateLoginFailure()),
        (5, SessionRecord.migration),
        (6, CreateUserSettings()),
        (7, CreateAddressBooks()),
        (8, CreateContactPhotos()),
        (9, CreateContactSearchIndexes()),
        (10, CreateContactNameWords()),
        (11, CreatePBXTokens()),
        (12, CreateContactNumberKeys()),
        (13, CreateCSVImportMappings()),
        (14, CreateLinkedSources()),
        (15, CreateGroupDirectories()),
        (16, UpdateLinkedSourcesAddAccessToken()),
        (17, CreateSessions()),
        (18, CreateTwoFactor()),
        (19, UpdateContactsAddNameParts()),
        (20, CreateContactNumberDigits()),
        (21, CreateContactGeneration()),
        (22, UpdateRoleWithoutJIT()),
    ]

    static func add(to migrations: Migrations) {
        for (_, migration) in numbered { migrations.add(migration) }
    }
}
