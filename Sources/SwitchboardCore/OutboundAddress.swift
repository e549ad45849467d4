/// Which network addresses Switchboard may connect to when a person gave it a URL (a linked address book, an OAuth
/// token endpoint). A URL naming the server's own loopback, the local network or a cloud's metadata address would make
/// Switchboard a way into places its users cannot reach themselves (SSRF): those are refused unless the operator
/// allows private addresses (an on-site Nextcloud). Decided on every address a name resolves to.
public enum OutboundAddress {
    public enum Kind: Equatable, Sendable {
        case publicAddress
        /// 127.0.0.0/8, ::1.
        case loopback
        /// 10/8, 172.16/12, 192.168/16, 100.64/10 (carrier-grade NAT), 198.18/15 (benchmarking), fc00::/7 (unique
        /// local), 64:ff9b:1::/48 (local NAT64).
        case privateNetwork
        /// 169.254/16 (cloud metadata among others), fe80::/10.
        case linkLocal
        /// 0/8, 192.0.0/24, 224/4 and above (multicast, reserved, broadcast), ::, ff00::/8.
        case unusable
    }

    /// The kind of an IPv4 address given as its four bytes.
    public static func kind(ipv4 a: [UInt8]) -> Kind {
        guard a.count == 4 else { return .unusable }
        switch (a[0], a[1]) {
        case (127, _): return .loopback
        case (10, _), (172, 16...31), (192, 168), (100, 64...127), (198, 18...19): return .privateNetwork
        case (192, 0) where a[2] == 0: return .unusable
        case (169, 254): return .linkLocal
        case (0, _), (224...255, _): return .unusable
        default: return .publicAddress
        }
    }

    /// The kind of an IPv6 address given as its sixteen bytes (IPv4-mapped and NAT64 addresses by their IPv4 part).
    public static func kind(ipv6 a: [UInt8]) -> Kind {
        guard a.count == 16 else { return .unusable }
        if a[0..<15].allSatisfy({ $0 == 0 }) { return a[15] == 1 ? .loopback : .unusable }
        if a[0..<10].allSatisfy({ $0 == 0 }), a[10] == 0xFF, a[11] == 0xFF { return kind(ipv4: Array(a[12..<16])) }
        if a[0..<12] == [0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0] { return kind(ipv4: Array(a[12..<16])) }
        // IPv4-compatible (::a.b.c.d) by its IPv4 part; 6to4 (2002::/16) by the IPv4 address it carries; the local
        // NAT64 range 64:ff9b:1::/48 leads into the site's own network.
        if a[0..<12].allSatisfy({ $0 == 0 }) { return kind(ipv4: Array(a[12..<16])) }
        if a[0] == 0x20, a[1] == 0x02 { return kind(ipv4: Array(a[2..<6])) }
        if a[0..<6] == [0x00, 0x64, 0xFF, 0x9B, 0x00, 0x01] { return .privateNetwork }
        if a[0] & 0xFE == 0xFC { return .privateNetwork }
        if a[0] == 0xFE, a[1] & 0xC0 == 0x80 { return .linkLocal }
        if a[0] == 0xFF { return .unusable }
        return .publicAddress
    }
}
