import Fluent
import SwitchboardCore
import Vapor

/// Placing a call from the user's own extension: the dialpad now, soft call from a contact later.
struct CallService {
    let db: any Database
    let pbx: any PBXConnector

    /// Returns the number as it was sent to the PBX.
    func dial(_ rawNumber: String, by actor: Actor) async throws -> String {
        guard let phoneExtension = actor.user.phoneExtension else { throw SwitchboardError.noExtension }
        guard let number = PhoneNumber.normalized(rawNumber) else { throw SwitchboardError.numberInvalid }
        do {
            try await pbx.originate(
                OriginateRequest(fromExtension: phoneExtension, number: number, username: actor.user.username))
        } catch let error as SwitchboardError {
            throw error
        } catch {
            throw SwitchboardError.pbxFailed(String(describing: error))
        }
        try await AuditService(db: db).record(
            .callRequested, by: actor, target: number, detail: "from=\(phoneExtension)")
        return number
    }
}
