#include "amqp/topic_match.hpp"

#include <vector>

namespace bs::amqp {
namespace {
std::vector<std::string_view> split_words(std::string_view s) {
  std::vector<std::string_view> words;
  if (s.empty()) return words;  // RabbitMQ splits "" into zero words, not one empty word
  std::size_t start = 0;
  for (;;) {
    std::size_t dot = s.find('.', start);
    if (dot == std::string_view::npos) {
      words.push_back(s.substr(start));
      return words;
    }
    words.push_back(s.substr(start, dot - start));
    start = dot + 1;
  }
}
}  // namespace

bool topic_matches(std::string_view pattern, std::string_view routing_key) {
  const auto p = split_words(pattern);
  const auto k = split_words(routing_key);
  // match[i][j]: pattern words [i..) match key words [j..). Dynamic programming keeps
  // patterns like "#.#.a" linear-ish instead of exponential backtracking.
  std::vector<std::vector<char>> match(p.size() + 1, std::vector<char>(k.size() + 1, 0));
  match[p.size()][k.size()] = 1;
  for (std::size_t i = p.size(); i-- > 0;) {
    for (std::size_t j = k.size() + 1; j-- > 0;) {
      if (p[i] == "#") {
        match[i][j] = match[i + 1][j] || (j < k.size() && match[i][j + 1]);
      } else if (j < k.size() && (p[i] == "*" || p[i] == k[j])) {
        match[i][j] = match[i + 1][j + 1];
      }
    }
  }
  return match[0][0] != 0;
}

}  // namespace bs::amqp
