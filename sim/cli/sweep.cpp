#include "cli/sweep.hpp"

#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <unistd.h>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "cli/child_pool.hpp"
#include "cli/sweep_set.hpp"
#include "run/progress.hpp"
#include "scenario/scenario.hpp"
#include "scenario/scenario_error.hpp"

namespace bs {
namespace {

using Json = nlohmann::ordered_json;

// More runs than this is a typo in a --set, not a sweep this machine will finish.
constexpr std::size_t kMaxRuns = 1'000'000;

// What to delete if the sweep is interrupted (Ctrl-C, kill): written before the handler
// is installed, read only by it. unlink and rmdir are async-signal-safe.
std::vector<std::string> g_scratch;
std::string g_scratch_dir;

extern "C" void remove_scratch_and_die(int sig) {
  for (const auto& f : g_scratch) unlink(f.c_str());
  rmdir(g_scratch_dir.c_str());
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

// While it lives, an interrupting signal removes the scratch files before it ends the process.
struct RemoveOnSignal {
  static constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};
  RemoveOnSignal(const std::vector<std::string>& files, const std::string& dir) {
    g_scratch = files;
    g_scratch_dir = dir;
    for (int sig : kSignals) std::signal(sig, remove_scratch_and_die);
  }
  ~RemoveOnSignal() {
    for (int sig : kSignals) std::signal(sig, SIG_DFL);
  }
  RemoveOnSignal(const RemoveOnSignal&) = delete;
  RemoveOnSignal& operator=(const RemoveOnSignal&) = delete;
};

// The grid's patched scenarios live here for the sweep's duration.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "brokersim-sweep-XXXXXX").string();  // $TMPDIR
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("cannot create a temporary directory in " + tmpl);
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A cell as RFC 4180 wants it: quoted when it holds a comma, a quote or a line break.
std::string csv_cell(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// A value as a spreadsheet reads it: strings bare, whole numbers without ".0", other
// numbers in the shortest form that reads back the same double.
std::string text_of(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (std::isfinite(d) && d == std::trunc(d) && std::fabs(d) < 1e15) return fmt::format("{}", static_cast<long long>(d));
  }
  return v.dump();
}

std::string join_row(const std::vector<std::string>& cells) {
  std::string line;
  for (std::size_t i = 0; i < cells.size(); ++i) line += (i ? "," : "") + csv_cell(cells[i]);
  return line + "\n";
}

// The grid in row order: the first --set varies slowest.
std::vector<std::vector<std::size_t>> grid_points(const std::vector<SweepSet>& sets) {
  std::vector<std::vector<std::size_t>> points{{}};
  for (const auto& s : sets) {
    std::vector<std::vector<std::size_t>> next;
    for (const auto& p : points)
      for (std::size_t v = 0; v < s.values.size(); ++v) {
        next.push_back(p);
        next.back().push_back(v);
      }
    points = std::move(next);
  }
  return points;
}

std::string point_label(const std::vector<SweepSet>& sets, const std::vector<std::size_t>& point) {
  std::string out;
  for (std::size_t i = 0; i < sets.size(); ++i)
    out += fmt::format("{}{}={}", i ? " " : "", sets[i].key, sets[i].values[point[i]].dump());
  return out.empty() ? "(the scenario as written)" : out;
}

std::vector<SweepSet> read_sets(const SweepOptions& opt, const Json& doc) {
  std::vector<SweepSet> sets;
  for (const auto& arg : opt.sets) {
    SweepSet s = parse_sweep_set(arg, doc);
    for (const auto& earlier : sets) {
      const std::string a = earlier.pointer.to_string() + "/", b = s.pointer.to_string() + "/";
      if (a.rfind(b, 0) == 0 || b.rfind(a, 0) == 0)
        throw ScenarioError(fmt::format("--set \"{}\": sets the same place as --set \"{}\" ({})", arg, earlier.arg,
                                        s.pointer.to_string()));
    }
    sets.push_back(std::move(s));
  }
  return sets;
}

}  // namespace

int sweep(const SweepOptions& opt) {
  const auto start = std::chrono::steady_clock::now();
  const Scenario lesson = load_scenario(opt.scenario);  // the file's own errors first
  std::ifstream in(opt.scenario);
  std::stringstream text;
  text << in.rdbuf();
  Json doc = Json::parse(text.str());
  doc.erase("try_this");  // a sweep runs the lesson itself
  const std::vector<SweepSet> sets = read_sets(opt, doc);
  const auto points = grid_points(sets);
  if (points.size() * opt.seeds > kMaxRuns)
    throw ScenarioError(fmt::format("sweep: {} points × {} seeds is more than {} runs", points.size(), opt.seeds, kMaxRuns));
  if (!opt.csv.empty() && !std::ofstream(opt.csv, std::ios::app))
    throw ScenarioError(fmt::format("{}: cannot write output file", opt.csv));

  // Every point is checked by the loader before any run starts: a bad value fails fast.
  TempDir dir;
  std::vector<std::string> files;
  for (std::size_t i = 0; i < points.size(); ++i) {
    Json d = doc;
    for (std::size_t k = 0; k < sets.size(); ++k) d[sets[k].pointer] = sets[k].values[points[i][k]];
    const std::string body = d.dump(2) + "\n";
    try {
      parse_scenario(body, opt.scenario);
    } catch (const ScenarioError& e) {
      throw ScenarioError(fmt::format("sweep point {}: {}", point_label(sets, points[i]), e.what()));
    }
    files.push_back((dir.path() / fmt::format("point-{:05}.json", i)).string());
    std::ofstream(files.back()) << body;
  }

  // The children share the terminal's process group: Ctrl-C stops them too, and this
  // process removes the files on its way out.
  const RemoveOnSignal guard(files, dir.path().string());
  std::vector<ChildRequest> requests;
  for (const auto& f : files)
    for (unsigned s = 0; s < opt.seeds; ++s) requests.push_back({f, lesson.seed + s, opt.simgrid_options});
  std::vector<ChildRun> runs;
  {
    CountProgress progress("sweep", requests.size(), stderr, !opt.quiet);
    runs = run_in_children(requests, opt.jobs, [&](std::size_t done) { progress.update(done); });
  }
  for (std::size_t r = 0; r < runs.size(); ++r)
    if (runs[r].exit_code != 0 || runs[r].metrics.is_null()) {
      fmt::print(std::cerr, "brokersim: sweep run {} ({}, seed {}) failed (exit {})\n", r + 1,
                 point_label(sets, points[r / opt.seeds]), *requests[r].seed, runs[r].exit_code);
      return runs[r].exit_code == 2 ? 2 : 3;
    }

  // The totals' columns: every name any run reported, in the order they first appear.
  std::vector<std::string> totals;
  for (const auto& run : runs)
    for (const auto& [name, v] : run.metrics["totals"].items())
      if (std::find(totals.begin(), totals.end(), name) == totals.end()) totals.push_back(name);
  std::vector<std::string> header;
  for (const auto& s : sets) header.push_back(s.key);
  header.insert(header.end(), {"seed", "verdict"});
  header.insert(header.end(), totals.begin(), totals.end());
  std::string csv = join_row(header);
  for (std::size_t r = 0; r < runs.size(); ++r) {
    std::vector<std::string> row;
    for (std::size_t k = 0; k < sets.size(); ++k) row.push_back(text_of(sets[k].values[points[r / opt.seeds][k]]));
    row.push_back(std::to_string(*requests[r].seed));
    row.push_back(runs[r].metrics.value("verdict", ""));
    const Json& t = runs[r].metrics["totals"];
    for (const auto& name : totals) row.push_back(t.contains(name) ? text_of(t[name]) : "");
    csv += join_row(row);
  }
  if (opt.csv.empty()) {
    std::cout << csv << std::flush;
  } else {
    std::ofstream out(opt.csv, std::ios::trunc);
    out << csv;
    if (!out.flush()) throw ScenarioError(fmt::format("{}: cannot write output file", opt.csv));
  }
  if (!opt.quiet) {
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    fmt::print(opt.csv.empty() ? std::cerr : std::cout, "sweep: {} runs ({} points × {} seeds) in {:.1f} s wall, {} at once; CSV: {}\n",
               runs.size(), points.size(), opt.seeds, wall, std::min<std::size_t>(opt.jobs, runs.size()),
               opt.csv.empty() ? "standard output" : opt.csv);
  }
  return 0;
}

}  // namespace bs
