#!/usr/bin/env node
/**
 * Entry point of the `rtnl` command (package.json "bin"). Everything
 * testable lives in run.ts; this file only connects it to the process:
 * output streams, Ctrl-C, the exit code.
 */
import { run } from './run.js';

// Node 26 announces node:ffi (our system-call backend there) as experimental
// on first use; a command's stderr is for its own messages, so that one
// notice is dropped. Every other warning is printed as usual.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const text = typeof warning === 'string' ? warning : warning.message;
  const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
  if ((type === 'ExperimentalWarning' || (warning as Error).name === 'ExperimentalWarning') && /ffi/i.test(text)) return;
  (emitWarning as (...a: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;

const controller = new AbortController();
let interrupted = 0;
const onSignal = (signal: NodeJS.Signals) => {
  // First Ctrl-C: let a long-running command (monitor) finish cleanly.
  // Second: give up at once, with the shell's code for death by signal.
  if (interrupted++) process.exit(signal === 'SIGINT' ? 130 : 143);
  controller.abort();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

// `rtnl link | head -1`: a closed pipe ends the command quietly, as for ip.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

run(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  signal: controller.signal,
  stdoutIsTty: process.stdout.isTTY === true,
}).then(
  (code) => {
    process.exitCode = code;
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  },
  (e: unknown) => {
    process.stderr.write(`rtnl: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  },
);
