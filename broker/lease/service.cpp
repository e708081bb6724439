#include "lease/service.hpp"

#include <algorithm>

#include "amqp/events.hpp"

namespace bs::lease {
namespace {
enum TimerKind : std::uint32_t { kLeaseDue = 1, kWake = 2, kPollDue = 3, kRetention = 4, kSeek = 5, kSnapshot = 6 };
constexpr int kPositionBits = 40;
std::uint64_t pack(std::size_t queue, std::int64_t position) {
  return (static_cast<std::uint64_t>(queue) << kPositionBits) | static_cast<std::uint64_t>(position);
}
}  // namespace

Service::Service(ServiceConfig cfg) : cfg_(std::move(cfg)) {
  for (const auto& q : cfg_.queues) {
    index_[q.name] = queues_.size();
    queues_.emplace_back(q);
  }
  for (const auto& t : cfg_.topics)
    if (t.dedup_window_s > 0) {
      QueueConfig c;
      c.name = t.name;
      c.dedup_window_s = t.dedup_window_s;
      topic_dedup_.emplace(t.name, LeaseQueue(c));
    }
}

LeaseQueue* Service::queue(const std::string& name) {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &queues_[it->second];
}

std::size_t Service::depth(const std::string& name) {
  LeaseQueue* q = queue(name);
  return q ? q->entries().size() : 0;
}

const TopicConfig* Service::topic(const std::string& name) const {
  for (const auto& t : cfg_.topics)
    if (t.name == name) return &t;
  return nullptr;
}

void Service::arm(Context& ctx, double at, std::uint32_t kind, std::uint64_t arg) {
  ctx.set_timer(std::max(0.0, at - ctx.now()), Timer{kind, arg});
}

void Service::on_start(Context& ctx) {
  if (!started_) {
    started_ = true;
    for (std::size_t i = 0; i < cfg_.seeks.size(); ++i) arm(ctx, cfg_.seeks[i].at_s, kSeek, i);
    for (std::size_t i = 0; i < cfg_.snapshots.size(); ++i) arm(ctx, cfg_.snapshots[i].at_s, kSnapshot, i);
    return;
  }
  // Back after a crash: the stored messages are all there; their clocks go on.
  for (std::size_t qi = 0; qi < queues_.size(); ++qi)
    for (auto& [pos, e] : queues_[qi].entries()) {
      if (e.leased) arm(ctx, e.lease_due, kLeaseDue, e.receipt);
      if (e.visible_at > ctx.now()) arm(ctx, e.visible_at, kWake, 0);
      arm(ctx, e.stored_at + queues_[qi].cfg().retention_s, kRetention, pack(qi, pos));
    }
}

void Service::on_crash(Context&) { polls_.clear(); }

void Service::on_packet(Context& ctx, NodeId from, const Packet& p) {
  if (const auto* s = p.as<Send>()) on_send(ctx, from, *s);
  else if (const auto* r = p.as<Receive>()) on_receive(ctx, from, *r);
  else if (const auto* st = p.as<Settle>()) on_settle(ctx, from, *st);
  else if (const auto* x = p.as<Extend>()) on_extend(ctx, from, *x);
  else if (const auto* d = p.as<ReceiveDeferred>()) on_receive_deferred(ctx, from, *d);
}

bool Service::store(Context& ctx, const std::string& name, const LeaseMessage& m, NodeId producer) {
  auto it = index_.find(name);
  if (it == index_.end()) return false;
  LeaseQueue& q = queues_[it->second];
  const std::string& dedup = m.deduplication_id;
  if (q.duplicate(dedup, ctx.now())) {
    // SQS: "accepted successfully but aren't delivered during the 5-minute deduplication interval".
    ctx.emit(Event{.kind = ev::Deduplicated, .msg = m.base.id, .peer = producer, .queue = name, .text = dedup});
    return true;
  }
  Entry& e = q.store(m, ctx.now());
  ctx.emit(Event{.kind = ev::Enqueue, .msg = m.base.id, .queue = name, .seq = e.position, .text = m.group});
  if (e.visible_at > ctx.now()) arm(ctx, e.visible_at, kWake, 0);
  arm(ctx, e.stored_at + q.cfg().retention_s, kRetention, pack(it->second, e.position));
  return true;
}

// SNS: a topic delivers to every subscription whose filter policy matches; Pub/Sub: every
// subscription gets every message; Service Bus: every subscription whose filter matches.
void Service::publish_to_topic(Context& ctx, const TopicConfig& t, const LeaseMessage& m, NodeId producer) {
  bool taken = false;
  for (const auto& sub : t.subscriptions) {
    if (!sub.filter.matches(m.attributes)) {
      ctx.emit(Event{.kind = ev::Filtered, .msg = m.base.id, .queue = sub.queue, .text = t.name});
      continue;
    }
    if (sub.raw) {
      taken = store(ctx, sub.queue, m, producer) || taken;
    } else {
      LeaseMessage wrapped = m;
      wrapped.attributes.clear();
      taken = store(ctx, sub.queue, wrapped, producer) || taken;
    }
  }
  // Pub/Sub: "messages published to a topic with no subscriptions are lost".
  if (!taken) ctx.emit(Event{.kind = ev::Unroutable, .msg = m.base.id, .peer = producer, .text = t.name});
}

void Service::on_send(Context& ctx, NodeId from, const Send& s) {
  bool ok = true;
  if (const TopicConfig* t = topic(s.destination)) {
    auto seen = topic_dedup_.find(t->name);
    if (seen != topic_dedup_.end() && seen->second.duplicate(s.msg.deduplication_id, ctx.now())) {
      // SNS FIFO topics deduplicate before fanning out, as an SQS FIFO queue does.
      ctx.emit(Event{.kind = ev::Deduplicated, .msg = s.msg.base.id, .peer = from, .queue = t->name,
                     .text = s.msg.deduplication_id});
      ctx.send(from, SendResult{s.seq, s.msg.base.id, true});
      return;
    }
    publish_to_topic(ctx, *t, s.msg, from);
  } else {
    ok = store(ctx, s.destination, s.msg, from);
  }
  ctx.send(from, SendResult{s.seq, s.msg.base.id, ok});
  serve_polls(ctx);
}

void Service::on_receive(Context& ctx, NodeId from, const Receive& r) {
  if (answer(ctx, from, r, r.wait_s <= 0)) return;
  // Long polling: hold the call until a message arrives or WaitTimeSeconds pass.
  Poll p{from, r, ++next_poll_};
  polls_.push_back(p);
  ctx.set_timer(r.wait_s, Timer{kPollDue, p.id});
}

bool Service::answer(Context& ctx, NodeId from, const Receive& r, bool even_empty) {
  auto it = index_.find(r.queue);
  if (it == index_.end()) {
    ctx.send(from, Received{r.system, r.request, 0, 0, {}});
    return true;
  }
  LeaseQueue& q = queues_[it->second];
  const auto picked = q.pick(from, r.max, ctx.now());
  if (picked.empty()) {
    if (even_empty) ctx.send(from, Received{r.system, r.request, 0, 0, {}});
    return even_empty;
  }
  const auto count = static_cast<std::uint32_t>(picked.size());
  for (std::uint32_t i = 0; i < count; ++i) {
    Entry& e = *q.at(picked[i]);
    const Leased l = lease_out(ctx, from, it->second, e, r.receive_and_delete);
    ctx.send(from, Received{r.system, r.request, count, i, l});
    // Service Bus ReceiveAndDelete: gone from the queue as it is handed out.
    if (r.receive_and_delete) q.erase(l.sequence_number);
  }
  return true;
}

Leased Service::lease_out(Context& ctx, NodeId to, std::size_t qi, Entry& e, bool receive_and_delete) {
  LeaseQueue& q = queues_[qi];
  ++e.receive_count;
  e.receipt = ++next_receipt_;
  receipts_[e.receipt] = {qi, e.position};
  if (q.cfg().sessions) {
    auto& hold = q.sessions()[e.msg.group];
    if (hold.holder != to || hold.due <= ctx.now())
      ctx.emit(Event{.kind = ev::SessionLock, .peer = to, .queue = q.cfg().name, .text = e.msg.group});
    hold = {to, ctx.now() + q.cfg().lease_s};
    arm(ctx, hold.due, kWake, 0);
  }
  ctx.emit(Event{.kind = ev::Deliver, .msg = e.msg.base.id, .peer = to, .queue = q.cfg().name,
                 .tag = static_cast<std::int64_t>(e.receipt), .seq = e.position, .flag = e.receive_count > 1,
                 .text = receive_and_delete ? "receive_and_delete" : ""});
  Leased l{e.msg, q.cfg().name, e.receipt, e.receive_count, e.position};
  if (receive_and_delete) return l;
  e.leased = true;
  e.holder = to;
  e.lease_due = ctx.now() + q.cfg().lease_s;
  arm(ctx, e.lease_due, kLeaseDue, e.receipt);
  return l;
}

// Service Bus ReceiveDeferredMessages: only a deferred message can be received this way,
// and it is locked (PeekLock) like any other receive (Azure Service Bus docs, "Message
// deferral").
void Service::on_receive_deferred(Context& ctx, NodeId from, const ReceiveDeferred& r) {
  auto it = index_.find(r.queue);
  if (it == index_.end()) return;
  LeaseQueue& q = queues_[it->second];
  std::vector<Entry*> found;
  for (std::int64_t n : r.sequence_numbers) {
    Entry* e = q.at(n);
    if (!e || !e->deferred || e->leased) continue;
    if (e->stored_at + q.cfg().retention_s <= ctx.now()) {
      ctx.emit(Event{.kind = ev::Drop, .msg = e->msg.base.id, .queue = q.cfg().name, .seq = n, .text = "retention_period"});
      q.erase(n);
      continue;
    }
    found.push_back(e);
  }
  const auto count = static_cast<std::uint32_t>(found.size());
  for (std::uint32_t i = 0; i < count; ++i) {
    Received out{r.system, 0, count, i, lease_out(ctx, from, it->second, *found[i], false)};
    out.deferred = true;
    ctx.send(from, out);
  }
}

void Service::on_settle(Context& ctx, NodeId from, const Settle& s) {
  auto rit = receipts_.find(s.receipt);
  if (rit == receipts_.end()) return;
  LeaseQueue& q = queues_[rit->second.first];
  Entry* e = q.at(rit->second.second);
  if (!e) return;  // settled already: SQS answers a second DeleteMessage with success, and nothing happens
  const bool current = e->receipt == s.receipt && (e->leased || q.cfg().late_settle_ok);
  if (!current) {
    ctx.emit(Event{.kind = ev::LateSettle, .msg = e->msg.base.id, .peer = from, .queue = q.cfg().name,
                   .tag = static_cast<std::int64_t>(s.receipt), .text = std::string(words(cfg_.system).late)});
    return;
  }
  if (s.how == Settle::How::DeadLetter) {
    // Service Bus DeadLetter: the receiver settles it into the dead-letter sub-queue.
    dead_letter(ctx, q, *e);
    receipts_.erase(rit);
    serve_polls(ctx);
    return;
  }
  if (s.how == Settle::How::Defer) {
    // Service Bus Defer: "the message remains in the queue or subscription, but it's set
    // aside"; the receiver must keep its sequence number to get it back.
    e->leased = false;
    e->holder = kNoNode;
    e->deferred = true;
    // DeliveryCount "is incremented when a message lock expires, or the message is
    // explicitly abandoned" (ServiceBusReceivedMessage.DeliveryCount): deferring it does
    // not count, so its receive by sequence number carries the count it had.
    --e->receive_count;
    ctx.emit(Event{.kind = ev::LeaseDeferred, .msg = e->msg.base.id, .peer = from, .queue = q.cfg().name, .seq = e->position,
                   .text = "Defer"});
    receipts_.erase(rit);
    return;
  }
  ctx.emit(Event{.kind = ev::Ack, .msg = e->msg.base.id, .peer = from, .queue = q.cfg().name,
                 .tag = static_cast<std::int64_t>(s.receipt)});
  if (q.cfg().sessions)
    if (auto it = q.sessions().find(e->msg.group); it != q.sessions().end() && it->second.holder == from)
      it->second.due = ctx.now() + q.cfg().lease_s;
  settled(ctx, rit->second.first, *e);
  receipts_.erase(rit);
  serve_polls(ctx);
}

// An acknowledged message leaves the subscription, unless Pub/Sub keeps it for a later
// Seek: retain_acked_messages, or a snapshot that retains it.
void Service::settled(Context&, std::size_t qi, Entry& e) {
  LeaseQueue& q = queues_[qi];
  if (q.cfg().retain_acked || in_snapshot(qi, e)) q.retained()[e.position] = e;
  q.erase(e.position);
}

void Service::on_extend(Context& ctx, NodeId from, const Extend& x) {
  auto rit = receipts_.find(x.receipt);
  if (rit == receipts_.end()) return;
  LeaseQueue& q = queues_[rit->second.first];
  Entry* e = q.at(rit->second.second);
  if (!e || e->receipt != x.receipt || !e->leased) {
    if (e && x.lease_s > 0)
      ctx.emit(Event{.kind = ev::LateSettle, .msg = e->msg.base.id, .peer = from, .queue = q.cfg().name,
                     .tag = static_cast<std::int64_t>(x.receipt), .text = std::string(words(cfg_.system).late)});
    return;
  }
  if (x.lease_s <= 0) {
    end_lease(ctx, q, *e, words(cfg_.system).release);  // given back at once (a nack, Abandon)
    serve_polls(ctx);
    return;
  }
  // SQS ChangeMessageVisibility: the new timeout counts from this call.
  e->lease_due = ctx.now() + x.lease_s;
  ctx.emit(Event{.kind = ev::LeaseExtended, .msg = e->msg.base.id, .peer = from, .queue = q.cfg().name,
                 .tag = static_cast<std::int64_t>(x.receipt), .seq = static_cast<std::int64_t>(x.lease_s * 1000 + 0.5),
                 .text = std::string(words(cfg_.system).extend)});
  if (q.cfg().sessions)
    if (auto it = q.sessions().find(e->msg.group); it != q.sessions().end() && it->second.holder == from)
      it->second.due = std::max(it->second.due, e->lease_due);
  arm(ctx, e->lease_due, kLeaseDue, e->receipt);
}

// The lease ended unsettled: SQS counts it as a receive (ApproximateReceiveCount) and a
// redrive policy moves it once maxReceiveCount is reached; Service Bus dead-letters it
// when DeliveryCount reaches MaxDeliveryCount; Pub/Sub after max_delivery_attempts.
void Service::end_lease(Context& ctx, LeaseQueue& q, Entry& e, std::string_view reason) {
  const NodeId holder = e.holder;
  e.leased = false;
  e.holder = kNoNode;
  if (q.cfg().max_receive_count > 0 && e.receive_count >= q.cfg().max_receive_count) return dead_letter(ctx, q, e);
  if (e.deferred) {
    // A deferred message received by sequence number and not settled stays deferred.
    ctx.emit(Event{.kind = ev::LeaseDeferred, .msg = e.msg.base.id, .peer = holder, .queue = q.cfg().name,
                   .seq = e.position, .text = std::string(reason)});
    return;
  }
  ctx.emit(Event{.kind = ev::Requeue, .msg = e.msg.base.id, .peer = holder, .queue = q.cfg().name, .seq = e.position,
                 .text = std::string(reason)});
}

void Service::dead_letter(Context& ctx, LeaseQueue& q, Entry& e) {
  const LeaseMessage m = e.msg;
  const std::string target = q.cfg().dead_letter;
  ctx.emit(Event{.kind = ev::DeadLetter, .msg = m.base.id, .queue = q.cfg().name, .text = target});
  q.erase(e.position);
  if (target.empty()) return;
  if (q.cfg().dead_letter_is_topic) {
    if (const TopicConfig* t = topic(target)) publish_to_topic(ctx, *t, m, kNoNode);
  } else {
    store(ctx, target, m, kNoNode);
  }
}

bool Service::in_snapshot(std::size_t qi, const Entry& e) const {
  for (const auto& [name, snap] : snapshots_)
    if (snap.queue == qi && (e.stored_at >= snap.created || snap.unacked.count(e.msg.base.id))) return true;
  return false;
}

void Service::take_snapshot(Context& ctx, const SnapshotConfig& s) {
  auto it = index_.find(s.subscription);
  if (it == index_.end()) return;
  Snapshot snap{it->second, ctx.now(), {}};
  for (const auto& [pos, e] : queues_[it->second].entries()) snap.unacked.insert(e.msg.base.id);
  ctx.emit(Event{.kind = ev::LeaseSnapshot, .queue = s.subscription, .tag = static_cast<std::int64_t>(snap.unacked.size()),
                 .text = s.name});
  snapshots_[s.name] = std::move(snap);
}

// Pub/Sub Seek: to a time, messages received before it are acknowledged and those after
// it unacknowledged; to a snapshot, what the snapshot retains is unacknowledged and the
// rest acknowledged. Retained acknowledged messages that become unacknowledged are
// delivered again, as new deliveries of the same message (Pub/Sub docs, "Replay and purge
// messages with seek").
void Service::seek(Context& ctx, const SeekConfig& s) {
  auto it = index_.find(s.subscription);
  if (it == index_.end()) return;
  const std::size_t qi = it->second;
  LeaseQueue& q = queues_[qi];
  const Snapshot* snap = nullptr;
  if (!s.snapshot.empty()) {
    auto sit = snapshots_.find(s.snapshot);
    if (sit == snapshots_.end()) return;  // the loader makes sure it was created before
    snap = &sit->second;
  }
  const auto unacked = [&](const Entry& e) {
    return snap ? e.stored_at >= snap->created || snap->unacked.count(e.msg.base.id) > 0 : e.stored_at >= s.time_s;
  };
  std::vector<std::int64_t> acked;
  for (auto& [pos, e] : q.entries())
    if (!unacked(e)) acked.push_back(pos);
  for (std::int64_t pos : acked) {
    Entry& e = *q.at(pos);
    ctx.emit(Event{.kind = ev::Ack, .msg = e.msg.base.id, .queue = q.cfg().name});
    settled(ctx, qi, e);
  }
  std::vector<LeaseMessage> replay;
  for (auto rit = q.retained().begin(); rit != q.retained().end();) {
    if (unacked(rit->second)) {
      replay.push_back(rit->second.msg);
      rit = q.retained().erase(rit);
    } else {
      ++rit;
    }
  }
  const double to = snap ? snap->created : s.time_s;
  ctx.emit(Event{.kind = ev::LeaseSeek, .queue = q.cfg().name, .tag = static_cast<std::int64_t>(replay.size()),
                 .seq = static_cast<std::int64_t>(to * 1000 + 0.5), .text = s.snapshot});
  for (const auto& m : replay) store(ctx, q.cfg().name, m, kNoNode);
  serve_polls(ctx);
}

void Service::serve_polls(Context& ctx) {
  for (std::size_t i = 0; i < polls_.size();) {
    if (answer(ctx, polls_[i].from, polls_[i].r, false)) polls_.erase(polls_.begin() + static_cast<std::ptrdiff_t>(i));
    else ++i;
  }
}

void Service::on_timer(Context& ctx, const Timer& t) {
  switch (t.kind) {
    case kLeaseDue: {
      auto rit = receipts_.find(t.arg);
      if (rit == receipts_.end()) break;
      LeaseQueue& q = queues_[rit->second.first];
      Entry* e = q.at(rit->second.second);
      if (!e || !e->leased || e->receipt != t.arg || e->lease_due > ctx.now() + 1e-12) break;  // settled, or extended
      end_lease(ctx, q, *e, words(cfg_.system).expired);
      serve_polls(ctx);
      break;
    }
    case kWake: serve_polls(ctx); break;
    case kSeek:
      if (t.arg < cfg_.seeks.size()) seek(ctx, cfg_.seeks[t.arg]);
      break;
    case kSnapshot:
      if (t.arg < cfg_.snapshots.size()) take_snapshot(ctx, cfg_.snapshots[t.arg]);
      break;
    case kPollDue:
      for (std::size_t i = 0; i < polls_.size(); ++i)
        if (polls_[i].id == t.arg) {
          const Poll p = polls_[i];
          polls_.erase(polls_.begin() + static_cast<std::ptrdiff_t>(i));
          answer(ctx, p.from, p.r, true);
          break;
        }
      break;
    case kRetention: {
      const std::size_t qi = t.arg >> kPositionBits;
      const auto pos = static_cast<std::int64_t>(t.arg & ((std::uint64_t{1} << kPositionBits) - 1));
      if (qi >= queues_.size()) break;
      LeaseQueue& q = queues_[qi];
      Entry* e = q.at(pos);
      if (!e || e->stored_at + q.cfg().retention_s > ctx.now() + 1e-9) break;
      // Service Bus: a deferred message does not expire until a receive by sequence
      // number asks for it (Azure Service Bus docs, "Message deferral").
      if (e->deferred) break;
      ctx.emit(Event{.kind = ev::Drop, .msg = e->msg.base.id, .peer = e->holder, .queue = q.cfg().name, .seq = pos,
                     .text = "retention_period"});
      q.erase(pos);
      break;
    }
    default: break;
  }
}

}  // namespace bs::lease
