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
        let (bytes, transcoded) = VCardCharset.fileBytes(data)
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

extension VCardProperty {
    /// `BEGIN:VCARD` or `END:VCARD`, in any case and with stray blanks.
    fileprivate func isMarker(_ marker: String) -> Bool {
        name == marker && group == nil
            && WhitespaceTrimming.trimmed(String(decoding: value, as: UTF8.self), newlines: false).uppercasedEquals(
                "VCARD")
    }
}
