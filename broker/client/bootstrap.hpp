// The brokers a client may connect to, and which one it is on now: the list a client
// library is given (RabbitMQ: ConnectionFactory.newConnection(Address[]); Kafka:
// bootstrap.servers) and the rule for moving along it after losing a connection.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/node.hpp"

namespace bs {

/// A client's candidate brokers, tried in the scenario's order, cycling. The RabbitMQ Java
/// client tries the addresses of newConnection(Address[]) one after the other and, with
/// automatic connection recovery, starts again after networkRecoveryInterval (5 s by
/// default); a Kafka client takes any reachable server of bootstrap.servers for its first
/// metadata and waits reconnect.backoff.ms (50 ms by default) before reconnecting to a
/// server it lost. The Java client shuffles the list; here the order is the scenario's so
/// that a lesson is predictable.
class BrokerList {
 public:
  BrokerList() = default;
  /// `names[i]` is the trace name of brokers[i] (the scenario's node name); missing
  /// names are written "#id".
  explicit BrokerList(std::vector<NodeId> brokers, std::vector<std::string> names = {})
      : brokers_(std::move(brokers)), names_(std::move(names)) {}

  /// The broker the client talks to now (kNoNode when the list is empty).
  NodeId current() const { return brokers_.empty() ? kNoNode : brokers_[index_]; }
  /// Several brokers: a lost connection moves to another one (traced as `failover`).
  bool can_fail_over() const { return brokers_.size() > 1; }
  std::size_t size() const { return brokers_.size(); }
  const std::vector<NodeId>& all() const { return brokers_; }
  /// Connection attempts made after losses so far (0 until the first failover).
  std::uint32_t failovers() const { return failovers_; }

  /// A restarted client process starts again from the top of its list.
  void restart() { index_ = 0; }

  /// The connection to current() was lost: move to the next broker (the first after the
  /// last) and, when there is more than one, trace a `failover` event from `self`
  /// naming the broker left, the one tried next and `reason` ("missed_heartbeats",
  /// "not_found", "connection_close", "request_timeout", ...).
  void advance(Context& ctx, const std::string& reason) {
    if (brokers_.empty()) return;
    const NodeId left = current();
    index_ = (index_ + 1) % brokers_.size();
    ++failovers_;
    if (can_fail_over() && ctx.tracing())
      ctx.emit(Event{.kind = ev::Failover, .peer = current(), .queue = node_label(left),
                     .seq = static_cast<std::int64_t>(failovers_), .text = reason});
  }

 private:
  std::string node_label(NodeId id) const {
    for (std::size_t i = 0; i < brokers_.size() && i < names_.size(); ++i)
      if (brokers_[i] == id) return names_[i];
    return "#" + std::to_string(id);
  }
  std::vector<NodeId> brokers_;
  std::vector<std::string> names_;  // parallel to brokers_, for the trace
  std::size_t index_ = 0;
  std::uint32_t failovers_ = 0;
};

}  // namespace bs
