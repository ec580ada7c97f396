// TLS from `kubernetes.io/tls` Secrets: `tls.crt` and `tls.key` (base64 in `data`, as the API
// serves them) become one PEM file per Secret content, named after its namespace, name and a hash
// of the content, so a changed Secret is a new file and the running nginx keeps reading the old
// one until the reload. Like ingress-nginx, a certificate is checked before it is used — it must
// parse, its key must match, and it must name the host it is served for — and a failing one is
// left out (the host then has no HTTPS) with a warning instead of breaking the whole config.
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import type { Secret } from './types';

export const TLS_SECRET_TYPE = 'kubernetes.io/tls';

export interface Certificate {
  /** `namespace/name` of the Secret */
  readonly secret: string;
  /** the file's name in the controller's certificate directory */
  readonly file: string;
  /** certificate chain then key, PEM */
  readonly pem: string;
  readonly x509: X509Certificate;
}

export type CertificateResult = { readonly ok: true; readonly certificate: Certificate } | { readonly ok: false; readonly reason: string };

export function certificateFrom(secret: Secret | undefined, key: string): CertificateResult {
  if (!secret) return { ok: false, reason: `secret ${key} not found` };
  if (secret.type !== TLS_SECRET_TYPE) return { ok: false, reason: `secret ${key} is of type ${secret.type ?? 'Opaque'}, not ${TLS_SECRET_TYPE}` };
  const crt = decode(secret.data?.['tls.crt']);
  const pkey = decode(secret.data?.['tls.key']);
  if (!crt || !pkey) return { ok: false, reason: `secret ${key} has no tls.crt or tls.key` };
  try {
    const x509 = new X509Certificate(crt);
    if (!x509.checkPrivateKey(createPrivateKey(pkey))) return { ok: false, reason: `secret ${key}: tls.key does not match tls.crt` };
    const pem = `${crt.trim()}\n${pkey.trim()}\n`;
    const hash = createHash('sha256').update(pem).digest('hex').slice(0, 12);
    const [ns, name] = key.split('/');
    return { ok: true, certificate: { secret: key, file: `${ns}-${name}-${hash}.pem`, pem, x509 } };
  } catch (e) {
    return { ok: false, reason: `secret ${key}: ${(e as Error).message}` };
  }
}

/** Whether the certificate names `host`; for a wildcard rule host, whether it covers a name under it. */
export function certificateCovers(c: Certificate, host: string): boolean {
  const name = host.startsWith('*.') ? `any${host.slice(1)}` : host;
  return c.x509.checkHost(name) !== undefined;
}

function decode(b64: string | undefined): string | undefined {
  if (!b64) return undefined;
  const text = Buffer.from(b64, 'base64').toString('utf8');
  return text.trim() ? text : undefined;
}
