import Fluent
import Foundation
import Logging
import NIOCore
import NIOPosix
import Testing

@testable import App

@Suite("Asterisk AMI connector, against recorded exchanges")
struct AsteriskConnectorTests {
    static let request = OriginateRequest(fromExtension: "201", number: "0612345678", username: "uma")

    /// A connector with ActionIDs sb-1, sb-2…. The timeout is generous (a loaded test machine must not
    /// turn a recorded exchange into a timeout); the silent-server test shortens it.
    func connector(port: Int, secret: String = "s3cret", timeout: TimeAmount = .seconds(20)) -> AsteriskConnector {
        let counter = Counter()
        var settings = AsteriskConnector.Settings()
        settings.port = port
        settings.username = "switchboard"
        settings.secret = secret
        settings.timeout = timeout
        settings.failureWindow = .milliseconds(300)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return AsteriskConnector(settings: settings, logger: logger) { "sb-\(counter.next())" }
    }

    /// Runs `request` against the recorded `fixture`; returns the error thrown, if any, and checks that
    /// the connector sent exactly the script's `C:` messages.
    func replay(_ fixture: String, _ request: OriginateRequest = request, timeout: TimeAmount = .seconds(20))
        async throws -> SwitchboardError?
    {
        let script = try AMIScript(fixture: fixture)
        let server = try await AMIReplayServer.start(script)
        var thrown: SwitchboardError?
        do {
            try await connector(port: server.port, timeout: timeout).originate(request)
        } catch let error as SwitchboardError {
            thrown = error
        }
        let sent = try await server.received()
        #expect(sent == script.expectedMessages)
        return thrown
    }

    @Test("Login, Originate of the user's channel into the context at the number, Logoff")
    func queued() async throws {
        // given a PBX that queues the call and rings the phone
        // when / then: exact actions and fields, and no error
        #expect(try await replay("originate-queued.ami") == nil)
    }

    @Test("an early OriginateResponse Success ends the wait; the number goes out as normalised")
    func answered() async throws {
        let request = OriginateRequest(fromExtension: "201", number: "+33123456789", username: "uma")
        #expect(try await replay("originate-answered.ami", request) == nil)
    }

    @Test("a rejected Login is an authentication failure and nothing is originated")
    func loginRejected() async throws {
        #expect(try await replay("login-rejected.ami") == .pbxAuthenticationFailed)
    }

    @Test("Response: Error to Originate carries Asterisk's message")
    func originateError() async throws {
        #expect(try await replay("originate-error.ami") == .pbxFailed("Originate failed"))
    }

    @Test("an OriginateResponse Failure for our ActionID fails the call; other clients' events are ignored")
    func failureEvent() async throws {
        #expect(try await replay("originate-failure-event.ami") == .pbxFailed("the phone is not available"))
    }

    @Test("a PBX that never answers the Login times out")
    func silent() async throws {
        // Long enough for the Login to leave even on a loaded machine (1.5 s was not, with two builds running).
        #expect(try await replay("silent.ami", timeout: .seconds(4)) == .pbxTimeout)
    }

    @Test("nobody listening is 'unreachable'")
    func unreachable() async throws {
        // given a port that was free a moment ago
        let probe = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = probe.localAddress!.port!
        try await probe.close()
        // when
        await #expect(throws: SwitchboardError.pbxUnreachable) {
            try await connector(port: port).originate(Self.request)
        }
    }

    @Test("a server that is not AMI is 'unreachable', not a protocol crash")
    func notAMI() async throws {
        let server = try await AMIReplayServer.start(
            AMIScript(steps: [.send("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n")]))
        await #expect(throws: SwitchboardError.pbxUnreachable) {
            try await connector(port: server.port).originate(Self.request)
        }
    }

    @Test("a number's extension goes to the dialplan as SWITCHBOARD_DTMF; without one, no variable")
    func extensionDigits() {
        let connector = connector(port: 1)
        let plain = OriginateRequest(fromExtension: "201", number: "+14186569254", username: "x")
        #expect(!connector.originateAction(plain, actionID: "a").text.contains("Variable"))
        var withExtension = plain
        withExtension.extensionDigits = "102"
        let text = connector.originateAction(withExtension, actionID: "a").text
        #expect(text.contains("Exten: +14186569254\r\nPriority: 1\r\n"))
        #expect(text.contains("Variable: SWITCHBOARD_DTMF=102\r\n"))
    }

    @Test("line breaks in values cannot inject AMI headers")
    func noInjection() {
        let connector = connector(port: 1)
        let request = OriginateRequest(fromExtension: "201\r\nAction: Command", number: "1\n2", username: "x")
        let text = connector.originateAction(request, actionID: "a").text
        #expect(!text.contains("\r\nAction: Command"))
        #expect(text.contains("Channel: PJSIP/201Action: Command\r\n"))
        #expect(text.contains("Exten: 12\r\n"))
    }

    @Test("SWITCHBOARD_PBX=asterisk reads its settings and refuses to start without credentials")
    func configuration() throws {
        let config = try AppConfig.fromEnvironment([
            "SWITCHBOARD_PBX": "asterisk", "SWITCHBOARD_ASTERISK_HOST": "pbx.example",
            "SWITCHBOARD_ASTERISK_PORT": "5039",
            "SWITCHBOARD_ASTERISK_USER": "sb", "SWITCHBOARD_ASTERISK_SECRET": "pw",
            "SWITCHBOARD_ASTERISK_CHANNEL": "SIP/{extension}", "SWITCHBOARD_ASTERISK_CONTEXT": "office",
            "SWITCHBOARD_ASTERISK_TIMEOUT_MS": "2500",
        ])
        #expect(config.pbx.connector == "asterisk")
        #expect(
            config.asterisk.settings
                == AsteriskConnector.Settings(
                    host: "pbx.example", port: 5039, username: "sb", secret: "pw", channelTemplate: "SIP/{extension}",
                    context: "office", timeout: .milliseconds(2500), failureWindow: .milliseconds(1500)))
        #expect(AsteriskConnector.make(config: config.asterisk, logger: Logger(label: "t")).placesRealCalls)
        #expect(throws: AppConfig.Invalid.self) {
            try AppConfig.fromEnvironment(["SWITCHBOARD_PBX": "asterisk"])
        }
        #expect(throws: AppConfig.Invalid.self) {
            try AppConfig.fromEnvironment(["SWITCHBOARD_PBX": "freeswitch"])
        }
    }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func next() -> Int {
        lock.withLock {
            value += 1
            return value
        }
    }
}

@Suite("Dialpad through Asterisk")
struct AsteriskDialpadTests {
    @Test("a refused AMI login reaches the user as a translated message, and the refusal is audited")
    func refusedLogin() async throws {
        let script = try AMIScript(fixture: "login-rejected.ami")
        let server = try await AMIReplayServer.start(script)
        try await withApp { app in
            // given the Asterisk connector (fixed ActionIDs, as recorded)
            app.pbx = AsteriskConnectorTests().connector(port: server.port)
            try await app.makeUser("uma", phoneExtension: "201")
            let browser = Browser(app)
            try await browser.signIn("uma", "password-123")
            #expect(
                !(try await browser.get(Paths.dialpad.path).body.string.contains("No telephone system is connected")))
            // when
            let refused = try await browser.post(Paths.dialpad.path, ["number": "06 12 34 56 78"])
            // then
            #expect(refused.status == .badGateway)
            #expect(refused.body.string.contains("The telephone system refused Switchboard&#39;s credentials"))
            // Every call request is audited, a refused one with the refusal's code.
            let audited = try await AuditEventModel.query(on: app.db).filter(\.$action == "call.originate").all()
            #expect(audited.count == 1)
            #expect(audited.first?.detail?.contains("failed=pbx_authentication_failed") == true)
        }
        #expect(try await server.received() == script.expectedMessages)
    }
}
