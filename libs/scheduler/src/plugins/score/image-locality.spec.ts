import { calculatePriority, ImageLocality, normalizedImageName } from './image-locality';
import { makeNode, makePod, runScorePlugin } from './testing';

const MB = 1024 * 1024;

describe('ImageLocality', () => {
  it.each`
    name                             | normalized
    ${'nginx'}                       | ${'nginx:latest'}
    ${'nginx:1.25'}                  | ${'nginx:1.25'}
    ${'registry:5000/app'}           | ${'registry:5000/app:latest'}
    ${'app@sha256:abc'}              | ${'app@sha256:abc'}
  `('normalizes $name to $normalized', ({ name, normalized }) => {
    expect(normalizedImageName(name)).toBe(normalized);
  });

  it.each`
    sum          | containers | expected | why
    ${0}         | ${1}       | ${0}     | ${'below 23 MB counts as nothing'}
    ${500 * MB}  | ${1}       | ${48}    | ${'(500−23)·100/(1000−23) = 48.8'}
    ${2000 * MB} | ${1}       | ${100}   | ${'capped at 1000 MB'}
    ${1000 * MB} | ${2}       | ${49}    | ${'two containers raise the cap to 2000 MB: 977·100/1977'}
  `('calculatePriority($sum, $containers) = $expected: $why', ({ sum, containers, expected }) => {
    expect(calculatePriority(sum, containers)).toBe(expected);
  });

  it('given the image on some nodes, those score by size scaled with the image spread', () => {
    const image = { names: ['app:1'], sizeBytes: 800 * MB };
    const nodes = [makeNode('has', { images: [image] }), makeNode('also', { images: [image] }), makeNode('not'), makeNode('neither')];
    // spread 2/4 → 400 MB → (400−23)·100/977 = 38.6 → 38
    expect(runScorePlugin(ImageLocality, makePod('p'), nodes)).toEqual({ has: 38, also: 38, not: 0, neither: 0 });
  });

  it('given an untagged image in the pod, it matches the node’s ":latest" entry', () => {
    const pod = makePod('p', { containers: [{ name: 'c', image: 'big' }] });
    const nodes = [makeNode('has', { images: [{ names: ['big:latest'], sizeBytes: 1000 * MB }] })];
    expect(runScorePlugin(ImageLocality, pod, nodes)).toEqual({ has: 100 });
  });
});
