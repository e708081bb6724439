#include <cmath>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "scenario/client_keys.hpp"
#include "scenario/json_in.hpp"
#include "scenario/json_parse.hpp"
#include "models/model.hpp"
#include "scenario/scenario.hpp"
#include "scenario/store_keys.hpp"

namespace bs {
namespace {
constexpr double kMaxTime = 1e7;  // simulated seconds (~115 days): beyond is a typo
constexpr double kMaxLatencyMs = 1e6;  // a link's one-way latency (~17 minutes): beyond is a typo
constexpr std::int64_t kMaxCores = 1024;  // per host: beyond is a typo
// Node keys read here for every model. The model loaders list only their own keys in
// expect_object; the node array they get accepts these too.
const std::vector<std::string> kSharedNodeKeys = {"cores"};

NodeId node_ref(const Scenario& s, const JsonIn& at, const std::string& name) {
  NodeId id = s.find_node(name);
  if (id == kNoNode) at.fail(fmt::format("unknown node \"{}\" (nodes: {})", name, fmt::join(s.node_names, ", ")));
  return id;
}

void load_network(const JsonIn& root, Scenario& s) {
  double lat_ms = 1, bw_mbps = 1000;
  if (root.has("network")) {
    JsonIn n = root.at("network");
    n.expect_object({"latency_ms", "bandwidth_mbps"});
    lat_ms = n.num("latency_ms", 0, kMaxLatencyMs, lat_ms);
    bw_mbps = n.num("bandwidth_mbps", 1e-3, 1e7, bw_mbps);
  }
  // Every client gets a link to the broker(s) it names; "links" overrides or adds.
  auto add_link = [&](NodeId a, NodeId b, double l_ms, double b_mbps) {
    for (auto& l : s.links)
      if ((l.a == a && l.b == b) || (l.a == b && l.b == a)) {
        l.latency_s = l_ms / 1000, l.bandwidth_Bps = b_mbps * 125000;
        return;
      }
    s.links.push_back(LinkSpec{a, b, l_ms / 1000, b_mbps * 125000});
  };
  // Clients: "broker" / "bootstrap" (read again, with their own checks, by the model
  // loaders); brokers: "peers", the inter-broker links of a cluster.
  JsonIn nodes = root.at("nodes");
  // A cluster with controllers (KRaft) is one network: brokers and controllers all reach
  // each other, and a client reaches every broker (it talks to whichever leads).
  std::vector<NodeId> servers;
  bool controllers = false;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const std::string& role = s.node_roles[i];
    if (role == "broker" || role == "controller") servers.push_back(static_cast<NodeId>(i));
    controllers |= role == "controller";
  }
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    JsonIn n = nodes.at(i);
    const auto self = static_cast<NodeId>(i);
    const std::string& role = s.node_roles[i];
    if (role == "broker" || role == "controller") {
      if (role == "broker") {
        for (NodeId peer : load_peers(n, s, self)) add_link(self, peer, lat_ms, bw_mbps);
        // A RabbitMQ cluster is a full mesh (Erlang distribution connects every pair).
        const auto members = load_cluster_nodes(n, s, self);
        for (NodeId a : members)
          for (NodeId b : members)
            if (a < b) add_link(a, b, lat_ms, bw_mbps);
      }
      if (controllers)
        for (NodeId peer : servers)
          if (peer > self) add_link(self, peer, lat_ms, bw_mbps);
    } else if (role != "store") {
      for (NodeId b : load_client_brokers(n, s, 0).ids) add_link(self, b, lat_ms, bw_mbps);
      const NodeId store = load_store_ref(n, s);
      if (store != kNoNode) add_link(self, store, lat_ms, bw_mbps);
      if (controllers)
        for (NodeId b : servers)
          if (s.node_roles[b] == "broker") add_link(self, b, lat_ms, bw_mbps);
    }
  }
  if (!root.has("links")) return;
  JsonIn links = root.at("links");
  for (std::size_t i = 0; i < links.size(); ++i) {
    JsonIn l = links.at(i);
    l.expect_object({"between", "latency_ms", "bandwidth_mbps"});
    auto ends = l.strings("between");
    if (ends.size() != 2) l.at("between").fail("expected two node names");
    NodeId a = node_ref(s, l.at("between"), ends[0]), b = node_ref(s, l.at("between"), ends[1]);
    if (a == b) l.at("between").fail("a link needs two different nodes");
    add_link(a, b, l.num("latency_ms", 0, kMaxLatencyMs, lat_ms), l.num("bandwidth_mbps", 1e-3, 1e7, bw_mbps));
  }
}

}  // namespace

const LinkSpec* find_link(const Scenario& s, NodeId a, NodeId b) {
  for (const auto& l : s.links)
    if ((l.a == a && l.b == b) || (l.a == b && l.b == a)) return &l;
  return nullptr;
}

namespace {

void load_faults(const JsonIn& root, Scenario& s) {
  if (!root.has("faults")) return;
  JsonIn faults = root.at("faults");
  for (std::size_t i = 0; i < faults.size(); ++i) {
    JsonIn f = faults.at(i);
    f.expect_object({"at_s", "crash", "restart", "link_down", "link_up", "link_latency", "latency_ms"});
    FaultSpec fs;
    fs.at_s = f.num("at_s", 0, kMaxTime);
    int kinds = 0;
    for (const char* k : {"crash", "restart"}) {
      if (!f.has(k)) continue;
      ++kinds;
      fs.kind = std::string(k) == "crash" ? FaultSpec::Kind::Crash : FaultSpec::Kind::Restart;
      fs.node = node_ref(s, f.at(k), f.str(k));
    }
    for (const char* k : {"link_down", "link_up", "link_latency"}) {
      if (!f.has(k)) continue;
      ++kinds;
      const std::string kind = k;
      fs.kind = kind == "link_down" ? FaultSpec::Kind::LinkDown
                : kind == "link_up" ? FaultSpec::Kind::LinkUp
                                    : FaultSpec::Kind::LinkLatency;
      auto ends = f.strings(k);
      if (ends.size() != 2) f.at(k).fail("expected two node names, e.g. [\"c1\", \"broker\"]");
      fs.node = node_ref(s, f.at(k), ends[0]);
      fs.peer = node_ref(s, f.at(k), ends[1]);
      if (!find_link(s, fs.node, fs.peer)) f.at(k).fail(fmt::format("there is no link between \"{}\" and \"{}\"", ends[0], ends[1]));
    }
    if (kinds != 1) f.fail("expected exactly one of \"crash\", \"restart\", \"link_down\", \"link_up\", \"link_latency\"");
    if (fs.kind == FaultSpec::Kind::LinkLatency) {
      fs.latency_s = f.num("latency_ms", 0, kMaxLatencyMs) / 1000;
      const double own_ms = find_link(s, fs.node, fs.peer)->latency_s * 1000;
      if (fs.latency_s * 1000 < own_ms)
        f.fail_at("latency_ms", fmt::format("expected at least the link's own latency, {:g} ms (a fault slows a link, it cannot speed it up)", own_ms));
    }
    else if (f.has("latency_ms"))
      f.fail_at("latency_ms", "only a \"link_latency\" fault takes \"latency_ms\"");
    s.faults.push_back(fs);
  }
}

// An expect block (the lesson's, or a try_this prediction), checked against `s`'s nodes
// and queues.
std::vector<Expectation> read_expect(const JsonIn& ex, const Scenario& s) {
  std::vector<Expectation> out;
  if (!ex.json().is_object()) ex.fail("expected an object of metric: bound");
  for (auto it = ex.json().begin(); it != ex.json().end(); ++it) {
    const std::string& metric = it.key();
    JsonIn v = ex.at(metric.c_str());
    // Validate the metric name: a top-level total, or consumers.NAME.field / queues.NAME.field.
    bool known = false;
    for (const auto& n : total_names()) known |= (n == metric);
    known |= metric.rfind("produce_errors.", 0) == 0 && metric.size() > 15;  // produce_errors.ERROR_NAME
    if (!known && (metric.rfind("consumers.", 0) == 0 || metric.rfind("queues.", 0) == 0)) {
      const auto dot1 = metric.find('.'), dot2 = metric.rfind('.');
      const std::string who = metric.substr(dot1 + 1, dot2 - dot1 - 1);
      if (dot2 <= dot1 || who.empty()) v.fail(fmt::format("metric \"{}\": expected consumers.NAME.field or queues.NAME.field", metric));
      if (metric[0] == 'c' && s.find_node(who) == kNoNode) v.fail(fmt::format("metric \"{}\" names unknown consumer \"{}\"", metric, who));
      if (metric[0] == 'q') {
        bool found = false;
        for (const auto& q : s.header_extra.value("queues", nlohmann::ordered_json::array())) found |= (q == who);
        if (!found) v.fail(fmt::format("metric \"{}\" names unknown queue \"{}\"", metric, who));
      }
      known = true;
    }
    if (!known && metric.rfind("participants.", 0) == 0) {
      // Two-phase commit: participants.NODE.field (a broker with XA or a store).
      const auto dot2 = metric.rfind('.');
      const std::string who = dot2 > 13 ? metric.substr(13, dot2 - 13) : "";
      if (s.find_node(who) == kNoNode) v.fail(fmt::format("metric \"{}\" names unknown node \"{}\"", metric, who));
      known = true;
    }
    if (!known) v.fail(fmt::format("unknown metric \"{}\" (known: {}, consumers.NAME.*, queues.NAME.*)", metric, fmt::join(total_names(), ", ")));
    Expectation e;
    e.metric = metric;
    e.json_path = v.path();
    if (v.json().is_number()) {
      e.eq = v.json().get<double>();
    } else {
      v.expect_object({"min", "max", "eq"});
      if (v.has("min")) e.min = v.num("min", -1e18, 1e18);
      if (v.has("max")) e.max = v.num("max", -1e18, 1e18);
      if (v.has("eq")) e.eq = v.num("eq", -1e18, 1e18);
      if (!e.min && !e.max && !e.eq) v.fail("expected a number or an object with \"min\", \"max\" or \"eq\"");
    }
    out.push_back(std::move(e));
  }
  return out;
}

void load_expect(const JsonIn& root, Scenario& s) {
  if (root.has("expect")) s.expect = read_expect(root.at("expect"), s);
}

// JSON Patch (RFC 6902) operation members; nlohmann::json::patch ignores others, the
// loader refuses them like any unknown key.
const std::vector<std::string> kPatchOpKeys = {"op", "path", "value", "from"};

void load_try_this(const JsonIn& root, Scenario& s) {
  if (!root.has("try_this")) return;
  JsonIn t = root.at("try_this");
  t.expect_object({"text", "patch", "expect"});
  TryThis tt;
  tt.text = t.str("text");
  if (tt.text.empty()) t.at("text").fail("expected the experiment in words, for the lesson page");
  JsonIn p = t.at("patch");
  if (!p.json().is_array() || p.json().empty())
    p.fail("expected a non-empty array of JSON Patch (RFC 6902) operations, e.g. "
           "[{\"op\": \"replace\", \"path\": \"/nodes/3/prefetch\", \"value\": 10}]");
  for (std::size_t i = 0; i < p.size(); ++i) {
    JsonIn op = p.at(i);
    op.expect_object(kPatchOpKeys);
    const std::string path = op.str("path");
    for (const char* own : {"/expect", "/try_this"})
      if (path.rfind(own, 0) == 0 && (path.size() == std::string(own).size() || path[std::string(own).size()] == '/'))
        op.at("path").fail(fmt::format("a try_this patch may not change {} (the prediction belongs in $.try_this.expect)",
                                       std::string(own).substr(1)));
  }
  JsonIn e = t.at("expect");
  if (!e.json().is_object() || e.json().empty())
    e.fail("expected the predicted outcome: a non-empty expect block, e.g. {\"duplicates\": 0}");
  tt.patch = p.json();
  tt.expect = e.json();
  s.try_this = std::move(tt);
}

// The message of a nlohmann::json exception without its "[json.exception.x.n] " tag.
std::string json_error_text(const nlohmann::json::exception& e) {
  std::string m = e.what();
  if (!m.empty() && m[0] == '[') {
    const auto close = m.find("] ");
    if (close != std::string::npos) m = m.substr(close + 2);
  }
  // nlohmann::json::patch reports a malformed operation as a "parse error".
  if (m.rfind("parse error: ", 0) == 0) m = m.substr(13);
  return m;
}

nlohmann::ordered_json faults_json(const Scenario& s) {
  auto arr = nlohmann::ordered_json::array();
  for (const auto& f : s.faults) {
    nlohmann::ordered_json j;
    j["at_s"] = f.at_s;
    switch (f.kind) {
      case FaultSpec::Kind::Crash: j["crash"] = s.node_names[f.node]; break;
      case FaultSpec::Kind::Restart: j["restart"] = s.node_names[f.node]; break;
      case FaultSpec::Kind::LinkDown: j["link_down"] = {s.node_names[f.node], s.node_names[f.peer]}; break;
      case FaultSpec::Kind::LinkUp: j["link_up"] = {s.node_names[f.node], s.node_names[f.peer]}; break;
      case FaultSpec::Kind::LinkLatency:
        j["link_latency"] = {s.node_names[f.node], s.node_names[f.peer]};
        j["latency_ms"] = f.latency_s * 1000;
        break;
    }
    arr.push_back(j);
  }
  return arr;
}
}  // namespace

NodeId Scenario::find_node(const std::string& n) const {
  for (std::size_t i = 0; i < node_names.size(); ++i)
    if (node_names[i] == n) return static_cast<NodeId>(i);
  return kNoNode;
}

namespace {
// Everything but try_this (which parse_scenario reads and validates afterwards).
Scenario load_document(const nlohmann::json& j, const std::string& file) {
  JsonIn root(j, file, "$");
  root.expect_object({"$schema", "name", "title", "description", "model", "seed", "duration_s", "network", "nodes",
                      "links", "faults", "expect", "notes", "try_this", "open_at_s"});
  // "$schema" points an editor at scenarios/schema/scenario.schema.json; the run ignores it.
  root.str("$schema", "");
  Scenario s;
  s.file = file;
  s.name = root.str("name");
  s.title = root.str("title", s.name);
  s.description = root.str("description", "");
  s.model = root.one_of("model", model_names(), kDefaultModel);
  s.seed = static_cast<std::uint64_t>(root.integer("seed", 0, INT64_MAX, 1));
  s.duration_s = root.num("duration_s", 1e-6, kMaxTime, 60);

  JsonIn nodes = root.at("nodes");
  if (nodes.size() == 0) nodes.fail("expected at least one node");
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    JsonIn n = nodes.at(i);
    if (!n.json().is_object()) n.fail("expected an object, got " + json_type_phrase(n.json()));
    std::string name = n.str("name");
    if (name.empty() || name.find_first_of(" :/\"") != std::string::npos)
      n.at("name").fail("expected a non-empty name without spaces, ':', '/' or quotes");
    if (s.find_node(name) != kNoNode) n.at("name").fail(fmt::format("duplicate node name \"{}\"", name));
    s.node_names.push_back(name);
    s.node_roles.push_back(n.one_of("role", {"broker", "producer", "consumer", "controller", "store"}, nullptr));
    s.node_cores.push_back(static_cast<int>(n.integer("cores", 1, kMaxCores, 1)));
  }
  load_network(root, s);
  find_model(s.model)->load(nodes.with_shared_element_keys(&kSharedNodeKeys), s);
  load_store_nodes(nodes.with_shared_element_keys(&kSharedNodeKeys), s);
  load_faults(root, s);
  load_expect(root, s);
  s.header_extra["faults"] = faults_json(s);
  s.header_extra["expect"] = root.has("expect") ? nlohmann::ordered_json::parse(root.at("expect").json().dump())
                                                : nlohmann::ordered_json::object();
  // Where the GUI opens the run (a counterexample from `brokersim explore`: its first fault).
  if (root.has("open_at_s")) s.header_extra["open_at_s"] = root.num("open_at_s", 0, s.duration_s);
  s.document = j;
  return s;
}

// The lesson's expectations, for the header of a variant run.
void start_variant(Scenario& s) {
  if (s.variant) return;
  s.variant = Variant{false, false, s.expect};
  s.header_extra["variant"] = {{"lesson_expect", s.header_extra["expect"]}};
}
}  // namespace

Scenario parse_scenario(const std::string& text, const std::string& file) {
  const nlohmann::json j = parse_scenario_json(text, file);
  Scenario s = load_document(j, file);
  load_try_this(JsonIn(j, file, "$"), s);
  // A try_this that does not apply is refused with the lesson, not when a student tries it.
  if (s.try_this) try_this_variant(s);
  return s;
}

Scenario try_this_variant(const Scenario& lesson) {
  const std::string& file = lesson.file;
  if (!lesson.try_this) throw ScenarioError(fmt::format("{}: $: this lesson has no \"try_this\" to run", file));
  const TryThis& tt = *lesson.try_this;
  nlohmann::json doc = lesson.document;
  doc.erase("try_this");
  // One operation at a time, so that an error names the operation that failed.
  for (std::size_t i = 0; i < tt.patch.size(); ++i) {
    try {
      doc = doc.patch(nlohmann::json::array({tt.patch[i]}));
    } catch (const nlohmann::json::exception& e) {
      throw ScenarioError(fmt::format("{}: $.try_this.patch[{}]: cannot apply {}: {}", file, i, tt.patch[i].dump(),
                                      json_error_text(e)));
    }
  }
  // The variant is judged by the prediction, not by the lesson's block.
  if (doc.is_object()) doc.erase("expect");
  Scenario v;
  try {
    v = load_document(doc, file);
  } catch (const ScenarioError& e) {
    std::string why = e.what();
    if (why.rfind(file + ": ", 0) == 0) why = why.substr(file.size() + 2);
    throw ScenarioError(fmt::format("{}: $.try_this.patch: the patched scenario is invalid: {}", file, why));
  }
  v.expect = read_expect(JsonIn(tt.expect, file, "$.try_this.expect"), v);
  v.header_extra["expect"] = nlohmann::ordered_json::parse(tt.expect.dump());
  v.variant = Variant{true, false, lesson.expect};
  v.header_extra["variant"] = {{"try_this", tt.text}, {"lesson_expect", lesson.header_extra["expect"]}};
  return v;
}

Scenario load_scenario(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ScenarioError(fmt::format("{}: cannot open scenario file", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_scenario(ss.str(), path);
}

void add_fault(Scenario& s, const std::string& spec) {
  std::vector<std::string> parts;
  std::stringstream ss(spec);
  for (std::string p; std::getline(ss, p, ':');) parts.push_back(p);
  auto bad = [&](const std::string& why) {
    throw ScenarioError(fmt::format("--fault \"{}\": {} (expected T:crash:NODE, T:restart:NODE, T:link_down:A:B, T:link_up:A:B or T:link_latency:A:B:MS)", spec, why));
  };
  if (parts.size() < 3) bad("too few fields");
  FaultSpec f;
  try {
    std::size_t used = 0;
    f.at_s = std::stod(parts[0], &used);
    // std::stod accepts "nan", which slips through both comparisons below.
    if (used != parts[0].size() || !std::isfinite(f.at_s) || f.at_s < 0 || f.at_s > kMaxTime) bad("bad time");
  } catch (const std::logic_error&) {
    bad("bad time");
  }
  auto node = [&](const std::string& n) {
    NodeId id = s.find_node(n);
    if (id == kNoNode) bad(fmt::format("unknown node \"{}\"", n));
    return id;
  };
  const std::string& k = parts[1];
  if ((k == "crash" || k == "restart") && parts.size() == 3) {
    f.kind = k == "crash" ? FaultSpec::Kind::Crash : FaultSpec::Kind::Restart;
    f.node = node(parts[2]);
  } else if (((k == "link_down" || k == "link_up") && parts.size() == 4) || (k == "link_latency" && parts.size() == 5)) {
    f.kind = k == "link_down" ? FaultSpec::Kind::LinkDown : k == "link_up" ? FaultSpec::Kind::LinkUp : FaultSpec::Kind::LinkLatency;
    f.node = node(parts[2]);
    f.peer = node(parts[3]);
    if (!find_link(s, f.node, f.peer)) bad("no link between those nodes");
    if (f.kind == FaultSpec::Kind::LinkLatency) {
      try {
        std::size_t used = 0;
        const double ms = std::stod(parts[4], &used);
        if (used != parts[4].size() || !std::isfinite(ms) || ms < 0 || ms > kMaxLatencyMs) bad("bad latency (milliseconds)");
        f.latency_s = ms / 1000;
        if (ms < find_link(s, f.node, f.peer)->latency_s * 1000) bad("a latency below the link's own");
      } catch (const std::logic_error&) {
        bad("bad latency (milliseconds)");
      }
    }
  } else {
    bad("unknown fault kind or wrong number of fields");
  }
  s.faults.push_back(f);
  s.header_extra["faults"] = faults_json(s);
  // A lesson with a fault it was not written for is a what-if: nothing left to judge.
  start_variant(s);
  s.variant->what_if = true;
  s.expect.clear();
  s.header_extra["expect"] = nlohmann::ordered_json::object();
  auto& added = s.header_extra["variant"]["faults_added"];
  if (added.is_null()) added = nlohmann::ordered_json::array();
  added.push_back(faults_json(s).back());
}

}  // namespace bs
