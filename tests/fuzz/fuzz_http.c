/* Fuzz target: the HTTP server of romsim serve (tools/http.c), over a real
 * socket on 127.0.0.1. Any bytes a client sends, then its end: the server
 * answers what it can, never crashes or leaks, and is left with no
 * connection open (none stuck). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fuzz.h"
#include "http.h"

static uv_loop_t loop;
static hs_server *srv;
static int port;

static void handler(hs_conn *c, const hs_request *r, void *ctx) {
  (void)ctx;
  if (strcmp(r->path, "/stream") == 0) {
    hs_sse_begin(c);
    hs_broadcast(srv, "sample", r->query);
    return;
  }
  char body[128];
  int n = snprintf(body, sizeof body, "%s %s %zu %s\n", r->method, r->path, r->body_len, r->token ? r->token : "-");
  hs_reply(c, strcmp(r->path, "/") == 0 ? 200 : 404, NULL, NULL, body, (size_t)n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!srv) {
    char err[256];
    uv_loop_init(&loop);
    hs_limits lim = hs_default_limits();
    lim.max_head = 1024; /* bounds a fuzzer reaches */
    lim.max_body = 2048;
    lim.max_headers = 16;
    srv = hs_start(&loop, "127.0.0.1", 0, &lim, handler, NULL, err, sizeof err);
    if (!srv) __builtin_trap();
    port = hs_port(srv);
  }
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0) __builtin_trap();
  /* The bytes, while the server reads them; then the client's end. */
  size_t off = 0;
  char buf[65536];
  for (int spins = 0; off < size && spins < 100000; spins++) {
    ssize_t w = send(fd, data + off, size - off, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (w > 0)
      off += (size_t)w;
    else if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
      break; /* the server closed: it refused the request */
    uv_run(&loop, UV_RUN_NOWAIT);
    while (recv(fd, buf, sizeof buf, MSG_DONTWAIT) > 0) {
    }
  }
  shutdown(fd, SHUT_WR);
  for (int spins = 0; spins < 100000; spins++) {
    uv_run(&loop, UV_RUN_NOWAIT);
    ssize_t r = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) break;
  }
  close(fd);
  for (int spins = 0; spins < 100000 && hs_clients(srv) > 0; spins++) uv_run(&loop, UV_RUN_NOWAIT);
  if (hs_clients(srv) != 0) __builtin_trap(); /* a connection stuck open */
  return 0;
}
