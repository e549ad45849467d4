import Foundation

/// A user's profile as entered, before checks.
public struct Profile: Equatable, Sendable {
    public var displayName: String
    public var department: String?
    public var email: String?
    public var street: String?
    public var postalCode: String?
    public var city: String?
    public var region: String?
    public var country: String?
    public var externalNumber: String?

    public init(
        displayName: String, department: String? = nil, email: String? = nil, street: String? = nil,
        postalCode: String? = nil, city: String? = nil, region: String? = nil, country: String? = nil,
        externalNumber: String? = nil
    ) {
        self.displayName = displayName
        self.department = department
        self.email = email
        self.street = street
        self.postalCode = postalCode
        self.city = city
        self.region = region
        self.country = country
        self.externalNumber = externalNumber
    }
}

public enum ProfileViolation: Error, Equatable, Sendable {
    case emailInvalid
    case externalNumberInvalid
    /// A free-text field over its length; `field` is the `Profile` property name.
    case tooLong(field: String, maximum: Int)
}

public enum ProfileRules {
    /// Trims every field, turns empty ones into `nil`, checks the e-mail, normalises the number.
    public static func normalized(_ profile: Profile) throws -> Profile {
        var result = profile
        result.displayName = try AccountRules.normalizedDisplayName(profile.displayName)
        func clean(_ value: String?, _ field: String, _ maximum: Int) throws(ProfileViolation) -> String? {
            guard let value = value?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
                return nil
            }
            guard value.count <= maximum else { throw .tooLong(field: field, maximum: maximum) }
            return value
        }
        result.department = try clean(profile.department, "department", 100)
        result.street = try clean(profile.street, "street", 200)
        result.postalCode = try clean(profile.postalCode, "postalCode", 20)
        result.city = try clean(profile.city, "city", 100)
        result.region = try clean(profile.region, "region", 100)
        result.country = try clean(profile.country, "country", 100)
        if let email = try clean(profile.email, "email", 254) {
            guard isPlausibleEmail(email) else { throw ProfileViolation.emailInvalid }
            result.email = email
        } else {
            result.email = nil
        }
        if let number = try clean(profile.externalNumber, "externalNumber", 40) {
            guard let normalized = PhoneNumber.normalized(number) else { throw ProfileViolation.externalNumberInvalid }
            result.externalNumber = normalized
        } else {
            result.externalNumber = nil
        }
        return result
    }

    /// What RFC 5322 and RFC 6531 allow as an address: a local part of at most 64 bytes — unquoted (no white space,
    /// no `()<>[]:;@\\,"`) or a quoted string — then `@`, then a domain of one label or more (`root@localhost` and
    /// `contact1@invalid` are addresses), internationalised labels included, or an address literal (`[192.0.2.1]`).
    /// Refused is only what cannot be an address: no `@`, nothing on either side of it, white space or a control
    /// character outside quotes, an empty label or one that starts or ends with a hyphen. Only a message proves an
    /// address exists. Read byte by byte: a CSV import checks every address of every row.
    public static func isPlausibleEmail(_ email: String) -> Bool {
        var email = email
        let (plausible, nonASCII) = email.withUTF8 { bytes -> (Bool, Bool) in
            guard let at = bytes.lastIndex(of: UInt8(ascii: "@")) else { return (false, false) }
            let local = bytes[..<at]
            let domain = bytes[(at + 1)...]
            guard !local.isEmpty, local.count <= 64, !domain.isEmpty, domain.count <= 255 else { return (false, false) }
            var nonASCII = false
            let quoted = local.count >= 2 && local.first == UInt8(ascii: "\"") && local.last == UInt8(ascii: "\"")
            for byte in local {
                if byte >= 0x80 {
                    nonASCII = true
                } else if byte < 0x20 || byte == 0x7F {
                    return (false, nonASCII)
                } else if !quoted, byte == 0x20 || Self.isLocalSpecial(byte) {
                    return (false, nonASCII)
                }
            }
            if domain.first == UInt8(ascii: "["), domain.last == UInt8(ascii: "]") {
                // An address literal: `[192.0.2.1]`, `[IPv6:2001:db8::1]`.
                let inner = domain.dropFirst().dropLast()
                return (!inner.isEmpty && inner.allSatisfy { Self.isLiteralByte($0) }, nonASCII)
            }
            // Labels: not empty, not starting or ending with a hyphen.
            var labelLength = 0
            var previous = UInt8(ascii: ".")
            for byte in domain {
                if byte == UInt8(ascii: ".") {
                    guard labelLength > 0, previous != UInt8(ascii: "-") else { return (false, nonASCII) }
                    labelLength = 0
                } else {
                    if labelLength == 0, byte == UInt8(ascii: "-") { return (false, nonASCII) }
                    if byte >= 0x80 {
                        nonASCII = true
                    } else if !Self.isLabelByte(byte) {
                        return (false, nonASCII)
                    }
                    labelLength += 1
                }
                previous = byte
            }
            guard labelLength > 0, previous != UInt8(ascii: "-") else { return (false, nonASCII) }
            return (true, nonASCII)
        }
        guard plausible, nonASCII else { return plausible }
        // Beyond ASCII, white space and control characters are refused wherever they are (U+00A0, U+2028, U+3000…).
        return !email.unicodeScalars.contains { scalar in
            !scalar.isASCII && (scalar.properties.isWhitespace || scalar.properties.generalCategory == .control)
        }
    }

    /// Characters an unquoted local part cannot hold besides white space.
    private static func isLocalSpecial(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "["),
            UInt8(ascii: "]"), UInt8(ascii: ":"), UInt8(ascii: ";"), UInt8(ascii: "@"), UInt8(ascii: "\\"),
            UInt8(ascii: ","), UInt8(ascii: "\""):
            true
        default: false
        }
    }

    /// Letters, digits, `-` and `_` (found in real host names) in an ASCII domain label.
    private static func isLabelByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(
                ascii: "0")...UInt8(
                ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default: false
        }
    }

    private static func isLiteralByte(_ byte: UInt8) -> Bool {
        isLabelByte(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":")
    }
}

/// What a profile photo must be: a real PNG (checked by its bytes, not its name), not too heavy,
/// neither tiny nor huge.
public struct PhotoRules: Sendable {
    public var maximumBytes: Int
    public var dimensions: ClosedRange<Int>

    public init(maximumBytes: Int = 1_000_000, dimensions: ClosedRange<Int> = 64...2048) {
        self.maximumBytes = maximumBytes
        self.dimensions = dimensions
    }

    public enum Violation: Error, Equatable, Sendable {
        case notPNG
        /// Contact photos may be PNG or JPEG.
        case notImage
        case tooLarge(maximumBytes: Int)
        case badDimensions(width: Int, height: Int, allowed: ClosedRange<Int>)
    }

    private static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Width and height of an acceptable PNG.
    public func check(_ data: Data) throws(Violation) -> (width: Int, height: Int) {
        guard data.count <= maximumBytes else { throw .tooLarge(maximumBytes: maximumBytes) }
        let bytes = [UInt8](data)
        // Signature, then the IHDR chunk first (length 13), then a complete file ending with IEND.
        guard bytes.count >= 45, Array(bytes[0..<8]) == Self.signature,
            Array(bytes[8..<16]) == [0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52],
            Array(bytes[(bytes.count - 8)..<(bytes.count - 4)]) == [0x49, 0x45, 0x4E, 0x44]
        else { throw .notPNG }
        func bigEndian(_ offset: Int) -> Int {
            bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
        }
        let width = bigEndian(16)
        let height = bigEndian(20)
        guard dimensions.contains(width), dimensions.contains(height) else {
            throw .badDimensions(width: width, height: height, allowed: dimensions)
        }
        return (width, height)
    }

    public enum ImageFormat: String, Sendable {
        case png
        case jpeg

        public var mediaType: String { "image/\(rawValue)" }
    }

    /// A contact photo: PNG or JPEG (by its bytes), within the same size and dimension limits.
    public func checkImage(_ data: Data) throws(Violation) -> (format: ImageFormat, width: Int, height: Int) {
        guard data.count <= maximumBytes else { throw .tooLarge(maximumBytes: maximumBytes) }
        if data.starts(with: Self.signature) {
            do {
                let size = try check(data)
                return (.png, size.width, size.height)
            } catch .notPNG {
                throw .notImage
            }
        }
        guard let size = Self.jpegSize([UInt8](data)) else { throw .notImage }
        guard dimensions.contains(size.width), dimensions.contains(size.height) else {
            throw .badDimensions(width: size.width, height: size.height, allowed: dimensions)
        }
        return (.jpeg, size.width, size.height)
    }

    /// Walks a JPEG's segments to its frame header (SOF0–SOF15 but DHT, JPG and DAC); the file
    /// must start with SOI and end with EOI.
    static func jpegSize(_ bytes: [UInt8]) -> (width: Int, height: Int)? {
        guard bytes.count > 20, bytes[0] == 0xFF, bytes[1] == 0xD8, bytes[bytes.count - 2] == 0xFF,
            bytes[bytes.count - 1] == 0xD9
        else { return nil }
        var offset = 2
        while offset + 9 < bytes.count {
            guard bytes[offset] == 0xFF else { return nil }
            let marker = bytes[offset + 1]
            if marker == 0xFF {
                offset += 1
                continue
            }
            let length = Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            guard length >= 2 else { return nil }
            if (0xC0...0xCF).contains(marker), ![0xC4, 0xC8, 0xCC].contains(marker) {
                let height = Int(bytes[offset + 5]) << 8 | Int(bytes[offset + 6])
                let width = Int(bytes[offset + 7]) << 8 | Int(bytes[offset + 8])
                return (width, height)
            }
            offset += 2 + length
        }
        return nil
    }
}
