// brokersim-gui: watch a brokersim scenario -- messages moving, consumers crashing,
// redeliveries arriving out of order. See docs/gui.md.
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

#include <CLI/CLI.hpp>

#include "model/synthetic.hpp"
#include "model_panels.hpp"
#include "runner.hpp"
#include "views.hpp"
#include "window.hpp"

using namespace bs;
using namespace bs::gui;

namespace {

// Run a scenario in a child brokersim and read its trace (removed afterwards either way).
Run run_scenario(AppState& app, const std::string& path, std::string label, bool try_this = false) {
  SimRun r = run_brokersim(app.brokersim, path, {}, try_this);
  if (!r.ok) throw std::runtime_error(r.error);
  std::error_code ec;
  try {
    Run run = make_run(read_trace(r.trace_path), std::move(label));
    std::filesystem::remove(r.trace_path, ec);
    return run;
  } catch (...) {
    std::filesystem::remove(r.trace_path, ec);
    throw;
  }
}

// Label of a run opened from the command line: its lesson title, else the file name.
std::string title_of(const Run& r, const std::string& path) {
  const auto& h = r.model->trace.header;
  return !h.title.empty() ? h.title : !h.scenario.empty() ? h.scenario : path;
}

// Load what the command line names; on failure leave the message in app.error. With several
// scenarios (or traces) the others are shown beside the first, on one clock.
bool load_initial(AppState& app, const Options& opt) {
  try {
    if (opt.synthetic > 0) {
      app.open_run(make_run(make_synthetic_trace(opt.synthetic), "synthetic"));
      return true;
    }
    const auto& src = opt.traces.empty() ? opt.scenarios : opt.traces;
    if (src.empty()) return true;  // the window shows the lesson picker
    for (std::size_t i = 0; i < src.size(); ++i) {
      Run run = opt.traces.empty() ? run_scenario(app, src[i], "original") : make_run(read_trace(src[i]), "original");
      if (src.size() > 1) run.label = title_of(run, src[i]);
      if (i == 0) {
        app.open_run(std::move(run));
      } else {
        run.kind = RunKind::Beside;
        app.runs.push_back(std::move(run));
      }
    }
    if (opt.traces.empty()) app.set_scenario(src[0]);
  } catch (const std::exception& e) {
    app.error = e.what();
    return false;
  }
  return true;
}

// --what-if "T:crash:c1" or --try: a variant of the lesson, through the same background
// job the window uses.
bool load_variant(AppState& app, const Options& opt) {
  if (opt.what_if.empty() && !opt.try_this) return true;
  if (app.scenario_path.empty() || app.runs.size() != 1) {
    app.error = "--what-if and --try need one scenario, not a trace or two scenarios";
    return false;
  }
  RunRequest rq;
  rq.scenario = app.scenario_path;
  if (opt.try_this) {
    rq.try_this = true;
    rq.kind = RunKind::TryThis;
    rq.label = "Try this";
  } else {
    rq.faults = {opt.what_if};
    rq.kind = RunKind::WhatIf;
    rq.label = "what-if: " + describe_fault(opt.what_if);
    rq.fork_t = std::atof(opt.what_if.c_str());
  }
  start_job(app, std::move(rq));
  while (app.job && !poll_job(app))
    if (app.job) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return app.runs.size() == 2;
}

SideTab tab_of(const std::string& s) {
  if (s == "summary") return SideTab::Summary;
  if (s == "log") return SideTab::Log;
  if (s == "whatif") return SideTab::WhatIf;
  if (s == "spacetime") return SideTab::SpaceTime;
  if (s == "charts") return SideTab::Charts;
  if (s == "consumers") return SideTab::Consumers;
  return SideTab::Lesson;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  CLI::App cli{"brokersim-gui: watch a brokersim scenario or trace"};
  cli.add_option("scenario", opt.scenarios, "scenario JSON to run and show; give two to four to compare them side by side")
      ->expected(0, static_cast<int>(kMaxRuns));
  cli.add_option("--trace", opt.traces, "open a recorded trace (JSON Lines) instead; up to four times to compare them")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cli.add_option("--brokersim", opt.brokersim, "path of the brokersim program");
  cli.add_option("--scenarios", opt.scenarios_dir, "directory of lessons for the picker");
  cli.add_option("--screenshot", opt.screenshot, "render once to this PNG and exit");
  cli.add_option("--at", opt.at, "simulated time to show (seconds)");
  cli.add_option("--size", opt.size, "window size, WIDTHxHEIGHT")->capture_default_str();
  cli.add_option("--panel", opt.panel, "side tab to show: lesson, summary, log, whatif, spacetime, charts, consumers (narrow layout)")->capture_default_str();
  cli.add_option("--select", opt.select, "follow this message id");
  cli.add_option("--what-if", opt.what_if, "also run the scenario with this extra fault, e.g. 2.5:crash:c1");
  cli.add_flag("--try", opt.try_this, "also run the lesson's \"Try this\" variant beside it");
  cli.add_option("--keys", opt.keys, "screenshot: press these keys first, one per frame (space,left,right,home,end; shift+right, alt+left, ...)");
  cli.add_option("--zoom", opt.zoom, "topology zoom, 1..20 (the mouse wheel in the window)");
  cli.add_option("--center", opt.center, "topology point at the canvas centre, X,Y in 0..1")->capture_default_str();
  cli.add_option("--font-scale", opt.font_scale, "text size, 1 = default")->capture_default_str();
  cli.add_option("--frames", opt.frames, "bench: number of frames to render");
  cli.add_flag("--check-layout", opt.check_layout,
               "render every tab at several times, at 1280x800 and 1920x1080, text 1x and 2x; report content cut off or labels over nodes (exit 1 if any)");
  cli.add_flag("--bench", opt.bench, "render --frames frames of the busiest moment and print frame times");
  cli.add_option("--synthetic-packets", opt.synthetic, "bench: use a generated trace with N frames in flight");
  CLI11_PARSE(cli, argc, argv);

  if (std::sscanf(opt.size.c_str(), "%dx%d", &opt.width, &opt.height) != 2 || opt.width < 320 || opt.height < 240) {
    std::fprintf(stderr, "brokersim-gui: --size must be WIDTHxHEIGHT, at least 320x240 (got \"%s\")\n", opt.size.c_str());
    return 2;
  }
  if (opt.font_scale < 1.0f) opt.font_scale = 1.0f;  // never smaller than the default font
  if (!opt.scenarios.empty() && !opt.traces.empty()) {
    std::fprintf(stderr, "brokersim-gui: give scenarios or --trace, not both\n");
    return 2;
  }
  if (opt.traces.size() > kMaxRuns) {
    std::fprintf(stderr, "brokersim-gui: at most %zu traces side by side (got %zu)\n", kMaxRuns, opt.traces.size());
    return 2;
  }
  // A screenshot of nothing opened shows the lesson picker; the bench and the layout audit need a run.
  if ((opt.bench || opt.check_layout) && opt.scenarios.empty() && opt.traces.empty() && opt.synthetic == 0) {
    std::fprintf(stderr, "brokersim-gui: --bench and --check-layout need a scenario, --trace or --synthetic-packets\n");
    return 2;
  }

  AppState app;
  app.brokersim = find_brokersim(opt.brokersim);
  app.scenarios_dir = bs::gui::find_scenarios_dir(opt.scenarios_dir, opt.scenarios.empty() ? "" : opt.scenarios[0]);
  app.scenarios = list_scenarios(app.scenarios_dir);
  app.font_scale = opt.font_scale;
  app.view_zoom = std::clamp(opt.zoom, 1.0f, 20.0f);
  if (std::sscanf(opt.center.c_str(), "%f,%f", &app.view_center.x, &app.view_center.y) != 2) {
    std::fprintf(stderr, "brokersim-gui: --center must be X,Y (got \"%s\")\n", opt.center.c_str());
    return 2;
  }

  bool ok = load_initial(app, opt) && load_variant(app, opt);
  if (!ok && opt.headless()) {
    std::fprintf(stderr, "brokersim-gui: %s\n", app.error.c_str());
    return 1;
  }
  if (app.has_trace()) {
    app.tab = tab_of(opt.panel);
    if (opt.select) app.select(opt.select);
    // A counterexample from `brokersim explore` names where to look: its first fault.
    const auto& raw = app.model().trace.header.raw;
    if (!cli.count("--at") && raw.contains("open_at_s") && raw["open_at_s"].is_number()) opt.at = raw["open_at_s"].get<double>();
    app.seek(opt.at);
  }
  if (opt.headless() && app.has_trace()) {
    // A screenshot shows the charts, not "sampling ...".
    for (auto& r : app.runs) run_series_wait(r);
    if (large_run(app.runs.front()))
      std::printf("brokersim-gui: large run: %llu messages, counts and charts instead of message boxes\n",
                  static_cast<unsigned long long>(run_series_wait(app.runs.front()).messages));
  }
  if (opt.bench) return run_bench(app, opt);
  if (opt.check_layout) return run_layout_check(app, opt);
  if (!opt.screenshot.empty()) return run_screenshot(app, opt);
  return run_window(app, opt);
}
