import Foundation

/// A day of the week, as the configuration writes it (`mon` … `sun`).
public enum Weekday: String, Sendable, CaseIterable, Comparable {
    case mon, tue, wed, thu, fri, sat, sun

    /// From `Calendar`'s weekday component (1 is Sunday).
    public init(calendarWeekday: Int) {
        self = [.sun, .mon, .tue, .wed, .thu, .fri, .sat][(calendarWeekday - 1 + 7) % 7]
    }

    public static func < (lhs: Weekday, rhs: Weekday) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// A time of day to the minute; `24:00` is the end of the day.
public struct TimeOfDay: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Minutes since midnight, 0…1440.
    public var minutes: Int

    public init(minutes: Int) { self.minutes = minutes }

    /// Parses `HH:MM` (00:00 … 24:00).
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[1].count == 2, (1...2).contains(parts[0].count),
              parts.allSatisfy({ $0.allSatisfy(\.isDecimalDigitASCII) }),
              let hours = Int(parts[0]), let minutes = Int(parts[1]),
              hours < 24 && minutes < 60 || hours == 24 && minutes == 0 else { return nil }
        self.minutes = hours * 60 + minutes
    }

    public var description: String { String(format: "%02d:%02d", minutes / 60, minutes % 60) }
    public static func < (lhs: TimeOfDay, rhs: TimeOfDay) -> Bool { lhs.minutes < rhs.minutes }
}

/// Opening hours within one day: from `start` (included) to `end` (excluded).
public struct TimeRange: Sendable, Hashable, CustomStringConvertible {
    public var start: TimeOfDay
    public var end: TimeOfDay

    public init(start: TimeOfDay, end: TimeOfDay) {
        self.start = start
        self.end = end
    }

    /// Parses `09:00-18:00`; the end must be after the start (split hours past midnight over two days).
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let start = TimeOfDay(parts[0]), let end = TimeOfDay(parts[1]), start < end else { return nil }
        self.init(start: start, end: end)
    }

    public func contains(_ time: TimeOfDay) -> Bool { start <= time && time < end }
    public var description: String { "\(start)-\(end)" }
}

/// A calendar date without a time (`2025-10-01`), compared in the schedule's time zone.
public struct LocalDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD`, checking that the day exists.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let components = DateComponents(year: year, month: month, day: day)
        guard let date = calendar.date(from: components),
              calendar.dateComponents([.year, .month, .day], from: date) == components else { return nil }
        self.init(year: year, month: month, day: day)
    }

    public var description: String { String(format: "%04d-%02d-%02d", year, month, day) }
    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool { (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day) }
}

/// Business hours: hours per weekday, holidays (closed all day), and make-up working days
/// (调休: weekend dates worked with Monday's hours), in one time zone.
public struct BusinessHours: Sendable, Equatable {
    public var timeZone: TimeZone
    public var weekly: [Weekday: [TimeRange]]
    public var holidays: Set<LocalDate>
    /// Dates open although their weekday is not (they use Monday's hours).
    public var workdays: Set<LocalDate>

    public init(timeZone: TimeZone = HotlineSettings.defaultTimeZone, weekly: [Weekday: [TimeRange]],
                holidays: Set<LocalDate> = [], workdays: Set<LocalDate> = []) {
        self.timeZone = timeZone
        self.weekly = weekly
        self.holidays = holidays
        self.workdays = workdays
    }

    /// Whether `date` falls within business hours.
    public func isOpen(at date: Date) -> Bool {
        let (day, weekday, time) = localTime(of: date)
        if holidays.contains(day) { return false }
        let ranges = workdays.contains(day) ? weekly[.mon] ?? [] : weekly[weekday] ?? []
        return ranges.contains { $0.contains(time) }
    }

    /// Whether `date` is on one of the holidays.
    public func isHoliday(_ date: Date) -> Bool {
        holidays.contains(localTime(of: date).day)
    }

    private func localTime(of date: Date) -> (day: LocalDate, weekday: Weekday, time: TimeOfDay) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .weekday, .hour, .minute], from: date)
        return (LocalDate(year: parts.year!, month: parts.month!, day: parts.day!),
                Weekday(calendarWeekday: parts.weekday!),
                TimeOfDay(minutes: parts.hour! * 60 + parts.minute!))
    }
}

/// `schedule`: branch on business hours. Open continues with the step's `next` (or the following step).
public struct ScheduleAction: Sendable, Equatable {
    public var hours: BusinessHours
    /// Where to go outside business hours; `nil` continues as if open.
    public var closed: String?
    /// Where to go on a holiday, when it differs from `closed`.
    public var holiday: String?

    public init(hours: BusinessHours, closed: String? = nil, holiday: String? = nil) {
        self.hours = hours
        self.closed = closed
        self.holiday = holiday
    }

    /// The step to branch to at `date`, or `nil` to continue (open).
    public func branch(at date: Date) -> String? {
        if let holiday, hours.isHoliday(date) { return holiday }
        return hours.isOpen(at: date) ? nil : closed
    }
}
