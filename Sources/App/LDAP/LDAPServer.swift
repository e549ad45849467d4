import NIOCore
import NIOPosix
import NIOSSL
import SwitchboardCore
import Synchronization
import Vapor

/// The read-only LDAPv3 directory (RFC 4511) `serve` runs beside HTTP when `SWITCHBOARD_LDAP_PORT` is set: desk
/// phones and address-book clients bind as a published contact group (`cn=<group-slug>,<base>`) or a user
/// (`uid=<username>,<base>`) and search the contacts that identity may read. Messages are read and written with
/// swift-asn1 (`LDAPMessage.swift`); what is found is `LDAPDirectoryService`'s. One task per connection, requests
/// answered in order; a silent connection closes after the idle time, a malformed or oversized message closes its
/// connection, past `maximumConnections` new connections close at once.
final class LDAPServer: LifecycleHandler, Sendable {
    /// The largest message read (a search request with a long filter is a few hundred bytes).
    static let maximumMessageBytes = 64 * 1024
    /// How long one search may take at most, whatever the client's time limit.
    static let searchSecondsCap = 10

    private let state = Mutex<(channels: [any Channel], tasks: [Task<Void, Never>])>(([], []))
    private let connections = Atomic<Int>(0)

    func didBootAsync(_ application: Application) async throws {
        let command = application.environment.arguments.dropFirst().first
        guard command == nil || command == "serve" else { return }
        let settings = application.config.ldap
        let tls: NIOSSLContext? = try settings.tlsCertificate.map { certificate in
            var configuration = TLSConfiguration.makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(file: settings.tlsKey ?? "", format: .pem)))
            configuration.minimumTLSVersion = .tlsv12
            return try NIOSSLContext(configuration: configuration)
        }
        if let port = settings.port {
            try await listen(application, port: port, tlsFromStart: nil, startTLS: tls)
        }
        if let port = settings.tlsPort, let tls {
            try await listen(application, port: port, tlsFromStart: tls, startTLS: nil)
        }
    }

    /// One listener: plain LDAP (StartTLS offered when `startTLS` is set) or LDAPS (`tlsFromStart`).
    private func listen(_ application: Application, port: Int, tlsFromStart: NIOSSLContext?, startTLS: NIOSSLContext?)
        async throws
    {
        let settings = application.config.ldap
        let server = try await ServerBootstrap(group: application.eventLoopGroup)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.so_keepalive), value: 1)
            .bind(host: application.config.ldap.host ?? application.config.host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let gate = LDAPStartTLSGate(offered: startTLS != nil)
                    if let tlsFromStart {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tlsFromStart))
                    }
                    try channel.pipeline.syncOperations.addHandler(
                        IdleStateHandler(readTimeout: .seconds(Int64(settings.idleSeconds))))
                    try channel.pipeline.syncOperations.addHandler(LDAPIdleCloser())
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(
                            LDAPFrameDecoder(
                                maximumBytes: Self.maximumMessageBytes, gate: gate,
                                messageTime: .seconds(Int64(settings.idleSeconds)))))
                    return (try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel), gate)
                }
            }
        application.logger.notice(
            "LDAP directory on \(application.config.ldap.host ?? application.config.host):\(port)\(tlsFromStart == nil ? "" : " (LDAPS)"), base \(settings.baseDN)"
        )
        let limit = settings.maximumConnections
        let task = Task { [self] in
            await withDiscardingTaskGroup { group in
                do {
                    try await server.executeThenClose { inbound in
                        for try await (connection, gate) in inbound {
                            if self.connections.wrappingAdd(1, ordering: .relaxed).newValue > limit {
                                self.connections.wrappingSubtract(1, ordering: .relaxed)
                                try? await connection.channel.close()
                                continue
                            }
                            group.addTask {
                                await LDAPConnection(
                                    application: application, channel: connection, startTLS: startTLS, gate: gate,
                                    isTLS: tlsFromStart != nil
                                ).run()
                                self.connections.wrappingSubtract(1, ordering: .relaxed)
                            }
                        }
                    }
                } catch {
                    application.logger.debug("LDAP listener stopped: \(String(describing: error))")
                }
            }
        }
        state.withLock {
            $0.channels.append(server.channel)
            $0.tasks.append(task)
        }
    }

    func shutdownAsync(_ application: Application) async {
        let (channels, tasks) = state.withLock { $0 }
        for channel in channels { try? await channel.close() }
        for task in tasks {
            task.cancel()
            await task.value
        }
    }
}

/// One client's connection: its bound identity, its requests in order.
private struct LDAPConnection {
    let application: Application
    let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
    /// The certificate StartTLS switches to; `nil` where it is not offered.
    let startTLS: NIOSSLContext?
    let gate: LDAPStartTLSGate
    var isTLS: Bool

    var service: LDAPDirectoryService {
        LDAPDirectoryService(
            db: application.db, hasher: application.passwordHashing, throttle: application.loginThrottle,
            decoyDigest: application.signInDecoyDigest, verified: application.directoryCredentials,
            dialPlan: application.config.pbx.dialPlan, baseDN: LDAPName(application.config.ldap.baseDN)!,
            answers: application.ldapAnswers)
    }

    func run() async {
        // The services a connection calls record into this application's metrics (a user's refused bind is a sign-in
        // failure).
        let metrics = SwitchboardMetrics(registry: application.metrics)
        await SwitchboardMetrics.$current.withValue(metrics) { await serve(metrics) }
    }

    private func serve(_ metrics: SwitchboardMetrics) async {
        var isTLS = self.isTLS
        let clientAddress = channel.channel.remoteAddress?.ipAddress
        do {
            try await channel.executeThenClose { inbound, outbound in
                var identity: LDAPDirectoryService.Identity?
                // What the identity may read, checked again after `reachLifetime`.
                var reach: (LDAPDirectoryService.Reach, ContinuousClock.Instant)?
                for try await frame in inbound {
                    guard let request = try? LDAPRequest(ber: Array(frame.readableBytesView)[...]) else {
                        try await outbound.write(
                            buffer(
                                LDAPResponse.disconnection(.protocolError, message: "Malformed message.").ber(
                                    messageID: 0)))
                        return
                    }
                    let id = request.messageID
                    switch request.operation {
                    case .bind(let version, let name, let password):
                        identity = nil
                        reach = nil
                        guard version == 3 else {
                            try await outbound.write(
                                buffer(
                                    LDAPResponse.bindResult(.protocolError, message: "LDAPv3 only.").ber(messageID: id))
                            )
                            continue
                        }
                        guard
                            let outcome = try? await service.bind(
                                name: name, password: password, clientAddress: clientAddress)
                        else {
                            try await outbound.write(
                                buffer(LDAPResponse.bindResult(.busy, message: "Busy: try again.").ber(messageID: id)))
                            continue
                        }
                        switch outcome {
                        case .bound:
                            metrics.ldapBind(result: "success")
                        case .refused(let code, _):
                            metrics.ldapBind(result: String(describing: code))
                        }
                        switch outcome {
                        case .bound(let bound):
                            identity = bound
                            try await outbound.write(
                                buffer(LDAPResponse.bindResult(.success, message: "").ber(messageID: id)))
                        case .refused(let code, let message):
                            try await outbound.write(
                                buffer(LDAPResponse.bindResult(code, message: message).ber(messageID: id)))
                        }
                    case .unbind:
                        return
                    case .abandon:
                        // Requests are answered in order: by the time this is read, the search it names is done.
                        continue
                    case .search(let search):
                        var responses: [LDAPResponse]
                        let started = ContinuousClock.now
                        defer { Self.record(responses, since: started, into: metrics) }
                        do {
                            if let bound = identity,
                                reach.map({ ContinuousClock.now - $0.1 > LDAPDirectoryService.reachLifetime }) ?? true
                            {
                                reach = try await service.reach(of: bound).map { ($0, ContinuousClock.now) }
                                // The bind no longer holds: the connection is unbound.
                                if reach == nil { identity = nil }
                            }
                            responses = try await self.search(
                                search, controls: request.controls, reach: identity == nil ? nil : reach?.0,
                                isTLS: isTLS, metrics: metrics)
                        } catch {
                            responses = [.searchDone(.busy, message: "Busy: try again.", controls: [])]
                        }
                        // One write for the whole answer (a write per entry cost a system call each).
                        var answer = ByteBuffer()
                        for response in responses { answer.writeBytes(response.ber(messageID: id)) }
                        try await outbound.write(answer)
                    case .extended(let name) where name == LDAPRequest.startTLSOID:
                        guard let startTLS, !isTLS else {
                            let text =
                                isTLS ? "TLS is already on." : "StartTLS is not offered: no certificate is configured."
                            try await outbound.write(
                                buffer(
                                    LDAPResponse.extended(
                                        isTLS ? .operationsError : .protocolError, message: text, name: nil
                                    )
                                    .ber(messageID: id)))
                            continue
                        }
                        // The answer goes out in clear, then TLS starts: both in one turn of the connection's event
                        // loop, so the client's first TLS bytes meet the TLS handler (the client waits for the answer).
                        let answer = buffer(
                            LDAPResponse.extended(.success, message: "", name: LDAPRequest.startTLSOID).ber(
                                messageID: id))
                        let raw = channel.channel
                        let gate = self.gate
                        try await raw.eventLoop.flatSubmit {
                            raw.writeAndFlush(answer).flatMapThrowing {
                                try raw.pipeline.syncOperations.addHandler(
                                    NIOSSLServerHandler(context: startTLS), position: .first)
                                gate.waiting = false
                            }
                        }.get()
                        isTLS = true
                    case .extended:
                        try await outbound.write(
                            buffer(
                                LDAPResponse.extended(
                                    .protocolError, message: "Unsupported extended operation.", name: nil
                                )
                                .ber(messageID: id)))
                    case .other(let tag):
                        // Add, modify, delete, rename, compare: this directory is read-only.
                        let responseTag: UInt = tag == 14 ? 15 : tag + 1
                        try await outbound.write(
                            buffer(
                                LDAPResponse.result(
                                    tag: responseTag, .unwillingToPerform, message: "This directory is read-only."
                                )
                                .ber(messageID: id)))
                    }
                }
            }
        } catch {
            application.logger.debug("LDAP connection closed: \(String(describing: error))")
        }
    }

    /// A search answered: its result and entries (`SwitchboardMetrics.ldapSearch`).
    private static func record(
        _ responses: [LDAPResponse], since start: ContinuousClock.Instant, into metrics: SwitchboardMetrics
    ) {
        var result = "success"
        if case .searchDone(let code, _, _)? = responses.last { result = String(describing: code) }
        metrics.ldapSearch(result: result, entries: responses.count - 1, elapsed: ContinuousClock.now - start)
    }

    private func buffer(_ bytes: [UInt8]) -> ByteBuffer {
        ByteBuffer(bytes: bytes)
    }

    private func search(
        _ search: LDAPRequest.Search, controls: [LDAPRequest.Control], reach: LDAPDirectoryService.Reach?,
        isTLS: Bool, metrics: SwitchboardMetrics
    ) async throws -> [LDAPResponse] {
        // The root DSE: what a client reads before binding.
        if search.base.isEmpty, search.scope == .base {
            let entry = LDAPResponse.entry(
                dn: "",
                attributes: [
                    ("objectClass", ["top"]), ("namingContexts", [application.config.ldap.baseDN]),
                    ("supportedLDAPVersion", ["3"]), ("supportedControl", [LDAPRequest.pagedResultsOID]),
                    ("supportedExtension", startTLS == nil || isTLS ? [] : [LDAPRequest.startTLSOID]),
                    ("vendorName", ["Switchboard"]),
                ])
            return [entry, .searchDone(.success, message: "", controls: [])]
        }
        guard let reach else {
            return [.searchDone(.insufficientAccessRights, message: "Bind first.", controls: [])]
        }
        var paging: LDAPPagedResults?
        for control in controls {
            if control.type == LDAPRequest.pagedResultsOID {
                guard let value = control.value, let paged = try? LDAPPagedResults(ber: value) else {
                    return [.searchDone(.protocolError, message: "Malformed paged results control.", controls: [])]
                }
                paging = paged
            } else if control.critical {
                return [.searchDone(.unavailableCriticalExtension, message: "Unsupported control.", controls: [])]
            }
        }
        var cursor: ContactSearch.Cursor?
        if let paging, !paging.cookie.isEmpty {
            guard let token = String(validating: paging.cookie, as: UTF8.self),
                let resumed = ContactSearch.Cursor(token: token)
            else { return [.searchDone(.protocolError, message: "Unknown paging cookie.", controls: [])] }
            cursor = resumed
        }
        let cap = LDAPDirectoryService.sizeCap
        let sizeLimit = search.sizeLimit == 0 ? cap : min(search.sizeLimit, cap)
        let pageSize = paging.map { $0.size == 0 ? 0 : min($0.size, cap) }
        // A page size of 0 ends a paged search (RFC 2696).
        if pageSize == 0 {
            return [
                .searchDone(
                    .success, message: "",
                    controls: [
                        .init(
                            type: LDAPRequest.pagedResultsOID, critical: false,
                            value: LDAPPagedResults(size: 0, cookie: []).ber)
                    ])
            ]
        }
        let limit = pageSize ?? sizeLimit
        let seconds = min(
            search.timeLimit == 0 ? LDAPServer.searchSecondsCap : search.timeLimit, LDAPServer.searchSecondsCap)
        let found = try await service.search(
            search, reach: reach, limit: limit, after: cursor, deadline: .now + .seconds(seconds))
        metrics.ldapAnswer(fromMemory: found.fromMemory)
        if found.noSuchObject { return [.searchDone(.noSuchObject, message: "No such object.", controls: [])] }
        var responses = found.entries.map { LDAPResponse.encodedEntry($0) }
        let code: LDAPResponse.Code
        let message: String
        if found.timedOut {
            (code, message) = (.timeLimitExceeded, "Time limit exceeded.")
        } else if found.adminLimit {
            (code, message) = (.adminLimitExceeded, "Too many contacts examined: narrow the filter.")
        } else if found.truncated && paging == nil {
            (code, message) = (.sizeLimitExceeded, "Size limit exceeded.")
        } else {
            (code, message) = (.success, "")
        }
        if paging != nil {
            let cookie = found.next.map { Array($0.token.utf8) } ?? []
            responses.append(
                .searchDone(
                    code, message: message,
                    controls: [
                        .init(
                            type: LDAPRequest.pagedResultsOID, critical: false,
                            value: LDAPPagedResults(size: 0, cookie: cookie).ber)
                    ]))
        } else {
            responses.append(.searchDone(code, message: message, controls: []))
        }
        return responses
    }
}
