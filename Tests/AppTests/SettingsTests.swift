import Foundation
import SwitchboardCore
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("My settings: profile, photo, password")
struct SettingsTests {
    private func signedIn(_ app: Application, _ username: String = "nina", live: Bool = false) async throws
        -> Browser
    {
        try await app.makeUser(username, phoneExtension: "210")
        let browser = Browser(app, live: live)
        try await browser.signIn(username, "password-123")
        try await browser.get(Paths.settings.path)
        return browser
    }

    @Test("a profile is saved trimmed, with the external number normalised")
    func saveProfile() async throws {
        try await withApp { app in
            let browser = try await signedIn(app)
            let saved = try await browser.post(
                Paths.settingsProfile.path,
                [
                    "displayName": " Nina Hagen ", "department": "Sales", "email": "nina@example.com",
                    "externalNumber": "+33 (0)1 23 45 67 89", "city": "Lyon", "street": "", "postalCode": "69001",
                    "region": "", "country": "France",
                ])
            #expect(saved.status == .seeOther)
            let user = try #require(try await UserModel.find(username: "nina", on: app.db))
            let profile = try await ProfileService(db: app.db, photoRules: PhotoRules()).profile(of: user)
            #expect(profile.displayName == "Nina Hagen")
            #expect(profile.externalNumber == "+33123456789")
            #expect(profile.street == nil)
            #expect(profile.city == "Lyon")
        }
    }

    @Test("a bad e-mail or number is answered next to the field and nothing is saved")
    func profileValidation() async throws {
        try await withApp { app in
            let browser = try await signedIn(app)
            let badEmail = try await browser.post(
                Paths.settingsProfile.path, ["displayName": "Nina", "email": "nina@", "city": "Paris"])
            #expect(badEmail.status == .unprocessableEntity)
            #expect(badEmail.body.string.contains("Enter an e-mail address such as name@example.com."))
            #expect(badEmail.body.string.contains("value=\"Paris\""))
            let badNumber = try await browser.post(
                Paths.settingsProfile.path, ["displayName": "Nina", "externalNumber": "call me"])
            #expect(badNumber.body.string.contains("Enter a phone number"))
            #expect(try await UserProfileModel.query(on: app.db).count() == 0)
        }
    }

    @Test("a PNG photo is accepted and served; a JPEG named .png and a tiny PNG are refused")
    func photo() async throws {
        try await withApp { app in
            let browser = try await signedIn(app)
            let png = try Application.fixture("avatar-128.png")
            let accepted = try await browser.upload(
                Paths.settingsPhoto.path, field: "photo", filename: "me.png", contentType: "image/png", data: png)
            #expect(accepted.status == .seeOther)
            let served = try await browser.get(Paths.settingsPhoto.path)
            #expect(served.headers.contentType == .png)
            #expect(Data(served.body.readableBytesView) == png)
            #expect(try await browser.get(Paths.settings.path).body.string.contains("data-testid=\"header-avatar\""))

            let jpeg = try await browser.upload(
                Paths.settingsPhoto.path, field: "photo", filename: "me.png", contentType: "image/png",
                data: try Application.fixture("photo-jpeg-named.png"))
            #expect(jpeg.status == .unprocessableEntity)
            #expect(jpeg.body.string.contains("The photo must be a PNG image"))
            let tiny = try await browser.upload(
                Paths.settingsPhoto.path, field: "photo", filename: "t.png", contentType: "image/png",
                data: try Application.fixture("tiny-16.png"))
            #expect(tiny.body.string.contains("The photo is 16×16 pixels"))
            // The refused uploads left the accepted photo in place.
            #expect(Data(try await browser.get(Paths.settingsPhoto.path).body.readableBytesView) == png)

            #expect(try await browser.post(Paths.settingsPhotoDelete.path, [:]).status == .seeOther)
            #expect(try await browser.get(Paths.settingsPhoto.path).status == .notFound)
        }
    }

    @Test("an upload over the limit gets a clear 413 and changes nothing")
    func oversizedUpload() async throws {
        try await withApp { app in
            let browser = try await signedIn(app, live: true)
            let response = try await browser.upload(
                Paths.settingsPhoto.path, field: "photo", filename: "big.png", contentType: "image/png",
                data: Data(count: 6 * 1024 * 1024))
            #expect(response.status == .payloadTooLarge)
            #expect(response.body.string.contains("The upload is too large."))
            #expect(try await UserPhotoModel.query(on: app.db).count() == 0)
        }
    }

    @Test("changing the password checks the current one and the policy, then signs out other sessions")
    func changePassword() async throws {
        try await withApp { app in
            let browser = try await signedIn(app)
            let other = Browser(app)
            try await other.signIn("nina", "password-123")
            let cases: [([String: String], String)] = [
                (["currentPassword": "wrong-password"], "The current password is wrong."),
                (["password": "short", "passwordConfirmation": "short"], "at least 10 characters"),
                (["password": "password-123", "passwordConfirmation": "password-123"], "must differ from the current"),
                (["passwordConfirmation": "different-456"], "The two passwords do not match."),
            ]
            for (override, message) in cases {
                var form = [
                    "currentPassword": "password-123", "password": "new-password-9",
                    "passwordConfirmation": "new-password-9",
                ]
                form.merge(override) { $1 }
                let refused = try await browser.post(Paths.settingsPassword.path, form)
                #expect(refused.status == .unprocessableEntity, "\(override)")
                #expect(refused.body.string.contains(message), "\(override)")
            }
            let changed = try await browser.post(
                Paths.settingsPassword.path,
                [
                    "currentPassword": "password-123", "password": "new-password-9",
                    "passwordConfirmation": "new-password-9",
                ])
            #expect(changed.status == .seeOther)
            #expect(try await browser.get(Paths.settings.path).status == .ok)
            #expect(try await other.get(Paths.settings.path).status == .seeOther)
            let events = try await AuditEventModel.query(on: app.db).all().map(\.action)
            #expect(events.contains(AuditAction.passwordChanged.rawValue))
        }
    }
}
