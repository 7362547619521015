/*
 * rm_webconsole: the optional web console server. It reads live views
 * through the RMS: it is available only while it is up and the RMS is, and
 * shows the RMS's failing over as its own.
 */
#include "rm_group.h"

rm_state rm_webconsole_state(const rm_group *g) {
  return g->web.state != RM_UP ? RM_DOWN : g->rms.node.state;
}
