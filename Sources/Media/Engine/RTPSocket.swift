#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A datagram as it came off a UDP socket.
public struct RTPDatagram: Sendable {
    /// The datagram's bytes.
    public var data: ByteBuffer
    /// Where it came from.
    public var source: SocketAddress
    /// When it was read, on the monotonic clock (convert with ``MediaClock/offset(of:)``).
    public var arrival: NIODeadline
    /// True when it came in on the RTCP port (port + 1) rather than the RTP port.
    public var onRTCPPort: Bool
}

/// Why an RTP socket could not be opened.
public enum RTPSocketError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Every port of the pool is in use.
    case noFreePort
    /// The bind host is not an IP literal.
    case invalidBindHost(String)
    /// Binding failed for this many ports in a row (each was in use by another program).
    case bindFailed(attempts: Int, lastError: String)

    public var description: String {
        switch self {
        case .noFreePort: "no free RTP port in the pool"
        case let .invalidBindHost(host): "RTP bind host '\(host)' is not an IPv4 or IPv6 address"
        case let .bindFailed(attempts, last): "could not bind an RTP port after \(attempts) attempts: \(last)"
        }
    }
}

/// One UDP socket for RTP (and, optionally, a second one on port + 1 for
/// RTCP) on a SwiftNIO event loop. Every datagram is handed, with its
/// source address and arrival time, to a closure called on that loop.
///
/// It knows nothing of calls: the engine (``CallMedia``), tests and the test
/// user agent use the same class to send and receive RTP. Sending may be
/// done from any thread but costs least on the socket's event loop.
public final class RTPSocket: Sendable {
    /// The event loop the socket runs on; the datagram closure is called there.
    public let eventLoop: any EventLoop
    /// The RTP channel.
    public let channel: any Channel
    /// The RTCP channel on port + 1, when one was asked for.
    public let rtcpChannel: (any Channel)?
    /// The bound RTP port.
    public let port: Int
    /// The pool the port came from, to give it back on close.
    private let pool: RTPPortPool?
    /// The host bound to.
    private let host: String
    /// Where the channels hand their datagrams.
    private let target: DatagramSink
    private let closePromise: NIOLockedValueBox<EventLoopPromise<Void>?> = NIOLockedValueBox(nil)
    /// Whether this handle may still send straight on the descriptor; cleared on the loop when it is closed.
    private let handle = LoopConfinedFlag()

    private init(_ parts: Parts) {
        self.eventLoop = parts.eventLoop
        self.channel = parts.channel
        self.rtcpChannel = parts.rtcpChannel
        self.port = parts.port
        self.pool = parts.pool
        self.host = parts.host
        self.target = parts.target
    }

    /// The bound channels, without the socket's close state: what ``RTPSocketShelf`` keeps
    /// between calls.
    struct Parts: Sendable {
        var eventLoop: any EventLoop
        var channel: any Channel
        var rtcpChannel: (any Channel)?
        var port: Int
        var pool: RTPPortPool?
        var host: String
        var target: DatagramSink

        /// Closes the channels, then gives the port back to its pool.
        @discardableResult
        func close() -> EventLoopFuture<Void> {
            let closes = [channel.close()] + (rtcpChannel.map { [$0.close()] } ?? [])
            return EventLoopFuture.whenAllComplete(closes, on: eventLoop).map { [pool, port] _ in
                pool?.release(port)
            }
        }
    }

    private var parts: Parts {
        Parts(eventLoop: eventLoop, channel: channel, rtcpChannel: rtcpChannel, port: port, pool: pool, host: host, target: target)
    }

    /// The RTP socket's local address.
    public var localAddress: SocketAddress? { channel.localAddress }

    /// Binds `host:port` (port 0 picks any free port; then no RTCP socket is opened).
    /// `host` must be an IP literal ("127.0.0.1", "0.0.0.0", "::1").
    public static func bind(on eventLoop: any EventLoop, host: String, port: Int, rtcp: Bool = false,
                            onDatagram: @escaping @Sendable (RTPDatagram) -> Void) -> EventLoopFuture<RTPSocket> {
        bindPair(on: eventLoop, host: host, port: port, rtcp: rtcp && port != 0, pool: nil, onDatagram: onDatagram)
    }

    /// Binds the next free port of `pool` on `host` (and port + 1 for RTCP when `rtcp`). A port whose bind
    /// fails because another program holds it (EADDRINUSE, EACCES) is given back and the next one tried, up to
    /// `maxAttempts`. The port returns to the pool when the socket is closed, or at once when binding fails.
    public static func bind(on eventLoop: any EventLoop, host: String, pool: RTPPortPool, rtcp: Bool = true, maxAttempts: Int = 32,
                            onDatagram: @escaping @Sendable (RTPDatagram) -> Void) -> EventLoopFuture<RTPSocket> {
        @Sendable func attempt(_ n: Int, lastError: String) -> EventLoopFuture<RTPSocket> {
            guard n < maxAttempts else {
                return eventLoop.makeFailedFuture(RTPSocketError.bindFailed(attempts: n, lastError: lastError))
            }
            if n == 0, let parts = pool.shelf?.take(on: eventLoop, host: host, rtcp: rtcp) {
                let reuse = { @Sendable () -> RTPSocket in
                    parts.target.onDatagram = onDatagram
                    return RTPSocket(parts)
                }
                return eventLoop.inEventLoop ? eventLoop.makeSucceededFuture(reuse()) : eventLoop.submit(reuse)
            }
            guard let port = pool.acquire() else { return eventLoop.makeFailedFuture(RTPSocketError.noFreePort) }
            return bindPair(on: eventLoop, host: host, port: port, rtcp: rtcp, pool: pool, onDatagram: onDatagram)
                .flatMapError { error in
                    pool.release(port)
                    if let io = error as? IOError, io.errnoCode == EADDRINUSE || io.errnoCode == EACCES {
                        return attempt(n + 1, lastError: "port \(port): \(io)")
                    }
                    return eventLoop.makeFailedFuture(error)
                }
        }
        return attempt(0, lastError: "")
    }

    private static func bindPair(on eventLoop: any EventLoop, host: String, port: Int, rtcp: Bool, pool: RTPPortPool?,
                                 onDatagram: @escaping @Sendable (RTPDatagram) -> Void) -> EventLoopFuture<RTPSocket> {
        let rtpAddress: SocketAddress, rtcpAddress: SocketAddress?
        do {
            rtpAddress = try SocketAddress(ipAddress: host, port: port)
            rtcpAddress = rtcp ? try SocketAddress(ipAddress: host, port: port + 1) : nil
        } catch {
            return eventLoop.makeFailedFuture(RTPSocketError.invalidBindHost(host))
        }
        let target = DatagramSink(onDatagram)
        let rtpChannel = bindChannel(on: eventLoop, to: rtpAddress, isRTCP: false, target: target)
        guard let rtcpAddress else {
            return rtpChannel.map { channel in
                RTPSocket(Parts(eventLoop: eventLoop, channel: channel, rtcpChannel: nil, port: channel.localAddress?.port ?? port,
                                pool: pool, host: host, target: target))
            }
        }
        return rtpChannel.flatMap { channel in
            bindChannel(on: eventLoop, to: rtcpAddress, isRTCP: true, target: target)
                .map { rtcpChannel in
                    RTPSocket(Parts(eventLoop: eventLoop, channel: channel, rtcpChannel: rtcpChannel, port: port, pool: pool,
                                    host: host, target: target))
                }
                .flatMapError { error in
                    // The RTP port bound but its RTCP port did not: close the first before trying elsewhere.
                    channel.close().flatMapThrowing { throw error }
                }
        }
    }

    private static func bindChannel(on eventLoop: any EventLoop, to address: SocketAddress, isRTCP: Bool,
                                    target: DatagramSink) -> EventLoopFuture<any Channel> {
        let bootstrap = DatagramBootstrap(group: eventLoop)
            // No SO_REUSEADDR: for UDP on Linux it would let two calls share a port.
            // When the channel reads (no RTPReadPoller): one datagram per readiness, as a leg gets one
            // packet per 20 ms and reading on to EAGAIN would cost a second system call for each.
            .channelOption(.maxMessagesPerRead, value: 1)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 2048))
        #if os(Linux)
        // The socket is opened here so that its descriptor is known: RTP is then sent on it directly.
        let descriptor: CInt
        do {
            descriptor = try DirectDatagram.openBound(to: address)
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
        return bootstrap
            // Read in batches by the loop's RTPReadPoller, not by the channel.
            .channelOption(.autoRead, value: false)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        DatagramHandler(isRTCP: isRTCP, target: target, descriptor: descriptor))
                }
            }
            .withBoundSocket(descriptor)
        #else
        return bootstrap
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(DatagramHandler(isRTCP: isRTCP, target: target, descriptor: nil))
                }
            }
            .bind(to: address)
        #endif
    }

    /// Sends a datagram to `address`.
    /// A handle that was closed sends nothing, though its socket may serve another call by now.
    public func send(_ buffer: ByteBuffer, to address: SocketAddress) {
        switch route {
        case .direct(let fd): buffer.withUnsafeReadableBytes { DirectDatagram.send($0, on: fd, to: address) }
        case .channel: writeToChannel(buffer, to: address)
        case .closed: break
        }
    }

    private func writeToChannel(_ buffer: ByteBuffer, to address: SocketAddress) {
        channel.writeAndFlush(AddressedEnvelope(remoteAddress: address, data: buffer), promise: nil)
    }

    /// How a datagram leaves. On the socket's loop, while this handle is open and the channel active, it is
    /// written to the RTP descriptor directly: no channel pipeline and no buffering, so one the kernel cannot
    /// take at once (a full send buffer) is dropped, as late audio would be. From other threads it goes
    /// through the channel.
    private enum Route { case direct(CInt), channel, closed }

    private var route: Route {
        if eventLoop.inEventLoop {
            guard handle.isSet else { return .closed }
            return target.descriptor >= 0 ? .direct(target.descriptor) : .channel
        }
        return closePromise.withLockedValue { $0 == nil } ? .channel : .closed
    }

    /// Sends bytes to `address`.
    public func send(_ bytes: [UInt8], to address: SocketAddress) {
        send(channel.allocator.buffer(bytes: bytes), to: address)
    }

    /// Serializes and sends an RTP packet to `address`.
    public func send(_ packet: RTPPacket, to address: SocketAddress) {
        switch route {
        case .direct(let fd):
            withUnsafeTemporaryAllocation(byteCount: packet.serializedCount, alignment: 8) { bytes in
                let written = packet.write(to: bytes)
                DirectDatagram.send(UnsafeRawBufferPointer(rebasing: bytes[..<written]), on: fd, to: address)
            }
        case .channel:
            var buffer = channel.allocator.buffer(capacity: packet.serializedCount)
            packet.write(to: &buffer)
            writeToChannel(buffer, to: address)
        case .closed:
            break
        }
    }

    /// Sends RTCP bytes to `address` from the RTCP socket (from the RTP socket when there is none, RFC 5761).
    public func sendRTCP(_ bytes: [UInt8], to address: SocketAddress) {
        if case .closed = route { return }
        let ch = rtcpChannel ?? channel
        ch.writeAndFlush(AddressedEnvelope(remoteAddress: address, data: ch.allocator.buffer(bytes: bytes)), promise: nil)
    }

    /// Closes the socket(s) and, once they are closed, gives the port back to its pool; with a pool that has a
    /// shelf, the socket rests there instead, bound, for a later call (``RTPSocketShelf``), and datagrams
    /// that still come are dropped. Idempotent: later calls return the same future.
    @discardableResult
    public func close() -> EventLoopFuture<Void> {
        let (promise, first): (EventLoopPromise<Void>, Bool) = closePromise.withLockedValue { stored in
            if let stored { return (stored, false) }
            let promise = eventLoop.makePromise(of: Void.self)
            stored = promise
            return (promise, true)
        }
        guard first else { return promise.futureResult }
        let parts = self.parts
        let handle = self.handle
        if let shelf = pool?.shelf {
            let rest = { @Sendable in
                handle.clear()
                parts.target.onDatagram = nil
                if shelf.put(parts) {
                    promise.succeed(())
                } else {
                    parts.close().cascade(to: promise)
                }
            }
            if eventLoop.inEventLoop { rest() } else { eventLoop.execute(rest) }
        } else {
            let close = { @Sendable in
                handle.clear()
                parts.close().cascade(to: promise)
            }
            if eventLoop.inEventLoop { close() } else { eventLoop.execute(close) }
        }
        return promise.futureResult
    }
}

/// Where a socket's datagrams go: the closure of the call that holds the socket, or nowhere while the
/// socket rests on a shelf; and the RTP descriptor, while its channel is active. Read and changed on the
/// socket's loop only.
final class DatagramSink: @unchecked Sendable {
    var onDatagram: (@Sendable (RTPDatagram) -> Void)?
    /// The RTP socket's descriptor, or -1 once its channel is inactive (closed, by us or by NIO on an error).
    var descriptor: CInt = -1

    init(_ onDatagram: @escaping @Sendable (RTPDatagram) -> Void) {
        self.onDatagram = onDatagram
    }
}

/// A flag that starts set and is cleared once, read and cleared on one event loop.
final class LoopConfinedFlag: @unchecked Sendable {
    private(set) var isSet = true
    func clear() { isSet = false }
}

/// Hands each datagram to the socket's closure; errors (ICMP port unreachable and the like) are dropped.
/// A socket whose descriptor is known (opened by ``RTPSocket`` itself) is read by its loop's
/// ``RTPReadPoller`` while the channel is active (the channel reads only if the poller cannot take it),
/// and on the RTP channel the descriptor is published for direct sends.
private final class DatagramHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let isRTCP: Bool
    private let target: DatagramSink
    private let descriptor: CInt?
    #if os(Linux)
    private var poller: RTPReadPoller?
    #endif

    init(isRTCP: Bool, target: DatagramSink, descriptor: CInt?) {
        self.isRTCP = isRTCP
        self.target = target
        self.descriptor = descriptor
    }

    func channelActive(context: ChannelHandlerContext) {
        if !isRTCP, let descriptor { target.descriptor = descriptor }
        #if os(Linux)
        if let descriptor {
            do {
                let poller = try RTPReadPoller.poller(for: context.eventLoop)
                try poller.add(descriptor, sink: target, onRTCPPort: isRTCP)
                self.poller = poller
            } catch {
                try? context.channel.syncOptions?.setOption(.autoRead, value: true)
                context.read()
            }
        }
        #endif
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !isRTCP, descriptor != nil { target.descriptor = -1 }
        #if os(Linux)
        if let poller, let descriptor {
            poller.remove(descriptor, sink: target)
            self.poller = nil
        }
        #endif
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let onDatagram = target.onDatagram else { return }
        let envelope = unwrapInboundIn(data)
        onDatagram(RTPDatagram(data: envelope.data, source: envelope.remoteAddress, arrival: .now(), onRTCPPort: isRTCP))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {}
}

/// Datagram system calls on a descriptor, for the RTP path that bypasses the channel pipeline.
enum DirectDatagram {
    #if os(Linux)
    /// A non-blocking, close-on-exec UDP socket bound to `address`. Bind errors come as `IOError` with the
    /// errno, as NIO reports them (so EADDRINUSE is told apart).
    static func openBound(to address: SocketAddress) throws -> CInt {
        let type = CInt(SOCK_DGRAM.rawValue) | CInt(SOCK_NONBLOCK.rawValue) | CInt(SOCK_CLOEXEC.rawValue)
        let fd = socket(CInt(address.protocol.rawValue), type, 0)
        guard fd >= 0 else { throw IOError(errnoCode: errno, reason: "socket") }
        let result = address.withSockAddr { pointer, length in bind(fd, pointer, socklen_t(length)) }
        guard result == 0 else {
            let code = errno
            close(fd)
            throw IOError(errnoCode: code, reason: "bind(\(address))")
        }
        return fd
    }
    #endif

    /// Sends `bytes` to `address` on `fd` without blocking. A datagram the kernel will not take now
    /// (EAGAIN, ENOBUFS) or refuses (a pending ICMP error) is dropped.
    static func send(_ bytes: UnsafeRawBufferPointer, on fd: CInt, to address: SocketAddress) {
        _ = address.withSockAddr { pointer, length in
            sendto(fd, bytes.baseAddress, bytes.count, CInt(MSG_DONTWAIT), pointer, socklen_t(length))
        }
    }
}
