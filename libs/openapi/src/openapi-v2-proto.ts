// /openapi/v2 as kubectl asks for it: the gnostic openapi_v2.Document protobuf
// (Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf). Only the messages we
// fill are declared, with gnostic's field numbers (openapiv2/OpenAPIv2.proto); vendor extension
// values travel as YAML text, and JSON is YAML.
import * as protobuf from 'protobufjs';
import { openapiV2Json } from './openapi';

export const OPENAPI_V2_PROTOBUF_CONTENT_TYPE = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

const PROTO = `
syntax = "proto3";
package openapi.v2;
message AdditionalPropertiesItem { oneof oneof { Schema schema = 1; bool boolean = 2; } }
message Any { string yaml = 2; }
message BodyParameter { string description = 1; string name = 2; string in = 3; bool required = 4; Schema schema = 5; }
message Definitions { repeated NamedSchema additional_properties = 1; }
message Document { string swagger = 1; Info info = 2; Paths paths = 8; Definitions definitions = 9; }
message Info { string title = 1; string version = 2; }
message ItemsItem { repeated Schema schema = 1; }
message NamedAny { string name = 1; Any value = 2; }
message NamedPathItem { string name = 1; PathItem value = 2; }
message NamedResponseValue { string name = 1; ResponseValue value = 2; }
message NamedSchema { string name = 1; Schema value = 2; }
message NonBodyParameter { oneof oneof { QueryParameterSubSchema query_parameter_sub_schema = 3; PathParameterSubSchema path_parameter_sub_schema = 4; } }
message Operation {
  repeated string tags = 1; string description = 3; string operation_id = 5; repeated string produces = 6; repeated string consumes = 7;
  repeated ParametersItem parameters = 8; Responses responses = 9; repeated string schemes = 10; repeated NamedAny vendor_extension = 13;
}
message Parameter { oneof oneof { BodyParameter body_parameter = 1; NonBodyParameter non_body_parameter = 2; } }
message ParametersItem { oneof oneof { Parameter parameter = 1; } }
message PathItem { Operation get = 2; Operation put = 3; Operation post = 4; Operation delete = 5; Operation patch = 8; repeated ParametersItem parameters = 9; }
message PathParameterSubSchema { bool required = 1; string in = 2; string description = 3; string name = 4; string type = 5; bool unique_items = 19; }
message Paths { repeated NamedPathItem path = 2; }
message Properties { repeated NamedSchema additional_properties = 1; }
message QueryParameterSubSchema { bool required = 1; string in = 2; string description = 3; string name = 4; string type = 6; bool unique_items = 20; }
message Response { string description = 1; SchemaItem schema = 2; }
message ResponseValue { oneof oneof { Response response = 1; } }
message Responses { repeated NamedResponseValue response_code = 1; }
message Schema {
  string _ref = 1; string format = 2; string description = 4; repeated string required = 19;
  AdditionalPropertiesItem additional_properties = 21; TypeItem type = 22; ItemsItem items = 23;
  Properties properties = 25; repeated NamedAny vendor_extension = 31;
}
message SchemaItem { oneof oneof { Schema schema = 1; } }
message TypeItem { repeated string value = 1; }
`;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const extensions = (o: Json) =>
  Object.entries(o).filter(([k]) => k.startsWith('x-')).map(([name, v]) => ({ name, value: { yaml: JSON.stringify(v) } }));

function schema(s: Json): Json {
  return {
    _ref: s.$ref,
    format: s.format,
    description: s.description,
    required: s.required,
    additional_properties: s.additionalProperties === undefined ? undefined
      : typeof s.additionalProperties === 'boolean' ? { boolean: s.additionalProperties } : { schema: schema(s.additionalProperties) },
    type: s.type ? { value: [s.type] } : undefined,
    items: s.items ? { schema: [schema(s.items)] } : undefined,
    properties: s.properties ? { additional_properties: Object.entries(s.properties).map(([name, v]) => ({ name, value: schema(v as Json) })) } : undefined,
    vendor_extension: extensions(s),
  };
}

function parameter(p: Json): Json {
  if (p.in === 'body') return { parameter: { body_parameter: { name: p.name, in: p.in, required: p.required, description: p.description, schema: schema(p.schema) } } };
  const sub = { name: p.name, in: p.in, required: p.required, description: p.description, type: p.type, unique_items: p.uniqueItems };
  return { parameter: { non_body_parameter: p.in === 'path' ? { path_parameter_sub_schema: sub } : { query_parameter_sub_schema: sub } } };
}

function operation(op: Json): Json {
  return {
    description: op.description,
    operation_id: op.operationId,
    produces: op.produces,
    consumes: op.consumes,
    schemes: op.schemes,
    parameters: op.parameters.map(parameter),
    responses: {
      response_code: Object.entries(op.responses as Record<string, Json>).map(([code, r]) => ({
        name: code,
        value: { response: { description: r.description, schema: r.schema ? { schema: schema(r.schema) } : undefined } },
      })),
    },
    vendor_extension: extensions(op),
  };
}

/** The swagger JSON turned into the gnostic message shape (snake_case field names). */
export function toGnosticDocument(doc: Json): Json {
  return {
    swagger: doc.swagger,
    info: doc.info,
    paths: {
      path: Object.entries(doc.paths as Record<string, Json>).map(([name, item]) => ({
        name,
        value: {
          ...Object.fromEntries(['get', 'put', 'post', 'delete', 'patch'].filter((m) => item[m]).map((m) => [m, operation(item[m])])),
          parameters: (item.parameters ?? []).map(parameter),
        },
      })),
    },
    definitions: { additional_properties: Object.entries(doc.definitions as Record<string, Json>).map(([name, s]) => ({ name, value: schema(s) })) },
  };
}

let documentType: protobuf.Type | undefined;
export function gnosticDocumentType(): protobuf.Type {
  documentType ??= protobuf.parse(PROTO, { keepCase: true }).root.lookupType('openapi.v2.Document');
  return documentType;
}

let encoded: Buffer | undefined;
/** GET /openapi/v2 in protobuf; encoded once. */
export function openapiV2Protobuf(): Buffer {
  if (!encoded) {
    const type = gnosticDocumentType();
    encoded = Buffer.from(type.encode(type.fromObject(toGnosticDocument(openapiV2Json()))).finish());
  }
  return encoded;
}
