// The GLFW + OpenGL3 window: the interactive loop, the screenshot and the bench.
#pragma once
#include "app_state.hpp"
#include "options.hpp"

namespace bs::gui {

/// Open the window and run until it is closed. Returns the process exit code.
int run_window(AppState& app, const Options& opt);
/// Render the view at opt.at into opt.screenshot (PNG). Returns the process exit code.
int run_screenshot(AppState& app, const Options& opt);
/// Render every side tab at several times of the run, at 1280x800 and 1920x1080 with text
/// scale 1 and 2, with the layout audit on, and print what is cut off or overlapping (see
/// layout_audit.hpp). Exit code 0 if nothing, 1 if any.
int run_layout_check(AppState& app, const Options& opt);
/// Render opt.frames frames around the busiest moment and print frame times.
int run_bench(AppState& app, const Options& opt);

}  // namespace bs::gui
