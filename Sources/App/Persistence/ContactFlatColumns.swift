import Foundation
import SQLKit
import SwitchboardCore

/// A contact's numbers, e-mails and addresses read from their stored JSON by `FlatJSON` rather
/// than `JSONDecoder` — an export, and the start of an import, read three such lists for every
/// contact. A list `FlatJSON` does not read, or whose entries miss a member or carry an unknown
/// type, goes to `JSONDecoder`, which reads it as Fluent would or throws the error Fluent would.
enum ContactFlatColumns {
    /// The contact in the columns of `ContactBulkInsert.domainColumns` starting at `first`.
    static func contact(from row: SQLiteFileReader.Row, at first: Int32) throws -> Contact {
        var contact = Contact()
        // One pass over the columns in their order: no lookup of a column's position per row (an export's hot path).
        for (offset, column) in ContactColumn.domain.enumerated() {
            let index = first + Int32(offset)
            switch column {
            case .title: contact.title = row.text(index)
            case .firstName: contact.firstName = row.text(index)
            case .middleName: contact.middleName = row.text(index)
            case .lastName: contact.lastName = row.text(index)
            case .suffix: contact.suffix = row.text(index)
            case .displayNameEntered: contact.displayName = row.text(index)
            case .company: contact.company = row.text(index)
            case .department: contact.department = row.text(index)
            case .jobTitle: contact.jobTitle = row.text(index)
            case .birthday: contact.birthday = row.text(index)
            case .notes: contact.notes = row.text(index)
            case .shortCode: contact.shortCode = row.text(index)
            case .phones: contact.phones = try list(row.bytes(index), phone)
            case .emails: contact.emails = try list(row.bytes(index), email)
            case .addresses: contact.addresses = try list(row.bytes(index), address)
            default: continue
            }
        }
        return contact
    }

    /// The list in `column` of a row: SQLite stores it as JSON text; PostgreSQL's rows decode it
    /// as they store it.
    static func list<Entry: Decodable>(
        _ row: any SQLRow, _ column: ContactColumn, sqlite: Bool, _ make: (Members) -> Entry?
    ) throws -> [Entry] {
        guard sqlite, var text = try? row.decode(column: column.rawValue, as: String.self) else {
            return try row.decode(column: column.rawValue, as: [Entry].self)
        }
        return try text.withUTF8 { try list($0, make) }
    }

    /// Members by key, the last one winning as in `JSONDecoder`.
    struct Members {
        let object: FlatJSON.Object
        subscript(key: String) -> FlatJSON.Value? { object.last { $0.key == key }?.value }
    }

    static func phone(_ members: Members) -> PhoneEntry? {
        guard let type = members["type"]?.string.flatMap(PhoneType.init(rawValue:)),
            let number = members["number"]?.string, case .bool(let preferred) = members["preferred"]
        else { return nil }
        return PhoneEntry(type: type, number: number, preferred: preferred)
    }

    static func email(_ members: Members) -> EmailEntry? {
        guard let type = members["type"]?.string.flatMap(EmailType.init(rawValue:)),
            let address = members["address"]?.string
        else { return nil }
        return EmailEntry(type: type, address: address)
    }

    static func address(_ members: Members) -> PostalAddress? {
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
    }

    // MARK: writing

    /// The lists as SQLite stores them, written by `FlatJSON` rather than `JSONEncoder` (a CSV import's bulk
    /// insert): the same members, in declaration order, absent address parts left out.
    static func text(of phones: [PhoneEntry]) -> String {
        FlatJSON.array(phones) { phone, object in
            object.add("type", phone.type.rawValue)
            object.add("number", phone.number)
            object.add("preferred", phone.preferred)
        }
    }

    static func text(of emails: [EmailEntry]) -> String {
        FlatJSON.array(emails) { email, object in
            object.add("type", email.type.rawValue)
            object.add("address", email.address)
        }
    }

    static func text(of addresses: [PostalAddress]) -> String {
        FlatJSON.array(addresses) { address, object in
            object.add("type", address.type.rawValue)
            object.add("street", address.street)
            object.add("postalCode", address.postalCode)
            object.add("city", address.city)
            object.add("region", address.region)
            object.add("country", address.country)
        }
    }

    private static func list<Entry: Decodable>(_ bytes: UnsafeBufferPointer<UInt8>, _ make: (Members) -> Entry?) throws
        -> [Entry]
    {
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
