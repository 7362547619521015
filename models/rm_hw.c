/* rm_hw: hardware models, per-unit costs and utilization (rm_hw.h). Every
 * figure below is in docs/hardware.md with its source or its "assumed". */
#include "rm_hw.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define GB ((int64_t)1 << 30)
#define MB ((int64_t)1 << 20)
#define GBIT (1e9 / 8)

/* Almquist (2009): random I/Os a second of one disk. */
#define IOPS_10K 125.0
#define IOPS_15K 175.0
/* Assumed: the bytes a second one disk writes in sequence (a log). */
#define SEQ_10K (60.0 * 1048576)
#define SEQ_15K (80.0 * 1048576)
#define D10(n, raid) {n, IOPS_10K, SEQ_10K, raid}
#define D15(n, raid) {n, IOPS_15K, SEQ_15K, raid}

/* The built-in catalogue. */
static const struct {
  const char *name;
  int processors;
  int64_t memory;
  rm_disks disks[RM_DISK_GROUPS];
} builtin[] = {
    /* xplatxperts (2009): 4 processors, 8 GB, a 4-disk RAID 10 array hold about 2500 agents. */
    {"ms-standard", 4, 8 * GB, {[RM_DISK_SYSTEM] = D10(4, 10)}},
    /* assumed: a 2-processor server with mirrored disks */
    {"gateway-standard", 2, 4 * GB, {[RM_DISK_SYSTEM] = D10(2, 1)}},
    {"essentials-standard", 2, 4 * GB, {[RM_DISK_SYSTEM] = D10(2, 1)}},
    /* assumed: the management server's, with 6 disks (it watches every agent) */
    {"rms-standard", 4, 8 * GB, {[RM_DISK_SYSTEM] = D10(6, 10)}},
    /* assumed: each database's data and log on their own 15k rpm RAID 10 arrays */
    {"sql-standard",
     4,
     16 * GB,
     {[RM_DISK_SYSTEM] = D10(2, 1),
      [RM_DISK_OPSDB_DATA] = D15(4, 10),
      [RM_DISK_OPSDB_LOG] = D15(4, 10),
      [RM_DISK_DW_DATA] = D15(8, 10),
      [RM_DISK_DW_LOG] = D15(4, 10)}},
    {"web-standard", 2, 4 * GB, {[RM_DISK_SYSTEM] = D10(2, 1)}},
    /* assumed: a virtualization host, two 8-core processors */
    {"host-standard", 16, 64 * GB, {[RM_DISK_SYSTEM] = D10(8, 10)}},
    /* assumed: a SAN-backed node for about 100 000 agents */
    {"sql-large",
     32,
     128 * GB,
     {[RM_DISK_SYSTEM] = D10(2, 1),
      [RM_DISK_OPSDB_DATA] = D15(16, 10),
      [RM_DISK_OPSDB_LOG] = D15(8, 10),
      [RM_DISK_DW_DATA] = D15(160, 10),
      [RM_DISK_DW_LOG] = D15(8, 10)}},
};
#define N_BUILTIN ((int)(sizeof builtin / sizeof builtin[0]))

/* Each role's default: the built-in model of that index. */
static const int role_default[RM_HW_ROLES] = {
    [RM_HW_MS] = 0, [RM_HW_GATEWAY] = 1, [RM_HW_ESSENTIALS] = 2, [RM_HW_RMS] = 3, [RM_HW_SQL] = 4, [RM_HW_WEB] = 5};

static const char *const role_names[RM_HW_ROLES] = {"management_server", "gateway", "essentials", "rms", "sql",
                                                   "web_console"};
static const char *const profile_names[RM_IO_PROFILES] = {"msit", "nocentdocent"};
static const char *const resource_names[RM_RESOURCES] = {"cpu", "disk", "network", "memory"};
static const char *const group_names[RM_DISK_GROUPS] = {"system", "opsdb_data", "opsdb_log", "dw_data", "dw_log"};

const char *rm_hw_role_name(rm_hw_role r) { return r < RM_HW_ROLES ? role_names[r] : "?"; }
const char *rm_io_profile_name(rm_io_profile p) { return p < RM_IO_PROFILES ? profile_names[p] : "?"; }
const char *rm_resource_name(rm_resource r) { return r < RM_RESOURCES ? resource_names[r] : "?"; }
const char *rm_disk_group_name(rm_disk_group g) { return g < RM_DISK_GROUPS ? group_names[g] : "?"; }

int rm_hw_default(rm_hw_spec *hw) {
  memset(hw, 0, sizeof *hw);
  rm_index_init(&hw->model_index);
  rm_index_init(&hw->server_index);
  hw->models = calloc(N_BUILTIN, sizeof *hw->models);
  if (!hw->models) return -1;
  for (int i = 0; i < N_BUILTIN; i++) {
    rm_hw_model *m = &hw->models[i];
    if (!(m->name = strdup(builtin[i].name))) return -1;
    hw->n_models = i + 1;
    m->processors = builtin[i].processors;
    m->memory = builtin[i].memory;
    m->network = GBIT;
    memcpy(m->disks, builtin[i].disks, sizeof m->disks);
    if (rm_index_put(&hw->model_index, m->name, i, NULL) < 0) return -1;
  }
  memcpy(hw->role_model, role_default, sizeof hw->role_model);
  hw->profile = RM_IO_MSIT;
  hw->threshold[RM_RES_CPU] = 0.75;
  hw->threshold[RM_RES_DISK] = 0.80;
  hw->threshold[RM_RES_NETWORK] = 0.50;
  hw->threshold[RM_RES_MEMORY] = 0.90;
  return 0;
}

void rm_hw_free(rm_hw_spec *hw) {
  for (int i = 0; i < hw->n_models; i++) free(hw->models[i].name);
  free(hw->models);
  for (int i = 0; i < hw->n_servers; i++) free(hw->servers[i].server);
  free(hw->servers);
  rm_index_free(&hw->model_index);
  rm_index_free(&hw->server_index);
  memset(hw, 0, sizeof *hw);
}

const rm_hw_model *rm_hw_of(const rm_hw_spec *hw, rm_hw_role r, const char *server) {
  if (server && hw->n_servers) {
    int64_t i = rm_index_get(&hw->server_index, server);
    if (i >= 0) return &hw->models[hw->servers[i].model];
  }
  return &hw->models[hw->role_model[r]];
}

int rm_raid_write_cost(int raid) { return raid == 5 ? 4 : raid == 0 ? 1 : 2; }

double rm_disks_iops(const rm_disks *d, double read) {
  if (d->count <= 0) return 0;
  return d->count * d->iops / (read + (1 - read) * rm_raid_write_cost(d->raid));
}

double rm_disks_load(const rm_disks *d, double r, double w) {
  if (d->count <= 0) return 0;
  return (r + w * rm_raid_write_cost(d->raid)) / (d->count * d->iops);
}

double rm_disks_seq(const rm_disks *d) {
  if (d->count <= 0) return 0;
  int data = d->raid == 1 || d->raid == 10 ? d->count / 2 : d->raid == 5 ? d->count - 1 : d->count;
  return (data > 0 ? data : 1) * d->bandwidth;
}

/* ---- costs ---- */

/* The reference management server (xplatxperts, 2009): about 2500 agents
 * on ms-standard, taken to run its processors and disks at 75 % there. */
#define REF_MS_AGENTS 2500.0
#define REF_UTIL 0.75
/* Of a management server's processor time and I/O, the share its agents
 * cost whatever data they send (heartbeats, connections, configuration):
 * assumed. */
#define AGENT_SHARE 0.4
/* The operating system's I/O (nocentdocent, 2011): 100 a second, 80 % reads. */
#define OS_IOPS 100.0
#define OS_READ 0.8
/* A management server's and the RMS's I/O is 5 % reads (nocentdocent);
 * the RMS's is 160 to the management server's 200. */
#define MS_READ 0.05
#define RMS_TO_MS (160.0 / 200.0)
/* MSIT (2008): the OpsDB server's processors about 19 % busy at 3500
 * agents; 4 processors assumed; half of it per agent, half per byte
 * (assumed). */
#define MSIT_AGENTS 3500.0
#define MSIT_CPU (0.19 * 4)
/* MSIT's OpsDB transfers a second: data drive 30, log 162, TempDB 20
 * (on the data disks here); data transfers half reads (assumed). */
#define MSIT_DATA 30.0
#define MSIT_LOG 162.0
#define MSIT_TEMPDB 20.0
/* and its log drive wrote 0.6 MB/s. */
#define MSIT_LOG_BYTES (0.6 * 1048576)
/* nocentdocent's ~650-agent group: OpsDB 450 I/Os a second (50 % reads),
 * data warehouse 1100 (70 % reads). */
#define NCD_AGENTS 650.0
#define NCD_OPSDB 450.0
#define NCD_OPSDB_READ 0.5
#define NCD_DW 1100.0
#define NCD_DW_READ 0.7

/* A management server's I/O per agent a second (front-end), calibrated so
 * that the reference server's system disks (4 x 125 in RAID 10) are at
 * REF_UTIL at REF_MS_AGENTS beside the operating system's. */
static double ms_io_per_agent(void) {
  double cap = 4 * IOPS_10K;
  double os = OS_IOPS * OS_READ + OS_IOPS * (1 - OS_READ) * 2;
  return (REF_UTIL * cap - os) / (MS_READ + (1 - MS_READ) * 2) / REF_MS_AGENTS;
}

void rm_hw_costs_of(rm_hw_role r, rm_io_profile p, rm_hw_costs *c) {
  memset(c, 0, sizeof *c);
  const double B = RM_HW_REF_BYTES_PER_AGENT;
  double ms_cpu = REF_UTIL * 4 / REF_MS_AGENTS; /* processors per agent on the reference server */
  c->base_read = OS_IOPS * OS_READ;
  c->base_write = OS_IOPS * (1 - OS_READ);
  switch (r) {
  case RM_HW_MS:
  case RM_HW_GATEWAY:    /* assumed: a gateway relays what a management server takes in */
  case RM_HW_ESSENTIALS: /* assumed: the same work per agent and per byte */
    c->cpu_agent = AGENT_SHARE * ms_cpu;
    c->cpu_byte = (1 - AGENT_SHARE) * ms_cpu / B;
    /* Its I/O split as its processors' work: per agent, and per byte. */
    c->read_agent[RM_DISK_SYSTEM] = AGENT_SHARE * MS_READ * ms_io_per_agent();
    c->write_agent[RM_DISK_SYSTEM] = AGENT_SHARE * (1 - MS_READ) * ms_io_per_agent();
    c->read_byte[RM_DISK_SYSTEM] = (1 - AGENT_SHARE) * MS_READ * ms_io_per_agent() / B;
    c->write_byte[RM_DISK_SYSTEM] = (1 - AGENT_SHARE) * (1 - MS_READ) * ms_io_per_agent() / B;
    c->memory_base = 2 * GB;
    c->memory_agent = 2 * MB;
    break;
  case RM_HW_RMS:
    c->group_agents = true;
    c->cpu_agent = AGENT_SHARE * ms_cpu;
    c->read_agent[RM_DISK_SYSTEM] = MS_READ * RMS_TO_MS * ms_io_per_agent();
    c->write_agent[RM_DISK_SYSTEM] = (1 - MS_READ) * RMS_TO_MS * ms_io_per_agent();
    c->memory_base = 2 * GB;
    c->memory_agent = 1 * MB;
    break;
  case RM_HW_SQL: {
    c->group_agents = true;
    c->cpu_agent = 0.5 * MSIT_CPU / MSIT_AGENTS;
    c->cpu_byte = 0.5 * MSIT_CPU / MSIT_AGENTS / B;
    c->memory_base = 4 * GB;
    c->memory_agent = 1 * MB;
    /* Each database logs what it writes: MSIT's log drive wrote 0.6 MB/s
     * for its 3500 agents' data (both databases alike, assumed). */
    double logged = MSIT_LOG_BYTES / (MSIT_AGENTS * B);
    c->write_byte[RM_DISK_OPSDB_LOG] = logged;
    c->write_byte[RM_DISK_DW_LOG] = logged;
    /* The data warehouse in MSIT's terms: nocentdocent's, scaled by the
     * ratio of the two sources' OpsDB I/O per agent. */
    double msit_opsdb = (MSIT_DATA + MSIT_LOG + MSIT_TEMPDB) / MSIT_AGENTS;
    double ncd_opsdb = NCD_OPSDB / NCD_AGENTS;
    double dw = NCD_DW / NCD_AGENTS * (p == RM_IO_MSIT ? msit_opsdb / ncd_opsdb : 1.0);
    c->read_agent[RM_DISK_DW_DATA] = NCD_DW_READ * dw;
    c->write_byte[RM_DISK_DW_DATA] = (1 - NCD_DW_READ) * dw / B;
    if (p == RM_IO_MSIT) {
      double data = (MSIT_DATA + MSIT_TEMPDB) / MSIT_AGENTS;
      c->read_agent[RM_DISK_OPSDB_DATA] = 0.5 * data;
      c->write_byte[RM_DISK_OPSDB_DATA] = 0.5 * data / B;
    } else {
      c->read_agent[RM_DISK_OPSDB_DATA] = NCD_OPSDB_READ * ncd_opsdb;
      c->write_byte[RM_DISK_OPSDB_DATA] = (1 - NCD_OPSDB_READ) * ncd_opsdb / B;
    }
    break;
  }
  case RM_HW_WEB:
  default:
    c->memory_base = 1 * GB;
    break;
  }
}

/* SQL Server's page: a log's bytes on a data group's disks are I/Os of
 * this size. */
#define PAGE 8192.0

/* The group that holds g's I/O on m: g, or the system disks when m has
 * none for g. */
static rm_disk_group on(const rm_hw_model *m, int g) {
  return m->disks[g].count > 0 ? (rm_disk_group)g : RM_DISK_SYSTEM;
}

/* What one unit of group g's writes costs group h (where they land):
 * bytes logged on a data group are I/Os of a page. */
static double write_unit(int g, rm_disk_group h) { return rm_disk_is_log(g) && !rm_disk_is_log(h) ? 1 / PAGE : 1; }

void rm_hw_demand_of(const rm_hw_costs *c, const rm_hw_model *m, double agents, double bytes, rm_hw_demand *d) {
  memset(d, 0, sizeof *d);
  d->cpu = c->cpu_agent * agents + c->cpu_byte * bytes;
  d->reads[RM_DISK_SYSTEM] = c->base_read;
  d->writes[RM_DISK_SYSTEM] = c->base_write;
  for (int g = 0; g < RM_DISK_GROUPS; g++) {
    rm_disk_group h = on(m, g);
    d->reads[h] += c->read_agent[g] * agents + c->read_byte[g] * bytes;
    d->writes[h] += (c->write_agent[g] * agents + c->write_byte[g] * bytes) * write_unit(g, h);
  }
}

/* Group h's load under reads r and writes w. */
static double group_load(const rm_disks *d, int h, double r, double w) {
  if (d->count <= 0) return 0;
  if (rm_disk_is_log(h)) return w / rm_disks_seq(d);
  return rm_disks_load(d, r, w);
}

void rm_hw_utilization(const rm_hw_model *m, const rm_hw_demand *d, double *cpu, double *disk,
                       double disk_util[RM_DISK_GROUPS]) {
  *cpu = m->processors > 0 ? d->cpu / m->processors : 0;
  *disk = 0;
  for (int g = 0; g < RM_DISK_GROUPS; g++) {
    double u = group_load(&m->disks[g], g, d->reads[g], d->writes[g]);
    if (disk_util) disk_util[g] = u;
    if (u > *disk) *disk = u;
  }
}

double rm_hw_byte_rate(const rm_hw_costs *c, const rm_hw_model *m, const rm_hw_demand *bg, rm_resource *bottleneck,
                       rm_disk_group *group) {
  double best = HUGE_VAL, idle = HUGE_VAL;
  rm_resource res = RM_RES_CPU;
  rm_disk_group grp = RM_DISK_SYSTEM;
  if (c->cpu_byte > 0 && m->processors > 0) {
    best = (m->processors - bg->cpu) / c->cpu_byte;
    idle = m->processors / c->cpu_byte;
  }
  /* Each disk group: a byte's share of its load, and the background's. */
  rm_hw_demand one;
  memset(&one, 0, sizeof one);
  for (int g = 0; g < RM_DISK_GROUPS; g++) {
    rm_disk_group h = on(m, g);
    one.reads[h] += c->read_byte[g];
    one.writes[h] += c->write_byte[g] * write_unit(g, h);
  }
  for (int h = 0; h < RM_DISK_GROUPS; h++) {
    const rm_disks *d = &m->disks[h];
    double per_byte = group_load(d, h, one.reads[h], one.writes[h]);
    if (per_byte <= 0) continue;
    double used = group_load(d, h, bg->reads[h], bg->writes[h]);
    double left = (1 - used) / per_byte, all = 1 / per_byte;
    if (all < idle) idle = all;
    if (left < best) best = left, res = RM_RES_DISK, grp = (rm_disk_group)h;
  }
  if (best < RM_HW_MIN_SHARE * idle) best = RM_HW_MIN_SHARE * idle;
  if (bottleneck) *bottleneck = res;
  if (group) *group = grp;
  return best;
}
