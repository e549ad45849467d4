/// RFC 4648 base32 (`A`–`Z`, `2`–`7`), the alphabet authenticator apps read TOTP secrets in. Written here because
/// Foundation has none; decoding ignores spaces and case (people type the secret in groups) and padding.
public enum Base32 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    public static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var buffer = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | Int(byte)
            bits += 8
            while bits >= 5 {
                out.append(alphabet[(buffer >> (bits - 5)) & 31])
                bits -= 5
            }
        }
        if bits > 0 { out.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return String(decoding: out, as: UTF8.self)
    }

    public static func decode(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        var buffer = 0
        var bits = 0
        for scalar in text.uppercased().unicodeScalars where scalar != " " && scalar != "=" && scalar != "-" {
            guard let value = alphabet.firstIndex(of: UInt8(truncatingIfNeeded: scalar.value)), scalar.isASCII else {
                return nil
            }
            buffer = (buffer << 5) | value
            bits += 5
            if bits >= 8 {
                out.append(UInt8((buffer >> (bits - 8)) & 0xFF))
                bits -= 8
            }
        }
        return out
    }
}
