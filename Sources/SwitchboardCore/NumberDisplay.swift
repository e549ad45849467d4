import CPhoneNumber

/// How a number on file is shown to people: grouped the way its country writes it ("+33 6 98 76 54 32",
/// "+44 20 7946 0000", "+1 418-656-9254 ext. 102"), by Google's libphonenumber (through `CPhoneNumber`). The number is
/// first read by the installation's `DialPlan`, as caller-ID and dialling read it. A number written in international
/// form is shown in international form. One written the national way in one block ("0698765432" in France) is
/// grouped the national way ("06 98 76 54 32"); written with its own grouping ("03-1234-5678", maybe a foreign number
/// without its country code) it is shown as written: regrouping it as a local one would hide that. What is not a valid
/// outside number (an extension, "*31#", a number of the wrong length for its country) is shown as stored. Exports,
/// directories and the API keep the stored text.
public struct NumberDisplay: Sendable {
    public let dialPlan: DialPlan

    public init(dialPlan: DialPlan) {
        self.dialPlan = dialPlan
    }

    /// `stored` for reading; `extensionWord` is the language's word before an extension ("ext." / "poste").
    public func text(_ stored: String, extensionWord: String) -> String {
        let parts = PhoneNumber.cleaned(stored) == nil ? PhoneNumber.withExtension(stored) : nil
        let main = parts?.main ?? stored
        guard case .external(let e164) = dialPlan.understand(main) else { return stored }
        let national = isNational(main, e164)
        if national, main.trimmingCharacters(in: .whitespaces).contains(where: { !$0.isASCIIDigit }) { return stored }
        guard let grouped = Self.grouped(e164, national: national) else { return stored }
        let shown = Self.keepingDirectDial(grouped, writtenAs: main)
        guard let digits = parts?.extension else { return shown }
        return shown + " " + extensionWord + " " + digits
    }

    /// Whether `written` is a number of this country written without its international prefix.
    private func isNational(_ written: String, _ e164: String) -> Bool {
        guard let cleaned = PhoneNumber.cleaned(written), e164.dropFirst().hasPrefix(dialPlan.countryCode) else {
            return false
        }
        return !cleaned.hasPrefix("+") && !cleaned.hasPrefix(dialPlan.internationalPrefix)
    }

    /// libphonenumber's international or national format of an E.164 number; `nil` when it is not valid for its
    /// country.
    static func grouped(_ e164: String, national: Bool) -> String? {
        var buffer = [CChar](repeating: 0, count: 64)
        let length = switchboard_phone_format(e164, national ? 1 : 0, &buffer, buffer.count)
        guard length > 0 else { return nil }
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Direct-dial digits written after a hyphen ("+49 40 6432131-550", a German switchboard's extension 550) stay
    /// apart: libphonenumber knows the number's length, not where the company's block ends.
    static func keepingDirectDial(_ grouped: String, writtenAs stored: String) -> String {
        guard let hyphen = stored.lastIndex(of: "-") else { return grouped }
        let suffix = stored[stored.index(after: hyphen)...].trimmingCharacters(in: .whitespaces)
        guard (1...5).contains(suffix.count), suffix.allSatisfy(\.isASCIIDigit) else { return grouped }
        let lastBlock = grouped.reversed().prefix { $0.isASCIIDigit }
        guard lastBlock.count > suffix.count, grouped.hasSuffix(suffix) else { return grouped }
        return grouped.dropLast(suffix.count) + "-" + suffix
    }
}
