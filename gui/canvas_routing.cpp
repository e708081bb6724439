#include "canvas_routing.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "model/colors.hpp"
#include "theme.hpp"

namespace bs::gui {
namespace {
constexpr ImU32 kExchangeFill = IM_COL32(125, 72, 12, 255);
constexpr ImU32 kQueueFill = IM_COL32(42, 47, 60, 255);
constexpr ImU32 kKey = IM_COL32(140, 205, 255, 255);         // binding keys, routing keys
constexpr ImU32 kDeadLetter = IM_COL32(235, 120, 90, 255);   // queue -> dead-letter exchange
constexpr ImU32 kBrokerFrame = IM_COL32(200, 120, 20, 255);  // theme::role_color(Broker)

ImU32 alpha(ImU32 c, float a) {
  return (c & 0x00FFFFFFu) | (static_cast<ImU32>(std::clamp(a, 0.0f, 1.0f) * ((c >> 24) & 0xFF)) << 24);
}

void edge(ImDrawList* dl, ImVec2 a, ImVec2 b, ImU32 c, float w) {
  const float mx = (a.x + b.x) / 2;
  dl->AddBezierCubic(a, ImVec2(mx, a.y), ImVec2(mx, b.y), b, c, w, 16);
}

// The dead-letter path: from the bottom of the queue's box, left and down to the
// dead-letter exchange's right side, dashed (it is taken only when a message dies there).
void dead_letter_path(ImDrawList* dl, ImVec2 a, ImVec2 b, ImU32 c, float w, bool dashed) {
  const ImVec2 c1(a.x - 2.5f * std::fabs(a.x - b.x) / 4, a.y), c2(b.x + std::fabs(a.x - b.x) / 4, b.y);
  ImVec2 prev = a;
  const int n = 20;
  for (int i = 1; i <= n; ++i) {
    const float u = static_cast<float>(i) / n, v = 1 - u;
    ImVec2 p(v * v * v * a.x + 3 * v * v * u * c1.x + 3 * v * u * u * c2.x + u * u * u * b.x,
             v * v * v * a.y + 3 * v * v * u * c1.y + 3 * v * u * u * c2.y + u * u * u * b.y);
    if (!dashed || i % 2 == 1) dl->AddLine(prev, p, c, w);
    prev = p;
  }
  // Arrow head into the exchange.
  dl->AddTriangleFilled(b, ImVec2(b.x + 0.5f * w * 4, b.y - 0.35f * w * 4), ImVec2(b.x + 0.5f * w * 4, b.y + 0.35f * w * 4), c);
}

// Text inside the broker is drawn at the layout's own size (it shrinks to fit a small canvas).
float g_em = 13;
ImVec2 text_size(const std::string& s) { return ImGui::GetFont()->CalcTextSizeA(g_em, 1e9f, 0, s.c_str()); }
// Text with the layout audit told of it (owned by the node it is drawn in or for).
const CanvasText* g_ct = nullptr;
void text(ImDrawList* dl, ImVec2 p, ImU32 c, const std::string& s, const std::string& owner) { g_ct->text(dl, p, c, s, owner, g_em); }
// A message's caption over edges and boxes: on a dark backdrop so it stays readable.
void caption(ImDrawList* dl, ImVec2 p, ImU32 c, const char* s, const std::string& owner) {
  const ImVec2 sz = text_size(s);
  dl->AddRectFilled(ImVec2(p.x - 2, p.y), ImVec2(p.x + sz.x + 2, p.y + sz.y), IM_COL32(14, 16, 22, 210), 2);
  text(dl, p, c, s, owner);
}
}  // namespace

int RoutingLayout::exchange_box(int index) const {
  for (std::size_t i = 0; i < exchanges.size(); ++i)
    if (exchanges[i].index == index) return static_cast<int>(i);
  return -1;
}

int RoutingLayout::queue_box(const std::string& name) const {
  for (std::size_t i = 0; i < queues.size(); ++i)
    if (queues[i].name == name) return static_cast<int>(i);
  return -1;
}

ImVec2 RoutingLayout::anchor(const Topology& topo, NodeId client) const {
  const RoutingGraph& g = topo.routing();
  const float mid = (frame.lo.y + frame.hi.y) / 2;
  if (topo.role(client) == Role::Producer) {
    if (const std::string* x = g.producer_exchange(client)) {
      const int b = exchange_box(g.find(*x, broker));
      if (b >= 0) {
        const Box& e = exchanges[static_cast<std::size_t>(b)].box;
        return ImVec2(e.lo.x, (e.lo.y + e.hi.y) / 2);
      }
    }
    return ImVec2(frame.lo.x, mid);
  }
  if (const std::string* q = g.consumer_queue(client)) {
    const int b = queue_box(*q);
    if (b >= 0) return ImVec2(queues[static_cast<std::size_t>(b)].box.hi.x, queues[static_cast<std::size_t>(b)].name_y);
  }
  return ImVec2(frame.hi.x, mid);
}

std::string RoutingLayout::exchange_node(const Topology& topo, std::size_t box) const {
  return topo.name(broker) + "/exchange " + topo.routing().exchanges()[static_cast<std::size_t>(exchanges[box].index)].title();
}

std::string RoutingLayout::queue_node(const Topology& topo, std::size_t box) const {
  return topo.name(broker) + "/queue " + queues[box].name;
}

void RoutingLayout::report_nodes(const Topology& topo, CanvasText& ct) const {
  if (!active) return;
  for (std::size_t i = 0; i < exchanges.size(); ++i) ct.node(exchanges[i].box.lo, exchanges[i].box.hi, exchange_node(topo, i));
  for (std::size_t i = 0; i < queues.size(); ++i) ct.node(queues[i].box.lo, queues[i].box.hi, queue_node(topo, i));
  // The broker's name tab, where its captions must not go.
  const ImVec2 ns = ImGui::GetFont()->CalcTextSizeA(em, 1e9f, 0, topo.name(broker).c_str());
  ct.node(frame.lo, ImVec2(frame.lo.x + ns.x + 1.0f * em, frame.lo.y + 1.3f * em), topo.name(broker));
}

namespace {
// A binding's key as written in its queue's box: a header match one pair per line
// ("all: format=pdf" / "type=report") unless everything must fit on one line.
std::vector<std::string> key_lines(const RouteExchange& x, const RouteBinding& b, bool one_line) {
  if (one_line || x.type != amqp::ExchangeType::Headers) return {b.label};
  std::vector<std::string> out;
  std::string cur;
  std::size_t i = 0;
  while (i < b.label.size()) {
    std::size_t j = b.label.find(' ', i);
    if (j == std::string::npos) j = b.label.size();
    const std::string word = b.label.substr(i, j - i);
    // "all:" stays with the first pair; each further pair on a line of its own.
    if (cur.empty() || cur.back() == ':') {
      cur += (cur.empty() ? "" : " ") + word;
    } else {
      out.push_back(cur);
      cur = "      " + word;
    }
    i = j + 1;
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

// `inline_keys`: each queue on one line, its binding keys after its name (half the
// height of a line per key, for a short canvas).
RoutingLayout layout_at(const Topology& topo, ImVec2 lo, ImVec2 hi, float em, bool inline_keys, float& need_h,
                        float& need_w) {
  g_em = em;
  RoutingLayout lay;
  lay.em = em;
  const RoutingGraph& g = topo.routing();
  if (g.empty() || topo.broker_count() != 1) return lay;
  for (NodeId n = 0; n < topo.size(); ++n)
    if (topo.role(n) == Role::Broker) lay.broker = n;
  lay.active = true;
  lay.frame = {lo, hi};
  // Exchanges drawn: every declared one, and the default exchange when it is used.
  for (std::size_t i = 0; i < g.exchanges().size(); ++i) {
    const RouteExchange& x = g.exchanges()[i];
    if (std::find(x.brokers.begin(), x.brokers.end(), lay.broker) == x.brokers.end()) continue;
    if (x.name.empty() && !x.used) continue;
    lay.exchanges.push_back({static_cast<int>(i), {}});
  }
  // Queues, each with a line per binding key that reaches it (the default exchange's
  // implicit key is the queue's own name, and fanout has none: those end at the name).
  const float lh = 1.2f * em, pad = 0.3f * em;
  std::vector<std::vector<float>> line_w;  // per queue: width of each line
  for (const auto& q : g.queues_of(lay.broker)) {
    lay.queues.push_back({q, {}, 0});
    line_w.push_back({text_size(q).x});
  }
  struct Pending {
    int exchange, binding, queue, line;
    float x;  // where its key starts, from the box's left side
    std::vector<std::string> lines;
  };
  std::vector<Pending> pend;
  for (const auto& eb : lay.exchanges) {
    const RouteExchange& x = g.exchanges()[static_cast<std::size_t>(eb.index)];
    for (std::size_t b = 0; b < x.bindings.size(); ++b) {
      const int q = lay.queue_box(x.bindings[b].binding.queue);
      if (q < 0) continue;
      int line = 0;
      float kx = 0.5f * em;
      auto& w = line_w[static_cast<std::size_t>(q)];
      std::vector<std::string> lines;
      if (!x.name.empty() && !x.bindings[b].label.empty()) {
        lines = key_lines(x, x.bindings[b], inline_keys);
        if (inline_keys) {
          kx = 0.5f * em + w[0] + 0.7f * em;
          w[0] += 0.7f * em + text_size(lines[0]).x;
        } else {
          line = static_cast<int>(w.size());
          for (const auto& l : lines) w.push_back(text_size(l).x);
        }
      }
      pend.push_back({eb.index, static_cast<int>(b), q, line, kx, std::move(lines)});
    }
  }
  float qw = 0, total = 0, xw = 0;
  for (const auto& eb : lay.exchanges) {
    const RouteExchange& x = g.exchanges()[static_cast<std::size_t>(eb.index)];
    xw = std::max(xw, std::max(text_size(x.title()).x, text_size(x.type_name()).x) + 1.0f * em);
  }
  for (const auto& w : line_w) {
    for (float v : w) qw = std::max(qw, v);
    total += static_cast<float>(w.size()) * lh + 2 * pad;
  }
  qw += 1.0f * em;
  const float top = lo.y + 1.6f * em, avail = hi.y - 0.3f * em - top;
  need_h = total + 0.35f * em * static_cast<float>(lay.queues.size() + 1) + 1.9f * em;
  need_w = qw + xw + 4.0f * em;  // paddings and at least 2.5 em of binding edges
  const float gap = std::max(0.35f * em, (avail - total) / static_cast<float>(lay.queues.size() + 1));
  float y = top + (total + gap * static_cast<float>(lay.queues.size() + 1) > avail ? 0.2f * em : gap);
  for (std::size_t q = 0; q < lay.queues.size(); ++q) {
    const float h = static_cast<float>(line_w[q].size()) * lh + 2 * pad;
    lay.queues[q].box = {ImVec2(hi.x - 0.5f * em - qw, y), ImVec2(hi.x - 0.5f * em, y + h)};
    lay.queues[q].name_y = y + pad + lh / 2;
    y += h + gap;
  }
  // Exchanges beside the queues they bind, top to bottom without overlapping.
  const float xh = 2.4f * em;
  std::vector<float> centre(lay.exchanges.size(), (top + hi.y) / 2);
  for (std::size_t i = 0; i < lay.exchanges.size(); ++i) {
    float sum = 0;
    int n = 0;
    for (const auto& p : pend)
      if (p.exchange == lay.exchanges[i].index) {
        const auto& qb = lay.queues[static_cast<std::size_t>(p.queue)].box;
        sum += (qb.lo.y + qb.hi.y) / 2;
        ++n;
      }
    if (n) centre[i] = sum / static_cast<float>(n);
  }
  std::vector<std::size_t> order(lay.exchanges.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return centre[a] < centre[b]; });
  float next = top;
  for (std::size_t k : order) {
    const RouteExchange& x = g.exchanges()[static_cast<std::size_t>(lay.exchanges[k].index)];
    std::string type = x.type_name();
    const float w = std::max(text_size(x.title()).x, text_size(type).x) + 1.0f * em;
    const float c = std::max(centre[k], next + xh / 2);
    lay.exchanges[k].box = {ImVec2(lo.x + 0.5f * em, c - xh / 2), ImVec2(lo.x + 0.5f * em + w, c + xh / 2)};
    next = c + xh / 2 + 0.6f * em;
  }
  // Stacked past the bottom (more exchanges than room beside their queues): all up by the
  // overflow, no higher than the top.
  const float over = std::min(next - 0.6f * em - (hi.y - 0.3f * em), next - 0.6f * em - top - xh * static_cast<float>(order.size()) -
                                                                          0.6f * em * static_cast<float>(order.size() - 1));
  if (!order.empty() && over > 0)
    for (auto& eb : lay.exchanges) eb.box.lo.y -= over, eb.box.hi.y -= over;
  for (const auto& p : pend) {
    const auto& eb = lay.exchanges[static_cast<std::size_t>(lay.exchange_box(p.exchange))].box;
    const auto& qb = lay.queues[static_cast<std::size_t>(p.queue)];
    RoutingLayout::Edge e;
    e.exchange = p.exchange;
    e.binding = p.binding;
    e.queue = p.queue;
    e.from = ImVec2(eb.hi.x, (eb.lo.y + eb.hi.y) / 2);
    e.to = ImVec2(qb.box.lo.x, qb.box.lo.y + pad + lh * (static_cast<float>(p.line) + 0.5f));
    e.label_x = qb.box.lo.x + p.x;
    e.lines = p.lines;
    lay.edges.push_back(e);
  }
  return lay;
}
}  // namespace

RoutingLayout layout_routing(const Topology& topo, ImVec2 lo, ImVec2 hi, float em) {
  float need_h = 0, need_w = 0;
  RoutingLayout lay = layout_at(topo, lo, hi, em, false, need_h, need_w);
  if (!lay.active) return lay;
  auto fit = [&] { return std::min((hi.y - lo.y) / need_h, (hi.x - lo.x) / need_w); };
  const float fit_lines = fit();
  if (fit_lines >= 1) return lay;
  // Too big for the canvas (large text on a small window): keys beside the queue names
  // (less height, more width) if that fits, else whichever of the two layouts needs the
  // text shrunk least, down to ImGui's default size (zooming the canvas gives it room).
  RoutingLayout flat = layout_at(topo, lo, hi, em, true, need_h, need_w);
  const float fit_flat = fit();
  if (fit_flat >= 1) return flat;
  const bool use_flat = fit_flat > fit_lines;
  const float small = std::max(em * std::max(fit_flat, fit_lines), std::min(em, 13.0f));
  return layout_at(topo, lo, hi, small, use_flat, need_h, need_w);
}

void draw_routing_back(ImDrawList* dl, const Topology& topo, const RoutingLayout& lay, double t, const CanvasText& ct) {
  const float em = g_em = lay.em;
  g_ct = &ct;
  const bool down = topo.node_down(lay.broker, t);
  const ImVec2 lo = lay.frame.lo, hi = lay.frame.hi;
  // A frame, not a fill: a large filled area costs a software rasterizer (llvmpipe) time.
  dl->AddRect(lo, hi, down ? theme::kDown : kBrokerFrame, 0.5f * em, 0, 2.0f);
  // The broker's name in a tab at the top left, like a node box's name.
  const std::string& name = topo.name(lay.broker);
  const ImVec2 ns = text_size(name);
  dl->AddRectFilled(lo, ImVec2(lo.x + ns.x + 1.0f * em, lo.y + 1.3f * em), down ? theme::kCrashed : kBrokerFrame, 0.5f * em,
                    ImDrawFlags_RoundCornersTopLeft | ImDrawFlags_RoundCornersBottomRight);
  text(dl, ImVec2(lo.x + 0.5f * em, lo.y + 0.15f * em), theme::kText, name, name);
  if (down) text(dl, ImVec2(lo.x + ns.x + 1.5f * em, lo.y + 0.15f * em), theme::kDown, "CRASHED", name);
  for (const auto& e : lay.edges) edge(dl, e.from, e.to, theme::kLink, 0.1f * em);
  const RoutingGraph& g = topo.routing();
  for (const auto& q : lay.queues) {
    const int x = lay.exchange_box(g.find(g.dead_letter_exchange(q.name), lay.broker));
    if (x < 0 || g.dead_letter_exchange(q.name).empty()) continue;
    const auto& xb = lay.exchanges[static_cast<std::size_t>(x)].box;
    dead_letter_path(dl, ImVec2(q.box.lo.x, q.box.hi.y - 0.4f * em), ImVec2(xb.hi.x, xb.hi.y - 0.5f * em),
                     alpha(kDeadLetter, 0.8f), 0.1f * em, true);
  }
}

void draw_routing_front(ImDrawList* dl, const Topology& topo, const RoutingLayout& lay, double t, double flash_s,
                        MsgId selected, const CanvasText& ct) {
  const float em = g_em = lay.em;
  g_ct = &ct;
  const RoutingGraph& g = topo.routing();
  const bool down = topo.node_down(lay.broker, t);
  const float lh = 1.2f * em;
  static std::vector<const Route*> recent;
  g.routes_in(t - flash_s, t, recent);
  // Lit bindings first (under the boxes' text), then boxes, then the messages' labels.
  for (const Route* r : recent) {
    if (r->broker != lay.broker || lay.exchange_box(r->exchange) < 0) continue;
    const float age = static_cast<float>((t - r->t) / flash_s);
    const ImU32 c = alpha(msg_color(r->msg, selected && selected != r->msg ? 110 : 255), 1.0f - 0.6f * age);
    for (int b : r->bindings)
      for (const auto& e : lay.edges)
        if (e.exchange == r->exchange && e.binding == b) {
          edge(dl, e.from, e.to, c, 0.28f * em);
          dl->AddCircleFilled(e.to, 0.3f * em, c, 12);
        }
    if (!r->dead_lettered_from.empty()) {
      const int q = lay.queue_box(r->dead_lettered_from);
      const auto& xb = lay.exchanges[static_cast<std::size_t>(lay.exchange_box(r->exchange))].box;
      if (q >= 0) {
        const auto& qb = lay.queues[static_cast<std::size_t>(q)].box;
        dead_letter_path(dl, ImVec2(qb.lo.x, qb.hi.y - 0.4f * em), ImVec2(xb.hi.x, xb.hi.y - 0.5f * em), c, 0.28f * em, false);
      }
    }
  }
  for (std::size_t i = 0; i < lay.exchanges.size(); ++i) {
    const auto& eb = lay.exchanges[i];
    const std::string owner = lay.exchange_node(topo, i);
    const RouteExchange& x = g.exchanges()[static_cast<std::size_t>(eb.index)];
    dl->AddRectFilled(eb.box.lo, eb.box.hi, down ? theme::kCrashed : kExchangeFill, 0.3f * em);
    dl->AddRect(eb.box.lo, eb.box.hi, theme::kText, 0.3f * em, 0, 1.5f);
    const std::string title = x.title(), type = x.type_name();
    const float cx = (eb.box.lo.x + eb.box.hi.x) / 2;
    text(dl, ImVec2(cx - text_size(title).x / 2, eb.box.lo.y + 0.15f * em), theme::kText, title, owner);
    text(dl, ImVec2(cx - text_size(type).x / 2, eb.box.lo.y + 1.15f * em), theme::kDim, type, owner);
  }
  for (std::size_t i = 0; i < lay.queues.size(); ++i) {
    const auto& q = lay.queues[i];
    dl->AddRectFilled(q.box.lo, q.box.hi, down ? theme::kCrashed : kQueueFill, 0.2f * em);
    dl->AddRect(q.box.lo, q.box.hi, theme::kText, 0.2f * em, 0, 1.2f);
    text(dl, ImVec2(q.box.lo.x + 0.5f * em, q.name_y - 0.5f * em), theme::kText, q.name, lay.queue_node(topo, i));
  }
  // Binding keys inside the queue boxes; the ones a message just matched on its colour.
  for (const auto& e : lay.edges) {
    if (e.lines.empty()) continue;
    ImU32 bg = 0;
    for (const Route* r : recent)
      if (r->broker == lay.broker && r->exchange == e.exchange &&
          std::find(r->bindings.begin(), r->bindings.end(), e.binding) != r->bindings.end())
        bg = alpha(msg_color(r->msg), 0.85f - 0.5f * static_cast<float>((t - r->t) / flash_s));
    float w = 0;
    for (const auto& l : e.lines) w = std::max(w, text_size(l).x);
    const float n = static_cast<float>(e.lines.size());
    if (bg) dl->AddRectFilled(ImVec2(e.label_x - 0.25f * em, e.to.y - lh / 2), ImVec2(e.label_x + w + 0.25f * em, e.to.y + lh * (n - 0.5f)), bg, 0.2f * em);
    for (std::size_t i = 0; i < e.lines.size(); ++i)
      text(dl, ImVec2(e.label_x, e.to.y - 0.5f * em + lh * static_cast<float>(i)), bg ? IM_COL32(0, 0, 0, 255) : kKey, e.lines[i],
           lay.queue_node(topo, static_cast<std::size_t>(e.queue)));
  }
  // What each message just did: its key at the exchange, or that nothing took it.
  std::vector<int> stacked(lay.exchanges.size(), 0);
  for (const Route* r : recent) {
    const int xb = lay.exchange_box(r->exchange);
    if (r->broker != lay.broker || xb < 0) continue;
    const auto& box = lay.exchanges[static_cast<std::size_t>(xb)].box;
    const std::string owner = lay.exchange_node(topo, static_cast<std::size_t>(xb));
    const float age = static_cast<float>((t - r->t) / flash_s);
    const ImU32 c = alpha(msg_color(r->msg), 1.0f - 0.6f * age);
    char buf[200];
    const std::string& key = g.label(r->msg);
    if (!r->dead_lettered_from.empty())
      std::snprintf(buf, sizeof buf, "m%llu dead-lettered from %s (%s)", static_cast<unsigned long long>(r->msg),
                    r->dead_lettered_from.c_str(), r->reason.c_str());
    else
      std::snprintf(buf, sizeof buf, "m%llu %s", static_cast<unsigned long long>(r->msg), key.empty() ? "(no key)" : key.c_str());
    const int k = stacked[static_cast<std::size_t>(xb)]++;
    if (r->unroutable) {
      // Out of the exchange through no binding: the message drifts away and fades.
      const ImVec2 from(box.hi.x, (box.lo.y + box.hi.y) / 2);
      const ImVec2 p(from.x + 2.5f * em * age, from.y + 2.2f * em * age + 0.6f * em);
      const ImU32 red = alpha(theme::kDown, 1.0f - 0.7f * age);
      dl->AddCircleFilled(p, 0.45f * em, c, 16);
      char why[240];
      std::snprintf(why, sizeof why, "%s: unroutable, %s", buf,
                    r->returned ? "basic.return to the producer" : "dropped");
      // Beside the drifting message, else under the exchange; never over a queue box.
      const ImVec2 at = ct.place(text_size(why), {ImVec2(p.x + 0.7f * em, p.y - 0.5f * em + static_cast<float>(k) * lh),
                                                  ImVec2(box.lo.x, box.hi.y + 0.2f * em + static_cast<float>(k) * lh),
                                                  ImVec2(box.lo.x, box.lo.y - lh * static_cast<float>(k + 1))},
                                 owner);
      caption(dl, at, red, why, owner);
      continue;
    }
    // Above the exchange, stacked; under it when another box (or the canvas top) is there.
    const ImVec2 at = ct.place(text_size(buf), {ImVec2(box.lo.x, box.lo.y - lh * static_cast<float>(k + 1)),
                                                ImVec2(box.lo.x, box.hi.y + 0.2f * em + lh * static_cast<float>(k))},
                               owner);
    caption(dl, at, c, buf, owner);
  }
}

}  // namespace bs::gui
