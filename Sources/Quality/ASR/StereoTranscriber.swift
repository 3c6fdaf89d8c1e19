import Foundation

/// Transcribes a stereo call recording: splits it into the customer (left) and agent (right)
/// channels, transcribes both at once, and merges them by time into one call transcript.
public struct StereoTranscriber: Sendable {
    public let service: any TranscriptionService
    public var customerChannel = 0
    public var agentChannel = 1

    public init(service: any TranscriptionService) {
        self.service = service
    }

    public func transcribe(_ audio: AudioBuffer, callID: String) async throws -> Transcript {
        guard audio.channels.count >= 2 else {
            let only = try await service.transcribe(wav: [UInt8](WAVFile.encode(audio)), fileName: "\(callID).wav")
            return Transcript.merge(callID: callID, agent: only, customer: VerboseTranscription(text: "", segments: []), duration: audio.duration)
        }
        let agentWAV = [UInt8](WAVFile.encode(AudioBuffer(sampleRate: audio.sampleRate, channels: [audio.channels[agentChannel]])))
        let customerWAV = [UInt8](WAVFile.encode(AudioBuffer(sampleRate: audio.sampleRate, channels: [audio.channels[customerChannel]])))
        async let agent = service.transcribe(wav: agentWAV, fileName: "\(callID)-agent.wav")
        async let customer = service.transcribe(wav: customerWAV, fileName: "\(callID)-customer.wav")
        return Transcript.merge(callID: callID, agent: try await agent, customer: try await customer, duration: audio.duration)
    }
}
