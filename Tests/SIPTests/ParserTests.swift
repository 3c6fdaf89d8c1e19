import Testing
@testable import SIP

@Suite("Parser and serializer")
struct ParserTests {
    static let invite = sip("""
    INVITE sip:959999@hotline.example.com SIP/2.0
    Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport
    Max-Forwards: 70
    To: <sip:959999@hotline.example.com>
    From: "Zhang San" <sip:13812345678@carrier.example.net>;tag=1928301774
    Call-ID: a84b4c76e66710@pc33.example.net
    CSeq: 314159 INVITE
    Contact: <sip:13812345678@192.0.2.10:5060>
    X-Carrier-Trace: abc, def
    Content-Type: application/sdp
    Content-Length: 5

    v=0

    """)

    @Test("A typical INVITE parses into its routing headers")
    func typicalInvite() throws {
        let m = try SIPMessageParser().parse(Self.invite)
        #expect(m.method == .invite)
        #expect(m.requestURI?.user == "959999")
        #expect(m.via.count == 1 && m.via[0].branch == "z9hG4bK776asdhds" && m.via[0].port == 5060)
        #expect(m.via[0].rport! == nil)
        #expect(m.from.tag == "1928301774" && m.from.unquotedDisplayName == "Zhang San")
        #expect(m.to.tag == nil)
        #expect(m.cseq == SIPCSeq(314159, .invite))
        #expect(m.maxForwards == 70)
        #expect(m.contacts.first?.uri.port == 5060)
        #expect(m.body == Array("v=0\r\n".utf8))
        #expect(m.headers["x-carrier-trace"] == "abc, def")
        #expect(m.contentType == "application/sdp")
    }

    @Test("An unchanged message re-serializes byte for byte")
    func byteIdentical() throws {
        let m = try SIPMessageParser().parse(Self.invite)
        #expect(m.serialized() == Self.invite)
    }

    @Test("Changing a routing header rewrites only that field, in place")
    func mutation() throws {
        var m = try SIPMessageParser().parse(Self.invite)
        m.to.tag = "as83kd"
        m.via[0].parameters.set("received", "198.51.100.7")
        let text = String(decoding: m.serialized(), as: UTF8.self)
        #expect(text.contains("\r\nTo: <sip:959999@hotline.example.com>;tag=as83kd\r\n"))
        #expect(text.contains("Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport;received=198.51.100.7\r\n"))
        let again = try SIPMessageParser().parse(m.serialized())
        #expect(again.to.tag == "as83kd" && again == m)
    }

    @Test("Compact header names equal their long forms")
    func compactForms() throws {
        let m = try SIPMessageParser().parse(sip("""
        OPTIONS sip:a@b SIP/2.0
        v: SIP/2.0/TCP h;branch=z9hG4bKx
        f: <sip:c@d>;tag=1
        t: <sip:a@b>
        i: id1
        CSeq: 1 OPTIONS
        m: <sip:c@1.2.3.4>
        k: timer
        l: 0


        """))
        #expect(m.callID == "id1" && m.via[0].transport == "TCP")
        #expect(m.headers[.supported] == "timer")
        #expect(m.headers[SIPHeaderName("Call-ID")] == "id1")
        #expect(m.contacts.count == 1)
    }

    @Test("Folded header lines join with one space")
    func folding() throws {
        let m = try SIPMessageParser().parse(sip("""
        OPTIONS sip:a@b SIP/2.0
        Via: SIP/2.0/UDP h;branch=z9hG4bKx
        From: <sip:c@d>
          ;tag=1
        To: <sip:a@b>
        Call-ID: id1
        CSeq: 1 OPTIONS
        Subject: one
        \ttwo
           three
        Content-Length: 0


        """))
        #expect(m.headers["Subject"] == "one two three")
        #expect(m.from.tag == "1")
    }

    @Test("Comma-separated and repeated list headers")
    func lists() throws {
        let m = try SIPMessageParser().parse(sip("""
        OPTIONS sip:a@b SIP/2.0
        Via: SIP/2.0/UDP h1;branch=z9hG4bK1, SIP/2.0/UDP h2;branch=z9hG4bK2
        Via: SIP/2.0/UDP h3;branch=z9hG4bK3
        From: <sip:c@d>;tag=1
        To: <sip:a@b>
        Call-ID: id1
        CSeq: 1 OPTIONS
        Contact: "A, B" <sip:x@h>;q=0.5, <sip:y@h>
        Route: <sip:p1;lr>,<sip:p2;lr>
        Allow: INVITE, ACK
        Allow: BYE
        Content-Length: 0


        """))
        #expect(m.via.map(\.host) == ["h1", "h2", "h3"])
        #expect(m.contacts.map { $0.uri.user } == ["x", "y"])
        #expect(m.contacts[0].unquotedDisplayName == "A, B")
        #expect(m.routes.count == 2 && m.routes[0].uri.parameters.contains("lr"))
        #expect(m.headers.listValues(.allow) == ["INVITE", "ACK", "BYE"])
    }

    @Test("URIs: sip, sips, tel, IPv6, parameters, headers, escapes; name-addr vs addr-spec")
    func uris() throws {
        let u = try SIPURI("sips:alice:pw@[2001:db8::1]:5061;transport=tcp;lr?subject=hi&x=1")
        #expect(u.scheme == "sips" && u.user == "alice" && u.password == "pw")
        #expect(u.host == "[2001:db8::1]" && u.port == 5061 && u.transport == "tcp")
        #expect(u.parameters.contains("lr") && u.headers == "subject=hi&x=1")
        #expect(u.description == "sips:alice:pw@[2001:db8::1]:5061;transport=tcp;lr?subject=hi&x=1")
        let t = try SIPURI("tel:+86-10-12345678;phone-context=example.com")
        #expect(t.scheme == "tel" && t.user == "+86-10-12345678" && t.parameters.value("phone-context") == "example.com")
        #expect(t.description == "tel:+86-10-12345678;phone-context=example.com")
        #expect(try SIPURI("sip:%75ser@h").decodedUser == "user")
        #expect(try SIPURI("sip:user@H.example.com").isEquivalent(to: try SIPURI("sip:%75ser@h.EXAMPLE.com")))
        #expect(try !SIPURI("sip:user@h;transport=tcp").isEquivalent(to: try SIPURI("sip:user@h")))
        let a = try SIPNameAddress("sip:u@h;tag=1")
        #expect(!a.usesAngleBrackets && a.tag == "1" && a.uri.parameters.isEmpty)
        let b = try SIPNameAddress("<sip:u@h;tag=1>")
        #expect(b.tag == nil && b.uri.parameters.value("tag") == "1")
        #expect(throws: SIPSyntaxError.self) { try SIPNameAddress("sip:u@h?x=1") }
        #expect(throws: SIPSyntaxError.self) { try SIPURI("sip:") }
        #expect(throws: SIPSyntaxError.self) { try SIPURI("sip:u@h:99999") }
    }

    @Test("Malformed input is refused with the right status, never a crash", arguments: [
        ("", nil as Int?),
        ("\r\n\r\n", nil),
        ("garbage", nil),
        ("INVITE sip:a@b SIP/2.0\r\n\r\n", 400),
        ("INVITE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: x\r\nCSeq: -1 INVITE\r\n\r\n", 400),
        ("INVITE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\nMax-Forwards: 256\r\n\r\n", 400),
        ("INVITE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\nBad Header: x\r\n\r\n", 400),
        ("INVITE sip:a@b SIP/3.0\r\n\r\n", 505),
        ("SIP/2.0 99 Too Low\r\n\r\n", nil),
        ("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h\r\n\r\n", nil),
    ])
    func malformed(text: String, status: Int?) {
        #expect(throws: SIPParseError.self) { try SIPMessageParser().parse(Array(text.utf8)) }
        do {
            _ = try SIPMessageParser().parse(Array(text.utf8))
        } catch {
            #expect(error.status == status, "\(text.debugDescription): \(error)")
        }
    }

    @Test("Limits: too many header fields and over-long messages get 513")
    func limits() {
        var text = "OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\n"
        for i in 0..<200 { text += "X-H\(i): v\r\n" }
        text += "\r\n"
        #expect(throws: SIPParseError.self) { try SIPMessageParser().parse(Array(text.utf8)) }
        do { _ = try SIPMessageParser().parse(Array(text.utf8)) } catch { #expect(error.status == 513) }
        let big = "OPTIONS sip:a@b SIP/2.0\r\nX: " + String(repeating: "a", count: 70_000) + "\r\n\r\n"
        do { _ = try SIPMessageParser().parse(Array(big.utf8)) } catch { #expect(error.status == 513) }
    }

    @Test("Stream messages need Content-Length; datagrams take the rest as body")
    func contentLength() throws {
        let text = "OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\n\r\nbody"
        #expect(try SIPMessageParser().parse(Array(text.utf8)).body == Array("body".utf8))
        #expect(throws: SIPParseError.self) { try SIPMessageParser().parse(Array(text.utf8), fromStream: true) }
    }
}
