// The lesson picker groups lessons under the system their model imitates (RabbitMQ,
// Kafka, SQS ...), in the table's order, with unknown models under "Other".
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "model/scenario_list.hpp"
#include "vocabulary/systems.hpp"

using namespace bs;
using namespace bs::gui;

namespace {
const LessonGroup* group(const std::vector<LessonGroup>& gs, std::string_view system) {
  for (const auto& g : gs)
    if (g.system == system) return &g;
  return nullptr;
}
bool holds(const LessonGroup* g, const std::string& file) {
  if (!g) return false;
  for (const ScenarioEntry* e : g->lessons)
    if (std::filesystem::path(e->path).filename() == file) return true;
  return false;
}
}  // namespace

TEST_CASE("the picker groups the lessons by system, RabbitMQ first, then Kafka") {
  auto lessons = list_scenarios(std::string(GUI_TEST_DATA_DIR) + "/../../scenarios");
  REQUIRE(lessons.size() > 40);
  auto groups = group_by_system(lessons);
  REQUIRE(groups.size() >= 2);
  CHECK(groups[0].system == "RabbitMQ (AMQP 0-9-1)");
  CHECK(groups[1].system == "Apache Kafka");
  CHECK(holds(&groups[0], "03-ack-redelivery.json"));        // no "model" key: the queue model
  CHECK(holds(&groups[0], "20-compare-queue.json"));
  CHECK(holds(&groups[1], "12-group-rebalance-at-least-once.json"));
  CHECK(holds(&groups[1], "21-compare-log.json"));
  CHECK_FALSE(holds(&groups[1], "03-ack-redelivery.json"));
  // Every lesson exactly once, under its own model's system, in file order within a group.
  std::size_t n = 0;
  for (const auto& g : groups) {
    CHECK_FALSE(g.lessons.empty());
    for (std::size_t i = 0; i < g.lessons.size(); ++i) {
      CHECK(g.lessons[i]->system == g.system);
      CHECK(system_of_model(g.lessons[i]->model) == g.system);
      if (i) CHECK(g.lessons[i - 1]->path < g.lessons[i]->path);
    }
    n += g.lessons.size();
  }
  CHECK(n == lessons.size());
  CHECK(group(groups, kOtherSystem) == nullptr);  // every lesson's model is in the table
}

TEST_CASE("new systems get their own heading in the table's order, unknown models go under Other") {
  namespace fs = std::filesystem;
  fs::path dir = fs::path(GUI_TEST_BUILD_DIR) / "lesson_groups";
  fs::remove_all(dir);
  fs::create_directories(dir);
  auto write = [&](const std::string& file, const std::string& text) { std::ofstream(dir / file) << text; };
  write("01-rabbit.json", R"({"name": "a", "title": "A"})");
  write("02-pubsub.json", R"({"name": "b", "title": "B", "model": "pubsub"})");
  write("03-sqs.json", R"({"name": "c", "title": "C", "model": "sqs"})");
  write("04-kafka.json", R"({"name": "d", "title": "D", "model": "log"})");
  write("05-typo.json", R"({"name": "e", "title": "E", "model": "kafka"})");
  write("06-broken.json", R"({"name": )");
  write("07-activemq.json", R"({"name": "g", "title": "G", "model": "activemq"})");
  write("08-sqs-fifo.json", R"({"name": "h", "title": "H", "model": "sqs"})");
  write("09-not-a-string.json", R"({"name": "i", "title": "I", "model": 7})");
  const auto lessons = list_scenarios(dir.string());
  auto groups = group_by_system(lessons);
  std::vector<std::string> heads;
  for (const auto& g : groups) heads.push_back(g.system);
  CHECK(heads == std::vector<std::string>{"RabbitMQ (AMQP 0-9-1)", "Apache Kafka", "Amazon SQS and SNS",
                                          "Google Cloud Pub/Sub", "ActiveMQ Classic (JMS)", "Other"});
  CHECK(holds(group(groups, "Amazon SQS and SNS"), "03-sqs.json"));
  CHECK(holds(group(groups, "Amazon SQS and SNS"), "08-sqs-fifo.json"));
  const LessonGroup* other = group(groups, "Other");
  REQUIRE(other);
  CHECK(other->lessons.size() == 3);  // the typo, the broken file (visible, not hidden), the number
  CHECK(holds(other, "05-typo.json"));
  CHECK(holds(other, "06-broken.json"));
  CHECK(holds(other, "09-not-a-string.json"));
  fs::remove_all(dir);
}
