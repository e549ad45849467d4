import Foundation
import Testing

@testable import SwitchboardCore

extension CSVFixture {
    static func header(_ name: String) throws -> [String] {
        let data = try data(name)
        let utf8 = CSVEncoding.detect(data).utf8Bytes(of: data)
        var reader = CSVReader(utf8: utf8, delimiter: CSVDelimiter.detect(utf8))
        return try #require(reader.next() as CSVRow?).cells
    }

    /// A file read as the import reads it: notes before the header skipped, a template when one knows the header,
    /// else the header's words and the values (`CSVHeaderWords`, `CSVColumnInference`).
    static func readAny(_ name: String) throws -> (template: String?, mapping: CSVMapping, contacts: [Contact]) {
        let data = try data(name)
        let utf8 = CSVEncoding.detect(data).utf8Bytes(of: data)
        let delimiter = CSVDelimiter.detect(utf8)
        var reader = CSVReader(utf8: utf8, delimiter: delimiter)
        for _ in 0..<CSVColumnInference.preambleLines(reader) { _ = reader.next() }
        let header = try #require(reader.next() as CSVRow?).cells
        let rows = Array(reader)
        let template = CSVTemplate.suggest(for: header)
        let mapping =
            template?.mapping(for: header)
            ?? CSVMapping(
                fields: CSVColumnInference.fields(header: header, columns: header.count, samples: rows.map(\.cells)))
        return (template?.id, mapping, rows.map { mapping.contact(from: $0) })
    }
}

/// Exports of other address books, CRMs and PBXs, written by hand in `Fixtures/csv/` in each exporter's shape.
@Suite("CSV: what other programs export")
struct CSVExporterTests {
    @Test("Spanish Outlook: names, company, three phones, two e-mails, address, day-first birthday")
    func outlookSpanish() throws {
        let (template, _, contacts) = try CSVFixture.readAny("outlook-es.csv")
        #expect(template == "outlook")
        let maria = contacts[0]
        #expect(maria.title == "Sra." && maria.lastName == "García López" && maria.company == "Peña & Hijos S.L.")
        #expect(maria.firstName == "María" && maria.middleName == "José" && maria.suffix == nil)
        #expect(maria.department == "Ventas" && maria.jobTitle == "Directora comercial")
        #expect(maria.phones.map(\.type) == [.business, .mobile, .businessFax])
        #expect(maria.emails.map(\.address) == ["maria.garcia@pena.example", "mjgarcia@correo.example"])
        #expect(maria.birthday == "1975-03-12")
        #expect(maria.addresses.first?.city == "Madrid" && maria.addresses.first?.postalCode == "28013")
        #expect(maria.notes == "Cliente desde 2010")
        #expect(contacts[1].phones.map(\.type) == [.private])
    }

    @Test("Italian and Dutch Outlook")
    func outlookItalianDutch() throws {
        let (italianTemplate, _, italian) = try CSVFixture.readAny("outlook-it.csv")
        #expect(italianTemplate == "outlook")
        #expect(italian[0].firstName == "Giulia" && italian[0].lastName == "Rossi" && italian[0].title == "Dott.")
        #expect(italian[0].company == "Bianchi S.p.A." && italian[0].department == "Acquisti")
        #expect(italian[0].phones.map(\.type) == [.business, .mobile])
        #expect(italian[0].emails.map(\.address) == ["giulia.rossi@bianchi.example"])
        #expect(italian[0].birthday == "1980-06-05" && italian[0].addresses.first?.city == "Milano")
        let (dutchTemplate, _, dutch) = try CSVFixture.readAny("outlook-nl.csv")
        #expect(dutchTemplate == "outlook")
        #expect(dutch[0].firstName == "Jan" && dutch[0].lastName == "de Vries" && dutch[0].company == "Van Dijk B.V.")
        #expect(dutch[0].phones.map(\.type) == [.business, .mobile])
        #expect(dutch[0].addresses.first?.postalCode == "1012 LG" && dutch[0].jobTitle == "Inkoper")
    }

    @Test("Outlook.com: its extra phones and third e-mail kept; the assistant's and manager's are not the contact's")
    func outlookCom() throws {
        let (template, mapping, contacts) = try CSVFixture.readAny("outlook-com.csv")
        #expect(template == "outlook")
        let sarah = contacts[0]
        #expect(sarah.emails.map(\.address) == ["sarah@cyberdyne.example", "s.connor@home.example"])
        #expect(
            Set(sarah.phones.map(\.number)) == [
                "+1 213 555 0101", "+1 213 555 0100", "+1 310 555 0199", "+1 213 555 0102", "+1 213 555 0000",
            ])
        #expect(sarah.displayName == nil && sarah.company == "Cyberdyne" && sarah.birthday == "1965-05-13")
        let header = try CSVFixture.header("outlook-com.csv")
        for ignored in ["Manager's Name", "Assistant's Phone", "IMAddress", "Other Street", "Spouse", "Web Page"] {
            #expect(mapping.fields[try #require(header.firstIndex(of: ignored))] == .ignore, "\(ignored)")
        }
    }

    @Test("Yahoo: its Title is the job title, Work/Home/Mobile are phones, Comments are notes")
    func yahoo() throws {
        let (template, _, contacts) = try CSVFixture.readAny("yahoo.csv")
        #expect(template == "yahoo")
        let tom = contacts[0]
        #expect(tom.firstName == "Tom" && tom.lastName == "Baker" && tom.jobTitle == "Producer" && tom.title == nil)
        #expect(tom.phones.map(\.type) == [.private, .business, .mobile])
        #expect(tom.emails.map(\.address) == ["tom.baker@yahoo.example", "tom@bbc.example"])
        #expect(tom.addresses.first?.postalCode == "W1A 1AA" && tom.notes == "Travels a lot")
    }

    @Test("LinkedIn: the notes before the header are skipped, URL and date of connection not imported")
    func linkedIn() throws {
        let (template, _, contacts) = try CSVFixture.readAny("linkedin-connections.csv")
        #expect(template == "linkedin")
        #expect(contacts.map(\.lastName) == ["Lovelace", "Hopper"])
        #expect(contacts[0].emails.map(\.address) == ["ada@analytical.example"])
        #expect(contacts[0].jobTitle == "Chief Mathematician" && contacts[1].company == "US Navy")
        #expect(contacts.allSatisfy { $0.notes == nil })
    }

    @Test("A contacts app's tab-separated export in German and French, read by its header's words")
    func contactsAppTabSeparated() throws {
        let (_, _, german) = try CSVFixture.readAny("contacts-app-de-tab.csv")
        let jurgen = german[0]
        #expect(jurgen.firstName == "Jürgen" && jurgen.lastName == "Groß" && jurgen.company == "Bäckerei Schön GmbH")
        #expect(jurgen.department == "Vertrieb" && jurgen.jobTitle == "Leiter Vertrieb")
        #expect(jurgen.phones.map(\.type) == [.business, .mobile, .private, .businessFax])
        #expect(jurgen.emails.map(\.type) == [.business, .private])
        #expect(jurgen.addresses.first?.street == "Hauptstraße 1" && jurgen.addresses.first?.city == "Hamburg")
        #expect(jurgen.birthday == "1970-12-24" && jurgen.notes == "Kunde seit 2001")
        let (_, _, french) = try CSVFixture.readAny("contacts-app-fr-tab.csv")
        let helene = french[0]
        #expect(helene.firstName == "Hélène" && helene.lastName == "Lefèvre" && helene.company == "Café Crème SARL")
        #expect(helene.department == "Achats" && helene.jobTitle == "Acheteuse")
        #expect(helene.phones.map(\.type) == [.business, .mobile])
        #expect(helene.addresses.first?.postalCode == "69002" && helene.birthday == "1980-04-02")
        #expect(helene.notes == "Préfère le matin")
    }

    @Test("A PBX directory source: fn, ln, num, email, company")
    func pbxDirectory() throws {
        let (template, mapping, contacts) = try CSVFixture.readAny("pbx-directory.csv")
        #expect(template == nil)
        #expect(mapping.fields == [.firstName, .lastName, .phone(.business), .email(.business), .company])
        #expect(contacts[1].firstName == "Reception" && contacts[1].phones.map(\.number) == ["200"])
        // An extension stays part of the number, and the rules accept it.
        let zoe = try ContactRules.normalized(contacts[2])
        #expect(zoe.phones.map(\.number) == ["+33 4 78 00 00 09 poste 12"])
        #expect(zoe.phones.first?.dialable == "+33478000009,12")
    }

    @Test("An ERP customer list: customer number and turnover not guessed as phone or postcode")
    func erpCustomers() throws {
        let (template, mapping, contacts) = try CSVFixture.readAny("erp-customers.csv")
        #expect(template == nil)
        #expect(
            mapping.fields == [
                .ignore, .company, .displayName, .address(.business, .street), .address(.business, .postalCode),
                .address(.business, .city), .phone(.business), .phone(.businessFax), .email(.business), .ignore,
                .ignore,
            ])
        #expect(contacts[0].company == "Müller Maschinenbau GmbH" && contacts[0].displayName == "Herr Klaus Müller")
        #expect(contacts[1].addresses.first?.city == "München")
    }

    @Test(
        "header words in other spellings and scripts",
        arguments: [
            ("Telefon (Arbeit)", CSVField.phone(.business)), ("Work Email", .email(.business)),
            ("Home e-mail", .email(.private)), ("Teléfono móvil", .phone(.mobile)), ("Handy", .phone(.mobile)),
            ("Mobile Number", .phone(.mobile)), ("Phone 1", .phone(.business)),
            ("Zip Code", .address(.business, .postalCode)),
            ("Customer Name", .company), ("Customer ID", .ignore), ("Website", .ignore), ("E-mail Type", .ignore),
            ("Date of Birth", .birthday), ("電話番号", .phone(.business)), ("メールアドレス", .email(.business)),
            ("会社名", .company), ("Фамилия", .lastName), ("Мобильный телефон", .phone(.mobile)), ("Imię", .firstName),
            ("Nazwisko", .lastName), ("Business Street 2", .address(.business, .street2)),
            ("Business Street 3", .ignore), ("Other City", .ignore), ("Name des Vorgesetzten", .ignore),
            ("Numéro d'identification de l'organisation", .ignore), ("Speed Dial", .shortCode),
        ])
    func headerWords(header: String, field: CSVField) {
        #expect(CSVHeaderWords.field(for: header) == field)
    }

    @Test("a Title column is a name prefix when it holds Mr, Dr, Mme; a job title otherwise")
    func titleByValues() {
        #expect(CSVHeaderWords.field(for: "Title", samples: ["Mr", "Dr.", "", "Mme"]) == .title)
        #expect(CSVHeaderWords.field(for: "Title", samples: ["Sales manager", "Mr"]) == .jobTitle)
    }

    @Test("a header row with words is not taken for a contact, even with an odd cell")
    func headerWithWordsIsAHeader() {
        #expect(!CSVColumnInference.isDataRow(["fn", "ln", "num", "email 2"]))
        #expect(CSVColumnInference.isDataRow(["Dupont Jean", "Acme", "04 78 00 00 02", "jean@dupont.example"]))
    }

    /// Found by a review of the change: each would have corrupted or lost data on a common file.
    @Test("Outlook's full 91-column export is Outlook's, and its US birthdays are month first")
    func outlookFullExport() throws {
        let header = [
            "Title", "First Name", "Middle Name", "Last Name", "Suffix", "Company", "Department", "Job Title",
            "Business Street", "Business Street 2", "Business Street 3", "Business City", "Business State",
            "Business Postal Code", "Business Country/Region", "Home Street", "Home Street 2", "Home Street 3",
            "Home City", "Home State", "Home Postal Code", "Home Country/Region", "Other Street", "Other Street 2",
            "Other Street 3", "Other City", "Other State", "Other Postal Code", "Other Country/Region",
            "Assistant's Phone", "Business Fax", "Business Phone", "Business Phone 2", "Callback", "Car Phone",
            "Company Main Phone", "Home Fax", "Home Phone", "Home Phone 2", "ISDN", "Mobile Phone", "Other Fax",
            "Other Phone", "Pager", "Primary Phone", "Radio Phone", "TTY/TDD Phone", "Telex", "Account",
            "Anniversary", "Assistant's Name", "Billing Information", "Birthday", "Business Address PO Box",
            "Categories", "Children", "Directory Server", "E-mail Address", "E-mail Type", "E-mail Display Name",
            "E-mail 2 Address", "E-mail 2 Type", "E-mail 2 Display Name", "E-mail 3 Address", "E-mail 3 Type",
            "E-mail 3 Display Name", "Gender", "Government ID Number", "Hobby", "Home Address PO Box", "Initials",
            "Internet Free Busy", "Keywords", "Language", "Location", "Manager's Name", "Mileage", "Notes",
            "Office Location", "Organizational ID Number", "Other Address PO Box", "Priority", "Private",
            "Referred By", "Sensitivity", "Spouse", "User 1", "User 2", "User 3", "User 4", "Web Page",
        ]
        #expect(header.count == 91)
        let template = try #require(CSVTemplate.suggest(for: header))
        #expect(template.id == "outlook")
        let mapping = template.mapping(for: header)
        #expect(!mapping.dayFirst)
        var cells = header.map { _ in "" }
        cells[header.firstIndex(of: "Birthday")!] = "4/7/1980"
        cells[header.firstIndex(of: "E-mail Display Name")!] = "Ann (ann@example.com)"
        cells[header.firstIndex(of: "E-mail Type")!] = "SMTP"
        cells[header.firstIndex(of: "Last Name")!] = "Smith"
        let contact = mapping.contact(from: CSVRow(line: 2, cells: cells))
        #expect(contact.birthday == "1980-04-07")
        #expect(contact.emails.isEmpty && contact.notes == nil)
    }

    @Test("Google's phonetic names, formatted and extended addresses are not the contact's name or street")
    func googleExtraColumns() {
        for header in [
            "Phonetic First Name", "Phonetic Middle Name", "Phonetic Last Name", "Address 1 - Formatted",
            "Address 1 - Extended Address", "Organization 1 - Job Description", "Group Membership", "Labels",
            "E-Mail: Angezeigter Name", "Tipo de correo electrónico", "E-mailtype", "No.", "VAT number", "Order number",
        ] {
            #expect((CSVHeaderWords.field(for: header) ?? .ignore) == .ignore, "\(header)")
        }
        #expect(CSVHeaderWords.field(for: "Phone Number") == .phone(.business))
        #expect(CSVHeaderWords.field(for: "Number") == .phone(.business))
    }

    @Test("a first line with a street and an address at free.fr is a contact, not a header")
    func dataRowWithWords() {
        #expect(
            CSVColumnInference.isDataRow([
                "Dupont", "Jean", "jean.dupont@free.fr", "12 rue de la Paix", "75002", "Paris",
            ]))
        #expect(CSVColumnInference.isDataRow(["Smith", "Acme Company", "1 Main Street", "+1 555 0100"]))
    }

    @Test("updating a duplicate keeps the newer middle name and suffix")
    func mergeNameParts() {
        let stored = Contact(firstName: "John", lastName: "Smith")
        let merged = stored.merging(Contact(firstName: "John", middleName: "Q.", lastName: "Smith", suffix: "Jr."))
        #expect(merged.middleName == "Q." && merged.suffix == "Jr.")
    }
}
