import Foundation
import OpenAPIRuntime
import SwitchboardCore
import Vapor

/// vCard in and out and QR codes under `/api/v1/contacts`, on the same services as the pages.
extension APIHandler {
    func getContactVCard(_ input: Operations.GetContactVCard.Input) async throws -> Operations.GetContactVCard.Output {
        let (request, actor) = try context()
        let version = try VCardVersion.requested(input.query.version?.rawValue)
        let (text, _) = try await request.contactExportService.vCard(
            of: try uuid(input.path.contactId), version: version, by: actor)
        return .ok(.init(body: .textVcard(HTTPBody(text))))
    }

    func getContactQRCode(_ input: Operations.GetContactQRCode.Input) async throws -> Operations.GetContactQRCode.Output
    {
        let (request, actor) = try context()
        let (contact, _) = try await request.contactService.contact(try uuid(input.path.contactId), by: actor)
        let matrix = try QRCodeEncoder.matrix(for: contact.toDomain())
        // SVG unless PNG is preferred (a missing or `*/*` Accept gets SVG).
        let preferred = input.headers.accept.sortedByQuality().first?.contentType
        if preferred == .png {
            return .ok(.init(body: .png(HTTPBody(matrix.png()))))
        }
        return .ok(.init(body: .imageSvgXml(HTTPBody(matrix.svg()))))
    }

    func exportContactsVCard(_ input: Operations.ExportContactsVCard.Input) async throws
        -> Operations.ExportContactsVCard.Output
    {
        let (request, actor) = try context()
        let version = try VCardVersion.requested(input.query.version?.rawValue)
        let export = request.contactExportService
        let (ids, _) = try await export.exportScope(
            group: try input.query.group.map(uuid), withoutGroup: input.query.withoutGroup ?? false, version: version,
            by: actor)
        return .ok(.init(body: .textVcard(Self.vCardBody(ids, version: version, export: export))))
    }

    func exportSelectedContactsVCard(_ input: Operations.ExportSelectedContactsVCard.Input) async throws
        -> Operations.ExportSelectedContactsVCard.Output
    {
        let (request, actor) = try context()
        guard case .json(let body) = input.body else { throw SwitchboardError.badRequest }
        let version = try VCardVersion.requested(body.version?.rawValue)
        let export = request.contactExportService
        let ids = try await export.exportSelection(try body.ids.map(uuid), version: version, by: actor)
        return .ok(.init(body: .textVcard(Self.vCardBody(ids, version: version, export: export))))
    }

    func importContactsVCard(_ input: Operations.ImportContactsVCard.Input) async throws
        -> Operations.ImportContactsVCard.Output
    {
        let (request, actor) = try context()
        guard case .textVcard(let body) = input.body else { throw SwitchboardError.badRequest }
        let maximum = request.application.config.importMaximumBytes
        let data: Data
        do {
            data = try await Data(collecting: body, upTo: maximum)
        } catch {
            throw SwitchboardError.importTooLarge(maximumBytes: maximum)
        }
        let groupIDs = try await readableGroups(input.query.groupIds ?? [], actor: actor, request)
        let report = try await request.contactImportService.importVCards(data, into: groupIDs, by: actor)
        return .ok(.init(body: .json(try .init(report, on: request))))
    }

    // MARK: CSV

    func exportContactsCSV(_ input: Operations.ExportContactsCSV.Input) async throws
        -> Operations.ExportContactsCSV.Output
    {
        let (request, actor) = try context()
        guard input.query.confirm else { throw SwitchboardError.exportNotConfirmed }
        let delimiter: CSVDelimiter
        switch input.query.delimiter {
        case nil, ";": delimiter = .semicolon
        case ",": delimiter = .comma
        default: throw SwitchboardError.badRequest
        }
        let scope: CSVExportService.Scope
        switch (input.query.group, input.query.letter) {
        case (let group?, nil): scope = .group(try uuid(group))
        case (nil, let letter?): scope = .letter(letter.uppercased())
        case (nil, nil): scope = .all
        default: throw SwitchboardError.exportScopeConflict
        }
        let service = request.csvExportService
        let export = try await service.prepare(scope, delimiter: delimiter, by: actor)
        let batches = service.batches(of: export, delimiter: delimiter).map { ArraySlice($0) }
        return .ok(.init(body: .csv(HTTPBody(batches, length: .unknown, iterationBehavior: .single))))
    }

    func previewContactsCSV(_ input: Operations.PreviewContactsCSV.Input) async throws
        -> Operations.PreviewContactsCSV.Output
    {
        guard case .csv(let body) = input.body else { throw SwitchboardError.badRequest }
        let (request, _, data, options) = try await csvUpload(
            body, encoding: input.query.encoding?.rawValue, delimiter: input.query.delimiter?.rawValue,
            template: input.query.template, mapping: input.query.mapping)
        let preview = try await request.csvImportService.preview(data, options: options)
        return .ok(.init(body: .json(.init(preview, on: request))))
    }

    func importContactsCSV(_ input: Operations.ImportContactsCSV.Input) async throws
        -> Operations.ImportContactsCSV.Output
    {
        guard case .csv(let body) = input.body else { throw SwitchboardError.badRequest }
        let (request, actor, data, options) = try await csvUpload(
            body, encoding: input.query.encoding?.rawValue, delimiter: input.query.delimiter?.rawValue,
            template: input.query.template, mapping: input.query.mapping)
        let rule = try input.query.duplicates.map { duplicates throws(SwitchboardError) in
            guard let rule = CSVImportService.DuplicateRule(rawValue: duplicates.rawValue) else {
                throw SwitchboardError.badRequest
            }
            return rule
        }
        let groupIDs = try (input.query.groupIds ?? []).map(uuid)
        let report = try await request.csvImportService.importCSV(
            data, options: options, into: groupIDs, duplicates: rule ?? .skip, by: actor)
        return .ok(.init(body: .json(.init(report, on: request))))
    }

    /// A CSV file sent to be previewed or imported, and how to read it: refused to anyone who does not keep the address
    /// books before the body is read, then above the import limit.
    private func csvUpload(
        _ body: HTTPBody, encoding: String?, delimiter: String?, template: String?, mapping: String?
    ) async throws -> (Request, Actor, Data, CSVImportService.Options) {
        let (request, actor) = try context()
        guard try await request.contactService.access(for: actor).keepsAddressBooks else {
            throw SwitchboardError.forbidden
        }
        let data = try await Self.collect(body, request)
        let options = try Self.csvOptions(
            encoding: encoding, delimiter: delimiter, template: template, mapping: mapping)
        return (request, actor, data, options)
    }

    /// The request's file, refused above the import limit.
    private static func collect(_ body: HTTPBody, _ request: Request) async throws -> Data {
        let maximum = request.application.config.importMaximumBytes
        do {
            return try await Data(collecting: body, upTo: maximum)
        } catch {
            throw SwitchboardError.importTooLarge(maximumBytes: maximum)
        }
    }

    /// The reading the client asked for: an unknown encoding or delimiter is a bad request (the schema lists them), a
    /// field key that does not exist `csv_mapping_invalid`.
    private static func csvOptions(encoding: String?, delimiter: String?, template: String?, mapping: String?)
        throws(SwitchboardError) -> CSVImportService.Options
    {
        var options = CSVImportService.Options.named(encoding: encoding, delimiter: delimiter, template: template)
        if encoding != nil, options.encoding == nil { throw .badRequest }
        if delimiter != nil, options.delimiter == nil { throw .badRequest }
        if let mapping {
            guard
                let custom = CSVMapping(
                    keys: mapping.split(separator: ",", omittingEmptySubsequences: false).map {
                        $0.trimmingCharacters(in: .whitespaces)
                    })
            else { throw .csvMappingInvalid }
            options.mapping = custom
        }
        return options
    }

    // MARK: helpers

    /// Groups named by the client, each one it may read (unknown and unreadable alike: not found).
    private func readableGroups(_ raw: [String], actor: Actor, _ request: Request) async throws -> [UUID] {
        let ids = try raw.map(uuid)
        for id in Set(ids) { _ = try await request.contactGroupService.group(id, by: actor) }
        return ids
    }

    /// The vCards of `ids`, read as they are sent.
    static func vCardBody(_ ids: [UUID], version: VCardVersion, export: ContactExportService) -> HTTPBody {
        HTTPBody(export.vCards(of: ids, version: version), length: .unknown, iterationBehavior: .single)
    }
}

extension Components.Schemas.ImportReport {
    init(_ report: ContactImportService.Report, on request: Request) throws {
        self.init(
            created: report.imported.count, refused: report.refused.count,
            groups: try report.groups.map {
                .init(id: try $0.requireID().uuidString, name: $0.name, kind: .init($0.kind))
            },
            contacts: report.imported.map { card in
                .init(
                    line: card.line, id: card.contactID.uuidString, displayName: card.displayName,
                    notices: card.notices.map { notice in
                        .init(
                            code: notice.code, property: notice.property, value: notice.value,
                            title: request.message(for: notice))
                    })
            },
            refusals: report.refused.map {
                .init(
                    line: $0.line, displayName: $0.displayName, code: $0.reason.code,
                    title: request.message(for: $0.reason))
            },
            problems: report.problems.map { .init(line: $0.line, code: $0.code, title: request.message(for: $0)) })
    }
}

extension Components.Schemas.CSVPreview {
    init(_ preview: CSVImportService.Preview, on request: Request) {
        let file = preview.file
        let first = preview.sample.first
        func column(_ index: Int) -> Components.Schemas.CSVColumn {
            .init(
                index: index, header: file.header[index], field: file.mapping.fields[index].key,
                sample: first.flatMap { index < $0.cells.count ? $0.cells[index] : nil } ?? "")
        }
        self.init(
            encoding: file.encoding.rawValue, delimiter: file.delimiter.name, template: file.template,
            suggestedTemplate: file.suggested, hasHeader: file.hasHeader, preambleLines: file.preambleLines,
            columns: file.header.indices.map(column),
            ignoredColumns: preview.ignoredColumns.map {
                .init(index: $0.index, header: $0.header, field: "ignore", sample: $0.sample)
            },
            rowCount: preview.rowCount, problemCount: preview.problemCount,
            rows: preview.sample.map { .init($0, on: request) },
            problems: preview.problems.map { .init($0, on: request) })
    }
}

extension Components.Schemas.CSVRowResult {
    init(_ row: CSVImportService.CheckedRow, on request: Request) {
        let kept = row.kept.map { Components.Schemas.ImportNotice(kept: $0, on: request) }
        switch row.result {
        case .success(let contact):
            self.init(line: row.line, displayName: row.displayName, contact: .init(contact), kept: kept)
        case .failure(let error):
            self.init(
                line: row.line, displayName: row.displayName, code: error.code, title: request.message(for: error),
                kept: kept)
        }
    }
}

extension Components.Schemas.CSVImportReport {
    init(_ report: CSVImportService.Report, on request: Request) {
        self.init(
            created: report.count(.created), updated: report.count(.updated), skipped: report.count(.skipped),
            failed: report.count(.failed), groups: report.groups, ignoredColumns: report.ignoredColumns,
            entries: report.entries.map { entry in
                .init(
                    line: entry.line, outcome: .init(rawValue: entry.outcome.rawValue)!,
                    displayName: entry.displayName, contactId: entry.contactID?.uuidString, code: entry.reason?.code,
                    title: entry.reason.map(request.message(for:)),
                    kept: entry.kept.map { .init(kept: $0, on: request) })
            })
    }
}

extension Components.Schemas.ImportNotice {
    /// A value kept in the notes, as the vCard import reports one.
    init(kept: ImportSalvage.Kept, on request: Request) {
        self.init(
            code: "kept_in_notes", property: kept.property, value: kept.value,
            title: request.text("import.notice.kept_in_notes", ["property": kept.property, "value": kept.value]))
    }
}

extension Components.Schemas.ContactInput {
    /// A contact as it would be stored (the CSV preview's rows).
    init(_ contact: SwitchboardCore.Contact) {
        self.init(
            title: contact.title, firstName: contact.firstName, middleName: contact.middleName,
            lastName: contact.lastName, suffix: contact.suffix, displayName: contact.displayName,
            company: contact.company, department: contact.department, jobTitle: contact.jobTitle,
            birthday: contact.birthday, notes: contact.notes, shortCode: contact.shortCode,
            phones: contact.phones.map(Components.Schemas.Phone.init),
            emails: contact.emails.map(Components.Schemas.Email.init),
            addresses: contact.addresses.map(Components.Schemas.PostalAddress.init))
    }
}
