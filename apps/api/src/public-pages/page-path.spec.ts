import { type PageRoute, pageCacheKey, parsePagePath, pathOf } from './public-pages.service';

const PLAN = '3f1f0c1e-9a59-4a49-9a1c-1b0f8c3a2d10';

describe(parsePagePath.name, () => {
  it.each<PageRoute>([
    { kind: 'plans', slug: 'rosario' },
    { kind: 'openData', slug: 'rosario' },
    { kind: 'plan', slug: 'rosario', planId: PLAN },
    { kind: 'checkIns', slug: 'rosario', planId: PLAN },
    { kind: 'digests', slug: 'rosario', planId: PLAN },
    { kind: 'subscribe', slug: 'rosario', planId: PLAN },
    { kind: 'commitment', slug: 'rosario', planId: PLAN, commitmentId: PLAN },
    { kind: 'checkIn', slug: 'rosario', planId: PLAN, checkInId: PLAN },
    { kind: 'digest', slug: 'rosario', planId: PLAN, month: '2027-03' },
  ])('reads back what pathOf writes: $kind', (route) => {
    expect(parsePagePath(pathOf(route))).toEqual(route);
  });

  it.each(['/p/', '/p/rosario/', '/P/rosario', '/p/ros%61rio', '/p/rosario/plans', `/p/rosario/plans/${PLAN}/subscribe/x`, `/p/rosario/plans/${PLAN}/other`, '/p/rosario/other', `/p/a/plans/${PLAN}/digests/2027-03/x`, '/public/plans'])(
    'leaves %s to the controller',
    (path) => {
      expect(parsePagePath(path)).toBeUndefined();
    },
  );

  it('keys a page by its address and language', () => {
    expect(pageCacheKey({ kind: 'plan', slug: 'rosario', planId: PLAN }, 'en')).toBe(`page:/p/rosario/plans/${PLAN}:en`);
  });
});
