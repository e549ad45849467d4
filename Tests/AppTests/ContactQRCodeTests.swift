import Foundation
import SwitchboardCore
import Testing
import Vapor
import VaporTesting

@testable import App

/// A contact's QR code, scanned with `zbarimg` as a phone's camera would read it.
@Suite("Interchange: QR codes")
struct ContactQRCodeTests {
    @Test("the PNG decodes to the contact's vCard 3.0: names, numbers, e-mail, accents; no photo")
    func scannedPNG() async throws {
        try await withApp { app in
            // given
            let w = try await InterchangeWorld.make(app)
            let admin = try await InterchangeWorld.signedIn(app, "admin")
            // when
            let png = try await admin.get(Paths.contactQRPNG.url(w.emile.id!))
            // then
            #expect(png.status == .ok)
            #expect(png.headers.contentType == .png)
            let text = try Self.scan(Data(png.body.readableBytesView))
            #expect(text.contains("VERSION:3.0") && !text.contains("PHOTO") && !text.contains("SHORTCODE"))
            let card = try #require(VCardReader.read(Data(text.utf8)).cards.first)
            let stored = w.emile.toDomain()
            #expect(card.contact.resolvedDisplayName == "Émile Zola")
            #expect(card.contact.firstName == stored.firstName && card.contact.lastName == stored.lastName)
            #expect(card.contact.company == "Fasquelle & Fils" && card.contact.notes == "Prefers letters")
            #expect(card.contact.phones == stored.phones)
            #expect(card.photo == nil)

            let anne = try Self.scan(
                Data(try await admin.get(Paths.contactQRPNG.url(w.anne.id!)).body.readableBytesView))
            let anneCard = try #require(VCardReader.read(Data(anne.utf8)).cards.first)
            #expect(anneCard.contact.phones == w.anne.phones)
            #expect(anneCard.contact.emails == w.anne.emails)
        }
    }

    @Test("the SVG is black on white, drawn with attributes only (no style for the CSP to block)")
    func svg() async throws {
        try await withApp { app in
            let w = try await InterchangeWorld.make(app)
            let admin = try await InterchangeWorld.signedIn(app, "admin")
            let svg = try await admin.get(Paths.contactQRSVG.url(w.anne.id!))
            #expect(svg.status == .ok)
            #expect(svg.headers.contentType?.description.hasPrefix("image/svg+xml") == true)
            let text = svg.body.string
            #expect(text.contains("<svg xmlns=\"http://www.w3.org/2000/svg\"") && text.contains("fill=\"#000000\""))
            #expect(!text.contains("style") && !text.contains("<script"))
            // The same modules as the PNG: the size follows from the viewBox.
            let matrix = try QRCodeEncoder.matrix(for: w.anne.toDomain())
            let side = matrix.size + 2 * QRMatrix.quietZone
            #expect(text.contains("viewBox=\"0 0 \(side) \(side)\""))
        }
    }

    @Test("the contact page shows the QR code and offers the PNG; a subscriber gets it only for contacts they read")
    func pageAndRights() async throws {
        try await withApp { app in
            let w = try await InterchangeWorld.make(app)
            let sid = try await InterchangeWorld.signedIn(app, "sid")
            let page = try await sid.get(Paths.contact.url(w.anne.id!)).body.string
            #expect(page.contains("src=\"\(Paths.contactQRSVG.url(w.anne.id!))\""))
            #expect(page.contains("href=\"\(Paths.contactQRPNG.url(w.anne.id!))\" download"))
            #expect(page.contains("href=\"#qr\"") && !page.contains("disabled title"))
            #expect(try await sid.get(Paths.contactQRSVG.url(w.anne.id!)).status == .ok)
            for path in [
                Paths.contactQRSVG.url(w.cleo.id!), Paths.contactQRPNG.url(w.cleo.id!),
                Paths.contactQRPNG.url(w.nina.id!),
            ] {
                let refused = try await sid.get(path)
                #expect(refused.status == .notFound)
                #expect(!refused.body.string.contains("Cleo") && !refused.body.string.contains("Nina"))
            }
            let api = try await InterchangeWorld.api(
                app, .GET, "/api/v1/contacts/\(w.cleo.id!)/qr", token: w.sidToken, accept: "image/png")
            #expect(api.status == .notFound)
        }
    }

    @Test("the API serves SVG by default and PNG when asked")
    func api() async throws {
        try await withApp { app in
            let w = try await InterchangeWorld.make(app)
            let path = "/api/v1/contacts/\(w.anne.id!)/qr"
            let svg = try await InterchangeWorld.api(app, .GET, path, token: w.sidToken)
            #expect(svg.status == .ok && svg.body.string.contains("<svg"))
            let png = try await InterchangeWorld.api(
                app, .GET, path, token: w.sidToken, accept: "image/svg+xml;q=0.5, image/png")
            #expect(png.status == .ok && png.headers.contentType == .png)
            let text = try Self.scan(Data(png.body.readableBytesView))
            #expect(text.contains("FN:Anne Alpha"))
        }
    }

    @Test("a contact too rich for a QR code loses its notes first; one whose name alone is too long is refused")
    func tooMuch() async throws {
        try await withApp { app in
            let w = try await InterchangeWorld.make(app)
            let contacts = ContactService(db: app.db)
            let chatty = try await contacts.create(
                Contact(
                    firstName: "Chatty", lastName: "Notes", notes: String(repeating: "Very long notes. ", count: 200),
                    phones: [.init(type: .mobile, number: "06 99 99 99 99")]),
                in: [w.a.requireID()], by: w.admin)
            let admin = try await InterchangeWorld.signedIn(app, "admin")
            let text = try Self.scan(
                Data(try await admin.get(Paths.contactQRPNG.url(chatty.id!)).body.readableBytesView))
            #expect(text.contains("FN:Chatty Notes") && text.contains("06 99 99 99 99") && !text.contains("NOTE"))

            // Within every field's limit, names of four-byte characters still outgrow a QR code.
            let clef = "\u{1D11E}"
            let huge = try await contacts.create(
                Contact(
                    firstName: String(repeating: clef, count: 100), lastName: String(repeating: clef, count: 100),
                    displayName: String(repeating: clef, count: 250), company: String(repeating: clef, count: 200)),
                in: [], by: w.admin)
            let refused = try await admin.get(Paths.contactQRSVG.url(huge.id!))
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("more than a QR code can carry"))
            let problem = try await InterchangeWorld.api(
                app, .GET, "/api/v1/contacts/\(huge.id!)/qr", token: w.adminToken)
            #expect(InterchangeWorld.json(problem)["code"] as? String == "qr_code_too_large")
        }
    }

    struct ScanFailed: Error, CustomStringConvertible {
        let description: String
    }

    /// What `zbarimg` reads in a PNG (installed with the test packages: `scripts/install-deps.sh test`).
    static func scan(_ png: Data) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-qr-\(UUID()).png")
        try png.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["zbarimg", "--raw", "-q", file.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ScanFailed(description: "zbarimg exited with \(process.terminationStatus): is zbar-tools installed?")
        }
        // `--raw` adds a line feed after the data.
        var text = String(decoding: data, as: UTF8.self)
        if text.hasSuffix("\n") { text.removeLast() }
        return text
    }
}
