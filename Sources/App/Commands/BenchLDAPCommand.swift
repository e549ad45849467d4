import Foundation
import NIOCore
import NIOPosix
import SwiftASN1
import SwitchboardCore
import Vapor

/// `switchboard dev bench-ldap`: searches per second and latency of a running server's LDAP directory, as desk phones
/// ask it — a name typed (`(|(cn=du*)(sn=du*))`) and a caller's number looked up
/// (`(|(telephoneNumber=*0478000002)(mobile=*…))`) — over N connections, each bound once (bench/ldap.sh).
struct BenchLDAPCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "port", help: "The server's LDAP port")
        var port: Int?
        @Option(name: "bind", help: "Bind DN (default uid=admin,dc=switchboard)")
        var bind: String?
        @Option(name: "password", help: "Bind password")
        var password: String?
        @Option(name: "connections", help: "Connections searching at once (default 16)")
        var connections: Int?
        @Option(name: "seconds", help: "How long (default 10)")
        var seconds: Int?
        @Option(name: "names", help: "A file of name beginnings, one per line")
        var names: String?
        @Option(name: "numbers", help: "A file of numbers on file, one per line (national form)")
        var numbers: String?
    }

    var help: String { "Load a running server's LDAP directory with name and number searches" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let port = signature.port else { throw CommandFailure(description: "--port is required") }
        let names = try Self.lines(signature.names) ?? ["du", "mar", "jo", "sm", "le", "an"]
        let numbers = try Self.lines(signature.numbers) ?? ["0478000002"]
        let connections = max(1, signature.connections ?? 16)
        let duration = Duration.seconds(max(1, signature.seconds ?? 10))
        let bind = Self.bindRequest(
            id: 1, name: signature.bind ?? "uid=admin,dc=switchboard", password: signature.password ?? "")
        let group = context.application.eventLoopGroup
        for (label, filters) in [
            ("name typed, (|(cn=X*)(sn=X*)), size limit 50", names.map { Self.nameFilter($0) }),
            ("caller's number, (|(telephoneNumber=*N)(mobile=*N))", numbers.map { Self.numberFilter($0) }),
        ] {
            // Every connection binds first (password hashing is slow by design); the searches start together.
            let startLine = StartLine(runners: connections)
            let results = try await withThrowingTaskGroup(of: ([Duration], Int, Int).self) { tasks in
                for index in 0..<connections {
                    tasks.addTask {
                        try await Self.load(
                            port: port, group: group, bind: bind, filters: filters, offset: index, duration: duration,
                            startLine: startLine)
                    }
                }
                var all: ([Duration], Int, Int) = ([], 0, 0)
                for try await result in tasks {
                    all.0 += result.0
                    all.1 += result.1
                    all.2 += result.2
                }
                return all
            }
            let latencies = results.0.sorted()
            func ms(_ quantile: Double) -> String {
                guard !latencies.isEmpty else { return "-" }
                let value = latencies[min(latencies.count - 1, Int(Double(latencies.count) * quantile))]
                return String(
                    format: "%.2f",
                    Double(value.components.attoseconds) / 1e15 + Double(value.components.seconds) * 1000)
            }
            let seconds = Double(duration.components.seconds)
            context.say(
                "\(label): \(String(format: "%.0f", Double(latencies.count) / seconds)) searches/s, p50 \(ms(0.5)) ms, p99 \(ms(0.99)) ms, \(connections) connections, \(results.1) entries, \(results.2) errors"
            )
        }
    }

    private static func lines(_ path: String?) throws -> [String]? {
        guard let path else { return nil }
        let list = try String(contentsOfFile: path, encoding: .utf8).split(whereSeparator: \.isNewline).map(String.init)
        return list.isEmpty ? nil : list
    }

    /// One connection: bind, then searches back to back until `duration` is over.
    private static func load(
        port: Int, group: any EventLoopGroup, bind: [UInt8], filters: [[UInt8]], offset: Int, duration: Duration,
        startLine: StartLine
    ) async throws -> ([Duration], Int, Int) {
        let channel = try await ClientBootstrap(group: group).connect(host: "127.0.0.1", port: port) { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(
                    ByteToMessageHandler(LDAPFrameDecoder(maximumBytes: 1 << 24)))
                return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
            }
        }
        return try await channel.executeThenClose { inbound, outbound in
            var frames = inbound.makeAsyncIterator()
            // Sixteen binds at once can find the password hashing busy (51) or the sign-in throttle counting them
            // (53, each attempt is counted before it is checked): a phone would bind again a moment later.
            var bound = false
            do {
                for _ in 0..<50 where !bound {
                    try await outbound.write(ByteBuffer(bytes: bind))
                    guard let answer = try await frames.next(), let code = Self.resultCode(answer) else { break }
                    if code == 0 {
                        bound = true
                    } else if code == 51 || code == 53 {
                        try await Task.sleep(for: .milliseconds(200 + 50 * offset))
                    } else {
                        break
                    }
                }
            } catch {
                // The others must not wait for this one for ever.
                await startLine.arrive()
                throw error
            }
            await startLine.arrive()
            guard bound else { throw CommandFailure(description: "The bind was refused") }
            var latencies: [Duration] = []
            var entries = 0
            var errors = 0
            var id = 2
            var index = offset
            let end = ContinuousClock.now + duration
            while ContinuousClock.now < end {
                let start = ContinuousClock.now
                try await outbound.write(
                    ByteBuffer(bytes: Self.searchRequest(id: id, filter: filters[index % filters.count])))
                while let frame = try await frames.next() {
                    if Self.operationTag(frame) == 4 {
                        entries += 1
                    } else {
                        // 4: the size limit was reached, as expected of a name's first letters.
                        if let code = Self.resultCode(frame), code != 0, code != 4 { errors += 1 }
                        break
                    }
                }
                latencies.append(ContinuousClock.now - start)
                id += 1
                index += 1
            }
            return (latencies, entries, errors)
        }
    }

    /// Where every connection waits until all are bound.
    actor StartLine {
        private var waiting: Int
        private var runners: [CheckedContinuation<Void, Never>] = []

        init(runners: Int) { waiting = runners }

        func arrive() async {
            waiting -= 1
            if waiting <= 0 {
                for runner in runners { runner.resume() }
                runners = []
                return
            }
            await withCheckedContinuation { runners.append($0) }
        }
    }

    /// The application tag of a response's operation (4: an entry, 5: the search's end), read from the bytes after
    /// the message's header and its id without decoding the rest: the client shares the server's cores, and decoding
    /// fifty entries per search with `BER.parse` cost it a quarter of a core (the frame decoder has already checked the
    /// message's length; swift-asn1 has no way to read only the first nodes).
    static func operationTag(_ frame: ByteBuffer) -> UInt? {
        let bytes = frame.readableBytesView
        var index = bytes.startIndex
        /// Past one tag and its length; the content's length, `nil` when the bytes end first or it is not definite.
        func header() -> Int? {
            guard bytes.endIndex - index >= 2 else { return nil }
            let first = bytes[index + 1]
            index += 2
            guard first & 0x80 != 0 else { return Int(first) }
            let count = Int(first & 0x7F)
            guard count > 0, count <= 4, bytes.endIndex - index >= count else { return nil }
            var length = 0
            for _ in 0..<count {
                length = length << 8 | Int(bytes[index])
                index += 1
            }
            return length
        }
        // SEQUENCE { messageID INTEGER, protocolOp [APPLICATION n] … }
        guard bytes.first == 0x30, header() != nil, index < bytes.endIndex, bytes[index] == 0x02,
            let idLength = header()
        else { return nil }
        index += idLength
        guard index < bytes.endIndex, bytes[index] & 0xC0 == 0x40 else { return nil }
        return UInt(bytes[index] & 0x1F)
    }

    /// The result code of a response (its first ENUMERATED).
    private static func resultCode(_ frame: ByteBuffer) -> Int? {
        guard let node = try? BER.parse(Array(frame.readableBytesView)),
            case .constructed(let children) = node.content
        else { return nil }
        var iterator = children.makeIterator()
        _ = iterator.next()
        guard let operation = iterator.next(), case .constructed(let fields) = operation.content,
            let code = fields.first(where: { _ in true })
        else { return nil }
        return try? Int(berEncoded: code, withIdentifier: .enumerated)
    }

    static func bindRequest(id: Int, name: String, password: String) -> [UInt8] {
        message(id: id) { body in
            try body.appendConstructedNode(identifier: LDAPRequest.application(0)) { bind in
                try bind.serialize(3)
                try bind.serialize(ASN1OctetString(contentBytes: Array(name.utf8)[...]))
                try ASN1OctetString(contentBytes: Array(password.utf8)[...])
                    .serialize(into: &bind, withIdentifier: LDAPRequest.context(0))
            }
        }
    }

    static func searchRequest(id: Int, filter: [UInt8]) -> [UInt8] {
        message(id: id) { body in
            try body.appendConstructedNode(identifier: LDAPRequest.application(3)) { search in
                try search.serialize(ASN1OctetString(contentBytes: Array("dc=switchboard".utf8)[...]))
                try 2.serialize(into: &search, withIdentifier: .enumerated)
                try 0.serialize(into: &search, withIdentifier: .enumerated)
                try search.serialize(50)
                try search.serialize(5)
                try search.serialize(false)
                search.serializeRawBytes(filter)
                try search.appendConstructedNode(identifier: .sequence) { attributes in
                    for name in ["cn", "telephoneNumber", "mobile"] {
                        try attributes.serialize(ASN1OctetString(contentBytes: Array(name.utf8)[...]))
                    }
                }
            }
        }
    }

    private static func message(id: Int, _ body: (inout DER.Serializer) throws -> Void) -> [UInt8] {
        var serializer = DER.Serializer()
        try? serializer.appendConstructedNode(identifier: .sequence) { message in
            try message.serialize(id)
            try body(&message)
        }
        return serializer.serializedBytes
    }

    /// `(|(attribute=*value)…)` or `(|(attribute=value*)…)` as BER.
    private static func substrings(_ attributes: [String], _ value: String, initial: Bool) -> [UInt8] {
        var serializer = DER.Serializer()
        try? serializer.appendConstructedNode(identifier: LDAPRequest.context(1)) { or in
            for attribute in attributes {
                try or.appendConstructedNode(identifier: LDAPRequest.context(4)) { item in
                    try item.serialize(ASN1OctetString(contentBytes: Array(attribute.utf8)[...]))
                    try item.appendConstructedNode(identifier: .sequence) { parts in
                        try ASN1OctetString(contentBytes: Array(value.utf8)[...])
                            .serialize(into: &parts, withIdentifier: LDAPRequest.context(initial ? 0 : 2))
                    }
                }
            }
        }
        return serializer.serializedBytes
    }

    static func nameFilter(_ beginning: String) -> [UInt8] { substrings(["cn", "sn"], beginning, initial: true) }
    static func numberFilter(_ number: String) -> [UInt8] {
        substrings(["telephoneNumber", "mobile"], number, initial: false)
    }
}
