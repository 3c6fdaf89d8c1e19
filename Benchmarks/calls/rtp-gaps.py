#!/usr/bin/env python3
"""Largest gaps between RTP packets in a pcap (standard library only).

    rtp-gaps.py CAPTURE.pcap [LIMIT_MS]

Streams are told apart by UDP source port, destination port and SSRC. For each
stream the gap is the time between consecutive packets as captured (on
loopback: as sent, and as the receiver gets them); a stream's first and last
packet bound it, so a capture that starts or stops mid-call adds no gap.
Sequence numbers that jump (a packet not sent, or not captured) are counted
apart. Lateness is judged as rtp-load judges it: a packet's capture time minus its
media time (RTP timestamp, 8 kHz, unwrapped), against the earliest such offset of
its stream; late means more than 20 ms. Prints one line of key=value pairs:

    streams packets max_gap_ms p99_stream_gap_ms over_limit seq_jumps late_over_20 max_late_ms
"""
import struct
import sys


def packets(path):
    with open(path, "rb") as f:
        header = f.read(24)
        if len(header) < 24:
            return
        magic = header[:4]
        if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
            endian = "<"
        elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
            endian = ">"
        else:
            raise SystemExit(f"{path}: not a pcap file")
        nanos = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
        linktype = struct.unpack(endian + "I", header[20:24])[0]
        link = {1: 14, 113: 16, 276: 20, 0: 4, 101: 0}.get(linktype)
        if link is None:
            raise SystemExit(f"{path}: link type {linktype} not handled")
        record = struct.Struct(endian + "IIII")
        while True:
            head = f.read(16)
            if len(head) < 16:
                return
            sec, frac, caplen, _ = record.unpack(head)
            data = f.read(caplen)
            if len(data) < caplen:
                return
            t = sec + frac / (1e9 if nanos else 1e6)
            ip = data[link:]
            if len(ip) < 20 or ip[0] >> 4 != 4 or ip[9] != 17:
                continue
            ihl = (ip[0] & 15) * 4
            udp = ip[ihl:]
            if len(udp) < 8 + 12:
                continue
            sport, dport = struct.unpack("!HH", udp[:4])
            rtp = udp[8:]
            if rtp[0] >> 6 != 2:
                continue
            seq, ts, ssrc = struct.unpack("!HII", rtp[2:12])
            yield t, (sport, dport, ssrc), seq, ts


def main():
    path = sys.argv[1]
    limit = float(sys.argv[2]) if len(sys.argv) > 2 else 40.0
    streams = {}
    offsets = {}  # stream -> [last timestamp, wraps, [offsets]]
    count = 0
    for t, key, seq, ts in packets(path):
        count += 1
        o = offsets.get(key)
        if o is None:
            o = offsets[key] = [ts, 0, []]
        elif ts < o[0] and o[0] - ts > 0x80000000:
            o[1] += 1
        if (ts - o[0]) & 0xFFFFFFFF < 0x80000000:
            o[0] = ts
        o[2].append(t - ((o[1] << 32) + ts) / 8000.0)
        s = streams.get(key)
        if s is None:
            streams[key] = [t, seq, 0.0, 0, 1]
            continue
        gap = t - s[0]
        if gap > s[2]:
            s[2] = gap
        if (seq - s[1]) & 0xFFFF != 1:
            s[3] += 1
        s[0], s[1] = t, seq
        s[4] += 1
    # Streams of at least one second (50 packets) count; shorter ones are call edges.
    gaps = sorted(s[2] * 1000 for s in streams.values() if s[4] >= 50)
    jumps = sum(s[3] for s in streams.values())
    late, max_late = 0, 0.0
    for key, o in offsets.items():
        if streams[key][4] < 50:
            continue
        base = min(o[2])
        late += sum(x - base > 0.020 for x in o[2])
        max_late = max(max_late, max(o[2]) - base)
    lateness = f" late_over_20={late} max_late_ms={max_late * 1000:.1f}"
    if gaps:
        p99 = gaps[min(len(gaps) - 1, int(len(gaps) * 0.99))]
        print(f"streams={len(gaps)} packets={count} max_gap_ms={gaps[-1]:.1f} p99_stream_gap_ms={p99:.1f} "
              f"over_limit={sum(g > limit for g in gaps)} seq_jumps={jumps}{lateness}")
    else:
        print(f"streams=0 packets={count} max_gap_ms=- p99_stream_gap_ms=- over_limit=- seq_jumps={jumps}{lateness}")


if __name__ == "__main__":
    main()
