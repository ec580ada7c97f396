import { Errors } from '@keelson/apimachinery';
import { jsonToMessage, messageToJson } from './protobuf-json';
import { typeOf } from './protobuf-types';
import { messageName } from './proto/table';

// Kubernetes' protobuf wire format (application/vnd.kubernetes.protobuf): the four bytes
// "k8s\0", then a runtime.Unknown { typeMeta {apiVersion, kind}, raw, contentEncoding,
// contentType } whose raw is the object's own message. kubectl's typed commands (create
// namespace|configmap|secret|deployment…, drain's evictions) send their bodies this way.

export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** A protobuf body as the object Kubernetes' JSON encoding gives, apiVersion and kind first. */
export function decodeProtobufObject(data: Buffer): Record<string, unknown> {
  if (data.length < MAGIC.length || !data.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw Errors.badRequest(`provided data does not appear to be a protobuf message, expected prefix [${[...MAGIC].join(' ')}]`);
  }
  const unknown = messageToJson('runtime.Unknown', decode('runtime.Unknown', data.subarray(MAGIC.length))) as {
    typeMeta?: { apiVersion?: string; kind?: string };
    raw?: string;
  };
  const apiVersion = unknown.typeMeta?.apiVersion ?? '';
  const kind = unknown.typeMeta?.kind ?? '';
  const message = messageName(apiVersion, kind);
  // as Kubernetes answers for a kind without a protobuf form (custom resources)
  if (!message) throw Errors.unsupportedMediaType(`${PROTOBUF_CONTENT_TYPE}; ${apiVersion || '?'}, Kind=${kind || '?'}`);
  const raw = Buffer.from(unknown.raw ?? '', 'base64');
  const object = messageToJson(message, decode(message, raw)) as Record<string, unknown>;
  return { apiVersion, kind, ...object };
}

/** An object (with apiVersion and kind) in the protobuf wire format; throws for a kind it has no message for. */
export function encodeProtobufObject(object: { apiVersion?: string; kind?: string } & Record<string, unknown>): Buffer {
  const { apiVersion = '', kind = '' } = object;
  const message = messageName(apiVersion, kind);
  if (!message) throw Errors.notAcceptable(`no protobuf encoding for ${apiVersion}, Kind=${kind}`);
  const raw = typeOf(message).encode(jsonToMessage(message, object)).finish();
  const unknown = typeOf('runtime.Unknown').encode({ typeMeta: { apiVersion, kind }, raw, contentEncoding: '', contentType: '' }).finish();
  return Buffer.concat([MAGIC, unknown]);
}

function decode(message: string, bytes: Uint8Array) {
  try {
    return typeOf(message).decode(bytes);
  } catch (e) {
    // truncated or garbled input: protobufjs says where ("index out of range: 12 + 10 > 15")
    throw Errors.badRequest(`unable to decode protobuf ${message.replace(/^.*\./, '')}: ${(e as Error).message}`);
  }
}
