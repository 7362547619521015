/*
 * The guide example's report, rendered by headless Chromium (Debian's
 * chromium, installed by the setup) to a PNG: it is not blank, and its
 * charts are where the page puts them. The PNG is kept in the build folder
 * (report-guide-example.png) for a person to look at.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

extern char **environ;

static int spawn_wait(const char *const *argv, const char *log) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, log, O_WRONLY | O_CREAT | O_APPEND, 0644);
  pid_t pid;
  int rc = posix_spawn(&pid, argv[0], &fa, NULL, (char *const *)argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc) return -1;
  int st;
  waitpid(pid, &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

typedef struct {
  uint32_t w, h;
  int channels;
  uint8_t *px; /* w * h * channels */
} image;

static uint32_t be32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }

static int paeth(int a, int b, int c) {
  int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/* Decode an 8-bit RGB or RGBA, non-interlaced PNG. */
static void png_read(const char *path, image *img) {
  memset(img, 0, sizeof *img);
  FILE *f = fopen(path, "rb");
  cr_assert_not_null(f, "no PNG at %s", path);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t *b = malloc((size_t)n);
  cr_assert_eq(fread(b, 1, (size_t)n, f), (size_t)n);
  fclose(f);
  cr_assert(n > 8 && memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0, "not a PNG");
  uint8_t *idat = malloc((size_t)n);
  size_t idat_len = 0;
  for (long p = 8; p + 12 <= n;) {
    uint32_t len = be32(b + p);
    const uint8_t *type = b + p + 4, *data = b + p + 8;
    if (memcmp(type, "IHDR", 4) == 0) {
      img->w = be32(data);
      img->h = be32(data + 4);
      cr_assert_eq(data[8], 8, "8 bits per sample");
      cr_assert(data[9] == 2 || data[9] == 6, "RGB or RGBA");
      cr_assert_eq(data[12], 0, "not interlaced");
      img->channels = data[9] == 6 ? 4 : 3;
    } else if (memcmp(type, "IDAT", 4) == 0) {
      memcpy(idat + idat_len, data, len);
      idat_len += len;
    }
    p += 12 + (long)len;
  }
  size_t stride = (size_t)img->w * (size_t)img->channels;
  uLongf raw_len = (uLongf)((stride + 1) * img->h);
  uint8_t *raw = malloc(raw_len);
  cr_assert_eq(uncompress(raw, &raw_len, idat, (uLong)idat_len), Z_OK, "cannot inflate the PNG");
  img->px = malloc(stride * img->h);
  for (uint32_t y = 0; y < img->h; y++) {
    uint8_t filter = raw[y * (stride + 1)];
    const uint8_t *in = raw + y * (stride + 1) + 1;
    uint8_t *out = img->px + y * stride, *up = y ? out - stride : NULL;
    for (size_t x = 0; x < stride; x++) {
      int a = x >= (size_t)img->channels ? out[x - (size_t)img->channels] : 0, u = up ? up[x] : 0;
      int c = up && x >= (size_t)img->channels ? up[x - (size_t)img->channels] : 0;
      int v = in[x];
      switch (filter) {
      case 1: v += a; break;
      case 2: v += u; break;
      case 3: v += (a + u) / 2; break;
      case 4: v += paeth(a, u, c); break;
      default: break;
      }
      out[x] = (uint8_t)v;
    }
  }
  free(raw);
  free(idat);
  free(b);
}

static bool near(const uint8_t *p, int r, int g, int b) { return abs(p[0] - r) < 24 && abs(p[1] - g) < 24 && abs(p[2] - b) < 24; }

Test(report_png, guide_example_renders, .timeout = 180) {
  const char *romsim = getenv("ROMSIM"), *scenarios = getenv("ROMSIM_SCENARIOS"), *outdir = getenv("ROMSIM_BUILD");
  cr_assert(romsim && scenarios && outdir, "run through meson test");
  cr_assert_eq(access("/usr/bin/chromium", X_OK), 0, "Debian's chromium is missing: run tools/setup.sh");
  char sc[1024], db[1024], html[1024], png[1024], log[1024], url[1100], prof[1024];
  snprintf(sc, sizeof sc, "%s/guide-example.yaml", scenarios);
  snprintf(db, sizeof db, "%s/report-guide-example.db", outdir);
  snprintf(html, sizeof html, "%s/report-guide-example.html", outdir);
  snprintf(png, sizeof png, "%s/report-guide-example.png", outdir);
  snprintf(log, sizeof log, "%s/report-guide-example.log", outdir);
  snprintf(prof, sizeof prof, "--user-data-dir=%s/chromium-profile", outdir);
  snprintf(url, sizeof url, "file://%s", html);
  unlink(png);
  cr_assert_eq(spawn_wait((const char *[]){romsim, "run", sc, "-o", db, NULL}, log), 1, "the guide example fails capacity");
  cr_assert_eq(spawn_wait((const char *[]){romsim, "report", db, "-o", html, NULL}, log), 0);
  char shot[1100];
  snprintf(shot, sizeof shot, "--screenshot=%s", png);
  int rc = spawn_wait((const char *[]){"/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu",
                                       "--disable-quic", "--no-first-run", "--disable-background-networking",
                                       "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--hide-scrollbars", prof,
                                       "--window-size=1280,1800", shot, url, NULL},
                      log);
  cr_assert_eq(rc, 0, "chromium failed: see %s", log);
  image img;
  png_read(png, &img);
  cr_assert_eq(img.w, 1280);
  cr_assert_eq(img.h, 1800);
  /* Not blank: plenty of ink, and of colours. */
  long ink = 0;
  for (uint32_t y = 0; y < img.h; y++)
    for (uint32_t x = 0; x < img.w; x++) {
      const uint8_t *p = img.px + ((size_t)y * img.w + x) * (size_t)img.channels;
      ink += !(p[0] > 240 && p[1] > 240 && p[2] > 240);
    }
  cr_assert_gt(ink, (long)img.w * img.h / 50, "the page is nearly blank (%ld dark pixels)", ink);
  /* The charts: rows holding the series' blue, the limit's red; they come
   * below the header and the verdicts, one chart after another, inside the
   * plotting area (from the page's margin plus the chart's left margin). */
  int blue_rows = 0, red_rows = 0, first_blue = -1, x_min = 10000, x_max = -1;
  for (uint32_t y = 0; y < img.h; y++) {
    bool blue = false, red = false;
    for (uint32_t x = 0; x < img.w; x++) {
      const uint8_t *p = img.px + ((size_t)y * img.w + x) * (size_t)img.channels;
      if (near(p, 0x1f, 0x77, 0xb4)) {
        blue = true;
        if ((int)x < x_min) x_min = (int)x;
        if ((int)x > x_max) x_max = (int)x;
      }
      if (near(p, 0xd6, 0x27, 0x28)) red = true;
    }
    if (blue && first_blue < 0) first_blue = (int)y;
    blue_rows += blue;
    red_rows += red;
  }
  cr_assert_gt(first_blue, 250, "a chart above the verdicts (first series at row %d)", first_blue);
  cr_assert_gt(blue_rows, 50, "series drawn on %d rows", blue_rows);
  cr_assert_gt(red_rows, 5, "limit lines (and the failed verdict) drawn on %d rows", red_rows);
  cr_assert(x_min > 100 && x_max < 1000, "series inside the charts: x from %d to %d", x_min, x_max);
  free(img.px);
}
