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
 */
#ifndef RS_FILE_H
#define RS_FILE_H

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

#endif
