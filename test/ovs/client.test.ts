/**
 * The JSON-RPC/OVSDB client against a scripted fake server on a unix
 * socket: connection errors, echo probes, error mapping, the cur_cfg wait,
 * and how a failed `wait` guard becomes the caller's error. No Open vSwitch
 * needed; the real daemons are exercised in ovs.live.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { isRtnlError, TimeoutError, ValidationError } from '../../src/netlink/errors.js';
import * as ovs from '../../src/ovs/index.js';
import { socketDir } from '../../examples/ovs-daemons.js';
import { JsonStreamSplitter } from '../../src/ovs/json-stream.js';

const dir = socketDir('rtnl-ovs-fake');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

type Msg = { method?: string; params?: unknown[]; id?: unknown; result?: unknown; error?: unknown };
type Handler = (msg: Msg, conn: FakeConn) => unknown | undefined;

interface FakeConn {
  send(msg: Msg): void;
  received: Msg[];
  socket: Socket;
}

interface Fake {
  path: string;
  server: Server;
  conns: FakeConn[];
  /** Every request any connection sent, in order. */
  requests: Msg[];
}

const servers: Server[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  // Hang up on clients a failed test left open, else close() waits for them.
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A server answering each request with `handler`'s result (undefined: no reply). */
async function fake(handler: Handler): Promise<Fake> {
  const path = join(dir, `db${n++}.sock`);
  const f: Fake = { path, server: createServer(), conns: [], requests: [] };
  f.server.on('connection', (socket) => {
    const splitter = new JsonStreamSplitter();
    const conn: FakeConn = { socket, received: [], send: (m) => socket.write(JSON.stringify(m)) };
    f.conns.push(conn);
    sockets.push(socket);
    socket.on('error', () => {}); // the client may hang up while we still answer
    socket.on('data', (chunk) => {
      for (const text of splitter.push(chunk)) {
        const msg = JSON.parse(text) as Msg;
        conn.received.push(msg);
        if (msg.method === undefined) continue; // a reply to our echo
        f.requests.push(msg);
        const result = handler(msg, conn);
        if (result !== undefined) conn.send({ id: msg.id, result, error: null });
      }
    });
  });
  servers.push(f.server);
  await new Promise<void>((r) => f.server.listen(path, r));
  return f;
}

describe('connecting', () => {
  it('names the socket and says ovsdb-server is not running when the socket file is absent (ENOENT)', async () => {
    const path = join(dir, 'nope', 'db.sock');
    const err = await ovs.listBridges({ socket: path }).catch((e: unknown) => e);
    expect(ovs.isOvsError(err, 'ERR_OVSDB_UNAVAILABLE')).toBe(true);
    const e = err as ovs.OvsdbUnavailableError;
    expect(e.name).toBe('OvsdbUnavailableError');
    expect(e.reason).toBe('ENOENT');
    expect(e.socketPath).toBe(path);
    expect(e.message).toContain(path);
    expect(e.message).toContain('ovsdb-server is not running');
  });

  it('reports a stale socket file that nobody listens on (ECONNREFUSED)', async () => {
    const path = join(dir, 'stale.sock');
    // A process killed by SIGKILL leaves its socket file behind, as a crashed ovsdb-server does.
    const r = spawnSync(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'))`]);
    expect(r.signal).toBe('SIGKILL');
    const err = await ovs.OvsdbClient.connect({ socket: path }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ovs.OvsdbUnavailableError);
    expect((err as ovs.OvsdbUnavailableError).reason).toBe('ECONNREFUSED');
    expect((err as Error).message).toMatch(/nobody listens on .*stale\.sock.*ovsdb-server is not running/);
  });

  it('accepts ovs-vsctl\'s unix: prefix and honours $OVS_RUNDIR for the default', async () => {
    const f = await fake((m) => (m.method === 'list_dbs' ? ['Open_vSwitch'] : undefined));
    const c = await ovs.OvsdbClient.connect({ socket: `unix:${f.path}` });
    expect(await c.call('list_dbs', [])).toEqual(['Open_vSwitch']);
    c.close();
    const saved = process.env['OVS_RUNDIR'];
    try {
      process.env['OVS_RUNDIR'] = '/some/where/';
      expect(ovs.defaultSocketPath()).toBe('/some/where/db.sock');
      delete process.env['OVS_RUNDIR'];
      expect(ovs.defaultSocketPath()).toBe('/var/run/openvswitch/db.sock');
    } finally {
      if (saved === undefined) delete process.env['OVS_RUNDIR'];
      else process.env['OVS_RUNDIR'] = saved;
    }
  });

  it('rejects pending requests when the server drops the connection', async () => {
    const f = await fake((_m, conn) => {
      conn.socket.destroy();
      return undefined;
    });
    const c = await ovs.OvsdbClient.connect({ socket: f.path });
    const err = await c.call('list_dbs', []).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ovs.OvsdbUnavailableError);
    expect((err as ovs.OvsdbUnavailableError).reason).toMatch(/EOF|ECONNRESET/);
    expect(c.closed).toBe(true);
  });

  it('times out a request the server never answers', async () => {
    const f = await fake(() => undefined);
    const c = await ovs.OvsdbClient.connect({ socket: f.path, timeout: 100 });
    const err = await c.call('list_dbs', []).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as Error).message).toContain('list_dbs');
    c.close();
  });
});

describe('protocol', () => {
  it('answers the server\'s echo probe with its params (RFC 7047 §4.1.11) and goes on', async () => {
    const f = await fake((m, conn) => {
      if (m.method !== 'list_dbs') return undefined;
      conn.send({ method: 'echo', params: ['probe', 42], id: 'echo' });
      // Answer only after the client replied to the echo.
      const check = setInterval(() => {
        const reply = conn.received.find((r) => r.id === 'echo' && r.method === undefined);
        if (reply) {
          clearInterval(check);
          conn.send({ id: m.id, result: [reply.result], error: null });
        }
      }, 5);
      return undefined;
    });
    const c = await ovs.OvsdbClient.connect({ socket: f.path });
    expect(await c.call('list_dbs', [])).toEqual([['probe', 42]]);
    c.close();
  });

  it('turns a failed operation and a failed commit into OvsdbError with the operation index', async () => {
    let call = 0;
    const f = await fake((m) => {
      if (m.method !== 'transact') return undefined;
      call++;
      if (call === 1) return [{}, { error: 'constraint violation', details: 'no row "x"' }, null];
      // All operations succeeded, but the commit failed: one extra element.
      return [{}, {}, {}, { error: 'referential integrity violation', details: 'row would be orphaned' }];
    });
    const c = await ovs.OvsdbClient.connect({ socket: f.path });
    const ops: ovs.Operation[] = [
      { op: 'comment', comment: 'a' },
      { op: 'insert', table: 'Port', row: { name: 'x' } },
      { op: 'comment', comment: 'b' },
    ];
    const e1 = (await c.transact(ops).catch((e: unknown) => e)) as ovs.OvsdbError;
    expect(e1).toBeInstanceOf(ovs.OvsdbError);
    expect([e1.index, e1.op, e1.error, e1.details]).toEqual([1, 'insert', 'constraint violation', 'no row "x"']);
    const e2 = (await c.transact(ops).catch((e: unknown) => e)) as ovs.OvsdbError;
    expect([e2.index, e2.op, e2.error]).toEqual([3, 'commit', 'referential integrity violation']);
    // The wire form: database name first, then the operations as given.
    expect(f.requests[0]!.params).toEqual(['Open_vSwitch', ...ops]);
    c.close();
  });

  it('a JSON-RPC level error (unknown method) rejects with OvsdbError', async () => {
    const f = await fake((m, conn) => {
      conn.send({ id: m.id, result: null, error: 'unknown method' });
      return undefined;
    });
    const c = await ovs.OvsdbClient.connect({ socket: f.path });
    const err = (await c.call('bogus', []).catch((e: unknown) => e)) as ovs.OvsdbError;
    expect(err).toBeInstanceOf(ovs.OvsdbError);
    expect(err.error).toBe('unknown method');
    expect(err.method).toBe('bogus');
    c.close();
  });
});

describe('waitForConfig', () => {
  const row = 'a4a4a4a4-0000-0000-0000-000000000001';

  it('resolves once a monitor update shows cur_cfg ≥ target, then cancels the monitor', async () => {
    const f = await fake((m, conn) => {
      if (m.method === 'monitor') {
        const id = m.params![1];
        setTimeout(() => conn.send({ id: null, method: 'update', params: [id, { Open_vSwitch: { [row]: { old: { cur_cfg: 1 }, new: { cur_cfg: 2 } } } }] }), 30);
        setTimeout(() => conn.send({ id: null, method: 'update', params: [id, { Open_vSwitch: { [row]: { old: { cur_cfg: 2 }, new: { cur_cfg: 4 } } } }] }), 60);
        return { Open_vSwitch: { [row]: { new: { cur_cfg: 1 } } } };
      }
      if (m.method === 'monitor_cancel') return {};
      return undefined;
    });
    const c = await ovs.OvsdbClient.connect({ socket: f.path });
    const t0 = Date.now();
    expect(await c.waitForConfig(3)).toBe(4);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(50);
    const monitor = f.requests.find((r) => r.method === 'monitor')!;
    expect(monitor.params).toEqual(['Open_vSwitch', monitor.params![1], { Open_vSwitch: { columns: ['cur_cfg'] } }]);
    await new Promise((r) => setTimeout(r, 20));
    expect(f.requests.find((r) => r.method === 'monitor_cancel')?.params).toEqual([monitor.params![1]]);
    c.close();
  });

  it('keeps the newer value when an update arrives in the same read as the monitor reply', async () => {
    // ovs-vswitchd may apply the change while our monitor request is in flight: the
    // server then sends the reply (old value) and the update (new value) back to back.
    const f = await fake((m, conn) => {
      if (m.method === 'monitor') {
        const reply = { id: m.id, result: { Open_vSwitch: { [row]: { new: { cur_cfg: 7 } } } }, error: null };
        const update = { id: null, method: 'update', params: [m.params![1], { Open_vSwitch: { [row]: { old: { cur_cfg: 7 }, new: { cur_cfg: 8 } } } }] };
        conn.socket.write(JSON.stringify(reply) + JSON.stringify(update));
        return undefined;
      }
      if (m.method === 'monitor_cancel') return {};
      return undefined;
    });
    const c = await ovs.OvsdbClient.connect({ socket: f.path });
    expect(await c.waitForConfig(8, 500)).toBe(8);
    c.close();
  });

  it('resolves at once when cur_cfg is already there, and times out naming ovs-vswitchd when it never gets there', async () => {
    const f = await fake((m) => {
      if (m.method === 'monitor') return { Open_vSwitch: { [row]: { new: { cur_cfg: 5 } } } };
      if (m.method === 'monitor_cancel') return {};
      return undefined;
    });
    const c = await ovs.OvsdbClient.connect({ socket: f.path });
    expect(await c.waitForConfig(5)).toBe(5);
    const err = await c.waitForConfig(6, 80).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as Error).message).toMatch(/ovs-vswitchd did not apply.*cur_cfg is 5, waiting for 6/);
    c.close();
  });
});

/** Snapshot replies for the four selects of a read: one root row, one bridge `br0` with local port. */
function snapshotReply(extraPorts: { name: string; uuid: string }[] = []) {
  const root = '00000000-0000-0000-0000-0000000000aa';
  const bridge = '00000000-0000-0000-0000-0000000000bb';
  const local = { name: 'br0', uuid: '00000000-0000-0000-0000-0000000000cc' };
  const ports = [local, ...extraPorts];
  return [
    { rows: [{ _uuid: ['uuid', root], bridges: ['uuid', bridge] }] },
    { rows: [{ _uuid: ['uuid', bridge], name: 'br0', datapath_type: 'netdev', ports: ['set', ports.map((p) => ['uuid', p.uuid])], external_ids: ['map', []] }] },
    { rows: ports.map((p) => ({ _uuid: ['uuid', p.uuid], name: p.name, interfaces: ['uuid', p.uuid.replace(/.$/, 'f')], external_ids: ['map', []] })) },
    {
      rows: ports.map((p) => ({
        _uuid: ['uuid', p.uuid.replace(/.$/, 'f')],
        name: p.name,
        type: p.name === 'br0' ? 'internal' : '',
        ofport: p.name === 'br0' ? 65534 : 1,
        error: ['set', []],
        mac_in_use: '02:00:00:00:00:01',
        external_ids: ['map', [['k', 'v']]],
      })),
    },
  ];
}

describe('operations against a scripted server', () => {
  it('listPorts decodes sets, optional columns and maps, and hides the local port', async () => {
    const f = await fake((m) => (m.method === 'transact' ? snapshotReply([{ name: 'veth1', uuid: '00000000-0000-0000-0000-0000000000d1' }]) : undefined));
    const ports = await ovs.listPorts('br0', { socket: f.path });
    expect(ports).toEqual([
      {
        name: 'veth1',
        uuid: '00000000-0000-0000-0000-0000000000d1',
        bridge: 'br0',
        local: false,
        interfaces: [
          {
            name: 'veth1',
            uuid: '00000000-0000-0000-0000-0000000000df',
            type: 'system',
            ofport: 1,
            error: undefined,
            macInUse: '02:00:00:00:00:01',
            externalIds: { k: 'v' },
          },
        ],
        externalIds: {},
      },
    ]);
    expect((await ovs.listPorts('br0', { socket: f.path, includeLocal: true })).map((p) => [p.name, p.local, p.interfaces[0]!.type])).toEqual([
      ['br0', true, 'internal'],
      ['veth1', false, 'system'],
    ]);
    const err = await ovs.listPorts('nosuch', { socket: f.path }).catch((e: unknown) => e);
    expect(ovs.isOvsError(err, 'ERR_OVS_NOT_FOUND')).toBe(true);
  });

  it('a `wait` guard that fails inside the transaction (a concurrent writer) becomes OvsExistsError, not "timed out"', async () => {
    const f = await fake((m) => {
      if (m.method !== 'transact') return undefined;
      const ops = m.params!.slice(1) as { op: string; table?: string }[];
      if (ops.every((o) => o.op === 'select')) return snapshotReply();
      // The port guard (second wait) fails as if another client had just added the port.
      return ops.map((o, i) => (i === 0 ? {} : i === 1 ? { error: 'timed out' } : null));
    });
    const err = await ovs.addPort('br0', 'veth9', { socket: f.path }).catch((e: unknown) => e);
    expect(ovs.isOvsError(err, 'ERR_OVS_EXISTS')).toBe(true);
    expect((err as ovs.OvsExistsError).objectName).toBe('veth9');
    const write = f.requests.filter((r) => r.method === 'transact')[1]!.params!.slice(1) as Record<string, unknown>[];
    expect(write.map((o) => o['op'])).toEqual(['wait', 'wait', 'insert', 'insert', 'mutate', 'mutate', 'select', 'comment']);
    expect(write[1]).toMatchObject({ op: 'wait', table: 'Port', where: [['name', '==', 'veth9']], rows: [], until: '==', timeout: 0 });
    expect(write[5]).toMatchObject({ op: 'mutate', table: 'Open_vSwitch', mutations: [['next_cfg', '+=', 1]] });
  });
});

describe('validation before any I/O', () => {
  // A socket path that would fail with ENOENT proves no connection was tried.
  const socket = join(dir, 'never', 'db.sock');
  const cases: [string, () => Promise<unknown>, string][] = [
    ['empty bridge name', () => ovs.addBridge('', { socket }), 'name'],
    ['16-byte port name', () => ovs.addPort('br0', 'p123456789012345', { socket }), 'port'],
    ['space in bridge name', () => ovs.listPorts('br 0', { socket }), 'bridge'],
    ['colon in port name', () => ovs.deletePort('br0', 'eth0:1', { socket }), 'port'],
    ['unknown port type', () => ovs.addPort('br0', 'p0', { socket, type: 'vxlan' as never }), 'type'],
    ['bad datapath type', () => ovs.addBridge('br0', { socket, datapathType: 'Net Dev' }), 'datapathType'],
    ['non-boolean flag', () => ovs.deleteBridge('br0', { socket, ifExists: 'yes' as never }), 'ifExists'],
    ['bad timeout', () => ovs.listBridges({ socket, timeout: -1 }), 'timeout'],
    ['empty socket path', () => ovs.listBridges({ socket: '' }), 'socket'],
    ['deleting a bridge\'s local port', () => ovs.deletePort('br0', 'br0', { socket }), 'port'],
  ];
  for (const [what, call, field] of cases) {
    it(`rejects ${what}`, async () => {
      const err = await call().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect(isRtnlError(err)).toBe(true);
      expect((err as ValidationError).field).toBe(field);
    });
  }
});
