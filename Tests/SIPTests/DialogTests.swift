import Testing
@testable import SIP

@Suite("Dialogs")
struct DialogTests {
    func invite() throws -> SIPMessage {
        try SIPMessageParser().parse(sip("""
        INVITE sip:959999@10.0.0.1 SIP/2.0
        Via: SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bK-d1
        Record-Route: <sip:p2.example.net;lr>
        Record-Route: <sip:p1.example.net;lr>
        From: <sip:13812345678@carrier.example.net>;tag=caller1
        To: <sip:959999@10.0.0.1>
        Call-ID: dlg-1
        CSeq: 10 INVITE
        Contact: <sip:13812345678@10.0.0.9:5060>
        Max-Forwards: 70
        Content-Length: 0


        """))
    }

    @Test("UAS dialog: made by the 2xx; in-dialog requests go to the Contact through the Record-Route set")
    func uas() throws {
        let inv = try invite()
        var ok = SIPResponseBuilder.response(to: inv, status: 200, toTag: "hl1")
        ok.contacts = [try SIPNameAddress("<sip:959999@10.0.0.1:5060>")]
        var d = try #require(SIPDialog(uasRequest: inv, response: ok))
        #expect(d.state == .confirmed && d.id == SIPDialogID(callID: "dlg-1", localTag: "hl1", remoteTag: "caller1"))
        let bye = d.makeRequest(.bye, via: SIPVia(transport: "UDP", host: "10.0.0.1", port: 5060, branch: "z9hG4bK-b1"))
        #expect(bye.requestURI?.description == "sip:13812345678@10.0.0.9:5060")
        #expect(bye.routes.map(\.uri.host) == ["p2.example.net", "p1.example.net"])
        #expect(bye.from.tag == "hl1" && bye.to.tag == "caller1" && bye.cseq == SIPCSeq(1, .bye))
        #expect(d.state == .terminated)
    }

    @Test("UAC dialog: route set reversed; strict routing puts the first route in the Request-URI; ACK reuses the INVITE CSeq")
    func uac() throws {
        var inv = try invite()
        inv.recordRoutes = []
        var ok = SIPResponseBuilder.response(to: inv, status: 200, toTag: "far")
        ok.recordRoutes = [try SIPNameAddress("<sip:strict.example.net>"), try SIPNameAddress("<sip:loose.example.net;lr>")]
        ok.contacts = [try SIPNameAddress("<sip:agent@10.0.0.20>")]
        var d = try #require(SIPDialog(uacRequest: inv, response: ok))
        #expect(d.routeSet.map(\.uri.host) == ["loose.example.net", "strict.example.net"])
        let via = SIPVia(transport: "UDP", host: "10.0.0.9", port: 5060, branch: "z9hG4bK-a1")
        let ack = d.makeACK(inviteSequence: 10, via: via)
        #expect(ack.cseq == SIPCSeq(10, .ack))
        #expect(ack.requestURI?.host == "10.0.0.20" && ack.routes.count == 2)
        let info = d.makeRequest(.info, via: via)
        #expect(info.cseq == SIPCSeq(11, .info))
        // The first route is loose here, so the Request-URI is the target.
        #expect(info.requestURI?.description == "sip:agent@10.0.0.20")
        var strict = ok
        strict.recordRoutes = [try SIPNameAddress("<sip:strict.example.net>")]
        var s = try #require(SIPDialog(uacRequest: inv, response: strict))
        let bye = s.makeRequest(.bye, via: via)
        #expect(bye.requestURI?.host == "strict.example.net")
        #expect(bye.routes.last?.uri.description == "sip:agent@10.0.0.20")
    }

    @Test("In-dialog requests: CSeq must rise (500 otherwise); re-INVITE refreshes the target; BYE ends the dialog")
    func incoming() throws {
        let inv = try invite()
        var ok = SIPResponseBuilder.response(to: inv, status: 200, toTag: "hl1")
        ok.contacts = [try SIPNameAddress("<sip:959999@10.0.0.1>")]
        var table = SIPDialogTable()
        let d = try #require(SIPDialog(uasRequest: inv, response: ok))
        table[d.id] = d
        func inDialog(_ method: SIPMethod, _ cseq: UInt32, contact: String? = nil) throws -> SIPMessage {
            var m = try invite()
            m.startLine = .request(method: method, uri: try SIPURI("sip:959999@10.0.0.1"))
            m.to.tag = "hl1"
            m.cseq = SIPCSeq(cseq, method)
            m.contacts = try contact.map { [try SIPNameAddress($0)] } ?? []
            return m
        }
        #expect(try table.receive(inDialog(.invite, 11, contact: "<sip:moved@10.0.0.99>")) == .success(d.id))
        #expect(table[d.id]?.remoteTarget.description == "sip:moved@10.0.0.99")
        #expect(try table.receive(inDialog(.info, 11)) == .failure(.outOfOrder))
        var stranger = try inDialog(.bye, 12)
        stranger.to.tag = "unknown"
        #expect(table.receive(stranger) == nil)
        #expect(try table.receive(inDialog(.bye, 12)) == .success(d.id))
        #expect(table[d.id] == nil)
    }

    @Test("Early dialog from a 183 with a To tag, confirmed by the 2xx; a failure ends it")
    func early() throws {
        let inv = try invite()
        var progress = SIPResponseBuilder.response(to: inv, status: 183, toTag: "e1")
        progress.contacts = [try SIPNameAddress("<sip:a@10.0.0.20>")]
        var d = try #require(SIPDialog(uacRequest: inv, response: progress))
        #expect(d.state == .early)
        d.update(with: SIPResponseBuilder.response(to: inv, status: 200, toTag: "e1"))
        #expect(d.state == .confirmed)
        var e = try #require(SIPDialog(uacRequest: inv, response: progress))
        e.update(with: SIPResponseBuilder.response(to: inv, status: 486, toTag: "e1"))
        #expect(e.state == .terminated)
    }
}
