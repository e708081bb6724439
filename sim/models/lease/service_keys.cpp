// The lease model's service node: each system's entities with its own attribute names.
#include <fmt/format.h>

#include "models/lease/keys.hpp"

namespace bs::lease_keys {
namespace {
using lease::QueueConfig;
using lease::System;
using lease::TopicConfig;

bool ends_with(const std::string& s, const char* suffix) {
  const std::string x(suffix);
  return s.size() >= x.size() && s.compare(s.size() - x.size(), x.size(), x) == 0;
}

void add_name(Declared& d, const JsonIn& at, const Entity& e) {
  if (e.name.empty()) at.fail("expected a non-empty name");
  if (d.find(e.name, e.topic)) at.fail(fmt::format("duplicate {} \"{}\"", e.topic ? "topic" : "queue", e.name));
  d.entities.push_back(e);
}

// Amazon SQS CreateQueue attributes (SQS API Reference): VisibilityTimeout 0-43,200 s
// (default 30), DelaySeconds 0-900, MessageRetentionPeriod 60-1,209,600 s (default
// 345,600: 4 days), FifoQueue (the name must end in .fifo), ContentBasedDeduplication,
// RedrivePolicy {deadLetterTargetArn, maxReceiveCount 1-1,000}.
void load_sqs_queue(const JsonIn& q, Declared& d, std::vector<std::pair<std::string, JsonIn>>& dlqs) {
  q.expect_object({"name", "fifo", "visibility_timeout_s", "delay_seconds", "message_retention_period_s",
                   "content_based_deduplication", "redrive_policy"});
  QueueConfig c;
  c.name = q.str("name");
  c.fifo = q.boolean("fifo", false);
  if (c.fifo != ends_with(c.name, ".fifo"))
    q.at("name").fail(c.fifo ? "the name of a FIFO queue must end in \".fifo\" (SQS)"
                             : "a name ending in \".fifo\" is a FIFO queue's: add \"fifo\": true");
  c.lease_s = q.num("visibility_timeout_s", 0, 43200, 30);
  c.delay_s = q.num("delay_seconds", 0, 900, 0);
  c.retention_s = q.num("message_retention_period_s", 60, 1209600, 345600);
  const bool cbd = q.boolean("content_based_deduplication", false);
  if (cbd && !c.fifo) q.at("content_based_deduplication").fail("content-based deduplication is for FIFO queues (\"fifo\": true)");
  if (c.fifo) c.dedup_window_s = 300;  // SQS FIFO: the 5-minute deduplication interval
  if (q.has("redrive_policy")) {
    JsonIn r = q.at("redrive_policy");
    r.expect_object({"dead_letter_queue", "max_receive_count"});
    c.dead_letter = r.str("dead_letter_queue");
    c.max_receive_count = static_cast<std::uint32_t>(r.integer("max_receive_count", 1, 1000));
    if (c.dead_letter == c.name) r.at("dead_letter_queue").fail("a queue cannot be its own dead-letter queue");
    dlqs.emplace_back(c.dead_letter, r.at("dead_letter_queue"));
  }
  add_name(d, q.at("name"), Entity{c.name, false, c.fifo, false, cbd, c.fifo});
  d.cfg.queues.push_back(c);
}

// Amazon SNS: CreateTopic (FifoTopic, name ending in .fifo, ContentBasedDeduplication),
// Subscribe with protocol sqs, its FilterPolicy and RawMessageDelivery.
void load_sns_topic(const JsonIn& t, Declared& d) {
  t.expect_object({"name", "fifo", "content_based_deduplication", "subscriptions"});
  TopicConfig c;
  c.name = t.str("name");
  const bool fifo = t.boolean("fifo", false);
  if (fifo != ends_with(c.name, ".fifo"))
    t.at("name").fail(fifo ? "the name of a FIFO topic must end in \".fifo\" (SNS)" : "a name ending in \".fifo\" is a FIFO topic's: add \"fifo\": true");
  const bool cbd = t.boolean("content_based_deduplication", false);
  if (cbd && !fifo) t.at("content_based_deduplication").fail("content-based deduplication is for FIFO topics (\"fifo\": true)");
  if (fifo) c.dedup_window_s = 300;
  JsonIn subs = t.at("subscriptions");
  for (std::size_t i = 0; i < subs.size(); ++i) {
    JsonIn s = subs.at(i);
    s.expect_object({"queue", "filter_policy", "raw_message_delivery"});
    TopicConfig::Subscription sub;
    sub.queue = s.str("queue");
    const Entity* q = d.find(sub.queue, false);
    if (!q) s.at("queue").fail(fmt::format("unknown queue \"{}\" (declared: {})", sub.queue, fmt::join(d.names(false), ", ")));
    if (q->fifo && !fifo) s.at("queue").fail("an SQS FIFO queue subscribes to SNS FIFO topics only (its messages need a MessageGroupId)");
    if (s.has("filter_policy")) sub.filter = load_filter_policy(s.at("filter_policy"));
    sub.raw = s.boolean("raw_message_delivery", false);
    c.subscriptions.push_back(sub);
  }
  add_name(d, t.at("name"), Entity{c.name, true, fifo, false, cbd, fifo});
  d.cfg.topics.push_back(c);
}

// Google Cloud Pub/Sub Subscription fields (REST v1): ackDeadlineSeconds 10-600 (default
// 10), enableMessageOrdering, deadLetterPolicy {deadLetterTopic, maxDeliveryAttempts
// 5-100, default 5}, enableExactlyOnceDelivery, messageRetentionDuration 10 min-7 days.
void load_pubsub_topic(const JsonIn& t, Declared& d, std::vector<std::pair<std::string, JsonIn>>& dl_topics) {
  t.expect_object({"name", "subscriptions"});
  TopicConfig c;
  c.name = t.str("name");
  if (t.has("subscriptions")) {
    JsonIn subs = t.at("subscriptions");
    for (std::size_t i = 0; i < subs.size(); ++i) {
      JsonIn s = subs.at(i);
      s.expect_object({"name", "ack_deadline_seconds", "enable_message_ordering", "dead_letter_policy",
                       "enable_exactly_once_delivery", "message_retention_duration_s", "retain_acked_messages"});
      QueueConfig q;
      q.name = s.str("name");
      q.lease_s = s.num("ack_deadline_seconds", 10, 600, 10);
      q.ordering = s.boolean("enable_message_ordering", false);
      // With exactly-once delivery an ack after the deadline fails; without it, it counts.
      q.late_settle_ok = !s.boolean("enable_exactly_once_delivery", false);
      q.retention_s = s.num("message_retention_duration_s", 600, 604800, 604800);
      q.retain_acked = s.boolean("retain_acked_messages", false);
      if (s.has("dead_letter_policy")) {
        JsonIn p = s.at("dead_letter_policy");
        p.expect_object({"dead_letter_topic", "max_delivery_attempts"});
        q.dead_letter = p.str("dead_letter_topic");
        q.dead_letter_is_topic = true;
        q.max_receive_count = static_cast<std::uint32_t>(p.integer("max_delivery_attempts", 5, 100, 5));
        dl_topics.emplace_back(q.dead_letter, p.at("dead_letter_topic"));
      }
      add_name(d, s.at("name"), Entity{q.name, false, false, false, false, false});
      d.cfg.queues.push_back(q);
      c.subscriptions.push_back(TopicConfig::Subscription{q.name, {}, true});
    }
  }
  add_name(d, t.at("name"), Entity{c.name, true, false, false, false, false});
  d.cfg.topics.push_back(c);
}

// Azure Service Bus queue and subscription properties: LockDuration (default 1 min, at
// most 5 min), MaxDeliveryCount (default 10), RequiresSession, DefaultMessageTimeToLive,
// RequiresDuplicateDetection with DuplicateDetectionHistoryTimeWindow (default 10 min,
// 20 s to 7 days; queues and topics, not subscriptions). Every entity has a dead-letter
// sub-queue, "<entity>/$DeadLetterQueue".
QueueConfig load_sb_entity(const JsonIn& q, const std::string& name, bool can_dedup, Declared& d) {
  QueueConfig c;
  c.name = name;
  c.lease_s = q.num("lock_duration_s", 5, 300, 60);
  c.max_receive_count = static_cast<std::uint32_t>(q.integer("max_delivery_count", 1, 2000, 10));
  c.sessions = q.boolean("requires_session", false);
  c.retention_s = q.num("default_message_time_to_live_s", 1, 1e9, 1e9);
  c.late_settle_ok = false;  // MessageLockLostException
  if (can_dedup && q.boolean("requires_duplicate_detection", false))
    c.dedup_window_s = q.num("duplicate_detection_history_time_window_s", 20, 604800, 600);
  else if (q.has("duplicate_detection_history_time_window_s"))
    q.at("duplicate_detection_history_time_window_s").fail("give \"requires_duplicate_detection\": true with the window");
  c.dead_letter = name + "/$DeadLetterQueue";
  add_name(d, q.at("name"), Entity{name, false, false, c.sessions, false, c.dedup_window_s > 0});
  QueueConfig dlq;
  dlq.name = c.dead_letter;
  dlq.lease_s = c.lease_s;
  d.entities.push_back(Entity{dlq.name, false, false, false, false, false});
  d.cfg.queues.push_back(c);
  d.cfg.queues.push_back(dlq);
  return c;
}

void load_sb_topic(const JsonIn& t, Declared& d) {
  t.expect_object({"name", "requires_duplicate_detection", "duplicate_detection_history_time_window_s", "subscriptions"});
  TopicConfig c;
  c.name = t.str("name");
  if (t.boolean("requires_duplicate_detection", false))
    c.dedup_window_s = t.num("duplicate_detection_history_time_window_s", 20, 604800, 600);
  JsonIn subs = t.at("subscriptions");
  for (std::size_t i = 0; i < subs.size(); ++i) {
    JsonIn s = subs.at(i);
    s.expect_object({"name", "lock_duration_s", "max_delivery_count", "requires_session", "default_message_time_to_live_s",
                     "correlation_filter"});
    const std::string sub = s.str("name");
    if (sub.empty()) s.at("name").fail("expected a non-empty subscription name");
    load_sb_entity(s, c.name + "/" + sub, false, d);
    TopicConfig::Subscription ts{c.name + "/" + sub, {}, true};
    if (s.has("correlation_filter")) {
      // A correlation filter matches application properties exactly, every one given.
      JsonIn f = s.at("correlation_filter");
      if (!f.json().is_object() || f.json().empty()) f.fail("expected an object of property: value (a string or number)");
      for (auto it = f.json().begin(); it != f.json().end(); ++it) {
        lease::Condition cond;
        if (it->is_string()) cond.text = it->get<std::string>();
        else if (it->is_number()) cond.kind = lease::Condition::Kind::NumberEquals, cond.number = it->get<double>();
        else f.fail_at(it.key(), "expected a string or a number");
        ts.filter.keys.emplace_back(it.key(), std::vector<lease::Condition>{cond});
      }
    }
    c.subscriptions.push_back(ts);
  }
  add_name(d, t.at("name"), Entity{c.name, true, false, false, false, c.dedup_window_s > 0});
  d.cfg.topics.push_back(c);
}
}  // namespace

Declared load_service(const JsonIn& n, System system) {
  Declared d;
  d.cfg.system = system;
  std::vector<std::pair<std::string, JsonIn>> dead_letters;  // names to check once all are read
  if (system == System::Sqs) {
    n.expect_object({"name", "role", "queues", "topics"});
    if (n.has("queues"))
      for (std::size_t i = 0; i < n.at("queues").size(); ++i) load_sqs_queue(n.at("queues").at(i), d, dead_letters);
    if (n.has("topics"))
      for (std::size_t i = 0; i < n.at("topics").size(); ++i) load_sns_topic(n.at("topics").at(i), d);
    for (const auto& [name, at] : dead_letters) {
      const Entity* q = d.find(name, false);
      if (!q) at.fail(fmt::format("unknown queue \"{}\" (declared: {})", name, fmt::join(d.names(false), ", ")));
    }
    // SQS: a FIFO queue's dead-letter queue must be FIFO too, a standard queue's standard.
    for (const auto& c : d.cfg.queues)
      if (!c.dead_letter.empty() && d.find(c.dead_letter, false)->fifo != c.fifo)
        for (const auto& [name, at] : dead_letters)
          if (name == c.dead_letter) at.fail("a FIFO queue's dead-letter queue must be a FIFO queue, and a standard queue's a standard queue");
  } else if (system == System::PubSub) {
    n.expect_object({"name", "role", "topics", "seeks", "snapshots"});
    JsonIn ts = n.at("topics");
    for (std::size_t i = 0; i < ts.size(); ++i) load_pubsub_topic(ts.at(i), d, dead_letters);
    const auto subscription = [&](const JsonIn& s) {
      std::string name = s.str("subscription");
      if (!d.find(name, false))
        s.at("subscription").fail(fmt::format("unknown subscription \"{}\" (declared: {})", name, fmt::join(d.names(false), ", ")));
      return name;
    };
    if (n.has("snapshots")) {
      // CreateSnapshot (projects.snapshots.create), called while the run goes on.
      JsonIn ss = n.at("snapshots");
      for (std::size_t i = 0; i < ss.size(); ++i) {
        JsonIn s = ss.at(i);
        s.expect_object({"name", "subscription", "at_s"});
        lease::SnapshotConfig c{s.str("name"), subscription(s), s.num("at_s", 0, 1e9)};
        if (c.name.empty()) s.at("name").fail("expected a snapshot name");
        for (const auto& other : d.cfg.snapshots)
          if (other.name == c.name) s.at("name").fail(fmt::format("snapshot \"{}\" is declared twice (Pub/Sub: ALREADY_EXISTS)", c.name));
        d.cfg.snapshots.push_back(c);
      }
    }
    if (n.has("seeks")) {
      // Seek to a time or to a snapshot (projects.subscriptions.seek), called while the run goes on.
      JsonIn ss = n.at("seeks");
      for (std::size_t i = 0; i < ss.size(); ++i) {
        JsonIn s = ss.at(i);
        s.expect_object({"at_s", "subscription", "time_s", "snapshot"});
        if (s.has("time_s") == s.has("snapshot")) s.fail("give what to seek to: \"time_s\" or \"snapshot\", one of them");
        lease::SeekConfig c{s.num("at_s", 0, 1e9), subscription(s), s.has("time_s") ? s.num("time_s", 0, 1e9) : 0, ""};
        if (s.has("snapshot")) {
          c.snapshot = s.str("snapshot");
          const lease::SnapshotConfig* snap = nullptr;
          for (const auto& x : d.cfg.snapshots)
            if (x.name == c.snapshot) snap = &x;
          if (!snap) s.at("snapshot").fail(fmt::format("unknown snapshot \"{}\" (declare it in \"snapshots\")", c.snapshot));
          // Pub/Sub also seeks a subscription to a snapshot of another subscription of the
          // same topic; brokersim models seeking the subscription the snapshot was taken of.
          if (snap->subscription != c.subscription)
            s.at("snapshot").fail(fmt::format("snapshot \"{}\" is of subscription \"{}\"; seek that subscription", c.snapshot, snap->subscription));
          if (snap->at_s >= c.at_s)
            s.at("snapshot").fail(fmt::format("snapshot \"{}\" is created at {} s, not before this seek at {} s", c.snapshot, snap->at_s, c.at_s));
        }
        d.cfg.seeks.push_back(c);
      }
    }
    for (const auto& [name, at] : dead_letters)
      if (!d.find(name, true)) at.fail(fmt::format("unknown topic \"{}\" (declared: {})", name, fmt::join(d.names(true), ", ")));
  } else {
    n.expect_object({"name", "role", "queues", "topics"});
    if (n.has("queues")) {
      JsonIn qs = n.at("queues");
      for (std::size_t i = 0; i < qs.size(); ++i) {
        JsonIn q = qs.at(i);
        q.expect_object({"name", "lock_duration_s", "max_delivery_count", "requires_session", "default_message_time_to_live_s",
                         "requires_duplicate_detection", "duplicate_detection_history_time_window_s"});
        load_sb_entity(q, q.str("name"), true, d);
      }
    }
    if (n.has("topics"))
      for (std::size_t i = 0; i < n.at("topics").size(); ++i) load_sb_topic(n.at("topics").at(i), d);
  }
  if (d.cfg.queues.empty()) n.fail("declare at least one queue or subscription for the consumers to receive from");
  return d;
}

}  // namespace bs::lease_keys
