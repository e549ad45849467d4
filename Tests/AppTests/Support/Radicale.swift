import Foundation
import NIOCore
import Vapor

#if canImport(Glibc)
    import Glibc
#endif

/// A real Radicale (Debian `radicale`) on a free 127.0.0.1 port, with a temporary storage folder
/// and one user in a plain htpasswd file, for the CardDAV tests. `scripts/install-deps.sh test`
/// installs it, so `make test` always runs them.
final class Radicale: @unchecked Sendable {
    static let binary = "/usr/bin/radicale"
    static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: binary) }

    let user = "alice"
    let password = "alice-secret-1"
    let port: Int
    let folder: URL
    private let process: Process
    private let http: HTTPClient

    var origin: String { "http://127.0.0.1:\(port)" }
    func bookURL(_ name: String = "book") -> String { "\(origin)/\(user)/\(name)/" }

    /// Starts Radicale; a port someone else took in the meantime gets another try on another port.
    init() async throws {
        let http = HTTPClient()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("radicale-\(UUID().uuidString)")
        self.http = http
        self.folder = folder
        do {
            (port, process) = try await Self.start(in: folder, user: "\(user):\(password)\n", http: http)
        } catch {
            // An HTTP client left running traps when it goes away.
            try? await http.shutdown()
            try? FileManager.default.removeItem(at: folder)
            throw error
        }
    }

    private static func start(in folder: URL, user: String, http: HTTPClient) async throws -> (Int, Process) {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try user.write(to: folder.appendingPathComponent("users"), atomically: true, encoding: .utf8)
        for _ in 1...3 {
            let port = try freePort()
            let process = try launch(in: folder, port: port)
            if await answers(process: process, origin: "http://127.0.0.1:\(port)", http: http) {
                return (port, process)
            }
            await stop(process)
        }
        let log = (try? String(contentsOf: folder.appendingPathComponent("radicale.log"), encoding: .utf8)) ?? ""
        throw Failure(description: "Radicale did not start: " + log)
    }

    private static func launch(in folder: URL, port: Int) throws -> Process {
        let config = """
            [server]
            hosts = 127.0.0.1:\(port)
            max_content_length = 500000000
            [auth]
            type = htpasswd
            htpasswd_filename = \(folder.path)/users
            htpasswd_encryption = plain
            [storage]
            filesystem_folder = \(folder.path)/collections
            [rights]
            type = owner_only
            [logging]
            level = warning
            """
        try config.write(to: folder.appendingPathComponent("config"), atomically: true, encoding: .utf8)
        let process = Process()
        // Debian's python3, not whatever python3 comes first on PATH.
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [binary, "--config", folder.appendingPathComponent("config").path]
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        let log = folder.appendingPathComponent("radicale.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
        return process
    }

    /// Waits up to 20 s for Radicale to answer; `false` when it exited or stayed silent.
    private static func answers(process: Process, origin: String, http: HTTPClient) async -> Bool {
        for _ in 0..<200 where process.isRunning {
            if let request = try? HTTPClient.Request(url: origin + "/.web/", headers: ["Connection": "close"]) {
                let deadline = NIODeadline.now() + TimeAmount.seconds(5)
                let answer = try? await http.execute(request: request, deadline: deadline).get()
                if answer != nil { return true }
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Stops the server (SIGTERM, then SIGKILL after 3 s) without blocking a thread of the test pool.
    func stop() async {
        await Self.stop(process)
    }

    private static func stop(_ process: Process) async {
        guard process.isRunning else { return }
        process.terminate()
        for _ in 0..<30 where process.isRunning { try? await Task.sleep(for: .milliseconds(100)) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    func shutdown() async {
        try? await http.shutdown()
        await stop()
        try? FileManager.default.removeItem(at: folder)
    }

    // MARK: changing the address book, as another CardDAV client would

    static func card(_ uid: String, name: String, phone: String = "+33 1 23 45 67 89") -> String {
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:\(uid)\r\nFN:\(name)\r\nN:\(name);;;;\r\nTEL;TYPE=WORK:\(phone)\r\n"
            + "EMAIL;TYPE=WORK:\(uid)@example.com\r\nEND:VCARD\r\n"
    }

    /// Creates (or replaces) a whole address book in one PUT, each card stored as `<uid>.vcf`.
    func putBook(_ name: String = "book", cards: [String]) async throws {
        let status = try await send(.PUT, bookURL(name), body: cards.joined(), contentType: "text/vcard")
        guard status == 201 else { throw Failure(description: "PUT book: HTTP \(status)") }
    }

    func putCard(_ uid: String, _ vcard: String, book: String = "book") async throws {
        let status = try await send(.PUT, bookURL(book) + "\(uid).vcf", body: vcard, contentType: "text/vcard")
        guard status == 201 || status == 204 else { throw Failure(description: "PUT card: HTTP \(status)") }
    }

    func deleteCard(_ uid: String, book: String = "book") async throws {
        let status = try await send(.DELETE, bookURL(book) + "\(uid).vcf")
        guard status == 200 || status == 204 else { throw Failure(description: "DELETE card: HTTP \(status)") }
    }

    @discardableResult
    private func send(_ method: HTTPMethod, _ url: String, body: String? = nil, contentType: String? = nil)
        async throws -> Int
    {
        // Radicale waits for open connections when it stops: never leave one idle.
        var headers: HTTPHeaders = ["Connection": "close"]
        headers.add(name: "Authorization", value: "Basic " + Data("\(user):\(password)".utf8).base64EncodedString())
        if let contentType { headers.add(name: "Content-Type", value: contentType) }
        let request = try HTTPClient.Request(url: url, method: method, headers: headers, body: body.map { .string($0) })
        return Int(try await http.execute(request: request).get().status.code)
    }

    /// A port nobody listens on right now, taken below Linux's ephemeral range (32768+) so that no
    /// outgoing connection — the tests open many, to PostgreSQL among others — can be given it
    /// before Radicale binds it.
    static func freePort() throws -> Int {
        for _ in 0..<100 {
            let port = Int.random(in: 10_000..<25_000)
            if portIsFree(port) { return port }
        }
        throw Failure(description: "no free port")
    }

    private static func portIsFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
