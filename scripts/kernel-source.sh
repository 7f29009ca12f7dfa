# Sourced by the build scripts: which kernel source the series applies to.
# Debian's linux-source-7.3 (trixie-backports; make deps adds that suite).
KERNEL_SOURCE_PKG=linux-source-7.3
KERNEL_TARBALL=${P2PREACH_KERNEL_TARBALL:-/usr/src/$KERNEL_SOURCE_PKG.tar.xz}

# The source package's version, part of every cache key.
kernel_source_version() {
	dpkg-query -W -f='${Version}\n' "$KERNEL_SOURCE_PKG" 2>/dev/null || echo unknown
}

# Unpack the tarball into DIR/src.
kernel_source_unpack() {
	local dir=$1
	tar -xJf "$KERNEL_TARBALL" -C "$dir" &&
		mv "$dir/$KERNEL_SOURCE_PKG" "$dir/src"
}
