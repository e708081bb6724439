// The scenario loader refuses bad input with a message naming the file, the JSON path
// and what was expected (queue model).
#include <functional>

#include <catch2/catch.hpp>

#include "scenario/scenario.hpp"
#include "scenario/scenario_error.hpp"

using namespace bs;
using json = nlohmann::json;

namespace {
const char* kFile = "lesson.json";

/// A small valid queue-model scenario: nodes[0] broker, [1] producer, [2] consumer.
json base() {
  return json::parse(R"({
    "name": "t",
    "seed": 3,
    "duration_s": 5,
    "nodes": [
      {"name": "broker", "role": "broker",
       "queues": [{"name": "q", "dead_letter_exchange": "dlx"}, {"name": "dead"}],
       "exchanges": [{"name": "ex", "type": "direct"}, {"name": "dlx", "type": "fanout"}],
       "bindings": [{"exchange": "ex", "queue": "q", "routing_key": "k"},
                    {"exchange": "dlx", "queue": "dead"}]},
      {"name": "p1", "role": "producer", "broker": "broker", "exchange": "ex", "routing_key": "k", "count": 10},
      {"name": "c1", "role": "consumer", "broker": "broker", "queue": "q", "prefetch": 1, "processing_ms": 10}
    ],
    "faults": [{"at_s": 1, "crash": "c1"}],
    "expect": {"lost": 0}
  })");
}

/// The loader's message for `text`, or "" when it loaded.
std::string error_of_text(const std::string& text) {
  try {
    parse_scenario(text, kFile);
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "";
}
std::string error_of(const json& j) { return error_of_text(j.dump()); }

/// The message must start with the file name and mention the JSON path and each hint.
void check_error(const std::string& msg, const std::string& path, std::initializer_list<const char*> hints = {}) {
  INFO("message: " << msg);
  REQUIRE_FALSE(msg.empty());
  CHECK(msg.rfind(std::string(kFile) + ": ", 0) == 0);
  CHECK_THAT(msg, Catch::Contains(path + ":"));
  for (const char* h : hints) CHECK_THAT(msg, Catch::Contains(h));
}
}  // namespace

TEST_CASE("loader: the base scenario of these tests is valid", "[loader]") {
  const Scenario s = parse_scenario(base().dump(), kFile);
  CHECK(s.node_names == std::vector<std::string>{"broker", "p1", "c1"});
  CHECK(s.faults.size() == 1);
  CHECK(s.expect.size() == 1);
  CHECK(s.seed == 3);
  CHECK(s.links.size() == 2);  // each client gets a link to its broker
}

TEST_CASE("loader: malformed JSON names the file", "[loader][bad]") {
  for (const char* text : {"{", "{\"name\": \"t\",}", "not json", "", "{\"name\": \"t\"} trailing", "\x01\x02"}) {
    const std::string msg = error_of_text(text);
    INFO("input: " << text << " message: " << msg);
    REQUIRE_FALSE(msg.empty());
    CHECK(msg.rfind("lesson.json: malformed JSON", 0) == 0);
  }
}

TEST_CASE("loader: a document that is not an object is refused", "[loader][bad]") {
  check_error(error_of_text("[1, 2]"), "$", {"expected an object", "an array"});
  check_error(error_of_text("42"), "$", {"expected an object"});
}

TEST_CASE("loader: unknown keys are refused with the closest known name", "[loader][bad][keys]") {
  json j = base();
  j["nodes"][2].erase("prefetch");
  j["nodes"][2]["prefech"] = 1;
  check_error(error_of(j), "$.nodes[2].prefech", {"unknown key \"prefech\"", "did you mean \"prefetch\""});

  j = base();
  j["nodez"] = j["nodes"];
  check_error(error_of(j), "$.nodez", {"did you mean \"nodes\""});

  j = base();
  j["nodes"][0]["queues"][0]["durabel"] = true;
  check_error(error_of(j), "$.nodes[0].queues[0].durabel", {"did you mean \"durable\""});

  j = base();
  j["nodes"][0]["bindings"][0]["routingkey"] = "k";
  check_error(error_of(j), "$.nodes[0].bindings[0].routingkey", {"did you mean \"routing_key\""});

  j = base();
  j["nodes"][1]["confirms"] = true;
  check_error(error_of(j), "$.nodes[1].confirms", {"did you mean \"confirm\""});

  j = base();
  j["faults"][0]["crsh"] = "c1";
  check_error(error_of(j), "$.faults[0].crsh", {"did you mean \"crash\""});
}

TEST_CASE("loader: an unknown key far from any known one lists the allowed keys", "[loader][bad][keys]") {
  json j = base();
  j["nodes"][0]["queues"][0]["colour"] = "blue";
  check_error(error_of(j), "$.nodes[0].queues[0].colour", {"unknown key \"colour\"", "allowed:", "durable"});
}

TEST_CASE("loader: a key valid for one role is unknown for another", "[loader][bad][keys]") {
  json j = base();
  j["nodes"][1]["prefetch"] = 1;  // a producer has no prefetch
  check_error(error_of(j), "$.nodes[1].prefetch", {"unknown key"});
  j = base();
  j["nodes"][2]["count"] = 5;  // a consumer publishes nothing
  check_error(error_of(j), "$.nodes[2].count", {"unknown key"});
}

TEST_CASE("loader: wrong types are refused with what was expected", "[loader][bad][types]") {
  json j = base();
  j["nodes"][1]["count"] = "ten";
  check_error(error_of(j), "$.nodes[1].count", {"expected an integer", "a string"});

  j = base();
  j["nodes"][1]["count"] = 2.5;
  check_error(error_of(j), "$.nodes[1].count", {"expected an integer"});

  j = base();
  j["nodes"][0]["queues"][0]["durable"] = "yes";
  check_error(error_of(j), "$.nodes[0].queues[0].durable", {"expected true or false"});

  j = base();
  j["name"] = 5;
  check_error(error_of(j), "$.name", {"expected a string", "a number"});

  j = base();
  j["nodes"] = json::object();
  check_error(error_of(j), "$.nodes", {"expected an array", "an object"});

  j = base();
  j["nodes"][2] = "c1";
  check_error(error_of(j), "$.nodes[2]", {"expected an object", "a string"});

  j = base();
  j["duration_s"] = "long";
  check_error(error_of(j), "$.duration_s", {"expected a number"});

  j = base();
  j["nodes"][2]["processing_ms"] = "fast";
  check_error(error_of(j), "$.nodes[2].processing_ms", {"expected an object"});

  j = base();
  j["nodes"][1]["routing_key"] = 7;
  check_error(error_of(j), "$.nodes[1].routing_key", {"expected a string or an array of strings"});

  j = base();
  j["nodes"][1]["routing_keys"] = json::array({"a", 1});
  j["nodes"][1].erase("routing_key");
  check_error(error_of(j), "$.nodes[1].routing_keys[1]", {"expected a string"});

  j = base();
  j["nodes"][1]["headers"] = json::array({json::array({1})});
  check_error(error_of(j), "$.nodes[1].headers[0]", {"expected an object"});

  j = base();
  j["expect"] = json::array();
  check_error(error_of(j), "$.expect", {"expected an object"});

  j = base();
  j["expect"]["lost"] = json::object({{"max", "none"}});
  check_error(error_of(j), "$.expect.lost.max", {"expected a number"});
}

TEST_CASE("loader: enumerated values must be one of the known words", "[loader][bad][types]") {
  json j = base();
  j["nodes"][2]["role"] = "observer";
  check_error(error_of(j), "$.nodes[2].role", {"expected one of broker | producer | consumer", "observer"});

  j = base();
  j["model"] = "stream";
  check_error(error_of(j), "$.model", {"queue | log"});

  j = base();
  j["nodes"][0]["exchanges"][0]["type"] = "x-consistent-hash";
  check_error(error_of(j), "$.nodes[0].exchanges[0].type", {"direct | fanout | topic | headers"});

  j = base();
  j["nodes"][2]["ack"] = "sometimes";
  check_error(error_of(j), "$.nodes[2].ack", {"manual | auto"});

  j = base();
  j["nodes"][0]["bindings"][0]["x_match"] = "most";
  check_error(error_of(j), "$.nodes[0].bindings[0].x_match", {"all | any"});
}

TEST_CASE("loader: negative numbers are refused", "[loader][bad][numbers]") {
  struct Case {
    std::function<void(json&)> set;
    const char* path;
  };
  const std::vector<Case> cases = {
      {[](json& j) { j["nodes"][2]["prefetch"] = -1; }, "$.nodes[2].prefetch"},
      {[](json& j) { j["nodes"][1]["count"] = -5; }, "$.nodes[1].count"},
      {[](json& j) { j["nodes"][1]["interval_ms"] = -10; }, "$.nodes[1].interval_ms"},
      {[](json& j) { j["nodes"][1]["start_s"] = -1; }, "$.nodes[1].start_s"},
      {[](json& j) { j["nodes"][1]["ttl_ms"] = -1; }, "$.nodes[1].ttl_ms"},
      {[](json& j) { j["nodes"][2]["processing_ms"] = -3; }, "$.nodes[2].processing_ms"},
      {[](json& j) { j["nodes"][2]["processing_ms"] = json{{"exponential", -3}}; }, "$.nodes[2].processing_ms.exponential"},
      {[](json& j) { j["nodes"][2]["processing_ms"] = json{{"uniform", {-1, 5}}}; }, "$.nodes[2].processing_ms.uniform"},
      {[](json& j) { j["nodes"][0]["queues"][0]["message_ttl_ms"] = -1; }, "$.nodes[0].queues[0].message_ttl_ms"},
      {[](json& j) { j["nodes"][0]["heartbeat_s"] = -1; }, "$.nodes[0].heartbeat_s"},
      {[](json& j) { j["seed"] = -1; }, "$.seed"},
      {[](json& j) { j["duration_s"] = -2; }, "$.duration_s"},
      {[](json& j) { j["network"] = json{{"latency_ms", -5}}; }, "$.network.latency_ms"},
      {[](json& j) { j["faults"][0]["at_s"] = -1; }, "$.faults[0].at_s"},
  };
  for (const auto& c : cases) {
    json j = base();
    c.set(j);
    check_error(error_of(j), c.path, {"expected"});
  }
  json j = base();
  j["nodes"][2]["prefetch"] = -1;
  check_error(error_of(j), "$.nodes[2].prefetch", {"expected an integer in [0, 65535], got -1"});
}

TEST_CASE("loader: absurd numbers are refused", "[loader][bad][numbers]") {
  struct Case {
    std::function<void(json&)> set;
    const char* path;
  };
  const std::vector<Case> cases = {
      {[](json& j) { j["nodes"][1]["count"] = 1e12; }, "$.nodes[1].count"},
      {[](json& j) { j["nodes"][1]["count"] = 1000000000000LL; }, "$.nodes[1].count"},
      {[](json& j) { j["nodes"][1]["count"] = 1e300; }, "$.nodes[1].count"},
      {[](json& j) { j["nodes"][2]["prefetch"] = 70000; }, "$.nodes[2].prefetch"},
      {[](json& j) { j["nodes"][1]["batch"] = 0; }, "$.nodes[1].batch"},
      {[](json& j) { j["nodes"][1]["size_bytes"] = 1e10; }, "$.nodes[1].size_bytes"},
      {[](json& j) { j["duration_s"] = 1e12; }, "$.duration_s"},
      {[](json& j) { j["duration_s"] = 0; }, "$.duration_s"},
      {[](json& j) { j["nodes"][0]["heartbeat_s"] = 0; }, "$.nodes[0].heartbeat_s"},
      {[](json& j) { j["nodes"][2]["processing_ms"] = 1e12; }, "$.nodes[2].processing_ms"},
      {[](json& j) { j["nodes"][2]["processing_ms"] = json{{"uniform", {5, 1}}}; }, "$.nodes[2].processing_ms.uniform"},
      {[](json& j) { j["nodes"][2]["ack_every"] = 0; }, "$.nodes[2].ack_every"},
      {[](json& j) { j["nodes"][2]["ack_every"] = 5; }, "$.nodes[2].ack_every"},  // prefetch is 1
      {[](json& j) { j["faults"][0]["at_s"] = 1e30; }, "$.faults[0].at_s"},
      {[](json& j) { j["network"] = json{{"bandwidth_mbps", 0}}; }, "$.network.bandwidth_mbps"},
      {[](json& j) { j["seed"] = 1e40; }, "$.seed"},
  };
  for (const auto& c : cases) {
    json j = base();
    c.set(j);
    check_error(error_of(j), c.path);
  }
}

TEST_CASE("loader: missing required keys are named", "[loader][bad]") {
  json j = base();
  j.erase("name");
  check_error(error_of(j), "$", {"missing required key \"name\""});
  j = base();
  j.erase("nodes");
  check_error(error_of(j), "$", {"missing required key \"nodes\""});
  j = base();
  j["nodes"][2].erase("queue");
  check_error(error_of(j), "$.nodes[2]", {"missing required key \"queue\""});
  j = base();
  j["nodes"][1].erase("broker");
  check_error(error_of(j), "$.nodes[1]", {"missing required key \"broker\""});
  j = base();
  j["nodes"][1].erase("count");
  check_error(error_of(j), "$.nodes[1]", {"missing required key \"count\""});
  j = base();
  j["nodes"][2].erase("role");
  check_error(error_of(j), "$.nodes[2]", {"missing required key \"role\""});
  j = base();
  j["nodes"] = json::array();
  check_error(error_of(j), "$.nodes", {"at least one node"});
}

TEST_CASE("loader: a reference to an unknown node is refused", "[loader][bad][refs]") {
  json j = base();
  j["nodes"][1]["broker"] = "brokr";
  check_error(error_of(j), "$.nodes[1].broker", {"unknown node \"brokr\"", "broker, p1, c1"});

  j = base();
  j["nodes"][2]["broker"] = "p1";
  check_error(error_of(j), "$.nodes[2].broker", {"\"p1\" is a producer, not a broker"});

  j = base();
  j["links"] = json::array({json{{"between", {"c1", "nobody"}}}});
  check_error(error_of(j), "$.links[0].between", {"unknown node \"nobody\""});
}

TEST_CASE("loader: references to unknown exchanges and queues are refused", "[loader][bad][refs]") {
  json j = base();
  j["nodes"][0]["bindings"][0]["exchange"] = "exx";
  check_error(error_of(j), "$.nodes[0].bindings[0].exchange", {"unknown exchange \"exx\"", "ex, dlx"});

  j = base();
  j["nodes"][0]["bindings"][0]["queue"] = "qq";
  check_error(error_of(j), "$.nodes[0].bindings[0].queue", {"unknown queue \"qq\"", "q, dead"});

  j = base();
  j["nodes"][2]["queue"] = "work";
  check_error(error_of(j), "$.nodes[2].queue", {"unknown queue \"work\"", "broker"});

  j = base();
  j["nodes"][1]["exchange"] = "nope";
  check_error(error_of(j), "$.nodes[1].exchange", {"unknown exchange \"nope\""});

  j = base();
  j["nodes"][0]["queues"][0]["dead_letter_exchange"] = "graveyard";
  check_error(error_of(j), "$.nodes[0].queues[0].dead_letter_exchange", {"unknown exchange \"graveyard\""});

  j = base();
  j["nodes"][0]["bindings"][0]["exchange"] = "";
  check_error(error_of(j), "$.nodes[0].bindings[0].exchange", {"default exchange"});
}

TEST_CASE("loader: the default exchange needs no declaration", "[loader]") {
  json j = base();
  j["nodes"][1].erase("exchange");
  j["nodes"][1]["routing_key"] = "q";
  CHECK(error_of(j).empty());
}

TEST_CASE("loader: duplicate names are refused", "[loader][bad]") {
  json j = base();
  j["nodes"][2]["name"] = "p1";
  check_error(error_of(j), "$.nodes[2].name", {"duplicate node name \"p1\""});

  j = base();
  j["nodes"][0]["queues"][1]["name"] = "q";
  check_error(error_of(j), "$.nodes[0].queues[1].name", {"duplicate queue \"q\""});

  j = base();
  j["nodes"][0]["exchanges"][1]["name"] = "ex";
  check_error(error_of(j), "$.nodes[0].exchanges[1].name", {"duplicate exchange \"ex\""});
}

TEST_CASE("loader: node names must be usable in fault specs and traces", "[loader][bad]") {
  for (const char* bad : {"", "c 1", "c:1", "c/1", "c\"1"}) {
    json j = base();
    j["nodes"][2]["name"] = bad;
    INFO("name: " << bad);
    check_error(error_of(j), "$.nodes[2].name", {"expected a non-empty name"});
  }
}

TEST_CASE("loader: faults on unknown nodes or missing links are refused", "[loader][bad][faults]") {
  json j = base();
  j["faults"][0]["crash"] = "c9";
  check_error(error_of(j), "$.faults[0].crash", {"unknown node \"c9\""});

  j = base();
  j["faults"] = json::array({json{{"at_s", 2}, {"restart", "ghost"}}});
  check_error(error_of(j), "$.faults[0].restart", {"unknown node \"ghost\""});

  j = base();
  j["faults"] = json::array({json{{"at_s", 2}, {"link_down", {"p1", "c1"}}}});
  check_error(error_of(j), "$.faults[0].link_down", {"no link between \"p1\" and \"c1\""});

  j = base();
  j["faults"] = json::array({json{{"at_s", 2}, {"link_up", {"c1", "nobody"}}}});
  check_error(error_of(j), "$.faults[0].link_up", {"unknown node \"nobody\""});

  j = base();
  j["faults"] = json::array({json{{"at_s", 2}, {"link_down", {"c1"}}}});
  check_error(error_of(j), "$.faults[0].link_down", {"expected two node names"});

  j = base();
  j["faults"] = json::array({json{{"at_s", 2}, {"crash", "c1"}, {"restart", "c1"}}});
  check_error(error_of(j), "$.faults[0]", {"exactly one of"});

  j = base();
  j["faults"] = json::array({json{{"at_s", 2}}});
  check_error(error_of(j), "$.faults[0]", {"exactly one of"});

  j = base();
  j["faults"] = json::array({json{{"crash", "c1"}}});
  check_error(error_of(j), "$.faults[0]", {"missing required key \"at_s\""});

  // A link that does exist is fine.
  j = base();
  j["faults"] = json::array({json{{"at_s", 2}, {"link_down", {"c1", "broker"}}}});
  CHECK(error_of(j).empty());
}

TEST_CASE("loader: unknown expect metrics are refused", "[loader][bad][expect]") {
  json j = base();
  j["expect"] = json{{"lots", 0}};
  check_error(error_of(j), "$.expect.lots", {"unknown metric \"lots\"", "lost"});

  j = base();
  j["expect"] = json{{"consumers.c9.processed", 3}};
  check_error(error_of(j), "$.expect.consumers.c9.processed", {"unknown consumer \"c9\""});

  j = base();
  j["expect"] = json{{"queues.nope.routed", 3}};
  check_error(error_of(j), "$.expect.queues.nope.routed", {"unknown queue \"nope\""});

  j = base();
  j["expect"] = json{{"consumers.", 3}};
  check_error(error_of(j), "$.expect.consumers.", {"consumers.NAME.field"});

  j = base();
  j["expect"] = json{{"lost", json::object()}};
  check_error(error_of(j), "$.expect.lost", {"\"min\", \"max\" or \"eq\""});

  j = base();
  j["expect"] = json{{"lost", json{{"atmost", 1}}}};
  check_error(error_of(j), "$.expect.lost.atmost", {"unknown key"});

  // Known metrics of all three shapes load.
  j = base();
  j["expect"] = json{{"reordered", json{{"min", 1}}}, {"consumers.c1.processed", 10}, {"queues.q.routed", json{{"eq", 10}}}};
  CHECK(error_of(j).empty());
}

TEST_CASE("loader: client settings that contradict each other are refused", "[loader][bad]") {
  json j = base();
  j["nodes"][1]["confirm"] = false;
  j["nodes"][1]["retry_ms"] = 100;
  check_error(error_of(j), "$.nodes[1].retry_ms", {"confirm"});

  j = base();
  j["nodes"][1]["routing_keys"] = json::array({"a"});
  check_error(error_of(j), "$.nodes[1]", {"not both"});

  j = base();
  j["links"] = json::array({json{{"between", {"c1", "c1"}}}});
  check_error(error_of(j), "$.links[0].between", {"two different nodes"});

  j = base();
  j["nodes"][2]["processing_ms"] = json{{"fixed", 1}, {"exponential", 2}};
  check_error(error_of(j), "$.nodes[2].processing_ms", {"exactly one of"});
}

TEST_CASE("loader: a missing scenario file is named", "[loader][bad]") {
  try {
    load_scenario("/nonexistent/lesson-missing.json");
    FAIL("expected a ScenarioError");
  } catch (const ScenarioError& e) {
    CHECK_THAT(std::string(e.what()), Catch::Contains("/nonexistent/lesson-missing.json: cannot open scenario file"));
  }
}

TEST_CASE("loader: add_fault accepts good specs", "[loader][faults]") {
  Scenario s = parse_scenario(base().dump(), kFile);
  add_fault(s, "1.5:crash:c1");
  add_fault(s, "2:restart:c1");
  add_fault(s, "3:link_down:c1:broker");
  add_fault(s, "4:link_up:broker:c1");
  REQUIRE(s.faults.size() == 5);
  CHECK(s.faults[1].kind == FaultSpec::Kind::Crash);
  CHECK(s.faults[1].at_s == 1.5);
  CHECK(s.faults[1].node == 2);
  CHECK(s.faults[3].kind == FaultSpec::Kind::LinkDown);
  CHECK(s.faults[3].peer == 0);
  CHECK(s.header_extra["faults"].size() == 5);
}

TEST_CASE("loader: add_fault refuses bad specs", "[loader][bad][faults]") {
  Scenario s = parse_scenario(base().dump(), kFile);
  struct Case {
    const char* spec;
    const char* why;
  };
  for (const Case& c : {Case{"", "too few fields"}, Case{"1:crash", "too few fields"},
                        Case{"soon:crash:c1", "bad time"}, Case{"1s:crash:c1", "bad time"},
                        Case{"-1:crash:c1", "bad time"}, Case{"1e30:crash:c1", "bad time"},
                        Case{"nan:crash:c1", "bad time"}, Case{"1:crash:c9", "unknown node \"c9\""},
                        Case{"1:explode:c1", "unknown fault kind"}, Case{"1:crash:c1:broker", "wrong number of fields"},
                        Case{"1:link_down:c1", "wrong number of fields"},
                        Case{"1:link_down:p1:c1", "no link between those nodes"},
                        Case{"1:link_up:c1:ghost", "unknown node \"ghost\""}}) {
    INFO("spec: " << c.spec);
    try {
      add_fault(s, c.spec);
      FAIL("expected a ScenarioError");
    } catch (const ScenarioError& e) {
      const std::string msg = e.what();
      CHECK_THAT(msg, Catch::Contains("--fault \"" + std::string(c.spec) + "\""));
      CHECK_THAT(msg, Catch::Contains(c.why));
      CHECK_THAT(msg, Catch::Contains("T:crash:NODE"));
    }
  }
  CHECK(s.faults.size() == 1);  // nothing was added
}

namespace {
/// base() with a second broker b2 holding the same queues and exchanges, and both
/// clients listing "bootstrap": ["broker", "b2"].
json two_brokers() {
  json j = base();
  json b2 = j["nodes"][0];
  b2["name"] = "b2";
  j["nodes"].push_back(b2);
  for (int i : {1, 2}) {
    j["nodes"][i].erase("broker");
    j["nodes"][i]["bootstrap"] = {"broker", "b2"};
  }
  return j;
}
}  // namespace

TEST_CASE("loader: the two-broker base of the cluster tests is valid and qualifies shared queue names", "[loader][cluster]") {
  const Scenario s = parse_scenario(two_brokers().dump(), kFile);
  CHECK(s.header_extra["queues"] == nlohmann::ordered_json({"broker/q", "broker/dead", "b2/q", "b2/dead"}));
  // Links: each client to each broker of its list.
  CHECK(s.links.size() == 4);
  json j = two_brokers();
  j["nodes"][0]["peers"] = {"b2"};
  j["expect"] = {{"queues.b2/q.processed", {{"min", 0}}}};
  const Scenario p = parse_scenario(j.dump(), kFile);
  CHECK(p.links.size() == 5);
  CHECK(p.links[0].a == 0);
  CHECK(p.links[0].b == 3);
}

TEST_CASE("loader: bad bootstrap lists are refused", "[loader][bad][cluster]") {
  json j = two_brokers();
  j["nodes"][1]["bootstrap"] = {"broker", "b3"};
  check_error(error_of(j), "$.nodes[1].bootstrap[1]", {"unknown node \"b3\"", "broker, p1, c1, b2"});
  j = two_brokers();
  j["nodes"][2]["bootstrap"] = {"b2", "p1"};
  check_error(error_of(j), "$.nodes[2].bootstrap[1]", {"\"p1\" is a producer, not a broker"});
  j = two_brokers();
  j["nodes"][1]["bootstrap"] = {"b2", "b2"};
  check_error(error_of(j), "$.nodes[1].bootstrap[1]", {"broker \"b2\" is listed twice"});
  j = two_brokers();
  j["nodes"][1]["bootstrap"] = json::array();
  check_error(error_of(j), "$.nodes[1].bootstrap", {"at least one broker"});
  j = two_brokers();
  j["nodes"][1]["bootstrap"] = "b2";
  check_error(error_of(j), "$.nodes[1].bootstrap", {"expected an array of broker names, got a string"});
  j = two_brokers();
  j["nodes"][1]["bootstrap"] = {"b2", 3};
  check_error(error_of(j), "$.nodes[1].bootstrap[1]", {"expected a broker name, got a number"});
  j = two_brokers();
  j["nodes"][1]["broker"] = "b2";
  check_error(error_of(j), "$.nodes[1]", {"\"broker\"", "\"bootstrap\"", "not both"});
}

TEST_CASE("loader: reconnect_ms is a number of milliseconds >= 0", "[loader][bad][cluster]") {
  json j = two_brokers();
  j["nodes"][1]["reconnect_ms"] = -5;
  check_error(error_of(j), "$.nodes[1].reconnect_ms", {"expected a number in [0, "});
  j = two_brokers();
  j["nodes"][2]["reconnect_ms"] = "soon";
  check_error(error_of(j), "$.nodes[2].reconnect_ms", {"expected a number, got a string"});
  j = two_brokers();
  j["nodes"][0]["reconnect_ms"] = 10;
  check_error(error_of(j), "$.nodes[0].reconnect_ms", {"unknown key \"reconnect_ms\""});
}

TEST_CASE("loader: bad peers are refused", "[loader][bad][cluster]") {
  json j = two_brokers();
  j["nodes"][0]["peers"] = {"b9"};
  check_error(error_of(j), "$.nodes[0].peers[0]", {"unknown node \"b9\""});
  j = two_brokers();
  j["nodes"][0]["peers"] = {"c1"};
  check_error(error_of(j), "$.nodes[0].peers[0]", {"\"c1\" is a consumer, not a broker"});
  j = two_brokers();
  j["nodes"][0]["peers"] = {"broker"};
  check_error(error_of(j), "$.nodes[0].peers[0]", {"its own peer"});
  j = two_brokers();
  j["nodes"][0]["peers"] = {"b2", "b2"};
  check_error(error_of(j), "$.nodes[0].peers[1]", {"listed twice"});
  j = two_brokers();
  j["nodes"][1]["peers"] = {"b2"};
  check_error(error_of(j), "$.nodes[1].peers", {"unknown key \"peers\""});
  j = two_brokers();
  j["nodes"][3]["name"] = "broker";
  check_error(error_of(j), "$.nodes[3].name", {"duplicate node name \"broker\""});
}

TEST_CASE("loader: a client's queue and exchange must exist on the brokers of its list", "[loader][bad][cluster]") {
  json j = two_brokers();
  j["nodes"][0]["queues"] = json::array({json{{"name", "other"}}});
  j["nodes"][0]["bindings"] = json::array();
  j["nodes"][0]["exchanges"] = json::array({json{{"name", "ex"}, {"type", "direct"}}});
  j["nodes"][3]["queues"] = json::array({json{{"name", "other"}}});
  j["nodes"][3]["bindings"] = json::array();
  j["nodes"][3]["exchanges"] = json::array({json{{"name", "ex"}, {"type", "direct"}}});
  check_error(error_of(j), "$.nodes[2].queue", {"no broker of \"bootstrap\" (broker, b2) declares queue \"q\""});
  j = two_brokers();
  j["nodes"][3]["exchanges"] = json::array({json{{"name", "dlx"}, {"type", "fanout"}}});
  j["nodes"][3]["bindings"] = json::array({json{{"exchange", "dlx"}, {"queue", "dead"}}});
  check_error(error_of(j), "$.nodes[1].exchange", {"unknown exchange \"ex\" on broker \"b2\""});
}
