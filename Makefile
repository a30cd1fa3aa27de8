# dhcpfo — GNU Make build.
#
#   make              build daemons, dhcpfoctl and the unit tests
#   make test         unit tests, then the end-to-end suite (needs root)
#   make unit         unit tests only
#   make sanitize     rebuild everything under ASan+UBSan into build-san/
#   make man          the manual pages into build/man/ (docs/man/README)
#   make install      PREFIX=/usr/local DESTDIR= (and the *DIR variables
#                     below); make uninstall removes what it installed
#   make deb          Debian packages into build/deb/ (debian/)
#
# Layout (docs/architecture.md): common/ holds what both daemons use, by
# layer (util, config, store, proto, net, dhcp); primary/ and failover/
# each daemon's own code; snmp/ the sub-agent beside its MIB.  common/ and
# snmp/ go into libdhcpfo.a; each program links only the objects it uses
# from it.  Each tests/unit/test_NAME.c is one cmocka program and may link
# any object of the tree (tests/unit/test_NAME.mk).

PREFIX  ?= /usr/local
DESTDIR ?=
# Where `make install` puts things.  The configuration goes to /etc for
# PREFIX=/usr, else under PREFIX; the units and the sysusers file where
# systemd looks for PREFIX's (/usr/local/lib/systemd/system ...).
BINDIR        ?= $(PREFIX)/bin
SBINDIR       ?= $(PREFIX)/sbin
SYSCONFDIR    ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
MANDIR        ?= $(PREFIX)/share/man
DOCDIR        ?= $(PREFIX)/share/doc/dhcpfo
MIBDIR        ?= $(PREFIX)/share/snmp/mibs
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR   ?= $(PREFIX)/lib/sysusers.d
BUILD   ?= build
SAN     ?=

CC      ?= cc
PKGS     = libev
# Headers by layer; a daemon's own headers are found beside its sources.
COMMON_DIRS := common/util common/config common/store common/proto \
               common/net common/dhcp
# libmicrohttpd serves MetricsListen (common/util/metrics_http.c).
MHD_CFLAGS := $(shell pkg-config --cflags libmicrohttpd)
MHD_LIBS   := $(shell pkg-config --libs libmicrohttpd)
CPPFLAGS += -D_GNU_SOURCE $(COMMON_DIRS:%=-I%) -Isnmp \
            -I/usr/include/iniparser $(MHD_CFLAGS)
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -Wall -Wextra -Werror -Wformat=2 -Wshadow -Wpointer-arith \
           -Wstrict-prototypes -Wmissing-prototypes -fno-strict-aliasing
ifeq ($(FUZZ),1)
CPPFLAGS += -DFUZZ_LIBFUZZER
CFLAGS  += -fsanitize=fuzzer-no-link
LDFLAGS += -fsanitize=fuzzer
endif
ifeq ($(SAN),1)
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
endif
LDLIBS_COMMON = -ldb-5.3 -liniparser -lcrypto -lcap -lev -lpthread -lnetsnmpagent -lnetsnmp \
                $(MHD_LIBS)

COMMON_SRC  := $(sort $(wildcard $(COMMON_DIRS:%=%/*.c) snmp/*.c))
COMMON_OBJ  := $(COMMON_SRC:%.c=$(BUILD)/obj/%.o)
PRIMARY_SRC := $(sort $(wildcard primary/*.c))
PRIMARY_OBJ := $(PRIMARY_SRC:%.c=$(BUILD)/obj/%.o)
FAILOVER_SRC := $(sort $(wildcard failover/*.c))
FAILOVER_OBJ := $(FAILOVER_SRC:%.c=$(BUILD)/obj/%.o)
CTL_SRC     := $(sort $(wildcard ctl/*.c))
CTL_OBJ     := $(CTL_SRC:%.c=$(BUILD)/obj/%.o)
UNIT_SRC    := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN    := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/unit/%)
FUZZ_SRC    := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN    := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)
# tests/tools/dbfault.c (also an object unit tests link) and
# tests/tools/clockshift.c are preloadable shared objects, not programs.
TOOL_SO     := dbfault clockshift
TOOL_SRC    := $(filter-out $(TOOL_SO:%=tests/tools/%.c),$(sort $(wildcard tests/tools/*.c)))
TOOL_BIN    := $(TOOL_SRC:tests/tools/%.c=$(BUILD)/tools/%) \
               $(TOOL_SO:%=$(BUILD)/tools/%.so)
# Manual pages: docs/man/PAGE.in -> $(BUILD)/man/PAGE (dhcpfo-primary.8,
# dhcpfo-primary.ini.5, ...); `install` puts each into its section.
MAN_SRC     := $(sort $(wildcard docs/man/*.in))
MAN_PAGES   := $(MAN_SRC:docs/man/%.in=$(BUILD)/man/%)

LIB := $(BUILD)/libdhcpfo.a
.SECONDEXPANSION:
.SECONDARY:
# Objects by source name, wherever the source lives (names are unique
# across common/, snmp/, primary/, failover/ and ctl/; main.c and
# dhcpfoctl.c are never linked into a test).
ALL_SRC     := $(COMMON_SRC) $(PRIMARY_SRC) $(FAILOVER_SRC) $(CTL_SRC)
obj_named   = $(patsubst %.c,$(BUILD)/obj/%.o,$(filter %/$(1).c,$(ALL_SRC)))
common_objs = $(foreach n,$($1),$(call obj_named,$n))
BINS := $(BUILD)/dhcpfo-primary $(BUILD)/dhcpfoctl
ifneq ($(wildcard failover/main.c),)
BINS += $(BUILD)/dhcpfo-failover
endif

.PHONY: all progs unit test e2e sanitize install uninstall deb clean fuzz \
        check-config man
all: $(BINS) $(UNIT_BIN) $(FUZZ_BIN) $(TOOL_BIN) man
# What is installed: the daemons and dhcpfoctl (no tests, no cmocka).
progs: $(BINS)

# Test tools link the whole library, and leasedump the primary.ini loader
# (primary/pr_config.c), which only the primary has.
$(BUILD)/tools/leasedump: $(call obj_named,pr_config)

# `make V=1` shows full command lines.
Q = $(if $(V),,@)
$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(LIB): $(COMMON_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/dhcpfo-primary: $(PRIMARY_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(PRIMARY_OBJ) $(LIB) $(LDLIBS_COMMON)

$(BUILD)/dhcpfo-failover: $(FAILOVER_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(FAILOVER_OBJ) $(LIB) $(LDLIBS_COMMON)

CTL_LIBOBJ := $(foreach n,control ctl_cmdline ctl_peer strbuf log lease_text lease dhcp_codec,$(call obj_named,$n))
$(BUILD)/dhcpfoctl: $(CTL_OBJ) $(CTL_LIBOBJ)
	$(CC) $(LDFLAGS) -o $@ $^ -lev

# Each unit test links only the modules it tests: tests/unit/test_NAME.mk
# sets UNIT_OBJS_test_NAME (source names without the extension, from any
# folder: common/, snmp/, primary/, failover/, ctl/).
# Tests may include a daemon's (or dhcpfoctl's) own headers.
$(BUILD)/obj/tests/%.o: CPPFLAGS += -Iprimary -Ifailover -Ictl
-include $(wildcard tests/unit/*.mk)
$(BUILD)/unit/%: $(BUILD)/obj/tests/unit/%.o $$(call common_objs,UNIT_OBJS_$$*)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ -lcmocka $(LDLIBS_COMMON)

# Fuzz targets build as plain programs that replay files given on the
# command line (tests/fuzz/driver.c); `make fuzz` builds them for libFuzzer.
# tests/fuzz/fuzz_NAME.mk sets FUZZ_OBJS_fuzz_NAME like the unit tests.
-include $(wildcard tests/fuzz/*.mk)
$(BUILD)/fuzz/%: $(BUILD)/obj/tests/fuzz/%.o $(BUILD)/obj/tests/fuzz/driver.o $$(call common_objs,FUZZ_OBJS_$$*)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_COMMON)

$(BUILD)/obj/tests/fuzz/driver.o: tests/fuzz/driver.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/tools/%: $(BUILD)/obj/tests/tools/%.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LIB) $(LDLIBS_COMMON)

# LD_PRELOAD into a daemon: never sanitized itself (ASan wants its own
# runtime first; see the top of dbfault.c).
$(BUILD)/tools/dbfault.so: tests/tools/dbfault.c tests/tools/dbfault.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(filter-out -fsanitize%,$(CFLAGS)) -fPIC -shared \
	    -o $@ $< -ldl -lpthread

$(BUILD)/tools/clockshift.so: tests/tools/clockshift.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(filter-out -fsanitize%,$(CFLAGS)) -fPIC -shared \
	    -o $@ $< -ldl

# The pages: mkman fills each source's key lists from the tables the
# daemons load their files with, and its version from version.h.
man: $(MAN_PAGES)

$(BUILD)/obj/docs/%.o: CPPFLAGS += -Ifailover
$(BUILD)/mkman: $(BUILD)/obj/docs/man/mkman.o $(call obj_named,pr_config) \
    $(call obj_named,fod_config) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LIB) $(LDLIBS_COMMON)

$(BUILD)/man/%: docs/man/%.in $(BUILD)/mkman
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  MKMAN   $<")
	$(Q)$(BUILD)/mkman $< >$@.tmp && mv $@.tmp $@

# tests/unit/test_manpages.c reads the pages of its own build.
$(BUILD)/unit/test_manpages: | $(MAN_PAGES)

unit: $(UNIT_BIN)
	@sh tests/run-unit.sh $(UNIT_BIN)

test: all
	@sh tests/run-all.sh

sanitize:
	$(MAKE) BUILD=build-san SAN=1 all

# libFuzzer builds of the fuzz targets (needs clang): build-fuzz/fuzz/fuzz_*
fuzz:
	$(MAKE) BUILD=build-fuzz CC=clang SAN=1 FUZZ=1 \
	    $(FUZZ_BIN:$(BUILD)/%=build-fuzz/%)

# -t on the samples as this host would run them: its address, interface,
# a key and temporary directories in place of the site's.
check-config: $(BINS)
	@for f in etc/primary*.ini etc/failover*.ini; do \
	    sh tests/tools/sample_check.sh $(BUILD) $$f || exit 1; done

# Installed files, relative to DESTDIR.  The configuration is installed
# only where none exists (never over an operator's file) and never
# uninstalled; it is etc/*.ini with the control socket given to the group
# dhcpfo, which the sysusers file creates.
UNITS     := dhcpfo-primary.service dhcpfo-failover.service
DOCS      := README.md LICENSE $(wildcard docs/*.md)
EXAMPLES  := $(wildcard etc/*.ini) etc/snmpd.conf etc/grafana-dhcpfo-failover.json
INSTALLED := $(SBINDIR)/dhcpfo-primary $(SBINDIR)/dhcpfo-failover \
             $(BINDIR)/dhcpfoctl $(MIBDIR)/DHCPFO-MIB.txt \
             $(UNITS:%=$(SYSTEMDUNITDIR)/%) $(SYSUSERSDIR)/dhcpfo.conf \
             $(foreach p,$(MAN_PAGES),$(MANDIR)/man$(subst .,,$(suffix $p))/$(notdir $p)) \
             $(DOCS:%=$(DOCDIR)/%) $(EXAMPLES:etc/%=$(DOCDIR)/examples/%)

install: $(BINS) $(MAN_PAGES)
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) \
	    $(DESTDIR)$(MIBDIR) $(DESTDIR)$(SYSTEMDUNITDIR) \
	    $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(DOCDIR)/docs \
	    $(DESTDIR)$(DOCDIR)/examples $(DESTDIR)$(SYSCONFDIR)/dhcpfo \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	install -m 0755 $(BUILD)/dhcpfo-primary $(BUILD)/dhcpfo-failover \
	    $(DESTDIR)$(SBINDIR)/
	install -m 0755 $(BUILD)/dhcpfoctl $(DESTDIR)$(BINDIR)/
	install -m 0644 snmp/DHCPFO-MIB.txt $(DESTDIR)$(MIBDIR)/
	for u in $(UNITS); do \
	    sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
	        etc/$$u.in >$(DESTDIR)$(SYSTEMDUNITDIR)/$$u && \
	    chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/$$u || exit 1; done
	install -m 0644 etc/dhcpfo.sysusers $(DESTDIR)$(SYSUSERSDIR)/dhcpfo.conf
	for p in $(MAN_PAGES); do s=$${p##*.}; \
	    install -m 0644 $$p $(DESTDIR)$(MANDIR)/man$$s/ || exit 1; done
	install -m 0644 README.md LICENSE $(DESTDIR)$(DOCDIR)/
	install -m 0644 $(wildcard docs/*.md) $(DESTDIR)$(DOCDIR)/docs/
	install -m 0644 $(EXAMPLES) $(DESTDIR)$(DOCDIR)/examples/
	for d in primary failover; do \
	    f=$(DESTDIR)$(SYSCONFDIR)/dhcpfo/$$d.ini; [ -e $$f ] && continue; \
	    sed 's/^ControlSocketGroup *=.*/ControlSocketGroup = dhcpfo/' \
	        etc/$$d.ini >$$f && chmod 0644 $$f || exit 1; done

uninstall:
	rm -f $(INSTALLED:%=$(DESTDIR)%)
	-rmdir $(DESTDIR)$(DOCDIR)/docs $(DESTDIR)$(DOCDIR)/examples \
	    $(DESTDIR)$(DOCDIR) $(DESTDIR)$(MIBDIR) 2>/dev/null
	@echo "kept: $(DESTDIR)$(SYSCONFDIR)/dhcpfo (configuration and keys)," \
	    "/var/lib/dhcpfo (leases), the user _dhcpfo"

# dpkg-buildpackage in a copy of the tree (never in it: it cleans), so the
# packages land in $(BUILD)/deb/.  lintian runs on them in tests/run-all.sh.
deb:
	rm -rf $(BUILD)/deb && mkdir -p $(BUILD)/deb/src
	tar -cf - --exclude=./.git --exclude='./build*' --exclude=./$(BUILD) . | \
	    tar -C $(BUILD)/deb/src -xf -
	cd $(BUILD)/deb/src && dpkg-buildpackage -us -uc -b
	@ls $(BUILD)/deb/*.deb

clean:
	rm -rf build build-san build-fuzz

-include $(shell find $(BUILD)/obj -name '*.d' -type f 2>/dev/null)
