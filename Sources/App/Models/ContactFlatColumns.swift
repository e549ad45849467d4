import Foundation
import SwitchboardCore

/// A contact from the columns of `ContactBulkInsert.domainColumns` as `SQLiteFileReader` reads
/// them: the text fields as they are, the numbers, e-mails and addresses read by `FlatJSON`
/// rather than `JSONDecoder` (an export reads three such lists per contact). A list `FlatJSON`
/// does not read, or whose entries miss a member or carry an unknown type, goes to
/// `JSONDecoder`, which reads it as Fluent would or throws the error Fluent would.
enum ContactFlatColumns {
    /// The contact in the columns starting at `first`.
    static func contact(from row: SQLiteFileReader.Row, at first: Int32) throws -> Contact {
        let text = { (offset: Int32) -> String? in row.text(first + offset) }
        return Contact(
            title: text(0), firstName: text(1), lastName: text(2), displayName: text(3), company: text(4),
            department: text(5), jobTitle: text(6), birthday: text(7), notes: text(8), shortCode: text(9),
            phones: try entries(row, first + 10) { members in
                guard let type = members["type"]?.string.flatMap(PhoneType.init(rawValue:)),
                    let number = members["number"]?.string, case .bool(let preferred) = members["preferred"]
                else { return nil }
                return PhoneEntry(type: type, number: number, preferred: preferred)
            },
            emails: try entries(row, first + 11) { members in
                guard let type = members["type"]?.string.flatMap(EmailType.init(rawValue:)),
                    let address = members["address"]?.string
                else { return nil }
                return EmailEntry(type: type, address: address)
            },
            addresses: try entries(row, first + 12) { members in
                guard let type = members["type"]?.string.flatMap(AddressType.init(rawValue:)) else { return nil }
                var parts: [String: String] = [:]
                for key in ["street", "postalCode", "city", "region", "country"] {
                    switch members[key] {
                    case nil, .null?: continue
                    case .string(let value)?: parts[key] = value
                    case .bool?: return nil
                    }
                }
                return PostalAddress(
                    type: type, street: parts["street"], postalCode: parts["postalCode"], city: parts["city"],
                    region: parts["region"], country: parts["country"])
            })
    }

    /// Members by key, the last one winning as in `JSONDecoder`.
    struct Members {
        let object: FlatJSON.Object
        subscript(key: String) -> FlatJSON.Value? { object.last { $0.key == key }?.value }
    }

    private static func entries<Entry: Decodable>(
        _ row: SQLiteFileReader.Row, _ column: Int32, _ make: (Members) -> Entry?
    ) throws -> [Entry] {
        let bytes = row.bytes(column)
        if bytes.isEmpty { return [] }
        if let objects = FlatJSON.objects(bytes) {
            var entries: [Entry] = []
            entries.reserveCapacity(objects.count)
            for object in objects {
                guard let entry = make(Members(object: object)) else { return try decoded(bytes) }
                entries.append(entry)
            }
            return entries
        }
        return try decoded(bytes)
    }

    private static func decoded<Entry: Decodable>(_ bytes: UnsafeBufferPointer<UInt8>) throws -> [Entry] {
        try JSONDecoder().decode([Entry].self, from: Data(buffer: bytes))
    }
}
