/*
 * bench_serve: does watching slow the run? `romsim serve SCENARIO --speed
 * max` is run with no client and with 200 clients on its event stream
 * (each read as fast as it comes); each time the engine's events per wall
 * second from resume to the end of the run are measured (the run is
 * paused while the clients connect). Prints the median of 3 each and the
 * ratio; asserts nothing.
 *
 * usage: bench_serve ROMSIM SCENARIO
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_util.h"

extern char **environ;

enum { CLIENTS = 200, RUNS = 3 };

static int connect_to(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
    perror("bench_serve: connect");
    exit(2);
  }
  return fd;
}

/* One request (Connection: close); the body into buf. */
static void request(int port, const char *method, const char *path, char *buf, size_t n) {
  int fd = connect_to(port);
  char req[512];
  int len = snprintf(req, sizeof req, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
                     method, path);
  if (send(fd, req, (size_t)len, 0) != len) exit(2);
  size_t got = 0;
  ssize_t r;
  while (got + 1 < n && (r = recv(fd, buf + got, n - 1 - got, 0)) > 0) got += (size_t)r;
  buf[got] = 0;
  close(fd);
}

typedef struct {
  int fds[CLIENTS];
  int n;
  volatile bool stop;
  long long bytes;
} readers;

static void *read_all(void *arg) {
  readers *rd = arg;
  struct pollfd p[CLIENTS];
  char buf[65536];
  for (int i = 0; i < rd->n; i++) p[i] = (struct pollfd){.fd = rd->fds[i], .events = POLLIN};
  while (!rd->stop) {
    if (poll(p, (nfds_t)rd->n, 50) <= 0) continue;
    for (int i = 0; i < rd->n; i++)
      if (p[i].revents & POLLIN) {
        ssize_t r = recv(p[i].fd, buf, sizeof buf, 0);
        if (r > 0) rd->bytes += r;
        else p[i].fd = -1;
      }
  }
  return NULL;
}

/* One run with n clients: events per second from resume to the end, and
 * the bytes the clients read. */
static double one(const char *romsim, const char *scenario, int n, long long *bytes) {
  char out[] = "/tmp/bench-serve-XXXXXX";
  int ofd = mkstemp(out);
  if (ofd < 0) exit(2);
  close(ofd);
  const char *argv[] = {romsim, "serve", scenario, "--listen", "127.0.0.1:0", "--speed", "max", "-o",
                        "/tmp/bench-serve.db", NULL};
  unlink("/tmp/bench-serve.db");
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_TRUNC, 0644);
  pid_t pid;
  if (posix_spawn(&pid, romsim, &fa, NULL, (char *const *)argv, environ) != 0) exit(2);
  posix_spawn_file_actions_destroy(&fa);
  char text[4096] = "";
  const char *p = NULL;
  for (int i = 0; i < 1000 && !(p = strstr(text, "http://127.0.0.1:")); i++) {
    usleep(2000);
    bench_slurp(out, text, sizeof text);
  }
  if (!p) {
    fprintf(stderr, "bench_serve: romsim serve printed no address\n");
    exit(2);
  }
  int port = atoi(p + 17);
  char body[1 << 16];
  request(port, "POST", "/api/control?action=pause", body, sizeof body);
  readers rd = {.n = n};
  for (int i = 0; i < n; i++) {
    rd.fds[i] = connect_to(port);
    static const char get[] = "GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    if (send(rd.fds[i], get, sizeof get - 1, 0) != (ssize_t)(sizeof get - 1)) exit(2);
  }
  pthread_t t;
  pthread_create(&t, NULL, read_all, &rd);
  request(port, "GET", "/api/state", body, sizeof body);
  double e0 = bench_json_num(body, "events"), t0 = bench_wall(), e1 = e0, t1 = t0;
  request(port, "POST", "/api/control?action=resume", body, sizeof body);
  for (;;) {
    usleep(20000);
    request(port, "GET", "/api/state", body, sizeof body);
    if (!strstr(body, "\"status\":\"running\"")) {
      t1 = bench_wall();
      e1 = bench_json_num(body, "events");
      break;
    }
  }
  rd.stop = true;
  pthread_join(t, NULL);
  for (int i = 0; i < n; i++) close(rd.fds[i]);
  kill(pid, SIGINT);
  waitpid(pid, NULL, 0);
  unlink(out);
  unlink("/tmp/bench-serve.db");
  *bytes = rd.bytes;
  return (e1 - e0) / (t1 - t0);
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: bench_serve ROMSIM SCENARIO\n");
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  double rate[2][RUNS];
  long long bytes = 0;
  for (int k = 0; k < RUNS; k++)
    for (int c = 0; c < 2; c++) rate[c][k] = one(argv[1], argv[2], c ? CLIENTS : 0, &bytes);
  qsort(rate[0], RUNS, sizeof rate[0][0], cmp);
  qsort(rate[1], RUNS, sizeof rate[1][0], cmp);
  double a = rate[0][RUNS / 2], b = rate[1][RUNS / 2];
  printf("romsim serve %s --speed max, events per second from resume to the end (median of %d):\n", argv[2], RUNS);
  printf("  no client:                 %.2f M events/s\n", a / 1e6);
  printf("  %d event-stream clients:  %.2f M events/s (%+.1f %%; the clients read %.1f MB in the last run)\n", CLIENTS,
         b / 1e6, 100 * (b - a) / a, (double)bytes / 1e6);
  return 0;
}
