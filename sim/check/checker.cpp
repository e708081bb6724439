#include "check/checker.hpp"

#include <cstdlib>

#include "check/ledger.hpp"

namespace bs {
struct Checker::Impl : check::Ledger {};
using check::CopyState;

Checker::Checker(std::vector<std::string> node_names, TopicGroups topic_groups, TopicReplicas topic_replicas,
                 QuorumReplicas quorum_replicas)
    : impl_(std::make_unique<Impl>()) {
  impl_->set_quorum_queues(node_names, quorum_replicas);
  impl_->names = std::move(node_names);
  impl_->topic_groups = std::move(topic_groups);
  impl_->topic_replicas = std::move(topic_replicas);
  for (const auto& [topic, r] : impl_->topic_replicas) impl_->t.replication |= r.replication_factor > 1;
}

TopicReplicas topic_replicas_from_header(const nlohmann::ordered_json& header) {
  TopicReplicas out;
  if (!header.contains("topics") || !header["topics"].is_array()) return out;
  for (const auto& t : header["topics"]) {
    if (!t.is_object() || !t.contains("name") || !t["name"].is_string()) continue;
    TopicReplication r;
    if (t.contains("replication_factor") && t["replication_factor"].is_number_integer())
      r.replication_factor = t["replication_factor"].get<int>();
    if (t.contains("min_insync_replicas") && t["min_insync_replicas"].is_number_integer())
      r.min_insync_replicas = t["min_insync_replicas"].get<int>();
    if (t.contains("replicas") && t["replicas"].is_array())
      for (const auto& list : t["replicas"]) {
        std::string csv;
        if (list.is_array())
          for (const auto& n : list)
            if (n.is_string()) csv += (csv.empty() ? "" : ",") + n.get<std::string>();
        r.replicas_csv.push_back(csv);
      }
    out[t["name"].get<std::string>()] = r;
  }
  return out;
}

QuorumReplicas quorum_replicas_from_header(const nlohmann::ordered_json& header) {
  QuorumReplicas out;
  if (!header.contains("quorum_queues") || !header["quorum_queues"].is_array()) return out;
  for (const auto& q : header["quorum_queues"]) {
    if (!q.is_object() || !q.contains("name") || !q["name"].is_string()) continue;
    auto& reps = out[q["name"].get<std::string>()];
    if (q.contains("replicas") && q["replicas"].is_array())
      for (const auto& n : q["replicas"])
        if (n.is_string()) reps.push_back(n.get<std::string>());
  }
  return out;
}

TopicGroups topic_groups_from_header(const nlohmann::ordered_json& header) {
  TopicGroups out;
  if (!header.contains("topics") || !header["topics"].is_array()) return out;
  for (const auto& t : header["topics"]) {
    if (!t.is_object() || !t.contains("name") || !t["name"].is_string()) continue;
    auto& groups = out[t["name"].get<std::string>()];
    if (t.contains("groups") && t["groups"].is_array())
      for (const auto& g : t["groups"])
        if (g.is_string()) groups.push_back(g.get<std::string>());
  }
  return out;
}
Checker::~Checker() = default;

Checker::Checker(const Checker& other) : impl_(std::make_unique<Impl>(*other.impl_)) { impl_->rebase(*other.impl_); }

Checker& Checker::operator=(const Checker& other) {
  if (this != &other) {
    impl_ = std::make_unique<Impl>(*other.impl_);
    impl_->rebase(*other.impl_);
  }
  return *this;
}

const Verdict& Checker::last_verdict() const { return impl_->verdict; }

std::vector<MsgId> Checker::unpublished() const {
  std::vector<MsgId> out;
  for (const auto& [id, store] : impl_->unpublished) out.push_back(id);
  return out;
}

Checker::TxnRecord Checker::txn_record(MsgId msg) const {
  auto it = impl_->txn_records.find(msg);
  if (it == impl_->txn_records.end()) return TxnRecord::None;  // not transactional, or committed
  return it->second.aborted ? TxnRecord::Aborted : TxnRecord::Open;
}

std::int64_t Checker::committed_offset(const std::string& group, const std::string& partition) const {
  auto it = impl_->committed.find({group, partition});
  return it == impl_->committed.end() ? -1 : it->second;
}

std::vector<ReplicationView> Checker::replication() const {
  std::vector<ReplicationView> out;
  const auto& L = *impl_;
  for (const auto& [name, p] : L.partitions) {
    ReplicationView v;
    v.partition = name;
    v.replicated = p.replicated;
    v.min_insync = p.min_insync;
    const auto slash = name.rfind('/');
    auto rit = L.topic_replicas.find(name.substr(0, slash == std::string::npos ? name.size() : slash));
    if (rit != L.topic_replicas.end()) {
      const std::size_t idx = slash == std::string::npos ? 0 : std::strtoul(name.c_str() + slash + 1, nullptr, 10);
      if (idx < rit->second.replicas_csv.size()) v.replicas = check::parse_isr(rit->second.replicas_csv[idx], L.names);
    }
    for (const auto& [n, log] : p.logs)
      if (std::find(v.replicas.begin(), v.replicas.end(), n) == v.replicas.end()) v.replicas.push_back(n);
    v.leader = p.leader;
    v.leader_known = p.leader_known;
    v.leader_epoch = p.leader_epoch;
    v.unclean = p.unclean;
    v.isr = p.isr;
    v.high_watermark = p.replicated ? p.hw : p.high_watermark;
    v.logs = p.logs;
    for (NodeId n : v.replicas)
      if (L.down.count(n)) v.down.push_back(n);
    out.push_back(std::move(v));
  }
  return out;
}

void Checker::on_event(const Event& e) { impl_->on_event(e); }

Totals Checker::totals() const {
  Totals t = impl_->t;
  t.lost = impl_->lost_msgs;
  for (const auto& [id, m] : impl_->msgs) {
    // The producer knows what was never confirmed; a fire-and-forget message that never
    // reached a broker (sent to a dead one, lost with a crashed connection) is simply
    // gone, and its producer does not know (the seeds' failure scenario 1).
    if (m.confirm_mode && !m.confirmed) ++t.unconfirmed;
    if (impl_->in_flight.count(id)) ++t.pending;  // still on the wire to its broker
    if (impl_->is_lost(m)) {
      ++t.lost;
      Impl::count_lost_queues(m, t);
      if (m.log_gone && m.rpart) {
        bool counted = false;
        for (const auto& c : m.copies) counted |= Impl::copy_lost(m, c);
        if (!counted) ++t.queues[m.rpart->name].lost;
      }
    }
    if (m.log_gone) continue;  // not in the partition's log: nobody will read it
    for (const auto& c : m.copies)
      if (!c.finished() && c.state != CopyState::Passed && c.processed == 0 && !c.skipped) {
        ++t.pending;
        break;
      }
  }
  impl_->replication_totals(t);
  impl_->flow_totals(t);
  impl_->quorum_totals(t);
  impl_->two_phase_totals(t);
  t.latency_p50_ms = impl_->latency.quantile(0.50);
  t.latency_p95_ms = impl_->latency.quantile(0.95);
  t.latency_p99_ms = impl_->latency.quantile(0.99);
  t.latency_max_ms = impl_->latency.max();
  const double span = impl_->last_process - impl_->first_publish;
  std::uint64_t first_processings = 0;
  for (const auto& [q, qt] : t.queues) first_processings += qt.processed;
  t.throughput_per_s = span > 0 ? static_cast<double>(first_processings) / span : 0;
  return t;
}

}  // namespace bs
