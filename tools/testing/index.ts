// Helpers for *.int.spec.ts and *.e2e.spec.ts. The substrates are shared by every test file
// of a run (see global-setup.ts), so each file works in its own Postgres schema and its own
// JetStream stream and subjects, and files can run in parallel without seeing each other.
import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import { connect, type ConnectionOptions, type NatsConnection } from 'nats';
import { Client } from 'pg';

function fromEnv(name: 'KEELSON_NATS_URL' | 'KEELSON_PG_URL'): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run this spec through jest's int or e2e project (npm test), whose globalSetup starts the substrates`);
  return value;
}

export const natsUrl = (): string => fromEnv('KEELSON_NATS_URL');
export const pgUrl = (): string => fromEnv('KEELSON_PG_URL');

/** A connection to the shared test NATS; close it in afterAll. */
export function natsConnect(opts: ConnectionOptions = {}): Promise<NatsConnection> {
  return connect({ servers: natsUrl(), ...opts });
}

/** Upper-case letters, digits and `_` only: valid in stream names and as a subject token. */
function token(fileName: string): string {
  const stem = basename(fileName).replace(/\.(int|e2e)?\.?spec\.ts$/, '').replace(/\.ts$/, '');
  return `${stem.replace(/[^A-Za-z0-9]+/g, '_').toUpperCase().slice(0, 40)}_${randomBytes(4).toString('hex').toUpperCase()}`;
}

/**
 * A stream name of its own for a test file, e.g. testStreamName(__filename) →
 * "KEELSON_T_EVENTLOG_3F9A01BC". Unique per call, so call it once per file.
 */
export function testStreamName(fileName: string): string {
  return `KEELSON_T_${token(fileName)}`;
}

/**
 * A stream name and a subject prefix of its own for a test file. Both are needed: JetStream
 * refuses two streams whose subjects overlap, so a second stream on `keelson.>` would fail
 * even under another name. E.g. { stream: "KEELSON_T_X_3F9A01BC", subjectPrefix: "t_x_3f9a01bc" }.
 */
export function isolatedEventLog(fileName: string): { stream: string; subjectPrefix: string } {
  const unique = token(fileName);
  return { stream: `KEELSON_T_${unique}`, subjectPrefix: `t_${unique.toLowerCase()}` };
}

/**
 * Creates a new schema in the shared test database and returns its name, e.g. "t_projector_1a2b3c4d";
 * point TypeORM at it with `schema` (or `SET search_path`). One per test file.
 */
export async function freshSchema(fileName = 'spec'): Promise<string> {
  const schema = `t_${token(fileName).toLowerCase()}`;
  const client = new Client({ connectionString: pgUrl() });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA "${schema}"`);
  } finally {
    await client.end();
  }
  return schema;
}
