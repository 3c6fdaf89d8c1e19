/// The checks a user agent server makes on every request before acting on
/// it (RFC 3261 §8.2.1–§8.2.3), in the order the RFC gives.
///
/// It returns the response to send when a check fails, or nil when the
/// request may proceed. It knows no application: the layers above configure
/// the methods, schemes, extensions and body types they handle.
public struct SIPRequestValidator: Sendable {
    /// Methods this user agent implements; others get 501 with Allow.
    public var allowedMethods: [SIPMethod]
    /// Request-URI schemes served; others get 416.
    public var supportedSchemes: Set<String>
    /// Option tags this user agent supports (Require checked against them).
    public var supportedExtensions: [String]
    /// Body types understood; others get 415 with Accept.
    public var acceptedContentTypes: [String]

    public init(
        allowedMethods: [SIPMethod] = [.invite, .ack, .bye, .cancel, .options, .register, .info, .update],
        supportedSchemes: Set<String> = ["sip", "sips", "tel"],
        supportedExtensions: [String] = ["timer", "path", "replaces"],
        acceptedContentTypes: [String] = ["application/sdp", "application/dtmf-relay", "application/dtmf", "multipart/mixed"]
    ) {
        self.allowedMethods = allowedMethods
        self.supportedSchemes = supportedSchemes
        self.supportedExtensions = supportedExtensions
        self.acceptedContentTypes = acceptedContentTypes
    }

    /// The response refusing `request`, or nil when it passes every check.
    public func check(_ request: SIPMessage) -> SIPMessage? {
        guard case .request(let method, let uri) = request.startLine else { return nil }
        // §8.2.1: the method.
        if !allowedMethods.contains(method) {
            var r = SIPResponseBuilder.response(to: request, status: 501)
            r.addHeader(.allow, allowHeader)
            return r
        }
        if request.cseq.method != method {
            return SIPResponseBuilder.response(to: request, status: 400, reason: "CSeq Method Mismatch")
        }
        // §8.2.2.1: the Request-URI scheme.
        if !supportedSchemes.contains(uri.scheme) {
            return SIPResponseBuilder.response(to: request, status: 416)
        }
        // §8.2.2.3: Require (never for ACK and CANCEL).
        if method != .ack && method != .cancel {
            let unsupported = request.headers.listValues(.require).filter { tag in
                !supportedExtensions.contains { $0.caseInsensitiveEquals(tag) }
            }
            if !unsupported.isEmpty {
                var r = SIPResponseBuilder.response(to: request, status: 420)
                r.addHeader(.unsupported, unsupported.joined(separator: ", "))
                return r
            }
        }
        // §8.2.3: content processing.
        if !request.body.isEmpty {
            let type = request.contentType ?? "application/sdp"
            if !acceptedContentTypes.contains(type) {
                var r = SIPResponseBuilder.response(to: request, status: 415)
                r.addHeader(.accept, acceptedContentTypes.joined(separator: ", "))
                r.addHeader(.acceptEncoding, "identity")
                return r
            }
            if let encoding = request.headers[.contentEncoding], !encoding.caseInsensitiveEquals("identity") {
                var r = SIPResponseBuilder.response(to: request, status: 415)
                r.addHeader(.acceptEncoding, "identity")
                return r
            }
        }
        // An INVITE is answered with SDP: an Accept that excludes it gets 406.
        if method == .invite, request.headers.contains(.accept) {
            let accepted = request.headers.listValues(.accept).map {
                ($0.split(separator: ";").first.map(String.init) ?? $0).trimmingWhitespace.asciiLowercased
            }
            if !accepted.isEmpty, !accepted.contains(where: { $0 == "application/sdp" || $0 == "application/*" || $0 == "*/*" }) {
                return SIPResponseBuilder.response(to: request, status: 406)
            }
        }
        return nil
    }

    /// The Allow header value.
    public var allowHeader: String { allowedMethods.map(\.rawValue).joined(separator: ", ") }
}
