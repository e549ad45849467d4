import Foundation
import SwitchboardCore
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("User administration pages")
struct UserAdministrationTests {
    @Test("an admin creates a subscriber who can then sign in but not reach admin pages")
    func createSubscriber() async throws {
        try await withApp { app in
            // given
            let admin = Browser(app)
            try await admin.signIn("admin", TestEnvironment.adminPassword)
            try await admin.get(Paths.newUser.path)
            // when
            let created = try await admin.post(
                Paths.users.path,
                [
                    "username": "Marie.Curie", "displayName": "Marie Curie", "role": "subscriber",
                    "phoneExtension": "201", "password": "radium-1898", "passwordConfirmation": "radium-1898",
                ])
            // then
            #expect(created.status == .seeOther)
            let list = try await admin.get(Paths.users.path)
            #expect(list.body.string.contains("marie.curie"))
            let marie = Browser(app)
            marie.acceptLanguage = "fr-FR,fr;q=0.9"
            #expect(try await marie.signIn("marie.curie", "radium-1898").status == .seeOther)
            let forbidden = try await marie.get(Paths.users.path)
            #expect(forbidden.status == .forbidden)
            #expect(forbidden.body.string.contains("Vous n’avez pas l’autorisation"))
            #expect(!(try await marie.get(Paths.contacts.path)).body.string.contains(Paths.users.path))
        }
    }

    @Test("bad input is answered next to the field and creates nothing")
    func validation() async throws {
        try await withApp { app in
            let admin = Browser(app)
            try await admin.signIn("admin", TestEnvironment.adminPassword)
            try await app.makeUser("bob", phoneExtension: "300")
            try await admin.get(Paths.newUser.path)
            let cases: [([String: String], String)] = [
                (["username": "a"], "Use 2 to 64 lower-case letters"),
                (["username": "bob"], "This username is already taken."),
                (["phoneExtension": "12a"], "An extension has 2 to 8 digits."),
                (["phoneExtension": "300"], "This extension already belongs to another user."),
                (["password": "short", "passwordConfirmation": "short"], "at least 10 characters"),
                (["passwordConfirmation": "different-123"], "The two passwords do not match."),
            ]
            for (override, message) in cases {
                var form = [
                    "username": "carol", "displayName": "Carol", "role": "subscriber", "phoneExtension": "301",
                    "password": "password-123", "passwordConfirmation": "password-123",
                ]
                form.merge(override) { $1 }
                let response = try await admin.post(Paths.users.path, form)
                #expect(response.status.code >= 400, "\(override)")
                #expect(response.body.string.contains(message), "\(override)")
            }
            #expect(try await UserModel.find(username: "carol", on: app.db) == nil)
        }
    }

    @Test("a sub-admin manages subscribers but neither admins nor the admin role")
    func subAdminLimits() async throws {
        try await withApp { app in
            let admin = try #require(try await UserModel.find(username: "admin", on: app.db))
            let subscriber = try await app.makeUser("sam")
            try await app.makeUser("sue", role: .subAdmin)
            let browser = Browser(app)
            try await browser.signIn("sue", "password-123")
            #expect(try await browser.get(Paths.user.url(try admin.requireID())).status == .forbidden)
            let page = try await browser.get(Paths.user.url(try subscriber.requireID()))
            #expect(page.status == .ok)
            #expect(!page.body.string.contains("value=\"admin\""))
            let promote = try await browser.post(
                Paths.user.url(try subscriber.requireID()),
                ["displayName": "Sam", "role": "admin", "phoneExtension": ""])
            #expect(promote.status == .forbidden)
            #expect(try await UserModel.find(subscriber.requireID(), on: app.db)?.role == .subscriber)
            #expect(try await browser.get(Paths.audit.path).status == .forbidden)
        }
    }

    @Test("the last admin can be neither demoted nor deleted")
    func lastAdmin() async throws {
        try await withApp { app in
            let admin = try #require(try await UserModel.find(username: "admin", on: app.db))
            let other = try await app.makeUser("root2", role: .admin)
            let browser = Browser(app)
            try await browser.signIn("root2", "password-123")
            try await browser.get(Paths.user.url(try admin.requireID()))
            // Deleting the other admin works while two exist…
            let deleted = try await browser.post(Paths.userDelete.url(try admin.requireID()), ["confirm": "yes"])
            #expect(deleted.status == .seeOther)
            // …then root2 is the last one and cannot demote itself.
            try await browser.get(Paths.user.url(try other.requireID()))
            let demote = try await browser.post(
                Paths.user.url(try other.requireID()),
                ["displayName": "Root", "role": "subscriber", "phoneExtension": ""])
            #expect(demote.status == .unprocessableEntity)
            #expect(demote.body.string.contains("This is the last admin"))
            #expect(try await UserModel.adminCount(on: app.db) == 1)
        }
    }

    @Test("a password reset signs the user out of every session")
    func resetSignsOut() async throws {
        try await withApp { app in
            let user = try await app.makeUser("dave")
            let dave = Browser(app)
            try await dave.signIn("dave", "password-123")
            #expect(try await dave.get(Paths.settings.path).status == .ok)
            let admin = Browser(app)
            try await admin.signIn("admin", TestEnvironment.adminPassword)
            try await admin.get(Paths.user.url(try user.requireID()))
            let reset = try await admin.post(
                Paths.userPassword.url(try user.requireID()),
                ["password": "new-password-1", "passwordConfirmation": "new-password-1"])
            #expect(reset.status == .seeOther)
            #expect(try await dave.get(Paths.settings.path).status == .seeOther)
            #expect(try await Browser(app).signIn("dave", "new-password-1").status == .seeOther)
        }
    }

    @Test("preferences are saved and applied: language and theme")
    func preferences() async throws {
        try await withApp { app in
            let browser = Browser(app)
            try await browser.signIn("admin", TestEnvironment.adminPassword)
            try await browser.get(Paths.settings.path)
            let saved = try await browser.post(Paths.settingsPreferences.path, ["language": "fr", "theme": "dark"])
            #expect(saved.status == .seeOther)
            let page = try await browser.get(Paths.settings.path)
            #expect(page.body.string.contains("<html lang=\"fr\" data-theme=\"dark\">"))
            #expect(page.body.string.contains("Préférences enregistrées."))
        }
    }
}
