// A stream's shards and their hash key ranges, as Kinesis keeps them across resharding.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "kinesis/hash_key.hpp"

namespace bs::kinesis {

/// One shard. `index` is the number in its ShardId ("shardId-000000000003" is 3); its
/// records live in the partition "<stream>/<index>" of the trace.
struct Shard {
  std::int32_t index = 0;
  HashKey starting_hash_key = 0;  ///< HashKeyRange.StartingHashKey (inclusive)
  HashKey ending_hash_key = 0;    ///< HashKeyRange.EndingHashKey (inclusive)
  std::int32_t parent = -1;       ///< ParentShardId (-1: none)
  std::int32_t adjacent_parent = -1;  ///< AdjacentParentShardId of a merge (-1: none)
  bool open = true;               ///< takes new records; a resharded parent is closed for writes
  bool contains(HashKey k) const { return starting_hash_key <= k && k <= ending_hash_key; }
};

/// "shardId-000000000003" for 3: the form DescribeStream and ListShards write.
std::string shard_id(std::int32_t index);
/// The index in a ShardId of that form, or -1 when `id` is not one.
std::int32_t parse_shard_id(const std::string& id);

/// The shards of one stream, from CreateStream to every SplitShard and MergeShards.
///
/// Amazon Kinesis Data Streams Developer Guide, "Split a shard" and "Merge two shards";
/// API reference, SplitShard and MergeShards. CreateStream spreads the 128-bit hash key
/// space evenly over the shards. A split closes the parent and gives `new_starting_hash_key`
/// and above to one child, the lower keys to the other; a merge closes two shards whose
/// ranges are adjacent and gives their union to one child. Parents keep their records
/// ("After resharding": a parent's data stays readable until retention), children get the
/// next ShardIds in order.
class ShardMap {
 public:
  /// CreateStream with `shards` (>= 1) shards: shard i owns an even slice of the hash
  /// space, the last one ends at 2^128 - 1.
  explicit ShardMap(std::int32_t shards);

  /// The open shard whose range contains `k` (exactly one always exists).
  std::int32_t route(HashKey k) const;
  /// SplitShard. Preconditions (checked by can_split): `shard` is open and
  /// starting_hash_key < new_starting_hash_key <= ending_hash_key. Returns the two
  /// children's indices, lower range first.
  std::pair<std::int32_t, std::int32_t> split(std::int32_t shard, HashKey new_starting_hash_key);
  /// The error SplitShard would answer, or "" when it may go ahead.
  std::string can_split(std::int32_t shard, HashKey new_starting_hash_key) const;
  /// The midpoint of a shard's range, where a split divides it into halves.
  HashKey midpoint(std::int32_t shard) const;
  /// MergeShards: `shard` (ShardToMerge) and `adjacent` (AdjacentShardToMerge), open and
  /// with touching ranges, become one child with the union of their ranges, whose
  /// ParentShardId is `shard` and AdjacentParentShardId `adjacent`. Returns its index.
  std::int32_t merge(std::int32_t shard, std::int32_t adjacent);
  /// The error MergeShards would answer, or "".
  std::string can_merge(std::int32_t shard, std::int32_t adjacent) const;

  const std::vector<Shard>& shards() const { return shards_; }
  const Shard& at(std::int32_t index) const { return shards_.at(static_cast<std::size_t>(index)); }
  std::int32_t size() const { return static_cast<std::int32_t>(shards_.size()); }

 private:
  std::vector<Shard> shards_;
};

}  // namespace bs::kinesis
