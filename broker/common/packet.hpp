// Everything that can travel between two nodes.
#pragma once
#include <string_view>
#include <variant>
#include <vector>

#include "log/kafka_packets.hpp"
#include "queue/amqp_packets.hpp"

namespace bs {

/// A protocol message between two nodes, of either broker model.
using Packet = std::variant<amqp::Publish, amqp::Confirm, amqp::Return, amqp::Consume, amqp::ConsumeOk,
                            amqp::Deliver, amqp::Ack, amqp::Nack, amqp::Heartbeat,
                            amqp::ConnectionClose, amqp::Open, amqp::OpenOk, kafka::ProduceRequest, kafka::ProduceResponse,
                            kafka::FetchRequest, kafka::FetchResponse, kafka::JoinGroup, kafka::Assignment,
                            kafka::Heartbeat, kafka::UnknownMember, kafka::LeaveGroup, kafka::OffsetCommit,
                            kafka::ListOffsets, kafka::ListOffsetsResponse, kafka::MetadataRequest,
                            kafka::MetadataResponse>;

/// Short operation name used in net_send items, e.g. "deliver".
std::string_view packet_op(const Packet& p);
/// The message a packet concerns (0 when none or unknown at this layer).
MsgId packet_msg(const Packet& p);
/// Simulated wire size in bytes: a fixed frame overhead plus the message body.
std::uint64_t packet_bytes(const Packet& p);

}  // namespace bs
