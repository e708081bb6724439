#include "model/time_window.hpp"

#include <algorithm>

namespace bs::gui {

TimeWindow TimeWindow::fit(double activity_end, double t_end) {
  // A margin after the last event, so its marker is not on the frame's edge.
  double end = std::min(t_end, activity_end * 1.1 + 0.05);
  if (end <= 0) end = t_end > 0 ? t_end : 1.0;
  return TimeWindow{0.0, end};
}

void TimeWindow::pan(double dt, double t_end) {
  const double s = span();
  t0 = std::clamp(t0 + dt, 0.0, std::max(0.0, t_end - s));
  t1 = t0 + s;
}

void TimeWindow::zoom_at(double t, double factor, double t_end) {
  const double s = std::clamp(span() * factor, kMinSpan, std::max(kMinSpan, t_end));
  const double frac = span() > 0 ? (t - t0) / span() : 0.5;
  t0 = t - frac * s;
  t1 = t0 + s;
  pan(0, t_end);  // back inside [0, t_end]
}

void TimeWindow::follow(double t, double t_end) {
  if (contains(t)) return;
  const double s = span();
  pan(t > t1 ? (t - 0.1 * s) - t0 : (t - 0.9 * s) - t0, t_end);
}

}  // namespace bs::gui
