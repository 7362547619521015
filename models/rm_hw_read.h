/* rm_hw_read: reading the scenario's `hardware:` section into an rm_hw_spec
 * (the format is in docs/hardware.md). */
#ifndef RM_HW_READ_H
#define RM_HW_READ_H

#include "rm_hw.h"
#include "rm_yaml.h"

/* The hardware role of the server named name in the scenario (ctx), or -1
 * with *why saying what is wrong (no such server; an agent, which has no
 * hardware of its own; a cluster rather than one of its nodes). */
typedef int (*rm_hw_server_role)(const void *ctx, const char *name, const char **why);

/* A share written 75% or 0.75, above 0 and at most max: 0, or -1 with the
 * error in y naming `what`. */
int rm_hw_read_share(rm_yaml *y, yaml_node_t *v, const char *what, double max, double *out);

/* Read map (the value of `hardware:`) into hw, which holds the defaults
 * (rm_hw_default). Returns 0, or -1 with the error in y. */
int rm_hw_read(rm_yaml *y, yaml_node_t *map, rm_hw_spec *hw, rm_hw_server_role role_of, const void *ctx);

#endif
