// Builds Keelson's local images into the Docker Engine (no registry is reachable here).
//   node -r @swc-node/register tools/images/build.ts [--force] [image ...]
// Without names it builds every recipe that is missing or stale; --force rebuilds regardless.
import Docker from 'dockerode';
import { ensureDocker, ensureImages } from '@keelson/runtime';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const force = args.includes('--force');
  const names = args.filter((a) => !a.startsWith('--'));
  const daemon = await ensureDocker({ logFile: '.keelson/dockerd.log' });
  try {
    const docker = new Docker({ socketPath: daemon.socket });
    const started = Date.now();
    const { built, present } = await ensureImages(docker, names.length ? names : undefined, { force });
    for (const name of built) console.log(`built   ${name}`);
    for (const name of present) console.log(`present ${name}`);
    console.log(`done in ${Date.now() - started} ms`);
  } finally {
    // A dockerd started only for this build goes away with it; the images stay in /var/lib/docker.
    await daemon.stop?.();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
