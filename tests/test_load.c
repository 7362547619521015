/*
 * Office hours (load:, rm_load.h): clients switch on in the morning and off
 * in the evening of working days, each within the spread; off, they send
 * nothing and raise no heartbeat alert, even where clients are watched;
 * servers run all the time.
 */
#include <math.h>

#include "model_util.h"
#include "rm_replay.h"

#define H(h, m) ((rs_time_t)(h) * RS_HOUR + (rs_time_t)(m) * RS_MIN)

/* The hours themselves: Monday is day 0; each client's switch is within
 * [on, on + spread) and [off, off + spread); weekends off; the next switch
 * is the one that comes. */
Test(load, hours_switch_within_the_spread) {
  rm_hours h = rm_hours_office();
  int ons = 0;
  rs_time_t first = RS_DAY, last = 0;
  for (int64_t agent = 0; agent < 500; agent++) {
    rs_time_t next;
    cr_assert_not(rm_hours_on(&h, 7, agent, H(7, 59), &next), "off before 08:00");
    cr_assert(next >= H(8, 0) && next < H(8, 30), "switches on within the spread: %lld", (long long)next);
    first = next < first ? next : first;
    last = next > last ? next : last;
    cr_assert(rm_hours_on(&h, 7, agent, next, &next), "on at its switch");
    cr_assert(next >= H(18, 0) && next < H(18, 30), "then off within the evening's spread");
    cr_assert_not(rm_hours_on(&h, 7, agent, next, &next), "off at its switch");
    cr_assert(next >= RS_DAY + H(8, 0) && next < RS_DAY + H(8, 30), "on again on Tuesday");
    ons += rm_hours_on(&h, 7, agent, H(8, 15), &next);
    /* Friday evening to Monday morning: off through the weekend. */
    cr_assert_not(rm_hours_on(&h, 7, agent, 5 * RS_DAY + H(12, 0), &next), "Saturday");
    cr_assert(next >= 7 * RS_DAY + H(8, 0) && next < 7 * RS_DAY + H(8, 30), "next: Monday");
    cr_assert_not(rm_hours_on(&h, 7, agent, 6 * RS_DAY + H(12, 0), &next), "Sunday");
  }
  /* Uniform over the half hour: at 08:15 about half are on (binomial, 500
   * draws: sd 11; 5 sd either way). */
  cr_assert(ons > 250 - 56 && ons < 250 + 56, "%d of 500 on at 08:15", ons);
  cr_assert_lt(first, H(8, 2));
  cr_assert_gt(last, H(8, 28));
  /* Another seed, other times; the same seed, the same. */
  rs_time_t a, b, c;
  rm_hours_on(&h, 7, 3, 0, &a);
  rm_hours_on(&h, 7, 3, 0, &b);
  rm_hours_on(&h, 8, 3, 0, &c);
  cr_assert_eq(a, b);
  cr_assert_neq(a, c);
  /* always: on, and never switching. */
  rm_hours always = {.office = false};
  cr_assert(rm_hours_on(&always, 7, 3, H(3, 0), &a));
  cr_assert_eq(a, -1);
}

/* A week of one customer of 2 servers and 40 clients on office hours, with
 * clients watched (alert_clients): clients send nothing at night and at the
 * weekend, send again in the morning, and no heartbeat alert is raised;
 * the servers send all the time. */
Test(load, clients_are_off_at_night_and_not_missed) {
  world *w = world_new("name: week\nduration: 7d\nseed: 4\nheartbeat: {alert_clients: true}\n"
                       "load: {clients: office_hours}\n"
                       "management_servers: {count: 1}\ngateways: {count: 1}\n"
                       "customers:\n  - {count: 1, servers: 2, clients: 40}\n");
  rm_group *g = &w->g;
  rm_node *ess = world_node(w, "cust-1");
  /* Bytes the Essentials server took in over [from, to). */
  int64_t at[8][4];
  static const rs_time_t marks[] = {H(2, 0), H(7, 59), H(8, 31), H(17, 59), H(18, 31), H(23, 0)};
  for (int d = 0; d < 7; d++)
    for (int k = 0; k < 4; k++) at[d][k] = 0;
  int64_t clients_on[7][6];
  for (int d = 0; d < 7; d++)
    for (int k = 0; k < 6; k++) {
      world_run(w, d * RS_DAY + marks[k]);
      int on = 0;
      for (int64_t a = 0; a < g->n_agents; a++) on += !g->agents[a].server && !g->agents[a].off;
      clients_on[d][k] = on;
      if (k == 0) at[d][0] = ess->m.bytes_in;
      if (k == 1) at[d][1] = ess->m.bytes_in;
      if (k == 2) at[d][2] = ess->m.bytes_in;
      if (k == 3) at[d][3] = ess->m.bytes_in;
    }
  for (int d = 0; d < 7; d++) {
    bool workday = d < 5;
    cr_assert_eq(clients_on[d][0], 0, "day %d 02:00: all off", d);
    cr_assert_eq(clients_on[d][1], 0, "day %d 07:59: all off", d);
    cr_assert_eq(clients_on[d][2], workday ? 40 : 0, "day %d 08:31", d);
    cr_assert_eq(clients_on[d][3], workday ? 40 : 0, "day %d 17:59", d);
    cr_assert_eq(clients_on[d][4], 0, "day %d 18:31: all off", d);
    cr_assert_eq(clients_on[d][5], 0, "day %d 23:00", d);
  }
  /* At night only the 2 servers send: 02:00 to 07:59 is 2 servers' data
   * (each about 100 B/s: 2 x 5.98 h x 3600 s x ~100 B, within a tick's worth
   * of every byte); in the working day, 42 computers'. */
  int64_t rate = 0;
  for (int k = 0; k < RM_DATA_KINDS; k++) rate += g->rate[k];
  double night = (double)(at[1][1] - at[1][0]), want_night = 2.0 * (double)rate * (double)(H(7, 59) - H(2, 0)) / RS_DAY;
  cr_assert(night > want_night * 0.97 && night < want_night * 1.03, "night: %.0f bytes, 2 servers' %.0f", night,
            want_night);
  double day = (double)(at[1][3] - at[1][2]), want_day = 42.0 * (double)rate * (double)(H(17, 59) - H(8, 31)) / RS_DAY;
  cr_assert(day > want_day * 0.97 && day < want_day * 1.03, "day: %.0f bytes, 42 computers' %.0f", day, want_day);
  double weekend = (double)(at[5][1] - at[5][0]);
  cr_assert(weekend < want_night * 1.03, "Saturday night: the servers only");
  cr_assert_eq(g->watch.alerts, 0, "no client is missed for being off");
  cr_assert_gt(g->watch.heartbeats, 0);
  world_free(w);
}

/* Servers' hours: a customer line's servers on 06:00 to 22:00 every day
 * send nothing at night and raise no heartbeat alert for it (servers are
 * watched); the other customer's servers, on the scenario's default
 * (always), send all night. */
Test(load, servers_keep_their_lines_hours) {
  world *w = world_new("name: s\nduration: 2d\nseed: 6\nload: {arrivals: fluid}\n"
                       "management_servers: {count: 1}\ngateways: {count: 1}\n"
                       "customers:\n  - {name: day, count: 1, servers: 10, clients: 0, load: {servers: {on: \"06:00\", "
                       "off: \"22:00\", spread: 0s, days: [mon, tue, wed, thu, fri, sat, sun]}}}\n"
                       "  - {name: all, count: 1, servers: 10, clients: 0}\n");
  rm_node *day = world_node(w, "day-1"), *all = world_node(w, "all-1");
  world_run(w, RS_DAY + H(0, 10));
  int64_t d0 = day->m.bytes_in, a0 = all->m.bytes_in;
  world_run(w, RS_DAY + H(5, 59));
  int64_t rate = 0;
  for (int k = 0; k < RM_DATA_KINDS; k++) rate += w->g.rate[k];
  cr_assert_eq(day->m.bytes_in, d0, "the day customer's servers are off at night");
  double night = (double)(all->m.bytes_in - a0), want = 10.0 * (double)rate * (double)(H(5, 59) - H(0, 10)) / RS_DAY;
  cr_assert(fabs(night - want) < 0.01 * want, "the other's: %.0f bytes, want %.0f", night, want);
  world_run(w, RS_DAY + H(7, 0));
  int64_t d1 = day->m.bytes_in;
  world_run(w, RS_DAY + H(21, 0));
  double worked = (double)(day->m.bytes_in - d1), want_day = 10.0 * (double)rate * 14.0 / 24;
  cr_assert(fabs(worked - want_day) < 0.01 * want_day, "by day: %.0f bytes, want %.0f", worked, want_day);
  world_run(w, w->sc.duration);
  cr_assert_eq(w->g.watch.alerts, 0, "servers off for their hours are not missed");
  int off = 0;
  for (int64_t a = 0; a < w->g.n_agents; a++) off += w->g.agents[a].off;
  cr_assert_eq(off, 10, "at midnight the day customer's 10 servers are off, the others on");
  world_free(w);
}

/* A diurnal factor: hour h runs at factor[h] times the rates. Fluid: each
 * hour's bytes are the hour's factor times an hour at the rates, within a
 * byte per kind and agent; the day's are the mean factor's. Poisson: over
 * 50 agents and 4 days, each hour's within 3 % of it. */
#define DIURNAL "[0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.5, 1, 2, 2, 2, 1.5, 1.2, 2, 2, 2, 1.5, 1, 0.8, 0.6, 0.4, 0.3, 0.2, 0.2]"
Test(load, a_diurnal_factor_shapes_the_day) {
  static const double f[24] = {0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.5, 1, 2,   2,   2,   1.5,
                               1.2, 2,   2,   2,   1.5, 1,   0.8, 0.6, 0.4, 0.3, 0.2, 0.2};
  for (int poisson = 0; poisson < 2; poisson++) {
    char text[1024];
    snprintf(text, sizeof text,
             "name: d\nduration: 4d\nseed: 8\nload: {arrivals: %s, diurnal: " DIURNAL "}\n"
             "management_servers: {count: 1}\ngateways: {count: 1}\n"
             "customers:\n  - {count: 1, servers: 10, clients: 40}\n",
             poisson ? "poisson" : "fluid");
    world *w = world_new(text);
    int64_t rate = 0;
    for (int k = 0; k < RM_DATA_KINDS; k++) rate += w->g.rate[k];
    /* Generated, by the hour, from the second day on (the first ticks are
     * spread over the first interval). */
    double by_hour[24] = {0}, day_total = 0;
    world_run(w, RS_DAY);
    int64_t last = w->g.m.generated;
    for (int d = 1; d < 4; d++)
      for (int h = 0; h < 24; h++) {
        world_run(w, d * RS_DAY + (h + 1) * RS_HOUR);
        by_hour[h] += (double)(w->g.m.generated - last);
        day_total += (double)(w->g.m.generated - last);
        last = w->g.m.generated;
      }
    double hour_at_rate = 3 * 50.0 * (double)rate / 24, mean = 0;
    for (int h = 0; h < 24; h++) {
      double want = f[h] * hour_at_rate;
      /* An hour's bytes are counted at ticks: up to a minute of the next
       * hour's rate moves across each boundary. */
      double slack = poisson ? 0.03 * want + 2 * hour_at_rate / 60 : 2 * hour_at_rate / 60;
      cr_assert(fabs(by_hour[h] - want) < slack, "%s: hour %d: %.0f bytes, want %.0f", poisson ? "poisson" : "fluid", h,
                by_hour[h], want);
      mean += f[h] / 24;
    }
    double want_days = 24 * mean * hour_at_rate;
    cr_assert(fabs(day_total - want_days) < (poisson ? 0.01 : 1e-4) * want_days, "three days: %.0f, want %.0f",
              day_total, want_days);
    cr_assert_eq(w->g.m.dropped_total, 0);
    world_free(w);
  }
}

/* A client crashed while off stays down when its hours switch it on, and
 * comes back (on) at its restart; a client watched is alerted when it is
 * missing while on. */
Test(load, crashed_while_off_and_missing_while_on) {
  world *w = world_new("name: c\nduration: 1d\nseed: 4\nheartbeat: {alert_clients: true}\n"
                       "load: {clients: {on: \"08:00\", off: \"18:00\", spread: 0s}}\n"
                       "management_servers: {count: 1}\ngateways: {count: 1}\n"
                       "customers:\n  - {count: 1, servers: 1, clients: 2}\n"
                       "faults:\n  - {crash: cust-1/cli-1, at: 6h, for: 4h}\n");
  rm_group *g = &w->g;
  rm_agent *cli = RS_CONTAINER_OF(world_node(w, "cust-1/cli-1"), rm_agent, node);
  world_run(w, H(9, 0));
  cr_assert_not(cli->off, "its hours switched it on");
  cr_assert_eq(cli->node.state, RM_DOWN, "but it is still down");
  cr_assert_eq(g->watch.alerts, 1, "and missed: a client on, not heard for 3 intervals after 08:00");
  world_run(w, H(11, 0));
  cr_assert_eq(cli->node.state, RM_UP);
  cr_assert_eq(g->watch.alert_state[cli->index], 0, "its heartbeats closed the alert");
  world_run(w, H(23, 0));
  cr_assert(cli->off);
  cr_assert_eq(g->watch.alerts, 1, "nothing more at night");
  world_free(w);
}

/* The scenario of text (the lines before and after `middle`) is refused
 * with an error holding want. */
static void refused(const char *before, const char *middle, const char *after, const char *want) {
  char text[512], err[512];
  snprintf(text, sizeof text, "%s%s%s", before, middle, after);
  rm_scenario sc;
  cr_assert_neq(rm_scenario_parse(&sc, "t.yaml", text, strlen(text), err, sizeof err), 0, "%s", middle);
  cr_assert(strstr(err, want), "%s: want '%s', got '%s'", middle, want, err);
}

/* Bad load sections are refused where they are wrong. */
Test(load, bad_sections) {
  static const char *const bad[][2] = {
      {"load: {clients: sometimes}\n", "t.yaml:3:17: clients is office_hours, always or {on, off, spread, days}"},
      {"load: {clients: {on: \"8am\"}}\n", "t.yaml:3:22: on must be a time of day such as 08:00, not '8am'"},
      {"load: {clients: {on: \"25:00\"}}\n", "t.yaml:3:22: on must be a time of day"},
      {"load: {clients: {on: \"17:50\"}}\n", "t.yaml:3:17: clients switch on after they switch off"},
      {"load: {clients: {days: [mon, fry]}}\n", "t.yaml:3:30: days: 'fry' is not a day"},
      {"load: {servers: {on: \"23:00\"}}\n", "t.yaml:3:17: servers switch on after they switch off"},
      {"load: {diurnal: [1, 2]}\n", "t.yaml:3:17: diurnal is a list of 24 factors"},
      {"load: {diurnal: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 11]}\n",
       "t.yaml:3:87: diurnal: hour 23's factor must be a number from 0 to 10, not '11'"},
      {"load: {diurnal: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, x, 1]}\n",
       "t.yaml:3:84: diurnal: hour 22's factor must be a number from 0 to 10, not 'x'"},
      {"load: {weather: sunny}\n", "t.yaml:3:8: unknown key 'weather' in load"},
      {"load: {clients: {lunch: 1h}}\n", "t.yaml:3:18: unknown key 'lunch' in clients' hours"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    refused("name: t\nduration: 1h\n", bad[i][0],
            "management_servers: {count: 1}\ngateways: {count: 1}\ncustomers: [{count: 1, servers: 1, clients: 1}]\n",
            bad[i][1]);
}

/* Poisson counts: over 400 000 ticks the mean and the variance of each
 * kind's count are within 2 % of its mean count (the MSIT rates: 4660
 * performance samples, 130 events, 100 state changes a day, over a minute;
 * and a mean of 40, drawn as pieces); a tick's draw is the same whenever
 * it is made. */
Test(load, poisson_counts_have_the_mean_and_variance) {
  static const double lambdas[] = {4660.0 / 1440, 130.0 / 1440, 100.0 / 1440, 40.0};
  for (size_t i = 0; i < sizeof lambdas / sizeof lambdas[0]; i++) {
    double l = lambdas[i], sum = 0, sq = 0;
    const int n = 400000;
    for (int64_t a = 0; a < n; a++) {
      double c = (double)rm_poisson_at(11, a % 4000, (a / 4000) * RS_MIN + a % 4000, (int)i, l);
      sum += c;
      sq += c * c;
    }
    double mean = sum / n, var = sq / n - mean * mean;
    cr_assert(fabs(mean - l) < 0.02 * l, "lambda %g: mean %g", l, mean);
    cr_assert(fabs(var - l) < 0.02 * l, "lambda %g: variance %g", l, var);
  }
  cr_assert_eq(rm_poisson_at(3, 17, 123456789, 0, 3.2), rm_poisson_at(3, 17, 123456789, 0, 3.2));
  cr_assert_eq(rm_poisson_at(3, 17, 123456789, 0, 0), 0);
}

/* P(X <= k) for X Poisson of mean l. */
static double poisson_cdf(double l, int k) {
  double p = exp(-l), f = p;
  for (int i = 1; i <= k; i++) {
    p *= l / i;
    f += p;
  }
  return f;
}

/* A site's items per minute: 50 agents of performance samples only, one
 * byte each, Poisson arrivals: each minute's items (one tick of each agent)
 * are Poisson of mean 50 x 4660 / 1440, by a chi-square test over a day
 * (1440 minutes in 16 bins of about equal probability) at 1 %. */
Test(load, a_sites_items_per_minute_are_poisson) {
  world *w = world_new("name: p\nduration: 1d\nseed: 12\nload: {arrivals: poisson}\n"
                       "agent: {perf_bytes: 1, events_per_day: 0, alerts_per_day: 0, state_changes_per_day: 0}\n"
                       "management_servers: {count: 1}\ngateways: {count: 1}\n"
                       "customers:\n  - {count: 1, servers: 10, clients: 40}\n");
  rm_node *ess = world_node(w, "cust-1");
  const double l = 50 * 4660.0 / 1440;
  /* Bin edges: the counts where the CDF crosses k/16. */
  int edge[16];
  for (int b = 1, k = 0; b < 16; b++) {
    while (poisson_cdf(l, k) < (double)b / 16) k++;
    edge[b - 1] = k; /* bin b-1 is counts <= k */
  }
  edge[15] = 1 << 30;
  int obs[16] = {0};
  int64_t before = 0;
  world_run(w, RS_MIN - 1);
  before = ess->m.bytes_in;
  for (int m = 1; m < 1440; m++) {
    world_run(w, (m + 1) * RS_MIN - 1);
    int64_t c = ess->m.bytes_in - before;
    before = ess->m.bytes_in;
    int b = 0;
    while (c > edge[b]) b++;
    obs[b]++;
  }
  double chi = 0, prev = 0;
  for (int b = 0; b < 16; b++) {
    double cdf = b < 15 ? poisson_cdf(l, edge[b]) : 1.0, e = (cdf - prev) * 1439;
    prev = cdf;
    chi += (obs[b] - e) * (obs[b] - e) / e;
  }
  /* 15 degrees of freedom: 30.58 at 1 %. */
  cr_assert_lt(chi, 30.58, "chi-square %.2f over 16 bins", chi);
  cr_assert_gt(chi, 0.0);
  world_free(w);
}

/* A patch night: cust-1's 30 computers restart at 03:00 for 20 minutes.
 * With maintenance mode over the window, no heartbeat alert is raised, the
 * 10 servers' alerts (clients are not watched) are told as suppressed, and
 * no_alert_for holds; without it, it fails with 10 alerts. */
#define PATCH_NIGHT                                                                                       \
  "name: patch\nduration: 8h\nseed: 5\nmanagement_servers: {count: 1}\ngateways: {count: 1}\n"           \
  "customers:\n  - {count: 2, servers: 10, clients: 20}\n"                                                \
  "expect:\n  - {no_alert_for: [agents:cust-1]}\n"                                                        \
  "faults:\n  - {id: patch, crash: agents:cust-1, at: 3h, for: 20m}\n"

Test(load, maintenance_mode_over_a_patch_night) {
  world *w = world_new(PATCH_NIGHT "  - {id: mm, maintenance: agents:cust-1, at: 2h50m, for: 1h}\n");
  world_run(w, w->sc.duration);
  cr_assert_eq(w->g.watch.alerts, 0);
  cr_assert_eq(w->g.watch.suppressed, 10, "the 10 servers' alerts, not raised");
  cr_assert_eq(rm_group_judge(&w->g, w->sc.duration), 0, "%s", w->g.m.verdicts[0].detail);
  world_free(w);
  w = world_new(PATCH_NIGHT);
  world_run(w, w->sc.duration);
  cr_assert_eq(w->g.watch.alerts, 10);
  cr_assert_eq(w->g.watch.suppressed, 0);
  cr_assert_eq(rm_group_judge(&w->g, w->sc.duration), 1);
  world_free(w);
}

/* A computer still down when its maintenance mode ends is waited for from
 * then: its alert comes 3 intervals after the end (at the watchers' next
 * check), not at once. */
Test(load, maintenance_ends_with_the_computer_still_down) {
  world *w = world_new("name: m\nduration: 6h\nseed: 5\nmanagement_servers: {count: 1}\ngateways: {count: 1}\n"
                       "customers:\n  - {count: 1, servers: 2, clients: 0}\n"
                       "faults:\n  - {crash: cust-1/srv-1, at: 1h, for: 3h}\n"
                       "  - {maintenance: cust-1/srv-1, at: 50m, for: 1h}\n");
  world_run(w, 1 * RS_HOUR + 10 * RS_MIN);
  cr_assert_eq(w->g.watch.suppressed, 1, "missed while in maintenance: told once");
  cr_assert_eq(w->g.watch.alerts, 0);
  world_run(w, 1 * RS_HOUR + 50 * RS_MIN + 2 * RS_MIN);
  cr_assert_eq(w->g.watch.alerts, 0, "not at once when maintenance ends at 01:50");
  world_run(w, 1 * RS_HOUR + 50 * RS_MIN + 4 * RS_MIN);
  cr_assert_eq(w->g.watch.alerts, 1, "3 intervals after the end");
  world_run(w, w->sc.duration);
  cr_assert_eq(w->g.watch.alerts, 1);
  cr_assert_eq(w->g.watch.suppressed, 1);
  world_free(w);
}

/* Patch windows: two windows a week apart (03:00 to 05:00); in each, every
 * one of cust-1's 30 computers restarts once, down for 10 to 30 minutes
 * (0.5 to 1.5 times 20), back within the window. In maintenance mode over
 * the windows nothing is alerted; without it the 10 servers are, twice. */
#define PATCH_WEEKS(maint)                                                                                      \
  "name: patch\nduration: 8d\nseed: 9\nmanagement_servers: {count: 1}\ngateways: {count: 1}\n"                \
  "customers:\n  - {count: 2, servers: 10, clients: 20}\n"                                                     \
  "faults:\n  - {id: patch, patch: agents:cust-1, at: 3h, window: 2h, down: 20m, every: 7d, times: 2" maint "}\n"

Test(load, patch_windows_restart_each_once) {
  for (int with = 0; with < 2; with++) {
    world *w = world_new(with ? PATCH_WEEKS(", in_maintenance: true") : PATCH_WEEKS(""));
    world_run(w, w->sc.duration);
    const rm_watchers *wt = &w->g.watch;
    cr_assert_eq(wt->n_outages, 60, "30 computers, 2 windows: %lld outages", (long long)wt->n_outages);
    int per_agent[60] = {0};
    for (int64_t i = 0; i < wt->n_outages; i++) {
      const rm_agent_outage *o = &wt->outages[i];
      int k = o->start >= 7 * RS_DAY ? 1 : 0;
      rs_time_t ws = k * 7 * RS_DAY + 3 * RS_HOUR;
      cr_assert(o->start >= ws && o->end <= ws + 2 * RS_HOUR, "outage %lld within its window", (long long)i);
      rs_time_t d = o->end - o->start;
      cr_assert(d >= 10 * RS_MIN && d <= 30 * RS_MIN, "down %lld us", (long long)d);
      cr_assert_lt(o->agent, 30, "cust-1's computers only");
      per_agent[o->agent + 30 * k]++;
    }
    for (int a = 0; a < 60; a++) cr_assert_eq(per_agent[a], 1, "once per window");
    cr_assert_eq(wt->alerts, with ? 0 : 20, "with maintenance mode %d: %lld alerts", with, (long long)wt->alerts);
    cr_assert_eq(wt->suppressed, with ? 20 : 0);
    world_free(w);
  }
}

/* Bad patch and maintenance lines are refused where they are wrong. */
Test(load, bad_patch_and_maintenance_lines) {
  static const char *const bad[][2] = {
      {"{patch: role:server, at: 1h, down: 10m}", "t.yaml:7:5: patch needs window: D"},
      {"{patch: role:server, at: 1h, window: 10m, down: 20m}", "t.yaml:7:53: down must be at most the window"},
      {"{patch: role:server, at: 1h, window: 1h, down: 20m, times: 3}", "t.yaml:7:5: patch with times needs every"},
      {"{patch: role:server, at: 1h, window: 1h, down: 20m, every: 30m, times: 2}",
       "t.yaml:7:64: every must be at least the window"},
      {"{maintenance: gw-1, at: 1h, for: 1h}", "t.yaml:7:19: maintenance: 'gw-1': maintenance takes agents"},
      {"{patch: role:server, monthly: \"second tuesday 03:00\", window: 1h, down: 20m}",
       "t.yaml:7:35: monthly needs the scenario's start:"},
      {"{maintenance: role:agent, at: 1h, for: 1h, window: 1h}", "t.yaml:7:48: maintenance does not take 'window'"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    refused("name: t\nduration: 1d\nmanagement_servers: {count: 1}\ngateways: {count: 1}\n"
            "customers: [{count: 1, servers: 1, clients: 1}]\nfaults:\n  - ",
            bad[i][0], "\n", bad[i][1]);
}

/* A storm: cust-1's 50 computers send 2 alerts (5000 B each) and 10 state
 * changes a minute, each state change rolled up into 3 groups (500 B
 * each), for 30 minutes: 50 x 30 x (2 x 5000 + 10 x 3 x 500) = 37.5 MB more
 * than the same run without it (fluid: within a tick's rounding; Poisson:
 * within 2 %). */
#define STORM_BASE                                                                                     \
  "name: s\nduration: 3h\nseed: 3\nmanagement_servers: {count: 1}\ngateways: {count: 1}\n"            \
  "customers:\n  - {count: 2, servers: 10, clients: 40}\n"

Test(load, a_storm_adds_its_alerts_and_rolled_up_state_changes) {
  for (int poisson = 0; poisson < 2; poisson++) {
    char quiet[1024], storm[1024];
    snprintf(quiet, sizeof quiet, STORM_BASE "%s", poisson ? "load: {arrivals: poisson}\n" : "load: {arrivals: fluid}\n");
    snprintf(storm, sizeof storm,
             STORM_BASE "%sfaults:\n  - {storm: agents:cust-1, at: 1h, for: 30m, alerts: 2, state_changes: 10}\n",
             poisson ? "load: {arrivals: poisson}\n" : "load: {arrivals: fluid}\n");
    world *a = world_new(quiet), *b = world_new(storm);
    world_run(a, a->sc.duration);
    world_run(b, b->sc.duration);
    double extra = (double)(b->g.m.generated - a->g.m.generated), want = 50.0 * 30 * (2 * 5000 + 10 * 3 * 500);
    cr_assert(fabs(extra - want) < (poisson ? 0.02 : 0.001) * want, "poisson %d: %.0f bytes more, want %.0f", poisson,
              extra, want);
    cr_assert_eq(b->g.m.dropped_total, 0);
    /* After the storm every agent is back in its population. */
    cr_assert_eq(b->g.ess[0].pop.members, 50, "%lld members", (long long)b->g.ess[0].pop.members);
    world_free(a);
    world_free(b);
  }
}

/* A morning start: 200 clients on office hours, each sending 200 KB of
 * state and discovery data when it starts (start_burst): the busiest
 * 10 minutes by data are in the morning's half hour of switching on, with
 * the clients switched on in them told; a storm later in the day is the
 * busiest instead once it sends more. */
Test(load, the_busiest_interval_is_the_morning_start) {
  world *w = world_new("name: m\nduration: 2d\nseed: 8\nsample_every: 10m\nload: {clients: office_hours}\n"
                       "agent: {start_burst: 200KB}\n"
                       "management_servers: {count: 1}\ngateways: {count: 2}\n"
                       "customers:\n  - {count: 2, servers: 5, clients: 100}\n");
  world_run(w, w->sc.duration);
  const rm_busiest *b = &w->g.m.busiest[RM_BUSIEST_DATA];
  rs_time_t day = b->t / RS_DAY * RS_DAY;
  cr_assert(b->from >= day + H(8, 0) && b->t <= day + H(8, 40), "busiest %lld..%lld", (long long)b->from,
            (long long)b->t);
  cr_assert_gt(b->switched_on, 30, "%lld clients switched on in it", (long long)b->switched_on);
  cr_assert_eq(b->fault, -1);
  cr_assert_not_null(b->queue_node);
  /* At least the bursts of the clients switched on in it. */
  cr_assert_gt(b->value, (double)b->switched_on * 200 * 1024);
  world_free(w);
  w = world_new("name: m\nduration: 2d\nseed: 8\nsample_every: 10m\nload: {clients: office_hours}\n"
                "agent: {start_burst: 200KB}\n"
                "management_servers: {count: 1}\ngateways: {count: 2}\n"
                "customers:\n  - {count: 2, servers: 5, clients: 100}\n"
                "faults:\n  - {id: storm, storm: role:agent, at: 1d14h, for: 30m, alerts: 20, state_changes: 100}\n");
  world_run(w, w->sc.duration);
  b = &w->g.m.busiest[RM_BUSIEST_DATA];
  cr_assert_eq(b->fault, 0, "the storm's interval");
  cr_assert(b->from >= RS_DAY + H(14, 0) && b->t <= RS_DAY + H(14, 40));
  world_free(w);
}

/* peak_latency_below: every sample's p99 latency (of the data stored in its
 * interval) under the limit. A quiet run holds 1 minute; a gateway down for
 * 20 minutes with no backup holds its sites' data, delivered when it is
 * back with up to 20 minutes' latency: it fails, and the verdict names the
 * sample after the gateway's return. */
Test(load, peak_latency_below) {
  const char *base = "name: p\nduration: 3h\nseed: 2\nmanagement_servers: {count: 1}\ngateways: {count: 1}\n"
                     "customers:\n  - {count: 2, servers: 10, clients: 40}\n"
                     "expect:\n  - {peak_latency_below: 1m}\n";
  world *w = world_new(base);
  world_run(w, w->sc.duration);
  cr_assert_eq(rm_group_judge(&w->g, w->sc.duration), 0, "%s", w->g.m.verdicts[0].detail);
  cr_assert(strstr(w->g.m.verdicts[0].detail, "of 180 samples"), "%s", w->g.m.verdicts[0].detail);
  world_free(w);
  char text[1024];
  snprintf(text, sizeof text, "%sfaults:\n  - {crash: gw-1, at: 1h, for: 20m}\n", base);
  w = world_new(text);
  world_run(w, w->sc.duration);
  cr_assert_eq(rm_group_judge(&w->g, w->sc.duration), 1);
  const rm_expect_watch *wt = &w->g.m.watches[0];
  cr_assert_gt(wt->worst, 15.0 * 60 * 1e6, "p99 %.0f s", wt->worst / 1e6);
  cr_assert_leq(wt->worst, 21.0 * 60 * 1e6);
  cr_assert(wt->at > 80 * RS_MIN && wt->at <= 90 * RS_MIN, "at %lld", (long long)wt->at);
  world_free(w);
}

/* Connections limited at the Essentials server: 190 clients switch on at
 * 08:00 sharp (no spread) and connect at their first tick, within the
 * minute; the server sets up 10 at once and 1 a second after that
 * (essentials: {accepts_per_second: 1, accept_burst: 10}). By hand: the
 * first request comes at a (the least of 190 uniform draws over the
 * minute, under a second); requests then come faster than 1 a second, so
 * connection k (from 0) is set up at a + max(0, k - 9) seconds: 69 or 70
 * in the first minute, 60 in each of the next two, the last at a + 180 s.
 * Each client's first heartbeat and data wait for its connection; nothing
 * is lost. The default (10 a second, 100 at once) lets all 190 in within
 * the minute. */
static void morning_connections(const char *limits, int64_t per_minute[6]) {
  char text[1024];
  snprintf(text, sizeof text,
           "name: c\nduration: 9h\nseed: 2\n%sload: {arrivals: fluid, clients: {on: \"08:00\", spread: 0s}}\n"
           "management_servers: {count: 1}\ngateways: {count: 1}\n"
           "customers:\n  - {count: 1, servers: 10, clients: 190}\n",
           limits);
  world *w = world_new(text);
  world_run(w, H(8, 0));
  rm_essentials *es = &w->g.ess[0];
  int64_t before = es->agents_connected;
  cr_assert_eq(before, 10, "the 10 servers connected at the start");
  cr_assert_eq(w->g.gw[0].agents_connected, 10, "counted beneath the gateway too");
  for (int k = 0; k < 6; k++) {
    world_run(w, H(8, k + 1));
    per_minute[k] = es->agents_connected - before;
    before = es->agents_connected;
  }
  cr_assert_eq(w->g.gw[0].agents_connected, 200);
  /* Every client has been heard from and has sent its data. */
  world_run(w, w->sc.duration);
  cr_assert_eq(w->g.m.dropped_total, 0);
  cr_assert_eq(w->g.watch.alerts, 0);
  for (int64_t a = 0; a < w->g.n_agents; a++) cr_assert_eq(w->g.agents[a].conn, RM_CONN_UP);
  world_free(w);
}

Test(load, connections_are_set_up_at_the_servers_rate) {
  int64_t m[6];
  morning_connections("essentials: {accepts_per_second: 1, accept_burst: 10}\n", m);
  cr_assert(m[0] == 69 || m[0] == 70, "first minute: %lld", (long long)m[0]);
  cr_assert(m[1] == 60 && (m[2] == 60 || m[2] == 61), "then 60 a minute: %lld, %lld", (long long)m[1], (long long)m[2]);
  cr_assert_eq(m[0] + m[1] + m[2] + m[3], 190);
  cr_assert_leq(m[3], 1, "the last at a + 180 s: %lld after 08:03", (long long)m[3]);
  morning_connections("", m);
  cr_assert_eq(m[0], 190, "by default all within the minute: %lld", (long long)m[0]);
}

/* An Essentials server back from a crash: its 200 agents connect again at
 * their next ticks, spread over a minute, 2 a second after 20 at once:
 * the reconnection storm takes about 90 s, and every agent is back. */
Test(load, agents_connect_again_after_their_server_is_back) {
  world *w = world_new("name: r\nduration: 2h\nseed: 5\nload: {arrivals: fluid}\n"
                       "essentials: {accepts_per_second: 2, accept_burst: 20}\n"
                       "management_servers: {count: 1}\ngateways: {count: 1}\n"
                       "customers:\n  - {count: 1, servers: 10, clients: 190}\n"
                       "faults:\n  - {crash: cust-1, at: 1h, for: 10m}\n");
  world_run(w, H(1, 10));
  rm_essentials *es = &w->g.ess[0];
  int64_t before = es->agents_connected;
  cr_assert_eq(before, 200);
  world_run(w, H(1, 11));
  int64_t first = es->agents_connected - before;
  /* Within the first minute: 20 at once and 2 a second after the first
   * request (a few seconds in): about 130. */
  cr_assert(first >= 120 && first <= 140, "%lld in the first minute", (long long)first);
  world_run(w, H(1, 13));
  cr_assert_eq(es->agents_connected - before, 200, "all 200 within 3 minutes");
  world_free(w);
}

/* A morning start on the guide's design (20 customers of 10 servers and
 * 190 clients on 10 gateways, two management servers): the clients keep
 * office hours (08:00 to 08:30) and each sends 500 KB of state and
 * discovery data when it starts. By hand:
 * - connections: 3800 clients over 30 minutes, 126.7 a minute in the
 *   group, 12.7 beneath each gateway; the busiest minute within 4 sd
 *   (Poisson: 11.3) above that;
 * - what comes in from 08:00 to 08:30: the start bursts of the clients
 *   that have ticked (switched on before 08:29:30, on average: 3800 x
 *   29.5 / 30), 200 servers' data all along, and the clients' data from
 *   each one's start (half the half hour on average);
 * - the management servers take in at most C each (their processors,
 *   docs/hardware.md) and are saturated from about 08:01, so they take in
 *   2 C x 30 minutes less about 47 s of the first minute's ramp;
 * - the rest waits, almost all of it at the gateways (each one's share:
 *   the tenth of the group's); none is lost (each gateway's 100 MB holds
 *   its share);
 * - after 08:31 the backlog drains at 2 C less the day's steady load
 *   (4000 agents), within a minute or two of its hand time. */
Test(load, a_morning_start_on_the_guides_design) {
  world *w = world_new("name: m\nduration: 11h\nseed: 1\nload: {clients: office_hours, arrivals: fluid}\n"
                       "agent: {start_burst: 500KB}\n"
                       "management_servers: {count: 2}\ngateways: {count: 10, report_to: auto}\n"
                       "customers:\n  - {count: 20, servers: 10, clients: 190, primary: auto, backup: auto}\n");
  rm_group *g = &w->g;
  int64_t rate = 0;
  for (int k = 0; k < RM_DATA_KINDS; k++) rate += g->rate[k];
  const double per_s = (double)rate / 86400, burst = 500.0 * 1024, spread = 1800;
  world_run(w, H(8, 0));
  int64_t conn = g->m.connections, busiest = 0, gw_busiest = 0;
  int64_t gw_before[10];
  for (int i = 0; i < 10; i++) gw_before[i] = g->gw[i].agents_connected;
  for (int minute = 1; minute <= 30; minute++) {
    world_run(w, H(8, minute));
    int64_t c = g->m.connections - conn;
    conn = g->m.connections;
    if (minute >= 2 && c > busiest) busiest = c;
    for (int i = 0; i < 10; i++) {
      if (minute >= 2 && g->gw[i].agents_connected - gw_before[i] > gw_busiest) gw_busiest = g->gw[i].agents_connected - gw_before[i];
      gw_before[i] = g->gw[i].agents_connected;
    }
  }
  cr_assert(busiest >= 127 && busiest <= 127 + 4 * 11.3, "busiest minute: %lld connections", (long long)busiest);
  cr_assert(gw_busiest >= 13 && gw_busiest <= 12.7 + 5 * 3.6, "busiest minute at a gateway: %lld", (long long)gw_busiest);
  cr_assert_eq(rm_measure_queued(g) > 0, 1);
  /* The group's backlog at 08:30, by hand. */
  double C = g->ms[0].node.srv->rate;
  cr_assert_float_eq(C, g->ms[1].node.srv->rate, 1e-6);
  cr_assert(g->ms[0].node.srv->saturated, "ms-1 is saturated");
  double in = 3800 * 29.5 / 30 * burst + 200 * per_s * spread + 3800 * per_s * spread / 2;
  double out = 2 * C * (spread - 47);
  double want = in - out, got = (double)rm_measure_queued(g);
  cr_assert(fabs(got - want) < 0.05 * want, "queued at 08:30: %.1f MB, by hand %.1f MB", got / 1e6, want / 1e6);
  double at_gateways = 0;
  for (int i = 0; i < 10; i++) {
    rm_node *n = &g->gw[i].node;
    double q = (double)(n->spool.bytes + n->up->inflight_bytes) + rs_station_backlog(&n->srv->st);
    cr_assert(fabs(q - want / 10) < 0.15 * want / 10, "%s holds %.1f MB, a tenth is %.1f MB", n->name, q / 1e6,
              want / 1e7);
    at_gateways += q;
  }
  cr_assert_gt(at_gateways, 0.9 * got, "the gateways hold %.1f MB of %.1f MB", at_gateways / 1e6, got / 1e6);
  /* Drained: from 08:31 at 2 C less the steady load of 4000 agents. */
  world_run(w, H(8, 31));
  double drain = (double)rm_measure_queued(g) / (2 * C - 4000 * per_s);
  rs_time_t hand = H(8, 31) + (rs_time_t)(drain * 1e6), drained = -1;
  for (rs_time_t t = H(8, 32); t <= H(10, 0) && drained < 0; t += RS_MIN) {
    world_run(w, t);
    if (rm_measure_queued(g) < 5 * 1000 * 1000) drained = t;
  }
  cr_assert(drained > 0 && llabs(drained - hand) <= 3 * RS_MIN, "drained at %lld s, by hand %lld s",
            (long long)(drained / RS_SEC), (long long)(hand / RS_SEC));
  cr_assert_eq(g->m.dropped_total, 0);
  world_free(w);
}

/* Monthly patch windows: the second Tuesday of each month at 03:00 (UTC),
 * placed by the scenario's start. From Tuesday 1 December 2026 for 70 days:
 * 8 December (day 7) and 12 January 2027 (day 42); 9 February is day 70,
 * after the run's end. Each of 30 servers restarts once in each window, in
 * maintenance mode: no alert, the 60 it would have raised told as
 * suppressed. */
Test(load, monthly_patch_windows_follow_the_calendar) {
  world *w = world_new("name: m\nduration: 70d\nseed: 3\nsample_every: 1h\nstart: 2026-12-01T00:00:00Z\n"
                       "management_servers: {count: 1}\ngateways: {count: 1}\n"
                       "customers:\n  - {count: 2, servers: 30, clients: 0}\n"
                       "faults:\n  - {patch: agents:cust-1, monthly: \"second tuesday 03:00\", window: 2h, down: 20m, "
                       "in_maintenance: true}\n");
  const rm_fault_spec *f = &w->sc.faults[0];
  cr_assert_eq(f->times, 2, "two windows within the run: %d", f->times);
  cr_assert_eq(f->at, 7 * RS_DAY + 3 * RS_HOUR);
  cr_assert_eq(rm_monthly_next(f, w->sc.start, f->at + 1), 42 * RS_DAY + 3 * RS_HOUR);
  cr_assert_eq(rm_monthly_next(f, w->sc.start, 42 * RS_DAY + 3 * RS_HOUR + 1), 70 * RS_DAY + 3 * RS_HOUR);
  world_run(w, w->sc.duration);
  const rm_watchers *wt = &w->g.watch;
  cr_assert_eq(wt->n_outages, 60, "%lld outages", (long long)wt->n_outages);
  int per[2] = {0, 0};
  for (int64_t i = 0; i < wt->n_outages; i++) {
    const rm_agent_outage *o = &wt->outages[i];
    int k = o->start >= 30 * RS_DAY;
    rs_time_t ws = (k ? 42 : 7) * RS_DAY + 3 * RS_HOUR;
    cr_assert(o->start >= ws && o->end <= ws + 2 * RS_HOUR, "outage %lld within its window", (long long)i);
    per[k]++;
  }
  cr_assert(per[0] == 30 && per[1] == 30);
  cr_assert_eq(wt->alerts, 0);
  cr_assert_eq(wt->suppressed, 60, "servers' alerts told as suppressed: %lld", (long long)wt->suppressed);
  world_free(w);
}

/* The calendar: dates and weekdays (1970-01-01 a Thursday), the nth and
 * last weekday of a month, and where start: puts time 0 in the week. */
Test(load, the_calendar) {
  cr_assert_eq(rm_days_from_civil(1970, 1, 1), 0);
  cr_assert_eq(rm_days_from_civil(2026, 12, 1), 20788);
  int64_t y;
  int m, d;
  rm_civil_from_days(20788, &y, &m, &d);
  cr_assert(y == 2026 && m == 12 && d == 1);
  rm_civil_from_days(rm_days_from_civil(2028, 2, 29), &y, &m, &d);
  cr_assert(y == 2028 && m == 2 && d == 29, "a leap day");
  cr_assert_eq(rm_nth_weekday(2026, 12, 2, 1), rm_days_from_civil(2026, 12, 8), "second Tuesday of December 2026");
  cr_assert_eq(rm_nth_weekday(2027, 1, 2, 1), rm_days_from_civil(2027, 1, 12));
  cr_assert_eq(rm_nth_weekday(2026, 11, -1, 0), rm_days_from_civil(2026, 11, 30), "last Monday of November 2026");
  cr_assert_eq(rm_nth_weekday(2027, 2, -1, 6), rm_days_from_civil(2027, 2, 28), "last Sunday of February 2027");
  cr_assert_eq(rm_week_at(0), 3 * RS_DAY, "1970-01-01 00:00 is Thursday");
  cr_assert_eq(rm_week_at(20788LL * 86400 + 3600), RS_DAY + RS_HOUR, "2026-12-01 01:00 is Tuesday 01:00");
}

/* start: places office hours in the week: from Saturday 2026-11-28, the
 * first day and the second are a weekend (no client on), Monday is day 2. */
Test(load, office_hours_follow_start) {
  world *w = world_new("name: s\nduration: 3d\nseed: 2\nstart: 2026-11-28T00:00:00Z\nload: {clients: office_hours}\n"
                       "management_servers: {count: 1}\ngateways: {count: 1}\n"
                       "customers:\n  - {count: 1, servers: 1, clients: 20}\n");
  int on[3] = {0};
  for (int day = 0; day < 3; day++) {
    world_run(w, day * RS_DAY + 12 * RS_HOUR);
    for (int64_t a = 0; a < w->g.n_agents; a++) on[day] += !w->g.agents[a].server && !w->g.agents[a].off;
  }
  cr_assert(on[0] == 0 && on[1] == 0 && on[2] == 20, "Sat %d, Sun %d, Mon %d clients on at noon", on[0], on[1], on[2]);
  world_free(w);
}

/* Expectations at the busiest interval (at: busiest): a day of the guide's
 * design on office hours with a 500 KB start burst, and ms-1 down from
 * 20:00 for an hour. The busiest 10 minutes by data are in the morning
 * start: there no node is over its agent limit (the crash is in the
 * evening: capacity_held fails for the run, holds at the busiest), no byte
 * is lost, but the management servers' processors are saturated (100 %
 * against 75 %: by hand, 3800 x 500 KB over 30 minutes is 1.08 MB/s
 * against the 821 KB/s they take in) and the p99 latency is minutes. */
Test(load, expectations_at_the_busiest_interval) {
  world *w = world_new("name: b\nduration: 24h\nseed: 1\nsample_every: 10m\nload: {clients: office_hours}\n"
                       "agent: {start_burst: 500KB}\n"
                       "management_servers: {count: 2}\ngateways: {count: 10, report_to: auto}\n"
                       "customers:\n  - {count: 20, servers: 10, clients: 190, primary: auto, backup: auto}\n"
                       "faults:\n  - {id: late, crash: ms-1, at: 20h, for: 1h}\n"
                       "expect:\n  - capacity_held\n  - {capacity_held: true, at: busiest}\n"
                       "  - {utilization_below: {cpu: 75%, role: management_server}, at: busiest}\n"
                       "  - {utilization_below: {cpu: 75%, role: management_server}, during: late}\n"
                       "  - {no_data_lost: true, at: busiest}\n  - {peak_latency_below: 1m, at: busiest}\n"
                       "  - {peak_latency_below: 1h, at: busiest}\n");
  world_run(w, w->sc.duration);
  cr_assert_eq(rm_group_judge(&w->g, w->sc.duration), 3);
  const rm_busiest *b = &w->g.m.busiest[RM_BUSIEST_DATA];
  cr_assert(b->from >= H(8, 0) && b->t <= H(8, 40), "the busiest interval is the morning start: %lld s",
            (long long)(b->from / RS_SEC));
  const rm_verdict *v = w->g.m.verdicts;
  static const bool held[] = {false, true, false, true, true, false, true};
  for (int i = 0; i < 7; i++) cr_assert_eq(v[i].held, held[i], "%s: %s", v[i].name, v[i].detail);
  cr_assert_str_eq(v[1].name, "capacity_held at the busiest interval");
  cr_assert(strstr(v[1].detail, "[the busiest interval by data, 08:"), "%s", v[1].detail);
  cr_assert(strstr(v[2].detail, "cpu 100.0 % (limit 75 %) at 08:"), "%s", v[2].detail);
  cr_assert(strstr(v[2].detail, "1 of 1 samples over a limit"), "one sample: the busiest's: %s", v[2].detail);
  cr_assert(strstr(v[0].detail, "ms-2 4000/2000 from 20:0"), "%s", v[0].detail);
  world_free(w);
}

/* at: is busiest, and only for the expectations measured over an interval. */
Test(load, bad_at_busiest) {
  static const char *const bad[][2] = {
      {"{capacity_held: true, at: noon}", "t.yaml:7:31: at: busiest (the run's busiest interval by data) is the only at"},
      {"{alert_within: 5m, at: busiest}", "t.yaml:7:6: alert_within is not judged at: busiest"},
      {"{no_data_lost: true, at: busiest, during: x}", "t.yaml:7:39: an expectation has one phase"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    refused("name: t\nduration: 1d\nmanagement_servers: {count: 1}\ngateways: {count: 1}\n"
            "customers: [{count: 1, servers: 1, clients: 1}]\nexpect:\n  - ",
            bad[i][0], "\n", bad[i][1]);
}

/* A storm replayed (a line `storm` with its parameters, ended by an `up`
 * of its agents) adds what the same storm written in the scenario adds:
 * the same bytes generated, fluid and Poisson. */
Test(load, a_storm_replayed_is_the_storm_written) {
  for (int poisson = 0; poisson < 2; poisson++) {
    char written[1024], design[1024], err[1024];
    const char *arr = poisson ? "load: {arrivals: poisson}\n" : "load: {arrivals: fluid}\n";
    snprintf(written, sizeof written,
             STORM_BASE "%sfaults:\n  - {storm: agents:cust-1, at: 1h, for: 30m, alerts: 2, state_changes: 10}\n", arr);
    snprintf(design, sizeof design, STORM_BASE "%s", arr);
    world *a = world_new(written);
    world *b = calloc(1, sizeof *b);
    cr_assert_eq(rm_scenario_parse(&b->sc, "t.yaml", design, strlen(design), err, sizeof err), 0, "%s", err);
    static const char csv[] = "time,target,action\n1h,agents:cust-1,storm,alerts=2 state_changes=10\n1h30m,agents:cust-1,up\n";
    cr_assert_eq(rm_replay_parse(&b->sc, "s.csv", csv, sizeof csv - 1, err, sizeof err), 0, "%s", err);
    rs_sim_init(&b->sim);
    cr_assert_eq(rm_group_build(&b->g, &b->sc, &b->sim, NULL, err, sizeof err), 0, "%s", err);
    rm_group_start(&b->g);
    world_run(a, a->sc.duration);
    world_run(b, b->sc.duration);
    cr_assert_eq(a->g.m.generated, b->g.m.generated, "poisson %d: written %lld, replayed %lld", poisson,
                 (long long)a->g.m.generated, (long long)b->g.m.generated);
    world_free(a);
    world_free(b);
  }
  /* Bad storm lines. */
  static const char *const bad[][2] = {
      {"1h,gw-1,storm,alerts=2\n", "s.csv:2:4: 'gw-1': a storm takes agents"},
      {"1h,agents:cust-1,storm\n", "s.csv:2:23: storm needs parameters"},
      {"1h,agents:cust-1,storm,hail=3\n", "s.csv:2:24: unknown parameter 'hail'"},
      {"1h,agents:cust-1,storm,rollup=2\n", "s.csv:2:24: storm needs alerts= or state_changes="},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    world *w = calloc(1, sizeof *w);
    char err[1024], csv[256];
    cr_assert_eq(rm_scenario_parse(&w->sc, "t.yaml", STORM_BASE, strlen(STORM_BASE), err, sizeof err), 0, "%s", err);
    snprintf(csv, sizeof csv, "time,target,action\n%s", bad[i][0]);
    cr_assert_neq(rm_replay_parse(&w->sc, "s.csv", csv, strlen(csv), err, sizeof err), 0);
    cr_assert(strstr(err, bad[i][1]), "want '%s', got '%s'", bad[i][1], err);
    rm_scenario_free(&w->sc);
    free(w);
  }
}
