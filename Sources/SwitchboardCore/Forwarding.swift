import Foundation

/// Where a forwarded call goes.
public enum ForwardingDestination: Equatable, Hashable, Sendable {
    /// Another internal extension.
    case phoneExtension(String)
    /// A number outside the company, as the user typed it (normalised).
    case external(String)
    /// The user's own voicemail box.
    case voicemail
}

/// One forwarding rule. `enabled` is kept apart from `destination` so a destination can stay
/// stored while the rule is off.
public struct ForwardingRule: Equatable, Sendable {
    public static let ringRange = 1...10

    public var enabled: Bool
    public var destination: ForwardingDestination?
    /// How many times the phone rings first; ignored by the unconditional rule.
    public var rings: Int

    public init(enabled: Bool = false, destination: ForwardingDestination? = nil, rings: Int = 4) {
        self.enabled = enabled
        self.destination = destination
        self.rings = rings
    }

    /// The destination when the rule is on and has one.
    public var activeDestination: ForwardingDestination? { enabled ? destination : nil }
}

/// Whether the caller is inside the company (another extension) or outside.
public enum CallOrigin: String, Sendable, CaseIterable {
    case `internal`
    case external
}

/// A user's three forwarding rules.
public struct ForwardingSettings: Equatable, Sendable {
    public var unconditional: ForwardingRule
    public var internalCalls: ForwardingRule
    public var externalCalls: ForwardingRule

    public init(
        unconditional: ForwardingRule = .init(), internalCalls: ForwardingRule = .init(),
        externalCalls: ForwardingRule = .init()
    ) {
        self.unconditional = unconditional
        self.internalCalls = internalCalls
        self.externalCalls = externalCalls
    }

    /// The rule of one kind, to read or replace.
    public subscript(kind: ForwardingRuleKind) -> ForwardingRule {
        get {
            switch kind {
            case .unconditional: unconditional
            case .internalCalls: internalCalls
            case .externalCalls: externalCalls
            }
        }
        set {
            switch kind {
            case .unconditional: unconditional = newValue
            case .internalCalls: internalCalls = newValue
            case .externalCalls: externalCalls = newValue
            }
        }
    }

    /// The three rules in display order.
    public var rules: [(kind: ForwardingRuleKind, rule: ForwardingRule)] {
        ForwardingRuleKind.allCases.map { ($0, self[$0]) }
    }

    public func conditionalRule(for origin: CallOrigin) -> ForwardingRule {
        switch origin {
        case .internal: internalCalls
        case .external: externalCalls
        }
    }

    /// Extensions this user's active rules may send a call to.
    public var forwardedExtensions: [String] {
        rules.compactMap {
            if case .phoneExtension(let target) = $0.rule.activeDestination { target } else { nil }
        }
    }
}

/// What the PBX should do with a call.
public enum CallHandling: Equatable, Sendable {
    /// Ring the extension with no forwarding.
    case ring
    /// Go straight to the destination without ringing.
    case forwardImmediately(ForwardingDestination)
    /// Ring `rings` times (`seconds` in all), then go to the destination.
    case ringThenForward(rings: Int, seconds: Int, destination: ForwardingDestination)
}

public enum ForwardingEvaluation {
    /// For a call of `origin` to a user with `settings`: what happens. Unconditional wins;
    /// otherwise the rule for the caller's origin applies.
    public static func handling(
        of origin: CallOrigin, under settings: ForwardingSettings, ringSeconds: Int
    ) -> CallHandling {
        if let destination = settings.unconditional.activeDestination {
            return .forwardImmediately(destination)
        }
        let rule = settings.conditionalRule(for: origin)
        guard let destination = rule.activeDestination else { return .ring }
        return .ringThenForward(rings: rule.rings, seconds: rule.rings * ringSeconds, destination: destination)
    }
}
