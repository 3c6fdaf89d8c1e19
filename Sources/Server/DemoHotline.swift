/// The built-in demo hotline that `hotline serve` runs without `--config`:
/// the facts the README's quick start and outside tests rely on.
public enum DemoHotline {
    /// The demo 95 number (not a real number).
    public static let number = "959999"
    /// Digest realm of the demo registrar.
    public static let realm = "hotline.demo"
    /// Agent extensions and their digest passwords: 8001…8005 / demo-8001…demo-8005.
    public static let agents: [String: String] = Dictionary(
        uniqueKeysWithValues: (8001...8005).map { ("\($0)", "demo-\($0)") })
    /// Addresses allowed to send calls: loopback only.
    public static let trunkAllowList = ["127.0.0.0/8", "::1/128"]
}
