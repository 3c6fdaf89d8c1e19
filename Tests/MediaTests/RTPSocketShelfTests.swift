import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing
@testable import Media

/// Sockets of ended calls kept bound for the next calls on the same loop.
@Suite struct RTPSocketShelfTests {
    /// A monotonic clock the test moves by hand.
    final class Clock: Sendable {
        private let time = NIOLockedValueBox(NIODeadline.uptimeNanoseconds(1_000_000_000))
        var now: NIODeadline { time.withLockedValue { $0 } }
        func advance(_ amount: TimeAmount) { time.withLockedValue { $0 = $0 + amount } }
    }

    /// Counts the datagrams a socket's closure got and hands the next one over.
    final class Inbox: Sendable {
        private let state = NIOLockedValueBox<(count: Int, waiting: EventLoopPromise<RTPDatagram>?)>((0, nil))
        var count: Int { state.withLockedValue { $0.count } }
        func next(on loop: any EventLoop) -> EventLoopFuture<RTPDatagram> {
            let promise = loop.makePromise(of: RTPDatagram.self)
            state.withLockedValue { $0.waiting = promise }
            return promise.futureResult
        }
        func received(_ datagram: RTPDatagram) {
            let promise = state.withLockedValue { state -> EventLoopPromise<RTPDatagram>? in
                state.count += 1
                defer { state.waiting = nil }
                return state.waiting
            }
            promise?.succeed(datagram)
        }
    }

    let loop = MultiThreadedEventLoopGroup.singleton.next()

    func bind(_ pool: RTPPortPool, _ inbox: Inbox) async throws -> RTPSocket {
        try await within(.seconds(5), "pool bind", RTPSocket.bind(on: loop, host: "127.0.0.1", pool: pool, rtcp: true) { inbox.received($0) })
    }

    /// Sends one datagram from `peer` to `port` and waits until `inbox` has it.
    func deliver(from peer: RTPSocket, to port: Int, _ inbox: Inbox, text: String) async throws -> String {
        let next = inbox.next(on: loop)
        peer.send(Array(text.utf8), to: try SocketAddress(ipAddress: "127.0.0.1", port: port))
        let datagram = try await within(.seconds(5), "datagram", next)
        return String(buffer: datagram.data)
    }

    @Test func aRestedSocketServesTheNextCallAndOnlyIt() async throws {
        let clock = Clock()
        let shelf = RTPSocketShelf(policy: .init(capacity: 4, quarantine: .seconds(1)), now: { clock.now })
        let pool = RTPPortPool(range: testPortRange(40), shelf: shelf)
        let peer = try await within(.seconds(5), "peer", RTPSocket.bind(on: loop, host: "127.0.0.1", port: 0) { _ in })
        let first = Inbox(), second = Inbox(), third = Inbox()
        let a = try await bind(pool, first)
        #expect(try await deliver(from: peer, to: a.port, first, text: "one") == "one")
        try await within(.seconds(5), "close", a.close())
        // On the shelf: still bound, its port still taken, its datagrams nobody's.
        #expect(shelf.count == 1)
        #expect(pool.isInUse(a.port))
        #expect(a.channel.isActive)

        // Within the quarantine a new call gets another port.
        let b = try await bind(pool, second)
        #expect(b.port != a.port)
        clock.advance(.seconds(1))
        let c = try await bind(pool, third)
        #expect(c.port == a.port)
        #expect(c.channel === a.channel)
        #expect(shelf.count == 0)
        #expect(try await deliver(from: peer, to: c.port, third, text: "three") == "three")
        #expect(first.count == 1)
        // Closing the old handle again changes nothing for the call that has the socket now.
        try await within(.seconds(5), "close again", a.close())
        #expect(shelf.count == 0)
        #expect(try await deliver(from: peer, to: c.port, third, text: "four") == "four")

        for socket in [b, c, peer] { try await within(.seconds(5), "close", socket.close()) }
        try await within(.seconds(5), "close all", shelf.closeAll()!)
        #expect(pool.inUse == 0)
    }

    @Test func beyondCapacityOrIdleTooLongTheSocketIsClosedAndItsPortFreed() async throws {
        let clock = Clock()
        let shelf = RTPSocketShelf(policy: .init(capacity: 1, quarantine: .seconds(1), maximumIdle: .seconds(30)), now: { clock.now })
        let pool = RTPPortPool(range: testPortRange(41), shelf: shelf)
        let a = try await bind(pool, Inbox()), b = try await bind(pool, Inbox())
        try await within(.seconds(5), "close a", a.close())
        try await within(.seconds(5), "close b", b.close())
        // Only one is kept: the older went out, closed.
        #expect(shelf.count == 1)
        try await within(.seconds(5), "a closed", a.channel.closeFuture)
        try await within(.seconds(5), "a's RTCP closed", a.rtcpChannel!.closeFuture)
        try await within(.seconds(5), "a loop turn", loop.submit {})
        #expect(!pool.isInUse(a.port))
        #expect(pool.isInUse(b.port))

        // Unused for longer than allowed: closed when the shelf is next looked at.
        clock.advance(.seconds(31))
        let c = try await bind(pool, Inbox())
        #expect(c.port != b.port)
        #expect(shelf.count == 0)
        try await within(.seconds(5), "b closed", b.channel.closeFuture)
        try await within(.seconds(5), "b's RTCP closed", b.rtcpChannel!.closeFuture)
        try await within(.seconds(5), "b loop turn", loop.submit {})
        #expect(!pool.isInUse(b.port))
        try await within(.seconds(5), "close c", c.close())
        #expect(shelf.count == 1)
        // A sweep lets go of what rested too long, with no call coming.
        shelf.sweep()
        #expect(shelf.count == 1)
        clock.advance(.seconds(31))
        shelf.sweep()
        #expect(shelf.count == 0)
        try await within(.seconds(5), "c closed", c.channel.closeFuture)
        try await within(.seconds(5), "c's RTCP closed", c.rtcpChannel!.closeFuture)
        try await within(.seconds(5), "c loop turn", loop.submit {})
        #expect(pool.inUse == 0)
    }

    @Test func noCapacityMeansPlainClose() async throws {
        let shelf = RTPSocketShelf(policy: .init(capacity: 0))
        let pool = RTPPortPool(range: testPortRange(42), shelf: shelf)
        let a = try await bind(pool, Inbox())
        try await within(.seconds(5), "close", a.close())
        #expect(shelf.count == 0)
        #expect(pool.inUse == 0)
        #expect(!a.channel.isActive)
    }

    /// RTP sent on the socket's loop goes straight out on its descriptor; a handle that was closed sends
    /// nothing, even though its socket lives on for the next call.
    @Test func sendsOnTheLoopGoStraightOutAndAClosedHandleSendsNothing() async throws {
        let clock = Clock()
        let shelf = RTPSocketShelf(policy: .init(capacity: 4, quarantine: .seconds(1)), now: { clock.now })
        let pool = RTPPortPool(range: testPortRange(43), shelf: shelf)
        let heard = Inbox()
        let peer = try await within(.seconds(5), "peer", RTPSocket.bind(on: loop, host: "127.0.0.1", port: 0) { heard.received($0) })
        let peerAddress = try SocketAddress(ipAddress: "127.0.0.1", port: peer.port)
        func packet(_ sequence: UInt16) -> RTPPacket {
            RTPPacket(payloadType: 0, marker: sequence == 1, sequenceNumber: sequence, timestamp: UInt32(sequence) * 160,
                      ssrc: 0xDEAD_BEEF, payload: [UInt8](repeating: UInt8(sequence), count: 160))
        }

        let a = try await bind(pool, Inbox())
        var next = heard.next(on: loop)
        try await loop.submit { a.send(packet(1), to: peerAddress) }.get()
        let first = try await within(.seconds(5), "first", next)
        #expect(Array(first.data.readableBytesView) == packet(1).serialized())
        #expect(first.source.port == a.port)

        try await within(.seconds(5), "close", a.close())
        clock.advance(.seconds(1))
        let c = try await bind(pool, Inbox())
        #expect(c.port == a.port)
        // Both from the same descriptor, in order: had the old handle sent, its packet would come first.
        next = heard.next(on: loop)
        try await loop.submit {
            a.send(packet(2), to: peerAddress)
            c.send(packet(3), to: peerAddress)
        }.get()
        let third = try await within(.seconds(5), "third", next)
        #expect(try RTPPacket(parsing: third.data).sequenceNumber == 3)

        for socket in [c, peer] { try await within(.seconds(5), "close", socket.close()) }
        try await within(.seconds(5), "close all", shelf.closeAll()!)
        #expect(heard.count == 2)
        #expect(pool.inUse == 0)
    }
}
