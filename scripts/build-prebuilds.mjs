#!/usr/bin/env node
// Builds the Node-API addon (native/rtnl_shim.c) once per CPU, for the
// tarball: prebuilds/linux-x64/rtnl_shim.node and
// prebuilds/linux-arm64/rtnl_shim.node (glibc). Run by `prepack`; Node 20–24
// then load the matching file with no install script and no compiler, and
// the install-time node-gyp build is only the fallback for other CPUs.
//
// A Node-API addon links against nothing of Node's: napi_* and uv_* are
// resolved from the running node binary when it loads (NAPI_VERSION 8 is
// in every Node from 16 on; uv_poll_t is part of libuv 1.x's stable ABI).
// So one build per CPU serves every Node version, and the headers of the
// Node that runs this script (<prefix>/include/node) are all it needs.
// arm64 is cross-compiled with Debian's gcc-aarch64-linux-gnu; where that
// compiler is missing the arm64 file is left out, loudly.
//
//   node scripts/build-prebuilds.mjs [--require x64,arm64]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const headers = join(dirname(dirname(process.execPath)), 'include', 'node');
const required = (process.argv.find((a) => a.startsWith('--require='))?.slice('--require='.length) ?? '').split(',').filter(Boolean);
const say = (s) => process.stderr.write(`rtnl prebuilds: ${s}\n`);

const TARGETS = [
  { arch: 'x64', cc: process.arch === 'x64' ? ['cc', 'gcc', 'x86_64-linux-gnu-gcc'] : ['x86_64-linux-gnu-gcc'] },
  { arch: 'arm64', cc: process.arch === 'arm64' ? ['cc', 'gcc', 'aarch64-linux-gnu-gcc'] : ['aarch64-linux-gnu-gcc'] },
];

const found = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;

if (!existsSync(join(headers, 'node_api.h'))) {
  say(`no Node headers at ${headers} (node_api.h): prebuilds not made`);
  process.exit(required.length ? 1 : 0);
}
let failed = false;
for (const t of TARGETS) {
  const out = join(root, 'prebuilds', `linux-${t.arch}`, 'rtnl_shim.node');
  const cc = t.cc.find(found);
  if (!cc) {
    say(`WARNING: no compiler for ${t.arch} (${t.cc.join(', ')}): linux-${t.arch} is not in this build`);
    rmSync(out, { force: true });
    if (required.includes(t.arch)) failed = true;
    continue;
  }
  mkdirSync(dirname(out), { recursive: true });
  const args = ['-std=gnu11', '-O2', '-s', '-Wall', '-Wextra', '-fPIC', '-shared', '-fvisibility=hidden', '-DNODE_GYP_MODULE_NAME=rtnl_shim', `-I${headers}`, '-o', out, join(root, 'native', 'rtnl_shim.c')];
  const r = spawnSync(cc, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) {
    say(`${cc} failed for ${t.arch} (exit ${r.status})`);
    failed = true;
    continue;
  }
  say(`linux-${t.arch}: ${out} (${cc})`);
}
process.exit(failed ? 1 : 0);
