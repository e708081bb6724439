// The cluster side of a queue-model broker node: inter-node ticks, publishes forwarded
// to the node that holds a queue, and consumers relayed to it.
#include "amqp/broker.hpp"
#include "amqp/broker_timers.hpp"

namespace bs::amqp {

NodeId QueueBroker::queue_node(const std::string& q) const {
  if (queues_.count(q)) return cfg_.cluster.self;
  auto it = remote_.find(q);
  return it == remote_.end() ? kNoNode : it->second.home;
}

void QueueBroker::tick_peers(Context& ctx) {
  // Erlang distribution ticks four times per net_ticktime and declares a peer down
  // after a whole net_ticktime of silence.
  for (auto& [id, peer] : peers_) {
    if (peer.up && ctx.now() - peer.last_heard > cfg_.cluster.net_ticktime_s) peer_down(ctx, id, "net_tick_timeout");
    ctx.send(id, NodeTick{incarnation_});
  }
  ctx.set_timer(cfg_.cluster.net_ticktime_s / 4, Timer{kTick, 0});
}

void QueueBroker::heard_from(Context& ctx, NodeId peer, bool healed) {
  auto& p = peers_.at(peer);
  p.last_heard = ctx.now();
  if (p.up) return;
  p.up = true;
  ctx.emit(Event{.kind = ev::NodeStatus, .peer = peer, .flag = true, .text = "reachable"});
  if (healed) autoheal_report(ctx, peer);
  check_minority(ctx);
  if (!paused_) mirror_peer_up(ctx, peer);
}

void QueueBroker::check_minority(Context& ctx) {
  using PH = ClusterConfig::PartitionHandling;
  if (cfg_.cluster.partition_handling != PH::PauseMinority) return;
  std::size_t reachable = 1;
  for (const auto& [id, p] : peers_) reachable += p.up;
  // RabbitMQ (Partitions): a node pauses when it sees no more than half of the cluster.
  const bool minority = reachable * 2 <= cfg_.cluster.nodes.size();
  if (minority == paused_) return;
  paused_ = minority;
  ctx.emit(Event{.kind = ev::NodePaused, .tag = static_cast<std::int64_t>(reachable),
                 .seq = static_cast<std::int64_t>(cfg_.cluster.nodes.size()), .flag = paused_});
  if (paused_) {
    // Pausing stops the broker: every client connection closes (clients reconnect to a
    // node of the majority), and the other side takes over what this node led.
    std::vector<NodeId> clients;
    for (const auto& [id, c] : conns_)
      if (c.via == kNoNode) clients.push_back(id);
    for (NodeId id : clients) {
      const std::uint32_t number = conns_.at(id).number;
      connection_lost(ctx, id, "node_paused");
      ctx.send(id, ConnectionClose{number, 320});
    }
    return;
  }
  // Resuming is a restart of the broker: it learns who leads now and rejoins.
  for (auto& [name, r] : replicas_) r.raft->start(ctx);
  for (const auto& [id, p] : peers_)
    if (p.up) mirror_peer_up(ctx, id);
}

void QueueBroker::refuse(Context& ctx, NodeId client, const Packet& p) {
  std::uint32_t number = 0;
  if (auto* c = p.as<Consume>()) number = c->connection;
  else if (auto* o = p.as<Open>()) number = o->connection;
  else if (!p.is<Publish>()) return;  // heartbeats, acks of a closed connection: nothing to say
  ctx.send(client, ConnectionClose{number, 320});
}

void QueueBroker::peer_down(Context& ctx, NodeId peer, const char* reason) {
  auto& p = peers_.at(peer);
  if (p.up) ctx.emit(Event{.kind = ev::NodeStatus, .peer = peer, .flag = false, .text = reason});
  p.up = false;
  check_minority(ctx);
  // Consumers connected through that node: their deliveries come back to the queue.
  std::vector<NodeId> via, proxied;
  for (const auto& [id, c] : conns_) {
    if (c.via == peer) via.push_back(id);
    if (c.proxy_to == peer) proxied.push_back(id);
  }
  for (NodeId id : via) connection_lost(ctx, id, reason, false);
  // Clients consuming that node's queues through this one lose their consumer; the
  // model closes the connection, and the client's recovery reconnects.
  for (NodeId id : proxied) {
    const std::uint32_t number = conns_.at(id).number;
    conns_.erase(id);
    ctx.send(id, ConnectionClose{number, 320});
  }
  // Publishes waiting for that node's answer: the channel could not hand them over.
  std::vector<std::uint64_t> refs;
  for (const auto& [ref, f] : forwarded_)
    if (f.node == peer) refs.push_back(ref);
  for (auto ref : refs) settle_forward(ctx, ref, false);
  quorum_peer_down(ctx, peer);
  mirror_peer_down(ctx, peer);
  // RabbitMQ deletes the transient queues of a node that went down, bindings and all
  // (a mirrored one survives on its mirrors).
  for (auto it = remote_.begin(); it != remote_.end();) {
    if (it->second.home != peer || it->second.durable || it->second.type != QueueConfig::Type::Classic ||
        !it->second.mirrors.empty()) {
      ++it;
      continue;
    }
    for (auto& [name, ex] : exchanges_)
      std::erase_if(ex.bindings, [&](const Binding& b) { return b.queue == it->first; });
    it = remote_.erase(it);
  }
}

void QueueBroker::forward(Context& ctx, const std::string& queue, const AmqpMessage& m, std::uint64_t confirm) {
  if (quorum_.count(queue)) {
    QuorumOp op;
    op.kind = QuorumOp::Kind::Enqueue;
    op.msg = m;
    return quorum_submit(ctx, queue, std::move(op), confirm);
  }
  const NodeId home = remote_.at(queue).home;
  const std::uint64_t ref = next_ref_++;
  forwarded_[ref] = Forwarded{confirm, home};
  if (!peers_.at(home).up) return settle_forward(ctx, ref, false);
  ctx.send(home, ForwardPublish{queue, m, confirm ? ref : 0, incarnation_});
  if (!confirm) forwarded_.erase(ref);
}

void QueueBroker::settle_forward(Context& ctx, std::uint64_t ref, bool ok) {
  auto it = forwarded_.find(ref);
  if (it == forwarded_.end()) return;
  const std::uint64_t id = it->second.confirm;
  forwarded_.erase(it);
  auto c = confirms_.find(id);
  if (c == confirms_.end()) return;
  c->second.ok &= ok;
  if (--c->second.outstanding > 0) return;
  // RabbitMQ: basic.nack when a queue process could not take the message.
  send(ctx, c->second.publisher, Confirm{c->second.seq, false, c->second.ok, c->second.msg});
  confirms_.erase(c);
}

void QueueBroker::handle_forward(Context& ctx, NodeId from, const ForwardPublish& f) {
  auto qit = queues_.find(f.queue);
  const bool ok = qit != queues_.end() && enqueue(ctx, qit->second, f.msg);
  // A mirrored queue answers once its mirrors hold the message.
  if (f.ref && !(ok && await_mirrors(qit->second, Awaiting{.origin = from, .ref = f.ref, .msg = f.msg.id})))
    ctx.send(from, PublishOutcome{f.ref, ok, f.msg.id});
  if (ok) dispatch(ctx, f.queue);
}

void QueueBroker::handle_relay(Context& ctx, NodeId from, const Relay& r) {
  const Packet& p = r.inner;
  // Towards the queue: the client's consumer lives here.
  if (auto* c = p.as<Consume>()) return handle_consume(ctx, r.client, *c, from);
  auto it = conns_.find(r.client);
  if (auto* g = p.as<ClientGone>()) {
    if (it != conns_.end() && it->second.via == from && it->second.number == g->connection)
      connection_lost(ctx, r.client, g->reason.c_str(), false);
    return;
  }
  if (p.is<Ack>() || p.is<Nack>()) {
    if (it == conns_.end() || it->second.via != from) {
      // The consumer is not (or no longer) here: its connection is closed.
      const std::uint32_t number = p.is<Ack>() ? p.as<Ack>()->connection : p.as<Nack>()->connection;
      ctx.send(from, Relay{r.client, ConnectionClose{number, 320}});
      return;
    }
    if (auto* a = p.as<Ack>()) return handle_ack(ctx, r.client, *a);
    return handle_nack(ctx, r.client, *p.as<Nack>());
  }
  // Towards the client: pass it on while the client is connected here for that node.
  if (it != conns_.end() && it->second.quorum) return to_quorum_consumer(ctx, r.client, p);
  if (it == conns_.end() || it->second.proxy_to != from) return;
  it->second.last_sent = ctx.now();
  if (auto* c = p.as<ConnectionClose>(); c && c->connection == it->second.number) conns_.erase(it);
  ctx.send(r.client, p);
}

}  // namespace bs::amqp
