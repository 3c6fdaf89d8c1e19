#if os(Linux)
import Glibc
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing
@testable import Media

/// The batched receive path, on real loopback sockets.
@Suite struct RTPReadPollerTests {
    /// Runs `body` on a loop of its own (the poller's bookkeeping is per loop), then shuts the loop down.
    private func withOwnLoop(_ body: (any EventLoop) async throws -> Void) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            try await body(group.next())
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        try await group.shutdownGracefully()
    }

    private func bind(_ loop: any EventLoop, into collector: Collector<RTPDatagram>) async throws -> RTPSocket {
        try await within(.seconds(5), "bind", RTPSocket.bind(on: loop, host: "127.0.0.1", port: 0) { collector.append($0) })
    }

    @Test func aBatchReadsWhatWaitsUpToItsCapacityAndFlagsCutDatagrams() throws {
        func udpSocket() throws -> (CInt, SocketAddress) {
            let fd = socket(AF_INET, CInt(SOCK_DGRAM.rawValue) | CInt(SOCK_NONBLOCK.rawValue), 0)
            try #require(fd >= 0)
            let any = try SocketAddress(ipAddress: "127.0.0.1", port: 0)
            try #require(any.withSockAddr { Glibc.bind(fd, $0, socklen_t($1)) } == 0)
            var storage = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
            }
            return (fd, SocketAddress(storage))
        }
        let (receiver, receiverAddress) = try udpSocket()
        let (sender, senderAddress) = try udpSocket()
        defer { close(receiver); close(sender) }
        DatagramBatch.enableArrivalStamps(on: receiver)
        let batch = DatagramBatch(capacity: 2, datagramCapacity: 4)
        #expect(batch.receive(from: receiver) == 0)
        let before = NIODeadline.now()
        for bytes: [UInt8] in [[1, 2, 3], [1, 2, 3, 4, 5, 6], [7]] {
            _ = bytes.withUnsafeBytes { data in
                receiverAddress.withSockAddr { sendto(sender, data.baseAddress, data.count, 0, $0, socklen_t($1)) }
            }
        }
        #expect(batch.receive(from: receiver) == 2)
        #expect(Array(batch.bytes(0)) == [1, 2, 3] && !batch.isTruncated(0))
        #expect(Array(batch.bytes(1)) == [1, 2, 3, 4] && batch.isTruncated(1))
        #expect(batch.source(0) == senderAddress)
        #expect(batch.arrival(0) >= before && batch.arrival(1) <= .now())
        #expect(batch.receive(from: receiver) == 1)
        #expect(Array(batch.bytes(0)) == [7])
        #expect(batch.receive(from: receiver) == 0)
        #expect(batch.receive(from: -1) == 0)
    }

    @Test func datagramsCarryTheKernelsArrivalTimeOnTheMonotonicClock() async throws {
        try await withOwnLoop { loop in
            let received = Collector<RTPDatagram>(eventLoop: loop)
            let socket = try await bind(loop, into: received)
            let sender = try await bind(loop, into: Collector<RTPDatagram>(eventLoop: loop))
            // Sent from the loop, which then stays busy for 100 ms: the poll reads the datagram only after
            // that, but its arrival is when the kernel took it.
            let target = socket.localAddress!
            let before = try await loop.submit { () -> NIODeadline in
                let before = NIODeadline.now()
                sender.send([0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1], to: target)
                while NIODeadline.now() - before < .milliseconds(100) {}
                return before
            }.get()
            let datagrams = try await received.wait("the datagram") { $0.count == 1 }
            let datagram = try #require(datagrams.first)
            #expect(datagram.arrival >= before)
            #expect(datagram.arrival - before < .milliseconds(50))
            #expect(Array(datagram.data.readableBytesView) == [0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1])
            #expect(datagram.source == sender.localAddress)
            #expect(!datagram.onRTCPPort)
            try await within(.seconds(5), "close", socket.close())
            try await within(.seconds(5), "close", sender.close())
        }
    }

    @Test func moreReadySocketsThanOneEpollRoundAllGetTheirDatagrams() async throws {
        try await withOwnLoop { loop in
            let received = Collector<RTPDatagram>(eventLoop: loop)
            var sockets: [RTPSocket] = []
            for _ in 0..<300 { sockets.append(try await bind(loop, into: received)) }
            let sender = try await bind(loop, into: Collector<RTPDatagram>(eventLoop: loop))
            // Sent from the loop in one go, so all 300 sockets are ready at the next poll, three datagrams each.
            let targets = sockets.map { $0.localAddress! }
            try await loop.submit {
                for round in 0..<3 {
                    for (i, target) in targets.enumerated() { sender.send([UInt8(round), UInt8(i & 0xFF), UInt8(i >> 8)], to: target) }
                }
            }.get()
            let all = try await received.wait("900 datagrams") { $0.count == 900 }
            var perSocket: [Int: [UInt8]] = [:]
            for datagram in all {
                let bytes = Array(datagram.data.readableBytesView)
                perSocket[Int(bytes[1]) | Int(bytes[2]) << 8, default: []].append(bytes[0])
            }
            #expect(perSocket.count == 300)
            #expect(perSocket.values.allSatisfy { $0 == [0, 1, 2] })
            for socket in sockets { try await within(.seconds(5), "close", socket.close()) }
            try await within(.seconds(5), "close", sender.close())
        }
    }

    @Test func eachDatagramNamesItsOwnSourceWhenSourcesAlternate() async throws {
        try await withOwnLoop { loop in
            let received = Collector<RTPDatagram>(eventLoop: loop)
            let socket = try await bind(loop, into: received)
            let a = try await bind(loop, into: Collector<RTPDatagram>(eventLoop: loop))
            let b = try await bind(loop, into: Collector<RTPDatagram>(eventLoop: loop))
            let target = socket.localAddress!
            try await loop.submit {
                for i in 0..<6 { (i % 2 == 0 ? a : b).send([UInt8(i)], to: target) }
            }.get()
            let all = try await received.wait("six datagrams") { $0.count == 6 }
            for datagram in all {
                let index = Int(datagram.data.readableBytesView.first!)
                #expect(datagram.source == (index % 2 == 0 ? a : b).localAddress)
            }
            for s in [socket, a, b] { try await within(.seconds(5), "close", s.close()) }
        }
    }

    @Test func aSocketClosedWhileItsDatagramsAreHandedOnGetsNoMoreAndThePollerEndsWithTheLast() async throws {
        try await withOwnLoop { loop in
            let received = Collector<RTPDatagram>(eventLoop: loop)
            let holder = NIOLockedValueBox<RTPSocket?>(nil)
            let socket = try await within(.seconds(5), "bind", RTPSocket.bind(on: loop, host: "127.0.0.1", port: 0) { datagram in
                received.append(datagram)
                // The first datagram closes the socket: the rest of its batch must not arrive.
                _ = holder.withLockedValue { $0 }?.close()
            })
            holder.withLockedValue { $0 = socket }
            let sender = try await bind(loop, into: Collector<RTPDatagram>(eventLoop: loop))
            let target = socket.localAddress!
            try await loop.submit {
                for i in 0..<5 { sender.send([UInt8(i)], to: target) }
            }.get()
            _ = try await received.wait("the first datagram") { !$0.isEmpty }
            try await within(.seconds(5), "close", socket.close())
            // The sender's own socket is the loop's last: closing it ends the poller.
            let countBefore = try await loop.submit { RTPReadPoller.existing(on: loop)?.count }.get()
            #expect(countBefore == 1)
            try await within(.seconds(5), "close", sender.close())
            let items = received.items
            #expect(items.count == 1)
            let after = try await loop.submit { RTPReadPoller.existing(on: loop) }.get()
            #expect(after == nil)
        }
    }
}
#endif
