#include "window.hpp"

#include <GLFW/glfw3.h>
#include <imgui.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <stb_image_write.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include <sys/resource.h>

#include "layout_audit.hpp"
#include "theme.hpp"
#include "views.hpp"

namespace bs::gui {
namespace {

struct Gl {
  GLFWwindow* win = nullptr;
  bool ok = false;
};

void glfw_error(int code, const char* what) { std::fprintf(stderr, "brokersim-gui: GLFW error %d: %s\n", code, what); }

Gl open_window(const Options& opt, bool visible) {
  Gl g;
  glfwSetErrorCallback(glfw_error);
  if (!glfwInit()) {
    std::fprintf(stderr, "brokersim-gui: cannot initialise GLFW (no display? run under xvfb-run)\n");
    return g;
  }
  glfwWindowHint(GLFW_VISIBLE, visible ? GLFW_TRUE : GLFW_FALSE);
  glfwWindowHint(GLFW_RESIZABLE, visible ? GLFW_TRUE : GLFW_FALSE);
  g.win = glfwCreateWindow(opt.width, opt.height, "brokersim-gui", nullptr, nullptr);
  if (!g.win) {
    std::fprintf(stderr, "brokersim-gui: cannot create a %dx%d OpenGL window\n", opt.width, opt.height);
    glfwTerminate();
    return g;
  }
  glfwMakeContextCurrent(g.win);
  glfwSwapInterval(visible && !opt.bench ? 1 : 0);
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  if (!visible) io.IniFilename = nullptr;  // tests must not depend on (or write) saved layouts
  theme::setup(false);
  theme::set_font_scale(opt.font_scale);
  ImGui_ImplGlfw_InitForOpenGL(g.win, true);
  ImGui_ImplOpenGL3_Init("#version 130");
  g.ok = true;
  return g;
}

void close_window(Gl& g) {
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(g.win);
#if !BROKERSIM_SANITIZE
  // Under LeakSanitizer the GL driver stays loaded to the end: unloaded, its one leaked
  // allocation (tests/sanitize/lsan.supp) would have no module name to be suppressed by.
  glfwTerminate();
#endif
}

// One frame. In headless mode the time step is fixed so output never depends on the clock.
void render_frame(Gl& g, AppState& app, bool fixed_dt) {
  glfwPollEvents();
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  if (fixed_dt) ImGui::GetIO().DeltaTime = 1.0f / 60.0f;
  ImGui::NewFrame();
  draw_frame(app);
  ImGui::Render();
  int w, h;
  glfwGetFramebufferSize(g.win, &w, &h);
  glViewport(0, 0, w, h);
  ImVec4 bg = ImGui::ColorConvertU32ToFloat4(theme::kBackground);
  glClearColor(bg.x, bg.y, bg.z, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
}

bool write_png(const std::string& path, int w, int h) {
  std::vector<unsigned char> px(static_cast<std::size_t>(w) * h * 3);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, w, h, GL_RGB, GL_UNSIGNED_BYTE, px.data());
  // OpenGL's first row is the bottom one; PNG's is the top.
  std::vector<unsigned char> flipped(px.size());
  std::size_t row = static_cast<std::size_t>(w) * 3;
  for (int y = 0; y < h; ++y) std::copy_n(&px[static_cast<std::size_t>(h - 1 - y) * row], row, &flipped[static_cast<std::size_t>(y) * row]);
  return stbi_write_png(path.c_str(), w, h, 3, flipped.data(), static_cast<int>(row)) != 0;
}

}  // namespace

int run_window(AppState& app, const Options& opt) {
  Gl g = open_window(opt, true);
  if (!g.ok) return 1;
  while (!glfwWindowShouldClose(g.win)) {
    render_frame(g, app, false);
    glfwSwapBuffers(g.win);
  }
  close_window(g);
  return 0;
}

namespace {

// Press one key ("right", "shift+right", "alt+left", ...) for one frame, the way the GLFW
// backend reports it (modifiers held down with it), then release it.
bool press_key(Gl& g, AppState& app, std::string name) {
  bool shift = false, alt = false;
  for (bool more = true; more;) {
    more = false;
    if (name.rfind("shift+", 0) == 0) shift = more = true, name.erase(0, 6);
    if (name.rfind("alt+", 0) == 0) alt = more = true, name.erase(0, 4);
  }
  int key = name == "space" ? GLFW_KEY_SPACE : name == "left" ? GLFW_KEY_LEFT : name == "right" ? GLFW_KEY_RIGHT
          : name == "home" ? GLFW_KEY_HOME : name == "end" ? GLFW_KEY_END : -1;
  if (key < 0) return false;
  ImGuiIO& io = ImGui::GetIO();
  auto hold = [&](bool down) {
    io.KeysDown[key] = down;
    io.KeysDown[GLFW_KEY_LEFT_SHIFT] = io.KeyShift = down && shift;
    io.KeysDown[GLFW_KEY_LEFT_ALT] = io.KeyAlt = down && alt;
  };
  hold(true);
  render_frame(g, app, true);
  glfwSwapBuffers(g.win);
  hold(false);
  render_frame(g, app, true);
  glfwSwapBuffers(g.win);
  return true;
}

}  // namespace

int run_screenshot(AppState& app, const Options& opt) {
  Gl g = open_window(opt, false);
  if (!g.ok) return 1;
  app.playing = false;
  app.seek(opt.at);
  std::stringstream keys(opt.keys);
  for (std::string k; std::getline(keys, k, ',');)
    if (!k.empty() && !press_key(g, app, k)) {
      std::fprintf(stderr, "brokersim-gui: --keys: unknown key \"%s\" (space, left, right, home, end; shift+ or alt+ before left / right)\n", k.c_str());
      close_window(g);
      return 2;
    }
  // Tab bars and child windows settle over a couple of frames.
  for (int i = 0; i < 4; ++i) {
    render_frame(g, app, true);
    if (i < 3) glfwSwapBuffers(g.win);
  }
  int w, h;
  glfwGetFramebufferSize(g.win, &w, &h);
  glFinish();
  bool ok = write_png(opt.screenshot, w, h);
  glfwSwapBuffers(g.win);
  close_window(g);
  if (!ok) {
    std::fprintf(stderr, "brokersim-gui: cannot write %s\n", opt.screenshot.c_str());
    return 1;
  }
  std::printf("brokersim-gui: wrote %s at t = %.6f s\n", opt.screenshot.c_str(), app.t);
  if (app.runs.size() > 1)
    for (const auto& line : describe_runs(app.runs, app.lesson.try_expect)) std::printf("  %s\n", line.c_str());
  if (w != opt.width || h != opt.height)
    std::fprintf(stderr, "brokersim-gui: warning: framebuffer is %dx%d, not the requested %dx%d\n", w, h, opt.width, opt.height);
  return 0;
}

int run_layout_check(AppState& app, const Options& opt) {
  Gl g = open_window(opt, false);
  if (!g.ok) return 1;
  audit::set_enabled(true);
  app.playing = false;
  // A laptop and a projector, each at text scale 1 and 2.
  struct Config {
    int w, h;
    float scale;
  };
  const Config configs[] = {{1280, 800, 1.0f}, {1280, 800, 2.0f}, {1920, 1080, 1.0f}, {1920, 1080, 2.0f}};
  // The start, the busy middle and the end of the activity, and the end of the run.
  double act = app.model().activity_end;
  const double times[] = {0.0, act / 3, 2 * act / 3, app.t_end()};
  std::size_t total = 0;
  for (const auto& c : configs) {
    glfwSetWindowSize(g.win, c.w, c.h);
    theme::set_font_scale(c.scale);
    app.font_scale = c.scale;
    std::vector<std::string> seen, found;
    // Three or more runs: the left column shows canvases or broker internals; audit both.
    const int views = app.runs.size() > 2 ? 2 : 1;
    for (int view = 0; view < views; ++view)
    for (double t : times) {
      for (int tab = 0; tab < kSideTabCount; ++tab) {
        app.show_internals = view == 1;
        app.seek(t);
        app.tab = static_cast<SideTab>(tab);
        // Child windows learn their content size from the frame before: settle first.
        for (int i = 0; i < 3; ++i) {
          render_frame(g, app, true);
          glfwSwapBuffers(g.win);
        }
        for (const auto& p : audit::problems()) {
          // Report each window or label once, at the first time and tab it goes wrong.
          std::string what = p.substr(0, p.find(':'));
          if (std::find(seen.begin(), seen.end(), what) != seen.end()) continue;
          seen.push_back(what);
          char at[64];
          std::snprintf(at, sizeof at, "t = %.3f s, tab %d%s: ", app.t, tab, view ? ", broker internals" : "");
          found.push_back(at + p);
        }
      }
    }
    int w, h;
    glfwGetWindowSize(g.win, &w, &h);
    std::printf("layout at %dx%d, text %.1fx: %zu problem(s)\n", w, h, c.scale, found.size());
    for (const auto& f : found) std::printf("  %s\n", f.c_str());
    total += found.size();
  }
  close_window(g);
  return total == 0 ? 0 : 1;
}

int run_bench(AppState& app, const Options& opt) {
  Gl g = open_window(opt, false);
  if (!g.ok) return 1;
  auto [peak, t_peak] = app.model().packets.busiest();
  int n = std::max(opt.frames, 10);
  app.playing = false;
  std::vector<double> ms;
  std::vector<Dot> dots;
  // CPU time of the whole process (llvmpipe's threads too): on a machine shared with
  // other work the wall time says more about the neighbours than about the frame.
  auto cpu_ms = [] {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return 1e3 * static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           1e-3 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
  };
  double cpu0 = 0;
  std::size_t in_flight_min = SIZE_MAX;
  for (int i = 0; i < n + 5; ++i) {
    // Move a little each frame, as playing at 1x would, so every frame recomputes the view.
    double t = t_peak + (i % 60) / 600.0;
    app.model().packets.dots_at(t, dots);
    in_flight_min = std::min(in_flight_min, dots.size());
    auto t0 = std::chrono::steady_clock::now();
    app.seek(t);
    render_frame(g, app, true);
    glFinish();  // llvmpipe renders on the CPU: count its work in the frame
    glfwSwapBuffers(g.win);
    auto t1 = std::chrono::steady_clock::now();
    if (i == 4) cpu0 = cpu_ms();
    if (i >= 5) ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());  // skip warm-up
  }
  const double cpu_per_frame = (cpu_ms() - cpu0) / static_cast<double>(ms.size());
  close_window(g);
  std::vector<double> sorted = ms;
  std::sort(sorted.begin(), sorted.end());
  double mean = 0;
  for (double v : ms) mean += v;
  mean /= static_cast<double>(ms.size());
  double p99 = sorted[std::min(sorted.size() - 1, static_cast<std::size_t>(0.99 * static_cast<double>(sorted.size())))];
  std::printf("bench: %zu frames at %dx%d, at least %zu frames in flight in every frame (peak %zu at t=%.3f s)\n",
              ms.size(), opt.width, opt.height, in_flight_min, peak, t_peak);
  std::printf("frame time: mean %.2f ms, p99 %.2f ms, max %.2f ms (CPU, all threads: %.2f ms per frame)\n", mean, p99,
              sorted.back(), cpu_per_frame);
  return 0;
}

}  // namespace bs::gui
