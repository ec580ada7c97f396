// Quantity arithmetic alone, as `@keelson/admission/quantity`: the package's index also loads
// validation, the OpenAPI schemas (protobufjs) and cron-parser, which a node agent never uses and
// which cost it ~4 MB of RSS.
export * from './src/quantity';
