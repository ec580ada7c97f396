// What `nginx -t -e stderr` says about a config it refuses, e.g.
//   nginx: [emerg] unexpected "}" in /state/nginx/nginx.conf.next:57
//   2026/11/26 18:46:09 [emerg] 14568#14568: unknown directive "proxy_pas" in /state/nginx/nginx.conf.next:89
//   nginx: configuration file /state/nginx/nginx.conf.next test failed
// (the first form before the error log is open, the second after),
// reduced to the messages and the lines they name, so that a failure can be reported on the
// Ingress whose location holds that line (`ingressAtLine`).

export interface NginxError {
  readonly level: string;
  readonly message: string;
  /** 1-based, when nginx named a line */
  readonly line?: number;
}

const ERROR = /^(?:nginx: |\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d )\[(emerg|alert|crit|error)\] (?:\d+#\d+: )?(.*?)(?: in (\S+):(\d+))?$/;

export function parseNginxErrors(output: string): NginxError[] {
  return output.split('\n').flatMap((l) => {
    const m = ERROR.exec(l.trim());
    if (!m) return [];
    return [{ level: m[1], message: m[2], ...(m[4] ? { line: Number(m[4]) } : {}) }];
  });
}
