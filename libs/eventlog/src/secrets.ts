import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { KubeObject } from '@keelson/apimachinery';

// Secrets are sealed before they are appended, since the log keeps everything forever:
// `data` and `stringData` are replaced by one AES-256-GCM envelope. Metadata stays readable
// so that selectors, lists and history still work without the key.

export const SEALED_FIELD = 'keelson.io/sealed';
const VERSION = 'k1';

export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('secret encryption key must be 32 bytes');
  }

  /** Loads the key file, creating it (mode 0600) on first use. */
  static fromKeyFile(path: string): SecretBox {
    if (!existsSync(path)) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, randomBytes(32).toString('base64') + '\n', { mode: 0o600 });
      chmodSync(path, 0o600);
    }
    return new SecretBox(Buffer.from(readFileSync(path, 'utf8').trim(), 'base64'));
  }

  seal(obj: KubeObject): KubeObject {
    if (obj[SEALED_FIELD] !== undefined) return obj;
    const { data, stringData, ...rest } = obj;
    if (data === undefined && stringData === undefined) return obj;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const plain = Buffer.from(JSON.stringify({ data, stringData }));
    const sealed = Buffer.concat([cipher.update(plain), cipher.final()]);
    const payload = Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64');
    return { ...rest, [SEALED_FIELD]: `${VERSION}:${payload}` } as KubeObject;
  }

  open(obj: KubeObject): KubeObject {
    const sealed = obj[SEALED_FIELD];
    if (typeof sealed !== 'string') return obj;
    const [version, payload] = sealed.split(':');
    if (version !== VERSION) throw new Error(`unknown secret seal version ${version}`);
    const raw = Buffer.from(payload, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    const plain = JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString()) as { data?: unknown; stringData?: unknown };
    const { [SEALED_FIELD]: _, ...rest } = obj;
    return { ...rest, ...(plain.data !== undefined ? { data: plain.data } : {}), ...(plain.stringData !== undefined ? { stringData: plain.stringData } : {}) } as KubeObject;
  }
}
