#if os(Linux)
import CMediaSockets
import Glibc
import NIOCore

/// Buffers for reading several datagrams from a UDP socket in one system call (`recvmmsg`), each with
/// the moment the kernel received it (`SO_TIMESTAMPNS`, after ``enableArrivalStamps(on:)``) on the
/// ``MediaClock``. ``RTPReadPoller`` reads the engine's sockets with it; a load generator can read its
/// own the same way, so both judge timing by when datagrams reached the socket, not when a busy thread
/// got to them. Not thread-safe: one reader at a time.
public final class DatagramBatch {
    /// Datagrams read at most per ``receive(from:)``.
    public let capacity: Int
    /// Room for each datagram; a longer one is cut and reported as truncated.
    public let datagramCapacity: Int
    /// How many the last ``receive(from:)`` read.
    public private(set) var count = 0
    private let storage: UnsafeMutableRawPointer
    private let datagrams: UnsafeMutablePointer<cmedia_datagram>
    private var readAt = NIODeadline.uptimeNanoseconds(0)
    private var monotonicMinusRealtime: Int64 = 0

    /// - Parameters:
    ///   - capacity: datagrams per read (at most 64).
    ///   - datagramCapacity: bytes per datagram.
    public init(capacity: Int = 8, datagramCapacity: Int = 2048) {
        precondition((1...64).contains(capacity) && datagramCapacity > 0)
        self.capacity = capacity
        self.datagramCapacity = datagramCapacity
        storage = .allocate(byteCount: capacity * datagramCapacity, alignment: 16)
        datagrams = .allocate(capacity: capacity)
        for i in 0..<capacity {
            datagrams[i] = cmedia_datagram()
            datagrams[i].bytes = storage + i * datagramCapacity
            datagrams[i].capacity = datagramCapacity
        }
    }

    deinit {
        storage.deallocate()
        datagrams.deallocate()
    }

    /// Asks the kernel to stamp every datagram `descriptor` receives with its arrival time.
    public static func enableArrivalStamps(on descriptor: CInt) {
        _ = cmedia_enable_receive_timestamps(descriptor)
    }

    /// Reads what waits on the non-blocking `descriptor`, at most ``capacity`` datagrams: how many were
    /// read (0 when none waited, or on an error such as a closed descriptor).
    @discardableResult
    public func receive(from descriptor: CInt) -> Int {
        let received = Int(cmedia_receive_batch(descriptor, datagrams, CUnsignedInt(capacity)))
        count = max(0, received)
        if count > 0 {
            readAt = .now()
            monotonicMinusRealtime = Int64(truncatingIfNeeded: readAt.uptimeNanoseconds) - cmedia_realtime_nanoseconds()
        }
        return count
    }

    /// The bytes of datagram `index` of the last read (valid until the next read).
    public func bytes(_ index: Int) -> UnsafeRawBufferPointer {
        precondition(index < count)
        return UnsafeRawBufferPointer(start: datagrams[index].bytes, count: datagrams[index].length)
    }

    /// Whether datagram `index` was longer than ``datagramCapacity`` and cut.
    public func isTruncated(_ index: Int) -> Bool { datagrams[index].truncated != 0 }

    /// When datagram `index` reached the socket: the kernel's stamp on the monotonic clock, or the moment
    /// it was read when there is no stamp or the stamp is not plausible (after the read, or more than a
    /// second before it: the wall clock was stepped).
    public func arrival(_ index: Int) -> NIODeadline {
        let stamp = datagrams[index].realtimeNanoseconds
        guard stamp != 0 else { return readAt }
        let read = Int64(truncatingIfNeeded: readAt.uptimeNanoseconds)
        let arrival = stamp + monotonicMinusRealtime
        guard arrival <= read, read - arrival < 1_000_000_000, arrival > 0 else { return readAt }
        return .uptimeNanoseconds(UInt64(arrival))
    }

    /// Calls `body` with the raw source address of datagram `index` and its length.
    public func withSource<T>(_ index: Int, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        try withUnsafeBytes(of: &datagrams[index].source) { raw in
            try body(UnsafeRawBufferPointer(rebasing: raw[..<Int(datagrams[index].sourceLength)]))
        }
    }

    /// The source address of datagram `index` (nil for a family other than IPv4 and IPv6).
    public func source(_ index: Int) -> SocketAddress? {
        withSource(index) { raw -> SocketAddress? in
            guard raw.count >= MemoryLayout<sa_family_t>.size else { return nil }
            switch Int32(raw.load(as: sa_family_t.self)) {
            case AF_INET where raw.count >= MemoryLayout<sockaddr_in>.size:
                return SocketAddress(raw.loadUnaligned(as: sockaddr_in.self))
            case AF_INET6 where raw.count >= MemoryLayout<sockaddr_in6>.size:
                return SocketAddress(raw.loadUnaligned(as: sockaddr_in6.self))
            default:
                return nil
            }
        }
    }
}
#endif
