#include "model/routing.hpp"

#include <algorithm>

#include "amqp/events.hpp"

namespace bs::gui {
namespace {
const std::string kEmpty;

NodeId node_named(const TraceHeader& h, const std::string& n) {
  for (NodeId i = 0; i < h.node_names.size(); ++i)
    if (h.node_names[i] == n) return i;
  return kNoNode;
}

std::string binding_label(amqp::ExchangeType type, const amqp::Binding& b) {
  switch (type) {
    case amqp::ExchangeType::Fanout: return "";
    case amqp::ExchangeType::Headers: return std::string(b.match_all ? "all: " : "any: ") + headers_text(b.arguments);
    default: return b.routing_key;
  }
}
}  // namespace

amqp::Headers headers_from_json(const nlohmann::ordered_json& o) {
  amqp::Headers out;
  if (!o.is_object()) return out;
  using T = amqp::HeaderValue::Type;
  for (auto it = o.begin(); it != o.end(); ++it) {
    if (it->is_string()) out.emplace_back(it.key(), amqp::HeaderValue(T::String, it->get<std::string>()));
    else if (it->is_number()) out.emplace_back(it.key(), amqp::HeaderValue(T::Number, it->dump()));
    else if (it->is_boolean()) out.emplace_back(it.key(), amqp::HeaderValue(T::Bool, it->dump()));
    else if (it->is_null()) out.emplace_back(it.key(), amqp::HeaderValue(T::Void, ""));
  }
  return out;
}

std::string headers_text(const amqp::Headers& h) {
  std::string s;
  for (const auto& [k, v] : h) {
    if (!s.empty()) s += ' ';
    s += k;
    if (v.type == amqp::HeaderValue::Type::Void) continue;  // presence only
    s += '=';
    // A string that would read as a number or a boolean is quoted: "1" is not 1.
    bool looks_typed = v.type == amqp::HeaderValue::Type::String &&
                       (v.text.empty() || v.text == "true" || v.text == "false" ||
                        v.text.find_first_not_of("0123456789.-+eE") == std::string::npos);
    s += looks_typed ? "\"" + v.text + "\"" : v.text;
  }
  return s;
}

std::string RouteExchange::title() const { return name.empty() ? "(default)" : name; }

const char* RouteExchange::type_name() const {
  switch (type) {
    case amqp::ExchangeType::Direct: return "direct";
    case amqp::ExchangeType::Fanout: return "fanout";
    case amqp::ExchangeType::Topic: return "topic";
    case amqp::ExchangeType::Headers: return "headers";
  }
  return "";
}

RoutingGraph::RoutingGraph(const Trace& tr) {
  const auto& h = tr.header;
  if (!h.raw.contains("routing") || !h.raw["routing"].is_object()) return;
  const auto& r = h.raw["routing"];
  for (const auto& e : r.value("exchanges", nlohmann::ordered_json::array())) {
    if (!e.is_object()) continue;
    RouteExchange x;
    x.name = e.value("name", "");
    if (!amqp::parse_exchange_type(e.value("type", "direct"), x.type)) continue;
    for (const auto& b : e.value("brokers", nlohmann::ordered_json::array()))
      if (b.is_string()) x.brokers.push_back(node_named(h, b.get<std::string>()));
    for (const auto& b : e.value("bindings", nlohmann::ordered_json::array())) {
      if (!b.is_object()) continue;
      RouteBinding rb;
      rb.binding.queue = b.value("queue", "");
      rb.binding.routing_key = b.value("routing_key", "");
      rb.binding.match_all = b.value("x_match", "all") == "all";
      if (b.contains("arguments")) rb.binding.arguments = headers_from_json(b["arguments"]);
      rb.label = binding_label(x.type, rb.binding);
      x.bindings.push_back(std::move(rb));
    }
    exchanges_.push_back(std::move(x));
  }
  for (const auto& d : r.value("dead_letter", nlohmann::ordered_json::array())) {
    if (!d.is_object()) continue;
    dlx_[d.value("queue", "")] = d.value("exchange", "");
    if (d.contains("routing_key")) dlx_key_[d.value("queue", "")] = d.value("routing_key", "");
  }
  // Which headers each producer's n-th message carries (publishers[].headers, in turn).
  std::unordered_map<NodeId, std::vector<amqp::Headers>> sets;
  for (const auto& p : r.value("publishers", nlohmann::ordered_json::array())) {
    if (!p.is_object()) continue;
    const NodeId n = node_named(h, p.value("producer", ""));
    if (n == kNoNode) continue;
    producer_exchange_[n] = p.value("exchange", "");
    for (const auto& hs : p.value("headers", nlohmann::ordered_json::array())) sets[n].push_back(headers_from_json(hs));
  }
  for (const auto& d : dlx_)
    for (auto& x : exchanges_)
      if (x.name == d.second) x.used = true;

  std::unordered_map<NodeId, std::size_t> published;  // per producer: distinct messages so far
  struct Pending {
    std::string exchange;
    NodeId producer = kNoNode;
  };
  std::unordered_map<MsgId, Pending> pending;
  struct DeadLetter {
    double t;
    NodeId node;
    std::string queue, exchange, reason;
  };
  std::unordered_map<MsgId, DeadLetter> dead;
  std::unordered_map<MsgId, std::size_t> last_route;  // msg -> index in routes_
  auto open_route = [&](const Event& e) -> Route& {
    Route rt;
    rt.t = e.t;
    rt.msg = e.msg;
    rt.broker = e.node;
    auto d = dead.find(e.msg);
    if (d != dead.end() && d->second.t == e.t && d->second.node == e.node) {
      rt.exchange = find(d->second.exchange, e.node);
      rt.dead_lettered_from = d->second.queue;
      rt.reason = d->second.reason;
      dead.erase(d);
    } else if (auto p = pending.find(e.msg); p != pending.end()) {
      rt.exchange = find(p->second.exchange, e.node);
    }
    last_route[e.msg] = routes_.size();
    routes_.push_back(std::move(rt));
    return routes_.back();
  };
  for (const Event& e : tr.events) {
    if (e.kind == ev::Publish) {
      pending[e.msg] = Pending{e.queue, e.node};
      if (key_.emplace(e.msg, e.text).second) {
        auto s = sets.find(e.node);
        std::size_t n = published[e.node]++;
        if (s != sets.end() && !s->second.empty()) headers_[e.msg] = s->second[n % s->second.size()];
        label_[e.msg] = headers_.count(e.msg) ? headers_text(headers_[e.msg]) : e.text;
      }
      if (!producer_exchange_.count(e.node)) producer_exchange_[e.node] = e.queue;
      int x = find(e.queue, e.peer);
      if (x >= 0) exchanges_[static_cast<std::size_t>(x)].used = true;
    } else if (e.kind == ev::Enqueue) {
      auto lr = last_route.find(e.msg);
      Route* rt = nullptr;
      if (lr != last_route.end()) {
        Route& prev = routes_[lr->second];
        // Enqueues of one routing decision: same message, same broker, same instant.
        if (prev.t == e.t && prev.broker == e.node && !prev.unroutable && dead.count(e.msg) == 0) rt = &prev;
      }
      if (!rt) rt = &open_route(e);
      rt->queues.push_back(e.queue);
    } else if (e.kind == ev::Unroutable) {
      Route& rt = open_route(e);
      rt.exchange = find(e.text, e.node);
      rt.unroutable = true;
      rt.returned = e.flag;
      if (e.flag) returned_.insert(e.msg);
    } else if (e.kind == ev::DeadLetter) {
      const auto colon = e.text.rfind(':');
      dead[e.msg] = DeadLetter{e.t, e.node, e.queue, e.text.substr(0, colon),
                               colon == std::string::npos ? "" : e.text.substr(colon + 1)};
    } else if (e.kind == ev::Drop && e.text == "dead_letter_unroutable") {
      if (dead.count(e.msg)) open_route(e).unroutable = true;
    } else if ((e.kind == ev::ConsumerUp || e.kind == ev::Deliver) && e.peer != kNoNode && !e.queue.empty()) {
      consumer_queue_.emplace(e.peer, e.queue);
    }
  }
  for (Route& rt : routes_) match(rt);
}

void RoutingGraph::match(Route& r) const {
  if (r.exchange < 0 || r.unroutable) return;
  const RouteExchange& x = exchanges_[static_cast<std::size_t>(r.exchange)];
  amqp::AmqpMessage m;
  m.key = key(r.msg);
  if (!r.dead_lettered_from.empty())
    if (auto k = dlx_key_.find(r.dead_lettered_from); k != dlx_key_.end()) m.key = k->second;
  if (auto h = headers_.find(r.msg); h != headers_.end()) m.headers = h->second;
  for (const auto& q : r.queues) {
    bool any = false;
    for (std::size_t i = 0; i < x.bindings.size(); ++i)
      if (x.bindings[i].binding.queue == q && amqp::binding_matches(x.type, x.bindings[i].binding, m)) {
        r.bindings.push_back(static_cast<int>(i));
        any = true;
      }
    // The trace says it got there; if the matcher cannot tell by which binding (headers
    // unknown), every binding to that queue is shown.
    if (!any) r.inferred = true;
    if (!any)
      for (std::size_t i = 0; i < x.bindings.size(); ++i)
        if (x.bindings[i].binding.queue == q) r.bindings.push_back(static_cast<int>(i));
  }
}

int RoutingGraph::find(const std::string& name, NodeId broker) const {
  int any = -1;
  for (std::size_t i = 0; i < exchanges_.size(); ++i) {
    if (exchanges_[i].name != name) continue;
    const auto& b = exchanges_[i].brokers;
    if (std::find(b.begin(), b.end(), broker) != b.end()) return static_cast<int>(i);
    if (any < 0) any = static_cast<int>(i);
  }
  return any;
}

std::vector<std::string> RoutingGraph::queues_of(NodeId broker) const {
  std::vector<std::string> out;
  for (const auto& x : exchanges_)
    if (x.name.empty() && std::find(x.brokers.begin(), x.brokers.end(), broker) != x.brokers.end())
      for (const auto& b : x.bindings) out.push_back(b.binding.queue);
  return out;
}

const std::string& RoutingGraph::dead_letter_exchange(const std::string& queue) const {
  auto it = dlx_.find(queue);
  return it == dlx_.end() ? kEmpty : it->second;
}

const std::string& RoutingGraph::key(MsgId m) const {
  auto it = key_.find(m);
  return it == key_.end() ? kEmpty : it->second;
}

const std::string& RoutingGraph::label(MsgId m) const {
  auto it = label_.find(m);
  return it == label_.end() ? kEmpty : it->second;
}

const std::string* RoutingGraph::producer_exchange(NodeId producer) const {
  auto it = producer_exchange_.find(producer);
  return it == producer_exchange_.end() ? nullptr : &it->second;
}

const std::string* RoutingGraph::consumer_queue(NodeId consumer) const {
  auto it = consumer_queue_.find(consumer);
  return it == consumer_queue_.end() ? nullptr : &it->second;
}

void RoutingGraph::routes_in(double t0, double t1, std::vector<const Route*>& out) const {
  out.clear();
  auto it = std::upper_bound(routes_.begin(), routes_.end(), t0, [](double v, const Route& r) { return v < r.t; });
  for (; it != routes_.end() && it->t <= t1; ++it) out.push_back(&*it);
}

}  // namespace bs::gui
