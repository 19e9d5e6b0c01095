/**
 * TAP devices against the real kernel, in a throwaway namespace; iproute2
 * is the oracle for what exists and how it is configured.
 */
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { createTap, openTap, type Tap } from '../../../src/ops/tap/index.js';
import {
  ARP_REPLY,
  ARP_REQUEST,
  BROADCAST_MAC,
  ETHERTYPE,
  ICMP,
  IPPROTO,
  decodeArp,
  decodeEthernet,
  decodeIcmp,
  decodeIpv4,
  decodeUdp,
  describeFrame,
  encodeArp,
  encodeEthernet,
  encodeIcmpEcho,
  encodeIpv4,
} from '../../../src/ethernet/index.js';
import { RtnlSocket } from '../../../src/netlink/socket.js';
import { kernelLacks } from '../../helpers/kernel.js';
import { ip, ipJson, useNetns, liveTitle } from '../../helpers/live.js';
import { type IpLink, readUntil, sendUdp, waitFor } from './_helpers.js';

const ns = useNetns('rtnltap');
const PEER_MAC = '02:00:00:00:09:02';

/** `bridge -j fdb show br br0` (the bridge tool is iproute2's too). */
const bridgeFdb = (): Array<{ mac: string; ifname?: string }> =>
  JSON.parse(execFileSync('bridge', ['-n', ns.name, '-j', 'fdb', 'show', 'br', 'br0'], { encoding: 'utf8' }) || '[]') as Array<{ mac: string; ifname?: string }>;
const link = (name: string): IpLink | undefined => ipJson<IpLink[]>(['-d', '-s', 'link', 'show'], ns.name).find((l) => l.ifname === name);

/** Taps opened by a test, closed after it even when it fails. */
const opened: Tap[] = [];
const track = <T extends Tap>(t: T): T => {
  opened.push(t);
  return t;
};
afterEach(() => {
  for (const t of opened.splice(0)) t.close();
});

/** An ARP reply from PEER_MAC/peerIp to the device. */
function arpReply(deviceMac: string, deviceIp: string, peerIp: string): Uint8Array {
  return encodeEthernet(
    { dst: deviceMac, src: PEER_MAC, etherType: ETHERTYPE.ARP },
    encodeArp({ op: ARP_REPLY, senderMac: PEER_MAC, senderIp: peerIp, targetMac: deviceMac, targetIp: deviceIp }),
  );
}

const whoHas = (target: string) => (f: Uint8Array) => {
  const eth = decodeEthernet(f);
  if (eth.etherType !== ETHERTYPE.ARP) return undefined;
  const arp = decodeArp(eth.payload);
  return arp.op === ARP_REQUEST && arp.targetIp === target ? { eth, arp, frame: f } : undefined;
};

const tunLacks = kernelLacks('tun');
const ipv6Lacks = tunLacks ?? kernelLacks('ipv6');

describe.skipIf(tunLacks !== undefined)(liveTitle('TAP devices', tunLacks), () => {
  it('creates a persistent TAP that iproute2 sees as tun/tap with its owner and group', async () => {
    const created = await createTap('tp0', { netns: ns.name, owner: 54321, group: 54322 });
    const seen = link('tp0');
    expect(seen).toBeDefined();
    expect(created.index).toBe(seen!.ifindex);
    expect(created.name).toBe('tp0');
    expect(created.kind).toBe(seen!.linkinfo?.info_kind);
    expect(seen!.linkinfo?.info_kind).toBe('tun');
    expect(seen!.linkinfo?.info_data).toMatchObject({ type: 'tap', pi: false, vnet_hdr: false, multi_queue: false, persist: true, user: 54321, group: 54322 });
    expect(created.info).toMatchObject({ kind: 'tun', type: 'tap', pi: false, vnetHdr: false, multiQueue: false, persist: true, owner: 54321, group: 54322 });
    expect(created.address).toBe(seen!.address);
    expect(created.mtu).toBe(seen!.mtu);
    expect(created.up).toBe(false);
    // Persistent: it outlived the fd that made it. Deleting it over rtnetlink works like any link.
    ip(['link', 'del', 'tp0'], ns.name);
    expect(link('tp0')).toBeUndefined();
  });

  it('applies MTU, address and up, and makes multi-queue vnet_hdr devices whose queues are counted', async () => {
    const created = await createTap('tp1', { netns: ns.name, multiQueue: true, vnetHdr: true, mtu: 9000, address: '02:aa:bb:cc:dd:01', up: true });
    let seen = link('tp1')!;
    expect(seen.mtu).toBe(9000);
    expect(seen.address).toBe('02:aa:bb:cc:dd:01');
    expect(seen.flags).toContain('UP');
    expect(seen.linkinfo?.info_data).toMatchObject({ multi_queue: true, vnet_hdr: true, numqueues: 0 });
    expect(created).toMatchObject({ mtu: 9000, address: '02:aa:bb:cc:dd:01', up: true, info: { multiQueue: true, vnetHdr: true, numQueues: 0 } });

    const q1 = track(await openTap('tp1', { netns: ns.name }));
    // Later queues take the device's vnet_hdr setting; asking otherwise is refused, not ignored.
    await expect(openTap('tp1', { netns: ns.name, vnetHdr: false })).rejects.toMatchObject({ name: 'ValidationError', field: 'vnetHdr' });
    const q2 = track(await openTap('tp1', { netns: ns.name, multiQueue: true }));
    expect(q2.vnetHdrSize).toBe(q1.vnetHdrSize);
    expect(q1.multiQueue).toBe(true);
    expect(q1.vnetHdrSize).toBeGreaterThanOrEqual(10);
    expect(q2.index).toBe(seen.ifindex);
    seen = link('tp1')!;
    expect(seen.linkinfo?.info_data).toMatchObject({ numqueues: 2 });
    q1.close();
    q2.close();
    expect(link('tp1')!.linkinfo?.info_data).toMatchObject({ numqueues: 0 });
    await expect(openTap('tp1', { netns: ns.name, multiQueue: false })).rejects.toMatchObject({ name: 'ValidationError', field: 'multiQueue' });
    ip(['link', 'del', 'tp1'], ns.name);
  });

  it('with a caller\'s socket, creates and opens the TAP in that socket\'s namespace', async () => {
    const socket = RtnlSocket.open({ netns: ns.name });
    try {
      const created = await createTap('tpso', { socket, up: true });
      expect(link('tpso')?.ifindex).toBe(created.index);
      const tap = track(await openTap('tpso', { socket }));
      expect(tap.index).toBe(created.index);
      expect(link('tpso')!.flags).toContain('LOWER_UP');
    } finally {
      socket.close();
      // Had the namespace been missed, the device would be in ours: never leave it there.
      const stray = ipJson<Array<{ ifname: string }>>(['link', 'show']).some((l) => l.ifname === 'tpso');
      if (stray) ip(['link', 'del', 'tpso']);
      expect(stray).toBe(false);
    }
  });

  it('takes a %d template and reports the name the kernel chose', async () => {
    const a = await createTap('tpx%d', { netns: ns.name });
    const b = await createTap('tpx%d', { netns: ns.name });
    expect(a.name).toMatch(/^tpx\d+$/);
    expect(b.name).toMatch(/^tpx\d+$/);
    expect(a.name).not.toBe(b.name);
    expect(link(a.name)?.ifindex).toBe(a.index);
    expect(link(b.name)?.ifindex).toBe(b.index);
    ip(['link', 'del', a.name], ns.name);
    ip(['link', 'del', b.name], ns.name);
  });

  it('refuses a name that exists (EEXIST) and leaves that device alone', async () => {
    ip(['link', 'add', 'taken0', 'type', 'bridge'], ns.name);
    const before = link('taken0')!;
    await expect(createTap('taken0', { netns: ns.name })).rejects.toMatchObject({ name: 'SystemError', code: 'EEXIST', message: expect.stringMatching(/already exists/) });
    const after = link('taken0')!;
    expect(after.ifindex).toBe(before.ifindex);
    expect(after.linkinfo?.info_kind).toBe('bridge');
    ip(['link', 'del', 'taken0'], ns.name);
  });

  it('rolls back: a failing later step leaves no TAP behind', async () => {
    // lo cannot be a master: the kernel refuses at RTM_SETLINK, after the TAP exists.
    const err = await createTap('tpr0', { netns: ns.name, master: 'lo', up: true }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'NetlinkError', operation: 'createTap', code: 'EOPNOTSUPP', attrPath: 'master' });
    expect(String((err as Error).message)).toMatch(/cannot take ports/);
    expect(link('tpr0')).toBeUndefined();
    // A master ifindex that does not exist: refused by the kernel, rolled back too.
    const err2 = await createTap('tpr0', { netns: ns.name, master: 999999, mtu: 1400 }).catch((e: unknown) => e);
    expect(err2).toMatchObject({ name: 'NetlinkError' });
    expect(link('tpr0')).toBeUndefined();
    // A master name that does not exist fails before anything is made.
    await expect(createTap('tpr0', { netns: ns.name, master: 'nosuchbr0' })).rejects.toMatchObject({ name: 'NetlinkError', code: 'ENODEV' });
    expect(link('tpr0')).toBeUndefined();
    // And the same name then works: nothing half-made is in the way.
    const ok = await createTap('tpr0', { netns: ns.name });
    expect(link('tpr0')?.ifindex).toBe(ok.index);
    ip(['link', 'del', 'tpr0'], ns.name);
  });

  it('reads the ARP requests the kernel sends, answers one, and sees the neighbour appear and the queued datagram follow', async () => {
    await createTap('tap0', { netns: ns.name });
    const tap = track(await openTap('tap0', { netns: ns.name }));
    ip(['addr', 'add', '10.9.0.1/24', 'dev', 'tap0'], ns.name);
    ip(['link', 'set', 'tap0', 'up'], ns.name);
    const deviceMac = link('tap0')!.address;

    sendUdp(ns.name, '10.9.0.2', 9999, ['hello tap']);
    const req = await readUntil(tap, whoHas('10.9.0.2'));
    expect(req.eth.dst).toBe(BROADCAST_MAC);
    expect(req.eth.src).toBe(deviceMac);
    expect(req.arp).toMatchObject({ senderIp: '10.9.0.1', senderMac: deviceMac, targetIp: '10.9.0.2' });
    expect(describeFrame(req.frame)).toBe(`${deviceMac} > ${BROADCAST_MAC} ARP who-has 10.9.0.2 tell 10.9.0.1`);

    const rxBefore = link('tap0')!.stats64!.rx.packets;
    await tap.write(arpReply(deviceMac, '10.9.0.1', '10.9.0.2'));
    expect(tap.stats.framesWritten).toBe(1);

    // The kernel learnt the neighbour from our reply...
    const neigh = await waitFor(
      () => ipJson<Array<{ dst: string; lladdr?: string; state: string[] }>>(['neigh', 'show', 'dev', 'tap0'], ns.name).find((n) => n.dst === '10.9.0.2' && n.lladdr),
      3000,
      'the neighbour entry',
    );
    expect(neigh.lladdr).toBe(PEER_MAC);
    expect(neigh.state).toContain('REACHABLE');
    expect(link('tap0')!.stats64!.rx.packets).toBe(rxBefore + 1);

    // ...and sent the datagram it had queued while resolving, to our MAC.
    const udp = await readUntil(tap, (f) => {
      const eth = decodeEthernet(f);
      if (eth.etherType !== ETHERTYPE.IPV4) return undefined;
      const ipv4 = decodeIpv4(eth.payload);
      return ipv4.protocol === IPPROTO.UDP ? { eth, ipv4, udp: decodeUdp(ipv4.payload), frame: f } : undefined;
    });
    expect(udp.eth.dst).toBe(PEER_MAC);
    expect(udp.ipv4).toMatchObject({ src: '10.9.0.1', dst: '10.9.0.2', checksumOk: true });
    expect(udp.udp.dstPort).toBe(9999);
    expect(new TextDecoder().decode(udp.udp.payload)).toBe('hello tap');
    expect(describeFrame(udp.frame)).toMatch(new RegExp(`^${deviceMac} > ${PEER_MAC} IPv4 10\\.9\\.0\\.1 > 10\\.9\\.0\\.2 UDP \\d+ > 9999, length 9$`));
  });

  it('injects an ICMP echo request and reads the kernel\'s echo reply, answering its ARP on the way', async () => {
    // tap0 from the previous test: 10.9.0.1/24. Closing its last fd dropped
    // the carrier, which flushed the neighbour: the kernel will ask again.
    const tap = track(await openTap('tap0', { netns: ns.name }));
    const deviceMac = link('tap0')!.address;
    const rxBefore = link('tap0')!.stats64!.rx.packets;
    const data = new TextEncoder().encode('ping from typescript');
    const request = encodeEthernet(
      { dst: deviceMac, src: PEER_MAC, etherType: ETHERTYPE.IPV4 },
      encodeIpv4({ src: '10.9.0.2', dst: '10.9.0.1', protocol: IPPROTO.ICMP, id: 7 }, encodeIcmpEcho(0x4242, 3, data)),
    );
    expect(describeFrame(request)).toBe(`${PEER_MAC} > ${deviceMac} IPv4 10.9.0.2 > 10.9.0.1 ICMP echo request id 16962 seq 3`);
    await tap.write(request);
    let arpAnswered = 0;
    const reply = await readUntil(tap, (f) => {
      if (whoHas('10.9.0.2')(f)) {
        // A one-line ARP responder: the kernel needs our MAC to reply.
        arpAnswered++;
        tap.tryWrite(arpReply(deviceMac, '10.9.0.1', '10.9.0.2'));
        return undefined;
      }
      const eth = decodeEthernet(f);
      if (eth.etherType !== ETHERTYPE.IPV4) return undefined;
      const ipv4 = decodeIpv4(eth.payload);
      if (ipv4.protocol !== IPPROTO.ICMP) return undefined;
      const icmp = decodeIcmp(ipv4.payload);
      return icmp.type === ICMP.ECHO_REPLY ? { eth, ipv4, icmp } : undefined;
    });
    expect(reply.eth.dst).toBe(PEER_MAC);
    expect(reply.ipv4).toMatchObject({ src: '10.9.0.1', dst: '10.9.0.2', checksumOk: true });
    expect(reply.icmp).toMatchObject({ id: 0x4242, seq: 3, checksumOk: true });
    expect(reply.icmp.payload).toEqual(data);
    // Every frame we wrote was received by the device: the echo request and each ARP reply.
    expect(tap.stats.framesWritten).toBe(1 + arpAnswered);
    expect(link('tap0')!.stats64!.rx.packets).toBe(rxBefore + tap.stats.framesWritten);
  });

  it.skipIf(ipv6Lacks !== undefined)(`decodes the ICMPv6 the kernel sends on bring-up, with valid checksums${ipv6Lacks ? ` — skipped: ${ipv6Lacks}` : ''}`, async () => {
    const { tap } = await createTap('tp6', { netns: ns.name, open: true });
    track(tap);
    ip(['link', 'set', 'tp6', 'up'], ns.name);
    const { decodeIpv6, decodeIcmpv6, ICMPV6 } = await import('../../../src/ethernet/index.js');
    // IPv6 bring-up: an MLDv2 report joining the solicited-node group, and
    // a neighbour solicitation from :: for duplicate address detection.
    const kinds = new Set<number>();
    await readUntil(
      tap,
      (f) => {
        const eth = decodeEthernet(f);
        if (eth.etherType !== ETHERTYPE.IPV6) return undefined;
        const ip6 = decodeIpv6(eth.payload);
        if (ip6.protocol !== IPPROTO.ICMPV6) return undefined;
        const m = decodeIcmpv6(ip6.payload, ip6);
        expect(m.checksumOk).toBe(true);
        kinds.add(m.type);
        if (m.type === ICMPV6.NEIGHBOR_SOLICITATION) {
          expect(ip6.src).toBe('::');
          expect(m.target).toMatch(/^fe80::/);
          expect(describeFrame(f)).toContain(`ICMPv6 neighbor solicitation, who has ${m.target} (DAD)`);
        }
        if (m.type === ICMPV6.MLD2_REPORT) {
          expect(ip6.extensions).toEqual([0]);
          expect(describeFrame(f)).toMatch(/IPv6 :: > ff02::16 ICMPv6 multicast listener report v2, \d+ group record/);
        }
        return kinds.has(ICMPV6.NEIGHBOR_SOLICITATION) && kinds.has(ICMPV6.MLD2_REPORT) ? true : undefined;
      },
      8000,
    );
  });

  it('carries frames through a bridge it is enslaved to', async () => {
    ip(['link', 'add', 'br0', 'type', 'bridge'], ns.name);
    ip(['addr', 'add', '10.8.0.1/24', 'dev', 'br0'], ns.name);
    ip(['link', 'set', 'br0', 'up'], ns.name);
    const { link: created, tap } = await createTap('tpb', { netns: ns.name, master: 'br0', up: true, open: true });
    track(tap);
    const br = link('br0')!;
    expect(created.master).toBe(br.ifindex);
    expect(link('tpb')!.master).toBe('br0');
    // Wait for the port to forward (a bridge without STP forwards at once, but be sure).
    await waitFor(() => ipJson<Array<{ ifname: string; state?: string }>>(['-d', 'link', 'show', 'tpb'], ns.name)[0]?.state !== 'disabled', 2000, 'the port');

    sendUdp(ns.name, '10.8.0.2', 5353, ['over the bridge']);
    const req = await readUntil(tap, whoHas('10.8.0.2'));
    expect(req.arp).toMatchObject({ senderIp: '10.8.0.1', senderMac: br.address });
    await tap.write(arpReply(br.address, '10.8.0.1', '10.8.0.2'));
    // The bridge learnt our MAC on the TAP port, and br0 the neighbour.
    await waitFor(
      () => bridgeFdb().find((e) => e.mac === PEER_MAC && e.ifname === 'tpb'),
      3000,
      'the fdb entry',
    );
    const neigh = await waitFor(
      () => ipJson<Array<{ dst: string; lladdr?: string }>>(['neigh', 'show', 'dev', 'br0'], ns.name).find((n) => n.dst === '10.8.0.2' && n.lladdr),
      3000,
      'the neighbour on br0',
    );
    expect(neigh.lladdr).toBe(PEER_MAC);
    const udp = await readUntil(tap, (f) => {
      const eth = decodeEthernet(f);
      return eth.etherType === ETHERTYPE.IPV4 && eth.dst === PEER_MAC ? decodeUdp(decodeIpv4(eth.payload).payload) : undefined;
    });
    expect(new TextDecoder().decode(udp.payload)).toBe('over the bridge');

    // A second TAP on the same bridge: a frame written into one comes out of the other, byte for byte.
    const { tap: other } = await createTap('tpb2', { netns: ns.name, master: 'br0', up: true, open: true });
    track(other);
    const payload = new TextEncoder().encode('port to port');
    const frame = encodeEthernet({ dst: BROADCAST_MAC, src: '02:00:00:00:0b:01', etherType: 0x88b5 }, payload);
    await tap.write(frame);
    const got = await readUntil(other, (f) => (decodeEthernet(f).etherType === 0x88b5 ? f : undefined));
    expect(got).toEqual(frame);
    expect(describeFrame(got)).toBe(`02:00:00:00:0b:01 > ${BROADCAST_MAC} ethertype 0x88b5, length ${payload.length}`);
  });

  it('close() ends a pending iteration and a pending read; later reads end, writes fail', async () => {
    await createTap('tpc', { netns: ns.name });
    const tap = track(await openTap('tpc', { netns: ns.name }));
    const got: Uint8Array[] = [];
    const loop = (async () => {
      for await (const f of tap) got.push(f);
      return 'ended';
    })();
    const pending = tap.read();
    await new Promise((r) => setTimeout(r, 50));
    tap.close();
    await expect(loop).resolves.toBe('ended');
    await expect(pending).resolves.toBeUndefined();
    await expect(tap.read()).resolves.toBeUndefined();
    expect(tap.closed).toBe(true);
    expect(tap.fileDescriptor).toBe(-1);
    await expect(tap.write(new Uint8Array(60))).rejects.toMatchObject({ name: 'SocketClosedError' });
    tap.close(); // idempotent
    // The device is persistent: still there, and openable again now that its single queue is free.
    expect(link('tpc')).toBeDefined();
    const again = track(await openTap('tpc', { netns: ns.name }));
    again.close();
    ip(['link', 'del', 'tpc'], ns.name);
  });

  it('ends on AbortSignal: frames() quietly, read() with the reason, an open-time signal closes the TAP', async () => {
    await createTap('tpa', { netns: ns.name });
    const tap = track(await openTap('tpa', { netns: ns.name }));
    const start = Date.now();
    const frames: Uint8Array[] = [];
    for await (const f of tap.frames({ signal: AbortSignal.timeout(150) })) frames.push(f);
    expect(Date.now() - start).toBeGreaterThanOrEqual(100);
    expect(tap.closed).toBe(false);
    const ac = new AbortController();
    const r = tap.read({ signal: ac.signal });
    ac.abort(new Error('stop reading'));
    await expect(r).rejects.toThrow('stop reading');
    tap.close();

    const ac2 = new AbortController();
    const tap2 = track(await openTap('tpa', { netns: ns.name, signal: ac2.signal }));
    const loop = (async () => {
      let n = 0;
      for await (const _ of tap2) n++;
      return n;
    })();
    ac2.abort();
    await expect(loop).resolves.toBeTypeOf('number');
    expect(tap2.closed).toBe(true);
    await expect(openTap('tpa', { netns: ns.name, signal: AbortSignal.abort(new Error('already')) })).rejects.toThrow('already');
    ip(['link', 'del', 'tpa'], ns.name);
  });

  it('fails reads with EBADFD when the device is deleted under an open TAP', async () => {
    await createTap('tpd', { netns: ns.name });
    const tap = track(await openTap('tpd', { netns: ns.name }));
    const loop = (async () => {
      for await (const _ of tap) {
        // keep reading
      }
    })();
    await new Promise((r) => setTimeout(r, 30));
    ip(['link', 'del', 'tpd'], ns.name);
    await expect(loop).rejects.toMatchObject({ code: 'EBADFD', message: expect.stringMatching(/tpd: EBADFD: the device was deleted/) });
    expect(tap.closed).toBe(true);
    await expect(tap.read()).rejects.toMatchObject({ code: 'EBADFD' });
    await expect(tap.write(new Uint8Array(60))).rejects.toMatchObject({ code: 'EBADFD' });
  });

  it('refuses a second user-space end of a single-queue TAP, non-TAP links and missing ones', async () => {
    await createTap('tps', { netns: ns.name });
    track(await openTap('tps', { netns: ns.name }));
    await expect(openTap('tps', { netns: ns.name })).rejects.toMatchObject({ name: 'SystemError', code: 'EBUSY', message: expect.stringMatching(/already open/) });
    ip(['link', 'add', 'notap0', 'type', 'bridge'], ns.name);
    await expect(openTap('notap0', { netns: ns.name })).rejects.toMatchObject({ name: 'ValidationError', message: expect.stringMatching(/not a TAP/) });
    await expect(openTap('nosuch0', { netns: ns.name })).rejects.toMatchObject({ name: 'NetlinkError', code: 'ENODEV' });
    // openTap never creates: the missing name is still missing.
    expect(link('nosuch0')).toBeUndefined();
    ip(['link', 'del', 'notap0'], ns.name);
    ip(['link', 'del', 'tps'], ns.name);
  });

  it('makes a non-persistent TAP that lives exactly as long as its Tap', async () => {
    const { link: created, tap } = await createTap('tpt', { netns: ns.name, persist: false, open: true });
    track(tap);
    expect(created.info).toMatchObject({ kind: 'tun', type: 'tap', persist: false });
    expect(link('tpt')?.linkinfo?.info_data).toMatchObject({ persist: false });
    tap.close();
    await waitFor(() => link('tpt') === undefined, 3000, 'the transient TAP to go');
  });

  it('pauses reading when its queue is full and loses nothing the kernel kept', async () => {
    const { tap } = await createTap('tpq', { netns: ns.name, open: true, up: true, queueSize: 4 });
    track(tap);
    ip(['addr', 'add', '10.7.0.1/24', 'dev', 'tpq'], ns.name);
    ip(['neigh', 'add', '10.7.0.2', 'lladdr', PEER_MAC, 'dev', 'tpq', 'nud', 'permanent'], ns.name);
    const n = 40;
    sendUdp(ns.name, '10.7.0.2', 7000, Array.from({ length: n }, (_, i) => `m${i}`));
    await waitFor(() => tap.stats.pauses > 0, 3000, 'reading to pause');
    // Paused: nothing more is read while nobody consumes.
    const readWhilePaused = tap.stats.framesRead;
    await new Promise((r) => setTimeout(r, 100));
    expect(tap.stats.framesRead).toBe(readWhilePaused);
    const got: string[] = [];
    await readUntil(tap, (f) => {
      const eth = decodeEthernet(f);
      if (eth.etherType === ETHERTYPE.IPV4) {
        const ipv4 = decodeIpv4(eth.payload);
        if (ipv4.protocol === IPPROTO.UDP) got.push(new TextDecoder().decode(decodeUdp(ipv4.payload).payload));
      }
      return got.length === n ? true : undefined;
    });
    expect(got).toEqual(Array.from({ length: n }, (_, i) => `m${i}`));
    expect(link('tpq')!.stats64!.tx.dropped).toBe(0);
  });

  it('drops and raises the carrier', async () => {
    const { tap } = await createTap('tpk', { netns: ns.name, open: true, up: true });
    track(tap);
    // LOWER_UP is the carrier itself (netif_carrier_ok). NO-CARRIER is not
    // asserted: it follows operstate, which linkwatch updates later and, seen
    // on 6.18, not at all when the carrier drops moments after bring-up.
    await waitFor(() => link('tpk')!.flags.includes('LOWER_UP'), 2000, 'LOWER_UP');
    tap.setCarrier(false);
    await waitFor(() => !link('tpk')!.flags.includes('LOWER_UP'), 2000, 'LOWER_UP to go');
    tap.setCarrier(true);
    await waitFor(() => link('tpk')!.flags.includes('LOWER_UP'), 2000, 'LOWER_UP again');
    expect(() => tap.setCarrier('no' as never)).toThrow(/true or false/);
    tap.close();
    expect(() => tap.setCarrier(true)).toThrow(/closed/);
  });

  it('reads and writes frames with a virtio_net_hdr when opened with vnetHdr', async () => {
    const { tap } = await createTap('tpv', { netns: ns.name, open: true, vnetHdr: true, up: true });
    track(tap);
    expect(tap.vnetHdrSize).toBe(10);
    ip(['addr', 'add', '10.6.0.1/24', 'dev', 'tpv'], ns.name);
    const deviceMac = link('tpv')!.address;
    sendUdp(ns.name, '10.6.0.2', 9, ['x']);
    const hdr = tap.vnetHdrSize;
    const req = await readUntil(tap, (f) => whoHas('10.6.0.2')(f.subarray(hdr)));
    expect(req.frame.byteOffset).toBe(hdr);
    expect(describeFrame(new Uint8Array(req.frame.buffer), { vnetHdrSize: hdr })).toContain('ARP who-has 10.6.0.2 tell 10.6.0.1');
    const reply = arpReply(deviceMac, '10.6.0.1', '10.6.0.2');
    const withHdr = new Uint8Array(hdr + reply.length);
    withHdr.set(reply, hdr); // an all-zero virtio_net_hdr: no offload requested
    await tap.write(withHdr);
    await waitFor(
      () => ipJson<Array<{ dst: string; lladdr?: string }>>(['neigh', 'show', 'dev', 'tpv'], ns.name).find((x) => x.dst === '10.6.0.2' && x.lladdr === PEER_MAC),
      3000,
      'the neighbour learnt through a vnet_hdr write',
    );
    // A frame shorter than header + Ethernet header is refused before the system call.
    expect(() => tap.tryWrite(new Uint8Array(hdr + 13))).toThrow(/at least 24 bytes/);
  });
});
