// Every page that lists something that grows (Users, snapshots, records, log rows), with the
// variants of the overview people use: what the bounded-pages test and bench:pages ask for.
import type { SeededProgramme } from './seed-at-scale.ts';

export function listPagePaths(seeded: SeededProgramme): string[] {
  const newest = seeded.snapshots.at(-1)!;
  return [
    '/',
    '/?sort=name',
    '/?rag=RED',
    '/?flag=INVALID_MAP_IDS&sort=esme&dir=desc',
    `/users/${seeded.userIds[0]!}`,
    '/snapshots',
    `/snapshots/${newest.id}`,
    '/reports',
    '/deadline',
    '/deadline?proposed=2021-06-30',
    '/users',
    '/users/declarations',
    '/users/allowances',
    '/settings',
    '/settings/holidays',
    '/settings/map-register',
    '/settings/accounts',
    '/settings/tokens',
    '/audit',
    '/jobs',
  ];
}
