import Testing

@testable import SwitchboardCore

@Suite("Localization")
struct LocalizationTests {
    let localization = Localization(tables: [
        .en: ["greeting": "Hello {name}", "only.en": "English only"],
        .fr: ["greeting": "Bonjour {name}"],
    ])

    @Test func fillsPlaceholders() {
        #expect(localization.text("greeting", in: .fr, ["name": "Émile"]) == "Bonjour Émile")
    }

    @Test func fillsEachPlaceholderOnceFromTheTemplateOnly() {
        let localization = Localization(tables: [.en: ["pair": "{a} and {b}, {unknown}, {a}, {open", "nest": "{x{a}}"]])
        // A value holding a placeholder's spelling is shown as written, not filled in turn.
        #expect(localization.text("pair", in: .en, ["a": "{b}", "b": "Bob"]) == "{b} and Bob, {unknown}, {b}, {open")
        #expect(localization.text("nest", in: .en, ["a": "1"]) == "{x1}")
        #expect(localization.text("pair", in: .en) == "{a} and {b}, {unknown}, {a}, {open")
    }

    @Test func fallsBackToEnglishThenToTheKey() {
        #expect(localization.text("only.en", in: .fr) == "English only")
        #expect(localization.text("missing", in: .fr) == "missing")
    }

    @Test func reportsMissingKeys() {
        #expect(localization.missingKeys == [.fr: ["only.en"]])
        #expect(!localization.contains("only.en"))
        #expect(localization.contains("greeting"))
    }
}

@Suite("Language negotiation")
struct LanguageNegotiationTests {
    @Test(
        arguments: [
            (nil, Language.en), ("", .en), ("fr", .fr), ("fr-CH, fr;q=0.9, en;q=0.8", .fr),
            ("en-GB,en;q=0.9,fr;q=0.8", .en), ("de-DE, fr;q=0.5, en;q=0.7", .en), ("de, it", .en),
            ("en;q=0.2, fr;q=0.9", .fr), ("fr;q=0, en", .en), ("FR-be", .fr),
        ] as [(String?, Language)])
    func negotiates(header: String?, expected: Language) {
        #expect(Language.negotiate(acceptLanguage: header) == expected)
    }
}
