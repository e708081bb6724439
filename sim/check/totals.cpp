#include "check/totals.hpp"

#include <utility>

namespace bs {
namespace {
using Getter = double (*)(const Totals&);
#define BS_TOTAL(name) {#name, [](const Totals& t) { return static_cast<double>(t.name); }}
const std::vector<std::pair<std::string, Getter>>& table() {
  static const std::vector<std::pair<std::string, Getter>> t = {
      BS_TOTAL(published),      BS_TOTAL(retries),       BS_TOTAL(unconfirmed),       BS_TOTAL(routed),        BS_TOTAL(unroutable),        BS_TOTAL(returned),
      BS_TOTAL(confirmed),      BS_TOTAL(delivered),     BS_TOTAL(redelivered),       BS_TOTAL(processed),
      BS_TOTAL(acked),          BS_TOTAL(nacked),        BS_TOTAL(requeued),          BS_TOTAL(dead_lettered),
      BS_TOTAL(dropped),        BS_TOTAL(lost),          BS_TOTAL(pending),           BS_TOTAL(duplicates),
      BS_TOTAL(duplicates_skipped), BS_TOTAL(effects), BS_TOTAL(duplicate_effects), BS_TOTAL(effects_lost),
      BS_TOTAL(state_changes), BS_TOTAL(unpublished), BS_TOTAL(reordered), BS_TOTAL(reordered_across_consumers), BS_TOTAL(missed),
      BS_TOTAL(reordered_per_key), BS_TOTAL(reordered_across_partitions),
      BS_TOTAL(latency_p50_ms), BS_TOTAL(latency_p95_ms), BS_TOTAL(latency_p99_ms), BS_TOTAL(latency_max_ms),
      BS_TOTAL(throughput_per_s),
      {"lost.truncated", [](const Totals& t) { return static_cast<double>(t.lost_truncated); }},
      {"lost.unclean_election", [](const Totals& t) { return static_cast<double>(t.lost_unclean_election); }},
      {"lost.unsynchronised_promotion", [](const Totals& t) { return static_cast<double>(t.lost_unsynchronised_promotion); }},
      {"lost.split_brain", [](const Totals& t) { return static_cast<double>(t.lost_split_brain); }},
      {"lost.not_replicated", [](const Totals& t) { return static_cast<double>(t.lost_not_replicated); }},
      BS_TOTAL(not_written), BS_TOTAL(duplicates_in_log), BS_TOTAL(produce_errors), BS_TOTAL(leader_elections),
      BS_TOTAL(unclean_elections), BS_TOTAL(isr_shrinks), BS_TOTAL(isr_expands), BS_TOTAL(brokers_fenced),
      BS_TOTAL(sequence_duplicates), BS_TOTAL(sequence_out_of_order), BS_TOTAL(diverged), BS_TOTAL(offline_s),
      BS_TOTAL(below_min_isr_s), BS_TOTAL(memory_alarms), BS_TOTAL(blocked_s),
      BS_TOTAL(mirror_promotions), BS_TOTAL(queue_leader_changes), BS_TOTAL(unavailable_s)};
  return t;
}
// Totals of one feature (two-phase commit, Kafka transactions): looked up always,
// written (footer, metrics) only when the run used it, so other runs' output is unchanged.
struct Section {
  bool (*used)(const Totals&);
  std::vector<std::pair<std::string, Getter>> rows;
};
const std::vector<Section>& sections() {
  static const std::vector<Section> s = {
      {[](const Totals& t) { return t.two_phase; },
       {BS_TOTAL(in_doubt_s), BS_TOTAL(in_doubt_max_s), BS_TOTAL(lock_wait_max_s), BS_TOTAL(xa_commits),
        BS_TOTAL(xa_rollbacks)}},
      {[](const Totals& t) { return !t.transactions.empty() || t.transforms; },
       {BS_TOTAL(txn_committed), BS_TOTAL(txn_aborted), BS_TOTAL(aborted_records), BS_TOTAL(aborted_read),
        BS_TOTAL(fenced_writes), BS_TOTAL(duplicate_outputs)}},
      {[](const Totals& t) { return t.leases; },
       {BS_TOTAL(lease_expired), BS_TOTAL(lease_extended), BS_TOTAL(deduplicated), BS_TOTAL(filtered),
        BS_TOTAL(late_settles)}},
      {[](const Totals& t) { return t.deferrals; }, {BS_TOTAL(deferred), BS_TOTAL(deferred_received)}},
      {[](const Totals& t) { return t.kinesis; },
       {BS_TOTAL(throttled), BS_TOTAL(throttled_reads), BS_TOTAL(shards_resharded)}},
      {[](const Totals& t) { return t.fan_out; },
       {BS_TOTAL(fan_out_consumers), BS_TOTAL(subscriptions), BS_TOTAL(resubscriptions), BS_TOTAL(subscribe_refused),
        BS_TOTAL(push_events)}},
      {[](const Totals& t) { return t.jms; },
       {BS_TOTAL(subscriber_missed), BS_TOTAL(client_redeliveries), BS_TOTAL(group_assignments),
        BS_TOTAL(group_reassignments)}},
      {[](const Totals& t) { return t.jms_transactions; },
       {BS_TOTAL(session_commits), BS_TOTAL(session_rollbacks), BS_TOTAL(rolled_back)}},
  };
  return s;
}
#undef BS_TOTAL
}  // namespace

const std::vector<std::string>& total_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const auto& [k, g] : table()) n.push_back(k);
    for (const auto& sec : sections())
      for (const auto& [k, g] : sec.rows) n.push_back(k);
    return n;
  }();
  return names;
}

nlohmann::ordered_json totals_json(const Totals& t) {
  nlohmann::ordered_json out;
  for (const auto& [name, get] : table()) out[name] = get(t);
  for (const auto& sec : sections())
    if (sec.used(t))
      for (const auto& [name, get] : sec.rows) out[name] = get(t);
  return out;
}

bool total_by_name(const Totals& t, const std::string& name, double& out) {
  for (const auto& [k, g] : table())
    if (k == name) return out = g(t), true;
  for (const auto& sec : sections())
    for (const auto& [k, g] : sec.rows)
      if (k == name) return out = g(t), true;
  if (name.rfind("produce_errors.", 0) == 0) {
    auto it = t.produce_errors_by_name.find(name.substr(15));
    out = it == t.produce_errors_by_name.end() ? 0.0 : static_cast<double>(it->second);
    return true;
  }
  auto field = [&](const std::string& prefix) -> std::pair<std::string, std::string> {
    if (name.rfind(prefix, 0) != 0) return {};
    const auto rest = name.substr(prefix.size());
    const auto dot = rest.rfind('.');
    if (dot == std::string::npos) return {};
    return {rest.substr(0, dot), rest.substr(dot + 1)};
  };
  if (auto [who, f] = field("consumers."); !who.empty()) {
    auto it = t.consumers.find(who);
    const ConsumerTotals c = it == t.consumers.end() ? ConsumerTotals{} : it->second;
    if (f == "delivered") out = static_cast<double>(c.delivered);
    else if (f == "redelivered") out = static_cast<double>(c.redelivered);
    else if (f == "processed") out = static_cast<double>(c.processed);
    else if (f == "duplicates") out = static_cast<double>(c.duplicates);
    else if (f == "duplicates_skipped") out = static_cast<double>(c.duplicates_skipped);
    else if (f == "reordered") out = static_cast<double>(c.reordered);
    else if (f == "aborted_read") out = static_cast<double>(c.aborted_read);
    else if (f == "duplicate_outputs") out = static_cast<double>(c.duplicate_outputs);
    else return false;
    return true;
  }
  if (auto [who, f] = field("stores."); !who.empty()) {
    auto it = t.stores.find(who);
    const StoreTotals s = it == t.stores.end() ? StoreTotals{} : it->second;
    if (f == "effects") out = static_cast<double>(s.effects);
    else if (f == "duplicate_effects") out = static_cast<double>(s.duplicate_effects);
    else if (f == "effects_lost") out = static_cast<double>(s.effects_lost);
    else if (f == "state_changes") out = static_cast<double>(s.state_changes);
    else if (f == "unpublished") out = static_cast<double>(s.unpublished);
    else if (f == "outbox_unsent") out = static_cast<double>(s.outbox_unsent);
    else return false;
    return true;
  }
  if (auto [who, f] = field("participants."); !who.empty()) {
    auto it = t.participants.find(who);
    const ParticipantTotals p = it == t.participants.end() ? ParticipantTotals{} : it->second;
    if (f == "prepared") out = static_cast<double>(p.prepared);
    else if (f == "committed") out = static_cast<double>(p.committed);
    else if (f == "rolled_back") out = static_cast<double>(p.rolled_back);
    else if (f == "in_doubt") out = static_cast<double>(p.in_doubt);
    else if (f == "in_doubt_s") out = p.in_doubt_s;
    else if (f == "in_doubt_max_s") out = p.in_doubt_max_s;
    else return false;
    return true;
  }
  if (auto [who, f] = field("queues."); !who.empty()) {
    auto it = t.queues.find(who);
    const QueueTotals q = it == t.queues.end() ? QueueTotals{} : it->second;
    if (f == "routed") out = static_cast<double>(q.routed);
    else if (f == "processed") out = static_cast<double>(q.processed);
    else if (f == "reordered") out = static_cast<double>(q.reordered);
    else if (f == "lost") out = static_cast<double>(q.lost);
    else if (f == "missed") out = static_cast<double>(q.missed);
    else if (f == "max_lag") out = static_cast<double>(q.max_lag);
    else if (f == "unavailable_s") out = q.unavailable_s;
    else if (f == "filtered") out = static_cast<double>(q.filtered);
    else if (f == "dead_lettered") out = static_cast<double>(q.dead_lettered);
    else if (f == "throttled") out = static_cast<double>(q.throttled);
    else if (f == "peak_per_s") out = static_cast<double>(q.peak_per_s);
    else if (f == "offline_s" || f == "below_min_isr_s" || f == "duplicates_in_log") {
      auto r = t.replicas.find(who);
      const PartitionReplication pr = r == t.replicas.end() ? PartitionReplication{} : r->second;
      out = f == "offline_s" ? pr.offline_s : f == "below_min_isr_s" ? pr.below_min_isr_s : static_cast<double>(pr.duplicates_in_log);
    } else return false;
    return true;
  }
  return false;
}

}  // namespace bs
