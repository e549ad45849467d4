/// Checks every stored one-line name goes through (accounts, tokens, groups); contacts have `ContactTextLimits`.
public enum TextChecks {
    /// Whether `text` holds a control character (NUL, a line break, ESC, DEL…): never stored in a name.
    public static func hasControlCharacters(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }
}
