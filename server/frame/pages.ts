// The sections of the app, who may open each, and what each will hold. Navigation is built from
// this list and the routes are registered from it, so a link is shown exactly to those it admits.
import { allow, type Access } from '../auth/access.ts';
import { isAllowed } from '../auth/access.ts';
import type { Principal } from '../auth/roles.ts';

export interface Section {
  path: string;
  title: string;
  access: Access;
  /** What the page will show once its issue lands; shown on the placeholder until then. */
  comingSoon: string[];
}

export const SECTIONS: Section[] = [
  {
    path: '/',
    title: 'Overview',
    access: allow('secas', 'panel', 'dcc'),
    comingSoon: [
      'Programme totals: meters in scope, MAP IDs backfilled, outstanding, % complete.',
      'Users by RAG status, with the reason for each RED and AMBER.',
      'The programme chart: total outstanding against the deadline trajectory.',
      'Every User in a table you can sort and filter by RAG and compliance flag.',
    ],
  },
  {
    path: '/snapshots',
    title: 'Snapshots',
    access: allow('secas', 'dcc'),
    comingSoon: [
      'Every inventory snapshot imported, with its as-of date, file, rows accepted and rejected.',
      'Upload a snapshot file (CSV or gzip) with progress for the transfer and the import.',
      'Each import’s result and rejected rows; the outstanding devices of one User as CSV.',
    ],
  },
  {
    path: '/reports',
    title: 'Reports',
    access: allow('secas', 'panel'),
    comingSoon: [
      'The monthly report to the Panel, by month and version, as PDF and CSV.',
      'SECAS: generate, regenerate and publish a version. Panel: published reports only.',
    ],
  },
  {
    path: '/deadline',
    title: 'Deadline',
    access: allow('secas', 'panel'),
    comingSoon: [
      'The Panel deadline in force and its history, with the reason for each change.',
      'What-if: each User’s RAG for a proposed deadline, and the earliest feasible deadline.',
    ],
  },
  {
    path: '/users',
    title: 'Users',
    access: allow('secas', 'dcc'),
    comingSoon: [
      'The Users register: each DCC User’s ID and name; Users found only in snapshots are flagged.',
      'Declarations received and allowances confirmed, recorded by the DCC or SECAS, with CSV import.',
    ],
  },
  {
    path: '/settings',
    title: 'Settings',
    access: allow('secas'),
    comingSoon: [
      'Programme settings: implementation date, windows, report day, classification, reject ratio.',
      'Bank holidays, the MAP register, accounts and API tokens.',
    ],
  },
  {
    path: '/audit',
    title: 'Audit log',
    access: allow('secas'),
    comingSoon: [],
  },
  {
    path: '/jobs',
    title: 'Job runs',
    access: allow('secas'),
    comingSoon: [
      'Every scheduled run (drop-folder import, daily checks, monthly report) with status, duration and error.',
    ],
  },
];

export interface NavItem {
  path: string;
  title: string;
  current: boolean;
}

export function navigationFor(principal: Principal | undefined, currentPath: string): NavItem[] {
  if (!principal) return [];
  return SECTIONS.filter((s) => isAllowed(s.access, principal.role)).map((s) => ({
    path: s.path,
    title: s.title,
    current: s.path === '/' ? currentPath === '/' : currentPath === s.path || currentPath.startsWith(`${s.path}/`),
  }));
}
