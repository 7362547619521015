/* http: a bounded HTTP/1.1 server on libuv, parsing by http_parser (see http.h). */
#include "http.h"

#include <arpa/inet.h>
#include <http_parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A buffer written to one or more clients (an event goes to every stream
 * from one copy). */
typedef struct {
  int refs;
  size_t len;
  char data[];
} shared_buf;

typedef struct {
  uv_write_t req;
  shared_buf *buf;
  struct hs_conn *c;
} write_req;

struct hs_conn {
  uv_tcp_t tcp;
  uv_timer_t timer;         /* a request's head and body must come within head_timeout_ms */
  uv_shutdown_t shutdown;
  hs_server *s;
  http_parser parser;
  struct hs_conn *prev, *next;
  /* The request being read. */
  char *url, *field, *value, *token, *content_type, *host, *origin, *body;
  size_t url_len, field_len, value_len, body_len, head_bytes;
  int n_headers;
  bool in_value;            /* the last header callback was a value */
  int error;                /* a status to answer with when the parser stops (0: 400) */
  bool keep_alive;
  bool answered;            /* the handler answered the request being handled */
  /* The connection. */
  bool stream;              /* an event stream */
  bool closing;             /* no more reads or writes: shutting down or closed */
  size_t pending;           /* bytes queued for writing, not yet written */
  int handles;              /* of tcp and timer, still open */
};

struct hs_server {
  uv_loop_t *loop;
  uv_tcp_t listener;
  hs_limits lim;
  hs_handler handler;
  void *ctx;
  hs_conn *conns;           /* every open connection */
  int clients, streams;
  long dropped_slow;
  bool stopping;
  int handles;              /* the listener, and connections not yet freed */
  void (*done)(void *);
  void *done_arg;
  char rbuf[65536];         /* reads are handled at once, on the loop's thread */
  http_parser_settings settings;
};

hs_limits hs_default_limits(void) {
  return (hs_limits){.max_head = 8192,
                     .max_headers = 64,
                     .max_body = 65536,
                     .max_clients = 256,
                     .max_pending = 1 << 20,
                     .head_timeout_ms = 10000};
}

const char *hs_status_text(int status) {
  switch (status) {
  case 200: return "OK";
  case 204: return "No Content";
  case 400: return "Bad Request";
  case 401: return "Unauthorized";
  case 403: return "Forbidden";
  case 404: return "Not Found";
  case 405: return "Method Not Allowed";
  case 408: return "Request Timeout";
  case 409: return "Conflict";
  case 413: return "Content Too Large";
  case 414: return "URI Too Long";
  case 415: return "Unsupported Media Type";
  case 431: return "Request Header Fields Too Large";
  case 500: return "Internal Server Error";
  case 503: return "Service Unavailable";
  default: return "Unknown";
  }
}

/* ---- closing ---- */

/* One of the server's handles (the listener, a connection) is gone; the
 * last one after hs_stop frees it. */
static void server_release(hs_server *s) {
  if (--s->handles > 0 || !s->stopping) return;
  void (*done)(void *) = s->done;
  void *arg = s->done_arg;
  free(s);
  if (done) done(arg);
}

static void maybe_free(hs_conn *c) {
  if (c->handles > 0) return;
  hs_server *s = c->s;
  free(c->url);
  free(c->field);
  free(c->value);
  free(c->token);
  free(c->content_type);
  free(c->host);
  free(c->origin);
  free(c->body);
  free(c);
  server_release(s);
}

static void handle_closed(uv_handle_t *h) {
  hs_conn *c = h->data;
  c->handles--;
  maybe_free(c);
}

/* Close now, whatever is unsent. */
static void conn_close(hs_conn *c) {
  if (uv_is_closing((uv_handle_t *)&c->tcp)) return;
  c->closing = true;
  hs_server *s = c->s;
  if (c->prev)
    c->prev->next = c->next;
  else
    s->conns = c->next;
  if (c->next) c->next->prev = c->prev;
  s->clients--;
  if (c->stream) s->streams--;
  uv_close((uv_handle_t *)&c->timer, handle_closed);
  uv_close((uv_handle_t *)&c->tcp, handle_closed);
}

static void shutdown_cb(uv_shutdown_t *req, int status) {
  (void)status;
  conn_close(req->data);
}

/* Close once what is queued is written (nothing more is read or
 * written meanwhile). */
static void finish_timeout_cb(uv_timer_t *t) { conn_close(t->data); }

static void conn_finish(hs_conn *c) {
  if (c->closing) return;
  c->closing = true;
  uv_read_stop((uv_stream_t *)&c->tcp);
  /* A client that never reads would hold the connection open: it is
   * closed after head_timeout_ms whatever is unsent. */
  uv_timer_start(&c->timer, finish_timeout_cb, c->s->lim.head_timeout_ms, 0);
  c->shutdown.data = c;
  if (uv_shutdown(&c->shutdown, (uv_stream_t *)&c->tcp, shutdown_cb) != 0) conn_close(c);
}

/* ---- writing ---- */

static void write_cb(uv_write_t *req, int status) {
  write_req *w = (write_req *)req;
  hs_conn *c = w->c;
  c->pending -= w->buf->len;
  if (--w->buf->refs == 0) free(w->buf);
  free(w);
  if (status < 0 && !c->closing) conn_close(c);
}

static shared_buf *buf_new(size_t len) {
  shared_buf *b = malloc(sizeof *b + len + 1);
  if (b) b->refs = 0, b->len = len;
  return b;
}

/* Queue b on c; a client that would hold more than max_pending unsent is
 * dropped (it is not reading). Returns 0, or -1 when c was dropped. */
static int conn_write(hs_conn *c, shared_buf *b) {
  if (c->closing) return -1;
  /* Bytes already waiting, and this on top: a client that does not read.
   * One answer, however long, goes when nothing waits before it. */
  if (c->pending > 0 && c->pending + b->len > c->s->lim.max_pending) {
    c->s->dropped_slow++;
    conn_close(c);
    return -1;
  }
  write_req *w = malloc(sizeof *w);
  if (!w) {
    conn_close(c);
    return -1;
  }
  w->buf = b;
  w->c = c;
  b->refs++;
  c->pending += b->len;
  uv_buf_t ub = uv_buf_init(b->data, (unsigned)b->len);
  if (uv_write(&w->req, (uv_stream_t *)&c->tcp, &ub, 1, write_cb) != 0) {
    c->pending -= b->len;
    b->refs--;
    free(w);
    conn_close(c);
    return -1;
  }
  return 0;
}

void hs_reply(hs_conn *c, int status, const char *content_type, const char *extra_headers, const char *body,
              size_t len) {
  c->answered = true;
  if (c->closing) return;
  char head[1024];
  int n = snprintf(head, sizeof head,
                   "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\nCache-Control: no-store\r\n"
                   "X-Content-Type-Options: nosniff\r\n%s%s\r\n",
                   status, hs_status_text(status), content_type ? content_type : "text/plain; charset=utf-8", len,
                   extra_headers ? extra_headers : "", c->keep_alive ? "" : "Connection: close\r\n");
  if (n < 0 || (size_t)n >= sizeof head) n = 0;
  shared_buf *b = buf_new((size_t)n + len);
  if (!b) {
    conn_close(c);
    return;
  }
  memcpy(b->data, head, (size_t)n);
  if (len) memcpy(b->data + n, body, len);
  if (conn_write(c, b) != 0) {
    if (b->refs == 0) free(b);
    return;
  }
  if (!c->keep_alive) conn_finish(c);
}

void hs_sse_begin(hs_conn *c) {
  c->answered = true;
  if (c->closing) return;
  static const char head[] = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n"
                             "X-Content-Type-Options: nosniff\r\n\r\n";
  shared_buf *b = buf_new(sizeof head - 1);
  if (!b) {
    conn_close(c);
    return;
  }
  memcpy(b->data, head, sizeof head - 1);
  if (conn_write(c, b) != 0) {
    if (b->refs == 0) free(b);
    return;
  }
  c->stream = true;
  c->s->streams++;
}

int hs_broadcast(hs_server *s, const char *event, const char *data) {
  /* event: NAME, then each line of data as data: LINE, then a blank line. */
  size_t lines = 1;
  for (const char *p = data; *p; p++) lines += *p == '\n';
  size_t len = (event ? strlen(event) + 8 : 0) + strlen(data) + 7 * lines + 2;
  shared_buf *b = buf_new(len);
  if (!b) return 0;
  size_t u = 0;
  if (event) u += (size_t)sprintf(b->data + u, "event: %s\n", event);
  const char *p = data;
  for (;;) {
    const char *nl = strchr(p, '\n');
    size_t l = nl ? (size_t)(nl - p) : strlen(p);
    memcpy(b->data + u, "data: ", 6);
    memcpy(b->data + u + 6, p, l);
    u += 6 + l;
    b->data[u++] = '\n';
    if (!nl) break;
    p = nl + 1;
  }
  b->data[u++] = '\n';
  b->len = u;
  int sent = 0;
  b->refs++; /* held while sending, so a drop does not free it */
  for (hs_conn *c = s->conns, *next; c; c = next) {
    next = c->next;
    if (c->stream && conn_write(c, b) == 0) sent++;
  }
  if (--b->refs == 0) free(b);
  return sent;
}

/* ---- reading ---- */

static int append(char **dst, size_t *len, const char *at, size_t n) {
  char *p = realloc(*dst, *len + n + 1);
  if (!p) return -1;
  memcpy(p + *len, at, n);
  *len += n;
  p[*len] = 0;
  *dst = p;
  return 0;
}

static int fail(hs_conn *c, int status) {
  c->error = status;
  return -1;
}

/* The header just read, kept when romsim looks at it. */
static int end_header(hs_conn *c) {
  if (!c->field) return 0;
  char **keep = strcasecmp(c->field, "x-romsim-token") == 0  ? &c->token
                : strcasecmp(c->field, "content-type") == 0 ? &c->content_type
                : strcasecmp(c->field, "host") == 0         ? &c->host
                : strcasecmp(c->field, "origin") == 0       ? &c->origin
                                                            : NULL;
  if (keep) {
    free(*keep);
    *keep = c->value ? c->value : strdup("");
    c->value = NULL;
    if (!*keep) return -1;
  }
  free(c->field);
  free(c->value);
  c->field = c->value = NULL;
  c->field_len = c->value_len = 0;
  return 0;
}

static int on_message_begin(http_parser *p) {
  hs_conn *c = p->data;
  free(c->url), free(c->token), free(c->content_type), free(c->body), free(c->field), free(c->value);
  free(c->host), free(c->origin);
  c->url = c->token = c->content_type = c->body = c->field = c->value = c->host = c->origin = NULL;
  c->url_len = c->body_len = c->head_bytes = c->field_len = c->value_len = 0;
  c->n_headers = 0;
  c->in_value = false;
  c->answered = false;
  if (!c->stream) uv_timer_again(&c->timer);
  return 0;
}

static int on_url(http_parser *p, const char *at, size_t n) {
  hs_conn *c = p->data;
  if ((c->head_bytes += n) > c->s->lim.max_head) return fail(c, 414);
  return append(&c->url, &c->url_len, at, n) ? fail(c, 500) : 0;
}

static int on_header_field(http_parser *p, const char *at, size_t n) {
  hs_conn *c = p->data;
  if ((c->head_bytes += n) > c->s->lim.max_head) return fail(c, 431);
  if (c->in_value || !c->field) {
    if (end_header(c)) return fail(c, 500);
    if (++c->n_headers > c->s->lim.max_headers) return fail(c, 431);
    c->in_value = false;
  }
  return append(&c->field, &c->field_len, at, n) ? fail(c, 500) : 0;
}

static int on_header_value(http_parser *p, const char *at, size_t n) {
  hs_conn *c = p->data;
  if ((c->head_bytes += n) > c->s->lim.max_head) return fail(c, 431);
  c->in_value = true;
  return append(&c->value, &c->value_len, at, n) ? fail(c, 500) : 0;
}

static int on_headers_complete(http_parser *p) {
  hs_conn *c = p->data;
  if (end_header(c)) return fail(c, 500);
  if (p->upgrade) return fail(c, 400); /* no protocol but HTTP/1.1 is spoken */
  if ((p->flags & F_CONTENTLENGTH) && p->content_length > c->s->lim.max_body) return fail(c, 413);
  return 0;
}

static int on_body(http_parser *p, const char *at, size_t n) {
  hs_conn *c = p->data;
  if (c->body_len + n > c->s->lim.max_body) return fail(c, 413);
  return append(&c->body, &c->body_len, at, n) ? fail(c, 500) : 0;
}

static int on_message_complete(http_parser *p) {
  hs_conn *c = p->data;
  hs_server *s = c->s;
  uv_timer_stop(&c->timer);
  if (c->stream) return 0; /* a stream's client sends nothing that counts */
  c->keep_alive = http_should_keep_alive(p) != 0;
  /* The URL's path and query: an absolute form's scheme and host left out. */
  char *url = c->url ? c->url : "";
  struct http_parser_url u;
  http_parser_url_init(&u);
  char path[4096] = "/", query[4096] = "";
  if (http_parser_parse_url(url, strlen(url), 0, &u) != 0) return fail(c, 400);
  if (u.field_set & (1 << UF_PATH))
    snprintf(path, sizeof path, "%.*s", (int)u.field_data[UF_PATH].len, url + u.field_data[UF_PATH].off);
  if (u.field_set & (1 << UF_QUERY))
    snprintf(query, sizeof query, "%.*s", (int)u.field_data[UF_QUERY].len, url + u.field_data[UF_QUERY].off);
  hs_request r = {.method = http_method_str((enum http_method)p->method),
                  .path = path,
                  .query = query,
                  .body = c->body ? c->body : "",
                  .body_len = c->body_len,
                  .token = c->token,
                  .content_type = c->content_type,
                  .host = c->host,
                  .origin = c->origin};
  s->handler(c, &r, s->ctx);
  if (!c->answered) hs_reply(c, 500, NULL, NULL, "no answer\n", 10);
  /* Idle until the next request: closed in time too, without a 408. */
  c->url_len = c->head_bytes = 0;
  if (!c->closing && !c->stream) uv_timer_again(&c->timer);
  return c->closing ? -1 : 0;
}

/* Malformed or over a bound: the status, and the connection closed. */
static void refuse(hs_conn *c, int status) {
  char body[160];
  int n = snprintf(body, sizeof body, "%d %s\n", status, hs_status_text(status));
  c->keep_alive = false;
  hs_reply(c, status, NULL, NULL, body, (size_t)n);
}

static void alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *buf) {
  hs_conn *c = h->data;
  (void)suggested;
  *buf = uv_buf_init(c->s->rbuf, sizeof c->s->rbuf);
}

static void read_cb(uv_stream_t *st, ssize_t n, const uv_buf_t *buf) {
  hs_conn *c = st->data;
  if (n < 0) {
    conn_close(c);
    return;
  }
  if (n == 0 || c->closing) return;
  if (c->stream) return; /* what a stream's client sends is not read */
  size_t done = http_parser_execute(&c->parser, &c->s->settings, buf->base, (size_t)n);
  if (c->closing || c->stream) return; /* a stream's client may send anything after its request */
  enum http_errno e = HTTP_PARSER_ERRNO(&c->parser);
  if (e != HPE_OK || c->parser.upgrade || done != (size_t)n) refuse(c, c->error ? c->error : 400);
}

static void timeout_cb(uv_timer_t *t) {
  hs_conn *c = t->data;
  if (c->stream || c->closing) return;
  /* Partway through a request: 408; idle between requests: just closed. */
  if (c->url_len || c->head_bytes)
    refuse(c, 408);
  else
    conn_close(c);
}

static void on_connection(uv_stream_t *l, int status) {
  hs_server *s = l->data;
  if (status < 0 || s->stopping) return;
  hs_conn *c = calloc(1, sizeof *c);
  if (!c) return;
  c->s = s;
  uv_tcp_init(s->loop, &c->tcp);
  uv_timer_init(s->loop, &c->timer);
  c->tcp.data = c->timer.data = c;
  c->handles = 2;
  s->handles++;
  c->next = s->conns;
  if (s->conns) s->conns->prev = c;
  s->conns = c;
  s->clients++;
  if (uv_accept(l, (uv_stream_t *)&c->tcp) != 0) {
    conn_close(c);
    return;
  }
  http_parser_init(&c->parser, HTTP_REQUEST);
  c->parser.data = c;
  c->keep_alive = true;
  if (s->clients > s->lim.max_clients) {
    refuse(c, 503);
    return;
  }
  uv_timer_start(&c->timer, timeout_cb, s->lim.head_timeout_ms, s->lim.head_timeout_ms);
  uv_tcp_nodelay(&c->tcp, 1);
  if (uv_read_start((uv_stream_t *)&c->tcp, alloc_cb, read_cb) != 0) conn_close(c);
}

/* ---- the server ---- */

hs_server *hs_start(uv_loop_t *loop, const char *host, int port, const hs_limits *lim, hs_handler h, void *ctx,
                    char *err, size_t errlen) {
  hs_server *s = calloc(1, sizeof *s);
  if (!s) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  s->loop = loop;
  s->lim = lim ? *lim : hs_default_limits();
  s->handler = h;
  s->ctx = ctx;
  s->settings = (http_parser_settings){.on_message_begin = on_message_begin,
                                       .on_url = on_url,
                                       .on_header_field = on_header_field,
                                       .on_header_value = on_header_value,
                                       .on_headers_complete = on_headers_complete,
                                       .on_body = on_body,
                                       .on_message_complete = on_message_complete};
  struct sockaddr_storage addr;
  int rc = strchr(host, ':') ? uv_ip6_addr(host, port, (struct sockaddr_in6 *)&addr)
                             : uv_ip4_addr(host, port, (struct sockaddr_in *)&addr);
  if (rc != 0) {
    snprintf(err, errlen, "'%s' is not an IP address", host);
    free(s);
    return NULL;
  }
  uv_tcp_init(loop, &s->listener);
  s->listener.data = s;
  s->handles = 1;
  if ((rc = uv_tcp_bind(&s->listener, (const struct sockaddr *)&addr, 0)) != 0 ||
      (rc = uv_listen((uv_stream_t *)&s->listener, 128, on_connection)) != 0) {
    snprintf(err, errlen, "cannot listen on %s:%d: %s", host, port, uv_strerror(rc));
    s->stopping = true;
    uv_close((uv_handle_t *)&s->listener, NULL);
    uv_run(loop, UV_RUN_NOWAIT); /* the handle closed before s is freed */
    free(s);
    return NULL;
  }
  return s;
}

int hs_port(const hs_server *s) {
  struct sockaddr_storage a;
  int len = sizeof a;
  if (uv_tcp_getsockname(&s->listener, (struct sockaddr *)&a, &len) != 0) return -1;
  return a.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&a)->sin6_port)
                                 : ntohs(((struct sockaddr_in *)&a)->sin_port);
}

int hs_clients(const hs_server *s) { return s->clients; }
int hs_streams(const hs_server *s) { return s->streams; }
long hs_dropped_slow(const hs_server *s) { return s->dropped_slow; }

static void listener_closed(uv_handle_t *h) { server_release(h->data); }

void hs_stop(hs_server *s, void (*done)(void *), void *arg) {
  s->stopping = true;
  s->done = done;
  s->done_arg = arg;
  while (s->conns) conn_close(s->conns);
  uv_close((uv_handle_t *)&s->listener, listener_closed);
}
