import Vapor

extension Application {
    /// Starts this application's server on 127.0.0.1 at a port the kernel picks, so that no other
    /// socket can take the port between choosing it and binding it. An application that cannot
    /// start is shut down before the error goes on (Vapor traps on one left running).
    func startOnFreePort() async throws {
        do {
            try await server.start(address: .hostname("127.0.0.1", port: 0))
        } catch {
            await server.shutdown()
            try? await asyncShutdown()
            throw error
        }
    }

    /// The port the server started by `startOnFreePort` listens on.
    var listeningPort: Int { http.server.shared.localAddress?.port ?? 0 }
}
