// The part of a run the timeline shows: fitted to the activity, zoomed and panned by the
// user, following the playhead. Times are simulated seconds.
#pragma once

namespace bs::gui {

/// A visible time range [t0, t1] inside [0, t_end].
struct TimeWindow {
  double t0 = 0, t1 = 1;

  /// The active part of a run: from 0 to a little past its last event that changes what
  /// is drawn (TraceModel::activity_end), never past t_end; the whole run if idle.
  static TimeWindow fit(double activity_end, double t_end);
  double span() const { return t1 - t0; }
  bool contains(double t) const { return t >= t0 && t <= t1; }
  /// Zoom by `factor` (< 1 zooms in) keeping time t where it is on screen; the span stays
  /// between kMinSpan and t_end.
  void zoom_at(double t, double factor, double t_end);
  /// Move the range by dt, staying inside [0, t_end].
  void pan(double dt, double t_end);
  /// Bring t into view if it is outside: the range moves (same span) so t sits a tenth of
  /// the span from the edge it entered by, as a page turns when playing.
  void follow(double t, double t_end);

  static constexpr double kMinSpan = 1e-4;  ///< 0.1 ms: a frame's hop is still several pixels wide
};

}  // namespace bs::gui
