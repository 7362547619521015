/* Expectations and their phases: each verdict says what was measured, and
 * is the truth about it, in the edge cases too. */
#include "model_util.h"

#define SITE                                                                                                        \
  "management_servers: {count: 1}\ngateways: {count: 2}\n"                                                          \
  "customers:\n  - {count: 2, servers: 10, clients: 90, primary: gw-1, backup: gw-2}\n"

static world *judged(const char *text, int want_failed) {
  world *w = world_new(text);
  world_run(w, w->sc.duration);
  int failed = rm_group_judge(&w->g, w->sc.duration);
  char all[4096] = "";
  for (int i = 0; i < w->g.m.n_verdicts; i++) {
    size_t u = strlen(all);
    const rm_verdict *v = &w->g.m.verdicts[i];
    snprintf(all + u, sizeof all - u, "[%s %s: %s] ", v->held ? "held" : "FAIL", v->name, v->detail);
  }
  cr_assert_eq(failed, want_failed, "%s", all);
  return w;
}

static const rm_verdict *verdict(world *w, int i) { return &w->g.m.verdicts[i]; }

/* An agent down at the very end, before its alert was due: not late. */
Test(expect, alert_within_pending_at_the_end) {
  world *w = judged("name: e\nduration: 3h\n" SITE
                    "faults:\n  - {crash: cust-1/srv-1, at: 2h58m}\nexpect: [{alert_within: 5m}]\n",
                    0);
  cr_assert(strstr(verdict(w, 0)->detail, "1 too short to be detected"), "%s", verdict(w, 0)->detail);
  world_free(w);
}

/* Down a minute: too short for any alert, left out. Down 10 minutes with
 * the RMS away the whole time: no alert, late. */
Test(expect, alert_within_short_and_missed) {
  world *w = judged("name: e\nduration: 3h\n" SITE
                    "faults:\n  - {crash: cust-1/srv-1, at: 1h, for: 1m}\nexpect: [{alert_within: 5m}]\n",
                    0);
  world_free(w);
  w = judged("name: e\nduration: 3h\n" SITE
             "faults:\n  - {crash: rms, at: 1h, for: 20m}\n  - {crash: cust-1/srv-1, at: 1h1m, for: 10m}\n"
             "expect: [{alert_within: 5m}]\n",
             1);
  cr_assert(strstr(verdict(w, 0)->detail, "cust-1/srv-1 went down at 01:01:00 and no alert came in 10m"), "%s",
            verdict(w, 0)->detail);
  world_free(w);
}

/* An old short outage is not blamed for an alert that a later path outage
 * caused: the alert comes while the agent is up. */
Test(expect, alert_within_not_blamed_on_an_old_outage) {
  world *w = judged("name: e\nduration: 3h\n" SITE
                    "faults:\n  - {crash: cust-2/srv-1, at: 30m, for: 1m}\n  - {crash: ms-1, at: 1h, for: 1h}\n"
                    "expect: [{alert_within: 5m}]\n",
                    0);
  cr_assert_gt(w->g.watch.alerts, 0, "the management server outage raised alerts");
  world_free(w);
}

/* An agent that fails while its heartbeat alert is already open (its path
 * was down) is covered by that alert, and the ping now fails. */
Test(expect, alert_open_before_the_crash) {
  world *w = judged("name: e\nduration: 3h\n" SITE
                    "faults:\n  - {crash: ms-1, at: 1h, for: 30m}\n  - {crash: cust-1/srv-1, at: 1h10m, for: 1h}\n"
                    "expect: [{alert_within: 5m}]\n",
                    0);
  cr_assert(strstr(verdict(w, 0)->detail, "alerted 0s after"), "%s", verdict(w, 0)->detail);
  world_free(w);
}

/* An outage cut short by the sender's own crash still counts. */
Test(expect, failover_cut_by_the_senders_crash) {
  world *w = judged("name: e\nduration: 3h\nmanagement_servers: {count: 1}\ngateways: {count: 1}\n"
                    "customers:\n  - {count: 1, servers: 1, clients: 9}\n"
                    "faults:\n  - {crash: gw-1, at: 1h, for: 1h}\n  - {crash: cust-1, at: 1h50m, for: 9m}\n"
                    "expect: [{failover_within: 3m}]\n",
                    1);
  cr_assert(strstr(verdict(w, 0)->detail, "cust-1 lost its parent at 01:00:00 and failed itself 50m later"), "%s",
            verdict(w, 0)->detail);
  world_free(w);
}

/* Phases: the flapping gateway breaks nothing before it and nothing after
 * it; during it, failovers take 2 minutes. */
Test(expect, phases_of_a_fault) {
  world *w = judged("name: e\nduration: 4h\n" SITE
                    "faults:\n  - {id: flappy, flap: gw-1, at: 1h, every: 6m, times: 3}\n"
                    "expect:\n"
                    "  - {failover_within: 1m, before: flappy}\n"
                    "  - {failover_within: 3m, during: flappy}\n"
                    "  - {failover_within: 1m, during: flappy}\n"
                    "  - {no_data_lost: true, after: flappy}\n"
                    "  - {alerts_for: [], during: flappy}\n",
                    1);
  cr_assert(verdict(w, 0)->held, "%s", verdict(w, 0)->detail);
  cr_assert(strstr(verdict(w, 0)->detail, "no connection was lost"), "%s", verdict(w, 0)->detail);
  cr_assert(verdict(w, 1)->held, "%s", verdict(w, 1)->detail);
  cr_assert(strstr(verdict(w, 1)->detail, "[from 01:00:00 to 01:30:00]"), "%s", verdict(w, 1)->detail);
  cr_assert(strstr(verdict(w, 1)->detail, "0 of 6 connections lost were late"), "%s", verdict(w, 1)->detail);
  cr_assert_not(verdict(w, 2)->held);
  cr_assert(strstr(verdict(w, 2)->detail, "6 of 6 connections lost were late"), "%s", verdict(w, 2)->detail);
  cr_assert_str_eq(verdict(w, 2)->name, "failover_within 1m during flappy");
  cr_assert(verdict(w, 3)->held && verdict(w, 4)->held);
  world_free(w);
}

/* Data lost during a datacenter outage, at most so much; none before or
 * after; the backlog drained within the limit after it. */
Test(expect, data_and_backlog_by_phase) {
  world *w = judged("name: e\nduration: 6h\nload: {arrivals: fluid}\nessentials: {queue: 50MB}\nagent: {queue: 64KB}\n" SITE
                    "faults:\n  - {id: dc, datacenter_outage: true, at: 1h, for: 2h}\n"
                    "expect:\n"
                    "  - {no_data_lost: true, before: dc}\n"
                    "  - {data_lost_at_most: 50MB, during: dc}\n"
                    "  - {data_lost_at_most: 20MB, during: dc}\n"
                    "  - {data_lost_at_most: 2MB, after: dc}\n"
                    "  - {backlog_drained_within: 30m, after: dc}\n"
                    "  - {backlog_drained_within: 3m, after: dc}\n",
                    2);
  /* Each site: 100 agents x 8.6 MB a day for 2 h = 71.7 MB, in a 50 MB
   * queue (50 MiB) and 100 agent queues of 64 KB (6.55 MB): 12.7 MB dropped
   * each, 25.4 MB in all, during the outage; and a little after it, until
   * each Essentials server's next retry finds its gateway (at most 30 s of
   * its data, 0.3 MB) and its first batch is taken in (1 MB over the 2
   * Mbit/s link, 4 s, then through gw-1's station, which takes in about
   * 195 KB/s shared by the two sites: 10 s), so the agents' queues stay
   * full about 45 s: 1.1 MB in all. */
  double want = 2 * (100.0 * AGENT_BYTES_PER_DAY / 12 - 50.0 * 1048576 - 100 * 65536.0),
         slack = 200.0 * AGENT_BYTES_PER_DAY / 1440;
  cr_assert((double)w->g.m.dropped_total > want - slack && (double)w->g.m.dropped_total < want + slack,
            "dropped %lld, want %.0f", (long long)w->g.m.dropped_total, want);
  cr_assert(verdict(w, 0)->held);
  cr_assert(verdict(w, 1)->held, "%s", verdict(w, 1)->detail);
  cr_assert_not(verdict(w, 2)->held, "%s", verdict(w, 2)->detail);
  cr_assert(verdict(w, 3)->held, "%s", verdict(w, 3)->detail);
  cr_assert_not(strstr(verdict(w, 3)->detail, "no byte dropped"), "%s", verdict(w, 3)->detail);
  /* 2 x 56.5 MB to drain through gw-1, which takes in about 195 KB/s (its
   * disks, docs/hardware.md): about 10 minutes (the links alone would take
   * 3.8). */
  cr_assert(verdict(w, 4)->held, "%s", verdict(w, 4)->detail);
  cr_assert_not(verdict(w, 5)->held, "%s", verdict(w, 5)->detail);
  world_free(w);
}

/* alerts_for names exactly who alerts; no_alert_for who must not. */
Test(expect, alert_sets) {
  world *w = judged("name: e\nduration: 2h\n" SITE
                    "faults:\n  - {id: two, crash: cust-1/srv-1, at: 30m, for: 30m}\n"
                    "  - {crash: cust-1/srv-2, at: 30m, for: 30m}\n"
                    "expect:\n"
                    "  - {alerts_for: [cust-1/srv-1, cust-1/srv-2]}\n"
                    "  - {alerts_for: [cust-1/srv-1]}\n"
                    "  - {no_alert_for: [agents:cust-2]}\n"
                    "  - {no_alert_for: [agents:cust-1]}\n"
                    "  - {alerts_for: [], before: two}\n",
                    2);
  cr_assert(verdict(w, 0)->held, "%s", verdict(w, 0)->detail);
  cr_assert_not(verdict(w, 1)->held);
  cr_assert(strstr(verdict(w, 1)->detail, "alerts also for cust-1/srv-2"), "%s", verdict(w, 1)->detail);
  cr_assert(verdict(w, 2)->held);
  cr_assert_not(verdict(w, 3)->held);
  cr_assert(strstr(verdict(w, 3)->detail, "2 of the 100 agents alerted"), "%s", verdict(w, 3)->detail);
  cr_assert(verdict(w, 4)->held);
  world_free(w);
}

/* agents:CUSTOMER takes the agents of all its Essentials servers. */
Test(expect, alert_sets_of_a_customer_with_several_essentials_servers) {
  world *w = judged("name: e\nduration: 2h\nmanagement_servers: {count: 1}\ngateways: {count: 2}\n"
                    "customers:\n  - {count: 2, servers: 40, essentials: 2}\n"
                    "faults:\n  - {crash: agents:cust-1, at: 30m, for: 30m}\n"
                    "expect:\n  - {alerts_for: [agents:cust-1]}\n  - {no_alert_for: [agents:cust-2]}\n"
                    "  - {alerts_for: [agents:cust-2]}\n",
                    1);
  cr_assert(verdict(w, 0)->held, "%s", verdict(w, 0)->detail);
  cr_assert(verdict(w, 1)->held, "%s", verdict(w, 1)->detail);
  cr_assert(strstr(verdict(w, 2)->detail, "no alert for cust-2.1/srv-1"), "%s", verdict(w, 2)->detail);
  cr_assert_eq(w->g.watch.alerts, 40);
  world_free(w);
}

/* A fault repaired after the end of the run has no after within it (one
 * never repaired is refused when the scenario is read). */
Test(expect, after_a_fault_that_never_ends) {
  world *w = judged("name: e\nduration: 2h\n" SITE
                    "faults:\n  - {id: forever, crash: gw-2, at: 1h, for: 5h}\n"
                    "expect: [{no_data_lost: true, after: forever}]\n",
                    1);
  cr_assert(strstr(verdict(w, 0)->detail, "did not end before the end of the run"), "%s", verdict(w, 0)->detail);
  world_free(w);
}

/* Data still queued at the end counts in the latency at its age then (at
 * least): a site cut off for the last hour of a run holds an hour of its
 * data, so the run's p99 is most of an hour, not the seconds of what was
 * stored. */
Test(expect, latency_counts_what_is_still_queued_at_the_end) {
  world *w = judged("name: e\nduration: 3h\n" SITE "faults:\n  - {site_outage: cust-1, at: 2h}\n", 0);
  rm_group *g = &w->g;
  cr_assert_gt(rm_measure_queued(g), 30 * 1048576, "an hour of the site's data (35.8 MB) is queued");
  cr_assert_eq(g->m.aged_queued, rm_measure_queued(g), "every queued byte is counted once");
  cr_assert_geq(g->m.latency.max, RS_HOUR - RS_MIN, "the oldest queued byte is about an hour old");
  /* A sixth of the bytes were generated with the site away; the p99 is
   * among them. */
  cr_assert_gt(rs_hist_quantile(&g->m.latency, 0.99), 30 * RS_MIN);
  rm_measure_age_queued(g, w->sc.duration);
  cr_assert_eq(g->m.aged_queued, rm_measure_queued(g), "counting again changes nothing");
  world_free(w);
}

/* Times in verdicts are in whole seconds, truncated, but one over its limit
 * never reads as the limit: the server goes down at 1h0m0.5s and alerts at
 * a whole minute, 2m59.5s later; against 2m59s that is late, and says so to
 * the microsecond; against 3m, in time, it reads 2m59s. */
Test(expect, times_over_a_limit_are_not_rounded_to_it) {
  world *w = judged("name: e\nduration: 2h\n" SITE
                    "faults:\n  - {crash: cust-1/srv-1, at: 1h500ms, for: 30m}\n"
                    "expect: [{alert_within: 2m59s}, {alert_within: 3m}, {alert_within: 2m59s999ms}]\n",
                    1);
  cr_assert(strstr(verdict(w, 0)->detail, "alerted 2m59s500ms after it went down at 01:00:00; limit 2m59s;"), "%s",
            verdict(w, 0)->detail);
  cr_assert(strstr(verdict(w, 1)->detail, "alerted 2m59s after it went down at 01:00:00; limit 3m;"), "%s",
            verdict(w, 1)->detail);
  /* A limit is shown as written; the time within it, in whole seconds. */
  cr_assert(strstr(verdict(w, 2)->detail, "alerted 2m59s after it went down at 01:00:00; limit 2m59s999ms;"),
            "%s", verdict(w, 2)->detail);
  world_free(w);
}
