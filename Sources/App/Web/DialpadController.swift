import SwitchboardCore
import Vapor

/// "Le pavé numérique": dial any number from the user's own extension through the PBX.
struct DialpadController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(Paths.dialpad.pathComponents, use: show)
        routes.post(Paths.dialpad.pathComponents, use: dial)
    }

    struct Key: Encodable {
        let digit: String
        let letters: String
    }

    struct Page: Encodable {
        let number: String
        let phoneExtension: String?
        let placesRealCalls: Bool
        let keys: [Key]
        let error: String?
    }

    static let keys: [Key] = [
        ("1", ""), ("2", "ABC"), ("3", "DEF"), ("4", "GHI"), ("5", "JKL"), ("6", "MNO"), ("7", "PQRS"),
        ("8", "TUV"), ("9", "WXYZ"), ("*", ""), ("0", ""), ("#", ""), ("+", ""),
    ].map { Key(digit: $0.0, letters: $0.1) }

    struct DialForm: Content {
        let number: String
    }

    func show(req: Request) async throws -> Response {
        try await render(req, actor: try req.actor(), number: "", error: nil)
    }

    func dial(req: Request) async throws -> Response {
        let actor = try req.actor()
        let form = try req.content.decode(DialForm.self)
        do {
            let number = try await req.callService.dial(form.number, by: actor)
            let key = req.application.pbx.placesRealCalls ? "dialpad.calling" : "dialpad.recorded"
            LayoutContext.Flash.put(
                "success", key, ["number": number, "extension": actor.user.phoneExtension ?? ""], on: req)
            return req.redirect(to: Paths.dialpad.path)
        } catch let error as SwitchboardError where error.status != .forbidden {
            return try await render(
                req, actor: actor, number: form.number, error: req.message(for: error),
                status: error.status)
        }
    }

    private func render(
        _ req: Request, actor: Actor, number: String, error: String?, status: HTTPStatus = .ok
    ) async throws -> Response {
        let page = Page(
            number: number, phoneExtension: actor.user.phoneExtension,
            placesRealCalls: req.application.pbx.placesRealCalls, keys: Self.keys, error: error)
        return try await req.render("dialpad", titleKey: "nav.dialpad", section: "dialpad", page, status: status)
    }
}
