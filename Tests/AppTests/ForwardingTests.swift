import Fluent
import Foundation
import SwitchboardCore
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Call forwarding pages")
struct ForwardingTests {
    static let off: [String: String] = [
        "unconditional.target": "", "internal.target": "", "external.target": "", "internal.rings": "4",
        "external.rings": "4",
    ]

    private func form(_ fields: [String: String]) -> [String: String] {
        Self.off.merging(fields) { $1 }
    }

    @Test("each rule is saved and read back as a plain-language summary")
    func summaries() async throws {
        try await withApp { app in
            try await app.makeUser("olga", phoneExtension: "301")
            try await app.makeUser("paul", phoneExtension: "302")
            let browser = Browser(app)
            try await browser.signIn("olga", "password-123")
            try await browser.get(Paths.settings.path)

            try await browser.post(
                Paths.settingsForwarding.path,
                form(["external.enabled": "on", "external.target": "voicemail", "external.rings": "4"]))
            var page = try await browser.get(Paths.settings.path).body.string
            #expect(page.contains("Calls from outside ring 4 times (20 s), then go to your voicemail."))
            #expect(page.contains("Calls from colleagues ring your phone until answered."))

            try await browser.post(
                Paths.settingsForwarding.path,
                form([
                    "internal.enabled": "on", "internal.target": "extension", "internal.extension": "302",
                    "internal.rings": "2",
                ]))
            page = try await browser.get(Paths.settings.path).body.string
            #expect(page.contains("Calls from colleagues ring 2 times (10 s), then go to extension 302."))
            // The external rule was not in this form's "on" fields: it is off now, its destination kept.
            #expect(page.contains("Calls from outside ring your phone until answered."))

            try await browser.post(
                Paths.settingsForwarding.path,
                form([
                    "unconditional.enabled": "on", "unconditional.target": "external",
                    "unconditional.number": "06 12 34 56 78",
                ]))
            page = try await browser.get(Paths.settings.path).body.string
            #expect(page.contains("Every call goes straight to 06 12 34 56 78."))

            let user = try #require(try await UserModel.find(username: "olga", on: app.db))
            let stored = try await ForwardingRuleModel.settings(for: user.requireID(), on: app.db)
            #expect(
                stored.unconditional == ForwardingRule(enabled: true, destination: .external("0612345678"), rings: 4))
            #expect(stored.externalCalls.enabled == false)
        }
    }

    @Test("rings are said in words: 1 ring, 4 rings (20 s); 1 sonnerie, 4 sonneries (20 s)")
    func ringsInWords() async throws {
        try await withApp { app in
            try await app.makeUser("olga", phoneExtension: "301")
            let browser = Browser(app)
            try await browser.signIn("olga", "password-123")
            let english = try await browser.get(Paths.settings.path).body.string
            #expect(english.contains(">1 ring (5 s)<") && english.contains(">4 rings (20 s)<"))
            #expect(!english.contains(" × ("))
            browser.acceptLanguage = "fr-FR"
            let french = try await browser.get(Paths.settings.path).body.string
            #expect(french.contains(">1 sonnerie (5 s)<") && french.contains(">4 sonneries (20 s)<"))
        }
    }

    @Test("a destination stays stored while its rule is off")
    func disabledKeepsDestination() async throws {
        try await withApp { app in
            try await app.makeUser("rita", phoneExtension: "305")
            let browser = Browser(app)
            try await browser.signIn("rita", "password-123")
            try await browser.get(Paths.settings.path)
            try await browser.post(
                Paths.settingsForwarding.path,
                form(["unconditional.target": "external", "unconditional.number": "+4930123456"]))
            let page = try await browser.get(Paths.settings.path).body.string
            #expect(page.contains("value=\"+4930123456\""))
            #expect(!page.contains("Every call goes straight"))
        }
    }

    @Test("loops across users are refused with the chain named; so are self and unknown extensions")
    func refusals() async throws {
        try await withApp { app in
            let a = try await app.makeUser("anna", phoneExtension: "401")
            let b = try await app.makeUser("bert", phoneExtension: "402")
            try await app.makeUser("cleo", phoneExtension: "403")
            try await ForwardingService(db: app.db).update(
                ForwardingSettings(unconditional: .init(enabled: true, destination: .phoneExtension("403"))), of: b,
                by: Actor(user: b, clientAddress: nil))
            let cleo = try #require(try await UserModel.find(username: "cleo", on: app.db))
            try await ForwardingService(db: app.db).update(
                ForwardingSettings(externalCalls: .init(enabled: true, destination: .phoneExtension("401"), rings: 3)),
                of: cleo, by: Actor(user: cleo, clientAddress: nil))

            let browser = Browser(app)
            try await browser.signIn("anna", "password-123")
            try await browser.get(Paths.settings.path)
            let loop = try await browser.post(
                Paths.settingsForwarding.path,
                form(["internal.enabled": "on", "internal.target": "extension", "internal.extension": "402"]))
            #expect(loop.status == .unprocessableEntity)
            #expect(loop.body.string.contains("This would send calls round in a loop: 401 → 402 → 403 → 401."))

            let toSelf = try await browser.post(
                Paths.settingsForwarding.path,
                form([
                    "unconditional.enabled": "on", "unconditional.target": "extension",
                    "unconditional.extension": "401",
                ]))
            #expect(toSelf.body.string.contains("You cannot forward calls to your own extension."))

            let unknown = try await browser.post(
                Paths.settingsForwarding.path,
                form([
                    "unconditional.enabled": "on", "unconditional.target": "extension",
                    "unconditional.extension": "999",
                ]))
            #expect(unknown.body.string.contains("Extension 999 does not exist."))

            let missing = try await browser.post(Paths.settingsForwarding.path, form(["unconditional.enabled": "on"]))
            #expect(missing.body.string.contains("Choose a destination for a rule that is on."))

            #expect(try await ForwardingRuleModel.query(on: app.db).filter(\.$user.$id == a.requireID()).count() == 0)
        }
    }

    @Test("an admin changes a user's forwarding for support, audited; a subscriber cannot")
    func supportAccess() async throws {
        try await withApp { app in
            let user = try await app.makeUser("sven", phoneExtension: "501")
            try await app.makeUser("tina", phoneExtension: "502")
            let admin = Browser(app)
            try await admin.signIn("admin", TestEnvironment.adminPassword)
            try await admin.get(Paths.userForwarding.url(try user.requireID()))
            let saved = try await admin.post(
                Paths.userForwarding.url(try user.requireID()),
                form(["external.enabled": "on", "external.target": "voicemail", "external.rings": "2"]))
            #expect(saved.status == .seeOther)
            let page = try await admin.get(Paths.userForwarding.url(try user.requireID())).body.string
            #expect(page.contains("Calls from outside ring 2 times (10 s), then go to your voicemail."))
            let event = try #require(
                try await AuditEventModel.query(on: app.db).filter(\.$action == "forwarding.update").first())
            #expect(event.actorName == "admin")
            #expect(event.target == "sven")

            let tina = Browser(app)
            try await tina.signIn("tina", "password-123")
            #expect(try await tina.get(Paths.userForwarding.url(try user.requireID())).status == .forbidden)
        }
    }
}

@Suite("Dialpad")
struct DialpadTests {
    @Test("a call request goes to the PBX connector and is audited; the page says no PBX is connected")
    func dial() async throws {
        try await withApp { app in
            try await app.makeUser("uma", phoneExtension: "601")
            let browser = Browser(app)
            try await browser.signIn("uma", "password-123")
            let page = try await browser.get(Paths.dialpad.path)
            #expect(page.body.string.contains("No telephone system is connected"))
            let dialed = try await browser.post(Paths.dialpad.path, ["number": "+33 (0)1 23 45 67 89"])
            #expect(dialed.status == .seeOther)
            let connector = try #require(app.pbx as? LogConnector)
            #expect(
                connector.requests == [
                    OriginateRequest(
                        fromExtension: "601", number: "+33123456789", username: "uma", dialed: "0123456789")
                ])
            #expect(
                try await browser.get(Paths.dialpad.path).body.string.contains(
                    "Call to +33123456789 from 601 recorded."))
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$action == "call.originate").count() == 1)

            let bad = try await browser.post(Paths.dialpad.path, ["number": "hello"])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("Enter a phone number"))
            #expect(connector.requests.count == 1)

            // A number with an extension: the PBX is asked for the main number (a dial string with a pause is not
            // something every dialplan takes), the extension goes along to be keyed in; the audit names the whole
            // number.
            _ = try await browser.post(Paths.dialpad.path, ["number": "01 23 45 67 89 poste 204"])
            #expect(
                connector.requests.last
                    == OriginateRequest(
                        fromExtension: "601", number: "0123456789", username: "uma", dialed: "0123456789",
                        extensionDigits: "204"))
            let audits = try await AuditEventModel.query(on: app.db).filter(\.$action == "call.originate").all()
            #expect(audits.contains { $0.target == "0123456789,204" })
        }
    }

    @Test("without an extension there is nothing to dial from")
    func noExtension() async throws {
        try await withApp { app in
            let browser = Browser(app)
            try await browser.signIn("admin", TestEnvironment.adminPassword)
            #expect(try await browser.get(Paths.dialpad.path).body.string.contains("You need an internal extension"))
            let refused = try await browser.post(Paths.dialpad.path, ["number": "0123456789"])
            #expect(refused.status == .unprocessableEntity)
            #expect((app.pbx as? LogConnector)?.requests.isEmpty == true)
        }
    }
}
