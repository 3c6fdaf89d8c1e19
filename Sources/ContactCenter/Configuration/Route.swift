import Foundation

/// The facts about a call that route rules look at.
public struct CallFacts: Sendable, Equatable {
    /// The caller's number (user part of the From URI, or P-Asserted-Identity when trusted).
    public var caller: String
    /// The host of the From URI (`enterprise.com`).
    public var fromDomain: String
    /// The number dialled (user part of the request URI).
    public var dialled: String

    public init(caller: String, fromDomain: String = "", dialled: String = "") {
        self.caller = caller
        self.fromDomain = fromDomain
        self.dialled = dialled
    }
}

/// A regular expression kept with its source text (an `NSRegularExpression` is immutable and thread-safe).
public struct RegexPattern: @unchecked Sendable, Hashable, CustomStringConvertible {
    public let pattern: String
    private let regex: NSRegularExpression

    /// Compiles `pattern`; throws when it is not a valid regular expression.
    public init(_ pattern: String) throws {
        self.pattern = pattern
        self.regex = try NSRegularExpression(pattern: pattern)
    }

    /// Whether the pattern matches anywhere in `text` (anchor it with `^…$` to match the whole).
    public func matches(_ text: String) -> Bool {
        regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    public var description: String { pattern }
    public static func == (lhs: RegexPattern, rhs: RegexPattern) -> Bool { lhs.pattern == rhs.pattern }
    public func hash(into hasher: inout Hasher) { hasher.combine(pattern) }
}

/// One test of a route rule.
public enum RouteCondition: Sendable, Hashable {
    /// The caller's number starts with one of these.
    case callerPrefix([String])
    /// The caller's number matches this regular expression.
    case callerRegex(RegexPattern)
    /// The caller's number is in this named list.
    case callerInList(String)
    /// The From URI's host is one of these (case-insensitive; `*.example.com` matches subdomains).
    case fromDomain([String])
    /// The dialled number is one of these.
    case dialled([String])
    /// The dialled number starts with one of these.
    case dialledPrefix([String])

    /// Whether `call` passes this test; `lists` are the configuration's named number lists.
    public func matches(_ call: CallFacts, lists: [String: NumberList]) -> Bool {
        switch self {
        case .callerPrefix(let prefixes): return prefixes.contains { call.caller.hasPrefix($0) }
        case .callerRegex(let regex): return regex.matches(call.caller)
        case .callerInList(let name): return lists[name]?.contains(call.caller) ?? false
        case .fromDomain(let domains):
            let host = call.fromDomain.lowercased()
            return domains.contains { domain in
                let domain = domain.lowercased()
                if domain.hasPrefix("*.") { return host.hasSuffix(domain.dropFirst()) }
                return host == domain
            }
        case .dialled(let numbers): return numbers.contains(call.dialled)
        case .dialledPrefix(let prefixes): return prefixes.contains { call.dialled.hasPrefix($0) }
        }
    }
}

/// A route rule: every condition must hold; then the flow goes to `goto`.
public struct RouteRule: Sendable, Equatable {
    public var conditions: [RouteCondition]
    public var goto: String
    /// Where this is written in the configuration, for messages at run time.
    public var location: SourceLocation

    public init(conditions: [RouteCondition], goto: String, location: SourceLocation) {
        self.conditions = conditions
        self.goto = goto
        self.location = location
    }

    public func matches(_ call: CallFacts, lists: [String: NumberList]) -> Bool {
        conditions.allSatisfy { $0.matches(call, lists: lists) }
    }
}

/// `route`: ordered rules; the first that matches picks the next step. No match continues
/// with the step's `next` (or the following step).
public struct RouteAction: Sendable, Equatable {
    public var rules: [RouteRule]

    public init(rules: [RouteRule]) {
        self.rules = rules
    }

    /// The first rule matching `call`, or `nil`.
    public func firstMatch(for call: CallFacts, lists: [String: NumberList]) -> RouteRule? {
        rules.first { $0.matches(call, lists: lists) }
    }
}
