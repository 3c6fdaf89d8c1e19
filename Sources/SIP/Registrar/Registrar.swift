/// A registrar (RFC 3261 §10.3) for agent extensions, with digest
/// authentication (RFC 8760: SHA-256 and MD5, `qop=auth`).
///
/// A value type: it takes a REGISTER and the current time and returns the
/// response, changing its bindings. The shell that owns it does the I/O.
public struct Registrar: Sendable {
    public struct Configuration: Sendable {
        /// The digest realm.
        public var realm: String
        /// Expiry bounds (seconds): shorter non-zero requests get 423.
        public var minExpires: Int = 60
        public var maxExpires: Int = 3600
        public var defaultExpires: Int = 3600
        /// Challenge algorithms, one challenge each, in this order. RFC 8760
        /// lets a client pick the first it supports, but many deployed phones
        /// (and sipp) read only the first challenge and know only MD5, so MD5
        /// leads by default; put SHA-256 first when every phone supports it.
        public var algorithms: [DigestAlgorithm] = [.md5, .sha256]
        /// The most contacts one extension may bind at once.
        public var maxContactsPerUser: Int = 10

        public init(realm: String) { self.realm = realm }
    }

    /// One contact bound to an extension.
    public struct Binding: Sendable, Hashable, Codable {
        public var contact: SIPNameAddress
        /// When it lapses, in seconds of the registrar's clock.
        public var expires: Int64
        public var callID: String
        public var cseq: UInt32
        /// Where the REGISTER came from (`transport:address:port`), to reach
        /// agents behind NAT at the address they really use.
        public var source: String?
        /// The `q` preference, 0…1.
        public var q: Double

        enum CodingKeys: String, CodingKey { case contact, expires, callID, cseq, source, q }

        public init(contact: SIPNameAddress, expires: Int64, callID: String, cseq: UInt32, source: String?, q: Double) {
            self.contact = contact
            self.expires = expires
            self.callID = callID
            self.cseq = cseq
            self.source = source
            self.q = q
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let text = try c.decode(String.self, forKey: .contact)
            do {
                contact = try SIPNameAddress(text)
            } catch {
                throw DecodingError.dataCorruptedError(forKey: .contact, in: c, debugDescription: "bad contact \(text): \(error)")
            }
            expires = try c.decode(Int64.self, forKey: .expires)
            callID = try c.decode(String.self, forKey: .callID)
            cseq = try c.decode(UInt32.self, forKey: .cseq)
            source = try c.decodeIfPresent(String.self, forKey: .source)
            q = try c.decode(Double.self, forKey: .q)
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(contact.description, forKey: .contact)
            try c.encode(expires, forKey: .expires)
            try c.encode(callID, forKey: .callID)
            try c.encode(cseq, forKey: .cseq)
            try c.encodeIfPresent(source, forKey: .source)
            try c.encode(q, forKey: .q)
        }
    }

    public var configuration: Configuration
    /// Counts changes to the bindings, so a shell can persist them when it moves.
    public private(set) var generation: UInt64 = 0
    private var credentials: [String: [DigestAlgorithm: String]] = [:]
    private var nonces: NonceManager
    private var bindings: [String: [Binding]] = [:]

    /// - Parameter passwords: extension user name to digest password.
    public init(configuration: Configuration, passwords: [String: String], nonces: NonceManager = NonceManager()) {
        self.configuration = configuration
        self.nonces = nonces
        setPasswords(passwords)
    }

    /// Replaces the credentials (on configuration reload). HA1 values are
    /// computed once here.
    public mutating func setPasswords(_ passwords: [String: String]) {
        credentials = [:]
        for (user, password) in passwords {
            var h: [DigestAlgorithm: String] = [:]
            for a in DigestAlgorithm.allCases { h[a] = a.ha1(username: user, realm: configuration.realm, password: password) }
            credentials[user] = h
        }
    }

    /// The live bindings of `user`, highest `q` first.
    public func bindings(for user: String, now: Int64) -> [Binding] {
        (bindings[user] ?? []).filter { $0.expires > now }.sorted { $0.q > $1.q }
    }

    /// Every user with at least one live binding.
    public func registeredUsers(now: Int64) -> [String] {
        bindings.compactMap { user, list in list.contains { $0.expires > now } ? user : nil }.sorted()
    }

    /// Every live binding, by user: what a shell persists.
    public func snapshot(now: Int64) -> [String: [Binding]] {
        bindings.compactMapValues { list in
            let live = list.filter { $0.expires > now }
            return live.isEmpty ? nil : live
        }
    }

    /// Restores persisted bindings, dropping those that lapsed meanwhile.
    public mutating func restore(_ saved: [String: [Binding]], now: Int64) {
        for (user, list) in saved {
            let live = list.filter { $0.expires > now }
            if !live.isEmpty { bindings[user] = Array(live.prefix(configuration.maxContactsPerUser)) }
        }
        generation &+= 1
    }

    /// Drops lapsed bindings; call now and then.
    public mutating func expire(now: Int64) {
        for (user, list) in bindings {
            let live = list.filter { $0.expires > now }
            bindings[user] = live.isEmpty ? nil : live
        }
    }

    /// Handles a REGISTER; returns the response to send.
    public mutating func handle(_ request: SIPMessage, source: String? = nil, now: Int64, toTag: String) -> SIPMessage {
        func reply(_ status: Int, _ reason: String? = nil) -> SIPMessage {
            SIPResponseBuilder.response(to: request, status: status, reason: reason, toTag: toTag)
        }
        guard request.method == .register else { return reply(405) }
        let aor = request.to.uri
        guard aor.isSIP, let user = aor.decodedUser, !user.isEmpty else { return reply(404) }

        // Authentication (§22.4): challenge until a valid answer arrives.
        switch authenticate(request, user: user, now: now) {
        case .challenge(let stale):
            var r = reply(401)
            // One nonce serves every algorithm's challenge.
            let nonce = nonces.issue(now: now)
            for a in configuration.algorithms {
                r.addHeader(.wwwAuthenticate, challenge(algorithm: a, nonce: nonce, stale: stale))
            }
            return r
        case .forbidden:
            return reply(403)
        case .bad:
            return reply(400, "Bad Authorization")
        case .ok:
            break
        }

        // Contacts (§10.3 steps 6–8).
        let headerExpires = request.headers[.expires].flatMap(Registrar.seconds)
        if request.isContactWildcard {
            guard request.contacts.isEmpty, request.headers.fieldValues(.contact).count == 1, headerExpires == 0 else {
                return reply(400, "Wildcard Contact needs Expires 0")
            }
            var list = bindings[user] ?? []
            for b in list where b.callID == request.callID && b.cseq >= request.cseq.sequence {
                return reply(500, "Out of Order")
            }
            list.removeAll()
            bindings[user] = nil
            generation &+= 1
            return ok(request, user: user, now: now, toTag: toTag)
        }

        var list = (bindings[user] ?? []).filter { $0.expires > now }
        for contact in request.contacts {
            var requested = contact.parameters.value("expires").flatMap(Registrar.seconds) ?? headerExpires ?? configuration.defaultExpires
            if requested != 0 && requested < configuration.minExpires {
                var r = reply(423)
                r.addHeader(.minExpires, String(configuration.minExpires))
                return r
            }
            requested = min(requested, configuration.maxExpires)
            if let i = list.firstIndex(where: { $0.contact.uri.isEquivalent(to: contact.uri) }) {
                if list[i].callID == request.callID && list[i].cseq >= request.cseq.sequence {
                    return reply(500, "Out of Order")
                }
                if requested == 0 {
                    list.remove(at: i)
                    continue
                }
                list[i].contact = Registrar.stored(contact)
                list[i].expires = now + Int64(requested)
                list[i].callID = request.callID
                list[i].cseq = request.cseq.sequence
                list[i].source = source
                list[i].q = Registrar.q(contact)
            } else if requested > 0 {
                if list.count >= configuration.maxContactsPerUser {
                    // Replace the binding closest to lapsing.
                    if let oldest = list.indices.min(by: { list[$0].expires < list[$1].expires }) { list.remove(at: oldest) }
                }
                list.append(Binding(
                    contact: Registrar.stored(contact), expires: now + Int64(requested), callID: request.callID,
                    cseq: request.cseq.sequence, source: source, q: Registrar.q(contact)))
            }
        }
        bindings[user] = list.isEmpty ? nil : list
        generation &+= 1
        return ok(request, user: user, now: now, toTag: toTag)
    }

    private func ok(_ request: SIPMessage, user: String, now: Int64, toTag: String) -> SIPMessage {
        var r = SIPResponseBuilder.response(to: request, status: 200, toTag: toTag)
        var contacts: [SIPNameAddress] = []
        for b in bindings(for: user, now: now) {
            var c = b.contact
            c.parameters.set("expires", String(b.expires - now))
            contacts.append(c)
        }
        r.contacts = contacts
        return r
    }

    private static func stored(_ contact: SIPNameAddress) -> SIPNameAddress {
        var c = contact
        c.parameters.remove("expires")
        return c
    }

    private static func q(_ contact: SIPNameAddress) -> Double {
        contact.parameters.value("q").flatMap(Double.init).map { min(max($0, 0), 1) } ?? 1
    }

    /// Delta-seconds, capped instead of overflowing (RFC 3261 §25.1 allows
    /// any number of digits).
    static func seconds(_ text: String) -> Int? {
        let t = text.trimmingWhitespace
        guard !t.isEmpty, t.utf8.allSatisfy({ CharacterClasses.isDigit($0) }) else { return nil }
        if t.utf8.count > 9 { return Int(Int32.max) }
        return Int(t)
    }

    private enum AuthResult { case ok, challenge(stale: Bool), forbidden, bad }

    private mutating func authenticate(_ request: SIPMessage, user: String, now: Int64) -> AuthResult {
        var answer: SIPAuthCredentials?
        for value in request.headers.fieldValues(.authorization) {
            guard let c = try? SIPAuthCredentials(value) else { return .bad }
            if c.scheme.caseInsensitiveEquals("Digest"), c["realm"] == configuration.realm { answer = c; break }
        }
        guard let answer else { return .challenge(stale: false) }
        guard let username = answer["username"], let nonce = answer["nonce"], let uri = answer["uri"],
              let response = answer["response"] else { return .bad }
        guard let algorithm = DigestAlgorithm(parameter: answer["algorithm"]), configuration.algorithms.contains(algorithm) else {
            return .challenge(stale: false)
        }
        let qop = answer["qop"]
        if let qop, qop != "auth" { return .challenge(stale: false) }
        if qop != nil, answer["nc"] == nil || answer["cnonce"] == nil { return .bad }
        guard username == user, let ha1 = credentials[username]?[algorithm] else { return .forbidden }
        let expected = algorithm.response(
            ha1: ha1, method: request.method.rawValue, uri: uri, nonce: nonce,
            nc: answer["nc"], cnonce: answer["cnonce"], qop: qop)
        guard Registrar.constantTimeEquals(expected, response.asciiLowercased) else {
            // A forged or foreign nonce is challenged afresh; a wrong password is refused.
            return nonces.check(nonce, nc: nil, now: now) == .invalid ? .challenge(stale: false) : .forbidden
        }
        switch nonces.check(nonce, nc: qop == nil ? nil : answer["nc"], now: now) {
        case .valid: return .ok
        case .stale: return .challenge(stale: true)
        case .invalid, .replayed: return .challenge(stale: false)
        }
    }

    private func challenge(algorithm: DigestAlgorithm, nonce: String, stale: Bool) -> String {
        var v = "Digest realm=\"\(configuration.realm)\", nonce=\"\(nonce)\", algorithm=\(algorithm.rawValue), qop=\"auth\""
        if stale { v += ", stale=true" }
        return v
    }

    static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<x.count { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}
