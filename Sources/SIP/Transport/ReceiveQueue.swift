import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// How full a socket's receive queue is: the bytes the kernel holds for it (datagrams plus their
/// bookkeeping) and the most it will hold before it drops (SO_RCVBUF as the kernel applies it).
public struct ReceiveQueue: Sendable, Equatable {
    public var queued: Int
    public var capacity: Int

    public init(queued: Int, capacity: Int) {
        self.queued = queued
        self.capacity = capacity
    }

    /// The queue of `channel`'s socket (Linux `SO_MEMINFO`); nil where the system cannot tell. Call on the
    /// channel's loop: the answer is then immediate.
    public static func of(_ channel: any Channel) -> ReceiveQueue? {
        #if os(Linux)
        guard let provider = channel as? any SocketOptionProvider, channel.eventLoop.inEventLoop else { return nil }
        let future: EventLoopFuture<MemoryInfo> = provider.unsafeGetSocketOption(level: SocketOptionLevel(SOL_SOCKET), name: 55) // SO_MEMINFO
        let answer = Answer()
        // Asked on the loop, the future is already complete and its callback runs at once.
        future.whenSuccess { answer.value = ReceiveQueue(queued: Int($0.receiveAllocated), capacity: Int($0.receiveBuffer)) }
        return answer.value
        #else
        return nil
        #endif
    }

    /// The first fields of the kernel's `SK_MEMINFO_*` array (the rest is not read).
    private struct MemoryInfo: Sendable {
        var receiveAllocated: UInt32 = 0
        var receiveBuffer: UInt32 = 0
        var sendAllocated: UInt32 = 0
        var sendBuffer: UInt32 = 0
        var forwardAllocated: UInt32 = 0
        var sendQueued: UInt32 = 0
        var optionMemory: UInt32 = 0
        var backlog: UInt32 = 0
        var drops: UInt32 = 0
    }

    private final class Answer: @unchecked Sendable {
        var value: ReceiveQueue?
    }
}

/// Overload of a receiving socket, judged by how full its queue is, with hysteresis: overloaded once the
/// queue passes a quarter of its capacity, clear again below a thirty-second. At the SIP socket's 8 MB a
/// quarter is some 150–250 ms of messages at 2,000–4,000 calls a second: past the stalls a busy machine
/// has (tens of milliseconds), short of the 500 ms after which callers retransmit their INVITEs. A value:
/// the transport feeds it readings.
public struct OverloadDetector: Sendable, Equatable {
    public private(set) var isOverloaded = false

    public init() {}

    /// A new reading; true when the state changed.
    public mutating func update(_ queue: ReceiveQueue) -> Bool {
        let was = isOverloaded
        if isOverloaded {
            if queue.queued < queue.capacity / 32 { isOverloaded = false }
        } else if queue.queued > queue.capacity / 4 {
            isOverloaded = true
        }
        return was != isOverloaded
    }
}
