// Reference for bench/ArrowWriteBench.cs: arrow-js writing the same 5 columns (tableToIPC, file format)
// into memory. Columns are built up front (zero-copy typed arrays); only serialization is timed, so the
// comparison flatters arrow-js (our timing includes appending every value through the builder API).
// usage: node bench-write.mjs <rows> <runs>   → JSON {rows, bytes, seconds: [..]}
import { makeData, makeVector, Table, tableToIPC, vectorFromArray, Bool, Dictionary, Int32, Utf8 } from 'apache-arrow';

const rows = Number(process.argv[2] ?? 10_000_000);
const runs = Number(process.argv[3] ?? 3);
const ops = ['read', 'write', 'mmap', 'munmap', 'fork'];

// Same formulas as ArrowWriteBench.cs: time = i*1000, addr = (i*2654435761) mod 2^47 (as int64),
// cost = i*0.5, hit = i%3==0, op = ops[i%5].
const time = new BigInt64Array(rows);
const addr = new BigInt64Array(rows);
const cost = new Float64Array(rows);
const hit = new Uint8Array((rows + 7) >> 3);
const op = new Int32Array(rows);
for (let i = 0; i < rows; i++) {
  time[i] = BigInt(i) * 1000n;
  addr[i] = (BigInt(i) * 2654435761n) & ((1n << 47n) - 1n);
  cost[i] = i * 0.5;
  if (i % 3 === 0) hit[i >> 3] |= 1 << (i & 7);
  op[i] = i % 5;
}

const dictionary = vectorFromArray(ops, new Utf8());
const table = new Table({
  time: makeVector(time),
  addr: makeVector(addr),
  cost: makeVector(cost),
  hit: makeVector(makeData({ type: new Bool(), length: rows, nullCount: 0, data: hit })),
  op: makeVector(makeData({ type: new Dictionary(new Utf8(), new Int32()), length: rows, nullCount: 0, data: op, dictionary })),
});

tableToIPC(table, 'file'); // warm-up
const seconds = [];
let bytes = 0;
for (let r = 0; r < runs; r++) {
  const start = process.hrtime.bigint();
  bytes = tableToIPC(table, 'file').byteLength;
  seconds.push(Number(process.hrtime.bigint() - start) / 1e9);
}
process.stdout.write(JSON.stringify({ rows, bytes, seconds }) + '\n');
