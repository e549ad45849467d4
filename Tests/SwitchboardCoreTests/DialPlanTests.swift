import Testing

@testable import SwitchboardCore

@Suite("Dial plan")
struct DialPlanTests {
    let france = DialPlan(countryCode: "33", trunkPrefix: "0", internationalPrefix: "00", outsideLinePrefix: "0")

    @Test(arguments: [
        ("+33 1 23 45 67 89", DialPlan.Number.external("+33123456789")),
        ("0033 1 23 45 67 89", .external("+33123456789")),
        ("01 23 45 67 89", .external("+33123456789")),
        ("+33 (0)1 23 45 67 89", .external("+33123456789")),
        ("0049 30 1234567", .external("+49301234567")),
        ("201", .internal("201")),
        ("*31#", .internal("*31#")),
    ])
    func understandsWhatPeopleType(raw: String, expected: DialPlan.Number) {
        #expect(france.understand(raw) == expected)
    }

    @Test(
        "a number filter is read as people say numbers: national, international, with (0); other filters as typed",
        arguments: [
            ("04 78", NumberFilter(anywhere: nil, starts: ["33478", "0033478", "0478", "330478", "00330478"])),
            ("0478", NumberFilter(anywhere: nil, starts: ["33478", "0033478", "0478", "330478", "00330478"])),
            ("0033 4 78", NumberFilter(anywhere: nil, starts: ["33478", "0033478", "0478", "330478", "00330478"])),
            ("+33 (0)4 78", NumberFilter(anywhere: nil, starts: ["33478", "0033478", "0478", "330478", "00330478"])),
            ("+1 418", NumberFilter(anywhere: nil, starts: ["1418", "001418"])),
            ("0049 30", NumberFilter(anywhere: nil, starts: ["4930", "004930"])),
            ("12", NumberFilter(anywhere: "12")),
            ("78 00", NumberFilter(anywhere: "7800")),
            ("0", NumberFilter(anywhere: "0")),
            ("00", NumberFilter(anywhere: "00")),
        ])
    func numberFilter(raw: String, expected: NumberFilter) {
        #expect(france.numberFilter(raw) == expected)
    }

    @Test("a number filter without a digit is none; a country without trunk prefix has no national form")
    func numberFilterEdges() throws {
        #expect(france.numberFilter("abc") == nil)
        let italy = DialPlan(countryCode: "39", trunkPrefix: "", internationalPrefix: "00")
        #expect(italy.numberFilter("06 1234") == NumberFilter(anywhere: "061234"))
        #expect(italy.numberFilter("+39 06") == NumberFilter(anywhere: nil, starts: ["3906", "003906", "06"]))
        // One number, as the search asks the database: the start of any stored form, or digits anywhere.
        let lyon = try #require(france.numberFilter("04 78"))
        #expect(lyon.matches("+33 (0)4 78 00 00 02") && lyon.matches("04 78 00 00 03") && !lyon.matches("+47 80 04 78"))
        #expect(NumberFilter(anywhere: "7800").matches("+33 4 78 00 00 02"))
    }

    @Test("a caller presented by the PBX loses the outside-line prefix once")
    func outsideLinePrefixFromPBX() {
        #expect(france.understand("00123456789", fromPBX: true) == .external("+33123456789"))
        #expect(france.understand("0004930123456", fromPBX: true) == .external("+4930123456"))
        #expect(france.understand("201", fromPBX: true) == .internal("201"))
    }

    @Test(arguments: [
        ("+33 1 23 45 67 89", "00123456789"), ("01 23 45 67 89", "00123456789"),
        ("+49 30 1234567", "0004930 1234567".replacingOccurrences(of: " ", with: "")), ("202", "202"),
    ])
    func dialsWithTheOutsideLine(raw: String, dialed: String) {
        #expect(france.dialString(for: raw) == dialed)
    }

    @Test func withoutOutsideLinePrefix() {
        let plan = DialPlan(countryCode: "49", trunkPrefix: "0", internationalPrefix: "00", outsideLinePrefix: "")
        #expect(plan.dialString(for: "+49 30 1234567") == "0301234567")
        #expect(plan.dialString(for: "+33 1 23 45 67 89") == "0033123456789")
        #expect(plan.dialString(for: "call me") == nil)
    }
}

@Suite("Caller-ID matching")
struct CallerIDMatcherTests {
    let matcher = CallerIDMatcher(
        plan: DialPlan(countryCode: "33", trunkPrefix: "0", internationalPrefix: "00", outsideLinePrefix: "0"))
    let book: [(number: String, name: String)] = [
        ("+33 1 23 45 67 89", "Émile Zola"), ("06 12 34 56 78", "Jeanne Dupré"), ("201", "Reception"),
        ("+44 20 7946 0000", "London office"), ("+1 212 555 0100", "New York"), ("+1 415 555 0100", "San Francisco"),
    ]

    @Test(arguments: [
        ("+33123456789", "Émile Zola"), ("00033123456789", "Émile Zola"), ("00123456789", "Émile Zola"),
        ("0612345678", "Jeanne Dupré"), ("00612345678", "Jeanne Dupré"), ("201", "Reception"),
        ("+442079460000", "London office"),
    ])
    func exactAfterUnderstanding(presented: String, name: String) {
        #expect(matcher.bestMatch(for: presented, among: book)?.name == name)
        #expect(matcher.bestMatch(for: presented, among: book)?.match == .exact)
    }

    @Test("a national number that lost its country code still matches")
    func national() {
        let match = matcher.bestMatch(for: "+33 6 12 34 56 78", among: [("0612345678", "Jeanne")])
        #expect(match?.match == .exact)
        let mangled = matcher.bestMatch(for: "123456789", among: book)
        #expect(mangled?.name == "Émile Zola")
    }

    @Test("last digits match only when they name one person")
    func trailingDigits() {
        #expect(matcher.bestMatch(for: "+99 9 23 45 67 89", among: book)?.match == .trailingDigits)
        #expect(matcher.bestMatch(for: "+1 999 555 0100", among: book) == nil)
        #expect(matcher.bestMatch(for: "0999999999", among: book) == nil)
        #expect(matcher.bestMatch(for: "not a number", among: book) == nil)
    }
}

@Suite("Caller-ID index keys")
struct CallerIDIndexTests {
    /// The lookup reads only the numbers whose `storageKey` is among the presented number's
    /// `searchKeys`: it must find what a scan of every number finds.
    @Test(arguments: ["33", "49"])
    func indexAgreesWithAFullScan(countryCode: String) {
        let matcher = CallerIDMatcher(
            plan: DialPlan(
                countryCode: countryCode, trunkPrefix: "0", internationalPrefix: "00", outsideLinePrefix: "0"))
        let book: [(number: String, name: String)] = [
            ("+33 1 23 45 67 89", "Émile Zola"), ("06 12 34 56 78", "Jeanne Dupré"), ("201", "Reception"),
            ("030 12345", "Berlin short"), ("+49 30 12345", "Berlin short"), ("0049 89 1234 5678", "München"),
            ("+44 20 7946 0000", "London office"), ("+1 212 555 0100", "New York"),
            ("+33 (0)4 72 00 00 00", "Lyon"),
        ]
        let presented = [
            "+33123456789", "00033123456789", "00123456789", "0123456789", "0612345678", "00612345678", "201",
            "+442079460000", "0030 12345", "+4930 12345", "003012345", "+49 89 12345678", "0089 12345678",
            "0472000000", "+33472000000", "+99 9 23 45 67 89", "12345678", "0999999999",
        ]
        for number in presented {
            let keys = Set(matcher.searchKeys(for: number))
            let indexed = book.filter { CallerIDMatcher.storageKey(for: $0.number).map(keys.contains) ?? false }
            let scanned = matcher.bestMatch(for: number, among: book)
            let found = matcher.bestMatch(for: number, among: indexed)
            #expect(found?.name == scanned?.name, "\(number) in +\(countryCode)")
            #expect(found?.match == scanned?.match, "\(number) in +\(countryCode)")
        }
    }

    @Test func storageKeys() {
        #expect(CallerIDMatcher.storageKey(for: "+33 (0)1 23 45 67 89") == "23456789")
        #expect(CallerIDMatcher.storageKey(for: "201") == "201")
        #expect(CallerIDMatcher.storageKey(for: "call me") == nil)
    }

    @Test(
        "numbers with an extension, as address books write them",
        arguments: [
            ("tel:+1-418-656-9254;ext=102", "+1-418-656-9254", "102"),
            ("+1 418-656-9254 ext. 102", "+1 418-656-9254", "102"),
            ("(111) 555-1212 x123", "(111) 555-1212", "123"),
            ("(111) 555-1212 X 123", "(111) 555-1212", "123"),
            ("01 23 45 67 89 poste 204", "01 23 45 67 89", "204"),
            ("01 23 45 67 89, ext 12", "01 23 45 67 89", "12"),
            ("+33 1 23 45 67 89 p204", "+33 1 23 45 67 89", "204"),
            ("0123456789w204", "0123456789", "204"),
            ("+14186569254,,102", "+14186569254", "102"),
            ("030 1234567 Durchwahl 15", "030 1234567", "15"),
        ])
    func extensions(written: String, main: String, ext: String) throws {
        let parts = try #require(PhoneNumber.withExtension(written))
        #expect(parts.main == main && parts.extension == ext)
        #expect(PhoneNumber.dialable(written) == PhoneNumber.normalized(main)! + "," + ext)
    }

    @Test(
        "not an extension: words, a second number, digits run on",
        arguments: [
            "call me", "box x12", "123 abc", "x123", "+33 1 23 45 67 89 ext.", "+33 1 23 45 67 89 ext 123456789",
            "tel:+1-418-656-9254;isub=1411",
        ])
    func notExtensions(written: String) {
        #expect(PhoneNumber.withExtension(written) == nil)
    }

    @Test("a direct-dial number with its digits run on is one number")
    func directDial() {
        #expect(PhoneNumber.withExtension("+49 40 6432131-550") == nil)
        #expect(PhoneNumber.dialable("+49 40 6432131-550") == "+49406432131550")
    }

    @Test("the PBX dials the main number, a pause, the extension; caller-ID knows the main number")
    func extensionDialledAndMatched() {
        let france = DialPlan(countryCode: "33", trunkPrefix: "0", internationalPrefix: "00", outsideLinePrefix: "0")
        #expect(france.dialString(for: "+1 418-656-9254 ext. 102") == "0001418656925" + "4,102")
        #expect(france.dialString(for: "01 23 45 67 89 poste 204") == "00123456789,204")
        #expect(france.understand("01 23 45 67 89 poste 204") == .external("+33123456789"))
        #expect(CallerIDMatcher.storageKey(for: "(111) 555-1212 x123") == "15551212")
        let matcher = CallerIDMatcher(plan: france)
        let found = matcher.bestMatch(
            for: "+14186569254", among: [(number: "tel:+1-418-656-9254;ext=102", name: "Laval reception")])
        #expect(found?.name == "Laval reception" && found?.match == .exact)
    }
}
