// The checker's rules for Kafka replication (docs/log-replication.md): every replica's
// log, the leader, the ISR and the high watermark of each partition; what an election or
// a truncation removes from the partition's log; availability.
#include <sstream>
#include <unordered_set>

#include "check/ledger.hpp"

namespace bs::check {
namespace {
constexpr std::uint8_t kCauseTruncated = 1, kCauseUnclean = 2;

bool log_has(const std::vector<MsgId>& log, MsgId id) { return std::find(log.begin(), log.end(), id) != log.end(); }

const std::vector<MsgId>& log_of(const PartitionState& p, NodeId node) {
  static const std::vector<MsgId> none;
  auto it = p.logs.find(node);
  return it == p.logs.end() ? none : it->second;
}
}  // namespace

void Ledger::set_gone(PartitionState& p, MsgId id, bool gone) {
  auto it = msgs.find(id);
  if (it == msgs.end() || it->second.rpart != &p || it->second.log_gone == gone) return;
  it->second.log_gone = gone;
  touched.push_back(id);
}

void Ledger::refresh_gone(PartitionState& p, MsgId id) { set_gone(p, id, !log_has(log_of(p, p.owner), id)); }

// A replica's log holds `id` at `off`. Offsets it skipped (a follower reset to the
// leader's log start, or one that joined late) hold what the partition's log holds there.
void Ledger::write_log(PartitionState& p, NodeId node, std::int64_t off, MsgId id) {
  if (off < 0) return;
  auto& log = p.logs[node];
  const auto o = static_cast<std::size_t>(off);
  if (log.size() <= o) {
    const auto& lead = log_of(p, p.owner);
    const std::size_t from = log.size();
    log.resize(o + 1, 0);
    if (node != p.owner)
      for (std::size_t i = from; i < o && i < lead.size(); ++i) log[i] = lead[i];
  }
  const MsgId old = log[o];
  log[o] = id;
  if (!p.replicated || node != p.owner) return;
  if (old && old != id) refresh_gone(p, old);
  set_gone(p, id, false);
  if (off < p.visible_end) p.dirty_from = std::min(p.dirty_from, off);
}

// The partition's log is now `node`'s: messages in the old log only are gone from it,
// those in the new one are back. Offsets where the new log differs from what the groups
// were given become visible again when the high watermark passes them.
void Ledger::set_owner(PartitionState& p, NodeId node) {
  if (node == kNoNode || node == p.owner) return;
  const NodeId old = p.owner;
  p.owner = node;
  if (!p.replicated) return;
  const auto& now = log_of(p, node);
  std::unordered_set<MsgId> in_new(now.begin(), now.end());
  if (old != kNoNode)
    for (MsgId id : log_of(p, old))
      if (id && !in_new.count(id)) set_gone(p, id, true);
  for (MsgId id : now)
    if (id) set_gone(p, id, false);
  std::int64_t diff = 0;
  const auto n = std::min<std::int64_t>(p.visible_end, static_cast<std::int64_t>(now.size()));
  while (diff < n && now[static_cast<std::size_t>(diff)] == p.visible[static_cast<std::size_t>(diff)]) ++diff;
  if (diff < p.visible_end) p.dirty_from = std::min(p.dirty_from, diff);
}

void Ledger::update_availability(PartitionState& p, double now) {
  if (p.leader_known) {
    const bool live = p.leader != kNoNode && !down.count(p.leader);
    if (!live && p.offline_since < 0) p.offline_since = now;
    if (live && p.offline_since >= 0) p.offline_s += now - p.offline_since, p.offline_since = -1;
  }
  const bool below = p.isr_known && static_cast<int>(p.isr.size()) < p.min_insync;
  if (below && p.below_since < 0) p.below_since = now;
  if (!below && p.below_since >= 0) p.below_s += now - p.below_since, p.below_since = -1;
}

void Ledger::find_diverged(const PartitionState& p, std::set<std::pair<std::string, NodeId>>& into) const {
  if (!p.replicated || !p.isr_known || p.owner == kNoNode) return;
  const auto& lead = log_of(p, p.owner);
  const auto end = std::min<std::size_t>(static_cast<std::size_t>(std::max<std::int64_t>(p.hw, 0)), lead.size());
  for (NodeId r : p.isr) {
    if (r == p.owner) continue;
    const auto& log = log_of(p, r);
    for (std::size_t o = 0; o < end; ++o)
      if (lead[o] && (o >= log.size() || log[o] != lead[o])) {
        into.emplace(p.name, r);
        break;
      }
  }
}

std::vector<NodeId> parse_isr(const std::string& text, const std::vector<std::string>& names) {
  std::vector<NodeId> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    const auto b = item.find_first_not_of(' '), e = item.find_last_not_of(' ');
    if (b == std::string::npos) continue;
    item = item.substr(b, e - b + 1);
    for (std::size_t i = 0; i < names.size(); ++i)
      if (names[i] == item) out.push_back(static_cast<NodeId>(i));
  }
  return out;
}

void Ledger::on_replicate(const Event& e) {
  t.replication = true;
  PartitionState& p = partition_state(partition(e));
  write_log(p, e.node, offset(e), e.msg);
}

// A replica removed the record at `offset` and everything after it from its log.
void Ledger::on_truncate(const Event& e) {
  t.replication = true;
  PartitionState& p = partition_state(partition(e));
  const std::string& why = reason(e);
  if (e.msg && p.replicated) {
    auto& c = p.cause[e.msg];
    if (why == "unclean_election") c = kCauseUnclean;
    else if (why == "leader_epoch" && c == 0) c = kCauseTruncated;
  }
  auto it = p.logs.find(e.node);
  const std::int64_t off = offset(e);
  if (it == p.logs.end() || off < 0 || static_cast<std::size_t>(off) >= it->second.size()) return;
  std::vector<MsgId> removed(it->second.begin() + off, it->second.end());
  it->second.resize(static_cast<std::size_t>(off));
  if (!p.replicated || e.node != p.owner) return;
  for (MsgId id : removed)
    if (id) refresh_gone(p, id);
}

void Ledger::on_leader_election(const Event& e) {
  t.replication = true;
  PartitionState& p = partition_state(partition(e));
  if (!p.elections_seen.insert(field::integer<"partition_epoch">(e)).second) return;  // the same election again
  ++t.leader_elections;
  p.unclean = field::flag<"unclean">(e);
  if (p.unclean) ++t.unclean_elections, p.last_unclean_at = e.t;
  p.leader = e.peer;
  p.leader_known = true;
  p.leader_epoch = field::integer<"leader_epoch">(e);
  p.isr_text = field::text<"isr">(e);
  p.isr = parse_isr(p.isr_text, names);
  p.isr_known = true;
  set_owner(p, e.peer);
  update_availability(p, e.t);
  if (e.peer != kNoNode) find_diverged(p, diverged);
}

void Ledger::on_isr_change(const Event& e) {
  t.replication = true;
  PartitionState& p = partition_state(partition(e));
  if (!p.isr_changes_seen.insert(field::integer<"partition_epoch">(e)).second) return;
  const auto isr = parse_isr(field::text<"isr">(e), names);
  if (p.isr_known) {
    bool removed = false, added = false;
    for (NodeId r : p.isr) removed |= std::find(isr.begin(), isr.end(), r) == isr.end();
    for (NodeId r : isr) added |= std::find(p.isr.begin(), p.isr.end(), r) == p.isr.end();
    t.isr_shrinks += removed;
    t.isr_expands += added;
  }
  p.isr = isr;
  p.isr_text = field::text<"isr">(e);
  p.isr_known = true;
  if (!p.leader_known && e.peer != kNoNode) {
    p.leader = e.peer;
    p.leader_known = true;
    set_owner(p, e.peer);
  }
  update_availability(p, e.t);
}

// The leader's high watermark moved: records below it are committed, and readable.
void Ledger::on_high_watermark(const Event& e) {
  t.replication = true;
  PartitionState& p = partition_state(partition(e));
  p.hw = offset(e);
  if (!p.replicated) return;
  const auto& log = log_of(p, e.node);
  const std::int64_t end = std::min<std::int64_t>(p.hw, static_cast<std::int64_t>(log.size()));
  for (std::int64_t off = std::min(p.dirty_from, p.visible_end); off < end; ++off) {
    const auto o = static_cast<std::size_t>(off);
    const MsgId id = log[o];
    if (p.visible.size() <= o) p.visible.resize(o + 1, 0);
    if (!id || p.visible[o] == id) continue;
    if (const MsgId old = p.visible[o]) {
      // An earlier leader's record at this offset is not the partition's any more: its
      // unread copies are withdrawn (if it was acknowledged, it is lost from the log).
      auto mit = msgs.find(old);
      if (mit != msgs.end())
        for (auto& c : mit->second.copies)
          if (c.log && c.order_scope == p.name && c.position == off && !c.finished()) {
            c.state = CopyState::Discarded;
            finish_copy(old, mit->second, c);
          }
      touched.push_back(old);
    }
    p.visible[o] = id;
    add_copies(p, msgs[id], id, off, p.hw);
  }
  p.visible_end = std::max(p.visible_end, end);
  p.dirty_from = INT64_MAX;
}

void Ledger::on_produce_error(const Event& e) {
  t.replication = true;
  ++t.produce_errors;
  ++t.produce_errors_by_name[field::text<"error">(e)];
}

void Ledger::on_broker_fenced(const Event& e) {
  t.replication = true;
  if (field::flag<"fenced">(e)) ++t.brokers_fenced;
}

void Ledger::on_sequence_check(const Event& e) {
  t.replication = true;
  const std::string& result = field::text<"result">(e);
  if (result == "duplicate") ++t.sequence_duplicates;
  else if (result == "out_of_order") ++t.sequence_out_of_order;
}

void Ledger::replication_totals(Totals& into) const {
  const double end = into.end_t;
  auto diverged_now = diverged;
  for (const auto& [name, p] : partitions) {
    if (!p.leader_known && !p.isr_known && !p.replicated) continue;
    PartitionReplication r;
    r.leader = p.leader != kNoNode && !down.count(p.leader) && p.leader < names.size() ? names[p.leader] : "";
    r.leader_epoch = p.leader_epoch;
    r.isr = p.isr_text;
    const auto& log = log_of(p, p.owner);
    r.log_end = static_cast<std::int64_t>(log.size());
    r.high_watermark = p.replicated ? p.hw : r.log_end;
    r.offline_s = p.offline_s + (p.offline_since >= 0 ? end - p.offline_since : 0);
    r.below_min_isr_s = p.below_s + (p.below_since >= 0 ? end - p.below_since : 0);
    r.unclean = p.unclean;
    std::unordered_set<MsgId> seen;
    for (MsgId id : log)
      if (id && !seen.insert(id).second) ++r.duplicates_in_log;
    into.duplicates_in_log += r.duplicates_in_log;
    into.offline_s = std::max(into.offline_s, r.offline_s);
    into.below_min_isr_s = std::max(into.below_min_isr_s, r.below_min_isr_s);
    find_diverged(p, diverged_now);
    into.replicas[name] = r;
  }
  into.diverged = diverged_now.size();
  for (const auto& [id, m] : msgs) {
    if (!m.rpart || !m.log_gone) continue;
    if (!accepted(m)) {
      ++into.not_written;
      continue;
    }
    const PartitionState& p = *m.rpart;
    auto c = p.cause.find(id);
    const std::uint8_t cause = c == p.cause.end() ? 0 : c->second;
    if (cause == kCauseUnclean || (p.last_unclean_at >= 0 && p.last_unclean_at >= m.appended_at)) ++into.lost_unclean_election;
    else if (cause == kCauseTruncated) ++into.lost_truncated;
    else ++into.lost_not_replicated;
  }
}

}  // namespace bs::check
