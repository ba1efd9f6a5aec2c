package main

import (
	"fmt"
	"syscall"
)

// fsType names the file system under dir: fsync on tmpfs costs nothing,
// so the write figures only mean something on a disk.
func fsType(dir string) string {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return "unknown fs"
	}
	switch st.Type {
	case 0xEF53:
		return "ext4"
	case 0x01021994:
		return "tmpfs"
	case 0x9123683E:
		return "btrfs"
	case 0x58465342:
		return "xfs"
	case 0x794C7630:
		return "overlayfs"
	}
	return fmt.Sprintf("fs 0x%x", st.Type)
}
