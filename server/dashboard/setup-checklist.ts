// The empty overview's setup checklist: what a new installation needs before it shows positions,
// each step ticked once done and linked to the page where it is done — for the viewer's role only,
// so a Panel member is told who does a step rather than sent to a page that refuses them.
import type { SetupCounts } from '../../db/queries/setup-counts.ts';
import { formatDate, formatNumber } from '../templates/view-helpers.ts';

export interface SetupStep {
  title: string;
  done: boolean;
  /** What is there now, e.g. "12 Users named" or "Not yet". */
  state: string;
  /** What the step is and who does it. */
  about: string;
  /** The page to do it on, when the viewer may open it. */
  href: string | null;
}

export interface SetupChecklist {
  steps: SetupStep[];
  done: number;
  total: number;
  /** Nothing imported yet: a new installation, not a date asked before the first snapshot. */
  firstRun: boolean;
}

const plural = (n: number, one: string, many: string): string => `${formatNumber(n, 0)} ${n === 1 ? one : many}`;

/** `canOpen(path)`: whether the viewer's role may open that page (the route table's rule). */
export function setupChecklist(counts: SetupCounts, canOpen: (path: string) => boolean): SetupChecklist {
  const step = (title: string, path: string, done: boolean, state: string, about: string): SetupStep => ({
    title,
    done,
    state: done ? state : 'Not yet',
    about,
    href: canOpen(path) ? path : null,
  });
  const steps = [
    step(
      'Users register',
      '/users',
      counts.registeredUsers > 0,
      `${plural(counts.registeredUsers, 'User', 'Users')} named`,
      'The energy suppliers (DCC Users) by User ID and name. SECAS imports the register or adds them one by one.',
    ),
    step(
      'Deadline',
      '/deadline',
      counts.deadline !== null,
      `${formatDate(counts.deadline)} in force`,
      'The date the SEC Panel set for the backfill to be finished. SECAS records it with the Panel’s reason.',
    ),
    step(
      'Declarations',
      '/users/declarations',
      counts.declarations > 0,
      `${plural(counts.declarations, 'declaration', 'declarations')} recorded`,
      'How many MAP IDs each User told the DCC it has to backfill, and when. The DCC or SECAS records them.',
    ),
    step(
      'Allowances',
      '/users/allowances',
      counts.allowances > 0,
      `${plural(counts.allowances, 'allowance', 'allowances')} recorded`,
      'The Update Inventory requests per Working Day the DCC confirmed to each User. The DCC or SECAS records them.',
    ),
    step(
      'First snapshot',
      '/snapshots',
      counts.snapshots > 0,
      `${plural(counts.snapshots, 'snapshot', 'snapshots')} imported`,
      'The DCC’s inventory extract, from which every position is counted. The DCC or SECAS imports it (upload, API or drop folder); a MAP register, if one is used, goes in first.',
    ),
  ];
  return { steps, done: steps.filter((s) => s.done).length, total: steps.length, firstRun: counts.snapshots === 0 };
}
