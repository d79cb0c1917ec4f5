#!/usr/bin/env python3
"""Regenerates machines.tsv: every e_machine value binutils readelf names, with readelf's
description (from running readelf -h on a crafted header per value) and the value's spec name
from the system's <elf.h> (glibc), else binutils' include/elf/common.h (listed below, as
binutils 2.40 spells them). Run from this directory: python3 regen-machines.py > machines.tsv"""
import os, re, struct, subprocess, sys, tempfile

BINUTILS_ONLY = {11: 'EM_OLD_SPARCV9', 182: 'EM_INTEL182', 184: 'EM_ARM184', 244: 'EM_LANAI', 245: 'EM_CEVA',
    246: 'EM_CEVA_X2', 248: 'EM_GRAPHCORE_IPU', 249: 'EM_IMG1', 250: 'EM_NFP', 251: 'EM_VE',
    253: 'EM_ARC_COMPACT3_64', 254: 'EM_MCS6502', 255: 'EM_ARC_COMPACT3', 256: 'EM_KVX', 257: 'EM_65816',
    259: 'EM_KF32', 0x1057: 'EM_AVR_OLD', 0x1223: 'EM_ADAPTEVA_EPIPHANY', 0x2530: 'EM_MT',
    0x3330: 'EM_CYGNUS_FR30', 0x4157: 'EM_WEBASSEMBLY', 0x4688: 'EM_XC16X', 0x4def: 'EM_S12Z',
    0x5441: 'EM_CYGNUS_FRV', 0x5aa5: 'EM_DLX', 0x7650: 'EM_CYGNUS_D10V', 0x7676: 'EM_CYGNUS_D30V',
    0x8217: 'EM_IP2K_OLD', 0x9041: 'EM_CYGNUS_M32R', 0x9080: 'EM_CYGNUS_V850', 0xa390: 'EM_S390_OLD',
    0xabc7: 'EM_XTENSA_OLD', 0xad45: 'EM_XSTORMY16', 0xbaab: 'EM_MICROBLAZE_OLD', 0xbeef: 'EM_CYGNUS_MN10300',
    0xdead: 'EM_CYGNUS_MN10200', 0xf00d: 'EM_CYGNUS_MEP', 0xfeb0: 'EM_M32C_OLD', 0xfeba: 'EM_IQ2000',
    0xfebb: 'EM_NIOS32'}

names = {}
for line in open('/usr/include/elf.h'):
    m = re.match(r'#define (EM_\w+)\s+(0x[0-9a-fA-F]+|\d+)\b', line)
    if m and m.group(1) != 'EM_NUM':
        names.setdefault(int(m.group(2), 0), m.group(1))
for k, v in BINUTILS_ONLY.items():
    names.setdefault(k, v)

with tempfile.TemporaryDirectory() as d:
    files = []
    for v in range(0x10000):
        p = os.path.join(d, '%05d' % v)
        with open(p, 'wb') as f:
            f.write(b'\x7fELF\x02\x01\x01' + b'\0' * 9
                    + struct.pack('<HHIQQQIHHHHHH', 1, v, 1, 0, 0, 0, 0, 64, 0, 0, 64, 0, 0))
        files.append(p)
    out = []
    for i in range(0, len(files), 4096):
        out.append(subprocess.run(['env', 'LC_ALL=C', 'readelf', '-h'] + files[i:i + 4096],
                                  capture_output=True, text=True).stdout)
    text = ''.join(out)
v = None
print('# value\treadelf -h Machine\tspec name (<elf.h>, else binutils include/elf/common.h)')
for line in text.splitlines():
    m = re.match(r'^File: .*/(\d{5})$', line)
    if m:
        v = int(m.group(1))
        continue
    m = re.match(r'^\s*Machine:\s+(.*?)\s*$', line)
    if m and not m.group(1).startswith('<unknown>'):
        print('%d\t%s\t%s' % (v, m.group(1), names.get(v, '?')))
