/// A carrier's SIP trunk: who may send calls on it, what it costs, and how outbound calls use it.
public struct Trunk: Sendable, Equatable {
    public var name: String
    /// Address blocks allowed to send calls on this trunk (the SIP side of a cloud security group).
    public var allow: [IPAddressRange]
    /// Registration to the carrier, when the carrier wants one.
    public var registration: TrunkRegistration?
    /// Where outbound calls and registrations go (`host`, `host:port` or a SIP URI); `nil` for inbound-only trunks.
    public var proxy: String?
    /// Maximum concurrent calls (the channels paid for); `nil` means no limit.
    public var channels: Int?
    /// New calls admitted per second (bursts of up to one second's worth); `nil` means no limit.
    /// Calls beyond it get 503 with Retry-After before any work is done for them.
    public var callsPerSecond: Int?
    public var pricing: TrunkPricing
    public var outbound: OutboundPreference
    /// Where this is written in the configuration, for messages at run time.
    public var location: SourceLocation

    public init(name: String, allow: [IPAddressRange], registration: TrunkRegistration? = nil, proxy: String? = nil,
                channels: Int? = nil, callsPerSecond: Int? = nil, pricing: TrunkPricing = .init(),
                outbound: OutboundPreference = .init(), location: SourceLocation) {
        self.name = name
        self.allow = allow
        self.registration = registration
        self.proxy = proxy
        self.channels = channels
        self.callsPerSecond = callsPerSecond
        self.pricing = pricing
        self.outbound = outbound
        self.location = location
    }

    /// Whether a call from `address` (as read from the socket) may use this trunk.
    public func admits(_ address: String) -> Bool {
        allow.contains { $0.contains(address) }
    }
}

/// Registration of Hotline to the carrier's registrar (REGISTER with digest credentials).
public struct TrunkRegistration: Sendable, Equatable {
    /// The registrar, as a SIP URI or `host[:port]`.
    public var registrar: String
    public var username: String
    public var password: String
    /// The digest realm to answer, when the carrier's challenge should be restricted to one.
    public var realm: String?
    /// Requested registration lifetime; default one hour.
    public var expires: Duration

    public init(registrar: String, username: String, password: String, realm: String? = nil, expires: Duration = .seconds(3600)) {
        self.registrar = registrar
        self.username = username
        self.password = password
        self.realm = realm
        self.expires = expires
    }
}

/// What a trunk costs, in yuan: per connected minute, and per channel per month.
public struct TrunkPricing: Sendable, Equatable {
    public var perMinute: Double
    public var perChannelPerMonth: Double

    public init(perMinute: Double = 0, perChannelPerMonth: Double = 0) {
        self.perMinute = perMinute
        self.perChannelPerMonth = perChannelPerMonth
    }

    /// The cost of a call of `seconds` connected time, billed per started minute (as carriers do).
    public func cost(ofCallSeconds seconds: Double) -> Double {
        guard seconds > 0 else { return 0 }
        return (seconds / 60).rounded(.up) * perMinute
    }
}

/// Outbound trunk choice: the lowest priority number is tried first; trunks of equal priority
/// share calls in proportion to their weight, and the next priority takes over when they fail.
public struct OutboundPreference: Sendable, Equatable {
    public var priority: Int
    public var weight: Int

    public init(priority: Int = 1, weight: Int = 100) {
        self.priority = priority
        self.weight = weight
    }
}
