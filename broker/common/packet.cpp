#include "common/packet.hpp"

namespace bs {
namespace {
template <class... F> struct Overload : F... { using F::operator()...; };
template <class... F> Overload(F...) -> Overload<F...>;
// AMQP frame header + method arguments, roughly; small next to a typical body.
constexpr std::uint64_t kFrameOverhead = 64;
}  // namespace

std::string_view packet_op(const Packet& p) {
  return std::visit(Overload{[](const amqp::Publish&) { return std::string_view("publish"); },
                             [](const amqp::Confirm& c) { return std::string_view(c.ack ? "confirm" : "confirm_nack"); },
                             [](const amqp::Return&) { return std::string_view("return"); },
                             [](const amqp::Consume&) { return std::string_view("consume"); },
                             [](const amqp::ConsumeOk&) { return std::string_view("consume_ok"); },
                             [](const amqp::Deliver&) { return std::string_view("deliver"); },
                             [](const amqp::Ack&) { return std::string_view("ack"); },
                             [](const amqp::Nack&) { return std::string_view("nack"); },
                             [](const amqp::Heartbeat&) { return std::string_view("heartbeat"); },
                             [](const amqp::ConnectionClose&) { return std::string_view("close"); }},
                    p);
}

MsgId packet_msg(const Packet& p) {
  if (auto* x = std::get_if<amqp::Publish>(&p)) return x->msg.id;
  if (auto* x = std::get_if<amqp::Deliver>(&p)) return x->msg.id;
  if (auto* x = std::get_if<amqp::Return>(&p)) return x->msg.id;
  if (auto* x = std::get_if<amqp::Confirm>(&p)) return x->msg;
  if (auto* x = std::get_if<amqp::Ack>(&p)) return x->msg;
  if (auto* x = std::get_if<amqp::Nack>(&p)) return x->msg;
  return 0;
}

std::uint64_t packet_bytes(const Packet& p) {
  if (auto* x = std::get_if<amqp::Publish>(&p)) return kFrameOverhead + x->msg.size_bytes;
  if (auto* x = std::get_if<amqp::Deliver>(&p)) return kFrameOverhead + x->msg.size_bytes;
  if (auto* x = std::get_if<amqp::Return>(&p)) return kFrameOverhead + x->msg.size_bytes;
  return kFrameOverhead;
}

}  // namespace bs
