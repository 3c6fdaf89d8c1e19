/// An RFC 4733 telephone-event payload (§2.3).
public struct TelephoneEventPayload: Sendable, Hashable {
    /// Event code; 0–15 are DTMF keys.
    public var event: UInt8
    /// End bit.
    public var isEnd: Bool
    /// Power level in -dBm0 (0–63).
    public var volume: UInt8
    /// Duration so far in timestamp units.
    public var duration: UInt16

    public init(event: UInt8, isEnd: Bool, volume: UInt8, duration: UInt16) {
        self.event = event
        self.isEnd = isEnd
        self.volume = volume & 0x3F
        self.duration = duration
    }

    /// Parses the first 4 bytes; nil when shorter.
    public init?(_ bytes: [UInt8]) {
        guard bytes.count >= 4 else { return nil }
        self.init(event: bytes[0], isEnd: bytes[1] & 0x80 != 0, volume: bytes[1] & 0x3F,
                  duration: UInt16(bytes[2]) << 8 | UInt16(bytes[3]))
    }

    public var bytes: [UInt8] {
        [event, (isEnd ? 0x80 : 0) | (volume & 0x3F), UInt8(duration >> 8), UInt8(duration & 0xFF)]
    }
}

/// Receives RFC 4733 telephone-events and reports each key press once.
///
/// Packets of one event share an RTP timestamp (the event's start); the
/// end packet is repeated; an event longer than the 16-bit duration field
/// continues with a new timestamp and no end bit in between (§2.5.1.3).
/// A press is reported on its first packet, so a lost end packet does not
/// lose the digit and the IVR reacts at once.
public struct TelephoneEventReceiver: Sendable {
    public let clockRate: Int
    private var currentTimestamp: UInt32?
    private var currentSSRC: UInt32?
    private var currentEvent: UInt8?
    private var currentDuration: UInt16 = 0
    private var ended = true

    public init(clockRate: Int = 8000) {
        self.clockRate = clockRate
    }

    /// Feeds the payload, RTP timestamp and SSRC of a telephone-event packet; returns the digit when a new press starts.
    /// A new SSRC (the peer restarted its stream) forgets the event in progress.
    public mutating func receive(payload bytes: [UInt8], timestamp: UInt32, ssrc: UInt32? = nil) -> DTMFEvent? {
        guard let payload = TelephoneEventPayload(bytes) else { return nil }
        if let ssrc, ssrc != currentSSRC {
            currentSSRC = ssrc
            currentTimestamp = nil
            currentEvent = nil
            ended = true
        }
        if timestamp == currentTimestamp && payload.event == currentEvent {
            // Update or redundant end of the event in progress.
            if payload.duration > currentDuration { currentDuration = payload.duration }
            if payload.isEnd { ended = true }
            return nil
        }
        // A long press continues in a new segment: same key, not ended, starting where the last one stopped.
        if let ts = currentTimestamp, !ended, payload.event == currentEvent {
            let step = timestamp &- ts
            if step > 0 && step <= UInt32(currentDuration) + UInt32(clockRate / 10) {
                currentTimestamp = timestamp
                currentDuration = payload.duration
                ended = payload.isEnd
                return nil
            }
        }
        // Packets of an older event arriving late are ignored.
        if let ts = currentTimestamp, Int32(bitPattern: timestamp &- ts) < 0 { return nil }
        currentTimestamp = timestamp
        currentEvent = payload.event
        currentDuration = payload.duration
        ended = payload.isEnd
        guard let digit = DTMFDigit(rawValue: payload.event) else { return nil }
        return DTMFEvent(digit: digit, source: .telephoneEvent,
                         duration: .milliseconds(Int(payload.duration) * 1000 / clockRate))
    }
}

/// One packet of a telephone-event to send on a 20 ms tick.
public struct TelephoneEventFrame: Sendable, Hashable {
    public var payload: [UInt8]
    /// Marker bit: set on the first packet of the event.
    public var marker: Bool
}

/// The packets that send one key press (RFC 4733 §2.5.1): the first with
/// the marker bit, one per packet interval with the growing duration, and
/// the end packet three times. All carry the event's start timestamp; send
/// them with ``RTPStreamSender/eventPacket(payloadType:payload:timestamp:marker:)``
/// one per tick, then ``RTPStreamSender/skip(samples:)`` by ``TelephoneEventSender/totalSamples(duration:)``.
public enum TelephoneEventSender {
    /// Frames for `digit` held for `duration`, at `packetInterval` (default 20 ms) and `volume` -dBm0.
    public static func frames(for digit: DTMFDigit, duration: Duration = .milliseconds(100), volume: UInt8 = 10,
                              packetInterval: Duration = .milliseconds(20), clockRate: Int = 8000) -> [TelephoneEventFrame] {
        let step = samples(packetInterval, clockRate: clockRate)
        let total = min(samples(duration, clockRate: clockRate), Int(UInt16.max))
        var frames: [TelephoneEventFrame] = []
        var elapsed = step
        while elapsed < total {
            frames.append(TelephoneEventFrame(payload: TelephoneEventPayload(event: digit.rawValue, isEnd: false, volume: volume,
                                                                               duration: UInt16(elapsed)).bytes,
                                              marker: frames.isEmpty))
            elapsed += step
        }
        let end = TelephoneEventPayload(event: digit.rawValue, isEnd: true, volume: volume, duration: UInt16(total)).bytes
        for _ in 0..<3 { frames.append(TelephoneEventFrame(payload: end, marker: frames.isEmpty)) }
        return frames
    }

    /// Samples of media time the event occupies.
    public static func totalSamples(duration: Duration, clockRate: Int = 8000) -> Int {
        min(samples(duration, clockRate: clockRate), Int(UInt16.max))
    }

    static func samples(_ d: Duration, clockRate: Int) -> Int {
        let (s, a) = d.components
        return Int(s) * clockRate + Int(a / (1_000_000_000_000_000_000 / Int64(clockRate)))
    }
}

/// Why a SIP INFO `application/dtmf-relay` body was not understood.
public enum DTMFRelayError: Error, Sendable, Hashable {
    case missingSignal
    case unknownSignal(String)
    case badDuration(String)
}

/// SIP INFO `application/dtmf-relay` bodies (`Signal=5` / `Duration=160`).
public enum DTMFRelay {
    /// Parses a body; `Duration` (milliseconds) is optional and defaults to 100 ms.
    public static func parse(_ body: String) throws(DTMFRelayError) -> DTMFEvent {
        var signal: String?
        var duration = 100
        for line in body.split(whereSeparator: { $0.isNewline }) {
            guard let eq = line.firstIndex(of: "=") else { continue }
            let key = line[..<eq].trimmingSpaces.lowercased()
            let value = line[line.index(after: eq)...].trimmingSpaces
            switch key {
            case "signal": signal = value
            case "duration":
                guard let d = Int(value), d >= 0 else { throw .badDuration(value) }
                duration = d
            default: continue
            }
        }
        guard let signal, !signal.isEmpty else { throw .missingSignal }
        let digit: DTMFDigit?
        if signal == "10" { digit = .star } else if signal == "11" { digit = .pound } else if signal.count == 1 {
            digit = DTMFDigit(character: signal.first!)
        } else { digit = nil }
        guard let digit else { throw .unknownSignal(signal) }
        return DTMFEvent(digit: digit, source: .sipInfo, duration: .milliseconds(duration))
    }

    /// Serializes a body for a SIP INFO we send.
    public static func body(for digit: DTMFDigit, duration: Duration = .milliseconds(160)) -> String {
        let (s, a) = duration.components
        return "Signal=\(digit.character)\r\nDuration=\(s * 1000 + a / 1_000_000_000_000_000)\r\n"
    }
}
