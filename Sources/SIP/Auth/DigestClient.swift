/// The client side of digest authentication (RFC 3261 §22, RFC 8760): answers a
/// `WWW-Authenticate` or `Proxy-Authenticate` challenge with the matching
/// `Authorization` or `Proxy-Authorization` value.
public struct DigestClient: Sendable {
    public var username: String
    public var password: String
    /// Answer only challenges for this realm, when set.
    public var realm: String?
    private var nonceCount: [String: Int] = [:]

    public init(username: String, password: String, realm: String? = nil) {
        self.username = username
        self.password = password
        self.realm = realm
    }

    /// The header to add to the request that `response` (401 or 407) refused, or `nil` when the
    /// response carries no challenge we can answer (another scheme, another realm, an unknown
    /// algorithm). Challenges are tried in order; SHA-256 and MD5 are understood.
    public mutating func answer(_ response: SIPMessage, to request: SIPMessage,
                                cnonce: String = String(UInt64.random(in: 1 ... .max), radix: 16)) -> (SIPHeaderName, String)? {
        let proxy = response.statusCode == 407
        let challengeHeader: SIPHeaderName = proxy ? .proxyAuthenticate : .wwwAuthenticate
        for value in response.headers.fieldValues(challengeHeader) {
            guard let challenge = try? SIPAuthCredentials(value), challenge.scheme.lowercased() == "digest",
                  let challengeRealm = challenge["realm"], let nonce = challenge["nonce"],
                  let algorithm = DigestAlgorithm(parameter: challenge["algorithm"]) else { continue }
            if let realm, realm != challengeRealm { continue }
            let qops = (challenge["qop"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            let qop: String? = qops.contains("auth") ? "auth" : nil
            if !qops.isEmpty && qop == nil { continue }
            let uri = request.requestURI?.description ?? ""
            var nc: String?
            if qop != nil {
                let count = (nonceCount[nonce] ?? 0) + 1
                nonceCount = [nonce: count]
                let hex = String(count, radix: 16)
                nc = String(repeating: "0", count: max(0, 8 - hex.count)) + hex
            }
            let ha1 = algorithm.ha1(username: username, realm: challengeRealm, password: password)
            let digest = algorithm.response(ha1: ha1, method: request.method.rawValue, uri: uri, nonce: nonce,
                                            nc: nc, cnonce: qop == nil ? nil : cnonce, qop: qop)
            var parts = [
                "username=\"\(username)\"", "realm=\"\(challengeRealm)\"", "nonce=\"\(nonce)\"", "uri=\"\(uri)\"",
                "response=\"\(digest)\"", "algorithm=\(algorithm.rawValue)",
            ]
            if let opaque = challenge["opaque"] { parts.append("opaque=\"\(opaque)\"") }
            if let qop, let nc { parts += ["qop=\(qop)", "nc=\(nc)", "cnonce=\"\(cnonce)\""] }
            return (proxy ? .proxyAuthorization : .authorization, "Digest " + parts.joined(separator: ", "))
        }
        return nil
    }
}
