#!/usr/bin/env python3
"""Writes one lesson page per scenario: the description a teacher reads aloud, how to run
it, the real summary brokersim prints, what to look for and what to try next.
Run after a build: python3 docs/lessons/make_pages.py [path/to/brokersim]
Only the index (README.md, lessons grouped by system): python3 docs/lessons/make_pages.py --index"""
import json, os, re, shlex, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "build" / "sim" / "brokersim")

# What to look at, per lesson (by scenario name). The experiment to try next is the
# scenario's own try_this (docs/scenario-format.md), run and checked by ctest.
NOTES = {
    "broker-down-fire-and-forget": "The red frames from shop to broker between 0.907 s and 2 s: each carries an order the broker never sees. `published 30`, `processed 20`, `LOST 10`, and the shop's own view shows nothing wrong: without confirms it cannot know.",
    "broker-down-confirms-retries": "`retries` and `UNCONFIRMED 0`: the shop knew which orders were not confirmed and re-sent them. `DUPLICATES 1`: order 10 was stored just before the crash, its confirm died on the wire, and the re-sent copy was processed again.",
    "client-failover-queue": "The `failover` events at 5 s (shop and billing give up on b1 after two missed heartbeats), the `consumer_up` on b2 at 5.5 s, and the queue table: `b1/orders` routed 30 but processed 22 — 8 orders stranded on the dead broker (`pending 8`) — while `b2/orders` took the other 50. `retries` are the orders b1 never confirmed, re-sent to b2; `LOST 0`.",
    "client-failover-log": "billing's `failover` at 3 s (`request_timeout`: b1 never answered its metadata request), then its `join_group` to b2 and all 60 records processed; audit, which lists only b1, processed 0 and its 60 copies are `pending`. The shop never noticed the crash: it had its metadata before 1 s.",
    "load-balancing-prefetch-1": "The `processed` column: c-fast does about three times the work of c-slow, because the broker only hands a consumer a new message when it has acked the previous one.",
    "load-balancing-prefetch-10": "Every consumer processed exactly 10, and `latency max` is about twice that of prefetch 1: the slow consumer's backlog holds messages the fast consumers could have done.",
    "fanout": "Each of the three queues received all ten messages (`queues.*.routed`), each consumer processed them in order at its own speed.",
    "ack-redelivery": "In the trace, the `requeue` of message 2 after `connection_lost`, then a `deliver` with `redelivered: true` to c1; c1's order `1 3 4 2 5 …`.",
    "auto-ack-loses-messages": "`LOST` > 0 with every message confirmed: the broker forgot each message as it delivered it.",
    "topic-routing": "`queues.*.routed`: kernel 4, critical 4 (kern.critical matched two of its bindings but arrived once), archive 10, security 4 (auth.# matches plain auth).",
    "idempotent-consumer": "`duplicates_skipped` > 0 and `duplicates` = 0: the redelivered copies reached c1 and were recognised.",
    "duplicates-without-dedupe": "`DUPLICATES` > 0: c1 processed messages c2 had already processed but not yet acked (acks were batched by three).",
    "publisher-confirms-mandatory": "`unroutable` 6 but `returned` 3: only the mandatory producer learned that its asia messages went nowhere.",
    "persistence-broker-crash": "`queues.clicks.lost` = 10 while `queues.ledger.lost` = 0; bank's publishes during the outage were retried (`published` > 10 for bank).",
    "network-partition": "c2's `process` of messages 5 and 9 after the `link_down` at 1.0 s; at 2.0 s the broker's `connection_lost` (missed_heartbeats) and the `requeue` of 5 and 9, which c1 processes again; at 4.005 s the `drop` events with reason `stale_ack` for c2's late acks, then its `consumer_up` with nothing left to deliver. `DUPLICATES` 2 and `LOST` 0.",
}

# Log-model lessons (Kafka semantics, docs/log-model.md).
NOTES.update({
    "partitions-and-keys": "Each consumer's `first processed` list: every customer's records in order (`reordered_per_key` 0, every partition's `reordered` 0), yet `reordered across partitions` > 0 — record 5 is processed before record 4.",
    "group-rebalance-at-least-once": "The `max lag` of payments/2 while nobody owns it, the `connection_lost` (session.timeout.ms) and `rebalance` generation 2 in the trace, then c1 processing payments/2 from the committed offset: `DUPLICATES` > 0, `LOST` 0.",
    "group-rebalance-at-most-once": "`LOST` > 0 only in payments/2 (`queues.payments/2.lost`), `DUPLICATES` 0: the commits ran ahead of the processing.",
    "head-of-line-blocking": "The partition table: events/1 reaches a `max lag` of 14 while events/0 and events/2 stay at 1; the latency max is the 4 s of record 5 plus the wait of the records behind it.",
    "retention": "`missed` for clicks/0 and the `segment_delete` / `offset_reset` events in the trace: the reporter's offset fell below the log start offset. The dashboard (group realtime) processed all 300.",
    "replay": "auditor processed all 80 records though it started at 95 s; biller's `DUPLICATES` are the records appended since 30 s, re-read after its seek at 90 s.",
    "fanout-log": "Each group processed all 20 records (`processed` 40 = 2 groups × 20) from one copy in the log; within the email group the two members split the partitions.",
    "compare-queue": "`redelivered` 5 and `REORDERED` > 0: c3's unacked messages went back to the queue head and reached c1/c2 after newer ones. `LOST` 0.",
    "compare-log": "`REORDERED` 0 and `DUPLICATES` > 0: c3's partition moved to c1 after session.timeout.ms and was re-read from the committed offset, in offset order. `LOST` 0.",
})

# Replication and failover in the log model (docs/log-replication.md).
NOTES.update({
    "replication-basics": "On the replica tapes b2 copies each record at once and b3 60 ms later; the `high_watermark` events follow b3's fetches, and `latency p50` is over 100 ms although every link but one is 5 ms.",
    "acks1-leader-crash": "`lost from the log: truncated` and the `truncate` events on b1 at 3 s with reason `leader_epoch`: the records b1 acknowledged and no follower had.",
    "acks-all-min-insync": "`produce errors` with NOT_ENOUGH_REPLICAS while the ISR is b2 alone, `below min ISR` over a second, and `LOST 0`.",
    "isr-shrink-unclean-election": "The `isr_change` to `b1` about 2 s in, the `leader_election` of b2 marked unclean (`b2*`), and `lost from the log: unclean election`.",
    "isr-shrink-min-insync": "`offline` seconds after b1's crash (no `leader_election` until it returns), NOT_ENOUGH_REPLICAS errors, and `LOST 0`.",
    "producer-retries-duplicates": "`duplicates in log` and the `first processed` list of billing: a retried record appears twice and later records before earlier ones.",
    "idempotent-producer": "`idempotence: duplicates refused` and the `sequence_check` events on b2, `duplicates in log 0`.",
    "coordinator-failover": "The members' `failover` events, then `rebalance` generation 2 on the new coordinator, and `DUPLICATES`: records processed again from the surviving committed offsets.",
    "controller-quorum": "The `raft_leader` events (c2, then c3 in term 2), c1's failed elections while it is alone, `offline` over two seconds for orders/0, and the election of b3 once c2 returns.",
})

# RabbitMQ details (issue 3/7).
NOTES.update({
    "max-length-drop-head": "`dead-lettered` 25 and `queues.orders-overflow.routed`: the orders pushed out of the full queue, although `confirmed` is 40; the packer's `first processed` list jumps (1 2 5 9 ...).",
    "max-length-reject-publish": "`UNCONFIRMED` 25 and `dropped` 25 with reason reject-publish: the shop got a basic.nack for each, while the packer processes 1 2 3 4 5 ... without gaps among what was accepted.",
    "traffic-spike": "`memory alarms` and `publishers blocked up to` in the summary, the `memory_alarm` and `connection_blocked` events in the trace, `LOST 0` and a p99 latency of seconds.",
    "headers-exchange": "`queues.pdf-reports.routed` 3, `queues.pdf-or-urgent.routed` 9 and `unroutable` 3: the zip documents with priority \"1\" (a string) match neither binding.",
    "quorum-queue-leader-crash": "The `raft_leader` event of group `queue orders` in term 2 about 0.3 s after the crash, `quorum leader changes 1` and `queue unavailable` about 0.3 s in the summary, the five orders billing held coming back `redelivered`, and `LOST 0`.",
    "quorum-queue-majority-lost": "No `confirm` between 2 s and 5 s, then twenty at once; `queue unavailable` 3.0 s in the summary, a latency maximum of about 3 s, and `LOST 0`.",
    "cluster-client-failover": "The two `failover` events at 3 s (both clients leave r1 for r3), `retries` (the orders whose confirms died with r1, published again), the orders billing held coming back `redelivered`, and `DUPLICATES`: processed twice, once before and once after the failover.",
    "cluster-client-failover-idempotent": "`duplicates_skipped` 9 and `DUPLICATES 0`: the queue delivered those orders twice, billing processed each once; `processed 40` = `published 40`.",
    "mirrored-queue-unsynchronised-promotion": "The `mirror_state` event at 1.05 s (r2 rejoins unsynchronised), `mirror_promoted` at 3.35 s with `lacking` 14, and `LOST 14`, all of them `LOST by unsynchronised promotion` although every order was confirmed.",
    "mirrored-queue-when-synced": "`mirror_promoted` with `promoted` false at 3.35 s, billing's `failover` events with reason `not_found` while the queue has no leader, r1's return at 6 s and `LOST 0`.",
    "cluster-partition-ignore": "Two leaders between 2.4 s and 5 s: r1 (the original) and r2 (`mirror_promoted`); at 5 s the `drop` events with reason `split_brain` on r1, and `LOST by split brain` 15 in the summary: web orders r1 confirmed that the other side never had.",
    "cluster-partition-pause-minority": "`node_paused` on r1 at 2.4 s, the web shop's `failover` to r2 right after, r1 resuming at 5 s, and `LOST 0`.",
    "cluster-partition-autoheal": "The `autoheal` decision at 5.01 s (winner r2,r3: one client on each side, more nodes), r1's restart and the web shop's `failover` to r2, the `split_brain` drops on r1 and `LOST by split brain` in the summary.",
    "one-queue-four-cores": "`throughput` about 251 messages per second although 400 are sent, and a p99 latency of 1.4 s: one core runs the queue's process flat out.",
    "four-queues-four-cores": "`throughput` about 396 messages per second, p99 latency about 38 ms; compare with `brokersim compare scenarios/37-one-queue-four-cores.json scenarios/37-four-queues-four-cores.json`.",
})

# Exactly-once (docs/exactly-once.md): effects in the consumers' store.
NOTES.update({
    "idempotent-consumer-store": "In the trace, db's `effect` of message 8 (`id_recorded: true`) at 0.900 s, c2's crash at 0.905 s, the `requeue` at 2 s and the redelivery to c1, whose `store_write` ends in `duplicate_skipped`. The summary's effects line: `effects 20`, `DUPLICATE EFFECTS 0`, `skipped as duplicates 1`; on the canvas, db's caption counts the effects.",
    "idempotent-consumer-id-after-ack": "Two `effect` events for message 8 on db (from c2 at 0.900 s, from c1 after the redelivery) and no `id_recorded` for it in between: `DUPLICATE EFFECTS 1` while `DUPLICATES` is 0, since c2 crashed before it could report processing message 8. db's caption turns red: \"1 applied twice\".",
    "ack-before-effect": "c2's `store_write` of message 8 dies on the wire (`net_drop`, sender_down) while its `ack` reached the broker: `LOST 0` and `acked 20`, yet `effects 19` and `EFFECTS LOST 1`; the timeline's loss marker names it.",
    "dual-write": "orders-db's `state_change` of order 8 at 0.710 s, the service's crash at 0.712 s, and no `publish` of message 8 anywhere: `published 19` against `state changes 20`, `UNPUBLISHED 1`, and on the canvas orders-db's red caption \"1 not published\".",
    "two-phase-commit": "c2's `xa_decision` (commit, `all_prepared`) of payment 6 at 0.785 s and its crash right after; at the restart its `xa_decision` with reason `log` and the two `xa_commit` events. The broker's crash at 2 s: the `timeout` rollbacks of payments 15 and 16 and their redelivery. `effects 20`, `DUPLICATE EFFECTS 0`, `EFFECTS LOST 0`, and the participants table: every prepared transaction committed or rolled back, nothing in doubt at the end.",
    "two-phase-commit-blocked": "The `xa_prepare` events of payment 5 on broker and db just before c1's crash at 0.675 s, db's `xa_lock_wait` for c2's payment 9 at 1.245 s, and nothing from the queue until c1's `presumed_abort` at 3.685 s. In the summary `IN DOUBT ... (longest 3.075 s)`, `lock waits up to 2.500 s` and a latency maximum of 3.7 s; on the canvas broker and db carry \"in doubt\" captions while c1 is down.",
    "kafka-transactions-crash": "b1's `txn_state` events for app-1: each commit ends with the producer epoch one higher (Kafka 4.0, KIP-890), `Ongoing` at 1.075 s in epoch 3, the app's crash at 1.3 s with totals/0 offsets 10-11 and totals/1 offset 6 written, then at the restart `PrepareAbort` in epoch 4 (initTransactions() bumped it), the two `txn_marker` events with `committed: false`, `CompleteAbort`, and `Empty` in epoch 5. audit processes nothing of totals/0 past offset 10 until then: the LSO line on the tape holds it back. The summary: `ABORTED 1 (3 records)`, and `read downstream: dashboard 3 aborted, 3 duplicate outputs`; audit is not in that line.",
    "activemq-durable-subscriber": "The crash of both services at 0.65 s, then b1's `connection_lost` for both at 2.0 s, once maxInactivityDuration has passed. At that moment live's subscription closes: messages 6 to 18, sent to live but never acknowledged, are `subscriber_missed` with reason `subscription_closed`, while audit's same messages are requeued into its durable subscription. From 2.0 s to the restart at 3.0 s each publish reaches audit-service:audit (`enqueue`) and is `subscriber_missed` for live@prices with reason `inactive`. After 3.0 s audit receives the 23 messages it missed, redelivered ones first, and processes all 40; live processes only what came after its return. The summary: `missed by non-durable subscribers 23`, `LOST 0`, and the subscription table.",
    "activemq-virtual-topic-groups": "Each `publish` to VirtualTopic.Sales is enqueued twice, once in each service's consumer queue. The `group_assigned` events: alice and carol go to billing-1, bob to billing-2, and from then on every order of a customer follows. billing-1 crashes at 0.8 s with five orders in its prefetch; alice's and carol's later orders wait in the queue for it until b1 notices at 2.0 s (`connection_lost`), requeues the five and gives both groups to billing-2 (`reassigned: true`). stock, alone on its queue, processes all 30 in order. billing-2's `reordered` counts the moved orders it processes after its own later ones: order across the queue is lost, order within each customer is kept.",
    "activemq-transacted-session": "p1's `session_commit` events every 250 ms, each followed by b1's five `enqueue`s and p1's five `confirm`s: nothing reaches the queue before its commit. At 0.71 s p1's `session_rollback` (reason `application`) and b1's five `transaction_discarded`: orders 11 to 15 never enter orders (`rolled_back 5`, not lost). c1 commits orders 1 to 5 at 0.42 s (five `process` events, then five `ack`s). Its next transaction ends at 0.67 s with `session_rollback` (`onMessage_failed`, 5 messages); 500 ms later five `redelivery` events (reason `rollback`, redelivery_counter 1), the same at 1.87 s (counter 2), and at 2.07 s a `session_rollback` with reason `poison_ack`, five `nack`s and five `dead_letter`s to ActiveMQ.DLQ (`pending 5`). Orders 16 to 25 waited behind the rollbacks: they are committed at 2.27 and 2.47 s. `LOST 0`, `DUPLICATES 0`.",
    "activemq-poison-dlq": "c1's `redelivery` events for message 4 at 0.70, 1.24 and 1.78 s (redelivery_counter 1, 2, 3), 500 ms after each failed onMessage, then its `nack` at 1.82 s and b1's `dead_letter` with `ActiveMQ.DLQ:poison_ack`: the message is in ActiveMQ.DLQ (`pending 1`). Messages 5 to 10 sat in c1's prefetch buffer all that time: the latency max of about 1.66 s is theirs. `LOST 0`, `DUPLICATES 0`.",
    "kafka-zombie-fencing": "app-a's `link_down` at 1.53 s with its transaction `Ongoing` in epoch 4; at 2.505 s the `txn_state` `PrepareAbort` in epoch 5 whose client is app-b (its initTransactions() aborted app-a's transaction) and the abort markers; app-a's eviction (`connection_lost`, session.timeout.ms) at 3.1 s; after the `link_up` at 4.5 s the `txn_fenced` event (request `commit_txn`, producer_epoch 4) and app-a's `leave_group`. On the canvas app-a is captioned FENCED (zombie); `FENCED WRITES 1`, audit 40 processed, no duplicate output.",
    "transactional-outbox": "The two `publish` events of message 8 (0.815 s, and 1.443 s after the restart), the mark that died with the service (`net_drop` of `outbox_mark`), the second copy's `duplicate_skipped` at shipping, then `outbox_sent`. `retries 1`, `UNPUBLISHED 0`, `DUPLICATE EFFECTS 0`, and the store table: orders-db 20 state changes, shipping-db 20 effects.",
})

# The lease model's lessons (docs/sqs.md, docs/pubsub.md, docs/servicebus.md).
NOTES.update({
    "sqs-visibility-timeout": "The `requeue` markers with reason `visibility_timeout`: message 1 at 2.005 s comes back while w1 still works on it, and w1's late DeleteMessage still deletes it (nobody received it meanwhile). Message 3 expires at 3.117 s, w1 receives it again, and w2's DeleteMessage at 3.964 s is a `late_settle` (receipt handle no longer current): `DUPLICATES 2`, `late settles refused 2`, and in the consumer table w1's `redelivered` column.",
    "sqs-visibility-heartbeat": "The `lease_extended` events (ChangeMessageVisibility, 5000 ms) every second of each job, and no `requeue` at all: `visibility timeouts expired 0`, `DUPLICATES 0`, 8 processed once each.",
    "sqs-redrive-dead-letter-queue": "Message 3's two `requeue` events (1.605 s and 2.715 s), then at 3.715 s the `dead_letter` to orders-dlq after its third receive. The queue table: orders stored 6 and processed 5, orders-dlq stored 1; `pending 1` is the poison message waiting in the dead-letter queue.",
    "sqs-fifo-deduplication": "The `net_drop` of SQS's answer to message 3 just after the `link_down` at 0.207 s, the retries (`retries 9`), and at 1.506 s the `deduplicated` events for m3 (and for the other sends that had arrived before). Each worker's `first processed` list: alice's odd messages and bob's even ones each in order, `reordered per group 0`, `DUPLICATES 0`.",
    "sqs-fifo-retry-after-window": "The `enqueue` of message 3 at 0.205 s and again at 400.009 s, when the held retries arrive after the network heals: 399.8 s is more than the 5-minute interval. w2's `first processed` shows 3 twice; `DUPLICATES 1`, and `deduplicated 49` for the later retries that did fall inside the new interval.",
    "sns-fanout-filter-policy": "The queue table: audit stored 12, billing 8 (placed and cancelled), big-orders 4 (placed with total >= 100); the `filtered` column (4 and 8) and the `filtered` markers on the timeline name each message a subscription left out.",
    "pubsub-subscriptions-ack-deadline": "The consumer table: a1 processed all 6 from analytics while b1 and b2 shared billing's 6. b2's delivery of order 3 at about 2 s, its `requeue` with reason `ack_deadline` 10 s later, b1's redelivered copy processed at once; `DUPLICATES 1`, `ack deadlines expired 1`.",
    "servicebus-peeklock-receive-and-delete": "The two crashes at 1.0 s. orders/peek: the `requeue` events with reason `lock_expired` at 5.415 s for messages 3 and 4, redelivered to the restarted peek. orders/rad: those two messages were deleted as they were handed out: `LOST 2`, `queues.orders/rad.lost 2`, `queues.orders/peek.lost 0`.",
    "compare-sqs": "Run the five together: `brokersim compare scenarios/20-compare-queue.json scenarios/21-compare-log.json scenarios/51-compare-sqs.json scenarios/51b-compare-pubsub.json scenarios/51c-compare-servicebus.json` (or open the first four in `brokersim-gui` side by side). Reorders: RabbitMQ, SQS and Pub/Sub (`reordered` 27, 14, 14), not Kafka (0 within a partition). Duplicates: Kafka only (3, re-read from the committed offset). Loses: Service Bus in ReceiveAndDelete mode only (`lost` 1). The `latency_max_ms` row is each system's way back: RabbitMQ's heartbeat (1.2 s), Kafka's session timeout (1.7 s), SQS's visibility timeout (2.1 s), Pub/Sub's ack deadline (10.1 s).",
    "compare-pubsub": "The `lease_expired` 1 and the `latency_max_ms` of 10.1 s: c3's message came back only when its 10 s ack deadline passed. Compare the five systems with the command on lesson 51's page.",
    "compare-servicebus": "`LOST 1`, `redelivered 0`, `DUPLICATES 0`: at-most-once. The message c3 held was deleted when it was handed out. Compare the five systems with the command on lesson 51's page.",
    "pubsub-seek-replay": "The `seek` event at 3 s (billing, time 0.5 s, 5 replayed) and the `enqueue` of orders 6 to 10 again; biller's `first processed` list runs 1 to 10, then 6 to 10: `consumers.biller.duplicates 5`, while analyst processed each once.",
    "pubsub-snapshot": "The `snapshot` event at 1 s (billing, 4 unacked: 7 orders were published by then and biller had billed 1 to 3) and the `seek` at 6 s naming it, with 7 replayed (those 4 and the 3 published after the snapshot); biller's `first processed` list runs 1 to 10, then 4 to 10: `consumers.biller.duplicates 7`, though billing never retained acknowledged messages.",
    "servicebus-deferral": "The four `deferred` events in the first second (payments o1 to o4, sequence numbers 0 to 3) and, after each order is processed, a `deliver` of its payment: `deferred 4`, `received by sequence number 4`, `redelivered 0` (deferring does not raise the delivery count). The worker's `first processed` list alternates order, payment: 5 1 6 2 7 3 8 4.",
    "servicebus-sessions": "The `session_lock` events: slow takes bob and keeps him, fast serves alice and carol. Each receiver's `first processed` list holds whole customers, in order: `reordered per group 0` though fast overtakes slow across customers.",
})

# Amazon Kinesis Data Streams (docs/kinesis.md).
NOTES.update({
    "kinesis-enhanced-fan-out": "The `provisioned_throughput_exceeded` events with operation GetRecords from 2.05 s on, the few `fetch` events that follow with ever bigger batches, `THROTTLED 77` and the per-consumer `processed` column (shipping 53, billing 139 of 144). With Try this: `register_stream_consumer` and `subscribe_to_shard` for each application, one `subscribe_to_shard_event` per record and application, `THROTTLED 0` and a latency of about 11 ms.",
})


# Finding failures rather than scheduling them (docs/explore.md).
NOTES.update({
    "explore-auto-ack": "Nothing in the run itself: `LOST 0`, no fault. The point is the exploration below: the promise `lost 0` breaks within the first ten schedules, on a consumer crash. Shrinking moves the crash later and cuts it down to 1 ms, and the loss stays: however short the crash, what the consumer held is gone, because the broker forgot it on delivery.",
    "explore-safe": "Again nothing in the run itself. Below, `brokersim explore` tries 500 schedules of crashes (broker, producer, consumers), cut links and slow links and none loses a job. Promising no duplicates as well breaks at once: a slow link delays a confirm past the producer's 500 ms retry, and the re-sent job is processed twice.",
})

# The explorations shown on a lesson's page: `brokersim explore` arguments, each run with
# two jobs (its report names the job count) and its counterexample written under /tmp.
EXPLORE = {
    "explore-auto-ack": [["--runs", "100"]],
    "explore-safe": [["--runs", "500"], ["--runs", "100", "--promise", "lost==0", "--promise", "duplicates==0"]],
}


def explore_section(bin_path, rel, name):
    """The page's "Exploring its promise" section: each exploration's command and report."""
    runs = EXPLORE.get(name)
    if not runs:
        return ""
    text = "\n## Exploring its promise\n\n`brokersim explore` draws random fault schedules (crashes and restarts, cut links, slow links) from a seed, runs them in parallel against the lesson's `expect` block (or `--promise`), and shrinks the first that breaks it to a minimal one, written as a scenario that `brokersim-gui` opens at its first fault ([docs/explore.md](../explore.md)).\n"
    for args in runs:
        out_file = f"/tmp/explored-{name}.json"
        cmd = [bin_path, "explore", str(rel), *args, "--jobs", "2", "--quiet", "--out", out_file]
        done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        if done.returncode not in (0, 1):
            raise SystemExit(f"explore failed on {rel}: {done.stderr}")
        text += f"\n```sh\nbuild/sim/brokersim explore {rel} {shlex.join(args)} --out {out_file}\n```\n\n```\n{done.stdout.rstrip()}\n```\n"
    return text


def model_systems():
    """The one table of model name to system (broker/vocabulary/systems.hpp), in its order."""
    text = (ROOT / "broker" / "vocabulary" / "systems.hpp").read_text()
    table = text[text.index("kModelSystems{{"):text.index("}};")]
    return re.findall(r'\{"([^"]+)", "([^"]+)"\}', table)


def write_index():
    """README.md: every lesson's page, under a heading per system (as the GUI's picker groups them)."""
    systems = model_systems()
    groups = {system: [] for _, system in systems}
    for s in sorted((ROOT / "scenarios").glob("*.json")):
        sc = json.loads(s.read_text())
        system = dict(systems).get(sc.get("model", "queue"), "Other")
        groups.setdefault(system, []).append((s.stem, sc.get("title", sc["name"])))
    index = "# Lessons\n\nOne page per scenario in `scenarios/`, generated by `make_pages.py` from the scenario and a real run,\n"
    index += "grouped by the system the scenario's model imitates (its `model` key).\n"
    for system, pages in groups.items():
        if pages:
            index += f"\n## {system}\n\n" + "\n".join(f"- [{t}]({stem}.md)" for stem, t in pages) + "\n"
    (Path(__file__).parent / "README.md").write_text(index)


def main():
    if BIN == "--index":
        write_index()
        return
    for s in sorted((ROOT / "scenarios").glob("*.json")):
        sc = json.loads(s.read_text())
        out = subprocess.run([BIN, "run", str(s)], capture_output=True, text=True, check=True).stdout
        rel = s.relative_to(ROOT)
        look = NOTES.get(sc["name"], "The summary's totals against the `expect` block.")
        tryit = sc["try_this"]["text"]
        # What `--try` prints after the tables: the prediction judged, the lesson's own
        # expectations as same / changed.
        tried = subprocess.run([BIN, "run", str(s), "--try"], capture_output=True, text=True, check=True).stdout
        tried = tried[tried.index("  Try this: "):]
        tried = "\n".join(tried.rstrip().splitlines()[1:])  # the text is on the page already
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

```sh
build/sim/brokersim run {rel} --try
```

The run is checked against this prediction (`try_this.expect`); the lesson's own
expectations are reported as `same` or `changed`, since the experiment is meant to change them:

```
{tried}
```

The checker enforces this lesson's point with the scenario's `expect` block:
`{json.dumps(sc.get('expect', {}))}`.
{explore_section(os.path.abspath(BIN), rel, sc['name'])}"""
        (Path(__file__).parent / f"{s.stem}.md").write_text(page)
    write_index()

if __name__ == "__main__":
    main()
