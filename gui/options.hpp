// Command line of brokersim-gui.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace bs::gui {

/// What the user asked for on the command line.
struct Options {
  std::vector<std::string> scenarios;  ///< SCENARIO.json to run; up to three more are shown beside the first
  std::vector<std::string> traces;     ///< --trace FILE.jsonl to open instead (up to four: side by side)
  std::string brokersim;       ///< --brokersim PATH
  std::string scenarios_dir;   ///< --scenarios DIR for the picker
  std::string screenshot;      ///< --screenshot out.png: render once and exit
  std::string size = "1280x800";
  std::string panel = "lesson";  ///< side tab shown: lesson, summary, log, whatif
  std::string what_if;         ///< --what-if T:crash:NODE: add a forked run (for screenshots)
  bool try_this = false;       ///< --try: also run the lesson's "Try this" beside it
  double at = 0;               ///< --at T, simulated seconds
  int width = 1280, height = 800;
  int frames = 0;              ///< --frames N (bench)
  bool bench = false;
  bool check_layout = false;   ///< --check-layout: audit every tab at several times, exit 1 on a problem
  std::size_t synthetic = 0;   ///< --synthetic-packets N: generated trace for the bench
  float font_scale = 1.0f;
  float zoom = 1.0f;           ///< --zoom Z: topology canvas zoom, centred on --center X,Y (0..1)
  std::string center = "0.5,0.5";
  std::uint64_t select = 0;    ///< --select MSG: follow this message
  std::string keys;            ///< --keys right,space,...: press these, one per frame, before the screenshot (tests)
  bool headless() const { return !screenshot.empty() || bench || check_layout; }
};

}  // namespace bs::gui
