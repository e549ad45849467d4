import Foundation
import Testing

@testable import SwitchboardCore

@Suite("Flat JSON reader (stored numbers, e-mails, addresses)")
struct FlatJSONTests {
    @Test("reads what JSONEncoder writes for the contact lists, escapes and all")
    func encodedLists() throws {
        let phones = [
            PhoneEntry(type: .business, number: "+33 1 23 45 67 89", preferred: true),
            PhoneEntry(type: .mobile, number: "quote \" backslash \\ slash / tab \t nl \n cr \r"),
            PhoneEntry(type: .private, number: "control \u{1} \u{1E} \u{1F} é 日本 🎉 \u{7F}"),
        ]
        let addresses = [
            PostalAddress(type: .business, street: "", city: "Lyon"),
            PostalAddress(type: .private, street: "1 rue \"Haute\"", postalCode: "69002", region: nil, country: "FR"),
        ]
        let encoder = JSONEncoder()
        for data in [try encoder.encode(phones), try encoder.encode(addresses), try encoder.encode([EmailEntry]())] {
            let text = String(decoding: data, as: UTF8.self)
            let read = try #require(FlatJSON.objects(text), "\(text)")
            #expect(read.count == (try JSONSerialization.jsonObject(with: data) as? [Any])?.count)
        }
        let read = try #require(FlatJSON.objects(String(decoding: try encoder.encode(phones), as: UTF8.self)))
        for (object, phone) in zip(read, phones) {
            let members = Dictionary(object.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 })
            #expect(members["number"] == .string(phone.number))
            #expect(members["type"] == .string(phone.type.rawValue))
            #expect(members["preferred"] == .bool(phone.preferred))
        }
    }

    @Test("escapes as other writers put them: \\u with surrogate pairs, white space between tokens")
    func otherWriters() throws {
        let text = #" [ { "a" : "\u00e9\ud83c\udf89\/\b\f" , "b":null,"c" :false } , {} ] "#
        let read = try #require(FlatJSON.objects(text))
        #expect(read.count == 2)
        #expect(read[0].map(\.key) == ["a", "b", "c"])
        #expect(read[0][0].value == .string("é🎉/\u{8}\u{C}"))
        #expect(read[0][1].value == .null && read[0][2].value == .bool(false))
        #expect(read[1].isEmpty)
        #expect(FlatJSON.objects("[]")?.isEmpty == true)
    }

    @Test(
        "anything else is left to JSONDecoder",
        arguments: [
            "", "{}", "[", "[{]", #"[{"a":1}]"#, #"[{"a":["x"]}]"#, #"[{"a":{"b":"c"}}]"#, #"[{"a":"x"} "#,
            #"[{"a":"x"}] x"#, #"[{"a":"\q"}]"#, #"[{"a":"\ud83c"}]"#, #"[{"a":"\udf89"}]"#, "[{\"a\":\"x\ny\"}]",
            #"[{"a":tru}]"#, #"["x"]"#, #"[{"a":"x",}]"#, #"[{"a" "x"}]"#, #"[{"a":"\u12"}]"#,
        ])
    func notFlat(_ text: String) {
        #expect(FlatJSON.objects(text) == nil)
    }

    @Test("random strings read back as JSONSerialization reads them")
    func randomStrings() throws {
        var generator = SystemRandomNumberGenerator()
        let pool: [Character] = [
            "a", "Z", " ", "\"", "\\", "/", "\n", "\t", "\u{0}", "\u{1F}", "é", "ß", "日", "🎉", "👍🏽", "\u{2028}",
        ]
        for _ in 0..<500 {
            let values = (0..<Int.random(in: 0...4, using: &generator)).map { _ in
                String(
                    (0..<Int.random(in: 0...12, using: &generator)).map { _ in pool.randomElement(using: &generator)! })
            }
            let objects = values.map { ["k": $0] }
            let data = try JSONSerialization.data(withJSONObject: objects)
            let read = try #require(FlatJSON.objects(String(decoding: data, as: UTF8.self)))
            #expect(read.map { $0.first?.value } == values.map { FlatJSON.Value.string($0) })
        }
    }

    private struct Entry: Codable, Equatable {
        var name: String
        var note: String?
        var flag: Bool
    }

    @Test("what it writes, JSONDecoder and the reader read back: escapes, absent optionals, empty lists")
    func writes() throws {
        var generator = SystemRandomNumberGenerator()
        let pool: [Character] = [
            "a", "Z", " ", "\"", "\\", "/", "\n", "\r", "\t", "\u{0}", "\u{8}", "\u{C}", "\u{1B}", "\u{1F}", "\u{7F}",
            "é", "ß", "日", "🎉", "👍🏽", "\u{2028}", "\r\n",
        ]
        let random = { (generator: inout SystemRandomNumberGenerator) in
            String((0..<Int.random(in: 0...12, using: &generator)).map { _ in pool.randomElement(using: &generator)! })
        }
        for _ in 0..<500 {
            let entries = (0..<Int.random(in: 0...4, using: &generator)).map { _ in
                Entry(
                    name: random(&generator), note: Bool.random(using: &generator) ? random(&generator) : nil,
                    flag: Bool.random(using: &generator))
            }
            let text = FlatJSON.array(entries) { entry, object in
                object.add("name", entry.name)
                object.add("note", entry.note)
                object.add("flag", entry.flag)
            }
            #expect(try JSONDecoder().decode([Entry].self, from: Data(text.utf8)) == entries, "\(text)")
            let read = try #require(FlatJSON.objects(text), "\(text)")
            #expect(
                read.map { $0.map(\.key) }
                    == entries.map { $0.note == nil ? ["name", "flag"] : ["name", "note", "flag"] })
        }
        #expect(FlatJSON.array([Entry]()) { _, _ in } == "[]")
        let one = FlatJSON.array([Entry(name: "a\"b", note: "\u{1}", flag: true)]) { entry, object in
            object.add("name", entry.name)
            object.add("note", entry.note)
            object.add("flag", entry.flag)
        }
        #expect(one == #"[{"name":"a\"b","note":"\u0001","flag":true}]"#)
    }
}
