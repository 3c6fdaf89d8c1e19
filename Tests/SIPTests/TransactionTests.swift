import Testing
@testable import SIP

/// Drives a transaction with virtual time: timers fire in order of their
/// deadlines when the clock is advanced; nothing sleeps.
struct VirtualTimers {
    var now: Duration = .zero
    var deadlines: [TransactionTimer: Duration] = [:]
    var sent: [SIPMessage] = []
    var delivered: [SIPMessage] = []
    var timedOut = false
    var terminated = false
    var sentAt: [Duration] = []

    mutating func apply(_ actions: [TransactionAction]) {
        for a in actions {
            switch a {
            case .send(let m): sent.append(m); sentAt.append(now)
            case .startTimer(let t, let after): deadlines[t] = now + after
            case .cancelTimer(let t): deadlines[t] = nil
            case .deliverResponse(let r): delivered.append(r)
            case .timeout: timedOut = true
            case .terminate: terminated = true
            }
        }
    }

    /// Advances to `until`, firing due timers through `fire`.
    mutating func advance(to until: Duration, fire: (TransactionTimer) -> [TransactionAction]) {
        while let (timer, at) = deadlines.min(by: { $0.value < $1.value }), at <= until {
            now = at
            deadlines[timer] = nil
            apply(fire(timer))
        }
        now = until
    }
}

func request(_ method: SIPMethod, branch: String = "z9hG4bK-test-1", transport: String = "UDP") -> SIPMessage {
    SIPMessage(
        startLine: .request(method: method, uri: try! SIPURI("sip:959999@127.0.0.1")),
        via: [SIPVia(transport: transport, host: "127.0.0.1", port: 5070, branch: branch)],
        from: try! SIPNameAddress("<sip:13800001234@127.0.0.1>;tag=f1"),
        to: try! SIPNameAddress("<sip:959999@127.0.0.1>"),
        callID: "call-1", cseq: SIPCSeq(1, method), maxForwards: 70)
}

func response(_ status: Int, to req: SIPMessage, toTag: String? = "t1") -> SIPMessage {
    SIPResponseBuilder.response(to: req, status: status, toTag: toTag)
}

@Suite("Client transactions")
struct ClientTransactionTests {
    @Test("INVITE over UDP: Timer A doubles, Timer B times out at 64·T1")
    func inviteTimeout() {
        var t = ClientTransaction(request: request(.invite), reliable: false)
        var v = VirtualTimers()
        v.apply(t.start())
        v.advance(to: .seconds(40)) { t.timerFired($0) }
        // Sent at 0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s; Timer B fires at 32 s.
        #expect(v.sentAt == [0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5].map { Duration.milliseconds(Int($0 * 1000)) })
        #expect(v.timedOut && v.terminated)
        #expect(t.state == .terminated)
    }

    @Test("INVITE: a provisional stops Timer A; a non-2xx final is ACKed and absorbed during Timer D")
    func inviteFailure() {
        let inv = request(.invite)
        var t = ClientTransaction(request: inv, reliable: false)
        var v = VirtualTimers()
        v.apply(t.start())
        v.apply(t.receive(response(180, to: inv)))
        #expect(t.state == .proceeding && v.deadlines[.a] == nil)
        v.advance(to: .seconds(10)) { t.timerFired($0) }
        #expect(v.sent.count == 1)
        v.apply(t.receive(response(486, to: inv)))
        #expect(t.state == .completed)
        let ack = v.sent.last!
        #expect(ack.method == .ack && ack.to.tag == "t1" && ack.via.first?.branch == inv.via.first?.branch)
        #expect(ack.cseq == SIPCSeq(1, .ack))
        v.apply(t.receive(response(486, to: inv)))
        #expect(v.sent.count == 3 && v.sent[2].method == .ack)
        #expect(v.delivered.map(\.statusCode) == [180, 486])
        v.advance(to: .seconds(10) + .seconds(32)) { t.timerFired($0) }
        #expect(t.state == .terminated && !v.timedOut)
    }

    @Test("INVITE: 2xx moves to Accepted, 2xx retransmissions reach the TU, Timer M ends it")
    func inviteSuccess() {
        let inv = request(.invite)
        var t = ClientTransaction(request: inv, reliable: true)
        var v = VirtualTimers()
        v.apply(t.start())
        #expect(v.deadlines[.a] == nil)
        v.apply(t.receive(response(200, to: inv)))
        v.apply(t.receive(response(200, to: inv)))
        #expect(v.delivered.count == 2 && t.state == .accepted)
        v.advance(to: .seconds(33)) { t.timerFired($0) }
        #expect(t.state == .terminated && !v.timedOut)
    }

    @Test("Non-INVITE over UDP: Timer E caps at T2, then T2 in Proceeding; Timer F times out")
    func nonInviteTimers() {
        var t = ClientTransaction(request: request(.options), reliable: false)
        var v = VirtualTimers()
        v.apply(t.start())
        v.advance(to: .seconds(8)) { t.timerFired($0) }
        let ms = v.sentAt.map { Int($0.components.seconds * 1000 + $0.components.attoseconds / 1_000_000_000_000_000) }
        #expect(ms == [0, 500, 1500, 3500, 7500])
        v.apply(t.receive(response(100, to: request(.options))))
        #expect(t.state == .proceeding)
        v.advance(to: .seconds(20)) { t.timerFired($0) }
        #expect(v.sentAt.suffix(3).map { $0.components.seconds } == [11, 15, 19])
        v.advance(to: .seconds(33)) { t.timerFired($0) }
        #expect(v.timedOut && t.state == .terminated)
    }

    @Test("Non-INVITE: final response, then Timer K (T4 unreliable, zero reliable)")
    func nonInviteCompleted() {
        for reliable in [false, true] {
            let req = request(.register)
            var t = ClientTransaction(request: req, reliable: reliable)
            var v = VirtualTimers()
            v.apply(t.start())
            v.apply(t.receive(response(200, to: req)))
            #expect(t.state == .completed)
            #expect(v.deadlines[.k] == (reliable ? .zero : .seconds(5)))
            v.apply(t.receive(response(200, to: req)))
            #expect(v.delivered.count == 1)
            v.advance(to: .seconds(6)) { t.timerFired($0) }
            #expect(t.state == .terminated)
        }
    }

    @Test("A transport error ends the transaction with a timeout")
    func transportError() {
        var t = ClientTransaction(request: request(.options), reliable: true)
        var v = VirtualTimers()
        v.apply(t.start())
        v.apply(t.transportError())
        #expect(v.timedOut && v.terminated)
    }
}

@Suite("Server transactions")
struct ServerTransactionTests {
    @Test("INVITE: retransmissions resend the provisional; non-2xx retransmitted by Timer G until ACK; Timer I")
    func inviteFailure() {
        let inv = request(.invite)
        var t = ServerTransaction(request: inv, reliable: false)
        var v = VirtualTimers()
        #expect(t.receive(inv).isEmpty)
        v.apply(t.send(response(100, to: inv, toTag: nil)))
        v.apply(t.receive(inv))
        #expect(v.sent.map(\.statusCode) == [100, 100])
        v.apply(t.send(response(486, to: inv)))
        v.advance(to: .seconds(2)) { t.timerFired($0) }
        // 486 at 0, then G at 0.5 and 1.5.
        #expect(v.sent.dropFirst(2).map(\.statusCode) == [486, 486, 486])
        v.apply(t.receive(inv))
        #expect(v.sent.last?.statusCode == 486)
        var ack = request(.ack)
        ack.cseq = SIPCSeq(1, .ack)
        v.apply(t.receive(ack))
        #expect(t.state == .confirmed && v.deadlines[.g] == nil && v.deadlines[.h] == nil)
        let before = v.sent.count
        v.advance(to: .seconds(8)) { t.timerFired($0) }
        #expect(v.sent.count == before && t.state == .terminated)
    }

    @Test("INVITE: no ACK, Timer H times out at 64·T1 with G capped at T2")
    func inviteNoAck() {
        let inv = request(.invite)
        var t = ServerTransaction(request: inv, reliable: false)
        var v = VirtualTimers()
        v.apply(t.send(response(404, to: inv)))
        v.advance(to: .seconds(40)) { t.timerFired($0) }
        #expect(v.timedOut && t.state == .terminated)
        let gaps = zip(v.sentAt.dropFirst(), v.sentAt).map { ($0 - $1).components.seconds }
        #expect(gaps.prefix(4) == [0, 1, 2, 4])
        #expect(gaps.max() == 4)
    }

    @Test("INVITE: 2xx enters Accepted; retransmitted INVITEs are absorbed; Timer G resends the 2xx until the ACK")
    func inviteAccepted() {
        let inv = request(.invite)
        var t = ServerTransaction(request: inv, reliable: false)
        var v = VirtualTimers()
        v.apply(t.send(response(200, to: inv)))
        #expect(t.state == .accepted)
        #expect(t.receive(inv).isEmpty)
        v.advance(to: .seconds(2)) { t.timerFired($0) }
        #expect(v.sent.count == 3)
        v.apply(t.acknowledged())
        v.advance(to: .seconds(40)) { t.timerFired($0) }
        #expect(v.sent.count == 3 && t.state == .terminated && !v.timedOut)
    }

    @Test("Non-INVITE: Trying absorbs, Proceeding resends provisional, Completed resends final, Timer J")
    func nonInvite() {
        let req = request(.options)
        var t = ServerTransaction(request: req, reliable: false)
        var v = VirtualTimers()
        #expect(t.receive(req).isEmpty)
        v.apply(t.send(response(183, to: req)))
        v.apply(t.receive(req))
        v.apply(t.send(response(200, to: req)))
        v.apply(t.receive(req))
        #expect(v.sent.map(\.statusCode) == [183, 183, 200, 200])
        #expect(v.deadlines[.j] == .seconds(32))
        v.advance(to: .seconds(33)) { t.timerFired($0) }
        #expect(t.state == .terminated)
        var r = ServerTransaction(request: req, reliable: true)
        var w = VirtualTimers()
        w.apply(r.send(response(200, to: req)))
        #expect(w.deadlines[.j] == .zero)
    }
}

@Suite("Transaction matching")
struct TransactionKeyTests {
    @Test("RFC 3261 keys: branch, sent-by and method; ACK matches INVITE; CANCEL targets INVITE")
    func rfc3261() {
        let inv = request(.invite)
        var ack = request(.ack)
        ack.cseq = SIPCSeq(1, .ack)
        let cancel = request(.cancel)
        #expect(TransactionKey.server(for: inv) == TransactionKey.server(for: ack))
        #expect(TransactionKey.server(for: cancel) != TransactionKey.server(for: inv))
        #expect(TransactionKey.server(for: cancel)?.cancelTarget() == TransactionKey.server(for: inv))
        #expect(TransactionKey.server(for: request(.invite, branch: "z9hG4bK-other")) != TransactionKey.server(for: inv))
    }

    @Test("Branches without the magic cookie (RFC 4475 badbranch) match RFC 2543-style", .enabled(if: Conformance.available))
    func rfc2543() throws {
        let raw = try Conformance.message("badbranch.dat")
        let m = try SIPMessageParser().parse(raw)
        guard case .rfc2543(_, let fromTag, let callID, let cseq, _, let method)? = TransactionKey.server(for: m) else {
            Issue.record("expected RFC 2543 key"); return
        }
        #expect(fromTag == "33242" && callID == m.callID && cseq == 8 && method == .options)
        let retransmission = try SIPMessageParser().parse(raw)
        #expect(TransactionKey.server(for: retransmission) == TransactionKey.server(for: m))
        var other = m
        other.cseq = SIPCSeq(9, .options)
        #expect(TransactionKey.server(for: other) != TransactionKey.server(for: m))
    }
}
