// Scenario keys of the Kinesis model (docs/kinesis.md, docs/scenario-format.md). Keys
// are the Kinesis API's parameter names in snake_case (ShardCount: "shard_count",
// ShardIteratorType: "shard_iterator_type", ...). Every reference (stream, shard, hash
// key, iterator type) is checked here, resharding included: the loader replays the
// scheduled SplitShard and MergeShards on a shard map, so a split of a shard that does
// not exist yet, or is closed by then, fails at load time with its JSON path.
#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include <fmt/format.h>

#include "kinesis/consumer.hpp"
#include "kinesis/producer.hpp"
#include "kinesis/stream_node.hpp"
#include "models/model.hpp"
#include "scenario/client_keys.hpp"

namespace bs {
namespace {
using kinesis::HashKey;

HashKey hash_key_at(const JsonIn& n, const char* key) {
  if (!n.at(key).json().is_string())
    n.at(key).fail("expected a hash key as a decimal string (\"0\" to \"340282366920938463463374607431768211455\")");
  const auto k = kinesis::parse_hash_key(n.str(key));
  if (!k)
    n.at(key).fail(fmt::format("expected a hash key: decimal digits without sign or leading zeros, 0 to 2^128 - 1 "
                               "(340282366920938463463374607431768211455), got \"{}\"", n.str(key)));
  return *k;
}

std::int32_t shard_at(const JsonIn& n, const char* key, const kinesis::ShardMap& map) {
  const std::string id = n.str(key);
  const std::int32_t index = kinesis::parse_shard_id(id);
  if (index < 0) n.at(key).fail(fmt::format("expected a ShardId such as \"shardId-000000000000\", got \"{}\"", id));
  if (index >= map.size())
    n.at(key).fail(fmt::format("unknown shard \"{}\": at this time the stream has {}..{}", id, kinesis::shard_id(0),
                               kinesis::shard_id(map.size() - 1)));
  return index;
}

kinesis::StreamConfig load_stream(const JsonIn& t) {
  t.expect_object({"name", "shard_count", "retention_period_hours", "resharding"});
  kinesis::StreamConfig c;
  c.name = t.str("name");
  if (c.name.empty() || c.name.find_first_of(" /:\"") != std::string::npos)
    t.at("name").fail("expected a non-empty stream name without spaces, '/', ':' or quotes");
  c.shards = static_cast<std::int32_t>(t.integer("shard_count", 1, 1000));
  // RetentionPeriodHours: 24 by default, at most 8760 (365 days).
  c.retention_s = static_cast<double>(t.integer("retention_period_hours", 24, 8760, 24)) * 3600;
  if (!t.has("resharding")) return c;
  JsonIn rs = t.at("resharding");
  // Replay the actions in time order on a shard map: the shard ids they name must exist
  // and be open when they run.
  std::vector<std::size_t> order(rs.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::vector<double> at(rs.size());
  for (std::size_t i = 0; i < rs.size(); ++i) {
    rs.at(i).expect_object({"at_s", "action", "shard_to_split", "new_starting_hash_key", "shard_to_merge",
                            "adjacent_shard_to_merge"});
    at[i] = rs.at(i).num("at_s", 0, 1e7);
  }
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return at[a] < at[b]; });
  kinesis::ShardMap map(c.shards);
  for (std::size_t i : order) {
    JsonIn a = rs.at(i);
    kinesis::ReshardAction r;
    r.at_s = at[i];
    r.split = a.one_of("action", {"SplitShard", "MergeShards"}, nullptr) == "SplitShard";
    if (r.split) {
      for (const char* k : {"shard_to_merge", "adjacent_shard_to_merge"})
        if (a.has(k)) a.at(k).fail(fmt::format("\"{}\" belongs to MergeShards; SplitShard takes \"shard_to_split\"", k));
      r.shard = shard_at(a, "shard_to_split", map);
      r.new_starting_hash_key = a.has("new_starting_hash_key") ? hash_key_at(a, "new_starting_hash_key") : map.midpoint(r.shard);
      const std::string why = map.can_split(r.shard, r.new_starting_hash_key);
      if (!why.empty())
        (a.has("new_starting_hash_key") && why.rfind("NewStartingHashKey", 0) == 0 ? a.at("new_starting_hash_key") : a.at("shard_to_split"))
            .fail(fmt::format("cannot split {}: {} (its range is {}..{})", kinesis::shard_id(r.shard), why,
                              kinesis::to_string(map.at(r.shard).starting_hash_key),
                              kinesis::to_string(map.at(r.shard).ending_hash_key)));
      map.split(r.shard, r.new_starting_hash_key);
    } else {
      for (const char* k : {"shard_to_split", "new_starting_hash_key"})
        if (a.has(k)) a.at(k).fail(fmt::format("\"{}\" belongs to SplitShard; MergeShards takes \"shard_to_merge\" and "
                                               "\"adjacent_shard_to_merge\"", k));
      r.shard = shard_at(a, "shard_to_merge", map);
      r.adjacent = shard_at(a, "adjacent_shard_to_merge", map);
      const std::string why = map.can_merge(r.shard, r.adjacent);
      if (!why.empty())
        a.at("adjacent_shard_to_merge").fail(fmt::format("cannot merge {} and {}: {}", kinesis::shard_id(r.shard),
                                                         kinesis::shard_id(r.adjacent), why));
      map.merge(r.shard, r.adjacent);
    }
    c.resharding.push_back(r);
  }
  return c;
}

/// An enhanced fan-out consumer's limits (API reference, RegisterStreamConsumer): its
/// ConsumerName (the application name) is 1 to 128 of [a-zA-Z0-9_.-], and a stream in
/// provisioned mode takes at most 20 registered consumers. GetRecords' settings do not
/// apply to it.
void load_fan_out(const JsonIn& n, const kinesis::ConsumerConfig& c, std::uint32_t& registered) {
  const bool name_ok = !c.application.empty() && c.application.size() <= 128 &&
                       std::all_of(c.application.begin(), c.application.end(), [](char ch) {
                         return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '.' || ch == '-';
                       });
  if (!name_ok)
    n.at(n.has("application_name") ? "application_name" : "name")
        .fail(fmt::format("\"{}\" cannot be a ConsumerName (RegisterStreamConsumer): expected 1 to 128 letters, digits, "
                          "'_', '.' or '-'", c.application));
  for (const char* k : {"idle_time_between_reads_ms", "max_records"})
    if (n.has(k))
      n.at(k).fail(fmt::format("\"{}\" is a GetRecords setting; an enhanced_fan_out consumer is pushed its records "
                               "(SubscribeToShard)", k));
  if (++registered > 20)
    n.at("enhanced_fan_out")
        .fail(fmt::format("stream \"{}\" already has 20 enhanced fan-out consumers, the most RegisterStreamConsumer "
                          "allows per stream", c.stream));
}

/// Every shard the stream will ever have (those resharding creates too).
std::int32_t final_shard_count(const kinesis::StreamConfig& c) {
  return c.shards + static_cast<std::int32_t>(std::count_if(c.resharding.begin(), c.resharding.end(), [](const auto& r) {
           return r.split;
         })) * 2 + static_cast<std::int32_t>(std::count_if(c.resharding.begin(), c.resharding.end(), [](const auto& r) {
           return !r.split;
         }));
}
}  // namespace

void load_kinesis_model(const JsonIn& nodes, Scenario& s) {
  std::vector<kinesis::StreamConfig> streams;
  std::map<std::string, NodeId> home;  // stream -> the service node holding it
  s.factories.resize(s.node_names.size());
  NodeId first_broker = kNoNode;
  for (std::size_t i = 0; i < s.node_names.size(); ++i) {
    if (s.node_roles[i] == "controller")
      nodes.at(i).at("role").fail("the Kinesis model has no controllers: the service is one node with role \"broker\"");
    if (s.node_roles[i] != "broker") continue;
    JsonIn n = nodes.at(i);
    n.expect_object({"name", "role", "streams"});
    if (first_broker == kNoNode) first_broker = static_cast<NodeId>(i);
    kinesis::StreamNodeConfig cfg;
    JsonIn ss = n.at("streams");
    if (ss.size() == 0) ss.fail("expected at least one stream");
    for (std::size_t k = 0; k < ss.size(); ++k) {
      kinesis::StreamConfig c = load_stream(ss.at(k));
      if (home.count(c.name)) ss.at(k).at("name").fail(fmt::format("duplicate stream \"{}\"", c.name));
      home[c.name] = static_cast<NodeId>(i);
      streams.push_back(c);
      cfg.streams.push_back(c);
    }
    s.factories[i] = [cfg](RunShared&) { return std::make_unique<kinesis::StreamNode>(cfg); };
  }
  if (first_broker == kNoNode) nodes.fail("the Kinesis model needs a node with role \"broker\" (the service, with its \"streams\")");
  auto stream_names = [&] {
    std::vector<std::string> out;
    for (const auto& c : streams) out.push_back(c.name);
    return out;
  };
  auto stream_ref = [&](const JsonIn& n, NodeId broker) {
    const std::string name = n.str("stream");
    if (!home.count(name)) n.at("stream").fail(fmt::format("unknown stream \"{}\" (streams: {})", name, fmt::join(stream_names(), ", ")));
    if (home[name] != broker)
      n.at("broker").fail(fmt::format("stream \"{}\" is on \"{}\"", name, s.node_names[home[name]]));
    return name;
  };
  std::map<std::string, std::vector<std::string>> readers;  // stream -> applications
  std::map<std::string, std::string> application_of;       // application -> consumer
  std::map<std::string, std::uint32_t> registered;         // stream -> enhanced fan-out consumers
  for (std::size_t i = 0; i < s.node_names.size(); ++i) {
    JsonIn n = nodes.at(i);
    const std::string& role = s.node_roles[i];
    if (role == "producer") {
      n.expect_object({"name", "role", "broker", "stream", "partition_key", "partition_keys", "explicit_hash_key", "count",
                       "start_s", "interval_ms", "batch", "size_bytes", "retry_backoff_ms", "max_backoff_ms",
                       "max_attempts", "request_timeout_ms"});
      if (n.has("bootstrap")) n.at("bootstrap").fail("a Kinesis client names one \"broker\" (the service endpoint)");
      kinesis::ProducerConfig c;
      c.broker = load_client_brokers(n, s, 0).ids.front();
      c.stream = stream_ref(n, c.broker);
      if (n.has("partition_key") && n.has("partition_keys")) n.fail("give \"partition_key\" or \"partition_keys\", not both");
      if (!n.has("partition_key") && !n.has("partition_keys"))
        n.fail("missing required key \"partition_key\" (PartitionKey is required on every record), or give \"partition_keys\"");
      const char* pk = n.has("partition_key") ? "partition_key" : "partition_keys";
      c.partition_keys = n.strings(pk);
      if (c.partition_keys.empty()) n.at(pk).fail("expected at least one partition key");
      for (const auto& k : c.partition_keys)
        if (k.empty() || k.size() > 256) n.at(pk).fail("expected partition keys of 1 to 256 characters (PartitionKey)");
      if (n.has("explicit_hash_key")) {
        c.has_explicit_hash_key = true;
        c.explicit_hash_key = hash_key_at(n, "explicit_hash_key");
      }
      c.count = static_cast<std::uint64_t>(n.integer("count", 0, 100'000'000));
      c.start_s = n.num("start_s", 0, 1e7, 0);
      c.interval_s = n.num("interval_ms", 0, 1e9, 100) / 1000;
      c.batch = static_cast<std::uint32_t>(n.integer("batch", 1, 1'000'000, 1));
      // The data blob and the partition key together are at most 1 MiB (PutRecord).
      c.size_bytes = static_cast<std::uint32_t>(n.integer("size_bytes", 0, 1 << 20, 1024));
      for (const auto& k : c.partition_keys)
        if (c.size_bytes + k.size() > (1u << 20))
          n.at("size_bytes").fail("a record's data blob plus its partition key may not exceed 1 MiB (1048576 bytes)");
      c.retry_backoff_s = n.num("retry_backoff_ms", 0, 1e9, 100) / 1000;
      c.max_backoff_s = n.num("max_backoff_ms", 0, 1e9, 20000) / 1000;
      if (c.max_backoff_s < c.retry_backoff_s) n.at("max_backoff_ms").fail("expected max_backoff_ms >= retry_backoff_ms");
      c.max_attempts = static_cast<std::uint32_t>(n.integer("max_attempts", 0, 1'000'000, 0));
      c.request_timeout_s = n.num("request_timeout_ms", 1, 1e9, 5000) / 1000;
      s.factories[i] = [c](RunShared&) { return std::make_unique<kinesis::Producer>(c); };
    } else if (role == "consumer") {
      n.expect_object({"name", "role", "broker", "stream", "application_name", "shard_iterator_type",
                       "starting_sequence_number", "timestamp_s", "idle_time_between_reads_ms", "max_records",
                       "processing_ms", "start_s", "request_timeout_ms", "enhanced_fan_out"});
      if (n.has("bootstrap")) n.at("bootstrap").fail("a Kinesis client names one \"broker\" (the service endpoint)");
      kinesis::ConsumerConfig c;
      c.broker = load_client_brokers(n, s, 0).ids.front();
      c.stream = stream_ref(n, c.broker);
      c.application = n.str("application_name", s.node_names[i]);
      if (c.application.empty() || c.application.find_first_of(" /\"") != std::string::npos)
        n.at("application_name").fail("expected a non-empty application name without spaces, '/' or quotes");
      if (application_of.count(c.application))
        n.at(n.has("application_name") ? "application_name" : "name")
            .fail(fmt::format("application \"{}\" already has a worker (\"{}\"); this model runs one KCL worker per "
                              "application: give each consumer its own application_name",
                              c.application, application_of[c.application]));
      application_of[c.application] = s.node_names[i];
      const std::string type = n.one_of("shard_iterator_type",
                                        {"TRIM_HORIZON", "LATEST", "AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER", "AT_TIMESTAMP"},
                                        "LATEST");
      using kinesis::IteratorType;
      c.shard_iterator_type = type == "TRIM_HORIZON"            ? IteratorType::TrimHorizon
                              : type == "LATEST"                ? IteratorType::Latest
                              : type == "AT_SEQUENCE_NUMBER"    ? IteratorType::AtSequenceNumber
                              : type == "AFTER_SEQUENCE_NUMBER" ? IteratorType::AfterSequenceNumber
                                                                : IteratorType::AtTimestamp;
      const bool by_seq = type == "AT_SEQUENCE_NUMBER" || type == "AFTER_SEQUENCE_NUMBER";
      if (by_seq != n.has("starting_sequence_number"))
        (by_seq ? n.at("shard_iterator_type") : n.at("starting_sequence_number"))
            .fail(by_seq ? type + " needs \"starting_sequence_number\""
                         : "\"starting_sequence_number\" is for AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER");
      if (by_seq) c.starting_sequence_number = n.integer("starting_sequence_number", 0, INT64_MAX);
      const bool by_time = type == "AT_TIMESTAMP";
      if (by_time != n.has("timestamp_s"))
        (by_time ? n.at("shard_iterator_type") : n.at("timestamp_s"))
            .fail(by_time ? std::string("AT_TIMESTAMP needs \"timestamp_s\"") : "\"timestamp_s\" is for AT_TIMESTAMP");
      if (by_time) c.timestamp = n.num("timestamp_s", 0, 1e7);
      c.idle_time_between_reads_s = n.num("idle_time_between_reads_ms", 1, 1e9, 1000) / 1000;
      c.max_records = static_cast<std::uint32_t>(n.integer("max_records", 1, 10000, 10000));
      c.processing = load_processing(n);
      c.start_s = n.num("start_s", 0, 1e7, 0);
      c.request_timeout_s = n.num("request_timeout_ms", 1, 1e9, 5000) / 1000;
      c.enhanced_fan_out = n.boolean("enhanced_fan_out", false);
      if (c.enhanced_fan_out) load_fan_out(n, c, registered[c.stream]);
      readers[c.stream].push_back(c.application);
      s.factories[i] = [c](RunShared&) { return std::make_unique<kinesis::Consumer>(c); };
    }
  }
  // For the checker and the GUI the stream is a topic whose partitions are its shards,
  // every shard it will ever have, and each application a group that reads all of them.
  auto queues = nlohmann::ordered_json::array();
  auto topics = nlohmann::ordered_json::array();
  auto groups = nlohmann::ordered_json::array();
  for (const auto& c : streams) {
    const std::int32_t n = final_shard_count(c);
    for (std::int32_t p = 0; p < n; ++p) queues.push_back(kinesis::partition_name(c.name, p));
    nlohmann::ordered_json j;
    j["name"] = c.name;
    j["partitions"] = n;
    j["groups"] = readers[c.name];
    j["retention_ms"] = c.retention_s * 1000;
    topics.push_back(j);
    for (const auto& app : readers[c.name]) {
      nlohmann::ordered_json g;
      g["name"] = app;
      g["topics"] = nlohmann::ordered_json::array({c.name});
      g["members"] = nlohmann::ordered_json::array({application_of[app]});
      groups.push_back(g);
    }
  }
  s.header_extra["queues"] = queues;
  s.header_extra["topics"] = topics;
  s.header_extra["groups"] = groups;
}

}  // namespace bs
