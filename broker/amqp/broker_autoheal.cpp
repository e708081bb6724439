// cluster_partition_handling = autoheal (RabbitMQ, Clustering and Network Partitions):
// once a partition heals, the partition with the most client connections wins (then the
// one with the most nodes; here then the one with the lowest node), and every node
// outside it restarts, discarding what only its side accepted.
#include <algorithm>

#include "amqp/broker.hpp"

namespace bs::amqp {

void QueueBroker::autoheal_report(Context& ctx, NodeId healed) {
  if (!autoheal() || healing_) return;
  healing_ = true;
  // The partition this node was in: what it could reach just before `healed` came back.
  AutohealReport r;
  r.partition.push_back(cfg_.cluster.self);
  for (const auto& [id, p] : peers_)
    if (p.up && id != healed) r.partition.push_back(id);
  std::sort(r.partition.begin(), r.partition.end());
  for (const auto& [id, c] : conns_) r.clients += c.via == kNoNode;
  const NodeId leader = *std::min_element(cfg_.cluster.nodes.begin(), cfg_.cluster.nodes.end());
  if (leader == cfg_.cluster.self) autoheal_collect(ctx, leader, r);
  else ctx.send(leader, r);
}

void QueueBroker::autoheal_collect(Context& ctx, NodeId from, const AutohealReport& r) {
  autoheal_reports_[from] = r;
  if (autoheal_reports_.size() < cfg_.cluster.nodes.size()) return;
  // Partitions as their members saw them, with the clients connected to them.
  std::map<std::vector<NodeId>, std::uint32_t> clients;
  for (const auto& [n, rep] : autoheal_reports_) clients[rep.partition] += rep.clients;
  auto better = [](const auto& a, const auto& b) {
    if (a.second != b.second) return a.second > b.second;
    if (a.first.size() != b.first.size()) return a.first.size() > b.first.size();
    return a.first < b.first;
  };
  auto winner = *std::min_element(clients.begin(), clients.end(), better);
  autoheal_reports_.clear();
  std::string names;
  for (NodeId n : winner.first) names += (names.empty() ? "" : ",") + cfg_.cluster.names[static_cast<std::size_t>(
                                              std::find(cfg_.cluster.nodes.begin(), cfg_.cluster.nodes.end(), n) -
                                              cfg_.cluster.nodes.begin())];
  ctx.emit(Event{.kind = ev::Autoheal, .tag = winner.second, .flag = false, .text = names});
  const AutohealDecision d{winner.first};
  for (const auto& [id, p] : peers_) ctx.send(id, d);
  autoheal_decide(ctx, d);
}

void QueueBroker::autoheal_decide(Context& ctx, const AutohealDecision& d) {
  healing_ = false;
  if (std::find(d.winner.begin(), d.winner.end(), cfg_.cluster.self) != d.winner.end()) {
    // The winner's leaders claim their queues anew, above any claim of the other side.
    for (auto& [name, q] : queues_) {
      if (q.cfg.mirrors.empty()) continue;
      ++q.cfg.epoch;
      for (const auto& [id, p] : peers_) ctx.send(id, QueueMoved{name, cfg_.cluster.self, q.cfg.epoch});
    }
    return;
  }
  // A loser restarts its broker: clients are disconnected (they reconnect), and what it
  // led that the winning side also leads is discarded.
  ctx.emit(Event{.kind = ev::Autoheal, .flag = true, .text = "restart"});
  std::vector<NodeId> clients;
  for (const auto& [id, c] : conns_)
    if (c.via == kNoNode) clients.push_back(id);
  for (NodeId id : clients) {
    const std::uint32_t number = conns_.at(id).number;
    connection_lost(ctx, id, "autoheal_restart");
    ctx.send(id, ConnectionClose{number, 320});
  }
  std::vector<std::string> yield;
  for (auto& [name, q] : queues_)
    for (NodeId m : q.cfg.mirrors)
      if (std::find(d.winner.begin(), d.winner.end(), m) != d.winner.end()) {
        yield.push_back(name);
        break;
      }
  for (const auto& name : yield) {
    QueueState& q = queues_.at(name);
    // Until the winner's claim arrives, send this queue's traffic to its first mirror
    // on the winning side.
    for (NodeId m : q.cfg.mirrors)
      if (std::find(d.winner.begin(), d.winner.end(), m) != d.winner.end()) {
        q.cfg.home = m;
        break;
      }
    give_up_leadership(ctx, q);
  }
  shadows_.clear();
  ++incarnation_;  // the peers see a restarted node and readmit it as a mirror
  for (const auto& [id, p] : peers_) ctx.send(id, NodeTick{incarnation_});
}

}  // namespace bs::amqp
