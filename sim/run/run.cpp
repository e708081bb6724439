#include "run/run.hpp"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <memory>

#include <fmt/format.h>
#include <simgrid/s4u.hpp>
#include <xbt/log.h>

#include "check/checker.hpp"
#include "run/progress.hpp"
#include "run/simgrid_options.hpp"
#include "run/world.hpp"
#include "trace/trace.hpp"

namespace bs {
namespace sg = simgrid::s4u;
namespace {

/// Fans events out to the checker and (optionally) the trace writer.
class Tee final : public EventSink {
 public:
  explicit Tee(std::vector<EventSink*> sinks) : sinks_(std::move(sinks)) {}
  void on_event(const Event& e) override {
    ++count;
    for (auto* s : sinks_) s->on_event(e);
  }
  std::uint64_t count = 0;

 private:
  std::vector<EventSink*> sinks_;
};

std::uint64_t node_seed(std::uint64_t seed, NodeId id) {
  // splitmix64 of (seed, node): independent streams per node from one scenario seed.
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (id + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

void build_platform(sg::Engine& e, const Scenario& s, simrun::World& w) {
  auto* zone = sg::create_full_zone("world");
  for (std::size_t i = 0; i < s.node_names.size(); ++i) {
    sg::Host* h = zone->create_host(s.node_names[i], 1e9);
    h->set_core_count(i < s.node_cores.size() ? s.node_cores[i] : 1);
    w.hosts.push_back(h);
  }
  zone->create_host("brokersim-control", 1e9);
  for (const auto& l : s.links) {
    const std::string name = s.node_names[l.a] + "--" + s.node_names[l.b];
    sg::Link* link = zone->create_link(name, l.bandwidth_Bps)->set_latency(l.latency_s)->seal();
    const sg::LinkInRoute lr{link};
    zone->add_route(w.hosts[l.a]->get_netpoint(), w.hosts[l.b]->get_netpoint(), nullptr, nullptr, {lr}, true);
    w.net->add_link(l.a, l.b);
  }
  zone->seal();
  (void)e;
}
}  // namespace

nlohmann::ordered_json trace_header(const Scenario& s, std::uint64_t seed) {
  nlohmann::ordered_json h;
  h["brokersim"] = BROKERSIM_VERSION;
  h["scenario"] = s.name;
  h["title"] = s.title;
  h["description"] = s.description;
  h["seed"] = seed;
  h["model"] = s.model;
  h["duration_s"] = s.duration_s;
  auto nodes = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < s.node_names.size(); ++i)
    nodes.push_back({{"name", s.node_names[i]}, {"role", s.node_roles[i]}});
  h["nodes"] = nodes;
  auto links = nlohmann::ordered_json::array();
  for (const auto& l : s.links)
    links.push_back({{"a", s.node_names[l.a]}, {"b", s.node_names[l.b]}, {"latency_ms", l.latency_s * 1000},
                     {"bandwidth_mbps", l.bandwidth_Bps / 125000}});
  h["links"] = links;
  for (auto& [k, v] : s.header_extra.items()) h[k] = v;
  return h;
}

RunResult run_scenario(const Scenario& s, const RunOptions& opt) {
  RunResult r;
  r.seed = opt.seed.value_or(s.seed);
  xbt_log_control_set("root.thres:critical");
  // SimGrid reads its own options (--cfg=, --log=) from the command line it is given.
  std::vector<std::string> args{"brokersim"};
  args.insert(args.end(), opt.simgrid_options.begin(), opt.simgrid_options.end());
#if BROKERSIM_SANITIZE
  // AddressSanitizer cannot follow SimGrid's default (raw) context switches: it loses
  // track of actor stacks and reports false stack overflows and leaks. Threads are
  // ordinary stacks to it, and give byte-identical traces (tests/cli/simgrid_options.sh).
  // The factory is chosen when the Engine starts, so it goes on its command line.
  if (!simgrid_option_sets(opt.simgrid_options, "contexts/factory")) args.push_back("--cfg=contexts/factory:thread");
#endif
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int argc = static_cast<int>(args.size());
  // Never destroyed: SimGrid allows one Engine per process, and tearing it down with
  // actors still blocked at the end of the run is not supported.
  auto* engine = new sg::Engine(&argc, argv.data());
  if (!simgrid_option_sets(opt.simgrid_options, "network/model")) engine->set_config("network/model:CM02");
  if (!simgrid_option_sets(opt.simgrid_options, "network/crosstraffic")) engine->set_config("network/crosstraffic:0");

  simrun::World w;
  w.scenario = &s;
  const std::size_t n = s.node_names.size();
  w.up.assign(n, true);
  w.actors.resize(n);
  w.net = std::make_unique<simrun::Network>(
      &w.up, !opt.trace_path.empty(), [&w](Event e) { w.emit(std::move(e)); },
      [&w](NodeId from, NodeId to, std::uint64_t pkt, std::uint64_t bytes) { w.transmit(from, to, pkt, bytes); });
  build_platform(*engine, s, w);
  for (std::size_t i = 0; i < n; ++i) {
    w.nodes.push_back(s.factories[i](w.shared));
    w.rngs.emplace_back(node_seed(r.seed, static_cast<NodeId>(i)));
    w.mailboxes.push_back(sg::Mailbox::by_name(s.node_names[i]));
    // ':' cannot occur in a node name, so this mailbox never is another node's.
    w.cpus.push_back(std::make_unique<simrun::NodeCpu>(w.hosts[i], sg::Mailbox::by_name(s.node_names[i] + ":cpu")));
  }

  Checker checker(s.node_names, topic_groups_from_header(s.header_extra), topic_replicas_from_header(s.header_extra),
                  quorum_replicas_from_header(s.header_extra));
  std::unique_ptr<std::ofstream> trace_file;
  std::unique_ptr<TraceWriter> writer;
  std::vector<EventSink*> sinks{&checker};
  if (!opt.trace_path.empty()) {
    trace_file = std::make_unique<std::ofstream>(opt.trace_path, std::ios::binary);
    if (!*trace_file) throw std::runtime_error(fmt::format("{}: cannot write trace file", opt.trace_path));
    writer = std::make_unique<TraceWriter>(*trace_file, trace_header(s, r.seed));
    sinks.push_back(writer.get());
  }
  std::optional<ProgressBar> progress;
  if (opt.progress) sinks.push_back(&progress.emplace(s.duration_s, stderr));
  Tee tee(sinks);
  w.sink = &tee;

  for (std::size_t i = 0; i < n; ++i) w.start_actor(static_cast<NodeId>(i));
  std::vector<FaultSpec> faults = s.faults;
  std::stable_sort(faults.begin(), faults.end(), [](const FaultSpec& a, const FaultSpec& b) { return a.at_s < b.at_s; });
  if (!faults.empty())
    sg::Actor::create("fault-injector", sg::Host::by_name("brokersim-control"), simrun::fault_injector, &w, faults);

  const auto t0 = std::chrono::steady_clock::now();
  engine->run_until(s.duration_s);
  r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (progress) progress->finish();

  r.totals = checker.totals();
  // A consumer that never received anything is still part of the lesson's table.
  for (std::size_t i = 0; i < n; ++i)
    if (s.node_roles[i] == "consumer") r.totals.consumers[s.node_names[i]];
  r.totals.end_t = s.duration_s;
  r.expectations = check_expectations(s.expect, r.totals);
  for (const auto& e : r.expectations) r.pass &= e.pass;
  if (s.variant) r.lesson = judge_against_lesson(s.variant->lesson, r.totals);
  r.events = tee.count;
  if (writer) {
    nlohmann::ordered_json f;
    f["verdict"] = verdict_word(r.expectations, s.variant ? &*s.variant : nullptr);
    f["end_t"] = s.duration_s;
    f["totals"] = totals_json(r.totals);
    auto fails = nlohmann::ordered_json::array();
    for (const auto& e : r.expectations)
      if (!e.pass) fails.push_back({{"metric", e.expectation.metric}, {"message", e.describe()}, {"observed", e.observed}});
    f["failures"] = fails;
    // A variant's changes to the lesson's outcome: reported, not failed.
    if (s.variant) {
      auto changed = nlohmann::ordered_json::array();
      for (const auto& e : r.lesson)
        if (!e.same())
          changed.push_back({{"metric", e.result.expectation.metric}, {"message", e.describe()}, {"observed", e.result.observed}});
      f["changed"] = changed;
    }
    writer->write_footer(f);
  }
  return r;
}

}  // namespace bs
