/// The narrowband codecs the media engine speaks: G.711 µ-law and A-law at 8 kHz.
public enum AudioCodec: Sendable, Hashable, CustomStringConvertible {
    /// G.711 µ-law, static RTP payload type 0.
    case pcmu
    /// G.711 A-law, static RTP payload type 8.
    case pcma

    /// The static RTP payload type (RFC 3551).
    public var payloadType: UInt8 {
        switch self {
        case .pcmu: 0
        case .pcma: 8
        }
    }

    /// The codec for a static payload type, or nil.
    public init?(payloadType: UInt8) {
        switch payloadType {
        case 0: self = .pcmu
        case 8: self = .pcma
        default: return nil
        }
    }

    /// The SDP encoding name (`rtpmap`).
    public var encodingName: String {
        switch self {
        case .pcmu: "PCMU"
        case .pcma: "PCMA"
        }
    }

    /// The sample rate, also the RTP clock rate.
    public var clockRate: Int { 8000 }

    /// The code word that decodes to (near) silence.
    public var silenceByte: UInt8 {
        switch self {
        case .pcmu: MuLaw.silence
        case .pcma: ALaw.silence
        }
    }

    public var description: String { encodingName }

    /// Decodes a payload to 16-bit linear samples.
    public func decode(_ payload: [UInt8]) -> [Int16] {
        switch self {
        case .pcmu: MuLaw.decode(payload)
        case .pcma: ALaw.decode(payload)
        }
    }

    /// Encodes 16-bit linear samples to a payload.
    public func encode(_ samples: [Int16]) -> [UInt8] {
        switch self {
        case .pcmu: MuLaw.encode(samples)
        case .pcma: ALaw.encode(samples)
        }
    }
}

/// Converts G.711 payloads between µ-law and A-law with 256-entry tables
/// (decode to linear, then encode).
public enum G711Transcoder {
    /// A-law code word for each µ-law code word.
    public static let muLawToALaw: [UInt8] = (0...255).map { ALaw.encode(MuLaw.decode(UInt8($0))) }
    /// µ-law code word for each A-law code word.
    public static let aLawToMuLaw: [UInt8] = (0...255).map { MuLaw.encode(ALaw.decode(UInt8($0))) }

    /// Converts a payload from one codec to another; returns it unchanged when they match.
    public static func transcode(_ payload: [UInt8], from source: AudioCodec, to target: AudioCodec) -> [UInt8] {
        switch (source, target) {
        case (.pcmu, .pcmu), (.pcma, .pcma):
            return payload
        case (.pcmu, .pcma):
            return muLawToALaw.withUnsafeBufferPointer { t in payload.map { t[Int($0)] } }
        case (.pcma, .pcmu):
            return aLawToMuLaw.withUnsafeBufferPointer { t in payload.map { t[Int($0)] } }
        }
    }
}
