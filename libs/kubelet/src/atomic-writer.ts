// How the kubelet's AtomicWriter updates a configMap/secret/downwardAPI volume so readers
// never see a half-written set: write everything into a fresh timestamped directory, point
// a `..data_tmp` symlink at it and rename it over `..data` (rename is atomic), then make
// each top-level name a symlink into `..data`. Old directories and names go last.
// This returns the steps; the agent runs them in order.
export interface ProjectedFile {
  /** Relative path inside the volume, e.g. "config/app.yaml". */
  readonly path: string;
  readonly content: string | Buffer;
  readonly mode: number;
}

export type WriteStep =
  | { readonly op: 'mkdir'; readonly path: string }
  | { readonly op: 'writeFile'; readonly path: string; readonly content: string | Buffer; readonly mode: number }
  | { readonly op: 'symlink'; readonly target: string; readonly path: string }
  | { readonly op: 'rename'; readonly from: string; readonly to: string }
  | { readonly op: 'remove'; readonly path: string };

export interface VolumeDirState {
  /** The directory `..data` points at now, e.g. "..2024_05_01_10_00_00.0". */
  readonly dataDir?: string;
  /** Top-level user-visible names present now. */
  readonly visible: readonly string[];
}

const two = (n: number) => String(n).padStart(2, '0');

/** "..2024_05_01_10_00_00.<ms>", unique per write like the kubelet's timestamped dirs. */
export function timestampedDir(now: number): string {
  const d = new Date(now);
  return `..${d.getUTCFullYear()}_${two(d.getUTCMonth() + 1)}_${two(d.getUTCDate())}_${two(d.getUTCHours())}_${two(d.getUTCMinutes())}_${two(d.getUTCSeconds())}.${now}`;
}

export function atomicWritePlan(dir: string, files: readonly ProjectedFile[], current: VolumeDirState, now: number): WriteStep[] {
  const ts = timestampedDir(now);
  const steps: WriteStep[] = [{ op: 'mkdir', path: `${dir}/${ts}` }];
  const subdirs = new Set(files.flatMap((f) => parents(f.path)));
  for (const sub of [...subdirs].sort()) steps.push({ op: 'mkdir', path: `${dir}/${ts}/${sub}` });
  for (const f of files) steps.push({ op: 'writeFile', path: `${dir}/${ts}/${f.path}`, content: f.content, mode: f.mode });
  steps.push({ op: 'symlink', target: ts, path: `${dir}/..data_tmp` }, { op: 'rename', from: `${dir}/..data_tmp`, to: `${dir}/..data` });
  const visible = [...new Set(files.map((f) => f.path.split('/')[0]))].sort();
  for (const name of visible) if (!current.visible.includes(name)) steps.push({ op: 'symlink', target: `..data/${name}`, path: `${dir}/${name}` });
  for (const name of current.visible) if (!visible.includes(name)) steps.push({ op: 'remove', path: `${dir}/${name}` });
  if (current.dataDir) steps.push({ op: 'remove', path: `${dir}/${current.dataDir}` });
  return steps;
}

function parents(path: string): string[] {
  const parts = path.split('/').slice(0, -1);
  return parts.map((_, i) => parts.slice(0, i + 1).join('/'));
}
