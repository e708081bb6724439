#include "amqp/broker.hpp"
#include "activemq/events.hpp"
#include "amqp/broker_timers.hpp"

#include <algorithm>
#include <string_view>

namespace bs::amqp {

QueueBroker::QueueBroker(BrokerConfig cfg) : cfg_(std::move(cfg)) {
  // The default exchange: a direct exchange with an implicit binding per queue name.
  Exchange def{"", ExchangeType::Direct, {}};
  for (const auto& q : cfg_.queues) def.bindings.push_back(Binding{q.name, q.name, {}, true});
  exchanges_[""] = def;
  for (const auto& e : cfg_.exchanges) exchanges_[e.name] = Exchange{e.name, e.type, {}};
  for (const auto& b : cfg_.bindings) exchanges_[b.exchange].bindings.push_back(b.binding);
  std::uint32_t group = 0;
  for (auto q : cfg_.queues) {
    if (q.trace_name.empty()) q.trace_name = q.name;
    if (q.type == QueueConfig::Type::Quorum) {
      QuorumClient& c = quorum_[q.name];
      c.cfg = q;
      c.group = ++group;
      const auto& reps = q.replicas;
      if (std::find(reps.begin(), reps.end(), cfg_.cluster.self) == reps.end()) continue;
      // Ra's timing is of this order: a leader's silence is noticed within a second.
      raft::Config rc{"queue " + q.trace_name, reps, 0.3, 0.6, 0.1, 256, true, 4096, c.group};
      QuorumReplica& r = replicas_[q.name];
      r.name = q.name;
      r.state = QuorumState(q.trace_name, q.delivery_limit);
      r.raft = std::make_unique<raft::Peer>(rc, cfg_.cluster.self, [this, &r](Context& ctx, std::uint64_t i, const raft::Entry& e) {
        quorum_apply(ctx, r, i, e);
      });
      r.raft->set_restore([&r](Context&, const std::shared_ptr<const void>& s) {
        r.state = *std::static_pointer_cast<const QuorumState>(s);
      });
    } else if (q.home == kNoNode || q.home == cfg_.cluster.self) {
      queues_[q.name].cfg = q;
      queues_[q.name].lane = next_lane_++;
    } else {
      remote_[q.name] = q;
    }
  }
  for (NodeId n : cfg_.cluster.nodes)
    if (n != cfg_.cluster.self) peers_[n];
}

const std::string& QueueBroker::label(const std::string& q) const {
  if (auto it = queues_.find(q); it != queues_.end()) return it->second.cfg.trace_name;
  if (auto it = remote_.find(q); it != remote_.end()) return it->second.trace_name;
  return q;
}

const MessageQueue* QueueBroker::queue(const std::string& name) const {
  auto it = queues_.find(name);
  return it == queues_.end() ? nullptr : &it->second.mq;
}

std::size_t QueueBroker::unacked_count(NodeId consumer) const {
  auto it = conns_.find(consumer);
  return it == conns_.end() ? 0 : it->second.unacked.size();
}

void QueueBroker::on_start(Context& ctx) {
  ctx.set_timer(cfg_.heartbeat_s, Timer{kHeartbeat, 0});
  if (cfg_.cluster.clustered()) {
    // Ticks first: a peer must learn of the restart before anything else from this node.
    ++incarnation_;
    for (auto& [id, peer] : peers_) peer = PeerNode{ctx.now(), true, 0};
    tick_peers(ctx);
  }
  start_quorum(ctx);
  start_mirrors(ctx);
  if (cfg_.total_memory_bytes > 0) ctx.set_timer(cfg_.memory_monitor_interval_s, Timer{kMemory, 0});
  // Recovered durable messages (after a restart) may have expired meanwhile.
  for (auto& [name, q] : queues_) {
    expire_head(ctx, q);
    // The expiry timers armed at enqueue died with the crash: re-arm one per recovered
    // message with a TTL, or they would sit in the queue forever once nothing else
    // (a publish, an ack) happens to look at the head.
    for (const auto& qm : q.mq.ready())
      if (qm.expires_at >= 0) ctx.set_timer(std::max(0.0, qm.expires_at - ctx.now()), Timer{kExpiry, 0});
  }
}

void QueueBroker::send(Context& ctx, NodeId to, Packet p) {
  auto it = conns_.find(to);
  if (it != conns_.end()) {
    it->second.last_sent = ctx.now();
    if (it->second.via != kNoNode) return ctx.send(it->second.via, Relay{to, std::move(p)});
  }
  ctx.send(to, std::move(p));
}

void QueueBroker::on_packet(Context& ctx, NodeId from, const Packet& p) {
  if (is_peer(from)) {
    bool restarted = false;
    if (auto* t = p.as<NodeTick>()) {
      auto& peer = peers_.at(from);
      // It restarted before we noticed it was down: what we relayed there is gone.
      restarted = peer.incarnation != 0 && t->incarnation != peer.incarnation;
      if (restarted && peer.up) peer_down(ctx, from, "restarted");
      peer.incarnation = t->incarnation;
    }
    heard_from(ctx, from, !restarted);
    if (p.is<NodeTick>()) return;
    if (paused_) {
      // A paused node serves nobody: forwarded publishes are refused, the rest waits.
      if (auto* f = p.as<ForwardPublish>(); f && f->ref) ctx.send(from, PublishOutcome{f->ref, false, f->msg.id});
      return;
    }
    if (quorum_packet(ctx, from, p)) return;
    if (mirror_packet(ctx, from, p)) return;
    if (auto* r = p.as<AutohealReport>()) return autoheal_collect(ctx, from, *r);
    if (auto* d = p.as<AutohealDecision>()) return autoheal_decide(ctx, *d);
    if (auto* f = p.as<ForwardPublish>()) return handle_forward(ctx, from, *f);
    if (auto* o = p.as<PublishOutcome>()) return settle_forward(ctx, o->ref, o->ok);
    if (auto* r = p.as<Relay>()) return handle_relay(ctx, from, *r);
    return;
  }
  if (paused_) return refuse(ctx, from, p);
  if (auto* c = p.as<Consume>()) return handle_consume(ctx, from, *c);
  if (auto* o = p.as<Open>()) return handle_open(ctx, from, *o);
  auto it = conns_.find(from);
  if (it != conns_.end()) {
    it->second.last_heard = ctx.now();
    // A relayed consumer's settlements go to its queue's node, or its quorum queue's leader.
    if (it->second.proxy_to != kNoNode && (p.is<Ack>() || p.is<Nack>())) return ctx.send(it->second.proxy_to, Relay{from, p});
    if (it->second.quorum && (p.is<Ack>() || p.is<Nack>())) return quorum_settle(ctx, from, p);
  }
  if (cfg_.xa && xa_packet(ctx, from, p)) return;
  if (auto* x = p.as<Publish>()) return x->transaction ? hold_transacted(ctx, from, *x) : handle_publish(ctx, from, *x);
  if (auto* x = p.as<TransactionEnd>()) return end_transaction(ctx, from, *x);
  if (auto* x = p.as<Ack>()) return handle_ack(ctx, from, *x);
  if (auto* x = p.as<Nack>()) return handle_nack(ctx, from, *x);
  // Heartbeats only refresh last_heard (done above); other client packets are not ours.
}

void QueueBroker::on_queue_process(Context& ctx, QueueState& q, double cost_s, std::function<void(Context&)> fn) {
  if (!cfg_.cpu.modelled()) return fn(ctx);
  q.work.push_back(std::move(fn));
  ctx.compute(q.lane, cost_s, Timer{kQueueWork, q.lane});
}

void QueueBroker::handle_publish(Context& ctx, NodeId from, const Publish& p) {
  // With CPU modelled, a publish to a queue here waits for that queue's process; the
  // channel's routing is free. A message routed to several local queues is charged on
  // the first one's lane (the lessons route each message to one queue).
  if (cfg_.cpu.modelled()) {
    auto ex = exchanges_.find(p.msg.exchange);
    if (ex != exchanges_.end())
      for (const auto& qn : ex->second.route(p.msg))
        if (auto q = queues_.find(qn); q != queues_.end())
          return on_queue_process(ctx, q->second, cfg_.cpu.publish_s,
                                  [this, from, p](Context& c) { handle_publish_now(c, from, p); });
  }
  handle_publish_now(ctx, from, p);
}

void QueueBroker::handle_publish_now(Context& ctx, NodeId from, const Publish& p) {
  auto& conn = conns_[from];  // publishers open their connection implicitly
  conn.last_heard = ctx.now();
  if (!conn.publisher) {
    conn.publisher = true;
    if (memory_alarm_) send(ctx, from, ConnectionBlocked{});  // it joins a blocked node
  }
  std::vector<std::string> touched, remote;
  bool rejected = false;
  const std::size_t reached = route_and_enqueue(ctx, p.msg.exchange, p.msg, &touched, &rejected, &remote);
  if (reached == 0) {
    Event e{.kind = ev::Unroutable, .msg = p.msg.id, .peer = from, .flag = p.mandatory,
            .text = p.msg.exchange};
    ctx.emit(std::move(e));
    // RabbitMQ: basic.return goes out before the confirm of a mandatory unroutable message.
    if (p.mandatory) send(ctx, from, Return{p.msg});
  }
  // RabbitMQ confirms an unroutable message once the exchange finds no queue, and a
  // routable one once every queue has accepted it; a queue at its length limit with
  // x-overflow reject-publish(-dlx) makes it a basic.nack (the other queues keep it).
  // Queues on other nodes, and mirrored queues here, answer later: the confirm waits
  // for all of them (RabbitMQ confirms a mirrored queue's message once every mirror
  // has it).
  std::vector<std::string> mirrored;
  for (const auto& q : touched)
    if (!queues_.at(q).mirrors.empty()) mirrored.push_back(q);
  std::uint64_t pending = 0;
  if (p.confirm && !(remote.empty() && mirrored.empty())) {
    pending = next_confirm_++;
    confirms_[pending] = PendingConfirm{from, p.seq, p.msg.id, remote.size() + mirrored.size(), !rejected};
    for (const auto& q : mirrored) await_mirrors(queues_.at(q), Awaiting{.confirm = pending, .msg = p.msg.id});
  } else if (p.confirm) {
    send(ctx, from, Confirm{p.seq, false, !rejected, p.msg.id});
  }
  for (const auto& q : remote) forward(ctx, q, p.msg, pending);
  for (const auto& q : touched) dispatch(ctx, q);
}

std::uint64_t QueueBroker::memory_used() const {
  std::uint64_t used = 0;
  for (const auto& [name, q] : queues_) used += q.mq.bytes() + q.mq.size() * cfg_.message_overhead_bytes;
  for (const auto& [id, c] : conns_)
    for (const auto& [tag, u] : c.unacked) used += u.qm.msg.size_bytes + cfg_.message_overhead_bytes;
  return used;
}

void QueueBroker::check_memory(Context& ctx) {
  if (cfg_.total_memory_bytes == 0) return;
  const std::uint64_t used = memory_used();
  const auto limit = static_cast<std::uint64_t>(cfg_.vm_memory_high_watermark * static_cast<double>(cfg_.total_memory_bytes));
  const bool alarm = used > limit;
  if (alarm == memory_alarm_) return;
  memory_alarm_ = alarm;
  ctx.emit(Event{.kind = ev::MemoryAlarm, .tag = static_cast<std::int64_t>(used), .seq = static_cast<std::int64_t>(limit),
                 .flag = alarm});
  // Publishing connections are blocked (the node stops reading them); consumers go on.
  for (const auto& [id, c] : conns_)
    if (c.publisher) {
      if (alarm) send(ctx, id, ConnectionBlocked{});
      else send(ctx, id, ConnectionUnblocked{});
    }
}

std::size_t QueueBroker::route_and_enqueue(Context& ctx, const std::string& ex, const AmqpMessage& m,
                                           std::vector<std::string>* touched, bool* rejected,
                                           std::vector<std::string>* remote) {
  auto it = exchanges_.find(ex);
  if (it == exchanges_.end()) return 0;
  const auto targets = it->second.route(m);
  for (const auto& qname : targets) {
    const auto& from = m.dead_lettered_from;  // x-death cycle check (see dead_letter_or_drop)
    if (std::find(from.begin(), from.end(), qname) != from.end()) continue;
    auto qit = queues_.find(qname);
    if (qit != queues_.end() && qit->second.cfg.subscription == QueueConfig::Subscription::NonDurable &&
        !qit->second.has_consumers()) {
      // A non-durable subscription exists only while its subscriber is connected.
      ctx.emit(Event{.kind = ev::SubscriberMissed, .msg = m.id, .queue = qit->second.cfg.trace_name, .text = "inactive"});
      continue;
    }
    if (qit == queues_.end()) {
      if (!remote_.count(qname) && !quorum_.count(qname)) continue;
      if (remote) {
        remote->push_back(qname);
      } else {
        forward(ctx, qname, m, 0);
        if (touched) touched->push_back(qname);  // reached; dispatching is its node's job
      }
      continue;
    }
    if (!enqueue(ctx, qit->second, m)) {
      if (rejected) *rejected = true;
      continue;
    }
    if (touched) touched->push_back(qname);
  }
  return targets.size();
}

bool QueueBroker::over_limit(const QueueState& q, std::uint64_t extra_msgs, std::uint64_t extra_bytes) const {
  return (q.cfg.max_length >= 0 && q.mq.size() + extra_msgs > static_cast<std::uint64_t>(q.cfg.max_length)) ||
         (q.cfg.max_length_bytes >= 0 && q.mq.bytes() + extra_bytes > static_cast<std::uint64_t>(q.cfg.max_length_bytes));
}

bool QueueBroker::enqueue(Context& ctx, QueueState& q, AmqpMessage m) {
  using Overflow = QueueConfig::Overflow;
  // RabbitMQ (Queue Length Limit): reject-publish refuses the newest message when the
  // queue is full; -dlx dead-letters it as well.
  if (q.cfg.overflow != Overflow::DropHead && over_limit(q, 1, m.size_bytes)) {
    if (q.cfg.overflow == Overflow::RejectPublishDlx) dead_letter_or_drop(ctx, q, m, "maxlen");
    else ctx.emit(Event{.kind = ev::Drop, .msg = m.id, .peer = m.producer, .queue = q.cfg.trace_name, .text = "reject-publish"});
    return false;
  }
  double ttl = q.cfg.message_ttl_s;
  if (m.ttl_s >= 0 && (ttl < 0 || m.ttl_s < ttl)) ttl = m.ttl_s;  // RabbitMQ: the lower applies
  const double expires = ttl >= 0 ? ctx.now() + ttl : -1;
  const MsgId id = m.id;
  const std::uint64_t pos = q.mq.push_back(std::move(m), expires);
  mirror(ctx, q, MirrorOp::Kind::Enqueue, q.mq.ready().back());
  ctx.emit(Event{.kind = ev::Enqueue, .msg = id, .queue = q.cfg.trace_name,
                 .seq = static_cast<std::int64_t>(pos)});
  if (expires >= 0) ctx.set_timer(ttl, Timer{kExpiry, 0});
  // drop-head (the default): the oldest ready messages make room, dropped or
  // dead-lettered with reason maxlen.
  while (q.cfg.overflow == Overflow::DropHead && !q.mq.empty() && over_limit(q, 0, 0)) {
    QueuedMessage old = q.mq.pop_front();
    mirror(ctx, q, MirrorOp::Kind::Remove, old);
    dead_letter_or_drop(ctx, q, old.msg, "maxlen");
  }
  return true;
}

bool QueueBroker::has_capacity(const Connection& c) const {
  // RabbitMQ ignores prefetch for automatic-acknowledgement consumers.
  return c.auto_ack || c.prefetch == 0 || c.unacked.size() < c.prefetch;
}

void QueueBroker::dispatch(Context& ctx, const std::string& qname) {
  auto& q = queues_.at(qname);
  expire_head(ctx, q);
  if (q.cfg.message_groups) return dispatch_groups(ctx, q);
  while (!q.mq.empty() && !q.active.empty()) {
    const NodeId consumer = q.active.front();
    q.active.pop_front();
    if (!has_capacity(conns_.at(consumer))) {
      q.blocked.push_back(consumer);  // at its prefetch limit: out of the rotation
      continue;
    }
    q.active.push_back(consumer);
    auto& conn = conns_.at(consumer);
    QueuedMessage qm = q.mq.pop_front();
    mirror(ctx, q, conn.auto_ack ? MirrorOp::Kind::Remove : MirrorOp::Kind::Deliver, qm);
    const std::uint64_t tag = conn.next_tag++;
    ctx.emit(Event{.kind = ev::Deliver, .msg = qm.msg.id, .peer = consumer, .queue = q.cfg.trace_name,
                   .tag = static_cast<std::int64_t>(tag), .seq = static_cast<std::int64_t>(qm.position),
                   .flag = qm.redelivered, .text = conn.auto_ack ? "auto_ack" : ""});
    Deliver d{qm.msg, q.cfg.trace_name, tag, qm.redelivered, conn.number};
    if (!conn.auto_ack) conn.unacked.emplace(tag, Unacked{std::move(qm), qname});
    if (cfg_.cpu.modelled()) {
      on_queue_process(ctx, q, cfg_.cpu.deliver_s, [this, consumer, d](Context& c) { send(c, consumer, d); });
    } else {
      send(ctx, consumer, std::move(d));
    }
    expire_head(ctx, q);
  }
}

QueueBroker::Connection QueueBroker::consumer_connection(Context& ctx, const Consume& c) {
  Connection conn;
  conn.number = c.connection;
  conn.last_heard = conn.last_sent = ctx.now();
  conn.consumer = true;
  conn.queue = c.queue;
  return conn;
}

void QueueBroker::handle_consume(Context& ctx, NodeId from, const Consume& c, NodeId via) {
  auto it = conns_.find(from);
  if (it != conns_.end() && it->second.consumer) {
    if (it->second.number == c.connection) return;  // duplicate request
    connection_lost(ctx, from, "reconnected");       // the old connection is gone
  }
  if (quorum_.count(c.queue) && via == kNoNode) {
    Connection& conn = conns_[from] = consumer_connection(ctx, c);
    conn.quorum = true;
    QuorumOp op;
    op.kind = QuorumOp::Kind::Attach;
    op.consumer = from;
    op.connection = c.connection;
    op.via = ctx.self();
    op.prefetch = c.prefetch;
    op.auto_ack = c.auto_ack;
    quorum_submit(ctx, c.queue, std::move(op));
    return;
  }
  auto qit = queues_.find(c.queue);
  if (qit == queues_.end()) {
    const NodeId home = via == kNoNode ? queue_node(c.queue) : kNoNode;
    if (home != kNoNode && peers_.at(home).up) {
      // The queue lives on another node: keep the client's connection here and relay
      // its consumer there.
      conns_[from] = consumer_connection(ctx, c);
      conns_[from].proxy_to = home;
      ctx.send(home, Relay{from, c});
      return;
    }
    // RabbitMQ: 404 NOT_FOUND closes the channel (also when the queue's node is down).
    if (via != kNoNode) ctx.send(via, Relay{from, ConnectionClose{c.connection, kNotFound}});
    else send(ctx, from, ConnectionClose{c.connection, kNotFound});
    return;
  }
  Connection conn;
  conn.number = c.connection;
  conn.last_heard = ctx.now();
  conn.last_sent = ctx.now();
  conn.consumer = true;
  conn.queue = c.queue;
  conn.prefetch = c.prefetch;
  conn.auto_ack = c.auto_ack;
  conn.via = via;
  conns_[from] = std::move(conn);
  qit->second.active.push_back(from);
  ctx.emit(Event{.kind = ev::ConsumerUp, .peer = from, .queue = label(c.queue),
                 .seq = static_cast<std::int64_t>(c.prefetch), .flag = c.auto_ack});
  send(ctx, from, ConsumeOk{c.connection});
  dispatch(ctx, c.queue);
}

void QueueBroker::handle_open(Context& ctx, NodeId from, const Open& o) {
  auto it = conns_.find(from);
  if (it != conns_.end() && it->second.consumer) connection_lost(ctx, from, "reconnected");
  if (auto t = transactions_.find(from); t != transactions_.end() && t->second.connection != o.connection)
    discard_transaction(ctx, from, "connection_lost");  // a new connection: the old one's session is gone
  Connection conn;
  conn.number = o.connection;
  conn.last_heard = ctx.now();
  conn.last_sent = ctx.now();
  conn.monitored = true;
  conns_[from] = std::move(conn);
  send(ctx, from, OpenOk{o.connection});
}

void QueueBroker::handle_ack(Context& ctx, NodeId from, const Ack& a) {
  if (cfg_.cpu.modelled()) {
    auto it = conns_.find(from);
    if (it != conns_.end() && it->second.consumer)
      if (auto q = queues_.find(it->second.queue); q != queues_.end())
        return on_queue_process(ctx, q->second, cfg_.cpu.ack_s, [this, from, a](Context& c) { handle_ack_now(c, from, a); });
  }
  handle_ack_now(ctx, from, a);
}

void QueueBroker::handle_ack_now(Context& ctx, NodeId from, const Ack& a) {
  auto it = conns_.find(from);
  if (it == conns_.end() || !it->second.consumer || it->second.number != a.connection) {
    // The connection this ack belongs to is closed; its deliveries were requeued.
    ctx.emit(Event{.kind = ev::Drop, .msg = a.msg, .peer = from, .tag = static_cast<std::int64_t>(a.tag),
                   .text = "stale_ack"});
    send(ctx, from, ConnectionClose{a.connection});
    return;
  }
  auto& conn = it->second;
  auto end = a.multiple ? conn.unacked.upper_bound(a.tag) : conn.unacked.find(a.tag);
  auto begin = a.multiple ? conn.unacked.begin() : end;
  if (!a.multiple) {
    if (end == conn.unacked.end()) {
      // RabbitMQ: PRECONDITION_FAILED - unknown delivery tag; the channel is closed.
      close_channel(ctx, from, a.connection, kPreconditionFailed);
      return;
    }
    ++end;
  }
  const std::string qname = conn.queue;
  std::vector<Unacked> acked;
  for (auto u = begin; u != end; ++u) {
    ctx.emit(Event{.kind = ev::Ack, .msg = u->second.qm.msg.id, .peer = from, .queue = label(u->second.queue),
                   .tag = static_cast<std::int64_t>(u->first)});
    if (!queues_.at(u->second.queue).mirrors.empty()) acked.push_back(u->second);
  }
  conn.unacked.erase(begin, end);
  // Mirrors learn of the removals once they are gone here (the synchronisation check
  // looks at what the queue still holds).
  for (const auto& u : acked) mirror(ctx, queues_.at(u.queue), MirrorOp::Kind::Remove, u.qm);
  unblock(qname, from);
  dispatch(ctx, qname);
}

void QueueBroker::unblock(const std::string& queue, NodeId consumer) {
  auto& q = queues_.at(queue);
  auto it = std::find(q.blocked.begin(), q.blocked.end(), consumer);
  if (it == q.blocked.end() || !has_capacity(conns_.at(consumer))) return;
  q.blocked.erase(it);
  q.active.push_back(consumer);
}

void QueueBroker::handle_nack(Context& ctx, NodeId from, const Nack& n) {
  auto it = conns_.find(from);
  if (it == conns_.end() || !it->second.consumer || it->second.number != n.connection) {
    send(ctx, from, ConnectionClose{n.connection});
    return;
  }
  auto& conn = it->second;
  std::vector<std::uint64_t> tags;
  if (n.multiple) {
    for (auto& [tag, u] : conn.unacked)
      if (tag <= n.tag) tags.push_back(tag);
  } else if (conn.unacked.count(n.tag)) {
    tags.push_back(n.tag);
  }
  if (tags.empty()) {
    close_channel(ctx, from, n.connection, kPreconditionFailed);
    return;
  }
  const std::string qname = conn.queue;
  for (auto tag : tags) {
    Unacked u = std::move(conn.unacked.at(tag));
    conn.unacked.erase(tag);
    ctx.emit(Event{.kind = ev::Nack, .msg = u.qm.msg.id, .peer = from, .queue = label(u.queue),
                   .tag = static_cast<std::int64_t>(tag), .flag = n.requeue});
    if (n.requeue) {
      requeue(ctx, std::move(u), from, "nack");
    } else {
      mirror(ctx, queues_.at(u.queue), MirrorOp::Kind::Remove, u.qm);
      dead_letter_or_drop(ctx, queues_.at(u.queue), u.qm.msg, n.poison ? "poison_ack" : "rejected");
    }
  }
  unblock(qname, from);
  dispatch(ctx, qname);
}

void QueueBroker::requeue(Context& ctx, Unacked u, NodeId consumer, const char* reason) {
  auto& q = queues_.at(u.queue);
  ctx.emit(Event{.kind = ev::Requeue, .msg = u.qm.msg.id, .peer = consumer, .queue = q.cfg.trace_name,
                 .seq = static_cast<std::int64_t>(u.qm.position), .flag = true, .text = reason});
  mirror(ctx, q, MirrorOp::Kind::Requeue, u.qm);
  q.mq.requeue(std::move(u.qm));
}

void QueueBroker::dead_letter_or_drop(Context& ctx, QueueState& q, const AmqpMessage& m, const char* reason) {
  if (q.cfg.dead_letter_exchange.empty()) {
    ctx.emit(Event{.kind = ev::Drop, .msg = m.id, .queue = q.cfg.trace_name, .text = reason});
    return;
  }
  ctx.emit(Event{.kind = ev::DeadLetter, .msg = m.id, .queue = q.cfg.trace_name,
                 .text = q.cfg.dead_letter_exchange + ":" + reason});
  AmqpMessage dl = m;
  dl.ttl_s = -1;  // RabbitMQ removes the per-message expiration when dead-lettering
  if (!q.cfg.dead_letter_routing_key.empty()) dl.key = q.cfg.dead_letter_routing_key;
  // RabbitMQ drops a message that would reach a queue it was already dead-lettered from
  // with no rejection in the cycle (x-death). Without this check an expiry cycle loops
  // forever (zero TTL: an endless loop inside one call; two queues: unbounded recursion).
  if (std::string_view(reason) == "rejected" || std::string_view(reason) == "poison_ack") dl.dead_lettered_from.clear();
  else dl.dead_lettered_from.push_back(q.cfg.name);
  std::vector<std::string> touched;
  const std::size_t matched = route_and_enqueue(ctx, q.cfg.dead_letter_exchange, dl, &touched);
  if (touched.empty())
    ctx.emit(Event{.kind = ev::Drop, .msg = m.id, .queue = q.cfg.trace_name,
                   .text = matched > 0 ? "dead_letter_cycle" : "dead_letter_unroutable"});
  // Dispatch later queues without recursion into the queue being walked.
  for (const auto& t : touched)
    if (t != q.cfg.name && queues_.count(t)) dispatch(ctx, t);
}

void QueueBroker::expire_head(Context& ctx, QueueState& q) {
  // RabbitMQ expires messages when they reach the head of the queue.
  while (!q.mq.empty() && q.mq.front().expires_at >= 0 && q.mq.front().expires_at <= ctx.now()) {
    QueuedMessage qm = q.mq.pop_front();
    mirror(ctx, q, MirrorOp::Kind::Remove, qm);
    dead_letter_or_drop(ctx, q, qm.msg, "expired");
  }
}

void QueueBroker::close_channel(Context& ctx, NodeId client, std::uint32_t connection, std::uint16_t code) {
  const NodeId via = conns_.at(client).via;
  connection_lost(ctx, client, "unknown_delivery_tag");
  if (via != kNoNode) ctx.send(via, Relay{client, ConnectionClose{connection, code}});
  else send(ctx, client, ConnectionClose{connection, code});
}

void QueueBroker::connection_lost(Context& ctx, NodeId client, const char* reason, bool traced) {
  auto it = conns_.find(client);
  if (it == conns_.end()) return;
  Connection conn = std::move(it->second);
  conns_.erase(it);
  if (traced) ctx.emit(Event{.kind = ev::ConnectionLost, .peer = client, .queue = label(conn.queue), .text = reason});
  if (transactions_.count(client)) discard_transaction(ctx, client, "connection_lost");
  for (auto c = confirms_.begin(); c != confirms_.end();)  // nobody to confirm to
    c = c->second.publisher == client ? confirms_.erase(c) : std::next(c);
  if (conn.quorum) {
    QuorumOp op;
    op.kind = QuorumOp::Kind::Detach;
    op.consumer = client;
    op.connection = conn.number;
    op.reason = reason;
    quorum_submit(ctx, conn.queue, std::move(op));
    return;
  }
  if (conn.proxy_to != kNoNode) {
    if (peers_.at(conn.proxy_to).up) ctx.send(conn.proxy_to, Relay{client, ClientGone{conn.number, reason}});
    return;
  }
  if (!conn.consumer) return;
  auto& q = queues_.at(conn.queue);
  q.active.erase(std::remove(q.active.begin(), q.active.end(), client), q.active.end());
  q.blocked.erase(std::remove(q.blocked.begin(), q.blocked.end(), client), q.blocked.end());
  if (q.cfg.message_groups) release_groups(q, client);
  if (q.cfg.subscription == QueueConfig::Subscription::NonDurable) return close_subscription(ctx, q, client, conn.unacked);
  // In delivery-tag order, each back to its original position.
  for (auto& [tag, u] : conn.unacked) requeue(ctx, std::move(u), client, "connection_lost");
  dispatch(ctx, conn.queue);
}

void QueueBroker::check_heartbeats(Context& ctx) {
  std::vector<NodeId> dead;
  // Consumer connections hold state worth reclaiming, and publishers with connection
  // recovery (connection.open) watch us as we watch them. Other publisher connections
  // are opened implicitly by their publishes and have no heartbeats.
  // A relayed client's heartbeats are the business of the node it is connected to.
  for (auto& [id, c] : conns_) {
    if ((c.consumer || c.monitored) && c.via == kNoNode && ctx.now() - c.last_heard > 2 * cfg_.heartbeat_s)
      dead.push_back(id);
  }
  for (NodeId id : dead) connection_lost(ctx, id, "missed_heartbeats");
  for (auto& [id, c] : conns_)
    if ((c.consumer || c.monitored) && c.via == kNoNode && ctx.now() - c.last_sent >= cfg_.heartbeat_s * 0.999)
      send(ctx, id, Heartbeat{});
}

void QueueBroker::on_timer(Context& ctx, const Timer& t) {
  if (t.kind == kHeartbeat) {
    check_heartbeats(ctx);
    ctx.set_timer(cfg_.heartbeat_s, Timer{kHeartbeat, 0});
  } else if (t.kind == kExpiry) {
    for (auto& [name, q] : queues_) {
      const auto before = q.mq.size();
      expire_head(ctx, q);
      if (q.mq.size() != before) dispatch(ctx, name);
    }
  } else if (t.kind == kQueueWork) {
    for (auto& [name, q] : queues_)
      if (q.lane == t.arg && !q.work.empty()) {
        auto fn = std::move(q.work.front());
        q.work.pop_front();
        fn(ctx);
        break;
      }
  } else if (t.kind == kTick) {
    tick_peers(ctx);
  } else if (t.kind == kQuorumRetry) {
    quorum_retry(ctx);
  } else if (t.kind == kQuorumFlush) {
    quorum_flush(ctx);
  } else if ((t.kind == raft::kElectionTimer || t.kind == raft::kHeartbeatTimer || t.kind == raft::kFlushTimer) && !paused_) {
    for (auto& [name, r] : replicas_)
      if (r.raft->on_timer(ctx, t)) break;
  } else if (t.kind == kMemory) {
    check_memory(ctx);
    ctx.set_timer(cfg_.memory_monitor_interval_s, Timer{kMemory, 0});
  }
}

void QueueBroker::on_crash(Context& ctx) {
  if (cfg_.xa) xa_crash(ctx);
  while (!transactions_.empty()) discard_transaction(ctx, transactions_.begin()->first, "broker_crash");
  // Durable queues keep persistent messages, delivered-but-unacked ones included.
  // Everything else lived only in memory. A crash is an unclean shutdown: RabbitMQ's
  // queue index cannot tell which recovered messages had been delivered, so every one
  // comes back with redelivered = true.
  for (auto& [id, conn] : conns_) {
    for (auto& [tag, u] : conn.unacked) {
      auto& q = queues_.at(u.queue);
      if (q.cfg.durable && u.qm.msg.persistent) {
        q.mq.requeue(std::move(u.qm));
      } else {
        ctx.emit(Event{.kind = ev::Drop, .msg = u.qm.msg.id, .queue = q.cfg.trace_name, .text = "broker_crash"});
      }
    }
  }
  for (auto& [name, q] : queues_) q.work.clear();  // the queue processes died with the node
  conns_.clear();
  forwarded_.clear();
  confirms_.clear();
  paused_ = false;
  healing_ = false;
  autoheal_reports_.clear();
  // A quorum queue's replica keeps its Raft log and rebuilds its state from it.
  for (auto& [name, r] : replicas_) {
    r.raft->crash();
    r.state.reset();
  }
  shadows_.clear();  // a mirror's copy lives in memory: a restarted node rejoins empty
  quorum_flush_armed_ = false;
  for (auto& [name, c] : quorum_) {
    c.pending.clear();
    c.unsent.clear();
    c.next_seq = 1;  // a new incarnation numbers its commands afresh
  }
  memory_alarm_ = false;  // recomputed from what survives at the first change after the restart
  for (auto& [name, q] : queues_) {
    std::deque<QueuedMessage> survivors;
    for (const auto& qm : q.mq.ready()) {
      if (q.cfg.durable && qm.msg.persistent) {
        survivors.push_back(qm);
        survivors.back().redelivered = true;
      } else {
        ctx.emit(Event{.kind = ev::Drop, .msg = qm.msg.id, .queue = q.cfg.trace_name, .text = "broker_crash"});
      }
    }
    q.mq.clear();
    for (auto& qm : survivors) q.mq.restore(std::move(qm));
    q.active.clear();
    q.blocked.clear();
    q.group_owner.clear();  // ActiveMQ keeps message group owners in memory
  }
  // RabbitMQ recovers only durable queues: a transient queue and every binding to it are
  // gone when the node comes back, so what was routed to it is unroutable from then on.
  for (auto it = queues_.begin(); it != queues_.end();) {
    // ActiveMQ: a non-durable subscription is the subscriber's to open again (empty).
    if (it->second.cfg.durable || it->second.cfg.subscription == QueueConfig::Subscription::NonDurable) {
      ++it;
      continue;
    }
    for (auto& [name, ex] : exchanges_)
      std::erase_if(ex.bindings, [&](const Binding& b) { return b.queue == it->first; });
    it = queues_.erase(it);
  }
}

}  // namespace bs::amqp
