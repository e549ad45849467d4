import Vapor

/// The address-book requests a synchronisation makes.
extension CardDAVClient {
    struct BookState: Sendable, Equatable {
        var isAddressBook: Bool
        var displayName: String?
        /// `CS:getctag`: changes whenever any card changes.
        var ctag: String?
        /// RFC 6578 `DAV:sync-token`: present when the server offers `sync-collection`.
        var syncToken: String?
        var supportsSyncCollection: Bool
    }

    /// One card as listed: its href as the server wrote it and its etag.
    struct Entry: Sendable, Equatable {
        let href: String
        let etag: String
    }

    /// The cards of a book, or the changes since a sync-token.
    struct Listing: Sendable {
        var entries: [Entry] = []
        /// Hrefs the server says are gone (sync-collection only).
        var removed: [String] = []
        var syncToken: String?
        /// A full listing (every card of the book), as opposed to the changes since a token.
        var isComplete: Bool
    }

    struct Card: Sendable {
        let href: String
        let etag: String
        let data: Data
    }

    private static let namespaces =
        #"xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav" xmlns:cs="http://calendarserver.org/ns/""#

    func bookState(_ url: URL) async throws -> BookState {
        let body = """
            <?xml version="1.0" encoding="utf-8"?>
            <d:propfind \(Self.namespaces)><d:prop><d:resourcetype/><d:displayname/><cs:getctag/><d:sync-token/>\
            <d:supported-report-set/></d:prop></d:propfind>
            """
        let answer = try await multistatus(.RAW(value: "PROPFIND"), url, depth: "0", body: body)
        guard let response = answer.responses.first else { throw CardDAVError.badAnswer("empty multistatus") }
        let reports =
            response.property("supported-report-set")?.children("supported-report")
            .compactMap { $0.child("report")?.children.first?.name } ?? []
        let token = response.property("sync-token")?.trimmedText
        return BookState(
            isAddressBook: response.property("resourcetype")?.child("addressbook", DAVElement.carddav) != nil,
            displayName: response.property("displayname")?.trimmedText,
            ctag: response.property("getctag", DAVElement.calendarServer)?.trimmedText,
            syncToken: token?.isEmpty == false ? token : nil,
            supportsSyncCollection: reports.contains("sync-collection") || token?.isEmpty == false)
    }

    /// `sync-collection`: every card when `token` is nil, else what changed since it.
    func syncCollection(_ url: URL, token: String?) async throws -> Listing {
        let body = """
            <?xml version="1.0" encoding="utf-8"?>
            <d:sync-collection \(Self.namespaces)><d:sync-token>\((token ?? "").xmlEscaped)</d:sync-token>\
            <d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>
            """
        let answer: (url: URL, root: DAVElement, responses: [DAVResponse])
        do {
            answer = try await multistatus(.RAW(value: "REPORT"), url, depth: "0", body: body)
        } catch CardDAVError.unexpectedStatus(let status) where token != nil && [400, 403, 409, 412].contains(status) {
            throw CardDAVError.syncTokenInvalid
        }
        var listing = Listing(syncToken: answer.root.child("sync-token")?.trimmedText, isComplete: token == nil)
        let book = DAVResponse.key(url.path)
        for response in answer.responses where DAVResponse.key(response.href) != book {
            if response.status == 404 {
                listing.removed.append(response.href)
            } else if let etag = response.property("getetag")?.trimmedText {
                listing.entries.append(Entry(href: response.href, etag: etag))
            }
        }
        return listing
    }

    /// PROPFIND Depth 1: every card with its etag, for servers without `sync-collection`.
    func etags(_ url: URL) async throws -> Listing {
        let body = """
            <?xml version="1.0" encoding="utf-8"?>
            <d:propfind \(Self.namespaces)><d:prop><d:resourcetype/><d:getetag/></d:prop></d:propfind>
            """
        let answer = try await multistatus(.RAW(value: "PROPFIND"), url, depth: "1", body: body)
        let book = DAVResponse.key(url.path)
        var listing = Listing(isComplete: true)
        for response in answer.responses where DAVResponse.key(response.href) != book {
            if response.property("resourcetype")?.child("collection") != nil { continue }
            guard let etag = response.property("getetag")?.trimmedText else { continue }
            listing.entries.append(Entry(href: response.href, etag: etag))
        }
        return listing
    }

    /// `addressbook-multiget` of some hrefs; cards the server no longer has are simply absent.
    func multiget(_ url: URL, hrefs: [String]) async throws -> [Card] {
        let list = hrefs.map { "<d:href>\($0.xmlEscaped)</d:href>" }.joined()
        let body = """
            <?xml version="1.0" encoding="utf-8"?>
            <card:addressbook-multiget \(Self.namespaces)><d:prop><d:getetag/><card:address-data/></d:prop>\
            \(list)</card:addressbook-multiget>
            """
        let answer = try await multistatus(.RAW(value: "REPORT"), url, depth: "1", body: body)
        return answer.responses.compactMap { response in
            guard let data = response.property("address-data", DAVElement.carddav)?.text,
                let etag = response.property("getetag")?.trimmedText
            else { return nil }
            return Card(href: response.href, etag: etag, data: Data(data.utf8))
        }
    }

    struct DiscoveredBook: Codable, Sendable, Equatable {
        let url: String
        let name: String
    }

    /// The address books reachable from a server's address: the URL itself when it is one, else
    /// `/.well-known/carddav` (RFC 6764) or the URL → `current-user-principal` →
    /// `addressbook-home-set` → the address books in it.
    func discover(_ server: URL) async throws -> [DiscoveredBook] {
        do {
            let state = try await bookState(server)
            if state.isAddressBook {
                return [DiscoveredBook(url: server.absoluteString, name: state.displayName ?? server.lastPathComponent)]
            }
        } catch let error as CardDAVError where error.isFatalForDiscovery {
            throw error
        } catch {
            // Not an address book: look for the user's ones.
        }
        let principalBody = """
            <?xml version="1.0" encoding="utf-8"?>
            <d:propfind \(Self.namespaces)><d:prop><d:current-user-principal/></d:prop></d:propfind>
            """
        var principal: URL?
        let wellKnown = URL(string: "/.well-known/carddav", relativeTo: server)!.absoluteURL
        for start in [wellKnown, server] {
            let answer: (url: URL, root: DAVElement, responses: [DAVResponse])
            do {
                answer = try await multistatus(.RAW(value: "PROPFIND"), start, depth: "0", body: principalBody)
            } catch let error as CardDAVError where error.isFatalForDiscovery {
                throw error
            } catch {
                continue
            }
            if let href = answer.responses.first?.property("current-user-principal")?.child("href")?.trimmedText {
                principal = URL(string: href, relativeTo: answer.url)?.absoluteURL
                break
            }
        }
        guard let principal else { throw CardDAVError.notAddressBook }
        let homeBody = """
            <?xml version="1.0" encoding="utf-8"?>
            <d:propfind \(Self.namespaces)><d:prop><card:addressbook-home-set/></d:prop></d:propfind>
            """
        let homeAnswer = try await multistatus(.RAW(value: "PROPFIND"), principal, depth: "0", body: homeBody)
        guard
            let href = homeAnswer.responses.first?.property("addressbook-home-set", DAVElement.carddav)?
                .child("href")?.trimmedText,
            let home = URL(string: href, relativeTo: homeAnswer.url)?.absoluteURL
        else { throw CardDAVError.notAddressBook }
        let listBody = """
            <?xml version="1.0" encoding="utf-8"?>
            <d:propfind \(Self.namespaces)><d:prop><d:resourcetype/><d:displayname/></d:prop></d:propfind>
            """
        let books = try await multistatus(.RAW(value: "PROPFIND"), home, depth: "1", body: listBody)
        let found = books.responses.compactMap { response -> DiscoveredBook? in
            guard response.property("resourcetype")?.child("addressbook", DAVElement.carddav) != nil,
                let url = URL(string: response.href, relativeTo: books.url)?.absoluteURL
            else { return nil }
            let name = response.property("displayname")?.trimmedText
            return DiscoveredBook(url: url.absoluteString, name: name?.isEmpty == false ? name! : url.lastPathComponent)
        }
        guard !found.isEmpty else { throw CardDAVError.notAddressBook }
        return found.sorted { $0.name.localizedCaseInsensitiveCompare($1.name) == .orderedAscending }
    }

    /// What a token endpoint grants (RFC 6749 §5.1): the access token, for how many seconds when it
    /// says so, and the refresh token to use from now on when it rotates them.
    struct TokenGrant: Sendable, Equatable {
        let accessToken: String
        let expiresIn: Int?
        let refreshToken: String?
    }

    /// RFC 6749 §6: a fresh access token for a refresh token. A refused grant (§5.2 `invalid_grant`:
    /// expired or revoked) is `refreshTokenRejected`, anything else the endpoint refuses `tokenRefused`.
    func accessToken(tokenURL: URL, clientID: String, clientSecret: String, refreshToken: String) async throws
        -> TokenGrant
    {
        var form = URLComponents()
        form.queryItems = [
            URLQueryItem(name: "grant_type", value: "refresh_token"),
            URLQueryItem(name: "refresh_token", value: refreshToken),
            URLQueryItem(name: "client_id", value: clientID),
            URLQueryItem(name: "client_secret", value: clientSecret),
        ]
        let body = (form.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
        // The token endpoint gets the client's credentials in the form, never the CardDAV ones.
        let anonymous = CardDAVClient(clients: clients, authorization: nil)
        // A 401 here is the client refused (`invalid_client`): its JSON body says so.
        let answer = try await anonymous.send(
            .POST, tokenURL, body: body, contentType: "application/x-www-form-urlencoded",
            extraHeaders: ["Accept": "application/json"], refusesCredentials: false, bodyHoldsCredentials: true)
        struct TokenAnswer: Decodable {
            let access_token: String?
            let expires_in: Int?
            let refresh_token: String?
            let error: String?
        }
        let decoded = try? JSONDecoder().decode(TokenAnswer.self, from: answer.body)
        guard answer.status == 200, let token = decoded?.access_token, !token.isEmpty else {
            if decoded?.error == "invalid_grant" { throw CardDAVError.refreshTokenRejected }
            throw CardDAVError.tokenRefused(decoded?.error ?? "HTTP \(answer.status)")
        }
        return TokenGrant(
            accessToken: token, expiresIn: decoded?.expires_in,
            refreshToken: decoded?.refresh_token.flatMap { $0.isEmpty ? nil : $0 })
    }
}
