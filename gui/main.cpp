// brokersim-gui: watch a brokersim scenario -- messages moving, consumers crashing,
// redeliveries arriving out of order. See docs/gui.md.
#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

#include <CLI/CLI.hpp>

#include "model/synthetic.hpp"
#include "runner.hpp"
#include "views.hpp"
#include "window.hpp"

using namespace bs;
using namespace bs::gui;

namespace {

// Load what the command line names; on failure leave the message in app.error.
bool load_initial(AppState& app, const Options& opt) {
  try {
    if (opt.synthetic > 0) {
      app.open_run(make_run(make_synthetic_trace(opt.synthetic), "synthetic"));
    } else if (!opt.trace.empty()) {
      app.open_run(make_run(read_trace(opt.trace), "original"));
    } else if (!opt.scenario.empty()) {
      SimRun r = run_brokersim(app.brokersim, opt.scenario, {});
      if (!r.ok) {
        app.error = r.error;
        return false;
      }
      // Read, then remove the temporary trace whether or not it could be read.
      std::error_code ec;
      try {
        app.open_run(make_run(read_trace(r.trace_path), "original"));
      } catch (...) {
        std::filesystem::remove(r.trace_path, ec);
        throw;
      }
      std::filesystem::remove(r.trace_path, ec);
      app.scenario_path = opt.scenario;
    } else {
      return true;  // the window shows the lesson picker
    }
  } catch (const std::exception& e) {
    app.error = e.what();
    return false;
  }
  return true;
}

// --what-if "T:crash:c1": fork now, through the same background job the window uses.
bool load_what_if(AppState& app, const Options& opt) {
  if (opt.what_if.empty()) return true;
  if (app.scenario_path.empty()) {
    app.error = "--what-if needs a scenario, not a trace";
    return false;
  }
  double fork = std::atof(opt.what_if.c_str());
  start_job(app, app.scenario_path, {opt.what_if}, true, "what-if: " + describe_fault(opt.what_if), fork);
  while (app.job && !poll_job(app))
    if (app.job) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return app.runs.size() == 2;
}

SideTab tab_of(const std::string& s) {
  if (s == "summary") return SideTab::Summary;
  if (s == "log") return SideTab::Log;
  if (s == "whatif") return SideTab::WhatIf;
  return SideTab::Lesson;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  CLI::App cli{"brokersim-gui: watch a brokersim scenario or trace"};
  cli.add_option("scenario", opt.scenario, "scenario JSON to run and show");
  cli.add_option("--trace", opt.trace, "open a recorded trace (JSON Lines) instead");
  cli.add_option("--brokersim", opt.brokersim, "path of the brokersim program");
  cli.add_option("--scenarios", opt.scenarios_dir, "directory of lessons for the picker");
  cli.add_option("--screenshot", opt.screenshot, "render once to this PNG and exit");
  cli.add_option("--at", opt.at, "simulated time to show (seconds)");
  cli.add_option("--size", opt.size, "window size, WIDTHxHEIGHT")->capture_default_str();
  cli.add_option("--panel", opt.panel, "side tab to show: lesson, summary, log, whatif")->capture_default_str();
  cli.add_option("--select", opt.select, "follow this message id");
  cli.add_option("--what-if", opt.what_if, "also run the scenario with this extra fault, e.g. 2.5:crash:c1");
  cli.add_option("--keys", opt.keys, "screenshot: press these keys first, one per frame (space,left,right,home,end; shift+right, alt+left, ...)");
  cli.add_option("--zoom", opt.zoom, "topology zoom, 1..20 (the mouse wheel in the window)");
  cli.add_option("--center", opt.center, "topology point at the canvas centre, X,Y in 0..1")->capture_default_str();
  cli.add_option("--font-scale", opt.font_scale, "text size, 1 = default")->capture_default_str();
  cli.add_option("--frames", opt.frames, "bench: number of frames to render");
  cli.add_flag("--bench", opt.bench, "render --frames frames of the busiest moment and print frame times");
  cli.add_option("--synthetic-packets", opt.synthetic, "bench: use a generated trace with N frames in flight");
  CLI11_PARSE(cli, argc, argv);

  if (std::sscanf(opt.size.c_str(), "%dx%d", &opt.width, &opt.height) != 2 || opt.width < 320 || opt.height < 240) {
    std::fprintf(stderr, "brokersim-gui: --size must be WIDTHxHEIGHT, at least 320x240 (got \"%s\")\n", opt.size.c_str());
    return 2;
  }
  if (opt.font_scale < 1.0f) opt.font_scale = 1.0f;  // never smaller than the default font
  if (!opt.scenario.empty() && !opt.trace.empty()) {
    std::fprintf(stderr, "brokersim-gui: give a scenario or --trace, not both\n");
    return 2;
  }
  if (opt.headless() && opt.scenario.empty() && opt.trace.empty() && opt.synthetic == 0) {
    std::fprintf(stderr, "brokersim-gui: --screenshot and --bench need a scenario, --trace or --synthetic-packets\n");
    return 2;
  }

  AppState app;
  app.brokersim = find_brokersim(opt.brokersim);
  app.scenarios_dir = bs::gui::find_scenarios_dir(opt.scenarios_dir, opt.scenario);
  app.scenarios = list_scenarios(app.scenarios_dir);
  app.font_scale = opt.font_scale;
  app.view_zoom = std::clamp(opt.zoom, 1.0f, 20.0f);
  if (std::sscanf(opt.center.c_str(), "%f,%f", &app.view_center.x, &app.view_center.y) != 2) {
    std::fprintf(stderr, "brokersim-gui: --center must be X,Y (got \"%s\")\n", opt.center.c_str());
    return 2;
  }

  bool ok = load_initial(app, opt) && load_what_if(app, opt);
  if (!ok && opt.headless()) {
    std::fprintf(stderr, "brokersim-gui: %s\n", app.error.c_str());
    return 1;
  }
  if (app.has_trace()) {
    app.tab = tab_of(opt.panel);
    app.tab_force_frames = 2;
    if (opt.select) app.select(opt.select);
    app.seek(opt.at);
  }
  if (opt.bench) return run_bench(app, opt);
  if (!opt.screenshot.empty()) return run_screenshot(app, opt);
  return run_window(app, opt);
}
