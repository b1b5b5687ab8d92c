// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * vfio-conform runner: one forked child per test, TAP 13 output like
 * kselftest, per-test timeout enforced by the parent, the result of each
 * test through a status pipe the runner owns (no test framework's output
 * is parsed).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "runner.h"

#define DEFAULT_REAP_GRACE_S	5
#define DEFAULT_PROBE_TIMEOUT_S	15
#define POLL_SLICE_MS		50
#define MAX_CAPTURE		(1024 * 1024)
#define MAX_STATUS		(64 * 1024)
#define MAX_LINE		4096
#define MAX_REASON		CONFORM_MAX_REASON
#define MAX_DRAIN_READS		16

/* Child exit codes (cross-checked with the "done" record) */
#define CHILD_PASS		0
#define CHILD_FAIL		1
#define CHILD_SKIP		3
#define CHILD_WEDGED		4

/* ------------------------------------------------------------------ */
/* child side: the harness                                             */
/* ------------------------------------------------------------------ */

static int g_status_fd = -1;
static void *g_state;
static int (*g_teardown)(void **state);

static void sanitize_reason(char *s)
{
	size_t len, i;

	for (i = 0; s[i]; i++)
		if (s[i] == '\n' || s[i] == '\r' || s[i] == '\t')
			s[i] = ' ';
	len = strlen(s);
	while (len && s[len - 1] == ' ')
		s[--len] = '\0';
}

/* One "key text" record on the status pipe (stderr outside a runner). */
static void status_write(const char *key, const char *text)
{
	char msg[MAX_REASON + 32];
	int n = snprintf(msg, sizeof(msg), "%s %s\n", key, text);

	if (n <= 0)
		return;
	if ((size_t)n >= sizeof(msg))
		n = sizeof(msg) - 1;
	if (g_status_fd < 0) {
		fprintf(stderr, "%s", msg);
		return;
	}
	if (write(g_status_fd, msg, (size_t)n) < 0)
		_exit(125);
}

/* Teardown once (a failure inside it ends up here again), then "done". */
static void __attribute__((noreturn)) child_finish(const char *verdict, int code)
{
	int (*td)(void **) = g_teardown;

	g_teardown = NULL;
	if (td)
		td(&g_state);
	status_write("done", verdict);
	fflush(NULL);
	_exit(code);
}

/* printf-format the caller's arguments into buf, on one line */
#define VFORMAT(buf, fmt)						\
	do {								\
		va_list ap_;						\
		va_start(ap_, fmt);					\
		vsnprintf(buf, sizeof(buf), fmt, ap_);			\
		va_end(ap_);						\
		sanitize_reason(buf);					\
	} while (0)

void _conform_fail(const char *file, int line, const char *fmt, ...)
{
	char msg[MAX_REASON], rec[MAX_REASON + 64];

	VFORMAT(msg, fmt);
	snprintf(rec, sizeof(rec), "%s (%s:%d)", msg[0] ? msg : "test failed", file, line);
	status_write("fail", rec);
	child_finish("fail", CHILD_FAIL);
}

void _conform_skip(const char *file, int line, const char *fmt, ...)
{
	char reason[MAX_REASON];

	(void)file;
	(void)line;
	VFORMAT(reason, fmt);
	/* An empty reason is no reason: the parent will count a FAIL. */
	if (reason[0])
		status_write("skip", reason);
	child_finish("skip", CHILD_SKIP);
}

void conform_wedged(const char *fmt, ...)
{
	char reason[MAX_REASON];

	VFORMAT(reason, fmt);
	status_write("wedge", reason[0] ? reason : "device did not come back");
	child_finish("wedge", CHILD_WEDGED);
}

void conform_setup_failed(const char *fmt, ...)
{
	char reason[MAX_REASON], rec[MAX_REASON + 8];

	VFORMAT(reason, fmt);
	snprintf(rec, sizeof(rec), "setup: %s", reason);
	status_write("setupfail", rec);
	child_finish("fail", CHILD_FAIL);
}

void conform_print(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

static void __attribute__((noreturn))
child_main(const struct conform_test *t, const struct runner_opts *o,
	   int out_w, int st_w)
{
	static const int dfl[] = { SIGTERM, SIGINT, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };

	setpgid(0, 0);
	if (dup2(out_w, STDOUT_FILENO) < 0 || dup2(out_w, STDERR_FILENO) < 0)
		_exit(125);
	if (out_w > STDERR_FILENO)
		close(out_w);
	setvbuf(stdout, NULL, _IONBF, 0);
	setvbuf(stderr, NULL, _IONBF, 0);
	/* the parent's handlers (a unit test framework's too) are not the test's */
	for (size_t i = 0; i < sizeof(dfl) / sizeof(dfl[0]); i++)
		signal(dfl[i], SIG_DFL);

	g_status_fd = st_w;
	g_state = NULL;
	g_teardown = NULL;
	if (!(t->flags & CONFORM_F_NO_FIXTURE) && o->setup) {
		if (o->setup(&g_state)) {
			status_write("setupfail", "fixture setup failed (see the output)");
			child_finish("fail", CHILD_FAIL);
		}
		g_teardown = o->teardown;
	}
	t->fn(&g_state);
	child_finish("pass", CHILD_PASS);
}

/* ------------------------------------------------------------------ */
/* TAP output                                                          */
/* ------------------------------------------------------------------ */

const char *conform_status_name(enum conform_status s)
{
	switch (s) {
	case CONFORM_PASS:
		return "pass";
	case CONFORM_FAIL:
		return "fail";
	case CONFORM_SKIP:
		return "skip";
	case CONFORM_NOT_RUN:
		return "not-run";
	}
	return "fail";
}

/* "# <id> (MUST) <id> (SHOULD)"; no levels without a table */
void tap_reqs(FILE *f, const struct conform_test *t,
	      const struct conform_req *tab, size_t ntab)
{
	size_t i;
	int lvl;

	if (!t->reqs[0])
		return;
	fputc('#', f);
	for (i = 0; i < CONFORM_MAX_REQS && t->reqs[i]; i++) {
		fprintf(f, " %s", t->reqs[i]);
		lvl = conform_req_level(tab, ntab, t->reqs[i]);
		if (tab && lvl >= 0)
			fprintf(f, " (%s)", conform_level_name((enum conform_level)lvl));
	}
	fputc('\n', f);
	fflush(f);
}

void tap_result(FILE *f, size_t num, const struct conform_result *r)
{
	/* NOT_RUN is never printed as a result (see run_end()) */
	enum tap_status s = r->status == CONFORM_PASS ? TAP_PASS :
			    r->status == CONFORM_SKIP ? TAP_SKIP : TAP_FAIL;

	tap_line(f, num, r->test->name, s, r->reason);
}

void tap_totals(FILE *f, const struct conform_totals *t)
{
	fprintf(f, "# Totals: pass:%u fail:%u xfail:0 xpass:0 skip:%u error:0\n",
		t->pass, t->fail, t->skip);
	fflush(f);
}

/* Which levels a failing test breaks: "# fail: MUST <id>" etc. */
static void tap_fail_levels(FILE *f, const struct conform_test *t,
			    const struct conform_req *tab, size_t ntab)
{
	static const char *const word[] = {
		[CONFORM_MUST] = "fail", [CONFORM_SHOULD] = "warn", [CONFORM_INFO] = "info",
	};
	static const char *const note[] = {
		[CONFORM_MUST] = "",
		[CONFORM_SHOULD] = " (a warning: not held against conformance)",
		[CONFORM_INFO] = " (vfio-pci behaviour the uAPI does not require: reported only)",
	};
	enum conform_level top;
	size_t i;
	int l;

	if (!tab || !t->reqs[0])
		return;
	top = runner_test_level(t, tab, ntab);
	fprintf(f, "# %s:", word[top]);
	for (i = 0; i < CONFORM_MAX_REQS && t->reqs[i]; i++) {
		l = conform_req_level(tab, ntab, t->reqs[i]);
		fprintf(f, " %s %s", l < 0 ? "MUST" : conform_level_name((enum conform_level)l),
			t->reqs[i]);
	}
	fprintf(f, "%s\n", note[top]);
	fflush(f);
}

/* ------------------------------------------------------------------ */
/* selection                                                           */
/* ------------------------------------------------------------------ */

bool runner_test_cites(const struct conform_test *t, const char *req)
{
	size_t i;

	for (i = 0; i < CONFORM_MAX_REQS && t->reqs[i]; i++)
		if (!strcmp(t->reqs[i], req))
			return true;
	return false;
}

bool runner_test_selected(const struct conform_test *t,
			  const char *const *filters, size_t nfilters,
			  const char *const *reqs, size_t nreqs)
{
	bool name_ok = nfilters == 0, req_ok = nreqs == 0;
	size_t i;

	for (i = 0; i < nfilters && !name_ok; i++)
		name_ok = fnmatch(filters[i], t->name, 0) == 0;
	for (i = 0; i < nreqs && !req_ok; i++)
		req_ok = runner_test_cites(t, reqs[i]);
	return name_ok && req_ok;
}

enum conform_level runner_test_level(const struct conform_test *t,
				     const struct conform_req *tab, size_t n)
{
	enum conform_level top = CONFORM_INFO;
	size_t i;
	int l;

	if (!t->reqs[0])
		return CONFORM_MUST;
	for (i = 0; i < CONFORM_MAX_REQS && t->reqs[i]; i++) {
		l = conform_req_level(tab, n, t->reqs[i]);
		if (l < 0)
			return CONFORM_MUST;
		if ((enum conform_level)l > top)
			top = (enum conform_level)l;
	}
	return top;
}

unsigned int runner_test_timeout(const struct conform_test *t, unsigned int timeout_s)
{
	unsigned long long s;

	if (!timeout_s)
		timeout_s = CONFORM_DEFAULT_TIMEOUT_S;
	if (!t->timeout_s)
		return timeout_s;
	s = ((unsigned long long)t->timeout_s * timeout_s + CONFORM_DEFAULT_TIMEOUT_S - 1) /
	    CONFORM_DEFAULT_TIMEOUT_S;
	return s ? (unsigned int)s : 1;
}

/* ------------------------------------------------------------------ */
/* parent side                                                         */
/* ------------------------------------------------------------------ */
struct capture {
	FILE *tap;
	char *buf;		/* filtered output kept for reports */
	size_t len, cap;
	bool truncated;
	char line[MAX_LINE];
	size_t llen;
};

struct status_buf {
	char *buf;
	size_t len, cap;
};

struct child {
	pid_t pid;
	int out_fd, st_fd;
	bool out_open, st_open;
	bool reaped;
	bool lost;		/* reaped by someone else (SIGCHLD ignored?) */
	bool pidfd_tried;
	int pidfd;		/* readable once the child exited; -1: none */
	int wstatus;
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static bool append(char **buf, size_t *len, size_t *cap, const char *data,
		   size_t n, size_t max)
{
	size_t want;
	char *nb;

	if (*len + n + 1 > max)
		return false;
	want = *cap ? *cap : 256;
	while (want < *len + n + 1)
		want *= 2;
	if (want != *cap) {
		nb = realloc(*buf, want);
		if (!nb)
			return false;
		*buf = nb;
		*cap = want;
	}
	memcpy(*buf + *len, data, n);
	*len += n;
	(*buf)[*len] = '\0';
	return true;
}

static void capture_keep(struct capture *c, const char *line)
{
	if (c->truncated)
		return;
	if (!append(&c->buf, &c->len, &c->cap, line, strlen(line), MAX_CAPTURE) ||
	    !append(&c->buf, &c->len, &c->cap, "\n", 1, MAX_CAPTURE)) {
		c->truncated = true;
		tap_diag(c->tap, "[output truncated]");
	}
}


static void capture_end_line(struct capture *c)
{
	c->line[c->llen] = '\0';
	if (c->llen && c->line[c->llen - 1] == '\r')
		c->line[--c->llen] = '\0';
	if (!c->truncated)
		tap_diag(c->tap, c->line);
	capture_keep(c, c->line);
	c->llen = 0;
}

static void capture_feed(struct capture *c, const char *data, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (data[i] == '\n') {
			capture_end_line(c);
			continue;
		}
		if (c->llen == sizeof(c->line) - 1)
			capture_end_line(c);
		c->line[c->llen++] = data[i];
	}
}

static void capture_flush(struct capture *c)
{
	if (c->llen)
		capture_end_line(c);
}

/*
 * Read what is there, at most MAX_DRAIN_READS reads so that a child that
 * never stops writing cannot keep us from its deadline.  Returns false on
 * EOF or a hard error.
 */
static bool drain_fd(int fd, struct capture *out, struct status_buf *st)
{
	char buf[4096];
	unsigned int reads;
	ssize_t n;

	for (reads = 0; reads < MAX_DRAIN_READS; reads++) {
		n = read(fd, buf, sizeof(buf));
		if (n > 0) {
			if (out)
				capture_feed(out, buf, (size_t)n);
			else
				append(&st->buf, &st->len, &st->cap, buf, (size_t)n, MAX_STATUS);
			continue;
		}
		if (n == 0)
			return false;
		if (errno == EINTR)
			continue;
		return errno == EAGAIN || errno == EWOULDBLOCK;
	}
	return true;
}

static void child_drain(struct child *ch, struct capture *out, struct status_buf *st)
{
	if (ch->out_open)
		ch->out_open = drain_fd(ch->out_fd, out, NULL);
	if (ch->st_open)
		ch->st_open = drain_fd(ch->st_fd, NULL, st);
}

static void child_try_reap(struct child *ch)
{
	pid_t w;

	if (ch->reaped)
		return;
	do {
		w = waitpid(ch->pid, &ch->wstatus, WNOHANG);
	} while (w < 0 && errno == EINTR);
	if (w == ch->pid) {
		ch->reaped = true;
	} else if (w < 0 && errno == ECHILD) {
		ch->reaped = true;
		ch->lost = true;
	}
}

/* A SIGTERM/SIGINT handler asked the run to stop. */
static int interrupted(const struct runner_opts *o)
{
	return o->interrupted ? (int)*o->interrupted : 0;
}

/*
 * A pidfd turns "exited but not yet reaped" into a poll event, so the wait
 * ends when the child does instead of up to a slice later (a child's pipes
 * close before it becomes reapable). Kernels without pidfd_open (< 5.3)
 * fall back to the slice.
 */
static void child_pidfd_open(struct child *ch)
{
	if (ch->pidfd_tried)
		return;
	ch->pidfd_tried = true;
	ch->pidfd = (int)syscall(SYS_pidfd_open, ch->pid, 0);
}

static void child_pidfd_close(struct child *ch)
{
	if (ch->pidfd_tried && ch->pidfd >= 0)
		close(ch->pidfd);
	ch->pidfd = -1;
}

/* Wait until the child exits, the deadline passes or the run is
 * interrupted; true if it exited. */
static bool child_wait(struct child *ch, uint64_t deadline, const struct runner_opts *o,
		       struct capture *out, struct status_buf *st)
{
	struct pollfd fds[3];
	uint64_t now;
	nfds_t nfds;
	int slice;

	child_pidfd_open(ch);
	for (;;) {
		child_try_reap(ch);
		if (ch->reaped) {
			child_pidfd_close(ch);
			child_drain(ch, out, st);
			return true;
		}
		now = now_ms();
		if (now >= deadline || (o && interrupted(o)))
			return false;
		slice = (int)(deadline - now < POLL_SLICE_MS ? deadline - now : POLL_SLICE_MS);
		nfds = 0;
		if (ch->out_open)
			fds[nfds++] = (struct pollfd){ .fd = ch->out_fd, .events = POLLIN };
		if (ch->st_open)
			fds[nfds++] = (struct pollfd){ .fd = ch->st_fd, .events = POLLIN };
		if (ch->pidfd >= 0)
			fds[nfds++] = (struct pollfd){ .fd = ch->pidfd, .events = POLLIN };
		if (!nfds)
			sleep_ms((unsigned int)slice);
		else if (poll(fds, nfds, slice) > 0)
			child_drain(ch, out, st);
	}
}

/*
 * Where in the kernel a child that did not return in time waits: its
 * /proc/PID/stack (root, CONFIG_STACKTRACE), read before it is killed, is
 * the evidence a wedged device leaves. NULL when it cannot be read.
 */
static char *kernel_stack(pid_t pid, const char *who)
{
	char path[32], line[256];
	char *buf = NULL;
	size_t len = 0;
	FILE *f, *m;

	snprintf(path, sizeof(path), "/proc/%d/stack", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return NULL;
	m = open_memstream(&buf, &len);
	if (!m) {
		fclose(f);
		return NULL;
	}
	fprintf(m, "kernel stack of the %s (pid %d):", who, (int)pid);
	while (fgets(line, sizeof(line), f))
		fprintf(m, "\n  %.*s", (int)strcspn(line, "\n"), line);
	fclose(f);
	fclose(m);
	if (!strchr(buf, '\n')) {	/* empty: running in user space */
		free(buf);
		return NULL;
	}
	return buf;
}

/* The stack (if any) into the TAP as diagnostics; frees it. */
static void tap_stack(FILE *tap, char *stack)
{
	if (!stack)
		return;
	tap_diag(tap, stack);
	free(stack);
}

static bool child_kill_and_reap(struct child *ch, const struct runner_opts *o,
				struct capture *out, struct status_buf *st)
{
	int (*kill_fn)(pid_t, int) = o->kill_fn ? o->kill_fn : kill;
	unsigned int grace = o->reap_grace_s ? o->reap_grace_s : DEFAULT_REAP_GRACE_S;

	kill_fn(-ch->pid, SIGKILL);
	kill_fn(ch->pid, SIGKILL);
	return child_wait(ch, now_ms() + grace * 1000ull, NULL, out, st);
}

/* The last "key ..." record, or NULL. */
static const char *status_record(const struct status_buf *st, const char *key)
{
	const char *found = NULL, *p = st->buf;
	size_t klen = strlen(key);

	while (p && *p) {
		if (!strncmp(p, key, klen) && p[klen] == ' ')
			found = p + klen + 1;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return found;
}

static char *status_value(const struct status_buf *st, const char *key)
{
	const char *v = status_record(st, key);

	return v ? strndup(v, strcspn(v, "\n")) : NULL;
}

static void set_reason(struct conform_result *r, enum conform_status s, char *owned)
{
	r->status = s;
	free(r->reason);
	r->reason = owned;
}

static void set_fail(struct conform_result *r, FILE *tap, char *reason_owned)
{
	set_reason(r, CONFORM_FAIL, reason_owned ? reason_owned : strdup("test failed"));
	tap_diag(tap, r->reason);
}

static char *fmt_alloc(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *fmt_alloc(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return n < 0 ? NULL : s;
}

/* What one child's end means for the device. */
enum outcome {
	OUT_DONE,		/* a verdict; the device is as good as before */
	OUT_SUSPECT,		/* timed out / unreaped: probe it */
	OUT_SETUP_FAILED,	/* the fixture could not open it: probe it */
	OUT_WEDGED,		/* the fixture found the device did not come back */
	OUT_INTERRUPTED,	/* SIGTERM/SIGINT */
};

static enum outcome classify_exit(struct conform_result *r, FILE *tap,
				  const struct child *ch, const struct status_buf *st)
{
	char *done = status_value(st, "done");
	char *why = NULL;
	enum outcome out = OUT_DONE;
	int code;

	if (ch->lost) {
		set_fail(r, tap, strdup("test process status lost (SIGCHLD ignored?)"));
		goto out;
	}
	if (WIFSIGNALED(ch->wstatus)) {
		set_fail(r, tap, fmt_alloc("test process killed by signal %d (%s)",
					   WTERMSIG(ch->wstatus),
					   strsignal(WTERMSIG(ch->wstatus))));
		goto out;
	}
	code = WIFEXITED(ch->wstatus) ? WEXITSTATUS(ch->wstatus) : -1;
	if (!done) {
		set_fail(r, tap, fmt_alloc("test process exited with status %d before the "
					   "test finished", code));
	} else if (!strcmp(done, "pass") && code == CHILD_PASS) {
		r->status = CONFORM_PASS;
	} else if (!strcmp(done, "skip") && code == CHILD_SKIP) {
		why = status_value(st, "skip");
		if (why && why[0])
			set_reason(r, CONFORM_SKIP, why);
		else
			set_fail(r, tap, strdup("test skipped without a reason "
						"(suite bug: use conform_skip())"));
		if (!why || !why[0])
			free(why);
	} else if (!strcmp(done, "fail") && code == CHILD_FAIL &&
		   (why = status_value(st, "setupfail"))) {
		set_fail(r, tap, why);
		out = OUT_SETUP_FAILED;
	} else if (!strcmp(done, "fail") && code == CHILD_FAIL) {
		why = status_value(st, "fail");
		set_fail(r, tap, why ? why : strdup("test failed"));
	} else if (!strcmp(done, "wedge") && code == CHILD_WEDGED) {
		why = status_value(st, "wedge");
		set_reason(r, CONFORM_NOT_RUN, why ? why : strdup("device did not come back"));
		out = OUT_WEDGED;
	} else {
		set_fail(r, tap, fmt_alloc("inconsistent test process status (done %s, exit %d)",
					   done, code));
	}
out:
	free(done);
	return out;
}

static int open_pipes(int out[2], int st[2])
{
	if (pipe2(out, O_CLOEXEC))
		return -errno;
	if (pipe2(st, O_CLOEXEC)) {
		int e = -errno;

		close(out[0]);
		close(out[1]);
		return e;
	}
	return 0;
}

static pid_t spawn(const struct conform_test *t, const struct runner_opts *o,
		   struct child *ch)
{
	int outp[2], stp[2];

	if (open_pipes(outp, stp))
		return -1;
	fflush(NULL);
	ch->pid = fork();
	if (ch->pid == 0) {
		close(outp[0]);
		close(stp[0]);
		child_main(t, o, outp[1], stp[1]);
	}
	close(outp[1]);
	close(stp[1]);
	if (ch->pid < 0) {
		close(outp[0]);
		close(stp[0]);
		return -1;
	}
	setpgid(ch->pid, ch->pid);
	ch->out_fd = outp[0];
	ch->st_fd = stp[0];
	ch->out_open = ch->st_open = true;
	fcntl(ch->out_fd, F_SETFL, O_NONBLOCK);
	fcntl(ch->st_fd, F_SETFL, O_NONBLOCK);
	return ch->pid;
}

static enum outcome run_one(const struct conform_test *t, const struct runner_opts *o,
			    struct conform_result *r)
{
	struct capture out = { .tap = o->tap };
	struct status_buf st = { 0 };
	struct child ch = { .pid = -1 };
	unsigned int timeout = runner_test_timeout(t, o->timeout_s);
	unsigned int grace = o->reap_grace_s ? o->reap_grace_s : DEFAULT_REAP_GRACE_S;
	enum outcome res = OUT_DONE;
	char *stack = NULL, *stuck = NULL;
	bool reaped = true;
	uint64_t start;
	int sig = 0;

	memset(r, 0, sizeof(*r));
	r->test = t;
	start = now_ms();
	if (spawn(t, o, &ch) < 0) {
		set_fail(r, o->tap, strdup("runner: cannot create pipes or fork"));
		return OUT_DONE;
	}
	if (!child_wait(&ch, start + timeout * 1000ull, o, &out, &st)) {
		sig = interrupted(o);
		r->timed_out = !sig;
		if (r->timed_out)
			stack = kernel_stack(ch.pid, "test process at its timeout");
		reaped = child_kill_and_reap(&ch, o, &out, &st);
		if (!reaped)
			stuck = kernel_stack(ch.pid, "test process after SIGKILL");
	} else {
		/* Stray members of the child's process group hold no verdict. */
		kill(-ch.pid, SIGKILL);
	}
	capture_flush(&out);
	tap_stack(o->tap, stack);
	tap_stack(o->tap, stuck);
	close(ch.out_fd);
	close(ch.st_fd);
	r->output = out.buf ? out.buf : strdup("");
	r->duration_ms = now_ms() - start;

	if (sig) {
		set_reason(r, CONFORM_NOT_RUN, fmt_alloc("run interrupted by SIG%s",
							 sigabbrev_np(sig)));
		res = OUT_INTERRUPTED;
	} else if (r->timed_out) {
		set_fail(r, o->tap, fmt_alloc("timed out after %u s", timeout));
		res = OUT_SUSPECT;
	} else {
		res = classify_exit(r, o->tap, &ch, &st);
	}
	if (!reaped) {
		char *msg = fmt_alloc("test process %d did not exit within %u s after "
				      "SIGKILL (stuck in the kernel?)", (int)ch.pid, grace);

		tap_diag(o->tap, msg);
		free(msg);
		if (res == OUT_DONE)
			res = OUT_SUSPECT;
	}
	free(st.buf);
	return res;
}

/*
 * Run the probe in a child of its own, with a timeout: an open that blocks
 * in the kernel (on a lock a stuck test holds) must not hang the run.
 * 0 when the device is usable; else why[] says why not.
 */
static int probe_device(const struct runner_opts *o, char *why, size_t len)
{
	unsigned int limit = o->probe_timeout_s ? o->probe_timeout_s : DEFAULT_PROBE_TIMEOUT_S;
	struct status_buf st = { 0 };
	struct child ch = { .pid = -1 };
	int p[2], rc;
	char *v;

	if (!o->probe)
		return 0;
	if (pipe2(p, O_CLOEXEC)) {
		snprintf(why, len, "runner: cannot create a pipe for the probe");
		return -1;
	}
	fflush(NULL);
	ch.pid = fork();
	if (ch.pid == 0) {
		char msg[MAX_REASON] = "";

		close(p[0]);
		setpgid(0, 0);
		g_status_fd = p[1];
		rc = o->probe(msg, sizeof(msg));
		sanitize_reason(msg);
		status_write(rc ? "unusable" : "usable", msg[0] ? msg : "-");
		_exit(rc ? 1 : 0);
	}
	close(p[1]);
	if (ch.pid < 0) {
		close(p[0]);
		snprintf(why, len, "runner: cannot fork the probe");
		return -1;
	}
	setpgid(ch.pid, ch.pid);
	ch.st_fd = p[0];
	ch.st_open = true;
	fcntl(ch.st_fd, F_SETFL, O_NONBLOCK);
	if (!child_wait(&ch, now_ms() + limit * 1000ull, NULL, NULL, &st)) {
		tap_stack(o->tap, kernel_stack(ch.pid, "probe"));
		child_kill_and_reap(&ch, o, NULL, &st);
		close(ch.st_fd);
		free(st.buf);
		snprintf(why, len, "opening the device and GET_INFO did not return within "
			 "%u s", limit);
		return -1;
	}
	close(ch.st_fd);
	v = status_value(&st, "unusable");
	rc = v || !status_record(&st, "usable") ? -1 : 0;
	snprintf(why, len, "%s", v ? v : rc ? "the probe ended without an answer" : "");
	free(v);
	free(st.buf);
	return rc;
}

static void count_result(struct conform_totals *t, enum conform_status s, int delta)
{
	unsigned int *c = s == CONFORM_PASS ? &t->pass : s == CONFORM_SKIP ? &t->skip :
			  s == CONFORM_NOT_RUN ? &t->not_run : &t->fail;

	*c = (unsigned int)((int)*c + delta);
}

/* The run ends: results[from..n) are not-run with the same reason. */
static void run_end(const struct conform_test *const *tests, size_t n, size_t from,
		    const struct runner_opts *o, struct conform_result *results,
		    struct conform_totals *totals, const char *reason)
{
	size_t i;

	for (i = from; i < n; i++) {
		if (results[i].test != tests[i]) {
			memset(&results[i], 0, sizeof(results[i]));
			results[i].test = tests[i];
			results[i].output = strdup("");
		}
		free(results[i].reason);
		results[i].reason = strdup(reason);
		results[i].status = CONFORM_NOT_RUN;
		totals->not_run++;
	}
	if (n > from)
		fprintf(o->tap, "# %zu test%s not run: %s\n", n - from, n - from == 1 ? "" : "s",
			reason);
	fprintf(o->tap, "Bail out! %s\n", reason);
	fflush(o->tap);
}

/* The device is unusable after `culprit`: it FAILs and is named. */
static void blame(struct conform_result *culprit, struct conform_totals *totals,
		  const char *why)
{
	char *msg;

	if (culprit->status != CONFORM_FAIL) {
		count_result(totals, culprit->status, -1);
		count_result(totals, CONFORM_FAIL, +1);
		culprit->status = CONFORM_FAIL;
	}
	msg = fmt_alloc("%s%s%s", culprit->reason ? culprit->reason : "",
			culprit->reason ? "; " : "", why);
	free(culprit->reason);
	culprit->reason = msg;
	culprit->wedged = true;
	totals->culprit = culprit->test;
}

/*
 * Test i found the device unusable before it could start: the last test
 * that used it (if any) is the culprit; i and the rest are not-run.
 */
static void end_after(const struct conform_test *const *tests, size_t n, size_t i,
		      const struct runner_opts *o, struct conform_result *results,
		      struct conform_totals *totals, struct conform_result *last_fx,
		      const char *why)
{
	if (last_fx) {
		snprintf(totals->end_reason, sizeof(totals->end_reason),
			 "device wedged by %s: %s", last_fx->test->name, why);
		blame(last_fx, totals, why);
		/* its "ok" line is out already: say so; Totals counts it failed */
		fprintf(o->tap, "# %s (test %zu) is counted as a failure: the device did "
			"not come back after it\n", last_fx->test->name,
			(size_t)(last_fx - results) + 1);
		fflush(o->tap);
	} else {
		snprintf(totals->end_reason, sizeof(totals->end_reason),
			 "device not usable before %s: %s", tests[i]->name, why);
	}
	run_end(tests, n, i, o, results, totals, totals->end_reason);
}

int runner_run(const struct conform_test *const *tests, size_t n,
	       const struct runner_opts *opts,
	       struct conform_result *results, struct conform_totals *totals)
{
	struct conform_result *last_fx = NULL;	/* last test that used the fixture */
	char why[MAX_REASON], end[MAX_REASON + 160];
	enum outcome out;
	size_t i;

	memset(totals, 0, sizeof(*totals));
	memset(results, 0, n * sizeof(*results));
	signal(SIGCHLD, SIG_DFL);	/* we reap our children ourselves */
	tap_header(opts->tap, n);
	tap_diag(opts->tap, opts->preamble);
	for (i = 0; i < n; i++) {
		if (interrupted(opts)) {
			snprintf(totals->end_reason, sizeof(totals->end_reason),
				 "run interrupted by SIG%s", sigabbrev_np(interrupted(opts)));
			totals->signal = interrupted(opts);
			run_end(tests, n, i, opts, results, totals, totals->end_reason);
			break;
		}
		tap_reqs(opts->tap, tests[i], opts->reqs, opts->nreqs);
		out = run_one(tests[i], opts, &results[i]);
		if (out == OUT_INTERRUPTED) {
			totals->signal = interrupted(opts);
			snprintf(totals->end_reason, sizeof(totals->end_reason), "%s",
				 results[i].reason);
			run_end(tests, n, i, opts, results, totals, totals->end_reason);
			break;
		}
		if (out == OUT_WEDGED) {
			snprintf(why, sizeof(why), "%s", results[i].reason);
			tap_diag(opts->tap, why);
			end_after(tests, n, i, opts, results, totals, last_fx, why);
			break;
		}
		/* an open that fails after a test that looked fine: that test */
		if (out == OUT_SETUP_FAILED && last_fx && probe_device(opts, why, sizeof(why))) {
			tap_diag(opts->tap, why);
			end_after(tests, n, i, opts, results, totals, last_fx, why);
			break;
		}
		count_result(totals, results[i].status, +1);
		if ((out == OUT_SUSPECT || out == OUT_SETUP_FAILED) &&
		    probe_device(opts, why, sizeof(why))) {
			snprintf(end, sizeof(end), "device no longer usable: %s", why);
			blame(&results[i], totals, end);
			snprintf(end, sizeof(end), "device wedged by %s: device no longer "
				 "usable: %s", tests[i]->name, why);
			tap_diag(opts->tap, end);
			tap_fail_levels(opts->tap, tests[i], opts->reqs, opts->nreqs);
			tap_result(opts->tap, i + 1, &results[i]);
			snprintf(totals->end_reason, sizeof(totals->end_reason), "%s", end);
			run_end(tests, n, i + 1, opts, results, totals, end);
			break;
		}
		if (results[i].status == CONFORM_FAIL)
			tap_fail_levels(opts->tap, tests[i], opts->reqs, opts->nreqs);
		tap_result(opts->tap, i + 1, &results[i]);
		if (!(tests[i]->flags & CONFORM_F_NO_FIXTURE))
			last_fx = &results[i];
	}
	tap_totals(opts->tap, totals);
	return totals->fail || totals->end_reason[0] ? 1 : 0;
}

void runner_results_free(struct conform_result *results, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(results[i].reason);
		free(results[i].output);
		results[i].reason = NULL;
		results[i].output = NULL;
	}
}
