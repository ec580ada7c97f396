// @keelson/dns: the cluster zone's records (records.ts), the cluster state they are built from
// (cluster-index.ts) and one message in, one message out (wire.ts). The sockets are apps/dns's.
export * from './cluster-index';
export * from './records';
export * from './wire';
export * from './kube-dns';
