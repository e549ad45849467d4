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
        /// Contacts whose numbers match what is typed (two digits or more), each callable.
        let matches: [Match]
        /// Whether the number typed is long enough to look contacts up.
        let searched: Bool
    }

    struct Match: Encodable {
        let name: String
        let url: String
        let number: String
        let numberType: String
        let phone: Int
        let callAction: String
        let callLabel: String
    }

    static let matchLimit = 8

    static let keys: [Key] = [
        ("1", ""), ("2", "ABC"), ("3", "DEF"), ("4", "GHI"), ("5", "JKL"), ("6", "MNO"), ("7", "PQRS"),
        ("8", "TUV"), ("9", "WXYZ"), ("*", ""), ("0", "+"), ("#", ""),
    ].map { Key(digit: $0.0, letters: $0.1) }

    struct DialForm: Content {
        let number: String
    }

    /// The pad; `?number=` (what the page's script sends as digits are typed) lists the contacts it matches.
    func show(req: Request) async throws -> Response {
        try await render(
            req, actor: try req.actor(), number: (try? req.query.get(String.self, at: "number")) ?? "", error: nil)
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
        let digits = SearchFolding.digits(number)
        var matches: [Match] = []
        if digits.count >= 2, number.count <= 40, actor.user.phoneExtension != nil {
            let dialPlan = req.application.config.pbx.dialPlan
            // The list's number search, read through the dial plan ("04 78" finds "+33 4 78 …"), within the user's
            // rights; then names through the letters on the keys ("5646" finds John), when only keys were typed.
            var byNumber = ContactSearch(filters: [.number: number], limit: Self.matchLimit)
            byNumber.dialPlan = dialPlan
            let filter = dialPlan.numberFilter(number) ?? NumberFilter(anywhere: digits)
            // The number that matched, else the preferred dialable one, else the first dialable one.
            var found = try await req.contactService.search(byNumber, by: actor).contacts.map { contact in
                (contact, contact.phones.firstIndex { filter.matches($0.number) && $0.dialable != nil })
            }
            let typedKeys = number.allSatisfy { $0.isASCII && $0.isNumber || $0 == " " }
            if typedKeys, found.count < Self.matchLimit {
                var byName = ContactSearch(limit: Self.matchLimit)
                byName.keypad = digits
                let seen = Set(found.map(\.0.id))
                for contact in try await req.contactService.search(byName, by: actor).contacts
                where !seen.contains(contact.id) {
                    found.append((contact, nil))
                }
            }
            let callable = found.compactMap { contact, matched -> Match? in
                guard
                    let index = matched ?? contact.phones.firstIndex(where: { $0.preferred && $0.dialable != nil })
                        ?? contact.phones.firstIndex(where: { $0.dialable != nil })
                else { return nil }
                let phone = contact.phones[index]
                let shown = req.shownNumber(phone.number)
                return Match(
                    name: contact.displayName, url: Paths.contact.url(contact.id), number: shown,
                    numberType: req.text("phone_type.\(phone.type.rawValue)"), phone: index,
                    callAction: Paths.contactCall.url(contact.id),
                    callLabel: req.text("contacts.action_call", ["name": contact.displayName, "number": shown]))
            }
            matches = Array(callable.prefix(Self.matchLimit))
        }
        let page = Page(
            number: number, phoneExtension: actor.user.phoneExtension,
            placesRealCalls: req.application.pbx.placesRealCalls, keys: Self.keys, error: error, matches: matches,
            searched: digits.count >= 2)
        return try await req.render("dialpad", titleKey: "nav.dialpad", section: "dialpad", page, status: status)
    }
}
