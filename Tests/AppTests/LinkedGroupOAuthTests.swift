import Fluent
import Foundation
import Testing
import Vapor

@testable import App

/// OAuth 2.0 sources (Google): a real token endpoint and a Bearer-checking gateway in front of a real
/// Radicale, both on 127.0.0.1 (`OAuthGateway`).
@Suite("Linked groups: OAuth 2.0 refresh tokens", .enabled(if: Radicale.isInstalled))
struct LinkedGroupOAuthTests {
    struct World {
        let app: Application
        let admin: Actor
        let groupID: UUID
        let service: LinkedSourceService
        let gateway: OAuthGateway

        func source() async throws -> LinkedSourceModel { try #require(try await service.source(of: groupID)) }

        func names() async throws -> [String] {
            try await ContactGroupMemberModel.query(on: app.db).filter(\.$group.$id == groupID).with(\.$contact).all()
                .map(\.contact.displayName).sorted()
        }

        var tokenRequests: [[String: String]] { gateway.state.withLockedValue { $0.tokenRequests } }
        var davAuthorizations: [String] { gateway.state.withLockedValue { $0.davAuthorizations } }

        /// What happens when the cached access token's time is up (no waiting: its expiry moves).
        func expireAccessToken() async throws {
            let source = try await source()
            source.accessTokenExpiresAt = Date().addingTimeInterval(-1)
            try await source.save(on: app.db)
        }

        func opened(_ sealed: String?) throws -> String {
            try SecretBox(passphrase: LinkedGroupSyncTests.config.secretKey!).open(try #require(sealed))
        }
    }

    /// Radicale with `cards` in its book, the gateway in front, and a linked group configured with a refresh token.
    private func withWorld(
        cards: Int = 3, rotates: Bool = false, expiresIn: Int? = 3600, _ test: (World) async throws -> Void
    ) async throws {
        let radicale = try await Radicale()
        let gateway: OAuthGateway
        do {
            gateway = try await OAuthGateway.start(before: radicale)
        } catch {
            await radicale.shutdown()
            throw error
        }
        gateway.state.withLockedValue {
            $0.rotates = rotates
            $0.expiresIn = expiresIn
        }
        do {
            try await radicale.putBook(cards: (0..<cards).map { Radicale.card("c\($0)", name: "Card \($0)") })
            try await withApp(config: LinkedGroupSyncTests.config) { app in
                let admin = Actor(
                    user: try #require(try await UserModel.find(username: "admin", on: app.db)), clientAddress: nil)
                let group = try await ContactGroupService(db: app.db).create(name: "Google", kind: .linked, by: admin)
                let service = app.linkedSourceService(on: app.db)
                _ = try await service.configure(
                    group.requireID(),
                    .init(
                        serverURL: gateway.bookURL(), authKind: .oauth, secret: OAuthGateway.refreshToken,
                        clientID: gateway.clientID, clientSecret: gateway.clientSecret, tokenURL: gateway.tokenURL),
                    by: admin)
                try await test(
                    World(app: app, admin: admin, groupID: try group.requireID(), service: service, gateway: gateway))
            }
        } catch {
            await gateway.stop()
            await radicale.shutdown()
            throw error
        }
        await gateway.stop()
        await radicale.shutdown()
    }

    @Test("the refresh token is exchanged at the token endpoint; the access token goes to the server as Bearer")
    func exchange() async throws {
        try await withWorld { w in
            // then: saving checked the address with one exchange (RFC 6749 §6 form, client in the body)
            #expect(
                w.tokenRequests == [
                    [
                        "grant_type": "refresh_token", "refresh_token": "refresh-1", "client_id": "switchboard-client",
                        "client_secret": "client-secret-1", "content-type": "application/x-www-form-urlencoded",
                    ]
                ])

            // when
            let outcome = try await w.service.syncNow(w.groupID, by: w.admin)

            // then: the cards arrived through the gateway, every request with the access token
            #expect(outcome == .init(created: 3))
            #expect(try await w.names() == ["Card 0", "Card 1", "Card 2"])
            #expect(!w.davAuthorizations.isEmpty)
            #expect(Set(w.davAuthorizations) == ["Bearer access-1"])
        }
    }

    @Test("the access token is kept, sealed, until it expires; then the refresh token is exchanged again")
    func accessTokenCached() async throws {
        try await withWorld { w in
            // given: the token obtained when saving
            let source = try await w.source()
            #expect(try w.opened(source.sealedAccessToken) == "access-1")
            #expect(source.sealedAccessToken?.contains("access-1") == false)
            #expect(try #require(source.accessTokenExpiresAt) > Date().addingTimeInterval(3000))

            // when: two synchronisations
            _ = try await w.service.syncNow(w.groupID, by: w.admin)
            _ = try await w.service.syncNow(w.groupID, by: w.admin)

            // then: no new exchange
            #expect(w.tokenRequests.count == 1)
            #expect(Set(w.davAuthorizations) == ["Bearer access-1"])

            // when: its time is up
            try await w.expireAccessToken()
            try await w.gateway.radicale.putCard("c9", Radicale.card("c9", name: "Card 9"))
            let outcome = try await w.service.syncNow(w.groupID, by: w.admin)

            // then
            #expect(outcome == .init(created: 1))
            #expect(w.tokenRequests.count == 2)
            #expect(w.davAuthorizations.last == "Bearer access-2")
            #expect(try w.opened(try await w.source().sealedAccessToken) == "access-2")
        }
    }

    @Test("an access token without expires_in serves one synchronisation: each one exchanges the refresh token")
    func accessTokenWithoutExpiry() async throws {
        try await withWorld(expiresIn: nil) { w in
            let source = try await w.source()
            #expect(source.sealedAccessToken == nil && source.accessTokenExpiresAt == nil)

            _ = try await w.service.syncNow(w.groupID, by: w.admin)
            _ = try await w.service.syncNow(w.groupID, by: w.admin)

            #expect(w.tokenRequests.count == 3)
            #expect(w.davAuthorizations.last == "Bearer access-3")
        }
    }

    @Test("an access token revoked before its expiry is replaced at once, and the synchronisation goes through")
    func accessTokenRevoked() async throws {
        try await withWorld { w in
            w.gateway.state.withLockedValue { $0.accessTokens = [:] }

            let outcome = try await w.service.syncNow(w.groupID, by: w.admin)

            #expect(outcome == .init(created: 3))
            #expect(w.tokenRequests.count == 2)
            #expect(w.davAuthorizations.first == "Bearer access-1")
            #expect(w.davAuthorizations.last == "Bearer access-2")
        }
    }

    @Test("a rotated refresh token replaces the stored one, sealed, and is the one used next time")
    func rotation() async throws {
        try await withWorld(rotates: true) { w in
            // then: saving exchanged refresh-1, which the server replaced with refresh-2
            var source = try await w.source()
            #expect(try w.opened(source.sealedSecret) == "refresh-2")
            #expect(source.sealedSecret?.contains("refresh-2") == false)

            // when: a later exchange (refresh-1 no longer works at the server)
            try await w.expireAccessToken()
            let outcome = try await w.service.syncNow(w.groupID, by: w.admin)

            // then
            #expect(outcome == .init(created: 3))
            #expect(w.tokenRequests.map { $0["refresh_token"] } == ["refresh-1", "refresh-2"])
            source = try await w.source()
            #expect(try w.opened(source.sealedSecret) == "refresh-3")
        }
    }

    @Test("a revoked refresh token (invalid_grant) leaves the group as it was; the groups page says what to do")
    func invalidGrant() async throws {
        try await withWorld { w in
            // given
            _ = try await w.service.syncNow(w.groupID, by: w.admin)
            let before = try await w.names()
            let succeeded = try await w.source().lastSuccessAt

            // when: the user revoked the access at the provider, and the access token has expired
            w.gateway.state.withLockedValue {
                $0.refreshTokens = []
                $0.accessTokens = [:]
            }
            try await w.expireAccessToken()
            try await w.gateway.radicale.deleteCard("c1")
            let outcome = try await w.service.syncNow(w.groupID, by: w.admin)

            // then
            #expect(outcome.error == .refreshTokenRejected)
            #expect(try await w.names() == before)
            let source = try await w.source()
            #expect(source.lastErrorCode == "refresh_token_rejected")
            #expect(source.lastSuccessAt == succeeded)

            let browser = Browser(w.app)
            try await browser.signIn("admin", TestEnvironment.adminPassword)
            let page = try await browser.get(Paths.contactGroups.path)
            #expect(
                page.body.string.contains(
                    "The OAuth server no longer accepts the refresh token (expired or revoked): obtain a new one"))
        }
    }

    @Test("a client the token endpoint refuses is refused when saving, and nothing is saved")
    func wrongClient() async throws {
        try await withWorld { w in
            let group = try await ContactGroupService(db: w.app.db).create(name: "Other", kind: .linked, by: w.admin)
            await #expect(throws: SwitchboardError.carddav(.tokenRefused("invalid_client"))) {
                try await w.service.configure(
                    group.requireID(),
                    .init(
                        serverURL: w.gateway.bookURL(), authKind: .oauth, secret: OAuthGateway.refreshToken,
                        clientID: w.gateway.clientID, clientSecret: "wrong", tokenURL: w.gateway.tokenURL),
                    by: w.admin)
            }
            #expect(try await w.service.source(of: group.requireID()) == nil)
        }
    }
}
