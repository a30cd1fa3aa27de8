/*
 * Private interface of the configuration loader, shared only by the files
 * of common/config/ (callers use config.h):
 *
 *   ini_scan.c    where each section and key sits (beside iniparser)
 *   cfg_file.c    loading a file: the scan, then iniparser
 *   cfg_msg.c     messages "FILE:LINE: [section] Key = value: ..." and
 *                 the list they are collected in
 *   cfg_value.c   one value of a given type, range-checked
 *   cfg_spec.c    a table of specs applied to a section
 *   cfg_tables.c  the key tables of the sections both files share
 *   cfg_check.c   those sections' checks, alone and against each other
 *   cfg_opts.c    options: [option:NAME] and each section's Option.NAME
 *   cfg_optset.c  option sets, the data the loaders build and replies read
 *   cfg_class.c   [class:NAME] sections and their checks
 *   cfg_scope.c   what primary.ini and a scope file share (the frame of
 *                 a load, the named sections, the checks across them),
 *                 and the scope file's loader
 *   cfg_render.c  a scope written back as INI text (cfg_render.h)
 *   config.c      lookups in a loaded configuration
 */
#ifndef DHCPFO_CFG_INT_H
#define DHCPFO_CFG_INT_H

#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include <iniparser.h>

#include "config.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

#define CFG_MAX_ERRORS	200	/* messages kept; the rest are counted */
#define INI_LINE_MAX	1023	/* iniparser 4.1 ASCIILINESZ, less '\n' */
#define VALUE_SHOW_MAX	120	/* longest value quoted in a message */
#define SHOW_LEN	(VALUE_SHOW_MAX * 4 + 8)	/* cfg_show_value() */
#define SAN_LEN		(VALUE_SHOW_MAX * 4 + 4)	/* cfg_san() */

/* One section header or key line as the scan found it.  section, key
 * and key_orig are one allocation, freed through section. */
struct scan_ent {
	char		*section;	/* lower case, as iniparser keys it */
	char		*key;		/* lower case; NULL for a header */
	char		*key_orig;	/* as written, for messages */
	const char	*value;		/* iniparser's value (keys only) */
	int		 line;		/* first physical line */
	bool		 dup;		/* a repeated header or key */
	size_t		 sid;		/* index into cfg_file.secs */
};

struct scan_sec {
	const char	*name;		/* lower case */
	int		 line;		/* of the first header; 0: none */
	size_t		*keys;		/* indices into ents, file order */
	size_t		 nkeys;
};

struct cfg_file {
	char		*path;
	dictionary	*dict;
	struct config_errors *errs;
	size_t		 nerrors;	/* reported, kept or not */
	struct scan_ent	*ents;		/* file order */
	size_t		 nents, ents_cap;
	struct scan_sec	*secs;		/* sections with a header, in order */
	size_t		 nsecs;
	size_t		*secs_sorted;	/* indices into secs, by name */
	size_t		*keyidx;	/* storage for every scan_sec.keys */
};

/* ini_scan.c */
/* 0; -1 out of memory; -2 the read failed (reported). */
int	cfg_scan_file(struct cfg_file *f, FILE *fp);
/* After iniparser read the file: repeats, agreement, the section index.
 * 0, or -1 when out of memory. */
int	cfg_scan_index(struct cfg_file *f);
const struct scan_sec *cfg_sec_find(const struct cfg_file *f,
	    const char *section);
const struct scan_ent *cfg_key_find(const struct cfg_file *f,
	    const char *section, const char *key);
/* White space off both ends, as iniparser strips lines (in place). */
char	*cfg_strip(char *s);

/* cfg_msg.c */
/* Record msg (malloc'd; NULL when out of memory still counts). */
void	cfg_errs_push(struct cfg_file *f, char *msg);
void	cfg_errs_add(struct cfg_file *f, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* The list in line order (cfg_file_free). */
void	cfg_errs_sort(const struct cfg_file *f);
/* A value, a name from the file, as shown in a message. */
void	cfg_show_value(const char *v, char out[SHOW_LEN]);
const char *cfg_san(const char *s, char out[SAN_LEN]);
/* cfg_error() about the line e (NULL: looked up from key). */
void	cfg_verror(struct cfg_file *f, const char *section, const char *key,
	    const struct scan_ent *e, const char *fmt, va_list ap)
	    __attribute__((format(printf, 5, 0)));
/* cfg_error() about a line of the file, showing the key as written. */
void	cfg_error_at(struct cfg_file *f, const char *section,
	    const struct scan_ent *e, const char *fmt, ...)
	    __attribute__((format(printf, 4, 5)));

/* cfg_value.c */
/*
 * Parse s (the value of line e, or sp's default when e is NULL) into
 * base's field as sp says; report what is wrong.  True if stored.
 */
bool	cfg_value_parse(struct cfg_file *f, const char *section,
	    const struct cfg_spec *sp, const struct scan_ent *e,
	    const char *s, void *base);
/* The characters of a CFG_NAME, CFG_PATH or CFG_STRING. */
bool	cfg_text_char_ok(enum cfg_type t, unsigned char c);
void	cfg_fmtnum(double d, char *buf, size_t len);
/*
 * The text of a CFG_PERCENT key that loads back as exactly ratio
 * (ratio = percent / 100): the shortest plain decimal that does, else
 * longer digits chosen to.  Returns 0, or -1 (ratio not positive or
 * too large, or len too small; CFG_PERCENT_TEXT_MAX is always enough).
 */
#define CFG_PERCENT_TEXT_MAX	64
int	cfg_percent_text(double ratio, char *buf, size_t len);
const char *cfg_addr_str(uint32_t a, char buf[INET_ADDRSTRLEN]);
const char *cfg_range_str(const struct cfg_range *r, char *buf, size_t len);

/* cfg_spec.c */
/* One table applied to section, without looking for unknown keys. */
void	cfg_table_apply(struct cfg_file *f, const char *section,
	    struct cfg_table *tb);
/* Was t->specs[i] valid: given correctly, or left to its default? */
bool	cfg_key_ok(const struct cfg_file *f, const char *section,
	    const struct cfg_table *t, size_t i);
/*
 * cfg_section_parse() of base (the section's own table) with up to 7
 * extra tables; their `present` is filled in.
 */
void	cfg_section_parse_extra(struct cfg_file *f, const char *section,
	    struct cfg_table *base, struct cfg_table *extra, size_t nextra);

/* cfg_opts.c */
/* Is key (lower case) one cfg_optset_parse() reads? */
bool	cfg_optkey_is(const char *key);
/* The tables of [option:NAME] and of the keys a section takes beside
 * Option.NAME: cfg_specs() "option" and "optset". */
const struct cfg_spec *cfg_optdef_specs(size_t *n);
const struct cfg_spec *cfg_optkey_specs(size_t *n);
/* Longest AlwaysSend value, in characters. */
#define CFG_ALWAYS_MAX	255

/* cfg_tables.c: the shared tables, and the index of each key in them
 * (the checks test `present` bits by these). */
enum {
	SN_SUBNET, SN_RANGE, SN_EXCLUDE, SN_ROUTERS, SN_DNS, SN_NTP,
	SN_DOMAIN, SN_BROADCAST, SN_LEASE, SN_MINLEASE, SN_MAXLEASE,
	SN_T1, SN_T2, SN_SHARE, SN_SAFE, SN_SHARED, SN_NSPECS
};
enum { HO_HW, HO_CID, HO_ADDR, HO_HOSTNAME, HO_NSPECS };
enum { SNMP_SOCKET, SNMP_TRAPS, SNMP_UTIL_HIGH = SNMP_TRAPS + 18,
	SNMP_UTIL_NORMAL, SNMP_NSPECS };

extern const struct cfg_spec cfg_subnet_specs[];
extern const struct cfg_spec cfg_host_specs[];
extern const struct cfg_spec cfg_snmp_specs[];

/* cfg_class.c: [class:NAME]'s table, cfg_specs() "class". */
const struct cfg_spec *cfg_class_specs(size_t *n);

#endif
