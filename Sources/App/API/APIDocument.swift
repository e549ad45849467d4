import Foundation

/// `openapi.yaml` as shipped with the executable: served at `/api/openapi.yaml`, and read once at start by the API's
/// request checks (`APINullPropertyMiddleware`).
enum APIDocument {
    static func data() throws -> Data {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml") else {
            throw SwitchboardError.notFound
        }
        return try Data(contentsOf: url)
    }

    static func text() throws -> String { String(decoding: try data(), as: UTF8.self) }
}
