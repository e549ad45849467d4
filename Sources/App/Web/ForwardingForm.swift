import SwitchboardCore
import Vapor

/// The forwarding form: three rules, each with its switch, destination kind, values and rings.
/// Field names are `<kind>.<field>`, e.g. `internal.enabled`, `external.number`.
struct ForwardingForm {
    struct RuleView: Encodable {
        let kind: String
        let titleKey: String
        let hintKey: String
        let enabled: Bool
        let target: String
        let extensionValue: String
        let numberValue: String
        let showsRings: Bool
        let rings: [RingOption]
        let destinationError: String?
        let ringsError: String?
    }

    struct RingOption: Encodable {
        let value: Int
        let label: String
        let selected: Bool
    }

    struct View: Encodable {
        let action: String
        let rules: [RuleView]
        let summary: [String]
        let ringSeconds: Int
        let error: String?
    }

    /// Reads the three rules from a submitted form.
    static func decode(_ fields: [String: String]) -> ForwardingSettings {
        func rule(_ kind: ForwardingRuleKind) -> ForwardingRule {
            let prefix = kind.rawValue + "."
            let value = { (name: String) in fields[prefix + name]?.trimmingCharacters(in: .whitespaces) ?? "" }
            let destination: ForwardingDestination? =
                switch value("target") {
                case "extension": value("extension").isEmpty ? nil : .phoneExtension(value("extension"))
                case "external": value("number").isEmpty ? nil : .external(value("number"))
                case "voicemail": .voicemail
                default: nil
                }
            return ForwardingRule(
                enabled: ["on", "true", "yes"].contains(value("enabled")), destination: destination,
                rings: Int(value("rings")) ?? ForwardingRule().rings)
        }
        var settings = ForwardingSettings()
        for kind in ForwardingRuleKind.allCases { settings[kind] = rule(kind) }
        return settings
    }

    static func view(
        _ settings: ForwardingSettings, action: String, ringSeconds: Int, error: SwitchboardError?, on req: Request
    ) -> View {
        let message = error.map { req.message(for: $0) }
        return View(
            action: action,
            rules: settings.rules.map { kind, rule in
                let (target, extensionValue, numberValue): (String, String, String) =
                    switch rule.destination {
                    case .phoneExtension(let value): ("extension", value, "")
                    case .external(let value): ("external", "", value)
                    case .voicemail: ("voicemail", "", "")
                    case nil: ("", "", "")
                    }
                return RuleView(
                    kind: kind.rawValue, titleKey: "forwarding.rule.\(kind.rawValue)",
                    hintKey: "forwarding.hint.\(kind.rawValue)", enabled: rule.enabled, target: target,
                    extensionValue: extensionValue, numberValue: numberValue, showsRings: kind != .unconditional,
                    rings: ForwardingRule.ringRange.map { count in
                        RingOption(
                            value: count,
                            label: req.text(
                                count == 1 ? "forwarding.rings_option_one" : "forwarding.rings_option",
                                ["rings": String(count), "seconds": String(count * ringSeconds)]),
                            selected: count == rule.rings)
                    },
                    destinationError: error?.field == "\(kind.rawValue).destination" ? message : nil,
                    ringsError: error?.field == "\(kind.rawValue).rings" ? message : nil)
            },
            summary: ForwardingSummary.sentences(for: settings, ringSeconds: ringSeconds, on: req),
            ringSeconds: ringSeconds,
            error: error?.field == "forwarding" || error?.field == nil ? message : nil)
    }
}

/// The active rules in plain words: "Calls from outside ring 4 times (20 s), then go to your voicemail."
enum ForwardingSummary {
    static func sentences(for settings: ForwardingSettings, ringSeconds: Int, on req: Request) -> [String] {
        if let destination = settings.unconditional.activeDestination {
            return [req.text("forwarding.summary.unconditional", ["destination": describe(destination, on: req)])]
        }
        return CallOrigin.allCases.map { origin in
            let key = "forwarding.summary.\(origin.rawValue)"
            switch ForwardingEvaluation.handling(of: origin, under: settings, ringSeconds: ringSeconds) {
            case .ringThenForward(let rings, let seconds, let destination):
                return req.text(
                    key + "_forward",
                    ["rings": String(rings), "seconds": String(seconds), "destination": describe(destination, on: req)])
            case .ring, .forwardImmediately:
                return req.text(key + "_ring")
            }
        }
    }

    static func describe(_ destination: ForwardingDestination, on req: Request) -> String {
        switch destination {
        case .phoneExtension(let value): req.text("forwarding.destination.extension", ["extension": value])
        case .external(let number): req.text("forwarding.destination.external", ["number": req.shownNumber(number)])
        case .voicemail: req.text("forwarding.destination.voicemail")
        }
    }
}
