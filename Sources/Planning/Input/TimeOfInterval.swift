import Foundation

/// Reads interval starts and timestamps as they appear in forecasts and CDR exports.
public enum TimeParsing {
    /// Minutes from a fixed origin for `HH:MM`, `Mon 08:00` (minute of week) or
    /// `YYYY-MM-DD[ T]HH:MM[:SS]` (minutes since 1970, UTC), so that consecutive
    /// rows of one file can be subtracted. `nil` when the text is none of these.
    public static func minutes(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let date = timestamp(trimmed) { return date.timeIntervalSince1970 / 60 }
        let parts = trimmed.split(separator: " ")
        if parts.count == 2, let day = weekdays.firstIndex(of: parts[0].lowercased().prefix(3).description),
           let clock = clockMinutes(String(parts[1])) {
            return Double(day * 1440) + clock
        }
        if parts.count == 1, let clock = clockMinutes(trimmed) { return clock }
        return nil
    }

    /// A timestamp `YYYY-MM-DD HH:MM[:SS]`, with `T` or a space, optionally ending in `Z`;
    /// read as UTC. Also accepts seconds since 1970 as a number.
    public static func timestamp(_ text: String) -> Date? {
        var s = text.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(s), s.count > 6 { return Date(timeIntervalSince1970: seconds) }
        if s.hasSuffix("Z") { s.removeLast() }
        let halves = s.split(whereSeparator: { $0 == "T" || $0 == " " })
        guard halves.count == 1 || halves.count == 2 else { return nil }
        let date = halves[0].split(separator: "-").compactMap { Int($0) }
        guard date.count == 3, halves[0].count == 10 else { return nil }
        var hour = 0, minute = 0
        var second = 0.0
        if halves.count == 2 {
            let time = halves[1].split(separator: ":")
            guard time.count >= 2, time.count <= 3, let h = Int(time[0]), let m = Int(time[1]),
                  (0..<24).contains(h), (0..<60).contains(m) else { return nil }
            hour = h; minute = m
            if time.count == 3 {
                guard let sec = Double(time[2]), sec >= 0, sec < 61 else { return nil }
                second = sec
            }
        }
        guard (1...12).contains(date[1]), (1...31).contains(date[2]) else { return nil }
        let days = daysFromCivil(year: date[0], month: date[1], day: date[2])
        return Date(timeIntervalSince1970: Double(days) * 86_400 + Double(hour * 3600 + minute * 60) + second)
    }

    /// Formats a date as `YYYY-MM-DD HH:MM` in UTC.
    public static func format(_ date: Date) -> String {
        let total = Int((date.timeIntervalSince1970).rounded(.down))
        let days = Int((Double(total) / 86_400).rounded(.down))
        let rest = total - days * 86_400
        let (y, m, d) = civilFromDays(days)
        return String(format: "%04d-%02d-%02d %02d:%02d", y, m, d, rest / 3600, (rest % 3600) / 60)
    }

    static let weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    static func clockMinutes(_ text: String) -> Double? {
        let parts = text.split(separator: ":")
        guard parts.count == 2 || parts.count == 3, let h = Int(parts[0]), let m = Int(parts[1]),
              (0...24).contains(h), (0..<60).contains(m) else { return nil }
        return Double(h * 60 + m)
    }

    // Howard Hinnant's days-from-civil algorithm (proleptic Gregorian calendar).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
