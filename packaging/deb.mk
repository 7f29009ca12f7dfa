# Debian packages. Included by the top-level Makefile.
#
#   make deb                      build/deb/p2preach_VERSION_amd64.deb (debhelper,
#                                 checked with lintian)
#   make deb-kernel [KCONFIG=F]   the patched kernel as linux-image and
#                                 linux-headers packages, configured from F
#                                 (default /boot/config-$(uname -r)) with
#                                 olddefconfig; hours on 2 cores, not in CI
#
# The test kernel's own linux-image package is built with it, by the same
# bindeb-pkg, and cached next to its bzImage (scripts/build-kernel.sh).

DEB_OUT := $(B)/deb

# The version is the loader's, with the commit's date and hash in a git
# checkout so that a newer build upgrades an older one.
P2PREACH_VERSION := $(shell sed -n 's/^\#define P2PREACH_VERSION "\(.*\)"$$/\1/p' loader/*.[ch] | head -n1)
DEB_GIT := $(shell git log -1 --date=format:%Y%m%d --format=%cd.%h 2>/dev/null)
DEB_VERSION ?= $(P2PREACH_VERSION)$(if $(DEB_GIT),+git$(DEB_GIT))
# Who built it, as dpkg's own tools find it (DEBFULLNAME and DEBEMAIL, or
# DEBEMAIL="Name <address>"); else the last commit's author.
DEB_MAINTAINER ?= $(or $(if $(findstring <,$(DEBEMAIL)),$(DEBEMAIL)),$(if $(and $(DEBFULLNAME),$(DEBEMAIL)),$(DEBFULLNAME) <$(DEBEMAIL)>),$(shell git log -1 --format='%an <%ae>' 2>/dev/null))
# Copyright years: of the first and the last commit.
DEB_YEARS := $(or $(shell git log --format=%cd --date=format:%Y 2>/dev/null | sort -u | \
	awk '{ y[NR] = $$1 } END { if (NR) print (NR > 1 ? y[1] "-" y[NR] : y[1]) }'),$(shell date +%Y))
DEB_DATE := $(shell git log -1 --format=%cD 2>/dev/null || date -R)
DEB := $(DEB_OUT)/p2preach_$(DEB_VERSION)_amd64.deb

.PHONY: deb deb-deps deb-kernel
# debhelper, lintian and dpkg-dev come with `make deps` (scripts/deps.sh).
deb-deps: deps

# bindeb-pkg runs debhelper: the test kernel build needs the tools too.
kernel: deb-deps

# The package is made in a copy of packaging/debian under build/deb/src;
# its rules run `make install DESTDIR=` here (P2PREACH_TOP). lintian must
# report no error or warning (overrides: packaging/debian/*.lintian-overrides,
# each with its reason); its informational notes are shown.
deb: $(B)/p2preach $(BPF_OBJ) $(EXAMPLES) | deb-deps
	@echo "  DEB     $(DEB)"
	$(Q)[ -n "$(P2PREACH_VERSION)" ] || { echo "deb: no P2PREACH_VERSION in loader/" >&2; exit 1; }
	$(Q)[ -n "$(DEB_MAINTAINER)" ] || { echo "deb: who maintains the package? Set DEBFULLNAME and DEBEMAIL" >&2; exit 1; }
	$(Q)rm -rf $(DEB_OUT)/src $(DEB_OUT)/p2preach[_-]* && mkdir -p $(DEB_OUT)/src $(B)/logs
	$(Q)cp -r packaging/debian $(DEB_OUT)/src/debian
	$(Q)sed -i 's|@MAINTAINER@|$(DEB_MAINTAINER)|' $(DEB_OUT)/src/debian/control
	$(Q)sed -i 's|@YEARS@|$(DEB_YEARS)|' $(DEB_OUT)/src/debian/copyright
	$(Q)printf '%s\n' "p2preach ($(DEB_VERSION)) bookworm; urgency=medium" "" \
		"  * Built by make deb from $(if $(DEB_GIT),commit $(lastword $(subst ., ,$(DEB_GIT))),a source tree)." "" \
		" -- $(DEB_MAINTAINER)  $(DEB_DATE)" >$(DEB_OUT)/src/debian/changelog
	$(Q)cd $(DEB_OUT)/src && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
		P2PREACH_TOP=$(CURDIR) SOURCE_DATE_EPOCH=$$(git log -1 --format=%ct 2>/dev/null || date +%s) \
		dpkg-buildpackage --build=binary --unsigned-changes --no-sign \
		>$(CURDIR)/$(B)/logs/deb.log 2>&1 || { \
		echo "deb: dpkg-buildpackage failed; last lines of $(B)/logs/deb.log:" >&2; \
		tail -n 30 $(CURDIR)/$(B)/logs/deb.log >&2; exit 1; }
	$(Q)[ -f $(DEB) ] || { echo "deb: $(DEB) was not made (log: $(B)/logs/deb.log)" >&2; exit 1; }
	@echo "  LINT    $(DEB)"
	$(Q)lintian --fail-on error,warning --display-info --tag-display-limit 0 \
		$(DEB_OUT)/p2preach_$(DEB_VERSION)_amd64.changes >$(B)/logs/lintian.log 2>&1 || { \
		echo "deb: lintian found errors or warnings ($(B)/logs/lintian.log):" >&2; \
		grep -E '^[EW]: ' $(B)/logs/lintian.log >&2; exit 1; }
	$(Q)grep -E '^I: ' $(B)/logs/lintian.log | sed 's/^/  LINT    note: /' || true

KCONFIG ?= /boot/config-$(shell uname -r)
deb-kernel: deps deb-deps
	$(Q)packaging/deb-kernel.sh $(KCONFIG)

# make clean also drops the packages and t-boot's root filesystem copy.
.PHONY: clean-deb
clean: clean-deb
clean-deb:
	rm -rf $(DEB_OUT) $(B)/boot
