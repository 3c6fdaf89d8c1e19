import Foundation

/// A timer the flow machine asks its shell to run; when it fires the shell hands back
/// ``FlowEvent/timerFired(_:)``. Starting a timer that runs restarts it.
public enum FlowTimer: Hashable, Sendable {
    /// Time for the first digit of a `gather` or `extension`.
    case firstDigit
    /// Time between digits.
    case interDigit
    /// Time for one webhook attempt.
    case webhook
}

/// Where a connecting verb sends the caller.
public enum ConnectTarget: Sendable, Equatable {
    /// An agent, by extension.
    case agent(String)
    /// A queue, by name.
    case queue(String)
    /// A transfer out of the hotline.
    case transfer(TransferDestination, timeout: Duration)
}

/// One webhook attempt for the shell to make: POST `body` (JSON) to `url`.
public struct WebhookRequest: Sendable, Equatable {
    public var url: String
    public var headers: [String: String]
    public var body: [UInt8]
    /// 1 for the first attempt, then 2, 3, …; the answer must name it.
    public var attempt: Int
}

/// What a webhook attempt came back with.
public enum WebhookResult: Sendable, Equatable {
    /// An HTTP answer.
    case response(status: Int, body: [UInt8])
    /// No answer: connection refused, reset, DNS…
    case failed(String)
}

/// Why the flow ended the call.
public enum FlowEnd: Sendable, Equatable {
    /// A `hangup` step, or the end of the flow.
    case completed
    /// A connecting verb failed with nowhere else to go.
    case unreachable(String)
    /// The flow went round without waiting for anything (a `goto` loop).
    case loop
}

/// What the flow machine asks its shell to do, in order.
public enum FlowCommand: Sendable, Equatable {
    /// Answer the call (200 with media) unless it is answered already.
    case answer
    /// Open early media (183 Session Progress) unless the call is answered already.
    case earlyMedia
    /// Play these prompts to the caller, replacing whatever plays. The shell answers with
    /// ``FlowEvent/promptFinished(_:)`` carrying `id` when they played to the end; digits
    /// arrive as ``FlowEvent/digit(_:)`` whether or not they barge in.
    case play(id: Int, prompts: [ConfiguredPrompt], bargeIn: Bool)
    /// Stop what plays; no event follows.
    case stopPlaying
    case startTimer(FlowTimer, Duration)
    case cancelTimer(FlowTimer)
    /// Make a webhook attempt; answer with ``FlowEvent/webhookAnswered(attempt:_:)``.
    case webhook(WebhookRequest)
    /// Connect the caller; the flow is over once connected. Failure comes back as
    /// ``FlowEvent/connectFailed(_:)``.
    case connect(ConnectTarget)
    /// Record a message (greeting and beep first); ``FlowEvent/voicemailFinished`` when done.
    case voicemail(VoicemailAction)
    /// End the call.
    case hangup(FlowEnd)
}

/// What the shell tells the flow machine.
public enum FlowEvent: Sendable, Equatable {
    /// The prompts of `play(id:…)` played to the end.
    case promptFinished(Int)
    /// The caller pressed a key (RFC 4733, in-band or SIP INFO), once per press.
    case digit(Character)
    case timerFired(FlowTimer)
    case webhookAnswered(attempt: Int, WebhookResult)
    /// A connecting verb did not connect (nobody answered, queue gave up, busy…).
    case connectFailed(String)
    case voicemailFinished
}
