import Foundation
import NIOCore
import SwitchboardCore
import Testing

@testable import App

/// The messages as OpenLDAP's ldapsearch 2.5 (Debian 12) sends them, captured from the wire:
/// `ldapsearch -x -D cn=sales,dc=switchboard -w desk-phones -z 50 -E pr=20/noprompt -b dc=switchboard
///  "(|(telephoneNumber=*0478000002)(mobile=*0478000002)(&(cn=jo*n*)(!(o=Acme))))" cn telephoneNumber`
@Suite("LDAP messages")
struct LDAPMessageTests {
    static let bind = hex(
        "302e02010160290201030417636e3d73616c65732c64633d737769746368626f617264800b6465736b2d70686f6e6573")
    static let search = hex(
        "3081ba02010263818f040e64633d737769746368626f6172640a01020a0100020132020100010100a157a41f040f74656c6570686f6e654e756d626572300c820a30343738303030303032a41604066d6f62696c65300c820a30343738303030303032a01ca40d0402636e300780026a6f81016ea20ba30904016f040441636d6530150402636e040f74656c6570686f6e654e756d626572a02330210416312e322e3834302e3131333535362e312e342e333139040730050201140400"
    )

    static func hex(_ text: String) -> [UInt8] {
        stride(from: 0, to: text.count, by: 2).map {
            let start = text.index(text.startIndex, offsetBy: $0)
            return UInt8(text[start..<text.index(start, offsetBy: 2)], radix: 16)!
        }
    }

    @Test("a simple bind as ldapsearch sends it")
    func bind() throws {
        let request = try LDAPRequest(ber: Self.bind[...])
        #expect(request.messageID == 1)
        #expect(
            request.operation == .bind(version: 3, name: "cn=sales,dc=switchboard", password: Array("desk-phones".utf8))
        )
    }

    @Test("a search with a nested filter, a size limit, attributes and the paged results control")
    func search() throws {
        let request = try LDAPRequest(ber: Self.search[...])
        guard case .search(let search) = request.operation else {
            Issue.record("not a search")
            return
        }
        #expect(search.base == "dc=switchboard" && search.scope == .sub && search.sizeLimit == 50)
        #expect(search.attributes == ["cn", "telephonenumber"])
        #expect(
            search.filter
                == .or([
                    .substrings("telephonenumber", initial: nil, any: [], final: "0478000002"),
                    .substrings("mobile", initial: nil, any: [], final: "0478000002"),
                    .and([.substrings("cn", initial: "jo", any: ["n"], final: nil), .not(.equality("o", "Acme"))]),
                ]))
        let control = try #require(request.controls.first)
        #expect(control.type == LDAPRequest.pagedResultsOID && !control.critical)
        #expect(try LDAPPagedResults(ber: control.value ?? []) == LDAPPagedResults(size: 20, cookie: []))
    }

    @Test("responses are BER the client reads back: a result, an entry, the paged control")
    func responses() throws {
        let done = LDAPResponse.searchDone(
            .sizeLimitExceeded, message: "Size limit exceeded.",
            controls: [
                .init(
                    type: LDAPRequest.pagedResultsOID, critical: false,
                    value: LDAPPagedResults(size: 0, cookie: Array("abc".utf8)).ber)
            ]
        ).ber(messageID: 7)
        // SEQUENCE { 7, [APPLICATION 5] { ENUMERATED 4, "", "Size limit exceeded." }, [0] controls }
        #expect(Array(done.prefix(5)) == [0x30, UInt8(done.count - 2), 0x02, 0x01, 0x07])
        #expect(done[5] == 0x65 && done.contains(0xa0))
        let entry = LDAPResponse.entry(dn: "uid=1,dc=x", attributes: [("cn", ["Zoé"])]).ber(messageID: 2)
        #expect(entry[5] == 0x64)
        #expect(String(decoding: entry, as: UTF8.self).contains("Zoé"))
    }

    @Test("random bytes and mutated messages are refused or read, never crash; nesting is bounded")
    func fuzz() {
        var random = SplitMix64(seed: 20)
        var read = 0
        for round in 0..<20_000 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = (round % 4 == 0 ? Self.search : Self.bind)
                for _ in 0...(Int(random.next() % 4)) {
                    let at = Int(random.next() % UInt64(bytes.count))
                    switch random.next() % 3 {
                    case 0: bytes[at] = UInt8(truncatingIfNeeded: random.next())
                    case 1: bytes.remove(at: at)
                    default: bytes.insert(UInt8(truncatingIfNeeded: random.next()), at: at)
                    }
                }
            } else {
                bytes = (0..<Int(random.next() % 64)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            }
            if (try? LDAPRequest(ber: bytes[...])) != nil { read += 1 }
        }
        // Some mutations still read (a changed letter of the password); most do not.
        #expect(read > 0 && read < 10_000)
        // A filter of 30 nested NOTs is refused (a hostile client's recursion).
        var filter: [UInt8] = [0x87, 0x02, 0x63, 0x6e]  // (cn=*)
        for _ in 0..<30 { filter = [0xa2, UInt8(filter.count)] + filter }
        #expect(filter.count < 128)
        let body: [UInt8] =
            [0x04, 0x00, 0x0a, 0x01, 0x02, 0x0a, 0x01, 0x00, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x01, 0x01, 0x00]
            + filter + [0x30, 0x00]
        let operation: [UInt8] = [0x63, 0x81, UInt8(body.count)] + body
        let message: [UInt8] = [0x30, 0x81, UInt8(operation.count + 3), 0x02, 0x01, 0x05] + operation
        #expect((try? LDAPRequest(ber: message[...])) == nil)
    }

    @Test("the bench's client reads a response's operation from its first bytes: an entry, the search's end")
    func benchOperationTag() {
        let entry = LDAPResponse.entry(
            dn: "uid=1,dc=switchboard", attributes: [("cn", [String(repeating: "Long name ", count: 40)])])
        for id in [1, 127, 128, 70_000] {
            #expect(BenchLDAPCommand.operationTag(ByteBuffer(bytes: entry.ber(messageID: id))) == 4)
            let done = LDAPResponse.searchDone(.success, message: "", controls: [])
            #expect(BenchLDAPCommand.operationTag(ByteBuffer(bytes: done.ber(messageID: id))) == 5)
        }
        #expect(BenchLDAPCommand.operationTag(ByteBuffer(bytes: [0x30, 0x03, 0x02, 0x01])) == nil)
        #expect(BenchLDAPCommand.operationTag(ByteBuffer(bytes: [0x04, 0x00])) == nil)
    }

    @Test("an entry encoded once and written again inside another message is the same message, kept in its own size")
    func encodedEntry() {
        let attributes = [("cn", ["Zoé Martin"]), ("telephoneNumber", ["+49406432131550", "+33478000002"])]
        let operation = LDAPResponse.entryOperation(dn: "uid=7,ou=contacts,dc=switchboard", attributes: attributes)
        for id in [1, 300, 70_000] {
            #expect(
                LDAPResponse.encodedEntry(operation).ber(messageID: id)
                    == LDAPResponse.entry(dn: "uid=7,ou=contacts,dc=switchboard", attributes: attributes)
                    .ber(messageID: id))
        }
        // swift-asn1's serializer reserves a kilobyte; a kept entry must not carry it.
        #expect(operation.count < 120 && operation.capacity <= operation.count + 64)
    }
}
