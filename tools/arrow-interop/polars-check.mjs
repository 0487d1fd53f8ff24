// Reads an Arrow IPC file (.arrow) or stream (.arrows) with polars (the Rust reader) and prints JSON:
// row count, column names, dtypes, null counts and every value cast to text, so a test can compare
// exactly without caring how polars maps int64 to JavaScript.  usage: node polars-check.mjs <path>
import { readFileSync } from 'node:fs';
import pl from 'nodejs-polars';

const path = process.argv[2];
const bytes = readFileSync(path);          // a Buffer: a string not ending in .ipc is taken as inline data
const df = path.endsWith('.arrows') ? pl.readIPCStream(bytes) : pl.readIPC(bytes);
const columns = {};
for (const name of df.columns) {
  const s = df.getColumn(name);
  const text = s.dtype.variant === 'Bool' || s.dtype.variant === 'Datetime'
    ? s.cast(pl.Int64, false).cast(pl.Utf8)   // exact: bools as 0/1, datetimes as raw counts
    : s.cast(pl.Utf8);
  columns[name] = { dtype: s.dtype.variant, nulls: s.nullCount(), values: text.toArray() };
}
process.stdout.write(JSON.stringify({ rows: df.height, columns }) + '\n');
