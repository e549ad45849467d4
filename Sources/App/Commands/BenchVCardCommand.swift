import Fluent
import Foundation
import SwitchboardCore
import Vapor

/// `switchboard dev bench-vcard`: how fast a file of sample cards is read, imported and exported.
struct BenchVCardCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "cards", help: "How many cards in the file (default 1000)")
        var cards: Int?
    }

    var help: String { "Time vCard parsing, a one-transaction import and the export of N sample cards" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let db = context.application.db
        let count = max(1, signature.cards ?? 1000)
        guard let adminUser = try await UserModel.query(on: db).filter(\.$role == .admin).first() else {
            throw CommandFailure(description: "No admin account: start the server once, or `switchboard migrate`.")
        }
        let admin = Actor(user: adminUser, clientAddress: nil)
        var sample = SampleData(seed: 7)
        let contacts = (0..<count).map { _ in sample.contact() }
        let file = Data(contacts.map { VCardWriter.write($0) }.joined().utf8)
        context.say("\(count) cards, vCard 2.1, \(file.count / 1024) KB")

        // The writer alone, without the database: what an export cannot go below.
        var writes = 0
        let writeStart = ContinuousClock.now
        repeat {
            var bytes = 0
            for contact in contacts { bytes += VCardWriter.write(contact).utf8.count }
            precondition(bytes == file.count)
            writes += 1
        } while ContinuousClock.now - writeStart < .seconds(1)
        context.say(Self.rate("write (in process)", cards: count * writes, since: writeStart))

        var parses = 0
        let parseStart = ContinuousClock.now
        repeat {
            precondition(VCardReader.read(file).cards.count == count)
            parses += 1
        } while ContinuousClock.now - parseStart < .seconds(1)
        context.say(Self.rate("parse (in process)", cards: count * parses, since: parseStart))

        let group = try await ContactGroupService(db: db).create(
            name: "Bench vCard \(UUID().uuidString.prefix(8))", kind: .standard, by: admin)
        let before = BenchContactsCommand.residentMegabytes()
        BenchContactsCommand.resetPeakResident()
        let importStart = ContinuousClock.now
        let report = try await ContactImportService(db: db, photoRules: PhotoRules()).importVCards(
            file, into: [group.requireID()], by: admin)
        context.say(Self.rate("import (one transaction)", cards: report.imported.count, since: importStart))
        context.say(
            "  peak resident memory during the import: \(BenchContactsCommand.peakResidentMegabytes()) MB, "
                + "\(before) MB before it (the sample contacts and the file)")

        let exportStart = ContinuousClock.now
        let export = ContactExportService(db: db, sqliteFile: context.application.sqliteFile)
        let ids = try await export.contactIDs(in: .group(group.requireID()), by: admin)
        context.say(Self.rate("  of which the group's ids, in order", cards: ids.count, since: exportStart))
        var bytes = 0
        for try await batch in export.vCards(of: ids, version: .v21) { bytes += batch.count }
        context.say(Self.rate("export (\(bytes / 1024) KB)", cards: ids.count, since: exportStart))
        context.say("peak resident memory: \(BenchContactsCommand.peakResidentMegabytes()) MB")
        context.say("The sample contacts stay in group “\(group.name)”.")
    }

    static func rate(_ label: String, cards: Int, since start: ContinuousClock.Instant, unit: String = "cards")
        -> String
    {
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return label.padding(toLength: 30, withPad: " ", startingAt: 0)
            + String(format: "%8.0f \(unit)/s  (%d \(unit) in %.3f s)", Double(cards) / seconds, cards, seconds)
    }
}
