import Logging
import NIOCore

/// What the layers above handle: requests that are not REGISTER or OPTIONS
/// (INVITE, BYE, CANCEL, INFO, …), each in its server transaction.
public protocol SIPRequestDelegate: AnyObject {
    /// A new request in a new server transaction; answer it through
    /// ``SIPEndpoint/respond(_:to:)``.
    func endpoint(_ endpoint: SIPEndpoint, didReceive request: SIPMessage, transaction: TransactionKey, from peer: SIPPeer)
    /// An ACK that matched no transaction (the ACK for a 2xx, §13.3.1.4).
    func endpoint(_ endpoint: SIPEndpoint, didReceiveACK request: SIPMessage, from peer: SIPPeer)
    /// A CANCEL matched the INVITE transaction `invite`; the endpoint has
    /// already answered the CANCEL with 200.
    func endpoint(_ endpoint: SIPEndpoint, didCancel invite: TransactionKey)
}

/// The SIP user agent core of one node: it parses what the transports
/// receive, checks requests (§8.2), runs the transaction layer, answers
/// REGISTER through the registrar and OPTIONS itself, and hands everything
/// else to its delegate.
///
/// All of its state lives on one event loop; every method must be called
/// on that loop.
public final class SIPEndpoint: @unchecked Sendable {
    public struct Configuration: Sendable {
        public var userAgent: String = "Hotline"
        public var timers = TransactionTimerValues()
        public var parserLimits = SIPMessageParser.Limits()
        public var validator = SIPRequestValidator()
        /// Answer requests at the address and port they came from, whatever
        /// the Via says (RFC 3581 behaviour for every request).
        public var symmetricResponses = true
        /// Retry-After of the 503 that sheds a new INVITE in overload.
        public var overloadRetryAfterSeconds = 1
        /// Requests whose User-Agent contains one of these (ignoring case) are dropped unanswered: the
        /// SIP scanners that sweep the Internet for PBXs to use for toll fraud name themselves so, and a
        /// scanner that hears nothing moves on. Empty to answer everyone.
        public var scannerUserAgents = SIPEndpoint.knownScanners
        public init() {}
    }

    /// User-Agent marks of common SIP scanners (SIPVicious and its forks, sipcli, SIPScan, smap, …).
    public static let knownScanners = ["friendly-scanner", "sipvicious", "sipcli", "sip-scan", "sipscan", "sundayddr",
                                       "iwar", "vaxsipuseragent", "pplsip", "smap"]

    public let eventLoop: EventLoop
    public var configuration: Configuration
    public var registrar: Registrar
    public weak var delegate: SIPRequestDelegate?
    /// The dialogs the layers above keep here, so that in-dialog requests
    /// for unknown dialogs get 481 and out-of-order ones 500 (§12.2.2).
    public var dialogs = SIPDialogTable()
    public var logger: Logger
    /// The clock for registrations and nonces, in seconds.
    public var now: () -> Int64

    /// Counters for metrics.
    public private(set) var statistics = Statistics()
    public struct Statistics: Sendable {
        public var requestsReceived = 0
        public var responsesReceived = 0
        public var malformed = 0
        public var retransmissionsAbsorbed = 0
        public var responsesSent = 0
        /// New INVITEs answered 503 at once, without a transaction, while a socket was overloaded.
        public var invitesShed = 0
        /// Requests from SIP scanners (by their User-Agent), dropped unanswered.
        public var scannersDropped = 0
    }

    /// The sockets whose receive queues are past their overload mark.
    private var overloadedSources: Set<ObjectIdentifier> = []
    /// Overload comes and goes many times a second in a flood: one log line per 10 s at most.
    private var overloadLog = LogThrottle(seconds: 10)
    private var shedAtLastLog = 0

    /// Whether new INVITEs are being shed: a receive queue is so full that work queued behind it would
    /// be answered too late (the caller's side retransmits after 500 ms, which only adds to the queue).
    /// While it holds, a new INVITE gets a stateless 503 with Retry-After, which costs a small part of
    /// what a call does; requests in dialogs, ACKs, responses and retransmissions are handled as ever.
    public var isOverloaded: Bool { !overloadedSources.isEmpty }

    /// A transport reports that one of its sockets (`source`) went into overload or out of it.
    public func setOverloaded(_ overloaded: Bool, source: ObjectIdentifier, queue: ReceiveQueue) {
        eventLoop.assertInEventLoop()
        let was = isOverloaded
        if overloaded { overloadedSources.insert(source) } else { overloadedSources.remove(source) }
        guard !was, isOverloaded,
              let overloads = overloadLog.event(at: Double(NIODeadline.now().uptimeNanoseconds) / 1e9) else { return }
        logger.warning("SIP overload: new INVITEs get 503 while the receive queue is this full", metadata: [
            "queued": "\(queue.queued)", "capacity": "\(queue.capacity)",
            "overloads": "\(overloads)", "invitesShed": "\(statistics.invitesShed - shedAtLastLog)",
        ])
        shedAtLastLog = statistics.invitesShed
    }

    private let parser: SIPMessageParser
    /// While a transport hands over a batch of reads, writes are queued and
    /// flushed together at its end (one sendmmsg for many responses).
    private var batching = false
    private var unflushed: [ObjectIdentifier: Channel] = [:]
    private var serverTransactions: [TransactionKey: (transaction: ServerTransaction, peer: SIPPeer)] = [:]
    private var mergeIndex: [String: TransactionKey] = [:]
    private var clientTransactions: [TransactionKey: ClientEntry] = [:]
    private var timers: [TimerOwner: [TransactionTimer: EventLoopTimers.Timer]] = [:]
    /// Every transaction timer, behind one NIO task (cancelling NIO tasks one by one costs a search of the loop's queue).
    private lazy var timerQueue = EventLoopTimers(eventLoop: eventLoop)

    /// Whose timer: a server or a client transaction.
    private enum TimerOwner: Hashable {
        case server(TransactionKey)
        case client(TransactionKey)
    }

    private struct ClientEntry {
        var transaction: ClientTransaction
        var peer: SIPPeer
        var onResponse: (SIPMessage) -> Void
        var onTimeout: () -> Void
    }
    private var tagCounter: UInt64 = UInt64.random(in: 0 ... UInt64.max >> 8)

    public init(eventLoop: EventLoop, configuration: Configuration, registrar: Registrar, logger: Logger, now: @escaping () -> Int64) {
        self.eventLoop = eventLoop
        self.configuration = configuration
        self.registrar = registrar
        self.logger = logger
        self.now = now
        self.parser = SIPMessageParser(limits: configuration.parserLimits)
    }

    /// The number of live server transactions.
    public var serverTransactionCount: Int { serverTransactions.count }

    /// A fresh tag for a To or From header.
    public func makeTag() -> String {
        tagCounter &+= 0x9E37_79B9_7F4A_7C15
        return String(tagCounter, radix: 36)
    }

    // MARK: Inbound

    /// A transport starts handing over a batch of messages.
    public func beginBatch() {
        batching = true
    }

    /// The batch is over: flush what its messages wrote.
    public func endBatch() {
        batching = false
        for channel in unflushed.values { channel.flush() }
        unflushed.removeAll(keepingCapacity: true)
    }

    /// Bytes a transport received: one datagram, or one framed stream message.
    public func receive(_ bytes: [UInt8], from peer: SIPPeer) {
        eventLoop.assertInEventLoop()
        let message: SIPMessage
        do {
            message = try parser.parse(bytes, fromStream: peer.transport.isReliable)
        } catch {
            statistics.malformed += 1
            logger.debug("malformed SIP message", metadata: ["peer": "\(peer)", "error": "\(error)"])
            if let response = SIPResponseBuilder.response(to: error, serverHeader: configuration.userAgent) {
                write(response, to: peer, via: nil)
            }
            return
        }
        if message.isRequest {
            statistics.requestsReceived += 1
            receiveRequest(message, from: peer)
        } else {
            statistics.responsesReceived += 1
            // §18.1.2: a response with other than one Via is discarded.
            guard message.via.count == 1, let key = TransactionKey.client(for: message),
                  clientTransactions[key] != nil else { return }
            let actions = clientTransactions[key]!.transaction.receive(message)
            performClient(actions, key: key)
        }
    }

    private func receiveRequest(_ original: SIPMessage, from peer: SIPPeer) {
        if !configuration.scannerUserAgents.isEmpty, let agent = original.headers.fieldValues(.userAgent).first?.lowercased(),
           configuration.scannerUserAgents.contains(where: { agent.contains($0) }) {
            statistics.scannersDropped += 1
            return
        }
        var request = original
        stampReceived(&request, peer: peer)
        guard let key = TransactionKey.server(for: request) else { return }

        if serverTransactions[key] != nil {
            // Mutated in place: no copy of the transaction and its messages.
            let actions = serverTransactions[key]!.transaction.receive(request)
            if request.method != .ack { statistics.retransmissionsAbsorbed += 1 }
            perform(actions, key: key)
            return
        }
        if request.method == .ack {
            delegate?.endpoint(self, didReceiveACK: request, from: peer)
            return
        }
        if isOverloaded, request.method == .invite, request.to.tag == nil {
            // Stateless (§8.2.7): a lost 503 is answered again when the INVITE is retransmitted.
            statistics.invitesShed += 1
            var busy = SIPResponseBuilder.response(to: request, status: 503, toTag: makeTag())
            busy.addHeader(.retryAfter, String(configuration.overloadRetryAfterSeconds))
            write(withServerHeader(busy).serialized(), to: peer, via: request.via.first)
            return
        }

        let transaction = ServerTransaction(request: request, reliable: peer.transport.isReliable, timers: configuration.timers)
        serverTransactions[key] = (transaction, peer)
        if request.to.tag == nil, let fromTag = request.from.tag {
            let mergeKey = "\(fromTag)|\(request.callID)|\(request.cseq.sequence)|\(request.method.rawValue)"
            if let other = mergeIndex[mergeKey], other != key, serverTransactions[other] != nil {
                // §8.2.2.2: the same request arrived by another path.
                respond(SIPResponseBuilder.response(to: request, status: 482, toTag: makeTag()), to: key)
                return
            }
            mergeIndex[mergeKey] = key
        }
        if request.method == .invite {
            respond(SIPResponseBuilder.response(to: request, status: 100), to: key)
        }
        if let refusal = configuration.validator.check(request) {
            respond(withServerHeader(refusal), to: key)
            return
        }
        switch request.method {
        case .register:
            let response = registrar.handle(request, source: peer.description, now: now(), toTag: makeTag())
            respond(response, to: key)
        case .options:
            var r = SIPResponseBuilder.response(to: request, status: 200, toTag: makeTag())
            r.addHeader(.allow, configuration.validator.allowHeader)
            r.addHeader(.accept, "application/sdp")
            r.addHeader(.acceptEncoding, "identity")
            r.addHeader(.supported, configuration.validator.supportedExtensions.joined(separator: ", "))
            respond(r, to: key)
        case .cancel:
            let target = key.cancelTarget()
            if let invite = serverTransactions[target], invite.transaction.state == .proceeding {
                respond(SIPResponseBuilder.response(to: request, status: 200, toTag: request.to.tag ?? makeTag()), to: key)
                delegate?.endpoint(self, didCancel: target)
            } else {
                respond(SIPResponseBuilder.response(to: request, status: 481, toTag: makeTag()), to: key)
            }
        default:
            if request.to.tag != nil {
                switch dialogs.receive(request) {
                case nil:
                    respond(SIPResponseBuilder.response(to: request, status: 481), to: key)
                    return
                case .failure:
                    respond(SIPResponseBuilder.response(to: request, status: 500, reason: "Out of Order"), to: key)
                    return
                case .success:
                    break
                }
            }
            if let delegate {
                delegate.endpoint(self, didReceive: request, transaction: key, from: peer)
            } else if request.method == .invite {
                respond(SIPResponseBuilder.response(to: request, status: 480, toTag: makeTag()), to: key)
            } else {
                respond(SIPResponseBuilder.response(to: request, status: 481, toTag: makeTag()), to: key)
            }
        }
    }

    /// RFC 3261 §18.2.1 and RFC 3581: note where the request really came from.
    private func stampReceived(_ request: inout SIPMessage, peer: SIPPeer) {
        guard var top = request.via.first, let ip = peer.remote.ipAddress else { return }
        var changed = false
        if top.host != ip && "[\(ip)]" != top.host {
            top.parameters.set("received", ip)
            changed = true
        }
        if let rport = top.rport, rport == nil, let port = peer.remote.port {
            top.parameters.set("rport", String(port))
            if top.received == nil { top.parameters.set("received", ip) }
            changed = true
        }
        if changed { request.via[0] = top }
    }

    // MARK: Outbound

    /// Sends a response in the server transaction `key`.
    public func respond(_ response: SIPMessage, to key: TransactionKey) {
        eventLoop.assertInEventLoop()
        guard serverTransactions[key] != nil else { return }
        let actions = serverTransactions[key]!.transaction.send(withServerHeader(response))
        perform(actions, key: key)
    }

    /// Tells the INVITE transaction `key` that the ACK for its 2xx arrived.
    public func acknowledged(_ key: TransactionKey) {
        guard serverTransactions[key] != nil else { return }
        let actions = serverTransactions[key]!.transaction.acknowledged()
        perform(actions, key: key)
    }

    /// Sends a request in a new client transaction. `onResponse` gets every
    /// response (provisional and final, and 2xx retransmissions for INVITE);
    /// `onTimeout` is called when no final response came (Timer B or F).
    /// The request's top Via must carry a unique RFC 3261 branch.
    public func send(
        _ request: SIPMessage, to peer: SIPPeer,
        onResponse: @escaping (SIPMessage) -> Void, onTimeout: @escaping () -> Void = {}
    ) {
        eventLoop.assertInEventLoop()
        guard let key = TransactionKey.client(for: request) else { return }
        var transaction = ClientTransaction(request: request, reliable: peer.transport.isReliable, timers: configuration.timers)
        let actions = transaction.start()
        clientTransactions[key] = ClientEntry(transaction: transaction, peer: peer, onResponse: onResponse, onTimeout: onTimeout)
        performClient(actions, key: key)
    }

    /// Sends a message outside any transaction (the ACK for a 2xx, §13.2.2.4).
    public func sendStateless(_ message: SIPMessage, to peer: SIPPeer) {
        eventLoop.assertInEventLoop()
        write(message.serialized(), to: peer, via: nil)
    }

    /// A new branch id with the RFC 3261 magic cookie.
    public func makeBranch() -> String { SIPVia.magicCookie + "-" + makeTag() + makeTag() }

    /// The number of live client transactions.
    public var clientTransactionCount: Int { clientTransactions.count }

    private func performClient(_ actions: [TransactionAction], key: TransactionKey) {
        for action in actions {
            switch action {
            case .send(let message):
                guard let entry = clientTransactions[key] else { continue }
                write(message.serialized(), to: entry.peer, via: nil)
            case .startTimer(let timer, let after):
                schedule(timer, after: after, owner: .client(key))
            case .cancelTimer(let timer):
                cancel(timer, owner: .client(key))
            case .deliverResponse(let response):
                clientTransactions[key]?.onResponse(response)
            case .timeout:
                clientTransactions[key]?.onTimeout()
            case .terminate:
                clientTransactions[key] = nil
                if let ts = timers.removeValue(forKey: .client(key)) { for t in ts.values { timerQueue.cancel(t) } }
            }
        }
    }

    private func schedule(_ timer: TransactionTimer, after: Duration, owner: TimerOwner) {
        if let running = timers[owner]?[timer] { timerQueue.cancel(running) }
        let delay = TimeAmount.nanoseconds(after.components.seconds * 1_000_000_000 + after.components.attoseconds / 1_000_000_000)
        timers[owner, default: [:]][timer] = timerQueue.schedule(in: delay) { [weak self] in
            self?.fire(timer, owner: owner)
        }
    }

    private func cancel(_ timer: TransactionTimer, owner: TimerOwner) {
        if let running = timers[owner]?.removeValue(forKey: timer) { timerQueue.cancel(running) }
    }

    private func fire(_ timer: TransactionTimer, owner: TimerOwner) {
        timers[owner]?[timer] = nil
        switch owner {
        case .server(let key):
            guard serverTransactions[key] != nil else { return }
            let actions = serverTransactions[key]!.transaction.timerFired(timer)
            perform(actions, key: key)
        case .client(let key):
            guard clientTransactions[key] != nil else { return }
            let actions = clientTransactions[key]!.transaction.timerFired(timer)
            performClient(actions, key: key)
        }
    }

    /// The request of a live server transaction.
    public func request(of key: TransactionKey) -> SIPMessage? { serverTransactions[key]?.transaction.request }

    private func withServerHeader(_ response: SIPMessage) -> SIPMessage {
        guard !response.headers.contains(.server) else { return response }
        var r = response
        r.addHeader(.server, configuration.userAgent)
        return r
    }

    private func perform(_ actions: [TransactionAction], key: TransactionKey) {
        for action in actions {
            switch action {
            case .send(let message):
                guard let entry = serverTransactions[key] else { continue }
                statistics.responsesSent += 1
                write(message.serialized(), to: entry.peer, via: message.via.first)
            case .startTimer(let timer, let after):
                schedule(timer, after: after, owner: .server(key))
            case .cancelTimer(let timer):
                cancel(timer, owner: .server(key))
            case .deliverResponse:
                break
            case .timeout:
                logger.debug("server transaction timed out", metadata: ["key": "\(key)"])
            case .terminate:
                if let entry = serverTransactions.removeValue(forKey: key) {
                    let r = entry.transaction.request
                    if let fromTag = r.from.tag {
                        mergeIndex["\(fromTag)|\(r.callID)|\(r.cseq.sequence)|\(r.method.rawValue)"] = nil
                    }
                }
                if let ts = timers.removeValue(forKey: .server(key)) { for t in ts.values { timerQueue.cancel(t) } }
            }
        }
    }

    /// Writes bytes to the peer: on TCP to its connection, on UDP to the
    /// source address (or, without symmetric responses, per §18.2.2).
    private func write(_ bytes: [UInt8], to peer: SIPPeer, via: SIPVia?) {
        var buffer = peer.channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        switch peer.transport {
        case .tcp:
            peer.channel.write(buffer, promise: nil)
        case .udp:
            var target = peer.remote
            if !configuration.symmetricResponses, let via, via.rport == nil, let port = via.port ?? 5060 as Int?,
               let ip = peer.remote.ipAddress, let a = try? SocketAddress(ipAddress: ip, port: port) {
                target = a
            }
            peer.channel.write(AddressedEnvelope(remoteAddress: target, data: buffer), promise: nil)
        }
        if batching {
            unflushed[ObjectIdentifier(peer.channel)] = peer.channel
        } else {
            peer.channel.flush()
        }
    }
}
