import Foundation
import Testing

@testable import SwitchboardCore

@Suite("LDAP names and entries")
struct LDAPEntryTests {
    @Test("DNs: spaces, case and escapes; relative to the base; group slugs")
    func names() throws {
        let name = try #require(LDAPName("UID=Alice , DC=Switchboard"))
        #expect(name.normalized == "uid=alice,dc=switchboard")
        #expect(name.relative(to: LDAPName("dc=switchboard")!)?.map(\.value) == ["Alice"])
        #expect(LDAPName("cn=Dupont\\, Jean,dc=x")?.parts.first?.value == "Dupont, Jean")
        #expect(LDAPName("cn=caf\\c3\\a9,dc=x")?.parts.first?.value == "café")
        #expect(LDAPName("")?.parts.isEmpty == true)
        #expect(LDAPName("no-equals") == nil && LDAPName("cn=a\\") == nil && LDAPName(",dc=x") == nil)
        #expect(LDAPName("uid=bob,dc=other")?.relative(to: LDAPName("dc=switchboard")!) == nil)
        #expect(LDAPName.slug(of: "Direction générale") == "direction-generale")
        #expect(LDAPName.slug(of: "  R&D / Labs ") == "r-d-labs")
    }

    let entry = LDAPEntry(
        contact: .init(
            id: UUID(uuidString: "01a24618-9d10-7000-8675-d78b07543fe5")!, displayName: "Zoé Martin", firstName: "Zoé",
            lastName: "Martin", company: "Acme", jobTitle: nil,
            phones: [
                PhoneEntry(type: .business, number: "+33 4 78 00 00 02"),
                PhoneEntry(type: .mobile, number: "06 12 34 56 78"),
                PhoneEntry(type: .other, number: "+1 418-656-9254 ext. 102"),
            ],
            emails: [EmailEntry(type: .business, address: "zoe@example.fr")], addresses: []),
        container: LDAPName("ou=contacts,dc=switchboard")!, dialPlan: DialPlan())

    @Test("numbers in dialable international form; the DN from the contact's id")
    func attributes() {
        let attributes = Dictionary(uniqueKeysWithValues: entry.attributes([]).map { ($0.0, $0.1) })
        #expect(entry.dn == "uid=01a24618-9d10-7000-8675-d78b07543fe5,ou=contacts,dc=switchboard")
        #expect(attributes["telephoneNumber"] == ["+33478000002", "+14186569254,102"])
        #expect(attributes["mobile"] == ["+33612345678"])
        #expect(attributes["sn"] == ["Martin"] && attributes["givenName"] == ["Zoé"])
        #expect(entry.attributes(["cn", "MAIL"]).map(\.0) == ["cn", "mail"])
        #expect(entry.attributes(["1.1"]).isEmpty)
        // In the fixed order whatever order they are asked in, each once, unknown names left out; all of them for "*".
        #expect(
            entry.attributes(["mobile", "UID", "cn", "nosuch", "CN", "objectclass"]).map(\.0) == [
                "objectClass", "cn", "mobile", "uid",
            ])
        #expect(
            entry.attributes(["*"]).map(\.0) == [
                "objectClass", "cn", "displayName", "givenName", "sn", "o", "telephoneNumber", "mobile", "mail", "uid",
            ])
    }

    @Test("values without surrounding spaces (no-break and tabs too); a value of spaces only is no value")
    func spaces() {
        let spaced = LDAPEntry(
            contact: .init(
                id: UUID(), displayName: " Zoé Martin\u{00A0}", firstName: "\u{2009}\t", lastName: "Martin ",
                company: "\tAcme", department: "\u{200B} ", jobTitle: "Chef de projet",
                phones: [], emails: [EmailEntry(type: .business, address: " zoe@example.fr")], addresses: []),
            container: LDAPName("ou=contacts,dc=switchboard")!, dialPlan: DialPlan())
        let attributes = Dictionary(uniqueKeysWithValues: spaced.attributes([]).map { ($0.0, $0.1) })
        #expect(attributes["cn"] == ["Zoé Martin"] && attributes["displayName"] == ["Zoé Martin"])
        #expect(
            attributes["sn"] == ["Martin"] && attributes["o"] == ["Acme"] && attributes["mail"] == ["zoe@example.fr"])
        #expect(attributes["givenName"] == nil && attributes["ou"] == nil)
        #expect(attributes["title"] == ["Chef de projet"])
        #expect(attributes["objectClass"] == ["top", "person", "organizationalPerson", "inetOrgPerson"])
    }

    @Test(
        "filters: accents and case folded, numbers through the dial plan, absent and unknown attributes",
        arguments: [
            ("(cn=*zoe*)", true), ("(cn=ZOÉ MARTIN)", true), ("(sn=mar*)", true), ("(givenName=*x*)", false),
            ("(telephoneNumber=*0478000002)", true), ("(mobile=*0612345678)", true), ("(mobile=+33612*)", true),
            ("(telephoneNumber=0478000002)", true), ("(mobile=*0478000002)", false), ("(mail=*@example.fr)", true),
            ("(objectClass=inetOrgPerson)", true), ("(title=*)", false), ("(!(title=boss))", true),
            ("(!(description=x))", false), ("(|(description=x)(cn=zoe*))", true), ("(&(cn=zoe*)(!(o=acme)))", false),
        ])
    func filters(filter: String, matches: Bool) throws {
        #expect(entry.matches(try Self.parse(filter)) == matches)
    }

    /// A tiny reader of the string filters above (the server gets them as BER).
    static func parse(_ text: String) throws -> LDAPFilter {
        var rest = Substring(text)
        func filter() throws -> LDAPFilter {
            guard rest.first == "(" else { throw CancellationError() }
            rest.removeFirst()
            let result: LDAPFilter
            switch rest.first {
            case "&", "|":
                let isAnd = rest.removeFirst() == "&"
                var children: [LDAPFilter] = []
                while rest.first == "(" { children.append(try filter()) }
                result = isAnd ? .and(children) : .or(children)
            case "!":
                rest.removeFirst()
                result = .not(try filter())
            default:
                let item = rest.prefix { $0 != ")" }
                rest = rest.dropFirst(item.count)
                let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
                let attribute = parts[0].lowercased()
                let value = parts.count > 1 ? parts[1] : ""
                if value == "*" {
                    result = .present(attribute)
                } else if value.contains("*") {
                    let pieces = value.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
                    result = .substrings(
                        attribute, initial: pieces.first!.isEmpty ? nil : pieces.first,
                        any: pieces.dropFirst().dropLast().filter { !$0.isEmpty },
                        final: pieces.last!.isEmpty ? nil : pieces.last)
                } else {
                    result = .equality(attribute, value)
                }
            }
            guard rest.first == ")" else { throw CancellationError() }
            rest.removeFirst()
            return result
        }
        return try filter()
    }
}
