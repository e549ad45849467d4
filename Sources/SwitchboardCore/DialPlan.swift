import Foundation

/// The local numbering rules of the installation: how a number written any way people write
/// it ("+33 1 23 45 67 89", "0033 1…", "01 23…", "0 01 23…" with the outside-line prefix) is
/// understood, what the PBX must dial for it, and how it compares for caller-ID.
public struct DialPlan: Equatable, Sendable {
    /// Country calling code of the installation, without "+": "33" for France, "49" for Germany.
    public var countryCode: String
    /// Prefix of national numbers inside the country ("0" in France and Germany; "" where none).
    public var trunkPrefix: String
    /// Prefix that opens an international call ("00" in most of Europe, "011" in North America).
    public var internationalPrefix: String
    /// Digit(s) the PBX needs to reach an outside line ("0" on many PBXs; "" when none).
    public var outsideLinePrefix: String
    /// Numbers this long or shorter, without "+", are internal extensions.
    public var longestExtension: Int

    public init(
        countryCode: String = "33", trunkPrefix: String = "0", internationalPrefix: String = "00",
        outsideLinePrefix: String = "", longestExtension: Int = AccountRules.extensionDigits.upperBound
    ) {
        self.countryCode = countryCode
        self.trunkPrefix = trunkPrefix
        self.internationalPrefix = internationalPrefix
        self.outsideLinePrefix = outsideLinePrefix
        self.longestExtension = longestExtension
    }

    /// What a number is, once understood.
    public enum Number: Equatable, Sendable {
        /// An internal extension (or a keypad service code such as "*31#").
        case `internal`(String)
        /// An outside number in E.164 form: "+33123456789".
        case external(String)
    }

    /// Reads a number as typed, stored, or presented by the PBX as a caller; `nil` when it is not
    /// one. People type numbers without the outside-line prefix (Switchboard adds it); a PBX
    /// presents external callers with it, so `fromPBX` strips it once.
    public func understand(_ raw: String, fromPBX: Bool = false) -> Number? {
        // A number with an extension is its main number here: the caller-ID of the extension's calls, the number the
        // PBX dials first (`dialString` adds the extension after a pause).
        guard
            var number = PhoneNumber.cleaned(raw)
                ?? PhoneNumber.withExtension(raw).flatMap({ PhoneNumber.cleaned($0.main) })
        else { return nil }
        // Characters, not Foundation's substring search (`contains("*")`): this runs for every number a lookup reads.
        if number.contains(where: { $0 == "*" || $0 == "#" }) { return .internal(number) }
        if number.hasPrefix("+") { return .external(number) }
        if fromPBX, !outsideLinePrefix.isEmpty, number.hasPrefix(outsideLinePrefix),
            number.count - outsideLinePrefix.count > longestExtension
        {
            number.removeFirst(outsideLinePrefix.count)
        }
        if number.count <= longestExtension { return .internal(number) }
        if number.hasPrefix(internationalPrefix) {
            return .external("+" + number.dropFirst(internationalPrefix.count))
        }
        if !trunkPrefix.isEmpty, number.hasPrefix(trunkPrefix) {
            return .external("+" + countryCode + number.dropFirst(trunkPrefix.count))
        }
        // A national number written without its trunk prefix.
        return .external("+" + countryCode + number)
    }

    /// The digits the PBX dials for `raw`: extensions as they are, outside numbers with the
    /// outside-line prefix, in national form inside the country and international form abroad.
    public func dialString(for raw: String) -> String? {
        let main: String
        switch understand(raw) {
        case .internal(let number): main = number
        case .external(let e164):
            let digits = e164.dropFirst()
            main =
                digits.hasPrefix(countryCode)
                ? outsideLinePrefix + trunkPrefix + digits.dropFirst(countryCode.count)
                : outsideLinePrefix + internationalPrefix + digits
        case nil: return nil
        }
        // The extension after a pause, once the main number answers.
        guard PhoneNumber.cleaned(raw) == nil, let parts = PhoneNumber.withExtension(raw) else { return main }
        return main + "," + parts.extension
    }
}

/// A number filter as typed ("78 00", "04 78", "0033 4 78", "+33 (0)4 78"): digits found anywhere in a number, or
/// the beginnings of numbers in every form they are stored in.
public struct NumberFilter: Equatable, Sendable {
    /// Digits found anywhere in a number (the filter "by at least one digit"): what was typed without a prefix.
    public let anywhere: String?
    /// A filter that starts like a whole number (with "+", the international or the trunk prefix) is the beginning of
    /// a number, in each form numbers are stored in — international without and with the international prefix
    /// ("33478", "0033478") and national ("0478").
    public let starts: [String]

    public init(anywhere: String?, starts: [String] = []) {
        self.anywhere = anywhere
        self.starts = starts
    }

    /// Whether one number matches, as `ContactSearch` asks the database of each contact's numbers.
    public func matches(_ number: String) -> Bool {
        let digits = SearchFolding.digits(number)
        return anywhere.map { digits.contains($0) } ?? false || starts.contains { digits.hasPrefix($0) }
    }
}

extension DialPlan {
    /// `raw` as a number filter: the same reading of prefixes as `understand`, so "04 78", "0478", "0033 4 78" and
    /// "+33 (0)4 78" all find "+33 4 78 00 00 02" (and "04 78 00 00 02" on file), here in France, and "+47 80" a
    /// Norwegian number, not one with "4780" in the middle. `nil` without a digit.
    public func numberFilter(_ raw: String) -> NumberFilter? {
        var text = raw.trimmingCharacters(in: .whitespaces)
        let international = text.hasPrefix("+")
        // "+33 (0)4 …": the "(0)" is the trunk prefix, not dialled from abroad.
        if international || text.hasPrefix(internationalPrefix), text.contains("(0)") {
            text = text.replacingOccurrences(of: "(0)", with: "")
        }
        let typed = SearchFolding.digits(text)
        guard !typed.isEmpty else { return nil }
        // The digits after the country's calling code, when the filter names it (or the country is implied).
        var national: Substring?
        var foreign: Substring?
        if international || (!internationalPrefix.isEmpty && typed.hasPrefix(internationalPrefix)) {
            let digits = international ? Substring(typed) : typed.dropFirst(internationalPrefix.count)
            if digits.hasPrefix(countryCode) {
                national = digits.dropFirst(countryCode.count)
            } else {
                foreign = digits
            }
        } else if !trunkPrefix.isEmpty, typed.hasPrefix(trunkPrefix), typed.count > trunkPrefix.count {
            national = typed.dropFirst(trunkPrefix.count)
        }
        var starts: [String] = []
        if let national {
            starts = [countryCode + national, internationalPrefix + countryCode + national, trunkPrefix + national]
            // "+33 (0)4 78 …" on file: its digits keep the trunk prefix after the country code.
            if !trunkPrefix.isEmpty {
                starts += [
                    countryCode + trunkPrefix + national, internationalPrefix + countryCode + trunkPrefix + national,
                ]
            }
        } else if let foreign, !foreign.isEmpty {
            starts = [String(foreign), internationalPrefix + foreign]
        } else {
            return NumberFilter(anywhere: typed)
        }
        var unique: [String] = []
        for start in starts where !start.isEmpty && !unique.contains(start) { unique.append(start) }
        return NumberFilter(anywhere: nil, starts: unique)
    }
}

/// Caller-ID: the name for a presented number, from numbers on file. Rules, in order:
/// 1. the same number once both are understood by the dial plan (E.164 or extension);
/// 2. the same national significant number (the country code was lost or wrong on the way);
/// 3. the same last `trailingDigits` digits, when exactly one name has them (formats we could
///    not understand, foreign trunks that mangle prefixes).
public struct CallerIDMatcher: Sendable {
    public let plan: DialPlan
    public let trailingDigits: Int

    public init(plan: DialPlan, trailingDigits: Int = 8) {
        self.plan = plan
        self.trailingDigits = trailingDigits
    }

    public enum Match: Equatable, Sendable {
        case exact
        case national
        case trailingDigits
    }

    /// The keys a stored or presented number is found under, most precise first.
    public func keys(for raw: String, fromPBX: Bool = false) -> (exact: String, national: String?, trailing: String)? {
        guard let understood = plan.understand(raw, fromPBX: fromPBX) else { return nil }
        switch understood {
        case .internal(let number):
            return (number, nil, String(number.suffix(trailingDigits)))
        case .external(let e164):
            let digits = String(e164.dropFirst())
            let national = digits.hasPrefix(plan.countryCode) ? String(digits.dropFirst(plan.countryCode.count)) : nil
            return (e164, national, String(digits.suffix(trailingDigits)))
        }
    }

    /// How many trailing digits index a stored number for caller-ID (`storageKey`).
    public static let storedDigits = 8

    /// The index key of a number on file, independent of the dial plan: its last
    /// `storedDigits` digits as written ("+33 (0)1 23 45 67 89" → "23456789").
    public static func storageKey(for raw: String) -> String? {
        guard
            let cleaned = PhoneNumber.cleaned(raw)
                ?? PhoneNumber.withExtension(raw).flatMap({ PhoneNumber.cleaned($0.main) })
        else { return nil }
        // A cleaned number's only digits are ASCII ones; an extension's calls come from its main number.
        return String(decoding: cleaned.utf8.filter { $0 >= 0x30 && $0 <= 0x39 }.suffix(storedDigits), as: UTF8.self)
    }

    /// The storage keys under which a number on file can match `presented` by the rules of
    /// `bestMatch`: the presented digits, its international form, and its national form with
    /// the trunk prefix (a short national number is stored either way).
    public func searchKeys(for presented: String) -> [String] {
        guard let understood = plan.understand(presented, fromPBX: true) else { return [] }
        var forms: [String] = []
        switch understood {
        case .internal(let number):
            forms.append(number)
        case .external(let e164):
            let digits = String(e164.dropFirst())
            forms.append(digits)
            if digits.hasPrefix(plan.countryCode) {
                forms.append(plan.trunkPrefix + digits.dropFirst(plan.countryCode.count))
            }
            forms.append(plan.internationalPrefix + digits)
        }
        var keys: [String] = []
        for form in forms {
            let key = String(form.filter(\.isNumber).suffix(Self.storedDigits))
            if !key.isEmpty, !keys.contains(key) { keys.append(key) }
        }
        return keys
    }

    /// Picks the best entry for `presented` among `candidates` (number on file, name).
    public func bestMatch(for presented: String, among candidates: [(number: String, name: String)])
        -> (name: String, match: Match)?
    {
        guard let wanted = keys(for: presented, fromPBX: true) else { return nil }
        let keyed = candidates.compactMap { candidate in keys(for: candidate.number).map { ($0, candidate.name) } }
        if let hit = keyed.first(where: { $0.0.exact == wanted.exact }) { return (hit.1, .exact) }
        if let national = wanted.national, let hit = keyed.first(where: { $0.0.national == national }) {
            return (hit.1, .national)
        }
        guard wanted.trailing.count == trailingDigits else { return nil }
        let names = Set(keyed.filter { $0.0.trailing == wanted.trailing }.map(\.1))
        return names.count == 1 ? (names.first!, .trailingDigits) : nil
    }

}
