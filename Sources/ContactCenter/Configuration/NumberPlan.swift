/// A set of phone numbers or extensions: one, a list, or a numeric range of equal-length numbers.
public enum NumberSet: Sendable, Hashable, CustomStringConvertible {
    case list([String])
    /// Every number from `from` to `to` inclusive; both have the same number of digits.
    case range(from: String, to: String)

    public func contains(_ number: String) -> Bool {
        switch self {
        case .list(let numbers):
            return numbers.contains(number)
        case .range(let from, let to):
            return number.count == from.count && number.allSatisfy(\.isDecimalDigitASCII) && from <= number && number <= to
        }
    }

    /// How many numbers the set holds.
    public var count: Int {
        switch self {
        case .list(let numbers): return numbers.count
        case .range(let from, let to):
            guard let low = Int(from.suffix(18)), let high = Int(to.suffix(18)) else { return 0 }
            return high - low + 1
        }
    }

    /// The numbers both sets hold, if any; one example is enough to report an overlap.
    public func firstOverlap(with other: NumberSet) -> String? {
        switch (self, other) {
        case (.list(let numbers), _):
            return numbers.first(where: other.contains)
        case (_, .list(let numbers)):
            return numbers.first(where: contains)
        case (.range(let a, let b), .range(let c, let d)):
            guard a.count == c.count else { return nil }
            let low = max(a, c), high = min(b, d)
            return low <= high ? low : nil
        }
    }

    public var description: String {
        switch self {
        case .list(let numbers): return numbers.joined(separator: ", ")
        case .range(let from, let to): return "\(from)–\(to)"
        }
    }
}

/// Where a number or extension leads.
public enum NumberTarget: Sendable, Hashable {
    case flow(String)
    case queue(String)
    /// An agent, by extension.
    case agent(String)
    /// Virtual numbers only: the last `n` digits of the dialled number are an extension of the extension plan.
    case extensionFromLastDigits(Int)
}

/// One line of the number plan: numbers and where they lead.
public struct NumberMapping: Sendable, Equatable {
    public var numbers: NumberSet
    public var target: NumberTarget
    /// Where this is written in the configuration, for messages at run time.
    public var location: SourceLocation

    public init(numbers: NumberSet, target: NumberTarget, location: SourceLocation) {
        self.numbers = numbers
        self.target = target
        self.location = location
    }
}

/// Where a call ends up once the number plan is applied.
public enum Destination: Sendable, Hashable {
    case flow(String)
    case queue(String)
    /// An agent, by extension.
    case agent(String)
}

/// The `numbers` section: the 95 number and DIDs, the extension plan, and the virtual number pool.
public struct NumberPlan: Sendable, Equatable {
    /// The 95 number(s) and DIDs, each leading to a flow (or straight to a queue or agent).
    public var inbound: [NumberMapping]
    /// Extensions dialled inside a flow (after the 95 number), besides the agents' own extensions.
    public var extensions: [NumberMapping]
    /// Virtual numbers: DIDs, one by one or as ranges, fronting extensions, queues or flows.
    public var virtual: [NumberMapping]

    public init(inbound: [NumberMapping] = [], extensions: [NumberMapping] = [], virtual: [NumberMapping] = []) {
        self.inbound = inbound
        self.extensions = extensions
        self.virtual = virtual
    }
}

extension HotlineConfiguration {
    /// Where a call to `dialled` (the user part of the request URI) goes: the inbound numbers
    /// first, then the virtual pool. `nil` when the number is not ours (answer 404).
    public func destination(forDialled dialled: String) -> Destination? {
        for mapping in numbers.inbound + numbers.virtual where mapping.numbers.contains(dialled) {
            return resolve(mapping.target, dialled: dialled)
        }
        return nil
    }

    /// Where an extension entered in a flow (or dialled by an agent) goes: an agent's own
    /// extension, then the extension plan. `nil` for an unknown extension.
    public func destination(forExtension digits: String) -> Destination? {
        if agents.contains(where: { $0.extension == digits }) { return .agent(digits) }
        for mapping in numbers.extensions where mapping.numbers.contains(digits) {
            return resolve(mapping.target, dialled: digits)
        }
        return nil
    }

    private func resolve(_ target: NumberTarget, dialled: String) -> Destination? {
        switch target {
        case .flow(let name): return .flow(name)
        case .queue(let name): return .queue(name)
        case .agent(let number): return .agent(number)
        case .extensionFromLastDigits(let count):
            guard dialled.count >= count else { return nil }
            let digits = String(dialled.suffix(count))
            if agents.contains(where: { $0.extension == digits }) { return .agent(digits) }
            for mapping in numbers.extensions where mapping.numbers.contains(digits) {
                if case .extensionFromLastDigits = mapping.target { return nil }
                return resolve(mapping.target, dialled: digits)
            }
            return nil
        }
    }
}
