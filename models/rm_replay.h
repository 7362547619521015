/*
 * rm_replay: a recorded outage, replayed against a design.
 *
 * The file is CSV, one change a line: time, target, action[, parameters].
 *   - time: an offset from the run's start, as a duration ("2h", "+1h30m")
 *     or a clock as romsim prints it ("00:10:00", "26:00:00", with days
 *     "1.02:00:00"), or an ISO 8601 UTC time ("2026-11-20T02:00:00Z"), which
 *     needs the scenario's `start:` (the wall-clock time of the run's time 0);
 *   - target: a node, link:NODE, or a selector (links:ROLE, role:ROLE,
 *     customer:NAME, agents:NAME);
 *   - action: down, up (back to normal: node, link and its quality, and
 *     the end of an agent's storm), degrade, or storm (agents only);
 *   - parameters, for degrade: key=value pairs separated by spaces or
 *     semicolons: latency=200ms bandwidth=256Kbit/s loss=2% for a link,
 *     factor=0.2 for sql (its write capacity times the factor); for storm,
 *     alerts=5 state_changes=50 rollup=3 (a minute, per agent, as the
 *     scenario's storm line; rollup 3 by default).
 * Blank lines and lines starting with # are skipped, and so is a header:
 * the first other line, when it starts with "time". Each line becomes a fault of the scenario,
 * applied exactly as the same change written in the scenario would be.
 */
#ifndef RM_REPLAY_H
#define RM_REPLAY_H

#include <stddef.h>

#include "rm_scenario.h"

/* The comment line a live session's replay begins with (romsim serve):
 * its lines are taken as they came, none known before it acts. */
#define RM_REPLAY_LIVE "# romsim serve session"

/*
 * Read the replay file at path and add its lines to sc's faults; keep its
 * text in sc (replay_file, replay_text). Returns 0, or -1 with one message
 * "FILE:LINE:COL: ..." in err.
 */
int rm_replay_load(rm_scenario *sc, const char *path, char *err, size_t errlen);

/* The same from len bytes of text in memory (copied); path is the name
 * used in messages. */
int rm_replay_parse(rm_scenario *sc, const char *path, const char *text, size_t len, char *err, size_t errlen);

/* One line (len bytes, no newline) of a live session, as line line_no of
 * the file path: a fault added to sc's faults, named replay-LINE like a
 * line read from the file. Returns 0, or -1 with the message in err. */
int rm_replay_add_line(rm_scenario *sc, const char *path, int line_no, const char *line, size_t len, char *err,
                       size_t errlen);

#endif
