import Logging
import NIOCore
import NIOPosix
import Testing
@testable import Media

/// The per-loop queue that creates, writes and finalizes call recordings on a thread pool.
@Suite struct RecordingWritesTests {
    @Test func oneTurnOfTheLoopIsOneJobAndEachFileKeepsItsOrder() async throws {
        let pool = NIOThreadPool(numberOfThreads: 2)
        pool.start()
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let dir = try TemporaryDirectory()
        let writes = RecordingWrites(eventLoop: loop, pool: pool)
        let logger = Logger(label: "test")
        try "a file, not a folder".write(toFile: dir.file("blocker"), atomically: false, encoding: .utf8)
        let paths = (0..<3).map { dir.file("day/\($0).wav") } + [dir.file("blocker/x.wav")]

        // Three calls and one whose file cannot be made, all in one turn of the loop.
        let lengths = try await loop.submit { () -> [EventLoopFuture<Double?>] in
            paths.enumerated().map { index, path in
                let file = RecordingFile(path: path, logger: logger)
                writes.enqueue(.create(file))
                writes.enqueue(.write(file, [Int16](repeating: Int16(index + 1), count: 1600)))
                writes.enqueue(.write(file, [Int16](repeating: -Int16(index + 1), count: 800)))
                let promise = loop.makePromise(of: Double?.self)
                writes.enqueue(.finalize(file, promise))
                return promise.futureResult
            }
        }.get()
        var seconds: [Double?] = []
        for length in lengths { seconds.append(try await length.get()) }
        #expect(try await loop.submit { writes.jobs }.get() == 1)
        #expect(seconds == [0.15, 0.15, 0.15, nil])
        for index in 0..<3 {
            let wav = try WAV.read(path: paths[index])
            #expect(wav.channels == 2)
            #expect(wav.samples == [Int16](repeating: Int16(index + 1), count: 1600) + [Int16](repeating: -Int16(index + 1), count: 800))
        }

        // A later turn is a second job.
        let file = RecordingFile(path: dir.file("later.wav"), logger: logger)
        let later = try await loop.submit { () -> EventLoopFuture<Double?> in
            writes.enqueue(.create(file))
            let promise = loop.makePromise(of: Double?.self)
            writes.enqueue(.finalize(file, promise))
            return promise.futureResult
        }.get()
        #expect(try await later.get() == 0)
        #expect(try await loop.submit { writes.jobs }.get() == 2)
        try await pool.shutdownGracefully()
    }
}
