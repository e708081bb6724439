#include "model/sim_state.hpp"

#include <algorithm>

#include "activemq/events.hpp"
#include "vocabulary/event_read.hpp"
#include "vocabulary/vocabulary.hpp"

namespace bs::gui {
namespace {
template <class V>
void erase_msg(V& v, MsgId msg) {
  v.erase(std::remove_if(v.begin(), v.end(), [&](const auto& m) { return m.msg == msg; }), v.end());
}
}  // namespace

SimState::SimState(std::vector<std::string> node_names, TopicGroups topic_groups, TopicReplicas topic_replicas,
                   QuorumReplicas quorum_replicas)
    : node_names_(node_names),
      ledger_(std::make_unique<Checker>(std::move(node_names), std::move(topic_groups), std::move(topic_replicas),
                                         std::move(quorum_replicas))) {}

SimState::SimState(const SimState& o)
    : queues_(o.queues_), consumers_(o.consumers_), partitions_(o.partitions_), raft_leader_(o.raft_leader_),
      blocked_(o.blocked_), paused_(o.paused_), raft_term_(o.raft_term_), node_names_(o.node_names_),
      ledger_(std::make_unique<Checker>(*o.ledger_)),
      lost_(o.lost_), positions_(o.positions_), sparse_positions_(o.sparse_positions_) {}

SimState& SimState::operator=(const SimState& o) {
  if (this != &o) *this = SimState(o);
  return *this;
}

void SimState::set_position(const std::string& queue, MsgId msg, std::int64_t pos) {
  if (msg >= (MsgId{1} << 26)) {
    sparse_positions_[{queue, msg}] = pos;
    return;
  }
  auto& pages = positions_[queue];
  const std::size_t page = msg / kPositionPage;
  if (pages.size() <= page) pages.resize(page + 1);
  auto& p = pages[page];
  if (!p) {
    p = std::make_shared<PositionPage>();
    p->fill(-1);
  } else if (p.use_count() > 1) {
    p = std::make_shared<PositionPage>(*p);  // shared with a checkpoint: write to a copy
  }
  (*p)[msg % kPositionPage] = pos;
}

SimState sim_state_for(const Trace& tr) {
  return SimState(tr.header.node_names, topic_groups_from_header(tr.header.raw), topic_replicas_from_header(tr.header.raw),
                  quorum_replicas_from_header(tr.header.raw));
}

void SimState::refresh_committed(PartitionState& p, const std::string& group) {
  const std::int64_t off = ledger_->committed_offset(group, p.name);
  for (auto& [c, cur] : p.cursors)
    if (cur.group == group) cur.committed = off;
}

QueueState& SimState::queue(const std::string& name, NodeId broker) {
  // A replicated queue moves: its events come from whichever node leads it now.
  for (auto& q : queues_)
    if (q.name == name) {
      if (broker != kNoNode) q.broker = broker;
      return q;
    }
  queues_.push_back(QueueState{});
  queues_.back().name = name;
  queues_.back().broker = broker;
  return queues_.back();
}

void SimState::declare_queue(const std::string& name, NodeId broker) { queue(name, broker); }

PartitionState& SimState::partition_state(const std::string& name, NodeId broker) {
  for (auto& p : partitions_)
    if (p.name == name) {
      if (p.leader == kNoNode) p.leader = broker;
      return p;
    }
  partitions_.push_back(PartitionState{});
  partitions_.back().name = name;
  partitions_.back().leader = broker;
  return partitions_.back();
}

std::int64_t SimState::position_of(const std::string& q, MsgId msg) const {
  if (msg >= (MsgId{1} << 26)) {
    auto it = sparse_positions_.find({q, msg});
    return it == sparse_positions_.end() ? -1 : it->second;
  }
  auto it = positions_.find(q);
  if (it == positions_.end() || it->second.size() <= msg / kPositionPage) return -1;
  const auto& page = it->second[msg / kPositionPage];
  return page ? (*page)[msg % kPositionPage] : -1;
}

const LostMsg* SimState::lost_entry(MsgId msg) const {
  for (auto it = lost_.rbegin(); it != lost_.rend(); ++it)
    if (it->msg == msg) return &*it;
  return nullptr;
}

// The ledger says that a message became lost with this event; the state before the event
// says where it was (which consumer held it, which broker kept it).
LostMsg SimState::explain_loss(const Event& e, std::size_t index, MsgId id) const {
  auto nm = [&](NodeId n) { return n < node_names_.size() ? node_names_[n] : std::string("?"); };
  LostMsg l{id, e.t, index, {}, {}};
  // In an auto-ack consumer's hands: it dies with the consumer (the checker may say so at
  // the crash, or later, when the producer's confirm makes the message count as accepted).
  for (const auto& q : queues_)
    for (const auto& [c, held] : q.held)
      for (const UnackedMsg& u : held) {
        auto down = crashed_at_.find(c);
        if (u.msg != id || (down == crashed_at_.end() && !(e.kind == ev::Crash && e.node == c))) continue;
        l.queue = q.name;
        l.why = down != crashed_at_.end() && u.t >= down->second
                    ? "auto-acked to " + nm(c) + ", which had crashed"
                    : nm(c) + " crashed holding it (auto-ack: no ack protected it)";
        return l;
      }
  switch (e.kind) {
    case ev::Crash:
      for (const auto& q : queues_)
        if (q.broker == e.node && std::any_of(q.ready.begin(), q.ready.end(), [&](const auto& r) { return r.msg == id; }))
          l.queue = q.name;
      l.why = nm(e.node) + " crashed with it";
      return l;
    case ev::Publish: l.why = "sent to " + nm(e.peer) + ", which is down"; return l;
    case ev::Deliver:
      l.queue = queue_name(e);
      l.why = "auto-acked to " + nm(e.peer) + ", already dead";
      return l;
    case ev::Commit: l.why = "group " + group(e) + " committed past it unprocessed"; return l;
    case ev::Drop:
      l.queue = queue_name(e);
      l.why = reason(e) == "broker_crash" ? nm(e.node) + " crashed with it in memory (not persisted)"
                                           : nm(e.node) + " dropped it (" + reason(e) + ")";
      return l;
    default:
      l.queue = queue_name(e);
      l.why = nm(e.node) + " " + std::string(kind_name(e.kind));
      return l;
  }
}

ProcessedMsg SimState::consumer_box(const Event& e, std::size_t index) const {
  ProcessedMsg p;
  p.msg = e.msg;
  p.queue = queue_name(e);
  p.position = position_of(p.queue, e.msg);
  p.redelivered = field::flag<"redelivered">(e);
  p.t = e.t;
  p.event = index;
  return p;
}

std::string SimState::peer_name(NodeId n) const { return n < node_names_.size() ? node_names_[n] : std::string("?"); }

void SimState::apply(const Event& e, std::size_t index) {
  ledger_->on_event(e);
  const Verdict& v = ledger_->last_verdict();
  for (MsgId id : v.lost) lost_.push_back(explain_loss(e, index, id));
  for (MsgId id : v.recovered) std::erase_if(lost_, [&](const LostMsg& l) { return l.msg == id; });
  // A lost message is no longer in anyone's hands.
  for (MsgId id : v.lost)
    for (auto& q : queues_)
      for (auto& [c, h] : q.held) erase_msg(h, id);
  switch (e.kind) {
    case ev::Crash: crashed_at_.emplace(e.node, e.t); break;
    case ev::Restart: crashed_at_.erase(e.node); break;
    case ev::RaftLeader:
    case ev::RaftCommit: {
      // A quorum queue's group is "queue <name>"; any other group is the controller quorum.
      static const std::string prefix = "queue ";
      if (e.queue.compare(0, prefix.size(), prefix) == 0) {
        auto& q = queue(e.queue.substr(prefix.size()), kNoNode);
        q.quorum = true;
        if (e.kind == ev::RaftLeader) {
          q.broker = e.node;
          q.term = field::integer<"term">(e);
        } else if (e.node == q.broker) {
          q.commit_index = field::integer<"commit_index">(e);
        }
      } else if (e.kind == ev::RaftLeader) {
        raft_leader_ = e.node;
        raft_term_ = field::integer<"term">(e);
      }
      break;
    }
    case ev::MirrorState: {
      auto& q = queue(queue_name(e), e.node);
      q.mirrors[e.peer] = field::flag<"synchronised">(e);
      break;
    }
    case ev::MirrorPromoted: {
      if (!field::flag<"promoted">(e)) break;
      auto& q = queue(queue_name(e), e.node);
      q.mirrors.erase(e.node);
      ++q.promotions;
      // The queue is now what the promoted mirror held: the requeue("promoted") events
      // that follow put those messages back; the rest is gone.
      q.ready.clear();
      q.unacked.clear();
      q.held.clear();
      break;
    }
    case ev::NodePaused:
      if (field::flag<"paused">(e)) paused_.insert(e.node);
      else paused_.erase(e.node);
      break;
    case ev::Blocked:
      if (field::flag<"blocked">(e)) blocked_.insert(e.node);
      else blocked_.erase(e.node);
      break;
    case ev::Enqueue: {
      auto& q = queue(queue_name(e), e.node);
      std::int64_t pos = position(e) >= 0 ? position(e) : static_cast<std::int64_t>(q.enqueued);
      set_position(q.name, e.msg, pos);
      ReadyMsg m{e.msg, pos, false, e.t};
      q.ready.insert(std::upper_bound(q.ready.begin(), q.ready.end(), pos,
                                      [](std::int64_t p, const ReadyMsg& r) { return p < r.position; }),
                     m);
      ++q.enqueued;
      break;
    }
    case ev::Deliver: {
      auto& q = queue(queue_name(e), e.node);
      erase_msg(q.ready, e.msg);
      erase_msg(q.deferred, e.msg);
      // With auto-ack the message is settled as it leaves: nothing stays unacked, but
      // the consumer holds it until it is processed (a loss if the consumer dies first).
      std::int64_t pos = position(e) >= 0 ? position(e) : position_of(q.name, e.msg);
      const bool auto_ack = amqp::settled_on_delivery(field::text<"mode">(e));
      // Lost already (auto-acked to a consumer that is dead): in no one's hands.
      if (!(auto_ack && std::find(v.lost.begin(), v.lost.end(), e.msg) != v.lost.end()))
        (auto_ack ? q.held : q.unacked)[e.peer].push_back(UnackedMsg{e.msg, delivery_tag(e), pos, field::flag<"redelivered">(e), e.t});
      break;
    }
    case ev::Ack: {
      auto& q = queue(queue_name(e), e.node);
      erase_msg(q.unacked[e.peer], e.msg);
      ++q.acked;
      break;
    }
    case ev::Nack: {
      // The requeue (if any) follows as its own event and puts the message back.
      auto& q = queue(queue_name(e), e.node);
      erase_msg(q.unacked[e.peer], e.msg);
      break;
    }
    case ev::Requeue: {
      auto& q = queue(queue_name(e), e.node);
      if (e.peer != kNoNode) erase_msg(q.unacked[e.peer], e.msg);
      else
        for (auto& [c, v] : q.unacked) erase_msg(v, e.msg);
      erase_msg(q.ready, e.msg);
      std::int64_t pos = position(e) >= 0 ? position(e) : position_of(q.name, e.msg);
      q.ready.insert(std::upper_bound(q.ready.begin(), q.ready.end(), pos,
                                      [](std::int64_t p, const ReadyMsg& r) { return p < r.position; }),
                     ReadyMsg{e.msg, pos, reason(e) != "promoted", e.t});
      if (reason(e) != "promoted") ++q.requeued;
      break;
    }
    case ev::LeaseDeferred: {
      auto& q = queue(queue_name(e), e.node);
      for (auto& [c, v] : q.unacked) erase_msg(v, e.msg);
      const std::int64_t pos = field::integer<"sequence_number">(e);
      q.deferred.insert(std::upper_bound(q.deferred.begin(), q.deferred.end(), pos,
                                         [](std::int64_t p, const ReadyMsg& r) { return p < r.position; }),
                        ReadyMsg{e.msg, pos, false, e.t});
      break;
    }
    case ev::DeadLetter:
    case ev::Drop: {
      // A stale ack dropped at the broker names no queue: nothing left any queue.
      if (queue_name(e).empty()) break;
      auto& q = queue(queue_name(e), e.node);
      erase_msg(q.ready, e.msg);
      erase_msg(q.deferred, e.msg);
      for (auto& [c, v] : q.unacked) erase_msg(v, e.msg);
      ++(e.kind == ev::Drop ? q.dropped : q.dead_lettered);
      break;
    }
    case ev::SubscriberMissed: {
      // ActiveMQ: a non-durable subscription that closed took what it held with it.
      auto& q = queue(queue_name(e), e.node);
      erase_msg(q.ready, e.msg);
      for (auto& [c, v] : q.unacked) erase_msg(v, e.msg);
      ++q.missed;
      q.subscription_closes = true;
      break;
    }
    case ev::ConsumerUp: {
      auto& q = queue(queue_name(e), e.node);
      q.prefetch[e.peer] = field::integer<"prefetch">(e);
      q.closed.erase(e.peer);
      break;
    }
    case ev::ConnectionLost:
      // The client field names the consumer; its queue may be absent for a producer.
      for (auto& q : queues_)
        if (queue_name(e).empty() || q.name == queue_name(e))
          if (q.prefetch.count(e.peer)) q.closed.insert(e.peer);
      break;
    case ev::Process: {
      for (auto& q : queues_)
        if (q.name == queue_name(e)) {
          auto h = q.held.find(e.node);
          if (h != q.held.end()) erase_msg(h->second, e.msg);
        }
      auto& c = consumers_[e.node];
      c.node = e.node;
      ProcessedMsg p = consumer_box(e, index);
      // Queue model: the enqueue position. Log model: the record's offset (process `offset`).
      if (p.position < 0) p.position = offset(e) >= 0 ? offset(e) : static_cast<std::int64_t>(e.msg);
      p.reordered = v.reordered;
      p.duplicate = v.duplicate;
      c.reordered += p.reordered;
      c.duplicates += p.duplicate;
      c.processed.push_back(std::move(p));
      break;
    }
    case ev::DuplicateSkipped: {
      auto& c = consumers_[e.node];
      c.node = e.node;
      c.skipped.push_back(consumer_box(e, index));
      // An idempotent consumer acks what it skips; an auto-ack one just lets it go.
      for (auto& q : queues_)
        if (q.name == queue_name(e)) {
          auto h = q.held.find(e.node);
          if (h != q.held.end()) erase_msg(h->second, e.msg);
        }
      break;
    }
    case ev::Append: {
      auto& p = partition_state(partition(e), e.node);
      p.records.push_back(Record{offset(e), e.msg, field::text<"key">(e)});
      set_position(p.name, e.msg, offset(e));
      p.next_offset = std::max(p.next_offset, offset(e) + 1);
      break;
    }
    case ev::TxnMarker: {
      // A control record: it takes an offset of the log but is no message.
      auto& p = partition_state(partition(e), e.node);
      p.records.push_back(Record{offset(e), 0, "", static_cast<std::int8_t>(field::flag<"committed">(e) ? 1 : 2)});
      p.next_offset = std::max(p.next_offset, offset(e) + 1);
      break;
    }
    case ev::SubscribeToShardEvent:  // enhanced fan-out: a push moves the application's cursor as a fetch does
      ++partition_state(partition(e), kNoNode).pushed_events;
      if (field::flag<"shard_end">(e)) partition_state(partition(e), kNoNode).subscribed.erase(peer_name(e.peer));
      [[fallthrough]];
    case ev::Fetch: {
      auto& cur = partition_state(partition(e), kNoNode).cursors[e.peer];
      cur.position = offset(e) + std::max<std::int64_t>(field::integer<"count">(e), 0);
      cur.group = group(e);
      break;
    }
    case ev::Commit: {
      auto& p = partition_state(partition(e), kNoNode);
      p.cursors[e.peer].group = group(e);
      refresh_committed(p, group(e));  // a rejected commit (stale generation) moved nothing
      break;
    }
    case ev::OffsetReset:  // written by the broker or by the consumer (seek)
      partition_state(partition(e), kNoNode).cursors[e.peer].position = offset(e);
      break;
    case ev::Assign: {
      if (partition(e).empty()) break;  // the member sits idle: no partition for it
      auto& p = partition_state(partition(e), kNoNode);
      p.cursors[e.peer].group = group(e);
      refresh_committed(p, group(e));  // the new owner starts from the group's committed offset
      break;
    }
    case ev::SegmentRoll:
      partition_state(partition(e), kNoNode).segment_bases.push_back(offset(e));
      break;
    case ev::ShardCreated:
      partition_state(partition(e), e.node).shard = true;
      break;
    case ev::ShardClosed:
      partition_state(partition(e), e.node).closed_by = field::text<"operation">(e);
      break;
    case ev::ThroughputExceeded:
      ++partition_state(partition(e), e.node).throttled;
      break;
    case ev::SubscribeToShard: {
      auto& p = partition_state(partition(e), e.node);
      ++p.subscriptions;
      p.subscribed.insert(peer_name(e.peer));
      break;
    }
    case ev::SubscriptionEnded:
      partition_state(partition(e), e.node).subscribed.erase(peer_name(e.peer));
      break;
    case ev::SegmentDelete: {
      auto& p = partition_state(partition(e), kNoNode);
      p.log_start = std::max(p.log_start, field::integer<"log_start_offset">(e));
      std::erase_if(p.records, [&](const Record& r) { return r.offset < p.log_start; });
      std::erase_if(p.segment_bases, [&](std::int64_t b) { return b < p.log_start; });
      break;
    }
    default:
      break;
  }
}

}  // namespace bs::gui
