import Foundation

/// Reads vCard 2.1, 3.0 and 4.0 files as address books export them (Outlook, Android, iPhone, Gmail,
/// Thunderbird, Nokia, BlackBerry, Evolution, KAddressBook), one file holding any number of cards.
///
/// Broken input never stops the import: a card without `END:VCARD` ends where the next `BEGIN:VCARD`
/// starts, lines outside cards and lines without a colon are skipped, and each is reported with its line.
public enum VCardReader {
    /// Whether `data` is a vCard file rather than a CSV one: its first line with text (after a byte order mark, in
    /// UTF-8 or UTF-16) is `BEGIN:VCARD`, in any case.
    public static func isVCard(_ data: Data) -> Bool {
        // An even number of bytes, and a UTF-16 character cut at the end read as U+FFFD: only the first line matters.
        let head = Array(data.prefix(4096))
        let text: String
        switch (head.first, head.dropFirst().first) {
        case (0xFF, 0xFE), (.some, 0x00):
            text = String(
                decoding: stride(from: 0, to: head.count - 1, by: 2).map {
                    UInt16(head[$0]) | UInt16(head[$0 + 1]) << 8
                }, as: UTF16.self)
        case (0xFE, 0xFF), (0x00, .some):
            text = String(
                decoding: stride(from: 0, to: head.count - 1, by: 2).map {
                    UInt16(head[$0]) << 8 | UInt16(head[$0 + 1])
                }, as: UTF16.self)
        default:
            text = String(decoding: head, as: UTF8.self)
        }
        let lines = text.drop { $0 == "\u{FEFF}" }
        guard let line = lines.split(whereSeparator: \.isNewline).first(where: { !$0.allSatisfy(\.isWhitespace) })
        else {
            return false
        }
        return line.trimmingCharacters(in: .whitespaces).uppercased() == "BEGIN:VCARD"
    }

    public static func read(_ data: Data) -> VCardImport {
        var result = VCardImport()
        for batch in batches(data) {
            result.cards += batch.cards
            result.problems += batch.problems
        }
        return result
    }

    /// `data` read about `cards` cards at a time, in file order and with the file's line numbers, so that an import
    /// holds one batch of cards at a time, never the whole file's. The file is cut only where a line that is exactly
    /// `BEGIN:VCARD` follows a line feed — always a card of its own to the reader, whatever came before (a folded
    /// line starts with a blank, a quoted-printable or base64 value stops at a line naming a property) — so the batches
    /// hold exactly what the whole file read at once would.
    public static func batches(_ data: Data, cards: Int = 500) -> VCardFileBatches {
        let (bytes, transcoded) = VCardCharset.fileBytes(data)
        return VCardFileBatches(bytes: bytes, transcoded: transcoded, size: max(1, cards))
    }

    /// The cards and problems of `bytes`, numbered from line 1.
    fileprivate static func read(_ bytes: [UInt8], transcoded: Bool) -> VCardImport {
        var result = VCardImport()
        var openLine: Int?
        var properties: [VCardProperty] = []
        var insideStrayText = false

        func finish(line: Int) {
            do {
                var builder = VCardCardBuilder(properties: properties, transcoded: transcoded)
                if let card = builder.card(line: line) {
                    result.cards.append(card)
                } else {
                    result.problems.append(VCardProblem(line: line, kind: .nameMissing))
                }
                result.problems += builder.problems
            }
            // The builder is gone: the array is the reader's alone again, and keeps its storage.
            properties.removeAll(keepingCapacity: true)
        }

        for line in VCardLineSplitter.logicalLines(bytes) {
            let (property, problems) = VCardPropertyParser.parse(line)
            if let property, property.isMarker("BEGIN") {
                if let openLine {
                    result.problems.append(VCardProblem(line: openLine, kind: .missingEnd))
                    finish(line: openLine)
                }
                openLine = line.number
                insideStrayText = false
                continue
            }
            guard let cardLine = openLine else {
                if !insideStrayText { result.problems.append(VCardProblem(line: line.number, kind: .outsideCard)) }
                insideStrayText = true
                continue
            }
            result.problems += problems
            guard let property else { continue }
            if property.isMarker("END") {
                finish(line: cardLine)
                openLine = nil
                continue
            }
            properties.append(property)
        }
        if let openLine {
            result.problems.append(VCardProblem(line: openLine, kind: .missingEnd))
            finish(line: openLine)
        }
        result.problems = result.problems.enumerated()
            .sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }
            .map(\.element)
        return result
    }
}

/// A vCard file, a batch of cards at a time (`VCardReader.batches`).
public struct VCardFileBatches: Sequence, IteratorProtocol, Sendable {
    let bytes: [UInt8]
    let transcoded: Bool
    let size: Int
    /// Where the next batch starts, and the number of its first line.
    private var offset = 0
    private var line = 1

    init(bytes: [UInt8], transcoded: Bool, size: Int) {
        self.bytes = bytes
        self.transcoded = transcoded
        self.size = size
    }

    /// How many lines of the file surely begin a card (a few more may): more than none means the reader finds a card,
    /// or a problem inside one.
    public var cardCount: Int {
        var count = bytes.withUnsafeBufferPointer { Self.startsCard($0, at: 0) } ? 1 : 0
        var position = 0
        while let start = Self.nextCard(in: bytes, after: position) {
            count += 1
            position = start
        }
        return count
    }

    public mutating func next() -> VCardImport? {
        guard offset < bytes.count else { return nil }
        // The end of the batch: the start of its `size`-th card after its first line, or the end of the file.
        var end = offset
        var found = 0
        while found < size, let start = Self.nextCard(in: bytes, after: end) {
            end = start
            found += 1
        }
        if found < size { end = bytes.count }
        let chunk = Array(bytes[offset..<end])
        var batch = VCardReader.read(chunk, transcoded: transcoded)
        for index in batch.cards.indices { batch.cards[index].line += line - 1 }
        for index in batch.problems.indices { batch.problems[index].line += line - 1 }
        line += VCardLineSplitter.physicalLines(chunk).count
        offset = end
        return batch
    }

    /// The position of the first line after `position` that is exactly `BEGIN:VCARD` (any case, blanks around the
    /// value) and follows a line feed, where the reader cannot read it otherwise: not after a line ending in `=` (a
    /// quoted-printable soft break, which the reader drops before a property line but a batch's last line would keep),
    /// nor before a line starting with a blank (folded into it, it would be `VCARD…`, no card).
    static func nextCard(in bytes: [UInt8], after position: Int) -> Int? {
        bytes.withUnsafeBufferPointer { buffer in
            var index = position
            while index < buffer.count {
                guard buffer[index] == 0x0A else {
                    index += 1
                    continue
                }
                var before = index - 1
                while before >= 0, buffer[before] == 0x0D { before -= 1 }
                index += 1
                if before >= 0, buffer[before] == UInt8(ascii: "=") { continue }
                if startsCard(buffer, at: index) { return index }
            }
            return nil
        }
    }

    /// Whether the line at `start` is `BEGIN:VCARD` and the next one does not continue it.
    static func startsCard(_ buffer: UnsafeBufferPointer<UInt8>, at start: Int) -> Bool {
        guard let end = beginLineEnd(buffer, at: start) else { return false }
        // The next line, after the break as the reader counts it (CRs then an LF are one break).
        var next = end
        while next < buffer.count, buffer[next] == 0x0D { next += 1 }
        if next < buffer.count, buffer[next] == 0x0A { next += 1 }
        return next >= buffer.count || (buffer[next] != 0x20 && buffer[next] != 0x09)
    }

    private static let begin = Array("BEGIN:".utf8)
    private static let vcard = Array("VCARD".utf8)

    /// Where the line at `start` ends (its line break, or the end of the file) when it is `BEGIN:VCARD`.
    private static func beginLineEnd(_ buffer: UnsafeBufferPointer<UInt8>, at start: Int) -> Int? {
        var index = start
        func matches(_ word: [UInt8]) -> Bool {
            guard buffer.count - index >= word.count else { return false }
            for (offset, byte) in word.enumerated() {
                let found = buffer[index + offset]
                guard found == byte || (byte >= 0x41 && byte <= 0x5A && found == byte | 0x20) else { return false }
            }
            index += word.count
            return true
        }
        func blanks() { while index < buffer.count, buffer[index] == 0x20 || buffer[index] == 0x09 { index += 1 } }
        guard matches(begin) else { return nil }
        blanks()
        guard matches(vcard) else { return nil }
        blanks()
        return index == buffer.count || buffer[index] == 0x0D || buffer[index] == 0x0A ? index : nil
    }
}

extension VCardProperty {
    /// `BEGIN:VCARD` or `END:VCARD`, in any case and with stray blanks.
    fileprivate func isMarker(_ marker: String) -> Bool {
        name == marker && group == nil
            && WhitespaceTrimming.trimmed(String(decoding: value, as: UTF8.self), newlines: false).uppercasedEquals(
                "VCARD")
    }
}
