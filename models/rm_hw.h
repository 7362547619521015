/*
 * rm_hw: the hardware servers run on, and what their work costs it.
 *
 * A hardware model is processors, memory, a network interface and disk
 * groups (each a count of disks of one speed in a RAID level). Every role
 * with a server (management servers, gateways, Essentials servers, the RMS
 * and SQL cluster nodes, the web console) runs on a model: a built-in one
 * by default (rm_hw_builtin; their figures and sources are in
 * docs/hardware.md), another named in the scenario's `hardware:` section
 * for a role or for one server.
 *
 * A server's work becomes demand on each resource by per-unit costs
 * (rm_hw_costs): processor seconds per agent carried and per byte taken
 * in, disk I/Os per agent and per byte, memory per agent. Demand that does
 * not depend on the data (heartbeats, connections, the databases' reads)
 * is the server's background; the data it takes in is served by a
 * processor-sharing station (rs_station) whose speed is what the
 * background leaves of its bottleneck resource. The arithmetic is here;
 * the station is wired by the roles.
 */
#ifndef RM_HW_H
#define RM_HW_H

#include <stdbool.h>
#include <stdint.h>

#include "rm_index.h"
#include "rm_node.h"

/* A server's disk groups: what each holds. A model without a group puts
 * that group's I/O on its system disks. */
typedef enum {
  RM_DISK_SYSTEM,      /* the operating system (and a management server's agent queue) */
  RM_DISK_OPSDB_DATA,  /* the OperationsManager database's data files (and TempDB) */
  RM_DISK_OPSDB_LOG,   /* its transaction log */
  RM_DISK_DW_DATA,     /* the data warehouse's data files */
  RM_DISK_DW_LOG,      /* its transaction log */
  RM_DISK_GROUPS
} rm_disk_group;

/* The resources a server's utilization is measured on. */
typedef enum { RM_RES_CPU, RM_RES_DISK, RM_RES_NETWORK, RM_RES_MEMORY, RM_RESOURCES } rm_resource;

/* Disks of one group. Data disks are read and written at random, in
 * I/Os; a log group is written in sequence, in bytes. */
typedef struct {
  int count;           /* 0: none */
  double iops;         /* random I/Os a second one disk does (10k rpm: 125, 15k rpm: 175) */
  double bandwidth;    /* bytes a second one disk writes in sequence (10k rpm: 60 MB/s, 15k: 80 MB/s) */
  int raid;            /* 0, 1, 5 or 10 */
} rm_disks;

/* Whether group g is a transaction log, written in sequence. */
static inline bool rm_disk_is_log(int g) { return g == RM_DISK_OPSDB_LOG || g == RM_DISK_DW_LOG; }

typedef struct {
  char *name;
  int processors;
  int64_t memory;      /* bytes */
  double network;      /* bytes a second, each way */
  rm_disks disks[RM_DISK_GROUPS];
} rm_hw_model;

/* The roles that have hardware, as the scenario's `hardware:` names them. */
typedef enum {
  RM_HW_MS, RM_HW_GATEWAY, RM_HW_ESSENTIALS, RM_HW_RMS, RM_HW_SQL, RM_HW_WEB, RM_HW_ROLES
} rm_hw_role;

/* Where the SQL store's I/O per agent comes from (docs/hardware.md). */
typedef enum { RM_IO_MSIT, RM_IO_NOCENTDOCENT, RM_IO_PROFILES } rm_io_profile;

/* A server given its own model by name. */
typedef struct {
  char *server;
  int model;           /* index in models */
} rm_hw_server;

/* The hardware of a scenario: the catalogue, each role's model, servers'
 * own, the SQL I/O profile and the utilization thresholds. */
typedef struct {
  rm_hw_model *models; /* the built-in models first, then the scenario's */
  int n_models;
  rm_index model_index;        /* name -> index in models */
  int role_model[RM_HW_ROLES]; /* index in models */
  rm_hw_server *servers;
  int n_servers;
  rm_index server_index;       /* server name -> index in servers */
  rm_io_profile profile;
  double threshold[RM_RESOURCES]; /* utilization above which a resource is judged hot, 0..1 */
} rm_hw_spec;

/* The catalogue's built-in models and the roles' defaults, the profile
 * msit, thresholds 75 % processor, 80 % disk, 50 % network, 90 % memory.
 * Returns 0, or -1 when memory ran out. */
int rm_hw_default(rm_hw_spec *hw);
void rm_hw_free(rm_hw_spec *hw);

/* The model server name of role r runs on. */
const rm_hw_model *rm_hw_of(const rm_hw_spec *hw, rm_hw_role r, const char *server);

/* The role's name in `hardware:` (management_server, gateway, ...). */
const char *rm_hw_role_name(rm_hw_role r);
const char *rm_io_profile_name(rm_io_profile p);
const char *rm_resource_name(rm_resource r);
const char *rm_disk_group_name(rm_disk_group g);

/* Disk I/Os a RAID level costs per write (RAID 1 and 10: 2, RAID 5: 4,
 * RAID 0: 1), by Almquist (2009). */
int rm_raid_write_cost(int raid);

/* The front-end I/Os a second disks can do when a share `read` (0..1) of
 * them are reads: count x iops / (read + (1 - read) x write cost). 0 when
 * there are none. */
double rm_disks_iops(const rm_disks *d, double read);

/* The disks' utilization, 0.., under r reads and w writes a second
 * (front-end): (r + w x write cost) / (count x iops). */
double rm_disks_load(const rm_disks *d, double r, double w);

/* The bytes a second disks write in sequence: count x bandwidth, less the
 * mirror's half (RAID 1 and 10) or the parity disk (RAID 5). */
double rm_disks_seq(const rm_disks *d);

/* Per-unit costs of one role's work. Processor figures are in
 * processor-seconds; disk figures in front-end I/Os, by disk group. */
typedef struct {
  double cpu_agent;                   /* a second, per agent */
  double cpu_byte;                    /* per byte taken in */
  double read_agent[RM_DISK_GROUPS];  /* reads a second, per agent */
  double write_agent[RM_DISK_GROUPS]; /* writes a second, per agent */
  double read_byte[RM_DISK_GROUPS];   /* reads per byte taken in */
  double write_byte[RM_DISK_GROUPS];  /* writes per byte taken in (a log group: bytes logged) */
  double base_read, base_write;       /* the operating system's I/Os a second, on the system disks */
  int64_t memory_base;                /* bytes: the operating system and the service */
  int64_t memory_agent;               /* bytes per agent */
  bool group_agents;                  /* its agents are the group's (the RMS and SQL serve them
                                         all), not those it carries */
} rm_hw_costs;

/* The data an agent sends a second under MSIT's load (the scenario
 * format's defaults: 8 600 000 bytes a day), which turns the sources'
 * per-agent I/O into I/O per byte. */
#define RM_HW_REF_BYTES_PER_AGENT (8600000.0 / 86400.0)

/* The costs of role r under profile p (docs/hardware.md gives each
 * figure's source, or how it is calibrated). */
void rm_hw_costs_of(rm_hw_role r, rm_io_profile p, rm_hw_costs *c);

/* A server's demand, a second: processors busy, and front-end reads and
 * writes by disk group (a group the model lacks is on its system disks;
 * a log group's writes are bytes logged, on a data group's disks as I/Os
 * of 8 KB, SQL Server's page). */
typedef struct {
  double cpu;
  double reads[RM_DISK_GROUPS], writes[RM_DISK_GROUPS];
} rm_hw_demand;

/* The demand of `agents` agents and `bytes` bytes a second taken in. */
void rm_hw_demand_of(const rm_hw_costs *c, const rm_hw_model *m, double agents, double bytes, rm_hw_demand *d);

/* Processor and disk utilization under demand d: processors busy over
 * processors, and each disk group's load (rm_disks_load; a log group's,
 * bytes logged over rm_disks_seq), the disk figure being the busiest
 * group's. 0.. (above 1: more than it can do). */
void rm_hw_utilization(const rm_hw_model *m, const rm_hw_demand *d, double *cpu, double *disk,
                       double disk_util[RM_DISK_GROUPS]);

/*
 * The bytes a second a server can take in beside its background demand bg:
 * for each resource (processors, each disk group; the network interface
 * limits the transfers, rm_uplink),
 * what the background leaves of it over what a byte costs it; the least of
 * these (the bottleneck's), but never below RM_HW_MIN_SHARE of what the
 * idle server could take (a server far over its capacity crawls; it does
 * not stop); HUGE_VAL when nothing costs anything per byte. *bottleneck
 * gets the resource (RM_RES_CPU or RM_RES_DISK) and *group the disk group
 * when it is a disk.
 */
#define RM_HW_MIN_SHARE 0.05
double rm_hw_byte_rate(const rm_hw_costs *c, const rm_hw_model *m, const rm_hw_demand *bg, rm_resource *bottleneck,
                       rm_disk_group *group);

#endif
