// The certificates nginx reads: one file per Secret content (its name carries a hash of it),
// written 0600 before `nginx -t` reads them, removed once no applied configuration names them.
// Written to a temporary name and renamed, so nginx never reads half a key.
import { readdirSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Certificate } from '@keelson/ingress';

export function writeCertificates(dir: string, certificates: readonly Certificate[]): void {
  for (const c of certificates) {
    const path = join(dir, c.file);
    if (existsSync(path)) continue; // same name, same content
    writeFileSync(`${path}.tmp`, c.pem, { mode: 0o600 });
    renameSync(`${path}.tmp`, path);
  }
}

/** Removes every certificate file in `dir` but those named in `keep`. */
export function removeCertificatesExcept(dir: string, keep: readonly Certificate[]): void {
  const wanted = new Set(keep.map((c) => c.file));
  for (const f of readdirSync(dir)) if (!wanted.has(f)) rmSync(join(dir, f), { force: true });
}
