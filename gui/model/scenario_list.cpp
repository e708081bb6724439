#include "model/scenario_list.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "vocabulary/systems.hpp"

namespace fs = std::filesystem;

namespace bs::gui {

ScenarioEntry read_scenario_entry(const std::string& path) {
  ScenarioEntry e;
  e.path = path;
  e.name = fs::path(path).stem().string();
  std::ifstream in(path);
  auto j = nlohmann::ordered_json::parse(in, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    e.title = e.name + " (not valid JSON)";
    e.system = kOtherSystem;
    return e;
  }
  // The loader's default model is the queue model; a "model" that is not a string is bad
  // input the simulator will name, and groups under "Other" meanwhile.
  e.model = !j.contains("model") ? kDefaultModel : j["model"].is_string() ? j["model"].get<std::string>() : "";
  e.system = system_of_model(e.model);
  if (j.contains("name") && j["name"].is_string()) e.name = j["name"].get<std::string>();
  e.title = j.contains("title") && j["title"].is_string() ? j["title"].get<std::string>() : e.name;
  if (j.contains("try_this") && j["try_this"].is_object() && j["try_this"].contains("text") &&
      j["try_this"]["text"].is_string())
    e.try_text = j["try_this"]["text"].get<std::string>();
  if (j.contains("try_this") && j["try_this"].is_object() && j["try_this"].contains("expect"))
    e.try_expect = j["try_this"]["expect"];
  return e;
}

std::vector<ScenarioEntry> list_scenarios(const std::string& dir) {
  std::vector<ScenarioEntry> out;
  std::error_code ec;
  if (dir.empty() || !fs::is_directory(dir, ec)) return out;
  for (const auto& de : fs::directory_iterator(dir, ec))
    if (de.path().extension() == ".json") out.push_back(read_scenario_entry(de.path().string()));
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
  return out;
}

std::vector<LessonGroup> group_by_system(const std::vector<ScenarioEntry>& entries) {
  std::vector<LessonGroup> groups;
  for (const ScenarioEntry& e : entries) {
    auto g = std::find_if(groups.begin(), groups.end(), [&](const LessonGroup& x) { return x.system == e.system; });
    if (g == groups.end()) g = groups.insert(groups.end(), LessonGroup{e.system, {}});
    g->lessons.push_back(&e);
  }
  // Systems in the table's order; names outside it (only "Other") after them.
  std::stable_sort(groups.begin(), groups.end(), [](const LessonGroup& a, const LessonGroup& b) {
    return system_rank(a.system) < system_rank(b.system);
  });
  return groups;
}

std::string find_scenarios_dir(const std::string& explicit_dir, const std::string& scenario) {
  std::error_code ec;
  if (!explicit_dir.empty()) return explicit_dir;
  if (!scenario.empty()) {
    fs::path d = fs::path(scenario).parent_path();
    if (d.empty()) d = ".";
    if (fs::is_directory(d, ec)) return d.string();
  }
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    // build/gui/brokersim-gui -> <source>/scenarios, when the build dir is inside the source.
    fs::path cand = exe.parent_path() / ".." / ".." / "scenarios";
    if (fs::is_directory(cand, ec)) return fs::weakly_canonical(cand, ec).string();
  }
  if (fs::is_directory("scenarios", ec)) return "scenarios";
  return {};
}

}  // namespace bs::gui
