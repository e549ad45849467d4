import Foundation

/// Translated texts, one flat table of `key → text` per language. Texts may hold named
/// placeholders such as `{count}`, filled by `text(_:in:_:)`.
public struct Localization: Sendable {
    public let tables: [Language: [String: String]]

    public init(tables: [Language: [String: String]]) {
        self.tables = tables
    }

    /// Reads `en.json`, `fr.json`… from a folder; every supported language must be there.
    public init(directory: URL) throws {
        var tables: [Language: [String: String]] = [:]
        for language in Language.allCases {
            let file = directory.appendingPathComponent("\(language.rawValue).json")
            tables[language] = try JSONDecoder().decode([String: String].self, from: Data(contentsOf: file))
        }
        self.init(tables: tables)
    }

    /// The text for `key`; an unknown key comes back as itself so that it shows, and a test catches it.
    public func text(_ key: String, in language: Language, _ arguments: [String: String] = [:]) -> String {
        let template = tables[language]?[key] ?? tables[Language.fallback]?[key] ?? key
        return arguments.isEmpty ? template : Self.fill(template, arguments)
    }

    /// `template` with each `{name}` that `arguments` names replaced by its value, in one pass: a value is never
    /// read for placeholders itself (a contact named "{count}" stays as written), and an unknown one stays as is.
    static func fill(_ template: String, _ arguments: [String: String]) -> String {
        var result = ""
        var rest = template[...]
        while let open = rest.firstIndex(of: "{") {
            guard let close = rest[open...].firstIndex(of: "}") else { break }
            result += rest[..<open]
            if let value = arguments[String(rest[rest.index(after: open)..<close])] {
                result += value
                rest = rest[rest.index(after: close)...]
            } else {
                result += "{"
                rest = rest[rest.index(after: open)...]
            }
        }
        result += rest
        return result
    }

    public func contains(_ key: String) -> Bool {
        Language.allCases.allSatisfy { tables[$0]?[key] != nil }
    }

    /// Keys present in one language but not in another, per language; empty when complete.
    public var missingKeys: [Language: Set<String>] {
        let all = tables.values.reduce(into: Set<String>()) { $0.formUnion($1.keys) }
        var missing: [Language: Set<String>] = [:]
        for language in Language.allCases {
            let gap = all.subtracting(tables[language]?.keys ?? [:].keys)
            if !gap.isEmpty { missing[language] = gap }
        }
        return missing
    }
}
