import Foundation
import Testing

@testable import SwitchboardCore

@Suite("Login throttle")
struct LoginThrottleTests {
    let throttle = LoginThrottle(maxFailuresPerAccount: 3, maxFailuresPerAddress: 5, window: 600)
    let now = Date(timeIntervalSince1970: 1_000_000)

    func ago(_ seconds: TimeInterval) -> Date { now.addingTimeInterval(-seconds) }

    @Test func allowsBelowTheLimit() {
        #expect(throttle.wait(accountFailures: [ago(10), ago(20)], addressFailures: [], now: now) == nil)
    }

    @Test func blocksAtTheAccountLimitUntilTheOldestLeavesTheWindow() {
        let wait = throttle.wait(accountFailures: [ago(10), ago(20), ago(100)], addressFailures: [], now: now)
        #expect(wait == 500)
    }

    @Test func blocksAtTheAddressLimit() {
        let failures = (1...5).map { ago(Double($0)) }
        #expect(throttle.wait(accountFailures: [], addressFailures: failures, now: now) == 595)
    }

    @Test func forgetsFailuresOutsideTheWindow() {
        #expect(throttle.wait(accountFailures: [ago(700), ago(800), ago(10)], addressFailures: [], now: now) == nil)
    }
}
