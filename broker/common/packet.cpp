#include "common/packet.hpp"

namespace bs {
namespace {
template <class... F> struct Overload : F... { using F::operator()...; };
template <class... F> Overload(F...) -> Overload<F...>;
// AMQP frame header + method arguments, roughly; small next to a typical body.
constexpr std::uint64_t kFrameOverhead = 64;
// Kafka's record batch header is 61 bytes; a record header is about 10-20 bytes.
constexpr std::uint64_t kBatchOverhead = 61;
constexpr std::uint64_t kRecordOverhead = 16;
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
                             [](const amqp::ConnectionClose&) { return std::string_view("close"); },
                             [](const amqp::Open&) { return std::string_view("open"); },
                             [](const amqp::OpenOk&) { return std::string_view("open_ok"); },
                             [](const kafka::ProduceRequest&) { return std::string_view("produce"); },
                             [](const kafka::ProduceResponse&) { return std::string_view("produce_response"); },
                             [](const kafka::FetchRequest&) { return std::string_view("fetch"); },
                             [](const kafka::FetchResponse&) { return std::string_view("fetch_response"); },
                             [](const kafka::JoinGroup&) { return std::string_view("join_group"); },
                             [](const kafka::Assignment&) { return std::string_view("assignment"); },
                             [](const kafka::Heartbeat&) { return std::string_view("heartbeat"); },
                             [](const kafka::UnknownMember&) { return std::string_view("unknown_member"); },
                             [](const kafka::LeaveGroup&) { return std::string_view("leave_group"); },
                             [](const kafka::OffsetCommit&) { return std::string_view("offset_commit"); },
                             [](const kafka::ListOffsets&) { return std::string_view("list_offsets"); },
                             [](const kafka::ListOffsetsResponse&) { return std::string_view("list_offsets_response"); },
                             [](const kafka::MetadataRequest&) { return std::string_view("metadata"); },
                             [](const kafka::MetadataResponse&) { return std::string_view("metadata_response"); }},
                    p);
}

MsgId packet_msg(const Packet& p) {
  if (auto* x = std::get_if<amqp::Publish>(&p)) return x->msg.id;
  if (auto* x = std::get_if<amqp::Deliver>(&p)) return x->msg.id;
  if (auto* x = std::get_if<amqp::Return>(&p)) return x->msg.id;
  if (auto* x = std::get_if<amqp::Confirm>(&p)) return x->msg;
  if (auto* x = std::get_if<amqp::Ack>(&p)) return x->msg;
  if (auto* x = std::get_if<amqp::Nack>(&p)) return x->msg;
  // Log-model requests carry batches: the first record names the frame in the trace.
  if (auto* x = std::get_if<kafka::ProduceRequest>(&p))
    for (const auto& b : x->batches)
      if (!b.records.empty()) return b.records.front().id;
  if (auto* x = std::get_if<kafka::FetchResponse>(&p))
    for (const auto& d : x->parts)
      if (!d.records.empty()) return d.records.front().id;
  return 0;
}

std::uint64_t packet_bytes(const Packet& p) {
  if (auto* x = std::get_if<amqp::Publish>(&p)) return kFrameOverhead + x->msg.size_bytes;
  if (auto* x = std::get_if<amqp::Deliver>(&p)) return kFrameOverhead + x->msg.size_bytes;
  if (auto* x = std::get_if<amqp::Return>(&p)) return kFrameOverhead + x->msg.size_bytes;
  // Kafka record batches: a batch header per partition plus a small per-record header
  // (varint lengths, offset and timestamp deltas) on top of each record's value.
  if (auto* x = std::get_if<kafka::ProduceRequest>(&p)) {
    std::uint64_t n = kFrameOverhead;
    for (const auto& b : x->batches) {
      n += kBatchOverhead;
      for (const auto& m : b.records) n += kRecordOverhead + m.routing_key.size() + m.size_bytes;
    }
    return n;
  }
  if (auto* x = std::get_if<kafka::FetchResponse>(&p)) {
    std::uint64_t n = kFrameOverhead;
    for (const auto& d : x->parts) {
      n += kBatchOverhead;
      for (const auto& m : d.records) n += kRecordOverhead + m.routing_key.size() + m.size_bytes;
    }
    return n;
  }
  return kFrameOverhead;
}

}  // namespace bs
