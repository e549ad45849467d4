import Foundation
import Testing

@testable import SwitchboardCore

@Suite("QR images: SVG and PNG")
struct QRImageTests {
    /// A 3×3 "matrix": dark corners and centre.
    static let matrix = QRMatrix(size: 3, modules: [true, false, true, false, true, false, true, true, true])

    @Test("CRC-32 and Adler-32 give the published values")
    func checksums() {
        #expect(PNGWriter.crc32(Array("IEND".utf8)) == 0xAE42_6082)
        #expect(PNGWriter.adler32(Array("Wikipedia".utf8)) == 0x11E6_0398)
        #expect(PNGWriter.adler32([UInt8](repeating: 0xFF, count: 100_000)) == Self.slowAdler32(100_000))
    }

    @Test("the PNG is a 1-bit grayscale image whose stored blocks hold every scanline")
    func png() throws {
        // given
        let png = [UInt8](Self.matrix.png(pixelsPerModule: 2))
        // then: signature, IHDR 22×22 (3 + 2×4 modules, 2 px each), 1 bit, grayscale
        #expect(Array(png[0..<8]) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(Array(png[12..<16]) == Array("IHDR".utf8))
        #expect(Array(png[16..<24]) == [0, 0, 0, 22, 0, 0, 0, 22])
        #expect(Array(png[24..<26]) == [1, 0])
        #expect(Array(png.suffix(12)) == [0, 0, 0, 0] + Array("IEND".utf8) + [0xAE, 0x42, 0x60, 0x82])
        let pixels = try Self.inflateStored(Self.idat(png))
        let rowBytes = 1 + (22 + 7) / 8
        #expect(pixels.count == 22 * rowBytes)
        func isDark(_ x: Int, _ y: Int) -> Bool { pixels[y * rowBytes + 1 + x / 8] & (0x80 >> UInt8(x % 8)) == 0 }
        #expect(isDark(8, 8) && isDark(9, 9))  // module (0, 0) after the 4-module margin
        #expect(!isDark(10, 8))  // module (1, 0)
        #expect(isDark(10, 10))  // module (1, 1)
        #expect(!isDark(0, 0) && !isDark(21, 21))  // margin
    }

    @Test("a large image is split into stored blocks of at most 65 535 bytes")
    func storedBlocks() throws {
        let data = (0..<200_000).map { UInt8($0 % 251) }
        #expect(try Self.inflateStored(PNGWriter.zlibStored(data)) == data)
    }

    @Test("the SVG draws runs of dark modules inside the margin, black on a white square, without style")
    func svg() {
        let svg = Self.matrix.svg()
        #expect(svg.contains(#"viewBox="0 0 11 11""#))
        #expect(svg.contains(##"<rect width="11" height="11" fill="#ffffff"/>"##))
        #expect(svg.contains(#"d="M4 4h1v1h-1zM6 4h1v1h-1zM5 5h1v1h-1zM4 6h3v1h-3z""#))
        #expect(!svg.contains("style"))
    }

    @Test("a contact's QR vCard is 3.0 without photo or short code, and shrinks by notes, then addresses")
    func qrVCards() {
        let contact = Contact(
            firstName: "Émile", lastName: "Zola", company: "Fasquelle", jobTitle: "Écrivain", notes: "Long notes",
            shortCode: "42",
            phones: [PhoneEntry(type: .mobile, number: "+33 6 12 34 56 78")],
            emails: [EmailEntry(type: .business, address: "emile@zola.example")],
            addresses: [PostalAddress(type: .business, city: "Paris")])
        let texts = ContactQRCode.vCards(for: contact)
        #expect(texts.count == 4)
        #expect(texts.allSatisfy { $0.contains("VERSION:3.0") && !$0.contains("SHORTCODE") && !$0.contains("PHOTO") })
        #expect(texts[0].contains("NOTE:Long notes") && !texts[1].contains("NOTE"))
        #expect(texts[1].contains("ADR;") && !texts[2].contains("ADR;"))
        #expect(texts[2].contains("TITLE:Écrivain") && !texts[3].contains("TITLE"))
        #expect(texts.allSatisfy { $0.contains("+33 6 12 34 56 78") && $0.contains("FN:Émile Zola") })
        #expect(zip(texts, texts.dropFirst()).allSatisfy { $0.utf8.count > $1.utf8.count })
    }

    // MARK: helpers

    static func slowAdler32(_ count: Int) -> UInt32 {
        var a: UInt64 = 1
        var b: UInt64 = 0
        for _ in 0..<count {
            a = (a + 0xFF) % 65521
            b = (b + a) % 65521
        }
        return UInt32(b << 16 | a)
    }

    /// The IDAT chunk's body.
    static func idat(_ png: [UInt8]) -> [UInt8] {
        var offset = 8
        while offset < png.count {
            let length = png[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
            if Array(png[(offset + 4)..<(offset + 8)]) == Array("IDAT".utf8) {
                return Array(png[(offset + 8)..<(offset + 8 + length)])
            }
            offset += 12 + length
        }
        return []
    }

    struct NotStored: Error {}

    /// Reads a zlib stream of stored blocks and checks its Adler-32.
    static func inflateStored(_ zlib: [UInt8]) throws -> [UInt8] {
        guard zlib.count >= 6, zlib[0] == 0x78, (UInt16(zlib[0]) << 8 | UInt16(zlib[1])) % 31 == 0 else {
            throw NotStored()
        }
        var output: [UInt8] = []
        var offset = 2
        while true {
            let header = zlib[offset]
            guard header & 0b110 == 0 else { throw NotStored() }
            let length = Int(zlib[offset + 1]) | Int(zlib[offset + 2]) << 8
            let complement = Int(zlib[offset + 3]) | Int(zlib[offset + 4]) << 8
            guard length ^ complement == 0xFFFF else { throw NotStored() }
            output += zlib[(offset + 5)..<(offset + 5 + length)]
            offset += 5 + length
            if header & 1 == 1 { break }
        }
        let adler = zlib[offset..<(offset + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        guard adler == PNGWriter.adler32(output), offset + 4 == zlib.count else { throw NotStored() }
        return output
    }
}
