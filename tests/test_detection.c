/* Heartbeat failure detection by the RMS's watchers. */
#include "model_util.h"

#define SITE                                                                                                        \
  "management_servers: {count: 1}\ngateways: {count: 1}\n"                                                          \
  "customers:\n  - {count: 1, servers: 4, clients: 4}\n"

static int64_t agent_index(world *w, const char *name) {
  return RS_CONTAINER_OF(world_node(w, name), rm_agent, node)->index;
}

/* With the RMS up, a crashed server's alert comes 3 to 4 heartbeat
 * intervals after its last heartbeat, and since the computer is down the
 * ping fails and a second alert follows. */
Test(detection, alert_between_3_and_4_intervals) {
  const rs_time_t I = RS_MIN;
  for (int k = 0; k < 6; k++) {
    char text[512];
    /* Crash times spread over the heartbeat cycle. */
    snprintf(text, sizeof text,
             "name: d\nduration: 1h\nseed: %d\n" SITE "faults:\n  - {crash: cust-1/srv-2, at: %ds}\n", k, 600 + 11 * k);
    world *w = world_new(text);
    world_run(w, w->sc.duration);
    int64_t a = agent_index(w, "cust-1/srv-2");
    rs_time_t last = w->g.watch.last_heartbeat[a], alert = first_alert(w, a);
    cr_assert_leq(last, (600 + 11 * k) * RS_SEC);
    cr_assert_gt(last, (600 + 11 * k) * RS_SEC - I, "its last heartbeat came in the interval before the crash");
    cr_assert_geq(alert - last, 3 * I, "alert %lld us after the last heartbeat", (long long)(alert - last));
    cr_assert_lt(alert - last, 4 * I, "alert %lld us after the last heartbeat", (long long)(alert - last));
    cr_assert_eq(w->g.watch.alert_state[a], 2, "the ping fails: a second alert");
    cr_assert_eq(w->g.watch.alerts, 1, "no other agent alerts");
    cr_assert_eq(w->g.watch.connect_alerts, 1);
    world_free(w);
  }
}

/* Heartbeat alerts are off for client computers unless asked for. */
Test(detection, clients_alert_only_when_asked) {
  world *w = world_new("name: d\nduration: 30m\n" SITE "faults:\n  - {crash: cust-1/cli-1, at: 5m}\n");
  world_run(w, w->sc.duration);
  cr_assert_eq(w->g.watch.alerts, 0);
  world_free(w);
  w = world_new("name: d\nduration: 30m\nheartbeat: {alert_clients: true}\n" SITE
                "faults:\n  - {crash: cust-1/cli-1, at: 5m}\n");
  world_run(w, w->sc.duration);
  cr_assert_eq(w->g.watch.alerts, 1);
  cr_assert_eq(w->g.watch.connect_alerts, 1);
  world_free(w);
}

/* The number of misses is a parameter: 1 miss, alert 1 to 2 intervals after
 * the last heartbeat. */
Test(detection, missed_count_is_a_parameter) {
  world *w = world_new("name: d\nduration: 30m\nheartbeat: {missed: 1, interval: 30s}\n" SITE
                       "faults:\n  - {crash: cust-1/srv-1, at: 5m}\n");
  world_run(w, w->sc.duration);
  int64_t a = agent_index(w, "cust-1/srv-1");
  rs_time_t d = first_alert(w, a) - w->g.watch.last_heartbeat[a];
  cr_assert(d >= 30 * RS_SEC && d < 60 * RS_SEC, "alert %lld us after the last heartbeat", (long long)d);
  world_free(w);
}

/* While the RMS fails over, no alert is raised; the watchers start again on
 * the other node, and the alert comes 3 to 4 intervals after it is up. */
Test(detection, no_alert_while_the_rms_fails_over) {
  world *w = world_new("name: d\nduration: 1h\nrms: {failover: 10m}\n" SITE
                       "faults:\n  - {crash: cust-1/srv-1, at: 5m}\n  - {crash: rms-1, at: 5m30s}\n");
  int64_t a = agent_index(w, "cust-1/srv-1");
  rs_time_t up = 15 * RS_MIN + 30 * RS_SEC;
  world_run(w, up - 1);
  cr_assert_eq(w->g.rms.node.state, RM_FAILING_OVER);
  cr_assert_eq(w->g.watch.alerts, 0, "an alert while the RMS was failing over");
  world_run(w, up);
  cr_assert_eq(w->g.rms.node.state, RM_UP);
  cr_assert_eq(w->g.rms.active, 1);
  world_run(w, w->sc.duration);
  rs_time_t alert = first_alert(w, a);
  cr_assert_geq(alert, up + 3 * RS_MIN, "alert at %lld", (long long)alert);
  cr_assert_lt(alert, up + 4 * RS_MIN, "alert at %lld", (long long)alert);
  cr_assert_eq(w->g.watch.alerts, 1, "only srv-1 alerts: the others' heartbeats resumed");
  world_free(w);
}

/* Both RMS nodes down: no alert until one returns. */
Test(detection, rms_down_then_back) {
  world *w = world_new("name: d\nduration: 1h\nrms: {failover: 1m}\n" SITE
                       "faults:\n  - {crash: cust-1/srv-1, at: 5m}\n  - {crash: rms, at: 6m, for: 20m}\n");
  int64_t a = agent_index(w, "cust-1/srv-1");
  world_run(w, 26 * RS_MIN);
  cr_assert_eq(w->g.rms.node.state, RM_FAILING_OVER);
  cr_assert_eq(w->g.watch.alerts, 0);
  world_run(w, w->sc.duration);
  cr_assert_geq(first_alert(w, a), 27 * RS_MIN + 3 * RS_MIN);
  cr_assert_lt(first_alert(w, a), 27 * RS_MIN + 4 * RS_MIN);
  world_free(w);
}

/* A gateway fails. With no backup, the servers behind it miss their
 * heartbeats and alert, once each; the ping cannot reach them either (the
 * path is down), so each also gets "failed to connect"; the alerts close
 * when heartbeats resume. With a backup, the Essentials server fails over
 * within 3 intervals and nothing alerts. */
Test(detection, gateway_loss_and_alerts) {
  world *w = world_new("name: d\nduration: 1h\n" SITE "faults:\n  - {crash: gw-1, at: 10m, for: 30m}\n");
  world_run(w, w->sc.duration);
  cr_assert_eq(w->g.watch.alerts, 4, "each of the 4 servers alerts once");
  cr_assert_eq(w->g.watch.connect_alerts, 4, "and the ping cannot reach them");
  for (int k = 1; k <= 4; k++) {
    char name[32];
    snprintf(name, sizeof name, "cust-1/srv-%d", k);
    cr_assert_eq(w->g.watch.alert_state[agent_index(w, name)], 0, "%s: its alert closed when heartbeats resumed", name);
  }
  world_free(w);
  w = world_new("name: d\nduration: 1h\nmanagement_servers: {count: 1}\ngateways: {count: 2}\n"
                "customers:\n  - {count: 1, servers: 4, clients: 4, primary: gw-1, backup: gw-2}\n"
                "faults:\n  - {crash: gw-1, at: 10m, for: 30m}\n");
  world_run(w, w->sc.duration);
  cr_assert_eq(w->g.watch.alerts, 0, "a failover of 2 minutes misses at most 2 heartbeats");
  world_free(w);
}

/* The alert_within expectation measures each failed agent's alert. */
Test(detection, alert_within_expectation) {
  world *w = world_new("name: d\nduration: 1h\n" SITE
                       "faults:\n  - {crash: cust-1/srv-3, at: 5m}\nexpect: [{alert_within: 4m}]\n");
  world_run(w, w->sc.duration);
  cr_assert_eq(rm_group_judge(&w->g, w->sc.duration), 0, "%s", w->g.m.verdicts[0].detail);
  cr_assert(strstr(w->g.m.verdicts[0].detail, "cust-1/srv-3 alerted"), "%s", w->g.m.verdicts[0].detail);
  world_free(w);
  w = world_new("name: d\nduration: 1h\n" SITE
                "faults:\n  - {crash: cust-1/srv-3, at: 5m}\nexpect: [{alert_within: 2m}]\n");
  world_run(w, w->sc.duration);
  cr_assert_eq(rm_group_judge(&w->g, w->sc.duration), 1);
  world_free(w);
}
