import Vapor

/// Vapor stores the session again after every request that looked at it, and every page looks
/// (sign-in state, CSRF token): one database write per page view. This driver remembers what was
/// read and writes only what changed.
struct ChangedSessionsOnly: SessionDriver {
    let base: any SessionDriver

    private struct ReadKey: StorageKey {
        typealias Value = SessionData
    }

    /// A session with nothing in it (a cookie naming an expired or unknown session) is not stored: an anonymous
    /// visitor never makes a row. The id is handed out and forgotten.
    func createSession(_ data: SessionData, for request: Request) -> EventLoopFuture<SessionID> {
        if data.snapshot.isEmpty {
            return request.eventLoop.makeSucceededFuture(SessionID(string: TokenService.randomURLSafe(bytes: 32)))
        }
        return base.createSession(data, for: request)
    }

    func readSession(_ sessionID: SessionID, for request: Request) -> EventLoopFuture<SessionData?> {
        base.readSession(sessionID, for: request).map { data in
            request.storage[ReadKey.self] = data
            return data
        }
    }

    func updateSession(_ sessionID: SessionID, to data: SessionData, for request: Request)
        -> EventLoopFuture<SessionID>
    {
        if request.storage[ReadKey.self] == data { return request.eventLoop.makeSucceededFuture(sessionID) }
        return base.updateSession(sessionID, to: data, for: request)
    }

    func deleteSession(_ sessionID: SessionID, for request: Request) -> EventLoopFuture<Void> {
        base.deleteSession(sessionID, for: request)
    }
}
