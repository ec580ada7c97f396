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
    const field = 'x'.repeat(10_000);
    for (let i = 0; i < 20; i++) batch.add([i, field]);
    const chunks = batch.done();
    expect(batch.rows).toBe(20);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.every((c) => c.endsWith('\n'))).toBe(true);
    expect(chunks.join('')).toBe(Array.from({ length: 20 }, (_, i) => `${i}\t${field}\n`).join(''));
  });
});
