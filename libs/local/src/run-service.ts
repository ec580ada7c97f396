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
      console.error(messageOf(e));
      process.exit(1);
    });
}

/**
 * A component's settings read from its command line; a bad flag or value ends the process with
 * the message alone and exit code 2, as a command-line tool does, not with a stack trace.
 */
export function fromCommandLine<T>(read: () => T): T {
  try {
    return read();
  } catch (e) {
    console.error(`error: ${messageOf(e)}`);
    process.exit(2);
  }
}

// Not `instanceof Error`: errors thrown by Node's own modules come from another realm under jest.
const messageOf = (e: unknown): unknown => (typeof e === 'object' && e !== null && 'message' in e ? e.message : e);
