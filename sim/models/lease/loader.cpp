// Scenario keys of the lease model: Amazon SQS and SNS, Google Cloud Pub/Sub, Azure
// Service Bus, each with its own API's names.
#include <fmt/format.h>

#include "lease/receiver.hpp"
#include "lease/sender.hpp"
#include "models/lease/keys.hpp"
#include "models/model.hpp"
#include "scenario/client_keys.hpp"

namespace bs {
namespace lease_keys {

lease::Attributes load_attributes(const JsonIn& a) {
  if (!a.json().is_object()) a.fail("expected an object of attribute: value (a string or number)");
  lease::Attributes out;
  for (auto it = a.json().begin(); it != a.json().end(); ++it) {
    if (it->is_string()) out.push_back({it.key(), it->get<std::string>(), false});
    else if (it->is_number()) out.push_back({it.key(), it->dump(), true});
    else a.fail_at(it.key(), "expected a string or a number (SNS attribute types String and Number)");
  }
  return out;
}

namespace {
lease::Condition load_condition(const JsonIn& c) {
  using K = lease::Condition::Kind;
  lease::Condition out;
  const auto& j = c.json();
  if (j.is_string()) return out.text = j.get<std::string>(), out;
  if (j.is_number()) return out.kind = K::NumberEquals, out.number = j.get<double>(), out;
  if (!j.is_object() || j.size() != 1)
    c.fail("expected a string, a number, or an object with one of \"prefix\", \"anything-but\", \"numeric\", \"exists\"");
  const std::string op = j.begin().key();
  const auto& v = j.begin().value();
  if (op == "prefix") {
    if (!v.is_string()) c.fail_at(op, "expected a string");
    out.kind = K::Prefix, out.text = v.get<std::string>();
  } else if (op == "anything-but") {
    out.kind = K::AnythingBut;
    const auto one = [&](const nlohmann::json& x) {
      if (x.is_string()) out.values.push_back(x.get<std::string>());
      else if (x.is_number()) out.values.push_back(x.dump());
      else c.fail_at(op, "expected a string, a number or an array of them");
    };
    if (v.is_array()) for (const auto& x : v) one(x);
    else one(v);
  } else if (op == "numeric") {
    out.kind = K::Numeric;
    if (!v.is_array() || (v.size() != 2 && v.size() != 4))
      c.fail_at(op, "expected [operator, number] or [operator, number, operator, number]");
    for (std::size_t i = 0; i < v.size(); i += 2) {
      const std::string o = v[i].is_string() ? v[i].get<std::string>() : "";
      if (o != "<" && o != "<=" && o != "=" && o != ">=" && o != ">") c.fail_at(op, "expected an operator: \"<\", \"<=\", \"=\", \">=\" or \">\"");
      if (!v[i + 1].is_number()) c.fail_at(op, "expected a number after each operator");
      out.range.emplace_back(o, v[i + 1].get<double>());
    }
  } else if (op == "exists") {
    if (!v.is_boolean()) c.fail_at(op, "expected true or false");
    out.kind = K::Exists, out.exists = v.get<bool>();
  } else {
    c.fail(fmt::format("unknown filter operator \"{}\" (expected prefix, anything-but, numeric or exists)", op));
  }
  return out;
}
}  // namespace

lease::FilterPolicy load_filter_policy(const JsonIn& f) {
  if (!f.json().is_object() || f.json().empty())
    f.fail("expected a filter policy: an object of attribute name: [conditions] (SNS)");
  lease::FilterPolicy p;
  for (auto it = f.json().begin(); it != f.json().end(); ++it) {
    JsonIn conds = f.at(it.key().c_str());
    if (!it->is_array() || it->empty()) conds.fail("expected a non-empty array of conditions (SNS filter policies are objects of arrays)");
    std::vector<lease::Condition> cs;
    for (std::size_t i = 0; i < conds.size(); ++i) cs.push_back(load_condition(conds.at(i)));
    p.keys.emplace_back(it.key(), std::move(cs));
  }
  return p;
}

}  // namespace lease_keys

namespace {
using lease::System;
using lease_keys::Declared;
using lease_keys::Entity;

/// The keys each system names its client options with.
struct ClientWords {
  const char* group;        ///< MessageGroupId, ordering key, SessionId
  const char* attributes;
  const char* dedup;        ///< sends a deduplication id (nullptr: the system has none)
  const char* receive_from; ///< "queue", "subscription"
  const char* max;          ///< receive batch size key
  std::int64_t max_limit;
  const char* extend;       ///< the lease extension object's key
  const char* extend_to;    ///< its lease length key
  double extend_lo, extend_hi;
  const char* release;      ///< on_failure's word for giving a message back at once
  double wait_s;            ///< how long a receive call waits for a message
};
ClientWords words_of(System s) {
  // SQS ReceiveMessage: MaxNumberOfMessages 1-10; ChangeMessageVisibility 0-43,200 s.
  // Pub/Sub Pull max_messages; ModifyAckDeadline 0-600 s. Service Bus ReceiveMessages
  // maxMessages, maxWaitTime (default 60 s); RenewMessageLock renews for LockDuration.
  if (s == System::Sqs)
    return {"message_group_id", "message_attributes", "message_deduplication_id", "queue", "max_number_of_messages", 10,
            "change_message_visibility", "visibility_timeout_s", 0, 43200, "change_visibility_0", 0};
  if (s == System::PubSub)
    return {"ordering_key", "attributes", nullptr, "subscription", "max_messages", 1000, "modify_ack_deadline",
            "ack_deadline_seconds", 10, 600, "nack", 20};
  return {"session_id", "application_properties", "message_id", "queue", "max_messages", 1000, "renew_lock", nullptr, 0, 0,
          "abandon", 60};
}

std::vector<std::string> string_or_list(const JsonIn& n, const char* key) { return n.has(key) ? n.strings(key) : std::vector<std::string>{}; }

lease::SenderConfig load_sender(const JsonIn& n, const Declared& d, NodeId service, System sys) {
  const ClientWords w = words_of(sys);
  std::vector<std::string> keys = {"name", "role", "broker", "queue", "topic", "count", "start_s", "interval_ms", "size_bytes",
                                   "request_timeout_ms", "max_attempts", "retry_backoff_ms", w.group, w.attributes};
  if (w.dedup) keys.push_back(w.dedup);
  if (sys == System::Sqs) keys.push_back("delay_seconds");
  n.expect_object(keys);
  lease::SenderConfig c;
  c.system = sys;
  c.service = service;
  const bool to_topic = n.has("topic");
  if (sys == System::PubSub && n.has("queue")) n.at("queue").fail("a Pub/Sub publisher publishes to a \"topic\"");
  if (to_topic == n.has("queue")) n.fail("give the destination: \"queue\" or \"topic\", one of them");
  c.destination = n.str(to_topic ? "topic" : "queue");
  const Entity* e = d.find(c.destination, to_topic);
  if (!e) n.at(to_topic ? "topic" : "queue").fail(fmt::format("unknown {} \"{}\" (declared: {})", to_topic ? "topic" : "queue",
                                                         c.destination, fmt::join(d.names(to_topic), ", ")));
  if (e->name.find("/$DeadLetterQueue") != std::string::npos) n.at("queue").fail("a dead-letter sub-queue takes no sends");
  c.count = static_cast<std::uint64_t>(n.integer("count", 0, 100'000'000));
  c.start_s = n.num("start_s", 0, 1e7, 0);
  c.interval_s = n.num("interval_ms", 0, 1e9, 100) / 1000;
  c.size_bytes = static_cast<std::uint32_t>(n.integer("size_bytes", 0, 262144, 1024));  // SQS/SNS: 256 KiB at most
  c.request_timeout_s = n.num("request_timeout_ms", 1, 1e9, 1000) / 1000;
  c.max_attempts = static_cast<std::uint32_t>(n.integer("max_attempts", 1, 1000, 3));
  c.retry_backoff_s = n.num("retry_backoff_ms", 0, 1e9, 100) / 1000;
  c.groups = string_or_list(n, w.group);
  if (n.has(w.group) && c.groups.empty()) n.at(w.group).fail("expected a non-empty string or list of strings");
  if (sys == System::Sqs) {
    if (!c.groups.empty() && !e->fifo)
      n.at(w.group).fail(fmt::format("\"{}\" is a FIFO {}'s (its order is per group); \"{}\" is a standard {}", w.group,
                                     to_topic ? "topic" : "queue", c.destination, to_topic ? "topic" : "queue"));
    if (c.groups.empty() && e->fifo) n.fail(fmt::format("a FIFO {} needs \"{}\" on every message (SQS/SNS: MessageGroupId is required)", to_topic ? "topic" : "queue", w.group));
    c.delay_s = n.num("delay_seconds", 0, 900, 0);
    if (c.delay_s > 0 && e->fifo) n.at("delay_seconds").fail("FIFO queues take no per-message DelaySeconds; set the queue's \"delay_seconds\"");
  }
  if (sys == System::ServiceBus && e->sessions && c.groups.empty())
    n.fail(fmt::format("queue \"{}\" requires sessions: give \"session_id\"", c.destination));
  if (n.has(w.attributes)) {
    JsonIn as = n.at(w.attributes);
    for (std::size_t i = 0; i < as.size(); ++i) c.attributes.push_back(lease_keys::load_attributes(as.at(i)));
  }
  if (w.dedup) {
    c.deduplication_id = n.boolean(w.dedup, false);
    if (c.deduplication_id && !e->dedup)
      n.at(w.dedup).fail(sys == System::Sqs ? "deduplication ids are for FIFO queues and topics"
                                            : "the entity has no duplicate detection (\"requires_duplicate_detection\": true)");
    // SQS FIFO: without an explicit id, ContentBasedDeduplication hashes the body, and the
    // body of a retry is the same: the same id either way.
    if (e->fifo && !c.deduplication_id && !e->content_based)
      n.fail(fmt::format("a FIFO {} needs \"message_deduplication_id\": true or the {}'s \"content_based_deduplication\"",
                         to_topic ? "topic" : "queue", to_topic ? "topic" : "queue"));
    if (e->content_based) c.deduplication_id = true;
  }
  return c;
}

lease::ReceiverConfig load_receiver(const JsonIn& n, const Declared& d, NodeId service, System sys) {
  const ClientWords w = words_of(sys);
  std::vector<std::string> keys = {"name", "role", "broker", w.receive_from, w.max, "processing_ms", "start_s", "fails_on",
                                   "on_failure", "request_timeout_ms", w.extend};
  if (sys == System::Sqs) keys.push_back("wait_time_seconds");
  if (sys == System::ServiceBus) keys.push_back("receive_mode"), keys.push_back("max_wait_time_s"), keys.push_back("waits_for");
  n.expect_object(keys);
  lease::ReceiverConfig c;
  c.system = sys;
  c.service = service;
  c.queue = n.str(w.receive_from);
  const Entity* e = d.find(c.queue, false);
  if (!e) n.at(w.receive_from).fail(fmt::format("unknown {} \"{}\" (declared: {})", w.receive_from, c.queue, fmt::join(d.names(false), ", ")));
  c.max_messages = static_cast<std::uint32_t>(n.integer(w.max, 1, w.max_limit, 1));
  c.wait_s = sys == System::Sqs          ? n.num("wait_time_seconds", 0, 20, 0)
             : sys == System::ServiceBus ? n.num("max_wait_time_s", 0, 3600, w.wait_s)
                                         : w.wait_s;
  c.request_timeout_s = n.num("request_timeout_ms", 1, 1e9, 1000) / 1000;
  c.processing = load_processing(n);
  c.start_s = n.num("start_s", 0, 1e7, 0);
  if (sys == System::ServiceBus) c.receive_and_delete = n.one_of("receive_mode", {"PeekLock", "ReceiveAndDelete"}, "PeekLock") == "ReceiveAndDelete";
  if (n.has("fails_on")) c.fails_on = lease_keys::load_filter_policy(n.at("fails_on"));
  std::vector<std::string> failure_words = {"wait", w.release};
  if (sys == System::ServiceBus) failure_words.push_back("dead_letter");
  const std::string on_failure = n.one_of("on_failure", failure_words, "wait");
  c.release_on_failure = on_failure == w.release;
  c.dead_letter_on_failure = on_failure == "dead_letter";
  if (n.has("on_failure") && !c.fails_on) n.at("on_failure").fail("give \"fails_on\" (which messages fail) with \"on_failure\"");
  if (n.has("waits_for")) {
    // Service Bus message deferral: a workflow step waiting for the one before it.
    JsonIn wf = n.at("waits_for");
    wf.expect_object({"prerequisite", "correlation", "then"});
    lease::ReceiverConfig::WaitsFor rule;
    rule.prerequisite = lease_keys::load_filter_policy(wf.at("prerequisite"));
    rule.correlation = wf.str("correlation");
    if (rule.correlation.empty()) wf.at("correlation").fail("expected the name of an application property");
    rule.defer = wf.one_of("then", {"defer", "abandon"}, "defer") == "defer";
    if (c.receive_and_delete) wf.fail("ReceiveAndDelete settles on receipt: nothing can be deferred or abandoned");
    c.waits_for = rule;
  }
  if (n.has(w.extend)) {
    JsonIn x = n.at(w.extend);
    const double lease = [&] {
      for (const auto& q : d.cfg.queues)
        if (q.name == c.queue) return q.lease_s;
      return 30.0;
    }();
    if (sys == System::ServiceBus) {
      // RenewMessageLock renews for the entity's LockDuration.
      x.expect_object({"every_ms"});
      c.extend_to_s = lease;
    } else {
      x.expect_object({"every_ms", w.extend_to});
      c.extend_to_s = x.num(w.extend_to, std::max(w.extend_lo, 1.0), w.extend_hi);
    }
    c.extend_every_s = x.num("every_ms", 1, 1e9) / 1000;
    if (c.extend_every_s >= c.extend_to_s)
      x.at("every_ms").fail(fmt::format("extending every {} s a lease of {} s lets it run out in between", c.extend_every_s, c.extend_to_s));
    if (c.receive_and_delete) n.at(w.extend).fail("ReceiveAndDelete holds no lock to renew");
  }
  return c;
}

void load(const JsonIn& nodes, Scenario& s, System sys) {
  NodeId service = kNoNode;
  Declared d;
  for (std::size_t i = 0; i < s.node_names.size(); ++i) {
    if (s.node_roles[i] == "controller" || s.node_roles[i] == "store")
      nodes.at(i).at("role").fail(fmt::format("the {} model has no \"{}\" nodes", sys == System::Sqs ? "sqs" : sys == System::PubSub ? "pubsub" : "servicebus", s.node_roles[i]));
    if (s.node_roles[i] != "broker") continue;
    if (service != kNoNode)
      nodes.at(i).fail("one broker node stands for the whole managed service (it is replicated inside); declare its queues and topics there");
    service = static_cast<NodeId>(i);
    d = lease_keys::load_service(nodes.at(i), sys);
  }
  if (service == kNoNode) nodes.fail("expected one node with role \"broker\": the service");
  s.factories.resize(s.node_names.size());
  auto queues = nlohmann::ordered_json::array();
  for (const auto& q : d.cfg.queues) queues.push_back(q.name);
  s.header_extra["queues"] = queues;
  for (std::size_t i = 0; i < s.node_names.size(); ++i) {
    JsonIn n = nodes.at(i);
    const std::string& role = s.node_roles[i];
    if (role == "broker") {
      const lease::ServiceConfig cfg = d.cfg;
      s.factories[i] = [cfg](RunShared&) { return std::make_unique<lease::Service>(cfg); };
      continue;
    }
    if (n.has("broker") && n.str("broker") != s.node_names[service])
      n.at("broker").fail(fmt::format("expected \"{}\", the service", s.node_names[service]));
    if (role == "producer") {
      const lease::SenderConfig c = load_sender(n, d, service, sys);
      s.factories[i] = [c](RunShared&) { return std::make_unique<lease::Sender>(c); };
    } else if (role == "consumer") {
      const lease::ReceiverConfig c = load_receiver(n, d, service, sys);
      s.factories[i] = [c](RunShared&) { return std::make_unique<lease::Receiver>(c); };
    }
  }
}
}  // namespace

void load_sqs_model(const JsonIn& nodes, Scenario& s) { load(nodes, s, System::Sqs); }
void load_pubsub_model(const JsonIn& nodes, Scenario& s) { load(nodes, s, System::PubSub); }
void load_servicebus_model(const JsonIn& nodes, Scenario& s) { load(nodes, s, System::ServiceBus); }

}  // namespace bs
