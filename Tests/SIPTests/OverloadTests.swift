import Foundation
import NIOCore
import NIOPosix
import Testing
@testable import SIP

/// Overload: the receive queue read from the kernel, the detector's hysteresis, and the endpoint
/// shedding new INVITEs with a stateless 503 while other traffic goes on.
@Suite("SIP overload")
struct OverloadTests {
    @Test("the detector enters overload past a quarter of the queue and leaves it below a thirty-second")
    func hysteresis() {
        var detector = OverloadDetector()
        let capacity = 8 << 20
        // Each reading: whether the state changed, and the state after it.
        let readings = [capacity / 4, capacity / 4 + 1, capacity / 16, capacity / 32 - 1, capacity / 32 - 1].map { queued in
            let changed = detector.update(ReceiveQueue(queued: queued, capacity: capacity))
            return [changed, detector.isOverloaded]
        }
        #expect(readings == [[false, false], [true, true], [false, true], [true, false], [false, false]])
    }

    @Test("a socket's receive queue is read from the kernel: it grows with datagrams left unread", .enabled(if: isLinux))
    func receiveQueueOfASocket() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let idle = try await DatagramBootstrap(group: group).channelOption(.autoRead, value: false).bind(host: "127.0.0.1", port: 0).get()
        let sender = try await DatagramBootstrap(group: group).bind(host: "127.0.0.1", port: 0).get()
        let empty = try await idle.eventLoop.submit { ReceiveQueue.of(idle) }.get()
        #expect(empty?.queued == 0)
        #expect((empty?.capacity ?? 0) > 0)
        for _ in 0..<20 {
            try await sender.writeAndFlush(AddressedEnvelope(remoteAddress: idle.localAddress!, data: ByteBuffer(bytes: [UInt8](repeating: 7, count: 500)))).get()
        }
        let deadline = ContinuousClock.now + .seconds(10)
        var queued = 0
        while queued < 20 * 500, ContinuousClock.now < deadline {
            queued = try await idle.eventLoop.submit { ReceiveQueue.of(idle)?.queued ?? 0 }.get()
        }
        #expect(queued >= 20 * 500)
        // Off its loop there is no immediate answer.
        #expect(ReceiveQueue.of(idle) == nil)
        try await idle.close()
        try await sender.close()
    }

    @Test("in overload a new INVITE gets a stateless 503 with Retry-After; retransmissions and other requests go on")
    func shedding() async throws {
        let server = try await LoopbackServer()
        let endpoint = server.endpoint
        let invite = { (branch: String) -> [UInt8] in
            Array(String(decoding: options(branch: branch), as: UTF8.self).replacingOccurrences(of: "OPTIONS", with: "INVITE").utf8)
        }
        let agent = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0) { ch in
                ch.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>(wrappingChannelSynchronously: ch)
                }
            }
        let target = try SocketAddress(ipAddress: "127.0.0.1", port: server.port(.udp))
        let overloaded = { (on: Bool) in
            try await endpoint.eventLoop.submit {
                endpoint.setOverloaded(on, source: ObjectIdentifier(endpoint), queue: ReceiveQueue(queued: 1, capacity: 8))
                return endpoint.isOverloaded
            }.get()
        }
        try await agent.executeThenClose { inbound, outbound in
            var replies = inbound.makeAsyncIterator()
            /// Sends a request and returns the next `count` responses in its transaction (the 480s of earlier
            /// INVITEs, retransmitted until an ACK that never comes, are passed over).
            func exchange(_ bytes: [UInt8], expecting count: Int) async throws -> [SIPMessage] {
                let branch = try SIPMessageParser().parse(bytes).via.first?.branch
                try await outbound.write(AddressedEnvelope(remoteAddress: target, data: ByteBuffer(bytes: bytes)))
                var result: [SIPMessage] = []
                while result.count < count, let envelope = try await replies.next() {
                    let response = try SIPMessageParser().parse(Array(envelope.data.readableBytesView))
                    if response.via.first?.branch == branch { result.append(response) }
                }
                return result
            }
            // Admitted before the overload: 100, then 480 (no call flow here).
            #expect(try await exchange(invite("z9hG4bK-ov-1"), expecting: 2).map(\.statusCode) == [100, 480])
            let transactions = try await endpoint.eventLoop.submit { endpoint.serverTransactionCount }.get()

            #expect(try await overloaded(true))
            let shed = try await exchange(invite("z9hG4bK-ov-2"), expecting: 1)
            #expect(shed.map(\.statusCode) == [503])
            #expect(shed.first?.headers.fieldValues(.retryAfter) == ["1"])
            #expect(shed.first?.to.tag != nil)
            #expect(try await endpoint.eventLoop.submit { endpoint.serverTransactionCount }.get() == transactions)
            // The admitted INVITE's retransmission is still its transaction's: the 480 again.
            #expect(try await exchange(invite("z9hG4bK-ov-1"), expecting: 1).map(\.statusCode) == [480])
            #expect(try await exchange(options(branch: "z9hG4bK-ov-3"), expecting: 1).map(\.statusCode) == [200])
            #expect(try await endpoint.eventLoop.submit { endpoint.statistics.invitesShed }.get() == 1)

            #expect(try await overloaded(false) == false)
            #expect(try await exchange(invite("z9hG4bK-ov-4"), expecting: 2).map(\.statusCode) == [100, 480])
        }
        await server.stop()
    }
}

#if os(Linux)
let isLinux = true
#else
let isLinux = false
#endif
