/**
 * Records real kernel answers for the decoder fuzzers: builds a throwaway
 * namespace holding one of everything this library decodes (veth, bridge
 * and bridge port, tun, tap, vxlan, ifb, an alternative name, a veth whose
 * peer lives in a second namespace and so an nsid; IPv4/IPv6 addresses,
 * routes with metrics and multipath, unreachable/blackhole routes, IPv4/
 * IPv6/proxy neighbours, bridge FDB entries, IPv4/IPv6 policy rules of
 * every selector), dumps every table through
 * RtnlSocket, and writes each datagram the kernel sent (plus a few ACKs and
 * extended-ACK errors) as hex to test/hardening/fixtures/recorded.hex.
 *
 * Run as root: `node scripts/fuzz.mjs --capture`. iproute2 builds the
 * scene (an independent oracle); the namespaces are deleted afterwards.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { RtnlSocket } from '../../src/netlink/socket.js';
import { NLM_F } from '../../src/netlink/constants.js';
import { getShim } from '../../src/shim/index.js';
import { AF, RTM } from '../../src/rtnetlink/constants.js';
import { linkMessage } from '../../src/rtnetlink/link/index.js';
import { addrMessage } from '../../src/rtnetlink/addr/index.js';
import { routeMessage } from '../../src/rtnetlink/route/index.js';
import { neighMessage } from '../../src/rtnetlink/neigh/index.js';
import { nsidMessage } from '../../src/rtnetlink/nsid/index.js';
import { ruleMessage } from '../../src/rtnetlink/rule/index.js';
import type { ByteWriter } from '../../src/netlink/writer.js';
import { wrapShim } from './_shim.js';

const ip = (args: string[], ns?: string) =>
  execFileSync('ip', ns ? ['-n', ns, ...args] : args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
const bridgeCmd = (args: string[], ns: string) => execFileSync('ip', ['netns', 'exec', ns, 'bridge', ...args], { stdio: 'pipe' });

export async function capture(outFile: string): Promise<number> {
  const a = `rtnlfz-a-${process.pid}`;
  const b = `rtnlfz-b-${process.pid}`;
  const lines: string[] = [];
  try {
    ip(['netns', 'add', a]);
    ip(['netns', 'add', b]);
    const sh = (args: string[]) => ip(args, a);
    sh(['link', 'set', 'lo', 'up']);
    sh(['link', 'add', 'br0', 'type', 'bridge', 'stp_state', '0']);
    sh(['link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1']);
    sh(['link', 'set', 'v0', 'master', 'br0']);
    sh(['link', 'property', 'add', 'dev', 'v1', 'altname', 'a-long-alternative-name']);
    // Before the veth into b: creating it would assign b an id automatically.
    sh(['netns', 'set', b, '7']);
    sh(['link', 'add', 'x0', 'type', 'veth', 'peer', 'name', 'x1', 'netns', b]);
    sh(['tuntap', 'add', 'mode', 'tap', 'name', 'tap0', 'multi_queue']);
    sh(['tuntap', 'add', 'mode', 'tun', 'name', 'tun0']);
    sh(['link', 'add', 'vx0', 'type', 'vxlan', 'id', '42', 'dstport', '4789', 'local', '10.9.0.1', 'remote', '10.9.0.2', 'ttl', '16']);
    sh(['link', 'add', 'ifb0', 'type', 'ifb']);
    sh(['link', 'set', 'tap0', 'master', 'br0']);
    for (const l of ['br0', 'v0', 'v1', 'x0', 'tap0', 'vx0', 'ifb0']) sh(['link', 'set', l, 'up']);
    ip(['link', 'set', 'x1', 'up'], b);
    sh(['addr', 'add', '10.1.0.1/24', 'dev', 'br0', 'label', 'br0:main']);
    sh(['addr', 'add', '10.1.0.2/24', 'dev', 'br0']);
    sh(['addr', 'add', '10.2.0.1', 'peer', '10.2.0.2/32', 'dev', 'v1']);
    sh(['addr', 'add', '10.3.0.1/24', 'dev', 'x0', 'valid_lft', '3600', 'preferred_lft', '1800']);
    sh(['addr', 'add', 'fd00::1/64', 'dev', 'br0', 'nodad']);
    sh(['addr', 'add', 'fd00:1::1/64', 'dev', 'x0', 'nodad', 'valid_lft', '600', 'preferred_lft', '300']);
    sh(['route', 'add', '10.5.0.0/16', 'via', '10.1.0.254', 'metric', '20']);
    sh(['route', 'add', '10.6.0.0/16', 'nexthop', 'via', '10.1.0.253', 'weight', '2', 'nexthop', 'via', '10.3.0.254', 'dev', 'x0']);
    sh(['route', 'add', '10.7.0.0/16', 'via', '10.1.0.254', 'mtu', 'lock', '1400', 'advmss', '1300', 'initcwnd', '10', 'congctl', 'reno']);
    sh(['route', 'add', 'unreachable', '10.8.0.0/16']);
    sh(['route', 'add', 'blackhole', '10.10.0.0/16']);
    sh(['route', 'add', '10.11.0.0/16', 'via', '10.1.0.254', 'table', '100']);
    sh(['route', 'add', 'fd01::/64', 'via', 'fd00::2', 'dev', 'br0', 'expires', '300']);
    sh(['route', 'add', 'fd02::/64', 'nexthop', 'via', 'fd00::3', 'dev', 'br0', 'nexthop', 'via', 'fd00:1::3', 'dev', 'x0']);
    sh(['neigh', 'add', '10.1.0.9', 'lladdr', '02:00:00:00:00:09', 'dev', 'br0', 'nud', 'permanent']);
    sh(['neigh', 'add', '10.1.0.10', 'lladdr', '02:00:00:00:00:0a', 'dev', 'br0', 'nud', 'stale']);
    sh(['neigh', 'add', 'fd00::9', 'lladdr', '02:00:00:00:00:19', 'dev', 'br0', 'nud', 'reachable', 'router']);
    sh(['neigh', 'add', 'proxy', '10.1.0.77', 'dev', 'br0']);
    bridgeCmd(['fdb', 'add', '02:00:00:00:00:10', 'dev', 'v0', 'master', 'static'], a);
    bridgeCmd(['fdb', 'append', '00:00:00:00:00:00', 'dev', 'vx0', 'dst', '10.9.0.3', 'self', 'permanent'], a);
    sh(['rule', 'add', 'from', '10.0.0.0/8', 'to', '10.1.0.0/16', 'tos', '0x10', 'table', '100', 'pref', '1000']);
    sh(['rule', 'add', 'not', 'fwmark', '0x10/0xff', 'iif', 'br0', 'oif', 'gone0', 'uidrange', '1000-2000', 'blackhole', 'pref', '1001']);
    sh(['rule', 'add', 'ipproto', 'tcp', 'sport', '80', 'dport', '1000-2000', 'realms', '3/4', 'tun_id', '77', 'table', '1000000', 'proto', 'static', 'pref', '1002']);
    sh(['rule', 'add', 'l3mdev', 'pref', '1003']);
    sh(['rule', 'add', 'goto', '5000', 'pref', '1004']);
    sh(['rule', 'add', 'suppress_prefixlength', '0', 'suppress_ifgroup', '5', 'table', 'main', 'pref', '1005']);
    sh(['-6', 'rule', 'add', 'from', 'fd00::/16', 'to', 'fd01::1', 'tos', 'AF11', 'prohibit', 'pref', '1006']);

    const real = getShim();
    let label = '';
    const shim = wrapShim(real, {
      recv(fd, buf, flags) {
        const n = real.recv(fd, buf, flags);
        if (label) lines.push(`${label} ${Buffer.from(buf.subarray(0, Math.min(n, buf.length))).toString('hex')}`);
        return n;
      },
    });
    const sock = RtnlSocket.open({ netns: a, shim });
    const dump = async (name: string, type: number, body: (w: ByteWriter) => void) => {
      label = name;
      await sock.dumpAll(type, 0, body);
      label = '';
    };
    const link = (family: number) => (w: ByteWriter) => linkMessage.encode(w, { header: { family, type: 0, index: 0, flags: 0, change: 0 } });
    await dump('link', RTM.GETLINK, link(AF.UNSPEC));
    await dump('link-bridge', RTM.GETLINK, link(AF.BRIDGE));
    await dump('link-inet6', RTM.GETLINK, link(AF.INET6));
    const addr = (family: number) => (w: ByteWriter) => addrMessage.encode(w, { header: { family, prefixLength: 0, flags: 0, scope: 0, index: 0 } });
    await dump('addr', RTM.GETADDR, addr(AF.INET));
    await dump('addr', RTM.GETADDR, addr(AF.INET6));
    const route = (family: number) => (w: ByteWriter) =>
      routeMessage.encode(w, { header: { family, dstLength: 0, srcLength: 0, tos: 0, table: 0, protocol: 0, scope: 0, type: 0, flags: 0 } });
    await dump('route', RTM.GETROUTE, route(AF.INET));
    await dump('route', RTM.GETROUTE, route(AF.INET6));
    const neigh = (family: number) => (w: ByteWriter) => neighMessage.encode(w, { header: { family, ifindex: 0, state: 0, flags: 0, type: 0 } });
    await dump('neigh', RTM.GETNEIGH, neigh(AF.UNSPEC));
    await dump('neigh', RTM.GETNEIGH, neigh(AF.BRIDGE));
    const rule = (family: number) => (w: ByteWriter) => ruleMessage.encode(w, { header: { family, dstLength: 0, srcLength: 0, tos: 0, table: 0, action: 0, flags: 0 } });
    await dump('rule', RTM.GETRULE, rule(AF.INET));
    await dump('rule', RTM.GETRULE, rule(AF.INET6));
    await dump('nsid', RTM.GETNSID, (w) => nsidMessage.encode(w, { header: { family: AF.UNSPEC } }));
    // Control messages: an ACK, an extended-ACK error with a message and an
    // offset, an ENODEV without one.
    label = 'control';
    await sock.request(RTM.NEWLINK, 0, (w) => linkMessage.encode(w, { header: { family: 0, type: 0, index: 1, flags: 1, change: 1 } }));
    await sock
      .request(RTM.NEWLINK, NLM_F.CREATE | NLM_F.EXCL, (w) =>
        linkMessage.encode(w, { header: { family: 0, type: 0, index: 0, flags: 0, change: 0 }, attrs: { ifname: 'x'.repeat(20), linkinfo: { kind: 'bridge' } } }),
      )
      .catch(() => undefined);
    await sock
      .request(RTM.GETLINK, 0, (w) => linkMessage.encode(w, { header: { family: 0, type: 0, index: 0, flags: 0, change: 0 }, attrs: { ifname: 'nope0' } }))
      .catch(() => undefined);
    await sock
      .request(RTM.NEWLINK, NLM_F.CREATE | NLM_F.EXCL, (w) =>
        linkMessage.encode(w, { header: { family: 0, type: 0, index: 0, flags: 0, change: 0 }, attrs: { ifname: 'br0', linkinfo: { kind: 'bridge' } } }),
      )
      .catch(() => undefined);
    label = '';
    sock.close();
  } finally {
    for (const n of [a, b]) {
      try {
        ip(['netns', 'del', n]);
      } catch {
        // already gone
      }
    }
  }
  const header = [
    '# Datagrams a 6.x kernel sent to RtnlSocket: "<label> <hex>", one per line.',
    '# Written by `node scripts/fuzz.mjs --capture` (test/hardening/_capture.ts); the seeds of the decoder fuzzers.',
    `# kernel ${execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim()}`,
  ];
  writeFileSync(outFile, `${[...header, ...lines].join('\n')}\n`);
  return lines.length;
}
