import Foundation

/// Runs one call's IVR flow as a state machine with no I/O: the shell feeds it
/// ``FlowEvent``s and carries out the ``FlowCommand``s it returns (answering,
/// playing prompts, timers, webhook attempts, connecting the caller). Every
/// branch is therefore testable without sockets or clocks.
///
/// What the call did — the steps taken, the digits entered, the variables — is
/// kept for the call record.
public struct FlowMachine: Sendable {
    /// The call's facts, as route rules see them.
    public let call: CallFacts
    /// SIP Call-ID and trunk, sent to webhooks.
    public let callID: String
    public let trunk: String?

    /// Steps taken, as `flow/step` (unnamed steps as `flow/verb#n`).
    public private(set) var steps: [String] = []
    /// Every digit the caller pressed, in order.
    public private(set) var digits = ""
    public private(set) var variables: [String: String] = [:]
    /// Where the caller was connected, once connected.
    public private(set) var connected: ConnectTarget?
    /// The queue the flow last handed the caller to.
    public private(set) var queue: String?
    /// Whether the flow has ended (hung up or connected).
    public var isFinished: Bool { if case .finished = phase { true } else { false } }

    private let configuration: HotlineConfiguration
    private let now: @Sendable () -> Date
    private var flow: Flow
    private var index = 0
    private var phase = Phase.idle
    /// Digits pressed while nothing collected them (barge-in, type-ahead).
    private var typeAhead: [Character] = []
    private var playID = 0
    private var webhookAttempt = 0

    private enum Phase: Sendable {
        case idle
        /// A `play` step's prompt (or a webhook's `say`) plays; then go to `then`.
        case playing(id: Int, bargeIn: Bool, then: Continuation)
        case collecting(Collection)
        case webhook(WebhookAction)
        case connecting(failed: String?)
        case voicemail
        case finished
    }

    /// Where to go after a prompt.
    private enum Continuation: Sendable {
        case next
        case step(String)
        case connect(ConnectTarget, failed: String?)
    }

    /// A `gather` or `extension` collecting digits.
    private struct Collection: Sendable {
        enum Kind: Sendable {
            case gather(GatherAction)
            case `extension`(ExtensionAction)
        }
        var kind: Kind
        var attempt = 0
        var digits = ""
        /// Why the previous try failed, which picks the retry prompt.
        var lastFailure: GatherOutcome?
        /// The prompt playing, if any.
        var prompting: Int?

        var maxDigits: Int {
            switch kind {
            case .gather(let g): g.maxDigits
            case .extension: 8
            }
        }
        var terminator: Character? {
            switch kind {
            case .gather(let g): g.terminator
            case .extension(let e): e.terminator
            }
        }
        var firstDigitTimeout: Duration {
            switch kind {
            case .gather(let g): g.firstDigitTimeout
            case .extension(let e): e.firstDigitTimeout
            }
        }
        var interDigitTimeout: Duration {
            switch kind {
            case .gather(let g): g.interDigitTimeout
            case .extension(let e): e.interDigitTimeout
            }
        }
        var retries: Int {
            switch kind {
            case .gather(let g): g.retries
            case .extension(let e): e.retries
            }
        }
    }

    /// Steps run without waiting for anything before the flow counts as a loop.
    static let maxStepsWithoutWaiting = 200

    /// - Parameters:
    ///   - flow: the flow to run (it must exist in `configuration`).
    ///   - now: wall-clock time, for `schedule` steps and webhook bodies.
    public init(configuration: HotlineConfiguration, flow: Flow, call: CallFacts, callID: String, trunk: String?,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.configuration = configuration
        self.flow = flow
        self.call = call
        self.callID = callID
        self.trunk = trunk
        self.now = now
    }

    /// Starts the flow at its first step.
    public mutating func start() -> [FlowCommand] {
        var commands: [FlowCommand] = []
        index = 0
        run(&commands)
        return commands
    }

    /// Handles one event; events that do not fit the current step are ignored.
    public mutating func handle(_ event: FlowEvent) -> [FlowCommand] {
        var commands: [FlowCommand] = []
        switch (phase, event) {
        case (.playing(let id, _, let then), .promptFinished(let finished)) where id == finished:
            continueAfterPrompt(then, &commands)
        case (.playing(_, let bargeIn, let then), .digit(let digit)):
            noteDigit(digit)
            typeAhead.append(digit)
            if bargeIn {
                commands.append(.stopPlaying)
                continueAfterPrompt(then, &commands)
            }
        case (.collecting(var collection), _):
            collect(&collection, event, &commands)
        case (.webhook(let action), .webhookAnswered(let attempt, let result)) where attempt == webhookAttempt:
            commands.append(.cancelTimer(.webhook))
            webhookAnswered(action, result, &commands)
        case (.webhook(let action), .timerFired(.webhook)):
            webhookFailed(action, &commands)
        case (.connecting(let failed), .connectFailed):
            phase = .idle
            go(to: failed, orHangUp: .unreachable("no answer"), &commands)
        case (.voicemail, .voicemailFinished):
            advance(&commands)
        case (_, .digit(let digit)):
            noteDigit(digit)
            if case .finished = phase { break }
            typeAhead.append(digit)
        default:
            break
        }
        return commands
    }

    // MARK: Running steps

    private mutating func noteDigit(_ digit: Character) {
        digits.append(digit)
    }

    /// Runs steps from `index` until one waits for an event.
    private mutating func run(_ commands: inout [FlowCommand]) {
        var budget = Self.maxStepsWithoutWaiting
        while case .idle = phase {
            guard index < flow.steps.count else {
                finish(.completed, &commands)
                return
            }
            budget -= 1
            if budget < 0 {
                finish(.loop, &commands)
                return
            }
            let step = flow.steps[index]
            steps.append("\(flow.name)/\(step.name ?? "\(step.action.verb)#\(index + 1)")")
            runStep(step, &commands)
        }
    }

    private mutating func runStep(_ step: FlowStep, _ commands: inout [FlowCommand]) {
        switch step.action {
        case .play(let play):
            commands.append(play.earlyMedia ? .earlyMedia : .answer)
            startPrompt([play.prompt], bargeIn: play.bargeIn, then: .next, &commands)
        case .gather(let gather):
            commands.append(.answer)
            startCollection(Collection(kind: .gather(gather)), &commands)
        case .extension(let action):
            commands.append(.answer)
            startCollection(Collection(kind: .extension(action)), &commands)
        case .route(let route):
            if let rule = route.firstMatch(for: call, lists: configuration.lists) {
                jump(to: rule.goto)
            } else {
                moveOn()
            }
        case .schedule(let schedule):
            if let branch = schedule.branch(at: now()) { jump(to: branch) } else { moveOn() }
        case .webhook(let action):
            webhookAttempt = 0
            phase = .webhook(action)
            attemptWebhook(action, &commands)
        case .queue(let action):
            commands.append(.answer)
            queue = action.queue
            if let announce = action.announce {
                startPrompt([announce], bargeIn: false, then: .connect(.queue(action.queue), failed: action.overflow), &commands)
            } else {
                connect(.queue(action.queue), failed: action.overflow, &commands)
            }
        case .transfer(let action):
            connect(.transfer(action.destination, timeout: action.timeout), failed: action.failed, &commands)
        case .voicemail(let action):
            commands.append(.answer)
            phase = .voicemail
            commands.append(.voicemail(action))
        case .set(let assignments):
            for assignment in assignments { variables[assignment.name] = assignment.value }
            moveOn()
        case .goto(.step(let name)):
            jump(to: name)
        case .goto(.flow(let name, let stepName)):
            if let other = configuration.flow(named: name) {
                flow = other
                index = stepName.flatMap(other.index(of:)) ?? 0
            } else {
                finish(.unreachable("no flow \(name)"), &commands)
            }
        case .hangup:
            finish(.completed, &commands)
        }
    }

    /// The step after the current one (its `next`, or the following step).
    private mutating func moveOn() {
        index = flow.stepAfter(index) ?? flow.steps.count
    }

    private mutating func jump(to name: String) {
        index = flow.index(of: name) ?? flow.steps.count
    }

    /// Continues with the next step and runs on.
    private mutating func advance(_ commands: inout [FlowCommand]) {
        phase = .idle
        moveOn()
        run(&commands)
    }

    /// Branches to `step`, or ends the call with `end` when there is none.
    private mutating func go(to step: String?, orHangUp end: FlowEnd, _ commands: inout [FlowCommand]) {
        phase = .idle
        guard let step else {
            finish(end, &commands)
            return
        }
        jump(to: step)
        run(&commands)
    }

    private mutating func finish(_ end: FlowEnd, _ commands: inout [FlowCommand]) {
        phase = .finished
        commands.append(.hangup(end))
    }

    private mutating func startPrompt(_ prompts: [ConfiguredPrompt], bargeIn: Bool, then: Continuation,
                                      _ commands: inout [FlowCommand]) {
        if bargeIn, !typeAhead.isEmpty {
            // The caller already pressed a key: the prompt would stop at once.
            continueAfterPrompt(then, &commands)
            return
        }
        playID += 1
        phase = .playing(id: playID, bargeIn: bargeIn, then: then)
        commands.append(.play(id: playID, prompts: prompts, bargeIn: bargeIn))
    }

    private mutating func continueAfterPrompt(_ then: Continuation, _ commands: inout [FlowCommand]) {
        phase = .idle
        switch then {
        case .next:
            moveOn()
            run(&commands)
        case .step(let name):
            jump(to: name)
            run(&commands)
        case .connect(let target, let failed):
            connect(target, failed: failed, &commands)
        }
    }

    private mutating func connect(_ target: ConnectTarget, failed: String?, _ commands: inout [FlowCommand]) {
        if case .queue(let name) = target { queue = name }
        phase = .connecting(failed: failed)
        commands.append(.connect(target))
    }

    /// Starts a call that has no flow: its number leads straight to an agent. Failure to connect
    /// ends the call.
    public mutating func connectDirectly(_ target: ConnectTarget) -> [FlowCommand] {
        var commands: [FlowCommand] = [.answer]
        connect(target, failed: nil, &commands)
        return commands
    }

    /// The shell connected the caller: the flow is over.
    public mutating func didConnect(_ target: ConnectTarget) {
        connected = target
        phase = .finished
    }

    /// The call ended under the flow (the caller hung up): nothing more runs.
    public mutating func callEnded() -> [FlowCommand] {
        var commands: [FlowCommand] = []
        switch phase {
        case .collecting: commands = [.cancelTimer(.firstDigit), .cancelTimer(.interDigit)]
        case .webhook: commands = [.cancelTimer(.webhook)]
        default: break
        }
        phase = .finished
        return commands
    }
}

// MARK: Collecting digits

extension FlowMachine {
    private mutating func startCollection(_ collection: Collection, _ commands: inout [FlowCommand]) {
        var collection = collection
        collection.digits = ""
        collection.prompting = nil
        let prompts = self.prompts(for: collection)
        if !typeAhead.isEmpty {
            // Keys pressed during an earlier prompt count as the start of the input.
            phase = .collecting(collection)
            let pending = typeAhead
            typeAhead.removeAll()
            for digit in pending {
                guard case .collecting(var current) = phase else {
                    typeAhead.append(digit)
                    continue
                }
                addDigit(&current, digit, &commands)
            }
            return
        }
        if !prompts.isEmpty {
            playID += 1
            collection.prompting = playID
            commands.append(.play(id: playID, prompts: prompts, bargeIn: true))
        } else {
            commands.append(.startTimer(.firstDigit, collection.firstDigitTimeout))
        }
        phase = .collecting(collection)
    }

    /// The prompts of one try: the retry prompt (after a first failure) and the main prompt.
    private func prompts(for collection: Collection) -> [ConfiguredPrompt] {
        switch collection.kind {
        case .gather(let gather):
            var prompts: [ConfiguredPrompt] = []
            if collection.attempt > 0, let retry = collection.lastFailure == .noInput ? gather.noInputPrompt : gather.invalidPrompt {
                prompts.append(retry)
            }
            if let prompt = gather.prompt { prompts.append(prompt) }
            return prompts
        case .extension(let action):
            var prompts: [ConfiguredPrompt] = []
            if collection.attempt > 0, let retry = action.retryPrompt { prompts.append(retry) }
            if let prompt = action.prompt { prompts.append(prompt) }
            return prompts
        }
    }

    private mutating func collect(_ collection: inout Collection, _ event: FlowEvent, _ commands: inout [FlowCommand]) {
        switch event {
        case .promptFinished(let id) where id == collection.prompting:
            collection.prompting = nil
            phase = .collecting(collection)
            commands.append(.startTimer(.firstDigit, collection.firstDigitTimeout))
        case .digit(let digit):
            noteDigit(digit)
            addDigit(&collection, digit, &commands)
        case .timerFired(.firstDigit), .timerFired(.interDigit):
            complete(collection, &commands)
        default:
            break
        }
    }

    private mutating func addDigit(_ collection: inout Collection, _ digit: Character, _ commands: inout [FlowCommand]) {
        if collection.prompting != nil {
            collection.prompting = nil
            commands.append(.stopPlaying)
        }
        commands.append(.cancelTimer(.firstDigit))
        commands.append(.cancelTimer(.interDigit))
        if digit == collection.terminator {
            complete(collection, &commands)
            return
        }
        collection.digits.append(digit)
        if collection.digits.count >= collection.maxDigits || isCompleteExtension(collection) {
            complete(collection, &commands)
            return
        }
        phase = .collecting(collection)
        commands.append(.startTimer(.interDigit, collection.interDigitTimeout))
    }

    /// An extension needs no more digits when it is known and no longer extension starts with it.
    private func isCompleteExtension(_ collection: Collection) -> Bool {
        guard case .extension = collection.kind, configuration.destination(forExtension: collection.digits) != nil else {
            return false
        }
        let longest = configuration.agents.map(\.extension.count).max() ?? 0
        let planLongest = configuration.numbers.extensions.map { mapping -> Int in
            switch mapping.numbers {
            case .list(let numbers): numbers.map(\.count).max() ?? 0
            case .range(let from, _): from.count
            }
        }.max() ?? 0
        return collection.digits.count >= max(longest, planLongest)
    }

    /// One try is over with `collection.digits`.
    private mutating func complete(_ collection: Collection, _ commands: inout [FlowCommand]) {
        if collection.prompting != nil { commands.append(.stopPlaying) }
        phase = .idle
        let entered = collection.digits
        switch collection.kind {
        case .gather(let gather):
            let outcome = gather.outcome(for: entered)
            switch outcome {
            case .choice(let step):
                variables[gather.variable] = entered
                jump(to: step)
                run(&commands)
            case .accepted:
                variables[gather.variable] = entered
                moveOn()
                run(&commands)
            case .noInput, .invalid:
                if collection.attempt < gather.retries {
                    var retry = collection
                    retry.attempt += 1
                    retry.lastFailure = outcome
                    startCollection(retry, &commands)
                } else {
                    let branch = outcome == .noInput ? gather.noInput : gather.invalid
                    if let branch { jump(to: branch) } else { moveOn() }
                    run(&commands)
                }
            }
        case .extension(let action):
            switch entered.isEmpty ? nil : configuration.destination(forExtension: entered) {
            case .agent(let ext):
                variables["extension"] = entered
                connect(.agent(ext), failed: action.failed, &commands)
            case .queue(let name):
                variables["extension"] = entered
                connect(.queue(name), failed: action.failed, &commands)
            case .flow(let name):
                variables["extension"] = entered
                if let other = configuration.flow(named: name) {
                    flow = other
                    index = 0
                    run(&commands)
                } else {
                    finish(.unreachable("no flow \(name)"), &commands)
                }
            case nil:
                if collection.attempt < action.retries {
                    var retry = collection
                    retry.attempt += 1
                    startCollection(retry, &commands)
                } else {
                    go(to: action.failed, orHangUp: .unreachable("no such extension"), &commands)
                }
            }
        }
    }
}

// MARK: Webhooks

extension FlowMachine {
    /// The JSON a webhook receives: the call's facts and what happened so far.
    func webhookBody() -> [UInt8] {
        var object: [String: Any] = [
            "call_id": callID,
            "caller": call.caller,
            "from_domain": call.fromDomain,
            "dialled": call.dialled,
            "flow": flow.name,
            "digits": digits,
            "steps": steps,
            "variables": variables,
            "time": ISO8601DateFormatter().string(from: now()),
        ]
        if let trunk { object["trunk"] = trunk }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Array(data)
    }

    private mutating func attemptWebhook(_ action: WebhookAction, _ commands: inout [FlowCommand]) {
        webhookAttempt += 1
        var headers = action.headers
        headers["Content-Type"] = "application/json"
        commands.append(.webhook(WebhookRequest(url: action.url, headers: headers, body: webhookBody(), attempt: webhookAttempt)))
        commands.append(.startTimer(.webhook, action.timeout))
    }

    /// A failed or timed-out attempt: try again while retries remain, then the fallback.
    private mutating func webhookFailed(_ action: WebhookAction, _ commands: inout [FlowCommand]) {
        if webhookAttempt <= action.retries {
            attemptWebhook(action, &commands)
        } else {
            variables["webhook_result"] = "failed"
            webhookFallback(action, &commands)
        }
    }

    private mutating func webhookFallback(_ action: WebhookAction, _ commands: inout [FlowCommand]) {
        phase = .idle
        if let fallback = action.fallback { jump(to: fallback) } else { moveOn() }
        run(&commands)
    }

    private mutating func webhookAnswered(_ action: WebhookAction, _ result: WebhookResult, _ commands: inout [FlowCommand]) {
        guard case .response(let status, let body) = result, (200..<500).contains(status) else {
            webhookFailed(action, &commands)
            return
        }
        guard (200..<300).contains(status), let answer = WebhookAnswer(json: body) else {
            // A refusal or an answer that cannot be read: do not ask again.
            variables["webhook_result"] = "unreadable"
            webhookFallback(action, &commands)
            return
        }
        variables["webhook_result"] = "answered"
        for (name, value) in answer.variables { variables[name] = value }
        var then = Continuation.next
        if let next = answer.next, action.answerSteps.contains(next), flow.index(of: next) != nil {
            then = .step(next)
        } else if let queue = answer.queue, configuration.queue(named: queue) != nil {
            then = .connect(.queue(queue), failed: nil)
        }
        phase = .idle
        if let say = answer.say, !say.isEmpty {
            commands.append(.answer)
            startPrompt([.say(text: say, voice: ConfiguredPrompt.defaultVoice)], bargeIn: false, then: then, &commands)
        } else {
            continueAfterPrompt(then, &commands)
        }
    }
}

/// A CRM's answer to a webhook: `{"next": "vip", "queue": "sales", "variables": {…}, "say": "…"}`,
/// every key optional. Variables may be strings, numbers or booleans.
public struct WebhookAnswer: Sendable, Equatable {
    public var next: String?
    public var queue: String?
    public var variables: [String: String] = [:]
    public var say: String?

    /// Reads an answer; `nil` when the body is not a JSON object or a key has the wrong type.
    public init?(json: [UInt8]) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json)) as? [String: Any] else { return nil }
        for (key, value) in object {
            switch key {
            case "next":
                guard let text = value as? String else { return nil }
                next = text
            case "queue":
                guard let text = value as? String else { return nil }
                queue = text
            case "say":
                guard let text = value as? String else { return nil }
                say = text
            case "variables":
                guard let dictionary = value as? [String: Any] else { return nil }
                for (name, item) in dictionary {
                    switch item {
                    case let text as String: variables[name] = text
                    case let number as NSNumber: variables[name] = number.stringValue
                    default: return nil
                    }
                }
            default:
                continue
            }
        }
    }
}
