// The lease model's loader (sqs, pubsub, servicebus) refuses bad input with the file, the
// JSON path and what was expected.
#include <catch2/catch.hpp>

#include "scenario/scenario.hpp"
#include "scenario/scenario_error.hpp"

using namespace bs;
using json = nlohmann::json;

namespace {
json sqs() {
  return json::parse(R"({
    "name": "t", "model": "sqs", "seed": 1, "duration_s": 5,
    "nodes": [
      {"name": "aws", "role": "broker",
       "queues": [{"name": "jobs", "visibility_timeout_s": 5}, {"name": "pay.fifo", "fifo": true}],
       "topics": [{"name": "events", "subscriptions": [{"queue": "jobs", "filter_policy": {"kind": ["a"]}}]}]},
      {"name": "p", "role": "producer", "broker": "aws", "queue": "jobs", "count": 3},
      {"name": "w", "role": "consumer", "broker": "aws", "queue": "jobs", "wait_time_seconds": 20}
    ]})");
}
json pubsub() {
  return json::parse(R"({
    "name": "t", "model": "pubsub", "seed": 1, "duration_s": 5,
    "nodes": [
      {"name": "ps", "role": "broker", "topics": [{"name": "orders", "subscriptions": [{"name": "billing"}]}]},
      {"name": "p", "role": "producer", "broker": "ps", "topic": "orders", "count": 3},
      {"name": "s", "role": "consumer", "broker": "ps", "subscription": "billing"}
    ]})");
}
json servicebus() {
  return json::parse(R"({
    "name": "t", "model": "servicebus", "seed": 1, "duration_s": 5,
    "nodes": [
      {"name": "sb", "role": "broker", "queues": [{"name": "orders"}]},
      {"name": "p", "role": "producer", "broker": "sb", "queue": "orders", "count": 3},
      {"name": "r", "role": "consumer", "broker": "sb", "queue": "orders"}
    ]})");
}
std::string error_of(const json& j) {
  try {
    parse_scenario(j.dump(), "lesson.json");
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "";
}
void check_error(const json& j, const std::string& path, const char* hint) {
  const std::string msg = error_of(j);
  INFO("message: " << msg);
  REQUIRE_FALSE(msg.empty());
  CHECK(msg.rfind("lesson.json: ", 0) == 0);
  CHECK_THAT(msg, Catch::Contains(path + ":"));
  CHECK_THAT(msg, Catch::Contains(hint));
}
}  // namespace

TEST_CASE("lease loader: the base scenarios load", "[lease][loader]") {
  CHECK(error_of(sqs()).empty());
  CHECK(error_of(pubsub()).empty());
  CHECK(error_of(servicebus()).empty());
}

TEST_CASE("lease loader: a visibility timeout above SQS's 12 hours is refused", "[lease][loader][bad]") {
  json j = sqs();
  j["nodes"][0]["queues"][0]["visibility_timeout_s"] = 50000;
  check_error(j, "$.nodes[0].queues[0].visibility_timeout_s", "43200");
}

TEST_CASE("lease loader: a FIFO group id on a standard queue is refused", "[lease][loader][bad]") {
  json j = sqs();
  j["nodes"][1]["message_group_id"] = "alice";
  check_error(j, "$.nodes[1].message_group_id", "FIFO");
}

TEST_CASE("lease loader: a FIFO queue needs its .fifo suffix, group ids and deduplication ids", "[lease][loader][bad]") {
  json j = sqs();
  j["nodes"][0]["queues"][1]["name"] = "pay";
  check_error(j, "$.nodes[0].queues[1].name", ".fifo");
  j = sqs();
  j["nodes"][1]["queue"] = "pay.fifo";
  check_error(j, "$.nodes[1]", "MessageGroupId");
  j["nodes"][1]["message_group_id"] = "alice";
  check_error(j, "$.nodes[1]", "message_deduplication_id");
}

TEST_CASE("lease loader: a filter policy must be an object of arrays", "[lease][loader][bad]") {
  json j = sqs();
  j["nodes"][0]["topics"][0]["subscriptions"][0]["filter_policy"] = {{"kind", "a"}};
  check_error(j, "$.nodes[0].topics[0].subscriptions[0].filter_policy.kind", "array");
  j["nodes"][0]["topics"][0]["subscriptions"][0]["filter_policy"] = json::array({"a"});
  check_error(j, "$.nodes[0].topics[0].subscriptions[0].filter_policy", "object");
  j["nodes"][0]["topics"][0]["subscriptions"][0]["filter_policy"] = {{"total", {{{"numeric", {"~", 3}}}}}};
  check_error(j, "$.nodes[0].topics[0].subscriptions[0].filter_policy.total[0].numeric", "operator");
}

TEST_CASE("lease loader: a redrive policy names a declared queue of the same kind", "[lease][loader][bad]") {
  json j = sqs();
  j["nodes"][0]["queues"][0]["redrive_policy"] = {{"dead_letter_queue", "nowhere"}, {"max_receive_count", 3}};
  check_error(j, "$.nodes[0].queues[0].redrive_policy.dead_letter_queue", "unknown queue");
  j["nodes"][0]["queues"][0]["redrive_policy"]["dead_letter_queue"] = "pay.fifo";
  check_error(j, "$.nodes[0].queues[0].redrive_policy.dead_letter_queue", "FIFO");
}

TEST_CASE("lease loader: a heartbeat slower than the visibility timeout is refused", "[lease][loader][bad]") {
  json j = sqs();
  j["nodes"][2]["change_message_visibility"] = {{"every_ms", 6000}, {"visibility_timeout_s", 5}};
  check_error(j, "$.nodes[2].change_message_visibility.every_ms", "run out");
}

TEST_CASE("lease loader: Pub/Sub's ack deadline and delivery attempts keep to their documented ranges",
          "[lease][loader][bad]") {
  json j = pubsub();
  j["nodes"][0]["topics"][0]["subscriptions"][0]["ack_deadline_seconds"] = 5;
  check_error(j, "$.nodes[0].topics[0].subscriptions[0].ack_deadline_seconds", "10");
  j = pubsub();
  j["nodes"][0]["topics"][0]["subscriptions"][0]["dead_letter_policy"] = {{"dead_letter_topic", "orders"}, {"max_delivery_attempts", 2}};
  check_error(j, "$.nodes[0].topics[0].subscriptions[0].dead_letter_policy.max_delivery_attempts", "5");
  j = pubsub();
  j["nodes"][1].erase("topic");
  j["nodes"][1]["queue"] = "billing";
  check_error(j, "$.nodes[1].queue", "topic");
}

TEST_CASE("lease loader: a Pub/Sub seek names a declared subscription", "[lease][loader][bad]") {
  json j = pubsub();
  j["nodes"][0]["seeks"] = json::array({{{"at_s", 2}, {"subscription", "billling"}, {"time_s", 0}}});
  check_error(j, "$.nodes[0].seeks[0].subscription", "unknown subscription");
}

TEST_CASE("lease loader: Service Bus receive modes, sessions and lock durations", "[lease][loader][bad]") {
  json j = servicebus();
  j["nodes"][2]["receive_mode"] = "PeekAndLock";
  check_error(j, "$.nodes[2].receive_mode", "ReceiveAndDelete");
  j = servicebus();
  j["nodes"][0]["queues"][0]["requires_session"] = true;
  check_error(j, "$.nodes[1]", "session_id");
  j = servicebus();
  j["nodes"][0]["queues"][0]["lock_duration_s"] = 600;
  check_error(j, "$.nodes[0].queues[0].lock_duration_s", "300");
}

TEST_CASE("lease loader: a Pub/Sub seek to a snapshot needs the snapshot, created before, of the same subscription",
          "[lease][loader][bad]") {
  json j = pubsub();
  j["nodes"][0]["topics"][0]["subscriptions"].push_back({{"name", "audit"}});
  j["nodes"][0]["snapshots"] = json::array({{{"name", "before"}, {"subscription", "billing"}, {"at_s", 2}}});
  j["nodes"][0]["seeks"] = json::array({{{"at_s", 3}, {"subscription", "billing"}, {"snapshot", "before"}}});
  CHECK(error_of(j).empty());
  json unknown = j;
  unknown["nodes"][0]["seeks"][0]["snapshot"] = "befor";
  check_error(unknown, "$.nodes[0].seeks[0].snapshot", "unknown snapshot");
  json later = j;
  later["nodes"][0]["seeks"][0]["at_s"] = 1;
  check_error(later, "$.nodes[0].seeks[0].snapshot", "not before this seek");
  json other = j;
  other["nodes"][0]["seeks"][0]["subscription"] = "audit";
  check_error(other, "$.nodes[0].seeks[0].snapshot", "seek that subscription");
  json both = j;
  both["nodes"][0]["seeks"][0]["time_s"] = 1;
  check_error(both, "$.nodes[0].seeks[0]", "one of them");
  json twice = j;
  twice["nodes"][0]["snapshots"].push_back(j["nodes"][0]["snapshots"][0]);
  check_error(twice, "$.nodes[0].snapshots[1].name", "declared twice");
}

TEST_CASE("lease loader: a Service Bus receiver's waits_for is checked", "[lease][loader][bad]") {
  json j = servicebus();
  j["nodes"][2]["waits_for"] = {{"prerequisite", {{"type", {"order"}}}}, {"correlation", "order_id"}, {"then", "defer"}};
  CHECK(error_of(j).empty());
  json then = j;
  then["nodes"][2]["waits_for"]["then"] = "postpone";
  check_error(then, "$.nodes[2].waits_for.then", "defer");
  json filter = j;
  filter["nodes"][2]["waits_for"]["prerequisite"] = {{"type", "order"}};
  check_error(filter, "$.nodes[2].waits_for.prerequisite.type", "array");
  json rad = j;
  rad["nodes"][2]["receive_mode"] = "ReceiveAndDelete";
  check_error(rad, "$.nodes[2].waits_for", "ReceiveAndDelete");
  json sqs_too = sqs();
  sqs_too["nodes"][2]["waits_for"] = j["nodes"][2]["waits_for"];
  check_error(sqs_too, "$.nodes[2].waits_for", "unknown key");
}
