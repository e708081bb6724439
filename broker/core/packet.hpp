// Everything that can travel between two nodes: a model-neutral envelope around one
// model's protocol message. The network and the trace only need what every packet has
// (an operation name, the message it concerns, its size on the wire); the model that
// sent it reads the body back with as<T>(). The core knows no model's packets.
#pragma once
#include <cstdint>
#include <memory>
#include <string_view>
#include <type_traits>
#include <utility>

#include "core/ids.hpp"

namespace bs {

/// A protocol frame's header and method arguments, roughly: small next to a typical body.
inline constexpr std::uint64_t kFrameOverhead = 64;

// What a model's packet type T provides, found by argument-dependent lookup in its own
// namespace: `std::string_view wire_op(const T&)` (required, e.g. "deliver"), and where
// it differs from these defaults, `wire_msg` and `wire_bytes`.
/// The message a packet concerns; 0 when none (heartbeats, metadata, ...).
template <class T>
MsgId wire_msg(const T&) {
  return 0;
}
/// Simulated wire size in bytes; a bodiless method is just the frame overhead.
template <class T>
std::uint64_t wire_bytes(const T&) {
  return kFrameOverhead;
}

/// One protocol message of any model. Cheap to copy (the body is shared and immutable).
class Packet {
 public:
  template <class T>
    requires(!std::is_same_v<std::decay_t<T>, Packet>)
  Packet(T body) : body_(std::make_shared<const Body<T>>(std::move(body))) {}  // NOLINT: implicit by design

  /// Short operation name used in net_send items, e.g. "deliver".
  std::string_view op() const { return body_->op(); }
  /// The message the packet concerns (0 when none).
  MsgId msg() const { return body_->msg(); }
  /// Simulated size on the wire, bytes.
  std::uint64_t bytes() const { return body_->bytes(); }
  /// The body if it is a T, else nullptr.
  template <class T>
  const T* as() const {
    return body_->type() == type_tag<T>() ? &static_cast<const Body<T>&>(*body_).value : nullptr;
  }
  template <class T>
  bool is() const {
    return as<T>() != nullptr;
  }

 private:
  template <class T>
  static const void* type_tag() {
    static const char tag = 0;  // one address per type: no RTTI needed
    return &tag;
  }
  struct Base {
    virtual ~Base() = default;
    virtual std::string_view op() const = 0;
    virtual MsgId msg() const = 0;
    virtual std::uint64_t bytes() const = 0;
    virtual const void* type() const = 0;
  };
  template <class T>
  struct Body final : Base {
    explicit Body(T v) : value(std::move(v)) {}
    std::string_view op() const override { return wire_op(value); }
    MsgId msg() const override { return wire_msg(value); }
    std::uint64_t bytes() const override { return wire_bytes(value); }
    const void* type() const override { return type_tag<T>(); }
    T value;
  };
  std::shared_ptr<const Base> body_;
};

/// Free-function spellings used by the network and the trace.
inline std::string_view packet_op(const Packet& p) { return p.op(); }
inline MsgId packet_msg(const Packet& p) { return p.msg(); }
inline std::uint64_t packet_bytes(const Packet& p) { return p.bytes(); }

}  // namespace bs
