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
        DisplayTime(text: format(date, on: req, time: .shortened), iso: iso(date))
    }

    static func day(_ date: Date, on req: Request) -> DisplayTime {
        DisplayTime(text: format(date, on: req, time: .omitted), iso: iso(date))
    }

    /// A format style, not a `DateFormatter` per row: the audit page shows hundreds of times.
    private static func format(_ date: Date, on req: Request, time: Date.FormatStyle.TimeStyle) -> String {
        date.formatted(
            Date.FormatStyle(
                date: .abbreviated, time: time, locale: Locale(identifier: req.language == .fr ? "fr_FR" : "en_GB"),
                timeZone: req.application.config.timeZone))
    }

    private static func iso(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
