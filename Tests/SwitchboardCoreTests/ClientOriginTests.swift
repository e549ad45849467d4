import Testing

@testable import SwitchboardCore

@Suite("Client origin behind proxies")
struct ClientOriginCoreTests {
    let proxies = AddressRanges("127.0.0.1, 10.0.0.0/8, fd00::/8, 192.168.1.128/25")!

    @Test("addresses and ranges, IPv4 and IPv6, IPv4 written as IPv6")
    func ranges() {
        #expect(proxies.contains("127.0.0.1") && !proxies.contains("127.0.0.2"))
        #expect(proxies.contains("10.200.3.4") && !proxies.contains("11.0.0.1"))
        #expect(proxies.contains("192.168.1.200") && !proxies.contains("192.168.1.127"))
        #expect(proxies.contains("fd12:3456::1") && !proxies.contains("fe80::1"))
        #expect(proxies.contains("::ffff:10.1.2.3"))
        #expect(!proxies.contains("not an address") && !proxies.contains(""))
        #expect(AddressRanges("0.0.0.0/0")!.contains("203.0.113.9"))
        #expect(AddressRanges("10.0.0.0/33") == nil && AddressRanges("10.0.0/8") == nil)
        #expect(AddressRanges("example.com") == nil && AddressRanges("10.0.0.0/x") == nil)
        #expect(AddressRanges("")?.isEmpty == true)
    }

    @Test("from a trusted proxy: the first untrusted hop from the right; the scheme it was reached by")
    func trusted() {
        func resolve(_ peer: String?, _ chain: [String], _ proto: String? = nil) -> ClientOrigin {
            ClientOrigin.resolve(peer: peer, forwardedFor: chain, forwardedProto: proto, trusted: proxies)
        }
        #expect(resolve("127.0.0.1", ["203.0.113.7"], "https") == .init(address: "203.0.113.7", isHTTPS: true))
        // A client's own claim on the left is not believed past the first untrusted hop.
        #expect(resolve("127.0.0.1", ["6.6.6.6, 203.0.113.7, 10.0.0.5"]).address == "203.0.113.7")
        #expect(resolve("127.0.0.1", ["6.6.6.6", "203.0.113.7"]).address == "203.0.113.7")
        #expect(resolve("127.0.0.1", []).address == "127.0.0.1")
        #expect(resolve("127.0.0.1", ["garbage, 203.0.113.7"]).address == "203.0.113.7")
        #expect(resolve("127.0.0.1", ["203.0.113.7, garbage"]).address == "127.0.0.1")
        #expect(resolve("127.0.0.1", ["[2001:db8::1]:443"]).address == "2001:db8::1")
        #expect(resolve("127.0.0.1", ["203.0.113.7:5060"]).address == "203.0.113.7")
        #expect(resolve("127.0.0.1", [], "HTTPS, http").isHTTPS)
        #expect(!resolve("127.0.0.1", [], "http").isHTTPS)
    }

    @Test("from anyone else, or with no proxy configured: the connection's address, never HTTPS")
    func untrusted() {
        #expect(
            ClientOrigin.resolve(
                peer: "203.0.113.9", forwardedFor: ["1.2.3.4"], forwardedProto: "https", trusted: proxies)
                == .init(address: "203.0.113.9", isHTTPS: false))
        #expect(
            ClientOrigin.resolve(peer: "127.0.0.1", forwardedFor: ["1.2.3.4"], forwardedProto: "https", trusted: .none)
                == .init(address: "127.0.0.1", isHTTPS: false))
        #expect(
            ClientOrigin.resolve(peer: nil, forwardedFor: ["1.2.3.4"], forwardedProto: "https", trusted: proxies)
                == .init(address: nil, isHTTPS: false))
    }
}
