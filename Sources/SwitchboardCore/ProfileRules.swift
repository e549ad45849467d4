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

    /// One `@`, a non-empty local part, a dotted domain, no spaces: what a form can check;
    /// only a message proves an address exists.
    public static func isPlausibleEmail(_ email: String) -> Bool {
        if let ascii = isPlausibleASCIIEmail(email) { return ascii }
        return isPlausibleEmailByCharacters(email)
    }

    static func isPlausibleEmailByCharacters(_ email: String) -> Bool {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64 else { return false }
        let domain = parts[1]
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        return labels.count >= 2 && labels.allSatisfy { !$0.isEmpty && !$0.hasPrefix("-") && !$0.hasSuffix("-") }
            && !email.unicodeScalars.contains(where: { scalar in
                switch scalar {
                case "<", ">", ",", " ", "\t"..."\r": true
                // White space never joins the character before it, so looking at scalars is looking at characters.
                default: !scalar.isASCII && scalar.properties.isWhitespace
                }
            })
    }

    /// `isPlausibleEmailByCharacters` of an ASCII address (a CSV import checks every address of every row), byte by
    /// byte; `nil` when the address is not ASCII.
    static func isPlausibleASCIIEmail(_ email: String) -> Bool? {
        var email = email
        return email.withUTF8 { bytes -> Bool? in
            guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
            guard let at = bytes.firstIndex(of: UInt8(ascii: "@")), at > 0, at <= 64,
                !bytes[(at + 1)...].contains(UInt8(ascii: "@"))
            else { return false }
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: ","), UInt8(ascii: " "), 0x09...0x0D:
                    return false
                default: continue
                }
            }
            var labels = 0
            var start = at + 1
            while true {
                let end = bytes[start...].firstIndex(of: UInt8(ascii: ".")) ?? bytes.count
                guard end > start, bytes[start] != UInt8(ascii: "-"), bytes[end - 1] != UInt8(ascii: "-") else {
                    return false
                }
                labels += 1
                guard end < bytes.count else { break }
                start = end + 1
            }
            return labels >= 2
        }
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
