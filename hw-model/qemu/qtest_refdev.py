#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later OR MIT
"""
End-to-end check of the refdev v1 glue in the built QEMU, over qtest (no
guest): BARs and bus mastering by hand, then the PF admin queue, SR-IOV,
a VF DMA engine (pci_dma_* through the glue, bottom half), DMA aimed at the
device's own BAR (DEV-DMA-006), save/load between VFs, Immediate Readiness
(DEV-CAP-005), a LATE fault on the
QEMU_CLOCK_VIRTUAL timer, VF_RESET and a PF FLR (DEV-AQ-006).

    python3 hw-model/qemu/qtest_refdev.py [build/qemu-system-x86_64]

Prints one "ok N - ..." line per check; exits non-zero on the first failure.
"""
import atexit
import struct
import subprocess
import sys

QEMU = sys.argv[1] if len(sys.argv) > 1 else "build/qemu-system-x86_64"
PF_BAR0, PF_BAR2 = 0xE0000000, 0xE0010000
VF_BAR0, VF_BAR2 = 0xE0100000, 0xE0200000
SQ, CQ, BUF, BUF2 = 0x100000, 0x101000, 0x102000, 0x104000
RING, DATA = 0x200000, 0x210000
ECAM = 0xB0000000
n_ok = 0


def qemu_argv(props=""):
    return [QEMU, "-machine", "q35", "-accel", "qtest", "-qtest", "stdio",
            "-nodefaults", "-display", "none", "-m", "64",
            "-L", "/usr/share/seabios", "-L", "/usr/share/qemu",
            "-device", "refdev,bus=pcie.0,addr=4,total-vfs=4" + props]


class QTest:
    def __init__(self, props=""):
        self.p = subprocess.Popen(
            qemu_argv(props),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, text=True)
        atexit.register(self.p.kill)

    def cmd(self, line):
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()
        while True:
            out = self.p.stdout.readline()
            if not out:
                raise SystemExit("qemu exited")
            if out.startswith("OK") or out.startswith("FAIL"):
                if out.startswith("FAIL"):
                    raise SystemExit("qtest: %s -> %s" % (line, out))
                return out.split()[1:]

    def rd(self, addr, size=4):
        return int(self.cmd("read%s 0x%x" % ({1: "b", 2: "w", 4: "l", 8: "q"}[size], addr))[0], 16)

    def wr(self, addr, val, size=4):
        self.cmd("write%s 0x%x 0x%x" % ({1: "b", 2: "w", 4: "l", 8: "q"}[size], addr, val))

    def mem(self, addr, data):
        self.cmd("write 0x%x 0x%x 0x%s" % (addr, len(data), data.hex()))

    def get(self, addr, n):
        return bytes.fromhex(self.cmd("read 0x%x 0x%x" % (addr, n))[0][2:])

    def ecam_on(self):
        """q35 MCH PCIEXBAR (0x60) -> ECAM at 0xb0000000 (no firmware here)."""
        self.cmd("outl 0xcf8 0x80000060")
        self.cmd("outl 0xcfc 0x%x" % (ECAM | 1))

    def cfg(self, devfn, reg, val=None, size=4):
        addr = ECAM + (devfn << 12) + reg
        if val is None:
            return self.rd(addr, size)
        self.wr(addr, val, size)
        return None

    def step(self, ns=1000):
        self.cmd("clock_step %d" % ns)


def ok(cond, what):
    global n_ok
    if not cond:
        print("not ok %d - %s" % (n_ok + 1, what))
        sys.exit(1)
    n_ok += 1
    print("ok %d - %s" % (n_ok, what))


def aq_cmd(q, tail, op, vf=0, p0=0, p1=0, p2=0, addr=0, ln=0, cid=None):
    cid = tail + 1 if cid is None else cid
    c = struct.pack("<BBHHHQIIQQ24x", op, 0, cid, vf, 0, addr, ln, p0, p1, p2)
    q.mem(SQ + 64 * (tail % 8), c)
    q.wr(PF_BAR0 + 0x11C, (tail + 1) % 8)


def cpl(q, idx):
    return struct.unpack("<HHIIHH", q.get(CQ + 16 * (idx % 8), 16))


class Driver:
    """Submits one command at a time and returns its completion."""

    def __init__(self, q):
        self.q, self.tail, self.head, self.phase = q, 0, 0, 1

    def enable(self):
        q = self.q
        q.wr(PF_BAR0 + 0x114, 0)
        q.wr(PF_BAR0 + 0x100, SQ)
        q.wr(PF_BAR0 + 0x108, CQ)
        q.wr(PF_BAR0 + 0x110, 8)
        q.mem(CQ, bytes(128))
        q.wr(PF_BAR0 + 0x114, 1)
        self.tail, self.head, self.phase = 0, 0, 1
        return q.rd(PF_BAR0 + 0x118)

    def post(self, *a, **k):
        aq_cmd(self.q, self.tail, *a, **k)
        self.tail = (self.tail + 1) % 8

    def poll(self):
        c = cpl(self.q, self.head)
        if c[5] & 1 != self.phase:
            return None
        self.head = (self.head + 1) % 8
        if self.head == 0:
            self.phase ^= 1
        self.q.wr(PF_BAR0 + 0x124, self.head)
        return c

    def do(self, *a, **k):
        self.post(*a, **k)
        self.q.step()
        c = self.poll()
        if c is None:
            raise SystemExit("no completion for %r" % (a,))
        return c


def main():
    q = QTest()
    q.ecam_on()
    pf = 4 << 3
    ok(q.cfg(pf, 0) == 0x10F01B36, "PF identity")
    q.cfg(pf, 0x10, PF_BAR0)
    q.cfg(pf, 0x14, 0)
    q.cfg(pf, 0x18, PF_BAR2)
    q.cfg(pf, 0x04, 0x6, 2)
    ok(q.rd(PF_BAR0) == 0x52464456, "PF BAR0 ID")

    d = Driver(q)
    ok(d.enable() == 1, "AQ READY (DEV-AQ-001)")
    c = d.do(0x01, addr=BUF, ln=64)
    idn = struct.unpack("<IHHIIQI", q.get(BUF, 28))
    ok(c[1] == 0 and c[2] == 64 and idn[1] == 4 and idn[2] == 0 and
       idn[3] == 4216, "IDENTIFY through pci_dma_write (ADM-001) %r" % (idn,))
    ok(d.do(0x0C, vf=0)[1] == 2, "no VFs yet: INVALID_VF")

    # SR-IOV: 2 VFs, VF BARs, VF Enable + MSE
    sr = 0x110
    q.cfg(pf, sr + 0x10, 2, 2)
    q.cfg(pf, sr + 0x24, VF_BAR0)
    q.cfg(pf, sr + 0x28, 0)
    q.cfg(pf, sr + 0x2C, VF_BAR2)
    q.cfg(pf, sr + 0x08, 0x9, 2)
    vf0, vf1 = pf + 1, pf + 2
    for vf in (vf0, vf1):
        q.cfg(vf, 0x04, 0x6, 2)                 # memory (QEMU 7.2 wants it) + bus master
    ok(q.cfg(vf0, 0x2C) == 0x10F11B36, "VF 0 subsystem ID %#x" % q.cfg(vf0, 0x2C))
    ok(q.cfg(pf, 0x06, size=2) & 1 and q.cfg(vf0, 0x06, size=2) & 1,
       "Immediate Readiness on PF and VF (DEV-CAP-005)")
    ok(q.rd(VF_BAR0 + 8) == 0x80000000 and q.rd(VF_BAR0 + 0x4000 + 8) == 0x80000001,
       "VF 0/1 FUNC via their BARs")
    c = d.do(0x01, addr=BUF, ln=64)
    ok(struct.unpack("<H", q.get(BUF + 6, 2))[0] == 2, "IDENTIFY num_vfs = 2")

    # VF 0 DMA: FILL then CHECKSUM, in guest RAM
    q.mem(RING, struct.pack("<BBHIQQQ", 2, 0, 0, 64, 0x0807060504030201, DATA, 0) +
          struct.pack("<BBHIQQQ", 3, 0, 0, 64, DATA, 0, 0))
    q.wr(VF_BAR0 + 0x100, RING)
    q.wr(VF_BAR0 + 0x108, 4)
    q.wr(VF_BAR0 + 0x10C, 1)
    q.wr(VF_BAR0 + 0x114, 2)
    q.step()
    data = q.get(DATA, 64)
    ok(data == bytes(range(1, 9)) * 8 and q.rd(VF_BAR0 + 0x11C) == 2,
       "VF DMA FILL ran in a bottom half (DEV-DMA-003)")
    desc = q.get(RING + 32, 32)
    ok(struct.unpack("<H", desc[2:4])[0] == 1 and struct.unpack("<Q", desc[24:])[0] != 0,
       "CHECKSUM write-back")

    # DEV-DMA-006: FILL aimed at the VF's own SCRATCH is a write fault
    q.wr(VF_BAR0 + 0x10, 0x1234)
    q.mem(RING + 64, struct.pack("<BBHIQQQ", 2, 0, 0, 8, 0xFFFF, VF_BAR0 + 0x10, 0))
    q.wr(VF_BAR0 + 0x114, 3)
    q.step()
    st = q.rd(VF_BAR0 + 0x118)
    ok(st == (2 | 4 << 8) and q.rd(VF_BAR0 + 0x10) == 0x1234,
       "DMA to own BAR is a bus error (DEV-DMA-006), status %#x" % st)

    # migration VF 0 -> VF 1
    q.wr(VF_BAR2 + 0x40, 0xCAFEF00D)
    ok(d.do(0x02, vf=0, p0=2)[1] == 0, "VF_SUSPEND STOP")
    q.wr(VF_BAR0 + 0x10, 0x9999)
    ok(q.rd(VF_BAR0 + 0x10) == 0x1234, "STOP drops MMIO writes")
    c = d.do(0x05, vf=0, p0=0, addr=BUF, ln=8192)
    ok(c[1] == 0 and c[2] == 4208, "VF_SAVE FULL")
    d.do(0x02, vf=1, p0=2)
    ok(d.do(0x06, vf=1, addr=BUF, ln=c[2])[1] == 0, "VF_LOAD into VF 1")
    d.do(0x03, vf=1)
    ok(q.rd(VF_BAR2 + 0x1000 + 0x40) == 0xCAFEF00D and
       q.rd(VF_BAR0 + 0x4000 + 0x10) == 0x1234, "VF 1 has VF 0's state (STR-011)")

    # LATE fault on the virtual-clock timer
    ok(d.do(0x0B, vf=0xFFFF, p0=3, p1=1, p2=1000)[1] == 0, "FAULT_INJECT LATE 1 ms")
    d.post(0x0C, vf=0)
    q.step(100000)
    ok(d.poll() is None, "no completion after 0.1 ms")
    q.step(1000000)
    c = d.poll()
    ok(c is not None and c[1] == 0, "completion after 1 ms (DEV-FI-003)")

    # VF_RESET: FLR + resume
    c = d.do(0x0A, vf=0)
    got = (c[1], q.rd(VF_BAR0 + 0x10), q.rd(VF_BAR0 + 0x18), d.do(0x0C, vf=0)[2])
    ok(got[0] == 0 and got[1] == 0 and got[2] >= 1 and got[3] == 0,
       "VF_RESET (ADM-010) %r" % (got,))

    # PF FLR: AQ cleared, VFs gone (DEV-AQ-006, DEV-SRIOV-003)
    exp = 0x60
    q.cfg(pf, exp + 8, q.cfg(pf, exp + 8, size=2) | 0x8000, 2)
    q.step()
    ok(q.rd(PF_BAR0 + 0x114) == 0 and q.rd(PF_BAR0 + 0x118) == 0 and
       q.cfg(pf, sr + 0x08, size=2) == 0, "PF FLR clears the AQ and SR-IOV")
    q.p.kill()          # qtest QEMU does not exit on EOF
    q.p.wait(timeout=10)

    # the fault property (DEV-FI-008): armed at realize and after PF reset
    q = QTest(",imm-ready=off")
    q.ecam_on()
    ok(not q.cfg(pf, 0x06, size=2) & 1, "imm-ready=off: no Immediate Readiness")
    q.p.kill()
    q.p.wait(timeout=10)
    q = QTest(",fault=fail_status:1:7")
    q.ecam_on()
    q.cfg(pf, 0x10, PF_BAR0)
    q.cfg(pf, 0x14, 0)
    q.cfg(pf, 0x04, 0x6, 2)
    d = Driver(q)
    d.enable()
    ok(d.do(0x0C, vf=0)[1] == 7 and d.do(0x0C, vf=0)[1] == 2,
       "fault=fail_status:1:7 fails the first command with 7")
    q.p.kill()
    q.p.wait(timeout=10)
    bad = subprocess.run(qemu_argv(",fault=bogus:1"), input="", text=True,
                         capture_output=True, timeout=20)
    ok(bad.returncode != 0 and "bad fault" in bad.stderr,
       "a bad fault property is refused")
    print("qtest_refdev: %d checks passed" % n_ok)


if __name__ == "__main__":
    main()
