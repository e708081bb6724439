#include "kafka/controller.hpp"

#include <algorithm>

namespace bs::kafka {
namespace {
enum TimerKind : std::uint32_t { kCheck = 1 };
enum CommandKind : std::uint32_t { kPartitionChange = 1, kFence = 2 };

bool contains(const std::vector<NodeId>& v, NodeId x) { return std::find(v.begin(), v.end(), x) != v.end(); }

raft::Command encode(const PartitionState& s) {
  raft::Command c;
  c.kind = kPartitionChange;
  c.text = s.tp.topic;
  c.a = static_cast<std::uint64_t>(s.tp.partition);
  c.args = {static_cast<std::int64_t>(s.leader), s.leader_epoch, s.partition_epoch, s.unclean ? 1 : 0};
  for (NodeId r : s.isr) c.args.push_back(static_cast<std::int64_t>(r));
  c.bytes = 32 + 4 * static_cast<std::uint32_t>(s.isr.size());
  return c;
}
}  // namespace

Controller::Controller(ControllerConfig cfg, NodeId self)
    : cfg_(std::move(cfg)),
      raft_(raft::Config{"controller", cfg_.voters, cfg_.election_timeout_s, 2 * cfg_.election_timeout_s,
                         cfg_.raft_heartbeat_s, 64},
            self, [this](Context& ctx, std::uint64_t index, const raft::Entry& e) { apply(ctx, index, e); }) {
  for (const auto& p : cfg_.partitions) image_.partitions[p.tp] = p;
}

void Controller::on_start(Context& ctx) {
  raft_.start(ctx);
  ctx.set_timer(cfg_.check_s, Timer{kCheck, 0});
}

void Controller::on_crash(Context&) {
  raft_.crash();
  // The image is rebuilt from the Raft log, which Raft re-applies after the restart.
  image_ = MetadataImage{};
  for (const auto& p : cfg_.partitions) image_.partitions[p.tp] = p;
  was_active_ = false;
  last_heartbeat_.clear();
  pending_change_.clear();
  pending_fence_.clear();
  fence_reason_.clear();
}

std::string Controller::names_of(const std::vector<NodeId>& ids) const {
  std::string out;
  for (NodeId id : ids) {
    if (!out.empty()) out.push_back(',');
    auto it = cfg_.names.find(id);
    out += it != cfg_.names.end() ? it->second : std::to_string(id);
  }
  return out;
}

void Controller::apply(Context& ctx, std::uint64_t index, const raft::Entry& e) {
  image_.offset = index;
  const raft::Command& c = e.cmd;
  MetadataUpdate update{index, {}, {}};
  if (c.kind == kPartitionChange && c.args.size() >= 4) {
    const TopicPartition tp{c.text, static_cast<std::int32_t>(c.a)};
    auto it = image_.partitions.find(tp);
    if (it == image_.partitions.end()) return;
    PartitionState& s = it->second;
    const bool new_leader = s.leader_epoch != static_cast<std::int32_t>(c.args[1]);
    s.leader = static_cast<NodeId>(c.args[0]);
    s.leader_epoch = static_cast<std::int32_t>(c.args[1]);
    s.partition_epoch = static_cast<std::int32_t>(c.args[2]);
    s.unclean = c.args[3] != 0;
    s.isr.assign(c.args.begin() + 4, c.args.end());
    auto p = pending_change_.find(tp);
    if (p != pending_change_.end() && p->second <= index) pending_change_.erase(p);
    if (!active()) return;
    ctx.emit(Event{.kind = new_leader ? ev::LeaderElection : ev::IsrChange, .peer = s.leader, .queue = tp_name(tp),
                   .tag = s.partition_epoch, .seq = s.leader_epoch, .flag = new_leader && s.unclean,
                   .text = names_of(s.isr)});
    update.partitions.push_back(s);
  } else if (c.kind == kFence) {
    const auto broker = static_cast<NodeId>(c.a);
    if (c.b) image_.fenced.insert(broker);
    else image_.fenced.erase(broker);
    auto p = pending_fence_.find(broker);
    if (p != pending_fence_.end() && p->second <= index) pending_fence_.erase(p);
    if (!active()) return;
    auto r = fence_reason_.find(index);
    const std::string reason = r != fence_reason_.end() ? r->second
                               : proposing_reason_      ? proposing_reason_
                               : c.b                    ? "fenced"
                                                        : "unfenced";
    ctx.emit(Event{.kind = ev::BrokerFenced, .peer = broker, .flag = c.b != 0, .text = reason});
    if (r != fence_reason_.end()) fence_reason_.erase(r);
    // A fenced broker is told so at its next heartbeat; an unfenced one too.
    if (!c.b) last_heartbeat_[broker] = ctx.now();
  } else {
    return;  // Raft's no-op
  }
  update.fenced.assign(image_.fenced.begin(), image_.fenced.end());
  for (NodeId b : cfg_.brokers) ctx.send(b, update);
}

MetadataUpdate Controller::snapshot() const {
  MetadataUpdate u{image_.offset, {}, {image_.fenced.begin(), image_.fenced.end()}};
  for (const auto& [tp, s] : image_.partitions) u.partitions.push_back(s);
  return u;
}

void Controller::become_active(Context& ctx) {
  was_active_ = true;
  pending_change_.clear();
  pending_fence_.clear();
  // Every broker gets a full session from the moment this controller took over, and the
  // current metadata (it may have missed what the previous controller sent).
  for (NodeId b : cfg_.brokers) {
    last_heartbeat_[b] = ctx.now();
    ctx.send(b, snapshot());
  }
}

// A single controller commits (and applies) inside propose(): only an index not yet
// applied is pending.
void Controller::propose_change(Context& ctx, const PartitionState& next) {
  const std::uint64_t index = raft_.propose(ctx, encode(next));
  if (index > image_.offset) pending_change_[next.tp] = index;
}

void Controller::propose_fence(Context& ctx, NodeId broker, bool fenced, const char* reason) {
  raft::Command c;
  c.kind = kFence;
  c.a = broker;
  c.b = fenced ? 1 : 0;
  proposing_reason_ = reason;
  const std::uint64_t index = raft_.propose(ctx, std::move(c));
  proposing_reason_ = nullptr;
  if (index <= image_.offset) return;
  pending_fence_[broker] = index;
  fence_reason_[index] = reason;
}

void Controller::reconcile(Context& ctx) {
  if (!active()) {
    was_active_ = false;
    return;
  }
  if (!was_active_) become_active(ctx);
  for (NodeId b : cfg_.brokers)
    if (!is_fenced(b) && !pending_fence_.count(b) && ctx.now() - last_heartbeat_[b] > cfg_.session_timeout_s)
      propose_fence(ctx, b, true, "broker.session.timeout.ms");
  for (const auto& [tp, s] : image_.partitions) {
    if (pending_change_.count(tp)) continue;
    PartitionState next = s;
    // A fenced broker leaves the ISR, unless it is the last member.
    for (auto it = next.isr.begin(); it != next.isr.end() && next.isr.size() > 1;)
      it = is_fenced(*it) ? next.isr.erase(it) : it + 1;
    bool changed = next.isr != s.isr;
    if (s.leader == kNoNode || is_fenced(s.leader)) {
      NodeId clean = kNoNode, any = kNoNode;
      for (NodeId r : s.replicas) {
        if (is_fenced(r)) continue;
        if (clean == kNoNode && contains(next.isr, r)) clean = r;
        if (any == kNoNode) any = r;
      }
      if (clean != kNoNode) {
        next.leader = clean;
        next.unclean = false;
      } else if (any != kNoNode && cfg_.unclean_topics.count(tp.topic)) {
        next.leader = any;
        next.isr = {any};
        next.unclean = true;
      } else {
        next.leader = kNoNode;
      }
      if (next.leader != s.leader) {
        ++next.leader_epoch;
        changed = true;
      }
    }
    if (!changed) continue;
    ++next.partition_epoch;
    propose_change(ctx, next);
  }
}

void Controller::on_heartbeat(Context& ctx, NodeId from, const BrokerHeartbeat& h) {
  last_heartbeat_[from] = ctx.now();
  const bool fenced = is_fenced(from);
  // A restarted broker (it reports nothing applied) or a fenced one behind the metadata
  // gets all of it: KRaft brokers replay the metadata log before they are unfenced.
  if (h.metadata_offset == 0 || (fenced && h.metadata_offset < image_.offset)) ctx.send(from, snapshot());
  else if (fenced && !pending_fence_.count(from)) propose_fence(ctx, from, false, "caught up");
  ctx.send(from, BrokerHeartbeatResponse{fenced, image_.offset});
}

void Controller::on_alter_partition(Context& ctx, NodeId from, const AlterPartition& a) {
  auto it = image_.partitions.find(a.state.tp);
  if (it == image_.partitions.end()) return;
  const PartitionState& s = it->second;
  if (pending_change_.count(s.tp)) return;  // the leader asks again later
  bool ok = a.state.leader == from && a.state.leader == s.leader && a.state.leader_epoch == s.leader_epoch &&
            a.state.partition_epoch == s.partition_epoch && contains(a.state.isr, from) && !a.state.isr.empty();
  for (NodeId r : a.state.isr) ok = ok && contains(s.replicas, r) && (contains(s.isr, r) || !is_fenced(r));
  if (!ok) {
    ctx.send(from, AlterPartitionResponse{ErrorCode::FencedLeaderEpoch, s});
    return;
  }
  PartitionState next = s;
  next.isr.clear();
  for (NodeId r : s.replicas)  // keep replica order
    if (contains(a.state.isr, r)) next.isr.push_back(r);
  if (next.isr == s.isr) return;
  ++next.partition_epoch;
  propose_change(ctx, next);
}

void Controller::on_packet(Context& ctx, NodeId from, const Packet& p) {
  if (raft_.on_packet(ctx, from, p)) {
    reconcile(ctx);
    return;
  }
  if (!active()) {
    if (p.is<BrokerHeartbeat>() || p.is<AlterPartition>()) ctx.send(from, NotController{raft_.leader()});
    return;
  }
  if (!was_active_) become_active(ctx);
  if (auto* h = p.as<BrokerHeartbeat>()) on_heartbeat(ctx, from, *h);
  else if (auto* a = p.as<AlterPartition>()) on_alter_partition(ctx, from, *a);
  reconcile(ctx);
}

void Controller::on_timer(Context& ctx, const Timer& t) {
  if (raft_.on_timer(ctx, t)) {
    reconcile(ctx);
    return;
  }
  if (t.kind == kCheck) {
    reconcile(ctx);
    ctx.set_timer(cfg_.check_s, Timer{kCheck, 0});
  }
}

}  // namespace bs::kafka
