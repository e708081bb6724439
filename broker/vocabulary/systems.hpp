// Which real system each model imitates: ONE table of a scenario's "model" value to the
// product name a student knows. The simulator's ModelModule::system, the CLI's compare
// columns and the GUI's lesson picker (which groups lessons by system) all read it, so they
// cannot name a system two ways. A header only: the GUI links brokersim_trace, not the
// simulator, and still needs it.
//
// Adding a model adds one row here; tests/unit/model_systems_test.cpp checks that every
// registered ModelModule has a row and that its `system` is this row's.
#pragma once
#include <array>
#include <string_view>

namespace bs {

/// One row: a scenario's "model" and the system it models.
struct ModelSystem {
  std::string_view model;   ///< the scenario's top-level "model", e.g. "queue"
  std::string_view system;  ///< the product (and protocol or API), e.g. "RabbitMQ (AMQP 0-9-1)"
};

/// Every known model, in the order lessons are grouped (the lesson numbers' order).
inline constexpr std::array<ModelSystem, 7> kModelSystems{{
    {"queue", "RabbitMQ (AMQP 0-9-1)"},
    {"log", "Apache Kafka"},
    {"sqs", "Amazon SQS and SNS"},
    {"kinesis", "Amazon Kinesis Data Streams"},
    {"pubsub", "Google Cloud Pub/Sub"},
    {"servicebus", "Azure Service Bus"},
    {"activemq", "ActiveMQ Classic (JMS)"},
}};

/// The model of a scenario without a "model" key (the loader's default).
inline constexpr const char* kDefaultModel = "queue";

/// The group of scenarios whose model is in no row (a typo, a model added without its row).
inline constexpr std::string_view kOtherSystem = "Other";

/// The system modelled by `model`, or kOtherSystem for a name in no row.
constexpr std::string_view system_of_model(std::string_view model) {
  for (const ModelSystem& row : kModelSystems)
    if (row.model == model) return row.system;
  return kOtherSystem;
}

/// Position of `system` in kModelSystems (for ordering groups); kOtherSystem and unknown
/// names sort last, at kModelSystems.size().
constexpr std::size_t system_rank(std::string_view system) {
  for (std::size_t i = 0; i < kModelSystems.size(); ++i)
    if (kModelSystems[i].system == system) return i;
  return kModelSystems.size();
}

static_assert(system_of_model("queue") == "RabbitMQ (AMQP 0-9-1)");
static_assert(system_of_model("no such model") == kOtherSystem);

}  // namespace bs
