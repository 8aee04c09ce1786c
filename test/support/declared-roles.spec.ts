import { AppModule } from '../../apps/api/src/app.module';
import { Role } from '../../apps/api/src/auth/actor';
import { rolesInControllers } from './declared-roles';

/** No server: the decorators of the API's controllers, where the OpenAPI document's `x-roles` come from. */
describe('the roles every route declares', () => {
  const declared = rolesInControllers(AppModule);

  it('finds the routes of every controller the API module reaches', () => {
    expect(declared.size).toBeGreaterThan(100);
    expect(declared.get('GET /plans/{planId}')).toEqual([Role.Admin, Role.Coordinator, Role.Imb]);
    expect(declared.get('GET /p/{slug}')).toEqual([Role.Public]);
  });

  it('every route declares x-roles (@Roles or @Public on its handler or controller)', () => {
    expect([...declared].filter(([, roles]) => !roles?.length).map(([route]) => route)).toEqual([]);
  });

  it('x-roles names known roles only: public alone, or the admin and others', () => {
    const known: string[] = Object.values(Role);
    const odd = [...declared].filter(([, roles = []]) => roles.some((role) => !known.includes(role)) || (roles.includes(Role.Public) ? roles.length !== 1 : !roles.includes(Role.Admin)));
    expect(odd).toEqual([]);
  });
});
