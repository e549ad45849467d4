import Fluent
import SwitchboardCore
import Vapor

/// Placing a call from the user's own extension: the dialpad and soft call from a contact.
/// Every request is audited, refused ones too (with the refusal's code).
struct CallService {
    let db: any Database
    let pbx: any PBXConnector
    let dialPlan: DialPlan

    /// Returns the number as it was sent to the PBX.
    func dial(_ rawNumber: String, by actor: Actor) async throws -> String {
        guard let phoneExtension = actor.user.phoneExtension else { throw SwitchboardError.noExtension }
        guard let number = PhoneNumber.dialable(rawNumber), let dialed = dialPlan.dialString(for: rawNumber)
        else { throw SwitchboardError.numberInvalid }
        let request = OriginateRequest(
            fromExtension: phoneExtension, number: number, username: actor.user.username, dialed: dialed)
        let audit = AuditService(db: db)
        do {
            try await pbx.originate(request)
        } catch {
            let refusal: SwitchboardError =
                switch error {
                case let error as SwitchboardError: error
                case PBXError.unreachable: .pbxUnreachable
                case PBXError.refused(let reason): .pbxFailed(reason)
                default: .pbxFailed(String(describing: error))
                }
            try await audit.record(
                .callRequested, by: actor, target: number,
                detail: "from=\(phoneExtension) dialed=\(dialed) failed=\(refusal.code)")
            throw refusal
        }
        try await audit.record(
            .callRequested, by: actor, target: number, detail: "from=\(phoneExtension) dialed=\(dialed)")
        return number
    }
}
