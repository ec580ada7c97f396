// What each local image holds, declared as data. No registry is reachable from these machines,
// so the images that tests and fixtures name (busybox, nginx:1.7.9, hostnames, the pause
// image) are assembled from Debian's own binaries and imported with `docker import`.
// The recipe's hash (with the size and mtime of every host file it copies) is stored as an
// image label, so a changed recipe or an upgraded Debian package causes a rebuild.

/** One path in the image's root filesystem. */
export type RootfsEntry =
  | { readonly kind: 'dir'; readonly path: string; readonly mode?: number }
  | { readonly kind: 'file'; readonly path: string; readonly content: string; readonly mode?: number }
  | { readonly kind: 'symlink'; readonly path: string; readonly target: string }
  /** A host file copied in; `withLibraries` also copies the shared libraries `ldd` lists. */
  | { readonly kind: 'copy'; readonly path: string; readonly from: string; readonly withLibraries?: boolean }
  /** /bin/busybox from busybox-static and a symlink for each applet (where nothing else is). */
  | { readonly kind: 'busybox' };

export interface ImageRecipe {
  /** The first is the one built; the others are tagged onto it. */
  readonly names: readonly string[];
  readonly rootfs: readonly RootfsEntry[];
  /** Dockerfile instructions applied by `docker import --change`. */
  readonly changes: readonly string[];
}

export const BUILT_BY_LABEL = 'keelson.io/built-by';
export const BUILT_BY = 'tools/images';
export const RECIPE_HASH_LABEL = 'keelson.io/recipe-hash';
export const BUSYBOX_HOST_PATH = '/bin/busybox';
const PATH_ENV = 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const PASSWD = ['root:x:0:0:root:/root:/bin/sh', 'daemon:x:1:1:daemon:/usr/sbin:/bin/false', 'www-data:x:33:33:www-data:/var/www:/bin/false', 'nginx:x:101:101:nginx:/nonexistent:/bin/false', 'nobody:x:65534:65534:nobody:/nonexistent:/bin/false', ''].join('\n');
const GROUP = ['root:x:0:', 'daemon:x:1:', 'www-data:x:33:', 'nginx:x:101:', 'nogroup:x:65534:', ''].join('\n');

/** What every image has: a shell and its tools, users, /tmp. */
const BASE: readonly RootfsEntry[] = [
  { kind: 'busybox' },
  { kind: 'dir', path: '/tmp', mode: 0o1777 },
  { kind: 'dir', path: '/root', mode: 0o700 },
  { kind: 'dir', path: '/proc' },
  { kind: 'dir', path: '/sys' },
  { kind: 'dir', path: '/dev' },
  { kind: 'dir', path: '/etc' },
  { kind: 'file', path: '/etc/passwd', content: PASSWD },
  { kind: 'file', path: '/etc/group', content: GROUP },
  { kind: 'file', path: '/etc/nsswitch.conf', content: 'passwd: files\ngroup: files\nhosts: files dns\n' },
];

const busybox: ImageRecipe = {
  names: ['busybox:latest'],
  rootfs: BASE,
  changes: [PATH_ENV, 'CMD ["sh"]'],
};

// The infra container of every pod: holds the network and IPC namespaces and does nothing.
// sh as PID 1 ignores SIGTERM unless trapped; the trap makes `docker stop` return at once.
// `sleep & wait` rather than `sleep`, because a trap runs only once the foreground command ends.
const PAUSE_SCRIPT = "#!/bin/sh\ntrap 'exit 0' TERM INT\nwhile :; do sleep 86400 & wait $!; done\n";
const pause: ImageRecipe = {
  names: ['registry.k8s.io/pause:3.9', 'keelson/pause:latest'],
  rootfs: [{ kind: 'busybox' }, { kind: 'file', path: '/pause', content: PAUSE_SCRIPT, mode: 0o755 }],
  changes: [PATH_ENV, 'ENTRYPOINT ["/pause"]'],
};

// Kubernetes' serve_hostname answers GET / with the pod's hostname on port 9376.
// busybox httpd forks a process per connection, so concurrent requests are served.
const HOSTNAMES_SCRIPT = [
  '#!/bin/sh',
  "trap 'exit 0' TERM INT",
  'mkdir -p /www && hostname > /www/index.html',
  'httpd -f -p 9376 -h /www &',
  'wait $!',
  '',
].join('\n');
const hostnames: ImageRecipe = {
  names: ['hostnames:latest'],
  rootfs: [...BASE, { kind: 'file', path: '/serve_hostname', content: HOSTNAMES_SCRIPT, mode: 0o755 }],
  changes: [PATH_ENV, 'EXPOSE 9376/tcp', 'CMD ["/serve_hostname"]'],
};

const NGINX_CONF = `user nginx;
worker_processes auto;
error_log /var/log/nginx/error.log notice;
pid /run/nginx.pid;
events { worker_connections 1024; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  log_format main '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"';
  access_log /var/log/nginx/access.log main;
  sendfile on;
  keepalive_timeout 65;
  include /etc/nginx/conf.d/*.conf;
}
`;
const NGINX_DEFAULT_SERVER = `server {
  listen 80 default_server;
  server_name localhost;
  location / {
    root /usr/share/nginx/html;
    index index.html index.htm;
  }
  error_page 500 502 503 504 /50x.html;
  location = /50x.html { root /usr/share/nginx/html; }
}
`;
const welcomePage = (image: string) => `<!DOCTYPE html>
<html>
<head><title>Welcome to nginx!</title></head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and working.</p>
<p>Image ${image}: a local Keelson build of Debian's nginx.</p>
</body>
</html>
`;

/** nginx from Debian's package, as the official image lays it out, under the tag `image`. */
function nginx(image: string): ImageRecipe {
  return {
    names: [image],
    rootfs: [
      ...BASE,
      { kind: 'copy', path: '/usr/sbin/nginx', from: '/usr/sbin/nginx', withLibraries: true },
      { kind: 'dir', path: '/etc/nginx/conf.d' },
      { kind: 'file', path: '/etc/nginx/nginx.conf', content: NGINX_CONF },
      { kind: 'file', path: '/etc/nginx/conf.d/default.conf', content: NGINX_DEFAULT_SERVER },
      { kind: 'copy', path: '/etc/nginx/mime.types', from: '/etc/nginx/mime.types' },
      { kind: 'file', path: '/usr/share/nginx/html/index.html', content: welcomePage(image) },
      { kind: 'file', path: '/usr/share/nginx/html/50x.html', content: '<html><body><h1>An error occurred.</h1></body></html>\n' },
      // Debian's build keeps its temp files under /var/lib/nginx. Logs go to /var/log/nginx, whose
      // files link to the container's stdout and stderr as in the official image: a volume mounted
      // there (the seed's log sidecar) gets real files instead.
      ...['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((d): RootfsEntry => ({ kind: 'dir', path: `/var/lib/nginx/${d}` })),
      { kind: 'dir', path: '/var/log/nginx' },
      { kind: 'symlink', path: '/var/log/nginx/access.log', target: '/dev/stdout' },
      { kind: 'symlink', path: '/var/log/nginx/error.log', target: '/dev/stderr' },
      { kind: 'dir', path: '/run' },
      { kind: 'dir', path: '/var/cache/nginx' },
    ],
    changes: [PATH_ENV, 'EXPOSE 80/tcp', 'WORKDIR /', 'CMD ["nginx", "-g", "daemon off;"]'],
  };
}

export const IMAGE_RECIPES: readonly ImageRecipe[] = [busybox, pause, hostnames, nginx('nginx:1.7.9'), nginx('nginx:1.8')];

/** The pause image the runtime starts sandboxes from. */
export const PAUSE_IMAGE = 'registry.k8s.io/pause:3.9';

export function recipeFor(name: string): ImageRecipe | undefined {
  const full = normalizeImageName(name);
  return IMAGE_RECIPES.find((r) => r.names.includes(full));
}

/** "busybox" → "busybox:latest", "docker.io/library/nginx:1.7.9" → "nginx:1.7.9", as Docker resolves them. */
export function normalizeImageName(name: string): string {
  const n = name.replace(/^docker\.io\/(library\/)?/, '');
  if (n.includes('@')) return n;
  return n.indexOf(':', n.lastIndexOf('/') + 1) === -1 ? `${n}:latest` : n;
}
