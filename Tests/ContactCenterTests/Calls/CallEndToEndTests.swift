@testable import ContactCenter
import Foundation
import Media
import NIOConcurrencyHelpers
import NIOCore
import SIP
import Storage
import Testing

/// Whole calls over loopback: the project's test phone calls the 95 number of the demo flows
/// (short generated prompts, a real CRM server), presses keys as RFC 4733 packets and hangs up
/// or is hung up on; each test checks the SIP answers and the call record. Digit timeouts and
/// webhook timeouts are fired by hand, never waited for.
@Suite("Calls end to end", .serialized)
struct CallEndToEndTests {
    /// Calls 959999 (or `number`) and completes the answer; returns the INVITE and the 200.
    func call(_ bed: CallTestBed, _ phone: TestPhone, number: String = "959999", caller: String = "13912345678",
              domain: String = "carrier.example") async throws -> (SIPMessage, SIPMessage) {
        let invite = phone.invite(number, from: caller, domain: domain, port: bed.sipPort)
        let ok = try await phone.finalResponse(to: invite)
        #expect(ok.statusCode == 200)
        phone.ack(ok, for: invite, port: bed.sipPort)
        return (invite, ok)
    }

    /// Waits for Hotline's BYE ending the call of `invite`, then returns the stored record.
    func hungUp(_ bed: CallTestBed, _ phone: TestPhone, _ invite: SIPMessage) async throws -> CallRecord {
        let callID = invite.callID
        _ = try await phone.wait(for: "BYE from Hotline") { $0.isRequest && $0.method == .bye && $0.callID == callID }
        return try await bed.record(of: callID)
    }

    @Test("menu 1 → sales; nobody is logged in, so sales overflows to default, which gives up: Hotline hangs up")
    func menuSales() async throws {
        let bed = try await CallTestBed.started()
        defer { Task { await bed.stop() } }
        bed.crm.behaviour = .json("{}")
        let phone = try await bed.phone()
        let (invite, ok) = try await call(bed, phone)
        #expect(ok.headers.fieldValues(.contentType).first == "application/sdp")
        // The CRM has been asked before the menu plays; press 1 once it has.
        try await eventually("the CRM request") { bed.crm.requests.count == 1 }
        try await phone.press("1")
        let bye = try await phone.wait(for: "BYE from Hotline") { $0.isRequest && $0.method == .bye }
        #expect(bye.callID == invite.callID)
        let record = try await bed.record(of: invite.callID)
        #expect(record.disposition == .answered)
        #expect(record.digits == "1")
        #expect(record.steps == ["greeting/welcome", "greeting/crm", "greeting/classify", "greeting/menu", "greeting/sales", "greeting/default"])
        #expect(record.queue == "default")
        #expect(record.hangupBy == .system)
        #expect(record.hangupCause == "unreachable: no answer")
        #expect(record.trunk == "loopback")
        #expect(record.caller == "13912345678")
        #expect(record.dialled == "959999")
        #expect(record.variables["webhook_result"] == "answered")
        #expect((record.callerMedia?.packetsSent ?? 0) > 0)
        #expect(record.recording != nil)
        #expect(phone.rtpPacketsReceived > 0)
        let request = bed.crm.requests[0]
        #expect(request["caller"] as? String == "13912345678")
        #expect(request["dialled"] as? String == "959999")
        #expect(try await bed.onLoop { bed.center.activeCalls } == 0)
        #expect(try await bed.onLoop { bed.center.channels(of: "loopback") } == 0)
        await phone.stop()
    }

    /// A caller presses 1 (the sales queue); returns the INVITE and 200 of the caller's call.
    func callSales(_ bed: CallTestBed, _ phone: TestPhone, caller: String) async throws -> (SIPMessage, SIPMessage) {
        let requests = bed.crm.requests.count
        let (invite, ok) = try await call(bed, phone, caller: caller)
        try await eventually("the CRM request") { bed.crm.requests.count == requests + 1 }
        try await phone.press("1")
        return (invite, ok)
    }

    @Test("the sales queue (longest-idle) skips an agent on a call and one in wrap-up, and offers the longest idle first")
    func queueOffersFreeAgents() async throws {
        let clock = NIOLockedValueBox(Date(timeIntervalSince1970: 1_800_000_000))
        let bed = try await CallTestBed.started(now: { clock.withLockedValue { $0 } })
        defer { Task { await bed.stop() } }
        bed.crm.behaviour = .json("{}")
        let (a8001, a8002) = (try await bed.phone(), try await bed.phone())
        try await bed.register(a8001, as: "8001")
        try await bed.register(a8002, as: "8002")
        let isInvite: @Sendable (SIPMessage) -> Bool = { $0.isRequest && $0.method == .invite }

        // Both idle and never on a call: the listed order, 8001 first.
        let first = try await bed.phone()
        let (firstInvite, firstOK) = try await callSales(bed, first, caller: "13900000001")
        let firstRing = try await a8001.wait(for: "the first call at 8001", isInvite)
        a8001.answer(firstRing)
        _ = try await a8001.wait(for: "ACK at 8001") { $0.isRequest && $0.method == .ack }
        // 8001 is on that call: the next caller rings 8002.
        let second = try await bed.phone()
        let (secondInvite, secondOK) = try await callSales(bed, second, caller: "13900000002")
        a8002.answer(try await a8002.wait(for: "the second call at 8002", isInvite))
        _ = try await a8002.wait(for: "ACK at 8002") { $0.isRequest && $0.method == .ack }
        #expect(Set(a8001.messages.filter(isInvite).map(\.callID)) == [firstRing.callID])

        // 8001's call ends first, 8002's a minute later.
        _ = first.inDialog(.bye, invite: firstInvite, response: firstOK, cseq: 2, port: bed.sipPort)
        #expect(try await bed.record(of: firstInvite.callID).agent == "8001")
        clock.withLockedValue { $0 += 60 }
        _ = second.inDialog(.bye, invite: secondInvite, response: secondOK, cseq: 2, port: bed.sipPort)
        #expect(try await bed.record(of: secondInvite.callID).agent == "8002")

        // Within 8002's wrap-up (5 s) only 8001 is offered; past it, 8001 is still the longest idle.
        clock.withLockedValue { $0 += 2 }
        let sales = bed.configuration.queue(named: "sales")!
        let agents = bed.configuration.agents
        #expect(try await bed.onLoop { bed.center.offeredAgents(of: sales, from: agents) } == ["8001"])
        clock.withLockedValue { $0 += 10 }
        #expect(try await bed.onLoop { bed.center.offeredAgents(of: sales, from: agents) } == ["8001", "8002"])
        let fewest = { () -> Queue in
            var queue = sales
            queue.strategy = .fewestCalls
            return queue
        }()
        #expect(try await bed.onLoop { bed.center.offeredAgents(of: fewest, from: agents) } == ["8001", "8002"])
        let third = try await bed.phone()
        let (thirdInvite, thirdOK) = try await callSales(bed, third, caller: "13900000003")
        let thirdRing = try await a8001.wait(for: "the third call at 8001") { isInvite($0) && $0.callID != firstRing.callID }
        a8001.answer(thirdRing)
        _ = try await a8001.wait(for: "ACK at 8001") { $0.isRequest && $0.method == .ack && $0.callID == thirdRing.callID }
        // Now 8001 has taken two calls and 8002 one: fewest-calls would offer 8002 first (8001 is busy anyway).
        #expect(try await bed.onLoop { bed.center.offeredAgents(of: fewest, from: agents) } == ["8002"])
        _ = third.inDialog(.bye, invite: thirdInvite, response: thirdOK, cseq: 2, port: bed.sipPort)
        #expect(try await bed.record(of: thirdInvite.callID).agent == "8001")
        clock.withLockedValue { $0 += 10 }
        #expect(try await bed.onLoop { bed.center.offeredAgents(of: fewest, from: agents) } == ["8002", "8001"])
        for phone in [first, second, third, a8001, a8002] { await phone.stop() }
    }

    @Test("a queue's max-wait stops the ringing (CANCEL to the agent) and takes the overflow branch")
    func queueMaxWait() async throws {
        let bed = try await CallTestBed.started()
        defer { Task { await bed.stop() } }
        bed.crm.behaviour = .json("{}")
        let a8001 = try await bed.phone()
        try await bed.register(a8001, as: "8001")
        let phone = try await bed.phone()
        // 138… is routed to the VIP queue (max-wait 120s, overflow default).
        let (invite, _) = try await call(bed, phone, caller: "13812345678")
        let ring = try await a8001.wait(for: "the VIP call at 8001") { $0.isRequest && $0.method == .invite }
        #expect(try await bed.onLoop { bed.center.callers(in: "vip") } == 1)
        try await bed.fire("max-wait")
        _ = try await a8001.wait(for: "CANCEL at 8001") { $0.isRequest && $0.method == .cancel && $0.callID == ring.callID }
        // The overflow queue (default, round-robin over 8001…8005) rings 8001 again, in a new INVITE.
        _ = try await a8001.wait(for: "the default queue's call at 8001") {
            $0.isRequest && $0.method == .invite && $0.callID != ring.callID
        }
        #expect(try await bed.onLoop { bed.center.callers(in: "vip") } == 0)
        #expect(try await bed.onLoop { bed.center.callers(in: "default") } == 1)
        try await bed.fire("ring")
        let record = try await hungUp(bed, phone, invite)
        #expect(record.steps.suffix(2) == ["greeting/vip", "greeting/default"])
        #expect(record.queue == "default")
        #expect(record.hangupCause == "unreachable: no answer")
        #expect(try await bed.onLoop { bed.center.callers(in: "default") } == 0)
        await phone.stop()
        await a8001.stop()
    }

    @Test("a queue at its max-callers offers nobody until a caller leaves it")
    func queueMaxCallers() async throws {
        let bed = try await CallTestBed.started()
        defer { Task { await bed.stop() } }
        let a8001 = try await bed.phone()
        try await bed.register(a8001, as: "8001")
        var configuration = bed.configuration!
        let index = try #require(configuration.queues.firstIndex { $0.name == "vip" })
        configuration.queues[index].maxCallers = 1
        let limited = configuration
        let center = bed.center!
        let first = try await bed.onLoop { center.ringTargets(for: .queue("vip"), configuration: limited) }
        #expect(first.joinedQueue && first.targets.map(\.agent) == ["8001"])
        let second = try await bed.onLoop { center.ringTargets(for: .queue("vip"), configuration: limited) }
        #expect(!second.joinedQueue && second.targets.isEmpty)
        try await bed.onLoop { center.leftQueue("vip") }
        let third = try await bed.onLoop { center.ringTargets(for: .queue("vip"), configuration: limited) }
        #expect(third.joinedQueue && third.targets.count == 1)
        try await bed.onLoop { center.leftQueue("vip") }
        #expect(try await bed.onLoop { center.callers(in: "vip") } == 0)
        await a8001.stop()
    }

    @Test("caller-ID routing with the CRM failing (5xx, retried once): 138… → VIP")
    func vipByPrefix() async throws {
        let bed = try await CallTestBed.started()
        defer { Task { await bed.stop() } }
        bed.crm.behaviour = .status(500)
        let phone = try await bed.phone()
        let (invite, _) = try await call(bed, phone, caller: "13812345678")
        let record = try await hungUp(bed, phone, invite)
        #expect(bed.crm.requests.count == 2)
        #expect(record.steps.contains("greeting/vip"))
        #expect(!record.steps.contains("greeting/menu"))
        #expect(record.variables["webhook_result"] == "failed")
        await phone.stop()
    }

    @Test("caller-ID routing with a CRM answering garbage (no retry): enterprise.com → enterprise")
    func enterpriseByDomain() async throws {
        let bed = try await CallTestBed.started()
        defer { Task { await bed.stop() } }
        bed.crm.behaviour = .json("<html>")
        let phone = try await bed.phone()
        let (invite, _) = try await call(bed, phone, domain: "enterprise.com")
        let record = try await hungUp(bed, phone, invite)
        #expect(bed.crm.requests.count == 1)
        #expect(record.steps.contains("greeting/enterprise"))
        #expect(record.variables["webhook_result"] == "unreadable")
        await phone.stop()
    }

    @Test("a CRM answer overrides the rules: {\"next\": \"vip\"} for an ordinary caller")
    func crmOverrides() async throws {
        let bed = try await CallTestBed.started()
        defer { Task { await bed.stop() } }
        bed.crm.behaviour = .json(#"{"next": "vip", "variables": {"customer": "C-1001"}}"#)
        let phone = try await bed.phone()
        let (invite, _) = try await call(bed, phone)
        let record = try await hungUp(bed, phone, invite)
        #expect(record.steps.prefix(3) == ["greeting/welcome", "greeting/crm", "greeting/vip"])
        #expect(record.variables["customer"] == "C-1001")
        await phone.stop()
    }

    @Test("a hung CRM: each attempt times out (timers fired by hand), then the rules decide")
    func crmSlow() async throws {
        let bed = try await CallTestBed.started()
        defer { Task { await bed.stop() } }
        bed.crm.behaviour = .silent
        let phone = try await bed.phone()
        let (invite, _) = try await call(bed, phone, caller: "13800000001")
        try await bed.fire("webhook")
        try await eventually("the retry") { bed.crm.requests.count == 2 }
        try await bed.fire("webhook")
        let record = try await hungUp(bed, phone, invite)
        #expect(record.steps.contains("greeting/vip"))
        #expect(record.variables["webhook_result"] == "failed")
        await phone.stop()
    }

    @Test("no input twice at the menu → after-sales (digit timers fired by hand)")
    func noInput() async throws {
        let bed = try await CallTestBed.started()
        defer { Task { await bed.stop() } }
        bed.crm.behaviour = .json("{}")
        let phone = try await bed.phone()
        let (invite, _) = try await call(bed, phone)
        try await bed.fire("firstDigit")
        try await bed.fire("firstDigit")
        let record = try await hungUp(bed, phone, invite)
        #expect(record.steps.contains("greeting/after-sales"))
        #expect(record.digits == "")
        await phone.stop()
    }

    /// A caller dials 0 then 8003 at the menu; the registered agent phone answers. Returns both
    /// phones, the caller's INVITE and 200, and the INVITE and ACK the agent received.
    func callAgent8003(_ bed: CallTestBed) async throws
        -> (phone: TestPhone, agent: TestPhone, invite: SIPMessage, ok: SIPMessage, ring: SIPMessage, ack: SIPMessage) {
        bed.crm.behaviour = .json("{}")
        let agent = try await bed.phone()
        try await bed.register(agent, as: "8003")
        let phone = try await bed.phone()
        let (invite, ok) = try await call(bed, phone)
        try await eventually("the CRM request") { bed.crm.requests.count == 1 }
        for key in "08003" { try await phone.press(key) }
        let ring = try await agent.wait(for: "INVITE to the agent") { $0.isRequest && $0.method == .invite }
        agent.answer(ring)
        let ack = try await agent.wait(for: "ACK from Hotline") { $0.isRequest && $0.method == .ack }
        return (phone, agent, invite, ok, ring, ack)
    }

    @Test("0 then extension 8003: the registered agent rings, answers and is bridged; the caller hangs up")
    func extensionToAgent() async throws {
        let bed = try await CallTestBed.started()
        defer { Task { await bed.stop() } }
        let (phone, agent, invite, ok, ring, _) = try await callAgent8003(bed)
        #expect(ring.requestURI?.user == "8003")
        // Audio from the agent reaches the caller through the bridge.
        let before = phone.audioBytes.count
        try await agent.sendAudio(count: 20, byte: 0x55)
        try await eventually("the agent's audio at the caller") { phone.audioBytes.dropFirst(before).contains(0x55) }
        let bye = phone.inDialog(.bye, invite: invite, response: ok, cseq: 2, port: bed.sipPort)
        let byeOK = try await phone.finalResponse(to: bye)
        #expect(byeOK.statusCode == 200)
        _ = try await agent.wait(for: "BYE to the agent") { $0.isRequest && $0.method == .bye }
        let record = try await bed.record(of: invite.callID)
        #expect(record.agent == "8003")
        #expect(record.hangupBy == .caller)
        #expect(record.hangupCause == "BYE")
        #expect(record.digits == "08003")
        #expect(record.variables["extension"] == "8003")
        #expect(record.agentMedia != nil)
        #expect(record.waitSeconds != nil)
        await phone.stop()
        await agent.stop()
    }

    @Test("an agent registered over TCP is rung down its connection, and the whole dialog stays on it")
    func agentOverTCP() async throws {
        let bed = try await CallTestBed.started()
        defer { Task { await bed.stop() } }
        bed.crm.behaviour = .json("{}")
        let agent = try await bed.phone()
        try await agent.connectTCP(to: bed.tcpPort)
        // Hotline has the connection once it answers on it.
        let options = SIPMessage(startLine: .request(method: .options, uri: SIPURI(host: "127.0.0.1", port: bed.tcpPort)),
                                 via: [agent.via()], from: SIPNameAddress(uri: SIPURI(user: "8003", host: "127.0.0.1"), parameters: {
                                     var p = SIPParameters()
                                     p.set("tag", agent.makeTag())
                                     return p
                                 }()), to: SIPNameAddress(uri: SIPURI(host: "127.0.0.1")), callID: "ping@test",
                                 cseq: SIPCSeq(1, .options), maxForwards: 70)
        agent.send(options, to: bed.tcpPort)
        #expect(try await agent.finalResponse(to: options).statusCode == 200)
        try await bed.register(agent, as: "8003")

        let phone = try await bed.phone()
        let (invite, ok) = try await call(bed, phone)
        try await eventually("the CRM request") { bed.crm.requests.count == 1 }
        for key in "08003" { try await phone.press(key) }
        let ring = try await agent.wait(for: "INVITE to the agent over TCP") { $0.isRequest && $0.method == .invite }
        #expect(ring.via.first?.transport == "TCP")
        #expect(ring.contacts.first?.uri.parameters.value("transport") == "tcp")
        agent.answer(ring)
        let ack = try await agent.wait(for: "ACK over TCP") { $0.isRequest && $0.method == .ack }
        #expect(ack.via.first?.transport == "TCP")
        try await agent.sendAudio(count: 20, byte: 0x55)
        try await eventually("the agent's audio at the caller") { phone.audioBytes.contains(0x55) }

        let bye = phone.inDialog(.bye, invite: invite, response: ok, cseq: 2, port: bed.sipPort)
        #expect(try await phone.finalResponse(to: bye).statusCode == 200)
        let agentBye = try await agent.wait(for: "BYE to the agent over TCP") { $0.isRequest && $0.method == .bye }
        #expect(agentBye.via.first?.transport == "TCP")
        let record = try await bed.record(of: invite.callID)
        #expect(record.agent == "8003")
        #expect(record.hangupBy == .caller)
        await phone.stop()
        await agent.stop()
    }

    @Test("the transport knows a TCP connection while it is open, and forgets it when it closes")
    func tcpConnectionTable() async throws {
        let bed = try await CallTestBed.started()
        defer { Task { await bed.stop() } }
        let agent = try await bed.phone()
        let address = try SocketAddress(ipAddress: "127.0.0.1", port: 1)
        try await agent.connectTCP(to: bed.tcpPort)
        let remote = try SocketAddress(ipAddress: "127.0.0.1", port: agent.sipPort)
        let transport = bed.transport!
        try await eventually("the connection in the table") {
            try await bed.onLoop { transport.peer(.tcp, to: remote)?.transport == .tcp }
        }
        #expect(try await bed.onLoop { transport.peer(.tcp, to: address) } == nil)
        #expect(try await bed.onLoop { transport.peer(.udp, to: address)?.transport } == .udp)
        try await agent.tcp!.close()
        try await eventually("the closed connection gone from the table") {
            try await bed.onLoop { transport.peer(.tcp, to: remote) == nil }
        }
        await agent.stop()
    }

    @Test("a registration's source names its transport and address")
    func registrationSources() {
        let udp = CallCenter.parseSource("udp:10.0.0.7:5060")
        #expect(udp?.0 == .udp && udp?.1 == (try? SocketAddress(ipAddress: "10.0.0.7", port: 5060)))
        let tcp = CallCenter.parseSource("tcp:::1:51234")
        #expect(tcp?.0 == .tcp && tcp?.1 == (try? SocketAddress(ipAddress: "::1", port: 51234)))
        #expect(CallCenter.parseSource("sctp:10.0.0.7:5060") == nil)
        #expect(CallCenter.parseSource("udp:10.0.0.7") == nil)
        #expect(CallCenter.parseSource("udp:not-an-ip:5060") == nil)
    }

    @Test("an INVITE without SDP (late offer): Hotline offers in the 200, the ACK's answer starts the media, the flow runs")
    func lateOffer() async throws {
        let bed = try await CallTestBed.started()
        defer { Task { await bed.stop() } }
        bed.crm.behaviour = .json("{}")
        let phone = try await bed.phone()
        let invite = phone.invite("959999", from: "13912345678", port: bed.sipPort, offer: false)
        let ok = try await phone.finalResponse(to: invite)
        #expect(ok.statusCode == 200)
        let offer = try SessionDescription(parsing: ok.body)
        #expect(offer.media.first?.formats == ["8", "0", "101"])
        #expect(phone.rtpPacketsReceived == 0)
        phone.ack(ok, for: invite, port: bed.sipPort, answer: true)
        try await eventually("the greeting after the ACK") { phone.rtpPacketsReceived > 3 }
        try await eventually("the CRM request") { bed.crm.requests.count == 1 }
        let bye = phone.inDialog(.bye, invite: invite, response: ok, cseq: 2, port: bed.sipPort)
        #expect(try await phone.finalResponse(to: bye).statusCode == 200)
        let record = try await bed.record(of: invite.callID)
        #expect(record.answeredAt != nil)
        #expect(record.hangupBy == .caller)
        #expect((record.callerMedia?.packetsSent ?? 0) > 3)
        await phone.stop()
    }

    @Test("a late offer whose ACK brings no answer: Hotline hangs up")
    func lateOfferWithoutAnswer() async throws {
        let bed = try await CallTestBed.started()
        defer { Task { await bed.stop() } }
        let phone = try await bed.phone()
        let invite = phone.invite("959999", from: "13912345678", port: bed.sipPort, offer: false)
        let ok = try await phone.finalResponse(to: invite)
        #expect(ok.statusCode == 200)
        phone.ack(ok, for: invite, port: bed.sipPort, answer: false)
        let record = try await hungUp(bed, phone, invite)
        #expect(record.hangupBy == .system)
        #expect(record.hangupCause == "no-answer-in-ack")
        await phone.stop()
    }

    @Test("a late offer to a flow that plays early media: answered instead (an offer needs a reliable response)")
    func lateOfferToEarlyMedia() async throws {
        let bed = try await CallTestBed.started()
        defer { Task { await bed.stop() } }
        let phone = try await bed.phone()
        let invite = phone.invite("959998", from: "13912345678", port: bed.sipPort, offer: false)
        let ok = try await phone.finalResponse(to: invite)
        #expect(ok.statusCode == 200)
        #expect(!phone.messages.contains { $0.statusCode == 183 })
        #expect((try? SessionDescription(parsing: ok.body))?.media.first?.port ?? 0 > 0)
        phone.ack(ok, for: invite, port: bed.sipPort, answer: true)
        try await eventually("the prompt after the ACK") { phone.rtpPacketsReceived > 3 }
        let bye = phone.inDialog(.bye, invite: invite, response: ok, cseq: 2, port: bed.sipPort)
        #expect(try await phone.finalResponse(to: bye).statusCode == 200)
        await phone.stop()
    }

    @Test("the agent hangs up: Hotline sends BYE to the caller")
    func agentHangsUp() async throws {
        let bed = try await CallTestBed.started()
        defer { Task { await bed.stop() } }
        let (phone, agent, invite, _, ring, ack) = try await callAgent8003(bed)
        // The agent's BYE, in the dialog Hotline made with it.
        var to = ring.from
        to.parameters = ring.from.parameters
        var from = ring.to
        from.parameters.set("tag", ack.to.tag ?? "")
        let bye = SIPMessage(startLine: .request(method: .bye, uri: ring.contacts.first!.uri), via: [agent.via()], from: from, to: to,
                             callID: ring.callID, cseq: SIPCSeq(1, .bye), maxForwards: 70)
        agent.send(bye, to: bed.sipPort)
        let byeOK = try await agent.finalResponse(to: bye)
        #expect(byeOK.statusCode == 200)
        _ = try await phone.wait(for: "BYE to the caller") { $0.isRequest && $0.method == .bye }
        let record = try await bed.record(of: invite.callID)
        #expect(record.hangupBy == .agent)
        #expect(record.agent == "8003")
        await phone.stop()
        await agent.stop()
    }

    @Test("an unknown extension three times → the default queue")
    func extensionInvalid() async throws {
        let bed = try await CallTestBed.started()
        defer { Task { await bed.stop() } }
        bed.crm.behaviour = .json("{}")
        let phone = try await bed.phone()
        let (invite, _) = try await call(bed, phone)
        for key in "01234#" { try await phone.press(key) }
        for key in "99#" { try await phone.press(key) }
        for key in "7#" { try await phone.press(key) }
        let record = try await hungUp(bed, phone, invite)
        #expect(record.steps.last == "greeting/default")
        #expect(record.digits == "01234#99#7#")
        await phone.stop()
    }

    @Test("a caller outside every trunk's allow-list gets 403 and no call starts")
    func notAllowed() async throws {
        let bed = try await CallTestBed.started(trunkAllow: "127.0.0.2/32")
        defer { Task { await bed.stop() } }
        let phone = try await bed.phone()
        let invite = phone.invite("959999", from: "13912345678", port: bed.sipPort)
        let response = try await phone.finalResponse(to: invite)
        #expect(response.statusCode == 403)
        #expect(try await bed.onLoop { bed.center.statistics.refusedByAllowList } == 1)
        #expect(try await bed.onLoop { bed.center.activeCalls } == 0)
        await phone.stop()
    }

    @Test("a trunk at its channel limit answers 503 with Retry-After, and records the refusal")
    func channelLimit() async throws {
        let bed = try await CallTestBed.started(channels: 1)
        defer { Task { await bed.stop() } }
        bed.crm.behaviour = .silent
        let first = try await bed.phone()
        let (firstInvite, firstOK) = try await call(bed, first)
        let second = try await bed.phone()
        let invite = second.invite("959999", from: "13700000000", port: bed.sipPort)
        let busy = try await second.finalResponse(to: invite)
        #expect(busy.statusCode == 503)
        #expect(busy.headers.fieldValues(.retryAfter) == ["30"])
        let refused = try await bed.record(of: invite.callID)
        #expect(refused.disposition == .rejected)
        #expect(refused.sipStatus == 503)
        _ = first.inDialog(.bye, invite: firstInvite, response: firstOK, cseq: 2, port: bed.sipPort)
        let record = try await bed.record(of: firstInvite.callID)
        #expect(record.hangupBy == .caller)
        await first.stop()
        await second.stop()
    }

    @Test("a trunk over its calls-per-second answers 503 with Retry-After: 1 at once, records nothing, and admits again a second later")
    func callRateLimit() async throws {
        let clock = NIOLockedValueBox(Date(timeIntervalSince1970: 1_800_000_000))
        let bed = try await CallTestBed.started(callsPerSecond: 1, now: { clock.withLockedValue { $0 } })
        defer { Task { await bed.stop() } }
        bed.crm.behaviour = .silent
        let first = try await bed.phone()
        let (firstInvite, firstOK) = try await call(bed, first)
        let second = try await bed.phone()
        let refused = second.invite("959999", from: "13700000000", port: bed.sipPort)
        let busy = try await second.finalResponse(to: refused)
        #expect(busy.statusCode == 503)
        #expect(busy.headers.fieldValues(.retryAfter) == ["1"])
        #expect(try await bed.onLoop { bed.center.statistics.refusedByCallRate } == 1)
        clock.withLockedValue { $0 += 1 }
        let (thirdInvite, thirdOK) = try await call(bed, second)
        for (phone, invite, ok) in [(first, firstInvite, firstOK), (second, thirdInvite, thirdOK)] {
            _ = phone.inDialog(.bye, invite: invite, response: ok, cseq: 2, port: bed.sipPort)
            _ = try await bed.record(of: invite.callID)
        }
        // The refused INVITE left no record.
        #expect(!bed.records.contains { $0.sipCallID == refused.callID })
        await first.stop()
        await second.stop()
    }

    @Test("CANCEL during an early-media prompt: 487, the call is abandoned")
    func cancelDuringPrompt() async throws {
        let bed = try await CallTestBed.started()
        defer { Task { await bed.stop() } }
        let phone = try await bed.phone()
        let invite = phone.invite("959998", from: "13912345678", port: bed.sipPort)
        let progress = try await phone.wait(for: "183") { $0.statusCode == 183 }
        #expect(progress.headers.fieldValues(.contentType).first == "application/sdp")
        phone.noteRemoteRTP(progress.body)
        try await eventually("early media") { phone.rtpPacketsReceived > 3 }
        phone.cancel(invite, port: bed.sipPort)
        let final = try await phone.finalResponse(to: invite)
        #expect(final.statusCode == 487)
        let record = try await bed.record(of: invite.callID)
        #expect(record.disposition == .abandoned)
        #expect(record.hangupCause == "CANCEL")
        #expect(record.answeredAt == nil)
        #expect(record.cost == 0)
        await phone.stop()
    }

    @Test("outside business hours the schedule takes the closed branch")
    func afterHours() async throws {
        let bed = CallTestBed()
        let sundayNight = Date(timeIntervalSince1970: 1_795_960_800)   // 2026-11-29 22:00 in Shanghai
        try await bed.start(now: { sundayNight })
        defer { Task { await bed.stop() } }
        let phone = try await bed.phone()
        let (invite, _) = try await call(bed, phone, number: "959997")
        let record = try await hungUp(bed, phone, invite)
        #expect(record.steps == ["night/schedule#1", "night/closed", "night/hangup#4"])
        #expect(record.hangupCause == "flow-completed")
        await phone.stop()
    }

    @Test("SIP INFO dtmf-relay digits drive the menu like RTP digits")
    func infoDigits() async throws {
        let bed = try await CallTestBed.started()
        defer { Task { await bed.stop() } }
        bed.crm.behaviour = .json("{}")
        let phone = try await bed.phone()
        let (invite, ok) = try await call(bed, phone)
        try await eventually("the CRM request") { bed.crm.requests.count == 1 }
        let info = phone.inDialog(.info, invite: invite, response: ok, cseq: 2, port: bed.sipPort,
                                  headers: [(.contentType, "application/dtmf-relay")], body: Array("Signal=2\r\nDuration=160\r\n".utf8))
        #expect(try await phone.finalResponse(to: info).statusCode == 200)
        _ = try await phone.wait(for: "BYE") { $0.isRequest && $0.method == .bye }
        let record = try await bed.record(of: invite.callID)
        #expect(record.digits == "2")
        #expect(record.steps.contains("greeting/after-sales"))
        await phone.stop()
    }
}

@Suite("Configuration reload", .serialized)
struct ReloadTests {
    @Test("a bad file is refused and the running configuration stays; a good one applies to new calls only")
    func reload() async throws {
        let bed = try await CallTestBed.started()
        defer { Task { await bed.stop() } }
        bed.crm.behaviour = .silent
        let path = bed.directory + "/demo.yaml"
        let reloader = ConfigurationReloader(center: bed.center, logger: .init(label: "test")) { () throws(ConfigurationError) in
            try ConfigurationLoader(speechSynthesizerAvailable: false).load(path)
        }
        // A call in progress, waiting on the CRM.
        let phone = try await bed.phone()
        let invite = phone.invite("959999", from: "13812345678", port: bed.sipPort)
        let ok = try await phone.finalResponse(to: invite)
        phone.ack(ok, for: invite, port: bed.sipPort)

        let good = try String(contentsOfFile: path, encoding: .utf8)
        try good.replacingOccurrences(of: "flow: greeting", with: "flow: nosuchflow").write(toFile: path, atomically: true, encoding: .utf8)
        guard case .refused(let diagnostics) = await reloader.reload() else {
            Issue.record("a dangling flow reference was accepted")
            return
        }
        #expect(diagnostics.contains { $0.contains("demo.yaml:") && $0.contains("nosuchflow") })
        #expect(try await bed.onLoop { bed.center.configuration.destination(forDialled: "959999") } == .flow("greeting"))

        // Number 959999 now leads to the night flow; the call in progress is not touched.
        try good.replacingOccurrences(of: "flow: greeting", with: "flow: night").write(toFile: path, atomically: true, encoding: .utf8)
        guard case .applied = await reloader.reload() else {
            Issue.record("a valid file was refused")
            return
        }
        #expect(try await bed.onLoop { bed.center.configuration.destination(forDialled: "959999") } == .flow("night"))
        #expect(try await bed.onLoop { bed.center.activeCalls } == 1)
        try await bed.fire("webhook")
        try await bed.fire("webhook")
        _ = try await phone.wait(for: "BYE") { $0.isRequest && $0.method == .bye }
        let record = try await bed.record(of: invite.callID)
        #expect(record.steps.first == "greeting/welcome")
        await phone.stop()
    }
}

@Suite("Calls end to end: in the dialog", .serialized)
struct CallDialogTests {
    func answered(_ bed: CallTestBed, _ phone: TestPhone, headers: [(SIPHeaderName, String)] = []) async throws -> (SIPMessage, SIPMessage) {
        bed.crm.behaviour = .silent
        let invite = phone.invite("959999", from: "13912345678", port: bed.sipPort, headers: headers)
        let ok = try await phone.finalResponse(to: invite)
        #expect(ok.statusCode == 200)
        phone.ack(ok, for: invite, port: bed.sipPort)
        return (invite, ok)
    }

    @Test("re-INVITE to hold (sendonly) is answered recvonly, and resume (sendrecv) sendrecv")
    func hold() async throws {
        let bed = try await CallTestBed.started()
        defer { Task { await bed.stop() } }
        let phone = try await bed.phone()
        let (invite, ok) = try await answered(bed, phone)
        let held = String(decoding: phone.sdp(), as: UTF8.self).replacingOccurrences(of: "a=sendrecv", with: "a=sendonly")
        let hold = phone.inDialog(.invite, invite: invite, response: ok, cseq: 2, port: bed.sipPort,
                                  headers: [(.contentType, "application/sdp")], body: Array(held.utf8))
        let holdOK = try await phone.finalResponse(to: hold)
        #expect(holdOK.statusCode == 200)
        #expect(String(decoding: holdOK.body, as: UTF8.self).contains("a=recvonly"))
        let resume = phone.inDialog(.invite, invite: invite, response: ok, cseq: 3, port: bed.sipPort,
                                    headers: [(.contentType, "application/sdp")], body: phone.sdp())
        let resumeOK = try await phone.finalResponse(to: resume)
        #expect(String(decoding: resumeOK.body, as: UTF8.self).contains("a=sendrecv"))
        let bye = phone.inDialog(.bye, invite: invite, response: ok, cseq: 4, port: bed.sipPort)
        #expect(try await phone.finalResponse(to: bye).statusCode == 200)
        #expect(try await bed.record(of: invite.callID).hangupBy == .caller)
        await phone.stop()
    }

    @Test("session timer: Session-Expires is honoured, an UPDATE refreshes it, and without a refresh Hotline hangs up")
    func sessionTimer() async throws {
        let bed = try await CallTestBed.started()
        defer { Task { await bed.stop() } }
        let phone = try await bed.phone()
        let (invite, ok) = try await answered(bed, phone, headers: [(.sessionExpires, "120"), (.supported, "timer")])
        #expect(ok.headers.fieldValues(.sessionExpires) == ["120;refresher=uac"])
        #expect(ok.headers.listValues(.require).contains("timer"))
        // The 200 leaves through the SIP loop's outbox, so it may reach the phone before the call's loop arms the timer.
        #expect(try await eventuallyValue("session timer") { bed.timers.delay(of: "session") } == .seconds(120))
        let update = phone.inDialog(.update, invite: invite, response: ok, cseq: 2, port: bed.sipPort)
        #expect(try await phone.finalResponse(to: update).statusCode == 200)
        try await bed.fire("session")
        let bye = try await phone.wait(for: "BYE") { $0.isRequest && $0.method == .bye }
        #expect(bye.callID == invite.callID)
        let record = try await bed.record(of: invite.callID)
        #expect(record.hangupCause == "session-expired")
        #expect(record.hangupBy == .system)
        await phone.stop()
    }

    @Test("the maximum call duration ends the call with a BYE")
    func maximumDuration() async throws {
        let bed = try await CallTestBed.started()
        defer { Task { await bed.stop() } }
        let phone = try await bed.phone()
        let (invite, _) = try await answered(bed, phone)
        #expect(try await eventuallyValue("max-duration timer") { bed.timers.delay(of: "max-duration") } == .seconds(4 * 3600))
        try await bed.fire("max-duration")
        _ = try await phone.wait(for: "BYE") { $0.isRequest && $0.method == .bye }
        #expect(try await bed.record(of: invite.callID).hangupCause == "max-duration")
        await phone.stop()
    }

    @Test("requests in an unknown dialog get 481, and a BYE twice gets 481 the second time")
    func unknownDialog() async throws {
        let bed = try await CallTestBed.started()
        defer { Task { await bed.stop() } }
        let phone = try await bed.phone()
        let (invite, ok) = try await answered(bed, phone)
        let bye = phone.inDialog(.bye, invite: invite, response: ok, cseq: 2, port: bed.sipPort)
        #expect(try await phone.finalResponse(to: bye).statusCode == 200)
        _ = try await bed.record(of: invite.callID)
        let again = phone.inDialog(.bye, invite: invite, response: ok, cseq: 3, port: bed.sipPort)
        #expect(try await phone.finalResponse(to: again).statusCode == 481)
        await phone.stop()
    }
}

@Suite("Calls end to end: out through a trunk", .serialized)
struct TransferThroughTrunkTests {
    @Test("a transfer through a trunk answers the carrier's 401 with the trunk's digest credentials, then bridges")
    func carrierChallenge() async throws {
        let bed = CallTestBed()
        let carrier = try await bed.phone()
        try await bed.start(carrierPort: carrier.sipPort)
        defer { Task { await bed.stop() } }
        let phone = try await bed.phone()
        let invite = phone.invite("959996", from: "13912345678", port: bed.sipPort)
        let first = try await carrier.wait(for: "INVITE to the carrier") { $0.isRequest && $0.method == .invite }
        #expect(first.requestURI?.user == "10086")
        var challenge = SIPResponseBuilder.response(to: first, status: 401, toTag: "c1")
        challenge.addHeader(.wwwAuthenticate, #"Digest realm="carrier.example", nonce="n0nce", qop="auth", algorithm=MD5"#)
        carrier.send(challenge, to: bed.sipPort)
        let second = try await carrier.wait(for: "INVITE with credentials") {
            $0.isRequest && $0.method == .invite && !$0.headers.fieldValues(.authorization).isEmpty
        }
        #expect(second.callID == first.callID)
        #expect(second.cseq.sequence == first.cseq.sequence + 1)
        let credentials = try SIPAuthCredentials(second.headers.fieldValues(.authorization)[0])
        #expect(credentials["username"] == "hotline")
        let ha1 = DigestAlgorithm.md5.ha1(username: "hotline", realm: "carrier.example", password: "carrier-secret")
        let expected = DigestAlgorithm.md5.response(ha1: ha1, method: "INVITE", uri: credentials["uri"] ?? "", nonce: "n0nce",
                                                    nc: credentials["nc"], cnonce: credentials["cnonce"], qop: "auth")
        #expect(credentials["response"] == expected)
        carrier.answer(second)
        _ = try await carrier.wait(for: "ACK from Hotline") { $0.isRequest && $0.method == .ack }
        let ok = try await phone.finalResponse(to: invite)
        #expect(ok.statusCode == 200)
        phone.ack(ok, for: invite, port: bed.sipPort)
        let bye = phone.inDialog(.bye, invite: invite, response: ok, cseq: 2, port: bed.sipPort)
        #expect(try await phone.finalResponse(to: bye).statusCode == 200)
        _ = try await carrier.wait(for: "BYE to the carrier") { $0.isRequest && $0.method == .bye }
        let record = try await bed.record(of: invite.callID)
        #expect(record.hangupBy == .caller)
        #expect(record.steps == ["out/transfer#1"])
        await phone.stop()
        await carrier.stop()
    }
}

@Suite("Calls end to end: ACK after the call ended", .serialized)
struct LateACKTests {
    @Test("an ACK read after the flow already hung up still stops the 200's retransmissions")
    func lateACK() async throws {
        let bed = try await CallTestBed.started(now: { Date(timeIntervalSince1970: 1_795_960_800) })
        defer { Task { await bed.stop() } }
        let phone = try await bed.phone()
        // The night flow answers, plays a short prompt and hangs up; the caller's ACK comes later.
        let invite = phone.invite("959997", from: "13912345678", port: bed.sipPort)
        let ok = try await phone.finalResponse(to: invite)
        _ = try await phone.wait(for: "BYE") { $0.isRequest && $0.method == .bye }
        _ = try await bed.record(of: invite.callID)
        #expect(try await bed.onLoop { bed.center.activeCalls } == 0)
        #expect(try await bed.onLoop { bed.center.answersAwaitingACK } == 1)
        phone.ack(ok, for: invite, port: bed.sipPort)
        try await eventually("the ACK taken") { try await bed.onLoop { bed.center.answersAwaitingACK } == 0 }
        await phone.stop()
    }
}
