// A load test of the media engine (CallMedia) over loopback UDP.
//
// For each step (number of calls) it opens N calls, lets a load generator in this process (its own event
// loop thread, 127.0.0.1 only) send 20 ms G.711 packets to every call for a fixed time, and measures:
//   - engine CPU: the whole process's CPU time minus the generator's thread and the main thread, per call;
//   - packets per second through the engine (in + out);
//   - lateness of the packets the engine sends (prompt frames, or relayed audio), seen by the generator:
//     arrival minus the packet's media time (RTP timestamp), against the earliest such offset of its stream;
//     counted late beyond 20 ms;
//   - loss (sequence gaps) of those packets; resident memory.
//
// Modes:
//   one-leg  each call answers a caller, plays a looping prompt to it and records the call (caller left,
//            prompt right) to a stereo WAV;
//   bridged  each call has a caller (PCMU) and an agent (PCMA) bridged with transcoding, both talking all the
//            time, recorded to stereo WAV.
//
//   swift run -c release rtp-load [--mode one-leg|bridged] [--calls 100,200,400,800] [--seconds 20]
//                                 [--engine-threads 2] [--record-dir DIR] [--realtime-priority 1-99]
//                                 [--generator-priority 1-89]
// Bounded: every step ends after --seconds (plus 2 s of warm-up); recordings are deleted after each step.
//
// The generator is one UDP socket, as a carrier's media gateway or sipp's -rtp_echo is: it sends every
// stream from it (the engine latches each leg to it) in batches (sendmmsg) and reads what comes back in
// batches (recvmmsg), telling streams apart by the engine port they come from. So it costs far less CPU
// than the engine it drives, which leaves the two cores to the engine.
import Foundation
import Logging
import Media
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

// MARK: Options

struct Options {
    var mode = "one-leg"
    var calls = [100, 200, 400, 800]
    var seconds = 20
    var warmup = 2
    var engineThreads = 2
    /// SCHED_RR priority for the engine's loops, as `hotline serve --realtime-priority` gives them.
    var realtimePriority: Int?
    /// SCHED_FIFO priority for the generator's thread: the far end then sends and reads on time, as it would
    /// from another machine, and what lateness remains is the engine's.
    var generatorPriority: Int?
    var recordDir = FileManager.default.temporaryDirectory.appendingPathComponent("rtp-load-\(getpid())").path

    init(_ args: [String]) {
        var i = 0
        func value() -> String {
            i += 1
            guard i < args.count else { fatalError("missing value for \(args[i - 1])") }
            return args[i]
        }
        while i < args.count {
            switch args[i] {
            case "--mode": mode = value()
            case "--calls": calls = value().split(separator: ",").compactMap { Int($0) }
            case "--seconds": seconds = min(120, max(1, Int(value()) ?? 20))
            case "--warmup": warmup = max(0, Int(value()) ?? 2)
            case "--engine-threads": engineThreads = max(1, Int(value()) ?? 2)
            case "--record-dir": recordDir = value()
            case "--realtime-priority": realtimePriority = Int(value()).map { min(99, max(1, $0)) }
            case "--generator-priority": generatorPriority = Int(value()).map { min(89, max(1, $0)) }
            default: fatalError("unknown option \(args[i]); see the comment at the top of main.swift")
            }
            i += 1
        }
        precondition(mode == "one-leg" || mode == "bridged", "--mode is one-leg or bridged")
        precondition(calls.allSatisfy { (1...2000).contains($0) }, "--calls between 1 and 2000")
    }
}

// MARK: Process measurements

/// The calling thread's kernel id.
func currentThreadID() -> Int {
    (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/thread-self")).flatMap { Int($0.split(separator: "/").last ?? "") } ?? -1
}

/// CPU time of the whole process, seconds.
func processCPU() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
}

/// CPU time of one thread of this process, seconds (from /proc/self/task/TID/schedstat, in nanoseconds).
func threadCPU(_ tid: Int) -> Double {
    guard let text = try? String(contentsOfFile: "/proc/self/task/\(tid)/schedstat", encoding: .utf8),
          let ns = Double(text.split(separator: " ").first ?? "") else { return 0 }
    return ns / 1e9
}

/// Idle time of the whole machine (every core, idle and I/O wait), in seconds, from /proc/stat. The kernel
/// counts idle time exactly (the tickless idle clock), while its user and system columns are sampled at
/// timer ticks and miss work that runs between them (here: all of it, woken by timers), so busy time is
/// taken as wall time × cores minus idle.
func machineIdleSeconds() -> Double {
    guard let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
          let cpu = stat.split(separator: "\n").first else { return 0 }
    let v = cpu.split(separator: " ").dropFirst().compactMap { Double($0) }
    guard v.count >= 5 else { return 0 }
    return (v[3] + v[4]) / Double(sysconf(CInt(_SC_CLK_TCK)))
}

/// The 1-minute load average.
func loadAverage() -> Double {
    (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)).flatMap { Double($0.split(separator: " ").first ?? "") } ?? 0
}

/// Resident set size, MiB.
func residentMiB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
          let kb = Double(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
    return kb / 1024
}

// MARK: Stalls of the machine

/// A thread that sleeps 1 ms at a time under SCHED_FIFO 90 (when allowed) and records by how much it wakes
/// late. Nothing in this process or below that priority can hold it off, so a late wake-up is the machine
/// stalling (the hypervisor not running the virtual CPU, or the kernel busy with interrupts): lateness the
/// engine could not have avoided.
final class StallProbe: @unchecked Sendable {
    private let state = NIOLockedValueBox<(worst: Double, over10: Int, over20: Int)>((0, 0, 0))
    private(set) var realtime = false

    init() {
        let ready = DispatchSemaphore(value: 0)
        let thread = Thread { [self] in
            var param = sched_param(sched_priority: 90)
            self.realtime = pthread_setschedparam(pthread_self(), CInt(SCHED_FIFO), &param) == 0
            ready.signal()
            var request = timespec(tv_sec: 0, tv_nsec: 1_000_000)
            while true {
                let before = NIODeadline.now()
                nanosleep(&request, nil)
                let late = Double((NIODeadline.now() - before).nanoseconds) / 1e6 - 1
                if late > 10 {
                    self.state.withLockedValue { s in
                        s.worst = max(s.worst, late)
                        s.over10 += 1
                        if late > 20 { s.over20 += 1 }
                    }
                }
            }
        }
        thread.name = "stall-probe"
        thread.start()
        ready.wait()
    }

    /// The largest lateness over 10 ms (0 when none) and how many wake-ups were over 10 and over 20 ms late,
    /// since the last reset.
    func read() -> (worst: Double, over10: Int, over20: Int) { state.withLockedValue { $0 } }
    func reset() { state.withLockedValue { $0 = (0, 0, 0) } }
}

// MARK: The load generator

/// One stream the generator sends (to one leg of a call) and receives back.
struct GeneratorStream {
    var destination: SocketAddress
    var sender: RTPStreamSender
    var frames: [[UInt8]]
    var frameIndex = 0
    // What comes back.
    var received = 0
    var firstSequence: UInt16?
    var highestExtended = 0
    /// The last RTP timestamp and how many times the timestamps wrapped, for the lateness.
    var lastTimestamp: UInt32?
    var timestampWraps: Int64 = 0
    var minOffset = Int64.max
    var late = 0
    var maxLateNs: Int64 = 0
    var latenessSumNs: Int64 = 0
    var measured = 0
}

/// Sends a 20 ms packet on every stream, spreading the streams over ten 2 ms slots, and measures what comes
/// back. Confined to its event loop.
final class Generator: NIOScheduledCallbackHandler, @unchecked Sendable {
    let loop: any EventLoop
    var streams: [GeneratorStream] = []
    /// The generator's one socket, and each stream by the engine port it sends to and hears from.
    var channel: (any Channel)?
    /// The socket's descriptor, read here in batches with the kernel's arrival stamps (the channel does not read).
    var descriptor: CInt = -1
    private let batch = DatagramBatch(capacity: 64)
    var streamOfEnginePort: [Int: Int] = [:]
    var measuring = false
    var stopped = false
    private var slot = 0
    private var next = NIODeadline.now()
    private var scheduled: NIOScheduledCallback?
    var sent = 0
    var sentMeasured = 0
    var receivedMeasured = 0

    init(loop: any EventLoop) { self.loop = loop }

    func start() {
        next = .now() + .milliseconds(2)
        scheduled = try? loop.assumeIsolated().scheduleCallback(at: next, handler: self)
    }

    func stop() {
        stopped = true
        descriptor = -1
        if let scheduled { loop.assumeIsolated().cancelScheduledCallback(scheduled) }
    }

    func handleScheduledCallback(eventLoop: some EventLoop) {
        guard !stopped else { return }
        readWaiting()
        var i = slot
        if let channel {
            while i < streams.count {
                let frame = streams[i].frames[streams[i].frameIndex]
                streams[i].frameIndex = (streams[i].frameIndex + 1) % streams[i].frames.count
                let packet = streams[i].sender.nextPacket(payload: frame)
                var buffer = channel.allocator.buffer(capacity: packet.serializedCount)
                packet.write(to: &buffer)
                channel.write(AddressedEnvelope(remoteAddress: streams[i].destination, data: buffer), promise: nil)
                sent += 1
                if measuring { sentMeasured += 1 }
                i += 10
            }
            channel.flush()
        }
        slot = (slot + 1) % 10
        next = next + .milliseconds(2)
        let now = NIODeadline.now()
        if now - next > .milliseconds(100) { next = now + .milliseconds(2) }
        scheduled = try? loop.assumeIsolated().scheduleCallback(at: next, handler: self)
    }

    /// Reads everything waiting on the socket (every 2 ms, before the slot's sends). Lateness is judged by
    /// when each datagram reached the socket (the kernel's stamp), as a capture on the wire would, not by
    /// when this thread got to it.
    private func readWaiting() {
        guard descriptor >= 0 else { return }
        for _ in 0..<256 {
            let count = batch.receive(from: descriptor)
            for j in 0..<count where !batch.isTruncated(j) {
                // The source port sits at the same offset in sockaddr_in and sockaddr_in6.
                let port = batch.withSource(j) { raw in raw.count >= 4 ? Int(raw[2]) << 8 | Int(raw[3]) : -1 }
                received(batch.bytes(j), fromPort: port, at: batch.arrival(j))
            }
            if count < batch.capacity { return }
        }
    }

    /// A datagram back from the engine, on the stream of the port it came from.
    func received(_ data: UnsafeRawBufferPointer, fromPort port: Int, at arrival: NIODeadline) {
        guard let index = streamOfEnginePort[port], data.count >= 12 else { return }
        let b1 = data[1]
        guard (b1 & 0x7F) < 72 || (b1 & 0x7F) > 76 else { return } // not RTCP
        let seq = UInt16(data[2]) << 8 | UInt16(data[3])
        let ts = UInt32(data[4]) << 24 | UInt32(data[5]) << 16 | UInt32(data[6]) << 8 | UInt32(data[7])
        let d = (data: data, arrival: arrival)
        streams[index].received += 1
        guard measuring else { return }
        receivedMeasured += 1
        // Loss: extended sequence span against packets received while measuring.
        if streams[index].firstSequence == nil { streams[index].firstSequence = seq }
        let span = Int(seq &- streams[index].firstSequence!)
        if span < 30000 { streams[index].highestExtended = max(streams[index].highestExtended, span) }
        streams[index].measured += 1
        // Lateness: arrival minus media time, against the earliest offset seen on this stream.
        let arrivalNs = Int64(d.arrival.uptimeNanoseconds)
        // Media time from the extended timestamp (a stream's random first timestamp may wrap during the step).
        if let last = streams[index].lastTimestamp {
            if ts < last && last &- ts > 0x8000_0000 { streams[index].timestampWraps += 1 }
            else if ts > last && ts &- last > 0x8000_0000 { return } // from before a wrap, reordered: skip it
        }
        if streams[index].lastTimestamp.map({ ts &- $0 < 0x8000_0000 }) ?? true { streams[index].lastTimestamp = ts }
        let mediaNs = (streams[index].timestampWraps << 32 + Int64(ts)) * 125_000 // 8 kHz: 125 µs per sample
        let offset = arrivalNs - mediaNs
        if offset < streams[index].minOffset { streams[index].minOffset = offset }
        let lateness = offset - streams[index].minOffset
        streams[index].latenessSumNs += lateness
        if lateness > streams[index].maxLateNs { streams[index].maxLateNs = lateness }
        if lateness > 20_000_000 { streams[index].late += 1 }
    }

    func resetMeasurements() {
        sentMeasured = 0
        receivedMeasured = 0
        for i in streams.indices {
            streams[i].firstSequence = nil
            streams[i].highestExtended = 0
            streams[i].minOffset = .max
            streams[i].lastTimestamp = nil
            streams[i].timestampWraps = 0
            streams[i].late = 0
            streams[i].maxLateNs = 0
            streams[i].latenessSumNs = 0
            streams[i].measured = 0
        }
    }
}

/// Binds the generator's socket on 127.0.0.1 with large buffers: the channel sends (sendmmsg), the generator
/// reads the descriptor itself (recvmmsg with arrival stamps).
func bindGenerator(_ generator: Generator) throws -> any Channel {
    let fd = socket(AF_INET, CInt(SOCK_DGRAM.rawValue) | CInt(SOCK_NONBLOCK.rawValue) | CInt(SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { throw IOError(errnoCode: errno, reason: "socket") }
    var size: CInt = 8 << 20
    _ = setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<CInt>.size))
    _ = setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<CInt>.size))
    let address = try SocketAddress(ipAddress: "127.0.0.1", port: 0)
    let bound = address.withSockAddr { pointer, length in bind(fd, pointer, socklen_t(length)) }
    guard bound == 0 else {
        let code = errno
        close(fd)
        throw IOError(errnoCode: code, reason: "bind")
    }
    DatagramBatch.enableArrivalStamps(on: fd)
    let channel = try DatagramBootstrap(group: generator.loop)
        .channelOption(.autoRead, value: false)
        .withBoundSocket(fd).wait()
    try generator.loop.submit {
        generator.channel = channel
        generator.descriptor = fd
    }.wait()
    return channel
}

// MARK: A step

struct StepResult {
    var calls: Int
    var seconds: Double
    var engineCPU: Double
    var generatorCPU: Double
    var engineIn: Int
    var engineOut: Int
    var late: Int
    var maxLateMs: Double
    var meanLateMs: Double
    var lost: Int
    var rssMiB: Double
    var recordedSeconds: Double
    var poolAfter: Int
    /// The whole machine's CPU use during the step (every program), % of all cores, and the load average at its end.
    var machineBusy: Double
    var loadAverage: Double
    /// What the stall probe saw during the step.
    var stalls: (worst: Double, over10: Int, over20: Int)
}

func tone(_ frequency: Double, seconds: Double) -> [Int16] {
    (0..<Int(8000 * seconds)).map { Int16(6000 * sin(2 * Double.pi * frequency * Double($0) / 8000)) }
}

func frames(_ samples: [Int16], codec: AudioCodec) -> [[UInt8]] {
    stride(from: 0, to: samples.count - 159, by: 160).map { codec.encode(Array(samples[$0..<($0 + 160)])) }
}

func sdp(port: Int, codec: String, pt: UInt8) -> SessionDescription {
    try! SessionDescription(parsing: """
    v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio \(port) RTP/AVP \(pt) 101\r\n\
    a=rtpmap:\(pt) \(codec)/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\na=sendrecv\r\n
    """)
}

func runStep(calls n: Int, options: Options, engine: MultiThreadedEventLoopGroup, generatorLoop: any EventLoop,
             generatorThread: Int, mainThread: Int, enginePool: RTPPortPool, generatorPool: RTPPortPool,
             probe: StallProbe) throws -> StepResult {
    let bridged = options.mode == "bridged"
    var logger = Logger(label: "rtp-load")
    logger.logLevel = .warning
    let config = CallMediaConfiguration(bindHost: "127.0.0.1", advertisedAddress: "127.0.0.1")
    let generator = Generator(loop: generatorLoop)
    let generatorChannel = try bindGenerator(generator)
    let generatorPort = generatorChannel.localAddress!.port!
    let prompt = PromptSource.audio(tone(425, seconds: 3) + [Int16](repeating: 0, count: 8000))
    let callerFrames = frames(tone(300, seconds: 1), codec: .pcmu), agentFrames = frames(tone(500, seconds: 1), codec: .pcma)
    try FileManager.default.createDirectory(atPath: options.recordDir, withIntermediateDirectories: true)
    let rssBefore = residentMiB()

    // Open the calls.
    var medias: [CallMedia] = []
    for i in 0..<n {
        let loop = engine.next()
        let media = try CallMedia.open(on: loop, ports: enginePool, configuration: config, logger: logger).wait()
        medias.append(media)
        /// A stream from the generator's socket to an engine port.
        func stream(to enginePort: Int, payloadType: UInt8, frames: [[UInt8]]) throws {
            try generatorLoop.submit {
                generator.streamOfEnginePort[enginePort] = generator.streams.count
                generator.streams.append(GeneratorStream(destination: try! SocketAddress(ipAddress: "127.0.0.1", port: enginePort),
                                                         sender: RTPStreamSender(payloadType: payloadType), frames: frames))
            }.wait()
        }
        try stream(to: media.callerPort, payloadType: 0, frames: callerFrames)
        let path = "\(options.recordDir)/call-\(i).wav"
        try loop.submit {
            _ = try media.answerCaller(offer: sdp(port: generatorPort, codec: "PCMU", pt: 0))
            try media.startRecording(path: path)
            if !bridged { media.play([prompt], bargeIn: false, loop: true) }
        }.wait()
        if bridged {
            let offer = try loop.flatSubmit { media.openAgentLeg() }.wait()
            try stream(to: offer.media[0].port, payloadType: 8, frames: agentFrames)
            try loop.submit { try media.agentAnswered(sdp(port: generatorPort, codec: "PCMA", pt: 8)) }.wait()
        }
    }
    try generatorLoop.submit { generator.start() }.wait()

    // Warm up, then measure.
    Thread.sleep(forTimeInterval: Double(options.warmup))
    try generatorLoop.submit {
        generator.resetMeasurements()
        generator.measuring = true
    }.wait()
    probe.reset()
    let cpu0 = processCPU(), gen0 = threadCPU(generatorThread), main0 = threadCPU(mainThread), idle0 = machineIdleSeconds()
    let wall0 = NIODeadline.now()
    var peakRSS = residentMiB()
    let end = wall0 + .seconds(Int64(options.seconds))
    while NIODeadline.now() < end {
        Thread.sleep(forTimeInterval: 0.5)
        peakRSS = max(peakRSS, residentMiB())
    }
    try generatorLoop.submit { generator.measuring = false }.wait()
    let stalls = probe.read()
    let wall = Double((NIODeadline.now() - wall0).nanoseconds) / 1e9
    let gen = threadCPU(generatorThread) - gen0, main = threadCPU(mainThread) - main0
    let engineCPU = processCPU() - cpu0 - gen - main
    let cores = Double(ProcessInfo.processInfo.activeProcessorCount)
    let machineBusy = max(0, 100 * (1 - (machineIdleSeconds() - idle0) / (wall * cores)))
    let load = loadAverage()
    let g = try generatorLoop.submit { () -> (Int, Int, Int, Double, Double, Int) in
        let late = generator.streams.map(\.late).reduce(0, +)
        let maxLate = Double(generator.streams.map(\.maxLateNs).max() ?? 0) / 1e6
        let measured = generator.streams.map(\.measured).reduce(0, +)
        let meanLate = Double(generator.streams.map(\.latenessSumNs).reduce(0, +)) / Double(max(1, measured)) / 1e6
        let lost = generator.streams.map { s in s.firstSequence == nil ? 0 : max(0, s.highestExtended + 1 - s.measured) }.reduce(0, +)
        return (generator.sentMeasured, generator.receivedMeasured, late, maxLate, meanLate, lost)
    }.wait()

    // Tear down: stop sending, close every call, check the ports came back, delete the recordings.
    try generatorLoop.submit { generator.stop() }.wait()
    var recorded = 0.0
    for media in medias {
        let summary = try media.eventLoop.flatSubmit { media.close() }.wait()
        recorded += summary.recordingSeconds ?? 0
    }
    try generatorChannel.close().wait()
    try? FileManager.default.removeItem(atPath: options.recordDir)
    return StepResult(calls: n, seconds: wall, engineCPU: engineCPU, generatorCPU: gen, engineIn: g.0, engineOut: g.1,
                      late: g.2, maxLateMs: g.3, meanLateMs: g.4, lost: g.5, rssMiB: peakRSS - rssBefore,
                      recordedSeconds: recorded / Double(n), poolAfter: enginePool.inUse + generatorPool.inUse,
                      machineBusy: machineBusy, loadAverage: load, stalls: stalls)
}

// MARK: Main

let options = Options(Array(CommandLine.arguments.dropFirst()))
let engine = MultiThreadedEventLoopGroup(numberOfThreads: options.engineThreads)
if let priority = options.realtimePriority {
    var logger = Logger(label: "rtp-load")
    logger.logLevel = .notice
    let done = DispatchSemaphore(value: 0)
    Task.detached {
        await RealtimeScheduling.apply(priority: priority, to: engine, logger: logger)
        done.signal()
    }
    done.wait()
}
let generatorGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
let generatorLoop = generatorGroup.next()
let generatorThread = try generatorLoop.submit { currentThreadID() }.wait()
if let priority = options.generatorPriority {
    let applied = try generatorLoop.submit { () -> Bool in
        var param = sched_param(sched_priority: CInt(priority))
        return pthread_setschedparam(pthread_self(), CInt(SCHED_FIFO), &param) == 0
    }.wait()
    if !applied { print("rtp-load: could not give the generator SCHED_FIFO \(priority) (needs CAP_SYS_NICE); it runs normally") }
}
let mainThread = currentThreadID()
let probe = StallProbe()
let enginePool = RTPPortPool(range: 30000...37999)
let generatorPool = RTPPortPool(range: 38000...45999)

print("rtp-load: mode \(options.mode), \(options.seconds) s per step after \(options.warmup) s warm-up, engine on \(options.engineThreads) event loop(s)\(options.realtimePriority.map { " under SCHED_RR \($0)" } ?? "")\(options.generatorPriority.map { ", generator under SCHED_FIFO \($0)" } ?? ""), \(ProcessInfo.processInfo.activeProcessorCount) cores")
print("calls | engine CPU (% of one core) | per call | generator CPU | packets/s in+out | late >20 ms | max late ms | mean late ms | lost | RSS MiB (per call KiB) | recorded s/call | machine busy (all programs) | load avg | machine stalls >10 ms (>20 ms), worst ms\(probe.realtime ? "" : " (probe not real-time)")")
for n in options.calls {
    let r = try runStep(calls: n, options: options, engine: engine, generatorLoop: generatorLoop, generatorThread: generatorThread,
                        mainThread: mainThread, enginePool: enginePool, generatorPool: generatorPool, probe: probe)
    let cpu = 100 * r.engineCPU / r.seconds
    print(String(format: "%5d | %6.1f %% | %6.3f %% | %5.1f %% | %7.0f | %d of %d | %6.1f | %5.2f | %d | %6.1f (%.0f) | %.1f | %.0f %% | %.1f | %d (%d), %.1f%@",
                 r.calls, cpu, cpu / Double(r.calls), 100 * r.generatorCPU / r.seconds,
                 Double(r.engineIn + r.engineOut) / r.seconds, r.late, r.engineOut, r.maxLateMs, r.meanLateMs, r.lost,
                 r.rssMiB, r.rssMiB * 1024 / Double(r.calls), r.recordedSeconds, r.machineBusy, r.loadAverage,
                 r.stalls.over10, r.stalls.over20, r.stalls.worst,
                 r.poolAfter == 0 ? "" : " PORTS LEAKED: \(r.poolAfter)"))
}
try engine.syncShutdownGracefully()
try generatorGroup.syncShutdownGracefully()
