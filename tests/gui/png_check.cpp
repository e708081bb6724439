// png_check FILE WIDTH HEIGHT: exit 0 if FILE is a PNG of exactly that size whose pixels
// are not blank (luminance variance and number of distinct colours above a floor).
#include <cstdio>
#include <cstdlib>
#include <set>

#include <stb_image.h>

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: png_check FILE WIDTH HEIGHT\n");
    return 2;
  }
  int want_w = std::atoi(argv[2]), want_h = std::atoi(argv[3]);
  int w = 0, h = 0, n = 0;
  unsigned char* px = stbi_load(argv[1], &w, &h, &n, 3);
  if (!px) {
    std::fprintf(stderr, "png_check: %s: cannot read PNG (%s)\n", argv[1], stbi_failure_reason());
    return 1;
  }
  int rc = 0;
  if (w != want_w || h != want_h) {
    std::fprintf(stderr, "png_check: %s is %dx%d, expected %dx%d\n", argv[1], w, h, want_w, want_h);
    rc = 1;
  }
  double sum = 0, sum2 = 0;
  std::set<unsigned> colours;
  std::size_t count = static_cast<std::size_t>(w) * h;
  for (std::size_t i = 0; i < count; ++i) {
    const unsigned char* p = px + 3 * i;
    double y = 0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2];
    sum += y;
    sum2 += y * y;
    if (colours.size() < 100000) colours.insert((p[0] << 16) | (p[1] << 8) | p[2]);
  }
  double mean = sum / count, var = sum2 / count - mean * mean;
  std::printf("png_check: %s %dx%d, luminance mean %.1f variance %.1f, %zu colours\n", argv[1], w, h, mean, var, colours.size());
  // A blank or single-colour frame has variance ~0 and a handful of colours; a drawn UI
  // with text and coloured dots has hundreds.
  if (var < 50.0 || colours.size() < 64) {
    std::fprintf(stderr, "png_check: %s looks blank\n", argv[1]);
    rc = 1;
  }
  stbi_image_free(px);
  return rc;
}
