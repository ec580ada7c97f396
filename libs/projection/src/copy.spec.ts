import { CopyBatch, copyLine } from './copy';

describe('copyLine (COPY text format)', () => {
  it('separates fields with tabs, ends with a newline and writes null as \\N', () => {
    expect(copyLine([1, 'pods', null, undefined])).toBe('1\tpods\t\\N\t\\N\n');
  });

  it('doubles backslashes, so JSON escapes reach Postgres unchanged', () => {
    const json = JSON.stringify({ a: 'line\nbreak "quoted"' }); // {"a":"line\nbreak \"quoted\""}
    expect(copyLine([json])).toBe(`${json.replace(/\\/g, '\\\\')}\n`);
    expect(copyLine(['C:\\dir'])).toBe('C:\\\\dir\n');
  });

  it('escapes tabs and line breaks inside a field so that it cannot split the row', () => {
    expect(copyLine(['a\tb\r\nc', 'd'])).toBe('a\\tb\\r\\nc\td\n');
  });

  it('gathers rows in chunks that end at row boundaries', () => {
    const batch = new CopyBatch();
    const field = 'x'.repeat(30_000);
    for (let i = 0; i < 20; i++) batch.add([i, field]);
    const chunks = batch.done();
    expect(batch.rows).toBe(20);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.every((c) => c.toString().endsWith('\n'))).toBe(true);
    expect(Buffer.concat(chunks).toString()).toBe(Array.from({ length: 20 }, (_, i) => `${i}\t${field}\n`).join(''));
  });

  it('passes JSON bytes through as the last column with only their backslashes doubled', () => {
    const json = JSON.stringify({ a: 'tab\there "q" \\ é' });
    const bytes = Buffer.from(`xx${json}yy`);
    const batch = new CopyBatch();
    batch.add([7, null], { bytes, start: 2, end: bytes.length - 2 });
    batch.add([], { bytes, start: 2, end: bytes.length - 2 });
    expect(Buffer.concat(batch.done()).toString()).toBe(`7\t\\N\t${json.replace(/\\/g, '\\\\')}\n${json.replace(/\\/g, '\\\\')}\n`);
  });
});
