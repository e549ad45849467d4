import Fluent
import Foundation
import Vapor

/// Sessions stored in the database (so every instance behind a load balancer shares them) that end on the server:
/// `lifetime` after the last activity, counted in steps of `renewal` so an active session costs one write per step,
/// not one per page. An expired session reads as none and is deleted; each new session purges the expired ones.
struct ExpiringSessions: AsyncSessionDriver {
    let lifetime: TimeInterval
    /// A session is extended when less than `lifetime - renewal` of it is left.
    var renewal: TimeInterval { min(3600, lifetime / 4) }

    func createSession(_ data: SessionData, for request: Request) async throws -> SessionID {
        let now = Date()
        try await SessionModel.query(on: request.db).filter(\.$expiresAt < now).delete()
        let key = TokenService.randomURLSafe(bytes: 32)
        try await SessionModel(key: key, data: data, expiresAt: now.addingTimeInterval(lifetime)).create(on: request.db)
        return SessionID(string: key)
    }

    func readSession(_ sessionID: SessionID, for request: Request) async throws -> SessionData? {
        guard let session = try await SessionModel.query(on: request.db).filter(\.$key == sessionID.string).first()
        else { return nil }
        let now = Date()
        if session.expiresAt <= now {
            try await session.delete(on: request.db)
            return nil
        }
        if session.expiresAt.timeIntervalSince(now) < lifetime - renewal {
            session.expiresAt = now.addingTimeInterval(lifetime)
            try await session.update(on: request.db)
        }
        return session.data
    }

    func updateSession(_ sessionID: SessionID, to data: SessionData, for request: Request) async throws -> SessionID {
        try await SessionModel.query(on: request.db).filter(\.$key == sessionID.string).set(\.$data, to: data)
            .update()
        return sessionID
    }

    func deleteSession(_ sessionID: SessionID, for request: Request) async throws {
        try await SessionModel.query(on: request.db).filter(\.$key == sessionID.string).delete()
    }
}
