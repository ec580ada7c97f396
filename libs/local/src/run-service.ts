// A component run as its own process: start it, say so, close it on SIGINT/SIGTERM, and exit 1
// with the message alone when it cannot start.
export function runService<T extends { close(): Promise<unknown> }>(start: () => Promise<T>, started: (service: T) => string): void {
  Promise.resolve()
    .then(start)
    .then((service) => {
      console.log(started(service));
      const stop = () => void service.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    })
    .catch((e) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    });
}
