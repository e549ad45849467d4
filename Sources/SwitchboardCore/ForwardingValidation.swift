/// The three rules, by name, for messages that point at one of them.
public enum ForwardingRuleKind: String, CaseIterable, Sendable {
    case unconditional
    case internalCalls = "internal"
    case externalCalls = "external"
}

public enum ForwardingViolation: Error, Equatable, Sendable {
    case destinationMissing(ForwardingRuleKind)
    case ringsOutOfRange(ForwardingRuleKind)
    case forwardsToSelf(ForwardingRuleKind)
    case unknownExtension(ForwardingRuleKind, String)
    case externalNumberInvalid(ForwardingRuleKind)
    /// The extensions a call would go round, starting and ending with the owner's.
    case loop([String])
}

public enum ForwardingValidation {
    /// Checks `settings` of the user with extension `owner` against the other users' active
    /// forwards (`otherForwards`: extension → extensions it forwards to) and the extensions
    /// that exist.
    public static func check(
        _ settings: ForwardingSettings, owner: String?, knownExtensions: Set<String>,
        otherForwards: [String: [String]]
    ) throws(ForwardingViolation) {
        for (kind, rule) in settings.rules {
            if kind != .unconditional, !ForwardingRule.ringRange.contains(rule.rings) {
                throw .ringsOutOfRange(kind)
            }
            if rule.enabled, rule.destination == nil { throw .destinationMissing(kind) }
            switch rule.destination {
            case .phoneExtension(let target):
                if target == owner { throw .forwardsToSelf(kind) }
                if !knownExtensions.contains(target) { throw .unknownExtension(kind, target) }
            case .external(let number):
                if PhoneNumber.normalized(number) == nil { throw .externalNumberInvalid(kind) }
            case .voicemail, nil:
                break
            }
        }
        if let owner, let chain = loop(from: owner, forwards: settings.forwardedExtensions, others: otherForwards) {
            throw .loop(chain)
        }
    }

    /// A path of forwards that leads from `owner` back to `owner`, if there is one.
    public static func loop(from owner: String, forwards: [String], others: [String: [String]]) -> [String]? {
        var graph = others
        graph[owner] = forwards
        var visited: Set<String> = []
        func walk(_ node: String, _ path: [String]) -> [String]? {
            for next in graph[node] ?? [] {
                if next == owner { return path + [next] }
                guard visited.insert(next).inserted else { continue }
                if let found = walk(next, path + [next]) { return found }
            }
            return nil
        }
        return walk(owner, [owner])
    }
}
