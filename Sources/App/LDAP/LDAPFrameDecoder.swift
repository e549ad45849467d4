import NIOCore

/// Cuts the byte stream into LDAP messages: each is one BER element (`SEQUENCE`, definite length, RFC 4511 §5.1),
/// and only its tag and length are read here (swift-asn1 parses the message; it needs the whole element first). A
/// message larger than `maximumBytes`, an indefinite length or another tag closes the connection (the error).
struct LDAPFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    enum FrameError: Error {
        case notAMessage
        case tooLarge
    }

    let maximumBytes: Int

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
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
        context.fireChannelRead(wrapInboundOut(buffer.readSlice(length: header + length)!))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws
        -> DecodingState
    {
        try decode(context: context, buffer: &buffer)
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
