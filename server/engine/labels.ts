// Plain-words descriptions of the compliance flags (SPEC §4.4), shared by the dashboard and the report.
import type { ComplianceFlag, RagReason } from './types.ts';

export const FLAG_LABELS: Record<ComplianceFlag, { title: string; meaning: string }> = {
  NOTIFICATION_MISSING: {
    title: 'Declaration missing',
    meaning: 'The User has MAP IDs to backfill but the DCC had received no declaration of how many by the end of the notification window.',
  },
  NOTIFICATION_LATE: {
    title: 'Declaration late',
    meaning: 'The User’s declaration reached the DCC after the notification window had closed.',
  },
  CONFIRMATION_MISSING: {
    title: 'Allowance not confirmed',
    meaning: 'The DCC had not confirmed the User’s daily allowance by the end of the confirmation window after its declaration.',
  },
  CONFIRMATION_LATE: {
    title: 'Allowance confirmed late',
    meaning: 'The DCC confirmed the User’s first allowance after the confirmation window had closed.',
  },
  DECLARATION_MISMATCH: {
    title: 'Declaration differs from baseline',
    meaning: 'The number the User declared differs by more than 5 % from the MAP IDs outstanding in the baseline snapshot.',
  },
  ALLOWANCE_EXCEEDED: {
    title: 'Allowance exceeded',
    meaning: 'Between two snapshots the User backfilled more MAP IDs than its allowance permits over the Working Days between them.',
  },
  NEW_WITHOUT_MAP_ID: {
    title: 'New meters without MAP ID',
    meaning: 'Meters pre-notified on or after the implementation date without a valid MAP ID — since implementation every pre-notification must carry one.',
  },
  INVALID_MAP_IDS: {
    title: 'Invalid MAP IDs',
    meaning: 'Some meters in scope carry a MAP ID that is not a valid one (not 4 letters or digits, or not in the MAP register).',
  },
  UNREGISTERED_USER: {
    title: 'Unregistered User',
    meaning: 'The User ID appears in the inventory but SECAS has not yet named it in the Users register.',
  },
};

/**
 * Each RAG reason (SPEC §4.3) as a short tag for a table cell and the full sentence behind it, shown
 * when the tag is hovered or focused and on the User's page.
 */
export const REASON_LABELS: Record<RagReason, { tag: string; text: string }> = {
  complete: { tag: 'Complete', text: 'Complete: nothing is outstanding.' },
  'deadline missed': { tag: 'Deadline missed', text: 'Deadline missed: MAP IDs are still outstanding and no Working Day is left before the deadline.' },
  'cannot finish within allowance': {
    tag: 'Cannot finish',
    text: 'Cannot finish within allowance: the rate needed to finish by the deadline is more than the User’s allowance per Working Day.',
  },
  'not enough snapshots': {
    tag: 'Too few snapshots',
    text: 'Not enough snapshots to measure progress: no earlier snapshot to measure a rate from yet.',
  },
  'no progress': { tag: 'Stalled', text: 'No progress: outstanding MAP IDs have not fallen since the snapshot the rate is measured from.' },
  'projected after deadline': {
    tag: 'Behind plan',
    text: 'Projected after deadline: at the rate measured, the User would finish after the deadline.',
  },
  'on track': { tag: 'On track', text: 'On track: at the rate measured, the User finishes by the deadline.' },
};
