import Foundation
import NIOPosix
import SwitchboardCore

#if canImport(Glibc)
    import Glibc
#endif

/// Resolves a URL's host and refuses it when any address it resolves to is not public (`OutboundAddress`), unless
/// private addresses are allowed. `CardDAVClient` asks for every host it sends a request to, redirects included, and
/// connects to the address checked here (pinned), so a name that changes its answer afterwards (DNS rebinding) does
/// not lead anywhere else.
enum OutboundAddressCheck {
    /// The address to connect to for `url`'s host, checked.
    static func checkedAddress(for url: URL) async throws -> String {
        guard let host = url.host(percentEncoded: false), !host.isEmpty else {
            throw CardDAVError.unreachable("no host in \(url.absoluteString)")
        }
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let addresses = try await NIOThreadPool.singleton.runIfActive { try resolve(bare) }
        guard let first = addresses.first else { throw CardDAVError.unreachable("\(host) resolves to no address") }
        for address in addresses {
            let kind = address.count == 4 ? OutboundAddress.kind(ipv4: address) : OutboundAddress.kind(ipv6: address)
            if kind != .publicAddress { throw CardDAVError.addressNotAllowed("\(host): \(kind)") }
        }
        return text(of: first)
    }

    /// `a.b.c.d`, or IPv6 in its usual form.
    private static func text(of address: [UInt8]) -> String {
        if address.count == 4 { return address.map(String.init).joined(separator: ".") }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        var raw = in6_addr()
        withUnsafeMutableBytes(of: &raw) { $0.copyBytes(from: address) }
        inet_ntop(AF_INET6, &raw, &buffer, socklen_t(buffer.count))
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Every IPv4 and IPv6 address of `host`, as bytes.
    private static func resolve(_ host: String) throws -> [[UInt8]] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        guard status == 0, let first = list else {
            throw CardDAVError.unreachable("\(host) could not be resolved (\(status))")
        }
        defer { freeaddrinfo(first) }
        var result: [[UInt8]] = []
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let current = entry {
            if let address = current.pointee.ai_addr {
                switch Int32(current.pointee.ai_family) {
                case AF_INET:
                    address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { v4 in
                        withUnsafeBytes(of: v4.pointee.sin_addr) { result.append(Array($0)) }
                    }
                case AF_INET6:
                    address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { v6 in
                        withUnsafeBytes(of: v6.pointee.sin6_addr) { result.append(Array($0)) }
                    }
                default: break
                }
            }
            entry = current.pointee.ai_next
        }
        return result
    }
}
