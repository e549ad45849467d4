import Leaf
import SwitchboardCore

/// `#t("key")` or `#t("key", "name", value, …)`: the text for `key` in the page's language
/// (`layout.locale`), its `{name}` placeholders filled. Output is HTML-escaped by Leaf.
struct TranslateTag: LeafTag {
    let localization: Localization

    func render(_ ctx: LeafContext) throws -> LeafData {
        guard let key = ctx.parameters.first?.string else {
            throw MissingKey()
        }
        let locale = ctx.data["layout"]?.dictionary?["locale"]?.string
        let language = locale.flatMap(Language.init(rawValue:)) ?? .fallback
        var arguments: [String: String] = [:]
        var rest = ctx.parameters.dropFirst()
        while let name = rest.popFirst()?.string, let value = rest.popFirst() {
            arguments[name] = value.string ?? value.description
        }
        return .string(localization.text(key, in: language, arguments))
    }

    struct MissingKey: Error, CustomStringConvertible {
        var description: String { "#t needs a translation key as its first parameter" }
    }
}
