import Foundation
import Media
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import SIP

/// Fails a wait that took too long: something the test expected never arrived.
struct TestTimeout: Error, CustomStringConvertible {
    var what: String
    var description: String { "timed out waiting for \(what)" }
}

/// Waits for real I/O to make `condition` true, checking often; fails after `limit`.
func eventually(_ what: String, limit: Duration = .seconds(10), _ condition: @Sendable () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + limit
    while try await !condition() {
        guard ContinuousClock.now < deadline else { throw TestTimeout(what: what) }
        try await Task.sleep(for: .milliseconds(5))
    }
}

/// The project's test user agent: a SIP phone on a UDP socket with an RTP socket, for calling
/// the hotline (as a carrier's trunk would) or answering as an agent. It keeps every message it
/// receives, answers BYE with 200 by itself, and sends digits as RFC 4733 packets.
final class TestPhone: @unchecked Sendable {
    let loop: any EventLoop
    private(set) var channel: (any Channel)!
    /// Set by ``connectTCP(to:)``: SIP then goes over this connection, as from a phone registered over TCP.
    private(set) var tcp: (any Channel)?
    private(set) var rtp: RTPSocket!
    let host: String
    private let state = NIOLockedValueBox<State>(State())
    private let parser = SIPMessageParser()
    private var tagCounter = 0

    struct State {
        var messages: [SIPMessage] = []
        var rtpPackets = 0
        var rtpPayloads: [UInt8] = []
        var remoteRTP: SocketAddress?
        /// Our RTP stream's next sequence number and timestamp.
        var sequence: UInt16 = 1000
        var timestamp: UInt32 = 160_000
    }

    init(loop: any EventLoop, host: String = "127.0.0.1") {
        self.loop = loop
        self.host = host
    }

    /// Binds the SIP and RTP sockets.
    func start() async throws {
        let state = self.state
        let keep = Self.keeper(state: state, parser: parser)
        channel = try await DatagramBootstrap(group: loop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Inbox(keep))
                }
            }
            .bind(host: host, port: 0).get()
        rtp = try await RTPSocket.bind(on: loop, host: host, port: 0) { datagram in
            state.withLockedValue {
                $0.rtpPackets += 1
                if $0.rtpPayloads.count < 400_000, let packet = try? RTPPacket(parsing: datagram.data), packet.payloadType < 64 {
                    $0.rtpPayloads += packet.payload
                }
            }
        }.get()
    }

    /// Opens a TCP connection to the hotline's SIP port; all SIP goes over it from now on.
    func connectTCP(to port: Int, host: String = "127.0.0.1") async throws {
        let keep = Self.keeper(state: state, parser: parser)
        tcp = try await ClientBootstrap(group: loop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SIPStreamFramer(maxBodyBytes: 65_535)))
                    try channel.pipeline.syncOperations.addHandler(StreamInbox(keep))
                }
            }
            .connect(host: host, port: port).get()
    }

    func stop() async {
        try? await tcp?.close()
        try? await channel?.close()
        try? await rtp?.close().get()
    }

    var sipPort: Int { (tcp ?? channel).localAddress!.port! }
    var rtpPort: Int { rtp.port }
    var rtpPacketsReceived: Int { state.withLockedValue { $0.rtpPackets } }
    var messages: [SIPMessage] { state.withLockedValue { $0.messages } }

    /// Parses the bytes of one message, keeps it and returns what the phone sends back (``keep(_:in:)``).
    typealias Keeper = @Sendable (_ bytes: [UInt8], _ fromStream: Bool) -> [SIPMessage]

    private static func keeper(state: NIOLockedValueBox<State>, parser: SIPMessageParser) -> Keeper {
        { bytes, fromStream in
            guard let message = try? parser.parse(bytes, fromStream: fromStream) else { return [] }
            return keep(message, in: state)
        }
    }

    private final class Inbox: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        typealias OutboundOut = AddressedEnvelope<ByteBuffer>
        let keep: Keeper
        init(_ keep: @escaping Keeper) { self.keep = keep }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let envelope = unwrapInboundIn(data)
            for reply in keep(Array(buffer: envelope.data), false) {
                let buffer = context.channel.allocator.buffer(bytes: reply.serialized())
                context.writeAndFlush(wrapOutboundOut(AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: buffer)), promise: nil)
            }
        }
    }

    /// The same for a TCP connection: framed messages; BYE and CANCEL answered down the connection.
    private final class StreamInbox: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = SIPStreamFramer.Frame
        typealias OutboundOut = ByteBuffer
        let keep: Keeper
        init(_ keep: @escaping Keeper) { self.keep = keep }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard case let .message(bytes) = unwrapInboundIn(data) else { return }
            for reply in keep(bytes, true) {
                context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: reply.serialized())), promise: nil)
            }
        }
    }

    /// Keeps a received message; returns what a phone sends back by itself: 200 to a BYE, and to a CANCEL
    /// 200 and then 487 to the INVITE it cancels (when that INVITE was not answered).
    static func keep(_ message: SIPMessage, in state: NIOLockedValueBox<State>) -> [SIPMessage] {
        let earlier = state.withLockedValue { s -> [SIPMessage] in
            defer { s.messages.append(message) }
            return s.messages
        }
        guard message.isRequest, message.method == .bye || message.method == .cancel else { return [] }
        var replies = [SIPResponseBuilder.response(to: message, status: 200)]
        if message.method == .cancel,
           let invite = earlier.last(where: { $0.isRequest && $0.method == .invite && $0.callID == message.callID
               && $0.via.first?.branch == message.via.first?.branch }) {
            replies.append(SIPResponseBuilder.response(to: invite, status: 487, toTag: "cancelled"))
        }
        return replies
    }

    // MARK: Sending

    /// Sends a message: down the TCP connection when there is one, else by UDP to `host`:`port`.
    func send(_ message: SIPMessage, to port: Int, host: String = "127.0.0.1") {
        if let tcp {
            tcp.writeAndFlush(tcp.allocator.buffer(bytes: message.serialized()), promise: nil)
            return
        }
        let address = try! SocketAddress(ipAddress: host, port: port)
        var buffer = channel.allocator.buffer(capacity: 2048)
        buffer.writeBytes(message.serialized())
        channel.writeAndFlush(AddressedEnvelope(remoteAddress: address, data: buffer), promise: nil)
    }

    func makeTag() -> String {
        tagCounter += 1
        return "t\(sipPort)x\(tagCounter)"
    }

    func via() -> SIPVia {
        var p = SIPParameters()
        p.set("rport", nil)
        return SIPVia(transport: tcp == nil ? "UDP" : "TCP", host: host, port: sipPort, branch: SIPVia.magicCookie + "-" + UUID().uuidString.prefix(12), parameters: p)
    }

    /// An SDP offer or answer for our RTP socket: PCMU, PCMA and telephone-event/8000 on 101.
    func sdp() -> [UInt8] {
        Array("""
        v=0\r
        o=phone 1 1 IN IP4 \(host)\r
        s=-\r
        c=IN IP4 \(host)\r
        t=0 0\r
        m=audio \(rtpPort) RTP/AVP 0 8 101\r
        a=rtpmap:101 telephone-event/8000\r
        a=fmtp:101 0-16\r
        a=sendrecv\r

        """.utf8)
    }

    /// Sends an INVITE for `number` from `caller@domain` to the hotline at `port`.
    /// Without `offer`, the INVITE carries no SDP (a late offer: Hotline offers in its 200).
    func invite(_ number: String, from caller: String, domain: String = "carrier.example", port: Int,
                headers extra: [(SIPHeaderName, String)] = [], offer: Bool = true) -> SIPMessage {
        var from = SIPNameAddress(uri: SIPURI(user: caller, host: domain))
        from.parameters.set("tag", makeTag())
        var headers = SIPHeaders()
        if offer { headers.add(.contentType, "application/sdp") }
        for (name, value) in extra { headers.add(name, value) }
        let invite = SIPMessage(
            startLine: .request(method: .invite, uri: SIPURI(user: number, host: "127.0.0.1", port: port)), via: [via()],
            from: from, to: SIPNameAddress(uri: SIPURI(user: number, host: "127.0.0.1")),
            callID: UUID().uuidString + "@test", cseq: SIPCSeq(1, .invite), maxForwards: 70,
            contacts: [SIPNameAddress(uri: SIPURI(user: caller, host: host, port: sipPort))], extraHeaders: headers,
            body: offer ? sdp() : [])
        send(invite, to: port)
        return invite
    }

    /// The first message received since `start` matching `predicate`.
    func wait(for what: String, from start: Int = 0, limit: Duration = .seconds(10),
              _ predicate: @escaping @Sendable (SIPMessage) -> Bool) async throws -> SIPMessage {
        try await eventuallyValue(what, limit: limit) { self.messages.dropFirst(start).first(where: predicate) }
    }

    /// The final response to `request`.
    func finalResponse(to request: SIPMessage, limit: Duration = .seconds(10)) async throws -> SIPMessage {
        let callID = request.callID, cseq = request.cseq
        return try await wait(for: "final response to \(request.method)", limit: limit) {
            !$0.isRequest && $0.callID == callID && $0.cseq == cseq && ($0.statusCode ?? 0) >= 200
        }
    }

    /// Sends the ACK for a 2xx and notes where the far end wants RTP. With `answer`, the ACK carries our
    /// SDP (the answer to an offer in the 2xx).
    func ack(_ response: SIPMessage, for invite: SIPMessage, port: Int, answer: Bool = false) {
        var to = invite.to
        to.tag = response.to.tag
        var headers = SIPHeaders()
        if answer { headers.add(.contentType, "application/sdp") }
        let ack = SIPMessage(startLine: .request(method: .ack, uri: response.contacts.first?.uri ?? invite.requestURI!),
                             via: [via()], from: invite.from, to: to, callID: invite.callID,
                             cseq: SIPCSeq(invite.cseq.sequence, .ack), maxForwards: 70, extraHeaders: headers,
                             body: answer ? sdp() : [])
        send(ack, to: port)
        noteRemoteRTP(response.body)
    }

    func noteRemoteRTP(_ body: [UInt8]) {
        guard let sdp = try? SessionDescription(parsing: body), let media = sdp.media.first,
              let address = (media.connection ?? sdp.connection)?.address,
              let target = try? SocketAddress(ipAddress: address, port: media.port) else { return }
        state.withLockedValue { $0.remoteRTP = target }
    }

    /// Sends a request inside the dialog of `invite` answered by `response` (BYE, INFO, re-INVITE).
    func inDialog(_ method: SIPMethod, invite: SIPMessage, response: SIPMessage, cseq: UInt32, port: Int,
                  headers extra: [(SIPHeaderName, String)] = [], body: [UInt8] = []) -> SIPMessage {
        var to = invite.to
        to.tag = response.to.tag
        var headers = SIPHeaders()
        for (name, value) in extra { headers.add(name, value) }
        let request = SIPMessage(startLine: .request(method: method, uri: response.contacts.first?.uri ?? invite.requestURI!),
                                 via: [via()], from: invite.from, to: to, callID: invite.callID, cseq: SIPCSeq(cseq, method),
                                 maxForwards: 70, extraHeaders: headers, body: body)
        send(request, to: port)
        return request
    }

    /// CANCEL for a pending INVITE (same branch, §9.1).
    func cancel(_ invite: SIPMessage, port: Int) {
        let cancel = SIPMessage(startLine: .request(method: .cancel, uri: invite.requestURI!), via: [invite.via[0]],
                                from: invite.from, to: invite.to, callID: invite.callID,
                                cseq: SIPCSeq(invite.cseq.sequence, .cancel), maxForwards: 70)
        send(cancel, to: port)
    }

    /// Answers an INVITE this phone received (as an agent) with 200 and our SDP.
    func answer(_ invite: SIPMessage, status: Int = 200) {
        var response = SIPResponseBuilder.response(to: invite, status: status, toTag: makeTag())
        if status < 300 {
            response.contacts = [SIPNameAddress(uri: SIPURI(user: "agent", host: host, port: sipPort))]
            response.addHeader(.contentType, "application/sdp")
            response.body = sdp()
            noteRemoteRTP(invite.body)
        }
        let via = invite.via[0]
        send(response, to: via.rport.flatMap { $0 } ?? via.port ?? 5060, host: via.received ?? via.host)
    }

    /// Presses a key: RFC 4733 packets on payload type 101, one every 20 ms of media time.
    func press(_ key: Character) async throws {
        guard let digit = DTMFDigit(character: key) else { return }
        let target = try await eventuallyValue("the far end's RTP address") { self.state.withLockedValue { $0.remoteRTP } }
        let (sequence, timestamp) = state.withLockedValue { s -> (UInt16, UInt32) in
            defer {
                s.sequence &+= 16
                s.timestamp &+= 1600
            }
            return (s.sequence, s.timestamp)
        }
        for (index, frame) in TelephoneEventSender.frames(for: digit).enumerated() {
            let packet = RTPPacket(payloadType: 101, marker: frame.marker, sequenceNumber: sequence &+ UInt16(index),
                                   timestamp: timestamp, ssrc: 0x1234_5678, payload: frame.payload)
            rtp.send(packet, to: target)
        }
    }

    /// Sends `count` 20 ms PCMU frames of `byte` at once (their timestamps 20 ms apart).
    func sendAudio(count: Int, byte: UInt8 = 0xFF) async throws {
        let target = try await eventuallyValue("the far end's RTP address") { self.state.withLockedValue { $0.remoteRTP } }
        for _ in 0..<count {
            let (sequence, timestamp) = state.withLockedValue { s -> (UInt16, UInt32) in
                defer {
                    s.sequence &+= 1
                    s.timestamp &+= 160
                }
                return (s.sequence, s.timestamp)
            }
            rtp.send(RTPPacket(payloadType: 0, sequenceNumber: sequence, timestamp: timestamp, ssrc: 0x1234_5678,
                               payload: [UInt8](repeating: byte, count: 160)), to: target)
        }
    }

    /// Audio received so far, as payload bytes.
    var audioBytes: [UInt8] { state.withLockedValue { $0.rtpPayloads } }
}

/// Waits for real I/O to produce a value.
func eventuallyValue<T: Sendable>(_ what: String, limit: Duration = .seconds(10), _ value: @escaping @Sendable () -> T?) async throws -> T {
    let box = NIOLockedValueBox<T?>(nil)
    try await eventually(what, limit: limit) {
        box.withLockedValue { $0 = value() }
        return box.withLockedValue { $0 } != nil
    }
    return box.withLockedValue { $0 }!
}
