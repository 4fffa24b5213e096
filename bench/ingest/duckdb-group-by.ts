// DuckDB's time on the same file, for bench-ingest.ts: read_csv + GROUP BY, in a process of its own.
// Two queries: the plainest count per (User, type), and one that computes the same figures as the
// ingest (SPEC §3.2: scope by type, status and date, MAP ID validity) — without validating or
// de-duplicating anything. Prints one JSON line with the best time of each.
// Usage: node --import tsx bench/ingest/duckdb-group-by.ts FILE RUNS
import { DuckDBInstance } from '@duckdb/node-api';

const [file, runsText = '3'] = process.argv.slice(2);
if (!file) throw new Error('usage: duckdb-group-by.ts FILE [RUNS]');
const source = `read_csv('${file.replaceAll("'", "''")}', header = true, all_varchar = true)`;

export const QUERIES = {
  /** Rows per User and device type. */
  simple: `SELECT responsible_user_id, device_type, count(*) AS n FROM ${source} GROUP BY ALL`,
  /** The counts of SPEC §3.2 per User and fuel (implementation date 2018-06-28, no MAP register). */
  sameFigures: `
    WITH r AS (
      SELECT responsible_user_id AS user_id,
             upper(trim(device_type)) AS fuel,
             replace(lower(device_status), ' ', '') NOT IN ('decommissioned', 'withdrawn') AS in_status,
             try_cast(trim(prenotified_date) AS DATE) AS prenotified,
             regexp_full_match(upper(trim(coalesce(map_id, ''))), '[A-Z0-9]{4}') AS valid,
             trim(coalesce(map_id, '')) <> '' AS present
      FROM ${source})
    SELECT user_id, fuel,
           count(*) FILTER (WHERE in_status AND prenotified < DATE '2018-06-28') AS in_scope,
           count(*) FILTER (WHERE in_status AND prenotified < DATE '2018-06-28' AND valid) AS completed,
           count(*) FILTER (WHERE in_status AND prenotified < DATE '2018-06-28' AND present AND NOT valid) AS invalid,
           count(*) FILTER (WHERE in_status AND prenotified >= DATE '2018-06-28' AND NOT valid) AS new_missing
    FROM r WHERE fuel IN ('ESME', 'GSME') GROUP BY ALL`,
};

const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
const best: Record<string, number> = {};
for (const [name, sql] of Object.entries(QUERIES)) {
  for (let run = 0; run < Number(runsText); run++) {
    const started = performance.now();
    const result = await connection.runAndReadAll(sql);
    const seconds = (performance.now() - started) / 1000;
    if (result.getRows().length === 0) throw new Error(`DuckDB's ${name} query returned nothing`);
    best[name] = Math.min(best[name] ?? Infinity, seconds);
  }
}
process.stdout.write(`${JSON.stringify(best)}\n`);
