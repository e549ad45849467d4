import Foundation

/// How pages show times: ISO 8601, UTC, readable in both languages.
enum DisplayTime {
    static func day(_ date: Date) -> String { format(date, "yyyy-MM-dd") }
    static func minute(_ date: Date) -> String { format(date, "yyyy-MM-dd HH:mm") }

    private static func format(_ date: Date, _ pattern: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = pattern
        return formatter.string(from: date)
    }
}
