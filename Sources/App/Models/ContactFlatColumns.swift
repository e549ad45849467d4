import Foundation
import SwitchboardCore

/// The columns of a contact as an SQLite file reader takes them (`SQLiteFileReader`): the text
/// fields, then the numbers, e-mails and addresses taken apart by SQLite's JSON functions — the
/// fields of an entry joined by U+001F, the entries by U+001E, in array order — so that no row
/// goes through `JSONDecoder`. A list whose JSON holds either separator (escaped, as JSON must)
/// comes back NULL and is decoded from its JSON, which follows.
enum ContactFlatColumns {
    static let textColumns = [
        "title", "first_name", "last_name", "display_name_entered", "company", "department", "job_title", "birthday",
        "notes", "short_code",
    ]

    /// The select list; `contact(from:at:)` reads it from `first`.
    static let sqliteColumns: String = {
        let texts = textColumns.map { "c.\($0)" }
        let lists = [
            flattened("phones", ["type", "number", "preferred"]),
            flattened("emails", ["type", "address"]),
            flattened("addresses", ["type", "street", "postalCode", "city", "region", "country"]),
        ]
        return (texts + lists + ["c.phones", "c.emails", "c.addresses"]).joined(separator: ", ")
    }()

    private static func flattened(_ column: String, _ keys: [String]) -> String {
        let fields = keys.map { "ifnull(json_extract(j.value, '$.\($0)'), '')" }.joined(separator: " || char(31) || ")
        return """
            CASE WHEN instr(lower(c.\(column)), '\\u001e') + instr(lower(c.\(column)), '\\u001f') = 0 \
            THEN ifnull((SELECT group_concat(\(fields), char(30) ORDER BY j.key) FROM json_each(c.\(column)) j), '') END
            """
    }

    /// The contact in the columns of `sqliteColumns` starting at `first`.
    static func contact(from row: SQLiteFileReader.Row, at first: Int32) throws -> Contact {
        let text = { (offset: Int) -> String? in row.text(first + Int32(offset)) }
        let lists = first + Int32(textColumns.count)
        let json = lists + 3
        return Contact(
            title: text(0), firstName: text(1), lastName: text(2), displayName: text(3), company: text(4),
            department: text(5), jobTitle: text(6), birthday: text(7), notes: text(8), shortCode: text(9),
            phones: try entries(row, lists, json) { fields in
                guard fields.count == 3, let type = PhoneType(rawValue: fields[0]) else { return nil }
                return PhoneEntry(type: type, number: fields[1], preferred: fields[2] == "1")
            },
            emails: try entries(row, lists + 1, json + 1) { fields in
                guard fields.count == 2, let type = EmailType(rawValue: fields[0]) else { return nil }
                return EmailEntry(type: type, address: fields[1])
            },
            addresses: try entries(row, lists + 2, json + 2) { fields in
                guard fields.count == 6, let type = AddressType(rawValue: fields[0]) else { return nil }
                let part = { (index: Int) -> String? in fields[index].isEmpty ? nil : fields[index] }
                return PostalAddress(
                    type: type, street: part(1), postalCode: part(2), city: part(3), region: part(4), country: part(5))
            })
    }

    /// The entries of a flattened list, or of its JSON when it was not flattened or an entry does
    /// not read (a type this version does not know: `JSONDecoder` then says what is wrong).
    private static func entries<Entry: Decodable>(
        _ row: SQLiteFileReader.Row, _ flat: Int32, _ json: Int32, _ make: ([String]) -> Entry?
    ) throws -> [Entry] {
        if let flattened = row.text(flat) {
            if flattened.isEmpty { return [] }
            var result: [Entry] = []
            for entry in flattened.utf8.split(separator: 0x1E, omittingEmptySubsequences: false) {
                let fields = entry.split(separator: 0x1F, omittingEmptySubsequences: false).map {
                    String(decoding: $0, as: UTF8.self)
                }
                guard let made = make(fields) else { return try decoded(row, json) }
                result.append(made)
            }
            return result
        }
        return try decoded(row, json)
    }

    private static func decoded<Entry: Decodable>(_ row: SQLiteFileReader.Row, _ json: Int32) throws
        -> [Entry]
    {
        guard let text = row.text(json), !text.isEmpty else { return [] }
        return try JSONDecoder().decode([Entry].self, from: Data(text.utf8))
    }
}
