/*
 * rm_scenario_internal: what the scenario loader's files share, and nothing
 * else includes. The loader is three files, one concept each:
 *
 *   rm_scenario.c         the document: its top-level keys, the parameters
 *                         and their sections, the names of the management
 *                         servers and gateways, the customers; loading,
 *                         freeing and the counts
 *   rm_scenario_faults.c  what a name in the scenario names (nodes, senders,
 *                         servers' hardware roles), the faults with their
 *                         targets and selectors, random failures, ISO 8601
 *   rm_scenario_expect.c  the expectations
 *
 * Names here carry a double prefix (rm__scenario_): they are the loader's
 * own, not part of rm_scenario.h.
 */
#ifndef RM_SCENARIO_INTERNAL_H
#define RM_SCENARIO_INTERNAL_H

#include <stdbool.h>

#include "rm_index.h"
#include "rm_scenario.h"
#include "rm_yaml.h"

/* Largest counts a scenario may ask for: far above any real group, small
 * enough that every product fits in 64 bits. */
#define RM_MAX_NODES 1000000

/* The longest name of a server or a customer line, in bytes. */
#define RM_MAX_NAME 200

/* Whether name is a customer of sc's customer lines (PREFIX-K), whatever
 * its number of Essentials servers. The lines must have been read. */
bool rm__scenario_customer_exists(const rm_scenario *sc, const char *name);

/* Whether name is an Essentials server of sc: a customer's name when it has
 * one, CUSTOMER.J (J from 1) when it has several. The lines must have been
 * read. */
bool rm__scenario_ess_exists(const rm_scenario *sc, const char *name);

/* The hardware role (RM_HW_*) of the server named name in the scenario ctx
 * (a const rm_scenario *), or -1 with *why saying what is wrong: the
 * callback rm_hw_read takes (rm_hw_server_role), also used by the
 * expectation utilization_below. The names and customers must have been
 * read. */
int rm__scenario_server_hw_role(const void *ctx, const char *name, const char **why);

/* The `hosts:` section (rm_hosts_read.c): after the servers and the
 * hardware catalogue are read. 0, or -1 with the error in y. */
int rm__scenario_read_hosts(rm_yaml *y, rm_scenario *sc, yaml_node_t *list);

/* Put server name (a role's own, RM_HW_*) on host h: appended to its runs
 * and indexed in sc->vm_index. 0, or -1 when memory ran out. */
int rm__scenario_host_add(rm_scenario *sc, int h, const char *name);

/* Place `servers` (n names, each of hardware role roles[i], none on a host
 * yet) automatically on the hosts pool[0..n_pool), each of which takes
 * the roles in the bit set takes[k] (1 << RM_HW_*): apart from every
 * server each must not share a host with, spreading processors
 * (rm_hosts_place.c, docs/hardware.md "Placement"). Returns 0, -1 when
 * memory ran out, or -2 with what stops it in why (a server none of the
 * pool can take). */
int rm__scenario_place_auto(rm_scenario *sc, const char *const *servers, const int *roles, int n, const int *pool,
                            const unsigned *takes, int n_pool, char *why, size_t whylen);

/* Read `faults:` (list) into sc->faults and sc->n_faults, each fault's id
 * put in ids (an id given twice is refused). Returns 0, or -1 with the error
 * in y; what was read so far is counted in sc->n_faults for
 * rm_scenario_free. */
int rm__scenario_read_faults(rm_yaml *y, rm_scenario *sc, yaml_node_t *list, rm_index *ids);

/* Read `random_failures:` (map) into sc->random, and refuse an event storm
 * (more than RM_MAX_RANDOM_FAILURES expected over sc->duration) at the mtbf
 * that makes most of it. Returns 0, or -1 with the error in y. */
int rm__scenario_read_random(rm_yaml *y, rm_scenario *sc, yaml_node_t *map);

/* Read `expect:` (list) into sc->expect and sc->n_expect; a phase names a
 * fault by its id, looked up in fault_ids (the faults must have been read).
 * Returns 0, or -1 with the error in y; what was read so far is counted in
 * sc->n_expect for rm_scenario_free. */
int rm__scenario_read_expect(rm_yaml *y, rm_scenario *sc, yaml_node_t *list, const rm_index *fault_ids);

#endif
