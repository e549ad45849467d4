import Fluent
import Foundation
import SwitchboardCore
import Vapor

/// `switchboard contacts import|export`: CSV and vCard interchange from the shell, with the same services as the pages.
struct ContactsCommand: AsyncCommandGroup {
    var help: String { "Import or export contacts as CSV or vCard" }

    var commands: [String: any AnyAsyncCommand] {
        ["import": ImportContactsCommand(), "export": ExportContactsCommand()]
    }
}

struct ImportContactsCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "The CSV or vCard file (told apart by its content)")
        var file: String
        @Option(
            name: "template",
            help:
                "CSV: switchboard, outlook, google, google-legacy, thunderbird, yahoo, linkedin, yealink, fanvil, grandstream, wazo, or a saved mapping's name (default: suggested from the header)"
        )
        var template: String?
        @Option(name: "group", help: "Target groups' names, separated by commas")
        var group: String?
        @Option(name: "duplicates", help: "CSV: update, skip or keep (default: skip)")
        var duplicates: String?
        @Option(
            name: "encoding",
            help:
                "CSV: utf-8, utf-16le, utf-16be, windows-1252, iso-8859-1, iso-8859-15, macintosh, windows-1250, iso-8859-2, windows-1251, koi8-r, windows-1253, windows-1254, windows-1255, shift_jis, euc-jp, gb18030, big5, euc-kr (default: detected)"
        )
        var encoding: String?
        @Option(name: "delimiter", help: "CSV: , ; tab or | (default: detected)")
        var delimiter: String?
    }

    var help: String { "Import a CSV or vCard file of contacts in one transaction and print the report" }

    func run(using context: CommandContext, signature: Signature) async throws {
        try await context.explainingErrors {
            let url = URL(fileURLWithPath: signature.file)
            guard let data = try? Data(contentsOf: url, options: .alwaysMapped) else {
                throw CommandFailure(description: "Cannot read \(signature.file)")
            }
            if VCardReader.isVCard(data) {
                return try await importVCards(data, using: context, signature: signature)
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

extension ImportContactsCommand {
    /// A vCard file, as the vCard import page takes it (the CSV options do not apply).
    private func importVCards(_ data: Data, using context: CommandContext, signature: Signature) async throws {
        var groups: [UUID] = []
        for name in (signature.group ?? "").split(separator: ",").map(String.init) {
            groups.append(try await context.group(named: name).requireID())
        }
        let application = context.application
        let service = ContactImportService(db: application.db, photoRules: application.config.photoRules)
        let report = try await service.importVCards(data, into: groups, by: context.consoleActor)
        let localization = application.localization
        context.say(
            "vCard: created \(report.imported.count), refused \(report.refused.count)"
                + (report.groups.isEmpty ? "" : " — into \(report.groups.map(\.name).joined(separator: ", "))"))
        for card in report.imported where !card.notices.isEmpty {
            for notice in card.notices {
                var arguments: [String: String] = [:]
                if let property = notice.property { arguments["property"] = property }
                if let value = notice.value { arguments["value"] = value }
                let text = localization.text("import.notice.\(notice.code)", in: .en, arguments)
                context.say("line \(card.line)\tnotice\t\(card.displayName)\t\(text)")
            }
        }
        for refusal in report.refused {
            let reason = localization.text(refusal.reason.messageKey, in: .en, refusal.reason.arguments)
            context.say("line \(refusal.line)\trefused\t\(refusal.displayName)\t\(reason)")
        }
        for problem in report.problems {
            context.say(
                "line \(problem.line)\tproblem\t\(localization.text("import.problem.\(problem.code)", in: .en, problem.arguments))"
            )
        }
    }
}

struct ExportContactsCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "group", help: "Export this group (by name)")
        var group: String?
        @Option(name: "letter", help: "Export contacts whose name starts with this letter (A–Z or #)")
        var letter: String?
        @Option(name: "delimiter", help: "CSV: ; or , (default ;)")
        var delimiter: String?
        @Option(name: "format", help: "csv (default) or vcard")
        var format: String?
        @Option(name: "version", help: "vCard: 2.1 (default), 3.0 or 4.0")
        var version: String?
        @Flag(name: "without-group", help: "vCard: the contacts in no group")
        var withoutGroup: Bool
        @Option(name: "output", help: "File to write (default: standard output)")
        var output: String?
    }

    var help: String { "Export contacts in Switchboard's CSV format (UTF-8 with BOM) or as vCards; audited" }

    func run(using context: CommandContext, signature: Signature) async throws {
        try await context.explainingErrors {
            switch signature.format ?? "csv" {
            case "csv": break
            case "vcard": return try await exportVCards(using: context, signature: signature)
            default: throw CommandFailure(description: "Unknown format “\(signature.format ?? "")”: csv or vcard")
            }
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

extension ExportContactsCommand {
    /// All the contacts, a group's or those in no group, as one vCard file.
    private func exportVCards(using context: CommandContext, signature: Signature) async throws {
        guard signature.letter == nil else {
            throw CommandFailure(description: "--letter is for CSV; a vCard export takes a group, or --without-group")
        }
        let version = try VCardVersion.requested(signature.version)
        var group: UUID?
        if let name = signature.group { group = try await context.group(named: name).requireID() }
        let service = ContactExportService(db: context.application.db, sqliteFile: context.application.sqliteFile)
        let (ids, _) = try await service.exportScope(
            group: group, withoutGroup: signature.withoutGroup, version: version, by: context.consoleActor)
        if let output = signature.output {
            guard FileManager.default.createFile(atPath: output, contents: nil),
                let handle = FileHandle(forWritingAtPath: output)
            else { throw CommandFailure(description: "Cannot write \(output)") }
            defer { try? handle.close() }
            for try await batch in service.vCards(of: ids, version: version) { handle.write(Data(batch)) }
            context.console.error("Exported \(ids.count) contacts to \(output).", newLine: true)
        } else {
            for try await batch in service.vCards(of: ids, version: version) {
                FileHandle.standardOutput.write(Data(batch))
            }
        }
    }
}
