/**
 * Connect network namespaces to each other and send real traffic between
 * them — no `ip`, no child processes.
 *
 * Topology 1 (routed): namespaces `a` and `b` joined by a veth pair.
 *
 *     [a] va 10.99.1.1/24  ───veth───  vb 10.99.1.2/24 [b]   lo: 10.99.2.1/32
 *         default via 10.99.1.2
 *
 *   A UDP datagram from a node:dgram socket inside `a` reaches a server
 *   socket bound to 10.99.2.1 inside `b` — an address `a` can only reach
 *   through its default route — and the reply comes back.
 *
 * Topology 2 (switched): hosts `h1` and `h2`, each with an `eth0` whose
 * veth peer is a port of bridge `br0` in a third namespace `sw`. A datagram
 * from h1 to h2 crosses the bridge, which learns both MACs (its FDB).
 *
 * Run it as root from the package folder (any Node ≥ 20; esbuild comes
 * with the development dependencies):
 *
 *     npx esbuild examples/connect-namespaces.ts --bundle --platform=node \
 *       --format=esm --outfile=.cache/examples/connect-namespaces.mjs
 *     sudo node .cache/examples/connect-namespaces.mjs
 *
 * (Node runs JavaScript and the library's own imports name `.js` files, so
 * the TypeScript is bundled first; the bundle stays inside the package so
 * that on Node 20–24 the library finds its addon under build/Release.) test/netns/connect.live.test.ts runs
 * `routed()` and `switched()` and checks the result with iproute2. In an
 * application the imports are `from 'rtnl'`.
 */
import dgram from 'node:dgram';
import { pathToFileURL } from 'node:url';
import { createNetns, deleteNetns, runInNetns } from '../src/ops/netns/index.js';
import { createBridge, createVethPair } from '../src/ops/links/index.js';
import { addAddress, listAddresses } from '../src/ops/addresses/index.js';
import { addRoute, getRoute, type Route } from '../src/ops/routes/index.js';
import { listNeighbours, type Neighbour } from '../src/ops/neighbours/index.js';

// ---------------------------------------------------------------------------
// UDP inside a namespace.

/**
 * A UDP socket that lives in `netns`. node:dgram calls socket(2) and
 * bind(2) inside `bind()`, right after resolving the address through
 * `lookup`; the default lookup (dns.lookup) answers on a later tick, when
 * the thread has already left the namespace. A synchronous lookup makes
 * the bind — and so the socket — happen inside runInNetns.
 */
export function udpSocketIn(netns: string, address: string, port = 0): dgram.Socket {
  return runInNetns(netns, () => {
    const socket = dgram.createSocket({ type: address.includes(':') ? 'udp6' : 'udp4', lookup: (host, _opts, cb) => cb(null, host, address.includes(':') ? 6 : 4) });
    socket.bind({ address, port });
    return socket;
  });
}

function once<T>(emitter: dgram.Socket, event: 'message' | 'listening', ms = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${ms} ms`)), ms);
    emitter.once(event, (...args: unknown[]) => {
      clearTimeout(timer);
      resolve((event === 'message' ? args : undefined) as T);
    });
    emitter.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/** Sends `text` from `client` to `to:port` and waits for `server` to receive it and echo it back. */
async function roundTrip(client: dgram.Socket, server: dgram.Socket, to: string, text: string): Promise<{ from: string; echoed: string }> {
  const port = server.address().port;
  server.on('message', (msg, rinfo) => server.send(msg, rinfo.port, rinfo.address));
  const received = once<[Buffer, dgram.RemoteInfo]>(server, 'message');
  const echoed = once<[Buffer, dgram.RemoteInfo]>(client, 'message');
  client.send(text, port, to);
  const [, rinfo] = await received;
  const [reply] = await echoed;
  return { from: rinfo.address, echoed: reply.toString() };
}

// ---------------------------------------------------------------------------

export interface RoutedResult {
  namespaces: [string, string];
  /** Where the datagram came from, as the server in `b` saw it. */
  from: string;
  echoed: string;
  /** The route `a` takes to the server, as getRoute resolves it. */
  route: Route;
  /** `a`'s neighbour entry for its gateway, learnt by ARP during the exchange. */
  gatewayNeighbour: Neighbour | undefined;
}

export interface SwitchedResult {
  namespaces: [string, string, string];
  from: string;
  echoed: string;
  /** Entries the bridge learnt on its two ports. */
  learned: Neighbour[];
}

export interface DemoOptions {
  /** Prefix for the namespace names (default `rtnl-demo-PID`). */
  prefix?: string;
  log?: (line: string) => void;
  /** Called with the namespaces after the traffic, before they are deleted (to look around). */
  beforeTeardown?: (namespaces: string[]) => void | Promise<void>;
}

/** Topology 1: two namespaces, one veth pair, a default route, one UDP round trip. */
export async function routed(options: DemoOptions = {}): Promise<RoutedResult> {
  const log = options.log ?? (() => {});
  const prefix = options.prefix ?? `rtnl-demo-${process.pid}`;
  const a = `${prefix}-a`;
  const b = `${prefix}-b`;
  const made: string[] = [];
  try {
    for (const n of [a, b]) {
      await createNetns(n);
      made.push(n);
    }
    // One RTM_NEWLINK makes both ends: va in `a`, its peer vb born directly
    // inside `b` (IFLA_NET_NS_FD in the peer's attributes), va up; the peer
    // is brought up with a second request inside `b`.
    await createVethPair({ netns: a, name: 'va', up: true, peer: { name: 'vb', netns: b, up: true } });
    await addAddress('va', '10.99.1.1/24', { netns: a });
    await addAddress('vb', '10.99.1.2/24', { netns: b });
    await addAddress('lo', '10.99.2.1/32', { netns: b });
    await addRoute({ netns: a, dst: 'default', gateway: '10.99.1.2' });
    log(`${a}: ${(await listAddresses({ netns: a, link: 'va', family: 'inet' })).map((x) => `${x.address}/${x.prefixLength}`).join(', ')}`);
    const route = await getRoute('10.99.2.1', { netns: a });
    log(`${a}: 10.99.2.1 via ${route.gateway} dev ${route.dev} src ${route.prefsrc}`);

    const server = udpSocketIn(b, '10.99.2.1');
    const client = udpSocketIn(a, '0.0.0.0');
    try {
      const { from, echoed } = await roundTrip(client, server, '10.99.2.1', 'hello from a');
      log(`${b}: got a datagram from ${from}; ${a} got back "${echoed}"`);
      const gatewayNeighbour = (await listNeighbours({ netns: a, link: 'va', family: 'inet' })).find((n) => n.address === '10.99.1.2');
      await options.beforeTeardown?.([a, b]);
      return { namespaces: [a, b], from, echoed, route, gatewayNeighbour };
    } finally {
      client.close();
      server.close();
    }
  } finally {
    // Deleting a namespace deletes the veth end inside it, and so the pair.
    for (const n of made.reverse()) await deleteNetns(n).catch(() => {});
  }
}

/** Topology 2: two hosts on a bridge in a third namespace; the bridge learns their MACs. */
export async function switched(options: DemoOptions = {}): Promise<SwitchedResult> {
  const log = options.log ?? (() => {});
  const prefix = options.prefix ?? `rtnl-demo-${process.pid}`;
  const h1 = `${prefix}-h1`;
  const h2 = `${prefix}-h2`;
  const sw = `${prefix}-sw`;
  const made: string[] = [];
  try {
    for (const n of [sw, h1, h2]) {
      await createNetns(n);
      made.push(n);
    }
    await createBridge('br0', { netns: sw, up: true });
    for (const [host, port] of [
      [h1, 'sw1'],
      [h2, 'sw2'],
    ] as const) {
      // The switch end is enslaved to br0 and up in the creating request;
      // the host end is born inside the host as its eth0.
      await createVethPair({ netns: sw, name: port, master: 'br0', up: true, peer: { name: 'eth0', netns: host, up: true } });
    }
    await addAddress('eth0', '10.99.3.1/24', { netns: h1 });
    await addAddress('eth0', '10.99.3.2/24', { netns: h2 });

    const server = udpSocketIn(h2, '10.99.3.2');
    const client = udpSocketIn(h1, '10.99.3.1');
    try {
      const { from, echoed } = await roundTrip(client, server, '10.99.3.2', 'hello across the bridge');
      log(`${h2}: got a datagram from ${from}; ${h1} got back "${echoed}"`);
      const learned = (await listNeighbours({ netns: sw, family: 'bridge', master: 'br0' })).filter(
        (n) => (n.link === 'sw1' || n.link === 'sw2') && !n.state.includes('PERMANENT'),
      );
      for (const n of learned) log(`${sw}: br0 learnt ${n.lladdr} on ${n.link}`);
      await options.beforeTeardown?.([h1, h2, sw]);
      return { namespaces: [h1, h2, sw], from, echoed, learned };
    } finally {
      client.close();
      server.close();
    }
  } finally {
    for (const n of made.reverse()) await deleteNetns(n).catch(() => {});
  }
}

export async function main(options: DemoOptions = {}): Promise<{ routed: RoutedResult; switched: SwitchedResult }> {
  return { routed: await routed(options), switched: await switched(options) };
}

// Run as a script (bundled as the header says): build both topologies and print what happened.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main({ log: (line) => console.log(line) }).catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
