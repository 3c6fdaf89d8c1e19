import Foundation
import Logging
import NIOCore
import SIP

/// Keeps Hotline registered with a carrier's registrar (a trunk's `register` section): REGISTER
/// with digest credentials, refreshed before it lapses, retried with backoff when refused or
/// unanswered, and removed (Expires: 0) at shutdown.
///
/// Lives on the SIP endpoint's event loop; call its methods there.
public final class TrunkRegistrationClient: @unchecked Sendable {
    /// Where the registration stands.
    public enum Status: Sendable, Equatable {
        case idle
        case registering
        /// Registered until this time (seconds of the endpoint's clock).
        case registered(until: Int64)
        /// The last attempt failed; another follows.
        case failed(String)
        case unregistered
    }

    public let trunk: String
    public private(set) var status = Status.idle
    /// Called on the loop whenever the status changes.
    public var onStatus: ((Status) -> Void)?

    private let endpoint: SIPEndpoint
    private let registration: TrunkRegistration
    private let registrar: SocketAddress
    private let registrarURI: SIPURI
    private let contactHost: String
    private let contactPort: Int
    private let peer: (SocketAddress) -> SIPPeer?
    private let timers: any CallTimerDriver
    private var logger: Logger
    private var digest: DigestClient
    private let callID: String
    private let tag: String
    private var sequence: UInt32 = 0
    private var timer: (any CallTimer)?
    private var failures = 0

    /// Why a registration cannot start.
    public enum SetupError: Error, CustomStringConvertible {
        case registrarAddress(String)
        public var description: String {
            switch self {
            case .registrarAddress(let text): "trunk registrar '\(text)' is not an IP address with an optional port"
            }
        }
    }

    public init(trunk: String, registration: TrunkRegistration, endpoint: SIPEndpoint, contactHost: String, contactPort: Int,
                timers: any CallTimerDriver = EventLoopTimerDriver(), logger: Logger,
                peer: @escaping (SocketAddress) -> SIPPeer?) throws(SetupError) {
        var text = registration.registrar
        if !text.hasPrefix("sip:") && !text.hasPrefix("sips:") { text = "sip:" + text }
        guard let uri = try? SIPURI(text) else { throw .registrarAddress(registration.registrar) }
        let host = uri.host.hasPrefix("[") ? String(uri.host.dropFirst().dropLast()) : uri.host
        guard let address = try? SocketAddress(ipAddress: host, port: uri.port ?? 5060) else {
            throw .registrarAddress(registration.registrar)
        }
        self.trunk = trunk
        self.registration = registration
        self.registrar = address
        self.registrarURI = SIPURI(host: uri.host, port: uri.port)
        self.endpoint = endpoint
        self.contactHost = contactHost
        self.contactPort = contactPort
        self.timers = timers
        self.peer = peer
        self.logger = logger
        self.logger[metadataKey: "trunk"] = "\(trunk)"
        self.digest = DigestClient(username: registration.username, password: registration.password, realm: registration.realm)
        self.callID = UUID().uuidString.lowercased() + "@" + contactHost
        self.tag = endpoint.makeTag()
    }

    /// Registers now and keeps the registration fresh.
    public func start() {
        send(expires: Int(registration.expires.components.seconds), authorization: nil)
    }

    /// Removes the registration.
    public func stop() {
        timer?.cancel()
        timer = nil
        send(expires: 0, authorization: nil)
    }

    private func setStatus(_ new: Status) {
        status = new
        onStatus?(new)
    }

    private func send(expires: Int, authorization: (SIPHeaderName, String)?) {
        guard let peer = peer(registrar) else {
            setStatus(.failed("no UDP socket for the registrar's address family"))
            return
        }
        sequence += 1
        var parameters = SIPParameters()
        parameters.set("rport", nil)
        let via = SIPVia(transport: "UDP", host: contactHost, port: contactPort, branch: endpoint.makeBranch(), parameters: parameters)
        let aor = SIPURI(user: registration.username, host: registrarURI.host)
        var from = SIPNameAddress(uri: aor)
        from.parameters.set("tag", tag)
        var headers = SIPHeaders()
        headers.add(.expires, String(expires))
        headers.add(.userAgent, endpoint.configuration.userAgent)
        if let authorization { headers.add(authorization.0, authorization.1) }
        let request = SIPMessage(
            startLine: .request(method: .register, uri: registrarURI), via: [via], from: from, to: SIPNameAddress(uri: aor),
            callID: callID, cseq: SIPCSeq(sequence, .register), maxForwards: 70,
            contacts: [SIPNameAddress(uri: SIPURI(user: registration.username, host: contactHost, port: contactPort))],
            extraHeaders: headers)
        if expires > 0 { setStatus(.registering) }
        endpoint.send(request, to: peer, onResponse: { [weak self] response in
            self?.received(response, for: request, expires: expires, answered: authorization != nil)
        }, onTimeout: { [weak self] in
            self?.failed("no answer from the registrar", retry: expires > 0)
        })
    }

    private func received(_ response: SIPMessage, for request: SIPMessage, expires: Int, answered: Bool) {
        guard let status = response.statusCode, status >= 200 else { return }
        switch status {
        case 200..<300:
            guard expires > 0 else {
                setStatus(.unregistered)
                return
            }
            failures = 0
            let granted = grantedExpiry(response) ?? expires
            setStatus(.registered(until: endpoint.now() + Int64(granted)))
            logger.info("registered with the carrier", metadata: ["expires": "\(granted)"])
            // Refresh ahead of time: at 80 % of the lifetime, at least 5 s before it lapses.
            let refresh = max(1, min(granted * 8 / 10, granted - 5))
            schedule(after: .seconds(refresh))
        case 401 where !answered, 407 where !answered:
            guard let authorization = digest.answer(response, to: request) else {
                failed("\(status) with a challenge that cannot be answered", retry: expires > 0)
                return
            }
            send(expires: expires, authorization: authorization)
        case 423:
            let minimum = response.headers.fieldValues(.minExpires).first.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            if let minimum, expires > 0, minimum > expires {
                send(expires: minimum, authorization: nil)
            } else {
                failed("423 Interval Too Brief", retry: expires > 0)
            }
        default:
            failed("\(status) \(SIPStatus.reasonPhrase(status))", retry: expires > 0)
        }
    }

    /// The lifetime the registrar granted our contact.
    private func grantedExpiry(_ response: SIPMessage) -> Int? {
        for contact in response.contacts where contact.uri.host == contactHost && contact.uri.user == registration.username {
            if let value = contact.parameters.value("expires"), let seconds = Int(value) { return seconds }
        }
        return response.headers.fieldValues(.expires).first.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    }

    private func failed(_ reason: String, retry: Bool) {
        failures += 1
        setStatus(.failed(reason))
        logger.warning("registration with the carrier failed", metadata: ["reason": "\(reason)", "attempt": "\(failures)"])
        guard retry else { return }
        // 30 s, 60 s, … up to 10 minutes.
        let delay = min(600, 30 << min(failures - 1, 5))
        schedule(after: .seconds(delay))
    }

    private func schedule(after delay: Duration) {
        timer?.cancel()
        timer = timers.schedule("trunk-register", after: delay, on: endpoint.eventLoop) { [weak self] in
            guard let self else { return }
            self.timer = nil
            self.start()
        }
    }
}
