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
        guard let number = PhoneNumber.dialable(rawNumber) else { throw SwitchboardError.numberInvalid }
        // The PBX dials the main number of a number with an extension: a dial string with a pause is not something
        // every dialplan takes (Asterisk's Dial reads the comma as its argument separator). The extension goes along
        // for a connector that can key it in once answered (Asterisk: a channel variable for Dial's D option); else
        // the user keys it. Phones dialling from a directory or a tel: link get the pause themselves.
        let parts = PhoneNumber.withExtension(rawNumber)
        let main = parts?.main ?? rawNumber
        guard let pbxNumber = PhoneNumber.normalized(main), let dialed = dialPlan.dialString(for: main) else {
            throw SwitchboardError.numberInvalid
        }
        let request = OriginateRequest(
            fromExtension: phoneExtension, number: pbxNumber, username: actor.user.username, dialed: dialed,
            extensionDigits: parts?.extension)
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
