// Topic exchange matching, RabbitMQ rules: dot-separated words, "*" exactly one word,
// "#" zero or more words, "" has zero words.
#include <catch2/catch.hpp>

#include "amqp/topic_match.hpp"

using bs::amqp::topic_matches;

TEST_CASE("topic: exact pattern matches only the identical key", "[queue][topic]") {
  CHECK(topic_matches("stock.usd.nyse", "stock.usd.nyse"));
  CHECK_FALSE(topic_matches("stock.usd.nyse", "stock.eur.nyse"));
  CHECK_FALSE(topic_matches("stock.usd.nyse", "stock.usd"));
  CHECK_FALSE(topic_matches("stock.usd", "stock.usd.nyse"));
}

TEST_CASE("topic: no partial-word match", "[queue][topic]") {
  CHECK_FALSE(topic_matches("stock", "stocks"));
  CHECK_FALSE(topic_matches("stock.us", "stock.usd"));
  CHECK_FALSE(topic_matches("st*", "stock"));  // "*" is a wildcard only as a whole word
  CHECK_FALSE(topic_matches("a#", "abc"));
  CHECK(topic_matches("st*", "st*"));  // ... otherwise a literal word
}

TEST_CASE("topic: * matches exactly one word", "[queue][topic]") {
  CHECK(topic_matches("*.orange.*", "quick.orange.rabbit"));
  CHECK_FALSE(topic_matches("*.orange.*", "quick.orange"));
  CHECK_FALSE(topic_matches("*.orange.*", "quick.orange.male.rabbit"));
  CHECK(topic_matches("*", "a"));
  CHECK_FALSE(topic_matches("*", "a.b"));
  CHECK(topic_matches("*.*", "a.b"));
  CHECK_FALSE(topic_matches("*.*", "a"));
}

TEST_CASE("topic: # matches zero or more words", "[queue][topic]") {
  CHECK(topic_matches("lazy.#", "lazy"));
  CHECK(topic_matches("lazy.#", "lazy.orange"));
  CHECK(topic_matches("lazy.#", "lazy.orange.male.rabbit"));
  CHECK_FALSE(topic_matches("lazy.#", "quick.lazy"));
  CHECK(topic_matches("#.rabbit", "rabbit"));
  CHECK(topic_matches("#.rabbit", "quick.orange.rabbit"));
  CHECK_FALSE(topic_matches("#.rabbit", "rabbit.quick"));
}

TEST_CASE("topic: a.#.b matches a.b and a.x.y.b", "[queue][topic]") {
  CHECK(topic_matches("a.#.b", "a.b"));
  CHECK(topic_matches("a.#.b", "a.x.b"));
  CHECK(topic_matches("a.#.b", "a.x.y.b"));
  CHECK_FALSE(topic_matches("a.#.b", "a.x.y"));
  CHECK_FALSE(topic_matches("a.#.b", "x.a.b"));
  CHECK_FALSE(topic_matches("a.#.b", "a"));
  CHECK(topic_matches("a.#.b", "a.b.b"));  // # takes "b", then the last "b"
}

TEST_CASE("topic: # at both ends and repeated #", "[queue][topic]") {
  CHECK(topic_matches("#.x.#", "x"));
  CHECK(topic_matches("#.x.#", "a.x"));
  CHECK(topic_matches("#.x.#", "x.b"));
  CHECK(topic_matches("#.x.#", "a.b.x.c.d"));
  CHECK_FALSE(topic_matches("#.x.#", "a.b.c"));
  CHECK(topic_matches("#.#", "a"));
  CHECK(topic_matches("#.#", ""));
  CHECK(topic_matches("#.*", "a"));
  CHECK_FALSE(topic_matches("#.*", ""));
  CHECK(topic_matches("*.#", "a.b.c"));
}

TEST_CASE("topic: # alone matches everything, the empty key included", "[queue][topic]") {
  CHECK(topic_matches("#", ""));
  CHECK(topic_matches("#", "a"));
  CHECK(topic_matches("#", "a.b.c"));
  CHECK(topic_matches("#", "a..b"));
  CHECK(topic_matches("#", "."));
}

TEST_CASE("topic: * does not match the empty key (zero words)", "[queue][topic]") {
  CHECK_FALSE(topic_matches("*", ""));
  CHECK(topic_matches("", ""));
  CHECK_FALSE(topic_matches("", "a"));
  CHECK_FALSE(topic_matches("a", ""));
}

TEST_CASE("topic: empty words are words", "[queue][topic]") {
  // "a..b" is three words, the middle one empty.
  CHECK(topic_matches("a.*.b", "a..b"));
  CHECK(topic_matches("a..b", "a..b"));
  CHECK_FALSE(topic_matches("a.b", "a..b"));
  CHECK(topic_matches("a.#.b", "a..b"));
  // "a." is two words: "a" and "".
  CHECK(topic_matches("a.*", "a."));
  CHECK(topic_matches("a.#", "a."));
  CHECK_FALSE(topic_matches("a", "a."));
  CHECK(topic_matches("a.", "a."));
  // "." is two empty words.
  CHECK(topic_matches("*.*", "."));
  CHECK_FALSE(topic_matches("*", "."));
  CHECK(topic_matches("*.a", ".a"));
}

TEST_CASE("topic: many # stays fast", "[queue][topic]") {
  std::string pattern, key;
  for (int i = 0; i < 40; ++i) pattern += "#.";
  pattern += "z";
  for (int i = 0; i < 40; ++i) key += "a.";
  key += "y";
  CHECK_FALSE(topic_matches(pattern, key));
  key.back() = 'z';
  CHECK(topic_matches(pattern, key));
}
