import Fluent
import Foundation

/// A user's own profile (the "Profil" section of the settings).
final class UserProfileModel: Model, @unchecked Sendable {
    static let schema = "user_profiles"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    // data fields
    @OptionalField(key: "department") var department: String?
    @OptionalField(key: "email") var email: String?
    @OptionalField(key: "street") var street: String?
    @OptionalField(key: "postal_code") var postalCode: String?
    @OptionalField(key: "city") var city: String?
    @OptionalField(key: "region") var region: String?
    @OptionalField(key: "country") var country: String?
    /// The user's number outside the company, normalised like contact numbers.
    @OptionalField(key: "external_number") var externalNumber: String?

    // relationships
    @Parent(key: "user_id") var user: UserModel

    init() {}

    init(userID: UUID) {
        self.$user.id = userID
    }
}

/// A user's photo, PNG only, apart from the profile so lists never load image bytes.
final class UserPhotoModel: Model, @unchecked Sendable {
    static let schema = "user_photos"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    // data fields
    @Field(key: "png") var png: Data
    @Field(key: "width") var width: Int
    @Field(key: "height") var height: Int

    // relationships
    @Parent(key: "user_id") var user: UserModel

    init() {}

    init(userID: UUID, png: Data, width: Int, height: Int) {
        self.$user.id = userID
        self.png = png
        self.width = width
        self.height = height
    }
}
