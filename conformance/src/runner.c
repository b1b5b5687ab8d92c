// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * vfio-conform runner: one forked child per test, TAP 13 output like
 * kselftest, per-test timeout enforced by the parent.
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
#include <sys/wait.h>

#include <setjmp.h>
#include <cmocka.h>

#include "runner.h"

#define DEFAULT_TIMEOUT_S	60
#define DEFAULT_REAP_GRACE_S	5
#define POLL_SLICE_MS		50
#define MAX_CAPTURE		(1024 * 1024)
#define MAX_STATUS		(64 * 1024)
#define MAX_LINE		4096
#define MAX_REASON		512
#define MAX_DRAIN_READS		16

/* Child exit codes (cross-checked with the "done" record) */
#define CHILD_PASS		0
#define CHILD_FAIL		1
#define CHILD_SKIP		3

/* ------------------------------------------------------------------ */
/* child side                                                          */
/* ------------------------------------------------------------------ */

static int g_status_fd = -1;
static conform_fn g_child_fn;
static volatile sig_atomic_t g_body_done;

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

void _conform_skip(const char *file, int line, const char *fmt, ...)
{
	char msg[MAX_REASON + 8];
	char reason[MAX_REASON];
	va_list ap;
	int n;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	sanitize_reason(reason);

	/* An empty reason is no reason: the parent will count a FAIL. */
	if (reason[0]) {
		if (g_status_fd >= 0) {
			n = snprintf(msg, sizeof(msg), "skip %s\n", reason);
			if (n > 0 && write(g_status_fd, msg, (size_t)n) < 0)
				perror("conform_skip: status pipe");
		} else {
			fprintf(stderr, "SKIP: %s\n", reason);
		}
	}
	_skip(file, line);
	abort(); /* not reached: _skip() leaves through longjmp */
}

static void child_trampoline(void **state)
{
	g_child_fn(state);
	g_body_done = 1;
}

static void child_write_done(int fd, const char *verdict)
{
	char msg[32];
	int n = snprintf(msg, sizeof(msg), "done %s\n", verdict);

	if (n > 0 && write(fd, msg, (size_t)n) < 0)
		_exit(125);
}

static void __attribute__((noreturn))
child_main(const struct conform_test *t, const struct runner_opts *o,
	   int out_w, int st_w)
{
	struct CMUnitTest ut;
	int rc;

	setpgid(0, 0);
	if (dup2(out_w, STDOUT_FILENO) < 0 || dup2(out_w, STDERR_FILENO) < 0)
		_exit(125);
	if (out_w > STDERR_FILENO)
		close(out_w);
	setvbuf(stdout, NULL, _IONBF, 0);
	setvbuf(stderr, NULL, _IONBF, 0);

	g_status_fd = st_w;
	g_child_fn = t->fn;
	g_body_done = 0;
	unsetenv("CMOCKA_MESSAGE_OUTPUT");
	unsetenv("CMOCKA_XML_FILE");
	cmocka_set_message_output(CM_OUTPUT_STDOUT);

	memset(&ut, 0, sizeof(ut));
	ut.name = t->name;
	ut.test_func = child_trampoline;
	if (!(t->flags & CONFORM_F_NO_FIXTURE)) {
		ut.setup_func = o->setup;
		ut.teardown_func = o->teardown;
	}
	rc = _cmocka_run_group_tests(t->name, &ut, 1, NULL, NULL);

	if (rc) {
		child_write_done(st_w, "fail");
		_exit(CHILD_FAIL);
	}
	if (g_body_done) {
		child_write_done(st_w, "pass");
		_exit(CHILD_PASS);
	}
	child_write_done(st_w, "skip");
	_exit(CHILD_SKIP);
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
	}
	return "fail";
}

void tap_header(FILE *f, size_t n)
{
	fprintf(f, "TAP version 13\n");
	fflush(f);
	fprintf(f, "1..%zu\n", n);
	fflush(f);
}

static void tap_diag_line(FILE *f, const char *line, size_t len)
{
	if (len)
		fprintf(f, "# %.*s\n", (int)len, line);
	else
		fprintf(f, "#\n");
	fflush(f);
}

void tap_diag(FILE *f, const char *text)
{
	const char *p = text, *nl;

	if (!text)
		return;
	while (*p) {
		nl = strchr(p, '\n');
		if (!nl) {
			tap_diag_line(f, p, strlen(p));
			return;
		}
		tap_diag_line(f, p, (size_t)(nl - p));
		p = nl + 1;
	}
}

void tap_reqs(FILE *f, const struct conform_test *t)
{
	size_t i;

	if (!t->reqs[0])
		return;
	fputc('#', f);
	for (i = 0; i < CONFORM_MAX_REQS && t->reqs[i]; i++)
		fprintf(f, " %s", t->reqs[i]);
	fputc('\n', f);
	fflush(f);
}

void tap_result(FILE *f, size_t num, const struct conform_result *r)
{
	const char *name = r->test->name;

	switch (r->status) {
	case CONFORM_PASS:
		fprintf(f, "ok %zu %s\n", num, name);
		break;
	case CONFORM_SKIP:
		fprintf(f, "ok %zu %s # SKIP %s\n", num, name,
			r->reason ? r->reason : "");
		break;
	case CONFORM_FAIL:
	default:
		fprintf(f, "not ok %zu %s\n", num, name);
		break;
	}
	fflush(f);
}

void tap_totals(FILE *f, const struct conform_totals *t)
{
	fprintf(f, "# Totals: pass:%u fail:%u xfail:0 xpass:0 skip:%u error:0\n",
		t->pass, t->fail, t->skip);
	fflush(f);
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static const char *const noise_tags[] = {
	"[==========]", "[ RUN      ]", "[       OK ]", "[  PASSED  ]",
	"[  FAILED  ]", "[  SKIPPED ]", NULL,
};

/* cmocka's own framing; the result line says the same thing. */
bool runner_is_cmocka_noise(const char *line)
{
	const char *p;
	size_t i;

	if (!line[0])
		return true;
	for (i = 0; noise_tags[i]; i++)
		if (starts_with(line, noise_tags[i]))
			return true;
	/* " 1 FAILED TEST(S)" and " 1 SKIPPED TEST(S)" */
	p = line;
	while (*p == ' ')
		p++;
	if (p == line || *p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9')
		p++;
	return !strcmp(p, " FAILED TEST(S)") || !strcmp(p, " SKIPPED TEST(S)");
}

/*
 * Where cmocka's framing starts inside a line (a test that printed without
 * a final newline): "partial[       OK ] name".  NULL if nowhere past 0.
 */
static char *noise_tag_inside(char *line)
{
	char *best = NULL, *p;
	size_t i;

	if (!line[0])
		return NULL;
	for (i = 0; noise_tags[i]; i++) {
		p = strstr(line + 1, noise_tags[i]);
		if (p && (!best || p < best))
			best = p;
	}
	return best;
}

static char *dup_line_rest(const char *start)
{
	size_t len = strcspn(start, "\n");

	return strndup(start, len);
}

static const char *find_line_with_prefix(const char *text, const char *prefix)
{
	const char *p = text;

	while (p && *p) {
		if (starts_with(p, prefix))
			return p;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return NULL;
}

static char *summary_location(const char *output)
{
	static const char tag[] = "[   LINE   ] --- ";
	const char *l = strstr(output, tag);
	const char *end;

	if (!l)
		return NULL;
	l += strlen(tag);
	end = strstr(l, ": error:");
	if (!end || memchr(l, '\n', (size_t)(end - l)))
		return NULL;
	return strndup(l, (size_t)(end - l));
}

static char *summary_message(const char *output)
{
	static const char err_tag[] = "[  ERROR   ] --- ";
	const char *l;

	l = find_line_with_prefix(output, "setup: ");
	if (l)
		return dup_line_rest(l);
	l = find_line_with_prefix(output, "ERROR: ");
	if (l)
		return dup_line_rest(l + strlen("ERROR: "));
	l = find_line_with_prefix(output, err_tag);
	if (l && !starts_with(l + strlen(err_tag), "[   LINE   ]") &&
	    l[strlen(err_tag)] != '\n' && l[strlen(err_tag)] != '\0')
		return dup_line_rest(l + strlen(err_tag));
	l = find_line_with_prefix(output, "Could not run test: ");
	if (l)
		return dup_line_rest(l + strlen("Could not run test: "));
	return strdup("test failed");
}

/* One line saying why a test failed, from cmocka's output. */
char *runner_failure_summary(const char *output)
{
	char *msg, *loc, *res;

	if (!output)
		output = "";
	msg = summary_message(output);
	loc = summary_location(output);
	if (!msg) {
		free(loc);
		return NULL;
	}
	if (!loc)
		return msg;
	if (asprintf(&res, "%s (%s)", msg, loc) < 0)
		res = NULL;
	free(msg);
	free(loc);
	return res ? res : strdup("test failed");
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

static void capture_emit(struct capture *c, const char *line)
{
	if (runner_is_cmocka_noise(line))
		return;
	if (!c->truncated)
		tap_diag(c->tap, line);
	capture_keep(c, line);
}

static void capture_end_line(struct capture *c)
{
	char *tag;

	c->line[c->llen] = '\0';
	if (c->llen && c->line[c->llen - 1] == '\r')
		c->line[--c->llen] = '\0';
	tag = noise_tag_inside(c->line);
	if (tag) {
		capture_emit(c, tag);	/* noise: dropped */
		*tag = '\0';
	}
	capture_emit(c, c->line);
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

/* Wait until the child exits or the deadline passes; true if it exited. */
static bool child_wait(struct child *ch, uint64_t deadline,
		       struct capture *out, struct status_buf *st)
{
	struct pollfd fds[2];
	uint64_t now;
	nfds_t nfds;
	int slice;

	for (;;) {
		child_try_reap(ch);
		if (ch->reaped) {
			child_drain(ch, out, st);
			return true;
		}
		now = now_ms();
		if (now >= deadline)
			return false;
		slice = (int)(deadline - now < POLL_SLICE_MS ? deadline - now : POLL_SLICE_MS);
		nfds = 0;
		if (ch->out_open)
			fds[nfds++] = (struct pollfd){ .fd = ch->out_fd, .events = POLLIN };
		if (ch->st_open)
			fds[nfds++] = (struct pollfd){ .fd = ch->st_fd, .events = POLLIN };
		if (!nfds)
			sleep_ms((unsigned int)slice);
		else if (poll(fds, nfds, slice) > 0)
			child_drain(ch, out, st);
	}
}

static bool child_kill_and_reap(struct child *ch, const struct runner_opts *o,
				struct capture *out, struct status_buf *st)
{
	int (*kill_fn)(pid_t, int) = o->kill_fn ? o->kill_fn : kill;
	unsigned int grace = o->reap_grace_s ? o->reap_grace_s : DEFAULT_REAP_GRACE_S;

	kill_fn(-ch->pid, SIGKILL);
	kill_fn(ch->pid, SIGKILL);
	return child_wait(ch, now_ms() + grace * 1000ull, out, st);
}

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

	return v ? dup_line_rest(v) : NULL;
}

static void set_fail(struct conform_result *r, FILE *tap, char *reason_owned)
{
	r->status = CONFORM_FAIL;
	free(r->reason);
	r->reason = reason_owned ? reason_owned : strdup("test failed");
	tap_diag(tap, r->reason);
}

static void classify_exit(struct conform_result *r, FILE *tap,
			  const struct child *ch, const struct status_buf *st)
{
	char *done = status_value(st, "done");
	char *skip = status_value(st, "skip");
	char *msg = NULL;
	int code;

	if (ch->lost) {
		set_fail(r, tap, strdup("test process status lost (SIGCHLD ignored?)"));
		goto out;
	}
	if (WIFSIGNALED(ch->wstatus)) {
		if (asprintf(&msg, "test process killed by signal %d (%s)",
			     WTERMSIG(ch->wstatus), strsignal(WTERMSIG(ch->wstatus))) < 0)
			msg = NULL;
		set_fail(r, tap, msg);
		goto out;
	}
	code = WIFEXITED(ch->wstatus) ? WEXITSTATUS(ch->wstatus) : -1;
	if (!done) {
		if (asprintf(&msg, "test process exited with status %d before the test finished",
			     code) < 0)
			msg = NULL;
		set_fail(r, tap, msg);
	} else if (!strcmp(done, "pass") && code == CHILD_PASS) {
		r->status = CONFORM_PASS;
	} else if (!strcmp(done, "skip") && code == CHILD_SKIP) {
		if (skip && skip[0]) {
			r->status = CONFORM_SKIP;
			r->reason = skip;
			skip = NULL;
		} else {
			set_fail(r, tap, strdup("test skipped without a reason "
						"(suite bug: use conform_skip())"));
		}
	} else if (!strcmp(done, "fail") && code == CHILD_FAIL) {
		r->status = CONFORM_FAIL;
		r->reason = runner_failure_summary(r->output);
	} else {
		if (asprintf(&msg, "inconsistent test process status (done %s, exit %d)",
			     done, code) < 0)
			msg = NULL;
		set_fail(r, tap, msg);
	}
out:
	free(done);
	free(skip);
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

static unsigned int test_timeout(const struct conform_test *t, const struct runner_opts *o)
{
	if (t->timeout_s)
		return t->timeout_s;
	return o->timeout_s ? o->timeout_s : DEFAULT_TIMEOUT_S;
}

static void run_one(const struct conform_test *t, const struct runner_opts *o,
		    struct conform_result *r)
{
	struct capture out = { .tap = o->tap };
	struct status_buf st = { 0 };
	struct child ch = { .pid = -1 };
	unsigned int timeout = test_timeout(t, o);
	int outp[2], stp[2];
	uint64_t start;
	char *msg = NULL;

	memset(r, 0, sizeof(*r));
	r->test = t;
	start = now_ms();
	if (open_pipes(outp, stp)) {
		set_fail(r, o->tap, strdup("runner: cannot create pipes"));
		return;
	}
	fflush(NULL);
	ch.pid = fork();
	if (ch.pid == 0) {
		close(outp[0]);
		close(stp[0]);
		child_main(t, o, outp[1], stp[1]);
	}
	close(outp[1]);
	close(stp[1]);
	if (ch.pid < 0) {
		close(outp[0]);
		close(stp[0]);
		set_fail(r, o->tap, strdup("runner: fork failed"));
		return;
	}
	setpgid(ch.pid, ch.pid);
	ch.out_fd = outp[0];
	ch.st_fd = stp[0];
	ch.out_open = ch.st_open = true;
	fcntl(ch.out_fd, F_SETFL, O_NONBLOCK);
	fcntl(ch.st_fd, F_SETFL, O_NONBLOCK);

	if (!child_wait(&ch, start + timeout * 1000ull, &out, &st)) {
		r->timed_out = true;
		if (!child_kill_and_reap(&ch, o, &out, &st)) {
			capture_flush(&out);
			if (asprintf(&msg, "test process %d did not exit within %u s "
				     "after SIGKILL (stuck in the kernel?); continuing without it",
				     (int)ch.pid, o->reap_grace_s ? o->reap_grace_s :
				     DEFAULT_REAP_GRACE_S) >= 0) {
				tap_diag(o->tap, msg);
				free(msg);
				msg = NULL;
			}
		}
	} else {
		/* Stray members of the child's process group hold no verdict. */
		kill(-ch.pid, SIGKILL);
	}
	capture_flush(&out);
	close(ch.out_fd);
	close(ch.st_fd);
	r->output = out.buf ? out.buf : strdup("");
	r->duration_ms = now_ms() - start;

	if (r->timed_out) {
		if (asprintf(&msg, "timed out after %u s", timeout) < 0)
			msg = NULL;
		set_fail(r, o->tap, msg);
	} else {
		classify_exit(r, o->tap, &ch, &st);
	}
	free(st.buf);
}

int runner_run(const struct conform_test *const *tests, size_t n,
	       const struct runner_opts *opts,
	       struct conform_result *results, struct conform_totals *totals)
{
	size_t i;

	memset(totals, 0, sizeof(*totals));
	signal(SIGCHLD, SIG_DFL);	/* we reap our children ourselves */
	tap_header(opts->tap, n);
	tap_diag(opts->tap, opts->preamble);
	for (i = 0; i < n; i++) {
		tap_reqs(opts->tap, tests[i]);
		run_one(tests[i], opts, &results[i]);
		tap_result(opts->tap, i + 1, &results[i]);
		switch (results[i].status) {
		case CONFORM_PASS:
			totals->pass++;
			break;
		case CONFORM_SKIP:
			totals->skip++;
			break;
		case CONFORM_FAIL:
			totals->fail++;
			break;
		}
	}
	tap_totals(opts->tap, totals);
	return totals->fail ? 1 : 0;
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
