import Fluent
import Foundation
import FoundationXML
import SwitchboardCore
import Testing
import Vapor
import VaporTesting

@testable import App

/// Two groups: "Office" published (user "desk", password "phone-book-1") with a nasty name, an accented
/// name, an emoji and a contact without number; "Board" with its own contact, published with another password.
struct DirectoryWorld {
    let office: UUID
    let board: UUID
    static let password = "phone-book-1"

    static func make(_ app: Application) async throws -> Self {
        let admin = Actor(
            user: try #require(try await UserModel.find(username: "admin", on: app.db)), clientAddress: nil)
        let groups = ContactGroupService(db: app.db)
        let office = try await groups.create(name: "Office & Co", kind: .standard, by: admin).requireID()
        let board = try await groups.create(name: "Board", kind: .standard, by: admin).requireID()
        let contacts = ContactService(db: app.db)
        for contact in [
            Contact(
                displayName: "Tom & Jerry <CEO> \"Q\"",
                phones: [
                    .init(type: .business, number: "+33 1 23 45 67 89"), .init(type: .mobile, number: "06 12 34 56 78"),
                ]
            ),
            Contact(firstName: "Émile", lastName: "Zola", phones: [.init(type: .business, number: "0140000000")]),
            Contact(firstName: "Zoé", lastName: "Abel", phones: [.init(type: .private, number: "0450000000")]),
            Contact(displayName: "Pizza 🍕", phones: [.init(type: .other, number: "0499999999")]),
            Contact(displayName: "Fax only", phones: [.init(type: .businessFax, number: "0188888888")]),
            Contact(displayName: "No number"),
        ] {
            _ = try await contacts.create(contact, in: [office], by: admin)
        }
        _ = try await contacts.create(
            Contact(displayName: "Secret Board Member", phones: [.init(type: .mobile, number: "0677777777")]),
            in: [board], by: admin)
        let directories = GroupDirectoryService(
            db: app.db, hasher: app.passwordHashing, decoyDigest: app.signInDecoyDigest,
            verified: app.directoryCredentials)
        try await directories.update(groupID: office, enabled: true, username: "desk", newPassword: password, by: admin)
        try await directories.update(
            groupID: board, enabled: true, username: "desk", newPassword: "board-secret-9", by: admin)
        return DirectoryWorld(office: office, board: board)
    }
}

extension Application {
    func fetchDirectory(_ path: String, user: String = "desk", password: String? = DirectoryWorld.password)
        async throws -> TestingHTTPResponse
    {
        var headers = HTTPHeaders()
        if let password { headers.basicAuthorization = .init(username: user, password: password) }
        return try await testing().sendRequest(.GET, path, headers: headers)
    }
}

func xml(_ response: TestingHTTPResponse) throws -> XMLDocument {
    try XMLDocument(data: Data(buffer: response.body), options: [])
}

func texts(_ document: XMLDocument, _ xpath: String) throws -> [String] {
    try document.nodes(forXPath: xpath).map { $0.stringValue ?? "" }
}

@Suite("Desk-phone directories")
struct DirectoryTests {
    @Test("Yealink: one DirectoryEntry per contact with a number, in display order, a Telephone per number")
    func yealink() async throws {
        try await withApp { app in
            let world = try await DirectoryWorld.make(app)
            let response = try await app.fetchDirectory(Paths.directoryFileURL(world.office, .yealink))
            #expect(response.status == .ok)
            #expect(response.headers.contentType?.description == "text/xml; charset=utf-8")
            #expect(
                response.body.string.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<YealinkIPPhoneDirectory>"))
            let document = try xml(response)
            #expect(
                try texts(document, "/YealinkIPPhoneDirectory/DirectoryEntry/Name")
                    == ["Émile Zola", "Pizza 🍕", "Tom & Jerry <CEO> \"Q\"", "Zoé Abel"])
            #expect(
                try texts(document, "/YealinkIPPhoneDirectory/DirectoryEntry[3]/Telephone")
                    == ["+33123456789", "0612345678"])
            #expect(response.body.string.contains("<Name>Tom &amp; Jerry &lt;CEO&gt; &quot;Q&quot;</Name>"))
            #expect(!response.body.string.contains("Secret Board Member"))
            #expect(!response.body.string.contains("0188888888"))
        }
    }

    @Test("batches follow one another in display order without losing or repeating anyone")
    func batches() async throws {
        try await withApp { app in
            let world = try await DirectoryWorld.make(app)
            var entries = app.groupDirectories.entries(of: world.office)
            entries.batchSize = 2
            var names: [[String]] = []
            for try await batch in entries { names.append(batch.map(\.name)) }
            // members in order: Émile, Fax only, No number (left out), Pizza, Tom, Zoé
            #expect(names == [["Émile Zola", "Fax only"], ["Pizza 🍕"], ["Tom & Jerry <CEO> \"Q\"", "Zoé Abel"]])
        }
    }

    @Test("Snom: an entry per number, typed when a contact has several, with the group as title")
    func snom() async throws {
        try await withApp { app in
            let world = try await DirectoryWorld.make(app)
            let document = try xml(try await app.fetchDirectory(Paths.directoryFileURL(world.office, .snom)))
            #expect(try texts(document, "/SnomIPPhoneDirectory/Title") == ["Office & Co"])
            #expect(
                try texts(document, "/SnomIPPhoneDirectory/DirectoryEntry/Name")
                    == [
                        "Émile Zola", "Pizza 🍕", "Tom & Jerry <CEO> \"Q\" (Work)", "Tom & Jerry <CEO> \"Q\" (Mobile)",
                        "Zoé Abel",
                    ])
            #expect(try texts(document, "/SnomIPPhoneDirectory/DirectoryEntry/Telephone").count == 5)
        }
    }

    @Test("Grandstream: AddressBook of Contacts with first and last name and typed Phones")
    func grandstream() async throws {
        try await withApp { app in
            let world = try await DirectoryWorld.make(app)
            let document = try xml(try await app.fetchDirectory(Paths.directoryFileURL(world.office, .grandstream)))
            #expect(
                try texts(document, "/AddressBook/Contact/FirstName") == [
                    "Émile", "Pizza 🍕", "Tom & Jerry <CEO> \"Q\"", "Zoé",
                ])
            #expect(try texts(document, "/AddressBook/Contact/LastName") == ["Zola", "", "", "Abel"])
            #expect(try texts(document, "/AddressBook/Contact[3]/Phone/@type") == ["Work", "Mobile"])
            #expect(try texts(document, "/AddressBook/Contact[3]/Phone/phonenumber") == ["+33123456789", "0612345678"])
            #expect(try texts(document, "/AddressBook/Contact[1]/Phone/accountindex") == ["0"])
        }
    }

    @Test("Fanvil: PhoneBook of DirectoryEntry with office, mobile and other numbers")
    func fanvil() async throws {
        try await withApp { app in
            let world = try await DirectoryWorld.make(app)
            let document = try xml(try await app.fetchDirectory(Paths.directoryFileURL(world.office, .fanvil)))
            #expect(try texts(document, "/PhoneBook/DirectoryEntry/Name").count == 4)
            #expect(try texts(document, "/PhoneBook/DirectoryEntry[3]/Telephone") == ["+33123456789"])
            #expect(try texts(document, "/PhoneBook/DirectoryEntry[3]/Mobile") == ["0612345678"])
            #expect(try texts(document, "/PhoneBook/DirectoryEntry[1]/Telephone") == ["0140000000"])
            #expect(try texts(document, "/PhoneBook/DirectoryEntry[4]/Other") == [""])
        }
    }

    @Test("search: folded substring of names, digits of numbers, only in the group")
    func search() async throws {
        try await withApp { app in
            let world = try await DirectoryWorld.make(app)
            let path = Paths.directorySearchURL(world.office)
            let byName = try xml(try await app.fetchDirectory(path + "?q=EMI"))
            #expect(try texts(byName, "/Directory/Entry/Name") == ["Émile Zola"])
            let byNumber = try xml(try await app.fetchDirectory(path + "?q=06%2012&format=yealink"))
            #expect(try texts(byNumber, "/YealinkIPPhoneDirectory/DirectoryEntry/Name") == ["Tom & Jerry <CEO> \"Q\""])
            let elsewhere = try await app.fetchDirectory(path + "?q=secret")
            #expect(try texts(try xml(elsewhere), "/Directory/Entry").isEmpty)
            let everyone = try xml(try await app.fetchDirectory(path + "?format=snom"))
            #expect(try texts(everyone, "/SnomIPPhoneDirectory/DirectoryEntry").count == 5)
        }
    }

    @Test("search: inside a word of a name, by a fragment of a number, never a contact of another group")
    func searchInsideWordsAndNumbers() async throws {
        try await withApp { app in
            let world = try await DirectoryWorld.make(app)
            let path = Paths.directorySearchURL(world.office)
            let inWord = try xml(try await app.fetchDirectory(path + "?q=mil&format=grandstream"))
            #expect(try texts(inWord, "/AddressBook/Contact/FirstName") == ["Émile"])
            #expect(try texts(inWord, "/AddressBook/Contact/LastName") == ["Zola"])
            let fragment = try xml(try await app.fetchDirectory(path + "?q=4567"))
            #expect(try texts(fragment, "/Directory/Entry/Name") == ["Tom & Jerry <CEO> \"Q\""])
            // the board's contact matches both, but only in its own group
            for q in ["ecre", "7777"] {
                #expect(try texts(try xml(try await app.fetchDirectory(path + "?q=\(q)")), "//Name").isEmpty)
                let board = try await app.fetchDirectory(
                    Paths.directorySearchURL(world.board) + "?q=\(q)", password: "board-secret-9")
                #expect(try texts(try xml(board), "//Name") == ["Secret Board Member"])
            }
        }
    }

    @Test("credentials verified a moment ago open the directory at once; a new password or unpublishing ends them")
    func recentlyVerifiedCredentials() async throws {
        try await withApp { app in
            let world = try await DirectoryWorld.make(app)
            let office = Paths.directoryFileURL(world.office, .yealink)
            #expect(try await app.fetchDirectory(office).status == .ok)
            #expect(try await app.fetchDirectory(office).status == .ok)
            let admin = Actor(
                user: try #require(try await UserModel.find(username: "admin", on: app.db)), clientAddress: nil)
            try await app.groupDirectories.update(
                groupID: world.office, enabled: true, username: "desk", newPassword: "another-secret-7", by: admin)
            #expect(try await app.fetchDirectory(office).status == .unauthorized)
            #expect(try await app.fetchDirectory(office, password: "another-secret-7").status == .ok)
            try await app.groupDirectories.update(
                groupID: world.office, enabled: true, username: "phone", newPassword: "", by: admin)
            #expect(try await app.fetchDirectory(office, password: "another-secret-7").status == .unauthorized)
            #expect(try await app.fetchDirectory(office, user: "phone", password: "another-secret-7").status == .ok)
            try await app.groupDirectories.update(
                groupID: world.office, enabled: false, username: "phone", newPassword: "", by: admin)
            #expect(
                try await app.fetchDirectory(office, user: "phone", password: "another-secret-7").status
                    == .unauthorized)
        }
    }

    @Test(
        "wrong password, wrong user, no credentials, another group's password, unknown or unpublished group: the same 401"
    )
    func refusals() async throws {
        try await withApp { app in
            let world = try await DirectoryWorld.make(app)
            let office = Paths.directoryFileURL(world.office, .yealink)
            var refusals = [
                try await app.fetchDirectory(office, password: "wrong-password"),
                try await app.fetchDirectory(office, user: "phone"),
                try await app.fetchDirectory(office, password: nil),
                try await app.fetchDirectory(office, password: "board-secret-9"),
                try await app.fetchDirectory(Paths.directoryFileURL(UUID(), .yealink)),
                try await app.fetchDirectory(Paths.directorySearchURL(UUID()) + "?q=a"),
            ]
            let admin = Actor(
                user: try #require(try await UserModel.find(username: "admin", on: app.db)), clientAddress: nil)
            try await app.groupDirectories.update(
                groupID: world.office, enabled: false, username: "desk", newPassword: "", by: admin)
            refusals.append(try await app.fetchDirectory(office))
            for refusal in refusals {
                #expect(refusal.status == .unauthorized)
                #expect(
                    refusal.headers.first(name: .wwwAuthenticate)
                        == "Basic realm=\"Switchboard phone directory\", charset=\"UTF-8\"")
                #expect(refusal.body.string == "Authentication required\n")
            }
            // the board's own password still opens the board, and only it
            let board = try await app.fetchDirectory(
                Paths.directoryFileURL(world.board, .yealink), password: "board-secret-9")
            #expect(try texts(try xml(board), "//Name") == ["Secret Board Member"])
        }
    }

    @Test("admin page: publish with a password, URLs shown, audited; short password refused and nothing changes")
    func adminPage() async throws {
        try await withApp { app in
            let admin = Actor(
                user: try #require(try await UserModel.find(username: "admin", on: app.db)), clientAddress: nil)
            let group = try await ContactGroupService(db: app.db).create(name: "Sales", kind: .standard, by: admin)
            let id = try group.requireID()
            let browser = Browser(app)
            try await browser.signIn("admin", TestEnvironment.adminPassword)
            #expect(
                try await browser.get(Paths.contactGroup.url(id)).body.string.contains("data-testid=\"directory-off\""))
            #expect(!(try await browser.get(Paths.contactGroups.path).body.string.contains("directory-published")))

            let short = try await browser.post(
                Paths.contactGroupDirectory.url(id),
                ["enabled": "yes", "directoryUsername": "desk", "directoryPassword": "short"])
            #expect(short.status == .unprocessableEntity)
            #expect(short.body.string.contains("A directory password needs at least 8 characters."))
            #expect(try await GroupDirectoryModel.query(on: app.db).count() == 0)

            let saved = try await browser.post(
                Paths.contactGroupDirectory.url(id),
                ["enabled": "yes", "directoryUsername": "desk", "directoryPassword": "long-enough-1"])
            #expect(saved.status == .seeOther)
            let page = try await browser.get(Paths.contactGroup.url(id)).body.string
            #expect(
                try await browser.get(Paths.contactGroups.path).body.string.contains(
                    "data-testid=\"directory-published\""))
            #expect(page.contains(Paths.directoryFileURL(id, .yealink)))
            #expect(page.contains(Paths.directoryFileURL(id, .grandstream)))
            let stored = try #require(try await GroupDirectoryModel.query(on: app.db).first())
            #expect(stored.passwordHash?.hasPrefix("$2") == true)
            #expect(stored.passwordHash?.contains("long-enough-1") == false)

            // changing the user name only keeps the password; switching off is audited too
            _ = try await browser.post(
                Paths.contactGroupDirectory.url(id), ["directoryUsername": "desk2", "directoryPassword": ""])
            let actions = try await AuditEventModel.query(on: app.db).sort(\.$occurredAt).all(\.$action)
                .filter { $0.hasPrefix("contact_group.directory") }
            #expect(
                actions == [
                    "contact_group.directory_credentials", "contact_group.directory_publish",
                    "contact_group.directory_credentials", "contact_group.directory_unpublish",
                ])
            let after = try #require(try await GroupDirectoryModel.query(on: app.db).first())
            #expect(after.passwordHash == stored.passwordHash)
            #expect(after.username == "desk2")
        }
    }

    @Test(
        "wrong passwords from one address are throttled, whichever group they try; a first try without credentials is not one"
    )
    func throttled() async throws {
        var config = TestEnvironment.config()
        config.throttle.maxFailuresPerAddress = 3
        try await withApp(config: config) { app in
            let world = try await DirectoryWorld.make(app)
            let office = Paths.directoryFileURL(world.office, .yealink)
            #expect(try await app.fetchDirectory(office, password: nil).status == .unauthorized)
            #expect(try await app.fetchDirectory(office, password: "guess-1").status == .unauthorized)
            #expect(try await app.fetchDirectory(Paths.directoryFileURL(UUID(), .snom)).status == .unauthorized)
            #expect(try await app.fetchDirectory(office).status == .ok)
            #expect(try await app.fetchDirectory(office, password: "guess-2").status == .unauthorized)
            // the right password no longer helps from this address
            let blocked = try await app.fetchDirectory(office)
            #expect(blocked.status == .tooManyRequests)
            #expect(Int(blocked.headers.first(name: .retryAfter) ?? "") ?? 0 > 0)
        }
    }

    @Test("subscribers cannot change a group's directory")
    func subscriberRefused() async throws {
        try await withApp { app in
            let admin = Actor(
                user: try #require(try await UserModel.find(username: "admin", on: app.db)), clientAddress: nil)
            let id = try await ContactGroupService(db: app.db).create(name: "Sales", kind: .standard, by: admin)
                .requireID()
            try await app.makeUser("sam")
            let browser = Browser(app)
            try await browser.signIn("sam", "password-123")
            let refused = try await browser.post(
                Paths.contactGroupDirectory.url(id), ["enabled": "yes", "directoryPassword": "long-enough-1"])
            #expect(refused.status == .forbidden)
            #expect(try await GroupDirectoryModel.query(on: app.db).count() == 0)
        }
    }
}

extension Application {
    var groupDirectories: GroupDirectoryService {
        GroupDirectoryService(
            db: db, hasher: passwordHashing, decoyDigest: signInDecoyDigest, verified: directoryCredentials)
    }
}
