/* rm_cluster: an active/passive pair (see rm_cluster.h). */
#include "rm_cluster.h"

#include <string.h>

#include "rm_group.h"

static void done_cb(rs_sim *sim, rs_event *ev) {
  rm_cluster *c = RS_CONTAINER_OF(ev, rm_cluster, done);
  (void)sim;
  if (c->member[c->active].state != RM_UP) return; /* it failed meanwhile */
  rm_pops_settle(c->node.group); /* ticks until now found it failing over */
  c->node.state = RM_UP;
  rm_group_event(c->node.group, &c->node, "cluster_up", "%s is up on %s", c->node.name, c->member[c->active].name);
  rm_group_state_changed(c->node.group, &c->node);
}

void rm_cluster_init(rm_cluster *c, rs_time_t failover_time) {
  c->active = 0;
  c->failover_time = failover_time;
  c->node.state = RM_UP;
  c->member[0].state = c->member[1].state = RM_UP;
  rs_event_init(&c->done, done_cb);
}

/* Move the service onto member k: failing over for the failover time (said
 * as written). Every failover is counted, so that the count and the
 * cluster_failover events agree. */
static void fail_over_to(rm_cluster *c, rs_sim *sim, int k, const char *why) {
  char d[32];
  c->active = k;
  c->failovers++;
  c->node.state = RM_FAILING_OVER;
  rm_group_event(c->node.group, &c->node, "cluster_failover", "%s fails over to %s (%s), for %s", c->node.name,
                 c->member[k].name, why, rs_duration_format_exact(c->failover_time, d, sizeof d));
  rm_group_state_changed(c->node.group, &c->node);
  rs_sim_schedule_in(sim, &c->done, c->failover_time);
}

void rm_cluster_member_down(rm_cluster *c, rs_sim *sim, int k) {
  if (c->member[k].state != RM_UP) return;
  c->member[k].state = RM_DOWN;
  if (k != c->active) return; /* the passive node: nothing shows */
  rs_sim_cancel(sim, &c->done);
  if (c->member[1 - k].state == RM_UP) {
    fail_over_to(c, sim, 1 - k, "its active node failed");
  } else {
    c->node.state = RM_DOWN;
    rm_group_event(c->node.group, &c->node, "cluster_down", "%s is down: both nodes have failed", c->node.name);
    rm_group_state_changed(c->node.group, &c->node);
  }
}

void rm_cluster_member_up(rm_cluster *c, rs_sim *sim, int k) {
  if (c->member[k].state == RM_UP) return;
  c->member[k].state = RM_UP;
  if (c->node.state == RM_DOWN) fail_over_to(c, sim, k, "a node came back");
}
