import Foundation
import SwitchboardCore
import Testing

@testable import App

@Suite("Translations")
struct LocalizationTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    let localization = try! Localization(directory: root.appendingPathComponent("Resources/Localization"))

    @Test("every translation uses its language's glossary: no word the glossary says to avoid (Resources/Glossary)")
    func glossary() throws {
        struct Glossary: Decodable {
            struct Term: Decodable {
                let use: String
                let avoid: [String]
            }
            let terms: [Term]
        }
        for language in Language.allCases {
            let folder = Self.root.appendingPathComponent("Resources")
            let glossary = try JSONDecoder().decode(
                Glossary.self,
                from: Data(contentsOf: folder.appendingPathComponent("Glossary/\(language.rawValue).json")))
            let table = try JSONDecoder().decode(
                [String: String].self,
                from: Data(contentsOf: folder.appendingPathComponent("Localization/\(language.rawValue).json")))
            #expect(glossary.terms.count >= 5)
            for term in glossary.terms {
                for word in term.avoid {
                    let pattern = try NSRegularExpression(
                        pattern: "(?<![\\w-])" + NSRegularExpression.escapedPattern(for: word) + "(?![\\w-])",
                        options: .caseInsensitive)
                    let offending = table.filter { _, text in
                        pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
                    }
                    #expect(offending.isEmpty, "\(language): “\(word)” — say “\(term.use)”: \(offending.keys.sorted())")
                }
            }
        }
    }

    @Test("French and English have exactly the same keys")
    func sameKeys() {
        #expect(localization.missingKeys.isEmpty, "\(localization.missingKeys)")
    }

    @Test("no text is empty, and French is not a copy of English")
    func filledIn() {
        for language in Language.allCases {
            let empty = localization.tables[language]!.filter { $0.value.trimmingCharacters(in: .whitespaces).isEmpty }
            #expect(empty.isEmpty, "\(language): \(empty.keys.sorted())")
        }
        let same = localization.tables[.en]!.filter { localization.tables[.fr]![$0.key] == $0.value }
        // Only words that are spelt the same in both languages may repeat.
        let allowed: Set = [
            "Contacts", "Actions", "Pages", "Photo (PNG)", "Destination", "1980-05-31",
            "Contact",
            "DECT", "E-mail", "Mobile", "Notes", "QR code", "Standard", "Port (LDAP)", "Port (LDAPS, TLS)", "Photo",
            "Unicode",
        ]
        #expect(Set(same.values).isSubset(of: allowed), "\(same.keys.sorted())")
    }

    @Test("every #t(\"key\") in the templates exists")
    func templateKeysExist() throws {
        let views = Self.root.appendingPathComponent("Resources/Views")
        let files = try #require(FileManager.default.enumerator(at: views, includingPropertiesForKeys: nil))
        var used: Set<String> = []
        for case let file as URL in files where file.pathExtension == "leaf" {
            let text = try String(contentsOf: file, encoding: .utf8)
            let regex = try NSRegularExpression(pattern: #"#t\("([^"]+)"[,)]"#)
            for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                used.insert(String(text[Range(match.range(at: 1), in: text)!]))
            }
        }
        #expect(used.count > 50)
        let unknown = used.filter { !localization.contains($0) }.sorted()
        #expect(unknown.isEmpty, "unknown keys: \(unknown)")
    }

    @Test("keys built at run time exist: roles, themes, languages, audit actions, errors, pages")
    func dynamicKeysExist() {
        var keys = Role.allCases.map { "role.\($0.rawValue)" }
        keys += Theme.allCases.map { "theme.\($0.rawValue)" }
        keys += Language.allCases.map { "language.\($0.rawValue)" }
        keys += AuditAction.allCases.map { "audit.action.\($0.rawValue)" }
        keys += SwitchboardError.allForTranslationCheck.map(\.messageKey)
        keys += ["users.new_title", "users.edit_title"]
        keys += PhoneType.allCases.map { "phone_type.\($0.rawValue)" }
        keys += EmailType.allCases.map { "email_type.\($0.rawValue)" }
        keys += AddressType.allCases.map { "address_type.\($0.rawValue)" }
        keys += ContactGroupKind.allCases.map { "group_kind.\($0.rawValue)" }
        keys += ContactsListController.ListQuery.filterNames.map { "contacts.filter.\($0.0)" }
        keys += ["none", "read", "write"].map { "groups.right_\($0)" }
        keys += ["contacts.all", "contacts.without_group", "contacts.empty", "contacts.empty_no_match"]
        keys += ["contacts.empty_no_rights", "contacts.nothing_selected", "contacts.deleted_many"]
        keys += ["contacts.added_to_group", "contacts.removed_from_group", "contacts.delete_all_word"]
        keys += ["contacts.delete_all_mismatch", "contact.created", "contact.saved", "contact.deleted"]
        keys += ["contact.delete_unconfirmed", "contact.read_only_linked", "contact.read_only_rights"]
        keys += ["groups.created", "groups.saved", "groups.rights_saved", "groups.deleted"]
        keys += ["groups.delete_unconfirmed", "groups.dect_limits_summary", "contact.groups_hint_keeper"]
        keys += ["contact.groups_hint_subscriber", "contact.title_page", "contact.new", "contact.edit"]
        keys += ["contacts.select_one", "contacts.more_numbers"]
        keys += ["users.created", "users.saved", "users.deleted", "users.password_reset_done"]
        keys += ["error.heading_forbidden", "error.heading_not_found"]
        keys += ForwardingRuleKind.allCases.flatMap {
            ["forwarding.rule.\($0.rawValue)", "forwarding.hint.\($0.rawValue)"]
        }
        keys += CallOrigin.allCases.flatMap {
            ["forwarding.summary.\($0.rawValue)_ring", "forwarding.summary.\($0.rawValue)_forward"]
        }
        keys += [
            "forwarding.summary.unconditional", "forwarding.rings_option", "forwarding.rings_option_one",
            "forwarding.saved",
        ]
        keys += ["extension", "external", "voicemail"].map { "forwarding.destination.\($0)" }
        keys += ["dialpad.calling", "dialpad.recorded", "settings.profile_saved", "settings.photo_saved"]
        keys += ["settings.photo_removed", "settings.password_changed", "forwarding.title"]
        keys += ["settings.preferences_saved", "settings.token_revoked", "signin.title", "error.title"]
        keys += VCardProblem.allForTranslationCheck.map { "import.problem.\(VCardProblem(line: 1, kind: $0).code)" }
        keys += ContactImportService.Notice.allForTranslationCheck.map { "import.notice.\($0.code)" }
        keys += ["import.title", "import.report_title", "import.group_required"]
        let unknown = keys.filter { !localization.contains($0) }
        #expect(unknown.isEmpty, "unknown keys: \(unknown)")
    }

    @Test("a language without a user preference comes from Accept-Language")
    func negotiatedLanguage() async throws {
        try await withApp { app in
            let browser = Browser(app)
            browser.acceptLanguage = "de-DE, fr;q=0.8, en;q=0.5"
            let page = try await browser.get(Paths.signIn.path)
            #expect(page.body.string.contains("<html lang=\"fr\""))
            #expect(page.body.string.contains("Se connecter"))
            browser.acceptLanguage = "de-DE"
            #expect(try await browser.get(Paths.signIn.path).body.string.contains("<html lang=\"en\""))
        }
    }

    @Test("the sign-in page's language picker is remembered")
    func languagePicker() async throws {
        try await withApp { app in
            let browser = Browser(app)
            browser.acceptLanguage = "en"
            try await browser.get("\(Paths.language.path)?lang=fr&next=/sign-in")
            #expect(try await browser.get(Paths.signIn.path).body.string.contains("Nom d’utilisateur"))
        }
    }
}
