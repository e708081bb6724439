#include "kinesis/hash_key.hpp"

#include <nettle/md5.h>

namespace bs::kinesis {

// MD5 from nettle (Debian's nettle-dev): hashing is not what brokersim teaches.
std::string md5(std::string_view data) {
  md5_ctx ctx;
  md5_init(&ctx);
  md5_update(&ctx, data.size(), reinterpret_cast<const std::uint8_t*>(data.data()));
  std::string out(MD5_DIGEST_SIZE, '\0');
  md5_digest(&ctx, MD5_DIGEST_SIZE, reinterpret_cast<std::uint8_t*>(out.data()));
  return out;
}

HashKey hash_key_of(std::string_view key) {
  const std::string d = md5(key);
  HashKey k = 0;
  for (unsigned char byte : d) k = (k << 8) | byte;
  return k;
}

std::optional<HashKey> parse_hash_key(std::string_view text) {
  if (text.empty() || text.size() > 39 || (text.size() > 1 && text[0] == '0')) return std::nullopt;
  HashKey k = 0;
  for (char ch : text) {
    if (ch < '0' || ch > '9') return std::nullopt;
    const auto digit = static_cast<HashKey>(ch - '0');
    if (k > (kMaxHashKey - digit) / 10) return std::nullopt;  // above 2^128 - 1
    k = k * 10 + digit;
  }
  return k;
}

std::string to_string(HashKey k) {
  if (k == 0) return "0";
  std::string s;
  while (k > 0) {
    s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(k % 10)));
    k /= 10;
  }
  return s;
}

}  // namespace bs::kinesis
