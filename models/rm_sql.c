/*
 * rm_sql: the SQL Server store, a 2-node cluster. Its active node takes
 * in what the management servers write, as its hardware allows (rm_server:
 * the databases' disks, most often); a failover lasts its
 * detection (LooksAlive, 5 s) plus recovery (assumed 60 s), during which
 * the management servers queue.
 */
#include "rm_group.h"

int rm_sql_init(rm_group *g, int64_t *id) {
  if (rm_node_init(g, &g->sql.node, (*id)++, "sql", RM_SQL) ||
      rm_node_init(g, &g->sql.member[0], (*id)++, "sql-1", RM_SQL_NODE) ||
      rm_node_init(g, &g->sql.member[1], (*id)++, "sql-2", RM_SQL_NODE))
    return -1;
  rm_cluster_init(&g->sql, g->p->sql_detection + g->p->sql_recovery);
  return 0;
}
