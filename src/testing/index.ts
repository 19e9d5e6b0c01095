/**
 * rtnl/testing: record real kernel conversations through the shim, replay
 * them anywhere without privileges, byte-checked. See docs/testing.md.
 */
export { recordShim, type RecordingShim } from './record.js';
export { replayShim, type ReplayShim, type ReplayOptions } from './replay.js';
export {
  withFixture,
  withRecording,
  withReplay,
  fixtureMode,
  readFixture,
  writeFixture,
  recordTarget,
  type FixtureContext,
  type FixtureMode,
  type FixtureOptions,
  type RecordOptions,
  type ReplayHarnessOptions,
} from './harness.js';
export { formatFixture } from './format.js';
export { parseFixture, FixtureSyntaxError } from './parse.js';
export { toPcap, LINKTYPE_NETLINK } from './pcap.js';
export { ReplayMismatchError, ReplayIncompleteError } from './errors.js';
export type { Difference } from './diff.js';
export type { Fixture, FixtureEvent } from './fixture.js';
