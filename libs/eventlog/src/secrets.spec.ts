import { randomBytes } from 'node:crypto';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SEALED_FIELD, SecretBox } from './secrets';

const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'default', labels: { app: 'web' } }, type: 'Opaque', data: { password: Buffer.from('hunter2').toString('base64') } };

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('leaves no secret value in clear text once sealed', () => {
    const sealed = box.seal(secret);
    const text = JSON.stringify(sealed);
    expect(text).not.toContain(secret.data.password);
    expect(text).not.toContain('hunter2');
    expect(sealed.data).toBeUndefined();
    expect(sealed[SEALED_FIELD]).toMatch(/^k1:/);
  });

  it('keeps metadata readable for selectors and history', () => {
    expect(box.seal(secret).metadata).toEqual(secret.metadata);
  });

  it('opens what it sealed', () => {
    expect(box.open(box.seal(secret))).toEqual(secret);
  });

  it('refuses a tampered seal', () => {
    const sealed = box.seal(secret);
    const value = sealed[SEALED_FIELD] as string;
    const tampered = { ...sealed, [SEALED_FIELD]: value.slice(0, -4) + (value.endsWith('AAAA') ? 'BBBB' : 'AAAA') };
    expect(() => box.open(tampered)).toThrow();
  });

  it('refuses another key', () => {
    expect(() => new SecretBox(randomBytes(32)).open(box.seal(secret))).toThrow();
  });

  it('creates a private key file on first use and reads the same key later', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'keelson-key-')), 'sub', 'secret.key');
    const sealed = SecretBox.fromKeyFile(path).seal(secret);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(SecretBox.fromKeyFile(path).open(sealed)).toEqual(secret);
  });

  it('passes objects without data through', () => {
    const empty = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } };
    expect(box.seal(empty)).toBe(empty);
  });
});
