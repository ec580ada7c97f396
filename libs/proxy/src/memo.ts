// Per-service-port rule fragments kept from one generation to the next. An Endpoints event
// changes one service; regenerating the other thousands (a sha256 per chain name, a string
// per rule) would cost more than the kernel update itself. A fragment is reused while its
// service port is unchanged, and then it is the very same array objects as before, so the
// diff against the last applied ruleset finds unchanged chains by identity.

import type { ServicePortInfo } from './model';

/** What a fragment depends on: every field of the service port but its key (name, protocol). */
const fingerprint = (sp: ServicePortInfo): string =>
  `${sp.clusterIP}|${sp.port}|${sp.nodePort ?? ''}|${sp.affinitySeconds ?? ''}|${sp.endpoints.map((e) => `${e.ip}:${e.port}`).join(',')}`;

interface Entry<T> { readonly port: ServicePortInfo; readonly flags: string; readonly value: T }

export class PortMemo<T> {
  private entries = new Map<string, Entry<T>>();

  /**
   * The fragment of every port, made anew by `make` only where the port (or `flags`, which
   * stand for anything else `make` reads) changed since the previous call. Entries of ports
   * not seen in this call are dropped.
   */
  map(ports: readonly ServicePortInfo[], flags: string, make: (sp: ServicePortInfo) => T): T[] {
    const next = new Map<string, Entry<T>>();
    const values = ports.map((sp) => {
      const key = `${sp.name}/${sp.protocol}`;
      const old = this.entries.get(key);
      // The same port object as last time (ServicePorts hands back unchanged ones): nothing to
      // compare. Fingerprints are only taken of ports that came back as new objects.
      const kept = old && old.flags === flags && (old.port === sp || fingerprint(old.port) === fingerprint(sp));
      const entry = !kept ? { port: sp, flags, value: make(sp) } : old.port === sp ? old : { ...old, port: sp };
      next.set(key, entry);
      return entry.value;
    });
    this.entries = next;
    return values;
  }
}
