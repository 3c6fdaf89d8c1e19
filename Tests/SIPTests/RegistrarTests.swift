import Foundation
import Testing
@testable import SIP

/// A REGISTER for extension `user` with the given contacts and headers.
func register(_ user: String, contact: String? = "<sip:\(UUIDish.next)@192.0.2.50:5062>", expires: Int? = nil, callID: String = "reg-1", cseq: UInt32 = 1) -> SIPMessage {
    var extra = SIPHeaders()
    if let expires { extra.add(.expires, String(expires)) }
    return SIPMessage(
        startLine: .request(method: .register, uri: try! SIPURI("sip:hotline.test")),
        via: [SIPVia(transport: "UDP", host: "192.0.2.50", port: 5062, branch: "z9hG4bK-\(cseq)")],
        from: try! SIPNameAddress("<sip:\(user)@hotline.test>;tag=ft"), to: try! SIPNameAddress("<sip:\(user)@hotline.test>"),
        callID: callID, cseq: SIPCSeq(cseq, .register), maxForwards: 70,
        contacts: contact.map { [try! SIPNameAddress($0)] } ?? [], extraHeaders: extra)
}

enum UUIDish {
    nonisolated(unsafe) static var n = 0
    static var next: String { n += 1; return "c\(n)" }
}

/// Answers the challenge in `response` for `request` as a UA would.
func authorize(_ request: SIPMessage, challenge response: SIPMessage, user: String, password: String,
               algorithm: DigestAlgorithm = .md5, nc: String = "00000001", realm: String = "hotline.test") -> SIPMessage {
    let challenges = response.headers.fieldValues(.wwwAuthenticate).compactMap { try? SIPAuthCredentials($0) }
    let c = challenges.first { DigestAlgorithm(parameter: $0["algorithm"]) == algorithm }!
    let uri = request.requestURI!.description
    let ha1 = algorithm.ha1(username: user, realm: realm, password: password)
    let digest = algorithm.response(ha1: ha1, method: "REGISTER", uri: uri, nonce: c["nonce"]!, nc: nc, cnonce: "cn", qop: "auth")
    var r = request
    r.cseq.sequence += 1
    r.removeHeader(.authorization)
    r.addHeader(.authorization, "Digest username=\"\(user)\", realm=\"\(realm)\", nonce=\"\(c["nonce"]!)\", uri=\"\(uri)\", response=\"\(digest)\", algorithm=\(algorithm.rawValue), cnonce=\"cn\", qop=auth, nc=\(nc)")
    return r
}

@Suite("Registrar")
struct RegistrarTests {
    func makeRegistrar() -> Registrar {
        Registrar(configuration: .init(realm: "hotline.test"), passwords: ["8001": "demo-8001", "8002": "demo-8002"])
    }

    @Test("Challenge with one header per algorithm in the configured order; both answers are accepted", arguments: DigestAlgorithm.allCases)
    func challengeAndAnswer(algorithm: DigestAlgorithm) {
        var r = makeRegistrar()
        r.configuration.algorithms = [.sha256, .md5]
        let req = register("8001", expires: 600)
        let challenge = r.handle(req, now: 100, toTag: "a")
        #expect(challenge.statusCode == 401)
        let algs = challenge.headers.fieldValues(.wwwAuthenticate).compactMap { try? SIPAuthCredentials($0) }.map { $0["algorithm"] }
        #expect(algs == ["SHA-256", "MD5"])
        let ok = r.handle(authorize(req, challenge: challenge, user: "8001", password: "demo-8001", algorithm: algorithm), now: 101, toTag: "b")
        #expect(ok.statusCode == 200)
        #expect(ok.contacts.first?.parameters.value("expires") == "600")
        #expect(r.bindings(for: "8001", now: 102).count == 1)
        #expect(r.bindings(for: "8001", now: 102 + 600).isEmpty)
    }

    @Test("Wrong password and unknown users get the same 403 (no enumeration)")
    func forbidden() {
        var r = makeRegistrar()
        for (user, password) in [("8001", "wrong"), ("9999", "whatever")] {
            let req = register(user)
            let challenge = r.handle(req, now: 100, toTag: "a")
            #expect(challenge.statusCode == 401)
            #expect(r.handle(authorize(req, challenge: challenge, user: user, password: password), now: 100, toTag: "b").statusCode == 403)
        }
    }

    @Test("A replayed nonce count is challenged again; an old nonce gets stale=true")
    func replayAndStale() {
        var r = makeRegistrar()
        let req = register("8001")
        let challenge = r.handle(req, now: 100, toTag: "a")
        let answer = authorize(req, challenge: challenge, user: "8001", password: "demo-8001")
        #expect(r.handle(answer, now: 100, toTag: "b").statusCode == 200)
        var replay = answer
        replay.cseq.sequence += 1
        #expect(r.handle(replay, now: 101, toTag: "c").statusCode == 401)
        var next = authorize(req, challenge: challenge, user: "8001", password: "demo-8001", nc: "00000002")
        next.cseq.sequence = 10
        #expect(r.handle(next, now: 102, toTag: "d").statusCode == 200)
        let late = r.handle(authorize(req, challenge: challenge, user: "8001", password: "demo-8001", nc: "00000003"), now: 100 + 301, toTag: "e")
        #expect(late.statusCode == 401)
        #expect(late.headers.fieldValues(.wwwAuthenticate).allSatisfy { $0.contains("stale=true") })
    }

    @Test("A forged nonce is challenged afresh")
    func forgedNonce() {
        var r = makeRegistrar()
        var other = Registrar(configuration: .init(realm: "hotline.test"), passwords: ["8001": "demo-8001"])
        let req = register("8001")
        let foreign = other.handle(req, now: 100, toTag: "a")
        let s = r.handle(authorize(req, challenge: foreign, user: "8001", password: "demo-8001"), now: 100, toTag: "b")
        #expect(s.statusCode == 401)
    }

    /// Registers after one challenge round.
    func registered(_ r: inout Registrar, _ req: SIPMessage, now: Int64 = 100) -> SIPMessage {
        let challenge = r.handle(req, now: now, toTag: "a")
        return r.handle(authorize(req, challenge: challenge, user: req.to.uri.user!, password: "demo-\(req.to.uri.user!)"), now: now, toTag: "b")
    }

    @Test("Expires under the minimum gets 423 with Min-Expires; over the maximum is capped")
    func expiryBounds() {
        var r = makeRegistrar()
        let short = registered(&r, register("8001", expires: 10))
        #expect(short.statusCode == 423 && short.headers[.minExpires] == "60")
        let long = registered(&r, register("8001", expires: 999_999_999_999))
        #expect(long.statusCode == 200 && long.contacts.first?.parameters.value("expires") == "3600")
    }

    @Test("Several contacts per extension; a refresh replaces; Expires 0 removes one; * removes all")
    func contacts() {
        var r = makeRegistrar()
        #expect(registered(&r, register("8002", contact: "<sip:desk@192.0.2.1>", callID: "a")).statusCode == 200)
        #expect(registered(&r, register("8002", contact: "<sip:mobile@192.0.2.2>;q=0.5", callID: "b")).statusCode == 200)
        #expect(r.bindings(for: "8002", now: 100).map { $0.contact.uri.user } == ["desk", "mobile"])
        #expect(registered(&r, register("8002", contact: "<sip:desk@192.0.2.1>", callID: "a", cseq: 5)).statusCode == 200)
        #expect(r.bindings(for: "8002", now: 100).count == 2)
        #expect(registered(&r, register("8002", contact: "<sip:desk@192.0.2.1>", expires: 0, callID: "a", cseq: 9)).statusCode == 200)
        #expect(r.bindings(for: "8002", now: 100).map { $0.contact.uri.user } == ["mobile"])
        let wildcard = registered(&r, register("8002", contact: nil, expires: 0, callID: "c").replacingContact("*"))
        #expect(wildcard.statusCode == 200 && r.bindings(for: "8002", now: 100).isEmpty)
        let badWildcard = registered(&r, register("8002", contact: nil, expires: 60, callID: "d").replacingContact("*"))
        #expect(badWildcard.statusCode == 400)
    }

    @Test("Bindings survive a snapshot, a JSON round trip and a restore; lapsed ones are dropped")
    func persistence() throws {
        var r = makeRegistrar()
        _ = registered(&r, register("8001", contact: "<sip:desk@192.0.2.1;transport=tcp>;+sip.instance=\"<urn:x>\"", expires: 600))
        _ = registered(&r, register("8002", contact: "<sip:soft@192.0.2.2>", expires: 60, callID: "b"))
        let generation = r.generation
        let data = try JSONEncoder().encode(r.snapshot(now: 100))
        let saved = try JSONDecoder().decode([String: [Registrar.Binding]].self, from: data)
        var fresh = makeRegistrar()
        fresh.restore(saved, now: 200)
        #expect(fresh.bindings(for: "8001", now: 200).first?.contact == r.bindings(for: "8001", now: 200).first?.contact)
        #expect(fresh.bindings(for: "8002", now: 200).isEmpty)
        #expect(fresh.generation > 0 && generation > 0)
    }

    @Test("A REGISTER without Contact lists the current bindings")
    func query() {
        var r = makeRegistrar()
        _ = registered(&r, register("8001", contact: "<sip:desk@192.0.2.1>"))
        let q = registered(&r, register("8001", contact: nil, callID: "q"))
        #expect(q.statusCode == 200 && q.contacts.map { $0.uri.user } == ["desk"])
    }

    @Test("RFC 4475 REGISTER cases keep header and URI parameters apart")
    func rfc4475Bindings() throws {
        guard Conformance.available else { return }
        func bindingURI(_ file: String) throws -> String? {
            guard case .registrar(200, let registrar, _) = RFC4475Harness.run(try Conformance.message(file)) else { return nil }
            let user = try SIPMessageParser().parse(try Conformance.message(file)).to.uri.decodedUser!
            return registrar.bindings(for: user, now: 1_002).first?.contact.uri.description
        }
        #expect(try bindingURI("cparam01.dat") == "sip:+19725552222@gw1.example.net")
        #expect(try bindingURI("cparam02.dat") == "sip:+19725552222@gw1.example.net;unknownparam")
        #expect(try bindingURI("regescrt.dat") == "sip:user@example.com?Route=%3Csip:sip.example.com%3E")
    }
}

extension SIPMessage {
    /// The message with its Contact replaced by raw text (for `*`).
    func replacingContact(_ raw: String) -> SIPMessage {
        var text = String(decoding: serialized(), as: UTF8.self)
        text = text.replacingOccurrences(of: "Content-Length:", with: "Contact: \(raw)\r\nContent-Length:")
        return try! SIPMessageParser().parse(Array(text.utf8))
    }
}
