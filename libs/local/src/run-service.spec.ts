import { parseArgs } from 'node:util';
import { fromCommandLine } from './run-service';

describe('fromCommandLine', () => {
  let exit: jest.SpyInstance;
  let stderr: jest.SpyInstance;
  beforeEach(() => {
    exit = jest.spyOn(process, 'exit').mockImplementation(((code: number) => {
      throw new Error(`exit ${code}`);
    }) as never);
    stderr = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('gives back the settings read', () => {
    expect(fromCommandLine(() => parseArgs({ args: ['--nodes', '3'], options: { nodes: { type: 'string' } }, strict: true }).values)).toEqual({ nodes: '3' });
    expect(exit).not.toHaveBeenCalled();
  });

  it('ends a bad command line with the message alone and exit code 2', () => {
    expect(() => fromCommandLine(() => parseArgs({ args: ['--bogus'], options: {}, strict: true }))).toThrow('exit 2');
    expect(stderr).toHaveBeenCalledWith(expect.stringMatching(/^error: Unknown option '--bogus'/));
  });
});
