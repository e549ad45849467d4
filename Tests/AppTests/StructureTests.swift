import Foundation
import Testing
import Vapor

@testable import App

/// `Paths` is the one list of the web interface's routes: every case is a registered route, and a URL made from a
/// case is the route that case registers.
@Suite("Paths: one typed list of routes")
struct PathsTests {
    @Test("every case of Paths is a registered route; every page route is a case of Paths")
    func everyCaseIsRegistered() async throws {
        try await withApp { app in
            let registered = Set(app.routes.all.map { "/" + $0.path.map(\.description).joined(separator: "/") })
            for route in Paths.allCases {
                #expect(registered.contains(route.rawValue), "\(route) is not registered")
            }
            // The other way round: what is not under the API is a case (the API's routes come from its document).
            let cases = Set(Paths.allCases.map(\.rawValue))
            let unlisted = registered.filter { !$0.hasPrefix("/api/v1/") && !cases.contains($0) }
            #expect(unlisted.isEmpty, "routes outside Paths: \(unlisted.sorted())")
        }
    }

    @Test("a URL fills the pattern's parameters in order; a fixed route is its pattern")
    func urls() {
        let id = UUID()
        #expect(Paths.contact.url(id) == "/contacts/\(id)")
        #expect(Paths.contactPhotoDelete.url(id) == "/contacts/\(id)/photo/delete")
        #expect(Paths.contacts.path == "/contacts")
        #expect(Paths.directoryFileURL(id, .yealink) == "/directory/\(id.uuidString.lowercased())/yealink.xml")
        #expect(Paths.directoryFileURL(id, .xml) == "/directory/\(id.uuidString.lowercased())/directory.xml")
        #expect(Paths.contactGroupRights.parameterCount == 1)
        #expect(Paths.directoryFile.parameterCount == 2)
        #expect(Paths.home.parameterCount == 0)
    }
}

@Suite("Migrations: ordered in one place")
struct MigrationOrderTests {
    @Test("numbered 1…n without gap or repeat, each migration once")
    func numbered() {
        let numbers = SwitchboardMigrations.numbered.map(\.number)
        #expect(numbers == Array(1...numbers.count))
        let names = SwitchboardMigrations.numbered.map(\.migration.name)
        #expect(Set(names).count == names.count)
    }

    @Test("every migration written in Sources/App is in the numbered list")
    func everyMigrationListed() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/App")
        let files = try #require(FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil))
        var declared: Set<String> = []
        for case let file as URL in files where file.pathExtension == "swift" {
            let text = try String(contentsOf: file, encoding: .utf8)
            for match in text.matches(of: /struct (\w+): (?:Async)?Migration\b/) { declared.insert("App." + match.1) }
        }
        #expect(declared.count >= 17)
        let listed = Set(SwitchboardMigrations.numbered.map(\.migration.name))
        #expect(declared.subtracting(listed).isEmpty, "not numbered: \(declared.subtracting(listed).sorted())")
    }
}
