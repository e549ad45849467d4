import Testing

@testable import SwitchboardCore

@Suite("Phone directory XML")
struct PhoneDirectoryTests {
    @Test("escapes markup and quotes, drops control characters, keeps accents and emoji")
    func escaping() {
        #expect(
            PhoneDirectoryXML.escape("Tom & Jerry <CEO> \"Q\" 'n'")
                == "Tom &amp; Jerry &lt;CEO&gt; &quot;Q&quot; &apos;n&apos;")
        #expect(PhoneDirectoryXML.escape("A\u{0}B\u{7}C\u{1B}D\u{FFFE}") == "ABCD")
        #expect(PhoneDirectoryXML.escape("line\nbreak\r\ntab\t") == "line break tab\t")
        #expect(PhoneDirectoryXML.escape("Émile 🍕 Ørsted") == "Émile 🍕 Ørsted")
    }

    @Test("a contact without a dialable number is no entry; faxes are left out; preferred first")
    func numbers() {
        let faxOnly = PhoneDirectoryEntry(name: "Fax", numbers: [.init(type: .businessFax, number: "0100000000")])
        #expect(PhoneDirectoryFormat.allCases.allSatisfy { PhoneDirectoryXML.entry($0, faxOnly).isEmpty })
        let two = PhoneDirectoryEntry(
            name: "Ann",
            numbers: [.init(type: .business, number: "01 23"), .init(type: .mobile, number: "06-12", preferred: true)])
        #expect(
            PhoneDirectoryXML.entry(.yealink, two)
                == "<DirectoryEntry><Name>Ann</Name><Telephone>0612</Telephone><Telephone>0123</Telephone></DirectoryEntry>\n"
        )
        #expect(
            PhoneDirectoryXML.entry(.xml, two)
                == "<Entry><Name>Ann</Name><Number type=\"mobile\">0612</Number><Number type=\"business\">0123</Number></Entry>\n"
        )
    }

    @Test("every format declares UTF-8 and closes what it opens")
    func frame() {
        for format in PhoneDirectoryFormat.allCases {
            let header = PhoneDirectoryXML.header(format, title: "A & B")
            #expect(header.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"))
            let root = header.split(separator: "\n")[1].dropFirst().prefix { $0 != ">" && $0 != " " }
            #expect(PhoneDirectoryXML.footer(format) == "</\(root)>\n")
        }
    }
}
