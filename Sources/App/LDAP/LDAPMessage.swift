import SwiftASN1
import SwitchboardCore

/// LDAPv3 messages (RFC 4511) as this read-only directory reads and writes them, through swift-asn1 (BER in, DER out:
/// DER is a valid BER). Only what a directory for phones needs is modelled; any other operation is kept as its tag so
/// the server can answer `unwillingToPerform` to it.
struct LDAPRequest: Equatable, Sendable {
    let messageID: Int
    let operation: Operation
    let controls: [Control]

    enum Operation: Equatable, Sendable {
        case bind(version: Int, name: String, password: [UInt8]?)
        case unbind
        case search(Search)
        case abandon(Int)
        case extended(name: String)
        /// Any other operation (add, modify, delete, compare…), by its application tag.
        case other(tag: UInt)
    }

    struct Search: Hashable, Sendable {
        enum Scope: Int, Sendable { case base = 0, one = 1, sub = 2 }
        let base: String
        let scope: Scope
        let sizeLimit: Int
        let timeLimit: Int
        let typesOnly: Bool
        let filter: LDAPFilter
        let attributes: [String]
    }

    struct Control: Equatable, Sendable {
        let type: String
        let critical: Bool
        let value: [UInt8]?
    }

    /// The simple paged results control (RFC 2696).
    static let pagedResultsOID = "1.2.840.113556.1.4.319"
    static let startTLSOID = "1.3.6.1.4.1.1466.20037"
}

enum LDAPDecodingError: Error {
    case malformed
}

extension LDAPRequest {
    static func application(_ tag: UInt) -> ASN1Identifier {
        ASN1Identifier(tagWithNumber: tag, tagClass: .application)
    }

    static func context(_ tag: UInt) -> ASN1Identifier {
        ASN1Identifier(tagWithNumber: tag, tagClass: .contextSpecific)
    }

    /// One message from its BER bytes; throws on anything malformed.
    init(ber bytes: ArraySlice<UInt8>) throws {
        let root = try BER.parse(bytes)
        var decoded: (Int, Operation, [Control])?
        try BER.sequence(root, identifier: .sequence) { nodes in
            guard let idNode = nodes.next(), let opNode = nodes.next() else { throw LDAPDecodingError.malformed }
            let id = try Int(berEncoded: idNode, withIdentifier: .integer)
            guard (0...Int(Int32.max)).contains(id) else { throw LDAPDecodingError.malformed }
            let operation = try Self.operation(opNode)
            var controls: [Control] = []
            if let controlsNode = nodes.next() {
                guard controlsNode.identifier == Self.context(0) else { throw LDAPDecodingError.malformed }
                controls = try Self.controls(controlsNode)
            }
            decoded = (id, operation, controls)
        }
        guard let decoded else { throw LDAPDecodingError.malformed }
        self.init(messageID: decoded.0, operation: decoded.1, controls: decoded.2)
    }

    private static func string(_ node: ASN1Node, _ identifier: ASN1Identifier = .octetString) throws -> String {
        let octets = try ASN1OctetString(berEncoded: node, withIdentifier: identifier)
        guard let text = String(validating: octets.bytes, as: UTF8.self) else { throw LDAPDecodingError.malformed }
        return text
    }

    private static func operation(_ node: ASN1Node) throws -> Operation {
        guard node.identifier.tagClass == .application else { throw LDAPDecodingError.malformed }
        switch node.identifier.tagNumber {
        case 0:
            return try BER.sequence(node, identifier: application(0)) { nodes in
                guard let versionNode = nodes.next(), let nameNode = nodes.next(), let auth = nodes.next() else {
                    throw LDAPDecodingError.malformed
                }
                let version = try Int(berEncoded: versionNode, withIdentifier: .integer)
                let name = try string(nameNode)
                // Simple authentication ([0] OCTET STRING); SASL ([3]) is not offered.
                let password =
                    auth.identifier == context(0)
                    ? Array(try ASN1OctetString(berEncoded: auth, withIdentifier: context(0)).bytes) : nil
                return .bind(version: version, name: name, password: password)
            }
        case 2:
            return .unbind
        case 3:
            return .search(try search(node))
        case 16:
            return .abandon(try Int(berEncoded: node, withIdentifier: application(16)))
        case 23:
            return try BER.sequence(node, identifier: application(23)) { nodes in
                guard let nameNode = nodes.next() else { throw LDAPDecodingError.malformed }
                while nodes.next() != nil {}
                return .extended(name: try string(nameNode, context(0)))
            }
        default:
            return .other(tag: node.identifier.tagNumber)
        }
    }

    private static func search(_ node: ASN1Node) throws -> Search {
        try BER.sequence(node, identifier: application(3)) { nodes in
            guard let base = nodes.next(), let scope = nodes.next(), let deref = nodes.next(),
                let size = nodes.next(), let time = nodes.next(), let typesOnly = nodes.next(),
                let filter = nodes.next(), let attributes = nodes.next()
            else { throw LDAPDecodingError.malformed }
            _ = try Int(berEncoded: deref, withIdentifier: .enumerated)
            guard let scope = Search.Scope(rawValue: try Int(berEncoded: scope, withIdentifier: .enumerated)) else {
                throw LDAPDecodingError.malformed
            }
            let sizeLimit = try Int(berEncoded: size, withIdentifier: .integer)
            let timeLimit = try Int(berEncoded: time, withIdentifier: .integer)
            guard sizeLimit >= 0, timeLimit >= 0 else { throw LDAPDecodingError.malformed }
            let names = try BER.sequence(attributes, identifier: .sequence) { items in
                var names: [String] = []
                while let item = items.next() { names.append(try string(item).lowercased()) }
                return names
            }
            return Search(
                base: try string(base), scope: scope, sizeLimit: sizeLimit, timeLimit: timeLimit,
                typesOnly: try Bool(berEncoded: typesOnly, withIdentifier: .boolean),
                filter: try Self.limited(try Self.filter(filter, depth: 0)), attributes: names)
        }
    }

    /// Filters nest at most this deep (a hostile client could nest thousands of NOTs).
    static let filterDepthLimit = 16
    /// And hold at most this many items: each is checked on every row a search examines.
    static let filterItemLimit = 64

    private static func limited(_ filter: LDAPFilter) throws -> LDAPFilter {
        func count(_ filter: LDAPFilter) -> Int {
            switch filter {
            case .and(let items), .or(let items): 1 + items.reduce(0) { $0 + count($1) }
            case .not(let item): 1 + count(item)
            default: 1
            }
        }
        guard count(filter) <= filterItemLimit else { throw LDAPDecodingError.malformed }
        return filter
    }

    private static func filter(_ node: ASN1Node, depth: Int) throws -> LDAPFilter {
        guard depth < filterDepthLimit, node.identifier.tagClass == .contextSpecific else {
            throw LDAPDecodingError.malformed
        }
        func children() throws -> [LDAPFilter] {
            guard case .constructed(let nodes) = node.content else { throw LDAPDecodingError.malformed }
            return try nodes.map { try filter($0, depth: depth + 1) }
        }
        func assertion() throws -> (String, String) {
            try BER.sequence(node, identifier: node.identifier) { nodes in
                guard let attribute = nodes.next(), let value = nodes.next() else { throw LDAPDecodingError.malformed }
                return (try string(attribute).lowercased(), try string(value))
            }
        }
        switch node.identifier.tagNumber {
        case 0: return .and(try children())
        case 1: return .or(try children())
        case 2:
            let inner = try children()
            guard inner.count == 1 else { throw LDAPDecodingError.malformed }
            return .not(inner[0])
        case 3: let (a, v) = try assertion(); return .equality(a, v)
        case 4:
            return try BER.sequence(node, identifier: node.identifier) { nodes in
                guard let attribute = nodes.next(), let parts = nodes.next() else { throw LDAPDecodingError.malformed }
                var initial: String?
                var any: [String] = []
                var final: String?
                guard case .constructed(let items) = parts.content else { throw LDAPDecodingError.malformed }
                for item in items {
                    switch item.identifier.tagNumber {
                    case 0: initial = try string(item, item.identifier)
                    case 1: any.append(try string(item, item.identifier))
                    case 2: final = try string(item, item.identifier)
                    default: throw LDAPDecodingError.malformed
                    }
                }
                return .substrings(try string(attribute).lowercased(), initial: initial, any: any, final: final)
            }
        case 5: let (a, v) = try assertion(); return .greaterOrEqual(a, v)
        case 6: let (a, v) = try assertion(); return .lessOrEqual(a, v)
        case 7: return .present(try string(node, node.identifier).lowercased())
        case 8: let (a, v) = try assertion(); return .approx(a, v)
        case 9: return .extensible
        default: throw LDAPDecodingError.malformed
        }
    }

    private static func controls(_ node: ASN1Node) throws -> [Control] {
        guard case .constructed(let items) = node.content else { throw LDAPDecodingError.malformed }
        return try items.map { item in
            try BER.sequence(item, identifier: .sequence) { nodes in
                guard let typeNode = nodes.next() else { throw LDAPDecodingError.malformed }
                var critical = false
                var value: [UInt8]?
                while let next = nodes.next() {
                    if next.identifier == .boolean {
                        critical = try Bool(berEncoded: next, withIdentifier: .boolean)
                    } else {
                        value = Array(try ASN1OctetString(berEncoded: next, withIdentifier: .octetString).bytes)
                    }
                }
                return Control(type: try string(typeNode), critical: critical, value: value)
            }
        }
    }
}

/// The paged results control's value (RFC 2696): `SEQUENCE { size INTEGER, cookie OCTET STRING }`.
struct LDAPPagedResults: Equatable {
    let size: Int
    let cookie: [UInt8]

    init(size: Int, cookie: [UInt8]) {
        self.size = size
        self.cookie = cookie
    }

    init(ber bytes: [UInt8]) throws {
        let root = try BER.parse(bytes)
        (size, cookie) = try BER.sequence(root, identifier: .sequence) { nodes in
            guard let size = nodes.next(), let cookie = nodes.next() else { throw LDAPDecodingError.malformed }
            return (
                try Int(berEncoded: size, withIdentifier: .integer),
                Array(try ASN1OctetString(berEncoded: cookie, withIdentifier: .octetString).bytes)
            )
        }
        guard size >= 0 else { throw LDAPDecodingError.malformed }
    }

    var ber: [UInt8] {
        var serializer = DER.Serializer()
        try? serializer.appendConstructedNode(identifier: .sequence) { inner in
            try inner.serialize(size)
            try inner.serialize(ASN1OctetString(contentBytes: cookie[...]))
        }
        return serializer.serializedBytes
    }
}

/// What the server writes back.
enum LDAPResponse {
    /// RFC 4511 result codes used here.
    enum Code: Int {
        case success = 0, operationsError = 1, protocolError = 2, timeLimitExceeded = 3, sizeLimitExceeded = 4
        case authMethodNotSupported = 7, unavailableCriticalExtension = 12, noSuchObject = 32
        case invalidDNSyntax = 34, inappropriateAuthentication = 48, invalidCredentials = 49
        case insufficientAccessRights = 50, busy = 51, unwillingToPerform = 53, adminLimitExceeded = 11
    }

    case bindResult(Code, message: String)
    case entry(dn: String, attributes: [(String, [String])])
    /// An entry whose operation is already encoded (`entryOperation`): a kept answer's, written again as it is.
    case encodedEntry([UInt8])
    case searchDone(Code, message: String, controls: [LDAPRequest.Control])
    case extended(Code, message: String, name: String?)
    /// A result for an operation this server does not do, with its response tag.
    case result(tag: UInt, Code, message: String)
    /// An unsolicited notice of disconnection (message id 0, RFC 4511 §4.4.1).
    case disconnection(Code, message: String)

    func ber(messageID: Int) -> [UInt8] {
        var serializer = DER.Serializer()
        try? serializer.appendConstructedNode(identifier: .sequence) { message in
            try message.serialize(messageID)
            switch self {
            case .bindResult(let code, let text):
                try Self.result(&message, tag: 1, code, text)
            case .entry(let dn, let attributes):
                try Self.entry(&message, dn: dn, attributes: attributes)
            case .encodedEntry(let operation):
                message.serializeRawBytes(operation)
            case .searchDone(let code, let text, let controls):
                try Self.result(&message, tag: 5, code, text)
                if !controls.isEmpty {
                    try message.appendConstructedNode(identifier: LDAPRequest.context(0)) { list in
                        for control in controls {
                            try list.appendConstructedNode(identifier: .sequence) { item in
                                try item.serialize(ASN1OctetString(contentBytes: Array(control.type.utf8)[...]))
                                if let value = control.value {
                                    try item.serialize(ASN1OctetString(contentBytes: value[...]))
                                }
                            }
                        }
                    }
                }
            case .extended(let code, let text, let name):
                try message.appendConstructedNode(identifier: LDAPRequest.application(24)) { body in
                    try Self.resultFields(&body, code, text)
                    if let name {
                        try ASN1OctetString(contentBytes: Array(name.utf8)[...])
                            .serialize(into: &body, withIdentifier: LDAPRequest.context(10))
                    }
                }
            case .result(let tag, let code, let text):
                try Self.result(&message, tag: tag, code, text)
            case .disconnection(let code, let text):
                try message.appendConstructedNode(identifier: LDAPRequest.application(24)) { body in
                    try Self.resultFields(&body, code, text)
                    try ASN1OctetString(contentBytes: Array("1.3.6.1.4.1.1466.20036".utf8)[...])
                        .serialize(into: &body, withIdentifier: LDAPRequest.context(10))
                }
            }
        }
        return serializer.serializedBytes
    }

    /// A SearchResultEntry operation on its own (without the message around it, which holds the request's id).
    static func entryOperation(dn: String, attributes: [(String, [String])]) -> [UInt8] {
        var serializer = DER.Serializer()
        try? entry(&serializer, dn: dn, attributes: attributes)
        // The serializer reserves a kilobyte: a kept answer holds only the bytes (an entry is about a hundred).
        let bytes = serializer.serializedBytes
        return [UInt8](unsafeUninitializedCapacity: bytes.count) { buffer, count in
            count = buffer.initialize(fromContentsOf: bytes)
        }
    }

    private static func entry(_ message: inout DER.Serializer, dn: String, attributes: [(String, [String])]) throws {
        try message.appendConstructedNode(identifier: LDAPRequest.application(4)) { entry in
            try entry.serialize(ASN1OctetString(contentBytes: Array(dn.utf8)[...]))
            try entry.appendConstructedNode(identifier: .sequence) { list in
                for (name, values) in attributes {
                    try list.appendConstructedNode(identifier: .sequence) { attribute in
                        try attribute.serialize(ASN1OctetString(contentBytes: Array(name.utf8)[...]))
                        try attribute.appendConstructedNode(identifier: .set) { set in
                            for value in values {
                                try set.serialize(ASN1OctetString(contentBytes: Array(value.utf8)[...]))
                            }
                        }
                    }
                }
            }
        }
    }

    private static func result(_ message: inout DER.Serializer, tag: UInt, _ code: Code, _ text: String) throws {
        try message.appendConstructedNode(identifier: LDAPRequest.application(tag)) { body in
            try resultFields(&body, code, text)
        }
    }

    private static func resultFields(_ body: inout DER.Serializer, _ code: Code, _ text: String) throws {
        try code.rawValue.serialize(into: &body, withIdentifier: .enumerated)
        try body.serialize(ASN1OctetString(contentBytes: []))
        try body.serialize(ASN1OctetString(contentBytes: Array(text.utf8)[...]))
    }
}
