#include "cli/explore.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/child_pool.hpp"
#include "explore/promise.hpp"
#include "explore/schedule.hpp"
#include "explore/shrink.hpp"
#include "run/progress.hpp"
#include "scenario/scenario.hpp"
#include "scenario/scenario_error.hpp"

namespace bs {
namespace {
using explore::Episode;
using explore::Schedule;

// What one run with a schedule showed.
struct Outcome {
  int exit_code = 0;
  bool broken = false;
  std::vector<std::string> why;  ///< the promise's bounds that no longer hold
  nlohmann::ordered_json totals;
};

// The figures a search reports at their worst over its runs: what the faults cost even
// when the promise held.
constexpr const char* kWorstFigures[] = {"lost", "duplicates", "redelivered", "pending", "latency_max_ms"};

Outcome outcome_of(const ChildRun& r) {
  Outcome o;
  o.exit_code = r.metrics.is_null() && r.exit_code == 0 ? 3 : r.exit_code;
  if (o.exit_code != 0) return o;
  o.totals = r.metrics["totals"];
  // Added faults make the run a what-if: each bound of the promise is "same" (holds) or not.
  const char* key = r.metrics.contains("lesson_expectations") ? "lesson_expectations" : "expectations";
  const char* holds = r.metrics.contains("lesson_expectations") ? "same" : "pass";
  for (const auto& e : r.metrics[key])
    if (!e.value(holds, false)) {
      o.broken = true;
      o.why.push_back(e.value("message", ""));
    }
  return o;
}

std::string schedule_text(const Schedule& sch, const Scenario& s) {
  std::string out;
  for (const auto& e : sch) out += (out.empty() ? "" : "; ") + explore::describe(e, s);
  return out.empty() ? "no fault" : out;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The scenario every run starts from: the user's, judged by the promise.
std::string write_promise_scenario(const nlohmann::ordered_json& doc) {
  char tmpl[] = "/tmp/brokersim-explore-XXXXXX.json";
  const int fd = mkstemps(tmpl, 5);
  if (fd < 0) throw std::runtime_error("cannot create a temporary scenario file");
  close(fd);
  std::ofstream(tmpl) << doc.dump(2) << '\n';
  return tmpl;
}

std::vector<NodeId> node_list(const Scenario& s, const std::vector<std::string>& names) {
  std::vector<NodeId> out;
  for (const auto& n : names) {
    const NodeId id = s.find_node(n);
    if (id == kNoNode) throw ScenarioError(fmt::format("--nodes: the scenario has no node \"{}\"", n));
    out.push_back(id);
  }
  return out;
}

explore::Space space_of(const ExploreOptions& opt, const Scenario& s) {
  explore::Space sp = explore::default_space(s);
  if (!opt.nodes.empty()) sp.crashable = node_list(s, opt.nodes);
  if (!opt.links.empty()) {
    sp.links.clear();
    for (const auto& l : opt.links) {
      const auto dash = l.find('-');
      const NodeId a = dash == std::string::npos ? kNoNode : s.find_node(l.substr(0, dash));
      const NodeId b = dash == std::string::npos ? kNoNode : s.find_node(l.substr(dash + 1));
      bool linked = false;
      for (const auto& ls : s.links) linked |= (ls.a == a && ls.b == b) || (ls.a == b && ls.b == a);
      if (a == kNoNode || b == kNoNode || !linked)
        throw ScenarioError(fmt::format("--links \"{}\": expected A-B, two nodes of the scenario with a link between them", l));
      sp.links.emplace_back(a, b);
    }
  }
  if (!opt.kinds.empty()) {
    sp.kinds.clear();
    for (const auto& k : opt.kinds) {
      if (k == "crash") sp.kinds.push_back(Episode::Kind::Crash);
      else if (k == "partition") sp.kinds.push_back(Episode::Kind::Partition);
      else if (k == "slow") sp.kinds.push_back(Episode::Kind::SlowLink);
      else throw ScenarioError(fmt::format("--kinds \"{}\": expected crash, partition or slow", k));
    }
  }
  if (opt.from_s) sp.from_s = *opt.from_s;
  if (opt.until_s) sp.until_s = *opt.until_s;
  if (opt.max_length_s) sp.max_length_s = *opt.max_length_s;
  if (sp.from_s < 0 || sp.until_s <= sp.from_s || sp.until_s > s.duration_s)
    throw ScenarioError(fmt::format("--from/--until: expected 0 <= from < until <= the run's duration ({:g} s)", s.duration_s));
  if (sp.max_length_s < sp.min_length_s)
    throw ScenarioError(fmt::format("--max-outage: expected at least {:g} s", sp.min_length_s));
  if (opt.max_faults < 1 || opt.max_faults > 20) throw ScenarioError("--max-faults: expected 1 to 20");
  sp.max_episodes = opt.max_faults;
  return sp;
}

// The counterexample as a scenario: the lesson with the schedule's faults added, judged
// by the promise, opening at the first added fault.
void write_counterexample(const std::string& path, nlohmann::ordered_json doc, const Scenario& s, const Schedule& sch,
                          const std::string& how) {
  doc.erase("$schema");  // a relative path would not resolve from where the file is written
  doc["name"] = s.name + "-explored";
  doc["title"] = "Explored: " + s.title;
  doc["description"] = how;
  auto faults = doc.contains("faults") ? doc["faults"] : nlohmann::ordered_json::array();
  for (auto& f : explore::faults_json(sch, s)) faults.push_back(std::move(f));
  doc["faults"] = faults;
  if (!sch.empty()) doc["open_at_s"] = sch.front().start_s;
  std::ofstream out(path);
  if (!out) throw ScenarioError(fmt::format("{}: cannot write the counterexample scenario", path));
  out << doc.dump(2) << '\n';
}

}  // namespace

int explore_scenario(const ExploreOptions& opt) {
  const Scenario s = load_scenario(opt.scenario);
  nlohmann::ordered_json doc = nlohmann::ordered_json::parse(read_file(opt.scenario));
  const bool own = opt.promises.empty();
  const nlohmann::ordered_json promise = own ? doc.value("expect", nlohmann::ordered_json::object()) : explore::promise_expect(opt.promises);
  if (promise.empty())
    throw ScenarioError(fmt::format("{}: $: no promise to explore: the scenario has no \"expect\" block; give one with "
                                    "--promise, e.g. --promise 'lost==0'", opt.scenario));
  doc["expect"] = promise;
  doc.erase("try_this");  // its patch and prediction were written for the lesson, not for a promise
  const std::string base = write_promise_scenario(doc);
  struct Remove {
    std::string p;
    ~Remove() { std::remove(p.c_str()); }
  } remove_base{base};
  try {
    load_scenario(base);
  } catch (const ScenarioError& e) {
    std::string why = e.what();
    if (why.rfind(base + ": ", 0) == 0) why = why.substr(base.size() + 2);
    throw ScenarioError(own ? fmt::format("{}: {}", opt.scenario, why) : fmt::format("--promise: {}", why));
  }
  const explore::Space space = space_of(opt, s);
  const std::uint64_t seed = opt.seed.value_or(s.seed);
  const unsigned jobs = opt.jobs ? opt.jobs : default_jobs();
  const std::string out_path = opt.out.empty() ? "explored-" + s.name + ".json" : opt.out;
  if (!std::ofstream(out_path, std::ios::app)) throw ScenarioError(fmt::format("{}: cannot write output file", out_path));
  std::remove(out_path.c_str());

  fmt::print("explore {}: promise {}\n", opt.scenario, promise.dump());
  fmt::print("  {} schedules of 1 to {} faults from seed {}, {} at once; starts in [{:g}, {:g}) s, outages up to {:g} s\n",
             opt.runs, space.max_episodes, seed, jobs, space.from_s, space.until_s, space.max_length_s);

  std::map<std::string, Outcome> seen;  // by the schedule's fault arguments
  auto key = [&](const Schedule& sch) {
    std::string k;
    for (const auto& a : explore::fault_args(sch, s)) k += a + " ";
    return k;
  };
  CountProgress bar("brokersim explore", opt.runs, stderr, !opt.quiet);
  std::size_t finished = 0;
  auto run_batch = [&](const std::vector<Schedule>& batch, const char* phase) {
    std::vector<ChildRequest> reqs;
    for (const auto& sch : batch) {
      std::vector<std::string> extra = opt.simgrid;
      for (const auto& a : explore::fault_args(sch, s)) extra.insert(extra.end(), {"--fault", a});
      reqs.push_back({base, std::nullopt, std::move(extra)});
    }
    const std::size_t before = finished;
    auto results = run_in_children(reqs, jobs, [&](std::size_t n) { bar.update(before + n, phase); });
    finished += results.size();
    std::vector<Outcome> out;
    for (std::size_t i = 0; i < results.size(); ++i) {
      out.push_back(outcome_of(results[i]));
      if (out.back().exit_code != 0) {
        bar.finish();
        write_counterexample(out_path, doc, s, batch[i],
                             fmt::format("brokersim explore: this fault schedule made brokersim itself fail (exit {}): {}",
                                         out.back().exit_code, schedule_text(batch[i], s)));
        throw std::runtime_error(fmt::format("a run failed (exit {}) with the schedule: {} (written to {})",
                                             out.back().exit_code, schedule_text(batch[i], s), out_path));
      }
      seen[key(batch[i])] = out.back();
    }
    return out;
  };

  // The promise must hold before any fault is added, or there is nothing to explore.
  if (Outcome o = run_batch({Schedule{}}, "without faults").front(); o.broken) {
    bar.finish();
    fmt::print("  the promise is broken with no added fault:\n");
    for (const auto& w : o.why) fmt::print("      {}\n", w);
    write_counterexample(out_path, doc, s, {}, "brokersim explore: the promise is broken by the scenario as it is, with no added fault.");
    fmt::print("  wrote {}\n", out_path);
    return 1;
  }
  finished = 0;

  // Search: batches of `jobs` schedules; the first (lowest run number) to break the promise wins.
  std::optional<std::size_t> found;
  Schedule failing;
  for (std::size_t first = 0; first < opt.runs && !found; first += jobs) {
    std::vector<Schedule> batch;
    std::vector<std::size_t> index;
    for (std::size_t i = first; i < std::min(opt.runs, first + jobs); ++i) {
      batch.push_back(explore::random_schedule(space, explore::run_seed(seed, i)));
      index.push_back(i);
    }
    const auto outcomes = run_batch(batch, "searching");
    for (std::size_t j = 0; j < batch.size(); ++j) {
      if (opt.verbose) {
        bar.finish();
        fmt::print("  run {:>4}  seed {:>20}  {:<6}  {}\n", index[j] + 1, explore::run_seed(seed, index[j]),
                   outcomes[j].broken ? "BROKEN" : "holds", schedule_text(batch[j], s));
      }
      if (outcomes[j].broken && !found) {
        found = index[j];
        failing = batch[j];
      }
    }
  }
  if (!found) {
    bar.finish();
    fmt::print("  {} runs (seeds: run_seed({}, 0..{})): no schedule broke the promise\n", finished, seed, opt.runs - 1);
    std::string worst;
    for (const char* f : kWorstFigures) {
      double w = -1;
      for (const auto& [k, o] : seen)
        if (o.totals.contains(f) && o.totals[f].is_number()) w = std::max(w, o.totals[f].get<double>());
      if (w >= 0) worst += fmt::format("{}{} {:g}", worst.empty() ? "" : ", ", f, w);
    }
    if (!worst.empty()) fmt::print("  the worst any run saw: {}\n", worst);
    return 0;
  }
  bar.finish();
  fmt::print("  run {} of {} (schedule seed {}) broke the promise after {} runs:\n", *found + 1, opt.runs,
             explore::run_seed(seed, *found), finished);
  for (const auto& w : seen[key(failing)].why) fmt::print("      {}\n", w);
  fmt::print("    with {} fault{}: {}\n", failing.size(), failing.size() == 1 ? "" : "s", schedule_text(failing, s));

  // Shrink.
  bar.reset(finished + 400);
  const explore::ShrinkResult shrunk = explore::shrink(
      failing, space,
      [&](const std::vector<Schedule>& batch) {
        std::vector<bool> breaks;
        for (const auto& o : run_batch(batch, "shrinking")) breaks.push_back(o.broken);
        return breaks;
      },
      s);
  bar.finish();
  fmt::print("  shrinking: {} runs, {} steps\n", shrunk.runs, shrunk.steps.size());
  for (std::size_t i = 0; i < shrunk.steps.size(); ++i) fmt::print("    {:>2}. {}\n", i + 1, shrunk.steps[i].what);
  const Outcome& last = seen[key(shrunk.minimal)];
  fmt::print("  minimal schedule ({} fault{}): {}\n", shrunk.minimal.size(), shrunk.minimal.size() == 1 ? "" : "s",
             schedule_text(shrunk.minimal, s));
  for (const auto& w : last.why) fmt::print("      {}\n", w);
  std::string how = fmt::format(
      "brokersim explore found this fault schedule breaking the promise of \"{}\" ({}): {}. It is the shrunk form of run {} "
      "(schedule seed {}, exploration seed {}), {} fault(s) before {} shrink steps. It breaks: {}. Watch from the first "
      "fault to see how it breaks.",
      s.title, opt.scenario, schedule_text(shrunk.minimal, s), *found + 1, explore::run_seed(seed, *found), seed,
      failing.size(), shrunk.steps.size(), fmt::join(last.why, "; "));
  write_counterexample(out_path, doc, s, shrunk.minimal, how);
  fmt::print("  wrote {}: brokersim check {} fails on it; brokersim-gui {} opens at {:.3f} s\n", out_path, out_path, out_path,
             shrunk.minimal.empty() ? 0.0 : shrunk.minimal.front().start_s);
  return 1;
}

}  // namespace bs
