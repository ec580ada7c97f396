// Carries out volume plans (volumes.ts) on the node's disk, as the kubelet's volume manager
// does: emptyDir as a directory (tmpfs for medium Memory), hostPath checked or created,
// configMap/secret/downwardAPI files written atomically (atomic-writer.ts) and rewritten only
// when their content changed, PVs bound in place. Everything of a pod lives under
// <root>/pods/<uid>, so tearing a pod down is unmounting its tmpfs and removing that tree.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { atomicWritePlan, type ProjectedFile, type WriteStep } from './atomic-writer';
import { hostPathCheck, type HostPathKind, type VolumePlan } from './volumes';

const run = promisify(execFile);

export interface VolumeSetUpResult {
  /** Volumes that could not be set up, with the reason (the kubelet's FailedMount). */
  readonly errors: readonly string[];
  /** Names of file volumes whose content was (re)written by this call. */
  readonly updated: readonly string[];
}

export class VolumeHost {
  constructor(readonly rootDir: string) {}

  podDir(uid: string): string {
    return `${this.rootDir}/pods/${uid}`;
  }

  async setUp(plans: readonly VolumePlan[], now = Date.now()): Promise<VolumeSetUpResult> {
    const errors: string[] = [];
    const updated: string[] = [];
    for (const plan of plans) {
      try {
        switch (plan.kind) {
          case 'emptyDir':
            mkdirSync(plan.hostPath, { recursive: true, mode: 0o777 });
            chmodSync(plan.hostPath, 0o777); // any container user may write, as the kubelet's emptyDir
            if (plan.tmpfs && !(await isMountPoint(plan.hostPath))) {
              const size = plan.tmpfs.sizeBytes ? [`-o`, `size=${plan.tmpfs.sizeBytes}`] : [];
              await run('mount', ['-t', 'tmpfs', ...size, 'tmpfs', plan.hostPath]);
            }
            break;
          case 'hostPath': {
            const check = hostPathCheck(plan.type, plan.hostPath, kindOf(plan.hostPath));
            if (check === 'createDirectory') mkdirSync(plan.hostPath, { recursive: true, mode: 0o755 });
            else if (check === 'createFile') {
              mkdirSync(dirname(plan.hostPath), { recursive: true });
              writeFileSync(plan.hostPath, '', { mode: 0o644 });
            } else if (check !== 'ok') errors.push(`MountVolume.SetUp failed for volume "${plan.name}" : ${check.error}`);
            break;
          }
          case 'files':
            if (writeFilesIfChanged(plan.hostPath, plan.files, now)) updated.push(plan.name);
            break;
          case 'bind':
            mkdirSync(plan.hostPath, { recursive: true });
            break;
          case 'error':
            errors.push(`MountVolume.SetUp failed for volume "${plan.name}" : ${plan.message}`);
            break;
          default:
            plan satisfies never;
        }
      } catch (e) {
        errors.push(`MountVolume.SetUp failed for volume "${plan.name}" : ${(e as Error).message}`);
      }
    }
    return { errors, updated };
  }

  /** Unmounts the pod's tmpfs volumes and removes its directory. Idempotent. */
  async tearDown(uid: string): Promise<void> {
    const dir = this.podDir(uid);
    for (const mount of (await mountPoints()).filter((m) => m.startsWith(`${dir}/`)).sort().reverse()) {
      await run('umount', [mount]).catch(() => run('umount', ['-l', mount]));
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Files whose content hash matches the one recorded beside the volume are left alone. */
export function writeFilesIfChanged(dir: string, files: readonly ProjectedFile[], now: number): boolean {
  const hash = createHash('sha256').update(JSON.stringify(files.map((f) => [f.path, f.mode, Buffer.from(f.content).toString('base64')]))).digest('hex');
  const hashFile = `${dir}.keelson-hash`;
  if (existsSync(hashFile) && readFileSync(hashFile, 'utf8') === hash && existsSync(`${dir}/..data`)) return false;
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const entries = readdirSync(dir);
  let dataDir: string | undefined;
  try {
    dataDir = readlinkSync(`${dir}/..data`);
  } catch {
    dataDir = undefined;
  }
  const visible = entries.filter((e) => !e.startsWith('..'));
  for (const step of atomicWritePlan(dir, files, { dataDir, visible }, now)) applyStep(step);
  writeFileSync(hashFile, hash);
  return true;
}

function applyStep(step: WriteStep): void {
  switch (step.op) {
    case 'mkdir':
      mkdirSync(step.path, { recursive: true, mode: 0o755 });
      return;
    case 'writeFile':
      writeFileSync(step.path, step.content, { mode: step.mode });
      chmodSync(step.path, step.mode);
      return;
    case 'symlink':
      rmSync(step.path, { force: true });
      symlinkSync(step.target, step.path);
      return;
    case 'rename':
      renameSync(step.from, step.to);
      return;
    case 'remove':
      rmSync(step.path, { recursive: true, force: true });
      return;
    default:
      step satisfies never;
  }
}

function kindOf(path: string): HostPathKind {
  try {
    const s = statSync(path);
    if (s.isDirectory()) return 'directory';
    if (s.isFile()) return 'file';
    if (s.isSocket()) return 'socket';
    if (s.isCharacterDevice()) return 'charDevice';
    if (s.isBlockDevice()) return 'blockDevice';
    return lstatSync(path).isSymbolicLink() ? 'file' : 'missing';
  } catch {
    return 'missing';
  }
}

async function mountPoints(): Promise<string[]> {
  // /proc/self/mounts escapes spaces as \040; pod paths never contain any.
  return readFileSync('/proc/self/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1]).filter(Boolean);
}

async function isMountPoint(path: string): Promise<boolean> {
  return (await mountPoints()).includes(path);
}
