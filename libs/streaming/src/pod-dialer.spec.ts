import { netnsDialer } from './pod-dialer';

// The relay is a process; `cat` and a failing `sh` stand in for nc's two outcomes.
describe('the port-forward relay', () => {
  it('given a relay that answers when its input ends then the connection ends without an error', async () => {
    const conn = netnsDialer('/unused', { command: ['cat'] })(80);
    const errors: Error[] = [];
    conn.on('error', (e) => errors.push(e));
    let text = '';
    conn.on('data', (d: Buffer) => (text += d.toString()));
    conn.end('GET / HTTP/1.0\r\n\r\n');
    await new Promise((r) => conn.on('end', r));
    expect({ text, errors }).toEqual({ text: 'GET / HTTP/1.0\r\n\r\n', errors: [] });
  });

  it('given a relay that cannot connect then the connection fails with its message', async () => {
    const conn = netnsDialer('/unused', { command: ['sh', '-c', 'echo "nc: can\'t connect to remote host (127.0.0.1): Connection refused" >&2; exit 1'] })(81);
    const error = await new Promise<Error>((resolve) => conn.on('error', resolve));
    expect(error.message).toBe("can't connect to remote host (127.0.0.1): Connection refused");
  });

  it('given a port then it is put into the relay command', async () => {
    const conn = netnsDialer('/unused', { command: ['echo', 'port={port}'] })(8080);
    const text = await new Promise<string>((resolve) => conn.on('data', (d: Buffer) => resolve(d.toString())));
    expect(text).toBe('port=8080\n');
  });
});
