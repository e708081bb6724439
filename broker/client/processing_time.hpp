#pragma once
#include "core/rng.hpp"

namespace bs {

/// How long a consumer works on one message, in simulated seconds: fixed, uniform in
/// [a, b), or exponential with mean a. Draws come from the node's seeded Rng.
struct ProcessingTime {
  enum class Kind { Fixed, Uniform, Exponential } kind = Kind::Fixed;
  double a = 0;
  double b = 0;

  double draw(Rng& rng) const {
    switch (kind) {
      case Kind::Fixed: return a;
      case Kind::Uniform: return rng.uniform(a, b);
      case Kind::Exponential: return rng.exponential(a);
    }
    return a;
  }
};

}  // namespace bs
