import Foundation
import Logging
import Media
import NIOConcurrencyHelpers
import NIOCore
import SIP
import Storage

/// What the call layer needs besides the hotline configuration: where it is reached, where media
/// and recordings go, and its collaborators (injected, so tests can drive timers and webhooks).
public struct CallCenterSettings: Sendable {
    /// The host written in our Via and Contact headers.
    public var sipHost: String
    public var sipPort: Int
    public var media: CallMediaConfiguration
    /// Where stereo recordings are written (a dated folder per day); `nil` records nothing.
    public var recordingsDirectory: String?
    /// Where `say:` prompts are cached.
    public var speechCacheDirectory: String
    /// Retry-After on 503 when a trunk is at its channel limit.
    public var retryAfterSeconds = 30

    public init(sipHost: String, sipPort: Int, media: CallMediaConfiguration, recordingsDirectory: String?,
                speechCacheDirectory: String) {
        self.sipHost = sipHost
        self.sipPort = sipPort
        self.media = media
        self.recordingsDirectory = recordingsDirectory
        self.speechCacheDirectory = speechCacheDirectory
    }
}

/// The B2BUA of one node: takes INVITEs from the SIP endpoint, admits them by trunk (allow-list,
/// channel limit), maps the dialled number to a flow, and runs each call as an ``InboundCall``.
/// Lives on the endpoint's event loop; every method must be called there.
///
/// Each call lives on one of ``callLoops``, with its media, its timers and its flow, so calls spread
/// over the cores while SIP stays on the endpoint's loop. Loops are taken in turn until
/// ``balanceLoops(every:)`` starts measuring them; from then on the busier loops get fewer new
/// calls (``CallLoopPlacement``), so the endpoint's loop, which carries all SIP, takes fewer. A call reaches the
/// endpoint and this center through ``onEndpoint(_:)``, and they reach the call through its loop;
/// a call on the endpoint's own loop runs both at once.
public final class CallCenter: SIPRequestDelegate, @unchecked Sendable {
    public let endpoint: SIPEndpoint
    public var eventLoop: any EventLoop { endpoint.eventLoop }
    /// The configuration new calls use; calls in progress keep the one they started with.
    public private(set) var configuration: HotlineConfiguration
    public let settings: CallCenterSettings
    public let ports: RTPPortPool
    let prompts: PromptResolver
    let timers: any CallTimerDriver
    let webhooks: any WebhookClient
    let records: CallRecordWriter?
    /// A peer for sending to an address over a transport: the UDP socket, or the TCP connection
    /// that address holds open to us.
    let peer: (SIPTransportProtocol, SocketAddress) -> SIPPeer?
    let logger: Logger
    let now: @Sendable () -> Date
    /// The loops calls run on.
    public let callLoops: [any EventLoop]
    private var placement: CallLoopPlacement
    private let loopLoad = EventLoopLoadSampler()
    /// Work from call loops waiting for the endpoint's loop (``onEndpoint(_:)``).
    private let outbox = NIOLockedValueBox<[@Sendable () -> Void]>([])

    /// Calls by their INVITE server transaction.
    private var byTransaction: [TransactionKey: InboundCall] = [:]
    /// Calls by the dialogs they hold (caller side and agent side).
    private var byDialog: [SIPDialogID: InboundCall] = [:]
    private var channelsInUse: [String: Int] = [:]
    private var rateLimits: CallRateLimits
    /// Refusals by a call-rate limit and by the allow-list are logged once per 10 s at most, with a count.
    private var rateLog = LogThrottle(seconds: 10)
    private var allowListLog = LogThrottle(seconds: 10)
    /// INVITE transactions whose 2xx awaits its ACK, by dialog.
    private var awaitingACK: [SIPDialogID: TransactionKey] = [:]
    private var queueTurns: [String: Int] = [:]
    /// Agents connected to a caller now, by extension: queues do not offer them another call.
    private var agentsOnCall: [String: Int] = [:]
    /// When each agent's last call ended (wrap-up, longest-idle) and how many calls each has taken since
    /// the node started (fewest-calls).
    private var agentLastCallEnded: [String: Date] = [:]
    private var agentCallsTaken: [String: Int] = [:]
    /// Callers in each queue's connect step now (`max-callers`).
    private var queueCallers: [String: Int] = [:]
    /// When each awaited ACK is given up (one NIO task for all of them).
    private lazy var ackTimers = EventLoopTimers(eventLoop: eventLoop)

    /// Called on the loop with each finished call's record (after it is handed to the store).
    public var onCallEnded: ((CallRecord) -> Void)?
    public private(set) var statistics = Statistics()

    public struct Statistics: Sendable {
        public var callsStarted = 0
        public var callsEnded = 0
        public var refusedByAllowList = 0
        public var refusedByChannelLimit = 0
        public var refusedByCallRate = 0
        public var unknownNumber = 0
    }

    public init(endpoint: SIPEndpoint, configuration: HotlineConfiguration, settings: CallCenterSettings,
                ports: RTPPortPool, prompts: PromptResolver, timers: any CallTimerDriver = EventLoopTimerDriver(),
                webhooks: any WebhookClient = HTTPWebhookClient(), records: CallRecordWriter?,
                peer: @escaping (SIPTransportProtocol, SocketAddress) -> SIPPeer?, logger: Logger,
                now: @escaping @Sendable () -> Date = { Date() }, callLoops: [any EventLoop] = []) {
        self.endpoint = endpoint
        self.configuration = configuration
        self.rateLimits = CallRateLimits(configuration)
        self.settings = settings
        self.ports = ports
        self.prompts = prompts
        self.timers = timers
        self.webhooks = webhooks
        self.records = records
        self.peer = peer
        self.logger = logger
        self.now = now
        self.callLoops = callLoops.isEmpty ? [endpoint.eventLoop] : callLoops
        self.placement = CallLoopPlacement(loops: self.callLoops.count)
    }

    /// Measures how busy each call loop is every `interval` and places new calls by it.
    public func balanceLoops(every interval: TimeAmount = .milliseconds(250)) {
        guard callLoops.count > 1 else { return }
        loopLoad.start(loops: callLoops, every: interval) { [weak self] index, busy in
            guard let center = self else { return }
            center.onEndpoint { center.placement.update(loop: index, busy: busy) }
        }
    }

    /// Stops the measuring ``balanceLoops(every:)`` started.
    public func stopBalancingLoops() {
        loopLoad.stop()
    }

    /// How busy each call loop was at its last measurement (0…1), in the order of ``callLoops``;
    /// zeros until ``balanceLoops(every:)``.
    public var callLoopBusy: [Double] { placement.busy }

    /// Runs `body` on the endpoint's loop: at once when already there, otherwise queued in order.
    /// Work queued from the call loops waits in one outbox that a single task empties, so a busy
    /// endpoint loop takes a batch of calls' SIP per wake-up rather than one task each.
    func onEndpoint(_ body: @escaping @Sendable () -> Void) {
        if eventLoop.inEventLoop { return body() }
        let first = outbox.withLockedValue { queued in
            queued.append(body)
            return queued.count == 1
        }
        if first { eventLoop.execute { [self] in drainOutbox() } }
    }

    /// Runs what the call loops queued for the endpoint, in order, until none is left. What the
    /// batch sends goes out with one flush per socket (one `sendmmsg` for many calls' messages).
    private func drainOutbox() {
        endpoint.beginBatch()
        defer { endpoint.endBatch() }
        while true {
            let batch = outbox.withLockedValue { queued in
                defer { queued.removeAll(keepingCapacity: true) }
                return queued
            }
            if batch.isEmpty { return }
            for body in batch { body() }
        }
    }

    /// Calls in progress.
    public var activeCalls: Int { byTransaction.count }

    /// 200s to INVITEs still waiting for their ACK (and retransmitted meanwhile).
    public var answersAwaitingACK: Int { awaitingACK.count }

    /// Channels in use on each trunk.
    public func channels(of trunk: String) -> Int { channelsInUse[trunk, default: 0] }

    /// Uses `configuration` for calls that start from now on; calls in progress go on unchanged.
    public func reload(_ configuration: HotlineConfiguration) {
        self.configuration = configuration
        rateLimits.reconfigure(configuration)
        prompts.library.removeAll()
    }

    // MARK: SIPRequestDelegate

    public func endpoint(_ endpoint: SIPEndpoint, didReceive request: SIPMessage, transaction: TransactionKey, from peer: SIPPeer) {
        if request.to.tag == nil {
            switch request.method {
            case .invite:
                newCall(request, transaction: transaction, peer: peer)
            default:
                endpoint.respond(SIPResponseBuilder.response(to: request, status: 481, toTag: endpoint.makeTag()), to: transaction)
            }
            return
        }
        guard let id = SIPDialogID.forIncoming(request), let call = byDialog[id] else {
            endpoint.respond(SIPResponseBuilder.response(to: request, status: 481), to: transaction)
            return
        }
        call.onLoop { call.inDialog(request, transaction: transaction, dialog: id) }
    }

    public func endpoint(_ endpoint: SIPEndpoint, didReceiveACK request: SIPMessage, from peer: SIPPeer) {
        guard let id = SIPDialogID.forIncoming(request) else { return }
        // The ACK stops the 200's retransmissions even when the call already ended (a flow
        // that hangs up at once can end the call before its ACK is read).
        guard let key = awaitingACK.removeValue(forKey: id) else { return }
        endpoint.acknowledged(key)
        // An answer to our offer (late offer, in the INVITE or a re-INVITE) is the call's to apply.
        if let call = byDialog[id], call.lateOffer || !request.body.isEmpty {
            call.onLoop { call.acknowledged(request) }
        }
    }

    /// Notes that the 2xx sent in the INVITE transaction `key` (initial or re-INVITE) awaits
    /// its ACK in dialog `id`. Forgotten after the transaction's lifetime (timer L).
    func awaitACK(_ id: SIPDialogID, transaction key: TransactionKey) {
        awaitingACK[id] = key
        ackTimers.schedule(in: .seconds(40)) { [weak self] in
            if self?.awaitingACK[id] == key { self?.awaitingACK[id] = nil }
        }
    }

    public func endpoint(_ endpoint: SIPEndpoint, didCancel invite: TransactionKey) {
        guard let call = byTransaction[invite] else { return }
        call.onLoop { call.cancelled() }
    }

    // MARK: Admission

    private func newCall(_ request: SIPMessage, transaction: TransactionKey, peer: SIPPeer) {
        let source = peer.remote.ipAddress ?? ""
        let caller = request.from.uri.user ?? ""
        let reject = { (status: Int, extra: [(SIPHeaderName, String)]) in
            var response = SIPResponseBuilder.response(to: request, status: status, toTag: self.endpoint.makeTag())
            for (name, value) in extra { response.addHeader(name, value) }
            self.endpoint.respond(response, to: transaction)
        }
        guard let trunk = configuration.trunk(admitting: source) else {
            statistics.refusedByAllowList += 1
            // A scanner's sweep must not flood the log: one line per 10 s, the latest source and the count.
            if let refused = allowListLog.event(at: now().timeIntervalSince1970) {
                logger.warning("call refused: source not on any trunk's allow-list", metadata: [
                    "source": "\(peer)", "caller": "\(PhoneNumberMask.mask(caller))",
                    "dialled": "\(PhoneNumberMask.mask(request.requestURI?.user ?? ""))", "refused": "\(refused)",
                ])
            }
            reject(403, [])
            return
        }
        if let limit = rateLimits.admit(trunk: trunk.name, at: now()) {
            // Refused before any work is done for the call, and not recorded: under a flood, writing a
            // record per refusal would take the store down with the node.
            statistics.refusedByCallRate += 1
            noteRateRefusal(limit)
            reject(503, [(.retryAfter, "1")])
            return
        }
        let dialled = Self.dialledNumber(request)
        guard let destination = configuration.destination(forDialled: dialled) else {
            statistics.unknownNumber += 1
            logger.info("call refused: number not in the number plan", metadata: ["dialled": "\(PhoneNumberMask.mask(dialled))", "trunk": "\(trunk.name)"])
            reject(404, [])
            return
        }
        if let limit = trunk.channels, channelsInUse[trunk.name, default: 0] >= limit {
            statistics.refusedByChannelLimit += 1
            logger.warning("call refused: trunk at its channel limit", metadata: ["trunk": "\(trunk.name)", "channels": "\(limit)"])
            reject(503, [(.retryAfter, String(settings.retryAfterSeconds))])
            var record = CallRecord(sipCallID: request.callID, startedAt: now(), caller: caller, dialled: dialled)
            record.callerDomain = request.from.uri.host
            record.trunk = trunk.name
            record.disposition = .rejected
            record.endedAt = record.startedAt
            record.sipStatus = 503
            record.hangupBy = .system
            record.hangupCause = "channel-limit"
            records?.ended(record)
            onCallEnded?(record)
            return
        }
        // No body is a late offer: ours goes in the 200, the caller's answer comes in the ACK.
        var offer: SessionDescription?
        if !request.body.isEmpty {
            do {
                offer = try SessionDescription(parsing: request.body)
            } catch {
                logger.info("call refused: unusable SDP offer", metadata: ["error": "\(error)"])
                var response = SIPResponseBuilder.response(to: request, status: 488, toTag: endpoint.makeTag())
                response.addHeader(.warning, "399 hotline \"\(error)\"")
                endpoint.respond(response, to: transaction)
                return
            }
        }
        channelsInUse[trunk.name, default: 0] += 1
        statistics.callsStarted += 1
        let loop = callLoops[placement.next()]
        let call = InboundCall(center: self, loop: loop, invite: request, transaction: transaction, peer: peer, trunk: trunk,
                               dialled: dialled, destination: destination, configuration: configuration)
        byTransaction[transaction] = call
        call.onLoop { [offer] in call.start(offer: offer) }
    }

    private func noteRateRefusal(_ limit: CallRateLimits.Limit) {
        guard let refused = rateLog.event(at: now().timeIntervalSince1970) else { return }
        let which: String
        switch limit {
        case .trunk(let name): which = "trunk '\(name)'"
        case .node: which = "the node (hotline.calls-per-second)"
        }
        logger.warning("calls refused: over the call rate of \(which)", metadata: ["refused": "\(refused)"])
    }

    /// The number dialled: the Request-URI's user part without a `+86` or `0086` prefix and
    /// visual separators.
    static func dialledNumber(_ request: SIPMessage) -> String {
        var number = (request.requestURI?.user ?? request.to.uri.user ?? "").filter { $0 != "-" && $0 != "." }
        for prefix in ["+86", "0086"] where number.hasPrefix(prefix) {
            number.removeFirst(prefix.count)
        }
        return number
    }

    // MARK: Bookkeeping for calls

    func register(_ dialog: SIPDialog, for call: InboundCall) {
        endpoint.dialogs[dialog.id] = dialog
        byDialog[dialog.id] = call
    }

    func forget(_ dialog: SIPDialogID) {
        endpoint.dialogs.remove(dialog)
        byDialog[dialog] = nil
    }

    /// The call ended: forget it and its `dialogs`, free its channel, hand its record over.
    /// A caller counted in `queue` by ``ringTargets(for:configuration:)`` left its connect step.
    func leftQueue(_ queue: String) {
        if let n = queueCallers[queue] { queueCallers[queue] = n > 1 ? n - 1 : nil }
    }

    /// Callers in a queue's connect step now.
    func callers(in queue: String) -> Int { queueCallers[queue, default: 0] }

    /// An agent answered a call (on the endpoint's loop, like the rest of the agents' state).
    func agentConnected(_ ext: String) {
        agentsOnCall[ext, default: 0] += 1
        agentCallsTaken[ext, default: 0] += 1
    }

    func callFinished(_ call: InboundCall, record: CallRecord, dialogs: [SIPDialogID]) {
        if let ext = record.agent, let n = agentsOnCall[ext] {
            agentsOnCall[ext] = n > 1 ? n - 1 : nil
            agentLastCallEnded[ext] = now()
        }
        byTransaction[call.transaction] = nil
        for id in dialogs { forget(id) }
        if let trunk = record.trunk, let n = channelsInUse[trunk] {
            channelsInUse[trunk] = n > 1 ? n - 1 : nil
        }
        statistics.callsEnded += 1
        records?.ended(record)
        onCallEnded?(record)
    }

    /// Where a connecting verb rings: addresses in order, with the ring time of each.
    /// Ringing a queue's members counts the caller in the queue (`joinedQueue`) until ``leftQueue(_:)``;
    /// a queue at its `max-callers` offers nobody.
    func ringTargets(for target: ConnectTarget, configuration: HotlineConfiguration)
        -> (targets: [RingTarget], ringTime: Duration, joinedQueue: Bool) {
        switch target {
        case .agent(let ext):
            return (contacts(of: ext), .seconds(30), false)
        case .queue(let name):
            guard let queue = configuration.queue(named: name) else { return ([], .zero, false) }
            if let limit = queue.maxCallers, queueCallers[name, default: 0] >= limit { return ([], queue.ringTimeout, false) }
            let targets = offeredAgents(of: queue, from: configuration.agents).flatMap(contacts(of:))
            if !targets.isEmpty { queueCallers[name, default: 0] += 1 }
            return (targets, queue.ringTimeout, !targets.isEmpty)
        case .transfer(let destination, let timeout):
            switch destination {
            case .uri(let text):
                guard let uri = try? SIPURI(text), let address = Self.address(host: uri.host, port: uri.port ?? 5060) else { return ([], timeout, false) }
                return ([RingTarget(agent: nil, uri: uri, address: address)], timeout, false)
            case .number(let number, let trunkName):
                let trunks = trunkName.flatMap { configuration.trunk(named: $0) }.map { [$0] } ?? configuration.outboundTrunks
                let targets = trunks.compactMap { trunk -> RingTarget? in
                    guard let proxy = trunk.proxy, let uri = try? SIPURI("sip:\(number)@\(proxy)"),
                          let address = Self.address(host: uri.host, port: uri.port ?? 5060) else { return nil }
                    let credentials = trunk.registration.map {
                        DigestClient(username: $0.username, password: $0.password, realm: $0.realm)
                    }
                    return RingTarget(agent: nil, uri: uri, address: address, credentials: credentials)
                }
                return (targets, timeout, false)
            }
        }
    }

    /// The members of `queue` to offer a call to, in the order its strategy rings them: not those on a
    /// call, nor those within the queue's wrap-up time after one. `ring-all` rings them one after another
    /// in the listed order for now (no parallel ringing yet).
    func offeredAgents(of queue: Queue, from agents: [Agent]) -> [String] {
        let time = now()
        let wrapUp = Double(queue.wrapUp.components.seconds) + Double(queue.wrapUp.components.attoseconds) / 1e18
        var members = queue.members(from: agents).map(\.extension).filter { ext in
            agentsOnCall[ext] == nil && (agentLastCallEnded[ext].map { time.timeIntervalSince($0) >= wrapUp } ?? true)
        }
        switch queue.strategy {
        case .roundRobin where !members.isEmpty:
            let turn = queueTurns[queue.name, default: 0] % members.count
            members = Array(members[turn...] + members[..<turn])
            queueTurns[queue.name] = turn + 1
        case .random:
            members.shuffle()
        case .longestIdle:
            // Never on a call counts as idle longest.
            members = Self.stablySorted(members) { agentLastCallEnded[$0] ?? .distantPast }
        case .fewestCalls:
            members = Self.stablySorted(members) { agentCallsTaken[$0, default: 0] }
        case .roundRobin, .ringAll:
            break
        }
        return members
    }

    /// `items` in increasing order of `key`; equal keys keep their order.
    private static func stablySorted<Key: Comparable>(_ items: [String], by key: (String) -> Key) -> [String] {
        items.enumerated().map { (key: key($0.element), offset: $0.offset, item: $0.element) }
            .sorted { $0.key != $1.key ? $0.key < $1.key : $0.offset < $1.offset }
            .map(\.item)
    }

    /// The registered contacts of an agent extension, reached where each registration came from
    /// (agents behind NAT): over UDP to its source address, over TCP down the connection it
    /// registered on.
    func contacts(of ext: String) -> [RingTarget] {
        endpoint.registrar.bindings(for: ext, now: endpoint.now()).compactMap { binding in
            let uri = binding.contact.uri
            if let source = binding.source, let (transport, address) = Self.parseSource(source) {
                return RingTarget(agent: ext, uri: uri, address: address, transport: transport)
            }
            let transport = uri.parameters.value("transport")?.lowercased()
            guard transport == nil || transport == "udp", let address = Self.address(host: uri.host, port: uri.port ?? 5060) else { return nil }
            return RingTarget(agent: ext, uri: uri, address: address)
        }
    }

    /// A registration's source as the SIP layer notes it ("udp:10.0.0.7:5060", "tcp:::1:51234").
    static func parseSource(_ source: String) -> (SIPTransportProtocol, SocketAddress)? {
        guard let prefix = source.firstIndex(of: ":"),
              let transport = SIPTransportProtocol(rawValue: source[..<prefix].uppercased()),
              let colon = source.lastIndex(of: ":"), colon > prefix,
              let port = Int(source[source.index(after: colon)...]),
              let address = address(host: String(source[source.index(after: prefix)..<colon]), port: port) else { return nil }
        return (transport, address)
    }

    static func address(host: String, port: Int) -> SocketAddress? {
        let bare = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        return try? SocketAddress(ipAddress: bare, port: port)
    }
}

/// One place a connecting verb rings.
struct RingTarget: Sendable {
    /// The agent's extension, when it is an agent.
    var agent: String?
    var uri: SIPURI
    var address: SocketAddress
    /// The trunk's credentials, for a carrier that challenges our INVITE.
    var credentials: DigestClient?
    /// TCP for a phone that registered over TCP: it is rung down that connection.
    var transport: SIPTransportProtocol = .udp
}
