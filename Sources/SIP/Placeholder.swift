public enum SIPVersionInfo { public static let name = "SIP/2.0" }
