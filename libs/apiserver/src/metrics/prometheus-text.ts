// The Prometheus text exposition format, as much of it as the kubelet's /metrics/resource
// uses: `name{label="value",…} value [timestamp-ms]`, comments skipped.

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
  /** ms since the epoch, when the line carries one */
  readonly timestamp?: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(?:\s+(-?\d+))?\s*$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?\s*/gy;

const unescape = (v: string) => v.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));

/** Every sample of a text exposition; lines that do not parse are skipped, as scrapers do. */
export function parsePrometheusText(text: string): Sample[] {
  const out: Sample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = LINE.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    if (m[3]) {
      LABEL.lastIndex = 0;
      for (let l = LABEL.exec(m[3]); l; l = LABEL.exec(m[3])) labels[l[1]] = unescape(l[2]);
    }
    const value = Number(m[4] === '+Inf' ? Infinity : m[4] === '-Inf' ? -Infinity : m[4]);
    out.push({ name: m[1], labels, value, ...(m[5] !== undefined ? { timestamp: Number(m[5]) } : {}) });
  }
  return out;
}
