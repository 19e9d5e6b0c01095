/**
 * `npm start`: veth vs TAP, and how each attaches to a Linux bridge — built
 * for real in throwaway network namespaces, exercised, and removed again.
 *
 *            namespace "sw" (the switch)
 *        ┌───────────────── br0 ─────────────────┐
 *     veth-a                 veth-b               tap0
 *        │ veth pair            │ veth pair          │ file descriptor
 *      eth0                   eth0             this TypeScript process
 *   namespace "a"          namespace "b"       (plays host 10.77.0.99)
 *   10.77.0.1/24           10.77.0.2/24
 *
 * A veth pair is a cable with a network device at each end: one end is a
 * port of the bridge, the other is born directly inside a namespace, so a
 * namespace gets a NIC plugged into the switch. A TAP is a device whose
 * other end is a file descriptor in a program: every frame the bridge sends
 * out of tap0 is read here, every frame written here enters the bridge as
 * if it came from a wire. The bridge floods broadcasts (ARP requests) and
 * unicast frames to unknown MACs out of every port, so the TAP sees those;
 * unicast between a and b, once learned, never reaches it.
 *
 * With `--ovs` (DemoOptions.ovs) the switch is an Open vSwitch bridge
 * instead: the demo starts a private ovsdb-server and ovs-vswitchd
 * (examples/ovs-daemons.ts) with ovs-vswitchd inside "sw", makes br0 a
 * userspace-datapath (netdev) OVS bridge, and attaches the same veth ends
 * and the same TAP as OVS ports through OVSDB (ovs.addPort). With the netdev
 * datapath ovs-vswitchd opens ports by name in its own namespace and
 * forwards frames itself (packet sockets on the ports), so all ports and
 * the daemon share "sw"; the traffic steps are the same.
 *
 * Nothing touches the machine's own network namespace. Everything is
 * removed at the end, also on Ctrl-C or on error. Needs root
 * (CAP_NET_ADMIN and CAP_SYS_ADMIN). In an application the imports are
 * `from 'rtnl'`.
 */
import dgram from 'node:dgram';
import { readFileSync, writeFileSync } from 'node:fs';
import {
  addAddress,
  addNeighbour,
  createBridge,
  createNetns,
  createTap,
  createVethPair,
  deleteLink,
  deleteNetns,
  listNeighbours,
  listNetns,
  runInNetns,
  ovs,
  type Tap,
} from '../src/index.js';
import { startOvsDaemons, type OvsDaemons } from './ovs-daemons.js';

/** For scripts/start.mjs: what `--ovs` lacks on this machine, checked before anything is made. */
export { ovsMissing } from './ovs-daemons.js';
import {
  ARP_REPLY,
  ARP_REQUEST,
  BROADCAST_MAC,
  ETHERTYPE,
  IPPROTO,
  decodeArp,
  decodeEthernet,
  decodeIpv4,
  decodeUdp,
  describeFrame,
  encodeArp,
  encodeEthernet,
  encodeIpv4,
  encodeUdp4,
} from '../src/ethernet/index.js';
import { run as rtnl } from '../src/cli/run.js';

// ------------------------------------------------------------------ output

const tty = process.stdout.isTTY === true && !process.env.NO_COLOR;
const bold = (s: string) => (tty ? `\x1b[1m${s}\x1b[0m` : s);
const dim = (s: string) => (tty ? `\x1b[2m${s}\x1b[0m` : s);
const say = (s = ''): void => {
  process.stdout.write(s + '\n');
};
const note = (s: string) => say(dim(`   ${s}`));

/** Runs the rtnl command in-process and shows it as a shell session. */
async function show(args: string[]): Promise<void> {
  say(`   $ rtnl ${args.join(' ')}`);
  let out = '';
  await rtnl(args, { stdout: (s) => (out += s), stderr: (s) => (out += s) });
  for (const line of out.trimEnd().split('\n')) say(`     ${line}`);
}

// ------------------------------------------------------------------ the scene

const SUBNET = '10.77.0';
const A_IP = `${SUBNET}.1`;
const B_IP = `${SUBNET}.2`;
/** The host that lives in this process, behind the TAP. */
const TAP_HOST_IP = `${SUBNET}.99`;
const TAP_HOST_MAC = '02:72:74:6e:6c:63';
/** A MAC nobody owns: frames to it are unknown unicast, which the bridge floods. */
const GHOST_IP = `${SUBNET}.50`;
const GHOST_MAC = '02:00:00:00:00:50';
const PORT = 5000;
const ECHO_PORT = 7;

export interface DemoOptions {
  /** Aborting stops the demo at the next step (it then cleans up and rejects with the reason). */
  signal?: AbortSignal;
  /** Pause this long before each step, to read along (`npm start -- --slow`). */
  stepDelayMs?: number;
  /** Throw at the start of this step, to exercise the clean-up path (`--fail-at-step N`). */
  failAtStep?: number;
  /** Use an Open vSwitch bridge (userspace datapath, private daemons) instead of a Linux bridge (`--ovs`). */
  ovs?: boolean;
}

/** Everything made so far, undone in reverse order. */
class Cleanup {
  private readonly undo: { what: string; fn: () => unknown }[] = [];
  add(what: string, fn: () => unknown): void {
    this.undo.push({ what, fn });
  }
  async run(): Promise<string[]> {
    const failed: string[] = [];
    while (this.undo.length) {
      const u = this.undo.pop() as (typeof this.undo)[number];
      try {
        await u.fn();
      } catch (e) {
        failed.push(`${u.what}: ${(e as Error).message}`);
      }
    }
    return failed;
  }
}

function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('interrupted');
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

/** Step headings; each one is also where a Ctrl-C (or an injected failure) takes effect. */
function stepper(o: DemoOptions): { next(title: string): Promise<void>; last(title: string): void } {
  let n = 0;
  const head = (title: string) => say(`\n${bold(`Step ${++n}. ${title}`)}`);
  return {
    async next(title) {
      if (n > 0 && o.stepDelayMs) await sleep(o.stepDelayMs, o.signal);
      checkAbort(o.signal);
      if (o.failAtStep === n + 1) throw new Error(`failing on purpose at step ${n + 1} (--fail-at-step)`);
      head(title);
    },
    /** The clean-up heading, printed whatever happened. */
    last: head,
  };
}

/** Resolves when `test` accepts something pushed to `list` (now or later), or rejects after `ms`. */
function waitFor<T>(list: T[], test: (x: T) => boolean, ms: number, what: string, signal?: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const found = list.find(test);
    if (found !== undefined) return resolve(found);
    const started = Date.now();
    const timer = setInterval(() => {
      const hit = list.find(test);
      if (hit !== undefined) {
        clearInterval(timer);
        resolve(hit);
      } else if (signal?.aborted) {
        clearInterval(timer);
        reject(signal.reason instanceof Error ? signal.reason : new Error('interrupted'));
      } else if (Date.now() - started > ms) {
        clearInterval(timer);
        reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
      }
    }, 5);
  });
}

/**
 * node:dgram creates its socket inside bind(), after resolving the address
 * with `lookup`; a synchronous lookup makes that happen while runInNetns
 * still has the thread in the namespace.
 */
const syncLookup = (host: string, _o: unknown, cb: (e: null, a: string, f: number) => void) => cb(null, host, 4);

function udpSocketIn(netns: string, address: string, port: number): dgram.Socket {
  return runInNetns(netns, () => {
    const s = dgram.createSocket({ type: 'udp4', lookup: syncLookup as never });
    // Without a listener a socket error would end the process before the clean-up.
    s.on('error', (e) => say(`   UDP socket error: ${e.message}`));
    s.bind({ address, port });
    return s;
  });
}

interface Received {
  text: string;
  from: string;
}

function collect(s: dgram.Socket): Received[] {
  const got: Received[] = [];
  s.on('message', (m, r) => got.push({ text: m.toString(), from: `${r.address}:${r.port}` }));
  return got;
}

/** Makes `netns` quiet: no IPv6, so no router solicitations or MLD reports clutter what the TAP sees. */
function disableIpv6(netns: string): void {
  runInNetns(netns, () => {
    for (const k of ['all', 'default']) {
      try {
        writeFileSync(`/proc/sys/net/ipv6/conf/${k}/disable_ipv6`, '1');
      } catch {
        // No IPv6 in this kernel: nothing to silence.
      }
    }
  });
}

interface SeenFrame {
  line: string;
  dst: string;
  etherType: number;
  udpTo?: string;
}

/**
 * The user-space end of tap0: logs every frame the bridge sends out of the
 * TAP, and plays a tiny host (10.77.0.99) — it answers ARP requests for its
 * address and echoes UDP datagrams sent to its port 7 — by writing frames.
 */
async function tapHost(tap: Tap, seen: SeenFrame[], log: (s: string) => void): Promise<void> {
  for await (const frame of tap) {
    let eth;
    try {
      eth = decodeEthernet(frame);
    } catch {
      continue;
    }
    const why =
      eth.dst === BROADCAST_MAC
        ? 'broadcast: flooded to every port'
        : eth.dst === TAP_HOST_MAC
          ? 'unicast to the TAP host: the bridge learned where it lives'
          : isGroupMac(eth.dst)
            ? 'multicast: flooded to every port (no snooping state yet)'
            : 'unicast to a MAC the bridge has not learned: flooded';
    const s: SeenFrame = { line: describeFrame(frame), dst: eth.dst, etherType: eth.etherType };
    if (eth.etherType === ETHERTYPE.IPV4) {
      try {
        const ip = decodeIpv4(eth.payload);
        if (ip.protocol === IPPROTO.UDP) s.udpTo = `${ip.dst}:${decodeUdp(ip.payload).dstPort}`;
      } catch {
        // describeFrame already says what is wrong with it
      }
    }
    seen.push(s);
    log(`   TAP read  ${s.line}\n             ${dim(`(${why})`)}`);

    const reply = answer(eth.etherType, eth.src, eth.payload);
    if (reply) {
      await tap.write(reply.frame);
      log(`   TAP write ${describeFrame(reply.frame)}\n             ${dim(`(${reply.why})`)}`);
    }
  }
}

/** The TAP host's replies: ARP for its IP, UDP echo on port 7. */
function answer(etherType: number, srcMac: string, payload: Uint8Array): { frame: Uint8Array; why: string } | undefined {
  if (etherType === ETHERTYPE.ARP) {
    const arp = decodeArp(payload);
    if (arp.op !== ARP_REQUEST || arp.targetIp !== TAP_HOST_IP) return undefined;
    const body = encodeArp({ op: ARP_REPLY, senderMac: TAP_HOST_MAC, senderIp: TAP_HOST_IP, targetMac: arp.senderMac, targetIp: arp.senderIp });
    return { frame: encodeEthernet({ dst: srcMac, src: TAP_HOST_MAC, etherType: ETHERTYPE.ARP }, body), why: 'written by this process: the kernel receives it as if from a wire' };
  }
  if (etherType === ETHERTYPE.IPV4) {
    const ip = decodeIpv4(payload);
    if (ip.dst !== TAP_HOST_IP || ip.protocol !== IPPROTO.UDP) return undefined;
    const udp = decodeUdp(ip.payload);
    if (udp.dstPort !== ECHO_PORT) return undefined;
    const text = new TextEncoder().encode(`echo from TypeScript: ${new TextDecoder().decode(udp.payload)}`);
    const dgramBytes = encodeUdp4(TAP_HOST_IP, ip.src, ECHO_PORT, udp.srcPort, text);
    const packet = encodeIpv4({ src: TAP_HOST_IP, dst: ip.src, protocol: IPPROTO.UDP }, dgramBytes);
    return { frame: encodeEthernet({ dst: srcMac, src: TAP_HOST_MAC, etherType: ETHERTYPE.IPV4 }, packet), why: 'a UDP reply built byte by byte and written to the TAP' };
  }
  return undefined;
}

function send(s: dgram.Socket, text: string, ip: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => s.send(text, port, ip, (e) => (e ? reject(e) : resolve())));
}

/** Runs the walkthrough; resolves when everything is cleaned up again. */
export async function demo(options: DemoOptions = {}): Promise<void> {
  const { signal } = options;
  const steps = stepper(options);
  const step = steps.next;
  const started = Date.now();
  const id = `${process.pid.toString(36)}${Date.now().toString(36).slice(-3)}`;
  const ns = { sw: `rtnl-demo-sw-${id}`, a: `rtnl-demo-a-${id}`, b: `rtnl-demo-b-${id}` };
  const cleanup = new Cleanup();
  const sockets: dgram.Socket[] = [];
  let tap: Tap | undefined;
  let reader: Promise<void> | undefined;

  const useOvs = options.ovs === true;
  const switchName = useOvs ? 'Open vSwitch bridge' : 'Linux bridge';
  let daemons: OvsDaemons | undefined;
  /** Where ports go: the Linux bridge as master, or the OVS bridge as an OVSDB port. */
  const attach = async (port: string) => {
    if (!daemons) return;
    const p = await ovs.addPort('br0', port, { socket: daemons.socket });
    say(`   ${port} is OVS port ${p.interfaces[0]?.ofport ?? '?'} of br0 (added through OVSDB; ovs-vswitchd opened it)`);
  };

  say(bold(`rtnl demo: veth pairs and a TAP device on one ${switchName}`));
  say(dim(`Everything lives in three throwaway network namespaces${useOvs ? ', with private OVS daemons,' : ''} and is removed at the end.`));

  try {
    await step('Three throwaway network namespaces');
    for (const name of [ns.sw, ns.a, ns.b]) {
      checkAbort(signal);
      await createNetns(name);
      cleanup.add(`delete namespace ${name}`, () => deleteNetns(name));
      disableIpv6(name);
      say(`   created ${name}`);
    }
    note(`"${ns.sw}" is the switch; "${ns.a}" and "${ns.b}" are two hosts.`);

    if (useOvs) {
      await step(`An Open vSwitch bridge br0, its ovs-vswitchd inside ${ns.sw}`);
      daemons = await startOvsDaemons(ns.sw);
      const d = daemons;
      // Registered after the namespaces, so it runs before they are deleted.
      cleanup.add('stop the OVS daemons', () => d.stop());
      say(`   started ovsdb-server (pid ${d.pids.ovsdb}) on ${d.socket}`);
      say(`   started ovs-vswitchd (pid ${d.pids.vswitchd}) inside ${ns.sw}`);
      const br = await ovs.addBridge('br0', { socket: d.socket, datapathType: 'netdev' });
      cleanup.add('delete OVS bridge br0', () => ovs.deleteBridge('br0', { socket: d.socket, ifExists: true }));
      say(`   OVS bridge br0 (datapath ${br.datapathType}: forwarding inside ovs-vswitchd, no kernel module)`);
      note('Configured through OVSDB (JSON-RPC on the unix socket), not rtnetlink; its default flow NORMAL is a learning switch.');
    } else {
      await step(`A bridge br0 inside ${ns.sw}`);
      await createBridge('br0', { netns: ns.sw, up: true });
      cleanup.add('delete br0', () => deleteLink('br0', { netns: ns.sw }));
      note('A software switch: it learns which MAC lives behind which port and forwards frames there.');
    }

    await step('Two veth pairs: one end a bridge port, the other born inside a host namespace');
    for (const [host, port, ip] of [
      [ns.a, 'veth-a', A_IP],
      [ns.b, 'veth-b', B_IP],
    ] as const) {
      checkAbort(signal);
      const { link, peer } = await createVethPair({
        netns: ns.sw,
        name: port,
        ...(useOvs ? {} : { master: 'br0' }),
        up: true,
        peer: { name: 'eth0', netns: host, up: true },
      });
      cleanup.add(`delete ${port}`, () => deleteLink(port, { netns: ns.sw }));
      await addAddress('eth0', `${ip}/24`, { netns: host });
      say(`   ${ns.sw}/${link.name} (ifindex ${link.index}, port of br0)  <== veth ==>  ${host}/${peer.name} ${ip}/24 (ifindex ${peer.index})`);
      await attach(port);
    }
    note('A veth pair is a cable: a frame sent into one end comes out of the other.');
    note('The peer was created directly inside the namespace (IFLA_NET_NS_FD in the same request).');

    await step('A TAP device tap0 on the same bridge, its user-space end opened here');
    const made = await createTap('tap0', { netns: ns.sw, ...(useOvs ? {} : { master: 'br0' }), up: true, open: true });
    tap = made.tap;
    cleanup.add('delete tap0', () => deleteLink('tap0', { netns: ns.sw }));
    cleanup.add('close the TAP', () => tap?.close());
    say(`   ${ns.sw}/tap0 (ifindex ${made.link.index}, port of br0), read and written through fd ${tap.fileDescriptor} of this process`);
    await attach('tap0');
    note(`This process answers as host ${TAP_HOST_IP} (MAC ${TAP_HOST_MAC}) by writing frames into the TAP.`);
    if (daemons) note('veth end and TAP attach to OVS the same way: a system port, opened by name in ovs-vswitchd\'s namespace.');
    await show(['-n', ns.sw, '-br', 'link']);
    if (daemons) await show(['ovs', '--db', `unix:${daemons.socket}`, 'list-ports', 'br0']);
    await show(['-n', ns.a, '-br', 'addr', 'show', 'dev', 'eth0']);

    const seen: SeenFrame[] = [];
    reader = tapHost(tap, seen, say).catch((e: unknown) => say(`   TAP reader stopped: ${(e as Error).message}`));

    await step(`UDP from ${ns.a} to ${ns.b} (node:dgram sockets created inside the namespaces with runInNetns)`);
    const server = udpSocketIn(ns.b, B_IP, PORT);
    const client = udpSocketIn(ns.a, A_IP, 0);
    sockets.push(server, client);
    cleanup.add('close the UDP sockets', () => sockets.forEach((s) => s.close()));
    const atServer = collect(server);
    const atClient = collect(client);
    server.on('message', (_m, r) => server.send(`hello back from ${B_IP}`, r.port, r.address));
    await send(client, `hello from ${A_IP}`, B_IP, PORT);
    const req = await waitFor(atServer, () => true, 3000, 'the datagram at b', signal);
    say(`   ${ns.b} received "${req.text}" from ${req.from}`);
    const rep = await waitFor(atClient, (r) => r.from.startsWith(B_IP), 3000, 'the reply at a', signal);
    say(`   ${ns.a} received "${rep.text}" from ${rep.from}`);
    await waitFor(seen, (f) => f.etherType === ETHERTYPE.ARP, 2000, 'the ARP request at the TAP', signal);
    note('The TAP saw only the ARP broadcast: the datagrams are unicast between MACs the bridge has learned.');

    await step(`UDP from ${ns.a} to the host inside this process (${TAP_HOST_IP}:${ECHO_PORT}, behind the TAP)`);
    await send(client, 'ping over the bridge', TAP_HOST_IP, ECHO_PORT);
    const echo = await waitFor(atClient, (r) => r.from.startsWith(TAP_HOST_IP), 3000, 'the echo from the TAP host', signal);
    say(`   ${ns.a} received "${echo.text}" from ${echo.from}`);
    note('ARP and UDP were answered by TypeScript writing Ethernet frames: the TAP is a NIC whose wire is a file descriptor.');

    await step(`UDP from ${ns.a} to ${GHOST_IP}, whose MAC (${GHOST_MAC}) is on no port: unknown unicast`);
    await addNeighbour({ link: 'eth0', address: GHOST_IP, lladdr: GHOST_MAC, netns: ns.a });
    await send(client, 'anyone there?', GHOST_IP, PORT);
    await waitFor(seen, (f) => f.dst === GHOST_MAC, 3000, 'the flooded datagram at the TAP', signal);
    note('The bridge does not know where that MAC lives, so it floods the frame out of every port: the TAP sees it.');

    await step('What the bridge learned (its forwarding database)');
    if (daemons) {
      // OVS keeps its MAC table inside ovs-vswitchd, not in the kernel: ask the daemon.
      const byOfport = new Map((await ovs.listPorts('br0', { socket: daemons.socket })).map((p) => [String(p.interfaces[0]?.ofport), p.name]));
      const table = daemons.appctl(['fdb/show', 'br0']);
      if (table === undefined) say('   (ovs-appctl is not installed: cannot ask ovs-vswitchd for its MAC table)');
      for (const line of (table ?? '').split('\n').slice(1)) {
        const [port, , mac] = line.trim().split(/\s+/);
        if (port && mac && byOfport.has(port)) say(`   ${mac} is behind ${byOfport.get(port)} (OVS port ${port})`);
      }
    } else {
      const fdb = await listNeighbours({ netns: ns.sw, family: 'bridge', master: 'br0' });
      const learned = fdb.filter((e) => e.link !== 'br0' && !e.state.includes('PERMANENT') && e.lladdr !== undefined);
      for (const e of learned) say(`   ${e.lladdr} is behind ${e.link}`);
    }
    note('Unicast to these MACs goes out of that one port only.');

    await step('Summary');
    say(`   frames the TAP read: ${seen.length} (${seen.map((f) => (f.etherType === ETHERTYPE.ARP ? 'ARP' : f.udpTo ? `UDP→${f.udpTo}` : 'other')).join(', ')})`);
    say('   veth: a device pair, one end in a namespace, the other a bridge port — how containers get their NIC.');
    say('   TAP:  a device whose other end is a file descriptor — how VMs and user-space stacks get theirs.');
  } finally {
    steps.last('Cleaning up');
    tap?.close();
    if (reader) await reader;
    const failed = await cleanup.run();
    for (const f of failed) say(`   could not ${f}`);
    // Check, without letting a failure here replace the error that got us here.
    const left = await listNetns().then(
      (all) => all.filter((n) => Object.values(ns).includes(n.name)).map((n) => n.name),
      () => [] as string[],
    );
    if (daemons) {
      const running = Object.values(daemons.pids).filter((pid): pid is number => pid !== undefined && isRunning(pid));
      if (running.length) left.push(`OVS daemons (pids ${running.join(', ')})`);
      else say(`   stopped ovsdb-server and ovs-vswitchd (pids ${daemons.pids.ovsdb}, ${daemons.pids.vswitchd})`);
    }
    say(left.length ? `   LEFT BEHIND: ${left.join(', ')}` : '   removed every device and namespace the demo made');
    say(dim(`   (${((Date.now() - started) / 1000).toFixed(1)} s)`));
  }
}

/** True while `pid` runs (a zombie does not count). */
function isRunning(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** The I/G bit (least significant bit of the first octet) marks group addresses: multicast and broadcast. */
function isGroupMac(mac: string): boolean {
  return (parseInt(mac.slice(0, 2), 16) & 1) === 1;
}
