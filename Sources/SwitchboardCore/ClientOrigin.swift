import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Addresses and ranges (`192.0.2.10`, `10.0.0.0/8`, `::1`, `fd00::/8`): the reverse proxies Switchboard trusts
/// (`SWITCHBOARD_TRUSTED_PROXIES`). Addresses are read with the C library's `inet_pton`.
public struct AddressRanges: Sendable, Equatable {
    struct Range: Sendable, Equatable {
        /// 4 bytes (IPv4) or 16 (IPv6).
        let bytes: [UInt8]
        let prefixLength: Int
    }

    let ranges: [Range]

    public static let none = AddressRanges(ranges: [])

    init(ranges: [Range]) { self.ranges = ranges }

    /// `text`: addresses or ranges separated by commas or spaces; `nil` when one of them is not one.
    public init?(_ text: String) {
        var ranges: [Range] = []
        for item in text.split(whereSeparator: { $0 == "," || $0 == " " }) {
            let parts = item.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            guard let bytes = Self.bytes(String(parts[0])) else { return nil }
            var length = bytes.count * 8
            if parts.count == 2 {
                guard let given = Int(parts[1]), (0...length).contains(given) else { return nil }
                length = given
            }
            ranges.append(Range(bytes: bytes, prefixLength: length))
        }
        self.ranges = ranges
    }

    public var isEmpty: Bool { ranges.isEmpty }

    /// Whether `address` (an IPv4 or IPv6 address as text) lies in one of the ranges.
    public func contains(_ address: String) -> Bool {
        guard let bytes = Self.bytes(address) else { return false }
        return ranges.contains { range in
            guard range.bytes.count == bytes.count else { return false }
            var left = range.prefixLength
            for (a, b) in zip(range.bytes, bytes) where left > 0 {
                let mask: UInt8 = left >= 8 ? 0xFF : ~(0xFF >> UInt8(left))
                if a & mask != b & mask { return false }
                left -= 8
            }
            return true
        }
    }

    /// The bytes of an IPv4 or IPv6 address; an IPv4 address written as IPv6 (`::ffff:192.0.2.1`, as a dual-stack
    /// socket reports it) as IPv4.
    public static func bytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF { return Array(bytes[12...]) }
        return bytes
    }
}

/// Where a request comes from: the client's address and whether it was made over HTTPS. Behind a trusted reverse
/// proxy these come from `X-Forwarded-For` and `X-Forwarded-Proto`; from anyone else those headers are ignored (a
/// client could otherwise pick the address the sign-in throttle counts, or the audit log records).
public struct ClientOrigin: Sendable, Equatable {
    public var address: String?
    public var isHTTPS: Bool

    public init(address: String?, isHTTPS: Bool) {
        self.address = address
        self.isHTTPS = isHTTPS
    }

    /// `peer`: the address of the connection; `forwardedFor`: every `X-Forwarded-For` header, in order;
    /// `forwardedProto`: the first `X-Forwarded-Proto`.
    ///
    /// The chain is read from the right, as each proxy appends the address it was reached from: the first address
    /// that is not a trusted proxy is the client (nginx's `real_ip_recursive`). A value that is not an address ends
    /// the reading: the last trusted hop is taken as the client.
    public static func resolve(
        peer: String?, forwardedFor: [String], forwardedProto: String?, trusted: AddressRanges
    ) -> ClientOrigin {
        guard let peer, !trusted.isEmpty, trusted.contains(peer) else {
            return ClientOrigin(address: peer, isHTTPS: false)
        }
        let chain = forwardedFor.flatMap { $0.split(separator: ",") }.map {
            Self.bareAddress($0.trimmingCharacters(in: .whitespaces))
        }
        var client = peer
        for hop in chain.reversed() {
            guard AddressRanges.bytes(hop) != nil else { break }
            client = hop
            if !trusted.contains(hop) { break }
        }
        let scheme = forwardedProto?.split(separator: ",").first?.trimmingCharacters(in: .whitespaces).lowercased()
        return ClientOrigin(address: client, isHTTPS: scheme == "https")
    }

    /// An address without the port some proxies add (`192.0.2.1:5060`, `[2001:db8::1]:443`).
    static func bareAddress(_ text: String) -> String {
        if text.hasPrefix("["), let end = text.firstIndex(of: "]") {
            return String(text[text.index(after: text.startIndex)..<end])
        }
        if text.filter({ $0 == ":" }).count == 1, let colon = text.firstIndex(of: ":") {
            return String(text[..<colon])
        }
        return text
    }
}
