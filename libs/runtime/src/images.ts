// Builds the local images (image-recipes.ts) into Docker when they are missing or stale.
// When everything is there this costs one `docker image inspect` per name.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type Docker from 'dockerode';
import { BUILT_BY, BUILT_BY_LABEL, BUSYBOX_HOST_PATH, IMAGE_RECIPES, RECIPE_HASH_LABEL, normalizeImageName, recipeFor, type ImageRecipe, type RootfsEntry } from './image-recipes';

const run = promisify(execFile);
/** Bumped when the build procedure itself (not a recipe) changes what an image contains. */
const BUILDER_VERSION = 1;

export interface EnsureImagesResult {
  readonly built: readonly string[];
  readonly present: readonly string[];
}

/**
 * Makes sure the named images (default: all recipes) exist with their current recipe. Names
 * without a recipe are an error: nothing else can be had here.
 */
export async function ensureImages(docker: Docker, names?: readonly string[], options: { force?: boolean } = {}): Promise<EnsureImagesResult> {
  const recipes = names === undefined ? IMAGE_RECIPES : unique(names.map((n) => recipeFor(n) ?? unknownImage(n)));
  const built: string[] = [];
  const present: string[] = [];
  for (const recipe of recipes) {
    const hash = recipeHash(recipe);
    if (!options.force && (await allTagged(docker, recipe, hash))) {
      present.push(...recipe.names);
      continue;
    }
    await buildImage(docker, recipe, hash);
    built.push(...recipe.names);
  }
  return { built, present };
}

/** A hash of the recipe and of the host files it copies (size and mtime stand for content). */
export function recipeHash(recipe: ImageRecipe): string {
  const sources = recipe.rootfs.map((e) => {
    const from = e.kind === 'copy' ? e.from : e.kind === 'busybox' ? BUSYBOX_HOST_PATH : undefined;
    if (!from) return null;
    const s = statSync(from);
    return [from, s.size, Math.floor(s.mtimeMs)];
  });
  return createHash('sha256')
    .update(JSON.stringify({ v: BUILDER_VERSION, rootfs: recipe.rootfs, changes: recipe.changes, sources }))
    .digest('hex')
    .slice(0, 16);
}

async function allTagged(docker: Docker, recipe: ImageRecipe, hash: string): Promise<boolean> {
  for (const name of recipe.names) {
    try {
      const info = await docker.getImage(name).inspect();
      if (info.Config?.Labels?.[RECIPE_HASH_LABEL] !== hash) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/** Assembles the root filesystem in a temp dir, imports it as the first name, tags the rest. */
export async function buildImage(docker: Docker, recipe: ImageRecipe, hash = recipeHash(recipe)): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'keelson-image-'));
  try {
    for (const entry of recipe.rootfs) await addEntry(root, entry);
    const { stdout: tar } = await run('tar', ['--numeric-owner', '--owner=0', '--group=0', '-C', root, '-c', '.'], { encoding: 'buffer', maxBuffer: 512 * 2 ** 20 });
    const [first, ...rest] = recipe.names.map(splitName);
    const changes = [...recipe.changes, `LABEL ${BUILT_BY_LABEL}=${BUILT_BY} ${RECIPE_HASH_LABEL}=${hash}`];
    await importTar(docker, tar, first.repo, first.tag, changes);
    const image = docker.getImage(`${first.repo}:${first.tag}`);
    for (const { repo, tag } of rest) await image.tag({ repo, tag });
    return (await image.inspect()).Id;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** `docker import -` through the Engine API: POST /images/create?fromSrc=-&changes=… with the tar as body. */
function importTar(docker: Docker, tar: Buffer, repo: string, tag: string, changes: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    docker.modem.dial(
      { path: '/images/create?', method: 'POST', options: { fromSrc: '-', repo, tag, changes, message: 'keelson tools/images' }, file: tar, isStream: true, statusCodes: { 200: true, 500: 'server error' } },
      (err: unknown, stream: unknown) => {
        if (err) return reject(err);
        docker.modem.followProgress(stream as NodeJS.ReadableStream, (e: Error | null, events: Array<{ error?: string }>) => {
          const failed = e ?? events.find((ev) => ev.error)?.error;
          if (failed) reject(failed instanceof Error ? failed : new Error(String(failed)));
          else resolve();
        });
      },
    );
  });
}

function splitName(name: string): { repo: string; tag: string } {
  const full = normalizeImageName(name);
  const at = full.lastIndexOf(':');
  return { repo: full.slice(0, at), tag: full.slice(at + 1) };
}

async function addEntry(root: string, entry: RootfsEntry): Promise<void> {
  switch (entry.kind) {
    case 'dir':
      mkdirSync(join(root, entry.path), { recursive: true });
      if (entry.mode !== undefined) chmodSync(join(root, entry.path), entry.mode);
      return;
    case 'file':
      mkdirSync(dirname(join(root, entry.path)), { recursive: true });
      writeFileSync(join(root, entry.path), entry.content, { mode: entry.mode ?? 0o644 });
      chmodSync(join(root, entry.path), entry.mode ?? 0o644); // writeFileSync's mode is masked by umask
      return;
    case 'symlink':
      mkdirSync(dirname(join(root, entry.path)), { recursive: true });
      rmSync(join(root, entry.path), { force: true });
      symlinkSync(entry.target, join(root, entry.path));
      return;
    case 'copy':
      copyIn(root, entry.from, entry.path);
      if (entry.withLibraries) for (const lib of await sharedLibraries(entry.from)) copyIn(root, lib, lib);
      return;
    case 'busybox':
      return addBusybox(root);
    default:
      return entry satisfies never;
  }
}

function copyIn(root: string, from: string, to: string): void {
  if (!existsSync(from)) throw new Error(`${from} is missing on this machine; tools/bootstrap.sh installs the Debian packages images are built from`);
  mkdirSync(dirname(join(root, to)), { recursive: true });
  copyFileSync(from, join(root, to)); // follows symlinks: libc.so.6 arrives as the file itself
  chmodSync(join(root, to), statSync(from).mode & 0o7777);
}

/** The absolute paths `ldd` resolves for a binary, the dynamic loader included. */
export async function sharedLibraries(binary: string): Promise<string[]> {
  const { stdout } = await run('ldd', [binary]);
  return [...stdout.matchAll(/(?:=>\s*)?(\/\S+)\s+\(0x/g)].map((m) => m[1]);
}

/** /bin/busybox and one symlink per applet at its usual place, unless a real file is there. */
async function addBusybox(root: string): Promise<void> {
  copyIn(root, BUSYBOX_HOST_PATH, '/bin/busybox');
  const { stdout } = await run(BUSYBOX_HOST_PATH, ['--list-full']);
  for (const applet of stdout.split('\n').filter(Boolean)) {
    const at = join(root, applet);
    if (existsSync(at) || applet === 'bin/busybox') continue;
    mkdirSync(dirname(at), { recursive: true });
    symlinkSync('/bin/busybox', at);
  }
}

function unique<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}

function unknownImage(name: string): never {
  throw new Error(`no local recipe builds image ${JSON.stringify(name)}; known: ${IMAGE_RECIPES.flatMap((r) => r.names).join(', ')}`);
}
