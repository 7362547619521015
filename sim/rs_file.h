/*
 * rs_file: the files romsim writes.
 *
 * A file romsim writes replaces whatever is under its name, so before any
 * work the name is checked: rs_file_check refuses a name that holds
 * something other than a regular file (a device, a FIFO, a socket or a
 * folder would be destroyed by the replacement), a name that is one of
 * the command's inputs, under whatever name, and a name in a folder that
 * does not exist or cannot be written. Outputs that are folders (CSV
 * files, charts) are checked by rs_file_check_folder.
 *
 * Then the file is written whole: under a temporary name beside the final
 * one, ".NAME.PID.XXXXXX.partial" (PID the writer's process id), renamed to
 * NAME once complete, so a file under its final name is never cut short.
 * While it is written, the writer holds an exclusive flock on the partial
 * file. A writer that is killed leaves its partial file behind, unlocked
 * (the system drops the lock of a process that ends): the next writer of
 * the same NAME removes the partial files of NAME that it can lock, and
 * only those, so a partial file whose writer is alive is never touched
 * (the PID is there for people; a PID can be reused, a lock cannot
 * outlive its holder).
 */
#ifndef RS_FILE_H
#define RS_FILE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Whether path can take a file romsim writes: it does not exist, or it is
 * a regular file (symbolic links are followed) that is none of inputs (a
 * NULL-terminated list, or NULL): the same file is the same device and
 * inode, so a hard link or a symbolic link to an input is one; and its
 * folder exists and can be written. what names the file in the message
 * ("the results file"). Returns 0, or -1 with a message in err that names
 * path (and the input, or the folder).
 */
int rs_file_check(const char *path, const char *what, const char *const *inputs, char *err, size_t errlen);

/*
 * Whether dir can take files romsim writes: it is a folder that can be
 * written, or it does not exist and can be created (its parent is a folder
 * that can be written). Returns 0, or -1 with a message in err.
 */
int rs_file_check_folder(const char *dir, const char *what, char *err, size_t errlen);

/* A file being written whole. */
typedef struct {
  char *path; /* its final name */
  char *tmp;  /* where it is written: .NAME.PID.XXXXXX.partial beside path */
  int fd;     /* open on tmp and holding an exclusive flock on it; -1 when none */
} rs_partial;

/*
 * Remove the stale partial files of path (rs_partial_clean), then create a
 * new one, empty, locked, as readable as any file the user creates. The
 * writer writes tmp (by its name, as SQLite does, or through p->fd), then
 * commits or abandons it. Returns 0, or -1 with a message naming path in
 * err (p is then empty: nothing to abandon).
 */
int rs_partial_open(rs_partial *p, const char *path, char *err, size_t errlen);

/*
 * Rename the partial file to its final name (refused if that name has come
 * to hold something other than a regular file meanwhile) and release it.
 * Returns 0, or -1 with a message in err; the partial file is removed
 * either way.
 */
int rs_partial_commit(rs_partial *p, char *err, size_t errlen);

/* Remove the partial file and release it. Harmless on an empty p. */
void rs_partial_abandon(rs_partial *p);

/*
 * Remove the partial files of path (".NAME.PID.XXXXXX.partial" beside it)
 * that no writer holds: those an exclusive flock can be taken on at once.
 * Returns how many were removed.
 */
int rs_partial_clean(const char *path);

/* Whether name (without a folder) is a partial file's name for base. */
bool rs_partial_name_of(const char *name, const char *base);

#endif
