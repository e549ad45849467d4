import Fluent
import Foundation
import SwitchboardCore
import Testing
import Vapor
import VaporTesting

@testable import App

/// A crowd at the sign-in form (#16, item 5): the throttle counts every attempt, nothing fails with a 500, and
/// people already signed in are served meanwhile.
@Suite("Sign-in bursts")
struct SignInBurstTests {
    enum Outcome: Equatable { case wrong, throttled, busy, other(String) }

    private func attempt(_ app: Application, _ username: String, _ password: String) async -> Outcome {
        do {
            _ = try await app.passwordHashingSignIn.signIn(
                username: username, password: password, clientAddress: "192.0.2.7")
            return .other("signed in")
        } catch SwitchboardError.wrongCredentials {
            return .wrong
        } catch SwitchboardError.tooManyAttempts {
            return .throttled
        } catch SwitchboardError.busy {
            return .busy
        } catch {
            return .other(String(reflecting: error))
        }
    }

    @Test(
        "40 simultaneous wrong passwords on one account: no more are checked than the limit",
        arguments: LimitsAndConcurrencyTests.concurrentStorages)
    func oneAccount(storage: Storage) async throws {
        try await withApp(on: storage) { app in
            let outcomes = await withTaskGroup(of: Outcome.self) { tasks in
                for _ in 0..<40 { tasks.addTask { await attempt(app, "admin", "wrong-password") } }
                return await tasks.reduce(into: [Outcome]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 == .wrong }.count == app.config.throttle.maxFailuresPerAccount)
            #expect(outcomes.allSatisfy { $0 == .wrong || $0 == .throttled || $0 == .busy }, "\(outcomes)")
            // The right password is refused too while the account waits.
            #expect(await attempt(app, "admin", TestEnvironment.adminPassword) == .throttled)
        }
    }

    @Test(
        "60 simultaneous sign-ins of unknown users from one address: no 500, and a signed-in bystander is served",
        arguments: LimitsAndConcurrencyTests.concurrentStorages)
    func crowd(storage: Storage) async throws {
        try await withApp(on: storage) { app in
            let bystander = Browser(app)
            try await bystander.signIn("admin", TestEnvironment.adminPassword)
            async let served = bystander.get(Paths.contacts.path).status
            let outcomes = await withTaskGroup(of: Outcome.self) { tasks in
                for index in 0..<60 { tasks.addTask { await attempt(app, "nobody\(index)", "wrong-password") } }
                return await tasks.reduce(into: [Outcome]()) { $0.append($1) }
            }
            #expect(try await served == .ok)
            #expect(outcomes.allSatisfy { $0 == .wrong || $0 == .throttled || $0 == .busy }, "\(outcomes)")
            #expect(outcomes.filter { $0 == .wrong }.count <= app.config.throttle.maxFailuresPerAddress)
            // Through the page, a crowd's refusal is a page, never an internal error.
            let page = try await Browser(app).signIn("nobody", "wrong-password")
            #expect([.unauthorized, .tooManyRequests, .serviceUnavailable].contains(page.status))
        }
    }
}

extension Application {
    var passwordHashingSignIn: SignInService {
        SignInService(db: db, hasher: passwordHashing, throttle: loginThrottle, decoyDigest: signInDecoyDigest)
    }
}
