import NIOConcurrencyHelpers
import NIOCore

/// One object per event loop, made on first use: each loop's media clock, receive poller and recording
/// queue. An object that holds its loop keeps the loop's identifier from being reused while it is here;
/// one that may outlive its loop removes itself when its work on the loop ends. Thread-safe.
final class PerEventLoop<Value: AnyObject & Sendable>: Sendable {
    private let values = NIOLockedValueBox<[ObjectIdentifier: Value]>([:])

    /// The object of `loop`, made by `make` when there is none.
    func value(for loop: any EventLoop, make: () throws -> Value) rethrows -> Value {
        try values.withLockedValue { values in
            if let value = values[ObjectIdentifier(loop)] { return value }
            let value = try make()
            values[ObjectIdentifier(loop)] = value
            return value
        }
    }

    /// The object of `loop`, if it has one.
    func existing(for loop: any EventLoop) -> Value? {
        values.withLockedValue { $0[ObjectIdentifier(loop)] }
    }

    /// Forgets `value` if it is still `loop`'s object; whether it was.
    @discardableResult
    func remove(_ value: Value, for loop: any EventLoop) -> Bool {
        values.withLockedValue { values in
            guard values[ObjectIdentifier(loop)] === value else { return false }
            values[ObjectIdentifier(loop)] = nil
            return true
        }
    }
}
