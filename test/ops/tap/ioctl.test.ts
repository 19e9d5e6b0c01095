/**
 * The TUN ioctl numbers and flag bits, computed in src/tun/ioctl.ts from the
 * _IOC layout, against what the C compiler makes of <linux/if_tun.h> on this
 * machine. Skipped (with the reason) where no C compiler or headers exist.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IFNAMSIZ, IFREQ_SIZE, IFR_FLAGS_OFFSET, TUN_FLAG, TUN_IOCTL } from '../../../src/ops/tap/ioctl.js';
import { SIOCGSKNS } from '../../../src/ops/tap/netns.js';

const program = `
#include <stdio.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <net/if.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>
int main(void) {
  printf("{\\"SETIFF\\":%lu,\\"SETPERSIST\\":%lu,\\"SETOWNER\\":%lu,\\"SETGROUP\\":%lu,\\"GETFEATURES\\":%lu,"
         "\\"GETIFF\\":%lu,\\"GETVNETHDRSZ\\":%lu,\\"SETCARRIER\\":%lu,",
    (unsigned long)TUNSETIFF, (unsigned long)TUNSETPERSIST, (unsigned long)TUNSETOWNER, (unsigned long)TUNSETGROUP,
    (unsigned long)TUNGETFEATURES, (unsigned long)TUNGETIFF, (unsigned long)TUNGETVNETHDRSZ, (unsigned long)TUNSETCARRIER);
  printf("\\"TUN\\":%d,\\"TAP\\":%d,\\"MULTI_QUEUE\\":%d,\\"PERSIST\\":%d,\\"NO_PI\\":%d,\\"VNET_HDR\\":%d,\\"TUN_EXCL\\":%d,",
    IFF_TUN, IFF_TAP, IFF_MULTI_QUEUE, IFF_PERSIST, IFF_NO_PI, IFF_VNET_HDR, IFF_TUN_EXCL);
  printf("\\"ifreq\\":%zu,\\"ifr_flags\\":%zu,\\"IFNAMSIZ\\":%d,\\"SIOCGSKNS\\":%d}\\n",
    sizeof(struct ifreq), offsetof(struct ifreq, ifr_flags), IFNAMSIZ, SIOCGSKNS);
  return 0;
}
`;

function compileAndRun(): Record<string, number> | string {
  const dir = mkdtempSync(join(tmpdir(), 'rtnl-tun-ioctl-'));
  try {
    writeFileSync(join(dir, 'x.c'), program);
    for (const cc of ['cc', 'gcc', 'clang']) {
      try {
        execFileSync(cc, ['-o', join(dir, 'x'), join(dir, 'x.c')], { stdio: 'pipe' });
      } catch {
        continue;
      }
      try {
        return JSON.parse(execFileSync(join(dir, 'x'), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })) as Record<string, number>;
      } catch (e) {
        return `the compiled probe cannot run from ${dir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}; a noexec TMPDIR?)`;
      }
    }
    return 'no working C compiler with Linux headers (cc, gcc, clang)';
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const c = process.platform === 'linux' ? compileAndRun() : 'not Linux';
const skip = typeof c === 'string' ? c : undefined;

describe.skipIf(skip !== undefined)(`TUN ioctl ABI against <linux/if_tun.h>${skip ? ` — skipped: ${skip}` : ''}`, () => {
  const h = c as Record<string, number>;
  it('has the kernel headers\' request numbers', () => {
    for (const [name, value] of Object.entries(TUN_IOCTL)) expect({ [name]: value }).toEqual({ [name]: h[name] });
  });
  it('has the kernel headers\' flag bits', () => {
    for (const [name, value] of Object.entries(TUN_FLAG)) expect({ [name]: value }).toEqual({ [name]: h[name] });
  });
  it('lays out struct ifreq as assumed (size, name length, ifr_flags offset); SIOCGSKNS matches', () => {
    expect(h.ifreq).toBe(IFREQ_SIZE);
    expect(h.ifr_flags).toBe(IFR_FLAGS_OFFSET);
    expect(h.IFNAMSIZ).toBe(IFNAMSIZ);
    expect(h.SIOCGSKNS).toBe(SIOCGSKNS);
  });
});
