/* rs_station: the queueing station of rs_station.h. */
#include "rs_station.h"

#include <float.h>
#include <math.h>
#include <stddef.h>
#include <string.h>

/* How far below an exact completion a rounded event time may fall: the
 * delay in microseconds is rounded up after taking off this share of it, so
 * that a delay that is a whole number of microseconds but comes out of the
 * arithmetic a hair above it is not pushed to the next microsecond. An
 * event that fires that hair early still completes its job (see
 * rs__on_completion). */
#define RS__ROUND_SLACK (16 * DBL_EPSILON)

static rs_station_job *rs__job_of(rs__station_node *n) { return RS_CONTAINER_OF(n, rs_station_job, node); }

/* ------------------------------------------------------------------------
 * The heap of jobs in service, ordered by (tag, seq): an intrusive binary
 * min-heap on parent/left/right links, as libuv's heap-inl.h. The shape is a
 * complete binary tree; the path to node number k (from 1, in breadth-first
 * order) is read from the bits of k below its highest one.
 */

/* True when a completes before b: smaller tag, or equal tags and earlier
 * arrival. */
static bool rs__before(const rs__station_node *a, const rs__station_node *b) {
  const rs_station_job *x = RS_CONTAINER_OF(a, const rs_station_job, node);
  const rs_station_job *y = RS_CONTAINER_OF(b, const rs_station_job, node);
  if (x->tag != y->tag) return x->tag < y->tag;
  return x->seq < y->seq;
}

/* Swap parent and its child child in the tree, links and all. */
static void rs__heap_swap(rs_station *st, rs__station_node *parent, rs__station_node *child) {
  rs__station_node *sibling;
  rs__station_node t = *parent;
  *parent = *child;
  *child = t;
  parent->parent = child;
  if (child->left == child) {
    child->left = parent;
    sibling = child->right;
  } else {
    child->right = parent;
    sibling = child->left;
  }
  if (sibling) sibling->parent = child;
  if (parent->left) parent->left->parent = parent;
  if (parent->right) parent->right->parent = parent;
  if (!child->parent)
    st->min = child;
  else if (child->parent->left == parent)
    child->parent->left = child;
  else
    child->parent->right = child;
}

/* The link that holds (or is to hold) node number k, k >= 1. */
static rs__station_node **rs__heap_slot(rs_station *st, uint64_t k, rs__station_node **parent) {
  uint64_t path = 0;
  int depth = 0;
  for (; k >= 2; k /= 2, depth++) path = (path << 1) | (k & 1);
  rs__station_node **link = &st->min;
  *parent = NULL;
  for (; depth > 0; depth--, path >>= 1) {
    *parent = *link;
    link = (path & 1) ? &(*link)->right : &(*link)->left;
  }
  return link;
}

/* Insert n (st->serving does not count it yet). */
static void rs__heap_insert(rs_station *st, rs__station_node *n) {
  rs__station_node *parent;
  rs__station_node **link = rs__heap_slot(st, st->serving + 1, &parent);
  n->left = n->right = NULL;
  n->parent = parent;
  *link = n;
  while (n->parent && rs__before(n, n->parent)) rs__heap_swap(st, n->parent, n);
}

/* Remove n, which is in the heap (st->serving still counts it). */
static void rs__heap_remove(rs_station *st, rs__station_node *n) {
  rs__station_node *parent;
  rs__station_node **link = rs__heap_slot(st, st->serving, &parent);
  /* Unlink the last node, then put it in n's place and sift it. */
  rs__station_node *last = *link;
  *link = NULL;
  if (last == n) {
    if (st->min == n) st->min = NULL;
    return;
  }
  last->left = n->left;
  last->right = n->right;
  last->parent = n->parent;
  if (last->left) last->left->parent = last;
  if (last->right) last->right->parent = last;
  if (!n->parent)
    st->min = last;
  else if (n->parent->left == n)
    n->parent->left = last;
  else
    n->parent->right = last;
  for (;;) {
    rs__station_node *smallest = last;
    if (last->left && rs__before(last->left, smallest)) smallest = last->left;
    if (last->right && rs__before(last->right, smallest)) smallest = last->right;
    if (smallest == last) break;
    rs__heap_swap(st, last, smallest);
  }
  while (last->parent && rs__before(last, last->parent)) rs__heap_swap(st, last->parent, last);
}

/* ------------------------------------------------------------------------
 * Time and service.
 */

/* True when a job of tag tag has received all its work at virtual time v:
 * what is left is below RS_STATION_EPSILON, give or take the rounding of
 * numbers the size of the tag. */
static bool rs__done(double tag, double v) {
  return tag - v <= RS_STATION_EPSILON + 8 * DBL_EPSILON * fabs(tag);
}

/* Bring v and the integrals from st->last up to now: the speed was constant
 * and the jobs the same since then. */
static void rs__advance(rs_station *st, rs_time_t now) {
  rs_time_t dt = now - st->last;
  if (dt <= 0) return;
  double s = (double)dt / 1e6; /* exact for whole seconds, and then some */
  double work = st->speed * s;
  st->capacity += work;
  if (st->jobs > 0) {
    st->busy += dt;
    st->area += (double)st->jobs * s;
    if (st->serving > 0) {
      st->served += work;
      st->v += work / (double)st->serving;
    }
  }
  st->last = now;
}

/* v as it would be at now, without touching st. */
static double rs__v_at(const rs_station *st, rs_time_t now) {
  rs_time_t dt = now - st->last;
  if (dt <= 0 || st->serving == 0) return st->v;
  return st->v + st->speed * ((double)dt / 1e6) / (double)st->serving;
}

/*
 * Time the event for the next completion: the job at the heap's top, done
 * when v reaches its tag, after (tag - v) x serving / speed seconds, rounded
 * up to a microsecond. No event when nothing is served, when stalled, or
 * when the completion is beyond the last representable time. st must be
 * advanced to now. Returns 0 or rs_sim_schedule's error.
 */
static int rs__retime(rs_station *st) {
  rs_sim *sim = st->sim;
  if (!st->min || !(st->speed > 0)) {
    rs_sim_cancel(sim, &st->ev);
    return 0;
  }
  const rs_station_job *job = rs__job_of(st->min);
  rs_time_t now = rs_sim_now(sim);
  rs_time_t at = now;
  if (!rs__done(job->tag, st->v)) {
    double d = (job->tag - st->v) * (double)st->serving / st->speed * 1e6;
    d = ceil(d - d * RS__ROUND_SLACK);
    if (!(d < (double)(RS_SIM_TIME_MAX - now))) {
      rs_sim_cancel(sim, &st->ev);
      return 0;
    }
    at = now + (rs_time_t)d;
  }
  /* Left alone when already right, so that its place among events due at
   * the same time is kept. */
  if (rs_event_pending(&st->ev) && rs_sim_event_time(&st->ev) == at) return 0;
  return rs_sim_schedule(sim, &st->ev, at);
}

/* Put job into service at st->last, counting credit (>= 0) of its work as
 * done already (see rs__on_completion). A credit larger than the work makes
 * a tag below v: the job is done, and what it did not use passes on to the
 * next (as v - tag) when it leaves. */
static void rs__serve(rs_station *st, rs_station_job *job, double credit) {
  job->serving = true;
  job->started = st->last;
  job->tag = st->v + job->work - credit;
  st->tags += job->tag;
  rs__heap_insert(st, &job->node);
  st->serving++;
}

/* Admit waiting jobs, in arrival order, while fewer than the limit are
 * served; the first with credit (see rs__serve). */
static void rs__admit(rs_station *st, double credit) {
  while (st->waiting && st->serving < st->limit) {
    rs_station_job *job = st->waiting;
    st->waiting = job->next;
    st->waiting_work -= job->work;
    rs__serve(st, job, credit);
    credit = 0;
  }
  if (!st->waiting) st->waiting_work = 0;
}

/* Work job has not received, as of virtual time v. */
static double rs__left(const rs_station_job *job, double v) {
  if (!job->serving) return job->work;
  double left = job->tag - v;
  return left > 0 ? left : 0;
}

/* Take job out of st (advanced to now) and admit whoever may enter, the
 * first with credit (see rs__serve). */
static void rs__leave(rs_station *st, rs_station_job *job, double credit) {
  if (job->prev)
    job->prev->next = job->next;
  else
    st->head = job->next;
  if (job->next)
    job->next->prev = job->prev;
  else
    st->tail = job->prev;
  if (st->waiting == job) st->waiting = job->next;
  if (job->serving) {
    rs__heap_remove(st, &job->node);
    st->serving--;
    st->tags -= job->tag;
    /* Nobody in service: virtual time starts over, which keeps tags small
     * and the running sum exact. */
    if (st->serving == 0) {
      st->v = 0;
      st->tags = 0;
    }
  } else {
    st->waiting_work -= job->work;
  }
  st->jobs--;
  job->station = NULL;
  job->serving = false;
  job->prev = job->next = NULL;
  rs__admit(st, credit);
}

/*
 * The completion event: the job at the top of the heap is done (the event
 * was timed for it; if rounding fired it a hair early, v is moved up to its
 * tag), and so is every job whose tag v has reached, in (tag, arrival) order.
 * Each leaves before its callback runs.
 *
 * The event runs at the first whole microsecond after the exact completion,
 * so a job leaves up to a microsecond late, having had over = v - tag more
 * than its work, over that fraction of a microsecond. Left alone, each
 * completion would waste that much of the station's capacity and make the
 * jobs still there later and later over a long busy period (and, for short
 * jobs, measurably slower). So the departure is dated back: the work done
 * since the exact completion, m x over for m jobs in service, goes to the m'
 * jobs in service after it, over m / m' each. Those that were there have
 * had over of it: v moves up by the rest; those admitted now enter with
 * over of their work done. Completions are then each within a microsecond
 * of the exact time, however long the busy period.
 */
static void rs__on_completion(rs_sim *sim, rs_event *ev) {
  rs_station *st = RS_CONTAINER_OF(ev, rs_station, ev);
  rs__advance(st, rs_sim_now(sim));
  bool first = true;
  while (st->min) {
    rs_station_job *job = rs__job_of(st->min);
    if (first) {
      if (st->v < job->tag) st->v = job->tag;
      first = false;
    } else if (!rs__done(job->tag, st->v)) {
      break;
    }
    double over = st->v > job->tag ? st->v - job->tag : 0;
    uint64_t m = st->serving;
    rs__leave(st, job, over);
    if (over > 0 && st->serving > 0) st->v += over * (double)m / (double)st->serving - over;
    job->left = 0;
    st->completed++;
    if (st->done) st->done(st, job, st->arg);
  }
  rs__retime(st);
}

/* ------------------------------------------------------------------------
 * The interface.
 */

void rs_station_job_init(rs_station_job *job, void *data) {
  memset(job, 0, sizeof *job);
  job->data = data;
  job->started = -1;
}

static bool rs__speed_ok(double speed) { return speed >= 0 && isfinite(speed); }

int rs_station_init(rs_station *st, rs_sim *sim, rs_station_discipline d, double speed,
                    rs_station_done_cb done, void *arg) {
  if ((d != RS_STATION_PS && d != RS_STATION_FIFO) || !rs__speed_ok(speed)) return RS_EINVAL;
  memset(st, 0, sizeof *st);
  st->sim = sim;
  rs_event_init(&st->ev, rs__on_completion);
  st->done = done;
  st->arg = arg;
  st->discipline = d;
  st->speed = speed;
  st->limit = d == RS_STATION_FIFO ? 1 : UINT64_MAX;
  st->last = rs_sim_now(sim);
  return 0;
}

void rs_station_free(rs_station *st) {
  rs_sim_cancel(st->sim, &st->ev);
  double v = rs__v_at(st, rs_sim_now(st->sim));
  for (rs_station_job *job = st->head, *next; job; job = next) {
    next = job->next;
    job->left = rs__left(job, v);
    job->station = NULL;
    job->serving = false;
    job->prev = job->next = NULL;
  }
  st->head = st->tail = st->waiting = NULL;
  st->min = NULL;
  st->jobs = st->serving = 0;
  st->v = st->tags = st->waiting_work = 0;
}

int rs_station_submit(rs_station *st, rs_station_job *job, double work) {
  if (job->station || !(work >= 0) || !isfinite(work)) return RS_EINVAL;
  rs__advance(st, rs_sim_now(st->sim));
  job->work = work;
  job->arrived = st->last;
  job->started = -1;
  job->left = work;
  job->seq = st->seq++;
  job->station = st;
  job->serving = false;
  job->next = NULL;
  job->prev = st->tail;
  if (st->tail)
    st->tail->next = job;
  else
    st->head = job;
  st->tail = job;
  st->jobs++;
  st->arrived++;
  if (!st->waiting && st->serving < st->limit) {
    rs__serve(st, job, 0);
  } else {
    if (!st->waiting) st->waiting = job;
    st->waiting_work += work;
  }
  return rs__retime(st);
}

int rs_station_cancel(rs_station *st, rs_station_job *job) {
  if (job->station != st) return RS_EINVAL;
  rs__advance(st, rs_sim_now(st->sim));
  double left = rs__left(job, st->v);
  rs__leave(st, job, 0);
  job->left = left;
  st->cancelled++;
  return rs__retime(st);
}

uint64_t rs_station_clear(rs_station *st, rs_station_each_cb each, void *arg) {
  rs__advance(st, rs_sim_now(st->sim));
  /* Everyone leaves first, so that the callbacks see an empty station and
   * may submit to it. */
  rs_station_job *job = st->head;
  uint64_t n = st->jobs;
  for (rs_station_job *j = job; j; j = j->next) {
    j->left = rs__left(j, st->v);
    j->station = NULL;
    j->serving = false;
  }
  st->head = st->tail = st->waiting = NULL;
  st->min = NULL;
  st->jobs = st->serving = 0;
  st->v = st->tags = st->waiting_work = 0;
  st->cancelled += n;
  rs__retime(st); /* nothing to time: cancels the event */
  while (job) {
    rs_station_job *next = job->next;
    job->prev = job->next = NULL;
    if (each) each(st, job, arg);
    job = next;
  }
  return n;
}

int rs_station_set_speed(rs_station *st, double speed) {
  if (!rs__speed_ok(speed)) return RS_EINVAL;
  rs__advance(st, rs_sim_now(st->sim));
  st->speed = speed;
  return rs__retime(st);
}

int rs_station_set_limit(rs_station *st, uint64_t limit) {
  if (st->discipline != RS_STATION_PS) return RS_EINVAL;
  rs__advance(st, rs_sim_now(st->sim));
  st->limit = limit ? limit : UINT64_MAX;
  rs__admit(st, 0);
  return rs__retime(st);
}

double rs_station_backlog(const rs_station *st) {
  if (st->jobs == 0) return 0;
  double v = rs__v_at(st, rs_sim_now(st->sim));
  double b = st->waiting_work + (st->tags - (double)st->serving * v);
  return b > 0 ? b : 0;
}

double rs_station_remaining(const rs_station *st, const rs_station_job *job) {
  if (!st || job->station != st) return job->left;
  return rs__left(job, rs__v_at(st, rs_sim_now(st->sim)));
}

void rs_station_stats_get(const rs_station *st, rs_station_stats *out) {
  rs_time_t now = rs_sim_now(st->sim);
  memset(out, 0, sizeof *out);
  out->at = now;
  out->busy = st->busy;
  out->served = st->served;
  out->capacity = st->capacity;
  out->area = st->area;
  rs_time_t dt = now - st->last;
  if (dt > 0) {
    /* The same sums rs__advance would make. */
    double s = (double)dt / 1e6;
    double work = st->speed * s;
    out->capacity += work;
    if (st->jobs > 0) {
      out->busy += dt;
      out->area += (double)st->jobs * s;
      if (st->serving > 0) out->served += work;
    }
  }
  out->arrived = st->arrived;
  out->completed = st->completed;
  out->cancelled = st->cancelled;
  out->jobs = st->jobs;
  out->serving = st->serving;
  out->backlog = rs_station_backlog(st);
}

double rs_station_utilization(const rs_station_stats *a, const rs_station_stats *b) {
  double offered = b->capacity - a->capacity;
  if (offered > 0) {
    double u = (b->served - a->served) / offered;
    return u < 0 ? 0 : u > 1 ? 1 : u;
  }
  return b->busy > a->busy ? 1.0 : 0.0;
}
