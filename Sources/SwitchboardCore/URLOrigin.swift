import Foundation

/// Scheme, host and port of a URL: where a credential was entered for. A stored password or token is sent only to
/// its origin: a redirect elsewhere goes without it, and a linked group re-pointed at another origin needs the secret
/// entered again (else whoever may edit the URL could have the stored secret sent to a server of theirs).
public struct URLOrigin: Equatable, Sendable {
    public let scheme: String
    public let host: String
    public let port: Int

    public init?(_ url: URL) {
        guard let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased(), !host.isEmpty else {
            return nil
        }
        self.scheme = scheme
        self.host = host
        port = url.port ?? (scheme == "https" ? 443 : 80)
    }

    public init?(_ text: String?) {
        guard let url = text.flatMap(URL.init(string:)) else { return nil }
        self.init(url)
    }

    /// Whether secrets stored for a linked address book at `oldServer` (and, with OAuth, a token endpoint at
    /// `oldTokenURL`) may be used for the new settings without being entered again.
    public static func storedSecretsApply(
        oldServer: String?, newServer: String, oldTokenURL: String?, newTokenURL: String?
    ) -> Bool {
        guard let old = URLOrigin(oldServer), old == URLOrigin(newServer) else { return false }
        guard let newTokenURL else { return true }
        return URLOrigin(oldTokenURL) != nil && URLOrigin(oldTokenURL) == URLOrigin(newTokenURL)
    }
}
