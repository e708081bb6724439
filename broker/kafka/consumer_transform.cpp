// A consumer as a consume-transform-produce application (its producer is a TxnClient),
// and what it keeps of a fetch: no control records, and with read_committed no records of
// aborted transactions.
#include <algorithm>
#include <set>

#include "kafka/consumer.hpp"
#include "kafka/partitioner.hpp"

namespace bs::kafka {

void Consumer::buffer_records(std::size_t i, const FetchPartitionData& d) {
  const Owned& o = owned_[i];
  // Kafka's Fetcher: a producer enters the aborted set at the first offset of one of its
  // aborted transactions and leaves it at its abort marker; its records in between are
  // dropped. Control records are never returned to the application.
  std::vector<std::pair<std::int64_t, std::int64_t>> aborted = d.aborted;  // (first offset, producer id)
  for (auto& a : aborted) std::swap(a.first, a.second);
  std::sort(aborted.begin(), aborted.end());
  std::set<std::int64_t> skipping;
  std::size_t next = 0;
  for (std::size_t k = 0; k < d.records.size(); ++k) {
    const std::int64_t off = d.fetch_offset + static_cast<std::int64_t>(k);
    if (!d.control.empty()) {
      while (next < aborted.size() && aborted[next].first <= off) skipping.insert(aborted[next++].second);
      const std::int64_t pid = d.producer_ids[k];
      if (d.control[k] != 0) {
        if (d.control[k] == 2) skipping.erase(pid);
        continue;
      }
      if (cfg_.read_committed && skipping.count(pid)) continue;
    }
    buffer_.push_back(Buffered{i, off, epoch_, o.name, d.records[k]});
  }
}

void Consumer::transform(Context& ctx, const Buffered& b) {
  if (b.epoch != epoch_) return;
  ctx.emit(Event{.kind = ev::Process, .msg = b.msg.id, .peer = b.msg.producer, .queue = b.partition, .tag = b.offset,
                 .seq = b.offset, .text = cfg_.group});
  owned_[b.part].processed = b.offset + 1;
  Message out;
  out.id = ctx.next_msg_id();
  out.producer = ctx.self();
  out.key = b.msg.key;
  out.size_bytes = b.msg.size_bytes;
  out.published_at = ctx.now();
  const std::int32_t parts = cfg_.transform.partitions;
  const std::int32_t partition = out.key.empty() ? static_cast<std::int32_t>(round_robin_++ % static_cast<std::uint64_t>(parts))
                                                 : partition_for_key(out.key, parts);
  txn_->send(ctx, std::move(out), partition, b.msg.id);
  if (++since_commit_ >= cfg_.commit_every) commit_transform(ctx);
}

void Consumer::commit_transform(Context& ctx) {
  if (!txn_->open() || txn_->busy()) return;
  std::vector<FetchPartition> offsets;
  for (auto& o : owned_)
    if (o.processed >= 0 && o.processed != o.committed_sent) offsets.push_back(FetchPartition{o.tp, o.processed});
  since_commit_ = 0;
  txn_->commit(ctx, cfg_.group, generation_, coordinator_, std::move(offsets));
}

void Consumer::on_txn_outcome(Context& ctx, TxnOutcome o) {
  switch (o) {
    case TxnOutcome::None: return;
    case TxnOutcome::Ready:
      if (!member_) begin(ctx);
      return;
    case TxnOutcome::Committed:
      // With a transaction the offsets were committed with it; at-least-once commits
      // them now that every output is acknowledged.
      if (txn_->transactional()) {
        for (auto& ow : owned_) ow.committed_sent = ow.processed;
      } else if (coordinator_ != kNoNode) {
        OffsetCommit c{cfg_.group, generation_, {}};
        for (auto& ow : owned_)
          if (ow.processed >= 0 && ow.processed != ow.committed_sent) {
            c.offsets.push_back(FetchPartition{ow.tp, ow.processed});
            ow.committed_sent = ow.processed;
          }
        if (!c.offsets.empty()) ctx.send(coordinator_, std::move(c));
      }
      break;
    case TxnOutcome::Aborted:
      // Everything since the last commit starts over from the committed offsets; an
      // output partition may have moved (the abort's cause): refresh the metadata.
      for (auto& ow : owned_) ow.processed = ow.committed_sent = -1;
      if (!assignment_waiting_) start_from_committed(ctx);
      if (bootstrap_.size() != 0 && metadata_id_ == 0) ask_metadata(ctx);
      break;
    case TxnOutcome::Fenced:
      // Kafka: ProducerFencedException is fatal; the application closes.
      if (member_ && coordinator_ != kNoNode) ctx.send(coordinator_, LeaveGroup{cfg_.group});
      reset_volatile();
      stopped_ = true;
      return;
  }
  if (assignment_waiting_ && !busy_) {
    const Assignment a = waiting_;
    on_assignment(ctx, a);
  }
  process_ready(ctx);
}

}  // namespace bs::kafka
