import Foundation
import OpenAPIRuntime
import Vapor

/// `/api/v1/pbx/*`: asked by the telephone system with a PBX token (checked by
/// `APITokenAuthenticator`); no user is signed in. Over HTTP these paths are answered by
/// `PBXCallTimeRoutes` (plain Vapor routes, cheaper per call); these typed handlers give the same
/// answers and `PBXContractTests` holds the two together.
extension APIHandler {
    func pbxRoute(_ input: Operations.PbxRoute.Input) async throws -> Operations.PbxRoute.Output {
        let request = try APIRequestContext.current()
        try request.requirePBXCaller()
        let route = try await request.pbxService.route(
            callee: input.query.callee, caller: input.query.caller, origin: input.query.origin?.rawValue)
        return .ok(.init(body: .json(.init(route))))
    }

    func pbxLookup(_ input: Operations.PbxLookup.Input) async throws -> Operations.PbxLookup.Output {
        let request = try APIRequestContext.current()
        try request.requirePBXCaller()
        guard let found = try await request.pbxService.lookup(input.query.number) else {
            throw SwitchboardError.notFound
        }
        return .ok(
            .init(
                body: .json(
                    .init(
                        number: found.number, name: found.name,
                        match: .init(rawValue: found.match) ?? .exact,
                        source: .init(rawValue: found.source) ?? .contact))))
    }
}

extension Components.Schemas.PBXRoute {
    init(_ route: PBXService.Route) {
        self.init(
            action: .init(rawValue: route.action) ?? .ring, callee: route.callee, calleeUri: route.calleeUri,
            origin: .init(rawValue: route.origin) ?? .external, rings: route.rings, ringSeconds: route.ringSeconds,
            destination: route.destination.map {
                .init(kind: .init(rawValue: $0.kind) ?? ._extension, number: $0.number, uri: $0.uri)
            },
            diversion: route.diversion)
    }
}
