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
