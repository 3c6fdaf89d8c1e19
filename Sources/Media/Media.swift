// Media: SDP, RTP/RTCP, G.711, DTMF, WAV, prompts, bridging and recording.
