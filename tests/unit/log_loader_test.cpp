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

namespace {
/// Two brokers: b1 empty, b2 with the topic and group; clients list both.
std::string cluster(const std::string& b1_extra = "", const std::string& client_keys = R"("bootstrap": ["b1", "b2"])") {
  return R"({"name": "x", "model": "log", "duration_s": 5, "nodes": [
    {"name": "b1", "role": "broker", "peers": ["b2"])" + b1_extra + R"(},
    {"name": "b2", "role": "broker", "topics": [{"name": "orders", "partitions": 3}], "groups": [{"name": "g"}]},
    {"name": "p", "role": "producer", )" + client_keys + R"(, "topic": "orders", "count": 10},
    {"name": "c", "role": "consumer", )" + client_keys + R"(, "group": "g", "topic": "orders"}]})";
}
}  // namespace

TEST_CASE("the log model takes several brokers: topics and groups live on one each", "[log][loader][cluster]") {
  Scenario s = parse_scenario(cluster(), "x.json");
  CHECK(s.header_extra["topics"][0]["leader"] == "b2");
  CHECK(s.header_extra["queues"] == nlohmann::ordered_json::array({"orders/0", "orders/1", "orders/2"}));
  CHECK(s.links.size() == 5);
  // The one-broker shorthand works in a cluster too (metadata through that broker).
  CHECK_NOTHROW(parse_scenario(cluster("", R"("broker": "b1")"), "x.json"));
}

TEST_CASE("bad log cluster keys are refused with their path", "[log][loader][bad][cluster]") {
  CHECK_THAT(error_of(cluster(R"(, "topics": [{"name": "orders", "partitions": 1}])")),
             Catch::Contains("$.nodes[1].topics[0].name: topic \"orders\" is already declared on broker \"b1\""));
  CHECK_THAT(error_of(cluster(R"(, "groups": [{"name": "g"}])")),
             Catch::Contains("$.nodes[1].groups[0].name: group \"g\" is already declared on broker \"b1\""));
  CHECK_THAT(error_of(cluster("", R"("bootstrap": ["b1", "b9"])")), Catch::Contains("$.nodes[2].bootstrap[1]: unknown node \"b9\""));
  CHECK_THAT(error_of(cluster("", R"("bootstrap": ["b2", "b2"])")), Catch::Contains("$.nodes[2].bootstrap[1]: broker \"b2\" is listed twice"));
  CHECK_THAT(error_of(cluster("", R"("bootstrap": ["b1"], "reconnect_ms": -1)")), Catch::Contains("$.nodes[2].reconnect_ms: expected a number in [0, "));
  CHECK_THAT(error_of(cluster("", R"("bootstrap": ["b1"], "request_timeout_ms": 0)")),
             Catch::Contains("$.nodes[2].request_timeout_ms: expected a number in [1, "));
  std::string peers = cluster();
  peers.replace(peers.find(R"("peers": ["b2"])"), 15, R"("peers": ["c"])");
  CHECK_THAT(error_of(peers), Catch::Contains("x.json: $.nodes[0].peers[0]: \"c\" is a consumer, not a broker"));
}

TEST_CASE("a consumer's group must be coordinated where its topics live", "[log][loader][bad][cluster]") {
  const std::string text = R"({"name": "x", "model": "log", "duration_s": 5, "nodes": [
    {"name": "b1", "role": "broker", "groups": [{"name": "g"}]},
    {"name": "b2", "role": "broker", "topics": [{"name": "orders", "partitions": 3}]},
    {"name": "c", "role": "consumer", "bootstrap": ["b1", "b2"], "group": "g", "topic": "orders"}]})";
  CHECK_THAT(error_of(text), Catch::Contains("x.json: $.nodes[2].topic: topic \"orders\" lives on broker \"b2\" but group \"g\" is coordinated by \"b1\""));
  const std::string none = R"({"name": "x", "model": "log", "duration_s": 5, "nodes": [
    {"name": "b1", "role": "broker"}, {"name": "b2", "role": "broker", "topics": []}]})";
  CHECK_THAT(error_of(none), Catch::Contains("x.json: $.nodes[0]: missing required key \"topics\""));
}
