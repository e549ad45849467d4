import Fluent
import SwitchboardCore
import Vapor

/// A user's own profile and photo.
struct ProfileService {
    let db: any Database
    let photoRules: PhotoRules

    func profile(of user: UserModel) async throws -> Profile {
        let stored = try await UserProfileModel.query(on: db).filter(\.$user.$id == user.requireID()).first()
        return Profile(
            displayName: user.displayName, department: stored?.department, email: stored?.email,
            street: stored?.street, postalCode: stored?.postalCode, city: stored?.city, region: stored?.region,
            country: stored?.country, externalNumber: stored?.externalNumber)
    }

    func update(_ input: Profile, by actor: Actor) async throws -> Profile {
        let profile = try rule { try ProfileRules.normalized(input) }
        let userID = try actor.user.requireID()
        try await db.writeTransaction { db in
            let stored =
                try await UserProfileModel.query(on: db).filter(\.$user.$id == userID).first()
                ?? UserProfileModel(userID: userID)
            stored.department = profile.department
            stored.email = profile.email
            stored.street = profile.street
            stored.postalCode = profile.postalCode
            stored.city = profile.city
            stored.region = profile.region
            stored.country = profile.country
            stored.externalNumber = profile.externalNumber
            try await stored.save(on: db)
            actor.user.displayName = profile.displayName
            try await actor.user.save(on: db)
        }
        return profile
    }

    func photo(of userID: UUID) async throws -> UserPhotoModel? {
        try await UserPhotoModel.query(on: db).filter(\.$user.$id == userID).first()
    }

    func hasPhoto(_ userID: UUID) async throws -> Bool {
        try await UserPhotoModel.query(on: db).filter(\.$user.$id == userID).count() > 0
    }

    func setPhoto(_ data: Data, by actor: Actor) async throws {
        let size = try rule { try photoRules.check(data) }
        let userID = try actor.user.requireID()
        try await db.writeTransaction { db in
            try await UserPhotoModel.query(on: db).filter(\.$user.$id == userID).delete()
            try await UserPhotoModel(userID: userID, png: data, width: size.width, height: size.height).create(on: db)
        }
    }

    func removePhoto(by actor: Actor) async throws {
        try await UserPhotoModel.query(on: db).filter(\.$user.$id == actor.user.requireID()).delete()
    }
}
