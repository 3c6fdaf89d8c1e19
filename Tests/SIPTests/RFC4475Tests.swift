import Foundation
import Testing
@testable import SIP

/// RFC 4475 torture messages, each with the behaviour its INDEX.tsv line
/// gives, fed to the parser and the request checks in-process.
@Suite("RFC 4475 torture tests", .enabled(if: Conformance.available, "../shared/conformance is missing"))
struct RFC4475Tests {
    enum Outcome: Sendable, CustomStringConvertible {
        /// Parses, and the request checks let it through (or it is a response).
        case accepted
        /// Refused with one of these statuses.
        case rejected([Int])
        /// Dropped without an answer.
        case dropped
        /// A REGISTER the registrar handles; the status it answers.
        case registrar(Int)

        var description: String {
            switch self {
            case .accepted: return "accepted"
            case .rejected(let s): return "rejected \(s)"
            case .dropped: return "dropped"
            case .registrar(let s): return "registrar \(s)"
            }
        }
    }

    /// Valid messages with methods this UAS does not implement (intmeth,
    /// esc02, mpart01's MESSAGE) parse, then get 501 with Allow, as §8.2.1
    /// asks; their parsed contents are checked in ``RFC4475DetailTests``.
    static let table: [(String, Outcome)] = [
        ("wsinv.dat", .accepted), ("intmeth.dat", .rejected([501])), ("esc01.dat", .accepted),
        ("escnull.dat", .registrar(200)), ("esc02.dat", .rejected([501])), ("lwsdisp.dat", .accepted),
        ("longreq.dat", .accepted), ("dblreq.dat", .registrar(200)), ("semiuri.dat", .accepted),
        ("transports.dat", .accepted), ("mpart01.dat", .rejected([501])), ("unreason.dat", .accepted),
        ("noreason.dat", .accepted),
        ("badinv01.dat", .rejected([400])), ("clerr.dat", .rejected([400])), ("ncl.dat", .rejected([400])),
        ("scalar02.dat", .rejected([400])), ("scalarlg.dat", .dropped), ("quotbal.dat", .rejected([400])),
        ("ltgtruri.dat", .rejected([400])), ("lwsruri.dat", .rejected([400])), ("lwsstart.dat", .rejected([400])),
        ("trws.dat", .rejected([400])), ("escruri.dat", .rejected([400])), ("baddate.dat", .accepted),
        ("regbadct.dat", .rejected([400])), ("badaspec.dat", .rejected([400])), ("baddn.dat", .rejected([400])),
        ("badvers.dat", .rejected([505])), ("mismatch01.dat", .rejected([400])), ("mismatch02.dat", .rejected([501])),
        ("bigcode.dat", .dropped),
        ("badbranch.dat", .accepted), ("insuf.dat", .rejected([400])), ("unkscm.dat", .rejected([416])),
        ("novelsc.dat", .rejected([416])), ("unksm2.dat", .registrar(404)), ("bext01.dat", .rejected([420])),
        ("invut.dat", .rejected([415])), ("regaut01.dat", .registrar(401)), ("multi01.dat", .rejected([400])),
        ("mcl01.dat", .rejected([400])), ("bcast.dat", .dropped), ("zeromf.dat", .accepted),
        ("cparam01.dat", .registrar(200)), ("cparam02.dat", .registrar(200)), ("regescrt.dat", .registrar(200)),
        ("sdp01.dat", .rejected([406])), ("inv2543.dat", .accepted),
    ]

    @Test("The table covers every file of the index")
    func coversIndex() throws {
        let index = try String(contentsOf: Conformance.directory.appendingPathComponent("INDEX.tsv"), encoding: .utf8)
        let files = index.split(separator: "\n").dropFirst().compactMap { $0.split(separator: "\t").first.map(String.init) }
        #expect(files.count == 49)
        #expect(Set(files) == Set(Self.table.map(\.0)))
    }

    @Test("Outcome", arguments: table)
    func outcome(file: String, expected: Outcome) throws {
        let raw = try Conformance.message(file)
        let result = RFC4475Harness.run(raw)
        switch (expected, result) {
        case (.accepted, .accepted), (.dropped, .dropped):
            break
        case (.rejected(let allowed), .rejected(let status, let response)):
            #expect(allowed.contains(status), "\(file): got \(status)")
            #expect(response != nil, "\(file): no response could be built")
        case (.registrar(let want), .registrar(let status, _, _)):
            #expect(status == want, "\(file): registrar answered \(status)")
        default:
            Issue.record("\(file): expected \(expected), got \(result)")
        }
    }
}

@Suite("RFC 4475 details", .enabled(if: Conformance.available))
struct RFC4475DetailTests {
    @Test("wsinv: white space, folding and compact names")
    func wsinv() throws {
        let m = try SIPMessageParser().parse(try Conformance.message("wsinv.dat"))
        #expect(m.maxForwards == 68)
        #expect(m.cseq == SIPCSeq(9, .invite))
        #expect(m.headers["NewFangledHeader"] == "newfangled value continued newfangled value")
        #expect(m.headers["UnknownHeaderWithUnusualValue"] == ";;,,;;,;")
        #expect(m.via.count == 3 && m.via[1].host == "spindle.example.com" && m.via[1].transport == "TCP")
        #expect(m.to.tag == "1918181833n")
        #expect(m.from.tag == "98asjd8")
        #expect(m.contacts.first?.parameters.value("newparam") == "newvalue")
        #expect(m.body.count == 150)
    }

    @Test("mpart01: a multipart/mixed body is kept as bytes")
    func mpart01() throws {
        let m = try SIPMessageParser().parse(try Conformance.message("mpart01.dat"))
        #expect(m.contentType == "multipart/mixed")
        #expect(m.body.count == Int(m.headers[.contentLength] ?? "") )
    }

    @Test("Unusual characters survive: intmeth, esc01, escnull, semiuri, longreq")
    func unusual() throws {
        let intmeth = try SIPMessageParser().parse(try Conformance.message("intmeth.dat"))
        #expect(intmeth.method.rawValue == "!interesting-Method0123456789_*+`.%indeed'~")
        #expect(intmeth.requestURI?.user == "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*")
        let esc01 = try SIPMessageParser().parse(try Conformance.message("esc01.dat"))
        #expect(esc01.requestURI?.decodedUser == "sips:user@example.com")
        #expect(esc01.to.uri.decodedUser == "user")
        let escnull = try SIPMessageParser().parse(try Conformance.message("escnull.dat"))
        #expect(escnull.to.uri.decodedUser == "null-\u{0}-null")
        #expect(escnull.contacts.count == 2)
        let semi = try SIPMessageParser().parse(try Conformance.message("semiuri.dat"))
        #expect(semi.requestURI?.user == "user;par=u%40example.net" && semi.requestURI?.host == "example.com")
        let long = try SIPMessageParser().parse(try Conformance.message("longreq.dat"))
        #expect(long.via.count > 30)
        let dbl = try SIPMessageParser().parse(try Conformance.message("dblreq.dat"))
        #expect(dbl.method == .register && dbl.body.isEmpty)
    }
}
