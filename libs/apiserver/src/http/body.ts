import { Errors } from '@keelson/apimachinery';
import { parseAllDocuments } from 'yaml';
import { decodeProtobufObject, PROTOBUF_CONTENT_TYPE } from './protobuf';

// Request bodies: JSON, YAML where Kubernetes accepts it (application/yaml, apply patches), and
// Kubernetes' protobuf, which kubectl's typed commands send (decoded to the JSON shape).
// Malformed input is a 400 with the parser's own words, never a crash.

export function decodeBody(raw: Buffer | undefined, contentType: string | undefined): unknown {
  if (!raw || raw.length === 0) return undefined;
  const type = (contentType ?? 'application/json').split(';')[0].trim().toLowerCase();
  if (type === PROTOBUF_CONTENT_TYPE) return decodeProtobufObject(raw);
  const text = raw.toString('utf8');
  if (type === 'application/yaml' || type === 'application/apply-patch+yaml' || type === 'text/yaml') return parseYaml(text);
  if (type === 'application/json' || type.endsWith('+json') || type === '*/*' || type === '') return parseJson(text);
  throw Errors.unsupportedMediaType(type);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw Errors.badRequest(`json: ${(e as Error).message.replace(/^Unexpected/, 'invalid character: unexpected')}`);
  }
}

function parseYaml(text: string): unknown {
  // YAML is a superset of JSON: apply patches arrive as either.
  const docs = parseAllDocuments(text, { uniqueKeys: true, prettyErrors: false });
  if (Array.isArray(docs) && docs.length > 1) throw Errors.badRequest('yaml: the body must hold exactly one document');
  const doc = Array.isArray(docs) ? docs[0] : docs;
  if (!doc) return undefined;
  if (doc.errors.length) throw Errors.badRequest(`error converting YAML to JSON: yaml: ${doc.errors[0].message.split('\n')[0]}`);
  return doc.toJS({ maxAliasCount: 100 });
}
