// The legs of the benchmark: each is a way to do the same rtnetlink work
// (C floor, rtnl on two runtimes, iproute2 two ways, pyroute2), and knows
// how to start its driver for one workload phase. A driver prints one JSON
// result line; the harness reads it.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PY } from './build.mjs';
import { trackChild } from './netns.mjs';

/**
 * @param tools what build.mjs found
 * @returns the legs, each { id, label, skip?, rtnl?, diagnostic?, only?, command(mode, args, opts) → [file, argv, env] }
 */
export function makeLegs(root, tools) {
  const ipDriver = join(root, 'bench/drivers/ip.mjs');
  const pyDriver = join(root, 'bench/drivers/pyroute2_driver.py');
  const bundle = tools.rtnl.file;
  const nodeFlags = (opts) => [
    ...(opts.exposeGc ? ['--expose-gc'] : []),
    ...(opts.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.profileDir}`] : []),
  ];
  const legs = [
    {
      id: 'c',
      label: 'C floor (libmnl)',
      skip: tools.floor.skip,
      command: (mode, args) => [tools.floor.bin, [mode, ...args], {}],
    },
    {
      id: 'node20',
      label: `rtnl, Node ${tools.nodeAddonMajor ?? '20'} (addon)`,
      rtnl: true,
      skip: tools.rtnl.skip ?? tools.addonSkip,
      command: (mode, args, opts = {}) => [tools.nodeAddon, [...nodeFlags(opts), bundle, mode, ...args], { RTNL_BACKEND: 'addon' }],
    },
    {
      id: 'node26',
      label: 'rtnl, Node 26 (node:ffi)',
      rtnl: true,
      skip: tools.rtnl.skip ?? tools.node26Skip,
      command: (mode, args, opts = {}) => [
        tools.node26,
        ['--disable-warning=ExperimentalWarning', ...nodeFlags(opts), bundle, mode, ...args],
        { RTNL_BACKEND: 'node-ffi' },
      ],
    },
    {
      id: 'ip',
      label: '`ip`, one process per operation',
      command: (mode, args) => [process.execPath, [ipDriver, mode, ...args], {}],
    },
    {
      id: 'ipbatch',
      label: '`ip -batch`',
      command: (mode, args) => [process.execPath, [ipDriver, mode, ...args, '--batch'], {}],
    },
    {
      id: 'py',
      label: `pyroute2 ${tools.pyroute2 ?? ''} (Python ${tools.python ?? '3'})`.replace('  ', ' '),
      skip: tools.pyroute2 ? undefined : `python3-pyroute2 is not installed for ${PY} (apt-get install -y python3-pyroute2)`,
      command: (mode, args) => [PY, [pyDriver, mode, ...args], {}],
    },
  ];
  // Diagnostic legs. The two core legs send the same messages through
  // RtnlSocket + linkMessage directly, which tells the API's own cost apart
  // from the core's.
  legs.push(
    {
      id: 'core20',
      label: `rtnl core, Node ${tools.nodeAddonMajor ?? '20'} (addon)`,
      rtnl: true,
      diagnostic: true,
      skip: tools.rtnl.skip ?? tools.addonSkip,
      command: (mode, args, opts = {}) => [tools.nodeAddon, [...nodeFlags(opts), bundle, mode, ...args, '--core'], { RTNL_BACKEND: 'addon' }],
    },
    {
      id: 'core26',
      label: 'rtnl core, Node 26 (node:ffi)',
      rtnl: true,
      diagnostic: true,
      skip: tools.rtnl.skip ?? tools.node26Skip,
      command: (mode, args, opts = {}) => [
        tools.node26,
        ['--disable-warning=ExperimentalWarning', ...nodeFlags(opts), bundle, mode, ...args, '--core'],
        { RTNL_BACKEND: 'node-ffi' },
      ],
    },
    {
      // What `getLink(name, { netns })` costs when every call opens its own
      // socket inside the namespace (the convenient form of the API).
      id: 'percall',
      label: `rtnl, Node ${tools.nodeAddonMajor ?? '20'} (addon), \`{ netns }\` per call`,
      rtnl: true,
      diagnostic: true,
      only: ['getlink'],
      skip: tools.rtnl.skip ?? tools.addonSkip,
      command: (mode, args, opts = {}) => [tools.nodeAddon, [...nodeFlags(opts), bundle, mode, ...args, '--per-call'], { RTNL_BACKEND: 'addon' }],
    },
  );
  return legs;
}

/** Not a leg: runs a command under the Python driver to read its peak RSS (the `ip` memory row). */
export function rssProbe(root) {
  const pyDriver = join(root, 'bench/drivers/pyroute2_driver.py');
  return { id: 'rss', label: 'peak-RSS probe', command: (mode, args) => [PY, [pyDriver, mode, ...args], {}] };
}

/** Runs one driver; resolves with its JSON result, rejects with its stderr. */
export function runLeg(leg, mode, args, opts = {}) {
  const [file, argv, env] = leg.command(mode, args.map(String), opts);
  return new Promise((resolve, reject) => {
    const child = spawn(file, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    trackChild(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const line = stdout
        .trim()
        .split('\n')
        .reverse()
        .find((l) => l.startsWith('{'));
      if (code === 0 && line) {
        try {
          resolve(JSON.parse(line));
          return;
        } catch {
          // fall through to the error below
        }
      }
      const why = signal ? `killed by ${signal}` : `exit code ${code}`;
      reject(new Error(`${leg.label}: ${mode} ${args.join(' ')}: ${why}\n${stderr.trim().split('\n').slice(-8).join('\n')}`));
    });
  });
}
