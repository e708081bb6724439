// A broker model as the simulator sees it: what is specific to one family of brokers in
// loading a scenario and printing its summary. Everything else (the run, the network,
// the trace, the checker's totals, the GUI core) is shared and never branches on a
// model's name: it asks the registry.
//
// Adding a model (docs/architecture.md has the whole recipe): its state machines in a
// folder of broker/, a folder here with its loader and its ModelModule, one line in
// registry.cpp, and one line in gui/model_panels.cpp for its broker-internals panel.
#pragma once
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "check/totals.hpp"
#include "scenario/json_in.hpp"
#include "scenario/scenario.hpp"
#include "vocabulary/systems.hpp"

namespace bs {

/// One model: the scenario's "model" value and its model-specific parts.
struct ModelModule {
  std::string_view name;    ///< the scenario's "model": "queue", "log"
  std::string_view system;  ///< what it models: system_of_model(name) (vocabulary/systems.hpp), e.g. "RabbitMQ (AMQP 0-9-1)"
  /// Parse each node's model-specific keys from `nodes` (names and roles are already in
  /// s), check every reference, and fill s.factories and the trace header's extras.
  /// Throws ScenarioError (file, JSON path, what was expected).
  void (*load)(const JsonIn& nodes, Scenario& s);
  /// Summary lines of the model's own totals, printed after the common ones.
  void (*summary_totals)(std::ostream& out, const Totals& t);
  /// Tables printed after the per-consumer table (per partition, ...).
  void (*summary_tables)(std::ostream& out, const Totals& t);
};

/// Every model, in the order `--help` and errors list them.
const std::vector<const ModelModule*>& model_modules();
/// The model called `name`, or nullptr.
const ModelModule* find_model(std::string_view name);
/// The models' names, for the loader's "expected one of".
std::vector<std::string> model_names();

// The modules (each defined in its folder).
extern const ModelModule kAmqpModel;
extern const ModelModule kKafkaModel;
extern const ModelModule kSqsModel;
extern const ModelModule kPubSubModel;
extern const ModelModule kServiceBusModel;
extern const ModelModule kKinesisModel;
extern const ModelModule kActiveMqModel;

}  // namespace bs
