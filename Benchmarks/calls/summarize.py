#!/usr/bin/env python3
"""Reads what one benchmark step left behind and prints key=value pairs for the run script.

    summarize.py stat STAT.csv            sipp's -trace_stat file (last line: cumulative counts)
    summarize.py counts COUNTS.csv        sipp's -trace_counts file (retransmissions per message)
    summarize.py current STAT.csv         calls open in sipp now (last line)
    summarize.py rtt RTT.csv NUMBER       sipp's -trace_rtt file: min/mean/max of one response time (ms)
    summarize.py cdr STORE.sqlite ROWID   call records after ROWID: count, causes, media figures
    summarize.py rowid STORE.sqlite       the store's last call record
"""
import json
import sqlite3
import sys


def last_row(path):
    with open(path, encoding="latin-1") as f:
        lines = [line.rstrip("\n") for line in f if line.strip()]
    header = lines[0].split(";")
    return dict(zip(header, lines[-1].split(";"))) if len(lines) > 1 else {}


def seconds(value):
    # sipp writes durations as HH:MM:SS:uuuuuu (response times) or HH:MM:SS (elapsed time)
    try:
        parts = [int(x) for x in value.split(":")]
        h, m, s = parts[:3]
        return h * 3600 + m * 60 + s + (parts[3] / 1e6 if len(parts) > 3 else 0)
    except ValueError:
        return 0.0


def epoch(value):
    # sipp writes times as "date<TAB>time<TAB>epoch"
    try:
        return float(value.split("\t")[-1])
    except ValueError:
        return 0.0


def stat(path):
    row = last_row(path)
    get = lambda key: row.get(key, "0") or "0"
    print(" ".join([
        f"attempted={get('OutgoingCall(C)')}",
        f"ok={get('SuccessfulCall(C)')}",
        f"failed={get('FailedCall(C)')}",
        f"retrans={get('Retransmissions(C)')}",
        f"timeouts={get('FailedTimeoutOnRecv(C)')}",
        f"maxretrans={get('FailedMaxUDPRetrans(C)')}",
        f"unexpected={get('FailedUnexpectedMessage(C)')}",
        f"rejected={get('FailedCallRejected(C)')}",
        f"dead_msgs={get('DeadCallMsgs(C)')}",
        f"out_of_call={get('OutOfCallMsgs(C)')}",
        f"setup_ms={seconds(get('ResponseTime1(C)')) * 1000:.1f}",
        f"bye_after_ms={seconds(get('ResponseTime2(C)')) * 1000:.1f}",
        f"elapsed={epoch(get('CurrentTime')) - epoch(get('StartTime')):.2f}",
    ]))


def counts(path):
    row = last_row(path)
    sent_retrans = received_retrans = 0
    # Retransmissions on a step that sends (it has n_X_Sent) are sipp's own (its INVITE);
    # on a step that receives, Hotline sent the same 200 or BYE again.
    sending = {key.split("_")[0] for key in row if key.endswith("_Sent")}
    for key, value in row.items():
        if not key.endswith("_Retrans") or not value.strip().isdigit():
            continue
        if key.split("_")[0] in sending:
            sent_retrans += int(value)
        else:
            received_retrans += int(value)
    print(f"sipp_retrans={sent_retrans} hotline_retrans={received_retrans}")


def current(path):
    try:
        print(last_row(path).get("CurrentCall", "0") or "0")
    except (OSError, IndexError):
        print(0)


def rtt(path, number):
    values = []
    try:
        with open(path) as f:
            next(f, None)
            for line in f:
                parts = line.strip().split(";")
                if len(parts) == 3 and parts[2] == number:
                    values.append(float(parts[1]))
    except OSError:
        pass
    if values:
        print(f"n={len(values)} min={min(values):.0f} mean={sum(values) / len(values):.0f} max={max(values):.0f}")
    else:
        print("n=0 min=- mean=- max=-")


def rowid(path):
    db = sqlite3.connect(path)
    print(db.execute("select coalesce(max(rowid), 0) from calls").fetchone()[0])


def cdr(path, after):
    db = sqlite3.connect(path)
    rows = db.execute(
        "select disposition, hangup_by, hangup_cause, answered_at, ended_at, caller_media from calls where rowid > ?",
        (int(after),)).fetchall()
    causes = {}
    gaps, lost, lengths = [], 0, []
    for disposition, by, cause, answered, ended, media in rows:
        key = f"{disposition}/{by}/{cause}"
        causes[key] = causes.get(key, 0) + 1
        if answered and ended:
            lengths.append(ended - answered)
        if media:
            m = json.loads(media)
            if m.get("packetsReceived", 0) > 0:
                gaps.append(m.get("maxGapMilliseconds", 0))
            lost += m.get("packetsLost", 0)
    unusual = ",".join(f"{k}:{v}" for k, v in sorted(causes.items()) if k != "answered/system/flow-completed") or "none"
    gap = f"{max(gaps):.1f}" if gaps else "-"
    over = sum(g > 40 for g in gaps)
    length = f"{min(lengths):.2f}/{max(lengths):.2f}" if lengths else "-"
    print(f"records={len(rows)} completed={causes.get('answered/system/flow-completed', 0)} other={unusual} "
          f"echo_max_gap_ms={gap} echo_over_40={over} echo_lost={lost} length_s={length}")


def main():
    command, args = sys.argv[1], sys.argv[2:]
    {"stat": stat, "counts": counts, "current": current, "rtt": rtt, "cdr": cdr, "rowid": rowid}[command](*args)


if __name__ == "__main__":
    main()
