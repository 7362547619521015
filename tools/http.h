/*
 * http: a small HTTP/1.1 server on a libuv loop, for `romsim serve`.
 *
 * Requests are parsed by http_parser (Debian's libhttp-parser); this file
 * only bounds them and answers. Every bound is a limit of hs_limits: the
 * request's head (request line and headers) and its header count, its
 * body, the clients at once, and the bytes waiting to be written to one
 * client. A request over a bound gets its status (413, 431) and the
 * connection closed; malformed HTTP gets 400 and the connection closed; a
 * client whose unwritten bytes pass the bound (it stopped reading) is
 * dropped, so that no client slows the loop; a request not complete
 * within head_timeout_ms is dropped. Requests on one connection are
 * answered in order (pipelining): the next is parsed once the previous
 * is answered.
 *
 * A handler answers each request with hs_reply, or turns the connection
 * into a Server-Sent Events stream with hs_sse_begin; hs_broadcast sends
 * an event to every stream.
 */
#ifndef ROMSIM_HTTP_H
#define ROMSIM_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <uv.h>

typedef struct hs_server hs_server;
typedef struct hs_conn hs_conn;

typedef struct {
  size_t max_head;          /* request line and headers, bytes (8 KB) */
  int max_headers;          /* headers (64) */
  size_t max_body;          /* body, bytes (64 KB) */
  int max_clients;          /* connections at once (256) */
  size_t max_pending;       /* bytes written to a client and not yet sent (1 MB) */
  unsigned head_timeout_ms; /* a request must be complete within this (10 000) */
} hs_limits;

/* The defaults above. */
hs_limits hs_default_limits(void);

typedef struct {
  const char *method;       /* "GET", "POST", ... */
  const char *path;         /* the URL's path, "/api/state" */
  const char *query;        /* after '?', or "" */
  const char *body;         /* NUL-terminated; body_len bytes */
  size_t body_len;
  const char *token;        /* the X-Romsim-Token header's value, or NULL */
  const char *content_type; /* or NULL */
  const char *host;         /* the Host header's value, or NULL */
  const char *origin;       /* the Origin header's value (a browser's request from a page), or NULL */
} hs_request;

/* Called on the loop's thread for each complete request. It must answer:
 * hs_reply, or hs_sse_begin (the connection then stays a stream). */
typedef void (*hs_handler)(hs_conn *c, const hs_request *r, void *ctx);

/* Listen on host:port (port 0: any; hs_port tells which). NULL with the
 * reason in err when it cannot. */
hs_server *hs_start(uv_loop_t *loop, const char *host, int port, const hs_limits *lim, hs_handler h, void *ctx,
                    char *err, size_t errlen);

int hs_port(const hs_server *s);

/* Answer with status and a body (Content-Length set; the connection kept
 * open unless the client asked otherwise). extra_headers: "Name: value\r\n"
 * lines, or NULL. */
void hs_reply(hs_conn *c, int status, const char *content_type, const char *extra_headers, const char *body,
              size_t len);

/* Make the connection an event stream (text/event-stream). */
void hs_sse_begin(hs_conn *c);

/* Send an event (event: name, data: the text, each of its lines) to every
 * stream; a stream whose unsent bytes would pass max_pending is dropped.
 * Returns how many streams it was sent to. */
int hs_broadcast(hs_server *s, const char *event, const char *data);

/* Connections open now, and streams among them; clients dropped for not
 * reading, all run. */
int hs_clients(const hs_server *s);
int hs_streams(const hs_server *s);
long hs_dropped_slow(const hs_server *s);

/* Stop listening and close every connection; done(arg) once all are closed
 * (the server is freed then). */
void hs_stop(hs_server *s, void (*done)(void *), void *arg);

/* The reason phrase of a status. */
const char *hs_status_text(int status);

#endif
