import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOEmbedded
import Testing
@testable import SIP

/// A SIP endpoint on real loopback sockets (UDP and TCP, port 0), and a
/// test user agent that talks to it.
final class LoopbackServer: @unchecked Sendable {
    let service: SIPTransportService
    let endpoint: SIPEndpoint

    init(bind: String = "127.0.0.1") async throws {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let registrar = Registrar(configuration: .init(realm: "hotline.test"), passwords: ["8001": "demo-8001"])
        endpoint = try await loop.submit {
            SIPEndpoint(eventLoop: loop, configuration: .init(), registrar: registrar, logger: Logger(label: "test"), now: { 1_000 })
        }.get()
        var config = SIPTransportService.Configuration()
        config.bindAddresses = [bind]
        config.port = 0
        config.tcpMessageTimeout = .milliseconds(300)
        var quiet = Logger(label: "test")
        quiet.logLevel = .warning
        service = SIPTransportService(configuration: config, endpoint: endpoint, logger: quiet)
        try await service.start()
    }

    func port(_ proto: SIPTransportProtocol) -> Int { service.boundAddresses.first { $0.0 == proto }!.1.port! }

    func stop() async { await service.stop() }
}

/// Sends datagrams and waits for the replies.
struct TestUDPAgent {
    let channel: NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>
    let server: SocketAddress

    static func connect(port: Int, host: String = "127.0.0.1") async throws -> TestUDPAgent {
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: host, port: 0) { ch in
                ch.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>(wrappingChannelSynchronously: ch)
                }
            }
        return TestUDPAgent(channel: channel, server: try SocketAddress(ipAddress: host, port: port))
    }

    /// Sends `bytes` and returns the next `count` messages received.
    func exchange(_ bytes: [UInt8], expecting count: Int = 1) async throws -> [SIPMessage] {
        try await exchangeRaw(bytes, expecting: count).map { try SIPMessageParser().parse($0) }
    }

    /// Sends `bytes` and returns the next `count` datagrams received.
    func exchangeRaw(_ bytes: [UInt8], expecting count: Int = 1) async throws -> [[UInt8]] {
        try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(AddressedEnvelope(remoteAddress: server, data: ByteBuffer(bytes: bytes)))
            var result: [[UInt8]] = []
            for try await envelope in inbound {
                result.append(Array(envelope.data.readableBytesView))
                if result.count == count { break }
            }
            return result
        }
    }
}

func options(branch: String, transport: String = "UDP") -> [UInt8] {
    sip("""
    OPTIONS sip:959999@127.0.0.1 SIP/2.0
    Via: SIP/2.0/\(transport) 127.0.0.1:9;branch=\(branch);rport
    From: <sip:probe@127.0.0.1>;tag=p1
    To: <sip:959999@127.0.0.1>
    Call-ID: \(branch)@test
    CSeq: 1 OPTIONS
    Max-Forwards: 70
    Content-Length: 0


    """)
}

@Suite("Endpoint over loopback sockets")
struct EndpointTests {
    @Test("The UDP socket asks for a 4 MB receive buffer and gets what the kernel allows")
    func udpReceiveBuffer() async throws {
        let server = try await LoopbackServer()
        let granted = try await server.service.udpChannels[0].getOption(.socketOption(.so_rcvbuf)).get()
        // Linux doubles what is asked for (its bookkeeping) and caps the request at rmem_max.
        let limit = (try? String(contentsOfFile: "/proc/sys/net/core/rmem_max", encoding: .utf8))
            .flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        if let limit {
            #expect(Int(granted) == 2 * min(4 << 20, limit))
        }
        #expect(granted > 212_992)
        await server.stop()
    }

    @Test("OPTIONS over UDP gets 200 with Allow, at the source address, with received/rport")
    func optionsUDP() async throws {
        let server = try await LoopbackServer()
        let agent = try await TestUDPAgent.connect(port: server.port(.udp))
        let local = agent.channel.channel.localAddress!.port!
        let replies = try await agent.exchange(options(branch: "z9hG4bK-opt-1"))
        #expect(replies[0].statusCode == 200)
        #expect(replies[0].headers.listValues(.allow).contains("INVITE"))
        #expect(replies[0].via[0].received == "127.0.0.1")
        #expect(replies[0].via[0].rport! == local)
        #expect(replies[0].to.tag != nil)
        await server.stop()
    }

    @Test("IPv6: OPTIONS over UDP on ::1", .enabled(if: ipv6LoopbackAvailable, "no IPv6 loopback on this machine"))
    func ipv6() async throws {
        let server = try await LoopbackServer(bind: "::1")
        let text = String(decoding: options(branch: "z9hG4bK-v6-1"), as: UTF8.self).replacingOccurrences(of: "127.0.0.1:9", with: "[::1]:9")
        let replies = try await TestUDPAgent.connect(port: server.port(.udp), host: "::1").exchange(Array(text.utf8))
        #expect(replies[0].statusCode == 200 && replies[0].via[0].host == "[::1]")
        await server.stop()
    }

    @Test("A malformed request gets 400, an unknown method 501, and the server stays up")
    func badInput() async throws {
        let server = try await LoopbackServer()
        let bad = sip("""
        INVITE sip:959999@127.0.0.1 SIP/2.0
        Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK-bad-1
        From: <sip:a@127.0.0.1>;tag=1
        To: "unterminated <sip:959999@127.0.0.1>
        Call-ID: bad-1
        CSeq: 1 INVITE
        Content-Length: 0


        """)
        let r1 = try await TestUDPAgent.connect(port: server.port(.udp)).exchangeRaw(bad)
        let text = String(decoding: r1[0], as: UTF8.self)
        #expect(text.hasPrefix("SIP/2.0 400 Bad Request\r\n"))
        #expect(text.contains("Call-ID: bad-1\r\n") && text.contains("Warning: 399 hotline \"Bad To header"))
        var unknown = String(decoding: options(branch: "z9hG4bK-unk-1"), as: UTF8.self)
        unknown = unknown.replacingOccurrences(of: "OPTIONS", with: "FROBNICATE")
        let r2 = try await TestUDPAgent.connect(port: server.port(.udp)).exchange(Array(unknown.utf8))
        #expect(r2[0].statusCode == 501 && r2[0].headers[.allow] != nil)
        let r3 = try await TestUDPAgent.connect(port: server.port(.udp)).exchange(options(branch: "z9hG4bK-after"))
        #expect(r3[0].statusCode == 200)
        await server.stop()
    }

    @Test("A retransmitted request is answered from its transaction, not processed twice")
    func retransmission() async throws {
        let server = try await LoopbackServer()
        let agent = try await TestUDPAgent.connect(port: server.port(.udp))
        let msg = options(branch: "z9hG4bK-rt-1")
        let replies = try await agent.channel.executeThenClose { inbound, outbound in
            try await outbound.write(AddressedEnvelope(remoteAddress: agent.server, data: ByteBuffer(bytes: msg)))
            try await outbound.write(AddressedEnvelope(remoteAddress: agent.server, data: ByteBuffer(bytes: msg)))
            var result: [SIPMessage] = []
            for try await e in inbound {
                result.append(try SIPMessageParser().parse(Array(e.data.readableBytesView)))
                if result.count == 2 { break }
            }
            return result
        }
        #expect(replies.map(\.statusCode) == [200, 200])
        #expect(replies[0].to.tag == replies[1].to.tag)
        let absorbed = try await server.endpoint.eventLoop.submit { server.endpoint.statistics.retransmissionsAbsorbed }.get()
        #expect(absorbed == 1)
        await server.stop()
    }

    @Test("A client transaction: the endpoint sends OPTIONS and gets the peer's 200")
    func clientTransaction() async throws {
        let server = try await LoopbackServer()
        let agent = try await TestUDPAgent.connect(port: server.port(.udp))
        let agentAddress = agent.channel.channel.localAddress!
        let got = try await agent.channel.executeThenClose { inbound, outbound in
            let response = server.endpoint.eventLoop.makePromise(of: Int.self)
            try await server.endpoint.eventLoop.submit {
                let e = server.endpoint
                let request = SIPMessage(
                    startLine: .request(method: .options, uri: try! SIPURI("sip:agent@127.0.0.1")),
                    via: [SIPVia(transport: "UDP", host: "127.0.0.1", port: server.port(.udp), branch: e.makeBranch())],
                    from: SIPNameAddress(uri: try! SIPURI("sip:hotline@127.0.0.1"), parameters: ["tag": e.makeTag()]),
                    to: try! SIPNameAddress("<sip:agent@127.0.0.1>"), callID: "c-\(e.makeTag())", cseq: SIPCSeq(1, .options), maxForwards: 70)
                e.send(request, to: server.service.udpPeer(to: agentAddress)!, onResponse: { response.succeed($0.statusCode!) })
            }.get()
            for try await envelope in inbound {
                let request = try SIPMessageParser().parse(Array(envelope.data.readableBytesView))
                let reply = SIPResponseBuilder.response(to: request, status: 200, toTag: "ua")
                try await outbound.write(AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: ByteBuffer(bytes: reply.serialized())))
                break
            }
            return try await response.futureResult.get()
        }
        #expect(got == 200)
        await server.stop()
    }

    @Test("A client transaction retransmits over UDP and times out at 64·T1 (virtual time)")
    func clientTimeout() throws {
        let loop = EmbeddedEventLoop()
        let endpoint = SIPEndpoint(
            eventLoop: loop, configuration: .init(),
            registrar: Registrar(configuration: .init(realm: "t"), passwords: [:]), logger: Logger(label: "t"), now: { 0 })
        let channel = EmbeddedChannel(loop: loop)
        let peer = SIPPeer(transport: .udp, remote: try SocketAddress(ipAddress: "127.0.0.1", port: 5099), channel: channel)
        var timedOut = false
        endpoint.send(request(.options, branch: endpoint.makeBranch()), to: peer, onResponse: { _ in }, onTimeout: { timedOut = true })
        loop.advanceTime(by: .milliseconds(31_900))
        var sent = 0
        while try channel.readOutbound(as: AddressedEnvelope<ByteBuffer>.self) != nil { sent += 1 }
        // 0, 0.5, 1.5, 3.5, 7.5, then every 4 s: 11.5 … 31.5.
        #expect(sent == 11 && !timedOut)
        loop.advanceTime(by: .milliseconds(200))
        #expect(timedOut && endpoint.clientTransactionCount == 0)
    }

    @Test("A BYE for an unknown dialog gets 481")
    func byeUnknownDialog() async throws {
        let server = try await LoopbackServer()
        var text = String(decoding: options(branch: "z9hG4bK-bye-1"), as: UTF8.self)
        text = text.replacingOccurrences(of: "OPTIONS", with: "BYE").replacingOccurrences(of: "To: <sip:959999@127.0.0.1>", with: "To: <sip:959999@127.0.0.1>;tag=gone")
        let replies = try await TestUDPAgent.connect(port: server.port(.udp)).exchange(Array(text.utf8))
        #expect(replies.map(\.statusCode) == [481])
        await server.stop()
    }

    @Test("A request from a SIP scanner (by its User-Agent) is dropped unanswered; the next one is answered")
    func scannerDropped() async throws {
        let server = try await LoopbackServer()
        var scan = String(decoding: options(branch: "z9hG4bK-scan-1"), as: UTF8.self)
        scan = scan.replacingOccurrences(of: "Max-Forwards: 70", with: "Max-Forwards: 70\r\nUser-Agent: friendly-scanner")
        let agent = try await TestUDPAgent.connect(port: server.port(.udp))
        try await agent.channel.executeThenClose { inbound, outbound in
            let target = agent.server
            try await outbound.write(AddressedEnvelope(remoteAddress: target, data: ByteBuffer(bytes: Array(scan.utf8))))
            try await outbound.write(AddressedEnvelope(remoteAddress: target, data: ByteBuffer(bytes: options(branch: "z9hG4bK-ok-2"))))
            // Requests on one socket are answered in order: had the scan been answered, its 200 would come first.
            var replies = inbound.makeAsyncIterator()
            let first = try #require(try await replies.next())
            let reply = try SIPMessageParser().parse(Array(first.data.readableBytesView))
            #expect(reply.via.first?.branch == "z9hG4bK-ok-2")
            #expect(reply.statusCode == 200)
        }
        let dropped = try await server.endpoint.eventLoop.submit { server.endpoint.statistics.scannersDropped }.get()
        #expect(dropped == 1)
        await server.stop()
    }

    @Test("A log throttle lets one line through per interval and counts the events held back")
    func logThrottle() {
        var throttle = LogThrottle(seconds: 10)
        let lines = [0.0, 1, 2, 9.9, 10, 10.5, 25].map { throttle.event(at: $0) }
        #expect(lines == [1, nil, nil, nil, 4, nil, 2])
    }

    @Test("An INVITE with no call flow gets 100 then 480")
    func inviteRejected() async throws {
        let server = try await LoopbackServer()
        var text = String(decoding: options(branch: "z9hG4bK-inv-1"), as: UTF8.self)
        text = text.replacingOccurrences(of: "OPTIONS", with: "INVITE")
        let replies = try await TestUDPAgent.connect(port: server.port(.udp)).exchange(Array(text.utf8), expecting: 2)
        #expect(replies.map(\.statusCode) == [100, 480])
        await server.stop()
    }

    @Test("TCP: a message split across writes is framed; CRLFCRLF ping gets a pong; a stalled partial message is cut off")
    func tcp() async throws {
        let server = try await LoopbackServer()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: server.port(.tcp)) { ch in
                ch.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: ch) }
            }
        let msg = options(branch: "z9hG4bK-tcp-1", transport: "TCP")
        let (reply, pong, closed) = try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(bytes: msg[0..<40]))
            try await outbound.write(ByteBuffer(bytes: msg[40...]))
            var received = ByteBuffer()
            var iterator = inbound.makeAsyncIterator()
            var reply: SIPMessage?
            while reply == nil, let chunk = try await iterator.next() {
                received.writeImmutableBuffer(chunk)
                var framer = SIPStreamFramer()
                if case .message(let bytes)? = try framer.nextFrame(&received) {
                    reply = try SIPMessageParser().parse(bytes, fromStream: true)
                }
            }
            try await outbound.write(ByteBuffer(string: "\r\n\r\n"))
            let pong = try await iterator.next()
            return (reply, pong, false)
        }
        #expect(reply?.statusCode == 200)
        #expect(pong.map { String(buffer: $0) } == "\r\n")
        #expect(!closed)
        await server.stop()
    }

    @Test("TCP: a peer that leaves half a message is cut off after the message timeout (virtual time)")
    func partialMessageTimeout() throws {
        let loop = EmbeddedEventLoop()
        let endpoint = SIPEndpoint(
            eventLoop: loop, configuration: .init(),
            registrar: Registrar(configuration: .init(realm: "t"), passwords: [:]), logger: Logger(label: "t"), now: { 0 })
        let channel = EmbeddedChannel(loop: loop)
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SIPStreamFramer()))
        try channel.pipeline.syncOperations.addHandler(TCPHandler(endpoint: endpoint, messageTimeout: .seconds(30)) { _ in })
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 5060)).wait()
        try channel.writeInbound(ByteBuffer(string: "OPTIONS sip:x@127.0.0.1 SIP/2.0\r\nVia: SIP/2"))
        loop.advanceTime(by: .seconds(29))
        #expect(channel.isActive)
        loop.advanceTime(by: .seconds(2))
        #expect(!channel.isActive)
    }

    @Test("TCP framing: over-long headers, bad or missing Content-Length are errors")
    func framingErrors() throws {
        var framer = SIPStreamFramer(maxHeaderBytes: 64)
        var long = ByteBuffer(string: String(repeating: "a", count: 100))
        #expect(throws: SIPStreamFramer.FramingError.headerTooLong) { try framer.nextFrame(&long) }
        var missing = ByteBuffer(string: "OPTIONS sip:a@b SIP/2.0\r\nX: y\r\n\r\n")
        #expect(throws: SIPStreamFramer.FramingError.missingContentLength) { try SIPStreamFramer().nextFramePublic(&missing) }
        var twice = ByteBuffer(string: "OPTIONS sip:a@b SIP/2.0\r\nl: 1\r\nContent-Length: 1\r\n\r\nab")
        #expect(throws: SIPStreamFramer.FramingError.badContentLength) { try SIPStreamFramer().nextFramePublic(&twice) }
        var two = ByteBuffer(string: "A sip:a@b SIP/2.0\r\nl: 1\r\n\r\nxB sip:a@b SIP/2.0\r\nl: 0\r\n\r\n")
        var f = SIPStreamFramer()
        guard case .message(let first)? = try f.nextFrame(&two), case .message(let second)? = try f.nextFrame(&two) else {
            Issue.record("expected two frames"); return
        }
        #expect(first.last == UInt8(ascii: "x") && second.first == UInt8(ascii: "B"))
    }
}

extension SIPStreamFramer {
    func nextFramePublic(_ b: inout ByteBuffer) throws -> Frame? {
        var copy = self
        return try copy.nextFrame(&b)
    }
}

/// Whether this machine can bind the IPv6 loopback.
let ipv6LoopbackAvailable: Bool = {
    (try? DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "::1", port: 0).flatMap { $0.close() }.wait()) != nil
}()
