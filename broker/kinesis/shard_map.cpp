#include "kinesis/shard_map.hpp"

#include <cstdio>
#include <stdexcept>

namespace bs::kinesis {

std::string shard_id(std::int32_t index) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "shardId-%012d", index);
  return buf;
}

std::int32_t parse_shard_id(const std::string& id) {
  static const std::string prefix = "shardId-";
  if (id.size() != prefix.size() + 12 || id.compare(0, prefix.size(), prefix) != 0) return -1;
  std::int64_t n = 0;
  for (std::size_t i = prefix.size(); i < id.size(); ++i) {
    if (id[i] < '0' || id[i] > '9') return -1;
    n = n * 10 + (id[i] - '0');
    if (n > 1'000'000'000) return -1;
  }
  return static_cast<std::int32_t>(n);
}

ShardMap::ShardMap(std::int32_t shards) {
  if (shards < 1) throw std::invalid_argument("a stream needs at least one shard");
  const HashKey step = kMaxHashKey / static_cast<HashKey>(shards) + 1;  // 2^128 / n, rounded up
  for (std::int32_t i = 0; i < shards; ++i) {
    Shard s;
    s.index = i;
    s.starting_hash_key = step * static_cast<HashKey>(i);
    s.ending_hash_key = i + 1 == shards ? kMaxHashKey : step * static_cast<HashKey>(i + 1) - 1;
    shards_.push_back(s);
  }
}

std::int32_t ShardMap::route(HashKey k) const {
  for (const Shard& s : shards_)
    if (s.open && s.contains(k)) return s.index;
  throw std::logic_error("no open shard owns this hash key");  // the open ranges cover the space
}

HashKey ShardMap::midpoint(std::int32_t shard) const {
  const Shard& s = at(shard);
  return s.starting_hash_key + (s.ending_hash_key - s.starting_hash_key) / 2 + 1;
}

std::string ShardMap::can_split(std::int32_t shard, HashKey k) const {
  if (shard < 0 || shard >= size()) return "unknown shard";
  const Shard& s = at(shard);
  if (!s.open) return "the shard is closed (it was already resharded)";
  if (k <= s.starting_hash_key || k > s.ending_hash_key)
    return "NewStartingHashKey must be above the shard's StartingHashKey and at most its EndingHashKey";
  return "";
}

std::pair<std::int32_t, std::int32_t> ShardMap::split(std::int32_t shard, HashKey k) {
  if (!can_split(shard, k).empty()) throw std::invalid_argument(can_split(shard, k));
  shards_[static_cast<std::size_t>(shard)].open = false;
  const Shard parent = at(shard);
  Shard low, high;
  low.index = size();
  low.starting_hash_key = parent.starting_hash_key;
  low.ending_hash_key = k - 1;
  low.parent = shard;
  high.index = size() + 1;
  high.starting_hash_key = k;
  high.ending_hash_key = parent.ending_hash_key;
  high.parent = shard;
  shards_.push_back(low);
  shards_.push_back(high);
  return {low.index, high.index};
}

std::string ShardMap::can_merge(std::int32_t a, std::int32_t b) const {
  if (a < 0 || a >= size() || b < 0 || b >= size()) return "unknown shard";
  if (a == b) return "a shard cannot be merged with itself";
  if (!at(a).open || !at(b).open) return "both shards must be open (not already resharded)";
  const Shard& x = at(a);
  const Shard& y = at(b);
  const bool touching = (x.ending_hash_key != kMaxHashKey && x.ending_hash_key + 1 == y.starting_hash_key) ||
                        (y.ending_hash_key != kMaxHashKey && y.ending_hash_key + 1 == x.starting_hash_key);
  if (!touching) return "the shards' hash key ranges are not adjacent";
  return "";
}

std::int32_t ShardMap::merge(std::int32_t a, std::int32_t b) {
  if (!can_merge(a, b).empty()) throw std::invalid_argument(can_merge(a, b));
  shards_[static_cast<std::size_t>(a)].open = false;
  shards_[static_cast<std::size_t>(b)].open = false;
  const Shard& x = at(a);
  const Shard& y = at(b);
  const bool x_low = x.starting_hash_key < y.starting_hash_key;
  Shard child;
  child.index = size();
  child.starting_hash_key = x_low ? x.starting_hash_key : y.starting_hash_key;
  child.ending_hash_key = x_low ? y.ending_hash_key : x.ending_hash_key;
  child.parent = a;
  child.adjacent_parent = b;
  shards_.push_back(child);
  return child.index;
}

}  // namespace bs::kinesis
