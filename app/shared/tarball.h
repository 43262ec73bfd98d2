/* A folder as one .tar file (POSIX ustar): how a browser page hands over
 * an exported folder as a single download, and a handy single file to
 * send anywhere. Regular files and folders only; names up to 255 bytes. */
#ifndef DP_TARBALL_H
#define DP_TARBALL_H

/* Writes every file under DIR (recursively, sorted by name) into TAR_PATH,
 * atomically, each named "BASE/relative/path" where BASE is DIR's last
 * component. 0, or -1 with dp_error(). */
int app_tar_folder(const char *dir, const char *tar_path);

#endif
