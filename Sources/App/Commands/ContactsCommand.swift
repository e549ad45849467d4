import Fluent
import Foundation
import SwitchboardCore
import Vapor

/// `switchboard contacts import|export`: CSV interchange from the shell, with the same services as the pages.
struct ContactsCommand: AsyncCommandGroup {
    var help: String { "Import or export contacts as CSV" }

    var commands: [String: any AnyAsyncCommand] {
        ["import": ImportContactsCommand(), "export": ExportContactsCommand()]
    }
}

struct ImportContactsCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "The CSV file")
        var file: String
        @Option(
            name: "template",
            help:
                "switchboard, outlook, google, google-legacy, thunderbird, yealink, fanvil, grandstream, wazo, or a saved mapping's name (default: suggested from the header)"
        )
        var template: String?
        @Option(name: "group", help: "Target groups' names, separated by commas")
        var group: String?
        @Option(name: "duplicates", help: "update, skip or keep (default: skip)")
        var duplicates: String?
        @Option(
            name: "encoding",
            help: "utf-8, utf-16le, utf-16be, windows-1252, iso-8859-1, iso-8859-15 (default: detected)")
        var encoding: String?
        @Option(name: "delimiter", help: ", ; tab or | (default: detected)")
        var delimiter: String?
    }

    var help: String { "Import a CSV file of contacts in one transaction and print the report" }

    func run(using context: CommandContext, signature: Signature) async throws {
        try await context.explainingErrors {
            let url = URL(fileURLWithPath: signature.file)
            guard let data = try? Data(contentsOf: url) else {
                throw CommandFailure(description: "Cannot read \(signature.file)")
            }
            var rule = CSVImportService.DuplicateRule.skip
            if let raw = signature.duplicates {
                guard let chosen = CSVImportService.DuplicateRule(rawValue: raw) else {
                    throw SwitchboardError.badRequest
                }
                rule = chosen
            }
            var options = CSVImportService.Options.named(
                encoding: signature.encoding, delimiter: signature.delimiter, template: nil)
            if let template = signature.template {
                if CSVTemplate.builtIn(id: template) != nil {
                    options.template = template
                } else if let saved = try await CSVImportMappingModel.query(on: context.application.db)
                    .filter(\.$name == template).first()
                {
                    options.template = "saved:\(saved.id!.uuidString)"
                } else {
                    throw CommandFailure(description: "Unknown template “\(template)”")
                }
            }
            var groups: [UUID] = []
            for name in (signature.group ?? "").split(separator: ",").map(String.init) {
                groups.append(try await context.group(named: name).requireID())
            }
            let application = context.application
            let service = CSVImportService(
                db: application.db,
                importDB: application.importDatabase(logger: application.logger, on: application.eventLoopGroup.any()))
            let report = try await service.importCSV(
                data, options: options, into: groups, duplicates: rule, by: context.consoleActor)
            context.say(
                "created \(report.count(.created)), updated \(report.count(.updated)), skipped \(report.count(.skipped)), failed \(report.count(.failed))"
                    + (report.groups.isEmpty ? "" : " — into \(report.groups.joined(separator: ", "))"))
            for entry in report.entries where entry.outcome != .created {
                let reason =
                    entry.reason.map {
                        context.application.localization.text($0.messageKey, in: .en, $0.arguments)
                    } ?? (entry.outcome == .skipped ? "duplicate of an existing contact" : "")
                context.say("line \(entry.line)\t\(entry.outcome.rawValue)\t\(entry.displayName)\t\(reason)")
            }
        }
    }
}

struct ExportContactsCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "group", help: "Export this group (by name)")
        var group: String?
        @Option(name: "letter", help: "Export contacts whose name starts with this letter (A–Z or #)")
        var letter: String?
        @Option(name: "delimiter", help: "; or , (default ;)")
        var delimiter: String?
        @Option(name: "output", help: "File to write (default: standard output)")
        var output: String?
    }

    var help: String { "Export contacts in Switchboard's CSV format (UTF-8 with BOM); audited" }

    func run(using context: CommandContext, signature: Signature) async throws {
        try await context.explainingErrors {
            let delimiter: CSVDelimiter = signature.delimiter == "," ? .comma : .semicolon
            let scope: CSVExportService.Scope
            if let name = signature.group {
                scope = .group(try await context.group(named: name).requireID())
            } else if let letter = signature.letter {
                scope = .letter(letter.uppercased())
            } else {
                scope = .all
            }
            let service = CSVExportService(db: context.application.db, sqliteFile: context.application.sqliteFile)
            let export = try await service.prepare(scope, delimiter: delimiter, by: context.consoleActor)
            if let output = signature.output {
                guard FileManager.default.createFile(atPath: output, contents: nil) else {
                    throw CommandFailure(description: "Cannot write \(output)")
                }
                guard let handle = FileHandle(forWritingAtPath: output) else {
                    throw CommandFailure(description: "Cannot write \(output)")
                }
                defer { try? handle.close() }
                for try await batch in service.batches(of: export, delimiter: delimiter) {
                    handle.write(Data(batch))
                }
                context.console.error("Exported \(export.count) contacts to \(output).", newLine: true)
            } else {
                for try await batch in service.batches(of: export, delimiter: delimiter) {
                    FileHandle.standardOutput.write(Data(batch))
                }
            }
        }
    }
}
