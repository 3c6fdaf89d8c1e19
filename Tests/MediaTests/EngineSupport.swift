import Logging
import Media
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

struct TestTimeout: Error, CustomStringConvertible {
    var what: String
    var description: String { "timed out waiting for \(what)" }
}

/// Waits for a future, failing after `timeout` (real loopback I/O only; never used to wait out time itself).
func within<T: Sendable>(_ timeout: TimeAmount = .seconds(10), _ what: String = "a future", _ future: EventLoopFuture<T>) async throws -> T {
    let promise = future.eventLoop.makePromise(of: T.self)
    future.cascade(to: promise)
    let timer = future.eventLoop.scheduleTask(in: timeout) { promise.fail(TestTimeout(what: what)) }
    defer { timer.cancel() }
    return try await promise.futureResult.get()
}

/// Completes promises when a condition over collected items holds.
final class Collector<Item: Sendable>: Sendable {
    private struct State {
        var items: [Item] = []
        var waiters: [(condition: @Sendable ([Item]) -> Bool, promise: EventLoopPromise<[Item]>)] = []
    }
    private let state = NIOLockedValueBox(State())
    let eventLoop: any EventLoop

    init(eventLoop: any EventLoop) { self.eventLoop = eventLoop }

    func append(_ item: Item) {
        let ready: [(EventLoopPromise<[Item]>, [Item])] = state.withLockedValue { s in
            s.items.append(item)
            var done: [(EventLoopPromise<[Item]>, [Item])] = []
            s.waiters.removeAll { waiter in
                guard waiter.condition(s.items) else { return false }
                done.append((waiter.promise, s.items))
                return true
            }
            return done
        }
        for (promise, items) in ready { promise.succeed(items) }
    }

    var items: [Item] { state.withLockedValue { $0.items } }

    /// The items once `condition` holds for them.
    func wait(_ what: String, timeout: TimeAmount = .seconds(10), until condition: @escaping @Sendable ([Item]) -> Bool) async throws -> [Item] {
        let promise = eventLoop.makePromise(of: [Item].self)
        let now: [Item]? = state.withLockedValue { s in
            if condition(s.items) { return s.items }
            s.waiters.append((condition, promise))
            return nil
        }
        if let now { promise.succeed(now) }
        return try await within(timeout, what, promise.futureResult)
    }
}

/// A test endpoint: an RTP socket (with RTCP on port + 1) that keeps what it receives.
final class TestPeer: Sendable {
    let socket: RTPSocket
    let datagrams: Collector<RTPDatagram>

    private init(socket: RTPSocket, datagrams: Collector<RTPDatagram>) {
        self.socket = socket
        self.datagrams = datagrams
    }

    static func open(on loop: any EventLoop, pool: RTPPortPool) async throws -> TestPeer {
        let collector = Collector<RTPDatagram>(eventLoop: loop)
        let socket = try await within(.seconds(10), "peer bind", RTPSocket.bind(on: loop, host: "127.0.0.1", pool: pool, rtcp: true) { d in
            collector.append(d)
        })
        return TestPeer(socket: socket, datagrams: collector)
    }

    var port: Int { socket.port }

    /// RTP packets received on the RTP port, in arrival order.
    var rtp: [RTPPacket] { Self.rtp(datagrams.items) }

    static func rtp(_ items: [RTPDatagram]) -> [RTPPacket] {
        items.filter { !$0.onRTCPPort }.compactMap { try? RTPPacket(parsing: $0.data) }
    }

    func waitForRTP(count: Int, payloadType: UInt8? = nil, timeout: TimeAmount = .seconds(10)) async throws -> [RTPPacket] {
        let items = try await datagrams.wait("\(count) RTP packets", timeout: timeout) { items in
            TestPeer.rtp(items).filter { payloadType == nil || $0.payloadType == payloadType }.count >= count
        }
        return Self.rtp(items).filter { payloadType == nil || $0.payloadType == payloadType }
    }

    func send(_ packet: RTPPacket, toPort port: Int) {
        socket.send(packet, to: try! SocketAddress(ipAddress: "127.0.0.1", port: port))
    }

    func close() async throws { try await within(.seconds(10), "peer close", socket.close()) }
}

/// An SDP offer or answer of a test endpoint.
func testSDP(port: Int, codecs: [(String, UInt8)] = [("PCMU", 0)], telephoneEvent: UInt8? = 101, direction: String = "sendrecv",
             address: String = "127.0.0.1") -> SessionDescription {
    var formats = codecs.map { "\($0.1)" }
    if let te = telephoneEvent { formats.append("\(te)") }
    var lines = ["v=0", "o=- 1 1 IN IP4 \(address)", "s=-", "c=IN IP4 \(address)", "t=0 0",
                 "m=audio \(port) RTP/AVP \(formats.joined(separator: " "))"]
    for (name, pt) in codecs { lines.append("a=rtpmap:\(pt) \(name)/8000") }
    if let te = telephoneEvent { lines += ["a=rtpmap:\(te) telephone-event/8000", "a=fmtp:\(te) 0-16"] }
    lines += ["a=ptime:20", "a=\(direction)"]
    return try! SessionDescription(parsing: lines.joined(separator: "\r\n") + "\r\n")
}

extension Logger {
    static let test = Logger(label: "media-tests", factory: { _ in SwiftLogNoOpLogHandler() })
}

/// A port range for one test, away from the default range and from other tests' ranges.
func testPortRange(_ index: Int) -> ClosedRange<Int> {
    let base = 42000 + index * 100
    return base...(base + 99)
}
