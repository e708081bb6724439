// Kinesis hash keys: a partition key's MD5 digest read as a 128-bit unsigned integer.
//
// Amazon Kinesis Data Streams, PutRecord / PutRecordsRequestEntry (API reference):
// "an MD5 hash function is used to map partition keys to 128-bit integer values and to
// map associated data records to shards"; `ExplicitHashKey` (a decimal string,
// 0|([1-9]\d{0,38})) overrides the hash. A shard owns a HashKeyRange, a contiguous range
// of these integers (StartingHashKey..EndingHashKey, both inclusive).
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace bs::kinesis {

/// A 128-bit hash key, 0 .. 2^128 - 1.
using HashKey = unsigned __int128;

/// The largest hash key, 2^128 - 1.
inline constexpr HashKey kMaxHashKey = ~HashKey{0};

/// The MD5 digest (RFC 1321) of `data`, 16 bytes.
std::string md5(std::string_view data);

/// The hash key Kinesis gives partition key `key`: its MD5 digest read as a big-endian
/// unsigned 128-bit integer (the digest's first byte is the most significant).
HashKey hash_key_of(std::string_view key);

/// Parse an ExplicitHashKey / NewStartingHashKey: decimal digits, no sign, no leading
/// zero (except "0"), at most 2^128 - 1. nullopt for anything else.
std::optional<HashKey> parse_hash_key(std::string_view text);

/// Decimal text of a hash key, as the API writes it.
std::string to_string(HashKey k);

}  // namespace bs::kinesis
