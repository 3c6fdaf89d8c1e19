import Foundation
import Media

/// Inputs shared by the benchmarks: one 20 ms frame of speech-like audio, its
/// G.711 forms, an RTP datagram carrying it, and DTMF audio.
public enum Workloads {
    public static let frame: [Int16] = (0..<160).map { n in
        let t = Double(n) / 8000
        return Int16(6000 * sin(2 * .pi * 220 * t) + 3000 * sin(2 * .pi * 1250 * t) + 1000 * sin(2 * .pi * 2700 * t))
    }
    public static let pcmu: [UInt8] = MuLaw.encode(frame)
    public static let pcma: [UInt8] = ALaw.encode(frame)
    public static let rtpDatagram: [UInt8] = RTPPacket(payloadType: 0, marker: false, sequenceNumber: 4711, timestamp: 123_456,
                                                       ssrc: 0xCAFE_BABE, payload: pcmu).serialized()
    /// One second of audio: a key press inside speech-like sound.
    public static let second: [Int16] = {
        let (low, high) = DTMFDigit.five.frequencies
        return (0..<8000).map { n in
            let t = Double(n) / 8000
            let key = (3000..<3800).contains(n) ? 5000 * (sin(2 * .pi * low * t) + sin(2 * .pi * high * t)) : 0
            return Int16(key + 2000 * sin(2 * .pi * 180 * t) + 1000 * sin(2 * .pi * 900 * t))
        }
    }()

    /// PCMU with telephone-event, as most carriers negotiate.
    public static let negotiated = NegotiatedAudio(mediaIndex: 0, codec: .pcmu, payloadType: 0, telephoneEventPayloadType: 101,
                                                   ptime: 20, localDirection: .sendrecv,
                                                   remoteAddress: SDPConnection(address: "192.0.2.1"), remotePort: 4000)

    /// Encodes µ-law by computation, the baseline for the lookup table.
    public static func encodeByComputation(_ samples: [Int16]) -> [UInt8] {
        samples.map(MuLaw.compress)
    }
}
