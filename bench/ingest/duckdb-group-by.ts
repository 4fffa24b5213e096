// DuckDB's time on the same file, for bench-ingest.ts, in a process of its own, on 2 threads.
//
// The yardstick (issue 17's "same-figures query") computes the figures the import stores, per
// User and fuel (SPEC §3.2): meters in scope (ESME or GSME, not Decommissioned or Withdrawn,
// pre-notified before the implementation date, 2018-06-28), those with a valid MAP ID (four
// letters or digits), those with one present but invalid, and those pre-notified since without a
// valid one. It validates nothing else and finds no duplicates. This is the query the issue's
// figures were measured with (2.5 s for the 10 M-row plain file on a quiet machine, against which
// the warm import was 0.71×).
//
// Beside it, for the record, the words taken literally: a typed read_csv of the six
// columns, the scope filters, count(*) and count(map_id) per User and device type. It is about
// half the work (a MAP ID counts however malformed, and a row whose date is not a date is skipped
// by ignore_errors), so its figures are not the import's: malformed MAP IDs count as done.
//
// Prints one JSON line: { sameFigures, literal: best seconds; cpuSeconds, literalCpuSeconds: those
// runs' CPU time (user + system, both threads); groups }.
// Usage: node --import tsx bench/ingest/duckdb-group-by.ts FILE RUNS
import { DuckDBInstance } from '@duckdb/node-api';

const [file, runsText = '2'] = process.argv.slice(2);
if (!file) throw new Error('usage: duckdb-group-by.ts FILE [RUNS]');
const quoted = `'${file.replaceAll("'", "''")}'`;

export const SAME_FIGURES = `
  WITH r AS (
    SELECT responsible_user_id AS user_id,
           upper(trim(device_type)) AS fuel,
           replace(lower(device_status), ' ', '') NOT IN ('decommissioned', 'withdrawn') AS in_status,
           try_cast(trim(prenotified_date) AS DATE) AS prenotified,
           regexp_full_match(upper(trim(coalesce(map_id, ''))), '[A-Z0-9]{4}') AS valid,
           trim(coalesce(map_id, '')) <> '' AS present
    FROM read_csv(${quoted}, header = true, all_varchar = true))
  SELECT user_id, fuel,
         count(*) FILTER (WHERE in_status AND prenotified < DATE '2018-06-28') AS in_scope,
         count(*) FILTER (WHERE in_status AND prenotified < DATE '2018-06-28' AND valid) AS completed,
         count(*) FILTER (WHERE in_status AND prenotified < DATE '2018-06-28' AND present AND NOT valid) AS invalid,
         count(*) FILTER (WHERE in_status AND prenotified >= DATE '2018-06-28' AND NOT valid) AS new_missing
  FROM r WHERE fuel IN ('ESME', 'GSME') GROUP BY ALL`;

const COLUMNS = {
  device_id: 'VARCHAR',
  device_type: 'VARCHAR',
  device_status: 'VARCHAR',
  responsible_user_id: 'VARCHAR',
  map_id: 'VARCHAR',
  prenotified_date: 'DATE',
};
const columns = Object.entries(COLUMNS)
  .map(([name, type]) => `'${name}': '${type}'`)
  .join(', ');

export const LITERAL = `
  SELECT responsible_user_id, device_type, count(*) AS in_scope, count(map_id) AS with_map_id
  FROM read_csv(${quoted}, header = true, ignore_errors = true, columns = {${columns}})
  WHERE device_type IN ('ESME', 'GSME')
    AND device_status NOT IN ('Decommissioned', 'Withdrawn')
    AND prenotified_date < DATE '2018-06-28'
  GROUP BY ALL`;

const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
await connection.run('SET threads = 2');

async function timed(sql: string, what: string): Promise<{ seconds: number; cpuSeconds: number; groups: number }> {
  let best = { seconds: Infinity, cpuSeconds: Infinity, groups: 0 };
  for (let run = 0; run < Number(runsText); run++) {
    const cpu = process.cpuUsage();
    const started = performance.now();
    const result = await connection.runAndReadAll(sql);
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    const groups = result.getRows().length;
    if (groups === 0) throw new Error(`DuckDB's ${what} query returned nothing`);
    if (seconds < best.seconds) best = { seconds, cpuSeconds: (used.user + used.system) / 1e6, groups };
  }
  return best;
}

const same = await timed(SAME_FIGURES, 'same-figures');
const literal = await timed(LITERAL, 'literal');
process.stdout.write(
  `${JSON.stringify({ sameFigures: same.seconds, cpuSeconds: same.cpuSeconds, groups: same.groups, literal: literal.seconds, literalCpuSeconds: literal.cpuSeconds })}\n`,
);
