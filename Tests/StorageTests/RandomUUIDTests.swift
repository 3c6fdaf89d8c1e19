import Foundation
import Storage
import Testing

/// Call ids come from the system's random generator as version 4 UUIDs.
@Suite struct RandomUUIDTests {
    @Test func version4VariantRFC4122AndUnique() {
        let ids = (0..<10_000).map { _ in UUID.random() }
        #expect(Set(ids).count == ids.count)
        for id in ids.prefix(100) {
            let text = id.uuidString
            #expect(Array(text)[14] == "4")
            #expect(["8", "9", "A", "B"].contains(Array(text)[19]))
            #expect(UUID(uuidString: text) == id)
        }
        #expect(CallRecord(sipCallID: "x", startedAt: Date(), caller: "1", dialled: "2").id.uuidString.dropFirst(14).first == "4")
    }
}
