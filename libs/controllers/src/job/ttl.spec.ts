import { reconcileJobTTL } from './ttl';
import { ago, job, NOW, showAll } from './testing';
import { JobStatus } from './types';

const finished = (secondsAgo: number, type = 'Complete'): JobStatus => ({ conditions: [{ type, status: 'True', lastTransitionTime: ago(secondsAgo) }] });

describe('TTL after finished', () => {
  it.each`
    case                                         | ttl          | status                     | expected
    ${'no ttlSecondsAfterFinished'}              | ${undefined} | ${finished(1000)}          | ${[]}
    ${'a Job still running'}                     | ${100}       | ${{}}                      | ${[]}
    ${'completed 60 s ago with a 100 s TTL'}     | ${100}       | ${finished(60)}            | ${['requeueAfter 40']}
    ${'completed 100 s ago with a 100 s TTL'}    | ${100}       | ${finished(100)}           | ${['deleteJob pi Background']}
    ${'failed 10 s ago with a 0 s TTL'}          | ${0}         | ${finished(10, 'Failed')}  | ${['deleteJob pi Background']}
  `('given $case, when reconciled, then $expected', ({ ttl, status, expected }) => {
    expect(showAll(reconcileJobTTL(job('pi', { ttlSecondsAfterFinished: ttl }, status), NOW))).toEqual(expected);
  });

  it('given an expired Job already being deleted, when reconciled, then nothing more is done', () => {
    expect(reconcileJobTTL(job('pi', { ttlSecondsAfterFinished: 0 }, finished(10), { deleting: true }), NOW)).toEqual([]);
  });
});
