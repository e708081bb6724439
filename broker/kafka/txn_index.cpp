#include "kafka/txn_index.hpp"

#include <algorithm>

namespace bs::kafka {

void TxnIndex::on_append(const StoredRecord& r, std::int64_t offset) {
  if (r.producer_id < 0 || (!r.transactional && r.control == 0)) return;
  used_ = true;
  if (r.control == 0) {
    ongoing_.try_emplace(r.producer_id, offset);
    return;
  }
  auto it = ongoing_.find(r.producer_id);
  if (r.control == 2 && it != ongoing_.end()) aborted_.push_back(AbortedTxn{r.producer_id, it->second, offset});
  if (it != ongoing_.end()) ongoing_.erase(it);
  markers_[r.producer_id] = Marker{r.producer_epoch, r.control == 1, offset};
}

void TxnIndex::rebuild(const PartitionLog& log) {
  ongoing_.clear();
  aborted_.clear();
  markers_.clear();
  used_ = false;
  for (std::int64_t o = log.log_start_offset(); o < log.log_end_offset(); ++o) on_append(*log.at(o), o);
}

std::int64_t TxnIndex::last_stable_offset(std::int64_t high_watermark) const {
  std::int64_t lso = high_watermark;
  for (const auto& [pid, first] : ongoing_) lso = std::min(lso, first);
  return lso;
}

std::vector<AbortedTxn> TxnIndex::aborted_between(std::int64_t from, std::int64_t to) const {
  std::vector<AbortedTxn> out;
  for (const auto& a : aborted_)
    if (a.last_offset >= from && a.first_offset < to) out.push_back(a);
  return out;
}

bool TxnIndex::aborted(std::int64_t producer_id, std::int64_t offset) const {
  for (const auto& a : aborted_)
    if (a.producer_id == producer_id && offset >= a.first_offset && offset < a.last_offset) return true;
  return false;
}

TxnIndex::Marker TxnIndex::last_marker(std::int64_t producer_id) const {
  auto it = markers_.find(producer_id);
  return it == markers_.end() ? Marker{} : it->second;
}

}  // namespace bs::kafka
