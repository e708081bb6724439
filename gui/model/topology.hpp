// Where nodes sit on the canvas and which nodes / links are down at a given time.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "model/packets.hpp"
#include "model/routing.hpp"
#include "trace/trace.hpp"

namespace bs::gui {

/// A point in canvas-normalized coordinates: (0,0) top-left, (1,1) bottom-right.
struct P2 {
  float x = 0, y = 0;
};

/// What a node is, from the header's "role".
enum class Role { Producer, Broker, Consumer, Other, Controller, Store };

/// Node placement, links and fault history of one trace.
class Topology {
 public:
  Topology() = default;
  /// Producers in a column on the left, brokers in the middle, consumers on the right.
  explicit Topology(const Trace& tr);

  std::size_t size() const { return pos_.size(); }
  /// Place, role and name of node `n`. The trace reader refuses events that lack a node
  /// their kind needs; should one still reach here (kNoNode, a synthetic trace), it is
  /// drawn at the canvas centre as "?" with Role::Other rather than ending the program.
  P2 pos(NodeId n) const { return n < pos_.size() ? pos_[n] : P2{0.5f, 0.5f}; }
  Role role(NodeId n) const { return n < roles_.size() ? roles_[n] : Role::Other; }
  const std::string& name(NodeId n) const { return n < names_.size() ? names_[n] : unknown_name_; }
  /// Node id by name, kNoNode if unknown.
  NodeId find(const std::string& name) const;
  /// Links of the header (or, if it lists none, every pair that exchanged a frame).
  const std::vector<LinkTiming>& links() const { return links_; }
  /// Point of a frame at `frac` along from -> to.
  P2 along(NodeId from, NodeId to, float frac) const;

  /// True if the node is crashed at t (a crash at or before t with no restart since).
  bool node_down(NodeId n, double t) const;
  /// True if the link a-b is down at t.
  bool link_down(NodeId a, NodeId b, double t) const;
  /// The one-way latency (ms) a link_latency fault gave link a-b, in force at t; 0 while
  /// the link has its own latency.
  double link_slow_ms(NodeId a, NodeId b, double t) const;
  /// True for a link between two brokers (a cluster's inter-node link).
  bool peer_link(const LinkTiming& l) const { return role(l.a) == Role::Broker && role(l.b) == Role::Broker; }
  /// Number of brokers; more than one is drawn as a cluster column.
  std::size_t broker_count() const { return brokers_; }
  /// The broker client `n` talks to at t: the one it sent its latest frame to. kNoNode
  /// when the trace does not say (no network events, or not a client).
  NodeId client_broker(NodeId n, double t) const;
  /// Exchanges, bindings and routing decisions (queue model; empty otherwise).
  const RoutingGraph& routing() const { return routing_; }

 private:
  std::vector<P2> pos_;
  std::vector<Role> roles_;
  std::vector<std::string> names_;
  inline static const std::string unknown_name_ = "?";
  std::vector<LinkTiming> links_;
  // Transitions (t, down?) in time order, per node and per link (index into links_).
  std::vector<std::vector<std::pair<double, bool>>> node_tr_, link_tr_;
  // Per link: (t, latency ms from t on, 0 = its own), in time order.
  std::vector<std::vector<std::pair<double, double>>> link_slow_;
  // Per client: (from time, broker) in time order; the first entry holds from -infinity.
  std::vector<std::vector<std::pair<double, NodeId>>> client_tr_;
  std::size_t brokers_ = 0;
  RoutingGraph routing_;
  std::size_t link_index(NodeId a, NodeId b) const;
};

}  // namespace bs::gui
