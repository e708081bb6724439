// Quorum queues on a queue-model broker node: the Raft replica a node hosts (RabbitMQ
// runs each quorum queue as a Ra group over its replicas' nodes), and the channel side
// every node has, which sends a client's commands to the queue's leader.
#include <algorithm>

#include "amqp/broker.hpp"
#include "amqp/broker_timers.hpp"

namespace bs::amqp {
namespace {
/// How long a node waits for a quorum queue's leader to apply its oldest command before
/// it sends its commands again (to another replica when the leader it knew is down),
/// and how often it looks.
constexpr double kRetryS = 0.25;
constexpr double kRetryCheckS = 0.05;
/// Applied commands between two snapshots of a quorum queue's state.
constexpr std::uint64_t kSnapshotEvery = 4096;
}  // namespace

/// Carries out a quorum queue's state changes on the replica that applies them: the
/// leader sends deliveries and answers, and the trace records each change once.
class QueueBroker::ReplicaSink final : public QuorumSink {
 public:
  ReplicaSink(QueueBroker& b, Context& ctx, QuorumReplica& r, bool first)
      : b_(b), ctx_(ctx), leader_(r.raft->role() == raft::Role::Leader), first_(first && leader_) {}

  void deliver(NodeId consumer, NodeId via, std::uint32_t connection, std::uint64_t tag, const QueuedMessage& qm,
               bool auto_ack, bool resend) override {
    if (first_ && !resend)
      ctx_.emit(Event{.kind = ev::Deliver, .msg = qm.msg.id, .peer = consumer, .queue = queue_name(),
                      .tag = static_cast<std::int64_t>(tag), .seq = static_cast<std::int64_t>(qm.position),
                      .flag = qm.redelivered, .text = auto_ack ? "auto_ack" : ""});
    if (leader_) to(consumer, via, Deliver{qm.msg, queue_name(), tag, qm.redelivered, connection});
  }
  void attached(NodeId consumer, NodeId via, std::uint32_t connection, std::uint32_t prefetch, bool auto_ack) override {
    if (first_)
      ctx_.emit(Event{.kind = ev::ConsumerUp, .peer = consumer, .queue = queue_name(),
                      .seq = static_cast<std::int64_t>(prefetch), .flag = auto_ack});
    if (leader_) to(consumer, via, ConsumeOk{connection});
  }
  void applied(NodeId origin, std::uint64_t incarnation, std::uint64_t seq) override {
    if (!leader_) return;
    const QuorumApplied a{group, incarnation, seq};
    if (origin == ctx_.self()) b_.quorum_applied(ctx_, origin, a);
    else ctx_.send(origin, a);
  }
  void event(Event e) override {
    if (first_) ctx_.emit(std::move(e));
  }
  void dead_letter(const AmqpMessage& m, const char* reason) override {
    // RabbitMQ 3.x dead-letters from a quorum queue at most once: the leader does it.
    if (!first_) return;
    QueueState tmp;
    tmp.cfg = b_.quorum_.at(name).cfg;
    b_.dead_letter_or_drop(ctx_, tmp, m, reason);
  }
  std::string name;
  std::uint32_t group = 0;

 private:
  const std::string& queue_name() const { return b_.quorum_.at(name).cfg.trace_name; }
  void to(NodeId consumer, NodeId via, Packet p) {
    if (via == ctx_.self()) b_.to_quorum_consumer(ctx_, consumer, p);
    else ctx_.send(via, Relay{consumer, std::move(p)});
  }
  QueueBroker& b_;
  Context& ctx_;
  bool leader_;
  bool first_;
};

void QueueBroker::start_quorum(Context& ctx) {
  for (auto& [name, r] : replicas_) {
    r.raft->start(ctx);
    // A new queue's first replica (the declaring node) leads from the start.
    if (r.raft->last_index() == 0 && r.raft->term() == 0 && quorum_.at(name).cfg.replicas.front() == ctx.self())
      r.raft->campaign(ctx);
  }
  for (auto& [name, c] : quorum_) c.leader = c.cfg.replicas.front();
  if (!quorum_.empty()) ctx.set_timer(kRetryCheckS, Timer{kQuorumRetry, 0});
}

QueueBroker::QuorumClient* QueueBroker::quorum_client(std::uint32_t group) {
  for (auto& [name, c] : quorum_)
    if (c.group == group) return &c;
  return nullptr;
}

void QueueBroker::quorum_submit(Context& ctx, const std::string& q, QuorumOp op, std::uint64_t confirm) {
  QuorumClient& c = quorum_.at(q);
  op.origin = ctx.self();
  op.incarnation = incarnation_;
  op.seq = c.next_seq++;
  auto ptr = std::make_shared<const QuorumOp>(std::move(op));
  if (c.pending.empty()) c.waiting_since = ctx.now();
  c.pending.push_back(QuorumClient::Pending{ptr, confirm});
  // Batch: the commands of one input go to the leader together, right after it.
  c.unsent.push_back(ptr);
  if (!quorum_flush_armed_) {
    quorum_flush_armed_ = true;
    ctx.set_timer(0, Timer{kQuorumFlush, 0});
  }
}

void QueueBroker::quorum_flush(Context& ctx) {
  quorum_flush_armed_ = false;
  for (auto& [name, c] : quorum_) {
    if (c.unsent.empty()) continue;
    std::vector<QuorumOpPtr> ops;
    ops.swap(c.unsent);
    quorum_send(ctx, c, ops);
  }
}

void QueueBroker::quorum_send(Context& ctx, QuorumClient& c, const std::vector<QuorumOpPtr>& ops) {
  if (ops.empty()) return;
  if (c.leader == ctx.self()) return quorum_command(ctx, ctx.self(), QuorumCommand{c.group, ops});
  if (c.leader != kNoNode && peers_.at(c.leader).up) ctx.send(c.leader, QuorumCommand{c.group, ops});
}

void QueueBroker::quorum_command(Context& ctx, NodeId from, const QuorumCommand& cmd) {
  QuorumClient* c = quorum_client(cmd.group);
  auto r = c ? replicas_.find(c->cfg.name) : replicas_.end();
  if (r == replicas_.end() || r->second.raft->role() != raft::Role::Leader) {
    const QuorumRedirect redirect{cmd.group, r == replicas_.end() ? kNoNode : r->second.raft->leader()};
    if (from == ctx.self()) quorum_redirect(ctx, redirect);
    else ctx.send(from, redirect);
    return;
  }
  for (const auto& op : cmd.ops) {
    raft::Command rc;
    rc.kind = static_cast<std::uint32_t>(op->kind);
    rc.bytes = 16 + (op->kind == QuorumOp::Kind::Enqueue ? op->msg.size_bytes : 0);
    rc.body = op;
    r->second.raft->propose(ctx, std::move(rc));
  }
}

void QueueBroker::quorum_applied(Context& ctx, NodeId from, const QuorumApplied& a) {
  QuorumClient* c = quorum_client(a.group);
  if (!c || a.incarnation != incarnation_) return;  // an answer to this node's previous life
  c->leader = from;
  c->waiting_since = ctx.now();  // progress: the next command's wait starts now
  while (!c->pending.empty() && c->pending.front().op->seq <= a.seq) {
    const std::uint64_t confirm = c->pending.front().confirm;
    c->pending.pop_front();
    if (confirm == 0) continue;
    // The queue's share of a publisher confirm, as for a classic queue on another node.
    const std::uint64_t ref = next_ref_++;
    forwarded_[ref] = Forwarded{confirm, from};
    settle_forward(ctx, ref, true);
  }
}

void QueueBroker::quorum_redirect(Context& ctx, const QuorumRedirect& r) {
  QuorumClient* c = quorum_client(r.group);
  if (!c) return;
  if (r.leader == kNoNode || r.leader == c->leader) {
    c->ask_again = true;  // an election is on: ask the same replica again shortly
    return;
  }
  c->leader = r.leader;
  resend_pending(ctx, *c);
}

void QueueBroker::resend_pending(Context& ctx, QuorumClient& c) {
  c.waiting_since = ctx.now();
  c.unsent.clear();  // all of them go now
  std::vector<QuorumOpPtr> ops;
  for (const auto& p : c.pending) ops.push_back(p.op);
  quorum_send(ctx, c, ops);
}

void QueueBroker::next_replica(Context& ctx, QuorumClient& c) {
  // Ask the next replica that is up; its redirect names the leader it knows.
  const auto& reps = c.cfg.replicas;
  const auto at = static_cast<std::size_t>(std::find(reps.begin(), reps.end(), c.leader) - reps.begin());
  for (std::size_t k = 1; k <= reps.size(); ++k) {
    const NodeId n = reps[(at + k) % reps.size()];
    if (n == ctx.self() || peers_.at(n).up) {
      c.leader = n;
      return;
    }
  }
}

void QueueBroker::quorum_retry(Context& ctx) {
  for (auto& [name, c] : quorum_) {
    if (c.pending.empty()) continue;
    if (c.ask_again) {
      c.ask_again = false;
      resend_pending(ctx, c);
      continue;
    }
    if (ctx.now() - c.waiting_since < kRetryS * 0.999) continue;
    next_replica(ctx, c);  // no answer: the leader may be gone
    resend_pending(ctx, c);
  }
  ctx.set_timer(kRetryCheckS, Timer{kQuorumRetry, 0});
}

void QueueBroker::quorum_apply(Context& ctx, QuorumReplica& r, std::uint64_t index, const raft::Entry& e) {
  std::uint64_t* traced = cfg_.replicated_traced ? &(*cfg_.replicated_traced)[r.name] : nullptr;
  const bool leader = r.raft->role() == raft::Role::Leader;
  const bool first = !traced || index > *traced;
  if (leader && traced) *traced = std::max(*traced, index);
  ReplicaSink sink(*this, ctx, r, first);
  sink.name = r.name;
  sink.group = quorum_.at(r.name).group;
  if (e.cmd.kind == 0) {
    // The new leader's own no-op: everything before it is applied. Deliveries the old
    // leader made may have died with it, and consumers on nodes that are down are gone.
    if (leader && e.term == r.raft->term()) {
      r.state.resend_checked_out(sink);
      for (const auto& [id, peer] : peers_)
        if (!peer.up) propose_node_down(ctx, r, id);
    }
    return;
  }
  r.state.apply(*std::static_pointer_cast<const QuorumOp>(e.cmd.body), sink);
  // Raft log compaction, as Ra snapshots a quorum queue: keep the state, drop the
  // entries, every so many applied commands.
  if (index - r.raft->snapshot_index() >= kSnapshotEvery)
    r.raft->compact(index, std::make_shared<const QuorumState>(r.state));
}

void QueueBroker::propose_node_down(Context& ctx, QuorumReplica& r, NodeId node) {
  QuorumOp op;
  op.kind = QuorumOp::Kind::NodeDown;
  op.via = node;
  raft::Command rc;
  rc.kind = static_cast<std::uint32_t>(op.kind);
  rc.body = std::make_shared<const QuorumOp>(std::move(op));
  r.raft->propose(ctx, std::move(rc));  // ignored unless this replica leads
}

void QueueBroker::quorum_peer_down(Context& ctx, NodeId peer) {
  for (auto& [name, r] : replicas_) propose_node_down(ctx, r, peer);
  for (auto& [name, c] : quorum_)
    if (c.leader == peer) {
      next_replica(ctx, c);
      resend_pending(ctx, c);
    }
}

void QueueBroker::to_quorum_consumer(Context& ctx, NodeId client, const Packet& p) {
  auto it = conns_.find(client);
  if (it == conns_.end() || !it->second.quorum) return;  // the client left this node
  Connection& conn = it->second;
  if (auto* d = p.as<Deliver>()) {
    if (d->connection != conn.number || d->tag <= conn.last_tag) return;  // old connection, or sent again
    conn.last_tag = d->tag;
  }
  if (auto* ok = p.as<ConsumeOk>(); ok && ok->connection != conn.number) return;
  send(ctx, client, p);
}

bool QueueBroker::quorum_packet(Context& ctx, NodeId from, const Packet& p) {
  if (auto* c = p.as<QuorumCommand>()) return quorum_command(ctx, from, *c), true;
  if (auto* a = p.as<QuorumApplied>()) return quorum_applied(ctx, from, *a), true;
  if (auto* r = p.as<QuorumRedirect>()) return quorum_redirect(ctx, *r), true;
  if (raft::group_of(p) != ~0U) {
    for (auto& [name, r] : replicas_)
      if (r.raft->on_packet(ctx, from, p)) return true;
    return true;  // a group this node does not host (any more): ignore
  }
  return false;
}

}  // namespace bs::amqp

namespace bs::amqp {

void QueueBroker::quorum_settle(Context& ctx, NodeId client, const Packet& p) {
  const Connection& conn = conns_.at(client);
  QuorumOp op;
  op.consumer = client;
  if (auto* a = p.as<Ack>()) {
    op.kind = QuorumOp::Kind::Settle;
    op.connection = a->connection;
    op.tag = a->tag;
    op.multiple = a->multiple;
  } else {
    const Nack& n = *p.as<Nack>();
    op.kind = QuorumOp::Kind::Return;
    op.connection = n.connection;
    op.tag = n.tag;
    op.multiple = n.multiple;
    op.requeue = n.requeue;
  }
  if (op.connection != conn.number) return;  // a settlement from a connection already closed
  quorum_submit(ctx, conn.queue, std::move(op));
}

}  // namespace bs::amqp
