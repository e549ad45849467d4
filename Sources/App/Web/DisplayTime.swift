import Foundation
import Vapor

/// How pages show times: in the office's time zone (`SWITCHBOARD_TIME_ZONE`) and the reader's language ("4 Dec 2026,
/// 23:00", "4 déc. 2026, 23:00"), with the instant in ISO 8601 for a `<time datetime>` element, which the page's script
/// shows in the browser's own zone.
struct DisplayTime: Encodable, Sendable {
    /// As the page shows it.
    let text: String
    /// ISO 8601 in UTC, for `datetime` (and for tests).
    let iso: String

    static func minute(_ date: Date, on req: Request) -> DisplayTime {
        DisplayTime(text: format(date, on: req, time: .short), iso: iso(date))
    }

    static func day(_ date: Date, on req: Request) -> DisplayTime {
        DisplayTime(text: format(date, on: req, time: .none), iso: iso(date))
    }

    private static func format(_ date: Date, on req: Request, time: DateFormatter.Style) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: req.language == .fr ? "fr_FR" : "en_GB")
        formatter.timeZone = req.application.config.timeZone
        formatter.dateStyle = .medium
        formatter.timeStyle = time
        return formatter.string(from: date)
    }

    private static func iso(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
