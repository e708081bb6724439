#include "model/markers.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>
#include <unordered_map>

#include <fmt/format.h>

#include "activemq/events.hpp"
#include "store/events.hpp"
#include "store/xa_events.hpp"
#include "vocabulary/event_read.hpp"
#include "check/ledger.hpp"
#include "model/sim_state.hpp"

namespace bs::gui {

const char* marker_kind_name(MarkerKind k) {
  switch (k) {
    case MarkerKind::Crash: return "crash";
    case MarkerKind::Restart: return "restart";
    case MarkerKind::LinkDown: return "link down";
    case MarkerKind::LinkUp: return "link up";
    case MarkerKind::Redelivery: return "redelivery";
    case MarkerKind::Reorder: return "reorder";
    case MarkerKind::Loss: return "drop / loss";
    case MarkerKind::Duplicate: return "duplicate";
    case MarkerKind::Failover: return "failover";
    case MarkerKind::Election: return "election";
    case MarkerKind::UncleanElection: return "unclean";
    case MarkerKind::IsrShrink: return "ISR shrink";
    case MarkerKind::IsrExpand: return "ISR expand";
    case MarkerKind::Truncate: return "truncate";
    case MarkerKind::Fenced: return "fenced";
    case MarkerKind::MemoryAlarm: return "memory alarm";
    case MarkerKind::Paused: return "paused / unavailable";
    case MarkerKind::Rebalance: return "rebalance";
    case MarkerKind::Seek: return "seek / offset reset";
    case MarkerKind::DeadLetter: return "dead-letter";
    case MarkerKind::Expired: return "expired";
    case MarkerKind::Returned: return "returned / unroutable";
    case MarkerKind::Blocked: return "publisher blocked";
    case MarkerKind::TxnCommit: return "transaction commit";
    case MarkerKind::TxnAbort: return "transaction abort";
    case MarkerKind::LockWait: return "lock wait";
    case MarkerKind::LeaseExpired: return "lease expired";
    case MarkerKind::Deduplicated: return "deduplicated";
    case MarkerKind::Deferred: return "deferred";
    case MarkerKind::Snapshot: return "snapshot";
    case MarkerKind::LinkLatency: return "slow link";
    case MarkerKind::Throttled: return "throttled";
    case MarkerKind::Reshard: return "reshard";
  }
  return "?";
}

MarkerFinder::MarkerFinder(const Trace& tr) : tr_(tr), replicas_(topic_replicas_from_header(tr.header.raw)) {}

std::string MarkerFinder::nm(NodeId n) const {
  const auto& names = tr_.header.node_names;
  return n < names.size() ? names[n] : std::string("?");
}

std::set<NodeId> MarkerFinder::parse(const std::string& csv) const {
  const std::vector<NodeId> ids = check::parse_isr(csv, tr_.header.node_names);  // the checker's reading
  return {ids.begin(), ids.end()};
}

std::set<NodeId>& MarkerFinder::isr_before(const std::string& part) {
  auto it = isr_of_.find(part);
  if (it != isr_of_.end()) return it->second;
  std::set<NodeId>& s0 = isr_of_[part];
  const auto slash = part.rfind('/');
  auto rit = replicas_.find(part.substr(0, slash));
  if (rit != replicas_.end()) {
    const std::size_t idx = slash == std::string::npos ? 0 : std::strtoul(part.c_str() + slash + 1, nullptr, 10);
    if (idx < rit->second.replicas_csv.size()) s0 = parse(rit->second.replicas_csv[idx]);
  }
  return s0;
}

std::string MarkerFinder::names_of(const std::set<NodeId>& ns) const {
  std::string out;
  for (NodeId n : ns) out += (out.empty() ? "" : ",") + nm(n);
  return out.empty() ? std::string("none") : out;
}

void MarkerFinder::on_event(std::size_t i, const SimState& s) {
  const Trace& tr = tr_;
  auto& out = out_;
  auto& frame_msg = frame_msg_;
  auto& epochs_seen = epochs_seen_;
  const Event& e = tr.events[i];
  auto add = [&](MarkerKind k, std::string label) { out.push_back(Marker{e.t, k, i, e.msg, e.node, std::move(label)}); };
  // Why each message is lost comes from SimState, so the hover and the queue view agree.
  const Verdict& v = s.ledger().last_verdict();
  for (MsgId id : v.lost) {
    const LostMsg* l = s.lost_entry(id);
    out.push_back(Marker{e.t, MarkerKind::Loss, i, id, e.node, fmt::format("m{} lost: {}", id, l ? l->why : "?")});
  }
  // Effects in a consumer's store: one applied a second time, or one that will never be.
  if (v.duplicate_effect)
    add(MarkerKind::Duplicate, fmt::format("m{}'s effect applied again at {} (written by {})", e.msg, nm(e.node), nm(e.peer)));
  for (MsgId id : v.effects_lost)
    out.push_back(Marker{e.t, MarkerKind::Loss, i, id, e.node,
                         fmt::format("m{}'s effect lost: acked, but its writer crashed before the store committed it", id)});
  if (e.kind == ev::StateChange) state_change_at_[e.msg] = i;
  // After the last event: the state changes whose message was never published, marked
  // where they were committed (a dual write cut by a crash).
  if (i + 1 == tr.events.size()) {
    for (MsgId id : s.ledger().unpublished()) {
      const auto at = state_change_at_.find(id);
      if (at == state_change_at_.end()) continue;
      const Event& sc = tr.events[at->second];
      Marker m{sc.t, MarkerKind::Loss, at->second, id, sc.node,
               fmt::format("m{} saved at {} by {}, never published", id, nm(sc.node), nm(sc.peer))};
      out.insert(std::upper_bound(out.begin(), out.end(), m, [](const Marker& a, const Marker& b) { return a.t < b.t; }), std::move(m));
    }
  }
  switch (e.kind) {
    case ev::Crash: add(MarkerKind::Crash, fmt::format("{} crashes", nm(e.node))); break;
    case ev::Restart: add(MarkerKind::Restart, fmt::format("{} restarts", nm(e.node))); break;
    case ev::LinkDown: add(MarkerKind::LinkDown, fmt::format("link {}-{} down", nm(e.node), nm(e.peer))); break;
    case ev::LinkUp: add(MarkerKind::LinkUp, fmt::format("link {}-{} up", nm(e.node), nm(e.peer))); break;
    case ev::LinkLatency:
      add(MarkerKind::LinkLatency, fmt::format("link {}-{} latency now {:g} ms", nm(e.node), nm(e.peer), static_cast<double>(e.seq) / 1000));
      break;
    case ev::Failover: add(MarkerKind::Failover, fmt::format("{} fails over to {}", nm(e.node), nm(e.peer))); break;
    case ev::Deliver:
      if (field::flag<"redelivered">(e)) add(MarkerKind::Redelivery, fmt::format("m{} redelivered to {}", e.msg, nm(e.peer)));
      break;
    case ev::Drop:
      if (reason(e) == "expired") add(MarkerKind::Expired, fmt::format("m{} expired in {} (message TTL): dropped", e.msg, queue_name(e)));
      // A drop that loses the message is already marked, with its reason, above.
      else if (!std::count(v.lost.begin(), v.lost.end(), e.msg))
        add(MarkerKind::Loss, fmt::format("m{} dropped from {} ({})", e.msg, queue_name(e), reason(e)));
      break;
    case ev::Requeue:
      // The lease model: a visibility timeout, ack deadline or message lock ran out.
      if (amqp::lease_ran_out(reason(e)))
        add(MarkerKind::LeaseExpired, fmt::format("m{}'s {} ran out in {}: visible again", e.msg,
                                                  reason(e) == "visibility_timeout" ? "visibility timeout"
                                                  : reason(e) == "ack_deadline"     ? "ack deadline"
                                                                                    : "message lock",
                                                  queue_name(e)));
      break;
    case ev::LeaseSeek:
      if (const std::string& snap = field::text<"snapshot">(e); !snap.empty())
        add(MarkerKind::Seek, fmt::format("Seek on {} to snapshot {} (taken at {:.3f} s): {} message(s) delivered again", queue_name(e),
                                          snap, static_cast<double>(field::integer<"time_ms">(e)) / 1000, field::integer<"replayed">(e)));
      else
        add(MarkerKind::Seek, fmt::format("Seek on {} to {:.3f} s: {} acknowledged message(s) delivered again", queue_name(e),
                                          static_cast<double>(field::integer<"time_ms">(e)) / 1000, field::integer<"replayed">(e)));
      break;
    case ev::LeaseSnapshot:
      add(MarkerKind::Snapshot, fmt::format("snapshot {} of {}: {} unacknowledged message(s), and all published after, kept for a Seek",
                                            field::text<"snapshot">(e), queue_name(e), field::integer<"unacked">(e)));
      break;
    case ev::LeaseDeferred:
      if (reason(e) == "Defer")
        add(MarkerKind::Deferred, fmt::format("m{} deferred by {}: set aside in {} until received by sequence number {}", e.msg,
                                              nm(e.peer), queue_name(e), field::integer<"sequence_number">(e)));
      break;
    case ev::Deduplicated:
      add(MarkerKind::Deduplicated, fmt::format("m{} sent again by {}: accepted, not stored (deduplication id {})", e.msg,
                                                nm(e.peer), field::text<"deduplication_id">(e)));
      break;
    case ev::DeadLetter: {
      // "dlx:expired": the exchange it is republished to, and why.
      const std::string& dlx = field::text<"dead_letter_exchange">(e);
      const auto colon = dlx.find(':');
      add(MarkerKind::DeadLetter, colon == std::string::npos
                                      ? fmt::format("m{} dead-lettered from {} to {}", e.msg, queue_name(e), dlx)
                                      : fmt::format("m{} dead-lettered from {} to exchange {} ({})", e.msg, queue_name(e),
                                                    dlx.substr(0, colon), dlx.substr(colon + 1)));
      break;
    }
    case ev::Unroutable:
      // A mandatory one comes back as basic.return: marked when the producer hears it.
      if (!field::flag<"returned">(e))
        add(MarkerKind::Returned, fmt::format("m{} unroutable at exchange '{}': no binding matched, dropped", e.msg,
                                              field::text<"exchange">(e)));
      break;
    case ev::Returned:
      add(MarkerKind::Returned, fmt::format("m{} returned to {} (basic.return: no queue for key '{}')", e.msg, nm(e.node),
                                            field::text<"routing_key">(e)));
      break;
    case ev::ThroughputExceeded: {
      // Kinesis refuses every call over a shard's limit: mark the first of each second.
      const auto second = static_cast<std::int64_t>(std::floor(e.t + 1e-9));
      if (!throttled_seconds_.insert({partition(e), second}).second) break;
      const std::string op = field::text<"operation">(e);
      add(MarkerKind::Throttled,
          op == "PutRecord"
              ? fmt::format("{} throttled: PutRecord of m{} from {} refused, {} records ({} KiB) already written this second",
                            partition(e), e.msg, nm(e.peer), field::integer<"records">(e), field::integer<"bytes">(e) / 1024)
              : fmt::format("{} throttled: GetRecords from {} refused ({} calls this second)", partition(e), nm(e.peer),
                            field::integer<"records">(e)));
      break;
    }
    case ev::ShardClosed:
      add(MarkerKind::Reshard, fmt::format("{}: {} closed for writes at offset {}; its children take its hash keys",
                                           field::text<"operation">(e), partition(e), field::integer<"ending_offset">(e)));
      break;
    case ev::Blocked:
      if (field::flag<"blocked">(e))
        add(MarkerKind::Blocked, fmt::format("{} blocked by {} (connection.blocked: {})", nm(e.node), nm(e.peer), reason(e)));
      break;
    case ev::Rebalance: {
      const std::int64_t gen = field::integer<"generation">(e);
      add(MarkerKind::Rebalance, gen <= 1 ? fmt::format("group {} forms (generation 1, {} member{})", group(e),
                                                        field::integer<"members">(e), field::integer<"members">(e) == 1 ? "" : "s")
                                          : fmt::format("group {} rebalances: generation {}, {} member{}", group(e), gen,
                                                        field::integer<"members">(e), field::integer<"members">(e) == 1 ? "" : "s"));
      break;
    }
    case ev::OffsetReset: {
      // The first reset of a group without a committed offset is where it starts, not a jump.
      const std::int64_t from = field::integer<"from_offset">(e), to = offset(e);
      const bool seek = e.node == e.peer;
      if (!seek && from < 0) break;
      std::string what = from < 0 ? fmt::format("to offset {}", to)
                         : to < from ? fmt::format("back from offset {} to {}: {} records read again", from, to, from - to)
                                     : fmt::format("from offset {} to {}: {} records skipped", from, to, to - from);
      add(MarkerKind::Seek, seek ? fmt::format("{} seeks {} {}", nm(e.peer), partition(e), what)
                                 : fmt::format("auto.offset.reset moves {} on {} {}", group(e), partition(e), what));
      break;
    }
    case ev::DuplicateSkipped:
      // The duplicate an idempotent consumer absorbed: what lessons 6, 38 and 39b are about.
      add(MarkerKind::Duplicate, fmt::format("{} skipped m{}: already processed (idempotent consumer)", nm(e.node), e.msg));
      break;
    case ev::Process: {
      // The replay records every processing first; a hostile trace may still get here without one.
      auto ci = s.consumers().find(e.node);
      if (ci == s.consumers().end() || ci->second.processed.empty()) break;
      const auto& c = ci->second;
      const auto& p = c.processed.back();
      if (p.duplicate) add(MarkerKind::Duplicate, fmt::format("{} processed m{} again", nm(e.node), e.msg));
      if (p.reordered) {
        // Name the message that overtook it, the way a teacher would say it.
        MsgId later = 0;
        std::int64_t best = -1;
        for (const auto& q : c.processed)
          if (q.queue == p.queue && q.position > p.position && (best < 0 || q.position < best)) {
            best = q.position;
            later = q.msg;
          }
        add(MarkerKind::Reorder, fmt::format("{} processed m{} after m{}", nm(e.node), e.msg, later));
      }
      break;
    }
    case ev::LeaderElection: {
      if (!epochs_seen.insert({"e" + partition(e), field::integer<"partition_epoch">(e)}).second) break;
      const bool unclean = field::flag<"unclean">(e);
      const std::int64_t epoch = field::integer<"leader_epoch">(e);
      std::string label = e.peer == kNoNode
                              ? fmt::format("{} offline: no replica can lead", partition(e))
                              : fmt::format("{}{} leads {} (epoch {}, ISR {})", unclean ? "UNCLEAN: " : "", nm(e.peer), partition(e), epoch, field::text<"isr">(e));
      out.push_back(Marker{e.t, unclean ? MarkerKind::UncleanElection : MarkerKind::Election, i, 0, e.peer, std::move(label)});
      isr_before(partition(e)) = parse(field::text<"isr">(e));
      break;
    }
    case ev::IsrChange: {
      if (!epochs_seen.insert({"i" + partition(e), field::integer<"partition_epoch">(e)}).second) break;
      std::set<NodeId>& before = isr_before(partition(e));
      const std::set<NodeId> now = parse(field::text<"isr">(e));
      std::set<NodeId> gone, added;
      for (NodeId n : before)
        if (!now.count(n)) gone.insert(n);
      for (NodeId n : now)
        if (!before.count(n)) added.insert(n);
      if (!gone.empty())
        add(MarkerKind::IsrShrink, fmt::format("{} leaves the ISR of {} (ISR {})", names_of(gone), partition(e), names_of(now)));
      if (!added.empty())
        add(MarkerKind::IsrExpand, fmt::format("{} rejoins the ISR of {} (ISR {})", names_of(added), partition(e), names_of(now)));
      before = now;
      break;
    }
    case ev::Truncate: {
      // One event per record removed: one marker per replica and moment.
      Marker* last = nullptr;
      for (auto it = out.rbegin(); it != out.rend() && it->t == e.t; ++it)
        if (it->kind == MarkerKind::Truncate && it->node == e.node && tr.events[it->event].queue == e.queue) {
          last = &*it;
          break;
        }
      if (last) {
        const std::int64_t from = offset(tr.events[last->event]);
        last->label = fmt::format("{} truncates {} from offset {} ({} records, {})", nm(e.node), partition(e), from,
                                  offset(e) - from + 1, reason(e));
      } else {
        add(MarkerKind::Truncate, fmt::format("{} truncates {} from offset {} (m{}, {})", nm(e.node), partition(e), offset(e), e.msg, reason(e)));
      }
      break;
    }
    case ev::MemoryAlarm:
      if (field::flag<"alarm">(e))
        out.push_back(Marker{e.t, MarkerKind::MemoryAlarm, i, 0, e.node,
                             fmt::format("{}: memory alarm, {} of {} bytes: publishers blocked", nm(e.node),
                                         field::integer<"memory_bytes">(e), field::integer<"limit_bytes">(e))});
      break;
    case ev::RaftLeader: {
      // A quorum queue's new leader (its first election is the queue's start).
      static const std::string prefix = "queue ";
      if (e.queue.compare(0, prefix.size(), prefix) != 0 || field::integer<"term">(e) < 2) break;
      out.push_back(Marker{e.t, MarkerKind::Election, i, 0, e.node,
                           fmt::format("{} leads quorum queue {} (Raft term {})", nm(e.node), e.queue.substr(prefix.size()),
                                       field::integer<"term">(e))});
      break;
    }
    case ev::MirrorPromoted: {
      const bool synced = field::text<"sync">(e) == "synchronised";
      if (field::flag<"promoted">(e))
        out.push_back(Marker{e.t, synced ? MarkerKind::Election : MarkerKind::UncleanElection, i, 0, e.node,
                             synced ? fmt::format("{} promoted to lead {} (synchronised mirror)", nm(e.node), e.queue)
                                    : fmt::format("{} promoted to lead {} UNSYNCHRONISED: lacks {} messages", nm(e.node),
                                                  e.queue, field::integer<"lacking">(e))});
      else
        out.push_back(Marker{e.t, MarkerKind::Paused, i, 0, e.node,
                             fmt::format("{} (unsynchronised) does not take over {}: the queue is unavailable", nm(e.node), e.queue)});
      break;
    }
    case ev::NodePaused:
      out.push_back(Marker{e.t, MarkerKind::Paused, i, 0, e.node,
                           field::flag<"paused">(e) ? fmt::format("{} sees {} of {} nodes: paused (pause_minority)", nm(e.node),
                                                                  field::integer<"reachable">(e), field::integer<"cluster_size">(e))
                                                    : fmt::format("{} sees a majority again: resumes", nm(e.node))});
      break;
    case ev::TxnState: {
      // One mark per transaction, when the coordinator completes it (every marker written).
      const std::string st = field::text<"state">(e);
      if (st == "CompleteCommit" || st == "CompleteAbort")
        out.push_back(Marker{e.t, st == "CompleteCommit" ? MarkerKind::TxnCommit : MarkerKind::TxnAbort, i, 0, e.peer,
                             fmt::format("{} {} transaction of {} (producer epoch {})", nm(e.node),
                                         st == "CompleteCommit" ? "commits" : "aborts", field::text<"transactional_id">(e),
                                         field::integer<"producer_epoch">(e))});
      break;
    }
    case ev::TxCommit:
      // ActiveMQ transacted sessions: a client's commit() or rollback().
      add(MarkerKind::TxnCommit, fmt::format("{} commits transaction {} ({} message{} {})", nm(e.node),
                                             field::integer<"transaction">(e), field::integer<"messages">(e),
                                             field::integer<"messages">(e) == 1 ? "" : "s",
                                             e.node < tr.header.node_roles.size() && tr.header.node_roles[e.node] == "producer"
                                                 ? "sent: now published"
                                                 : "received: acknowledged"));
      break;
    case ev::TxRollback: {
      const std::string why = reason(e) == "poison_ack"        ? "redelivery counter past maximumRedeliveries: poison ack, all to the DLQ"
                              : reason(e) == "onMessage_failed" ? "processing failed: redelivered after the RedeliveryPolicy's delay"
                              : reason(e) == "application"      ? "the messages sent are discarded"
                                                                : reason(e);
      add(MarkerKind::TxnAbort, fmt::format("{} rolls back transaction {} ({} message{}; {})", nm(e.node),
                                            field::integer<"transaction">(e), field::integer<"messages">(e),
                                            field::integer<"messages">(e) == 1 ? "" : "s", why));
      break;
    }
    case ev::XaDecision: {
      // Two-phase commit: the coordinator's decision (rollback after a no, a timeout or a
      // restart that finds no logged commit: presumed abort).
      const bool commit = field::flag<"commit">(e);
      out.push_back(Marker{e.t, commit ? MarkerKind::TxnCommit : MarkerKind::TxnAbort, i, e.msg, e.node,
                           fmt::format("{} decides {} of m{} (two-phase commit, {})", nm(e.node),
                                       commit ? "commit" : "rollback", e.msg, reason(e))});
      break;
    }
    case ev::XaLockWait:
      out.push_back(Marker{e.t, MarkerKind::LockWait, i, e.msg, e.node,
                           fmt::format("{}: m{} waits for key {}, locked by a prepared transaction", nm(e.node), e.msg,
                                       field::text<"key">(e))});
      break;
    case ev::TxnFenced:
      out.push_back(Marker{e.t, MarkerKind::Fenced, i, 0, e.peer,
                           fmt::format("{} refuses {}'s {}: producer epoch {} is fenced by a newer instance", nm(e.node),
                                       nm(e.peer), field::text<"request">(e), field::integer<"producer_epoch">(e))});
      break;
    case ev::BrokerFenced:
      if (field::flag<"fenced">(e))
        out.push_back(Marker{e.t, MarkerKind::Fenced, i, 0, e.peer, fmt::format("controller fences {} ({})", nm(e.peer), reason(e))});
      break;
    case ev::NetSend:
      for (const auto& it : e.items)
        if (it.msg) frame_msg[e.pkt] = it.msg;
      break;
    case ev::NetDrop: {
      // A transmission died (a link_down one is retransmitted; the message's own fate
      // is the ledger's "lost" marker above).
      auto f = frame_msg.find(e.pkt);
      MsgId m = f == frame_msg.end() ? 0 : f->second;
      if (m) out.push_back(Marker{e.t, MarkerKind::Loss, i, m, e.node, fmt::format("frame with m{} lost ({})", m, reason(e))});
      break;
    }
    default: break;
  }
}

}  // namespace bs::gui
