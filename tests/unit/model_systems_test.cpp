// One name per system: the simulator's model modules, the CLI's compare and the GUI's
// lesson picker all name a model's system from vocabulary/systems.hpp.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "models/model.hpp"
#include "vocabulary/systems.hpp"

using namespace bs;

TEST_CASE("every registered model names its system from the one table", "[models][systems]") {
  REQUIRE_FALSE(model_modules().empty());
  for (const ModelModule* m : model_modules()) {
    INFO("model " << m->name);
    CHECK(system_of_model(m->name) != kOtherSystem);  // a model without its row would group under "Other"
    CHECK(m->system == system_of_model(m->name));
  }
}

TEST_CASE("the table names each model and each system once", "[models][systems]") {
  std::set<std::string_view> models, systems;
  for (const ModelSystem& row : kModelSystems) {
    CHECK(models.insert(row.model).second);
    CHECK(systems.insert(row.system).second);
    CHECK(row.system != kOtherSystem);
  }
  CHECK(system_of_model("queue") == "RabbitMQ (AMQP 0-9-1)");
  CHECK(system_of_model("log") == "Apache Kafka");
  CHECK(system_of_model("sqs") == "Amazon SQS and SNS");
  CHECK(system_of_model("Queue") == kOtherSystem);  // names are exact, as the loader reads them
  CHECK(system_rank(system_of_model("queue")) < system_rank(system_of_model("log")));
  CHECK(system_rank(kOtherSystem) == kModelSystems.size());
}

TEST_CASE("every lesson's model has a system", "[models][systems]") {
  std::size_t lessons = 0;
  for (const auto& entry : std::filesystem::directory_iterator(BROKERSIM_SCENARIOS_DIR)) {
    if (entry.path().extension() != ".json") continue;
    std::ifstream in(entry.path());
    auto j = nlohmann::json::parse(in);
    INFO(entry.path().filename().string());
    const std::string model = j.value("model", kDefaultModel);
    CHECK(system_of_model(model) != kOtherSystem);
    ++lessons;
  }
  CHECK(lessons > 0);
}
