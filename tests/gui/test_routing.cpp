// Routing as the canvas draws it, on a hand-made trace (routing.jsonl): a topic exchange
// with two bindings to one queue, a headers exchange telling the number 1 from the
// string "1", a mandatory publish no binding matched, and a rejected message
// dead-lettered through a fanout exchange.
#include <algorithm>

#include <catch2/catch.hpp>

#include "model/trace_model.hpp"

using namespace bs;
using namespace bs::gui;

namespace {
const RoutingGraph& graph() {
  static auto m = TraceModel::build(read_trace(std::string(GUI_TEST_DATA_DIR) + "/routing.jsonl"));
  return m->topo.routing();
}
const Route& route_of(MsgId msg, std::size_t nth = 0) {
  for (const Route& r : graph().routes())
    if (r.msg == msg && nth-- == 0) return r;
  FAIL("no route for m" << msg);
  throw;
}
std::vector<std::string> binding_labels(const Route& r) {
  std::vector<std::string> out;
  const RouteExchange& x = graph().exchanges().at(static_cast<std::size_t>(r.exchange));
  for (int b : r.bindings) out.push_back(x.bindings.at(static_cast<std::size_t>(b)).binding.queue + " <- " +
                                         x.bindings.at(static_cast<std::size_t>(b)).label);
  return out;
}
}  // namespace

TEST_CASE("the header's exchanges and bindings, with labels a student reads") {
  const auto& g = graph();
  REQUIRE(g.exchanges().size() == 4);
  const auto& logs = g.exchanges().at(static_cast<std::size_t>(g.find("logs", 0)));
  CHECK(logs.type_name() == std::string("topic"));
  CHECK(logs.bindings.size() == 3);
  CHECK(logs.bindings[0].label == "*.critical");
  const auto& docs = g.exchanges().at(static_cast<std::size_t>(g.find("docs", 0)));
  CHECK(docs.bindings[0].label == "any: format=pdf priority=1");
  CHECK(g.exchanges().at(static_cast<std::size_t>(g.find("dlx", 0))).bindings[0].label.empty());  // fanout: no key
  CHECK(g.exchanges().at(static_cast<std::size_t>(g.find("", 0))).title() == "(default)");
  CHECK(g.queues_of(0) == std::vector<std::string>{"critical", "archive", "pdf", "dead"});
  CHECK(g.dead_letter_exchange("critical") == "dlx");
  CHECK(g.dead_letter_exchange("archive").empty());
  // Used: published through (logs, docs) or a dead-letter target (dlx); not the default one.
  CHECK(logs.used);
  CHECK(g.exchanges().at(static_cast<std::size_t>(g.find("dlx", 0))).used);
  CHECK_FALSE(g.exchanges().at(static_cast<std::size_t>(g.find("", 0))).used);
}

TEST_CASE("a publish lights the bindings that matched, and only those") {
  // app.critical: *.critical and # match; kern.critical does not.
  CHECK(binding_labels(route_of(1)) == std::vector<std::string>{"critical <- *.critical", "archive <- #"});
  CHECK(route_of(1).queues == std::vector<std::string>{"critical", "archive"});
  // kern.critical matches both bindings of queue critical (it still lands there once).
  CHECK(binding_labels(route_of(2)) ==
        std::vector<std::string>{"critical <- *.critical", "critical <- kern.critical", "archive <- #"});
  CHECK(binding_labels(route_of(3)) == std::vector<std::string>{"archive <- #"});
  CHECK(graph().key(2) == "kern.critical");
  CHECK(graph().label(2) == "kern.critical");
}

TEST_CASE("headers: the n-th message of a producer carries its n-th header set; \"1\" is not 1") {
  CHECK(graph().label(4) == "format=zip priority=1");
  CHECK(graph().label(5) == "format=zip priority=\"1\"");
  CHECK(binding_labels(route_of(4)) == std::vector<std::string>{"pdf <- any: format=pdf priority=1"});
  const Route& r = route_of(5);
  CHECK(r.unroutable);
  CHECK(r.returned);
  CHECK(graph().returned(5));
  CHECK_FALSE(graph().returned(4));
  CHECK(r.bindings.empty());
  CHECK(graph().exchanges().at(static_cast<std::size_t>(r.exchange)).name == "docs");
}

TEST_CASE("a dead-lettered message goes through the queue's dead-letter exchange") {
  const Route& r = route_of(2, 1);
  CHECK(r.dead_lettered_from == "critical");
  CHECK(r.reason == "rejected");
  CHECK(graph().exchanges().at(static_cast<std::size_t>(r.exchange)).name == "dlx");
  CHECK(binding_labels(r) == std::vector<std::string>{"dead <- "});
  CHECK(r.t == Approx(0.6));
}

TEST_CASE("routes in a time window, by binary search") {
  std::vector<const Route*> out;
  graph().routes_in(0.15, 0.35, out);
  REQUIRE(out.size() == 2);
  CHECK(out[0]->msg == 2);
  CHECK(out[1]->msg == 3);
  graph().routes_in(0.302, 0.4, out);  // (t0, t1]: 0.302 is out, 0.402 too
  CHECK(out.empty());
}

TEST_CASE("a consumer's queue and a producer's exchange anchor their links") {
  auto m = TraceModel::build(read_trace(std::string(GUI_TEST_DATA_DIR) + "/routing.jsonl"));
  const auto& topo = m->topo;
  CHECK(*topo.routing().consumer_queue(topo.find("c")) == "critical");
  CHECK(*topo.routing().producer_exchange(topo.find("s")) == "docs");
  CHECK(topo.routing().producer_exchange(topo.find("c")) == nullptr);
}

TEST_CASE("a log-model trace has no routing graph") {
  auto m = TraceModel::build(read_trace(std::string(GUI_TEST_DATA_DIR) + "/log_model.jsonl"));
  CHECK(m->topo.routing().empty());
  CHECK(m->topo.routing().routes().empty());
}
