import Testing
@testable import SIP

/// A parsed message keeps parameters, URI parts, Call-ID, body and header
/// lines as bytes of the received buffer; these check that the views read,
/// change, compare and write back exactly as values of their own do.
@Suite("Parsed views over the received bytes")
struct ParsedViewTests {
    static let request = sip("""
    INVITE sip:Alice%20B:pw@Example.COM:5070;transport=TCP;lr SIP/2.0
    Via: SIP/2.0/UDP 192.0.2.10:5060 ; branch = z9hG4bKabc ;rport;received="x y"
    Max-Forwards: 70
    Route: <sip:Alice%20B:pw@Example.COM:5070;transport=TCP;lr?subject=hi>
    To: <sip:bob@example.com>
    From: "Zhang San" <sip:13812345678@carrier.example.net;user=phone>;tag=1928301774;q=0.5
    Call-ID: a84b4c76e66710a84b4c76e66710a84b4c76e66710@pc33.example.net
    CSeq: 1 INVITE
    Contact: tel:+8613812345678;ext=12, <urn:service:sos>
    Content-Length: 5

    v=0

    """)

    @Test("Parameters parsed with white space read as written and write without it")
    func parameters() throws {
        let m = try SIPMessageParser().parse(Self.request)
        let p = m.via[0].parameters
        #expect(p.count == 3 && !p.isEmpty)
        #expect(p.value("BRANCH") == "z9hG4bKabc" && p.contains("rport") && p["rport"] == .some(nil))
        #expect(p.value("received") == "\"x y\"" && p["nope"] == nil && !p.contains("nope"))
        #expect(p.elements.map(\.name) == ["branch", "rport", "received"])
        let owned: SIPParameters = ["branch": "z9hG4bKabc", "rport": nil, "received": "\"x y\""]
        #expect(p == owned && p.hashValue == owned.hashValue)
        #expect(m.via[0].description == "SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKabc;rport;received=\"x y\"")
        var changed = p
        changed.set("rport", "5060")
        changed.remove("received")
        changed.append("alias", nil)
        #expect(changed.elements == [.init(name: "branch", value: "z9hG4bKabc"), .init(name: "rport", value: "5060"), .init(name: "alias", value: nil)])
        #expect(p.count == 3, "the parsed value is unchanged")
        #expect(m.from.parameters.value("q") == "0.5" && m.from.uri.parameters.value("user") == "phone")
    }

    @Test("URI parts read, change and compare like parts of their own")
    func uriParts() throws {
        let m = try SIPMessageParser().parse(Self.request)
        #expect(m.requestURI?.description == "sip:Alice%20B:pw@Example.COM:5070;transport=TCP;lr")
        var uri = m.routes[0].uri
        #expect(uri.scheme == "sip" && uri.user == "Alice%20B" && uri.decodedUser == "Alice B" && uri.password == "pw")
        #expect(uri.host == "Example.COM" && uri.port == 5070 && uri.transport == "tcp" && uri.headers == "subject=hi")
        #expect(uri.description == "sip:Alice%20B:pw@Example.COM:5070;transport=TCP;lr?subject=hi")
        let built = SIPURI(user: "Alice%20B", password: "pw", host: "Example.COM", port: 5070,
                           parameters: ["transport": "TCP", "lr": nil], headers: "subject=hi")
        #expect(uri == built && uri.hashValue == built.hashValue && uri.isEquivalent(to: built))
        uri.host = "example.net"
        uri.user = nil
        #expect(uri.description == "sip:example.net:5070;transport=TCP;lr?subject=hi")
        #expect(uri != built)
        let tel = m.contacts[0].uri, urn = m.contacts[1].uri
        #expect(tel.scheme == "tel" && tel.user == "+8613812345678" && tel.host == "" && m.contacts[0].parameters.value("ext") == "12")
        #expect(urn.scheme == "urn" && urn.opaque == "service:sos" && urn.description == "urn:service:sos")
    }

    @Test("Call-ID and body read from the buffer; setting them updates the header")
    func callIDAndBody() throws {
        var m = try SIPMessageParser().parse(Self.request)
        #expect(m.callID == "a84b4c76e66710a84b4c76e66710a84b4c76e66710@pc33.example.net")
        #expect(m.body == Array("v=0\r\n".utf8))
        m.body.append(contentsOf: Array("s=-\r\n".utf8))
        m.callID = "new"
        #expect(m.headers[.contentLength] == "10" && m.headers[.callID] == "new")
        let again = try SIPMessageParser().parse(m.serialized())
        #expect(again.body == Array("v=0\r\ns=-\r\n".utf8) && again.callID == "new" && again == m)
    }

    @Test("Header lines go out as received until a field changes")
    func headerBlock() throws {
        // Not as the serializer writes: space before a colon, a tab after one, trailing space, folding.
        let odd = sip("""
        OPTIONS sip:a@example.com SIP/2.0
        Via : SIP/2.0/UDP h.example.com;branch=z9hG4bK1
        To:\t<sip:a@example.com>
        From: <sip:b@example.com>;tag=1 \("")
        Call-ID: x
        Subject: one,
         two
        CSeq: 1 OPTIONS
        Content-Length: 0


        """)
        let m = try SIPMessageParser().parse(odd)
        let text = String(decoding: m.serialized(), as: UTF8.self)
        #expect(text.contains("\r\nVia: SIP/2.0/UDP h.example.com;branch=z9hG4bK1\r\nTo: <sip:a@example.com>\r\n"))
        #expect(text.contains("\r\nFrom: <sip:b@example.com>;tag=1\r\n") && text.contains("\r\nSubject: one, two\r\n"))
        let plain = try SIPMessageParser().parse(Self.request)
        #expect(plain.serialized() == Self.request)
        var changed = plain
        changed.setHeader("Subject", "hello")
        let out = String(decoding: changed.serialized(), as: UTF8.self)
        #expect(out.hasSuffix("Content-Length: 5\r\nSubject: hello\r\n\r\nv=0\r\n"))
        #expect(plain.serialized() == Self.request, "the parsed message is unchanged")
    }
}

@Suite("Header name lookup")
struct HeaderNameLookupTests {
    @Test("Every well-known spelling finds its shared name; other cases and unknown names keep their spelling")
    func known() {
        for name in SIPHeaderName.known {
            let b = Array(name.spelling.utf8)
            let found = SIPHeaderName.lookup(b, 0..<b.count)
            #expect(found.id == name.id && found.spelling == name.spelling && found.canonical == name.canonical)
            let upper = Array(name.spelling.uppercased().utf8)
            let other = SIPHeaderName.lookup(upper, 0..<upper.count)
            #expect(other.id == name.id && other.spelling == name.spelling.uppercased())
        }
        let x = Array("X-Trace".utf8)
        #expect(SIPHeaderName.lookup(x, 0..<x.count) == SIPHeaderName("x-trace"))
        #expect(SIPHeaderName.lookup(x, 0..<x.count).spelling == "X-Trace")
    }
}

@Suite("Header fields as offsets")
struct HeaderFieldOffsetTests {
    @Test("Unknown names match in any case, compact forms match their long forms, added fields keep their spelling")
    func unknownNames() throws {
        var m = try SIPMessageParser().parse(sip("""
        OPTIONS sip:a@b SIP/2.0
        Via: SIP/2.0/UDP h;branch=z9hG4bKx
        From: <sip:c@d>;tag=1
        To: <sip:a@b>
        Call-ID: id1
        CSeq: 1 OPTIONS
        X-Trace: one
        x-trace: two
        s: hello
        P-Asserted-Identity: <sip:1@h>
        Content-Length: 0


        """))
        #expect(m.headers.fieldValues("X-TRACE") == ["one", "two"])
        #expect(m.headers["subject"] == "hello" && m.headers["S"] == "hello")
        #expect(m.headers["p-asserted-identity"] == "<sip:1@h>" && !m.headers.contains("x-trac"))
        m.setHeader("x-trace", "three")
        #expect(m.headers.fieldValues("X-Trace") == ["three"])
        m.addHeader("X-Über", "ü")
        #expect(m.headers["x-Über"] == "ü" && m.headers["x-über"] == nil, "only ASCII letters fold")
        let text = String(decoding: m.serialized(), as: UTF8.self)
        #expect(text.contains("\r\nX-Trace: three\r\ns: hello\r\n") && text.contains("\r\nX-Über: ü\r\n"))
    }

    @Test("Header lines read fast and through the general loop give the same fields")
    func mixedLines() throws {
        let m = try SIPMessageParser().parse(sip("""
        OPTIONS sip:a@b SIP/2.0
        Via: SIP/2.0/UDP h;branch=z9hG4bKx
        From: <sip:c@d>;tag=1
        Subject: one,
         two
        To: <sip:a@b>
        Call-ID: id1
        CSeq  :  1 OPTIONS\("  ")
        Content-Length: 0


        """))
        #expect(m.headers.fields.map(\.name.spelling) == ["Via", "From", "Subject", "To", "Call-ID", "CSeq", "Content-Length"])
        #expect(m.headers["subject"] == "one, two" && m.cseq == SIPCSeq(1, .options) && m.to.uri.user == "a")
        #expect(String(decoding: m.serialized(), as: UTF8.self).contains("\r\nSubject: one, two\r\nTo: <sip:a@b>\r\nCall-ID: id1\r\nCSeq: 1 OPTIONS\r\n"))
    }
}
