/* Hardware: the disk arithmetic, the costs' calibration against their
 * sources, the bytes a server can take in, and the `hardware:` section. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "rm_hw.h"
#include "rm_scenario.h"

#define B RM_HW_REF_BYTES_PER_AGENT

static rm_hw_spec hw;
static void setup(void) { cr_assert_eq(rm_hw_default(&hw), 0); }
static void teardown(void) { rm_hw_free(&hw); }

static const rm_hw_model *model(const char *name) {
  int64_t i = rm_index_get(&hw.model_index, name);
  cr_assert_geq(i, 0, "no model %s", name);
  return &hw.models[i];
}

/* Utilization of role r on model m with agents and their data. */
static void util(rm_hw_role r, rm_io_profile p, const rm_hw_model *m, double agents, double *cpu, double *disk,
                 double groups[RM_DISK_GROUPS]) {
  rm_hw_costs c;
  rm_hw_demand d;
  rm_hw_costs_of(r, p, &c);
  rm_hw_demand_of(&c, m, agents, agents * B, &d);
  rm_hw_utilization(m, &d, cpu, disk, groups);
}

/* Almquist (2009): RAID 1 and 10 writes cost 2 disk I/Os, RAID 5 4. */
Test(hw, raid_arithmetic, .init = setup, .fini = teardown) {
  rm_disks r10 = {4, 125, 60e6, 10}, r5 = {4, 125, 60e6, 5}, r0 = {3, 175, 80e6, 0};
  cr_assert_eq(rm_raid_write_cost(10), 2);
  cr_assert_eq(rm_raid_write_cost(1), 2);
  cr_assert_eq(rm_raid_write_cost(5), 4);
  cr_assert_eq(rm_raid_write_cost(0), 1);
  /* 500 back-end I/Os; half reads: 250 / (0.5 + 0.5 x 2) = 333 front-end. */
  cr_assert_float_eq(rm_disks_iops(&r10, 0.5), 500 / 1.5, 1e-9);
  cr_assert_float_eq(rm_disks_iops(&r5, 0.5), 500 / 2.5, 1e-9);
  cr_assert_float_eq(rm_disks_iops(&r0, 0.0), 525, 1e-9);
  /* 100 reads and 100 writes on the RAID 10: 300 of 500. */
  cr_assert_float_eq(rm_disks_load(&r10, 100, 100), 0.6, 1e-12);
  cr_assert_float_eq(rm_disks_load(&r5, 100, 100), 1.0, 1e-12);
  /* Sequential: the mirror halves RAID 10, RAID 5 loses a disk. */
  cr_assert_float_eq(rm_disks_seq(&r10), 120e6, 1e-3);
  cr_assert_float_eq(rm_disks_seq(&r5), 180e6, 1e-3);
  cr_assert_float_eq(rm_disks_seq(&r0), 240e6, 1e-3);
}

/* xplatxperts: ms-standard holds about 2500 agents: its processors and
 * disks are at 75 % there (the calibration), 60 % processor at the
 * guide's 2000. */
Test(hw, management_server_calibration, .init = setup, .fini = teardown) {
  const rm_hw_model *m = model("ms-standard");
  cr_assert_eq(m->processors, 4);
  cr_assert_eq(m->memory, 8LL << 30);
  cr_assert_eq(m->disks[RM_DISK_SYSTEM].count, 4);
  cr_assert_eq(m->disks[RM_DISK_SYSTEM].raid, 10);
  double cpu, disk;
  util(RM_HW_MS, RM_IO_MSIT, m, 2500, &cpu, &disk, NULL);
  cr_assert_float_eq(cpu, 0.75, 1e-9);
  cr_assert_float_eq(disk, 0.75, 1e-9);
  util(RM_HW_MS, RM_IO_MSIT, m, 2000, &cpu, &disk, NULL);
  cr_assert_float_eq(cpu, 0.60, 1e-9);
  /* The operating system's 100 I/Os (80 % reads) cost 120 of 500; the
   * agents 255 x 2000 / 2500. */
  cr_assert_float_eq(disk, (120 + 255 * 0.8) / 500, 1e-9);
  /* Half the processors: over 100 % at 2000 agents. */
  rm_hw_model half = *m;
  half.processors = 2;
  util(RM_HW_MS, RM_IO_MSIT, &half, 2000, &cpu, &disk, NULL);
  cr_assert_float_eq(cpu, 1.2, 1e-9);
}

/* MSIT: the OpsDB server at about 19 % processor for 3500 agents; its
 * OpsDB data disks see 50 transfers a second (data and TempDB) and its
 * log 0.6 MB/s. nocentdocent: 450 OpsDB I/Os a second for 650 agents,
 * half reads; the data warehouse 1100, 70 % reads. */
Test(hw, sql_profiles_reproduce_their_sources, .init = setup, .fini = teardown) {
  rm_hw_costs c;
  rm_hw_demand d;
  rm_hw_model m = *model("sql-standard");
  rm_hw_costs_of(RM_HW_SQL, RM_IO_MSIT, &c);
  rm_hw_demand_of(&c, &m, 3500, 3500 * B, &d);
  cr_assert_float_eq(d.cpu / 4, 0.19, 1e-9);
  cr_assert_float_eq(d.reads[RM_DISK_OPSDB_DATA] + d.writes[RM_DISK_OPSDB_DATA], 50, 1e-9);
  cr_assert_float_eq(d.writes[RM_DISK_OPSDB_LOG], 0.6 * 1048576, 1e-6);
  rm_hw_costs_of(RM_HW_SQL, RM_IO_NOCENTDOCENT, &c);
  rm_hw_demand_of(&c, &m, 650, 650 * B, &d);
  cr_assert_float_eq(d.reads[RM_DISK_OPSDB_DATA] + d.writes[RM_DISK_OPSDB_DATA], 450, 1e-9);
  cr_assert_float_eq(d.reads[RM_DISK_OPSDB_DATA], 225, 1e-9);
  cr_assert_float_eq(d.reads[RM_DISK_DW_DATA] + d.writes[RM_DISK_DW_DATA], 1100, 1e-9);
  cr_assert_float_eq(d.reads[RM_DISK_DW_DATA], 770, 1e-9);
  /* The two differ by about 10x per agent: MSIT's data warehouse is
   * nocentdocent's scaled by the OpsDB ratio, (212 / 3500) / (450 / 650). */
  rm_hw_demand msit;
  rm_hw_costs_of(RM_HW_SQL, RM_IO_MSIT, &c);
  rm_hw_demand_of(&c, &m, 650, 650 * B, &msit);
  double ratio = (d.reads[RM_DISK_DW_DATA] + d.writes[RM_DISK_DW_DATA]) /
                 (msit.reads[RM_DISK_DW_DATA] + msit.writes[RM_DISK_DW_DATA]);
  cr_assert_float_eq(ratio, (450.0 / 650) / (212.0 / 3500), 1e-9);
  cr_assert(ratio > 10 && ratio < 12, "%g", ratio);
}

/* A model without a group puts its I/O on the system disks: a SQL node
 * with only system disks carries the databases there (the log's bytes as
 * 8 KB pages). */
Test(hw, missing_groups_load_the_system_disks, .init = setup, .fini = teardown) {
  rm_hw_model m = *model("sql-standard");
  for (int g = 1; g < RM_DISK_GROUPS; g++) m.disks[g].count = 0;
  rm_hw_costs c;
  rm_hw_demand d;
  rm_hw_costs_of(RM_HW_SQL, RM_IO_MSIT, &c);
  rm_hw_demand_of(&c, &m, 3500, 3500 * B, &d);
  for (int g = 1; g < RM_DISK_GROUPS; g++) cr_assert_eq(d.reads[g] + d.writes[g], 0);
  double log_ios = 2 * 0.6 * 1048576 / 8192; /* both databases' logs */
  double dw = 1100.0 / 650 * (212.0 / 3500) / (450.0 / 650) * 3500;
  cr_assert_float_eq(d.reads[RM_DISK_SYSTEM] + d.writes[RM_DISK_SYSTEM], 100 + 50 + log_ios + dw, 1e-6);
}

/* The bytes a second a server takes in: its bottleneck's leftover over a
 * byte's cost; the floor keeps a server over its capacity crawling. */
Test(hw, byte_rate_is_the_bottlenecks, .init = setup, .fini = teardown) {
  const rm_hw_model *m = model("gateway-standard");
  rm_hw_costs c;
  rm_hw_demand bg;
  rm_hw_costs_of(RM_HW_GATEWAY, RM_IO_MSIT, &c);
  rm_hw_demand_of(&c, m, 600, 0, &bg);
  rm_resource res;
  rm_disk_group grp;
  double rate = rm_hw_byte_rate(&c, m, &bg, &res, &grp);
  /* Disks: 250 back-end I/Os, the OS's 120 and 40 % of the agents' share
   * (0.0523 I/Os a second per agent, 1.95 back-end each); a byte costs the
   * other 60 % of an agent's over B. */
  double io_agent = (0.75 * 500 - 120) / 1.95 / 2500;
  double used = 120 + 600 * 0.4 * io_agent * 1.95;
  double per_byte = 0.6 * 1.95 * io_agent / B / 250;
  cr_assert_eq(res, RM_RES_DISK);
  cr_assert_eq(grp, RM_DISK_SYSTEM);
  cr_assert_float_eq(rate, (1 - used / 250) / per_byte, 1e-6);
  /* The processors: (2 - 600 x 0.4 x 0.0012) / (0.6 x 0.0012 / B). */
  double cpu_rate = (2 - 600 * 0.4 * 0.0012) / (0.6 * 0.0012 / B);
  cr_assert_gt(cpu_rate, rate);
  /* 5000 agents' background takes more than the processors (2.4 of 2) and
   * the disks (324 of 250 back-end I/Os) have: the floor, and the disks,
   * the further over, are named. */
  rm_hw_demand_of(&c, m, 5000, 0, &bg);
  rate = rm_hw_byte_rate(&c, m, &bg, &res, &grp);
  double idle_cpu = 2 / (0.6 * 0.0012 / B), idle_disk = 1 / per_byte;
  cr_assert_float_eq(rate, RM_HW_MIN_SHARE * fmin(idle_cpu, idle_disk), 1e-6);
  cr_assert_eq(res, RM_RES_DISK);
}

/* ---- the scenario's hardware: section ---- */

static char err[1024];
#define BASE                                                                                                       \
  "name: t\nduration: 1h\nmanagement_servers: {count: 2}\ngateways: {count: 2}\n"                                  \
  "customers:\n  - {count: 2, servers: 10, clients: 90}\n"

static int parse(rm_scenario *sc, const char *text) {
  err[0] = '\0';
  return rm_scenario_parse(sc, "t.yaml", text, strlen(text), err, sizeof err);
}

static void fails(const char *text, const char *where, const char *what) {
  rm_scenario sc;
  cr_assert_eq(parse(&sc, text), -1, "accepted: %s", text);
  cr_assert(strncmp(err, where, strlen(where)) == 0, "want '%s...', got '%s'", where, err);
  cr_assert(strstr(err, what), "want '%s' in '%s'", what, err);
}

Test(hw, scenario_defaults) {
  rm_scenario sc;
  cr_assert_eq(parse(&sc, BASE), 0, "%s", err);
  cr_assert_str_eq(rm_hw_of(&sc.hw, RM_HW_MS, "ms-1")->name, "ms-standard");
  cr_assert_str_eq(rm_hw_of(&sc.hw, RM_HW_GATEWAY, "gw-1")->name, "gateway-standard");
  cr_assert_str_eq(rm_hw_of(&sc.hw, RM_HW_SQL, "sql-1")->name, "sql-standard");
  cr_assert_eq(sc.hw.profile, RM_IO_MSIT);
  cr_assert_float_eq(sc.hw.threshold[RM_RES_CPU], 0.75, 1e-12);
  rm_scenario_free(&sc);
}

Test(hw, scenario_models_roles_and_servers) {
  rm_scenario sc;
  cr_assert_eq(parse(&sc, BASE "hardware:\n"
                               "  io_profile: nocentdocent\n"
                               "  thresholds: {cpu: 60%, disk: 0.7}\n"
                               "  models:\n"
                               "    - {name: half-ms, like: ms-standard, processors: 2}\n"
                               "    - name: fast\n"
                               "      processors: 16\n"
                               "      memory: 64GB\n"
                               "      network: 10Gbit/s\n"
                               "      disks: {system: {count: 6, iops: 300, raid: 5}, opsdb_log: {count: 2, rpm: 15000, raid: 1}}\n"
                               "  management_server: half-ms\n"
                               "  servers: {ms-2: fast, cust-1: fast, sql-2: fast}\n"),
               0, "%s", err);
  const rm_hw_model *h = rm_hw_of(&sc.hw, RM_HW_MS, "ms-1"), *f = rm_hw_of(&sc.hw, RM_HW_MS, "ms-2");
  cr_assert_str_eq(h->name, "half-ms");
  cr_assert_eq(h->processors, 2);
  cr_assert_eq(h->memory, 8LL << 30, "the rest is ms-standard's");
  cr_assert_eq(h->disks[RM_DISK_SYSTEM].count, 4);
  cr_assert_str_eq(f->name, "fast");
  cr_assert_eq(f->memory, 64LL << 30);
  cr_assert_float_eq(f->network, 10e9 / 8, 1e-3);
  cr_assert_eq(f->disks[RM_DISK_SYSTEM].raid, 5);
  cr_assert_float_eq(f->disks[RM_DISK_SYSTEM].iops, 300, 1e-12);
  cr_assert_float_eq(f->disks[RM_DISK_OPSDB_LOG].bandwidth, 80 * 1048576.0, 1e-6);
  cr_assert_str_eq(rm_hw_of(&sc.hw, RM_HW_ESSENTIALS, "cust-1")->name, "fast");
  cr_assert_str_eq(rm_hw_of(&sc.hw, RM_HW_ESSENTIALS, "cust-2")->name, "essentials-standard");
  cr_assert_str_eq(rm_hw_of(&sc.hw, RM_HW_SQL, "sql-1")->name, "sql-standard");
  cr_assert_str_eq(rm_hw_of(&sc.hw, RM_HW_SQL, "sql-2")->name, "fast");
  cr_assert_eq(sc.hw.profile, RM_IO_NOCENTDOCENT);
  cr_assert_float_eq(sc.hw.threshold[RM_RES_CPU], 0.60, 1e-12);
  cr_assert_float_eq(sc.hw.threshold[RM_RES_DISK], 0.70, 1e-12);
  cr_assert_float_eq(sc.hw.threshold[RM_RES_MEMORY], 0.90, 1e-12);
  rm_scenario_free(&sc);
}

Test(hw, scenario_errors_name_the_place) {
  fails(BASE "hardware: {io_profile: fast}\n", "t.yaml:7:24:", "io_profile must be msit or nocentdocent");
  fails(BASE "hardware: {gateway: huge}\n", "t.yaml:7:21:", "no hardware model is named 'huge'");
  fails(BASE "hardware:\n  models: [{name: x, like: nothing}]\n", "t.yaml:8:28:", "like: no hardware model");
  fails(BASE "hardware:\n  models: [{name: x, processors: 2}]\n", "t.yaml:8:12:", "needs memory");
  fails(BASE "hardware:\n  models: [{name: ms-standard, like: ms-standard}]\n", "t.yaml:8:19:", "defined twice");
  fails(BASE "hardware:\n  models: [{name: x, like: ms-standard, disks: {system: {count: 3, rpm: 10000, raid: 10}}}]\n",
        "t.yaml:8:57:", "RAID 10 needs an even number of disks, not 3");
  fails(BASE "hardware:\n  models: [{name: x, like: ms-standard, disks: {system: {count: 4, rpm: 7200}}}]\n",
        "t.yaml:8:73:", "rpm must be 10000 or 15000");
  fails(BASE "hardware:\n  models: [{name: x, like: ms-standard, disks: {dw_log: {count: 2, iops: 200, raid: 1}}}]\n",
        "t.yaml:8:57:", "a log is written in sequence");
  fails(BASE "hardware:\n  models: [{name: x, like: ms-standard, disks: {san: {count: 2}}}]\n", "t.yaml:8:",
        "san");
  fails(BASE "hardware: {servers: {gw-9: ms-standard}}\n", "t.yaml:7:22:", "no server of the scenario has this name");
  fails(BASE "hardware: {servers: {cust-1/srv-1: ms-standard}}\n", "t.yaml:7:22:", "an agent has no hardware");
  fails(BASE "hardware: {servers: {sql: ms-standard}}\n", "t.yaml:7:22:", "a cluster runs on its nodes");
  fails(BASE "hardware: {servers: {ms-1: ms-standard, ms-1: x}}\n", "t.yaml:7:", "ms-1");
  fails(BASE "hardware: {thresholds: {cpu: 150%}}\n", "t.yaml:7:30:", "at most 100%");
  fails(BASE "hardware: {thresholds: {cpu: 0}}\n", "t.yaml:7:30:", "above 0");
}
