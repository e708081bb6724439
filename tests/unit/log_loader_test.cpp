// Bad input for the log-model scenario keys: each error names the file and JSON path.
#include <catch2/catch.hpp>

#include <string>

#include "scenario/scenario.hpp"
#include "scenario/scenario_error.hpp"

using namespace bs;

namespace {
/// A valid log scenario; `broker`, `producer` and `consumer` replace the node objects.
std::string scenario(const std::string& broker, const std::string& producer, const std::string& consumer) {
  return R"({"name": "x", "model": "log", "duration_s": 5, "nodes": [)" + broker + ", " + producer + ", " + consumer + "]}";
}
const std::string kBroker =
    R"({"name": "broker", "role": "broker", "topics": [{"name": "orders", "partitions": 3}], "groups": [{"name": "g"}]})";
const std::string kProducer = R"({"name": "p", "role": "producer", "broker": "broker", "topic": "orders", "count": 10})";
const std::string kConsumer = R"({"name": "c", "role": "consumer", "broker": "broker", "group": "g", "topic": "orders"})";

/// The ScenarioError message parse_scenario throws ("" when it accepts the text).
std::string error_of(const std::string& text) {
  try {
    parse_scenario(text, "x.json");
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("a valid log scenario loads, with partitions listed as queues", "[log][loader]") {
  Scenario s = parse_scenario(scenario(kBroker, kProducer, kConsumer), "x.json");
  CHECK(s.model == "log");
  CHECK(s.header_extra["queues"] == nlohmann::ordered_json::array({"orders/0", "orders/1", "orders/2"}));
  CHECK(s.header_extra["topics"][0]["groups"] == nlohmann::ordered_json::array({"g"}));
  CHECK(s.header_extra["groups"][0]["members"] == nlohmann::ordered_json::array({"c"}));
  CHECK(s.factories.size() == 3);
}

TEST_CASE("a topic needs at least one partition", "[log][loader][bad]") {
  const std::string b =
      R"({"name": "broker", "role": "broker", "topics": [{"name": "orders", "partitions": 0}], "groups": [{"name": "g"}]})";
  const std::string err = error_of(scenario(b, kProducer, kConsumer));
  CHECK_THAT(err, Catch::Contains("x.json: $.nodes[0].topics[0].partitions"));
}

TEST_CASE("a producer writing to an unknown topic is refused", "[log][loader][bad]") {
  const std::string p = R"({"name": "p", "role": "producer", "broker": "broker", "topic": "ordres", "count": 10})";
  const std::string err = error_of(scenario(kBroker, p, kConsumer));
  CHECK_THAT(err, Catch::Contains("$.nodes[1].topic"));
  CHECK_THAT(err, Catch::Contains("unknown topic \"ordres\""));
}

TEST_CASE("a consumer in an undeclared group is refused", "[log][loader][bad]") {
  const std::string c = R"({"name": "c", "role": "consumer", "broker": "broker", "group": "billing", "topic": "orders"})";
  const std::string err = error_of(scenario(kBroker, kProducer, c));
  CHECK_THAT(err, Catch::Contains("$.nodes[2].group"));
  CHECK_THAT(err, Catch::Contains("unknown consumer group \"billing\""));
}

TEST_CASE("a consumer subscribed to an unknown topic is refused", "[log][loader][bad]") {
  const std::string c = R"({"name": "c", "role": "consumer", "broker": "broker", "group": "g", "topic": "payments"})";
  CHECK_THAT(error_of(scenario(kBroker, kProducer, c)), Catch::Contains("$.nodes[2].topic"));
}

TEST_CASE("offsets and partitions that cannot exist are refused", "[log][loader][bad]") {
  SECTION("a seek past every record ever produced") {
    const std::string c = R"({"name": "c", "role": "consumer", "broker": "broker", "group": "g", "topic": "orders",
                              "seek": [{"at_s": 1, "to_offset": 500}]})";
    const std::string err = error_of(scenario(kBroker, kProducer, c));
    CHECK_THAT(err, Catch::Contains("$.nodes[2].seek[0].to_offset"));
    CHECK_THAT(err, Catch::Contains("offset 500 cannot exist"));
  }
  SECTION("a negative offset") {
    const std::string c = R"({"name": "c", "role": "consumer", "broker": "broker", "group": "g", "topic": "orders",
                              "seek": [{"at_s": 1, "to_offset": -1}]})";
    CHECK_THAT(error_of(scenario(kBroker, kProducer, c)), Catch::Contains("$.nodes[2].seek[0].to_offset"));
  }
  SECTION("a seek on a partition the topic does not have") {
    const std::string c = R"({"name": "c", "role": "consumer", "broker": "broker", "group": "g", "topic": "orders",
                              "seek": [{"at_s": 1, "to_offset": 0, "partition": "orders/3"}]})";
    const std::string err = error_of(scenario(kBroker, kProducer, c));
    CHECK_THAT(err, Catch::Contains("$.nodes[2].seek[0].partition"));
    CHECK_THAT(err, Catch::Contains("partitions 0..2"));
  }
  SECTION("an explicit producer partition out of range") {
    const std::string p = R"({"name": "p", "role": "producer", "broker": "broker", "topic": "orders", "partition": 7, "count": 10})";
    CHECK_THAT(error_of(scenario(kBroker, p, kConsumer)), Catch::Contains("$.nodes[1].partition"));
  }
}

TEST_CASE("misspelled log keys are caught", "[log][loader][bad]") {
  const std::string c = R"({"name": "c", "role": "consumer", "broker": "broker", "group": "g", "topic": "orders", "commit_evry": 5})";
  CHECK_THAT(error_of(scenario(kBroker, kProducer, c)), Catch::Contains("$.nodes[2]"));
  const std::string c2 = R"({"name": "c", "role": "consumer", "broker": "broker", "group": "g", "topic": "orders", "commit": "sometimes"})";
  CHECK_THAT(error_of(scenario(kBroker, kProducer, c2)), Catch::Contains("$.nodes[2].commit"));
}

TEST_CASE("expectations may name partitions, and unknown partitions are refused", "[log][loader][bad]") {
  std::string text = scenario(kBroker, kProducer, kConsumer);
  text.pop_back();
  CHECK(error_of(text + R"(, "expect": {"queues.orders/2.max_lag": {"max": 5}}})").empty());
  CHECK_THAT(error_of(text + R"(, "expect": {"queues.orders/9.processed": 1}})"), Catch::Contains("$.expect"));
}
