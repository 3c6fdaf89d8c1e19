import Benchmark
import Media
import MediaBenchmarkSupport

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.throughput, .wallClock, .mallocCountTotal], maxDuration: .seconds(3))
    let frame = Workloads.frame, pcmu = Workloads.pcmu, pcma = Workloads.pcma, datagram = Workloads.rtpDatagram

    Benchmark("G.711 µ-law encode 20 ms (table)", configuration: .init(scalingFactor: .kilo)) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(MuLaw.encode(frame)) }
    }
    Benchmark("G.711 µ-law encode 20 ms (computed, baseline)", configuration: .init(scalingFactor: .kilo)) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(Workloads.encodeByComputation(frame)) }
    }
    Benchmark("G.711 A-law decode 20 ms", configuration: .init(scalingFactor: .kilo)) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(ALaw.decode(pcma)) }
    }
    Benchmark("PCMU to PCMA transcode 20 ms", configuration: .init(scalingFactor: .kilo)) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(G711Transcoder.transcode(pcmu, from: .pcmu, to: .pcma)) }
    }
    Benchmark("RTP parse 172-byte datagram", configuration: .init(scalingFactor: .kilo)) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try RTPPacket(parsing: datagram)) }
    }
    Benchmark("RTP serialize 172-byte datagram", configuration: .init(scalingFactor: .kilo)) { benchmark in
        let packet = try RTPPacket(parsing: datagram)
        for _ in benchmark.scaledIterations { blackHole(packet.serialized()) }
    }
    Benchmark("Media leg receive 172-byte datagram", configuration: .init(scalingFactor: .kilo)) { benchmark in
        var leg = MediaLeg(audio: Workloads.negotiated, signalledAddress: 1, start: .zero)
        var sequence: UInt16 = 0
        var bytes = datagram
        for _ in benchmark.scaledIterations {
            sequence &+= 1
            bytes[2] = UInt8(sequence >> 8)
            bytes[3] = UInt8(sequence & 0xFF)
            blackHole(leg.receive(bytes, from: 1, arrival: .milliseconds(Int(sequence))))
        }
    }
    Benchmark("Bridge relay PCMU to PCMA with tap", configuration: .init(scalingFactor: .kilo)) { benchmark in
        var bridge = MediaBridge(callerCodec: .pcmu, agentCodec: .pcma)
        for _ in benchmark.scaledIterations {
            blackHole(bridge.receive(payload: pcmu, from: .caller, timestamp: 0, ssrc: 1, arrival: .zero))
        }
    }
    Benchmark("In-band DTMF (Goertzel) 1 s of audio") { benchmark in
        for _ in benchmark.scaledIterations {
            var detector = InbandDTMFDetector()
            blackHole(detector.process(Workloads.second))
        }
    }
}
