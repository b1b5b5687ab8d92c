// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * Unit tests of mig_fsm.c, the migration oracle, against the rules vfio.h
 * states: the 15 base arcs, "Select the shortest path", "The path cannot
 * have saving group states as interior arcs", the two blocked arcs, which
 * arcs return a data fd, and the removal of unsupported states.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#ifndef __user
#define __user
#endif
#include <linux/vfio.h>

#include "mig_fsm.h"

#define ALL	(VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_P2P | VFIO_MIGRATION_PRE_COPY)
#define S_	VFIO_DEVICE_STATE_STOP
#define R_	VFIO_DEVICE_STATE_RUNNING
#define SC	VFIO_DEVICE_STATE_STOP_COPY
#define RS	VFIO_DEVICE_STATE_RESUMING
#define RP	VFIO_DEVICE_STATE_RUNNING_P2P
#define PC	VFIO_DEVICE_STATE_PRE_COPY
#define PP	VFIO_DEVICE_STATE_PRE_COPY_P2P

static const uint64_t flag_sets[] = {
	VFIO_MIGRATION_STOP_COPY,
	VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_P2P,
	VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_PRE_COPY,
	ALL,
};

/*
 * Independent shortest path by BFS over the base arcs restricted to the
 * supported states, with saving-group states allowed only at the ends.
 * Unsupported P2P states behave "as though the device was fully running":
 * without P2P, RUNNING_P2P is RUNNING, so arcs of RUNNING_P2P become arcs of
 * RUNNING (and PRE_COPY_P2P those of PRE_COPY).
 */
static uint32_t alias(uint32_t s, uint64_t flags)
{
	if (!(flags & VFIO_MIGRATION_P2P)) {
		if (s == RP)
			return R_;
		if (s == PP)
			return PC;
	}
	return s;
}

static int bfs_len(uint32_t from, uint32_t to, uint64_t flags)
{
	int dist[MIG_NSTATES];
	bool in_group[MIG_NSTATES] = { false };	/* reached without leaving the group */
	uint32_t q[MIG_NSTATES * MIG_NSTATES], a, b;
	unsigned int h = 0, t = 0;

	for (a = 0; a < MIG_NSTATES; a++)
		dist[a] = -1;
	dist[from] = 0;
	q[t++] = from;
	while (h < t) {
		a = q[h++];
		if (a == to)
			return dist[a];
		if (a != from && mig_is_saving(a) && !(mig_is_saving(from) && in_group[a]))
			continue;	/* no saving-group state inside a path */
		for (b = 1; b < MIG_NSTATES; b++) {
			uint32_t x, y;
			bool arc = false;

			/* a base arc between the aliases of a and b */
			for (x = 1; x < MIG_NSTATES && !arc; x++)
				for (y = 1; y < MIG_NSTATES && !arc; y++)
					arc = mig_is_base_arc(x, y) && alias(x, flags) == a &&
					      alias(y, flags) == b && a != b;
			if (!arc || !mig_state_supported(b, flags) || dist[b] >= 0)
				continue;
			dist[b] = dist[a] + 1;
			in_group[b] = mig_is_saving(b) && mig_is_saving(a) &&
				      (a == from || in_group[a]);
			q[t++] = b;
		}
	}
	return -1;
}

static bool all_saving(const uint32_t *path, int upto)
{
	int i;

	for (i = 0; i <= upto; i++)
		if (!mig_is_saving(path[i]))
			return false;
	return true;
}

/* a base arc between states that alias to a and b */
static bool aliased_arc(uint32_t a, uint32_t b, uint64_t flags)
{
	uint32_t x, y;

	for (x = 1; x < MIG_NSTATES; x++)
		for (y = 1; y < MIG_NSTATES; y++)
			if (mig_is_base_arc(x, y) && alias(x, flags) == a && alias(y, flags) == b)
				return true;
	return false;
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(mig_state_name(SC), "STOP_COPY");
	assert_string_equal(mig_state_name(99), "?");
}

static void test_supported(void **state)
{
	(void)state;
	assert_true(mig_state_supported(S_, VFIO_MIGRATION_STOP_COPY));
	assert_true(mig_state_supported(RS, VFIO_MIGRATION_STOP_COPY));
	assert_false(mig_state_supported(RP, VFIO_MIGRATION_STOP_COPY));
	assert_false(mig_state_supported(PC, VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_P2P));
	assert_false(mig_state_supported(PP, VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_PRE_COPY));
	assert_true(mig_state_supported(PP, ALL));
	assert_false(mig_state_supported(VFIO_DEVICE_STATE_ERROR, ALL));
	assert_false(mig_state_supported(8, ALL));
}

/* every step of every path is a base arc (of the aliased states) */
static void test_steps_are_base_arcs(void **state)
{
	uint32_t path[MIG_MAX_PATH], f, t;
	size_t k;
	int n, i;

	(void)state;
	for (k = 0; k < sizeof(flag_sets) / sizeof(flag_sets[0]); k++)
		for (f = 1; f < MIG_NSTATES; f++)
			for (t = 1; t < MIG_NSTATES; t++) {
				n = mig_path(f, t, flag_sets[k], path);
				for (i = 1; i < n; i++) {
					if (!aliased_arc(path[i - 1], path[i], flag_sets[k]))
						fail_msg("flags 0x%llx %s->%s: step %s->%s is no arc",
							 (unsigned long long)flag_sets[k],
							 mig_state_name(f), mig_state_name(t),
							 mig_state_name(path[i - 1]),
							 mig_state_name(path[i]));
					/* a saving-group state inside a path only while the
					 * path has not left the group it started in */
					if (i < n - 1 && mig_is_saving(path[i]) &&
					    !(mig_is_saving(f) && all_saving(path, i)))
						fail_msg("%s->%s passes through %s", mig_state_name(f),
							 mig_state_name(t), mig_state_name(path[i]));
				}
			}
}

/* with every state supported, paths are shortest (BFS) */
static void test_shortest(void **state)
{
	uint32_t path[MIG_MAX_PATH], f, t;
	int n, b;

	(void)state;
	for (f = 1; f < MIG_NSTATES; f++)
		for (t = 1; t < MIG_NSTATES; t++) {
			if (f == SC && (t == PC || t == PP))
				continue;	/* blocked by vfio.h, see test_blocked */
			n = mig_path(f, t, ALL, path);
			b = bfs_len(f, t, ALL);
			if ((n < 0) != (b < 0) || (n >= 0 && n - 1 != b))
				fail_msg("%s->%s: oracle %d arcs, BFS %d", mig_state_name(f),
					 mig_state_name(t), n - 1, b);
		}
}

static void test_blocked(void **state)
{
	uint32_t path[MIG_MAX_PATH], f, t;
	int n;

	(void)state;
	/* vfio.h: "STOP_COPY -> PRE_COPY, STOP_COPY -> PRE_COPY_P2P ... not permitted" */
	assert_int_equal(mig_path(SC, PC, ALL, path), -1);
	assert_int_equal(mig_path(SC, PP, ALL, path), -1);
	for (f = 1; f < MIG_NSTATES; f++)
		for (t = 1; t < MIG_NSTATES; t++) {
			n = mig_path(f, t, ALL, path);
			if (n < 0 && !(f == SC && (t == PC || t == PP)))
				fail_msg("%s->%s unexpectedly invalid", mig_state_name(f),
					 mig_state_name(t));
		}
	/* to ERROR or a bogus value: never */
	assert_int_equal(mig_next_state(R_, VFIO_DEVICE_STATE_ERROR, ALL), -1);
	assert_int_equal(mig_next_state(R_, 8, ALL), -1);
	/* unsupported states are invalid targets and sources */
	assert_int_equal(mig_path(R_, PC, VFIO_MIGRATION_STOP_COPY, path), -1);
	assert_int_equal(mig_path(R_, RP, VFIO_MIGRATION_STOP_COPY, path), -1);
}

static void test_known_paths(void **state)
{
	uint32_t path[MIG_MAX_PATH];
	const uint32_t p1[] = { R_, RP, S_, SC };
	const uint32_t p2[] = { R_, S_ };
	const uint32_t p3[] = { RS, S_, RP, R_, PC };
	const uint32_t p4[] = { PC, PP, SC };
	const uint32_t p5[] = { PC, SC };
	const uint32_t p6[] = { RS, S_, SC };

	(void)state;
	assert_int_equal(mig_path(R_, SC, ALL, path), 4);
	assert_memory_equal(path, p1, sizeof(p1));
	assert_int_equal(mig_path(R_, S_, VFIO_MIGRATION_STOP_COPY, path), 2);
	assert_memory_equal(path, p2, sizeof(p2));
	assert_int_equal(mig_path(RS, PC, ALL, path), 5);
	assert_memory_equal(path, p3, sizeof(p3));
	assert_int_equal(mig_path(PC, SC, ALL, path), 3);
	assert_memory_equal(path, p4, sizeof(p4));
	assert_int_equal(mig_path(PC, SC, VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_PRE_COPY,
				  path), 2);
	assert_memory_equal(path, p5, sizeof(p5));
	assert_int_equal(mig_path(RS, SC, VFIO_MIGRATION_STOP_COPY, path), 3);
	assert_memory_equal(path, p6, sizeof(p6));
	assert_int_equal(mig_path(S_, S_, ALL, path), 1);
}

static void test_fd_arcs(void **state)
{
	(void)state;
	assert_true(mig_returns_fd(S_, SC, ALL));
	assert_true(mig_returns_fd(R_, SC, ALL));	/* ... RP -> S -> SC */
	assert_true(mig_returns_fd(S_, RS, ALL));
	assert_true(mig_returns_fd(SC, RS, ALL));	/* SC -> S -> RS */
	assert_true(mig_returns_fd(R_, PC, ALL));
	assert_true(mig_returns_fd(S_, PC, ALL));
	assert_true(mig_returns_fd(RP, PP, ALL));
	assert_true(mig_returns_fd(R_, PP, ALL));	/* R -> RP -> PP */
	assert_false(mig_returns_fd(PC, SC, ALL));	/* the session continues */
	assert_false(mig_returns_fd(PC, PP, ALL));
	assert_false(mig_returns_fd(PP, PC, ALL));
	assert_false(mig_returns_fd(PP, SC, ALL));
	assert_false(mig_returns_fd(SC, SC, ALL));
	assert_false(mig_returns_fd(R_, R_, ALL));
	assert_false(mig_returns_fd(SC, S_, ALL));
	assert_false(mig_returns_fd(SC, PC, ALL));	/* invalid */
	assert_true(mig_returns_fd(S_, PC, VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_PRE_COPY));
	assert_true(mig_returns_fd(R_, SC, VFIO_MIGRATION_STOP_COPY));
}

static void test_sessions(void **state)
{
	(void)state;
	assert_true(mig_session_alive(PC, SC));
	assert_true(mig_session_alive(PC, PP));
	assert_false(mig_session_alive(PC, R_));
	assert_false(mig_session_alive(SC, S_));
	assert_true(mig_session_alive(RS, RS));
	assert_false(mig_session_alive(RS, S_));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_supported),
		cmocka_unit_test(test_steps_are_base_arcs),
		cmocka_unit_test(test_shortest),
		cmocka_unit_test(test_blocked),
		cmocka_unit_test(test_known_paths),
		cmocka_unit_test(test_fd_arcs),
		cmocka_unit_test(test_sessions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
