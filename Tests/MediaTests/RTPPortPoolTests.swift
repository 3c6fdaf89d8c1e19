import NIOCore
import NIOPosix
import Testing
@testable import Media

@Suite struct RTPPortPoolTests {
    @Test func evenPortsWithTheirRTCPPortInRange() {
        let pool = RTPPortPool(range: 30001...30008)
        #expect(pool.capacity == 3) // 30002, 30004, 30006 (30008 has no 30009)
        #expect(pool.acquire() == 30002)
        #expect(pool.acquire() == 30004)
        #expect(pool.acquire() == 30006)
        #expect(pool.acquire() == nil)
        #expect(pool.inUse == 3)
    }

    @Test func releaseIsRoundRobinAndIdempotent() {
        let pool = RTPPortPool(range: 30000...30005)
        let a = pool.acquire(), b = pool.acquire()
        #expect(a == 30000 && b == 30002)
        pool.release(30000)
        pool.release(30000) // twice: no effect
        pool.release(30001) // odd: not a pool port
        pool.release(31000) // outside
        #expect(pool.inUse == 1)
        // The port just released is handed out last.
        #expect(pool.acquire() == 30004)
        #expect(pool.acquire() == 30000)
        #expect(pool.acquire() == nil)
        #expect(pool.isInUse(30002))
        pool.release(30002)
        #expect(!pool.isInUse(30002))
        #expect(pool.inUse == 2)
    }

    @Test func balancedUnderConcurrentUse() async {
        let pool = RTPPortPool(range: 30000...30199)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    for _ in 0..<1000 {
                        if let port = pool.acquire() { pool.release(port) }
                    }
                }
            }
        }
        #expect(pool.inUse == 0)
    }

    @Test func bindSkipsPortsHeldByOthersAndNeverLeaks() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let loop = group.next()
        // Another program holds a port: the pool's first pair includes it.
        let squatter = try await within(.seconds(5), "bind", RTPSocket.bind(on: loop, host: "127.0.0.1", port: 0) { _ in })
        let held = squatter.port
        let first = held & ~1
        let pool = RTPPortPool(range: first...(first + 15))
        let socket = try await within(.seconds(5), "pool bind", RTPSocket.bind(on: loop, host: "127.0.0.1", pool: pool, rtcp: true) { _ in })
        #expect(socket.port != first)
        #expect(socket.port % 2 == 0)
        #expect(socket.rtcpChannel?.localAddress?.port == socket.port + 1)
        #expect(pool.inUse == 1)
        try await within(.seconds(5), "close", socket.close())
        try await within(.seconds(5), "close again", socket.close())
        #expect(pool.inUse == 0)
        try await within(.seconds(5), "close", squatter.close())
    }

    @Test func exhaustedOrUnbindablePoolFailsCleanly() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let loop = group.next()
        let squatter = try await within(.seconds(5), "bind", RTPSocket.bind(on: loop, host: "127.0.0.1", port: 0) { _ in })
        let first = squatter.port & ~1
        // A pool of one pair, held by another program.
        let pool = RTPPortPool(range: first...(first + 1))
        await #expect(throws: RTPSocketError.self) {
            _ = try await within(.seconds(5), "bind", RTPSocket.bind(on: loop, host: "127.0.0.1", pool: pool, maxAttempts: 3) { _ in })
        }
        #expect(pool.inUse == 0)
        // Every port in use.
        let empty = RTPPortPool(range: 30000...30001)
        _ = empty.acquire()
        await #expect(throws: RTPSocketError.noFreePort) {
            _ = try await within(.seconds(5), "bind", RTPSocket.bind(on: loop, host: "127.0.0.1", pool: empty) { _ in })
        }
        #expect(empty.inUse == 1)
        // A bind host that is not an address.
        let other = RTPPortPool(range: testPortRange(0))
        await #expect(throws: RTPSocketError.invalidBindHost("localhost")) {
            _ = try await within(.seconds(5), "bind", RTPSocket.bind(on: loop, host: "localhost", pool: other) { _ in })
        }
        #expect(other.inUse == 0)
        try await within(.seconds(5), "close", squatter.close())
    }
}
