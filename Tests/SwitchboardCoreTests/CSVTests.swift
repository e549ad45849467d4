import Foundation
import Testing

@testable import SwitchboardCore

/// CSV files shaped like real exports, in `Fixtures/csv/`.
enum CSVFixture {
    static func data(_ name: String) throws -> Data {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/csv")
        return try Data(contentsOf: folder.appendingPathComponent(name))
    }

    /// Detected encoding, delimiter, suggested template, and the rows' contacts.
    static func read(_ name: String) throws -> (CSVEncoding, CSVDelimiter, String?, [Contact]) {
        let data = try data(name)
        let encoding = CSVEncoding.detect(data)
        let utf8 = encoding.utf8Bytes(of: data)
        let delimiter = CSVDelimiter.detect(utf8)
        var reader = CSVReader(utf8: utf8, delimiter: delimiter)
        let header = try #require(reader.next() as CSVRow?).cells
        let template = CSVTemplate.suggest(for: header)
        let mapping = (template ?? SwitchboardCSV.template).mapping(for: header)
        return (encoding, delimiter, template?.id, reader.map { mapping.contact(from: $0) })
    }
}

@Suite("CSV: encodings, delimiters, templates")
struct CSVFixtureTests {
    @Test("French Outlook in Windows-1252 with semicolons: accents, both “Titre” columns, day-first birthday")
    func outlookFrench() throws {
        let (encoding, delimiter, template, contacts) = try CSVFixture.read("outlook-fr-windows1252.csv")
        #expect(encoding == .windows1252)
        #expect(delimiter == .semicolon)
        #expect(template == "outlook")
        #expect(contacts.count == 3)
        let emile = contacts[0]
        #expect(emile.title == "M." && emile.firstName == "Émile" && emile.lastName == "Zola")
        #expect(emile.company == "Société d’Études Fasquelle" && emile.jobTitle == "Écrivain")
        #expect(emile.birthday == "1840-04-02")
        #expect(emile.phones.first == PhoneEntry(type: .business, number: "+33 1 23 45 67 89"))
        #expect(emile.addresses.first?.city == "Paris")
        let amelie = contacts[1]
        #expect(amelie.firstName == "Amélie" && amelie.middleName == "Françoise" && amelie.birthday == nil)
        #expect(amelie.phones.map(\.type) == [.businessFax, .business])
        #expect(throws: ContactViolation.nameMissing) { try ContactRules.normalized(contacts[2]) }
    }

    @Test("Google (current) in UTF-16LE: labels decide the kind, ‘ ::: ’ holds two numbers, quoted line breaks")
    func googleUTF16() throws {
        let (encoding, delimiter, template, contacts) = try CSVFixture.read("google-utf16le.csv")
        #expect(encoding == .utf16LE && delimiter == .comma && template == "google")
        #expect(contacts.count == 2)
        #expect(contacts[0].resolvedDisplayName == "Chloé Martin" && contacts[0].company == "Atelier Martin")
        #expect(contacts[0].phones.map(\.type) == [.mobile, .businessFax])
        #expect(contacts[0].emails == [EmailEntry(type: .business, address: "chloe@atelier.example")])
        #expect(contacts[0].addresses.first?.type == .business && contacts[0].addresses.first?.postalCode == "75007")
        #expect(contacts[1].phones.map(\.number) == ["+81 3-1234-5678", "+81 90-1234-5678"])
        #expect(contacts[1].phones.allSatisfy { $0.type == .private })
    }

    @Test(
        "every other exporter: the suggested template and the first name and number",
        arguments: [
            ("outlook-en.csv", "outlook", "John Q Smith", "+1 217 555 0100"),
            ("outlook-de.csv", "outlook", "Jürgen Müller", "+49 89 1234-567"),
            ("google-legacy.csv", "google-legacy", "Paul Lefèvre", "06 11 22 33 44"),
            ("thunderbird.csv", "thunderbird", "Ingrid Berg", "+46 8 123 456 78"),
            ("yealink.csv", "yealink", "Reception", "101"),
            ("fanvil.csv", "fanvil", "Lobby", "200"),
            ("grandstream.csv", "grandstream", "Olga Ivanova", "+33 1 70 00 00 10"),
            ("wazo.csv", "wazo", "Brown Emmett", "5555551234"),
        ])
    func exporters(file: String, template: String, name: String, number: String) throws {
        let (_, _, suggested, contacts) = try CSVFixture.read(file)
        #expect(suggested == template)
        let first = try #require(contacts.first)
        #expect(first.resolvedDisplayName == name)
        #expect(first.phones.first?.number == number)
        _ = try ContactRules.normalized(first)
    }

    @Test("Outlook English birthdays are month first, German ones day first; Thunderbird's parts join")
    func birthdays() throws {
        #expect(try CSVFixture.read("outlook-en.csv").3[0].birthday == "1980-04-02")
        #expect(try CSVFixture.read("outlook-de.csv").3[0].birthday == "1975-12-24")
        #expect(try CSVFixture.read("thunderbird.csv").3[0].birthday == "--03-15")
    }

    @Test("a legacy phone-book export is recognised by its first header cell")
    func phoneBookV1() throws {
        let (_, delimiter, template, contacts) = try CSVFixture.read("switchboard-phonebook-v1.csv")
        #expect(delimiter == .semicolon && template == "switchboard")
        let data = try CSVFixture.data("switchboard-phonebook-v1.csv")
        var reader = CSVReader(utf8: CSVEncoding.utf8.utf8Bytes(of: data), delimiter: .semicolon)
        #expect(CSVTemplate.isPhoneBookV1(try #require(reader.next() as CSVRow?).cells))
        #expect(contacts.map(\.resolvedDisplayName) == ["Anne Alpha", "Bruno Beta"])
    }
}

@Suite("CSV: reading, detection, neutralisation")
struct CSVReaderTests {
    private func rows(_ text: String, _ delimiter: CSVDelimiter = .comma) -> [CSVRow] {
        Array(CSVReader(utf8: Array(text.utf8), delimiter: delimiter))
    }

    @Test("quotes, doubled quotes, line breaks in quotes, CR LF / LF / CR, blank lines; line numbers")
    func reader() {
        let result = rows("a,\"b \"\"c\"\"\",d\r\n\r\n\"x\ny\",2,\n3,4,5\r6")
        #expect(result.map(\.cells) == [["a", "b \"c\"", "d"], ["x\ny", "2", ""], ["3", "4", "5"], ["6"]])
        #expect(result.map(\.line) == [1, 3, 5, 6])
    }

    @Test("the delimiter is the candidate most frequent in the header, outside quotes")
    func delimiters() {
        #expect(CSVDelimiter.detect(Array("a;b;\"c,d,e\"".utf8)) == .semicolon)
        #expect(CSVDelimiter.detect(Array("a\tb\tc,d".utf8)) == .tab)
        #expect(CSVDelimiter.detect(Array("a|b|c".utf8)) == .pipe)
        #expect(CSVDelimiter.detect(Array("name".utf8)) == .comma)
    }

    @Test("encodings: BOMs, valid UTF-8, Windows-1252 by its 0x80–0x9F letters, ISO-8859-15 by its €")
    func encodings() {
        #expect(CSVEncoding.detect(Data([0xEF, 0xBB, 0xBF, 0x61])) == .utf8)
        #expect(CSVEncoding.detect(Data("Zoë".utf8)) == .utf8)
        #expect(CSVEncoding.detect(Data([0xFE, 0xFF, 0, 0x61])) == .utf16BE)
        #expect(CSVEncoding.detect(Data([0x93, 0x61, 0x94])) == .windows1252)
        #expect(CSVEncoding.detect(Data([0x35, 0xA4])) == .isoLatin9)
        #expect(CSVEncoding.detect(Data([0x5A, 0x6F, 0xEB])) == .isoLatin1)
        #expect(String(decoding: CSVEncoding.isoLatin9.utf8Bytes(of: Data([0x35, 0xA4])), as: UTF8.self) == "5€")
        #expect(String(decoding: CSVEncoding.windows1252.utf8Bytes(of: Data([0x80, 0xE9])), as: UTF8.self) == "€é")
        #expect(String(decoding: CSVEncoding.utf16BE.utf8Bytes(of: Data([0xFE, 0xFF, 0, 0xE9])), as: UTF8.self) == "é")
    }

    @Test("formulas are neutralised, plain phone numbers are not, and the import undoes it exactly")
    func neutralisation() {
        let cases: [(String, String)] = [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+33 1 23 45 67 89", "+33 1 23 45 67 89"),
            ("+1+2", "'+1+2"), ("-5", "'-5"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
            ("'=x", "''=x"), ("Anne", "Anne"), ("", ""), ("+33 (0)1 23 45 67 89", "+33 (0)1 23 45 67 89"),
            ("+33-1-23-45-67-89", "'+33-1-23-45-67-89"), ("+33 1.23/45", "'+33 1.23/45"),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ]
        for (value, written) in cases {
            #expect(CSVWriter.neutralised(value) == written, "\(value)")
            #expect(CSVWriter.denormalised(written) == value, "\(value)")
        }
    }

    @Test("our own format reads back what it writes, several numbers per kind and the preferred one included")
    func roundTrip() throws {
        let contact = Contact(
            title: "Dr", firstName: "Émile", lastName: "Zola", displayName: "=Zola", company: "Fasquelle; \"Fils\"",
            department: "-Édition", jobTitle: "@writer", birthday: "1840-04-02", notes: "line 1\nline 2",
            shortCode: "42",
            phones: [
                .init(type: .business, number: "+33 1 23 45 67 89"), .init(type: .business, number: "01 99 99 99 99"),
                .init(type: .mobile, number: "06 12 34 56 78", preferred: true),
            ],
            emails: [.init(type: .private, address: "emile@zola.example")],
            addresses: [.init(type: .business, street: "11 rue de Grenelle", postalCode: "75007", city: "Paris")])
        for delimiter in [CSVDelimiter.semicolon, .comma] {
            let text =
                CSVWriter.record(SwitchboardCSV.header, delimiter: delimiter)
                + CSVWriter.record(SwitchboardCSV.row(for: contact).map(CSVWriter.neutralised), delimiter: delimiter)
            var reader = CSVReader(utf8: Array(text.utf8), delimiter: CSVDelimiter.detect(Array(text.utf8)))
            let header = try #require(reader.next() as CSVRow?).cells
            #expect(CSVTemplate.suggest(for: header)?.id == "switchboard")
            let mapping = try #require(CSVTemplate.builtIn(id: "switchboard")).mapping(for: header)
            #expect(mapping.contact(from: try #require(reader.next() as CSVRow?)) == contact)
        }
    }

    @Test("duplicates: same folded name and a shared number, or identical fields; merging adds, never drops")
    func duplicates() {
        let a = Contact(displayName: "Émile Zola", phones: [.init(type: .business, number: "+33 1 23 45 67 89")])
        let b = Contact(displayName: "emile  zola", phones: [.init(type: .mobile, number: "0033 1 23 45 67 89")])
        let c = Contact(displayName: "Émile Zola", phones: [.init(type: .business, number: "01 00 00 00 00")])
        #expect(CSVDuplicateKey(a).matches(CSVDuplicateKey(b)))
        #expect(!CSVDuplicateKey(a).matches(CSVDuplicateKey(c)))
        #expect(CSVDuplicateKey(Contact(displayName: "X")).matches(CSVDuplicateKey(Contact(displayName: "X"))))
        let merged = a.merging(c)
        #expect(merged.phones.map(\.number) == ["+33 1 23 45 67 89", "01 00 00 00 00"])
    }
}

/// The fast paths a CSV import takes for nearly every row give what the general ones give.
@Suite("Interchange: fast paths of the CSV import")
struct CSVFastPathTests {
    private static func random(_ alphabet: [String], _ generator: inout some RandomNumberGenerator) -> String {
        (0..<Int.random(in: 0...14, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
            .joined()
    }

    @Test("a number made of ASCII is cleaned byte by byte as scalar by scalar")
    func cleanedASCII() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = ["0", "1", "7", "9", " ", "+", "-", ".", "/", "(", ")", "*", "#", "a", ",", "\t", "00"]
        var numbers = 0
        for _ in 0..<20_000 {
            let text = Self.random(alphabet, &generator)
            let ascii = PhoneNumber.cleanedASCII(text)
            #expect(ascii == nil || ascii == PhoneNumber.cleanedScalars(text), "\(text)")
            if ascii != nil { numbers += 1 }
        }
        #expect(numbers > 1_000)
        #expect(PhoneNumber.cleanedASCII("+33 1 23 45 67 89") == "+33123456789")
        #expect(PhoneNumber.cleanedASCII("1+2") == nil && PhoneNumber.cleanedScalars("1+2") == nil)
        #expect(PhoneNumber.cleanedASCII("0\u{00A0}1") == nil && PhoneNumber.cleanedScalars("0\u{00A0}1") == "01")
        #expect(PhoneNumber.cleaned(" 0033 (0)1 23 45 67 89 ") == "0033123456789")
    }

    @Test("a folded name keeps its words with single spaces, as split and joined again")
    func wordsSpaced() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = ["a", "b", " ", "  ", "\t", "\n", "é", "\u{00A0}", "\u{2003}", "x y"]
        for _ in 0..<20_000 {
            let text = Self.random(alphabet, &generator)
            #expect(
                CSVDuplicateKey.wordsSpaced(text) == text.split(whereSeparator: \.isWhitespace).joined(separator: " "),
                "\(text.debugDescription)")
        }
        #expect(CSVDuplicateKey.wordsSpaced("jean pierre") == "jean pierre")
        #expect(CSVDuplicateKey.wordsSpaced(" jean  pierre ") == "jean pierre")
    }
}

extension CSVFastPathTests {
    @Test("e-mail addresses: what RFC 5322 and 6531 allow is accepted, only what cannot be an address is refused")
    func plausibleEmail() {
        let accepted = [
            "anne@example.com", "contact1@invalid", "root@localhost", "é@ü.fr", "用户@例子.广告", "Pelé@exemple.fr",
            "\"john doe\"@example.com", "\"a@b\"@example.com", "user+tag@sub.example.co.uk", "o'brien@example.ie",
            "x@[192.0.2.1]", "x@[IPv6:2001:db8::1]", "a.b-c_d@my_host.example",
            String(repeating: "a", count: 64) + "@b.c",
            "!#$%&'*+-/=?^_`{|}~@example.org",
        ]
        for email in accepted { #expect(ProfileRules.isPlausibleEmail(email), "\(email)") }
        let refused = [
            "", "anne", "@example.com", "anne@", "anne @example.com", "anne@exa mple.com", "anne@exa\u{2028}mple.com",
            "a<b@c.d", "a@b.", "a@.b", "a@b..c", "a@-b.c", "a@b-.c", "a,b@c.d", "a@b.com, c@d.com", "a@b;c",
            "anne\u{00A0}@example.com", "a\tb@c.d", "a@b\nc", String(repeating: "a", count: 65) + "@b.c", "x@[]",
            "a@b@c", "\"unclosed@example.com",
        ]
        for email in refused { #expect(!ProfileRules.isPlausibleEmail(email), "\(email.debugDescription)") }
    }
}

extension CSVFastPathTests {
    @Test(
        "several e-mails or numbers in one cell become several entries; a cell that does not split cleanly stays whole")
    func severalValuesInOneCell() {
        #expect(CSVMapping.emails("a@x.fr; b@y.fr, c@z.fr") == ["a@x.fr", "b@y.fr", "c@z.fr"])
        #expect(CSVMapping.emails("a@x.fr\r\nb@y.fr\n") == ["a@x.fr", "b@y.fr"])
        #expect(CSVMapping.emails("a@x.fr ::: b@y.fr") == ["a@x.fr", "b@y.fr"])
        #expect(CSVMapping.emails("\"Doe, John\"@x.fr") == ["\"Doe, John\"@x.fr"])
        #expect(CSVMapping.emails("a@x.fr, see notes") == ["a@x.fr, see notes"])
        #expect(CSVMapping.numbers("06 12 34 56 78 / 04 78 00 00 02") == ["06 12 34 56 78", "04 78 00 00 02"])
        #expect(CSVMapping.numbers("+33 4 78 00 00 02; 0612345678;") == ["+33 4 78 00 00 02", "0612345678"])
        #expect(CSVMapping.numbers("555-1234,,,12") == ["555-1234,,,12"])
        #expect(CSVMapping.numbers("0478000002; ask the desk") == ["0478000002; ask the desk"])
        #expect(CSVMapping.numbers("0478000002") == ["0478000002"])
    }
}

@Suite("CSV columns read from their values")
struct CSVColumnInferenceTests {
    @Test("a first line that is already a contact is data; a header is not")
    func dataRow() {
        #expect(CSVColumnInference.isDataRow(["Dupont Jean", "04 78 00 00 02", "jean@dupont.fr"]))
        #expect(CSVColumnInference.isDataRow(["Accueil", "201"]))
        #expect(!CSVColumnInference.isDataRow(["First Name", "Last Name", "E-mail Address"]))
        #expect(!CSVColumnInference.isDataRow(["fn", "ln", "num"]))
        #expect(!CSVColumnInference.isDataRow(["Name", "Phone 2"]))
    }

    @Test("e-mails, numbers and postcodes by their values; the first words are the name, the next the company")
    func fields() {
        let samples = [
            ["Dupont Jean", "Acme", "04 78 00 00 02", "06 12 34 56 78", "jean@dupont.fr", "69001", ""],
            ["Martin Zoé", "Initech", "+33 1 23 45 67 89", "", "zoe@initech.example", "75007", ""],
            ["Accueil", "", "201", "", "", "", ""],
        ]
        #expect(
            CSVColumnInference.fields(header: nil, columns: 7, samples: samples) == [
                .displayName, .company, .phone(.business), .phone(.mobile), .email(.business),
                .address(.business, .postalCode), .ignore,
            ])
        // A column mostly of words with one number in it stays words.
        #expect(CSVColumnInference.dominantKind(["Lyon", "Paris", "Nice", "0478000002"]) == .text)
        #expect(CSVColumnInference.header(columns: 3) == ["1", "2", "3"])
    }
}
