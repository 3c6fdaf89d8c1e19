import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// Listens for SIP on UDP and TCP and feeds an endpoint. A service of the
/// process's service group: it runs until cancelled, then closes its sockets.
///
/// Every socket and TCP connection runs on the endpoint's event loop, so
/// the endpoint needs no locks.
public final class SIPTransportService: Service, @unchecked Sendable {
    public struct Configuration: Sendable {
        /// Addresses to bind (IPv4 or IPv6 literals).
        public var bindAddresses: [String] = ["0.0.0.0"]
        public var port: Int = 5060
        public var udp = true
        public var tcp = true
        /// TCP connections idle this long are closed.
        public var tcpIdleTimeout: TimeAmount = .seconds(120)
        /// A connection that has sent part of a message must finish it within this time.
        public var tcpMessageTimeout: TimeAmount = .seconds(30)
        /// Concurrent TCP connections allowed from one address.
        public var maxConnectionsPerAddress = 32
        public var maxMessageSize = 65_535
        /// The UDP socket's receive buffer (SO_RCVBUF; the kernel caps it at
        /// `net.core.rmem_max`). Linux's default of about 200 KB holds only some 90 datagrams, so
        /// a loop that stalls for 15 ms at 2,000 calls a second would drop ACKs and BYEs and start
        /// a storm of retransmissions; 4 MB rides out such a stall.
        public var udpReceiveBufferSize = 4 << 20
        public init() {}
    }

    public let configuration: Configuration
    public let endpoint: SIPEndpoint
    private let logger: Logger
    private var channels: [Channel] = []
    private(set) var udpChannels: [Channel] = []
    private var connectionsPerAddress: [String: Int] = [:]
    /// Open TCP connections by their remote address: requests to a phone that registered over TCP
    /// go back down its own connection (it is usually behind NAT and accepts no new ones).
    private var tcpConnections: [SocketAddress: Channel] = [:]

    public init(configuration: Configuration, endpoint: SIPEndpoint, logger: Logger) {
        self.configuration = configuration
        self.endpoint = endpoint
        self.logger = logger
    }

    /// The addresses actually bound (useful with port 0), after ``start()``.
    public private(set) var boundAddresses: [(SIPTransportProtocol, SocketAddress)] = []

    /// Binds every socket. Called by ``run()``; tests may call it directly.
    public func start() async throws {
        let loop = endpoint.eventLoop
        for address in configuration.bindAddresses {
            if configuration.udp {
                let channel = try await DatagramBootstrap(group: loop)
                    .channelOption(.socketOption(.so_reuseaddr), value: 1)
                    .channelOption(.maxMessagesPerRead, value: 16)
                    .channelOption(.socketOption(.so_rcvbuf), value: SocketOptionValue(configuration.udpReceiveBufferSize))
                    .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: configuration.maxMessageSize + 1))
                    .channelInitializer { [endpoint] channel in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHandler(UDPHandler(endpoint: endpoint))
                        }
                    }
                    .bind(host: address, port: configuration.port).get()
                channels.append(channel)
                udpChannels.append(channel)
                boundAddresses.append((.udp, channel.localAddress!))
            }
            if configuration.tcp {
                let config = configuration
                let channel = try await ServerBootstrap(group: loop, childGroup: loop)
                    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                    .serverChannelOption(.backlog, value: 256)
                    .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                    .childChannelInitializer { [weak self, endpoint] channel in
                        channel.eventLoop.makeCompletedFuture {
                            guard let self, self.admit(channel) else {
                                channel.close(promise: nil)
                                return
                            }
                            let ops = channel.pipeline.syncOperations
                            try ops.addHandler(IdleStateHandler(readTimeout: config.tcpIdleTimeout))
                            try ops.addHandler(ByteToMessageHandler(SIPStreamFramer(maxBodyBytes: config.maxMessageSize)))
                            try ops.addHandler(TCPHandler(endpoint: endpoint, messageTimeout: config.tcpMessageTimeout) { [weak self] ch in
                                self?.release(ch)
                            })
                        }
                    }
                    .bind(host: address, port: configuration.port).get()
                channels.append(channel)
                boundAddresses.append((.tcp, channel.localAddress!))
            }
        }
        for (proto, address) in boundAddresses {
            logger.info("SIP listening", metadata: ["transport": "\(proto.rawValue)", "address": "\(address)"])
        }
    }

    /// A peer to send to over the first bound UDP socket of the address family of `remote`.
    public func udpPeer(to remote: SocketAddress) -> SIPPeer? {
        guard let udp = udpChannels.first(where: { $0.localAddress?.protocol == remote.protocol }) else { return nil }
        return SIPPeer(transport: .udp, remote: remote, channel: udp)
    }

    /// A peer to send to over `transport`: on UDP, our socket; on TCP, the open connection from
    /// `remote` (nil when it has none). Call on the endpoint's loop.
    public func peer(_ transport: SIPTransportProtocol, to remote: SocketAddress) -> SIPPeer? {
        switch transport {
        case .udp:
            return udpPeer(to: remote)
        case .tcp:
            guard let connection = tcpConnections[remote], connection.isActive else { return nil }
            return SIPPeer(transport: .tcp, remote: remote, channel: connection)
        }
    }

    /// Closes every socket.
    public func stop() async {
        for c in channels { try? await c.close() }
        channels.removeAll()
        udpChannels.removeAll()
    }

    public func run() async throws {
        try await start()
        try? await gracefulShutdown()
        await stop()
    }

    private func admit(_ channel: Channel) -> Bool {
        let ip = channel.remoteAddress?.ipAddress ?? "?"
        let n = connectionsPerAddress[ip, default: 0]
        guard n < configuration.maxConnectionsPerAddress else {
            logger.notice("SIP TCP connection refused: too many from one address", metadata: ["address": "\(ip)"])
            return false
        }
        connectionsPerAddress[ip] = n + 1
        if let remote = channel.remoteAddress { tcpConnections[remote] = channel }
        return true
    }

    private func release(_ channel: Channel) {
        let ip = channel.remoteAddress?.ipAddress ?? "?"
        let n = connectionsPerAddress[ip, default: 1] - 1
        connectionsPerAddress[ip] = n > 0 ? n : nil
        if let remote = channel.remoteAddress, tcpConnections[remote] === channel { tcpConnections[remote] = nil }
    }
}

/// Hands each datagram to the endpoint. After each batch of reads it looks at how full the socket's
/// queue is and tells the endpoint when it passes into overload and out of it.
final class UDPHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    let endpoint: SIPEndpoint
    private var overload = OverloadDetector()

    init(endpoint: SIPEndpoint) { self.endpoint = endpoint }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        var buffer = envelope.data
        // A lone keep-alive (CRLF or CRLFCRLF) needs no answer on UDP.
        guard buffer.readableBytes > 4 || buffer.readableBytesView.contains(where: { $0 != 13 && $0 != 10 }) else { return }
        let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        endpoint.beginBatch()
        endpoint.receive(bytes, from: SIPPeer(transport: .udp, remote: envelope.remoteAddress, channel: context.channel))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        endpoint.endBatch()
        if let queue = ReceiveQueue.of(context.channel), overload.update(queue) {
            endpoint.setOverloaded(overload.isOverloaded, source: ObjectIdentifier(context.channel), queue: queue)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if overload.isOverloaded {
            endpoint.setOverloaded(false, source: ObjectIdentifier(context.channel), queue: ReceiveQueue(queued: 0, capacity: 0))
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // ICMP errors and the like: the socket stays open.
    }
}

/// Hands each framed message of a TCP connection to the endpoint; answers
/// keep-alive pings; closes the connection on framing errors, idleness, or a
/// message left unfinished too long.
final class TCPHandler: ChannelInboundHandler {
    typealias InboundIn = SIPStreamFramer.Frame
    typealias OutboundOut = ByteBuffer
    let endpoint: SIPEndpoint
    let messageTimeout: TimeAmount
    let onClose: (Channel) -> Void
    private var partialTimer: Scheduled<Void>?

    init(endpoint: SIPEndpoint, messageTimeout: TimeAmount, onClose: @escaping (Channel) -> Void) {
        self.endpoint = endpoint
        self.messageTimeout = messageTimeout
        self.onClose = onClose
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        partialTimer?.cancel()
        partialTimer = nil
        switch unwrapInboundIn(data) {
        case .ping:
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: "\r\n")), promise: nil)
        case .message(let bytes):
            guard let remote = context.channel.remoteAddress else { return }
            endpoint.beginBatch()
            endpoint.receive(bytes, from: SIPPeer(transport: .tcp, remote: remote, channel: context.channel))
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        endpoint.endBatch()
        context.fireChannelReadComplete()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else if event is SIPStreamFramer.PartialMessage, partialTimer == nil {
            // Part of a message waits: it must be finished in time.
            let channel = context.channel
            partialTimer = context.eventLoop.scheduleTask(in: messageTimeout) {
                channel.close(promise: nil)
            }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        partialTimer?.cancel()
        onClose(context.channel)
        context.fireChannelInactive()
    }
}
