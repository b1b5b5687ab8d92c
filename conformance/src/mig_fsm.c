// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * The VFIO migration FSM (see mig_fsm.h).  The next-step table is the one
 * vfio.h refers to ("Refer to vfio_mig_get_next_state() for the result of the
 * algorithm"); test_mig_fsm.c checks it against vfio.h's rules: every step
 * is a base arc, paths are shortest, no saving-group state inside a path.
 */
#include <stddef.h>

#ifndef __user
#define __user
#endif
#include <linux/vfio.h>

#include "mig_fsm.h"

enum {
	ERR_ = VFIO_DEVICE_STATE_ERROR,
	STOP = VFIO_DEVICE_STATE_STOP,
	RUN = VFIO_DEVICE_STATE_RUNNING,
	SCOPY = VFIO_DEVICE_STATE_STOP_COPY,
	RES = VFIO_DEVICE_STATE_RESUMING,
	RP2P = VFIO_DEVICE_STATE_RUNNING_P2P,
	PRE = VFIO_DEVICE_STATE_PRE_COPY,
	PREP2P = VFIO_DEVICE_STATE_PRE_COPY_P2P,
};

static const char *const names[MIG_NSTATES] = {
	"ERROR", "STOP", "RUNNING", "STOP_COPY", "RESUMING", "RUNNING_P2P",
	"PRE_COPY", "PRE_COPY_P2P",
};

const char *mig_state_name(uint32_t s)
{
	return s < MIG_NSTATES ? names[s] : "?";
}

/* [cur][target] = next step (vfio_from_fsm_table) */
static const uint8_t next_tab[MIG_NSTATES][MIG_NSTATES] = {
	[STOP] = { [STOP] = STOP, [RUN] = RP2P, [PRE] = RP2P, [PREP2P] = RP2P,
		   [SCOPY] = SCOPY, [RES] = RES, [RP2P] = RP2P, [ERR_] = ERR_ },
	[RUN] = { [STOP] = RP2P, [RUN] = RUN, [PRE] = PRE, [PREP2P] = RP2P,
		  [SCOPY] = RP2P, [RES] = RP2P, [RP2P] = RP2P, [ERR_] = ERR_ },
	[PRE] = { [STOP] = RUN, [RUN] = RUN, [PRE] = PRE, [PREP2P] = PREP2P,
		  [SCOPY] = PREP2P, [RES] = RUN, [RP2P] = RUN, [ERR_] = ERR_ },
	[PREP2P] = { [STOP] = RP2P, [RUN] = RP2P, [PRE] = PRE, [PREP2P] = PREP2P,
		     [SCOPY] = SCOPY, [RES] = RP2P, [RP2P] = RP2P, [ERR_] = ERR_ },
	[SCOPY] = { [STOP] = STOP, [RUN] = STOP, [PRE] = ERR_, [PREP2P] = ERR_,
		    [SCOPY] = SCOPY, [RES] = STOP, [RP2P] = STOP, [ERR_] = ERR_ },
	[RES] = { [STOP] = STOP, [RUN] = STOP, [PRE] = STOP, [PREP2P] = STOP,
		  [SCOPY] = STOP, [RES] = RES, [RP2P] = STOP, [ERR_] = ERR_ },
	[RP2P] = { [STOP] = STOP, [RUN] = RUN, [PRE] = RUN, [PREP2P] = PREP2P,
		   [SCOPY] = STOP, [RES] = STOP, [RP2P] = RP2P, [ERR_] = ERR_ },
	[ERR_] = { 0 },	/* all ERROR */
};

static uint64_t needs(uint32_t s)
{
	switch (s) {
	case STOP: case RUN: case SCOPY: case RES:
		return VFIO_MIGRATION_STOP_COPY;
	case RP2P:
		return VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_P2P;
	case PRE:
		return VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_PRE_COPY;
	case PREP2P:
		return VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_P2P | VFIO_MIGRATION_PRE_COPY;
	default:
		return ~0ull;
	}
}

bool mig_state_supported(uint32_t s, uint64_t flags)
{
	return s < MIG_NSTATES && (needs(s) & flags) == needs(s);
}

bool mig_is_base_arc(uint32_t from, uint32_t to)
{
	static const uint8_t arcs[][2] = {
		{ RP2P, STOP }, { SCOPY, STOP }, { RES, STOP }, { PRE, RUN },
		{ RP2P, RUN }, { PREP2P, RP2P }, { RUN, RP2P }, { STOP, RP2P },
		{ RUN, PRE }, { RP2P, PREP2P }, { STOP, SCOPY }, { PRE, PREP2P },
		{ PREP2P, PRE }, { PREP2P, SCOPY }, { STOP, RES },
	};
	size_t i;

	for (i = 0; i < sizeof(arcs) / sizeof(arcs[0]); i++)
		if (arcs[i][0] == from && arcs[i][1] == to)
			return true;
	return false;
}

bool mig_is_saving(uint32_t s)
{
	return s == PRE || s == PREP2P || s == SCOPY;
}

int mig_next_state(uint32_t cur, uint32_t target, uint64_t flags)
{
	uint32_t next;
	int guard = 0;

	if (!mig_state_supported(cur, flags) || !mig_state_supported(target, flags))
		return -1;
	next = next_tab[cur][target];
	/* "Arcs touching optional and unsupported states are skipped over." */
	while (!mig_state_supported(next, flags) && next != ERR_ && guard++ < MIG_NSTATES)
		next = next_tab[next][target];
	return next == ERR_ ? -1 : (int)next;
}

int mig_path(uint32_t cur, uint32_t target, uint64_t flags, uint32_t path[MIG_MAX_PATH])
{
	int n = 1, next;

	if (!mig_state_supported(cur, flags) || !mig_state_supported(target, flags))
		return -1;
	path[0] = cur;
	while (cur != target) {
		next = mig_next_state(cur, target, flags);
		if (next < 0 || n >= MIG_MAX_PATH)
			return -1;
		cur = (uint32_t)next;
		path[n++] = cur;
	}
	return n;
}

static bool fd_arc(uint32_t from, uint32_t to)
{
	return (from == RUN && to == PRE) || (from == RP2P && to == PREP2P) ||
	       (from == STOP && to == SCOPY) || (from == STOP && to == RES);
}

bool mig_returns_fd(uint32_t cur, uint32_t target, uint64_t flags)
{
	uint32_t path[MIG_MAX_PATH];
	int n = mig_path(cur, target, flags, path);

	return n >= 2 && fd_arc(path[n - 2], path[n - 1]);
}

bool mig_session_alive(uint32_t session, uint32_t s)
{
	if (session == RES)
		return s == RES;
	return mig_is_saving(session) && mig_is_saving(s);
}
