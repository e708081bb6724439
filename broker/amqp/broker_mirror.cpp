// Classic queue mirroring (RabbitMQ 3.x "Classic Queue Mirroring", the policy keys
// ha-mode, ha-sync-mode, ha-promote-on-failure): a classic queue's leader replicates
// every change to its mirrors and confirms a publish once every live mirror holds it; a
// mirror that (re)joins is unsynchronised unless synchronised at once; when the leader's
// node dies the oldest live mirror is promoted — unsynchronised or not with "always",
// only when synchronised with "when-synced" — and what it lacks is lost.
#include <algorithm>

#include "amqp/broker.hpp"

namespace bs::amqp {

std::map<std::uint64_t, QueuedMessage> QueueBroker::held_messages(const QueueState& q) const {
  std::map<std::uint64_t, QueuedMessage> out;
  for (const auto& qm : q.mq.ready()) out.emplace(qm.position, qm);
  for (const auto& [id, c] : conns_)
    for (const auto& [tag, u] : c.unacked)
      if (u.queue == q.cfg.name) {
        QueuedMessage qm = u.qm;
        qm.redelivered = true;  // it was delivered: a promoted mirror gives it back redelivered
        out.emplace(qm.position, std::move(qm));
      }
  return out;
}

void QueueBroker::start_mirrors(Context& ctx) {
  if (incarnation_ > 1) youngest_mirror(cfg_.cluster.self);  // a restarted node's mirrors are the newest
  for (auto& [name, q] : queues_) {
    q.mirrors.clear();
    q.awaiting.clear();
    q.unmirrored.clear();
    for (NodeId m : q.cfg.mirrors)
      if (m != cfg_.cluster.self) mirror_join(ctx, q, m);
  }
}

void QueueBroker::mirror_join(Context& ctx, QueueState& q, NodeId m) {
  MirrorJoin j;
  j.queue = q.cfg.name;
  j.leader = cfg_.cluster.self;
  j.seq = q.mirror_seq;
  j.next_position = q.mq.next_position();
  const auto held = held_messages(q);
  MirrorLink link;
  link.acked = 0;
  j.synced = q.cfg.ha_sync_automatic || held.empty();
  for (const auto& [pos, qm] : held) {
    if (j.synced) j.held.push_back(qm);
    else j.absent.emplace_back(pos, qm.msg.id);
  }
  link.synced = j.synced;
  link.horizon = j.synced || held.empty() ? 0 : held.rbegin()->first;
  q.mirrors[m] = link;
  ctx.send(m, std::move(j));
  ctx.emit(Event{.kind = ev::MirrorState, .peer = m, .queue = q.cfg.trace_name, .flag = link.synced});
}

void QueueBroker::mirror(Context& ctx, QueueState& q, MirrorOp::Kind kind, const QueuedMessage& qm) {
  if (q.mirrors.empty()) return;
  const std::uint64_t seq = ++q.mirror_seq;
  for (const auto& [m, link] : q.mirrors) {
    MirrorOp op;
    op.queue = q.cfg.name;
    op.seq = seq;
    op.kind = kind;
    op.position = qm.position;
    if (kind == MirrorOp::Kind::Enqueue) op.qm = qm;
    ctx.send(m, std::move(op));
  }
  if (kind == MirrorOp::Kind::Enqueue) q.unmirrored.emplace_back(seq, qm.position);
  if (kind != MirrorOp::Kind::Remove) return;
  // ha-sync-mode manual: an unsynchronised mirror catches up when the last message it
  // lacks leaves the queue.
  const auto held = held_messages(q);
  for (auto& [m, link] : q.mirrors) {
    if (link.synced || (!held.empty() && held.begin()->first <= link.horizon)) continue;
    link.synced = true;
    ctx.send(m, MirrorSynced{q.cfg.name});
    ctx.emit(Event{.kind = ev::MirrorState, .peer = m, .queue = q.cfg.trace_name, .flag = true});
  }
}

bool QueueBroker::await_mirrors(QueueState& q, Awaiting a) {
  if (q.mirrors.empty()) return false;
  a.seq = q.mirror_seq;
  q.awaiting.push_back(a);
  return true;
}

void QueueBroker::release_awaiting(Context& ctx, QueueState& q) {
  std::uint64_t held = q.mirror_seq;
  for (const auto& [m, link] : q.mirrors) held = std::min(held, link.acked);
  while (!q.unmirrored.empty() && q.unmirrored.front().first <= held) q.unmirrored.pop_front();
  while (!q.awaiting.empty() && q.awaiting.front().seq <= held) {
    const Awaiting a = q.awaiting.front();
    q.awaiting.pop_front();
    if (a.origin != kNoNode) {
      ctx.send(a.origin, PublishOutcome{a.ref, true, a.msg});
    } else {
      const std::uint64_t ref = next_ref_++;
      forwarded_[ref] = Forwarded{a.confirm, cfg_.cluster.self};
      settle_forward(ctx, ref, true);
    }
  }
}

bool QueueBroker::mirror_packet(Context& ctx, NodeId from, const Packet& p) {
  if (auto* j = p.as<MirrorJoin>()) {
    if (queues_.count(j->queue)) {
      ctx.send(from, QueueMoved{j->queue, cfg_.cluster.self, queues_.at(j->queue).cfg.epoch});  // this node leads it
      return true;
    }
    // Only the leader this node knows may admit it; tell any other claimant who that is.
    if (auto r = remote_.find(j->queue); r != remote_.end() && r->second.home != from) {
      ctx.send(from, QueueMoved{j->queue, r->second.home, r->second.epoch});
      return true;
    }
    Shadow s;
    s.leader = j->leader;
    s.synced = j->synced;
    s.next_position = j->next_position;
    for (const auto& qm : j->held) s.held.emplace(qm.position, qm);
    for (const auto& [pos, id] : j->absent) s.absent.emplace(pos, id);
    shadows_[j->queue] = std::move(s);
    ctx.send(from, MirrorAck{j->queue, j->seq});
    return true;
  }
  if (auto* op = p.as<MirrorOp>()) {
    auto it = shadows_.find(op->queue);
    if (it == shadows_.end() || it->second.leader != from) return true;  // not (any more) its mirror
    Shadow& s = it->second;
    switch (op->kind) {
      case MirrorOp::Kind::Enqueue:
        s.held.emplace(op->position, op->qm);
        s.next_position = std::max(s.next_position, op->position + 1);
        break;
      case MirrorOp::Kind::Deliver:
      case MirrorOp::Kind::Requeue:
        if (auto h = s.held.find(op->position); h != s.held.end()) h->second.redelivered = true;
        break;
      case MirrorOp::Kind::Remove:
        s.held.erase(op->position);
        s.absent.erase(op->position);
        break;
    }
    ctx.send(from, MirrorAck{op->queue, op->seq});
    return true;
  }
  if (auto* a = p.as<MirrorAck>()) {
    auto it = queues_.find(a->queue);
    if (it == queues_.end()) return true;
    auto link = it->second.mirrors.find(from);
    if (link == it->second.mirrors.end()) return true;
    link->second.acked = std::max(link->second.acked, a->seq);
    release_awaiting(ctx, it->second);
    return true;
  }
  if (auto* s = p.as<MirrorSynced>()) {
    if (auto it = shadows_.find(s->queue); it != shadows_.end() && it->second.leader == from) {
      it->second.synced = true;
      it->second.absent.clear();
    }
    return true;
  }
  if (auto* m = p.as<QueueMoved>()) {
    if (!remote_.count(m->queue) && !queues_.count(m->queue)) return true;  // a queue this node forgot
    QueueConfig& c = remote_.count(m->queue) ? remote_.at(m->queue) : queues_.at(m->queue).cfg;
    // A claim older than what this node knows, or losing a tie, is ignored: its
    // claimant learns of the better one from this node's own claim or its peers'.
    if (m->home == c.home || m->epoch < c.epoch || (m->epoch == c.epoch && m->home > c.home)) return true;
    // Autoheal: two leaders after a partition wait for the winning partition's verdict.
    if (autoheal() && healing_ && queues_.count(m->queue)) return true;
    // The old leader becomes the youngest mirror; the promoted one leads.
    std::vector<NodeId> mirrors;
    for (NodeId n : c.mirrors)
      if (n != m->home) mirrors.push_back(n);
    mirrors.push_back(c.home);
    c.mirrors = mirrors;
    c.home = m->home;
    c.epoch = m->epoch;
    if (auto q = queues_.find(m->queue); q != queues_.end()) give_up_leadership(ctx, q->second);
    if (auto s = shadows_.find(m->queue); s != shadows_.end()) s->second.leader = m->home;
    return true;
  }
  return false;
}

void QueueBroker::give_up_leadership(Context& ctx, QueueState& q) {
  // Another node leads the queue now (it was promoted while this one was down or cut
  // off): this copy is discarded and the node rejoins as a mirror. What this side alone
  // accepted meanwhile is lost (RabbitMQ, Partitions: "the losing side's changes are
  // discarded").
  const std::string name = q.cfg.name;
  if (q.split_from > 0)
    for (const auto& [pos, qm] : held_messages(q))
      if (pos >= q.split_from)
        ctx.emit(Event{.kind = ev::Drop, .msg = qm.msg.id, .queue = q.cfg.trace_name, .seq = static_cast<std::int64_t>(pos),
                       .text = "split_brain"});
  std::vector<NodeId> consumers;
  for (auto& [id, c] : conns_)
    if (c.consumer && c.queue == name && c.proxy_to == kNoNode && !c.quorum) consumers.push_back(id);
  for (NodeId id : consumers) {
    // Its consumers are cancelled; the model closes their connections and they reconnect.
    Connection& c = conns_.at(id);
    c.unacked.clear();
    const std::uint32_t number = c.number;
    const NodeId via = c.via;
    conns_.erase(id);
    if (via != kNoNode) ctx.send(via, Relay{id, ConnectionClose{number, 320}});
    else ctx.send(id, ConnectionClose{number, 320});
  }
  remote_[name] = q.cfg;
  queues_.erase(name);
}

void QueueBroker::mirror_peer_down(Context& ctx, NodeId peer) {
  // A leader loses a mirror: it no longer waits for it, and from now on its copy may
  // hold what no mirror has.
  for (auto& [name, q] : queues_)
    if (q.mirrors.erase(peer)) {
      if (q.split_from == 0) q.split_from = q.unmirrored.empty() ? q.mq.next_position() : q.unmirrored.front().second;
      release_awaiting(ctx, q);
    }
  // A mirror loses its leader: the oldest mirror still up takes over (not on a paused
  // node, which serves nothing).
  if (paused_) return;
  std::vector<std::string> orphaned;
  for (const auto& [name, s] : shadows_)
    if (s.leader == peer) orphaned.push_back(name);
  for (const auto& name : orphaned) {
    const QueueConfig& c = remote_.at(name);
    NodeId oldest = kNoNode;
    for (NodeId m : c.mirrors)
      if (m == cfg_.cluster.self || (m != peer && peers_.at(m).up)) {
        oldest = m;
        break;
      }
    if (oldest == cfg_.cluster.self) promote(ctx, name);
  }
}

void QueueBroker::youngest_mirror(NodeId node) {
  auto to_back = [node](QueueConfig& c) {
    auto it = std::find(c.mirrors.begin(), c.mirrors.end(), node);
    if (it == c.mirrors.end()) return;
    c.mirrors.erase(it);
    c.mirrors.push_back(node);
  };
  for (auto& [name, c] : remote_) to_back(c);
  for (auto& [name, q] : queues_) to_back(q.cfg);
}

void QueueBroker::mirror_peer_up(Context& ctx, NodeId peer) {
  // RabbitMQ promotes the longest running mirror: one that comes back is the youngest.
  youngest_mirror(peer);
  for (auto& [name, q] : queues_) {
    // A node of the queue's mirror set is back (restarted, or reachable again): tell it
    // who leads, and admit it as a mirror.
    if (std::find(q.cfg.mirrors.begin(), q.cfg.mirrors.end(), peer) == q.cfg.mirrors.end()) continue;
    ctx.send(peer, QueueMoved{name, cfg_.cluster.self, q.cfg.epoch});
    mirror_join(ctx, q, peer);
  }
}

void QueueBroker::promote(Context& ctx, const std::string& name) {
  Shadow s = std::move(shadows_.at(name));
  shadows_.erase(name);
  QueueConfig c = remote_.at(name);
  const bool ok = s.synced || c.ha_promote_always;
  ctx.emit(Event{.kind = ev::MirrorPromoted, .peer = c.home, .queue = c.trace_name,
                 .tag = static_cast<std::int64_t>(s.absent.size()), .seq = ok ? static_cast<std::int64_t>(s.held.size()) : 0,
                 .flag = ok, .text = s.synced ? "synchronised" : "unsynchronised"});
  if (!ok) {
    shadows_[name] = std::move(s);  // when-synced: stay a mirror; the queue waits for its leader
    return;
  }
  std::vector<NodeId> mirrors;
  for (NodeId n : c.mirrors)
    if (n != cfg_.cluster.self) mirrors.push_back(n);
  mirrors.push_back(c.home);
  c.mirrors = mirrors;
  c.home = cfg_.cluster.self;
  ++c.epoch;
  remote_.erase(name);
  QueueState& q = queues_[name];
  q.cfg = c;
  q.lane = next_lane_++;
  q.mq.skip_to(s.next_position);
  q.split_from = q.mq.next_position();
  // What the mirror held comes back as the queue; what it had seen delivered is
  // redelivered. The trace lists it so the checker knows what survived.
  for (auto& [pos, qm] : s.held) {
    ctx.emit(Event{.kind = ev::Requeue, .msg = qm.msg.id, .queue = c.trace_name, .seq = static_cast<std::int64_t>(pos),
                   .flag = qm.redelivered, .text = "promoted"});
    q.mq.restore(qm);
  }
  for (const auto& [id, peer] : peers_) ctx.send(id, QueueMoved{name, cfg_.cluster.self, c.epoch});
  for (NodeId m : c.mirrors)
    if (m != cfg_.cluster.self && peers_.at(m).up) mirror_join(ctx, q, m);
}

}  // namespace bs::amqp
