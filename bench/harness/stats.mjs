// Small statistics and number formatting for the benchmark tables.

export function median(xs) {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function summary(xs) {
  return { n: xs.length, median: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
}

/** A duration in seconds, in the unit that reads best (ns, µs, ms, s). */
export function fmtTime(s) {
  if (!Number.isFinite(s)) return '–';
  if (s < 1e-6) return `${(s * 1e9).toFixed(0)} ns`;
  if (s < 1e-3) return `${(s * 1e6).toFixed(s < 1e-5 ? 2 : 1)} µs`;
  if (s < 1) return `${(s * 1e3).toFixed(s < 1e-2 ? 2 : 1)} ms`;
  return `${s.toFixed(2)} s`;
}

/** A rate per second with k/M suffixes. */
export function fmtRate(r, unit = '/s') {
  if (!Number.isFinite(r)) return '–';
  if (r >= 1e6) return `${(r / 1e6).toFixed(2)} M${unit}`;
  if (r >= 1e3) return `${(r / 1e3).toFixed(1)} k${unit}`;
  return `${r.toFixed(r < 10 ? 2 : 0)}${unit}`;
}

export function fmtBytes(b) {
  if (!Number.isFinite(b)) return '–';
  const neg = b < 0;
  const a = Math.abs(b);
  let s;
  if (a >= 1 << 30) s = `${(a / 2 ** 30).toFixed(2)} GiB`;
  else if (a >= 1 << 20) s = `${(a / 2 ** 20).toFixed(1)} MiB`;
  else if (a >= 1 << 10) s = `${(a / 2 ** 10).toFixed(0)} KiB`;
  else s = `${a.toFixed(0)} B`;
  return neg ? `−${s}` : s;
}

export function fmtRatio(r) {
  return Number.isFinite(r) ? `${r.toFixed(2)}×` : '–';
}

/** A markdown table from a header row and data rows. */
export function table(head, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}
