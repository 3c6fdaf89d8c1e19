import Foundation
import Logging
import NIOCore
import NIOPosix

/// The media of one call: the caller's RTP leg, optionally an agent's, the
/// bridge between them, prompts to the caller, digits from the caller and
/// the stereo recording. A SwiftNIO shell around the sans-I/O cores
/// (``SDPNegotiator``, ``MediaLeg``, ``MediaBridge``, ``PromptPlayer``,
/// ``StereoRecordingBuffer``).
///
/// Confined to one event loop: every method must be called on
/// ``eventLoop`` and ``onEvent`` is called there. Events are delivered
/// synchronously when they happen (a packet arrived, a tick, or inside
/// ``stopPlaying()`` / ``play(_:bargeIn:loop:)`` / ``agentAnswered(_:)`` for
/// the prompt they stop), after the media's own state is updated, so the
/// handler may call any method, ``close()`` included. No event follows
/// ``close()``.
///
/// Time: every call on a loop is driven by that loop's one 20 ms clock
/// (`MediaTicker`), at absolute deadlines on the monotonic clock
/// (``MediaClock``). On each tick the bridge produces prompt, silence or
/// music frames; relayed audio is sent as it arrives (no jitter buffer).
/// Every 500 ms the recording is drained and written on
/// `NIOThreadPool.singleton`, in one job per turn of the loop for all its
/// calls (``RecordingWrites``; file I/O, creating the file included, never
/// blocks the loop); every second each leg is
/// checked for dead media; every 5 s an RTCP report is sent.
///
/// Ports come from an ``RTPPortPool`` and go back to it when ``close()``
/// completes, whatever happened before. A `CallMedia` that is never closed
/// keeps its ports: always close it.
public final class CallMedia: MediaTickable, @unchecked Sendable {
    // What every packet touches comes first, so it shares cache lines; negotiation state comes after.
    private var closing: EventLoopFuture<CallMediaSummary>?
    private var bridge: MediaBridge?
    private var recording: Recording?
    private let callerSocket: RTPSocket
    private var agentSocket: RTPSocket?
    private var callerLeg: MediaLeg<SocketAddress>?
    private var agentLeg: MediaLeg<SocketAddress>?

    /// The loop this call's media lives on.
    public let eventLoop: any EventLoop
    public let configuration: CallMediaConfiguration
    private let ports: RTPPortPool
    private let logger: Logger
    private var callerNegotiator: SDPNegotiator
    /// Our offer to the caller (late offer), until its answer arrives.
    private var callerOffer: SessionDescription?

    private var agentOpening: EventLoopFuture<SessionDescription>?
    private var agentNegotiator: SDPNegotiator?
    private var agentOffer: SessionDescription?
    private var lastAgentStatistics: LegStatistics?

    /// A playlist asked for before the caller was answered; it starts when the bridge exists.
    private var pendingPrompt: (playlist: [PromptSource], bargeIn: Bool, loop: Bool)?
    /// Whether a playlist to the caller is in progress (every ``play(_:bargeIn:loop:)`` ends with one `.promptEnded`).
    private var promptInProgress = false
    private var ticks = 0
    /// Spreads the periodic work of many calls over different ticks.
    private let phase = Int.random(in: 0..<250)
    var tickerSlot = -1
    private var ticker: MediaTicker?

    /// Called on ``eventLoop`` for each event.
    public var onEvent: ((CallMediaEvent) -> Void)?

    static let recordingFlushTicks = 25
    static let mediaCheckTicks = 50
    static let rtcpTicks = 250

    private init(eventLoop: any EventLoop, ports: RTPPortPool, configuration: CallMediaConfiguration, logger: Logger, callerSocket: RTPSocket) {
        self.eventLoop = eventLoop
        self.ports = ports
        self.configuration = configuration
        self.callerSocket = callerSocket
        var logger = logger
        logger[metadataKey: "rtp-port"] = "\(callerSocket.port)"
        self.logger = logger
        callerNegotiator = SDPNegotiator(capabilities: configuration.capabilities,
                                         localAddress: SDPConnection(address: configuration.advertisedAddress),
                                         sessionID: String(UInt32.random(in: 1...UInt32.max)))
    }

    /// Binds the caller leg's RTP port (and RTCP port) from `ports` on `eventLoop`. Callable from any thread;
    /// the future completes on `eventLoop`.
    public static func open(on eventLoop: any EventLoop, ports: RTPPortPool, configuration: CallMediaConfiguration,
                            logger: Logger) -> EventLoopFuture<CallMedia> {
        let target = DatagramTarget()
        return RTPSocket.bind(on: eventLoop, host: configuration.bindHost, pool: ports, rtcp: configuration.rtcp) { datagram in
            target.media?.received(datagram, on: .caller)
        }.map { socket in
            let media = CallMedia(eventLoop: eventLoop, ports: ports, configuration: configuration, logger: logger, callerSocket: socket)
            target.media = media
            return media
        }
    }

    /// The caller leg's RTP port (RTCP is the next port).
    public var callerPort: Int { callerSocket.port }

    /// The agent leg's RTP port, once ``openAgentLeg()`` bound it.
    public var agentPort: Int? { agentSocket?.port }

    /// Whether the caller's offer was answered.
    public var isCallerAnswered: Bool { callerLeg != nil }

    /// Whether a playlist is playing (or waiting for the answer) to the caller.
    public var isPlaying: Bool { promptInProgress }

    private var isOpen: Bool { closing == nil }

    // MARK: Caller leg

    /// Answers the caller's offer (SDPNegotiator): picks the codec and telephone-event (or in-band DTMF), starts
    /// receiving and the 20 ms tick; a playlist asked for earlier starts now. Calling it again is a re-offer
    /// (``updateCaller(offer:)``). Throws ``CallMediaError/sdp(_:)`` or ``CallMediaError/unsupportedAddress(_:)``
    /// (``CallMediaError/isNotAcceptableHere``: answer 488), or ``CallMediaError/closed``.
    public func answerCaller(offer: SessionDescription) throws(CallMediaError) -> SessionDescription {
        eventLoop.assertInEventLoop()
        guard isOpen else { throw .closed }
        var negotiator = callerNegotiator
        let answer: SessionDescription, audio: NegotiatedAudio
        do { (answer, audio) = try negotiator.answer(offer, rtpPort: callerPort) } catch { throw .sdp(error) }
        let address = try Self.socketAddress(audio)
        callerNegotiator = negotiator
        callerOffer = nil
        startCallerLeg(audio, address: address)
        return answer
    }

    /// Our offer to a caller whose INVITE (or re-INVITE) carried none — a late offer, RFC 3261 §13.2.1: it goes
    /// in the 200, and the caller's answer comes in the ACK (``callerAnswered(_:)``). Until then the caller
    /// hears nothing and a playlist waits. Asked again before the answer, it returns the same offer (for a
    /// retransmitted INVITE).
    public func offerCaller() throws(CallMediaError) -> SessionDescription {
        eventLoop.assertInEventLoop()
        guard isOpen else { throw .closed }
        if let callerOffer { return callerOffer }
        let offer = callerNegotiator.makeOffer(rtpPort: callerPort)
        callerOffer = offer
        return offer
    }

    /// Whether an offer from ``offerCaller()`` still waits for the caller's answer.
    public var isAwaitingCallerAnswer: Bool { callerOffer != nil }

    /// Forgets an offer from ``offerCaller()`` that got no usable answer: the media stays as it was.
    public func withdrawCallerOffer() {
        eventLoop.assertInEventLoop()
        callerOffer = nil
    }

    /// The caller's answer (in the ACK) to ``offerCaller()``: starts (or, on a re-INVITE, updates) the caller leg
    /// as ``answerCaller(offer:)`` does. Throws like it, or ``CallMediaError/noCallerOffer``.
    public func callerAnswered(_ answer: SessionDescription) throws(CallMediaError) {
        eventLoop.assertInEventLoop()
        guard isOpen else { throw .closed }
        guard let offer = callerOffer else { throw .noCallerOffer }
        let audio: NegotiatedAudio
        do { audio = try callerNegotiator.process(answer: answer, to: offer) } catch { throw .sdp(error) }
        let address = try Self.socketAddress(audio)
        callerOffer = nil
        startCallerLeg(audio, address: address)
    }

    /// Starts the caller leg, the bridge, the tick and a waiting playlist; for a leg that runs, applies a
    /// new negotiation (hold, resume, codec, address).
    private func startCallerLeg(_ audio: NegotiatedAudio, address: SocketAddress) {
        if callerLeg != nil {
            callerLeg!.renegotiated(audio)
            callerLeg!.retarget(to: address)
            bridge!.setCodec(audio.codec, for: .caller)
            return
        }
        let now = MediaClock.now()
        callerLeg = MediaLeg(audio: audio, signalledAddress: address, start: now, deadMediaTimeout: configuration.deadMediaTimeout,
                             cname: configuration.cname)
        bridge = MediaBridge(callerCodec: audio.codec)
        let ticker = MediaTicker.ticker(for: eventLoop)
        self.ticker = ticker
        ticker.add(self)
        if let pending = pendingPrompt {
            pendingPrompt = nil
            bridge!.play(PromptPlayer(playlist: pending.playlist, loops: pending.loop, allowsBargeIn: pending.bargeIn,
                                     start: ticker.nextTick(after: now),
                                     maxBurst: configuration.promptCatchUpFrames), to: .caller)
        }
        logger.debug("caller answered", metadata: ["codec": "\(audio.codec)", "remote": "\(address)",
                                                   "dtmf": "\(audio.usesInbandDTMF ? "in-band" : "rfc4733")"])
    }

    /// Answers a re-INVITE from the caller: hold (`sendonly`/`inactive`/`c=0.0.0.0`), resume, a new address
    /// (the latch starts afresh) or codec. Same errors as ``answerCaller(offer:)``.
    public func updateCaller(offer: SessionDescription) throws(CallMediaError) -> SessionDescription {
        try answerCaller(offer: offer)
    }

    private static func socketAddress(_ audio: NegotiatedAudio) throws(CallMediaError) -> SocketAddress {
        do { return try SocketAddress(ipAddress: audio.remoteAddress.address, port: audio.remotePort) } catch {
            throw .unsupportedAddress(audio.remoteAddress.address)
        }
    }

    // MARK: Prompts and digits

    /// Plays a playlist to the caller, replacing what it hears (a playlist in progress ends with
    /// `.promptEnded(.stopped)` first). It ends with one `.promptEnded`: `.completed`, `.bargeIn(digit)` when
    /// `bargeIn` and the caller pressed a key, or `.stopped`. With `loop` it repeats until stopped (music on hold).
    /// Before the caller is answered the playlist waits and starts with the answer. While an agent is connected
    /// the caller hears the prompt instead of the agent until it ends.
    public func play(_ playlist: [PromptSource], bargeIn: Bool, loop: Bool) {
        eventLoop.assertInEventLoop()
        guard isOpen else { return }
        endPromptInProgress()
        guard isOpen else { return }
        promptInProgress = true
        if bridge != nil {
            bridge!.play(PromptPlayer(playlist: playlist, loops: loop, allowsBargeIn: bargeIn, start: promptStart(),
                                     maxBurst: configuration.promptCatchUpFrames), to: .caller)
        } else {
            pendingPrompt = (playlist, bargeIn, loop)
        }
    }

    /// When a prompt starting now has its first frame due: the next tick of this loop's clock, so every frame
    /// falls due on a tick and tick jitter of less than 20 ms never delays one into the following tick.
    private func promptStart() -> Duration {
        let now = MediaClock.now()
        return ticker?.nextTick(after: now) ?? now
    }

    /// Stops the playlist to the caller (it ends with `.promptEnded(.stopped)`, delivered before this returns).
    /// Nothing happens when nothing plays.
    public func stopPlaying() {
        eventLoop.assertInEventLoop()
        guard isOpen else { return }
        endPromptInProgress()
    }

    /// Stops a prompt in progress and reports it.
    private func endPromptInProgress() {
        guard promptInProgress else { return }
        promptInProgress = false
        pendingPrompt = nil
        if bridge?.isPlaying(to: .caller) == true {
            bridge!.setSource(bridge!.codec(of: .agent) != nil ? .peer : .silence, for: .caller)
        }
        emit(.promptEnded(.stopped))
    }

    /// A digit the caller sent by SIP INFO (`application/dtmf-relay`): handled like one from RTP.
    public func injectDigit(_ digit: DTMFDigit) {
        eventLoop.assertInEventLoop()
        guard isOpen else { return }
        callerDigit(digit)
    }

    private func callerDigit(_ digit: DTMFDigit) {
        if bridge != nil {
            let actions = bridge!.digit(digit, from: .caller)
            perform(actions)
        } else if let pending = pendingPrompt, pending.bargeIn {
            pendingPrompt = nil
            promptInProgress = false
            emit(.promptEnded(.bargeIn(digit)))
        }
        guard isOpen else { return }
        emit(.digit(digit))
    }

    // MARK: Agent leg

    /// Binds a second port for the agent leg and returns our offer for the INVITE to the agent. Calling it
    /// again before ``agentAnswered(_:)`` returns a fresh offer on the same port (a retry to another agent).
    public func openAgentLeg() -> EventLoopFuture<SessionDescription> {
        eventLoop.assertInEventLoop()
        guard isOpen else { return eventLoop.makeFailedFuture(CallMediaError.closed) }
        if let opening = agentOpening { return opening }
        if agentSocket != nil { return eventLoop.makeSucceededFuture(makeAgentOffer()) }
        let target = DatagramTarget()
        let opening = RTPSocket.bind(on: eventLoop, host: configuration.bindHost, pool: ports, rtcp: configuration.rtcp) { datagram in
            target.media?.received(datagram, on: .agent)
        }.flatMap { [self] socket -> EventLoopFuture<SessionDescription> in
            agentOpening = nil
            guard isOpen else {
                return socket.close().flatMapThrowing { throw CallMediaError.closed }
            }
            target.media = self
            agentSocket = socket
            agentNegotiator = SDPNegotiator(capabilities: configuration.capabilities,
                                            localAddress: SDPConnection(address: configuration.advertisedAddress),
                                            sessionID: String(UInt32.random(in: 1...UInt32.max)))
            return eventLoop.makeSucceededFuture(makeAgentOffer())
        }
        opening.whenFailure { [self] _ in agentOpening = nil }
        agentOpening = opening
        return opening
    }

    private func makeAgentOffer() -> SessionDescription {
        let offer = agentNegotiator!.makeOffer(rtpPort: agentSocket!.port)
        agentOffer = offer
        return offer
    }

    /// The agent's answer to our offer: bridges caller and agent (transcoding when their codecs differ). A
    /// prompt playing to the caller stops (`.promptEnded(.stopped)`). Calling it again (a re-INVITE answer)
    /// applies the new negotiation. Throws like ``answerCaller(offer:)``, or ``CallMediaError/noAgentLeg``,
    /// ``CallMediaError/callerNotAnswered``.
    public func agentAnswered(_ answer: SessionDescription) throws(CallMediaError) {
        eventLoop.assertInEventLoop()
        guard isOpen else { throw .closed }
        guard let offer = agentOffer, let negotiator = agentNegotiator else { throw .noAgentLeg }
        guard bridge != nil else { throw .callerNotAnswered }
        let audio: NegotiatedAudio
        do { audio = try negotiator.process(answer: answer, to: offer) } catch { throw .sdp(error) }
        let address = try Self.socketAddress(audio)
        if agentLeg != nil {
            agentLeg!.renegotiated(audio)
            agentLeg!.retarget(to: address)
            bridge!.setCodec(audio.codec, for: .agent)
            return
        }
        agentLeg = MediaLeg(audio: audio, signalledAddress: address, start: MediaClock.now(),
                            deadMediaTimeout: configuration.deadMediaTimeout, cname: configuration.cname)
        let wasPlaying = promptInProgress
        promptInProgress = false
        bridge!.connectAgent(codec: audio.codec)
        logger.debug("agent connected", metadata: ["codec": "\(audio.codec)", "remote": "\(address)"])
        if wasPlaying { emit(.promptEnded(.stopped)) }
    }

    /// Ends the agent leg (the agent hung up, or did not answer): the caller hears silence, the port goes back
    /// to the pool. Returns the leg's statistics (nil when it never answered). A new agent leg may be opened after.
    @discardableResult
    public func closeAgentLeg() -> EventLoopFuture<LegStatistics?> {
        eventLoop.assertInEventLoop()
        guard let socket = agentSocket else { return eventLoop.makeSucceededFuture(nil) }
        var statistics: LegStatistics?
        if let leg = agentLeg {
            statistics = LegStatistics(leg)
            lastAgentStatistics = statistics
            if configuration.rtcp { socket.sendRTCP(leg.rtcpGoodbye(), to: Self.rtcpAddress(leg.destination)) }
            bridge?.disconnectAgent()
        }
        agentLeg = nil
        agentSocket = nil
        agentOffer = nil
        agentNegotiator = nil
        let result = statistics
        return socket.close().map { result }
    }

    // MARK: Recording

    /// Records the call to a stereo WAV file (PCM 16-bit, 8 kHz): the caller on the left, the agent on the
    /// right; before an agent is connected, what is played to the caller is on the right. Written incrementally
    /// off the event loop (about every 500 ms, ``CallMediaConfiguration/recordingDelay`` behind real time); finalized by
    /// ``close()``. The file (and any missing parent folder) is created off the loop too: one that cannot be
    /// created is logged, nothing is written, and the summary of ``close()`` then has no recording.
    public func startRecording(path: String) throws(CallMediaError) {
        eventLoop.assertInEventLoop()
        guard isOpen else { throw .closed }
        guard recording == nil else { throw .alreadyRecording }
        recording = Recording(path: path, start: MediaClock.now(), configuration: configuration, eventLoop: eventLoop,
                              logger: logger)
    }

    // MARK: Close

    /// Stops the tick, sends RTCP BYE, writes the rest of the recording and finalizes its header, closes the
    /// sockets and gives the ports back. Idempotent: later calls return the same future. The summary carries
    /// each leg's statistics and the recording's path and length.
    public func close() -> EventLoopFuture<CallMediaSummary> {
        eventLoop.assertInEventLoop()
        if let closing { return closing }
        let promise = eventLoop.makePromise(of: CallMediaSummary.self)
        closing = promise.futureResult
        ticker?.remove(self)
        ticker = nil
        onEvent = nil
        pendingPrompt = nil
        promptInProgress = false

        var summary = CallMediaSummary()
        if let leg = callerLeg {
            summary.caller = LegStatistics(leg)
            if configuration.rtcp { callerSocket.sendRTCP(leg.rtcpGoodbye(), to: Self.rtcpAddress(leg.destination)) }
        }
        var closes = [callerSocket.close()]
        let agentClosed = closeAgentLeg().map { _ in () }
        closes.append(agentClosed)
        if let opening = agentOpening {
            // A bind in flight sees the call closed and closes its socket itself.
            closes.append(opening.map { _ in () }.recover { _ in () })
        }
        summary.agent = lastAgentStatistics
        var recordingDone: EventLoopFuture<Double?> = eventLoop.makeSucceededFuture(nil)
        if let recording {
            summary.recordingPath = recording.path
            recordingDone = recording.finish(now: MediaClock.now())
            self.recording = nil
        }
        bridge = nil
        let partial = summary
        EventLoopFuture.whenAllComplete(closes, on: eventLoop).and(recordingDone).whenComplete { result in
            var summary = partial
            if case let .success((_, seconds)) = result { summary.recordingSeconds = seconds }
            // A file that was never created is no recording.
            if summary.recordingSeconds == nil { summary.recordingPath = nil }
            promise.succeed(summary)
        }
        return promise.futureResult
    }

    // MARK: I/O

    private static func rtcpAddress(_ rtp: SocketAddress) -> SocketAddress {
        var address = rtp
        if let port = rtp.port { address.port = port + 1 }
        return address
    }

    private func received(_ datagram: RTPDatagram, on side: BridgeSide) {
        guard isOpen else { return }
        let arrival = MediaClock.offset(of: datagram.arrival)
        let events: [MediaLegEvent]
        switch side {
        case .caller:
            guard callerLeg != nil else { return }
            events = callerLeg!.receive(datagram.data, from: datagram.source, arrival: arrival)
        case .agent:
            guard agentLeg != nil else { return }
            events = agentLeg!.receive(datagram.data, from: datagram.source, arrival: arrival)
        }
        for event in events {
            guard isOpen else { return }
            switch event {
            case let .audio(payload, timestamp, ssrc):
                perform(bridge!.receive(payload: payload, from: side, timestamp: timestamp, ssrc: ssrc, arrival: arrival))
            case let .digit(event):
                if side == .caller { callerDigit(event.digit) }
            case .latched:
                logger.trace("media latched", metadata: ["side": "\(side)", "source": "\(datagram.source)"])
            case .rtcp, .dropped:
                break
            }
        }
    }

    /// Sends the bridge's frames, feeds the recording and reports ended prompts.
    private func perform(_ actions: BridgeActions) {
        for frame in actions.frames { send(frame) }
        if let recording {
            for item in actions.tap { recording.add(item) }
        }
        for (side, reason) in actions.promptsEnded where side == .caller && promptInProgress {
            promptInProgress = false
            emit(.promptEnded(reason))
        }
    }

    private func send(_ frame: BridgeFrame) {
        switch frame.side {
        case .caller:
            guard callerLeg != nil, let packet = callerLeg!.packet(for: frame) else { return }
            callerSocket.send(packet, to: callerLeg!.destination)
        case .agent:
            guard agentLeg != nil, let socket = agentSocket, let packet = agentLeg!.packet(for: frame) else { return }
            socket.send(packet, to: agentLeg!.destination)
        }
    }

    func tick(now: Duration) {
        guard isOpen, bridge != nil else { return }
        ticks += 1
        perform(bridge!.tick(now: now))
        guard isOpen else { return }
        let t = ticks + phase
        if let recording, t % Self.recordingFlushTicks == 0 { recording.flush(now: now) }
        if t % Self.mediaCheckTicks == 0 {
            if callerLeg?.checkMedia(now: now) != nil { emit(.mediaTimeout(.caller)) }
            if isOpen, agentLeg?.checkMedia(now: now) != nil { emit(.mediaTimeout(.agent)) }
        }
        if isOpen, configuration.rtcp, t % Self.rtcpTicks == 0 { sendReports(now: now) }
    }

    private func sendReports(now: Duration) {
        let unixTime = Duration.nanoseconds(Int64(Date().timeIntervalSince1970 * 1e9))
        if callerLeg != nil {
            callerSocket.sendRTCP(callerLeg!.rtcpReport(now: now, unixTime: unixTime), to: Self.rtcpAddress(callerLeg!.destination))
        }
        if agentLeg != nil, let socket = agentSocket {
            socket.sendRTCP(agentLeg!.rtcpReport(now: now, unixTime: unixTime), to: Self.rtcpAddress(agentLeg!.destination))
        }
    }

    private func emit(_ event: CallMediaEvent) {
        onEvent?(event)
    }
}

/// Lets a socket's datagram closure reach the call created after the bind. Set and read on the call's loop.
private final class DatagramTarget: @unchecked Sendable {
    weak var media: CallMedia?
}

/// The recording of one call: the buffer lives on the call's loop (as does this object); the file is
/// created, written and finalized by the loop's ``RecordingWrites`` on the thread pool.
private final class Recording {
    let path: String
    private var buffer: StereoRecordingBuffer
    private let file: RecordingFile
    private let writes: RecordingWrites

    init(path: String, start: Duration, configuration: CallMediaConfiguration, eventLoop: any EventLoop, logger: Logger) {
        self.path = path
        self.buffer = StereoRecordingBuffer(start: start, delay: configuration.recordingDelay,
                                            resyncThreshold: configuration.recordingResyncThreshold)
        self.file = RecordingFile(path: path, logger: logger)
        self.writes = RecordingWrites.of(eventLoop)
        writes.enqueue(.create(file))
    }

    func add(_ item: RecordingTapItem) {
        switch item.timing {
        case let .rtp(timestamp, ssrc, arrival):
            buffer.addRTP(item.samples, channel: item.channel, timestamp: timestamp, ssrc: ssrc, arrival: arrival)
        case let .local(at):
            buffer.addLocal(item.samples, channel: item.channel, at: at)
        }
    }

    private func write(_ samples: [Int16]) {
        guard !samples.isEmpty else { return }
        writes.enqueue(.write(file, samples))
    }

    func flush(now: Duration) {
        write(buffer.drain(now: now))
    }

    /// Writes the rest, finalizes the header; the recording's length in seconds, nil when the file was never
    /// created.
    func finish(now: Duration) -> EventLoopFuture<Double?> {
        write(buffer.finish(now: now))
        let promise = writes.eventLoop.makePromise(of: Double?.self)
        writes.enqueue(.finalize(file, promise))
        return promise.futureResult.recover { _ in nil }
    }
}
