import Foundation
import Media
import MediaBenchmarkSupport

/// Runs each operation in a loop on one thread for two seconds and prints
/// operations per second, with a baseline measured in the same run (a copy
/// of the same bytes, or the computed codec) so the ratio is what matters.
let clock = ContinuousClock()
var sink = 0

@MainActor func rate(seconds: Double = 2, _ body: () -> Int) -> Double {
    var n = 0
    let start = clock.now
    let budget = Duration.milliseconds(Int(seconds * 1000))
    while clock.now - start < budget {
        for _ in 0..<1000 { sink &+= body() }
        n += 1000
    }
    let elapsed = clock.now - start
    return Double(n) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
}

func report(_ name: String, _ perSecond: Double, baseline: (String, Double)? = nil, unit: String = "frames") {
    var line = "\(name): \(Int(perSecond)) \(unit)/s"
    if let (label, b) = baseline { line += String(format: " (%.2fx the time of %@)", b / perSecond, label) }
    print(line)
}

let frame = Workloads.frame, pcmu = Workloads.pcmu, datagram = Workloads.rtpDatagram
let copy = rate {
    var bytes = datagram // a write forces a real copy of the datagram
    bytes[bytes.count - 1] &+= 1
    return Int(bytes[bytes.count - 1])
}
report("copy 172-byte datagram (baseline)", copy, unit: "copies")
let computed = rate { Workloads.encodeByComputation(frame).count }
report("µ-law encode 20 ms computed", computed)
report("µ-law encode 20 ms table", rate { MuLaw.encode(frame).count }, baseline: ("computed", computed))
report("A-law decode 20 ms", rate { ALaw.decode(Workloads.pcma).count }, baseline: ("a copy", copy))
report("PCMU->PCMA transcode 20 ms", rate { G711Transcoder.transcode(pcmu, from: .pcmu, to: .pcma).count }, baseline: ("a copy", copy))
report("RTP parse 172 bytes", rate { (try? RTPPacket(parsing: datagram))?.payload.count ?? 0 }, baseline: ("a copy", copy), unit: "packets")
let parsed = try! RTPPacket(parsing: datagram)
report("RTP serialize 172 bytes", rate { parsed.serialized().count }, baseline: ("a copy", copy), unit: "packets")
var leg = MediaLeg(audio: Workloads.negotiated, signalledAddress: 1, start: .zero)
var legSequence: UInt16 = 0
report("media leg receive (parse, latch, statistics)", rate {
    legSequence &+= 1
    var bytes = datagram
    bytes[2] = UInt8(legSequence >> 8)
    bytes[3] = UInt8(legSequence & 0xFF)
    return leg.receive(bytes, from: 1, arrival: .milliseconds(Int(legSequence))).count
}, baseline: ("a copy", copy), unit: "packets")
let second = Workloads.second
let goertzel = rate(seconds: 3) {
    var detector = InbandDTMFDetector()
    return detector.process(second).count
}
report("in-band DTMF detection, 1 s of audio", goertzel, unit: "seconds of audio")
print(String(format: "  = %.0f calls' audio analysed in real time per core", goertzel))
var bridge = MediaBridge(callerCodec: .pcmu, agentCodec: .pcma)
report("bridge relay with transcoding + tap", rate { bridge.receive(payload: pcmu, from: .caller, timestamp: 0, ssrc: 1, arrival: .zero).frames.count }, baseline: ("a copy", copy), unit: "packets")
var recording = StereoRecordingBuffer(start: .zero)
var recorded = 0
report("stereo recording, both legs per 20 ms (place + drain)", rate {
    recorded += 1
    let arrival = Duration.milliseconds(20 * recorded)
    recording.addRTP(frame, channel: .left, timestamp: UInt32(truncatingIfNeeded: 160 * recorded), ssrc: 1, arrival: arrival)
    recording.addRTP(frame, channel: .right, timestamp: UInt32(truncatingIfNeeded: 160 * recorded), ssrc: 2, arrival: arrival)
    return recorded % 10 == 0 ? recording.drain(now: arrival).count : 0
}, unit: "frame pairs")
print("[\(sink % 10)]")
