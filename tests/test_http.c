/*
 * The HTTP server (tools/http.h) over real sockets on 127.0.0.1: answers,
 * malformed and oversized requests, pipelining, event streams to many
 * clients, a client that stops reading, the client limit and the timeout.
 * The server runs on its own loop in a thread; the tests are its clients.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "http.h"

/* ---- the server, in a thread ---- */

typedef struct {
  uv_loop_t loop;
  uv_async_t wake;
  pthread_t thread;
  hs_server *s;
  int port;
  hs_limits lim;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  /* A command for the loop's thread, and its answer. */
  enum { CMD_NONE, CMD_BROADCAST, CMD_COUNT, CMD_STOP } cmd;
  int n_events;
  size_t event_size;
  int sent, clients, streams;
  long dropped;
  bool done;
} server;

static void handler(hs_conn *c, const hs_request *r, void *ctx) {
  (void)ctx;
  if (strcmp(r->path, "/hello") == 0 && strcmp(r->method, "GET") == 0) {
    hs_reply(c, 200, "text/plain", NULL, "hello", 5);
  } else if (strcmp(r->path, "/echo") == 0 && strcmp(r->method, "POST") == 0) {
    hs_reply(c, 200, "application/octet-stream", NULL, r->body, r->body_len);
  } else if (strcmp(r->path, "/query") == 0) {
    hs_reply(c, 200, "text/plain", NULL, r->query, strlen(r->query));
  } else if (strcmp(r->path, "/token") == 0) {
    const char *t = r->token ? r->token : "(none)";
    hs_reply(c, 200, "text/plain", NULL, t, strlen(t));
  } else if (strcmp(r->path, "/big") == 0) {
    size_t n = 2 << 20;
    char *big = malloc(n);
    memset(big, 'b', n);
    hs_reply(c, 200, "text/plain", NULL, big, n);
    free(big);
  } else if (strcmp(r->path, "/stream") == 0) {
    hs_sse_begin(c);
  } else {
    hs_reply(c, 404, NULL, NULL, "no such page\n", 13);
  }
}

static void stopped(void *arg) { (void)arg; }

static void wake_cb(uv_async_t *a) {
  server *sv = a->data;
  pthread_mutex_lock(&sv->mu);
  if (sv->cmd == CMD_BROADCAST) {
    char *data = malloc(sv->event_size + 1);
    memset(data, 'x', sv->event_size);
    data[sv->event_size] = 0;
    sv->sent = 0;
    for (int i = 0; i < sv->n_events; i++) sv->sent += hs_broadcast(sv->s, "sample", data);
    free(data);
  } else if (sv->cmd == CMD_STOP) {
    hs_stop(sv->s, stopped, NULL);
    uv_close((uv_handle_t *)&sv->wake, NULL);
  }
  if (sv->cmd != CMD_STOP) {
    sv->clients = hs_clients(sv->s);
    sv->streams = hs_streams(sv->s);
    sv->dropped = hs_dropped_slow(sv->s);
  }
  sv->cmd = CMD_NONE;
  sv->done = true;
  pthread_cond_signal(&sv->cv);
  pthread_mutex_unlock(&sv->mu);
}

static void *loop_thread(void *arg) {
  server *sv = arg;
  uv_run(&sv->loop, UV_RUN_DEFAULT);
  return NULL;
}

static server *server_start(const hs_limits *lim) {
  server *sv = calloc(1, sizeof *sv);
  uv_loop_init(&sv->loop);
  pthread_mutex_init(&sv->mu, NULL);
  pthread_cond_init(&sv->cv, NULL);
  sv->lim = lim ? *lim : hs_default_limits();
  char err[256];
  sv->s = hs_start(&sv->loop, "127.0.0.1", 0, &sv->lim, handler, sv, err, sizeof err);
  cr_assert_not_null(sv->s, "%s", err);
  sv->port = hs_port(sv->s);
  cr_assert_gt(sv->port, 0);
  uv_async_init(&sv->loop, &sv->wake, wake_cb);
  sv->wake.data = sv;
  pthread_create(&sv->thread, NULL, loop_thread, sv);
  return sv;
}

/* Run a command on the loop's thread and wait for it. */
static void command(server *sv, int cmd) {
  pthread_mutex_lock(&sv->mu);
  sv->cmd = cmd;
  sv->done = false;
  uv_async_send(&sv->wake);
  while (!sv->done) pthread_cond_wait(&sv->cv, &sv->mu);
  pthread_mutex_unlock(&sv->mu);
}

static void server_stop(server *sv) {
  command(sv, CMD_STOP);
  pthread_join(sv->thread, NULL);
  cr_assert_eq(uv_loop_close(&sv->loop), 0, "every handle closed");
  free(sv);
}

/* ---- clients ---- */

static int client(const server *sv) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  cr_assert_geq(fd, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)sv->port)};
  inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  cr_assert_eq(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
  struct timeval tv = {.tv_sec = 5};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return fd;
}

static void send_all(int fd, const char *s, size_t n) {
  while (n > 0) {
    ssize_t w = send(fd, s, n, MSG_NOSIGNAL);
    if (w <= 0) return; /* the server closed: the test reads what it said */
    s += w;
    n -= (size_t)w;
  }
}

/* Read until the server closes or `want` bytes came (0: until close);
 * returns the bytes, NUL-terminated, and whether it closed. */
static char *read_some(int fd, size_t want, bool *closed) {
  size_t cap = 1 << 16, len = 0;
  char *buf = malloc(cap + 1);
  *closed = false;
  for (;;) {
    if (len == cap) buf = realloc(buf, (cap *= 2) + 1);
    ssize_t r = recv(fd, buf + len, cap - len, 0);
    if (r == 0) {
      *closed = true;
      break;
    }
    if (r < 0) break; /* the timeout */
    len += (size_t)r;
    if (want && len >= want) break;
  }
  buf[len] = 0;
  return buf;
}

/* One request on a fresh connection; the answer up to the server's close. */
static char *ask(const server *sv, const char *req, size_t n, bool *closed) {
  int fd = client(sv);
  send_all(fd, req, n);
  shutdown(fd, SHUT_WR);
  char *out = read_some(fd, 0, closed);
  close(fd);
  return out;
}

/* The same for a string literal (its length without the NUL). */
#define ASK(sv, lit, closed) ask(sv, lit, sizeof lit - 1, closed)
#define SEND(fd, lit) send_all(fd, lit, sizeof lit - 1)

static int count_of(const char *hay, const char *needle) {
  int n = 0;
  for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle)) n++;
  return n;
}

/* ---- tests ---- */

Test(http, answers_and_404) {
  server *sv = server_start(NULL);
  bool closed;
  char *r = ASK(sv, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n", &closed);
  cr_assert(strncmp(r, "HTTP/1.1 200 OK\r\n", 17) == 0, "%s", r);
  cr_assert(strstr(r, "Content-Length: 5\r\n") && strstr(r, "\r\n\r\nhello"), "%s", r);
  free(r);
  r = ASK(sv, "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n", &closed);
  cr_assert(strncmp(r, "HTTP/1.1 404 Not Found\r\n", 24) == 0, "%s", r);
  free(r);
  static const char q[] = "GET /query?a=1&b=two HTTP/1.1\r\nHost: x\r\n\r\n";
  r = ask(sv, q, sizeof q - 1, &closed);
  cr_assert(strstr(r, "\r\n\r\na=1&b=two"), "%s", r);
  free(r);
  static const char t[] = "GET /token HTTP/1.1\r\nHost: x\r\nx-romsim-TOKEN: s3cret\r\n\r\n";
  r = ask(sv, t, sizeof t - 1, &closed);
  cr_assert(strstr(r, "\r\n\r\ns3cret"), "a header's name is matched whatever its case: %s", r);
  free(r);
  static const char post[] = "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello world";
  r = ask(sv, post, sizeof post - 1, &closed);
  cr_assert(strstr(r, "Content-Length: 11\r\n") && strstr(r, "\r\n\r\nhello world"), "%s", r);
  free(r);
  static const char chunked[] = "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"
                                "6\r\n world\r\n0\r\n\r\n";
  r = ask(sv, chunked, sizeof chunked - 1, &closed);
  cr_assert(strstr(r, "\r\n\r\nhello world"), "a chunked body: %s", r);
  free(r);
  server_stop(sv);
}

/* Malformed requests: 400 and the connection closed; the server goes on. */
Test(http, malformed_requests_get_400_and_are_closed) {
  server *sv = server_start(NULL);
  static const char *const bad[] = {
      "BLAH / HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET / HTTP/1.1\r\nContent-Length: abc\r\n\r\n",
      "\x01\x02\x03\x04 nonsense\r\n\r\n",
      "GET / HTTP/1.1\r\nBad Header Without Colon\r\n\r\n",
      "POST /echo HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
      "GET / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    bool closed;
    char *r = ask(sv, bad[i], strlen(bad[i]), &closed);
    cr_assert(strncmp(r, "HTTP/1.1 400 Bad Request\r\n", 26) == 0, "request %zu: %s", i, r);
    cr_assert(strstr(r, "Connection: close\r\n"), "%s", r);
    cr_assert(closed, "request %zu: the connection is closed", i);
    free(r);
  }
  bool closed;
  char *r = ASK(sv, "GET /hello HTTP/1.1\r\n\r\n", &closed);
  cr_assert(strstr(r, "200 OK"), "still answering: %s", r);
  free(r);
  server_stop(sv);
}

/* Over a bound: a long URL 414, too many or too large headers 431, a body
 * over the limit 413 (by its length, or as it comes in chunks). */
Test(http, oversized_requests) {
  server *sv = server_start(NULL);
  char *big = malloc(200000);
  bool closed;
  int n = sprintf(big, "GET /");
  memset(big + n, 'a', 9000);
  n += 9000;
  n += sprintf(big + n, " HTTP/1.1\r\n\r\n");
  char *r = ask(sv, big, (size_t)n, &closed);
  cr_assert(strncmp(r, "HTTP/1.1 414 ", 13) == 0 && closed, "%s", r);
  free(r);
  n = sprintf(big, "GET /hello HTTP/1.1\r\n");
  for (int i = 0; i < 100; i++) n += sprintf(big + n, "X-H%d: v\r\n", i);
  n += sprintf(big + n, "\r\n");
  r = ask(sv, big, (size_t)n, &closed);
  cr_assert(strncmp(r, "HTTP/1.1 431 ", 13) == 0 && closed, "100 headers: %s", r);
  free(r);
  n = sprintf(big, "GET /hello HTTP/1.1\r\nX-Big: ");
  memset(big + n, 'b', 20000);
  n += 20000;
  n += sprintf(big + n, "\r\n\r\n");
  r = ask(sv, big, (size_t)n, &closed);
  cr_assert(strncmp(r, "HTTP/1.1 431 ", 13) == 0 && closed, "a 20 KB header: %s", r);
  free(r);
  static const char long_body[] = "POST /echo HTTP/1.1\r\nContent-Length: 100000\r\n\r\n";
  r = ask(sv, long_body, sizeof long_body - 1, &closed);
  cr_assert(strncmp(r, "HTTP/1.1 413 ", 13) == 0 && closed, "%s", r);
  free(r);
  n = sprintf(big, "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n");
  for (int i = 0; i < 20; i++) {
    n += sprintf(big + n, "1000\r\n");
    memset(big + n, 'c', 4096);
    n += 4096;
    n += sprintf(big + n, "\r\n");
  }
  n += sprintf(big + n, "0\r\n\r\n");
  r = ask(sv, big, (size_t)n, &closed);
  cr_assert(strncmp(r, "HTTP/1.1 413 ", 13) == 0 && closed, "80 KB in chunks: %s", r);
  free(r);
  free(big);
  server_stop(sv);
}

/* Two requests in one write get two answers, in order; a truncated body
 * (the client gives up) harms nothing. */
Test(http, pipelining_and_truncated_bodies) {
  server *sv = server_start(NULL);
  static const char two[] = "GET /hello HTTP/1.1\r\nHost: x\r\n\r\nPOST /echo HTTP/1.1\r\nHost: x\r\n"
                            "Content-Length: 3\r\nConnection: close\r\n\r\nabc";
  bool closed;
  char *r = ask(sv, two, sizeof two - 1, &closed);
  const char *first = strstr(r, "hello"), *second = strstr(r, "abc");
  cr_assert(first && second && first < second, "in order: %s", r);
  cr_assert_eq(count_of(r, "HTTP/1.1 200 OK"), 2, "%s", r);
  cr_assert(closed);
  free(r);
  static const char cut[] = "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly this";
  r = ask(sv, cut, sizeof cut - 1, &closed);
  cr_assert_str_eq(r, "", "no answer to a request never finished: %s", r);
  cr_assert(closed);
  free(r);
  r = ASK(sv, "GET /hello HTTP/1.1\r\n\r\n", &closed);
  cr_assert(strstr(r, "200 OK"), "%s", r);
  free(r);
  command(sv, CMD_COUNT);
  cr_assert_eq(sv->clients, 0, "every connection closed: %d", sv->clients);
  server_stop(sv);
}

/* 200 clients on the event stream each get every event broadcast. */
Test(http, two_hundred_streams) {
  server *sv = server_start(NULL);
  enum { N = 200 };
  int fds[N];
  bool closed;
  for (int i = 0; i < N; i++) {
    fds[i] = client(sv);
    SEND(fds[i], "GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
    char *h = read_some(fds[i], 10, &closed);
    cr_assert(strstr(h, "HTTP/1.1 200"), "%s", h);
    free(h);
  }
  command(sv, CMD_COUNT);
  cr_assert_eq(sv->streams, N, "%d streams, %d clients", sv->streams, sv->clients);
  sv->n_events = 50;
  sv->event_size = 100;
  command(sv, CMD_BROADCAST);
  cr_assert_eq(sv->sent, N * 50);
  for (int i = 0; i < N; i++) {
    /* Its head's rest, then 50 events of "event: sample\ndata: " + 100 + "\n\n". */
    char *got = read_some(fds[i], 50 * (14 + 6 + 100 + 2), &closed);
    cr_assert_eq(count_of(got, "event: sample\ndata: "), 50, "client %d: %s", i, got);
    free(got);
    close(fds[i]);
  }
  server_stop(sv);
}

/* A stream client that stops reading is dropped once 64 KB wait for it;
 * the one that reads gets every event. */
typedef struct {
  int fd;
  size_t want, got;
} reader;

static void *read_all(void *arg) {
  reader *r = arg;
  char buf[65536];
  while (r->got < r->want) {
    ssize_t n = recv(r->fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    r->got += (size_t)n;
  }
  return NULL;
}

Test(http, a_client_that_stops_reading_is_dropped) {
  hs_limits lim = hs_default_limits();
  lim.max_pending = 64 * 1024;
  server *sv = server_start(&lim);
  int slow = client(sv), fast = client(sv);
  int rcv = 4096;
  setsockopt(slow, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof rcv);
  bool closed;
  SEND(slow, "GET /stream HTTP/1.1\r\n\r\n");
  SEND(fast, "GET /stream HTTP/1.1\r\n\r\n");
  free(read_some(slow, 10, &closed));
  free(read_some(fast, 10, &closed)); /* the head's rest, if any, is counted with the events */
  enum { EVENTS = 2000, SIZE = 4000 };
  reader rd = {.fd = fast, .want = (size_t)EVENTS * (14 + 6 + SIZE + 2)};
  pthread_t t;
  pthread_create(&t, NULL, read_all, &rd);
  /* As a run sends them: a few at a time, the reader reading meanwhile. */
  sv->n_events = 10;
  sv->event_size = SIZE;
  for (int round = 0; round < EVENTS / 10; round++) {
    command(sv, CMD_BROADCAST);
    usleep(1000);
  }
  pthread_join(t, NULL);
  command(sv, CMD_COUNT);
  cr_assert_eq(sv->dropped, 1, "the slow client is dropped: %ld", sv->dropped);
  cr_assert_eq(sv->streams, 1, "the other stays");
  cr_assert_geq(rd.got, rd.want, "the reading client got every event: %zu of %zu", rd.got, rd.want);
  close(slow);
  close(fast);
  server_stop(sv);
}

/* Beyond max_clients a connection gets 503; a request not finished within
 * the timeout gets 408. */
Test(http, client_limit_and_timeout) {
  hs_limits lim = hs_default_limits();
  lim.max_clients = 4;
  lim.head_timeout_ms = 300;
  server *sv = server_start(&lim);
  int fds[4];
  for (int i = 0; i < 4; i++) fds[i] = client(sv);
  bool closed;
  char *r = ASK(sv, "GET /hello HTTP/1.1\r\n\r\n", &closed);
  cr_assert(strncmp(r, "HTTP/1.1 503 ", 13) == 0 && closed, "%s", r);
  free(r);
  for (int i = 0; i < 4; i++) close(fds[i]);
  usleep(100000);
  int fd = client(sv);
  SEND(fd, "GET /hello HTTP/1.1\r\nHost:");
  r = read_some(fd, 0, &closed);
  cr_assert(strncmp(r, "HTTP/1.1 408 ", 13) == 0 && closed, "%s", r);
  free(r);
  close(fd);
  server_stop(sv);
}

/* What a review found: one answer longer than max_pending goes when
 * nothing waits before it; an idle keep-alive connection is closed
 * without a 408; a chunked request's trailer does not become the next
 * request's header; a client that stops reading while its answers wait is
 * closed in time. */
Test(http, long_answers_idle_connections_trailers_and_stuck_clients) {
  hs_limits lim = hs_default_limits();
  lim.max_pending = 64 * 1024;
  lim.head_timeout_ms = 300;
  server *sv = server_start(&lim);
  bool closed;
  char *r = ASK(sv, "GET /big HTTP/1.1\r\n\r\n", &closed);
  cr_assert(strstr(r, "Content-Length: 2097152\r\n"), "%.200s", r);
  cr_assert_geq(strlen(r), (size_t)(2 << 20), "all 2 MB came: %zu", strlen(r));
  free(r);
  int fd = client(sv);
  SEND(fd, "GET /hello HTTP/1.1\r\n\r\n");
  r = read_some(fd, 0, &closed);
  cr_assert(closed && strstr(r, "200 OK") && !strstr(r, "408"), "idle, then closed without a 408: %s", r);
  free(r);
  close(fd);
  static const char trailer[] = "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n"
                                "X-Romsim-: abc\r\n\r\nGET /token HTTP/1.1\r\nToken: \r\nConnection: close\r\n\r\n";
  r = ASK(sv, trailer, &closed);
  cr_assert(strstr(r, "\r\n\r\n(none)"), "the trailer stays in its request: %s", r);
  free(r);
  /* Many pipelined requests, a tiny receive buffer, nothing read. */
  fd = client(sv);
  int rcv = 2048;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof rcv);
  char *many = malloc(3000 * 24 + 1);
  size_t n = 0;
  for (int i = 0; i < 3000; i++) n += (size_t)sprintf(many + n, "GET /hello HTTP/1.1\r\n\r\n");
  send_all(fd, many, n);
  free(many);
  usleep(1200000);
  command(sv, CMD_COUNT);
  cr_assert_eq(sv->clients, 0, "the stuck client is closed: %d open", sv->clients);
  close(fd);
  server_stop(sv);
}
