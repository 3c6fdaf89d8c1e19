#if os(Linux)
import CMediaSockets
import Glibc
import NIOConcurrencyHelpers
import NIOCore

/// Reads the RTP sockets of one event loop in batches, every ``interval``, instead of having the loop
/// woken and the channel pipeline run for each datagram.
///
/// A call's leg gets one datagram every 20 ms; with hundreds of calls on a loop, reading each as it comes
/// costs a wake-up, a pass through the channel pipeline, a buffer and an address formatted as text per
/// datagram. Here one `epoll_wait` without waiting finds the sockets with something to read, one
/// `recvmmsg` per socket takes what waits on it, and the source address is built only when it differs from
/// the socket's last one. The kernel stamps each datagram with its arrival (`SO_TIMESTAMPNS`), so the
/// receive statistics and the recording see when it really came, not when it was read: polling adds at
/// most ``interval`` to relayed audio and nothing to its timing.
///
/// Confined to its loop. A poller lives while it has sockets and is forgotten with the last.
final class RTPReadPoller: NIOScheduledCallbackHandler, @unchecked Sendable {
    /// How often the sockets are read.
    static let interval = TimeAmount.milliseconds(5)
    /// Datagrams read from one socket per system call.
    static let batch = 8
    /// Room for one datagram (RTP over Ethernet fits; a longer one is cut and dropped).
    static let datagramCapacity = 2048
    private static let pollers = NIOLockedValueBox<[ObjectIdentifier: RTPReadPoller]>([:])

    /// One watched socket.
    private final class Entry {
        let sink: DatagramSink
        let onRTCPPort: Bool
        /// The last source address, built once and reused while datagrams keep coming from it.
        var lastSource: SocketAddress?
        var lastRawSource = sockaddr_storage()
        var lastRawLength: socklen_t = 0

        init(sink: DatagramSink, onRTCPPort: Bool) {
            self.sink = sink
            self.onRTCPPort = onRTCPPort
        }
    }

    let eventLoop: any EventLoop
    private let epoll: CInt
    /// By descriptor.
    private var entries: [Entry?] = []
    private(set) var count = 0
    /// Set when the last socket left and the epoll instance was closed.
    private var isClosed = false
    private var scheduled: NIOScheduledCallback?
    private var nextDeadline = NIODeadline.now()
    private let allocator = ByteBufferAllocator()
    private let storage: UnsafeMutableRawPointer
    private let datagrams: UnsafeMutablePointer<cmedia_datagram>
    private let ready: UnsafeMutablePointer<CInt>
    private static let readyCapacity = 256

    private init(eventLoop: any EventLoop, epoll: CInt) {
        self.eventLoop = eventLoop
        self.epoll = epoll
        storage = .allocate(byteCount: Self.batch * Self.datagramCapacity, alignment: 16)
        datagrams = .allocate(capacity: Self.batch)
        ready = .allocate(capacity: Self.readyCapacity)
        for i in 0..<Self.batch {
            datagrams[i] = cmedia_datagram()
            datagrams[i].bytes = storage + i * Self.datagramCapacity
            datagrams[i].capacity = Self.datagramCapacity
        }
    }

    deinit {
        storage.deallocate()
        datagrams.deallocate()
        ready.deallocate()
    }

    /// The poller of `eventLoop`, made on first use. Call on that loop.
    static func poller(for eventLoop: any EventLoop) throws -> RTPReadPoller {
        eventLoop.assertInEventLoop()
        return try pollers.withLockedValue { pollers in
            if let poller = pollers[ObjectIdentifier(eventLoop)] { return poller }
            let epoll = cmedia_epoll_create()
            guard epoll >= 0 else { throw IOError(errnoCode: errno, reason: "epoll_create1") }
            let poller = RTPReadPoller(eventLoop: eventLoop, epoll: epoll)
            pollers[ObjectIdentifier(eventLoop)] = poller
            return poller
        }
    }

    /// The poller of `eventLoop` if it has one.
    static func existing(on eventLoop: any EventLoop) -> RTPReadPoller? {
        pollers.withLockedValue { $0[ObjectIdentifier(eventLoop)] }
    }

    /// Reads `descriptor` from now on, handing its datagrams to `sink`. Call on the loop.
    func add(_ descriptor: CInt, sink: DatagramSink, onRTCPPort: Bool) throws {
        eventLoop.assertInEventLoop()
        precondition(descriptor >= 0 && !isClosed)
        _ = cmedia_enable_receive_timestamps(descriptor)
        guard cmedia_epoll_add(epoll, descriptor) == 0 else { throw IOError(errnoCode: errno, reason: "epoll_ctl") }
        let index = Int(descriptor)
        if index >= entries.count { entries.append(contentsOf: repeatElement(nil, count: index + 1 - entries.count)) }
        if entries[index] == nil { count += 1 }
        entries[index] = Entry(sink: sink, onRTCPPort: onRTCPPort)
        if scheduled == nil {
            nextDeadline = .now() + Self.interval
            schedule()
        }
    }

    /// Stops reading `descriptor` if it is still `sink`'s (call before or right after closing it, on the
    /// loop); the last socket leaving stops the poller and closes its epoll instance.
    func remove(_ descriptor: CInt, sink: DatagramSink) {
        eventLoop.assertInEventLoop()
        let index = Int(descriptor)
        guard index >= 0, index < entries.count, let entry = entries[index], entry.sink === sink else { return }
        // Fails harmlessly when the descriptor is already closed (the kernel dropped it from the set).
        _ = cmedia_epoll_remove(epoll, descriptor)
        entries[index] = nil
        count -= 1
        guard count == 0 else { return }
        if let scheduled { eventLoop.assumeIsolated().cancelScheduledCallback(scheduled) }
        scheduled = nil
        let loop = ObjectIdentifier(eventLoop)
        let stillCurrent = Self.pollers.withLockedValue { pollers -> Bool in
            guard pollers[loop] === self else { return false }
            pollers[loop] = nil
            return true
        }
        isClosed = true
        if stillCurrent { close(epoll) }
    }

    private func schedule() {
        scheduled = try? eventLoop.assumeIsolated().scheduleCallback(at: nextDeadline, handler: self)
    }

    func handleScheduledCallback(eventLoop: some EventLoop) {
        poll()
        guard count > 0 else {
            scheduled = nil
            return
        }
        let now = NIODeadline.now()
        nextDeadline = nextDeadline + Self.interval
        // Behind by more than a few intervals: go on from now rather than polling back to back.
        if now - nextDeadline > Self.interval * 4 { nextDeadline = now + Self.interval }
        schedule()
    }

    /// Reads every socket with something waiting and hands the datagrams on.
    func poll() {
        // Level-triggered: a socket drained here is not reported again, so rounds end when fewer come back.
        for _ in 0..<16 where !isClosed {
            let readyCount = Int(cmedia_epoll_ready(epoll, ready, CInt(Self.readyCapacity)))
            guard readyCount > 0 else { return }
            read(readyCount)
            guard readyCount == Self.readyCapacity else { return }
        }
    }

    private func read(_ readyCount: Int) {
        let now = NIODeadline.now()
        let nowNanoseconds = Int64(truncatingIfNeeded: now.uptimeNanoseconds)
        let monotonicMinusRealtime = nowNanoseconds - cmedia_realtime_nanoseconds()
        for i in 0..<readyCount where !isClosed {
            let descriptor = ready[i]
            let index = Int(descriptor)
            guard index < entries.count, let entry = entries[index] else {
                // Not ours any more (closed while this poll ran): forget it.
                _ = cmedia_epoll_remove(epoll, descriptor)
                continue
            }
            let received = Int(cmedia_receive_batch(descriptor, datagrams, CUnsignedInt(Self.batch)))
            guard received > 0 else { continue }
            for j in 0..<received {
                // A call may close its socket while its datagrams are handed on.
                guard let onDatagram = entry.sink.onDatagram, entries[index] === entry else { break }
                let datagram = datagrams[j]
                guard datagram.truncated == 0, let source = source(of: datagram, for: entry) else { continue }
                var arrival = now
                if datagram.realtimeNanoseconds != 0 {
                    let stamped = datagram.realtimeNanoseconds + monotonicMinusRealtime
                    // A stamp after now or more than a second back is a clock step: keep the read time.
                    if stamped <= nowNanoseconds, nowNanoseconds - stamped < 1_000_000_000 {
                        arrival = NIODeadline.uptimeNanoseconds(UInt64(stamped))
                    }
                }
                let bytes = UnsafeRawBufferPointer(start: datagram.bytes, count: datagram.length)
                var buffer = allocator.buffer(capacity: bytes.count)
                buffer.writeBytes(bytes)
                onDatagram(RTPDatagram(data: buffer, source: source, arrival: arrival, onRTCPPort: entry.onRTCPPort))
            }
        }
    }

    /// The datagram's source, reusing the entry's last one when the bytes are the same.
    private func source(of datagram: cmedia_datagram, for entry: Entry) -> SocketAddress? {
        var raw = datagram.source
        let length = datagram.sourceLength
        if let last = entry.lastSource, length == entry.lastRawLength,
           withUnsafeBytes(of: &raw, { new in withUnsafeBytes(of: &entry.lastRawSource) { memcmp(new.baseAddress!, $0.baseAddress!, Int(length)) == 0 } }) {
            return last
        }
        let address: SocketAddress
        switch Int32(raw.ss_family) {
        case AF_INET:
            address = withUnsafeBytes(of: &raw) { SocketAddress($0.load(as: sockaddr_in.self)) }
        case AF_INET6:
            address = withUnsafeBytes(of: &raw) { SocketAddress($0.load(as: sockaddr_in6.self)) }
        default:
            return nil
        }
        entry.lastSource = address
        entry.lastRawSource = raw
        entry.lastRawLength = length
        return address
    }
}
#endif
