#!/usr/bin/env python3
"""Turns one BenchClient writer log into figures (milliseconds), printed as `name value` lines.

    analyze.py WRITER_LOG EVENT_MS OLD_ADDR [OLD_PRIMARY_POLL]

EVENT_MS is when the kill or switchover request was issued, OLD_ADDR the old primary's address.
  outage_ms         longest gap between two consecutive acknowledged writes from 1 s before
                    the event on: the last ack before the outage to the first after it
  writable_ms       event -> first write acknowledged by a node other than OLD_ADDR
  key_gone_ms       event -> first poll that found no leader key (node death only); when the
                    polls (every 25 ms) never saw the key absent because a new leader took it
                    within one poll interval, the first poll showing the new leader instead
  reaction_ms       key gone -> first write acknowledged by another node (node death only)
  acked / lost      acknowledged writes and those the new primary does not have
  old_primary_overlap_ms   (with OLD_PRIMARY_POLL, lines "t_ms http_status" of the old primary's
                    OPTIONS /primary) its last 200 minus the first write acknowledged by the new
                    primary: positive = HAProxy could still pick the old node as the primary
"""
import sys


def main():
    path, event, old = sys.argv[1], float(sys.argv[2]), sys.argv[3]
    acks, key_gone, acked, lost = [], None, None, None
    first_holder, new_holder = None, None
    check_failed = None
    with open(path) as f:
        for line in f:
            p = line.split()
            if not p:
                continue
            if p[0] == "W":
                acks.append((float(p[1]), p[3]))
            elif p[0] == "K" and p[2] == "ABSENT" and float(p[1]) >= event and key_gone is None:
                key_gone = float(p[1])
            elif p[0] == "K" and first_holder is None:
                first_holder = p[2]
            elif p[0] == "K" and float(p[1]) >= event and p[2] != first_holder and new_holder is None:
                new_holder = float(p[1])
            elif p[0] == "ACKED":
                acked = int(p[1])
            elif p[0] == "LOST":
                lost = int(p[1])
            elif p[0] == "CHECK_FAILED":
                check_failed = line.strip()
    window = [t for t, _ in acks if t >= event - 1000]
    gaps = [b - a for a, b in zip(window, window[1:])]
    if gaps:
        print(f"outage_ms {max(gaps):.0f}")
    first_new = next((t for t, node in acks if t > event and node != old), None)
    if first_new is not None:
        print(f"writable_ms {first_new - event:.0f}")
    if key_gone is None and new_holder is not None:
        key_gone = new_holder
    if key_gone is not None:
        print(f"key_gone_ms {key_gone - event:.0f}")
        first_after_key = next((t for t, node in acks if t > key_gone and node != old), None)
        if first_after_key is not None:
            print(f"reaction_ms {first_after_key - key_gone:.0f}")
    if acked is not None:
        print(f"acked {acked}")
    if lost is not None:
        print(f"lost {lost}")
    if len(sys.argv) > 4 and first_new is not None:
        last_200 = None
        with open(sys.argv[4]) as f:
            for line in f:
                p = line.split()
                if len(p) == 2 and p[1] == "200":
                    last_200 = float(p[0])
        if last_200 is not None:
            print(f"old_primary_overlap_ms {last_200 - first_new:.0f}")
    if check_failed:
        print(f"# {check_failed}", file=sys.stderr)


if __name__ == "__main__":
    main()
