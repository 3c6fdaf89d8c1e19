/// An input the planning models cannot work with, said in words a planner can act on.
///
/// Every model checks its inputs and throws one of these instead of returning NaN
/// or an infinite value.
public enum PlanningError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A value outside the range the model accepts, e.g. negative traffic.
    case outOfRange(name: String, value: Double, expected: String)
    /// Erlang C needs more agents than erlangs of traffic, or the queue never empties.
    case unstableQueue(agents: Int, traffic: Double)
    /// No number of servers up to the search limit meets the target.
    case targetUnreachable(String)
    /// A malformed input file or value; `line` is 1-based when known.
    case invalidInput(source: String, line: Int?, message: String)

    public var description: String {
        switch self {
        case let .outOfRange(name, value, expected):
            return "\(name) \(Self.format(value)) is out of range: expected \(expected)"
        case let .unstableQueue(agents, traffic):
            return "\(agents) agents cannot serve \(Self.format(traffic)) erlangs: Erlang C needs more agents than erlangs of traffic (N > A), otherwise the queue grows without end"
        case let .targetUnreachable(message):
            return message
        case let .invalidInput(source, line, message):
            if let line { return "\(source):\(line): \(message)" }
            return "\(source): \(message)"
        }
    }

    private static func format(_ value: Double) -> String {
        value.isFinite ? String(format: "%g", value) : String(describing: value)
    }
}

/// Checks shared by the models.
enum Check {
    static func traffic(_ value: Double, name: String = "traffic") throws {
        guard value.isFinite, value >= 0 else {
            throw PlanningError.outOfRange(name: name, value: value, expected: "erlangs ≥ 0")
        }
    }

    static func probability(_ value: Double, name: String, open: Bool = true) throws {
        let ok = open ? (value > 0 && value < 1) : (value >= 0 && value <= 1)
        guard value.isFinite, ok else {
            throw PlanningError.outOfRange(
                name: name, value: value,
                expected: open ? "a fraction strictly between 0 and 1 (e.g. 0.01 for 1%)" : "a fraction from 0 to 1 (100%)")
        }
    }

    static func positive(_ value: Double, name: String) throws {
        guard value.isFinite, value > 0 else {
            throw PlanningError.outOfRange(name: name, value: value, expected: "a number > 0")
        }
    }

    static func nonNegative(_ value: Double, name: String) throws {
        guard value.isFinite, value >= 0 else {
            throw PlanningError.outOfRange(name: name, value: value, expected: "a number ≥ 0")
        }
    }

    static func servers(_ value: Int, name: String = "channels") throws {
        guard value >= 0, value <= ErlangB.maximumServers else {
            throw PlanningError.outOfRange(name: name, value: Double(value), expected: "0 to \(ErlangB.maximumServers)")
        }
    }
}
