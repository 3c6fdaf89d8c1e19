import Foundation
import Logging
import Media
import NIOCore
import SIP
import Storage

/// One call from a trunk, as a back-to-back user agent: the caller's INVITE and dialog, the
/// media, the IVR flow (a ``FlowMachine`` whose commands this class carries out), the agent leg
/// when the caller is connected, and the call record written when it ends.
///
/// Lives on its own event loop (``loop``, one of the call center's call loops) with its media and
/// timers; every method must be called there. SIP goes through the endpoint on the endpoint's loop
/// (``CallCenter/onEndpoint(_:)``), in the order the call asks for it, and what the endpoint hands
/// the call comes back through ``onLoop(_:)``.
final class InboundCall: @unchecked Sendable {
    enum State {
        /// INVITE received, no final answer yet.
        case proceeding
        /// 183 with early media sent.
        case early
        /// 200 sent (and the caller's ACK perhaps not yet in).
        case answered
        case ended
    }

    unowned let center: CallCenter
    /// The loop this call, its media and its timers live on.
    let loop: any EventLoop
    let transaction: TransactionKey
    let invite: SIPMessage
    let peer: SIPPeer
    let trunk: Trunk
    let configuration: HotlineConfiguration
    let localTag: String
    /// The endpoint's Allow and User-Agent values, read once on its loop.
    private let allowHeader: String
    private let userAgent: String
    /// Source of tags and branches made on this call's loop.
    private var tags = TagSource()
    private var logger: Logger
    private var machine: FlowMachine
    private var record: CallRecord
    private var state = State.proceeding
    private var media: CallMedia?
    private var answerSDP: [UInt8] = []
    private var callerDialog: SIPDialogID?
    /// The prompt of the flow's current `play` command.
    private var playing: Int?
    private var timers: [String: any CallTimer] = [:]
    private var events: [FlowEvent] = []
    private var draining = false
    /// Session-Expires interval the caller asked for (RFC 4028), in seconds.
    private var sessionInterval: Int?
    private var voicemail: VoicemailAction?
    private var agent: AgentLeg?
    private var connectStartedAt: Date?

    /// Made on the endpoint's loop.
    init(center: CallCenter, loop: any EventLoop, invite: SIPMessage, transaction: TransactionKey, peer: SIPPeer, trunk: Trunk,
         dialled: String, destination: Destination, configuration: HotlineConfiguration) {
        self.center = center
        self.loop = loop
        allowHeader = center.endpoint.configuration.validator.allowHeader
        userAgent = center.endpoint.configuration.userAgent
        self.invite = invite
        self.transaction = transaction
        self.peer = peer
        self.trunk = trunk
        self.configuration = configuration
        self.localTag = center.endpoint.makeTag()
        let caller = invite.from.uri.user ?? ""
        let facts = CallFacts(caller: caller, fromDomain: invite.from.uri.host, dialled: dialled)
        let flow: Flow
        switch destination {
        case .flow(let name): flow = configuration.flow(named: name) ?? Flow(name: name, steps: [], location: .init(file: "", line: 0, column: 0))
        case .queue(let name):
            flow = Flow(name: "number:\(dialled)", steps: [FlowStep(action: .queue(QueueAction(queue: name)), location: .init(file: "", line: 0, column: 0))],
                        location: .init(file: "", line: 0, column: 0))
        case .agent:
            flow = Flow(name: "number:\(dialled)", steps: [], location: .init(file: "", line: 0, column: 0))
        }
        machine = FlowMachine(configuration: configuration, flow: flow, call: facts, callID: invite.callID, trunk: trunk.name,
                              now: center.now)
        record = CallRecord(sipCallID: invite.callID, startedAt: center.now(), caller: caller, dialled: dialled)
        record.callerDomain = invite.from.uri.host
        record.trunk = trunk.name
        logger = center.logger
        logger[metadataKey: "call"] = "\(record.id)"
        if case .agent(let ext) = destination { directAgent = ext }
        lateOffer = invite.body.isEmpty
        if let value = invite.headers.fieldValues(.sessionExpires).first,
           let seconds = Int(value.prefix { $0.isNumber }), seconds >= 90 {
            sessionInterval = seconds
        }
    }

    private var directAgent: String?
    /// The queue whose callers this call counts among while its members ring.
    private var queued: String?
    /// Agent-leg INVITEs sent so far (each one's attempt number).
    private var attempts = 0
    /// The INVITE carried no SDP: our offer goes in the 200, the answer comes in the ACK.
    let lateOffer: Bool

    var dialogIDs: [SIPDialogID] { [callerDialog, agent?.dialog?.id].compactMap { $0 } }

    /// Runs `body` on this call's loop: at once when already there, otherwise queued in order.
    func onLoop(_ body: @escaping @Sendable () -> Void) {
        if loop.inEventLoop { body() } else { loop.execute(body) }
    }

    /// Runs `body` with the endpoint on its loop, after whatever SIP this call asked for before.
    private func sip(_ body: @escaping @Sendable (SIPEndpoint) -> Void) {
        let center = self.center
        center.onEndpoint { body(center.endpoint) }
    }

    /// Sends a response in the server transaction `key`.
    private func respond(_ response: SIPMessage, to key: TransactionKey) {
        sip { $0.respond(response, to: key) }
    }

    // MARK: Start

    /// Starts the call; `offer` is nil for an INVITE without SDP (late offer): our offer then goes in
    /// the 200 and the caller's answer comes in the ACK.
    func start(offer: SessionDescription?) {
        logger.info("call from trunk", metadata: [
            "trunk": "\(trunk.name)", "caller": "\(PhoneNumberMask.mask(record.caller))", "dialled": "\(record.dialled)",
        ])
        center.records?.started(record)
        CallMedia.open(on: loop, ports: center.ports, configuration: center.settings.media, logger: logger)
            .whenComplete { [self] result in
                switch result {
                case .failure(let error):
                    logger.error("no media port for the call", metadata: ["error": "\(error)"])
                    end(status: 503, by: .system, cause: "no-media-port")
                case .success(let media):
                    guard state != .ended else {
                        _ = media.close()
                        return
                    }
                    self.media = media
                    media.onEvent = { [weak self] event in self?.mediaEvent(event) }
                    do {
                        if let offer {
                            answerSDP = Array(try media.answerCaller(offer: offer).serialized().utf8)
                        } else {
                            answerSDP = Array(try media.offerCaller().serialized().utf8)
                        }
                    } catch {
                        logger.info("offer not acceptable", metadata: ["error": "\(error)"])
                        end(status: 488, by: .system, cause: "488 Not Acceptable Here")
                        return
                    }
                    if let ext = directAgent {
                        drain(machine.connectDirectly(.agent(ext)))
                    } else {
                        drain(machine.start())
                    }
                }
            }
    }

    // MARK: Flow commands

    /// Runs commands, then any events they caused, in order (media may report synchronously).
    private func drain(_ commands: [FlowCommand]) {
        guard state != .ended else { return }
        draining = true
        perform(commands)
        while !events.isEmpty, state != .ended {
            let event = events.removeFirst()
            perform(machine.handle(event))
        }
        draining = false
        events.removeAll()
    }

    private func feed(_ event: FlowEvent) {
        guard state != .ended else { return }
        if draining {
            events.append(event)
        } else {
            drain(machine.handle(event))
        }
    }

    private func perform(_ commands: [FlowCommand]) {
        for command in commands {
            guard state != .ended else { return }
            switch command {
            case .answer:
                answer()
            case .earlyMedia:
                earlyMedia()
            case .play(let id, let prompts, let bargeIn):
                let sources = resolve(prompts)
                guard let media, !sources.isEmpty else {
                    events.append(.promptFinished(id))
                    continue
                }
                playing = nil
                media.play(sources, bargeIn: bargeIn, loop: false)
                playing = id
            case .stopPlaying:
                playing = nil
                media?.stopPlaying()
            case .startTimer(let timer, let delay):
                startTimer("\(timer)", after: delay) { call in call.feed(.timerFired(timer)) }
            case .cancelTimer(let timer):
                cancelTimer("\(timer)")
            case .webhook(let request):
                let client = center.webhooks
                let loop = self.loop
                Task { [weak self] in
                    let result = await client.post(request)
                    guard let call = self else { return }
                    loop.execute { call.feed(.webhookAnswered(attempt: request.attempt, result)) }
                }
            case .connect(let target):
                connect(target)
            case .voicemail(let action):
                startVoicemail(action)
            case .hangup(let end):
                let cause: String
                switch end {
                case .completed: cause = "flow-completed"
                case .unreachable(let why): cause = "unreachable: \(why)"
                case .loop: cause = "flow-loop"
                }
                self.end(status: 480, by: .system, cause: cause)
            }
        }
    }

    private func resolve(_ prompts: [ConfiguredPrompt]) -> [PromptSource] {
        prompts.compactMap { prompt in
            do {
                return try center.prompts.source(for: prompt)
            } catch {
                logger.error("prompt not playable", metadata: ["prompt": "\(prompt)", "error": "\(error)"])
                return nil
            }
        }
    }

    private func startTimer(_ label: String, after delay: Duration, _ body: @escaping @Sendable (InboundCall) -> Void) {
        timers.removeValue(forKey: label)?.cancel()
        timers[label] = center.timers.schedule(label, after: delay, on: loop) { [weak self] in
            guard let self, self.timers.removeValue(forKey: label) != nil else { return }
            body(self)
        }
    }

    private func cancelTimer(_ label: String) {
        timers.removeValue(forKey: label)?.cancel()
    }

    // MARK: Answering

    /// Our Contact for a dialog over `transport` (the caller's, by default): the far end's
    /// in-dialog requests come back the same way.
    private func contact(_ transport: SIPTransportProtocol? = nil) -> SIPNameAddress {
        var uri = SIPURI(user: "hotline", host: center.settings.sipHost, port: center.settings.sipPort)
        if (transport ?? peer.transport) == .tcp { uri.parameters.set("transport", "tcp") }
        return SIPNameAddress(uri: uri)
    }

    private func answer() {
        guard state == .proceeding || state == .early else { return }
        var response = SIPResponseBuilder.response(to: invite, status: 200, toTag: localTag)
        response.contacts = [contact()]
        response.addHeader(.allow, allowHeader)
        response.addHeader(.supported, "timer")
        if let sessionInterval {
            response.addHeader(.sessionExpires, "\(sessionInterval);refresher=uac")
            if invite.headers.listValues(.supported).contains(where: { $0.lowercased() == "timer" }) {
                response.addHeader(.require, "timer")
            }
        }
        response.addHeader(.contentType, "application/sdp")
        response.body = answerSDP
        let dialog = SIPDialog(uasRequest: invite, response: response)
        callerDialog = dialog?.id
        let (center, key, ok) = (self.center, transaction, response)
        sip { endpoint in
            endpoint.respond(ok, to: key)
            if let dialog {
                center.register(dialog, for: self)
                center.awaitACK(dialog.id, transaction: key)
            }
        }
        state = .answered
        record.answeredAt = center.now()
        record.sipStatus = 200
        startTimer("max-duration", after: configuration.hotline.maxCallDuration) { call in
            call.end(by: .system, cause: "max-duration")
        }
        armSessionTimer()
        if let directory = center.settings.recordingsDirectory, let media {
            let day = Self.dayFormatter.string(from: record.startedAt)
            do {
                // The media engine creates the day's folder and the file off the loop.
                let path = directory + "/" + day + "/\(record.id.uuidString.lowercased()).wav"
                try media.startRecording(path: path)
                record.recording = path
            } catch {
                logger.error("recording not started", metadata: ["error": "\(error)"])
            }
        }
    }

    private static let dayFormatter: DateFormatter = {
        let f = DateFormatter()
        f.dateFormat = "yyyy-MM-dd"
        f.locale = Locale(identifier: "en_US_POSIX")
        return f
    }()

    private func earlyMedia() {
        guard state == .proceeding else { return }
        if media?.isAwaitingCallerAnswer == true {
            // Our offer may go only in a reliable response (RFC 3261 §13.2.1), and provisional ones are
            // not reliable here: a caller who sent no offer is answered, and hears the prompt after the ACK.
            logger.debug("late offer: answering instead of early media")
            answer()
            return
        }
        var response = SIPResponseBuilder.response(to: invite, status: 183, toTag: localTag)
        response.contacts = [contact()]
        response.addHeader(.contentType, "application/sdp")
        response.body = answerSDP
        respond(response, to: transaction)
        state = .early
    }

    /// RFC 4028: without a refresh within the interval, the session is over.
    private func armSessionTimer() {
        guard let sessionInterval else { return }
        startTimer("session", after: .seconds(sessionInterval)) { call in
            call.end(by: .system, cause: "session-expired")
        }
    }

    // MARK: Requests from the caller or the agent

    func cancelled() {
        guard state == .proceeding || state == .early else { return }
        respond(SIPResponseBuilder.response(to: invite, status: 487, toTag: localTag), to: transaction)
        record.sipStatus = 487
        finish(by: .caller, cause: "CANCEL")
    }

    func inDialog(_ request: SIPMessage, transaction key: TransactionKey, dialog: SIPDialogID) {
        let fromAgent = dialog == agent?.dialog?.id
        if state == .ended, request.method != .bye {
            // Ended while the request was on its way here: the dialog is being forgotten.
            respond(SIPResponseBuilder.response(to: request, status: 481), to: key)
            return
        }
        switch request.method {
        case .bye:
            let center = self.center
            sip { endpoint in
                endpoint.respond(SIPResponseBuilder.response(to: request, status: 200), to: key)
                center.forget(dialog)
            }
            if fromAgent { agent?.dialog = nil }
            end(by: fromAgent ? .agent : .caller, cause: "BYE")
        case .invite where !fromAgent:
            reinvite(request, transaction: key)
        case .update:
            if !fromAgent { armSessionTimer() }
            var response = SIPResponseBuilder.response(to: request, status: 200)
            if let sessionInterval, !fromAgent { response.addHeader(.sessionExpires, "\(sessionInterval);refresher=uac") }
            respond(response, to: key)
        case .info:
            if request.contentType?.lowercased().hasPrefix("application/dtmf-relay") == true,
               let event = try? DTMFRelay.parse(String(decoding: request.body, as: UTF8.self)) {
                if !fromAgent { media?.injectDigit(event.digit) }
                respond(SIPResponseBuilder.response(to: request, status: 200), to: key)
            } else if request.body.isEmpty {
                respond(SIPResponseBuilder.response(to: request, status: 200), to: key)
            } else {
                var response = SIPResponseBuilder.response(to: request, status: 415)
                response.addHeader(.accept, "application/dtmf-relay")
                respond(response, to: key)
            }
        case .invite:
            // A re-INVITE from the agent: keep the media as it is.
            var response = SIPResponseBuilder.response(to: request, status: 488)
            response.addHeader(.warning, "399 hotline \"media changes from the agent side are not supported\"")
            respond(response, to: key)
        default:
            respond(SIPResponseBuilder.response(to: request, status: 405), to: key)
        }
    }

    /// The ACK for a 200 that carried our offer (late offer): its SDP is the caller's answer. Without a
    /// usable one, a call that has no media yet is ended; a running one keeps its media as it was.
    func acknowledged(_ ack: SIPMessage) {
        guard state == .answered, let media, media.isAwaitingCallerAnswer else { return }
        let running = media.isCallerAnswered
        do {
            guard !ack.body.isEmpty else { throw SDPError.missingLine("v=") }
            try media.callerAnswered(try SessionDescription(parsing: ack.body))
        } catch {
            media.withdrawCallerOffer()
            logger.info("no usable answer to our offer in the ACK", metadata: ["error": "\(error)"])
            if !running { end(by: .system, cause: "no-answer-in-ack") }
        }
    }

    /// A re-INVITE from the caller: hold, resume, a new address, or a session refresh.
    private func reinvite(_ request: SIPMessage, transaction key: TransactionKey) {
        var response = SIPResponseBuilder.response(to: request, status: 200)
        do {
            guard let media else { throw CallMediaError.callerNotAnswered }
            if request.body.isEmpty {
                // No offer (a refresh, or a late offer): ours goes in the 200, the answer in the ACK.
                answerSDP = Array(try media.offerCaller().serialized().utf8)
            } else {
                let offer = try SessionDescription(parsing: request.body)
                answerSDP = Array(try media.updateCaller(offer: offer).serialized().utf8)
            }
        } catch {
            var refusal = SIPResponseBuilder.response(to: request, status: 488)
            refusal.addHeader(.warning, "399 hotline \"\(error)\"")
            respond(refusal, to: key)
            return
        }
        response.contacts = [contact()]
        if let sessionInterval { response.addHeader(.sessionExpires, "\(sessionInterval);refresher=uac") }
        response.addHeader(.contentType, "application/sdp")
        response.body = answerSDP
        respond(response, to: key)
        if let callerDialog {
            let center = self.center
            sip { _ in center.awaitACK(callerDialog, transaction: key) }
        }
        armSessionTimer()
    }

    // MARK: Media events

    private func mediaEvent(_ event: CallMediaEvent) {
        switch event {
        case .digit(let digit):
            if voicemail != nil, digit == .pound {
                cancelTimer("voicemail")
                voicemail = nil
                feed(.voicemailFinished)
                return
            }
            feed(.digit(digit.character))
        case .promptEnded(.completed):
            if let id = playing {
                playing = nil
                feed(.promptFinished(id))
            } else if let action = voicemail, !timers.keys.contains("voicemail") {
                // Greeting and beep played: the caller speaks now (the call recording keeps it).
                startTimer("voicemail", after: action.maxLength) { call in
                    call.voicemail = nil
                    call.feed(.voicemailFinished)
                }
            }
        case .promptEnded(.bargeIn):
            playing = nil
        case .promptEnded(.stopped):
            break
        case .mediaTimeout(let side):
            logger.info("no media from the \(side == .caller ? "caller" : "agent")")
            end(by: .system, cause: "media-timeout")
        }
    }

    private func startVoicemail(_ action: VoicemailAction) {
        voicemail = action
        record.variables["voicemail"] = action.mailbox
        var sources = action.greeting.map { resolve([$0]) } ?? []
        if action.beep { sources.append(.tone(.beep)) }
        playing = nil
        if let media, !sources.isEmpty {
            media.play(sources, bargeIn: false, loop: false)
        } else {
            mediaEvent(.promptEnded(.completed))
        }
    }

    // MARK: Connecting

    private func connect(_ target: ConnectTarget) {
        if case .queue(let name) = target { record.queue = name }
        connectStartedAt = connectStartedAt ?? center.now()
        // Who to ring is the endpoint's knowledge (registrations, queue turns).
        let (center, configuration) = (self.center, self.configuration)
        center.onEndpoint {
            let (targets, ringTime, joined) = center.ringTargets(for: target, configuration: configuration)
            self.onLoop {
                if joined, case .queue(let name) = target {
                    guard self.state != .ended else {
                        center.onEndpoint { center.leftQueue(name) }
                        return
                    }
                    self.queued = name
                }
                self.ring(target, targets: targets, ringTime: ringTime)
            }
        }
    }

    /// The call no longer counts among its queue's callers.
    private func leaveQueue() {
        cancelTimer("max-wait")
        guard let name = queued else { return }
        queued = nil
        let center = self.center
        sip { _ in center.leftQueue(name) }
    }

    /// The queue's `max-wait` passed with nobody answering: stop ringing and take the overflow branch.
    private func queueWaitOver() {
        guard state != .ended, let leg = agent, leg.dialog == nil, let media else { return }
        cancelTimer("ring")
        cancelAgentInvite()
        agent = nil
        media.stopPlaying()
        leaveQueue()
        feed(.connectFailed("max-wait"))
    }

    private func ring(_ target: ConnectTarget, targets: [RingTarget], ringTime: Duration) {
        guard state != .ended else { return }
        guard !targets.isEmpty, media != nil else {
            feed(.connectFailed("nobody available"))
            return
        }
        if state == .proceeding {
            // Not answered yet (a transfer straight from the routing): the caller's phone rings
            // until the far end answers, and the call is answered then.
            var ringing = SIPResponseBuilder.response(to: invite, status: 180, toTag: localTag)
            ringing.contacts = [contact()]
            respond(ringing, to: transaction)
        }
        var hold: [PromptSource] = [.tone(.chinaRingback)]
        if case .queue(let name) = target, let prompt = configuration.queue(named: name)?.holdPrompt {
            hold = resolve([prompt]) + [.silence(.seconds(2))]
        }
        playing = nil
        media?.play(hold, bargeIn: false, loop: true)
        agent = AgentLeg(target: target, candidates: targets, ringTime: ringTime)
        if case .queue(let name) = target, let maxWait = configuration.queue(named: name)?.maxWait {
            startTimer("max-wait", after: maxWait) { call in call.queueWaitOver() }
        }
        ringNext()
    }

    private func ringNext() {
        guard state != .ended, let media, var leg = agent else { return }
        guard !leg.candidates.isEmpty else {
            agent = nil
            media.stopPlaying()
            leaveQueue()
            feed(.connectFailed("no answer"))
            return
        }
        let candidate = leg.candidates.removeFirst()
        // Numbered across the whole call: a late answer to an attempt of an earlier connect step (a 487
        // after max-wait, say) must not pass for one of this step's.
        attempts += 1
        leg.attempt = attempts
        let attempt = leg.attempt
        agent = leg
        media.openAgentLeg().whenComplete { [self] result in
            guard state != .ended, agent?.attempt == attempt else { return }
            switch result {
            case .failure(let error):
                logger.error("no media port for the agent leg", metadata: ["error": "\(error)"])
                agent?.candidates.removeAll()
                ringNext()
            case .success(let offer):
                sendAgentInvite(to: candidate, offer: offer, attempt: attempt)
            }
        }
    }

    /// A top Via with a new branch for a request we send over `transport`.
    private func via(_ transport: SIPTransportProtocol) -> SIPVia {
        var parameters = SIPParameters()
        parameters.set("rport", nil)
        return SIPVia(transport: transport.rawValue, host: center.settings.sipHost, port: center.settings.sipPort,
                      branch: tags.branch(), parameters: parameters)
    }

    private func sendAgentInvite(to candidate: RingTarget, offer: SessionDescription, attempt: Int) {
        var fromParameters = SIPParameters()
        fromParameters.set("tag", tags.tag())
        var target = candidate.uri
        target.headers = nil
        let callerURI = SIPURI(user: record.caller.isEmpty ? "anonymous" : record.caller, host: center.settings.sipHost)
        var to = SIPNameAddress(uri: target)
        to.parameters = SIPParameters()
        var headers = SIPHeaders()
        headers.add(.allow, allowHeader)
        headers.add(.contentType, "application/sdp")
        headers.add(.userAgent, userAgent)
        let invite = SIPMessage(
            startLine: .request(method: .invite, uri: target), via: [via(candidate.transport)],
            from: SIPNameAddress(displayName: "\"\(record.dialled)\"", uri: callerURI, parameters: fromParameters),
            to: to, callID: UUID.random().uuidString.lowercased() + "@" + center.settings.sipHost, cseq: SIPCSeq(1, .invite),
            maxForwards: 70, contacts: [contact(candidate.transport)], extraHeaders: headers, body: Array(offer.serialized().utf8))
        agent?.ringing = candidate
        agent?.digest = candidate.credentials
        // The transport's socket for the address is the endpoint's to look up.
        let center = self.center
        center.onEndpoint {
            let peer = center.peer(candidate.transport, candidate.address)
            self.onLoop {
                guard self.state != .ended, self.agent?.attempt == attempt else { return }
                guard let peer else {
                    self.ringNext()
                    return
                }
                self.send(invite, to: peer, attempt: attempt)
                self.startTimer("ring", after: self.agent?.ringTime ?? .seconds(30)) { call in
                    call.cancelAgentInvite()
                }
            }
        }
    }

    /// Sends an INVITE of the agent leg in a new client transaction.
    private func send(_ invite: SIPMessage, to peer: SIPPeer, attempt: Int) {
        agent?.invite = invite
        agent?.peer = peer
        sip { endpoint in
            endpoint.send(invite, to: peer, onResponse: { [weak self] response in
                guard let call = self else { return }
                call.onLoop { call.agentResponse(response, attempt: attempt, invite: invite, peer: peer) }
            }, onTimeout: { [weak self] in
                guard let call = self else { return }
                call.onLoop {
                    guard call.agent?.attempt == attempt else { return }
                    call.cancelTimer("ring")
                    call.ringNext()
                }
            })
        }
    }

    /// Sends a request outside any transaction's answer handling (CANCEL, BYE).
    private func send(_ request: SIPMessage, to peer: SIPPeer) {
        sip { $0.send(request, to: peer, onResponse: { _ in }) }
    }

    /// A carrier's 401/407 to an INVITE through its trunk: the same INVITE again, one CSeq on,
    /// with the trunk's digest credentials. False when there is nothing to answer it with.
    private func authenticate(_ response: SIPMessage, invite: SIPMessage, peer: SIPPeer, attempt: Int) -> Bool {
        guard var digest = agent?.digest, invite.headers.fieldValues(.authorization).isEmpty,
              invite.headers.fieldValues(.proxyAuthorization).isEmpty,
              let (name, value) = digest.answer(response, to: invite) else { return false }
        agent?.digest = digest
        var retry = invite
        retry.via = [via(peer.transport)]
        retry.cseq = SIPCSeq(invite.cseq.sequence + 1, .invite)
        retry.addHeader(name, value)
        send(retry, to: peer, attempt: attempt)
        return true
    }

    /// Gives up ringing the current candidate: CANCEL (its 487 then rings the next).
    private func cancelAgentInvite() {
        guard let leg = agent, let invite = leg.invite, let peer = leg.peer, leg.dialog == nil,
              let uri = invite.requestURI else { return }
        let cancel = SIPMessage(startLine: .request(method: .cancel, uri: uri), via: [invite.via[0]], from: invite.from,
                                to: invite.to, callID: invite.callID, cseq: SIPCSeq(invite.cseq.sequence, .cancel), maxForwards: 70)
        send(cancel, to: peer)
    }

    private func agentResponse(_ response: SIPMessage, attempt: Int, invite: SIPMessage, peer: SIPPeer) {
        guard let status = response.statusCode, status >= 200 else { return }
        let current = agent?.attempt == attempt && state != .ended
        if (200..<300).contains(status) {
            guard var dialog = SIPDialog(uacRequest: invite, response: response) else { return }
            let ack = dialog.makeACK(inviteSequence: invite.cseq.sequence, via: via(peer.transport))
            sip { $0.sendStateless(ack, to: peer) }
            if let existing = agent?.dialog, existing.id == dialog.id { return }   // a retransmitted 2xx
            guard current, agent?.dialog == nil else {
                // Answered too late (the caller left, or we rang on): hang it up.
                let bye = dialog.makeRequest(.bye, via: via(peer.transport))
                send(bye, to: peer)
                return
            }
            cancelTimer("ring")
            do {
                let answer = try SessionDescription(parsing: response.body)
                media?.stopPlaying()
                try media?.agentAnswered(answer)
            } catch {
                logger.info("agent's answer not usable", metadata: ["error": "\(error)"])
                let bye = dialog.makeRequest(.bye, via: via(peer.transport))
                send(bye, to: peer)
                ringNext()
                return
            }
            leaveQueue()
            answer()
            agent?.dialog = dialog
            agent?.answeredAt = center.now()
            let (center, connected) = (self.center, dialog)
            let ext = agent?.ringing?.agent
            sip { _ in
                center.register(connected, for: self)
                if let ext { center.agentConnected(ext) }
            }
            record.agent = ext
            if let started = connectStartedAt { record.waitSeconds = center.now().timeIntervalSince(started) }
            machine.didConnect(agent!.target)
            logger.info("caller connected", metadata: ["agent": "\(ext ?? agent?.ringing?.uri.description ?? "?")"])
        } else if current {
            if status == 401 || status == 407, authenticate(response, invite: invite, peer: peer, attempt: attempt) { return }
            cancelTimer("ring")
            ringNext()
        }
    }

    // MARK: Ending

    /// Ends the call from our side or the far side's: a final answer if none was sent, BYE to
    /// whichever legs are still up, then the record.
    func end(status: Int = 480, by party: HangupParty, cause: String) {
        guard state != .ended else { return }
        switch state {
        case .proceeding, .early:
            respond(SIPResponseBuilder.response(to: invite, status: status, toTag: localTag), to: transaction)
            record.sipStatus = status
        case .answered:
            if party != .caller, let id = callerDialog {
                // The endpoint keeps the caller's dialog current (route set, remote target, CSeq).
                let (via, peer) = (via(peer.transport), peer)
                sip { endpoint in
                    guard var dialog = endpoint.dialogs[id] else { return }
                    endpoint.send(dialog.makeRequest(.bye, via: via), to: peer, onResponse: { _ in })
                }
            }
        case .ended:
            break
        }
        finish(by: party, cause: cause)
    }

    private func finish(by party: HangupParty, cause: String) {
        guard state != .ended else { return }
        state = .ended
        for timer in timers.values { timer.cancel() }
        timers.removeAll()
        _ = machine.callEnded()
        leaveQueue()
        if let leg = agent {
            if var dialog = leg.dialog, party != .agent, let peer = leg.peer {
                send(dialog.makeRequest(.bye, via: via(peer.transport)), to: peer)
            } else if leg.dialog == nil {
                cancelAgentInvite()
            }
        }
        let endedAt = center.now()
        record.endedAt = endedAt
        record.hangupBy = party
        record.hangupCause = cause
        record.steps = machine.steps
        record.digits = machine.digits
        record.variables.merge(machine.variables) { _, new in new }
        if record.queue == nil { record.queue = machine.queue }
        if let answered = record.answeredAt {
            record.disposition = .answered
            record.cost = trunk.pricing.cost(ofCallSeconds: endedAt.timeIntervalSince(answered))
        } else {
            record.disposition = party == .caller ? .abandoned : .failed
        }
        if let bridged = agent?.answeredAt { record.talkSeconds = endedAt.timeIntervalSince(bridged) }
        if record.waitSeconds == nil, let started = connectStartedAt { record.waitSeconds = endedAt.timeIntervalSince(started) }
        logger.info("call ended", metadata: [
            "by": "\(party.rawValue)", "cause": "\(cause)", "caller": "\(PhoneNumberMask.mask(record.caller))",
            "disposition": "\(record.disposition.rawValue)",
        ])
        guard let media else {
            finished()
            return
        }
        media.onEvent = nil
        media.close().whenComplete { [self] result in
            if case .success(let summary) = result {
                record.callerMedia = summary.caller.map(LegMediaStatistics.init)
                record.agentMedia = summary.agent.map(LegMediaStatistics.init)
                if summary.recordingPath == nil { record.recording = nil }
            }
            finished()
        }
    }

    /// Hands the record over and lets the center forget the call.
    private func finished() {
        let (center, record, dialogs) = (self.center, self.record, dialogIDs)
        sip { _ in center.callFinished(self, record: record, dialogs: dialogs) }
    }
}

/// Tags and branches for the requests and responses a call makes on its own loop: a per-call
/// sequence from a random start (the endpoint's generator belongs to the endpoint's loop).
struct TagSource {
    private var state = UInt64.random(in: 1...UInt64.max)

    mutating func tag() -> String {
        state &+= 0x9E37_79B9_7F4A_7C15
        return String(state, radix: 36)
    }

    mutating func branch() -> String { SIPVia.magicCookie + "-" + tag() + tag() }
}

/// The agent side of a call while it rings and once connected.
struct AgentLeg {
    var target: ConnectTarget
    var candidates: [RingTarget]
    var ringTime: Duration
    var attempt = 0
    var ringing: RingTarget?
    var invite: SIPMessage?
    var peer: SIPPeer?
    var dialog: SIPDialog?
    var answeredAt: Date?
    /// Credentials for a carrier's challenge, when ringing out through a trunk.
    var digest: DigestClient?
}

extension LegMediaStatistics {
    init(_ statistics: LegStatistics) {
        // RFC 3550's cumulative loss goes negative with duplicates; the record counts what went missing.
        self.init(packetsReceived: statistics.packetsReceived, packetsSent: statistics.packetsSent,
                  packetsLost: max(0, statistics.packetsLost), jitterMilliseconds: statistics.jitterMilliseconds,
                  maxGapMilliseconds: statistics.maxGapMilliseconds)
    }
}
