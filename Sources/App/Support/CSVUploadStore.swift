import Foundation
import Vapor

/// Uploaded CSV files between the upload and the confirmed import, as files in a private temporary folder named
/// by a random id (kept in the session), so that nobody uploads twice and no session row holds megabytes.
/// Files older than `lifetime` are removed whenever a new one is saved.
struct CSVUploadStore: Sendable {
    let directory: URL
    var lifetime: TimeInterval = 3600

    init(directory: URL = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-csv-uploads")) {
        self.directory = directory
    }

    func save(_ data: Data) throws -> String {
        try FileManager.default.createDirectory(
            at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        removeExpired()
        let id = UUID().uuidString
        try data.write(to: url(id), options: .atomic)
        return id
    }

    func load(_ id: String) -> Data? {
        guard UUID(uuidString: id) != nil else { return nil }
        return try? Data(contentsOf: url(id), options: .alwaysMapped)
    }

    func remove(_ id: String) {
        guard UUID(uuidString: id) != nil else { return }
        try? FileManager.default.removeItem(at: url(id))
    }

    private func url(_ id: String) -> URL { directory.appendingPathComponent("\(id).csv") }

    private func removeExpired() {
        let files =
            (try? FileManager.default.contentsOfDirectory(
                at: directory, includingPropertiesForKeys: [.contentModificationDateKey])) ?? []
        let limit = Date().addingTimeInterval(-lifetime)
        for file in files {
            let modified = try? file.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate
            if let modified, modified < limit { try? FileManager.default.removeItem(at: file) }
        }
    }
}

extension Application {
    private struct CSVUploadsKey: StorageKey {
        typealias Value = CSVUploadStore
    }

    var csvUploads: CSVUploadStore {
        get { storage[CSVUploadsKey.self] ?? CSVUploadStore() }
        set { storage[CSVUploadsKey.self] = newValue }
    }
}
