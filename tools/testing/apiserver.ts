// An apiserver of its own for a test file (or a benchmark): its own stream, subject prefix,
// Postgres schema and HTTP port on the shared substrates, plus a kubeconfig pointing at it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiServerConfig, startApiServer, type RunningApiServer } from '@keelson/apiserver-app';
import { freePort, writeKubeconfig } from '@keelson/local';
import { dropSchemaIfExists } from './schemas';
import { freshSchema, isolatedEventLog, natsUrl, pgUrl } from './index';

export interface TestApiServer {
  url: string;
  kubeconfig: string;
  stream: string;
  subjectPrefix: string;
  schema: string;
  server: RunningApiServer;
  close(): Promise<void>;
}

export async function startTestApiServer(fileName: string, opts: { internalApi?: boolean } = {}): Promise<TestApiServer> {
  const { stream, subjectPrefix } = isolatedEventLog(fileName);
  const prefix = `${subjectPrefix}.obj`; // the subject codec wants two prefix tokens
  const schema = await freshSchema(fileName);
  const dir = mkdtempSync(join(tmpdir(), 'keelson-api-'));
  const port = await freePort();
  const server = await startApiServer(
    apiServerConfig({ natsUrl: natsUrl(), pgUrl: pgUrl(), port, schema, stream, subjectPrefix: prefix, secretKeyFile: join(dir, 'secret.key'), internalApi: opts.internalApi ?? false }, {}),
  );
  const kubeconfig = join(dir, 'kubeconfig');
  writeKubeconfig(kubeconfig, server.url);
  return {
    url: server.url,
    kubeconfig,
    stream,
    subjectPrefix: prefix,
    schema,
    server,
    close: async () => {
      await server.close();
      await dropSchemaIfExists(schema);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
