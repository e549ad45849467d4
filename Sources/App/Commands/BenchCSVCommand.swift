import Fluent
import Foundation
import SwitchboardCore
import Vapor

/// `switchboard dev bench-csv write|import|export`: a CSV file of N sample contacts in our own format, its
/// import (parse, duplicate check, inserts, one transaction), and the export of every contact; each phase in
/// its own process so that its peak resident memory is its own.
struct BenchCSVCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "phase", help: "write, import or export")
        var phase: String
        @Option(name: "file", help: "The CSV file to write, import, or export to")
        var file: String?
        @Option(name: "rows", help: "How many contacts to write (default 100000)")
        var rows: Int?
    }

    var help: String { "Time a CSV import of a sample file, and the export of every contact" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let path = signature.file ?? "bench.csv"
        let db = context.application.db
        guard let adminUser = try await UserModel.query(on: db).filter(\.$role == .admin).first() else {
            throw CommandFailure(description: "No admin account: start the server once, or `switchboard migrate`.")
        }
        let admin = Actor(user: adminUser, clientAddress: nil)
        switch signature.phase {
        case "write":
            let count = max(1, signature.rows ?? 100_000)
            var sample = SampleData(seed: 11)
            var text = CSVWriter.record(SwitchboardCSV.header, delimiter: .semicolon)
            for _ in 0..<count {
                text += CSVWriter.record(
                    SwitchboardCSV.row(for: sample.contact()).map(CSVWriter.neutralised), delimiter: .semicolon)
            }
            try Data([0xEF, 0xBB, 0xBF] + Array(text.utf8)).write(to: URL(fileURLWithPath: path))
            context.say("wrote \(count) rows to \(path)")
        case "import":
            let data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
            let application = context.application
            let service = CSVImportService(
                db: db,
                importDB: application.importDatabase(logger: application.logger, on: application.eventLoopGroup.any()))
            let parseStart = ContinuousClock.now
            let preview = try await service.preview(data, options: .init())
            context.say(
                BenchVCardCommand.rate(
                    "parse + rules (in process)", cards: preview.rowCount, since: parseStart, unit: "rows"))
            let group = try await ContactGroupService(db: db).create(
                name: "Bench CSV \(UUID().uuidString.prefix(8))", kind: .standard, by: admin)
            let before = BenchContactsCommand.residentMegabytes()
            let peakBefore = BenchContactsCommand.peakResidentMegabytes()
            BenchContactsCommand.resetPeakResident()
            let start = ContinuousClock.now
            let report = try await service.importCSV(
                data, options: .init(), into: [group.requireID()], duplicates: .skip, by: admin)
            let rows = report.count(.created) + report.count(.updated) + report.count(.skipped) + report.count(.failed)
            context.say(BenchVCardCommand.rate("import (one transaction)", cards: rows, since: start, unit: "rows"))
            context.say(
                "created \(report.count(.created)), skipped \(report.count(.skipped)), failed \(report.count(.failed))")
            context.say(
                "peak resident memory: \(BenchContactsCommand.peakResidentMegabytes()) MB during the import, "
                    + "\(before) MB before it (\(peakBefore) MB at the preview's peak; the file is mapped, not read)")
        case "export":
            let service = CSVExportService(db: db, sqliteFile: context.application.sqliteFile)
            let start = ContinuousClock.now
            let export = try await service.prepare(.all, delimiter: .semicolon, by: admin)
            guard FileManager.default.createFile(atPath: path, contents: nil),
                let handle = FileHandle(forWritingAtPath: path)
            else { throw CommandFailure(description: "Cannot write \(path)") }
            defer { try? handle.close() }
            var bytes = 0
            for try await batch in service.batches(of: export, delimiter: .semicolon) {
                handle.write(Data(batch))
                bytes += batch.count
            }
            context.say(
                BenchVCardCommand.rate(
                    "export (\(bytes / 1_048_576) MB)", cards: export.count, since: start, unit: "rows"))
            context.say("peak resident memory: \(BenchContactsCommand.peakResidentMegabytes()) MB")
        default:
            throw CommandFailure(description: "phase: write, import or export")
        }
    }
}
