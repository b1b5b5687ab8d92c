/* SPDX-License-Identifier: GPL-2.0-or-later OR MIT */
/* The refdev personality's ops, for its own device tests (tests.c). */
#ifndef CONFORM_PERS_REFDEV_H
#define CONFORM_PERS_REFDEV_H

#include "personality.h"

extern const struct personality pers_refdev;

#endif /* CONFORM_PERS_REFDEV_H */
