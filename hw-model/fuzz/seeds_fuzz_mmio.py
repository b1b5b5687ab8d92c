#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later OR MIT
"""Write the seed corpus of fuzz_mmio (input format: see fuzz_mmio.c).

Usage: seeds_fuzz_mmio.py DIR
Run by hw-model/Makefile before fuzzing (DIR: $(O)/seeds/fuzz_mmio).
"""
import os
import struct
import sys

PF, VF = 0, 1
REGS, SRAM = 0x00, 0x60          # bar selector bytes (decode_bar)
BAD_BAR1, BAD_BAR3, BAD_M1 = 0xc0, 0xc1, 0xff


def sz(n):
    """Size selector for a valid size, offset aligned down to it."""
    return 0x40 | {1: 0, 2: 1, 4: 2, 8: 3}[n]


def hdr(ops=0, vf_index=0):
    return bytes([ops]) + struct.pack('<H', vf_index)


def acc(f, bar, off, szsel, val=None, wide=False):
    """A read, or a write of val; wide: the offset is 8 raw bytes."""
    b = bytes([f | (0 if val is None else 3 << 1) | (0x10 if wide else 0), bar, szsel])
    b += struct.pack('<Q' if wide else '<H', off)
    return b if val is None else b + struct.pack('<Q', val)


def rd(f, bar, off, n=4, szsel=None):
    return acc(f, bar, off, sz(n) if szsel is None else szsel)


def wr(f, bar, off, n, val, szsel=None):
    return acc(f, bar, off, sz(n) if szsel is None else szsel, val)


def reset(f):
    return bytes([f | 6 << 1])


def saturate(f, below=0):
    return bytes([f | 7 << 1, below << 1])


def power_on(f):
    return bytes([f | 7 << 1, 1])


def seeds():
    s = hdr(0, 3)
    for f in (PF, VF):
        for off in range(0, 0x20, 4):
            s += rd(f, REGS, off)
        s += wr(f, REGS, 0x10, 4, 0x12345678) + rd(f, REGS, 0x10)
        s += wr(f, REGS, 0x14, 4, 2) + wr(f, REGS, 0x14, 4, 9)
        s += wr(f, REGS, 0x10, 8, 0x00000001cafef00d) + rd(f, REGS, 0x10, 8)
        s += wr(f, REGS, 0x10, 1, 0xff) + wr(f, REGS, 0x12, 2, 0xffff)
        s += rd(f, REGS, 0x1, 1) + rd(f, REGS, 0x2, 2) + rd(f, REGS, 0x0, 8)
        s += reset(f) + rd(f, REGS, 0x18)
    yield 'regs', s

    s = hdr(0, 0)
    for f in (PF, VF):
        for n, off in ((1, 0), (2, 0x102), (4, 0x204), (8, 0x308), (8, 0xff8), (1, 0xfff)):
            s += wr(f, SRAM, off, n, 0x8877665544332211) + rd(f, SRAM, off, n)
        s += rd(f, SRAM, 0x300, 8) + rd(f, SRAM, 0x30c, 4) + reset(f) + rd(f, SRAM, 0x308, 8)
    yield 'sram', s

    s = hdr(0, 31)
    s += rd(PF, BAD_BAR1, 0) + wr(VF, BAD_BAR3, 0x10, 4, 1) + rd(PF, BAD_M1, 0)
    s += rd(PF, REGS, 0x1, szsel=0x01) + wr(VF, SRAM, 0x3, 4, 1, szsel=0x02)   # misaligned
    s += rd(PF, REGS, 0x9000, 8) + wr(VF, SRAM, 0xfffc, 8, 0)                 # beyond windows
    s += rd(PF, REGS, 0, szsel=0x80) + wr(VF, SRAM, 0, 0, 0, szsel=0x87)      # size 0, UINT_MAX
    s += rd(PF, SRAM, 0, szsel=0xc3) + wr(PF, REGS, 0x10, 0, 5, szsel=0xc5)   # size 3, 5
    s += acc(PF, REGS, 0xfffffffffffffff8, sz(8), wide=True)
    s += acc(VF, SRAM, 0x8000000000000000, sz(4), 7, wide=True)
    s += acc(VF, SRAM, 0x0000000100000000, sz(1), wide=True)
    yield 'invalid', s

    s = hdr(0, 1)
    for f in (PF, VF):
        s += saturate(f, 2) + reset(f) + rd(f, REGS, 0x18) + reset(f) + reset(f) + rd(f, REGS, 0x18)
        s += wr(f, REGS, 0x10, 4, 5) + power_on(f) + rd(f, REGS, 0x10) + rd(f, REGS, 0x18)
    yield 'reset-saturation', s

    s = hdr(2 | 3 << 2, 7)           # PF: ops == NULL; VF: raise_msix == NULL
    for f in (PF, VF):
        for v in range(6):
            s += wr(f, REGS, 0x14, 4, v)
        s += wr(f, REGS, 0x10, 8, 0x0000000300000003) + reset(f)
    yield 'null-ops', s


def main():
    if len(sys.argv) != 2:
        sys.exit('usage: seeds_fuzz_mmio.py DIR')
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, data in seeds():
        with open(os.path.join(out, 'seed-' + name), 'wb') as f:
            f.write(data)
        print(f'{name}: {len(data)} bytes')


if __name__ == '__main__':
    main()
