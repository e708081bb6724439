#!/usr/bin/env python3
"""Writes one lesson page per scenario: the description a teacher reads aloud, how to run
it, the real summary brokersim prints, what to look for and what to try next.
Run after a build: python3 docs/lessons/make_pages.py [path/to/brokersim]"""
import json, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "build" / "sim" / "brokersim")

# What to look at, and a follow-up experiment, per lesson (by scenario name).
NOTES = {
    "broker-down-fire-and-forget": ("The red frames from shop to broker between 0.907 s and 2 s: each carries an order the broker never sees. `published 30`, `processed 20`, `LOST 10`, and the shop's own view shows nothing wrong: without confirms it cannot know.",
                                    "Run 18b (`scenarios/18-broker-down-confirms-retries.json`): the same crash with confirms and retries."),
    "broker-down-confirms-retries": ("`retries` and `UNCONFIRMED 0`: the shop knew which orders were not confirmed and re-sent them. `DUPLICATES 1`: order 10 was stored just before the crash, its confirm died on the wire, and the re-sent copy was processed again.",
                                     "Make billing idempotent (`\"idempotent\": true`, lesson 6) and watch the duplicate become a skipped processing."),
    "client-failover-queue": ("The `failover` events at 5 s (shop and billing give up on b1 after two missed heartbeats), the `consumer_up` on b2 at 5.5 s, and the queue table: `b1/orders` routed 30 but processed 22 — 8 orders stranded on the dead broker (`pending 8`) — while `b2/orders` took the other 50. `retries` are the orders b1 never confirmed, re-sent to b2; `LOST 0`.",
                              "Restart b1 at 8 s (`--fault 8:restart:b1`): its 8 durable orders come back, but nobody consumes b1/orders any more — the clients stay on b2. What would a quorum queue change?"),
    "client-failover-log": ("billing's `failover` at 3 s (`request_timeout`: b1 never answered its metadata request), then its `join_group` to b2 and all 60 records processed; audit, which lists only b1, processed 0 and its 60 copies are `pending`. The shop never noticed the crash: it had its metadata before 1 s.",
                            "Add b2 to audit's `bootstrap` list, or lower `request_timeout_ms` for billing and watch it join sooner."),
    "load-balancing-prefetch-1": ("The `processed` column: c-fast does about three times the work of c-slow, because the broker only hands a consumer a new message when it has acked the previous one.",
                                  "Compare with 1b (prefetch 10): `brokersim compare scenarios/01-load-balancing-prefetch-1.json scenarios/01-load-balancing-prefetch-10.json`."),
    "load-balancing-prefetch-10": ("Every consumer processed exactly 10, and `latency max` is about twice that of prefetch 1: the slow consumer's backlog holds messages the fast consumers could have done.",
                                   "Set `prefetch` to 2 or 3 and find the value where the tail latency stops improving."),
    "fanout": ("Each of the three queues received all ten messages (`queues.*.routed`), each consumer processed them in order at its own speed.",
               "Add a fourth queue bound to the exchange: no producer changes."),
    "ack-redelivery": ("In the trace, the `requeue` of message 2 after `connection_lost`, then a `deliver` with `redelivered: true` to c1; c1's order `1 3 4 2 5 …`.",
                       "What if c1 crashed instead? `brokersim run scenarios/03-ack-redelivery.json --fault 0.5:crash:c1`."),
    "auto-ack-loses-messages": ("`LOST` > 0 with every message confirmed: the broker forgot each message as it delivered it.",
                                "Switch `ack` back to manual and the loss turns into redelivery (lesson 3)."),
    "topic-routing": ("`queues.*.routed`: kernel 4, critical 4 (kern.critical matched two of its bindings but arrived once), archive 10, security 4 (auth.# matches plain auth).",
                      "Publish the key `kern` (no second word): which queues get it?"),
    "idempotent-consumer": ("`duplicates_skipped` > 0 and `duplicates` = 0: the redelivered copies reached c1 and were recognised.",
                            "Compare with 6b, the same run without the idempotency table."),
    "duplicates-without-dedupe": ("`DUPLICATES` > 0: c1 processed messages c2 had already processed but not yet acked (acks were batched by three).",
                                  "Set `ack_every` to 1: fewer duplicates, more ack traffic. Are they gone?"),
    "publisher-confirms-mandatory": ("`unroutable` 6 but `returned` 3: only the mandatory producer learned that its asia messages went nowhere.",
                                     "Bind a queue for asia and watch `unroutable` drop to 0."),
    "persistence-broker-crash": ("`queues.clicks.lost` = 10 while `queues.ledger.lost` = 0; bank's publishes during the outage were retried (`published` > 10 for bank).",
                                 "Make `ledger` non-durable (`\"durable\": false`): persistence needs both a durable queue and persistent messages."),
    "network-partition": ("c2 keeps processing while cut off; the broker requeues its messages to c1; `DUPLICATES` > 0 and `LOST` 0.",
                          "Shorten the partition below two heartbeats (link_up at 1.5 s): no requeue, no duplicates."),
}

# Log-model lessons (Kafka semantics, docs/log-model.md).
NOTES.update({
    "partitions-and-keys": ("Each consumer's `first processed` list: every customer's records in order (`reordered_per_key` 0, every partition's `reordered` 0), yet `reordered across partitions` > 0 — record 5 is processed before record 4.",
                            "Make the records keyless (remove `keys`): they go round-robin, and one customer's records now land in different partitions."),
    "group-rebalance-at-least-once": ("The `max lag` of payments/2 while nobody owns it, the `connection_lost` (session.timeout.ms) and `rebalance` generation 2 in the trace, then c1 processing payments/2 from the committed offset: `DUPLICATES` > 0, `LOST` 0.",
                                      "Set `commit_every` to 1: how many duplicates are left? Then compare with lesson 13."),
    "group-rebalance-at-most-once": ("`LOST` > 0 only in payments/2 (`queues.payments/2.lost`), `DUPLICATES` 0: the commits ran ahead of the processing.",
                                     "`brokersim compare scenarios/12-group-rebalance-at-least-once.json scenarios/13-group-rebalance-at-most-once.json`."),
    "head-of-line-blocking": ("The partition table: events/1 reaches a `max lag` of 14 while events/0 and events/2 stay at 1; the latency max is the 4 s of record 5 plus the wait of the records behind it.",
                              "Give the slow record a key whose other records you care about, or add partitions: does the stall get smaller?"),
    "retention": ("`missed` for clicks/0 and the `segment_delete` / `offset_reset` events in the trace: the reporter's offset fell below the log start offset. The dashboard (group realtime) processed all 300.",
                  "Raise `retention_ms` to 10000: the reporter still falls behind, but misses nothing."),
    "replay": ("auditor processed all 80 records though it started at 95 s; biller's `DUPLICATES` are the records appended since 30 s, re-read after its seek at 90 s.",
               "Change the seek to `{\"at_s\": 90, \"to_offset\": 0}` and predict `duplicates`."),
    "fanout-log": ("Each group processed all 20 records (`processed` 40 = 2 groups × 20) from one copy in the log; within the email group the two members split the partitions.",
                   "Add a third group: no producer or topic change, no extra copies."),
    "compare-queue": ("`redelivered` 5 and `REORDERED` > 0: c3's unacked messages went back to the queue head and reached c1/c2 after newer ones. `LOST` 0.",
                      "`brokersim compare scenarios/20-compare-queue.json scenarios/21-compare-log.json`."),
    "compare-log": ("`REORDERED` 0 and `DUPLICATES` > 0: c3's partition moved to c1 after session.timeout.ms and was re-read from the committed offset, in offset order. `LOST` 0.",
                    "`brokersim compare scenarios/20-compare-queue.json scenarios/21-compare-log.json`, then set `commit_every` to 1 here."),
})

# Replication and failover in the log model (docs/log-replication.md).
NOTES.update({
    "replication-basics": ("On the replica tapes b2 copies each record at once and b3 60 ms later; the `high_watermark` events follow b3's fetches, and `latency p50` is over 100 ms although every link but one is 5 ms.",
                           "Set the shop's `acks` to 1 and watch the confirms come back before b3 has the record; then crash b1 at 2 s."),
    "acks1-leader-crash": ("`lost from the log: truncated` and the `truncate` events on b1 at 3 s with reason `leader_epoch`: the records b1 acknowledged and no follower had.",
                           "Set `acks` to `\"all\"`: nothing is lost, and the confirms come later."),
    "acks-all-min-insync": ("`produce errors` with NOT_ENOUGH_REPLICAS while the ISR is b2 alone, `below min ISR` over a second, and `LOST 0`.",
                            "Set `min_insync_replicas` to 1: the writes go through while b3 is down; then also crash b2 before b3 returns."),
    "isr-shrink-unclean-election": ("The `isr_change` to `b1` about 2 s in, the `leader_election` of b2 marked unclean (`b2*`), and `lost from the log: unclean election`.",
                                    "Compare with lesson 25b: `brokersim compare scenarios/25-isr-shrink-unclean-election.json scenarios/25-isr-shrink-min-insync.json`."),
    "isr-shrink-min-insync": ("`offline` seconds after b1's crash (no `leader_election` until it returns), NOT_ENOUGH_REPLICAS errors, and `LOST 0`.",
                              "Set `unclean_leader_election_enable` to true and keep min.insync.replicas 2: what does the election cost now?"),
    "producer-retries-duplicates": ("`duplicates in log` and the `first processed` list of billing: a retried record appears twice and later records before earlier ones.",
                                    "Set `max_in_flight_requests_per_connection` to 1: the duplicates stay, the reordering goes. Then see lesson 26b."),
    "idempotent-producer": ("`idempotence: duplicates refused` and the `sequence_check` events on b2, `duplicates in log 0`.",
                            "Move the crash to 1.25 s and check that the log still holds each record once, in order."),
    "coordinator-failover": ("The members' `failover` events, then `rebalance` generation 2 on the new coordinator, and `DUPLICATES`: records processed again from the surviving committed offsets.",
                             "Set `commit_every` to 1 and predict the duplicates."),
    "controller-quorum": ("The `raft_leader` events (c2, then c3 in term 2), c1's failed elections while it is alone, `offline` over two seconds for orders/0, and the election of b3 once c2 returns.",
                          "Restart c2 at 5.5 s instead of 7 s: how much shorter is the outage?"),
})

# RabbitMQ details (issue 3/7).
NOTES.update({
    "max-length-drop-head": ("`dead-lettered` 25 and `queues.orders-overflow.routed`: the orders pushed out of the full queue, although `confirmed` is 40; the packer's `first processed` list jumps (1 2 5 9 ...).",
                             "Remove `dead_letter_exchange`: the same orders are `dropped` instead, and nothing is left to inspect."),
    "max-length-reject-publish": ("`UNCONFIRMED` 25 and `dropped` 25 with reason reject-publish: the shop got a basic.nack for each, while the packer processes 1 2 3 4 5 ... without gaps among what was accepted.",
                                  "Set `overflow` to `reject-publish-dlx` and bind a queue to a dead-letter exchange: the refused orders are kept there."),
    "traffic-spike": ("`memory alarms` and `publishers blocked up to` in the summary, the `memory_alarm` and `connection_blocked` events in the trace, `LOST 0` and a p99 latency of seconds.",
                      "Set `vm_memory_high_watermark` to 0.9: one short alarm instead of three, a longer queue and a longer p99 latency; then set `total_memory_bytes` to 500000."),
    "headers-exchange": ("`queues.pdf-reports.routed` 3, `queues.pdf-or-urgent.routed` 9 and `unroutable` 3: the zip documents with priority \"1\" (a string) match neither binding.",
                         "Change the binding's `priority` to `\"1\"`: which documents move, and which are now left out?"),
    "quorum-queue-leader-crash": ("The `raft_leader` event of group `queue orders` in term 2 about 0.3 s after the crash, `quorum leader changes 1` and `queue unavailable` about 0.3 s in the summary, the five orders billing held coming back `redelivered`, and `LOST 0`.",
                                  "Kill a second node as well (`--fault 2:crash:r2`): the queue has no majority, `UNCONFIRMED` 20, and still `LOST 0` (lesson 33)."),
    "quorum-queue-majority-lost": ("No `confirm` between 2 s and 5 s, then twenty at once; `queue unavailable` 3.0 s in the summary, a latency maximum of about 3 s, and `LOST 0`.",
                                   "Let r1 die too at 3 s (`--fault 3:crash:r1`): r2 and r3 come back, elect a leader in term 2 and go on; the orders only r1 had were never committed, so they stay `UNCONFIRMED` (20) and nothing confirmed is lost."),
    "cluster-client-failover": ("The two `failover` events at 3 s (both clients leave r1 for r3), `retries` (the orders whose confirms died with r1, published again), the orders billing held coming back `redelivered`, and `DUPLICATES`: processed twice, once before and once after the failover.",
                                "Run 34b (`scenarios/34-cluster-client-failover-idempotent.json`): the same failover with an idempotent consumer."),
    "cluster-client-failover-idempotent": ("`duplicates_skipped` 9 and `DUPLICATES 0`: the queue delivered those orders twice, billing processed each once; `processed 40` = `published 40`.",
                                           "Set billing's `prefetch` to 1: fewer orders in its hands when r1 dies, so fewer skipped (5)."),
    "mirrored-queue-unsynchronised-promotion": ("The `mirror_state` event at 1.05 s (r2 rejoins unsynchronised), `mirror_promoted` at 3.35 s with `lacking` 14, and `LOST 14`, all of them `LOST by unsynchronised promotion` although every order was confirmed.",
                                                "Set `ha-sync-mode` to `automatic`: r2 is synchronised when it rejoins, the promotion keeps all 30 and `LOST 0`."),
    "mirrored-queue-when-synced": ("`mirror_promoted` with `promoted` false at 3.35 s, billing's `failover` events with reason `not_found` while the queue has no leader, r1's return at 6 s and `LOST 0`.",
                                   "Set `ha-sync-mode` to `automatic` as well: r2 is synchronised, takes over at 3.35 s and billing is served from 5 s without waiting for r1."),
    "cluster-partition-ignore": ("Two leaders between 2.4 s and 5 s: r1 (the original) and r2 (`mirror_promoted`); at 5 s the `drop` events with reason `split_brain` on r1, and `LOST by split brain` 15 in the summary: web orders r1 confirmed that the other side never had.",
                                 "Run 36b (`scenarios/36-cluster-partition-pause-minority.json`): the same partition with pause_minority."),
    "cluster-partition-pause-minority": ("`node_paused` on r1 at 2.4 s, the web shop's `failover` to r2 right after, r1 resuming at 5 s, and `LOST 0`.",
                                         "Set `cluster_partition_handling` back to `ignore`, keeping the web shop's address list: r1 keeps answering, the web shop stays on it, and its orders are lost again (`LOST 15`)."),
    "cluster-partition-autoheal": ("The `autoheal` decision at 5.01 s (winner r2,r3: one client on each side, more nodes), r1's restart and the web shop's `failover` to r2, the `split_brain` drops on r1 and `LOST by split brain` in the summary.",
                                   "Connect the app to r1 instead (`\"broker\": \"r1\"`): now {r1} has two clients and wins, r2 and r3 restart, and since nobody published on their side during the partition, `LOST 0`."),
    "one-queue-four-cores": ("`throughput` about 251 messages per second although 400 are sent, and a p99 latency of 1.4 s: one core runs the queue's process flat out.",
                             "Give the node one core (`\"cores\": 1`): exactly the same figures, because one queue never uses more than one core."),
    "four-queues-four-cores": ("`throughput` about 396 messages per second, p99 latency about 38 ms; compare with `brokersim compare scenarios/37-one-queue-four-cores.json scenarios/37-four-queues-four-cores.json`.",
                               "Give the node two cores (`\"cores\": 2`): two queues share each core, and latency hardly moves (about 41 ms): each core is still below its capacity."),
})

def main():
    pages = []
    for s in sorted((ROOT / "scenarios").glob("*.json")):
        sc = json.loads(s.read_text())
        out = subprocess.run([BIN, "run", str(s)], capture_output=True, text=True, check=True).stdout
        rel = s.relative_to(ROOT)
        look, tryit = NOTES.get(sc["name"], ("The summary's totals against the `expect` block.", "Change one number and predict the totals before running."))
        page = f"""# {sc.get('title', sc['name'])}

{sc.get('description', '')}

Run it headless, or watch it:

```sh
build/sim/brokersim run {rel} --trace /tmp/{sc['name']}.jsonl
build/gui/brokersim-gui {rel}
```

## What brokersim prints

```
{out.rstrip()}
```

## What to look for

{look}

## Try this

{tryit}

The checker enforces this lesson's point with the scenario's `expect` block:
`{json.dumps(sc.get('expect', {}))}`.
"""
        (Path(__file__).parent / f"{s.stem}.md").write_text(page)
        pages.append((s.stem, sc.get("title", sc["name"])))
    index = "# Lessons\n\nOne page per scenario in `scenarios/`, generated by `make_pages.py` from the scenario and a real run.\n\n"
    index += "\n".join(f"- [{t}]({stem}.md)" for stem, t in pages) + "\n"
    (Path(__file__).parent / "README.md").write_text(index)

if __name__ == "__main__":
    main()
