/// An IVR call flow: named steps run in order; steps branch to other steps of the same flow by name.
/// Running off the end of the list hangs up.
public struct Flow: Sendable, Equatable {
    public var name: String
    public var steps: [FlowStep]
    /// Where this is written in the configuration, for messages at run time.
    public var location: SourceLocation

    public init(name: String, steps: [FlowStep], location: SourceLocation) {
        self.name = name
        self.steps = steps
        self.location = location
    }

    /// The position of the step called `name`.
    public func index(of name: String) -> Int? {
        steps.firstIndex { $0.name == name }
    }

    /// The step called `name`.
    public func step(named name: String) -> FlowStep? {
        index(of: name).map { steps[$0] }
    }

    /// The step that runs after the step at `index` completes without branching: its `next`,
    /// else the following step, else `nil` (end of the flow: hang up).
    public func stepAfter(_ index: Int) -> Int? {
        if let next = steps[index].next { return self.index(of: next) }
        return index + 1 < steps.count ? index + 1 : nil
    }

    /// Indices of steps no path from the first step reaches — nor from `entries`, the steps other
    /// flows jump to with `goto: {flow: …, step: …}`.
    public func unreachableSteps(entries: [String] = []) -> [Int] {
        guard !steps.isEmpty else { return [] }
        var seen: Set<Int> = [0]
        var pending = [0]
        for index in entries.compactMap(index(of:)) where seen.insert(index).inserted { pending.append(index) }
        while let index = pending.popLast() {
            let step = steps[index]
            var targets = step.action.branches.compactMap(self.index(of:))
            if step.action.continues, let after = stepAfter(index) { targets.append(after) }
            if case .goto(.flow(let flow, let name)) = step.action, flow == self.name {
                targets.append(name.flatMap(self.index(of:)) ?? 0)
            }
            for target in targets where seen.insert(target).inserted { pending.append(target) }
        }
        return steps.indices.filter { !seen.contains($0) }
    }
}

/// One step of a flow: an optional name (to branch to it), a verb, and an optional `next` step.
public struct FlowStep: Sendable, Equatable {
    public var name: String?
    public var action: FlowAction
    /// Where to continue when the step completes without branching; default the following step.
    public var next: String?
    /// Where this is written in the configuration, for messages at run time.
    public var location: SourceLocation

    public init(name: String? = nil, action: FlowAction, next: String? = nil, location: SourceLocation) {
        self.name = name
        self.action = action
        self.next = next
        self.location = location
    }

    /// The step's name, or its verb and position (`play #3`) for messages.
    public func label(index: Int) -> String {
        name.map { "'\($0)'" } ?? "\(action.verb) #\(index + 1)"
    }
}

/// The verbs of the flow language.
public enum FlowAction: Sendable, Equatable {
    case play(PlayAction)
    case gather(GatherAction)
    case route(RouteAction)
    case schedule(ScheduleAction)
    case webhook(WebhookAction)
    case `extension`(ExtensionAction)
    case queue(QueueAction)
    case transfer(TransferAction)
    case voicemail(VoicemailAction)
    case set([VariableAssignment])
    case goto(GotoAction)
    case hangup

    /// Verb names as written in the configuration.
    public static let verbs = ["play", "gather", "route", "schedule", "webhook", "extension", "queue",
                               "transfer", "voicemail", "set", "goto", "hangup"]

    /// The verb as written in the configuration.
    public var verb: String {
        switch self {
        case .play: return "play"
        case .gather: return "gather"
        case .route: return "route"
        case .schedule: return "schedule"
        case .webhook: return "webhook"
        case .extension: return "extension"
        case .queue: return "queue"
        case .transfer: return "transfer"
        case .voicemail: return "voicemail"
        case .set: return "set"
        case .goto: return "goto"
        case .hangup: return "hangup"
        }
    }

    /// Steps of the same flow this verb may branch to.
    public var branches: [String] {
        switch self {
        case .play, .set, .hangup, .voicemail: return []
        case .gather(let gather): return gather.choices.map(\.step) + [gather.noInput, gather.invalid].compactMap { $0 }
        case .route(let route): return route.rules.map(\.goto)
        case .schedule(let schedule): return [schedule.closed, schedule.holiday].compactMap { $0 }
        case .webhook(let webhook): return webhook.answerSteps + [webhook.fallback].compactMap { $0 }
        case .extension(let action): return [action.failed].compactMap { $0 }
        case .queue(let action): return [action.overflow].compactMap { $0 }
        case .transfer(let action): return [action.failed].compactMap { $0 }
        case .goto(let action):
            if case .step(let name) = action { return [name] }
            return []
        }
    }

    /// Whether the verb can complete and continue with the next step. Connecting verbs (`queue`,
    /// `transfer`, `extension`) end the flow when they connect and take their failure branch otherwise.
    public var continues: Bool {
        switch self {
        case .play, .set, .voicemail, .route, .webhook, .schedule: return true
        case .gather(let gather): return gather.choices.isEmpty || gather.noInput == nil || gather.invalid == nil
        case .extension, .queue, .transfer, .goto, .hangup: return false
        }
    }
}

/// `play`: a prompt, optionally interruptible by a digit.
public struct PlayAction: Sendable, Equatable {
    public var prompt: ConfiguredPrompt
    /// A digit stops the prompt; the digit is kept for the next `gather` or `extension`.
    public var bargeIn: Bool
    /// Play before answering, as early media (183 Session Progress); the call is not answered (nor billed) yet.
    public var earlyMedia: Bool

    public init(prompt: ConfiguredPrompt, bargeIn: Bool = false, earlyMedia: Bool = false) {
        self.prompt = prompt
        self.bargeIn = bargeIn
        self.earlyMedia = earlyMedia
    }
}

/// A digit string a `gather` accepts, and the step it leads to.
public struct GatherChoice: Sendable, Equatable {
    public var digits: String
    public var step: String

    public init(digits: String, step: String) {
        self.digits = digits
        self.step = step
    }
}

/// `gather`: play a prompt (barge-in always on) and collect digits.
public struct GatherAction: Sendable, Equatable {
    public var prompt: ConfiguredPrompt?
    /// Collection ends after this many digits.
    public var maxDigits: Int
    /// Time allowed for the first digit after the prompt ends.
    public var firstDigitTimeout: Duration
    /// Time allowed between digits.
    public var interDigitTimeout: Duration
    /// A key that ends collection early (not part of the digits); `nil` for none.
    public var terminator: Character?
    /// How many times the prompt is played again after no input or invalid input; `retries: 1` means two tries.
    public var retries: Int
    /// Played before a retry after invalid input (then the prompt again).
    public var invalidPrompt: ConfiguredPrompt?
    /// Played before a retry after no input.
    public var noInputPrompt: ConfiguredPrompt?
    /// Accepted digit strings and their steps. Empty: any digits are accepted and stored in `variable`.
    public var choices: [GatherChoice]
    /// Where to go when the caller pressed nothing, on the last try; `nil` continues with the next step.
    public var noInput: String?
    /// Where to go when the caller's digits match no choice, on the last try; `nil` continues with the next step.
    public var invalid: String?
    /// Variable that receives the digits entered.
    public var variable: String

    public init(prompt: ConfiguredPrompt? = nil, maxDigits: Int = 1, firstDigitTimeout: Duration = .seconds(5),
                interDigitTimeout: Duration = .seconds(3), terminator: Character? = "#", retries: Int = 2,
                invalidPrompt: ConfiguredPrompt? = nil, noInputPrompt: ConfiguredPrompt? = nil, choices: [GatherChoice] = [],
                noInput: String? = nil, invalid: String? = nil, variable: String = "digits") {
        self.prompt = prompt
        self.maxDigits = maxDigits
        self.firstDigitTimeout = firstDigitTimeout
        self.interDigitTimeout = interDigitTimeout
        self.terminator = terminator
        self.retries = retries
        self.invalidPrompt = invalidPrompt
        self.noInputPrompt = noInputPrompt
        self.choices = choices
        self.noInput = noInput
        self.invalid = invalid
        self.variable = variable
    }

    /// What the collected digits mean: the choice's step, or `.invalid`; with no choices every
    /// non-empty input is accepted. Empty input is `.noInput`.
    public func outcome(for digits: String) -> GatherOutcome {
        if digits.isEmpty { return .noInput }
        if choices.isEmpty { return .accepted }
        if let choice = choices.first(where: { $0.digits == digits }) { return .choice(choice.step) }
        return .invalid
    }
}

/// The meaning of the digits a `gather` collected on one try.
public enum GatherOutcome: Sendable, Equatable {
    /// A configured choice: go to this step.
    case choice(String)
    /// No choices configured and digits were entered: store them and continue.
    case accepted
    case noInput
    case invalid
}

/// `webhook`: POST the call's facts as JSON to a CRM and follow its answer.
///
/// The answer may name the next step (one of `answerSteps`), a queue, variables to set, or text to
/// say. A timeout, a failure after the retries, or an answer that cannot be read goes to `fallback`
/// (or the next step); a slow or dead CRM never drops the call.
public struct WebhookAction: Sendable, Equatable {
    public var url: String
    /// Time allowed for each attempt.
    public var timeout: Duration
    /// Further attempts after a failed one (connection error, 5xx, timeout).
    public var retries: Int
    public var headers: [String: String]
    /// Steps the answer's `next` may choose; another name is treated as no choice.
    public var answerSteps: [String]
    public var fallback: String?

    public init(url: String, timeout: Duration = .seconds(3), retries: Int = 1, headers: [String: String] = [:],
                answerSteps: [String] = [], fallback: String? = nil) {
        self.url = url
        self.timeout = timeout
        self.retries = retries
        self.headers = headers
        self.answerSteps = answerSteps
        self.fallback = fallback
    }
}

/// `extension`: collect an extension number and connect to its agent or queue (or flow).
public struct ExtensionAction: Sendable, Equatable {
    public var prompt: ConfiguredPrompt?
    /// Played when the digits are not an extension, before asking again.
    public var retryPrompt: ConfiguredPrompt?
    public var retries: Int
    public var firstDigitTimeout: Duration
    public var interDigitTimeout: Duration
    public var terminator: Character?
    /// Where to go after the last failed try; `nil` hangs up.
    public var failed: String?

    public init(prompt: ConfiguredPrompt? = nil, retryPrompt: ConfiguredPrompt? = nil, retries: Int = 2,
                firstDigitTimeout: Duration = .seconds(5), interDigitTimeout: Duration = .seconds(3),
                terminator: Character? = "#", failed: String? = nil) {
        self.prompt = prompt
        self.retryPrompt = retryPrompt
        self.retries = retries
        self.firstDigitTimeout = firstDigitTimeout
        self.interDigitTimeout = interDigitTimeout
        self.terminator = terminator
        self.failed = failed
    }
}

/// `queue`: hand the caller to a queue.
public struct QueueAction: Sendable, Equatable {
    public var queue: String
    /// Played once when the caller enters the queue.
    public var announce: ConfiguredPrompt?
    /// Where to go when the queue gives up (max wait, full, nobody logged in); `nil` hangs up.
    public var overflow: String?

    public init(queue: String, announce: ConfiguredPrompt? = nil, overflow: String? = nil) {
        self.queue = queue
        self.announce = announce
        self.overflow = overflow
    }
}

/// Where a `transfer` sends the call.
public enum TransferDestination: Sendable, Equatable {
    /// A SIP URI, called directly.
    case uri(String)
    /// A phone number, called out through `trunk` (or the trunks in outbound preference order when `nil`).
    case number(String, trunk: String?)
}

/// `transfer`: connect the caller to somewhere outside the hotline.
public struct TransferAction: Sendable, Equatable {
    public var destination: TransferDestination
    /// Ring time before giving up.
    public var timeout: Duration
    /// Where to go when the far end does not answer or refuses; `nil` hangs up.
    public var failed: String?

    public init(destination: TransferDestination, timeout: Duration = .seconds(30), failed: String? = nil) {
        self.destination = destination
        self.timeout = timeout
        self.failed = failed
    }
}

/// `voicemail`: record a message from the caller.
public struct VoicemailAction: Sendable, Equatable {
    /// The mailbox the message is filed under.
    public var mailbox: String
    public var greeting: ConfiguredPrompt?
    public var maxLength: Duration
    /// Play a beep before recording.
    public var beep: Bool

    public init(mailbox: String, greeting: ConfiguredPrompt? = nil, maxLength: Duration = .seconds(120), beep: Bool = true) {
        self.mailbox = mailbox
        self.greeting = greeting
        self.maxLength = maxLength
        self.beep = beep
    }
}

/// One `set` assignment: a call variable (sent to webhooks, stored with the CDR).
public struct VariableAssignment: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// `goto`: jump to a step of this flow or to another flow.
public enum GotoAction: Sendable, Equatable {
    case step(String)
    /// Another flow, at its first step or at `step`.
    case flow(String, step: String?)
}
