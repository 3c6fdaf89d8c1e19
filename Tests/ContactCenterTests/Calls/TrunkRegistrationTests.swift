import ContactCenter
import Foundation
import NIOConcurrencyHelpers
import SIP
import Testing

/// Hotline registering with a carrier: here the carrier's registrar is Hotline's own (digest
/// MD5/SHA-256 with qop=auth, nonces with replay protection), reached over loopback.
@Suite("Trunk registration", .serialized)
struct TrunkRegistrationTests {
    func client(_ bed: CallTestBed, password: String, expires: Duration = .seconds(300)) async throws -> TrunkRegistrationClient {
        let registration = TrunkRegistration(registrar: "127.0.0.1:\(bed.sipPort)", username: "8003", password: password, expires: expires)
        let endpoint = bed.endpoint!
        let transport = bed.transport!
        let timers = bed.timers
        let port = bed.sipPort
        return try await bed.onLoop {
            try! TrunkRegistrationClient(trunk: "carrier", registration: registration, endpoint: endpoint, contactHost: "127.0.0.1",
                                         contactPort: port, timers: timers, logger: .init(label: "test")) { transport.udpPeer(to: $0) }
        }
    }

    func status(_ bed: CallTestBed, _ client: TrunkRegistrationClient) async throws -> TrunkRegistrationClient.Status {
        try await bed.onLoop { client.status }
    }

    @Test("answers the digest challenge, is registered, refreshes before expiry and unregisters at stop")
    func registers() async throws {
        let bed = CallTestBed()
        try await bed.start()
        defer { Task { await bed.stop() } }
        let client = try await client(bed, password: "demo-8003")
        try await bed.onLoop { client.start() }
        try await eventually("registered") {
            if case .registered = try await status(bed, client) { return true }
            return false
        }
        let bindings = try await bed.onLoop { bed.endpoint.registrar.bindings(for: "8003", now: bed.endpoint.now()) }
        #expect(bindings.count == 1)
        #expect(bindings.first?.contact.uri.port == bed.sipPort)
        // The refresh timer runs at 80 % of the 300 s granted.
        #expect(bed.timers.delay(of: "trunk-register") == .seconds(240))
        bed.timers.fire("trunk-register")
        try await eventually("refreshed") { try await bed.onLoop { bed.endpoint.statistics.requestsReceived } >= 4 }
        try await eventually("registered again") {
            if case .registered = try await status(bed, client) { return bed.timers.pending.contains("trunk-register") }
            return false
        }
        try await bed.onLoop { client.stop() }
        try await eventually("unregistered") { try await status(bed, client) == .unregistered }
        #expect(try await bed.onLoop { bed.endpoint.registrar.bindings(for: "8003", now: bed.endpoint.now()) }.isEmpty)
    }

    @Test("a wrong password fails (403) and is retried later, not at once")
    func wrongPassword() async throws {
        let bed = CallTestBed()
        try await bed.start()
        defer { Task { await bed.stop() } }
        let client = try await client(bed, password: "wrong")
        try await bed.onLoop { client.start() }
        try await eventually("failed") {
            if case .failed(let reason) = try await status(bed, client) { return reason.hasPrefix("403") }
            return false
        }
        #expect(bed.timers.delay(of: "trunk-register") == .seconds(30))
    }

    @Test("a carrier that challenges the answered REGISTER again gets no third REGISTER: the registration fails and waits for its retry")
    func challengedTwice() async throws {
        let bed = CallTestBed()
        try await bed.start()
        defer { Task { await bed.stop() } }
        let carrier = try await bed.phone()
        defer { Task { await carrier.stop() } }
        let registration = TrunkRegistration(registrar: "127.0.0.1:\(carrier.sipPort)", username: "hotline", password: "wrong")
        let (endpoint, transport, timers, port) = (bed.endpoint!, bed.transport!, bed.timers, bed.sipPort)
        let client = try await bed.onLoop {
            try! TrunkRegistrationClient(trunk: "carrier", registration: registration, endpoint: endpoint, contactHost: "127.0.0.1",
                                         contactPort: port, timers: timers, logger: .init(label: "test")) { transport.udpPeer(to: $0) }
        }
        try await bed.onLoop { client.start() }
        let registers: @Sendable () -> [SIPMessage] = { carrier.messages.filter { $0.isRequest && $0.method == .register } }
        for round in 1...2 {
            let request = try await eventuallyValue("REGISTER \(round)") { registers().count == round ? registers().last : nil }
            #expect(request.headers.fieldValues(.authorization).isEmpty == (round == 1))
            var challenge = SIPResponseBuilder.response(to: request, status: 401, toTag: "c\(round)")
            challenge.addHeader(.wwwAuthenticate, #"Digest realm="carrier.example", nonce="n0nce\#(round)", qop="auth", algorithm=MD5"#)
            carrier.send(challenge, to: bed.sipPort)
        }
        try await eventually("failed") {
            if case .failed(let reason) = try await status(bed, client) { return reason.hasPrefix("401") }
            return false
        }
        #expect(bed.timers.delay(of: "trunk-register") == .seconds(30))
        #expect(registers().count == 2)
    }
}
