// DuckDB's time on the same file, for bench-ingest.ts, in a process of its own: the yardstick of
// issue 17, "DuckDB's same-figures query" — a typed read_csv of the six columns, the SPEC §3.2
// filters (device type ESME or GSME, status in scope, pre-notified before the implementation
// date, 2018-06-28), count(*) and count(map_id) per User and device type, on 2 threads. It
// validates nothing and finds no duplicates (a row whose date is not a date is skipped by
// ignore_errors). Prints one JSON line: { sameFigures: best seconds, cpuSeconds: that run's CPU
// time (user + system, both threads), groups }.
// Usage: node --import tsx bench/ingest/duckdb-group-by.ts FILE RUNS
import { DuckDBInstance } from '@duckdb/node-api';

const [file, runsText = '2'] = process.argv.slice(2);
if (!file) throw new Error('usage: duckdb-group-by.ts FILE [RUNS]');

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

export const SAME_FIGURES = `
  SELECT responsible_user_id, device_type, count(*) AS in_scope, count(map_id) AS with_map_id
  FROM read_csv('${file.replaceAll("'", "''")}', header = true, ignore_errors = true, columns = {${columns}})
  WHERE device_type IN ('ESME', 'GSME')
    AND device_status NOT IN ('Decommissioned', 'Withdrawn')
    AND prenotified_date < DATE '2018-06-28'
  GROUP BY ALL`;

const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
await connection.run('SET threads = 2');
let best = Infinity;
let cpuSeconds = Infinity;
let groups = 0;
for (let run = 0; run < Number(runsText); run++) {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await connection.runAndReadAll(SAME_FIGURES);
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  groups = result.getRows().length;
  if (groups === 0) throw new Error("DuckDB's same-figures query returned nothing");
  if (seconds < best) {
    best = seconds;
    cpuSeconds = (used.user + used.system) / 1e6;
  }
}
process.stdout.write(`${JSON.stringify({ sameFigures: best, cpuSeconds, groups })}\n`);
