import Fluent

/// Custom CSV column mappings saved by name in the import preview.
struct CreateCSVImportMappings: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(CSVImportMappingModel.schema)
            .id()
            .field("name", .string, .required)
            .field("fields", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "name")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(CSVImportMappingModel.schema).delete()
    }
}
