import { EntryDecoder, encodeEntries } from './snapshot-format';

describe('snapshot entry format', () => {
  const entries = Array.from({ length: 50 }, (_, i) => ({ seq: 2 ** 40 + i * 7, subject: `keelson.obj.pods.ns.p-${i}~é`, data: Buffer.from(JSON.stringify({ type: 'Created', i, pad: 'x'.repeat(i * 97) })) }));

  it('gives back every entry, however the bytes are cut', () => {
    const bytes = Buffer.concat(encodeEntries(entries));
    for (const cut of [1, 13, 14, 4096, bytes.length]) {
      const out: { seq: number; subject: string; data: string }[] = [];
      const d = new EntryDecoder();
      for (let i = 0; i < bytes.length; i += cut) d.push(bytes.subarray(i, i + cut), (e) => out.push({ seq: e.seq, subject: e.subject, data: Buffer.from(e.data).toString() }));
      d.end();
      expect(out).toEqual(entries.map((e) => ({ seq: e.seq, subject: e.subject, data: e.data.toString() })));
    }
  });

  it('refuses input that ends inside an entry', () => {
    const bytes = Buffer.concat(encodeEntries(entries.slice(0, 2)));
    const d = new EntryDecoder();
    d.push(bytes.subarray(0, bytes.length - 1), () => undefined);
    expect(() => d.end()).toThrow(/inside an entry/);
  });
});
