import Foundation
import NIOCore
import NIOPosix
import Vapor

@testable import App

/// A recorded AMI conversation: what Asterisk says (`S:`) and what the connector must say (`C:`).
struct AMIScript {
    enum Step: Equatable {
        /// Bytes Asterisk sends.
        case send(String)
        /// One message the client sends, as text.
        case expect(String)
    }

    let steps: [Step]

    init(steps: [Step]) { self.steps = steps }

    init(fixture name: String) throws {
        let text = String(decoding: try Application.fixture("ami/\(name)"), as: UTF8.self)
        var steps: [Step] = []
        var side: Character?
        var block = ""
        func flush() {
            guard let side, !block.isEmpty else { return }
            steps.append(side == "S" ? .send(block) : .expect(block))
            block = ""
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            guard line.hasPrefix("S:") || line.hasPrefix("C:") else { continue }
            let lineSide = line.first!
            if lineSide != side {
                flush()
                side = lineSide
            }
            block += line.dropFirst(2).drop { $0 == " " } + "\r\n"
        }
        flush()
        self.steps = steps
    }

    /// The messages the connector must send, in order.
    var expectedMessages: [String] {
        steps.flatMap { step -> [String] in
            guard case .expect(let text) = step else { return [] }
            return text.components(separatedBy: "\r\n\r\n").filter { !$0.isEmpty }.map { $0 + "\r\n\r\n" }
        }
    }
}

/// Plays Asterisk's side of a script to one client on 127.0.0.1 and records every message it sent.
final class AMIReplayServer: @unchecked Sendable {
    let port: Int
    private let conversation: Task<[String], any Error>

    private init(port: Int, conversation: Task<[String], any Error>) {
        self.port = port
        self.conversation = conversation
    }

    static func start(_ script: AMIScript) async throws -> AMIReplayServer {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { child in
                child.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: child)
                }
            }
        let port = server.channel.localAddress!.port!
        let conversation = Task {
            try await server.executeThenClose { clients in
                for try await client in clients {
                    return try await replay(script, to: client)
                }
                return []
            }
        }
        return AMIReplayServer(port: port, conversation: conversation)
    }

    /// What the client sent, once it has hung up (or the script is over).
    func received() async throws -> [String] {
        try await conversation.value
    }

    private static func replay(_ script: AMIScript, to client: NIOAsyncChannel<ByteBuffer, ByteBuffer>)
        async throws -> [String]
    {
        try await client.executeThenClose { inbound, outbound in
            var received: [String] = []
            var pending = ""
            var iterator = inbound.makeAsyncIterator()
            for step in script.steps {
                switch step {
                case .send(let text):
                    // A client may hang up right after its Logoff, before the Goodbye.
                    do { try await outbound.write(ByteBuffer(string: text)) } catch { return received }
                case .expect(let text):
                    let wanted = text.components(separatedBy: "\r\n\r\n").filter { !$0.isEmpty }.count
                    for _ in 0..<wanted {
                        while pending.range(of: "\r\n\r\n") == nil {
                            guard var chunk = try await iterator.next() else { return received }
                            pending += chunk.readString(length: chunk.readableBytes) ?? ""
                        }
                        let end = pending.range(of: "\r\n\r\n")!
                        received.append(String(pending[..<end.upperBound]))
                        pending.removeSubrange(..<end.upperBound)
                    }
                }
            }
            // Asterisk hangs up after a Goodbye or a failed Login; otherwise wait for the client to.
            while let chunk = try? await iterator.next() {
                received.append(String(buffer: chunk))
            }
            return received
        }
    }
}
