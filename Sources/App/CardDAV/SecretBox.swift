import Vapor

/// Seals the secrets of linked address books (passwords, refresh tokens, client secrets) with
/// AES-GCM under a key derived from `SWITCHBOARD_SECRET_KEY`, so a copy of the database alone
/// does not give them away. Sealed text is `v1:` + base64(nonce ‖ ciphertext ‖ tag).
struct SecretBox: Sendable {
    private let key: SymmetricKey

    /// Any string of at least 16 characters (`openssl rand -base64 32` is a good one).
    init(passphrase: String) {
        key = SymmetricKey(data: SHA256.hash(data: Data(passphrase.utf8)))
    }

    func seal(_ secret: String) throws -> String {
        let box = try AES.GCM.seal(Data(secret.utf8), using: key)
        guard let combined = box.combined else { throw CardDAVError.secretUnreadable }
        return "v1:" + combined.base64EncodedString()
    }

    /// The secret, or `secretUnreadable` when it was sealed under another key or is damaged.
    func open(_ sealed: String) throws -> String {
        guard sealed.hasPrefix("v1:"), let data = Data(base64Encoded: String(sealed.dropFirst(3))) else {
            throw CardDAVError.secretUnreadable
        }
        do {
            let opened = try AES.GCM.open(try AES.GCM.SealedBox(combined: data), using: key)
            return String(decoding: opened, as: UTF8.self)
        } catch {
            throw CardDAVError.secretUnreadable
        }
    }

    /// What a form shows of a stored secret: that there is one, nothing of it.
    static let mask = "••••••••"
}
