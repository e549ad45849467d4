import Foundation
import Testing

@testable import SwitchboardCore

/// Files written in the legacy set of the system that saved them, without a BOM or a label: uchardet names the
/// set, iconv reads it. The fixtures are written by hand in `Fixtures/csv/` and `Fixtures/vcard/`.
@Suite("Character sets: CSV and vCard files in Asian, Cyrillic and Central European sets")
struct CharsetTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let file: String
        let encoding: CSVEncoding
        let first: (firstName: String, lastName: String, company: String)
        var testDescription: String { file }
    }

    static let csvCases: [Case] = [
        Case(file: "excel-ja-shift-jis.csv", encoding: .shiftJIS, first: ("太郎", "山田", "株式会社サンプル表計算")),
        Case(file: "excel-ja-euc-jp.csv", encoding: .eucJP, first: ("健太", "高橋", "東京システム株式会社")),
        Case(file: "excel-zh-gb18030.csv", encoding: .gb18030, first: ("小明", "王", "北京科技有限公司")),
        Case(file: "excel-zh-big5.csv", encoding: .big5, first: ("大文", "陳", "台北電腦股份有限公司")),
        Case(file: "excel-ko-euc-kr.csv", encoding: .eucKR, first: ("철수", "김", "서울전자 주식회사")),
        Case(file: "excel-ru-windows-1251.csv", encoding: .windows1251, first: ("Иван", "Петров", "ООО «Ромашка»")),
        Case(file: "unix-ru-koi8-r.csv", encoding: .koi8R, first: ("Сергей", "Смирнов", "Научный центр")),
        Case(
            file: "excel-pl-windows-1250.csv", encoding: .windows1250,
            first: ("Łukasz", "Żółkiewski", "Spółka Świętokrzyska")),
        Case(file: "unix-cz-iso-8859-2.csv", encoding: .isoLatin2, first: ("Jiří", "Dvořák", "Česká společnost")),
    ]

    @Test("The set is detected and every name reads as written", arguments: csvCases)
    func csvFile(_ testCase: Case) throws {
        let (encoding, _, template, contacts) = try CSVFixture.read(testCase.file)
        #expect(encoding == testCase.encoding)
        #expect(template == "outlook")
        let first = try #require(contacts.first)
        #expect(first.firstName == testCase.first.firstName)
        #expect(first.lastName == testCase.first.lastName)
        #expect(first.company == testCase.first.company)
        #expect(contacts.allSatisfy { !($0.lastName ?? "").contains("\u{FFFD}") })
    }

    @Test("Shift_JIS is read as Windows writes it: 0x5C in a kanji's second byte is not a backslash, 表 stays 表")
    func shiftJISSecondByte() throws {
        let (_, _, _, contacts) = try CSVFixture.read("excel-ja-shift-jis.csv")
        #expect(contacts[0].company?.hasSuffix("表計算") == true)
        #expect(contacts[2].company == "能登電機")
        #expect(contacts[0].emails.first?.address == "taro.yamada@example.jp")
    }

    @Test("Western files keep their finer reading: uchardet's Latin-1 with a € at 0xA4 is ISO-8859-15")
    func westernUnchanged() {
        let latin9 = Data([0x50, 0x72, 0x69, 0x78, 0x20, 0x35, 0x20, 0xA4, 0x0A, 0x48, 0xE9, 0x6C, 0xE8, 0x6E, 0x65])
        #expect(CSVEncoding.detect(latin9) == .isoLatin9)
        #expect(String(decoding: CSVEncoding.isoLatin9.utf8Bytes(of: latin9), as: UTF8.self) == "Prix 5 €\nHélène")
    }

    @Test("UTF-16 without a BOM shows by its zero bytes")
    func utf16WithoutBOM() {
        let little = Data("Name,Phone\n".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        let big = Data("Name,Phone\n".utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] })
        #expect(CSVEncoding.detect(little) == .utf16LE)
        #expect(CSVEncoding.detect(big) == .utf16BE)
    }

    @Test("A byte the set does not define becomes U+FFFD and the rest is read")
    func undefinedByte() throws {
        // 0x81 0x20 is not a Shift_JIS character; the 0x82 0xA0 after it is あ.
        let text = try #require(Charset.utf8([0x41, 0x81, 0x20, 0x42, 0x82, 0xA0], from: "CP932"))
        #expect(String(decoding: text, as: UTF8.self).hasPrefix("A\u{FFFD}"))
        #expect(String(decoding: text, as: UTF8.self).hasSuffix("Bあ"))
        #expect(Charset.utf8([0x41], from: "NO-SUCH-SET") == nil)
    }

    @Test("A vCard without CHARSET in KOI8-R or GB18030 is read in its set")
    func vCardWithoutLabel() throws {
        let russian = try VCardFixture.read("feature-phone-koi8-r-2.1.vcf")
        #expect(russian.cards.map(\.contact.lastName) == ["Смирнов", "Кузнецова"])
        #expect(russian.cards[0].contact.company == "Научный центр")
        let chinese = try VCardFixture.read("windows-zh-gb18030-3.0.vcf")
        #expect(chinese.cards.map(\.contact.lastName) == ["王", "李"])
        #expect(chinese.cards[1].contact.company == "上海贸易有限公司")
    }

    @Test("A vCard value labelled with any set iconv reads is read in it")
    func labelledValue() {
        var bytes = Array("BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=KOI8-R:".utf8)
        bytes += [0xF3, 0xCD, 0xC9, 0xD2, 0xCE, 0xCF, 0xD7]  // Смирнов
        bytes += Array("\r\nEND:VCARD\r\n".utf8)
        let result = VCardReader.read(Data(bytes))
        #expect(result.cards.first?.contact.lastName == "Смирнов")
        #expect(result.problems.isEmpty)
    }
}

@Suite("Character sets: Western files stay Western")
struct WesternCharsetTests {
    /// 300 files of French, German, Spanish and Nordic names in Latin-1 or Windows-1252, like the ones uchardet
    /// alone called ISO-8859-2, IBM852 or MAC-CENTRALEUROPE six times in 300.
    @Test("generated Western address books are read in a Western set")
    func generatedWesternFiles() {
        let first = [
            "John", "Zoë", "José", "Mary", "Björn", "Anne", "François", "Hélène", "Jürgen", "Søren", "Íñigo", "João",
            "Noël", "Ångström", "Pietà", "Renée", "Chloé", "Raphaël", "Günter", "Mónica", "Begoña", "Loïc", "Élodie",
            "Gaëlle", "Tomás", "Agnès",
        ]
        let last = [
            "Smith", "Adams", "García", "Müller", "Dupont", "Lefèvre", "Groß", "Núñez", "Simões", "Østergård", "Weiß",
            "Brontë", "Ruíz", "Jäger", "Håkansson", "Öztürk", "Benoît", "Gérard",
        ]
        let companies = ["Acme", "Société Générale", "Bäckerei Schön", "Café Crème", "Peña & Hijos", "Ærø Fiskeri"]
        var seed: UInt64 = 4
        func next(_ bound: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(bound))
        }
        var misread: [String] = []
        for _ in 0..<300 {
            var text = ["First Name,Last Name,Company,Phone", "Prénom;Nom;Société;Téléphone"][next(2)]
            for row in 0..<(1 + next(60)) {
                text += "\n\(first[next(first.count)]),\(last[next(last.count)]),\(companies[next(companies.count)])"
                text += ",+\(1 + next(98)) \(100 + next(900)) \(row)"
            }
            let bytes = Data(text.unicodeScalars.map { UInt8($0.value) })
            let encoding = CSVEncoding.detect(bytes)
            if ![.isoLatin1, .isoLatin9, .windows1252].contains(encoding) {
                misread.append("\(encoding): \(text.prefix(80))")
            }
        }
        #expect(misread.isEmpty)
    }

    @Test("a Spanish or French file is not Central European for its ¿ « œ")
    func westernPunctuationIsNotCentralEuropean() {
        // "¿Qué?" "« Cœur »" in Windows-1252: none of these bytes is a letter only Central European sets have.
        let western = Data([0xBF, 0x51, 0x75, 0xE9, 0x3F, 0x20, 0xAB, 0x43, 0x9C, 0x75, 0x72, 0xBB, 0x20, 0x8A, 0x61])
        #expect(!CSVEncoding.windows1250.isPlausible(for: Array(western)))
        #expect(!CSVEncoding.isoLatin2.isPlausible(for: Array(western)))
        // "ł" in "Małgorzata": a Latin-2 letter inside a word.
        #expect(CSVEncoding.isoLatin2.isPlausible(for: Array("Ma".utf8) + [0xB3] + Array("gorzata".utf8)))
    }

    @Test("a Shift_JIS file larger than the sample is still Shift_JIS, wherever the sample ends")
    func largeShiftJIS() {
        // Rows of 山田太郎花子 (two bytes each) and a line break: 13 bytes a row. With every padding from 0 to 12, the
        // 256 KB boundary falls on each byte of a row once — six times between a kanji's two bytes.
        let row: [UInt8] = [0x8E, 0x52, 0x93, 0x63, 0x91, 0xBE, 0x98, 0x59, 0x89, 0xD4, 0x8E, 0x71, 0x0A]
        for padding in 0..<13 {
            var large = Array("Name\n".utf8) + Array(repeating: 0x20, count: padding) + [0x0A]
            for _ in 0..<21_000 { large += row }
            #expect(large.count > 256 * 1024)
            #expect(CSVEncoding.detect(large) == .shiftJIS, "padding \(padding)")
        }
    }

    @Test("KOI8-U, ISO-8859-5 and ISO-8859-7 read in their own tables")
    func ownTables() {
        // ї in KOI8-U is 0xA7; Ж in ISO-8859-5 is 0xB6; Ά in ISO-8859-7 is 0xB6.
        #expect(String(decoding: CSVEncoding.koi8U.utf8Bytes(of: Data([0xA7])), as: UTF8.self) == "ї")
        #expect(String(decoding: CSVEncoding.isoCyrillic.utf8Bytes(of: Data([0xB6])), as: UTF8.self) == "Ж")
        #expect(String(decoding: CSVEncoding.isoGreek.utf8Bytes(of: Data([0xB6])), as: UTF8.self) == "Ά")
    }

    @Test("Zoë alone is Latin-1, not Latin-2")
    func shortest() {
        #expect(CSVEncoding.detect(Data([0x5A, 0x6F, 0xEB])) == .isoLatin1)
    }
}
