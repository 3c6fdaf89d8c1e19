import Foundation

/// Typical messages of a hotline: an INVITE with SDP from a carrier, an
/// agent's REGISTER with credentials, and a 200 OK with SDP.
public enum Messages {
    static func crlf(_ s: String) -> [UInt8] { Array(s.replacingOccurrences(of: "\n", with: "\r\n").utf8) }

    public static let sdp = crlf("""
    v=0
    o=- 3862155834 3862155834 IN IP4 198.51.100.20
    s=-
    c=IN IP4 198.51.100.20
    t=0 0
    m=audio 30000 RTP/AVP 8 0 101
    a=rtpmap:8 PCMA/8000
    a=rtpmap:0 PCMU/8000
    a=rtpmap:101 telephone-event/8000
    a=fmtp:101 0-15
    a=ptime:20
    a=sendrecv

    """)

    public static let invite = crlf("""
    INVITE sip:959999@203.0.113.10:5060 SIP/2.0
    Via: SIP/2.0/UDP 198.51.100.20:5060;branch=z9hG4bK-524287-1---6b3b1ee3d2c1a7f0;rport
    Max-Forwards: 69
    Contact: <sip:13812345678@198.51.100.20:5060>
    To: <sip:959999@203.0.113.10>
    From: "13812345678" <sip:13812345678@198.51.100.20>;tag=4c8f2a19
    Call-ID: 7f3e1c2a9b8d4e5f6a7b8c9d0e1f2a3b@198.51.100.20
    CSeq: 102 INVITE
    Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE
    Supported: timer, replaces
    Session-Expires: 1800
    User-Agent: CarrierSBC 5.2
    Content-Type: application/sdp
    Content-Length: \(sdp.count)


    """) + sdp

    public static let register = crlf("""
    REGISTER sip:hotline.demo SIP/2.0
    Via: SIP/2.0/UDP 192.168.1.23:5062;branch=z9hG4bK-d87543-0f1e2d3c4b5a6978;rport
    Max-Forwards: 70
    Contact: <sip:8001@192.168.1.23:5062;transport=udp>;expires=300
    To: <sip:8001@hotline.demo>
    From: <sip:8001@hotline.demo>;tag=a1b2c3d4
    Call-ID: 9c8b7a6f5e4d3c2b1a0f@192.168.1.23
    CSeq: 3 REGISTER
    Authorization: Digest username="8001", realm="hotline.demo", nonce="0000000065a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6b", uri="sip:hotline.demo", response="6629fae49393a05397450978507c4ef1", algorithm=MD5, cnonce="0a4f113b", qop=auth, nc=00000001
    User-Agent: MicroSIP/3.21.3
    Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, SUBSCRIBE, NOTIFY, REFER, MESSAGE
    Content-Length: 0


    """)

    public static let ok = crlf("""
    SIP/2.0 200 OK
    Via: SIP/2.0/UDP 198.51.100.20:5060;branch=z9hG4bK-524287-1---6b3b1ee3d2c1a7f0;rport=5060;received=198.51.100.20
    Record-Route: <sip:203.0.113.10;lr>
    From: "13812345678" <sip:13812345678@198.51.100.20>;tag=4c8f2a19
    To: <sip:959999@203.0.113.10>;tag=hl-3k2j1h
    Call-ID: 7f3e1c2a9b8d4e5f6a7b8c9d0e1f2a3b@198.51.100.20
    CSeq: 102 INVITE
    Contact: <sip:959999@203.0.113.10:5060>
    Supported: timer
    Session-Expires: 1800;refresher=uac
    Server: Hotline
    Content-Type: application/sdp
    Content-Length: \(sdp.count)


    """) + sdp
}
