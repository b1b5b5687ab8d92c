/* SPDX-License-Identifier: GPL-2.0-or-later OR MIT */
/*
 * The VFIO migration state machine as vfio.h documents it (Linux 6.2+
 * wording, the same FSM 6.1 has minus PRE_COPY): pure logic, no I/O, so the
 * unit tests can check it against vfio.h's rules and the migration area can
 * use it as the oracle of every SET_STATE.
 *
 * States are enum vfio_device_mig_state values (0 ERROR .. 7 PRE_COPY_P2P);
 * `flags` are VFIO_MIGRATION_* bits of VFIO_DEVICE_FEATURE_MIGRATION.
 */
#ifndef CONFORM_MIG_FSM_H
#define CONFORM_MIG_FSM_H

#include <stdbool.h>
#include <stdint.h>

#define MIG_NSTATES	8	/* ERROR .. PRE_COPY_P2P */
#define MIG_MAX_PATH	8

const char *mig_state_name(uint32_t s);	/* "STOP", ...; "?" out of range */

/* Whether a device with these flags supports state s (ERROR: never settable). */
bool mig_state_supported(uint32_t s, uint64_t flags);

/* One of the base arcs vfio.h defines (all 15, regardless of flags). */
bool mig_is_base_arc(uint32_t from, uint32_t to);

/* A saving-group state: PRE_COPY, PRE_COPY_P2P, STOP_COPY. */
bool mig_is_saving(uint32_t s);

/*
 * The step the core takes next from `cur` toward `target`, as
 * vfio_mig_get_next_state() (drivers/vfio/vfio_main.c): -1 if the request
 * is invalid (a state the device does not support, ERROR, a value >= 8, or
 * an arc vfio.h blocks).
 */
int mig_next_state(uint32_t cur, uint32_t target, uint64_t flags);

/*
 * The whole combination path from cur to target: path[0] = cur,
 * path[n-1] = target; returns n (1 when cur == target) or -1 if invalid.
 */
int mig_path(uint32_t cur, uint32_t target, uint64_t flags, uint32_t path[MIG_MAX_PATH]);

/*
 * Whether SET_STATE(cur -> target) returns a new data fd: the last arc of
 * the path is one of RUNNING->PRE_COPY, RUNNING_P2P->PRE_COPY_P2P,
 * STOP->STOP_COPY, STOP->RESUMING (vfio.h "These arcs ... will return a new
 * data_fd").  false for invalid or empty requests.
 */
bool mig_returns_fd(uint32_t cur, uint32_t target, uint64_t flags);

/*
 * Whether a data fd opened by an earlier arc stays a live session in state
 * s given the session started in `session` (a saving state or RESUMING):
 * saving sessions live through the saving group, RESUMING only in RESUMING.
 */
bool mig_session_alive(uint32_t session, uint32_t s);

#endif /* CONFORM_MIG_FSM_H */
