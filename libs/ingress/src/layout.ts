// Where one controller's nginx keeps its files: everything under the controller's state
// directory — never /etc/nginx, /var/lib/nginx or /run/nginx.pid, which Debian's compiled-in
// defaults name and which belong to a system nginx if there is one.
import { join } from 'node:path';

export interface NginxLayout {
  /** nginx's `-p` prefix */
  readonly prefix: string;
  readonly conf: string;
  readonly pidFile: string;
  readonly lockFile: string;
  readonly errorLog: string;
  readonly accessLog: string;
  /** certificate files, mode 0600 */
  readonly certDir: string;
  /** client_body, proxy, fastcgi, uwsgi and scgi temporary directories live below this */
  readonly tempDir: string;
}

export function nginxLayout(stateDir: string): NginxLayout {
  const prefix = join(stateDir, 'nginx');
  return {
    prefix,
    conf: join(prefix, 'nginx.conf'),
    pidFile: join(prefix, 'nginx.pid'),
    lockFile: join(prefix, 'nginx.lock'),
    errorLog: join(stateDir, 'logs', 'error.log'),
    accessLog: join(stateDir, 'logs', 'access.log'),
    certDir: join(stateDir, 'certs'),
    tempDir: join(prefix, 'temp'),
  };
}
