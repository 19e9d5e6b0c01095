/**
 * Kernel features the live tests depend on, probed on the running kernel —
 * never assumed from its release string or from the machine. Each probe
 * tries the feature for real with `ip`/`tc` inside a throwaway namespace it
 * deletes at once, and is cached for the test process.
 *
 * A missing feature is a skip reason that names it. In a lane whose kernel
 * is known to have the features (the full-kernel lane sets
 * `RTNL_REQUIRE_FEATURES=all`, a comma-separated list, or `all,-F` for a
 * kernel older than feature F), a missing
 * required feature is an error instead: there, a skip would hide a failure.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { canRunLive, liveSkipReason, uniqueName } from './live.js';
import { toolMissing } from './tools.js';

export type KernelFeature =
  | 'tun'
  | 'ipv6'
  | 'vxlan'
  | 'ifb'
  | 'bridge-vlan-filtering'
  | 'dummy'
  | 'vlan'
  | 'macvlan'
  | 'macvtap'
  | 'ipvlan'
  | 'ipvtap'
  | 'bond'
  | 'vrf'
  | 'wireguard'
  | 'geneve'
  | 'gre'
  | 'ip6gre'
  | 'ipip'
  | 'sit'
  | 'ip6tnl'
  | 'netkit'
  | 'netem'
  | 'fq_codel'
  | 'tbf'
  | 'htb'
  | 'ingress';

const run = (cmd: string, args: string[]): void => {
  execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
};
const stderrOf = (e: unknown): string => ((e as { stderr?: string }).stderr ?? (e as Error).message).trim().split('\n')[0] ?? '';

/** Links in the initial namespace, by name: module loads may add some there (ifb). */
const rootLinkNames = (): Set<string> =>
  new Set((JSON.parse(execFileSync('ip', ['-j', 'link', 'show'], { encoding: 'utf8' })) as { ifname: string }[]).map((l) => l.ifname));

/**
 * Runs `fn`, then removes the devices a module load made in the initial
 * namespace meanwhile: loading ifb (the first ifb link on a machine does)
 * creates ifb0 and ifb1 there (its numifbs parameter), loading bonding
 * creates bond0 (max_bonds, default 1), and an old dummy module dummy0
 * (numdummies). Only names that appeared during `fn` are removed, so a
 * machine's own devices of those names — made at boot by a built-in
 * driver, or by its owner — are never touched.
 */
export function withoutRootTrace<T>(fn: () => T): T {
  const before = rootLinkNames();
  try {
    return fn();
  } finally {
    for (const name of rootLinkNames()) {
      if (!before.has(name) && /^(ifb|bond|dummy)\d+$/.test(name)) run('ip', ['link', 'del', name]);
    }
  }
}

/** Runs `fn(ns)` in a namespace made for the probe and deleted afterwards, leaving no trace in the initial namespace. */
export function inScratchNetns(fn: (ns: string) => void): void {
  const ns = uniqueName('rtnlprobe');
  withoutRootTrace(() => {
    run('ip', ['netns', 'add', ns]);
    try {
      fn(ns);
    } finally {
      try {
        run('ip', ['netns', 'del', ns]);
      } catch {
        // already gone
      }
    }
  });
}

/** `ip link add` of a probe device of `kind` (with a veth parent where the kind needs a lower device). */
function linkProbe(kind: string, args: string[] = [], needsParent = false): () => string | undefined {
  return () => {
    let why: string | undefined;
    inScratchNetns((ns) => {
      try {
        if (needsParent) run('ip', ['-n', ns, 'link', 'add', 'pp0', 'type', 'veth', 'peer', 'name', 'pp1']);
        run('ip', ['-n', ns, 'link', 'add', ...(needsParent ? ['link', 'pp0'] : []), 'name', 'probe0', 'type', kind, ...args]);
      } catch (e) {
        why = `this kernel (or ip) cannot create a link of kind ${kind}: ${stderrOf(e)}`;
      }
    });
    return why;
  };
}

/** `tc qdisc add … root KIND` on a veth in a scratch namespace. */
function qdiscProbe(kind: string, args: string[] = [], parent = ['root']): () => string | undefined {
  return () => {
    const noTc = toolMissing('tc');
    if (noTc) return noTc;
    let why: string | undefined;
    inScratchNetns((ns) => {
      run('ip', ['-n', ns, 'link', 'add', 'pp0', 'type', 'veth', 'peer', 'name', 'pp1']);
      try {
        run('tc', ['-n', ns, 'qdisc', 'add', 'dev', 'pp0', ...parent, kind, ...args]);
      } catch (e) {
        why = `this kernel has no ${kind} qdisc: ${stderrOf(e)}`;
      }
    });
    return why;
  };
}

const PROBES: Record<KernelFeature, () => string | undefined> = {
  tun: () => {
    if (!existsSync('/dev/net/tun')) return '/dev/net/tun does not exist (no TUN/TAP driver, or a container without the device)';
    try {
      closeSync(openSync('/dev/net/tun', 'r+'));
      return undefined;
    } catch (e) {
      return `/dev/net/tun cannot be opened: ${(e as NodeJS.ErrnoException).code}`;
    }
  },
  ipv6: () => {
    let why: string | undefined;
    inScratchNetns((ns) => {
      try {
        const v = execFileSync('ip', ['netns', 'exec', ns, 'cat', '/proc/sys/net/ipv6/conf/default/disable_ipv6'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
        if (v.trim() !== '0') why = 'IPv6 is disabled in new namespaces (net.ipv6.conf.default.disable_ipv6 inherited as 1)';
      } catch {
        why = 'this kernel has no IPv6 (no /proc/sys/net/ipv6: CONFIG_IPV6 off or ipv6.disable=1)';
      }
    });
    return why;
  },
  vxlan: linkProbe('vxlan', ['id', '1', 'dstport', '4789']),
  ifb: linkProbe('ifb'),
  'bridge-vlan-filtering': () => {
    let why: string | undefined;
    inScratchNetns((ns) => {
      try {
        run('ip', ['-n', ns, 'link', 'add', 'probe0', 'type', 'bridge', 'vlan_filtering', '1']);
      } catch (e) {
        why = `this kernel has no bridge VLAN filtering (CONFIG_BRIDGE_VLAN_FILTERING): ${stderrOf(e)}`;
      }
    });
    return why;
  },
  dummy: linkProbe('dummy'),
  vlan: linkProbe('vlan', ['id', '10'], true),
  macvlan: linkProbe('macvlan', ['mode', 'bridge'], true),
  macvtap: linkProbe('macvtap', ['mode', 'bridge'], true),
  ipvlan: linkProbe('ipvlan', ['mode', 'l2'], true),
  ipvtap: linkProbe('ipvtap', ['mode', 'l2'], true),
  bond: linkProbe('bond'),
  vrf: linkProbe('vrf', ['table', '10']),
  wireguard: linkProbe('wireguard'),
  geneve: linkProbe('geneve', ['id', '1', 'remote', '10.0.0.1']),
  gre: linkProbe('gre', ['remote', '10.0.0.1']),
  ip6gre: linkProbe('ip6gre', ['remote', 'fd00::1']),
  ipip: linkProbe('ipip', ['remote', '10.0.0.1']),
  sit: linkProbe('sit', ['remote', '10.0.0.1']),
  ip6tnl: linkProbe('ip6tnl', ['remote', 'fd00::1']),
  // Linux 6.7+; ip sends the bare kind even where it has no netkit parser (iproute2 < 6.7).
  netkit: linkProbe('netkit'),
  netem: qdiscProbe('netem', ['delay', '1ms']),
  fq_codel: qdiscProbe('fq_codel'),
  tbf: qdiscProbe('tbf', ['rate', '1mbit', 'burst', '10kb', 'latency', '50ms']),
  htb: qdiscProbe('htb'),
  ingress: qdiscProbe('ingress', [], []),
};

const probed = new Map<KernelFeature, string | undefined>();

/**
 * Whether this process must find feature `f`, so its absence is an error.
 * RTNL_REQUIRE_FEATURES: `all`, a comma-separated list, or `all` with
 * exceptions (`all,-netkit`: a lane whose kernel predates a feature).
 */
export function required(f: KernelFeature | 'openvswitch'): boolean {
  const want = (process.env.RTNL_REQUIRE_FEATURES ?? '').split(',').map((s) => s.trim());
  if (want.includes(`-${f}`)) return false;
  return want.includes('all') || want.includes(f);
}

/**
 * Why the live tests of `features` cannot run here — live tests impossible
 * (no root …) or the first feature this kernel lacks — or undefined when
 * they can. Throws where a missing feature is required.
 */
export function kernelLacks(...features: KernelFeature[]): string | undefined {
  if (!canRunLive) return liveSkipReason;
  for (const f of features) {
    if (!probed.has(f)) probed.set(f, PROBES[f]());
    const why = probed.get(f);
    if (why === undefined) continue;
    if (required(f)) throw new Error(`kernel feature "${f}" is required here (RTNL_REQUIRE_FEATURES) but missing: ${why}`);
    console.warn(`\n*** rtnl live tests of ${f} SKIPPED: ${why} ***\n`);
    return why;
  }
  return undefined;
}
