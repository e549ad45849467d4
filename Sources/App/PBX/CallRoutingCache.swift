import Fluent
import Foundation
import SwitchboardCore

/// What the PBX's questions read at every call — the users' extensions, names and forwarding
/// rules — held in memory, so that a routing decision or an extension's caller-ID name costs no
/// database round trip. Any write of a user or a forwarding rule through this instance empties
/// it at once (`CallRoutingCache.Invalidation`); writes made elsewhere (a console command,
/// another instance on the same PostgreSQL) are seen within `lifetime`.
final class CallRoutingCache: @unchecked Sendable {
    struct User: Sendable {
        let id: UUID
        let displayName: String
        let forwarding: ForwardingSettings
    }

    /// Users with an extension, by extension.
    struct Snapshot: Sendable {
        let byExtension: [String: User]
    }

    let lifetime: Duration
    private let lock = NSLock()
    private var snapshot: Snapshot?
    private var loadedAt = ContinuousClock.now
    /// Counts invalidations, so that a load that started before one is not kept after it.
    private var generation = 0

    init(lifetime: Duration = .seconds(2)) { self.lifetime = lifetime }

    func current(on db: @autoclosure () -> any Database) async throws -> Snapshot {
        let (cached, generation): (Snapshot?, Int) = lock.withLock {
            if let snapshot, ContinuousClock.now - loadedAt < lifetime { return (snapshot, self.generation) }
            return (nil, self.generation)
        }
        if let cached { return cached }
        let started = ContinuousClock.now
        let loaded = try await Self.load(on: db())
        lock.withLock {
            if self.generation == generation {
                snapshot = loaded
                loadedAt = started
            }
        }
        return loaded
    }

    func invalidate() {
        lock.withLock {
            generation += 1
            snapshot = nil
        }
    }

    private static func load(on db: any Database) async throws -> Snapshot {
        let users = try await UserModel.query(on: db).filter(\.$phoneExtension != nil).all()
        var rules: [UUID: ForwardingSettings] = [:]
        for row in try await ForwardingRuleModel.query(on: db).all() {
            guard let kind = ForwardingRuleKind(rawValue: row.kind) else { continue }
            rules[row.$user.id, default: ForwardingSettings()][kind] = row.toDomain()
        }
        var byExtension: [String: User] = [:]
        for user in users {
            guard let phoneExtension = user.phoneExtension, let id = user.id else { continue }
            byExtension[phoneExtension] = User(
                id: id, displayName: user.displayName, forwarding: rules[id] ?? ForwardingSettings())
        }
        return Snapshot(byExtension: byExtension)
    }

    /// Empties the cache whenever a user or a forwarding rule is created, changed or deleted.
    struct Invalidation<M: Model>: AsyncModelMiddleware {
        let cache: CallRoutingCache

        func create(model: M, on db: any Database, next: any AnyAsyncModelResponder) async throws {
            cache.invalidate()
            try await next.create(model, on: db)
            cache.invalidate()
        }

        func update(model: M, on db: any Database, next: any AnyAsyncModelResponder) async throws {
            cache.invalidate()
            try await next.update(model, on: db)
            cache.invalidate()
        }

        func delete(model: M, force: Bool, on db: any Database, next: any AnyAsyncModelResponder) async throws {
            cache.invalidate()
            try await next.delete(model, force: force, on: db)
            cache.invalidate()
        }
    }
}
