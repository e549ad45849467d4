import NIOCore

/// Cuts the byte stream into LDAP messages: each is one BER element (`SEQUENCE`, definite length, RFC 4511 §5.1),
/// and only its tag and length are read here (swift-asn1 parses the message; it needs the whole element first). A
/// message larger than `maximumBytes`, an indefinite length or another tag closes the connection (the error).
struct LDAPFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    enum FrameError: Error {
        case notAMessage
        case tooLarge
        /// Bytes sent in clear after a StartTLS request, before TLS started: someone slipping requests in.
        case clearAfterStartTLS
        /// A message still incomplete after `messageTime`: a client trickling bytes to hold the connection.
        case tooSlow
    }

    let maximumBytes: Int
    /// Where StartTLS is offered: the connection's gate.
    var gate: LDAPStartTLSGate?
    /// How long one message may take to arrive (the idle handler closes a silent connection; this one that sends
    /// a byte now and then).
    var messageTime: TimeAmount
    /// When the incomplete message in the buffer began.
    private var partialSince: NIODeadline?

    init(maximumBytes: Int, gate: LDAPStartTLSGate? = nil, messageTime: TimeAmount = .seconds(120)) {
        self.maximumBytes = maximumBytes
        self.gate = gate
        self.messageTime = messageTime
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        if gate?.waiting == true, buffer.readableBytes > 0 { throw FrameError.clearAfterStartTLS }
        let state = try frame(context: context, buffer: &buffer)
        if state == .needMoreData, buffer.readableBytes > 0 {
            let since = partialSince ?? .now()
            partialSince = since
            if NIODeadline.now() - since > messageTime { throw FrameError.tooSlow }
        } else {
            partialSince = nil
        }
        return state
    }

    private mutating func frame(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let tag = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self),
            let first = buffer.getInteger(at: buffer.readerIndex + 1, as: UInt8.self)
        else { return .needMoreData }
        guard tag == 0x30, first != 0x80 else { throw FrameError.notAMessage }
        var length = Int(first)
        var header = 2
        if first & 0x80 != 0 {
            let count = Int(first & 0x7F)
            guard count <= 4 else { throw FrameError.tooLarge }
            guard buffer.readableBytes >= 2 + count else { return .needMoreData }
            length = 0
            for index in 0..<count {
                length = length << 8 | Int(buffer.getInteger(at: buffer.readerIndex + 2 + index, as: UInt8.self)!)
            }
            header += count
        }
        guard header + length <= maximumBytes else { throw FrameError.tooLarge }
        guard buffer.readableBytes >= header + length else { return .needMoreData }
        let frame = buffer.readSlice(length: header + length)!
        if let gate, gate.offered, Self.isStartTLS(frame) {
            // Nothing more is read in clear: TLS comes next, or the connection closes.
            gate.offered = false
            gate.waiting = true
        }
        context.fireChannelRead(wrapInboundOut(frame))
        return .continue
    }

    private static let startTLSName = Array(LDAPRequest.startTLSOID.utf8)

    private static func isStartTLS(_ frame: ByteBuffer) -> Bool {
        let bytes = Array(frame.readableBytesView)
        guard bytes.count < 200, bytes.contains(0x77),
            bytes.indices.contains(where: { bytes[$0...].starts(with: startTLSName) }),
            case .extended(let name)? = (try? LDAPRequest(ber: bytes[...]))?.operation
        else { return false }
        return name == LDAPRequest.startTLSOID
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws
        -> DecodingState
    {
        try decode(context: context, buffer: &buffer)
    }
}

/// Whether a connection may still switch to TLS (`offered`) and whether it is between a StartTLS request and the
/// TLS handler's arrival (`waiting`): the frame decoder sets the latter, the connection clears it once TLS is in
/// place. Read and written only on the connection's event loop.
final class LDAPStartTLSGate: @unchecked Sendable {
    var offered: Bool
    var waiting = false

    init(offered: Bool) {
        self.offered = offered
    }
}

/// Closes a connection that has been silent for the idle time (`IdleStateHandler` raises the event).
final class LDAPIdleCloser: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}
