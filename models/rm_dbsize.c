/* rm_dbsize: a groomed database's size (rm_dbsize.h). */
#include "rm_dbsize.h"

#include <stdlib.h>
#include <string.h>

int rm_dbsize_init(rm_dbsize *db, double share, int64_t base, rs_time_t retention, bool grooming, rs_time_t duration) {
  memset(db, 0, sizeof *db);
  db->share = share;
  db->base = base;
  db->retention = retention;
  db->grooming = grooming;
  db->n_days = duration / RS_DAY + 1;
  db->day = calloc((size_t)db->n_days, sizeof *db->day);
  return db->day ? 0 : -1;
}

void rm_dbsize_free(rm_dbsize *db) {
  free(db->day);
  db->day = NULL;
}

void rm_dbsize_add(rm_dbsize *db, rs_time_t t, int64_t bytes) {
  int64_t d = t / RS_DAY;
  if (d >= db->n_days) d = db->n_days - 1; /* the run's last instant */
  db->day[d] += bytes;
  if (d >= db->first) db->kept += bytes;
}

void rm_dbsize_groom(rm_dbsize *db, rs_time_t now) {
  if (!db->grooming) return;
  /* Day d ends at (d + 1) x RS_DAY: gone when that is at or before now - retention. */
  while (db->first < db->n_days && (db->first + 1) * RS_DAY <= now - db->retention) {
    db->kept -= db->day[db->first];
    db->first++;
  }
}

double rm_dbsize_size(const rm_dbsize *db) { return (double)db->base + db->share * (double)db->kept; }

double rm_dbsize_bytes(rm_dbsize *db, rs_time_t t) {
  double size = rm_dbsize_size(db);
  if (size > db->peak) db->peak = size, db->peak_at = t;
  return size;
}
