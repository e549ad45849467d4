import Fluent
import SQLKit
import SwitchboardCore
import Vapor

/// What the PBX asks at call time: the routing decision for a call to an extension, and the
/// caller-ID name of a number.
struct PBXService {
    /// Made when first needed: most answers come from memory and the SQLite file, and making a request's database
    /// handle was a few per cent of a lookup's time.
    private let database: @Sendable () -> any Database
    var db: any Database { database() }
    let settings: AppConfig.PBXSettings
    let ringSeconds: Int
    /// The users' extensions and forwarding rules, in memory.
    let routing: CallRoutingCache
    /// Reads number keys straight from an SQLite file; `nil` on PostgreSQL and in-memory SQLite.
    var numberKeys: NumberKeyReader? = nil

    init(
        db: @autoclosure @escaping @Sendable () -> any Database, settings: AppConfig.PBXSettings, ringSeconds: Int,
        routing: CallRoutingCache, numberKeys: NumberKeyReader? = nil
    ) {
        database = db
        self.settings = settings
        self.ringSeconds = ringSeconds
        self.routing = routing
        self.numberKeys = numberKeys
    }

    var matcher: CallerIDMatcher { CallerIDMatcher(plan: settings.dialPlan) }

    // MARK: routing decision

    struct Destination: Content, Equatable {
        let kind: String
        let number: String?
        let uri: String
    }

    struct Route: Content, Equatable {
        let action: String
        let callee: String
        let calleeUri: String
        let origin: String
        let rings: Int?
        let ringSeconds: Int?
        let destination: Destination?
        let diversion: String?
    }

    /// Without `origin`, the call is internal when the caller is one of the users' extensions.
    func route(callee: String, caller: String?, origin: String?) async throws -> Route {
        let start = ContinuousClock.now
        do {
            let route = try await decide(callee: callee, caller: caller, origin: origin)
            SwitchboardMetrics.current?.routingDecision(route.action, elapsed: ContinuousClock.now - start)
            return route
        } catch SwitchboardError.notFound {
            SwitchboardMetrics.current?.routingDecision("unknown_callee", elapsed: ContinuousClock.now - start)
            throw SwitchboardError.notFound
        }
    }

    private func decide(callee rawCallee: String, caller: String?, origin rawOrigin: String?) async throws -> Route {
        guard let callee = PhoneNumber.cleaned(rawCallee), !callee.isEmpty else { throw SwitchboardError.badRequest }
        var origin: CallOrigin?
        if let rawOrigin, !rawOrigin.isEmpty {
            guard let given = CallOrigin(rawValue: rawOrigin) else { throw SwitchboardError.badRequest }
            origin = given
        }
        let users = try await routing.current(on: db).byExtension
        guard let user = users[callee] else { throw SwitchboardError.notFound }
        if origin == nil {
            // Internal when the caller looks like an extension and one of the users has it.
            var isColleague = false
            if let caller, case .internal(let number)? = settings.dialPlan.understand(caller, fromPBX: true) {
                isColleague = users[number] != nil
            }
            origin = isColleague ? .internal : .external
        }
        let handling = ForwardingEvaluation.handling(of: origin!, under: user.forwarding, ringSeconds: ringSeconds)
        let calleeURI = uri(callee)
        switch handling {
        case .ring:
            return Route(
                action: "ring", callee: callee, calleeUri: calleeURI, origin: origin!.rawValue, rings: nil,
                ringSeconds: nil, destination: nil, diversion: nil)
        case .forwardImmediately(let destination):
            return Route(
                action: "forward", callee: callee, calleeUri: calleeURI, origin: origin!.rawValue, rings: nil,
                ringSeconds: nil, destination: self.destination(destination, of: callee),
                diversion: "<\(calleeURI)>;reason=unconditional;counter=1")
        case .ringThenForward(let rings, let seconds, let destination):
            return Route(
                action: "ring_then_forward", callee: callee, calleeUri: calleeURI, origin: origin!.rawValue,
                rings: rings, ringSeconds: seconds, destination: self.destination(destination, of: callee),
                diversion: "<\(calleeURI)>;reason=no-answer;counter=1")
        }
    }

    func uri(_ user: String) -> String { "sip:\(user)@\(settings.sipDomain)" }

    func destination(_ destination: ForwardingDestination, of callee: String) -> Destination {
        switch destination {
        case .phoneExtension(let target):
            return Destination(kind: "extension", number: target, uri: uri(target))
        case .external(let number):
            let dialed = settings.dialPlan.dialString(for: number) ?? number
            return Destination(kind: "external", number: dialed, uri: uri(dialed))
        case .voicemail:
            let uri = settings.voicemailURIPattern
                .replacingOccurrences(of: "{extension}", with: callee)
                .replacingOccurrences(of: "{domain}", with: settings.sipDomain)
            return Destination(kind: "voicemail", number: nil, uri: uri)
        }
    }

    // MARK: caller-ID

    struct Lookup: Content, Equatable {
        let number: String
        let name: String
        let match: String
        let source: String
    }

    /// The name for a presented number, or `nil` when nobody has it.
    func lookup(_ presented: String) async throws -> Lookup? {
        let start = ContinuousClock.now
        let found = try await find(presented)
        SwitchboardMetrics.current?.callerIDLookup(found: found != nil, elapsed: ContinuousClock.now - start)
        return found
    }

    private func find(_ presented: String) async throws -> Lookup? {
        guard let understood = settings.dialPlan.understand(presented, fromPBX: true) else {
            throw SwitchboardError.numberInvalid
        }
        if case .internal(let number) = understood, let user = try await routing.current(on: db).byExtension[number] {
            return Lookup(number: presented, name: user.displayName, match: "exact", source: "user")
        }
        let keys = matcher.searchKeys(for: presented)
        guard !keys.isEmpty else { return nil }
        let candidates = try await candidates(keys: keys)
        // The same order whatever the database returns: ties go to the first name alphabetically.
        let sorted = candidates.sorted { ($0.name, $0.number) < ($1.name, $1.number) }
        guard let best = matcher.bestMatch(for: presented, among: sorted) else { return nil }
        let match: String =
            switch best.match {
            case .exact: "exact"
            case .national: "national"
            case .trailingDigits: "trailing_digits"
            }
        return Lookup(number: presented, name: best.name, match: match, source: "contact")
    }

    /// `(number on file, display name)` of the contacts having one of `keys`.
    private func candidates(keys: [String]) async throws -> [(number: String, name: String)] {
        if let numberKeys {
            do {
                return try numberKeys.candidates(keys: keys)
            } catch {
                db.logger.warning("Caller-ID lookup read through Fluent: \(error)")
            }
        }
        return try await ContactStore.callerIDCandidates(keys: keys, on: db)
    }

}
