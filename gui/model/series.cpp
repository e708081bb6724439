#include "model/series.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "model/sim_state.hpp"
#include "vocabulary/event_read.hpp"
#include "vocabulary/vocabulary.hpp"

namespace bs::gui {
namespace {
constexpr float kNone = std::numeric_limits<float>::quiet_NaN();

// Lines by name, created on first sight with zeros (or NaN) for the samples before.
struct Lines {
  std::map<std::string, std::vector<float>> by_name;
  std::size_t samples = 0;
  float before = 0;
  std::vector<float>& at(const std::string& name) {
    auto [it, fresh] = by_name.try_emplace(name);
    if (fresh) it->second.assign(samples, before);
    return it->second;
  }
};

// Nearest-rank percentile of unsorted values (q in (0, 1]).
float percentile(std::vector<float>& v, double q) {
  const std::size_t rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(v.size())));
  const std::size_t k = std::clamp<std::size_t>(rank, 1, v.size()) - 1;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

// Keep the max_lines - 1 largest lines, sum the rest into one "other N" line.
std::vector<SeriesLine> capped(Lines& lines, std::size_t max_lines) {
  std::vector<SeriesLine> out;
  for (auto& [name, v] : lines.by_name) out.push_back(SeriesLine{name, std::move(v), false});
  if (out.size() <= max_lines) return out;
  auto peak = [](const SeriesLine& l) {
    float m = 0;
    for (float x : l.v)
      if (!std::isnan(x)) m = std::max(m, x);
    return m;
  };
  std::stable_sort(out.begin(), out.end(), [&](const SeriesLine& a, const SeriesLine& b) { return peak(a) > peak(b); });
  SeriesLine other{"other " + std::to_string(out.size() - (max_lines - 1)), std::vector<float>(out.front().v.size(), 0), false};
  for (std::size_t i = max_lines - 1; i < out.size(); ++i)
    for (std::size_t k = 0; k < other.v.size(); ++k)
      if (!std::isnan(out[i].v[k])) other.v[k] += out[i].v[k];
  out.resize(max_lines - 1);
  out.push_back(std::move(other));
  return out;
}
}  // namespace

const char* chart_unit_label(ChartUnit u) {
  switch (u) {
    case ChartUnit::Messages: return "messages";
    case ChartUnit::PerSecond: return "msg/s";
    case ChartUnit::Milliseconds: return "ms";
    case ChartUnit::Bytes: return "bytes";
    case ChartUnit::Publishers: return "publishers";
  }
  return "";
}

double round_step(double span, std::size_t n) {
  if (!(span > 0) || n == 0) return 1.0;
  const double raw = span / static_cast<double>(n);
  double p = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * p >= raw * (1 - 1e-9)) return m * p;
  return 10 * p;
}

std::uint64_t published_ids(const Trace& tr) {
  std::vector<MsgId> ids;
  for (const auto& e : tr.events)
    if (e.kind == ev::Publish) ids.push_back(e.msg);
  std::sort(ids.begin(), ids.end());
  return static_cast<std::uint64_t>(std::unique(ids.begin(), ids.end()) - ids.begin());
}

std::size_t RunSeries::sample_at(double t) const {
  if (samples == 0 || !(t > 0)) return 0;
  // Sample k holds the state at k * dt; a small tolerance keeps t = k * dt on sample k.
  const auto k = static_cast<std::size_t>(std::floor(t / dt + 1e-9));
  return std::min(k, samples - 1);
}

const Chart* RunSeries::find(ChartKind k) const {
  for (const auto& c : charts)
    if (c.kind == k) return &c;
  return nullptr;
}

RunSeries build_series(const Trace& tr, double t_end, std::size_t max_samples, std::size_t max_lines) {
  RunSeries s;
  max_samples = std::max<std::size_t>(max_samples, 2);
  s.dt = round_step(std::max(t_end, 1e-3), max_samples - 1);
  s.samples = std::min(max_samples, static_cast<std::size_t>(std::ceil(t_end / s.dt - 1e-9)) + 1);
  s.samples = std::max<std::size_t>(s.samples, 2);
  s.window = std::max(1, static_cast<int>(std::lround(static_cast<double>(s.samples) / 24.0)));
  const std::size_t n = s.samples;

  SimState st = sim_state_for(tr);
  const auto& raw = tr.header.raw;
  if (raw.contains("queues") && raw["queues"].is_array())
    for (const auto& q : raw["queues"])
      if (q.is_string()) st.declare_queue(q.get<std::string>());

  Lines ready, unacked, lag, memory, limit;
  for (Lines* l : {&ready, &unacked, &lag}) l->samples = n;
  for (Lines* l : {&memory, &limit}) l->samples = n, l->before = kNone;
  std::vector<float> published(n, 0), processed(n, 0), blocked(n, 0);
  std::vector<std::vector<float>> latencies(n);
  std::map<NodeId, std::pair<double, double>> mem_now;  // node -> (memory_bytes, limit_bytes)
  std::set<std::string> lag_groups;
  // A group subscribed to a topic lags from the first record on, before its first fetch.
  const TopicGroups subscribed = topic_groups_from_header(raw);
  bool any_blocked = false, any_queue = false;

  const auto& events = tr.events;
  std::size_t i = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const double tk = s.t_of(k);
    for (; i < events.size() && events[i].t <= tk; ++i) {
      const Event& e = events[i];
      st.apply(e, i);
      const Verdict& v = st.ledger().last_verdict();
      if (v.latency_ms >= 0) latencies[k].push_back(static_cast<float>(v.latency_ms));
      if (e.kind == ev::MemoryAlarm)
        mem_now[e.node] = {static_cast<double>(field::integer<"memory_bytes">(e)),
                           static_cast<double>(field::integer<"limit_bytes">(e))};
      if (e.kind == ev::Blocked) any_blocked = true;
    }
    for (const auto& q : st.queues()) {
      std::size_t un = 0;
      for (const auto& [c, list] : q.unacked) un += list.size();
      any_queue |= q.enqueued > 0;
      ready.at(q.name)[k] = static_cast<float>(q.ready.size());
      unacked.at(q.name)[k] = static_cast<float>(un);
    }
    for (const auto& p : st.partitions()) {
      // Kafka's consumer lag: log end offset minus the group's committed offset (its
      // members' fetch position before the first commit; the log start before any read).
      std::map<std::string, std::int64_t> pos;
      if (auto g = subscribed.find(p.name.substr(0, p.name.rfind('/'))); g != subscribed.end())
        for (const auto& name : g->second) pos.emplace(name, -1);
      for (const auto& [c, cur] : p.cursors)
        if (!cur.group.empty()) pos[cur.group] = std::max(pos.count(cur.group) ? pos[cur.group] : -1, cur.position);
      for (const auto& [g, position] : pos) {
        const std::int64_t committed = st.ledger().committed_offset(g, p.name);
        const std::int64_t base = committed >= 0 ? committed : position >= 0 ? position : p.log_start;
        lag.at(p.name + "\t" + g)[k] = static_cast<float>(std::max<std::int64_t>(0, p.next_offset - base));
        lag_groups.insert(g);
      }
    }
    for (const auto& [node, m] : mem_now) {
      const std::string name = node < tr.header.node_names.size() ? tr.header.node_names[node] : "?";
      memory.at(name)[k] = static_cast<float>(m.first);
      limit.at(name + " limit")[k] = static_cast<float>(m.second);
    }
    for (NodeId nd = 0; nd < tr.header.node_names.size(); ++nd) blocked[k] += st.blocked(nd) ? 1.0f : 0.0f;
    const Totals t = st.ledger().totals();
    published[k] = static_cast<float>(t.published);
    processed[k] = static_cast<float>(t.processed);
    if (k + 1 == n) s.messages = t.published;
  }

  if (any_queue) {
    s.charts.push_back(Chart{ChartKind::QueueDepth, "Queue depth (ready)", ChartUnit::Messages, capped(ready, max_lines), ""});
    s.charts.push_back(Chart{ChartKind::Unacked, "Unacked deliveries", ChartUnit::Messages, capped(unacked, max_lines), ""});
  }
  if (!lag.by_name.empty()) {
    // "topic/0\tgroup": name the group only when there is more than one.
    Lines named;
    named.samples = n;
    for (auto& [key, v] : lag.by_name) {
      const auto tab = key.find('\t');
      named.by_name[lag_groups.size() > 1 ? key.substr(0, tab) + " " + key.substr(tab + 1) : key.substr(0, tab)] = std::move(v);
    }
    s.charts.push_back(Chart{ChartKind::ConsumerLag, "Consumer lag (log end - committed)", ChartUnit::Messages,
                             capped(named, max_lines), ""});
  }
  char note[64];
  std::snprintf(note, sizeof note, "over the last %.3g s", s.window * s.dt);
  if (published.back() > 0) {
    auto rate = [&](const std::vector<float>& cum) {
      std::vector<float> r(n, 0);
      for (std::size_t k = 1; k < n; ++k) {
        const std::size_t from = k >= static_cast<std::size_t>(s.window) ? k - s.window : 0;
        r[k] = static_cast<float>((cum[k] - cum[from]) / (static_cast<double>(k - from) * s.dt));
      }
      return r;
    };
    s.charts.push_back(Chart{ChartKind::Throughput, "Throughput", ChartUnit::PerSecond,
                             {SeriesLine{"published", rate(published)}, SeriesLine{"processed", rate(processed)}}, note});
  }
  bool any_latency = false;
  for (const auto& l : latencies) any_latency |= !l.empty();
  if (any_latency) {
    SeriesLine p50{"p50", std::vector<float>(n, kNone)}, p99{"p99", std::vector<float>(n, kNone)};
    std::vector<float> win;
    for (std::size_t k = 0; k < n; ++k) {
      win.clear();
      for (std::size_t j = k >= static_cast<std::size_t>(s.window) ? k - s.window + 1 : 0; j <= k; ++j)
        win.insert(win.end(), latencies[j].begin(), latencies[j].end());
      if (win.empty()) continue;
      p50.v[k] = percentile(win, 0.50);
      p99.v[k] = percentile(win, 0.99);
    }
    s.charts.push_back(Chart{ChartKind::Latency, "Latency, publish to processing", ChartUnit::Milliseconds,
                             {std::move(p50), std::move(p99)}, std::string("processings ") + note});
  }
  if (!memory.by_name.empty()) {
    auto lines = capped(memory, max_lines);
    for (auto& l : capped(limit, max_lines)) {
      l.dashed = true;
      lines.push_back(std::move(l));
    }
    s.charts.push_back(Chart{ChartKind::Memory, "Broker memory", ChartUnit::Bytes, std::move(lines),
                             "read at each memory_alarm"});
  }
  if (any_blocked)
    s.charts.push_back(Chart{ChartKind::Blocked, "Blocked publishers", ChartUnit::Publishers,
                             {SeriesLine{"connection.blocked", blocked}}, ""});
  return s;
}

}  // namespace bs::gui
