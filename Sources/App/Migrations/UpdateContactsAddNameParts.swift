import Fluent

/// Middle names and a name suffix, fields of their own (vCard N's additional names and suffixes, Outlook's "Middle
/// Name" and "Suffix"), instead of glued to the first name or kept in the notes. One column per statement (SQLite).
struct UpdateContactsAddNameParts: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("contacts").field("middle_name", .string).update()
        try await database.schema("contacts").field("name_suffix", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("contacts").deleteField("name_suffix").update()
        try await database.schema("contacts").deleteField("middle_name").update()
    }
}
