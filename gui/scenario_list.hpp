// The lesson library: scenario files in a directory, with their titles.
#pragma once
#include <string>
#include <vector>

namespace bs::gui {

/// One lesson in the picker.
struct ScenarioEntry {
  std::string path;
  std::string name;
  std::string title;  ///< "title" of the JSON, or the file name if it has none
};

/// Every *.json in dir, sorted by file name (lessons are numbered). Unreadable files are
/// listed with their error as title, so a broken lesson is visible, not silently hidden.
std::vector<ScenarioEntry> list_scenarios(const std::string& dir);

/// Where the lessons are: the explicit dir, else next to the scenario, else the source
/// tree's scenarios/ seen from the build tree, else ./scenarios. Empty if none exists.
std::string find_scenarios_dir(const std::string& explicit_dir, const std::string& scenario);

}  // namespace bs::gui
