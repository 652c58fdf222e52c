# librollout: tracked top-level Makefile.
#
# This file is for people.  The build itself is autotools (configure.ac,
# Makefile.am), configured out of tree in $(BUILD), so nothing generated
# ever replaces this file.
#
#   make                 bootstrap, configure and build
#   make check           build and run the tests
#   make check-valgrind  run the tests under valgrind
#   make check-sanitize  run the C tests built with ASan and UBSan (check-asan)
#   make check-long      many random schedules (ROLLOUT_PROP_RUNS, 100000)
#   make fuzz            run each libFuzzer target FUZZ_SECONDS (default 60)
#   make bench           build the benchmark at -O2 and run it (BENCH_SCALE=small)
#   make check-abi       compare the ABI with abi/librollout.abi
#   make update-abi      record the ABI built as the new baseline
#   make distcheck       build and test the release tarball
#   make demo            the seed's walk-throughs on a simulated cluster
#   make install         install under PREFIX (or prefix), into DESTDIR
#   make uninstall       remove what install put there
#   make deps            install the Debian packages everything needs
#   make clean           remove built objects
#   make distclean       remove everything generated

BUILD ?= build
SANITIZE_BUILD ?= build-sanitize
SANITIZE_CFLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all \
                  -fno-omit-frame-pointer -g -O1
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS = -g -O1 -fno-omit-frame-pointer \
              -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
PREFIX ?= /usr/local
prefix ?= $(PREFIX)
DESTDIR ?=
CONFIGURE_FLAGS ?= --enable-werror
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Every Debian package the build, the tests and the tools use.
DEPS = autoconf automake libtool pkg-config make gcc clang \
       libjansson-dev libyaml-dev check python3 valgrind groff-base \
       abigail-tools libclang-rt-14-dev haproxy wrk

.PHONY: all configured check check-valgrind check-sanitize check-asan check-long fuzz fuzz-build \
        bench check-abi update-abi distcheck demo install uninstall clean distclean deps

all: configured
	+$(MAKE) -C $(BUILD) -j$(JOBS)

configure: configure.ac Makefile.am man/Makefile.inc tests/Makefile.inc
	autoreconf -fi

# (Re)configures when the build directory is new or the prefix changed.
configured: configure
	@if [ ! -f $(BUILD)/Makefile ] || \
	    [ "$$(cat $(BUILD)/.prefix 2>/dev/null)" != "$(prefix)" ]; then \
	  mkdir -p $(BUILD) && cd $(BUILD) && \
	  $(CURDIR)/configure --prefix="$(prefix)" $(CONFIGURE_FLAGS) && \
	  echo "$(prefix)" > .prefix; \
	fi

# VERBOSE: a failing test's log is printed, so that CI's output shows it.
check: all
	+$(MAKE) -C $(BUILD) -j$(JOBS) check VERBOSE=1

check-valgrind: all
	+$(MAKE) -C $(BUILD) -j$(JOBS) check-valgrind VERBOSE=1

check-long: all
	+$(MAKE) -C $(BUILD) check-long

# A build of its own, static, instrumented: any report fails the test.
# check-asan is its other name.
check-asan: check-sanitize

check-sanitize: configure
	@if [ ! -f $(SANITIZE_BUILD)/Makefile ]; then \
	  mkdir -p $(SANITIZE_BUILD) && cd $(SANITIZE_BUILD) && \
	  $(CURDIR)/configure --disable-shared $(CONFIGURE_FLAGS) \
	    CFLAGS="$(SANITIZE_CFLAGS)" LDFLAGS="-fsanitize=address,undefined"; \
	fi
	+$(MAKE) -C $(SANITIZE_BUILD) -j$(JOBS) check-programs VERBOSE=1
	+$(MAKE) -C $(SANITIZE_BUILD) check-python-sanitized

# The library instrumented for libFuzzer in a build of its own (clang
# only), the targets of tests/fuzz linked against it.
fuzz-build: configure
	@if [ ! -f $(FUZZ_BUILD)/Makefile ]; then \
	  mkdir -p $(FUZZ_BUILD) && cd $(FUZZ_BUILD) && \
	  $(CURDIR)/configure --disable-shared $(CONFIGURE_FLAGS) CC=clang \
	    CFLAGS="$(FUZZ_CFLAGS)" LDFLAGS="-fsanitize=address,undefined"; \
	fi
	+$(MAKE) -C $(FUZZ_BUILD) -j$(JOBS) lib/librollout.la
	@sh tests/fuzz/run.sh build $(abspath $(FUZZ_BUILD))

# Replays tests/fuzz/regress, then fuzzes each target FUZZ_SECONDS from a
# copy of its corpus; fails on any crash, leaving it in
# $(FUZZ_BUILD)/fuzz-artifacts.
fuzz: fuzz-build
	@sh tests/fuzz/run.sh run $(abspath $(FUZZ_BUILD)) $(FUZZ_SECONDS)

# DESIGN.md's targets, measured (tests/bench/rollout-bench.c) with the
# library built in $(BUILD) at its CFLAGS (-g -O2 by default).  The full
# scale takes minutes and several GiB; BENCH_SCALE=small runs every
# scenario at tiny sizes in seconds, to show that it works.
BENCH_SCALE ?= full
bench: all
	+$(MAKE) -C $(BUILD) bench BENCH_SCALE=$(BENCH_SCALE)

# The library's ABI against abi/librollout.abi (update-abi records it).
check-abi: all
	+$(MAKE) -C $(BUILD) check-abi

update-abi: all
	+$(MAKE) -C $(BUILD) update-abi

# The release tarball builds out of tree, passes its tests, uninstalls.
distcheck: all
	+$(MAKE) -C $(BUILD) distcheck

demo: all
	@sh tools/demo.sh $(CURDIR)/$(BUILD)/tools/rolloutctl/rolloutctl $(CURDIR)/tests/data/seed

install: all
	+$(MAKE) -C $(BUILD) install DESTDIR="$(DESTDIR)"

uninstall: configured
	+$(MAKE) -C $(BUILD) uninstall DESTDIR="$(DESTDIR)"

clean:
	@if [ -f $(BUILD)/Makefile ]; then $(MAKE) -C $(BUILD) clean; fi

distclean:
	rm -rf $(BUILD) $(SANITIZE_BUILD) $(FUZZ_BUILD) autom4te.cache build-aux aclocal.m4 configure configure~ \
	  config.h.in config.h.in~ Makefile.in
	find m4 -name '*.m4' -delete

deps:
	$(SUDO) apt-get update
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y \
	  --no-install-recommends $(DEPS)
