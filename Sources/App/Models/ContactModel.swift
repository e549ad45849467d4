import Fluent
import Foundation
import SwitchboardCore

/// An address-book entry. Besides the fields people see, it keeps folded copies of the searchable
/// ones (`search_*`, lower-case without accents) so filters match "emi" in "Émile" with a plain
/// substring search, and a `sort_key` so pages come out in accent-aware order straight from an index.
/// Its field keys come from `ContactColumn`, the table's one column list.
final class ContactModel: Model, @unchecked Sendable {
    static let schema = "contacts"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: ContactColumn.createdAt.key, on: .create) var createdAt: Date?
    @Timestamp(key: ContactColumn.updatedAt.key, on: .update) var updatedAt: Date?

    // data fields
    @OptionalField(key: ContactColumn.title.key) var title: String?
    @OptionalField(key: ContactColumn.firstName.key) var firstName: String?
    @OptionalField(key: ContactColumn.middleName.key) var middleName: String?
    @OptionalField(key: ContactColumn.lastName.key) var lastName: String?
    @OptionalField(key: ContactColumn.suffix.key) var suffix: String?
    /// As entered; empty when derived (see `Contact.resolvedDisplayName`).
    @OptionalField(key: ContactColumn.displayNameEntered.key) var enteredDisplayName: String?
    @Field(key: ContactColumn.displayName.key) var displayName: String
    @OptionalField(key: ContactColumn.company.key) var company: String?
    @OptionalField(key: ContactColumn.department.key) var department: String?
    @OptionalField(key: ContactColumn.jobTitle.key) var jobTitle: String?
    @OptionalField(key: ContactColumn.birthday.key) var birthday: String?
    @OptionalField(key: ContactColumn.notes.key) var notes: String?
    @OptionalField(key: ContactColumn.shortCode.key) var shortCode: String?
    /// Numbers, e-mails and addresses as JSON: always read and written with the contact.
    @Field(key: ContactColumn.phones.key) var phones: [PhoneEntry]
    @Field(key: ContactColumn.emails.key) var emails: [EmailEntry]
    @Field(key: ContactColumn.addresses.key) var addresses: [PostalAddress]

    // search fields (derived, see `apply(_:)`)
    @Field(key: ContactColumn.sortKey.key) var sortKey: String
    @Field(key: ContactColumn.initial.key) var initial: String
    @Field(key: ContactColumn.searchName.key) var searchName: String
    @Field(key: ContactColumn.searchFirstName.key) var searchFirstName: String
    @Field(key: ContactColumn.searchLastName.key) var searchLastName: String
    @Field(key: ContactColumn.searchCompany.key) var searchCompany: String
    @Field(key: ContactColumn.searchEmail.key) var searchEmail: String
    @Field(key: ContactColumn.searchCity.key) var searchCity: String
    /// The digits of every number, space separated: "0123456789 33612345678".
    @Field(key: ContactColumn.searchNumber.key) var searchNumber: String
    /// The words of `search_name` as a JSON array; database triggers index them (`CreateContactNameWords`).
    @Field(key: ContactColumn.nameWords.key) var nameWords: String
    /// Caller-ID keys of the numbers as a JSON array of [key, number]; database triggers index
    /// them (`CreateContactNumberKeys`).
    @Field(key: ContactColumn.numberKeys.key) var numberKeys: String

    init() {}

    init(_ contact: Contact) {
        apply(contact)
    }
}

extension ContactModel {
    /// Stores `contact` and recomputes every derived field (`ContactColumns`, which bulk inserts use too).
    func apply(_ contact: Contact) {
        let columns = ContactColumns(contact)
        title = contact.title
        firstName = contact.firstName
        middleName = contact.middleName
        lastName = contact.lastName
        suffix = contact.suffix
        enteredDisplayName = contact.displayName
        displayName = columns.displayName
        company = contact.company
        department = contact.department
        jobTitle = contact.jobTitle
        birthday = contact.birthday
        notes = contact.notes
        shortCode = contact.shortCode
        phones = contact.phones
        emails = contact.emails
        addresses = contact.addresses
        searchName = columns.searchName
        nameWords = columns.nameWords
        numberKeys = columns.numberKeys
        sortKey = columns.sortKey
        initial = columns.initial
        searchFirstName = columns.searchFirstName
        searchLastName = columns.searchLastName
        searchCompany = columns.searchCompany
        searchEmail = columns.searchEmail
        searchCity = columns.searchCity
        searchNumber = columns.searchNumber
    }

    func toDomain() -> Contact {
        Contact(
            title: title, firstName: firstName, middleName: middleName, lastName: lastName, suffix: suffix,
            displayName: enteredDisplayName,
            company: company, department: department, jobTitle: jobTitle, birthday: birthday, notes: notes,
            shortCode: shortCode, phones: phones, emails: emails, addresses: addresses)
    }

    /// The words of a folded name as the JSON array the `name_words` column holds. Words are letters
    /// and digits only, so they need no escaping.
    static func nameWords(ofFolded name: String) -> String {
        "[" + SearchFolding.words(ofFolded: name).map { "\"\($0)\"" }.joined(separator: ",") + "]"
    }

    /// Each number once under its caller-ID key (`CallerIDMatcher.storageKey`), as the JSON array
    /// of [key, number] pairs the `number_keys` column holds.
    static func numberKeys(of phones: [PhoneEntry]) -> String {
        var pairs: [(key: String, number: String)] = []
        for phone in phones {
            guard let key = CallerIDMatcher.storageKey(for: phone.number), !key.isEmpty,
                !pairs.contains(where: { $0.number == phone.number })
            else { continue }
            pairs.append((key, phone.number))
        }
        // Numbers are digits, spaces and signs: written as JSONEncoder would, without it (it showed in imports).
        let plain = pairs.allSatisfy { pair in
            pair.number.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != 0x22 && $0 != 0x2F && $0 != 0x5C }
        }
        guard plain else {
            let arrays = pairs.map { [$0.key, $0.number] }
            return String(decoding: (try? JSONEncoder().encode(arrays)) ?? Data("[]".utf8), as: UTF8.self)
        }
        var text = "["
        text.reserveCapacity(2 + pairs.reduce(0) { $0 + $1.key.utf8.count + $1.number.utf8.count + 10 })
        for (index, pair) in pairs.enumerated() {
            text += index == 0 ? "[\"" : ",[\""
            text += pair.key
            text += "\",\""
            text += pair.number
            text += "\"]"
        }
        text += "]"
        return text
    }

    /// Folded name, so "Émile" sorts with "emile"; names outside A–Z come after Z, as in the tabs.
    static func sortKey(for displayName: String) -> String {
        let folded = SearchFolding.fold(displayName)
        return SearchFolding.initial(of: displayName) == "#" ? "~" + folded : folded
    }
}

/// A contact's photo, as uploaded or imported (PNG or JPEG, checked by `PhotoRules.checkImage`).
final class ContactPhotoModel: Model, @unchecked Sendable {
    static let schema = "contact_photos"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    // data fields
    @Field(key: "media_type") var mediaType: String
    @Field(key: "data") var data: Data
    @Field(key: "width") var width: Int
    @Field(key: "height") var height: Int

    // relationships
    @Parent(key: "contact_id") var contact: ContactModel

    init() {}

    init(contactID: UUID, mediaType: String, data: Data, width: Int, height: Int) {
        self.$contact.id = contactID
        self.mediaType = mediaType
        self.data = data
        self.width = width
        self.height = height
    }
}
