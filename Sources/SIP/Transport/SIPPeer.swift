import NIOCore

/// The transport protocols the endpoint speaks.
public enum SIPTransportProtocol: String, Sendable, Hashable {
    case udp = "UDP"
    case tcp = "TCP"

    public var isReliable: Bool { self != .udp }
}

/// Where a message came from, and how to answer it: the remote address and
/// the channel it arrived on (the UDP socket, or the TCP connection).
public struct SIPPeer: Sendable, CustomStringConvertible {
    public var transport: SIPTransportProtocol
    public var remote: SocketAddress
    public var channel: Channel

    public init(transport: SIPTransportProtocol, remote: SocketAddress, channel: Channel) {
        self.transport = transport
        self.remote = remote
        self.channel = channel
    }

    public var description: String {
        "\(transport.rawValue.lowercased()):\(remote.ipAddress ?? "?"):\(remote.port ?? 0)"
    }
}
