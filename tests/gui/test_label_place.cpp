// Where the topology canvas puts a caption (model/label_place.hpp): off other nodes, on
// the canvas, and when nothing is free, over as little node as it can.
#include <catch2/catch.hpp>

#include "model/label_place.hpp"

using namespace bs::gui;

namespace {
const PxRect kCanvas{0, 0, 400, 200};
}

TEST_CASE("a caption takes the first spot that is free", "[label_place]") {
  // The spot under a node is taken by another node; the spot to its right is free.
  const std::vector<PxRect> nodes{{100, 60, 160, 100}};
  const PxRect r = place_caption(50, 15, {{100, 65}, {200, 20}}, nodes, kCanvas);
  CHECK(r.x0 == 200);
  CHECK(r.y0 == 20);
  CHECK_FALSE(r.overlaps(nodes[0]));
}

TEST_CASE("a caption past the canvas edge slides inside it", "[label_place]") {
  // "leads orders (term 2)" beside a node at the right edge of a narrow canvas.
  const PxRect r = place_caption(120, 15, {{350, 50}}, {}, kCanvas);
  CHECK(r.inside(kCanvas));
  CHECK(r.x1 == 400);
  CHECK(r.y0 == 50);
}

TEST_CASE("with no free spot, the caption covers the least node area", "[label_place]") {
  const std::vector<PxRect> nodes{{0, 0, 400, 40}, {0, 60, 400, 200}};
  // First spot: fully on the lower node. Second: mostly in the gap between them.
  const PxRect r = place_caption(50, 30, {{10, 100}, {10, 35}}, nodes, kCanvas);
  CHECK(r.y0 == 35);
}

TEST_CASE("earlier captions are avoided, but a node more so", "[label_place]") {
  const std::vector<PxRect> nodes{{0, 100, 400, 200}};
  const std::vector<PxRect> captions{{10, 10, 60, 25}};
  // Spot 1 is on the earlier caption, spot 2 is free: spot 2.
  CHECK(place_caption(50, 15, {{10, 10}, {10, 40}}, nodes, kCanvas, captions).y0 == 40);
  // Spot 1 is on the earlier caption, spot 2 on a node: the caption overlap is the lesser harm.
  CHECK(place_caption(50, 15, {{10, 10}, {10, 120}}, nodes, kCanvas, captions).y0 == 10);
}
