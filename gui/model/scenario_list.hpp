// The lesson library: scenario files in a directory, with their titles, grouped by the
// system their model imitates (vocabulary/systems.hpp) for the picker.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace bs::gui {

/// One lesson in the picker.
struct ScenarioEntry {
  std::string path;
  std::string name;
  std::string title;  ///< "title" of the JSON, or the file name if it has none
  std::string try_text;  ///< the lesson's "Try this" (try_this.text), empty if it has none
  nlohmann::ordered_json try_expect;  ///< its predicted outcome (try_this.expect), an expect block
  std::string model;   ///< the scenario's "model" ("queue" when it has none, as the loader reads it); "" if unreadable
  std::string system;  ///< system_of_model(model): "RabbitMQ (AMQP 0-9-1)", ..., "Other" for an unknown model
};

/// The lessons of one system, as the picker shows them under one heading.
struct LessonGroup {
  std::string system;                         ///< the heading: a system of kModelSystems, or "Other"
  std::vector<const ScenarioEntry*> lessons;  ///< in the order given (file name order)
};

/// `entries` grouped by system: groups in kModelSystems' order (RabbitMQ, Kafka, then the
/// other brokers), "Other" last; no empty group. The pointers point into `entries`.
std::vector<LessonGroup> group_by_system(const std::vector<ScenarioEntry>& entries);
/// Not of a temporary: the groups point into it.
std::vector<LessonGroup> group_by_system(const std::vector<ScenarioEntry>&& entries) = delete;

/// Every *.json in dir, sorted by file name (lessons are numbered). Unreadable files are
/// listed with their error as title, so a broken lesson is visible, not silently hidden.
std::vector<ScenarioEntry> list_scenarios(const std::string& dir);

/// The entry of one scenario file (its title and "Try this"), read the same way.
ScenarioEntry read_scenario_entry(const std::string& path);

/// Where the lessons are: the explicit dir, else next to the scenario, else the source
/// tree's scenarios/ seen from the build tree, else ./scenarios. Empty if none exists.
std::string find_scenarios_dir(const std::string& explicit_dir, const std::string& scenario);

}  // namespace bs::gui
