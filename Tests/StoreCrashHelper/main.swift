// Writes one finished call through the store, says so on stdout, then waits to
// be killed: the storage tests SIGKILL it and check that the call is on record.
//
//   StoreCrashHelper sqlite PATH CALL-ID
//   StoreCrashHelper postgres URL SCHEMA CALL-ID
import Foundation
import Logging
import Storage

let arguments = Array(CommandLine.arguments.dropFirst())
var logger = Logger(label: "store-crash-helper")
logger.logLevel = .warning
let store: SQLStore
let idText: String
switch arguments.first {
case "sqlite" where arguments.count == 3:
    store = try await SQLStore.sqlite(path: arguments[1], logger: logger)
    idText = arguments[2]
case "postgres" where arguments.count == 4:
    store = try await SQLStore.postgres(url: arguments[1], schema: arguments[2], logger: logger)
    idText = arguments[3]
default:
    FileHandle.standardError.write(Data("usage: StoreCrashHelper sqlite PATH ID | postgres URL SCHEMA ID\n".utf8))
    exit(2)
}
guard let id = UUID(uuidString: idText) else { exit(2) }
try await store.migrate()
let started = Date(timeIntervalSince1970: 1_760_000_000)
try await store.callEnded(CallRecord(
    id: id, sipCallID: "crash-\(idText)", startedAt: started, answeredAt: started.addingTimeInterval(3),
    endedAt: started.addingTimeInterval(63), caller: "13812345678", dialled: "959999", trunk: "carrier-a",
    disposition: .answered, steps: ["greeting/welcome"], digits: "1", talkSeconds: 60, hangupBy: .caller,
    hangupCause: "BYE", sipStatus: 200, cost: 0.1))
FileHandle.standardOutput.write(Data("written\n".utf8))
while true { sleep(60) }
