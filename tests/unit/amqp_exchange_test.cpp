// Exchange routing (AMQP 0-9-1 / RabbitMQ): direct, fanout, topic, headers, default.
#include <catch2/catch.hpp>

#include "harness.hpp"
#include "amqp/broker.hpp"
#include "amqp/exchange.hpp"
#include "vocabulary/vocabulary.hpp"

using namespace bs;
using namespace bs::amqp;

namespace {
AmqpMessage msg(std::string key, Headers h = {}) {
  AmqpMessage m;
  m.id = 1;
  m.key = std::move(key);
  m.headers = std::move(h);
  return m;
}
Binding bind(std::string queue, std::string key) { return Binding{std::move(queue), std::move(key), {}, true}; }
Binding hbind(std::string queue, Headers args, bool all) { return Binding{std::move(queue), "", std::move(args), all}; }
using Qs = std::vector<std::string>;
}  // namespace

TEST_CASE("direct exchange routes on the exact routing key", "[queue][exchange]") {
  Exchange ex{"logs", ExchangeType::Direct, {bind("errors", "error"), bind("all", "info"), bind("all", "error")}};
  CHECK(ex.route(msg("error")) == Qs{"errors", "all"});
  CHECK(ex.route(msg("info")) == Qs{"all"});
  CHECK(ex.route(msg("warning")).empty());
  CHECK(ex.route(msg("Error")).empty());  // case-sensitive
  CHECK(ex.route(msg("error.x")).empty());
}

TEST_CASE("direct exchange: two queues with the same binding key both get the message", "[queue][exchange]") {
  Exchange ex{"d", ExchangeType::Direct, {bind("q1", "k"), bind("q2", "k")}};
  CHECK(ex.route(msg("k")) == Qs{"q1", "q2"});
}

TEST_CASE("fanout exchange copies to every bound queue and ignores the key", "[queue][exchange]") {
  Exchange ex{"f", ExchangeType::Fanout, {bind("q1", ""), bind("q2", "whatever"), bind("q3", "x")}};
  CHECK(ex.route(msg("")) == Qs{"q1", "q2", "q3"});
  CHECK(ex.route(msg("anything.at.all")) == Qs{"q1", "q2", "q3"});
}

TEST_CASE("fanout exchange with no bindings routes nowhere", "[queue][exchange]") {
  Exchange ex{"f", ExchangeType::Fanout, {}};
  CHECK(ex.route(msg("k")).empty());
}

TEST_CASE("topic exchange routes by pattern", "[queue][exchange]") {
  Exchange ex{"t", ExchangeType::Topic,
              {bind("q1", "*.orange.*"), bind("q2", "*.*.rabbit"), bind("q2", "lazy.#")}};
  CHECK(ex.route(msg("quick.orange.rabbit")) == Qs{"q1", "q2"});
  CHECK(ex.route(msg("lazy.orange.elephant")) == Qs{"q1", "q2"});
  CHECK(ex.route(msg("quick.orange.fox")) == Qs{"q1"});
  CHECK(ex.route(msg("lazy.brown.fox")) == Qs{"q2"});
  CHECK(ex.route(msg("quick.brown.fox")).empty());
  CHECK(ex.route(msg("orange")).empty());
  CHECK(ex.route(msg("quick.orange.male.rabbit")).empty());
  CHECK(ex.route(msg("lazy.orange.male.rabbit")) == Qs{"q2"});
}

TEST_CASE("a message reaches a queue once even when several bindings match", "[queue][exchange]") {
  // lazy.orange.rabbit matches both of q2's patterns: one copy only.
  Exchange ex{"t", ExchangeType::Topic, {bind("q2", "*.*.rabbit"), bind("q1", "#"), bind("q2", "lazy.#")}};
  CHECK(ex.route(msg("lazy.orange.rabbit")) == Qs{"q2", "q1"});

  Exchange d{"d", ExchangeType::Direct, {bind("q", "k"), bind("q", "k")}};
  CHECK(d.route(msg("k")) == Qs{"q"});

  Exchange f{"f", ExchangeType::Fanout, {bind("q", "a"), bind("q", "b")}};
  CHECK(f.route(msg("")) == Qs{"q"});

  Exchange h{"h", ExchangeType::Headers, {hbind("q", {{"a", "1"}}, true), hbind("q", {{"b", "2"}}, true)}};
  CHECK(h.route(msg("", {{"a", "1"}, {"b", "2"}})) == Qs{"q"});
}

TEST_CASE("a queue reached twice through one broker holds one copy", "[queue][exchange][broker]") {
  BrokerConfig cfg;
  cfg.queues.push_back(QueueConfig{"q"});
  cfg.exchanges.push_back(Exchange{"t", ExchangeType::Topic, {}});
  cfg.bindings.push_back(BindingConfig{"t", bind("q", "a.*")});
  cfg.bindings.push_back(BindingConfig{"t", bind("q", "#.b")});
  QueueBroker b(cfg);
  test::Driver d(b, 0);
  d.start();
  AmqpMessage m = msg("a.b");
  m.exchange = "t";
  d.packet(1, Publish{m, 1, false, true});
  CHECK(b.queue("q")->size() == 1);
  CHECK(d.rec.of(ev::Enqueue).size() == 1);
}

TEST_CASE("headers exchange x-match=all needs every argument with an equal value", "[queue][exchange]") {
  Exchange ex{"h", ExchangeType::Headers, {hbind("q", {{"format", "pdf"}, {"type", "report"}}, true)}};
  CHECK(ex.route(msg("", {{"format", "pdf"}, {"type", "report"}})) == Qs{"q"});
  CHECK(ex.route(msg("", {{"type", "report"}, {"format", "pdf"}, {"extra", "1"}})) == Qs{"q"});
  CHECK(ex.route(msg("", {{"format", "pdf"}})).empty());
  CHECK(ex.route(msg("", {{"format", "pdf"}, {"type", "log"}})).empty());
  CHECK(ex.route(msg("")).empty());
}

TEST_CASE("headers exchange x-match=any needs one argument with an equal value", "[queue][exchange]") {
  Exchange ex{"h", ExchangeType::Headers, {hbind("q", {{"format", "pdf"}, {"type", "report"}}, false)}};
  CHECK(ex.route(msg("", {{"format", "pdf"}})) == Qs{"q"});
  CHECK(ex.route(msg("", {{"type", "report"}})) == Qs{"q"});
  CHECK(ex.route(msg("", {{"format", "zip"}, {"type", "report"}})) == Qs{"q"});
  CHECK(ex.route(msg("", {{"format", "zip"}, {"type", "log"}})).empty());
  CHECK(ex.route(msg("")).empty());
}

TEST_CASE("headers exchange ignores the routing key", "[queue][exchange]") {
  Exchange ex{"h", ExchangeType::Headers, {Binding{"q", "some-key", {{"a", "1"}}, true}}};
  CHECK(ex.route(msg("other", {{"a", "1"}})) == Qs{"q"});
  CHECK(ex.route(msg("some-key")).empty());
}

TEST_CASE("headers exchange: a void (null) argument matches on presence, an empty string is a value", "[queue][exchange]") {
  const HeaderValue present(HeaderValue::Type::Void, "");
  Exchange all{"h", ExchangeType::Headers, {hbind("q", {{"trace", present}, {"env", "prod"}}, true)}};
  CHECK(all.route(msg("", {{"trace", "anything"}, {"env", "prod"}})) == Qs{"q"});
  CHECK(all.route(msg("", {{"trace", ""}, {"env", "prod"}})) == Qs{"q"});
  CHECK(all.route(msg("", {{"env", "prod"}})).empty());
  Exchange any{"h", ExchangeType::Headers, {hbind("q", {{"trace", present}}, false)}};
  CHECK(any.route(msg("", {{"trace", "x"}})) == Qs{"q"});
  CHECK(any.route(msg("", {{"other", "x"}})).empty());
  // RabbitMQ: "" is an ordinary string value, matched only by "".
  Exchange empty{"h", ExchangeType::Headers, {hbind("q", {{"trace", ""}}, true)}};
  CHECK(empty.route(msg("", {{"trace", ""}})) == Qs{"q"});
  CHECK(empty.route(msg("", {{"trace", "x"}})).empty());
}

TEST_CASE("headers exchange: values match by type as well as value", "[queue][exchange]") {
  using T = HeaderValue::Type;
  Exchange ex{"h", ExchangeType::Headers,
              {hbind("q", {{"priority", HeaderValue(T::Number, "1")}, {"urgent", HeaderValue(T::Bool, "true")}}, true)}};
  CHECK(ex.route(msg("", {{"priority", HeaderValue(T::Number, "1")}, {"urgent", HeaderValue(T::Bool, "true")}})) == Qs{"q"});
  CHECK(ex.route(msg("", {{"priority", "1"}, {"urgent", HeaderValue(T::Bool, "true")}})).empty());  // the string "1"
  CHECK(ex.route(msg("", {{"priority", HeaderValue(T::Number, "1")}, {"urgent", "true"}})).empty());  // the string "true"
}

TEST_CASE("headers exchange: several bindings route to each matching queue", "[queue][exchange]") {
  Exchange ex{"h", ExchangeType::Headers,
              {hbind("pdf", {{"format", "pdf"}}, true), hbind("reports", {{"type", "report"}}, true),
               hbind("either", {{"format", "pdf"}, {"type", "report"}}, false)}};
  CHECK(ex.route(msg("", {{"format", "pdf"}})) == Qs{"pdf", "either"});
  CHECK(ex.route(msg("", {{"type", "report"}})) == Qs{"reports", "either"});
  CHECK(ex.route(msg("", {{"format", "pdf"}, {"type", "report"}})) == Qs{"pdf", "reports", "either"});
}

TEST_CASE("parse_exchange_type knows the four types and nothing else", "[queue][exchange]") {
  ExchangeType t = ExchangeType::Direct;
  CHECK(parse_exchange_type("fanout", t));
  CHECK(t == ExchangeType::Fanout);
  CHECK(parse_exchange_type("topic", t));
  CHECK(t == ExchangeType::Topic);
  CHECK(parse_exchange_type("headers", t));
  CHECK(t == ExchangeType::Headers);
  CHECK(parse_exchange_type("direct", t));
  CHECK(t == ExchangeType::Direct);
  CHECK_FALSE(parse_exchange_type("Direct", t));
  CHECK_FALSE(parse_exchange_type("x-consistent-hash", t));
  CHECK_FALSE(parse_exchange_type("", t));
}

TEST_CASE("the default exchange routes by queue name", "[queue][exchange][broker]") {
  BrokerConfig cfg;
  cfg.queues.push_back(QueueConfig{"tasks"});
  cfg.queues.push_back(QueueConfig{"emails"});
  QueueBroker b(cfg);
  test::Driver d(b, 0);
  d.start();
  auto pub = [&](MsgId id, std::string key) {
    AmqpMessage m;
    m.id = id;
    m.key = std::move(key);
    d.packet(1, Publish{m, id, false, true});
  };
  pub(1, "tasks");
  pub(2, "emails");
  pub(3, "tasks");
  pub(4, "nothing-by-that-name");
  REQUIRE(b.queue("tasks")->size() == 2);
  CHECK(b.queue("tasks")->ready()[0].msg.id == 1);
  CHECK(b.queue("tasks")->ready()[1].msg.id == 3);
  REQUIRE(b.queue("emails")->size() == 1);
  CHECK(b.queue("emails")->front().msg.id == 2);
  auto un = d.rec.of(ev::Unroutable);
  REQUIRE(un.size() == 1);
  CHECK(un[0].msg == 4);
}

TEST_CASE("publishing to an exchange that does not exist is unroutable", "[queue][exchange][broker]") {
  BrokerConfig cfg;
  cfg.queues.push_back(QueueConfig{"q"});
  QueueBroker b(cfg);
  test::Driver d(b, 0);
  d.start();
  AmqpMessage m;
  m.id = 9;
  m.exchange = "nope";
  m.key = "q";
  d.packet(1, Publish{m, 1, false, true});
  CHECK(b.queue("q")->empty());
  CHECK(d.rec.of(ev::Unroutable).size() == 1);
}

TEST_CASE("headers exchange: a binding without arguments matches all with x-match=all, none with any",
          "[queue][exchange]") {
  Exchange all{"h", ExchangeType::Headers, {hbind("q", {}, true)}};
  CHECK(all.route(msg("")) == Qs{"q"});
  CHECK(all.route(msg("", {{"a", "1"}})) == Qs{"q"});
  Exchange any{"h", ExchangeType::Headers, {hbind("q", {}, false)}};
  CHECK(any.route(msg("", {{"a", "1"}})).empty());
}
