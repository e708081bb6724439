// The queue model's routing as the trace tells it: exchanges and bindings (header
// "routing"), each message's routing key or headers (publish events, publishers'
// headers), and each routing decision: which bindings a message went through to which
// queues (enqueue events), or that it went through none (unroutable), or that it was
// dead-lettered through a queue's dead-letter exchange. ImGui-free.
#pragma once
#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "amqp/exchange.hpp"
#include "trace/trace.hpp"

namespace bs::gui {

/// One binding: exchange -> queue, with what it matches.
struct RouteBinding {
  amqp::Binding binding;  ///< queue (its trace name), binding key, or header arguments and x-match
  std::string label;      ///< "kern.*", "all: format=pdf type=report"; "" for fanout
};

/// An exchange of the trace header, with its bindings in declaration order.
struct RouteExchange {
  std::string name;  ///< "" is the default exchange
  amqp::ExchangeType type = amqp::ExchangeType::Direct;
  std::vector<NodeId> brokers;  ///< the broker nodes holding it (a cluster: every member)
  std::vector<RouteBinding> bindings;
  bool used = false;  ///< some message went through it, or a queue dead-letters to it
  /// "logs", or "(default)" for "".
  std::string title() const;
  /// "topic", "fanout", ...
  const char* type_name() const;
};

/// One routing decision at a broker, at simulated time `t`: message `msg` through
/// exchange `exchange`, reaching `queues` by the bindings `bindings`.
struct Route {
  double t = 0;
  MsgId msg = 0;
  NodeId broker = kNoNode;
  int exchange = -1;                ///< index into RoutingGraph::exchanges(); -1 if the header lacks it
  std::vector<int> bindings;        ///< indices into that exchange's bindings that matched
  std::vector<std::string> queues;  ///< queues it was enqueued in (enqueue events)
  bool unroutable = false;          ///< no binding matched (unroutable, or dead_letter_unroutable)
  bool returned = false;            ///< unroutable and mandatory: basic.return goes back
  std::string dead_lettered_from;   ///< the queue it left through its dead-letter exchange; "" for a publish
  std::string reason;               ///< dead-letter reason: rejected, expired, maxlen
  /// The matcher could not tell which binding took it to some queue (its headers or key
  /// unknown to the trace), so every binding to that queue is listed.
  bool inferred = false;
};

/// Exchanges, bindings and every routing decision of a queue-model trace.
class RoutingGraph {
 public:
  RoutingGraph() = default;
  /// Reads header "routing" and the publish, enqueue, unroutable, dead_letter and drop
  /// events. A trace without "routing" (log model, older traces) gives an empty graph.
  explicit RoutingGraph(const Trace& tr);

  bool empty() const { return exchanges_.empty(); }
  const std::vector<RouteExchange>& exchanges() const { return exchanges_; }
  /// Index of exchange `name` held by `broker` (any broker if none holds it), -1 if none.
  int find(const std::string& name, NodeId broker) const;
  /// Queues of `broker`, in header order (the default exchange binds every one).
  std::vector<std::string> queues_of(NodeId broker) const;
  /// The dead-letter exchange of a queue, "" if it has none.
  const std::string& dead_letter_exchange(const std::string& queue) const;
  /// The message's routing key as published ("" if unknown).
  const std::string& key(MsgId m) const;
  /// What routed the message, for its label: the routing key, or for a message with
  /// headers "format=pdf priority=\"1\"" (a string that looks like a number is quoted).
  const std::string& label(MsgId m) const;
  /// True if the message came back to its producer with basic.return (mandatory, unroutable).
  bool returned(MsgId m) const { return returned_.count(m) != 0; }
  /// The exchange a producer publishes to (publishers / its publish events), "" if unknown.
  const std::string* producer_exchange(NodeId producer) const;
  /// The queue a consumer consumes from (its first consumer_up or deliver), or nullptr.
  const std::string* consumer_queue(NodeId consumer) const;
  /// Every routing decision, by time.
  const std::vector<Route>& routes() const { return routes_; }
  /// Routing decisions with t in (t0, t1], appended to `out` (cleared first); O(log n + k).
  void routes_in(double t0, double t1, std::vector<const Route*>& out) const;

 private:
  std::vector<RouteExchange> exchanges_;
  std::unordered_map<std::string, std::string> dlx_;        // queue -> dead-letter exchange
  std::unordered_map<std::string, std::string> dlx_key_;    // queue -> x-dead-letter-routing-key
  std::unordered_map<MsgId, std::string> key_, label_;
  std::unordered_map<MsgId, amqp::Headers> headers_;
  std::unordered_map<NodeId, std::string> producer_exchange_, consumer_queue_;
  std::vector<Route> routes_;
  std::unordered_set<MsgId> returned_;
  void match(Route& r) const;
};

/// A header-arguments object of the trace as AMQP headers, each value typed as JSON
/// types it (string, number, bool, null = presence only).
amqp::Headers headers_from_json(const nlohmann::ordered_json& o);
/// "format=pdf type=report": names and values, strings bare unless they read as another type.
std::string headers_text(const amqp::Headers& h);

}  // namespace bs::gui
