import Testing

@testable import SwitchboardCore

@Suite("Forwarding evaluation")
struct ForwardingEvaluationTests {
    static let destinations: [ForwardingDestination] = [.phoneExtension("202"), .external("+33123456789"), .voicemail]

    func handling(_ settings: ForwardingSettings, _ origin: CallOrigin) -> CallHandling {
        ForwardingEvaluation.handling(of: origin, under: settings, ringSeconds: 5)
    }

    @Test("no rule on: the phone just rings", arguments: CallOrigin.allCases)
    func nothingOn(origin: CallOrigin) {
        #expect(handling(ForwardingSettings(), origin) == .ring)
    }

    @Test("unconditional forwards at once, whatever the origin, to any destination kind")
    func unconditional() {
        for destination in Self.destinations {
            for origin in CallOrigin.allCases {
                let settings = ForwardingSettings(unconditional: .init(enabled: true, destination: destination))
                #expect(handling(settings, origin) == .forwardImmediately(destination))
            }
        }
    }

    @Test("unconditional wins over both conditional rules")
    func unconditionalWins() {
        let settings = ForwardingSettings(
            unconditional: .init(enabled: true, destination: .voicemail),
            internalCalls: .init(enabled: true, destination: .phoneExtension("202"), rings: 2),
            externalCalls: .init(enabled: true, destination: .external("0612345678"), rings: 3))
        for origin in CallOrigin.allCases {
            #expect(handling(settings, origin) == .forwardImmediately(.voicemail))
        }
    }

    @Test("each conditional rule applies to its own origin only, after its rings", arguments: 1...10)
    func conditional(rings: Int) {
        for destination in Self.destinations {
            let internalOnly = ForwardingSettings(
                internalCalls: .init(enabled: true, destination: destination, rings: rings))
            #expect(
                handling(internalOnly, .internal)
                    == .ringThenForward(rings: rings, seconds: rings * 5, destination: destination))
            #expect(handling(internalOnly, .external) == .ring)
            let externalOnly = ForwardingSettings(
                externalCalls: .init(enabled: true, destination: destination, rings: rings))
            #expect(
                handling(externalOnly, .external)
                    == .ringThenForward(rings: rings, seconds: rings * 5, destination: destination))
            #expect(handling(externalOnly, .internal) == .ring)
        }
    }

    @Test("both conditional rules together send each origin its own way")
    func bothConditional() {
        let settings = ForwardingSettings(
            internalCalls: .init(enabled: true, destination: .phoneExtension("202"), rings: 2),
            externalCalls: .init(enabled: true, destination: .voicemail, rings: 4))
        #expect(
            handling(settings, .internal)
                == .ringThenForward(rings: 2, seconds: 10, destination: .phoneExtension("202")))
        #expect(handling(settings, .external) == .ringThenForward(rings: 4, seconds: 20, destination: .voicemail))
    }

    @Test("a stored destination with its rule off does nothing")
    func disabledWithDestination() {
        for destination in Self.destinations {
            let settings = ForwardingSettings(
                unconditional: .init(enabled: false, destination: destination),
                internalCalls: .init(enabled: false, destination: destination, rings: 3),
                externalCalls: .init(enabled: false, destination: destination, rings: 3))
            for origin in CallOrigin.allCases { #expect(handling(settings, origin) == .ring) }
        }
    }

    @Test("the ring length scales the seconds")
    func ringLength() {
        let settings = ForwardingSettings(externalCalls: .init(enabled: true, destination: .voicemail, rings: 2))
        #expect(
            ForwardingEvaluation.handling(of: .external, under: settings, ringSeconds: 6)
                == .ringThenForward(rings: 2, seconds: 12, destination: .voicemail))
    }
}

@Suite("Forwarding validation")
struct ForwardingValidationTests {
    let known: Set<String> = ["201", "202", "203", "204"]

    func check(_ settings: ForwardingSettings, owner: String? = "201", others: [String: [String]] = [:])
        throws(ForwardingViolation)
    {
        try ForwardingValidation.check(settings, owner: owner, knownExtensions: known, otherForwards: others)
    }

    @Test func acceptsAValidSet() throws {
        try check(
            ForwardingSettings(
                unconditional: .init(enabled: false, destination: .external("+33 1 23 45 67 89")),
                internalCalls: .init(enabled: true, destination: .phoneExtension("202"), rings: 3),
                externalCalls: .init(enabled: true, destination: .voicemail, rings: 10)))
    }

    @Test func refusesAnEnabledRuleWithoutDestination() {
        #expect(throws: ForwardingViolation.destinationMissing(.unconditional)) {
            try check(ForwardingSettings(unconditional: .init(enabled: true)))
        }
    }

    @Test(arguments: [0, 11, -1])
    func refusesRingsOutOfRange(rings: Int) {
        #expect(throws: ForwardingViolation.ringsOutOfRange(.externalCalls)) {
            try check(ForwardingSettings(externalCalls: .init(enabled: false, destination: nil, rings: rings)))
        }
    }

    @Test func refusesForwardingToYourself() {
        #expect(throws: ForwardingViolation.forwardsToSelf(.internalCalls)) {
            try check(ForwardingSettings(internalCalls: .init(enabled: false, destination: .phoneExtension("201"))))
        }
    }

    @Test func refusesAnUnknownExtensionAndABadNumber() {
        #expect(throws: ForwardingViolation.unknownExtension(.unconditional, "999")) {
            try check(ForwardingSettings(unconditional: .init(enabled: true, destination: .phoneExtension("999"))))
        }
        #expect(throws: ForwardingViolation.externalNumberInvalid(.externalCalls)) {
            try check(ForwardingSettings(externalCalls: .init(enabled: true, destination: .external("call me"))))
        }
    }

    @Test func refusesADirectLoop() {
        #expect(throws: ForwardingViolation.loop(["201", "202", "201"])) {
            try check(
                ForwardingSettings(unconditional: .init(enabled: true, destination: .phoneExtension("202"))),
                others: ["202": ["201"]])
        }
    }

    @Test func refusesALongerLoopThroughAnyActiveRule() {
        #expect(throws: ForwardingViolation.loop(["201", "202", "203", "204", "201"])) {
            try check(
                ForwardingSettings(externalCalls: .init(enabled: true, destination: .phoneExtension("202"), rings: 2)),
                others: ["202": ["203"], "203": ["204"], "204": ["201"]])
        }
    }

    @Test func aChainWithoutReturnIsNoLoop() throws {
        try check(
            ForwardingSettings(unconditional: .init(enabled: true, destination: .phoneExtension("202"))),
            others: ["202": ["203"], "203": ["204"], "204": []])
    }

    @Test func aDisabledRuleCannotCloseALoop() throws {
        try check(
            ForwardingSettings(unconditional: .init(enabled: false, destination: .phoneExtension("202"))),
            others: ["202": ["201"]])
    }
}

@Suite("Phone numbers")
struct PhoneNumberTests {
    @Test(arguments: [
        ("+33 1 23 45 67 89", "+33123456789"), ("0033 (0)1-23.45.67.89", "+33123456789"),
        ("01 23 45 67 89", "0123456789"), ("  201 ", "201"), ("*31#", "*31#"), ("+49 (30) 1234", "+49301234"),
    ])
    func normalises(raw: String, expected: String) {
        #expect(PhoneNumber.normalized(raw) == expected)
    }

    @Test(arguments: ["", "call me", "12+34", "+", "*#", String(repeating: "1", count: 21)])
    func refuses(raw: String) {
        #expect(PhoneNumber.normalized(raw) == nil)
    }
}

@Suite("Forwarding evaluation, every combination")
struct ForwardingCombinationTests {
    static let destinations: [ForwardingDestination?] = [
        nil, .phoneExtension("202"), .external("+33123456789"), .voicemail,
    ]

    /// Every rule in each of its states: off or on, with each destination or none.
    static var ruleStates: [ForwardingRule] {
        [false, true].flatMap { enabled in
            destinations.map { ForwardingRule(enabled: enabled, destination: $0, rings: 3) }
        }
    }

    @Test("8 × 8 × 8 rule states × 2 origins: unconditional first, then the caller's own rule, else ring")
    func everyCombination() {
        var checked = 0
        for unconditional in Self.ruleStates {
            for internalCalls in Self.ruleStates {
                for externalCalls in Self.ruleStates {
                    let settings = ForwardingSettings(
                        unconditional: unconditional, internalCalls: internalCalls, externalCalls: externalCalls)
                    for origin in CallOrigin.allCases {
                        let own = origin == .internal ? internalCalls : externalCalls
                        let expected: CallHandling =
                            if unconditional.enabled, let destination = unconditional.destination {
                                .forwardImmediately(destination)
                            } else if own.enabled, let destination = own.destination {
                                .ringThenForward(rings: 3, seconds: 15, destination: destination)
                            } else {
                                .ring
                            }
                        #expect(ForwardingEvaluation.handling(of: origin, under: settings, ringSeconds: 5) == expected)
                        checked += 1
                    }
                }
            }
        }
        #expect(checked == 1024)
    }
}
