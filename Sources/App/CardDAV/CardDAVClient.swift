import NIOConcurrencyHelpers
import SwitchboardCore
import Vapor

/// Just enough CardDAV (RFC 6352) and WebDAV sync (RFC 6578) to mirror one address book: its state
/// (ctag, sync-token), the list of its cards with their etags, the cards themselves, and the
/// discovery of address books from a server's address. Redirects are followed by hand so that
/// relative hrefs are always read against the URL that answered, every address is checked before it is asked
/// (`OutboundAddressCheck`), and credentials never follow a redirect to another origin.
struct CardDAVClient: Sendable {
    let clients: Clients
    /// `Basic …` or `Bearer …`, sent with every request to the origin of the first URL asked.
    let authorization: String?
    var allowPrivateAddresses: Bool { clients.allowPrivateAddresses }

    /// The HTTP clients of one synchronisation: one per host, each connecting only to the address checked for it
    /// (`OutboundAddressCheck`); with private addresses allowed, one for all.
    final class Clients: Sendable {
        let group: any EventLoopGroup
        let timeout: Int
        let allowPrivateAddresses: Bool
        private let byHost = NIOLockedValueBox<[String: HTTPClient]>([:])

        init(group: any EventLoopGroup, timeout: Int, allowPrivateAddresses: Bool) {
            self.group = group
            self.timeout = timeout
            self.allowPrivateAddresses = allowPrivateAddresses
        }

        func client(for url: URL) async throws -> HTTPClient {
            // Keyed on the host exactly as the request will carry it: AsyncHTTPClient looks the override up so, and a
            // miss (`Rebind.example` against `rebind.example`) would send it to its own DNS lookup.
            let host = allowPrivateAddresses ? "*" : (url.host ?? "")
            if let known = byHost.withLockedValue({ $0[host] }) { return known }
            var configuration = HTTPClient.Configuration(
                redirectConfiguration: .disallow,
                timeout: .init(connect: .seconds(10), read: .seconds(Int64(timeout))))
            if !allowPrivateAddresses {
                configuration.dnsOverride = [host: try await OutboundAddressCheck.checkedAddress(for: url)]
            }
            let made = HTTPClient(eventLoopGroup: group, configuration: configuration)
            let (client, spare) = byHost.withLockedValue { clients -> (HTTPClient, HTTPClient?) in
                if let known = clients[host] { return (known, made) }
                clients[host] = made
                return (made, nil)
            }
            if let spare { try? await spare.shutdown() }
            return client
        }

        /// Shuts every client down once its last connection is back in its pool. A response is delivered a moment
        /// before its connection is released; shut down in between, the pool has already dropped the connection and
        /// AsyncHTTPClient stops the process ("A connection that we don't know was released?" — seen in a PostgreSQL
        /// test pass, when a sync failed on a bad answer and closed its client at once).
        func shutDown() async {
            let all = byHost.withLockedValue { clients in
                defer { clients = [:] }
                return Array(clients.values)
            }
            guard !all.isEmpty else { return }
            try? await Task.sleep(for: .milliseconds(100))
            for client in all { try? await client.shutdown() }
        }
    }

    /// Runs `body` with clients of its own, closed afterwards. A server silent for `timeout` seconds fails the
    /// synchronisation rather than holding it.
    static func using<T: Sendable>(
        authorization: String?, on group: any EventLoopGroup, timeout: Int = 120, allowPrivateAddresses: Bool,
        _ body: (CardDAVClient) async throws -> T
    ) async throws -> T {
        let clients = Clients(group: group, timeout: timeout, allowPrivateAddresses: allowPrivateAddresses)
        do {
            let result = try await body(CardDAVClient(clients: clients, authorization: authorization))
            await clients.shutDown()
            return result
        } catch {
            await clients.shutDown()
            throw error
        }
    }

    struct Answer: Sendable {
        let url: URL
        let status: Int
        let headers: HTTPHeaders
        let body: Data
    }

    /// One request; follows up to 5 redirects, keeping the method (WebDAV servers redirect PROPFIND).
    func send(
        _ method: HTTPMethod, _ url: URL, depth: String? = nil, body: String? = nil,
        contentType: String = "application/xml; charset=utf-8", extraHeaders: HTTPHeaders = [:],
        refusesCredentials: Bool = true, bodyHoldsCredentials: Bool = false
    ) async throws -> Answer {
        var url = url
        let origin = URLOrigin(url)
        for _ in 0..<6 {
            let http = try await clients.client(for: url)
            var headers = extraHeaders
            // A redirect to another origin is followed without the credentials meant for the first.
            if URLOrigin(url) != origin {
                // A body holding credentials (an OAuth token request's client secret and refresh token) is never
                // sent elsewhere. A PROPFIND's XML may follow (iCloud sends discovery to another host).
                guard !bodyHoldsCredentials else { throw CardDAVError.unexpectedStatus(307) }
                headers.remove(name: "Authorization")
            } else if let authorization, headers["Authorization"].isEmpty {
                headers.add(name: "Authorization", value: authorization)
            }
            if let depth { headers.add(name: "Depth", value: depth) }
            if body != nil { headers.add(name: "Content-Type", value: contentType) }
            let request: HTTPClient.Request
            do {
                request = try HTTPClient.Request(
                    url: url.absoluteString, method: method, headers: headers, body: body.map { .string($0) })
            } catch {
                throw CardDAVError.unreachable("invalid URL \(url.absoluteString)")
            }
            let response: HTTPClient.Response
            do {
                response = try await http.execute(request: request).get()
            } catch {
                throw CardDAVError.unreachable(String(describing: error))
            }
            let status = Int(response.status.code)
            if [301, 302, 303, 307, 308].contains(status), let location = response.headers.first(name: "Location"),
                let next = URL(string: location, relativeTo: url)?.absoluteURL
            {
                url = next
                continue
            }
            let data = response.body.map { Data($0.readableBytesView) } ?? Data()
            if refusesCredentials, status == 401 || (status == 403 && method.rawValue == "PROPFIND") {
                throw CardDAVError.authenticationRefused(status)
            }
            return Answer(url: url, status: status, headers: response.headers, body: data)
        }
        throw CardDAVError.unexpectedStatus(310)
    }

    /// A 207 Multi-Status answer, as its `response` elements.
    func multistatus(
        _ method: HTTPMethod, _ url: URL, depth: String?, body: String
    ) async throws -> (url: URL, root: DAVElement, responses: [DAVResponse]) {
        let answer = try await send(method, url, depth: depth, body: body)
        guard answer.status == 207 else {
            if answer.status == 404 || answer.status == 405 { throw CardDAVError.notAddressBook }
            throw CardDAVError.unexpectedStatus(answer.status)
        }
        guard let root = DAVElement.parse(answer.body), root.name == "multistatus", root.namespace == DAVElement.dav
        else { throw CardDAVError.badAnswer("not a WebDAV multistatus document") }
        return (answer.url, root, root.children("response").map(DAVResponse.init))
    }
}

/// One `response` of a multistatus answer: its href, its overall status (sync-collection marks
/// removed members with 404) and the properties found (status 200).
struct DAVResponse: Sendable {
    let href: String
    let status: Int?
    let properties: [DAVElement]

    init(_ element: DAVElement) {
        href = element.child("href")?.trimmedText ?? ""
        status = element.child("status").flatMap(DAVResponse.statusCode)
        properties = element.children("propstat").filter { propstat in
            (propstat.child("status").flatMap(DAVResponse.statusCode) ?? 200) / 100 == 2
        }.flatMap { $0.child("prop")?.children ?? [] }
    }

    func property(_ name: String, _ namespace: String = DAVElement.dav) -> DAVElement? {
        properties.first { $0.name == name && $0.namespace == namespace }
    }

    /// "HTTP/1.1 404 Not Found" → 404.
    static func statusCode(_ element: DAVElement) -> Int? {
        let parts = element.trimmedText.split(separator: " ")
        return parts.count >= 2 ? Int(parts[1]) : nil
    }

    /// Hrefs compared the same way however a server escapes them.
    static func key(_ href: String) -> String {
        let path = URL(string: href)?.path ?? href
        return (path.removingPercentEncoding ?? path)
    }
}
