/// Builds responses to requests (RFC 3261 §8.2.6).
public enum SIPResponseBuilder {
    /// A response to `request`: Via, From, To, Call-ID and CSeq copied, a To
    /// tag added when given and absent, Content-Length 0.
    public static func response(to request: SIPMessage, status: Int, reason: String? = nil, toTag: String? = nil) -> SIPMessage {
        var to = request.to
        if let toTag, to.tag == nil, status > 100 { to.tag = toTag }
        return SIPMessage(
            startLine: .response(status: status, reason: reason ?? SIPStatus.reasonPhrase(status)),
            via: request.via, from: request.from, to: to, callID: request.callID, cseq: request.cseq,
            recordRoutes: (200..<300).contains(status) || (101..<200).contains(status) ? request.recordRoutes : []
        )
    }

    /// A response built from the raw fields of a request that failed to
    /// parse: those of Via, From, To, Call-ID and CSeq it has, copied
    /// verbatim. Nil without a Via, since such a response could reach no one.
    public static func response(to error: SIPParseError, serverHeader: String? = nil) -> [UInt8]? {
        guard let status = error.status, error.isRequest else { return nil }
        let h = error.headers
        // Via is enough to route the answer (RFC 4475 §3.3.1 wants a 400 even
        // for a request that lacks From, To and Call-ID).
        guard h.contains(.via) else { return nil }
        var out: [UInt8] = []
        out.append(contentsOf: "SIP/2.0 \(status) \(SIPStatus.reasonPhrase(status))\r\n".utf8)
        for f in h where [.via, .from, .to, .callID, .cseq].contains(f.name) {
            out.append(contentsOf: "\(f.name.spelling): \(f.value)\r\n".utf8)
        }
        if let serverHeader { out.append(contentsOf: "Server: \(serverHeader)\r\n".utf8) }
        let warning = error.reason.replacingQuoteCharacters
        out.append(contentsOf: "Warning: 399 hotline \"\(warning)\"\r\nContent-Length: 0\r\n\r\n".utf8)
        return out
    }
}

extension String {
    var replacingQuoteCharacters: String {
        String(decoding: utf8.map { $0 == ASCII.quote || $0 == ASCII.backslash || $0 < 32 ? UInt8(ascii: "'") : $0 }, as: UTF8.self)
    }
}

/// Status codes and their reason phrases (RFC 3261 §21 and extensions).
public enum SIPStatus {
    public static func reasonPhrase(_ code: Int) -> String {
        switch code {
        case 100: return "Trying"
        case 180: return "Ringing"
        case 181: return "Call Is Being Forwarded"
        case 182: return "Queued"
        case 183: return "Session Progress"
        case 200: return "OK"
        case 202: return "Accepted"
        case 300: return "Multiple Choices"
        case 301: return "Moved Permanently"
        case 302: return "Moved Temporarily"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 406: return "Not Acceptable"
        case 407: return "Proxy Authentication Required"
        case 408: return "Request Timeout"
        case 410: return "Gone"
        case 413: return "Request Entity Too Large"
        case 415: return "Unsupported Media Type"
        case 416: return "Unsupported URI Scheme"
        case 420: return "Bad Extension"
        case 421: return "Extension Required"
        case 422: return "Session Interval Too Small"
        case 423: return "Interval Too Brief"
        case 480: return "Temporarily Unavailable"
        case 481: return "Call/Transaction Does Not Exist"
        case 482: return "Loop Detected"
        case 483: return "Too Many Hops"
        case 484: return "Address Incomplete"
        case 486: return "Busy Here"
        case 487: return "Request Terminated"
        case 488: return "Not Acceptable Here"
        case 491: return "Request Pending"
        case 500: return "Server Internal Error"
        case 501: return "Not Implemented"
        case 503: return "Service Unavailable"
        case 504: return "Server Time-out"
        case 505: return "Version Not Supported"
        case 513: return "Message Too Large"
        case 600: return "Busy Everywhere"
        case 603: return "Decline"
        case 604: return "Does Not Exist Anywhere"
        case 606: return "Not Acceptable"
        default:
            switch code / 100 {
            case 1: return "Session Progress"
            case 2: return "OK"
            case 3: return "Redirection"
            case 4: return "Request Failure"
            case 5: return "Server Failure"
            default: return "Global Failure"
            }
        }
    }
}
