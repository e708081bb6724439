// The network's TCP rules, driven without SimGrid: transmissions are started through a
// recording callback and made to arrive in whatever order a test chooses.
#include <catch2/catch.hpp>

#include <vector>

#include "net/network.hpp"
#include "amqp/packets.hpp"
#include "vocabulary/vocabulary.hpp"

using namespace bs;
using bs::simrun::Frame;
using bs::simrun::Network;

namespace {
struct Wire {
  std::vector<bool> up = std::vector<bool>(3, true);
  std::vector<Event> events;
  std::vector<std::uint64_t> sent;  // pkts in the order they were put on the wire
  Network net{&up, true, [this](Event e) { events.push_back(std::move(e)); },
              [this](NodeId, NodeId, std::uint64_t pkt, std::uint64_t) { sent.push_back(pkt); }};
  Wire() {
    net.add_link(0, 1);
    net.add_link(0, 2);
  }
  void send(NodeId from, NodeId to, std::uint64_t seq) {
    net.send(from, to, {Packet{amqp::Heartbeat{}}, Packet{amqp::Ack{seq, false, 1, seq}}});
  }
  static std::uint64_t tag_of(const Frame& f) { return f.packets.at(1).as<amqp::Ack>()->tag; }
  std::size_t count(EventKind k, const std::string& reason = "") const {
    std::size_t n = 0;
    for (const auto& e : events) n += e.kind == k && (reason.empty() || e.text == reason);
    return n;
  }
};
}  // namespace

TEST_CASE("frames of one connection reach the application in the order sent", "[net]") {
  Wire w;
  for (std::uint64_t i = 1; i <= 3; ++i) w.send(0, 1, i);
  REQUIRE(w.sent.size() == 3);
  // The third and second overtake the first on the wire (a small frame beside a big one).
  CHECK(w.net.arrive(w.sent[2]).empty());
  CHECK(w.net.arrive(w.sent[1]).empty());
  const auto ready = w.net.arrive(w.sent[0]);
  REQUIRE(ready.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) CHECK(Wire::tag_of(ready[i]) == i + 1);
  CHECK(w.net.in_flight() == 0);
}

TEST_CASE("different connections do not wait for each other", "[net]") {
  Wire w;
  w.send(1, 0, 1);
  w.send(2, 0, 2);
  CHECK(w.net.arrive(w.sent[1]).size() == 1);  // node 2's frame lands first, alone
  CHECK(w.net.arrive(w.sent[0]).size() == 1);
}

TEST_CASE("a link outage delays frames and retransmits them in order", "[net]") {
  Wire w;
  w.send(0, 1, 1);
  w.net.set_link(0, 1, false);
  w.send(0, 1, 2);  // sent during the outage
  CHECK(w.count(ev::NetDrop, "link_down") == 2);
  CHECK(w.net.arrive(w.sent[0]).empty());  // the copy that was on the wire died
  w.net.set_link(0, 1, true);
  REQUIRE(w.sent.size() == 3);  // first send + two retransmissions
  auto first = w.net.arrive(w.sent[1]);
  auto second = w.net.arrive(w.sent[2]);
  REQUIRE(first.size() == 1);
  REQUIRE(second.size() == 1);
  CHECK(Wire::tag_of(first[0]) == 1);
  CHECK(Wire::tag_of(second[0]) == 2);
}

TEST_CASE("a crash loses the frames on the wire to and from the node and resets its connections", "[net]") {
  Wire w;
  w.send(0, 1, 1);
  w.send(1, 0, 2);
  w.send(0, 2, 3);
  w.up[1] = false;
  w.net.reset_node(1);
  CHECK(w.count(ev::NetDrop, "host_down") == 1);
  CHECK(w.count(ev::NetDrop, "sender_down") == 1);
  CHECK(w.net.arrive(w.sent[0]).empty());
  CHECK(w.net.arrive(w.sent[1]).empty());
  CHECK(w.net.arrive(w.sent[2]).size() == 1);  // the other connection is untouched
  w.send(0, 1, 4);  // to a dead host: dropped at once
  CHECK(w.count(ev::NetDrop, "host_down") == 2);
  CHECK(w.sent.size() == 3);
  // After the restart the new connection starts from sequence 0 and delivers at once.
  w.up[1] = true;
  w.send(0, 1, 5);
  REQUIRE(w.sent.size() == 4);
  auto ready = w.net.arrive(w.sent[3]);
  REQUIRE(ready.size() == 1);
  CHECK(Wire::tag_of(ready[0]) == 5);
}

TEST_CASE("a frame without a link is refused and traced", "[net]") {
  Wire w;
  w.send(1, 2, 1);
  CHECK(w.count(ev::NetDrop, "no_route") == 1);
  CHECK(w.sent.empty());
}
