// Writes the same small table with arrow-js (file + stream) and polars (file: Utf8View strings, stream:
// LargeUtf8 strings) so our reader is tested on foreign files. The committed copies live in
// tests/Arrow.Tests/Fixtures; regenerate with: node tools/arrow-interop/write-fixtures.mjs <dir>
//   id int64 [1, 2, 3] · name utf8 ["alpha", null, "ünïcödé is longer than 12 bytes"]
//   kind dictionary ["read", "write", "read"] · flag bool [true, false, null] · x float64 [1.5, NaN, -2]
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Table, vectorFromArray, tableToIPC, Int64, Int32, Utf8, Dictionary, Bool, Float64 } from 'apache-arrow';
import pl from 'nodejs-polars';

const dir = process.argv[2];
const names = ['alpha', null, 'ünïcödé is longer than 12 bytes'];
const kinds = ['read', 'write', 'read'];
const flags = [true, false, null];
const xs = [1.5, NaN, -2];

const table = new Table({
  id: vectorFromArray([1n, 2n, 3n], new Int64()),
  name: vectorFromArray(names, new Utf8()),
  kind: vectorFromArray(kinds, new Dictionary(new Utf8(), new Int32())),
  flag: vectorFromArray(flags, new Bool()),
  x: vectorFromArray(xs, new Float64()),
});
writeFileSync(join(dir, 'arrowjs.arrow'), tableToIPC(table, 'file'));
writeFileSync(join(dir, 'arrowjs.arrows'), tableToIPC(table, 'stream'));

const df = pl.DataFrame([
  pl.Series('id', [1, 2, 3], pl.Int64),
  pl.Series('name', names, pl.Utf8),
  pl.Series('kind', kinds, pl.Utf8).cast(pl.Categorical),
  pl.Series('flag', flags, pl.Bool),
  pl.Series('x', xs, pl.Float64),
]);
df.writeIPC(join(dir, 'polars.arrow'));
df.writeIPCStream(join(dir, 'polars.arrows'));
