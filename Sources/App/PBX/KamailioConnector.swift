import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import Vapor

/// Click-to-dial through Kamailio: JSON-RPC 2.0 over HTTP to the `jsonrpcs` module (served by
/// `xhttp`), method `dlg.bridge_dlg from to [op]`. Kamailio rings `from` (the user's
/// extension), and once it answers REFERs it to `to` (the number as the PBX dials it).
struct KamailioConnector: PBXConnector {
    let url: String
    let sipDomain: String
    let outboundProxy: String?
    let timeout: TimeAmount
    let client: HTTPClient
    let logger: Logger

    init(settings: AppConfig.PBXSettings, client: HTTPClient, logger: Logger) {
        self.url = settings.kamailioURL
        self.sipDomain = settings.sipDomain
        self.outboundProxy = settings.kamailioOutboundProxy
        self.timeout = .milliseconds(Int64(settings.timeoutMilliseconds))
        self.client = client
        self.logger = logger
    }

    var placesRealCalls: Bool { true }

    /// The JSON-RPC call for a request: `["sip:201@domain", "sip:0123456789@domain", op?]`.
    func rpcBody(for request: OriginateRequest, id: Int) -> RPCRequest {
        var params = ["sip:\(request.fromExtension)@\(sipDomain)", "sip:\(request.dialed)@\(sipDomain)"]
        if let outboundProxy { params.append(outboundProxy) }
        return RPCRequest(method: "dlg.bridge_dlg", params: params, id: id)
    }

    func originate(_ request: OriginateRequest) async throws {
        let body = try JSONEncoder().encode(rpcBody(for: request, id: Int.random(in: 1...1_000_000)))
        var http = HTTPClientRequest(url: url)
        http.method = .POST
        http.headers.add(name: "Content-Type", value: "application/json")
        http.body = .bytes(ByteBuffer(bytes: body))
        let answer: ByteBuffer
        let status: HTTPResponseStatus
        do {
            let response = try await client.execute(http, timeout: timeout)
            status = response.status
            answer = try await response.body.collect(upTo: 1 << 20)
        } catch {
            logger.error("Kamailio at \(url) could not be reached: \(String(reflecting: error))")
            throw PBXError.unreachable(String(describing: error))
        }
        let reply = try? JSONDecoder().decode(RPCResponse.self, from: Data(buffer: answer))
        if let error = reply?.error {
            logger.warning(
                "Kamailio refused \(request.fromExtension) → \(request.dialed): \(error.code) \(error.message)")
            throw PBXError.refused("\(error.message) (\(error.code))")
        }
        guard status == .ok, reply != nil else {
            logger.error("Kamailio at \(url) answered HTTP \(status.code) without a JSON-RPC result")
            throw PBXError.refused("HTTP \(status.code) \(status.reasonPhrase)")
        }
        logger.info("Kamailio bridges \(request.fromExtension) → \(request.dialed) for \(request.username)")
    }

    struct RPCRequest: Codable, Equatable {
        var jsonrpc = "2.0"
        let method: String
        let params: [String]
        let id: Int
    }

    struct RPCResponse: Decodable {
        struct Failure: Decodable {
            let code: Int
            let message: String
        }
        let error: Failure?
    }
}
