import {
  balancedResourceScore,
  brokenLinear,
  leastAllocatedScore,
  leastRequestedScore,
  mostAllocatedScore,
  mostRequestedScore,
  requestedToCapacityRatioScore,
} from './resource-allocation';

const cpuMem = [
  { name: 'cpu', weight: 1 },
  { name: 'memory', weight: 1 },
];

describe('per-resource scores', () => {
  it.each`
    requested | capacity | least | most  | why
    ${0}      | ${4000}  | ${100} | ${0}  | ${'empty node'}
    ${3000}   | ${4000}  | ${25}  | ${75} | ${'(4000−3000)·100/4000 = 25'}
    ${1}      | ${3}     | ${66}  | ${33} | ${'integer division truncates: 200/3 = 66'}
    ${5000}   | ${4000}  | ${0}   | ${100} | ${'overcommitted by non-zero defaults: least 0, most capped'}
    ${10}     | ${0}     | ${0}   | ${0}  | ${'node without the resource'}
  `('given $requested of $capacity then least $least, most $most ($why)', ({ requested, capacity, least, most }) => {
    expect(leastRequestedScore(requested, capacity)).toBe(least);
    expect(mostRequestedScore(requested, capacity)).toBe(most);
  });
});

describe('weighted strategies over cpu and memory', () => {
  it.each`
    requested         | allocatable        | resources                                                         | least | most  | why
    ${[3000, 5000]}   | ${[4000, 10000]}   | ${cpuMem}                                                         | ${37} | ${62} | ${'least (25+50)/2 = 37; most (75+50)/2 = 62'}
    ${[3000, 5000]}   | ${[4000, 10000]}   | ${[{ name: 'cpu', weight: 3 }, { name: 'memory', weight: 1 }]}    | ${31} | ${68} | ${'least (25·3+50)/4 = 31; most (75·3+50)/4 = 68'}
    ${[3000, 0]}      | ${[4000, 0]}       | ${cpuMem}                                                         | ${25} | ${75} | ${'a resource the node lacks drops out of the mean'}
    ${[0, 0]}         | ${[0, 0]}          | ${cpuMem}                                                         | ${0}  | ${0}  | ${'nothing to weigh'}
  `('$why', ({ requested, allocatable, resources, least, most }) => {
    expect(leastAllocatedScore(requested, allocatable, resources)).toBe(least);
    expect(mostAllocatedScore(requested, allocatable, resources)).toBe(most);
  });
});

describe('RequestedToCapacityRatio', () => {
  const packing = [
    { utilization: 0, score: 0 },
    { utilization: 100, score: 10 },
  ];
  const spreading = [
    { utilization: 0, score: 10 },
    { utilization: 100, score: 0 },
  ];

  it.each`
    shape        | p      | expected | why
    ${packing}   | ${75}  | ${7}     | ${'0 + 10·75/100 = 7.5 → 7 (why the plugin scales shapes to 0..100 first)'}
    ${spreading} | ${75}  | ${3}     | ${'10 + (−10·75/100 = −7.5 → −7, truncated toward zero as Go does)'}
    ${[{ utilization: 50, score: 40 }, { utilization: 80, score: 100 }]} | ${10} | ${40} | ${'below the first point: its score'}
    ${[{ utilization: 50, score: 40 }, { utilization: 80, score: 100 }]} | ${90} | ${100} | ${'above the last point: its score'}
  `('broken linear function at $p → $expected ($why)', ({ shape, p, expected }) => {
    expect(brokenLinear(shape, p)).toBe(expected);
  });

  it.each`
    shape        | requested        | allocatable       | expected | why
    ${packing}   | ${[3000, 5000]}  | ${[4000, 10000]}  | ${63}    | ${'cpu 75, memory 50 → 62.5 rounds to 63'}
    ${spreading} | ${[3000, 5000]}  | ${[4000, 10000]}  | ${38}    | ${'cpu 25, memory 50 → 37.5 rounds to 38'}
    ${spreading} | ${[4000, 5000]}  | ${[4000, 10000]}  | ${50}    | ${'cpu scores 0 and leaves the mean: memory 50 alone'}
    ${packing}   | ${[5000, 0]}     | ${[4000, 10000]}  | ${100}   | ${'overcommitted counts as 100 % used; memory 0 drops out'}
  `('$why', ({ shape, requested, allocatable, expected }) => {
    expect(requestedToCapacityRatioScore(shape)(requested, allocatable, cpuMem)).toBe(expected);
  });
});

describe('balancedResourceScore', () => {
  it.each`
    requested              | allocatable            | expected | why
    ${[3000, 5000]}        | ${[4000, 10000]}       | ${87}    | ${'fractions 0.75, 0.5 → std 0.125 → 87.5 → 87'}
    ${[2000, 5000]}        | ${[4000, 10000]}       | ${100}   | ${'both at half: perfectly balanced'}
    ${[6000, 0]}           | ${[4000, 10000]}       | ${50}    | ${'cpu capped at 1, memory 0 → std 0.5'}
    ${[1, 2, 3]}           | ${[4, 4, 4]}           | ${79}    | ${'three resources: 0.25, 0.5, 0.75 → std √(0.125/3) ≈ 0.204 → 79'}
    ${[3000, 5000]}        | ${[4000, 0]}           | ${100}   | ${'one resource left: no deviation'}
  `('$why', ({ requested, allocatable, expected }) => {
    expect(balancedResourceScore(requested, allocatable)).toBe(expected);
  });
});
