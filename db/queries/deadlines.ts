// The Panel deadline (SPEC §3.3): an append-only history; the latest recorded is the one in force.
import type { Knex } from 'knex';
import { toDbInstant } from '../instant.ts';

export interface DeadlineEntry {
  id: number;
  deadline: string;
  decidedOn: string;
  reason: string;
  recordedBy: string;
  /** A UTC instant 'YYYY-MM-DD HH:MM:SS.mmm' (db/instant.ts). */
  recordedAt: string;
}

interface DeadlineRow {
  id: number;
  deadline: string;
  decided_on: string;
  reason: string;
  recorded_by: string;
  recorded_at: string;
}

const fromRow = (row: DeadlineRow): DeadlineEntry => ({
  id: row.id,
  deadline: row.deadline,
  decidedOn: row.decided_on,
  reason: row.reason,
  recordedBy: row.recorded_by,
  recordedAt: row.recorded_at,
});

/** Every deadline recorded, newest first: the first is the one in force. */
export async function listDeadlines(knex: Knex): Promise<DeadlineEntry[]> {
  const rows = await knex<DeadlineRow>('deadlines').select('*').orderBy('id', 'desc');
  return rows.map(fromRow);
}

/** The deadline in force: the latest recorded (by id, the order they were recorded in). */
export async function deadlineInForce(knex: Knex): Promise<DeadlineEntry | null> {
  const row = await knex<DeadlineRow>('deadlines').select('*').orderBy('id', 'desc').first();
  return row ? fromRow(row) : null;
}

export async function insertDeadline(knex: Knex, entry: { deadline: string; decidedOn: string; reason: string; recordedBy: string }): Promise<void> {
  await knex('deadlines').insert({
    deadline: entry.deadline,
    decided_on: entry.decidedOn,
    reason: entry.reason,
    recorded_by: entry.recordedBy,
    recorded_at: toDbInstant(),
  });
}
