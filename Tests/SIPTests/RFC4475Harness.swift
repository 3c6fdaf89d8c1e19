@testable import SIP

/// Feeds one datagram to the parser, the request checks and (for REGISTER)
/// a registrar, as a UAS would, and says what became of it.
enum RFC4475Harness {
    enum Result: CustomStringConvertible {
        case accepted(SIPMessage)
        case rejected(Int, [UInt8]?)
        case dropped(String)
        case registrar(Int, Registrar, SIPMessage)

        var description: String {
            switch self {
            case .accepted: return "accepted"
            case .rejected(let s, _): return "rejected \(s)"
            case .dropped(let why): return "dropped (\(why))"
            case .registrar(let s, _, _): return "registrar \(s)"
            }
        }
    }

    static let realm = "hotline.test"
    static let password = "secret"
    static let users = ["j.user", "watson", "user", "null-\u{0}-null", "caller"]

    static func run(_ raw: [UInt8]) -> Result {
        let message: SIPMessage
        do {
            message = try SIPMessageParser().parse(raw)
        } catch {
            guard let status = error.status else { return .dropped(error.reason) }
            return .rejected(status, SIPResponseBuilder.response(to: error))
        }
        guard message.isRequest else {
            // §18.1.2: a response with more than one Via is discarded.
            return message.via.count == 1 ? .accepted(message) : .dropped("response with \(message.via.count) Via")
        }
        if let refusal = SIPRequestValidator().check(message) {
            return .rejected(refusal.statusCode!, refusal.serialized())
        }
        guard message.method == .register else { return .accepted(message) }
        return register(message)
    }

    /// A REGISTER answered by a registrar, with one digest round when challenged.
    static func register(_ message: SIPMessage) -> Result {
        var registrar = Registrar(
            configuration: .init(realm: realm),
            passwords: Dictionary(uniqueKeysWithValues: users.map { ($0, password) }))
        let first = registrar.handle(message, now: 1_000, toTag: "t1")
        guard first.statusCode == 401, !message.headers.contains(.authorization),
              let challenge = first.headers.fieldValues(.wwwAuthenticate).last,
              let c = try? SIPAuthCredentials(challenge), let nonce = c["nonce"], let user = message.to.uri.decodedUser
        else { return .registrar(first.statusCode!, registrar, first) }
        var retry = message
        retry.cseq.sequence += 1
        let uri = message.requestURI!.description
        let ha1 = DigestAlgorithm.md5.ha1(username: user, realm: realm, password: password)
        let response = DigestAlgorithm.md5.response(ha1: ha1, method: "REGISTER", uri: uri, nonce: nonce, nc: "00000001", cnonce: "0a4f113b", qop: "auth")
        retry.addHeader(.authorization, "Digest username=\"\(user)\", realm=\"\(realm)\", nonce=\"\(nonce)\", uri=\"\(uri)\", response=\"\(response)\", algorithm=MD5, cnonce=\"0a4f113b\", qop=auth, nc=00000001")
        let second = registrar.handle(retry, now: 1_001, toTag: "t2")
        return .registrar(second.statusCode!, registrar, second)
    }
}
