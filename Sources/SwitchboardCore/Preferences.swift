import Foundation

/// Interface languages. English is the fallback for anything we cannot match.
public enum Language: String, CaseIterable, Codable, Sendable {
    case en
    case fr

    public static let fallback = Language.en

    /// Picks the best supported language from an HTTP `Accept-Language` header value,
    /// honouring q-values ("fr-CH, fr;q=0.9, en;q=0.8").
    public static func negotiate(acceptLanguage header: String?) -> Language {
        guard let header, !header.isEmpty else { return fallback }
        let ranked = header.split(separator: ",").compactMap { part -> (Language, Double)? in
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first?.lowercased(), !tag.isEmpty else { return nil }
            let primary = String(tag.split(separator: "-").first ?? "")
            guard let language = Language(rawValue: primary) else { return nil }
            let quality =
                pieces.dropFirst()
                .first { $0.hasPrefix("q=") }
                .flatMap { Double($0.dropFirst(2)) } ?? 1
            return quality > 0 ? (language, quality) : nil
        }
        // A stable sort keeps header order among equal q-values.
        let best = ranked.enumerated()
            .sorted { ($0.element.1, -$0.offset) > ($1.element.1, -$1.offset) }
            .first
        return best?.element.0 ?? fallback
    }
}

/// Colour scheme of the interface; `system` follows the browser's `prefers-color-scheme`.
public enum Theme: String, CaseIterable, Codable, Sendable {
    case system
    case light
    case dark
}
