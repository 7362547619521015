/*
 * romsim serve over real sockets: its endpoints, its control, the token
 * off loopback, and a session whose faults, replayed with romsim run
 * --replay, give the session's results, table for table.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "cli_util.h"

TestSuite(serve, .init = make_workdir, .fini = remove_workdir, .timeout = 120);

typedef struct {
  int status;
  char head[4096];
  char *body;
} reply;

/* One request to 127.0.0.1:port, with extra header lines (or NULL); the
 * whole answer (Connection: close). */
static reply request_with(int port, const char *method, const char *path, const char *token, const char *extra) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  cr_assert_geq(fd, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  cr_assert_eq(connect(fd, (struct sockaddr *)&a, sizeof a), 0, "connect to %d", port);
  struct timeval tv = {.tv_sec = 10};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  char req[1024];
  int n = snprintf(req, sizeof req, "%s %s HTTP/1.1\r\n%sConnection: close\r\n%s%s%sContent-Length: 0\r\n\r\n",
                   method, path, extra ? extra : "Host: 127.0.0.1\r\n", token ? "X-Romsim-Token: " : "",
                   token ? token : "", token ? "\r\n" : "");
  cr_assert_eq(send(fd, req, (size_t)n, 0), n);
  size_t cap = 1 << 16, len = 0;
  char *buf = malloc(cap + 1);
  ssize_t r;
  while ((r = recv(fd, buf + len, cap - len, 0)) > 0) {
    len += (size_t)r;
    if (len == cap) buf = realloc(buf, (cap *= 2) + 1);
  }
  buf[len] = 0;
  close(fd);
  reply out = {0};
  cr_assert_eq(sscanf(buf, "HTTP/1.1 %d", &out.status), 1, "no answer: '%s'", buf);
  char *body = strstr(buf, "\r\n\r\n");
  cr_assert_not_null(body);
  snprintf(out.head, sizeof out.head, "%.*s", (int)(body - buf), buf);
  out.body = strdup(body + 4);
  free(buf);
  return out;
}

static reply request(int port, const char *method, const char *path, const char *token) {
  return request_with(port, method, path, token, NULL);
}

/* A number after "key": in a JSON text. */
static long long json_num(const char *json, const char *key) {
  char k[64];
  snprintf(k, sizeof k, "\"%s\":", key);
  const char *p = strstr(json, k);
  cr_assert_not_null(p, "no %s in %s", key, json);
  return atoll(p + strlen(k));
}

/* romsim serve started on a free port: its pid, and the port it printed. */
static pid_t serve(const char *const *args, int *port, char *token, size_t token_len) {
  pid_t pid = start(args);
  char out[300], text[4096];
  snprintf(out, sizeof out, "%s.out", workdir);
  for (int i = 0; i < 500; i++) {
    slurp(out, text, sizeof text);
    const char *p = strstr(text, "http://127.0.0.1:");
    if (p && (!token || strstr(text, "X-Romsim-Token: "))) {
      *port = atoi(p + 17);
      if (token) {
        const char *t = strstr(text, "X-Romsim-Token: ") + 16;
        size_t n = strcspn(t, "\n");
        snprintf(token, token_len, "%.*s", (int)n, t);
      }
      return pid;
    }
    nanosleep(&(struct timespec){0, 10000000}, NULL);
  }
  kill(pid, SIGKILL);
  cr_assert_fail("romsim serve printed no address: %s", text);
  return pid;
}

/* Poll the state until now_us reaches t (or the run ends). */
static char *state_at(int port, long long t) {
  for (int i = 0; i < 3000; i++) {
    reply r = request(port, "GET", "/api/state", NULL);
    cr_assert_eq(r.status, 200);
    if (json_num(r.body, "now_us") >= t || !strstr(r.body, "\"status\":\"running\"")) return r.body;
    free(r.body);
    nanosleep(&(struct timespec){0, 5000000}, NULL);
  }
  cr_assert_fail("the run did not reach %lld us", t);
  return NULL;
}


/* Stop the session (pid) whose results are live and whose replay is
 * session.csv in the work folder; run the scenario sc with it into again
 * (in that folder, so the faults' places, session.csv:LINE:1, read the
 * same): the same verdicts, and every table but runs the same. */
static void replayed_as_live(pid_t pid, const char *sc, const char *live, const char *again) {
  kill(pid, SIGINT);
  result res;
  finish(pid, &res);
  cr_assert_lt(res.status, 2, "serve ended with %d: %s", res.status, res.err);
  cr_assert_str_eq(query(live, "SELECT status FROM runs"), "complete");
  cr_assert_eq(chdir(workdir), 0);
  result *rr = run((const char *[]){"run", sc, "--replay", "session.csv", "-o", again, NULL});
  cr_assert_eq(rr->status, res.status, "the same verdicts: %s %s", rr->out, rr->err);
  const char *tables[] = {"nodes", "metrics", "samples", "events", "expectations", "figures", "faults"};
  for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
    cr_assert_eq(table_diff(live, again, tables[i]), 0, "table %s differs", tables[i]);
}

/* A session on gateway-crash (gw-1 down from 1h to 2h, written in the
 * scenario): from the page, gw-2 goes down after 1h30m and comes back
 * after 2h10m (the run paused while they are injected), with a change of
 * speed between; the run is then finished flat out. The session's replay, run with romsim run
 * --replay, gives the same tables (every one but runs, which holds each
 * run's inputs), row for row. */
Test(serve, a_session_replayed_gives_its_results) {
  char sc[512], live[600], csv[600], again[600];
  fixture(sc, sizeof sc, "ROMSIM_SCENARIOS", "gateway-crash.yaml");
  snprintf(live, sizeof live, "%s", path_in("live.db"));
  snprintf(csv, sizeof csv, "%s", path_in("session.csv"));
  snprintf(again, sizeof again, "%s", path_in("again.db"));
  int port;
  pid_t pid = serve((const char *[]){"serve", sc, "--listen", "127.0.0.1:0", "--speed", "3600x", "-o", live, NULL},
                    &port, NULL, 0);
  free(state_at(port, 90LL * 60 * 1000000));
  /* Paused while the faults are injected, as a loaded machine may answer
   * slowly. */
  reply r = request(port, "POST", "/api/control?action=pause", NULL);
  cr_assert(r.status == 200 && strstr(r.body, "\"paused\":true"), "%s", r.body);
  long long paused_at = json_num(r.body, "now_us");
  free(r.body);
  r = request(port, "POST", "/api/control?action=fault&target=gw-2&do=down", NULL);
  cr_assert_eq(r.status, 200, "%s", r.body);
  long long at = json_num(r.body, "at_us");
  cr_assert_eq(at % 1000000, 0, "at a whole second (no event due then): %s", r.body);
  cr_assert(strstr(r.body, "\"id\":\"replay-3\""), "the session's line 3, after its two lines of header: %s", r.body);
  free(r.body);
  r = request(port, "POST", "/api/control?action=fault&target=link:cust-5&do=degrade&params=latency%3D300ms+loss%3D2%25",
              NULL);
  cr_assert_eq(r.status, 200, "%s", r.body);
  free(r.body);
  r = request(port, "POST", "/api/control?action=fault&target=sql&do=degrade&params=factor%3D0.2", NULL);
  cr_assert_eq(r.status, 200, "%s", r.body);
  free(r.body);
  r = request(port, "POST", "/api/control?action=fault&target=agents:cust-7&do=storm&params=alerts%3D5+state_changes%3D50",
              NULL);
  cr_assert_eq(r.status, 200, "%s", r.body);
  free(r.body);
  nanosleep(&(struct timespec){0, 300000000}, NULL);
  r = request(port, "GET", "/api/state", NULL);
  cr_assert_eq(json_num(r.body, "now_us"), paused_at, "paused: time stands still");
  free(r.body);
  free(request(port, "POST", "/api/control?action=speed&value=600x", NULL).body);
  free(request(port, "POST", "/api/control?action=resume", NULL).body);
  free(state_at(port, 130LL * 60 * 1000000));
  free(request(port, "POST", "/api/control?action=pause", NULL).body);
  r = request(port, "POST", "/api/control?action=fault&target=gw-2&do=up", NULL);
  cr_assert_eq(r.status, 200, "%s", r.body);
  free(r.body);
  free(request(port, "POST", "/api/control?action=fault&target=link:cust-5&do=up", NULL).body);
  free(request(port, "POST", "/api/control?action=fault&target=sql&do=up", NULL).body);
  free(request(port, "POST", "/api/control?action=fault&target=agents:cust-7&do=up", NULL).body);
  r = request(port, "GET", "/api/faults", NULL);
  cr_assert(strstr(r.body, "\"id\":\"replay-3\"") && strstr(r.body, "\"id\":\"replay-10\"") &&
                strstr(r.body, "\"target\":\"gw-2\",\"action\":\"up\"") &&
                strstr(r.body, "\"target\":\"link:cust-5\",\"action\":\"degrade\""),
            "%s", r.body);
  free(r.body);
  free(request(port, "POST", "/api/control?action=speed&value=max", NULL).body);
  free(request(port, "POST", "/api/control?action=resume", NULL).body);
  char *end = state_at(port, 6LL * 3600 * 1000000);
  cr_assert(strstr(end, "\"status\":\"complete\""), "%s", end);
  free(end);
  /* A page opened now gets the story and the samples so far. */
  r = request(port, "GET", "/api/story", NULL);
  cr_assert(strstr(r.body, "gw-1 goes down") && strstr(r.body, "gw-2 goes down") && strstr(r.body, "gw-2 is back"),
            "%s", r.body);
  free(r.body);
  r = request(port, "GET", "/api/history", NULL);
  cr_assert(strstr(r.body, "\"gateways\":[\"gw-1\",\"gw-2\","), "%s", r.head);
  int rows = 0;
  for (const char *p = strstr(r.body, "\"rows\":["); p && (p = strstr(p + 1, "],[")); ) rows++;
  cr_assert_geq(rows + 1, 360, "a row for each sample (6 h, every minute, from 1 min): %d", rows + 1);
  cr_assert(strstr(r.body, "[21600000000,"), "the last sample, at the end");
  free(r.body);
  r = request(port, "GET", "/api/replay.csv", NULL);
  cr_assert_eq(r.status, 200);
  cr_assert(strstr(r.head, "Content-Disposition: attachment; filename=\"session.csv\""), "%s", r.head);
  cr_assert(strncmp(r.body, "# romsim serve session: ", 24) == 0 && strstr(r.body, "\ntime,target,action\n") &&
                strstr(r.body, "us,gw-2,down\n") &&
                strstr(r.body, "us,gw-2,up\n") && strstr(r.body, "us,link:cust-5,degrade,latency=300ms loss=2%\n") &&
                strstr(r.body, "us,sql,degrade,factor=0.2\n") &&
                strstr(r.body, "us,agents:cust-7,storm,alerts=5 state_changes=50\n"),
            "%s", r.body);
  spit(csv, r.body);
  free(r.body);
  r = request(port, "POST", "/api/control?action=fault&target=gw-3&do=down", NULL);
  cr_assert_eq(r.status, 409, "nothing happens after the end: %s", r.body);
  free(r.body);
  replayed_as_live(pid, sc, live, again);
  cr_assert_str_eq(query(again, "SELECT count(*) FROM faults WHERE name LIKE 'replay-%'"), "8");
  /* The session's replay is kept in runs, as the replayed run keeps it. */
  cr_assert_str_eq(query(live, "SELECT replay_file FROM runs"), "session.csv");
  char kept[4096];
  snprintf(kept, sizeof kept, "%s", query(live, "SELECT replay_text FROM runs"));
  cr_assert_str_eq(query(again, "SELECT replay_text FROM runs"), kept);
  cr_assert_neq(atol(query(live, "SELECT count(*) FROM events WHERE kind IN ('link_degraded', 'sql_slow')")), 0);
  cr_assert_neq(atol(query(live, "SELECT count(*) FROM events WHERE kind = 'crash'")), 0);
}

/* A host taken down from the page, on the guide's virtual design (paused
 * at once, the host's line injected, then flat out): its two gateways go
 * down with it, and the replay gives the same tables. */
Test(serve, a_host_down_replayed) {
  char sc[512], live[600], csv[600], again[600];
  fixture(sc, sizeof sc, "ROMSIM_SCENARIOS", "guide-virtual-careless.yaml");
  snprintf(live, sizeof live, "%s", path_in("host.db"));
  snprintf(csv, sizeof csv, "%s", path_in("session.csv"));
  snprintf(again, sizeof again, "%s", path_in("host-again.db"));
  int port;
  pid_t pid = serve((const char *[]){"serve", sc, "--listen", "127.0.0.1:0", "--speed", "10x", "-o", live, NULL}, &port,
                    NULL, 0);
  free(request(port, "POST", "/api/control?action=pause", NULL).body);
  reply r = request(port, "POST", "/api/control?action=fault&target=host-1&do=down", NULL);
  cr_assert_eq(r.status, 200, "%s", r.body);
  free(r.body);
  free(request(port, "POST", "/api/control?action=speed&value=max", NULL).body);
  free(request(port, "POST", "/api/control?action=resume", NULL).body);
  char *end = state_at(port, 6LL * 3600 * 1000000);
  cr_assert(strstr(end, "\"status\":\"complete\""), "%s", end);
  cr_assert(strstr(end, "{\"name\":\"host-1\",\"down\":true,"), "%s", end);
  cr_assert(strstr(end, "{\"name\":\"gw-1\",\"role\":\"gateway\",\"state\":\"down\""), "%s", end);
  free(end);
  r = request(port, "GET", "/api/replay.csv", NULL);
  spit(csv, r.body);
  free(r.body);
  replayed_as_live(pid, sc, live, again);
  cr_assert_neq(atol(query(live, "SELECT count(*) FROM events WHERE kind = 'host_down'")), 0);
}

/* A finished run served read-only: its state, its history (a row for
 * each sample), its story and faults from the file; nothing can be
 * changed. */
Test(serve, a_finished_run_read_only) {
  char sc[512], db[600];
  fixture(sc, sizeof sc, "ROMSIM_SCENARIOS", "gateway-crash.yaml");
  snprintf(db, sizeof db, "%s", path_in("done.db"));
  result *rr = run((const char *[]){"run", sc, "-o", db, NULL});
  cr_assert_eq(rr->status, 0, "%s", rr->err);
  int port;
  pid_t pid = serve((const char *[]){"serve", db, "--listen", "127.0.0.1:0", NULL}, &port, NULL, 0);
  reply r = request(port, "GET", "/api/state", NULL);
  cr_assert(strstr(r.body, "\"status\":\"complete\",\"read_only\":true") && strstr(r.body, "\"now_us\":21600000000"),
            "%s", r.body);
  cr_assert(strstr(r.body, "{\"name\":\"gw-1\",\"role\":\"gateway\",\"state\":\"up\",\"agents\":400,\"limit\":530,"), "%s",
            r.body);
  free(r.body);
  r = request(port, "GET", "/api/history", NULL);
  int rows = 1;
  for (const char *p = strstr(r.body, "\"rows\":["); p && (p = strstr(p + 1, "],[")); ) rows++;
  cr_assert_str_eq(query(db, "SELECT count(DISTINCT t_us) FROM samples WHERE node IS NULL"), "361");
  cr_assert_eq(rows, 361, "a row for each sample of the file: %d", rows);
  /* At 2h30m gw-1 is down: 0 agents in its column (the first gateway). */
  cr_assert(strstr(r.body, "[9000000000,") && strstr(strstr(r.body, "[9000000000,"), ",0,400,"), "%s", r.head);
  free(r.body);
  r = request(port, "GET", "/api/story", NULL);
  cr_assert(strstr(r.body, "02:00:00  gw-1 goes down"), "%s", r.body);
  free(r.body);
  r = request(port, "GET", "/api/faults", NULL);
  cr_assert(strstr(r.body, "\"id\":\"fault-1\",\"at_us\":7200000000"), "%s", r.body);
  free(r.body);
  r = request(port, "POST", "/api/control?action=pause", NULL);
  cr_assert_eq(r.status, 409, "%s", r.body);
  free(r.body);
  kill(pid, SIGINT);
  result res;
  finish(pid, &res);
  cr_assert_eq(res.status, 0, "%s", res.err);
  result *b = run((const char *[]){"serve", db, "--speed", "max", NULL});
  cr_assert(b->status == 2 && strstr(b->err, "is a results file, served read-only"), "%s", b->err);
}

/* The page and the charting library are served; a bad control is refused
 * with a message; GET on the control and other methods are refused. */
Test(serve, the_page_and_bad_requests) {
  char sc[512];
  fixture(sc, sizeof sc, "ROMSIM_SCENARIOS", "gateway-crash.yaml");
  int port;
  pid_t pid = serve((const char *[]){"serve", sc, "--listen", "127.0.0.1:0", "--speed", "60x", "-o", path_in("p.db"),
                                     NULL},
                    &port, NULL, 0);
  reply r = request(port, "GET", "/", NULL);
  cr_assert_eq(r.status, 200);
  cr_assert(strstr(r.head, "text/html") && strstr(r.body, "<script src=\"/static/dygraph.min.js\">") &&
                strstr(r.body, "new EventSource(\"/api/events\")"),
            "%s", r.head);
  free(r.body);
  r = request(port, "GET", "/static/dygraph.min.js", NULL);
  cr_assert_eq(r.status, 200, "libjs-dygraphs is installed by setup");
  cr_assert(strstr(r.body, "Dygraph"));
  free(r.body);
  static const char *const bad[][3] = {
      {"POST", "/api/control?action=explode", "400"},
      {"POST", "/api/control?action=speed&value=fast", "400"},
      {"POST", "/api/control?action=fault&target=gw-99&do=down", "400"},
      {"POST", "/api/control?action=fault&target=gw-1&do=sideways", "400"},
      {"POST", "/api/control?action=fault&target=gw-1", "400"},
      {"POST", "/api/control?action=fault&target=link:gw-1&do=degrade&params=latency%3D1ms%2Closs%3D1%25", "400"},
      {"POST", "/api/control?action=fault&target=link:gw-1&do=degrade&params=speed%3D9", "400"},
      {"POST", "/api/control?action=fault&target=link:gw-1&do=degrade", "400"},
      {"GET", "/api/control?action=pause", "405"},
      {"DELETE", "/api/state", "405"},
      {"GET", "/nothing", "404"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    r = request(port, bad[i][0], bad[i][1], NULL);
    cr_assert_eq(r.status, atoi(bad[i][2]), "%s %s: %d %s", bad[i][0], bad[i][1], r.status, r.body);
    free(r.body);
  }
  r = request(port, "POST", "/api/control?action=fault&target=gw-99&do=down", NULL);
  cr_assert(strstr(r.body, "\"error\":\"session.csv:3:") && strstr(r.body, "gw-99"), "%s", r.body);
  free(r.body);
  r = request(port, "GET", "/api/faults", NULL);
  cr_assert_str_eq(r.body, "{\"faults\":[]}", "nothing refused was recorded");
  free(r.body);
  /* Another site: by its host name (a name made to resolve to 127.0.0.1),
   * or a page of it posting from the user's browser. */
  r = request_with(port, "GET", "/api/state", NULL, "Host: evil.example:8080\r\n");
  cr_assert_eq(r.status, 403, "%s", r.body);
  free(r.body);
  r = request_with(port, "POST", "/api/control?action=pause", NULL,
                   "Host: 127.0.0.1:8080\r\nOrigin: http://evil.example\r\n");
  cr_assert_eq(r.status, 403, "%s", r.body);
  free(r.body);
  r = request_with(port, "POST", "/api/control?action=pause", NULL, "Host: localhost:8080\r\nOrigin: http://localhost:8080\r\n");
  cr_assert_eq(r.status, 200, "romsim's own page: %s", r.body);
  free(r.body);
  kill(pid, SIGINT);
  result res;
  finish(pid, &res);
  cr_assert_eq(res.status, 3, "stopped before the end: %d %s", res.status, res.err);
  cr_assert_str_eq(query(path_in("p.db"), "SELECT status FROM runs"), "interrupted");
}

/* Off loopback a token is generated and printed, and required to change
 * anything. */
Test(serve, a_token_is_needed_off_loopback) {
  char sc[512], token[128];
  fixture(sc, sizeof sc, "ROMSIM_SCENARIOS", "gateway-crash.yaml");
  int port;
  pid_t pid = start((const char *[]){"serve", sc, "--listen", "0.0.0.0:0", "-o", path_in("o.db"), NULL});
  char out[300], text[4096] = "";
  snprintf(out, sizeof out, "%s.out", workdir);
  const char *p = NULL, *t = NULL;
  for (int i = 0; i < 500 && !(p && t); i++) {
    nanosleep(&(struct timespec){0, 10000000}, NULL);
    slurp(out, text, sizeof text);
    p = strstr(text, "http://0.0.0.0:");
    t = strstr(text, "X-Romsim-Token: ");
  }
  cr_assert(p && t, "%s", text);
  port = atoi(p + 15);
  snprintf(token, sizeof token, "%.*s", (int)strcspn(t + 16, "\n"), t + 16);
  cr_assert_eq(strlen(token), 32, "128 random bits in hex: '%s'", token);
  reply r = request(port, "POST", "/api/control?action=pause", NULL);
  cr_assert_eq(r.status, 403, "%s", r.body);
  free(r.body);
  r = request(port, "POST", "/api/control?action=pause", token);
  cr_assert_eq(r.status, 200, "%s", r.body);
  free(r.body);
  r = request(port, "GET", "/api/state", NULL);
  cr_assert_eq(r.status, 200, "reading needs no token");
  free(r.body);
  kill(pid, SIGINT);
  result res;
  finish(pid, &res);
}

/* With a token every request that changes anything needs it; reading does
 * not. Bad flags are refused with exit 2. */
Test(serve, the_token_and_bad_flags) {
  char sc[512], token[128];
  fixture(sc, sizeof sc, "ROMSIM_SCENARIOS", "gateway-crash.yaml");
  int port;
  pid_t pid = serve((const char *[]){"serve", sc, "--listen", "127.0.0.1:0", "--token", "sesame-open-42", "-o",
                                     path_in("t.db"), NULL},
                    &port, token, sizeof token);
  cr_assert_str_eq(token, "sesame-open-42");
  reply r = request(port, "POST", "/api/control?action=pause", NULL);
  cr_assert_eq(r.status, 403, "%s", r.body);
  free(r.body);
  r = request(port, "POST", "/api/control?action=pause", "wrong-token-1");
  cr_assert_eq(r.status, 403);
  free(r.body);
  r = request(port, "POST", "/api/control?action=pause", token);
  cr_assert_eq(r.status, 200, "%s", r.body);
  free(r.body);
  r = request(port, "GET", "/api/state", NULL);
  cr_assert_eq(r.status, 200);
  free(r.body);
  kill(pid, SIGINT);
  result res;
  finish(pid, &res);
  static const char *const flags[][3] = {{"--speed", "fast", "--speed is max or Nx"},
                                         {"--listen", "nowhere", "--listen is HOST:PORT"},
                                         {"--listen", "10.0.0.1:99999", "--listen is HOST:PORT"},
                                         {"--token", "short", "--token must be 8 to 79 characters"}};
  for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
    result *b = run((const char *[]){"serve", sc, flags[i][0], flags[i][1], NULL});
    cr_assert_eq(b->status, 2);
    cr_assert(strstr(b->err, flags[i][2]), "%s", b->err);
  }
}
