import Foundation
import OpenAPIRuntime
import Vapor

/// `/api/v1/linked-groups`: linked groups' synchronisation status, and "Sync now" (admins, sub-admins).
extension APIHandler {
    func listLinkedGroups(_ input: Operations.ListLinkedGroups.Input) async throws
        -> Operations.ListLinkedGroups.Output
    {
        let (request, actor) = try context()
        let statuses = try await request.linkedSourceService.statuses(by: actor)
        return .ok(.init(body: .json(.init(items: try statuses.map { try .init($0, on: request) }))))
    }

    func syncLinkedGroup(_ input: Operations.SyncLinkedGroup.Input) async throws -> Operations.SyncLinkedGroup.Output {
        let (request, actor) = try context()
        let id = try uuid(input.path.groupId)
        // The application's database, not the request's: the synchronisation outlives the request.
        let service = request.application.linkedSourceService(on: request.application.db)
        try await service.startSync(id, by: actor, logger: request.application.logger)
        guard let status = try await service.statuses(by: actor).first(where: { $0.group.id == id }) else {
            throw SwitchboardError.notFound
        }
        return .accepted(.init(body: .json(try .init(status, on: request))))
    }
}

extension Components.Schemas.LinkedGroup {
    init(_ status: LinkedSourceService.Status, on request: Request) throws {
        let source = status.source
        self.init(
            id: try status.group.requireID().uuidString, name: status.group.name,
            memberCount: status.group.memberCount, configured: source?.addressBookURL != nil,
            serverUrl: source?.serverURL, addressBookUrl: source?.addressBookURL,
            authKind: source?.authKind == .oauth ? .oauth : .password,
            intervalMinutes: source?.intervalMinutes ?? 60, syncing: status.isSyncing,
            lastAttemptAt: source?.lastAttemptAt, lastSuccessAt: source?.lastSuccessAt,
            lastCreated: source?.lastCreated ?? 0, lastUpdated: source?.lastUpdated ?? 0,
            lastDeleted: source?.lastDeleted ?? 0, lastFailed: source?.lastFailed ?? 0,
            lastError: source?.lastErrorCode.map { code in
                .init(
                    code: code,
                    message: request.text("error.carddav_\(code)", ["detail": source?.lastErrorDetail ?? ""]),
                    at: source?.lastAttemptAt)
            })
    }
}
