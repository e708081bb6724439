// brokersim: run message-broker lessons under SimGrid and check what happened.
#include <fstream>
#include <iostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ostream.h>

#include "cli/child_pool.hpp"
#include "cli/child_run.hpp"
#include "cli/compare.hpp"
#include "cli/explore.hpp"
#include "cli/report.hpp"
#include "cli/sweep.hpp"
#include "check/variant.hpp"
#include "run/run.hpp"
#include "run/simgrid_options.hpp"
#include "scenario/scenario_error.hpp"
#include "trace/chrome_trace.hpp"
#include "trace/trace.hpp"

namespace {
// Exit codes: 0 ok, 1 an expectation failed (check), 2 bad input, 3 internal error.
constexpr int kExpectFailed = 1, kBadInput = 2, kInternal = 3;

int cmd_run(const std::string& path, std::string trace, const std::string& metrics, const std::string& perfetto,
            std::optional<std::uint64_t> seed, const std::vector<std::string>& faults, bool quiet, bool try_this,
            const std::vector<std::string>& simgrid) {
  bs::check_simgrid_options(simgrid);
  bs::Scenario s = bs::load_scenario(path);
  if (try_this) s = bs::try_this_variant(s);
  // Refuse unwritable outputs before spending time on the run.
  for (const auto& out : {trace, metrics, perfetto})
    if (!out.empty() && !std::ofstream(out, std::ios::app))
      throw bs::ScenarioError(fmt::format("{}: cannot write output file", out));
  for (const auto& f : faults) bs::add_fault(s, f);
  // The Perfetto file is made from the trace as read back: without --trace, a scratch one.
  std::optional<bs::ScratchFile> scratch;
  if (!perfetto.empty() && trace.empty()) trace = scratch.emplace(perfetto + ".trace.jsonl").path();
  bs::RunOptions opt;
  opt.progress = !quiet;
  opt.trace_path = trace;
  opt.seed = seed;
  opt.simgrid_options = simgrid;
  bs::RunResult r = bs::run_scenario(s, opt);
  if (!metrics.empty()) bs::write_metrics(metrics, s, r);
  if (!perfetto.empty()) bs::write_chrome_trace(perfetto, bs::read_trace(trace));
  if (!quiet) bs::print_summary(std::cout, s, r);
  std::cout.flush();
  return 0;
}

int cmd_check(const std::vector<std::string>& paths, std::optional<std::uint64_t> seed,
              const std::vector<std::string>& faults, bool try_this, const std::vector<std::string>& simgrid) {
  bs::check_simgrid_options(simgrid);  // once here, rather than one refusal per child
  std::vector<std::string> extra = simgrid;
  if (try_this) extra.push_back("--try");
  for (const auto& f : faults) extra.insert(extra.end(), {"--fault", f});
  int worst = 0;
  for (const auto& p : paths) {
    const std::string label = try_this ? p + " --try" : p;
    bs::ChildRun c = bs::run_in_child(p, seed, extra);
    if (c.exit_code != 0 || c.metrics.is_null()) {
      fmt::print("{:<40} ERROR (exit {})\n", label, c.exit_code);
      worst = std::max(worst, c.exit_code == kBadInput ? kBadInput : kInternal);
      continue;
    }
    const std::string verdict = c.metrics.value("verdict", "none");
    fmt::print("{:<40} {}\n", label,
               verdict == "fail"                ? "FAIL"
               : verdict == "pass"              ? "pass"
               : verdict == bs::kVerdictWhatIf ? "what-if (faults added: the lesson's expectations compared, not judged)"
                                                : "ran (no expectations)");
    for (const auto& e : c.metrics["expectations"])
      if (!e.value("pass", false)) fmt::print("    expectation failed: {}\n", e.value("message", ""));
    // A variant's view of the lesson: what changed is the experiment's result, not a failure.
    if (c.metrics.contains("lesson_expectations"))
      for (const auto& e : c.metrics["lesson_expectations"])
        fmt::print("    lesson's expectation {:<9}{}\n", e.value("same", false) ? "same:" : "changed:", e.value("message", ""));
    if (verdict == "fail") worst = std::max(worst, kExpectFailed);
  }
  return worst;
}

// SimGrid's own options (its command-line convention): --cfg=NAME:VALUE and --log=SETTING,
// on every subcommand that runs a simulation; collected as SimGrid will read them.
void add_simgrid_options(CLI::App* cmd, std::vector<std::string>& cfg, std::vector<std::string>& log) {
  cmd->add_option("--cfg", cfg,
                  "SimGrid configuration item NAME:VALUE, handed to SimGrid's Engine, e.g. --cfg=contexts/factory:thread "
                  "(repeatable; SimGrid 3.32's items: see its 'Configuring SimGrid' documentation)")
      ->type_name("NAME:VALUE")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->allow_extra_args(false);
  cmd->add_option("--log", log, "SimGrid logging setting, e.g. --log=root.thres:info (repeatable; SimGrid is silent by default)")
      ->type_name("SETTING")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->allow_extra_args(false);
}

std::vector<std::string> simgrid_args(const std::vector<std::string>& cfg, const std::vector<std::string>& log) {
  std::vector<std::string> out;
  for (const auto& c : cfg) out.push_back("--cfg=" + c);
  for (const auto& l : log) out.push_back("--log=" + l);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"brokersim — simulate message-broker semantics under SimGrid and check what happened"};
  app.require_subcommand(1);
  std::string path, trace, metrics;
  std::vector<std::string> paths, faults;
  std::optional<std::uint64_t> seed;
  bool quiet = false;

  auto* run = app.add_subcommand("run", "run one scenario and print its summary");
  run->add_option("scenario", path, "scenario JSON file")->required();
  run->add_option("--trace", trace, "write the event trace (JSON Lines) to this file");
  run->add_option("--metrics", metrics, "write metrics JSON here (and .consumers.csv / .queues.csv beside it)");
  run->add_option("--seed", seed, "override the scenario's seed");
  run->add_option("--fault", faults, "add a fault: T:crash:NODE, T:restart:NODE, T:link_down:A:B, T:link_up:A:B");
  run->add_flag("--quiet", quiet, "print no summary");
  std::string perfetto;
  run->add_option("--perfetto", perfetto,
                  "write the run as a Chrome trace event file (JSON) for ui.perfetto.dev or chrome://tracing: a track "
                  "per node, a slice per processing, an arrow per message from publish to processing, faults as instants");
  bool try_this = false;
  const char* try_help = "run the lesson's try_this variant, judged by its prediction; the lesson's own "
                         "expectations are reported as same / changed";
  run->add_flag("--try", try_this, try_help);
  std::vector<std::string> sg_cfg, sg_log;
  add_simgrid_options(run, sg_cfg, sg_log);

  auto* check = app.add_subcommand("check", "run scenarios and fail if one breaks its expect block");
  check->add_option("scenarios", paths, "scenario JSON files")->required();
  check->add_option("--seed", seed, "override the scenarios' seeds");
  check->add_flag("--try", try_this, try_help);
  check->add_option("--fault", faults,
                    "add a fault (a what-if: the lesson's expectations are reported as same / changed, not judged)");
  add_simgrid_options(check, sg_cfg, sg_log);

  std::vector<std::string> compared;
  auto* compare = app.add_subcommand("compare", "run two or more scenarios and print their totals side by side");
  compare->add_option("scenarios", compared, "scenario JSON files, one column each")
      ->required()
      ->expected(2, CLI::detail::expected_max_vector_size);
  compare->add_option("--seed", seed, "override the scenarios' seeds");
  add_simgrid_options(compare, sg_cfg, sg_log);

  bs::ExploreOptions ex;
  auto* explore = app.add_subcommand(
      "explore",
      "try random fault schedules (crashes, partitions, slow links) against a promise, shrink the first that breaks "
      "it, and write it as a scenario to watch (exit 1 when one breaks it, 0 when none did)");
  explore->add_option("scenario", ex.scenario, "scenario JSON file")->required();
  explore->add_option("--promise", ex.promises,
                      "what must hold, METRIC OP NUMBER with OP ==, <= or >= (an expect-block metric), e.g. 'lost==0'; "
                      "repeatable; default: the scenario's expect block");
  explore->add_option("--runs", ex.runs, "schedules to try")->capture_default_str()->check(CLI::Range(1, 1000000));
  explore->add_option("--seed", ex.seed, "exploration seed (run i's schedule comes from it); default the scenario's seed");
  explore->add_option("--jobs", ex.jobs, "runs at once (default: one per core)")->check(CLI::Range(1, 256));
  explore->add_option("--nodes", ex.nodes, "nodes that may crash (default: all)")->delimiter(',');
  explore->add_option("--links", ex.links, "links A-B that may be cut or slowed (default: all)")->delimiter(',');
  explore->add_option("--kinds", ex.kinds, "fault kinds: crash, partition, slow (default: all)")->delimiter(',');
  explore->add_option("--from", ex.from_s, "earliest fault start, simulated seconds (default 0)");
  explore->add_option("--until", ex.until_s, "latest fault start, simulated seconds (default 80% of the run)");
  explore->add_option("--max-outage", ex.max_length_s, "longest crash, partition or slow period, simulated seconds (default 20% of the run)");
  explore->add_option("--max-faults", ex.max_faults, "faults per schedule, at most")->capture_default_str();
  explore->add_option("--out", ex.out, "where to write the shrunk counterexample (default explored-NAME.json)");
  explore->add_flag("--verbose", ex.verbose, "print every run: its seed, whether the promise held, its schedule");
  explore->add_flag("--quiet", ex.quiet, "no progress bar");
  add_simgrid_options(explore, sg_cfg, sg_log);

  bs::SweepOptions sw;
  sw.jobs = bs::default_jobs();
  auto* sweep = app.add_subcommand("sweep", "run one scenario over a grid of parameter values and seeds, one CSV row per run");
  sweep->add_option("scenario", sw.scenario, "scenario JSON file")->required();
  sweep->add_option("--set", sw.sets,
                    "KEY=v1,v2,...: a grid axis (repeatable; the grid is every combination). KEY is a node's key "
                    "(c1.prefetch, nodes.c1.prefetch), a top-level path (duration_s, network.latency_ms) or a JSON "
                    "Pointer (/nodes/3/prefetch); values are JSON (10, 0.5, true, \"text\", {\"exponential\": 100}) "
                    "or bare words")
      ->type_name("KEY=V1,V2,...")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->allow_extra_args(false);
  sweep->add_option("--seeds", sw.seeds, "runs per grid point, with seeds S, S+1, ..., S+N-1 (S: the scenario's seed)")
      ->check(CLI::Range(1u, 100000u));
  sweep->add_option("--jobs", sw.jobs, "runs at once (default: one per core)")->check(CLI::Range(1u, 1024u));
  sweep->add_option("--csv", sw.csv, "write the CSV here (default: standard output)");
  sweep->add_flag("--quiet", sw.quiet, "no progress bar and no summary");
  add_simgrid_options(sweep, sg_cfg, sg_log);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kBadInput;
  }
  try {
    const std::vector<std::string> simgrid = simgrid_args(sg_cfg, sg_log);
    if (*run) return cmd_run(path, trace, metrics, perfetto, seed, faults, quiet, try_this, simgrid);
    if (*check) return cmd_check(paths, seed, faults, try_this, simgrid);
    if (*explore) {
      ex.simgrid = simgrid;
      bs::check_simgrid_options(simgrid);
      return bs::explore_scenario(ex);
    }
    if (*compare) {
      bs::check_simgrid_options(simgrid);
      return bs::compare_runs(compared, seed, simgrid);
    }
    if (*sweep) {
      bs::check_simgrid_options(simgrid);
      sw.simgrid_options = simgrid;
      return bs::sweep(sw);
    }
  } catch (const bs::ScenarioError& e) {
    fmt::print(std::cerr, "brokersim: {}\n", e.what());
    return kBadInput;
  } catch (const std::exception& e) {
    fmt::print(std::cerr, "brokersim: internal error: {}\n", e.what());
    return kInternal;
  }
  return 0;
}
