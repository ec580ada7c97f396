import { numFeasibleNodesToFind } from './num-feasible-nodes';

describe('numFeasibleNodesToFind', () => {
  it.each`
    nodes   | percentage   | expected | why
    ${50}   | ${undefined} | ${50}    | ${'fewer than 100 nodes: all of them'}
    ${99}   | ${10}        | ${99}    | ${'still below 100, whatever the percentage'}
    ${150}  | ${undefined} | ${100}   | ${'50 − 150/125 = 49 % → 73, raised to the minimum 100'}
    ${1000} | ${undefined} | ${420}   | ${'50 − 8 = 42 %'}
    ${5000} | ${undefined} | ${500}   | ${'50 − 40 = 10 %'}
    ${6000} | ${undefined} | ${300}   | ${'50 − 48 = 2 %, floored at 5 %'}
    ${5000} | ${0}         | ${500}   | ${'0 means adaptive too'}
    ${5000} | ${100}       | ${5000}  | ${'100 % scores every node'}
    ${5000} | ${1}         | ${100}   | ${'an explicit 1 % is 50, raised to 100'}
  `('given $nodes nodes and percentage $percentage then $expected ($why)', ({ nodes, percentage, expected }) => {
    expect(numFeasibleNodesToFind(percentage, nodes)).toBe(expected);
  });
});
