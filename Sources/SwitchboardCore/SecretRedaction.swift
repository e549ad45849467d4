/// Text on its way to a log or the audit log without the secrets URLs carry: the user information of every
/// `scheme://user:password@host` becomes `scheme://***@host`. Kamailio's URL with a password, a linked address book's
/// URL typed with credentials, an HTTP client's error quoting a URL: all pass through here.
public enum SecretRedaction {
    public static func redacted(_ text: String) -> String {
        guard text.contains("://") else { return text }
        var result = ""
        var rest = Substring(text)
        while let marker = rest.range(of: "://") {
            result += rest[..<marker.upperBound]
            rest = rest[marker.upperBound...]
            // The authority ends at the first `/`, `?`, `#` or blank; user information ends at its last `@`.
            let authority = rest.prefix { !"/?# \t\r\n\"'<>".contains($0) }
            if let at = authority.lastIndex(of: "@") {
                result += "***"
                rest = rest[at...]
            }
        }
        return result + rest
    }
}
