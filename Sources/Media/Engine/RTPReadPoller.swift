#if os(Linux)
import CMediaSockets
import Glibc
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
    static let batchSize = 8
    /// Room for one datagram (RTP over Ethernet fits; a longer one is cut and dropped).
    static let datagramCapacity = 2048
    private static let pollers = PerEventLoop<RTPReadPoller>()

    /// One watched socket.
    private final class Entry {
        let sink: DatagramSink
        let onRTCPPort: Bool
        /// The last source address, built once and reused while datagrams keep coming from it.
        var lastSource: SocketAddress?
        var lastRawSource: [UInt8] = []

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
    private let batch = DatagramBatch(capacity: RTPReadPoller.batchSize, datagramCapacity: RTPReadPoller.datagramCapacity)
    private let ready: UnsafeMutablePointer<CInt>
    private static let readyCapacity = 256

    private init(eventLoop: any EventLoop, epoll: CInt) {
        self.eventLoop = eventLoop
        self.epoll = epoll
        ready = .allocate(capacity: Self.readyCapacity)
    }

    deinit {
        ready.deallocate()
    }

    /// The poller of `eventLoop`, made on first use. Call on that loop.
    static func poller(for eventLoop: any EventLoop) throws -> RTPReadPoller {
        eventLoop.assertInEventLoop()
        return try pollers.value(for: eventLoop) {
            let epoll = cmedia_epoll_create()
            guard epoll >= 0 else { throw IOError(errnoCode: errno, reason: "epoll_create1") }
            return RTPReadPoller(eventLoop: eventLoop, epoll: epoll)
        }
    }

    /// The poller of `eventLoop` if it has one.
    static func existing(on eventLoop: any EventLoop) -> RTPReadPoller? {
        pollers.existing(for: eventLoop)
    }

    /// Reads `descriptor` from now on, handing its datagrams to `sink`. Call on the loop.
    func add(_ descriptor: CInt, sink: DatagramSink, onRTCPPort: Bool) throws {
        eventLoop.assertInEventLoop()
        precondition(descriptor >= 0 && !isClosed)
        DatagramBatch.enableArrivalStamps(on: descriptor)
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
        let stillCurrent = Self.pollers.remove(self, for: eventLoop)
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
        for i in 0..<readyCount where !isClosed {
            let descriptor = ready[i]
            let index = Int(descriptor)
            guard index < entries.count, let entry = entries[index] else {
                // Not ours any more (closed while this poll ran): forget it.
                _ = cmedia_epoll_remove(epoll, descriptor)
                continue
            }
            let received = batch.receive(from: descriptor)
            for j in 0..<received {
                // A call may close its socket while its datagrams are handed on.
                guard let onDatagram = entry.sink.onDatagram, entries[index] === entry else { break }
                guard !batch.isTruncated(j), let source = source(of: j, for: entry) else { continue }
                let bytes = batch.bytes(j)
                var buffer = allocator.buffer(capacity: bytes.count)
                buffer.writeBytes(bytes)
                onDatagram(RTPDatagram(data: buffer, source: source, arrival: batch.arrival(j), onRTCPPort: entry.onRTCPPort))
            }
        }
    }

    /// The source of datagram `index` of the batch, reusing the entry's last one when the bytes are the same.
    private func source(of index: Int, for entry: Entry) -> SocketAddress? {
        if let last = entry.lastSource, batch.withSource(index, { $0.elementsEqual(entry.lastRawSource) }) {
            return last
        }
        guard let address = batch.source(index) else { return nil }
        entry.lastSource = address
        entry.lastRawSource = batch.withSource(index) { Array($0) }
        return address
    }
}
#endif
