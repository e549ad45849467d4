import Fluent
import Foundation
import SwitchboardCore

/// A column mapping built in the CSV import preview and saved under a name, for the next file of that kind.
final class CSVImportMappingModel: Model, @unchecked Sendable {
    static let schema = "csv_import_mappings"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    // data fields
    @Field(key: "name") var name: String
    /// The field key of each column, in order, separated by commas ("first_name,last_name,phone.mobile").
    @Field(key: "fields") var fields: String

    init() {}

    init(name: String, mapping: CSVMapping) {
        self.name = name
        self.fields = mapping.keys.joined(separator: ",")
    }

    var mapping: CSVMapping? {
        CSVMapping(keys: fields.split(separator: ",", omittingEmptySubsequences: false).map(String.init))
    }
}
