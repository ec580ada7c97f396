import { IMAGE_RECIPES, normalizeImageName, recipeFor } from './image-recipes';

describe('normalizeImageName', () => {
  it.each([
    ['busybox', 'busybox:latest'],
    ['nginx:1.7.9', 'nginx:1.7.9'],
    ['docker.io/library/nginx:1.8', 'nginx:1.8'],
    ['registry.k8s.io/pause:3.9', 'registry.k8s.io/pause:3.9'],
    ['localhost:5000/app', 'localhost:5000/app:latest'],
    ['app@sha256:abc', 'app@sha256:abc'],
  ])('given %s then Docker resolves it as %s', (name, full) => {
    expect(normalizeImageName(name)).toBe(full);
  });
});

describe('image recipes', () => {
  it('given the names tests and fixtures use then each has a recipe', () => {
    for (const name of ['busybox', 'nginx:1.7.9', 'nginx:1.8', 'hostnames', 'registry.k8s.io/pause:3.9', 'keelson/pause']) {
      expect(recipeFor(name)).toBeDefined();
    }
    expect(recipeFor('redis')).toBeUndefined();
  });

  it('given two nginx versions then they differ (so a rolling update changes the image) but serve the same way', () => {
    const [a, b] = [recipeFor('nginx:1.7.9')!, recipeFor('nginx:1.8')!];
    expect(a).not.toEqual(b);
    expect(a.changes).toEqual(b.changes);
    expect(a.changes).toContain('CMD ["nginx", "-g", "daemon off;"]');
  });

  it('given every recipe then no image name is claimed twice', () => {
    const names = IMAGE_RECIPES.flatMap((r) => r.names);
    expect(new Set(names).size).toBe(names.length);
  });
});
