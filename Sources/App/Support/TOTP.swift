import Crypto
import Foundation
import SwitchboardCore

/// Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP), as every authenticator app computes them: HMAC-SHA1,
/// 30-second steps, 6 digits. Written on swift-crypto's HMAC rather than taken from HummingbirdOTP, which would bring
/// a second server framework into a Vapor application; checked against the RFC's test vectors.
enum TOTP {
    static let step: TimeInterval = 30
    static let digits = 6

    /// The time step `date` falls in.
    static func counter(at date: Date) -> Int64 { Int64((date.timeIntervalSince1970 / step).rounded(.down)) }

    /// The code of `counter` for `secret`, `digits` long.
    static func code(secret: [UInt8], counter: Int64, digits: Int = digits) -> String {
        var big = UInt64(bitPattern: counter).bigEndian
        let message = withUnsafeBytes(of: &big) { Data($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: secret)))
        let offset = Int(mac[mac.count - 1] & 0x0F)
        let binary =
            (UInt32(mac[offset] & 0x7F) << 24) | (UInt32(mac[offset + 1]) << 16) | (UInt32(mac[offset + 2]) << 8)
            | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus *= 10 }
        let value = String(binary % modulus)
        return String(repeating: "0", count: digits - value.count) + value
    }

    /// The step whose code `code` is, looking one step back and one ahead (clocks drift), or nil.
    static func matchingCounter(_ code: String, secret: [UInt8], at date: Date) -> Int64? {
        let typed = code.filter(\.isNumber)
        guard typed.count == digits else { return nil }
        let now = counter(at: date)
        return [now, now - 1, now + 1].first { candidate in
            Data(self.code(secret: secret, counter: candidate).utf8).constantTimeEquals(Data(typed.utf8))
        }
    }

    /// The `otpauth://` URI an authenticator app reads from the enrolment QR code.
    static func provisioningURI(secret: [UInt8], account: String, issuer: String) -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let label = "\(issuer):\(account)".addingPercentEncoding(withAllowedCharacters: allowed) ?? account
        let encodedIssuer = issuer.addingPercentEncoding(withAllowedCharacters: allowed) ?? issuer
        return "otpauth://totp/\(label)?secret=\(Base32.encode(secret))&issuer=\(encodedIssuer)&algorithm=SHA1"
            + "&digits=\(digits)&period=\(Int(step))"
    }
}
