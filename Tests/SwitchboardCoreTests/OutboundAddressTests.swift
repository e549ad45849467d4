import SwitchboardCore
import Testing

@Suite("Addresses Switchboard may connect to for a URL a person gave")
struct OutboundAddressTests {
    @Test("IPv4: loopback, private, link-local, reserved refused by kind; the rest public")
    func ipv4() {
        let cases: [([UInt8], OutboundAddress.Kind)] = [
            ([127, 0, 0, 1], .loopback), ([127, 9, 9, 9], .loopback), ([10, 1, 2, 3], .privateNetwork),
            ([172, 16, 0, 1], .privateNetwork), ([172, 31, 255, 1], .privateNetwork),
            ([172, 32, 0, 1], .publicAddress),
            ([192, 168, 1, 1], .privateNetwork), ([100, 64, 0, 1], .privateNetwork),
            ([169, 254, 169, 254], .linkLocal),
            ([0, 0, 0, 0], .unusable), ([224, 0, 0, 1], .unusable), ([255, 255, 255, 255], .unusable),
            ([93, 184, 216, 34], .publicAddress), ([8, 8, 8, 8], .publicAddress), ([198, 18, 0, 1], .privateNetwork),
            ([192, 0, 0, 8], .unusable), ([192, 0, 2, 1], .publicAddress),
        ]
        for (bytes, kind) in cases { #expect(OutboundAddress.kind(ipv4: bytes) == kind, "\(bytes)") }
    }

    @Test("IPv6: ::1, unique local, link-local, multicast, and IPv4 inside IPv6 by its IPv4 part")
    func ipv6() {
        func v6(_ head: [UInt8], _ tail: [UInt8] = []) -> [UInt8] {
            head + Array(repeating: 0, count: 16 - head.count - tail.count) + tail
        }
        #expect(OutboundAddress.kind(ipv6: v6([], [1])) == .loopback)
        #expect(OutboundAddress.kind(ipv6: v6([])) == .unusable)
        #expect(OutboundAddress.kind(ipv6: v6([0xFD, 0x12])) == .privateNetwork)
        #expect(OutboundAddress.kind(ipv6: v6([0xFE, 0x80])) == .linkLocal)
        #expect(OutboundAddress.kind(ipv6: v6([0xFF, 0x02], [1])) == .unusable)
        #expect(OutboundAddress.kind(ipv6: v6([], [0xFF, 0xFF, 127, 0, 0, 1])) == .loopback)
        #expect(OutboundAddress.kind(ipv6: v6([0, 0x64, 0xFF, 0x9B], [10, 0, 0, 1])) == .privateNetwork)
        #expect(OutboundAddress.kind(ipv6: v6([0x20, 0x01, 0x0D, 0xB8], [1])) == .publicAddress)
        #expect(OutboundAddress.kind(ipv6: v6([], [127, 0, 0, 1])) == .loopback)
        #expect(OutboundAddress.kind(ipv6: v6([0x20, 0x02, 0x7F, 0, 0, 1])) == .loopback)
        #expect(OutboundAddress.kind(ipv6: v6([0x20, 0x02, 0x5D, 0xB8, 0xD8, 0x22])) == .publicAddress)
        #expect(OutboundAddress.kind(ipv6: v6([0, 0x64, 0xFF, 0x9B, 0, 1], [8, 8, 8, 8])) == .privateNetwork)
    }
}
